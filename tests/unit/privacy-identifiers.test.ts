import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  findIdentifiers,
  maskIdentifiers,
  segmentText,
  type FindingKind,
  type IdentifierKind,
} from '../../src/domain/privacy/identifiers.ts';
import { luhnComplete } from '../support/identifier-probe.ts';

/*
 * Issue 13, acceptance 2: identifiers generated in every notation people write them in are found (≥ 99%),
 * and the false-positive rate on ordinary Chinese text with numbers is measured and reported. The
 * generators below compute check digits with their own code, not the detector's.
 */
// A fixed seed keeps the reported rates stable; PRIVACY_SEED=… explores other cases.
const SEED = Number(process.env.PRIVACY_SEED ?? 20260513);
const RUNS = 4000;

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);

function idCheck(body17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = Array.from(body17).reduce((s, c, i) => s + Number(c) * w[i]!, 0);
  return `${body17}${'10X98765432'.charAt(sum % 11)}`;
}
const ymd = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '');

// Canonical identifiers.
const mobile = fc.tuple(pick('3', '4', '5', '6', '7', '8', '9'), digits(9)).map(([b, r]) => `1${b}${r}`);
const regions = pick(
  '110105',
  '310104',
  '420682',
  '420602',
  '440305',
  '510107',
  '500103',
  '650102',
  '130102',
  '370202',
);
const residentId18 = fc
  .tuple(regions, fc.date({ min: new Date('1930-01-01'), max: new Date('2015-12-31'), noInvalidDate: true }), digits(3))
  .map(([r, d, s]) => idCheck(`${r}${ymd(d)}${s}`));
const residentId15 = fc
  .tuple(regions, fc.date({ min: new Date('1930-01-01'), max: new Date('1999-12-31'), noInvalidDate: true }), digits(3))
  .map(([r, d, s]) => `${r}${ymd(d).slice(2)}${s}`);
const bankCard = fc.oneof(
  digits(16).map((d) => luhnComplete(`62${d}`)), // UnionPay, 19 digits
  digits(13).map((d) => luhnComplete(`62${d}`)), // UnionPay, 16
  digits(14).map((d) => luhnComplete(`4${d}`)), // Visa
  fc.tuple(pick('1', '2', '3', '4', '5'), digits(13)).map(([b, d]) => luhnComplete(`5${b}${d}`)), // Mastercard
  fc.tuple(pick('34', '37'), digits(12)).map(([p, d]) => luhnComplete(`${p}${d}`)), // Amex, 15
);
const areaCodes = [
  '010',
  '020',
  '021',
  '022',
  '023',
  '024',
  '025',
  '027',
  '028',
  '029',
  '0310',
  '0311',
  '0351',
  '0371',
  '0377',
  '0411',
  '0431',
  '0451',
  '0471',
  '0510',
  '0512',
  '0531',
  '0551',
  '0571',
  '0591',
  '0631',
  '0660',
  '0691',
  '0710',
  '0711',
  '0716',
  '0717',
  '0719',
  '0722',
  '0724',
  '0728',
  '0731',
  '0755',
  '0771',
  '0791',
  '0812',
  '0851',
  '0871',
  '0891',
  '0898',
  '0901',
  '0911',
  '0931',
  '0951',
  '0971',
  '0991',
];
const landline = fc
  .tuple(pick(...areaCodes), fc.integer({ min: 2, max: 9 }), digits(7), fc.boolean())
  .map(([area, first, rest, eight]) => ({
    area,
    local: area.length === 3 || eight ? `${first}${rest}` : `${first}${rest.slice(1)}`,
  }));
const email = fc
  .tuple(
    fc.oneof(
      fc.stringMatching(/^[a-z][a-z0-9._]{1,12}[a-z0-9]$/),
      fc.integer({ min: 10000, max: 3999999999 }).map(String),
    ),
    pick(
      'qq.com',
      '163.com',
      '126.com',
      'gmail.com',
      'sina.com.cn',
      'outlook.com',
      'lhk.gov.cn',
      'foxmail.com',
      'yeah.net',
    ),
  )
  .map(([local, domain]) => ({ local, domain }));
const provinces = Array.from('京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼');
const plateLetters = Array.from('ABCDEFGHJKLMNPQRSTUVWXYZ');
const plate = fc
  .tuple(
    pick(...provinces),
    pick(...plateLetters),
    fc.oneof(
      // Ordinary plate: five characters, at most two of them letters.
      fc
        .tuple(digits(5), fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), pick(...plateLetters)), { maxLength: 2 }))
        .map(([d, ls]) => ls.reduce((s, [i, l]) => s.slice(0, i) + l + s.slice(i + 1), d)),
      // New-energy plate: D/F first or last, six characters.
      fc.tuple(pick('D', 'F'), pick(...plateLetters, '1', '2', '3'), digits(4)).map(([a, b, d]) => `${a}${b}${d}`),
      fc.tuple(digits(5), pick('D', 'F')).map(([d, a]) => `${d}${a}`),
      // Coach and police plates.
      fc.tuple(digits(4), pick('学', '警')).map(([d, s]) => `${d}${s}`),
    ),
  )
  .map(([p, l, serial]) => ({ p, l, serial }));

// Notations.
const SEPS = [' ', '-', '.', '·', '—', '–', '/', '\u3000', '\u00a0', ' - ', '－', '．', '_', '~'];
const sep = pick(...SEPS);
const fullWidth = (s: string) => s.replace(/[0-9A-Za-z@.]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const HAN = ['零〇', '一幺壹', '二贰', '三叁', '四肆', '五伍', '六陆', '七柒', '八捌', '九玖'];
const hanDigits = (s: string, k: number) =>
  s.replace(/\d/g, (c) => Array.from(HAN[Number(c)]!)[k % Array.from(HAN[Number(c)]!).length]!);
const group = (s: string, sizes: number[], by: string) => {
  const out: string[] = [];
  let at = 0;
  for (const n of sizes) if (at < s.length) out.push(s.slice(at, (at += n)));
  if (at < s.length) out.push(s.slice(at));
  return out.join(by);
};
/**
 * A random split into groups of one to five digits. `mixed`: each cut its own separator (no dots: a
 * number written `13.8123 45678` reads as decimals); otherwise one separator throughout, as people write.
 */
const anySplit = (s: string, mixed = false) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), pick(...SEPS.filter((x) => !/[.．]/.test(x)))), {
        minLength: s.length,
        maxLength: s.length,
      }),
      sep,
    )
    .map(([cuts, one]) => {
      let out = '';
      let at = 0;
      for (const [n, by] of cuts) {
        if (at >= s.length) break;
        out += (out ? (mixed ? by : one) : '') + s.slice(at, (at += n));
      }
      return out;
    });
const invisible = (s: string) =>
  fc
    .tuple(fc.integer({ min: 1, max: s.length - 1 }), pick('\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad'))
    .map(([i, z]) => s.slice(0, i) + z + s.slice(i));

type Notation = fc.Arbitrary<string>;
const notations: Record<IdentifierKind | 'residentId15', Record<string, Notation>> = {
  mobile: {
    plain: mobile,
    fullWidth: mobile.map(fullWidth),
    '3-4-4': fc.tuple(mobile, sep).map(([m, s]) => group(m, [3, 4, 4], s)),
    '3-8': fc.tuple(mobile, sep).map(([m, s]) => group(m, [3, 8], s)),
    '4-4-3': fc.tuple(mobile, sep).map(([m, s]) => group(m, [4, 4, 3], s)),
    '+86': fc
      .tuple(mobile, pick('+86 ', '+86-', '0086 ', '(+86)', '86 ', '+86', '+８６ ', '（+86）'), sep)
      .map(([m, p, s]) => p + group(m, [3, 4, 4], s)),
    brackets: fc
      .tuple(mobile, pick<[string, string]>(['(', ')'], ['（', '）'], ['【', '】'], ['[', '] ']))
      .map(([m, [o, c]]) => `${o}${m.slice(0, 3)}${c}${m.slice(3)}`),
    digitByDigit: fc.tuple(mobile, pick(' ', '-', '.')).map(([m, s]) => Array.from(m).join(s)),
    anySplit: mobile.chain((m) => anySplit(m)),
    mixedSeparators: mobile.chain((m) => anySplit(m, true)),
    hanDigits: fc.tuple(mobile, fc.integer({ min: 0, max: 2 })).map(([m, k]) => hanDigits(m, k)),
    fullWidthGrouped: fc
      .tuple(mobile, pick('－', '．', '\u3000', '（'))
      .map(([m, s]) => fullWidth(group(m, [3, 4, 4], s))),
    invisible: mobile.chain(invisible),
  },
  landline: {
    plain: landline.map(({ area, local }) => area + local),
    dash: fc.tuple(landline, sep).map(([{ area, local }, s]) => `${area}${s}${local}`),
    brackets: fc
      .tuple(landline, pick<[string, string]>(['(', ')'], ['（', '）'], ['【', '】']))
      .map(([{ area, local }, [o, c]]) => `${o}${area}${c}${local}`),
    localSplit: fc
      .tuple(landline, sep, sep)
      .map(([{ area, local }, s, t]) => `${area}${s}${group(local, [local.length - 4, 4], t)}`),
    '+86': fc
      .tuple(landline, pick('+86 ', '+86-', '0086-', '(+86)'))
      .map(([{ area, local }, p]) => `${p}${area.slice(1)}-${local}`),
    fullWidth: fc.tuple(landline, pick('－', '-', '')).map(([{ area, local }, s]) => fullWidth(`${area}${s}${local}`)),
    digitByDigit: landline.map(({ area, local }) => Array.from(`${area}${local}`).join(' ')),
    invisible: landline.chain(({ area, local }) => invisible(`${area}-${local}`)),
  },
  residentId: {
    plain: residentId18,
    lowerX: residentId18.map((v) => v.toLowerCase()),
    fullWidth: residentId18.map(fullWidth),
    '6-8-4': fc.tuple(residentId18, sep).map(([v, s]) => group(v, [6, 8, 4], s)),
    '6-4-4-4': fc.tuple(residentId18, sep).map(([v, s]) => group(v, [6, 4, 4, 4], s)),
    fours: fc.tuple(residentId18, sep).map(([v, s]) => group(v, [4, 4, 4, 4, 2], s)),
    anySplit: residentId18.chain((v) => anySplit(v)),
    mixedSeparators: residentId18.chain((v) => anySplit(v, true)),
    invisible: residentId18.chain(invisible),
  },
  residentId15: {
    plain: residentId15,
    '6-6-3': fc.tuple(residentId15, sep).map(([v, s]) => group(v, [6, 6, 3], s)),
    fullWidth: residentId15.map(fullWidth),
  },
  bankCard: {
    plain: bankCard,
    fours: fc.tuple(bankCard, pick(' ', '-', '.', '\u3000', ' - ', '－')).map(([c, s]) => group(c, [4, 4, 4, 4, 4], s)),
    '6-rest': fc.tuple(bankCard, pick(' ', '-')).map(([c, s]) => `${c.slice(0, 6)}${s}${c.slice(6)}`),
    fullWidth: bankCard.map(fullWidth),
    fullWidthFours: bankCard.map((c) => fullWidth(group(c, [4, 4, 4, 4], '\u3000'))),
    digitByDigit: bankCard.map((c) => Array.from(c).join(' ')),
    invisible: bankCard.chain(invisible),
  },
  email: {
    plain: email.map(({ local, domain }) => `${local}@${domain}`),
    upper: email.map(({ local, domain }) => `${local}@${domain}`.toUpperCase()),
    fullWidth: email.map(({ local, domain }) => fullWidth(`${local}@${domain}`).replace('＠', '＠')),
    spaced: email.map(({ local, domain }) => `${local} @ ${domain.replace(/\./g, ' . ')}`),
    words: email.map(({ local, domain }) => `${local} at ${domain.replace(/\./g, ' dot ')}`),
    bracketed: fc
      .tuple(email, pick('(at)', '[at]', '{at}', '<at>'))
      .map(([{ local, domain }, a]) => `${local}${a}${domain}`),
    hash: email.map(({ local, domain }) => `${local}#${domain}`),
    hanWords: email.map(({ local, domain }) => `${local}艾特${domain.replace(/\./g, '点')}`),
  },
  plate: {
    plain: plate.map(({ p, l, serial }) => `${p}${l}${serial}`),
    dot: plate.map(({ p, l, serial }) => `${p}${l}·${serial}`),
    space: fc.tuple(plate, pick(' ', '-', '\u3000')).map(([{ p, l, serial }, s]) => `${p}${l}${s}${serial}`),
    spacedProvince: plate.map(({ p, l, serial }) => `${p} ${l} ${serial}`),
    lower: plate.map(({ p, l, serial }) => `${p}${l}${serial}`.toLowerCase()),
    fullWidth: plate.map(({ p, l, serial }) => `${p}${fullWidth(l + serial)}`),
  },
};
const expectedKind = (k: keyof typeof notations): IdentifierKind => (k === 'residentId15' ? 'residentId' : k);

const prefixes = [
  '',
  '我的电话是',
  '请联系：',
  '身份证号',
  '卡号：',
  '他说',
  '（',
  '2024年3月5日，',
  '金额1,280元，',
  '车牌',
  '邮箱 ',
];
const suffixes = ['', '。', '，谢谢', '）', ' 请回电', '，3月5日', '；', '\n第二段'];

/**
 * Whether the identifier written at [start, end) is detected: found, and every digit and letter of it
 * masked. `labelled`: found as its own kind (a 15-digit number can be both an old resident ID and an Amex
 * card; either way it is masked).
 */
function detected(text: string, start: number, end: number, kind: IdentifierKind): { hit: boolean; labelled: boolean } {
  const found = findIdentifiers(text).filter((f) => f.start < end && f.end > start);
  const labelled = found.some((f) => f.kind === kind);
  const masked = maskIdentifiers(text);
  const left = masked.slice(start, end).replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, '');
  const hit =
    found.length > 0 &&
    !/[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]/.test(left) &&
    !Array.from(left).some((c) => HAN.join('').includes(c));
  return { hit, labelled };
}

describe('the identifier detector finds identifiers in every notation (≥ 99%)', () => {
  const rows: string[] = [];
  let total = 0;
  let hits = 0;
  for (const [kind, byNotation] of Object.entries(notations) as [keyof typeof notations, Record<string, Notation>][]) {
    test(kind, () => {
      let kindTotal = 0;
      let kindHits = 0;
      let kindLabelled = 0;
      const misses: string[] = [];
      for (const [name, arb] of Object.entries(byNotation)) {
        const cases = fc.sample(fc.tuple(arb, pick(...prefixes), pick(...suffixes)), { numRuns: RUNS / 4, seed: SEED });
        let ok = 0;
        for (const [written, before, after] of cases) {
          const text = `${before}${written}${after}`;
          const r = detected(text, before.length, before.length + written.length, expectedKind(kind));
          if (r.labelled) kindLabelled += 1;
          if (r.hit) ok += 1;
          else if (misses.length < 5) misses.push(`${name}: ${JSON.stringify(text)}`);
        }
        kindTotal += cases.length;
        kindHits += ok;
        rows.push(`${kind.padEnd(13)} ${name.padEnd(17)} ${ok}/${cases.length}`);
      }
      total += kindTotal;
      hits += kindHits;
      const rate = kindHits / kindTotal;
      console.log(
        `detection ${kind}: ${(rate * 100).toFixed(2)}% (${kindHits}/${kindTotal}); labelled as ${kind}: ` +
          `${((kindLabelled / kindTotal) * 100).toFixed(2)}%`,
        misses,
      );
      expect(rate, misses.join('\n')).toBeGreaterThanOrEqual(0.99);
    });
  }
  test('overall detection rate (reported)', () => {
    console.log(
      `${rows.join('\n')}\nDETECTION RATE: ${((hits / total) * 100).toFixed(2)}% (${hits}/${total} generated identifiers)`,
    );
    expect(total).toBeGreaterThan(40_000);
    expect(hits / total).toBeGreaterThanOrEqual(0.99);
  });
});

const corpus = readFileSync(new URL('../fixtures/privacy/ordinary-text.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'));

/** Ordinary sentences built from templates with random dates, amounts, article numbers, codes. */
const templated = fc.oneof(
  fc
    .date({ min: new Date('2000-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
    .chain((d) =>
      pick(
        `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日召开村民代表会议。`,
        `公示期为${d.toISOString().slice(0, 10)}至${new Date(d.getTime() + 6 * 864e5).toISOString().slice(0, 10)}。`,
        `会议于 ${d.toISOString().slice(0, 10).replace(/-/g, '.')} 召开，${d.toISOString().slice(11, 16)} 开始。`,
        `${ymd(d)} 的陪餐记录缺失。`,
        `${d.toISOString().slice(0, 10)} ${new Date(d.getTime() + 4 * 864e5).toISOString().slice(0, 10)} 两天没有公示。`,
      ),
    ),
  fc
    .integer({ min: 1, max: 99_999_999 })
    .map((n) => `本月支出 ${(n / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })} 元。`),
  fc.integer({ min: 1, max: 9_999_999 }).map((n) => `合同金额 ${n} 元，已支付 ${Math.floor(n / 3)} 元。`),
  fc.integer({ min: 1, max: 80 }).map((n) => `根据第${n}条第${(n % 5) + 1}款的规定。`),
  fc.integer({ min: 1990, max: 2030 }).map((y) => `${y}年至${y + 4}年的账目请公开。`),
  digits(8).map((d) => `发票号码 ${d}，请核实。`),
  // A VAT invoice code: tax office (0 or 1), province region code (XX00), year, batch, type.
  fc
    .tuple(
      pick('0', '1'),
      pick('11', '13', '31', '32', '33', '37', '42', '44', '51', '61'),
      digits(2),
      digits(3),
      pick('04', '10', '11'),
    )
    .map(([a, p, y, b, k]) => `发票代码 ${a}${p}00${y}${b}${k}。`),
  digits(20).map((d) => `电子发票号码 ${d}。`),
  // Shop order numbers start with the date: 19 digits, so about one in ten passes Luhn like a card would.
  fc
    .tuple(fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }), digits(11))
    .map(([d, r]) => `网购订单号 ${ymd(d)}${r}，校服一直没发货。`),
  digits(9).map((d) => `工单号 12${d}，请尽快处理。`),
  fc.integer({ min: 100_000, max: 999_999 }).map((n) => `邮编 ${n}。`),
  fc
    .tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 101, max: 2699 }))
    .map(([a, b, c]) => `${a}栋${b}单元${c}室漏水。`),
  fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 9 })).map(([a, b]) => `满意率 ${a}.${b}%。`),
);

describe('false positives on ordinary Chinese text with numbers (reported)', () => {
  test('the hand-written corpus', () => {
    const flagged = corpus.filter((l) => findIdentifiers(l).length > 0);
    const rate = flagged.length / corpus.length;
    console.log(
      `FALSE-POSITIVE RATE (hand-written corpus): ${(rate * 100).toFixed(2)}% (${flagged.length}/${corpus.length} texts)`,
      flagged.map(
        (l) =>
          `${l} → ${findIdentifiers(l)
            .map((f) => `${f.kind}:${l.slice(f.start, f.end)}`)
            .join(', ')}`,
      ),
    );
    expect(corpus.length).toBeGreaterThan(150);
    expect(rate).toBeLessThanOrEqual(0.02);
  });

  test('generated sentences (dates, amounts, articles, years, invoice codes)', () => {
    const sentences = fc.sample(templated, { numRuns: 5000, seed: SEED });
    const flagged = sentences.filter((s) => findIdentifiers(s).length > 0);
    const rate = flagged.length / sentences.length;
    console.log(
      `FALSE-POSITIVE RATE (generated sentences): ${(rate * 100).toFixed(2)}% (${flagged.length}/${sentences.length})`,
      flagged.slice(0, 10),
    );
    expect(rate).toBeLessThanOrEqual(0.02);
  });
});

describe('findings, masking and highlighting', () => {
  test.each([
    ['mobile', '电话 139-8765-4321 请回电', '电话 ***-****-**** 请回电'],
    ['mobile, full-width with dots', '手机１３８．１２３４．５６７８', '手机***．****．****'],
    ['mobile in Han digits', '一三八一二三四五六七八', '***********'],
    ['mobile with +86', '+86 138 1234 5678', '+** *** **** ****'],
    ['landline', '座机（0710）321-1234', '座机（****）***-****'],
    ['local number after a phone word', '电话：3211234', '电话：*******'],
    ['resident ID, grouped', '身份证 110105 19491231 002X 号', '身份证 ****** ******** **** 号'],
    ['bank card, grouped', '卡号 4111 1111 1111 1111', '卡号 **** **** **** ****'],
    ['e-mail in words', '邮箱 zhang at qq dot com', '邮箱 ***** ** ** *** ***'],
    ['e-mail of a QQ number', '13812345678@qq.com', '***********@**.***'],
    ['plate', '车牌鄂F·12345', '车牌鄂*·*****'],
    ['nothing', '2024年3月5日，第3条，金额1,280元', '2024年3月5日，第3条，金额1,280元'],
  ])('%s', (_label, text, masked) => {
    expect(maskIdentifiers(text)).toBe(masked);
  });

  test('spans are of the original text, across invisible characters', () => {
    const text = '号码 138\u200b1234\u200b5678。';
    const [f] = findIdentifiers(text);
    expect(f).toEqual({ kind: 'mobile', start: 3, end: 16 });
    expect(text.slice(f!.start, f!.end)).toBe('138\u200b1234\u200b5678');
  });

  test('overlapping readings become one finding (an e-mail whose name is a phone)', () => {
    expect(findIdentifiers('13812345678@qq.com').map((f) => f.kind)).toEqual(['email']);
  });

  test('long numbers only on request (the view of the unit complained about)', () => {
    const kinds = (s: string, longNumbers: boolean) => findIdentifiers(s, { longNumbers }).map((f) => f.kind);
    expect(kinds('编号 3211234 的件', false)).toEqual([]);
    expect(kinds('编号 3211234 的件', true)).toEqual(['longNumber' satisfies FindingKind]);
  });

  const withIdentifiers = fc
    .tuple(
      fc.array(fc.oneof(...Object.values(notations).flatMap((n) => Object.values(n)), fc.constantFrom(...corpus)), {
        minLength: 1,
        maxLength: 6,
      }),
      pick(' ', '，', '。', '\n', ''),
    )
    .map(([parts, by]) => parts.join(by));

  test('masked text holds no finding; findings are ordered, disjoint spans; segments rebuild the text', () => {
    fc.assert(
      fc.property(fc.oneof(withIdentifiers, fc.string({ unit: 'grapheme', maxLength: 80 })), (text) => {
        const found = findIdentifiers(text);
        for (const [i, f] of found.entries()) {
          expect(f.start).toBeGreaterThanOrEqual(i === 0 ? 0 : found[i - 1]!.end);
          expect(f.end).toBeGreaterThan(f.start);
          expect(f.end).toBeLessThanOrEqual(text.length);
        }
        expect(findIdentifiers(maskIdentifiers(text))).toEqual([]);
        expect(
          segmentText(text, found)
            .map((s) => s.text)
            .join(''),
        ).toBe(text);
      }),
      { numRuns: 2000, seed: SEED },
    );
  });
});
