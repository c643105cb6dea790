import { describe, expect, test } from 'vitest';
import { ANY, allFilters, countByCarrier, filterUnits, type ListedUnit } from '../../src/domain/units/filter.ts';
import { unitCarriers } from '../../src/domain/units/schema.ts';

const townships = [
  { id: 'b', name: 'B', order: 2 },
  { id: 'a', name: 'A', order: 1 },
];
const unit = (id: string, carrier: ListedUnit['carrier'], township: string, name = id): ListedUnit => ({
  id,
  name,
  carrier,
  township,
  leadDepartment: 'x',
  powers: [],
  demo: true,
});
const units = [
  unit('s2', 'school', 'b'),
  unit('v1', 'village', 'a'),
  unit('s1', 'school', 'a'),
  unit('h1', 'hospital', 'b'),
];
const byName = (x: string, y: string) => x.localeCompare(y);

describe('filterUnits', () => {
  test.each([
    [{ carrier: ANY, township: ANY }, ['s1', 'v1', 's2', 'h1']],
    [{ carrier: 'school', township: ANY }, ['s1', 's2']],
    [{ carrier: ANY, township: 'b' }, ['s2', 'h1']],
    [{ carrier: 'school', township: 'a' }, ['s1']],
    [{ carrier: 'enterprise', township: ANY }, []],
  ] as const)('filter %o lists %o in township, carrier, name order', (filter, ids) => {
    expect(filterUnits(units, townships, filter, byName, unitCarriers).map((u) => u.id)).toEqual(ids);
  });
});

describe('allFilters', () => {
  test('covers every carrier × township plus the "all" rows and columns', () => {
    const fs = allFilters(['school', 'village'], ['a', 'b']);
    expect(fs).toHaveLength(3 * 3);
    expect(fs).toContainEqual({ carrier: ANY, township: ANY });
    expect(fs).toContainEqual({ carrier: 'village', township: 'b' });
  });
});

describe('countByCarrier', () => {
  test('counts every carrier, zero included', () => {
    expect(countByCarrier(units, ['school', 'village', 'enterprise'])).toEqual({
      school: 2,
      village: 1,
      enterprise: 0,
    });
  });
});
