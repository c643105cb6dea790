import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { messageAreas, messages } from '../../src/i18n/zh-CN/index.ts';
import { stringLiterals } from '../support/string-literals.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MESSAGES = join(ROOT, 'src/i18n/zh-CN');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));

const keys = Object.keys(messages);
/** First key segments (`site`, `nav`, `disclosures`, …): a literal starting with one of these names a key. */
const segments = new Set(keys.map((k) => k.split('.')[0]!));
const isKeyLike = (s: string) => /^[a-zA-Z]+(\.[\w-]+)+$/.test(s) && segments.has(s.split('.')[0]!);
/**
 * Dotted literals that look like message keys but are not: audit-log action names (src/db/staff-repo.ts).
 */
const notKeys = new Set([
  'staff.login',
  'staff.account.create',
  'staff.account.disable',
  'staff.account.enable',
  'staff.account.role',
  'staff.account.totpReset',
  'staff.account.enrolled',
  'staff.account.contact',
]);

/**
 * Every way product code names a key, from the string literals of src/ (TypeScript and Astro, outside the
 * messages) and db/: a whole key as a literal anywhere (`t('…')`, zod messages in domain schemas, `key:` and
 * `reason:` fields passed to `explain()`, tables of keys), or a template literal that starts with a key
 * prefix (`disclosures.stage.${stage}`, `statistics.${name}.title`), where each hole stands for one segment.
 */
function keysNamedInCode() {
  const literals = new Map<string, string>();
  const templates: { pattern: RegExp; text: string; file: string }[] = [];
  const code = [...files(join(ROOT, 'src')), ...files(join(ROOT, 'db'))]
    .filter((f) => /\.(ts|astro|mjs)$/.test(f) && !f.startsWith(MESSAGES));
  for (const file of code) {
    const where = relative(ROOT, file);
    for (const parts of stringLiterals(readFileSync(file, 'utf8'))) {
      const [head, ...rest] = parts as [string, ...string[]];
      if (rest.length === 0) {
        if (isKeyLike(head) && !notKeys.has(head)) literals.set(head, where);
      } else if (isKeyLike(`${head}x`) && rest.every((p) => /^[\w.-]*$/.test(p))) {
        const escape = (p: string) => p.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
        const pattern = new RegExp(`^${parts.map(escape).join('[^.]+')}$`);
        templates.push({ pattern, text: parts.join('${…}'), file: where });
      }
    }
  }
  return { literals, templates };
}
const { literals, templates } = keysNamedInCode();

describe('messages', () => {
  test('every key named in src/ and db/ exists in zh-CN', () => {
    expect(literals.has('site.name')).toBe(true);
    const unknown = [...literals].filter(([k]) => !Object.hasOwn(messages, k)).map(([k, file]) => `${file}: ${k}`);
    expect(unknown).toEqual([]);
  });

  test('every key prefix used in a template literal names at least one key', () => {
    const dead = templates.filter((d) => !keys.some((k) => d.pattern.test(k))).map((d) => `${d.file}: ${d.text}`);
    expect(templates.length).toBeGreaterThan(0);
    expect(dead).toEqual([]);
  });

  test('every key in zh-CN is used in src/ or db/', () => {
    const unused = keys.filter((k) => !literals.has(k) && !templates.some((d) => d.pattern.test(k)));
    expect(unused).toEqual([]);
  });

  test('each first key segment lives in one area file', () => {
    const filesOf = new Map<string, Set<string>>();
    for (const [area, texts] of Object.entries(messageAreas)) {
      for (const k of Object.keys(texts)) {
        const segment = k.split('.')[0]!;
        filesOf.set(segment, (filesOf.get(segment) ?? new Set()).add(area));
      }
    }
    const split = [...filesOf].filter(([, areas]) => areas.size > 1).map(([s, areas]) => `${s}: ${[...areas].join(',')}`);
    expect(split).toEqual([]);
    // The merged object has every area's keys (the type check in index.ts stops a key in two files).
    const total = Object.values(messageAreas).reduce((n, texts) => n + Object.keys(texts).length, 0);
    expect(keys.length).toBe(total);
  });
});
