import { z } from 'zod';
import { DocumentLink, Fen, IsoDate, Line, Paragraph, PublicityWindow, disclosureBase } from '../common.ts';

/** What a school buys that parents care about (GLOSSARY: procurement). */
export const procurementCategories = ['uniform', 'teachingMaterials', 'canteenSupplies'] as const;
export type ProcurementCategory = (typeof procurementCategories)[number];

/** Categories where parents buy voluntarily and the parents' committee must take part. */
export const parentFacingCategories: readonly ProcurementCategory[] = ['uniform', 'teachingMaterials'];

/** Procurement methods of the Government Procurement Law, as schools name them. */
export const procurementMethods = [
  'openTender',
  'competitiveConsultation',
  'competitiveNegotiation',
  'inquiry',
  'singleSource',
] as const;
export type ProcurementMethod = (typeof procurementMethods)[number];

/** Document kinds, each mapped to an OCDS 1.1.5 documentType code in ocds.ts. */
export const procurementDocumentKinds = [
  'tenderNotice',
  'biddingDocuments',
  'technicalSpecifications',
  'evaluationReports',
  'awardNotice',
  'contractSigned',
  'parentsMinutes',
] as const;

export const Bidder = z.strictObject({
  /** The bidding company's registered name (companies only: no natural persons). */
  name: Line(80),
  /** The bid price in fen, when read out at opening. */
  bidFen: Fen.optional(),
});

export const ProcurementDocument = DocumentLink.extend({ kind: z.enum(procurementDocumentKinds) });

/** One school procurement: tender, award publicity and contract, as posted for parents. */
export const Procurement = z.strictObject({
  ...disclosureBase,
  /** Notice title, e.g. "2026 autumn student uniforms". */
  title: Line(80),
  category: z.enum(procurementCategories),
  /** What is bought, e.g. "summer uniform, two-piece set". */
  itemDescription: Line(120),
  method: z.enum(procurementMethods),
  /** Why a method other than an open tender was used (required then). */
  methodRationale: Paragraph(300).optional(),
  /** Approved budget in fen. */
  budgetFen: Fen,
  parentCommittee: z.strictObject({
    /** Did the parents' committee take part in deciding and selecting? */
    participated: z.boolean(),
    /** Parents' committee members in the selection group. */
    representatives: z.number().int().min(0).max(50).default(0),
    /** Share of parents who agreed to adopt the item, in percent (uniforms). */
    consentPercent: z.number().min(0).max(100).optional(),
  }),
  /** The voluntary-purchase statement printed on the notice (uniforms, teaching materials). */
  voluntaryPurchase: Paragraph(300).optional(),
  /** Bidding period, when there was one. */
  tenderPeriod: PublicityWindow.optional(),
  bidders: z.array(Bidder).min(1, 'disclosures.procurement.noBidders').max(50),
  award: z.strictObject({
    /** Name of the winning bidder, exactly as in `bidders`. */
    supplier: Line(80),
    /** Date of the award decision. */
    date: IsoDate,
    /** Award value in fen (= unit price × quantity). */
    amountFen: Fen,
    unitPriceFen: Fen,
    quantity: z.number().int().min(1).max(1_000_000),
    /** Unit of the quantity, e.g. set, copy, batch. */
    unitName: Line(10),
  }),
  /** Publicity of the proposed award (at least 5 working days). */
  publicity: PublicityWindow,
  /** The contract, once signed (after the publicity has ended without objections upheld). */
  contract: z.strictObject({ signedOn: IsoDate, serviceYears: z.number().int().min(0).max(10).optional() }).optional(),
  /** Objections received during publicity and how they were answered. */
  objections: z
    .array(z.strictObject({ summary: Paragraph(300), response: Paragraph(300) }))
    .max(50)
    .default([]),
  documents: z.array(ProcurementDocument).max(30).default([]),
});
export type Procurement = z.infer<typeof Procurement>;
