// The conversation list: one row per conversation (the other user's nick, avatar and online
// dot, the last message, its time, the unread badge, a pin), the open one marked; and the box
// that starts a new one.
import { h, replace } from '../shared/dom.js';
import { preview, shortTime } from './text.js';

/** @typedef {import('../../../sdk/js/liveroom.js').Conversation} Conversation */
/** @typedef {import('./people.js').People} People */

/**
 * @typedef {Object} ListView
 * @property {HTMLElement} element
 * @property {(list: Conversation[], open: string) => void} render
 */

/**
 * @param {{me: string, people: People, onOpen: (userID: string) => void, onPin: (c: Conversation) => void}} options
 * @returns {ListView}
 */
export function conversationList({ me, people, onOpen, onPin }) {
  const peer = h('input', { class: 'ch-input', 'data-chat': 'new-peer', placeholder: 'User ID', spellcheck: false, autocomplete: 'off', 'aria-label': 'Start a chat with a user ID' });
  const start = h('button', { type: 'submit', class: 'ch-btn ch-btn-small', 'data-chat': 'new-start', text: 'Chat' });
  const form = h('form', { class: 'ch-new' }, peer, start);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const id = peer.value.trim();
    if (!id) return;
    peer.value = '';
    onOpen(id);
  });
  const rows = h('div', { class: 'ch-convs', 'data-chat': 'conv-list', role: 'list' });
  const empty = h('p', { class: 'ch-empty', text: 'No conversations yet. Start one with a user ID above.' });
  const element = h('div', { class: 'ch-side-pane', 'data-chat': 'chats-pane' }, form, rows);

  /**
   * @param {Conversation[]} list
   * @param {string} open the open conversation's user, or ''
   */
  function render(list, open) {
    if (list.length === 0) {
      replace(rows, empty);
      return;
    }
    replace(rows, list.map((c) => {
      const last = c.lastMessage;
      const pin = h('button', {
        type: 'button',
        class: `ch-pin${c.isPinned ? ' is-on' : ''}`,
        'data-chat': 'pin',
        title: c.isPinned ? 'Unpin' : 'Pin to the top',
        'aria-label': c.isPinned ? 'Unpin' : 'Pin',
        text: c.isPinned ? '★' : '☆',
        onclick: (/** @type {Event} */ ev) => {
          ev.stopPropagation();
          onPin(c);
        },
      });
      const row = h('div', {
        class: `ch-conv${c.userID === open ? ' is-open' : ''}${c.unreadCount > 0 ? ' is-unread' : ''}`,
        role: 'listitem',
        tabindex: '0',
        'data-chat': 'conv',
        'data-peer': c.userID,
        'aria-current': c.userID === open ? 'true' : undefined,
        onclick: () => onOpen(c.userID),
        onkeydown: (/** @type {KeyboardEvent} */ ev) => {
          if (ev.key === 'Enter') onOpen(c.userID);
        },
      },
      people.avatar(c.userID),
      h('span', { class: 'ch-conv-main' },
        h('span', { class: 'ch-conv-name', 'data-chat': 'conv-name', title: c.userID, text: people.nick(c.userID) }),
        h('span', { class: 'ch-conv-last', 'data-chat': 'conv-last', text: last ? preview(last, me) : '' }),
      ),
      h('span', { class: 'ch-conv-side' },
        h('span', { class: 'ch-conv-time', text: c.lastTime ? shortTime(c.lastTime) : '' }),
        h('span', { class: 'ch-conv-tools' },
          c.unreadCount > 0 ? h('span', { class: 'ch-badge', 'data-chat': 'unread', text: c.unreadCount > 99 ? '99+' : String(c.unreadCount) }) : null,
          pin,
        ),
      ));
      return row;
    }));
  }

  return { element, render };
}
