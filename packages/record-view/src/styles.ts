/**
 * The stylesheet of the clinician's view, scoped under `.mv-view` so that it
 * neither leaks into nor depends on the page around it. Quiet colours except
 * where attention is due (H/L flags, failed verification); numbers in
 * tabular figures so that values and ranges line up; a print layout that
 * drops interactive parts and keeps rows whole.
 * @module
 */

const CSS = `
.mv-view {
  --mv-text: #1f2933; --mv-muted: #5f6b7a; --mv-line: #dde3ea; --mv-soft: #f5f7f9;
  --mv-accent: #0b4f71; --mv-accent-soft: #e6f0f5;
  --mv-high: #b42318; --mv-high-soft: #fdeceb; --mv-low: #1849a9; --mv-low-soft: #e8efff;
  --mv-ok: #067647; --mv-ok-soft: #e6f4ec; --mv-wait: #8a5300; --mv-wait-soft: #fff3d6;
  color: var(--mv-text); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  display: flex; flex-direction: column; gap: 14px;
}
.mv-view *, .mv-view *::before, .mv-view *::after { box-sizing: border-box; }
.mv-view a { color: var(--mv-accent); }
.mv-view .mv-muted { color: var(--mv-muted); }
.mv-view .mv-empty { color: var(--mv-muted); font-style: italic; }

.mv-view .mv-provenance { display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 13px; color: var(--mv-muted); }
.mv-view .mv-provenance > span::before { content: "●"; margin-right: 6px; font-size: 10px; vertical-align: 1px; }
.mv-view .mv-prov-total::before { color: var(--mv-accent); }
.mv-view .mv-prov-anchored::before { color: var(--mv-ok); }
.mv-view .mv-prov-ledger::before { color: #d08a00; }
.mv-view .mv-prov-failed { color: var(--mv-high); font-weight: 600; }
.mv-view .mv-prov-failed::before { color: var(--mv-high); }
.mv-view .mv-prov-imported::before { color: var(--mv-accent); }
.mv-view .mv-imported { margin: 4px 0; padding: 4px 10px; border-left: 3px solid var(--mv-accent); background: var(--mv-accent-soft); border-radius: 0 6px 6px 0; font-size: 13px; overflow-wrap: anywhere; }
.mv-view .mv-imported-icon { color: var(--mv-accent); font-weight: 700; }
.mv-view .mv-imported-note { color: var(--mv-muted); }
.mv-view .mv-alert { border: 1px solid #f1b4ae; background: var(--mv-high-soft); color: #7a1a12; border-radius: 8px; padding: 10px 14px; }
.mv-view .mv-alert-soft { border-color: var(--mv-line); background: var(--mv-soft); color: var(--mv-text); }

.mv-view .mv-patient { display: flex; flex-direction: column; gap: 14px; }
.mv-view .mv-patient-header {
  display: flex; flex-wrap: wrap; justify-content: space-between; align-items: flex-start; gap: 12px 24px;
  background: #fff; border: 1px solid var(--mv-line); border-left: 5px solid var(--mv-accent);
  border-radius: 8px; padding: 14px 18px;
}
.mv-view .mv-patient-name { font-size: 22px; font-weight: 650; letter-spacing: -0.01em; }
.mv-view .mv-patient-facts { display: flex; flex-wrap: wrap; gap: 4px 0; margin-top: 2px; font-size: 15px; }
.mv-view .mv-patient-facts > span + span::before { content: "·"; margin: 0 8px; color: var(--mv-muted); }
.mv-view .mv-patient-contact { margin-top: 4px; font-size: 13px; color: var(--mv-muted); }
.mv-view .mv-deceased { margin-left: 10px; padding: 0 8px; border-radius: 10px; background: #333; color: #fff; font-size: 12px; }
.mv-view .mv-ids { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 4px; align-items: flex-end; }
.mv-view .mv-id { display: inline-flex; border: 1px solid var(--mv-line); border-radius: 6px; overflow: hidden; font-size: 12.5px; }
.mv-view .mv-id-type { background: var(--mv-soft); color: var(--mv-muted); padding: 2px 8px; border-right: 1px solid var(--mv-line); }
.mv-view .mv-id-value { padding: 2px 8px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.mv-view .mv-patient-unknown { border-left-color: var(--mv-muted); }

.mv-view .mv-section { background: #fff; border: 1px solid var(--mv-line); border-radius: 8px; padding: 12px 16px 14px; }
.mv-view .mv-section-title {
  margin: 0 0 8px; font-size: 12.5px; font-weight: 700; letter-spacing: 0.06em; text-transform: uppercase; color: var(--mv-accent);
}
.mv-view .mv-count { display: inline-block; min-width: 20px; padding: 0 6px; margin-left: 4px; border-radius: 10px; background: var(--mv-accent-soft); color: var(--mv-accent); font-size: 11.5px; text-align: center; letter-spacing: 0; }
.mv-view .mv-section-note { margin: 0 0 8px; font-size: 13px; color: var(--mv-muted); }

.mv-view .mv-table { width: 100%; border-collapse: collapse; }
.mv-view .mv-table th {
  text-align: left; font-size: 11.5px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em;
  color: var(--mv-muted); padding: 6px 8px; border-bottom: 1.5px solid var(--mv-line); white-space: nowrap;
}
.mv-view .mv-table td { padding: 7px 8px; border-bottom: 1px solid #edf1f4; vertical-align: top; }
.mv-view .mv-table tbody tr:last-child td { border-bottom: 0; }
.mv-view .mv-term { font-weight: 550; }
.mv-view .mv-code { display: inline-block; margin-left: 8px; padding: 0 5px; border-radius: 4px; background: var(--mv-soft); color: var(--mv-muted); font-size: 11px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; vertical-align: 1px; white-space: nowrap; }
.mv-view .mv-date { white-space: nowrap; color: var(--mv-muted); font-size: 13px; }
.mv-view .mv-inactive .mv-term { font-weight: 450; color: var(--mv-muted); }
.mv-view .mv-status { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.mv-view .mv-status-active { background: var(--mv-ok-soft); color: var(--mv-ok); }
.mv-view .mv-status-inactive { background: var(--mv-soft); color: var(--mv-muted); }
.mv-view .mv-tag { font-size: 11.5px; color: var(--mv-accent); border: 1px solid #b9d3e0; border-radius: 4px; padding: 0 4px; }

.mv-view .mv-num { font-variant-numeric: tabular-nums; }
.mv-view .mv-results .mv-value { text-align: right; font-weight: 650; white-space: nowrap; padding-right: 4px; }
.mv-view .mv-results .mv-unit { text-align: left; color: var(--mv-muted); white-space: nowrap; padding-left: 2px; font-size: 13px; }
.mv-view .mv-results .mv-range { white-space: nowrap; color: var(--mv-muted); font-size: 13px; }
.mv-view .mv-results .mv-flag-cell { text-align: center; width: 44px; }
.mv-view .mv-result-high .mv-value { color: var(--mv-high); }
.mv-view .mv-result-low .mv-value { color: var(--mv-low); }
.mv-view .mv-result-high td:first-child { box-shadow: inset 3px 0 0 var(--mv-high); }
.mv-view .mv-result-low td:first-child { box-shadow: inset 3px 0 0 var(--mv-low); }
.mv-view .mv-flag { display: inline-block; min-width: 22px; padding: 0 5px; border-radius: 4px; font-size: 12px; font-weight: 700; text-align: center; }
.mv-view .mv-flag-high { background: var(--mv-high-soft); color: var(--mv-high); }
.mv-view .mv-flag-low { background: var(--mv-low-soft); color: var(--mv-low); }
.mv-view .mv-flag-abnormal { background: var(--mv-wait-soft); color: var(--mv-wait); }
.mv-view .mv-flag-critical { background: var(--mv-high); color: #fff; }
.mv-view .mv-mini-flag { margin-left: 3px; font-size: 10.5px; font-weight: 700; }
.mv-view .mv-mini-flag.mv-flag-high { color: var(--mv-high); background: none; }
.mv-view .mv-mini-flag.mv-flag-low { color: var(--mv-low); background: none; }
.mv-view .mv-trend { display: flex; align-items: center; gap: 10px; }
.mv-view .mv-spark { flex: none; }
.mv-view .mv-spark-band { fill: var(--mv-ok-soft); }
.mv-view .mv-spark-line { fill: none; stroke: #7c8a99; stroke-width: 1.4; stroke-linejoin: round; }
.mv-view .mv-spark-dot { fill: var(--mv-accent); }
.mv-view .mv-spark-high { fill: var(--mv-high); }
.mv-view .mv-spark-low { fill: var(--mv-low); }
.mv-view .mv-trend-values { list-style: none; margin: 0; padding: 0; display: grid; grid-auto-flow: column; grid-auto-columns: minmax(72px, auto); gap: 0 12px; font-size: 12px; line-height: 1.3; }
.mv-view .mv-trend-values li { display: flex; flex-direction: column; }
.mv-view .mv-trend-value { font-weight: 600; white-space: nowrap; }
.mv-view .mv-trend-date { color: var(--mv-muted); font-size: 11px; white-space: nowrap; }
.mv-view .mv-results .mv-term-cell .mv-code { display: table; margin: 2px 0 0; }

.mv-view .mv-src-cell { width: 1%; white-space: nowrap; text-align: right; }
.mv-view .mv-srcs { display: inline-flex; gap: 3px; margin-left: 6px; vertical-align: 2px; }
.mv-view .mv-src {
  display: inline-block; min-width: 17px; height: 17px; padding: 0 4px; border-radius: 9px; background: var(--mv-soft);
  border: 1px solid var(--mv-line); color: var(--mv-muted); font-size: 10.5px; line-height: 15px; text-align: center; text-decoration: none;
}
.mv-view .mv-src:hover { border-color: var(--mv-accent); color: var(--mv-accent); }
.mv-view .mv-unverified-mark { color: var(--mv-high); font-size: 12px; }
.mv-view .mv-unverified td, .mv-view .mv-unverified.mv-other { background: #fff7f6; }

.mv-view .mv-others { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 10px; }
.mv-view .mv-other { border: 1px solid var(--mv-line); border-radius: 6px; padding: 8px 12px; }
.mv-view .mv-other-type { font-size: 11.5px; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; color: var(--mv-muted); }
.mv-view .mv-other-name { font-weight: 600; }
.mv-view .mv-fields { margin: 6px 0 0; display: grid; gap: 2px; font-size: 13px; }
.mv-view .mv-fields > div { display: grid; grid-template-columns: 90px 1fr; gap: 8px; }
.mv-view .mv-fields dt { color: var(--mv-muted); }
.mv-view .mv-fields dd { margin: 0; overflow-wrap: anywhere; }
.mv-view .mv-raw { margin-top: 6px; font-size: 12px; }
.mv-view .mv-raw summary { cursor: pointer; color: var(--mv-muted); }
.mv-view .mv-raw pre { max-height: 260px; overflow: auto; background: var(--mv-soft); padding: 8px; border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; }

.mv-view .mv-pdf { margin: 0 0 14px; }
.mv-view .mv-pdf:last-child { margin-bottom: 0; }
.mv-view .mv-pdf-caption { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 14px; margin-bottom: 8px; }
.mv-view .mv-pdf-title { font-weight: 600; }
.mv-view .mv-pdf-title .mv-src { margin-right: 4px; }
.mv-view .mv-pdf-download { margin-left: auto; padding: 3px 10px; border: 1px solid var(--mv-accent); border-radius: 6px; font-size: 13px; text-decoration: none; }
.mv-view .mv-pdf-frame { display: block; width: 100%; height: 760px; border: 1px solid var(--mv-line); border-radius: 6px; background: var(--mv-soft); }

.mv-view .mv-badge { display: inline-flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; padding: 2px 10px; border-radius: 6px; font-size: 12.5px; }
.mv-view .mv-badge-icon { font-weight: 700; }
.mv-view .mv-badge-anchored { background: var(--mv-ok-soft); color: var(--mv-ok); }
.mv-view .mv-badge-ledger { background: var(--mv-wait-soft); color: var(--mv-wait); }
.mv-view .mv-badge-failed { display: flex; background: var(--mv-high-soft); color: var(--mv-high); border: 1px solid #f1b4ae; padding: 6px 10px; }
.mv-view .mv-badge-advice { width: 100%; font-size: 12px; color: #7a1a12; }
.mv-view .mv-badge-link { color: inherit; font-size: 12px; }

.mv-view .mv-record-list { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
.mv-view .mv-record { display: flex; gap: 10px; padding: 8px 0; border-bottom: 1px solid #edf1f4; }
.mv-view .mv-record:last-child { border-bottom: 0; }
.mv-view .mv-record:target { background: var(--mv-accent-soft); border-radius: 6px; }
.mv-view .mv-record-num { flex: none; width: 24px; height: 24px; border-radius: 12px; background: var(--mv-accent-soft); color: var(--mv-accent); font-size: 12px; font-weight: 700; line-height: 24px; text-align: center; }
.mv-view .mv-record-main { display: flex; flex-direction: column; gap: 3px; align-items: flex-start; min-width: 0; }
.mv-view .mv-record-title { font-weight: 600; }
.mv-view .mv-record-meta { font-size: 12.5px; color: var(--mv-muted); }
.mv-view .mv-cid { font-size: 11.5px; }
.mv-view .mv-note { font-size: 12.5px; color: var(--mv-muted); }
.mv-view .mv-error-card { border: 1px solid #f1b4ae; border-left: 4px solid var(--mv-high); background: var(--mv-high-soft); color: #7a1a12; border-radius: 6px; padding: 8px 12px; font-size: 13px; overflow-wrap: anywhere; }
.mv-view .mv-record-error .mv-record-num { background: var(--mv-high-soft); color: var(--mv-high); }

@media print {
  .mv-view { font-size: 11px; gap: 8px; }
  .mv-view .mv-section, .mv-view .mv-patient-header { border-radius: 0; padding: 6px 0; border-width: 0 0 1px; }
  .mv-view .mv-patient-header { border-left: 0; border-bottom: 2px solid #000; }
  .mv-view .mv-table tr, .mv-view .mv-other, .mv-view .mv-record { break-inside: avoid; }
  .mv-view .mv-section-title { break-after: avoid; }
  .mv-view .mv-raw, .mv-view .mv-pdf-frame, .mv-view .mv-pdf-download, .mv-view .mv-srcs a:hover { display: none; }
  .mv-view .mv-flag, .mv-view .mv-badge, .mv-view .mv-status, .mv-view .mv-alert { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .mv-view a { color: inherit; text-decoration: none; }
}
`;

/**
 * The CSS for `renderRecords` output (put it in a `<style>` element once).
 *
 * @example
 * ```ts
 * const style = document.createElement('style');
 * style.textContent = renderStyles();
 * document.head.append(style);
 * ```
 */
export function renderStyles(): string {
  return CSS.trim();
}
