/**
 * The registry's EIP-712 domain and message types, and the owner's signing
 * key as a viem account (the same secp256k1 key as the patient's ledger key).
 */
import { type Address, bytesToHex, type Hex, keccak256, toHex } from 'viem';
import { privateKeyToAccount, publicKeyToAddress } from 'viem/accounts';
import { encodeCanonical } from '../ledger/cbor.js';
import type { GrantScope } from '../ledger/entry.js';
import { Point } from '../pre/curve.js';
import type { SecretKey } from '../pre/keys.js';

/**
 * The EIP-712 domain of a registry deployment.
 *
 * @example
 * ```ts
 * const sig = await account.signTypedData({ domain: registryDomain(chainId, registry),
 *   types: registryTypes, primaryType: 'RevokeGrant', message: { grantId, deadline } });
 * ```
 */
export function registryDomain(chainId: number, registry: Address) {
  return { name: 'MedVaultRegistry', version: '1', chainId, verifyingContract: registry } as const;
}

/**
 * EIP-712 types of the registry's signed messages; every one carries a
 * `deadline` (seconds, block time) after which the registry refuses it.
 * `RevokeGrantOf` revokes a grant of an earlier key of the signer's chain;
 * a key rotation needs `RotateKey` signed by the old key and `AcceptKey`
 * signed by the new one.
 *
 * @example
 * ```ts
 * const message = { ledgerKey: ledgerKey(ledger.id), size: 4n, root, deadline: 1_900_000_000n };
 * await account.signTypedData({ domain, types: registryTypes, primaryType: 'Anchor', message });
 * ```
 */
export const registryTypes = {
  Anchor: [
    { name: 'ledgerKey', type: 'bytes32' },
    { name: 'size', type: 'uint64' },
    { name: 'root', type: 'bytes32' },
    { name: 'deadline', type: 'uint64' },
  ],
  RegisterGrant: [
    { name: 'grantId', type: 'bytes32' },
    { name: 'commitment', type: 'bytes32' },
    { name: 'expiresAt', type: 'uint64' },
    { name: 'deadline', type: 'uint64' },
  ],
  RevokeGrant: [
    { name: 'grantId', type: 'bytes32' },
    { name: 'deadline', type: 'uint64' },
  ],
  RevokeGrantOf: [
    { name: 'namespace', type: 'address' },
    { name: 'grantId', type: 'bytes32' },
    { name: 'deadline', type: 'uint64' },
  ],
  RotateKey: [
    { name: 'newKey', type: 'address' },
    { name: 'deadline', type: 'uint64' },
  ],
  AcceptKey: [
    { name: 'oldKey', type: 'address' },
    { name: 'deadline', type: 'uint64' },
  ],
} as const;

/**
 * The owner's key as a viem account that signs typed data (never sends).
 *
 * @example
 * ```ts
 * const owner = ownerAccount(patientSk).address; // the patient's address on chain
 * ```
 */
export function ownerAccount(owner: SecretKey) {
  return privateKeyToAccount(toHex(owner.toBEBytes()));
}

/**
 * The Ethereum address of a compressed secp256k1 public key (33 bytes).
 *
 * @example
 * ```ts
 * const owner = addressOfKey(patientPk.toCompressedBytes());
 * ```
 */
export function addressOfKey(compressed: Uint8Array): Address {
  return publicKeyToAddress(bytesToHex(Point.fromBytes(compressed).toBytes(false)));
}

/** An owner given as a compressed public key (33 bytes) or an address, as an address. */
export const keyAddress = (owner: Uint8Array | Address): Address =>
  owner instanceof Uint8Array ? addressOfKey(owner) : owner;

/**
 * keccak256 of the grant scope's canonical CBOR. Never sent to the chain
 * alone (it could be guessed from a short list of scopes): it enters the
 * salted `grantCommitment`.
 *
 * @example
 * ```ts
 * const h = scopeHash({ categories: ['laboratory'] });
 * ```
 */
export function scopeHash(scope: GrantScope): Hex {
  return keccak256(encodeCanonical(scope));
}
