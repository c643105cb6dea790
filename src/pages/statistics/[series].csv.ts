import type { APIRoute } from 'astro';
import { loadSeries } from '../../site/statistics/load.ts';
import { datasetTableCsv } from '../../site/statistics/export.ts';

export const prerender = false;

/** A series as a table CSV for people (UTF-8 with BOM, Chinese headers, one row per period or category). */
export const GET: APIRoute = async ({ params, locals }) => {
  const dataset = await loadSeries(params.series, locals);
  if (!dataset)
    return new Response('Not Found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  return new Response(datasetTableCsv(dataset), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${dataset.key}.csv"`,
      'Cache-Control': 'public, max-age=300',
    },
  });
};
