import type { APIRoute } from 'astro';
import { loadSeries } from '../../site/statistics/load.ts';
import { datasetXlsx } from '../../site/statistics/export.ts';
import { XLSX_TYPE } from '../../lib/xlsx.ts';

export const prerender = false;

/** A series as an Excel workbook: a sheet of definitions, then one sheet per table. */
export const GET: APIRoute = async ({ params, locals }) => {
  const dataset = await loadSeries(params.series, locals);
  if (!dataset)
    return new Response('Not Found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  return new Response(await datasetXlsx(dataset), {
    headers: {
      'Content-Type': XLSX_TYPE,
      'Content-Disposition': `attachment; filename="${dataset.key}.xlsx"`,
      'Cache-Control': 'public, max-age=300',
    },
  });
};
