/**
 * A DocumentReference's attachments, read from the server through the
 * client under a size cap, checked against the size and SHA-1 hash the
 * DocumentReference states, and embedded in its record — all of them or
 * the record is not imported: nothing lands half.
 */

import { equalBytes } from '@noble/curves/utils.js';
import { sha1 } from '@noble/hashes/legacy.js';
import {
  ImportAttachmentMismatchError,
  ImportAttachmentTooLargeError,
  ImportError,
} from './errors.js';
import { base64Decode, type FetchedAttachment } from './record.js';
import { onServer, type RequestContext, readCapped, requestError, send } from './requests.js';
import type { IdentifiedResource } from './resource.js';

/**
 * The attachment cap unless told otherwise: 20 MiB.
 *
 * @example
 * ```ts
 * syncFromProvider({ …params, maxAttachmentBytes: 2 * DEFAULT_MAX_ATTACHMENT_BYTES });
 * ```
 */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The attachments of a DocumentReference (`content[].attachment`). */
function attachmentsOf(resource: Record<string, unknown>): Record<string, unknown>[] {
  const content = Array.isArray(resource.content) ? resource.content : [];
  return content.flatMap((c) => (isObject(c) && isObject(c.attachment) ? [c.attachment] : []));
}

/** Checks fetched bytes against the attachment's stated size and hash. */
function checkStated(
  ref: string,
  url: string,
  attachment: Record<string, unknown>,
  bytes: Uint8Array,
) {
  if (typeof attachment.size === 'number' && attachment.size !== bytes.length) {
    throw new ImportAttachmentMismatchError(
      ref,
      url,
      `is ${bytes.length} bytes, but the DocumentReference says ${attachment.size}`,
    );
  }
  if (typeof attachment.hash === 'string') {
    const stated = base64Decode(attachment.hash);
    if (!stated || !equalBytes(stated, sha1(bytes))) {
      throw new ImportAttachmentMismatchError(
        ref,
        url,
        'does not match the SHA-1 hash the DocumentReference states',
      );
    }
  }
}

/** The bytes of one attachment URL: raw content, a Binary resource's data, or text. */
async function fetchOne(
  ctx: RequestContext,
  ref: string,
  url: string,
  contentType: string | undefined,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; contentType: string | undefined }> {
  const tooLarge = (size?: number) => new ImportAttachmentTooLargeError(ref, url, maxBytes, size);
  const { body, response } = await send(ctx, url, {
    accept: contentType ?? '*/*',
    maxBytes,
    followRedirects: true,
  }).catch((error: unknown) => {
    // node-fetch's body cap: this attachment is too large, not the page
    if (error instanceof ImportError && error.code === 'IMPORT_PAGE_TOO_LARGE') throw tooLarge();
    throw error;
  });
  const served = response?.headers.get('content-type')?.split(';')[0]?.trim() || undefined;
  if (body === undefined || body === null || body === '') {
    if (!response) return { bytes: new Uint8Array(0), contentType: served ?? contentType };
    try {
      return {
        bytes: await readCapped(response, maxBytes, tooLarge),
        contentType: served ?? contentType,
      };
    } catch (error) {
      if (error instanceof ImportError) throw error;
      throw requestError(error, url, ctx);
    }
  }
  if (typeof body === 'string') {
    const bytes = new TextEncoder().encode(body);
    if (bytes.length > maxBytes) throw tooLarge(bytes.length);
    return { bytes, contentType: served ?? contentType };
  }
  // a FHIR Binary: its content is `data`
  if (isObject(body) && body.resourceType === 'Binary') {
    const data = typeof body.data === 'string' ? base64Decode(body.data) : new Uint8Array(0);
    if (!data)
      throw new ImportAttachmentMismatchError(ref, url, 'is a Binary whose data is not base64');
    if (data.length > maxBytes) throw tooLarge(data.length);
    return {
      bytes: data,
      contentType: typeof body.contentType === 'string' ? body.contentType : contentType,
    };
  }
  // JSON content itself (the library parsed it): its text again
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  if (bytes.length > maxBytes) throw tooLarge(bytes.length);
  return { bytes, contentType: served ?? contentType };
}

/**
 * Reads every attachment of a DocumentReference that has a `url` (those
 * with inline `data` are part of the resource already; their size is
 * checked against the cap too). Throws the first failure: too large
 * (`ImportAttachmentTooLargeError`), not as stated
 * (`ImportAttachmentMismatchError`), outside the server
 * (`ImportForeignUrlError`), or what the request met.
 *
 * @example
 * ```ts
 * const attachments = await fetchAttachments(ctx, identified, DEFAULT_MAX_ATTACHMENT_BYTES);
 * ```
 */
export async function fetchAttachments(
  ctx: RequestContext,
  identified: IdentifiedResource,
  maxBytes: number,
): Promise<FetchedAttachment[]> {
  if (identified.type !== 'DocumentReference') return [];
  const out: FetchedAttachment[] = [];
  const seen = new Set<string>();
  for (const attachment of attachmentsOf(identified.resource)) {
    const contentType =
      typeof attachment.contentType === 'string' ? attachment.contentType : undefined;
    if (typeof attachment.data === 'string') {
      const data = base64Decode(attachment.data);
      if (!data)
        throw new ImportAttachmentMismatchError(identified.ref, 'inline data', 'is not base64');
      if (data.length > maxBytes) {
        throw new ImportAttachmentTooLargeError(
          identified.ref,
          'inline data',
          maxBytes,
          data.length,
        );
      }
      checkStated(identified.ref, 'inline data', attachment, data);
      continue;
    }
    // no content, or a contained resource's (part of the resource already)
    if (typeof attachment.url !== 'string' || attachment.url.startsWith('#')) continue;
    const url = onServer(attachment.url, ctx.base, `${identified.ref}'s attachment`);
    if (seen.has(url)) continue;
    seen.add(url);
    const fetched = await fetchOne(ctx, identified.ref, url, contentType, maxBytes);
    checkStated(identified.ref, url, attachment, fetched.bytes);
    out.push({ url, contentType: fetched.contentType ?? contentType, bytes: fetched.bytes });
  }
  return out;
}
