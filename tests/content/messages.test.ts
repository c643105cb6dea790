import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { messages } from '../../src/i18n/zh-CN/index.ts';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));

describe('messages', () => {
  test('every message key used as a domain or API error code exists in zh-CN', () => {
    const used = new Set<string>();
    for (const f of files(SRC).filter((f) => f.endsWith('.ts') && !f.includes('/i18n/'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/['"]((?:units|families|feedback|surveys|scoring|disclosures|statistics)\.[a-zA-Z.]+)['"]/g)) {
        used.add(m[1]!);
      }
    }
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((k) => !(k in messages))).toEqual([]);
  });

  test('every t() key used in pages and components exists', () => {
    const missing: string[] = [];
    for (const f of files(SRC).filter((f) => f.endsWith('.astro'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\bt\(\s*'([^'`$]+)'/g)) if (!(m[1]! in messages)) missing.push(`${f}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });
});
