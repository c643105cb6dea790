import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { nextBeijingTime } from '../../src/domain/calendar/dates.ts';
import { createCalendar } from '../../src/domain/calendar/working-days.ts';
import { aidNamesExpired } from '../../src/domain/disclosures/student-aid/rules.ts';
import { absoluteDatabaseUrl, buildFailure } from '../../src/services/site-builds.ts';
import { buildFinished, buildSteps } from '../../src/site/builds/labels.ts';

describe('the nightly schedule: 00:05 Beijing time', () => {
  test.each([
    // 23:00 Beijing on 2 March -> 00:05 on 3 March (16:05 UTC on 2 March).
    ['2026-03-02T15:00:00Z', '2026-03-02T16:05:00.000Z'],
    // 00:04:59 Beijing -> the same night.
    ['2026-03-02T16:04:59Z', '2026-03-02T16:05:00.000Z'],
    // Exactly 00:05 -> the next night (strictly after).
    ['2026-03-02T16:05:00Z', '2026-03-03T16:05:00.000Z'],
    // Midday UTC = 20:00 Beijing.
    ['2026-12-31T12:00:00Z', '2026-12-31T16:05:00.000Z'],
    // 08:00 Beijing on 1 January: the next tick is the night of 1-2 January.
    ['2027-01-01T00:00:00Z', '2027-01-01T16:05:00.000Z'],
  ])('after %s the next tick is %s', (after, next) => {
    expect(nextBeijingTime(new Date(after), 0, 5).toISOString()).toBe(next);
  });
});

describe('a failed build, as the approver reads it', () => {
  const root = '/srv/qinglian/';
  test('the located lines, without the project path, ANSI colours or stack frames; the first file is the subject', () => {
    const out = [
      '\u001b[31m[ERROR]\u001b[39m [content] Invalid content',
      '/srv/qinglian/content/canteen-accounts/xixi-2026-03.yaml › closingFen: balance mismatch (disclosures.canteen.balanceMismatch)',
      '/srv/qinglian/content/decisions/hetang-1.yaml › stages.2.date: before the previous stage',
      '    at readDisclosures (file:///srv/qinglian/src/content/files.ts:80:11)',
    ].join('\n');
    expect(buildFailure(out, root)).toEqual({
      error: [
        'content/canteen-accounts/xixi-2026-03.yaml › closingFen: balance mismatch (disclosures.canteen.balanceMismatch)',
        'content/decisions/hetang-1.yaml › stages.2.date: before the previous stage',
      ].join('\n'),
      errorSubject: 'content/canteen-accounts/xixi-2026-03.yaml',
    });
  });

  test('without a located line: the last lines, no subject; identifiers are masked', () => {
    const out = `${Array.from({ length: 30 }, (_, i) => `line ${String(i)}`).join('\n')}\nreport to 13812345678\n`;
    const r = buildFailure(out, root);
    expect(r.errorSubject).toBeNull();
    expect(r.error.split('\n')).toHaveLength(20);
    expect(r.error).toContain('line 29');
    expect(r.error).not.toContain('line 10\n');
    expect(r.error).not.toContain('13812345678');
  });

  test('a stored disclosure is named as store:<id>; empty output still says something', () => {
    expect(buildFailure('store:aid-2026-9 › publicity.end: before start', root).errorSubject).toBe('store:aid-2026-9');
    expect(buildFailure('', root)).toEqual({ error: 'build failed without output', errorSubject: null });
  });
});

describe('aid names expire after the publicity window (the rule the nightly scrub applies)', () => {
  const calendar = createCalendar([]);
  const list = (publicity: object) => ({ publicity, recipients: [] });
  test('an explicit end: names go the day after it', () => {
    const data = list({ start: '2026-03-02', end: '2026-03-09' });
    expect(aidNamesExpired(data, '2026-03-09', calendar)).toBe(false);
    expect(aidNamesExpired(data, '2026-03-10', calendar)).toBe(true);
  });
  test('no end: the fifth working day from the start', () => {
    const data = list({ start: '2026-03-02' });
    expect(aidNamesExpired(data, '2026-03-06', calendar)).toBe(false);
    expect(aidNamesExpired(data, '2026-03-07', calendar)).toBe(true);
  });
  test('a record without a readable window is left alone', () => {
    expect(aidNamesExpired({ recipients: [] }, '2030-01-01', calendar)).toBe(false);
    expect(aidNamesExpired(list({ start: 'soon' }), '2030-01-01', calendar)).toBe(false);
  });
});

describe('the progress page steps', () => {
  test('queued, building, then live or failed', () => {
    expect(buildSteps('queued').map((s) => [s.step, s.done, s.current])).toEqual([
      ['queued', false, true],
      ['building', false, false],
      ['live', false, false],
    ]);
    expect(buildSteps('building').map((s) => [s.step, s.done, s.current])).toEqual([
      ['queued', true, false],
      ['building', false, true],
      ['live', false, false],
    ]);
    expect(buildSteps('failed').map((s) => [s.step, s.done, s.current])).toEqual([
      ['queued', true, false],
      ['building', true, false],
      ['failed', true, true],
    ]);
    // A build that wrote its own index (or one from before the index step was recorded): live is the last step.
    expect(buildSteps('live', null).map((s) => [s.step, s.done, s.current])).toEqual([
      ['queued', true, false],
      ['building', true, false],
      ['live', true, true],
    ]);
  });

  test('after live, the search index step of a build that left its index out; pending is not finished', () => {
    const steps = (index: 'pending' | 'live' | 'failed') =>
      buildSteps('live', index).map((s) => [s.step, s.label, s.done, s.current]);
    expect(steps('pending')).toEqual([
      ['queued', '排队中', true, false],
      ['building', '构建中', true, false],
      ['live', '已上线', true, false],
      ['index', '正在更新搜索索引', false, true],
    ]);
    expect(steps('live').at(-1)).toEqual(['index', '搜索索引已更新', true, true]);
    expect(steps('failed').at(-1)).toEqual(['index', '搜索索引更新失败', true, true]);
    expect(buildFinished('live', 'pending')).toBe(false);
    expect(buildFinished('live', 'live')).toBe(true);
    expect(buildFinished('live', 'failed')).toBe(true);
    expect(buildFinished('live', null)).toBe(true);
    expect(buildFinished('building', null)).toBe(false);
    expect(buildFinished('failed', null)).toBe(true);
  });
});

describe('the database the build reads', () => {
  test('a relative embedded file is made absolute (the build runs in the project folder); others unchanged', () => {
    expect(absoluteDatabaseUrl('file:db/local.db')).toBe(`file:${resolve('db/local.db')}`);
    expect(absoluteDatabaseUrl('file:/var/lib/q/db.db')).toBe('file:/var/lib/q/db.db');
    expect(absoluteDatabaseUrl('libsql://x.example.org')).toBe('libsql://x.example.org');
  });
});
