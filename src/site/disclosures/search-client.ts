/**
 * Progressive enhancement of /search/: show the form and query the Pagefind index (built after
 * `astro build`, loaded from /pagefind/ on first use). Each result says what it is (its kind: a kind of
 * disclosure, a form, a page) and, for a disclosure, its unit and period; results that say the same
 * (same address, or same title, unit and period) are shown once. Written with textContent only.
 */
interface ResultData {
  url: string;
  meta: { title?: string; kind?: string; unit?: string; period?: string };
  excerpt: string;
}
interface PagefindResult {
  data: () => Promise<ResultData>;
}
interface Pagefind {
  search: (
    query: string,
    options?: { filters?: Record<string, { any: string[] }> },
  ) => Promise<{ results: PagefindResult[] }>;
}

/** Records of the site's own forms and pages carry this filter (src/build/search-pages.ts, SITE_FILTER). */
const SITE_FILTER = 'site';
const MAX_SITE_RESULTS = 3;

const MAX_RESULTS = 20;
/** Written by src/build/search-index.ts after the build; not part of the Vite bundle. */
const PAGEFIND_URL = '/pagefind/pagefind.js';

/** Results without repeats: the first of each address, and of each title + unit + period. */
export function distinctResults(found: readonly ResultData[]): ResultData[] {
  const seen = new Set<string>();
  return found.filter((f) => {
    const keys = [`u:${f.url}`, `t:${f.meta.title ?? f.url}|${f.meta.unit ?? ''}|${f.meta.period ?? ''}`];
    if (keys.some((k) => seen.has(k))) return false;
    for (const k of keys) seen.add(k);
    return true;
  });
}

/** The line under a result's title: kind · unit · period, whichever it has. */
export const resultContext = (f: ResultData): string =>
  [f.meta.kind, f.meta.unit, f.meta.period].filter((x) => x?.trim()).join(' · ');

function stripTags(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  return doc.body.textContent;
}

export function startSearch(doc: Document): void {
  const form = doc.querySelector<HTMLFormElement>('[data-search-form]');
  const input = doc.querySelector<HTMLInputElement>('#search-query');
  const results = doc.querySelector<HTMLElement>('[data-search-results]');
  const texts = doc.querySelector<HTMLElement>('[data-search-messages]')?.dataset;
  if (!form || !input || !results || !texts) return;
  const out: HTMLElement = results;
  const messages: DOMStringMap = texts;
  form.hidden = false;
  doc.querySelector<HTMLElement>('[data-search-nojs]')?.setAttribute('hidden', '');

  let pagefind: Promise<Pagefind> | undefined;
  const load = () => (pagefind ??= import(/* @vite-ignore */ PAGEFIND_URL) as Promise<Pagefind>);

  const say = (text: string) => {
    out.replaceChildren();
    const p = doc.createElement('p');
    p.textContent = text;
    out.append(p);
  };

  async function run(query: string) {
    if (!query.trim()) {
      out.replaceChildren();
      return;
    }
    say(messages.searching ?? '');
    try {
      const pf = await load();
      // Forms and pages first (a few), then everything, so a search for the meal record leads to its form even when many
      // canteen disclosures mention it too.
      const [site, all] = await Promise.all([
        pf.search(query, { filters: { [SITE_FILTER]: { any: ['form', 'page'] } } }),
        pf.search(query),
      ]);
      const hits = [...site.results.slice(0, MAX_SITE_RESULTS), ...all.results.slice(0, MAX_RESULTS * 2)];
      const found = distinctResults(await Promise.all(hits.map((r) => r.data()))).slice(0, MAX_RESULTS);
      out.replaceChildren();
      const summary = doc.createElement('p');
      summary.textContent = found.length
        ? (messages.count ?? '').replace('{count}', String(found.length))
        : (messages.none ?? '');
      out.append(summary);
      if (!found.length) return;
      const list = doc.createElement('ol');
      list.className = 'search-results';
      for (const f of found) {
        const li = doc.createElement('li');
        const a = doc.createElement('a');
        a.href = f.url;
        a.textContent = f.meta.title ?? f.url;
        const context = doc.createElement('p');
        context.className = 'muted small';
        context.dataset.resultContext = '';
        context.textContent = resultContext(f);
        const excerpt = doc.createElement('p');
        excerpt.className = 'small';
        excerpt.textContent = stripTags(f.excerpt);
        li.append(a, context, excerpt);
        list.append(li);
      }
      out.append(list);
    } catch {
      say(messages.failed ?? '');
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run(input.value);
  });
  const initial = new URLSearchParams(doc.location.search).get('q');
  if (initial) {
    input.value = initial;
    void run(initial);
  }
}
