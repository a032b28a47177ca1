import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

const shared = {
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
} satisfies Options;

/** Each subpath of the package's `exports` map is one entry, so apps import only what they use. */
const entry = {
  index: 'src/index.ts',
  'errors/index': 'src/errors/index.ts',
  'pre/index': 'src/pre/index.ts',
  'ledger/index': 'src/ledger/index.ts',
  'ledger-host/index': 'src/ledger-host/index.ts',
  'chain/index': 'src/chain/index.ts',
  'envelope/index': 'src/envelope/index.ts',
  'storage/index': 'src/storage/index.ts',
  'proxy/index': 'src/proxy/index.ts',
  'share-button/index': 'src/share-button/index.ts',
  'health-links/index': 'src/health-links/index.ts',
  'provider-import/index': 'src/provider-import/index.ts',
};

/** A value in a package.json `exports` map. */
type ExportTarget = string | null | ExportTarget[] | { [key: string]: ExportTarget };

/** The conditions Node (≥ 20.19) matches for `import` and for `require`. */
const IMPORT_CONDITIONS = new Set(['import', 'module-sync', 'node', 'default']);
const REQUIRE_CONDITIONS = new Set(['require', 'module-sync', 'node', 'default']);

/** Whether `target` leads to a file under `conditions` (Node's rules: first matching key wins). */
function resolves(target: ExportTarget, conditions: ReadonlySet<string>): boolean {
  if (target === null) return false;
  if (typeof target === 'string') return true;
  if (Array.isArray(target)) return target.some((t) => resolves(t, conditions));
  for (const [condition, value] of Object.entries(target)) {
    if (!conditions.has(condition)) continue;
    if (value === null) return false;
    if (resolves(value, conditions)) return true;
  }
  return false;
}

/**
 * Whether a dependency has a subpath `import` loads but `require` cannot:
 * its "exports" give that subpath an `import` condition only (cborg,
 * @ipld/dag-pb), so `require` throws ERR_PACKAGE_PATH_NOT_EXPORTED. An ES
 * module reached through `require`, `module-sync` or `default` is fine: Node
 * ≥ 20.19 `require`s ES modules (except ones with top-level await, which no
 * metadata tells; the packed-package test loads every subpath both ways).
 */
function importOnly(dependency: string, fromDir: string): boolean {
  const lookup = createRequire(join(fromDir, 'package.json')).resolve.paths(dependency) ?? [];
  const dir = lookup
    .map((d) => join(d, dependency))
    .find((d) => existsSync(join(d, 'package.json')));
  if (!dir) throw new Error(`tsup.config.ts: dependency ${dependency} is not installed`);
  const { exports } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    exports?: ExportTarget;
  };
  if (exports === undefined) return false; // "main": require loads it
  const isSubpathMap =
    typeof exports === 'object' &&
    exports !== null &&
    !Array.isArray(exports) &&
    Object.keys(exports).some((key) => key.startsWith('.'));
  const subpaths = isSubpathMap ? Object.values(exports) : [exports];
  return subpaths.some((t) => resolves(t, IMPORT_CONDITIONS) && !resolves(t, REQUIRE_CONDITIONS));
}

/**
 * The build config of `@medvault/core`, run from its directory
 * (`tsup --config ../../tsup.config.ts`): ES modules, CommonJS, the types of
 * both (`.d.ts`, `.d.cts`) and the standalone share button, all into `dist`.
 */
export default defineConfig(() => {
  const packageDir = process.cwd();
  const { dependencies = {} } = JSON.parse(
    readFileSync(join(packageDir, 'package.json'), 'utf8'),
  ) as { dependencies?: Record<string, string> };
  // The CommonJS build bundles the dependencies `require` cannot load; every
  // other dependency stays external in both builds, as in the ES build.
  const bundledInCjs = Object.keys(dependencies).filter((d) => importOnly(d, packageDir));

  // The builds below run at the same time into the same folder, each one
  // writing its own files: one clean here, before any starts, instead of
  // tsup's per-build `clean` (which would delete the others' files).
  rmSync(join(packageDir, 'dist'), { recursive: true, force: true });

  return [
    {
      ...shared,
      entry,
      format: ['esm'],
      platform: 'neutral',
      splitting: true,
      dts: false,
      clean: false,
    },
    {
      ...shared,
      entry,
      format: ['cjs'],
      platform: 'neutral',
      splitting: true,
      noExternal: bundledInCjs,
      dts: false,
      clean: false,
    },
    {
      // The types of both builds (`.d.ts` for import, `.d.cts` for require) in
      // one TypeScript pass. No public type mentions a dependency bundled in
      // CommonJS (cborg, @ipld/dag-pb); one that did would still resolve.
      entry,
      format: ['esm', 'cjs'],
      dts: { only: true },
      clean: false,
    },
    {
      ...shared,
      // The share button for sites without a bundler: one ES module, no chunk
      // imports, loaded with one <script type="module"> tag.
      entry: { 'medvault-share-button': 'src/share-button/index.ts' },
      format: ['esm'],
      platform: 'browser',
      splitting: false,
      minify: true,
      clean: false,
      dts: false,
    },
  ];
});
