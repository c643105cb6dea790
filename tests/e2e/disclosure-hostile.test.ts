import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readDisclosures, readRegistry } from '../../src/content/files.ts';
import { t } from '../../src/i18n/t.ts';
import { hostileUploads } from '../support/hostile-sheets.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { fillTemplate, followingCanteenMonth } from '../support/sheets.ts';
import { signIn } from '../support/staff.ts';

/**
 * Issue 12, acceptance 6, over HTTP: every hostile file (fuzzed and broken workbooks and CSVs, the same set
 * as the reader's unit test) is posted to the publisher's page with 检查并提交审核 (the action that stores). No
 * answer is a 5xx and no submission row or audit row is written. The control — the valid file every hostile
 * one is derived from — is stored once, so the page really stores what it accepts.
 */
const registry = readRegistry();
const published = readDisclosures(undefined, registry);
const unitName = (id: string) => registry.units.find((u) => u.id === id)!.name;
const oct = published.canteenAccount.find((e) => e.id === 'xixi-central-primary-2026-10')!;
// A month content/ does not have yet, so the valid base would really be stored.
const nov = followingCanteenMonth(oct, 'xixi-central-primary-2026-11', '2026-11', '2026-12-01');

let server: TestServer;
let session: { cookie: string; csrf: string };
let template: Uint8Array;
let valid: Uint8Array;
const hostile = hostileUploads({
  template: () => template,
  valid: () => valid,
  canteen: nov,
  unitName,
  otherUnit: 'nanhu-nine-year-school',
});

beforeAll(async () => {
  server = await startTestServer();
  session = await signIn(server.url, 'demo.publisher');
  const res = await fetch(`${server.url}/staff/disclosures/templates/canteen-accounts.xlsx`, {
    headers: { cookie: session.cookie },
  });
  expect(res.status).toBe(200);
  template = new Uint8Array(await res.arrayBuffer());
  valid = await fillTemplate(template, 'canteenAccount', [nov], unitName);
});
afterAll(async () => {
  await server.stop();
  server.cleanup();
});

async function submit(file: string, bytes: Uint8Array): Promise<{ status: number; body: string }> {
  const form = new FormData();
  form.set('_csrf', session.csrf);
  form.set('kind', 'canteenAccount');
  form.set('action', 'submit');
  form.set('file', new Blob([Buffer.from(bytes)]), file);
  const res = await fetch(`${server.url}/staff/disclosures/`, {
    method: 'POST',
    headers: { cookie: session.cookie, origin: server.url },
    body: form,
    redirect: 'manual',
  });
  return { status: res.status, body: await res.text() };
}

async function count(sql: string): Promise<number> {
  const client = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
  try {
    return Number((await client.execute(sql)).rows[0]![0]);
  } finally {
    client.close();
  }
}
const submissions = () => count('SELECT count(*) FROM disclosure_submissions');
const submittedAudit = () => count("SELECT count(*) FROM audit_events WHERE action = 'disclosure.submitted'");

describe(`hostile uploads over HTTP (${hostile.length} files)`, () => {
  test('there are at least 50', () => expect(hostile.length).toBeGreaterThanOrEqual(50));

  test('every one is answered without a 5xx and stores nothing', async () => {
    const statuses = new Map<string, number>();
    for (const h of hostile) {
      const { status, body } = await submit(h.file, await h.bytes());
      statuses.set(h.name, status);
      expect(status, h.name).toBeLessThan(500);
      // A page answer (200/4xx with the form) says nothing was stored; an oversized body is cut off (413).
      if (status !== 413) expect(body, h.name).not.toContain(t('sheets.page.submittedOne'));
    }
    expect(
      [...statuses.values()].some((s) => s === 413),
      'the 50 MB file is refused before it is read',
    ).toBe(true);
    expect(await submissions()).toBe(0);
    expect(await submittedAudit()).toBe(0);
  });

  test('the control: the valid file they derive from is stored once, with its audit row', async () => {
    const { status, body } = await submit('month-new.xlsx', valid);
    expect(status).toBe(200);
    expect(body).toContain(t('sheets.page.submittedOne'));
    expect(await submissions()).toBe(1);
    expect(await submittedAudit()).toBe(1);
  });
});
