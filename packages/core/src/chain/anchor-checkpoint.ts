import { type Account, bytesToHex, type Chain, type Client, type Transport } from 'viem';
import type { Checkpoint } from '../ledger/checkpoint.js';
import type { SecretKey } from '../pre/keys.js';
import { ledgerKey } from './commitment.js';
import {
  deadlineSeconds,
  type RelayParams,
  type SentCall,
  type SignatureParams,
  sendSigned,
  signCall,
} from './send-signed.js';

/**
 * Anchors a ledger checkpoint on chain: the owner signs (EIP-712), the
 * relayer sends. Sizes must strictly increase per ledger and owner. The
 * chain sees `ledgerKey(checkpoint.ledger)`, never the ledger id.
 *
 * @example
 * ```ts
 * const cp = await ledger.checkpoint(new Signer(patientSk));
 * const { blockNumber } = await anchorCheckpoint(client, { registry, checkpoint: cp, owner: patientSk });
 * ```
 */
export async function anchorCheckpoint(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  params: RelayParams & SignatureParams & { checkpoint: Checkpoint; owner: SecretKey },
): Promise<SentCall> {
  const { checkpoint, owner } = params;
  const message = {
    ledgerKey: ledgerKey(checkpoint.ledger),
    size: BigInt(checkpoint.size),
    root: bytesToHex(checkpoint.root),
    deadline: await deadlineSeconds(client, params.deadline),
  };
  const signature = await signCall(client, params.registry, owner, 'Anchor', message);
  return sendSigned(client, params, 'anchor', [
    message.ledgerKey,
    message.size,
    message.root,
    message.deadline,
    signature,
  ]);
}
