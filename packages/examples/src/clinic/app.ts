/**
 * The clinic in the browser: staff sign in; the share button asks the
 * patient; the grant goes to the clinic's server, which reads the records
 * through the proxies (the reader key never reaches this page) and sends
 * them back to render. Every change the page asks of the server carries the
 * session's CSRF token, which lives in this page's memory only.
 */
import '@medvault/core/share-button';
import { pdfAttachments, renderRecords, type SharedRecordView } from '@medvault/record-view';
import type { ReadingJson } from './reading-json.js';
import type { SessionJson } from './session-routes.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const button = $('share');
const pdfUrls: string[] = [];
let currentGrant: string | undefined;
let csrfToken: string | undefined;
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
    for (const url of pdfUrls.splice(0)) URL.revokeObjectURL(url);
    $('shared').replaceChildren();
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
});

$('sign-out').addEventListener('click', async () => {
  await api('DELETE', '/api/session');
  currentGrant = undefined;
  pending = undefined;
  $('reread').hidden = true;
  status('Nothing shared yet.');
  showSession({ signedIn: false });
});

function status(text: string, kind: '' | 'ok' | 'bad' = '') {
  const el = $('read-status');
  el.textContent = text;
  el.className = `status ${kind}`;
}

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

function show(reading: ReadingJson) {
  currentGrant = reading.grantId;
  $('reread').hidden = false;
  const views: SharedRecordView[] = reading.records.map((r) => ({
    cid: r.cid,
    title: r.title,
    contentType: r.contentType,
    resourceType: r.resourceType,
    category: r.category,
    body: fromBase64(r.body),
    verification: r.verification,
  }));
  for (const url of pdfUrls.splice(0)) URL.revokeObjectURL(url);
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

async function call(path: string, body?: unknown) {
  status('Reading through the proxies…');
  const response = await api('POST', path, body ?? {});
  const json = await response.json();
  if (response.status === 401) {
    pending = { path, body };
    status('Sign in again to read what was shared.', 'bad');
    showSession({ signedIn: false }, 'Your session ended: sign in again.');
    return;
  }
  if (!response.ok) {
    status(
      `Could not read: ${json.error?.message ?? response.statusText} [${json.error?.code}]`,
      'bad',
    );
    document.body.dataset.readError = json.error?.code ?? 'ERROR';
    return;
  }
  delete document.body.dataset.readError;
  show(json as ReadingJson);
}

button.addEventListener('medvault-granted', (event) => {
  void call('/api/grants', { grant: (event as CustomEvent<{ grant: unknown }>).detail.grant });
});
button.addEventListener('medvault-denied', () => status('The patient declined to share.', 'bad'));
button.addEventListener('medvault-error', (event) => {
  const { message } = (event as CustomEvent<{ message: string }>).detail;
  status(message, 'bad');
});
$('reread').addEventListener('click', () => {
  if (currentGrant) void call(`/api/grants/${currentGrant}/read`);
});
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name=scope]')) {
  radio.addEventListener('change', () => button.setAttribute('scope', radio.value));
}

void api('GET', '/api/session')
  .then((response) => response.json() as Promise<SessionJson>)
  .then((session) => showSession(session));
