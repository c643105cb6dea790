import type { APIRoute } from 'astro';
import { pageSources } from '../../../site/scoring/page-sources.ts';
import { yearCsv } from '../../../site/scoring/export.ts';
import { standardOf, yearReport } from '../../../services/scoring.ts';

// On demand: one row per unit, one column per indicator.
export const prerender = false;

export const GET: APIRoute = async ({ params, locals }) => {
  const sources = await pageSources(locals);
  const standard = standardOf(sources, Number(params.year));
  if (!standard || !locals.database) return Response.json({ error: { code: 'not_found' } }, { status: 404 });
  return new Response(yearCsv(await yearReport(locals.database, standard, sources)), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="scorecards-${standard.year}.csv"`,
      'Cache-Control': 'public, max-age=60',
    },
  });
};
