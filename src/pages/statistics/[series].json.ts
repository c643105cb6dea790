import type { APIRoute } from 'astro';
import { isSeriesKey, seriesPath } from '../../statistics/model.ts';
import { loadDataset } from '../../statistics/load.ts';
import { datasetJson } from '../../statistics/export.ts';

export const prerender = false;

/** A series as JSON: typed cells (count, suppressed, rate with interval, year-on-year …) and its metadata. */
export const GET: APIRoute = async ({ params, locals, site, url }) => {
  const key = params.series ?? '';
  const dataset = isSeriesKey(key) ? await loadDataset(key, locals.channel) : null;
  if (!dataset) return new Response(JSON.stringify({ error: { code: 'not_found' } }), { status: 404, headers: { 'Content-Type': 'application/json; charset=utf-8' } });
  return new Response(datasetJson(dataset, new URL(seriesPath(dataset.key), site ?? url).href), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300' },
  });
};
