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

/** Seals, stores and hands over one record; the list item shows each step. */
async function send(record: RecordSummary, bytes: Uint8Array) {
  if (!wallet || !patientKey) return setStatus('Connect the patient’s MedVault first.', 'bad');
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
  } catch (error) {
    const e = error as ProviderError;
    pill.textContent = e.code === 4001 ? 'Declined by the patient' : `Failed: ${e.message}`;
    pill.className = 'pill bad';
    item.dataset.state = e.code === 4001 ? 'declined' : 'failed';
  }
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
    (button as HTMLButtonElement).disabled = !patientKey;
    button.addEventListener('click', async () => {
      (button as HTMLButtonElement).disabled = true;
      const response = await fetch(`/api/charts/${chart?.id}/${record.name}`);
      await send(record, new Uint8Array(await response.arrayBuffer()));
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
        ),
        button,
      ),
    );
  }
}

async function upload(event: Event) {
  event.preventDefault();
  const file = ($('file') as HTMLInputElement).files?.[0];
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  const isPdf = file.type === 'application/pdf' || file.name.toLowerCase().endsWith('.pdf');
  let resourceType = 'DocumentReference';
  if (!isPdf) {
    try {
      resourceType = String(
        (JSON.parse(new TextDecoder().decode(bytes)) as { resourceType?: string }).resourceType ??
          '',
      );
      if (!resourceType) throw new Error('no resourceType');
    } catch {
      return setStatus('That file is neither a PDF nor a FHIR JSON resource.', 'bad');
    }
  }
  await send(
    {
      name: file.name,
      title: ($('upload-title') as HTMLInputElement).value.trim() || file.name,
      contentType: isPdf ? 'application/pdf' : 'application/fhir+json',
      resourceType,
      category: ($('upload-category') as HTMLSelectElement).value,
    },
    bytes,
  );
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
