import { createHash } from 'node:crypto';
import type { Database } from '../src/db/client.ts';
import { countFeedback, insertFeedback } from '../src/db/feedback-repo.ts';
import { countSurveys, insertSurvey } from '../src/db/surveys-repo.ts';
import type { ChannelContext, ChannelLimits } from '../src/services/context.ts';
import { createServices } from '../src/app-context.ts';
import { runStaffCommand } from '../src/services/feedback.ts';
import { createInvitationBatch } from '../src/services/invitations.ts';
import { submitSurveyResponse } from '../src/services/surveys.ts';
import { sha256Hex } from '../src/lib/crypto.ts';
import {
  encodeCrockford,
  bytesFor,
  formatCode,
  SECRET_LENGTH,
  TRACKING_CODE_LENGTH,
} from '../src/domain/feedback/tracking.ts';
import { routeOf, type FeedbackInput } from '../src/domain/feedback/schema.ts';
import { beijingDate } from '../src/domain/calendar/dates.ts';
import { questionSets } from '../src/domain/surveys/questions.ts';
import { surveyAnswers, type SurveyAnswer } from '../src/domain/surveys/schema.ts';
import type { FeedbackCommand } from '../src/domain/feedback/states.ts';
import type { UnitCarrier } from '../src/domain/units/schema.ts';
import type { Secrets } from '../src/lib/secrets.ts';

/**
 * 演示数据 for the feedback channel: a few fictional items per demo unit in different states, and one
 * open survey per carrier with a printed batch of invitation codes per unit. Runs only when DEMO is on,
 * feedback only while the feedback table is empty, surveys only while the surveys table is empty.
 * Codes, secrets and sheet tokens come from a fixed seed, so the README can list some for testers
 * (they work in any demo install; a real deployment never creates them).
 */

/** A deterministic byte stream (SHA-256 in counter mode) for demo codes. */
export function demoRandom(label: string): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 32) {
      const block = createHash('sha256').update(`qinglian-demo:${label}:${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, n - i)), i);
    }
    return out;
  };
}

/** No rate limits: the seed submits through the public services. */
export const unlimited: ChannelLimits = (() => {
  const big = { limit: 1_000_000_000, windowS: 60 };
  return {
    feedbackPerIp: big,
    feedbackNoPowPerIp: big,
    lookupFailuresPerIp: big,
    secretFailuresPerCodeAndIp: big,
    secretFailuresPerIp: big,
    attemptsPerInvitation: big,
    responsesPerIp: big,
    otpPerPhone: [big],
    otpPerIp: big,
  };
})();

const DAY = 86_400_000;

interface DemoItem {
  input: FeedbackInput;
  daysAgo: number;
  publicConsent: boolean;
  /** Staff steps after receipt: [days after receipt, command, actor]. */
  steps: [number, FeedbackCommand, 'staff' | 'moderator'][];
}

function demoItems(unitId: string, carrier: UnitCarrier, index: number, today: string): DemoItem[] {
  const items: DemoItem[] = [
    {
      input: {
        kind: 'suggestion',
        unitId,
        body: '建议在公示栏旁增加二维码，方便群众用手机查看历次公示内容。（演示数据）',
        publicConsent: true,
      },
      daysAgo: 3,
      publicConsent: true,
      steps: [],
    },
    {
      input: {
        kind: 'complaint',
        unitId,
        body: '上月办事时窗口工作人员解释政策不够清楚，来回跑了两趟。（演示数据）',
        publicConsent: true,
      },
      daysAgo: 40,
      publicConsent: true,
      steps: [
        [2, { action: 'accept' }, 'staff'],
        [
          18,
          { action: 'reply', body: '经核实，已对窗口人员开展政策培训，并制作一次性告知单。感谢监督。（演示数据）' },
          'staff',
        ],
        [19, { action: 'publish' }, 'moderator'],
      ],
    },
    {
      input: {
        kind: 'question',
        unitId,
        body: '请问本单位的小微权力清单多久更新一次？在哪里可以看到最新版本？（演示数据）',
        publicConsent: true,
      },
      daysAgo: 80,
      publicConsent: true,
      steps: [
        [4, { action: 'accept' }, 'staff'],
        [5, { action: 'publish' }, 'moderator'],
      ],
    },
  ];
  if (index % 3 === 0) {
    items.push({
      input: {
        kind: 'complaint',
        unitId,
        body: '希望公开近两年维修项目的招标结果和合同金额。（演示数据）',
        publicConsent: false,
      },
      daysAgo: 70,
      publicConsent: false,
      steps: [
        [3, { action: 'accept' }, 'staff'],
        [
          50,
          { action: 'extend', days: 20, reason: '涉及多个年度的合同，需要调取档案核对，申请延期 20 日。（演示数据）' },
          'staff',
        ],
      ],
    });
  }
  if (carrier === 'school') {
    const mealDate = beijingDate(new Date(Date.parse(`${today}T00:00:00+08:00`) - 5 * DAY));
    items.push({
      input: {
        kind: 'accompaniedMeal',
        unitId,
        meal: {
          date: mealDate,
          meal: 'lunch',
          dishes: '番茄炒蛋、清炒时蔬、紫菜蛋花汤、米饭',
          taste: 'good',
          quantity: 'good',
          hygiene: 'good',
          price: 'fair',
        },
        suggestion: '汤稍咸，建议少放盐。（演示数据）',
        publicConsent: true,
      },
      daysAgo: 5,
      publicConsent: true,
      steps: [
        [1, { action: 'accept' }, 'staff'],
        [2, { action: 'reply', body: '已转食堂，调整汤品用盐量。欢迎家长继续陪餐监督。（演示数据）' }, 'staff'],
        [2, { action: 'publish' }, 'moderator'],
      ],
    });
  }
  if (index === 0) {
    items.push({
      input: {
        kind: 'misconductReport',
        unitId,
        body: '演示数据：反映某工作人员违规收受礼品的线索（此类检举控告只转纪委监委，不公开）。',
        publicConsent: false,
      },
      daysAgo: 6,
      publicConsent: false,
      steps: [],
    });
  }
  return items;
}

export interface DemoCodes {
  tracking: { unitId: string; kind: string; trackingCode: string; secret: string }[];
  sheets: { unitId: string; sheetToken: string }[];
}

async function seedFeedback(
  ctxAt: (t: Date) => ChannelContext,
  units: { id: string; carrier: UnitCarrier }[],
  now: Date,
  out: DemoCodes,
): Promise<void> {
  const today = beijingDate(now);
  for (const [index, unit] of units.entries()) {
    for (const [i, item] of demoItems(unit.id, unit.carrier, index, today).entries()) {
      const rnd = demoRandom(`feedback:${unit.id}:${i}`);
      const trackingCode = encodeCrockford(rnd(bytesFor(TRACKING_CODE_LENGTH)), TRACKING_CODE_LENGTH);
      const secret = encodeCrockford(rnd(bytesFor(SECRET_LENGTH)), SECRET_LENGTH);
      const id = crypto.randomUUID();
      const receivedAt = new Date(now.getTime() - item.daysAgo * DAY);
      const input = item.input;
      const stored = await insertFeedback(
        ctxAt(receivedAt).database,
        {
          id,
          trackingCode,
          secretHash: sha256Hex(`feedback-secret:${secret}`),
          idempotencyKey: `demo-${unit.id}-${i}-0000000000`,
          payloadHash: sha256Hex(JSON.stringify(input)),
          kind: input.kind,
          routedTo: routeOf(input.kind),
          unitId: unit.id,
          disclosureId: null,
          body: input.kind === 'accompaniedMeal' ? null : input.body,
          meal: input.kind === 'accompaniedMeal' ? input.meal : null,
          suggestion: input.kind === 'accompaniedMeal' ? (input.suggestion ?? null) : null,
          publicConsent: item.publicConsent,
          receivedAt,
          demo: true,
        },
        { rateHits: [], now: receivedAt },
      );
      if (!stored.ok) throw new Error(`demo feedback not stored: ${stored.reason}`);
      for (const [after, command, actor] of item.steps) {
        const r = await runStaffCommand(ctxAt(new Date(receivedAt.getTime() + after * DAY)), id, command, actor);
        if (!r.ok) throw new Error(`demo step ${command.action} failed for ${unit.id}`);
      }
      out.tracking.push({
        unitId: unit.id,
        kind: input.kind,
        trackingCode: formatCode(trackingCode),
        secret: formatCode(secret),
      });
    }
  }
}

/** Demo answer mix: mostly satisfied, some unsure and dissatisfied, varied per unit. */
function demoAnswer(rnd: (n: number) => Uint8Array, bias: number): SurveyAnswer {
  const x = rnd(1)[0]! / 256;
  const weights = [0.45 + bias, 0.3, 0.1 - bias / 2, 0.07 - bias / 2, 0.08];
  let acc = 0;
  for (const [i, w] of weights.entries()) {
    acc += w;
    if (x < acc) return surveyAnswers[i]!;
  }
  return 'satisfied';
}

async function seedSurveys(
  ctx: ChannelContext,
  units: { id: string; carrier: UnitCarrier }[],
  now: Date,
  out: DemoCodes,
): Promise<void> {
  const today = beijingDate(now);
  const shift = (days: number) => beijingDate(new Date(now.getTime() + days * DAY));
  const carriers = [...new Set(units.map((u) => u.carrier))];
  for (const carrier of carriers) {
    const surveyId = `${carrier}-demo`;
    await insertSurvey(
      ctx.database,
      {
        id: surveyId,
        carrier,
        periodLabel: `${today.slice(0, 4)} 年度·演示`,
        opensOn: shift(-30),
        closesOn: shift(90),
        questionIds: [...questionSets[carrier]],
        demo: true,
        // The demo results are public from the start (a real survey is published by the commission).
        publishedAt: now,
      },
      now,
      'system',
    );
    for (const [index, unit] of units.filter((u) => u.carrier === carrier).entries()) {
      const batch = await createInvitationBatch(ctx, {
        surveyId,
        unitId: unit.id,
        size: 60,
        label: '家长会/村民会议（演示）',
        actor: 'system',
        randomBytes: demoRandom(`invitations:${unit.id}`),
      });
      out.sheets.push({ unitId: unit.id, sheetToken: formatCode(batch.sheetToken) });
      // The first unit of each carrier gets enough answers to be ranked; the others stay below 30.
      const responses = index === 0 ? 36 : 12;
      const rnd = demoRandom(`answers:${unit.id}`);
      for (const code of batch.codes.slice(0, responses)) {
        const answers = Object.fromEntries(questionSets[carrier].map((q) => [q, demoAnswer(rnd, index * 0.05)]));
        const relation =
          rnd(1)[0]! < 12
            ? 'staff'
            : carrier === 'school'
              ? 'parent'
              : carrier === 'village'
                ? 'villager'
                : 'serviceUser';
        const r = await submitSurveyResponse(
          ctx,
          surveyId,
          { invitationCode: code, relation, answers },
          { ip: 'seed' },
        );
        if (!r.ok) throw new Error(`demo response failed for ${unit.id}: ${r.code}`);
      }
    }
  }
}

/** Seed the demo feedback channel; returns the discoverable demo codes (empty when nothing was seeded). */
export async function seedDemoChannel(
  database: Database,
  secrets: Secrets,
  units: { id: string; carrier: UnitCarrier; demo: boolean }[],
  now: Date,
): Promise<DemoCodes> {
  const demoUnits = units.filter((u) => u.demo);
  const out: DemoCodes = { tracking: [], sheets: [] };
  const ctxAt = (t: Date) => createServices(database, { secrets, limits: unlimited, now: () => t }).channel;
  if ((await countFeedback(database)) === 0) await seedFeedback(ctxAt, demoUnits, now, out);
  if ((await countSurveys(database)) === 0) await seedSurveys(ctxAt(now), demoUnits, now, out);
  return out;
}
