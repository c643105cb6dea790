import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { chainRows, GENESIS, verifyChain, type ChainRow } from '../../src/db/audit-chain.ts';

/**
 * Acceptance 4 (issue 5): every single edit, deletion, insertion or reordering of audit rows is
 * detected. Logs are built with the same sealing code the database uses; the verifier gets the
 * checkpoint an outsider would have kept for the untampered log (count + head hash).
 */
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const rowArb = fc.record({
  at: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
  actor: fc.constantFrom('submitter', 'staff', 'moderator', 'system', 'staff:3f1c'),
  action: fc.constantFrom('received', 'accept', 'reply', 'publish', 'hide', 'staff.login'),
  subjectType: fc.constantFrom('feedback', 'staff_account', 'survey'),
  subjectId: fc.uuid(),
  detail: fc.option(fc.json({ maxDepth: 2 }), { nil: null }),
  publicNote: fc.option(text, { nil: null }),
});

/** A sealed log of 1–60 rows with increasing (sometimes gapped) ids. */
const logArb = fc
  .array(fc.tuple(rowArb, fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 60 })
  .map((rows) => {
    let id = 0;
    return chainRows(rows.map(([r, gap]) => ({ ...r, id: (id += gap), prevHash: null, hash: null })));
  });

const columns = [
  'id',
  'at',
  'actor',
  'action',
  'subjectType',
  'subjectId',
  'detail',
  'publicNote',
  'prevHash',
  'hash',
] as const;

/** A value different from `v` of the same column type. */
function changed(col: (typeof columns)[number], v: unknown, salt: number): unknown {
  if (col === 'id' || col === 'at') return (v as number) + 1 + salt;
  if (col === 'prevHash' || col === 'hash')
    return (v as string).slice(0, -1) + ((v as string).endsWith('0') ? '1' : '0');
  if (v === null) return `x${salt}`;
  return `${v as string}.`;
}

type Mutation =
  | { kind: 'edit'; index: number; column: (typeof columns)[number]; salt: number }
  | { kind: 'delete'; index: number }
  | { kind: 'insert'; index: number; row: Omit<ChainRow, 'id' | 'prevHash' | 'hash'>; rechain: boolean }
  | { kind: 'swap'; index: number; other: number; keepIds: boolean }
  | { kind: 'truncate'; keep: number }
  | { kind: 'recompute'; index: number; column: 'actor' | 'action' | 'publicNote' };

function mutationArb(n: number): fc.Arbitrary<Mutation> {
  const index = fc.integer({ min: 0, max: n - 1 });
  const options: fc.Arbitrary<Mutation>[] = [
    fc.record({ kind: fc.constant('edit' as const), index, column: fc.constantFrom(...columns), salt: fc.nat(5) }),
    fc.record({ kind: fc.constant('delete' as const), index }),
    // Insert before any existing row (appending a well-formed row is what the system itself does).
    fc.record({ kind: fc.constant('insert' as const), index, row: rowArb, rechain: fc.boolean() }),
    fc.record({
      kind: fc.constant('recompute' as const),
      index,
      column: fc.constantFrom('actor' as const, 'action' as const, 'publicNote' as const),
    }),
  ];
  if (n >= 2) {
    options.push(
      fc
        .record({ kind: fc.constant('swap' as const), index, other: index, keepIds: fc.boolean() })
        .filter((m) => m.index !== m.other),
      fc.record({ kind: fc.constant('truncate' as const), keep: fc.integer({ min: 0, max: n - 1 }) }),
    );
  } else {
    options.push(fc.constant({ kind: 'truncate' as const, keep: 0 }));
  }
  return fc.oneof(...options);
}

function apply(log: ChainRow[], m: Mutation): ChainRow[] {
  const rows = log.map((r) => ({ ...r }));
  switch (m.kind) {
    case 'edit': {
      const r = rows[m.index]! as unknown as Record<string, unknown>;
      r[m.column] = changed(m.column, r[m.column], m.salt);
      return rows;
    }
    case 'delete':
      rows.splice(m.index, 1);
      return rows;
    case 'insert': {
      // An id between its neighbours when there is room, else a duplicate of the next one.
      const before = rows[m.index - 1]?.id ?? 0;
      const id = rows[m.index]!.id - before > 1 ? before + 1 : rows[m.index]!.id;
      const prev = rows[m.index - 1]?.hash ?? GENESIS;
      // The forger may even compute a valid hash for the inserted row from its predecessor.
      const inserted = m.rechain
        ? chainRows([{ ...m.row, id, prevHash: null, hash: null }], prev)[0]!
        : { ...m.row, id, prevHash: prev, hash: 'f'.repeat(64) };
      rows.splice(m.index, 0, inserted);
      return rows;
    }
    case 'swap': {
      const a = rows[m.index]!;
      const b = rows[m.other]!;
      if (m.keepIds) {
        // Move contents but keep the id sequence (what an UPDATE-based reorder looks like).
        rows[m.index] = { ...b, id: a.id };
        rows[m.other] = { ...a, id: b.id };
      } else {
        rows[m.index] = b;
        rows[m.other] = a;
      }
      return rows;
    }
    case 'truncate':
      return rows.slice(0, m.keep);
    case 'recompute': {
      // Edit a row, then recompute its hash and every later one: only a kept checkpoint shows it.
      const r = rows[m.index]!;
      const edited = { ...r, [m.column]: `${r[m.column] ?? ''}!` };
      return [
        ...rows.slice(0, m.index),
        ...chainRows([edited, ...rows.slice(m.index + 1)], rows[m.index - 1]?.hash ?? GENESIS),
      ];
    }
  }
}

describe('audit hash chain', () => {
  test('an untampered log verifies, with its own checkpoint and with any earlier one', () => {
    fc.assert(
      fc.property(logArb, fc.nat(), (log, k) => {
        const earlier = (k % log.length) + 1;
        const report = verifyChain(log, [
          { count: log.length, headHash: log.at(-1)!.hash! },
          { count: earlier, headHash: log[earlier - 1]!.hash! },
        ]);
        expect(report).toMatchObject({ ok: true, sealed: log.length, pending: 0, problems: [] });
      }),
      { numRuns: 300 },
    );
  });

  test('every single edit, deletion, insertion, reordering, truncation or recomputation is detected (1,500 cases)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        logArb.chain((log) => fc.tuple(fc.constant(log), mutationArb(log.length))),
        ([log, m]) => {
          seen.add(m.kind);
          const checkpoint = { count: log.length, headHash: log.at(-1)!.hash! };
          const tampered = apply(log, m);
          const report = verifyChain(tampered, [checkpoint]);
          expect(report.ok).toBe(false);
          expect(report.problems[0]!.index).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 1500 },
    );
    expect([...seen].sort()).toEqual(['delete', 'edit', 'insert', 'recompute', 'swap', 'truncate']);
  });

  test('without a checkpoint the chain alone still catches edits, deletions before the head, inserts and reorders', () => {
    fc.assert(
      fc.property(
        logArb
          .filter((l) => l.length >= 2)
          .chain((log) =>
            fc.tuple(
              fc.constant(log),
              mutationArb(log.length).filter(
                (m) =>
                  m.kind !== 'truncate' &&
                  m.kind !== 'recompute' &&
                  !(m.kind === 'delete' && m.index === log.length - 1),
              ),
            ),
          ),
        ([log, m]) => {
          expect(verifyChain(apply(log, m)).ok).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('names the first broken row', () => {
    const log = chainRows(
      Array.from({ length: 10 }, (_, i) => ({
        id: i + 1,
        at: 1_700_000_000_000 + i,
        actor: 'staff',
        action: 'reply',
        subjectType: 'feedback',
        subjectId: `f${i}`,
        detail: null,
        publicNote: null,
        prevHash: null,
        hash: null,
      })),
    );
    const edited = log.map((r, i) => (i === 4 ? { ...r, actor: 'moderator' } : r));
    expect(verifyChain(edited).problems).toEqual([{ kind: 'content', index: 4, id: 5 }]);
    expect(verifyChain([...log.slice(0, 3), ...log.slice(4)]).problems).toEqual([{ kind: 'link', index: 3, id: 5 }]);
    expect(verifyChain(log.slice(0, 8), [{ count: 10, headHash: log[9]!.hash! }]).problems[0]!.kind).toBe('checkpoint');
  });

  test('unsealed rows at the end are pending; an unsealed row before sealed ones is an error', () => {
    const log = chainRows(
      Array.from({ length: 4 }, (_, i) => ({
        id: i + 1,
        at: i,
        actor: 'a',
        action: 'b',
        subjectType: 'c',
        subjectId: 'd',
        detail: null,
        publicNote: null,
        prevHash: null,
        hash: null,
      })),
    );
    const pending = [...log, { ...log[0]!, id: 5, prevHash: null, hash: null }];
    expect(verifyChain(pending)).toMatchObject({ ok: true, sealed: 4, pending: 1 });
    const hole = [log[0]!, { ...log[1]!, id: 2, prevHash: null, hash: null }, ...log.slice(2)];
    expect(verifyChain(hole).problems[0]).toEqual({ kind: 'unsealed', index: 1, id: 2 });
  });
});
