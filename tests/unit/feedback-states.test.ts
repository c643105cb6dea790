import { describe, expect, test } from 'vitest';
import {
  applyCommand,
  feedbackActions,
  transitions,
  type FeedbackCommand,
  type FeedbackSnapshot,
  type FeedbackState,
} from '../../src/domain/feedback/states.ts';
import { addDays, FeedbackRules } from '../../src/domain/feedback/deadlines.ts';
import { chinaCalendar, defaultFeedbackRules as rules } from '../support/calendar.ts';
import { endOfBeijingDay } from '../../src/domain/calendar/periods.ts';

const t0 = new Date('2026-03-01T00:00:00Z');
const base = (over: Partial<FeedbackSnapshot> = {}): FeedbackSnapshot => ({
  kind: 'complaint',
  routedTo: 'unit',
  state: 'received',
  visibility: 'pending',
  publicConsent: true,
  receivedAt: t0,
  acceptedAt: null,
  extensionDays: null,
  repliedAt: null,
  firstAnsweredAt: null,
  reopenedAt: null,
  reopenCount: 0,
  rating: null,
  ...over,
});

const commandFor: Record<(typeof feedbackActions)[number], FeedbackCommand> = {
  accept: { action: 'accept' },
  extend: { action: 'extend', days: 10, reason: '需要调取档案核对' },
  reply: { action: 'reply', body: '已经处理完毕，感谢监督' },
  close: { action: 'close', reason: '不属于本单位职责范围' },
  reopen: { action: 'reopen', reason: '答复没有回应我的问题' },
  rate: { action: 'rate', rating: 'satisfied' },
  publish: { action: 'publish' },
  hide: { action: 'hide', reason: '含有个人信息，暂不公开' },
};
const states: FeedbackState[] = ['received', 'accepted', 'extended', 'replied', 'reopened', 'closed'];

describe('the transition table', () => {
  const cases = feedbackActions.flatMap((action) => states.map((state) => [action, state] as const));
  test.each(cases)('%s from %s is allowed exactly when the table lists the state', (action, state) => {
    const t = transitions[action];
    const s = base({
      state,
      repliedAt: state === 'replied' || state === 'closed' ? t0 : null,
      acceptedAt: state === 'received' ? null : t0,
    });
    const r = applyCommand(s, commandFor[action], t.actor, t0, rules);
    if (t.from.includes(state)) {
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.event.to).toBe(t.to ?? state);
    } else {
      expect(r).toEqual({ ok: false, reason: 'wrong_state' });
    }
  });

  test.each(feedbackActions)('%s refuses any actor other than the one in the table', (action) => {
    const t = transitions[action];
    const state = t.from[0]!;
    for (const actor of ['submitter', 'staff', 'moderator', 'system'] as const) {
      if (actor === t.actor) continue;
      expect(applyCommand(base({ state, repliedAt: t0 }), commandFor[action], actor, t0, rules)).toEqual({
        ok: false,
        reason: 'not_allowed',
      });
    }
  });
});

describe('applyCommand rules', () => {
  test('one extension of at most extensionMaxDays, and its reason is a public note', () => {
    const s = base({ state: 'accepted', acceptedAt: t0 });
    expect(applyCommand(s, { action: 'extend', days: 31, reason: '理由理由理由' }, 'staff', t0, rules)).toEqual({
      ok: false,
      reason: 'extension_too_long',
    });
    const ok = applyCommand(s, { action: 'extend', days: 30, reason: '理由理由理由' }, 'staff', t0, rules);
    expect(ok.ok && ok.event.publicNote).toBe('理由理由理由');
    expect(ok.ok && ok.patch.extensionDays).toBe(30);
    expect(
      applyCommand(
        { ...s, state: 'accepted', extensionDays: 30 },
        { action: 'extend', days: 1, reason: '理由理由理由' },
        'staff',
        t0,
        rules,
      ),
    ).toEqual({
      ok: false,
      reason: 'extension_used',
    });
  });

  test('declining before acceptance needs a reason and counts as the first answer', () => {
    expect(applyCommand(base(), { action: 'close' }, 'staff', t0, rules)).toEqual({
      ok: false,
      reason: 'reason_required',
    });
    const r = applyCommand(base(), { action: 'close', reason: '不属于本单位职责' }, 'staff', addDays(t0, 3), rules);
    expect(r.ok && r.patch.firstAnsweredAt).toEqual(addDays(t0, 3));
    // Received 2026-03-01 08:00 Beijing: 15 days from 03-02 end on Monday 03-16, at 24:00 Beijing.
    expect(r.ok && r.patch.firstAnswerDueAt).toEqual(endOfBeijingDay('2026-03-16'));
  });

  test('the first reply records the deadline that applied (acceptance + 60 + extension)', () => {
    const s = base({ state: 'extended', acceptedAt: t0, extensionDays: 20 });
    const r = applyCommand(s, { action: 'reply', body: '答复内容答复内容' }, 'staff', addDays(t0, 70), rules);
    // Accepted 03-01: 60 days end on Thursday 04-30; 20 more days end on Wednesday 05-20.
    expect(r.ok && r.patch.firstAnswerDueAt).toEqual(endOfBeijingDay('2026-05-20'));
    const again = applyCommand(
      { ...s, state: 'reopened', firstAnsweredAt: t0 },
      { action: 'reply', body: '第二次答复内容' },
      'staff',
      t0,
      rules,
    );
    expect(again.ok && again.patch.firstAnsweredAt).toBeUndefined();
  });

  test('reopen once, within the window after the reply, and it clears the rating', () => {
    const replied = base({
      state: 'replied',
      acceptedAt: t0,
      repliedAt: t0,
      firstAnsweredAt: t0,
      rating: 'dissatisfied',
    });
    const ok = applyCommand(replied, commandFor.reopen, 'submitter', addDays(t0, 30), rules);
    expect(ok.ok && ok.patch).toMatchObject({ state: 'reopened', reopenCount: 1, rating: null });
    expect(applyCommand(replied, commandFor.reopen, 'submitter', addDays(t0, 31), rules)).toEqual({
      ok: false,
      reason: 'reopen_window_passed',
    });
    expect(applyCommand({ ...replied, reopenCount: 1 }, commandFor.reopen, 'submitter', t0, rules)).toEqual({
      ok: false,
      reason: 'reopen_used',
    });
  });

  test('rate once per answer', () => {
    const replied = base({ state: 'replied', repliedAt: t0 });
    expect(applyCommand(replied, commandFor.rate, 'submitter', t0, rules).ok).toBe(true);
    expect(applyCommand({ ...replied, rating: 'satisfied' }, commandFor.rate, 'submitter', t0, rules)).toEqual({
      ok: false,
      reason: 'already_rated',
    });
  });

  test.each([
    [
      'misconduct reports are never published',
      { routedTo: 'commission' as const, kind: 'misconductReport' as const },
      'never_published',
    ],
    ['no consent, no publication', { publicConsent: false }, 'no_consent'],
    ['publishing twice', { visibility: 'published' as const }, 'already_published'],
  ])('%s', (_label, over, reason) => {
    expect(applyCommand(base(over), commandFor.publish, 'moderator', t0, rules)).toEqual({ ok: false, reason });
  });
});

describe('deadlines', () => {
  test('defaults come from the 信访工作条例 (15, 60 (+≤30), 30, 30) and the commission rules (15 working days)', () => {
    expect(rules).toEqual({
      acknowledgeDays: 15,
      handleDays: 60,
      extensionMaxDays: 30,
      reopenWindowDays: 30,
      reviewDays: 30,
      commissionAcknowledgeWorkingDays: 15,
      calendar: chinaCalendar,
    });
    expect(() => FeedbackRules.parse({ handleDays: 0 })).toThrow();
  });
  // The boundaries (due day 23:59 / next day 00:00, holidays, extensions, on-time rates) are in feedback-clocks.test.ts.
});
