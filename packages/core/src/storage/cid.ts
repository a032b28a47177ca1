/**
 * Blob addresses: CIDv1 with the sha2-256 multihash, codec raw (a blob of
 * 1 MiB or less) or dag-pb (the UnixFS root of a larger one).
 */
import * as dagPb from '@ipld/dag-pb';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { InvalidCidError } from './errors.js';

export { CID };

/** Codecs a blob's blocks may have. */
export const BLOCK_CODECS: ReadonlySet<number> = new Set([raw.code, dagPb.code]);

/** Whether `cid` is an address this library produces and can verify. */
function supported(cid: CID): boolean {
  return cid.version === 1 && BLOCK_CODECS.has(cid.code) && cid.multihash.code === sha256.code;
}

/**
 * Parses a blob address from a string or CID; throws `InvalidCidError` for
 * anything else (a CIDv0, another hash or codec, junk).
 *
 * @example
 * ```ts
 * const cid = parseCid('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy');
 * ```
 */
export function parseCid(input: string | CID): CID {
  let cid: CID | null;
  try {
    cid = typeof input === 'string' ? CID.parse(input.trim()) : CID.asCID(input);
  } catch (cause) {
    throw new InvalidCidError(input, cause);
  }
  if (!cid || !supported(cid)) throw new InvalidCidError(input);
  return cid;
}
