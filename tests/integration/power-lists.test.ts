import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildInputsHash } from '../../src/build/stamp.ts';
import { buildIsStale } from '../../src/cli/prepare.ts';
import { readRegistry } from '../../src/content/files.ts';
import type { Database } from '../../src/db/client.ts';
import { listAudit } from '../../src/db/audit-repo.ts';
import { findSubmission, listVersions } from '../../src/db/disclosure-store-repo.ts';
import { storeSignature } from '../../src/db/disclosure-store-snapshot.ts';
import { powerListId } from '../../src/domain/units/power-list.ts';
import { asPowers, readPowerForm } from '../../src/forms/power-list-form.ts';
import { loadBuildSettings } from '../../src/lib/config.ts';
import { ROOT } from '../../src/lib/paths.ts';
import { approve, reject } from '../../src/services/disclosure-approval.ts';
import { powerListInForce, recheckPowerList, submitPowerList } from '../../src/services/power-lists.ts';
import { freshDatabase } from '../support/db.ts';

/**
 * A unit's power list edited on /staff/powers/ and approved like a disclosure (issue 12), on a real libSQL file:
 * the form's posts (add, edit, remove, submit) read by the page's own adapter and stored by the service; a bad
 * field → 422 naming it, an ID or a phone in a field → refused, nothing stored; approval by the unit's approver
 * only (version, audit row, build request); then `npm run check:content` and the build stamp seeing the store.
 */
let database: Database;
let file: string;
let dispose: () => void;
beforeAll(async () => {
  ({ database, file, dispose } = await freshDatabase({ seed: false }));
});
afterAll(() => dispose());

const UNIT = 'xixi-central-primary';
const contentPowers = readRegistry().units.find((u) => u.id === UNIT)!.powers;
/** The index of an entry added after the list in force (content/’s), and the titles it already has. */
const N = contentPowers.length;
const contentTitles = contentPowers.map((p) => p.title);
let t = Date.parse('2026-03-02T08:00:00Z');
const at = () => new Date((t += 60_000));
const publisher = 'staff:publisher-1';
const approver = { approver: 'staff:approver-1', approverUnits: [UNIT], today: '2026-03-02' };

/** The fields of the form as the page renders them for `entries`, plus extra fields. */
function fields(entries: { title: string; decidedBy: string; steps: string; disclosedAt: string }[]) {
  return entries.flatMap((e, i): [string, string][] => [
    [`powers.${i}.title`, e.title],
    [`powers.${i}.decidedBy`, e.decidedBy],
    [`powers.${i}.steps`, e.steps],
    [`powers.${i}.disclosedAt`, e.disclosedAt],
  ]);
}
const inForceTyped = async () =>
  (await powerListInForce(database, UNIT, contentPowers)).powers.map((p) => ({ ...p, steps: p.steps.join('\n') }));
const uniforms = {
  title: '校服采购',
  decidedBy: '校务委员会、家长委员会',
  steps: '家长自愿征订\n公开招标\n结果公示',
  disclosedAt: '校务公开栏、本网站',
};

/** One post of the form: read strictly, then submitted (the page's "submit" action). */
async function post(entries: [string, string][], reason = '新增校服采购事项') {
  const read = readPowerForm([['_csrf', 'x'], ['unit', UNIT], ...entries, ['reason', reason], ['action', 'submit']]);
  if (!read.ok) throw new Error(`form refused ${read.field}`);
  return submitPowerList(
    database,
    { unitId: UNIT, powers: asPowers(read.entries), reason: read.reason, submittedBy: publisher, at: at() },
    contentPowers,
  );
}
const count = async (table: string) =>
  Number((await database.client.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
async function nothingStored<T>(fn: () => Promise<T>): Promise<T> {
  const before = [
    await count('disclosure_submissions'),
    await count('audit_events'),
    await count('disclosure_versions'),
  ];
  const out = await fn();
  expect([
    await count('disclosure_submissions'),
    await count('audit_events'),
    await count('disclosure_versions'),
  ]).toEqual(before);
  return out;
}
async function approveIt(id: string) {
  return approve(database, { submissionId: id, ...approver, at: at(), review: {} }, (s) =>
    Promise.resolve(recheckPowerList(s.unitId, s.data)),
  );
}

describe('the form: refusals store nothing', () => {
  test('a bad field → 422 naming it; the list in force is content/’s', async () => {
    const list = fields([...(await inForceTyped()), { ...uniforms, title: '校' }]);
    const r = await nothingStored(() => post(list));
    expect(r).toMatchObject({ ok: false, status: 422, code: 'powers.input.invalid' });
    if (!r.ok && r.code === 'powers.input.invalid')
      expect(r.problems.map((p) => p.path.join('.'))).toEqual([`powers.${String(N)}.title`]);
    expect((await powerListInForce(database, UNIT, contentPowers)).version).toBeNull();
  });

  test.each([
    ['a mobile number in decidedBy', { decidedBy: '王老师 13812345678' }, `powers.${String(N)}.decidedBy`],
    ['a resident ID in a step', { steps: '家长自愿征订\n联系人 11010519491231002X' }, `powers.${String(N)}.steps.1`],
  ])('%s → 422 powers.field.identifier, nothing stored', async (_, over, path) => {
    const r = await nothingStored(() =>
      post(fields([...contentPowers.map((p) => ({ ...p, steps: p.steps.join('\n') })), { ...uniforms, ...over }])),
    );
    expect(r).toMatchObject({ ok: false, status: 422 });
    if (!r.ok && r.code === 'powers.input.invalid')
      expect(r.problems).toContainEqual({
        path: path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
        message: 'powers.field.identifier',
      });
  });

  test('a missing reason, or one with a phone → 422 naming reason; an unchanged list → 422 powers.unchanged', async () => {
    const list = fields([...(await inForceTyped()), uniforms]);
    expect(await nothingStored(() => post(list, ' '))).toMatchObject({
      ok: false,
      problems: [{ path: ['reason'], message: 'approval.reason.required' }],
    });
    expect(await nothingStored(() => post(list, '请联系 13812345678'))).toMatchObject({
      ok: false,
      problems: [{ path: ['reason'], message: 'approval.reason.identifier' }],
    });
    const same = fields(await inForceTyped());
    expect(await nothingStored(() => post(same))).toEqual({
      ok: false,
      code: 'powers.unchanged',
      status: 422,
    });
  });
});

describe('add, approve, edit, remove', () => {
  let first: string;
  test('add: the whole list is stored as a powerList submission with its audit row; a second one waits (409)', async () => {
    const r = await post(fields([...(await inForceTyped()), uniforms]));
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    first = r.id;
    const s = await findSubmission(database, first);
    expect(s).toMatchObject({
      kind: 'powerList',
      unitId: UNIT,
      disclosureId: powerListId(UNIT),
      change: 'publish',
      state: 'submitted',
    });
    expect((s!.data as { powers: { title: string }[] }).powers.map((p) => p.title)).toEqual([
      ...contentTitles,
      '校服采购',
    ]);
    expect((await listAudit(database, 'disclosure', powerListId(UNIT))).map((a) => a.action)).toEqual([
      'disclosure.submitted',
    ]);
    const again = await nothingStored(() => post(fields([uniforms])));
    expect(again).toEqual({ ok: false, code: 'powers.pending', status: 409 });
  });

  test('only an approver of the unit approves (another unit’s → 403); approval makes version 1 and queues a build', async () => {
    const foreign = await approve(
      database,
      { submissionId: first, ...approver, approverUnits: ['hetang-village'], at: at(), review: {} },
      () => Promise.resolve([]),
    );
    expect(foreign).toMatchObject({ ok: false, code: 'store.submission.otherUnit', status: 403 });
    const own = await approve(
      database,
      { submissionId: first, ...approver, approver: publisher, at: at(), review: {} },
      () => Promise.resolve([]),
    );
    expect(own).toMatchObject({ ok: false, code: 'store.submission.ownSubmission', status: 403 });
    const r = await approveIt(first);
    expect(r).toMatchObject({ ok: true, version: 1 });
    const inForce = await powerListInForce(database, UNIT, contentPowers);
    expect(inForce.version?.version).toBe(1);
    expect(inForce.powers.map((p) => p.title)).toEqual([...contentTitles, '校服采购']);
    expect(
      Number(
        (await database.client.execute("SELECT count(*) AS n FROM site_builds WHERE reason = 'approval'")).rows[0]!.n,
      ),
    ).toBe(1);
  });

  test('edit: a changed step is a correction of the stored series; returned, then approved as version 2', async () => {
    const edited = (await inForceTyped()).map((p) =>
      p.title === '校服采购' ? { ...p, steps: '家长自愿征订\n公开招标\n中标结果公示' } : p,
    );
    const r = await post(fields(edited), '流程写得更准确');
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    expect(await findSubmission(database, r.id)).toMatchObject({ change: 'correction', reason: '流程写得更准确' });
    expect(await reject(database, { submissionId: r.id, ...approver, at: at(), reason: '请写明公示天数' })).toEqual({
      ok: true,
    });
    const again = await post(
      fields(edited.map((p) => (p.title === '校服采购' ? { ...p, steps: `${p.steps}（5天）` } : p))),
      '补写公示天数',
    );
    expect(again).toMatchObject({ ok: true });
    if (!again.ok) return;
    expect(await approveIt(again.id)).toMatchObject({ ok: true, version: 2 });
  });

  test('remove: an entry ticked for removal leaves the list', async () => {
    const entries = fields(await inForceTyped());
    const read = readPowerForm([
      ['unit', UNIT],
      ...entries,
      ['powers.0.remove', '1'],
      ['reason', '食堂账目另行公开'],
      ['action', 'submit'],
    ]);
    expect(read.ok && read.entries.map((e) => e.title)).toEqual([...contentTitles.slice(1), '校服采购']);
    const r = await post(
      entries.filter(([k]) => !k.startsWith('powers.0.')),
      '食堂账目另行公开',
    );
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    expect(await approveIt(r.id)).toMatchObject({ ok: true, version: 3 });
    expect((await listVersions(database, powerListId(UNIT))).map((v) => v.version)).toEqual([1, 2, 3]);
    expect((await powerListInForce(database, UNIT, contentPowers)).powers.map((p) => p.title)).toEqual([
      ...contentTitles.slice(1),
      '校服采购',
    ]);
  });
});

/** `npm run check:content` with DATABASE_URL pointing at a database. */
const checkContent = (url: string) =>
  spawnSync(process.execPath, [join(ROOT, 'src/cli/check-content.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: url },
    timeout: 120_000,
  });

describe('check:content and the build stamp see the store', () => {
  test('check:content validates the approved lists with the build’s rules', async () => {
    const ok = checkContent(`file:${file}`);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('(1 power lists)');
    // A version that breaks the rules (written past the form, as a restored or hand-edited database could hold).
    const bad = { unit: UNIT, powers: [{ ...uniforms, steps: ['家长自愿征订'], decidedBy: '联系 13812345678' }] };
    await database.client.execute({
      sql: `INSERT INTO disclosure_versions (id, disclosure_id, version, kind, unit_id, change, data, reason, submission_id, approved_by, approved_at)
            VALUES ('bad-version', ?, 4, 'powerList', ?, 'correction', ?, 'r', 'none', 'staff:x', ?)`,
      args: [powerListId(UNIT), UNIT, JSON.stringify(bad), at().getTime()],
    });
    const refused = checkContent(`file:${file}`);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      /^\s*store:powers-xixi-central-primary › powers\.0\.decidedBy: .*\(powers\.field\.identifier\)$/m,
    );
  });

  test('the stamp includes the store: a build from before an approval is stale after it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'qinglian-stamp-'));
    const empty = await freshDatabase({ seed: false });
    try {
      expect(await storeSignature({ url: `file:${empty.file}` })).toBe('');
      const signature = await storeSignature({ url: `file:${file}` });
      expect(signature).toMatch(/^[0-9a-f]{64}$/);
      const env = {
        DATABASE_URL: `file:${file}`,
        SITE_URL: 'http://localhost:4321',
        SITE_BUILDS_DIR: join(root, 'builds'),
      };
      const settings = loadBuildSettings(env);
      expect(buildInputsHash(root, settings, signature)).not.toBe(buildInputsHash(root, settings));
      expect(buildInputsHash(root, settings, '')).toBe(buildInputsHash(root, settings));
      mkdirSync(join(root, 'dist', 'server'), { recursive: true });
      writeFileSync(join(root, 'dist', 'server', 'entry.mjs'), '');
      const stamp = (inputs: string) =>
        writeFileSync(join(root, 'dist', '.build-stamp'), JSON.stringify({ builtAt: '2026-03-01T00:00:00Z', inputs }));
      stamp(buildInputsHash(root, settings, signature));
      expect(await buildIsStale(root, env)).toBe(false);
      // Built before the approval: stale now.
      stamp(buildInputsHash(root, settings, ''));
      expect(await buildIsStale(root, env)).toBe(true);
      // An approval after the build changes the signature.
      const r = await post(fields([uniforms, { ...uniforms, title: '教辅征订' }]), '新增教辅征订');
      expect(r).toMatchObject({ ok: true });
      stamp(buildInputsHash(root, settings, signature));
      if (r.ok) await approveIt(r.id);
      expect(await storeSignature({ url: `file:${file}` })).not.toBe(signature);
      expect(await buildIsStale(root, env)).toBe(true);
    } finally {
      empty.dispose();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('entries other records name', () => {
  test('an entry a published matter names cannot be removed: 422 naming it, nothing stored', async () => {
    const inForce = await inForceTyped();
    const named = inForce[0]!.title;
    const r = await nothingStored(() =>
      submitPowerList(
        database,
        { unitId: UNIT, powers: asPowers(inForce.slice(1)), reason: '精简清单', submittedBy: publisher, at: at() },
        contentPowers,
        new Set([named]),
      ),
    );
    expect(r).toEqual({
      ok: false,
      code: 'powers.input.invalid',
      status: 422,
      problems: [{ path: ['powers'], message: 'powers.title.inUse', vars: { title: named } }],
    });
    // The same removal is taken when no matter names the entry.
    const free = await submitPowerList(
      database,
      { unitId: UNIT, powers: asPowers(inForce.slice(1)), reason: '精简清单', submittedBy: publisher, at: at() },
      contentPowers,
      new Set(['某个其他事项']),
    );
    expect(free).toMatchObject({ ok: true });
  });
});
