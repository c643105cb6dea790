import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { createClient } from '@libsql/client';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchBrowser } from '../support/browser.ts';
import type { Browser } from 'playwright-core';
import { CLIENT_DIR } from '../../src/server.ts';

/**
 * Acceptance 4: every public page and API response is scanned for contact data and submitter
 * pseudonyms. Phones are submitted through the API and through the no-JavaScript form first; then every
 * built page, every on-demand page and every public GET endpoint is fetched and searched for: the phones,
 * any mainland mobile pattern, contact-like JSON keys, and every hash, pseudonym and sealed value the
 * database holds (secret hashes, payload hashes, idempotency keys, invitation-code and sheet-token hashes,
 * voter keys, rate-limit keys, sealed contacts).
 */
const PHONE_API = '13912345678';
const PHONE_FORM = '18698765432';
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/;

let server: TestServer;
let browser: Browser;
const codes: string[] = [];
// Each hook returns its own teardown, so that a failed start stops only what did start.
beforeAll(async () => {
  server = await startTestServer({ env: { FEEDBACK_LIMIT_NO_POW_PER_IP: '100' } });
  return async () => {
    await server.stop();
    server.cleanup();
  };
});
beforeAll(async () => {
  browser = await launchBrowser();
  return () => browser.close();
});
beforeAll(async () => {
  for (const kind of ['complaint', 'misconductReport']) {
    const res = await fetch(`${server.url}/api/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind,
        unitId: 'hetang-village',
        body: '请回电核实情况，谢谢。',
        contactPhone: PHONE_API,
        publicConsent: true,
      }),
    });
    expect(res.status).toBe(201);
    codes.push(((await res.json()) as { trackingCode: string }).trackingCode);
  }
  const page = await (await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' })).newPage();
  await page.goto(`${server.url}/feedback/?unit=liuwan-village`);
  await page.check('input[name="kind"][value="question"]');
  await page.fill('#f-body', '请问低保名单在哪里公示？');
  await page.fill('#f-contactPhone', PHONE_FORM);
  await page.check('#f-publicConsent');
  await page.click('button[type="submit"]');
  await page.waitForURL(/\/feedback\/track\/([^/]+)\/$/);
  codes.push(page.url().match(/track\/([^/]+)\//)![1]!);
  await page.context().close();
});

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? htmlFiles(p) : p.endsWith('.html') ? [p] : [];
  });
}

/** Every value in the database that identifies or pseudonymises a submitter or respondent. */
async function privateValues(): Promise<string[]> {
  const db = createClient({ url: `file:${server.dbFile}` });
  try {
    const queries = [
      'SELECT secret_hash AS v FROM feedback_items',
      'SELECT payload_hash AS v FROM feedback_items',
      'SELECT idempotency_key AS v FROM feedback_items',
      'SELECT sealed AS v FROM feedback_contacts',
      'SELECT code_hash AS v FROM invitation_codes',
      'SELECT sealed AS v FROM invitation_codes',
      'SELECT token_hash AS v FROM invitation_batches',
      'SELECT voter_key AS v FROM survey_responses',
      'SELECT key AS v FROM rate_limits',
      'SELECT phone_key AS v FROM otp_challenges',
    ];
    const out: string[] = [];
    for (const q of queries) for (const row of (await db.execute(q)).rows) out.push(String(row.v));
    // Rate-limit keys are `scope:pseudonym`; the pseudonym is what must not leak.
    return out
      .map((v) => (v.includes(':') && !v.startsWith('v1.') ? v.split(':').pop()! : v))
      .filter((v) => v.length >= 16);
  } finally {
    db.close();
  }
}

describe('privacy scan of every public page and API response', () => {
  test('no phone, no contact field, no submitter hash or pseudonym anywhere', async () => {
    const units = (
      (await (await fetch(`${server.url}/api/units?pageSize=100`)).json()) as { items: { id: string }[] }
    ).items.map((u) => u.id);
    const surveys = (
      (await (await fetch(`${server.url}/api/surveys`)).json()) as { items: { id: string }[] }
    ).items.map((s) => s.id);
    const staticPaths = htmlFiles(CLIENT_DIR).map(
      (f) =>
        `/${relative(CLIENT_DIR, f)
          .replace(/index\.html$/, '')
          .replace(/\.html$/, '/')}`,
    );
    const pages = [
      ...staticPaths,
      '/feedback/',
      '/feedback/meal/',
      '/feedback/track/',
      '/ratings/',
      '/ratings/thanks/',
      '/surveys/',
      '/surveys/sheet/',
      ...codes.map((c) => `/feedback/track/${c}/`),
      ...units.map((u) => `/units/${u}/feedback/`),
    ];
    const apis = [
      '/api/health',
      '/api/units?pageSize=100',
      '/api/surveys',
      '/api/altcha/challenge',
      ...surveys.map((s) => `/api/surveys/${s}/results`),
      ...units.map((u) => `/api/feedback?unitId=${u}`),
      ...codes.map((c) => `/api/feedback/${c}`),
    ];
    const secrets = await privateValues();
    expect(secrets.length).toBeGreaterThan(100);
    const problems: string[] = [];
    for (const path of [...pages, ...apis]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBeLessThan(400);
      const body = await res.text();
      const text = path.startsWith('/api/') ? body : body.replace(/<input[^>]*name="contactPhone"[^>]*>/g, '');
      if (text.includes(PHONE_API) || text.includes(PHONE_FORM)) problems.push(`${path}: a submitted phone`);
      const m = MOBILE.exec(text);
      if (m) problems.push(`${path}: a mobile number pattern ${m[0]}`);
      if (path.startsWith('/api/') && /"(contact\w*|phone\w*|secretHash|voterKey|ip\w*)"\s*:/i.test(body))
        problems.push(`${path}: a contact or pseudonym field`);
      for (const v of secrets) if (body.includes(v)) problems.push(`${path}: a stored hash or sealed value`);
    }
    expect(problems).toEqual([]);
    // The server's own log lines must not hold them either (RELIABILITY.md V16.2.5).
    const log = server.output.join('');
    expect(log).not.toContain(PHONE_API);
    expect(log).not.toContain(PHONE_FORM);
    expect(pages.length + apis.length).toBeGreaterThan(60);
  });
});
