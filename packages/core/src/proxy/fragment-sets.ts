/**
 * A grant's key fragments: one Umbral fragment set per delegated
 * encryption key (a category in an epoch), t-of-n, the identity key signing
 * every fragment; proxy i holds fragment i of every set.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import type { GrantScope } from '../ledger/entry.js';
import { generateKFrags } from '../pre/key-frag.js';
import type { PublicKey, SecretKey } from '../pre/keys.js';
import type { Signer } from '../pre/signing.js';
import type { KfragDelivery } from './api.js';
import { type CallOptions, callProxy, type ProxyEndpoint } from './call-proxy.js';
import { sealKfragFor } from './kfrag-delivery.js';

/**
 * An encryption key a grant delegates: its category, epoch and secret (held by the wallet only).
 *
 * @example
 * ```ts
 * const lab: Delegation = { category: 'laboratory', epoch: 0, secretKey: keys.encryptionKey('laboratory', 0) };
 * ```
 */
export type Delegation = { category: string; epoch: number; secretKey: SecretKey };

/**
 * What every delivery of a grant repeats: with the proxy's fragments, the request body.
 *
 * @example
 * ```ts
 * const terms: GrantTerms = { grantId, patient, ledgerId, ledgerHost, reader, scope, expiresAt, salt };
 * ```
 */
export type GrantTerms = {
  grantId: string;
  /** The identity key that registered the grant on chain (its namespace there). */
  patient: PublicKey;
  ledgerId: string;
  ledgerHost: string;
  reader: PublicKey;
  scope: GrantScope;
  expiresAt: number;
  /** The commitment salt, hex. */
  salt: string;
};

/**
 * n fragment sets, one per delegation; `sealedFor(i, proxyKey)` is what proxy i gets of each.
 *
 * @example
 * ```ts
 * const sets = makeFragmentSets([lab], readerPk, new Signer(identity), 2, 3);
 * const forFirst = sets.sealedFor(0, proxies[0].publicKey);
 * ```
 */
export function makeFragmentSets(
  delegations: readonly Delegation[],
  reader: PublicKey,
  identity: Signer,
  threshold: number,
  n: number,
) {
  const sets = delegations.map((d) => ({
    key: d.secretKey.publicKey(),
    kfrags: generateKFrags(d.secretKey, reader, identity, threshold, n, true, true),
  }));
  return {
    count: n,
    /** Fragment i of every set, each sealed to `proxy`. */
    sealedFor(i: number, proxy: PublicKey): KfragDelivery['fragments'] {
      return sets.map(({ key, kfrags }) => ({
        key: bytesToHex(key.toCompressedBytes()),
        kfrag: sealKfragFor(proxy, kfrags[i] as (typeof kfrags)[number]),
      }));
    },
  };
}

/**
 * Delivers proxy i's fragments of a grant (the identity signs the request
 * and the fragments: the key that registered the grant, or the key the
 * registry rotated it to).
 *
 * @example
 * ```ts
 * await deliverFragments(proxies[0], terms, sets.sealedFor(0, proxies[0].publicKey), new Signer(identity), {});
 * ```
 */
export function deliverFragments(
  proxy: ProxyEndpoint,
  terms: GrantTerms,
  fragments: KfragDelivery['fragments'],
  identity: Signer,
  options: CallOptions,
) {
  const body: KfragDelivery = {
    ledgerId: terms.ledgerId,
    ledgerHost: terms.ledgerHost,
    patient: bytesToHex(terms.patient.toCompressedBytes()),
    verifyingKey: bytesToHex(identity.verifyingKey().toCompressedBytes()),
    reader: bytesToHex(terms.reader.toCompressedBytes()),
    scope: terms.scope,
    expiresAt: terms.expiresAt,
    salt: terms.salt,
    fragments,
  };
  return callProxy(proxy, 'PUT', `/v1/grants/${terms.grantId}/kfrag`, body, identity, options);
}
