import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { listAudit } from '../../src/db/audit-repo.ts';
import { approveSubmission, findSubmission, listVersions } from '../../src/db/disclosure-store-repo.ts';
import { readCalendar, readDisclosureFiles } from '../../src/content/files.ts';
import { publishedDisclosures } from '../../src/content/store.ts';
import { checkDecisionForm, submitDecisionForm, type DecisionFormResult } from '../../src/forms/decision-form.ts';
import { storedDecision, storedDecisions } from '../../src/services/decision-records.ts';
import { freshDatabase } from '../support/db.ts';
import { uploadContext } from '../support/sheets.ts';

/**
 * The plain HTML form of a 4+2 record (issue 12) on a real libSQL file, against the real content/: a new record
 * checked by the build's own rules and stored as a submission awaiting the committee's sign-off; every validity
 * rule named on its form field; a stage out of the required order refused; the next stage of an approved record
 * stored as a `progress` version (not a correction) whose public history names the added stage; nothing stored
 * on any error, and a few hundred random bodies never throw nor answer anything but a 4xx.
 */
let database: Database;
let dispose: () => void;
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase({ seed: false }));
});
afterAll(() => dispose());

const VILLAGE = 'hetang-village';
const ctx = uploadContext({ allowedUnits: [VILLAGE, 'xixi-central-primary'], today: '2026-12-02' });
const at = new Date('2026-12-02T02:00:00Z');
const deps = () => ({
  database,
  contentIds: new Set(
    Object.values(ctx.existing)
      .flat()
      .map((e) => e.id),
  ),
  at,
});

/** A value that leaves the field out of the body. */
const omit = '\u0000';

/** A new record with its first stage, as the form posts it (every value a string, amounts in yuan). */
const newRecord = (overrides: Record<string, string> = {}): [string, string][] =>
  Object.entries({
    _csrf: 'token',
    action: 'preview',
    id: 'hetang-village-pond-dredging',
    unit: VILLAGE,
    publishedOn: '2026-11-20',
    title: '荷塘清淤工程',
    category: 'publicWelfareProjects',
    amountFen: '56000.50',
    profile: 'villagersRepresentatives',
    initiatedBy: 'partyMembersAndVillagers',
    stage: 'partyProposal',
    'stage.date': '2026-11-18',
    'stage.form': '现场会议',
    'stage.expected': '5',
    'stage.present': '5',
    'stage.for': '5',
    'stage.against': '0',
    'stage.abstain': '0',
    'stage.summary': '提议实施荷塘清淤',
    ...overrides,
  }).filter(([, v]) => v !== omit);
const codes = (r: DecisionFormResult) => (r.ok ? [] : r.problems.map((p) => `${p.field} ${p.code}`));
const submissions = async () =>
  (await database.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM disclosure_submissions`))[0]!.n;

describe('a new record', () => {
  test('valid: the preview stores nothing; submit stores a submission with the checked data and an audit row', async () => {
    const before = await submissions();
    const preview = checkDecisionForm({ mode: 'new', entries: newRecord(), ctx });
    expect(preview).toMatchObject({ ok: true, id: 'hetang-village-pond-dredging', stage: 'partyProposal' });
    if (!preview.ok) return;
    // Yuan → fen exactly; the schema's defaults filled in; demo data on the demo city.
    expect(preview.data).toMatchObject({ amountFen: 5600050, secretaryIsDirector: false, demo: true });
    expect(preview.data.stages).toEqual([
      expect.objectContaining({ stage: 'partyProposal', date: '2026-11-18', expected: 5, present: 5, for: 5 }),
    ]);
    // The compliance verdicts the public page will show: a record under way awaits its later stages (pending).
    expect(preview.checks.find((c) => c.key === 'order')).toMatchObject({
      state: 'pending',
      reason: 'disclosures.reason.stageAwaited',
      vars: { stage: 'committeesDeliberation' },
    });
    expect(preview.checks.some((c) => c.state === 'fail')).toBe(false);
    expect(await submissions()).toBe(before);

    const r = await submitDecisionForm(
      { mode: 'new', entries: newRecord({ action: 'submit' }), ctx },
      { ...deps(), submittedBy: 'staff:clerk' },
    );
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    const stored = await findSubmission(database, r.submissionId!);
    expect(stored).toMatchObject({ kind: 'decision', change: 'publish', unitId: VILLAGE, state: 'submitted' });
    expect(stored!.data).toEqual(r.data);
    const audit = await listAudit(database, 'disclosure', 'hetang-village-pond-dredging');
    expect(audit.map((a) => a.action)).toContain('disclosure.submitted');
  });

  test('the merged first stage only under one-shoulder leadership', () => {
    const without = checkDecisionForm({ mode: 'new', entries: newRecord({ stage: 'proposalAndDeliberation' }), ctx });
    expect(codes(without)).toEqual(['stage decisionForm.stage.notNext']);
    const withIt = checkDecisionForm({
      mode: 'new',
      entries: newRecord({ stage: 'proposalAndDeliberation', secretaryIsDirector: 'on' }),
      ctx,
    });
    expect(withIt).toMatchObject({ ok: true, data: { secretaryIsDirector: true } });
  });

  test('a later stage first is refused (out of order), naming the stage field; nothing stored', async () => {
    const before = await submissions();
    for (const stage of ['committeesDeliberation', 'partyMeetingReview', 'villagersResolution', 'resultDisclosure']) {
      const r = await submitDecisionForm(
        { mode: 'new', entries: newRecord({ stage, action: 'submit' }), ctx },
        { ...deps(), submittedBy: 'staff:clerk' },
      );
      expect(r).toMatchObject({ ok: false, status: 422 });
      expect(codes(r)).toContain('stage decisionForm.stage.notNext');
    }
    expect(await submissions()).toBe(before);
  });

  const cases: [string, Record<string, string>, string][] = [
    ['present above expected', { 'stage.present': '6' }, 'stage.present disclosures.decision.presentExceedsExpected'],
    [
      'more votes than present',
      { 'stage.for': '5', 'stage.against': '1' },
      'stage.for disclosures.decision.votesExceedPresent',
    ],
    [
      'a phone number in the summary',
      { 'stage.summary': '联系 13812345678' },
      'stage.summary disclosures.personalData.mobile',
    ],
    [
      'a resident id in the form',
      { 'stage.form': '11010519491231002X' },
      'stage.form disclosures.personalData.residentId',
    ],
    ['a phone number in the title', { title: '清淤 13812345678' }, 'title disclosures.personalData.mobile'],
    ['three decimals of yuan', { amountFen: '12.345' }, 'amountFen sheets.value.amount'],
    ['a negative amount', { amountFen: '-5' }, 'amountFen disclosures.amount.negative'],
    ['an unknown category', { category: 'casino' }, 'category sheets.value.enum'],
    ['a date that is not one', { 'stage.date': '2026-02-30' }, 'stage.date sheets.value.date'],
    ['a count that is not a number', { 'stage.expected': 'five' }, 'stage.expected sheets.value.int'],
    ['a title too long', { title: '长'.repeat(81) }, 'title disclosures.text.tooLong'],
    ['no title', { title: omit }, 'title'],
    ['no meeting date', { 'stage.date': '' }, 'stage.date'],
    ['a bad permalink', { id: 'Bad Id!' }, 'id disclosures.fileName.invalid'],
    ['no permalink', { id: '' }, 'id sheets.id.missing'],
    ['another unit', { unit: 'liuwan-village' }, 'unit sheets.unit.outOfScope'],
    ['a school', { unit: 'xixi-central-primary' }, 'unit disclosures.unit.wrongCarrier'],
    [
      'a minutes link that is not https',
      { 'stage.minutes.title': '会议记录', 'stage.minutes.url': 'http://x' },
      'stage.minutes.url disclosures.document.url',
    ],
    [
      'a posting field on a meeting',
      { 'stage.postedOn': '2026-11-19' },
      'stage.postedOn decisionForm.field.notForStage',
    ],
  ];
  test.each(cases)('%s: refused on its field (422), nothing stored', async (_, overrides, expected) => {
    const before = await submissions();
    const r = await submitDecisionForm(
      { mode: 'new', entries: newRecord({ ...overrides, action: 'submit' }), ctx },
      { ...deps(), submittedBy: 'staff:clerk' },
    );
    expect(r).toMatchObject({ ok: false, status: 422 });
    expect(codes(r).some((c) => c.startsWith(expected))).toBe(true);
    if (!r.ok) for (const p of r.problems) expect(p.text).toMatch(/\p{Script=Han}/u);
    expect(await submissions()).toBe(before);
  });

  test('a permalink of content/ is refused on the id field (409), nothing stored', async () => {
    const before = await submissions();
    const r = await submitDecisionForm(
      { mode: 'new', entries: newRecord({ id: 'hetang-village-cadre-allowances', action: 'submit' }), ctx },
      { ...deps(), submittedBy: 'staff:clerk' },
    );
    expect(r).toMatchObject({ ok: false, status: 409 });
    expect(codes(r)).toEqual(['id store.disclosureId.inContent']);
    expect(await submissions()).toBe(before);
  });

  test('unknown and repeated fields are refused (400)', () => {
    expect(checkDecisionForm({ mode: 'new', entries: [...newRecord(), ['evil', 'x']], ctx })).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(checkDecisionForm({ mode: 'new', entries: [...newRecord(), ['title', 'again']], ctx })).toMatchObject({
      ok: false,
      status: 400,
      problems: [{ field: 'title', code: 'decisionForm.field.repeated' }],
    });
  });
});

describe('the next stage of a stored record', () => {
  const ID = 'hetang-village-well-repair';
  const approve = async (submissionId: string) => {
    const r = await approveSubmission(
      database,
      {
        submissionId,
        approver: 'staff:committee',
        approverUnits: [VILLAGE],
        at,
        supervision: { reviewedOn: '2026-12-02', opinion: '同意公开' },
      },
      () => Promise.resolve([]),
    );
    if (!r.ok) throw new Error(r.code);
    return r;
  };

  test('stage by stage: each next stage is a progress version after approval, never a correction', async () => {
    const first = await submitDecisionForm(
      { mode: 'new', entries: newRecord({ id: ID, title: '古井修缮', action: 'submit' }), ctx },
      { ...deps(), submittedBy: 'staff:clerk' },
    );
    if (!first.ok) throw new Error(JSON.stringify(first.problems));
    // Not approved yet: nothing to carry forward.
    expect(await storedDecision(database, ID, [VILLAGE])).toBeUndefined();
    await approve(first.submissionId!);

    const record = await storedDecision(database, ID, [VILLAGE]);
    expect(record).toMatchObject({ version: 1, pending: false });
    expect((await storedDecisions(database, [VILLAGE])).map((d) => d.disclosureId)).toContain(ID);
    // Another unit's clerk does not see it.
    expect(await storedDecision(database, ID, ['liuwan-village'])).toBeUndefined();

    const stage2 = (overrides: Record<string, string> = {}): [string, string][] =>
      Object.entries({
        _csrf: 'token',
        action: 'submit',
        record: ID,
        stage: 'committeesDeliberation',
        'stage.date': '2026-11-25',
        'stage.expected': '7',
        'stage.present': '7',
        'stage.for': '6',
        'stage.against': '0',
        'stage.abstain': '1',
        ...overrides,
      });
    // Out of order: the party meeting before the committees' deliberation, or a posting.
    for (const stage of ['partyMeetingReview', 'resolutionDisclosure', 'partyProposal']) {
      const r = await submitDecisionForm(
        { mode: 'stage', entries: stage2({ stage }), record: record!, ctx },
        { ...deps(), submittedBy: 'staff:clerk' },
      );
      expect(codes(r)).toContain('stage decisionForm.stage.notNext');
    }
    // A record field that is not the clerk's to change on this form.
    expect(
      checkDecisionForm({ mode: 'stage', entries: stage2({ title: 'changed' }), record: record!, ctx }),
    ).toMatchObject({ ok: false, status: 400 });
    const before = await submissions();
    const bad = await submitDecisionForm(
      { mode: 'stage', entries: stage2({ 'stage.present': '8' }), record: record!, ctx },
      { ...deps(), submittedBy: 'staff:clerk' },
    );
    expect(codes(bad)).toContain('stage.present disclosures.decision.presentExceedsExpected');
    expect(await submissions()).toBe(before);

    const next = await submitDecisionForm(
      { mode: 'stage', entries: stage2(), record: record!, ctx },
      { ...deps(), submittedBy: 'staff:clerk' },
    );
    if (!next.ok) throw new Error(JSON.stringify(next.problems));
    const sub = await findSubmission(database, next.submissionId!);
    expect(sub).toMatchObject({ change: 'progress', disclosureId: ID, reason: null });
    expect((sub!.data as { stages: { stage: string }[] }).stages.map((s) => s.stage)).toEqual([
      'partyProposal',
      'committeesDeliberation',
    ]);
    // While it awaits approval, no further stage is drafted from the stale record.
    const pending = await storedDecision(database, ID, [VILLAGE]);
    expect(pending?.pending).toBe(true);
    const again = await submitDecisionForm(
      { mode: 'stage', entries: stage2(), record: pending!, ctx },
      { ...deps(), submittedBy: 'staff:clerk' },
    );
    expect(again).toMatchObject({ ok: false, status: 409, problems: [{ code: 'decisionForm.record.pending' }] });

    const approved = await approve(next.submissionId!);
    expect(approved.version).toBe(2);
    const versions = await listVersions(database, ID);
    expect(versions.map((v) => v.change)).toEqual(['publish', 'progress']);
    const audit = await listAudit(database, 'disclosure', ID);
    expect(audit.map((a) => a.action)).toContain('disclosure.progress');

    // The public history: a progress version naming the added stage; the record is not "corrected".
    const published = publishedDisclosures({
      units: ctx.units,
      calendar: readCalendar().calendar,
      files: readDisclosureFiles(),
      stored: versions.map((v) => ({ ...v, data: v.data, supervision: v.supervision, attachments: [] })),
    });
    const history = published.history.find((h) => h.id === ID)!.data;
    expect(history.versions.map((v) => [v.change, v.changedFields])).toEqual([
      ['publish', []],
      ['progress', ['新增环节：“两委”商议']],
    ]);
    const { isCorrected, hasProgress } = await import('../../src/domain/disclosures/history.ts');
    expect(isCorrected(history)).toBe(false);
    expect(hasProgress(history)).toBe(true);

    // The next stage is now the party members' meeting, with its own fields (the plan sent to members).
    const v2 = await storedDecision(database, ID, [VILLAGE]);
    const third = checkDecisionForm({
      mode: 'stage',
      record: v2!,
      ctx,
      entries: Object.entries({
        stage: 'partyMeetingReview',
        'stage.date': '2026-11-28',
        'stage.planSentOn': '2026-11-30',
        'stage.expected': '30',
        'stage.present': '25',
        'stage.for': '24',
        'stage.against': '0',
        'stage.abstain': '1',
        completedOn: '2026-11-29',
      }),
    });
    expect(codes(third)).toEqual(['stage.planSentOn disclosures.decision.noticeAfterMeeting']);
  });

  test('an unknown record is a 404, nothing stored', async () => {
    const before = await submissions();
    const r = await submitDecisionForm(
      { mode: 'stage', entries: newRecord(), ctx },
      { ...deps(), submittedBy: 'staff:clerk' },
    );
    expect(r).toMatchObject({ ok: false, status: 404 });
    expect(await submissions()).toBe(before);
  });
});

describe('fuzz', () => {
  const keys = [
    'id',
    'unit',
    'publishedOn',
    'title',
    'category',
    'amountFen',
    'profile',
    'initiatedBy',
    'secretaryIsDirector',
    'completedOn',
    'stage',
    'stage.date',
    'stage.expected',
    'stage.present',
    'stage.for',
    'stage.against',
    'stage.abstain',
    'stage.summary',
    'stage.minutes.url',
    'stage.postedOn',
    'stage.households.expected',
    'stage.authorisation.scope',
    '__proto__',
    'constructor',
    'stages.0.stage',
    'action',
  ];
  const value = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.constantFrom(
      '',
      '5',
      '-1',
      '1e9',
      '0.001',
      '2026-11-18',
      '2026-13-01',
      'partyProposal',
      'resultDisclosure',
      'proposalAndDeliberation',
      VILLAGE,
      'true',
      'on',
      '13812345678',
      '11010519491231002X',
      'x'.repeat(500),
      '\u0000',
      '<script>',
      '{"a":1}',
      'NaN',
      'Infinity',
    ),
  );
  test('a few hundred random bodies: never a throw, only 4xx or a valid check; nothing stored unless valid', async () => {
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...keys), value), { maxLength: 30 }),
        fc.boolean(),
        async (fields, base) => {
          const entries: [string, string][] = base
            ? Object.entries(Object.fromEntries([...newRecord(), ...fields]))
            : fields;
          const before = await submissions();
          const r = await submitDecisionForm(
            {
              mode: 'new',
              entries: [...entries, ['action', 'submit'] as [string, string]].filter(
                (e, i, all) => all.findIndex((o) => o[0] === e[0]) === i,
              ),
              ctx,
            },
            { ...deps(), submittedBy: 'staff:fuzz' },
          );
          if (r.ok) valid += 1;
          else {
            expect(r.status).toBeGreaterThanOrEqual(400);
            expect(r.status).toBeLessThan(500);
            expect(r.problems.length).toBeGreaterThan(0);
          }
          expect(await submissions()).toBe(before + (r.ok ? 1 : 0));
        },
      ),
      { numRuns: 300 },
    );
    expect(valid).toBeLessThan(300);
  });
});
