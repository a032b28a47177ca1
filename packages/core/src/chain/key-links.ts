import {
  type Account,
  type Address,
  type Chain,
  type Client,
  type Transport,
  zeroAddress,
} from 'viem';
import { readContract } from 'viem/actions';
import { callRegistry } from './call-registry.js';
import { registryAbi } from './registry-artifact.js';
import { keyAddress } from './typed-data.js';

type AnyClient = Client<Transport, Chain | undefined, Account | undefined>;

/**
 * Where an identity key stands in its chain of rotations.
 *
 * @example
 * ```ts
 * const { predecessor, successor }: KeyLinks = await getKeyLinks(client, { registry, key });
 * ```
 */
export type KeyLinks = {
  /** The key rotated to this one; `undefined` for a first key. */
  predecessor: Address | undefined;
  /** The key this one was rotated to; `undefined` while it is current. */
  successor: Address | undefined;
};

const orUndefined = (a: Address): Address | undefined => (a === zeroAddress ? undefined : a);

/**
 * The current identity key of `owner`'s chain of rotations on the registry:
 * `owner`'s own address when it was never rotated, else the newest key it
 * was rotated to (through at most 32 rotations). What a proxy or verifier
 * asks when a grant or ledger names an owner that may have rotated since.
 *
 * @example
 * ```ts
 * const current = await currentRegistryKey(client, { registry, owner: patientPk.toCompressedBytes() });
 * const anchor = await getAnchor(client, { registry, ledgerId, owner: current });
 * ```
 */
export async function currentRegistryKey(
  client: AnyClient,
  params: {
    registry: Address;
    /** A key of the chain: its compressed public key (33 bytes) or address. */
    owner: Uint8Array | Address;
  },
): Promise<Address> {
  return callRegistry(() =>
    readContract(client, {
      address: params.registry,
      abi: registryAbi,
      functionName: 'currentKey',
      args: [keyAddress(params.owner)],
    }),
  );
}

/**
 * The key rotated to `key` and the key `key` was rotated to, as the
 * registry records them (one step each way; `currentRegistryKey` follows
 * the whole chain).
 *
 * @example
 * ```ts
 * const { successor } = await getKeyLinks(client, { registry, key: oldPk.toCompressedBytes() });
 * if (successor) console.log(`rotated to ${successor}`);
 * ```
 */
export async function getKeyLinks(
  client: AnyClient,
  params: {
    registry: Address;
    /** The key: its compressed public key (33 bytes) or address. */
    key: Uint8Array | Address;
  },
): Promise<KeyLinks> {
  const key = keyAddress(params.key);
  const read = (functionName: 'predecessorOf' | 'successorOf') =>
    readContract(client, { address: params.registry, abi: registryAbi, functionName, args: [key] });
  const [predecessor, successor] = await callRegistry(() =>
    Promise.all([read('predecessorOf'), read('successorOf')]),
  );
  return { predecessor: orUndefined(predecessor), successor: orUndefined(successor) };
}
