import type { KnipConfig } from 'knip';

// Entry points knip's plugins do not find on their own (Astro's pages, content config and
// middleware, the Vitest config and the npm scripts' files are found by its plugins).
const config: KnipConfig = {
  entry: [
    'db/*.ts', // seeds and the drizzle-kit config, run by src/cli/prepare.ts and `npm run db:generate`
    'db/demo/*.ts', // run by hand: `node db/demo/generate-content.ts`
    'src/server.ts',
    'src/lib/fast-start.ts', // preloaded with `node --import` by the start and serve scripts
    'src/lib/compile-cache.mjs', // the same, before fast-start.ts
    'src/cli/*.ts',
    'tests/**/*.test.ts',
    'tests/bench/*.ts', // benchmarks and the baseline servers that tests/bench/run.ts spawns by path
    'tests/support/serve-build.ts', // spawned by path by tests/support/server.ts
  ],
  project: ['**/*.{ts,mjs,js,astro}'],
  // An export that its own file also uses is part of that module's stated surface (STYLE.md §3:
  // limits and vocabularies are exported from the schema file); only exports nobody uses are reported.
  ignoreExportsUsedInFile: true,
  // Loaded with createRequire, which knip cannot follow: autocannon in tests/bench/harness.ts and
  // feedback-post.ts (it ships no types), vnu-jar (the path of vnu.jar) in tests/e2e/html-validity.test.ts.
  ignoreDependencies: ['autocannon', 'vnu-jar'],
  // System programs, not packages (their tests skip without them): the JRE that runs vnu.jar, and
  // LibreOffice, which opens the downloads in tests/e2e/downloads.test.ts.
  ignoreBinaries: ['java', 'soffice'],
};

export default config;
