import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase } from '../support/db.ts';
import { testApi } from '../support/api.ts';
import { TEST_NOW, testChannel } from '../support/channel.ts';
import { errorOf, generalItem, jsonPost } from '../support/channel-fixtures.ts';
import type { Database } from '../../src/db/client.ts';
import { insertSurvey } from '../../src/db/surveys-repo.ts';
import { FeedbackReceipt } from '../../src/domain/feedback/public.ts';
import type { PhoneVerifier } from '../../src/services/otp.ts';

let database: Database;
let dispose: () => void;
let code: string;
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase());
  await insertSurvey(
    database,
    {
      id: 's',
      carrier: 'agency',
      periodLabel: '2026',
      opensOn: '2026-01-01',
      closesOn: '2026-12-31',
      questionIds: ['overall'],
    },
    TEST_NOW,
  );
  code = FeedbackReceipt.parse(
    await (await jsonPost(testApi(database), '/api/feedback', generalItem())).json(),
  ).trackingCode;
});
afterAll(() => dispose());

/** Every POST endpoint answers the transport errors the same way, before any use case runs. */
const posts = () => [
  '/api/feedback',
  `/api/feedback/${code}/rating`,
  `/api/feedback/${code}/reopen`,
  '/api/surveys/s/responses',
  '/api/surveys/s/otp',
];

describe('transport errors on every POST endpoint', () => {
  const cases = [
    ['malformed JSON', '{"a":', 'application/json', 400, 'malformed_json'],
    ['a NUL in a string', '{"a":"x\\u0000y"}', 'application/json', 400, 'invalid_text'],
    ['a lone surrogate', '{"a":"\\udfff"}', 'application/json', 400, 'invalid_text'],
    ['a form body', 'a=1', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
    ['text/plain', '{}', 'text/plain', 415, 'unsupported_media_type'],
    ['a body over the limit', JSON.stringify({ a: 'x'.repeat(70_000) }), 'application/json', 413, 'payload_too_large'],
    ['an empty object', '{}', 'application/json', 422, 'invalid'],
    ['a JSON array', '[]', 'application/json', 422, 'invalid'],
  ] as const;
  test.each(cases)('%s → %i %s', async (_l, body, type, status, errorCode) => {
    for (const path of posts()) {
      const res = await testApi(database).request(path, { method: 'POST', body, headers: { 'content-type': type } });
      expect(res.status, path).toBe(status);
      expect((await errorOf(res)).code, path).toBe(errorCode);
    }
  });

  test('GET on a POST-only path and unknown sub-paths are 404 with the error shape', async () => {
    for (const path of ['/api/feedback/x/rating', '/api/surveys/s/responses', '/api/altcha', '/api/feedback/a/b/c']) {
      const res = await testApi(database).request(path);
      expect(res.status, path).toBe(404);
      expect((await errorOf(res)).code).toBe('not_found');
    }
  });
});

describe('a different phone verifier plugs in', () => {
  test('the channel uses whatever PhoneVerifier it is given', async () => {
    const calls: string[] = [];
    const fake: PhoneVerifier = {
      kind: 'fake',
      async start(_ctx, surveyId, phone) {
        calls.push(`start ${surveyId} ${phone}`);
        return { ok: true, challengeId: '00000000-0000-4000-8000-000000000000', expiresAt: TEST_NOW.toISOString() };
      },
      async check(_ctx, _surveyId, otp) {
        calls.push(`check ${otp.code}`);
        return otp.code === '424242'
          ? { ok: true, voterKey: 'fake-voter', challengeId: otp.challengeId }
          : { ok: false, reason: 'wrong' };
      },
    };
    const api = testApi(database, { channel: testChannel(database, { phone: fake }) });
    expect((await jsonPost(api, '/api/surveys/s/otp', { phone: '+86 137 0000 0000' })).status).toBe(202);
    const body = (code: string) => ({
      otp: { challengeId: '00000000-0000-4000-8000-000000000000', code },
      unitId: 'natural-resources-bureau',
      relation: 'serviceUser',
      answers: { overall: 'satisfied' },
    });
    expect((await jsonPost(api, '/api/surveys/s/responses', body('111111'))).status).toBe(422);
    expect((await jsonPost(api, '/api/surveys/s/responses', body('424242'))).status).toBe(201);
    expect((await jsonPost(api, '/api/surveys/s/responses', body('424242'))).status).toBe(409);
    expect(calls).toEqual(['start s 13700000000', 'check 111111', 'check 424242', 'check 424242']);
  });
});
