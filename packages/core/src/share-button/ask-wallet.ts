/**
 * One share request through the wallet: connect (the patient approves the
 * site once), then ask for the share (the patient approves or denies it).
 * Every way it can end is an outcome, never a rejection, so the button
 * only has to show it.
 */
import type { GrantJson } from '../proxy/grant-json.js';
import type { MedVaultProvider } from './discover-wallet.js';
import type { ShareRequestParams } from './parse-attributes.js';

/** EIP-1193's "user rejected the request": denied, prompt closed, timed out. */
export const USER_REJECTED = 4001;
/** JSON-RPC's "internal error": what a wallet answer the button cannot use is reported as. */
export const INTERNAL_ERROR = -32603;

/** How a share request ended. */
export type ShareOutcome =
  | { kind: 'granted'; grant: GrantJson }
  | { kind: 'denied'; code: typeof USER_REJECTED; message: string }
  | { kind: 'error'; code: number; message: string };

/** The step a request is waiting on. */
export type SharePhase = 'connecting' | 'waiting';

/**
 * A provider's rejection as an outcome: 4001 is the patient's no, any
 * other `{ code, message }` an error; anything else (a wallet bug, a
 * thrown string) an internal error.
 *
 * @example
 * ```ts
 * toOutcome({ code: 4001, message: 'The patient denied the share.' }); // { kind: 'denied', … }
 * toOutcome(new TypeError('x')); // { kind: 'error', code: -32603, message: 'x' }
 * ```
 */
export function toOutcome(error: unknown): ShareOutcome {
  const e = error as { code?: unknown; message?: unknown } | null | undefined;
  const message =
    typeof e?.message === 'string' && e.message ? e.message : 'The wallet could not answer.';
  if (e?.code === USER_REJECTED) return { kind: 'denied', code: USER_REJECTED, message };
  const code = typeof e?.code === 'number' && Number.isInteger(e.code) ? e.code : INTERNAL_ERROR;
  return { kind: 'error', code, message };
}

/**
 * Connects to the wallet, then asks it for the share. `onPhase` hears each
 * step as it starts. Resolves with the outcome; never rejects. A grant for
 * another reader than the one asked for is reported as an error rather
 * than handed on.
 *
 * @example
 * ```ts
 * const outcome = await askWalletToShare({ provider, request, onPhase: (p) => show(p) });
 * if (outcome.kind === 'granted') await fetch('/grants', { method: 'POST', body: JSON.stringify(outcome.grant) });
 * ```
 */
export async function askWalletToShare(params: {
  provider: MedVaultProvider;
  request: ShareRequestParams;
  onPhase?: (phase: SharePhase) => void;
}): Promise<ShareOutcome> {
  const { provider, request, onPhase } = params;
  try {
    onPhase?.('connecting');
    await provider.request({ method: 'medvault_connect' });
    onPhase?.('waiting');
    const grant = (await provider.request({
      method: 'medvault_requestShare',
      params: [request],
    })) as Partial<GrantJson> | null;
    if (typeof grant !== 'object' || grant?.reader !== request.reader.publicKey) {
      return {
        kind: 'error',
        code: INTERNAL_ERROR,
        message: 'The wallet answered with something other than a grant for this reader.',
      };
    }
    return { kind: 'granted', grant: grant as GrantJson };
  } catch (error) {
    return toOutcome(error);
  }
}
