import type { WorkingDayCalendar } from '../../domain/calendar/working-days.ts';
import { toCsv } from '../../lib/csv.ts';
import { t } from '../../i18n/t.ts';
import { kindSlugs, type DisclosureKind } from '../../domain/disclosures/kinds.ts';
import { canteenDeadline, canteenLateness, canteenTotals } from '../../domain/disclosures/canteen-account/rules.ts';
import { aidWindow, publicAidList } from '../../domain/disclosures/student-aid/rules.ts';
import { contractCheck, type LinkedDecision } from '../../domain/disclosures/collective-assets/rules.ts';
import { decisionStages } from '../../domain/disclosures/decision/schema.ts';
import { releaseDateOf, toOcdsRelease, toReleasePackage } from '../../domain/disclosures/procurement/ocds.ts';
import { explain, percentHundredths } from '../../i18n/format.ts';
import { yuan as yuanString } from '../../domain/disclosures/common.ts';
import {
  itemsOfKind,
  type AnyDisclosureItem,
  type DisclosureItem,
  type OverdueItem,
  type WithdrawnDisclosure,
} from '../../content/items.ts';
import { attachmentHref } from '../../domain/disclosures/attachments.ts';
import { currentVersion, isCorrected } from '../../domain/disclosures/history.ts';
import { filedQuarters, periodDeadline, periodicKinds, type PeriodicKind } from '../../domain/disclosures/due.ts';
import type { ListedUnit } from '../../domain/units/filter.ts';
import type { Procurement } from '../../domain/disclosures/procurement/schema.ts';
import type { City } from '../../domain/city/schema.ts';
import { operatorName, siteName } from '../../i18n/city.ts';

/**
 * Open data built at build time from the same items the pages show: JSON per collection, CSV
 * tables (one row per record or per line), the OCDS release package and an Atom feed. Only what
 * the pages publish goes out; an aid list's names leave with the list when its publicity ends.
 */
export const OPEN_DATA_LICENSE = 'https://creativecommons.org/licenses/by/4.0/';
/** Placeholder until the commission registers an OCID prefix with the Open Contracting Partnership. */
export const OCID_PREFIX = 'ocds-demo01';

export interface Context {
  items: AnyDisclosureItem[];
  /** Periods owed and not published by their deadline on the build day (shown as overdue). */
  overdue: OverdueItem[];
  today: string;
  calendar: WorkingDayCalendar;
  site: URL;
  linked: Map<string, LinkedDecision>;
  /** Stored disclosures withdrawn (issue 12): listed as withdrawals, never with their data. */
  withdrawn: WithdrawnDisclosure[];
  /** The city the site serves (content/city.yaml): the publisher and the feed's title and author. */
  city: City;
}

export type ColumnType = 'text' | 'date' | 'month' | 'yuan' | 'integer' | 'number' | 'boolean' | 'url' | 'code';
export interface Column<R> {
  key: string;
  type: ColumnType;
  value: (row: R) => string | number | boolean | undefined;
}
export interface Table<R = never> {
  /** File name without extension: /data/<name>.csv */
  name: string;
  kind: DisclosureKind;
  rows: (ctx: Context) => R[];
  columns: Column<R>[];
}

const col = <R>(key: string, type: ColumnType, value: Column<R>['value']): Column<R> => ({ key, type, value });
const abs = (ctx: Context, path: string) => new URL(path, ctx.site).href;
const unitColumns = <R extends { item: AnyDisclosureItem }>(): Column<R>[] => [
  col('unit', 'code', (r) => r.item.unit.id),
  col('unitName', 'text', (r) => r.item.unit.name),
  col('township', 'text', (r) => r.item.townshipName),
];

/** The first columns of every table: the record's id, its permalink and its unit. */
const recordColumns = <R extends { item: AnyDisclosureItem; url: string }>(idKey = 'id'): Column<R>[] => [
  col(idKey, 'code', (r) => r.item.id),
  col('url', 'url', (r) => r.url),
  ...unitColumns<R>(),
];

/** The version in force: 1 for a file of content/ or a stored disclosure never corrected. */
const versionOf = (item: AnyDisclosureItem): number => (item.history ? currentVersion(item.history).version : 1);
const correctedOf = (item: AnyDisclosureItem): boolean => item.history !== undefined && isCorrected(item.history);

/**
 * A row of any table: a record's row has its item; a row of a periodic kind is a filed record (`filed`, `ledger`)
 * or a period overdue (no record, so no version).
 */
type AnyRow = {
  item?: AnyDisclosureItem;
  filed?: { item: AnyDisclosureItem } | undefined;
  ledger?: { item: AnyDisclosureItem } | undefined;
};
const itemOfRow = (r: AnyRow) => r.item ?? r.filed?.item ?? r.ledger?.item;

/** The last columns of every table: the record's version and whether it was corrected (empty for an overdue period). */
const versionColumns = (): Column<AnyRow>[] => [
  col('version', 'integer', (r) => {
    const item = itemOfRow(r);
    return item ? versionOf(item) : undefined;
  }),
  col('corrected', 'boolean', (r) => {
    const item = itemOfRow(r);
    return item ? correctedOf(item) : undefined;
  }),
];

type Row<K extends DisclosureKind> = { item: DisclosureItem<K>; url: string };
const rowsOf = <K extends DisclosureKind>(ctx: Context, kind: K): Row<K>[] =>
  itemsOfKind(ctx.items, kind).map((item) => ({ item, url: abs(ctx, item.href) }));

const procurements: Table<Row<'procurement'>> = {
  name: 'procurements',
  kind: 'procurement',
  rows: (ctx) => rowsOf(ctx, 'procurement'),
  columns: [
    ...recordColumns(),
    col('title', 'text', (r) => r.item.title),
    col('category', 'code', (r) => r.item.data.category),
    col('itemDescription', 'text', (r) => r.item.data.itemDescription),
    col('method', 'code', (r) => r.item.data.method),
    col('budgetYuan', 'yuan', (r) => yuanString(r.item.data.budgetFen)),
    col('bidders', 'integer', (r) => r.item.data.bidders.length),
    col('parentCommittee', 'boolean', (r) => r.item.data.parentCommittee.participated),
    col('awardDate', 'date', (r) => r.item.data.award.date),
    col('supplier', 'text', (r) => r.item.data.award.supplier),
    col('awardYuan', 'yuan', (r) => yuanString(r.item.data.award.amountFen)),
    col('unitPriceYuan', 'yuan', (r) => yuanString(r.item.data.award.unitPriceFen)),
    col('quantity', 'integer', (r) => r.item.data.award.quantity),
    col('publicityStart', 'date', (r) => r.item.data.publicity.start),
    col('publicityEnd', 'date', (r) => r.item.data.publicity.end),
    col('contractSignedOn', 'date', (r) => r.item.data.contract?.signedOn),
    col('verdict', 'code', (r) => r.item.verdict),
    col('publishedOn', 'date', (r) => r.item.publishedOn),
  ],
};

/**
 * One row per month a school filed, and one per month it owes and has not published (`status` `overdue`: the month,
 * its deadline and the days overdue; the figures are empty).
 */
type CanteenRow = {
  filed: Row<'canteenAccount'> | undefined;
  overdue: OverdueItem | undefined;
  unit: ListedUnit;
  townshipName: string;
  month: string;
};
const ifFiled =
  <V>(value: (r: Row<'canteenAccount'>) => V) =>
  (r: CanteenRow): V | undefined =>
    r.filed ? value(r.filed) : undefined;
const canteenAccounts: Table<CanteenRow> = {
  name: 'canteen-accounts',
  kind: 'canteenAccount',
  rows: (ctx) =>
    [
      ...rowsOf(ctx, 'canteenAccount').map((filed): CanteenRow => ({
        filed,
        overdue: undefined,
        unit: filed.item.unit,
        townshipName: filed.item.townshipName,
        month: filed.item.data.month,
      })),
      ...ctx.overdue
        .filter((o) => o.kind === 'canteenAccount')
        .map((o): CanteenRow => ({
          filed: undefined,
          overdue: o,
          unit: o.unit,
          townshipName: o.townshipName,
          month: o.period,
        })),
    ].toSorted((a, b) => a.unit.id.localeCompare(b.unit.id) || a.month.localeCompare(b.month)),
  columns: [
    col(
      'id',
      'code',
      ifFiled((r) => r.item.id),
    ),
    col(
      'url',
      'url',
      ifFiled((r) => r.url),
    ),
    col('unit', 'code', (r) => r.unit.id),
    col('unitName', 'text', (r) => r.unit.name),
    col('township', 'text', (r) => r.townshipName),
    col('month', 'month', (r) => r.month),
    col('status', 'code', (r) => (r.filed ? 'filed' : 'overdue')),
    col(
      'publishedOn',
      'date',
      ifFiled((r) => r.item.publishedOn),
    ),
    col('deadline', 'date', (r) => canteenDeadline(r.month)),
    col(
      'daysLate',
      'integer',
      ifFiled((r) => canteenLateness(r.item.data)),
    ),
    col('daysOverdue', 'integer', (r) => r.overdue?.daysOverdue),
    col(
      'openingYuan',
      'yuan',
      ifFiled((r) => yuanString(r.item.data.openingFen)),
    ),
    col(
      'incomeYuan',
      'yuan',
      ifFiled((r) => yuanString(canteenTotals(r.item.data).incomeFen)),
    ),
    col(
      'expenseYuan',
      'yuan',
      ifFiled((r) => yuanString(canteenTotals(r.item.data).expenseFen)),
    ),
    col(
      'closingYuan',
      'yuan',
      ifFiled((r) => yuanString(r.item.data.closingFen)),
    ),
    col(
      'foodIncomeYuan',
      'yuan',
      ifFiled((r) => yuanString(canteenTotals(r.item.data).foodIncomeFen)),
    ),
    col(
      'ingredientsYuan',
      'yuan',
      ifFiled((r) => yuanString(canteenTotals(r.item.data).ingredientsFen)),
    ),
    col(
      'foodCostPercent',
      'number',
      ifFiled((r) => {
        // Percent with two decimals, half away from zero on the exact fraction (ingredients ÷ meal-fee income).
        const share = canteenTotals(r.item.data).foodCostShare;
        return share === null ? undefined : (percentHundredths(share.numerator, share.denominator) / 100).toFixed(2);
      }),
    ),
    col(
      'mealsServed',
      'integer',
      ifFiled((r) => r.item.data.mealsServed),
    ),
    col(
      'servingDays',
      'integer',
      ifFiled((r) => r.item.data.servingDays),
    ),
    col(
      'leaderDays',
      'integer',
      ifFiled((r) => r.item.data.accompaniedMeals.leaderDays),
    ),
    col(
      'parentSessions',
      'integer',
      ifFiled((r) => r.item.data.accompaniedMeals.parentSessions),
    ),
    col(
      'suggestions',
      'integer',
      ifFiled((r) => r.item.data.accompaniedMeals.suggestions.length),
    ),
    col(
      'suggestionsOpen',
      'integer',
      ifFiled((r) => r.item.data.accompaniedMeals.suggestions.filter((s) => s.status !== 'handled').length),
    ),
    col(
      'verdict',
      'code',
      ifFiled((r) => r.item.verdict),
    ),
  ],
};

type AidRow = Row<'studentAid'> & {
  recipient: DisclosureItem<'studentAid'>['data']['recipients'][number];
  publicityEnd: string;
};
const studentAid: Table<AidRow> = {
  name: 'student-aid',
  kind: 'studentAid',
  // Only lists still in their publicity window have rows: the names go when the list is taken down.
  rows: (ctx) =>
    rowsOf(ctx, 'studentAid').flatMap((r) => {
      const publicityEnd = aidWindow(r.item.data, ctx.calendar).end;
      return publicAidList(r.item.data, ctx.today, ctx.calendar).recipients.map((recipient) => ({
        ...r,
        recipient,
        publicityEnd,
      }));
    }),
  columns: [
    ...recordColumns('listId'),
    col('programme', 'code', (r) => r.item.data.programme),
    col('schoolYear', 'integer', (r) => r.item.data.schoolYear),
    col('semester', 'code', (r) => r.item.data.semester),
    col('publicityStart', 'date', (r) => r.item.data.publicity.start),
    // The computed end (fifth working day) when the list gives none.
    col('publicityEnd', 'date', (r) => r.publicityEnd),
    col('grade', 'text', (r) => r.recipient.grade),
    col('class', 'text', (r) => r.recipient.class),
    col('maskedName', 'text', (r) => r.recipient.name),
    col('amountYuan', 'yuan', (r) => yuanString(r.recipient.amountFen)),
    col('tier', 'code', (r) => r.recipient.tier),
    col('aidItem', 'text', (r) => r.recipient.item),
  ],
};

type Ledger = Row<'collectiveAssets'>;
const ledgerColumns = <R extends Ledger>(): Column<R>[] => recordColumns<R>('ledgerId');
type FundRow = Ledger & {
  month: string;
  line: DisclosureItem<'collectiveAssets'>['data']['funds'][number]['lines'][number];
};
const funds: Table<FundRow> = {
  name: 'collective-assets-funds',
  kind: 'collectiveAssets',
  rows: (ctx) =>
    rowsOf(ctx, 'collectiveAssets').flatMap((r) =>
      r.item.data.funds.flatMap((m) => m.lines.map((line) => ({ ...r, month: m.month, line }))),
    ),
  columns: [
    ...ledgerColumns(),
    col('month', 'month', (r) => r.month),
    col('date', 'date', (r) => r.line.date),
    col('voucher', 'text', (r) => r.line.voucher),
    col('summary', 'text', (r) => r.line.summary),
    col('kind', 'code', (r) => r.line.kind),
    col('category', 'code', (r) => r.line.category),
    col('amountYuan', 'yuan', (r) => yuanString(r.line.amountFen)),
    col('balanceYuan', 'yuan', (r) => yuanString(r.line.balanceFen)),
  ],
};
type AssetRow = Ledger & { asset: DisclosureItem<'collectiveAssets'>['data']['assets'][number] };
const assets: Table<AssetRow> = {
  name: 'collective-assets-assets',
  kind: 'collectiveAssets',
  rows: (ctx) => rowsOf(ctx, 'collectiveAssets').flatMap((r) => r.item.data.assets.map((asset) => ({ ...r, asset }))),
  columns: [
    ...ledgerColumns(),
    col('code', 'code', (r) => r.asset.code),
    col('name', 'text', (r) => r.asset.name),
    col('category', 'code', (r) => r.asset.category),
    col('quantity', 'integer', (r) => r.asset.quantity),
    col('originalValueYuan', 'yuan', (r) => yuanString(r.asset.originalValueFen)),
    col('acquiredOn', 'date', (r) => r.asset.acquiredOn),
    col('location', 'text', (r) => r.asset.location),
    col('status', 'code', (r) => r.asset.status),
    col('contract', 'code', (r) => r.asset.contract),
  ],
};
type ResourceRow = Ledger & { resource: DisclosureItem<'collectiveAssets'>['data']['resources'][number] };
const resources: Table<ResourceRow> = {
  name: 'collective-assets-resources',
  kind: 'collectiveAssets',
  rows: (ctx) =>
    rowsOf(ctx, 'collectiveAssets').flatMap((r) => r.item.data.resources.map((resource) => ({ ...r, resource }))),
  columns: [
    ...ledgerColumns(),
    col('code', 'code', (r) => r.resource.code),
    col('landClass', 'code', (r) => r.resource.landClass),
    col('location', 'text', (r) => r.resource.location),
    col('areaMu', 'number', (r) => r.resource.areaMu.toFixed(2)),
    col('mode', 'code', (r) => r.resource.mode),
    col('contract', 'code', (r) => r.resource.contract),
  ],
};
type ContractRow = Ledger & {
  contract: DisclosureItem<'collectiveAssets'>['data']['contracts'][number];
  linked: Map<string, LinkedDecision>;
};
const contracts: Table<ContractRow> = {
  name: 'collective-assets-contracts',
  kind: 'collectiveAssets',
  rows: (ctx) =>
    rowsOf(ctx, 'collectiveAssets').flatMap((r) =>
      r.item.data.contracts.map((contract) => ({ ...r, contract, linked: ctx.linked })),
    ),
  columns: [
    ...ledgerColumns(),
    // Real contract numbers carry Han characters (a village name, a bracketed year and a number): text, not an ASCII code.
    col('code', 'text', (r) => r.contract.code),
    col('contractKind', 'code', (r) => r.contract.kind),
    col('subject', 'code', (r) => r.contract.subject),
    col('counterparty', 'text', (r) => r.contract.counterparty),
    col('counterpartyKind', 'code', (r) => r.contract.counterpartyKind),
    col('signedOn', 'date', (r) => r.contract.signedOn),
    col('termStart', 'date', (r) => r.contract.term.start),
    col('termEnd', 'date', (r) => r.contract.term.end),
    col('priceYuan', 'yuan', (r) => yuanString(r.contract.priceFen)),
    col('viaExchange', 'boolean', (r) => r.contract.viaExchange),
    col('decision', 'code', (r) => r.contract.decision),
    col(
      'decisionCheck',
      'code',
      (r) =>
        contractCheck(
          r.contract,
          r.item.data.majorMatterThresholdFen,
          r.contract.decision ? r.linked.get(r.contract.decision) : undefined,
        ).state,
    ),
  ],
};

/**
 * The village ledger by quarter (DOMAIN.md §2.2: at least quarterly): one row per quarter a yearly file carries in
 * full (`filed`, with that file), and one per quarter owed and not published by its deadline (`overdue`).
 */
type QuarterRow = {
  ledger: Ledger | undefined;
  overdue: OverdueItem | undefined;
  unit: ListedUnit;
  townshipName: string;
  period: string;
};
const quarters: Table<QuarterRow> = {
  name: 'collective-assets-quarters',
  kind: 'collectiveAssets',
  rows: (ctx) =>
    [
      ...rowsOf(ctx, 'collectiveAssets').flatMap((ledger) =>
        [...filedQuarters([ledger.item.data])].map((period): QuarterRow => ({
          ledger,
          overdue: undefined,
          unit: ledger.item.unit,
          townshipName: ledger.item.townshipName,
          period,
        })),
      ),
      ...ctx.overdue
        .filter((o) => o.kind === 'collectiveAssets')
        .map((o): QuarterRow => ({
          ledger: undefined,
          overdue: o,
          unit: o.unit,
          townshipName: o.townshipName,
          period: o.period,
        })),
    ].toSorted((a, b) => a.unit.id.localeCompare(b.unit.id) || a.period.localeCompare(b.period)),
  columns: [
    col('unit', 'code', (r) => r.unit.id),
    col('unitName', 'text', (r) => r.unit.name),
    col('township', 'text', (r) => r.townshipName),
    col('period', 'code', (r) => r.period),
    col('status', 'code', (r) => (r.ledger ? 'filed' : 'overdue')),
    col('deadline', 'date', (r) => periodDeadline('collectiveAssets', r.period)),
    col('daysOverdue', 'integer', (r) => r.overdue?.daysOverdue),
    col('ledgerId', 'code', (r) => r.ledger?.item.id),
    col('url', 'url', (r) => r.ledger?.url),
  ],
};

const decisions: Table<Row<'decision'>> = {
  name: 'decisions',
  kind: 'decision',
  rows: (ctx) => rowsOf(ctx, 'decision'),
  columns: [
    ...recordColumns(),
    col('title', 'text', (r) => r.item.title),
    col('category', 'code', (r) => r.item.data.category),
    col('amountYuan', 'yuan', (r) =>
      r.item.data.amountFen === undefined ? undefined : yuanString(r.item.data.amountFen),
    ),
    col('profile', 'code', (r) => r.item.data.profile),
    col('initiatedBy', 'code', (r) => r.item.data.initiatedBy),
    ...decisionStages.map((stage) =>
      col<Row<'decision'>>(`${stage}Date`, 'date', (r) => {
        const s = r.item.data.stages.find((x) => x.stage === stage);
        return s ? ('postedOn' in s ? s.postedOn : s.date) : undefined;
      }),
    ),
    col('contractSignedOn', 'date', (r) => r.item.data.contractSignedOn),
    col('worksStartedOn', 'date', (r) => r.item.data.worksStartedOn),
    col('completedOn', 'date', (r) => r.item.data.completedOn),
    col('verdict', 'code', (r) => r.item.verdict),
    col('failedChecks', 'text', (r) =>
      r.item.checks
        .filter((c) => c.state === 'fail')
        .map((c) => c.key)
        .join(' '),
    ),
  ],
};

const matters: Table<Row<'matter'>> = {
  name: 'matters',
  kind: 'matter',
  rows: (ctx) => rowsOf(ctx, 'matter'),
  columns: [
    ...recordColumns(),
    col('title', 'text', (r) => r.item.title),
    col('power', 'text', (r) => r.item.data.power),
    col('decidedOn', 'date', (r) => r.item.data.decidedOn),
    col('publicityStart', 'date', (r) => r.item.data.publicity.start),
    col('publicityEnd', 'date', (r) => r.item.data.publicity.end),
    col('publicityStatus', 'code', (r) => r.item.publicity),
    col('amountYuan', 'yuan', (r) =>
      r.item.data.amountFen === undefined ? undefined : yuanString(r.item.data.amountFen),
    ),
    col('publishedOn', 'date', (r) => r.item.data.publishedOn),
    col('text', 'text', (r) => r.item.data.text),
    col('documents', 'integer', (r) => r.item.data.documents.length),
  ],
};

/** Every CSV table, in the order the field dictionary lists them; each ends with the version columns. */
export const tables = (
  [
    procurements,
    canteenAccounts,
    studentAid,
    funds,
    assets,
    resources,
    contracts,
    quarters,
    decisions,
    matters,
  ] as unknown as Table<AnyRow>[]
).map((table) => ({ ...table, columns: [...table.columns, ...versionColumns()] })) as unknown as Table<unknown>[];

export function tableCsv(table: Table<unknown>, ctx: Context): string {
  const records = table.rows(ctx).map((row) =>
    table.columns.map((c) => {
      const v = c.value(row);
      return v === undefined ? '' : typeof v === 'boolean' ? String(v) : v;
    }),
  );
  return toCsv([table.columns.map((c) => c.key), ...records]);
}

/** The data of one record as published: everything the page shows, minus names of a list no longer posted. */
function publicData(item: AnyDisclosureItem, ctx: Context): unknown {
  if (item.kind !== 'studentAid') return item.data;
  const list = publicAidList(item.data, ctx.today, ctx.calendar);
  return { ...item.data, recipients: list.recipients, recipientCount: list.count, totalFen: list.totalFen };
}

/** The public versions of a stored disclosure (reasons already masked by the loader), allow-listed field by field. */
const versionsJson = (item: { history: AnyDisclosureItem['history'] }) =>
  item.history?.versions.map((v) => ({
    version: v.version,
    change: v.change,
    approvedAt: v.approvedAt,
    approvedOn: v.approvedOn,
    reason: v.reason,
    changedFields: v.changedFields,
  })) ?? null;

/** The files in force of a stored disclosure (issue 12 "Attachments"): name, absolute url, type, size, hash. */
const attachmentsJson = (item: AnyDisclosureItem, ctx: Context) =>
  (item.history?.attachments ?? []).map((a) => ({
    name: a.name,
    url: abs(ctx, attachmentHref(a.sha256)),
    mime: a.mime,
    size: a.size,
    sha256: a.sha256,
  }));

/** A periodic kind's periods owed and not published by their deadline on the build day (nothing for other kinds). */
function overdueJson(kind: DisclosureKind, ctx: Context) {
  if (!(periodicKinds as readonly string[]).includes(kind)) return {};
  const rows = ctx.overdue.filter((o) => o.kind === (kind as PeriodicKind));
  return {
    overdueCount: rows.length,
    overdue: rows.map((o) => ({
      status: 'overdue',
      unit: { id: o.unit.id, name: o.unit.name, township: o.townshipName },
      url: abs(ctx, `/units/${o.unit.id}/#overdue`),
      period: o.period,
      periodLabel: o.periodLabel,
      deadline: o.deadline,
      daysOverdue: o.daysOverdue,
    })),
  };
}

export function collectionJson(kind: DisclosureKind, ctx: Context): string {
  const items = ctx.items.filter((i) => i.kind === kind);
  const withdrawn = ctx.withdrawn.filter((w) => w.kind === kind);
  return JSON.stringify(
    {
      collection: kindSlugs[kind],
      title: t(`disclosures.kind.${kind}`),
      publisher: operatorName(ctx.city),
      license: OPEN_DATA_LICENSE,
      dictionary: abs(ctx, '/data/'),
      asOf: ctx.today,
      amounts: 'fen',
      count: items.length,
      ...overdueJson(kind, ctx),
      items: items.map((i) => ({
        id: i.id,
        url: abs(ctx, i.href),
        unit: { id: i.unit.id, name: i.unit.name, township: i.townshipName },
        title: i.title,
        period: i.period,
        publishedOn: i.publishedOn,
        verdict: i.verdict ?? null,
        publicity: i.publicity ?? null,
        checks: i.checks.map((c) => ({ key: c.key, state: c.state, reason: explain(c.reason, c.vars) })),
        version: versionOf(i),
        corrected: correctedOf(i),
        versions: versionsJson(i),
        attachments: attachmentsJson(i, ctx),
        data: publicData(i, ctx),
      })),
      // Withdrawn disclosures: their permalink shows the notice; nothing of the record's data goes out.
      withdrawnCount: withdrawn.length,
      withdrawn: withdrawn.map((w) => ({
        id: w.id,
        url: abs(ctx, w.href),
        unit: { id: w.unit.id, name: w.unit.name, township: w.townshipName },
        withdrawnAt: w.withdrawnAt,
        withdrawnOn: w.withdrawnOn,
        reason: w.reason,
        versions: versionsJson(w),
      })),
    },
    null,
    1,
  );
}

/** A procurement as the OCDS export needs it. */
export interface ProcurementRecord {
  id: string;
  data: Procurement;
  unitName: string;
}

/** The OCDS 1.1.5 release package of every procurement (validated against the official schema in tests). */
export function releasePackage(
  procurements: readonly ProcurementRecord[],
  site: URL,
  today: string,
  city: City,
): Record<string, unknown> {
  const sorted = procurements.toSorted((a, b) => a.id.localeCompare(b.id));
  const releases = sorted.map((p) =>
    toOcdsRelease(p.id, p.data, {
      ocidPrefix: OCID_PREFIX,
      siteUrl: site.href,
      unitName: p.unitName,
      parentCommitteeName: t('disclosures.procurement.parentCommitteeOf', { unit: p.unitName }),
      methodLabel: t(`disclosures.procurementMethod.${p.data.method}`),
    }),
  );
  const newest =
    sorted
      .map((p) => releaseDateOf(p.data))
      .toSorted()
      .at(-1) ?? today;
  return toReleasePackage(releases, {
    uri: new URL('/data/ocds/release-package.json', site).href,
    publisherName: operatorName(city),
    publishedDate: `${newest}T00:00:00+08:00`,
    license: OPEN_DATA_LICENSE,
    publicationPolicy: new URL('/data/#policy', site).href,
  });
}

/** The release package from the items the site shows. */
export const releasePackageOf = (ctx: Context): Record<string, unknown> =>
  releasePackage(
    itemsOfKind(ctx.items, 'procurement').map((i) => ({ id: i.id, data: i.data, unitName: i.unit.name })),
    ctx.site,
    ctx.today,
    ctx.city,
  );

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const FEED_SIZE = 50;

interface FeedEntry {
  id: string;
  title: string;
  href: string;
  /** RFC 3339. */
  updated: string;
  kind: DisclosureKind;
  summary: string;
}

/**
 * Atom feed of the newest disclosures (by publication date), of every correction (by its approval) and of
 * every withdrawal (and every progress version of a 4+2 record): a correction or a withdrawal is an entry of its own, with its reason (masked by the loader).
 */
export function atomFeed(ctx: Context): string {
  const stamp = (d: string) => `${d}T00:00:00+08:00`;
  const kindLabel = (k: DisclosureKind) => t(`disclosures.kind.${k}`);
  const reasonText = (r: string | null) => r ?? t('disclosures.history.none');
  const all: FeedEntry[] = [
    ...ctx.items.map((i) => ({
      id: abs(ctx, i.href),
      title: t('disclosures.feed.entryTitle', { unit: i.unit.name, title: i.title }),
      href: abs(ctx, i.href),
      updated: stamp(i.publishedOn),
      kind: i.kind,
      summary: t('disclosures.feed.summary', { kind: kindLabel(i.kind), unit: i.unit.name, period: i.period }),
    })),
    ...ctx.items.flatMap((i) =>
      (i.history?.versions ?? [])
        .filter((v) => v.change === 'correction')
        .map((v) => ({
          id: `${abs(ctx, i.href)}#version-${String(v.version)}`,
          title: t('disclosures.feed.correctionTitle', { unit: i.unit.name, title: i.title, version: v.version }),
          href: abs(ctx, i.href),
          updated: v.approvedAt,
          kind: i.kind,
          summary: t('disclosures.feed.correctionSummary', { reason: reasonText(v.reason) }),
        })),
    ),
    // A 4+2 record's next stage is news too (progress, not a correction): an entry naming what was added.
    ...ctx.items.flatMap((i) =>
      (i.history?.versions ?? [])
        .filter((v) => v.change === 'progress')
        .map((v) => ({
          id: `${abs(ctx, i.href)}#version-${String(v.version)}`,
          title: t('disclosures.feed.progressTitle', { unit: i.unit.name, title: i.title, version: v.version }),
          href: abs(ctx, i.href),
          updated: v.approvedAt,
          kind: i.kind,
          summary: v.changedFields.join('；') || t('disclosures.history.none'),
        })),
    ),
    ...ctx.withdrawn.map((w) => ({
      id: `${abs(ctx, w.href)}#withdrawn`,
      title: t('disclosures.feed.withdrawalTitle', { unit: w.unit.name, kind: kindLabel(w.kind) }),
      href: abs(ctx, w.href),
      updated: w.withdrawnAt,
      kind: w.kind,
      summary: t('disclosures.feed.withdrawalSummary', { reason: reasonText(w.reason) }),
    })),
  ];
  const newest = all
    .toSorted((a, b) => Date.parse(b.updated) - Date.parse(a.updated) || a.id.localeCompare(b.id))
    .slice(0, FEED_SIZE);
  const self = abs(ctx, '/disclosures/feed.xml');
  const entries = newest.map(
    (e) => `  <entry>
    <id>${xml(e.id)}</id>
    <title>${xml(e.title)}</title>
    <link rel="alternate" type="text/html" href="${xml(e.href)}"/>
    <updated>${e.updated}</updated>
    <category term="${xml(kindSlugs[e.kind])}" label="${xml(kindLabel(e.kind))}"/>
    <summary>${xml(e.summary)}</summary>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
  <id>${xml(self)}</id>
  <title>${xml(t('disclosures.feed.title', { site: siteName(ctx.city) }))}</title>
  <link rel="self" type="application/atom+xml" href="${xml(self)}"/>
  <link rel="alternate" type="text/html" href="${xml(abs(ctx, '/disclosures/'))}"/>
  <updated>${newest[0]?.updated ?? stamp(ctx.today)}</updated>
  <author><name>${xml(operatorName(ctx.city))}</name></author>
${entries.join('\n')}
</feed>
`;
}
