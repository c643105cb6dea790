/**
 * The text the identifier detector reads, with a map back to the text people wrote (issue 13): the
 * detector looks at the normalised text, and every finding is reported as a span of the original, so
 * the original can be masked or highlighted in place.
 *
 * Normalisation, one original code point at a time:
 *  - NFKC: full-width digits and letters become ASCII (U+FF11 -> 1), full-width punctuation its ASCII
 *    form (U+FF0D -> '-', U+FF08 -> '('), the ideographic space a space;
 *  - invisible format characters (zero-width space and joiners, bidi controls, soft hyphen, BOM, word
 *    joiner, Hangul fillers) are dropped, so `138<ZWSP>1234 5678` reads as one number;
 *  - Chinese digits (ling, yi ... jiu, their financial forms, and yao for 1) count as digits inside a
 *    run of at least seven of them: a phone spelt out in Han digits, while a lone "yi" in a sentence
 *    stays a word.
 */
export interface NormalisedText {
  /** The normalised text. */
  text: string;
  /** For each UTF-16 unit of `text`: where the original code point it came from starts… */
  from: number[];
  /** …and ends (exclusive). */
  to: number[];
}

/** Chinese digit characters and their values. */
const HAN_DIGITS: Readonly<Record<string, string>> = {
  '\u3007': '0',
  '\u96f6': '0',
  '\u4e00': '1',
  '\u58f9': '1',
  '\u5e7a': '1',
  '\u4e8c': '2',
  '\u8d30': '2',
  '\u4e09': '3',
  '\u53c1': '3',
  '\u56db': '4',
  '\u8086': '4',
  '\u4e94': '5',
  '\u4f0d': '5',
  '\u516d': '6',
  '\u9646': '6',
  '\u4e03': '7',
  '\u67d2': '7',
  '\u516b': '8',
  '\u634c': '8',
  '\u4e5d': '9',
  '\u7396': '9',
};
const HAN_DIGIT = `[${Object.keys(HAN_DIGITS).join('')}]`;

/**
 * Characters that may stand between the digits of one number: spaces, dots and middle dots, hyphens
 * and dashes, slashes, brackets, underscores, tildes, plus. Tested on normalised text (so the full-width
 * forms are covered by their ASCII forms).
 */
export const SEPARATOR =
  /[\s.\u00b7\u2022\u2027\u2219\u30fb\-\u2010-\u2015\u2212_~/\\|()[\]{}<>+\u3010\u3011\u3014-\u3017\u300c-\u300f]/u;
/** At most this many separator characters between two digits of one number (`138 - 1234`). */
export const MAX_SEPARATORS = 3;

const HAN_DIGIT_RUN = new RegExp(`${HAN_DIGIT}(?:${SEPARATOR.source}{0,${MAX_SEPARATORS}}${HAN_DIGIT})+`, 'gu');
/** Format characters (Cf: zero-width, bidi, soft hyphen, BOM …) and the invisible fillers that are not Cf. */
const INVISIBLE = /^[\p{Cf}\u034f\u115f\u1160\u3164\uffa0\u180e]$/u;

/** Han digits in `text` (every one is a single UTF-16 unit). */
function countHanDigits(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) if (HAN_DIGIT_CODES.has(text.charCodeAt(i))) count += 1;
  return count;
}
const HAN_DIGIT_CODES = new Set(Object.keys(HAN_DIGITS).map((c) => c.charCodeAt(0)));

/** Positions (UTF-16 offsets) of Han digits that belong to a run of at least seven, with their values. */
function hanDigitPositions(text: string): Map<number, string> {
  const out = new Map<number, string>();
  // A run of seven needs seven Han digits in the text: most texts have fewer, and counting is cheaper than the search.
  if (countHanDigits(text) < 7) return out;
  for (const m of text.matchAll(HAN_DIGIT_RUN)) {
    const digits = Array.from(m[0]).filter((c) => HAN_DIGITS[c] !== undefined).length;
    if (digits < 7) continue;
    for (let k = 0; k < m[0].length; k += 1) {
      const value = HAN_DIGITS[m[0][k]!];
      if (value !== undefined) out.set(m.index + k, value);
    }
  }
  return out;
}

/** One code point's normalised form, Han digits aside: remembered, as texts repeat the same few thousand characters. */
const normalisedChars = new Map<string, string>();
function normaliseChar(ch: string): string {
  let out = normalisedChars.get(ch);
  if (out === undefined) {
    out = INVISIBLE.test(ch) ? '' : ch.normalize('NFKC');
    normalisedChars.set(ch, out);
  }
  return out;
}

/** Whether a code point's normalised form holds a letter or digit (what every identifier starts from). */
const alnumChars = new Map<string, boolean>();
const ALNUM = /[0-9a-z]/iu;

/**
 * False when the normalised text cannot hold an ASCII letter or digit, the first thing every finding needs: no code
 * point normalises to one, and there are fewer than seven Han digits (which become digits only in a run of seven).
 * A cheap pass that spares most texts without any number (a title, a label) the normalisation and the detectors.
 */
export function mayHoldAlnum(text: string): boolean {
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    if (cp < 0x80) {
      // ASCII normalises to itself.
      if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) return true;
      i += 1;
      continue;
    }
    const len = cp > 0xffff ? 2 : 1;
    const ch = text.slice(i, i + len);
    let alnum = alnumChars.get(ch);
    if (alnum === undefined) {
      alnum = ALNUM.test(normaliseChar(ch));
      alnumChars.set(ch, alnum);
    }
    if (alnum) return true;
    i += len;
  }
  return countHanDigits(text) >= 7;
}

/** Normalise `text` for the detector (see the file comment), keeping the way back to the original. */
export function normaliseForDetection(text: string): NormalisedText {
  const han = hanDigitPositions(text);
  const parts: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const ch = text.slice(i, i + len);
    const out = han.get(i) ?? normaliseChar(ch);
    for (let k = 0; k < out.length; k += 1) {
      parts.push(out[k]!);
      from.push(i);
      to.push(i + len);
    }
    i += len;
  }
  return { text: parts.join(''), from, to };
}
