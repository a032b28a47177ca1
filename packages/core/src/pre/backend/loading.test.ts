/**
 * How the backend is chosen (./index.ts): each case imports a fresh copy
 * of the module, under stubs that stand for the runtime it would meet —
 * Node, a browser page (asynchronous compile), a page whose CSP forbids
 * WebAssembly, no WebAssembly at all, a module that fails its self-test or
 * an operation — and checks the backend, the once-only fallback report
 * and that results never change.
 */
import { bytesToHex } from '@noble/curves/utils.js';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { nobleBackend } from './noble.js';
import { SELF_TEST_ANSWERS, selfTest, selfTestResults } from './self-test.js';

type Backend = typeof import('./index.js');
type Curve = typeof import('../curve.js');

const forced = process.env.MEDVAULT_PRE_BACKEND === 'noble';

/** A fresh copy of the backend module and of curve.ts on top of it. */
async function fresh(): Promise<{ backend: Backend; curve: Curve }> {
  vi.resetModules();
  const backend = await import('./index.js');
  const curve = await import('../curve.js');
  return { backend, curve };
}

/** Fallback reports delivered to one listener within a few ticks. */
async function reports(backend: Backend) {
  const seen: unknown[] = [];
  backend.onPreBackendFallback((event) => seen.push(event));
  await backend.preBackendReady();
  await new Promise((r) => setTimeout(r, 0));
  return seen as { reason: string; error?: unknown }[];
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('the self-test', () => {
  test('its known answers are what @noble/curves computes', () => {
    expect(selfTestResults(nobleBackend)).toEqual(SELF_TEST_ANSWERS);
    expect(selfTest(nobleBackend)).toBeUndefined();
  });

  test('a backend that gets one answer wrong fails it, naming the operation', () => {
    const wrong = {
      ...nobleBackend,
      mulPublic: (p: never, k: bigint) => nobleBackend.mulPublic(p, k + 1n),
    };
    expect(selfTest(wrong)?.message).toMatch(/^self-test mulPublic: expected /);
    const throwing = {
      ...nobleBackend,
      decodePoint: () => {
        throw new RangeError('memory access out of bounds');
      },
    };
    expect(selfTest(throwing)?.message).toBe('memory access out of bounds');
  });
});

describe.skipIf(forced)('loading', () => {
  test('Node: compiled synchronously at import, self-tested, no fallback report', async () => {
    const { backend } = await fresh();
    expect(backend.getPreBackend()).toBe('wasm');
    expect(await backend.preBackendReady()).toBe('wasm');
    expect(await reports(backend)).toEqual([]);
  });

  test('a browser page: noble until the asynchronous compile settles, then WASM', async () => {
    vi.stubGlobal('process', { ...process, versions: {} });
    vi.stubGlobal('document', {});
    const compileSync = vi.spyOn(WebAssembly, 'Module');
    const { backend, curve } = await fresh();
    expect(backend.getPreBackend()).toBe('noble');
    const before = bytesToHex(curve.pointToBytes(curve.mulSecret(curve.U, 12345n)));
    expect(await backend.preBackendReady()).toBe('wasm');
    expect(backend.getPreBackend()).toBe('wasm');
    expect(bytesToHex(curve.pointToBytes(curve.mulSecret(curve.U, 12345n)))).toBe(before);
    expect(compileSync).not.toHaveBeenCalled();
    expect(await reports(backend)).toEqual([]);
  });

  test("a page whose CSP forbids WebAssembly: noble, reported once as 'compile'", async () => {
    vi.stubGlobal('process', { ...process, versions: {} });
    vi.stubGlobal('document', {});
    const refused = new WebAssembly.CompileError(
      "WebAssembly.instantiate(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source of script",
    );
    vi.spyOn(WebAssembly, 'instantiate').mockRejectedValue(refused);
    const { backend, curve } = await fresh();
    const early: unknown[] = [];
    backend.onPreBackendFallback((event) => early.push(event));
    expect(await backend.preBackendReady()).toBe('noble');
    const late = await reports(backend);
    expect(early).toEqual([{ reason: 'compile', error: refused }]);
    expect(late).toEqual([{ reason: 'compile', error: refused }]);
    expect(curve.mulSecret(curve.G, 1n).equals(curve.G)).toBe(true);
    expect(backend.getPreBackend()).toBe('noble');
  });

  test("no WebAssembly at all: noble, reported as 'unavailable'", async () => {
    vi.stubGlobal('WebAssembly', undefined);
    const { backend } = await fresh();
    expect(backend.getPreBackend()).toBe('noble');
    expect(await reports(backend)).toEqual([{ reason: 'unavailable' }]);
  });

  test("a module that fails its self-test is never used: 'self-test'", async () => {
    const realInstance = WebAssembly.Instance;
    vi.stubGlobal(
      'WebAssembly',
      Object.assign(Object.create(WebAssembly), {
        // decodes nothing: the self-test's decode answer is wrong
        Instance: class {
          readonly exports: WebAssembly.Exports;
          constructor(module: WebAssembly.Module) {
            this.exports = { ...new realInstance(module, {}).exports, mv_decode: () => 0 };
          }
        },
      }),
    );
    const { backend } = await fresh();
    expect(backend.getPreBackend()).toBe('noble');
    const [report] = await reports(backend);
    expect(report?.reason).toBe('self-test');
    expect(String(report?.error)).toMatch(/self-test decode/);
  });

  test("MEDVAULT_PRE_BACKEND=noble forces the fallback: 'forced'", async () => {
    vi.stubEnv('MEDVAULT_PRE_BACKEND', 'noble');
    const { backend } = await fresh();
    expect(backend.getPreBackend()).toBe('noble');
    expect(await reports(backend)).toEqual([{ reason: 'forced' }]);
  });

  test("a failure inside the module mid-operation: the operation is redone on noble, 'runtime' once", async () => {
    const { backend, curve } = await fresh();
    const wasm = backend.loadedBackends().wasm;
    if (!wasm) throw new Error('the WASM backend did not load');
    const trap = new WebAssembly.RuntimeError('unreachable');
    backend.usePreBackendForTests({
      ...wasm,
      mulSecret: () => {
        throw trap;
      },
    });
    const seen: unknown[] = [];
    const stop = backend.onPreBackendFallback((event) => seen.push(event));
    const expected = nobleBackend.mulSecret(curve.U, 777n);
    expect(curve.mulSecret(curve.U, 777n).equals(expected)).toBe(true);
    expect(backend.getPreBackend()).toBe('noble');
    expect(curve.mulSecret(curve.U, 778n).equals(nobleBackend.mulSecret(curve.U, 778n))).toBe(true);
    expect(seen).toEqual([{ reason: 'runtime', error: trap }]);
    stop();
  });

  test('a listener that throws does not stop the others; unsubscribed listeners hear nothing', async () => {
    vi.stubGlobal('WebAssembly', undefined);
    const { backend } = await fresh();
    const heard: string[] = [];
    backend.onPreBackendFallback(() => {
      throw new Error('listener bug');
    });
    const stop = backend.onPreBackendFallback(() => heard.push('removed'));
    stop();
    backend.onPreBackendFallback(({ reason }) => heard.push(reason));
    await new Promise((r) => setTimeout(r, 0));
    expect(heard).toEqual(['unavailable']);
  });
});
