import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase } from '../support/db.ts';
import { testApi } from '../support/api.ts';
import { TEST_NOW, testChannel, testServices } from '../support/channel.ts';
import { ErrorBody, generalItem, jsonPost } from '../support/channel-fixtures.ts';
import { fakeAstro } from '../support/astro.ts';
import type { Database } from '../../src/db/client.ts';
import { insertSurvey } from '../../src/db/surveys-repo.ts';
import { questionSets } from '../../src/domain/surveys/questions.ts';
import { isMessageKey, t } from '../../src/i18n/t.ts';
import { messages } from '../../src/i18n/zh-CN/index.ts';
import { handleFeedbackForm } from '../../src/forms/feedback-form.ts';
import { handleLogin } from '../../src/staff/login-form.ts';

/**
 * Unknown keys (and anything else zod would describe in English) answer with message keys from
 * src/i18n, never zod's own text: in the API's 422 `fields` and in a form's error summary.
 */
let database: Database;
let dispose: () => void;
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase());
  await insertSurvey(
    database,
    {
      id: 'school-keys',
      carrier: 'school',
      periodLabel: '2026',
      opensOn: '2026-01-01',
      closesOn: '2026-12-31',
      questionIds: [...questionSets.school],
    },
    TEST_NOW,
  );
});
afterAll(() => dispose());

async function invalidFields(res: Response): Promise<Record<string, string[]>> {
  expect(res.status).toBe(422);
  const { error } = ErrorBody.parse(await res.json());
  expect(error.code).toBe('invalid');
  const fields = error.fields ?? {};
  const all = Object.values(fields).flat();
  expect(all.length).toBeGreaterThan(0);
  expect(all.filter((k) => !isMessageKey(k))).toEqual([]);
  return fields;
}

/** The GET endpoints that validate a query (`.get('…', query(…))` in src/api), with a valid query each. */
const queryEndpoints: Record<string, Record<string, string>> = {
  '/api/units': {},
  '/api/feedback': { unitId: 'hetang-village' },
};

describe('API: unknown query parameters', () => {
  test('the table above lists every GET endpoint with a query schema', () => {
    const dir = fileURLToPath(new URL('../../src/api/', import.meta.url));
    const mounts = new Map(
      [...readFileSync(`${dir}app.ts`, 'utf8').matchAll(/app\.route\('([^']+)', (\w+)\)/g)].map((m) => [m[2]!, m[1]!]),
    );
    const found: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(`${dir}${file}`, 'utf8');
      for (const app of text.matchAll(/export const (\w+) = new Hono[\s\S]*?(?=\nexport |$)/g))
        for (const route of app[0].matchAll(/\.get\(\s*'([^']*)',\s*query\(/g))
          found.push(`/api${mounts.get(app[1] ?? '') ?? ''}${route[1] === '/' ? '' : (route[1] ?? '')}`);
    }
    expect(found.sort()).toEqual(Object.keys(queryEndpoints).sort());
  });

  test.each(Object.entries(queryEndpoints))('%s?…&foo=1 is a 422 with message keys only', async (path, valid) => {
    const api = testApi(database);
    for (const extra of [{ foo: '1' }, { foo: '1', bar: '' }] as Record<string, string>[]) {
      const fields = await invalidFields(await api.request(`${path}?${new URLSearchParams({ ...valid, ...extra })}`));
      expect(fields).toEqual(Object.fromEntries(Object.keys(extra).map((k) => [k, ['common.field.unknown']])));
    }
    // Without the required parameters too: every field error is still a message key.
    await invalidFields(await api.request(`${path}?foo=1`));
    // The valid query itself is fine.
    expect((await api.request(`${path}?${new URLSearchParams(valid)}`)).status).toBe(200);
  });

  test('a value zod coerces and rejects (not a number) is a message key, not zod text', async () => {
    const fields = await invalidFields(await testApi(database).request('/api/units?page=abc'));
    expect(Object.keys(fields)).toEqual(['page']);
  });
});

describe('API: unknown body keys', () => {
  const responses = { relation: 'parent', invitationCode: 'AAAA-AAAA-AAAA', answers: {} };
  test.each([
    ['/api/feedback', generalItem({ state: 'closed', nested: { a: 1 } })],
    ['/api/feedback/AAAA-AAAA-AAAA/rating', { secret: 'AAAAA-AAAAA', rating: 'satisfied', extra: true }],
    ['/api/feedback/AAAA-AAAA-AAAA/reopen', { secret: 'AAAAA-AAAAA', reason: '还是没有解决这个问题', extra: 1 }],
    ['/api/surveys/school-keys/responses', { ...responses, extra: 1 }],
    ['/api/surveys/school-keys/otp', { phone: '13800138000', extra: 1 }],
  ])('POST %s with an unknown key is a 422 with message keys only', async (path, body) => {
    const fields = await invalidFields(await jsonPost(testApi(database), path, body));
    expect(Object.values(fields).flat()).toContain('common.field.unknown');
  });
});

/** Every text of a form's summary is the zh-CN text of some message key (several are joined by '；'). */
function expectOnlyMessages(summary: { text: string }[]) {
  const known = new Set<string>(Object.values(messages));
  expect(summary.length).toBeGreaterThan(0);
  expect(summary.flatMap((s) => s.text.split('；')).filter((text) => !known.has(text))).toEqual([]);
}

describe('HTML forms: unknown fields', () => {
  test('the feedback form shows an unknown field as a message, with status 422', async () => {
    const astro = fakeAstro({
      url: '/feedback/',
      form: { kind: 'complaint', unitId: 'hetang-village', body: '村务公开栏三个月没有更新了', foo: '1' },
      locals: { channel: testChannel(database) },
    });
    const result = await handleFeedbackForm(astro, 'general');
    if ('redirect' in result) throw new Error(`accepted: ${result.redirect}`);
    expect(result.status).toBe(422);
    expectOnlyMessages(result.summary);
    expect(result.summary.map((s) => s.text)).toContain(t('common.field.unknown'));
  });

  test('the staff login form shows an unknown field as a message, with status 422', async () => {
    const astro = fakeAstro({
      url: '/staff/login/',
      form: { username: 'nobody', password: 'a password', code: '123456', foo: '1' },
      locals: { staff: testServices(database, { now: () => TEST_NOW }).staff },
    });
    const result = await handleLogin(astro);
    if ('redirect' in result) throw new Error(`signed in: ${result.redirect}`);
    expect(result.status).toBe(422);
    expectOnlyMessages(result.summary);
    expect(result.summary.map((s) => s.text)).toContain(t('common.field.unknown'));
  });
});
