import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/**
 * Small wrappers over node:crypto for the feedback channel: HKDF sub-keys, HMAC, SHA-256 and
 * AES-256-GCM sealing. Sealed values are `v1.<base64url(iv | tag | ciphertext)>`, bound to an
 * associated-data string (for example the row id) so a value cannot be moved to another row.
 */

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

export const hmacHex = (key: Uint8Array, data: string): string => createHmac('sha256', key).update(data).digest('hex');

export const hmacBytes = (key: Uint8Array, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** A 32-byte sub-key of `secret` for one purpose (HKDF-SHA256), so one leak does not expose the others. */
export function deriveKey(secret: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'qinglian', purpose, 32));
}

export const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

/** Constant-time comparison of two hex strings of equal length. */
export function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export function seal(key: Uint8Array, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url')}`;
}

/** The plaintext, or null when the value was tampered with, sealed for other data or with another key. */
export function unseal(key: Uint8Array, sealed: string, aad: string): string | null {
  if (!sealed.startsWith('v1.')) return null;
  const raw = Buffer.from(sealed.slice(3), 'base64url');
  if (raw.length < 28) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
