import type { Database } from '../../src/db/client.ts';
import { createChannel, defaultLimits, type ChannelContext, type ChannelLimits } from '../../src/services/context.ts';
import type { Secrets } from '../../src/lib/secrets.ts';
import type { PhoneVerifier, SmsSender } from '../../src/services/otp.ts';

/** Fixed secrets for tests (never used outside tests). */
export const TEST_SECRETS: Secrets = {
  contactKey: Buffer.alloc(32, 7),
  appSecret: Buffer.from('test-app-secret-test-app-secret-0123456789', 'utf8'),
};
/** The same secrets as environment variables, for a real server under test. */
export const TEST_SECRET_ENV = {
  CONTACT_KEY: TEST_SECRETS.contactKey.toString('base64'),
  APP_SECRET: TEST_SECRETS.appSecret.toString('utf8'),
};

/** Limits so high they never trigger (tests that exercise a limit pass their own). */
export const NO_LIMITS: ChannelLimits = (() => {
  const big = { limit: 1_000_000, windowS: 3600 };
  return {
    feedbackPerIp: big,
    feedbackNoPowPerIp: big,
    lookupFailuresPerIp: big,
    actionsPerCode: big,
    attemptsPerInvitation: big,
    responsesPerIp: big,
    otpPerPhone: [big],
    otpPerIp: big,
  };
})();

export const TEST_NOW = new Date('2026-03-01T08:00:00Z');

export function testChannel(
  database: Database,
  opts: {
    now?: () => Date;
    limits?: ChannelLimits | 'default';
    sms?: SmsSender | null;
    phone?: PhoneVerifier;
    altchaMaxCounter?: number;
  } = {},
): ChannelContext {
  return createChannel({
    database,
    secrets: TEST_SECRETS,
    limits: opts.limits === 'default' ? defaultLimits() : (opts.limits ?? NO_LIMITS),
    sms: opts.sms ?? null,
    ...(opts.phone ? { phone: opts.phone } : {}),
    now: opts.now ?? (() => TEST_NOW),
    altcha: { maxCounter: opts.altchaMaxCounter ?? 2_000, ttlS: 600 },
  });
}
