/**
 * `scripts/check-imports.mjs` (run by `npm run lint`) refuses a relative
 * import that leaves its package and an `@medvault/*` import the package does
 * not declare — shown on a small repository made for the test, and the real
 * repository passes it.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { REPO_ROOT } from './pack-harness.js';

/** Runs the checker (as lint does) over `tree`: the lines it printed; none when it passed. */
function check(tree: string): string[] {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/check-imports.mjs'), tree], {
    encoding: 'utf8',
  });
  const lines = run.stderr
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^check-imports: /, ''));
  expect(run.status).toBe(lines.length > 0 ? 1 : 0);
  return lines;
}
let root: string;

async function put(path: string, text: string) {
  await mkdir(join(root, path, '..'), { recursive: true });
  await writeFile(join(root, path), text);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'medvault-imports-'));
  await put('packages/a/package.json', JSON.stringify({ name: '@medvault/a' }));
  await put(
    'packages/b/package.json',
    JSON.stringify({ name: '@medvault/b', devDependencies: { '@medvault/a': '0.1.0' } }),
  );
  await put('packages/a/src/x.ts', "export const x = 1;\nimport { y } from './y.js';\n");
  await put('packages/a/src/y.ts', 'export const y = 2;\n');
  await put('packages/b/src/ok.ts', "import { x } from '@medvault/a';\nexport { x };\n");
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

test('a clean tree passes, and so does this repository', () => {
  expect(check(root)).toEqual([]);
  expect(check(REPO_ROOT)).toEqual([]);
});

test('a relative import into another package fails, static or dynamic, on one line or several', async () => {
  await put(
    'packages/b/src/bad.ts',
    "import {\n  x,\n} from '../../a/src/x.js';\nconst later = await import('../../a/src/y.js');\nexport { later, x };\n",
  );
  try {
    const problems = check(root);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^packages\/b\/src\/bad\.ts: imports \.\.\/\.\.\/a\/src\/x\.js, a file of another package/,
    );
    expect(problems[1]).toMatch(/imports \.\.\/\.\.\/a\/src\/y\.js/);
  } finally {
    await rm(join(root, 'packages/b/src/bad.ts'));
  }
});

test('an @medvault import the package does not declare fails', async () => {
  await put('packages/a/src/up.ts', "export { ok } from '@medvault/b';\n");
  try {
    expect(check(root)).toEqual([
      'packages/a/src/up.ts: imports @medvault/b, but packages/a/package.json does not declare @medvault/b',
    ]);
  } finally {
    await rm(join(root, 'packages/a/src/up.ts'));
  }
});

test('capability folders of core that import each other in a cycle fail', async () => {
  await put('packages/core/package.json', JSON.stringify({ name: '@medvault/core' }));
  await put(
    'packages/core/src/envelope/seal.ts',
    "import { put } from '../storage/put.js';\nexport { put };\n",
  );
  await put('packages/core/src/storage/put.ts', 'export const put = 1;\n');
  expect(check(root)).toEqual([]);
  await put('packages/core/src/storage/tap.ts', "export { put } from '../envelope/seal.js';\n");
  // tests may go the other way: they are not part of the graph
  await put('packages/core/src/storage/put.test.ts', "import '../envelope/seal.js';\n");
  try {
    expect(check(root)).toEqual([
      'packages/core/src: its folders import each other in a cycle: envelope -> storage -> envelope',
    ]);
  } finally {
    await rm(join(root, 'packages/core/src/storage/tap.ts'));
  }
  expect(check(root)).toEqual([]);
});
