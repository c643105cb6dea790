import type { AstroGlobal } from 'astro';
import { t } from '../i18n/t.ts';
import { clientAddress, formToInput, readForm } from '../forms/read.ts';
import { messagesFor, readErrors, summaryOf, type SummaryItem } from '../forms/errors.ts';
import { safeNext } from '../domain/staff/roles.ts';
import { login, SESSION_COOKIE } from './auth.ts';

export interface LoginPageState {
  values: Record<string, string>;
  errors: Record<string, string>;
  summary: SummaryItem[];
  notice: string | null;
  status: number;
  next: string;
  /** Seconds to send in `Retry-After` with a 429. */
  retryAfterS?: number;
}

const order = ['username', 'password', 'code'];

/** GET shows the form (with why a session ended); POST signs in and redirects (303) to `next`. */
export async function handleLogin(astro: AstroGlobal): Promise<{ redirect: string } | LoginPageState> {
  const ctx = astro.locals.staff;
  const next = safeNext(astro.url.searchParams.get('next') ?? undefined);
  const state: LoginPageState = { values: {}, errors: {}, summary: [], notice: null, status: 200, next };
  if (!ctx)
    return {
      ...state,
      status: 503,
      errors: { _: t('form.unavailable') },
      summary: [{ href: '#main', text: t('form.unavailable') }],
    };
  const ended = astro.url.searchParams.get('ended');
  if (ended === 'idle' || ended === 'absolute' || ended === 'revoked' || ended === 'disabled')
    state.notice = t(`staff.login.ended.${ended}`);
  if (astro.request.method !== 'POST') return state;

  const read = await readForm(astro.request);
  if (!read.ok) {
    const errors = readErrors(read);
    return { ...state, status: read.status, errors, summary: summaryOf(errors, [], '#main') };
  }
  const input = formToInput(read.entries);
  const values = { username: typeof input.username === 'string' ? input.username : '' };
  const target = safeNext(typeof input.next === 'string' ? input.next : undefined);
  const result = await login(ctx, input, clientAddress(astro), astro.cookies.get(SESSION_COOKIE)?.value ?? null);
  if (result.ok) {
    astro.cookies.set(SESSION_COOKIE, result.token, {
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      maxAge: Math.floor(ctx.policy.absoluteMs / 1000),
    });
    return { redirect: target };
  }
  let errors: Record<string, string>;
  let status: number;
  switch (result.reason) {
    case 'invalid':
      errors = messagesFor(result.fields);
      status = 422;
      break;
    case 'delayed':
      errors = {
        _:
          result.retryAfterS < 60
            ? t('staff.login.delayedSeconds', { seconds: result.retryAfterS })
            : t('staff.login.delayedMinutes', { minutes: Math.ceil(result.retryAfterS / 60) }),
      };
      status = 429;
      break;
    case 'throttled':
      errors = { _: t('staff.login.throttled', { minutes: Math.max(1, Math.ceil(result.retryAfterS / 60)) }) };
      status = 429;
      break;
    case 'failed':
      errors = { _: t('staff.login.failed') };
      status = 401;
      break;
  }
  return {
    ...state,
    next: target,
    values,
    errors,
    summary: summaryOf(errors, order, '#username'),
    status,
    ...(result.reason === 'delayed' || result.reason === 'throttled' ? { retryAfterS: result.retryAfterS } : {}),
  };
}
