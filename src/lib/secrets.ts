import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Config } from './config.ts';
import { deriveKey } from './crypto.ts';
import { ROOT } from './paths.ts';

/**
 * The server secrets:
 * - CONTACT_KEY (32 bytes): AES-256-GCM key for submitters' phone numbers at rest;
 * - APP_SECRET: the root of every HMAC (query secrets, IP and phone pseudonyms, invitation-code hashes,
 *   ALTCHA signatures), split into sub-keys with HKDF;
 * - AUDIT_SIGNING_KEY (32 bytes): the Ed25519 seed that signs the audit log's checkpoints.
 * Production refuses to start without all three (src/lib/config.ts). Outside production, each one not set
 * comes from db/dev-secrets.json (git-ignored), generated at random once (and completed when a key was
 * added since) so restarts keep working.
 */
export interface Secrets {
  contactKey: Buffer;
  appSecret: Buffer;
  auditSigningKey: Buffer;
}

export const DEV_SECRETS_FILE = join(ROOT, 'db', 'dev-secrets.json');

const DevFile = z.strictObject({
  contactKey: z.string(),
  appSecret: z.string(),
  auditSigningKey: z.string().optional(),
});
type DevFile = z.infer<typeof DevFile>;

/** A 32-byte key given as base64 or hex. */
export function parseKey32(value: string, name: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error(`${name} must be 32 bytes (base64 or hex)`);
  return key;
}

export const parseContactKey = (value: string): Buffer => parseKey32(value, 'CONTACT_KEY');

function devSecrets(devFile: string): { contactKey: string; appSecret: string; auditSigningKey: string } {
  const fresh = () => randomBytes(32).toString('base64');
  if (!existsSync(devFile)) {
    mkdirSync(dirname(devFile), { recursive: true });
    const created = { contactKey: fresh(), appSecret: fresh(), auditSigningKey: fresh() };
    writeFileSync(devFile, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return created;
  }
  const dev = DevFile.parse(JSON.parse(readFileSync(devFile, 'utf8')));
  if (dev.auditSigningKey) return { ...dev, auditSigningKey: dev.auditSigningKey };
  // A file from before the audit signing key existed: add one, keep the others.
  const completed = { ...dev, auditSigningKey: fresh() };
  writeFileSync(devFile, `${JSON.stringify(completed, null, 2)}\n`, { mode: 0o600 });
  return completed;
}

export function resolveSecrets(config: Config, devFile = DEV_SECRETS_FILE): Secrets {
  const { CONTACT_KEY, APP_SECRET, AUDIT_SIGNING_KEY } = config;
  if (CONTACT_KEY && APP_SECRET && AUDIT_SIGNING_KEY) {
    return {
      contactKey: parseContactKey(CONTACT_KEY),
      appSecret: Buffer.from(APP_SECRET, 'utf8'),
      auditSigningKey: parseKey32(AUDIT_SIGNING_KEY, 'AUDIT_SIGNING_KEY'),
    };
  }
  if (config.NODE_ENV === 'production')
    throw new Error('CONTACT_KEY, APP_SECRET and AUDIT_SIGNING_KEY are required in production');
  const dev = devSecrets(devFile);
  return {
    contactKey: parseContactKey(CONTACT_KEY ?? dev.contactKey),
    appSecret: Buffer.from(APP_SECRET ?? dev.appSecret, 'utf8'),
    auditSigningKey: parseKey32(AUDIT_SIGNING_KEY ?? dev.auditSigningKey, 'AUDIT_SIGNING_KEY'),
  };
}

/** Purpose-bound keys derived from the secrets. */
export interface ChannelKeys {
  /** AES-256-GCM for contacts. */
  contact: Buffer;
  /** AES-256-GCM for invitation codes (reprintable sheets) and the one-time receipt cookie. */
  seal: Buffer;
  /** HMAC: idempotency key → query secret, so a retry gets the same secret back. */
  trackingSecret: Buffer;
  /** HMAC: pseudonyms for IPs, phones, voters; lookup hashes of invitation codes and sheet tokens. */
  pepper: Buffer;
  /** HMAC secrets for ALTCHA challenges and their derived keys. */
  altcha: string;
  altchaKey: string;
}

export function deriveChannelKeys(s: Secrets): ChannelKeys {
  return {
    contact: s.contactKey,
    seal: deriveKey(s.appSecret, 'seal'),
    trackingSecret: deriveKey(s.appSecret, 'tracking-secret'),
    pepper: deriveKey(s.appSecret, 'pepper'),
    altcha: deriveKey(s.appSecret, 'altcha').toString('hex'),
    altchaKey: deriveKey(s.appSecret, 'altcha-key').toString('hex'),
  };
}

/** Purpose-bound keys of the staff console. */
export interface StaffKeys {
  /** AES-256-GCM key for TOTP secrets at rest. */
  totp: Buffer;
  /** HMAC key for client-address pseudonyms in the login log. */
  pepper: Buffer;
}

export function deriveStaffKeys(s: Secrets): StaffKeys {
  return { totp: deriveKey(s.appSecret, 'staff-totp'), pepper: deriveKey(s.appSecret, 'staff-pepper') };
}
