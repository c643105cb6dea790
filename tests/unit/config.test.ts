import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildInputsHash } from '../../src/build/stamp.ts';
import { ConfigError, loadBuildSettings, loadConfig } from '../../src/lib/config.ts';

describe('loadConfig', () => {
  test('defaults to the embedded database on port 4321', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 4321, HOST: 'localhost', DATABASE_URL: 'file:db/local.db', DEMO: true });
    expect(Object.isFrozen(c)).toBe(true);
  });
  test('parses strings from the environment', () => {
    expect(loadConfig({ PORT: '8080', DEMO: 'false', TRUST_PROXY: 'true' })).toMatchObject({
      PORT: 8080,
      DEMO: false,
      TRUST_PROXY: true,
    });
  });
  test('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'postgres://x', DEMO: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^PORT:/m);
    expect(problems).toMatch(/^DATABASE_URL:/m);
    expect(problems).toMatch(/^DEMO:/m);
  });
});

describe('SITE_URL and the build settings', () => {
  test('SITE_URL is reduced to its origin and required in production', () => {
    expect(loadConfig({ SITE_URL: 'https://jianshui.example.gov.cn/some/path' }).SITE_URL).toBe(
      'https://jianshui.example.gov.cn',
    );
    expect(() => loadConfig({ SITE_URL: 'ftp://x.example' })).toThrow(/SITE_URL/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SITE_URL: required in production/);
  });
  test('the build reads SITE_URL and DEMO without any secret', () => {
    expect(loadBuildSettings({ NODE_ENV: 'production', SITE_URL: 'http://a.example:8080', DEMO: 'false' })).toEqual({
      SITE_URL: 'http://a.example:8080',
      DEMO: false,
    });
  });
  test('a change of SITE_URL or DEMO changes the build stamp, the same settings do not', () => {
    const root = mkdtempSync(join(tmpdir(), 'stamp-'));
    try {
      mkdirSync(join(root, 'src'));
      writeFileSync(join(root, 'src', 'a.ts'), 'export {};\n');
      const base = buildInputsHash(root, loadBuildSettings({}));
      expect(buildInputsHash(root, loadBuildSettings({}))).toBe(base);
      expect(buildInputsHash(root, loadBuildSettings({ SITE_URL: 'https://other.example' }))).not.toBe(base);
      expect(buildInputsHash(root, loadBuildSettings({ DEMO: 'false' }))).not.toBe(base);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
