import type { Database } from '../../src/db/client.ts';
import { createServices, type Services } from '../../src/app-context.ts';
import { defaultLimits, type ChannelContext, type ChannelLimits } from '../../src/services/context.ts';
import type { Secrets } from '../../src/lib/secrets.ts';
import type { PhoneVerifier, SmsSender } from '../../src/services/otp.ts';

/** Fixed secrets for tests (never used outside tests). */
export const TEST_SECRETS: Secrets = {
  contactKey: Buffer.alloc(32, 7),
  appSecret: Buffer.from('test-app-secret-test-app-secret-0123456789', 'utf8'),
  auditSigningKey: Buffer.alloc(32, 5),
};
/** The same secrets as environment variables, for a real server under test. */
export const TEST_SECRET_ENV = {
  CONTACT_KEY: TEST_SECRETS.contactKey.toString('base64'),
  APP_SECRET: TEST_SECRETS.appSecret.toString('utf8'),
  AUDIT_SIGNING_KEY: TEST_SECRETS.auditSigningKey.toString('base64'),
};

/** Limits so high they never trigger (tests that exercise a limit pass their own). */
export const NO_LIMITS: ChannelLimits = (() => {
  const big = { limit: 1_000_000, windowS: 3600 };
  return {
    feedbackPerIp: big,
    feedbackNoPowPerIp: big,
    lookupFailuresPerIp: big,
    secretFailuresPerCodeAndIp: big,
    secretFailuresPerIp: big,
    attemptsPerInvitation: big,
    responsesPerIp: big,
    otpPerPhone: [big],
    otpPerIp: big,
  };
})();

export const TEST_NOW = new Date('2026-03-01T08:00:00Z');

export interface TestServiceOptions {
  now?: () => Date;
  limits?: ChannelLimits | 'default';
  sms?: SmsSender | null;
  phone?: PhoneVerifier;
  altchaMaxCounter?: number;
}

/**
 * The services of the composition root (src/app-context.ts) over a test database: fixed secrets, a fixed
 * clock, no rate limits and a cheap proof-of-work unless the test asks otherwise.
 */
export function testServices(database: Database, opts: TestServiceOptions = {}): Services {
  return createServices(database, {
    secrets: TEST_SECRETS,
    limits: opts.limits === 'default' ? defaultLimits() : (opts.limits ?? NO_LIMITS),
    sms: opts.sms ?? null,
    ...(opts.phone ? { phone: opts.phone } : {}),
    now: opts.now ?? (() => TEST_NOW),
    altcha: { maxCounter: opts.altchaMaxCounter ?? 2_000, ttlS: 600 },
  });
}

export const testChannel = (database: Database, opts: TestServiceOptions = {}): ChannelContext =>
  testServices(database, opts).channel;
