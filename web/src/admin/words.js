// The app's word filter (docs/webhooks.md#built-in-word-filter): one editor per action
// (reject, mask, drop), saved together with liveroom_ext/set_word_filter.
import { attempt, attemptLoad, toast } from './feedback.js';
import { busy, h, replace } from '../shared/dom.js';
import { field } from './login.js';

/** @typedef {import('./api.js').RestClient} RestClient */
/** @typedef {{action: string, case_fold?: boolean, words: string[]}} WordList */

const ACTIONS = /** @type {const} */ ([
  ['reject', 'Reject', 'the send fails with 80001'],
  ['mask', 'Mask', 'the word is starred out'],
  ['drop', 'Drop', 'the sender sees success, nobody receives it'],
]);

/**
 * Splits the editor's text into words: one per line (commas also separate), trimmed, unique.
 * @param {string} text
 * @returns {string[]}
 */
export function parseWords(text) {
  const seen = new Set();
  for (const w of text.split(/[\n,]/)) {
    const t = w.trim();
    if (t) seen.add(t);
  }
  return [...seen];
}

/**
 * The word-filter panel.
 * @returns {{element: HTMLElement, load: (rest: RestClient) => Promise<void>, reset: () => void}}
 */
export function wordsPanel() {
  /** The app the lists were read from, where Save writes (null until a load finished). @type {RestClient|null} */
  let client = null;
  /** Counts loads and resets: the reply of a load that is no longer the latest is dropped. */
  let generation = 0;
  /** @type {WordList[]} */
  let lists = [];
  /** @type {string[]} */
  let customFields = ['Desc', 'Data.text'];
  /** Edited lists by action, not yet saved. @type {Map<string, {words: string[], caseFold: boolean}>} */
  const drafts = new Map();
  let action = 'reject';

  const tabs = h('div', { class: 'ad-tabs', role: 'tablist' });
  const words = h('textarea', { class: 'ad-input ad-mono', rows: 8, 'data-admin': 'words', spellcheck: false, placeholder: 'one word or phrase per line' });
  const caseFold = h('input', { type: 'checkbox', checked: true, 'data-admin': 'words-casefold' });
  const fields = h('input', { class: 'ad-input ad-mono', 'data-admin': 'words-fields', spellcheck: false });
  const count = h('span', { class: 'ad-muted', 'data-admin': 'words-count' });
  const explain = h('span', { class: 'ad-hint' });
  const save = h('button', { type: 'button', class: 'ad-btn ad-btn-primary', 'data-admin': 'words-save', text: 'Save word filter', disabled: true });

  /** Words of the action's lists as stored (or as drafted). @param {string} a */
  function wordsOf(a) {
    const d = drafts.get(a);
    if (d) return d;
    const mine = lists.filter((l) => l.action === a);
    return { words: mine.flatMap((l) => l.words), caseFold: mine.length ? mine.every((l) => l.case_fold !== false) : true };
  }

  function keepDraft() {
    drafts.set(action, { words: parseWords(words.value), caseFold: caseFold.checked });
  }

  function renderTabs() {
    replace(tabs, ACTIONS.map(([a, label]) => {
      const n = wordsOf(a).words.length;
      return h('button', {
        type: 'button', role: 'tab', class: `ad-tab${a === action ? ' is-active' : ''}`, 'data-words-action': a,
        'aria-selected': String(a === action),
        onclick: () => {
          keepDraft();
          action = a;
          show();
        },
      }, label, h('span', { class: 'ad-tab-count', text: String(n) }));
    }));
  }

  function show() {
    const cur = wordsOf(action);
    words.value = cur.words.join('\n');
    caseFold.checked = cur.caseFold;
    explain.textContent = `${ACTIONS.find(([a]) => a === action)?.[2] ?? ''}.`;
    renderTabs();
  }

  words.addEventListener('input', () => {
    keepDraft();
    renderTabs();
  });
  caseFold.addEventListener('change', keepDraft);

  /** Save only once the editor holds the lists of the app it writes to. */
  function syncSave() {
    save.disabled = !client || save.classList.contains('is-busy');
  }

  save.addEventListener('click', () => {
    if (!client) return;
    const rest = client;
    keepDraft();
    busy(save, async () => {
      await attempt('Saving the word filter', async () => {
        /** @type {WordList[]} */
        const next = [];
        for (const [a] of ACTIONS) {
          const d = drafts.get(a);
          if (!d) next.push(...lists.filter((l) => l.action === a));
          else if (d.words.length) next.push({ action: a, case_fold: d.caseFold, words: d.words });
        }
        // Lists with actions this page does not know stay as they are.
        next.push(...lists.filter((l) => !ACTIONS.some(([a]) => a === l.action)));
        const cf = fields.value.split(',').map((s) => s.trim()).filter(Boolean);
        const res = await rest.call('liveroom_ext', 'set_word_filter', { Filter: { custom_fields: cf, lists: next } });
        toast(`Word filter saved: ${res.WordCount ?? '?'} words`);
        // Another app may have been picked meanwhile: its editor stays as it is.
        if (client !== rest) return;
        const mine = ++generation;
        const again = await rest.call('liveroom_ext', 'get_word_filter', {});
        if (mine === generation) showFilter(again);
      });
    }).finally(syncSave);
  });

  /**
   * Shows a get_word_filter answer.
   * @param {Record<string, any>} res
   */
  function showFilter(res) {
    const f = res.Filter || {};
    lists = Array.isArray(f.lists) ? f.lists : [];
    customFields = Array.isArray(f.custom_fields) ? f.custom_fields : [];
    drafts.clear();
    fields.value = customFields.join(', ');
    count.textContent = `${res.WordCount ?? 0} word${res.WordCount === 1 ? '' : 's'} in ${lists.length} list${lists.length === 1 ? '' : 's'}`;
    show();
  }

  const element = h('section', { class: 'ad-card', id: 'words' },
    h('header', { class: 'ad-card-head' },
      h('div', {}, h('h2', { text: 'Word filter' }), count),
    ),
    tabs,
    field('Words', words, 'One word or phrase per line (commas also separate). Matched anywhere in text messages and the custom fields below.'),
    h('div', { class: 'ad-row' }, h('label', { class: 'ad-check' }, caseFold, 'Ignore letter case'), explain),
    field('Checked custom-message fields', fields, 'Comma-separated: Data, Desc, Ext or Data.<key>.'),
    h('div', { class: 'ad-row' }, save),
  );

  /** Forgets the app shown: empty lists, Save off until the next load. */
  function reset() {
    generation += 1;
    client = null;
    syncSave();
    lists = [];
    drafts.clear();
    fields.value = '';
    count.textContent = '…';
    show();
  }

  return {
    element,
    reset,
    async load(rest) {
      const mine = ++generation;
      client = null;
      syncSave();
      const res = await attemptLoad('Loading the word filter', () => mine === generation,
        () => rest.call('liveroom_ext', 'get_word_filter', {}));
      if (mine !== generation || !res) return;
      showFilter(res);
      client = rest;
      syncSave();
    },
  };
}
