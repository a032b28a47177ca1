/**
 * Add records from my provider (`providers.html`): the patient enters her
 * provider's FHIR address (or picks one she added before), Connect opens
 * the provider's own sign-in, and her records come in, locked to her, with
 * where they came from. Below: her providers, each with its last sync in
 * words, Sync now, Sign in again and Remove. The background does the work
 * and holds the tokens; this page only asks and shows.
 */

import { TYPE_WORDS } from '../background/import-words.js';
import type { ProviderSummary, SyncActivity, SyncOutcome } from '../background/wallet.js';
import { call, WalletReplyError } from './client.js';
import { counted, describeTime } from './describe.js';
import { brand, h, inputValue, render, unlockForm } from './dom.js';

/** How often the page asks how a sign-in or sync is going (ms). */
const POLL_MS = 700;

let polling = false;
/** The provider whose sign-in this page started, until it ends. */
let connecting: string | undefined;
/** What the list last showed, to redraw only on change (focus stays where it is). */
let shownList = '';

async function load() {
  // connecting and syncing sign entries and open keys: the wallet must be unlocked
  if (!(await call<{ unlocked: boolean }>({ type: 'state' })).unlocked) return locked();
  const providers = await call<ProviderSummary[]>({ type: 'providers/list' });
  shownList = '';
  render(
    brand('Add records from my provider'),
    h(
      'main',
      { class: 'card narrow', 'aria-labelledby': 'providers-title' },
      h('h1', { id: 'providers-title' }, 'Add records from my provider'),
      h(
        'p',
        { class: 'lead' },
        'Sign in at your hospital’s or clinic’s patient portal, and MedVault copies your records from there into your records here: locked so that only you can open them, and marked with where they came from. Later, “Sync now” brings only what changed.',
      ),
      h(
        'form',
        { id: 'provider-form', onsubmit: (e: Event) => void connect(e) },
        h(
          'label',
          { class: 'field', for: 'provider-url' },
          h('span', {}, 'Your provider’s FHIR address (on their “connect an app” page)'),
          h('input', {
            id: 'provider-url',
            name: 'provider-url',
            inputmode: 'url',
            autocomplete: 'off',
            spellcheck: 'false',
            required: true,
            maxlength: 512,
            placeholder: 'https://fhir.example-hospital.org/r4',
            list: 'saved-providers',
            'aria-describedby': 'provider-url-hint',
          }),
        ),
        h(
          'p',
          { class: 'hint', id: 'provider-url-hint' },
          providers.length
            ? 'Or pick one you added before from the list that opens as you type.'
            : 'It starts with https:// and often ends in /fhir or /r4.',
        ),
        h(
          'datalist',
          { id: 'saved-providers' },
          providers.map((p) => h('option', { value: p.serverUrl }, p.name)),
        ),
        h(
          'details',
          { class: 'hint', id: 'provider-more' },
          h('summary', {}, 'More options'),
          h(
            'label',
            { class: 'field', for: 'provider-client-id' },
            h('span', {}, 'App id at this provider (only if your provider gave you one)'),
            h('input', {
              id: 'provider-client-id',
              autocomplete: 'off',
              spellcheck: 'false',
              maxlength: 128,
              placeholder: 'medvault-wallet',
            }),
          ),
        ),
        h(
          'p',
          { class: 'notice info', id: 'provider-what' },
          'Connect opens your provider’s own sign-in page. Sign in there and choose what MedVault may read. Your provider sees that the MedVault app signed in, what it read and when — nothing else about you. Your sign-in stays in this browser only, and you can remove it at any time.',
        ),
        h('p', { id: 'error', class: 'notice error', role: 'alert', hidden: true }),
        h(
          'div',
          { class: 'actions' },
          h('a', { class: 'button secondary', href: 'dashboard.html' }, 'Back to my records'),
          h('button', { type: 'submit', class: 'primary', id: 'connect' }, 'Connect and sign in'),
        ),
      ),
      h('p', { id: 'progress', class: 'hint', role: 'status', 'aria-live': 'polite' }),
    ),
    h(
      'section',
      { class: 'card narrow', 'aria-labelledby': 'your-providers' },
      h('h2', { id: 'your-providers' }, 'Your providers'),
      h('div', { id: 'providers-list' }),
    ),
  );
  showList(providers);
  if (providers.some((p) => p.activity)) void poll();
}

function locked() {
  render(
    brand('Add records from my provider'),
    h(
      'main',
      { class: 'card narrow' },
      h('h1', {}, 'Unlock to add records from your provider'),
      unlockForm(load, (passphrase) => call({ type: 'unlock', passphrase })),
    ),
  );
}

/** The words for what a provider is doing now. */
function activityWords(activity: SyncActivity, name: string): string {
  if (activity.phase === 'signing-in') {
    return `Waiting for you to sign in at ${name} in the window that opened…`;
  }
  const reading = TYPE_WORDS[activity.reading] ?? 'records';
  return `Adding your records from ${name}: ${counted(activity.imported, 'record', 'records')} added so far${
    activity.unchanged ? `, ${activity.unchanged} already here` : ''
  } — reading your ${reading}…`;
}

function resultView(outcome: SyncOutcome) {
  return [
    h(
      'p',
      {
        class: `provider-result notice ${outcome.complete ? 'info' : 'warning'}`,
        'data-complete': String(outcome.complete),
      },
      outcome.summary,
    ),
    outcome.refused.length
      ? h(
          'details',
          { class: 'provider-refused hint' },
          h('summary', {}, `Not added (${outcome.refused.length})`),
          h(
            'ul',
            { class: 'plain' },
            outcome.refused.map((r) => h('li', {}, h('code', {}, r.ref), `: ${r.reason}`)),
          ),
        )
      : null,
  ];
}

function providerView(p: ProviderSummary) {
  const busy = p.activity !== undefined;
  const row = h(
    'li',
    { class: 'grant', 'data-server': p.serverUrl, 'aria-busy': busy ? 'true' : undefined },
    h(
      'div',
      { class: 'grant-head' },
      h('strong', {}, p.name),
      h(
        'span',
        { class: `badge ${p.needsSignIn ? 'expired' : 'active'}` },
        p.needsSignIn ? 'Sign in again' : 'Connected',
      ),
    ),
    h(
      'p',
      { class: 'hint' },
      `${p.serverUrl} · added ${describeTime(p.addedAt)} · ${
        p.lastSync ? `last synced ${describeTime(p.lastSync.at)}` : 'not synced yet'
      }${p.lasting ? '' : ' · you sign in each time'}`,
    ),
    busy
      ? h(
          'p',
          { class: 'provider-activity hint' },
          activityWords(p.activity as SyncActivity, p.name),
        )
      : null,
    !busy && p.lastSync ? resultView(p.lastSync) : null,
    h('p', { class: 'provider-error notice error', role: 'alert', hidden: true }),
    h(
      'div',
      { class: 'actions' },
      p.signedIn
        ? h(
            'button',
            {
              class: 'secondary small sync',
              disabled: busy,
              onclick: (e: Event) => void syncNow(p, e.currentTarget as HTMLButtonElement),
            },
            'Sync now',
          )
        : h(
            'button',
            {
              class: 'primary small sign-in',
              disabled: busy,
              onclick: () => void connectTo(p.serverUrl),
            },
            'Sign in again',
          ),
      h(
        'button',
        {
          class: 'danger small remove',
          disabled: busy && p.activity?.phase === 'signing-in',
          onclick: (e: Event) => confirmRemove(p, e.currentTarget as HTMLButtonElement),
        },
        'Remove',
      ),
    ),
  );
  return row;
}

/** Redraws the list when it changed; returns whether anything is still under way. */
function showList(providers: ProviderSummary[]): boolean {
  const box = document.getElementById('providers-list');
  const json = JSON.stringify(providers);
  if (box && json !== shownList) {
    shownList = json;
    box.replaceChildren(
      providers.length
        ? h('ul', { class: 'grants', id: 'providers' }, providers.map(providerView))
        : h('p', { class: 'empty' }, 'You have not connected a provider yet.'),
    );
  }
  const mine = connecting ? providers.find((p) => p.serverUrl === connecting) : undefined;
  if (mine) {
    setProgress(
      mine.activity
        ? activityWords(mine.activity, mine.name)
        : (mine.lastSync?.summary ?? `Connected to ${mine.name}.`),
    );
    if (!mine.activity) connecting = undefined;
  }
  return providers.some((p) => p.activity);
}

function setProgress(text: string) {
  const box = document.getElementById('progress');
  if (box && box.textContent !== text) box.textContent = text;
}

/** Asks how things are going until nothing is under way. */
async function poll() {
  if (polling) return;
  polling = true;
  try {
    for (;;) {
      const providers = await call<ProviderSummary[]>({ type: 'providers/list' });
      if (!showList(providers) && !connecting) return;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } catch {
    // the page shows what it last knew; the next action asks again
  } finally {
    polling = false;
  }
}

function showError(message: string) {
  const box = document.getElementById('error');
  if (!box) return;
  box.textContent = message;
  box.hidden = !message;
}

/** Connect (or sign in again): the background opens the provider's sign-in. */
async function connectTo(serverUrl: string, clientId?: string) {
  showError('');
  const button = document.getElementById('connect') as HTMLButtonElement | null;
  if (button) button.disabled = true;
  connecting = undefined;
  setProgress('Opening your provider’s sign-in… Sign in there, then choose Allow.');
  try {
    const connected = await call<ProviderSummary>({
      type: 'providers/connect',
      serverUrl,
      ...(clientId ? { clientId } : {}),
    });
    connecting = connected.serverUrl;
    void poll();
  } catch (error) {
    if (error instanceof WalletReplyError && error.code === 'WALLET_LOCKED') return locked();
    setProgress('');
    showError((error as Error).message);
  } finally {
    if (button) button.disabled = false;
  }
}

async function connect(event: Event) {
  event.preventDefault();
  await connectTo(inputValue('provider-url'), inputValue('provider-client-id').trim() || undefined);
}

async function syncNow(p: ProviderSummary, button: HTMLButtonElement) {
  button.disabled = true;
  // the line under the form told of the connect; this row tells of this sync
  connecting = undefined;
  setProgress('');
  const row = button.closest('li');
  const error = row?.querySelector<HTMLElement>('.provider-error');
  if (error) error.hidden = true;
  try {
    await call({ type: 'providers/sync', serverUrl: p.serverUrl });
    await poll();
  } catch (e) {
    if (e instanceof WalletReplyError && e.code === 'WALLET_LOCKED') return locked();
    shownList = '';
    await poll();
    const again = document
      .querySelector(`li[data-server="${CSS.escape(p.serverUrl)}"]`)
      ?.querySelector<HTMLElement>('.provider-error');
    if (again) {
      again.textContent = (e as Error).message;
      again.hidden = false;
    }
  }
}

/** Asks once more before a provider is removed, saying what removing does and does not do. */
function confirmRemove(p: ProviderSummary, button: HTMLButtonElement) {
  const box = h(
    'div',
    { class: 'notice warning', role: 'alertdialog', 'aria-label': `Remove ${p.name}?` },
    h(
      'p',
      {},
      `Remove ${p.name}? MedVault stops syncing it and forgets its sign-in there. The records it added stay in your records. To end MedVault’s access at ${p.name} too, withdraw it on their website.`,
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
          class: 'danger small confirm-remove',
          autofocus: true,
          onclick: async () => {
            await call({ type: 'providers/remove', serverUrl: p.serverUrl });
            shownList = '';
            showList(await call<ProviderSummary[]>({ type: 'providers/list' }));
          },
        },
        'Yes, remove',
      ),
    ),
  );
  button.replaceWith(box);
  box.querySelector<HTMLButtonElement>('.confirm-remove')?.focus();
}

void load();
