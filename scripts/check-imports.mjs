#!/usr/bin/env node
/**
 * The package graph is the import graph: a package imports another only by
 * name (never by a relative path into its files), and only a package its
 * package.json declares (dependencies, devDependencies or peerDependencies).
 * Run by `npm run lint`; `node scripts/check-imports.mjs [ROOT]` prints one
 * line per violation and exits 1 when there is any.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIP = new Set(['node_modules', 'dist', 'artifacts', 'coverage']);
/** import … from 'x', export … from 'x', import 'x', import('x') */
const SPECIFIERS =
  /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/**
 * Cycles among the capability folders of `packages/core/src` (their
 * non-test sources), each as `a -> b -> a`.
 */
function coreFolderCycles(root) {
  const src = join(root, 'packages/core/src');
  if (!existsSync(src)) return [];
  const folders = readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory());
  const edges = new Map();
  for (const { name } of folders) {
    const targets = new Set();
    for (const file of sourceFiles(join(src, name))) {
      if (/\.(test|bench)\.[cm]?[jt]sx?$/.test(file)) continue;
      for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIERS)) {
        const spec = match[1] ?? match[2] ?? match[3];
        const to = spec?.match(/^\.\.\/([^/]+)\//)?.[1];
        if (to && to !== name) targets.add(to);
      }
    }
    edges.set(name, targets);
  }
  const cycles = [];
  const state = new Map(); // 1 visiting, 2 done
  const visit = (node, path) => {
    if (state.get(node) === 2) return;
    if (state.get(node) === 1) {
      cycles.push([...path.slice(path.indexOf(node)), node].join(' -> '));
      return;
    }
    state.set(node, 1);
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, 2);
  };
  for (const node of edges.keys()) visit(node, []);
  return cycles;
}

/** The violations under `root`/packages, as lines `file: problem`. */
export function checkImports(root) {
  const packagesDir = join(root, 'packages');
  const problems = [];
  for (const name of readdirSync(packagesDir)) {
    const dir = join(packagesDir, name);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const declared = new Set(
      ['dependencies', 'devDependencies', 'peerDependencies'].flatMap((field) =>
        Object.keys(manifest[field] ?? {}),
      ),
    );
    for (const file of sourceFiles(dir)) {
      const text = readFileSync(file, 'utf8');
      const shown = relative(root, file);
      for (const match of text.matchAll(SPECIFIERS)) {
        const spec = match[1] ?? match[2] ?? match[3];
        if (!spec) continue;
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (target !== dir && !target.startsWith(dir + sep)) {
            problems.push(
              `${shown}: imports ${spec}, a file of another package: import it by name, declared in ${relative(root, manifestPath)}`,
            );
          }
          continue;
        }
        const scoped = spec.match(/^(@medvault\/[^/]+)/);
        if (scoped && scoped[1] !== manifest.name && !declared.has(scoped[1])) {
          problems.push(
            `${shown}: imports ${spec}, but ${relative(root, manifestPath)} does not declare ${scoped[1]}`,
          );
        }
      }
    }
  }
  for (const cycle of coreFolderCycles(root)) {
    problems.push(`packages/core/src: its folders import each other in a cycle: ${cycle}`);
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = checkImports(root);
  for (const line of problems) process.stderr.write(`check-imports: ${line}\n`);
  process.exit(problems.length > 0 ? 1 : 0);
}
