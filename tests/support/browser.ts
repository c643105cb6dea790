import axe from 'axe-core';
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { chromiumLaunch } from './chromium.ts';

/** Chromium driven by playwright-core; which build, flags and fonts: tests/support/chromium.ts. */
export async function launchBrowser(): Promise<Browser> {
  const { executablePath, args, env } = await chromiumLaunch();
  return chromium.launch({ executablePath, args, env, headless: true, timeout: 60_000 });
}

/** The WCAG 2.2 AA rule set (RELIABILITY.md §9 target 1). */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] as const;

/** WeChat's in-app browser on a common 360-CSS-px Android phone. */
export const WECHAT_360: BrowserContextOptions = {
  viewport: { width: 360, height: 780 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  userAgent:
    'Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) ' +
    'Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 ' +
    'MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
};

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  targets: string[];
}

/**
 * Run axe-core on the current document. The site's CSP (`script-src 'self'`) blocks an inline
 * `<script>` tag, so the source is evaluated through the DevTools protocol instead, which CSP does
 * not govern; the page itself keeps its real policy.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(axe.source);
  return page.evaluate(
    async (tags) => {
      interface AxeNode {
        target: unknown[];
      }
      interface AxeResult {
        id: string;
        impact?: string | null;
        help: string;
        helpUrl: string;
        nodes: AxeNode[];
      }
      const inPage = (
        window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeResult[] }> } }
      ).axe;
      const result = await inPage.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? null,
        help: v.help,
        helpUrl: v.helpUrl,
        targets: v.nodes.map((n) => n.target.map(String).join(' ')),
      }));
    },
    [...AXE_TAGS],
  );
}

/** One line per violation: the rule id, its impact, what it asks for and where it fails. */
export function formatViolations(violations: AxeViolation[]): string {
  if (violations.length === 0) return 'no axe violations';
  return [
    `${violations.length} axe violation(s):`,
    ...violations.map(
      (v) => `  - ${v.id} [${v.impact ?? '?'}] ${v.help} (${v.helpUrl})\n      at ${v.targets.join(' | ')}`,
    ),
  ].join('\n');
}

export interface PageProblems {
  /** Console errors, uncaught exceptions, CSP violations and failed subresources, as readable lines. */
  list(): Promise<string[]>;
}

/**
 * Watch a page for everything that should never happen on a public page: console errors, uncaught
 * exceptions, Content-Security-Policy violations (reported both by the `securitypolicyviolation`
 * event and by Chromium's "Refused to …" console error) and subresources that fail or answer ≥ 400.
 * `documentStatus` allows the document itself to answer, for example, 404.
 */
export async function watchPage(page: Page, opts: { documentStatus?: number } = {}): Promise<PageProblems> {
  const problems: string[] = [];
  // Runs before any page script and is not subject to the page's CSP; a no-op when JS is off.
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} ${e.sample}`.trim());
    });
  });
  let documentUrl: string | null = null;
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location().url;
    // Chromium logs the document's own non-2xx status as a console error; that status is asserted separately.
    if (
      opts.documentStatus !== undefined &&
      where === documentUrl &&
      msg.text().includes(`status of ${opts.documentStatus}`)
    )
      return;
    problems.push(`console.error: ${msg.text()} (${where || 'no location'})`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.name}: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  page.on('response', (res) => {
    if (res.request().isNavigationRequest() && res.request().frame() === page.mainFrame()) {
      documentUrl = res.url();
      if (opts.documentStatus !== undefined && res.status() === opts.documentStatus) return;
    }
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  return {
    async list() {
      let csp: string[] = [];
      try {
        csp = await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
      } catch {
        // JavaScript disabled: the console listener above still sees Chromium's CSP reports.
      }
      return [...problems, ...csp.map((c) => `CSP violation: ${c}`)];
    },
  };
}

/** The PNG's pixel size, read from its IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.subarray(1, 4).toString('latin1') !== 'PNG') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * axe for a page as it was served, including pages in a JavaScript-off context (there axe.run never
 * settles, since the page's timers do not run): the page's current HTML, scripts removed, is served
 * again at the same URL into a JavaScript-on context, with the site's real stylesheets, and checked
 * there. This is how the no-JavaScript forms are checked in their error states.
 */
const axeContexts = new WeakMap<Browser, Promise<BrowserContext>>();

export async function axeViolationsAsServed(browser: Browser, page: Page): Promise<AxeViolation[]> {
  let context = axeContexts.get(browser);
  if (!context) {
    context = browser.newContext({ locale: 'zh-CN' });
    axeContexts.set(browser, context);
  }
  const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '');
  const url = page.url();
  const copy = await (await context).newPage();
  try {
    // The route stays until the page closes. With `{ times: 1 }` (interception switched off once the
    // document is fulfilled) @sparticuz/chromium's Chromium 153 now and then never finished the
    // page's stylesheet request, so `load` never came: 3 of 5 runs of the statistics e2e file, 0 of 5
    // without it.
    await copy.route(url, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
    await copy.goto(url, { waitUntil: 'load' });
    return await axeViolations(copy);
  } finally {
    await copy.close();
  }
}

/** A page in a fresh context with JavaScript disabled (what a citizen without scripts sees). */
export async function noJsPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
  return context.newPage();
}

/** Fail the test with a readable list when axe finds a violation in the page as served. */
export async function expectAccessibleAsServed(browser: Browser, page: Page): Promise<void> {
  const violations = await axeViolationsAsServed(browser, page);
  expect(violations, `${page.url()}\n${formatViolations(violations)}`).toEqual([]);
}
