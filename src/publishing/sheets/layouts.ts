import type { DisclosureKind } from '../../domain/disclosures/kinds.ts';
import {
  canteenExpenseCategories,
  canteenIncomeCategories,
  suggestionStatuses,
} from '../../domain/disclosures/canteen-account/schema.ts';
import {
  assetCategories,
  assetStatuses,
  contractKinds,
  counterpartyKinds,
  fundExpenseCategories,
  fundIncomeCategories,
  landClasses,
  resourceModes,
} from '../../domain/disclosures/collective-assets/schema.ts';
import { decisionCategories, decisionInitiators, decisionStages } from '../../domain/disclosures/decision/schema.ts';
import { thresholdProfileKeys } from '../../domain/disclosures/decision/profiles.ts';
import {
  procurementCategories,
  procurementDocumentKinds,
  procurementMethods,
} from '../../domain/disclosures/procurement/schema.ts';
import { aidProgrammes, aidTiers, semesters } from '../../domain/disclosures/student-aid/schema.ts';

/**
 * How each disclosure kind is laid out in a workbook: one sheet per level of the record, every column a
 * field of the record (a dotted path inside the row's object) with its type. The first sheet holds one row
 * per record, keyed by the id column (the record id, its permalink); every other sheet starts with the same id
 * column, which links its rows to their record (and, for fund lines, the date links a line to its month).
 * Templates, instructions, parsing and error locations are all derived from this one description.
 */
export type ColumnType =
  /** The record id (a slug); the first column of every sheet. */
  | 'id'
  /** A unit of the registry, written as its name (or its id). */
  | 'unit'
  | 'text'
  /** An amount in yuan with at most two decimals, stored as integer fen. */
  | 'fen'
  /** Like `fen`, may be negative (balances). */
  | 'signedFen'
  | 'int'
  /** A decimal number (areas in mu, percentages). */
  | 'decimal'
  | 'date'
  | 'month'
  | 'bool'
  | 'enum'
  /**
   * An item of the unit's power list, by its title: the template's drop-down lists the power titles of the clerk's
   * units; the upload keeps the text and the domain rule checks it against the record's own unit.
   */
  | 'power';

export interface Column {
  /** Where the value goes inside the row's object (`award.supplier`); empty for the linking id column. */
  path: string;
  /** The header, a key under `sheets.col.` in src/i18n/zh-CN/sheets.ts. */
  label: string;
  type: ColumnType;
  /** The codes of an enumeration, in drop-down order. */
  values?: readonly string[];
  /** The message key naming each code (`mealFees` → `disclosures.canteenIncome.mealFees`). */
  valueLabels?: (code: string) => string;
  /** Shown in the instructions as required (the schema still decides). */
  required?: boolean;
  /** An extra instruction, a key under `sheets.note.`. */
  note?: string;
}

export interface SheetLayout {
  /** Stable key; the sheet's name is `sheets.sheet.<kind>.<key>`. */
  key: string;
  columns: readonly Column[];
  /** For the sheets after the first: where in the record its rows go (an array path). */
  into?: string;
  /**
   * For rows that belong to an element of another sheet's array rather than to the record itself: the sheet,
   * and how a row finds its element (fund lines → the fund month of the line's date).
   */
  within?: { sheet: string; field: string; from: (row: Record<string, unknown>) => unknown };
}

export interface KindLayout {
  kind: DisclosureKind;
  sheets: readonly SheetLayout[];
}

const id: Column = { path: '', label: 'id', type: 'id', required: true, note: 'id' };
const unit: Column = { path: 'unit', label: 'unit', type: 'unit', required: true };
const publishedOn: Column = { path: 'publishedOn', label: 'publishedOn', type: 'date', required: true };
const col = (
  path: string,
  label: string,
  type: ColumnType,
  extra: Partial<Pick<Column, 'values' | 'valueLabels' | 'required' | 'note'>> = {},
): Column => ({ path, label, type, ...extra });
const pick = (
  path: string,
  label: string,
  values: readonly string[],
  valueLabels: (code: string) => string,
  required = true,
): Column => col(path, label, 'enum', { values, valueLabels, required });

/** The first sheet: one row per record, its id, unit and publication day first. */
const mainSheet = (...columns: Column[]): SheetLayout => ({
  key: 'main',
  columns: [id, unit, publishedOn, ...columns],
});
/** A sheet of rows that go into an array of the record, linked by the id column. */
const childSheet = (key: string, into: string, columns: Column[]): SheetLayout => ({
  key,
  into,
  columns: [id, ...columns],
});

const procurement: KindLayout = {
  kind: 'procurement',
  sheets: [
    mainSheet(
      col('title', 'title', 'text', { required: true }),
      pick('category', 'procurementCategory', procurementCategories, (c) => `disclosures.procurementCategory.${c}`),
      col('itemDescription', 'itemDescription', 'text', { required: true }),
      pick('method', 'procurementMethod', procurementMethods, (c) => `disclosures.procurementMethod.${c}`),
      col('methodRationale', 'methodRationale', 'text', { note: 'methodRationale' }),
      col('budgetFen', 'budget', 'fen', { required: true }),
      col('parentCommittee.participated', 'parentsParticipated', 'bool', { required: true }),
      col('parentCommittee.representatives', 'parentRepresentatives', 'int'),
      col('parentCommittee.consentPercent', 'consentPercent', 'decimal'),
      col('voluntaryPurchase', 'voluntaryPurchase', 'text', { note: 'voluntaryPurchase' }),
      col('tenderPeriod.start', 'tenderStart', 'date'),
      col('tenderPeriod.end', 'tenderEnd', 'date'),
      col('award.supplier', 'awardSupplier', 'text', { required: true, note: 'awardSupplier' }),
      col('award.date', 'awardDate', 'date', { required: true }),
      col('award.amountFen', 'awardAmount', 'fen', { required: true, note: 'awardAmount' }),
      col('award.unitPriceFen', 'unitPrice', 'fen', { required: true }),
      col('award.quantity', 'quantity', 'int', { required: true }),
      col('award.unitName', 'unitName', 'text', { required: true }),
      col('publicity.start', 'publicityStart', 'date', { required: true }),
      col('publicity.end', 'publicityEnd', 'date', { required: true, note: 'publicityFive' }),
      col('contract.signedOn', 'contractSignedOn', 'date'),
      col('contract.serviceYears', 'serviceYears', 'int'),
    ),
    {
      key: 'bidders',
      into: 'bidders',
      columns: [id, col('name', 'bidderName', 'text', { required: true }), col('bidFen', 'bidAmount', 'fen')],
    },
    childSheet('objections', 'objections', [
      col('summary', 'objectionSummary', 'text', { required: true }),
      col('response', 'objectionResponse', 'text', { required: true }),
    ]),
    childSheet('documents', 'documents', [
      pick('kind', 'documentKind', procurementDocumentKinds, (c) => `disclosures.documentKind.${c}`),
      col('title', 'documentTitle', 'text', { required: true, note: 'documentTitle' }),
      col('url', 'documentUrl', 'text', { note: 'url' }),
      col('date', 'documentDate', 'date'),
    ]),
  ],
};

/** A canteen month's income or expense lines: category, optional detail, amount. */
const accountLines = (
  key: 'income' | 'expense',
  label: string,
  categories: readonly string[],
  labels: (code: string) => string,
): SheetLayout =>
  childSheet(key, key, [
    pick('category', label, categories, labels),
    col('label', 'lineLabel', 'text'),
    col('amountFen', 'amount', 'fen', { required: true }),
  ]);

const canteenAccount: KindLayout = {
  kind: 'canteenAccount',
  sheets: [
    mainSheet(
      col('month', 'month', 'month', { required: true }),
      col('openingFen', 'opening', 'signedFen', { required: true, note: 'opening' }),
      col('closingFen', 'closing', 'signedFen', { required: true, note: 'closing' }),
      col('mealsServed', 'mealsServed', 'int', { required: true }),
      col('servingDays', 'servingDays', 'int', { required: true }),
      col('accompaniedMeals.leaderDays', 'leaderDays', 'int', { required: true }),
      col('accompaniedMeals.parentSessions', 'parentSessions', 'int', { required: true }),
    ),
    accountLines('income', 'incomeCategory', canteenIncomeCategories, (c) => `disclosures.canteenIncome.${c}`),
    accountLines('expense', 'expenseCategory', canteenExpenseCategories, (c) => `disclosures.canteenExpense.${c}`),
    childSheet('suggestions', 'accompaniedMeals.suggestions', [
      col('summary', 'suggestionSummary', 'text', { required: true }),
      pick('status', 'suggestionStatus', suggestionStatuses, (c) => `disclosures.suggestionStatus.${c}`),
      col('response', 'suggestionResponse', 'text', { note: 'suggestionResponse' }),
    ]),
  ],
};

const studentAid: KindLayout = {
  kind: 'studentAid',
  sheets: [
    mainSheet(
      col('title', 'title', 'text', { required: true }),
      pick('programme', 'aidProgramme', aidProgrammes, (c) => `disclosures.aidProgramme.${c}`, false),
      col('programmeLabel', 'programmeLabel', 'text'),
      col('schoolYear', 'schoolYear', 'int', { required: true }),
      pick('semester', 'semester', semesters, (c) => `sheets.enum.semester.${c}`),
      col('publicity.start', 'publicityStart', 'date', { required: true }),
      col('publicity.end', 'publicityEnd', 'date', { note: 'aidEnd' }),
      col('objectionChannel', 'objectionChannel', 'text', { required: true, note: 'objectionChannel' }),
    ),
    childSheet('recipients', 'recipients', [
      col('grade', 'grade', 'text', { required: true }),
      col('class', 'class', 'text', { required: true }),
      col('name', 'maskedName', 'text', { required: true, note: 'maskedName' }),
      col('amountFen', 'amount', 'fen', { required: true }),
      pick('tier', 'aidTier', aidTiers, (c) => `disclosures.aidTier.${c}`, false),
      col('item', 'aidItem', 'text', { note: 'aidItem' }),
    ]),
  ],
};

const collectiveAssets: KindLayout = {
  kind: 'collectiveAssets',
  sheets: [
    mainSheet(
      col('year', 'year', 'int', { required: true }),
      col('majorMatterThresholdFen', 'threshold', 'fen', { note: 'threshold' }),
    ),
    childSheet('fundMonths', 'funds', [
      col('month', 'month', 'month', { required: true }),
      col('openingFen', 'opening', 'signedFen', { required: true }),
      col('closingFen', 'closing', 'signedFen', { required: true }),
      col('reviewedBy', 'reviewedBy', 'text'),
    ]),
    {
      key: 'fundLines',
      into: 'lines',
      within: {
        sheet: 'fundMonths',
        field: 'month',
        from: (row) => (typeof row['date'] === 'string' ? row['date'].slice(0, 7) : undefined),
      },
      columns: [
        id,
        col('date', 'lineDate', 'date', { required: true, note: 'lineMonth' }),
        col('voucher', 'voucher', 'text', { required: true }),
        col('summary', 'lineSummary', 'text', { required: true }),
        pick('kind', 'fundKind', ['income', 'expense'], (c) => `disclosures.fundKind.${c}`),
        pick(
          'category',
          'fundCategory',
          [...fundIncomeCategories, ...fundExpenseCategories],
          (c) => `disclosures.fundCategory.${c}`,
        ),
        col('amountFen', 'amount', 'fen', { required: true }),
        col('balanceFen', 'balance', 'signedFen', { required: true }),
      ],
    },
    childSheet('assets', 'assets', [
      col('code', 'assetCode', 'text', { required: true }),
      col('name', 'assetName', 'text', { required: true }),
      pick('category', 'assetCategory', assetCategories, (c) => `disclosures.assetCategory.${c}`),
      col('quantity', 'quantity', 'int'),
      col('originalValueFen', 'originalValue', 'fen', { required: true }),
      col('acquiredOn', 'acquiredOn', 'date'),
      col('location', 'location', 'text', { required: true }),
      pick('status', 'assetStatus', assetStatuses, (c) => `disclosures.assetStatus.${c}`),
      col('contract', 'contractCode', 'text', { note: 'contractLink' }),
    ]),
    childSheet('resources', 'resources', [
      col('code', 'resourceCode', 'text', { required: true }),
      pick('landClass', 'landClass', landClasses, (c) => `disclosures.landClass.${c}`),
      col('location', 'location', 'text', { required: true }),
      col('areaMu', 'areaMu', 'decimal', { required: true }),
      pick('mode', 'resourceMode', resourceModes, (c) => `disclosures.resourceMode.${c}`),
      col('contract', 'contractCode', 'text', { note: 'contractLink' }),
    ]),
    childSheet('contracts', 'contracts', [
      col('code', 'contractNumber', 'text', { required: true }),
      pick('kind', 'contractKind', contractKinds, (c) => `disclosures.contractKind.${c}`),
      col('subject', 'contractSubject', 'text', { note: 'contractSubject' }),
      col('counterparty', 'counterparty', 'text', { required: true, note: 'maskedName' }),
      pick('counterpartyKind', 'counterpartyKind', counterpartyKinds, (c) => `sheets.enum.counterpartyKind.${c}`),
      col('signedOn', 'contractSignedOn', 'date', { required: true }),
      col('term.start', 'termStart', 'date', { required: true }),
      col('term.end', 'termEnd', 'date', { required: true }),
      col('priceFen', 'contractPrice', 'fen', { required: true }),
      col('viaExchange', 'viaExchange', 'bool'),
      col('decision', 'decisionId', 'text', { note: 'decisionLink' }),
      col('note', 'contractNote', 'text'),
    ]),
  ],
};

const decision: KindLayout = {
  kind: 'decision',
  sheets: [
    mainSheet(
      col('title', 'matterTitle', 'text', { required: true }),
      pick('category', 'decisionCategory', decisionCategories, (c) => `disclosures.decisionCategory.${c}`),
      col('amountFen', 'matterAmount', 'fen'),
      pick('profile', 'decisionProfile', thresholdProfileKeys, (c) => `disclosures.profileShort.${c}`),
      pick('initiatedBy', 'initiatedBy', decisionInitiators, (c) => `disclosures.decisionInitiator.${c}`),
      col('secretaryIsDirector', 'secretaryIsDirector', 'bool'),
      col('contractSignedOn', 'contractSignedOn', 'date'),
      col('worksStartedOn', 'worksStartedOn', 'date'),
      col('completedOn', 'completedOn', 'date'),
    ),
    childSheet('stages', 'stages', [
      pick('stage', 'stage', decisionStages, (c) => `disclosures.stage.${c}`),
      col('date', 'meetingDate', 'date', { note: 'meetingOnly' }),
      col('form', 'meetingForm', 'text'),
      col('expected', 'expected', 'int', { note: 'meetingOnly' }),
      col('present', 'present', 'int', { note: 'meetingOnly' }),
      col('for', 'votesFor', 'int', { note: 'meetingOnly' }),
      col('against', 'votesAgainst', 'int', { note: 'meetingOnly' }),
      col('abstain', 'votesAbstain', 'int', { note: 'meetingOnly' }),
      col('summary', 'meetingSummary', 'text'),
      col('minutes.title', 'minutesTitle', 'text'),
      col('minutes.url', 'minutesUrl', 'text', { note: 'url' }),
      col('planSentOn', 'planSentOn', 'date'),
      col('noticeOn', 'noticeOn', 'date'),
      col('fullCapacity', 'fullCapacity', 'int'),
      col('households.expected', 'householdsExpected', 'int'),
      col('households.represented', 'householdsRepresented', 'int'),
      col('authorisation.date', 'authorisationDate', 'date'),
      col('authorisation.scope', 'authorisationScope', 'text'),
      col('postedOn', 'postedOn', 'date', { note: 'postingOnly' }),
      col('postedUntil', 'postedUntil', 'date'),
      col('channel', 'postingChannel', 'text', { note: 'postingOnly' }),
      col('supervisorOpinion', 'supervisorOpinion', 'text'),
    ]),
  ],
};

const matter: KindLayout = {
  kind: 'matter',
  sheets: [
    mainSheet(
      col('power', 'power', 'power', { required: true, note: 'power' }),
      col('title', 'title', 'text', { required: true }),
      col('decidedOn', 'decidedOn', 'date', { required: true }),
      col('publicity.start', 'publicityStart', 'date', { required: true }),
      col('publicity.end', 'publicityEnd', 'date', { note: 'matterEnd' }),
      col('amountFen', 'matterAmount', 'fen'),
      col('text', 'matterText', 'text', { required: true, note: 'matterText' }),
    ),
    childSheet('documents', 'documents', [
      col('title', 'documentTitle', 'text', { required: true }),
      col('url', 'documentUrl', 'text', { note: 'url' }),
      col('date', 'documentDate', 'date'),
    ]),
  ],
};

export const kindLayouts: Record<DisclosureKind, KindLayout> = {
  procurement,
  canteenAccount,
  studentAid,
  collectiveAssets,
  decision,
  matter,
};
