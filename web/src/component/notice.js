// The room notice (the room's Notification): plain text, or a JSON object {"text", "image"}
// as a platform's console may store it. Hidden when empty.
import { h, icon, safeUrl } from './dom.js';

/**
 * @param {string} raw
 * @returns {{text: string, image: string}}
 */
export function parseNotice(raw) {
  const value = typeof raw === 'string' ? raw.trim() : '';
  if (value.startsWith('{')) {
    try {
      const o = JSON.parse(value);
      if (o && typeof o === 'object') {
        return { text: typeof o.text === 'string' ? o.text : '', image: typeof o.image === 'string' ? o.image : '' };
      }
    } catch (_) {
      /* plain text that starts with a brace */
    }
  }
  return { text: value, image: '' };
}

/** @param {{base?: string}} [options] base: what a relative image URL is relative to */
export function createNotice(options = {}) {
  const body = h('div', { class: 'lr-notice-body' });
  const root = h('div', { class: 'lr-notice', 'data-lr': 'notice', hidden: true, role: 'note', 'aria-label': 'Notice' }, icon('megaphone'), body);
  let current = '';
  return {
    el: root,
    /** @param {string} raw */
    set(raw) {
      current = typeof raw === 'string' ? raw : '';
      const { text, image } = parseNotice(current);
      const src = safeUrl(image, options.base);
      body.textContent = '';
      if (text) body.appendChild(h('span', null, text));
      if (src) body.appendChild(h('img', { src, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer' }));
      root.hidden = !text && !src;
    },
    get value() {
      return current;
    },
    destroy() {
      root.remove();
    },
  };
}
