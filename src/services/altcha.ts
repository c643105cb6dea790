import { createChallenge, randomInt, verifySolution, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { z } from 'zod';
import type { ChannelContext } from './context.ts';

/**
 * Proof-of-work for submissions without an invitation code (RELIABILITY.md §3.2.3), with altcha-lib
 * (v2 API; fixes CVE-2025-68113 from 1.4.1 on). Challenges are HMAC-signed and deterministic (the
 * server knows the counter, so verifying is one HMAC). Expiry is a signed `data.exp` checked against
 * the channel clock, and every redeemed challenge is recorded in `altcha_used` in the same batch as the
 * submission, so a challenge is single use. The browser solves it with WebCrypto (src/scripts/altcha.ts);
 * without JavaScript there is no proof-of-work and the stricter no-PoW rate limit applies instead.
 */
export const ALTCHA_ALGORITHM = 'SHA-256';

export async function createAltchaChallenge(ctx: ChannelContext): Promise<Challenge> {
  const exp = Math.floor(ctx.now().getTime() / 1000) + ctx.altcha.ttlS;
  return createChallenge({
    algorithm: ALTCHA_ALGORITHM,
    cost: 1,
    counter: randomInt(ctx.altcha.maxCounter, Math.floor(ctx.altcha.maxCounter / 10)),
    deriveKey,
    data: { exp },
    hmacSignatureSecret: ctx.keys.altcha,
    hmacKeySignatureSecret: ctx.keys.altchaKey,
  });
}

const Payload = z.object({
  challenge: z.object({
    parameters: z.object({ data: z.object({ exp: z.number().int() }).loose() }).loose(),
    signature: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  solution: z.object({ counter: z.number().int().min(0), derivedKey: z.string().max(256) }).loose(),
});

export type AltchaCheck =
  { ok: true; id: string; expiresAt: number } | { ok: false; reason: 'malformed' | 'expired' | 'invalid' };

/** Verify a base64 JSON payload `{ challenge, solution }`; the caller records `id` as used. */
export async function checkAltcha(ctx: ChannelContext, encoded: string): Promise<AltchaCheck> {
  let parsed: z.infer<typeof Payload>;
  try {
    const json: unknown = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    const r = Payload.safeParse(json);
    if (!r.success) return { ok: false, reason: 'malformed' };
    parsed = r.data;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const exp = parsed.challenge.parameters.data.exp;
  if (exp * 1000 < ctx.now().getTime()) return { ok: false, reason: 'expired' };
  try {
    const result = await verifySolution({
      challenge: parsed.challenge as unknown as Challenge,
      solution: parsed.solution,
      deriveKey,
      hmacSignatureSecret: ctx.keys.altcha,
      hmacKeySignatureSecret: ctx.keys.altchaKey,
    });
    if (!result.verified) return { ok: false, reason: 'invalid' };
  } catch {
    // A payload crafted to make the library throw is just an invalid proof.
    return { ok: false, reason: 'invalid' };
  }
  return { ok: true, id: parsed.challenge.signature, expiresAt: exp * 1000 };
}
