/**
 * Answers the page's provider requests: validates each against its schema,
 * checks the origin's permission, waits for unlock, asks the patient where
 * the method needs a yes, and calls the wallet. Errors reach the page as
 * EIP-1193 errors; nothing secret is ever in an answer.
 */
import { Capsule } from '@medvault/core/pre';
import { hexToBytes } from '@noble/hashes/utils.js';
import type { z } from 'zod';
import {
  isProviderMethod,
  methodParams,
  type ProviderMethod,
  providerRequestSchema,
  type ReceiveRecordRequest,
  type ShareRequest,
  shareRequestProblem,
} from '../shared/provider-schema.js';
import { ProviderRpcError, RPC_ERROR } from '../shared/rpc-error.js';
import type { ConsentQueue } from './consent-queue.js';
import { type Narrowing, narrowRequest } from './narrowing.js';
import type { Session } from './session.js';
import type { Settings } from './settings.js';
import type { Wallet } from './wallet.js';
import type { WalletDb } from './wallet-db.js';

/** What the handler needs. */
export type ProviderHandlerDeps = {
  wallet: Wallet;
  db: WalletDb;
  session: Session;
  queue: ConsentQueue;
  /** Called when a site finds the wallet not set up (the background opens onboarding). */
  onNotOnboarded?: () => void;
};

const invalid = (message: string) => new ProviderRpcError(RPC_ERROR.invalidParams, message);

/** Parses `params` for `method`, or throws -32602 naming the field. */
function parseParams<M extends ProviderMethod>(method: M, params: unknown) {
  const parsed = methodParams[method].safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `params.${issue.path.join('.')}` : 'params';
    throw invalid(`${method}: ${where}: ${issue?.message}`);
  }
  return parsed.data as z.infer<(typeof methodParams)[M]>;
}

/**
 * @example
 * ```ts
 * const handler = new ProviderHandler({ wallet, db, session, queue });
 * const result = await handler.handle({ id: '1', method: 'medvault_connect' }, 'https://clinic.example');
 * ```
 */
export class ProviderHandler {
  readonly #deps: ProviderHandlerDeps;
  constructor(deps: ProviderHandlerDeps) {
    this.#deps = deps;
  }

  /** Answers one request from `origin` (as the browser reported it). */
  async handle(request: unknown, origin: string): Promise<unknown> {
    const envelope = providerRequestSchema.safeParse(request);
    if (!envelope.success) throw invalid('expected { method: string, params?: unknown[] }');
    const { method, params } = envelope.data;
    if (!isProviderMethod(method)) {
      throw new ProviderRpcError(
        RPC_ERROR.unsupportedMethod,
        `MedVault does not support ${method.slice(0, 64)}; it answers ${Object.keys(methodParams).join(', ')}.`,
      );
    }
    const { wallet, db, queue } = this.#deps;
    if (!(await wallet.onboarded())) {
      this.#deps.onNotOnboarded?.();
      throw new ProviderRpcError(
        RPC_ERROR.unauthorized,
        'MedVault is not set up yet: the patient must create or restore an identity in the extension first.',
      );
    }
    if (method === 'medvault_connect') {
      parseParams(method, params);
      // connected before: no new question, locked or not (the public key is
      // no secret); a request that needs the key asks for the passphrase in
      // its own prompt, so a locked wallet still means one window per share
      if (await db.permission(origin)) return this.#connected();
      return queue.ask('connect', origin, {}, async () => {
        await db.putPermission({ origin, connectedAt: Date.now() });
        return this.#connected();
      });
    }
    if (!(await db.permission(origin))) {
      throw new ProviderRpcError(
        RPC_ERROR.unauthorized,
        `This site is not connected to MedVault: call medvault_connect first.`,
      );
    }
    switch (method) {
      case 'medvault_getPublicKey': {
        parseParams(method, params);
        return wallet.publicKey();
      }
      case 'medvault_getEncryptionKey': {
        const [{ category }] = parseParams(method, params);
        await this.#unlocked(origin);
        return wallet.encryptionKey(category);
      }
      case 'medvault_requestShare': {
        const [request] = parseParams(method, params);
        const problem =
          shareRequestProblem(request, Date.now()) ??
          proxyChoiceProblem(request, await wallet.settings());
        if (problem) throw invalid(`medvault_requestShare: ${problem}`);
        return queue.ask('share', origin, await this.#shareDetails(request), async (edits) =>
          wallet.share(
            narrowRequest(
              request,
              edits as Narrowing | undefined,
              await wallet.recordsInScope(request.scope),
              Date.now(),
            ),
            origin,
          ),
        );
      }
      case 'medvault_receiveRecord': {
        const [record] = parseParams(method, params);
        checkCapsule(record);
        return queue.ask('receive', origin, record, () => wallet.receive(record, origin));
      }
      case 'medvault_listGrants': {
        parseParams(method, params);
        await this.#unlocked(origin);
        return wallet.grants(origin);
      }
      case 'medvault_revoke': {
        const [{ grantId }] = parseParams(method, params);
        await this.#unlocked(origin);
        return wallet.revoke(grantId, origin);
      }
    }
  }

  async #connected() {
    return { publicKey: await this.#deps.wallet.publicKey() };
  }

  /** Waits for the patient to unlock (through a prompt) when locked. */
  async #unlocked(origin: string): Promise<void> {
    if (this.#deps.session.unlocked) return;
    await this.#deps.queue.ask('unlock', origin, {}, async () => undefined);
  }

  /** What the share prompt shows, beyond the request itself. */
  async #shareDetails(request: ShareRequest) {
    const settings = await this.#deps.wallet.settings();
    return {
      request,
      // the proxies that will hold fragments (the patient's first n; the rest stand by)
      proxies:
        request.proxies?.map((p) => p.url) ??
        settings.proxies.slice(0, settings.fragments ?? settings.proxies.length).map((p) => p.url),
      threshold: request.threshold ?? settings.threshold,
      matches: await this.#deps.wallet.recordsInScope(request.scope),
    };
  }
}

/**
 * A site may name proxies and a threshold, but only among the proxies the
 * patient chose, and never a lower threshold than theirs: t proxies that
 * collude with the reader can re-encrypt anything of the patient's, so a
 * site that picked its own proxies — or "1 of 1" — would hold the patient's
 * records outright.
 */
export function proxyChoiceProblem(request: ShareRequest, settings: Settings): string | undefined {
  if (!request.proxies || request.threshold === undefined) return undefined;
  for (const proxy of request.proxies) {
    const chosen = settings.proxies.find((p) => sameUrl(p.url, proxy.url));
    if (!chosen) {
      return `proxy ${proxy.url} is not one of the patient’s proxies; leave proxies out to use theirs`;
    }
    if (chosen.publicKey && chosen.publicKey !== proxy.publicKey) {
      return `proxy ${proxy.url} is named with another key than the one the patient pinned`;
    }
  }
  if (request.threshold < settings.threshold) {
    return `threshold ${request.threshold} is below the patient’s ${settings.threshold}`;
  }
  return undefined;
}

const sameUrl = (a: string, b: string) => new URL(a).href === new URL(b).href;

function checkCapsule(record: ReceiveRecordRequest): void {
  try {
    Capsule.fromBytes(hexToBytes(record.capsule));
  } catch (error) {
    throw invalid(
      `medvault_receiveRecord: params.0.capsule: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}
