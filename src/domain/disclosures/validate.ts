import type { z } from 'zod';
import type { WorkingDayCalendar } from '../calendar/working-days.ts';
import { Slug, type UnitCarrier } from '../units/schema.ts';
import { problem, yuan, type Problem } from './common.ts';
import { issueProblem } from '../text/issues.ts';
import { kindCarriers, publishesKind, type DisclosureKind } from './kinds.ts';
import { scanValue } from './personal-data.ts';
import { CanteenAccount } from './canteen-account/schema.ts';
import { checkContinuity, validateCanteenAccount } from './canteen-account/rules.ts';
import { CollectiveAssets } from './collective-assets/schema.ts';
import { checkDecisionLinks, validateCollectiveAssets } from './collective-assets/rules.ts';
import { Decision } from './decision/schema.ts';
import { validateDecision } from './decision/rules.ts';
import { Procurement } from './procurement/schema.ts';
import { validateProcurement } from './procurement/rules.ts';
import { ScrubbedStudentAid, StudentAid } from './student-aid/schema.ts';
import { aidDateFields, validateStudentAid } from './student-aid/rules.ts';
import { Matter } from './matter/schema.ts';
import { checkPower, validateMatter } from './matter/rules.ts';

/**
 * Validates every disclosure file together: personal-data scan, schema, the kind's own rules and
 * the rules that span files (months in sequence, contracts → decisions). Pure: the caller reads
 * the files and turns problems into `file › field: reason` lines.
 */
export const disclosureSchemas = {
  procurement: Procurement,
  canteenAccount: CanteenAccount,
  studentAid: StudentAid,
  collectiveAssets: CollectiveAssets,
  decision: Decision,
  matter: Matter,
} as const satisfies Record<DisclosureKind, z.ZodType>;

export type DisclosureData = { [K in DisclosureKind]: z.infer<(typeof disclosureSchemas)[K]> };

/** One file as read from disk: where it came from, its id (file name), its parsed YAML. */
export interface RawEntry {
  file: string;
  id: string;
  data: unknown;
  /** The YAML parser's message when the file could not be read as YAML. */
  parseError?: string;
  /** A stored aid list whose recipients' names were blanked once its publicity window ended. */
  scrubbed?: boolean;
}

export interface Entry<T> {
  file: string;
  id: string;
  data: T;
}

export type ValidEntries = { [K in DisclosureKind]: Entry<DisclosureData[K]>[] };

export interface LocatedProblem extends Problem {
  file: string;
}

/** A unit as the rules see it: its carrier, and its power list (a matter names one of its items). */
export interface ValidationUnit {
  id: string;
  carrier: UnitCarrier;
  powers?: readonly { title: string }[];
}

export interface ValidationInput {
  units: readonly ValidationUnit[];
  calendar: WorkingDayCalendar;
  files: { [K in DisclosureKind]: readonly RawEntry[] };
}

function fromZod(error: z.ZodError): Problem[] {
  return error.issues.map((i) => issueProblem(i));
}

const personalDataMessage = {
  residentId: 'disclosures.personalData.residentId',
  mobile: 'disclosures.personalData.mobile',
  bankCard: 'disclosures.personalData.bankCard',
  birthDate: 'disclosures.personalData.birthDate',
  field: 'disclosures.personalData.field',
} as const;

/** Personal data anywhere in a file; in aid lists, any date outside the list's own date fields too. */
export function scanForPersonalData(kind: DisclosureKind, data: unknown): Problem[] {
  const aid = kind === 'studentAid';
  return scanValue(data, aid ? { dates: true, datesAllowed: aidDateFields } : {}).map((m) =>
    problem(m.path, personalDataMessage[m.kind], { excerpt: m.excerpt }),
  );
}

type Rule<K extends DisclosureKind> = (data: DisclosureData[K], calendar: WorkingDayCalendar) => Problem[];
const fileRules: { [K in DisclosureKind]: Rule<K> } = {
  procurement: validateProcurement,
  canteenAccount: validateCanteenAccount,
  studentAid: validateStudentAid,
  collectiveAssets: validateCollectiveAssets,
  decision: validateDecision,
  matter: validateMatter,
};

export function validateDisclosures(input: ValidationInput): { entries: ValidEntries; problems: LocatedProblem[] } {
  const problems: LocatedProblem[] = [];
  const units = new Map(input.units.map((u) => [u.id, u]));
  const report = (file: string, found: readonly Problem[]) => problems.push(...found.map((p) => ({ ...p, file })));

  function parseKind<K extends DisclosureKind>(kind: K): Entry<DisclosureData[K]>[] {
    const out: Entry<DisclosureData[K]>[] = [];
    for (const raw of input.files[kind]) {
      if (raw.parseError !== undefined) {
        report(raw.file, [problem(['(file)'], 'disclosures.file.yaml', { error: raw.parseError })]);
        continue;
      }
      if (!Slug.safeParse(raw.id).success) report(raw.file, [problem(['(file name)'], 'disclosures.fileName.invalid')]);
      report(raw.file, scanForPersonalData(kind, raw.data));
      const schema = kind === 'studentAid' && raw.scrubbed === true ? ScrubbedStudentAid : disclosureSchemas[kind];
      const parsed = schema.safeParse(raw.data);
      if (!parsed.success) {
        report(raw.file, fromZod(parsed.error));
        continue;
      }
      const data = parsed.data as DisclosureData[K];
      const unit = units.get(data.unit);
      if (unit === undefined) report(raw.file, [problem(['unit'], 'disclosures.unit.unknown', { unit: data.unit })]);
      else if (!publishesKind(kind, unit.carrier))
        report(raw.file, [
          problem(['unit'], 'disclosures.unit.wrongCarrier', {
            unit: data.unit,
            carrier: kindCarriers[kind].join(','),
          }),
        ]);
      // A matter is the exercise of an item of its own unit's power list.
      if (unit !== undefined && kind === 'matter')
        report(raw.file, checkPower(data as DisclosureData['matter'], unit.powers));
      report(raw.file, fileRules[kind](data, input.calendar));
      // Cross-file checks see every file that parsed, so one bad month is not reported as missing.
      out.push({ file: raw.file, id: raw.id, data });
    }
    return out;
  }

  const entries: ValidEntries = {
    procurement: parseKind('procurement'),
    canteenAccount: parseKind('canteenAccount'),
    studentAid: parseKind('studentAid'),
    collectiveAssets: parseKind('collectiveAssets'),
    decision: parseKind('decision'),
    matter: parseKind('matter'),
  };

  // Canteen months of one school form one sequence.
  for (const months of groupBy(entries.canteenAccount, (e) => e.data.unit).values()) {
    for (const { entry, problem: p } of checkContinuity(months)) report(entry.file, [p]);
  }

  // One ledger file per village and year; December closes into next January.
  for (const years of groupBy(entries.collectiveAssets, (e) => e.data.unit).values()) {
    const sorted = years.toSorted((a, b) => a.data.year - b.data.year);
    sorted.forEach((cur, i) => {
      const prev = sorted[i - 1];
      if (!prev) return;
      if (prev.data.year === cur.data.year)
        report(cur.file, [problem(['year'], 'disclosures.assets.duplicateYear', { other: prev.id })]);
      const last = prev.data.funds.at(-1);
      const first = cur.data.funds[0];
      if (
        prev.data.year + 1 === cur.data.year &&
        last &&
        first &&
        last.month === `${prev.data.year}-12` &&
        first.month === `${cur.data.year}-01` &&
        first.openingFen !== last.closingFen
      ) {
        report(cur.file, [
          problem(['funds', 0, 'openingFen'], 'disclosures.assets.openingBalance', {
            previous: last.month,
            closing: yuan(last.closingFen),
          }),
        ]);
      }
    });
  }

  // Contracts above the threshold point at a decision of the same village.
  const decisions = new Map(entries.decision.map((e) => [e.id, { unit: e.data.unit }]));
  for (const e of entries.collectiveAssets) report(e.file, checkDecisionLinks(e.data, decisions));

  // Only files without any problem are returned as entries.
  const bad = new Set(problems.map((p) => p.file));
  const keep = <T extends { file: string }>(list: T[]) => list.filter((e) => !bad.has(e.file));
  return {
    entries: {
      procurement: keep(entries.procurement),
      canteenAccount: keep(entries.canteenAccount),
      studentAid: keep(entries.studentAid),
      collectiveAssets: keep(entries.collectiveAssets),
      decision: keep(entries.decision),
      matter: keep(entries.matter),
    },
    problems,
  };
}

function groupBy<T>(list: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of list) map.set(key(item), [...(map.get(key(item)) ?? []), item]);
  return map;
}
