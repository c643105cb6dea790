import { describe, expect, test } from 'vitest';
import { findPersonalData, isForbiddenFieldName, scanValue } from '../../src/domain/disclosures/personal-data.ts';
import { isResidentIdNumber, passesLuhn } from '../../src/domain/privacy/numbers.ts';
import { isMaskedName, maskName } from '../../src/domain/privacy/names.ts';

// Test numbers only: the resident IDs are the sample numbers printed in GB 11643-1999 and in
// public validator documentation; the cards are the standard Visa/Mastercard test numbers.
describe('resident ID check character (GB 11643-1999, ISO 7064 MOD 11-2)', () => {
  test.each([
    ['11010519491231002X', true],
    ['11010519491231002x', true],
    ['440524188001010014', true],
    ['110105194912310021', false],
    ['440524188001010015', false],
    ['4405241880010100', false],
  ])('%s is valid: %s', (id, valid) => {
    expect(isResidentIdNumber(id)).toBe(valid);
  });
});

describe('Luhn', () => {
  test.each([
    ['79927398713', true],
    ['4111111111111111', true],
    ['5555555555554444', true],
    ['4111111111111112', false],
    ['12a4', false],
  ])('%s passes: %s', (digits, ok) => {
    expect(passesLuhn(digits)).toBe(ok);
  });
});

describe('findPersonalData', () => {
  const kinds = (text: string, dates = false) => findPersonalData(text, { dates }).map((m) => m.kind);

  test.each([
    ['ID in text', 'ID 11010519491231002X here', ['residentId']],
    ['mobile plain', 'call 13812345678', ['mobile']],
    ['mobile with +86 and spaces', '+86 138 1234 5678', ['mobile']],
    ['mobile with hyphens', '138-1234-5678', ['mobile']],
    ['card in groups', 'card 4111 1111 1111 1111', ['bankCard']],
    ['card unbroken', '5555555555554444', ['bankCard']],
  ])('finds %s', (_label, text, expected) => {
    expect(kinds(text)).toEqual(expected);
  });

  test.each([
    ['an ID with a wrong check digit', '110105194912310021'],
    ['an 11-digit number that is no mobile', '12345678901'],
    ['a mobile-looking run inside a longer number', '913812345678'],
    ['a card-length number that fails Luhn', '4111111111111112'],
    ['an amount in fen', '17280000'],
    ['a contract code', 'C-2026-01'],
    ['dates when dates are allowed', '2026-03-16 2026-03-20'],
    ['money with separators', '172,800.00'],
  ])('ignores %s', (_label, text) => {
    expect(kinds(text)).toEqual([]);
  });

  test.each([['2012-03-05'], ['2012/3/5'], ['2012.03.05'], ['2012\u5e743\u67085\u65e5'], ['20120305']])(
    'reports the birth date %s where dates are not expected',
    (text) => {
      expect(kinds(text, true)).toEqual(['birthDate']);
    },
  );

  test('an ID is reported as an ID, not also as a card', () => {
    expect(kinds('440524188001010014')).toEqual(['residentId']);
  });

  test('the excerpt never repeats the identifier in full', () => {
    const [m] = findPersonalData('13812345678');
    expect(m!.excerpt).toBe('13*******78');
  });
});

describe('scanValue', () => {
  test('walks nested objects and arrays and reports paths', () => {
    const found = scanValue({ recipients: [{ name: 'x', note: 'tel 13812345678' }] });
    expect(found).toEqual([{ path: ['recipients', 0, 'note'], kind: 'mobile', excerpt: '13*******78' }]);
  });

  test('reports fields whose names announce personal data', () => {
    const found = scanValue({ recipients: [{ address: 'somewhere', idNumber: 'x', location: 'hall' }] });
    expect(found.map((f) => f.path.join('.'))).toEqual(['recipients.0.address', 'recipients.0.idNumber']);
  });

  test('dates are reported except where allowed', () => {
    const found = scanValue(
      { publishedOn: '2026-03-16', recipients: [{ class: '2012-03-05' }] },
      { dates: true, datesAllowed: (p) => p[0] === 'publishedOn' },
    );
    expect(found.map((f) => [f.path.join('.'), f.kind])).toEqual([['recipients.0.class', 'birthDate']]);
  });

  test.each([
    ['address', true],
    ['birthDate', true],
    ['phone', true],
    ['bankAccount', true],
    ['\u8eab\u4efd\u8bc1\u53f7', true],
    ['location', false],
    ['counterparty', false],
    ['grade', false],
  ])('field name %s is forbidden: %s', (key, forbidden) => {
    expect(isForbiddenFieldName(key)).toBe(forbidden);
  });
});

describe('masked names', () => {
  test.each([
    ['\u5f20*', true],
    ['\u6b27\u9633**', true],
    ['\u674e\uff0a\uff0a', true],
    ['\u5f20\u4e09', false],
    ['\u5f20', false],
    ['*', false],
    ['Zhang*', false],
    ['\u5f20****', false],
  ])('%s is masked: %s', (name, masked) => {
    expect(isMaskedName(name)).toBe(masked);
  });

  test.each([
    ['\u5f20\u4e09', [], '\u5f20*'],
    ['\u5f20\u5c0f\u660e', [], '\u5f20**'],
    ['\u6b27\u9633\u6653\u5149', ['\u6b27\u9633'], '\u6b27\u9633**'],
  ])('maskName(%s) = %s', (full, compound, masked) => {
    expect(maskName(full, compound)).toBe(masked);
    expect(isMaskedName(maskName(full, compound))).toBe(true);
  });
});
