/**
 * What makes a string of digits a mainland identifier. Each check takes the bare digits (the detector
 * has already removed separators and prefixes' plus signs) and is strict enough that an ordinary
 * number (a date, an amount, an invoice code) rarely passes.
 */

/** Province-level codes that open a resident ID (GB/T 2260; 71 Taiwan, 81 Hong Kong, 82 Macao, 83 permits). */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
  64, 65, 71, 81, 82, 83,
]);
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

function isDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/**
 * True for an 18-character resident ID number (GB 11643-1999): a known province, a real birth date
 * between 1800 and 2099 (the standard's own sample was born in 1880), and the right check character (ISO 7064 MOD 11-2; `X` in either case).
 */
export function isResidentIdNumber(value: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(value)) return false;
  if (!PROVINCES.has(Number(value.slice(0, 2)))) return false;
  const year = Number(value.slice(6, 10));
  if (year < 1800 || year > 2099 || !isDate(year, Number(value.slice(10, 12)), Number(value.slice(12, 14))))
    return false;
  let total = 0;
  for (let i = 0; i < 17; i += 1) total += Number(value[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[total % 11] === value[17]!.toUpperCase();
}

/** True for a 15-digit resident ID of the first generation (before 1999): province, then a 19YYMMDD birth date. */
export function isOldResidentIdNumber(value: string): boolean {
  if (!/^\d{15}$/.test(value)) return false;
  if (!PROVINCES.has(Number(value.slice(0, 2)))) return false;
  return isDate(1900 + Number(value.slice(6, 8)), Number(value.slice(8, 10)), Number(value.slice(10, 12)));
}

/** Luhn (mod 10) check used by bank card numbers. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let total = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    total += d;
  }
  return total % 10 === 0;
}

/**
 * A bank card: 13–19 digits passing Luhn, opening like a card network does (2–6: Mastercard, Amex, JCB,
 * Visa, UnionPay 62; 9: domestic debit cards). Leading 0, 1, 7 or 8 are order and invoice numbers.
 */
export function isBankCardNumber(digits: string): boolean {
  return /^[2-69]\d{12,18}$/.test(digits) && passesLuhn(digits);
}

/**
 * How card numbers are written when they are split: in fours (the last group shorter), 6 + the rest,
 * Amex 4-6-5, Diners 4-6-4, or one digit at a time. A split like a date range (4-2-2-4-2-2) is no card.
 */
export function isCardGrouping(lengths: readonly number[]): boolean {
  if (lengths.length === 1 || lengths.every((l) => l === 1)) return true;
  const last = lengths.at(-1)!;
  if (lengths.slice(0, -1).every((l) => l === 4) && last <= 7) return true;
  if (lengths.length === 2 && lengths[0] === 6) return true;
  const shape = lengths.join('-');
  return shape === '4-6-5' || shape === '4-6-4';
}

/** A mainland mobile number: 11 digits, 13x–19x, optionally after 86 or 0086. */
export function mobileDigits(digits: string): string | null {
  const m = /^(?:0{0,2}86)?(1[3-9]\d{9})$/.exec(digits);
  return m ? m[1]! : null;
}

/*
 * Long-distance area codes after the trunk 0: 10 and 2x (with 8-digit local numbers), or three digits
 * whose first two are in use (the numbering plan of the Ministry of Industry and Information Technology,
 * cross-checked against libphonenumber's geocoding data). Two-digit prefixes that no area code has
 * (30, 32, 36, 38, 40, 44, 49, 50, 6x but 63/66/69, 78, 80, 84, 86, 92, 96, 98) keep invoice codes
 * such as 0440… from reading as phones. Written as a table rather than one regular expression, whose
 * source would itself read like a phone number to this detector in the script bundle.
 */
const AREA_SECOND_DIGITS: Readonly<Record<string, string>> = {
  '3': '134579',
  '4': '1235678',
  '5': '123456789',
  '6': '369',
  '7': '01234579',
  '8': '1235789',
  '9': '0134579',
};

/** A landline with its area code: 0 + area code + local number, also written +86 / 0086 without the 0. */
export function isLandlineNumber(digits: string): boolean {
  const national = /^0{0,2}86[1-9]/.test(digits) ? `0${digits.replace(/^0{0,2}86/, '')}` : digits;
  if (!/^0\d+$/.test(national)) return false;
  if (national[1] === '1' || national[1] === '2') {
    const area = national.slice(1, 3);
    return (area === '10' || (area[0] === '2' && area[1] !== '6')) && /^[2-9]\d{7}$/.test(national.slice(3));
  }
  return (AREA_SECOND_DIGITS[national[1]!] ?? '').includes(national[2]!) && /^[2-9]\d{6,7}$/.test(national.slice(4));
}

/**
 * How landlines are split: the area code (after +86 without its 0) is a group of its own and the local
 * number is one or two groups (`(0710) 321-1234`), or the number is unbroken or spaced out digit by
 * digit. Dates and date ranges (`2026-03-16 2026-03-20`) cut numbers elsewhere.
 */
export function isLandlineGrouping(digits: string, lengths: readonly number[]): boolean {
  if (lengths.length === 1 || lengths.every((l) => l === 1)) return true;
  const prefix = /^0{0,2}86(?=[1-9])/.exec(digits)?.[0].length ?? 0;
  const national = prefix ? `0${digits.slice(prefix)}` : digits;
  const areaEnd = (prefix ? prefix - 1 : 0) + (/^0(?:10|2\d)/.test(national) ? 3 : 4);
  const cuts: number[] = [];
  let sum = 0;
  for (const l of lengths.slice(0, -1)) cuts.push((sum += l));
  if (!cuts.includes(areaEnd) || (prefix > 0 && !cuts.includes(prefix))) return false;
  return cuts.filter((c) => c > areaEnd).length <= 1;
}

/** A local landline number without area code (7 or 8 digits, not starting 0 or 1). */
export const isLocalNumber = (digits: string): boolean => /^[2-9]\d{6,7}$/.test(digits);
