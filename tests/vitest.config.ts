import { defineConfig } from 'vitest/config';
import { getViteConfig } from 'astro/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// One project per kind of test (STYLE.md §7). `npm test` runs them all; e2e needs the build that
// `npm test` makes first (src/cli/prepare.ts --build-only). Its browser is Debian's /usr/bin/chromium
// when installed, otherwise the one inside the npm package @sparticuz/chromium, with Noto Sans SC
// from npm for Chinese text (tests/support/chromium.ts): nothing to install beyond `npm install`.
export default getViteConfig(
  defineConfig({
    root,
    test: {
      projects: [
        { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
        { extends: true, test: { name: 'content', include: ['tests/content/**/*.test.ts'] } },
        {
          extends: true,
          test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], testTimeout: 30_000 },
        },
        {
          extends: true,
          test: {
            name: 'e2e',
            include: ['tests/e2e/**/*.test.ts'],
            testTimeout: 60_000,
            hookTimeout: 120_000,
            // One browser at a time on a 2-core machine.
            fileParallelism: false,
          },
        },
      ],
    },
  }),
);
