import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Database } from '../db/client.ts';
import type { Logger } from '../lib/log.ts';
import { errorResponse } from './errors.ts';
import { securityHeaders } from './security.ts';
import { healthApi } from './health.ts';
import { unitsApi } from './units.ts';
import type { Context } from 'hono';
import type { ChannelContext } from '../services/context.ts';
import { feedbackApi } from './feedback.ts';
import { surveysApi } from './surveys.ts';
import { altchaApi } from './altcha.ts';
import { openApiRoute } from './openapi.ts';
import { jsonBody, limitBody } from './validate.ts';

export interface ApiDeps {
  database: Database;
  logger: Logger;
  version: string;
  bodyLimitBytes: number;
  /** True when requests arrive over TLS (directly or via a trusted proxy): adds HSTS. */
  https: boolean;
  /** The clock; tests pass a fixed one. */
  now: () => Date;
  /** Feedback and surveys: database, keys, limits, deadline rules (src/services/context.ts). */
  channel: ChannelContext;
  /** The client's IP (the socket's, or the trusted proxy's X-Forwarded-For); used for rate limits only. */
  clientIp: (c: Context) => string;
}

export type AppEnv = {
  Variables: { deps: ApiDeps; requestId: string; jsonBody: unknown };
};

/** The API under /api. Sub-apps per area are mounted with `route()`; see ARCHITECTURE.md. */
export function createApi(deps: ApiDeps) {
  const headerEntries = Object.entries(securityHeaders({ https: deps.https }));
  const app = new Hono<AppEnv>().basePath('/api');

  app.use(async (c, next) => {
    c.set('deps', deps);
    c.set('requestId', crypto.randomUUID());
    await next();
    // Mutate the finished response's headers in place: c.header() after next() rebuilds the Response
    // on every call (measured ~1.4x slower in `npm run bench`). Handlers never return a fetch()
    // Response, whose headers would be immutable.
    const h = c.res.headers;
    for (const [k, v] of headerEntries) h.set(k, v);
    h.set('X-Request-Id', c.get('requestId'));
    if (!h.has('Cache-Control')) h.set('Cache-Control', 'no-store');
  });

  // Bodies are bounded, UTF-8 and JSON before any route sees them, so no handler can turn a bad
  // body into a 500 (RELIABILITY.md §0.3). HTML forms post to Astro pages, not here.
  app.use(limitBody(deps.bodyLimitBytes, (c) => errorResponse(c, 413, 'payload_too_large')));
  app.use(jsonBody);

  app.route('/health', healthApi);
  app.route('/units', unitsApi);
  app.route('/feedback', feedbackApi);
  app.route('/surveys', surveysApi);
  app.route('/altcha', altchaApi);
  app.route('/openapi.json', openApiRoute);

  app.notFound((c) => errorResponse(c, 404, 'not_found'));
  app.onError((err, c) => {
    if (err instanceof HTTPException) {
      const status = err.status;
      const code =
        status === 413
          ? 'payload_too_large'
          : status === 401
            ? 'unauthorized'
            : status === 403
              ? 'forbidden'
              : 'bad_request';
      return errorResponse(c, status < 500 ? status : 500, status < 500 ? code : 'internal');
    }
    deps.logger.error('unhandled error', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      error: err instanceof Error ? err.name : 'unknown',
      stack: err instanceof Error ? err.stack : undefined,
    });
    return errorResponse(c, 500, 'internal');
  });
  return app;
}
