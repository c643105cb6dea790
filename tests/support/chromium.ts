import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/**
 * Which Chromium the e2e tests drive, with which flags and fonts. `npx playwright install` cannot
 * download a browser here (RELIABILITY.md §8), so:
 *
 * - Debian's `/usr/bin/chromium` when it is installed (`.ci/run` installs it, and it starts fastest);
 * - otherwise the Chromium shipped inside the npm package `@sparticuz/chromium` (a devDependency),
 *   unpacked once per checkout and version into node_modules/.cache (about 5–12 s, then reused).
 *
 * Either way the browser gets a fontconfig file that adds Noto Sans SC from the npm package
 * `@expo-google-fonts/noto-sans-sc` (plain TTF files, which fontconfig and Chromium read as they
 * are) to whatever fonts the system has, so screenshots show Chinese text without a CJK system font.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CACHE = join(ROOT, 'node_modules/.cache/qinglian-e2e');
const require = createRequire(import.meta.url);

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Our flags: they keep the browser off the network except for the page under test. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Flags of `@sparticuz/chromium`'s list (made for a single-process browser on AWS Lambda) that we
 * leave out; the rest (quiet, headless, run as root, no zygote) is added to ours.
 */
const SPARTICUZ_FLAGS_LEFT_OUT = new Set([
  // Playwright gives each context its own renderer; one process for everything is not supported.
  '--single-process',
  // Chromium keeps only the last of each; these would replace Playwright's own feature lists.
  '--disable-features',
  '--enable-features',
  // Playwright chooses the headless mode itself (`headless: true`).
  '--headless',
  // The tests check the pages as a citizen's browser enforces them (CSP, same-origin, mixed content).
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--disable-site-isolation-trials',
  // Graphics: we run with --disable-gpu (software raster draws the charts' canvases).
  '--use-gl',
  '--use-angle',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--in-process-gpu',
  '--disable-webgl',
]);

export interface ChromiumLaunch {
  executablePath: string;
  args: string[];
  env: Record<string, string>;
}

let launch: Promise<ChromiumLaunch> | undefined;

/** The executable, flags and environment to launch; worked out once per test process. */
export function chromiumLaunch(): Promise<ChromiumLaunch> {
  launch ??= resolveLaunch().catch((err: unknown) => {
    launch = undefined;
    throw err;
  });
  return launch;
}

async function resolveLaunch(): Promise<ChromiumLaunch> {
  const fontconfig = await writeFontconfig();
  const env = stringEnv({ ...process.env, FONTCONFIG_FILE: fontconfig });
  if (existsSync(DEBIAN_CHROMIUM)) return { executablePath: DEBIAN_CHROMIUM, args: CHROMIUM_ARGS, env };

  const { default: sparticuz } = await import('@sparticuz/chromium');
  const dir = await unpackSparticuz();
  const theirs = sparticuz.args.filter((arg) => !SPARTICUZ_FLAGS_LEFT_OUT.has(arg.split('=')[0]!));
  return {
    executablePath: join(dir, 'chromium'),
    args: [...new Set([...CHROMIUM_ARGS, ...theirs])],
    // The package's copies of NSS and expat (built for Amazon Linux 2023, where it unpacks them
    // itself), so the browser does not depend on the system having them.
    env: { ...env, LD_LIBRARY_PATH: [join(dir, 'al2023/lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') },
  };
}

/**
 * Unpack `@sparticuz/chromium` (browser, SwiftShader and its Amazon Linux libraries) into
 * node_modules/.cache/qinglian-e2e/sparticuz-chromium-<version>/, once. The package unpacks into
 * os.tmpdir() and reuses any `chromium` file it finds there, even a half-written one; so it runs in
 * a child process whose TMPDIR is a fresh folder, which is then renamed into place in one step.
 * A test run or another checkout that unpacks at the same time cannot see a partial browser.
 */
async function unpackSparticuz(): Promise<string> {
  const entry = require.resolve('@sparticuz/chromium');
  const pkgDir = join(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const dir = join(CACHE, `sparticuz-chromium-${version}`);
  if (existsSync(join(dir, 'chromium'))) return dir;

  await mkdir(CACHE, { recursive: true });
  const staging = await mkdtemp(`${dir}.unpacking-`);
  try {
    const script = [
      'const { default: chromium, inflate } = await import(process.argv[1]);',
      'await chromium.executablePath();',
      'await inflate(process.argv[2]);',
    ].join('\n');
    const started = performance.now();
    await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script, pathToFileURL(entry).href, join(pkgDir, 'bin/al2023.tar.br')],
      { env: { ...process.env, TMPDIR: staging } },
    );
    if (!existsSync(join(staging, 'chromium'))) throw new Error(`@sparticuz/chromium did not unpack into ${staging}`);
    try {
      await rename(staging, dir);
      console.info(
        `e2e: unpacked @sparticuz/chromium ${version} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    } catch (err) {
      // Another process put its copy there first: use that one.
      if (!existsSync(join(dir, 'chromium'))) throw err;
    }
    return dir;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * A fontconfig file: the system's configuration (when there is one) plus Noto Sans SC regular and
 * bold. Written to a temporary name and renamed, so a browser starting meanwhile never reads half.
 */
async function writeFontconfig(): Promise<string> {
  const noto = dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
  const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const dir = join(CACHE, 'fontconfig');
  const conf = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    '<!-- Written by tests/support/chromium.ts for the e2e browser. -->',
    '<fontconfig>',
    `  <cachedir>${xml(join(dir, 'cache'))}</cachedir>`,
    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    `  <dir>${xml(join(noto, '400Regular'))}</dir>`,
    `  <dir>${xml(join(noto, '700Bold'))}</dir>`,
    '</fontconfig>',
    '',
  ].join('\n');
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'fonts.conf');
  const temp = `${file}.${process.pid}`;
  await writeFile(temp, conf);
  await rename(temp, file);
  return file;
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
