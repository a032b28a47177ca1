/**
 * Warnings about a requesting origin, as the browser reported it: a page
 * served without encryption, a host in punycode (which can imitate another
 * site's name with look-alike letters), or a bare IP address.
 */

/** One warning: how serious, and what to tell the patient. */
export type OriginWarning = { level: 'danger' | 'caution' | 'info'; text: string };

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/**
 * @example
 * ```ts
 * originWarnings('http://xn--80ak6aa92e.com') // [http warning, punycode warning]
 * ```
 */
export function originWarnings(origin: string): OriginWarning[] {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return [{ level: 'danger', text: 'The browser could not tell which site is asking.' }];
  }
  const warnings: OriginWarning[] = [];
  const host = url.hostname;
  if (LOOPBACK.test(host)) {
    warnings.push({
      level: 'info',
      text: 'This is a site running on this computer (a local test or development site).',
    });
  } else if (url.protocol !== 'https:') {
    warnings.push({
      level: 'danger',
      text: 'This site does not use a secure connection (http). Someone on the network could pretend to be it.',
    });
  }
  if (host.split('.').some((label) => label.startsWith('xn--'))) {
    warnings.push({
      level: 'danger',
      text: 'This address uses international characters that can imitate another site’s name. Check it letter by letter.',
    });
  }
  if (!LOOPBACK.test(host) && (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('['))) {
    warnings.push({
      level: 'caution',
      text: 'This site is reached by a bare number (IP address), not a name you can recognise.',
    });
  }
  return warnings;
}
