import { defineCollection } from 'astro:content';
import { file } from 'astro/loaders';
import { FamilyAggregate, Township, Unit } from './domain/units/schema.ts';
import {
  calendarLoader,
  cityLoader,
  disclosureHistoryLoader,
  disclosureLoader,
  officialFiguresLoader,
  powerListHistoryLoader,
  unitsLoader,
} from './content/loaders.ts';
import { PowerListHistory } from './domain/units/power-list.ts';
import { DisclosureHistory } from './domain/disclosures/history.ts';
import { HolidayYearSchema } from './domain/calendar/calendar-file.ts';
import { City } from './domain/city/schema.ts';
import { OfficialFiguresYear } from './domain/statistics/official-figures.ts';
import { disclosureSchemas } from './domain/disclosures/validate.ts';
import { Standard } from './domain/scoring/standard.ts';
import { standardsLoader } from './content/standards-loader.ts';

// Collections read what clerks publish in content/. Their schemas come from src/domain, so the
// seed, the API and the tests validate exactly the same rules.
const townships = defineCollection({
  loader: file('./content/townships/townships.yaml'),
  schema: Township,
});

// Units: the files of content/units with each unit's approved power list from the disclosure store merged in
// (issue 12), read by the same code as `npm run check:content`.
const units = defineCollection({ loader: unitsLoader(), schema: Unit });

// The public history of each approved power list (versions, dates, reasons, entries added / changed / removed).
const powerListHistory = defineCollection({ loader: powerListHistoryLoader(), schema: PowerListHistory });

const families = defineCollection({
  loader: file('./content/families/families.yaml'),
  schema: FamilyAggregate,
});

// Disclosures: the loader validates every file with the domain schema and rules (including rules
// across files) before Astro sees it; the schema here types the entries.
const procurement = defineCollection({
  loader: disclosureLoader('procurement'),
  schema: disclosureSchemas.procurement,
});
const canteenAccount = defineCollection({
  loader: disclosureLoader('canteenAccount'),
  schema: disclosureSchemas.canteenAccount,
});
const studentAid = defineCollection({ loader: disclosureLoader('studentAid'), schema: disclosureSchemas.studentAid });
const collectiveAssets = defineCollection({
  loader: disclosureLoader('collectiveAssets'),
  schema: disclosureSchemas.collectiveAssets,
});
const decision = defineCollection({ loader: disclosureLoader('decision'), schema: disclosureSchemas.decision });
const matter = defineCollection({ loader: disclosureLoader('matter'), schema: disclosureSchemas.matter });

// The disclosure store's public history (issue 12): per stored disclosure its approved versions (publication,
// corrections, progress of a 4+2 record, withdrawal) with dates, reasons and the fields each version changed. Read with the
// collections above, in the same load.
const disclosureHistory = defineCollection({ loader: disclosureHistoryLoader(), schema: DisclosureHistory });

// The yearly scoring standards (issue 6): validated by the domain schema with its consistency rules.
const standards = defineCollection({ loader: standardsLoader(), schema: Standard });

// The commission's published figures (statistics pages); validated by the loader, typed here.
const officialFigures = defineCollection({ loader: officialFiguresLoader(), schema: OfficialFiguresYear });

// The working-day calendar (content/calendar, one file per year): validated by the loader, typed here.
const calendar = defineCollection({ loader: calendarLoader(), schema: HolidayYearSchema });

// The city the site serves (content/city.yaml): names, the commission's contact, the logo.
const city = defineCollection({ loader: cityLoader(), schema: City });

export const collections = {
  calendar,
  city,
  townships,
  units,
  families,
  procurement,
  canteenAccount,
  studentAid,
  collectiveAssets,
  decision,
  matter,
  disclosureHistory,
  powerListHistory,
  standards,
  officialFigures,
};
