/**
 * Ending a share: the revoke entry in the ledger, the revocation on chain
 * (every proxy checks it before every re-encryption, so even one that never
 * hears of the revocation refuses), and a request to every proxy to forget
 * its fragment.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { revokeGrant } from '../chain/grants.js';
import type { SecretKey } from '../pre/keys.js';
import { Signer } from '../pre/signing.js';
import { type CallOptions, callProxy, failureOf } from './call-proxy.js';
import type { ProxyFailure } from './errors.js';
import type { Grant } from './grant.js';
import type { ChainAccess, LedgerAccess } from './grant-access.js';

/** Parameters of `revokeAccess`. */
export type RevokeAccessParams = {
  /** The patient's identity key. */
  identity: SecretKey;
  grant: Grant;
  ledger: LedgerAccess;
  chain: ChainAccess;
} & CallOptions;

/**
 * Revokes a grant; resolves once the revocation is on chain and in the
 * ledger, reporting proxies that could not be told to forget (they refuse
 * anyway: the chain says the grant is revoked).
 *
 * @example
 * ```ts
 * const { unreachable } = await revokeAccess({ identity, grant, ledger: { host, ledgerId }, chain: { client, registry } });
 * ```
 */
export async function revokeAccess(
  params: RevokeAccessParams,
): Promise<{ unreachable: ProxyFailure[] }> {
  const signer = new Signer(params.identity);
  const grantId = hexToBytes(params.grant.grantId);
  // a grant registered under an earlier identity key is revoked by the current one
  const namespace = params.grant.patient.equals(params.identity.publicKey())
    ? {}
    : { namespace: params.grant.patient.toCompressedBytes() };
  await revokeGrant(params.chain.client, {
    registry: params.chain.registry,
    relayer: params.chain.relayer,
    owner: params.identity,
    grantId,
    ...namespace,
  });
  await params.ledger.host.submit(params.ledger.ledgerId, 'revoke', { grantId }, signer);
  const results = await Promise.allSettled(
    params.grant.proxies.map((proxy) =>
      callProxy(proxy, 'DELETE', `/v1/grants/${params.grant.grantId}`, undefined, signer, params),
    ),
  );
  return {
    unreachable: results.flatMap((r, i) =>
      r.status === 'rejected' ? [failureOf(params.grant.proxies[i] as never, r.reason)] : [],
    ),
  };
}
