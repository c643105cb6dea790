import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CalendarFile } from '../../src/domain/calendar/calendar-file.ts';
import { ContentError, readCalendar } from '../../src/content/files.ts';

/** A valid year (invented dates for the schema test; not a real notice). */
const valid = () => ({
  year: 2030,
  notice: { title: 'TEST FIXTURE', number: 'TEST-1', date: '2029-11-01' },
  holidays: [
    { name: 'A', first: '2030-01-01', last: '2030-01-01' },
    { name: 'B', first: '2030-02-02', last: '2030-02-08' },
  ],
  workdays: [{ date: '2030-02-09', name: 'B make-up' }],
});

const messages = (data: unknown) => {
  const r = CalendarFile.safeParse(data);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('a calendar file (content/calendar/<year>.yaml)', () => {
  test('a valid year parses', () => {
    expect(messages(valid())).toEqual([]);
  });

  test.each([
    [
      'a holiday outside the year',
      (f: ReturnType<typeof valid>) => void (f.holidays[0]!.first = '2029-12-31'),
      ['holidays.0.first: disclosures.calendar.outsideYear'],
    ],
    [
      'a workday outside the year',
      (f: ReturnType<typeof valid>) => void (f.workdays[0]!.date = '2031-01-04'),
      ['workdays.0.date: disclosures.calendar.outsideYear'],
    ],
    [
      'a day both off and worked',
      (f: ReturnType<typeof valid>) => void (f.workdays[0]!.date = '2030-02-02'),
      ['workdays.0.date: disclosures.calendar.bothOffAndWork'],
    ],
    [
      'a make-up day on a weekday',
      (f: ReturnType<typeof valid>) => void (f.workdays[0]!.date = '2030-02-11'),
      ['workdays.0.date: disclosures.calendar.workdayNotWeekend'],
    ],
    [
      'a range ending before it starts',
      (f: ReturnType<typeof valid>) => void (f.holidays[1]!.last = '2030-02-01'),
      ['holidays.1.last: disclosures.calendar.lastBeforeFirst'],
    ],
    [
      'a notice dated in the year itself',
      (f: ReturnType<typeof valid>) => void (f.notice.date = '2030-01-05'),
      ['notice.date: disclosures.calendar.noticeYear'],
    ],
  ])('rejects %s', (_label, change, expected) => {
    const f = valid();
    change(f);
    expect(messages(f)).toEqual(expected);
  });

  test('every entry is named and the notice is cited', () => {
    const f = valid() as Record<string, unknown>;
    expect(messages({ ...f, holidays: [{ first: '2030-01-01', last: '2030-01-01' }] })).toHaveLength(1);
    expect(messages({ ...f, workdays: [{ date: '2030-02-09', name: ' ' }] })).toHaveLength(1);
    expect(messages({ ...f, notice: undefined })).toHaveLength(1);
    expect(messages({ ...f, notice: { title: 'x', date: '2029-11-01' } })).toHaveLength(1);
  });

  test('readCalendar names the file, and the file must be named after its year', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-cal-'));
    try {
      mkdirSync(join(dir, 'calendar'));
      writeFileSync(join(dir, 'calendar', '2031.yaml'), JSON.stringify(valid()));
      const error = (() => {
        try {
          readCalendar(dir);
          return undefined;
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ContentError);
      expect((error as ContentError).problems).toEqual([
        expect.stringMatching(/calendar\/2031\.yaml › year: .*disclosures\.calendar\.fileName/),
      ]);
      rmSync(join(dir, 'calendar', '2031.yaml'));
      writeFileSync(join(dir, 'calendar', '2030.yaml'), JSON.stringify(valid()));
      expect(readCalendar(dir).years).toEqual([
        {
          year: 2030,
          holidays: [
            ['2030-01-01', '2030-01-01'],
            ['2030-02-02', '2030-02-08'],
          ],
          workingWeekendDays: ['2030-02-09'],
        },
      ]);
      // No folder at all: no years, every date provisional (not an error).
      expect(readCalendar(join(dir, 'none')).years).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
