import type { AstroGlobal } from 'astro';
import QRCode from 'qrcode';
import { t } from '../i18n/t.ts';
import { clientAddress, formToInput, readForm } from '../forms/read.ts';
import { messagesFor, readErrors, summaryOf, type SummaryItem } from '../forms/errors.ts';
import { SESSION_COOKIE } from './auth.ts';
import { finishEnrolment, startEnrolment, type EnrolmentStep } from './enrol.ts';

/**
 * The /staff/enrol/ page (no session yet; src/middleware.ts checks Origin and the body type as for the
 * login). Step 1: username + password; step 2: the QR code (an SVG made here), the secret for typing in,
 * the code, and a new password when an admin set the current one. Success sets the session cookie.
 */
export interface EnrolPageState {
  step: (EnrolmentStep & { qr: string }) | null;
  values: Record<string, string>;
  errors: Record<string, string>;
  summary: SummaryItem[];
  status: number;
  retryAfterS?: number;
}

async function withQr(step: EnrolmentStep | null): Promise<(EnrolmentStep & { qr: string }) | null> {
  if (!step) return null;
  const svg = await QRCode.toString(step.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  return { ...step, qr: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}

const limitMessage = (s: number) =>
  s < 60
    ? t('staff.login.delayedSeconds', { seconds: s })
    : t('staff.login.delayedMinutes', { minutes: Math.ceil(s / 60) });

export async function handleEnrol(astro: AstroGlobal): Promise<{ redirect: string } | EnrolPageState> {
  const ctx = astro.locals.staff;
  const state: EnrolPageState = { step: null, values: {}, errors: {}, summary: [], status: 200 };
  if (!ctx) {
    const errors = { _: t('form.unavailable') };
    return { ...state, status: 503, errors, summary: summaryOf(errors, [], '#main') };
  }
  if (astro.request.method !== 'POST') return state;
  const read = await readForm(astro.request);
  if (!read.ok) {
    const errors = readErrors(read);
    return { ...state, status: read.status, errors, summary: summaryOf(errors, [], '#main') };
  }
  const input = formToInput(read.entries);
  const ip = clientAddress(astro);
  if (typeof input.ticket !== 'string') {
    const values = { username: typeof input.username === 'string' ? input.username : '' };
    const r = await startEnrolment(ctx, { username: input.username, password: input.password }, ip);
    if (r.ok) return { ...state, step: await withQr(r) };
    const errors =
      r.reason === 'invalid'
        ? messagesFor(r.fields)
        : r.reason === 'failed'
          ? { _: t('staff.enrol.failed') }
          : { _: limitMessage(r.retryAfterS) };
    const status = r.reason === 'invalid' ? 422 : r.reason === 'failed' ? 401 : 429;
    return {
      ...state,
      values,
      errors,
      summary: summaryOf(errors, ['username', 'password'], '#f-username'),
      status,
      ...(r.reason === 'throttled' || r.reason === 'delayed' ? { retryAfterS: r.retryAfterS } : {}),
    };
  }
  const r = await finishEnrolment(
    ctx,
    {
      ticket: input.ticket,
      code: input.code,
      ...(input.newPassword === undefined ? {} : { newPassword: input.newPassword }),
    },
    ip,
  );
  if (r.ok) {
    astro.cookies.set(SESSION_COOKIE, r.token, {
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      maxAge: Math.floor(ctx.policy.absoluteMs / 1000),
    });
    return { redirect: '/staff/' };
  }
  if (r.reason === 'expired') {
    const errors = { _: t('staff.enrol.expired') };
    return { ...state, status: 409, errors, summary: summaryOf(errors, [], '#f-username') };
  }
  const errors = r.reason === 'invalid' ? messagesFor(r.fields) : { _: limitMessage(r.retryAfterS) };
  return {
    ...state,
    step: await withQr(r.step),
    errors,
    summary: summaryOf(errors, ['code', 'newPassword'], '#f-code'),
    status: r.reason === 'invalid' ? 422 : 429,
    ...(r.reason === 'invalid' ? {} : { retryAfterS: r.retryAfterS }),
  };
}
