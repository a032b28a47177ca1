/**
 * Links whose target comes from outside (proof and anchor URLs) pass through
 * here: escaping stops attribute break-out but not `javascript:` URLs, so only
 * http(s) URLs and paths on the page's own site are ever linked.
 * @module
 */

const PAGE = 'https://page.invalid/';

/**
 * The URL if it is safe to put in `href` — absolute http(s), or a path
 * starting with `/` — otherwise undefined.
 *
 * @example
 * ```ts
 * safeHref('https://explorer.example.org/tx/0xab'); // returned as is
 * safeHref('/proofs/42'); // '/proofs/42'
 * safeHref('javascript:alert(1)'); // undefined
 * ```
 */
export function safeHref(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  const path = url.trimStart().startsWith('/');
  let parsed: URL;
  try {
    // The WHATWG parser strips tabs and newlines the way browsers do, so
    // `java\tscript:` is judged as the browser would follow it.
    parsed = path ? new URL(url, PAGE) : new URL(url);
  } catch {
    return undefined;
  }
  return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? url : undefined;
}
