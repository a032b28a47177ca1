/**
 * Building HTML that cannot be injected into: every value interpolated into
 * an `html` template is escaped unless it is itself the result of an `html`
 * template. There is deliberately no way to mark an arbitrary string as safe —
 * the records a clinic renders come from other parties, so "trust me" strings
 * would be the one hole an attacker needs.
 * @module
 */

/** What an `html` template accepts between `${…}`. */
export type HtmlValue =
  | SafeHtml
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for use in HTML content and in quoted attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<b title="x">'); // '&lt;b title=&quot;x&quot;&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

let seal: (markup: string) => SafeHtml;

/**
 * A fragment of markup produced by `html` (and only by it), so that nesting
 * templates does not escape twice.
 *
 * @example
 * ```ts
 * const cell = html`<td>${'a < b'}</td>`; // SafeHtml
 * String(html`<tr>${cell}</tr>`); // '<tr><td>a &lt; b</td></tr>'
 * ```
 */
export class SafeHtml {
  readonly #markup: string;
  private constructor(markup: string) {
    this.#markup = markup;
  }
  static {
    seal = (markup) => new SafeHtml(markup);
  }
  /** The markup. */
  toString(): string {
    return this.#markup;
  }
}

function interpolate(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map(interpolate).join('');
  // `cond && html\`…\`` yields false when the condition fails: render nothing.
  if (value === null || value === undefined || typeof value === 'boolean') return '';
  return escapeHtml(String(value));
}

/**
 * Tagged template for markup: the literal parts are trusted, every `${value}`
 * is escaped (arrays are concatenated, `null`/`undefined`/booleans render
 * nothing, nested `html` fragments are kept as they are). Attribute values
 * must be quoted in the literal for the escaping to hold.
 *
 * @example
 * ```ts
 * const name = '<script>alert(1)</script>';
 * String(html`<p class="name">${name}</p>`);
 * // '<p class="name">&lt;script&gt;alert(1)&lt;/script&gt;</p>'
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += interpolate(values[i]) + strings[i + 1]!;
  return seal(out);
}
