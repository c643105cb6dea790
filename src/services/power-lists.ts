import type { Database } from '../db/client.ts';
import {
  createSubmission,
  latestVersion,
  listPendingSubmissions,
  type StoreResult,
} from '../db/disclosure-store-repo.ts';
import { StaffReason } from '../domain/disclosures/approval.ts';
import type { IssueProblem } from '../domain/text/issues.ts';
import type { Power } from '../domain/units/schema.ts';
import {
  checkPowerList,
  hasChanges,
  powerChanges,
  powerListId,
  powerListKind,
  type PowerListRecord,
} from '../domain/units/power-list.ts';
import { unsafeTextErrors } from './fields.ts';

/**
 * A unit's power list edited by its publisher and approved like a disclosure (issue 12 "Every carrier publishes"):
 * the list in force (the latest approved version in the store, else the unit's file in content/units), the
 * pending submission, and the submission of a whole new list with a reason. The list goes into the disclosure
 * store as its own kind (`powerList`, permalink slug `powers-<unit>`): the store's audit row, approval, return
 * and rebuild are the disclosures' own.
 */

export interface PowerListInForce {
  powers: Power[];
  /** The approved store version in force, or null when the list is content/'s. */
  version: { version: number; approvedAt: Date } | null;
}

/** The list in force for a unit: the latest approved store version, or the file's `contentPowers`. */
export async function powerListInForce(
  database: Database,
  unitId: string,
  contentPowers: readonly Power[],
): Promise<PowerListInForce> {
  const latest = await latestVersion(database, powerListId(unitId));
  if (!latest || latest.kind !== powerListKind) return { powers: [...contentPowers], version: null };
  return {
    powers: (latest.data as PowerListRecord).powers,
    version: { version: latest.version, approvedAt: latest.approvedAt },
  };
}

/** The unit's power list submission awaiting approval, if any (one at a time per unit). */
export async function pendingPowerList(database: Database, unitId: string) {
  return (await listPendingSubmissions(database, [unitId])).find((s) => s.kind === powerListKind);
}

/** A refusal of the typed list: every problem by field (`powers.<i>.<field>`, `reason`), 422, nothing stored. */
export interface PowerListRefusal {
  ok: false;
  code: 'powers.input.invalid';
  status: 422;
  problems: IssueProblem[];
}

/** A list that is the one in force, or a second submission while one is pending (409). */
export type PowerListConflict =
  { ok: false; code: 'powers.unchanged'; status: 422 } | { ok: false; code: 'powers.pending'; status: 409 };

const refused = (problems: IssueProblem[]): PowerListRefusal => ({
  ok: false,
  code: 'powers.input.invalid',
  status: 422,
  problems,
});

/**
 * Checks a typed list with the build's rules (`PowerListRecord`: the content schema `Power`, the identifier
 * detector on every text, unique titles); no database access.
 */
export function checkTypedList(
  unitId: string,
  powers: unknown,
): { ok: true; data: PowerListRecord } | PowerListRefusal {
  const unsafe = unsafeTextErrors(powers);
  if (unsafe)
    return refused(Object.keys(unsafe).map((p) => ({ path: ['powers', ...p.split('.')], message: 'text.unsafe' })));
  const checked = checkPowerList({ unit: unitId, powers });
  return checked.ok ? checked : refused(checked.problems);
}

/**
 * Submits a whole new list for the unit's approver: checked like the build checks it, with a reason (required,
 * no identifier), refused when it changes nothing or while another is pending; stored as a submission of the
 * power list kind with its audit row in the same batch (src/db/disclosure-store-repo.ts). The first list of a
 * unit is a publication, every later one a correction of the stored series.
 */
export async function submitPowerList(
  database: Database,
  s: { unitId: string; powers: unknown; reason: string; submittedBy: string; at: Date },
  contentPowers: readonly Power[],
  /** The power titles the unit's published matters name: an entry they name cannot be removed (or renamed). */
  namedTitles: ReadonlySet<string> = new Set(),
): Promise<StoreResult<{ id: string }> | PowerListRefusal | PowerListConflict> {
  const checked = checkTypedList(s.unitId, s.powers);
  const reason = StaffReason.safeParse(s.reason);
  const problems = [
    ...(checked.ok ? [] : checked.problems),
    ...(reason.success ? [] : reason.error.issues.map((i) => ({ path: ['reason'], message: i.message }))),
  ];
  if (!checked.ok || !reason.success) return refused(problems);
  const inForce = await powerListInForce(database, s.unitId, contentPowers);
  const changes = powerChanges(inForce.powers, checked.data.powers);
  if (!hasChanges(changes)) return { ok: false, code: 'powers.unchanged', status: 422 };
  // A published matter names its power by title: removing that entry would fail the site's next build.
  const inUse = changes.removed.filter((p) => namedTitles.has(p.title));
  if (inUse.length > 0)
    return refused(inUse.map((p) => ({ path: ['powers'], message: 'powers.title.inUse', vars: { title: p.title } })));
  if (await pendingPowerList(database, s.unitId)) return { ok: false, code: 'powers.pending', status: 409 };
  return createSubmission(
    database,
    {
      kind: powerListKind,
      unitId: s.unitId,
      disclosureId: powerListId(s.unitId),
      change: inForce.version ? 'correction' : 'publish',
      data: checked.data,
      sourceFileName: null,
      reason: reason.data,
      submittedBy: s.submittedBy,
      at: s.at,
    },
    new Set(),
  );
}

/** The approval's re-check of a stored power list submission: its problems under the current rules (none: valid). */
export function recheckPowerList(unitId: string, data: unknown): IssueProblem[] {
  const checked = checkPowerList(data);
  if (!checked.ok) return checked.problems;
  return checked.data.unit === unitId
    ? []
    : [{ path: ['unit'], message: 'powers.store.otherUnit', vars: { unit: unitId } }];
}

/**
 * A power list submission as its approver previews it: the entries as the unit page will show them and what
 * they change against the list in force (the latest approved version, else content/'s). Undefined for any other
 * kind or a record that no longer parses.
 */
export async function powerListPreview(
  database: Database,
  submission: { kind: string; unitId: string; data: unknown },
  contentPowers: readonly Power[],
) {
  if (submission.kind !== powerListKind) return undefined;
  const checked = checkPowerList(submission.data);
  if (!checked.ok) return undefined;
  const inForce = await powerListInForce(database, submission.unitId, contentPowers);
  return { powers: checked.data.powers, changes: powerChanges(inForce.powers, checked.data.powers) };
}
