import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase } from '../support/db.ts';
import { testApi } from '../support/api.ts';
import { TEST_NOW, TEST_SECRETS, testChannel } from '../support/channel.ts';
import { jsonPost } from '../support/channel-fixtures.ts';
import type { Database } from '../../src/db/client.ts';
import { seedDatabase } from '../../db/seed.ts';
import { invitationSheet } from '../../src/services/invitations.ts';
import { countFeedback, listCommissionInbox } from '../../src/db/feedback-repo.ts';
import { countSurveys } from '../../src/db/surveys-repo.ts';
import { TrackingView } from '../../src/domain/feedback/public.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const demoSection = README.slice(README.indexOf('### Demo codes'));
const rowCodes = (...labels: string[]) =>
  [
    ...(demoSection.split('\n').find((l) => labels.every((x) => l.includes(x))) ?? '').matchAll(
      /`([0-9A-Z]{4,5}(?:-[0-9A-Z]{4,5})+)`/g,
    ),
  ].map((m) => m[1]!);

let database: Database;
let dispose: () => void;
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase({ demoChannel: true, now: TEST_NOW }));
  // The full demo (channel, staff accounts with Argon2id, scoring marks and grades) takes several seconds on a busy machine.
}, 120_000);
afterAll(() => dispose());

describe('demo seed (DEMO only, only when empty)', () => {
  test('items in several states per demo unit, one open survey per carrier, a misconduct report for the commission', async () => {
    const states = await database.client.execute('SELECT state, count(*) AS n FROM feedback_items GROUP BY state');
    expect(states.rows.map((r) => r.state).sort()).toEqual(['accepted', 'extended', 'received', 'replied']);
    expect(await countSurveys(database)).toBe(5);
    expect((await listCommissionInbox(database)).length).toBe(1);
    const published = await database.client.execute(
      "SELECT count(*) AS n FROM feedback_items WHERE visibility = 'published'",
    );
    expect(Number(published.rows[0]!.n)).toBeGreaterThan(9);
  });

  test('seeding again changes nothing; without DEMO nothing of the channel is seeded', async () => {
    const before = await countFeedback(database);
    await seedDatabase(database, { demo: true, now: TEST_NOW, secrets: TEST_SECRETS });
    expect(await countFeedback(database)).toBe(before);
    const plain = await freshDatabase({ seed: false });
    try {
      await seedDatabase(plain.database, { demo: false, now: TEST_NOW, secrets: TEST_SECRETS });
      expect(await countFeedback(plain.database)).toBe(0);
      expect(await countSurveys(plain.database)).toBe(0);
    } finally {
      plain.dispose();
    }
  });

  test('the demo codes listed in the README work', async () => {
    const api = testApi(database);
    const [code, secret] = rowCodes('replied complaint');
    const view = TrackingView.parse(await (await api.request(`/api/feedback/${code!}`)).json());
    expect(view).toMatchObject({ kind: 'complaint', status: 'replied', canRate: true });
    const rated = await jsonPost(api, `/api/feedback/${code!}/rating`, { secret, rating: 'satisfied' });
    expect(rated.status).toBe(200);
    const [mealCode] = rowCodes('陪餐 record');
    expect(TrackingView.parse(await (await api.request(`/api/feedback/${mealCode!}`)).json()).kind).toBe(
      'accompaniedMeal',
    );

    const ctx = testChannel(database);
    for (const [unitName, unitId] of [
      ['西溪镇中心小学', 'xixi-central-primary'],
      ['南湖乡荷塘村', 'hetang-village'],
    ] as const) {
      const codes = rowCodes('invitation codes', unitName);
      expect(codes).toHaveLength(3);
      const [token] = rowCodes('sheet token', unitName);
      const sheet = token ? await invitationSheet(ctx, token) : null;
      const unused = new Set((sheet?.codes ?? []).filter((c) => !c.used).map((c) => c.code));
      expect(sheet?.unitId).toBe(unitId);
      for (const c of codes) expect(unused.has(c), c).toBe(true);
    }
  });
});
