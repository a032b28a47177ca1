/**
 * The dashboard (full page, and compact as the toolbar popup): records,
 * grants with Revoke, who read what and when, the ledger's status against
 * the chain, backup of the recovery phrase (shown again, or split into
 * guardian shares), and settings.
 */

import type { ProposedRecord } from '../background/ledger-sync.js';
import type { Settings } from '../background/settings.js';
import type {
  AccessSummary,
  GrantSummary,
  LedgerStatus,
  LinkSummary,
  RecordsExport,
  RevokeResult,
} from '../background/wallet.js';
import type { Permission, StoredRecord } from '../background/wallet-db.js';
import { call } from './client.js';
import {
  categoryName,
  counted,
  describeExpiry,
  describeImported,
  describeScope,
  describeSize,
  describeTime,
  keyFingerprint,
} from './describe.js';
import { brand, h, inputValue, passphraseField, render, showError, unlockForm } from './dom.js';
import { downloadBytes } from './download.js';
import { saveSettings } from './settings-form.js';

type State = { onboarded: boolean; unlocked: boolean; publicKey?: string };
type Overview = {
  records: StoredRecord[];
  proposals: ProposedRecord[];
  grants: GrantSummary[];
  accesses: AccessSummary[];
  permissions: Permission[];
};

const compact = document.body.classList.contains('compact');

async function load() {
  const state = await call<State>({ type: 'state' });
  if (!state.onboarded) {
    return render(
      brand(),
      h(
        'main',
        { class: 'card narrow' },
        h('h1', {}, 'Welcome to MedVault'),
        h('p', {}, 'Set up your identity to receive and share medical records.'),
        h(
          'div',
          { class: 'actions' },
          h(
            'a',
            {
              class: 'button primary',
              href: 'onboarding.html',
              target: compact ? '_blank' : undefined,
            },
            'Get started',
          ),
        ),
      ),
    );
  }
  if (!state.unlocked) return lockedView();
  const overview = await call<Overview>({ type: 'dashboard' });
  render(
    topBar(state.publicKey ?? ''),
    h(
      'main',
      { class: compact ? 'stack' : 'grid' },
      section(
        'Ledger',
        h(
          'div',
          { id: 'ledger-status', class: 'status pending' },
          'Checking your ledger against the host and the chain…',
        ),
        compact
          ? null
          : h(
              'p',
              { class: 'hint' },
              'Your ledger is the signed list of everything added to your records and every share and read. Recording it on the chain fixes it in public, so nobody can quietly change it later.',
            ),
        compact
          ? null
          : h(
              'div',
              { class: 'actions' },
              h(
                'button',
                { class: 'secondary', id: 'anchor', onclick: () => void anchor() },
                'Record my ledger on the chain now',
              ),
            ),
      ),
      overview.proposals.length
        ? section(
            `Waiting for your decision (${overview.proposals.length})`,
            proposalsView(overview.proposals),
          )
        : null,
      section(`Records (${overview.records.length})`, recordsView(overview.records)),
      section(
        `Shares (${overview.grants.filter((g) => g.status === 'active').length} active)`,
        grantsView(overview.grants),
      ),
      section('Who read your records', accessesView(overview.accesses)),
      compact
        ? null
        : section(
            'Who opened your links',
            h(
              'div',
              { id: 'link-openings' },
              h('p', { class: 'hint' }, 'Asking the link service…'),
            ),
          ),
      compact ? null : section('Connected sites', permissionsView(overview.permissions)),
      compact ? null : section('Backup', backupView(), guardiansView(state.publicKey ?? '')),
      compact ? null : section('Signing key', signingKeyView()),
      compact ? null : section('Settings', h('div', { id: 'settings' }, 'Loading…')),
      compact
        ? h(
            'a',
            { class: 'button secondary', href: 'dashboard.html', target: '_blank' },
            'Open the full dashboard',
          )
        : null,
    ),
  );
  void ledgerStatus();
  if (!compact) void linkOpenings();
  if (!compact) void settingsView();
}

function topBar(publicKey: string) {
  return h(
    'div',
    { class: 'topbar' },
    brand(compact ? undefined : 'Your records'),
    h('span', { class: 'mono hint', title: 'Your key fingerprint' }, keyFingerprint(publicKey)),
    h(
      'button',
      {
        class: 'secondary small',
        id: 'lock',
        onclick: async () => {
          await call({ type: 'lock' });
          await load();
        },
      },
      'Lock',
    ),
  );
}

function section(title: string, ...body: (Node | null)[]) {
  return h('section', { class: 'card', 'aria-label': title }, h('h2', {}, title), ...body);
}

function empty(text: string) {
  return h('p', { class: 'empty' }, text);
}

/**
 * Records a provider added to your ledger without you: none counts (no
 * share covers it) until you accept it.
 */
function proposalsView(proposals: ProposedRecord[]) {
  const decide = async (seq: number, accept: boolean) => {
    try {
      await call({ type: 'proposal/decide', seq, accept });
      await load();
    } catch (error) {
      showError((error as Error).message);
    }
  };
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'hint' },
      'A provider added these to your records without you. Until you accept one, nobody you share with can see it.',
    ),
    h(
      'ul',
      { class: 'records', id: 'proposals' },
      proposals.map((p) =>
        h(
          'li',
          { 'data-seq': String(p.seq) },
          h('strong', {}, p.title ?? p.resourceType ?? 'Record'),
          h(
            'span',
            { class: 'hint' },
            ` from ${p.origin ?? 'an unknown sender'} · key ${keyFingerprint(p.author)} · ${describeTime(p.time)}`,
          ),
          h(
            'span',
            { class: 'actions' },
            h(
              'button',
              { class: 'primary small accept', onclick: () => void decide(p.seq, true) },
              'Accept',
            ),
            h(
              'button',
              { class: 'secondary small reject', onclick: () => void decide(p.seq, false) },
              'Reject',
            ),
          ),
        ),
      ),
    ),
  );
}

/** Where a record came from: the provider it was imported from, the site that sent it, or the ledger. */
function recordSource(r: StoredRecord): string {
  if (r.imported && r.origin) return describeImported({ server: r.origin, ...r.imported });
  return `${r.origin ? `From ${new URL(r.origin).host}` : 'Restored from your ledger'}, added ${describeTime(r.receivedAt)}`;
}

/** The way to the page that brings records in from a provider. */
function addFromProvider() {
  return h(
    'a',
    {
      class: 'button secondary',
      href: 'providers.html',
      id: 'add-from-provider',
      target: compact ? '_blank' : undefined,
    },
    'Add records from my provider',
  );
}

function recordsView(records: StoredRecord[]) {
  if (!records.length)
    return h(
      'div',
      {},
      empty(
        'No records yet. When a hospital sends you one, or you add them from your provider, they appear here.',
      ),
      h('div', { class: 'actions' }, addFromProvider()),
    );
  return h(
    'div',
    {},
    h(
      'ul',
      { class: 'records', id: 'records' },
      records.map((r) =>
        h(
          'li',
          {},
          h(
            'a',
            {
              class: 'title',
              href: `record.html?cid=${encodeURIComponent(r.cid)}`,
              target: compact ? '_blank' : undefined,
              'data-cid': r.cid,
            },
            r.title,
          ),
          h(
            'span',
            { class: 'hint' },
            [categoryName(r.category), describeSize(r.size)].filter(Boolean).join(' · '),
          ),
          h('span', { class: `hint${r.imported ? ' imported-from' : ''}` }, recordSource(r)),
        ),
      ),
    ),
    compact
      ? null
      : h(
          'div',
          { class: 'actions' },
          h(
            'button',
            { class: 'secondary', id: 'export', onclick: (e: Event) => void exportAll(e) },
            'Download all my records (one FHIR file)',
          ),
          h(
            'a',
            { class: 'button secondary', href: 'links.html', id: 'share-link' },
            'Share as a link or QR code',
          ),
          addFromProvider(),
        ),
  );
}

async function exportAll(event: Event) {
  const button = event.currentTarget as HTMLButtonElement;
  button.disabled = true;
  button.textContent = 'Preparing…';
  button.parentElement?.querySelector('.export-result')?.remove();
  try {
    const { bundle, included, failed } = await call<RecordsExport>({ type: 'records/export' });
    downloadBytes(
      bundle,
      'application/fhir+json',
      `medvault-records-${new Date().toISOString().slice(0, 10)}.json`,
    );
    button.after(
      h(
        'p',
        {
          class: `export-result notice ${failed.length ? 'warning' : 'ok'}`,
          role: 'status',
          id: 'export-result',
        },
        `Saved ${counted(included, 'record', 'records')} in one file.`,
        failed.length
          ? h(
              'span',
              {},
              ` Not included: ${failed.map((f) => `${f.title} (${f.reason})`).join('; ')}`,
            )
          : '',
      ),
    );
  } catch (error) {
    button.after(
      h('p', { class: 'export-result notice error', role: 'alert' }, (error as Error).message),
    );
  } finally {
    button.disabled = false;
    button.textContent = 'Download all my records (one FHIR file)';
  }
}

function grantsView(grants: GrantSummary[]) {
  if (!grants.length) return empty('You have not shared anything.');
  return h(
    'ul',
    { class: 'grants', id: 'grants' },
    grants.map((g) =>
      h(
        'li',
        { class: `grant ${g.status}`, 'data-grant': g.grantId, id: `share-${g.grantId}` },
        h(
          'div',
          { class: 'grant-head' },
          h('strong', {}, g.readerName),
          h('span', { class: `badge ${g.status}` }, STATUS_WORDS[g.status]),
        ),
        h('p', {}, describeScope(g.scope), ' — ', h('em', {}, g.purpose)),
        h(
          'p',
          { class: 'hint' },
          `${g.origin ? `asked by ${g.origin}` : 'restored from your ledger'} · created ${describeTime(g.createdAt)} · ${g.status === 'active' ? `until ${describeExpiry(g.expiresAt)}` : g.status === 'revoked' && g.revokedAt ? `ended by you ${describeTime(g.revokedAt)}` : `expired ${describeTime(g.expiresAt)}`} · share ${g.grantId.slice(0, 8)}`,
        ),
        g.keysUpdatedAt && g.status === 'active'
          ? h(
              'p',
              { class: 'hint', 'data-keys-updated': '' },
              `Given the new key ${describeTime(g.keysUpdatedAt)}, when another share of these records ended: it goes on reading new records.`,
            )
          : null,
        g.status === 'active'
          ? h(
              'button',
              {
                class: 'danger small',
                'data-revoke': g.grantId,
                onclick: (e: Event) => confirmRevoke(g, e.target as HTMLButtonElement),
              },
              'End this share',
            )
          : g.rotationPending
            ? h(
                'div',
                {},
                h(
                  'p',
                  { class: 'notice warning' },
                  'Ended, but your records were not yet moved to a new key (MedVault could not reach a service). Until then, new records could be read by what this reader kept.',
                ),
                h(
                  'button',
                  {
                    class: 'danger small',
                    'data-finish-revoke': g.grantId,
                    onclick: (e: Event) => void revoke(g.grantId, e.target as HTMLButtonElement),
                  },
                  'Finish ending this share',
                ),
              )
            : null,
      ),
    ),
  );
}

/** What revoking changed for new records and for the patient's other shares. */
function rotationNotice(result: RevokeResult) {
  const what = result.rotated.join(', ');
  const others =
    result.updated === 0
      ? 'No other share covers them.'
      : `Your ${result.updated === 1 ? 'other share' : `${result.updated} other shares`} of them ${result.updated === 1 ? 'was' : 'were'} given the new key at once: nothing changes for ${result.updated === 1 ? 'it' : 'them'}.`;
  return h(
    'p',
    { class: 'notice', role: 'status', id: 'rotation-notice' },
    `Share ended. Your ${what} records from now on are locked with a new key, which the reader you removed never gets. ${others} What it already read stays with it.`,
  );
}

function accessesView(accesses: AccessSummary[]) {
  if (!accesses.length) return empty('Nobody has read a shared record yet.');
  return h(
    'table',
    { class: 'accesses', id: 'accesses' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'When'),
        h('th', {}, 'Who'),
        h('th', {}, 'What'),
        compact ? null : h('th', {}, 'Through'),
      ),
    ),
    h(
      'tbody',
      {},
      accesses
        .slice(0, compact ? 5 : 200)
        .map((a) =>
          h(
            'tr',
            {},
            h('td', {}, describeTime(a.time)),
            h(
              'td',
              {},
              a.readerName,
              ' · ',
              h(
                'a',
                { href: `#share-${a.grantId}`, class: 'hint' },
                `share ${a.grantId.slice(0, 8)}`,
              ),
            ),
            h('td', {}, a.records.join(', ')),
            compact ? null : h('td', { class: 'mono small' }, a.proxies.join(', ')),
          ),
        ),
    ),
  );
}

function permissionsView(permissions: Permission[]) {
  if (!permissions.length) return empty('No site is connected.');
  return h(
    'ul',
    { class: 'plain', id: 'permissions' },
    permissions.map((p) =>
      h(
        'li',
        { class: 'row' },
        h('span', { class: 'mono' }, p.origin),
        h(
          'button',
          {
            class: 'secondary small',
            onclick: async () => {
              await call({ type: 'permissions/revoke', origin: p.origin });
              await load();
            },
          },
          'Disconnect',
        ),
      ),
    ),
  );
}

function backupView() {
  return h(
    'form',
    {
      id: 'backup-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const box = document.getElementById('backup-result') as HTMLElement;
        try {
          const { mnemonic } = await call<{ mnemonic: string }>({
            type: 'backup/reveal',
            passphrase: inputValue('backup-passphrase'),
          });
          box.replaceChildren(
            h(
              'p',
              { class: 'notice warning' },
              'Anyone who sees these words can read your records. Close this page when done.',
            ),
            h(
              'ol',
              { class: 'mnemonic', id: 'backup-mnemonic' },
              mnemonic.split(' ').map((w) => h('li', {}, h('span', { class: 'word' }, w))),
            ),
          );
        } catch (error) {
          box.replaceChildren(
            h('p', { class: 'notice error', role: 'alert' }, (error as Error).message),
          );
        }
        (document.getElementById('backup-passphrase') as HTMLInputElement).value = '';
      },
    },
    h('p', {}, 'Show your recovery phrase to write it down again. Your passphrase is needed.'),
    passphraseField('backup-passphrase', 'Passphrase'),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'secondary' }, 'Show recovery phrase'),
    ),
    h('div', { id: 'backup-result' }),
  );
}

/**
 * Replacing the signing (identity) key: what it protects and what it does
 * not, then the passphrase; the background rotates in the ledger and on
 * chain and anchors with the new key.
 */
function signingKeyView() {
  return h(
    'form',
    {
      id: 'rotate-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const box = document.getElementById('rotate-result') as HTMLElement;
        const button = document.getElementById('rotate-submit') as HTMLButtonElement;
        button.disabled = true;
        box.replaceChildren(h('p', { class: 'hint' }, 'Replacing your signing key…'));
        try {
          const result = await call<{ identityIndex: number; anchoredSize: number }>({
            type: 'identity/rotate',
            passphrase: inputValue('rotate-passphrase'),
          });
          box.replaceChildren(
            h(
              'p',
              { class: 'notice', role: 'status', id: 'rotate-done' },
              `Done. Your ledger and the registry now answer only to your new signing key (number ${result.identityIndex + 1}); the old one can no longer share, revoke or anchor. Your shares go on as before.`,
            ),
          );
        } catch (error) {
          box.replaceChildren(
            h('p', { class: 'notice error', role: 'alert' }, (error as Error).message),
          );
        }
        button.disabled = false;
        (document.getElementById('rotate-passphrase') as HTMLInputElement).value = '';
      },
    },
    h(
      'p',
      {},
      'If you think someone copied the key MedVault signs with (not your recovery phrase), replace it. The old key then can no longer share your records, end a share or vouch for your ledger. Your records, your shares and your recovery phrase stay as they are.',
    ),
    h(
      'p',
      { class: 'hint' },
      'It does not help if someone has your recovery phrase: the phrase makes every key. Then set up a new MedVault with a new phrase and end your shares. Records a reader already opened stay with that reader.',
    ),
    passphraseField('rotate-passphrase', 'Passphrase'),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'submit', class: 'danger', id: 'rotate-submit' },
        'Replace my signing key',
      ),
    ),
    h('div', { id: 'rotate-result' }),
  );
}

/**
 * Guardian shares: the background splits the phrase's entropy k-of-m after
 * the passphrase checks (`backup/guardian-shares`) and answers this page
 * with the share texts; printing puts each on a page of its own.
 */
function guardiansView(publicKey: string) {
  const number = (id: string, label: string, value: number) =>
    h(
      'label',
      { class: 'field', for: id },
      h('span', {}, label),
      h('input', { id, type: 'number', min: 2, max: 10, step: 1, value, required: true }),
    );
  return h(
    'form',
    {
      id: 'guardian-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const box = document.getElementById('guardian-result') as HTMLElement;
        try {
          const { shares, threshold, count } = await call<{
            shares: string[];
            threshold: number;
            count: number;
          }>({
            type: 'backup/guardian-shares',
            passphrase: inputValue('guardian-passphrase'),
            threshold: Number(inputValue('guardian-threshold')),
            count: Number(inputValue('guardian-count')),
          });
          box.replaceChildren(
            h(
              'p',
              { class: 'notice warning' },
              `Give each share to a different guardian. Any ${threshold} of them together can restore your identity and read your records; fewer learn nothing. Shares from an earlier split still work: making new ones does not cancel them. Close this page when done.`,
            ),
            h(
              'ol',
              { class: 'guardian-shares', id: 'guardian-shares' },
              shares.map((text, i) =>
                h(
                  'li',
                  { class: 'guardian-share', 'data-index': i + 1 },
                  h('strong', {}, `MedVault guardian share ${i + 1} of ${count}`),
                  h(
                    'p',
                    { class: 'hint' },
                    `Any ${threshold} of the ${count} shares restore the identity with key fingerprint ${keyFingerprint(publicKey)}. Keep it private; give it back only to its owner.`,
                  ),
                  h('p', { class: 'mono share-text', id: `guardian-share-${i + 1}` }, text),
                ),
              ),
            ),
            h(
              'div',
              { class: 'actions' },
              h(
                'button',
                { type: 'button', class: 'secondary', id: 'print-shares', onclick: () => print() },
                'Print the shares (one per page)',
              ),
            ),
          );
        } catch (error) {
          box.replaceChildren(
            h('p', { class: 'notice error', role: 'alert' }, (error as Error).message),
          );
        }
        (document.getElementById('guardian-passphrase') as HTMLInputElement).value = '';
      },
    },
    h('h3', {}, 'Guardian shares'),
    h(
      'p',
      {},
      'Split your recovery phrase into shares for people you trust. A few of them together can restore your identity if you lose the phrase; one alone learns nothing about it. Your passphrase is needed.',
    ),
    h(
      'div',
      { class: 'row' },
      number('guardian-threshold', 'Shares needed', 2),
      number('guardian-count', 'Guardians', 3),
    ),
    passphraseField('guardian-passphrase', 'Passphrase'),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'submit', class: 'secondary', id: 'make-shares' },
        'Make guardian shares',
      ),
    ),
    h('div', { id: 'guardian-result' }),
  );
}

/** The patient's own settings; the services the wallet uses are under Advanced. */
async function settingsView() {
  const settings = await call<Settings>({ type: 'settings/get' });
  const number = (id: string, label: string, value: number, min: number, max: number) =>
    h(
      'label',
      { class: 'field', for: id },
      h('span', {}, label),
      h('input', { id, type: 'number', value: String(value), min, max, required: true }),
    );
  const form = h(
    'form',
    {
      id: 'settings-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        await saveSettings(
          {
            ...settings,
            autoLockMinutes: Number(inputValue('s-autolock')),
            promptTimeoutSeconds: Number(inputValue('s-timeout')),
            notifications: (document.getElementById('s-notify') as HTMLInputElement).checked,
          },
          'settings-saved',
        );
      },
    },
    h(
      'div',
      { class: 'row' },
      number('s-autolock', 'Lock after this many idle minutes', settings.autoLockMinutes, 1, 1440),
      number(
        's-timeout',
        'A request waits this many seconds for you',
        settings.promptTimeoutSeconds,
        10,
        3600,
      ),
    ),
    h(
      'label',
      { class: 'check', for: 's-notify' },
      h('input', { id: 's-notify', type: 'checkbox', checked: settings.notifications === true }),
      h(
        'span',
        {},
        'Tell me (a browser notification) when someone reads my records, and a day before a share ends',
      ),
    ),
    h('p', { id: 'settings-saved', hidden: true }),
    h(
      'div',
      { class: 'actions' },
      h(
        'a',
        { class: 'button secondary', href: 'advanced.html', id: 'advanced' },
        'Advanced settings',
      ),
      h('button', { type: 'submit', class: 'primary' }, 'Save'),
    ),
  );
  document.getElementById('settings')?.replaceWith(form);
}

/** The openings of the patient's links and emergency card, newest first (from the link service's log). */
async function linkOpenings() {
  const box = document.getElementById('link-openings');
  if (!box) return;
  const links = await call<LinkSummary[]>({ type: 'links/list' }).catch(() => undefined);
  if (!links) {
    box.replaceChildren(empty('The link service could not be asked.'));
    return;
  }
  const rows = links
    .flatMap((l) => l.opened.map((o) => ({ ...o, label: l.label })))
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
    .slice(0, 50);
  box.replaceChildren(
    rows.length
      ? h(
          'ul',
          { class: 'plain', id: 'link-openings-list' },
          rows.map((o) =>
            h(
              'li',
              {},
              `${describeTime(Date.parse(o.at))}: “${o.recipient}” ${
                o.outcome === 'served'
                  ? 'opened'
                  : o.outcome === 'wrong-passcode'
                    ? 'tried a wrong passcode for'
                    : 'was refused'
              } ${o.label}`,
            ),
          ),
        )
      : empty(links.length ? 'Nobody has opened your links yet.' : 'You have not made a link yet.'),
    h('a', { href: 'links.html', class: 'hint' }, 'Your links and emergency card'),
  );
}

async function ledgerStatus() {
  const box = document.getElementById('ledger-status');
  if (!box) return;
  const status = await call<LedgerStatus>({ type: 'ledger/status' }).catch(
    (error: Error): LedgerStatus => ({ ok: false, entries: 0, problem: error.message }),
  );
  // the ledger had records or shares this device did not list: show them
  const adopted = status.adopted;
  if (adopted && adopted.records + adopted.grants + adopted.revoked > 0) return load();
  if (status.ok) {
    box.className = 'status ok';
    box.textContent = status.anchor
      ? `Verified, ${counted(status.entries, 'entry', 'entries')}, anchored at block ${status.anchor.blockNumber} (${counted(status.anchor.size, 'entry', 'entries')} covered)`
      : `Verified, ${counted(status.entries, 'entry', 'entries')}, not anchored on chain yet`;
  } else {
    box.className = 'status problem';
    box.textContent = `Problem: ${status.problem}`;
  }
}

async function anchor() {
  const button = document.getElementById('anchor') as HTMLButtonElement;
  button.disabled = true;
  try {
    await call({ type: 'ledger/anchor' });
    await ledgerStatus();
  } catch (error) {
    const box = document.getElementById('ledger-status') as HTMLElement;
    box.className = 'status problem';
    box.textContent = `Could not anchor: ${(error as Error).message}`;
  }
  button.disabled = false;
}

const STATUS_WORDS: Record<GrantSummary['status'], string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Ended',
};

/** Asks once more before a share ends, saying what ending does and does not do. */
function confirmRevoke(g: GrantSummary, button: HTMLButtonElement) {
  const box = h(
    'div',
    {
      class: 'revoke-confirm notice warning',
      role: 'alertdialog',
      'aria-label': 'End this share?',
    },
    h(
      'p',
      {},
      `End the share with ${g.readerName}? It stops new reads at once. It cannot take back what ${g.readerName} has already read or saved.`,
    ),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          class: 'secondary small',
          onclick: () => {
            box.replaceWith(button);
            button.focus();
          },
        },
        'Keep it',
      ),
      h(
        'button',
        {
          class: 'danger small',
          'data-revoke-confirm': g.grantId,
          autofocus: true,
          onclick: (e: Event) => void revoke(g.grantId, e.target as HTMLButtonElement),
        },
        'Yes, end it',
      ),
    ),
  );
  button.replaceWith(box);
}

async function revoke(grantId: string, button: HTMLButtonElement) {
  button.disabled = true;
  button.textContent = 'Ending…';
  try {
    const result = (await call({ type: 'grant/revoke', grantId })) as RevokeResult;
    await load();
    const list = document.getElementById('grants');
    if (list && result.rotated.length > 0) list.before(rotationNotice(result));
  } catch (error) {
    button.disabled = false;
    button.textContent = 'Try again';
    button.after(h('p', { class: 'notice error', role: 'alert' }, (error as Error).message));
  }
}

function lockedView() {
  render(
    brand(),
    h(
      'main',
      { class: 'card narrow' },
      h('h1', {}, 'MedVault is locked'),
      unlockForm(load, (passphrase) => call({ type: 'unlock', passphrase })),
    ),
  );
}

void load();
