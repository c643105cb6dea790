import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { freshDatabase } from '../support/db.ts';
import type { Database } from '../../src/db/client.ts';
import { marksOfYear, saveMarks } from '../../src/db/scoring-repo.ts';
import { evaluationMarks } from '../../src/db/schema.ts';
import type { MarkInput } from '../../src/domain/scoring/inputs.ts';

/**
 * marksOfYear reads a year's marks as parallel arrays and shares one Mark per distinct mark (issue 15): after any
 * sequence of marks saved (new and replaced, the same mark for many units, notes with quotes, control characters
 * and Han text, reals), it must equal the marks read row by row through drizzle, for every year and for one unit.
 */
const UNITS = ['hetang-village', 'liuwan-village', 'xixi-central-primary', 'natural-resources-bureau'] as const;
const YEARS = [2025, 2026] as const;

let database: Database;
let dispose: () => void;
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase());
}, 120_000);
afterAll(() => dispose());

const mark: fc.Arbitrary<MarkInput> = fc.record({
  itemKey: fc.constantFrom('C1', 'C3', 'C5', 'S1', 'S2', 'B1'),
  value: fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: 0, max: 10_000 }),
    fc.constant<MarkInput['value']>({ lectures: 1, warningSessions: 2 }),
  ),
  points: fc.oneof(fc.constant(null), fc.constant(5.4), fc.double({ min: 0, max: 100, noNaN: true })),
  deductions: fc.oneof(
    fc.constant<MarkInput['deductions']>([]),
    fc.constant<MarkInput['deductions']>([{ key: 'missingDocument', count: 1 }]),
    fc.array(fc.record({ key: fc.constantFrom('a', 'b'), count: fc.nat(5) }), { maxLength: 2 }),
  ),
  note: fc.oneof(fc.constant(null), fc.constant(''), fc.constant('已整改 "按时" \\ \u001e\u001f,'), fc.string()),
});
const write = fc.record({
  unit: fc.constantFrom(...UNITS),
  year: fc.constantFrom(...YEARS),
  marks: fc.array(mark, { maxLength: 4 }),
});

/** The same marks row by row, by unit and item key. */
async function plainMarks(year: number): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const r of await database.db.select().from(evaluationMarks)) {
    if (r.year !== year) continue;
    const byKey = out.get(r.unitId) ?? (out.set(r.unitId, {}), out.get(r.unitId)!);
    byKey[r.itemKey] = { value: r.value, points: r.points, deductions: r.deductions, note: r.note };
  }
  return out;
}

describe('marks read in bulk equal the marks read row by row', () => {
  test('random sequences of saved marks', async () => {
    let at = Date.UTC(2026, 0, 1);
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 8 }), async (writes) => {
        for (const w of writes) await saveMarks(database, w.unit, w.year, w.marks, 'test', new Date((at += 1000)));
        for (const year of YEARS) {
          const plain = await plainMarks(year);
          const bulk = await marksOfYear(database, year);
          expect(Object.fromEntries(bulk)).toEqual(Object.fromEntries(plain));
          for (const unit of UNITS)
            expect((await marksOfYear(database, year, unit)).get(unit)).toEqual(plain.get(unit));
        }
      }),
      { numRuns: 40, seed: 20261203 },
    );
    // Many units share a mark: the shared object cannot be changed through one of them.
    const [first] = (await marksOfYear(database, 2026)).values();
    const shared = first && Object.values(first)[0];
    expect(shared && Object.isFrozen(shared)).toBe(true);
  }, 120_000);
});
