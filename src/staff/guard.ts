import type { AstroGlobal } from 'astro';
import { canAccess, unitBoundRoles, type StaffRouteKey } from '../domain/staff/roles.ts';
import { t } from '../i18n/t.ts';
import type { StaffSession } from './auth.ts';
import type { StaffContext } from './context.ts';

/**
 * The one guard every staff page calls first (src/staff/README.md):
 *
 *   const guard = requireStaff(Astro, 'inboxItem', { unitId: item.unitId });
 *   if (!guard.ok) return guard.response;
 *
 * No session → 303 to the login page (with `next`); a role the matrix (src/domain/staff/roles.ts) does
 * not allow → 403; a unit outside a responder's units → 404, so a foreign item id tells nothing.
 * The session itself was resolved, and every POST checked for CSRF, by src/middleware.ts.
 */
export type Guarded = { ok: true; session: StaffSession; ctx: StaffContext } | { ok: false; response: Response };

export interface UnitScope {
  /** The unit the requested object belongs to; responders must be bound to it. */
  unitId: string;
}

export function requireStaff(
  astro: Pick<AstroGlobal, 'locals' | 'url'>,
  route: StaffRouteKey,
  scope?: UnitScope,
): Guarded {
  const ctx = astro.locals.staff;
  if (!ctx) return { ok: false, response: staffErrorPage(503) };
  const session = astro.locals.staffSession;
  if (!session) {
    const next = encodeURIComponent(astro.url.pathname);
    return {
      ok: false,
      response: new Response(null, {
        status: 303,
        headers: { Location: `/staff/login/?next=${next}`, 'Cache-Control': 'no-store' },
      }),
    };
  }
  if (!canAccess(session.account.role, route)) return { ok: false, response: staffErrorPage(403) };
  if (scope && !inScope(session, scope)) return { ok: false, response: staffErrorPage(404) };
  return { ok: true, session, ctx };
}

/** Responders, publishers and approvers act only for their own units; the other roles are not unit-bound. */
export function inScope(session: StaffSession, scope: UnitScope): boolean {
  return !unitBoundRoles.includes(session.account.role) || session.account.unitIds.includes(scope.unitId);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small, self-contained error page (no layout needed, accessible: lang, title, one h1 in main). */
export function staffErrorPage(status: 400 | 403 | 404 | 413 | 415 | 503): Response {
  const title = t(`staff.error.${status}`);
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} - ${escapeHtml(t('staff.title'))}</title></head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(t(`staff.error.${status}.body`))}</p><p><a href="/staff/">${escapeHtml(t('staff.nav.home'))}</a></p></main></body></html>`;
  return new Response(html, {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}
