import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  hkdfSync,
  randomBytes,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
} from 'node:crypto';

/**
 * Small wrappers over node:crypto for the feedback channel: HKDF sub-keys, HMAC, SHA-256 and
 * AES-256-GCM sealing. Sealed values are `v1.<base64url(iv | tag | ciphertext)>`, bound to an
 * associated-data string (for example the row id) so a value cannot be moved to another row.
 */

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/**
 * HMAC keys as key objects, made once per key: `createHmac` with raw bytes builds a new key object on every
 * call, which was a few per cent of a feedback submission's CPU. The keys are derived once at start-up and
 * never written to afterwards.
 */
const hmacKeys = new WeakMap<Uint8Array, KeyObject>();
const hmacKey = (key: Uint8Array): KeyObject => {
  let k = hmacKeys.get(key);
  if (!k) {
    k = createSecretKey(key);
    hmacKeys.set(key, k);
  }
  return k;
};

export const hmacHex = (key: Uint8Array, data: string): string =>
  createHmac('sha256', hmacKey(key)).update(data).digest('hex');

export const hmacBytes = (key: Uint8Array, data: string): Buffer =>
  createHmac('sha256', hmacKey(key)).update(data).digest();

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

/** DER prefixes that turn a raw 32-byte Ed25519 seed / public key into PKCS#8 / SPKI (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** An Ed25519 signing key from its 32-byte seed (any 32 random bytes are one). */
export interface Ed25519Key {
  privateKey: KeyObject;
  /** The raw 32-byte public key. */
  publicKey: Buffer;
  /** The first 16 hex digits of the SHA-256 of the raw public key. */
  keyId: string;
}

export function ed25519FromSeed(seed: Uint8Array): Ed25519Key {
  if (seed.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = Buffer.from(createPublicKey(privateKey).export({ format: 'der', type: 'spki' })).subarray(-32);
  return { privateKey, publicKey, keyId: ed25519KeyId(publicKey) };
}

export const ed25519KeyId = (publicKey: Uint8Array): string => sha256Hex(publicKey).slice(0, 16);

/** The base64 Ed25519 signature of a UTF-8 message. */
export const signEd25519 = (key: KeyObject, message: string): string =>
  sign(null, Buffer.from(message, 'utf8'), key).toString('base64');

/** True when `signature` (base64) is `publicKey`'s Ed25519 signature of the UTF-8 message. */
export function verifyEd25519(publicKey: Uint8Array, message: string, signature: string): boolean {
  const sig = Buffer.from(signature, 'base64');
  if (publicKey.length !== 32 || sig.length !== 64 || sig.toString('base64') !== signature) return false;
  try {
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(message, 'utf8'), key, sig);
  } catch {
    return false;
  }
}
