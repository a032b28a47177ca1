import type { GrantScope } from '../ledger/entry.js';
import type { PublicKey } from '../pre/keys.js';
import type { ProxyEndpoint } from './call-proxy.js';

/** A grant as the patient made it and the reader uses it. */
export type Grant = {
  /** 32-byte id, hex. */
  grantId: string;
  /** The patient's ledger, hex id. */
  ledgerId: string;
  /** The patient's identity key (owner of the ledger, registrant on chain). */
  patient: PublicKey;
  /** The key that signed the fragments: the patient's identity key. */
  verifyingKey: PublicKey;
  reader: PublicKey;
  scope: GrantScope;
  purpose: string;
  /** Expiry, ms since the epoch. */
  expiresAt: number;
  proxies: ProxyEndpoint[];
  threshold: number;
  /** The ledger host the on-chain commitment names (proxies contact only it). */
  ledgerHost: string;
  /** The on-chain commitment's salt, hex. */
  salt: string;
  /** The categories whose encryption keys the grant delegates. */
  categories: string[];
};
