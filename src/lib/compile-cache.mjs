import { enableCompileCache } from 'node:module';

/**
 * The first preload of `npm start` and `npm run serve` (`node --import ./src/lib/compile-cache.mjs --import
 * ./src/lib/fast-start.ts …`), in plain JavaScript on purpose: it turns V8's compile cache on (the OS temp
 * folder, or NODE_COMPILE_CACHE when set) before Node meets its first TypeScript file. With the cache on
 * and warm, Node takes the stripped source of every .ts module from the cache and never loads its
 * TypeScript stripper (amaro: a 3.8 MB script and its WebAssembly memory, ~20 MB of RSS for the life of
 * the process; README "Server memory"). fast-start.ts, itself TypeScript, would enable it too late.
 */
enableCompileCache();
