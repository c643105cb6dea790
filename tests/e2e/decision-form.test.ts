import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { expectAccessibleAsServed, launchBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { signInInBrowser } from '../support/staff.ts';

/**
 * Issue 12, a 4+2 record stage by stage in a plain HTML form, in Chromium WITHOUT JavaScript: the demo
 * publisher (荷塘村's clerk) drafts a new record with its first stage, sees a validity error named on its field
 * (422, nothing stored), fixes it, previews the page as the public will see it (the permalink page's component
 * with its verdicts) and submits; the demo approver signs it off as the village supervisory committee; the clerk
 * then adds the next stage from the record in force, a `progress` submission the approver sees as 进展更新
 * and approves as version 2. A stage out of the required order is refused. axe 0 violations on every page state.
 */
let server: TestServer;
let browser: Browser;
let db: Client;
let publisher: Page;
let approver: Page;
const ID = 'hetang-village-e2e-pond-dredging';
const PATH = '/staff/disclosures/decision/';

beforeAll(async () => {
  server = await startTestServer();
  return async () => {
    await server.stop();
    server.cleanup();
  };
});
beforeAll(async () => {
  browser = await launchBrowser();
  return () => browser.close();
});
beforeAll(() => {
  db = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
  return () => db.close();
});
// signInInBrowser opens each context with `javaScriptEnabled: false`.
beforeAll(async () => {
  publisher = await signInInBrowser(browser, server.url, 'demo.publisher', PATH);
  approver = await signInInBrowser(browser, server.url, 'demo.approver', '/staff/approvals/');
  return async () => {
    await publisher.context().close();
    await approver.context().close();
  };
});

// Every page state checked by axe is also kept for the Nu Html Checker at the end (the POST states cannot be
// fetched again, so the document as Chromium parsed it is what is checked).
const states = mkdtempSync(join(tmpdir(), 'qinglian-decision-form-'));
let stateCount = 0;
const accessible = async (page: Page) => {
  await expectAccessibleAsServed(browser, page);
  writeFileSync(join(states, `state-${String((stateCount += 1))}.html`), await page.content());
};
const rows = async (sql: string, args: (string | number)[] = []) => (await db.execute({ sql, args })).rows;
const submissionsOf = (id: string) =>
  rows('SELECT id, change, state FROM disclosure_submissions WHERE disclosure_id = ? ORDER BY submitted_at', [id]);

/** A click on a form's button and the response to its POST (the status the page answered with). */
async function press(page: Page, name: string): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
  return response.status();
}

async function approveNewest(id: string): Promise<void> {
  const [pending] = (await submissionsOf(id)).filter((s) => s.state === 'submitted');
  await approver.goto(`${server.url}/staff/approvals/${String(pending!.id)}/`);
  await accessible(approver);
  await approver.getByLabel('村务监督委员会审核日期').fill('2026-12-01');
  await approver.getByLabel('村务监督委员会审核意见').fill('同意公开');
  expect(await press(approver, '批准')).toBe(200);
  expect(await approver.locator('[data-done="approved"]').count()).toBe(1);
}

describe('a 4+2 record stage by stage, without JavaScript', () => {
  test('new record: an error named on its field (422, nothing stored), then preview and submit', async () => {
    await publisher.goto(`${server.url}${PATH}`);
    await accessible(publisher);
    await publisher.getByLabel('编号', { exact: true }).fill(ID);
    await publisher.getByLabel('公开单位').selectOption('hetang-village');
    await publisher.getByLabel('公布日期').fill('2026-11-20');
    await publisher.getByLabel('事项名称').fill('荷塘清淤工程');
    await publisher.getByLabel('事项类别').selectOption('publicWelfareProjects');
    await publisher.getByLabel('涉及金额（元）').fill('56000.50');
    await publisher.getByLabel('决策机构').selectOption('villagersRepresentatives');
    await publisher.getByLabel('提议来源').selectOption('partyMembersAndVillagers');
    await publisher.getByLabel('会议日期').fill('2026-11-18');
    await publisher.getByLabel('应到人数').fill('5');
    await publisher.getByLabel('实到人数').fill('6');
    await publisher.getByLabel('赞成', { exact: true }).fill('5');
    await publisher.getByLabel('反对', { exact: true }).fill('0');
    await publisher.getByLabel('弃权', { exact: true }).fill('0');
    expect(await press(publisher, '检查并提交审核')).toBe(422);
    const summary = await publisher.locator('#error-summary').innerText();
    expect(summary).toContain('“实到人数”：实到 6 人超过应到 5 人');
    expect(await publisher.locator('#f-stage-present').getAttribute('aria-invalid')).toBe('true');
    // The typed values are kept.
    expect(await publisher.getByLabel('事项名称').inputValue()).toBe('荷塘清淤工程');
    await accessible(publisher);
    expect(await submissionsOf(ID)).toEqual([]);

    await publisher.getByLabel('实到人数').fill('5');
    expect(await press(publisher, '检查并预览')).toBe(200);
    const preview = publisher.locator('[data-preview="decision"]');
    expect(await preview.count()).toBe(1);
    const text = await preview.innerText();
    expect(text).toContain('荷塘清淤工程');
    expect(text).toContain('党组织提议');
    // The verdicts as the public page shows them: the later stages are awaited, not a failure.
    expect(text).toContain('合规，尚有环节进行中');
    expect(text).toContain('程序进行中，下一环节为');
    expect(text).not.toContain('存在不合规问题');
    expect(await publisher.locator('main').innerText()).toContain('检查结果，尚未提交');
    await accessible(publisher);
    expect(await submissionsOf(ID)).toEqual([]);

    expect(await press(publisher, '检查并提交审核')).toBe(200);
    expect(await publisher.locator('[data-result="submitted"]').count()).toBe(1);
    await accessible(publisher);
    expect((await submissionsOf(ID)).map((s) => [s.change, s.state])).toEqual([['publish', 'submitted']]);
  });

  test('after the committee’s sign-off the clerk adds the next stage: progress, approved as version 2', async () => {
    await approveNewest(ID);
    await publisher.goto(`${server.url}${PATH}`);
    const row = publisher.locator(`tr[data-record="${ID}"]`);
    await row.getByRole('link', { name: '填报下一环节：“两委”商议' }).click();
    await publisher.waitForLoadState('load');
    await accessible(publisher);
    expect(await publisher.locator('h1').innerText()).toContain('“两委”商议');
    // Out of order: a crafted post for a later stage is refused, nothing stored.
    const cookie = (await publisher.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const html = await publisher.content();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const crafted = await fetch(`${server.url}${PATH}?record=${ID}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, cookie },
      body: new URLSearchParams({
        _csrf: csrf,
        action: 'submit',
        stage: 'resolutionDisclosure',
        'stage.postedOn': '2026-11-30',
        'stage.channel': '村务公开栏',
      }).toString(),
    });
    expect(crafted.status).toBe(422);
    expect(await crafted.text()).toContain('按规定顺序，现在只能填报““两委”商议”');
    expect((await submissionsOf(ID)).length).toBe(1);

    await publisher.getByLabel('会议日期').fill('2026-11-25');
    await publisher.getByLabel('应到人数').fill('7');
    await publisher.getByLabel('实到人数').fill('7');
    await publisher.getByLabel('赞成', { exact: true }).fill('6');
    await publisher.getByLabel('反对', { exact: true }).fill('0');
    await publisher.getByLabel('弃权', { exact: true }).fill('1');
    await publisher.getByLabel('会议内容').fill('联系 13812345678 商议清淤方案');
    expect(await press(publisher, '检查并提交审核')).toBe(422);
    expect(await publisher.locator('#error-summary').innerText()).toContain('“会议内容”');
    await accessible(publisher);
    expect((await submissionsOf(ID)).length).toBe(1);
    await publisher.getByLabel('会议内容').fill('商议清淤方案');
    expect(await press(publisher, '检查并提交审核')).toBe(200);
    const preview = await publisher.locator('[data-preview="decision"]').innerText();
    expect(preview).toContain('“两委”商议');
    expect((await submissionsOf(ID)).map((s) => s.change)).toEqual(['publish', 'progress']);

    const [pending] = (await submissionsOf(ID)).filter((s) => s.state === 'submitted');
    await approver.goto(`${server.url}/staff/approvals/${String(pending!.id)}/`);
    expect(await approver.locator('[data-change="progress"]').innerText()).toBe('进展更新');
    await approveNewest(ID);
    const versions = await rows(
      'SELECT version, change FROM disclosure_versions WHERE disclosure_id = ? ORDER BY version',
      [ID],
    );
    expect(versions.map((v) => [Number(v.version), v.change])).toEqual([
      [1, 'publish'],
      [2, 'progress'],
    ]);
    // The next stage offered now is the party members' meeting.
    await publisher.goto(`${server.url}${PATH}`);
    expect(await publisher.locator(`tr[data-record="${ID}"]`).innerText()).toContain('党员大会审议');
    await accessible(publisher);
  });

  test('vnu finds no error in any state of the form pages', (ctx) => {
    const java = spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
    ctx.skip(!java, 'vnu: skipped, no `java` on PATH (install a JRE 11+, e.g. Debian default-jre-headless)');
    const jar = createRequire(import.meta.url)('vnu-jar') as string;
    const files = Array.from({ length: stateCount }, (_, i) => join(states, `state-${String(i + 1)}.html`));
    expect(files.length).toBeGreaterThan(5);
    const run = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'json', ...files], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const report = JSON.parse(run.stderr) as { messages: { type: string; url?: string; message: string }[] };
    expect(report.messages.filter((m) => m.type !== 'info')).toEqual([]);
    expect(run.status).toBe(0);
    rmSync(states, { recursive: true, force: true });
  });
});
