// Liveroom admin console (/admin): log in with the console password or an app admin's
// UserSig, then manage the apps the login can see — keys, rooms, broadcast, webhook,
// word filter and settings — through /v1/console/* and the REST API.
import './admin.css';
import { ApiError, consoleApi, onSessionLost, RestClient } from './api.js';
import { appSelect, appsView } from './apps.js';
import { broadcastPanel } from './broadcast.js';
import { busy, h, replace } from '../shared/dom.js';
import { attempt, attemptLoad, clearError, feedbackElements, showError } from './feedback.js';
import { disabledView, loginView } from './login.js';
import { roomsPanel } from './rooms.js';
import { settingsPanel } from './settings.js';
import { webhookPanel } from './webhook.js';
import { wordsPanel } from './words.js';

const APP_KEY = 'liveroom.admin.app';

const root = /** @type {HTMLElement} */ (document.getElementById('app'));
const headerRight = h('div', { class: 'ad-top-right' });
const content = h('div', { class: 'ad-content' });

replace(root,
  h('header', { class: 'ad-top' },
    h('a', { class: 'ad-brand', href: '/admin' }, h('span', { class: 'ad-logo', 'aria-hidden': 'true' }), 'Liveroom', h('span', { class: 'ad-brand-sub', text: 'admin' })),
    headerRight,
  ),
  h('div', { class: 'ad-page' }, feedbackElements(), content),
);
root.classList.add('ad-root');

/** Counts boots: a boot that a newer one has replaced stops touching the page. */
let bootGeneration = 0;

/** Reads the console's status and shows the matching screen. */
async function boot() {
  const mine = ++bootGeneration;
  const current = () => mine === bootGeneration;
  replace(headerRight);
  replace(content, h('p', { class: 'ad-loading', text: 'Loading…' }));
  let status;
  try {
    status = await consoleApi.status();
  } catch (err) {
    if (!current()) return;
    showError(err, 'Reading the console status');
    replace(content, h('section', { class: 'ad-card ad-login' },
      h('h1', { class: 'ad-login-title', text: 'The console is unreachable' }),
      h('p', { class: 'ad-muted', text: 'The server did not answer /v1/console/status.' }),
      h('button', { type: 'button', class: 'ad-btn', text: 'Retry', onclick: boot }),
    ));
    return;
  }
  if (!current()) return;
  if (!status.Enabled) {
    replace(content, disabledView());
    return;
  }
  if (!status.LoggedIn) {
    const passwordLogin = status.PasswordLogin;
    const defaultApp = await consoleApi.defaultApp();
    if (!current()) return;
    replace(content, loginView({
      passwordLogin,
      defaultApp,
      onLoggedIn: () => {
        clearError();
        boot();
      },
    }));
    return;
  }
  await dashboard(current);
}

/** @type {Promise<void>|null} */
let ending = null;

/**
 * The one way a console session ends: Log out, or a console call answering 401 (the session
 * expired or was logged out elsewhere). Boots once, however many of these arrive meanwhile
 * (a 401 from the logout itself included).
 * @param {'logout'|'lost'} why
 * @returns {Promise<void>}
 */
function endSession(why) {
  if (!ending) {
    ending = (async () => {
      if (why === 'logout') {
        try {
          await consoleApi.logout();
        } catch (err) {
          // A 401 means the session was over already, which is what logging out wants.
          if (!(err instanceof ApiError && err.status === 401)) showError(err, 'Logging out');
        }
      }
      await boot();
      if (why === 'lost') showError(new Error('The console session ended (expired or logged out elsewhere): log in again.'), 'Console session');
    })().finally(() => {
      ending = null;
    });
  }
  return ending;
}

const logout = () => endSession('logout');
onSessionLost(() => {
  endSession('lost');
});

/**
 * The logged-in console.
 * @param {() => boolean} current whether the boot showing it is still the latest
 */
async function dashboard(current) {
  const apps = await attempt('Loading the apps', () => consoleApi.apps());
  if (!current()) return;
  if (!apps) {
    replace(content, h('section', { class: 'ad-card ad-login' },
      h('h1', { class: 'ad-login-title', text: 'Could not load the apps' }),
      h('button', { type: 'button', class: 'ad-btn', text: 'Log in again', onclick: () => logout() }),
    ));
    return;
  }

  const rooms = roomsPanel();
  const broadcast = broadcastPanel();
  const webhook = webhookPanel();
  const words = wordsPanel();
  const settings = settingsPanel();
  const panels = [rooms, broadcast, webhook, words, settings];

  const stored = Number(localStorage.getItem(APP_KEY));
  /** @type {number|null} */
  let selected = apps.some((a) => a.SDKAppID === stored) ? stored : apps.length ? apps[0].SDKAppID : null;
  const identity = h('span', { class: 'ad-identity', 'data-admin': 'identity' });
  const appLabel = h('span', { class: 'ad-mono' });

  /** Counts app picks: the panels load only for the latest one. */
  let selection = 0;

  /** @param {number} id */
  async function selectApp(id) {
    const mine = ++selection;
    selected = id;
    localStorage.setItem(APP_KEY, String(id));
    appLabel.textContent = String(id);
    // The panels drop what they show of the previous app (and turn Save off) at once, so
    // nothing of it can be saved into this one; each load drops replies older than its latest.
    for (const p of panels) p.reset();
    const rest = new RestClient(id, () => consoleApi.usersig(id));
    identity.textContent = '';
    const me = await attemptLoad(`Getting an admin UserSig for app ${id}`, () => mine === selection && current(), () => rest.identity());
    if (!me || mine !== selection || !current()) return;
    identity.textContent = `as ${me.Identifier}`;
    await Promise.all(panels.map((p) => p.load(rest)));
  }

  const logoutButton = h('button', { type: 'button', class: 'ad-btn ad-btn-ghost', 'data-admin': 'logout', text: 'Log out' });
  logoutButton.addEventListener('click', () => busy(logoutButton, logout));
  const select = appSelect(apps, selected, (id) => selectApp(id));
  replace(headerRight, h('label', { class: 'ad-app-pick' }, h('span', { class: 'ad-label', text: 'App' }), select), identity, logoutButton);

  const nav = h('nav', { class: 'ad-nav', 'aria-label': 'Sections' },
    [['apps', 'Apps & keys'], ['rooms', 'Rooms'], ['broadcast', 'Broadcast'], ['webhook', 'Webhook'], ['words', 'Word filter'], ['settings', 'Settings']]
      .map(([id, label]) => h('a', { href: `#${id}`, class: 'ad-nav-link', text: label })),
  );

  replace(content,
    h('div', { class: 'ad-layout' },
      nav,
      h('div', { class: 'ad-main' },
        h('section', { class: 'ad-card', id: 'apps' },
          h('header', { class: 'ad-card-head' },
            h('div', {}, h('h2', { text: 'Apps & keys' }), h('span', { class: 'ad-muted', text: 'The secret key signs UserSigs: keep it on your backend.' })),
          ),
          appsView(apps),
        ),
        selected === null
          ? h('p', { class: 'ad-empty', text: 'This login sees no app.' })
          : [h('div', { class: 'ad-section-title' }, 'App ', appLabel), panels.map((p) => p.element)],
      ),
    ),
  );
  if (selected !== null) await selectApp(selected);
}

boot();
