// Gift banners sliding in over the video (gift types 1 and 2). One banner per combo: a combo
// that grows updates its banner's count (with a bump) and keeps it up longer. At most a few
// are shown at once; the rest wait in a short queue (the user's own first), the oldest
// dropped when it overflows.
import { avatar, h, renderWith } from './dom.js';

/** @typedef {import('../../../sdk/js/liveroom.js').Gift} Gift */
/** @typedef {{el: HTMLElement, gift: Gift, timer: number}} Banner */

const VISIBLE = 3;
const QUEUE_MAX = 30;
const SHOW_MS = 3800;
const LEAVE_MS = 350;

/**
 * @param {{
 *   renderer: () => Function | undefined,
 *   ctx: () => object,
 *   imageFor: (giftID: string) => string,
 *   onError: (err: unknown) => void,
 * }} deps
 */
export function createGiftBanners(deps) {
  const root = h('div', { class: 'lr-banners', 'aria-live': 'polite' });
  /** @type {Map<string, Banner>} shown, by combo */
  const shown = new Map();
  /** @type {Gift[]} */
  const queue = [];

  /** @param {Gift} gift */
  function content(gift) {
    return renderWith(deps.renderer(), gift, deps.ctx(), () => {
      const img = deps.imageFor(gift.giftID);
      return h('div', { class: 'lr-custom' },
        avatar(gift.avatar, gift.nick || gift.from),
        h('div', { class: 'lr-banner-text' },
          h('span', { class: 'lr-banner-nick' }, gift.nick || gift.from),
          h('span', { class: 'lr-banner-gift' }, `sent ${gift.giftName || gift.giftID}`)),
        img ? h('img', { class: 'lr-banner-img', src: img, alt: '' }) : null,
        h('span', { class: 'lr-banner-count' }, `×${total(gift)}`));
    }, deps.onError);
  }

  /** @param {Gift} gift */
  function total(gift) {
    return Math.max(gift.comboCount || 0, gift.count || 1);
  }

  /** @param {Banner} entry */
  function arm(entry) {
    clearTimeout(entry.timer);
    entry.timer = window.setTimeout(() => leave(entry), SHOW_MS);
  }

  /** @param {Banner} entry */
  function leave(entry) {
    entry.el.classList.add('lr-leaving');
    entry.timer = window.setTimeout(() => {
      entry.el.remove();
      if (shown.get(entry.gift.comboID) === entry) shown.delete(entry.gift.comboID);
      next();
    }, LEAVE_MS);
  }

  function next() {
    while (shown.size < VISIBLE && queue.length) display(/** @type {Gift} */ (queue.shift()));
  }

  /** @param {Gift} gift */
  function display(gift) {
    const el = h('div', { class: 'lr-gift-banner', 'data-lr': 'gift-banner', 'data-combo-id': gift.comboID, 'data-gift-id': gift.giftID }, content(gift));
    const entry = { el, gift, timer: 0 };
    shown.set(gift.comboID, entry);
    root.appendChild(el);
    arm(entry);
  }

  return {
    el: root,
    /** @param {Gift} gift a GIFT_RECEIVED gift */
    show(gift) {
      const entry = shown.get(gift.comboID);
      if (entry && !entry.el.classList.contains('lr-leaving')) {
        if (total(gift) < total(entry.gift)) return; // an older part of the combo, arriving late
        entry.gift = gift;
        entry.el.replaceChildren(content(gift));
        const count = entry.el.querySelector('.lr-banner-count');
        if (count) {
          count.classList.remove('lr-bump');
          void (/** @type {HTMLElement} */ (count).offsetWidth);
          count.classList.add('lr-bump');
        }
        arm(entry);
        return;
      }
      const waiting = queue.findIndex((g) => g.comboID === gift.comboID);
      if (waiting >= 0) {
        if (total(gift) >= total(queue[waiting])) queue[waiting] = gift;
        return;
      }
      if (shown.size < VISIBLE) {
        display(gift);
        return;
      }
      if (gift.isSelf) queue.unshift(gift);
      else queue.push(gift);
      if (queue.length > QUEUE_MAX) queue.splice(queue.findIndex((g) => !g.isSelf), 1);
    },
    destroy() {
      for (const entry of shown.values()) clearTimeout(entry.timer);
      shown.clear();
      queue.length = 0;
      root.remove();
    },
  };
}
