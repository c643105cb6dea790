import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  deriveKey,
  ed25519FromSeed,
  equalHex,
  hmacBytes,
  hmacHex,
  seal,
  signEd25519,
  unseal,
  verifyEd25519,
} from '../../src/lib/crypto.ts';
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
    const k = deriveChannelKeys({
      contactKey: key,
      appSecret: Buffer.from('x'.repeat(32)),
      auditSigningKey: Buffer.alloc(32, 3),
    });
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
  test('HMAC with the cached key objects equals HMAC over the raw key bytes, key by key', () => {
    const keys = [Buffer.alloc(0), Buffer.alloc(32, 7), randomBytes(32), randomBytes(64), deriveKey(key, 'limits')];
    for (const k of keys) {
      for (const data of ['', 'ip:127.0.0.1', '村务公开']) {
        // Twice: the second call uses the cached key object.
        for (let i = 0; i < 2; i++) {
          expect(hmacHex(k, data)).toBe(createHmac('sha256', k).update(data).digest('hex'));
          expect(hmacBytes(k, data).equals(createHmac('sha256', k).update(data).digest())).toBe(true);
        }
      }
    }
    // Equal bytes in two objects give the same HMAC; different keys differ.
    expect(hmacHex(Buffer.alloc(32, 7), 'x')).toBe(hmacHex(Buffer.alloc(32, 7), 'x'));
    expect(hmacHex(Buffer.alloc(32, 7), 'x')).not.toBe(hmacHex(Buffer.alloc(32, 8), 'x'));
  });

  test('equalHex', () => {
    expect(equalHex('abcd', 'abcd')).toBe(true);
    expect(equalHex('abcd', 'abce')).toBe(false);
    expect(equalHex('abcd', 'ab')).toBe(false);
  });
});

describe('secrets in the environment', () => {
  const good = {
    SITE_URL: 'https://qinglian.example.org',
    CONTACT_KEY: Buffer.alloc(32, 9).toString('base64'),
    APP_SECRET: 'y'.repeat(40),
    AUDIT_SIGNING_KEY: Buffer.alloc(32, 8).toString('hex'),
  };
  test('production refuses to start without CONTACT_KEY, APP_SECRET and AUDIT_SIGNING_KEY, listing all', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'SITE_URL: required in production',
      'CONTACT_KEY: required in production',
      'APP_SECRET: required in production',
      'AUDIT_SIGNING_KEY: required in production',
    ]);
    expect(() => loadConfig({ NODE_ENV: 'production', CONTACT_KEY: '', APP_SECRET: '' })).toThrow(ConfigError);
    expect(loadConfig({ NODE_ENV: 'production', ...good }).CONTACT_KEY).toBe(good.CONTACT_KEY);
  });
  test.each([
    ['a short key', { CONTACT_KEY: 'abc' }, /^CONTACT_KEY:/],
    ['a short secret', { APP_SECRET: 'short' }, /^APP_SECRET:/],
    ['a short signing key', { AUDIT_SIGNING_KEY: 'abc' }, /^AUDIT_SIGNING_KEY:/],
  ])('rejects %s', (_l, env, pattern) => {
    expect(() => loadConfig(env)).toThrow(pattern.source.slice(1));
  });
  test('hex keys are accepted too', () => {
    const s = resolveSecrets(
      loadConfig({ CONTACT_KEY: 'ab'.repeat(32), APP_SECRET: 'z'.repeat(32), AUDIT_SIGNING_KEY: 'cd'.repeat(32) }),
    );
    expect(s.contactKey.equals(Buffer.alloc(32, 0xab))).toBe(true);
    expect(s.auditSigningKey.equals(Buffer.alloc(32, 0xcd))).toBe(true);
  });
  test('development generates a key file once (mode 600) and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-secrets-'));
    const file = join(dir, 'dev-secrets.json');
    const first = resolveSecrets(loadConfig({}), file);
    const second = resolveSecrets(loadConfig({}), file);
    expect(first.contactKey.equals(second.contactKey)).toBe(true);
    expect(first.appSecret.equals(second.appSecret)).toBe(true);
    expect(first.auditSigningKey.equals(second.auditSigningKey)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('contactKey');
    rmSync(dir, { recursive: true, force: true });
  });
  test('a development key file from before the audit signing key gets one added, the others kept', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-secrets-'));
    const file = join(dir, 'dev-secrets.json');
    const old = { contactKey: Buffer.alloc(32, 4).toString('base64'), appSecret: 'w'.repeat(44) };
    writeFileSync(file, JSON.stringify(old), { mode: 0o600 });
    const s = resolveSecrets(loadConfig({}), file);
    expect(s.contactKey.equals(Buffer.alloc(32, 4))).toBe(true);
    expect(s.auditSigningKey).toHaveLength(32);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(stored).toMatchObject(old);
    expect(typeof stored.auditSigningKey).toBe('string');
    expect(resolveSecrets(loadConfig({}), file).auditSigningKey.equals(s.auditSigningKey)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('Ed25519 (audit checkpoints)', () => {
  test('signs and verifies; another message, key or a flipped signature does not verify', () => {
    const k = ed25519FromSeed(Buffer.alloc(32, 1));
    expect(k.publicKey).toHaveLength(32);
    expect(k.keyId).toMatch(/^[0-9a-f]{16}$/);
    const sig = signEd25519(k.privateKey, 'count 3\n');
    expect(verifyEd25519(k.publicKey, 'count 3\n', sig)).toBe(true);
    expect(verifyEd25519(k.publicKey, 'count 4\n', sig)).toBe(false);
    expect(verifyEd25519(ed25519FromSeed(Buffer.alloc(32, 2)).publicKey, 'count 3\n', sig)).toBe(false);
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(verifyEd25519(k.publicKey, 'count 3\n', flipped)).toBe(false);
    expect(verifyEd25519(k.publicKey, 'count 3\n', 'not base64!')).toBe(false);
  });
  test('RFC 8032 test vector 1: the seed gives the published public key', () => {
    const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    expect(ed25519FromSeed(seed).publicKey.toString('hex')).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
  });
});
