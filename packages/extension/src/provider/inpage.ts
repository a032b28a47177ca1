/**
 * The main-world provider: `window.medvault`, with an EIP-1193-shaped
 * `request({ method, params })`, announced EIP-6963-style so pages find it
 * however their scripts race the injection. It holds nothing and decides
 * nothing: every request goes to the background through the content script.
 */
import { ANNOUNCE_EVENT, REQUEST_EVENT, TO_COURIER, TO_PROVIDER } from '../shared/channel.js';

type RequestArguments = { method: string; params?: unknown[] | undefined };
type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** An error as EIP-1193 describes it. */
class ProviderRpcError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }
  override get name() {
    return 'ProviderRpcError';
  }
}

const pending = new Map<string, Pending>();
const origin = window.location.origin;

window.addEventListener('message', (event: MessageEvent) => {
  if (event.source !== window || event.data?.tag !== TO_PROVIDER) return;
  const { id, result, error } = event.data.message ?? {};
  const waiting = pending.get(id);
  if (!waiting) return;
  pending.delete(id);
  if (error) waiting.reject(new ProviderRpcError(error.code, error.message, error.data));
  else waiting.resolve(result);
});

const provider = Object.freeze({
  isMedVault: true,
  /** Sends one request to the wallet; resolves with its result or rejects with a `ProviderRpcError`. */
  request(args: RequestArguments): Promise<unknown> {
    if (typeof args !== 'object' || args === null || typeof args.method !== 'string') {
      return Promise.reject(
        new ProviderRpcError(-32602, 'request expects { method: string, params?: unknown[] }'),
      );
    }
    const id = crypto.randomUUID();
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      window.postMessage(
        { tag: TO_COURIER, request: { id, method: args.method, params: args.params } },
        origin,
      );
    });
  },
});

const info = Object.freeze({
  uuid: crypto.randomUUID(),
  name: 'MedVault',
  rdns: 'org.medvault.wallet',
  icon: `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#0f766e"/><path d="M16 6l8 3v6c0 5-3.4 9.3-8 11-4.6-1.7-8-6-8-11V9z" fill="#fff"/><path d="M15 11h2v4h4v2h-4v4h-2v-4h-4v-2h4z" fill="#0f766e"/></svg>')}`,
});

function announce() {
  window.dispatchEvent(
    new CustomEvent(ANNOUNCE_EVENT, { detail: Object.freeze({ info, provider }) }),
  );
}

if (!('medvault' in window)) {
  Object.defineProperty(window, 'medvault', {
    value: provider,
    writable: false,
    configurable: false,
  });
}
window.addEventListener(REQUEST_EVENT, announce);
announce();
