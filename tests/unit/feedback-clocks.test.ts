import { describe, expect, test } from 'vitest';
import { applyCommand, type FeedbackSnapshot } from '../../src/domain/feedback/states.ts';
import {
  currentDeadline,
  daysOverdue,
  deadlinesOf,
  firstAnswerDueAt,
  isOverdue,
  onTimeReplyRate,
  type DeadlineFacts,
} from '../../src/domain/feedback/deadlines.ts';
import { endOfBeijingDay, periodEnd, workingPeriodEnd } from '../../src/domain/calendar/periods.ts';
import { chinaCalendar, defaultFeedbackRules as rules } from '../support/calendar.ts';
import { toStaffItem } from '../../src/domain/staff/feedback-views.ts';
import { toTrackingView, type FeedbackRecord } from '../../src/domain/feedback/public.ts';

/**
 * The feedback clocks at their boundaries (DOMAIN.md §6; Civil Code arts. 201 and 203). Every expected
 * date below was worked out by hand from the State Council's 2026 holiday notice (content/calendar/2026.yaml),
 * not by running the code under test.
 */

/** An instant given as Beijing wall-clock time. */
const bj = (local: string) => new Date(`${local}+08:00`);

const base = (over: Partial<FeedbackSnapshot> = {}): FeedbackSnapshot => ({
  kind: 'complaint',
  routedTo: 'unit',
  state: 'received',
  visibility: 'pending',
  publicConsent: true,
  receivedAt: bj('2026-03-02T10:00:00'),
  acceptedAt: null,
  extensionDays: null,
  repliedAt: null,
  firstAnsweredAt: null,
  reopenedAt: null,
  reopenCount: 0,
  rating: null,
  ...over,
});
const facts = (s: FeedbackSnapshot, over: Partial<DeadlineFacts> = {}): DeadlineFacts => ({
  ...s,
  firstAnswerDueAt: null,
  ...over,
});

const record = (s: FeedbackSnapshot): FeedbackRecord => ({
  ...s,
  id: 'x',
  trackingCode: 'ABCDEFGHJKMN',
  unitId: 'u',
  disclosureId: null,
  body: '食堂饭菜价格偏高，希望公开成本',
  meal: null,
  suggestion: null,
  extensionReason: null,
  replyBody: null,
  firstAnswerDueAt: null,
  closedAt: null,
  closeReason: null,
  ratedAt: null,
  demo: false,
  version: 1,
});

describe('period ends (Civil Code arts. 201, 203)', () => {
  test.each([
    ['Civil Code art. 201: the event day is not counted (03-02 + 15 days)', '2026-03-02', 15, '2026-03-17'],
    ['Civil Code art. 203: last day a Saturday rolls to Monday', '2026-03-06', 15, '2026-03-23'],
    ['Civil Code art. 203: last day in the Spring Festival holiday rolls to 02-24', '2026-02-01', 15, '2026-02-24'],
    ['Civil Code art. 203: last day in the National Day holiday rolls to 10-08', '2026-09-16', 15, '2026-10-08'],
    [
      'Civil Code art. 203 + 2026 notice: a moved working Saturday (02-28) is not a day off',
      '2026-02-13',
      15,
      '2026-02-28',
    ],
    ['Civil Code art. 203: 60 days ending on Labour Day (05-01) roll to 05-06', '2026-03-02', 60, '2026-05-06'],
  ])('%s', (_title, event, days, expected) => {
    expect(periodEnd(chinaCalendar, event, days)).toEqual({ date: expected, provisional: false });
  });

  test('no calendar file for 2027: weekends only, marked provisional', () => {
    // 2026-12-02 + 60 days = 2027-01-31, a Sunday → Monday 2027-02-01, but there is no 2027 calendar file.
    expect(periodEnd(chinaCalendar, '2026-12-02', 60)).toEqual({ date: '2027-02-01', provisional: true });
  });

  test('DOMAIN §6.2 (commission rules on reports): 15 working days skip weekends and holidays, count moved working days', () => {
    // From 09-17: 17,18 | 20 (moved working Sunday) | 21–24 | 28–30 | 10-08, 10-09, 10-10 (moved working Saturday) | 10-12, 10-13.
    expect(workingPeriodEnd(chinaCalendar, '2026-09-16', 15)).toEqual({ date: '2026-10-13', provisional: false });
  });

  test('Civil Code art. 203: the period ends at 24:00 Beijing, stored as the last millisecond of the day', () => {
    expect(endOfBeijingDay('2026-03-17').toISOString()).toBe('2026-03-17T15:59:59.999Z');
  });
});

describe('overdue by the day (Civil Code art. 203; 信访工作条例 arts. 23, 34)', () => {
  // Received Monday 2026-03-02 10:00 Beijing: acknowledge by 03-17.
  test.each([
    ['Civil Code art. 203: acknowledgement, due day 23:59 is not overdue', base(), '2026-03-17T23:59:00', 0],
    ['Civil Code art. 203: acknowledgement, next day 00:00 is 1 day overdue', base(), '2026-03-18T00:00:00', 1],
    ['Civil Code art. 203: overdue counted in whole days (03-20 noon → 3)', base(), '2026-03-20T12:00:00', 3],
    [
      'Civil Code art. 201: received 00:30 Beijing (16:30 UTC the day before) counts from the Beijing day',
      base({ receivedAt: new Date('2026-03-02T16:30:00Z') }),
      '2026-03-18T23:59:00',
      0,
    ],
    [
      '信访工作条例 art. 34 + Civil Code art. 203: 60-day handling due on a holiday, 05-06 23:59 in time',
      base({ state: 'accepted', acceptedAt: bj('2026-03-02T09:00:00') }),
      '2026-05-06T23:59:59',
      0,
    ],
    [
      '信访工作条例 art. 34 + Civil Code art. 203: 60-day handling, 05-07 00:00 overdue',
      base({ state: 'accepted', acceptedAt: bj('2026-03-02T09:00:00') }),
      '2026-05-07T00:00:00',
      1,
    ],
    [
      '信访工作条例 art. 34: an extension of 30 days starts after the original due day (05-06 → 06-05)',
      base({ state: 'extended', acceptedAt: bj('2026-03-02T09:00:00'), extensionDays: 30 }),
      '2026-06-05T23:59:00',
      0,
    ],
    [
      '信访工作条例 art. 34: extended item overdue from 00:00 after its extended due day',
      base({ state: 'extended', acceptedAt: bj('2026-03-02T09:00:00'), extensionDays: 30 }),
      '2026-06-06T00:00:00',
      1,
    ],
    [
      'DOMAIN §6.2: commission report, 15 working days, 10-13 23:59 in time',
      base({ routedTo: 'commission', kind: 'misconductReport', receivedAt: bj('2026-09-16T15:00:00') }),
      '2026-10-13T23:59:00',
      0,
    ],
    [
      'DOMAIN §6.2: commission report, 10-14 00:00 overdue (commission clock)',
      base({ routedTo: 'commission', kind: 'misconductReport', receivedAt: bj('2026-09-16T15:00:00') }),
      '2026-10-14T00:00:00',
      1,
    ],
  ])('%s', (_title, s, at, late) => {
    const f = facts(s);
    expect(daysOverdue(f, bj(at), rules)).toBe(late);
    expect(isOverdue(f, bj(at), rules)).toBe(late > 0);
  });

  test('信访工作条例 art. 23: the current deadline of a received item is the acknowledgement due date', () => {
    expect(currentDeadline(facts(base()), rules)).toEqual({ date: '2026-03-17', provisional: false });
    expect(currentDeadline(facts(base({ state: 'replied' })), rules)).toBeNull();
  });
});

describe('extension only before the deadline passes (信访工作条例 art. 34; Civil Code art. 203)', () => {
  const accepted = base({ state: 'accepted', acceptedAt: bj('2026-03-02T09:00:00') });
  const extend = (days: number) => ({ action: 'extend' as const, days, reason: '需要现场核查多个村民小组' });

  test.each([
    [
      '信访工作条例 art. 34 + Civil Code art. 203: on the due day at 23:59 → granted',
      accepted,
      30,
      '2026-05-06T23:59:00',
      null,
    ],
    [
      '信访工作条例 art. 34 + Civil Code art. 203: the day after the deadline at 00:00 → refused',
      accepted,
      30,
      '2026-05-07T00:00:00',
      'extension_deadline_passed',
    ],
    ['信访工作条例 art. 34: at most 30 days → 31 refused', accepted, 31, '2026-04-01T10:00:00', 'extension_too_long'],
    [
      '信访工作条例 art. 34: once → a second extension refused',
      { ...accepted, state: 'extended' as const, extensionDays: 10 },
      5,
      '2026-04-01T10:00:00',
      'wrong_state',
    ],
    [
      '信访工作条例 art. 34: once → an item with an extension recorded is refused',
      { ...accepted, extensionDays: 10 },
      5,
      '2026-04-01T10:00:00',
      'extension_used',
    ],
  ])('%s', (_title, s, days, at, refusal) => {
    const r = applyCommand(s, extend(days), 'staff', bj(at), rules);
    if (refusal === null)
      expect(r.ok && r.patch).toEqual({ state: 'extended', extensionDays: days, extensionReason: extend(days).reason });
    else expect(r).toEqual({ ok: false, reason: refusal });
  });

  test('信访工作条例 art. 34: after a refused late extension the item is still overdue', () => {
    const at = bj('2026-05-08T10:00:00');
    expect(applyCommand(accepted, extend(10), 'staff', at, rules).ok).toBe(false);
    expect(daysOverdue(facts(accepted), at, rules)).toBe(2);
  });

  test('信访工作条例 art. 34: the staff inbox offers the extension only while it is allowed', () => {
    const onDueDay = toStaffItem(record(accepted), bj('2026-05-06T23:59:00'), rules);
    expect(onDueDay).toMatchObject({ canExtend: true, overdue: false, dueOn: '2026-05-06', daysOverdue: 0 });
    const dayAfter = toStaffItem(record(accepted), bj('2026-05-07T00:00:00'), rules);
    expect(dayAfter).toMatchObject({ canExtend: false, overdue: true, dueOn: '2026-05-06', daysOverdue: 1 });
    expect(toStaffItem(record(base()), bj('2026-03-03T10:00:00'), rules).canExtend).toBe(false);
  });
});

describe('answers on the due day are on time (Civil Code art. 203), and the on-time rate follows it', () => {
  test.each([
    ['Civil Code art. 203: declined on the acknowledgement due day at 23:59:59 → on time', '2026-03-17T23:59:59', 1],
    ['Civil Code art. 203: declined the next day at 00:00 → late', '2026-03-18T00:00:00', 0],
  ])('%s', (_title, at, onTime) => {
    const closed = applyCommand(base(), { action: 'close', reason: '不属于本单位职责范围' }, 'staff', bj(at), rules);
    expect(closed.ok && closed.patch.firstAnswerDueAt).toEqual(endOfBeijingDay('2026-03-17'));
    if (!closed.ok) return;
    const f = facts(base({ state: 'closed' }), {
      firstAnsweredAt: closed.patch.firstAnsweredAt ?? null,
      firstAnswerDueAt: closed.patch.firstAnswerDueAt ?? null,
    });
    expect(onTimeReplyRate([f], bj('2026-06-01T00:00:00'), rules)).toEqual({ due: 1, onTime, rate: onTime });
  });

  test('信访工作条例 art. 34: the reply due date recorded is the extended one (05-06 + 20 → 05-26)', () => {
    const s = base({ state: 'extended', acceptedAt: bj('2026-03-02T09:00:00'), extensionDays: 20 });
    expect(firstAnswerDueAt(s, rules)).toEqual(endOfBeijingDay('2026-05-26'));
    expect(deadlinesOf(s, rules).handleBy).toEqual({ date: '2026-05-26', provisional: false });
  });

  test.each([
    ['Civil Code art. 203: unanswered, on the due day → not yet counted', '2026-03-17T23:59:00', 0],
    ['Civil Code art. 203: unanswered, from the next day 00:00 → counted as late', '2026-03-18T00:00:00', 1],
  ])('%s', (_title, at, due) => {
    expect(onTimeReplyRate([facts(base())], bj(at), rules).due).toBe(due);
  });
});

describe('reopen window (信访工作条例 art. 35; Civil Code arts. 201, 203)', () => {
  const replied = base({
    state: 'replied',
    acceptedAt: bj('2026-03-02T09:00:00'),
    repliedAt: bj('2026-03-02T17:00:00'),
    firstAnsweredAt: bj('2026-03-02T17:00:00'),
  });
  const reopen = { action: 'reopen' as const, reason: '答复没有回应我的问题' };
  test.each([
    ['信访工作条例 art. 35 + Civil Code art. 203: day 30 (04-01) at 23:59 → allowed', '2026-04-01T23:59:00', true],
    ['信访工作条例 art. 35 + Civil Code art. 203: 04-02 at 00:00 → window passed', '2026-04-02T00:00:00', false],
  ])('%s', (_title, at, ok) => {
    expect(applyCommand(replied, reopen, 'submitter', bj(at), rules).ok).toBe(ok);
  });
});

describe('the commission clock is for the commission only (DOMAIN §6.2; 信访工作条例 art. 30)', () => {
  const report = base({
    routedTo: 'commission',
    kind: 'misconductReport',
    publicConsent: false,
    receivedAt: bj('2026-09-16T15:00:00'),
  });
  test('DOMAIN §6.2: the commission staff view carries the 15-working-day due date and its overdue mark', () => {
    expect(toStaffItem(record(report), bj('2026-10-14T00:00:00'), rules)).toMatchObject({
      dueOn: '2026-10-13',
      overdue: true,
      daysOverdue: 1,
      canExtend: false,
    });
  });
  test('DOMAIN §6.2: the public tracking view shows it as routed, never overdue, with no handling clock', () => {
    const view = toTrackingView(record(report), [], bj('2026-10-14T00:00:00'), rules);
    expect(view.status).toBe('routed');
    expect(view.deadlines).toMatchObject({ handleBy: null, reviewBy: null, current: null });
  });
  test('DOMAIN §6.2: reports with the commission never count in a unit on-time rate', () => {
    expect(onTimeReplyRate([facts(report)], bj('2026-12-01T00:00:00'), rules)).toEqual({
      due: 0,
      onTime: 0,
      rate: null,
    });
  });
});
