// Other users as the messenger shows them: their nick and avatar (profiles, read once and kept
// current by PROFILE_UPDATED) and whether they are online (status subscriptions, kept by the
// SDK across reconnects, and USER_STATUS_UPDATED). The views say which users they show; a
// change calls `onChange` so they repaint.
import LiveRoom from '../../../sdk/js/liveroom.js';
import { h } from '../shared/dom.js';

/** @typedef {import('../../../sdk/js/liveroom.js').Chat} Chat */
/** @typedef {import('../../../sdk/js/liveroom.js').Profile} Profile */
/** @typedef {import('../../../sdk/js/liveroom.js').UserStatus} UserStatus */

const { EVENT, TYPES } = LiveRoom;

/** Users one connection may follow the status of (the server's limit). */
const WATCH_MAX = 200;

/**
 * @typedef {Object} People
 * @property {(userIDs: string[]) => void} show the views show these users: read their profiles, follow their status
 * @property {(userID: string) => string} nick the user's nick, or its ID while it has none
 * @property {(userID: string) => Profile|undefined} profile
 * @property {(profile: Profile) => void} known a profile read elsewhere (one's own after a change)
 * @property {(userID: string) => boolean|undefined} online undefined while not known
 * @property {(userID: string, size?: 'small') => HTMLElement} avatar the avatar with the online dot
 * @property {() => void} destroy
 */

/**
 * @param {{chat: Chat, me: string, onChange: () => void, showError: (err: unknown, what: string) => void}} options
 * @returns {People}
 */
export function createPeople({ chat, me, onChange, showError }) {
  /** @type {Map<string, Profile>} */
  const profiles = new Map();
  /** @type {Map<string, UserStatus>} */
  const statuses = new Map();
  /** @type {Set<string>} users whose profile was asked for */
  const asked = new Set();
  /** @type {Set<string>} users whose status is followed */
  const watched = new Set();
  let ended = false;

  /** @param {Profile} p */
  function known(p) {
    profiles.set(p.userID, p);
  }

  /** @param {string[]} userIDs */
  function show(userIDs) {
    const unread = userIDs.filter((id) => !asked.has(id));
    if (unread.length > 0) {
      for (const id of unread) asked.add(id);
      chat.getUserProfile({ userIDList: unread })
        .then((res) => {
          if (ended) return;
          res.data.forEach(known);
          onChange();
        })
        .catch((err) => {
          for (const id of unread) asked.delete(id);
          if (!ended) showError(err, 'Reading profiles');
        });
    }
    const follow = userIDs.filter((id) => id !== me && !watched.has(id)).slice(0, WATCH_MAX - watched.size);
    if (follow.length > 0) {
      for (const id of follow) watched.add(id);
      chat.subscribeUserStatus({ userIDList: follow }).catch((err) => {
        for (const id of follow) watched.delete(id);
        if (!ended) showError(err, 'Following who is online');
      });
    }
  }

  /** @type {Array<[string, (ev: {data: any}) => void]>} */
  const handlers = [
    [EVENT.PROFILE_UPDATED, (ev) => {
      /** @type {Profile[]} */ (ev.data).forEach(known);
      onChange();
    }],
    [EVENT.USER_STATUS_UPDATED, (ev) => {
      for (const s of /** @type {UserStatus[]} */ (ev.data)) statuses.set(s.userID, s);
      onChange();
    }],
  ];
  for (const [name, fn] of handlers) chat.on(/** @type {any} */ (name), fn);

  /** @param {string} userID */
  function nick(userID) {
    return profiles.get(userID)?.nick || userID;
  }

  /** @param {string} userID */
  function online(userID) {
    if (userID === me) return true;
    const s = statuses.get(userID);
    return s === undefined ? undefined : s.statusType === TYPES.USER_STATUS_ONLINE;
  }

  return {
    show,
    nick,
    profile: (userID) => profiles.get(userID),
    known,
    online,
    avatar(userID, size) {
      const url = profiles.get(userID)?.avatar || '';
      const on = online(userID);
      const initial = nick(userID).slice(0, 1).toUpperCase();
      return h('span', { class: `ch-avatar${size ? ` ch-avatar-${size}` : ''}`, 'aria-hidden': 'true' },
        /^https?:\/\//.test(url)
          ? h('img', {
            class: 'ch-avatar-img',
            src: url,
            alt: '',
            referrerpolicy: 'no-referrer',
            onerror: (/** @type {Event} */ ev) => /** @type {HTMLElement} */ (ev.target).replaceWith(initial),
          })
          : initial,
        userID === me || on === undefined
          ? null
          : h('span', { class: 'ch-dot', 'data-chat': 'online', 'data-state': on ? 'online' : 'offline', title: on ? 'Online' : 'Offline' }),
      );
    },
    destroy() {
      ended = true;
      for (const [name, fn] of handlers) chat.off(/** @type {any} */ (name), fn);
    },
  };
}
