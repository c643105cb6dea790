import http from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sirv from 'sirv';
import { getRequestListener } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { loadConfig, ConfigError, type Config } from './lib/config.ts';
import type { Database } from './db/client.ts';
import { createApi } from './api/app.ts';
import { allowsFraming, allowsWasm, securityHeaders } from './api/security.ts';
import { createLogger, type Logger } from './lib/log.ts';
import { memoryFiles } from './lib/static-files.ts';
import { createResponseCache, type ResponseCache } from './lib/response-cache.ts';
import { readCalendar, readCity } from './content/files.ts';
import { siteName } from './i18n/city.ts';
import { pruneExpired } from './db/rate-limit-repo.ts';
import { drainConnections } from './lib/drain.ts';
import { scheduleCheckpoints } from './services/audit-checkpoint.ts';
import { scheduleContactPurge } from './services/contact-retention.ts';
import { scheduleNotifications } from './services/notifications.ts';
import { httpSms, logChannel, smtpMail } from './services/notify-channels.ts';
import {
  absoluteDatabaseUrl,
  buildsDirOf,
  liveOutDir,
  scheduleNightlyRebuild,
  startRebuildWorker,
  type BuildCommandFor,
} from './services/site-builds.ts';
import { createAppContext, pageLocals } from './app-context.ts';

/**
 * The production entry: one Node process (ARCHITECTURE.md "One process").
 * Dispatch order is a performance decision, measured in `npm run bench`:
 *   1. /api/*  → Hono directly (not through Astro's pipeline);
 *   2. files   → from memory (src/lib/static-files.ts), else sirv over dist/client (precompressed
 *               .br/.gz, ETag, cache headers) for large files and Range requests;
 *   3. the rest → Astro's on-demand handler, which renders the prerendered 404 for unknown paths.
 */
export const CLIENT_DIR = fileURLToPath(new URL('../dist/client', import.meta.url));
const DIST_DIR = fileURLToPath(new URL('../dist', import.meta.url));
export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

type NodeHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  next?: () => void,
  locals?: object,
) => Promise<void> | void;

export interface RunningServer {
  server: http.Server;
  port: number;
  database: Database;
  cache: ResponseCache;
  /**
   * Stop accepting, answer every request already received with `Connection: close` (up to the grace
   * period), wait for queued writes, close the database.
   */
  shutdown(): Promise<void>;
}

function cacheControl(pathname: string): string {
  // Hashed build assets never change under the same name.
  if (pathname.startsWith('/_astro/')) return 'public, max-age=31536000, immutable';
  if (pathname.endsWith('.html') || pathname.endsWith('/') || !pathname.includes('.'))
    return 'public, max-age=0, must-revalidate';
  return 'public, max-age=3600';
}

interface Site {
  memory: ReturnType<typeof memoryFiles>;
  files: ReturnType<typeof sirv>;
  astro: NodeHandler;
  notFound: (req: http.IncomingMessage, res: http.ServerResponse) => void;
}

/** One build's output folder, ready to serve: its files in memory, sirv over the rest, its on-demand handler. */
async function loadSite(outDir: string): Promise<Site> {
  const clientDir = join(outDir, 'client');
  const memory = memoryFiles(clientDir, cacheControl);
  const files = sirv(clientDir, {
    dev: false,
    etag: true,
    gzip: true,
    brotli: true,
    extensions: ['html'],
    setHeaders: (res, pathname) => res.setHeader('Cache-Control', cacheControl(pathname)),
  });
  const entry = join(outDir, 'server', 'entry.mjs');
  const astro = ((await import(pathToFileURL(entry).href)) as { handler: NodeHandler }).handler;
  const notFoundPage = existsSync(`${clientDir}/404.html`)
    ? readFileSync(`${clientDir}/404.html`)
    : Buffer.from('Not Found');
  // Astro matched no route: its 404 page is prerendered, so send that file with status 404.
  const notFound = (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(404, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': notFoundPage.length,
      'Cache-Control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : notFoundPage);
  };
  return { memory, files, astro, notFound };
}

/** What tests change about a server (the product never passes these). */
export interface StartOptions {
  /** The rebuild worker's build command (default: `astro build --outDir <folder>`). */
  buildCommand?: BuildCommandFor;
}

export async function startServer(
  config: Config,
  logger: Logger = createLogger(config.LOG_LEVEL),
  /** Another build's output folder (`astro build --outDir`); tests serve builds made with other settings. */
  outDir?: string,
  options: StartOptions = {},
): Promise<RunningServer> {
  const buildsDir = buildsDirOf(config);
  // Without a folder given: the rebuild worker's newest successful build when it is not older than dist/.
  outDir ??= liveOutDir(buildsDir);
  if (!existsSync(join(outDir ?? DIST_DIR, 'server', 'entry.mjs'))) {
    throw new Error(
      `No build found at ${join(outDir ?? DIST_DIR, 'server', 'entry.mjs')}. Run \`npm run build\` (npm start does it for you).`,
    );
  }
  // The database (durability checked, audit rows a crash left sealed first), keys and services.
  const app = await createAppContext(config, { logger, version: VERSION });
  const { database, channel } = app;
  // Behind a trusted proxy the client is the last address it appended; otherwise the socket's peer.
  const clientIp = (c: Context): string => {
    if (config.TRUST_PROXY) {
      const forwarded = c.req.header('x-forwarded-for')?.split(',').pop()?.trim();
      if (forwarded) return forwarded;
    }
    try {
      return getConnInfo(c).remote.address ?? 'unknown';
    } catch {
      return 'unknown';
    }
  };
  const housekeeping = setInterval(() => {
    pruneExpired(database, app.now()).catch((e: unknown) =>
      logger.warn('prune failed', { error: e instanceof Error ? e.name : 'unknown' }),
    );
  }, 3_600_000);
  housekeeping.unref();
  // Submitters' phones past the retention period: purged now and hourly (src/services/contact-retention.ts).
  const contactPurge = scheduleContactPurge(database, {
    now: app.now,
    retentionDays: config.CONTACT_RETENTION_DAYS,
    onPurged: (count) => logger.info('contacts purged', { count }),
    onError: (e: unknown) => logger.warn('contact purge failed', { error: e instanceof Error ? e.name : 'unknown' }),
  });
  // Signed audit checkpoints: now (what was written while the server was down), hourly, after every
  // 1,000 sealed rows, and at shutdown (src/services/audit-checkpoint.ts).
  const checkpoints = scheduleCheckpoints(database, app.auditSigner, {
    now: app.now,
    onError: (e: unknown) => logger.warn('audit checkpoint failed', { error: e instanceof Error ? e.name : 'unknown' }),
  });

  // Notifications: deliver what the outbox holds (also what a crash left undelivered), retry with backoff.
  const notifications = scheduleNotifications({
    database,
    signature: siteName(readCity()),
    contactKey: app.secrets.contactKey,
    channels: {
      sms:
        config.NOTIFY_SMS === 'http' && config.NOTIFY_SMS_URL
          ? httpSms({ url: config.NOTIFY_SMS_URL, token: config.NOTIFY_SMS_TOKEN })
          : logChannel(logger, 'sms'),
      email: config.SMTP_URL
        ? smtpMail({ url: config.SMTP_URL, from: config.NOTIFY_MAIL_FROM })
        : logChannel(logger, 'email'),
    },
    logger,
    now: app.now,
    rules: app.channel.rules,
    policy: { baseMs: config.NOTIFY_RETRY_BASE_MS, maxMs: 3_600_000, maxAttempts: config.NOTIFY_MAX_ATTEMPTS },
    leaseMs: config.NOTIFY_LEASE_MS,
    startDelayMs: config.NOTIFY_START_DELAY_MS,
    pollMs: config.NOTIFY_POLL_MS,
    reminderScanMs: config.NOTIFY_REMINDER_SCAN_MS,
  });

  const isHttps = (req: http.IncomingMessage) =>
    (req.socket as { encrypted?: boolean }).encrypted === true ||
    (config.TRUST_PROXY && req.headers['x-forwarded-proto'] === 'https');
  // Header sets computed once: [plain, TLS] for ordinary pages, the search page (wasm) and embeds (framable).
  const headerSets = {
    page: [false, true].map((https) => Object.entries(securityHeaders({ https }))),
    search: [false, true].map((https) => Object.entries(securityHeaders({ https, wasm: true }))),
    embed: [false, true].map((https) => Object.entries(securityHeaders({ https, framable: true }))),
  };
  const secure = (req: http.IncomingMessage, res: http.ServerResponse, https: boolean) => {
    const url = req.url ?? '/';
    const set = allowsWasm(url) ? headerSets.search : allowsFraming(url) ? headerSets.embed : headerSets.page;
    for (const [k, v] of set[https ? 1 : 0]!) res.setHeader(k, v);
  };

  const apiFor = (https: boolean) =>
    getRequestListener(
      createApi({
        database,
        logger,
        version: app.version,
        bodyLimitBytes: config.BODY_LIMIT_BYTES,
        https,
        now: app.now,
        channel,
        clientIp,
      }).fetch,
    );
  const api = apiFor(false);
  const apiTls = apiFor(true);
  // What the response cache calls on a miss, made once (not a closure per request): [plain, TLS].
  const apiRenders = [api, apiTls].map(
    (handler) => (req: http.IncomingMessage, res: http.ServerResponse) => handler(req, res),
  );

  const baseLocals = Object.freeze(pageLocals(app));
  // A fresh object per request: the middleware stores the request's staff session in it.
  const locals = () => ({ ...baseLocals });
  // The site served now; the rebuild worker swaps it for a new build (a request keeps the one it arrived on).
  let site = await loadSite(outDir ?? DIST_DIR);
  const renderPage = (s: Site, req: http.IncomingMessage, res: http.ServerResponse) =>
    s.astro(req, res, () => s.notFound(req, res), locals());
  // A cached page's render on a miss, made once per site and scheme: the security headers, then Astro.
  const pageRendersOf = (s: Site) =>
    [false, true].map((https) => (req: http.IncomingMessage, res: http.ServerResponse) => {
      secure(req, res, https);
      return renderPage(s, req, res);
    });
  let pageRenders = pageRendersOf(site);
  // Public on-demand reads served from memory while their data is unchanged (src/lib/response-cache.ts).
  const cache = createResponseCache(database);
  const server = http.createServer((req, res) => {
    const current = site;
    const https = isHttps(req);
    const url = req.url ?? '/';
    if (url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')) {
      if (!cache.handle(req, res, https, apiRenders[https ? 1 : 0]!)) void (https ? apiTls : api)(req, res);
      return;
    }
    // Public on-demand reads (src/lib/cache-routes.ts) from the response cache, which keeps the security
    // headers with the rest (the key says http or https); everything else as before.
    if (cache.handle(req, res, https, pageRenders[https ? 1 : 0]!)) return;
    secure(req, res, https);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      void renderPage(current, req, res);
      return;
    }
    if (current.memory(req, res)) return;
    current.files(req, res, () => {
      void renderPage(current, req, res);
    });
  });
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // SIGTERM answers every request already received, then closes (src/lib/drain.ts).
  const drain = drainConnections(server);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;

  // The rebuild worker (src/services/site-builds.ts): a good build is swapped in here, atomically for new
  // requests, and the response cache forgets what the old site rendered.
  const worker = await startRebuildWorker({
    database,
    logger,
    now: app.now,
    buildsDir,
    buildEnv: {
      DATABASE_URL: absoluteDatabaseUrl(config.DATABASE_URL),
      ...(config.DATABASE_AUTH_TOKEN ? { DATABASE_AUTH_TOKEN: config.DATABASE_AUTH_TOKEN } : {}),
    },
    // dist/ when no worker build is served: its search index serves the first rebuild's pages until theirs is built.
    served: outDir ?? DIST_DIR,
    swap: async (dir) => {
      site = await loadSite(dir);
      pageRenders = pageRendersOf(site);
      cache.clear();
    },
    ...(options.buildCommand ? { command: options.buildCommand } : {}),
    timeoutMs: config.SITE_BUILD_TIMEOUT_MS,
    pollMs: config.SITE_BUILD_POLL_MS,
  });
  // 00:05 Beijing time: expired aid names leave the store, then the site is rebuilt (publicity windows end).
  const nightly = config.NIGHTLY_REBUILD
    ? scheduleNightlyRebuild({
        database,
        now: app.now,
        calendar: () => readCalendar().calendar,
        onDone: (r) => {
          logger.info('nightly rebuild queued', { scrubbed: r.scrubbed });
          worker.kick();
        },
        onError: (e: unknown) =>
          logger.warn('nightly rebuild failed', { error: e instanceof Error ? e.name : 'unknown' }),
      })
    : null;

  let shutdownPromise: Promise<void> | null = null;
  const shutdown = () =>
    (shutdownPromise ??= (async () => {
      clearInterval(housekeeping);
      nightly?.stop();
      await worker.stop();
      await drain.close(config.SHUTDOWN_GRACE_MS);
      await contactPurge.stop();
      await notifications.stop();
      await checkpoints.flush();
      await checkpoints.stop();
      // Wait for queued writes, then close the database.
      await app.close();
    })());

  return { server, port, database, cache, shutdown };
}

/** Load the configuration, serve, and stop cleanly on SIGTERM / SIGINT (`npm run serve`, src/cli/start.ts). */
export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const running = await startServer(config, logger);
  logger.info('listening', { url: `http://${config.HOST}:${running.port}/`, version: VERSION });
  const stop = (signal: string) => {
    logger.info('shutting down', { signal });
    running.shutdown().then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error('shutdown failed', { error: String(e) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

if (import.meta.main) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
