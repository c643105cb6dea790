import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import type { Loader, LoaderContext } from 'astro/loaders';
import {
  ContentError,
  readCalendar,
  readCity,
  readDisclosureFiles,
  readOfficialFigures,
  readRegistry,
} from './files.ts';
import { publishedDisclosures, publishedPowerLists, type Published, type PowerListEntry } from './store.ts';
import { readApprovedVersions } from '../db/disclosure-store-snapshot.ts';
import { loadDatabaseSettings } from '../lib/config.ts';
import type { DisclosureKind } from '../domain/disclosures/kinds.ts';

/**
 * Astro content loaders for the disclosure collections. They read content/ with exactly the code
 * `npm run check:content` uses (same schemas, same rules, same cross-file checks) and, besides, the latest
 * approved version of every disclosure in the store (the database named by DATABASE_URL; none without one),
 * validated together with the files, so one bad file stops `astro build` with `file › field: reason` and one
 * bad stored record with `store:<id> › field: reason`. The five collections and the history share one read
 * per change of the content folder or of the store.
 */
let cached: { key: string; published: Promise<Loaded> } | undefined;

/** What one read gives the collections: the disclosures, and the units with their approved power lists merged in. */
type Loaded = Published & { units: ReturnType<typeof readRegistry>['units']; powerLists: PowerListEntry[] };

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

async function loadPublished(contentDir: string): Promise<Loaded> {
  const db = loadDatabaseSettings();
  const stored = await readApprovedVersions({ url: db.DATABASE_URL, authToken: db.DATABASE_AUTH_TOKEN });
  const key = `${signature(contentDir)}\n${createHash('sha256').update(JSON.stringify(stored)).digest('hex')}`;
  if (cached?.key !== key) {
    const published = (async () => {
      const registry = readRegistry(contentDir);
      // The approved power lists first: the disclosures are checked against the units as the site shows them.
      const powers = publishedPowerLists(registry.units, stored);
      const published = publishedDisclosures({
        units: powers.units,
        calendar: readCalendar(contentDir).calendar,
        files: readDisclosureFiles(contentDir),
        stored,
      });
      return { ...published, units: powers.units, powerLists: powers.history };
    })();
    cached = { key, published };
  }
  return cached.published;
}

/** Loads with `sync` now and, in the dev server, again after any content edit (a bad edit is logged, the last good data kept). */
function loadAndWatch(context: LoaderContext, sync: (published: Loaded) => void) {
  const { config, watcher, logger } = context;
  const contentDir = fileURLToPath(new URL('./content/', config.root));
  const run = async () => sync(await loadPublished(contentDir));
  watcher?.on('all', (_event, path) => {
    if (!path.startsWith(contentDir)) return;
    run().catch((e: unknown) => {
      if (e instanceof ContentError) logger.error(e.message);
      else throw e;
    });
  });
  return run();
}

export function disclosureLoader(kind: DisclosureKind): Loader {
  return {
    name: `qinglian-disclosures:${kind}`,
    load: async (context) => {
      const { store } = context;
      await loadAndWatch(context, (published) => {
        store.clear();
        for (const e of published.entries[kind]) {
          const data = e.data as unknown as Record<string, unknown>;
          store.set({ id: e.id, data, digest: context.generateDigest(data) });
        }
      });
    },
  };
}

/** The history of every stored disclosure (versions, corrections, withdrawals), one entry per permalink. */
export function disclosureHistoryLoader(): Loader {
  return {
    name: 'qinglian-disclosure-history',
    load: async (context) => {
      const { store } = context;
      await loadAndWatch(context, (published) => {
        store.clear();
        for (const e of published.history) {
          const data = e.data as unknown as Record<string, unknown>;
          store.set({ id: e.id, data, digest: context.generateDigest(data) });
        }
      });
    },
  };
}

/**
 * The loader of content/units (issue 12): every unit file, read and checked by the reader `npm run check:content`
 * uses, with the `powers` of a unit replaced by its latest approved power list in the store, when it has one.
 */
export function unitsLoader(): Loader {
  return {
    name: 'qinglian-units',
    load: async (context) => {
      const { store } = context;
      await loadAndWatch(context, (loaded) => {
        store.clear();
        for (const u of loaded.units) {
          const data = u as unknown as Record<string, unknown>;
          store.set({ id: u.id, data, digest: context.generateDigest(data) });
        }
      });
    },
  };
}

/** The public history of every approved power list, one entry per unit id. */
export function powerListHistoryLoader(): Loader {
  return {
    name: 'qinglian-power-list-history',
    load: async (context) => {
      const { store } = context;
      await loadAndWatch(context, (loaded) => {
        store.clear();
        for (const e of loaded.powerLists) {
          const data = e.data as unknown as Record<string, unknown>;
          store.set({ id: e.id, data, digest: context.generateDigest(data) });
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
