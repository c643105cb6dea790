import type { Browser, Page } from 'playwright-core';
import { demoStaff } from '../../db/seed-staff.ts';
import { totpCode } from '../../src/staff/credentials.ts';

export type DemoUsername = (typeof demoStaff)[number]['username'];

export function demoAccount(username: DemoUsername) {
  const a = demoStaff.find((s) => s.username === username);
  if (!a) throw new Error(`no demo account ${username}`);
  return a;
}

/**
 * A TOTP code for a demo account. `stepOffset` picks the next time step (+1) when the current one was
 * already used by this account (a code is accepted once; the server allows one step of drift).
 */
export const demoCode = (username: DemoUsername, stepOffset = 0): string =>
  totpCode(demoAccount(username).totpSecret, new Date(Date.now() + stepOffset * 30_000));

/** Sign in over HTTP (no browser); returns the session cookie and the page's CSRF token. */
export async function signIn(
  base: string,
  username: DemoUsername,
  stepOffset = 0,
): Promise<{ cookie: string; csrf: string }> {
  const a = demoAccount(username);
  const res = await fetch(`${base}/staff/login/`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({
      username: a.username,
      password: a.password,
      code: demoCode(username, stepOffset),
    }).toString(),
  });
  if (res.status !== 303) throw new Error(`login of ${username} failed: ${res.status}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0]!;
  const home = await fetch(`${base}/staff/`, { headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await home.text())?.[1];
  if (!csrf) throw new Error('no CSRF token on the staff home page');
  return { cookie, csrf };
}

/**
 * Sign in with the plain login form in a new browser context (JavaScript off unless asked), and land on `next`.
 * The context accepts downloads (template links).
 */
export async function signInInBrowser(
  browser: Browser,
  base: string,
  username: DemoUsername,
  next: string,
  { javaScript = false }: { javaScript?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: javaScript, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${base}/staff/login/?next=${encodeURIComponent(next)}`);
  const a = demoAccount(username);
  await page.getByLabel('用户名').fill(a.username);
  await page.getByLabel('密码', { exact: true }).fill(a.password);
  await page.getByLabel('动态验证码').fill(demoCode(username));
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${base}${next}`);
  return page;
}
