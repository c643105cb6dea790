import type { APIRoute } from 'astro';
import { pageSources } from '../../../site/scoring/page-sources.ts';
import { toPublicScorecard } from '../../../site/scoring/export.ts';
import { standardOf, unitScorecard, yearReport } from '../../../services/scoring.ts';
import { publicEvaluation } from '../../../services/evaluation-team.ts';

// On demand: one scorecard as JSON (the public allow-list), with its rank among the carrier's units.
export const prerender = false;

export const GET: APIRoute = async ({ params, locals }) => {
  const sources = await pageSources(locals);
  const standard = standardOf(sources, Number(params.year));
  const database = locals.database;
  const result = standard && database ? await unitScorecard(database, standard, sources, params.unit ?? '') : null;
  if (!standard || !database || !result) return Response.json({ error: { code: 'not_found' } }, { status: 404 });
  const report = await yearReport(database, standard, sources);
  const row = report.ranking.find((r) => r.card.unitId === result.card.unitId);
  // The evaluation team's sign-off (only once signed off; allow-listed like the page: no names, reasons, answers).
  const team = await publicEvaluation(database, standard, result.card.unitId);
  return Response.json(
    {
      ...toPublicScorecard(result.card, row?.rank ?? null, row?.tooFew ?? false),
      history: result.history.map((h) => ({
        grade: h.grade,
        total: h.total,
        reason: h.reason,
        recordedAt: h.recordedAt.toISOString(),
      })),
      ...(team
        ? {
            signoff: {
              signedOffAt: team.signedOffAt?.toISOString() ?? null,
              version: team.version,
              evidence: Object.fromEntries(
                Object.entries(team.evidence).map(([key, entries]) => [
                  key,
                  entries.map((e) => ({ note: e.note, files: e.files.map((sha) => `/scoring/evidence/${sha}`) })),
                ]),
              ),
              appeals: team.appeals.map((a) => ({
                itemKey: a.itemKey,
                lodgedAt: a.lodgedAt.toISOString(),
                answeredAt: a.answeredAt?.toISOString() ?? null,
                outcome: a.outcome,
              })),
            },
          }
        : {}),
    },
    { headers: { 'Cache-Control': 'public, max-age=60' } },
  );
};
