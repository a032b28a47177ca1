/**
 * A SMART Health Link a patient brings (pasted at the desk, or read from
 * her QR code): the clinic's server resolves it as any SHL receiver would,
 * naming itself as the recipient, and hands the files to the page in the
 * shape the clinician view takes — each marked as from a link, checked
 * against no ledger.
 */
import { BaseError } from '@medvault/core';
import { resolveLink } from '@medvault/core/health-links';
import { HttpError } from '@medvault/node/http';
import type { RecordJson } from './reading-json.js';

/**
 * What the page gets for a link: what its label and expiry say, and its files.
 *
 * @example
 * ```ts
 * const { label, exp, records }: HealthLinkJson = await response.json();
 * ```
 */
export type HealthLinkJson = {
  label?: string;
  /** When the link says it stops working (ms), if it says. */
  expiresAt?: number;
  /** Whether the link is long-term (it may change). */
  longTerm: boolean;
  records: Omit<RecordJson, 'author' | 'verification'>[] &
    {
      verification: { status: 'link'; detail: string };
    }[];
};

const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/**
 * Opens `link` with `passcode` as `recipient`. A link that is malformed,
 * expired, ended, refused or tampered with is a 422 carrying the SHL
 * library's code and its words; a body that is not `{ link, passcode? }` is
 * `CLINIC_BAD_LINK`.
 *
 * @example
 * ```ts
 * const json = await openHealthLink({ link: 'shlink:/…', passcode: '4821' }, 'Riverside Clinic');
 * ```
 */
export async function openHealthLink(body: unknown, recipient: string): Promise<HealthLinkJson> {
  const { link, passcode } = (body ?? {}) as { link?: unknown; passcode?: unknown };
  if (
    typeof link !== 'string' ||
    link.length > 4096 ||
    (passcode !== undefined && typeof passcode !== 'string')
  ) {
    throw new HttpError(
      400,
      'CLINIC_BAD_LINK',
      'expected { link: "shlink:/…" (at most 4096 characters), passcode?: string }',
    );
  }
  try {
    const resolved = await resolveLink(link.trim(), {
      recipient,
      ...(passcode ? { passcode } : {}),
    });
    return {
      ...(resolved.label ? { label: resolved.label } : {}),
      ...(resolved.exp ? { expiresAt: resolved.exp * 1000 } : {}),
      longTerm: (resolved.flag ?? '').includes('L'),
      records: resolved.files.map((file, i) => ({
        cid: `link-file-${i + 1}`,
        contentType: file.contentType.split(';')[0] ?? file.contentType,
        time: Date.now(),
        title: `${resolved.label ?? 'Shared link'} — file ${i + 1}`,
        body: toBase64(file.bytes),
        verification: {
          status: 'link' as const,
          detail: 'Opened from a SMART Health Link; not checked against a ledger',
        },
      })),
    } as HealthLinkJson;
  } catch (error) {
    if (error instanceof BaseError) throw new HttpError(422, error.code, error.shortMessage);
    throw error;
  }
}
