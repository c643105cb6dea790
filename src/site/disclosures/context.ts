import { loadDisclosures } from '../../content/disclosures.ts';
import { siteCity } from '../../content/city.ts';
import type { Context } from './open-data.ts';

/** The open-data context for an endpoint: every item as of today, and the absolute site URL. */
export async function openDataContext(site: URL | undefined): Promise<Context> {
  if (!site) throw new Error('astro.config.mjs must set `site`: open data carries absolute URLs');
  const [{ items, withdrawn, overdue, today, calendar, linked }, city] = await Promise.all([
    loadDisclosures(),
    siteCity(),
  ]);
  return { items, withdrawn, overdue, today, calendar, linked, site, city };
}
