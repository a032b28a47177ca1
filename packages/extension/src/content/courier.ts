/**
 * The content script: a courier between the page's provider and the
 * background, with no logic. It forwards requests the page posts to its own
 * window (tagged, from this window only) over a runtime port, and posts the
 * answers back. The background reads the page's origin from the port's
 * sender, as the browser reports it — nothing the page wrote is trusted.
 */
import browser from 'webextension-polyfill';
import { PROVIDER_PORT, TO_COURIER, TO_PROVIDER } from '../shared/channel.js';

let port: browser.Runtime.Port | undefined;

function connect(): browser.Runtime.Port {
  if (port) return port;
  const opened = browser.runtime.connect({ name: PROVIDER_PORT });
  opened.onMessage.addListener((message: unknown) => {
    const id = (message as { id?: unknown })?.id;
    if (typeof id === 'string') inFlight.delete(id);
    window.postMessage({ tag: TO_PROVIDER, message }, window.location.origin);
  });
  opened.onDisconnect.addListener(() => {
    // the background restarted: requests in flight are lost, tell the page
    port = undefined;
    for (const id of inFlight) {
      window.postMessage(
        {
          tag: TO_PROVIDER,
          message: {
            id,
            error: { code: -32603, message: 'The wallet restarted; send the request again.' },
          },
        },
        window.location.origin,
      );
    }
    inFlight.clear();
  });
  port = opened;
  return opened;
}

const inFlight = new Set<string>();

window.addEventListener('message', (event: MessageEvent) => {
  if (event.source !== window || event.data?.tag !== TO_COURIER) return;
  const request = event.data.request as { id?: unknown } | undefined;
  if (typeof request?.id !== 'string') return;
  inFlight.add(request.id);
  connect().postMessage(request);
});
