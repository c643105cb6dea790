import { fileURLToPath } from 'node:url';
import type { Loader } from 'astro/loaders';
import { readStandards, StandardsError } from './standards-files.ts';

/**
 * Astro loader of content/standards: the same reader as `npm run check:content`, so a bad standard stops
 * `astro build` with `file › field: reason` lines. Entry ids are the years.
 */
export function standardsLoader(): Loader {
  return {
    name: 'qinglian-standards',
    load: async (context) => {
      const { store, config, watcher, logger } = context;
      const contentDir = fileURLToPath(new URL('./content/', config.root));
      const sync = () => {
        const files = readStandards(contentDir);
        store.clear();
        for (const f of files) {
          const data = f.standard as unknown as Record<string, unknown>;
          store.set({ id: String(f.standard.year), data, digest: context.generateDigest(data) });
        }
      };
      sync();
      watcher?.on('all', (_event, path) => {
        if (!path.includes('/standards/')) return;
        try {
          sync();
        } catch (e) {
          if (e instanceof StandardsError) logger.error(e.message);
          else throw e;
        }
      });
    },
  };
}
