import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
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
  servers: { url: string }[];
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

  test('the router and the document agree both ways on every (method, path)', async () => {
    const api = testApi(database);
    const doc = (await (await api.request('/api/openapi.json')).json()) as Doc;
    const base = doc.servers[0]!.url;
    const routed = new Set<string>();
    for (const r of api.routes) {
      // app.use() middleware: method ALL on a wildcard path, never an endpoint.
      if (r.method === 'ALL' && r.path.endsWith('*')) continue;
      expect(r.path.startsWith(`${base}/`), `${r.method} ${r.path} outside ${base}`).toBe(true);
      routed.add(`${r.method} ${r.path.slice(base.length).replace(/:(\w+)(\{[^}]*\})?/g, '{$1}')}`);
    }
    const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((m) => methods.has(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    expect(
      [...routed].filter((r) => !documented.has(r)),
      'routed but not documented',
    ).toEqual([]);
    expect(
      [...documented].filter((d) => !routed.has(d)),
      'documented but not routed',
    ).toEqual([]);
    expect(routed.size).toBeGreaterThanOrEqual(13);
  });

  test('/units and /health answer with the documented shapes', async () => {
    const api = testApi(database);
    const doc = (await (await api.request('/api/openapi.json')).json()) as Doc;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const check = (name: string, data: unknown) => {
      const validate = ajv.compile(doc.components.schemas[name]!);
      expect(validate(data), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    };
    check('UnitsPage', await (await api.request('/api/units?carrier=school&pageSize=2')).json());
    check('Health', await (await api.request('/api/health')).json());
    const invalid = await api.request('/api/units?page=0');
    expect(invalid.status).toBe(422);
    check('ErrorBody', await invalid.json());
    const params = doc.paths['/units']!.get as unknown as { parameters: { name: string; required: boolean }[] };
    expect(params.parameters.map((p) => [p.name, p.required])).toEqual([
      ['carrier', false],
      ['township', false],
      ['page', false],
      ['pageSize', false],
    ]);
  });

  test('every $ref resolves', async () => {
    const text = await (await testApi(database).request('/api/openapi.json')).text();
    const doc = JSON.parse(text) as Doc;
    for (const m of text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g))
      expect(doc.components.schemas).toHaveProperty(m[1]!);
  });
});
