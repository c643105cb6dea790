import { describe, expect, test } from 'vitest';
import { FamilyAggregate, Unit } from '../../src/domain/units/schema.ts';

const valid = { name: '某某中学', carrier: 'school', township: 'xixi', leadDepartment: '市教育局' };

describe('Unit', () => {
  test('accepts a minimal unit and defaults its power list', () => {
    expect(Unit.parse(valid).powers).toEqual([]);
  });
  test.each([
    ['family is aggregate-only', { ...valid, carrier: 'family' }, 'carrier'],
    ['unknown carrier', { ...valid, carrier: 'bank' }, 'carrier'],
    ['township must be a slug', { ...valid, township: '西溪镇' }, 'township'],
    ['unknown field (no phone numbers smuggled in)', { ...valid, phone: '13800138000' }, ''],
    ['one-character name', { ...valid, name: '校' }, 'name'],
  ])('rejects: %s', (_label, input, field) => {
    const r = Unit.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(field);
  });
});

describe('FamilyAggregate', () => {
  test('recognised households cannot exceed participating households', () => {
    const r = FamilyAggregate.safeParse({ township: 'xixi', year: 2025, households: 10, recognised: 11 });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({
      path: ['recognised'],
      message: 'families.recognised.exceedsHouseholds',
    });
  });
  test('equal counts are fine', () => {
    expect(FamilyAggregate.safeParse({ township: 'xixi', year: 2025, households: 10, recognised: 10 }).success).toBe(
      true,
    );
  });
});
