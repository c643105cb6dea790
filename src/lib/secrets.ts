import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Config } from './config.ts';
import { deriveKey } from './crypto.ts';
import { ROOT } from './paths.ts';

/**
 * The two server secrets of the feedback channel:
 * - CONTACT_KEY (32 bytes): AES-256-GCM key for submitters' phone numbers at rest;
 * - APP_SECRET: the root of every HMAC (query secrets, IP and phone pseudonyms, invitation-code hashes,
 *   ALTCHA signatures), split into sub-keys with HKDF.
 * Production refuses to start without both (src/lib/config.ts). Outside production, when they are not set,
 * a random pair is generated once into db/dev-secrets.json (git-ignored) so restarts keep working.
 */
export interface Secrets {
  contactKey: Buffer;
  appSecret: Buffer;
}

export const DEV_SECRETS_FILE = join(ROOT, 'db', 'dev-secrets.json');

const DevFile = z.strictObject({ contactKey: z.string(), appSecret: z.string() });

export function parseContactKey(value: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error('CONTACT_KEY must be 32 bytes (base64 or hex)');
  return key;
}

export function resolveSecrets(config: Config, devFile = DEV_SECRETS_FILE): Secrets {
  if (config.CONTACT_KEY && config.APP_SECRET) {
    return { contactKey: parseContactKey(config.CONTACT_KEY), appSecret: Buffer.from(config.APP_SECRET, 'utf8') };
  }
  if (config.NODE_ENV === 'production') throw new Error('CONTACT_KEY and APP_SECRET are required in production');
  if (!existsSync(devFile)) {
    mkdirSync(dirname(devFile), { recursive: true });
    const fresh = { contactKey: randomBytes(32).toString('base64'), appSecret: randomBytes(32).toString('base64') };
    writeFileSync(devFile, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  }
  const dev = DevFile.parse(JSON.parse(readFileSync(devFile, 'utf8')));
  return {
    contactKey: config.CONTACT_KEY ? parseContactKey(config.CONTACT_KEY) : parseContactKey(dev.contactKey),
    appSecret: Buffer.from(config.APP_SECRET ?? dev.appSecret, 'utf8'),
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
