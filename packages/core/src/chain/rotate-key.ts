import type { Account, Chain, Client, Transport } from 'viem';
import type { SecretKey } from '../pre/keys.js';
import { getKeyLinks } from './key-links.js';
import {
  deadlineSeconds,
  type RelayParams,
  refusedOrFailed,
  type SentCall,
  type SignatureParams,
  sendSigned,
  signCall,
} from './send-signed.js';
import { ownerAccount } from './typed-data.js';

/**
 * How `rotateRegistryKey` ended.
 *
 * @example
 * ```ts
 * const r = await rotateRegistryKey(client, { registry, oldOwner, newOwner });
 * if (r.alreadyRotated) console.log('someone relayed this rotation first');
 * ```
 */
export type RotateKeyResult =
  | ({ alreadyRotated: false } & SentCall)
  /**
   * The old key was already rotated to this very new key (someone relayed
   * the two signatures first); nothing was sent.
   */
  | { alreadyRotated: true };

/**
 * Rotates the patient's identity key on the registry, after theft: from
 * then on the old key can no longer anchor, register or revoke
 * (`KeyRetiredError`); its grants stay active under its address, and the new
 * key (or a later one) revokes them with `revokeGrant({ namespace })`;
 * anchors go on under the new key. Both keys sign (EIP-712): the old key
 * names the new one (`RotateKey`), the new key accepts (`AcceptKey`), which
 * proves the new key is held. A key is retired once; the new key must differ
 * from the old, not be retired, and not have been rotated to before. If the
 * old key was already rotated to this new key (someone relayed the same
 * signatures first), resolves `{ alreadyRotated: true }`.
 *
 * The first rotation of a key wins: a thief holding the old key can rotate
 * it to a key of theirs first, so rotate as soon as a theft is suspected.
 *
 * @example
 * ```ts
 * await rotateRegistryKey(client, { registry, oldOwner: stolenSk, newOwner: freshSk });
 * await anchorCheckpoint(client, { registry, checkpoint, owner: freshSk });
 * ```
 */
export async function rotateRegistryKey(
  client: Client<Transport, Chain | undefined, Account | undefined>,
  params: RelayParams &
    SignatureParams & {
      /** The identity key being retired; signs `RotateKey`. */
      oldOwner: SecretKey;
      /** Its successor; signs `AcceptKey`. */
      newOwner: SecretKey;
    },
): Promise<RotateKeyResult> {
  const oldKey = ownerAccount(params.oldOwner).address;
  const newKey = ownerAccount(params.newOwner).address;
  const deadline = await deadlineSeconds(client, params.deadline);
  const [oldKeySig, newKeySig] = await Promise.all([
    signCall(client, params.registry, params.oldOwner, 'RotateKey', { newKey, deadline }),
    signCall(client, params.registry, params.newOwner, 'AcceptKey', { oldKey, deadline }),
  ]);
  try {
    const sent = await sendSigned(client, params, 'rotateKey', [
      oldKey,
      newKey,
      deadline,
      oldKeySig,
      newKeySig,
    ]);
    return { alreadyRotated: false, ...sent };
  } catch (error) {
    if (refusedOrFailed(error, 'KeyRetired')) {
      const { successor } = await getKeyLinks(client, { registry: params.registry, key: oldKey });
      if (successor?.toLowerCase() === newKey.toLowerCase()) return { alreadyRotated: true };
    }
    throw error;
  }
}
