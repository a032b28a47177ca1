/**
 * The ledger's rules, as a state machine that every verifier runs: who may
 * write each kind, what each kind needs, and how entries chain. The state
 * after n entries is what incremental verification resumes from.
 */
import { bytesToHex, equalBytes } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { PublicKey } from '../pre/keys.js';
import { Signature, type Signer } from '../pre/signing.js';
import {
  type AnyEntry,
  type Entry,
  type EntryBody,
  hashEntry,
  isStub,
  LEDGER_VERSION,
  verifyEntrySignature,
  ZERO_HASH,
} from './entry.js';
import {
  AccessOutsideGrantError,
  ChainBrokenError,
  DuplicateRecordError,
  FutureEntryError,
  LedgerSignatureError,
  SequenceError,
  TimeOrderError,
  UnauthorizedEntryError,
  WithheldEntryError,
  WrongLedgerError,
  WrongRecipientError,
} from './errors.js';
import { MerkleFrontier } from './merkle.js';

const ROTATION_TAG = utf8ToBytes('medvault/ledger/key-rotation/v1\0');

/** A grant as the ledger knows it. */
export type GrantState = {
  grantee: Uint8Array;
  proxies: Uint8Array[];
  threshold: number;
  grantedAt: number;
  expiresAt: number;
  /** Time of the revoke entry, once revoked. */
  revokedAt?: number;
};

/** A record proposed by another author, awaiting the owner's decision. */
export type Proposal = {
  hash: Uint8Array;
  cid?: string;
  capsule?: string;
  category?: string;
  recipient?: Uint8Array;
};

/** Everything a verifier knows after verifying a prefix of the ledger. */
export type LedgerState = {
  readonly ledgerId: Uint8Array;
  /** Entries verified so far. */
  size: number;
  /** Hash of the last entry (ZERO_HASH before genesis). */
  head: Uint8Array;
  /** Time of the last entry. */
  time: number;
  /** The owner's current key (changes with key-rotation). */
  owner: Uint8Array;
  /** Grants by hex grant id. */
  grants: Map<string, GrantState>;
  /** CIDs of the records so far (each may be recorded once). */
  recordCids: Set<string>;
  /** SHA-256 (hex) of the records' capsules so far (each may be recorded once). */
  recordCapsules: Set<string>;
  /**
   * Record entries proposed by authors other than the owner and not yet
   * endorsed or rejected, by seq: their entry hash, and CID and capsule
   * hash when the body was seen.
   */
  proposals: Map<number, Proposal>;
  /** The patient's published encryption keys: per category, the key of each epoch in order. */
  encryptionKeys: Map<string, Uint8Array[]>;
  /** Every key the ledger has named as an owner or an encryption key (hex): none serves twice. */
  usedKeys: Set<string>;
  /** Merkle frontier over the verified entries. */
  frontier: MerkleFrontier;
};

/** The state before genesis. */
export function emptyState(ledgerId: Uint8Array): LedgerState {
  return {
    ledgerId,
    size: 0,
    head: ZERO_HASH,
    time: 0,
    owner: new Uint8Array(0),
    grants: new Map(),
    recordCids: new Set(),
    recordCapsules: new Set(),
    proposals: new Map(),
    encryptionKeys: new Map(),
    usedKeys: new Set(),
    frontier: new MerkleFrontier(),
  };
}

/** An independent copy, so a failed batch leaves the original untouched. */
export function cloneState(s: LedgerState): LedgerState {
  return {
    ...s,
    grants: new Map([...s.grants].map(([k, g]) => [k, { ...g }])),
    recordCids: new Set(s.recordCids),
    recordCapsules: new Set(s.recordCapsules),
    proposals: new Map(s.proposals),
    encryptionKeys: new Map([...s.encryptionKeys].map(([k, keys]) => [k, [...keys]])),
    usedKeys: new Set(s.usedKeys),
    frontier: s.frontier.clone(),
  };
}

/** What the new owner signs to accept a key rotation at this point of the ledger. */
export function keyRotationPayload(
  ledgerId: Uint8Array,
  prev: Uint8Array,
  newOwner: Uint8Array,
): Uint8Array {
  return concatBytes(ROTATION_TAG, ledgerId, prev, newOwner);
}

/** The new owner's half of a `key-rotation` body. */
export function signKeyRotation(
  newOwner: Signer,
  ledgerId: Uint8Array,
  prev: Uint8Array,
): EntryBody<'key-rotation'> {
  const newOwnerKey = newOwner.verifyingKey().toCompressedBytes();
  return {
    newOwner: newOwnerKey,
    newOwnerSig: newOwner.sign(keyRotationPayload(ledgerId, prev, newOwnerKey)).toBEBytes(),
  };
}

function requireOwner(state: LedgerState, entry: AnyEntry): void {
  if (!equalBytes(entry.author, state.owner)) {
    throw new UnauthorizedEntryError(
      `a ${entry.kind} entry must be signed by the ledger's owner`,
      entry.seq,
    );
  }
}

/** Adds a record to those counted, once per CID and per capsule. */
function countRecord(state: LedgerState, cid: string, capsule: string, seq: number): void {
  if (state.recordCids.has(cid)) throw new DuplicateRecordError('CID', seq);
  if (state.recordCapsules.has(capsule)) throw new DuplicateRecordError('capsule', seq);
  state.recordCids.add(cid);
  state.recordCapsules.add(capsule);
}

/** Refuses a record whose recipient is not a published key of its category. */
function requirePublishedKey(
  state: LedgerState,
  category: string,
  recipient: Uint8Array,
  seq: number,
): void {
  const keys = state.encryptionKeys.get(category) ?? [];
  if (!keys.some((k) => equalBytes(k, recipient))) {
    throw new WrongRecipientError(category, keys.length, seq);
  }
}

/** Marks a key as used (owner or encryption key); a key may serve once. */
function useKey(state: LedgerState, key: Uint8Array, seq: number): void {
  const hex = bytesToHex(key);
  if (state.usedKeys.has(hex)) {
    throw new UnauthorizedEntryError(
      'the key is already the owner or another encryption key of this ledger',
      seq,
    );
  }
  state.usedKeys.add(hex);
}

/**
 * The rules of a stub's kind that its header alone can check: who signed
 * it. Genesis and key-rotation change who the owner is, encryption-keys
 * what authors seal to: never withheld.
 */
function applyStub(state: LedgerState, entry: AnyEntry, hash: Uint8Array): void {
  const { seq } = entry;
  if (
    entry.kind === 'genesis' ||
    entry.kind === 'key-rotation' ||
    entry.kind === 'encryption-keys'
  ) {
    throw new WithheldEntryError(entry.kind, seq);
  }
  if (seq === 0) throw new UnauthorizedEntryError('entry 0 must be genesis', seq);
  if (['grant', 'revoke', 'emergency', 'endorse'].includes(entry.kind)) requireOwner(state, entry);
  if (entry.kind === 'record' && !equalBytes(entry.author, state.owner)) {
    state.proposals.set(seq, { hash });
  }
}

/** Applies the rules of the entry's kind (the chain and signature are already checked). */
function applyKind(state: LedgerState, entry: Entry, hash: Uint8Array): void {
  const { seq } = entry;
  if (entry.kind === 'genesis') {
    const body = entry.body as EntryBody<'genesis'>;
    if (seq !== 0) throw new UnauthorizedEntryError('genesis may only be entry 0', seq);
    if (!equalBytes(entry.author, body.owner)) {
      throw new UnauthorizedEntryError('genesis must be signed by the owner it names', seq);
    }
    state.owner = body.owner;
    useKey(state, body.owner, seq);
    return;
  }
  if (seq === 0) throw new UnauthorizedEntryError('entry 0 must be genesis', seq);
  switch (entry.kind) {
    case 'record': {
      const body = entry.body as EntryBody<'record'>;
      const capsule = bytesToHex(sha256(body.capsule));
      // The owner's own record counts at once; anyone else's is a proposal
      // that counts only once the owner endorses it (its key checked then).
      if (equalBytes(entry.author, state.owner)) {
        requirePublishedKey(state, body.category, body.recipient, seq);
        countRecord(state, body.cid, capsule, seq);
      } else {
        const { cid, category, recipient } = body;
        state.proposals.set(seq, { hash, cid, capsule, category, recipient });
      }
      return;
    }
    case 'endorse': {
      requireOwner(state, entry);
      const body = entry.body as EntryBody<'endorse'>;
      const proposal = state.proposals.get(body.proposal);
      if (!proposal) {
        throw new UnauthorizedEntryError(
          `entry ${body.proposal} is not a proposed record awaiting a decision`,
          seq,
        );
      }
      if (!equalBytes(proposal.hash, body.entryHash)) {
        throw new UnauthorizedEntryError(
          `the hash given is not that of entry ${body.proposal}`,
          seq,
        );
      }
      if (body.accept && proposal.category !== undefined && proposal.recipient !== undefined) {
        requirePublishedKey(state, proposal.category, proposal.recipient, seq);
      }
      state.proposals.delete(body.proposal);
      if (body.accept && proposal.cid !== undefined && proposal.capsule !== undefined) {
        countRecord(state, proposal.cid, proposal.capsule, seq);
      }
      return;
    }
    case 'grant': {
      requireOwner(state, entry);
      const body = entry.body as EntryBody<'grant'>;
      const id = bytesToHex(body.grantId);
      if (state.grants.has(id))
        throw new UnauthorizedEntryError('the grant id is already used', seq);
      if (body.threshold > body.proxies.length) {
        throw new UnauthorizedEntryError('the threshold exceeds the number of proxies', seq);
      }
      if (body.expiresAt <= entry.time)
        throw new UnauthorizedEntryError('the grant expires before it starts', seq);
      for (const category of body.categories) {
        // a grant may delegate only the keys of categories its scope covers:
        // t proxies and the reader can always recover the keys delegated
        if (body.scope.categories && !body.scope.categories.includes(category)) {
          throw new UnauthorizedEntryError(
            `the grant delegates category "${category}", which its scope does not cover`,
            seq,
          );
        }
        if (!state.encryptionKeys.has(category)) {
          throw new UnauthorizedEntryError(
            `the grant delegates category "${category}", which has no published key`,
            seq,
          );
        }
      }
      state.grants.set(id, {
        grantee: body.grantee,
        proxies: body.proxies.map((p) => p.key),
        threshold: body.threshold,
        grantedAt: entry.time,
        expiresAt: body.expiresAt,
      });
      return;
    }
    case 'revoke': {
      requireOwner(state, entry);
      const grant = state.grants.get(bytesToHex((entry.body as EntryBody<'revoke'>).grantId));
      if (!grant) throw new UnauthorizedEntryError('revoke names an unknown grant', seq);
      if (grant.revokedAt !== undefined)
        throw new UnauthorizedEntryError('the grant is already revoked', seq);
      grant.revokedAt = entry.time;
      return;
    }
    case 'access': {
      const body = entry.body as EntryBody<'access'>;
      const grant = state.grants.get(bytesToHex(body.grantId));
      if (!grant) throw new AccessOutsideGrantError('the grant is unknown', seq);
      if (!equalBytes(entry.author, body.proxy)) {
        throw new UnauthorizedEntryError(
          'an access entry must be signed by the proxy it names',
          seq,
        );
      }
      if (!grant.proxies.some((p) => equalBytes(p, body.proxy))) {
        throw new UnauthorizedEntryError('the proxy is not listed in the grant', seq);
      }
      if (grant.revokedAt !== undefined)
        throw new AccessOutsideGrantError('the grant was revoked before', seq);
      if (entry.time >= grant.expiresAt)
        throw new AccessOutsideGrantError('the grant had expired', seq);
      return;
    }
    case 'key-rotation': {
      requireOwner(state, entry);
      const body = entry.body as EntryBody<'key-rotation'>;
      const payload = keyRotationPayload(state.ledgerId, entry.prev, body.newOwner);
      if (
        !Signature.fromBEBytes(body.newOwnerSig).verify(
          PublicKey.fromCompressedBytes(body.newOwner),
          payload,
        )
      ) {
        throw new LedgerSignatureError('new owner', seq);
      }
      useKey(state, body.newOwner, seq);
      state.owner = body.newOwner;
      return;
    }
    case 'emergency':
      requireOwner(state, entry);
      return;
    case 'encryption-keys': {
      requireOwner(state, entry);
      const body = entry.body as EntryBody<'encryption-keys'>;
      const named = new Set<string>();
      for (const { category, epoch, key } of body.keys) {
        if (named.has(category)) {
          throw new UnauthorizedEntryError(`category "${category}" is named twice`, seq);
        }
        named.add(category);
        const keys = state.encryptionKeys.get(category) ?? [];
        if (epoch !== keys.length) {
          throw new UnauthorizedEntryError(
            `category "${category}" is at epoch ${keys.length - 1}: its next key is epoch ${keys.length}, not ${epoch}`,
            seq,
          );
        }
        useKey(state, key, seq);
        state.encryptionKeys.set(category, [...keys, key]);
      }
      return;
    }
  }
}

/**
 * How far ahead of the verifier's clock an entry may be dated: clocks of
 * honest signers drift by seconds, not minutes. Every verifier applies it
 * (hosts, proxies, wallets, readers), so an entry dated further ahead is
 * refused everywhere, never stored.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Checks `entry` as the next entry after `state` and advances the state.
 * Throws a typed `LedgerError` naming the entry on the first broken rule;
 * an entry dated more than `MAX_CLOCK_SKEW_MS` ahead of this clock is one.
 */
export function applyEntry(
  state: LedgerState,
  entry: AnyEntry,
  entryHash = hashEntry(entry),
): void {
  if (entry.v !== LEDGER_VERSION) throw new UnauthorizedEntryError('unknown version', entry.seq);
  if (!equalBytes(entry.ledger, state.ledgerId)) throw new WrongLedgerError(entry.seq);
  if (entry.seq !== state.size) throw new SequenceError(state.size, entry.seq);
  if (!equalBytes(entry.prev, state.head)) throw new ChainBrokenError(entry.seq);
  if (entry.time < state.time) throw new TimeOrderError(entry.seq);
  const now = Date.now();
  if (entry.time > now + MAX_CLOCK_SKEW_MS) throw new FutureEntryError(entry.seq, entry.time, now);
  verifyEntrySignature(entry);
  if (isStub(entry)) applyStub(state, entry, entryHash);
  else applyKind(state, entry, entryHash);
  state.size += 1;
  state.head = entryHash;
  state.time = entry.time;
  state.frontier.append(entryHash);
}
