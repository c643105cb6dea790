import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_SCHEMA, load } from 'js-yaml';
import type { z } from 'zod';
import { FamilyAggregate, Township, Unit } from '../domain/units/schema.ts';
import { createCalendar, type WorkingDayCalendar } from '../domain/calendar/working-days.ts';
import { CalendarFile, toHolidayYear, type HolidayYear } from '../domain/calendar/calendar-file.ts';
import { disclosureKinds, kindSlugs, type DisclosureKind } from '../domain/disclosures/kinds.ts';
import {
  validateDisclosures,
  type LocatedProblem,
  type RawEntry,
  type ValidEntries,
} from '../domain/disclosures/validate.ts';
import { explain } from '../i18n/format.ts';
import { issueProblem } from '../domain/text/issues.ts';
import { OfficialFiguresYear, officialFileProblems } from '../domain/statistics/official-figures.ts';
import { City } from '../domain/city/schema.ts';

/**
 * Reads content/ outside Astro (seed, CLI checks, tests) with the same domain schemas the
 * collections use, and reports problems as `file › field: reason`.
 */
export const CONTENT_DIR = fileURLToPath(new URL('../../content', import.meta.url));

export class ContentError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid content:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

function describe(file: string, error: z.ZodError): string[] {
  return error.issues.map((i) => formatProblem({ file, ...issueProblem(i) }));
}

/**
 * One YAML file, parsed with js-yaml (the parser Astro's own loaders use; 7× faster than `yaml` on 5,000
 * files) and its core schema, so dates stay the `YYYY-MM-DD` strings the schemas expect.
 */
function readYaml(path: string, filename = path): unknown {
  return load(readFileSync(path, 'utf8'), { schema: CORE_SCHEMA, filename });
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => ['.yaml', '.yml'].includes(extname(f)))
    .sort()
    .map((f) => join(dir, f));
}

function parseEach<S extends z.ZodType>(
  schema: S,
  items: { file: string; id: string; data: unknown }[],
  problems: string[],
): (z.infer<S> & { id: string })[] {
  const out: (z.infer<S> & { id: string })[] = [];
  for (const item of items) {
    const r = schema.safeParse(item.data);
    if (r.success) out.push({ ...(r.data as object), id: item.id } as z.infer<S> & { id: string });
    else problems.push(...describe(item.file, r.error));
  }
  return out;
}

/** Entries of a single-file list collection (townships, families). */
function listEntries(dir: string, problems: string[]) {
  return yamlFiles(dir).flatMap((file) => {
    const doc = readYaml(file);
    if (!Array.isArray(doc)) {
      problems.push(`${file} › (file): expected a list`);
      return [];
    }
    return doc.map((data: unknown, i) => {
      const id = (data as { id?: unknown } | null)?.id;
      return {
        file: `${file}[${i}]`,
        id: typeof id === 'string' || typeof id === 'number' ? String(id) : String(i),
        data,
      };
    });
  });
}

/** Entries of a one-file-per-entry collection (units): the id is the file name. */
function fileEntries(dir: string) {
  return yamlFiles(dir).map((file) => ({
    file,
    id: basename(file, extname(file)),
    data: readYaml(file),
  }));
}

export function readRegistry(contentDir = CONTENT_DIR) {
  const problems: string[] = [];
  const townships = parseEach(Township, listEntries(join(contentDir, 'townships'), problems), problems);
  const units = parseEach(Unit, fileEntries(join(contentDir, 'units')), problems);
  const families = parseEach(FamilyAggregate, listEntries(join(contentDir, 'families'), problems), problems);
  const known = new Set(townships.map((t) => t.id));
  for (const u of units) {
    if (!known.has(u.township))
      problems.push(`${join(contentDir, 'units', u.id)}.yaml › township: unknown township "${u.township}"`);
  }
  for (const f of families) {
    if (!known.has(f.township))
      problems.push(`${join(contentDir, 'families')} › ${f.id}.township: unknown township "${f.township}"`);
  }
  if (problems.length) throw new ContentError(problems);
  return { townships, units, families };
}

/**
 * The city the site serves (content/city.yaml), validated with the domain schema; the logo, when set,
 * must be a file under public/ next to the content folder.
 */
export function readCity(contentDir = CONTENT_DIR): City {
  const path = join(contentDir, 'city.yaml');
  const file = relative(dirname(contentDir), path);
  if (!existsSync(path)) throw new ContentError([`${file} › (file): missing — every site names its city there`]);
  const r = City.safeParse(readYaml(path, file));
  if (!r.success) throw new ContentError(describe(file, r.error));
  const logo = r.data.logo;
  if (logo !== undefined && !existsSync(join(dirname(contentDir), 'public', logo)))
    throw new ContentError([`${file} › logo: no file public${logo}`]);
  return r.data;
}

/** A problem as one line: `file › field: reason (message key)`. */
export function formatProblem(p: LocatedProblem): string {
  const field = p.path.length ? p.path.join('.') : '(entry)';
  const text = explain(p.message, p.vars);
  const reason = text === p.message ? text : `${text} (${p.message})`;
  return `${p.file} › ${field}: ${reason}`;
}

/** Every YAML file of one disclosure folder, named relative to the content folder's parent. */
function disclosureFiles(contentDir: string, kind: DisclosureKind): RawEntry[] {
  const dir = join(contentDir, kindSlugs[kind]);
  if (!existsSync(dir)) return [];
  return yamlFiles(dir).map((path) => {
    const file = relative(dirname(contentDir), path);
    try {
      return {
        file,
        id: basename(path, extname(path)),
        data: readYaml(path, file),
      };
    } catch (e) {
      return {
        file,
        id: basename(path, extname(path)),
        data: undefined,
        parseError: e instanceof Error ? (e.message.split('\n', 1)[0] ?? '') : String(e),
      };
    }
  });
}

/** Every disclosure file as read, before validation (an upload is checked against them, src/publishing/sheets). */
export function readDisclosureFiles(contentDir = CONTENT_DIR): Record<DisclosureKind, RawEntry[]> {
  return Object.fromEntries(disclosureKinds.map((k) => [k, disclosureFiles(contentDir, k)])) as Record<DisclosureKind, RawEntry[]>;
}

/**
 * The disclosure collections, validated together (schemas, rules, cross-file checks) against the
 * unit registry. Throws ContentError listing every problem; returns only when all files are valid.
 */
export function readDisclosures(
  contentDir = CONTENT_DIR,
  registry = readRegistry(contentDir),
  calendar = readCalendar(contentDir).calendar,
): ValidEntries {
  const files = readDisclosureFiles(contentDir);
  const { entries, problems } = validateDisclosures({ units: registry.units, calendar, files });
  if (problems.length) throw new ContentError(problems.map(formatProblem));
  return entries;
}

/** content/calendar: one file per year, `<year>.yaml`, copied from the State Council General Office's notice. */
export const CALENDAR_DIR = 'calendar';

const UNREADABLE = Symbol('unreadable');

/** A YAML file's data, or UNREADABLE after recording why it cannot be parsed (the parser's first line). */
function readYamlOrRecord(path: string, file: string, problems: string[]): unknown {
  try {
    return readYaml(path, file);
  } catch (e) {
    const error = e instanceof Error ? (e.message.split('\n', 1)[0] ?? '') : String(e);
    problems.push(formatProblem({ file, path: ['(file)'], message: 'disclosures.file.yaml', vars: { error } }));
    return UNREADABLE;
  }
}

/**
 * The working-day calendar of content/calendar, validated (CalendarFile; the file is named after its year).
 * Throws ContentError with `file › field: reason`. A year without a file is not an error: dates in it count
 * Monday–Friday and come out `provisional`.
 */
export function readCalendar(contentDir = CONTENT_DIR): { years: HolidayYear[]; calendar: WorkingDayCalendar } {
  const dir = join(contentDir, CALENDAR_DIR);
  const problems: string[] = [];
  const years: HolidayYear[] = [];
  for (const path of existsSync(dir) ? yamlFiles(dir) : []) {
    const file = relative(dirname(contentDir), path);
    const raw = readYamlOrRecord(path, file, problems);
    if (raw === UNREADABLE) continue;
    const parsed = CalendarFile.safeParse(raw);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => formatProblem({ file, ...issueProblem(i) })));
      continue;
    }
    if (basename(path, extname(path)) !== String(parsed.data.year)) {
      problems.push(formatProblem({ file, path: ['year'], message: 'disclosures.calendar.fileName' }));
      continue;
    }
    years.push(toHolidayYear(parsed.data));
  }
  if (problems.length) throw new ContentError(problems);
  return { years, calendar: createCalendar(years) };
}

/** content/official-figures: one file per year, parsed like the disclosures (js-yaml core schema). */
export const OFFICIAL_FIGURES_DIR = 'official-figures';

export interface OfficialFiguresEntry {
  id: string;
  file: string;
  data: OfficialFiguresYear;
}

/**
 * The commission's published figures, validated with the domain schema plus the cross-file rules (the
 * file is named after its year, townships exist). Throws ContentError with `file › field: reason`.
 */
export function readOfficialFigures(
  contentDir = CONTENT_DIR,
  registry = readRegistry(contentDir),
): OfficialFiguresEntry[] {
  const dir = join(contentDir, OFFICIAL_FIGURES_DIR);
  if (!existsSync(dir)) return [];
  const problems: string[] = [];
  const townshipIds = new Set(registry.townships.map((t) => t.id));
  const out: OfficialFiguresEntry[] = [];
  for (const path of yamlFiles(dir)) {
    const file = relative(dirname(contentDir), path);
    const id = basename(path, extname(path));
    const raw = readYamlOrRecord(path, file, problems);
    if (raw === UNREADABLE) continue;
    const parsed = OfficialFiguresYear.safeParse(raw);
    if (!parsed.success) {
      problems.push(
        ...parsed.error.issues.map((i) => formatProblem({ file, ...issueProblem(i) })),
      );
      continue;
    }
    const found = officialFileProblems(id, parsed.data, townshipIds);
    if (found.length) problems.push(...found.map((p) => formatProblem({ file, ...p })));
    else out.push({ id, file, data: parsed.data });
  }
  if (problems.length) throw new ContentError(problems);
  return out.toSorted((a, b) => a.data.year - b.data.year);
}
