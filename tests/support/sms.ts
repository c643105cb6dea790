import type { SmsMessage, SmsResult, SmsSender } from '../../src/services/otp.ts';

/**
 * The recording test double of the SMS adapter contract (like FixMyStreet's t/Mock/Twilio.pm): keeps
 * every text it was asked to send, and fails for numbers listed in `failFor` as a provider would.
 * No real SMS is ever sent in tests.
 */
export class RecordingSmsSender implements SmsSender {
  readonly sent: SmsMessage[] = [];
  readonly failFor = new Set<string>();

  async send(message: SmsMessage): Promise<SmsResult> {
    if (this.failFor.has(message.phone)) return { ok: false, reason: 'rejected' };
    this.sent.push(message);
    return { ok: true };
  }

  /** The last one-time code texted to a phone (the 6-digit number in the message). */
  lastCodeFor(phone: string): string | undefined {
    const last = this.sent.filter((m) => m.phone === phone).at(-1);
    return last ? /\d{6}/.exec(last.text)?.[0] : undefined;
  }
}
