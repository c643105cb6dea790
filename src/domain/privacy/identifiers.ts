import { MAX_SEPARATORS, SEPARATOR, mayHoldAlnum, normaliseForDetection, type NormalisedText } from './normalise.ts';
import {
  isBankCardNumber,
  isCardGrouping,
  isLandlineGrouping,
  isLandlineNumber,
  isLocalNumber,
  isOldResidentIdNumber,
  isResidentIdNumber,
  mobileDigits,
} from './numbers.ts';

/**
 * The one identifier detector (issue 13): every place that shows, exports or logs free text asks it what
 * to mask, and the moderator's publish screen asks it what to highlight. It normalises first
 * (normalise.ts: full-width forms, invisible characters, Han digits), reads numbers across separators
 * (spaces, dots, dashes, slashes, brackets between digits), and reports each finding as a span of the
 * ORIGINAL text. It finds things that look like identifiers: a false alarm is possible and preferred to
 * a leak (the false-positive rate on ordinary text is measured in tests/unit/privacy-identifiers.test.ts).
 * Names cannot be found this way; the pages that publish text say so to the people who write and check it.
 */
export const identifierKinds = ['mobile', 'landline', 'residentId', 'bankCard', 'email', 'plate'] as const;
export type IdentifierKind = (typeof identifierKinds)[number];
/** `birthDate` and `longNumber` are reported only when asked for (see `DetectOptions`). */
export type FindingKind = IdentifierKind | 'birthDate' | 'longNumber';

export interface Finding {
  kind: FindingKind;
  /** UTF-16 offsets into the original text: `text.slice(start, end)` is what was found. */
  start: number;
  end: number;
}

export interface DetectOptions {
  /** Also report anything shaped like a date (aid lists, where no date is expected). */
  birthDates?: boolean;
  /**
   * Also report any other unbroken number of seven digits or more (the view of the unit complained about,
   * which must not see even a local phone number without its area code).
   */
  longNumbers?: boolean;
}

/** A span of the normalised text, `a` inclusive, `b` exclusive. */
interface Span {
  kind: FindingKind;
  a: number;
  b: number;
}

/** Digits written together; `x` is the position of a trailing X (the check character of a resident ID). */
interface Group {
  digits: string;
  pos: number[];
  x: number | null;
  /** The separators between this group and the one before it ('' for the first). */
  before: string;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlnum = (c: string | undefined) => c !== undefined && /[0-9A-Za-z]/.test(c);
const isX = (c: string | undefined) => c === 'X' || c === 'x' || c === '\u00d7';

/** Every number in the text as its groups of digits: `138 1234-5678` is one run of three groups. */
function digitRuns(n: string): Group[][] {
  const runs: Group[][] = [];
  let i = 0;
  while (i < n.length) {
    if (!isDigit(n[i])) {
      i += 1;
      continue;
    }
    const run: Group[] = [];
    let before = '';
    for (;;) {
      const g: Group = { digits: '', pos: [], x: null, before };
      while (isDigit(n[i])) {
        g.digits += n.charAt(i);
        g.pos.push(i);
        i += 1;
      }
      // A resident ID's check character: right after the digits, or after separators (`…1103 X`).
      let k = i;
      while (k < n.length && k - i < MAX_SEPARATORS && SEPARATOR.test(n[k]!)) k += 1;
      if (isX(n[k]) && !isAlnum(n[k + 1])) {
        g.x = k;
        i = k + 1;
      }
      run.push(g);
      let j = i;
      while (j < n.length && j - i < MAX_SEPARATORS && SEPARATOR.test(n[j]!)) j += 1;
      if (j === i || !isDigit(n[j])) break;
      before = n.slice(i, j);
      i = j;
    }
    runs.push(run);
  }
  return runs;
}

/** Words that announce a phone number, so that a local number without area code counts as one. */
const PHONE_WORD =
  /(?:\u7535\u8bdd|\u5ea7\u673a|\u624b\u673a|\u8054\u7cfb|\u81f4\u7535|\u62e8\u6253|\u6765\u7535|\u56fa\u8bdd|tel|phone|mobile|call)(?:\u53f7\u7801|\u53f7)?(?:\u662f|\u4e3a)?[\s:=]*$/i;

interface Candidate extends Span {
  i: number;
  weight: number;
}

/** What a run of groups `i..j` (already joined to `digits`) is, if anything. */
function classify(digits: string, lengths: number[], last: Group, announced: boolean) {
  if (last.x !== null && digits.length === 17 && isResidentIdNumber(`${digits}X`))
    return { kind: 'residentId' as const, withX: true };
  if (digits.length === 18 && isResidentIdNumber(digits)) return { kind: 'residentId' as const, withX: false };
  if (digits.length === 15 && isOldResidentIdNumber(digits)) return { kind: 'residentId' as const, withX: false };
  if (isBankCardNumber(digits) && isCardGrouping(lengths)) return { kind: 'bankCard' as const, withX: false };
  if (mobileDigits(digits)) return { kind: 'mobile' as const, withX: false };
  if (isLandlineNumber(digits) && isLandlineGrouping(digits, lengths))
    return { kind: 'landline' as const, withX: false };
  if (announced && isLocalNumber(digits) && lengths.length <= 2) return { kind: 'landline' as const, withX: false };
  return null;
}

/**
 * Groups that are halves of decimal numbers in a list of them (`3.165 0.254883 6.755`: drawing
 * coordinates, measurements): a token of two groups joined by one dot, when the run holds two such
 * tokens or more. A phone written with dots uses them throughout (`138.1234.5678`), so its dots do not
 * make single-dot tokens, and one odd `138.12345678` alone is still read.
 */
function decimalGroups(run: Group[]): boolean[] {
  const out = run.map(() => false);
  const tokens: number[][] = [];
  for (let k = 0; k < run.length; k += 1) {
    if (k > 0 && run[k]!.before === '.') tokens.at(-1)!.push(k);
    else tokens.push([k]);
  }
  const decimals = tokens.filter((t) => t.length === 2);
  if (decimals.length >= 2) for (const t of decimals) for (const k of t) out[k] = true;
  return out;
}

/**
 * The identifiers in one run. Several readings may overlap (`138 1234 5678 6222 …` could be read
 * from any group on); the chosen ones cover the most digits without overlapping (interval scheduling).
 */
function runSpans(n: string, run: Group[]): Span[] {
  const byEnd: Candidate[][] = run.map(() => []);
  const decimal = decimalGroups(run);
  const announced = PHONE_WORD.test(n.slice(Math.max(0, run[0]!.pos[0]! - 12), run[0]!.pos[0]));
  for (let i = 0; i < run.length; i += 1) {
    if (decimal[i]) continue;
    // The fraction of a decimal (`0.5731234567891252`, a rate in a JSON file) is no identifier.
    const fraction = i > 0 && run[i]!.before === '.' && run[i - 1]!.digits.length <= 3;
    let digits = '';
    const lengths: number[] = [];
    for (let j = i; j < run.length; j += 1) {
      digits += run[j]!.digits;
      lengths.push(run[j]!.digits.length);
      if (digits.length > 19 || decimal[j]) break;
      if (fraction && j === i) continue;
      const found = classify(digits, lengths, run[j]!, announced && i === 0);
      if (!found) continue;
      const end = found.withX ? run[j]!.x! : run[j]!.pos.at(-1)!;
      byEnd[j]!.push({ kind: found.kind, a: run[i]!.pos[0]!, b: end + 1, i, weight: digits.length });
    }
  }
  const best = new Array<number>(run.length + 1).fill(0);
  const choice = new Array<Candidate | null>(run.length + 1).fill(null);
  for (let j = 0; j < run.length; j += 1) {
    best[j + 1] = best[j]!;
    for (const c of byEnd[j]!) {
      if (best[c.i]! + c.weight > best[j + 1]!) {
        best[j + 1] = best[c.i]! + c.weight;
        choice[j + 1] = c;
      }
    }
  }
  const out: Span[] = [];
  for (let k = run.length; k > 0;) {
    const c = choice[k];
    if (!c) k -= 1;
    else {
      out.push({ kind: c.kind, a: c.a, b: c.b });
      k = c.i;
    }
  }
  return out;
}

const EMAIL_AT = '(?:\\s*(?:@|\\(at\\)|\\[at\\]|\\{at\\}|<at>|#|\\u827e\\u7279)\\s*|\\s+at\\s+)';
const EMAIL_DOT = '(?:\\s*(?:\\.|\\(dot\\)|\\[dot\\]|\\{dot\\}|<dot>|\\u70b9|\\u3002)\\s*|\\s+dot\\s+)';
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/**
 * E-mail addresses, also written `name at example dot com`, `name(at)example.com` or with # for @. A top-level
 * domain has no digits, so a number written right after an address (`…@qq.com138…`) ends it.
 */
const EMAIL = new RegExp(
  `(?<![a-z0-9._%+-])[a-z0-9][a-z0-9._%+-]{0,63}${EMAIL_AT}(?:${LABEL}${EMAIL_DOT})+[a-z]{2,24}(?![a-z-])`,
  'giu',
);

/** Province abbreviations that open a licence plate (GA 36-2018). */
const PROVINCES =
  '\\u4eac\\u6d25\\u6caa\\u6e1d\\u5180\\u8c6b\\u4e91\\u8fbd\\u9ed1\\u6e58\\u7696\\u9c81\\u65b0\\u82cf\\u6d59\\u8d63\\u9102\\u6842\\u7518\\u664b\\u8499\\u9655\\u5409\\u95fd\\u8d35\\u7ca4\\u9752\\u85cf\\u5ddd\\u5b81\\u743c';
/** Last characters of special plates: coach, police, trailer, Hong Kong, Macao, consulate, test, oversize. */
const PLATE_SUFFIX = '\\u5b66\\u8b66\\u6302\\u6e2f\\u6fb3\\u9886\\u8bd5\\u8d85';
const PLATE_SEP = '[\\s\\u00b7\\u2022\\u30fb.\\-]{0,2}';
/**
 * Licence plates: province, issuing-office letter (no I or O), then five characters (at least three of
 * them digits, or four and a special suffix) or six for new-energy vehicles (D/F first or last).
 */
const PLATE = new RegExp(
  `[${PROVINCES}]${PLATE_SEP}[A-HJ-NP-Z]${PLATE_SEP}((?:[DF][A-HJ-NP-Z0-9]\\d{4}|\\d{5}[DF])|[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9${PLATE_SUFFIX}])(?![A-Za-z0-9])`,
  'giu',
);
const isPlateSerial = (serial: string) => serial.length === 6 || (serial.match(/\d/g)?.length ?? 0) >= 3;

/** Dates written 2012-03-05, 2012/3/5, 2012.03.05, 2012 (nian) 3 (yue) 5 (ri) in Han characters, or 20120305. */
const BIRTH_DATE =
  /(?<![0-9])(?:(?:19|20)\d{2}(?:[-/.]|\s*\u5e74\s*)(?:0?[1-9]|1[0-2])(?:[-/.]|\s*\u6708\s*)(?:0?[1-9]|[12]\d|3[01])(?:\s*\u65e5)?|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?![0-9])/g;

/** What an e-mail address (every way of writing its `@`) and a plate (its province) cannot do without: cheap tests first. */
const EMAIL_HINT = /@|#|\u827e\u7279|at/iu;
const PLATE_HINT = new RegExp(`[${PROVINCES}]`, 'u');

function patternSpans(n: string, opts: DetectOptions): Span[] {
  const out: Span[] = [];
  if (EMAIL_HINT.test(n))
    for (const m of n.matchAll(EMAIL)) out.push({ kind: 'email', a: m.index, b: m.index + m[0].length });
  if (PLATE_HINT.test(n))
    for (const m of n.matchAll(PLATE))
      if (isPlateSerial(m[1]!)) out.push({ kind: 'plate', a: m.index, b: m.index + m[0].length });
  if (opts.birthDates)
    for (const m of n.matchAll(BIRTH_DATE)) out.push({ kind: 'birthDate', a: m.index, b: m.index + m[0].length });
  return out;
}

/** Overlapping spans become one, named after the longer (an e-mail `138…@qq.com` is an e-mail). */
function merge(spans: Span[]): Span[] {
  const sorted = [...spans].sort((x, y) => x.a - y.a || y.b - x.b);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s.a < last.b) {
      if (s.b - s.a > last.b - last.a) last.kind = s.kind;
      last.b = Math.max(last.b, s.b);
    } else out.push({ ...s });
  }
  return out;
}

function detect(norm: NormalisedText, opts: DetectOptions): Span[] {
  const n = norm.text;
  const runs = digitRuns(n);
  const numbers = runs.flatMap((run) => runSpans(n, run));
  const spans = [...numbers, ...patternSpans(n, opts)];
  if (opts.longNumbers) {
    const covered = (p: number) => spans.some((s) => s.a <= p && p < s.b);
    for (const g of runs.flat())
      if (g.digits.length >= 7 && !covered(g.pos[0]!))
        spans.push({ kind: 'longNumber', a: g.pos[0]!, b: g.pos.at(-1)! + 1 });
  }
  return merge(spans);
}

/** The identifiers in `text`, in order, not overlapping, as spans of `text` itself. */
export function findIdentifiers(text: string, opts: DetectOptions = {}): Finding[] {
  // Every detector starts from a letter or a digit of the normalised text (numbers, e-mail, plates, dates).
  if (!mayHoldAlnum(text)) return [];
  const norm = normaliseForDetection(text);
  return detect(norm, opts).map((s) => ({ kind: s.kind, start: norm.from[s.a]!, end: norm.to[s.b - 1]! }));
}

/**
 * One masking pass: each character of a finding that is a digit or a letter once normalised becomes `*`;
 * separators, `@`, dots and the province character of a plate stay, so the reader still sees that a phone
 * or an address was there (`138-****-****` style, but fully masked).
 */
export function maskFindings(text: string, findings: readonly Finding[]): string {
  if (findings.length === 0) return text;
  const norm = normaliseForDetection(text);
  const masked = new Map<number, number>();
  let f = 0;
  for (let k = 0; k < norm.text.length; k += 1) {
    const at = norm.from[k]!;
    while (f < findings.length && findings[f]!.end <= at) f += 1;
    if (f === findings.length) break;
    if (findings[f]!.start <= at && isAlnum(norm.text[k])) masked.set(at, norm.to[k]!);
  }
  let out = '';
  for (let i = 0; i < text.length;) {
    const end = masked.get(i);
    if (end !== undefined) {
      out += '*';
      i = end;
    } else {
      out += text.charAt(i);
      i += 1;
    }
  }
  return out;
}

/**
 * The text with every identifier masked (see `maskFindings`). Masking one finding can set free another
 * that was glued to it (`a@qq.com10000(at)qq.com`), so the text is checked again until nothing is found.
 */
export function maskIdentifiers(text: string, opts: DetectOptions = {}): string {
  let out = text;
  for (let round = 0; round < 4; round += 1) {
    const found = findIdentifiers(out, opts);
    if (found.length === 0) break;
    out = maskFindings(out, found);
  }
  return out;
}

/** Mask a nullable text (a convenience for projections). */
export const maskOrNull = (text: string | null, opts: DetectOptions = {}): string | null =>
  text === null ? null : maskIdentifiers(text, opts);

/** A finding as it may be printed (a build error, a test report): all but its first and last two characters masked. */
export function excerptOf(text: string, f: Finding): string {
  const s = text.slice(f.start, f.end);
  return s.length <= 4 ? '*'.repeat(s.length) : `${s.slice(0, 2)}${'*'.repeat(s.length - 4)}${s.slice(-2)}`;
}

export interface TextSegment {
  text: string;
  /** The kind of identifier this piece is, or null for ordinary text. */
  kind: FindingKind | null;
}

/** The text cut at its findings, for highlighting them (`<mark>`) without building HTML by hand. */
export function segmentText(text: string, findings: readonly Finding[] = findIdentifiers(text)): TextSegment[] {
  const out: TextSegment[] = [];
  let at = 0;
  for (const f of findings) {
    if (f.start > at) out.push({ text: text.slice(at, f.start), kind: null });
    out.push({ text: text.slice(f.start, f.end), kind: f.kind });
    at = f.end;
  }
  if (at < text.length) out.push({ text: text.slice(at), kind: null });
  return out;
}
