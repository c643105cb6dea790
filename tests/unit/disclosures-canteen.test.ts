import { describe, expect, test } from 'vitest';
import {
  canteenChecks,
  canteenDeadline,
  canteenLateness,
  canteenTotals,
  checkBalance,
  checkContinuity,
  checkDays,
  checkPublishedAfterMonth,
  checkSuggestionResponses,
  validateCanteenAccount,
} from '../../src/domain/disclosures/canteen-account/rules.ts';
import type { CanteenAccount } from '../../src/domain/disclosures/canteen-account/schema.ts';
import { changed, problemLines, sampleCanteenAccount } from '../support/disclosure-samples.ts';

const withChange = (change: (a: CanteenAccount) => unknown) => changed(sampleCanteenAccount, change);

describe('canteen account validity rules', () => {
  test('the sample passes every rule', () => {
    expect(validateCanteenAccount(sampleCanteenAccount())).toEqual([]);
  });

  test.each([
    [
      'opening + income − expense = closing, to the fen',
      checkBalance,
      (a: CanteenAccount) => (a.closingFen += 1),
      'closingFen: disclosures.canteen.balanceMismatch',
    ],
    [
      'published after the month ends',
      checkPublishedAfterMonth,
      (a: CanteenAccount) => (a.publishedOn = '2026-03-31'),
      'publishedOn: disclosures.canteen.publishedBeforeMonthEnd',
    ],
    [
      'serving days fit the month',
      checkDays,
      (a: CanteenAccount) => ((a.servingDays = 32), (a.accompaniedMeals.leaderDays = 0)),
      'servingDays: disclosures.canteen.servingDaysTooMany',
    ],
    [
      'leader days within serving days',
      checkDays,
      (a: CanteenAccount) => (a.accompaniedMeals.leaderDays = 21),
      'accompaniedMeals.leaderDays: disclosures.canteen.leaderDaysTooMany',
    ],
    [
      'a handled suggestion says how',
      checkSuggestionResponses,
      (a: CanteenAccount) => delete a.accompaniedMeals.suggestions[0]!.response,
      'accompaniedMeals.suggestions.0.response: disclosures.canteen.responseMissing',
    ],
  ])('%s', (_label, rule, change, expected) => {
    expect(rule(sampleCanteenAccount())).toEqual([]);
    expect(problemLines(rule(withChange(change)))).toEqual([expected]);
  });

  test('the balance message gives both amounts in yuan', () => {
    expect(checkBalance(withChange((a) => (a.closingFen = 0)))[0]!.vars).toEqual({
      expected: '1100.00',
      actual: '0.00',
    });
  });
});

describe('canteen continuity across months', () => {
  const entry = (month: string, opening: number) => ({ id: month, data: sampleCanteenAccount(month, opening) });
  const chain = () => {
    const jan = entry('2026-01', 100_000);
    const feb = entry('2026-02', jan.data.closingFen);
    const mar = entry('2026-03', feb.data.closingFen);
    return [mar, jan, feb];
  };

  test('consecutive months that carry the balance over pass, in any order', () => {
    expect(checkContinuity(chain())).toEqual([]);
  });

  test.each([
    [
      'opening differs from last closing',
      (list: ReturnType<typeof chain>) => (list[0]!.data.openingFen += 100),
      '2026-03 openingFen: disclosures.canteen.openingMismatch',
    ],
    [
      'a month is missing',
      (list: ReturnType<typeof chain>) => list.splice(2, 1),
      '2026-03 month: disclosures.canteen.monthMissing',
    ],
    [
      'a month is filed twice',
      (list: ReturnType<typeof chain>) => list.push(entry('2026-02', 0)),
      '2026-02 month: disclosures.canteen.duplicateMonth',
    ],
  ])('%s', (_label, change, expected) => {
    const list = chain();
    change(list);
    expect(checkContinuity(list).map((x) => `${x.entry.id} ${x.problem.path.join('.')}: ${x.problem.message}`)).toEqual(
      [expected],
    );
  });

  test('a gap names the missing month', () => {
    const [jan, , mar] = [entry('2026-01', 0), null, entry('2026-03', 0)];
    expect(checkContinuity([jan, mar])[0]!.problem.vars).toEqual({ missing: '2026-02' });
  });
});

describe('canteen figures and compliance', () => {
  test('totals, food-cost share and cost per meal', () => {
    expect(canteenTotals(sampleCanteenAccount())).toEqual({
      incomeFen: 1_400_000,
      expenseFen: 1_390_000,
      surplusFen: 10_000,
      mealFeesFen: 1_000_000,
      foodIncomeFen: 1_400_000,
      ingredientsFen: 1_050_000,
      // DOMAIN.md §3.1: ingredients ÷ the meal-fee income line only (the 400,000 fen subsidy is not in the base).
      foodCostShare: { numerator: 1_050_000, denominator: 1_000_000 },
      costPerMealFen: 154,
    });
  });

  test.each([
    ['2026-03', '2026-04-15', 0],
    ['2026-03', '2026-04-16', 1],
    ['2026-12', '2027-01-20', 5],
  ])('accounts for %s published on %s are %i days late', (month, publishedOn, days) => {
    const a = withChange((x) => ((x.month = month), (x.publishedOn = publishedOn)));
    expect(canteenLateness(a)).toBe(days);
  });

  test('the deadline is the 15th of the next month', () => {
    expect(canteenDeadline('2026-12')).toBe('2027-01-15');
  });

  const states = (a: CanteenAccount) => Object.fromEntries(canteenChecks(a).map((c) => [c.key, c.state]));

  test('the sample passes every check', () => {
    expect(states(sampleCanteenAccount())).toEqual({
      publishedOnTime: 'pass',
      leaderAccompaniment: 'pass',
      surplusWithinTolerance: 'pass',
      closingBalance: 'pass',
      suggestionsHandled: 'pass',
    });
  });

  test.each([
    ['published late', (a: CanteenAccount) => (a.publishedOn = '2026-04-20'), 'publishedOnTime', 'fail'],
    [
      'a serving day without a leader at the table',
      (a: CanteenAccount) => (a.accompaniedMeals.leaderDays = 19),
      'leaderAccompaniment',
      'fail',
    ],
    [
      'no serving days',
      (a: CanteenAccount) => ((a.servingDays = 0), (a.accompaniedMeals.leaderDays = 0)),
      'leaderAccompaniment',
      'notApplicable',
    ],
    [
      'surplus above 2% of food income',
      (a: CanteenAccount) => ((a.expense[0]!.amountFen -= 30_000), (a.closingFen += 30_000)),
      'surplusWithinTolerance',
      'fail',
    ],
    [
      'deficit above 2% of food income',
      (a: CanteenAccount) => ((a.expense[0]!.amountFen += 50_000), (a.closingFen -= 50_000)),
      'surplusWithinTolerance',
      'fail',
    ],
    [
      'no food income at all',
      (a: CanteenAccount) => (a.income = [{ category: 'other', amountFen: 10 }]),
      'surplusWithinTolerance',
      'notApplicable',
    ],
    [
      'a suggestion still being handled',
      (a: CanteenAccount) => (a.accompaniedMeals.suggestions = [{ summary: 'x', status: 'inProgress' }]),
      'suggestionsHandled',
      'pending',
    ],
  ])('%s', (_label, change, key, state) => {
    expect(states(withChange(change))[key]).toBe(state);
  });

  test('exactly 2% surplus is tolerated', () => {
    const a = withChange((x) => ((x.expense[0]!.amountFen -= 18_000), (x.closingFen += 18_000)));
    expect(canteenTotals(a).surplusFen).toBe(28_000);
    expect(states(a).surplusWithinTolerance).toBe('pass');
  });
});
