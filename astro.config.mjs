// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import { postBuild } from './src/build/post-build.ts';
import { loadBuildSettings } from './src/lib/config.ts';

// SITE_URL and DEMO are baked into the pages; the build stamp records them (src/build/stamp.ts). DEMO is
// a bare constant (`__DEMO__`, src/env.d.ts), not `import.meta.env.DEMO`: Astro fills import.meta.env from
// the environment as strings, and the string "false" is true.
const settings = loadBuildSettings();

// Static by default; pages that need the database opt out with `export const prerender = false`.
// The Node adapter runs in middleware mode: src/server.ts owns the HTTP server and hands Astro only
// the requests that are neither /api nor a file (ARCHITECTURE.md "One process").
export default defineConfig({
  site: settings.SITE_URL,
  output: 'static',
  adapter: node({ mode: 'middleware' }),
  trailingSlash: 'ignore',
  build: { format: 'directory', inlineStylesheets: 'never' },
  // Content-Security-Policy forbids inline scripts and styles: keep every asset a file.
  vite: { build: { assetsInlineLimit: 0 }, define: { __DEMO__: JSON.stringify(settings.DEMO) } },
  // The search index, precompression (the index included) and the build stamp, after the pages are written.
  integrations: [postBuild(settings)],
  devToolbar: { enabled: false },
  // Pages whose `cacheKey` (src/content/disclosures.ts) and code are unchanged are copied from the last build's
  // cache (node_modules/.astro) instead of rendered: the rebuild after one approval renders the pages it changed.
  experimental: { incrementalBuild: true },
});
