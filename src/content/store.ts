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
import { fieldDiff } from '../publishing/sheets/diff.ts';
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

/** Every version of one stored disclosure as the public sees it: reasons masked, changed fields labelled. */
function historyOf(kind: DisclosureKind, versions: readonly ApprovedVersion[]): DisclosureHistory {
  let before: unknown;
  const out: HistoryVersion[] = versions.map((v) => {
    const changedFields =
      v.change === 'correction' && before !== undefined && v.data !== null
        ? [...new Set(fieldDiff(kind, before, v.data).map((c) => c.label))]
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
