/**
 * Advanced settings (`advanced.html`): the services this wallet uses — the
 * ledger host, where sealed records are read, the chain and its registry,
 * the relayer, the proxies and how many of them a read needs. Most patients
 * never change them; the dashboard keeps only the patient's own settings.
 */
import type { Settings } from '../background/settings.js';
import { call, WalletReplyError } from './client.js';
import { brand, h, inputValue, render, unlockForm } from './dom.js';
import { saveSettings } from './settings-form.js';

async function load() {
  try {
    await call<Settings>({ type: 'settings/get' });
  } catch (error) {
    if (error instanceof WalletReplyError && error.code === 'WALLET_LOCKED') {
      return render(
        brand('Advanced settings'),
        h(
          'main',
          { class: 'card narrow' },
          h('h1', {}, 'Unlock to change settings'),
          unlockForm(load, (passphrase) => call({ type: 'unlock', passphrase })),
        ),
      );
    }
    throw error;
  }
  render(
    brand('Advanced settings'),
    h(
      'main',
      { class: 'card narrow' },
      h('h1', {}, 'Advanced settings'),
      h(
        'p',
        { class: 'hint' },
        'The services your wallet uses. You do not need to change them unless your clinic or your IT helper tells you to. Proxies are independent services that pass your records on to the readers you choose; they cannot read them. One per line: its address, and optionally its key.',
      ),
      h('div', { id: 'settings' }, 'Loading…'),
    ),
  );
  await advancedView();
}

async function advancedView() {
  const settings = await call<Settings>({ type: 'settings/get' });
  const field = (id: string, label: string, value: string | number, type = 'text') =>
    h(
      'label',
      { class: 'field', for: id },
      h('span', {}, label),
      h('input', { id, type, value: String(value), required: true }),
    );
  const form = h(
    'form',
    {
      id: 'settings-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const proxies = inputValue('s-proxies')
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean)
          .map((line) => {
            const [url, publicKey] = line.split(/\s+/);
            const kept = settings.proxies.find((p) => p.url === url && !publicKey);
            return {
              url: url as string,
              ...(publicKey ? { publicKey } : kept?.publicKey ? { publicKey: kept.publicKey } : {}),
            };
          });
        const next = {
          ...settings,
          ledgerHost: inputValue('s-ledger-host'),
          storage: inputValue('s-storage'),
          shlHost: inputValue('s-shl-host') || undefined,
          rpcUrl: inputValue('s-rpc'),
          registry: inputValue('s-registry'),
          relayer: inputValue('s-relayer') || undefined,
          proxies,
          threshold: Number(inputValue('s-threshold')),
          fragments: inputValue('s-fragments') ? Number(inputValue('s-fragments')) : undefined,
        };
        await saveSettings(next, 'settings-saved');
      },
    },
    field('s-ledger-host', 'Ledger host', settings.ledgerHost),
    field('s-storage', 'Record storage', settings.storage ?? ''),
    field('s-shl-host', 'Link service', settings.shlHost ?? ''),
    field('s-rpc', 'Chain RPC', settings.rpcUrl),
    field('s-registry', 'Registry contract', settings.registry),
    h(
      'label',
      { class: 'field', for: 's-relayer' },
      h('span', {}, 'Relayer account'),
      h('input', { id: 's-relayer', value: settings.relayer ?? '' }),
    ),
    h(
      'label',
      { class: 'field', for: 's-proxies' },
      h('span', {}, 'Proxies'),
      h(
        'textarea',
        { id: 's-proxies', rows: 4, spellcheck: 'false' },
        settings.proxies.map((p) => `${p.url}${p.publicKey ? ` ${p.publicKey}` : ''}`).join('\n'),
      ),
    ),
    h(
      'div',
      { class: 'row' },
      field('s-threshold', 'Proxies needed per read', settings.threshold, 'number'),
      field(
        's-fragments',
        'Proxies per share (the rest stand by)',
        settings.fragments ?? settings.proxies.length,
        'number',
      ),
    ),
    h('p', { id: 'settings-saved', hidden: true }),
    h(
      'div',
      { class: 'actions' },
      h('a', { class: 'button secondary', href: 'dashboard.html' }, 'Back'),
      h('button', { type: 'submit', class: 'primary' }, 'Save settings'),
    ),
  );
  document.getElementById('settings')?.replaceWith(form);
}

void load();
