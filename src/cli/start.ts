import { ConfigError } from '../lib/config.ts';
import { prepare } from './prepare.ts';
import { main as serve } from '../server.ts';

/**
 * `npm start`: prepare (migrations, registry, demo seed, build when stale) and serve, in one process.
 * Two processes loaded every module twice: most of a restart's time (issue 13; README "Start-up").
 */
if (import.meta.main) {
  prepare(process.argv.slice(2))
    .then(() => serve())
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof ConfigError || e instanceof Error ? e.message : String(e)}\n`);
      process.exit(e instanceof ConfigError ? 78 : 1);
    });
}
