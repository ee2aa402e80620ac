// Webhook settings: liveroom_ext/get_webhook and set_webhook (docs/webhooks.md#settings).
import { attempt, attemptLoad, toast } from './feedback.js';
import { busy, h, replace } from '../shared/dom.js';
import { field } from './login.js';

/** @typedef {import('./api.js').RestClient} RestClient */

const BEFORE = ['Group.CallbackBeforeSendMsg', 'Group.CallbackBeforeApplyJoinGroup', 'Group.CallbackBeforeCreateGroup'];
const AFTER = [
  'Group.CallbackAfterSendMsg', 'Group.CallbackSendMsgException', 'Group.CallbackAfterNewMemberJoin',
  'Group.CallbackAfterMemberExit', 'Group.CallbackOnMemberStateChange', 'Group.CallbackAfterCreateGroup',
  'Group.CallbackAfterGroupDestroyed', 'Group.CallbackAfterGroupInfoChanged', 'Group.CallbackAfterRecallMsg',
  'State.StateChange',
];

/** Numeric settings: key, label, hint. */
const NUMBERS = /** @type {const} */ ([
  ['timeout_ms', 'Timeout (ms)', '50–30000'],
  ['retries', 'Retries', '0–20, after-callbacks'],
  ['retry_backoff_ms', 'Retry backoff (ms)', '10–300000'],
  ['max_in_flight', 'Max in flight', '1–10000, before-callbacks'],
  ['queue_capacity', 'Queue capacity', '1–1000000'],
  ['after_concurrency', 'After concurrency', '1–1000'],
]);

/**
 * The webhook panel.
 * @returns {{element: HTMLElement, load: (rest: RestClient) => Promise<void>, reset: () => void}}
 */
export function webhookPanel() {
  /** The app the form was filled for, where Save writes (null until a load finished). @type {RestClient|null} */
  let client = null;
  /** Counts loads and resets: the reply of a load that is no longer the latest is dropped. */
  let generation = 0;
  /** @type {Record<string, any>} */
  let current = {};

  const url = h('input', { class: 'ad-input', type: 'url', 'data-admin': 'webhook-url', placeholder: 'https://backend.example.com/im (empty: webhooks off)', spellcheck: false });
  const token = h('input', { class: 'ad-input ad-mono', type: 'password', 'data-admin': 'webhook-token', autocomplete: 'off', placeholder: 'optional: signs every call' });
  const tokenToggle = h('button', { type: 'button', class: 'ad-btn ad-btn-small', text: 'Show' });
  tokenToggle.addEventListener('click', () => {
    token.type = token.type === 'password' ? 'text' : 'password';
    tokenToggle.textContent = token.type === 'password' ? 'Show' : 'Hide';
  });
  /** @type {Map<string, HTMLInputElement>} */
  const commandBoxes = new Map();
  /** @type {Map<string, HTMLInputElement>} */
  const denyBoxes = new Map();
  /** @type {Map<string, HTMLInputElement>} */
  const numbers = new Map();

  /** @param {string} cmd */
  function commandRow(cmd) {
    const box = h('input', { type: 'checkbox', 'data-command': cmd });
    commandBoxes.set(cmd, box);
    /** @type {HTMLElement|null} */
    let deny = null;
    if (BEFORE.includes(cmd)) {
      const d = h('input', { type: 'checkbox', 'data-deny': cmd });
      denyBoxes.set(cmd, d);
      deny = h('label', { class: 'ad-check ad-check-sub', title: 'Refuse the operation (10016) when the backend cannot be reached' }, d, 'deny on failure');
    }
    return h('div', { class: 'ad-command' }, h('label', { class: 'ad-check' }, box, h('span', { class: 'ad-mono', text: cmd })), deny);
  }

  const numberFields = NUMBERS.map(([key, label, hint]) => {
    const input = h('input', { class: 'ad-input', type: 'number', min: 0, 'data-webhook': key });
    numbers.set(key, input);
    return field(label, input, hint);
  });

  const save = h('button', { type: 'button', class: 'ad-btn ad-btn-primary', 'data-admin': 'webhook-save', text: 'Save webhook', disabled: true });
  /** Save only once the form holds the values of the app it writes to. */
  function syncSave() {
    save.disabled = !client || save.classList.contains('is-busy');
  }

  save.addEventListener('click', () => {
    if (!client) return;
    const rest = client;
    busy(save, async () => {
      await attempt('Saving the webhook', async () => {
        /** @type {Record<string, unknown>} */
        const webhook = {
          url: url.value.trim(),
          token: token.value,
          commands: [...commandBoxes].filter(([, b]) => b.checked).map(([c]) => c),
          deny_on_failure: [...denyBoxes].filter(([, b]) => b.checked).map(([c]) => c),
        };
        for (const [key, input] of numbers) {
          if (input.value.trim() === '') continue;
          const n = Number(input.value);
          if (!Number.isInteger(n)) throw new Error(`${key} must be a whole number`);
          webhook[key] = n;
        }
        const res = await rest.call('liveroom_ext', 'set_webhook', { Webhook: webhook });
        // Another app may have been picked meanwhile: its form stays as it is.
        if (client === rest) fill(res.Webhook || webhook);
        toast('Webhook saved');
      });
    }).finally(syncSave);
  });

  /** @param {Record<string, any>} w */
  function fill(w) {
    current = w || {};
    url.value = String(current.url ?? '');
    token.value = String(current.token ?? '');
    const cmds = new Set(Array.isArray(current.commands) ? current.commands : []);
    const deny = new Set(Array.isArray(current.deny_on_failure) ? current.deny_on_failure : []);
    for (const [c, b] of commandBoxes) b.checked = cmds.has(c);
    for (const [c, b] of denyBoxes) b.checked = deny.has(c);
    for (const [key, input] of numbers) input.value = current[key] === undefined ? '' : String(current[key]);
    // Commands the server knows and this page does not: keep them visible and selected.
    for (const c of cmds) {
      if (!commandBoxes.has(c)) {
        afterList.appendChild(commandRow(c));
        /** @type {HTMLInputElement} */ (commandBoxes.get(c)).checked = true;
      }
    }
    status.textContent = current.url ? `On: ${cmds.size} command${cmds.size === 1 ? '' : 's'}` : 'Off';
    status.className = `ad-badge ${current.url ? 'ad-state-live' : 'ad-state-ended'}`;
  }

  const beforeList = h('div', { class: 'ad-command-list' }, BEFORE.map(commandRow));
  const afterList = h('div', { class: 'ad-command-list' }, AFTER.map(commandRow));
  const status = h('span', { class: 'ad-badge ad-state-ended', 'data-admin': 'webhook-status', text: '…' });

  const element = h('section', { class: 'ad-card', id: 'webhook' },
    h('header', { class: 'ad-card-head' },
      h('div', {}, h('h2', {}, 'Webhook ', status), h('span', { class: 'ad-muted', text: 'Where and how the app\'s backend is called (docs/webhooks.md).' })),
    ),
    h('div', { class: 'ad-grid-2' },
      field('URL', url),
      field('Token', h('div', { class: 'ad-row ad-row-tight' }, token, tokenToggle), 'Calls then carry Sign = SHA-256(token ‖ RequestTime).'),
    ),
    h('div', { class: 'ad-grid-2' },
      h('div', {}, h('h3', { text: 'Before-callbacks' }), beforeList),
      h('div', {}, h('h3', { text: 'After-callbacks' }), afterList),
    ),
    h('details', { class: 'ad-details' }, h('summary', { text: 'Delivery limits' }), h('div', { class: 'ad-grid-3' }, numberFields)),
    h('div', { class: 'ad-row' }, save),
  );

  /** Forgets the app shown: an empty form, Save off until the next load. */
  function reset() {
    generation += 1;
    client = null;
    syncSave();
    fill({});
    replace(status, '…');
  }

  return {
    element,
    reset,
    async load(rest) {
      const mine = ++generation;
      client = null;
      syncSave();
      replace(status, '…');
      const res = await attemptLoad('Loading the webhook', () => mine === generation,
        () => rest.call('liveroom_ext', 'get_webhook', {}));
      if (mine !== generation || !res) return;
      fill(res.Webhook || {});
      client = rest;
      syncSave();
    },
  };
}
