import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { builtFiles, sitePath } from '../support/built-site.ts';
import { startTestServer } from '../support/server.ts';

/**
 * No dead links: every same-origin link in every built page (pages, downloads, feeds) is either a file the build
 * wrote or answered 200 by the real server (on-demand pages and API reads). A link to a list that would be empty
 * must not be printed at all (the disclosure overview once linked 「查看全部…（0 条）」 to pages never built).
 */
const MAX_ON_DEMAND = 3000;

function links(html: string): string[] {
  return [...html.matchAll(/\shref="(\/(?!\/)[^"#?]*)/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
}

test('every same-origin link in the built pages resolves', { timeout: 300_000 }, async () => {
  const files = builtFiles();
  const built = new Set(files.map(sitePath));
  const isBuilt = (p: string) => built.has(p) || built.has(p.endsWith('/') ? p : `${p}/`);
  const from = new Map<string, string>();
  for (const f of files.filter((x) => x.endsWith('.html'))) {
    for (const link of links(readFileSync(f, 'utf8'))) if (!from.has(link)) from.set(link, sitePath(f));
  }
  expect(from.size).toBeGreaterThan(200);
  const onDemand = [...from.keys()].filter((p) => !isBuilt(p) && !p.startsWith('/_astro/'));
  expect(onDemand.length).toBeLessThan(MAX_ON_DEMAND);
  const server = await startTestServer();
  const dead: string[] = [];
  try {
    for (const path of onDemand) {
      const res = await fetch(server.url + path, { redirect: 'manual' });
      await res.arrayBuffer();
      // The staff login is the one redirect a public page may lead to (the console's entry).
      const ok = res.status === 200 || (path.startsWith('/staff/') && res.status === 303);
      if (!ok) dead.push(`${path} → ${res.status} (linked from ${from.get(path) ?? '?'})`);
    }
  } finally {
    await server.stop();
  }
  expect(dead).toEqual([]);
});
