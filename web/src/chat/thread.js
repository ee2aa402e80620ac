// The open conversation: its history and what arrives, in the conversation's order; read
// marks on one's own messages; editing and recalling them; the other user's nick, online
// state and typing notice, with actions to add them as a friend or block them; the composer
// (which sends typing notices while one types).
import LiveRoom from '../../../sdk/js/liveroom.js';
import { busy, h, replace } from '../shared/dom.js';
import { messageText, shortTime } from './text.js';

/** @typedef {import('../../../sdk/js/liveroom.js').Chat} Chat */
/** @typedef {import('../../../sdk/js/liveroom.js').Message} Message */
/** @typedef {import('./people.js').People} People */
/** @typedef {Pick<import('./friends.js').FriendsView, 'isFriend'|'isBlocked'|'add'|'block'>} Relation */
/** @typedef {{m: Message, el: HTMLElement, editing: boolean, order: number}} Item */

const { TYPES } = LiveRoom;

/** Messages per history page. */
const PAGE = 30;
/** At most one typing notice this often, ms (the server passes on two a second). */
const TYPING_EVERY_MS = 2000;

/**
 * @typedef {Object} ThreadView
 * @property {HTMLElement} element
 * @property {(m: Message) => void} add a message of this conversation (received, or sent elsewhere)
 * @property {(sequence: number) => void} revoked
 * @property {(m: Message) => void} modified
 * @property {(sequence: number) => void} peerRead the other user read up to `sequence`
 * @property {(on: boolean) => void} typing
 * @property {() => void} peerChanged the other user's profile, status or relation to this user changed
 * @property {() => void} visible the page became visible: mark what arrived read
 * @property {() => void} destroy
 */

/**
 * @param {{chat: Chat, me: string, userID: string, people: People, relation: Relation, showError: (err: unknown, what: string) => void}} options
 * @returns {ThreadView}
 */
export function threadView({ chat, me, userID, people, relation, showError }) {
  const conversationID = `${TYPES.CONV_C2C}${userID}`;
  /** @type {Map<string, Item>} by message ID */
  const items = new Map();
  let arrivals = 0;
  let ended = false;
  let next = '';

  const typingNote = h('span', { class: 'ch-typing', 'data-chat': 'typing', hidden: true, text: 'typing…' });
  const earlier = h('button', { type: 'button', class: 'ch-btn ch-btn-small ch-btn-ghost', 'data-chat': 'earlier', hidden: true, text: 'Earlier messages' });
  const list = h('div', { class: 'ch-msgs', 'data-chat': 'messages', role: 'log', 'aria-live': 'polite' });
  const scroller = h('div', { class: 'ch-scroll' }, h('div', { class: 'ch-earlier' }, earlier), list);
  const input = h('textarea', { class: 'ch-input ch-compose-input', 'data-chat': 'input', rows: 1, placeholder: `Message ${userID}`, 'aria-label': `Message ${userID}` });
  const send = h('button', { type: 'submit', class: 'ch-btn ch-btn-primary', 'data-chat': 'send', text: 'Send' });
  const composer = h('form', { class: 'ch-compose' }, input, send);
  const avatarSlot = h('span', { class: 'ch-avatar-slot' });
  const peerName = h('strong', { 'data-chat': 'thread-peer' });
  const peerState = h('span', { class: 'ch-muted ch-thread-state', 'data-chat': 'thread-status' });
  const tools = h('div', { class: 'ch-thread-tools' });
  const element = h('section', { class: 'ch-thread', 'data-chat': 'thread', 'data-peer': userID },
    h('header', { class: 'ch-thread-head' },
      avatarSlot,
      h('div', { class: 'ch-thread-title' }, peerName, peerState, typingNote),
      tools,
    ),
    scroller,
    composer,
  );

  /** The header: who the other user is, whether online, and what one may do about them. */
  function paintHead() {
    replace(avatarSlot, people.avatar(userID));
    const nick = people.nick(userID);
    peerName.textContent = nick;
    const online = people.online(userID);
    peerState.textContent = [nick !== userID ? userID : '', online === undefined ? '' : online ? 'online' : 'offline']
      .filter(Boolean)
      .join(' · ');
    const blocked = relation.isBlocked(userID);
    /**
     * @param {string} kind
     * @param {string} text
     * @param {() => Promise<void>} act
     */
    const tool = (kind, text, act) => {
      const button = h('button', { type: 'button', class: 'ch-btn ch-btn-small ch-btn-ghost', 'data-chat': kind, text });
      button.addEventListener('click', () => busy(button, act));
      return button;
    };
    replace(tools,
      userID === me || relation.isFriend(userID) || blocked ? null : tool('thread-add-friend', 'Add friend', () => relation.add(userID)),
      userID === me ? null : tool('block', blocked ? 'Unblock' : 'Block', () => relation.block(userID, !blocked)),
    );
  }
  paintHead();

  // ---- messages -------------------------------------------------------------------------

  /** The conversation's order: by number; messages not numbered yet (being sent) last. @param {Item} a @param {Item} b */
  function compare(a, b) {
    const sa = a.m.sequence || Infinity;
    const sb = b.m.sequence || Infinity;
    if (sa !== sb) return sa < sb ? -1 : 1;
    return a.order - b.order;
  }

  /**
   * Puts an item's node where its message belongs (only moving it when it is not there).
   * @param {Item} item
   */
  function place(item) {
    /** @type {Item|null} */
    let after = null;
    for (const other of items.values()) {
      if (other !== item && compare(other, item) > 0 && (after === null || compare(other, after) < 0)) after = other;
    }
    const want = after ? after.el : null;
    if (item.el.parentNode !== list || item.el.nextSibling !== want) list.insertBefore(item.el, want);
  }

  /** @param {Item} item */
  function paint(item) {
    const m = item.m;
    const mine = m.from === me;
    item.el.className = `ch-msg ${mine ? 'is-out' : 'is-in'}${m.isRevoked ? ' is-revoked' : ''}`;
    item.el.dataset.seq = String(m.sequence);
    item.el.dataset.flow = mine ? 'out' : 'in';
    if (item.editing) {
      paintEditor(item);
      return;
    }
    const bubble = m.isRevoked
      ? h('div', { class: 'ch-bubble ch-recalled', 'data-chat': 'msg-recalled', text: mine ? 'You recalled a message' : `${m.from} recalled a message` })
      : h('div', { class: 'ch-bubble' }, h('span', { class: 'ch-msg-text', 'data-chat': 'msg-text', text: messageText(m) }));
    const meta = h('div', { class: 'ch-msg-meta' },
      m.time ? h('span', { class: 'ch-msg-time', text: shortTime(m.time) }) : null,
      m.isModified && !m.isRevoked ? h('span', { class: 'ch-edited', 'data-chat': 'msg-edited', text: 'edited' }) : null,
      mine && !m.isRevoked ? status(m) : null,
      mine && !m.isRevoked && m.status === 'success' && m.sequence > 0 ? actions(item) : null,
    );
    replace(item.el, bubble, meta);
  }

  /** @param {Message} m */
  function status(m) {
    const [state, text] =
      m.status === 'fail' ? ['fail', 'Not sent']
        : m.status !== 'success' ? ['sending', 'Sending…']
          : m.isPeerRead ? ['read', 'Read']
            : ['sent', 'Sent'];
    return h('span', { class: 'ch-status', 'data-chat': 'msg-status', 'data-state': state, text });
  }

  /** @param {Item} item */
  function actions(item) {
    const m = item.m;
    return h('span', { class: 'ch-actions' },
      m.type === TYPES.MSG_TEXT
        ? h('button', { type: 'button', class: 'ch-link', 'data-chat': 'msg-edit', text: 'Edit', onclick: () => {
          item.editing = true;
          paint(item);
        } })
        : null,
      h('button', { type: 'button', class: 'ch-link', 'data-chat': 'msg-recall', text: 'Recall', onclick: async () => {
        try {
          await chat.revokeMessage(m);
          paint(item);
        } catch (err) {
          showError(err, 'Recalling the message');
        }
      } }),
    );
  }

  /** @param {Item} item */
  function paintEditor(item) {
    const m = item.m;
    if (m.type !== TYPES.MSG_TEXT) return;
    const field = h('input', { class: 'ch-input ch-edit-input', 'data-chat': 'edit-input', value: m.payload.text, 'aria-label': 'Edit the message' });
    const save = h('button', { type: 'submit', class: 'ch-btn ch-btn-small ch-btn-primary', 'data-chat': 'edit-save', text: 'Save' });
    const cancel = h('button', { type: 'button', class: 'ch-btn ch-btn-small ch-btn-ghost', text: 'Cancel', onclick: () => {
      item.editing = false;
      paint(item);
    } });
    const form = h('form', { class: 'ch-edit' }, field, save, cancel);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const text = field.value.trim();
      if (m.type !== TYPES.MSG_TEXT || !text || text === m.payload.text) {
        item.editing = false;
        paint(item);
        return;
      }
      const before = m.payload.text;
      save.disabled = true;
      m.payload.text = text;
      try {
        await chat.modifyMessage(m);
        item.editing = false;
      } catch (err) {
        m.payload.text = before;
        showError(err, 'Editing the message');
      }
      paint(item);
    });
    field.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') cancel.click();
    });
    replace(item.el, form);
    field.focus();
  }

  /** Whether the view is scrolled to (near) the end. */
  function atEnd() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }

  /**
   * Shows a message (a new one, or a newer copy of one shown).
   * @param {Message} m
   * @param {{follow?: boolean}} [options] follow: scroll to it when the view was at the end
   */
  function show(m, options = {}) {
    if (m.conversationID !== conversationID) return;
    const follow = options.follow !== false && atEnd();
    let item = items.get(m.ID);
    if (item) {
      item.m = m;
    } else {
      item = { m, el: h('div', { 'data-chat': 'msg' }), editing: false, order: arrivals++ };
      items.set(m.ID, item);
    }
    paint(item);
    place(item);
    if (follow) scroller.scrollTop = scroller.scrollHeight;
  }

  /** @param {number} sequence */
  function bySequence(sequence) {
    for (const item of items.values()) if (item.m.sequence === sequence) return item;
    return undefined;
  }

  // ---- history and read marks -------------------------------------------------------------

  async function loadPage() {
    const first = next === '';
    const res = await chat.getMessageList({ conversationID, count: PAGE, nextReqMessageID: next || undefined });
    if (ended) return;
    const height = scroller.scrollHeight;
    for (const m of res.data.messageList) if (!items.has(m.ID)) show(m, { follow: false });
    next = res.data.nextReqMessageID;
    earlier.hidden = res.data.isCompleted;
    // Keep the reader where they were when older messages come in above.
    scroller.scrollTop = first ? scroller.scrollHeight : scroller.scrollTop + (scroller.scrollHeight - height);
  }

  let reading = false;
  let readAgain = false;
  /** Marks the conversation read while it is on screen. */
  async function markRead() {
    if (ended || document.visibilityState !== 'visible') return;
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    try {
      await chat.setMessageRead({ conversationID });
    } catch (err) {
      if (!ended) showError(err, 'Marking the conversation read');
    } finally {
      reading = false;
      if (readAgain && !ended) {
        readAgain = false;
        markRead();
      }
    }
  }

  earlier.addEventListener('click', () => {
    earlier.disabled = true;
    loadPage().catch((err) => showError(err, 'Loading earlier messages')).finally(() => {
      earlier.disabled = false;
    });
  });

  // ---- composer -------------------------------------------------------------------------

  let lastTyping = 0;
  input.addEventListener('input', () => {
    const now = Date.now();
    if (input.value.trim() === '' || now - lastTyping < TYPING_EVERY_MS) return;
    lastTyping = now;
    chat.sendTypingStatus({ conversationID }).catch(() => {});
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      composer.requestSubmit();
    }
  });
  composer.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    lastTyping = 0;
    const m = chat.createTextMessage({ to: userID, conversationType: TYPES.CONV_C2C, payload: { text } });
    show(m);
    scroller.scrollTop = scroller.scrollHeight;
    try {
      await chat.sendMessage(m);
    } catch (err) {
      showError(err, `Sending to ${userID}`);
    }
    const item = items.get(m.ID);
    if (item && !ended) {
      paint(item);
      place(item);
    }
  });

  loadPage()
    .then(() => markRead())
    .catch((err) => showError(err, `Loading the conversation with ${userID}`));
  input.focus();

  return {
    element,
    add(m) {
      show(m);
      if (m.from !== me) markRead();
    },
    revoked(sequence) {
      const item = bySequence(sequence);
      if (!item) return;
      item.m = { ...item.m, isRevoked: true };
      item.editing = false;
      paint(item);
    },
    modified(m) {
      const item = bySequence(m.sequence);
      if (!item) return;
      item.m = { ...m, isPeerRead: item.m.isPeerRead || m.isPeerRead };
      paint(item);
    },
    peerRead(sequence) {
      for (const item of items.values()) {
        if (item.m.from === me && item.m.sequence > 0 && item.m.sequence <= sequence && !item.m.isPeerRead) {
          item.m.isPeerRead = true;
          if (!item.editing) paint(item);
        }
      }
    },
    typing(on) {
      typingNote.hidden = !on;
    },
    peerChanged() {
      paintHead();
    },
    visible() {
      markRead();
    },
    destroy() {
      ended = true;
    },
  };
}
