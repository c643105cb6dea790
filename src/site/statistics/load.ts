import { getCollection } from 'astro:content';
import { loadRegistry } from '../../content/registry.ts';
import { loadDisclosures, itemsOfKind } from '../../content/disclosures.ts';
import { canteenLateness } from '../../domain/disclosures/canteen-account/rules.ts';
import { beijingDate } from '../../domain/calendar/dates.ts';
import {
  countFeedbackByGroup,
  hasDemoData,
  listReplyFacts,
  listSatisfactionTotals,
  listStatisticsTownships,
} from '../../services/statistics.ts';
import type { ChannelContext } from '../../services/context.ts';
import { carrierPassRatesByYear } from '../../services/scoring.ts';
import { pageSources } from '../scoring/page-sources.ts';
import { isSeriesKey, type Dataset, type SeriesKey } from './model.ts';
import {
  fourFormsDataset,
  officialQuarterlyDataset,
  officialTownshipsDataset,
  officialYoyDataset,
  type OfficialInput,
} from './official.ts';
import {
  disclosuresOnTimeDataset,
  feedbackCarriersDataset,
  feedbackMonthsDataset,
  feedbackTownshipsDataset,
  passRatesDataset,
  replyTimesDataset,
  satisfactionDataset,
  type PortalContext,
} from './portal.ts';

/**
 * Where each series' data comes from when a page asks (the pages are on demand: see
 * src/pages/statistics/[series]/index.astro). Official figures and disclosures come from the content
 * collections baked into the build; portal series are aggregated in SQL at request time.
 */
async function officialInput(): Promise<OfficialInput> {
  const [entries, registry] = await Promise.all([getCollection('officialFigures'), loadRegistry()]);
  return { years: entries.map((e) => e.data), townships: registry.townships };
}

async function portalContext(channel: ChannelContext): Promise<PortalContext & { now: Date }> {
  const now = channel.now();
  return {
    now,
    computedAt: now.toISOString(),
    currentMonth: beijingDate(now).slice(0, 7),
    demo: await hasDemoData(channel),
  };
}

/** The dataset of one series, or null when its source is not available (no database). */
export async function loadDataset(key: SeriesKey, locals: App.Locals): Promise<Dataset | null> {
  const channel = locals.channel;
  switch (key) {
    case 'official-yoy':
      return officialYoyDataset(await officialInput());
    case 'official-quarterly':
      return officialQuarterlyDataset(await officialInput());
    case 'four-forms':
      return fourFormsDataset(await officialInput());
    case 'official-townships':
      return officialTownshipsDataset(await officialInput());
    case 'disclosures-on-time': {
      const { items } = await loadDisclosures();
      return disclosuresOnTimeDataset(
        itemsOfKind(items, 'canteenAccount').map((i) => ({
          unitId: i.unit.id,
          unitName: i.unit.name,
          month: i.data.month,
          publishedOn: i.data.publishedOn,
          onTime: canteenLateness(i.data) === 0,
          demo: i.data.demo,
        })),
      );
    }
    // The series below need the database.
    case 'feedback-months':
    case 'feedback-carriers':
    case 'feedback-townships':
    case 'reply-times':
    case 'satisfaction':
    case 'pass-rates':
      break;
  }
  if (!channel) return null;
  const ctx = await portalContext(channel);
  switch (key) {
    case 'feedback-months':
      return feedbackMonthsDataset(await countFeedbackByGroup(channel), ctx);
    case 'feedback-carriers':
      return feedbackCarriersDataset(await countFeedbackByGroup(channel), ctx);
    case 'feedback-townships': {
      const [counts, townships] = await Promise.all([countFeedbackByGroup(channel), listStatisticsTownships(channel)]);
      return feedbackTownshipsDataset(counts, townships, ctx);
    }
    case 'reply-times':
      return replyTimesDataset(await listReplyFacts(channel), { ...ctx, rules: channel.rules });
    case 'satisfaction':
      return satisfactionDataset(await listSatisfactionTotals(channel), ctx);
    case 'pass-rates':
      return passRatesDataset(await carrierPassRatesByYear(channel.database, await pageSources(locals)), ctx);
  }
}

/** The dataset named by a route parameter, or null for an unknown series (the route answers 404). */
export async function loadSeries(param: string | undefined, locals: App.Locals): Promise<Dataset | null> {
  return param && isSeriesKey(param) ? loadDataset(param, locals) : null;
}
