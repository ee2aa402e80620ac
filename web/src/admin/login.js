// The console's login screen: the console password, or an app admin's UserSig
// (SDKAppID + Identifier + UserSig). Also the "console disabled" explanation.
import { consoleApi } from './api.js';
import { attempt } from './feedback.js';
import { busy, h } from '../shared/dom.js';

/**
 * Builds the login card.
 * @param {{passwordLogin: boolean, defaultApp: number|null, onLoggedIn: () => void}} options
 * @returns {HTMLElement}
 */
export function loginView({ passwordLogin, defaultApp, onLoggedIn }) {
  /** @type {'password'|'usersig'} */
  let mode = passwordLogin ? 'password' : 'usersig';

  const password = h('input', { class: 'ad-input', type: 'password', 'data-admin': 'password', autocomplete: 'current-password', placeholder: 'Console password' });
  const sdkAppID = h('input', { class: 'ad-input', 'data-admin': 'login-sdkappid', inputmode: 'numeric', placeholder: '1400000000', autocomplete: 'off', value: defaultApp ? String(defaultApp) : '' });
  const identifier = h('input', { class: 'ad-input', 'data-admin': 'login-identifier', value: 'administrator', autocomplete: 'username' });
  const userSig = h('textarea', { class: 'ad-input ad-mono', 'data-admin': 'login-usersig', rows: 3, spellcheck: false, placeholder: 'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS8...' });

  const passwordPane = h('div', { class: 'ad-login-pane' },
    field('Password', password, 'Set in the server configuration: [console] password.'),
  );
  const sigPane = h('div', { class: 'ad-login-pane' },
    field('SDKAppID', sdkAppID),
    field('Identifier', identifier, 'An App admin of that app (every app has "administrator").'),
    field('UserSig', userSig, 'Mint one with: liveroom usersig --sdkappid N --key K --user administrator'),
  );

  const tabPassword = h('button', { type: 'button', class: 'ad-tab', role: 'tab', 'data-admin': 'login-mode-password', text: 'Console password', onclick: () => setMode('password') });
  const tabSig = h('button', { type: 'button', class: 'ad-tab', role: 'tab', 'data-admin': 'login-mode-usersig', text: 'App admin UserSig', onclick: () => setMode('usersig') });
  const submit = h('button', { type: 'submit', class: 'ad-btn ad-btn-primary ad-btn-block', 'data-admin': 'login', text: 'Log in' });

  /** @param {'password'|'usersig'} next */
  function setMode(next) {
    mode = next;
    passwordPane.hidden = mode !== 'password';
    sigPane.hidden = mode !== 'usersig';
    tabPassword.classList.toggle('is-active', mode === 'password');
    tabSig.classList.toggle('is-active', mode === 'usersig');
    tabPassword.setAttribute('aria-selected', String(mode === 'password'));
    tabSig.setAttribute('aria-selected', String(mode === 'usersig'));
    (mode === 'password' ? password : sdkAppID.value ? userSig : sdkAppID).focus();
  }

  const form = h('form', { class: 'ad-login-form', novalidate: true },
    h('div', { class: 'ad-tabs', role: 'tablist' }, tabPassword, tabSig),
    passwordPane,
    sigPane,
    submit,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(submit, async () => {
      const ok = await attempt('Login', async () => {
        if (mode === 'password') {
          await consoleApi.login({ Password: password.value });
        } else {
          const id = Number(sdkAppID.value.trim());
          if (!Number.isInteger(id) || id <= 0) throw new Error('SDKAppID must be a number');
          await consoleApi.login({ SDKAppID: id, Identifier: identifier.value.trim(), UserSig: userSig.value.trim() });
        }
        return true;
      });
      if (ok) onLoggedIn();
    });
  });

  const card = h('section', { class: 'ad-card ad-login' },
    h('h1', { class: 'ad-login-title', text: 'Admin console' }),
    h('p', { class: 'ad-muted', text: passwordLogin
      ? 'Log in with the console password, or with an App admin\'s UserSig to manage that app only.'
      : 'No console password is configured: log in with an App admin\'s UserSig.' }),
    form,
  );
  if (!passwordLogin) tabPassword.parentElement?.setAttribute('hidden', '');
  queueMicrotask(() => setMode(mode));
  return card;
}

/**
 * A labelled form field.
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
export function field(label, control, hint) {
  return h('label', { class: 'ad-field' },
    h('span', { class: 'ad-label', text: label }),
    control,
    hint ? h('span', { class: 'ad-hint', text: hint }) : null,
  );
}

/**
 * The explanation shown when the server does not serve the console on this address.
 * @returns {HTMLElement}
 */
export function disabledView() {
  return h('section', { class: 'ad-card ad-login', 'data-admin': 'disabled' },
    h('h1', { class: 'ad-login-title', text: 'The admin console is off' }),
    h('p', { text: 'This server does not serve the admin console on this address. The console is on by default only when the server listens on a loopback address (127.0.0.1 or ::1); on any other address it stays off unless the configuration file enables it, with a password:' }),
    h('pre', { class: 'ad-code', text: '[console]\nenabled = true\npassword = "a long random password"   # or LIVEROOM_CONSOLE_PASSWORD' }),
    h('p', { class: 'ad-muted', text: 'The password (at least 8 characters) logs in to every app; without one, only an App admin\'s UserSig logs in, to its own app. Restart the server after changing the configuration. Without the console, manage apps with the REST API (docs/rest-api.md).' }),
  );
}
