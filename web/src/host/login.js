// Getting the host's credentials: the server's web config, then a development login
// (POST /v1/web/dev-login, when the server offers it), `#userID=..&userSig=..` in the
// address, or a form to paste them.
import { busy, h } from '../shared/dom.js';
import { attempt } from './feedback.js';

/**
 * @typedef {Object} WebConfig
 * @property {number|null} SDKAppID
 * @property {boolean} DevLogin
 * @property {boolean} Console
 * @property {string|null} DemoRoom
 */

/** @typedef {{sdkAppID: number, userID: string, userSig: string}} Credentials */

/**
 * POSTs JSON and reads the REST envelope.
 * @param {string} url
 * @param {unknown} body
 * @returns {Promise<Record<string, any>>}
 */
export async function postJSON(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin' });
  return readEnvelope(res);
}

/**
 * @param {Response} res
 * @returns {Promise<Record<string, any>>}
 */
async function readEnvelope(res) {
  /** @type {any} */
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (body && body.ActionStatus === 'OK' && !body.ErrorCode) return body;
  if (body && body.ActionStatus) throw Object.assign(new Error(String(body.ErrorInfo || 'request failed')), { code: Number(body.ErrorCode) });
  throw Object.assign(new Error(`HTTP ${res.status}`), { code: res.status });
}

/** @returns {Promise<WebConfig>} */
export async function fetchConfig() {
  const res = await fetch('/v1/web/config', { cache: 'no-store' });
  const c = await readEnvelope(res);
  return {
    SDKAppID: typeof c.SDKAppID === 'number' ? c.SDKAppID : null,
    DevLogin: c.DevLogin === true,
    Console: c.Console === true,
    DemoRoom: typeof c.DemoRoom === 'string' ? c.DemoRoom : null,
  };
}

/**
 * `#userID=..&userSig=..` (and optionally `sdkappid=..`) from the address.
 * @param {number|null} defaultApp
 * @returns {Credentials|null}
 */
export function credentialsFromHash(defaultApp) {
  const p = new URLSearchParams(location.hash.replace(/^#/, ''));
  const userID = p.get('userID') || p.get('userid') || '';
  const userSig = p.get('userSig') || p.get('usersig') || '';
  const app = Number(p.get('sdkappid') || p.get('SDKAppID') || defaultApp || 0);
  if (!userID || !userSig || !app) return null;
  return { sdkAppID: app, userID, userSig };
}

/**
 * The login card: a UserSig (UserID and UserSig fields) always, and the development login
 * before it when the server offers one.
 * @param {{config: WebConfig, roomID: string, onCredentials: (c: Credentials) => void}} options
 * @returns {HTMLElement}
 */
export function loginView({ config, roomID, onCredentials }) {
  const title = h('h1', { class: 'hp-login-title' }, 'Host ', h('span', { class: 'hp-mono', text: roomID }));
  const withSig = userSigForm(config, onCredentials);
  if (config.DevLogin) {
    const user = h('input', { class: 'hp-input', 'data-host': 'login-user', value: 'host', autocomplete: 'username', spellcheck: false });
    const submit = h('button', { type: 'submit', class: 'hp-btn hp-btn-primary hp-btn-block', 'data-host': 'login-submit', text: 'Log in' });
    const form = h('form', { class: 'hp-form' },
      label('User ID', user, `Development login: no UserSig needed. "host" owns the demo room and the room the start-up banner creates. App admins (administrator) log in with a UserSig below.`),
      submit,
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      busy(submit, async () => {
        const res = await attempt('Development login', () => postJSON('/v1/web/dev-login', { UserID: user.value.trim() }));
        if (res) onCredentials({ sdkAppID: Number(res.SDKAppID), userID: String(res.UserID), userSig: String(res.UserSig) });
      });
    });
    return h('section', { class: 'hp-card hp-login' }, title,
      h('p', { class: 'hp-muted', text: 'Log in as the room\'s owner or one of its admins to run the live.' }), form,
      h('div', { class: 'hp-login-or', role: 'separator' }, h('span', { text: 'or with a UserSig' })),
      withSig);
  }
  return h('section', { class: 'hp-card hp-login' }, title,
    h('p', { class: 'hp-muted', text: 'Log in as the room\'s owner or one of its admins with a UserSig.' }), withSig);
}

/**
 * UserID and UserSig fields (and the SDKAppID when the server names no app).
 * @param {WebConfig} config
 * @param {(c: Credentials) => void} onCredentials
 */
function userSigForm(config, onCredentials) {
  const app = h('input', { class: 'hp-input', 'data-host': 'login-sdkappid', value: config.SDKAppID ? String(config.SDKAppID) : '', inputmode: 'numeric' });
  const user = h('input', { class: 'hp-input', 'data-host': 'login-userid', autocomplete: 'username', spellcheck: false });
  const sig = h('textarea', { class: 'hp-input hp-mono', rows: 3, 'data-host': 'login-usersig', spellcheck: false });
  const submit = h('button', { type: 'submit', class: `hp-btn hp-btn-block ${config.DevLogin ? '' : 'hp-btn-primary'}`, 'data-host': 'login-usersig-submit', text: 'Log in with the UserSig' });
  const form = h('form', { class: 'hp-form', 'data-host': 'login-usersig-form' },
    config.SDKAppID ? null : label('SDKAppID', app),
    label('User ID', user),
    label('UserSig', sig, 'From your backend, or: liveroom usersig --sdkappid N --key K --user <id>. You can also open this page with #userID=…&userSig=….'),
    submit,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const sdkAppID = Number(app.value.trim());
    if (!sdkAppID || !user.value.trim() || !sig.value.trim()) return;
    onCredentials({ sdkAppID, userID: user.value.trim(), userSig: sig.value.trim() });
  });
  return form;
}

/**
 * @param {string} text
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
export function label(text, control, hint) {
  return h('label', { class: 'hp-field' },
    h('span', { class: 'hp-label', text }),
    control,
    hint ? h('span', { class: 'hp-hint', text: hint }) : null,
  );
}
