import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase } from '../support/db.ts';
import { scoringSources } from '../support/scoring.ts';
import { standardOf, unitScorecard } from '../../src/services/scoring.ts';
import type { Database } from '../../src/db/client.ts';

/**
 * Issue 12, acceptance 4: a canteen month not filed by the 15th counts against the school's timeliness indicator
 * (C4, disclosureOnTime) from the next day in Beijing. The real content/: 西溪镇中心小学 filed its accounts up to
 * 2026-10 (2026-06 late); 2026-11 is due by 2026-12-15 and is not in content/.
 */
describe('timeliness counts an owed month not filed by its deadline', () => {
  let database: Database;
  let dispose: () => void;
  beforeAll(async () => {
    ({ database, dispose } = await freshDatabase());
  });
  afterAll(() => dispose());

  const c4 = async (now: Date) => {
    const sources = scoringSources(now);
    const card = (await unitScorecard(database, standardOf(sources, 2026)!, sources, 'xixi-central-primary'))!.card;
    return card.indicators.find((i) => i.key === 'C4')!;
  };

  test('on the 15th (Beijing) the month is not yet overdue; on the 16th it lowers the ratio with its evidence', async () => {
    // 2026-12-15T15:59Z is 23:59 on the 15th in Beijing; one minute later it is the 16th.
    const onTheDay = await c4(new Date('2026-12-15T15:59:00Z'));
    const nextDay = await c4(new Date('2026-12-15T16:00:00Z'));
    expect(onTheDay.measured).toMatchObject({ numerator: 9, denominator: 10 });
    expect(onTheDay.evidence.map((e) => e.label)).toEqual(['scoring.evidence.lateDisclosure']);
    expect(nextDay.measured).toMatchObject({ numerator: 9, denominator: 11 });
    expect(nextDay.evidence.at(-1)).toEqual({
      label: 'scoring.evidence.overdueDisclosure',
      vars: { period: '2026-11', days: 1 },
      href: '/units/xixi-central-primary/#overdue',
    });
    expect(nextDay.points).not.toBeNull();
    expect(nextDay.points!).toBeLessThan(onTheDay.points!);
  });

  test('a village’s unfiled quarter counts too: 柳湾村 owes its ledger from 2025-Q4 and has no 2025 file', async () => {
    const sources = scoringSources(new Date('2026-01-21T04:00:00Z'));
    const card = (await unitScorecard(database, standardOf(sources, 2025)!, sources, 'liuwan-village'))!.card;
    const indicator = card.indicators.find((i) => i.key === 'C4')!;
    expect(indicator.measured).toMatchObject({ numerator: 0, denominator: 1 });
    expect(indicator.evidence).toEqual([
      {
        label: 'scoring.evidence.overdueDisclosure',
        vars: { period: '2025-Q4', days: 1 },
        href: '/units/liuwan-village/#overdue',
      },
    ]);
  });
});
