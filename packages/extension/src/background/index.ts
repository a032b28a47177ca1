/**
 * The background (service worker in Chromium, event page in Firefox): the
 * only place the patient's key exists. It wires the wallet to the browser:
 * provider ports from content scripts, messages from the wallet's pages,
 * prompt windows, auto-lock and the keep-alive while work is pending.
 */
import { IndexedDbLedgerStore } from '@medvault/core/ledger';
import browser, { type Runtime } from 'webextension-polyfill';
import { PROVIDER_PORT } from '../shared/channel.js';
import { toRpcError } from '../shared/rpc-error.js';
import type { UiReply } from '../shared/ui-schema.js';
import { ConsentQueue, type PendingPrompt } from './consent-queue.js';
import { NoOriginError } from './errors.js';
import { Notifier } from './notifier.js';
import { senderOrigin } from './origin.js';
import { ProviderHandler } from './provider-handler.js';
import { Session } from './session.js';
import { DEFAULT_SETTINGS } from './settings.js';
import { UiHandler } from './ui-handler.js';
import { Wallet } from './wallet.js';
import { WalletDb } from './wallet-db.js';

/** The alarm that looks for reads and ending shares to tell the patient of. */
const NOTIFY_ALARM = 'medvault-notify';

const ready = (async () => {
  const db = await WalletDb.open();
  const ledgerStore = await IndexedDbLedgerStore.open('medvault-ledgers');
  let settings = (await db.settings()) ?? DEFAULT_SETTINGS;
  const session = new Session({
    autoLockMs: () => settings.autoLockMinutes * 60_000,
    onChange: () => keepAlive(),
  });
  const windows = new Map<string, number>();
  const queue = new ConsentQueue({
    timeoutMs: () => settings.promptTimeoutSeconds * 1000,
    show: async (prompt: PendingPrompt) => {
      keepAlive();
      const created = await browser.windows.create({
        url: browser.runtime.getURL(`prompt.html?id=${encodeURIComponent(prompt.id)}`),
        type: 'popup',
        width: 460,
        height: 720,
        focused: true,
      });
      if (created.id !== undefined) windows.set(prompt.id, created.id);
    },
    hide: async (prompt: PendingPrompt) => {
      const id = windows.get(prompt.id);
      windows.delete(prompt.id);
      if (id !== undefined) await browser.windows.remove(id).catch(() => undefined);
      keepAlive();
    },
  });
  browser.windows.onRemoved.addListener((windowId) => {
    for (const [promptId, id] of windows) {
      if (id === windowId) {
        windows.delete(promptId);
        queue.dismissed(promptId);
      }
    }
  });
  const wallet = new Wallet({
    db,
    session,
    ledgerStore,
    // a provider's sign-in: the browser's own auth window, which ends at the
    // extension's redirect URI (https://<id>.chromiumapp.org/provider in Chromium)
    authWindow: {
      redirectUri: browser.identity.getRedirectURL('provider'),
      open: async (url) => {
        keepAlive();
        return browser.identity.launchWebAuthFlow({ url, interactive: true });
      },
    },
  });

  let onboardingOpened = false;
  const provider = new ProviderHandler({
    wallet,
    db,
    session,
    queue,
    onNotOnboarded: () => {
      if (onboardingOpened) return;
      onboardingOpened = true;
      void browser.tabs.create({ url: browser.runtime.getURL('onboarding.html') });
    },
  });
  const ui = new UiHandler({
    wallet,
    db,
    session,
    queue,
    onSettingsSaved: (saved) => {
      settings = saved;
    },
  });

  // While unlocked or while a prompt waits, keep the worker alive (an idle
  // worker is stopped after 30 s, which would drop the session mid-use);
  // auto-lock still ends the session after the patient's idle time.
  let timer: ReturnType<typeof setInterval> | undefined;
  function keepAlive() {
    const needed = session.unlocked || queue.size > 0;
    if (needed && !timer) {
      timer = setInterval(() => void browser.runtime.getPlatformInfo(), 20_000);
    } else if (!needed && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  // notifications, when the patient turned them on (dashboard → Settings)
  const notifier = new Notifier(db, {
    settings: () => wallet.settings(),
    accesses: () => wallet.accesses(),
    grants: () => wallet.grants(),
  });
  const notify = async () => {
    if (session.unlocked) await wallet.refresh().catch(() => undefined);
    for (const notice of await notifier.check()) {
      await browser.notifications.create(notice.id, {
        type: 'basic',
        iconUrl: browser.runtime.getURL('icon-128.png'),
        title: notice.title,
        message: notice.message,
      });
    }
  };
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === NOTIFY_ALARM) void notify().catch(() => undefined);
  });
  void browser.alarms.create(NOTIFY_ALARM, { periodInMinutes: 1 });
  browser.notifications.onClicked.addListener((id) => {
    void browser.notifications.clear(id);
    void browser.tabs.create({ url: browser.runtime.getURL('dashboard.html') });
  });

  return { provider, ui };
})();

browser.runtime.onConnect.addListener((port) => {
  if (port.name !== PROVIDER_PORT) return port.disconnect();
  const origin = senderOrigin(port.sender);
  port.onMessage.addListener(async (request: unknown) => {
    const id =
      typeof (request as { id?: unknown })?.id === 'string'
        ? (request as { id: string }).id
        : undefined;
    if (!id) return;
    try {
      if (!origin) throw new NoOriginError();
      const { provider } = await ready;
      const result = await provider.handle(request, origin);
      port.postMessage({ id, result });
    } catch (error) {
      port.postMessage({ id, error: toRpcError(error).toJSON() });
    }
  });
});

browser.runtime.onMessage.addListener(
  (message: unknown, sender: Runtime.MessageSender): Promise<UiReply> | undefined => {
    // only the wallet's own pages: a content script's sender URL is the web page's
    if (!sender.url?.startsWith(browser.runtime.getURL(''))) return undefined;
    return (async (): Promise<UiReply> => {
      try {
        const { ui } = await ready;
        return { ok: true, value: await ui.handle(message) };
      } catch (error) {
        const e = error as { code?: unknown; shortMessage?: string; message?: string };
        return {
          ok: false,
          error: {
            code:
              typeof e.code === 'string' || typeof e.code === 'number'
                ? String(e.code)
                : 'WALLET_ERROR',
            message: e.shortMessage ?? e.message?.split('\n')[0] ?? 'Something went wrong.',
          },
        };
      }
    })();
  },
);

browser.runtime.onInstalled.addListener(({ reason }) => {
  if (reason === 'install')
    void browser.tabs.create({ url: browser.runtime.getURL('onboarding.html') });
});
