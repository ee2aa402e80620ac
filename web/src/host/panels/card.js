// A control-panel card.
import { h } from '../../shared/dom.js';

/**
 * @typedef {Object} PanelContext
 * @property {any} chat the SDK instance
 * @property {string} groupID
 * @property {import('../room.js').Room} room
 */

/**
 * @param {string} title
 * @param {{id?: string, subtitle?: string|Node, aside?: Node|null, dataHost?: string}} opts
 * @param {...(Node|null|false|Array<Node|null|false>)} body
 * @returns {HTMLElement}
 */
export function card(title, opts, ...body) {
  return h('section', { class: 'hp-card', id: opts.id, 'data-host': opts.dataHost },
    h('header', { class: 'hp-card-head' },
      h('div', {}, h('h2', { text: title }), opts.subtitle ? h('div', { class: 'hp-muted hp-sub' }, opts.subtitle) : null),
      opts.aside || null,
    ),
    ...body,
  );
}
