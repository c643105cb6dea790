import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, ConfigError } from '../lib/config.ts';
import { seedDatabase } from '../../db/seed.ts';
import { ROOT } from '../lib/paths.ts';
import { createAppContext } from '../app-context.ts';

/**
 * What `npm start` does before serving (ARCHITECTURE.md): apply migrations, mirror the unit registry
 * (and the demo city when DEMO is on), and build when the build is missing or older than its sources.
 * Flags: --no-build (database only), --build-only (skip the database).
 */
export const BUILD_STAMP = join(ROOT, 'dist', '.build-stamp');
const BUILD_INPUTS = ['src', 'content', 'public', 'astro.config.mjs', 'package.json', 'package-lock.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** True when there is no build, or a source file changed after the last one. */
export function buildIsStale(root = ROOT): boolean {
  const stamp = join(root, 'dist', '.build-stamp');
  if (!existsSync(stamp) || !existsSync(join(root, 'dist', 'server', 'entry.mjs'))) return true;
  const built = statSync(stamp).mtimeMs;
  return BUILD_INPUTS.some((p) => newestMtime(join(root, p)) > built);
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

async function main(args: string[]): Promise<void> {
  if (!args.includes('--build-only')) {
    const { units, demoCodes } = await prepareDatabase();
    process.stdout.write(`database ready: migrations applied, ${units} units\n`);
    // Demo (fictional) codes for testers; printed only when the demo channel was just seeded.
    if (demoCodes && demoCodes.sheets.length) {
      process.stdout.write('demo invitation sheets (open /surveys/sheet/ and enter a token):\n');
      for (const s of demoCodes.sheets) process.stdout.write(`  ${s.unitId}: ${s.sheetToken}\n`);
    }
  }
  if (!args.includes('--no-build')) {
    if (buildIsStale()) build();
    else process.stdout.write('build is up to date\n');
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`${e instanceof ConfigError || e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
