// The open channel (a group's own conversation, or a community's topic): its messages in
// order, older ones paged in above, new ones as they come (and, after a reconnect, those
// missed, which the SDK delivers once and in order); replies that show the message they
// quote; reactions under each message; editing and recalling one's own; mentions picked out,
// and those of this user highlighted. The composer picks members to mention after "@" and
// sends replies. The channel is marked read while it is on screen.
import LiveRoom from '../../../sdk/js/liveroom.js';
import { busy, h, replace } from '../shared/dom.js';
import { messageText, shortTime } from '../chat/text.js';
import { AT_ALL_TEXT, mentionsMe, quoteOf, replyData, richText } from './text.js';

/** @typedef {import('../../../sdk/js/liveroom.js').Chat} Chat */
/** @typedef {import('../../../sdk/js/liveroom.js').Message} Message */
/** @typedef {import('../../../sdk/js/liveroom.js').MessageReaction} MessageReaction */
/** @typedef {import('../../../sdk/js/liveroom.js').MessageReactions} MessageReactions */
/** @typedef {import('../chat/people.js').People} People */
/** @typedef {import('./members.js').MemberList} MemberList */
/** @typedef {{m: Message, el: HTMLElement, editing: boolean, order: number}} Item */

const { TYPES } = LiveRoom;

/** Messages per history page. */
const PAGE = 30;
/** The reactions offered (any emoji or short code works; these are one tap away). */
const PALETTE = ['👍', '❤️', '😂', '🎉', '😮', '😢'];
/** Members offered at once by the mention picker. */
const PICKS = 8;

/** An icon of two people, for the members button. */
function peopleIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '18');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute('d', 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm0 2c-3.3 0-7 1.6-7 4v2h14v-2c0-2.4-3.7-4-7-4Zm7.5-2a3.5 3.5 0 1 0-1.2-6.8A5.9 5.9 0 0 1 16.5 7a5.9 5.9 0 0 1-1.2 3.8c.4.1.8.2 1.2.2Zm1.4 2.1c1.3.9 2.1 2.1 2.1 3.9v2h3v-2c0-2-2.4-3.4-5.1-3.9Z');
  svg.appendChild(path);
  return svg;
}

/**
 * @typedef {Object} ChannelView
 * @property {HTMLElement} element
 * @property {string} conversationID
 * @property {(m: Message) => void} add a message of this channel (received, or sent elsewhere)
 * @property {(sequence: number) => void} revoked
 * @property {(m: Message) => void} modified
 * @property {(r: MessageReactions) => void} reacted a reaction of a message changed
 * @property {(muted: boolean, title: string, hint: string) => void} describe the channel's name, intro or mute changed
 * @property {() => void} repaint names (profiles) changed
 * @property {() => void} visible the page became visible: mark what arrived read
 * @property {() => void} destroy
 */

/**
 * @param {{chat: Chat, me: string, thread: string, title: string, hint: string, muted: boolean, runs: boolean, people: People, members: MemberList, showError: (err: unknown, what: string) => void, onBack: () => void, onMembers: () => void}} options
 * @returns {ChannelView}
 */
export function channelView(options) {
  const { chat, me, thread, people, members, showError } = options;
  const conversationID = `${TYPES.CONV_GROUP}${thread}`;
  /** @type {Map<string, Item>} by message ID */
  const items = new Map();
  /** @type {Map<number, MessageReaction[]>} by sequence */
  const reactions = new Map();
  let arrivals = 0;
  let ended = false;
  let next = '';
  let loading = false;
  let muted = options.muted;
  /** @type {Message|null} */
  let replyingTo = null;

  // ---- the frame -------------------------------------------------------------------------

  const name = h('strong', { class: 'cm-channel-title', 'data-community': 'channel-title' });
  const about = h('span', { class: 'ch-muted cm-channel-hint', 'data-community': 'channel-hint' });
  const back = h('button', { type: 'button', class: 'cm-icon-btn cm-back', 'data-community': 'back', 'aria-label': 'Servers and channels', title: 'Servers and channels', text: '☰', onclick: options.onBack });
  const membersButton = h('button', { type: 'button', class: 'cm-icon-btn cm-members-btn', 'data-community': 'members-toggle', 'aria-label': 'Members', title: 'Members', onclick: options.onMembers }, peopleIcon());
  const earlier = h('button', { type: 'button', class: 'ch-btn ch-btn-small ch-btn-ghost', 'data-community': 'earlier', hidden: true, text: 'Earlier messages' });
  const start = h('p', { class: 'cm-start', 'data-community': 'channel-start', hidden: true });
  const list = h('div', { class: 'cm-msgs', 'data-community': 'messages', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': 'Messages' });
  const scroller = h('div', { class: 'cm-scroll' }, h('div', { class: 'ch-earlier' }, earlier), start, list);
  const replyBar = h('div', { class: 'cm-reply-bar', 'data-community': 'reply-bar', hidden: true });
  const pickerID = `cm-picker-${Math.random().toString(36).slice(2)}`;
  const picker = h('ul', { class: 'cm-picker', id: pickerID, role: 'listbox', 'aria-label': 'Members to mention', 'data-community': 'mention-picker', hidden: true });
  const input = h('textarea', {
    class: 'ch-input ch-compose-input',
    'data-community': 'input',
    rows: 1,
    'aria-autocomplete': 'list',
    'aria-controls': pickerID,
    'aria-expanded': 'false',
  });
  const send = h('button', { type: 'submit', class: 'ch-btn ch-btn-primary', 'data-community': 'send', text: 'Send' });
  const composer = h('form', { class: 'cm-compose' }, replyBar, picker, h('div', { class: 'cm-compose-row' }, input, send));
  const element = h('section', { class: 'cm-view', 'data-community': 'channel-view', 'data-channel': thread },
    h('header', { class: 'cm-channel-head' }, back, h('span', { class: 'cm-hash', 'aria-hidden': 'true', text: '#' }), h('div', { class: 'cm-channel-titles' }, name, about), membersButton),
    scroller,
    composer,
  );

  /**
   * @param {boolean} isMuted
   * @param {string} title
   * @param {string} hint
   */
  function describe(isMuted, title, hint) {
    muted = isMuted;
    name.textContent = title;
    about.textContent = hint;
    about.hidden = hint === '';
    const closed = muted && !options.runs;
    input.disabled = closed;
    send.disabled = closed;
    input.placeholder = closed ? 'Only the owner and admins write here' : `Message #${title}`;
    input.setAttribute('aria-label', `Message #${title}`);
  }
  describe(options.muted, options.title, options.hint);

  // ---- messages ----------------------------------------------------------------------------

  /** The channel's order: by number; messages being sent last. @param {Item} a @param {Item} b */
  function compare(a, b) {
    const sa = a.m.sequence || Infinity;
    const sb = b.m.sequence || Infinity;
    if (sa !== sb) return sa < sb ? -1 : 1;
    return a.order - b.order;
  }

  /** @param {Item} item */
  function place(item) {
    /** @type {Item|null} */
    let after = null;
    for (const other of items.values()) {
      if (other !== item && compare(other, item) > 0 && (after === null || compare(other, after) < 0)) after = other;
    }
    const want = after ? after.el : null;
    if (item.el.parentNode !== list || item.el.nextSibling !== want) list.insertBefore(item.el, want);
  }

  /** @param {string} userID */
  const nameOf = (userID) => members.name(userID);

  /**
   * What a tip says.
   * @param {Message} m
   */
  function tipText(m) {
    if (m.type !== TYPES.MSG_GRP_TIP) return messageText(m);
    const p = m.payload;
    const who = p.userIDList.map(nameOf).join(', ');
    switch (p.operationType) {
      case TYPES.GRP_TIP_MBR_JOIN: return `${who} joined`;
      case TYPES.GRP_TIP_MBR_INVITED: return `${nameOf(p.operatorID)} added ${who}`;
      case TYPES.GRP_TIP_MBR_QUIT: return `${who} left`;
      case TYPES.GRP_TIP_MBR_KICKED_OUT: return `${who} ${p.userIDList.length > 1 ? 'were' : 'was'} removed`;
      case TYPES.GRP_TIP_MBR_SET_ADMIN: return `${who} ${p.userIDList.length > 1 ? 'are admins' : 'is an admin'} now`;
      case TYPES.GRP_TIP_MBR_CANCELED_ADMIN: return `${who} ${p.userIDList.length > 1 ? 'are no longer admins' : 'is no longer an admin'}`;
      case TYPES.GRP_TIP_GRP_PROFILE_UPDATED: return `${nameOf(p.operatorID)} changed the server's profile`;
      case TYPES.GRP_TIP_MBR_PROFILE_UPDATED: return `${who}: mute changed`;
      default: return 'The server changed';
    }
  }

  /** @param {Item} item */
  function paint(item) {
    const m = item.m;
    item.el.dataset.seq = String(m.sequence);
    if (m.type === TYPES.MSG_GRP_TIP) {
      item.el.className = 'cm-tip';
      item.el.dataset.community = 'tip';
      replace(item.el, h('span', { text: tipText(m) }), m.time ? h('time', { class: 'cm-time', text: shortTime(m.time) }) : null);
      return;
    }
    const mine = m.from === me;
    item.el.className = `cm-msg${mine ? ' is-mine' : ''}${m.isRevoked ? ' is-revoked' : ''}${mentionsMe(m, me) && !m.isRevoked ? ' is-mention' : ''}`;
    item.el.dataset.flow = mine ? 'out' : 'in';
    item.el.dataset.from = m.from;
    if (item.editing) {
      paintEditor(item);
      return;
    }
    const quote = m.isRevoked ? null : quoteOf(m);
    replace(item.el,
      people.avatar(m.from),
      h('div', { class: 'cm-msg-body' },
        h('div', { class: 'cm-msg-head' },
          h('strong', { class: 'cm-msg-name', 'data-community': 'msg-from', title: m.from, text: nameOf(m.from) }),
          m.time ? h('time', { class: 'cm-time', dateTime: new Date(m.time * 1000).toISOString(), text: shortTime(m.time) }) : null,
          m.isModified && !m.isRevoked ? h('span', { class: 'cm-edited', 'data-community': 'msg-edited', text: '(edited)' }) : null,
          mine ? status(m) : null,
        ),
        quote
          ? h('button', {
            type: 'button',
            class: 'cm-quote',
            'data-community': 'msg-quote',
            'aria-label': `Reply to ${nameOf(quote.messageSender)}: ${quote.messageAbstract}. Show it`,
            onclick: () => jumpTo(quote.messageSequence),
          },
          h('span', { class: 'cm-quote-from', text: nameOf(quote.messageSender) }),
          h('span', { class: 'cm-quote-text', 'data-community': 'msg-quote-text', text: quote.messageAbstract }),
          )
          : null,
        m.isRevoked
          ? h('div', { class: 'cm-msg-text cm-recalled', 'data-community': 'msg-recalled', text: mine ? 'You recalled a message' : `${nameOf(m.from)} recalled a message` })
          : h('div', { class: 'cm-msg-text', 'data-community': 'msg-text' }, richText(m, me, nameOf)),
        m.isRevoked || m.sequence === 0 ? null : reactionRow(m),
      ),
      m.isRevoked || m.status !== 'success' || m.sequence === 0 ? null : actions(item),
    );
  }

  /** @param {Message} m */
  function status(m) {
    if (m.status === 'success') return null;
    const [state, text] = m.status === 'fail' ? ['fail', 'Not sent'] : ['sending', 'Sending…'];
    return h('span', { class: 'cm-status', 'data-community': 'msg-status', 'data-state': state, text });
  }

  /** @param {Message} m */
  function reactionRow(m) {
    const list = reactions.get(m.sequence) || [];
    if (list.length === 0) return h('div', { class: 'cm-reactions', 'data-community': 'reactions', hidden: true });
    return h('div', { class: 'cm-reactions', 'data-community': 'reactions', role: 'group', 'aria-label': 'Reactions' },
      list.map((r) => h('button', {
        type: 'button',
        class: `cm-reaction${r.reactedByMyself ? ' is-mine' : ''}`,
        'data-community': 'reaction',
        'data-reaction': r.reactionID,
        'aria-pressed': String(r.reactedByMyself),
        'aria-label': `${r.reactionID} ${r.totalUserCount}${r.reactedByMyself ? ', yours' : ''}`,
        title: r.partialUserList.map((u) => nameOf(u.userID)).join(', '),
        onclick: (/** @type {Event} */ ev) => busy(/** @type {HTMLButtonElement} */ (ev.currentTarget), () => toggleReaction(m, r.reactionID, !r.reactedByMyself)),
      },
      h('span', { class: 'cm-reaction-emoji', text: r.reactionID }),
      h('span', { class: 'cm-reaction-count', 'data-community': 'reaction-count', text: String(r.totalUserCount) }),
      )),
    );
  }

  /**
   * @param {Message} m
   * @param {string} reactionID
   * @param {boolean} add
   */
  async function toggleReaction(m, reactionID, add) {
    try {
      if (add) await chat.addMessageReaction(m, reactionID);
      else await chat.removeMessageReaction(m, reactionID);
    } catch (err) {
      showError(err, add ? 'Reacting' : 'Taking the reaction back');
    }
  }

  /** @param {Item} item */
  function actions(item) {
    const m = item.m;
    const mine = m.from === me;
    const palette = h('div', { class: 'cm-palette', 'data-community': 'palette', role: 'group', 'aria-label': 'Pick a reaction', hidden: true },
      PALETTE.map((emoji) => h('button', {
        type: 'button',
        class: 'cm-palette-btn',
        'data-community': 'palette-pick',
        'data-reaction': emoji,
        'aria-label': `React ${emoji}`,
        text: emoji,
        onclick: () => {
          palette.hidden = true;
          const current = (reactions.get(m.sequence) || []).find((r) => r.reactionID === emoji);
          toggleReaction(m, emoji, !(current && current.reactedByMyself));
        },
      })),
    );
    palette.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        palette.hidden = true;
        react.focus();
      }
    });
    const react = h('button', {
      type: 'button', class: 'cm-act', 'data-community': 'msg-react', 'aria-label': 'Add a reaction', title: 'Add a reaction', text: '☺+',
      onclick: () => {
        palette.hidden = !palette.hidden;
        if (!palette.hidden) /** @type {HTMLElement|null} */ (palette.querySelector('button'))?.focus();
      },
    });
    return h('div', { class: 'cm-msg-actions', role: 'toolbar', 'aria-label': 'Message actions' },
      h('button', { type: 'button', class: 'cm-act', 'data-community': 'msg-reply', 'aria-label': 'Reply', title: 'Reply', text: '↩ Reply', onclick: () => startReply(m) }),
      react,
      mine && m.type === TYPES.MSG_TEXT
        ? h('button', { type: 'button', class: 'cm-act', 'data-community': 'msg-edit', title: 'Edit', text: 'Edit', onclick: () => {
          item.editing = true;
          paint(item);
        } })
        : null,
      mine || options.runs
        ? h('button', { type: 'button', class: 'cm-act', 'data-community': 'msg-recall', title: 'Recall', text: 'Recall', onclick: async () => {
          try {
            await chat.revokeMessage(m);
            item.m = { ...m, isRevoked: true };
            paint(item);
          } catch (err) {
            showError(err, 'Recalling the message');
          }
        } })
        : null,
      palette,
    );
  }

  /** @param {Item} item */
  function paintEditor(item) {
    const m = item.m;
    if (m.type !== TYPES.MSG_TEXT) return;
    const field = h('input', { class: 'ch-input', 'data-community': 'edit-input', value: m.payload.text, 'aria-label': 'Edit the message' });
    const save = h('button', { type: 'submit', class: 'ch-btn ch-btn-small ch-btn-primary', 'data-community': 'edit-save', text: 'Save' });
    const cancel = h('button', { type: 'button', class: 'ch-btn ch-btn-small ch-btn-ghost', text: 'Cancel', onclick: () => {
      item.editing = false;
      paint(item);
    } });
    const form = h('form', { class: 'cm-edit' }, field, save, cancel);
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
    replace(item.el, people.avatar(m.from), h('div', { class: 'cm-msg-body' }, form));
    field.focus();
  }

  /** Whether the view is scrolled to (near) the end. */
  function atEnd() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }

  /**
   * Shows a message (a new one, or a newer copy of one shown).
   * @param {Message} m
   * @param {{follow?: boolean}} [opts] follow: scroll to it when the view was at the end
   */
  function show(m, opts = {}) {
    if (m.conversationID !== conversationID || m.type === TYPES.MSG_GRP_SYS_NOTICE) return;
    const follow = opts.follow !== false && atEnd();
    let item = items.get(m.ID);
    if (item) {
      item.m = m;
    } else {
      item = { m, el: h('article', { 'data-community': 'msg' }), editing: false, order: arrivals++ };
      items.set(m.ID, item);
    }
    if (!item.editing) paint(item);
    place(item);
    if (follow) scroller.scrollTop = scroller.scrollHeight;
  }

  /** @param {number} sequence */
  function bySequence(sequence) {
    for (const item of items.values()) if (item.m.sequence === sequence) return item;
    return undefined;
  }

  /** @param {number} sequence */
  function jumpTo(sequence) {
    const item = bySequence(sequence);
    if (!item) return;
    item.el.scrollIntoView({ block: 'center' });
    item.el.classList.add('is-flash');
    setTimeout(() => item.el.classList.remove('is-flash'), 1200);
  }

  // ---- history, reactions and read marks ----------------------------------------------------

  /** Reads the reactions of messages shown (a page, or one that arrived). @param {Message[]} list */
  async function readReactions(list) {
    const numbered = list.filter((m) => m.sequence > 0 && !m.isRevoked && m.type !== TYPES.MSG_GRP_TIP);
    if (numbered.length === 0) return;
    const res = await chat.getMessageReactions({ messageList: numbered });
    if (ended) return;
    for (const r of res.data) {
      reactions.set(r.sequence, r.reactionList);
      const item = bySequence(r.sequence);
      if (item && !item.editing) paint(item);
    }
  }

  async function loadPage() {
    if (loading) return;
    loading = true;
    try {
      const first = next === '';
      const res = await chat.getMessageList({ conversationID, count: PAGE, nextReqMessageID: next || undefined });
      if (ended) return;
      const height = scroller.scrollHeight;
      const top = scroller.scrollTop;
      for (const m of res.data.messageList) if (!items.has(m.ID)) show(m, { follow: false });
      next = res.data.nextReqMessageID;
      earlier.hidden = res.data.isCompleted;
      start.hidden = !res.data.isCompleted;
      start.textContent = `This is the start of #${name.textContent}.`;
      // Keep the reader where they were when older messages come in above.
      scroller.scrollTop = first ? scroller.scrollHeight : top + (scroller.scrollHeight - height);
      readReactions(res.data.messageList).catch((err) => showError(err, 'Reading reactions'));
    } finally {
      loading = false;
    }
  }

  let reading = false;
  let readAgain = false;
  /** Marks the channel read while it is on screen. */
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
      if (!ended) showError(err, 'Marking the channel read');
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
  scroller.addEventListener('scroll', () => {
    if (scroller.scrollTop < 40 && next !== '' && !loading) {
      loadPage().catch((err) => showError(err, 'Loading earlier messages'));
    }
  });

  // ---- replies -----------------------------------------------------------------------------

  /** @param {Message} m */
  function startReply(m) {
    replyingTo = m;
    replace(replyBar,
      h('span', { class: 'cm-reply-label' }, 'Replying to ', h('strong', { text: nameOf(m.from) })),
      h('span', { class: 'cm-quote-text', text: messageText(m) }),
      h('button', { type: 'button', class: 'cm-icon-btn', 'data-community': 'reply-cancel', 'aria-label': 'Cancel the reply', text: '×', onclick: stopReply }),
    );
    replyBar.hidden = false;
    input.focus();
  }

  function stopReply() {
    replyingTo = null;
    replyBar.hidden = true;
    replace(replyBar);
  }

  // ---- mentions ------------------------------------------------------------------------------

  /** @type {Set<string>} members picked in the text being written (`TYPES.MSG_AT_ALL` for everyone) */
  const picked = new Set();
  /** @type {Array<{id: string, label: string, sub: string}>} */
  let candidates = [];
  let active = 0;

  /** The `@word` being typed before the caret, or null. */
  function mentionQuery() {
    const before = input.value.slice(0, input.selectionStart ?? input.value.length);
    const found = /(^|\s)@([^\s@]*)$/.exec(before);
    return found ? { query: found[2], at: before.length - found[2].length - 1 } : null;
  }

  function closePicker() {
    picker.hidden = true;
    candidates = [];
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function openPicker() {
    const q = mentionQuery();
    if (!q) {
      closePicker();
      return;
    }
    const query = q.query.toLowerCase();
    /** @type {Array<{id: string, label: string, sub: string}>} */
    const found = [];
    if ('everyone'.startsWith(query) || AT_ALL_TEXT.startsWith(query)) found.push({ id: TYPES.MSG_AT_ALL, label: '@everyone', sub: 'everyone in this server' });
    for (const m of members.members()) {
      if (m.userID === me) continue;
      const label = members.name(m.userID);
      if (m.userID.toLowerCase().includes(query) || label.toLowerCase().includes(query)) {
        found.push({ id: m.userID, label, sub: m.userID });
      }
    }
    candidates = found.slice(0, PICKS);
    if (candidates.length === 0) {
      closePicker();
      return;
    }
    active = Math.min(active, candidates.length - 1);
    replace(picker, candidates.map((c, i) => h('li', {
      id: `${pickerID}-${i}`,
      class: `cm-pick${i === active ? ' is-active' : ''}`,
      role: 'option',
      'aria-selected': String(i === active),
      'data-community': 'mention-option',
      'data-user': c.id === TYPES.MSG_AT_ALL ? 'all' : c.id,
      onmousedown: (/** @type {Event} */ ev) => {
        ev.preventDefault();
        choose(i);
      },
    },
    c.id === TYPES.MSG_AT_ALL ? h('span', { class: 'ch-avatar ch-avatar-small', 'aria-hidden': 'true', text: '@' }) : people.avatar(c.id, 'small'),
    h('span', { class: 'cm-pick-name', text: c.label }),
    h('span', { class: 'ch-muted cm-pick-sub', text: c.sub }),
    )));
    picker.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    input.setAttribute('aria-activedescendant', `${pickerID}-${active}`);
  }

  /** @param {number} i */
  function choose(i) {
    const c = candidates[i];
    const q = mentionQuery();
    if (!c || !q) return;
    const token = c.id === TYPES.MSG_AT_ALL ? AT_ALL_TEXT : c.id;
    const caret = input.selectionStart ?? input.value.length;
    input.value = `${input.value.slice(0, q.at)}@${token} ${input.value.slice(caret)}`;
    const at = q.at + token.length + 2;
    input.setSelectionRange(at, at);
    picked.add(c.id);
    active = 0;
    closePicker();
    input.focus();
  }

  /**
   * The members the text mentions (those picked whose `@id` is still in it).
   * @param {string} text
   */
  function mentioned(text) {
    return Array.from(picked).filter((id) => {
      const token = id === TYPES.MSG_AT_ALL ? AT_ALL_TEXT : id;
      return new RegExp(`(^|\\s)@${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.@-])`).test(text);
    });
  }

  input.addEventListener('input', () => {
    active = 0;
    openPicker();
  });
  input.addEventListener('click', openPicker);
  // Focus gone elsewhere in the page (not the window losing focus): the picker closes.
  input.addEventListener('blur', () => setTimeout(() => {
    if (document.activeElement !== input) closePicker();
  }, 100));
  input.addEventListener('keydown', (ev) => {
    if (!picker.hidden && candidates.length > 0) {
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        active = (active + (ev.key === 'ArrowDown' ? 1 : candidates.length - 1)) % candidates.length;
        openPicker();
        return;
      }
      if (ev.key === 'Enter' || ev.key === 'Tab') {
        ev.preventDefault();
        choose(active);
        return;
      }
      if (ev.key === 'Escape') {
        ev.preventDefault();
        closePicker();
        return;
      }
    }
    if (ev.key === 'Escape' && replyingTo) {
      stopReply();
      return;
    }
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      composer.requestSubmit();
    }
  });

  // ---- sending -------------------------------------------------------------------------------

  composer.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text || input.disabled) return;
    const atUserList = mentioned(text);
    const cloudCustomData = replyingTo ? replyData(replyingTo) : undefined;
    input.value = '';
    picked.clear();
    closePicker();
    stopReply();
    const m = atUserList.length > 0
      ? chat.createTextAtMessage({ to: thread, payload: { text, atUserList }, cloudCustomData })
      : chat.createTextMessage({ to: thread, payload: { text }, cloudCustomData });
    show(m);
    scroller.scrollTop = scroller.scrollHeight;
    try {
      await chat.sendMessage(m);
    } catch (err) {
      showError(err, `Sending to #${name.textContent}`);
    }
    const item = items.get(m.ID);
    if (item && !ended) {
      paint(item);
      place(item);
    }
  });

  loadPage()
    .then(() => markRead())
    .catch((err) => showError(err, `Loading #${options.title}`));

  return {
    element,
    conversationID,
    add(m) {
      if (m.conversationID !== conversationID) return;
      const fresh = !items.has(m.ID);
      show(m);
      if (fresh && m.sequence > 0 && !reactions.has(m.sequence)) reactions.set(m.sequence, []);
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
      if (!item || m.conversationID !== conversationID) return;
      item.m = m;
      if (!item.editing) paint(item);
    },
    reacted(r) {
      if (r.conversationID !== conversationID) return;
      const list = (reactions.get(r.sequence) || []).slice();
      for (const changed of r.reactionList) {
        const at = list.findIndex((x) => x.reactionID === changed.reactionID);
        if (changed.totalUserCount === 0) {
          if (at >= 0) list.splice(at, 1);
        } else if (at >= 0) {
          list[at] = changed;
        } else {
          list.push(changed);
        }
      }
      reactions.set(r.sequence, list);
      const item = bySequence(r.sequence);
      if (item && !item.editing) paint(item);
    },
    describe,
    repaint() {
      for (const item of items.values()) if (!item.editing) paint(item);
    },
    visible() {
      markRead();
    },
    destroy() {
      ended = true;
    },
  };
}
