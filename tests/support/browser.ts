import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import axe from 'axe-core';

/**
 * Real Chromium (Debian's /usr/bin/chromium) through playwright-core, and axe-core at WCAG 2.2 AA.
 * A context with JavaScript off cannot run axe (page.evaluate never returns there), so axe runs on an
 * exact copy of the page's HTML, scripts removed, served at the same URL in a JavaScript-on context:
 * the DOM axe sees is the DOM a no-JavaScript visitor gets, with the site's real stylesheets.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export async function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export async function newContext(browser: Browser, opts: { javaScript: boolean }): Promise<BrowserContext> {
  return browser.newContext({ javaScriptEnabled: opts.javaScript, locale: 'zh-CN' });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: string[];
}

/** One JavaScript-on context per browser for axe runs; it serves axe-core itself at a private path. */
const axeContexts = new WeakMap<Browser, Promise<BrowserContext>>();
const AXE_PATH = '/__axe__/axe.min.js';

function axeContext(browser: Browser): Promise<BrowserContext> {
  let context = axeContexts.get(browser);
  if (!context) {
    context = newContext(browser, { javaScript: true }).then(async (c) => {
      // Loading axe as a script file is much faster than evaluating its 500 kB source.
      await c.route(`**${AXE_PATH}`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: axe.source, headers: { 'cache-control': 'max-age=3600' } }));
      return c;
    });
    axeContexts.set(browser, context);
  }
  return context;
}

/** axe-core violations for a page's current DOM (works for JavaScript-off pages too). */
export async function axeViolations(browser: Browser, page: Page): Promise<AxeViolation[]> {
  const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '').replace('</body>', `<script src="${AXE_PATH}"></script></body>`);
  const url = page.url();
  const copy = await (await axeContext(browser)).newPage();
  try {
    await copy.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }), { times: 1 });
    await copy.goto(url, { waitUntil: 'load' });
    const result = (await copy.evaluate(
      (tags) => (window as unknown as { axe: typeof axe }).axe.run(document, { runOnly: { type: 'tag', values: tags } }),
      AXE_TAGS,
    )) as axe.AxeResults;
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  } finally {
    await copy.close();
  }
}
