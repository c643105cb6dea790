import { describe, expect, test } from 'vitest';
import { ContentError, readCalendar, readDisclosureFiles, readRegistry } from '../../src/content/files.ts';
import { publishedDisclosures, publishedPowerLists } from '../../src/content/store.ts';
import type { ApprovedVersion } from '../../src/db/disclosure-store-snapshot.ts';
import { checkPowerList, powerChanges, powerListId, powerListKind } from '../../src/domain/units/power-list.ts';
import { asPowers, problemsByField, readPowerForm } from '../../src/forms/power-list-form.ts';
import { beijingDate } from '../../src/domain/calendar/dates.ts';
import { luhnComplete } from '../support/identifier-probe.ts';

/**
 * A unit's power list in the disclosure store (issue 12): the rules a submitted list is checked by (the content
 * schema `Power`, the identifier detector, unique titles), the entry-by-entry changes, the form's strict reading,
 * and the build's merge over the real content/ folder: an approved list replaces the file's `powers`, a bad one
 * is named `store:powers-<unit>`, and the disclosure collections never see the power list kind.
 */
const registry = readRegistry();
const xixi = registry.units.find((u) => u.id === 'xixi-central-primary')!;
const canteen = {
  title: '食堂账目公开',
  decidedBy: '校长办公会',
  steps: ['每月结账', '膳食监督家长委员会审核', '次月15日前公开'],
  disclosedAt: '食堂公示栏、本网站',
};
const uniforms = {
  title: '校服采购',
  decidedBy: '校务委员会、家长委员会',
  steps: ['家长自愿征订', '公开招标', '结果公示'],
  disclosedAt: '校务公开栏、本网站',
};

let n = 0;
function version(v: number, powers: unknown[], over: Partial<ApprovedVersion> = {}): ApprovedVersion {
  n += 1;
  return {
    disclosureId: powerListId('xixi-central-primary'),
    version: v,
    kind: powerListKind,
    unitId: 'xixi-central-primary',
    change: v === 1 ? 'publish' : 'correction',
    data: { unit: 'xixi-central-primary', powers },
    reason: `reason ${v}`,
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

describe('the rules of a submitted list', () => {
  test('the content schema: lengths and at least one step, with the field named', () => {
    const r = checkPowerList({ unit: 'xixi-central-primary', powers: [{ ...uniforms, title: 'x', steps: [] }] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.path.join('.')).sort()).toEqual(['powers.0.steps', 'powers.0.title']);
  });

  test.each([
    ['a mobile number in decidedBy', { decidedBy: '王校长 13812345678' }, 'powers.0.decidedBy'],
    ['a resident ID in a step', { steps: ['家长自愿征订', '联系 11010519491231002X'] }, 'powers.0.steps.1'],
    [
      'a bank card in disclosedAt',
      { disclosedAt: `账户 ${luhnComplete('622202123456789012')}` },
      'powers.0.disclosedAt',
    ],
  ])('%s is refused by the identifier detector', (_, over, path) => {
    const r = checkPowerList({ unit: 'xixi-central-primary', powers: [{ ...uniforms, ...over }] });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems).toContainEqual({
        path: path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
        message: 'powers.field.identifier',
      });
  });

  test('titles are unique within a list; an unknown field is refused', () => {
    const dup = checkPowerList({
      unit: 'xixi-central-primary',
      powers: [uniforms, { ...uniforms, decidedBy: '校长办公会' }],
    });
    expect(dup).toMatchObject({
      ok: false,
      problems: [{ path: ['powers', 1, 'title'], message: 'powers.title.duplicate' }],
    });
    expect(checkPowerList({ unit: 'xixi-central-primary', powers: [{ ...uniforms, owner: '张三' }] }).ok).toBe(false);
    expect(checkPowerList({ unit: 'xixi-central-primary', powers: [canteen, uniforms] }).ok).toBe(true);
  });

  test('changes are matched by title: added, changed, removed', () => {
    const c = powerChanges(
      [canteen, uniforms],
      [
        { ...canteen, steps: ['每月结账', '次月15日前公开'] },
        { ...uniforms, title: '教辅征订' },
      ],
    );
    expect(c.added.map((p) => p.title)).toEqual(['教辅征订']);
    expect(c.changed.map((p) => p.after.title)).toEqual(['食堂账目公开']);
    expect(c.removed.map((p) => p.title)).toEqual(['校服采购']);
    expect(powerChanges([canteen], [{ ...canteen }])).toEqual({ added: [], changed: [], removed: [] });
  });
});

describe('the form', () => {
  const base: [string, string][] = [
    ['_csrf', 'token'],
    ['unit', 'xixi-central-primary'],
    ['powers.0.title', canteen.title],
    ['powers.0.decidedBy', canteen.decidedBy],
    ['powers.0.steps', '每月结账\r\n\r\n  次月15日前公开  \n'],
    ['powers.0.disclosedAt', canteen.disclosedAt],
    ['powers.1.title', uniforms.title],
    ['powers.1.remove', '1'],
    ['powers.2.title', ''],
    ['powers.2.decidedBy', ' '],
    ['reason', '调整流程'],
    ['action', 'update'],
  ];
  test('reads the list: ticked and blank entries dropped, steps one per line', () => {
    const r = readPowerForm(base);
    expect(r).toMatchObject({ ok: true, unit: 'xixi-central-primary', action: 'update', reason: '调整流程' });
    if (!r.ok) return;
    expect(r.entries.map((e) => e.title)).toEqual([canteen.title]);
    expect(asPowers(r.entries)).toEqual([{ ...canteen, steps: ['每月结账', '次月15日前公开'] }]);
  });
  test.each([
    ['an unknown field', [...base, ['owner', 'x']]],
    ['a repeated field', [...base, ['powers.0.title', 'again']]],
    ['an index past the cap', [...base, ['powers.61.title', 'x']]],
    ['an unknown action', [...base.filter(([k]) => k !== 'action'), ['action', 'publish']]],
  ] as [string, [string, string][]][])('%s → 400 naming it', (_, entries) => {
    expect(readPowerForm(entries)).toMatchObject({ ok: false, status: 400 });
  });
  test('problems go to the field, a step’s to its textarea with the line named', () => {
    const errors = problemsByField([
      { path: ['powers', 0, 'steps', 1], message: 'powers.field.identifier' },
      { path: ['reason'], message: 'approval.reason.required' },
      { path: ['powers'], message: 'common.schema.tooBig.array', vars: { maximum: '60' } },
    ]);
    expect(Object.keys(errors).sort()).toEqual(['_', 'powers.0.steps', 'reason']);
    expect(errors['powers.0.steps']).toContain('2');
  });
});

describe('the build’s merge (src/content/store.ts) over content/', () => {
  test('the latest approved list replaces the unit’s file; other units keep theirs; history per version', () => {
    expect(xixi.powers[0]!.title).toBe(canteen.title);
    const stored = [version(1, [...xixi.powers, uniforms]), version(2, [uniforms])];
    const [on1, on2] = stored.map((v) => beijingDate(v.approvedAt));
    const { units, history } = publishedPowerLists(registry.units, stored);
    expect(units.find((u) => u.id === 'xixi-central-primary')!.powers).toEqual([uniforms]);
    for (const u of units.filter((x) => x.id !== 'xixi-central-primary'))
      expect(u.powers).toEqual(registry.units.find((x) => x.id === u.id)!.powers);
    expect(history).toEqual([
      {
        id: 'xixi-central-primary',
        data: {
          unit: 'xixi-central-primary',
          versions: [
            {
              version: 1,
              approvedOn: on1,
              reason: 'reason 1',
              added: ['校服采购'],
              changed: [],
              removed: [],
            },
            {
              version: 2,
              approvedOn: on2,
              reason: 'reason 2',
              added: [],
              changed: [],
              removed: xixi.powers.map((p) => p.title),
            },
          ],
        },
      },
    ]);
  });

  test('a stored list with an identifier or for an unknown unit stops the build naming store:powers-<unit>', () => {
    const bad = version(1, [{ ...uniforms, decidedBy: '联系 13812345678' }]);
    expect(problemsOf(() => publishedPowerLists(registry.units, [bad]))).toEqual([
      expect.stringMatching(/^store:powers-xixi-central-primary › powers\.0\.decidedBy: .*powers\.field\.identifier/),
    ]);
    const ghost = version(1, [uniforms], { unitId: 'no-such-unit', disclosureId: 'powers-no-such-unit' });
    expect(problemsOf(() => publishedPowerLists(registry.units, [ghost]))).toEqual([
      expect.stringMatching(/^store:powers-no-such-unit › unit: /),
    ]);
  });

  test('the disclosure collections ignore stored power lists (no unknown-kind problem, no history entry)', () => {
    const r = publishedDisclosures({
      units: registry.units,
      calendar: readCalendar().calendar,
      files: readDisclosureFiles(),
      stored: [version(1, [uniforms])],
    });
    expect(r.history).toEqual([]);
  });
});
