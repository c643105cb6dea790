import { enableCompileCache, registerHooks } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Preloaded by `npm start` and `npm run serve` (`node --import ./src/lib/fast-start.ts …`) before any
 * other module, to cut process start-up (issue 13: "restart takes 2–10 s"). Measured on the 2-core test
 * machine, loading what the server loads (~465 modules) took 1.2–1.5 s of CPU; with both steps below,
 * 0.4–0.5 s.
 *
 * 1. Node 24 decides the format of every `.js` module from its package's package.json, and each time
 *    copies the parsed file with a spread that also re-parses its `exports` field
 *    (`getPackageScopeConfig` in lib/internal/modules/package_json_reader.js). drizzle-orm's
 *    package.json is 178 KB and ~115 of its files are loaded: ~0.4 s of JSON.parse plus as much
 *    garbage collection. The resolve hook below answers relative imports inside node_modules itself:
 *    the URL is the specifier against its parent, the format the package's `type`, read once per
 *    package. Anything else (bare specifiers, packages without a `type`, our own files) goes to Node.
 * 2. V8's compile cache (also caches the TypeScript files Node strips) in the OS temp folder, or
 *    NODE_COMPILE_CACHE when set; a read-only or missing folder just turns it off.
 */
enableCompileCache();

const typeOfDirectory = new Map<string, string | null>();

/** The `type` field of `dir`/package.json: null when it has none, undefined when there is no such file. */
function readType(dir: string): string | null | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, 'package.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const { type } = JSON.parse(text) as { type?: unknown };
    return typeof type === 'string' ? type : null;
  } catch {
    return null;
  }
}

/** The `type` of the package.json nearest to `dir`, cached for every directory on the way. */
function packageType(dir: string): string | null {
  const walked: string[] = [];
  let d = dir;
  let type = typeOfDirectory.get(d);
  while (type === undefined) {
    walked.push(d);
    type = readType(d);
    if (type !== undefined) break;
    const up = dirname(d);
    if (up === d) type = null;
    else type = typeOfDirectory.get((d = up));
  }
  for (const w of walked) typeOfDirectory.set(w, type);
  return type;
}

registerHooks({
  resolve(specifier, context, nextResolve) {
    const parent = context.parentURL;
    if (
      parent?.startsWith('file:') &&
      parent.includes('/node_modules/') &&
      (specifier.startsWith('./') || specifier.startsWith('../')) &&
      specifier.endsWith('.js')
    ) {
      const url = new URL(specifier, parent);
      const type = packageType(dirname(fileURLToPath(url)));
      if (type === 'module' || type === 'commonjs') return { url: url.href, format: type, shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
});
