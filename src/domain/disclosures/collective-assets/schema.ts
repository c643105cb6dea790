import { z } from 'zod';
import { Fen, IsoDate, Line, Paragraph, PublicityWindow, YearMonth, disclosureBase } from '../common.ts';
import { DEFAULT_MAJOR_MATTER_THRESHOLD_FEN } from '../constants.ts';
import { Slug } from '../../units/schema.ts';

/** Fund ledger categories (Ministry of Agriculture 2011 financial disclosure rules: income and expense classes). */
export const fundIncomeCategories = [
  'contracting',
  'operating',
  'subsidy',
  'investment',
  'compensation',
  'donation',
  'otherIncome',
] as const;
export const fundExpenseCategories = [
  'management',
  'operatingCost',
  'publicWelfare',
  'allowances',
  'construction',
  'distribution',
  'otherExpense',
] as const;

/** Asset categories (fixed assets plus investments and biological assets). */
export const assetCategories = [
  'buildings',
  'machinery',
  'equipment',
  'irrigation',
  'investment',
  'forestry',
  'livestock',
  'other',
] as const;
export const assetStatuses = ['selfUse', 'leased', 'contracted', 'idle', 'scrapped'] as const;
/** Land classes of GB/T 21010 used in the collective-asset clearance (Nongbanjing [2018] No. 10). */
export const landClasses = [
  'cultivated',
  'garden',
  'forest',
  'grassland',
  'industrialStorage',
  'commercial',
  'homestead',
  'publicService',
  'transportWater',
  'unused',
] as const;
export const resourceModes = ['selfRun', 'contracted', 'leased', 'shares'] as const;
export const counterpartyKinds = ['organisation', 'person'] as const;

/** Statuses and modes that only exist with a contract. */
export const contractedStatuses: readonly string[] = ['leased', 'contracted', 'shares'];

const Code = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'disclosures.assets.codeInvalid');
/**
 * A contract number as the village writes it: ASCII codes (`C-2026-01`) or real numbers with Han characters and
 * full-width brackets (the village name, `〔2024〕`, a number and its suffix). No spaces, slashes or control characters.
 */
export const ContractCode = z
  .string()
  .regex(
    /^[\p{Script=Han}A-Za-z0-9][\p{Script=Han}A-Za-z0-9\u3014\u3015\uFF3B\uFF3D\u3010\u3011\uFF08\uFF09()[\]_\u00B7\u2014-]{0,39}$/u,
    'disclosures.assets.contractCodeInvalid',
  );

/**
 * What a contract is for. Leases and contracting-out are about an asset or resource of the ledger (`subject`);
 * works, purchases and services usually have none (a road, a batch of fertiliser).
 */
export const contractKinds = ['lease', 'contracting', 'works', 'purchase', 'service', 'other'] as const;
/** Contract kinds that must name the asset or resource they are about. */
export const subjectKinds: readonly string[] = ['lease', 'contracting'];

export const FundLine = z.strictObject({
  date: IsoDate,
  /** Voucher number in the books. */
  voucher: Line(30),
  summary: Line(80),
  kind: z.enum(['income', 'expense']),
  category: z.enum([...fundIncomeCategories, ...fundExpenseCategories]),
  amountFen: Fen,
  /** Balance after this line. */
  balanceFen: z.number().int().min(-10_000_000_000).max(10_000_000_000),
});
export type FundLine = z.infer<typeof FundLine>;

export const FundMonth = z.strictObject({
  month: YearMonth,
  openingFen: z.number().int(),
  lines: z.array(FundLine).max(500).default([]),
  closingFen: z.number().int(),
  /** The supervisory committee's review of the month. */
  reviewedBy: Line(60).optional(),
});
export type FundMonth = z.infer<typeof FundMonth>;

export const Asset = z.strictObject({
  code: Code,
  name: Line(60),
  category: z.enum(assetCategories),
  quantity: z.number().int().min(1).max(100_000).default(1),
  originalValueFen: Fen,
  acquiredOn: IsoDate.optional(),
  location: Line(60),
  status: z.enum(assetStatuses),
  /** The contract code, when leased or contracted out. */
  contract: ContractCode.optional(),
});

export const Resource = z.strictObject({
  code: Code,
  landClass: z.enum(landClasses),
  /** Where it lies (a place name, never a household address). */
  location: Line(60),
  /** Area in mu, up to two decimals. */
  areaMu: z.number().positive().max(1_000_000).multipleOf(0.01),
  mode: z.enum(resourceModes),
  contract: ContractCode.optional(),
});

export const Contract = z.strictObject({
  code: ContractCode,
  /** What it is for; leases and contracting-out need a `subject`. */
  kind: z.enum(contractKinds).default('lease'),
  /** Code of the asset or resource the contract is about (none for most works and purchases). */
  subject: Code.optional(),
  /** A company's name, or a natural person's masked name. */
  counterparty: Line(80),
  counterpartyKind: z.enum(counterpartyKinds),
  signedOn: IsoDate,
  term: PublicityWindow,
  /** Total contract value (all years) in fen. */
  priceFen: Fen,
  /** Whether it went through the rural property-rights exchange. */
  viaExchange: z.boolean().default(false),
  /** The decision record (content/decisions file name) that approved it. */
  decision: Slug.optional(),
  note: Paragraph(200).optional(),
});
export type Contract = z.infer<typeof Contract>;

/** A village's three-asset (funds, assets, resources) ledgers for one year, with its contracts. */
export const CollectiveAssets = z.strictObject({
  ...disclosureBase,
  year: z.number().int().min(2000).max(2100),
  /**
   * Contracts at or above this value (fen; "50,000 yuan or above" includes 50,000) need a 4+2 decision; set by the village rules
   * (DOMAIN.md §1.3).
   */
  majorMatterThresholdFen: Fen.default(DEFAULT_MAJOR_MATTER_THRESHOLD_FEN),
  funds: z.array(FundMonth).max(12).default([]),
  assets: z.array(Asset).max(2000).default([]),
  resources: z.array(Resource).max(2000).default([]),
  contracts: z.array(Contract).max(2000).default([]),
});
export type CollectiveAssets = z.infer<typeof CollectiveAssets>;
