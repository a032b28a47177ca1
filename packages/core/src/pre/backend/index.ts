/**
 * Which curve backend runs the PRE layer's group operations, and how it is
 * chosen (docs/spec/pre.md §12, docs/guides/pre-backend.md).
 *
 * At import the WASM module (libsecp256k1, ./secp256k1.wasm.ts) is compiled
 * — synchronously in Node and in workers, asynchronously on a browser's
 * main thread, which refuses large synchronous compiles — and must pass a
 * known-answer self-test. Until then, and for good if anything fails (no
 * WebAssembly, a page CSP without 'wasm-unsafe-eval', a failed self-test,
 * an error inside the module later on), @noble/curves does the work with
 * identical results. A fallback is reported once, through
 * `onPreBackendFallback`.
 */
import type { CurveBackend } from '../curve.js';
import { nobleBackend } from './noble.js';
import { SECP256K1_WASM_BASE64 } from './secp256k1.wasm.js';
import { selfTest } from './self-test.js';
import { createWasmBackend } from './wasm.js';

/**
 * The backends: libsecp256k1 in WebAssembly, or @noble/curves.
 *
 * @example
 * ```ts
 * const name: PreBackendName = getPreBackend(); // 'wasm' | 'noble'
 * ```
 */
export type PreBackendName = 'wasm' | 'noble';

/**
 * Why the PRE layer runs on @noble/curves instead of WebAssembly: what
 * `onPreBackendFallback` listeners receive.
 *
 * @example
 * ```ts
 * onPreBackendFallback((event: PreBackendFallback) => {
 *   if (event.reason === 'compile') console.warn('allow wasm-unsafe-eval for faster PRE', event.error);
 * });
 * ```
 */
export type PreBackendFallback = {
  /**
   * - `forced`: `MEDVAULT_PRE_BACKEND=noble` in the environment (tests);
   * - `unavailable`: this runtime has no WebAssembly;
   * - `compile`: compiling or instantiating the module failed (e.g. a page
   *   CSP without 'wasm-unsafe-eval');
   * - `self-test`: the module gave a wrong known answer;
   * - `runtime`: the module failed during an operation (the operation was
   *   repeated on @noble/curves).
   */
  reason: 'forced' | 'unavailable' | 'compile' | 'self-test' | 'runtime';
  /** What failed, when something did. */
  error?: unknown;
};

type Listener = (event: PreBackendFallback) => void;

let active: CurveBackend = nobleBackend;
let loadedWasm: CurveBackend | undefined;
let fallback: PreBackendFallback | undefined;
const listeners = new Set<Listener>();

function fallBack(event: PreBackendFallback): void {
  active = nobleBackend;
  if (fallback) return;
  fallback = event;
  for (const listener of listeners) deliver(listener, event);
}

function deliver(listener: Listener, event: PreBackendFallback): void {
  listeners.delete(listener);
  try {
    listener(event);
  } catch {
    // a listener's failure is its own; the fallback stands
  }
}

/**
 * @internal Runs `op` on the active backend. If the WASM backend throws
 * (it never does for input curve.ts has checked, so this is a failure of
 * the module), it is dropped for good and `op` runs again on noble.
 */
export function runOnBackend<T>(op: (backend: CurveBackend) => T): T {
  const backend = active;
  if (backend === nobleBackend) return op(backend);
  try {
    return op(backend);
  } catch (error) {
    fallBack({ reason: 'runtime', error });
    return op(nobleBackend);
  }
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Node, Deno, Bun and workers may compile synchronously; a browser's main thread may not. */
function maySyncCompile(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; document?: unknown };
  return g.process?.versions?.node !== undefined || g.document === undefined;
}

function forcedBackend(): string | undefined {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return g.process?.env?.MEDVAULT_PRE_BACKEND;
}

function adopt(instance: WebAssembly.Instance): void {
  let backend: CurveBackend;
  try {
    backend = createWasmBackend(instance);
  } catch (error) {
    fallBack({ reason: 'compile', error });
    return;
  }
  const problem = selfTest(backend);
  if (problem) {
    fallBack({ reason: 'self-test', error: problem });
    return;
  }
  loadedWasm = backend;
  if (!fallback) active = backend;
}

function load(): Promise<PreBackendName> {
  if (forcedBackend() === 'noble') {
    fallBack({ reason: 'forced' });
    return Promise.resolve('noble');
  }
  if (typeof WebAssembly !== 'object') {
    fallBack({ reason: 'unavailable' });
    return Promise.resolve('noble');
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = decodeBase64(SECP256K1_WASM_BASE64);
    if (maySyncCompile()) {
      adopt(new WebAssembly.Instance(new WebAssembly.Module(bytes), {}));
      return Promise.resolve(active.name);
    }
  } catch (error) {
    fallBack({ reason: 'compile', error });
    return Promise.resolve('noble');
  }
  return WebAssembly.instantiate(bytes, {}).then(
    ({ instance }) => {
      adopt(instance);
      return active.name;
    },
    (error: unknown) => {
      fallBack({ reason: 'compile', error });
      return 'noble' as const;
    },
  );
}

const ready = load();

/**
 * The backend running PRE's group operations now: `'wasm'` (libsecp256k1)
 * or `'noble'` (@noble/curves, the fallback; also while a browser still
 * compiles the module).
 *
 * @example
 * ```ts
 * import { getPreBackend } from '@medvault/core/pre';
 * console.log(getPreBackend()); // 'wasm' in Node
 * ```
 */
export function getPreBackend(): PreBackendName {
  return active.name;
}

/**
 * Resolves once the backend is settled: at once in Node; in a browser
 * when the module is compiled and self-tested, or has failed. Every PRE
 * operation works before that (on noble, with the same results); await
 * this to have the fast path from the first operation.
 *
 * @example
 * ```ts
 * import { preBackendReady } from '@medvault/core/pre';
 * await preBackendReady(); // 'wasm', or 'noble' on a page that forbids WebAssembly
 * ```
 */
export function preBackendReady(): Promise<PreBackendName> {
  return ready;
}

/**
 * Calls `listener` once if PRE falls back to @noble/curves — at once
 * (in a microtask) if it already has. Results never change; only speed does.
 * Returns a function that removes the listener.
 *
 * @example
 * ```ts
 * import { onPreBackendFallback } from '@medvault/core/pre';
 * onPreBackendFallback(({ reason, error }) => console.warn(`PRE runs on JavaScript (${reason})`, error));
 * ```
 */
export function onPreBackendFallback(listener: Listener): () => void {
  listeners.add(listener);
  const event = fallback;
  if (event) {
    queueMicrotask(() => {
      if (listeners.has(listener)) deliver(listener, event);
    });
  }
  return () => {
    listeners.delete(listener);
  };
}

/**
 * @internal For tests: the WASM backend if it loaded and passed its
 * self-test, and the noble backend.
 */
export function loadedBackends(): { wasm: CurveBackend | undefined; noble: CurveBackend } {
  return { wasm: loadedWasm, noble: nobleBackend };
}

/**
 * @internal For tests only: runs this module's PRE operations on `backend`
 * (a name, or a backend object to inject a fault) until called again.
 * Test files run in their own module graph, so this does not leak into
 * other files. Throws if `'wasm'` did not load.
 */
export function usePreBackendForTests(backend: PreBackendName | CurveBackend): void {
  if (typeof backend !== 'string') {
    active = backend;
    return;
  }
  if (backend === 'wasm' && !loadedWasm) throw new Error('the WASM backend did not load');
  active = backend === 'wasm' ? (loadedWasm as CurveBackend) : nobleBackend;
}
