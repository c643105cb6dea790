/**
 * Tracking codes, query secrets and invitation codes, written in Crockford base32:
 * digits and capitals without I, L, O and U, so nothing reads as another character; on input O is taken
 * as 0 and I/L as 1, case, spaces and hyphens are ignored (DOMAIN.md §6.3). Randomness is passed in, so
 * this stays pure; callers use a CSPRNG.
 */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 12 characters = 60 random bits, shown as XXXX-XXXX-XXXX. */
export const TRACKING_CODE_LENGTH = 12;
/** 10 characters = 50 random bits, shown as XXXXX-XXXXX. */
export const SECRET_LENGTH = 10;
/** 10 characters = 50 random bits, shown as XXXXX-XXXXX. */
export const INVITATION_CODE_LENGTH = 10;

/** Bytes needed for `length` characters (5 bits each). */
export const bytesFor = (length: number): number => Math.ceil((length * 5) / 8);

/** Encode the first `length * 5` bits of `bytes`. */
export function encodeCrockford(bytes: Uint8Array, length: number): string {
  if (bytes.length < bytesFor(length)) throw new RangeError('not enough random bytes');
  let out = '';
  let buffer = 0;
  let bits = 0;
  let i = 0;
  while (out.length < length) {
    if (bits < 5) {
      buffer = (buffer << 8) | bytes[i++]!;
      bits += 8;
    }
    out += CROCKFORD.charAt((buffer >> (bits - 5)) & 31);
    bits -= 5;
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/** Split into hyphenated groups for reading aloud and copying. */
export function formatGroups(code: string, size: number): string {
  return code.match(new RegExp(`.{1,${size}}`, 'g'))?.join('-') ?? '';
}

const groupSize = (length: number) => (length % 4 === 0 ? 4 : 5);

/** The display form of a code of a known length. */
export const formatCode = (code: string): string => formatGroups(code, groupSize(code.length));

/**
 * The canonical form of a code typed by a person, or null when it cannot be one of `length` characters:
 * upper-cased, spaces and hyphens removed, O→0, I/L→1.
 */
export function normaliseCode(input: string, length: number): string | null {
  if (input.length > length * 3) return null;
  const s = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== length) return null;
  for (const ch of s) if (!CROCKFORD.includes(ch)) return null;
  return s;
}
