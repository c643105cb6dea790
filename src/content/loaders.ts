import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Loader } from 'astro/loaders';
import { ContentError, readCalendar, readCity, readDisclosures, readOfficialFigures } from './files.ts';
import type { DisclosureKind } from '../domain/disclosures/kinds.ts';
import type { ValidEntries } from '../domain/disclosures/validate.ts';

/**
 * Astro content loader for the disclosure collections. It reads content/ with exactly the code
 * `npm run check:content` uses (same schemas, same rules, same cross-file checks), so one bad file
 * stops `astro build` with the same `file › field: reason` lines. The five collections share one
 * read per change of the content folder.
 */
let cached: { signature: string; entries: ValidEntries } | undefined;

/** Names, sizes and times of every file under content/: changes whenever a clerk edits anything. */
function signature(dir: string): string {
  const parts: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const st = statSync(path);
        parts.push(`${path}:${st.size}:${st.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return parts.join('\n');
}

export function readDisclosuresCached(contentDir: string): ValidEntries {
  const sig = signature(contentDir);
  if (cached?.signature !== sig) cached = { signature: sig, entries: readDisclosures(contentDir) };
  return cached.entries;
}

export function disclosureLoader(kind: DisclosureKind): Loader {
  return {
    name: `qinglian-disclosures:${kind}`,
    load: async (context) => {
      const { store, config, watcher, logger } = context;
      const contentDir = fileURLToPath(new URL('./content/', config.root));
      const sync = () => {
        const entries = readDisclosuresCached(contentDir)[kind];
        store.clear();
        for (const e of entries) {
          const data = e.data as unknown as Record<string, unknown>;
          store.set({ id: e.id, data, digest: context.generateDigest(data) });
        }
      };
      sync();
      // Dev server: any content edit can change another file's verdict (continuity, links), so
      // every disclosure collection re-reads; a bad edit is logged and the last good data kept.
      watcher?.on('all', (_event, path) => {
        if (!path.startsWith(contentDir)) return;
        try {
          sync();
        } catch (e) {
          if (e instanceof ContentError) logger.error(e.message);
          else throw e;
        }
      });
    },
  };
}

/**
 * The loader of content/official-figures: the same reader as `npm run check:content`, so a bad file
 * stops `astro build` with the same `file › field: reason` line.
 */
export function officialFiguresLoader(): Loader {
  return {
    name: 'qinglian-official-figures',
    load: async (context) => {
      const { store, config } = context;
      const contentDir = fileURLToPath(new URL('./content/', config.root));
      store.clear();
      for (const e of readOfficialFigures(contentDir)) {
        const data = e.data as unknown as Record<string, unknown>;
        store.set({ id: e.id, data, digest: context.generateDigest(data) });
      }
    },
  };
}

/**
 * The loader of content/calendar: one entry per year file, validated by the same reader the server and
 * `npm run check:content` use (readCalendar), so a bad file stops `astro build` with a `file › field: reason` line.
 */
export function calendarLoader(): Loader {
  return {
    name: 'qinglian-calendar',
    load: async (context) => {
      const { store, config } = context;
      const contentDir = fileURLToPath(new URL('./content/', config.root));
      store.clear();
      for (const y of readCalendar(contentDir).years) {
        const data = { ...y } as unknown as Record<string, unknown>;
        store.set({ id: String(y.year), data, digest: context.generateDigest(data) });
      }
    },
  };
}

/** The loader of content/city.yaml: one entry, `city`, validated by the same reader as the server's. */
export function cityLoader(): Loader {
  return {
    name: 'qinglian-city',
    load: async (context) => {
      const { store, config } = context;
      const data = readCity(fileURLToPath(new URL('./content/', config.root)));
      store.clear();
      store.set({ id: 'city', data, digest: context.generateDigest(data) });
    },
  };
}
