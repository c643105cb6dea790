import type { Area } from '../db/data-versions.ts';

/**
 * The one allow-list of public on-demand reads the response cache (src/lib/response-cache.ts) may keep.
 * A path not matched here is never cached. Each route names the data areas (src/db/data-versions.ts) its
 * response is computed from, and the query parameters it reads: a request with any other parameter is
 * passed through uncached, so made-up query strings cannot fill the cache.
 *
 * Never here: anything under /staff, a tracking-code lookup (/feedback/track/…, /api/feedback/<code>),
 * forms (they carry per-request challenges), POST responses. `NEVER_CACHED` is checked first, so a
 * pattern written too broadly below still cannot reach them (tests/unit/response-cache.test.ts).
 */
export interface CacheRoute {
  pattern: RegExp;
  areas: readonly Area[];
  params?: readonly string[];
}

const SLUG = '[a-z0-9][a-z0-9-]*';
const YEAR = '\\d{4}';
/** Statistics and scoring are computed over units, feedback, surveys and marks. */
const DERIVED: readonly Area[] = ['units', 'feedback', 'surveys', 'scoring'];

export const NEVER_CACHED: readonly RegExp[] = [
  /^\/staff(?:\/|$)/,
  /^\/feedback\/track(?:\/|$)/,
  /^\/api\/feedback\/[^/]+/,
  /^\/api\/altcha(?:\/|$)/,
];

export const CACHE_ROUTES: readonly CacheRoute[] = [
  { pattern: new RegExp('^/api/units$'), areas: ['units'] },
  { pattern: new RegExp('^/api/feedback$'), areas: ['units', 'feedback'], params: ['unitId'] },
  { pattern: new RegExp('^/api/surveys$'), areas: ['units', 'surveys'] },
  { pattern: new RegExp(`^/api/surveys/${SLUG}/results$`), areas: ['units', 'surveys'] },
  { pattern: new RegExp(`^/units/${SLUG}/feedback/$`), areas: ['units', 'feedback'] },
  { pattern: new RegExp(`^/statistics/${SLUG}/$`), areas: DERIVED },
  { pattern: new RegExp(`^/statistics/${SLUG}\\.(?:json|csv|xlsx)$`), areas: DERIVED },
  { pattern: new RegExp(`^/statistics/embed/${SLUG}/$`), areas: DERIVED },
  { pattern: new RegExp(`^/data/statistics/${SLUG}\\.csv$`), areas: DERIVED },
  { pattern: new RegExp(`^/scoring/${YEAR}/$`), areas: DERIVED },
  { pattern: new RegExp(`^/scoring/${YEAR}/${SLUG}/$`), areas: DERIVED },
  { pattern: new RegExp(`^/scoring/${YEAR}/${SLUG}\\.json$`), areas: DERIVED },
  { pattern: new RegExp(`^/scoring/${YEAR}/scorecards\\.(?:json|csv|xlsx)$`), areas: DERIVED },
  { pattern: new RegExp('^/data/audit-checkpoint\\.json$'), areas: ['audit'] },
];

/** The route a path may be cached under, or null. */
export function cacheRouteFor(pathname: string): CacheRoute | null {
  if (NEVER_CACHED.some((re) => re.test(pathname))) return null;
  return CACHE_ROUTES.find((r) => r.pattern.test(pathname)) ?? null;
}
