/**
 * `<medvault-share-button>`: the button a hospital or clinic site adds so
 * a patient can share records with it through the MedVault wallet.
 */
import type { GrantScope } from '../ledger/entry.js';
import { askWalletToShare, INTERNAL_ERROR, type ShareOutcome } from './ask-wallet.js';
import {
  DISCOVERY_TIMEOUT_MS,
  discoverWallet,
  findWallet,
  type MedVaultProvider,
  onWalletFound,
} from './discover-wallet.js';
import type { InvalidAttributeError, ShareButtonAttribute } from './errors.js';
import { emit } from './events.js';
import { drawIcon } from './icons.js';
import {
  isoInstant,
  parseInstallUrl,
  parseLabel,
  parseReaderName,
  parseScope,
  parseShareRequest,
} from './parse-attributes.js';
import { type Activity, type ShareButtonState, stateOf, type WalletPresence } from './state.js';
import { buildShadowTree, type ShareButtonParts } from './template.js';
import { viewOf } from './view.js';

/** The attributes the button observes. */
const ATTRIBUTES: readonly ShareButtonAttribute[] = [
  'reader-key',
  'reader-name',
  'scope',
  'purpose',
  'expires-in-days',
  'expires-at',
  'install-url',
  'label',
];

/** The properties a page may have set before the element was defined (see #adoptEarlyProperties). */
const PROPERTIES = [
  'readerKey',
  'readerName',
  'scope',
  'purpose',
  'expiresInDays',
  'expiresAt',
  'installUrl',
  'label',
] as const;

// On a server there is no HTMLElement: the class must still be definable
// (importing the module must not crash) though it is never instantiated there.
const ElementBase = (
  typeof HTMLElement === 'undefined' ? class {} : HTMLElement
) as typeof HTMLElement;

const pageUrl = () => globalThis.location?.href ?? 'about:blank';

/**
 * `<medvault-share-button>` asks the patient, through the MedVault wallet,
 * to share records with the site's reader. A click connects (the patient
 * approves the site once) and then asks for the share; the wallet's prompt
 * shows who asks, for what and until when. Import
 * `@medvault/core/share-button` (or load `dist/medvault-share-button.js`) and
 * the element is defined.
 *
 * **Attributes** (each also a property, listed after it):
 * - `reader-key` / `readerKey` — the reader's compressed secp256k1 public key, hex (required).
 * - `reader-name` / `readerName` — who the patient shares with, as shown (required, ≤ 120 characters).
 * - `scope` / `scope` — JSON of the scope `{ cids?, resourceTypes?, categories?, from?, until? }`,
 *   e.g. `'{"categories":["laboratory"]}'`; the property takes and returns the object (required).
 * - `purpose` / `purpose` — why the reader asks, as shown (required, ≤ 500 characters).
 * - `expires-in-days` / `expiresInDays` — a positive number of days from the click, or
 * - `expires-at` / `expiresAt` — an ISO 8601 date or date-time; the property takes a `Date` or
 *   ms since the epoch. Exactly one of the two; a minute to ten years ahead.
 * - `install-url` / `installUrl` — where the "no extension" hint links; absent, there is
 *   no link and the button tells the patient to ask the site.
 * - `label` / `label` — the button's text (default "Share my records").
 *
 * A missing or invalid attribute puts the button in state `error` with a
 * message that names the attribute, and dispatches `medvault-error` with
 * code `SHARE_INVALID_ATTRIBUTE` (once per problem, and again on each click). The
 * element never throws.
 *
 * **Events** (CustomEvents that bubble and cross shadow roots):
 * - `medvault-granted` — `detail: { grant }`, the GrantJson the wallet returned.
 * - `medvault-denied` — `detail: { code: 4001, message }`: denied, prompt closed or timed out.
 * - `medvault-error` — `detail: { code, message }` for everything else: the wallet's code
 *   (4100, 4200, -32602, -32002, -32603), `'SHARE_NO_EXTENSION'` when clicked without a wallet, or
 *   `'SHARE_INVALID_ATTRIBUTE'` (with `attribute`).
 *
 * **States** (the `state` attribute and read-only property): `no-extension` (no wallet
 * announced itself within a short wait; shows the install link), `ready`, `connecting`
 * (`medvault_connect` pending), `waiting` ("Waiting for the patient…"), `granted`, `denied`,
 * `error`. From `granted`, `denied` and `error` a click asks again.
 *
 * **Styling**: CSS custom properties `--medvault-accent`, `--medvault-on-accent`,
 * `--medvault-radius`, `--medvault-font`, `--medvault-font-size`, `--medvault-text`,
 * `--medvault-success`, `--medvault-warning`, `--medvault-danger` (see styles.ts), and the parts
 * `button`, `status` and `hint`.
 *
 * @example
 * ```html
 * <script type="module" src="https://clinic.example/medvault-share-button.js"></script>
 * <medvault-share-button reader-key="02…" reader-name="Riverside Clinic"
 *   scope='{"categories":["laboratory"]}' purpose="Diabetes follow-up" expires-in-days="30">
 * </medvault-share-button>
 * <script type="module">
 *   document.addEventListener('medvault-granted', (e) => fetch('/grants', { method: 'POST', body: JSON.stringify(e.detail.grant) }));
 * </script>
 * ```
 */
export class ShareButton extends ElementBase {
  static readonly observedAttributes: readonly string[] = ATTRIBUTES;

  readonly #parts: ShareButtonParts;
  #wallet: WalletPresence = 'unknown';
  #provider: MedVaultProvider | undefined;
  #discovery: Promise<MedVaultProvider | undefined> | undefined;
  #stopWatching: (() => void) | undefined;
  #activity: Activity = { kind: 'idle' };
  /** A click is being handled (from the click until its outcome). */
  #busy = false;
  #problem: InvalidAttributeError | undefined;
  /** The problem last told to the page, so that each is told once, not on every render. */
  #reported: string | undefined;
  #updateQueued = false;

  constructor() {
    super();
    // A server-rendered declarative shadow root is reused rather than doubled.
    this.#parts = buildShadowTree(this.shadowRoot ?? this.attachShadow({ mode: 'open' }));
    this.#parts.button.addEventListener('click', () => void this.#onClick());
  }

  // ---- properties (views of the attributes, so markup and script agree) ----

  /** `reader-key`: the reader's compressed secp256k1 public key, hex. */
  get readerKey(): string | null {
    return this.getAttribute('reader-key');
  }
  set readerKey(value: string | null | undefined) {
    this.#reflect('reader-key', value);
  }

  /** `reader-name`: who the patient shares with. */
  get readerName(): string | null {
    return this.getAttribute('reader-name');
  }
  set readerName(value: string | null | undefined) {
    this.#reflect('reader-name', value);
  }

  /** `scope` as an object (null when absent or invalid); takes an object or its JSON. */
  get scope(): GrantScope | null {
    const parsed = parseScope(this.getAttribute('scope'));
    return parsed.ok ? parsed.value : null;
  }
  set scope(value: GrantScope | string | null | undefined) {
    if (value === null || value === undefined || typeof value === 'string') {
      this.#reflect('scope', value);
      return;
    }
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch {
      // a cycle or a BigInt: leave text the parser will report
    }
    this.#reflect('scope', json ?? String(value));
  }

  /** `purpose`: why the reader asks. */
  get purpose(): string | null {
    return this.getAttribute('purpose');
  }
  set purpose(value: string | null | undefined) {
    this.#reflect('purpose', value);
  }

  /** `expires-in-days` as a number (null when absent or not a number). */
  get expiresInDays(): number | null {
    const text = this.getAttribute('expires-in-days');
    const days = text === null || text.trim() === '' ? Number.NaN : Number(text);
    return Number.isFinite(days) ? days : null;
  }
  set expiresInDays(value: number | string | null | undefined) {
    this.#reflect('expires-in-days', value);
  }

  /** `expires-at` as a Date (null when absent or not ISO 8601); takes a Date, ms since the epoch or ISO text. */
  get expiresAt(): Date | null {
    const text = this.getAttribute('expires-at');
    const instant = text === null ? undefined : isoInstant(text.trim());
    return instant === undefined ? null : new Date(instant);
  }
  set expiresAt(value: Date | number | string | null | undefined) {
    if (value instanceof Date || typeof value === 'number') {
      const date = new Date(value);
      // An invalid date is kept as text so the parser names expires-at, rather than throwing here.
      this.#reflect(
        'expires-at',
        Number.isFinite(date.getTime()) ? date.toISOString() : String(value),
      );
      return;
    }
    this.#reflect('expires-at', value);
  }

  /** `install-url`: where the "no extension" hint links. */
  get installUrl(): string | null {
    return this.getAttribute('install-url');
  }
  set installUrl(value: string | null | undefined) {
    this.#reflect('install-url', value);
  }

  /** `label`: the button's text. */
  get label(): string | null {
    return this.getAttribute('label');
  }
  set label(value: string | null | undefined) {
    this.#reflect('label', value);
  }

  /** The button's state (also its `state` attribute). */
  get state(): ShareButtonState {
    return stateOf({
      activity: this.#activity,
      wallet: this.#wallet,
      invalid: this.#problem !== undefined,
    });
  }
  set state(_ignored: ShareButtonState) {
    // Read-only. Frameworks assign every prop they are given; assigning
    // this one must not throw (a getter alone would, in strict mode).
  }

  // ---- lifecycle ----

  /** Custom-element lifecycle: renders and starts looking for the wallet. */
  connectedCallback(): void {
    this.#adoptEarlyProperties();
    this.#lookForWallet();
    this.#queueUpdate();
  }

  /** Custom-element lifecycle: stops listening for the wallet. */
  disconnectedCallback(): void {
    this.#stopWatching?.();
    this.#stopWatching = undefined;
  }

  /** Custom-element lifecycle: re-validates the request when an attribute changes. */
  attributeChangedCallback(_name: string, previous: string | null, next: string | null): void {
    if (previous !== next) this.#queueUpdate();
  }

  // ---- internals ----

  #reflect(attribute: ShareButtonAttribute, value: unknown): void {
    if (value === null || value === undefined) {
      this.removeAttribute(attribute);
      return;
    }
    let text: string;
    try {
      text = String(value);
    } catch {
      // an object with no string form (Object.create(null)): the parser reports it as missing
      text = '';
    }
    this.setAttribute(attribute, text);
  }

  /**
   * A property set on the element before its class was defined is an own
   * property shadowing the accessor: move it through the accessor.
   */
  #adoptEarlyProperties(): void {
    const self = this as unknown as Record<string, unknown>;
    for (const name of PROPERTIES) {
      if (!Object.hasOwn(this, name)) continue;
      const value = self[name];
      delete self[name];
      self[name] = value;
    }
  }

  #lookForWallet(): void {
    if (this.#provider) return;
    this.#stopWatching?.();
    this.#stopWatching = onWalletFound((provider) => {
      this.#provider = provider;
      this.#wallet = 'present';
      this.#render();
    });
    if (this.#provider || this.#discovery) return;
    this.#discovery = discoverWallet(DISCOVERY_TIMEOUT_MS).then((provider) => {
      if (!provider && !this.#provider) {
        this.#wallet = 'absent';
        this.#render();
      }
      return provider;
    });
  }

  /**
   * Frameworks set attributes one at a time: check them together once the
   * code setting them has run to completion, not after each one (which
   * would report problems that the next line fixes).
   */
  #queueUpdate(): void {
    if (this.#updateQueued) return;
    this.#updateQueued = true;
    queueMicrotask(() => {
      this.#updateQueued = false;
      this.#validate(false);
      this.#render();
    });
  }

  /**
   * Checks every attribute; reports a new problem to the page (or any
   * problem when `always`, i.e. on a click). Returns the share request.
   */
  #validate(always: boolean) {
    const read = (name: ShareButtonAttribute) => this.getAttribute(name);
    const request = parseShareRequest(read, Date.now());
    const installUrl = parseInstallUrl(read('install-url'), pageUrl());
    const problem = !request.ok ? request.error : !installUrl.ok ? installUrl.error : undefined;
    this.#problem = problem;
    if (!problem) {
      this.#reported = undefined;
    } else if (this.isConnected && (always || problem.shortMessage !== this.#reported)) {
      this.#reported = problem.shortMessage;
      this.#render();
      emit(this, 'medvault-error', {
        code: 'SHARE_INVALID_ATTRIBUTE',
        message: problem.shortMessage,
        attribute: problem.attribute,
      });
    }
    return request.ok ? request.value : undefined;
  }

  async #onClick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const request = this.#validate(true);
      if (!request) return;
      const provider =
        this.#provider ??
        findWallet() ??
        (this.#wallet === 'unknown' ? await this.#discovery : undefined);
      if (!provider) {
        this.#wallet = 'absent';
        this.#render();
        const installUrl = parseInstallUrl(this.getAttribute('install-url'), pageUrl());
        const where = installUrl.ok ? installUrl.value : undefined;
        emit(this, 'medvault-error', {
          code: 'SHARE_NO_EXTENSION',
          message: where
            ? `The MedVault wallet is not installed in this browser: install it (${where}) and reload the page.`
            : 'The MedVault wallet is not installed in this browser, and this page names no place to get it (install-url).',
        });
        return;
      }
      const outcome = await askWalletToShare({
        provider,
        request,
        onPhase: (phase) => {
          this.#activity = { kind: phase };
          this.#render();
        },
      });
      this.#finish(outcome);
    } catch (error) {
      // Only a bug of the button's own could land here; report it, never throw it.
      this.#finish({
        kind: 'error',
        code: INTERNAL_ERROR,
        message: `The share button failed: ${(error as Error)?.message ?? String(error)}`,
      });
    } finally {
      this.#busy = false;
    }
  }

  #finish(outcome: ShareOutcome): void {
    this.#activity = { kind: 'done', outcome };
    this.#render();
    const { kind } = outcome;
    if (kind === 'granted') emit(this, 'medvault-granted', { grant: outcome.grant });
    else if (kind === 'denied')
      emit(this, 'medvault-denied', { code: outcome.code, message: outcome.message });
    else emit(this, 'medvault-error', { code: outcome.code, message: outcome.message });
  }

  #render(): void {
    const state = this.state;
    if (this.getAttribute('state') !== state) this.setAttribute('state', state);
    const outcome = this.#activity.kind === 'done' ? this.#activity.outcome : undefined;
    const readerName = parseReaderName(this.getAttribute('reader-name'));
    const installUrl = parseInstallUrl(this.getAttribute('install-url'), pageUrl());
    const link = installUrl.ok ? installUrl.value : undefined;
    const view = viewOf(state, {
      installLink: link !== undefined,
      message:
        this.#problem?.shortMessage ?? (outcome?.kind === 'granted' ? undefined : outcome?.message),
      readerName: readerName.ok ? readerName.value : undefined,
      expiresAt: outcome?.kind === 'granted' ? outcome.grant.expiresAt : undefined,
    });
    const { button, icon, label, message, status, statusIcon, statusText, hint } = this.#parts;
    label.textContent = parseLabel(this.getAttribute('label'));
    drawIcon(icon, view.buttonIcon);
    // aria-disabled rather than disabled: the button keeps focus while pending.
    button.setAttribute('aria-busy', String(view.busy));
    button.setAttribute('aria-disabled', String(view.busy));
    status.setAttribute('data-tone', view.tone);
    drawIcon(statusIcon, view.statusIcon);
    if (statusText.textContent !== view.status) statusText.textContent = view.status;
    message.toggleAttribute('data-empty', view.status === '' && !view.hint);
    hint.hidden = !view.hint;
    if (link) hint.href = link;
    else hint.removeAttribute('href');
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'medvault-share-button': ShareButton;
  }
}
