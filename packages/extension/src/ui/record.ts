/**
 * One of the patient's records, opened (`record.html?cid=…`): the same
 * clinician-quality view the clinic shows — problems, medicines, results
 * with ranges and trends, PDFs inline — and a download of the record as it
 * is (FHIR JSON or PDF). The background unseals it; this page gets the
 * plaintext for display only and keeps nothing.
 */
import { pdfAttachments, renderRecords, renderStyles } from '@medvault/record-view';
import { base64 } from '@scure/base';
import type { LedgerStatus, OpenedRecord } from '../background/wallet.js';
import { call, WalletReplyError } from './client.js';
import { describeImported, describeSize, describeTime } from './describe.js';
import { brand, h, render, unlockForm } from './dom.js';
import { downloadBytes, fileName } from './download.js';

const cid = new URLSearchParams(location.search).get('cid') ?? '';

async function load() {
  render(brand('Your record'), h('main', { class: 'card wide' }, h('p', {}, 'Opening…')));
  let record: OpenedRecord;
  try {
    record = await call<OpenedRecord>({ type: 'record/open', cid });
  } catch (error) {
    if (error instanceof WalletReplyError && error.code === 'WALLET_LOCKED') return locked();
    return render(
      brand('Your record'),
      h(
        'main',
        { class: 'card wide' },
        h('h1', {}, 'This record could not be opened'),
        h('p', { class: 'notice error', role: 'alert', id: 'error' }, (error as Error).message),
        h('a', { class: 'button secondary', href: 'dashboard.html' }, 'Back to my records'),
      ),
    );
  }
  // first as in the ledger; then, once the ledger is checked against the chain, anchored if it is
  show(record);
  const status = await call<LedgerStatus>({ type: 'ledger/status' }).catch(() => undefined);
  if (status?.ok && status.anchor && record.seq < status.anchor.size) {
    show(record, Number(status.anchor.blockNumber));
  }
}

function locked() {
  render(
    brand('Your record'),
    h(
      'main',
      { class: 'card narrow' },
      h('h1', {}, 'Unlock to open this record'),
      unlockForm(load, (passphrase) => call({ type: 'unlock', passphrase })),
    ),
  );
}

function show(record: OpenedRecord, anchoredAt?: number) {
  const body = base64.decode(record.body);
  const view = {
    cid: record.cid,
    contentType: record.contentType,
    ...(record.resourceType ? { resourceType: record.resourceType } : {}),
    category: record.category,
    title: record.title,
    body,
    verification:
      anchoredAt === undefined
        ? {
            status: 'in-ledger' as const,
            detail: `Entry ${record.seq} of your ledger`,
            entrySeq: record.seq,
          }
        : {
            status: 'anchored' as const,
            detail: `Entry ${record.seq} of your ledger, checked against the chain`,
            entrySeq: record.seq,
            blockNumber: anchoredAt,
          },
  };
  const isPdf = pdfAttachments([view]).length > 0;
  const style = h('style', {});
  style.textContent = renderStyles();
  const rendered = h('div', { id: 'record-view', class: 'record-view' });
  // renderRecords escapes every value taken from the record
  rendered.innerHTML = renderRecords([view], { audience: 'patient' });
  for (const { cid: pdfCid, bytes } of pdfAttachments([view])) {
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/pdf' }));
    for (const el of rendered.querySelectorAll(`[data-pdf-cid="${CSS.escape(pdfCid)}"]`)) {
      if (el instanceof HTMLIFrameElement) el.src = url;
      else if (el instanceof HTMLAnchorElement) el.href = url;
    }
  }
  render(
    style,
    brand('Your record'),
    h(
      'main',
      { class: 'card wide', 'aria-labelledby': 'record-title' },
      h('h1', { id: 'record-title' }, record.title),
      h(
        'p',
        { class: 'hint', id: 'record-facts' },
        [
          record.provenance
            ? 'Imported from your provider'
            : record.origin
              ? `From ${new URL(record.origin).host}`
              : 'From your ledger',
          `added ${describeTime(record.recordedAt)}`,
          describeSize(body.length),
        ].join(' · '),
      ),
      record.provenance
        ? h(
            'p',
            { class: 'notice info', id: 'record-provenance' },
            describeImported(record.provenance),
          )
        : null,
      h(
        'div',
        { class: 'actions' },
        h('a', { class: 'button secondary', href: 'dashboard.html' }, 'Back to my records'),
        h(
          'button',
          {
            class: 'primary',
            id: 'download',
            onclick: () =>
              downloadBytes(
                body,
                isPdf ? 'application/pdf' : record.contentType,
                fileName(record.title, isPdf ? 'pdf' : 'json'),
              ),
          },
          isPdf ? 'Download (PDF)' : 'Download (FHIR JSON)',
        ),
      ),
      rendered,
    ),
  );
}

void load();
