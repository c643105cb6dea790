import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw message as received (headers and body, RFC 5322). */
  raw: string;
  /** Decoded by mailparser (nodemailer's sibling): subject, text body, Message-ID. */
  subject: string;
  text: string;
  messageId: string;
}

/**
 * A real SMTP server on loopback (the `smtp-server` package, nodemailer's own test counterpart): it speaks
 * the protocol, so the e-mail channel is tested over a real socket exchange, not a stubbed transport.
 * `rejectNext` answers the next DATA commands with a reply code (e.g. 451 temporary, 550 permanent).
 */
export async function startSmtpSink(): Promise<{
  url: string;
  mails: ReceivedMail[];
  rejectNext(times: number, code: number): void;
  close(): Promise<void>;
}> {
  const mails: ReceivedMail[] = [];
  let rejections: { left: number; code: number } = { left: 0, code: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (rejections.left > 0) {
          rejections.left--;
          const error = new Error('rejected by the test sink') as Error & { responseCode: number };
          error.responseCode = rejections.code;
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            mails.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              raw: raw.toString('utf8'),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              messageId: parsed.messageId ?? '',
            });
            callback();
          },
          (e: unknown) => callback(e instanceof Error ? e : new Error(String(e))),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    rejectNext(times, code) {
      rejections = { left: times, code };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
