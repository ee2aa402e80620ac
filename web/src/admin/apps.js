// Apps and their keys: each app's SDKAppID, admins and SecretKey (hidden until "Show",
// with a copy button), and the app picker (data-admin="app-select") the other panels follow.
import { h, replace } from '../shared/dom.js';
import { toast } from './feedback.js';

/** @typedef {import('./api.js').ConsoleApp} ConsoleApp */

/**
 * The apps table.
 * @param {ConsoleApp[]} apps
 * @returns {HTMLElement}
 */
export function appsView(apps) {
  const body = h('tbody');
  for (const app of apps) body.appendChild(appRow(app));
  const table = h('table', { class: 'ad-table' },
    h('thead', {}, h('tr', {}, h('th', { text: 'SDKAppID' }), h('th', { text: 'Secret key' }), h('th', { text: 'Admins' }))),
    body,
  );
  return h('div', { class: 'ad-table-wrap', 'data-admin': 'apps' },
    apps.length ? table : h('p', { class: 'ad-empty', text: 'No apps are visible to this login.' }),
  );
}

/** @param {ConsoleApp} app */
function appRow(app) {
  const secret = String(app.SecretKey ?? '');
  let shown = false;
  const value = h('code', { class: 'ad-secret', 'data-admin': 'secret', text: mask(secret) });
  const show = h('button', { type: 'button', class: 'ad-btn ad-btn-small', 'data-admin': 'secret-show', text: 'Show' });
  show.addEventListener('click', () => {
    shown = !shown;
    value.textContent = shown ? secret : mask(secret);
    value.classList.toggle('is-shown', shown);
    show.textContent = shown ? 'Hide' : 'Show';
  });
  const copy = h('button', { type: 'button', class: 'ad-btn ad-btn-small', 'data-admin': 'secret-copy', text: 'Copy' });
  copy.addEventListener('click', async () => {
    if (await copyText(secret)) toast(`Secret key of ${app.SDKAppID} copied`);
    else toast('Copying is not allowed here: show the key and select it');
  });
  const admins = Array.isArray(app.Admins) ? app.Admins : [];
  return h('tr', { 'data-sdkappid': String(app.SDKAppID) },
    h('td', { class: 'ad-mono', text: String(app.SDKAppID) }),
    h('td', {}, h('div', { class: 'ad-secret-row' }, value, show, copy)),
    h('td', {}, admins.length ? admins.map((a) => h('span', { class: 'ad-chip', text: a })) : h('span', { class: 'ad-muted', text: '—' })),
  );
}

/** @param {string} secret */
function mask(secret) {
  return secret ? '•'.repeat(16) : '(none)';
}

/**
 * Copies text to the clipboard (with a fallback for pages that are not a secure context).
 * @param {string} text
 * @returns {Promise<boolean>}
 */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the old way
  }
  const area = h('textarea', { value: text, readOnly: true });
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/**
 * The app picker.
 * @param {ConsoleApp[]} apps
 * @param {number|null} selected
 * @param {(sdkAppID: number) => void} onChange
 * @returns {HTMLSelectElement}
 */
export function appSelect(apps, selected, onChange) {
  const select = h('select', { class: 'ad-input ad-select', 'data-admin': 'app-select', 'aria-label': 'App' });
  replace(select, apps.map((a) => h('option', { value: String(a.SDKAppID), text: `App ${a.SDKAppID}` })));
  if (selected !== null) select.value = String(selected);
  select.addEventListener('change', () => onChange(Number(select.value)));
  return select;
}
