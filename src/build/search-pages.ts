import { t, type MessageKey } from '../i18n/t.ts';

/**
 * Pages and forms the search finds besides the disclosures. The forms render on demand, so Pagefind never
 * sees them in the build output: each gets a record of its own (title, lead, the words people search
 * with), so searching for the accompanied-meal record leads to its form. Order: forms first, then pages.
 */
/** The Pagefind filter that marks the site's own pages and forms (the search client reads the same name). */
const SITE_FILTER = 'site';

export interface SearchPage {
  url: string;
  kind: 'form' | 'page';
  title: MessageKey;
  lead: MessageKey;
  keywords: MessageKey;
}

export const searchPages: readonly SearchPage[] = [
  {
    url: '/feedback/meal/',
    kind: 'form',
    title: 'feedback.meal.title',
    lead: 'feedback.meal.lead',
    keywords: 'search.keywords.meal',
  },
  {
    url: '/feedback/',
    kind: 'form',
    title: 'feedback.form.title',
    lead: 'feedback.form.lead',
    keywords: 'search.keywords.feedback',
  },
  {
    url: '/feedback/track/',
    kind: 'form',
    title: 'feedback.track.title',
    lead: 'feedback.track.lead',
    keywords: 'search.keywords.track',
  },
  { url: '/ratings/', kind: 'form', title: 'ratings.title', lead: 'ratings.lead', keywords: 'search.keywords.ratings' },
  {
    url: '/surveys/',
    kind: 'page',
    title: 'surveys.results.title',
    lead: 'surveys.results.lead',
    keywords: 'search.keywords.surveys',
  },
  {
    url: '/statistics/',
    kind: 'page',
    title: 'statistics.title',
    lead: 'statistics.lead',
    keywords: 'search.keywords.statistics',
  },
  {
    url: '/scoring/',
    kind: 'page',
    title: 'scoring.index.title',
    lead: 'scoring.index.lead',
    keywords: 'search.keywords.scoring',
  },
  { url: '/data/', kind: 'page', title: 'data.title', lead: 'data.intro', keywords: 'search.keywords.data' },
];

/** The Pagefind record of a page: its words, its title and kind as meta (the result list shows both). */
export function searchRecord(p: SearchPage): {
  url: string;
  content: string;
  meta: Record<string, string>;
  filters: Record<string, string[]>;
} {
  return {
    url: p.url,
    content: [t(p.title), t(p.lead), t(p.keywords)].join('\n'),
    meta: { title: t(p.title), kind: t(`search.kind.${p.kind}`) },
    // The search page asks for these first (SITE_FILTER), so a form is never buried under disclosures.
    filters: { [SITE_FILTER]: [p.kind] },
  };
}
