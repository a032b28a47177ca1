/**
 * What the registry holds instead of a ledger's id and a grant's terms: a
 * tagged hash of the ledger id (`ledgerKey`) and a salted commitment to a
 * grant (`grantCommitment`). Parties who know the inputs recompute them; the
 * chain's readers learn nothing they could look up.
 */
import {
  type Address,
  bytesToHex,
  encodeAbiParameters,
  encodePacked,
  type Hex,
  keccak256,
  stringToBytes,
} from 'viem';
import type { GrantScope } from '../ledger/entry.js';
import { InvalidChainInputError } from './errors.js';
import { addressOfKey, scopeHash } from './typed-data.js';

/**
 * keccak256("medvault/grant-commitment/v1"): the commitment's domain tag,
 * its first word.
 *
 * @example
 * ```ts
 * encodeAbiParameters(types, [GRANT_COMMITMENT_TAG, ledgerIdHex, grantee, scopeHash, hostHash, saltHex]);
 * ```
 */
export const GRANT_COMMITMENT_TAG: Hex = keccak256(stringToBytes('medvault/grant-commitment/v1'));

const LEDGER_KEY_TAG = 'medvault/ledger-key/v1';

function bytes32(value: Uint8Array, what: string): Hex {
  if (!(value instanceof Uint8Array) || value.length !== 32)
    throw new InvalidChainInputError(`${what} must be 32 bytes`);
  return bytesToHex(value);
}

/**
 * The key a ledger's anchors live under on chain:
 * keccak256("medvault/ledger-key/v1" ‖ ledgerId) (Solidity
 * `abi.encodePacked`). The chain sees only this, never the ledger id: whoever
 * holds the ledger (its owner, its host, a reader) recomputes it, a chain
 * reader cannot go back to the id.
 *
 * @example
 * ```ts
 * const key = ledgerKey(ledger.id); // 0x…, 32 bytes
 * ```
 */
export function ledgerKey(ledgerId: Uint8Array): Hex {
  return keccak256(
    encodePacked(['string', 'bytes32'], [LEDGER_KEY_TAG, bytes32(ledgerId, 'a ledger id')]),
  );
}

/**
 * The normalised origin of a ledger host URL (`new URL(x).origin`), what a
 * grant commitment binds; `InvalidChainInputError` unless http(s).
 *
 * @example
 * ```ts
 * ledgerHostOrigin('https://Ledger.example.org:443/v1/'); // 'https://ledger.example.org'
 * ```
 */
export function ledgerHostOrigin(ledgerHost: string): string {
  let origin: string;
  try {
    origin = new URL(ledgerHost).origin;
  } catch {
    throw new InvalidChainInputError(`the ledger host ${JSON.stringify(ledgerHost)} is not a URL`);
  }
  if (origin === 'null' || !/^https?:\/\//.test(origin))
    throw new InvalidChainInputError(
      `the ledger host ${JSON.stringify(ledgerHost)} is not an http(s) URL`,
    );
  return origin;
}

/**
 * What a grant commitment binds.
 *
 * @example
 * ```ts
 * const input: GrantCommitmentInput = { ledgerId, grantee: clinicPk, scope, ledgerHost, salt };
 * ```
 */
export type GrantCommitmentInput = {
  /** The patient's ledger id (32 bytes). */
  ledgerId: Uint8Array;
  /** The reader: compressed public key (33 bytes) or Ethereum address. */
  grantee: Uint8Array | Address;
  /** The grant's scope, as in the ledger's `grant` entry. */
  scope: GrantScope;
  /** The ledger host's URL; only its origin enters (`new URL(x).origin`). */
  ledgerHost: string;
  /** 32 random bytes, kept with the grant (ledger entry, deliveries), never on chain alone. */
  salt: Uint8Array;
};

/**
 * The salted commitment the registry stores for a grant:
 * keccak256(abi.encode(TAG, ledgerId, granteeAddress, scopeHash,
 * keccak256(ledgerHostOrigin), salt)), TAG = keccak256("medvault/grant-commitment/v1").
 * Whoever knows the five inputs checks the on-chain grant against them;
 * without the salt, nobody can test guesses of the ledger, reader or scope.
 *
 * @example
 * ```ts
 * const salt = randomBytes(32);
 * const c = grantCommitment({ ledgerId, grantee: clinicPk, scope, ledgerHost: 'https://ledger.example', salt });
 * const onChain = await getGrant(client, { registry, owner: patientPk, grantId });
 * if (onChain?.commitment !== c) throw new Error('not the grant I was told about');
 * ```
 */
export function grantCommitment(input: GrantCommitmentInput): Hex {
  const grantee = input.grantee instanceof Uint8Array ? addressOfKey(input.grantee) : input.grantee;
  return keccak256(
    encodeAbiParameters(
      [
        { type: 'bytes32' },
        { type: 'bytes32' },
        { type: 'address' },
        { type: 'bytes32' },
        { type: 'bytes32' },
        { type: 'bytes32' },
      ],
      [
        GRANT_COMMITMENT_TAG,
        bytes32(input.ledgerId, 'a ledger id'),
        grantee,
        scopeHash(input.scope),
        keccak256(stringToBytes(ledgerHostOrigin(input.ledgerHost))),
        bytes32(input.salt, 'a grant salt'),
      ],
    ),
  );
}
