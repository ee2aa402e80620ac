// Gifts: the catalog, the gift panel (opened by the gift button), and the chat line a gift
// makes. Banners are in gift-banner.js, the full-screen effect in effect.js.
import { h, icon, renderWith, safeUrl, levelBadge, avatar } from './dom.js';

/**
 * @typedef {Object} CatalogGift
 * @property {string} GiftId
 * @property {string} GiftName
 * @property {number} GiftType 0 plain, 1 banner, 2 banner + effect
 * @property {number} Value
 * @property {string} Image path under the image base URL, or a full URL
 * @property {string} [EffectUrl] the Lottie animation (type 2)
 * @property {string} imageUrl resolved image URL ('' when none)
 * @property {string} effectUrl resolved effect URL ('' when none)
 */

/** Counts offered in the panel. */
const COUNTS = [1, 10, 66, 99];

/**
 * Loads and normalises the catalog: an array as in gifts.json, or the URL of one.
 * @param {unknown} source
 * @param {{imageBase: string, base: string}} urls
 * @returns {Promise<CatalogGift[]>}
 */
export async function loadCatalog(source, urls) {
  let list = source;
  if (typeof source === 'string') {
    const res = await fetch(new URL(source, urls.base).href, { credentials: 'omit' });
    if (!res.ok) throw new Error(`the gift catalog could not be loaded (HTTP ${res.status})`);
    list = await res.json();
  }
  if (!Array.isArray(list)) return [];
  /** @type {CatalogGift[]} */
  const out = [];
  for (const g of list) {
    if (!g || typeof g !== 'object' || typeof g.GiftId !== 'string' || g.GiftId === '') continue;
    const image = typeof g.Image === 'string' ? g.Image : '';
    out.push({
      ...g,
      GiftId: g.GiftId,
      GiftName: typeof g.GiftName === 'string' && g.GiftName ? g.GiftName : g.GiftId,
      GiftType: [0, 1, 2].includes(g.GiftType) ? g.GiftType : 0,
      Value: Number.isFinite(g.Value) ? g.Value : 0,
      Image: image,
      imageUrl: image ? safeUrl(image, urls.imageBase) : '',
      effectUrl: typeof g.EffectUrl === 'string' && g.EffectUrl ? safeUrl(g.EffectUrl, urls.base) : '',
    });
  }
  return out;
}

/**
 * The gift button and the panel it opens.
 * @param {{
 *   catalog: () => CatalogGift[],
 *   renderer: () => Function | undefined,
 *   ctx: () => object,
 *   canSend: () => string,
 *   send: (giftId: string, count: number) => Promise<unknown>,
 *   onError: (err: unknown) => void,
 * }} deps `canSend` gives '' when sending is possible, else why not
 */
export function createGiftPanel(deps) {
  const button = h('button', {
    class: 'lr-round lr-gift-button',
    type: 'button',
    'data-lr': 'gift-button',
    'aria-label': 'Send a gift',
    'aria-haspopup': 'dialog',
    'aria-expanded': 'false',
    title: 'Gifts',
  }, icon('gift'));
  const panel = h('div', { class: 'lr-gift-panel', 'data-lr': 'gift-panel', role: 'dialog', 'aria-label': 'Gifts', hidden: true });
  const status = h('div', { class: 'lr-gift-status', role: 'status' });
  let count = 1;
  let statusTimer = 0;

  button.addEventListener('click', (e) => {
    e.stopPropagation();
    if (panel.hidden) open();
    else close();
  });
  panel.addEventListener('click', (e) => e.stopPropagation());
  const outside = () => close();
  document.addEventListener('click', outside);
  const onKey = (/** @type {KeyboardEvent} */ e) => {
    if (e.key === 'Escape' && !panel.hidden) close();
  };
  document.addEventListener('keydown', onKey);

  /**
   * @param {string} text
   * @param {string} [kind] 'error', 'sticky' (stays until replaced) or '' (a note that times out)
   */
  function setStatus(text, kind = '') {
    clearTimeout(statusTimer);
    status.textContent = text;
    status.dataset.kind = kind;
    if (text && kind !== 'sticky') statusTimer = window.setTimeout(() => setStatus(deps.canSend(), 'sticky'), 3000);
  }

  /**
   * @param {string} giftId
   * @param {number} n
   */
  async function sendGift(giftId, n) {
    const why = deps.canSend();
    if (why) {
      setStatus(why, 'error');
      return;
    }
    const gift = deps.catalog().find((g) => g.GiftId === giftId);
    try {
      await deps.send(giftId, n);
      setStatus(`Sent ${gift ? gift.GiftName : giftId} ×${n}`);
    } catch (err) {
      setStatus(err instanceof Error ? err.message : 'The gift could not be sent', 'error');
      deps.onError(err);
    }
  }

  function defaultBody() {
    const grid = h('div', { class: 'lr-gift-grid', role: 'list' });
    for (const g of deps.catalog()) {
      const kind = g.GiftType === 2 ? 'effect' : g.GiftType === 1 ? 'banner' : '';
      grid.appendChild(
        h('button', {
          class: 'lr-gift',
          type: 'button',
          role: 'listitem',
          'data-gift-id': g.GiftId,
          title: `${g.GiftName} · ${g.Value}`,
          onclick: () => sendGift(g.GiftId, count),
        },
        g.imageUrl ? h('img', { src: g.imageUrl, alt: '', loading: 'lazy', draggable: 'false' }) : icon('gift'),
        h('span', { class: 'lr-gift-name' }, g.GiftName),
        h('span', { class: 'lr-gift-value' }, `${g.Value} ${g.Value === 1 ? 'coin' : 'coins'}`),
        kind ? h('span', { class: 'lr-gift-kind' }, kind) : null),
      );
    }
    if (!grid.firstChild) grid.appendChild(h('div', { class: 'lr-gift-status' }, 'No gifts are available.'));
    const counts = h('div', { class: 'lr-gift-count', role: 'group', 'aria-label': 'How many' });
    for (const n of COUNTS) {
      counts.appendChild(
        h('button', {
          type: 'button',
          'aria-pressed': String(n === count),
          'data-count': String(n),
          onclick: () => {
            count = n;
            for (const b of counts.children) b.setAttribute('aria-pressed', String(b.getAttribute('data-count') === String(n)));
          },
        }, `×${n}`),
      );
    }
    return [grid, h('div', { class: 'lr-gift-foot' }, counts, status)];
  }

  function render() {
    panel.textContent = '';
    const head = h('div', { class: 'lr-gift-panel-head' },
      h('div', { class: 'lr-gift-panel-title' }, 'Send a gift'),
      h('button', { class: 'lr-close', type: 'button', 'aria-label': 'Close', onclick: () => close() }, icon('close')));
    panel.appendChild(head);
    const ctx = { ...deps.ctx(), send: (/** @type {string} */ id, /** @type {number} */ n = 1) => sendGift(id, n), close };
    const custom = renderWith(deps.renderer(), deps.catalog(), ctx, () => {
      const frag = document.createDocumentFragment();
      for (const n of defaultBody()) frag.appendChild(n);
      return frag;
    }, deps.onError);
    panel.appendChild(custom);
    if (!panel.contains(status)) panel.appendChild(h('div', { class: 'lr-gift-foot' }, status));
    setStatus(deps.canSend(), 'sticky');
  }

  function open() {
    render();
    panel.hidden = false;
    button.setAttribute('aria-expanded', 'true');
  }

  function close() {
    if (panel.hidden) return;
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
  }

  return {
    button,
    panel,
    open,
    close,
    refresh() {
      if (!panel.hidden) render();
    },
    destroy() {
      document.removeEventListener('click', outside);
      document.removeEventListener('keydown', onKey);
      clearTimeout(statusTimer);
      button.remove();
      panel.remove();
    },
  };
}

/**
 * The chat line of a gift: "[Lv] nick sent Rose 🌹 ×3".
 * @param {import('../../../sdk/js/liveroom.js').Gift | any} gift
 * @param {CatalogGift | undefined} entry
 * @param {Node | null} prefix
 */
export function giftLine(gift, entry, prefix) {
  const img = entry && entry.imageUrl ? h('img', { src: entry.imageUrl, alt: '' }) : null;
  const total = gift.comboCount > gift.count ? gift.comboCount : gift.count;
  return h('li', { class: `lr-msg lr-msg-gift${gift.isSelf ? ' lr-self' : ''}`, 'data-from': gift.from, 'data-combo-id': gift.comboID },
    prefix,
    levelBadge(gift.level),
    avatar(gift.avatar, gift.nick || gift.from),
    h('span', { class: 'lr-nick' }, gift.nick || gift.from),
    h('span', { class: 'lr-text' }, `sent ${gift.giftName || gift.giftID}`, img, h('span', { class: 'lr-combo' }, `×${total}`)));
}
