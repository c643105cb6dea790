import type { APIRoute } from 'astro';
import { pageSources } from '../../../site/scoring/page-sources.ts';
import { yearJson } from '../../../site/scoring/export.ts';
import { standardOf, yearReport } from '../../../services/scoring.ts';

// On demand: the year's pass rates and every scorecard as JSON.
export const prerender = false;

export const GET: APIRoute = async ({ params, locals }) => {
  const sources = await pageSources(locals);
  const standard = standardOf(sources, Number(params.year));
  if (!standard || !locals.database) return Response.json({ error: { code: 'not_found' } }, { status: 404 });
  return Response.json(yearJson(await yearReport(locals.database, standard, sources)), {
    headers: { 'Cache-Control': 'public, max-age=60' },
  });
};
