/**
 * Share as a link / QR (`links.html`): a SMART Health Link to the records
 * the patient picks, for anyone who scans it — a clinic, an emergency room
 * or a specialist that runs no MedVault. The QR is drawn on screen and
 * saved as a PNG to print; the passcode is shown once. Below: the links
 * made, who opened each (by the name they gave), and End this link.
 */
import QRCode from 'qrcode';
import type { LinkSummary } from '../background/wallet.js';
import type { StoredRecord } from '../background/wallet-db.js';
import { call, WalletReplyError } from './client.js';
import { categoryName, describeExpiry, describeTime } from './describe.js';
import { brand, h, inputValue, render, showError, unlockForm } from './dom.js';
import { downloadBytes } from './download.js';

const DAY = 86_400_000;
const EXPIRIES = [
  { label: '1 day', ms: DAY },
  { label: '7 days', ms: 7 * DAY },
  { label: '30 days', ms: 30 * DAY },
  { label: '90 days', ms: 90 * DAY },
];

async function load() {
  let records: StoredRecord[];
  let links: LinkSummary[];
  try {
    records = (await call<{ records: StoredRecord[] }>({ type: 'dashboard' })).records;
    links = await call<LinkSummary[]>({ type: 'links/list' });
  } catch (error) {
    if (error instanceof WalletReplyError && error.code === 'WALLET_LOCKED') return locked();
    throw error;
  }
  const categories = [...new Set(records.map((r) => r.category ?? 'other'))].sort();
  render(
    brand('Share as a link'),
    h(
      'main',
      { class: 'card narrow' },
      h('h1', {}, 'Share as a link or QR code'),
      h(
        'p',
        { class: 'lead' },
        'For a clinic or doctor who does not use MedVault: they scan the code or open the link with any SMART Health Links viewer.',
      ),
      h(
        'form',
        { id: 'link-form', onsubmit: (e: Event) => void create(e) },
        h(
          'label',
          { class: 'field', for: 'link-label' },
          h('span', {}, 'What the receiver sees as its name'),
          h('input', {
            id: 'link-label',
            maxlength: 80,
            required: true,
            value: 'My health records',
          }),
        ),
        h(
          'fieldset',
          { class: 'choices', id: 'link-categories' },
          h('legend', {}, 'Which records'),
          categories.length
            ? categories.map((c) =>
                h(
                  'label',
                  { class: 'check' },
                  h('input', { type: 'checkbox', name: 'category', value: c }),
                  h(
                    'span',
                    {},
                    `${categoryName(c)} (${records.filter((r) => (r.category ?? 'other') === c).length})`,
                  ),
                ),
              )
            : h('p', { class: 'empty' }, 'You have no records to share yet.'),
          records.length
            ? h(
                'details',
                { id: 'link-records' },
                h('summary', {}, 'Or choose single records'),
                records.map((r) =>
                  h(
                    'label',
                    { class: 'check' },
                    h('input', { type: 'checkbox', name: 'record', value: r.cid }),
                    h('span', {}, `${r.title} (${categoryName(r.category ?? 'other')})`),
                  ),
                ),
              )
            : null,
        ),
        h(
          'label',
          { class: 'field', for: 'link-expiry' },
          h('span', {}, 'The link stops working after'),
          h(
            'select',
            { id: 'link-expiry' },
            EXPIRIES.map((e) =>
              h('option', { value: String(e.ms), selected: e.ms === 7 * DAY }, e.label),
            ),
          ),
        ),
        h(
          'label',
          { class: 'check', for: 'link-passcode' },
          h('input', { id: 'link-passcode', type: 'checkbox', checked: true }),
          h('span', {}, 'Protect it with a passcode (you give it to the receiver yourself)'),
        ),
        h(
          'p',
          { class: 'notice caution', id: 'link-consent' },
          'Anyone who has this link — and the passcode, if you set one — can read these records until the link ends or you end it, as often as they like, and keep what they read. Ending it stops new reads only.',
        ),
        h('p', { id: 'error', class: 'notice error', role: 'alert', hidden: true }),
        h(
          'div',
          { class: 'actions' },
          h('a', { class: 'button secondary', href: 'dashboard.html' }, 'Back'),
          h('button', { type: 'submit', class: 'primary', id: 'make-link' }, 'Make the link'),
        ),
      ),
      h('div', { id: 'made' }),
    ),
    emergencyView(links.find((l) => l.emergency && l.status === 'active')),
    h(
      'section',
      { class: 'card narrow', 'aria-label': 'Your links' },
      h('h2', {}, 'Your links'),
      h('div', { id: 'links-list' }, linksView(links)),
    ),
  );
}

function locked() {
  render(
    brand('Share as a link'),
    h(
      'main',
      { class: 'card narrow' },
      h('h1', {}, 'Unlock to share as a link'),
      unlockForm(load, (passphrase) => call({ type: 'unlock', passphrase })),
    ),
  );
}

async function create(event: Event) {
  event.preventDefault();
  const categories = [
    ...document.querySelectorAll<HTMLInputElement>('input[name="category"]:checked'),
  ].map((i) => i.value);
  const cids = [...document.querySelectorAll<HTMLInputElement>('input[name="record"]:checked')].map(
    (i) => i.value,
  );
  if (!categories.length && !cids.length) {
    return showError('Tick at least one kind of record, or single records.');
  }
  const button = document.getElementById('make-link') as HTMLButtonElement;
  button.disabled = true;
  button.textContent = 'Making the link…';
  try {
    const made = await call<{ shlink: string; passcode?: string; link: LinkSummary }>({
      type: 'links/create',
      label: inputValue('link-label'),
      ...(categories.length ? { categories } : {}),
      ...(cids.length ? { cids } : {}),
      expiresAt: Date.now() + Number(inputValue('link-expiry')),
      passcode: (document.getElementById('link-passcode') as HTMLInputElement).checked,
    });
    await showMade(made.shlink, made.passcode, made.link);
    const links = await call<LinkSummary[]>({ type: 'links/list' });
    document.getElementById('links-list')?.replaceChildren(linksView(links));
  } catch (error) {
    showError((error as Error).message);
  } finally {
    button.disabled = false;
    button.textContent = 'Make the link';
  }
}

/** The link just made: its QR, the link text, the passcode once, and the PNG to print. */
async function showMade(shlink: string, passcode: string | undefined, link: LinkSummary) {
  const canvas = h('canvas', { id: 'qr', 'aria-label': 'QR code of the link' });
  await QRCode.toCanvas(canvas, shlink, { errorCorrectionLevel: 'M', margin: 2, width: 280 });
  const png = await QRCode.toDataURL(shlink, { errorCorrectionLevel: 'M', margin: 4, width: 600 });
  document.getElementById('made')?.replaceChildren(
    h(
      'section',
      { class: 'made-link', id: 'made-link' },
      h('h2', {}, `Link made: ${link.label}`),
      canvas,
      h('p', { class: 'mono small', id: 'shlink' }, shlink),
      passcode
        ? h(
            'p',
            { class: 'notice warning', id: 'passcode' },
            'Passcode: ',
            h('strong', { class: 'mono' }, passcode),
            ' — write it down or tell it to the receiver now. It is not shown again.',
          )
        : null,
      h('p', { class: 'hint' }, `Works until ${describeExpiry(link.expiresAt)}.`),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            class: 'secondary',
            id: 'save-qr',
            onclick: () =>
              downloadBytes(
                Uint8Array.from(atob(png.split(',')[1] ?? ''), (c) => c.charCodeAt(0)),
                'image/png',
                'medvault-link-qr.png',
              ),
          },
          'Save the QR as an image (PNG)',
        ),
        h(
          'button',
          {
            class: 'secondary',
            onclick: () => void navigator.clipboard.writeText(shlink).catch(() => undefined),
          },
          'Copy the link',
        ),
      ),
    ),
  );
}

/** The emergency card: make it, update it, print it, save it as a lock-screen image. */
function emergencyView(card: LinkSummary | undefined) {
  return h(
    'section',
    { class: 'card narrow', 'aria-label': 'Emergency card', id: 'emergency' },
    h('h2', {}, 'Emergency card'),
    h(
      'p',
      {},
      'A QR code for your wallet or phone lock screen. A first responder scans it with any SMART Health Links viewer and sees your allergies, current medicines, conditions, blood group and emergency contacts — no passcode, no MedVault needed. Mental health records are never put on it. It updates when your records change. Every opening is logged here.',
    ),
    h(
      'p',
      { class: 'notice caution' },
      'Anyone who scans or photographs the card can read that summary until you end the card. That is the point in an emergency, and its limit.',
    ),
    card
      ? null
      : h(
          'label',
          { class: 'check', for: 'emergency-passcode' },
          h('input', { id: 'emergency-passcode', type: 'checkbox' }),
          h('span', {}, 'Add a passcode (then a responder must ask you or your contacts for it)'),
        ),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          class: 'primary',
          id: 'make-emergency',
          onclick: async (e: Event) => {
            const button = e.currentTarget as HTMLButtonElement;
            button.disabled = true;
            try {
              const withPasscode =
                (document.getElementById('emergency-passcode') as HTMLInputElement | null)
                  ?.checked === true;
              const made = await call<{
                shlink: string;
                passcode?: string;
                link: LinkSummary;
                updated: boolean;
              }>({ type: 'links/emergency', passcode: withPasscode });
              await showCard(made.shlink, made.updated, made.passcode);
              const links = await call<LinkSummary[]>({ type: 'links/list' });
              document.getElementById('links-list')?.replaceChildren(linksView(links));
            } catch (error) {
              button.after(
                h('p', { class: 'notice error', role: 'alert' }, (error as Error).message),
              );
            } finally {
              button.disabled = false;
            }
          },
        },
        card ? 'Update my emergency card now' : 'Make my emergency card',
      ),
    ),
    h('div', { id: 'emergency-card' }),
  );
}

/** The card on screen (printable), and the lock-screen image. */
async function showCard(shlink: string, updated: boolean, passcode?: string) {
  const canvas = h('canvas', { id: 'emergency-qr', 'aria-label': 'Emergency card QR code' });
  await QRCode.toCanvas(canvas, shlink, { errorCorrectionLevel: 'M', margin: 1, width: 220 });
  document
    .getElementById('emergency-card')
    ?.replaceChildren(
      h(
        'div',
        { class: 'wallet-card', id: 'printable-card' },
        h('p', { class: 'wallet-card-title' }, 'EMERGENCY MEDICAL INFORMATION'),
        canvas,
        h('p', { class: 'wallet-card-hint' }, 'Scan with a SMART Health Links viewer'),
      ),
      h(
        'p',
        { class: 'hint', id: 'emergency-status' },
        updated ? 'Updated with your records as they are now.' : 'Your emergency card is ready.',
      ),
      ...(passcode
        ? [
            h(
              'p',
              { class: 'notice warning' },
              'Passcode: ',
              h('strong', { class: 'mono' }, passcode),
              ' — shown once. Tell it to the people who should be able to give it to a responder.',
            ),
          ]
        : []),
      h(
        'div',
        { class: 'actions' },
        h('button', { class: 'secondary', onclick: () => window.print() }, 'Print the card'),
        h(
          'button',
          { class: 'secondary', id: 'save-lock-screen', onclick: () => void lockScreen(shlink) },
          'Save as a lock-screen image',
        ),
      ),
    );
}

/** A 1080×1920 PNG: a heading, the QR, and how to read it — for a phone's lock screen. */
async function lockScreen(shlink: string) {
  const canvas = document.createElement('canvas');
  canvas.width = 1080;
  canvas.height = 1920;
  const g = canvas.getContext('2d') as CanvasRenderingContext2D;
  g.fillStyle = '#b91c1c';
  g.fillRect(0, 0, 1080, 1920);
  g.fillStyle = '#ffffff';
  g.textAlign = 'center';
  g.font = 'bold 64px system-ui, sans-serif';
  g.fillText('EMERGENCY', 540, 520);
  g.fillText('MEDICAL INFORMATION', 540, 600);
  const qr = document.createElement('canvas');
  await QRCode.toCanvas(qr, shlink, { errorCorrectionLevel: 'M', margin: 2, width: 640 });
  g.drawImage(qr, 220, 680, 640, 640);
  g.font = '40px system-ui, sans-serif';
  g.fillText('Scan with a SMART Health Links viewer', 540, 1420);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (blob)
    downloadBytes(
      new Uint8Array(await blob.arrayBuffer()),
      'image/png',
      'medvault-emergency-lock-screen.png',
    );
}

function linksView(links: LinkSummary[]) {
  if (!links.length) return h('p', { class: 'empty' }, 'You have not made a link yet.');
  return h(
    'ul',
    { class: 'grants', id: 'links' },
    links.map((l) =>
      h(
        'li',
        { class: `grant ${l.status}`, 'data-link': l.id },
        h(
          'div',
          { class: 'grant-head' },
          h('strong', {}, l.label),
          h(
            'span',
            { class: `badge ${l.status}` },
            { active: 'Active', expired: 'Expired', revoked: 'Ended' }[l.status],
          ),
        ),
        h(
          'p',
          { class: 'hint' },
          `${l.records.length} record${l.records.length === 1 ? '' : 's'} · made ${describeTime(l.createdAt)} · ${
            l.emergency
              ? 'emergency card, until you end it'
              : l.status === 'active'
                ? `until ${describeExpiry(l.expiresAt)}`
                : l.status
          }${l.passcode ? ' · with a passcode' : ''}`,
        ),
        l.opened.length
          ? h(
              'ul',
              { class: 'plain hint', 'data-opened': '' },
              l.opened.map((o) =>
                h(
                  'li',
                  {},
                  `${describeTime(Date.parse(o.at))}: “${o.recipient}” — ${
                    o.outcome === 'served'
                      ? 'opened it'
                      : o.outcome === 'wrong-passcode'
                        ? 'tried a wrong passcode'
                        : 'was refused'
                  }`,
                ),
              ),
            )
          : h('p', { class: 'hint' }, l.logProblem ?? 'Nobody has opened it yet.'),
        l.status === 'active'
          ? h(
              'button',
              {
                class: 'danger small',
                'data-end-link': l.id,
                onclick: async () => {
                  await call({ type: 'links/revoke', id: l.id });
                  await load();
                },
              },
              'End this link',
            )
          : null,
      ),
    ),
  );
}

void load();
