/**
 * The share button's shadow tree: a real <button>, a status line that is a
 * polite live region, and the install link. Built element by element (no
 * innerHTML) so pages under Trusted Types can use it; styled with one
 * constructable stylesheet shared by every button, which a strict
 * `style-src` CSP allows where a <style> element would not.
 */
import { SHARE_BUTTON_CSS } from './styles.js';

/** The elements the button updates. */
export type ShareButtonParts = {
  button: HTMLButtonElement;
  icon: HTMLSpanElement;
  label: HTMLSpanElement;
  message: HTMLDivElement;
  status: HTMLParagraphElement;
  statusIcon: HTMLSpanElement;
  statusText: HTMLSpanElement;
  hint: HTMLAnchorElement;
};

let sharedSheet: CSSStyleSheet | undefined;

function adoptStyles(root: ShadowRoot): void {
  const constructable =
    'adoptedStyleSheets' in root && typeof CSSStyleSheet.prototype.replaceSync === 'function';
  if (constructable) {
    if (!sharedSheet) {
      sharedSheet = new CSSStyleSheet();
      sharedSheet.replaceSync(SHARE_BUTTON_CSS);
    }
    root.adoptedStyleSheets = [sharedSheet];
    return;
  }
  const style = root.ownerDocument.createElement('style');
  style.textContent = SHARE_BUTTON_CSS;
  root.append(style);
}

/**
 * Fills `root` with the button's tree and returns its parts.
 *
 * @example
 * ```ts
 * const parts = buildShadowTree(this.attachShadow({ mode: 'open' }));
 * parts.label.textContent = 'Share my records';
 * ```
 */
export function buildShadowTree(root: ShadowRoot): ShareButtonParts {
  const doc = root.ownerDocument;
  const el = <K extends keyof HTMLElementTagNameMap>(
    tag: K,
    attributes: Record<string, string>,
    ...children: Node[]
  ): HTMLElementTagNameMap[K] => {
    const node = doc.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  };
  const icon = el('span', { class: 'icon', 'aria-hidden': 'true' });
  const label = el('span', { class: 'label' });
  const button = el(
    'button',
    { type: 'button', part: 'button', 'aria-describedby': 'status' },
    icon,
    label,
  );
  const statusIcon = el('span', { class: 'status-icon', 'aria-hidden': 'true' });
  const statusText = el('span', { class: 'status-text' });
  const status = el(
    'p',
    { id: 'status', class: 'status', part: 'status', role: 'status', 'aria-live': 'polite' },
    statusIcon,
    statusText,
  );
  const hint = el(
    'a',
    { class: 'hint', part: 'hint', target: '_blank', rel: 'noopener noreferrer', hidden: '' },
    doc.createTextNode('Install the MedVault wallet'),
  );
  const message = el('div', { class: 'message' }, status, hint);
  root.replaceChildren(button, message);
  adoptStyles(root);
  return { button, icon, label, message, status, statusIcon, statusText, hint };
}
