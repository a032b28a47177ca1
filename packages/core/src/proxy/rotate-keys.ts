/**
 * Rotation on revocation: the categories a revoked grant covered move to
 * their next epoch, so records sealed from now on are out of reach of
 * whatever its proxies and reader kept. Every other active grant over those
 * categories gets fragments for the new epoch at once (the same proxies and
 * threshold, no new prompt for the sites), so it keeps reading new records.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import type { PatientKeys } from '../keys/patient-keys.js';
import { nextEncryptionKeys } from '../ledger/encryption-keys.js';
import type { LedgerState } from '../ledger/state.js';
import { PublicKey, type SecretKey } from '../pre/keys.js';
import { Signer } from '../pre/signing.js';
import { type CallOptions, failureOf } from './call-proxy.js';
import type { ProxyFailure } from './errors.js';
import { deliverFragments, makeFragmentSets } from './fragment-sets.js';
import type { LedgerAccess } from './grant-access.js';
import { type GrantInfo, indexLedger } from './record-index.js';

/** Parameters of `rotateCategories`. */
export type RotateCategoriesParams = {
  /** The patient's identity key: signs the new keys' entry and every fragment. */
  identity: SecretKey;
  /** The patient's key hierarchy (the wallet's background only). */
  keys: PatientKeys;
  ledger: LedgerAccess;
  /** The patient's ledger as verified just now: its state and entries. */
  verified: { state: LedgerState; entries: readonly Uint8Array[] };
  /** The categories to move to their next epoch. */
  categories: readonly string[];
  /** Clock (ms), for which grants are still active. */
  now?: number;
} & CallOptions;

/** One grant given fragments for the new epochs, and the proxies that did not take them. */
export type GrantUpdate = { grantId: string; categories: string[]; failures: ProxyFailure[] };

/** What a rotation did. */
export type RotateCategoriesResult = {
  /** Each category's new epoch. */
  rotated: { category: string; epoch: number }[];
  /** The other active grants over those categories, now delegating the new keys too. */
  updated: GrantUpdate[];
};

/**
 * Moves `categories` to their next epoch: publishes the new keys (an
 * `encryption-keys` entry), then delivers, for every other active grant
 * over any of them, a fragment set of each new key to each of its proxies.
 * A proxy that does not take its fragments is reported in `failures`: with
 * fewer than the threshold, that grant cannot read records of the new epoch
 * until the wallet delivers again.
 *
 * @example
 * ```ts
 * await revokeAccess({ identity, grant, ledger, chain });
 * const { rotated, updated } = await rotateCategories({
 *   identity, keys, ledger, verified: { state: local.state, entries: local.allEntryBytes() },
 *   categories: grant.categories,
 * });
 * ```
 */
export async function rotateCategories(
  params: RotateCategoriesParams,
): Promise<RotateCategoriesResult> {
  const signer = new Signer(params.identity);
  const body = nextEncryptionKeys(params.keys, params.verified.state, params.categories, {
    rotate: true,
  });
  if (!body) return { rotated: [], updated: [] };
  await params.ledger.host.submit(params.ledger.ledgerId, 'encryption-keys', body, signer);
  const rotated = body.keys.map(({ category, epoch }) => ({ category, epoch }));
  const now = params.now ?? Date.now();
  const active = [...indexLedger(params.verified.entries).grants.values()].filter(
    (g) => !g.revoked && g.expiresAt > now && g.categories.some((c) => epochOf(rotated, c)),
  );
  const updated = await Promise.all(
    active.map((grant) => extendGrant(grant, rotated, params, signer)),
  );
  return { rotated, updated };
}

const epochOf = (rotated: { category: string; epoch: number }[], category: string) =>
  rotated.find((r) => r.category === category);

/** Delivers the new epochs' fragments of `grant` to each of its proxies. */
async function extendGrant(
  grant: GrantInfo,
  rotated: { category: string; epoch: number }[],
  params: RotateCategoriesParams,
  signer: Signer,
): Promise<GrantUpdate> {
  const delegations = grant.categories.flatMap((category) => {
    const r = epochOf(rotated, category);
    return r ? [{ ...r, secretKey: params.keys.encryptionKey(category, r.epoch) }] : [];
  });
  const reader = PublicKey.fromCompressedBytes(grant.grantee);
  const proxies = grant.proxyEndpoints.map((p) => ({
    url: p.url,
    publicKey: PublicKey.fromCompressedBytes(p.key),
  }));
  const sets = makeFragmentSets(delegations, reader, signer, grant.threshold, proxies.length);
  const terms = {
    grantId: grant.grantId,
    patient: PublicKey.fromCompressedBytes(grant.author),
    ledgerId: params.ledger.ledgerId,
    ledgerHost: grant.ledgerHost,
    reader,
    scope: grant.scope,
    expiresAt: grant.expiresAt,
    salt: bytesToHex(grant.salt),
  };
  const results = await Promise.allSettled(
    proxies.map((proxy, i) =>
      deliverFragments(proxy, terms, sets.sealedFor(i, proxy.publicKey), signer, params),
    ),
  );
  return {
    grantId: grant.grantId,
    categories: delegations.map((d) => d.category),
    failures: results.flatMap((r, i) =>
      r.status === 'rejected' ? [failureOf(proxies[i] as never, r.reason)] : [],
    ),
  };
}
