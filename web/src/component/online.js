// The online count (ONLINE_COUNT_UPDATED, the join reply's member count). The element
// `data-lr="online-count"` holds the exact number; a custom `onlineMembers` renderer may draw
// the whole slot instead.
import { h, icon, renderWith } from './dom.js';

/**
 * @param {{renderer: () => Function | undefined, ctx: () => object, onError: (err: unknown) => void}} deps
 */
export function createOnline(deps) {
  const root = h('span', { class: 'lr-online-slot' });
  let count = 0;
  function render() {
    const node = renderWith(deps.renderer(), { count }, deps.ctx(), () =>
      h('span', { class: 'lr-pill lr-online', title: 'Watching now' }, icon('eye'), h('span', { 'data-lr': 'online-count' }, String(count))),
    deps.onError);
    root.replaceChildren(node);
  }
  render();
  return {
    el: root,
    /** @param {number} n */
    set(n) {
      if (!Number.isFinite(n) || n < 0) return;
      count = Math.floor(n);
      render();
    },
    render,
    get count() {
      return count;
    },
    destroy() {
      root.remove();
    },
  };
}
