import type { APIRoute } from 'astro';
import { loadSeries } from '../../../site/statistics/load.ts';
import { datasetCsv } from '../../../site/statistics/export.ts';

export const prerender = false;

/** Open data: a series in the long format (one line per table cell; the fields are described on /data/). */
export const GET: APIRoute = async ({ params, locals }) => {
  const dataset = await loadSeries(params.series, locals);
  if (!dataset)
    return new Response('Not Found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  return new Response(datasetCsv(dataset), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${dataset.key}-long.csv"`,
      'Cache-Control': 'public, max-age=300',
    },
  });
};
