// The anchor (host) card in the top bar: avatar, name, the room's name, and a follow button
// when the page says whether the viewer follows the anchor (`subscribed`).
import { avatar, h, renderWith } from './dom.js';

/**
 * @param {{
 *   renderer: () => Function | undefined,
 *   ctx: () => object,
 *   onSubscribe: (next: boolean) => void,
 *   onError: (err: unknown) => void,
 * }} deps
 */
export function createAnchor(deps) {
  const root = h('div', { class: 'lr-anchor-slot' });
  /** @type {{name: string, avatar: string, room: string, subscribed: boolean | undefined}} */
  let data = { name: '', avatar: '', room: '', subscribed: undefined };

  function render() {
    const node = renderWith(deps.renderer(), { ...data }, deps.ctx(), () => {
      const follow =
        typeof data.subscribed === 'boolean'
          ? h('button', {
              class: 'lr-follow',
              type: 'button',
              'aria-pressed': String(data.subscribed),
              onclick: () => deps.onSubscribe(!data.subscribed),
            }, data.subscribed ? 'Following' : 'Follow')
          : null;
      return h('div', { class: 'lr-anchor', 'data-lr': 'anchor' },
        avatar(data.avatar, data.name || '?'),
        h('div', { class: 'lr-anchor-text' },
          h('span', { class: 'lr-anchor-name' }, data.name || 'Host'),
          data.room && data.room !== data.name ? h('span', { class: 'lr-anchor-room' }, data.room) : null),
        follow);
    }, deps.onError);
    root.replaceChildren(node);
  }
  render();
  return {
    el: root,
    /** @param {Partial<typeof data>} next */
    set(next) {
      data = { ...data, ...next };
      render();
    },
    get data() {
      return { ...data };
    },
    render,
    destroy() {
      root.remove();
    },
  };
}
