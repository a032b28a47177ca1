/**
 * The patient's side of a share: t-of-n key fragments for the reader, one
 * delivered (encrypted and signed) to each proxy, the grant registered on
 * chain and recorded in the patient's ledger.
 */
import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils.js';
import type { Account, Address, Chain, Client, Transport } from 'viem';
import { registerGrant } from '../chain/grants.js';
import type { GrantScope } from '../ledger/entry.js';
import type { LedgerHostClient } from '../ledger-host/client.js';
import { generateKFrags } from '../pre/key-frag.js';
import type { PublicKey, SecretKey } from '../pre/keys.js';
import { Signer } from '../pre/signing.js';
import type { KfragDelivery } from './api.js';
import { type CallOptions, callProxy, failureOf, type ProxyEndpoint } from './call-proxy.js';
import { GrantDeliveryError, type ProxyFailure } from './errors.js';
import type { Grant } from './grant.js';
import { sealKfragFor } from './kfrag-delivery.js';

/** Where the patient's ledger lives. */
export type LedgerAccess = { host: LedgerHostClient; ledgerId: string };
/** The chain holding the registry, and who pays for transactions. */
export type ChainAccess = {
  client: Client<Transport, Chain | undefined, Account | undefined>;
  registry: Address;
  relayer?: Account | Address;
};

/** Parameters of `grantAccess`. */
export type GrantAccessParams = {
  /** The patient's secret key (delegating key and ledger owner). */
  patient: SecretKey;
  reader: PublicKey;
  scope: GrantScope;
  purpose: string;
  /** Expiry, ms since the epoch. */
  expiresAt: number;
  proxies: ProxyEndpoint[];
  threshold: number;
  ledger: LedgerAccess;
  chain: ChainAccess;
} & CallOptions;

/**
 * Grants `reader` access to the records in `scope` until `expiresAt`
 * through `threshold` of `proxies`. Every proxy must take its fragment, or
 * nothing is registered (`GrantDeliveryError`, and the fragments already
 * delivered are withdrawn).
 *
 * @example
 * ```ts
 * const grant = await grantAccess({ patient, reader: clinicPk, scope: { categories: ['laboratory'] },
 *   purpose: 'follow-up', expiresAt: Date.now() + 30 * 86_400_000, proxies, threshold: 2,
 *   ledger: { host, ledgerId }, chain: { client, registry } });
 * ```
 */
export async function grantAccess(params: GrantAccessParams): Promise<Grant> {
  const signer = new Signer(params.patient);
  const grantId = bytesToHex(randomBytes(32));
  const kfrags = generateKFrags(
    params.patient,
    params.reader,
    signer,
    params.threshold,
    params.proxies.length,
    true,
    true,
  );
  const hex = (pk: PublicKey) => bytesToHex(pk.toCompressedBytes());
  const results = await Promise.allSettled(
    params.proxies.map((proxy, i) => {
      const body: KfragDelivery = {
        ledgerId: params.ledger.ledgerId,
        ledgerHost: params.ledger.host.url,
        patient: hex(params.patient.publicKey()),
        verifyingKey: hex(signer.verifyingKey()),
        reader: hex(params.reader),
        kfrag: sealKfragFor(proxy.publicKey, kfrags[i] as (typeof kfrags)[number]),
      };
      return callProxy(proxy, 'PUT', `/v1/grants/${grantId}/kfrag`, body, signer, params);
    }),
  );
  const failures: ProxyFailure[] = results.flatMap((r, i) =>
    r.status === 'rejected' ? [failureOf(params.proxies[i] as ProxyEndpoint, r.reason)] : [],
  );
  if (failures.length > 0) {
    await Promise.allSettled(
      params.proxies.map((proxy, i) =>
        results[i]?.status === 'fulfilled'
          ? callProxy(proxy, 'DELETE', `/v1/grants/${grantId}`, undefined, signer, params)
          : undefined,
      ),
    );
    throw new GrantDeliveryError(failures);
  }
  await registerGrant(params.chain.client, {
    registry: params.chain.registry,
    relayer: params.chain.relayer,
    owner: params.patient,
    grantId: hexToBytes(grantId),
    ledgerId: hexToBytes(params.ledger.ledgerId),
    grantee: params.reader.toCompressedBytes(),
    scope: params.scope,
    expiresAt: params.expiresAt,
  });
  await params.ledger.host.submit(
    params.ledger.ledgerId,
    'grant',
    {
      grantId: hexToBytes(grantId),
      grantee: params.reader.toCompressedBytes(),
      scope: params.scope,
      purpose: params.purpose,
      expiresAt: params.expiresAt,
      proxies: params.proxies.map((p) => ({ url: p.url, key: p.publicKey.toCompressedBytes() })),
      threshold: params.threshold,
    },
    signer,
  );
  return {
    grantId,
    ledgerId: params.ledger.ledgerId,
    patient: params.patient.publicKey(),
    verifyingKey: signer.verifyingKey(),
    reader: params.reader,
    scope: params.scope,
    purpose: params.purpose,
    expiresAt: params.expiresAt,
    proxies: params.proxies,
    threshold: params.threshold,
  };
}
