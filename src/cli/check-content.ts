import {
  CONTENT_DIR,
  ContentError,
  readCalendar,
  readCity,
  readDisclosureFiles,
  readOfficialFigures,
  readRegistry,
} from '../content/files.ts';
import { publishedDisclosures, publishedPowerLists } from '../content/store.ts';
import { readApprovedVersions } from '../db/disclosure-store-snapshot.ts';
import { disclosureKinds } from '../domain/disclosures/kinds.ts';
import { powerListKind } from '../domain/units/power-list.ts';
import { loadDatabaseSettings } from '../lib/config.ts';
import { readStandards, StandardsError } from '../content/standards-files.ts';

/**
 * `npm run check:content`: validate everything in content/ against the domain rules without a
 * full build, together with the latest approved versions in the disclosure store of the database named by
 * DATABASE_URL (none when it has no store), checked by exactly the code the build's loaders run
 * (src/content/store.ts: stored disclosures with the files, approved power lists merged into the units).
 * Exit 1 with one `file › field: reason` line per problem (`store:<id> › …` for a stored record).
 */
try {
  const city = readCity();
  const registry = readRegistry();
  const { townships, families } = registry;
  const db = loadDatabaseSettings();
  const stored = await readApprovedVersions({ url: db.DATABASE_URL, authToken: db.DATABASE_AUTH_TOKEN });
  const { units } = publishedPowerLists(registry.units, stored);
  const { entries: disclosures } = publishedDisclosures({
    units,
    calendar: readCalendar().calendar,
    files: readDisclosureFiles(CONTENT_DIR),
    stored,
  });
  const official = readOfficialFigures(undefined, registry);
  const standards = readStandards(CONTENT_DIR);
  const counts = disclosureKinds.map((k) => `${disclosures[k].length} ${k}`).join(', ');
  const years = standards.map((s) => `${s.standard.year}${s.standard.status === 'draft' ? ' (draft)' : ''}`).join(', ');
  const lists = new Set(stored.filter((v) => v.kind === powerListKind).map((v) => v.disclosureId)).size;
  const store = new Set(stored.map((v) => v.disclosureId)).size;
  process.stdout.write(
    `content ok: city ${city.name}; ${townships.length} townships, ${units.length} units, ${families.length} family aggregates; ${counts}; standards ${years}; ${official.length} years of official figures; store: ${store} approved records (${lists} power lists)\n`,
  );
} catch (e) {
  if (e instanceof ContentError || e instanceof StandardsError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
