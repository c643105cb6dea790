import { getCollection } from 'astro:content';
import { feedbackRules } from '../../domain/feedback/deadlines.ts';
import { createCalendar } from '../../domain/calendar/working-days.ts';
import type { Standard } from '../../domain/scoring/standard.ts';
import { beijingDate } from '../../domain/calendar/dates.ts';
import type { ScoringSources } from '../../services/scoring.ts';
import { contentRatios, type ContentRatios } from '../../domain/scoring/content-facts.ts';
import { loadRegistry } from '../../content/registry.ts';

/** Every standard of content/standards (validated by the collection's loader), by year. */
export async function loadStandards(): Promise<Standard[]> {
  return (await getCollection('standards')).map((e) => e.data).toSorted((a, b) => a.year - b.year);
}

let cached: { day: string; ratios: ContentRatios } | undefined;

/** The inputs on-demand scoring pages share: standards and content rates (recomputed once a day), the clock, the deadline rules. */
export async function pageSources(locals: App.Locals): Promise<ScoringSources> {
  const now = locals.channel?.now() ?? new Date();
  const day = beijingDate(now);
  if (cached?.day !== day) {
    const [canteenAccount, collectiveAssets, decision, { units }] = await Promise.all([
      getCollection('canteenAccount'),
      getCollection('collectiveAssets'),
      getCollection('decision'),
      loadRegistry(),
    ]);
    cached = { day, ratios: contentRatios({ canteenAccount, collectiveAssets, decision, units }, day) };
  }
  return {
    standards: await loadStandards(),
    content: cached.ratios,
    now,
    rules: locals.channel?.rules ?? feedbackRules(createCalendar((await getCollection('calendar')).map((e) => e.data))),
  };
}
