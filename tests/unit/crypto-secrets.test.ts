import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { deriveKey, equalHex, seal, unseal } from '../../src/lib/crypto.ts';
import { ConfigError, loadConfig } from '../../src/lib/config.ts';
import { deriveChannelKeys, resolveSecrets } from '../../src/lib/secrets.ts';

const key = Buffer.alloc(32, 1);

describe('seal / unseal (AES-256-GCM)', () => {
  test('round-trips, and the sealed text does not contain the plaintext', () => {
    const sealed = seal(key, '13800138000', 'feedback-contact:1');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('13800138000');
    expect(unseal(key, sealed, 'feedback-contact:1')).toBe('13800138000');
  });
  test('a fresh IV each time', () => {
    expect(seal(key, 'x', 'a')).not.toBe(seal(key, 'x', 'a'));
  });
  test.each([
    ['another row (associated data)', (s: string) => unseal(key, s, 'feedback-contact:2')],
    ['another key', (s: string) => unseal(Buffer.alloc(32, 2), s, 'feedback-contact:1')],
    [
      'a flipped byte',
      // The second-to-last character carries only data bits; replace it with a different one.
      (s: string) => unseal(key, s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.slice(-1), 'feedback-contact:1'),
    ],
    ['garbage', () => unseal(key, 'v1.abc', 'x')],
  ])('refuses %s', (_l, open) => {
    expect(open(seal(key, '13800138000', 'feedback-contact:1'))).toBeNull();
  });
});

describe('keys', () => {
  test('HKDF sub-keys differ per purpose and per secret', () => {
    const a = deriveKey(Buffer.from('s'.repeat(32)), 'one');
    expect(a).toHaveLength(32);
    expect(a.equals(deriveKey(Buffer.from('s'.repeat(32)), 'two'))).toBe(false);
    const k = deriveChannelKeys({ contactKey: key, appSecret: Buffer.from('x'.repeat(32)) });
    expect(
      new Set([
        k.seal.toString('hex'),
        k.pepper.toString('hex'),
        k.trackingSecret.toString('hex'),
        k.altcha,
        k.altchaKey,
      ]).size,
    ).toBe(5);
  });
  test('equalHex', () => {
    expect(equalHex('abcd', 'abcd')).toBe(true);
    expect(equalHex('abcd', 'abce')).toBe(false);
    expect(equalHex('abcd', 'ab')).toBe(false);
  });
});

describe('secrets in the environment', () => {
  const good = { CONTACT_KEY: Buffer.alloc(32, 9).toString('base64'), APP_SECRET: 'y'.repeat(40) };
  test('production refuses to start without CONTACT_KEY and APP_SECRET, listing both', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'CONTACT_KEY: required in production',
      'APP_SECRET: required in production',
    ]);
    expect(() => loadConfig({ NODE_ENV: 'production', CONTACT_KEY: '', APP_SECRET: '' })).toThrow(ConfigError);
    expect(loadConfig({ NODE_ENV: 'production', ...good }).CONTACT_KEY).toBe(good.CONTACT_KEY);
  });
  test.each([
    ['a short key', { CONTACT_KEY: 'abc' }, /^CONTACT_KEY:/],
    ['a short secret', { APP_SECRET: 'short' }, /^APP_SECRET:/],
  ])('rejects %s', (_l, env, pattern) => {
    expect(() => loadConfig(env)).toThrow(pattern.source.slice(1));
  });
  test('hex keys are accepted too', () => {
    const s = resolveSecrets(loadConfig({ CONTACT_KEY: 'ab'.repeat(32), APP_SECRET: 'z'.repeat(32) }));
    expect(s.contactKey.equals(Buffer.alloc(32, 0xab))).toBe(true);
  });
  test('development generates a key file once (mode 600) and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-secrets-'));
    const file = join(dir, 'dev-secrets.json');
    const first = resolveSecrets(loadConfig({}), file);
    const second = resolveSecrets(loadConfig({}), file);
    expect(first.contactKey.equals(second.contactKey)).toBe(true);
    expect(first.appSecret.equals(second.appSecret)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('contactKey');
    rmSync(dir, { recursive: true, force: true });
  });
});
