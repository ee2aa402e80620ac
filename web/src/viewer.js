// The viewer page (/ and /room/<id>): the live room component, full screen, for the room in
// the path or the server's demo room. On a development server a nickname is enough to log in
// (/v1/web/dev-login); otherwise `#userID=..&userSig=..` in the URL logs in, and without
// either the viewer watches as a guest (likes, no chat).
import { mountLiveRoom } from './component/index.js';

const SESSION_KEY = 'liveroom.viewer.login';
const roomEl = /** @type {HTMLElement} */ (document.getElementById('room'));
const accountEl = /** @type {HTMLElement} */ (document.getElementById('account'));
/** @type {ReturnType<typeof mountLiveRoom> | null} */
let room = null;
/** @type {any} */
let config = {};

/** The room in the path (/room/<id>), else the server's demo room. */
function roomFromPath() {
  const m = location.pathname.match(/^\/room\/([^/]+)\/?$/);
  if (m) {
    try {
      return decodeURIComponent(m[1]);
    } catch (_) {
      return m[1];
    }
  }
  return config.DemoRoom || '';
}

/**
 * Who the viewer is logged in as: from the URL's hash, or from the development login (kept for
 * the tab's session).
 * @typedef {{userID: string, userSig: string, sdkAppID?: number, nick: string, from: 'hash' | 'dev'}} ViewerLogin
 */

/**
 * `#userID=..&userSig=..[&sdkAppID=..]`
 * @returns {ViewerLogin | null}
 */
function loginFromHash() {
  const p = new URLSearchParams(location.hash.replace(/^#/, ''));
  const userID = p.get('userID');
  const userSig = p.get('userSig');
  if (!userID || !userSig) return null;
  const sdkAppID = Number(p.get('sdkAppID') || p.get('sdkappid')) || undefined;
  return { userID, userSig, sdkAppID, nick: userID, from: 'hash' };
}

/** @returns {ViewerLogin | null} */
function savedLogin() {
  try {
    const v = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    return v && v.userID && v.userSig ? v : null;
  } catch (_) {
    return null;
  }
}

/**
 * A user id for a nickname: the name itself when it is a plain id, else a random one.
 * @param {string} name
 */
function userIDFor(name) {
  if (/^[A-Za-z0-9_.@-]{1,32}$/.test(name)) return name;
  const rnd = globalThis.crypto && crypto.getRandomValues ? crypto.getRandomValues(new Uint32Array(1))[0].toString(36) : Math.random().toString(36).slice(2);
  return `viewer_${rnd}`;
}

/** @param {string} tag @param {Record<string, any>} [props] @param {...any} kids */
function el(tag, props = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const kid of kids) if (kid) e.append(kid);
  return e;
}

/** @param {ViewerLogin | null} login */
function renderAccount(login) {
  accountEl.textContent = '';
  if (login) {
    const who = el('span', { class: 'lv-user' }, 'Watching as ', el('b', { text: login.nick || login.userID }));
    accountEl.append(who);
    if (login.from !== 'hash') {
      accountEl.append(el('button', { class: 'lv-button lv-quiet', type: 'button', 'data-lr': 'logout', text: 'Log out', onclick: () => {
        sessionStorage.removeItem(SESSION_KEY);
        start(null);
      } }));
    }
    return;
  }
  if (!config.DevLogin) {
    accountEl.append(el('span', { class: 'lv-user', text: 'Watching as a guest' }));
    return;
  }
  const name = /** @type {HTMLInputElement} */ (el('input', { 'data-lr': 'login-name', name: 'nickname', placeholder: 'Your nickname', maxlength: '32', autocomplete: 'nickname', required: '', 'aria-label': 'Nickname' }));
  const submit = /** @type {HTMLButtonElement} */ (el('button', { class: 'lv-button', type: 'submit', 'data-lr': 'login-submit', text: 'Join chat' }));
  const error = el('span', { class: 'lv-error', role: 'alert' });
  const form = el('form', { class: 'lv-login', 'data-lr': 'login' }, name, submit, error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const nick = name.value.trim();
    if (!nick) return;
    submit.disabled = true;
    error.textContent = '';
    try {
      const res = await fetch('/v1/web/dev-login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ UserID: userIDFor(nick), NickName: nick }),
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok || body.ActionStatus !== 'OK') throw new Error(body.ErrorInfo || `HTTP ${res.status}`);
      /** @type {ViewerLogin} */
      const login = { userID: body.UserID, userSig: body.UserSig, sdkAppID: body.SDKAppID, nick, from: 'dev' };
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(login));
      start(login);
    } catch (err) {
      error.textContent = `Could not log in: ${err instanceof Error ? err.message : err}`;
      submit.disabled = false;
    }
  });
  accountEl.append(form);
}

/**
 * (Re)mounts the room as `login`, or as a guest.
 * @param {ViewerLogin | null} login
 */
function start(login) {
  if (room) room.destroy();
  room = null;
  renderAccount(login);
  const roomID = roomFromPath();
  if (!roomID) {
    roomEl.replaceChildren(el('div', { class: 'lv-message', text: 'No room here. Open /room/<room id> to watch a live room.' }));
    return;
  }
  document.title = `${roomID} · Liveroom`;
  room = mountLiveRoom(roomEl, {
    roomID,
    sdkAppID: (login && login.sdkAppID) || config.SDKAppID || undefined,
    login: login ? { userID: login.userID, userSig: login.userSig } : 'guest',
    onError: (/** @type {unknown} */ err) => console.warn('[liveroom]', err),
  });
}

async function main() {
  try {
    const res = await fetch('/v1/web/config');
    config = res.ok ? await res.json() : {};
  } catch (_) {
    config = {};
  }
  start(loginFromHash() || (config.DevLogin ? savedLogin() : null));
}

window.addEventListener('hashchange', () => {
  const login = loginFromHash();
  if (login) start(login);
});

main();
