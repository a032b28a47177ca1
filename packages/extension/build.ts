/**
 * Builds the extension into dist/chrome and dist/firefox: esbuild bundles
 * the background, the content courier, the main-world provider and the
 * pages; the manifest differs only in how the background runs
 * (a service worker in Chromium, a module background script in Firefox).
 * `@medvault/core` is bundled from its sources.
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const root = import.meta.dirname;
const coreSrc = join(root, '../core/src');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };

type Target = 'chrome' | 'firefox';

function manifest(target: Target) {
  const pages = ['http://*/*', 'https://*/*'];
  return {
    manifest_version: 3,
    name: 'MedVault',
    short_name: 'MedVault',
    version: pkg.version,
    description:
      'Your medical records wallet: receive records sealed to you, share them with the readers you choose, see who read what, revoke at any time.',
    background:
      target === 'chrome'
        ? { service_worker: 'background.js', type: 'module' }
        : { scripts: ['background.js'], type: 'module' },
    action: { default_popup: 'popup.html', default_title: 'MedVault' },
    // alarms: a check each minute for reads and ending shares; notifications: telling the
    // patient of them, only once she turned them on in Settings; identity: the window a
    // provider's sign-in opens in ("Add records from my provider", launchWebAuthFlow)
    permissions: ['alarms', 'notifications', 'identity'],
    icons: { '128': 'icon-128.png' },
    // the local stack; other proxies, hosts and chains are asked for when set
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    content_scripts: [
      { matches: pages, js: ['courier.js'], run_at: 'document_start' },
      { matches: pages, js: ['inpage.js'], run_at: 'document_start', world: 'MAIN' },
    ],
    // 'wasm-unsafe-eval': PRE's libsecp256k1 backend is WebAssembly (compiling it, nothing else)
    content_security_policy: {
      extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
    },
    ...(target === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: { id: 'wallet@medvault.org', strict_min_version: '128.0' },
          },
        }
      : { minimum_chrome_version: '111' }),
  };
}

/**
 * How much the build prints.
 *
 * @example
 * ```ts
 * const quiet: BuildOptions = {}; // warnings and errors only
 * const verbose: BuildOptions = { logLevel: 'info' }; // also each bundle and its size
 * ```
 */
export type BuildOptions = {
  /** `'warning'` (default): only warnings and errors; `'info'`: also each bundle and its size. */
  logLevel?: 'warning' | 'info';
};

/**
 * Builds both targets into `outDir` (default `dist/`) and returns their
 * directories. Quiet unless something is wrong (`logLevel: 'info'` lists
 * the bundles).
 *
 * @example
 * ```ts
 * const { chrome, firefox } = await buildExtension(undefined, { logLevel: 'info' });
 * console.log(`load ${chrome} in Chromium, ${firefox}/manifest.json in Firefox`);
 * ```
 */
export async function buildExtension(
  outDir = join(root, 'dist'),
  options: BuildOptions = {},
): Promise<Record<Target, string>> {
  const common = {
    bundle: true,
    platform: 'browser' as const,
    target: ['chrome111', 'firefox128'],
    alias: {
      '@medvault/core': coreSrc,
      '@medvault/record-view': join(root, '../record-view/src/index.ts'),
    },
    external: ['node:*'],
    // licence notices (libsecp256k1's MIT notice in the PRE backend) stay in the bundles
    legalComments: 'eof' as const,
    logLevel: options.logLevel ?? 'warning',
    minify: false,
    sourcemap: false,
  };
  const staging = join(outDir, '.staging');
  await rm(staging, { recursive: true, force: true });
  await build({
    ...common,
    format: 'esm',
    entryPoints: {
      background: join(root, 'src/background/index.ts'),
      onboarding: join(root, 'src/ui/onboarding.ts'),
      prompt: join(root, 'src/ui/prompt.ts'),
      dashboard: join(root, 'src/ui/dashboard.ts'),
      record: join(root, 'src/ui/record.ts'),
      advanced: join(root, 'src/ui/advanced.ts'),
      links: join(root, 'src/ui/links.ts'),
      providers: join(root, 'src/ui/providers.ts'),
    },
    outdir: staging,
    splitting: false,
  });
  await build({
    ...common,
    format: 'iife',
    entryPoints: {
      courier: join(root, 'src/content/courier.ts'),
      inpage: join(root, 'src/provider/inpage.ts'),
    },
    outdir: staging,
  });
  await cp(join(root, 'static'), staging, { recursive: true });
  const out = {} as Record<Target, string>;
  for (const target of ['chrome', 'firefox'] as const) {
    const dir = join(outDir, target);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await cp(staging, dir, { recursive: true });
    await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest(target), null, 2)}\n`);
    out[target] = dir;
  }
  await rm(staging, { recursive: true, force: true });
  return out;
}

// `npm run build -w @medvault/extension [-- --verbose]`: one line naming the
// two directories, relative to where it was typed (npm's INIT_CWD).
if (process.argv[1] === import.meta.filename) {
  const verbose = process.argv.includes('--verbose');
  const dirs = await buildExtension(undefined, { logLevel: verbose ? 'info' : 'warning' });
  const here = process.env.INIT_CWD ?? process.cwd();
  const show = (dir: string) => relative(here, dir) || '.';
  console.log(`built ${show(dirs.chrome)} and ${show(dirs.firefox)}`);
}
