/**
 * Answers the wallet's own pages. Only extension pages reach this (the
 * background checks the sender); still, every message is validated.
 */

import type { ShareRequest } from '../shared/provider-schema.js';
import { type UiMessage, uiMessageSchema } from '../shared/ui-schema.js';
import type { ConsentQueue } from './consent-queue.js';
import { InvalidMessageError, REPLACE_CONFIRMATION, WalletExistsError } from './errors.js';
import { checkShares } from './guardian-shares.js';
import { newMnemonic } from './identity.js';
import { categoriesToChoose, narrowRequest } from './narrowing.js';
import type { Session } from './session.js';
import type { Settings } from './settings.js';
import type { Wallet } from './wallet.js';
import type { WalletDb } from './wallet-db.js';

/** Records a share prompt checks for identifying data (the rest are counted as not checked). */
const MAX_CHECKED = 50;

/** What the handler needs. */
export type UiHandlerDeps = {
  wallet: Wallet;
  db: WalletDb;
  session: Session;
  queue: ConsentQueue;
  /** Told the settings the patient saved, before the idle timer restarts with them. */
  onSettingsSaved?: (settings: Settings) => void;
};

/**
 * @example
 * ```ts
 * const reply = await new UiHandler(deps).handle({ type: 'state' });
 * ```
 */
export class UiHandler {
  readonly #deps: UiHandlerDeps;
  constructor(deps: UiHandlerDeps) {
    this.#deps = deps;
  }

  /** Validates and answers one message; throws typed errors. */
  async handle(raw: unknown): Promise<unknown> {
    const parsed = uiMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidMessageError(`${issue?.path.join('.') || 'message'}: ${issue?.message}`);
    }
    return this.#answer(parsed.data);
  }

  /**
   * Sets the wallet up (from a phrase or from guardian shares), then brings
   * the identity's records and shares back from its ledger.
   */
  async #onboard(
    setUp: () => Promise<{ publicKey: string }>,
    replace: string | undefined,
  ): Promise<{ publicKey: string; restored?: unknown }> {
    // never over an existing wallet without the patient typing the confirmation
    if ((await this.#deps.wallet.onboarded()) && replace !== REPLACE_CONFIRMATION) {
      throw new WalletExistsError();
    }
    this.#deps.queue.clear('The wallet was set up again.');
    const onboarded = await setUp();
    // a restored identity: its records and shares come back from the
    // ledger; a host that is down or not set yet leaves that to the
    // dashboard's next ledger check
    const restored = await this.#deps.wallet.restoreFromLedger().catch(() => undefined);
    return { ...onboarded, ...(restored ? { restored } : {}) };
  }

  async #answer(message: UiMessage): Promise<unknown> {
    const { wallet, db, session, queue } = this.#deps;
    switch (message.type) {
      case 'state': {
        const onboarded = await wallet.onboarded();
        return {
          onboarded,
          unlocked: session.unlocked,
          publicKey: onboarded ? await wallet.publicKey() : undefined,
          pending: queue.size,
        };
      }
      case 'onboard/new-mnemonic':
        return { mnemonic: newMnemonic() };
      case 'onboard':
        return this.#onboard(
          () => wallet.onboard(message.mnemonic, message.passphrase),
          message.replace,
        );
      case 'onboard/check-shares':
        // the form, checksums, split and count; nothing is combined here
        return checkShares(message.shares);
      case 'onboard/from-shares':
        return this.#onboard(
          () => wallet.onboardFromShares(message.shares, message.passphrase),
          message.replace,
        );
      case 'unlock':
        await wallet.unlock(message.passphrase);
        await queue.unlocked();
        return { unlocked: true };
      case 'lock':
        session.lock();
        return { unlocked: false };
      case 'prompt/current': {
        const prompt = queue.current();
        if (prompt?.kind === 'share') {
          const details = prompt.details as { request: ShareRequest };
          const { request } = details;
          const matches = await wallet.recordsInScope(request.scope);
          return {
            prompt: {
              ...prompt,
              details: {
                ...details,
                matches,
                categories: categoriesToChoose(request.scope, matches),
                // what the records say about who the patient is (kinds only); opened when unlocked
                identifying: session.unlocked
                  ? await wallet.identifyingIn(matches.slice(0, MAX_CHECKED).map((m) => m.cid))
                  : undefined,
                overlapping: await wallet.overlapping(request, matches),
              },
            },
            unlocked: session.unlocked,
          };
        }
        return { prompt, unlocked: session.unlocked };
      }
      case 'prompt/decide': {
        if (message.approve && !session.unlocked) {
          return { ok: false, message: 'Unlock the wallet first.' };
        }
        const prompt = queue.current();
        if (message.approve && message.narrow && prompt?.kind === 'share') {
          // refused here, the prompt stays open for another answer
          const { request } = prompt.details as { request: ShareRequest };
          narrowRequest(
            request,
            message.narrow,
            await wallet.recordsInScope(request.scope),
            Date.now(),
          );
        }
        return queue.decide(message.id, message.approve, message.narrow);
      }
      case 'dashboard':
        return {
          // first: it brings the ledger up to date (and the lists with it), best effort
          proposals: session.unlocked ? await wallet.proposals().catch(() => []) : [],
          records: await wallet.records(),
          grants: await wallet.grants(),
          accesses: await wallet.accesses(),
          permissions: await db.permissions(),
        };
      case 'ledger/status':
        return wallet.ledgerStatus();
      case 'ledger/anchor':
        return wallet.anchor();
      case 'record/open':
        return wallet.openRecord(message.cid);
      case 'records/export':
        return wallet.exportRecords();
      case 'links/create': {
        const { type: _type, ...request } = message;
        return wallet.createLink(request);
      }
      case 'links/list':
        return wallet.links();
      case 'links/emergency':
        return wallet.emergencyCard({ passcode: message.passcode === true });
      case 'links/revoke':
        return wallet.revokeLink(message.id);
      case 'grant/revoke':
        return wallet.revoke(message.grantId);
      case 'proposal/decide':
        return wallet.decideProposal(message.seq, message.accept);
      case 'identity/rotate':
        return wallet.rotateIdentity(message.passphrase);
      case 'backup/reveal':
        return { mnemonic: await wallet.revealMnemonic(message.passphrase) };
      case 'backup/guardian-shares':
        return {
          shares: await wallet.guardianShares(message.passphrase, message.threshold, message.count),
          threshold: message.threshold,
          count: message.count,
        };
      case 'settings/get':
        return wallet.settings();
      case 'settings/save': {
        const saved = await wallet.saveSettings(message.settings);
        this.#deps.onSettingsSaved?.(saved);
        // saving is activity: the idle timer restarts with the new time, so a
        // shorter auto-lock applies now rather than after the old one ran out
        session.touch();
        return saved;
      }
      case 'permissions/revoke':
        await db.deletePermission(message.origin);
        return { origin: message.origin };
      case 'providers/list':
        return wallet.providers();
      case 'providers/connect':
        return wallet.connectProvider(message.serverUrl, {
          ...(message.clientId ? { clientId: message.clientId } : {}),
        });
      case 'providers/sync':
        return wallet.syncProvider(message.serverUrl);
      case 'providers/remove':
        return wallet.removeProvider(message.serverUrl);
    }
  }
}
