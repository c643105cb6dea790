import { loadBuildSettings } from '../../src/lib/config.ts';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClient, type Client } from '@libsql/client';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchBrowser } from '../support/browser.ts';
import { TEST_SECRET_ENV } from '../support/channel.ts';
import { totpCode } from '../../src/staff/credentials.ts';
import { beijingDate } from '../../src/domain/calendar/dates.ts';

/**
 * Issue 17 acceptance 1 with DEMO=false on an empty database: the real `staff:add` CLI makes the first
 * admin; the admin signs in (TOTP), creates a responder and an evaluator in the console (both enrol with
 * the QR step and sign in), creates a survey, issues invitation codes and prints the slips; a resident
 * answers with one code through the public form; the results appear once published — not before.
 *
 * content/units/ holds only demo units (skipped with DEMO=false), so the city's first unit is written
 * into the registry tables here, as the registry seed would from a real content/units file.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEMO_MARK = '演示数据';
const UNIT = 'city-first-primary';
const UNIT_NAME = 'City First Primary School';

let server: TestServer;
let db: Client;
let browser: Browser;
/** Every page the flow shows, with whether the (layout's) demo banner was on it. */
const shown: { path: string; banner: boolean }[] = [];

beforeAll(async () => {
  server = await startTestServer({ env: { DEMO: 'false' } });
  db = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser.close();
  db.close();
  await server.stop();
  server.cleanup();
});

/** Page content must not say 演示数据 (the layout banner is checked and reported separately). */
async function expectNoDemoText(page: Page): Promise<void> {
  const { text, banner } = await page.evaluate(() => {
    const b = document.querySelector('.demo-banner');
    const clone = document.body.cloneNode(true) as HTMLElement;
    clone.querySelector('.demo-banner')?.remove();
    return { text: clone.innerText, banner: b !== null };
  });
  expect(text, page.url()).not.toContain(DEMO_MARK);
  shown.push({ path: new URL(page.url()).pathname, banner });
}

function runStaffAdd(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // What `npm run staff:add` runs (package.json), with the server's environment.
    const child = spawn(process.execPath, ['src/cli/staff-add.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...serverEnv() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
const serverEnv = () => ({
  ...TEST_SECRET_ENV,
  DATABASE_URL: `file:${server.dbFile}`,
  DEMO: 'false',
  NODE_ENV: 'production',
  SITE_URL: loadBuildSettings().SITE_URL,
});

/** A code of a fresh 30-second step (a step is accepted once per account). */
const code = (secret: string) => totpCode(secret, new Date());

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN' });
  return context.newPage();
}

async function login(page: Page, username: string, password: string, secret: string): Promise<void> {
  await page.goto(`${server.url}/staff/login/`);
  await expectNoDemoText(page);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.fill('input[name="code"]', code(secret));
  await page.click('form[action="/staff/login/"] button[type="submit"]');
  await page.waitForURL(`${server.url}/staff/`);
  await expectNoDemoText(page);
}

/** First login of a console-made account: password, QR step (secret read from the page), code + own password. */
async function enrol(username: string, initialPassword: string): Promise<{ secret: string; password: string }> {
  const page = await newPage();
  await page.goto(`${server.url}/staff/enrol/`);
  await expectNoDemoText(page);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', initialPassword);
  await page.click('form[action="/staff/enrol/"] button[type="submit"]');
  await page.waitForSelector('#totp-secret');
  await expectNoDemoText(page);
  expect(await page.locator('img[src^="data:image/svg+xml;base64,"]').count()).toBe(1);
  const secret = (await page.locator('#totp-secret').innerText()).trim();
  const password = `${username} picked this password`;
  await page.fill('input[name="code"]', code(secret));
  await page.fill('input[name="newPassword"]', password);
  await page.click('form[action="/staff/enrol/"] button[type="submit"]');
  await page.waitForURL(`${server.url}/staff/`);
  await expectNoDemoText(page);
  await page.context().close();
  return { secret, password };
}

describe('a city starts with DEMO=false (issue 17 acceptance 1)', () => {
  test('staff:add → console accounts → survey and codes → a resident answers → results after publishing', async () => {
    // Empty: no accounts, no surveys, no units (the demo registry is not seeded).
    for (const table of ['staff_accounts', 'surveys', 'units'])
      expect(Number((await db.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n), table).toBe(0);
    await db.execute("INSERT INTO townships (id, name, display_order) VALUES ('city-centre', 'City Centre', 1)");
    await db.execute({
      sql: "INSERT INTO units (id, name, carrier, township_id, lead_department, demo, updated_at) VALUES (?, ?, 'school', 'city-centre', 'Education Bureau', 0, ?)",
      args: [UNIT, UNIT_NAME, Math.floor(Date.now() / 1000)],
    });

    // 1. The first admin, by the real CLI.
    const added = await runStaffAdd(['--username', 'city.admin', '--name', 'City Admin', '--role', 'admin']);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const adminPassword = /password \(shown once\): (\S+)/.exec(added.stdout)?.[1];
    const adminSecret = /TOTP secret \(shown once\): (\S+)/.exec(added.stdout)?.[1];
    expect(adminPassword && adminSecret).toBeTruthy();

    const admin = await newPage();
    await login(admin, 'city.admin', adminPassword!, adminSecret!);

    // 2. A responder (bound to the unit) and an evaluator, made in the console.
    const made: Record<string, string> = {};
    for (const [username, role] of [
      ['zhang.resp', 'responder'],
      ['chen.eval', 'evaluator'],
    ] as const) {
      await admin.goto(`${server.url}/staff/accounts/`);
      await expectNoDemoText(admin);
      await admin.fill('input[name="username"]', username);
      await admin.fill('input[name="displayName"]', `Name ${username}`);
      await admin.check(`input[name="role"][value="${role}"]`);
      if (role === 'responder') await admin.check(`input[name="unitIds"][value="${UNIT}"]`);
      await admin.click('form[action="/staff/accounts/"] button[type="submit"]');
      await admin.waitForSelector('#initial-password');
      await expectNoDemoText(admin);
      made[username] = (await admin.locator('#initial-password').innerText()).trim();
    }
    // A mistake is named by its field (responder without a unit).
    await admin.fill('input[name="username"]', 'no.units');
    await admin.fill('input[name="displayName"]', 'No Units');
    await admin.check('input[name="role"][value="responder"]');
    await admin.click('form[action="/staff/accounts/"] button[type="submit"]');
    await admin.waitForSelector('.error-summary');
    expect(await admin.locator('.error-summary').innerText()).toContain('单位');
    expect(await admin.title()).toMatch(/^错误：/);

    // They enrol with the QR step and can then sign in with password + code on the login page.
    const resp = await enrol('zhang.resp', made['zhang.resp']!);
    const evaluator = await enrol('chen.eval', made['chen.eval']!);
    // A new step for each (the enrolment used the current one).
    await new Promise((r) => setTimeout(r, 31_000 - (Date.now() % 30_000)));
    for (const [username, a] of [
      ['zhang.resp', resp],
      ['chen.eval', evaluator],
    ] as const) {
      const page = await newPage();
      await login(page, username, a.password, a.secret);
      await page.context().close();
    }
    // The console shows their last login.
    await admin.goto(`${server.url}/staff/accounts/`);
    const row = admin.locator('tr', { hasText: 'zhang.resp' });
    expect(await row.innerText()).not.toContain('从未登录');
    // Where the responder is notified, set in the console: a bad number is named, nothing is stored.
    await row.locator('a').first().click();
    await admin.waitForSelector('input[name="action"][value="contact"]', { state: 'attached' });
    const contactForm = admin.locator('form:has(input[name="action"][value="contact"])');
    await contactForm.locator('input[name="email"]').fill('zhang@school.example');
    await contactForm.locator('input[name="phone"]').fill('1380013');
    await contactForm.locator('button[type="submit"]').click();
    await admin.waitForSelector('.error-summary');
    expect(await admin.locator('.error-summary').innerText()).toContain('手机号码');
    const contactOf = async () =>
      (await db.execute("SELECT email, phone FROM staff_accounts WHERE username = 'zhang.resp'")).rows[0]!;
    expect(await contactOf()).toMatchObject({ email: null, phone: null });
    await contactForm.locator('input[name="phone"]').fill('138 0013 8000');
    await contactForm.locator('button[type="submit"]').click();
    await admin.waitForSelector('text=通知方式已保存');
    expect(await contactOf()).toMatchObject({ email: 'zhang@school.example', phone: '13800138000' });
    const contactAudit = await db.execute(
      "SELECT detail FROM audit_events WHERE action = 'staff.account.contact' ORDER BY id DESC LIMIT 1",
    );
    expect(JSON.parse(String(contactAudit.rows[0]!.detail))).toEqual({ email: true, phone: true });
    const roles = await db.execute('SELECT username, role FROM staff_accounts ORDER BY username');
    expect(roles.rows.map((r) => `${String(r.username)}:${String(r.role)}`)).toEqual([
      'chen.eval:evaluator',
      'city.admin:admin',
      'zhang.resp:responder',
    ]);

    // 3. A survey of this year's standard, a batch of codes, the printed slips.
    const today = beijingDate(new Date());
    const year = today.slice(0, 4);
    await admin.goto(`${server.url}/staff/surveys/`);
    await expectNoDemoText(admin);
    await admin.check('input[name="carrier"][value="school"]');
    await admin.fill('input[name="year"]', year);
    await admin.fill('input[name="periodLabel"]', `${year} H2`);
    await admin.fill('input[name="opensOn"]', today);
    await admin.fill('input[name="closesOn"]', `${year}-12-31`);
    await admin.click('form[action="/staff/surveys/"] button[type="submit"]');
    await admin.waitForURL(/\/staff\/surveys\/school-\d{4}-[0-9a-f]{8}\/$/);
    await expectNoDemoText(admin);
    const surveyPath = new URL(admin.url()).pathname;
    await admin.check(`input[name="unitId"][value="${UNIT}"]`);
    await admin.fill('input[name="size"]', '5');
    await admin.fill('input[name="label"]', 'Parents meeting');
    await admin.click('form:has(input[value="batch"]) button');
    await admin.waitForURL(/\?issued=5$/);
    await expectNoDemoText(admin);
    await admin.goto(`${server.url}${surveyPath}slips/`);
    await expectNoDemoText(admin);
    const codes = await admin.locator('.sheet .code').allInnerTexts();
    expect(codes).toHaveLength(5);
    expect(await admin.locator('.sheet li').first().innerText()).toContain('/ratings/');

    // 4. A resident answers with one code (public form, no account).
    const resident = await newPage();
    await resident.goto(`${server.url}/ratings/`);
    await expectNoDemoText(resident);
    await resident.fill('input[name="invitationCode"]', codes[0]!);
    await resident.click('form#form button[type="submit"]');
    await resident.waitForSelector('input[name="relation"]');
    await expectNoDemoText(resident);
    await resident.check('input[name="relation"][value="parent"]');
    const questions = await resident.locator('input[name^="answers."][value="satisfied"]').all();
    expect(questions.length).toBeGreaterThan(0);
    for (const q of questions) await q.check();
    await resident.click('form#form button[type="submit"]');
    await resident.waitForURL(`${server.url}/ratings/thanks/`);
    await expectNoDemoText(resident);

    // The used code is no longer printed.
    await admin.goto(`${server.url}${surveyPath}slips/`);
    expect(await admin.locator('.sheet .code').allInnerTexts()).toEqual(codes.slice(1));

    // 5. Not public before publishing; public after.
    await resident.goto(`${server.url}/surveys/`);
    expect(await resident.locator('main').innerText()).not.toContain(UNIT_NAME);
    await expectNoDemoText(resident);
    await admin.goto(`${server.url}${surveyPath}`);
    await admin.click('form:has(input[value="close"]) button');
    await admin.waitForURL(/\?done=close$/);
    await admin.click('form:has(input[value="publish"]) button');
    await admin.waitForURL(/\?done=publish$/);
    await expectNoDemoText(admin);
    // A new visitor (the page allows 60 s of browser caching, so the earlier visitor may see it a minute later).
    const visitor = await newPage();
    await visitor.goto(`${server.url}/surveys/`);
    const unitRow = visitor.locator('tr', { hasText: UNIT_NAME });
    expect(await unitRow.count()).toBe(1);
    // One response: shown with n = 1, never ranked (the small-sample guard).
    expect((await unitRow.locator('td').allInnerTexts()).slice(0, 2)).toEqual(['—', '1']);
    await expectNoDemoText(visitor);

    // Every step audited.
    const actions = (await db.execute('SELECT action FROM audit_events ORDER BY id')).rows.map((r) => String(r.action));
    expect(actions).toEqual(
      expect.arrayContaining([
        'staff.account.create',
        'staff.account.enrolled',
        'surveyCreated',
        'invitationBatchCreated',
        'surveyClosed',
        'surveyPublished',
      ]),
    );
    console.log(`pages checked for ${DEMO_MARK}: ${JSON.stringify(shown)}`);
  }, 240_000);
});
