import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadBuildSettings, loadBuildsLocation, loadConfig, loadDatabaseSettings, ConfigError } from '../lib/config.ts';
import { storeSignature } from '../db/disclosure-store-snapshot.ts';
import { seedDatabase } from '../../db/seed.ts';
import { ROOT } from '../lib/paths.ts';
import { buildInputsHash, stampedInputs } from '../build/stamp.ts';
import { createAppContext } from '../app-context.ts';
import { buildsDirOf, liveOutDir } from '../services/site-builds.ts';

/**
 * What `npm start` does before serving (ARCHITECTURE.md): apply migrations, mirror the unit registry
 * (and the demo city when DEMO is on), and build when the build is missing or its sources changed.
 * Flags: --no-build (database only), --build-only (skip the database), --print-demo-codes.
 * `npm start` runs this and then the server in one process (src/cli/start.ts).
 */

/**
 * True when there is no build, or the sources or the build settings (SITE_URL, DEMO) differ from what
 * the build the server will serve read (src/build/stamp.ts): the rebuild worker's newest successful build
 * when there is one not older than dist/ (src/services/site-builds.ts `liveOutDir`), else dist/.
 */
export async function buildIsStale(root = ROOT, env = process.env): Promise<boolean> {
  const served = liveOutDir(buildsDirOf(loadBuildsLocation(env)), root) ?? join(root, 'dist');
  if (!existsSync(join(served, 'server', 'entry.mjs'))) return true;
  const stamped = stampedInputs(served);
  if (stamped === null) return true;
  // The store's approved versions are build inputs too: an approval since the build makes it stale.
  const db = loadDatabaseSettings(env);
  const store = await storeSignature({ url: db.DATABASE_URL, authToken: db.DATABASE_AUTH_TOKEN });
  return stamped !== buildInputsHash(root, loadBuildSettings(env), store);
}

export function build(): void {
  const astro = join(ROOT, 'node_modules', '.bin', 'astro');
  const r = spawnSync(astro, ['build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`astro build failed (exit ${String(r.status ?? r.signal)})`);
}

export async function prepareDatabase(env = process.env): Promise<Awaited<ReturnType<typeof seedDatabase>>> {
  const config = loadConfig(env);
  const app = await createAppContext(config, { migrate: true });
  try {
    return await seedDatabase(app.database, { demo: config.DEMO, now: app.now(), secrets: app.secrets });
  } finally {
    await app.close();
  }
}

/**
 * Migrate and seed (unless --build-only), then build when stale (unless --no-build). Demo invitation-sheet
 * tokens open printable code sheets, so they are printed only when asked for with --print-demo-codes
 * (the README lists the fixed demo ones); a start-up log never carries them.
 */
export async function prepare(args: readonly string[]): Promise<void> {
  if (!args.includes('--build-only')) {
    const { units, demoCodes } = await prepareDatabase();
    process.stdout.write(`database ready: migrations applied, ${units} units\n`);
    if (args.includes('--print-demo-codes') && demoCodes && demoCodes.sheets.length) {
      process.stdout.write('demo invitation sheets (open /surveys/sheet/ and enter a token):\n');
      for (const s of demoCodes.sheets) process.stdout.write(`  ${s.unitId}: ${s.sheetToken}\n`);
    }
  }
  if (!args.includes('--no-build')) {
    if (await buildIsStale()) build();
    else process.stdout.write('build is up to date\n');
  }
}

if (import.meta.main) {
  prepare(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof ConfigError || e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
