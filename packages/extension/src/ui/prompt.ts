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
import type { RecordMatch } from '../background/wallet.js';
import type { ReceiveRecordRequest, ShareRequest } from '../shared/provider-schema.js';
import { APPROVE_DELAY_MS, type ApprovalGuard, guardApproval } from './approval-gate.js';
import { call } from './client.js';
import {
  describeExpiry,
  describeScope,
  describeSize,
  describeTime,
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

function row(label: string, ...value: (Node | string)[]) {
  return [h('dt', {}, label), h('dd', {}, ...value)];
}

function shareBody(details: ShareDetails) {
  const { request, matches } = details;
  const scope: GrantScope = request.scope;
  return [
    heading('Share records?'),
    h(
      'dl',
      { class: 'facts' },
      row(
        'Who will read them',
        h('strong', { id: 'reader-name' }, request.reader.name),
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
              { class: 'records', id: 'matches' },
              matches
                .slice(0, 20)
                .map((m) =>
                  h(
                    'li',
                    {},
                    h('span', {}, m.title),
                    h('span', { class: 'hint' }, describeTime(m.time)),
                  ),
                ),
              matches.length > 20
                ? h('li', { class: 'hint' }, `and ${matches.length - 20} more`)
                : null,
            )
          : '',
        scopeIncludesFuture(scope)
          ? h(
              'p',
              { class: 'notice caution' },
              'Records you add later that match will be shared too, until this grant ends.',
            )
          : '',
      ),
      row('Why', h('span', { id: 'purpose' }, request.purpose)),
      row('Until', h('span', { id: 'expiry' }, describeExpiry(request.expiresAt))),
      row(
        'Through',
        h(
          'span',
          { id: 'proxies' },
          `Any ${details.threshold} of ${details.proxies.length} independent proxies must cooperate; none can read your records.`,
        ),
        h(
          'ul',
          { class: 'plain hint' },
          details.proxies.map((p) => h('li', { class: 'mono' }, p)),
        ),
      ),
    ),
    h('p', { class: 'hint' }, 'You can revoke this at any time from your MedVault dashboard.'),
  ];
}

function receiveBody(record: ReceiveRecordRequest) {
  return [
    heading('Add a record to your ledger?'),
    h(
      'dl',
      { class: 'facts' },
      row('Record', h('strong', { id: 'record-title' }, record.title)),
      row(
        'Kind',
        [record.resourceType, record.category].filter(Boolean).join(' · ') || record.contentType,
      ),
      row('Size', describeSize(record.size)),
      row('Address', h('span', { class: 'mono small' }, record.cid)),
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
      h('p', { id: 'error', class: 'notice error', role: 'alert', hidden: true }),
      h(
        'div',
        { class: 'actions', id: 'decision' },
        h('button', { class: 'secondary', id: 'deny', onclick: () => void decide(false) }, 'Deny'),
        h(
          'button',
          {
            class: 'primary',
            id: 'approve',
            disabled: true,
            'aria-disabled': 'true',
            onclick: () => void decide(true),
          },
          prompt.kind === 'share' ? 'Share' : prompt.kind === 'receive' ? 'Add record' : 'Connect',
        ),
      ),
    ),
  );
  const approve = document.getElementById('approve');
  if (approve instanceof HTMLButtonElement) approval = guardApproval(approve, APPROVE_DELAY_MS);
}

async function decide(approve: boolean) {
  // an approval counts only once the guard says so, however the click came
  if (approve && !approval?.ready()) return;
  approval?.dispose();
  approval = undefined;
  const decision = document.getElementById('decision');
  for (const b of decision?.querySelectorAll('button') ?? [])
    (b as HTMLButtonElement).disabled = true;
  const approveButton = document.getElementById('approve');
  if (approve && approveButton) approveButton.textContent = 'Working…';
  const outcome = await call<PromptOutcome>({ type: 'prompt/decide', id: promptId, approve });
  if (outcome.ok) {
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
