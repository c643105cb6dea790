import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase } from '../support/db.ts';
import { testApi } from '../support/api.ts';
import type { Database } from '../../src/db/client.ts';
import { BODY_MAX, DISHES_MAX, REASON_MAX } from '../../src/domain/feedback/schema.ts';

let database: Database;
let dispose: () => void;
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase());
});
afterAll(() => dispose());

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};

describe('GET /api/openapi.json', () => {
  test('an OpenAPI 3.1 document whose schemas come from the zod schemas (same limits)', async () => {
    const res = await testApi(database).request('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    const submission = JSON.stringify(doc.components.schemas.FeedbackSubmission);
    expect(submission).toContain(`"maxLength":${BODY_MAX}`);
    expect(submission).toContain(`"maxLength":${DISHES_MAX}`);
    expect(submission).toContain('"accompaniedMeal"');
    expect(JSON.stringify(doc.components.schemas.ReopenInput)).toContain(`"maxLength":${REASON_MAX}`);
    for (const schema of Object.values(doc.components.schemas)) expect(schema).not.toHaveProperty('$schema');
  });

  test('every documented path exists (no documented route answers 404 for a wrong reason)', async () => {
    const doc = (await (await testApi(database).request('/api/openapi.json')).json()) as Doc;
    const concrete = (p: string) => p.replace('{code}', 'AAAA-AAAA-AAAA').replace('{id}', 'nope');
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const res = await testApi(database).request(
          `/api${concrete(path)}${path === '/feedback' && method === 'get' ? '?unitId=hetang-village' : ''}`,
          {
            method: method.toUpperCase(),
            ...(method === 'post' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
          },
        );
        expect(Object.keys(op.responses), `${method} ${path} → ${res.status}`).toContain(String(res.status));
      }
    }
  });

  test('every $ref resolves', async () => {
    const text = await (await testApi(database).request('/api/openapi.json')).text();
    const doc = JSON.parse(text) as Doc;
    for (const m of text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g))
      expect(doc.components.schemas).toHaveProperty(m[1]!);
  });
});
