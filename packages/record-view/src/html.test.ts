import { expect, test } from 'vitest';
import { escapeHtml, html, SafeHtml } from './html.js';

test('escapeHtml escapes the five characters that matter in content and quoted attributes', () => {
  expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
    '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
  );
  expect(escapeHtml('plain text, 4.0–5.6 %')).toBe('plain text, 4.0–5.6 %');
});

test('html escapes interpolations and keeps its own literal markup', () => {
  const name = '<script>alert(1)</script>';
  expect(String(html`<p class="n">${name}</p>`)).toBe(
    '<p class="n">&lt;script&gt;alert(1)&lt;/script&gt;</p>',
  );
  expect(String(html`<a title="${'" onmouseover="x'}">`)).toBe(
    '<a title="&quot; onmouseover=&quot;x">',
  );
});

test('nested fragments are not escaped twice; arrays join; nothing renders for null, undefined and booleans', () => {
  const cell = html`<td>${'a < b'}</td>`;
  expect(String(html`<tr>${cell}</tr>`)).toBe('<tr><td>a &lt; b</td></tr>');
  expect(String(html`<ul>${['<1>', html`<li>2</li>`]}</ul>`)).toBe('<ul>&lt;1&gt;<li>2</li></ul>');
  expect(String(html`${null}${undefined}${false}${true}${0}`)).toBe('0');
});

test('a SafeHtml cannot be made from an arbitrary string', () => {
  // The constructor is private; at run time it is not reachable either except through html.
  expect(html`x`).toBeInstanceOf(SafeHtml);
  const forged = { toString: () => '<script>' };
  expect(String(html`${forged as unknown as string}`)).toBe('&lt;script&gt;');
});
