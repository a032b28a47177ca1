/**
 * The few icons the share button draws, as 24×24 stroke paths (drawn in
 * `currentColor`, so they follow the text they sit in). Built with
 * createElementNS rather than innerHTML so pages under Trusted Types can
 * use the button.
 */

const SVG = 'http://www.w3.org/2000/svg';
const CIRCLE = 'M12 2a10 10 0 1 0 0 20a10 10 0 1 0 0-20';
const SHIELD = 'M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z';

/** Path data of each icon. */
const PATHS = {
  /** MedVault's mark: a shield with a cross. */
  shield: [SHIELD, 'M12 8.5v6', 'M9 11.5h6'],
  shieldCheck: [SHIELD, 'm9 12 2 2 4-4'],
  spinner: ['M21 12a9 9 0 1 1-6.2-8.56'],
  check: [CIRCLE, 'm8.5 12 2.5 2.5 4.5-5'],
  declined: [CIRCLE, 'M8 12h8'],
  alert: [CIRCLE, 'M12 7.5v5', 'M12 16.5h.01'],
  info: [CIRCLE, 'M12 11v5', 'M12 7.5h.01'],
} as const;

/** An icon's name. */
export type IconName = keyof typeof PATHS;

/**
 * Replaces the children of `host` with the icon `name` (nothing for
 * undefined). Decorative: the text beside it says the same.
 *
 * @example
 * ```ts
 * drawIcon(iconSlot, 'spinner');
 * ```
 */
export function drawIcon(host: Element, name: IconName | undefined): void {
  if (host.getAttribute('data-icon') === (name ?? '')) return;
  host.setAttribute('data-icon', name ?? '');
  if (!name) {
    host.replaceChildren();
    return;
  }
  const doc = host.ownerDocument;
  const svg = doc.createElementNS(SVG, 'svg');
  for (const [key, value] of Object.entries({
    viewBox: '0 0 24 24',
    fill: 'none',
    stroke: 'currentColor',
    'stroke-width': '2',
    'stroke-linecap': 'round',
    'stroke-linejoin': 'round',
    'aria-hidden': 'true',
    focusable: 'false',
  })) {
    svg.setAttribute(key, value);
  }
  for (const d of PATHS[name]) {
    const path = doc.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  host.replaceChildren(svg);
}
