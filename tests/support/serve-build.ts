import { loadConfig } from '../../src/lib/config.ts';
import { createLogger } from '../../src/lib/log.ts';
import { startServer, VERSION } from '../../src/server.ts';

/**
 * The production server over another build's output folder (`astro build --outDir <dir>`), for tests that
 * compare builds made with different settings: `node tests/support/serve-build.ts <dir>`. Everything but
 * the folder is src/server.ts's own startServer; it logs the same `listening` line.
 */
const outDir = process.argv[2];
if (!outDir) throw new Error('usage: serve-build.ts <astro build --outDir folder>');
const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const running = await startServer(config, logger, outDir);
logger.info('listening', { url: `http://${config.HOST}:${String(running.port)}/`, version: VERSION });
process.once('SIGTERM', () => {
  void running.shutdown().then(() => process.exit(0));
});
