// The pinned item slot (live shopping): title, price, image and a link, for the item the host
// pins now (ITEM_PINNED, and the join reply for late joiners); empty and hidden otherwise.
import { append, h, safeUrl } from './dom.js';

/**
 * A price for display: numbers with two decimals, text as given.
 * @param {unknown} price
 */
export function formatPrice(price) {
  if (typeof price === 'number' && Number.isFinite(price)) {
    try {
      return price.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    } catch (_) {
      return price.toFixed(2);
    }
  }
  return typeof price === 'string' ? price : '';
}

/** @param {{base?: string}} [options] base: what relative image and link URLs are relative to */
export function createItem(options = {}) {
  const root = h('div', { class: 'lr-item', 'data-lr': 'item', hidden: true, 'aria-live': 'polite' });
  /** @type {any} */
  let current = null;

  return {
    el: root,
    /** @param {Record<string, any> | null} item */
    set(item) {
      current = item && typeof item === 'object' && item.ItemId ? item : null;
      root.textContent = '';
      if (!current) {
        root.hidden = true;
        root.removeAttribute('data-item-id');
        return;
      }
      root.hidden = false;
      root.setAttribute('data-item-id', String(current.ItemId));
      const img = safeUrl(current.ImageUrl, options.base);
      const link = safeUrl(current.Link, options.base);
      const price = formatPrice(current.Price);
      append(root, [
        img
          ? h('img', { class: 'lr-item-img', src: img, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer' })
          : h('div', { class: 'lr-item-img', 'aria-hidden': 'true' }),
        h('div', { class: 'lr-item-info' },
          h('span', { class: 'lr-item-tag' }, 'Now showing'),
          h('span', { class: 'lr-item-title' }, String(current.Title || '')),
          price ? h('span', { class: 'lr-item-price' }, price) : null),
        link ? h('a', { class: 'lr-item-buy', href: link, target: '_blank', rel: 'noopener noreferrer' }, 'Buy') : null,
      ]);
      // Replay the entrance animation for a new item.
      root.style.animation = 'none';
      void root.offsetWidth;
      root.style.animation = '';
    },
    get item() {
      return current;
    },
    destroy() {
      root.remove();
    },
  };
}
