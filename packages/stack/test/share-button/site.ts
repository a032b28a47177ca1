/**
 * Test support: a clinic's site on 127.0.0.1 (an ephemeral port), serving
 * the pages the browser tests open and the scripts they load, and noting
 * every path asked for.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running site. */
export type Site = {
  url: string;
  /** Paths requested so far, in order. */
  requested: string[];
  close(): Promise<void>;
};

/** The clinic's own look, so screenshots show the button on a real page. */
const CLINIC_CSS = `
  :root { color-scheme: light; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: start center; padding: 48px 16px;
    box-sizing: border-box; background: #f1f5f9; color: #0f172a;
    font: 16px/1.5 ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }
  .card { width: min(520px, 100%); box-sizing: border-box; background: #fff; border-radius: 16px; padding: 28px 32px 32px;
    box-shadow: 0 1px 2px rgb(15 23 42 / 0.06), 0 12px 32px -12px rgb(15 23 42 / 0.18); }
  .eyebrow { margin: 0 0 4px; color: #0f766e; font-size: 13px; font-weight: 600; letter-spacing: 0.04em; text-transform: uppercase; }
  h1 { margin: 0 0 8px; font-size: 22px; line-height: 1.3; }
  p { margin: 0 0 20px; color: #475569; }
  .row { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
  #result { margin: 20px 0 0; padding: 10px 12px; border-radius: 8px; background: #f8fafc; color: #334155;
    font: 13px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
`;

/**
 * A page of the clinic's site: `body` inside its card. `head` goes in the
 * head (the page's own styles or scripts).
 *
 * @example
 * ```ts
 * clinicPage({ title: 'Share', body: '<medvault-share-button …></medvault-share-button>' });
 * ```
 */
export function clinicPage(page: { title: string; body: string; head?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title}</title>
<style>${CLINIC_CSS}</style>
${page.head ?? ''}
</head>
<body>
${page.body}
</body>
</html>`;
}

/**
 * Serves `files` (path → [content type, body]) on 127.0.0.1, port 0.
 *
 * @example
 * ```ts
 * const site = await startSite({ '/': ['text/html', html] });
 * await page.goto(site.url);
 * await site.close();
 * ```
 */
export async function startSite(
  files: Record<string, [contentType: string, body: string | Uint8Array]>,
): Promise<Site> {
  const requested: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requested.push(path);
    const file = files[path];
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requested,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
