// User profiles: reading them (`get_profiles`), changing one's own (`set_profile`), and the
// `profile` push, announced as PROFILE_UPDATED with the whole profile as it is now.

/** @import { Client } from './client.js' */
/** @import { Response } from './session.js' */
import { isCount, isObject, requireIDList } from './checks.js';
import { EVENT, TYPES } from './constants.js';
import { invalid } from './errors.js';
import { Fields } from './fields.js';
import { chunks, decodeOrThrow } from './requests.js';

/**
 * A user's profile (the reference's standard tags, and the app's declared custom ones).
 * @typedef {Object} Profile
 * @property {string} userID
 * @property {string} nick `Tag_Profile_IM_Nick`
 * @property {string} avatar `Tag_Profile_IM_Image`: the avatar's URL
 * @property {string} gender `Tag_Profile_IM_Gender`: one of `TYPES.GENDER_*`
 * @property {number} birthday `Tag_Profile_IM_BirthDay`, e.g. 19900101
 * @property {string} location `Tag_Profile_IM_Location`
 * @property {string} selfSignature `Tag_Profile_IM_SelfSignature`
 * @property {string} allowType `Tag_Profile_IM_AllowType`: how friend requests to the user go, one of `TYPES.ALLOW_TYPE_*`
 * @property {number} language `Tag_Profile_IM_Language`
 * @property {number} messageSettings `Tag_Profile_IM_MsgSettings`
 * @property {string} adminForbidType `Tag_Profile_IM_AdminForbidType` (the app's backend sets it): one of `TYPES.FORBID_TYPE_*`
 * @property {number} level `Tag_Profile_IM_Level` (the app's backend sets it)
 * @property {number} role `Tag_Profile_IM_Role` (the app's backend sets it)
 * @property {Array<{key: string, value: string|number}>} profileCustomField the app's declared custom tags, `key` as `Tag_Profile_Custom_<key>`
 */

/**
 * What `updateMyProfile` takes: any of the fields a user sets on its own profile.
 * @typedef {Object} ProfileChanges
 * @property {string} [nick]
 * @property {string} [avatar] the avatar's URL
 * @property {string} [gender] one of `TYPES.GENDER_*`
 * @property {number} [birthday]
 * @property {string} [location]
 * @property {string} [selfSignature]
 * @property {string} [allowType] one of `TYPES.ALLOW_TYPE_*`
 * @property {number} [language]
 * @property {number} [messageSettings]
 * @property {Array<{key: string, value: string|number}>} [profileCustomField] custom tags the app declared, `key` as `Tag_Profile_Custom_<key>` (or `<key>`)
 */

/** Profiles per `get_profiles` request (the protocol's maximum). */
const PROFILES_PER_READ = 100;

/** Prefix of a custom tag. */
const CUSTOM_TAG = 'Tag_Profile_Custom_';

/**
 * The standard tags: the profile's field, the tag, whether its value is a number.
 * @type {Array<[keyof Profile, string, boolean]>}
 */
const PROFILE_TAGS = [
  ['nick', 'Tag_Profile_IM_Nick', false],
  ['avatar', 'Tag_Profile_IM_Image', false],
  ['gender', 'Tag_Profile_IM_Gender', false],
  ['birthday', 'Tag_Profile_IM_BirthDay', true],
  ['location', 'Tag_Profile_IM_Location', false],
  ['selfSignature', 'Tag_Profile_IM_SelfSignature', false],
  ['allowType', 'Tag_Profile_IM_AllowType', false],
  ['language', 'Tag_Profile_IM_Language', true],
  ['messageSettings', 'Tag_Profile_IM_MsgSettings', true],
  ['adminForbidType', 'Tag_Profile_IM_AdminForbidType', false],
  ['level', 'Tag_Profile_IM_Level', true],
  ['role', 'Tag_Profile_IM_Role', true],
];

/** Fields of `updateMyProfile` (the others are the backend's). */
const OWN_FIELDS = new Set(['nick', 'avatar', 'gender', 'birthday', 'location', 'selfSignature', 'allowType', 'language', 'messageSettings']);

/**
 * A profile whose tags are not set.
 * @param {string} userID
 * @returns {Profile}
 */
export function emptyProfile(userID) {
  return {
    userID,
    nick: '',
    avatar: '',
    gender: TYPES.GENDER_UNKNOWN,
    birthday: 0,
    location: '',
    selfSignature: '',
    allowType: TYPES.ALLOW_TYPE_NEED_CONFIRM,
    language: 0,
    messageSettings: 0,
    adminForbidType: TYPES.FORBID_TYPE_NONE,
    level: 0,
    role: 0,
    profileCustomField: [],
  };
}

/**
 * Sets the fields of `profile` that `ProfileItem` names (unknown tags are skipped).
 * @param {Profile} profile
 * @param {Fields} f an object with `ProfileItem: [{Tag, Value}]`
 */
function applyProfileItems(profile, f) {
  const items = f.arr('ProfileItem');
  items.forEach((raw, i) => {
    const item = new Fields(raw, `${f.where}.ProfileItem[${i}]`);
    const tag = item.str('Tag');
    if (tag.startsWith(CUSTOM_TAG)) {
      const value = item.o.Value;
      if (typeof value !== 'string' && typeof value !== 'number') throw item.bad('Value', 'a string or a number');
      profile.profileCustomField = profile.profileCustomField.filter((c) => c.key !== tag).concat([{ key: tag, value }]);
      return;
    }
    const known = PROFILE_TAGS.find(([, t]) => t === tag);
    if (known === undefined) return;
    const [field, , numeric] = known;
    /** @type {Record<string, unknown>} */ (profile)[field] = numeric ? item.num('Value') : item.str('Value');
  });
}

/**
 * A `get_profiles` entry.
 * @param {Fields} f
 * @returns {Profile}
 */
function decodeProfile(f) {
  const profile = emptyProfile(f.str('UserID'));
  applyProfileItems(profile, f);
  return profile;
}

/**
 * `updateMyProfile`'s fields as `ProfileItem`.
 * @param {unknown} changes
 * @returns {Array<{Tag: string, Value: string|number}>}
 */
function profileItems(changes) {
  if (!isObject(changes)) throw invalid('updateMyProfile needs an object of profile fields');
  /** @type {Array<{Tag: string, Value: string|number}>} */
  const items = [];
  for (const [field, tag, numeric] of PROFILE_TAGS) {
    const value = changes[field];
    if (value === undefined || !OWN_FIELDS.has(field)) continue;
    if (numeric ? !isCount(value) : typeof value !== 'string')
      throw invalid(`${field} must be ${numeric ? 'a non-negative integer' : 'a string'}`);
    items.push({ Tag: tag, Value: /** @type {string|number} */ (value) });
  }
  const custom = changes.profileCustomField;
  if (custom !== undefined) {
    if (!Array.isArray(custom)) throw invalid('profileCustomField must be an array of {key, value}');
    for (const c of custom) {
      if (!isObject(c) || typeof c.key !== 'string' || c.key === '')
        throw invalid('each of profileCustomField needs a key');
      if (typeof c.value !== 'string' && !isCount(c.value))
        throw invalid(`profileCustomField ${c.key}: the value must be a string or a non-negative integer`);
      items.push({ Tag: c.key.startsWith(CUSTOM_TAG) ? c.key : `${CUSTOM_TAG}${c.key}`, Value: c.value });
    }
  }
  if (items.length === 0) throw invalid('updateMyProfile names no profile field');
  return items;
}

export class Profiles {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private @type {Set<string>} users whose profile changed, to read and announce */
    this.changedUsers = new Set();
    /** @private @type {ReturnType<typeof setTimeout> | null} */
    this.announceTimer = null;
  }

  /**
   * Reads profiles (accounts that do not exist are left out).
   * @param {string[]} userIDs
   * @returns {Promise<Profile[]>}
   */
  async read(userIDs) {
    /** @type {Profile[]} */
    const found = [];
    for (const part of chunks(userIDs, PROFILES_PER_READ)) {
      const reply = await this.client.requests.request({ op: 'get_profiles', UserIDs: part });
      found.push(
        ...decodeOrThrow(() =>
          reply.arr('Profiles').map((p, i) => decodeProfile(new Fields(p, `get_profiles.Profiles[${i}]`))),
        ),
      );
    }
    return found;
  }

  /**
   * Reads profiles by user; a user without an account has an empty one.
   * @param {string[]} userIDs
   * @returns {Promise<Map<string, Profile>>}
   */
  async readMap(userIDs) {
    const found = new Map((await this.read(userIDs)).map((p) => [p.userID, p]));
    return new Map(userIDs.map((id) => [id, found.get(id) || emptyProfile(id)]));
  }

  /**
   * `Chat#getUserProfile`
   * @param {{userIDList: string[]}} options
   * @returns {Promise<Response<Profile[]>>}
   */
  async get(options) {
    const userIDs = requireIDList(isObject(options) ? options.userIDList : undefined, 'userIDList');
    return { code: 0, data: await this.read(userIDs) };
  }

  /**
   * `Chat#updateMyProfile`
   * @param {ProfileChanges} changes
   * @returns {Promise<Response<Profile>>}
   */
  async updateMine(changes) {
    const items = profileItems(changes);
    const { requests, session } = this.client;
    await requests.request({ op: 'set_profile', ProfileItem: items });
    const me = session.userID();
    const [profile] = await this.read([me]);
    return { code: 0, data: profile || emptyProfile(me) };
  }

  /**
   * A `profile` push: a user's profile changed (this user's, a friend's, a conversation
   * peer's). PROFILE_UPDATED follows with the profile as it is now.
   * @param {Fields} f
   */
  onPush(f) {
    const { session, events } = this.client;
    const userID = f.str('UserID');
    const me = session.me;
    if (me !== null && userID === me.userID) {
      // What SDK_READY said of this user follows the change.
      const mine = { ...emptyProfile(userID), nick: me.nick, avatar: me.avatar };
      applyProfileItems(mine, f);
      me.nick = mine.nick;
      me.avatar = mine.avatar;
    }
    if (!events.listening(EVENT.PROFILE_UPDATED)) return;
    this.changedUsers.add(userID);
    if (this.announceTimer === null) this.announceTimer = setTimeout(() => this.announce(), 0);
  }

  /**
   * Reads the changed profiles and announces them.
   * @private
   */
  async announce() {
    this.announceTimer = null;
    const userIDs = Array.from(this.changedUsers);
    this.changedUsers.clear();
    const { session, inbox, log } = this.client;
    const epoch = session.epoch;
    try {
      const profiles = await this.read(userIDs);
      if (epoch === session.epoch && profiles.length > 0) inbox.emitInOrder(EVENT.PROFILE_UPDATED, profiles);
    } catch (err) {
      if (epoch === session.epoch) log.warn('reading changed profiles failed', err);
    }
  }

  /** The session is over. */
  reset() {
    if (this.announceTimer !== null) clearTimeout(this.announceTimer);
    this.announceTimer = null;
    this.changedUsers.clear();
  }
}
