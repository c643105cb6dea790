import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prepareDatabase } from '../../src/cli/prepare.ts';
import { TEST_SECRET_ENV } from './channel.ts';
import { loadBuildSettings } from '../../src/lib/config.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface TestServer {
  url: string;
  port: number;
  process: ChildProcess;
  dbFile: string;
  /** Lines the server wrote to stderr/stdout so far. */
  output: string[];
  /** Send SIGTERM and resolve with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Remove the temporary database folder (after stop). */
  cleanup(): void;
}

/**
 * Start the real production entry (`node src/server.ts`) on a free port with a fresh temporary
 * database that has been migrated and seeded exactly as `npm start` does. Needs a build in dist/.
 */
/**
 * The Node flags of the `start` and `serve` scripts in package.json (keep them the same; the paths are relative
 * to the project folder, the servers' working directory), README "Server memory":
 * - a young generation of at most 2 × 16 MB (on a machine with much memory V8 otherwise grows it to 2 × 64 MB
 *   under a high allocation rate);
 * - the old generation collected when it has grown by half since the last full collection (V8's own factor
 *   went up to 4: under the cached-read load the old space grew to ~120 MB of short-lived garbage first);
 * - the compile cache on before the first TypeScript file, so that a warm start never loads Node's type stripper.
 */
export const SERVE_NODE_FLAGS = [
  '--max-semi-space-size=16',
  '--heap-growing-percent=50',
  '--import',
  './src/lib/compile-cache.mjs',
] as const;

export async function startTestServer(
  /** `outDir`: serve that build (`astro build --outDir`) instead of dist/, through tests/support/serve-build.ts. */
  opts: { dbDir?: string; env?: Record<string, string>; outDir?: string } = {},
): Promise<TestServer> {
  const dir = opts.dbDir ?? mkdtempSync(join(tmpdir(), 'qinglian-e2e-'));
  const dbFile = join(dir, 'test.db');
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: `file:${dbFile}`,
    DEMO: 'true',
    // The origin the build in dist/ was made with, so that the server does not count it as stale.
    SITE_URL: loadBuildSettings().SITE_URL,
    LOG_LEVEL: 'info',
    ...TEST_SECRET_ENV,
    ...opts.env,
  };
  await prepareDatabase(env);
  // As `npm run serve` starts it (package.json): with its V8 flags and the start-up preload.
  const entry = opts.outDir ? [join(ROOT, 'tests/support/serve-build.ts'), opts.outDir] : [join(ROOT, 'src/server.ts')];
  const args = [...SERVE_NODE_FLAGS, '--import', pathToFileURL(join(ROOT, 'src/lib/fast-start.ts')).href, ...entry];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const port = await listeningPort(child, output, 30_000);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    process: child,
    dbFile,
    output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    cleanup() {
      if (!opts.dbDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The port a starting production server listens on, read from its "listening" log line. Every line it writes is
 * appended to `output` (the last `keep` chunks when given). Rejects when it exits first or takes over `timeoutMs`.
 */
export function listeningPort(
  child: ChildProcess,
  output: string[],
  timeoutMs: number,
  keep = Number.POSITIVE_INFINITY,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output.join('')}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output.push(text);
      if (output.length > keep) output.splice(0, output.length - keep);
      const m = /"url":"http:\/\/[^:]+:(\d+)\//.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${String(code)}:\n${output.join('')}`));
    });
  });
}
