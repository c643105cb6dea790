import type { ApprovedVersion } from '../db/disclosure-store-snapshot.ts';
import { beijingDate } from '../domain/calendar/dates.ts';
import { problem } from '../domain/disclosures/common.ts';
import { attachmentsInForce } from '../domain/disclosures/attachments.ts';
import type { DisclosureHistory, HistoryVersion } from '../domain/disclosures/history.ts';
import { disclosureKinds, type DisclosureKind } from '../domain/disclosures/kinds.ts';
import {
  validateDisclosures,
  type LocatedProblem,
  type RawEntry,
  type ValidationInput,
  type ValidEntries,
} from '../domain/disclosures/validate.ts';
import { maskOrNull } from '../domain/privacy/identifiers.ts';
import type { Power, Unit } from '../domain/units/schema.ts';
import {
  checkPowerList,
  powerChanges,
  powerListKind,
  type PowerListHistory,
} from '../domain/units/power-list.ts';
import { fieldDiff } from '../publishing/sheets/diff.ts';
import { addedStages } from '../domain/disclosures/decision/progress.ts';
import type { Decision } from '../domain/disclosures/decision/schema.ts';
import { t } from '../i18n/t.ts';
import { ContentError, formatProblem } from './files.ts';

/**
 * The disclosures the site publishes (issue 12): the files of content/ and the latest approved version of
 * every disclosure in the store, validated together by the build's own rules (schemas, rules across records),
 * plus the public history of every stored disclosure. A stored record is named `store:<disclosureId>` in
 * problems, so a bad one stops the build with `store:<id> › field: reason`.
 */
export const storeFile = (disclosureId: string): string => `store:${disclosureId}`;

export interface HistoryEntry {
  id: string;
  data: DisclosureHistory;
}

export interface Published {
  entries: ValidEntries;
  history: HistoryEntry[];
}

const isKind = (k: string): k is DisclosureKind => (disclosureKinds as readonly string[]).includes(k);

function series(stored: readonly ApprovedVersion[]): Map<string, ApprovedVersion[]> {
  const out = new Map<string, ApprovedVersion[]>();
  for (const v of stored) out.set(v.disclosureId, [...(out.get(v.disclosureId) ?? []), v]);
  for (const list of out.values()) list.sort((a, b) => a.version - b.version);
  return out;
}

/**
 * What a version changed, as the public list names it. A correction: every changed field where the template has
 * it. Progress (a 4+2 record's next stage): the stage it added by name, then any other field it changed (the
 * implementation dates); the added stage's own cells are not listed one by one.
 */
function changedLabels(kind: DisclosureKind, change: 'correction' | 'progress', before: unknown, after: unknown) {
  if (change === 'correction' || kind !== 'decision') return [...new Set(fieldDiff(kind, before, after).map((c) => c.label))];
  const b = before as Decision;
  const a = after as Decision;
  const stages = addedStages(b, a).map((stage) =>
    t('disclosures.history.stageAdded', { stage: t(`disclosures.stage.${stage}`) }),
  );
  const others = fieldDiff(kind, { ...b, stages: [] }, { ...a, stages: [] }).map((c) => c.label);
  return [...new Set([...stages, ...others])];
}

/** Every version of one stored disclosure as the public sees it: reasons masked, changed fields labelled. */
function historyOf(kind: DisclosureKind, versions: readonly ApprovedVersion[]): DisclosureHistory {
  let before: unknown;
  const out: HistoryVersion[] = versions.map((v) => {
    const changedFields =
      (v.change === 'correction' || v.change === 'progress') && before !== undefined && v.data !== null
        ? changedLabels(kind, v.change, before, v.data)
        : [];
    if (v.data !== null) before = v.data;
    return {
      version: v.version,
      change: v.change,
      approvedAt: v.approvedAt.toISOString(),
      approvedOn: beijingDate(v.approvedAt),
      reason: maskOrNull(v.reason),
      changedFields,
      supervision: v.supervision
        ? { reviewedOn: v.supervision.reviewedOn, opinion: maskOrNull(v.supervision.opinion) ?? '' }
        : null,
    };
  });
  const last = versions[versions.length - 1]!;
  return { kind, unit: last.unitId, versions: out, attachments: [...attachmentsInForce(versions)] };
}

/**
 * Merges the stored disclosures into content/'s files and validates everything together. Throws ContentError
 * listing every problem (content/ files as `file › …`, stored records as `store:<id> › …`).
 */
export function publishedDisclosures(
  input: Omit<ValidationInput, 'files'> & {
    files: Record<DisclosureKind, RawEntry[]>;
    stored: readonly ApprovedVersion[];
  },
): Published {
  const problems: LocatedProblem[] = [];
  const contentIds = new Set(disclosureKinds.flatMap((k) => input.files[k].map((f) => f.id)));
  const files = Object.fromEntries(disclosureKinds.map((k) => [k, [...input.files[k]]])) as Record<
    DisclosureKind,
    RawEntry[]
  >;
  const history: HistoryEntry[] = [];
  for (const [id, versions] of series(input.stored)) {
    const file = storeFile(id);
    const last = versions[versions.length - 1]!;
    // Power lists are merged into the units (publishedPowerLists), not into a disclosure collection.
    if (last.kind === powerListKind) continue;
    if (!isKind(last.kind)) {
      problems.push({ file, ...problem(['kind'], 'disclosures.store.unknownKind', { kind: last.kind }) });
      continue;
    }
    // One permalink per disclosure: a file added to content/ later must not shadow a stored one.
    if (contentIds.has(id)) {
      problems.push({ file, ...problem(['(entry)'], 'disclosures.store.idInContent') });
      continue;
    }
    history.push({ id, data: historyOf(last.kind, versions) });
    // A withdrawn disclosure leaves the collections; its permalink shows the withdrawal notice.
    if (last.change === 'withdrawal') continue;
    files[last.kind].push({ file, id, data: last.data, scrubbed: last.scrubbedAt !== null });
  }
  const validated = validateDisclosures({ units: input.units, calendar: input.calendar, files });
  problems.push(...validated.problems);
  if (problems.length) throw new ContentError(problems.map(formatProblem));
  return { entries: validated.entries, history: history.toSorted((a, b) => a.id.localeCompare(b.id)) };
}

/** A unit's approved power list as the unit page shows it: the entries in force and the public history. */
export interface PowerListEntry {
  id: string;
  data: PowerListHistory;
}

/**
 * The units with the approved power lists of the store merged in (issue 12): the latest approved version of
 * `powers-<unit>` replaces the `powers` of that unit's file in content/units. The version in force is checked
 * by the rules the publisher's form applies (`PowerListRecord`: the content schema, the identifier detector,
 * unique titles) and must name a unit of content/units: a bad one throws ContentError naming
 * `store:powers-<unit> › field: reason`, as a bad stored disclosure does.
 */
export function publishedPowerLists<U extends Pick<Unit, 'powers'> & { id: string }>(
  units: readonly U[],
  stored: readonly ApprovedVersion[],
): { units: U[]; history: PowerListEntry[] } {
  const problems: LocatedProblem[] = [];
  const lists = new Map<string, { powers: Power[]; history: PowerListHistory }>();
  const known = new Set(units.map((u) => u.id));
  for (const [id, versions] of series(stored)) {
    const last = versions[versions.length - 1]!;
    if (last.kind !== powerListKind) continue;
    const file = storeFile(id);
    if (!known.has(last.unitId)) {
      problems.push({ file, ...problem(['unit'], 'powers.store.unknownUnit', { unit: last.unitId }) });
      continue;
    }
    let before: Power[] = units.find((u) => u.id === last.unitId)!.powers;
    const history: PowerListHistory = { unit: last.unitId, versions: [] };
    // Only the version in force is checked (as for disclosures: a rule added later does not stop the build over
    // an old version); an older one that no longer passes counts as an empty list in the history's changes.
    const checked = checkPowerList(last.data);
    if (!checked.ok || checked.data.unit !== last.unitId) {
      const found = checked.ok ? [problem(['unit'], 'powers.store.otherUnit', { unit: last.unitId })] : checked.problems;
      problems.push(...found.map((p) => ({ file, ...p })));
      continue;
    }
    for (const v of versions) {
      const parsed = v === last ? checked : checkPowerList(v.data);
      const after = parsed.ok ? parsed.data.powers : [];
      const c = powerChanges(before, after);
      history.versions.push({
        version: v.version,
        approvedOn: beijingDate(v.approvedAt),
        reason: maskOrNull(v.reason),
        added: c.added.map((p) => p.title),
        changed: c.changed.map((p) => p.after.title),
        removed: c.removed.map((p) => p.title),
      });
      before = after;
    }
    lists.set(last.unitId, { powers: checked.data.powers, history });
  }
  if (problems.length) throw new ContentError(problems.map(formatProblem));
  return {
    units: units.map((u) => {
      const list = lists.get(u.id);
      return list ? { ...u, powers: list.powers } : u;
    }),
    history: [...lists.values()].map((l) => ({ id: l.history.unit, data: l.history })).toSorted((a, b) => a.id.localeCompare(b.id)),
  };
}
