/**
 * Finding the MedVault wallet from a page, EIP-6963 style: the extension
 * dispatches `medvault:announceProvider` on `window` when it injects its
 * provider and again whenever the page dispatches `medvault:requestProvider`.
 * Asking and listening (rather than reading `window.medvault`) finds the
 * wallet however the page's scripts and the injection race.
 *
 * One listener serves every button on the page; the first MedVault
 * announcement wins.
 */

/** Event the wallet dispatches on `window` to announce itself. */
export const ANNOUNCE_EVENT = 'medvault:announceProvider';
/** Event a page dispatches on `window` to ask the wallet to announce itself. */
export const REQUEST_EVENT = 'medvault:requestProvider';
/** The `info.rdns` MedVault announces with. */
export const MEDVAULT_RDNS = 'org.medvault.wallet';
/**
 * How long a button waits for an announcement before it shows "no
 * extension". The extension injects at document_start, so it normally
 * answers synchronously; the wait covers injections that run later, and a
 * late announcement still turns the button ready.
 */
export const DISCOVERY_TIMEOUT_MS = 800;

/** The EIP-1193-shaped provider the wallet injects. */
export type MedVaultProvider = {
  /** Sends one request to the wallet (EIP-1193 shape); rejects with `{ code, message }`. */
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
};

/** What the wallet's announcement carries (EIP-6963's provider detail). */
export type WalletAnnouncement = {
  info: { uuid: string; name: string; rdns: string; icon: string };
  provider: MedVaultProvider;
};

let found: MedVaultProvider | undefined;
let listening = false;
const waiters = new Set<(provider: MedVaultProvider) => void>();

function isMedVault(detail: unknown): detail is WalletAnnouncement {
  const d = detail as Partial<WalletAnnouncement> | null | undefined;
  return d?.info?.rdns === MEDVAULT_RDNS && typeof d.provider?.request === 'function';
}

function onAnnounce(event: Event): void {
  const { detail } = event as CustomEvent<unknown>;
  if (found || !isMedVault(detail)) return;
  found = detail.provider;
  for (const waiter of [...waiters]) waiter(found);
  waiters.clear();
}

/**
 * The wallet, if it has announced itself; asks it to (again) when not. The
 * extension answers within the dispatch, so a wallet that is there is found
 * by this call.
 *
 * @example
 * ```ts
 * const wallet = findWallet();
 * if (wallet) await wallet.request({ method: 'medvault_connect' });
 * ```
 */
export function findWallet(): MedVaultProvider | undefined {
  if (!listening) {
    window.addEventListener(ANNOUNCE_EVENT, onAnnounce);
    listening = true;
  }
  if (!found) window.dispatchEvent(new Event(REQUEST_EVENT));
  return found;
}

/**
 * Calls `callback` once, when the wallet announces itself (at once if it
 * already has). Returns a function that cancels the wait.
 *
 * @example
 * ```ts
 * const stop = onWalletFound((wallet) => button.hidden = false);
 * // later, if no longer interested:
 * stop();
 * ```
 */
export function onWalletFound(callback: (provider: MedVaultProvider) => void): () => void {
  const now = findWallet();
  if (now) {
    callback(now);
    return () => {};
  }
  waiters.add(callback);
  return () => waiters.delete(callback);
}

/**
 * The wallet, or undefined if none announces itself within `timeoutMs`.
 *
 * @example
 * ```ts
 * const wallet = await discoverWallet();
 * if (!wallet) showInstallHint();
 * ```
 */
export function discoverWallet(
  timeoutMs = DISCOVERY_TIMEOUT_MS,
): Promise<MedVaultProvider | undefined> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = onWalletFound((provider) => {
      clearTimeout(timer);
      resolve(provider);
    });
    if (found) return;
    timer = setTimeout(() => {
      stop();
      resolve(undefined);
    }, timeoutMs);
  });
}
