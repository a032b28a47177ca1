/**
 * A key fragment on its way to one proxy: encrypted to the proxy's public
 * key (Umbral `encrypt`, so only that proxy can read it) — the delivery
 * request itself is signed by the patient's signer.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { Capsule } from '../pre/capsule.js';
import { KeyFrag, type VerifiedKeyFrag } from '../pre/key-frag.js';
import type { PublicKey, SecretKey } from '../pre/keys.js';
import { decryptOriginal, encrypt } from '../pre/pre.js';
import { KfragDeliveryError } from './errors.js';

/** The encrypted fragment as sent (hex fields). */
export type SealedKfrag = { capsule: string; ciphertext: string };

/** Encrypts a key fragment to one proxy. */
export function sealKfragFor(proxyPk: PublicKey, kfrag: VerifiedKeyFrag): SealedKfrag {
  const [capsule, ciphertext] = encrypt(proxyPk, kfrag.toBytes());
  return { capsule: bytesToHex(capsule.toBytes()), ciphertext: bytesToHex(ciphertext) };
}

/** Decrypts a delivered fragment with the proxy's key; it still has to be verified. */
export function openKfragDelivery(proxySk: SecretKey, sealed: SealedKfrag): KeyFrag {
  try {
    const capsule = Capsule.fromBytes(hexToBytes(sealed.capsule));
    return KeyFrag.fromBytes(decryptOriginal(proxySk, capsule, hexToBytes(sealed.ciphertext)));
  } catch (cause) {
    throw new KfragDeliveryError('it is not a key fragment encrypted to this proxy', cause);
  }
}
