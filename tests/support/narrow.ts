import type { Page } from 'playwright-core';
import { signIn, type DemoUsername } from './staff.ts';

/**
 * The 360-px layout check of issue 16 (acceptance 1), run inside the page: nothing sticks out of the
 * viewport except inside a scroll container, and no table cell with at least four characters of text
 * is narrower than three of its own em (its content box, padding excluded). Returns one readable line
 * per problem; an empty list is a pass.
 */
export function narrowLayoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    const vw = root.clientWidth;
    const describe = (el: Element): string => {
      const id = el.id ? `#${el.id}` : '';
      const cls =
        typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      const text = el.textContent.replace(/\s+/g, ' ').trim().slice(0, 24);
      return `<${el.tagName.toLowerCase()}${id}${cls}> "${text}"`;
    };
    /** An ancestor below <body> that clips or scrolls horizontally contains whatever sticks out of it. */
    const insideScroller = (el: Element): boolean => {
      for (let p = el.parentElement; p && p !== document.body && p !== root; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') return true;
      }
      return false;
    };
    if (root.scrollWidth > vw) problems.push(`the page scrolls sideways: scrollWidth ${root.scrollWidth} > ${vw}`);
    if (document.body.scrollWidth > vw) problems.push(`body scrollWidth ${document.body.scrollWidth} > ${vw}`);
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      // Entirely off screen on purpose (the skip link until it has focus).
      if (r.right <= 0 || r.left >= vw) continue;
      if (r.right <= vw + 1 && r.left >= -1) continue;
      if (insideScroller(el)) continue;
      problems.push(
        `sticks out of the viewport (${Math.round(r.left)}…${Math.round(r.right)} of ${vw}): ${describe(el)}`,
      );
    }
    // Text that runs past its own box (a long hash or URL with no break opportunity).
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent?.trim() || !node.parentElement) continue;
      range.selectNodeContents(node);
      const r = range.getBoundingClientRect();
      if (r.width === 0 || r.right <= 0 || r.left >= vw) continue;
      if (r.right <= vw + 1 && r.left >= -1) continue;
      if (getComputedStyle(node.parentElement).overflowX !== 'visible' || insideScroller(node.parentElement)) continue;
      problems.push(
        `text sticks out of the viewport (${Math.round(r.left)}…${Math.round(r.right)} of ${vw}): ${describe(node.parentElement)}`,
      );
    }
    for (const cell of document.querySelectorAll('td, th')) {
      const text = cell.textContent.replace(/\s+/g, '');
      if (Array.from(text).length < 4) continue;
      const r = cell.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const style = getComputedStyle(cell);
      const em = parseFloat(style.fontSize);
      const content = r.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (content + 0.5 < 3 * em) {
        problems.push(`cell ${content.toFixed(1)} px wide < 3 em (${(3 * em).toFixed(1)} px): ${describe(cell)}`);
      }
    }
    return problems;
  });
}

/** Same-origin page links in a document: no API, no files, no query or fragment. */
export function pageLinks(html: string): string[] {
  return [...html.matchAll(/\shref="(\/[^"#?]*)/g)]
    .map((m) => m[1]!.replaceAll('&amp;', '&'))
    .filter((p) => !p.startsWith('/api/') && !p.startsWith('/_astro/') && !/\.[a-z0-9]+$/i.test(p));
}

/**
 * Every HTML page reachable over HTTP from `seeds` by same-origin links. With a staff `cookie` the
 * crawl stays in /staff/; without one it never goes past the staff login page.
 */
export async function crawlPages(base: string, seeds: string[], cookie?: string, max = 2000): Promise<string[]> {
  const seen = new Set<string>();
  const pages: string[] = [];
  const queue = [...new Set(seeds)];
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    if (cookie ? !path.startsWith('/staff/') : path.startsWith('/staff/') && path !== '/staff/login/') continue;
    seen.add(path);
    if (seen.size > max) throw new Error(`crawl bound of ${max} pages exceeded`);
    const res = await fetch(base + path, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
    const body = await res.text();
    if (res.status !== 200 || !res.headers.get('content-type')?.startsWith('text/html')) continue;
    pages.push(path);
    queue.push(...pageLinks(body));
  }
  return pages;
}

/** A staff session cookie for the browser: signs in over HTTP and returns the cookie's name and value. */
export async function staffCookie(base: string, who: DemoUsername): Promise<{ name: string; value: string }> {
  const { cookie } = await signIn(base, who);
  const eq = cookie.indexOf('=');
  return { name: cookie.slice(0, eq), value: cookie.slice(eq + 1) };
}
