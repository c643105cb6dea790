import type { APIRoute } from 'astro';
import { pageSources } from '../../../site/scoring/page-sources.ts';
import { yearXlsx } from '../../../site/scoring/export.ts';
import { standardOf, yearReport } from '../../../services/scoring.ts';
import { XLSX_TYPE } from '../../../lib/xlsx.ts';

// On demand: the year's scorecards (one row per unit) and pass rates, as an Excel workbook.
export const prerender = false;

export const GET: APIRoute = async ({ params, locals }) => {
  const sources = await pageSources(locals);
  const standard = standardOf(sources, Number(params.year));
  if (!standard || !locals.database) return Response.json({ error: { code: 'not_found' } }, { status: 404 });
  return new Response(await yearXlsx(await yearReport(locals.database, standard, sources)), {
    headers: {
      'Content-Type': XLSX_TYPE,
      'Content-Disposition': `attachment; filename="scorecards-${standard.year}.xlsx"`,
      'Cache-Control': 'public, max-age=60',
    },
  });
};
