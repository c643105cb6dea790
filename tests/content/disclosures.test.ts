import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_SCHEMA, dump, load } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { CONTENT_DIR, ContentError, readDisclosures, readOfficialFigures, readRegistry } from '../../src/content/files.ts';
import { disclosureKinds, kindSlugs } from '../../src/domain/disclosures/kinds.ts';
import { canteenChecks } from '../../src/domain/disclosures/canteen-account/rules.ts';
import { decisionChecks } from '../../src/domain/disclosures/decision/compliance.ts';
import { procurementChecks } from '../../src/domain/disclosures/procurement/rules.ts';
import { publicAidList } from '../../src/domain/disclosures/student-aid/rules.ts';
import { verdictOf } from '../../src/domain/disclosures/common.ts';
import { beijingDate } from '../../src/domain/calendar/dates.ts';
import { chinaCalendar } from '../support/calendar.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = join(ROOT, 'tests/fixtures/bad-content');
const today = beijingDate(new Date());

describe('disclosure content', () => {
  const disclosures = readDisclosures();
  const { units } = readRegistry();
  const schools = units.filter((u) => u.carrier === 'school');

  test('every disclosure file is valid: schema, rules and cross-file checks', () => {
    for (const k of disclosureKinds) expect(disclosures[k].length, k).toBeGreaterThan(0);
  });

  test('every demo school publishes 12 consecutive months of canteen accounts', () => {
    expect(schools.length).toBeGreaterThanOrEqual(3);
    for (const s of schools) {
      const months = disclosures.canteenAccount.filter((e) => e.data.unit === s.id).map((e) => e.data.month).toSorted();
      expect(months, s.id).toHaveLength(12);
    }
  });

  test('demo data shows every state worth showing', () => {
    expect(disclosures.procurement.length).toBeGreaterThanOrEqual(2);
    expect(disclosures.decision.length).toBeGreaterThanOrEqual(6);
    const verdicts = disclosures.decision.map((e) => verdictOf(decisionChecks(e.data, today)));
    expect(verdicts).toContain('nonCompliant');
    expect(verdicts).toContain('compliant');
    expect(disclosures.studentAid.some((e) => publicAidList(e.data, today, chinaCalendar).status === 'ended')).toBe(true);
    expect(new Set(disclosures.collectiveAssets.map((e) => e.data.unit)).size).toBeGreaterThanOrEqual(3);
    const canteenFails = new Set(disclosures.canteenAccount.flatMap((e) => canteenChecks(e.data).filter((c) => c.state === 'fail').map((c) => c.key)));
    // closingBalance: a deficit month (DOMAIN.md §3.1) is published with its flag.
    expect([...canteenFails].toSorted()).toEqual(['closingBalance', 'leaderAccompaniment', 'publishedOnTime', 'surplusWithinTolerance']);
    expect(disclosures.procurement.some((e) => procurementChecks(e.data, today).some((c) => c.state === 'fail'))).toBe(true);
  });

  test('matters: every unit carrier publishes some, each an item of its own unit’s power list', () => {
    const carrierOf = new Map(units.map((u) => [u.id, u]));
    const carriers = new Set(disclosures.matter.map((e) => carrierOf.get(e.data.unit)?.carrier));
    expect([...carriers].toSorted()).toEqual(['agency', 'enterprise', 'hospital', 'school', 'village']);
    for (const e of disclosures.matter)
      expect(carrierOf.get(e.data.unit)?.powers.map((p) => p.title), e.file).toContain(e.data.power);
    // Open-ended publicity (a standing rule) and a window both occur in the demo.
    expect(disclosures.matter.some((e) => e.data.publicity.end === undefined)).toBe(true);
    expect(disclosures.matter.some((e) => e.data.publicity.end !== undefined)).toBe(true);
  });

  test('every disclosure is labelled demo data', () => {
    for (const k of disclosureKinds) for (const e of disclosures[k]) expect(e.data.demo, e.file).toBe(true);
  });
});

interface Fixture {
  name: string;
  target: string;
  set?: Record<string, unknown>;
  unset?: string[];
  text?: string;
  delete?: boolean;
  copyTo?: string;
  moveTo?: string;
  expect: { field: string; message: string; file?: string };
}

function fixtures(dir = FIXTURES): Fixture[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return fixtures(path);
    if (!name.endsWith('.yaml')) return [];
    return [{ name: relative(FIXTURES, path), ...(load(readFileSync(path, 'utf8'), { schema: CORE_SCHEMA }) as Omit<Fixture, 'name'>) }];
  });
}

/** Set or remove a dotted path (`a.0.b`) in parsed YAML. */
function atPath(doc: unknown, path: string, value: unknown, remove = false) {
  const keys = path.split('.');
  let node = doc as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  const last = keys.at(-1)!;
  if (remove) Reflect.deleteProperty(node, last);
  else node[last] = value;
}

function applyFixture(contentDir: string, f: Fixture) {
  const target = join(contentDir, f.target);
  let text = readFileSync(target, 'utf8');
  if (f.set || f.unset) {
    const doc = load(text, { schema: CORE_SCHEMA });
    for (const [path, value] of Object.entries(f.set ?? {})) atPath(doc, path, value);
    for (const path of f.unset ?? []) atPath(doc, path, undefined, true);
    text = dump(doc, { schema: CORE_SCHEMA });
  }
  if (f.text !== undefined) text = f.text;
  if (f.delete || f.moveTo) unlinkSync(target);
  else writeFileSync(target, text);
  if (f.copyTo) writeFileSync(join(contentDir, f.copyTo), text);
  if (f.moveTo) writeFileSync(join(contentDir, f.moveTo), text);
}

function problemsWith(f: Fixture): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'qinglian-bad-'));
  const contentDir = join(dir, 'content');
  try {
    cpSync(CONTENT_DIR, contentDir, { recursive: true });
    applyFixture(contentDir, f);
    readDisclosures(contentDir);
    // content/official-figures goes through the same fixture format (tests/content/official-figures.test.ts).
    readOfficialFigures(contentDir);
    return [];
  } catch (e) {
    if (e instanceof ContentError) return e.problems;
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const all = fixtures();

describe('a bad disclosure file fails naming the file and the field', () => {
  test.each(all.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const problems = problemsWith(f);
    const file = `content/${f.expect.file ?? f.target}`;
    expect(problems.join('\n')).toMatch(new RegExp(`^${escape(file)} › ${escape(f.expect.field)}: .*\\(${escape(f.expect.message)}\\)$`, 'm'));
  });

  test('every validity rule in src/domain/disclosures has a failing fixture', () => {
    const files = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? files(join(d, n)) : [join(d, n)]));
    const used = new Set<string>();
    for (const f of files(join(ROOT, 'src/domain/disclosures'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/'(disclosures\.(?!reason\.)[a-zA-Z]+\.[a-zA-Z]+)'/g)) used.add(m[1]!);
    }
    const covered = new Set(all.map((f) => f.expect.message));
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((k) => !covered.has(k)).toSorted()).toEqual([]);
  });

  test('every disclosure collection has its own fixtures', () => {
    for (const k of disclosureKinds) expect(all.filter((f) => dirname(f.name) === kindSlugs[k]).length, k).toBeGreaterThanOrEqual(8);
  });
});
