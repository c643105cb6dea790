import type { APIRoute } from 'astro';
import { logout, SESSION_COOKIE } from '../../staff/auth.ts';

// On demand: POST only (no state change on GET). src/middleware.ts has checked Origin, the body type
// and the session's CSRF token before this runs.
export const prerender = false;

export const POST: APIRoute = async ({ locals, cookies }) => {
  if (locals.staff && locals.staffSession) await logout(locals.staff, locals.staffSession);
  cookies.delete(SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'strict' });
  return new Response(null, { status: 303, headers: { Location: '/staff/login/?ended=revoked' } });
};
