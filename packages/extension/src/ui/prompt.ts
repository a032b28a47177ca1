/**
 * The consent prompt (a popup window): who is asking — the origin as the
 * browser saw it, with warnings — and exactly what for. Approve or Deny;
 * Escape denies; closing the window denies. A locked wallet asks for the
 * passphrase first.
 *
 * Nothing approves by accident: the focus starts on the heading, never on
 * the button that grants, and that button stays inert until the window has
 * been visible and focused for {@link APPROVE_DELAY_MS} (see
 * approval-gate.ts), so a key press or click meant for the page underneath
 * does nothing. Deny works at once.
 */
import type { GrantScope } from '@medvault/core/ledger';
import type { PendingPrompt, PromptOutcome } from '../background/consent-queue.js';
import { DOCUMENT_KIND } from '../background/identifying-data.js';
import type { Narrowing } from '../background/narrowing.js';
import type { Overlap, RecordMatch } from '../background/wallet.js';
import type { ReceiveRecordRequest, ShareRequest } from '../shared/provider-schema.js';
import { APPROVE_DELAY_MS, type ApprovalGuard, guardApproval } from './approval-gate.js';
import { call } from './client.js';
import {
  categoryName,
  counted,
  describeExpiry,
  describeScope,
  describeSize,
  describeTime,
  joinWords,
  keyFingerprint,
  scopeIncludesFuture,
} from './describe.js';
import { brand, h, render, showError, unlockForm } from './dom.js';
import { originWarnings } from './origin-check.js';

type Current = { prompt: PendingPrompt | undefined; unlocked: boolean };
type ShareDetails = {
  request: ShareRequest;
  proxies: string[];
  threshold: number;
  matches: RecordMatch[];
  /** The categories the patient may untick. */
  categories: string[];
  /** Kinds of identifying data in the matched records (absent while locked). */
  identifying?: { kinds: string[]; unchecked: string[] };
  /** Active shares with the same reader that cover some of the same. */
  overlapping: Overlap[];
};

const promptId = new URLSearchParams(location.search).get('id') ?? '';
/** The guard on the button that grants, while a request is shown. */
let approval: ApprovalGuard | undefined;

async function load() {
  const { prompt, unlocked } = await call<Current>({ type: 'prompt/current' });
  if (!prompt || prompt.id !== promptId) {
    return render(
      brand(),
      h('main', { class: 'card' }, h('p', {}, 'This request has already been answered.')),
    );
  }
  if (!unlocked) return unlock(prompt);
  if (prompt.kind === 'unlock') return; // the background closes this window once unlocked
  show(prompt);
}

function originBlock(origin: string, verb: string) {
  return h(
    'section',
    { class: 'origin' },
    h('p', { class: 'eyebrow' }, verb),
    h('p', { class: 'origin-name', id: 'origin' }, origin),
    originWarnings(origin).map((w) =>
      h(
        'p',
        { class: `notice ${w.level}`, role: w.level === 'danger' ? 'alert' : undefined },
        w.text,
      ),
    ),
  );
}

function unlock(prompt: PendingPrompt) {
  render(
    brand('Unlock'),
    h(
      'main',
      { class: 'card' },
      originBlock(prompt.origin, 'A site is waiting for MedVault'),
      unlockForm(
        load,
        (passphrase) => call({ type: 'unlock', passphrase }),
        h(
          'button',
          { type: 'button', class: 'secondary', id: 'deny', onclick: () => void decide(false) },
          'Not now',
        ),
      ),
    ),
  );
}

/**
 * The prompt's heading. It takes the focus when the prompt opens (a stray
 * Enter or Space there does nothing) and names the dialog.
 */
function heading(text: string) {
  return h('h1', { id: 'title', tabindex: -1, autofocus: true }, text);
}

function row(label: string, ...value: (Node | string | null)[]) {
  return [h('dt', {}, label), h('dd', {}, ...value)];
}

/** The ends the patient may choose instead of the one asked: only shorter ones. */
const SHORTER = [
  { label: '1 hour', ms: 3_600_000 },
  { label: '1 day', ms: 86_400_000 },
  { label: '1 week', ms: 7 * 86_400_000 },
  { label: '30 days', ms: 30 * 86_400_000 },
];

/** What the patient changed in the prompt, read from its controls. */
function narrowing(details: ShareDetails): Narrowing | undefined {
  const out: Narrowing = {};
  const ticked = (name: string) =>
    [...document.querySelectorAll<HTMLInputElement>(`input[name="${name}"]`)].filter(
      (i) => i.checked,
    );
  const categoryBoxes = document.querySelectorAll(`input[name="category"]`);
  const categories = ticked('category').map((i) => i.value);
  if (categoryBoxes.length && categories.length < details.categories.length) {
    out.categories = categories;
  }
  const recordBoxes = [...document.querySelectorAll<HTMLInputElement>('input[name="record"]')];
  const visible = recordBoxes.filter((i) => !i.disabled);
  if (visible.some((i) => !i.checked)) {
    // records past the first 20 are not listed, and stay as ticked
    const listed = new Set(recordBoxes.map((i) => i.value));
    out.cids = [
      ...visible.filter((i) => i.checked).map((i) => i.value),
      ...details.matches
        .filter((m) => !listed.has(m.cid))
        .filter((m) => !out.categories || out.categories.includes(m.category ?? ''))
        .map((m) => m.cid),
    ];
  }
  const until = document.getElementById('until') as HTMLSelectElement | null;
  if (until && until.value !== 'asked') out.expiresAt = Date.now() + Number(until.value);
  return Object.keys(out).length ? out : undefined;
}

/** Keeps the record boxes in step with the category boxes, and says what unticking means. */
function syncChoices() {
  const categories = new Set(
    [...document.querySelectorAll<HTMLInputElement>('input[name="category"]')]
      .filter((i) => i.checked)
      .map((i) => i.value),
  );
  const hasCategoryBoxes = document.querySelectorAll('input[name="category"]').length > 0;
  for (const box of document.querySelectorAll<HTMLInputElement>('input[name="record"]')) {
    const off = hasCategoryBoxes && !categories.has(box.dataset.category ?? '');
    box.disabled = off;
    box.closest('li')?.classList.toggle('off', off);
  }
  const records = [...document.querySelectorAll<HTMLInputElement>('input[name="record"]')];
  const fixed = records.some((i) => !i.disabled && !i.checked);
  const note = document.getElementById('fixed-set');
  if (note) note.hidden = !fixed;
  const future = document.getElementById('future');
  if (future) future.hidden = fixed;
  const nothing =
    (hasCategoryBoxes && categories.size === 0) ||
    (records.length > 0 && records.every((i) => i.disabled || !i.checked));
  const approve = document.getElementById('approve') as HTMLButtonElement | null;
  if (approve) approve.dataset.nothing = nothing ? 'true' : '';
  const empty = document.getElementById('nothing-left');
  if (empty) empty.hidden = !nothing;
  const until = document.getElementById('until') as HTMLSelectElement | null;
  const end = document.getElementById('consent-until');
  if (until && end) {
    const at =
      until.value === 'asked' ? details()?.request.expiresAt : Date.now() + Number(until.value);
    if (at) end.textContent = describeExpiry(at);
  }
}

let shown: ShareDetails | undefined;
const details = () => shown;

function shareBody(d: ShareDetails) {
  shown = d;
  const { request, matches } = d;
  const scope: GrantScope = request.scope;
  const reader = request.reader.name;
  const chooseCategories = d.categories.length > 1;
  const shorter = SHORTER.filter((s) => Date.now() + s.ms < request.expiresAt - 60_000);
  return [
    heading('Share records?'),
    d.overlapping.length
      ? h(
          'p',
          { class: 'notice caution', id: 'overlap', role: 'status' },
          `${reader} already holds a share of ${
            d.overlapping[0]?.records
              ? counted(d.overlapping[0].records, 'of these records', 'of these records')
              : 'the same kind of records'
          }, made ${describeTime(d.overlapping[0]?.createdAt ?? 0)} and running until ${describeExpiry(
            d.overlapping[0]?.expiresAt ?? 0,
          )}. Sharing again gives a second share; you can end either from your dashboard.`,
        )
      : null,
    h(
      'dl',
      { class: 'facts' },
      row(
        'Who will read them',
        h('strong', { id: 'reader-name' }, reader),
        h('span', { class: 'hint' }, ' (as the site names them)'),
        h('br'),
        h('span', { class: 'hint' }, 'Key fingerprint '),
        h(
          'span',
          { class: 'mono', id: 'reader-fingerprint' },
          keyFingerprint(request.reader.publicKey),
        ),
      ),
      row(
        'What',
        h('strong', { id: 'scope' }, describeScope(scope)),
        chooseCategories
          ? h(
              'fieldset',
              { class: 'choices', id: 'categories' },
              h('legend', { class: 'hint' }, 'Untick what you do not want to share:'),
              d.categories.map((c) =>
                h(
                  'label',
                  { class: 'check' },
                  h('input', {
                    type: 'checkbox',
                    name: 'category',
                    value: c,
                    checked: true,
                    onchange: syncChoices,
                  }),
                  h('span', {}, categoryName(c)),
                ),
              ),
            )
          : null,
        h(
          'p',
          { class: 'hint', id: 'match-count' },
          matches.length === 0
            ? 'None of your records match today.'
            : matches.length === 1
              ? 'One of your records matches today:'
              : `${matches.length} of your records match today:`,
        ),
        matches.length
          ? h(
              'ul',
              { class: 'records choices', id: 'matches' },
              matches.slice(0, 20).map((m) =>
                h(
                  'li',
                  {},
                  h(
                    'label',
                    { class: 'check' },
                    h('input', {
                      type: 'checkbox',
                      name: 'record',
                      value: m.cid,
                      'data-category': m.category ?? '',
                      checked: true,
                      onchange: syncChoices,
                    }),
                    h('span', {}, m.title),
                  ),
                  h('span', { class: 'hint' }, `added ${describeTime(m.time)}`),
                ),
              ),
              matches.length > 20
                ? h('li', { class: 'hint' }, `and ${matches.length - 20} more (shared as asked)`)
                : null,
            )
          : '',
        h(
          'p',
          { class: 'notice caution', id: 'fixed-set', hidden: true },
          'Only the ticked records will be shared. Records you add later will not be.',
        ),
        h(
          'p',
          { class: 'notice error', id: 'nothing-left', hidden: true },
          'Nothing is left to share: tick at least one record, or Deny.',
        ),
        scopeIncludesFuture(scope)
          ? h(
              'p',
              { class: 'notice caution', id: 'future' },
              'Records you add later that match will be shared too, until this share ends.',
            )
          : '',
      ),
      row('Why', h('span', { id: 'purpose' }, request.purpose)),
      row(
        'Until',
        shorter.length
          ? h(
              'select',
              { id: 'until', 'aria-label': 'Share until', onchange: syncChoices },
              h(
                'option',
                { value: 'asked', selected: true },
                `${describeExpiry(request.expiresAt)} (as asked)`,
              ),
              shorter.map((s) => h('option', { value: String(s.ms) }, `${s.label} from now`)),
            )
          : h('span', { id: 'expiry' }, describeExpiry(request.expiresAt)),
      ),
      row(
        'Through',
        h(
          'span',
          { id: 'proxies' },
          `${d.proxies.length} independent services pass the records on; any ${d.threshold} of them are needed, and none of them can read your records.`,
        ),
        h(
          'ul',
          { class: 'plain hint' },
          d.proxies.map((p) => h('li', { class: 'mono' }, p)),
        ),
      ),
    ),
  ];
}

/** The identifying data the records carry, in one sentence. */
function identifyingSentence(kinds: string[]): string {
  const details = kinds.filter((k) => k !== DOCUMENT_KIND);
  const documents = kinds.includes(DOCUMENT_KIND)
    ? ' They include a document (a letter or PDF) that may show any of your details.'
    : '';
  if (details.length) return `These records also show your ${joinWords(details)}.${documents}`;
  return documents
    ? documents.trim()
    : 'These records carry no name, address or ID number of yours that the wallet could find.';
}

/** What saying yes means, right above the buttons. */
function shareConsent(d: ShareDetails) {
  const reader = d.request.reader.name;
  const identifying = d.identifying;
  return h(
    'div',
    { class: 'consent', id: 'consent' },
    h('p', { class: 'consent-title' }, 'If you share:'),
    h(
      'ul',
      {},
      h(
        'li',
        {},
        `${reader} can open these records as often as they like until `,
        h('span', { id: 'consent-until' }, describeExpiry(d.request.expiresAt)),
        '.',
      ),
      h(
        'li',
        {},
        'Ending the share stops new reads. It cannot take back what they have already read or saved.',
      ),
      identifying
        ? h(
            'li',
            { id: 'identifying' },
            identifyingSentence(identifying.kinds),
            identifying.unchecked.length
              ? ` (${counted(identifying.unchecked.length, 'record', 'records')} could not be checked.)`
              : '',
          )
        : null,
    ),
  );
}

function receiveBody(record: ReceiveRecordRequest) {
  return [
    heading('Add a record to your ledger?'),
    h(
      'dl',
      { class: 'facts' },
      row('Record', h('strong', { id: 'record-title' }, record.title)),
      row('Kind', categoryName(record.category ?? 'other')),
      row('Size', describeSize(record.size)),
    ),
    h(
      'details',
      { class: 'hint' },
      h('summary', {}, 'Technical details'),
      h(
        'p',
        {},
        `${record.resourceType ?? record.contentType}; content address `,
        h('span', { class: 'mono small' }, record.cid),
      ),
    ),
    h(
      'p',
      { class: 'hint' },
      'It was sealed so that only you can open it. Adding it signs an entry in your ledger.',
    ),
  ];
}

function connectBody() {
  return [
    heading('Connect to MedVault?'),
    h(
      'ul',
      { class: 'plain checks' },
      h('li', {}, 'The site learns your public key, so it can send records to you.'),
      h('li', {}, 'It may ask you to share records. Every share needs your approval here.'),
      h('li', {}, 'It never sees your key or your recovery phrase.'),
    ),
  ];
}

function show(prompt: PendingPrompt) {
  const verb = {
    connect: 'This site wants to connect',
    share: 'This site asks you to share',
    receive: 'This site sends you a record',
    unlock: '',
  }[prompt.kind];
  const body =
    prompt.kind === 'share'
      ? shareBody(prompt.details as ShareDetails)
      : prompt.kind === 'receive'
        ? receiveBody(prompt.details as ReceiveRecordRequest)
        : connectBody();
  approval?.dispose();
  render(
    brand(),
    h(
      'main',
      { class: 'card', 'aria-labelledby': 'title' },
      originBlock(prompt.origin, verb),
      body,
      // what saying yes means, any error, and the buttons stay in view together
      h(
        'div',
        { class: 'decision-bar', id: 'decision-bar' },
        prompt.kind === 'share' ? shareConsent(prompt.details as ShareDetails) : null,
        h('p', { id: 'error', class: 'notice error', role: 'alert', hidden: true }),
        h(
          'div',
          { class: 'actions', id: 'decision' },
          h(
            'button',
            { class: 'secondary', id: 'deny', onclick: () => void decide(false) },
            'Deny',
          ),
          h(
            'button',
            {
              class: 'primary',
              id: 'approve',
              disabled: true,
              'aria-disabled': 'true',
              onclick: () => void decide(true),
            },
            prompt.kind === 'share'
              ? 'Share'
              : prompt.kind === 'receive'
                ? 'Add record'
                : 'Connect',
          ),
        ),
      ),
    ),
  );
  if (prompt.kind === 'share') syncChoices();
  const approve = document.getElementById('approve');
  if (approve instanceof HTMLButtonElement) approval = guardApproval(approve, APPROVE_DELAY_MS);
}

/** After Share: what was shared, until when, and where to end it; the window closes itself. */
function shared(edits: Narrowing | undefined) {
  const d = shown;
  if (!d) return window.close();
  const until = edits?.expiresAt ?? d.request.expiresAt;
  render(
    brand(),
    h(
      'main',
      { class: 'card', 'aria-labelledby': 'title' },
      h('h1', { id: 'title', tabindex: -1 }, 'Shared'),
      h(
        'p',
        { id: 'shared-summary' },
        `${d.request.reader.name} can now read ${
          edits?.cids ? counted(edits.cids.length, 'record', 'records') : 'what you chose'
        } until ${describeExpiry(until)}.`,
      ),
      h(
        'p',
        { class: 'hint' },
        'You can end this share at any time under Shares in your MedVault dashboard.',
      ),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          { class: 'primary', id: 'close', autofocus: true, onclick: () => window.close() },
          'Close',
        ),
      ),
    ),
  );
  document.getElementById('close')?.focus();
  setTimeout(() => window.close(), CONFIRMATION_MS);
}

/** How long the confirmation after Share stays before the window closes itself. */
const CONFIRMATION_MS = 8_000;

async function decide(approve: boolean) {
  // an approval counts only once the guard says so, however the click came
  if (approve && !approval?.ready()) return;
  const approveButton = document.getElementById('approve') as HTMLButtonElement | null;
  if (approve && approveButton?.dataset.nothing === 'true') {
    showError('Nothing is left to share: tick at least one record, or Deny.');
    return;
  }
  const edits = approve && shown ? narrowing(shown) : undefined;
  approval?.dispose();
  approval = undefined;
  const decision = document.getElementById('decision');
  for (const b of decision?.querySelectorAll('button') ?? [])
    (b as HTMLButtonElement).disabled = true;
  if (approve && approveButton) approveButton.textContent = 'Working…';
  let outcome: PromptOutcome;
  try {
    outcome = await call<PromptOutcome>({
      type: 'prompt/decide',
      id: promptId,
      approve,
      ...(edits ? { narrow: edits } : {}),
    });
  } catch (error) {
    outcome = { ok: false, message: (error as Error).message };
  }
  if (outcome.ok) {
    if (approve && shown) return shared(edits);
    window.close();
    return;
  }
  showError(outcome.message);
  decision?.replaceChildren(
    h(
      'button',
      { class: 'secondary', id: 'close', autofocus: true, onclick: () => window.close() },
      'Close',
    ),
  );
  document.getElementById('close')?.focus();
}

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && document.getElementById('deny')) void decide(false);
});

void load();
