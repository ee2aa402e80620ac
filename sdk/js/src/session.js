// The session: logging in (or entering as a guest) and out, the end of a session for good,
// and its survival of a lost connection (reconnect with backoff, log in again, rejoin the
// rooms and subscribe to user status again, then send what waited).

/** @import { Client } from './client.js' */
/** @import { EventMap } from './events.js' */
/** @import { Platform } from './constants.js' */
import { isObject, requireID } from './checks.js';
import { ERROR_CODE, EVENT, TYPES } from './constants.js';
import { invalid, LiveRoomError } from './errors.js';

/**
 * What every successful call resolves with.
 * @template T
 * @typedef {{code: 0, data: T}} Response
 */

/**
 * @typedef {Object} LoginOptions
 * @property {string} userID 1–32 bytes of printable ASCII
 * @property {string} userSig a UserSig for `userID`, signed with the app's key
 * @property {Platform} [platform] default `Web`
 */

/**
 * @typedef {Object} LoginData
 * @property {string} userID empty for a guest
 * @property {string} nick
 * @property {string} avatar
 * @property {number} level the user's level in the app's audience statistics (0 when off or a guest)
 * @property {boolean} isGuest
 */

/** Kick reasons after which the client comes back on its own: the connection, not the user, was at fault. */
const RECOVERABLE_KICKS = new Set(['shutdown', 'idle_timeout', 'slow_consumer']);

/** Login errors that a retry cannot fix: the session ends instead of reconnecting. */
const FATAL_LOGIN_CODES = new Set([10004, 70001, 70002, 70003, 70009, 70013, 70014, 70020]);

/**
 * A reconnection delay: exponential growth with "equal jitter" (half fixed, half random),
 * so clients dropped together spread out without ever retrying at once.
 * @param {number} attempt 0 for the first retry
 * @param {number} base
 * @param {number} max
 */
function backoffDelay(attempt, base, max) {
  const ceiling = Math.min(max, base * Math.pow(2, Math.min(attempt, 30)));
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/** Who the session logs in as, again after every reconnect. */
class Credentials {
  /**
   * @param {string|null} userID null for a guest
   * @param {string} userSig
   * @param {string|undefined} platform
   */
  constructor(userID, userSig, platform) {
    this.userID = userID;
    this.userSig = userSig;
    this.platform = platform;
  }
}

export class Session {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private @type {ReturnType<typeof setTimeout> | null} */
    this.reconnectTimer = null;
    /** @private */
    this.reconnectAttempt = 0;
    /** @type {Credentials | null} what to log in with again after a drop; null when logged out */
    this.credentials = null;
    /** whether the server accepted `credentials` (only then does a drop reconnect) */
    this.established = false;
    /** logged in with rooms restored: requests go out at once */
    this.ready = false;
    /** bumped whenever a session begins or ends, so work of an older one stops */
    this.epoch = 0;
    /** @type {LoginData | null} */
    this.me = null;
    this.destroyed = false;
  }

  /**
   * `Chat#login`
   * @param {LoginOptions} options
   * @returns {Promise<Response<LoginData>>}
   */
  async login(options) {
    if (!isObject(options)) throw invalid('login needs {userID, userSig}');
    const userID = requireID(options.userID, 'userID');
    const userSig = requireID(options.userSig, 'userSig');
    const platform = options.platform === undefined ? undefined : requireID(options.platform, 'platform');
    return this.start(new Credentials(userID, userSig, platform));
  }

  /**
   * `Chat#loginAsGuest`
   * @returns {Promise<Response<LoginData>>}
   */
  async loginAsGuest() {
    return this.start(new Credentials(null, '', undefined));
  }

  /**
   * `Chat#logout`
   * @returns {Promise<Response<{}>>}
   */
  async logout() {
    this.assertAlive();
    if (this.credentials === null) return { code: 0, data: {} };
    if (this.ready) {
      try {
        await this.client.requests.direct({ op: 'logout' });
      } catch (err) {
        this.client.log.debug('logout request failed; closing anyway', err);
      }
    }
    this.end('logout', ERROR_CODE.NOT_LOGGED_IN, 'logged out');
    return { code: 0, data: {} };
  }

  /**
   * `Chat#destroy`
   * @returns {Promise<void>}
   */
  async destroy() {
    if (this.destroyed) return;
    this.end('destroyed', ERROR_CODE.DESTROYED, 'the instance was destroyed');
    this.destroyed = true;
    this.client.inbox.clear();
    this.client.events.clear();
  }

  /** @returns {string} the logged-in UserID; empty for a guest or when logged out */
  userID() {
    return this.me ? this.me.userID : '';
  }

  assertAlive() {
    if (this.destroyed) throw new LiveRoomError(ERROR_CODE.DESTROYED, 'the instance was destroyed');
  }

  /**
   * @private
   * @param {Credentials} credentials
   * @returns {Promise<Response<LoginData>>}
   */
  async start(credentials) {
    this.assertAlive();
    const { connection, events, requests } = this.client;
    const wasEstablished = this.established;
    const epoch = this.reset(ERROR_CODE.NOT_LOGGED_IN, 'replaced by a new login');
    this.credentials = credentials;
    try {
      await this.openAny(epoch);
      this.checkEpoch(epoch);
      await this.authenticate(credentials);
      this.checkEpoch(epoch);
    } catch (err) {
      if (epoch === this.epoch) {
        this.credentials = null;
        requests.failWaiting(ERROR_CODE.NOT_LOGGED_IN, 'login failed');
        connection.close('login failed');
        if (wasEstablished) events.emit(EVENT.SDK_NOT_READY, { reason: 'login_failed' });
      }
      throw err;
    }
    this.established = true;
    this.reconnectAttempt = 0;
    this.becomeReady();
    this.client.sync.sessionReady();
    const me = /** @type {LoginData} */ (this.me);
    events.emit(EVENT.SDK_READY, { ...me });
    return { code: 0, data: { ...me } };
  }

  /**
   * @private
   * @param {number} epoch
   */
  checkEpoch(epoch) {
    if (epoch !== this.epoch) {
      throw new LiveRoomError(ERROR_CODE.NOT_LOGGED_IN, 'the session ended while logging in');
    }
  }

  /**
   * Forgets the current session's rooms and requests; returns the new epoch.
   * @private
   * @param {number} code
   * @param {string} why
   */
  reset(code, why) {
    this.epoch += 1;
    this.ready = false;
    this.established = false;
    this.me = null;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const { requests, likes, rooms, messages, c2c, sync, conversations, groups, groupChat } = this.client;
    const { profiles, friends, blocklist, status, topics, features } = this.client;
    requests.failAll(code, why);
    likes.reset(code, why);
    rooms.forgetAll();
    messages.reset();
    c2c.reset();
    sync.reset();
    conversations.reset();
    groups.reset();
    groupChat.reset();
    topics.reset();
    features.reset();
    profiles.reset();
    friends.reset();
    blocklist.reset();
    status.reset();
    return this.epoch;
  }

  /**
   * Ends the session for good (logout, kick, destroy, a login that cannot succeed).
   * @private
   * @param {EventMap['sdkNotReady']['reason']} reason
   * @param {number} code what pending requests are rejected with
   * @param {string} why
   */
  end(reason, code, why) {
    const wasActive = this.credentials !== null && (this.established || this.ready);
    this.reset(code, why);
    this.credentials = null;
    this.client.connection.close(why);
    if (wasActive) this.client.events.emit(EVENT.SDK_NOT_READY, { reason });
  }

  /**
   * Logs in (or enters as a guest) on the open socket.
   * @private
   * @param {Credentials} credentials
   */
  async authenticate(credentials) {
    const sdkAppID = this.client.o.SDKAppID;
    const requests = this.client.requests;
    if (credentials.userID === null) {
      await requests.direct({ op: 'guest', SDKAppID: sdkAppID });
      this.me = { userID: '', nick: '', avatar: '', level: 0, isGuest: true };
      return;
    }
    /** @type {Record<string, unknown>} */
    const frame = { op: 'login', SDKAppID: sdkAppID, UserID: credentials.userID, UserSig: credentials.userSig };
    if (credentials.platform !== undefined) frame.Platform = credentials.platform;
    const reply = await requests.direct(frame);
    this.me = {
      userID: reply.optStr('UserID', credentials.userID),
      nick: reply.optStr('NickName'),
      avatar: reply.optStr('Avatar'),
      level: reply.optNum('Level'),
      isGuest: false,
    };
  }

  /**
   * The session is usable: requests that waited go out.
   * @private
   */
  becomeReady() {
    this.ready = true;
    this.client.connection.setNetState('connected');
    this.client.requests.sendWaiting();
  }

  /**
   * Opens a socket for a login, trying each address of `url` once while they cannot be
   * opened.
   * @private
   * @param {number} epoch
   */
  async openAny(epoch) {
    for (let tried = 1; ; tried += 1) {
      try {
        await this.client.connection.open();
        return;
      } catch (err) {
        const e = /** @type {LiveRoomError} */ (err);
        if (e.code !== ERROR_CODE.CONNECT_FAILED || tried >= this.client.o.urls.length || epoch !== this.epoch) throw e;
        this.client.log.info(`${e.message}; trying the next address`);
      }
    }
  }

  /**
   * The socket is gone: settle what depended on it, then reconnect if the session should
   * survive.
   */
  connectionLost() {
    this.ready = false;
    this.client.sync.connectionLost();
    const reconnecting = this.established && this.client.o.reconnect && !this.destroyed;
    this.client.requests.connectionLost(reconnecting);
    if (reconnecting) {
      this.scheduleReconnect();
    } else if (this.established) {
      this.end('connection_lost', ERROR_CODE.NOT_CONNECTED, 'the connection was lost');
      this.client.connection.setNetState('disconnected');
    } else {
      this.client.connection.setNetState('disconnected');
    }
  }

  /** @private */
  scheduleReconnect() {
    if (this.reconnectTimer !== null) return;
    const { o, log } = this.client;
    this.client.connection.setNetState('connecting');
    const delay = backoffDelay(this.reconnectAttempt, o.reconnectBaseDelay, o.reconnectMaxDelay);
    this.reconnectAttempt += 1;
    log.info(`reconnecting in ${Math.round(delay)} ms`);
    const epoch = this.epoch;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.restore(epoch);
    }, delay);
  }

  /**
   * Reconnects, logs in again and rejoins the rooms; requests that waited go out after.
   * @private
   * @param {number} epoch
   */
  async restore(epoch) {
    try {
      await this.client.connection.open();
      if (epoch !== this.epoch) return;
      await this.authenticate(/** @type {Credentials} */ (this.credentials));
      if (epoch !== this.epoch) return;
      await this.client.rooms.rejoinAll(epoch);
      if (epoch !== this.epoch) return;
      await this.client.status.restore(epoch);
      if (epoch !== this.epoch) return;
    } catch (err) {
      if (epoch !== this.epoch || this.destroyed) return;
      this.restoreFailed(/** @type {LiveRoomError} */ (err));
      return;
    }
    this.reconnectAttempt = 0;
    this.client.log.info('session restored');
    this.becomeReady();
    // Conversations (one to one and groups) catch up on what came while away; the lists the
    // application follows are read again.
    this.client.sync.sessionReady();
    this.client.friends.sessionRestored();
    this.client.blocklist.sessionRestored();
    this.client.groups.sessionRestored();
  }

  /**
   * @private
   * @param {LiveRoomError} err
   */
  restoreFailed(err) {
    const { connection, log } = this.client;
    if (FATAL_LOGIN_CODES.has(err.code)) {
      const type = err.code === 70001 ? TYPES.KICKED_OUT_USERSIG_EXPIRED : TYPES.KICKED_OUT_LOGIN_FAILED;
      log.warn(`logging in again failed for good (${err.code} ${err.message})`);
      this.client.events.emit(EVENT.KICKED_OUT, { type, message: err.message });
      this.end('login_failed', ERROR_CODE.KICKED_OUT, err.message);
      return;
    }
    log.warn(`reconnection failed (${err.code} ${err.message}); retrying`);
    // Closing a still-open socket schedules the next attempt; a closed one already did.
    if (connection.socket !== null) connection.close('reconnection failed');
    else this.scheduleReconnect();
  }

  /**
   * A `kicked` push: the server is closing the connection.
   * @param {string} reason
   * @param {string} info
   */
  onKicked(reason, info) {
    if (RECOVERABLE_KICKS.has(reason)) {
      // The close that follows reconnects.
      this.client.log.warn(`the server is closing the connection (${reason}); will reconnect`);
      return;
    }
    this.client.log.warn(`kicked out (${reason}): ${info}`);
    this.client.events.emit(EVENT.KICKED_OUT, { type: reason, message: info });
    this.end('kicked', ERROR_CODE.KICKED_OUT, `kicked out: ${reason}`);
  }
}
