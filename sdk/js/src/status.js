// User status (presence): whether users are online, on which platforms, with what custom
// status; subscriptions to their changes (`subscribe_status`, the `user_status` push,
// announced as USER_STATUS_UPDATED), which outlive a lost connection: after a reconnect the
// SDK subscribes again and announces what changed meanwhile. This user's own custom status,
// set here, is set again too when the server forgot it with the connection.

/** @import { Client } from './client.js' */
/** @import { LiveRoomError } from './errors.js' */
/** @import { Response } from './session.js' */
import { isObject, optionalString, requireIDList } from './checks.js';
import { EVENT, TYPES } from './constants.js';
import { invalid } from './errors.js';
import { Fields } from './fields.js';
import { chunks, decodeOrThrow } from './requests.js';

/**
 * A user's status.
 * @typedef {Object} UserStatus
 * @property {string} userID
 * @property {number} statusType `TYPES.USER_STATUS_ONLINE` (a device is connected) or `TYPES.USER_STATUS_OFFLINE`
 * @property {string} customStatus what the user set with `setSelfStatus` ("" none; gone when its last device goes)
 * @property {string[]} platforms the platforms of its connected devices
 */

/** Users one request names, and one connection watches at most (the protocol's limit). */
const STATUS_USERS_MAX = 200;

/** Server codes a retry may get past: the restore fails and is tried again. */
const RETRY_CODES = new Set([20005, 60018]);

/**
 * @param {Fields} f
 * @returns {UserStatus}
 */
function decodeStatus(f) {
  const status = f.str('Status');
  return {
    userID: f.str('UserID'),
    statusType:
      status === 'Online' ? TYPES.USER_STATUS_ONLINE : status === 'Offline' ? TYPES.USER_STATUS_OFFLINE : TYPES.USER_STATUS_UNKNOWN,
    customStatus: f.optStr('CustomStatus'),
    platforms: f.optArr('Platforms').map((p) => String(p)),
  };
}

/**
 * The `Statuses` of a reply.
 * @param {Fields} reply
 * @param {string} op
 * @returns {UserStatus[]}
 */
function decodeStatuses(reply, op) {
  return decodeOrThrow(() => reply.arr('Statuses').map((s, i) => decodeStatus(new Fields(s, `${op}.Statuses[${i}]`))));
}

/**
 * @param {UserStatus} a
 * @param {UserStatus} b
 */
function sameStatus(a, b) {
  return a.statusType === b.statusType && a.customStatus === b.customStatus && a.platforms.join() === b.platforms.join();
}

export class Status {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private @type {Set<string>} users the application subscribed to */
    this.watched = new Set();
    /** @private @type {Map<string, UserStatus>} the watched users' status as last announced */
    this.known = new Map();
    /** @private this user's custom status as set here */
    this.customStatus = '';
  }

  /**
   * `Chat#subscribeUserStatus`
   * @param {{userIDList: string[]}} options
   * @returns {Promise<Response<{failureUserList: Array<{userID: string, code: number, message: string}>}>>}
   */
  async subscribe(options) {
    const userIDs = requireIDList(isObject(options) ? options.userIDList : undefined, 'userIDList');
    const added = userIDs.filter((id) => !this.watched.has(id));
    for (const id of added) this.watched.add(id);
    let reply;
    try {
      reply = await this.client.requests.request({ op: 'subscribe_status', UserIDs: userIDs });
    } catch (err) {
      for (const id of added) this.watched.delete(id);
      throw err;
    }
    this.announce(decodeStatuses(reply, 'subscribe_status'));
    return { code: 0, data: { failureUserList: [] } };
  }

  /**
   * `Chat#unsubscribeUserStatus`
   * @param {{userIDList?: string[]}} [options] without `userIDList`, every subscription
   * @returns {Promise<Response<{failureUserList: Array<{userID: string, code: number, message: string}>}>>}
   */
  async unsubscribe(options = {}) {
    if (!isObject(options)) throw invalid('unsubscribeUserStatus takes {userIDList}');
    const userIDs =
      options.userIDList === undefined ? Array.from(this.watched) : requireIDList(options.userIDList, 'userIDList');
    for (const id of userIDs) {
      this.watched.delete(id);
      this.known.delete(id);
    }
    for (const part of chunks(userIDs, STATUS_USERS_MAX)) {
      await this.client.requests.request({ op: 'unsubscribe_status', UserIDs: part });
    }
    return { code: 0, data: { failureUserList: [] } };
  }

  /**
   * `Chat#getUserStatus`
   * @param {{userIDList?: string[]}} [options] without `userIDList`, this user's own
   * @returns {Promise<Response<{successUserList: UserStatus[], failureUserList: Array<{userID: string, code: number, message: string}>}>>}
   */
  async get(options = {}) {
    if (!isObject(options)) throw invalid('getUserStatus takes {userIDList}');
    const userIDs =
      options.userIDList === undefined ? [this.client.session.userID()] : requireIDList(options.userIDList, 'userIDList');
    /** @type {UserStatus[]} */
    const successUserList = [];
    for (const part of chunks(userIDs, STATUS_USERS_MAX)) {
      const reply = await this.client.requests.request({ op: 'get_status', UserIDs: part });
      successUserList.push(...decodeStatuses(reply, 'get_status'));
    }
    return { code: 0, data: { successUserList, failureUserList: [] } };
  }

  /**
   * `Chat#setSelfStatus`
   * @param {{customStatus: string}} options "" clears it; at most 100 bytes
   * @returns {Promise<Response<{userID: string, statusType: number, customStatus: string}>>}
   */
  async setSelf(options) {
    if (!isObject(options) || options.customStatus === undefined) throw invalid('setSelfStatus needs {customStatus}');
    const customStatus = optionalString(options.customStatus, 'customStatus');
    const { requests, session } = this.client;
    await requests.request({ op: 'set_status', CustomStatus: customStatus });
    this.customStatus = customStatus;
    return { code: 0, data: { userID: session.userID(), statusType: TYPES.USER_STATUS_ONLINE, customStatus } };
  }

  /**
   * A `user_status` push: a watched user's status changed.
   * @param {Fields} f
   */
  onPush(f) {
    const status = decodeStatus(f);
    if (this.watched.has(status.userID)) this.announce([status]);
  }

  /**
   * Logged in again after a reconnect (before the requests that waited go out): the server
   * forgot this connection's subscriptions and, with this user's last device, its custom
   * status. Subscribes again and announces what changed while away.
   * @param {number} epoch
   */
  async restore(epoch) {
    const { requests, session } = this.client;
    try {
      if (this.customStatus !== '') {
        const reply = await requests.direct({ op: 'get_status', UserIDs: [session.userID()] });
        const [mine] = decodeStatuses(reply, 'get_status');
        // Another device of this user may have kept it, or set another one meanwhile.
        if (epoch === session.epoch && mine && mine.customStatus === '')
          await requests.direct({ op: 'set_status', CustomStatus: this.customStatus });
      }
      if (this.watched.size === 0 || epoch !== session.epoch) return;
      const userIDs = Array.from(this.watched);
      const reply = await requests.direct({ op: 'subscribe_status', UserIDs: userIDs.slice(0, STATUS_USERS_MAX) });
      if (epoch === session.epoch) this.announce(decodeStatuses(reply, 'subscribe_status'));
    } catch (err) {
      const e = /** @type {LiveRoomError} */ (err);
      if (e.code < 0 || RETRY_CODES.has(e.code) || epoch !== session.epoch) throw e;
      this.client.log.warn(`subscribing to user status again failed (${e.code} ${e.message})`);
    }
  }

  /**
   * Announces the statuses that are not what the application was told.
   * @private
   * @param {UserStatus[]} statuses
   */
  announce(statuses) {
    const changed = statuses.filter((s) => {
      if (!this.watched.has(s.userID)) return false;
      const before = this.known.get(s.userID);
      this.known.set(s.userID, s);
      return before === undefined || !sameStatus(before, s);
    });
    if (changed.length > 0) {
      this.client.inbox.emitInOrder(
        EVENT.USER_STATUS_UPDATED,
        changed.map((s) => ({ ...s, platforms: s.platforms.slice() })),
      );
    }
  }

  /** The session is over: subscriptions end with it. */
  reset() {
    this.watched.clear();
    this.known.clear();
    this.customStatus = '';
  }
}
