import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { createClient } from '@libsql/client';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchBrowser } from '../support/browser.ts';
import type { Browser } from 'playwright-core';
import { CLIENT_DIR } from '../../src/server.ts';
import { signIn } from '../support/staff.ts';
import { PROBE_BODY, PROBE_IDENTIFIERS } from '../support/identifier-probe.ts';
import { excerptOf, findIdentifiers } from '../../src/domain/privacy/identifiers.ts';

/**
 * Issue 13, acceptance 1: a complaint with identifiers in eight notations and more (tests/support/
 * identifier-probe.ts) is submitted through the no-JavaScript form, a moderator publishes it after the
 * required masking (publishing it raw is refused), and every public page, API response, CSV, JSON and
 * feed, and the tracking page and API by code only, are scanned with the identifier detector: 0 found.
 *
 * Acceptance 4 (earlier): every public page and API response is scanned for contact data and submitter
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
let probeCode = '';
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

  // The probe, typed into the no-JavaScript form like a person would.
  await page.goto(`${server.url}/feedback/?unit=hetang-village`);
  await page.check('input[name="kind"][value="complaint"]');
  await page.fill('#f-body', PROBE_BODY);
  await page.check('#f-publicConsent');
  await page.click('button[type="submit"]');
  await page.waitForURL(/\/feedback\/track\/([^/]+)\/$/);
  probeCode = page.url().match(/track\/([^/]+)\//)![1]!;
  codes.push(probeCode);
  await page.context().close();
});

/**
 * What a page shows and carries: its text and its attribute values, without markup, scripts, styles and
 * the geometry of SVG drawings (path data and view boxes are numbers that mean nothing to a reader).
 */
function visibleText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/\s(?:d|viewBox|points|transform|integrity|nonce)="[^"]*"/g, ' ')
    .replace(/<([^>]*)>/g, (_, inner: string) => ` ${[...inner.matchAll(/="([^"]*)"/g)].map((m) => m[1]).join(' ')} `)
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"');
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? htmlFiles(p) : p.endsWith('.html') ? [p] : [];
  });
}

/** Every value in the database that identifies or pseudonymises a submitter or respondent. */
async function privateValues(): Promise<string[]> {
  const db = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
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

const staticData = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === '_astro' || n === 'pagefind' ? [] : staticData(p);
    return /\.(csv|json|xml|txt)$/.test(n) ? [p] : [];
  });

describe('publishing the probe: refused raw, published after masking', () => {
  test('the moderator sees the findings highlighted, cannot publish, masks, then publishes', async () => {
    const s = await signIn(server.url, 'demo.moderator');
    const db = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
    const code = probeCode.replace(/-/g, '');
    const id = String(
      (await db.execute({ sql: 'SELECT id FROM feedback_items WHERE tracking_code = ?', args: [code] })).rows[0]!.id,
    );
    db.close();
    const path = `/staff/moderation/${id}/`;
    const form = (fields: Record<string, string>) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, cookie: s.cookie },
        body: new URLSearchParams({ _csrf: s.csrf, ...fields }).toString(),
      });
    const screen = await (await fetch(`${server.url}${path}`, { headers: { cookie: s.cookie } })).text();
    const marked = [...screen.matchAll(/<mark class="identifier" data-kind="(\w+)"/g)].map((m) => m[1]);
    expect(marked).toEqual(PROBE_IDENTIFIERS.map((p) => p.kind));
    expect(screen).toContain('张三丰'); // the reminder that names cannot be detected
    const publishForm = /<form[^>]*id="publish"[\s\S]*?<\/form>/.exec(screen)![0];
    expect(publishForm).not.toContain('<button');

    const raw = await form({ action: 'publish' });
    expect(raw.status).toBe(409);
    expect(await raw.text()).toContain('请先遮盖或删改后再公开');
    expect((await form({ action: 'mask' })).status).toBe(303);
    const after = await (await fetch(`${server.url}${path}`, { headers: { cookie: s.cookie } })).text();
    expect(after).not.toContain('<mark class="identifier"');
    expect((await form({ action: 'publish' })).status).toBe(303);
  });
});

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
    const dataFiles = staticData(CLIENT_DIR).map((f) => `/${relative(CLIENT_DIR, f)}`);
    expect(dataFiles.some((f) => f.endsWith('.csv'))).toBe(true);
    expect(dataFiles.some((f) => f.endsWith('.xml'))).toBe(true);
    const pages = [
      ...staticPaths,
      ...dataFiles,
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
      // Issue 13: the one detector finds nothing in anything public (text, attributes and data alike).
      const scanned = path.startsWith('/api/') || !/\.html?$|\/$/.test(path) ? body : visibleText(body);
      for (const f of findIdentifiers(scanned)) problems.push(`${path}: ${f.kind} ${excerptOf(scanned, f)}`);
    }
    expect(problems).toEqual([]);
    // The probe was scanned where it is public: masked on its unit's page, by its tracking code, in the API.
    const unitPage = await (await fetch(`${server.url}/units/hetang-village/feedback/`)).text();
    expect(unitPage).toContain('村里低保名单公示有问题');
    const tracked = (await (await fetch(`${server.url}/api/feedback/${probeCode}`)).json()) as {
      masked: boolean;
      content: { body: string };
    };
    expect(tracked.masked).toBe(true);
    expect(tracked.content.body).toContain('村里低保名单公示有问题');
    for (const p of PROBE_IDENTIFIERS) expect(tracked.content.body.replace(/\s/g, '')).not.toContain(p.digits);
    // The server's own log lines must not hold them either (RELIABILITY.md V16.2.5).
    const log = server.output.join('');
    expect(log).not.toContain(PHONE_API);
    expect(log).not.toContain(PHONE_FORM);
    expect(pages.length + apis.length).toBeGreaterThan(60);
  });
});
