import type { Transporter } from 'nodemailer';
import type { Logger } from '../lib/log.ts';

/**
 * Delivery channels of the notification outbox (issue 17), pluggable: the dispatcher
 * (src/services/notifications.ts) hands each one a message with the outbox row's id as its idempotency
 * key. A channel reports failures as a result and never throws. Shipped here:
 * - `logChannel`: the default for SMS and e-mail while none is configured (no provider is reachable
 *   here): logs that a message would go out and its length, never the address or the text;
 * - `httpSms`: a provider's HTTP API (JSON POST, `Idempotency-Key` header, bearer token), the shape most
 *   Chinese SMS gateways accept behind a small adapter; tests run it against a loopback double;
 * - `smtpMail`: e-mail over SMTP with nodemailer; the row id becomes the Message-ID, so a re-sent mail
 *   after a crash is recognisable as the same one.
 */
export interface OutgoingMessage {
  /** The outbox row id: the same for every attempt at this message. */
  idempotencyKey: string;
  /** Phone number or e-mail address. */
  to: string;
  subject: string;
  text: string;
}

export type DeliveryResult = { ok: true } | { ok: false; error: string; retry: boolean };

export interface DeliveryChannel {
  readonly kind: string;
  deliver(message: OutgoingMessage): Promise<DeliveryResult>;
  close?(): void;
}

/** The default channel while no provider (SMS) or server (SMTP) is configured. */
export function logChannel(logger: Logger, channel: 'sms' | 'email'): DeliveryChannel {
  return {
    kind: 'log',
    deliver(message) {
      logger.info('notification not sent: no provider configured (log channel)', {
        channel,
        length: message.text.length,
      });
      return Promise.resolve({ ok: true });
    },
  };
}

export function httpSms(opts: { url: string; token?: string | undefined; timeoutMs?: number }): DeliveryChannel {
  return {
    kind: 'http',
    async deliver(message) {
      try {
        const res = await fetch(opts.url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Idempotency-Key': message.idempotencyKey,
            ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
          },
          body: JSON.stringify({ to: message.to, text: message.text }),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        });
        await res.body?.cancel();
        if (res.ok) return { ok: true };
        // 4xx other than 408/429 will not get better by retrying.
        const retry = res.status >= 500 || res.status === 408 || res.status === 429;
        return { ok: false, error: `http_${String(res.status)}`, retry };
      } catch (e) {
        return {
          ok: false,
          error: e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : 'network',
          retry: true,
        };
      }
    },
  };
}

export function smtpMail(opts: { url: string; from: string; timeoutMs?: number }): DeliveryChannel {
  const timeout = opts.timeoutMs ?? 10_000;
  // Made on the first mail: nodemailer is ~20 MB of RSS that a server without mail to send need not hold
  // (README "Server memory").
  let transport: Promise<Transporter> | null = null;
  const transportOf = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        url: opts.url,
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      }),
    ));
  return {
    kind: 'smtp',
    async deliver(message) {
      try {
        const sender = await transportOf();
        await sender.sendMail({
          from: opts.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          messageId: `<${message.idempotencyKey}@outbox.qinglian>`,
          headers: { 'X-Idempotency-Key': message.idempotencyKey },
        });
        return { ok: true };
      } catch (e) {
        const code = (e as { responseCode?: unknown }).responseCode;
        // A permanent SMTP refusal (5xx) is not retried; everything else (4xx, network) is.
        if (typeof code === 'number') return { ok: false, error: `smtp_${String(code)}`, retry: code < 500 };
        return { ok: false, error: 'network', retry: true };
      }
    },
    // A transport that could not be made has nothing to close (and its rejection is no crash at shutdown).
    close: () =>
      void transport?.then(
        (t) => t.close(),
        () => undefined,
      ),
  };
}
