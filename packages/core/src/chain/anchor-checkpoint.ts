import { type Account, bytesToHex, type Chain, type Client, type Transport } from 'viem';
import { getChainId } from 'viem/actions';
import type { Checkpoint } from '../ledger/checkpoint.js';
import type { SecretKey } from '../pre/keys.js';
import { type RelayParams, sendSigned } from './send-signed.js';
import { ownerAccount, registryDomain, registryTypes } from './typed-data.js';

/**
 * Anchors a ledger checkpoint on chain: the owner signs (EIP-712), the
 * relayer sends. Sizes must strictly increase per ledger and owner.
 *
 * @example
 * ```ts
 * const cp = await ledger.checkpoint(new Signer(patientSk));
 * const { blockNumber } = await anchorCheckpoint(client, { registry, checkpoint: cp, owner: patientSk });
 * ```
 */
export async function anchorCheckpoint(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  params: RelayParams & { checkpoint: Checkpoint; owner: SecretKey },
) {
  const { checkpoint, owner } = params;
  const message = {
    ledgerId: bytesToHex(checkpoint.ledger),
    size: BigInt(checkpoint.size),
    root: bytesToHex(checkpoint.root),
  };
  const signature = await ownerAccount(owner).signTypedData({
    domain: registryDomain(await getChainId(client), params.registry),
    types: registryTypes,
    primaryType: 'Anchor',
    message,
  });
  return sendSigned(client, params, 'anchor', [
    message.ledgerId,
    message.size,
    message.root,
    signature,
  ]);
}
