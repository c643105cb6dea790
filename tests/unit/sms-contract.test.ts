import { describe, expect, test } from 'vitest';
import { RecordingSmsSender } from '../support/sms.ts';
import type { SmsSender } from '../../src/services/otp.ts';

/**
 * The SMS adapter contract. A real provider adapter must pass the same checks (run it against the
 * provider's sandbox): it resolves, never throws, and reports a refused number as `rejected`.
 */
export function smsSenderContract(name: string, make: () => { sender: SmsSender; refusedNumber: string }) {
  describe(`SmsSender contract: ${name}`, () => {
    test('sends a text and resolves ok', async () => {
      const { sender } = make();
      await expect(sender.send({ phone: '13800000000', text: '验证码 123456' })).resolves.toEqual({ ok: true });
    });
    test('a refused number is a result, not an exception', async () => {
      const { sender, refusedNumber } = make();
      await expect(sender.send({ phone: refusedNumber, text: '验证码 123456' })).resolves.toMatchObject({ ok: false });
    });
  });
}

smsSenderContract('RecordingSmsSender', () => {
  const sender = new RecordingSmsSender();
  sender.failFor.add('13800009999');
  return { sender, refusedNumber: '13800009999' };
});

describe('RecordingSmsSender', () => {
  test('records texts and finds the last code per phone', async () => {
    const s = new RecordingSmsSender();
    await s.send({ phone: '13800000001', text: '您的验证码是 111111' });
    await s.send({ phone: '13800000001', text: '您的验证码是 222222' });
    expect(s.sent).toHaveLength(2);
    expect(s.lastCodeFor('13800000001')).toBe('222222');
    expect(s.lastCodeFor('13800000002')).toBeUndefined();
  });
});
