/**
 * Graceful shutdown over real HTTP: a request in flight finishes, new
 * connections are refused, idle keep-alive sockets do not hold `close` up,
 * and a request that outlives the grace period is cut.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { type RequestContext, type RunningHttpService, startHttpService } from './index.js';

type Deps = { started: () => void; finish: Promise<void> };

async function slow(_ctx: RequestContext, deps: Deps) {
  deps.started();
  await deps.finish;
  return { json: { done: true } };
}
function quick() {
  return { json: { ok: true } };
}

const codes = { notFound: 'T_NF', tooLarge: 'T_TL', badJson: 'T_BJ', internal: 'T_IN' };
const running: RunningHttpService[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

async function serve(graceMs = 5_000) {
  let started!: () => void;
  const inFlight = new Promise<void>((resolve) => {
    started = resolve;
  });
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const service = await startHttpService({
    name: 'shutdown',
    routes: [
      { method: 'GET', path: '/slow', handler: slow },
      { method: 'GET', path: '/quick', handler: quick },
    ],
    deps: { started, finish: finished },
    codes,
    graceMs,
  });
  running.push(service);
  return { service, inFlight, finish };
}

/** A GET on its own keep-alive socket: resolves with the status, the body and the `connection` header. */
function get(url: string) {
  return new Promise<{ status: number; body: string; connection: string | undefined }>(
    (resolve, reject) => {
      const req = request(url, { agent: false, headers: { connection: 'keep-alive' } }, (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    },
  );
}

function refused(url: string) {
  const { hostname, port } = new URL(url);
  return new Promise<string>((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('graceful shutdown', () => {
  test('a request in flight completes; new connections are refused meanwhile', async () => {
    const { service, inFlight, finish } = await serve();
    const slowAnswer = get(`${service.url}/slow`);
    await inFlight;
    let closed = false;
    const closing = service.close().then(() => {
      closed = true;
    });
    expect(await refused(service.url)).toBe('ECONNREFUSED');
    expect(closed).toBe(false);
    finish();
    expect(await slowAnswer).toEqual({
      status: 200,
      body: '{"done":true}',
      connection: 'close',
    });
    await closing;
    expect(closed).toBe(true);
  });

  test('idle keep-alive sockets do not hold close up', async () => {
    const { service } = await serve();
    const agentSocket = await new Promise<ReturnType<typeof connect>>((resolve) => {
      const { hostname, port } = new URL(service.url);
      const socket = connect(Number(port), hostname, () => resolve(socket));
    });
    agentSocket.write(`GET /quick HTTP/1.1\r\nhost: x\r\nconnection: keep-alive\r\n\r\n`);
    await new Promise((resolve) => agentSocket.once('data', resolve));
    const ended = new Promise((resolve) => agentSocket.once('close', resolve));
    const started = performance.now();
    await service.close();
    await ended;
    expect(performance.now() - started).toBeLessThan(2_500); // the grace period is 5 s
  });

  test('a request still running after the grace period is cut, and close resolves', async () => {
    const { service, inFlight } = await serve(200);
    const answer = get(`${service.url}/slow`).then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code,
    );
    await inFlight;
    const started = performance.now();
    await service.close();
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(await answer).toBe('ECONNRESET');
  });
});
