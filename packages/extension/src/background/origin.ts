/**
 * The origin of a message's sender, as the browser reports it: the port's
 * `sender.origin` (or the origin of `sender.url`). Pages that are not web
 * pages (no http/https origin) get no provider.
 */

/** The web origin of a sender, or undefined when it has none. */
export function senderOrigin(
  sender: { origin?: string; url?: string } | undefined,
): string | undefined {
  const raw = sender?.origin ?? sender?.url;
  if (!raw) return undefined;
  let url: URL;
  try {
    // an opaque origin ("null") does not parse, and falls through to undefined
    url = new URL(raw);
  } catch {
    return undefined;
  }
  return /^https?:$/.test(url.protocol) ? url.origin : undefined;
}
