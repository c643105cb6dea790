import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { experimental_AstroContainer as AstroContainer } from 'astro/container';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import StudentAidDetail from '../../src/components/disclosures/StudentAidDetail.astro';
import { readCalendar, readDisclosures } from '../../src/content/files.ts';
import type { DisclosureItem } from '../../src/content/disclosures.ts';
import { t } from '../../src/i18n/t.ts';
import { formatDate } from '../../src/i18n/format.ts';

/**
 * Issue 17, acceptance 6: with no calendar file for 2027 a disclosure dated in 2027 still builds and its page
 * says 暂按工作日计算; adding a valid 2027 file removes the notice.
 *
 * The build has no content-folder override (the loaders read `<project root>/content`), so this test works on
 * a throw-away copy of the project: `astro sync` there runs the real content step of `astro build` (the
 * loaders, where a missing year used to stop the build); the page part is rendered with Astro's container API
 * from the same content folder (readDisclosures + readCalendar, the readers the loaders call).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOTICE = t('disclosures.calendar.provisional');

/** An aid list posted from Monday 2027-01-11 with no end: the end is the fifth working day. */
const AID_2027 = `# Test fixture: a fictional aid list dated in 2027.
unit: nanhu-nine-year-school
title: 2027年春季学期寄宿生生活补助名单公示（测试）
programme: boardingAllowance
schoolYear: 2026
semester: spring
publicity: { start: 2027-01-11 }
objectionChannel: 如有异议，请在公示期内向学校资助工作领导小组办公室反映。
recipients:
  - { grade: 七年级, class: 1班, name: 黄*, amountFen: 62500, tier: difficult }
publishedOn: 2027-01-11
demo: true
`;

/**
 * TEST FIXTURE, never shipped: a made-up 2027 calendar (no State Council notice for 2027 exists in this
 * project). Its one "holiday", Wednesday 2027-01-13, is invented so the computed end visibly moves.
 */
const FIXTURE_2027 = `# TEST FIXTURE ONLY: invented dates, not a State Council notice. Never copy into content/.
year: 2027
notice:
  title: TEST FIXTURE - not a real notice
  number: null
  date: 2026-11-01
holidays:
  - { name: fixture holiday, first: 2027-01-13, last: 2027-01-13 }
workdays: []
`;

let project: string;
const content = () => join(project, 'content');

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'qinglian-calendar-'));
  for (const f of ['astro.config.mjs', 'package.json', 'tsconfig.json']) cpSync(join(ROOT, f), join(project, f));
  for (const d of ['src', 'public', 'content']) cpSync(join(ROOT, d), join(project, d), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
  writeFileSync(join(content(), 'student-aid', 'fixture-2027-spring.yaml'), AID_2027);
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

function astroSync() {
  const r = spawnSync(process.execPath, [join(project, 'node_modules/astro/bin/astro.mjs'), 'sync'], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    timeout: 120_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

async function renderAidPage(): Promise<string> {
  const { calendar } = readCalendar(content());
  const entry = readDisclosures(content(), undefined, calendar).studentAid.find((e) => e.id === 'fixture-2027-spring');
  expect(entry).toBeDefined();
  const item = { kind: 'studentAid', id: entry!.id, data: entry!.data } as unknown as DisclosureItem<'studentAid'>;
  const container = await AstroContainer.create();
  // eslint-disable-next-line @typescript-eslint/no-unsafe-argument -- typescript-eslint does not resolve .astro modules (astro check does)
  return container.renderToString(StudentAidDetail, { props: { item, today: '2027-01-12', calendar } });
}

describe('a disclosure dated in a year without a calendar file', () => {
  test('no 2027 file: the content step of the build passes and the page says 暂按工作日计算', async () => {
    expect(readCalendar(content()).years.map((y) => y.year)).not.toContain(2027);
    const synced = astroSync();
    expect(synced.status, synced.output).toBe(0);
    const html = await renderAidPage();
    expect(html).toContain(NOTICE);
    // Monday-Friday from Monday 2027-01-11: the fifth working day is Friday 2027-01-15.
    expect(html).toContain(t('disclosures.aid.endComputed', { date: formatDate('2027-01-15') }));
  }, 180_000);

  test('a valid 2027 file (fixture) removes the notice and its days count', async () => {
    writeFileSync(join(content(), 'calendar', '2027.yaml'), FIXTURE_2027);
    try {
      expect(readCalendar(content()).years.map((y) => y.year)).toContain(2027);
      const html = await renderAidPage();
      expect(html).not.toContain(NOTICE);
      // The fixture's day off on Wednesday 2027-01-13 pushes the fifth working day to Monday 2027-01-18.
      expect(html).toContain(t('disclosures.aid.endComputed', { date: formatDate('2027-01-18') }));
    } finally {
      rmSync(join(content(), 'calendar', '2027.yaml'));
    }
  });
});
