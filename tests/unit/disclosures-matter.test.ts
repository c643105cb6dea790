import { describe, expect, test } from 'vitest';
import { chinaCalendar } from '../support/calendar.ts';
import { validateDisclosures, type RawEntry, type ValidationInput } from '../../src/domain/disclosures/validate.ts';
import {
  disclosureKinds,
  kindCarriers,
  publishesKind,
  publishingCarriers,
} from '../../src/domain/disclosures/kinds.ts';
import { unitCarriers } from '../../src/domain/units/schema.ts';
import { Matter, paragraphsOf } from '../../src/domain/disclosures/matter/schema.ts';
import { matterFacts, matterPublicity } from '../../src/domain/disclosures/matter/rules.ts';
import { sampleMatter } from '../support/disclosure-samples.ts';

/** The general matter disclosure (issue 12, "Every carrier publishes"): every unit carrier, its own power list. */
const units: ValidationInput['units'] = [
  { id: 'agency-a', carrier: 'agency', powers: [{ title: 'Licence approval' }] },
  { id: 'hospital-a', carrier: 'hospital', powers: [{ title: 'Drug purchase' }] },
  { id: 'enterprise-a', carrier: 'enterprise', powers: [] },
  { id: 'school-a', carrier: 'school', powers: [{ title: 'Admissions' }] },
  { id: 'village-a', carrier: 'village', powers: [{ title: 'Small works' }] },
];
const none = Object.fromEntries(
  disclosureKinds.map((k) => [k, [] as RawEntry[]]),
) as unknown as ValidationInput['files'];
const run = (...data: unknown[]) =>
  validateDisclosures({
    units,
    calendar: chinaCalendar,
    files: {
      ...none,
      matter: data.map((d, i) => ({ file: `m${i}.yaml`, id: `m${i}`, data: JSON.parse(JSON.stringify(d)) as unknown })),
    },
  });
const lines = (r: ReturnType<typeof run>) =>
  r.problems.map((p) => `${p.file} › ${p.path.join('.')}: ${p.message}${p.vars ? ` ${JSON.stringify(p.vars)}` : ''}`);

describe('who publishes a matter', () => {
  test('every unit carrier publishes matters; the school and village kinds keep their one carrier', () => {
    expect(kindCarriers.matter).toEqual(unitCarriers);
    for (const c of unitCarriers) expect(publishesKind('matter', c), c).toBe(true);
    expect(publishesKind('procurement', 'school')).toBe(true);
    expect(publishesKind('procurement', 'hospital')).toBe(false);
    expect(publishesKind('decision', 'agency')).toBe(false);
    expect(publishingCarriers).toEqual(unitCarriers);
  });

  test('a matter of each carrier, naming an item of its own power list, is valid', () => {
    const r = run(
      sampleMatter(),
      { ...sampleMatter(), unit: 'hospital-a', power: 'Drug purchase' },
      { ...sampleMatter(), unit: 'school-a', power: 'Admissions' },
      { ...sampleMatter(), unit: 'village-a', power: 'Small works' },
    );
    expect(lines(r)).toEqual([]);
    expect(r.entries.matter).toHaveLength(4);
  });
});

describe('validity rules', () => {
  test('the power must be on the unit’s own list, named exactly, with the list in the message', () => {
    const r = run({ ...sampleMatter(), power: 'Licence approvals' }, { ...sampleMatter(), power: 'Drug purchase' });
    expect(lines(r)).toEqual([
      'm0.yaml › power: disclosures.matter.unknownPower {"power":"Licence approvals","powers":"Licence approval"}',
      'm1.yaml › power: disclosures.matter.unknownPower {"power":"Drug purchase","powers":"Licence approval"}',
    ]);
    expect(r.entries.matter).toEqual([]);
  });

  test('a unit without a power list cannot publish a matter, and says why', () => {
    expect(lines(run({ ...sampleMatter(), unit: 'enterprise-a' }))).toEqual([
      'm0.yaml › power: disclosures.matter.noPowers {"power":"Licence approval"}',
    ]);
  });

  test('an unknown unit is reported once, not also as a missing power', () => {
    expect(lines(run({ ...sampleMatter(), unit: 'agency-z' }))).toEqual([
      'm0.yaml › unit: disclosures.unit.unknown {"unit":"agency-z"}',
    ]);
  });

  test('the publicity may be open-ended, but cannot end before it starts', () => {
    const open = sampleMatter();
    delete (open.publicity as { end?: string }).end;
    expect(lines(run(open))).toEqual([]);
    expect(lines(run({ ...sampleMatter(), publicity: { start: '2026-03-03', end: '2026-03-02' } }))).toEqual([
      'm0.yaml › publicity.end: disclosures.publicity.endBeforeStart',
    ]);
  });

  test('the text is bounded: not empty, at most 4000 characters and 30 paragraphs', () => {
    const text = (t: string) => ({ ...sampleMatter(), text: t });
    expect(lines(run(text('  ')))).toEqual(['m0.yaml › text: disclosures.text.empty']);
    expect(lines(run(text('x'.repeat(4001))))).toEqual(['m0.yaml › text: disclosures.text.tooLong']);
    expect(lines(run(text('x'.repeat(4000))))).toEqual([]);
    const many = (n: number) => Array.from({ length: n }, (_, i) => `Paragraph ${i + 1}.`).join('\n\n');
    expect(lines(run(text(many(30))))).toEqual([]);
    expect(lines(run(text(many(31))))).toEqual(['m0.yaml › text: disclosures.matter.tooManyParagraphs']);
  });

  test('amounts are whole, non-negative fen', () => {
    expect(lines(run({ ...sampleMatter(), amountFen: 12.5 }))).toEqual([
      'm0.yaml › amountFen: disclosures.amount.notWholeFen',
    ]);
    expect(lines(run({ ...sampleMatter(), amountFen: -1 }))).toEqual([
      'm0.yaml › amountFen: disclosures.amount.negative',
    ]);
  });

  test('the identifier detector runs on the free text and the documents: an ID or a phone is a validity error', () => {
    const id = { ...sampleMatter(), text: 'Applicant 11010519491231002X was granted the licence.' };
    const phone = { ...sampleMatter(), documents: [{ title: 'Call 13812345678' }] };
    expect(lines(run(id, phone)).map((l) => l.replace(/ \{.*$/, ''))).toEqual([
      'm0.yaml › text: disclosures.personalData.residentId',
      'm1.yaml › documents.0.title: disclosures.personalData.mobile',
    ]);
    // The excerpt in the message is masked: the number itself is never printed.
    expect(lines(run(id)).join('\n')).not.toContain('11010519491231002X');
  });

  test('unknown fields are refused (strict schema)', () => {
    expect(lines(run({ ...sampleMatter(), applicantName: 'x' }))[0]).toMatch(/common\.schema\.unrecognizedKeys/);
  });
});

describe('derived facts', () => {
  test('paragraphs are the non-empty lines, trimmed', () => {
    expect(paragraphsOf(' One.\r\n\n  Two. \nThree.')).toEqual(['One.', 'Two.', 'Three.']);
  });

  test('publicity status: upcoming before the start, active until the end (for ever without one), then ended', () => {
    const m = sampleMatter();
    expect(matterPublicity(m, '2026-03-02')).toBe('upcoming');
    expect(matterPublicity(m, '2026-03-03')).toBe('active');
    expect(matterPublicity(m, '2026-03-09')).toBe('active');
    expect(matterPublicity(m, '2026-03-10')).toBe('ended');
    expect(matterPublicity({ publicity: { start: '2026-03-03' } }, '2030-01-01')).toBe('active');
  });

  test('year and sort key come from the decision date', () => {
    const m = Matter.parse({ ...sampleMatter(), decidedOn: '2025-12-31' });
    expect(matterFacts(m, '2026-03-10')).toEqual({
      year: 2025,
      sortKey: '2025-12-31',
      title: 'Licence granted to a bakery',
      publicity: 'ended',
    });
  });
});
