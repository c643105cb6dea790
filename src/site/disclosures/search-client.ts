/**
 * Progressive enhancement of /search/: show the form and query the Pagefind index (built after
 * `astro build`, loaded from /pagefind/ on first use). Results are written with textContent only.
 */
interface PagefindResult {
  data: () => Promise<{ url: string; meta: { title?: string }; excerpt: string }>;
}
interface Pagefind {
  search: (query: string) => Promise<{ results: PagefindResult[] }>;
}

const MAX_RESULTS = 20;
/** Written by src/build/search-index.ts after the build; not part of the Vite bundle. */
const PAGEFIND_URL = '/pagefind/pagefind.js';

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
      const { results: hits } = await (await load()).search(query);
      const found = await Promise.all(hits.slice(0, MAX_RESULTS).map((r) => r.data()));
      out.replaceChildren();
      const summary = doc.createElement('p');
      summary.textContent = found.length
        ? (messages.count ?? '').replace('{count}', String(hits.length))
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
        const excerpt = doc.createElement('p');
        excerpt.className = 'small';
        excerpt.textContent = stripTags(f.excerpt);
        li.append(a, excerpt);
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
