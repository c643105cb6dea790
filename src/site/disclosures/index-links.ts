import { ANY } from '../../domain/units/filter.ts';
import type { DisclosureFilter } from '../../domain/disclosures/filter.ts';
import { kindSlugs, type DisclosureKind } from '../../domain/disclosures/kinds.ts';

/** Rows per page of a kind's list: keeps every list page inside the page-weight budget at any scale. */
export const PAGE_SIZE = 25;
/** Newest disclosures shown per kind on the overview pages, each with a link to the full list. */
export const OVERVIEW_SIZE = 8;

/** URL of a kind's list for a filter and page: `/disclosures/<kind>/` for all/all, page 1. */
export function kindListHref(kind: DisclosureKind, f: Pick<DisclosureFilter, 'township' | 'year'>, page = 1): string {
  const base =
    f.township === ANY && f.year === ANY && page === 1
      ? `/disclosures/${kindSlugs[kind]}/`
      : `/disclosures/${kindSlugs[kind]}/in/${f.township}/${f.year}/`;
  return page > 1 ? `${base}${page}/` : base;
}

/** URL of the overview (every kind) for a filter. */
export function overviewHref(f: DisclosureFilter): string {
  return f.carrier === ANY && f.township === ANY && f.year === ANY
    ? '/disclosures/'
    : `/disclosures/in/${f.carrier}/${f.township}/${f.year}/`;
}
