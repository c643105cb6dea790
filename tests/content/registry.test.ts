import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CONTENT_DIR, ContentError, readRegistry } from '../../src/content/files.ts';
import { unitCarriers } from '../../src/domain/units/schema.ts';

describe('content registry', () => {
  test('every file in content/ parses with its schema', () => {
    const { townships, units, families } = readRegistry();
    expect(townships.length).toBeGreaterThan(0);
    expect(units.length).toBeGreaterThan(0);
    expect(families.length).toBeGreaterThan(0);
  });

  test('the demo city has every unit carrier, ≥ 3 schools and ≥ 3 villages, all labelled demo', () => {
    const { units, families } = readRegistry();
    for (const c of unitCarriers) expect(units.some((u) => u.carrier === c), c).toBe(true);
    expect(units.filter((u) => u.carrier === 'school').length).toBeGreaterThanOrEqual(3);
    expect(units.filter((u) => u.carrier === 'village').length).toBeGreaterThanOrEqual(3);
    expect(units.every((u) => u.demo)).toBe(true);
    expect(families.every((f) => f.demo)).toBe(true);
  });

  test('no phone number anywhere in the unit registry', () => {
    const { units } = readRegistry();
    expect(JSON.stringify(units)).not.toMatch(/1[3-9]\d{9}/);
  });
});

describe('a bad file fails naming the file and the field', () => {
  const withContent = (mutate: (dir: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-content-'));
    cpSync(CONTENT_DIR, dir, { recursive: true });
    try {
      mutate(dir);
      readRegistry(dir);
      return null;
    } catch (e) {
      return e;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  test.each([
    ['a unit with an unknown carrier', 'units/xixi-central-primary.yaml', (s: string) => s.replace('carrier: school', 'carrier: bank'), /units\/xixi-central-primary\.yaml › carrier: /],
    ['a unit in an unknown township', 'units/xixi-central-primary.yaml', (s: string) => s.replace('township: xixi', 'township: atlantis'), /xixi-central-primary\.yaml › township: unknown township "atlantis"/],
    ['a unit with an extra phone field', 'units/xixi-central-primary.yaml', (s: string) => `${s}\nphone: "13800138000"\n`, /xixi-central-primary\.yaml › \(entry\): /],
    ['a family row with impossible counts', 'families/families.yaml', (s: string) => s.replace('households: 860, recognised: 205', 'households: 100, recognised: 205'), /families\.yaml\[1\] › recognised: 评定户数不能超过参与户数 \(families\.recognised\.exceedsHouseholds\)/],
  ])('%s', (_label, file, edit, message) => {
    const error = withContent((dir) => {
      const path = join(dir, file);
      writeFileSync(path, edit(readFileSync(path, 'utf8')));
    });
    expect(error).toBeInstanceOf(ContentError);
    expect((error as ContentError).problems.join('\n')).toMatch(message);
  });
});
