/**
 * The clinic: its page with the share button, and the server side that
 * holds the clinic's reader key and reads what patients share. Grants the
 * clinic received are kept in its data directory across restarts.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BaseError } from '@medvault/core';
import { LedgerHostClient } from '@medvault/core/ledger-host';
import type { SecretKey } from '@medvault/core/pre';
import {
  type Grant,
  type GrantJson,
  grantFromJson,
  grantToJson,
  listSharedRecords,
} from '@medvault/core/proxy';
import { HttpStore } from '@medvault/core/storage';
import { bytesToHex } from '@noble/hashes/utils.js';
import { type Address, createPublicClient, http } from 'viem';
import { renderStyles } from '../render/index.js';
import { type RunningSite, readJsonBody, SiteError, startSite } from '../sites/site-server.js';
import { clinicPage } from './page.js';
import { findAnchor, proofJson, provenanceOf } from './provenance.js';
import { readGrant } from './read-grant.js';
import { readingJson } from './reading-json.js';

/** Options of `startClinicSite`. */
export type ClinicSiteOptions = {
  /** The clinic's reader key (kept on this server, never sent to a browser). */
  readerKey: SecretKey;
  readerName?: string;
  ledgerHost: string;
  blobService: string;
  rpcUrl: string;
  registry: Address;
  /** Where received grants are kept. */
  dataDir: string;
  port?: number;
  host?: string;
  log?: (line: string) => void;
};

/** Errors of the library reach the page with their code; others are 500s. */
function asSiteError(error: unknown): never {
  if (error instanceof SiteError) throw error;
  if (error instanceof BaseError) throw new SiteError(502, error.code, error.message);
  throw error;
}

/**
 * Starts the clinic site.
 *
 * @example
 * ```ts
 * const clinic = await startClinicSite({ readerKey, ledgerHost, blobService, rpcUrl, registry, dataDir, port: 3001 });
 * ```
 */
export async function startClinicSite(options: ClinicSiteOptions): Promise<RunningSite> {
  const readerName = options.readerName ?? 'Riverside Clinic — Dr. Okafor';
  const readerKeyHex = bytesToHex(options.readerKey.publicKey().toCompressedBytes());
  const host = new LedgerHostClient({ url: options.ledgerHost });
  const store = new HttpStore({ gateway: options.blobService });
  const chain = {
    client: createPublicClient({ transport: http(options.rpcUrl, { retryCount: 0 }) }),
    registry: options.registry,
  };
  await mkdir(options.dataDir, { recursive: true });
  const grantsFile = join(options.dataDir, 'grants.json');
  const saved = await readFile(grantsFile, 'utf8').then(
    (text) => JSON.parse(text) as GrantJson[],
    () => [] as GrantJson[],
  );
  const grants = new Map<string, Grant>(saved.map((g) => [g.grantId, grantFromJson(g)]));
  const persist = async () => {
    const tmp = `${grantsFile}.tmp`;
    await writeFile(tmp, JSON.stringify([...grants.values()].map(grantToJson), null, 2));
    await rename(tmp, grantsFile);
  };
  const grantOf = (id: string) => {
    const grant = grants.get(id);
    if (!grant) throw new SiteError(404, 'NO_GRANT', `this clinic holds no grant ${id}`);
    return grant;
  };
  const read = (grant: Grant) =>
    readGrant({ grant, reader: options.readerKey, host, store, chain })
      .then((reading) => ({ json: readingJson(grant.grantId, reading) }))
      .catch(asSiteError);

  return startSite({
    ...options,
    page: () =>
      clinicPage(
        { readerKey: readerKeyHex, readerName, purpose: 'Diabetes follow-up' },
        renderStyles(),
      ),
    entry: join(import.meta.dirname, 'app.ts'),
    routes: {
      'GET /api/grants': () => ({ json: [...grants.values()].map(grantToJson) }),
      'POST /api/grants': async (req) => {
        const body = (await readJsonBody(req)) as { grant?: unknown };
        let grant: Grant;
        try {
          grant = grantFromJson(body?.grant);
        } catch (error) {
          throw new SiteError(400, 'BAD_GRANT', (error as Error).message);
        }
        if (!grant.reader.equals(options.readerKey.publicKey()))
          throw new SiteError(
            422,
            'NOT_OUR_GRANT',
            'this grant is for another reader, not this clinic',
          );
        grants.set(grant.grantId, grant);
        await persist();
        return read(grant);
      },
      'POST /api/grants/:id/read': (_req, { id }) => read(grantOf(id as string)),
      'GET /api/grants/:id/proofs/:seq': async (_req, { id, seq }) => {
        const grant = grantOf(id as string);
        const n = Number(seq);
        const listed = await listSharedRecords({ host, grant }).catch(asSiteError);
        if (!listed.records.some((r) => r.seq === n))
          throw new SiteError(404, 'NO_RECORD', `entry ${seq} is not a record this grant covers`);
        const found = await findAnchor(chain, listed.entries);
        return {
          json: proofJson(grant.ledgerId, listed.entries, provenanceOf(listed.entries, n, found)),
        };
      },
      'GET /api/grants/:id/anchor': async (_req, { id }) => {
        const grant = grantOf(id as string);
        const listed = await listSharedRecords({ host, grant }).catch(asSiteError);
        const found = await findAnchor(chain, listed.entries);
        if (!('anchor' in found))
          return { json: { ledgerId: grant.ledgerId, registry: options.registry, ...found } };
        return {
          json: {
            ledgerId: grant.ledgerId,
            registry: options.registry,
            rpcUrl: options.rpcUrl,
            size: found.anchor.size,
            root: found.anchor.root,
            blockNumber: Number(found.anchor.blockNumber),
            verified: 'the ledger’s first entries hash to the anchored root',
          },
        };
      },
    },
  });
}
