import type { IdentifierKind } from '../../src/domain/privacy/identifiers.ts';

/** The body with its Luhn check digit appended (bank card numbers). */
export function luhnComplete(body: string): string {
  let total = 0;
  for (let i = 0; i < body.length; i += 1) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    total += d;
  }
  return `${body}${(10 - (total % 10)) % 10}`;
}
const card = luhnComplete('622202123456789012');

/**
 * Issue 13, acceptance 1: the probe's complaint, with identifiers in (more than) eight notations. Test
 * numbers only: the resident ID is the sample of GB 11643-1999, the card a made-up UnionPay number.
 */
export const PROBE_IDENTIFIERS: { kind: IdentifierKind; written: string; digits: string }[] = [
  { kind: 'mobile', written: '138.1234.5678', digits: '13812345678' },
  { kind: 'mobile', written: '１３９ ８７６５ ４３２１', digits: '13987654321' },
  { kind: 'mobile', written: '+86 (137) 1234-5678', digits: '13712345678' },
  { kind: 'mobile', written: '一五九一二三四五六七八', digits: '15912345678' },
  { kind: 'residentId', written: '110105 19491231 002X', digits: '11010519491231002X' },
  { kind: 'bankCard', written: card.replace(/(\d{4})(?=\d)/g, '$1 '), digits: card },
  { kind: 'landline', written: '（0710）321-1234', digits: '07103211234' },
  { kind: 'email', written: 'zhang.san at qq dot com', digits: 'zhang.san' },
  { kind: 'plate', written: '鄂F·12345', digits: 'F12345' },
  // A zero-width space inside: removed on input, so the stored number is plain.
  { kind: 'mobile', written: '186\u200b9876\u200b5432', digits: '18698765432' },
];

export const PROBE_BODY = `村里低保名单公示有问题，请核实。${PROBE_IDENTIFIERS.map((p, i) => `第${i + 1}个：${p.written}`).join('；')}。`;
