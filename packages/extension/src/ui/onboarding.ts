/**
 * Onboarding: create a new identity (the recovery phrase shown once, then
 * confirmed word by word), restore one from its phrase, or restore one from
 * guardian shares (the background checks and combines them: this page never
 * sees the phrase); then a passphrase that encrypts the vault on this device.
 */
import { call } from './client.js';
import { keyFingerprint } from './describe.js';
import { brand, h, inputValue, passphraseField, render, showError } from './dom.js';

const MIN = 8;
/** What the patient typed to set up over an existing wallet (the background checks it). */
let replace: string | undefined;

/** The warning, and the typed confirmation, when this browser already has a wallet. */
function existingWallet(publicKey: string) {
  return h(
    'div',
    { class: 'notice warning', id: 'existing-wallet', role: 'alert' },
    h(
      'p',
      {},
      `MedVault is already set up in this browser (key ${keyFingerprint(publicKey)}). Creating or restoring an identity replaces it: this browser forgets its key and its lists of records and shares. Your ledger and records stay where they are, and its recovery phrase still restores them.`,
    ),
    h(
      'label',
      { for: 'replace-confirm' },
      'To replace it anyway, type REPLACE',
      h('input', {
        id: 'replace-confirm',
        autocomplete: 'off',
        oninput: (e: Event) => {
          replace = (e.target as HTMLInputElement).value.trim();
        },
      }),
    ),
  );
}

async function welcome() {
  const state = await call<{ onboarded: boolean; publicKey?: string }>({ type: 'state' }).catch(
    () => ({ onboarded: false }) as { onboarded: boolean; publicKey?: string },
  );
  render(
    brand(),
    h(
      'main',
      { class: 'card narrow' },
      state.onboarded ? existingWallet(state.publicKey ?? '') : null,
      h('h1', {}, 'Your medical records, in your hands'),
      h(
        'p',
        { class: 'lead' },
        'MedVault keeps the key to your health records on this device. Hospitals seal records so only you can open them; you decide, request by request, who may read which ones — and you can take it back.',
      ),
      h(
        'div',
        { class: 'actions stacked' },
        h(
          'button',
          { class: 'primary', id: 'create', autofocus: true, onclick: () => void create() },
          'Create a new identity',
        ),
        h(
          'button',
          { class: 'secondary', id: 'restore', onclick: restore },
          'Restore from recovery phrase',
        ),
        h(
          'button',
          { class: 'secondary', id: 'restore-shares', onclick: () => restoreFromShares() },
          'Restore from guardian shares',
        ),
      ),
    ),
  );
}

async function create() {
  const { mnemonic } = await call<{ mnemonic: string }>({ type: 'onboard/new-mnemonic' });
  showWords(mnemonic);
}

/** Step 1: the words to write down (shown again, the same words, from the check step). */
function showWords(mnemonic: string) {
  const words = mnemonic.split(' ');
  render(
    brand('New identity · step 1 of 3'),
    h(
      'main',
      { class: 'card narrow' },
      h('h1', {}, 'Your recovery phrase'),
      h(
        'p',
        { class: 'notice warning' },
        'Write these 12 words on paper, in order, and keep them somewhere safe. They are the only way to recover your records if this device is lost. Anyone who has them can read your records. Once MedVault is set up, you can show them again under Backup, with your passphrase.',
      ),
      h(
        'ol',
        { class: 'mnemonic', id: 'mnemonic' },
        words.map((w) => h('li', {}, h('span', { class: 'word' }, w))),
      ),
      h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'checkbox',
          id: 'written',
          onchange: (e: Event) => {
            (document.getElementById('next') as HTMLButtonElement).disabled = !(
              e.target as HTMLInputElement
            ).checked;
          },
        }),
        'I have written down all 12 words',
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { class: 'secondary', onclick: welcome }, 'Back'),
        h(
          'button',
          { class: 'primary', id: 'next', disabled: true, onclick: () => confirmWords(mnemonic) },
          'Continue',
        ),
      ),
    ),
  );
}

function confirmWords(mnemonic: string) {
  const words = mnemonic.split(' ');
  const picks = [...crypto.getRandomValues(new Uint32Array(12))]
    .map((r, i) => [r, i] as const)
    .sort((a, b) => a[0] - b[0])
    .slice(0, 3)
    .map(([, i]) => i)
    .sort((a, b) => a - b);
  render(
    brand('New identity · step 2 of 3'),
    h(
      'main',
      { class: 'card narrow' },
      h('h1', {}, 'Check your phrase'),
      h('p', {}, 'Type these words from your paper copy.'),
      h(
        'form',
        {
          id: 'confirm-form',
          onsubmit: (e: Event) => {
            e.preventDefault();
            const wrong = picks.filter(
              (i) => inputValue(`word-${i}`).trim().toLowerCase() !== words[i],
            );
            if (wrong.length) {
              showError(
                `Word ${wrong.map((i) => i + 1).join(' and ')} does not match. Check your paper copy.`,
              );
              return;
            }
            choosePassphrase({ mnemonic }, 'New identity · step 3 of 3');
          },
        },
        picks.map((i, n) =>
          h(
            'label',
            { class: 'field', for: `word-${i}` },
            h('span', {}, `Word ${i + 1}`),
            h('input', {
              id: `word-${i}`,
              'data-index': i + 1,
              autocomplete: 'off',
              autocapitalize: 'off',
              spellcheck: 'false',
              required: true,
              autofocus: n === 0,
            }),
          ),
        ),
        h('p', { id: 'error', class: 'notice error', role: 'alert', hidden: true }),
        h(
          'div',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              id: 'show-again',
              onclick: () => showWords(mnemonic),
            },
            'Show the words again',
          ),
          h('button', { type: 'submit', class: 'primary' }, 'Continue'),
        ),
      ),
    ),
  );
}

function restore() {
  render(
    brand('Restore'),
    h(
      'main',
      { class: 'card narrow' },
      h('h1', {}, 'Restore from your recovery phrase'),
      h(
        'form',
        {
          id: 'restore-form',
          onsubmit: (e: Event) => {
            e.preventDefault();
            choosePassphrase({ mnemonic: inputValue('phrase') }, 'Restore · passphrase');
          },
        },
        h(
          'label',
          { class: 'field', for: 'phrase' },
          h('span', {}, 'Your 12 or 24 words, separated by spaces'),
          h('textarea', {
            id: 'phrase',
            rows: 3,
            autocomplete: 'off',
            spellcheck: 'false',
            required: true,
            autofocus: true,
          }),
        ),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', onclick: welcome }, 'Back'),
          h('button', { type: 'submit', class: 'primary' }, 'Continue'),
        ),
      ),
    ),
  );
}

/** The most share fields the page offers (a split has at most 10 guardians). */
const MAX_SHARE_FIELDS = 10;

function shareField(n: number) {
  return h(
    'label',
    { class: 'field', for: `share-${n}` },
    h('span', {}, `Share ${n}`),
    h('input', {
      id: `share-${n}`,
      class: 'mono share-input',
      'data-share': n,
      autocomplete: 'off',
      autocapitalize: 'off',
      spellcheck: 'false',
      placeholder: 'medvault-share:v1:…',
      autofocus: n === 1,
    }),
  );
}

/** The texts of the share fields, in order (blank ones included: positions name shares). */
function shareTexts(): string[] {
  return [...document.querySelectorAll<HTMLInputElement>('input[data-share]')].map((i) => i.value);
}

function restoreFromShares() {
  render(
    brand('Restore from guardian shares'),
    h(
      'main',
      { class: 'card narrow' },
      h('h1', {}, 'Restore from guardian shares'),
      h(
        'p',
        {},
        'Type or paste the shares your guardians gave back, one per field. Each starts with medvault-share:. Spaces and capital letters do not matter.',
      ),
      h(
        'form',
        {
          id: 'shares-form',
          onsubmit: async (e: Event) => {
            e.preventDefault();
            const shares = shareTexts();
            try {
              // checked in the background: form, checksum, one split, enough shares
              const { threshold, count, given } = await call<{
                threshold: number;
                count: number;
                given: number;
              }>({ type: 'onboard/check-shares', shares });
              choosePassphrase(
                { shares },
                `Restore · ${given} of ${count} shares (${threshold} needed) · passphrase`,
              );
            } catch (error) {
              showError((error as Error).message);
            }
          },
        },
        h('div', { id: 'share-fields' }, [shareField(1), shareField(2)]),
        h('p', { id: 'error', class: 'notice error', role: 'alert', hidden: true }),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', onclick: welcome }, 'Back'),
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              id: 'add-share',
              onclick: () => {
                const n = shareTexts().length + 1;
                if (n > MAX_SHARE_FIELDS) return;
                const field = shareField(n);
                document.getElementById('share-fields')?.append(field);
                field.querySelector('input')?.focus();
              },
            },
            'Add a share',
          ),
          h('button', { type: 'submit', class: 'primary', id: 'check-shares' }, 'Continue'),
        ),
      ),
    ),
  );
}

/** What the new vault is made from: a typed or new phrase, or guardian shares. */
type Source = { mnemonic: string } | { shares: string[] };

function choosePassphrase(from: Source, step: string) {
  render(
    brand(step),
    h(
      'main',
      { class: 'card narrow' },
      h('h1', {}, 'Choose a passphrase'),
      h(
        'p',
        {},
        `It unlocks MedVault on this device and encrypts your key here. At least ${MIN} characters; a few unrelated words work well.`,
      ),
      h(
        'form',
        {
          id: 'passphrase-form',
          onsubmit: async (e: Event) => {
            e.preventDefault();
            const passphrase = inputValue('passphrase');
            if ([...passphrase].length < MIN) return showError(`Use at least ${MIN} characters.`);
            if (passphrase !== inputValue('passphrase2'))
              return showError('The two passphrases differ.');
            const button = document.getElementById('finish') as HTMLButtonElement;
            button.disabled = true;
            button.textContent = 'Securing your wallet…';
            try {
              const { publicKey, restored } = await call<{
                publicKey: string;
                restored?: { records: number; grants: number };
              }>(
                'shares' in from
                  ? {
                      type: 'onboard/from-shares',
                      shares: from.shares,
                      passphrase,
                      ...(replace ? { replace } : {}),
                    }
                  : {
                      type: 'onboard',
                      mnemonic: from.mnemonic,
                      passphrase,
                      ...(replace ? { replace } : {}),
                    },
              );
              done(publicKey, restored);
            } catch (error) {
              button.disabled = false;
              button.textContent = 'Create my wallet';
              showError((error as Error).message);
            }
          },
        },
        passphraseField('passphrase', 'Passphrase', true),
        passphraseField('passphrase2', 'Repeat the passphrase'),
        h('p', { id: 'error', class: 'notice error', role: 'alert', hidden: true }),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'submit', class: 'primary', id: 'finish' }, 'Create my wallet'),
        ),
      ),
    ),
  );
}

function done(publicKey: string, restored?: { records: number; grants: number }) {
  const back =
    restored && restored.records + restored.grants > 0
      ? h(
          'p',
          { id: 'restored' },
          `Restored from your ledger: ${plural(restored.records, 'record')} and ${plural(restored.grants, 'share')}.`,
        )
      : null;
  render(
    brand(),
    h(
      'main',
      { class: 'card narrow', id: 'done' },
      h('div', { class: 'success-mark', 'aria-hidden': 'true' }, '✓'),
      h('h1', {}, 'Your wallet is ready'),
      h(
        'p',
        {},
        'Hospitals can now send records to you, and sites can ask you to share them. MedVault will always show you who is asking and for what.',
      ),
      back,
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Your key fingerprint'),
        h('dd', { class: 'mono', id: 'fingerprint' }, keyFingerprint(publicKey)),
      ),
      h(
        'div',
        { class: 'actions' },
        h('a', { class: 'button primary', href: 'dashboard.html' }, 'Open my records'),
      ),
    ),
  );
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

void welcome();
