/**
 * What the button shows in each state: the icon in the button, the status
 * line (read out by screen readers as it changes) and its tone, and
 * whether the install hint is shown.
 */
import type { IconName } from './icons.js';
import type { ShareButtonState } from './state.js';

/** The tone of the status line; styles.ts colours each. */
export type Tone = 'neutral' | 'pending' | 'success' | 'warning' | 'danger';

/** How one state looks. */
export type View = {
  buttonIcon: IconName;
  statusIcon: IconName | undefined;
  tone: Tone;
  /** The status line; empty when there is nothing to say. */
  status: string;
  /** A request is pending: the button is aria-busy and ignores clicks. */
  busy: boolean;
  /** Show the "install the wallet" link. */
  hint: boolean;
};

/** What the status line needs beyond the state. */
export type ViewContext = {
  /** The message of the error being shown (state `error`). */
  message?: string | undefined;
  /** Who was granted, and until when (state `granted`). */
  readerName?: string | undefined;
  expiresAt?: number | undefined;
  /** The page named where to get the wallet (`install-url`); without it there is no link. */
  installLink?: boolean;
};

function until(expiresAt: number | undefined): string {
  if (expiresAt === undefined) return '';
  const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(expiresAt);
  return ` until ${date}`;
}

/**
 * The view of `state`.
 *
 * @example
 * ```ts
 * viewOf('waiting', {}).status; // 'Waiting for the patient…'
 * ```
 */
export function viewOf(state: ShareButtonState, context: ViewContext): View {
  const base = { buttonIcon: 'shield', statusIcon: undefined, busy: false, hint: false } as const;
  switch (state) {
    case 'ready':
      return { ...base, tone: 'neutral', status: '' };
    case 'no-extension':
      return {
        ...base,
        statusIcon: 'info',
        tone: 'neutral',
        status: context.installLink
          ? 'MedVault isn’t installed in this browser.'
          : 'MedVault isn’t installed in this browser. Ask this site how to get it.',
        hint: context.installLink === true,
      };
    case 'connecting':
      return {
        ...base,
        buttonIcon: 'spinner',
        tone: 'pending',
        status: 'Connecting to MedVault…',
        busy: true,
      };
    case 'waiting':
      return {
        ...base,
        buttonIcon: 'spinner',
        tone: 'pending',
        status: 'Waiting for the patient…',
        busy: true,
      };
    case 'granted':
      return {
        ...base,
        buttonIcon: 'shieldCheck',
        statusIcon: 'check',
        tone: 'success',
        status: `Shared with ${context.readerName ?? 'the reader'}${until(context.expiresAt)}.`,
      };
    case 'denied':
      return {
        ...base,
        statusIcon: 'declined',
        tone: 'warning',
        status: 'Not shared: the request was declined. You can ask again.',
      };
    case 'error':
      return {
        ...base,
        statusIcon: 'alert',
        tone: 'danger',
        status: context.message ?? 'Something went wrong. Try again.',
      };
  }
}
