import { defineMiddleware } from 'astro:middleware';
import { resolveSession, SESSION_COOKIE } from './staff/auth.ts';
import { bodyType, checkContentType, checkGivenToken, checkOrigin, checkToken, multipartToken } from './staff/csrf.ts';
import { acceptsMultipart } from './domain/staff/roles.ts';
import { MULTIPART_BODY_LIMIT } from './forms/read.ts';
import { staffErrorPage } from './staff/guard.ts';
import { isMultipart, readUploadBody, UPLOAD_PATHS, uploadTokenValid } from './staff/upload.ts';

const isStaffPath = (path: string) => path === '/staff' || path.startsWith('/staff/');
/** The pages that sign in (no session, so no synchronizer token yet): Origin and body type are still checked. */
const isLogin = (path: string) =>
  path === '/staff/login' || path === '/staff/login/' || path === '/staff/enrol' || path === '/staff/enrol/';

/**
 * On-demand pages: declare the charset (Astro sends bare `text/html`) and keep live pages out of
 * shared caches unless the page set its own policy.
 *
 * Staff pages (/staff/…): resolve the session from the `__Host-` cookie into `locals.staffSession`,
 * refuse any POST that fails the CSRF checks (src/staff/csrf.ts) before the page runs, and always send
 * `Cache-Control: no-store`. Pages then call `requireStaff` (src/staff/guard.ts).
 */
export const onRequest = defineMiddleware(async (context, next) => {
  const path = context.url.pathname;
  let response: Response;
  if (isStaffPath(path)) {
    response = await staffRequest(context, next);
    response.headers.set('Cache-Control', 'no-store');
  } else {
    response = await next();
  }
  const type = response.headers.get('Content-Type');
  if (type === 'text/html') response.headers.set('Content-Type', 'text/html; charset=utf-8');
  if (!response.headers.has('Cache-Control')) response.headers.set('Cache-Control', 'no-store');
  return response;
});

type Context = Parameters<Parameters<typeof defineMiddleware>[0]>[0];
type Next = Parameters<Parameters<typeof defineMiddleware>[0]>[1];

async function staffRequest(context: Context, next: Next): Promise<Response> {
  const ctx = context.locals.staff;
  if (!ctx) return staffErrorPage(503);
  const token = context.cookies.get(SESSION_COOKIE)?.value;
  const resolved = await resolveSession(ctx, token);
  context.locals.staffSession = resolved.ok ? resolved.session : undefined;
  const method = context.request.method;
  if (method !== 'GET' && method !== 'HEAD') {
    // The disclosure spreadsheet upload and the matter form's attachments are read here under their own cap (a
    // chunked body is cut off), parsed once and the token checked; the evaluation evidence uploads (acceptsMultipart) take the generic path below.
    if (UPLOAD_PATHS.includes(path(context)) && isMultipart(context.request)) {
      const origin = checkOrigin(context.request);
      if (origin) return staffErrorPage(403);
      if (!resolved.ok) return new Response(null, { status: 303, headers: { Location: '/staff/login/' } });
      const body = await readUploadBody(context.request);
      if (!body.ok) return staffErrorPage(body.status);
      if (!uploadTokenValid(body.form, resolved.session.csrfToken)) return staffErrorPage(403);
      context.locals.staffUpload = body.form;
      return next();
    }
    const refused = checkOrigin(context.request) ?? checkContentType(context.request, acceptsMultipart(path(context)));
    if (refused) return staffErrorPage(refused === 'content_type' ? 415 : 403);
    if (!isLogin(path(context))) {
      if (!resolved.ok) return new Response(null, { status: 303, headers: { Location: '/staff/login/' } });
      if (bodyType(context.request) === 'multipart/form-data') {
        // An upload is parsed only when it declares a length within the limit (browsers always do).
        const declared = Number(context.request.headers.get('content-length') ?? 'NaN');
        if (!(declared > 0 && declared <= MULTIPART_BODY_LIMIT)) return staffErrorPage(413);
        if (checkGivenToken(await multipartToken(context.request), resolved.session.csrfToken))
          return staffErrorPage(403);
      } else if (checkToken(await context.request.clone().text(), resolved.session.csrfToken))
        return staffErrorPage(403);
    }
  }
  return next();
}

const path = (context: Context) => context.url.pathname;
