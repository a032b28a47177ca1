/**
 * Keeps a button that grants something (Share, Connect, Add record) inert
 * until the patient has had the prompt window in front of them, visible and
 * focused, for {@link APPROVE_DELAY_MS} without a break. A key press or a
 * click meant for the page underneath, landing as the window pops up, then
 * does nothing. Losing focus or being hidden starts the wait again.
 */

/**
 * How long, in milliseconds, an approval button stays inert once its window
 * is both visible and focused. The wait starts again whenever the window
 * loses focus or is hidden.
 */
export const APPROVE_DELAY_MS = 1000;

/** What an {@link ApprovalGate} needs from its surroundings (injected in tests). */
export type ApprovalGateOptions = {
  /** Whether the window is visible and focused right now. */
  isActive: () => boolean;
  /** A monotonic clock in milliseconds; `performance.now()` by default. */
  now?: () => number;
  /** The wait; {@link APPROVE_DELAY_MS} by default. */
  delayMs?: number;
  /** Called whenever the gate opens or closes. */
  onChange?: (ready: boolean) => void;
};

/**
 * Decides whether an approval may count: only when the window is active
 * now and has been, without a break, for the delay. The state machine
 * alone — {@link guardApproval} wires it to a button and the window.
 */
export class ApprovalGate {
  readonly #isActive: () => boolean;
  readonly #now: () => number;
  readonly #delayMs: number;
  readonly #onChange: (ready: boolean) => void;
  #activeSince: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #open = false;
  #disposed = false;

  /** Starts the gate; if the window is active already, the wait starts now. */
  constructor(options: ApprovalGateOptions) {
    this.#isActive = options.isActive;
    this.#now = options.now ?? (() => performance.now());
    this.#delayMs = options.delayMs ?? APPROVE_DELAY_MS;
    this.#onChange = options.onChange ?? (() => {});
    this.update();
  }

  /**
   * Re-reads whether the window is active (call it on focus, blur and
   * visibility changes): a window that has just become active starts its
   * wait; one that is not active closes the gate.
   */
  update(): void {
    if (this.#disposed) return;
    if (!this.#isActive()) this.#activeSince = undefined;
    else if (this.#activeSince === undefined) this.#activeSince = this.#now();
    this.#settle();
  }

  /**
   * Whether an approval counts now: the window is active at this moment and
   * has been for the whole delay. Reads the clock, so a button re-enabled
   * by hand still does nothing early.
   */
  ready(): boolean {
    if (this.#disposed || !this.#isActive()) return false;
    if (this.#activeSince === undefined) return false;
    return this.#now() - this.#activeSince >= this.#delayMs;
  }

  /** How far through the wait, from 0 (inactive or just activated) to 1 (ready). */
  progress(): number {
    if (this.#activeSince === undefined || !this.#isActive()) return 0;
    return Math.min(1, Math.max(0, (this.#now() - this.#activeSince) / this.#delayMs));
  }

  /** Stops the gate for good (the prompt was answered); it never opens again. */
  dispose(): void {
    this.#disposed = true;
    this.#activeSince = undefined;
    this.#open = false;
    this.#clearTimer();
  }

  /** Opens or closes the gate as the clock says, and wakes up when the wait is over. */
  #settle(): void {
    this.#clearTimer();
    const open = this.ready();
    if (!open && this.#activeSince !== undefined) {
      const left = this.#activeSince + this.#delayMs - this.#now();
      this.#timer = setTimeout(() => this.update(), Math.max(1, Math.ceil(left)));
    }
    if (open === this.#open) return;
    this.#open = open;
    this.#onChange(open);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** An approval button under guard: ask {@link ApprovalGuard.ready} before acting on it. */
export type ApprovalGuard = {
  /** Whether a click or key on the button counts now (reads the clock, not the button). */
  ready(): boolean;
  /** Stops guarding (the prompt was answered); leaves the button as it is. */
  dispose(): void;
};

/** Said on the button while it waits. */
const WAITING_NOTE =
  'Available after a short pause, so that a stray key press or click cannot approve.';

/**
 * Guards an approval button in this window: disabled, `aria-disabled` and
 * faded in over {@link APPROVE_DELAY_MS} once the window is visible
 * (`document.visibilityState`) and focused (`document.hasFocus()`), and
 * back to disabled, the wait starting over, whenever it is hidden or loses
 * focus. The disabled state is only the visible half: the button's handler
 * must also check {@link ApprovalGuard.ready}, so a button re-enabled by
 * other means still does nothing early.
 */
export function guardApproval(
  button: HTMLButtonElement,
  delayMs = APPROVE_DELAY_MS,
): ApprovalGuard {
  let ticker: ReturnType<typeof setInterval> | undefined;
  let disposed = false;
  let started = false;
  const gate = new ApprovalGate({
    isActive: () => document.visibilityState === 'visible' && document.hasFocus(),
    delayMs,
    onChange: () => {
      if (started) paint();
    },
  });
  started = true;

  function paint() {
    if (disposed) return;
    const ready = gate.ready();
    button.disabled = !ready;
    if (ready) {
      button.removeAttribute('aria-disabled');
      button.removeAttribute('title');
      button.style.removeProperty('opacity');
      if (ticker !== undefined) clearInterval(ticker);
      ticker = undefined;
      return;
    }
    button.setAttribute('aria-disabled', 'true');
    button.title = WAITING_NOTE;
    // from faint to nearly full while the wait runs; full once enabled
    button.style.opacity = (0.25 + 0.55 * gate.progress()).toFixed(2);
    ticker ??= setInterval(tick, 50);
  }

  function tick() {
    gate.update();
    paint();
  }

  const targets = [
    [window, 'focus'],
    [window, 'blur'],
    [window, 'pageshow'],
    [window, 'pagehide'],
    [document, 'visibilitychange'],
  ] as const;
  for (const [target, type] of targets) target.addEventListener(type, tick);
  tick();

  return {
    ready: () => !disposed && gate.ready(),
    dispose() {
      disposed = true;
      gate.dispose();
      if (ticker !== undefined) clearInterval(ticker);
      ticker = undefined;
      for (const [target, type] of targets) target.removeEventListener(type, tick);
    },
  };
}
