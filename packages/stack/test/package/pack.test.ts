/**
 * The packages as published: `@medvault/core` and `@medvault/node` built,
 * packed with `npm pack`, installed from their tarballs into one fresh
 * project (node's dependency on core is met by core's tarball). Every
 * subpath of core's "exports" loads by `require` and by `import` in plain
 * Node, and its types check for a TypeScript consumer (`moduleResolution:
 * nodenext`) from an ES module (`.mts`, `import`) and from a CommonJS one
 * (`.cts`, `import = require`). The `medvault` CLI runs from its built
 * JavaScript. One file for both: a build of core replaces its `dist`, so
 * two files building at once would race.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  buildWorkspaces,
  type PackedProject,
  packAndInstall,
  REPO_ROOT,
  type RunResult,
  TSC,
} from './pack-harness.js';

/** Each subpath with a value and a type it exports. */
const SUBPATHS = [
  { subpath: '.', value: 'BaseError', type: 'BaseErrorParameters' },
  { subpath: './errors', value: 'walkCauses', type: 'BaseErrorParameters' },
  { subpath: './pre', value: 'SecretKey', type: 'CapsuleToOpen' },
  { subpath: './ledger', value: 'Ledger', type: 'Checkpoint' },
  { subpath: './ledger-host', value: 'LedgerHostClient', type: 'LedgerHead' },
  { subpath: './chain', value: 'getAnchor', type: 'Anchor' },
  { subpath: './envelope', value: 'decodeHeader', type: 'EnvelopeHeader' },
  { subpath: './storage', value: 'parseCid', type: 'BlobStore' },
  { subpath: './proxy', value: 'grantToJson', type: 'GrantJson' },
  { subpath: './share-button', value: 'parseShareRequest', type: 'ShareButtonState' },
  { subpath: './health-links', value: 'decodeLink', type: 'ShlPayload' },
  { subpath: './provider-import', value: 'syncFromProvider', type: 'SyncReport' },
] as const;

/** `@medvault/core/pre` for `./pre`. */
const specifier = (subpath: string) => `@medvault/core${subpath.slice(1)}`;

/** What a loaded module reports: the type of the export checked and all export names. */
type Loaded = { kind: string; names: string[] };

/** The names of a module's exports, as require and import both give them. */
const REPORT = `(m, name) => JSON.stringify({
  kind: typeof m[name],
  names: Object.keys(m).filter((k) => k !== '__esModule' && k !== 'default').sort(),
})`;

let project: PackedProject;

beforeAll(async () => {
  const start = Date.now();
  await buildWorkspaces(['@medvault/core', '@medvault/node']);
  const built = Date.now();
  project = await packAndInstall(['@medvault/core', '@medvault/node']);
  console.info(
    `pack.test: build ${((built - start) / 1000).toFixed(1)} s, pack and install ${((Date.now() - built) / 1000).toFixed(1)} s`,
  );
}, 600_000);

afterAll(async () => {
  await project?.cleanup();
});

/** Parses a load script's report; throws with its output if it failed. */
function loaded(result: RunResult): Loaded {
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout) as Loaded;
}

test('the subpaths checked are exactly those of the package "exports"', async () => {
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'packages/core/package.json'), 'utf8'));
  const exported = Object.keys(pkg.exports).filter((s) => s !== './package.json');
  expect(SUBPATHS.map((s) => s.subpath).sort()).toEqual(exported.sort());
});

describe('in Node, each subpath loads', () => {
  test.concurrent.for(SUBPATHS)(
    '$subpath by require and by import, with the same exports',
    async ({ subpath, value }, { expect }) => {
      const spec = JSON.stringify(specifier(subpath));
      const name = JSON.stringify(value);
      const [required, imported] = await Promise.all([
        project.run('node', ['-e', `console.log((${REPORT})(require(${spec}), ${name}))`]),
        project.run('node', [
          '--input-type=module',
          '-e',
          `console.log((${REPORT})(await import(${spec}), ${name}))`,
        ]),
      ]);
      const cjs = loaded(required);
      const esm = loaded(imported);
      expect(cjs.kind).toBe('function');
      expect(esm.kind).toBe('function');
      expect(cjs.names).toEqual(esm.names);
    },
  );

  test.concurrent('./share-button without a DOM: loads both ways and registers nothing', async ({
    expect,
  }) => {
    const check = `(m) => {
      if (typeof customElements !== 'undefined') throw new Error('a DOM in plain Node?');
      if (m.defineShareButton() !== undefined) throw new Error('registered without a DOM');
      if (typeof m.ShareButton !== 'function') throw new Error('no ShareButton');
    }`;
    const spec = JSON.stringify(specifier('./share-button'));
    const results = await Promise.all([
      project.run('node', ['-e', `(${check})(require(${spec}))`]),
      project.run('node', ['--input-type=module', '-e', `(${check})(await import(${spec}))`]),
    ]);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
  });
});

describe('for a TypeScript consumer (moduleResolution nodenext)', () => {
  /** Is `T` any? (A module without types gives any.) */
  const IS_ANY = 'type IsAny<T> = 0 extends 1 & T ? true : false;';

  /** Uses a value and a type of each subpath's module `m<i>`; each must be typed (not any). */
  const uses = SUBPATHS.map(
    ({ value, type }, i) =>
      `export const value${i}: typeof m${i}.${value} = m${i}.${value};\n` +
      `export const typed${i}: [IsAny<typeof m${i}.${value}>, IsAny<m${i}.${type}>] = [false, false];`,
  ).join('\n');

  const ESM_CONSUMER = [
    ...SUBPATHS.map(({ subpath }, i) => `import * as m${i} from '${specifier(subpath)}';`),
    IS_ANY,
    uses,
  ].join('\n');

  const CJS_CONSUMER = [
    ...SUBPATHS.map(({ subpath }, i) => `import m${i} = require('${specifier(subpath)}');`),
    IS_ANY,
    uses,
  ].join('\n');

  /**
   * A strict consumer of one kind: every declaration file is checked (no
   * skipLibCheck), so an import in our .d.ts/.d.cts that does not resolve is
   * an error. One program per kind: a program with both would see two
   * `ShareButton` classes (the ESM and the CommonJS copy, as at run time)
   * declared for the same tag in the global HTMLElementTagNameMap.
   */
  const tsconfig = (file: string, skipLibCheck: boolean) =>
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        // the share button's types extend HTMLElement
        lib: ['es2022', 'dom', 'dom.iterable'],
        types: [],
        strict: true,
        noEmit: true,
        skipLibCheck,
      },
      files: [file],
    });

  /** `tsc -p <config>` in the project: the error lines in our files (not a dependency's). */
  async function typecheck(config: string): Promise<string[]> {
    const result = await project.run('node', [TSC, '-p', config], 180_000);
    const errors = result.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
    if (result.code !== 0 && errors.length === 0) {
      throw new Error(`tsc failed without diagnostics:\n${result.stdout}\n${result.stderr}`);
    }
    // Errors inside a third-party package's declarations are that package's
    // business (real consumers mostly skipLibCheck); ours must be none.
    return errors.filter((line) => !/node_modules\/(?!@medvault\/)/.test(line.split('(')[0]!));
  }

  /** Type-checks consumer.mts and consumer.cts (each its own program, at the same time). */
  const typecheckBoth = (quick: boolean) => {
    const suffix = quick ? '.quick' : '';
    return Promise.all([
      typecheck(`tsconfig.esm${suffix}.json`),
      typecheck(`tsconfig.cjs${suffix}.json`),
    ]);
  };

  beforeAll(async () => {
    const files = { esm: 'consumer.mts', cjs: 'consumer.cts' };
    await writeFile(join(project.dir, files.esm), `${ESM_CONSUMER}\n`);
    await writeFile(join(project.dir, files.cjs), `${CJS_CONSUMER}\n`);
    for (const [kind, file] of Object.entries(files)) {
      await writeFile(join(project.dir, `tsconfig.${kind}.json`), tsconfig(file, false));
      await writeFile(join(project.dir, `tsconfig.${kind}.quick.json`), tsconfig(file, true));
    }
  });

  test('an .mts importing and a .cts requiring every subpath type-check', async () => {
    const [esm, cjs] = await typecheckBoth(false);
    expect(esm).toEqual([]);
    expect(cjs).toEqual([]);
  }, 240_000);

  test('the check fails when a subpath has no types (for import or for require)', async () => {
    const dist = join(project.dir, 'node_modules/@medvault/core/dist/ledger-host');
    const moved = ['index.d.ts', 'index.d.cts'];
    for (const f of moved) await rename(join(dist, f), join(dist, `${f}.away`));
    try {
      const [esm, cjs] = await typecheckBoth(true);
      expect(esm.join('\n')).toMatch(/^consumer\.mts\(.*@medvault\/core\/ledger-host/m);
      expect(cjs.join('\n')).toMatch(/^consumer\.cts\(.*@medvault\/core\/ledger-host/m);
    } finally {
      for (const f of moved) await rename(join(dist, `${f}.away`), join(dist, f));
    }
  }, 240_000);
});

describe('the medvault CLI from @medvault/node', () => {
  const dist = () => join(project.dir, 'node_modules/@medvault/node/dist');

  test('@medvault/node/services and /http load from the tarball, with types', async () => {
    const check = `const s = await import('@medvault/node/services');
      const h = await import('@medvault/node/http');
      for (const f of [s.startLedgerHost, s.startProxy, s.startBlobService, s.startDevChain, h.startHttpService])
        if (typeof f !== 'function') throw new Error('missing export');`;
    const loaded = await project.run('node', ['--input-type=module', '-e', check]);
    expect(loaded.code, loaded.stderr).toBe(0);
    for (const types of ['services/index.d.ts', 'http/index.d.ts']) {
      const text = await readFile(join(dist(), types), 'utf8');
      expect(text).toMatch(/export \{/);
    }
  });

  test('npx medvault --help prints the usage', async () => {
    const result = await project.run('npx', ['--no-install', 'medvault', '--help']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^usage: medvault <command>/);
  });

  test("--help loads only the CLI's own files and @medvault/core/errors: no dependency is imported before a command runs", async () => {
    // What `medvault --help` evaluates: bin.js and the modules it imports
    // statically, transitively. Commands and @medvault/core load on demand.
    const seen = new Set<string>();
    const bare: string[] = [];
    const visit = async (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = await readFile(join(dist(), file), 'utf8');
      for (const [, spec] of code.matchAll(
        /^\s*import\s+(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm,
      )) {
        if (spec?.startsWith('./')) await visit(spec.slice(2));
        else if (!spec?.startsWith('node:') && spec !== '@medvault/core/errors')
          bare.push(`${file} imports ${spec}`);
      }
    };
    await visit('bin.js');
    expect(bare).toEqual([]);
    expect(seen.size).toBeGreaterThan(1); // bin.js reaches main's chunk
  });

  test('keygen, seal and open work from the installed package', async () => {
    const work = join(project.dir, 'work');
    await mkdir(work);
    const plaintext = Buffer.alloc(2 * 1024 * 1024 + 5, 'scan ');
    await writeFile(join(work, 'scan.dcm'), plaintext);
    const bin = join(project.dir, 'node_modules/.bin/medvault');
    const key = await project.run(bin, ['keygen', '--out', join(work, 'p.key')]);
    expect(key.code, key.stderr).toBe(0);
    const sealed = await project.run(bin, [
      'seal',
      '--to',
      key.stdout.trim(),
      join(work, 'scan.dcm'),
      '--out',
      join(work, 'blobs'),
    ]);
    expect(sealed.code, sealed.stderr).toBe(0);
    const cid = sealed.stdout.trim();
    expect(cid).toMatch(/^bafybei/);
    const opened = await project.run('sh', [
      '-c',
      `'${bin}' open ${cid} --key '${join(work, 'p.key')}' --store '${join(work, 'blobs')}' > '${join(work, 'out.dcm')}'`,
    ]);
    expect(opened.code, opened.stderr).toBe(0);
    expect((await readFile(join(work, 'out.dcm'))).equals(plaintext)).toBe(true);
  });
});
