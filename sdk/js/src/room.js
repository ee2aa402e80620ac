// A room as this client knows it: its profile, live state and pinned item from the join
// reply and the tips since, and this user's role and mute in it; how a join reply reads.

/** @import { LiveStateName } from './constants.js' */
import { LIVE_STATES, PERMANENT_SECS } from './constants.js';
import { FrameError } from './errors.js';
import { Fields } from './fields.js';

/**
 * A room's live state.
 * @typedef {Object} LiveState
 * @property {LiveStateName} state
 * @property {number} session the broadcast's number, 1 for the first
 * @property {number} since Unix seconds the state was entered
 */

/**
 * A live-shopping item, with the protocol's keys; other members are kept as given.
 * @typedef {{ItemId: string, Title: string, Price?: number|string, ImageUrl?: string, Link?: string, [key: string]: unknown}} PinnedItem
 */

/**
 * @typedef {Object} GroupProfile
 * @property {string} groupID
 * @property {string} type `AVChatRoom` for a live room; `Private`, `Public`, `ChatRoom` or `Community` for a group that keeps its members
 * @property {string} name
 * @property {string} introduction
 * @property {string} notification
 * @property {string} avatar the room's face URL
 * @property {string} ownerID empty when the room has no owner
 * @property {boolean} muteAllMembers
 * @property {Record<string, string>} customFields the room's `AppDefinedData`
 */

/**
 * The reply of `joinGroup`.
 * @typedef {Object} JoinResult
 * @property {string} groupID
 * @property {string} status `TYPES.JOIN_STATUS_SUCCESS`; for a group that keeps its members also `JOIN_STATUS_WAIT_APPROVAL` (the request waits for an owner or admin) or `JOIN_STATUS_ALREADY_IN_GROUP`
 * @property {GroupProfile} group (while a request waits: only what the SDK knows of the group)
 * @property {number} memberCount members online now, this connection included; in a group that keeps its members, its members
 * @property {LiveState|null} liveState
 * @property {PinnedItem|null} pinnedItem
 * @property {number} muteRemaining seconds left of this user's own mute; 0 when not muted, 4294967295 when permanent
 * @property {'Owner'|'Admin'|'Member'|'Guest'|''} role this user's role in the group when it joined (App admins read as Owner); `''` while the request waits
 * @property {string[]} left rooms this connection left because the app allows one room per connection
 */

/**
 * Changed fields of a room's profile; absent fields did not change.
 * @typedef {Object} GroupProfileChanges
 * @property {string} [name]
 * @property {string} [introduction]
 * @property {string} [notification]
 * @property {string} [avatar]
 * @property {boolean} [muteAllMembers]
 * @property {string} [ownerID] the group was handed to this member
 * @property {Record<string, string>} [customFields] new values; `""` means the field was deleted
 */

/**
 * This user's ability to send in a room.
 * @typedef {Object} MuteState
 * @property {string} groupID
 * @property {boolean} muted whether a message would be refused now (own mute, or mute-all for a member who is not the owner or a known admin)
 * @property {number} muteRemaining seconds left of the user's own mute: 0 none, 4294967295 permanent
 * @property {boolean} muteAll the room's mute-all switch
 */

/** Reserved room custom fields that have events of their own. */
export const LIVE_STATE_KEY = 'LiveState';
export const PINNED_ITEM_KEY = 'PinnedItem';
export const RESERVED_KEYS = new Set([LIVE_STATE_KEY, PINNED_ITEM_KEY, 'Likes', 'LuckyDraw']);

/** What the client knows about a room it is in. */
export class Room {
  /** @param {JoinResult} joined */
  constructor(joined) {
    this.profile = joined.group;
    this.liveState = joined.liveState;
    this.pinnedItem = joined.pinnedItem;
    /** Whether this user runs the room (owner, admin, App admin): from the join reply, then tips. */
    this.isAdmin = joined.role === 'Owner' || joined.role === 'Admin';
    /** When this user's own mute ends (ms since the epoch); 0 when not muted, Infinity when permanent. */
    this.mutedUntil = 0;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.muteTimer = null;
    /** The mute state last announced, to tell a change from the clock running down. */
    this.announced = { muted: false, muteAll: false, until: 0 };
    /** @type {Map<string, number>} the highest ComboCount the sender's pushes showed, by ComboId */
    this.ownCombos = new Map();
  }

  /** @param {number} secs `MuteTime` or `MuteRemaining` */
  setMute(secs) {
    this.mutedUntil = secs <= 0 ? 0 : secs >= PERMANENT_SECS ? Infinity : Date.now() + secs * 1000;
  }

  muteRemaining() {
    if (this.mutedUntil === Infinity) return PERMANENT_SECS;
    return Math.max(0, Math.ceil((this.mutedUntil - Date.now()) / 1000));
  }

  /**
   * @param {string} groupID
   * @param {string} me
   * @returns {MuteState}
   */
  muteState(groupID, me) {
    const muteRemaining = this.muteRemaining();
    const muteAll = this.profile.muteAllMembers;
    const privileged = this.isAdmin || (me !== '' && this.profile.ownerID === me);
    return { groupID, muted: muteRemaining > 0 || (muteAll && !privileged), muteRemaining, muteAll };
  }

  /**
   * Records `state` as announced; true when it differs from the state announced before
   * (muted or not, mute-all, or when the mute ends).
   * @param {MuteState} state
   */
  noteMuteState(state) {
    const last = this.announced;
    const sameEnd =
      last.until === this.mutedUntil ||
      (Number.isFinite(last.until) &&
        Number.isFinite(this.mutedUntil) &&
        Math.abs(last.until - this.mutedUntil) <= 1500);
    this.announced = { muted: state.muted, muteAll: state.muteAll, until: this.mutedUntil };
    return state.muted !== last.muted || state.muteAll !== last.muteAll || !sameEnd;
  }

  /**
   * Remembers a combo the sender was shown by a push.
   * @param {string} comboID
   * @param {number} comboCount
   */
  sawOwnGift(comboID, comboCount) {
    this.ownCombos.set(comboID, Math.max(comboCount, this.ownCombos.get(comboID) || 0));
    // Combos are short-lived; keep the newest few hundred.
    if (this.ownCombos.size > 256) {
      for (const oldest of this.ownCombos.keys()) {
        this.ownCombos.delete(oldest);
        break;
      }
    }
  }
}

/**
 * @param {unknown} value
 * @param {string} where
 * @returns {LiveState}
 */
export function decodeLiveState(value, where) {
  const f = new Fields(value, where);
  const state = f.str('State');
  if (!LIVE_STATES.has(state)) throw f.bad('State', 'a live state');
  return { state: /** @type {LiveStateName} */ (state), session: f.num('Session'), since: f.num('Since') };
}

/**
 * @param {unknown} value
 * @param {string} where
 * @returns {PinnedItem|null}
 */
export function decodePinnedItem(value, where) {
  if (value === null || value === undefined) return null;
  const f = new Fields(value, where);
  f.str('ItemId');
  return /** @type {PinnedItem} */ ({ ...f.o });
}

/**
 * @param {unknown[]} list `AppDefinedData`
 * @returns {Record<string, string>}
 */
function decodeCustomFields(list) {
  /** @type {Record<string, string>} */
  const out = {};
  list.forEach((entry, i) => {
    const f = new Fields(entry, `AppDefinedData[${i}]`);
    out[f.str('Key')] = f.optStr('Value');
  });
  return out;
}

/**
 * A group's profile as a `join` or `get_group_info` reply carries it.
 * @param {Fields} f
 * @returns {GroupProfile}
 */
export function decodeGroupProfile(f) {
  const groupID = f.str('GroupId');
  return {
    groupID,
    type: f.optStr('Type', 'AVChatRoom'),
    name: f.optStr('Name'),
    introduction: f.optStr('Introduction'),
    notification: f.optStr('Notification'),
    avatar: f.optStr('FaceUrl'),
    ownerID: f.optStr('Owner_Account'),
    muteAllMembers: f.optStr('MuteAllMember', 'Off') === 'On',
    customFields: decodeCustomFields(f.optArr('AppDefinedData')),
  };
}

/**
 * @param {Fields} f a successful `join` reply
 * @returns {JoinResult}
 */
export function decodeJoin(f) {
  const groupID = f.str('GroupId');
  return {
    groupID,
    group: decodeGroupProfile(f),
    status: 'JoinedSuccess',
    memberCount: f.optNum('MemberNum'),
    liveState: f.has('LiveState') ? decodeLiveState(f.o.LiveState, 'reply.LiveState') : null,
    pinnedItem: decodePinnedItem(f.o.PinnedItem, 'reply.PinnedItem'),
    muteRemaining: f.optNum('MuteRemaining'),
    role: decodeRole(f.optStr('Role', 'Member')),
    left: f.optArr('Left').map((g, i) => {
      if (typeof g !== 'string') throw new FrameError(`reply.Left[${i}] is not a string`);
      return g;
    }),
  };
}

/**
 * @param {string} role the join reply's `Role`
 * @returns {'Owner'|'Admin'|'Member'|'Guest'}
 */
function decodeRole(role) {
  return role === 'Owner' || role === 'Admin' || role === 'Guest' ? role : 'Member';
}

/**
 * @param {GroupProfile} profile
 * @param {GroupProfileChanges} changes
 * @returns {GroupProfile}
 */
export function applyProfileChanges(profile, changes) {
  const { customFields, ...plain } = changes;
  const next = { ...profile, ...plain };
  if (customFields) {
    const merged = { ...profile.customFields };
    for (const [key, value] of Object.entries(customFields)) {
      if (value === '') delete merged[key];
      else merged[key] = value;
    }
    next.customFields = merged;
  }
  return next;
}

/**
 * What changed between two profiles of a room, reserved custom fields left out (they have
 * their own events).
 * @param {GroupProfile} before
 * @param {GroupProfile} after
 * @returns {GroupProfileChanges}
 */
export function diffProfiles(before, after) {
  /** @type {GroupProfileChanges} */
  const changes = {};
  if (before.name !== after.name) changes.name = after.name;
  if (before.introduction !== after.introduction) changes.introduction = after.introduction;
  if (before.notification !== after.notification) changes.notification = after.notification;
  if (before.avatar !== after.avatar) changes.avatar = after.avatar;
  if (before.muteAllMembers !== after.muteAllMembers) changes.muteAllMembers = after.muteAllMembers;
  /** @type {Record<string, string>} */
  const custom = {};
  const keys = new Set([...Object.keys(before.customFields), ...Object.keys(after.customFields)]);
  for (const key of keys) {
    if (RESERVED_KEYS.has(key)) continue;
    const value = after.customFields[key] || '';
    if ((before.customFields[key] || '') !== value) custom[key] = value;
  }
  if (Object.keys(custom).length > 0) changes.customFields = custom;
  return changes;
}
