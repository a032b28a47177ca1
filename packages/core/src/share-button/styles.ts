/**
 * The share button's look. Everything a site may change is a CSS custom
 * property (inherited into the shadow root, so set it on the element or any
 * ancestor) or a part (`::part(button)`, `::part(status)`, `::part(hint)`).
 *
 * | property                  | default                  | what it sets                          |
 * | ------------------------- | ------------------------ | ------------------------------------- |
 * | `--medvault-accent`       | `#0f766e` (teal)         | button background, link and focus ring |
 * | `--medvault-on-accent`    | `#ffffff`                | button text and icon                  |
 * | `--medvault-radius`       | `10px`                   | button corner radius                  |
 * | `--medvault-font`         | the system UI font stack | font family of button and status      |
 * | `--medvault-font-size`    | `15px`                   | button text size (status is smaller)  |
 * | `--medvault-text`         | inherited                | status text colour                    |
 * | `--medvault-success`      | `#15803d`                | the granted check                     |
 * | `--medvault-warning`      | `#b45309`                | the denied mark                       |
 * | `--medvault-danger`       | `#b91c1c`                | error icon and text                   |
 */

/**
 * The stylesheet of every share button's shadow root. Reads the public
 * custom properties once into private `--_` ones so each default is stated
 * in one place.
 *
 * @example
 * ```ts
 * const sheet = new CSSStyleSheet();
 * sheet.replaceSync(SHARE_BUTTON_CSS);
 * shadowRoot.adoptedStyleSheets = [sheet];
 * ```
 */
export const SHARE_BUTTON_CSS = /* css */ `
:host {
  --_accent: var(--medvault-accent, #0f766e);
  --_on-accent: var(--medvault-on-accent, #ffffff);
  --_radius: var(--medvault-radius, 10px);
  --_success: var(--medvault-success, #15803d);
  --_warning: var(--medvault-warning, #b45309);
  --_danger: var(--medvault-danger, #b91c1c);
  display: inline-flex;
  flex-direction: column;
  align-items: flex-start;
  max-width: 100%;
  font-family: var(--medvault-font, ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif);
  font-size: var(--medvault-font-size, 15px);
  line-height: 1.4;
  color: var(--medvault-text, inherit);
  -webkit-font-smoothing: antialiased;
}
:host([hidden]) { display: none; }
[hidden] { display: none !important; }

button {
  appearance: none;
  box-sizing: border-box;
  display: inline-flex;
  align-items: center;
  gap: 10px;
  min-height: 44px;
  max-width: 100%;
  margin: 0;
  padding: 10px 22px 10px 16px;
  border: 0;
  border-radius: var(--_radius);
  background-color: var(--_accent);
  background-image: linear-gradient(to bottom, rgb(255 255 255 / 0.10), rgb(255 255 255 / 0));
  color: var(--_on-accent);
  font: inherit;
  font-weight: 600;
  letter-spacing: 0.01em;
  text-align: start;
  cursor: pointer;
  box-shadow:
    0 1px 2px rgb(15 23 42 / 0.16),
    0 6px 16px -6px color-mix(in srgb, var(--_accent) 70%, transparent),
    inset 0 1px 0 rgb(255 255 255 / 0.14);
  transition: background-color 150ms ease, box-shadow 150ms ease, transform 80ms ease;
  -webkit-tap-highlight-color: transparent;
}
button:hover { background-color: color-mix(in srgb, var(--_accent) 86%, #000); }
button:active { transform: translateY(1px); box-shadow: 0 1px 2px rgb(15 23 42 / 0.2); }
button:focus-visible {
  outline: 3px solid color-mix(in srgb, var(--_accent) 45%, transparent);
  outline-offset: 2px;
}
button[aria-busy='true'] {
  cursor: progress;
  background-color: color-mix(in srgb, var(--_accent) 82%, #fff);
}
button[aria-busy='true']:active { transform: none; }

.icon { display: inline-flex; flex: none; width: 20px; height: 20px; }
.icon svg, .status-icon svg { width: 100%; height: 100%; }
.label { overflow-wrap: anywhere; }
[data-icon='spinner'] svg { animation: medvault-spin 0.8s linear infinite; }
@keyframes medvault-spin { to { transform: rotate(360deg); } }

.message {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  column-gap: 10px;
  row-gap: 2px;
  margin-top: 8px;
  font-size: 0.867em;
}
.message[data-empty] { margin-top: 0; }
.status {
  display: inline-flex;
  align-items: flex-start;
  gap: 6px;
  margin: 0;
  color: color-mix(in srgb, currentColor 82%, transparent);
}
.message[data-empty] .status { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
.status-icon { display: inline-flex; flex: none; width: 16px; height: 16px; margin-top: 0.1em; }
.status-icon:empty { display: none; }
.status[data-tone='pending'] .status-icon { color: var(--_accent); }
.status[data-tone='success'] .status-icon { color: var(--_success); }
.status[data-tone='warning'] .status-icon { color: var(--_warning); }
.status[data-tone='danger'] { color: var(--_danger); }

.hint {
  color: var(--_accent);
  font-weight: 600;
  text-decoration: none;
  border-radius: 4px;
}
.hint:hover { text-decoration: underline; text-underline-offset: 3px; }
.hint:focus-visible {
  outline: 2px solid color-mix(in srgb, var(--_accent) 50%, transparent);
  outline-offset: 2px;
}

@media (prefers-reduced-motion: reduce) {
  button { transition: none; }
  [data-icon='spinner'] svg { animation-duration: 2.4s; }
}
@media (forced-colors: active) {
  button { border: 1px solid ButtonText; }
}
`;
