/**
 * The portal's own pages — sign-in, consent, the home page and what went
 * wrong — as whole HTML documents with the examples' shared look, no
 * script and no external asset. Each is served with a CSP that allows only
 * its own inline style (by hash) and form posts to the portal and to the
 * app's redirect URI (the redirect after a post is a form action too).
 * @module
 */
import { createHash } from 'node:crypto';
import { html, type SafeHtml } from '@medvault/record-view';
import { pageHead } from '../sites/site-styles.js';

const CSS = `
:root { --brand: #1d4ed8; --brand-soft: #dbeafe; }
main { max-width: 560px; }
h1 { font-size: 22px; margin: 0 0 6px; }
ul.asks { margin: 8px 0 16px; padding-left: 20px; line-height: 1.6; }
.actions { display: flex; gap: 12px; margin-top: 16px; }
form.inline { display: inline; }
code { font-size: 13px; }
`;

const HEAD_HTML = (title: string) => pageHead(title, CSS);
const styleHash = (head: string) => {
  const style = /<style>([\s\S]*?)<\/style>/.exec(head)?.[1] ?? '';
  return `'sha256-${createHash('sha256').update(style).digest('base64')}'`;
};

/**
 * A page and the headers it must be served with.
 *
 * @example
 * ```ts
 * const { html, headers }: Page = messagePage('Expired', 'Start again.');
 * ```
 */
export type Page = { html: string; headers: Record<string, string> };

/**
 * The headers of every portal page: its CSP (inline style by hash; forms
 * post to the portal and `formTargets`), no framing, no referrer to other
 * sites, no cache.
 */
function pageHeaders(head: string, formTargets: readonly string[]): Record<string, string> {
  const forms = ["'self'", ...formTargets].join(' ');
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': [
      "default-src 'none'",
      `style-src ${styleHash(head)}`,
      'img-src data:',
      `form-action ${forms}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'x-frame-options': 'DENY',
    // not no-referrer: under it a browser posts the forms with `Origin: null`,
    // and the portal checks that its forms come from its own origin
    'referrer-policy': 'same-origin',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
}

function page(title: string, body: SafeHtml, formTargets: readonly string[] = []): Page {
  const head = HEAD_HTML(title);
  const markup = html`<body>
<header class="site"><div class="logo" aria-hidden="true">SM</div><div><strong>St. Mary’s Hospital</strong><span>Patient portal</span></div></header>
<main>${body}</main>
</body>
</html>`;
  return { html: `${head}\n${markup}`, headers: pageHeaders(head, formTargets) };
}

/**
 * The origin a redirect URI returns to, for a CSP source (`https://x.chromiumapp.org`).
 *
 * @example
 * ```ts
 * formTarget('https://abc.chromiumapp.org/provider'); // ['https://abc.chromiumapp.org']
 * ```
 */
export function formTarget(redirectUri: unknown): string[] {
  if (typeof redirectUri !== 'string' || !URL.canParse(redirectUri)) return [];
  const url = new URL(redirectUri);
  // a native app's private-use scheme (com.example.app:/callback) as a scheme source
  return url.protocol === 'https:' || url.protocol === 'http:' ? [url.origin] : [url.protocol];
}

/**
 * The sign-in form of an authorisation (`uid`), with what went wrong last
 * time, and a way to cancel (which answers the app `access_denied`).
 *
 * @example
 * ```ts
 * const { html, headers } = signInPage({ uid, appName: 'MedVault wallet', returnTo: [] });
 * ```
 */
export function signInPage(params: {
  uid: string;
  appName: string;
  username?: string;
  error?: string;
  returnTo: string[];
}): Page {
  const { uid, appName, username, error } = params;
  return page(
    'Sign in — St. Mary’s patient portal',
    html`<section class="card" aria-labelledby="title">
<h1 id="title">Sign in to see your health record</h1>
<p class="muted">${appName} wants to connect to your record at St. Mary’s Hospital. Sign in first; you decide what it may see next.</p>
${error ? html`<p class="status bad" role="alert" id="sign-in-error">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label class="field" for="username">Username
<input id="username" name="username" autocomplete="username" required autofocus value="${username ?? ''}"${error ? html` aria-invalid="true" aria-describedby="sign-in-error"` : ''}></label>
<label class="field" for="password">Password
<input id="password" name="password" type="password" autocomplete="current-password" required${error ? html` aria-invalid="true" aria-describedby="sign-in-error"` : ''}></label>
<div class="actions"><button class="primary" type="submit">Sign in</button></div>
</form>
<form method="post" action="/interaction/${uid}/abort" class="actions">
<button type="submit">Cancel and go back to ${appName}</button>
</form>
</section>`,
    params.returnTo,
  );
}

/**
 * The consent page: who asks, what it may do in plain words, Allow or Deny
 * (neither focused first).
 *
 * @example
 * ```ts
 * consentPage({ uid, appName: 'MedVault wallet', patientName: 'Helen Alvarez', returnsTo: 'abc.chromiumapp.org', asks, returnTo });
 * ```
 */
export function consentPage(params: {
  uid: string;
  appName: string;
  patientName: string;
  /** The host the app gets its answer at. */
  returnsTo: string;
  asks: string[];
  returnTo: string[];
}): Page {
  const { uid, appName, patientName, returnsTo, asks } = params;
  return page(
    'Allow access — St. Mary’s patient portal',
    html`<section class="card" aria-labelledby="title">
<h1 id="title">Allow ${appName} to use your health record?</h1>
<p class="muted">Signed in as ${patientName}. ${appName} (answer goes to <code>${returnsTo}</code>) asks to:</p>
<ul class="asks">${asks.map((ask) => html`<li>${ask}</li>`)}</ul>
<p class="muted">It can only see your own record, never another patient’s. It cannot change anything here. You can withdraw this access at any time at St. Mary’s.</p>
<form method="post" action="/interaction/${uid}/consent" class="actions">
<button class="primary" type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
</section>`,
    params.returnTo,
  );
}

/**
 * A page saying what went wrong and what to do next.
 *
 * @example
 * ```ts
 * messagePage('This sign-in has expired', 'Go back to the app and start again.');
 * ```
 */
export function messagePage(title: string, message: string): Page {
  return page(
    `${title} — St. Mary’s patient portal`,
    html`<section class="card" role="alert"><h1>${title}</h1><p class="muted">${message}</p></section>`,
  );
}

/**
 * `GET /`: what this is and where its API is.
 *
 * @example
 * ```ts
 * homePage({ fhirBase: 'http://127.0.0.1:8792/fhir' });
 * ```
 */
export function homePage(params: { fhirBase: string }): Page {
  const { fhirBase } = params;
  return page(
    'St. Mary’s patient portal',
    html`<section class="card" aria-labelledby="title">
<h1 id="title">St. Mary’s patient access API</h1>
<p class="muted">Patients connect apps to their record here: a FHIR R4 API behind SMART on FHIR sign-in, as certified EHRs offer. The patients are synthetic.</p>
<ul class="asks">
<li>FHIR base: <code>${fhirBase}</code></li>
<li>SMART configuration: <code>${fhirBase}/.well-known/smart-configuration</code></li>
<li>Capability statement: <code>${fhirBase}/metadata</code></li>
</ul>
<p class="muted">Test accounts are listed in docs/guides/provider-portal.md and by <code>npm start</code>.</p>
</section>`,
  );
}
