import type { Database } from '../db/client.ts';
import type { Config } from '../lib/config.ts';
import type { FeedbackRules } from '../domain/feedback/deadlines.ts';
import type { ChannelKeys } from '../lib/secrets.ts';
import type { PhoneVerifier } from './otp.ts';

export { limitKey, type ClientInfo } from './limit-key.ts';
/** The database handle services take (adapters name its type from here, not from src/db). */
export type { Database };

/**
 * Everything the feedback channel's use cases need, built once by the composition root
 * (src/app-context.ts) and shared by the JSON API (src/api) and the HTML form pages (src/pages): the
 * same code path serves both.
 */
export interface RateRule {
  limit: number;
  windowS: number;
}

export interface ChannelLimits {
  /** Submissions per IP with a solved ALTCHA challenge. */
  feedbackPerIp: RateRule;
  /** Submissions per IP without proof-of-work (no JavaScript, or a plain API client): stricter. */
  feedbackNoPowPerIp: RateRule;
  /** Lookups of unknown tracking or invitation codes per IP (guessing). */
  lookupFailuresPerIp: RateRule;
  /** Wrong query secrets per (tracking code, client address), counted after the check (guessing). */
  secretFailuresPerCodeAndIp: RateRule;
  /** Wrong query secrets per client address, any code. */
  secretFailuresPerIp: RateRule;
  /** Attempts per invitation code. */
  attemptsPerInvitation: RateRule;
  /** Survey responses per IP. */
  responsesPerIp: RateRule;
  /** One-time codes sent per phone: 1 a minute, 5 an hour, 10 a day (RELIABILITY.md §3.2). */
  otpPerPhone: readonly RateRule[];
  otpPerIp: RateRule;
}

export const HOUR = 3600;
export const defaultLimits = (
  c?: Pick<Config, 'FEEDBACK_LIMIT_PER_IP' | 'FEEDBACK_LIMIT_NO_POW_PER_IP' | 'SURVEY_LIMIT_PER_IP'>,
): ChannelLimits => ({
  feedbackPerIp: { limit: c?.FEEDBACK_LIMIT_PER_IP ?? 20, windowS: HOUR },
  feedbackNoPowPerIp: { limit: c?.FEEDBACK_LIMIT_NO_POW_PER_IP ?? 6, windowS: HOUR },
  lookupFailuresPerIp: { limit: 60, windowS: HOUR },
  secretFailuresPerCodeAndIp: { limit: 10, windowS: HOUR },
  secretFailuresPerIp: { limit: 30, windowS: HOUR },
  attemptsPerInvitation: { limit: 10, windowS: HOUR },
  responsesPerIp: { limit: c?.SURVEY_LIMIT_PER_IP ?? 300, windowS: HOUR },
  otpPerPhone: [
    { limit: 1, windowS: 60 },
    { limit: 5, windowS: HOUR },
    { limit: 10, windowS: 24 * HOUR },
  ],
  otpPerIp: { limit: 30, windowS: HOUR },
});

export interface AltchaSettings {
  /** PoW difficulty: the solver tries on average about half of `maxCounter` SHA-256 hashes. */
  maxCounter: number;
  /** Seconds a challenge stays valid. */
  ttlS: number;
}
export const defaultAltcha: AltchaSettings = { maxCounter: 50_000, ttlS: 600 };

export interface ChannelContext {
  database: Database;
  keys: ChannelKeys;
  limits: ChannelLimits;
  rules: FeedbackRules;
  altcha: AltchaSettings;
  /** How respondents prove a phone (one-time codes by SMS); null turns phone verification off. */
  phone: PhoneVerifier | null;
  now(): Date;
}
