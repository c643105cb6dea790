import {
  CONTENT_DIR,
  ContentError,
  readDisclosures,
  readCity,
  readOfficialFigures,
  readRegistry,
} from '../content/files.ts';
import { disclosureKinds } from '../domain/disclosures/kinds.ts';
import { readStandards, StandardsError } from '../content/standards-files.ts';

/**
 * `npm run check:content`: validate everything in content/ against the domain rules without a
 * full build. Exit 1 with one `file › field: reason` line per problem.
 */
try {
  const city = readCity();
  const registry = readRegistry();
  const { townships, units, families } = registry;
  const disclosures = readDisclosures(undefined, registry);
  const official = readOfficialFigures(undefined, registry);
  const standards = readStandards(CONTENT_DIR);
  const counts = disclosureKinds.map((k) => `${disclosures[k].length} ${k}`).join(', ');
  const years = standards.map((s) => `${s.standard.year}${s.standard.status === 'draft' ? ' (draft)' : ''}`).join(', ');
  process.stdout.write(
    `content ok: city ${city.name}; ${townships.length} townships, ${units.length} units, ${families.length} family aggregates; ${counts}; standards ${years}; ${official.length} years of official figures\n`,
  );
} catch (e) {
  if (e instanceof ContentError || e instanceof StandardsError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
