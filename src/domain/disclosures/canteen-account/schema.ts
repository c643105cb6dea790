import { z } from 'zod';
import { Fen, Line, Paragraph, SignedFen, YearMonth, disclosureBase } from '../common.ts';

/** Income lines of a school canteen (DOMAIN.md §3.1: fees, subsidies, donations, other lawful income). */
export const canteenIncomeCategories = ['mealFees', 'subsidy', 'donations', 'other'] as const;
/** Expense lines by category (the monthly table of a self-run canteen). */
export const canteenExpenseCategories = [
  'ingredients',
  'fuel',
  'utilities',
  'labour',
  'consumables',
  'maintenance',
  'other',
] as const;

const AccountLine = <T extends readonly [string, ...string[]]>(categories: T) =>
  z.strictObject({
    category: z.enum(categories),
    /** Optional detail, e.g. "rice and oil". */
    label: Line(40).optional(),
    amountFen: Fen,
  });

export const suggestionStatuses = ['handled', 'inProgress'] as const;

/** One month of a school canteen's accounts, published by the 15th of the next month. */
export const CanteenAccount = z.strictObject({
  ...disclosureBase,
  /** The month these accounts cover, `YYYY-MM`. */
  month: YearMonth,
  /** Balance at the start of the month; equals last month's closing balance (negative after a deficit month). */
  openingFen: SignedFen,
  income: z.array(AccountLine(canteenIncomeCategories)).min(1).max(30),
  expense: z.array(AccountLine(canteenExpenseCategories)).min(1).max(30),
  /**
   * Balance at the end of the month = opening + income − expense. A negative balance (a month in deficit) is
   * published and flagged by the `closingBalance` compliance check.
   */
  closingFen: SignedFen,
  /** Meals served in the month (all sittings). */
  mealsServed: z.number().int().min(0).max(1_000_000),
  /** Days the canteen served meals. */
  servingDays: z.number().int().min(0).max(31),
  /** The month's accompanied meals summary. */
  accompaniedMeals: z.strictObject({
    /** Serving days on which a school leader ate with the students and signed the record. */
    leaderDays: z.number().int().min(0).max(31),
    /** Parents' accompanied-meal sessions held. */
    parentSessions: z.number().int().min(0).max(500),
    /** Suggestions written in the records and what the school did about them. */
    suggestions: z
      .array(
        z.strictObject({
          summary: Paragraph(200),
          status: z.enum(suggestionStatuses),
          /** How it was handled (required once handled). */
          response: Paragraph(300).optional(),
        }),
      )
      .max(50)
      .default([]),
  }),
});
export type CanteenAccount = z.infer<typeof CanteenAccount>;
