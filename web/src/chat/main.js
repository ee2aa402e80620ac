// Liveroom messenger (/chat): one-to-one conversations over the SDK. Log in (by name on a
// development server), see the conversation list with unread badges, the other users' nicks
// and online dots, open a conversation (or start one with a user ID), send, edit and recall
// messages, see when the other user reads them and when they are typing. Edit one's profile;
// add friends and answer their requests; block users. The SDK reconnects by itself and
// delivers what was missed meanwhile, once and in order.
import './chat.css';
import LiveRoom from '../../../sdk/js/liveroom.js';
import { createFeedback } from '../shared/feedback.js';
import { busy, h, replace } from '../shared/dom.js';
import { friendsView } from './friends.js';
import { conversationList } from './list.js';
import { fetchConfig, forgetCredentials, knownCredentials, loginView, saveCredentials } from './login.js';
import { createPeople } from './people.js';
import { profilePanel } from './profile.js';
import { threadView } from './thread.js';

/** @typedef {import('./login.js').Credentials} Credentials */
/** @typedef {import('./login.js').WebConfig} WebConfig */
/** @typedef {import('../../../sdk/js/liveroom.js').Chat} Chat */
/** @typedef {import('../../../sdk/js/liveroom.js').Conversation} Conversation */
/** @typedef {import('../../../sdk/js/liveroom.js').Message} Message */

const { EVENT, TYPES } = LiveRoom;

/** Hints for the codes a chat user meets. */
const HINTS = /** @type {Record<number, string>} */ ({
  90012: 'There is no user with this ID.',
  90009: 'Only your own messages can be edited or recalled.',
  20016: 'It is too late to recall this message.',
  80001: 'The text contains a word the app\'s filter refuses.',
  20007: 'This user has blocked you: the message was not delivered.',
  30515: 'This user is on your blocklist: unblock them first.',
  30516: 'This user accepts no friend requests.',
  30525: 'This user has blocked you.',
  30614: 'That friend request is no longer waiting.',
  31704: 'This user is not your friend.',
  40601: 'A profile value is too long (at most 500 bytes).',
  70001: 'The UserSig expired: log in again.',
  [-1002]: 'The connection to the server was lost; it reconnects by itself.',
});

const { feedbackElements, showError, clearError, attempt, toast } = createFeedback({
  prefix: 'ch',
  attribute: 'data-chat',
  toastsClass: 'ch-toasts',
  codeElement: (code) => h('span', { class: 'ch-error-code', text: code }),
  describe(err) {
    const e = /** @type {{code?: unknown, message?: unknown}} */ (err && typeof err === 'object' ? err : {});
    const code = typeof e.code === 'number' ? e.code : null;
    const text = typeof e.message === 'string' ? e.message : String(err);
    const hint = code !== null ? HINTS[code] : undefined;
    return {
      code: code !== null ? String(code) : '',
      text,
      detail: hint && hint !== text ? { className: 'ch-error-hint', text: hint } : undefined,
    };
  },
});

const root = /** @type {HTMLElement} */ (document.getElementById('app'));
root.classList.add('ch-root');
const topRight = h('div', { class: 'ch-top-right' });
const content = h('div', { class: 'ch-content' });
replace(root,
  h('header', { class: 'ch-top' },
    h('a', { class: 'ch-brand', href: '/' }, h('span', { class: 'ch-logo', 'aria-hidden': 'true' }), 'Liveroom', h('span', { class: 'ch-brand-sub', text: 'chat' })),
    topRight,
  ),
  h('div', { class: 'ch-page' }, feedbackElements(), content),
);

function wsURL() {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/** @type {WebConfig|null} */
let config = null;

async function boot() {
  replace(content, h('p', { class: 'ch-loading', text: 'Loading…' }));
  try {
    config = await fetchConfig();
  } catch (err) {
    showError(err, 'Reading /v1/web/config');
    replace(content, h('section', { class: 'ch-card ch-login' },
      h('h1', { class: 'ch-login-title', text: 'The server is unreachable' }),
      h('button', { type: 'button', class: 'ch-btn', text: 'Retry', onclick: boot }),
    ));
    return;
  }
  const known = knownCredentials(config.SDKAppID);
  if (known) await start(known);
  else showLogin();
}

function showLogin() {
  if (!config) return;
  document.title = 'Chat — Liveroom';
  replace(topRight);
  replace(content, loginView({ config, attempt, onCredentials: (c) => start(c) }));
}

/** @param {Credentials} creds */
async function start(creds) {
  clearError();
  replace(content, h('p', { class: 'ch-loading', text: `Connecting as ${creds.userID}…` }));
  const chat = LiveRoom.create({ SDKAppID: creds.sdkAppID, url: wsURL() });
  try {
    await chat.login({ userID: creds.userID, userSig: creds.userSig });
  } catch (err) {
    chat.destroy();
    forgetCredentials();
    showError(err, `Logging in as ${creds.userID}`);
    showLogin();
    return;
  }
  saveCredentials(creds);
  messenger(chat, creds.userID);
}

/**
 * The logged-in page: the list beside the open conversation.
 * @param {Chat} chat
 * @param {string} me
 */
function messenger(chat, me) {
  /** @type {Conversation[]} */
  let conversations = [];
  let openPeer = '';
  /** @type {import('./thread.js').ThreadView|null} */
  let thread = null;
  let ended = false;

  const main = h('div', { class: 'ch-main' });
  const placeholder = h('div', { class: 'ch-placeholder' },
    h('strong', { text: 'No conversation open' }),
    h('span', { class: 'ch-muted', text: 'Pick one on the left, or start one with a user ID.' }),
  );
  const people = createPeople({ chat, me, onChange: () => repaintPeople(), showError });
  const list = conversationList({
    me,
    people,
    onOpen: (userID) => open(userID),
    onPin: (c) => {
      chat.pinConversation({ conversationID: c.conversationID, isPinned: !c.isPinned })
        .catch((/** @type {unknown} */ err) => showError(err, 'Pinning the conversation'));
    },
  });
  const friends = friendsView({
    chat,
    people,
    onOpen: (userID) => open(userID),
    onChange: () => {
      renderRequests();
      thread?.peerChanged();
    },
    showError,
    toast,
  });

  const requestsBadge = h('span', { class: 'ch-badge', 'data-chat': 'requests-badge', hidden: true });
  const chatsTab = h('button', { type: 'button', class: 'ch-tab is-on', role: 'tab', 'aria-selected': 'true', 'data-chat': 'tab-chats', text: 'Chats' });
  const friendsTab = h('button', { type: 'button', class: 'ch-tab', role: 'tab', 'aria-selected': 'false', 'data-chat': 'tab-friends' }, 'Friends', requestsBadge);
  /** @param {'chats'|'friends'} name */
  function showTab(name) {
    for (const [tab, pane, on] of /** @type {Array<[HTMLElement, HTMLElement, boolean]>} */ ([
      [chatsTab, list.element, name === 'chats'],
      [friendsTab, friends.element, name === 'friends'],
    ])) {
      tab.classList.toggle('is-on', on);
      tab.setAttribute('aria-selected', String(on));
      pane.hidden = !on;
    }
  }
  chatsTab.addEventListener('click', () => showTab('chats'));
  friendsTab.addEventListener('click', () => showTab('friends'));
  const side = h('aside', { class: 'ch-side' }, h('div', { class: 'ch-tabs', role: 'tablist' }, chatsTab, friendsTab), list.element, friends.element);
  replace(content, h('div', { class: 'ch-layout', 'data-chat': 'messenger' }, side, main));
  replace(main, placeholder);

  const net = h('span', { class: 'ch-net', 'data-chat': 'net', 'data-state': 'connected', title: 'Connection: connected' });
  const total = h('span', { class: 'ch-total', 'data-chat': 'total-unread', hidden: true });
  const profileButton = h('button', { type: 'button', class: 'ch-me', 'data-chat': 'profile-open', title: 'Your profile' });
  const logout = h('button', { type: 'button', class: 'ch-btn ch-btn-ghost ch-btn-small', 'data-chat': 'logout', text: 'Log out' });
  const meID = h('span', { class: 'ch-mono', 'data-chat': 'me', text: me });
  replace(topRight, total, h('span', { class: 'ch-user' }, net, profileButton, meID), logout);
  profileButton.addEventListener('click', () => openProfile());
  people.show([me]);

  function renderMe() {
    const nick = people.nick(me);
    replace(profileButton, people.avatar(me, 'small'), h('span', { class: 'ch-me-nick', 'data-chat': 'me-nick', text: nick }));
    meID.hidden = nick === me;
  }
  renderMe();

  function renderRequests() {
    const n = friends.incoming();
    requestsBadge.hidden = n === 0;
    requestsBadge.textContent = String(n);
  }

  /** A profile or a status changed: everything that shows people repaints. */
  function repaintPeople() {
    list.render(conversations, openPeer);
    friends.render();
    thread?.peerChanged();
    renderMe();
  }

  function openProfile() {
    if (ended) return;
    clearError();
    thread?.destroy();
    thread = null;
    openPeer = '';
    list.render(conversations, openPeer);
    replace(main, profilePanel({
      chat,
      me,
      people,
      onSaved: (p) => {
        people.known(p);
        repaintPeople();
      },
      onClose: () => replace(main, placeholder),
      showError,
      toast,
    }));
    document.title = 'Profile — Chat — Liveroom';
  }

  /** @param {string} userID */
  function open(userID) {
    if (ended) return;
    clearError();
    if (userID === openPeer && thread) return;
    thread?.destroy();
    openPeer = userID;
    people.show([userID]);
    thread = threadView({ chat, me, userID, people, relation: friends, showError });
    replace(main, thread.element);
    list.render(conversations, openPeer);
    document.title = `${userID} — Chat — Liveroom`;
  }

  function renderTotal() {
    const n = chat.getTotalUnreadMessageCount();
    total.hidden = n === 0;
    total.textContent = `${n} unread`;
  }

  /** @type {Array<[string, (ev: {data: any}) => void]>} */
  const handlers = [
    [EVENT.CONVERSATION_LIST_UPDATED, (ev) => {
      conversations = oneToOne(ev.data);
      people.show(conversations.map((c) => c.userID));
      list.render(conversations, openPeer);
    }],
    [EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, () => renderTotal()],
    [EVENT.MESSAGE_RECEIVED, (ev) => {
      for (const m of /** @type {Message[]} */ (ev.data)) {
        if (m.conversationType === TYPES.CONV_C2C && thread && m.conversationID === `${TYPES.CONV_C2C}${openPeer}`) thread.add(m);
      }
    }],
    [EVENT.MESSAGE_REVOKED, (ev) => {
      for (const r of ev.data) if (thread && r.conversationID === `${TYPES.CONV_C2C}${openPeer}`) thread.revoked(r.sequence);
    }],
    [EVENT.MESSAGE_MODIFIED, (ev) => {
      for (const m of /** @type {Message[]} */ (ev.data)) if (thread && m.conversationID === `${TYPES.CONV_C2C}${openPeer}`) thread.modified(m);
    }],
    [EVENT.MESSAGE_READ_BY_PEER, (ev) => {
      for (const r of ev.data) if (thread && r.userID === openPeer) thread.peerRead(r.sequence);
    }],
    [EVENT.TYPING_STATUS_UPDATED, (ev) => {
      if (thread && ev.data.userID === openPeer) thread.typing(ev.data.isTyping);
    }],
    [EVENT.NET_STATE_CHANGE, (ev) => {
      net.dataset.state = ev.data.state;
      net.title = `Connection: ${ev.data.state}`;
    }],
    [EVENT.KICKED_OUT, (ev) => {
      const reason = { code: -1007, message: `The session ended (${ev.data.type}): ${ev.data.message || 'log in again'}` };
      setTimeout(() => {
        if (ended) return;
        stop();
        chat.destroy();
        forgetCredentials();
        showLogin();
        showError(reason, 'Session');
      }, 0);
    }],
  ];
  for (const [name, fn] of handlers) chat.on(/** @type {any} */ (name), fn);
  const onVisible = () => document.visibilityState === 'visible' && thread?.visible();
  document.addEventListener('visibilitychange', onVisible);

  chat.getConversationList()
    .then((res) => {
      if (ended) return;
      conversations = oneToOne(res.data.conversationList);
      people.show(conversations.map((c) => c.userID));
      list.render(conversations, openPeer);
      renderTotal();
    })
    .catch((err) => showError(err, 'Loading the conversations'));

  logout.addEventListener('click', () => busy(logout, async () => {
    if (ended) return;
    stop();
    await chat.logout().catch(() => {});
    chat.destroy();
    forgetCredentials();
    showLogin();
  }));

  /**
   * The one-to-one conversations of a list (groups have a page of their own).
   * @param {Conversation[]} all
   */
  function oneToOne(all) {
    return all.filter((c) => c.type === TYPES.CONV_C2C);
  }

  function stop() {
    ended = true;
    thread?.destroy();
    thread = null;
    people.destroy();
    friends.destroy();
    for (const [name, fn] of handlers) chat.off(/** @type {any} */ (name), fn);
    document.removeEventListener('visibilitychange', onVisible);
  }
}

boot();
