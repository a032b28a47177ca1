/**
 * The hospital portal in the browser: connects the patient's wallet, seals
 * each chosen record to the patient's key right here, stores the ciphertext
 * on the blob service under the CID computed while sealing, and hands the
 * record to the wallet, where the patient confirms it into their ledger.
 */
import { sealRecordBytes } from '@medvault/core/envelope';
import { keyFingerprint, PublicKey } from '@medvault/core/pre';
import { HttpStore } from '@medvault/core/storage';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { findWallet, type MedVaultProvider, type ProviderError } from '../sites/find-wallet.js';
import type { ChartSummary, RecordSummary } from './charts.js';
import type { CheckedUpload, UploadField } from './uploads.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const store = new HttpStore({ gateway: document.body.dataset.blobService as string });
let wallet: MedVaultProvider | undefined;
let patientKey: string | undefined;
let charts: ChartSummary[] = [];

function setStatus(text: string, kind: '' | 'ok' | 'bad' = '') {
  const status = $('wallet-status');
  status.textContent = text;
  status.className = `status ${kind}`;
}

function element(tag: string, attrs: Record<string, string>, ...children: (Node | string)[]) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

async function connect() {
  wallet ??= await findWallet();
  if (!wallet)
    return setStatus('No MedVault wallet in this browser: install the extension first.', 'bad');
  setStatus('Waiting for the patient to approve in MedVault…');
  try {
    const { publicKey } = (await wallet.request({ method: 'medvault_connect' })) as {
      publicKey: string;
    };
    patientKey = publicKey;
    setStatus(`Connected · patient key ${keyFingerprint(publicKey)}`, 'ok');
    $('connect').textContent = 'Connected';
    ($('connect') as HTMLButtonElement).disabled = true;
    renderRecords();
  } catch (error) {
    const e = error as ProviderError;
    setStatus(
      e.code === 4001 ? 'The patient declined to connect.' : `Could not connect: ${e.message}`,
      'bad',
    );
  }
}

/** How sending one record ended: filed, or why not (in words for the desk). */
type Sent = { ok: true } | { ok: false; message: string };

/** Seals, stores and hands over one record; the list item shows each step. */
async function send(record: RecordSummary, bytes: Uint8Array): Promise<Sent> {
  if (!wallet || !patientKey)
    return { ok: false, message: 'Connect the patient’s MedVault first (step 1).' };
  const pill = element('span', { class: 'pill wait' }, 'Sealing…');
  const cidLine = element('div', { class: 'cid' });
  const item = element(
    'li',
    { 'data-record': record.name },
    element(
      'div',
      {},
      element('strong', {}, record.title),
      element('div', { class: 'meta' }, record.contentType),
      cidLine,
    ),
    pill,
  );
  $('sent').prepend(item);
  try {
    // sealed to the patient's key for the record's category (never the identity key)
    const category = record.category ?? 'other';
    const { publicKey: sealTo } = (await wallet.request({
      method: 'medvault_getEncryptionKey',
      params: [{ category }],
    })) as { publicKey: string };
    const sealed = await sealRecordBytes(PublicKey.fromCompressedBytes(hexToBytes(sealTo)), bytes, {
      contentType: record.contentType,
      ...(record.resourceType ? { resourceType: record.resourceType } : {}),
    });
    pill.textContent = 'Storing…';
    const cid = await store.put(sealed.bytes);
    if (!cid.equals(sealed.cid))
      throw new Error('the blob service stored the record under another address');
    cidLine.textContent = cid.toString();
    pill.textContent = 'Waiting for the patient to confirm…';
    const filed = (await wallet.request({
      method: 'medvault_receiveRecord',
      params: [
        {
          cid: cid.toString(),
          capsule: bytesToHex(sealed.capsule.toBytes()),
          contentType: record.contentType,
          ...(record.resourceType ? { resourceType: record.resourceType } : {}),
          category,
          recipient: sealTo,
          size: sealed.size,
          title: record.title,
        },
      ],
    })) as { seq: number };
    pill.textContent = `In the patient’s ledger · entry #${filed.seq}`;
    pill.className = 'pill ok';
    item.dataset.state = 'filed';
    return { ok: true };
  } catch (error) {
    const e = error as ProviderError;
    const declined = e.code === 4001;
    pill.textContent = declined ? 'Declined by the patient' : `Failed: ${e.message}`;
    pill.className = 'pill bad';
    item.dataset.state = declined ? 'declined' : 'failed';
    return {
      ok: false,
      message: declined
        ? 'The patient declined this record in their wallet.'
        : `Could not send it: ${e.message}`,
    };
  }
}

/** Shows `message` in the error slot `slot` (beside its field), marking `field` invalid; '' clears it. */
function fieldError(slot: HTMLElement, message: string, field?: HTMLElement) {
  slot.textContent = message;
  if (field) field.setAttribute('aria-invalid', message ? 'true' : 'false');
}

function renderRecords() {
  const chart = charts.find((c) => c.id === ($('chart') as HTMLSelectElement).value);
  const list = $('records');
  list.replaceChildren();
  for (const record of chart?.records ?? []) {
    const button = element(
      'button',
      { class: 'secondary', 'data-send': record.name },
      'Seal and send',
    );
    const errorId = `send-error-${list.childElementCount}`;
    const error = element('p', { id: errorId, class: 'field-error', role: 'alert' });
    button.setAttribute('aria-describedby', errorId);
    (button as HTMLButtonElement).disabled = !patientKey;
    button.addEventListener('click', async () => {
      (button as HTMLButtonElement).disabled = true;
      fieldError(error, '');
      const response = await fetch(`/api/charts/${chart?.id}/${record.name}`);
      const sent = await send(record, new Uint8Array(await response.arrayBuffer()));
      if (!sent.ok) fieldError(error, sent.message);
      (button as HTMLButtonElement).disabled = false;
    });
    list.append(
      element(
        'li',
        {},
        element(
          'div',
          {},
          element('strong', {}, record.title),
          element(
            'div',
            { class: 'meta' },
            `${record.resourceType ?? record.contentType} · ${record.category ?? 'uncategorised'}`,
          ),
          error,
        ),
        button,
      ),
    );
  }
}

/**
 * The upload form: the hospital's server checks the file and the category
 * first (a real FHIR R4 resource or a PDF; a category chosen), and what it
 * refuses is said beside the field it concerns; then the file is sealed and
 * sent, and what goes wrong there is said beside the form.
 */
async function upload(event: Event) {
  event.preventDefault();
  const fileInput = $<HTMLInputElement>('file');
  const categorySelect = $<HTMLSelectElement>('upload-category');
  const slots = {
    file: [$('file-error'), fileInput],
    category: [$('upload-category-error'), categorySelect],
  } as const;
  for (const [slot, field] of Object.values(slots)) fieldError(slot, '', field);
  const formError = $('upload-error');
  fieldError(formError, '');
  const submit = $<HTMLButtonElement>('upload-submit');
  submit.disabled = true;
  try {
    const file = fileInput.files?.[0];
    const bytes = new Uint8Array(file ? await file.arrayBuffer() : []);
    const response = await fetch(
      `/api/uploads/check?category=${encodeURIComponent(categorySelect.value)}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes,
      },
    ).catch(() => undefined);
    if (!response) return fieldError(formError, 'The hospital’s server could not be reached.');
    const json = (await response.json().catch(() => ({}))) as Partial<CheckedUpload> & {
      error?: { code: string; message: string };
      field?: UploadField;
    };
    if (!response.ok) {
      const field = json.field ?? (response.status === 413 ? 'file' : undefined);
      const message = json.error?.message ?? response.statusText;
      document.body.dataset.uploadError = json.error?.code ?? 'ERROR';
      if (!field) return fieldError(formError, message);
      const [slot, input] = slots[field];
      fieldError(slot, message, input);
      input.focus();
      return;
    }
    delete document.body.dataset.uploadError;
    const checked = json as CheckedUpload;
    const sent = await send(
      {
        name: file?.name ?? 'upload',
        title: $<HTMLInputElement>('upload-title').value.trim() || (file?.name ?? 'Upload'),
        contentType: checked.contentType,
        resourceType: checked.resourceType,
        category: checked.category,
      },
      bytes,
    );
    if (!sent.ok) fieldError(formError, sent.message);
  } finally {
    submit.disabled = false;
  }
}

async function main() {
  charts = (await (await fetch('/api/charts')).json()) as ChartSummary[];
  const select = $('chart') as HTMLSelectElement;
  for (const chart of charts)
    select.append(
      element('option', { value: chart.id }, `${chart.name} · born ${chart.birthDate}`),
    );
  select.addEventListener('change', renderRecords);
  renderRecords();
  $('connect').addEventListener('click', connect);
  $('upload-form').addEventListener('submit', upload);
}

void main();
