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

describe('SMTP_URL', () => {
  // The transport is made on the first mail (nodemailer loads lazily): an address it cannot use must stop the start.
  test.each(['smtps://u:pa%ss@mail.example.org:465', 'smtp://mail.example.org:99999', 'smtp://'])(
    '%s is refused at start, naming the variable',
    (url) => {
      expect(() => loadConfig({ SMTP_URL: url })).toThrow(ConfigError);
      try {
        loadConfig({ SMTP_URL: url });
      } catch (e) {
        expect((e as ConfigError).problems.join('\n')).toMatch(/^SMTP_URL: /m);
      }
    },
  );
  test('a usable address (an encoded password) is kept as given; empty means no e-mail', () => {
    const url = 'smtps://qinglian%40example.org:p%40ss%25w0rd@mail.example.org:465';
    expect(loadConfig({ SMTP_URL: url }).SMTP_URL).toBe(url);
    expect(loadConfig({ SMTP_URL: '' }).SMTP_URL).toBeUndefined();
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
