import { describe, expect, test } from 'vitest';
import {
  ContentError,
  readCalendar,
  readDisclosureFiles,
  readDisclosures,
  readRegistry,
} from '../../src/content/files.ts';
import { publishedDisclosures } from '../../src/content/store.ts';
import type { ApprovedVersion } from '../../src/db/disclosure-store-snapshot.ts';
import { isCorrected, isWithdrawn } from '../../src/domain/disclosures/history.ts';
import { contentRecord } from '../support/stored-disclosures.ts';

/**
 * The build's merge of the disclosure store into content/ (src/content/store.ts), over the real content/
 * folder: stored records are validated with the files by the same rules, a bad one is named `store:<id>`, a
 * withdrawn one leaves the collections, and each stored disclosure gets its public history.
 */
const registry = readRegistry();
const calendar = readCalendar().calendar;
const merge = (stored: ApprovedVersion[]) =>
  publishedDisclosures({ units: registry.units, calendar, files: readDisclosureFiles(), stored });

const road = contentRecord('decisions/liuwan-village-road-hardening.yaml');
const decision = (over: Record<string, unknown> = {}) => ({ ...road, title: '柳湾村六组村道修补工程', ...over });
const aid = (): Record<string, unknown> => ({
  ...contentRecord('student-aid/xixi-central-primary-2026-autumn-combined.yaml'),
  title: '2025年春季学期资助名单公示',
  schoolYear: 2025,
  semester: 'spring',
  publicity: { start: '2026-03-02', end: '2026-03-09' },
  publishedOn: '2026-03-02',
});

let n = 0;
function version(
  disclosureId: string,
  v: number,
  change: ApprovedVersion['change'],
  data: unknown,
  over: Partial<ApprovedVersion> = {},
): ApprovedVersion {
  n += 1;
  return {
    disclosureId,
    version: v,
    kind: 'decision',
    unitId: 'liuwan-village',
    change,
    data,
    reason: change === 'publish' ? null : 'reason',
    approvedAt: new Date(Date.UTC(2026, 10, n, 2)),
    scrubbedAt: null,
    supervision: null,
    attachments: [],
    ...over,
  };
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ContentError) return e.problems;
    throw e;
  }
  return [];
}

describe('stored disclosures merged into the build', () => {
  test('without stored versions the collections are exactly content/', () => {
    const { entries, history } = merge([]);
    expect(entries).toEqual(readDisclosures());
    expect(history).toEqual([]);
  });

  test('a corrected disclosure publishes its latest version; its history labels the changed fields and masks the reason', () => {
    const { entries, history } = merge([
      version('store-road', 1, 'publish', decision()),
      version(
        'store-road',
        2,
        'correction',
        decision({ title: '柳湾村六组村道修补工程（更正）', amountFen: 47000000 }),
        {
          reason: '金额录入错误，联系人电话 13812345678',
        },
      ),
    ]);
    const entry = entries.decision.find((e) => e.id === 'store-road');
    expect(entry?.file).toBe('store:store-road');
    expect(entry?.data.title).toBe('柳湾村六组村道修补工程（更正）');
    expect(entry?.data.amountFen).toBe(47000000);
    const h = history.find((x) => x.id === 'store-road')!.data;
    expect(isCorrected(h)).toBe(true);
    expect(h.versions.map((v) => [v.version, v.change, v.changedFields.length])).toEqual([
      [1, 'publish', 0],
      [2, 'correction', 2],
    ]);
    expect(h.versions[1]!.changedFields).toEqual(['「决策事项」「事项名称」', '「决策事项」「涉及金额（元）」']);
    expect(h.versions[1]!.reason).toBe('金额录入错误，联系人电话 ***********');
    expect(h.versions[1]!.approvedOn).toMatch(/^2026-11-\d\d$/);
  });

  test('a withdrawn disclosure is not in the collections; its history ends with the withdrawal', () => {
    const { entries, history } = merge([
      version('store-gone', 1, 'publish', decision()),
      version('store-gone', 2, 'withdrawal', null, { reason: '重复发布' }),
    ]);
    expect(entries.decision.map((e) => e.id)).not.toContain('store-gone');
    const h = history.find((x) => x.id === 'store-gone')!.data;
    expect(isWithdrawn(h)).toBe(true);
    expect(h.versions.at(-1)).toMatchObject({ change: 'withdrawal', reason: '重复发布', changedFields: [] });
  });

  test('the attachments in force: a correction without files keeps them, one with files replaces them, a withdrawal takes them offline', () => {
    const file = (c: string, name: string) =>
      ({ sha256: c.repeat(64), name, mime: 'application/pdf', size: 100 }) as const;
    const inForce = (versions: ApprovedVersion[]) =>
      merge(versions)
        .history.find((x) => x.id === versions[0]!.disclosureId)!
        .data.attachments.map((a) => a.name);
    const first = version('store-files', 1, 'publish', decision(), { attachments: [file('a', '会议记录.pdf')] });
    const kept = version('store-files', 2, 'correction', decision({ amountFen: 47000000 }));
    const replaced = version('store-files', 3, 'correction', decision(), { attachments: [file('b', '合同.pdf')] });
    const gone = version('store-files', 4, 'withdrawal', null, { reason: '重复发布' });
    expect(inForce([first])).toEqual(['会议记录.pdf']);
    expect(inForce([first, kept])).toEqual(['会议记录.pdf']);
    expect(inForce([first, kept, replaced])).toEqual(['合同.pdf']);
    expect(inForce([first, kept, replaced, gone])).toEqual([]);
  });

  test('an invalid stored record stops the build naming store:<id> and the field', () => {
    const problems = problemsOf(() => merge([version('store-bad', 1, 'publish', decision({ amountFen: -1 }))]));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.startsWith('store:store-bad › '))).toBe(true);
    expect(problems.join('\n')).toContain('store:store-bad › amountFen:');
  });

  test('only the latest version is validated: a bad first version corrected later does not stop the build', () => {
    const { entries } = merge([
      version('store-fixed', 1, 'publish', decision({ amountFen: -1 })),
      version('store-fixed', 2, 'correction', decision()),
    ]);
    expect(entries.decision.map((e) => e.id)).toContain('store-fixed');
  });

  test('a stored id that a file of content/ uses (any kind) stops the build: one permalink per disclosure', () => {
    const problems = problemsOf(() => merge([version('liuwan-village-road-hardening', 1, 'publish', decision())]));
    expect(problems).toEqual([expect.stringMatching(/^store:liuwan-village-road-hardening › \(entry\): /)]);
    const otherKind = readDisclosureFiles().canteenAccount[0]!.id;
    expect(problemsOf(() => merge([version(otherKind, 1, 'publish', decision())]))).toEqual([
      expect.stringMatching(new RegExp(`^store:${otherKind} › \\(entry\\): `)),
    ]);
  });

  test('a stored record of an unknown kind is named, not skipped', () => {
    expect(problemsOf(() => merge([version('store-odd', 1, 'publish', decision(), { kind: 'menu' })]))).toEqual([
      expect.stringMatching(/^store:store-odd › kind: .*menu/),
    ]);
  });

  test('an aid list whose names the store blanked validates; blank names without the scrub do not', () => {
    const scrubbedData = { ...aid(), recipients: (aid().recipients as object[]).map((r) => ({ ...r, name: '' })) };
    const over = { kind: 'studentAid', unitId: 'xixi-central-primary' };
    const { entries } = merge([
      version('store-aid', 1, 'publish', scrubbedData, { ...over, scrubbedAt: new Date('2026-03-20T00:00:00Z') }),
    ]);
    expect(entries.studentAid.find((e) => e.id === 'store-aid')?.data.recipients.map((r) => r.name)).toEqual([
      '',
      '',
      '',
      '',
    ]);
    const problems = problemsOf(() => merge([version('store-aid', 1, 'publish', scrubbedData, over)]));
    expect(problems.length).toBe(4);
    expect(problems[0]).toMatch(/^store:store-aid › recipients\.0\.name: /);
  });

  test('stored records meet the rules across records: a second ledger for the same village and year is refused', () => {
    const ledger = contentRecord('collective-assets/liuwan-village-2026.yaml');
    const problems = problemsOf(() =>
      merge([version('store-ledger', 1, 'publish', ledger, { kind: 'collectiveAssets' })]),
    );
    expect(problems.some((p) => p.includes('year:'))).toBe(true);
  });
});
