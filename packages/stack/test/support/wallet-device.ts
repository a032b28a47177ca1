/**
 * A wallet as the extension's background wires it — its own IndexedDB
 * (fake-indexeddb in Node) and ledger copy, a session, a consent queue that
 * shows nothing — for tests that drive the wallet without a browser.
 */
import 'fake-indexeddb/auto';
import { MemoryLedgerStore } from '@medvault/core/ledger';
import {
  type AuthWindow,
  ConsentQueue,
  Session,
  type Settings,
  UiHandler,
  Wallet,
  WalletDb,
} from '@medvault/extension/background';

let devices = 0;

/**
 * A new device's wallet, pointed at `settings` (not onboarded yet).
 * `authWindow` stands for the browser's sign-in window when the test
 * connects a provider (without it, the wallet cannot).
 *
 * @example
 * ```ts
 * const { wallet, ui } = await walletDevice('my-test', stackSettings(stack));
 * await ui.handle({ type: 'onboard', mnemonic, passphrase });
 * ```
 */
export async function walletDevice(
  name: string,
  settings: Settings,
  options: { authWindow?: AuthWindow } = {},
) {
  const db = await WalletDb.open(`${name}-${++devices}`);
  const session = new Session({ autoLockMs: () => 15 * 60_000 });
  const queue = new ConsentQueue({ show: () => {}, hide: () => {}, timeoutMs: () => 60_000 });
  const wallet = new Wallet({
    db,
    session,
    ledgerStore: new MemoryLedgerStore(),
    scrypt: { N: 2 ** 14, r: 1, p: 1 },
    ...(options.authWindow ? { authWindow: options.authWindow } : {}),
  });
  const ui = new UiHandler({ wallet, db, session, queue });
  await wallet.saveSettings(settings);
  return { db, wallet, ui, session };
}
