import type { Database } from '../src/db/client.ts';
import { beijingDate } from '../src/domain/calendar/dates.ts';
import { feedbackRules } from '../src/domain/feedback/deadlines.ts';
import { indicatorsFor, type Standard } from '../src/domain/scoring/standard.ts';
import type { MarkInput } from '../src/domain/scoring/inputs.ts';
import { countMarks, saveMarks } from '../src/db/scoring-repo.ts';
import { recordGrades, recordVeto, type ScoringSources } from '../src/services/scoring.ts';
import { CONTENT_DIR, readCalendar, readDisclosures, readRegistry } from '../src/content/files.ts';
import { readStandards } from '../src/content/standards-files.ts';
import { contentRatios } from '../src/domain/scoring/content-facts.ts';
import type { UnitCarrier } from '../src/domain/units/schema.ts';
import type { Secrets } from '../src/lib/secrets.ts';
import { createServices } from '../src/app-context.ts';
import { createInvitationBatch } from '../src/services/invitations.ts';
import { submitSurveyResponse } from '../src/services/surveys.ts';
import { findSurvey } from '../src/db/surveys-repo.ts';
import { questionSets } from '../src/domain/surveys/questions.ts';
import { demoRandom, unlimited } from './seed-channel.ts';
import { recordTeamMark } from '../src/services/evaluation-team.ts';
import { countTeamMarks } from '../src/db/evaluation-team-repo.ts';
import { findCredentials } from '../src/db/staff-repo.ts';

/**
 * 演示数据 for scoring (DEMO only, only while no mark exists): fictional evaluator marks for every demo unit in
 * the demo year (the year of `now`) and the year before, grades recorded a month ago, and veto events, one of
 * them recorded after grading so the demo shows a downgrade with its history. Profiles are chosen so the demo
 * city has every grade: 示范, 达标, 不达标 by score, 不达标 by veto, 待评定, and 样本不足 marked by the evaluators.
 */
interface Profile {
  /** How many 'mark' indicators lose one deduction item each. */
  deductions: number;
  /** Boolean findings answered no (by position among boolean indicators). */
  failedChecks?: number;
  /** Count found (below a minimum can trigger a veto). */
  count?: number;
  /** Points the evaluators give rate indicators whose sample is too small, as a share of the maximum; null = not marked yet. */
  fallbackShare: number | null;
  bonus?: string[];
  /** A veto event recorded before grading. */
  vetoBefore?: { key: string; monthDay: string; source: string };
  /** A veto event recorded after grading (dynamic downgrade). */
  vetoAfter?: { key: string; daysAgo: number; source: string };
}

const DEMO_YEAR_PROFILES: Record<string, Profile> = {
  'nanhu-nine-year-school': { deductions: 0, fallbackShare: 1, bonus: ['sunshineModel'] },
  'qinglan-water': { deductions: 1, fallbackShare: 1 },
  'hetang-village': { deductions: 2, fallbackShare: 0.9 },
  'shiqiao-community': { deductions: 1, fallbackShare: 0.95 },
  'xixi-central-primary': { deductions: 1, fallbackShare: 0.9 },
  'qinglan-no1-middle-school': { deductions: 1, fallbackShare: null },
  'natural-resources-bureau': { deductions: 6, failedChecks: 1, fallbackShare: 0.75 },
  'liuwan-village': { deductions: 1, count: 1, fallbackShare: 0.9 },
  'qinglan-peoples-hospital': {
    deductions: 1,
    fallbackShare: 1,
    vetoAfter: { key: 'kickbacks', daysAgo: 10, source: '青卫纪〔演示〕3 号（演示数据）' },
  },
};
const PREVIOUS_YEAR_PROFILE: Profile = { deductions: 2, fallbackShare: 0.9 };
const PREVIOUS_YEAR_EXCEPTIONS: Record<string, Profile> = {
  'liuwan-village': {
    deductions: 2,
    fallbackShare: 0.9,
    vetoBefore: { key: 'backwardPartyBranch', monthDay: '11-20', source: '青组〔演示〕12 号（演示数据）' },
  },
  'natural-resources-bureau': { deductions: 5, fallbackShare: 0.8 },
};

const note = '现场查阅台账和会议记录（演示数据）';

/** The marks a profile gives a unit: built from the standard, never from indicator keys. */
function marksFor(standard: Standard, carrier: UnitCarrier, p: Profile): MarkInput[] {
  const out: MarkInput[] = [];
  let deductionsLeft = p.deductions;
  let failedLeft = p.failedChecks ?? 0;
  for (const { indicator } of indicatorsFor(standard, carrier)) {
    const m = indicator.measure;
    const base: MarkInput = { itemKey: indicator.key, value: null, points: null, deductions: [], note: null };
    switch (m.kind) {
      case 'mark': {
        const d = indicator.deductions[0];
        if (deductionsLeft > 0 && d) {
          deductionsLeft -= 1;
          out.push({ ...base, deductions: [{ key: d.key, count: 1, note }], note });
        } else out.push({ ...base, note });
        break;
      }
      case 'boolean':
        out.push({ ...base, value: failedLeft-- <= 0, note });
        break;
      case 'count':
        out.push({
          ...base,
          // Several counted items: each gets the profile's count (a short one names the item that fell short).
          value: m.items
            ? Object.fromEntries(m.items.map((i) => [i.key, p.count ?? i.minimum + 1]))
            : (p.count ?? (m.minimum ?? 1) + 1),
          note,
        });
        break;
      case 'ratio':
      case 'bands':
        // Used only when the portal's sample is too small (样本不足); the scorecard says so.
        if (p.fallbackShare !== null)
          out.push({
            ...base,
            points: Math.round(indicator.points * p.fallbackShare * 2) / 2,
            note: '依据组织开展的电话调查和台账抽查评分（演示数据）',
          });
        break;
    }
  }
  for (const key of p.bonus ?? [])
    if (standard.positiveList.items.some((b) => b.key === key))
      out.push({ itemKey: key, value: true, points: null, deductions: [], note: '市级示范（演示数据）' });
  return out;
}

/**
 * Units given a supplementary, positive satisfaction sample (the channel's demo answers stay below 90 %): the model
 * unit (≥ 95 %, 示范), and the hospital, whose measured rate must reach the 90 % pass line (2026 standard) so that
 * its later veto shows a dynamic downgrade from 达标.
 */
const SUPPLEMENTARY_SATISFACTION = [
  { unitId: 'nanhu-nine-year-school', responses: 120 },
  { unitId: 'qinglan-peoples-hospital', responses: 60 },
];

/**
 * A second printed batch of invitation codes for each unit above, answered through the public survey service
 * (so the rate is measured exactly as for any unit).
 */
async function seedSupplementarySatisfaction(
  database: Database,
  secrets: Secrets,
  units: { id: string; carrier: UnitCarrier }[],
  now: Date,
): Promise<void> {
  for (const sample of SUPPLEMENTARY_SATISFACTION) {
    const unit = units.find((u) => u.id === sample.unitId);
    if (unit) await seedSupplementarySample(database, secrets, unit, sample.responses, now);
  }
}

async function seedSupplementarySample(
  database: Database,
  secrets: Secrets,
  unit: { id: string; carrier: UnitCarrier },
  responses: number,
  now: Date,
): Promise<void> {
  const surveyId = `${unit.carrier}-demo`;
  if (!(await findSurvey(database, surveyId))) return;
  const ctx = createServices(database, { secrets, limits: unlimited, now: () => now }).channel;
  const batch = await createInvitationBatch(ctx, {
    surveyId,
    unitId: unit.id,
    size: responses,
    label: '年度测评补充样本（演示）',
    actor: 'system',
    randomBytes: demoRandom(`scoring-invitations:${unit.id}`),
  });
  for (const [i, code] of batch.codes.entries()) {
    const answers = Object.fromEntries(
      questionSets[unit.carrier].map((q) => [q, i % 3 === 0 ? 'fairlySatisfied' : 'satisfied']),
    );
    const r = await submitSurveyResponse(
      ctx,
      surveyId,
      { invitationCode: code, relation: 'parent', answers },
      { ip: 'seed' },
    );
    if (!r.ok) throw new Error(`demo response failed for ${unit.id}: ${r.code}`);
  }
}

export async function seedDemoScoring(
  database: Database,
  secrets: Secrets,
  units: { id: string; carrier: UnitCarrier; demo: boolean }[],
  now: Date,
  contentDir = CONTENT_DIR,
): Promise<boolean> {
  if ((await countMarks(database)) > 0) return false;
  await seedSupplementarySatisfaction(
    database,
    secrets,
    units.filter((u) => u.demo),
    now,
  );
  const standards = readStandards(contentDir).map((f) => f.standard);
  const demoYear = Number(beijingDate(now).slice(0, 4));
  const { calendar } = readCalendar(contentDir);
  const registry = readRegistry(contentDir);
  const entries = { ...readDisclosures(contentDir, registry, calendar), units: registry.units };
  const sourcesAt = (at: Date): ScoringSources => ({
    standards,
    content: contentRatios(entries, beijingDate(at)),
    now: at,
    rules: feedbackRules(calendar),
  });
  const gradedAt = new Date(now.getTime() - 30 * 86_400_000);
  const demoUnits = units.filter((u) => u.demo);

  for (const year of [demoYear - 1, demoYear]) {
    const standard = standards.find((s) => s.year === year && s.status === 'adopted');
    if (!standard) continue;
    for (const u of demoUnits) {
      const p =
        year === demoYear
          ? (DEMO_YEAR_PROFILES[u.id] ?? PREVIOUS_YEAR_PROFILE)
          : (PREVIOUS_YEAR_EXCEPTIONS[u.id] ?? PREVIOUS_YEAR_PROFILE);
      await saveMarks(database, u.id, year, marksFor(standard, u.carrier, p), 'evaluator:demo', gradedAt, true);
      if (p.vetoBefore) {
        const r = await recordVeto(
          database,
          sourcesAt(gradedAt),
          u.id,
          {
            vetoKey: p.vetoBefore.key,
            occurredOn: `${year}-${p.vetoBefore.monthDay}`,
            source: p.vetoBefore.source,
            note: null,
          },
          'evaluator:demo',
          true,
        );
        if (!r.ok) throw new Error(`demo veto failed for ${u.id}: ${r.code}`);
      }
    }
    await recordGrades(database, standard, sourcesAt(gradedAt), 'evaluator:demo', true);
  }
  // Recorded after grading: the scorecard shows 不达标 and the history keeps the earlier grade.
  for (const u of demoUnits) {
    const after = DEMO_YEAR_PROFILES[u.id]?.vetoAfter;
    if (!after) continue;
    const r = await recordVeto(
      database,
      sourcesAt(now),
      u.id,
      {
        vetoKey: after.key,
        occurredOn: beijingDate(new Date(now.getTime() - after.daysAgo * 86_400_000)),
        source: after.source,
        note: null,
      },
      'evaluator:demo',
      true,
    );
    if (!r.ok) throw new Error(`demo veto failed for ${u.id}: ${r.code}`);
  }
  return true;
}

/** The demo unit the evaluation team has marked but the lead has not signed off yet. */
export const DEMO_TEAM_UNIT = 'qinglan-no1-middle-school';

/**
 * 演示数据 for the evaluation team (DEMO only, only while no evaluator mark exists, after the demo accounts):
 * the two demo evaluators' own marks of one school in the demo year, agreeing on one item and differing on
 * another, so the lead's sign-off page has something to reconcile. Nothing is signed off: the scorecards (and
 * the golden files) stay as the marks above make them until a lead signs off in the demo.
 */
export async function seedDemoTeam(database: Database, now: Date, contentDir = CONTENT_DIR): Promise<number> {
  if ((await countTeamMarks(database)) > 0) return 0;
  const year = Number(beijingDate(now).slice(0, 4));
  const standard = readStandards(contentDir)
    .map((f) => f.standard)
    .find((s) => s.year === year && s.status === 'adopted');
  const [one, two] = await Promise.all([
    findCredentials(database, 'demo.evaluator'),
    findCredentials(database, 'demo.evaluator2'),
  ]);
  if (!standard || !one || !two) return 0;
  const marks: [string, { itemKey: string; deductions: { key: string; count: number }[]; note: string }][] = [
    [one.id, { itemKey: 'S1', deductions: [], note: '招生政策、计划、结果均已公开（演示数据）' }],
    [two.id, { itemKey: 'S1', deductions: [], note: '抽查招生网页，公开齐全（演示数据）' }],
    [
      one.id,
      { itemKey: 'S2', deductions: [{ key: 'lateMonth', count: 1 }], note: '3 月收支公示晚于 15 日（演示数据）' },
    ],
    [
      two.id,
      { itemKey: 'S2', deductions: [{ key: 'lateMonth', count: 2 }], note: '3 月、5 月收支公示逾期（演示数据）' },
    ],
  ];
  let n = 0;
  for (const [account, mark] of marks) {
    const r = await recordTeamMark(database, standard, DEMO_TEAM_UNIT, mark, [], `staff:${account}`, now, true);
    if (!r.ok) throw new Error(`demo team mark ${mark.itemKey} not recorded: ${r.code}`);
    n++;
  }
  return n;
}
