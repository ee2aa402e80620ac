// The server rail: one round button per group the user is in (communities and other groups,
// with their unread badge and an "@" when a message mentions the user), the requests to join
// that wait for approval, and the buttons that create a server or join one by its ID.
import { h, replace } from '../shared/dom.js';
import { count, initials } from './text.js';

/**
 * A server as the rail shows it.
 * @typedef {Object} ServerItem
 * @property {string} groupID
 * @property {string} name
 * @property {string} avatar the group's face URL
 * @property {string} kind what the group is, in words
 * @property {number} unread unread messages over its channels
 * @property {boolean} mention an unread message mentions the user
 */

/**
 * @typedef {Object} ServerRail
 * @property {HTMLElement} element
 * @property {(servers: ServerItem[], pending: string[], selected: string) => void} render
 */

/**
 * @param {{onSelect: (groupID: string) => void, onCreate: () => void, onJoin: () => void}} options
 * @returns {ServerRail}
 */
export function serverRail({ onSelect, onCreate, onJoin }) {
  const list = h('ul', { class: 'cm-servers', 'data-community': 'servers', role: 'list' });
  const create = h('button', { type: 'button', class: 'cm-server cm-server-action', 'data-community': 'create-open', 'aria-label': 'Create a server', title: 'Create a community or group', text: '+', onclick: onCreate });
  const join = h('button', { type: 'button', class: 'cm-server cm-server-action', 'data-community': 'join-open', 'aria-label': 'Join a server by its ID', title: 'Join by ID', text: '⇢', onclick: onJoin });
  const element = h('nav', { class: 'cm-rail', 'aria-label': 'Servers' }, list, h('div', { class: 'cm-rail-sep', role: 'separator' }), create, join);

  /**
   * @param {ServerItem[]} servers
   * @param {string[]} pending groups asked to join, waiting for approval
   * @param {string} selected
   */
  function render(servers, pending, selected) {
    replace(list,
      servers.map((s) => {
        const on = s.groupID === selected;
        const label = [s.name, s.kind, s.unread > 0 ? `${s.unread} unread` : '', s.mention ? 'mentions you' : ''].filter(Boolean).join(', ');
        return h('li', { class: 'cm-server-slot' },
          h('button', {
            type: 'button',
            class: `cm-server${on ? ' is-on' : ''}${s.unread > 0 ? ' is-unread' : ''}`,
            'data-community': 'server',
            'data-group': s.groupID,
            'aria-label': label,
            'aria-current': on ? 'page' : undefined,
            title: s.name,
            onclick: () => onSelect(s.groupID),
          },
          /^https?:\/\//.test(s.avatar)
            ? h('img', { class: 'cm-server-img', src: s.avatar, alt: '', referrerpolicy: 'no-referrer' })
            : h('span', { 'aria-hidden': 'true', text: initials(s.name || s.groupID) }),
          s.mention ? h('span', { class: 'cm-at', 'data-community': 'server-at', 'aria-hidden': 'true', text: '@' }) : null,
          s.unread > 0 ? h('span', { class: 'cm-badge', 'data-community': 'server-unread', 'aria-hidden': 'true', text: count(s.unread) }) : null,
          ),
        );
      }),
      pending.map((groupID) => h('li', { class: 'cm-server-slot' },
        h('span', {
          class: 'cm-server is-pending',
          'data-community': 'pending',
          'data-group': groupID,
          role: 'img',
          'aria-label': `${groupID}: waiting for approval`,
          title: `${groupID}: waiting for approval`,
        }, h('span', { 'aria-hidden': 'true', text: initials(groupID) }), h('span', { class: 'cm-pending-mark', 'aria-hidden': 'true', text: '…' })),
      )),
    );
  }

  return { element, render };
}
