// The app's settings as a JSON editor: liveroom_ext/get_app_settings and set_app_settings.
// The webhook and the word filter have their own panels and are left out here; a save sends
// only the top-level keys that changed.
import { attempt, attemptLoad, toast } from './feedback.js';
import { busy, h } from '../shared/dom.js';

/** @typedef {import('./api.js').RestClient} RestClient */

/** Keys edited in other panels. */
const ELSEWHERE = new Set(['webhook', 'filter']);

/**
 * The settings panel.
 * @returns {{element: HTMLElement, load: (rest: RestClient) => Promise<void>, reset: () => void}}
 */
export function settingsPanel() {
  /** The app the editor was filled for, where Save writes (null until a load finished). @type {RestClient|null} */
  let client = null;
  /** The app picked last, which Reload reads. @type {RestClient|null} */
  let target = null;
  /** Counts loads and resets: the reply of a load that is no longer the latest is dropped. */
  let generation = 0;
  /** @type {Record<string, unknown>} */
  let stored = {};

  const editor = h('textarea', { class: 'ad-input ad-mono ad-json', rows: 18, spellcheck: false, 'data-admin': 'settings', 'aria-label': 'App settings (JSON)' });
  const check = h('span', { class: 'ad-hint', 'data-admin': 'settings-check' });
  const save = h('button', { type: 'button', class: 'ad-btn ad-btn-primary', 'data-admin': 'settings-save', text: 'Save settings', disabled: true });
  const revert = h('button', { type: 'button', class: 'ad-btn', 'data-admin': 'settings-reload', text: 'Reload' });

  editor.addEventListener('input', () => {
    const parsed = parse();
    check.textContent = parsed.value ? `${changedKeys(parsed.value).length} changed` : `Not valid JSON: ${parsed.error}`;
    check.classList.toggle('ad-danger', Boolean(parsed.error));
  });

  /** @returns {{value: Record<string, unknown>, error?: undefined} | {error: string, value?: undefined}} */
  function parse() {
    try {
      const v = JSON.parse(editor.value);
      if (!v || typeof v !== 'object' || Array.isArray(v)) return { error: 'the settings must be a JSON object' };
      return { value: v };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** @param {Record<string, unknown>} value */
  function changedKeys(value) {
    return Object.keys(value).filter((k) => JSON.stringify(value[k]) !== JSON.stringify(stored[k]));
  }

  /** @param {Record<string, unknown>} settings */
  function fill(settings) {
    stored = {};
    for (const [k, v] of Object.entries(settings || {})) if (!ELSEWHERE.has(k)) stored[k] = v;
    editor.value = JSON.stringify(stored, null, 2);
    check.textContent = 'Saved values';
    check.classList.remove('ad-danger');
  }

  /** Save only once the editor holds the settings of the app it writes to. */
  function syncSave() {
    save.disabled = !client || save.classList.contains('is-busy');
  }

  save.addEventListener('click', () => {
    if (!client) return;
    const rest = client;
    busy(save, async () => {
      await attempt('Saving the app settings', async () => {
        const parsed = parse();
        if (!parsed.value) throw new Error(`The settings are not valid JSON: ${parsed.error}`);
        const keys = changedKeys(parsed.value);
        if (!keys.length) {
          toast('No changes to save');
          return;
        }
        /** @type {Record<string, unknown>} */
        const changes = {};
        for (const k of keys) changes[k] = parsed.value[k];
        const res = await rest.call('liveroom_ext', 'set_app_settings', { Settings: changes });
        // Another app may have been picked meanwhile: its editor stays as it is.
        if (client === rest) fill(res.Settings || { ...stored, ...changes });
        toast(`Saved: ${keys.join(', ')}`);
      });
    }).finally(syncSave);
  });
  revert.addEventListener('click', () => {
    const rest = target;
    if (rest) busy(revert, () => load(rest));
  });

  /** @param {RestClient} rest */
  async function load(rest) {
    const mine = ++generation;
    target = rest;
    // While another app's values are in the editor, Save stays off.
    if (client !== rest) client = null;
    save.disabled = true;
    const res = await attemptLoad('Loading the app settings', () => mine === generation,
      () => rest.call('liveroom_ext', 'get_app_settings', {}));
    if (mine !== generation) return;
    if (res) {
      fill(res.Settings || {});
      client = rest;
    }
    syncSave();
  }

  /** Forgets the app shown: an empty editor, Save off until the next load. */
  function reset() {
    generation += 1;
    client = null;
    target = null;
    syncSave();
    stored = {};
    editor.value = '';
    check.textContent = '';
    check.classList.remove('ad-danger');
  }

  const element = h('section', { class: 'ad-card', id: 'settings' },
    h('header', { class: 'ad-card-head' },
      h('div', {}, h('h2', { text: 'App settings' }), h('span', { class: 'ad-muted', text: 'Frequency control, history, limits, gifts, likes... (docs/rest-api.md#get_app_settings). Changes apply at once.' })),
      h('div', { class: 'ad-actions' }, revert),
    ),
    editor,
    h('div', { class: 'ad-row' }, save, check),
  );

  return { element, load, reset };
}
