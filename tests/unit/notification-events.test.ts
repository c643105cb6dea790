import { describe, expect, test } from 'vitest';
import { nextAttemptAt, reminderDue, type RetryPolicy } from '../../src/domain/notifications/events.ts';
import { type DeadlineFacts } from '../../src/domain/feedback/deadlines.ts';
import { defaultFeedbackRules } from '../support/calendar.ts';

const policy: RetryPolicy = { baseMs: 30_000, maxMs: 3_600_000, maxAttempts: 10 };
const at = new Date('2026-03-01T08:00:00Z');

describe('nextAttemptAt', () => {
  test.each([
    [1, 30_000],
    [2, 60_000],
    [3, 120_000],
    [7, 1_920_000],
    // Capped at maxMs.
    [8, 3_600_000],
    [9, 3_600_000],
  ])('after %i failed attempts waits %i ms', (attempts, delay) => {
    expect(nextAttemptAt(attempts, at, policy)?.getTime()).toBe(at.getTime() + delay);
  });

  test('gives up once the attempts are used up', () => {
    expect(nextAttemptAt(10, at, policy)).toBeNull();
    expect(nextAttemptAt(11, at, policy)).toBeNull();
    expect(nextAttemptAt(1, at, { ...policy, maxAttempts: 1 })).toBeNull();
  });
});

describe('reminderDue', () => {
  // Received 2026-03-01 16:00 Beijing: acknowledge within 15 days, due 2026-03-16 (a Monday).
  const received: DeadlineFacts = {
    state: 'received',
    receivedAt: at,
    acceptedAt: null,
    extensionDays: null,
    reopenedAt: null,
    firstAnsweredAt: null,
    firstAnswerDueAt: null,
    routedTo: 'unit',
  };
  const on = (date: string) => new Date(`${date}T12:00:00+08:00`);

  test.each([
    ['2026-03-12', null],
    ['2026-03-13', { event: 'deadlineSoon', due: '2026-03-16' }],
    ['2026-03-16', { event: 'deadlineSoon', due: '2026-03-16' }],
    ['2026-03-17', { event: 'deadlinePassed', due: '2026-03-16' }],
    ['2026-05-01', { event: 'deadlinePassed', due: '2026-03-16' }],
  ])('on %s: %o', (date, expected) => {
    expect(reminderDue(received, on(date), defaultFeedbackRules)).toEqual(expected);
  });

  test('an answered item needs no reminder', () => {
    const replied: DeadlineFacts = { ...received, state: 'replied', firstAnsweredAt: at };
    expect(reminderDue(replied, on('2026-05-01'), defaultFeedbackRules)).toBeNull();
  });
});
