import {
  type Account,
  type Address,
  bytesToHex,
  type Chain,
  type Client,
  type Hex,
  type Transport,
} from 'viem';
import { readContract } from 'viem/actions';
import type { SecretKey } from '../pre/keys.js';
import { callRegistry } from './call-registry.js';
import { type GrantCommitmentInput, grantCommitment } from './commitment.js';
import { InvalidChainInputError } from './errors.js';
import { registryAbi } from './registry-artifact.js';
import {
  deadlineSeconds,
  type RelayParams,
  refusedOrFailed,
  type SentCall,
  type SignatureParams,
  sendSigned,
  signCall,
} from './send-signed.js';
import { keyAddress, ownerAccount } from './typed-data.js';

type AnyClient = Client<Transport, Chain | undefined, Account | undefined>;

/**
 * A grant as the registry stores it.
 *
 * @example
 * ```ts
 * const g: OnChainGrant | undefined = await getGrant(client, { registry, owner, grantId });
 * ```
 */
export type OnChainGrant = {
  /** Expiry, ms since the epoch (stored in seconds). */
  expiresAt: number;
  /** Whether its owner revoked it. */
  revoked: boolean;
  /** The salted commitment (`grantCommitment`) its owner signed. */
  commitment: Hex;
};

/**
 * How `registerGrant` ended.
 *
 * @example
 * ```ts
 * const r = await registerGrant(client, params);
 * if (!r.alreadyRegistered) console.log(`registered in block ${r.blockNumber}`);
 * ```
 */
export type RegisterGrantResult =
  | ({ alreadyRegistered: false } & SentCall)
  /**
   * The very grant (same commitment and expiry, not revoked) was already
   * registered by its owner's signature — typically someone relayed the
   * owner's own signed call first. The job is done; nothing was sent.
   */
  | { alreadyRegistered: true };

/**
 * How `revokeGrant` ended.
 *
 * @example
 * ```ts
 * const r = await revokeGrant(client, { registry, owner, grantId });
 * if (r.alreadyRevoked) console.log('someone relayed the revocation first');
 * ```
 */
export type RevokeGrantResult =
  | ({ alreadyRevoked: false } & SentCall)
  /** The owner's grant was already revoked (someone relayed the owner's revocation first); nothing was sent. */
  | { alreadyRevoked: true };

function grantIdHex(grantId: Uint8Array): Hex {
  if (!(grantId instanceof Uint8Array) || grantId.length !== 32)
    throw new InvalidChainInputError('a grant id must be 32 bytes');
  return bytesToHex(grantId);
}

/**
 * Registers a grant on chain, signed by the ledger's owner and relayed by
 * anyone. The chain receives only the grant id, the salted
 * `grantCommitment` of (ledger, reader, scope, ledger host) and the expiry;
 * the grant lives under (owner, grantId), so a stranger registering the same
 * id lands in their own namespace and cannot block the owner. If the owner's
 * grant is already there, unrevoked, with this commitment and expiry
 * (someone relayed the owner's signed call first), resolves
 * `{ alreadyRegistered: true }`; with other terms, or revoked, it fails with
 * `RegistryRevertError` `GrantExists`.
 *
 * @example
 * ```ts
 * const salt = randomBytes(32);
 * await registerGrant(client, { registry, owner: patientSk, grantId, ledgerId, grantee: clinicPk,
 *   scope, ledgerHost: 'https://ledger.example', salt, expiresAt: Date.now() + 30 * 86_400_000 });
 * ```
 */
export async function registerGrant(
  client: AnyClient,
  params: RelayParams &
    SignatureParams &
    GrantCommitmentInput & {
      /** The ledger's owner, who signs. */
      owner: SecretKey;
      /** 32 random bytes. */
      grantId: Uint8Array;
      /** Expiry in milliseconds since the epoch (the ledger's unit); stored in seconds. */
      expiresAt: number;
    },
): Promise<RegisterGrantResult> {
  const message = {
    grantId: grantIdHex(params.grantId),
    commitment: grantCommitment(params),
    expiresAt: BigInt(Math.floor(params.expiresAt / 1000)),
    deadline: await deadlineSeconds(client, params.deadline),
  };
  const signature = await signCall(client, params.registry, params.owner, 'RegisterGrant', message);
  try {
    const sent = await sendSigned(client, params, 'registerGrant', [
      message.grantId,
      message.commitment,
      message.expiresAt,
      message.deadline,
      signature,
    ]);
    return { alreadyRegistered: false, ...sent };
  } catch (error) {
    if (refusedOrFailed(error, 'GrantExists')) {
      const stored = await getGrant(client, {
        registry: params.registry,
        owner: ownerAccount(params.owner).address,
        grantId: params.grantId,
      });
      if (
        stored &&
        !stored.revoked &&
        stored.commitment.toLowerCase() === message.commitment.toLowerCase() &&
        stored.expiresAt === Number(message.expiresAt) * 1000
      ) {
        return { alreadyRegistered: true };
      }
    }
    throw error;
  }
}

/**
 * Revokes a grant on chain, signed by the owner and relayed by anyone.
 * Without `namespace`, the grant is the signer's own. After an identity-key
 * rotation, grants registered by an earlier key stay under that key's
 * address: pass it as `namespace` and sign with the current key (the one
 * the earlier key was rotated to, directly or through later rotations); the
 * old key itself is refused (`KeyRetiredError`). Revoking a grant already
 * revoked (someone relayed the revocation first) resolves
 * `{ alreadyRevoked: true }`; a grant the namespace never registered fails
 * with `RegistryRevertError` `UnknownGrant`, and a signer that is not the
 * namespace's current key with `NotCurrentKey`.
 *
 * @example
 * ```ts
 * await revokeGrant(client, { registry, owner: patientSk, grantId });
 * // after rotating from oldSk to newSk, a grant registered by oldSk:
 * await revokeGrant(client, { registry, owner: newSk, grantId, namespace: oldPk.toCompressedBytes() });
 * ```
 */
export async function revokeGrant(
  client: AnyClient,
  params: RelayParams &
    SignatureParams & {
      /** The current identity key, who signs. */
      owner: SecretKey;
      grantId: Uint8Array;
      /**
       * The key that registered the grant (its compressed public key or
       * address), when it is an earlier key of `owner`'s rotations. Default:
       * `owner` itself.
       */
      namespace?: Uint8Array | Address;
    },
): Promise<RevokeGrantResult> {
  const signer = ownerAccount(params.owner).address;
  const namespace = params.namespace === undefined ? signer : keyAddress(params.namespace);
  const grantId = grantIdHex(params.grantId);
  const deadline = await deadlineSeconds(client, params.deadline);
  // The signer's own grants keep the original call, so signatures and gas are as before rotation existed.
  const own = namespace.toLowerCase() === signer.toLowerCase();
  try {
    const sent = own
      ? await sendSigned(client, params, 'revokeGrant', [
          grantId,
          deadline,
          await signCall(client, params.registry, params.owner, 'RevokeGrant', {
            grantId,
            deadline,
          }),
        ])
      : await sendSigned(client, params, 'revokeGrantOf', [
          namespace,
          grantId,
          deadline,
          await signCall(client, params.registry, params.owner, 'RevokeGrantOf', {
            namespace,
            grantId,
            deadline,
          }),
        ]);
    return { alreadyRevoked: false, ...sent };
  } catch (error) {
    if (refusedOrFailed(error, 'AlreadyRevoked')) {
      const stored = await getGrant(client, {
        registry: params.registry,
        owner: namespace,
        grantId: params.grantId,
      });
      if (stored?.revoked) return { alreadyRevoked: true };
    }
    throw error;
  }
}

/**
 * The owner's grant as the registry stores it, or `undefined` when the owner
 * never registered `grantId`. What a proxy reconciles its fragments with,
 * and what a reader checks its grant's terms against (`grantCommitment`).
 *
 * @example
 * ```ts
 * const grant = await getGrant(client, { registry, owner: patientPk.toCompressedBytes(), grantId });
 * if (!grant || grant.revoked || grant.expiresAt <= Date.now()) dropFragment();
 * ```
 */
export async function getGrant(
  client: AnyClient,
  params: {
    registry: Address;
    /** The owner's compressed public key (33 bytes) or address. */
    owner: Uint8Array | Address;
    grantId: Uint8Array;
  },
): Promise<OnChainGrant | undefined> {
  const [exists, expiresAt, revoked, commitment] = await callRegistry(() =>
    readContract(client, {
      address: params.registry,
      abi: registryAbi,
      functionName: 'getGrant',
      args: [keyAddress(params.owner), grantIdHex(params.grantId)],
    }),
  );
  return exists ? { expiresAt: Number(expiresAt) * 1000, revoked, commitment } : undefined;
}

/**
 * Whether the owner's grant is registered, not revoked and not expired by
 * block time — what a proxy asks before every re-encryption.
 *
 * @example
 * ```ts
 * if (!(await isGrantActive(client, { registry, owner: patientPk.toCompressedBytes(), grantId }))) refuse();
 * ```
 */
export async function isGrantActive(
  client: AnyClient,
  params: {
    registry: Address;
    /** The owner's compressed public key (33 bytes) or address. */
    owner: Uint8Array | Address;
    grantId: Uint8Array;
  },
): Promise<boolean> {
  return callRegistry(() =>
    readContract(client, {
      address: params.registry,
      abi: registryAbi,
      functionName: 'isGrantActive',
      args: [keyAddress(params.owner), grantIdHex(params.grantId)],
    }),
  );
}
