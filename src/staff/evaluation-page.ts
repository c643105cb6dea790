import type { AstroGlobal } from 'astro';
import { requireStaff, staffErrorPage } from './guard.ts';
import type { StaffContext } from './context.ts';
import type { StaffSession } from './auth.ts';
import type { StaffRouteKey } from '../domain/staff/roles.ts';
import type { Standard } from '../domain/scoring/standard.ts';
import { pageSources } from '../site/scoring/page-sources.ts';
import { standardOf } from '../services/scoring.ts';
import { teamView, type TeamView } from '../services/evaluation-team.ts';
import { fileResponse, staffEvidenceFile, type AttachmentStore } from '../services/attachments.ts';

export type EvaluationPage =
  | { ok: false; response: Response }
  | {
      ok: true;
      session: StaffSession;
      ctx: StaffContext;
      store: AttachmentStore;
      standard: Standard;
      /** The team's view of the unit and year before this request's form (if any) is handled. */
      before: TeamView;
      unit: { id: string; carrier: TeamView['unit']['carrier'] };
    };

/**
 * What the evaluation team's pages of one unit and year (`/staff/evaluation/[year]/[unit]/team|signoff/`)
 * share: the guard of their route, the year's standard and the team's view (404 when either is unknown), and
 * `?file=<sha256>`, which serves one evidence file of this unit and year to staff (before the sign-off it is
 * not public).
 */
export async function openEvaluationPage(
  astro: AstroGlobal,
  route: Extract<StaffRouteKey, 'evaluationTeam' | 'evaluationSignoff'>,
): Promise<EvaluationPage> {
  const guard = requireStaff(astro, route);
  if (!guard.ok) return guard;
  const store = astro.locals.attachments;
  const standard = standardOf(await pageSources(astro.locals), Number(astro.params.year));
  const unitId = astro.params.unit ?? '';
  const before = standard ? await teamView(guard.ctx.database, standard, unitId) : null;
  if (!standard || !before || !store) return { ok: false, response: staffErrorPage(404) };
  const file = astro.url.searchParams.get('file');
  if (file !== null && astro.request.method === 'GET') {
    const f = await staffEvidenceFile(store, file, unitId, standard.year);
    return { ok: false, response: f ? fileResponse(f, file, 'staff') : staffErrorPage(404) };
  }
  return { ...guard, store, standard, before, unit: { id: unitId, carrier: before.unit.carrier } };
}
