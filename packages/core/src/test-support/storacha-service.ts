/**
 * The web3.storage (Storacha) upload service's own server code, run
 * in-process with its HTTP parts on 127.0.0.1 (`@storacha/upload-api`'s test
 * context: upload API, three storage nodes, indexing and claims services),
 * plus the two HTTP endpoints a client needs beside it: receipts (served
 * from the service's own agent store) and a trustless gateway that reads
 * the uploaded CAR shards back from the storage nodes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CarReader } from '@ipld/car';
import { StoreMemory } from '@storacha/access/stores/store-memory';
import * as Client from '@storacha/client';
import * as Context from '@storacha/upload-api/test/context';
import { Message } from '@ucanto/core';
import { CAR } from '@ucanto/transport';
import { base58btc } from 'multiformats/bases/base58';
import { CID } from 'multiformats/cid';

type Server = http.Server;

/** node:http whose servers only ever listen on 127.0.0.1, on a free port. */
const loopbackHttp = {
  ...http,
  createServer(...args: Parameters<typeof http.createServer>) {
    const server = http.createServer(...args);
    const listen = server.listen.bind(server);
    server.listen = ((...a: unknown[]) =>
      listen(0, '127.0.0.1', a.find((x) => typeof x === 'function') as () => void)) as never;
    return server;
  },
};

async function serve(handler: http.RequestListener): Promise<{ server: Server; url: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** A running service with one client whose current space is provisioned. */
export type StorachaTestService = {
  client: Client.Client;
  gateway: string;
  /** Makes the gateway return other bytes for a block (undefined: stop). */
  tamper(fn: ((cid: string, bytes: Uint8Array) => Uint8Array | undefined) | undefined): void;
  close(): Promise<void>;
};

/** Starts the service, a client and a space; `close()` stops every server. */
export async function startStorachaService(): Promise<StorachaTestService> {
  const context = await Context.createContext({
    http: loopbackHttp as never,
    requirePaymentPlan: false,
  });

  const receipts = await serve(async (req, res) => {
    try {
      const task = CID.parse((req.url ?? '').split('/').pop() ?? '');
      const found = await context.agentStore.receipts.get(task as never);
      if (found.error) {
        res.writeHead(404).end();
        return;
      }
      const message = await Message.build({ receipts: [found.ok] });
      const { body } = CAR.request.encode(message);
      res.writeHead(200).end(body);
    } catch {
      res.writeHead(400).end();
    }
  });

  const client = await Client.create({
    store: new StoreMemory(),
    serviceConf: {
      access: context.connection,
      upload: context.connection,
      filecoin: context.connection,
    },
    receiptsEndpoint: new URL(`${receipts.url}receipt/`),
  } as never);
  const space = await client.createSpace('medvault-test', { skipGatewayAuthorization: true });
  await client.addSpace(await space.createAuthorization(client));
  await client.setCurrentSpace(space.did());
  await context.provisionsStorage.put({
    provider: context.service.did(),
    customer: 'did:mailto:medvault.example:test',
    consumer: space.did(),
  } as never);

  // The gateway: find the block in the shards of the space's uploads, as
  // read back over HTTP from the storage nodes.
  let tamper: ((cid: string, bytes: Uint8Array) => Uint8Array | undefined) | undefined;
  const nodePorts = context.storageProviders.map(
    (p) => ((p as unknown as { server: Server }).server.address() as AddressInfo).port,
  );
  async function shardBytes(shard: CID): Promise<Uint8Array | undefined> {
    const key = base58btc.encode(shard.multihash.bytes);
    for (const port of nodePorts) {
      const r = await fetch(`http://127.0.0.1:${port}/${key}/${key}.blob`);
      if (r.ok) return new Uint8Array(await r.arrayBuffer());
    }
    return undefined;
  }
  async function findBlock(cid: CID): Promise<Uint8Array | undefined> {
    // a fresh nonce each time: identical invocations get the service's cached answer
    const uploads = await client.capability.upload.list({ size: 1000, nonce: crypto.randomUUID() });
    for (const upload of uploads.results) {
      for (const shard of (upload as { shards?: CID[] }).shards ?? []) {
        const bytes = await shardBytes(shard);
        if (!bytes) continue;
        const block = await (await CarReader.fromBytes(bytes)).get(cid as never);
        if (block) return block.bytes;
      }
    }
    return undefined;
  }
  const gateway = await serve(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://gateway');
      const [, ipfs, cidText] = url.pathname.split('/');
      if (ipfs !== 'ipfs' || url.searchParams.get('format') !== 'raw') {
        res.writeHead(400).end();
        return;
      }
      const cid = CID.parse(cidText ?? '');
      let block = await findBlock(cid);
      if (!block) {
        res.writeHead(404).end();
        return;
      }
      block = tamper?.(cid.toString(), block) ?? block;
      res.writeHead(200, { 'content-type': 'application/vnd.ipld.raw' });
      res.end(req.method === 'HEAD' ? undefined : block);
    } catch {
      res.writeHead(400).end();
    }
  });

  return {
    client,
    gateway: gateway.url,
    tamper: (fn) => {
      tamper = fn;
    },
    async close() {
      for (const { server } of [receipts, gateway]) {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
      await Context.cleanupContext(context);
    },
  };
}
