// The friends pane: add a friend by user ID, the requests waiting for an answer (accept or
// decline those sent to this user), the friends (with their online dots; a click opens the
// conversation) and the blocked users (unblock). The SDK announces every change, made here,
// on another device or by the other user.
import LiveRoom from '../../../sdk/js/liveroom.js';
import { busy, h, replace } from '../shared/dom.js';

/** @typedef {import('../../../sdk/js/liveroom.js').Chat} Chat */
/** @typedef {import('../../../sdk/js/liveroom.js').Friend} Friend */
/** @typedef {import('../../../sdk/js/liveroom.js').FriendApplication} FriendApplication */
/** @typedef {import('./people.js').People} People */

const { EVENT, TYPES } = LiveRoom;

/**
 * @typedef {Object} FriendsView
 * @property {HTMLElement} element
 * @property {() => void} render repaint (a profile or status changed)
 * @property {(userID: string) => boolean} isFriend
 * @property {(userID: string) => boolean} isBlocked
 * @property {() => number} incoming requests sent to this user, waiting for its answer
 * @property {(userID: string, on: boolean) => Promise<void>} block block or unblock a user
 * @property {(userID: string) => Promise<void>} add send a friend request (or add at once)
 * @property {() => void} destroy
 */

/**
 * @param {{chat: Chat, people: People, onOpen: (userID: string) => void, onChange: () => void, showError: (err: unknown, what: string) => void, toast: (text: string) => void}} options
 * onChange: the friends, requests or blocklist changed (the tab's badge, the thread's actions)
 * @returns {FriendsView}
 */
export function friendsView({ chat, people, onOpen, onChange, showError, toast }) {
  /** @type {Friend[]} */
  let friends = [];
  /** @type {FriendApplication[]} */
  let applications = [];
  /** @type {string[]} */
  let blocked = [];
  let ended = false;

  const id = h('input', { class: 'ch-input', 'data-chat': 'friend-id', placeholder: 'User ID', spellcheck: false, autocomplete: 'off', 'aria-label': 'Add a friend by user ID' });
  const addButton = h('button', { type: 'submit', class: 'ch-btn ch-btn-small', 'data-chat': 'friend-add', text: 'Add' });
  const form = h('form', { class: 'ch-new' }, id, addButton);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const userID = id.value.trim();
    if (!userID) return;
    busy(addButton, async () => {
      await add(userID);
      id.value = '';
    });
  });
  const requestRows = h('div', { class: 'ch-people', 'data-chat': 'requests', role: 'list' });
  const friendRows = h('div', { class: 'ch-people', 'data-chat': 'friends', role: 'list' });
  const blockedRows = h('div', { class: 'ch-people', 'data-chat': 'blocked-list', role: 'list' });
  const requestsTitle = h('h2', { class: 'ch-label ch-people-title', text: 'Requests' });
  const blockedTitle = h('h2', { class: 'ch-label ch-people-title', text: 'Blocked' });
  const element = h('div', { class: 'ch-side-pane', 'data-chat': 'friends-pane', hidden: true },
    form,
    h('div', { class: 'ch-convs' },
      requestsTitle, requestRows,
      h('h2', { class: 'ch-label ch-people-title', text: 'Friends' }), friendRows,
      blockedTitle, blockedRows,
    ),
  );

  /** @param {string} userID */
  async function add(userID) {
    try {
      const res = await chat.addFriend({ to: userID, source: 'AddSource_Type_Web' });
      toast(res.data.isPending ? `Friend request sent to ${userID}` : `${userID} is now your friend`);
    } catch (err) {
      showError(err, `Adding ${userID}`);
    }
  }

  /**
   * @param {string} userID
   * @param {boolean} on
   */
  async function block(userID, on) {
    try {
      if (on) await chat.addToBlacklist({ userIDList: [userID] });
      else await chat.removeFromBlacklist({ userIDList: [userID] });
      toast(on ? `${userID} is blocked` : `${userID} is unblocked`);
    } catch (err) {
      showError(err, on ? `Blocking ${userID}` : `Unblocking ${userID}`);
    }
  }

  /**
   * A person's row: avatar, nick and ID, then its actions.
   * @param {string} kind the row's `data-chat`
   * @param {string} userID
   * @param {string} note under the nick
   * @param {unknown[]} actions
   * @param {(() => void) | null} open
   */
  function row(kind, userID, note, actions, open) {
    return h('div', {
      class: `ch-conv ch-person${open ? '' : ' is-static'}`,
      role: 'listitem',
      tabindex: open ? '0' : undefined,
      'data-chat': kind,
      'data-peer': userID,
      onclick: open || undefined,
      onkeydown: open ? (/** @type {KeyboardEvent} */ ev) => ev.key === 'Enter' && open() : undefined,
    },
    people.avatar(userID),
    h('span', { class: 'ch-conv-main' },
      h('span', { class: 'ch-conv-name', 'data-chat': 'person-name', text: people.nick(userID) }),
      h('span', { class: 'ch-conv-last', text: note }),
    ),
    h('span', { class: 'ch-person-actions' }, actions));
  }

  /**
   * @param {string} kind
   * @param {string} text
   * @param {() => Promise<void>} run
   * @param {boolean} [primary]
   */
  function action(kind, text, run, primary) {
    const button = h('button', { type: 'button', class: `ch-btn ch-btn-small${primary ? ' ch-btn-primary' : ' ch-btn-ghost'}`, 'data-chat': kind, text });
    button.addEventListener('click', (ev) => {
      ev.stopPropagation();
      busy(button, run);
    });
    return button;
  }

  function render() {
    requestsTitle.hidden = applications.length === 0;
    replace(requestRows, applications.map((a) => {
      const incoming = a.type === TYPES.SNS_APPLICATION_SENT_TO_ME;
      const note = incoming ? (a.wording ? `“${a.wording}”` : `${a.userID} wants to be friends`) : 'Waiting for an answer';
      const el = row('request', a.userID, note, incoming
        ? [
          action('request-accept', 'Accept', () => chat.acceptFriendApplication({ userID: a.userID })
            .then(() => toast(`${a.userID} is now your friend`))
            .catch((err) => showError(err, `Accepting ${a.userID}`)), true),
          action('request-decline', 'Decline', () => chat.refuseFriendApplication({ userID: a.userID })
            .then(() => undefined)
            .catch((err) => showError(err, `Declining ${a.userID}`))),
        ]
        : [], null);
      el.dataset.direction = incoming ? 'in' : 'out';
      return el;
    }));
    replace(friendRows, friends.length === 0
      ? h('p', { class: 'ch-empty', text: 'No friends yet. Add one by user ID above.' })
      : friends.map((f) => {
        const online = people.online(f.userID);
        const note = [f.remark, online === undefined ? '' : online ? 'online' : 'offline'].filter(Boolean).join(' · ');
        return row('friend', f.userID, note || f.userID, [
          action('friend-remove', 'Remove', () => chat.deleteFriend({ userIDList: [f.userID] })
            .then(() => undefined)
            .catch((err) => showError(err, `Removing ${f.userID}`))),
        ], () => onOpen(f.userID));
      }));
    blockedTitle.hidden = blocked.length === 0;
    replace(blockedRows, blocked.map((userID) => row('blocked', userID, userID, [
      action('unblock', 'Unblock', () => block(userID, false)),
    ], null)));
  }

  function changed() {
    people.show([...friends.map((f) => f.userID), ...applications.map((a) => a.userID), ...blocked]);
    render();
    onChange();
  }

  /** @param {Friend[]} list */
  function setFriends(list) {
    friends = list;
    for (const f of list) people.known(f.profile);
  }

  // Each list from its read, unless an announcement (newer) came first.
  const fresh = { friends: false, applications: false, blocked: false };
  /** @type {Array<[string, (ev: {data: any}) => void]>} */
  const handlers = [
    [EVENT.FRIEND_LIST_UPDATED, (ev) => {
      fresh.friends = true;
      setFriends(ev.data);
      changed();
    }],
    [EVENT.FRIEND_APPLICATION_LIST_UPDATED, (ev) => {
      fresh.applications = true;
      applications = ev.data.friendApplicationList;
      changed();
    }],
    [EVENT.BLACKLIST_UPDATED, (ev) => {
      fresh.blocked = true;
      blocked = ev.data;
      changed();
    }],
  ];
  for (const [name, fn] of handlers) chat.on(/** @type {any} */ (name), fn);

  chat.getFriendList().then((res) => {
    if (ended || fresh.friends) return;
    setFriends(res.data);
    changed();
  }).catch((err) => showError(err, 'Loading the friends'));
  chat.getFriendApplicationList().then((res) => {
    if (ended || fresh.applications) return;
    applications = res.data.friendApplicationList;
    changed();
  }).catch((err) => showError(err, 'Loading the friend requests'));
  chat.getBlacklist().then((res) => {
    if (ended || fresh.blocked) return;
    blocked = res.data;
    changed();
  }).catch((err) => showError(err, 'Loading the blocklist'));

  return {
    element,
    render,
    isFriend: (userID) => friends.some((f) => f.userID === userID),
    isBlocked: (userID) => blocked.includes(userID),
    incoming: () => applications.filter((a) => a.type === TYPES.SNS_APPLICATION_SENT_TO_ME).length,
    block,
    add,
    destroy() {
      ended = true;
      for (const [name, fn] of handlers) chat.off(/** @type {any} */ (name), fn);
    },
  };
}
