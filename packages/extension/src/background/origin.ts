/**
 * The origin of a message's sender, as the browser reports it: the port's
 * `sender.origin` (or the origin of `sender.url`). Pages that are not web
 * pages (no http/https origin) get no provider.
 */

/** The web origin of a sender, or undefined when it has none. */
export function senderOrigin(
  sender: { origin?: string; url?: string } | undefined,
): string | undefined {
  const raw = sender?.origin ?? (sender?.url ? safeOrigin(sender.url) : undefined);
  if (!raw || raw === 'null') return undefined;
  const origin = safeOrigin(raw);
  return origin && /^https?:$/.test(new URL(origin).protocol) ? origin : undefined;
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
