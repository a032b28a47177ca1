/**
 * Test and preview support: the generated sample records as the clinic
 * would hold them after opening and verifying them. Node only (hashing),
 * not part of the view's public face.
 * @module
 */
import { createHash } from 'node:crypto';
import type { RecordVerification, SharedRecordView } from '@medvault/record-view';
import type { SampleRecord } from './record.js';

/**
 * A verification of the kind a fully checked record gets: anchored, with a
 * proof and an anchor to inspect.
 *
 * @example
 * ```ts
 * anchored(2).blockNumber; // 1042
 * ```
 */
export function anchored(index: number): RecordVerification {
  const block = 1040 + index;
  return {
    status: 'anchored',
    detail: `Inclusion proof checked against checkpoint ${index + 3}, anchored in block ${block}`,
    proofUrl: `https://ledger-host.example.org/proofs/${index + 1}`,
    anchorUrl: `https://explorer.example.org/block/${block}`,
    blockNumber: block,
    entrySeq: index + 1,
  };
}

/**
 * Sample records as shared record views, with CID-shaped stand-ins
 * (`bafkrei` + the sha-256 of the body) and a verification per record
 * (`anchored` unless `verify` says otherwise).
 *
 * @example
 * ```ts
 * const views = sampleViews((await generateSamples())[0]!.records);
 * ```
 */
export function sampleViews(
  records: readonly SampleRecord[],
  verify: (index: number) => RecordVerification = anchored,
): SharedRecordView[] {
  return records.map((record, i) => {
    const view: SharedRecordView = {
      cid: `bafkrei${createHash('sha256').update(record.bytes).digest('hex').slice(0, 52)}`,
      contentType: record.contentType,
      title: record.title,
      body: record.bytes,
      verification: verify(i),
    };
    if (record.resourceType) view.resourceType = record.resourceType;
    if (record.category) view.category = record.category;
    return view;
  });
}
