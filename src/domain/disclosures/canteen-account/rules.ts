import { daysBetween, daysInMonth, lastDayOfMonth, nextMonth, previousMonth } from '../../calendar/dates.ts';
import { problem, sum, yuan, type CheckResult, type Problem } from '../common.ts';
import { CANTEEN_SURPLUS_TOLERANCE_PERCENT } from '../constants.ts';
import { periodDeadline } from '../due.ts';
import type { CanteenAccount } from './schema.ts';

/** Totals and ratios shown with every month. */
export function canteenTotals(a: CanteenAccount) {
  const incomeFen = sum(a.income.map((l) => l.amountFen));
  const expenseFen = sum(a.expense.map((l) => l.amountFen));
  const mealFeesFen = sum(a.income.filter((l) => l.category === 'mealFees').map((l) => l.amountFen));
  const subsidyFen = sum(a.income.filter((l) => l.category === 'subsidy').map((l) => l.amountFen));
  const ingredientsFen = sum(a.expense.filter((l) => l.category === 'ingredients').map((l) => l.amountFen));
  return {
    incomeFen,
    expenseFen,
    surplusFen: incomeFen - expenseFen,
    mealFeesFen,
    /** Income meant for food: meal fees plus meal subsidies (nutrition plan); the base of the surplus tolerance. */
    foodIncomeFen: mealFeesFen + subsidyFen,
    ingredientsFen,
    /**
     * The key canteen KPI (DOMAIN.md §3.1, the food-cost share): food purchases ÷ the meal-fee income
     * line only — subsidies are not in the denominator. An exact fraction; pages show it with two decimals.
     */
    foodCostShare: mealFeesFen > 0 ? { numerator: ingredientsFen, denominator: mealFeesFen } : null,
    /** Average cost per meal served, in fen. */
    costPerMealFen: a.mealsServed > 0 ? Math.round(expenseFen / a.mealsServed) : null,
  };
}

/** opening + income − expense = closing, to the fen. */
export function checkBalance(a: CanteenAccount): Problem[] {
  const t = canteenTotals(a);
  const expected = a.openingFen + t.incomeFen - t.expenseFen;
  return expected === a.closingFen
    ? []
    : [
        problem(['closingFen'], 'disclosures.canteen.balanceMismatch', {
          expected: yuan(expected),
          actual: yuan(a.closingFen),
        }),
      ];
}

/** Accounts are published after the month has ended. */
export function checkPublishedAfterMonth(a: CanteenAccount): Problem[] {
  return a.publishedOn <= lastDayOfMonth(a.month)
    ? [problem(['publishedOn'], 'disclosures.canteen.publishedBeforeMonthEnd', { month: a.month })]
    : [];
}

/** Serving and accompanied days fit in the month. */
export function checkDays(a: CanteenAccount): Problem[] {
  const [y, m] = a.month.split('-').map(Number) as [number, number];
  const out: Problem[] = [];
  if (a.servingDays > daysInMonth(y, m))
    out.push(problem(['servingDays'], 'disclosures.canteen.servingDaysTooMany', { days: daysInMonth(y, m) }));
  if (a.accompaniedMeals.leaderDays > a.servingDays) {
    out.push(
      problem(['accompaniedMeals', 'leaderDays'], 'disclosures.canteen.leaderDaysTooMany', { serving: a.servingDays }),
    );
  }
  return out;
}

/** A suggestion marked handled says how. */
export function checkSuggestionResponses(a: CanteenAccount): Problem[] {
  return a.accompaniedMeals.suggestions.flatMap((s, i) =>
    s.status === 'handled' && !s.response
      ? [problem(['accompaniedMeals', 'suggestions', i, 'response'], 'disclosures.canteen.responseMissing')]
      : [],
  );
}

export function validateCanteenAccount(a: CanteenAccount): Problem[] {
  return [...checkBalance(a), ...checkPublishedAfterMonth(a), ...checkDays(a), ...checkSuggestionResponses(a)];
}

/**
 * Cross-month rules for one school: no month twice, no gap, and each month opens with the
 * previous month's closing balance. `months` may be in any order; problems name the later month.
 */
export function checkContinuity<T extends { id: string; data: CanteenAccount }>(
  months: readonly T[],
): { entry: T; problem: Problem }[] {
  const sorted = months.toSorted((a, b) => a.data.month.localeCompare(b.data.month));
  const out: { entry: T; problem: Problem }[] = [];
  let prev = sorted[0];
  for (const cur of sorted.slice(1)) {
    if (!prev) break;
    if (cur.data.month === prev.data.month) {
      // Reported once; the sequence goes on from the first file of that month.
      out.push({ entry: cur, problem: problem(['month'], 'disclosures.canteen.duplicateMonth', { other: prev.id }) });
      continue;
    }
    if (cur.data.month !== nextMonth(prev.data.month)) {
      out.push({
        entry: cur,
        problem: problem(['month'], 'disclosures.canteen.monthMissing', { missing: previousMonth(cur.data.month) }),
      });
    } else if (cur.data.openingFen !== prev.data.closingFen) {
      out.push({
        entry: cur,
        problem: problem(['openingFen'], 'disclosures.canteen.openingMismatch', {
          previous: prev.data.month,
          closing: yuan(prev.data.closingFen),
        }),
      });
    }
    prev = cur;
  }
  return out;
}

/** The publication deadline of a month's accounts: the 15th of the following month. */
export function canteenDeadline(month: string): string {
  return periodDeadline('canteenAccount', month);
}

/** Calendar days after the deadline (0 when on time). */
export function canteenLateness(a: CanteenAccount): number {
  return Math.max(0, daysBetween(canteenDeadline(a.month), a.publishedOn));
}

export function canteenChecks(a: CanteenAccount): CheckResult[] {
  const t = canteenTotals(a);
  const late = canteenLateness(a);
  const deadline = canteenDeadline(a.month);
  const tolerance = Math.floor((t.foodIncomeFen * CANTEEN_SURPLUS_TOLERANCE_PERCENT) / 100);
  const open = a.accompaniedMeals.suggestions.filter((s) => s.status !== 'handled').length;
  return [
    late === 0
      ? {
          key: 'publishedOnTime',
          state: 'pass',
          reason: 'disclosures.reason.onTime',
          vars: { deadline, published: a.publishedOn },
        }
      : {
          key: 'publishedOnTime',
          state: 'fail',
          reason: 'disclosures.reason.late',
          vars: { deadline, published: a.publishedOn, days: late },
        },
    a.servingDays === 0
      ? { key: 'leaderAccompaniment', state: 'notApplicable', reason: 'disclosures.reason.noServingDays' }
      : a.accompaniedMeals.leaderDays >= a.servingDays
        ? {
            key: 'leaderAccompaniment',
            state: 'pass',
            reason: 'disclosures.reason.leaderEveryDay',
            vars: { days: a.servingDays },
          }
        : {
            key: 'leaderAccompaniment',
            state: 'fail',
            reason: 'disclosures.reason.leaderMissingDays',
            vars: { days: a.accompaniedMeals.leaderDays, serving: a.servingDays },
          },
    t.foodIncomeFen === 0
      ? { key: 'surplusWithinTolerance', state: 'notApplicable', reason: 'disclosures.reason.noMealIncome' }
      : Math.abs(t.surplusFen) <= tolerance
        ? {
            key: 'surplusWithinTolerance',
            state: 'pass',
            reason: 'disclosures.reason.surplusOk',
            vars: { surplus: yuan(t.surplusFen), limit: yuan(tolerance), percent: CANTEEN_SURPLUS_TOLERANCE_PERCENT },
          }
        : {
            key: 'surplusWithinTolerance',
            state: 'fail',
            reason: 'disclosures.reason.surplusHigh',
            vars: { surplus: yuan(t.surplusFen), limit: yuan(tolerance), percent: CANTEEN_SURPLUS_TOLERANCE_PERCENT },
          },
    a.closingFen < 0
      ? {
          key: 'closingBalance',
          state: 'fail',
          reason: 'disclosures.reason.deficit',
          vars: { closing: yuan(a.closingFen) },
        }
      : {
          key: 'closingBalance',
          state: 'pass',
          reason: 'disclosures.reason.noDeficit',
          vars: { closing: yuan(a.closingFen) },
        },
    open === 0
      ? {
          key: 'suggestionsHandled',
          state: 'pass',
          reason: 'disclosures.reason.suggestionsDone',
          vars: { count: a.accompaniedMeals.suggestions.length },
        }
      : {
          key: 'suggestionsHandled',
          state: 'pending',
          reason: 'disclosures.reason.suggestionsOpen',
          vars: { count: open },
        },
  ];
}
