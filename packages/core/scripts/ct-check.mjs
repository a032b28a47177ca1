#!/usr/bin/env node
// Constant-time evidence for the committed secp256k1 WebAssembly module
// (src/pre/backend/secp256k1.wasm.ts): looks for branches and memory
// addresses that depend on a secret.
//
//   node scripts/ct-check.mjs          prints the findings; exit 0 when there are none
//   node scripts/ct-check.mjs --json   the same as one JSON object
//
// How: wasm2c (Debian `wabt`) translates the module's bytes to C, which gcc
// compiles at -O0 together with wasm/ct/harness.c; valgrind's memcheck
// (Debian `valgrind`) runs it with every secret input marked undefined.
// At -O0 each wasm branch (br_if, if, br_table) stays a branch and each
// load and store computes its address in plain sight, so memcheck reports
// any that depends on a secret.
//
// WebAssembly's `select` is branch-free by definition and the engines
// compile it to a conditional move (V8's Liftoff and TurboFan on x64 and
// arm64), but gcc -O0 compiles wasm2c's `c ? a : b` to a branch. So the
// module is checked twice: with every select rewritten to mask arithmetic
// (the verdict: no finding allowed), and as is, to count the selects that
// take a secret condition (reported, not a failure).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const harness = join(here, '../wasm/ct/harness.c');
const generated = join(here, '../src/pre/backend/secp256k1.wasm.ts');
const WASM_RT = ['/usr/share/wabt/wasm2c', '/usr/src/wasm2c'];

/** The tools this check needs, each with the Debian package that brings it. */
export const TOOLS = [
  { tool: 'wasm2c', args: ['--version'], package: 'wabt' },
  { tool: 'wasm-objdump', args: ['--version'], package: 'wabt' },
  { tool: 'valgrind', args: ['--version'], package: 'valgrind' },
  { tool: 'gcc', args: ['--version'], package: 'gcc' },
];

/** The tools that are missing, as Debian package names (empty when all are there). */
export function missingTools() {
  const missing = TOOLS.filter(({ tool, args }) => {
    const probe = spawnSync(tool, args, { encoding: 'utf8' });
    return probe.error || probe.status !== 0;
  }).map((t) => t.package);
  const runtime = WASM_RT.find(
    (d) => spawnSync('test', ['-f', join(d, 'wasm-rt-impl.c')]).status === 0,
  );
  if (!runtime && !missing.includes('wabt')) missing.push('wabt');
  if (spawnSync('test', ['-f', '/usr/include/valgrind/memcheck.h']).status !== 0) {
    if (!missing.includes('valgrind')) missing.push('valgrind');
  }
  return missing;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.error) throw result.error;
  return result;
}

function must(command, args, options) {
  const result = run(command, args, options);
  if (result.status !== 0) throw new Error(`${command} failed:\n${result.stderr}`);
  return result;
}

/** The committed module's bytes. */
export function committedWasm() {
  const match = /SECP256K1_WASM_BASE64 =\s*'([A-Za-z0-9+/=]+)'/.exec(
    readFileSync(generated, 'utf8'),
  );
  if (!match) throw new Error(`no module in ${generated}`);
  return Buffer.from(match[1], 'base64');
}

const SELECT = /^(\s*)(w2c_\w+) = (w2c_\w+) \? (w2c_\w+) : (w2c_\w+);$/;

/** wasm2c's select `r = c ? a : b;` as mask arithmetic (integers), so gcc -O0 emits no branch. */
function branchFreeSelects(source) {
  let count = 0;
  const lines = source.split('\n').map((line) => {
    const m = SELECT.exec(line);
    if (!m) return line;
    count += 1;
    const [, indent, r, c, a, b] = m;
    return `${indent}${r} = CT_SELECT(${c}, ${a}, ${b});`;
  });
  // one mask, computed once: gcc -O0 turns ~-(c != 0) back into a branch
  const macro =
    '#define CT_SELECT(c, a, b) ({ __typeof__(a) ct_m = -(__typeof__(a))((c) != 0); ((a) & ct_m) | ((b) & ~ct_m); })\n';
  return { source: macro + lines.join('\n'), count };
}

/** memcheck's errors: kind and the wasm2c function and line each points at. */
function findings(log, source, file) {
  const lines = source.split('\n');
  const out = [];
  const blocks = log.split(/\n==\d+== \n/);
  for (const block of blocks) {
    const kind =
      /(Conditional jump or move depends on uninitialised value\(s\)|Use of uninitialised value of size \d+|Syscall param [^\n]+)/.exec(
        block,
      )?.[1];
    if (!kind) continue;
    const at = new RegExp(`${file.replace('.', '\\.')}:(\\d+)\\)`).exec(block);
    const fn = new RegExp(`at 0x[0-9A-F]+: (\\w+) \\(${file.replace('.', '\\.')}`).exec(block)?.[1];
    const line = at ? Number(at[1]) : undefined;
    out.push({ kind, function: fn, line, code: line ? lines[line - 1]?.trim() : undefined });
  }
  return out;
}

function compileAndRun(dir, runtime, name, source) {
  writeFileSync(join(dir, `${name}.c`), source);
  const binary = join(dir, name);
  must('gcc', [
    '-O0',
    '-g',
    '-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0',
    '-I',
    dir,
    '-I',
    runtime,
    '-o',
    binary,
    join(dir, 'harness.c'),
    join(dir, `${name}.c`),
    join(runtime, 'wasm-rt-impl.c'),
    '-lm',
  ]);
  const result = run('valgrind', [
    '--tool=memcheck',
    '--error-limit=no',
    '--track-origins=no',
    '--show-error-list=no',
    binary,
  ]);
  if (!/checksum/.test(result.stdout))
    throw new Error(`the harness did not finish:\n${result.stderr}`);
  const errors = Number(/ERROR SUMMARY: (\d+) errors/.exec(result.stderr)?.[1] ?? Number.NaN);
  return {
    errors,
    findings: findings(result.stderr, source, `${name}.c`),
    stdout: result.stdout.trim(),
  };
}

/** Exported function name → function index, from wasm-objdump's section details. */
function exportedFunctions(wasmPath) {
  const details = must('wasm-objdump', ['-x', '-j', 'Export', wasmPath]).stdout;
  const map = new Map();
  for (const m of details.matchAll(/- func\[(\d+)\] <[^>]*> -> "([^"]+)"/g))
    map.set(m[2], Number(m[1]));
  return map;
}

/** Selects per function index, from wasm-objdump's disassembly. */
function selectsPerFunction(wasmPath) {
  const listing = must('wasm-objdump', ['-d', wasmPath]).stdout;
  const counts = new Map();
  let current;
  for (const line of listing.split('\n')) {
    const head = /^[0-9a-f]+ func\[(\d+)\]/.exec(line);
    if (head) current = Number(head[1]);
    else if (current !== undefined && / select\b/.test(line)) {
      counts.set(current, (counts.get(current) ?? 0) + 1);
    }
  }
  return counts;
}

// Runs the secret paths in Node with V8's disassembler on, so each function
// is compiled by the tier `flags` select, and counts its cmov instructions.
const ENGINE_RUN = `
const x = new WebAssembly.Instance(new WebAssembly.Module(require('fs').readFileSync(process.argv[1]))).exports;
const io = x.mv_io(), b = () => new Uint8Array(x.memory.buffer);
const G = Buffer.from('79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8', 'hex');
const point = (at) => { b().set(G, at); b().fill(0, at + 64, at + 96); b()[at + 95] = 1; };
for (let i = 0; i < 3; i++) {
  b().fill(7, io, io + 32); point(io + 32); x.mv_mul_secret();
  const heap = x.mv_reserve(256); b().fill(9, heap, heap + 32); point(heap + 32);
  b().fill(3, heap + 128, heap + 160); point(heap + 160); x.mv_mul_secret_sum(2);
  point(io); x.mv_normalize();
  b().fill(5, io, io + 96); x.mv_ecdsa_sign();
}`;

function cmovsPerFunction(wasmPath, flags) {
  const out = must(process.execPath, [
    '--print-wasm-code',
    ...flags,
    '-e',
    ENGINE_RUN,
    wasmPath,
  ]).stdout;
  // a function may be printed more than once (compiled again): keep the largest listing
  const counts = new Map();
  let current;
  let inListing = 0;
  const close = () => {
    if (current !== undefined) counts.set(current, Math.max(counts.get(current) ?? 0, inListing));
  };
  for (const line of out.split('\n')) {
    const head = /^name: (?:wasm-function\[(\d+)\])?/.exec(line);
    if (head) {
      close();
      current = head[1] === undefined ? undefined : Number(head[1]);
      inListing = 0;
    } else if (/\bcmov/.test(line)) inListing += 1;
  }
  close();
  return counts;
}

/**
 * How this Node's V8 compiles the selects that take a secret condition:
 * for each function holding one, its selects and the conditional moves
 * Liftoff (baseline) and TurboFan (optimizing) emit for it.
 */
function engineCheck(wasmPath, functions) {
  const selects = selectsPerFunction(wasmPath);
  const liftoff = cmovsPerFunction(wasmPath, ['--liftoff', '--no-wasm-tier-up']);
  const turbofan = cmovsPerFunction(wasmPath, ['--no-liftoff']);
  return [...functions]
    .sort((a, b) => a - b)
    .map((index) => ({
      function: index,
      selects: selects.get(index) ?? 0,
      liftoffCmovs: liftoff.get(index) ?? 0,
      turbofanCmovs: turbofan.get(index) ?? 0,
    }));
}

/** Runs the check; returns its findings. Throws if a tool is missing. */
export function ctCheck() {
  const missing = missingTools();
  if (missing.length) throw new Error(`missing: apt-get install -y ${missing.join(' ')}`);
  const runtime = WASM_RT.find(
    (d) => spawnSync('test', ['-f', join(d, 'wasm-rt-impl.c')]).status === 0,
  );
  const dir = mkdtempSync(join(tmpdir(), 'medvault-ct-'));
  try {
    writeFileSync(join(dir, 'secp256k1.wasm'), committedWasm());
    must('wasm2c', [join(dir, 'secp256k1.wasm'), '-o', join(dir, 'secp256k1.c')]);
    writeFileSync(join(dir, 'harness.c'), readFileSync(harness, 'utf8'));
    const translated = readFileSync(join(dir, 'secp256k1.c'), 'utf8');
    const rewritten = branchFreeSelects(translated);
    const strict = compileAndRun(dir, runtime, 'secp256k1-ct', rewritten.source);
    const asIs = compileAndRun(dir, runtime, 'secp256k1', translated);
    const secret = asIs.findings.filter((f) => f.code && SELECT.test(f.code));
    const selectSites = new Set(secret.map((f) => `${f.function}:${f.line}`));
    const exported = exportedFunctions(join(dir, 'secp256k1.wasm'));
    const functions = new Set(
      secret.map((f) => {
        const name = f.function ?? '';
        const index = /^w2c_f(\d+)$/.exec(name)?.[1];
        return index === undefined
          ? (exported.get(name.replace(/^w2c_/, '')) ?? Number.NaN)
          : Number(index);
      }),
    );
    const engine = engineCheck(join(dir, 'secp256k1.wasm'), functions);
    return {
      selects: rewritten.count,
      secretSelects: selectSites.size,
      engine,
      findings: strict.findings,
      errors: strict.errors,
      harness: strict.stdout,
      sameResults: strict.stdout === asIs.stdout,
      node: process.version,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether the check passed: no finding, and every select with a secret condition a cmov in V8. */
export function passed(result) {
  const selectsAsCmov = result.engine.every(
    (f) => !Number.isNaN(f.function) && f.liftoffCmovs >= f.selects && f.turbofanCmovs >= f.selects,
  );
  return result.errors === 0 && result.sameResults && selectsAsCmov;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = ctCheck();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`harness: ${result.harness}`);
    console.log(
      `secret-dependent branches or memory addresses: ${result.errors} (memcheck, every select made branch-free)`,
    );
    for (const f of result.findings)
      console.log(`  ${f.kind} in ${f.function} line ${f.line}: ${f.code}`);
    console.log(
      `selects with a secret condition: ${result.secretSelects} of the module's ${result.selects}, in functions ${result.engine.map((f) => f.function).join(', ')}`,
    );
    for (const f of result.engine) {
      console.log(
        `  function ${f.function}: ${f.selects} selects; V8 (Node ${result.node}) emits ${f.liftoffCmovs} cmov in Liftoff, ${f.turbofanCmovs} in TurboFan`,
      );
    }
    console.log(passed(result) ? 'constant-time check: passed' : 'constant-time check: FAILED');
  }
  process.exit(passed(result) ? 0 : 1);
}
