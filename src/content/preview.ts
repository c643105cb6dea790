import { t } from '../i18n/t.ts';
import { formatDate, formatMonth } from '../i18n/format.ts';
import { verdictOf } from '../domain/disclosures/common.ts';
import { permalink, type DisclosureKind } from '../domain/disclosures/kinds.ts';
import type { DisclosureData } from '../domain/disclosures/validate.ts';
import { publicityStatus } from '../domain/disclosures/publicity.ts';
import { procurementChecks, procurementYear } from '../domain/disclosures/procurement/rules.ts';
import { canteenChecks } from '../domain/disclosures/canteen-account/rules.ts';
import { aidWindow } from '../domain/disclosures/student-aid/rules.ts';
import { contractCheck } from '../domain/disclosures/collective-assets/rules.ts';
import { decisionChecks, decisionYear, resolutionDate } from '../domain/disclosures/decision/compliance.ts';
import { matterFacts } from '../domain/disclosures/matter/rules.ts';
import { loadDisclosures, type AnyDisclosureItem, type DisclosureItem } from './disclosures.ts';

/**
 * A stored submission's record as the item the public permalink page renders (issue 12, the approval
 * preview): the same derived facts as `loadDisclosures` computes for a published file — checks, verdict,
 * publicity status, title and period — against today's published neighbours, so the approval page shows it
 * with the very components of `/disclosures/[kind]/[id]/`. Undefined when the record's unit is unknown.
 */
export async function previewItem(kind: DisclosureKind, id: string, data: unknown) {
  const { today, calendar, registry, linked, monthsByUnit, decisionTitles, contractsByDecision } =
    await loadDisclosures();
  const unit = registry.units.find((u) => u.id === (data as { unit?: unknown }).unit);
  if (!unit) return undefined;
  const base = {
    id,
    href: permalink(kind, id),
    unit,
    townshipName: registry.townshipName(unit.township),
    publishedOn: (data as { publishedOn: string }).publishedOn,
  };
  const item = ((): AnyDisclosureItem => {
    switch (kind) {
      case 'procurement': {
        const d = data as DisclosureData['procurement'];
        const checks = procurementChecks(d, today);
        const year = procurementYear(d);
        return {
          ...base,
          kind,
          data: d,
          year,
          period: t('disclosures.period.year', { year }),
          sortKey: d.award.date,
          title: d.title,
          checks,
          verdict: verdictOf(checks),
          publicity: publicityStatus(d.publicity, today),
          history: undefined,
        } satisfies DisclosureItem<'procurement'>;
      }
      case 'canteenAccount': {
        const d = data as DisclosureData['canteenAccount'];
        const checks = canteenChecks(d);
        const period = formatMonth(d.month);
        return {
          ...base,
          kind,
          data: d,
          year: Number(d.month.slice(0, 4)),
          period,
          sortKey: d.month,
          title: t('disclosures.canteenAccount.title', { month: period }),
          checks,
          verdict: verdictOf(checks),
          publicity: undefined,
          history: undefined,
        } satisfies DisclosureItem<'canteenAccount'>;
      }
      case 'studentAid': {
        const d = data as DisclosureData['studentAid'];
        return {
          ...base,
          kind,
          data: d,
          year: Number(d.publicity.start.slice(0, 4)),
          period: t(`disclosures.semester.${d.semester}`, { year: d.schoolYear }),
          sortKey: d.publicity.start,
          title: d.title,
          checks: [],
          verdict: undefined,
          publicity: publicityStatus(aidWindow(d, calendar), today),
          history: undefined,
        } satisfies DisclosureItem<'studentAid'>;
      }
      case 'collectiveAssets': {
        const d = data as DisclosureData['collectiveAssets'];
        const checks = d.contracts.map((c) =>
          contractCheck(c, d.majorMatterThresholdFen, c.decision ? linked.get(c.decision) : undefined),
        );
        return {
          ...base,
          kind,
          data: d,
          year: d.year,
          period: t('disclosures.period.year', { year: d.year }),
          sortKey: String(d.year),
          title: t('disclosures.collectiveAssets.title', { year: d.year }),
          checks,
          verdict: verdictOf(checks),
          publicity: undefined,
          history: undefined,
        } satisfies DisclosureItem<'collectiveAssets'>;
      }
      case 'decision': {
        const d = data as DisclosureData['decision'];
        const checks = decisionChecks(d, today);
        const year = decisionYear(d);
        return {
          ...base,
          kind,
          data: d,
          year,
          period: t('disclosures.period.year', { year }),
          sortKey: resolutionDate(d) ?? d.publishedOn,
          title: d.title,
          checks,
          verdict: verdictOf(checks),
          publicity: undefined,
          history: undefined,
        } satisfies DisclosureItem<'decision'>;
      }
      case 'matter': {
        const d = data as DisclosureData['matter'];
        return {
          ...base,
          kind,
          data: d,
          ...matterFacts(d, today),
          period: formatDate(d.decidedOn),
          checks: [],
          verdict: undefined,
          history: undefined,
        } satisfies DisclosureItem<'matter'>;
      }
    }
  })();
  // The cross-links the detail components take, as the permalink page computes them.
  const months = item.kind === 'canteenAccount' ? (monthsByUnit.get(item.data.unit) ?? []) : [];
  const before = months.filter((m) => item.kind === 'canteenAccount' && m.data.month < item.data.month).at(-1);
  const after = months.find((m) => item.kind === 'canteenAccount' && m.data.month > item.data.month);
  const neighbour = (m: (typeof months)[number] | undefined) => (m ? { href: m.href, period: m.period } : undefined);
  return {
    item,
    today,
    calendar,
    decisionTitles,
    contracts: contractsByDecision.get(id) ?? [],
    previous: neighbour(before),
    next: neighbour(after),
  };
}
