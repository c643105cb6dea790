import { createHash } from 'node:crypto';
import { getCollection } from 'astro:content';
import { siteCity } from './city.ts';
import { loadRegistry } from './registry.ts';
import { t } from '../i18n/t.ts';
import { verdictOf } from '../domain/disclosures/common.ts';
import { permalink, kindSlugs, type DisclosureKind } from '../domain/disclosures/kinds.ts';
import type { DisclosureData } from '../domain/disclosures/validate.ts';
import { publicityStatus } from '../domain/disclosures/publicity.ts';
import { procurementChecks, procurementYear } from '../domain/disclosures/procurement/rules.ts';
import { canteenChecks } from '../domain/disclosures/canteen-account/rules.ts';
import { publicAidList } from '../domain/disclosures/student-aid/rules.ts';
import { createCalendar } from '../domain/calendar/working-days.ts';
import { contractCheck, type LinkedDecision } from '../domain/disclosures/collective-assets/rules.ts';
import { decisionChecks, decisionYear, resolutionDate } from '../domain/disclosures/decision/compliance.ts';
import { formatDate, formatMonth, formatPeriod } from '../i18n/format.ts';
import { beijingDate } from '../domain/calendar/dates.ts';
import { matterFacts } from '../domain/disclosures/matter/rules.ts';
import { currentVersion, isWithdrawn } from '../domain/disclosures/history.ts';
import {
  itemsOfKind,
  type AnyDisclosureItem,
  type DisclosureItem,
  type OverdueItem,
  type WithdrawnDisclosure,
} from './items.ts';
import { overdueEntries, periodYear } from '../domain/disclosures/due.ts';

export {
  itemsOfKind,
  type AnyDisclosureItem,
  type DisclosureItem,
  type OverdueItem,
  type Verdict,
  type WithdrawnDisclosure,
} from './items.ts';

/** SHA-256 of the JSON of `parts`. */
const digestOf = (parts: readonly unknown[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

async function build() {
  const today = beijingDate(new Date());
  const [registry, city] = await Promise.all([loadRegistry(), siteCity()]);
  const unitById = new Map(registry.units.map((u) => [u.id, u]));
  const [procurement, canteenAccount, studentAid, collectiveAssets, decision, matter, calendarYears, historyEntries] =
    await Promise.all([
      getCollection('procurement'),
      getCollection('canteenAccount'),
      getCollection('studentAid'),
      getCollection('collectiveAssets'),
      getCollection('decision'),
      getCollection('matter'),
      getCollection('calendar'),
      getCollection('disclosureHistory'),
    ]);
  // The disclosure store's versions: a stored disclosure has an entry, a file in content/ none.
  const histories = new Map(historyEntries.map((e) => [e.id, e.data]));
  // content/calendar, validated by its loader: years without a file count Monday–Friday, provisionally.
  const calendar = createCalendar(calendarYears.map((e) => e.data));
  const base = <K extends DisclosureKind>(kind: K, id: string, data: DisclosureData[K]) => {
    const unit = unitById.get(data.unit);
    // The loader already checked every unit reference; this guards the type only.
    if (!unit) throw new Error(`${kindSlugs[kind]}/${id} › unit: unknown unit "${data.unit}"`);
    return {
      kind,
      id,
      href: permalink(kind, id),
      data,
      unit,
      townshipName: registry.townshipName(unit.township),
      publishedOn: data.publishedOn,
      history: histories.get(id),
    };
  };

  const decisions = decision.map((e): DisclosureItem<'decision'> => {
    const checks = decisionChecks(e.data, today);
    const year = decisionYear(e.data);
    return {
      ...base('decision', e.id, e.data),
      year,
      period: t('disclosures.period.year', { year }),
      sortKey: resolutionDate(e.data) ?? e.data.publishedOn,
      title: e.data.title,
      checks,
      verdict: verdictOf(checks),
      publicity: undefined,
    };
  });
  const linked = new Map<string, LinkedDecision>(
    decisions.map((d) => [
      d.id,
      { unit: d.data.unit, resolvedOn: resolutionDate(d.data), verdict: d.verdict ?? 'pending' },
    ]),
  );

  const items: AnyDisclosureItem[] = [
    ...procurement.map((e): DisclosureItem<'procurement'> => {
      const checks = procurementChecks(e.data, today);
      const year = procurementYear(e.data);
      return {
        ...base('procurement', e.id, e.data),
        year,
        period: t('disclosures.period.year', { year }),
        sortKey: e.data.award.date,
        title: e.data.title,
        checks,
        verdict: verdictOf(checks),
        publicity: publicityStatus(e.data.publicity, today),
      };
    }),
    ...canteenAccount.map((e): DisclosureItem<'canteenAccount'> => {
      const checks = canteenChecks(e.data);
      const period = formatMonth(e.data.month);
      return {
        ...base('canteenAccount', e.id, e.data),
        year: Number(e.data.month.slice(0, 4)),
        period,
        sortKey: e.data.month,
        title: t('disclosures.canteenAccount.title', { month: period }),
        checks,
        verdict: verdictOf(checks),
        publicity: undefined,
      };
    }),
    ...studentAid.map((e): DisclosureItem<'studentAid'> => ({
      ...base('studentAid', e.id, e.data),
      year: Number(e.data.publicity.start.slice(0, 4)),
      period: t(`disclosures.semester.${e.data.semester}`, { year: e.data.schoolYear }),
      sortKey: e.data.publicity.start,
      title: e.data.title,
      checks: [],
      verdict: undefined,
      // The list's own status: a list whose names the store blanked is taken down.
      publicity: publicAidList(e.data, today, calendar).status,
    })),
    ...collectiveAssets.map((e): DisclosureItem<'collectiveAssets'> => {
      const checks = e.data.contracts.map((c) =>
        contractCheck(c, e.data.majorMatterThresholdFen, c.decision ? linked.get(c.decision) : undefined),
      );
      return {
        ...base('collectiveAssets', e.id, e.data),
        year: e.data.year,
        period: t('disclosures.period.year', { year: e.data.year }),
        sortKey: String(e.data.year),
        title: t('disclosures.collectiveAssets.title', { year: e.data.year }),
        checks,
        verdict: verdictOf(checks),
        publicity: undefined,
      };
    }),
    ...decisions,
    ...matter.map(
      (e): DisclosureItem<'matter'> => ({
        ...base('matter', e.id, e.data),
        ...matterFacts(e.data, today),
        period: formatDate(e.data.decidedOn),
        checks: [],
        verdict: undefined,
      }),
    ),
  ];
  items.sort((a, b) => b.sortKey.localeCompare(a.sortKey) || a.unit.name.localeCompare(b.unit.name, 'zh-CN'));

  // Cross-links the detail pages show, computed once instead of once per page.
  const monthsByUnit = new Map<string, DisclosureItem<'canteenAccount'>[]>();
  for (const i of itemsOfKind(items, 'canteenAccount'))
    monthsByUnit.set(i.data.unit, [...(monthsByUnit.get(i.data.unit) ?? []), i]);
  for (const list of monthsByUnit.values()) list.sort((a, b) => a.data.month.localeCompare(b.data.month));
  const decisionTitles = new Map(decisions.map((d) => [d.id, d.title]));
  const contractsByDecision = new Map<string, { code: string; href: string; title: string }[]>();
  for (const l of itemsOfKind(items, 'collectiveAssets')) {
    for (const c of l.data.contracts) {
      if (!c.decision) continue;
      contractsByDecision.set(c.decision, [
        ...(contractsByDecision.get(c.decision) ?? []),
        { code: c.code, href: `${l.href}#contracts-heading`, title: l.title },
      ]);
    }
  }
  // Withdrawn stored disclosures: not in the collections; their permalinks show the withdrawal notice.
  const withdrawn = historyEntries
    .filter((e) => isWithdrawn(e.data))
    .flatMap((e): WithdrawnDisclosure[] => {
      const unit = unitById.get(e.data.unit);
      if (!unit) return [];
      const last = currentVersion(e.data);
      return [
        {
          kind: e.data.kind,
          id: e.id,
          href: permalink(e.data.kind, e.id),
          unit,
          townshipName: registry.townshipName(unit.township),
          history: e.data,
          withdrawnAt: last.approvedAt,
          withdrawnOn: last.approvedOn,
          reason: last.reason,
        },
      ];
    })
    .toSorted((a, b) => b.withdrawnAt.localeCompare(a.withdrawnAt) || a.id.localeCompare(b.id));
  // What is due and not published by its deadline (src/domain/disclosures/due.ts), as of the build day.
  const overdue = overdueEntries({ units: registry.units, canteenAccount, collectiveAssets }, today).flatMap(
    (o): OverdueItem[] => {
      const unit = unitById.get(o.unit);
      if (!unit) return [];
      return [
        {
          kind: o.kind,
          unit,
          townshipName: registry.townshipName(unit.township),
          period: o.period,
          periodLabel: formatPeriod(o.period),
          year: periodYear(o.period),
          deadline: o.deadline,
          daysOverdue: o.daysOverdue,
        },
      ];
    },
  );
  // What every page may render besides its own data: the site address and demo flag baked in, the build day, the
  // working-day calendar, the city (every page's header and footer).
  const siteKey = digestOf([import.meta.env.SITE, __DEMO__, today, calendarYears.map((e) => e.data), city]);
  return {
    today,
    calendar,
    /**
     * A page's `cacheKey` for Astro's incremental build (`experimental.incrementalBuild`): a digest of everything it
     * renders from, `parts` (its props, the data it looks up) and the site's own. Equal keys, equal page: Astro copies
     * the previous build's page instead of rendering it again (its code is tracked by Astro itself).
     */
    cacheKey: (...parts: readonly unknown[]): string => digestOf([siteKey, ...parts]),
    registry,
    items,
    withdrawn,
    overdue,
    linked,
    monthsByUnit,
    decisionTitles,
    contractsByDecision,
  };
}

let cached: ReturnType<typeof build> | undefined;

/**
 * Every disclosure with its derived facts (checks, verdict, publicity status) as of today in
 * Beijing. Computed once per build: pages ask for it thousands of times.
 */
export function loadDisclosures(): ReturnType<typeof build> {
  if (import.meta.env.DEV) return build();
  return (cached ??= build());
}
