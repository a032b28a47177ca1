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

/** The EIP-712 domain of a registry deployment. */
export function registryDomain(chainId: number, registry: Address) {
  return { name: 'MedVaultRegistry', version: '1', chainId, verifyingContract: registry } as const;
}

/** EIP-712 types of the registry's three signed calls. */
export const registryTypes = {
  Anchor: [
    { name: 'ledgerId', type: 'bytes32' },
    { name: 'size', type: 'uint64' },
    { name: 'root', type: 'bytes32' },
  ],
  RegisterGrant: [
    { name: 'grantId', type: 'bytes32' },
    { name: 'ledgerId', type: 'bytes32' },
    { name: 'grantee', type: 'address' },
    { name: 'scopeHash', type: 'bytes32' },
    { name: 'expiresAt', type: 'uint64' },
  ],
  RevokeGrant: [{ name: 'grantId', type: 'bytes32' }],
} as const;

/** The owner's key as a viem account that signs typed data (never sends). */
export function ownerAccount(owner: SecretKey) {
  return privateKeyToAccount(toHex(owner.toBEBytes()));
}

/** The Ethereum address of a compressed secp256k1 public key (33 bytes). */
export function addressOfKey(compressed: Uint8Array): Address {
  return publicKeyToAddress(bytesToHex(Point.fromBytes(compressed).toBytes(false)));
}

/** keccak256 of the grant scope's canonical CBOR: what the chain stores of a scope. */
export function scopeHash(scope: GrantScope): Hex {
  return keccak256(encodeCanonical(scope));
}
