/**
 * The patient's side of a share: for each encryption key the grant
 * delegates (its categories, every epoch), t-of-n key fragments for the
 * reader; proxy i gets fragment i of each set (encrypted to it, signed by
 * the identity key); the grant registered on chain and recorded in the
 * patient's ledger.
 */
import { bytesToHex, hexToBytes, randomBytes } from '@noble/hashes/utils.js';
import type { Account, Address, Chain, Client, Transport } from 'viem';
import { registerGrant, revokeGrant } from '../chain/grants.js';
import type { GrantScope } from '../ledger/entry.js';
import { sealNote } from '../ledger/note.js';
import type { LedgerHostClient } from '../ledger-host/client.js';
import type { PublicKey, SecretKey } from '../pre/keys.js';
import { Signer } from '../pre/signing.js';
import { type CallOptions, callProxy, failureOf, type ProxyEndpoint } from './call-proxy.js';
import { GrantDeliveryError, type ProxyFailure } from './errors.js';
import {
  type Delegation,
  deliverFragments,
  type GrantTerms,
  makeFragmentSets,
} from './fragment-sets.js';
import type { Grant } from './grant.js';

/** Where the patient's ledger lives. */
export type LedgerAccess = { host: LedgerHostClient; ledgerId: string };
/** The chain holding the registry, and who pays for transactions. */
export type ChainAccess = {
  client: Client<Transport, Chain | undefined, Account | undefined>;
  registry: Address;
  relayer?: Account | Address;
};

/** Parameters of `grantAccess`. */
export type GrantAccessParams = {
  /** The patient's identity key: signs on chain, in the ledger and every fragment. */
  identity: SecretKey;
  /**
   * The encryption keys the grant delegates (each category of its scope, in
   * every epoch whose records it should read): one fragment set each.
   */
  delegations: Delegation[];
  /** The patient's notes key (`PatientKeys.notesKey`): the grant's note is sealed to it. */
  notesKey: PublicKey;
  reader: PublicKey;
  scope: GrantScope;
  purpose: string;
  /** Expiry, ms since the epoch. */
  expiresAt: number;
  /** The proxies to hold the grant's fragments (n = their number). */
  proxies: ProxyEndpoint[];
  /** Proxies to use in turn when one of `proxies` does not take its fragment. */
  standby?: ProxyEndpoint[];
  /**
   * How many fragments to make (n; default: the number of `proxies`). When
   * more than `proxies`, the extra fragments go to standbys.
   */
  fragments?: number;
  threshold: number;
  ledger: LedgerAccess;
  chain: ChainAccess;
  /** Free text kept for the patient only, sealed in the ledger (the reader's name, the site). */
  notes?: { readerName?: string; origin?: string };
} & CallOptions;

/** A grant made, and the proxies that could not take a fragment (a standby or fewer fragments stood in). */
export type GrantAccessResult = Grant & { proxyFailures: ProxyFailure[] };

/**
 * Grants `reader` access to the records in `scope` until `expiresAt`
 * through `threshold` of the proxies.
 *
 * The grant is registered on chain first (its salted commitment binds the
 * ledger, reader, scope and ledger host), so each proxy can check it before
 * it takes its fragment. A proxy that does not take its fragment is replaced
 * by the next `standby`; failing that, the grant goes on with fewer
 * fragments as long as at least threshold + 1 remain (or all n, when n = t).
 * Otherwise nothing is left behind: the fragments delivered are withdrawn,
 * the grant revoked on chain, and `GrantDeliveryError` names every proxy
 * that failed (likewise when the ledger host refuses the grant entry: its
 * error is thrown). The result's `proxies` are the ones that hold a fragment.
 *
 * @example
 * ```ts
 * const lab = (epoch: number) => ({ category: 'laboratory', epoch, secretKey: keys.encryptionKey('laboratory', epoch) });
 * const grant = await grantAccess({ identity: keys.identity(), delegations: [lab(0)],
 *   notesKey: keys.notesKey().publicKey(), reader: clinicPk,
 *   scope: { categories: ['laboratory'] },
 *   purpose: 'follow-up', expiresAt: Date.now() + 30 * 86_400_000, proxies, threshold: 2,
 *   ledger: { host, ledgerId }, chain: { client, registry } });
 * grant.proxies.length; // n as it really is
 * ```
 */
export async function grantAccess(params: GrantAccessParams): Promise<GrantAccessResult> {
  const signer = new Signer(params.identity);
  const grantId = bytesToHex(randomBytes(32));
  const salt = randomBytes(32);
  const ledgerHost = params.ledger.host.url;
  const n = params.fragments ?? params.proxies.length;
  const categories = [...new Set(params.delegations.map((d) => d.category))];
  const sets = makeFragmentSets(params.delegations, params.reader, signer, params.threshold, n);
  const terms: GrantTerms = {
    grantId,
    patient: params.identity.publicKey(),
    ledgerId: params.ledger.ledgerId,
    ledgerHost,
    reader: params.reader,
    scope: params.scope,
    expiresAt: params.expiresAt,
    salt: bytesToHex(salt),
  };
  const chain = {
    registry: params.chain.registry,
    relayer: params.chain.relayer,
    owner: params.identity,
    grantId: hexToBytes(grantId),
  };
  await registerGrant(params.chain.client, {
    ...chain,
    ledgerId: hexToBytes(params.ledger.ledgerId),
    grantee: params.reader.toCompressedBytes(),
    scope: params.scope,
    ledgerHost,
    salt,
    expiresAt: params.expiresAt,
  });

  const standby = [...(params.standby ?? [])];
  const failures: ProxyFailure[] = [];
  /** Delivers fragment i (of every set) to its proxy, or to standbys in turn; the proxy that took it. */
  const place = async (i: number): Promise<ProxyEndpoint | undefined> => {
    const first = i < params.proxies.length ? params.proxies[i] : standby.shift();
    for (let proxy = first; proxy; proxy = standby.shift()) {
      try {
        await deliverFragments(proxy, terms, sets.sealedFor(i, proxy.publicKey), signer, params);
        return proxy;
      } catch (error) {
        failures.push(failureOf(proxy, error));
      }
    }
    return undefined;
  };
  const placed = await Promise.all(Array.from({ length: n }, (_, i) => place(i)));
  const holders = placed.filter((p): p is ProxyEndpoint => p !== undefined);
  /** Leaves nothing behind: fragments withdrawn, the grant revoked on chain. */
  const undo = async () => {
    await Promise.allSettled(
      holders.map((proxy) =>
        callProxy(proxy, 'DELETE', `/v1/grants/${grantId}`, undefined, signer, params),
      ),
    );
    await revokeGrant(params.chain.client, chain).catch(() => undefined);
  };
  const enough = holders.length === n || holders.length >= params.threshold + 1;
  if (!enough) {
    await undo();
    throw new GrantDeliveryError(failures);
  }

  const owner = params.identity.publicKey();
  // a ledger host that refuses the entry leaves no half-made grant either
  await params.ledger.host
    .submit(
      params.ledger.ledgerId,
      'grant',
      {
        grantId: hexToBytes(grantId),
        grantee: params.reader.toCompressedBytes(),
        scope: params.scope,
        note: sealNote(params.notesKey, { purpose: params.purpose, ...params.notes }),
        readerNote: sealNote(params.reader, { purpose: params.purpose }),
        expiresAt: params.expiresAt,
        proxies: holders.map((p) => ({ url: p.url, key: p.publicKey.toCompressedBytes() })),
        threshold: params.threshold,
        ledgerHost,
        salt,
        categories,
      },
      signer,
    )
    .catch(async (error: unknown) => {
      await undo();
      throw error;
    });
  return {
    grantId,
    ledgerId: params.ledger.ledgerId,
    patient: owner,
    verifyingKey: signer.verifyingKey(),
    reader: params.reader,
    scope: params.scope,
    purpose: params.purpose,
    expiresAt: params.expiresAt,
    proxies: holders,
    threshold: params.threshold,
    ledgerHost,
    salt: bytesToHex(salt),
    categories,
    proxyFailures: failures,
  };
}
