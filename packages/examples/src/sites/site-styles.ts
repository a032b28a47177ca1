/** The look both example sites share (each sets its own --brand colours). */
export const SITE_STYLES = `
:root { --brand: #0f766e; --brand-soft: #ccfbf1; --ink: #0f172a; --muted: #475569; --line: #e2e8f0;
  --bg: #f1f5f9; --card: #fff; --ok: #15803d; --warn: #b45309; --bad: #b91c1c;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); }
header.site { display: flex; gap: 14px; align-items: center; padding: 16px 32px; background: var(--card);
  border-bottom: 1px solid var(--line); }
header.site .logo { width: 40px; height: 40px; border-radius: 10px; background: var(--brand); color: #fff;
  display: grid; place-items: center; font-weight: 700; }
header.site strong { display: block; font-size: 18px; }
header.site span { color: var(--muted); font-size: 14px; }
main { max-width: 1040px; margin: 24px auto; padding: 0 24px; display: grid; gap: 18px; }
/* wide tables scroll inside their card instead of widening the page */
main > * { min-width: 0; overflow-x: auto; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 14px; padding: 20px 24px;
  box-shadow: 0 1px 2px rgb(15 23 42 / 0.04); }
.card h2 { margin: 0 0 8px; font-size: 18px; display: flex; align-items: center; gap: 10px; }
.step { width: 26px; height: 26px; border-radius: 50%; background: var(--brand-soft); color: var(--brand);
  display: inline-grid; place-items: center; font-size: 14px; }
.muted { color: var(--muted); font-size: 14px; line-height: 1.5; margin: 0 0 12px; }
.row { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
button { font: inherit; font-weight: 600; border-radius: 9px; padding: 9px 16px; cursor: pointer;
  border: 1px solid var(--line); background: #fff; color: var(--ink); }
button.primary { background: var(--brand); border-color: var(--brand); color: #fff; }
button:disabled { opacity: 0.55; cursor: not-allowed; }
button:focus-visible, select:focus-visible, input:focus-visible { outline: 3px solid var(--brand-soft);
  outline-offset: 1px; }
.status { margin: 0; font-size: 14px; color: var(--muted); }
.status.ok { color: var(--ok); } .status.bad { color: var(--bad); }
.field { display: grid; gap: 4px; font-size: 13px; font-weight: 600; color: var(--muted); margin: 8px 0; }
.field select, .field input { font: inherit; font-weight: 400; color: var(--ink); padding: 8px 10px;
  border: 1px solid var(--line); border-radius: 8px; background: #fff; }
.record-list, .sent-list { list-style: none; padding: 0; margin: 8px 0 0; display: grid; gap: 8px; }
.record-list li, .sent-list li { display: flex; justify-content: space-between; align-items: center; gap: 12px;
  padding: 10px 14px; border: 1px solid var(--line); border-radius: 10px; }
.record-list .meta, .sent-list .meta { font-size: 12px; color: var(--muted); }
.sent-list .cid { font-family: ui-monospace, monospace; font-size: 11px; color: var(--muted); word-break: break-all; }
.pill { font-size: 12px; font-weight: 600; padding: 3px 9px; border-radius: 999px; background: var(--bg); white-space: nowrap; }
.pill.ok { background: #dcfce7; color: var(--ok); } .pill.bad { background: #fee2e2; color: var(--bad); }
.pill.wait { background: #fef3c7; color: var(--warn); }
/* what is wrong with a field, beside it (the field points at it with aria-describedby) */
.field-error { margin: 0 0 8px; font-size: 13px; font-weight: 600; color: var(--bad); }
.field-error:empty { display: none; }
[aria-invalid="true"] { border-color: var(--bad) !important; }
details.upload { margin-top: 14px; } details.upload summary { cursor: pointer; font-weight: 600; color: var(--brand); }
`;

/** The start of a site's page, through its `<style>` (the site's own CSS appended). */
export function pageHead(title: string, css: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${SITE_STYLES}
${css}
</style>
</head>`;
}
