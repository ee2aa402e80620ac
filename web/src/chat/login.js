// Who the messenger logs in as: the development login by name (when the server offers it, as
// on the viewer page), `#userID=..&userSig=..` in the address, or a UserID and UserSig pasted
// into the form. A login is kept for the tab's session, so a reload stays logged in.
import { busy, h } from '../shared/dom.js';

/** @typedef {{sdkAppID: number, userID: string, userSig: string}} Credentials */

/**
 * @typedef {Object} WebConfig
 * @property {number|null} SDKAppID
 * @property {boolean} DevLogin
 */

const SESSION_KEY = 'liveroom.chat.login';

/**
 * Reads a REST envelope; a failure throws an Error with the code.
 * @param {Response} res
 * @returns {Promise<Record<string, any>>}
 */
async function envelope(res) {
  /** @type {any} */
  const body = await res.json().catch(() => null);
  if (body && body.ActionStatus === 'OK' && !body.ErrorCode) return body;
  const message = body && body.ErrorInfo ? String(body.ErrorInfo) : `HTTP ${res.status}`;
  throw Object.assign(new Error(message), { code: body && body.ErrorCode ? Number(body.ErrorCode) : res.status });
}

/** @returns {Promise<WebConfig>} */
export async function fetchConfig() {
  const c = await envelope(await fetch('/v1/web/config', { cache: 'no-store' }));
  return { SDKAppID: typeof c.SDKAppID === 'number' ? c.SDKAppID : null, DevLogin: c.DevLogin === true };
}

/**
 * `#userID=..&userSig=..[&sdkappid=..]`, or the tab's saved login.
 * @param {number|null} defaultApp
 * @returns {Credentials|null}
 */
export function knownCredentials(defaultApp) {
  const p = new URLSearchParams(location.hash.replace(/^#/, ''));
  const userID = p.get('userID') || '';
  const userSig = p.get('userSig') || '';
  const app = Number(p.get('sdkappid') || p.get('SDKAppID') || defaultApp || 0);
  if (userID && userSig && app) {
    history.replaceState(null, '', location.pathname + location.search);
    return { sdkAppID: app, userID, userSig };
  }
  try {
    const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    if (saved && saved.userID && saved.userSig && saved.sdkAppID) return saved;
  } catch {
    // nothing saved
  }
  return null;
}

/** @param {Credentials} creds */
export function saveCredentials(creds) {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(creds));
}

export function forgetCredentials() {
  sessionStorage.removeItem(SESSION_KEY);
}

/**
 * @param {string} text
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
function field(text, control, hint) {
  return h('label', { class: 'ch-field' },
    h('span', { class: 'ch-label', text }),
    control,
    hint ? h('span', { class: 'ch-hint', text: hint }) : null,
  );
}

/**
 * The login card (the messenger's, unless `title` and `blurb` say another page's).
 * @param {{config: WebConfig, attempt: <T>(what: string, action: () => Promise<T>) => Promise<T|undefined>, onCredentials: (c: Credentials) => void, title?: string, blurb?: string, sigBlurb?: string}} options
 * @returns {HTMLElement}
 */
export function loginView({ config, attempt, onCredentials, title: heading = 'Chat', blurb = 'Message other users of this server one to one.', sigBlurb = 'Log in with a UserSig to message other users one to one.' }) {
  const user = h('input', { class: 'ch-input', 'data-chat': 'login-userid', autocomplete: 'username', spellcheck: false });
  const sig = h('textarea', { class: 'ch-input ch-mono', rows: 3, 'data-chat': 'login-usersig', spellcheck: false });
  const app = h('input', { class: 'ch-input', value: config.SDKAppID ? String(config.SDKAppID) : '', inputmode: 'numeric' });
  const withSig = h('form', { class: 'ch-form' },
    config.SDKAppID ? null : field('SDKAppID', app),
    field('User ID', user),
    field('UserSig', sig, 'From your backend, or: liveroom usersig --sdkappid N --key K --user <id>. You can also open this page with #userID=…&userSig=….'),
    h('button', { type: 'submit', class: `ch-btn ch-btn-block ${config.DevLogin ? '' : 'ch-btn-primary'}`, text: 'Log in with the UserSig' }),
  );
  withSig.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const sdkAppID = Number(app.value.trim());
    if (!sdkAppID || !user.value.trim() || !sig.value.trim()) return;
    onCredentials({ sdkAppID, userID: user.value.trim(), userSig: sig.value.trim() });
  });
  const title = h('h1', { class: 'ch-login-title', text: heading });
  if (!config.DevLogin) {
    return h('section', { class: 'ch-card ch-login' }, title,
      h('p', { class: 'ch-muted', text: sigBlurb }), withSig);
  }
  const name = h('input', { class: 'ch-input', 'data-chat': 'login-name', placeholder: 'alice', autocomplete: 'username', spellcheck: false, required: true });
  const submit = h('button', { type: 'submit', class: 'ch-btn ch-btn-primary ch-btn-block', 'data-chat': 'login-submit', text: 'Log in' });
  const dev = h('form', { class: 'ch-form' },
    field('Your user ID', name, 'Development login: no UserSig needed. Letters, digits and _ . @ - (up to 32).'),
    submit,
  );
  dev.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const id = name.value.trim();
    if (!id) return;
    busy(submit, async () => {
      const res = await attempt('Development login', async () =>
        envelope(await fetch('/v1/web/dev-login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ UserID: id }),
        })));
      if (res) onCredentials({ sdkAppID: Number(res.SDKAppID), userID: String(res.UserID), userSig: String(res.UserSig) });
    });
  });
  return h('section', { class: 'ch-card ch-login' }, title,
    h('p', { class: 'ch-muted', text: blurb }), dev,
    h('div', { class: 'ch-login-or', role: 'separator' }, h('span', { text: 'or with a UserSig' })),
    withSig);
}
