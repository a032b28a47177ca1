/**
 * The clinic in the browser: staff sign in; the page lists the shares the
 * clinic's server holds (after sign-in and on every load), each with a Read
 * button; the share button asks the patient for a new one. The grant goes
 * to the clinic's server, which reads the records through the proxies (the
 * reader key never reaches this page) and sends them back to render. A
 * refused read is said in words (`refusalWords`), and whatever an earlier
 * read showed is cleared first. Every change the page asks of the server
 * carries the session's CSRF token, which lives in this page's memory only.
 */
import '@medvault/core/share-button';
import { pdfAttachments, renderRecords, type SharedRecordView } from '@medvault/record-view';
import type { HealthLinkJson } from './health-link.js';
import type { ReadingJson } from './reading-json.js';
import { dateWords, type RefusalJson, refusalWords } from './refusal-words.js';
import type { SessionJson } from './session-routes.js';
import type { ShareJson } from './share-list.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const button = $('share');
const pdfUrls: string[] = [];
let csrfToken: string | undefined;
/** The shares the server holds, as last listed. */
let shares: ShareJson[] = [];
/** The share whose records are on the page, if any. */
let showing: string | undefined;
/** Whether anything was read, refused or asked since sign-in (the status line then says that). */
let busy = false;
/** A read the server refused because the session had ended: sent again after sign-in. */
let pending: { path: string; body?: unknown } | undefined;

/** A call to the clinic's API, with the CSRF token when signed in. */
function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      'content-type': 'application/json',
      ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

function showSession(session: SessionJson, why = '') {
  csrfToken = session.signedIn ? session.csrfToken : undefined;
  document.body.dataset.session = session.signedIn ? 'staff' : 'none';
  $('sign-in').hidden = session.signedIn;
  $('staff-area').hidden = !session.signedIn;
  $('signed-in-as').textContent = session.signedIn ? `Signed in as ${session.username}` : '';
  const note = $('sign-in-status');
  note.textContent = why;
  note.className = `status ${why ? 'bad' : ''}`;
  if (!session.signedIn) {
    $<HTMLInputElement>('password').value = '';
    clearRecords();
    shares = [];
    renderShares();
  }
}

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = $<HTMLInputElement>('username').value;
  const password = $<HTMLInputElement>('password').value;
  const response = await api('POST', '/api/session', { username, password });
  const json = await response.json();
  if (!response.ok) {
    showSession(
      { signedIn: false },
      `${json.error?.message ?? response.statusText} [${json.error?.code}]`,
    );
    return;
  }
  showSession(json as SessionJson);
  const replay = pending;
  pending = undefined;
  if (replay) void call(replay.path, replay.body);
  await loadShares();
});

$('sign-out').addEventListener('click', async () => {
  await api('DELETE', '/api/session');
  pending = undefined;
  busy = false;
  status('Nothing shared yet.');
  showSession({ signedIn: false });
});

function status(text: string, kind: '' | 'ok' | 'bad' = '', code?: string) {
  const el = $('read-status');
  el.textContent = text;
  el.className = `status ${kind}`;
  const note = $('read-code');
  note.textContent = code ?? '';
  note.hidden = !code;
}

/** Takes whatever an earlier read showed off the page. */
function clearRecords() {
  for (const url of pdfUrls.splice(0)) URL.revokeObjectURL(url);
  $('shared').replaceChildren();
  $('proxy-report').hidden = true;
  $('proxy-report').textContent = '';
  showing = undefined;
  for (const item of $('shares').querySelectorAll<HTMLElement>('li[data-showing]'))
    delete item.dataset.showing;
}

function element(tag: string, attrs: Record<string, string>, ...children: (Node | string)[]) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

/** "Lab results · received 3 May 2026 by okafor · until 2 June 2026" (or how it ended). */
function shareMeta(share: ShareJson): string {
  const received =
    share.receivedAt === undefined
      ? ''
      : `received ${dateWords(share.receivedAt)}${share.receivedBy ? ` by ${share.receivedBy}` : ''}`;
  const until =
    share.status === 'ended'
      ? `ended by the patient ${dateWords(share.endedAt as number)}`
      : share.status === 'expired'
        ? `expired ${dateWords(share.expiresAt)}`
        : `until ${dateWords(share.expiresAt)}`;
  return [share.covers, received, until].filter(Boolean).join(' · ');
}

/** The list of shares, the most recent active one marked as the latest. */
function renderShares() {
  const list = $('shares');
  const latest = shares.find((s) => s.status === 'active')?.grantId;
  list.replaceChildren(
    ...shares.map((share) => {
      const read = element(
        'button',
        {
          class: share.grantId === latest ? 'primary' : 'secondary',
          'data-read': share.grantId,
          'aria-label': `Read the share from patient ${share.patient}`,
        },
        share.grantId === showing ? 'Read again' : 'Read',
      );
      read.addEventListener('click', () => void call(`/api/grants/${share.grantId}/read`));
      const badge =
        share.grantId === latest
          ? element('span', { class: 'badge latest' }, 'Latest')
          : share.status === 'active'
            ? ''
            : element(
                'span',
                { class: `badge ${share.status}` },
                share.status === 'ended' ? 'Ended' : 'Expired',
              );
      const item = element(
        'li',
        { 'data-grant-id': share.grantId, 'data-status': share.status },
        element(
          'div',
          {},
          element('strong', {}, `Patient ${share.patient}`),
          ` · ${share.purpose}`,
          badge,
          element('div', { class: 'meta' }, shareMeta(share)),
        ),
        read,
      );
      if (share.grantId === showing) item.dataset.showing = '';
      return item;
    }),
  );
}

/** Lists the shares the server holds; the status line says how many while nothing else was asked. */
async function loadShares() {
  const response = await api('GET', '/api/shares');
  if (response.status === 401) {
    showSession({ signedIn: false }, 'Your session ended: sign in again.');
    return;
  }
  if (!response.ok) return;
  shares = (await response.json()) as ShareJson[];
  renderShares();
  document.body.dataset.shares = String(shares.length);
  if (busy) return;
  const active = shares.filter((s) => s.status === 'active').length;
  status(
    shares.length === 0
      ? 'Nothing shared yet.'
      : `${shares.length} share${shares.length === 1 ? '' : 's'} held (${active} active): choose Read to see the records.`,
  );
}

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

function show(reading: ReadingJson) {
  const views: SharedRecordView[] = reading.records.map((r) => ({
    cid: r.cid,
    title: r.title,
    contentType: r.contentType,
    resourceType: r.resourceType,
    category: r.category,
    body: fromBase64(r.body),
    verification: r.verification,
  }));
  clearRecords();
  showing = reading.grantId;
  renderShares();
  const shared = $('shared');
  shared.innerHTML = renderRecords(views);
  for (const { cid, bytes } of pdfAttachments(views)) {
    const url = URL.createObjectURL(
      new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }),
    );
    pdfUrls.push(url);
    for (const el of shared.querySelectorAll<HTMLElement>(`[data-pdf-cid="${CSS.escape(cid)}"]`)) {
      if (el instanceof HTMLIFrameElement) el.src = url;
      else if (el instanceof HTMLObjectElement) el.data = url;
      else if (el instanceof HTMLAnchorElement) el.href = url;
    }
  }
  const n = reading.records.length;
  status(
    n === 0
      ? 'The grant covers no records yet.'
      : `${n} record${n === 1 ? '' : 's'} read and verified.`,
    'ok',
  );
  const report = $('proxy-report');
  const lines = [
    reading.failures.length
      ? `Read despite ${reading.failures.length} proxy failure(s): ${reading.failures.map((f) => `${f.proxy} (${f.code})`).join(', ')}`
      : '',
    reading.unreadable.length
      ? `${reading.unreadable.length} record(s) could not be read: ${reading.unreadable.map((f) => `${f.cid.slice(0, 16)}… (${f.code})`).join(', ')}`
      : '',
  ].filter(Boolean);
  report.hidden = lines.length === 0;
  report.textContent = lines.join(' · ');
}

/** Reads a share (a new one, or one held); what an earlier read showed goes first. */
async function call(path: string, body?: unknown) {
  busy = true;
  clearRecords();
  status('Reading through the proxies…');
  const response = await api('POST', path, body ?? {});
  const json = await response.json().catch(() => ({}));
  if (response.status === 401) {
    pending = { path, body };
    status('Sign in again to read what was shared.', 'bad');
    showSession({ signedIn: false }, 'Your session ended: sign in again.');
    return;
  }
  if (!response.ok) {
    const words = refusalWords(
      { code: json.error?.code, message: json.error?.message ?? response.statusText },
      json.refusal as RefusalJson | undefined,
    );
    status(words.text, 'bad', words.detail);
    document.body.dataset.readError = words.code;
    document.body.dataset.refusal = words.kind;
    await loadShares();
    return;
  }
  delete document.body.dataset.readError;
  delete document.body.dataset.refusal;
  show(json as ReadingJson);
  await loadShares();
}

/** A link a patient brought: resolved by the server, shown with the clinician view. */
$('link-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearRecords();
  const about = $('shl-about');
  about.hidden = true;
  status('Opening the link…');
  const response = await api('POST', '/api/health-links/open', {
    link: ($('shl-link') as HTMLInputElement).value,
    passcode: ($('shl-passcode') as HTMLInputElement).value || undefined,
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    status(json.error?.message ?? response.statusText, 'bad', json.error?.code);
    return;
  }
  const opened = json as HealthLinkJson;
  show({
    grantId: 'link',
    records: opened.records as unknown as ReadingJson['records'],
    failures: [],
    unreadable: [],
    ledgerSize: 0,
  });
  const n = opened.records.length;
  status(
    `${n} file${n === 1 ? '' : 's'} opened from the link; not checked against the patient’s ledger.`,
    'ok',
  );
  about.textContent = `The link says: “${opened.label ?? 'no label'}”, ${
    opened.expiresAt
      ? `works until ${new Date(opened.expiresAt).toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short' })}`
      : 'with no end date'
  }${opened.longTerm ? ', and may be updated by the patient' : ''}.`;
  about.hidden = false;
});

button.addEventListener('medvault-granted', (event) => {
  void call('/api/grants', { grant: (event as CustomEvent<{ grant: unknown }>).detail.grant });
});
button.addEventListener('medvault-denied', () => {
  busy = true;
  clearRecords();
  status('The patient declined to share.', 'bad');
});
button.addEventListener('medvault-error', (event) => {
  const { message } = (event as CustomEvent<{ message: string }>).detail;
  busy = true;
  clearRecords();
  status(message, 'bad');
});
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name=scope]')) {
  radio.addEventListener('change', () => button.setAttribute('scope', radio.value));
}

void api('GET', '/api/session')
  .then((response) => response.json() as Promise<SessionJson>)
  .then((session) => {
    showSession(session);
    if (session.signedIn) return loadShares();
  });
