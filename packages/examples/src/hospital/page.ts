/** The hospital portal's page (the records desk staff use). */
import { escapeText } from '../sites/site-server.js';
import { pageHead } from '../sites/site-styles.js';
import { UPLOAD_CATEGORIES } from './uploads.js';

/**
 * The page's HTML; `blobService` is where sealed records are stored. The
 * upload form's category has no default, and each field has a place beside
 * it for what is wrong with it.
 *
 * @example
 * ```ts
 * const html = hospitalPage({ blobService: 'http://127.0.0.1:8790' });
 * ```
 */
export function hospitalPage(config: { blobService: string }): string {
  return `${pageHead(
    'St. Mary’s Hospital — Records desk',
    ':root { --brand: #1d4ed8; --brand-soft: #dbeafe; }',
  )}
<body data-blob-service="${escapeText(config.blobService)}">
<header class="site">
  <div class="logo" aria-hidden="true">St</div>
  <div><strong>St. Mary’s Hospital</strong><span>Records desk · send records to a patient’s MedVault</span></div>
</header>
<main>
  <section class="card" id="patient-card">
    <h2><span class="step">1</span> The patient</h2>
    <p class="muted">The patient opens this page on their device (or at the desk) and connects their MedVault wallet. Records are sealed to the key it gives; only the patient can open them.</p>
    <div class="row">
      <button id="connect" class="primary">Connect the patient’s MedVault</button>
      <p id="wallet-status" class="status" role="status" aria-live="polite"></p>
    </div>
  </section>
  <section class="card" id="chart-card">
    <h2><span class="step">2</span> Choose records</h2>
    <label class="field">Chart <select id="chart"></select></label>
    <ul id="records" class="record-list"></ul>
    <details class="upload">
      <summary>Or upload a file (FHIR JSON or PDF)</summary>
      <form id="upload-form" aria-describedby="upload-error">
        <label class="field">File <input type="file" id="file" accept=".json,application/json,application/fhir+json,.pdf,application/pdf" required aria-describedby="file-error"></label>
        <p id="file-error" class="field-error" role="alert"></p>
        <label class="field">Title the patient sees <input id="upload-title" maxlength="200" required placeholder="e.g. Chest X-ray report, 3 March"></label>
        <label class="field">Category
          <select id="upload-category" aria-required="true" aria-describedby="upload-category-error">
            <option value="" selected>Choose a category…</option>
${Object.entries(UPLOAD_CATEGORIES)
  .map(
    ([value, label]) =>
      `            <option value="${escapeText(value)}">${escapeText(label)}</option>`,
  )
  .join('\n')}
          </select>
        </label>
        <p id="upload-category-error" class="field-error" role="alert"></p>
        <button type="submit" id="upload-submit" class="secondary">Seal and send this file</button>
        <p id="upload-error" class="field-error" role="alert"></p>
      </form>
    </details>
  </section>
  <section class="card">
    <h2><span class="step">3</span> Sent</h2>
    <p class="muted">Each record is sealed in this browser to the patient’s key, stored as ciphertext by its content address (CID), and handed to the patient’s wallet, where they confirm it into their ledger.</p>
    <ol id="sent" class="sent-list"></ol>
  </section>
</main>
<script type="module" src="/app.js"></script>
</body>
</html>`;
}
