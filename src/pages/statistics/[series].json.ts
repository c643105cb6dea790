import type { APIRoute } from 'astro';
import { seriesPath } from '../../site/statistics/model.ts';
import { loadSeries } from '../../site/statistics/load.ts';
import { datasetJson } from '../../site/statistics/export.ts';

export const prerender = false;

/** A series as JSON: typed cells (count, suppressed, rate with interval, year-on-year …) and its metadata. */
export const GET: APIRoute = async ({ params, locals, site, url }) => {
  const dataset = await loadSeries(params.series, locals);
  if (!dataset)
    return new Response(JSON.stringify({ error: { code: 'not_found' } }), {
      status: 404,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
  return new Response(datasetJson(dataset, new URL(seriesPath(dataset.key), site ?? url).href), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300' },
  });
};
