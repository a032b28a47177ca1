import {
  type Account,
  type Address,
  bytesToHex,
  type Chain,
  type Client,
  type Transport,
} from 'viem';
import { getChainId, readContract } from 'viem/actions';
import type { GrantScope } from '../ledger/entry.js';
import type { SecretKey } from '../pre/keys.js';
import { callRegistry } from './call-registry.js';
import { registryAbi } from './registry-artifact.js';
import { type RelayParams, sendSigned } from './send-signed.js';
import {
  addressOfKey,
  ownerAccount,
  registryDomain,
  registryTypes,
  scopeHash,
} from './typed-data.js';

async function signAs(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  registry: Address,
  owner: SecretKey,
  primaryType: 'RegisterGrant' | 'RevokeGrant',
  message: Record<string, unknown>,
) {
  return ownerAccount(owner).signTypedData({
    domain: registryDomain(await getChainId(client), registry),
    types: registryTypes,
    primaryType,
    message: message as never,
  });
}

/**
 * Registers a grant on chain, signed by the ledger's owner and relayed by anyone.
 *
 * @example
 * ```ts
 * await registerGrant(client, { registry, owner: patientSk, grantId, ledgerId, grantee: clinicPk, scope, expiresAt });
 * ```
 */
export async function registerGrant(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  params: RelayParams & {
    owner: SecretKey;
    grantId: Uint8Array;
    ledgerId: Uint8Array;
    /** The reader's compressed public key (33 bytes) or address. */
    grantee: Uint8Array | Address;
    scope: GrantScope;
    /** Expiry in milliseconds since the epoch (the ledger's unit); stored in seconds. */
    expiresAt: number;
  },
) {
  const message = {
    grantId: bytesToHex(params.grantId),
    ledgerId: bytesToHex(params.ledgerId),
    grantee: params.grantee instanceof Uint8Array ? addressOfKey(params.grantee) : params.grantee,
    scopeHash: scopeHash(params.scope),
    expiresAt: BigInt(Math.floor(params.expiresAt / 1000)),
  };
  const signature = await signAs(client, params.registry, params.owner, 'RegisterGrant', message);
  return sendSigned(client, params, 'registerGrant', [
    message.grantId,
    message.ledgerId,
    message.grantee,
    message.scopeHash,
    message.expiresAt,
    signature,
  ]);
}

/**
 * Revokes a grant on chain, signed by its owner and relayed by anyone.
 *
 * @example
 * ```ts
 * await revokeGrant(client, { registry, owner: patientSk, grantId });
 * ```
 */
export async function revokeGrant(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  params: RelayParams & { owner: SecretKey; grantId: Uint8Array },
) {
  const grantId = bytesToHex(params.grantId);
  const signature = await signAs(client, params.registry, params.owner, 'RevokeGrant', { grantId });
  return sendSigned(client, params, 'revokeGrant', [grantId, signature]);
}

/**
 * Whether a grant is registered, not revoked and not expired by block time —
 * what a proxy asks before every re-encryption.
 *
 * @example
 * ```ts
 * if (!(await isGrantActive(client, { registry, grantId }))) refuse();
 * ```
 */
export async function isGrantActive(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  params: { registry: Address; grantId: Uint8Array },
): Promise<boolean> {
  return callRegistry(() =>
    readContract(client, {
      address: params.registry,
      abi: registryAbi,
      functionName: 'isGrantActive',
      args: [bytesToHex(params.grantId)],
    }),
  );
}
