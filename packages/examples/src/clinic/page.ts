/**
 * The clinic's page: staff sign in, ask with the share button, then read as
 * a clinician. The page is public; what it shows after sign-in comes from
 * the API, which answers signed-in staff only.
 */
import { escapeText } from '../sites/site-server.js';
import { pageHead } from '../sites/site-styles.js';

/** What the page needs from the server. */
export type ClinicPageConfig = { readerKey: string; readerName: string; purpose: string };

/**
 * The page's HTML: the sign-in form, and (hidden until signed in) the share
 * button, the shares the clinic holds (each with a Read button) and what
 * was read.
 *
 * @example
 * ```ts
 * const html = clinicPage({ readerKey: '02…', readerName: 'Riverside Clinic', purpose: 'Diabetes follow-up' }, renderStyles());
 * ```
 */
export function clinicPage(config: ClinicPageConfig, recordStyles: string): string {
  return `${pageHead(
    'Riverside Clinic — Shared records',
    `${recordStyles}
medvault-share-button { --medvault-accent: #0f766e; }
.link-form { display: grid; gap: 6px; margin: 10px 0 14px; max-width: 640px; }
.link-form button { justify-self: start; }
.scope-choice { display: flex; gap: 18px; flex-wrap: wrap; margin: 6px 0 14px; font-size: 14px; }
.scope-choice label { display: flex; gap: 6px; align-items: center; }
.proxy-report { font-size: 13px; color: var(--warn); margin: 8px 0 0; }
.code-note { font-size: 12px; color: var(--muted); margin: 4px 0 0; font-family: ui-monospace, monospace; }
.share-list { list-style: none; padding: 0; margin: 4px 0 14px; display: grid; gap: 8px; }
.share-list li { display: flex; justify-content: space-between; align-items: center; gap: 12px;
  padding: 10px 14px; border: 1px solid var(--line); border-radius: 10px; }
.share-list li[data-showing] { border-color: var(--brand); background: var(--brand-soft); }
.share-list .meta { font-size: 12px; color: var(--muted); margin-top: 2px; }
.share-list .badge { font-size: 11px; font-weight: 700; padding: 2px 8px; border-radius: 999px; margin-left: 6px; }
.share-list .badge.latest { background: #dcfce7; color: var(--ok); }
.share-list .badge.ended, .share-list .badge.expired { background: #fee2e2; color: var(--bad); }
#staff-area:not([hidden]) { display: grid; gap: 18px; }
#staff-area > * { min-width: 0; overflow-x: auto; }
.sign-in { max-width: 420px; }
.sign-in form { display: grid; gap: 4px; }
.staff-bar { margin: 0; display: flex; justify-content: space-between; align-items: center; gap: 12px; font-size: 14px; color: var(--muted); }`,
  )}
<body>
<header class="site">
  <div class="logo" aria-hidden="true">Rc</div>
  <div><strong>Riverside Clinic</strong><span>Dr. Okafor · endocrinology</span></div>
</header>
<main>
  <section class="card sign-in" id="sign-in" hidden>
    <h2>Staff sign-in</h2>
    <p class="muted">What patients share with the clinic is for its staff only.</p>
    <form id="sign-in-form">
      <label class="field">Username <input id="username" name="username" autocomplete="username" required maxlength="1024"></label>
      <label class="field">Password <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"></label>
      <div class="row"><button class="primary" type="submit">Sign in</button>
      <p id="sign-in-status" class="status" role="status" aria-live="polite"></p></div>
    </form>
  </section>
  <div id="staff-area" hidden>
  <p class="staff-bar"><span id="signed-in-as"></span><button id="sign-out" class="secondary">Sign out</button></p>
  <section class="card">
    <h2><span class="step">1</span> Ask the patient</h2>
    <p class="muted">The patient approves in their MedVault wallet. Their records stay encrypted; any 2 of 3 independent proxies re-encrypt them for this clinic’s key, and each access is written to the patient’s ledger.</p>
    <fieldset class="scope-choice" id="scope-choice">
      <legend class="muted">What to ask for</legend>
      <label><input type="radio" name="scope" value='{"categories":["laboratory"]}' checked> Lab results</label>
      <label><input type="radio" name="scope" value='{"categories":["laboratory","problem-list","medication","summary"]}'> Labs, conditions, medications and letters</label>
      <label><input type="radio" name="scope" value='{"from":0}'> Everything</label>
    </fieldset>
    <medvault-share-button id="share"
      reader-key="${escapeText(config.readerKey)}"
      reader-name="${escapeText(config.readerName)}"
      scope='{"categories":["laboratory"]}'
      purpose="${escapeText(config.purpose)}"
      expires-in-days="30"
      install-url="#get-medvault"
      label="Share my records with Riverside Clinic"></medvault-share-button>
  </section>
  <section class="card" id="get-medvault">
    <h2>No MedVault yet?</h2>
    <p>MedVault is a free wallet for your medical records that lives in your browser. In this
    demonstration it is the extension <code>npm start</code> builds: in Chromium open
    chrome://extensions, turn on Developer mode, choose Load unpacked and pick the folder
    <code>packages/extension/dist/chrome</code> it printed. Then set up your wallet and press
    the button above again.</p>
  </section>
  <section class="card" id="shares-card">
    <h2><span class="step">2</span> Shared with us</h2>
    <p class="muted">Every share this clinic holds, newest first. Each read goes through the patient’s proxies again, and the patient sees it in their wallet.</p>
    <ul id="shares" class="share-list" aria-label="Shares this clinic holds"></ul>
    <form id="link-form" class="link-form">
      <label for="shl-link">A patient brought a SMART Health Link (paste it, or what her QR code reads)</label>
      <input id="shl-link" autocomplete="off" spellcheck="false" placeholder="shlink:/… or https://…#shlink:/…" required>
      <label for="shl-passcode">Passcode, if the patient gave one</label>
      <input id="shl-passcode" autocomplete="off">
      <button type="submit" id="shl-open">Open the link</button>
      <p id="shl-about" class="muted" hidden></p>
    </form>
    <p id="read-status" class="status" role="status" aria-live="polite">Nothing shared yet.</p>
    <p id="read-code" class="code-note" hidden></p>
    <p id="proxy-report" class="proxy-report" hidden></p>
    <div id="shared"></div>
  </section>
  </div>
</main>
<script type="module" src="/app.js"></script>
</body>
</html>`;
}
