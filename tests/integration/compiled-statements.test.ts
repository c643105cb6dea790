import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { insertFeedback, type NewFeedback } from '../../src/db/feedback-repo.ts';
import { auditStatement } from '../../src/db/audit-repo.ts';
import { rateLimitStatements } from '../../src/db/rate-limit-repo.ts';
import {
  altchaUsed,
  feedbackContacts,
  feedbackItems,
  outbox,
  staffAccounts,
  staffAccountUnits,
} from '../../src/db/schema.ts';
import type { Database } from '../../src/db/client.ts';
import { and, eq, sql } from 'drizzle-orm';
import { freshDatabase } from '../support/db.ts';

/**
 * The submission batch is built once and filled per request (src/db/compiled.ts). It must store exactly what
 * drizzle's query builder stores for the same submission: the same rows in every table it writes, read back
 * with every column. The reference side below is the builder code the compiled statements replaced.
 */
const NOW = new Date('2026-03-04T05:06:07.089Z');

const variants: { name: string; item: NewFeedback; contact?: string; notify?: boolean; altcha?: boolean }[] = [
  {
    name: 'a complaint to a unit, no contact',
    item: {
      id: 'a1',
      trackingCode: 'TRACK0001',
      secretHash: 'h'.repeat(64),
      idempotencyKey: 'key-1',
      payloadHash: 'p'.repeat(64),
      kind: 'complaint',
      routedTo: 'unit',
      unitId: 'hetang-village',
      disclosureId: null,
      body: '村务公开栏三个月没有更新了。',
      meal: null,
      suggestion: null,
      publicConsent: true,
      receivedAt: NOW,
    },
  },
  {
    name: 'an accompanied meal with a contact, a challenge and the demo flag',
    item: {
      id: 'a2',
      trackingCode: 'TRACK0002',
      secretHash: 's'.repeat(64),
      idempotencyKey: 'key-2',
      payloadHash: 'q'.repeat(64),
      kind: 'accompaniedMeal',
      routedTo: 'unit',
      unitId: 'hetang-village',
      disclosureId: 'canteen-2026-03',
      body: null,
      meal: {
        date: '2026-03-03',
        meal: 'lunch',
        dishes: '米饭、青菜 "炒" 肉\n汤',
        taste: 'good',
        quantity: 'fair',
        hygiene: 'good',
        price: 'poor',
      },
      suggestion: '少放盐',
      publicConsent: false,
      receivedAt: new Date(NOW.getTime() + 1),
      demo: true,
    },
    contact: 'sealed-contact',
    notify: true,
    altcha: true,
  },
  {
    name: 'a misconduct report to the commission (no outbox rows for the unit)',
    item: {
      id: 'a3',
      trackingCode: 'TRACK0003',
      secretHash: 't'.repeat(64),
      idempotencyKey: 'key-3',
      payloadHash: 'r'.repeat(64),
      kind: 'complaint',
      routedTo: 'commission',
      unitId: 'hetang-village',
      disclosureId: null,
      body: '反映问题',
      meal: null,
      suggestion: null,
      publicConsent: false,
      receivedAt: new Date(NOW.getTime() + 2),
    },
    contact: 'sealed-2',
  },
];

const hits = [
  { key: 'ip:1', limit: 10, windowS: 3600 },
  { key: 'unit:hetang-village', limit: 100, windowS: 86_400 },
];

/** The batch as drizzle's builder wrote it before the compiled statements. */
async function referenceInsert(database: Database, v: (typeof variants)[number]): Promise<void> {
  const { db } = database;
  const { item } = v;
  const channelInsert = (channel: 'email' | 'sms', column: 'email' | 'phone') =>
    db.run(sql`INSERT INTO ${outbox} (id, event, subject_id, recipient_kind, recipient_id, channel, created_at, next_attempt_at)
      SELECT lower(hex(randomblob(16))), 'feedbackReceived', ${item.id}, 'staff', a.id, ${channel}, ${NOW.getTime()}, ${NOW.getTime()}
      FROM ${staffAccounts} a JOIN ${staffAccountUnits} u ON u.account_id = a.id
      WHERE u.unit_id = ${item.unitId} AND a.role = 'responder' AND a.disabled_at IS NULL AND a.${sql.raw(column)} IS NOT NULL`);
  const statements = [
    ...rateLimitStatements(hits, NOW).map((s) => db.run(s)),
    ...(v.altcha ? [db.insert(altchaUsed).values({ id: `ch-${item.id}`, expiresAt: NOW.getTime() + 60_000 })] : []),
    db
      .insert(feedbackItems)
      .values({ ...item, demo: item.demo ?? false, hasContact: v.contact !== undefined, state: 'received' }),
    ...(v.contact
      ? [
          db
            .insert(feedbackContacts)
            .values({ feedbackId: item.id, sealed: v.contact, notify: v.notify ?? false, createdAt: NOW }),
        ]
      : []),
    ...(item.routedTo === 'unit' ? [channelInsert('email', 'email'), channelInsert('sms', 'phone')] : []),
    auditStatement(database, {
      at: item.receivedAt,
      actor: 'submitter',
      action: 'received',
      subjectType: 'feedback',
      subjectId: item.id,
      detail: { kind: item.kind, routedTo: item.routedTo, unitId: item.unitId },
    }),
  ];
  await database.write(() => db.batch(statements as [(typeof statements)[number], ...typeof statements]));
}

/** Every stored column of what a submission wrote, in a comparable form (random outbox ids left out). */
async function stored(database: Database, id: string) {
  const raw = async (q: string, ...args: (string | number)[]) =>
    (await database.client.execute({ sql: q, args })).rows.map((r) => ({ ...r }));
  return {
    item: await raw('SELECT * FROM feedback_items WHERE id = ?', id),
    contact: await raw('SELECT * FROM feedback_contacts WHERE feedback_id = ?', id),
    challenge: await raw('SELECT * FROM altcha_used WHERE id = ?', `ch-${id}`),
    outbox: await raw(
      'SELECT event, subject_id, recipient_kind, recipient_id, channel, created_at, next_attempt_at FROM outbox WHERE subject_id = ? ORDER BY channel, recipient_id',
      id,
    ),
    audit: await raw(
      'SELECT at, actor, action, subject_type, subject_id, detail, public_note FROM audit_events WHERE subject_id = ?',
      id,
    ),
    counters: await raw('SELECT * FROM rate_limits ORDER BY key'),
  };
}

describe('compiled submission statements store what the query builder stored', () => {
  let compiled: Awaited<ReturnType<typeof freshDatabase>>;
  let reference: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    [compiled, reference] = await Promise.all([freshDatabase(), freshDatabase()]);
  });
  afterAll(() => {
    compiled.dispose();
    reference.dispose();
  });

  for (const v of variants) {
    test(v.name, async () => {
      const result = await insertFeedback(compiled.database, v.item, {
        contactSealed: v.contact,
        ...(v.notify !== undefined ? { notify: v.notify } : {}),
        rateHits: hits,
        altcha: v.altcha ? { id: `ch-${v.item.id}`, expiresAt: NOW.getTime() + 60_000 } : undefined,
        now: NOW,
      });
      expect(result).toEqual({ ok: true });
      await referenceInsert(reference.database, v);
      const got = await stored(compiled.database, v.item.id);
      expect(got.item).toHaveLength(1);
      expect(got.audit).toHaveLength(1);
      expect(got).toEqual(await stored(reference.database, v.item.id));
      if (v.item.routedTo === 'unit') {
        // The demo village has responders: the comparison above covered real outbox rows.
        const responders = await compiled.database.db
          .select({ id: staffAccounts.id })
          .from(staffAccounts)
          .innerJoin(staffAccountUnits, eq(staffAccountUnits.accountId, staffAccounts.id))
          .where(and(eq(staffAccountUnits.unitId, v.item.unitId), eq(staffAccounts.role, 'responder')));
        if (responders.length > 0) expect(got.outbox.length).toBeGreaterThan(0);
      }
    });
  }

  test('a full counter fails the whole compiled batch: nothing of the submission is stored', async () => {
    const item = { ...variants[0]!.item, id: 'b1', trackingCode: 'TRACK0101', idempotencyKey: 'key-101' };
    const full = [{ key: 'tight', limit: 1, windowS: 3600 }];
    expect(await insertFeedback(compiled.database, item, { rateHits: full, now: NOW })).toEqual({ ok: true });
    const again = { ...item, id: 'b2', trackingCode: 'TRACK0102', idempotencyKey: 'key-102' };
    const r = await insertFeedback(compiled.database, again, { rateHits: full, now: NOW });
    expect(r).toMatchObject({ ok: false, reason: 'rate_limited' });
    expect((await stored(compiled.database, 'b2')).item).toEqual([]);
    expect((await stored(compiled.database, 'b2')).audit).toEqual([]);
  });

  test('a duplicate idempotency key and an unknown unit are told apart, as before', async () => {
    const base = { ...variants[0]!.item, id: 'c1', trackingCode: 'TRACK0201', idempotencyKey: 'key-201' };
    expect(await insertFeedback(compiled.database, base, { rateHits: [], now: NOW })).toEqual({ ok: true });
    const dup = { ...base, id: 'c2', trackingCode: 'TRACK0202' };
    expect(await insertFeedback(compiled.database, dup, { rateHits: [], now: NOW })).toEqual({
      ok: false,
      reason: 'duplicate_key',
    });
    const stray = { ...base, id: 'c3', trackingCode: 'TRACK0203', idempotencyKey: 'key-203', unitId: 'no-such-unit' };
    expect(await insertFeedback(compiled.database, stray, { rateHits: [], now: NOW })).toEqual({
      ok: false,
      reason: 'unknown_unit',
    });
  });
});
