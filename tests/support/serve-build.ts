import { loadConfig } from '../../src/lib/config.ts';
import { createLogger } from '../../src/lib/log.ts';
import { startServer, VERSION } from '../../src/server.ts';

/**
 * The production server over another build's output folder (`astro build --outDir <dir>`), for tests that
 * compare builds made with different settings: `node tests/support/serve-build.ts <dir>`. Everything but
 * the folder is src/server.ts's own startServer; it logs the same `listening` line.
 * TEST_BUILD_COMMAND (a JSON array, `{outDir}` replaced by the build's folder) replaces the rebuild
 * worker's `astro build` (tests/e2e/live-rebuild.test.ts: a failing build without a minute of Astro).
 */
const outDir = process.argv[2];
if (!outDir) throw new Error('usage: serve-build.ts <astro build --outDir folder>');
const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const fake = process.env.TEST_BUILD_COMMAND ? (JSON.parse(process.env.TEST_BUILD_COMMAND) as string[]) : null;
const running = await startServer(
  config,
  logger,
  outDir,
  fake
    ? {
        buildCommand: (dir) => ({
          command: fake[0]!,
          args: fake.slice(1).map((a) => a.split('{outDir}').join(dir)),
        }),
      }
    : {},
);
logger.info('listening', { url: `http://${config.HOST}:${String(running.port)}/`, version: VERSION });
process.once('SIGTERM', () => {
  void running.shutdown().then(() => process.exit(0));
});
