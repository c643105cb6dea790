import { hmacHex } from '../lib/crypto.ts';
import type { ChannelContext } from './context.ts';

/** Where a request came from; the IP is only ever stored as an HMAC pseudonym inside rate-limit keys. */
export interface ClientInfo {
  ip: string;
}

/** A rate-limit key: a scope and a pseudonym of the subject (IP, phone, code), never the subject itself. */
export const limitKey = (ctx: ChannelContext, scope: string, subject: string): string =>
  `${scope}:${hmacHex(ctx.keys.pepper, `${scope}|${subject}`).slice(0, 32)}`;
