/**
 * A tiny element builder: `h('p', { class: 'x' }, 'text', child)`. Text is
 * always set as text, never parsed as HTML, so nothing a site sends can
 * inject markup into the wallet's pages.
 */

type Attrs = Record<string, string | boolean | number | undefined | ((event: Event) => void)>;
type Child = Node | string | number | false | null | undefined | Child[];

/** Creates an element with attributes (`on…` are listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else
      parent.appendChild(
        typeof child === 'object' ? child : document.createTextNode(String(child)),
      );
  }
}

/** Replaces the content of `#app` (or `root`). */
export function render(...children: Child[]): void {
  const root = document.getElementById('app') as HTMLElement;
  root.replaceChildren();
  append(root, children);
  root.querySelector<HTMLElement>('[autofocus]')?.focus();
}

/** The brand mark used in every page header. */
export function brand(subtitle?: string): HTMLElement {
  return h(
    'header',
    { class: 'brand' },
    h('span', { class: 'logo', 'aria-hidden': 'true' }),
    h('span', { class: 'name' }, 'MedVault'),
    subtitle ? h('span', { class: 'subtitle' }, subtitle) : null,
  );
}

/** A passphrase field with its label. */
export function passphraseField(id: string, label: string, autofocus = false): HTMLElement {
  return h(
    'label',
    { class: 'field', for: id },
    h('span', {}, label),
    h('input', {
      id,
      type: 'password',
      autocomplete: 'current-password',
      autofocus,
      required: true,
    }),
  );
}

/** The value of an input by id. */
export function inputValue(id: string): string {
  return (document.getElementById(id) as HTMLInputElement | HTMLTextAreaElement).value;
}

/** Shows an error message in the element `#error`. */
export function showError(message: string): void {
  const box = document.getElementById('error');
  if (box) {
    box.textContent = message;
    box.hidden = false;
  }
}

/**
 * The passphrase form of a locked wallet, with the way out for a forgotten
 * passphrase (it cannot be recovered; the recovery phrase or guardians set
 * the wallet up again with a new one). `onUnlocked` runs once the
 * background says unlocked; `unlock` sends the passphrase; `extra` are
 * buttons beside Unlock (e.g. "Not now").
 *
 * @example
 * ```ts
 * render(brand(), h('main', { class: 'card narrow' }, unlockForm(load, (p) => call({ type: 'unlock', passphrase: p }))));
 * ```
 */
export function unlockForm(
  onUnlocked: () => unknown,
  unlock: (passphrase: string) => Promise<unknown>,
  ...extra: Node[]
): HTMLElement {
  return h(
    'form',
    {
      id: 'unlock-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        try {
          await unlock(inputValue('passphrase'));
          await onUnlocked();
        } catch (error) {
          showError((error as Error).message);
        }
      },
    },
    passphraseField('passphrase', 'Your passphrase', true),
    h('p', { id: 'error', class: 'notice error', role: 'alert', hidden: true }),
    h(
      'details',
      { class: 'hint', id: 'forgot' },
      h('summary', {}, 'Forgot your passphrase?'),
      h(
        'p',
        {},
        'Nobody can look it up or reset it — not MedVault, not a hospital. Set this wallet up again with your recovery words (or with your guardians), and choose a new passphrase. Your records and shares come back from your ledger.',
      ),
      h(
        'a',
        { href: 'onboarding.html', target: '_blank', id: 'forgot-restore' },
        'Set up again with my recovery words',
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      ...extra,
      h('button', { type: 'submit', class: 'primary', id: 'unlock' }, 'Unlock'),
    ),
  );
}
