import { expect, test } from 'vitest';
import { smtpMail } from '../../src/services/notify-channels.ts';

/** nodemailer is loaded and its transport made on the first mail (src/services/notify-channels.ts smtpMail). */
test('closing an SMTP channel whose transport could not be made rejects nothing (no crash at shutdown)', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    // A bare `%` in the password and a port out of range: nodemailer's createTransport throws "URI malformed"
    // (before the transport was made on the first mail, the server did not start with this URL).
    const channel = smtpMail({ url: 'smtps://portal:pa%ss@mail.qinglian.test:99999', from: 'portal@qinglian.test' });
    const sent = await channel.deliver({
      to: 'someone@qinglian.test',
      subject: 'subject',
      text: 'text',
      idempotencyKey: 'k1',
    });
    expect(sent.ok).toBe(false);
    channel.close?.();
    // Give a rejection left unhandled the turns it needs to be reported.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
