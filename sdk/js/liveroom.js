/**
 * Liveroom client SDK.
 *
 * One self-contained ES module (no imports, no run-time dependencies) speaking Liveroom's
 * client WebSocket protocol: log in with a UserSig or as a guest, join live rooms, send and
 * receive messages, and follow a room's live state, pinned item, gifts, likes, online count,
 * lucky draws and moderation; chat one to one and in groups that keep their members and
 * messages; keep profiles, friends and a blocklist, and
 * follow other users' online status. Runs in browsers as is and in Node.js with a WebSocket
 * constructor such as the `ws` package's.
 *
 * Made from src/ by `npm run build`: edit the sources, not this file.
 *
 * @module liveroom-sdk
 */

// src/constants.js
// The SDK's public constants (`VERSION`, `TYPES`, `EVENT`, `ERROR_CODE`, `LOG_LEVEL`) and the
// value sets of the protocol that more than one part checks against.

/**
 * @typedef {'High'|'Normal'|'Low'|'Lowest'} Priority
 * @typedef {'Upcoming'|'Live'|'Paused'|'Ended'|'Replay'} LiveStateName
 * @typedef {'connected'|'connecting'|'disconnected'} NetState
 * @typedef {'Web'|'Android'|'iOS'|'Windows'|'Mac'|'iPad'|'Linux'|'Unknown'} Platform
 * @typedef {'unSend'|'sending'|'success'|'fail'} MessageStatus
 * @typedef {'GROUP'|'C2C'} ConversationType
 * @typedef {'Private'|'Public'|'ChatRoom'|'Community'|'AVChatRoom'} GroupType
 * @typedef {'Owner'|'Admin'|'Member'} MemberRole
 * @typedef {'AcceptAndNotify'|'AcceptNotNotify'|'Discard'} MessageRemindType
 */

const VERSION = '0.1.0';

/** `MuteTime` and `MuteRemaining` of a permanent mute. */
const PERMANENT_SECS = 4294967295;

const PRIORITIES = new Set(['High', 'Normal', 'Low', 'Lowest']);
const LIVE_STATES = new Set(['Upcoming', 'Live', 'Paused', 'Ended', 'Replay']);

/** Group types: the names `createGroup` and the server use. */
const GROUP_TYPES = new Set(['Private', 'Public', 'ChatRoom', 'Community', 'AVChatRoom']);

/** Constants for messages, tips, groups, live states, network states, kick reasons, profiles, friends and user status. */
const TYPES = Object.freeze({
  MSG_PRIORITY_HIGH: 'High',
  MSG_PRIORITY_NORMAL: 'Normal',
  MSG_PRIORITY_LOW: 'Low',
  MSG_PRIORITY_LOWEST: 'Lowest',

  /** `conversationType` of a message and `type` of a conversation: a group's (live rooms included), or one-to-one. */
  CONV_GROUP: 'GROUP',
  CONV_C2C: 'C2C',

  /** Group types (`createGroup`'s `type`, a group's `type`). Work and Meeting are the newer names of Private and ChatRoom. */
  GRP_WORK: 'Private',
  GRP_PUBLIC: 'Public',
  GRP_MEETING: 'ChatRoom',
  GRP_COMMUNITY: 'Community',
  GRP_AVCHATROOM: 'AVChatRoom',

  /** How users join a group (`createGroup`'s `joinOption`). */
  JOIN_OPTIONS_FREE_ACCESS: 'FreeAccess',
  JOIN_OPTIONS_NEED_PERMISSION: 'NeedPermission',
  JOIN_OPTIONS_DISABLE_APPLY: 'DisableApply',

  /** Whether ordinary members' invitations add at once, wait for approval, or are refused (`createGroup`'s `inviteOption`). */
  INVITE_OPTIONS_FREE_ACCESS: 'FreeAccess',
  INVITE_OPTIONS_NEED_PERMISSION: 'NeedPermission',
  INVITE_OPTIONS_DISABLE_INVITE: 'DisableInvite',

  /** `status` of `joinGroup`. */
  JOIN_STATUS_SUCCESS: 'JoinedSuccess',
  JOIN_STATUS_WAIT_APPROVAL: 'WaitAdminApproval',
  JOIN_STATUS_ALREADY_IN_GROUP: 'AlreadyInGroup',

  /** A member's role in a group. */
  GRP_MBR_ROLE_OWNER: 'Owner',
  GRP_MBR_ROLE_ADMIN: 'Admin',
  GRP_MBR_ROLE_MEMBER: 'Member',

  /** How a member wants a group's messages (`setMessageRemindType`, a conversation's `messageRemindType`). */
  MSG_REMIND_ACPT_AND_NOTE: 'AcceptAndNotify',
  MSG_REMIND_ACPT_NOT_NOTE: 'AcceptNotNotify',
  MSG_REMIND_DISCARD: 'Discard',

  /** `handleAction` of `handleGroupApplication`. */
  GRP_APPLICATION_AGREE: 'Agree',
  GRP_APPLICATION_REJECT: 'Reject',

  /** `applicationType` of a group application: the user asked to join, or a member invited it. */
  GRP_APPLICATION_TYPE_JOIN: 0,
  GRP_APPLICATION_TYPE_INVITE: 2,

  /** `scope` of `setAllMessageRead`. */
  READ_ALL_C2C_MSG: 'readAllC2CMessage',
  READ_ALL_GROUP_MSG: 'readAllGroupMessage',
  READ_ALL_MSG: 'readAllMsg',

  /** In `atUserList` of `createTextAtMessage`: mention everyone. */
  MSG_AT_ALL: '__kImSDK_MesssageAtALL__',

  /** `atTypeArray` of a conversation's or a topic's `groupAtInfoList`: a message mentions this user, everyone, or both. */
  CONV_AT_ME: 1,
  CONV_AT_ALL: 2,
  CONV_AT_ALL_AT_ME: 3,

  MSG_TEXT: 'TIMTextElem',
  MSG_CUSTOM: 'TIMCustomElem',
  MSG_FACE: 'TIMFaceElem',
  MSG_LOCATION: 'TIMLocationElem',
  MSG_IMAGE: 'TIMImageElem',
  MSG_AUDIO: 'TIMSoundElem',
  MSG_FILE: 'TIMFileElem',
  MSG_VIDEO: 'TIMVideoFileElem',
  MSG_MERGER: 'TIMRelayElem',
  MSG_GRP_TIP: 'TIMGroupTipElem',
  MSG_GRP_SYS_NOTICE: 'TIMGroupSystemNoticeElem',

  /** `payload.operationType` of a group tip. */
  GRP_TIP_MBR_JOIN: 1,
  GRP_TIP_MBR_INVITED: 2,
  GRP_TIP_MBR_QUIT: 3,
  GRP_TIP_MBR_KICKED_OUT: 4,
  GRP_TIP_MBR_SET_ADMIN: 5,
  GRP_TIP_MBR_CANCELED_ADMIN: 6,
  GRP_TIP_GRP_PROFILE_UPDATED: 7,
  GRP_TIP_MBR_PROFILE_UPDATED: 8,

  /** `payload.operationType` of a group system notice. */
  GRP_SYS_JOIN_GROUP_REQUEST: 1,
  GRP_SYS_JOIN_GROUP_ACCEPT: 2,
  GRP_SYS_JOIN_GROUP_REFUSE: 3,
  GRP_SYS_KICKED_OUT: 4,
  GRP_SYS_DISMISSED: 5,
  /** A group was created with this user among its first members (`payload.groupType`, `payload.groupName`). */
  GRP_SYS_GROUP_CREATED: 6,
  GRP_SYS_CUSTOM: 255,

  LIVE_STATE_UPCOMING: 'Upcoming',
  LIVE_STATE_LIVE: 'Live',
  LIVE_STATE_PAUSED: 'Paused',
  LIVE_STATE_ENDED: 'Ended',
  LIVE_STATE_REPLAY: 'Replay',

  NET_STATE_CONNECTED: 'connected',
  NET_STATE_CONNECTING: 'connecting',
  NET_STATE_DISCONNECTED: 'disconnected',

  /** `type` of a KICKED_OUT event. */
  KICKED_OUT_MULTI_LOGIN: 'multi_login',
  KICKED_OUT_ACCOUNT: 'account_kicked',
  KICKED_OUT_REQUEST_FLOOD: 'request_flood',
  KICKED_OUT_USERSIG_EXPIRED: 'usersig_expired',
  KICKED_OUT_LOGIN_FAILED: 'login_failed',

  GIFT_PLAIN: 0,
  GIFT_BANNER: 1,
  GIFT_EFFECT: 2,

  /** `muteRemaining` of a permanent mute; also accepted by `mute` and `ban`. */
  MUTE_PERMANENT: PERMANENT_SECS,

  /** `gender` of a profile. */
  GENDER_UNKNOWN: 'Gender_Type_Unknown',
  GENDER_FEMALE: 'Gender_Type_Female',
  GENDER_MALE: 'Gender_Type_Male',

  /** `allowType` of a profile: how friend requests to the user go. */
  ALLOW_TYPE_ALLOW_ANY: 'AllowType_Type_AllowAny',
  ALLOW_TYPE_NEED_CONFIRM: 'AllowType_Type_NeedConfirm',
  ALLOW_TYPE_DENY_ANY: 'AllowType_Type_DenyAny',

  /** `adminForbidType` of a profile (set by the app's backend). */
  FORBID_TYPE_NONE: 'AdminForbid_Type_None',
  FORBID_TYPE_SEND_OUT: 'AdminForbid_Type_SendOut',

  /** `type` of `addFriend`: into both users' lists (the default), or the adder's only. */
  SNS_ADD_TYPE_SINGLE: 'Add_Type_Single',
  SNS_ADD_TYPE_BOTH: 'Add_Type_Both',

  /** `type` of `deleteFriend`: from both users' lists (the default), or the caller's only. */
  SNS_DELETE_TYPE_SINGLE: 'Delete_Type_Single',
  SNS_DELETE_TYPE_BOTH: 'Delete_Type_Both',

  /** `type` of a friend application: sent to this user, or by it. */
  SNS_APPLICATION_SENT_TO_ME: 'Pendency_Type_ComeIn',
  SNS_APPLICATION_SENT_BY_ME: 'Pendency_Type_SendOut',

  /** `statusType` of a user's status. */
  USER_STATUS_UNKNOWN: 0,
  USER_STATUS_ONLINE: 1,
  USER_STATUS_OFFLINE: 2,
});

/** Event names for `chat.on` / `chat.off`. */
const EVENT = Object.freeze({
  SDK_READY: 'sdkReady',
  SDK_NOT_READY: 'sdkNotReady',
  MESSAGE_RECEIVED: 'messageReceived',
  KICKED_OUT: 'kickedOut',
  NET_STATE_CHANGE: 'netStateChange',
  ERROR: 'error',
  LIVE_STATE_CHANGED: 'liveStateChanged',
  ITEM_PINNED: 'itemPinned',
  GIFT_RECEIVED: 'giftReceived',
  LIKES_UPDATED: 'likesUpdated',
  ONLINE_COUNT_UPDATED: 'onlineCountUpdated',
  DRAW_STARTED: 'drawStarted',
  DRAW_RESULT: 'drawResult',
  GROUP_PROFILE_UPDATED: 'groupProfileUpdated',
  MUTED: 'muted',
  REMOVED_FROM_GROUP: 'removedFromGroup',
  MESSAGE_RECALLED: 'messageRecalled',
  GROUP_LIST_UPDATED: 'groupListUpdated',
  GROUP_SYSTEM_NOTICE_RECEIVED: 'groupSystemNoticeReceived',
  CONVERSATION_LIST_UPDATED: 'conversationListUpdated',
  TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: 'totalUnreadMessageCountUpdated',
  MESSAGE_REVOKED: 'messageRevoked',
  MESSAGE_MODIFIED: 'messageModified',
  MESSAGE_READ_BY_PEER: 'messageReadByPeer',
  TYPING_STATUS_UPDATED: 'typingStatusUpdated',
  PROFILE_UPDATED: 'profileUpdated',
  FRIEND_LIST_UPDATED: 'friendListUpdated',
  FRIEND_APPLICATION_LIST_UPDATED: 'friendApplicationListUpdated',
  BLACKLIST_UPDATED: 'blacklistUpdated',
  USER_STATUS_UPDATED: 'userStatusUpdated',
  TOPIC_CREATED: 'topicCreated',
  TOPIC_UPDATED: 'topicUpdated',
  TOPIC_DELETED: 'topicDeleted',
  MESSAGE_REACTIONS_UPDATED: 'messageReactionsUpdated',
  MESSAGE_EXTENSIONS_UPDATED: 'messageExtensionsUpdated',
});

/**
 * Codes of errors raised by the SDK itself. They are negative so they never collide with
 * the server's codes (docs/protocol.md, Error codes), which a `LiveRoomError` carries as is.
 */
const ERROR_CODE = Object.freeze({
  /** The request was sent but no reply came within `requestTimeout`. */
  TIMEOUT: -1001,
  /** No connection: it was lost with the request in flight, or not restored within `requestTimeout`. */
  NOT_CONNECTED: -1002,
  /** Needs `login` or `loginAsGuest` first (or the session ended before the reply). */
  NOT_LOGGED_IN: -1003,
  /** A bad argument; nothing was sent. */
  INVALID_ARGUMENT: -1004,
  /** The instance was destroyed. */
  DESTROYED: -1005,
  /** The WebSocket could not be opened. */
  CONNECT_FAILED: -1006,
  /** The server ended the session (see the KICKED_OUT event). */
  KICKED_OUT: -1007,
  /** The server sent a frame the SDK cannot read; it was ignored. */
  MALFORMED_FRAME: -1008,
  /** The request is larger than the 16 KiB the server accepts (the server's own code for it). */
  FRAME_TOO_LARGE: 93000,
});

/** Log levels for the `logLevel` option and `setLogLevel`. */
const LOG_LEVEL = Object.freeze({ DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3, NONE: 4 });

// src/errors.js
// The errors calls fail with (`LiveRoomError`), and the one a server frame the SDK cannot read
// raises inside it.


/** A failed call: `code` is the server's error code, or one of `ERROR_CODE` for the SDK's own. */
class LiveRoomError extends Error {
  /**
   * @param {number} code
   * @param {string} message
   * @param {Record<string, unknown>} [data] details: `op` of the request, `muteRemaining` of a 10017, `message` of a failed send
   */
  constructor(code, message, data = {}) {
    super(message);
    this.name = 'LiveRoomError';
    /** @type {number} */
    this.code = code;
    /** @type {Record<string, unknown>} */
    this.data = data;
  }
}

/** A server frame the SDK cannot read. */
class FrameError extends Error {}

/** @param {string} message */
function invalid(message) {
  return new LiveRoomError(ERROR_CODE.INVALID_ARGUMENT, message);
}

// src/checks.js
// Checks of what callers pass: a bad argument throws INVALID_ARGUMENT before anything is sent.


/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * @param {unknown} value
 * @returns {value is number}
 */
function isCount(value) {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/**
 * @param {unknown} value
 * @param {string} what
 * @returns {string}
 */
function requireID(value, what) {
  if (typeof value !== 'string' || value === '') throw invalid(`${what} must be a non-empty string`);
  return value;
}

/**
 * One account or a list of accounts, as a non-empty list.
 * @param {string|string[]} value
 * @returns {string[]}
 */
function requireAccounts(value) {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw invalid('userID must name at least one account');
  list.forEach((id) => requireID(id, 'userID'));
  return list.slice();
}

/**
 * A non-empty list of user IDs (repeats dropped).
 * @param {unknown} value
 * @param {string} what names the argument in the error
 * @returns {string[]}
 */
function requireIDList(value, what) {
  if (!Array.isArray(value) || value.length === 0) throw invalid(`${what} must be a non-empty array of user IDs`);
  value.forEach((id) => requireID(id, `each of ${what}`));
  return Array.from(new Set(/** @type {string[]} */ (value)));
}

/**
 * @param {unknown} value
 * @param {string} what
 * @returns {number}
 */
function requireCount(value, what) {
  if (!isCount(value)) throw invalid(`${what} must be a non-negative integer`);
  return value;
}

/**
 * @param {unknown} value
 * @param {string} what names the argument in the error
 * @returns {string} `value`, or `""` when absent
 */
function optionalString(value, what) {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw invalid(`${what} must be a string`);
  return value;
}

// src/log.js
// The SDK's console output, filtered by `logLevel`.


class Logger {
  /** @param {number} level */
  constructor(level) {
    this.level = level;
  }

  /** @param {unknown} level one of `LOG_LEVEL` */
  setLevel(level) {
    if (!isCount(level) || level > LOG_LEVEL.NONE) throw invalid('level must be 0 to 4');
    this.level = level;
  }

  /** @param {...unknown} args */
  debug(...args) {
    if (this.level <= LOG_LEVEL.DEBUG) console.debug('[liveroom]', ...args);
  }

  /** @param {...unknown} args */
  info(...args) {
    if (this.level <= LOG_LEVEL.INFO) console.info('[liveroom]', ...args);
  }

  /** @param {...unknown} args */
  warn(...args) {
    if (this.level <= LOG_LEVEL.WARN) console.warn('[liveroom]', ...args);
  }

  /** @param {...unknown} args */
  error(...args) {
    if (this.level <= LOG_LEVEL.ERROR) console.error('[liveroom]', ...args);
  }
}

// src/options.js
// The options of `create`: what they are, their defaults, and their checks.


/**
 * The part of a WebSocket the SDK uses; browsers' `WebSocket` and the `ws` package fit it.
 * @typedef {Object} WebSocketLike
 * @property {(data: string) => void} send
 * @property {(code?: number, reason?: string) => void} close
 * @property {((event: any) => void) | null} onopen
 * @property {((event: any) => void) | null} onmessage
 * @property {((event: any) => void) | null} onclose
 * @property {((event: any) => void) | null} onerror
 */

/** @typedef {new (url: string) => WebSocketLike} WebSocketConstructor */

/**
 * @typedef {Object} CreateOptions
 * @property {number} SDKAppID the app
 * @property {string|readonly string[]} url the server's WebSocket URL, `ws://host:port/ws` (or `wss://`); or the URLs of a cluster's nodes: the SDK starts at a random one and, when a connection is lost or cannot be opened, tries the next one (round-robin)
 * @property {WebSocketConstructor} [WebSocket] WebSocket constructor; default `globalThis.WebSocket` (Node.js: pass `ws`)
 * @property {number} [logLevel] 0 debug, 1 info, 2 warnings (default), 3 errors, 4 nothing
 * @property {number} [requestTimeout] ms a request waits for its reply, or for the connection to come back; default 10000
 * @property {number} [heartbeatInterval] ms between pings (the server closes connections silent for 60 s); default 25000, 0 turns them off
 * @property {number} [likeMergeWindow] ms within which `like` taps are merged into one request; default 1000
 * @property {boolean} [reconnect] reconnect after the connection drops; default true
 * @property {number} [reconnectBaseDelay] ms before the first reconnection attempt (with jitter), doubling each time; default 500
 * @property {number} [reconnectMaxDelay] ms the delay between attempts grows to at most; default 30000
 * @property {number} [dedupWindow] sequence numbers remembered per room to drop repeated messages; default 1000
 */

const DEFAULTS = Object.freeze({
  logLevel: 2,
  requestTimeout: 10000,
  heartbeatInterval: 25000,
  likeMergeWindow: 1000,
  reconnect: true,
  reconnectBaseDelay: 500,
  reconnectMaxDelay: 30000,
  dedupWindow: 1000,
});

/**
 * Checks the options of `create` and fills in the defaults.
 * @param {CreateOptions} options
 * @returns {Required<Omit<CreateOptions, 'WebSocket' | 'url'>> & {WebSocket: WebSocketConstructor, urls: readonly string[]}}
 */
function normalizeOptions(options) {
  if (!isObject(options)) throw invalid('create needs {SDKAppID, url}');
  const { SDKAppID, url } = options;
  if (!isCount(SDKAppID) || SDKAppID === 0) throw invalid('SDKAppID must be a positive integer');
  const urls = Array.isArray(url) ? url.slice() : [url];
  if (urls.length === 0) throw invalid('url must be a ws:// or wss:// URL, or a non-empty list of them');
  for (const u of urls) {
    if (typeof u !== 'string' || !/^wss?:\/\//.test(u)) {
      throw invalid(
        Array.isArray(url) ? `url lists ${String(u)}: each must be a ws:// or wss:// URL` : 'url must be a ws:// or wss:// URL',
      );
    }
  }
  const WebSocketImpl = options.WebSocket || /** @type {WebSocketConstructor | undefined} */ (globalThis.WebSocket);
  if (typeof WebSocketImpl !== 'function') {
    throw invalid('no WebSocket here: pass options.WebSocket (in Node.js, the ws package)');
  }
  /**
   * @param {keyof typeof DEFAULTS} key
   * @returns {number}
   */
  const number = (key) => {
    const value = options[key];
    if (value === undefined) return /** @type {number} */ (DEFAULTS[key]);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw invalid(`${key} must be a non-negative number`);
    return value;
  };
  if (options.reconnect !== undefined && typeof options.reconnect !== 'boolean')
    throw invalid('reconnect must be a boolean');
  return {
    SDKAppID,
    urls: Object.freeze(urls),
    WebSocket: WebSocketImpl,
    logLevel: Math.min(LOG_LEVEL.NONE, Math.floor(number('logLevel'))),
    requestTimeout: Math.max(1, number('requestTimeout')),
    heartbeatInterval: number('heartbeatInterval'),
    likeMergeWindow: number('likeMergeWindow'),
    reconnect: options.reconnect === undefined ? DEFAULTS.reconnect : options.reconnect,
    reconnectBaseDelay: Math.max(1, number('reconnectBaseDelay')),
    reconnectMaxDelay: Math.max(1, number('reconnectMaxDelay')),
    dedupWindow: Math.max(1, Math.floor(number('dedupWindow'))),
  };
}

// src/fields.js
// Reading server frames: typed access to their JSON, where a missing or mistyped field throws
// a FrameError; a reply's envelope; a draw's 64-bit seed; JSON inside a string field.


/** Typed access to a JSON object from the server; a missing or mistyped field throws a FrameError. */
class Fields {
  /**
   * @param {unknown} value
   * @param {string} where names the object in error texts
   */
  constructor(value, where) {
    if (!isObject(value)) throw new FrameError(`${where} is not an object`);
    this.o = value;
    this.where = where;
  }

  /**
   * @param {string} key
   * @param {string} expected
   */
  bad(key, expected) {
    return new FrameError(`${this.where}.${key} is not ${expected}`);
  }

  /** @param {string} key */
  has(key) {
    return this.o[key] !== undefined && this.o[key] !== null;
  }

  /** @param {string} key @returns {string} */
  str(key) {
    const v = this.o[key];
    if (typeof v !== 'string') throw this.bad(key, 'a string');
    return v;
  }

  /** @param {string} key @returns {string} */
  optStr(key, fallback = '') {
    return this.has(key) ? this.str(key) : fallback;
  }

  /** @param {string} key @returns {number} */
  num(key) {
    const v = this.o[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.bad(key, 'a number');
    return v;
  }

  /** @param {string} key @returns {number} */
  optNum(key, fallback = 0) {
    return this.has(key) ? this.num(key) : fallback;
  }

  /** @param {string} key @returns {number|undefined} */
  maybeNum(key) {
    return this.has(key) ? this.num(key) : undefined;
  }

  /** @param {string} key @returns {boolean} */
  optBool(key) {
    if (!this.has(key)) return false;
    const v = this.o[key];
    if (typeof v !== 'boolean') throw this.bad(key, 'a boolean');
    return v;
  }

  /** @param {string} key @returns {unknown[]} */
  arr(key) {
    const v = this.o[key];
    if (!Array.isArray(v)) throw this.bad(key, 'an array');
    return v;
  }

  /** @param {string} key @returns {unknown[]} */
  optArr(key) {
    return this.has(key) ? this.arr(key) : [];
  }

  /** @param {string} key @returns {Fields} */
  obj(key) {
    return new Fields(this.o[key], `${this.where}.${key}`);
  }
}

/**
 * The `Seed` of a lucky draw is a 64-bit integer that JSON.parse would round; quote it first.
 * The pattern cannot match inside a JSON string, where the quotes are escaped.
 * @param {string} text
 */
function quoteBigSeeds(text) {
  return text.indexOf('"Seed"') < 0 ? text : text.replace(/"Seed"\s*:\s*(\d+)/g, '"Seed":"$1"');
}

/**
 * @param {Fields} f
 * @returns {{id: number|undefined, code: number, info: string, fields: Fields}} `fields` is the whole reply
 */
function decodeReply(f) {
  const id = f.has('id') ? f.num('id') : undefined;
  return { id, code: f.num('ErrorCode'), info: f.optStr('ErrorInfo'), fields: f };
}

/**
 * @param {string} text
 * @param {Fields} where
 * @returns {unknown}
 */
function parseJSON(text, where) {
  try {
    return JSON.parse(text);
  } catch (_) {
    throw new FrameError(`${where.where}.Value is not JSON`);
  }
}

// src/events.js
// Events: what each one carries, the handlers listening to them, the inbox that hands
// received messages over in batches with the room events they imply after them, and the
// lists the server keeps that are announced when they change.


/**
 * Payloads of the events, by event name.
 * @typedef {Object} EventMap
 * @property {LoginData} sdkReady logged in (or entered as a guest); requests can be made
 * @property {{reason: 'logout'|'kicked'|'destroyed'|'login_failed'|'connection_lost'}} sdkNotReady the session ended
 * @property {Message[]} messageReceived messages (of live rooms, groups and one to one), tips and system notices, in arrival order
 * @property {{type: string, message: string}} kickedOut the server ended the session; no reconnection follows
 * @property {{state: NetState}} netStateChange
 * @property {{code: number, message: string, groupID?: string}} error something went wrong outside any call (e.g. a malformed frame)
 * @property {{groupID: string, liveState: LiveState, operatorID: string}} liveStateChanged
 * @property {{groupID: string, item: PinnedItem|null, operatorID: string}} itemPinned the item pinned now, or null when taken down
 * @property {Gift} giftReceived
 * @property {{groupID: string, total: number}} likesUpdated the room's like total
 * @property {{groupID: string, memberCount: number}} onlineCountUpdated
 * @property {{groupID: string, operatorID: string, draw: DrawInfo}} drawStarted
 * @property {{groupID: string, operatorID: string, result: DrawResult}} drawResult
 * @property {{groupID: string, operatorID: string, changes: GroupProfileChanges}} groupProfileUpdated
 * @property {MuteState} muted this user's mute state in a room changed
 * @property {{groupID: string, reason: 'banned'|'dismissed'|'rejoin_failed'|'kicked', operatorID: string, banTime?: number, description?: string, code?: number}} removedFromGroup the user is no longer in the room (and will not rejoin it), or was removed from a group that keeps its members (`kicked`; `description` is the reason given)
 * @property {{groupID: string, sequence: number, operatorID: string}} messageRecalled the room's message `sequence` was recalled: take it off the screen
 * @property {Conversation[]} conversationListUpdated the conversation list (one to one, and groups that keep their messages), in order (pinned first, then the newest first)
 * @property {number} totalUnreadMessageCountUpdated unread messages over every conversation
 * @property {Array<{conversationID: string, sequence: number, messageKey: string, from: string, to: string, isRevoked: true, operatorID?: string}>} messageRevoked messages recalled (one to one by their sender; in a group that keeps its messages by `operatorID`, `from` known only when it was the conversation's last message): show them as recalled
 * @property {Group[]} groupListUpdated the user's groups that keep their members, after a change (made on any device, or by others)
 * @property {{message: Message, type: number}} groupSystemNoticeReceived a group system notice (also in MESSAGE_RECEIVED); `type` is its `payload.operationType`
 * @property {Message[]} messageModified messages edited by their sender (one to one, and of groups that keep their messages and topics), as they are now
 * @property {Array<{conversationID: string, userID: string, sequence: number}>} messageReadByPeer the other user has read this user's messages of the conversation up to `sequence`
 * @property {{conversationID: string, userID: string, isTyping: boolean}} typingStatusUpdated the other user is typing (false a few seconds after the last notice, or when their message arrives)
 * @property {Profile[]} profileUpdated profiles that changed (this user's, its friends', its conversation peers'), as they are now
 * @property {Friend[]} friendListUpdated the friend list after a change (made on any device, or by the other user)
 * @property {{friendApplicationList: FriendApplication[]}} friendApplicationListUpdated the friend requests waiting for an answer, to this user and by it, after a change
 * @property {string[]} blacklistUpdated the users on this user's blocklist after a change
 * @property {UserStatus[]} userStatusUpdated subscribed users whose status changed (or is first known)
 * @property {{groupID: string, topicID: string}} topicCreated a topic was created in one of the user's communities
 * @property {{groupID: string, topic: Topic}} topicUpdated a topic changed: its profile, or this user's side of it (a message, a read on any device)
 * @property {{groupID: string, topicIDList: string[]}} topicDeleted topics were deleted
 * @property {MessageReactions} messageReactionsUpdated a reaction of a message changed (`reactionList` holds it; `totalUserCount` 0: nobody reacts so any more)
 * @property {{messageID: string, conversationID: string, sequence: number, extensions: Array<{key: string, value: string}>}} messageExtensionsUpdated extensions of a message were set (`messageID` is `''` when the SDK did not see the message in this session)
 */

/** @typedef {keyof EventMap} EventName */

/**
 * @template {EventName} K
 * @typedef {{name: K, data: EventMap[K]}} LiveRoomEvent
 */

/**
 * @template {EventName} K
 * @typedef {(event: LiveRoomEvent<K>) => void} EventHandler
 */

/** The handlers of an instance's events. */
class Events {
  /** @param {Logger} log */
  constructor(log) {
    this.log = log;
    /** @type {Map<string, Array<{handler: Function, context: unknown}>>} */
    this.listeners = new Map();
  }

  /**
   * @template {EventName} K
   * @param {K} event
   * @param {EventHandler<K>} handler
   * @param {unknown} [context]
   */
  on(event, handler, context) {
    if (typeof event !== 'string') throw invalid('event must be one of EVENT');
    if (typeof handler !== 'function') throw invalid('handler must be a function');
    const list = this.listeners.get(event) || [];
    list.push({ handler, context });
    this.listeners.set(event, list);
  }

  /**
   * @template {EventName} K
   * @param {K} event
   * @param {EventHandler<K>} [handler]
   * @param {unknown} [context]
   */
  off(event, handler, context) {
    const list = this.listeners.get(event);
    if (!list) return;
    const keep = handler ? list.filter((l) => l.handler !== handler || l.context !== context) : [];
    if (keep.length > 0) this.listeners.set(event, keep);
    else this.listeners.delete(event);
  }

  /**
   * @template {EventName} K
   * @param {K} name
   * @param {EventMap[K]} data
   */
  emit(name, data) {
    const list = this.listeners.get(name);
    if (!list) return;
    for (const { handler, context } of list.slice()) {
      try {
        handler.call(context, { name, data });
      } catch (err) {
        // A failing handler must not break the SDK or the other handlers.
        this.log.error(`a handler of ${name} threw`, err);
      }
    }
  }

  /**
   * Whether the application listens to an event (the SDK reads some lists only for it).
   * @param {EventName} name
   */
  listening(name) {
    return this.listeners.has(name);
  }

  /** Drops every handler. */
  clear() {
    this.listeners.clear();
  }

  /**
   * Emits ERROR: something went wrong outside any call.
   * @param {number} code
   * @param {string} message
   * @param {string} [groupID]
   */
  error(code, message, groupID) {
    this.log.warn(`error ${code}: ${message}`);
    this.emit(EVENT.ERROR, groupID === undefined ? { code, message } : { code, message, groupID });
  }
}

/**
 * Received messages on their way to MESSAGE_RECEIVED: frames that arrive together (a join's
 * history) are handed over as one array, and the room events that came after them follow it.
 */
class Inbox {
  /** @param {Events} events */
  constructor(events) {
    this.events = events;
    /** @type {Message[]} */
    this.messages = [];
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    /** @type {Array<() => void>} room events waiting for the messages that came before them */
    this.after = [];
  }

  /**
   * Queues a message for MESSAGE_RECEIVED.
   * @param {Message} message
   */
  deliver(message) {
    this.messages.push(message);
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const batch = this.messages.splice(0);
      const after = this.after.splice(0);
      if (batch.length > 0) this.events.emit(EVENT.MESSAGE_RECEIVED, batch);
      for (const emit of after) emit();
    }, 0);
  }

  /**
   * Emits a room event after the messages received before it, keeping the server's order.
   * @template {EventName} K
   * @param {K} name
   * @param {EventMap[K]} data
   */
  emitInOrder(name, data) {
    if (this.timer === null) this.events.emit(name, data);
    else this.after.push(() => this.events.emit(name, data));
  }

  /** Drops what waits, for good. */
  clear() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.messages = [];
    this.after = [];
  }
}

/**
 * A list the server keeps for the user (friends, friend applications, the blocklist) as the
 * application last saw it: read again when a push says it changed, or after a reconnect, and
 * announced when it is not what the application has. Only while the application listens to
 * the list's event: otherwise nothing is read.
 * @template {EventName} K
 */
class ListFeed {
  /**
   * @param {Client} client
   * @param {K} event announces the list
   * @param {() => Promise<EventMap[K]>} read reads the whole list from the server
   */
  constructor(client, event, read) {
    /** @private */
    this.client = client;
    /** @private */
    this.event = event;
    /** @private */
    this.read = read;
    /** @private @type {string|null} the list the application has, as JSON; null: none yet */
    this.shown = null;
    /** @private a read is running */
    this.reading = false;
    /** @private read once more when it ends */
    this.again = false;
  }

  /**
   * The application read the list itself: it has this one.
   * @param {EventMap[K]} list
   */
  seen(list) {
    this.shown = JSON.stringify(list);
  }

  /** The list may have changed: reads it again (once for changes close together). */
  async changed() {
    const { events, session, log, inbox } = this.client;
    if (!events.listening(this.event)) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    const epoch = session.epoch;
    try {
      do {
        this.again = false;
        const list = await this.read();
        if (epoch !== session.epoch) return;
        const text = JSON.stringify(list);
        if (text === this.shown) continue;
        this.shown = text;
        inbox.emitInOrder(this.event, list);
      } while (this.again);
    } catch (err) {
      // The connection dropped (the reconnect reads it again) or the server failed.
      if (epoch === session.epoch) log.warn(`reading the list for ${this.event} failed`, err);
    } finally {
      if (epoch === session.epoch) this.reading = false;
    }
  }

  /** The session is over. */
  reset() {
    this.shown = null;
    this.reading = false;
    this.again = false;
  }
}

// src/connection.js
// The WebSocket: opening and closing it, the addresses of a cluster taken in turn, the
// heartbeat, and the network state the application sees. What a lost socket means for the
// session is the session's to decide (`Session#connectionLost`).


class Connection {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @type {WebSocketLike | null} */
    this.socket = null;
    /** whether `socket` is open */
    this.isOpen = false;
    /** bumped for every socket, so a replaced socket's late events are ignored */
    this.gen = 0;
    /** @type {{promise: Promise<void>, resolve: () => void, reject: (e: LiveRoomError) => void, timer: ReturnType<typeof setTimeout>} | null} */
    this.opening = null;
    /** @type {NetState} */
    this.netState = 'disconnected';
    /** @type {ReturnType<typeof setInterval> | null} */
    this.heartbeat = null;
    const urls = client.o.urls;
    /** which of `urls` the next socket opens; a random start spreads the clients of a cluster */
    this.urlIndex = Math.floor(Math.random() * urls.length) % urls.length;
  }

  /** @param {NetState} state */
  setNetState(state) {
    if (this.netState === state) return;
    this.netState = state;
    this.client.log.info(`network ${state}`);
    this.client.events.emit(EVENT.NET_STATE_CHANGE, { state });
  }

  /**
   * Opens a socket unless one is open or opening; resolves once it is open.
   * @returns {Promise<void>}
   */
  open() {
    if (this.socket !== null && this.isOpen) return Promise.resolve();
    if (this.opening !== null) return this.opening.promise;
    const { o, log } = this.client;
    this.setNetState('connecting');
    const gen = ++this.gen;
    const url = o.urls[this.urlIndex];
    log.info(`connecting to ${url}`);
    /** @type {WebSocketLike} */
    let socket;
    try {
      socket = new o.WebSocket(url);
    } catch (err) {
      this.nextUrl();
      this.setNetState('disconnected');
      return Promise.reject(new LiveRoomError(ERROR_CODE.CONNECT_FAILED, `cannot open ${url}: ${String(err)}`));
    }
    this.socket = socket;
    this.isOpen = false;
    /** @type {(() => void) | undefined} */
    let resolveOpen;
    /** @type {((e: LiveRoomError) => void) | undefined} */
    let rejectOpen;
    /** @type {Promise<void>} */
    const promise = new Promise((resolve, reject) => {
      resolveOpen = () => resolve();
      rejectOpen = reject;
    });
    // A connection attempt that hangs (a dropped SYN) must not hang the session with it.
    const timer = setTimeout(() => this.close('connection attempt timed out'), o.requestTimeout);
    this.opening = {
      promise,
      resolve: /** @type {() => void} */ (resolveOpen),
      reject: /** @type {(e: LiveRoomError) => void} */ (rejectOpen),
      timer,
    };
    socket.onopen = () => {
      if (gen !== this.gen) return;
      this.isOpen = true;
      const opening = this.opening;
      this.opening = null;
      if (opening !== null) {
        clearTimeout(opening.timer);
        opening.resolve();
      }
      this.startHeartbeat();
    };
    socket.onmessage = (event) => {
      if (gen === this.gen) this.client.receive(event && event.data);
    };
    // Errors are followed by a close event, which does the work.
    socket.onerror = (event) => {
      if (gen === this.gen) log.debug('socket error', event && event.message);
    };
    socket.onclose = (event) => {
      if (gen !== this.gen) return;
      log.info(`socket closed (${event && event.code} ${(event && event.reason) || ''})`);
      this.gone();
    };
    return this.opening.promise;
  }

  /**
   * Closes the current socket at once, without waiting for its close event.
   * @param {string} why
   */
  close(why) {
    const socket = this.socket;
    if (socket === null) return;
    this.gen += 1; // its later events are ignored
    this.client.log.info(`closing the connection: ${why}`);
    try {
      // No reason text: a close reason over 123 bytes would throw and leave the socket open.
      socket.close(1000);
    } catch (err) {
      this.client.log.debug('closing the socket failed', err);
    }
    this.gone();
  }

  /**
   * The socket is gone: settle the attempt to open it, then let the session decide what
   * follows.
   * @private
   */
  gone() {
    const url = this.client.o.urls[this.urlIndex];
    // Whatever ended this connection, the next one tries the next address: the node may be gone.
    this.nextUrl();
    this.socket = null;
    this.isOpen = false;
    this.stopHeartbeat();
    const opening = this.opening;
    this.opening = null;
    if (opening !== null) {
      clearTimeout(opening.timer);
      opening.reject(new LiveRoomError(ERROR_CODE.CONNECT_FAILED, `cannot connect to ${url}`));
    }
    this.client.session.connectionLost();
  }

  /** Moves on to the next address of `url` (round-robin; one address stays as it is). */
  nextUrl() {
    this.urlIndex = (this.urlIndex + 1) % this.client.o.urls.length;
  }

  /** @private */
  startHeartbeat() {
    this.stopHeartbeat();
    if (this.client.o.heartbeatInterval <= 0) return;
    this.heartbeat = setInterval(() => this.beat(), this.client.o.heartbeatInterval);
  }

  /** @private */
  stopHeartbeat() {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /**
   * Pings the server: it keeps the idle timeout away, and a missing pong reveals a dead
   * connection that the socket has not noticed.
   * @private
   */
  beat() {
    const gen = this.gen;
    this.client.requests.direct({ op: 'ping' }).catch((err) => {
      if (err.code === ERROR_CODE.TIMEOUT && gen === this.gen) {
        this.client.log.warn('no pong: dropping the connection');
        this.close('heartbeat timeout');
      }
    });
  }
}

// src/requests.js
// Requests and their replies: each request gets an id and waits for the reply with that id,
// or for the connection to come back when it may be sent again.


/** The largest client frame the server processes, in UTF-8 bytes. */
const MAX_FRAME_BYTES = 16384;

/** Requests that may be sent again after a reconnect: repeating them changes nothing. */
const RETRYABLE_OPS = new Set([
  'send', // the server de-duplicates a repeated `Random` for 5 minutes
  'send_c2c', // and a repeated `MsgSeq` and `MsgRandom` with the same content for 120 s
  'join',
  'quit',
  'pin_item',
  'unpin_item',
  'mute',
  'mute_all',
  'ban',
  'unban',
  'set_admin',
  'subscribe_status', // the server watches a user once however often it is asked
  'unsubscribe_status',
  'set_status',
  // Not `recall`: a repeat of one that went through is refused (10030).
]);

const encoder = new TextEncoder();

/**
 * Whether `text` is over `limit` UTF-8 bytes, encoding it only when it might be (a UTF-16
 * unit is at most 3 UTF-8 bytes).
 * @param {string} text
 * @param {number} limit
 */
function overBytes(text, limit) {
  return text.length * 3 > limit && encoder.encode(text).length > limit;
}

/**
 * Runs a decoder on a successful reply; a reply that cannot be read fails the call.
 * @template T
 * @param {() => T} decode
 * @returns {T}
 */
function decodeOrThrow(decode) {
  try {
    return decode();
  } catch (err) {
    if (err instanceof FrameError) throw new LiveRoomError(ERROR_CODE.MALFORMED_FRAME, err.message);
    throw err;
  }
}

/**
 * A list in pieces of at most `size`, for requests that take that many at a time.
 * @template T
 * @param {T[]} list
 * @param {number} size
 * @returns {T[][]}
 */
function chunks(list, size) {
  /** @type {T[][]} */
  const out = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** A request waiting for its reply (or for the connection). */
class Call {
  /**
   * @param {Record<string, unknown>} frame the request without its `id`
   * @param {boolean} retry whether a lost connection sends it again after the reconnect
   * @param {(reply: Fields) => void} resolve
   * @param {(error: LiveRoomError) => void} reject
   */
  constructor(frame, retry, resolve, reject) {
    this.frame = frame;
    this.op = String(frame.op);
    this.retry = retry;
    this.id = 0;
    this.sent = false;
    this.settled = false;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    this.resolveFn = resolve;
    this.rejectFn = reject;
  }

  /** @param {Fields} reply */
  resolve(reply) {
    if (this.settle()) this.resolveFn(reply);
  }

  /**
   * @param {number} code
   * @param {string} message
   * @param {Record<string, unknown>} [data]
   */
  fail(code, message, data = {}) {
    if (this.settle()) this.rejectFn(new LiveRoomError(code, message, { op: this.op, ...data }));
  }

  /** @private */
  settle() {
    if (this.settled) return false;
    this.settled = true;
    if (this.timer !== null) clearTimeout(this.timer);
    return true;
  }
}

/** The requests of an instance: those sent and awaiting their reply, and those waiting to go. */
class Requests {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private */
    this.nextId = 1;
    /** @private @type {Map<number, Call>} sent, awaiting the reply */
    this.pending = new Map();
    /** @private @type {Call[]} waiting for the session to be ready */
    this.waiting = [];
  }

  /**
   * Sends a request of the session. While the connection is being restored it waits (up to
   * `requestTimeout`, then NOT_CONNECTED); without a session it fails with NOT_LOGGED_IN.
   * @param {Record<string, unknown>} frame
   * @returns {Promise<Fields>} the reply
   */
  request(frame) {
    const session = this.client.session;
    if (session.destroyed) return Promise.reject(new LiveRoomError(ERROR_CODE.DESTROYED, 'the instance was destroyed'));
    if (session.credentials === null) {
      return Promise.reject(new LiveRoomError(ERROR_CODE.NOT_LOGGED_IN, 'log in first', { op: frame.op }));
    }
    return new Promise((resolve, reject) => {
      const call = this.arm(new Call(frame, RETRYABLE_OPS.has(String(frame.op)), resolve, reject));
      if (session.ready) this.transmit(call);
      else this.waiting.push(call);
    });
  }

  /**
   * Sends a request on the current socket now, whatever the session's state (login, rejoin,
   * ping).
   * @param {Record<string, unknown>} frame
   * @returns {Promise<Fields>}
   */
  direct(frame) {
    return new Promise((resolve, reject) => {
      // Never repeated: the flow that sent it (login, rejoin, ping) starts over instead.
      this.transmit(this.arm(new Call(frame, false, resolve, reject)));
    });
  }

  /**
   * @private
   * @param {Call} call
   */
  arm(call) {
    const timeout = this.client.o.requestTimeout;
    call.timer = setTimeout(() => {
      this.pending.delete(call.id);
      const at = this.waiting.indexOf(call);
      if (at >= 0) this.waiting.splice(at, 1);
      if (call.sent) call.fail(ERROR_CODE.TIMEOUT, `no reply to ${call.op} within ${timeout} ms`);
      else call.fail(ERROR_CODE.NOT_CONNECTED, `not connected within ${timeout} ms`);
    }, timeout);
    return call;
  }

  /**
   * @private
   * @param {Call} call
   */
  transmit(call) {
    const { socket, isOpen } = this.client.connection;
    if (socket === null || !isOpen) {
      call.fail(ERROR_CODE.NOT_CONNECTED, 'not connected');
      return;
    }
    call.id = this.nextId++;
    const text = JSON.stringify({ ...call.frame, id: call.id });
    // The server closes the connection over 64 KiB and refuses over 16 KiB: never send it.
    if (overBytes(text, MAX_FRAME_BYTES)) {
      call.fail(ERROR_CODE.FRAME_TOO_LARGE, `the request is larger than ${MAX_FRAME_BYTES} bytes`);
      return;
    }
    this.pending.set(call.id, call);
    call.sent = true;
    try {
      socket.send(text);
    } catch (err) {
      this.pending.delete(call.id);
      call.fail(ERROR_CODE.NOT_CONNECTED, `sending failed: ${String(err)}`);
    }
  }

  /** The session is ready: the requests that waited go out, in order. */
  sendWaiting() {
    for (const call of this.waiting.splice(0)) this.transmit(call);
  }

  /**
   * @param {number} code
   * @param {string} why
   */
  failWaiting(code, why) {
    for (const call of this.waiting.splice(0)) call.fail(code, why);
  }

  /**
   * Fails every request, sent or waiting: the session they belong to is over.
   * @param {number} code
   * @param {string} why
   */
  failAll(code, why) {
    for (const call of this.pending.values()) call.fail(code, why);
    this.pending.clear();
    this.failWaiting(code, why);
  }

  /**
   * The socket is gone with requests in flight: those that may be repeated wait for the
   * reconnect, before the requests already waiting; the others fail.
   * @param {boolean} reconnecting
   */
  connectionLost(reconnecting) {
    /** @type {Call[]} */
    const retry = [];
    for (const call of this.pending.values()) {
      if (reconnecting && call.retry) {
        call.sent = false;
        retry.push(call);
      } else {
        call.fail(ERROR_CODE.NOT_CONNECTED, 'the connection was lost before the reply');
      }
    }
    this.pending.clear();
    if (reconnecting) this.waiting = retry.concat(this.waiting);
  }

  /** @param {{id: number|undefined, code: number, info: string, fields: Fields}} reply */
  onReply(reply) {
    const call = reply.id === undefined ? undefined : this.pending.get(reply.id);
    if (call === undefined) {
      // Replies to frames the server could not read carry no id; late replies find no call.
      if (reply.code !== 0) this.client.events.error(reply.code, reply.info);
      return;
    }
    this.pending.delete(call.id);
    if (reply.code === 0) {
      call.resolve(reply.fields);
      return;
    }
    /** @type {Record<string, unknown>} */
    const data = {};
    if (reply.fields.has('MuteRemaining')) data.muteRemaining = reply.fields.optNum('MuteRemaining');
    call.fail(reply.code, reply.info || `error ${reply.code}`, data);
  }
}

// src/session.js
// The session: logging in (or entering as a guest) and out, the end of a session for good,
// and its survival of a lost connection (reconnect with backoff, log in again, rejoin the
// rooms and subscribe to user status again, then send what waited).


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

class Session {
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

// src/room.js
// A room as this client knows it: its profile, live state and pinned item from the join
// reply and the tips since, and this user's role and mute in it; how a join reply reads.


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
const LIVE_STATE_KEY = 'LiveState';
const PINNED_ITEM_KEY = 'PinnedItem';
const RESERVED_KEYS = new Set([LIVE_STATE_KEY, PINNED_ITEM_KEY, 'Likes', 'LuckyDraw']);

/** What the client knows about a room it is in. */
class Room {
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
function decodeLiveState(value, where) {
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
function decodePinnedItem(value, where) {
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
function decodeGroupProfile(f) {
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
function decodeJoin(f) {
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
function applyProfileChanges(profile, changes) {
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
function diffProfiles(before, after) {
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

// src/message.js
// What a message is — messages, tips and system notices alike — and how pushed frames
// become one.


/**
 * @typedef {Object} MessageElement
 * @property {string} type the protocol's `MsgType`
 * @property {Record<string, unknown>} content the protocol's `MsgContent`
 */

/**
 * @typedef {Object} TextPayload
 * @property {string} text
 */

/**
 * @typedef {Object} CustomPayload
 * @property {string} data
 * @property {string} description
 * @property {string} extension
 */

/**
 * @typedef {Object} FacePayload
 * @property {number} index
 * @property {string} data
 */

/**
 * @typedef {Object} TipMember
 * @property {string} userID
 * @property {string} [nick] join tips
 * @property {number} [muteTime] mute tips: seconds, 0 unmuted, 4294967295 permanent
 * @property {number} [banTime] ban tips: seconds
 */

/**
 * @typedef {Object} GroupInfoChange
 * @property {number} type 1 name, 2 introduction, 3 notification, 4 face URL, 6 custom field, 8 mute-all
 * @property {string} field
 * @property {string} value
 * @property {string} [key] the custom field's key (type 6)
 */

/**
 * @typedef {Object} TipPayload
 * @property {number} operationType one of the `TYPES.GRP_TIP_*` values
 * @property {string} operatorID
 * @property {string[]} userIDList the accounts in `memberList`
 * @property {TipMember[]} memberList
 * @property {number} [memberCount] online members after a join or quit (live rooms); members after it (groups that keep their members)
 * @property {GroupInfoChange[]} groupInfoChanges profile changes (operationType 7)
 * @property {string} [reason] why members were removed, when the operator said (groups that keep their members)
 */

/**
 * @typedef {Object} SystemNoticePayload
 * @property {number} operationType one of the `TYPES.GRP_SYS_*` values
 * @property {string} operatorID who acted: for a join request (operationType 1), the applicant (or the inviter)
 * @property {string} content the notice's text (a ban's description for operationType 4)
 * @property {number} [banTime] seconds of the ban (operationType 4)
 * @property {string} [applicant] join requests and their answers (operationType 1, 2, 3): who asked to join, or was invited
 * @property {number} [applicationType] join requests: `TYPES.GRP_APPLICATION_TYPE_JOIN` (asked) or `TYPES.GRP_APPLICATION_TYPE_INVITE` (invited by a member)
 * @property {string} [inviterID] join requests by invitation: the member who invited
 * @property {string} [messageForCheck] join requests: what the applicant wrote
 * @property {string} [handleMessage] answers (operationType 2, 3): what the owner or admin wrote
 * @property {string} [groupType] a new group's type (operationType 6)
 * @property {string} [groupName] a new group's name (operationType 6)
 * @property {string} [event] `DrawStarted` or `DrawEnded` for lucky-draw notices
 * @property {Record<string, unknown>} [draw] the draw, as sent
 */

/**
 * Fields every message has.
 * @typedef {Object} MessageBase
 * @property {string} ID the same message has the same ID on every device: `<from>-<random>` in a group, `<from>-<clientSequence>-<random>` one to one, `tip-<groupID>-<sequence>` for a group's stored tip
 * @property {ConversationType} conversationType `GROUP` (a live room or another group) or `C2C` (one to one)
 * @property {string} conversationID `GROUP<groupID>` or `C2C<the other user's ID>`
 * @property {string} to the room, or the receiving user
 * @property {string} from the sender's UserID (for tips and notices: the operator)
 * @property {string} nick the sender's nickname when it was sent
 * @property {string} avatar the sender's avatar when it was sent
 * @property {number} level the sender's level when it was sent (0 when statistics are off)
 * @property {number} sequence the group's sequence number, or the one-to-one conversation's (0 for live rooms' tips, notices, unsent and online-only messages)
 * @property {number} time Unix seconds
 * @property {number} random the sender's de-duplication key
 * @property {Priority} priority
 * @property {string} cloudCustomData
 * @property {boolean} isHistory part of the short history a joiner receives
 * @property {'in'|'out'} flow
 * @property {MessageStatus} status
 * @property {string} dropReason `MsgFreqCtrl` when the room's frequency control dropped an acknowledged message
 * @property {MessageElement[]} elements every element of the message; `type`/`payload` describe the first
 * @property {string} messageKey one to one: the server's `MsgKey` (`<sequence>_<random>_<time>`); empty in rooms
 * @property {number} clientSequence one to one: the sender's own number for the message (`MsgSeq`); 0 in rooms
 * @property {boolean} isRevoked one to one and groups that keep their messages: recalled (a page of history keeps it with no elements and an empty text)
 * @property {boolean} isModified one to one and groups that keep their messages: edited since it was sent
 * @property {boolean} isPeerRead one to one: the receiver has read it (the sender's messages)
 * @property {boolean} needReadReceipt one to one and groups that keep their messages: the sender asked for read receipts
 * @property {boolean} onlineOnly sent to who was online, never stored (`sequence` 0)
 * @property {string[]} atUserList groups that keep their messages: the users the message mentions (`TYPES.MSG_AT_ALL`: everyone)
 * @property {boolean} isSupportExtension groups that keep their messages: the sender made it take extensions (`setMessageExtensions`); known for this client's own sends only (the server does not say of others')
 * @property {{readCount: number, unreadCount: number}} [readReceiptInfo] groups that keep their messages: set by `getMessageReadReceiptList`
 */

/** @typedef {MessageBase & {type: 'TIMTextElem', payload: TextPayload}} TextMessage */
/** @typedef {MessageBase & {type: 'TIMCustomElem', payload: CustomPayload}} CustomMessage */
/** @typedef {MessageBase & {type: 'TIMFaceElem', payload: FacePayload}} FaceMessage */
/** @typedef {MessageBase & {type: 'TIMGroupTipElem', payload: TipPayload}} GroupTipMessage */
/** @typedef {MessageBase & {type: 'TIMGroupSystemNoticeElem', payload: SystemNoticePayload}} GroupSystemNoticeMessage */
/**
 * Messages whose payload is the element's `MsgContent` as sent.
 * @typedef {MessageBase & {type: 'TIMLocationElem'|'TIMImageElem'|'TIMSoundElem'|'TIMFileElem'|'TIMVideoFileElem'|'TIMRelayElem', payload: Record<string, unknown>}} OtherMessage
 */
/** @typedef {TextMessage | CustomMessage | FaceMessage | GroupTipMessage | GroupSystemNoticeMessage | OtherMessage} Message */

/**
 * The fields of a room's message that name its conversation and that only one-to-one
 * messages use.
 * @param {string} groupID
 */
function roomFields(groupID) {
  return {
    conversationType: /** @type {'GROUP'} */ (TYPES.CONV_GROUP),
    conversationID: `${TYPES.CONV_GROUP}${groupID}`,
    messageKey: '',
    clientSequence: 0,
    isRevoked: false,
    isModified: false,
    isPeerRead: false,
    needReadReceipt: false,
    onlineOnly: false,
    /** @type {string[]} */
    atUserList: [],
    isSupportExtension: false,
  };
}

/**
 * @param {unknown[]} body `MsgBody`
 * @param {string} where
 * @returns {MessageElement[]}
 */
function decodeBody(body, where) {
  if (body.length === 0) throw new FrameError(`${where}.MsgBody is empty`);
  return body.map((el, i) => {
    const f = new Fields(el, `${where}.MsgBody[${i}]`);
    return { type: f.str('MsgType'), content: f.obj('MsgContent').o };
  });
}

/**
 * @param {MessageElement} el
 * @param {string} where
 * @returns {TextPayload|CustomPayload|FacePayload|Record<string, unknown>}
 */
function decodePayload(el, where) {
  const c = new Fields(el.content, `${where}.MsgContent`);
  switch (el.type) {
    case TYPES.MSG_TEXT:
      return { text: c.str('Text') };
    case TYPES.MSG_CUSTOM:
      return { data: c.optStr('Data'), description: c.optStr('Desc'), extension: c.optStr('Ext') };
    case TYPES.MSG_FACE:
      return { index: c.num('Index'), data: c.optStr('Data') };
    default:
      return { ...el.content };
  }
}

/**
 * @param {unknown} value
 * @returns {Priority}
 */
function toPriority(value) {
  return typeof value === 'string' && PRIORITIES.has(value) ? /** @type {Priority} */ (value) : 'Normal';
}

/**
 * @param {Fields} f a `message` push
 * @returns {Message}
 */
function decodeMessage(f) {
  const from = f.str('From_Account');
  const random = f.optNum('MsgRandom');
  const elements = decodeBody(f.arr('MsgBody'), 'message');
  return /** @type {Message} */ ({
    ID: `${from}-${random}`,
    type: elements[0].type,
    payload: decodePayload(elements[0], 'message.MsgBody[0]'),
    elements,
    to: f.str('GroupId'),
    from,
    nick: f.optStr('NickName'),
    avatar: f.optStr('Avatar'),
    level: f.optNum('Level'),
    sequence: f.num('MsgSeq'),
    time: f.num('MsgTime'),
    random,
    priority: toPriority(f.o.MsgPriority),
    cloudCustomData: f.optStr('CloudCustomData'),
    isHistory: f.optBool('History'),
    flow: 'in',
    status: 'success',
    dropReason: '',
    ...roomFields(f.str('GroupId')),
  });
}

/**
 * @param {Fields} c a tip's `MsgContent`
 * @returns {TipPayload}
 */
function decodeTipPayload(c) {
  const memberList = c.optArr('MemberList').map((m, i) => {
    const mf = new Fields(m, `${c.where}.MemberList[${i}]`);
    /** @type {TipMember} */
    const member = { userID: mf.str('Member_Account') };
    if (mf.has('NickName')) member.nick = mf.str('NickName');
    if (mf.has('MuteTime')) member.muteTime = mf.num('MuteTime');
    if (mf.has('BanTime')) member.banTime = mf.num('BanTime');
    return member;
  });
  /** @type {TipPayload} */
  const payload = {
    operationType: c.num('OpType'),
    operatorID: c.optStr('Operator_Account'),
    userIDList: memberList.map((m) => m.userID),
    memberList,
    groupInfoChanges: c.optArr('GroupInfoChange').map((ch, i) => {
      const cf = new Fields(ch, `${c.where}.GroupInfoChange[${i}]`);
      /** @type {GroupInfoChange} */
      const change = { type: cf.num('Type'), field: cf.optStr('Field'), value: cf.optStr('Value') };
      if (cf.has('Key')) change.key = cf.str('Key');
      return change;
    }),
  };
  const memberCount = c.maybeNum('MemberNum');
  if (memberCount !== undefined) payload.memberCount = memberCount;
  if (c.has('Reason')) payload.reason = c.str('Reason');
  return payload;
}

/**
 * @param {Fields} c a system notice's `MsgContent`
 * @returns {SystemNoticePayload}
 */
function decodeSystemPayload(c) {
  const applicant = c.optStr('Applicant_Account');
  /** @type {SystemNoticePayload} */
  const payload = {
    operationType: c.num('OpType'),
    operatorID: c.optStr('Operator_Account') || c.optStr('Inviter_Account') || applicant,
    content: c.optStr('Content'),
  };
  const banTime = c.maybeNum('BanTime');
  if (banTime !== undefined) payload.banTime = banTime;
  if (applicant !== '') payload.applicant = applicant;
  if (c.has('Kind')) {
    payload.applicationType =
      c.str('Kind') === 'Invite' ? TYPES.GRP_APPLICATION_TYPE_INVITE : TYPES.GRP_APPLICATION_TYPE_JOIN;
    payload.messageForCheck = c.optStr('ApplyMessage');
  }
  if (c.has('Inviter_Account')) payload.inviterID = c.str('Inviter_Account');
  if (c.has('Reason')) payload.handleMessage = c.str('Reason');
  if (c.has('Event')) payload.event = c.str('Event');
  if (payload.operationType === TYPES.GRP_SYS_GROUP_CREATED) {
    payload.groupType = c.optStr('Type');
    payload.groupName = c.optStr('Name');
  }
  if (c.has('Draw')) payload.draw = c.obj('Draw').o;
  return payload;
}

/**
 * A `tip` or `system` push as a message, with its content for the events it implies.
 * @param {Fields} f
 * @param {'TIMGroupTipElem'|'TIMGroupSystemNoticeElem'} type
 * @param {number} serial distinguishes pushes of the same second in their IDs
 * @returns {{message: Message, content: Fields}}
 */
function decodeElemPush(f, type, serial) {
  const elements = decodeBody(f.arr('MsgBody'), f.where);
  if (elements[0].type !== type) throw new FrameError(`${f.where}.MsgBody[0].MsgType is not ${type}`);
  const content = new Fields(elements[0].content, `${f.where}.MsgContent`);
  const isTip = type === TYPES.MSG_GRP_TIP;
  const payload = isTip ? decodeTipPayload(content) : decodeSystemPayload(content);
  const groupID = f.str('GroupId');
  // Fixed server priorities: join and quit tips Low, every other tip and notice High.
  const low =
    isTip && (payload.operationType === TYPES.GRP_TIP_MBR_JOIN || payload.operationType === TYPES.GRP_TIP_MBR_QUIT);
  const message = /** @type {Message} */ ({
    ID: `${isTip ? 'tip' : 'system'}-${groupID}-${f.num('MsgTime')}-${serial}`,
    type,
    payload,
    elements,
    to: groupID,
    from: payload.operatorID,
    nick: '',
    avatar: '',
    level: 0,
    sequence: 0,
    time: f.num('MsgTime'),
    random: 0,
    priority: low ? 'Low' : 'High',
    cloudCustomData: '',
    isHistory: false,
    flow: 'in',
    status: 'success',
    dropReason: '',
    ...roomFields(groupID),
  });
  return { message, content };
}

// src/live.js
// A live room's own requests (owner, admins, App admins): its live state, the pinned item,
// lucky draws, the room's profile and its audience statistics; how a draw reads.


/**
 * @typedef {Object} DrawInfo
 * @property {string} drawID
 * @property {string} keyword
 * @property {number} duration seconds
 * @property {number} winners how many will be drawn
 */

/**
 * @typedef {Object} DrawResult
 * @property {string} drawID
 * @property {string} keyword
 * @property {string} startedBy
 * @property {number} startTime
 * @property {number} endTime
 * @property {number} entrants
 * @property {string} seed the shuffle's seed as decimal text (it exceeds JavaScript's safe integers)
 * @property {string} entrantsHash SHA-256 (hex) of the sorted entrants joined by newlines
 * @property {string[]} winners
 */

/**
 * @param {Fields} f a lucky draw's `Draw` when it starts
 * @returns {DrawInfo}
 */
function decodeDrawInfo(f) {
  return {
    drawID: f.str('DrawId'),
    keyword: f.str('Keyword'),
    duration: f.num('Duration'),
    winners: f.optNum('Winners', 1),
  };
}

/**
 * @param {Fields} f a lucky draw's `Draw` when it ends
 * @returns {DrawResult}
 */
function decodeDrawResult(f) {
  const seed = f.o.Seed;
  if (typeof seed !== 'string' && typeof seed !== 'number') throw f.bad('Seed', 'a number');
  return {
    drawID: f.str('DrawId'),
    keyword: f.str('Keyword'),
    startedBy: f.optStr('StartedBy'),
    startTime: f.num('StartTime'),
    endTime: f.num('EndTime'),
    entrants: f.num('Entrants'),
    seed: String(seed),
    entrantsHash: f.optStr('EntrantsHash'),
    winners: f.arr('Winners').map((w, i) => {
      if (typeof w !== 'string') throw new FrameError(`${f.where}.Winners[${i}] is not a string`);
      return w;
    }),
  };
}

class Live {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
  }

  /**
   * `Chat#setLiveState`
   * @param {string} groupID
   * @param {LiveStateName} state
   * @param {{newSession?: boolean}} options
   * @returns {Promise<Response<{liveState: LiveState}>>}
   */
  async setLiveState(groupID, state, options) {
    requireID(groupID, 'groupID');
    if (typeof state !== 'string' || !LIVE_STATES.has(state)) throw invalid('state must be one of TYPES.LIVE_STATE_*');
    /** @type {Record<string, unknown>} */
    const frame = { op: 'set_live_state', GroupId: groupID, State: state };
    if (isObject(options) && options.newSession === true) frame.NewSession = true;
    const reply = await this.client.requests.request(frame);
    const liveState = decodeOrThrow(() => decodeLiveState(reply.o.LiveState, 'reply.LiveState'));
    return { code: 0, data: { liveState } };
  }

  /**
   * `Chat#pinItem`
   * @param {string} groupID
   * @param {PinnedItem} item
   * @returns {Promise<Response<{}>>}
   */
  async pinItem(groupID, item) {
    requireID(groupID, 'groupID');
    if (!isObject(item)) throw invalid('item must be an object with ItemId and Title');
    await this.client.requests.request({ op: 'pin_item', GroupId: groupID, Item: item });
    return { code: 0, data: {} };
  }

  /**
   * `Chat#unpinItem`
   * @param {string} groupID
   * @returns {Promise<Response<{}>>}
   */
  async unpinItem(groupID) {
    requireID(groupID, 'groupID');
    await this.client.requests.request({ op: 'unpin_item', GroupId: groupID });
    return { code: 0, data: {} };
  }

  /**
   * `Chat#startDraw`
   * @param {string} groupID
   * @param {{keyword: string, duration: number, winners?: number}} options
   * @returns {Promise<Response<{drawID: string}>>}
   */
  async startDraw(groupID, options) {
    requireID(groupID, 'groupID');
    if (!isObject(options)) throw invalid('startDraw needs {keyword, duration}');
    /** @type {Record<string, unknown>} */
    const frame = {
      op: 'start_draw',
      GroupId: groupID,
      Keyword: requireID(options.keyword, 'keyword'),
      Duration: requireCount(options.duration, 'duration'),
    };
    if (options.winners !== undefined) frame.Winners = requireCount(options.winners, 'winners');
    const reply = await this.client.requests.request(frame);
    return { code: 0, data: { drawID: decodeOrThrow(() => reply.str('DrawId')) } };
  }

  /**
   * `Chat#modifyGroup`
   * @param {string} groupID
   * @param {{name?: string, introduction?: string, notification?: string, faceURL?: string, custom?: Record<string, string>}} changes
   * @returns {Promise<Response<{}>>}
   */
  async modifyGroup(groupID, changes) {
    requireID(groupID, 'groupID');
    if (!isObject(changes)) throw invalid('modifyGroup needs an object of changes');
    /** @type {Record<string, unknown>} */
    const frame = { op: 'modify_group', GroupId: groupID };
    /** @type {Array<[string, string | undefined, string]>} */
    const fields = [
      ['name', changes.name, 'Name'],
      ['introduction', changes.introduction, 'Introduction'],
      ['notification', changes.notification, 'Notification'],
      ['faceURL', changes.faceURL, 'FaceUrl'],
    ];
    for (const [key, v, wire] of fields) {
      if (v === undefined) continue;
      if (typeof v !== 'string') throw invalid(`${key} must be a string`);
      frame[wire] = v;
    }
    if (changes.custom !== undefined) {
      if (!isObject(changes.custom)) throw invalid('custom must be an object of strings');
      const items = [];
      for (const [Key, Value] of Object.entries(changes.custom)) {
        if (typeof Value !== 'string') throw invalid(`custom.${Key} must be a string`);
        items.push({ Key, Value });
      }
      frame.AppDefinedData = items;
    }
    await this.client.requests.request(frame);
    return { code: 0, data: {} };
  }

  /**
   * `Chat#getRoomStats`
   * @param {string} groupID
   * @param {{session?: number, orderBy?: 'GiftValue'|'Gifts'|'Messages'|'Likes'|'OnlineTime', top?: number}} options
   * @returns {Promise<Response<Record<string, any>>>}
   */
  async getRoomStats(groupID, options) {
    requireID(groupID, 'groupID');
    if (!isObject(options)) throw invalid('options must be an object');
    /** @type {Record<string, unknown>} */
    const frame = { op: 'room_stats', GroupId: groupID };
    if (options.session !== undefined) frame.Session = requireCount(options.session, 'session');
    if (options.top !== undefined) {
      if (!isCount(options.top) || options.top > 100) throw invalid('top must be 0 to 100');
      frame.Top = options.top;
    }
    if (options.orderBy !== undefined) frame.OrderBy = requireID(options.orderBy, 'orderBy');
    const reply = await this.client.requests.request(frame);
    /** @type {Record<string, any>} */
    const data = {};
    for (const [k, v] of Object.entries(reply.o)) {
      if (k !== 'op' && k !== 'id' && k !== 'ErrorCode' && k !== 'ErrorInfo') data[k] = v;
    }
    return { code: 0, data };
  }
}

// src/rooms.js
// The rooms this session is in: joining, quitting and rejoining after a reconnect, the tips
// and system notices that change a room (profile, live state, pinned item, admins, mutes,
// bans), and this user's mute state in each (the MUTED event). A `join` of a group that
// keeps its members is answered here and handed to groups.js.


/** The longest delay `setTimeout` honours (about 24.8 days). */
const MAX_TIMER_MS = 2147483647;

/** Server errors of a rejoin that are worth retrying with the whole reconnection. */
const TRANSIENT_SERVER_CODES = new Set([10002, 60018]);

/** Rooms left lately that are remembered, so their late pushes are still a room's. */
const LEFT_KEPT = 64;

class Rooms {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private @type {Map<string, Room>} */
    this.rooms = new Map();
    /** @private distinguishes the IDs of tips and notices of the same second */
    this.pushSerial = 0;
    /** @private @type {Map<string, number>} `join` requests in flight, by group */
    this.joining = new Map();
    /** @private @type {Set<string>} rooms left lately, oldest first */
    this.left = new Set();
  }

  /** @param {string} groupID */
  get(groupID) {
    return this.rooms.get(groupID);
  }

  /**
   * Whether `groupID` is a live room this connection is joining, or left lately: its
   * pushes are a room's.
   * @param {string} groupID
   */
  wasLive(groupID) {
    return this.joining.has(groupID) || this.left.has(groupID);
  }

  /**
   * `Chat#joinGroup`
   * @param {{groupID: string}} options
   * @returns {Promise<Response<JoinResult>>}
   */
  async join(options) {
    const groupID = requireID(isObject(options) ? options.groupID : undefined, 'groupID');
    const session = this.client.session;
    const epoch = session.epoch;
    this.joining.set(groupID, (this.joining.get(groupID) || 0) + 1);
    let reply;
    try {
      reply = await this.client.requests.request({ op: 'join', GroupId: groupID });
    } finally {
      const n = (this.joining.get(groupID) || 1) - 1;
      if (n > 0) this.joining.set(groupID, n);
      else this.joining.delete(groupID);
    }
    const joined = decodeOrThrow(() => decodeJoin(reply));
    // A group that keeps its members: joined for good, or asked to join; never a room here.
    if (joined.group.type !== 'AVChatRoom') {
      const pending = reply.optBool('Pending');
      return { code: 0, data: epoch === session.epoch ? this.client.groups.joined(joined, pending) : joined };
    }
    if (epoch === session.epoch) this.enter(joined, false);
    return { code: 0, data: joined };
  }

  /**
   * `Chat#quitGroup`
   * @param {string} groupID
   * @returns {Promise<Response<{groupID: string}>>}
   */
  async quit(groupID) {
    requireID(groupID, 'groupID');
    this.forget(groupID);
    await this.client.requests.request({ op: 'quit', GroupId: groupID });
    return { code: 0, data: { groupID } };
  }

  /**
   * Joins every room again after a reconnect. The server replays the short history; the
   * sequence windows drop what was delivered before.
   * @param {number} epoch
   */
  async rejoinAll(epoch) {
    const { requests, session, inbox } = this.client;
    for (const groupID of Array.from(this.rooms.keys())) {
      let reply;
      try {
        reply = await requests.direct({ op: 'join', GroupId: groupID });
      } catch (err) {
        const e = /** @type {LiveRoomError} */ (err);
        if (e.code < 0 || TRANSIENT_SERVER_CODES.has(e.code) || epoch !== session.epoch) throw e;
        // The room is gone, or the user may no longer enter it: stop trying.
        this.forget(groupID);
        inbox.emitInOrder(EVENT.REMOVED_FROM_GROUP, {
          groupID,
          reason: 'rejoin_failed',
          operatorID: '',
          code: e.code,
          description: e.message,
        });
        continue;
      }
      if (epoch !== session.epoch) return;
      if (!this.rooms.has(groupID)) continue; // quit meanwhile
      this.enter(
        decodeOrThrow(() => decodeJoin(reply)),
        true,
      );
    }
  }

  /**
   * Records a joined room; on a rejoin, announces what changed while the client was away.
   * @private
   * @param {JoinResult} joined
   * @param {boolean} rejoin
   */
  enter(joined, rejoin) {
    // One room per connection: the server left these rooms for us.
    for (const left of joined.left) {
      if (left !== joined.groupID) this.forget(left);
    }
    const groupID = joined.groupID;
    const before = this.rooms.get(groupID);
    if (before && rejoin) {
      this.announceRejoin(before, joined);
      return;
    }
    const room = before || new Room(joined);
    this.left.delete(groupID);
    if (before) {
      room.profile = joined.group;
      room.liveState = joined.liveState;
      room.pinnedItem = joined.pinnedItem;
    }
    this.rooms.set(groupID, room);
    this.updateMute(groupID, (r) => r.setMute(joined.muteRemaining), { quietUnlessMuted: !before });
  }

  /**
   * @private
   * @param {Room} room
   * @param {JoinResult} joined
   */
  announceRejoin(room, joined) {
    const inbox = this.client.inbox;
    const groupID = joined.groupID;
    const changes = diffProfiles(room.profile, joined.group);
    room.profile = joined.group;
    if (Object.keys(changes).length > 0)
      inbox.emitInOrder(EVENT.GROUP_PROFILE_UPDATED, { groupID, operatorID: '', changes });
    if (joined.liveState && JSON.stringify(joined.liveState) !== JSON.stringify(room.liveState)) {
      room.liveState = joined.liveState;
      inbox.emitInOrder(EVENT.LIVE_STATE_CHANGED, { groupID, liveState: joined.liveState, operatorID: '' });
    }
    if (JSON.stringify(joined.pinnedItem) !== JSON.stringify(room.pinnedItem)) {
      room.pinnedItem = joined.pinnedItem;
      inbox.emitInOrder(EVENT.ITEM_PINNED, { groupID, item: joined.pinnedItem, operatorID: '' });
    }
    inbox.emitInOrder(EVENT.ONLINE_COUNT_UPDATED, { groupID, memberCount: joined.memberCount });
    this.updateMute(groupID, (r) => r.setMute(joined.muteRemaining));
  }

  /**
   * Forgets a room: no rejoin, no sequence window, no mute timer.
   * @param {string} groupID
   */
  forget(groupID) {
    const room = this.rooms.get(groupID);
    if (room && room.muteTimer !== null) clearTimeout(room.muteTimer);
    if (this.rooms.delete(groupID)) {
      this.left.delete(groupID);
      this.left.add(groupID);
      for (const oldest of this.left) {
        if (this.left.size <= LEFT_KEPT) break;
        this.left.delete(oldest);
      }
    }
    this.client.messages.forgetRoom(groupID);
    this.client.likes.forgetRoom(groupID);
  }

  /** Forgets every room: the session is over. */
  forgetAll() {
    for (const groupID of Array.from(this.rooms.keys())) this.forget(groupID);
    this.left.clear();
    this.joining.clear();
  }

  /**
   * Applies a change to this user's mute state in a room and emits MUTED when the state
   * (muted or not, mute-all, or the remaining time) changed.
   * @private
   * @param {string} groupID
   * @param {(room: Room) => void} change
   * @param {{quietUnlessMuted?: boolean}} [options] quietUnlessMuted: a first join announces a mute, not its absence
   */
  updateMute(groupID, change, options = {}) {
    const room = this.rooms.get(groupID);
    if (!room) return;
    change(room);
    this.armMuteTimer(groupID, room);
    const state = room.muteState(groupID, this.client.session.userID());
    const changed = room.noteMuteState(state);
    if (options.quietUnlessMuted ? state.muted : changed) this.client.inbox.emitInOrder(EVENT.MUTED, state);
  }

  /**
   * Announces the end of a timed mute when it comes.
   * @private
   * @param {string} groupID
   * @param {Room} room
   */
  armMuteTimer(groupID, room) {
    if (room.muteTimer !== null) clearTimeout(room.muteTimer);
    room.muteTimer = null;
    if (room.mutedUntil === 0 || room.mutedUntil === Infinity) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, room.mutedUntil - Date.now()));
    room.muteTimer = setTimeout(() => {
      room.muteTimer = null;
      if (this.rooms.get(groupID) !== room) return;
      if (Date.now() < room.mutedUntil) this.armMuteTimer(groupID, room);
      else this.updateMute(groupID, (r) => r.setMute(0));
    }, wait);
  }

  /**
   * A send refused with 10017: the user's own mute (with MuteRemaining), or mute-all.
   * @param {string} groupID
   * @param {unknown} muteRemaining
   */
  refusedAsMuted(groupID, muteRemaining) {
    this.updateMute(groupID, (room) => {
      if (typeof muteRemaining === 'number') room.setMute(muteRemaining);
      else room.profile = { ...room.profile, muteAllMembers: true };
    });
  }

  /**
   * A `tip` push.
   * @param {Fields} f
   */
  onTip(f) {
    const { message, content } = decodeElemPush(f, TYPES.MSG_GRP_TIP, ++this.pushSerial);
    this.client.inbox.deliver(message);
    this.applyTip(message, content);
  }

  /**
   * What a delivered tip changes in its room (or group): profile, live state, pinned item,
   * this user's mute and role.
   * @param {Message} message
   * @param {Fields} content the tip's `MsgContent`
   */
  applyTip(message, content) {
    const payload = /** @type {TipPayload} */ (message.payload);
    const groupID = message.to;
    const me = this.client.session.userID();
    const aboutMe = me !== '' && payload.userIDList.indexOf(me) >= 0;
    switch (payload.operationType) {
      case TYPES.GRP_TIP_GRP_PROFILE_UPDATED:
        this.onProfileTip(groupID, payload.operatorID, content);
        break;
      case TYPES.GRP_TIP_MBR_PROFILE_UPDATED: {
        const mine = payload.memberList.find((m) => m.userID === me);
        if (mine && mine.muteTime !== undefined)
          this.updateMute(groupID, (room) => room.setMute(/** @type {number} */ (mine.muteTime)));
        break;
      }
      case TYPES.GRP_TIP_MBR_SET_ADMIN:
      case TYPES.GRP_TIP_MBR_CANCELED_ADMIN:
        if (aboutMe) {
          const admin = payload.operationType === TYPES.GRP_TIP_MBR_SET_ADMIN;
          this.updateMute(groupID, (room) => {
            room.isAdmin = admin;
          });
        }
        break;
    }
  }

  /**
   * A GROUP_INFO_CHANGE tip: live state, pinned item, mute-all and plain profile fields.
   * @private
   * @param {string} groupID
   * @param {string} operatorID
   * @param {Fields} content
   */
  onProfileTip(groupID, operatorID, content) {
    const room = this.rooms.get(groupID);
    /** @type {GroupProfileChanges} */
    const changes = {};
    content.optArr('GroupInfoChange').forEach((raw, i) => {
      const ch = new Fields(raw, `${content.where}.GroupInfoChange[${i}]`);
      const value = ch.optStr('Value');
      switch (ch.num('Type')) {
        case 1:
          changes.name = value;
          break;
        case 2:
          changes.introduction = value;
          break;
        case 3:
          changes.notification = value;
          break;
        case 4:
          changes.avatar = value;
          break;
        case 5:
          changes.ownerID = value;
          break;
        case 8:
          changes.muteAllMembers = value === 'On';
          break;
        case 6:
          this.onCustomFieldChange(groupID, operatorID, ch, changes);
          break;
      }
    });
    if (room) room.profile = applyProfileChanges(room.profile, changes);
    if (changes.muteAllMembers !== undefined) this.updateMute(groupID, () => {});
    if (Object.keys(changes).length > 0)
      this.client.inbox.emitInOrder(EVENT.GROUP_PROFILE_UPDATED, { groupID, operatorID, changes });
  }

  /**
   * @private
   * @param {string} groupID
   * @param {string} operatorID
   * @param {Fields} ch one `GroupInfoChange` entry of type 6
   * @param {GroupProfileChanges} changes collects plain custom fields
   */
  onCustomFieldChange(groupID, operatorID, ch, changes) {
    const key = ch.str('Key');
    const value = ch.optStr('Value');
    const room = this.rooms.get(groupID);
    if (key === LIVE_STATE_KEY) {
      // The tip carries the parsed object beside the reference's string value.
      const liveState = decodeLiveState(
        ch.has(LIVE_STATE_KEY) ? ch.o[LIVE_STATE_KEY] : parseJSON(value, ch),
        `${ch.where}.LiveState`,
      );
      if (room) room.liveState = liveState;
      this.client.inbox.emitInOrder(EVENT.LIVE_STATE_CHANGED, { groupID, liveState, operatorID });
    } else if (key === PINNED_ITEM_KEY) {
      const raw = ch.has(PINNED_ITEM_KEY) || value === '' ? ch.o[PINNED_ITEM_KEY] : parseJSON(value, ch);
      const item = decodePinnedItem(raw, `${ch.where}.PinnedItem`);
      if (room) room.pinnedItem = item;
      this.client.inbox.emitInOrder(EVENT.ITEM_PINNED, { groupID, item, operatorID });
    } else if (!RESERVED_KEYS.has(key)) {
      changes.customFields = { ...changes.customFields, [key]: value };
    }
  }

  /**
   * A `system` push.
   * @param {Fields} f
   */
  onSystem(f) {
    const { message, content } = decodeElemPush(f, TYPES.MSG_GRP_SYS_NOTICE, ++this.pushSerial);
    const payload = /** @type {SystemNoticePayload} */ (message.payload);
    const groupID = message.to;
    const inbox = this.client.inbox;
    inbox.deliver(message);
    const operatorID = payload.operatorID;
    if (payload.operationType === TYPES.GRP_SYS_KICKED_OUT) {
      this.forget(groupID);
      inbox.emitInOrder(EVENT.REMOVED_FROM_GROUP, {
        groupID,
        reason: 'banned',
        operatorID,
        banTime: payload.banTime || 0,
        description: payload.content,
      });
    } else if (payload.operationType === TYPES.GRP_SYS_DISMISSED) {
      this.forget(groupID);
      inbox.emitInOrder(EVENT.REMOVED_FROM_GROUP, { groupID, reason: 'dismissed', operatorID });
    } else if (payload.event === 'DrawStarted') {
      inbox.emitInOrder(EVENT.DRAW_STARTED, { groupID, operatorID, draw: decodeDrawInfo(content.obj('Draw')) });
    } else if (payload.event === 'DrawEnded') {
      inbox.emitInOrder(EVENT.DRAW_RESULT, { groupID, operatorID, result: decodeDrawResult(content.obj('Draw')) });
    }
    this.client.groups.onSystem(message);
  }
}

// src/messages.js
// Sending and receiving messages: creating them, sending with acknowledgement (and again
// after a reconnect), and dropping repeats of live rooms' messages already delivered.


/**
 * @typedef {Object} TextMessageOptions
 * @property {string} to the room, the group, a community's topic (its topic ID), or the user (`conversationType: TYPES.CONV_C2C`)
 * @property {ConversationType} [conversationType] `TYPES.CONV_GROUP` (default) or `TYPES.CONV_C2C`
 * @property {{text: string}} payload
 * @property {Priority} [priority] rooms: default `Normal`
 * @property {string} [cloudCustomData]
 * @property {boolean} [needReadReceipt] one to one and groups that keep their messages: the sender asks for read receipts
 * @property {boolean} [isSupportExtension] groups that keep their messages: the message takes extensions (`setMessageExtensions`)
 */

/**
 * @typedef {Object} TextAtMessageOptions
 * @property {string} to a group that keeps its messages, or a community's topic
 * @property {'GROUP'} [conversationType] `TYPES.CONV_GROUP`, the only one
 * @property {{text: string, atUserList: string[]}} payload atUserList: the users mentioned, `TYPES.MSG_AT_ALL` for everyone
 * @property {Priority} [priority]
 * @property {string} [cloudCustomData]
 * @property {boolean} [needReadReceipt]
 * @property {boolean} [isSupportExtension]
 */

/**
 * @typedef {Object} CustomMessageOptions
 * @property {string} to the room, the group, a community's topic (its topic ID), or the user (`conversationType: TYPES.CONV_C2C`)
 * @property {ConversationType} [conversationType] `TYPES.CONV_GROUP` (default) or `TYPES.CONV_C2C`
 * @property {{data: string, description?: string, extension?: string}} payload
 * @property {Priority} [priority] rooms: default `Normal`
 * @property {string} [cloudCustomData]
 * @property {boolean} [needReadReceipt] one to one and groups that keep their messages: the sender asks for read receipts
 * @property {boolean} [isSupportExtension] groups that keep their messages: the message takes extensions (`setMessageExtensions`)
 */

/**
 * @typedef {Object} FaceMessageOptions
 * @property {string} to the room, the group, a community's topic (its topic ID), or the user (`conversationType: TYPES.CONV_C2C`)
 * @property {ConversationType} [conversationType] `TYPES.CONV_GROUP` (default) or `TYPES.CONV_C2C`
 * @property {{index: number, data?: string}} payload
 * @property {Priority} [priority] rooms: default `Normal`
 * @property {string} [cloudCustomData]
 * @property {boolean} [needReadReceipt] one to one and groups that keep their messages: the sender asks for read receipts
 * @property {boolean} [isSupportExtension] groups that keep their messages: the message takes extensions (`setMessageExtensions`)
 */

/**
 * A bounded set of a room's delivered sequence numbers. It is a set, not a high-water mark:
 * broadcasts carry time-based numbers far above the room's own.
 */
class SeqWindow {
  /** @param {number} limit */
  constructor(limit) {
    this.limit = limit;
    /** @type {Set<number>} */
    this.seen = new Set();
  }

  /**
   * Records `seq`; false when it was recorded before.
   * @param {number} seq
   */
  add(seq) {
    if (this.seen.has(seq)) return false;
    this.seen.add(seq);
    if (this.seen.size > this.limit) {
      // Sets iterate in insertion order: the first entry is the oldest.
      for (const oldest of this.seen) {
        this.seen.delete(oldest);
        break;
      }
    }
    return true;
  }
}

/** @returns {number} a random unsigned 32-bit integer */
function randomUint32() {
  const crypto = globalThis.crypto;
  if (crypto && typeof crypto.getRandomValues === 'function') {
    return crypto.getRandomValues(new Uint32Array(1))[0];
  }
  return Math.floor(Math.random() * 0x100000000);
}

/**
 * @param {unknown} value
 * @returns {Priority}
 */
function requirePriority(value) {
  if (value === undefined) return 'Normal';
  if (typeof value !== 'string' || !PRIORITIES.has(value)) {
    throw invalid('priority must be one of TYPES.MSG_PRIORITY_*');
  }
  return /** @type {Priority} */ (value);
}

/**
 * @param {unknown} value
 * @returns {ConversationType}
 */
function requireConversationType(value) {
  if (value === undefined || value === TYPES.CONV_GROUP) return 'GROUP';
  if (value === TYPES.CONV_C2C) return 'C2C';
  throw invalid('conversationType must be TYPES.CONV_GROUP or TYPES.CONV_C2C');
}

/**
 * @param {string} groupID
 * @param {number} random
 */
function outgoingKey(groupID, random) {
  return `${groupID}\n${random}`;
}

class Messages {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private @type {Map<string, SeqWindow>} */
    this.seen = new Map();
    /** @private @type {Map<string, Message>} sends awaiting their reply, by room and Random */
    this.outgoing = new Map();
  }

  /**
   * `Chat#createTextMessage`
   * @param {TextMessageOptions} options
   * @returns {TextMessage}
   */
  createText(options) {
    if (!isObject(options) || !isObject(options.payload))
      throw invalid('createTextMessage needs {to, payload: {text}}');
    const text = options.payload.text;
    if (typeof text !== 'string') throw invalid('payload.text must be a string');
    const element = { type: TYPES.MSG_TEXT, content: { Text: text } };
    return /** @type {TextMessage} */ (this.outgoingMessage(options, element, { text }));
  }

  /**
   * `Chat#createTextAtMessage`
   * @param {TextAtMessageOptions} options
   * @returns {TextMessage}
   */
  createTextAt(options) {
    if (!isObject(options) || !isObject(options.payload))
      throw invalid('createTextAtMessage needs {to, payload: {text, atUserList}}');
    if (options.conversationType !== undefined && options.conversationType !== TYPES.CONV_GROUP)
      throw invalid('createTextAtMessage makes group messages (conversationType TYPES.CONV_GROUP)');
    const atUserList = requireIDList(options.payload.atUserList, 'payload.atUserList');
    const message = this.createText({ ...options, payload: { text: /** @type {string} */ (options.payload.text) } });
    message.atUserList = atUserList;
    return message;
  }

  /**
   * `Chat#createCustomMessage`
   * @param {CustomMessageOptions} options
   * @returns {CustomMessage}
   */
  createCustom(options) {
    if (!isObject(options) || !isObject(options.payload))
      throw invalid('createCustomMessage needs {to, payload: {data}}');
    const p = options.payload;
    const data = optionalString(p.data, 'payload.data');
    const description = optionalString(p.description, 'payload.description');
    const extension = optionalString(p.extension, 'payload.extension');
    /** @type {Record<string, unknown>} */
    const content = { Data: data };
    if (description !== '') content.Desc = description;
    if (extension !== '') content.Ext = extension;
    const element = { type: TYPES.MSG_CUSTOM, content };
    return /** @type {CustomMessage} */ (this.outgoingMessage(options, element, { data, description, extension }));
  }

  /**
   * `Chat#createFaceMessage`
   * @param {FaceMessageOptions} options
   * @returns {FaceMessage}
   */
  createFace(options) {
    if (!isObject(options) || !isObject(options.payload))
      throw invalid('createFaceMessage needs {to, payload: {index}}');
    const index = options.payload.index;
    if (typeof index !== 'number' || !Number.isFinite(index)) throw invalid('payload.index must be a number');
    const data = optionalString(options.payload.data, 'payload.data');
    /** @type {Record<string, unknown>} */
    const content = { Index: index };
    if (data !== '') content.Data = data;
    const element = { type: TYPES.MSG_FACE, content };
    return /** @type {FaceMessage} */ (this.outgoingMessage(options, element, { index, data }));
  }

  /**
   * @private
   * @param {{to: unknown, conversationType?: unknown, priority?: unknown, cloudCustomData?: unknown, needReadReceipt?: unknown, isSupportExtension?: unknown}} options
   * @param {MessageElement} element
   * @param {TextPayload|CustomPayload|FacePayload} payload
   * @returns {Message}
   */
  outgoingMessage(options, element, payload) {
    const to = requireID(options.to, 'to');
    const c2c = requireConversationType(options.conversationType) === TYPES.CONV_C2C;
    const priority = requirePriority(options.priority);
    const cloudCustomData = optionalString(options.cloudCustomData, 'cloudCustomData');
    if (options.needReadReceipt !== undefined && typeof options.needReadReceipt !== 'boolean')
      throw invalid('needReadReceipt must be a boolean');
    if (options.isSupportExtension !== undefined && typeof options.isSupportExtension !== 'boolean')
      throw invalid('isSupportExtension must be a boolean');
    if (c2c && options.isSupportExtension === true) throw invalid('isSupportExtension: one-to-one messages take no extensions here');
    const random = randomUint32();
    const clientSequence = c2c ? randomUint32() : 0;
    const from = this.client.session.userID();
    const me = this.client.session.me;
    return /** @type {Message} */ ({
      ID: c2c ? `${from}-${clientSequence}-${random}` : `${from}-${random}`,
      type: element.type,
      payload,
      elements: [element],
      to,
      from,
      nick: me ? me.nick : '',
      avatar: me ? me.avatar : '',
      level: me ? me.level : 0,
      sequence: 0,
      time: 0,
      random,
      priority,
      cloudCustomData,
      isHistory: false,
      flow: 'out',
      status: 'unSend',
      dropReason: '',
      ...roomFields(to),
      needReadReceipt: options.needReadReceipt === true,
      isSupportExtension: options.isSupportExtension === true,
      ...(c2c ? { conversationType: TYPES.CONV_C2C, conversationID: `${TYPES.CONV_C2C}${to}`, clientSequence } : {}),
    });
  }

  /**
   * `Chat#sendMessage`
   * @param {Message} message
   * @param {SendOptions & GroupSendOptions} [options] one to one and groups that keep their messages
   * @returns {Promise<Response<{message: Message}>>}
   */
  async send(message, options) {
    if (!isObject(message) || message.flow !== 'out' || !Array.isArray(message.elements)) {
      throw invalid('sendMessage takes a message from createTextMessage, createCustomMessage or createFaceMessage');
    }
    if (message.status === 'sending' || message.status === 'success')
      throw invalid(`the message is already ${message.status === 'sending' ? 'being sent' : 'sent'}`);
    if (message.conversationType === TYPES.CONV_C2C) return this.client.c2c.send(message, options);
    const { client } = this;
    // A group that keeps its messages takes more options, and numbers the message in its thread.
    const stored = client.groups.isStored(message.to) ? client.groupChat.sendFields(message, options) : null;
    const key = outgoingKey(message.to, message.random);
    message.status = 'sending';
    this.outgoing.set(key, message);
    const epoch = client.session.epoch;
    try {
      const reply = await client.requests.request({
        op: 'send',
        GroupId: message.to,
        MsgBody: message.elements.map((el) => ({ MsgType: el.type, MsgContent: el.content })),
        MsgPriority: message.priority,
        CloudCustomData: message.cloudCustomData,
        Random: message.random,
        ...(stored ? stored.fields : {}),
      });
      this.acknowledge(message, reply, stored === null);
      if (stored && epoch === client.session.epoch) client.groupChat.acknowledged(message, stored.noLastMessage);
      return { code: 0, data: { message } };
    } catch (err) {
      message.status = 'fail';
      const e = /** @type {LiveRoomError} */ (err);
      if (e.code === 10017) this.client.rooms.refusedAsMuted(message.to, e.data.muteRemaining);
      e.data = { ...e.data, message };
      throw e;
    } finally {
      this.outgoing.delete(key);
    }
  }

  /**
   * @private
   * @param {Message} message
   * @param {Fields} reply
   * @param {boolean} room a live room's message (its number is remembered against repeats)
   */
  acknowledge(message, reply, room) {
    const ack = decodeOrThrow(() => ({
      sequence: reply.num('MsgSeq'),
      time: reply.num('MsgTime'),
      dropReason: reply.optStr('MsgDropReason'),
    }));
    const session = this.client.session;
    message.from = session.userID();
    message.ID = `${message.from}-${message.random}`;
    message.sequence = ack.sequence;
    message.time = ack.time;
    message.dropReason = ack.dropReason;
    message.status = 'success';
    // The level the message went out with: the sender's current one (it grows as they take
    // part), for showing it beside their own message.
    const level = reply.optNum('Level', 0);
    if (level > 0) {
      message.level = level;
      if (session.me && !session.me.isGuest) session.me.level = level;
    }
    // The short history holds delivered sends: a rejoin must not hand this one back.
    if (room && ack.dropReason === '') this.window(message.to).add(ack.sequence);
  }

  /**
   * Whether `m` is one of this client's sends to a group still awaiting its reply (the
   * reply reports it).
   * @param {Message} m
   */
  isOutgoing(m) {
    return m.from === this.client.session.userID() && this.outgoing.has(outgoingKey(m.to, m.random));
  }

  /**
   * A `message` push.
   * @param {Message} message
   */
  onMessage(message) {
    const groupID = message.to;
    // Our own send replayed in a rejoin's history before its reply: the reply reports it.
    if (message.from === this.client.session.userID() && this.outgoing.has(outgoingKey(groupID, message.random)))
      return;
    if (!this.window(groupID).add(message.sequence)) {
      this.client.log.debug(`dropped a repeated message ${groupID}#${message.sequence}`);
      return;
    }
    this.client.inbox.deliver(message);
    // Old gifts are history to read, not animations to play.
    if (!message.isHistory) this.client.gifts.fromMessage(message);
  }

  /**
   * @private
   * @param {string} groupID
   */
  window(groupID) {
    let window = this.seen.get(groupID);
    if (window === undefined) {
      window = new SeqWindow(this.client.o.dedupWindow);
      this.seen.set(groupID, window);
    }
    return window;
  }

  /**
   * The room was left: its repeats need not be recognised any more.
   * @param {string} groupID
   */
  forgetRoom(groupID) {
    this.seen.delete(groupID);
  }

  /** The session is over. */
  reset() {
    this.seen.clear();
    this.outgoing.clear();
  }
}

// src/gifts.js
// Gifts: the `gift` push to the sender's own connections and the room's combo messages, as
// GIFT_RECEIVED; the sender's echo of gifts it was already shown is marked.


/**
 * A gift: from the `gift` push to the sender's own connections, or from the room's combo
 * message. The sender sees both; `echo` marks the room's message repeating gifts the sender
 * was already shown by pushes, compared by `comboID` and `comboCount`.
 * @typedef {Object} Gift
 * @property {string} groupID
 * @property {string} from the sender's UserID
 * @property {string} nick
 * @property {string} avatar
 * @property {number} level
 * @property {string} giftID
 * @property {string} giftName
 * @property {number} giftType 0 plain, 1 banner, 2 banner with an effect
 * @property {number} count gifts in this push or message
 * @property {number} comboCount gifts of the combo so far, these included
 * @property {string} comboID
 * @property {string} effectURL
 * @property {number} value the value of one gift, in the app's unit
 * @property {'push'|'message'} source
 * @property {boolean} isSelf sent by the logged-in user
 * @property {boolean} echo a combo message whose gifts this client already showed from pushes
 * @property {Message|null} message the combo message (source `message`)
 */

/**
 * @param {Fields} f a `gift` push or the `Data` of a combo message
 * @param {{nick: string, avatar: string, level: number, isSelf: boolean, source: 'push'|'message', message: Message|null}} extra
 * @returns {Gift}
 */
function decodeGift(f, extra) {
  return {
    groupID: f.str('GroupId'),
    from: f.str('From_Account'),
    nick: extra.nick,
    avatar: extra.avatar,
    level: extra.level,
    giftID: f.str('GiftId'),
    giftName: f.optStr('GiftName'),
    giftType: f.optNum('GiftType'),
    count: f.num('Count'),
    comboCount: f.num('ComboCount'),
    comboID: f.str('ComboId'),
    effectURL: f.optStr('EffectUrl'),
    value: f.optNum('Value'),
    source: extra.source,
    isSelf: extra.isSelf,
    echo: false,
    message: extra.message,
  };
}

/**
 * The gift a combo message carries: a custom message whose `Data` is a JSON object with
 * `"type": "gift"`. Anything else (including custom data that is not JSON) is no gift.
 * @param {Message} message
 * @returns {Fields|null}
 */
function giftData(message) {
  if (message.type !== TYPES.MSG_CUSTOM) return null;
  let data;
  try {
    data = JSON.parse(message.payload.data);
  } catch (_) {
    return null;
  }
  return isObject(data) && data.type === 'gift' ? new Fields(data, 'gift') : null;
}

class Gifts {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
  }

  /**
   * A gift this user just sent (the server pushes it to the sender's own connections).
   * @param {Fields} f
   */
  onPush(f) {
    const me = this.client.session.me || { nick: '', avatar: '', level: 0 };
    const gift = decodeGift(f, {
      nick: me.nick,
      avatar: me.avatar,
      level: me.level,
      isSelf: true,
      source: 'push',
      message: null,
    });
    const room = this.client.rooms.get(gift.groupID);
    if (room) room.sawOwnGift(gift.comboID, gift.comboCount);
    this.client.inbox.emitInOrder(EVENT.GIFT_RECEIVED, gift);
  }

  /**
   * A combo message's gift; the sender's echo of gifts it was pushed is marked `echo`.
   * @param {Message} message
   */
  fromMessage(message) {
    const data = giftData(message);
    if (data === null) return;
    let gift;
    try {
      const isSelf = message.from === this.client.session.userID();
      gift = decodeGift(data, {
        nick: message.nick,
        avatar: message.avatar,
        level: message.level,
        isSelf,
        source: 'message',
        message,
      });
    } catch (err) {
      // Custom data that merely looks like a gift: the message was delivered; no gift event.
      this.client.log.debug('a gift-like custom message could not be read', err);
      return;
    }
    const room = this.client.rooms.get(message.to);
    const shown = room ? room.ownCombos.get(gift.comboID) || 0 : 0;
    gift.echo = gift.isSelf && shown >= gift.comboCount;
    this.client.inbox.emitInOrder(EVENT.GIFT_RECEIVED, gift);
  }
}

// src/likes.js
// Likes: taps within `likeMergeWindow` merged into one request of at most 100.


/** The largest `Count` of one `like` request. */
const MAX_LIKE_COUNT = 100;

/** Likes waiting to go out as one request. */
class LikeBatch {
  constructor() {
    this.count = 0;
    /** @type {Array<{resolve: (r: Response<{added: number, count: number}>) => void, reject: (e: LiveRoomError) => void}>} */
    this.waiters = [];
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
  }
}

class Likes {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private @type {Map<string, LikeBatch>} */
    this.batches = new Map();
    /** @private @type {Map<string, number>} when the last like request of a room went out (ms) */
    this.lastLikeAt = new Map();
  }

  /**
   * `Chat#like`
   * @param {string} groupID
   * @param {number} count
   * @returns {Promise<Response<{added: number, count: number}>>}
   */
  like(groupID, count) {
    try {
      this.client.session.assertAlive();
      requireID(groupID, 'groupID');
      if (!isCount(count) || count < 1 || count > MAX_LIKE_COUNT) throw invalid(`count must be 1 to ${MAX_LIKE_COUNT}`);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      let batch = this.batches.get(groupID);
      if (batch && batch.count + count > MAX_LIKE_COUNT) {
        this.flush(groupID);
        batch = undefined;
      }
      if (batch === undefined) {
        batch = new LikeBatch();
        this.batches.set(groupID, batch);
      }
      batch.count += count;
      batch.waiters.push({ resolve, reject });
      if (batch.count === MAX_LIKE_COUNT) {
        this.flush(groupID);
      } else if (batch.timer === null) {
        // The first tap after a quiet window goes at once; later ones wait for the window's end.
        const wait = (this.lastLikeAt.get(groupID) || 0) + this.client.o.likeMergeWindow - Date.now();
        if (wait <= 0) this.flush(groupID);
        else batch.timer = setTimeout(() => this.flush(groupID), wait);
      }
    });
  }

  /**
   * @private
   * @param {string} groupID
   */
  flush(groupID) {
    const batch = this.batches.get(groupID);
    if (batch === undefined) return;
    this.batches.delete(groupID);
    if (batch.timer !== null) clearTimeout(batch.timer);
    this.lastLikeAt.set(groupID, Date.now());
    const count = batch.count;
    this.client.requests.request({ op: 'like', GroupId: groupID, Count: count }).then(
      (reply) => {
        /** @type {Response<{added: number, count: number}>} */
        const response = { code: 0, data: { added: reply.optNum('Added'), count } };
        for (const w of batch.waiters) w.resolve(response);
      },
      (err) => {
        for (const w of batch.waiters) w.reject(err);
      },
    );
  }

  /**
   * The room was left: its next tap goes at once.
   * @param {string} groupID
   */
  forgetRoom(groupID) {
    this.lastLikeAt.delete(groupID);
  }

  /**
   * The session is over: taps not sent yet fail.
   * @param {number} code
   * @param {string} why
   */
  reset(code, why) {
    for (const batch of this.batches.values()) {
      if (batch.timer !== null) clearTimeout(batch.timer);
      for (const w of batch.waiters) w.reject(new LiveRoomError(code, why, { op: 'like' }));
    }
    this.batches.clear();
    this.lastLikeAt.clear();
  }
}

// src/moderation.js
// Moderation by the owner and admins of a room (and App admins): mutes, mute-all, bans,
// recalls and admins.


class Moderation {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
  }

  /**
   * `Chat#mute`
   * @param {string} groupID
   * @param {string|string[]} userID
   * @param {number} seconds
   * @returns {Promise<Response<{}>>}
   */
  async mute(groupID, userID, seconds) {
    await this.client.requests.request({
      op: 'mute',
      GroupId: requireID(groupID, 'groupID'),
      Members_Account: requireAccounts(userID),
      MuteTime: requireCount(seconds, 'seconds'),
    });
    return { code: 0, data: {} };
  }

  /**
   * `Chat#muteAll`
   * @param {string} groupID
   * @param {boolean} on
   * @returns {Promise<Response<{}>>}
   */
  async muteAll(groupID, on) {
    if (typeof on !== 'boolean') throw invalid('on must be a boolean');
    await this.client.requests.request({
      op: 'mute_all',
      GroupId: requireID(groupID, 'groupID'),
      MuteAllMember: on ? 'On' : 'Off',
    });
    return { code: 0, data: {} };
  }

  /**
   * `Chat#ban`
   * @param {string} groupID
   * @param {string|string[]} userID
   * @param {number} seconds
   * @param {string} [reason]
   * @returns {Promise<Response<{}>>}
   */
  async ban(groupID, userID, seconds, reason) {
    /** @type {Record<string, unknown>} */
    const frame = {
      op: 'ban',
      GroupId: requireID(groupID, 'groupID'),
      Members_Account: requireAccounts(userID),
      Duration: requireCount(seconds, 'seconds'),
    };
    if (reason !== undefined) frame.Description = optionalString(reason, 'reason');
    await this.client.requests.request(frame);
    return { code: 0, data: {} };
  }

  /**
   * `Chat#unban`
   * @param {string} groupID
   * @param {string|string[]} userID
   * @returns {Promise<Response<{}>>}
   */
  async unban(groupID, userID) {
    await this.client.requests.request({
      op: 'unban',
      GroupId: requireID(groupID, 'groupID'),
      Members_Account: requireAccounts(userID),
    });
    return { code: 0, data: {} };
  }

  /**
   * `Chat#recallMessage`
   * @param {string} groupID
   * @param {number} sequence
   * @returns {Promise<Response<{}>>}
   */
  async recallMessage(groupID, sequence) {
    if (!isCount(sequence) || sequence === 0) throw invalid('sequence must be a positive integer');
    await this.client.requests.request({ op: 'recall', GroupId: requireID(groupID, 'groupID'), MsgSeq: sequence });
    return { code: 0, data: {} };
  }

  /**
   * `Chat#setAdmin`
   * @param {string} groupID
   * @param {string|string[]} userID
   * @param {boolean} on
   * @returns {Promise<Response<{}>>}
   */
  async setAdmin(groupID, userID, on) {
    if (typeof on !== 'boolean') throw invalid('on must be a boolean');
    await this.client.requests.request({
      op: 'set_admin',
      GroupId: requireID(groupID, 'groupID'),
      Members_Account: requireAccounts(userID),
      Admin: on,
    });
    return { code: 0, data: {} };
  }
}

// src/c2c-message.js
// One-to-one messages on the wire (a `c2c` push, an entry of a history page, a
// `c2c_modified` push) as a `Message`, and the conversation IDs that name the other user.


/**
 * @param {string} userID the other user
 * @returns {string} `C2C<userID>`
 */
function c2cConversationID(userID) {
  return `${TYPES.CONV_C2C}${userID}`;
}

/**
 * The other user of a one-to-one conversation ID; a bad ID throws INVALID_ARGUMENT.
 * @param {unknown} conversationID
 * @returns {string}
 */
function peerOfConversation(conversationID) {
  const prefix = TYPES.CONV_C2C;
  if (typeof conversationID !== 'string' || !conversationID.startsWith(prefix) || conversationID.length === prefix.length)
    throw invalid('conversationID must be C2C<userID>');
  return conversationID.slice(prefix.length);
}

/**
 * The other user of a one-to-one message, seen by `me`.
 * @param {{from: string, to: string}} m
 * @param {string} me
 */
function peerOfMessage(m, me) {
  return m.from === me ? m.to : m.from;
}

/**
 * The body elements a one-to-one message's payload stands for: what `modifyMessage` sends
 * after the application changed `payload` (text, custom and face messages), else the
 * elements as they are.
 * @param {Message} m
 * @returns {MessageElement[]}
 */
function elementsOfPayload(m) {
  const rest = m.elements.slice(1);
  switch (m.type) {
    case TYPES.MSG_TEXT:
      return [{ type: m.type, content: { Text: m.payload.text } }, ...rest];
    case TYPES.MSG_CUSTOM: {
      /** @type {Record<string, unknown>} */
      const content = { Data: m.payload.data };
      if (m.payload.description) content.Desc = m.payload.description;
      if (m.payload.extension) content.Ext = m.payload.extension;
      return [{ type: m.type, content }, ...rest];
    }
    case TYPES.MSG_FACE: {
      /** @type {Record<string, unknown>} */
      const content = { Index: m.payload.index };
      if (m.payload.data) content.Data = m.payload.data;
      return [{ type: m.type, content }, ...rest];
    }
    default:
      return m.elements.slice();
  }
}

/**
 * @param {Fields} f a `c2c` or `c2c_modified` push, or an entry of `Messages`
 * @param {string} me the logged-in user
 * @returns {Message}
 */
function decodeC2CMessage(f, me) {
  const from = f.str('From_Account');
  const to = f.str('To_Account');
  const isRevoked = f.optBool('Recalled');
  const body = f.arr('MsgBody');
  // The history keeps a recalled message as a placeholder with an empty body.
  const elements = isRevoked && body.length === 0 ? [] : decodeBody(body, f.where);
  const first = elements[0];
  const clientSequence = f.optNum('MsgSeq');
  const random = f.optNum('MsgRandom');
  return /** @type {Message} */ ({
    ID: `${from}-${clientSequence}-${random}`,
    type: first ? first.type : TYPES.MSG_TEXT,
    payload: first ? decodePayload(first, `${f.where}.MsgBody[0]`) : { text: '' },
    elements,
    to,
    from,
    nick: f.optStr('NickName'),
    avatar: f.optStr('Avatar'),
    level: 0,
    sequence: f.num('Seq'),
    time: f.num('MsgTime'),
    random,
    priority: 'Normal',
    cloudCustomData: f.optStr('CloudCustomData'),
    isHistory: false,
    flow: from === me ? 'out' : 'in',
    status: 'success',
    dropReason: '',
    conversationType: TYPES.CONV_C2C,
    conversationID: c2cConversationID(peerOfMessage({ from, to }, me)),
    messageKey: f.str('MsgKey'),
    clientSequence,
    isRevoked,
    isModified: f.optBool('Edited'),
    isPeerRead: false,
    needReadReceipt: f.optBool('NeedReadReceipt'),
    onlineOnly: f.optBool('OnlineOnly'),
    atUserList: [],
    isSupportExtension: false,
  });
}

// src/group-message.js
// Messages of the groups that keep their messages on the wire (a `message` or `tip` push, an
// entry of a history page, a conversation's last message) as a `Message`, the mentions they
// carry, and the conversation IDs that name a group or a community's topic.
//
// A topic is a thread of its own inside a community: its ID is `<groupID>@TOPIC#_<suffix>`,
// its conversation `GROUP<topicID>` (as the reference names them), and its messages are
// sent `to` the topic ID. On the wire they name the community (`GroupId`) and the topic
// (`TopicId`).


/** What joins a community's ID and a suffix into a topic's ID. */
const TOPIC_INFIX = '@TOPIC#_';

/**
 * Whether an ID names a community's topic (`<groupID>@TOPIC#_<suffix>`).
 * @param {unknown} id
 * @returns {id is string}
 */
function isTopicID(id) {
  if (typeof id !== 'string') return false;
  const at = id.indexOf(TOPIC_INFIX);
  return at > 0 && at + TOPIC_INFIX.length < id.length;
}

/**
 * The group a thread belongs to: the community of a topic, else the group itself.
 * @param {string} id a group ID or a topic ID
 */
function groupOfThread(id) {
  return isTopicID(id) ? id.slice(0, id.indexOf(TOPIC_INFIX)) : id;
}

/**
 * How a request names a thread: `GroupId`, and `TopicId` for a topic.
 * @param {string} id a group ID or a topic ID
 * @returns {{GroupId: string, TopicId?: string}}
 */
function threadFields(id) {
  return isTopicID(id) ? { GroupId: groupOfThread(id), TopicId: id } : { GroupId: id };
}

/**
 * The thread a push or a page entry names: its `TopicId` when it has one, else `GroupId`.
 * @param {Fields} f
 */
function threadOf(f) {
  const topic = f.optStr('TopicId');
  return topic !== '' ? topic : f.str('GroupId');
}

/**
 * @param {string} groupID a group's ID, or a topic's
 * @returns {string} `GROUP<groupID>`
 */
function groupConversationID(groupID) {
  return `${TYPES.CONV_GROUP}${groupID}`;
}

/**
 * The group of a group conversation ID; a bad ID throws INVALID_ARGUMENT.
 * @param {unknown} conversationID
 * @returns {string}
 */
function groupOfConversation(conversationID) {
  const prefix = TYPES.CONV_GROUP;
  if (typeof conversationID !== 'string' || !conversationID.startsWith(prefix) || conversationID.length === prefix.length)
    throw invalid('conversationID must be GROUP<groupID>');
  return conversationID.slice(prefix.length);
}

/**
 * Whether a conversation ID names a group (`GROUP<groupID>`).
 * @param {unknown} conversationID
 */
function isGroupConversation(conversationID) {
  return typeof conversationID === 'string' && conversationID.startsWith(TYPES.CONV_GROUP);
}

/**
 * `GroupAtInfo` of a send: who the message mentions.
 * @param {string[]} atUserList user IDs, `TYPES.MSG_AT_ALL` for everyone
 * @returns {Array<Record<string, unknown>>}
 */
function encodeAtInfo(atUserList) {
  return atUserList.map((u) =>
    u === TYPES.MSG_AT_ALL ? { GroupAtAllFlag: 1 } : { GroupAtAllFlag: 0, GroupAt_Account: u },
  );
}

/**
 * The mentions of a stored message, as `atUserList`.
 * @param {Fields} f
 * @returns {string[]}
 */
function decodeAtInfo(f) {
  return f.optArr('GroupAtInfo').map((raw, i) => {
    const at = new Fields(raw, `${f.where}.GroupAtInfo[${i}]`);
    return at.optNum('GroupAtAllFlag') === 1 ? TYPES.MSG_AT_ALL : at.str('GroupAt_Account');
  });
}

/**
 * A group message as the one who reads it sees it: its own, or someone else's.
 * @param {Message} m
 * @param {string} me
 */
function seenBy(m, me) {
  m.flow = m.from === me && me !== '' ? 'out' : 'in';
  return m;
}

/**
 * A `message` push of a group that keeps its messages.
 * @param {Fields} f
 * @param {string} me the logged-in user
 * @returns {Message}
 */
function decodeGroupPush(f, me) {
  const m = decodeMessage(f);
  const thread = threadOf(f);
  m.to = thread;
  m.conversationID = groupConversationID(thread);
  m.atUserList = decodeAtInfo(f);
  m.needReadReceipt = f.optBool('NeedReadReceipt');
  m.isModified = f.optBool('Edited');
  m.isRevoked = f.optBool('Recalled');
  return seenBy(m, me);
}

/**
 * A stored tip as a message: a `tip` push with its `MsgSeq`, or an entry of a history page
 * (`System`). Its ID is the same on every device and in every page.
 * @param {Fields} f
 * @param {number} serial distinguishes tips that are not stored
 * @returns {{message: Message, content: Fields}}
 */
function decodeGroupTip(f, serial) {
  const tip = decodeElemPush(f, TYPES.MSG_GRP_TIP, serial);
  const seq = f.optNum('MsgSeq');
  if (seq > 0) {
    tip.message.sequence = seq;
    tip.message.ID = `tip-${tip.message.to}-${seq}`;
  }
  return tip;
}

/**
 * An entry of `get_group_messages` (or a conversation's last message): a message or a
 * stored tip.
 * @param {Fields} f
 * @param {string} me the logged-in user
 * @param {string} [thread] the topic the page was asked for (its entries do not say)
 * @returns {Message}
 */
function decodeGroupRecord(f, me, thread) {
  const body = f.arr('MsgBody');
  const first = body[0];
  // A tip the server stored (`System`); a recalled one is a placeholder like any message.
  if (first !== undefined && new Fields(first, `${f.where}.MsgBody[0]`).optStr('MsgType') === TYPES.MSG_GRP_TIP) {
    return decodeGroupTip(f, 0).message;
  }
  const groupID = f.has('TopicId') ? threadOf(f) : thread !== undefined && isTopicID(thread) ? thread : f.str('GroupId');
  const from = f.str('From_Account');
  const random = f.optNum('MsgRandom');
  // The history keeps a recalled message as a placeholder with an empty body (a
  // conversation's last message says so by its body alone: no message is sent empty).
  const isRevoked = f.optBool('Recalled') || body.length === 0;
  const elements = isRevoked && body.length === 0 ? [] : decodeBody(body, f.where);
  const el = elements[0];
  const priority = f.optStr('MsgPriority', 'Normal');
  return seenBy(
    /** @type {Message} */ ({
      ID: `${from}-${random}`,
      type: el ? el.type : TYPES.MSG_TEXT,
      payload: el ? decodePayload(el, `${f.where}.MsgBody[0]`) : { text: '' },
      elements,
      to: groupID,
      from,
      nick: f.optStr('NickName'),
      avatar: f.optStr('Avatar'),
      level: f.optNum('Level'),
      sequence: f.num('MsgSeq'),
      time: f.num('MsgTime'),
      random,
      priority: priority === 'High' || priority === 'Low' || priority === 'Lowest' ? priority : 'Normal',
      cloudCustomData: f.optStr('CloudCustomData'),
      isHistory: false,
      flow: 'in',
      status: 'success',
      dropReason: '',
      ...roomFields(groupID),
      isRevoked,
      isModified: f.optBool('Edited'),
      atUserList: decodeAtInfo(f),
    }),
    me,
  );
}

// src/topics.js
// Topics of communities (channels): creating, changing and deleting them, the list of a
// community's topics with this user's unread count in each, and what changes them afterwards
// (messages delivered, reads on any device, the `topic` pushes of the community's owner and
// admins), announced as TOPIC_CREATED, TOPIC_UPDATED and TOPIC_DELETED.
//
// A topic is a thread of its own (group-message.js): its messages are numbered from 1 and
// caught up after a reconnect like a group's (chat-sync.js reads the topics of every
// community the user is in beside the conversation list).


/**
 * An unread message that mentions this user (a conversation's or a topic's
 * `groupAtInfoList`).
 * @typedef {Object} GroupAtInfo
 * @property {string} from who sent it (`''` when the server's list did not say)
 * @property {string} groupID the group (a topic's community)
 * @property {string} topicID the topic (`''` for the group itself)
 * @property {number} messageSequence the message's `sequence`
 * @property {number[]} atTypeArray `TYPES.CONV_AT_ME` (names this user), `CONV_AT_ALL` (everyone) or `CONV_AT_ALL_AT_ME` (both)
 */

/**
 * A topic of a community, with this user's side of it.
 * @typedef {Object} Topic
 * @property {string} topicID `<groupID>@TOPIC#_<suffix>`; its conversation is `GROUP<topicID>`
 * @property {string} groupID the community
 * @property {string} topicName
 * @property {string} avatar the topic's face URL
 * @property {string} introduction
 * @property {string} notification
 * @property {string} customData the topic's custom string
 * @property {boolean} isAllMuted ordinary members may not send
 * @property {number} createTime Unix seconds
 * @property {number} unreadCount messages of others not read yet
 * @property {number} readSequence read up to this `sequence` (each topic numbers from 1)
 * @property {number} lastSequence the newest message's `sequence`
 * @property {number} lastTime when the newest message was sent (Unix seconds)
 * @property {Message|null} lastMessage the newest message, when this client received or sent it in this session (the server's list does not carry it)
 * @property {GroupAtInfo[]} groupAtInfoList unread messages mentioning this user, as this client saw them arrive in this session (the server's list does not carry them)
 */

/**
 * @typedef {Object} TopicOptions
 * @property {string} groupID the community
 * @property {string} [topicName]
 * @property {string} [avatar]
 * @property {string} [introduction]
 * @property {string} [notification]
 * @property {string} [customData]
 */

/** The server's code for a community without topics, and for a caller who may not act. */
const NOT_PERMITTED$1 = 10007;
/** The server's code for a topic that does not exist (`destroy_topics`). */
const NO_SUCH_TOPIC = 10004;
/** Topics per `destroy_topics` (the protocol's maximum). */
const DESTROY_MAX = 100;

/**
 * @param {string} groupID
 * @param {Fields} f an entry of `get_topics`
 * @returns {Topic}
 */
function decodeTopic(groupID, f) {
  return {
    topicID: f.str('TopicId'),
    groupID,
    topicName: f.optStr('TopicName'),
    avatar: f.optStr('FaceUrl'),
    introduction: f.optStr('Introduction'),
    notification: f.optStr('Notification'),
    customData: f.optStr('CustomString'),
    isAllMuted: f.optStr('MuteAllMember', 'Off') === 'On',
    createTime: f.optNum('CreateTime'),
    unreadCount: f.optNum('Unread'),
    readSequence: f.optNum('ReadSeq'),
    lastSequence: f.optNum('LastSeq'),
    lastTime: f.optNum('LastTime'),
    lastMessage: null,
    groupAtInfoList: [],
  };
}

/**
 * A copy for the application.
 * @param {Topic} t
 * @returns {Topic}
 */
function copyTopic(t) {
  return {
    ...t,
    lastMessage: t.lastMessage ? { ...t.lastMessage } : null,
    groupAtInfoList: t.groupAtInfoList.map((a) => ({ ...a, atTypeArray: a.atTypeArray.slice() })),
  };
}

/**
 * How a message mentions `me`: a `TYPES.CONV_AT_*` value, or 0.
 * @param {Message} m
 * @param {string} me
 */
function mentionType(m, me) {
  if (m.flow !== 'in' || m.isRevoked) return 0;
  const all = m.atUserList.includes(TYPES.MSG_AT_ALL);
  const mine = me !== '' && m.atUserList.includes(me);
  if (all && mine) return TYPES.CONV_AT_ALL_AT_ME;
  if (mine) return TYPES.CONV_AT_ME;
  return all ? TYPES.CONV_AT_ALL : 0;
}

/**
 * Adds a message's mention of `me` to an at-info list (once per message).
 * @param {GroupAtInfo[]} list
 * @param {Message} m
 * @param {string} me
 * @param {string} groupID
 * @param {string} topicID
 */
function noteMention(list, m, me, groupID, topicID) {
  const type = mentionType(m, me);
  if (type === 0 || list.some((a) => a.messageSequence === m.sequence)) return;
  list.push({ from: m.from, groupID, topicID, messageSequence: m.sequence, atTypeArray: [type] });
}

class Topics {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /**
     * The topics of the communities read so far, by community, each with the stamp of its
     * last local change.
     * @private
     * @type {Map<string, Map<string, {t: Topic, stamp: number}>>}
     */
    this.communities = new Map();
    /** @private communities that answered they have no topics */
    this.none = new Set();
    /** @private counts local changes, so a list read does not undo newer ones */
    this.stamp = 0;
    /** @private communities being read in the background */
    this.learning = new Set();
    /** @private @type {Set<string>} topics whose TOPIC_CREATED went out */
    this.announced = new Set();
    /** @private @type {Map<string, Topic>} topics changed this turn, announced together */
    this.changedTopics = new Map();
    /** @private @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
  }

  /**
   * Whether the SDK knows the topic (its community's topics were read, or it was created).
   * @param {string} topicID
   */
  has(topicID) {
    return this.entry(topicID) !== undefined;
  }

  /**
   * @private
   * @param {string} topicID
   */
  entry(topicID) {
    const c = this.communities.get(groupOfThread(topicID));
    return c ? c.get(topicID) : undefined;
  }

  /**
   * Reads a community's topics (those named, or all) and takes them in.
   * @param {string} groupID
   * @param {string[]} [topicIDs]
   * @returns {Promise<Topic[]>}
   */
  async read(groupID, topicIDs) {
    const { requests, session } = this.client;
    const epoch = session.epoch;
    const since = this.stamp;
    /** @type {Record<string, unknown>} */
    const frame = { op: 'get_topics', GroupId: groupID };
    if (topicIDs !== undefined) frame.TopicIdList = topicIDs;
    const reply = await requests.request(frame);
    const found = decodeOrThrow(() =>
      reply.arr('Topics').map((t, i) => decodeTopic(groupID, new Fields(t, `get_topics.Topics[${i}]`))),
    );
    if (epoch !== session.epoch) return found;
    this.none.delete(groupID);
    return this.merge(groupID, found, since, topicIDs === undefined);
  }

  /**
   * Takes in topics read from the server. A topic changed here since the read began (a push
   * that came before the answer) keeps its counts unless the read saw a newer message.
   * With `all`, topics the read did not list are gone.
   * @private
   * @param {string} groupID
   * @param {Topic[]} found
   * @param {number} since
   * @param {boolean} all
   * @returns {Topic[]}
   */
  merge(groupID, found, since, all) {
    let c = this.communities.get(groupID);
    // Topics new to a community read before were created meanwhile (while away).
    const readBefore = c !== undefined;
    if (c === undefined) {
      c = new Map();
      this.communities.set(groupID, c);
    }
    const listed = new Set();
    for (const t of found) {
      listed.add(t.topicID);
      const local = c.get(t.topicID);
      if (local === undefined) {
        c.set(t.topicID, { t, stamp: since });
        if (readBefore && !this.announced.has(t.topicID)) {
          this.announced.add(t.topicID);
          this.client.inbox.emitInOrder(EVENT.TOPIC_CREATED, { groupID, topicID: t.topicID });
          this.changed(t);
        }
        continue;
      }
      const before = JSON.stringify(copyTopic(local.t));
      const profile = {
        topicName: t.topicName,
        avatar: t.avatar,
        introduction: t.introduction,
        notification: t.notification,
        customData: t.customData,
        isAllMuted: t.isAllMuted,
        createTime: t.createTime,
      };
      if (local.stamp > since && local.t.lastSequence >= t.lastSequence) {
        Object.assign(local.t, profile);
      } else {
        const last = local.t.lastMessage && local.t.lastMessage.sequence === t.lastSequence ? local.t.lastMessage : null;
        // The same object: what holds it (an announcement this turn) sees the change.
        Object.assign(local.t, t, {
          lastMessage: last,
          groupAtInfoList: local.t.groupAtInfoList.filter((a) => a.messageSequence > t.readSequence),
        });
        local.stamp = since;
      }
      if (JSON.stringify(copyTopic(local.t)) !== before) this.changed(local.t);
    }
    if (all) {
      /** @type {string[]} */
      const gone = [];
      for (const [id, e] of Array.from(c)) {
        if (!listed.has(id) && e.stamp <= since) {
          c.delete(id);
          gone.push(id);
        }
      }
      if (gone.length > 0) this.removed(groupID, gone);
    }
    return found.map((t) => {
      const e = /** @type {Map<string, {t: Topic, stamp: number}>} */ (c).get(t.topicID);
      return copyTopic(e ? e.t : t);
    });
  }

  /**
   * The topics of every community the user is in (the SDK's group list), for catching up
   * after a list read: each readable community's topics with their last numbers.
   * Communities without topics are asked once a session.
   * @returns {Promise<Topic[]>}
   */
  async readAll() {
    const { groups, log } = this.client;
    const ids = groups.ids(TYPES.GRP_COMMUNITY).filter((g) => !this.none.has(g));
    const lists = await Promise.all(
      ids.map((groupID) =>
        this.read(groupID).catch((/** @type {LiveRoomError} */ err) => {
          if (err.code === NOT_PERMITTED$1) this.none.add(groupID);
          else log.warn(`reading the topics of ${groupID} failed`, err);
          return /** @type {Topic[]} */ ([]);
        }),
      ),
    );
    return lists.flat();
  }

  /**
   * `Chat#getTopicList`
   * @param {{groupID: string, topicIDList?: string[]}} options
   * @returns {Promise<Response<{successTopicList: Topic[], failureTopicList: Array<{topicID: string, code: number, message: string}>}>>}
   */
  async list(options) {
    if (!isObject(options)) throw invalid('getTopicList needs {groupID}');
    const groupID = requireID(options.groupID, 'groupID');
    /** @type {string[]|undefined} */
    let topicIDs;
    if (options.topicIDList !== undefined) {
      if (!Array.isArray(options.topicIDList)) throw invalid('topicIDList must be an array of topic IDs');
      topicIDs = options.topicIDList.map((id) => requireID(id, 'each of topicIDList'));
    }
    this.client.sync.activate();
    const successTopicList = await this.read(groupID, topicIDs);
    const got = new Set(successTopicList.map((t) => t.topicID));
    const failureTopicList = (topicIDs || [])
      .filter((id) => !got.has(id))
      .map((topicID) => ({ topicID, code: NO_SUCH_TOPIC, message: `${topicID} is not a topic of ${groupID}` }));
    return { code: 0, data: { successTopicList, failureTopicList } };
  }

  /**
   * `Chat#createTopicInCommunity`
   * @param {TopicOptions & {topicName: string, topicID?: string}} options
   * @returns {Promise<Response<{topicID: string}>>}
   */
  async create(options) {
    if (!isObject(options)) throw invalid('createTopicInCommunity needs {groupID, topicName}');
    const groupID = requireID(options.groupID, 'groupID');
    const topicName = requireID(options.topicName, 'topicName');
    /** @type {Record<string, unknown>} */
    const frame = { op: 'create_topic', GroupId: groupID, TopicName: topicName, ...profileFields(options) };
    if (options.topicID !== undefined) {
      const id = requireID(options.topicID, 'topicID');
      if (!id.startsWith(`${groupID}${TOPIC_INFIX}`) || id.length === groupID.length + TOPIC_INFIX.length)
        throw invalid(`topicID must be ${groupID}${TOPIC_INFIX}<suffix>`);
      frame.TopicId = id;
    }
    this.client.sync.activate();
    const reply = await this.client.requests.request(frame);
    const topicID = decodeOrThrow(() => reply.str('TopicId'));
    // Usually the `topic` push came first; if not, the topic is known from here.
    if (!this.has(topicID)) {
      this.add({
        topicID,
        groupID,
        topicName,
        avatar: String(frame.FaceUrl || ''),
        introduction: String(frame.Introduction || ''),
        notification: String(frame.Notification || ''),
        customData: String(frame.CustomString || ''),
        isAllMuted: false,
        createTime: Math.floor(Date.now() / 1000),
        unreadCount: 0,
        readSequence: 0,
        lastSequence: 0,
        lastTime: 0,
        lastMessage: null,
        groupAtInfoList: [],
      });
    }
    return { code: 0, data: { topicID } };
  }

  /**
   * `Chat#updateTopicProfile`
   * @param {TopicOptions & {topicID: string, muteAllMembers?: boolean}} options
   * @returns {Promise<Response<{topic: Topic}>>}
   */
  async update(options) {
    if (!isObject(options)) throw invalid('updateTopicProfile needs {groupID, topicID}');
    const groupID = requireID(options.groupID, 'groupID');
    const topicID = requireID(options.topicID, 'topicID');
    /** @type {Record<string, unknown>} */
    const frame = { op: 'modify_topic', GroupId: groupID, TopicId: topicID, ...profileFields(options) };
    if (options.topicName !== undefined) frame.TopicName = requireID(options.topicName, 'topicName');
    if (options.muteAllMembers !== undefined) {
      if (typeof options.muteAllMembers !== 'boolean') throw invalid('muteAllMembers must be a boolean');
      frame.MuteAllMember = options.muteAllMembers ? 'On' : 'Off';
    }
    if (Object.keys(frame).length === 3) throw invalid('updateTopicProfile: name at least one field to change');
    this.client.sync.activate();
    await this.client.requests.request(frame);
    const e = this.entry(topicID);
    if (e !== undefined) {
      applyProfile(e.t, frame);
      return { code: 0, data: { topic: copyTopic(e.t) } };
    }
    const [topic] = await this.read(groupID, [topicID]);
    if (topic === undefined) throw invalid(`${topicID} is not a topic of ${groupID}`);
    return { code: 0, data: { topic } };
  }

  /**
   * `Chat#deleteTopicFromCommunity`: the topics named, or all of the community's.
   * @param {{groupID: string, topicIDList?: string[]}} options
   * @returns {Promise<Response<{successTopicList: Array<{topicID: string}>, failureTopicList: Array<{topicID: string, code: number, message: string}>}>>}
   */
  async remove(options) {
    if (!isObject(options)) throw invalid('deleteTopicFromCommunity needs {groupID}');
    const groupID = requireID(options.groupID, 'groupID');
    /** @type {string[]} */
    let ids;
    if (options.topicIDList === undefined) {
      ids = (await this.read(groupID)).map((t) => t.topicID);
    } else {
      if (!Array.isArray(options.topicIDList) || options.topicIDList.length === 0)
        throw invalid('topicIDList must be a non-empty array of topic IDs');
      ids = options.topicIDList.map((id) => requireID(id, 'each of topicIDList'));
    }
    /** @type {Array<{topicID: string}>} */
    const successTopicList = [];
    /** @type {Array<{topicID: string, code: number, message: string}>} */
    const failureTopicList = [];
    for (let i = 0; i < ids.length; i += DESTROY_MAX) {
      const part = ids.slice(i, i + DESTROY_MAX);
      const reply = await this.client.requests.request({ op: 'destroy_topics', GroupId: groupID, TopicIdList: part });
      const results = decodeOrThrow(() =>
        reply.arr('Results').map((r, j) => {
          const f = new Fields(r, `destroy_topics.Results[${j}]`);
          return { topicID: f.str('TopicId'), code: f.optNum('ErrorCode') };
        }),
      );
      /** @type {string[]} */
      const gone = [];
      for (const r of results) {
        if (r.code === 0) {
          successTopicList.push({ topicID: r.topicID });
          gone.push(r.topicID);
        } else {
          failureTopicList.push({ topicID: r.topicID, code: r.code, message: `${r.topicID} is not a topic of ${groupID}` });
        }
      }
      this.drop(groupID, gone);
    }
    return { code: 0, data: { successTopicList, failureTopicList } };
  }

  /**
   * A `topic` push: a topic of one of the user's communities was created, changed or
   * destroyed.
   * @param {Fields} f
   */
  onPush(f) {
    const groupID = f.str('GroupId');
    const topicID = f.str('TopicId');
    const action = f.str('Action');
    this.client.sync.activate();
    if (action === 'destroyed') {
      this.drop(groupID, [topicID]);
      return;
    }
    /** @type {Record<string, unknown>} */
    const fields = {};
    for (const key of ['TopicName', 'FaceUrl', 'Introduction', 'Notification', 'CustomString', 'MuteAllMember']) {
      if (f.has(key)) fields[key] = f.str(key);
    }
    const e = this.entry(topicID);
    if (e !== undefined) {
      applyProfile(e.t, fields);
      e.stamp = ++this.stamp;
      this.changed(e.t);
      return;
    }
    /** @type {Topic} */
    const t = {
      topicID,
      groupID,
      topicName: '',
      avatar: '',
      introduction: '',
      notification: '',
      customData: '',
      isAllMuted: false,
      createTime: Math.floor(Date.now() / 1000),
      unreadCount: 0,
      readSequence: 0,
      lastSequence: 0,
      lastTime: 0,
      lastMessage: null,
      groupAtInfoList: [],
    };
    applyProfile(t, fields);
    this.add(t);
  }

  /**
   * A topic new to this client: known from now on, announced once.
   * @private
   * @param {Topic} t
   */
  add(t) {
    let c = this.communities.get(t.groupID);
    if (c === undefined) {
      c = new Map();
      this.communities.set(t.groupID, c);
    }
    this.none.delete(t.groupID);
    c.set(t.topicID, { t, stamp: ++this.stamp });
    if (this.announced.has(t.topicID)) return;
    this.announced.add(t.topicID);
    this.client.inbox.emitInOrder(EVENT.TOPIC_CREATED, { groupID: t.groupID, topicID: t.topicID });
  }

  /**
   * Topics that are no more (destroyed here, on a push, or missing from a list read).
   * @private
   * @param {string} groupID
   * @param {string[]} ids
   */
  drop(groupID, ids) {
    const c = this.communities.get(groupID);
    const gone = ids.filter((id) => c !== undefined && c.delete(id));
    if (gone.length > 0) this.removed(groupID, gone);
  }

  /**
   * @private
   * @param {string} groupID
   * @param {string[]} ids
   */
  removed(groupID, ids) {
    for (const id of ids) {
      this.client.sync.groups.forget(id);
      this.changedTopics.delete(id);
      this.announced.delete(id);
    }
    this.client.inbox.emitInOrder(EVENT.TOPIC_DELETED, { groupID, topicIDList: ids });
  }

  /**
   * A message of a topic was delivered (or this client's own send acknowledged): the
   * newest one, counted unread when someone else sent it, as on the server.
   * @param {Message} message
   * @param {{noUnread?: boolean, noLastMessage?: boolean}} [control] what the send said of counts and lists
   */
  noteMessage(message, control) {
    if (message.sequence === 0) return;
    const topicID = message.to;
    const e = this.entry(topicID);
    if (e === undefined) {
      // A topic this client did not know of: read its community's topics (they count it).
      this.learn(groupOfThread(topicID));
      return;
    }
    const t = e.t;
    if (message.sequence <= t.lastSequence) return; // counted by the list read already
    t.lastSequence = message.sequence;
    if (!(control && control.noLastMessage)) {
      t.lastTime = Math.max(t.lastTime, message.time);
      t.lastMessage = message;
    }
    if (message.flow === 'out') {
      t.unreadCount = 0;
      t.readSequence = message.sequence;
      t.groupAtInfoList = [];
    } else {
      if (!(control && control.noUnread)) t.unreadCount += 1;
      noteMention(t.groupAtInfoList, message, this.client.session.userID(), t.groupID, topicID);
    }
    e.stamp = ++this.stamp;
    this.changed(t);
  }

  /**
   * This user read a topic up to `seq` (here or on another device).
   * @param {string} topicID
   * @param {number} seq
   * @param {number} unread
   */
  noteRead(topicID, seq, unread) {
    const e = this.entry(topicID);
    if (e === undefined) return;
    e.t.readSequence = seq;
    e.t.unreadCount = unread;
    e.t.groupAtInfoList = e.t.groupAtInfoList.filter((a) => a.messageSequence > seq);
    e.stamp = ++this.stamp;
    this.changed(e.t);
  }

  /**
   * A message of a topic was recalled: its last message shows it, its mention goes.
   * @param {string} topicID
   * @param {number} sequence
   */
  noteRecalled(topicID, sequence) {
    const e = this.entry(topicID);
    if (e === undefined) return;
    const t = e.t;
    const last = t.lastMessage;
    if (last && last.sequence === sequence)
      t.lastMessage = /** @type {Message} */ ({ ...last, isRevoked: true, elements: [], type: TYPES.MSG_TEXT, payload: { text: '' } });
    t.groupAtInfoList = t.groupAtInfoList.filter((a) => a.messageSequence !== sequence);
    e.stamp = ++this.stamp;
    this.changed(t);
  }

  /**
   * A message of a topic was edited: its last message shows it.
   * @param {Message} message
   */
  noteModified(message) {
    const e = this.entry(message.to);
    if (e === undefined || !e.t.lastMessage || e.t.lastMessage.sequence !== message.sequence) return;
    e.t.lastMessage = message;
    this.changed(e.t);
  }

  /**
   * `Chat#setMessageRead` of a topic's conversation.
   * @param {string} topicID
   * @returns {Promise<{readSequence: number, unreadCount: number}>}
   */
  async setRead(topicID) {
    const reply = await this.client.requests.request({
      op: 'read_group',
      GroupId: groupOfThread(topicID),
      TopicId: topicID,
    });
    const read = decodeOrThrow(() => ({ seq: reply.num('Seq'), unread: reply.num('Unread') }));
    this.noteRead(topicID, read.seq, read.unread);
    return { readSequence: read.seq, unreadCount: read.unread };
  }

  /**
   * The user is no longer in a community: its topics go (without events).
   * @param {string} groupID
   */
  forgetCommunity(groupID) {
    const c = this.communities.get(groupID);
    if (c === undefined) return;
    for (const id of c.keys()) {
      this.client.sync.groups.forget(id);
      this.changedTopics.delete(id);
      this.announced.delete(id);
    }
    this.communities.delete(groupID);
  }

  /**
   * Reads a community's topics in the background (a message of a topic this client did not
   * know of); each is announced with TOPIC_UPDATED.
   * @private
   * @param {string} groupID
   */
  learn(groupID) {
    if (this.learning.has(groupID)) return;
    this.learning.add(groupID);
    const epoch = this.client.session.epoch;
    this.read(groupID)
      .then((list) => {
        // Not new topics, perhaps, but new to the application: each is announced as it is.
        for (const t of list) {
          const e = this.entry(t.topicID);
          if (e !== undefined) this.changed(e.t);
        }
      })
      .catch((err) => this.client.log.warn(`reading the topics of ${groupID} failed`, err))
      .finally(() => {
        if (epoch === this.client.session.epoch) this.learning.delete(groupID);
      });
  }

  /**
   * Announces a topic's change (once a turn, after the messages delivered with it).
   * @private
   * @param {Topic} t
   */
  changed(t) {
    this.changedTopics.set(t.topicID, t);
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const list = Array.from(this.changedTopics.values());
      this.changedTopics.clear();
      for (const topic of list) {
        this.client.inbox.emitInOrder(EVENT.TOPIC_UPDATED, { groupID: topic.groupID, topic: copyTopic(topic) });
      }
    }, 0);
  }

  /** The session is over. */
  reset() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.communities.clear();
    this.none.clear();
    this.learning.clear();
    this.announced.clear();
    this.changedTopics.clear();
  }
}

/**
 * The profile fields of a create or update, as the protocol names them.
 * @param {Record<string, unknown>} options
 * @returns {Record<string, string>}
 */
function profileFields(options) {
  /** @type {Record<string, string>} */
  const out = {};
  /** @type {Array<[string, string]>} */
  const names = [
    ['avatar', 'FaceUrl'],
    ['introduction', 'Introduction'],
    ['notification', 'Notification'],
    ['customData', 'CustomString'],
  ];
  for (const [key, field] of names) {
    if (options[key] !== undefined) out[field] = optionalString(options[key], key);
  }
  return out;
}

/**
 * Applies the protocol's profile fields (of a request or a push) to a topic.
 * @param {Topic} t
 * @param {Record<string, unknown>} fields
 */
function applyProfile(t, fields) {
  if (typeof fields.TopicName === 'string') t.topicName = fields.TopicName;
  if (typeof fields.FaceUrl === 'string') t.avatar = fields.FaceUrl;
  if (typeof fields.Introduction === 'string') t.introduction = fields.Introduction;
  if (typeof fields.Notification === 'string') t.notification = fields.Notification;
  if (typeof fields.CustomString === 'string') t.customData = fields.CustomString;
  if (typeof fields.MuteAllMember === 'string') t.isAllMuted = fields.MuteAllMember === 'On';
}

// src/conversation.js
// What a conversation is as this client knows it (one to one, or a group that keeps its
// messages), how a `get_conversations` entry reads, and the order of the list.


/**
 * A group as its conversation shows it.
 * @typedef {Object} ConversationGroupProfile
 * @property {string} groupID
 * @property {GroupType|''} type `''` until the SDK has read the user's groups
 * @property {string} name
 * @property {string} avatar the group's face URL
 */

/**
 * One conversation of the logged-in user: with another user, or in a group that keeps its
 * messages.
 * @typedef {Object} Conversation
 * @property {string} conversationID `C2C<userID>` or `GROUP<groupID>`
 * @property {ConversationType} type `C2C` or `GROUP`
 * @property {string} userID one to one: the other user (`''` for a group)
 * @property {string} groupID a group's conversation: the group (`''` one to one)
 * @property {ConversationGroupProfile|null} groupProfile a group's conversation: the group (null one to one)
 * @property {MessageRemindType|''} messageRemindType a group's conversation: how this user wants its messages (`''` one to one)
 * @property {number} unreadCount the messages of others this user has not read (Meeting groups count none)
 * @property {Message|null} lastMessage the newest message (null when there is none, or its history was cleared)
 * @property {number} lastSequence the newest message's `sequence` (a group's tips count)
 * @property {number} lastTime the newest message's time (Unix seconds)
 * @property {number} readSequence this user has read up to this `sequence`
 * @property {number} peerReadSequence one to one: the other user has read up to this `sequence` (read receipts)
 * @property {boolean} isPinned pinned conversations come first in the list
 * @property {number} marks the conversation's marks (a bit set the application gives meaning to)
 * @property {GroupAtInfo[]} groupAtInfoList a group's conversation: the oldest unread message mentioning this user and the oldest to everyone (from the list), and those that arrived since (empty one to one)
 */

/**
 * A conversation with nothing in it yet.
 * @param {ConversationType} type
 * @param {string} id the other user, or the group
 * @returns {Conversation}
 */
function emptyConversation(type, id) {
  const group = type === TYPES.CONV_GROUP;
  return {
    conversationID: group ? groupConversationID(id) : c2cConversationID(id),
    type,
    userID: group ? '' : id,
    groupID: group ? id : '',
    groupProfile: group ? { groupID: id, type: '', name: '', avatar: '' } : null,
    messageRemindType: group ? TYPES.MSG_REMIND_ACPT_AND_NOTE : '',
    unreadCount: 0,
    lastMessage: null,
    lastSequence: 0,
    lastTime: 0,
    readSequence: 0,
    peerReadSequence: 0,
    isPinned: false,
    marks: 0,
    groupAtInfoList: [],
  };
}

/**
 * An entry of `get_conversations`.
 * @param {Fields} f
 * @param {string} me
 * @returns {Conversation}
 */
function decodeConversation(f, me) {
  const group = f.optStr('Type', TYPES.CONV_C2C) === TYPES.CONV_GROUP;
  const c = emptyConversation(group ? TYPES.CONV_GROUP : TYPES.CONV_C2C, f.str(group ? 'GroupId' : 'Peer_Account'));
  if (f.has('LastMessage')) {
    const last = new Fields(f.o.LastMessage, `${f.where}.LastMessage`);
    c.lastMessage = group ? decodeGroupRecord(last, me) : decodeC2CMessage(last, me);
  }
  c.peerReadSequence = f.optNum('PeerReadSeq');
  const last = c.lastMessage;
  if (!group && last && last.flow === 'out') last.isPeerRead = last.sequence <= c.peerReadSequence;
  c.unreadCount = f.optNum('Unread');
  c.lastSequence = f.optNum('LastSeq');
  c.lastTime = f.optNum('LastTime');
  c.readSequence = f.optNum('ReadSeq');
  c.isPinned = f.optBool('Pinned');
  c.marks = f.optNum('Marks');
  if (group) c.groupAtInfoList = decodeAtSeqs(f, c);
  return c;
}

/**
 * A group entry's `AtMeSeq` and `AtAllSeq` as at-info: one entry per message (both kinds
 * on one message make `CONV_AT_ALL_AT_ME`), the oldest first.
 * @param {Fields} f
 * @param {Conversation} c
 * @returns {GroupAtInfo[]}
 */
function decodeAtSeqs(f, c) {
  const me = f.maybeNum('AtMeSeq');
  const all = f.maybeNum('AtAllSeq');
  /** @type {Map<number, number>} */
  const by = new Map();
  if (me !== undefined) by.set(me, TYPES.CONV_AT_ME);
  if (all !== undefined) by.set(all, by.has(all) ? TYPES.CONV_AT_ALL_AT_ME : TYPES.CONV_AT_ALL);
  return Array.from(by)
    .sort((a, b) => a[0] - b[0])
    .map(([seq, type]) => ({
      from: c.lastMessage && c.lastMessage.sequence === seq ? c.lastMessage.from : '',
      groupID: c.groupID,
      topicID: '',
      messageSequence: seq,
      atTypeArray: [type],
    }));
}

/**
 * The list's order, as the server's: pinned first, then the newest first (times are
 * seconds: `tie` orders those of the same second, else the conversation IDs do).
 * @param {Conversation} a
 * @param {Conversation} b
 * @param {number} [tie] negative when `a` goes first
 */
function compareConversations(a, b, tie = 0) {
  if (a.isPinned !== b.isPinned) return a.isPinned ? -1 : 1;
  if (a.lastTime !== b.lastTime) return b.lastTime - a.lastTime;
  if (tie !== 0) return tie;
  return a.conversationID < b.conversationID ? -1 : a.conversationID > b.conversationID ? 1 : 0;
}

/**
 * A copy for the application: changing it changes nothing in the SDK.
 * @param {Conversation} c
 * @returns {Conversation}
 */
function copyConversation(c) {
  return {
    ...c,
    groupProfile: c.groupProfile ? { ...c.groupProfile } : null,
    lastMessage: c.lastMessage ? { ...c.lastMessage } : null,
    groupAtInfoList: c.groupAtInfoList.map((a) => ({ ...a, atTypeArray: a.atTypeArray.slice() })),
  };
}

// src/conversations.js
// The conversation list, one to one and in groups that keep their messages: read from the
// server (every page of its cursor), kept up to date by messages, read reports, recalls and
// edits, by the calls that change it (read, pin, delete) and by the same changes made on
// the user's other devices. Announces CONVERSATION_LIST_UPDATED,
// TOTAL_UNREAD_MESSAGE_COUNT_UPDATED and MESSAGE_READ_BY_PEER.


/** Conversations per `get_conversations` page (the protocol's maximum is 1000). */
const LIST_PAGE = 100;

/**
 * What a recalled message looks like afterwards (as the history keeps it).
 * @param {Message} m
 * @returns {Message}
 */
function revokedCopy(m) {
  return /** @type {Message} */ ({ ...m, isRevoked: true, elements: [], type: TYPES.MSG_TEXT, payload: { text: '' } });
}

/**
 * A one-to-one conversation ID's other user; a group's is refused with `why`.
 * @param {unknown} conversationID
 * @param {string} why
 */
function c2cOnly(conversationID, why) {
  if (isGroupConversation(conversationID)) throw invalid(why);
  return peerOfConversation(conversationID);
}

class Conversations {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private @type {Map<string, {c: Conversation, stamp: number}>} by conversation ID */
    this.entries = new Map();
    /** @private counts local changes, so a list read does not undo newer ones */
    this.stamp = 0;
    /** @private @type {ReturnType<typeof setTimeout> | null} */
    this.emitTimer = null;
    /** @private the total last announced */
    this.announcedTotal = 0;
  }

  /**
   * Reads the whole list from the server (page after page) and takes it in; the groups on
   * it are described from the user's group list. Resolves with the server's entries as
   * read, for catching up.
   * @returns {Promise<Conversation[]>}
   */
  async load() {
    const { requests, session, groups } = this.client;
    const me = session.userID();
    const epoch = session.epoch;
    const since = this.stamp;
    /** @type {Conversation[]} */
    const found = [];
    /** @type {string} */
    let cursor = '';
    for (;;) {
      /** @type {Record<string, unknown>} */
      const frame = { op: 'get_conversations', Count: LIST_PAGE };
      if (cursor !== '') frame.Cursor = cursor;
      const reply = await requests.request(frame);
      const page = decodeOrThrow(() => ({
        list: reply
          .arr('Conversations')
          .map((c, i) => decodeConversation(new Fields(c, `get_conversations.Conversations[${i}]`), me)),
        next: reply.optStr('NextCursor'),
        complete: reply.optBool('Complete'),
      }));
      found.push(...page.list);
      if (page.complete || page.next === '' || page.list.length === 0) break;
      cursor = page.next;
    }
    if (found.some((c) => c.type === TYPES.CONV_GROUP) || groups.any()) await groups.readJoined();
    for (const c of found) this.describe(c);
    if (session.epoch === epoch) this.merge(found, since);
    return found;
  }

  /**
   * Takes in a list read from the server. An entry changed here since the read began, by a
   * push that came before the answer, already has what the read saw (pushes and replies
   * share one ordered stream): it keeps its message and counts unless the read found a newer
   * message. A group's counts are counted here from pushes that do not say whether a message
   * counts (`NoUnread`) or moves the list (`NoLastMsg`): when the read saw the same last
   * message and no newer read, the server's entry is the exact one.
   * @private
   * @param {Conversation[]} found
   * @param {number} since the stamp when the read began
   */
  merge(found, since) {
    /** @type {Set<string>} */
    const listed = new Set();
    for (const c of found) {
      const id = c.conversationID;
      if (listed.has(id)) continue; // moved between two pages
      listed.add(id);
      const local = this.entries.get(id);
      const exact =
        c.type === TYPES.CONV_GROUP &&
        local !== undefined &&
        local.c.lastSequence === c.lastSequence &&
        local.c.readSequence <= c.readSequence;
      if (local && !exact && local.stamp > since && local.c.lastSequence >= c.lastSequence) {
        local.c.isPinned = c.isPinned;
        local.c.marks = c.marks;
        local.c.peerReadSequence = Math.max(local.c.peerReadSequence, c.peerReadSequence);
        local.c.groupProfile = c.groupProfile;
        local.c.messageRemindType = c.messageRemindType;
        continue;
      }
      // Mentions that came in since the read began are newer than it.
      if (local && c.type === TYPES.CONV_GROUP) {
        for (const a of local.c.groupAtInfoList) {
          if (a.messageSequence > c.lastSequence && !c.groupAtInfoList.some((b) => b.messageSequence === a.messageSequence))
            c.groupAtInfoList.push(a);
        }
      }
      if (local) c.peerReadSequence = Math.max(local.c.peerReadSequence, c.peerReadSequence);
      this.entries.set(id, { c, stamp: since });
    }
    for (const [id, e] of Array.from(this.entries)) {
      if (!listed.has(id) && e.stamp <= since) this.entries.delete(id);
    }
    this.changed();
  }

  /**
   * `Chat#getConversationList`
   * @returns {Promise<Response<{conversationList: Conversation[]}>>}
   */
  async getList() {
    await this.load();
    return { code: 0, data: { conversationList: this.sorted() } };
  }

  /**
   * `Chat#getTotalUnreadMessageCount`: the list's unread counts added up (the server's
   * `TotalUnread` also counts conversations deleted without clearing their history, and is
   * read apart from the list it comes with).
   * @returns {number}
   */
  total() {
    let sum = 0;
    for (const { c } of this.entries.values()) sum += c.unreadCount;
    return sum;
  }

  /**
   * `Chat#setMessageRead`
   * @param {{conversationID: string}} options
   * @returns {Promise<Response<{conversationID: string, readSequence: number, unreadCount: number}>>}
   */
  async setRead(options) {
    const conversationID = isObject(options) ? options.conversationID : undefined;
    const group = isGroupConversation(conversationID);
    const id = group ? groupOfConversation(conversationID) : peerOfConversation(conversationID);
    if (group && isTopicID(id)) {
      const read = await this.client.topics.setRead(id);
      return { code: 0, data: { conversationID: groupConversationID(id), ...read } };
    }
    const reply = await this.client.requests.request(
      group ? { op: 'read_group', GroupId: id } : { op: 'read_c2c', Peer_Account: id },
    );
    const read = decodeOrThrow(() => ({ seq: reply.num('Seq'), unread: reply.num('Unread') }));
    const key = group ? groupConversationID(id) : c2cConversationID(id);
    this.update(key, false, (c) => {
      c.readSequence = read.seq;
      c.unreadCount = read.unread;
      c.groupAtInfoList = c.groupAtInfoList.filter((a) => a.messageSequence > read.seq);
    });
    return { code: 0, data: { conversationID: key, readSequence: read.seq, unreadCount: read.unread } };
  }

  /**
   * `Chat#setAllMessageRead`: reads the list, then every conversation of the scope with
   * unread messages.
   * @param {{scope?: string}} [options]
   * @returns {Promise<Response<{conversationIDList: string[]}>>}
   */
  async readAll(options = {}) {
    if (!isObject(options)) throw invalid('setAllMessageRead takes {scope}');
    const scope = options.scope === undefined ? TYPES.READ_ALL_MSG : options.scope;
    if (scope !== TYPES.READ_ALL_MSG && scope !== TYPES.READ_ALL_C2C_MSG && scope !== TYPES.READ_ALL_GROUP_MSG)
      throw invalid('scope must be one of TYPES.READ_ALL_*');
    await this.load();
    /** @type {string[]} */
    const done = [];
    for (const { c } of Array.from(this.entries.values())) {
      if (c.unreadCount === 0) continue;
      if (scope === TYPES.READ_ALL_C2C_MSG && c.type !== TYPES.CONV_C2C) continue;
      if (scope === TYPES.READ_ALL_GROUP_MSG && c.type !== TYPES.CONV_GROUP) continue;
      await this.setRead({ conversationID: c.conversationID });
      done.push(c.conversationID);
    }
    return { code: 0, data: { conversationIDList: done } };
  }

  /**
   * `Chat#pinConversation`
   * @param {{conversationID: string, isPinned: boolean}} options
   * @returns {Promise<Response<{conversationID: string}>>}
   */
  async pin(options) {
    if (!isObject(options) || typeof options.isPinned !== 'boolean')
      throw invalid('pinConversation needs {conversationID, isPinned}');
    const pinned = options.isPinned;
    if (isGroupConversation(options.conversationID)) {
      const groupID = groupOfConversation(options.conversationID);
      if (isTopicID(groupID)) throw invalid('a topic has no conversation of its own on the list: pin its community');
      await this.client.requests.request({ op: 'pin_conversation', GroupId: groupID, Pinned: pinned });
      this.update(groupConversationID(groupID), false, (c) => {
        c.isPinned = pinned;
      });
      return { code: 0, data: { conversationID: groupConversationID(groupID) } };
    }
    const userID = peerOfConversation(options.conversationID);
    await this.client.requests.request({ op: 'pin_conversation', Peer_Account: userID, Pinned: pinned });
    this.update(c2cConversationID(userID), false, (c) => {
      c.isPinned = pinned;
    });
    return { code: 0, data: { conversationID: c2cConversationID(userID) } };
  }

  /**
   * `Chat#deleteConversation`
   * @param {string | {conversationIDList: string[], clearHistoryMessage?: boolean}} options
   * @returns {Promise<Response<{conversationIDList: string[]}>>}
   */
  async remove(options) {
    const list = typeof options === 'string' ? [options] : isObject(options) ? options.conversationIDList : undefined;
    if (!Array.isArray(list) || list.length === 0)
      throw invalid('deleteConversation needs a conversationID or {conversationIDList}');
    const clear = isObject(options) && options.clearHistoryMessage !== undefined ? options.clearHistoryMessage : true;
    if (typeof clear !== 'boolean') throw invalid('clearHistoryMessage must be a boolean');
    const userIDs = list.map((id) => c2cOnly(id, 'a group conversation cannot be deleted from a client; quit the group'));
    for (const userID of userIDs) {
      await this.client.requests.request({ op: 'delete_conversation', Peer_Account: userID, ClearHistory: clear });
      this.drop(c2cConversationID(userID));
    }
    return { code: 0, data: { conversationIDList: userIDs.map(c2cConversationID) } };
  }

  /**
   * A delivered (or acknowledged) one-to-one message: the newest one of its conversation,
   * which comes back on the list if it was deleted.
   * @param {Message} message
   * @param {number} [unread] the conversation's unread count with it (pushes to the receiver)
   */
  noteMessage(message, unread) {
    if (message.sequence === 0) return; // online only: never on the list
    const userID = peerOfMessage(message, this.client.session.userID());
    this.update(c2cConversationID(userID), true, (c) => {
      if (message.sequence >= c.lastSequence) {
        c.lastMessage = message;
        c.lastSequence = message.sequence;
        c.lastTime = message.time;
      }
      if (unread !== undefined) c.unreadCount = unread;
    });
  }

  /**
   * A delivered (or acknowledged) message or stored tip of a group that keeps its
   * messages. The list read counted everything up to the conversation's `lastSequence`;
   * each newer message of someone else counts one more (Meeting groups count none), and the
   * user's own message reads what came before it, as on the server.
   * @param {Message} message
   * @param {{noLastMessage?: boolean, noUnread?: boolean}} [control] what the send said: the members' conversations do not move, the message does not count as unread
   */
  noteGroupMessage(message, control) {
    if (message.sequence === 0) return; // online only, or a tip not kept: never on the list
    const groupID = message.to;
    const isTip = message.type === TYPES.MSG_GRP_TIP;
    this.update(groupConversationID(groupID), true, (c) => {
      this.describe(c);
      if (message.sequence <= c.lastSequence) return;
      c.lastSequence = message.sequence;
      if (!(control && control.noLastMessage)) {
        c.lastMessage = message;
        c.lastTime = Math.max(c.lastTime, message.time);
      }
      if (isTip) return;
      if (message.flow === 'out') {
        c.unreadCount = 0;
        c.readSequence = message.sequence;
        c.groupAtInfoList = [];
      } else {
        const counts = c.groupProfile === null || c.groupProfile.type !== TYPES.GRP_MEETING;
        if (counts && !(control && control.noUnread)) c.unreadCount += 1;
        noteMention(c.groupAtInfoList, message, this.client.session.userID(), groupID, '');
      }
    });
  }

  /**
   * A message of a group was edited: its conversation's last message shows it.
   * @param {Message} message as it is now
   */
  noteGroupModified(message) {
    this.update(groupConversationID(message.to), false, (c) => {
      if (c.lastMessage && c.lastMessage.sequence === message.sequence) c.lastMessage = message;
    });
  }

  /**
   * A message was recalled.
   * @param {string} conversationID
   * @param {number} sequence
   * @param {number|undefined} unread the count afterwards (one to one, the receiver's side)
   */
  noteRecalled(conversationID, sequence, unread) {
    this.update(conversationID, false, (c) => {
      if (c.lastMessage && c.lastMessage.sequence === sequence) c.lastMessage = revokedCopy(c.lastMessage);
      if (unread !== undefined) c.unreadCount = unread;
      c.groupAtInfoList = c.groupAtInfoList.filter((a) => a.messageSequence !== sequence);
    });
  }

  /**
   * The sender of a message of the list (its last one), when the list has it.
   * @param {string} conversationID
   * @param {number} sequence
   */
  senderOf(conversationID, sequence) {
    const e = this.entries.get(conversationID);
    const last = e ? e.c.lastMessage : null;
    return last && last.sequence === sequence ? last.from : '';
  }

  /**
   * A one-to-one message was edited.
   * @param {Message} message as it is now
   */
  noteModified(message) {
    const userID = peerOfMessage(message, this.client.session.userID());
    this.update(c2cConversationID(userID), false, (c) => {
      if (c.lastMessage && c.lastMessage.sequence === message.sequence) {
        message.isPeerRead = message.flow === 'out' && message.sequence <= c.peerReadSequence;
        c.lastMessage = message;
      }
    });
  }

  /**
   * Sets `isPeerRead` of a one-to-one message of this user from what the other user has read.
   * @param {Message} message
   */
  markPeerRead(message) {
    if (message.flow !== 'out' || message.sequence === 0) return;
    const e = this.entries.get(c2cConversationID(peerOfMessage(message, this.client.session.userID())));
    message.isPeerRead = e !== undefined && message.sequence <= e.c.peerReadSequence;
  }

  /**
   * A `c2c_read` push: this user read a conversation (on any device), or the other user
   * read this user's messages (a read receipt).
   * @param {Fields} f
   */
  onRead(f) {
    const reader = f.str('Reader_Account');
    const peer = f.str('Peer_Account');
    const seq = f.num('Seq');
    const me = this.client.session.userID();
    if (reader === me) {
      const unread = f.maybeNum('Unread');
      this.update(c2cConversationID(peer), false, (c) => {
        c.readSequence = seq;
        if (unread !== undefined) c.unreadCount = unread;
      });
      if (peer !== me) return;
    }
    this.update(c2cConversationID(reader), false, (c) => {
      c.peerReadSequence = Math.max(c.peerReadSequence, seq);
      const last = c.lastMessage;
      if (last && last.flow === 'out' && last.sequence <= seq && !last.isPeerRead) c.lastMessage = { ...last, isPeerRead: true };
    });
    this.client.inbox.emitInOrder(EVENT.MESSAGE_READ_BY_PEER, [
      { conversationID: c2cConversationID(reader), userID: reader, sequence: seq },
    ]);
  }

  /**
   * A `group_read` push: this user read a group on one of its devices, or its count was set.
   * @param {Fields} f
   */
  onGroupRead(f) {
    const seq = f.num('Seq');
    const unread = f.num('Unread');
    const topic = f.optStr('TopicId');
    if (topic !== '') {
      this.client.topics.noteRead(topic, seq, unread);
      return;
    }
    this.update(groupConversationID(f.str('GroupId')), false, (c) => {
      c.readSequence = seq;
      c.unreadCount = unread;
      c.groupAtInfoList = c.groupAtInfoList.filter((a) => a.messageSequence > seq);
    });
  }

  /**
   * A `c2c_conversation` push: this user pinned, unpinned or deleted a conversation on one
   * of its devices (this one included).
   * @param {Fields} f
   */
  onChanged(f) {
    const id = c2cConversationID(f.str('Peer_Account'));
    const action = f.str('Action');
    if (action === 'deleted') {
      this.drop(id);
    } else if (action === 'pinned' || action === 'unpinned') {
      const pinned = action === 'pinned';
      const e = this.entries.get(id);
      if (e === undefined || e.c.isPinned === pinned) return; // this device's own change
      this.update(id, false, (c) => {
        c.isPinned = pinned;
      });
    }
  }

  /**
   * What the SDK knows of a group changed (its name, type, this user's remind type): its
   * conversation shows it.
   * @param {string} groupID
   */
  groupChanged(groupID) {
    const e = this.entries.get(groupConversationID(groupID));
    if (e === undefined) return;
    const before = JSON.stringify([e.c.groupProfile, e.c.messageRemindType, e.c.unreadCount]);
    this.describe(e.c);
    if (JSON.stringify([e.c.groupProfile, e.c.messageRemindType, e.c.unreadCount]) === before) return;
    e.stamp = ++this.stamp;
    this.changed();
  }

  /**
   * The user is no longer in a group: its conversation leaves the list (as the server's).
   * @param {string} groupID
   */
  dropGroup(groupID) {
    this.drop(groupConversationID(groupID));
  }

  /**
   * Fills a group conversation from what the SDK knows of the group.
   * @private
   * @param {Conversation} c
   */
  describe(c) {
    if (c.type !== TYPES.CONV_GROUP) return;
    const info = this.client.groups.info(c.groupID);
    if (info === undefined) return;
    c.groupProfile = { groupID: c.groupID, type: info.type, name: info.name, avatar: info.avatar };
    c.messageRemindType = info.messageRemindType;
    if (info.type === TYPES.GRP_MEETING) c.unreadCount = 0;
  }

  /**
   * Takes a conversation off the list (until its next message).
   * @private
   * @param {string} conversationID
   */
  drop(conversationID) {
    if (!this.entries.delete(conversationID)) return;
    this.stamp += 1;
    this.changed();
  }

  /**
   * Changes a conversation (creating it when `create`) and schedules the announcement.
   * @private
   * @param {string} conversationID
   * @param {boolean} create
   * @param {(c: Conversation) => void} change
   */
  update(conversationID, create, change) {
    let e = this.entries.get(conversationID);
    if (e === undefined) {
      if (!create) return;
      const group = isGroupConversation(conversationID);
      const c = group
        ? emptyConversation(TYPES.CONV_GROUP, groupOfConversation(conversationID))
        : emptyConversation(TYPES.CONV_C2C, peerOfConversation(conversationID));
      e = { c, stamp: 0 };
      this.entries.set(conversationID, e);
    }
    change(e.c);
    e.stamp = ++this.stamp;
    this.changed();
  }

  /**
   * @private
   * @returns {Conversation[]}
   */
  sorted() {
    // Of two conversations whose last messages came in the same second, the one that
    // changed last here comes first.
    return Array.from(this.entries.values())
      .sort((a, b) => compareConversations(a.c, b.c, b.stamp - a.stamp))
      .map((e) => copyConversation(e.c));
  }

  /**
   * Announces the list (and the total when it changed) once for the changes of this turn,
   * after the messages delivered with them.
   * @private
   */
  changed() {
    if (this.emitTimer !== null) return;
    this.emitTimer = setTimeout(() => {
      this.emitTimer = null;
      const { inbox } = this.client;
      inbox.emitInOrder(EVENT.CONVERSATION_LIST_UPDATED, this.sorted());
      const total = this.total();
      if (total !== this.announcedTotal) {
        this.announcedTotal = total;
        inbox.emitInOrder(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, total);
      }
    }, 0);
  }

  /** The session is over. */
  reset() {
    if (this.emitTimer !== null) clearTimeout(this.emitTimer);
    this.emitTimer = null;
    this.entries.clear();
    this.announcedTotal = 0;
  }
}

// src/c2c.js
// One-to-one messages: sending (acknowledged, and again after a reconnect), history pages,
// recall, edit and typing notices, and the pushes about them (`c2c`, `c2c_recalled`,
// `c2c_modified`, `typing`). Delivery order and catching up are chat-sync.js's.


/**
 * Options of `sendMessage` for a one-to-one message (the reference's names).
 * @typedef {Object} SendOptions
 * @property {boolean} [onlineUserOnly] deliver to the receiver's online devices only; never stored (`sequence` 0)
 * @property {{excludedFromUnreadCount?: boolean}} [messageControlInfo] excludedFromUnreadCount: the receiver's unread count does not grow
 */

/** Default and largest `count` of `getMessageList`. */
const HISTORY_PAGE$1 = 15;
const HISTORY_PAGE_MAX$1 = 100;

/** How long a typing notice holds, ms, unless another one or a message follows. */
const TYPING_HOLD_MS = 5000;

/**
 * @param {string} userID
 * @param {number} clientSequence
 * @param {number} random
 */
function sendKey(userID, clientSequence, random) {
  return `${userID}\n${clientSequence}\n${random}`;
}

/**
 * @param {unknown} message
 * @param {string} what the call, for the error
 * @returns {Message}
 */
function requireC2C(message, what) {
  if (!isObject(message) || message.conversationType !== TYPES.CONV_C2C)
    throw invalid(`${what} takes a one-to-one message (conversationType C2C)`);
  const m = /** @type {Message} */ (/** @type {unknown} */ (message));
  if (m.messageKey === '') throw invalid(`${what}: the message was not sent`);
  return m;
}

class C2C {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private @type {Map<string, Message>} sends awaiting their reply */
    this.outgoing = new Map();
    /** @private @type {Map<string, ReturnType<typeof setTimeout>>} users typing now, by ID */
    this.typing = new Map();
  }

  /**
   * `Chat#sendMessage` of a one-to-one message.
   * @param {Message} message
   * @param {SendOptions} [options]
   * @returns {Promise<Response<{message: Message}>>}
   */
  async send(message, options = {}) {
    if (!isObject(options)) throw invalid('the options of sendMessage must be an object');
    const online = options.onlineUserOnly;
    if (online !== undefined && typeof online !== 'boolean') throw invalid('onlineUserOnly must be a boolean');
    const control = options.messageControlInfo;
    if (control !== undefined && !isObject(control)) throw invalid('messageControlInfo must be an object');
    const noUnread = control ? control.excludedFromUnreadCount : undefined;
    if (noUnread !== undefined && typeof noUnread !== 'boolean')
      throw invalid('messageControlInfo.excludedFromUnreadCount must be a boolean');
    const { client } = this;
    client.sync.activate();
    const key = sendKey(message.to, message.clientSequence, message.random);
    message.status = 'sending';
    this.outgoing.set(key, message);
    const epoch = client.session.epoch;
    /** @type {Record<string, unknown>} */
    const frame = {
      op: 'send_c2c',
      To_Account: message.to,
      MsgBody: message.elements.map((el) => ({ MsgType: el.type, MsgContent: el.content })),
      // With the content, these make a repeat after a reconnect the same message.
      MsgSeq: message.clientSequence,
      MsgRandom: message.random,
    };
    if (message.cloudCustomData !== '') frame.CloudCustomData = message.cloudCustomData;
    if (message.needReadReceipt) frame.NeedReadReceipt = true;
    if (online) frame.OnlineOnly = true;
    if (noUnread) frame.NoUnread = true;
    try {
      const reply = await client.requests.request(frame);
      const ack = decodeOrThrow(() => ({
        sequence: reply.num('Seq'),
        messageKey: reply.str('MsgKey'),
        time: reply.num('MsgTime'),
      }));
      message.from = client.session.userID();
      message.ID = `${message.from}-${message.clientSequence}-${message.random}`;
      message.sequence = ack.sequence;
      message.messageKey = ack.messageKey;
      message.time = ack.time;
      message.onlineOnly = online === true;
      message.status = 'success';
      if (epoch === client.session.epoch) client.sync.acknowledgedC2C(message);
      return { code: 0, data: { message } };
    } catch (err) {
      message.status = 'fail';
      const e = /** @type {LiveRoomError} */ (err);
      e.data = { ...e.data, message };
      throw e;
    } finally {
      this.outgoing.delete(key);
    }
  }

  /**
   * Whether `m` is one of this client's sends still awaiting its reply (the reply reports it).
   * @param {Message} m
   */
  isOutgoing(m) {
    return m.from === this.client.session.userID() && this.outgoing.has(sendKey(m.to, m.clientSequence, m.random));
  }

  /**
   * `Chat#getMessageList`
   * @param {{conversationID: string, nextReqMessageID?: string, count?: number}} options
   * @returns {Promise<Response<{messageList: Message[], nextReqMessageID: string, isCompleted: boolean}>>}
   */
  async history(options) {
    if (!isObject(options)) throw invalid('getMessageList needs {conversationID}');
    const userID = peerOfConversation(options.conversationID);
    const count = options.count === undefined ? HISTORY_PAGE$1 : options.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > HISTORY_PAGE_MAX$1)
      throw invalid(`count must be 1 to ${HISTORY_PAGE_MAX$1}`);
    /** @type {Record<string, unknown>} */
    const frame = { op: 'get_c2c_messages', Peer_Account: userID, Count: count };
    const next = options.nextReqMessageID;
    if (next !== undefined && next !== '') {
      if (typeof next !== 'string' || !/^[1-9][0-9]*$/.test(next))
        throw invalid('nextReqMessageID must be what a previous page returned');
      frame.BeforeSeq = Number(next);
    }
    const { client } = this;
    client.sync.activate();
    const me = client.session.userID();
    const reply = await client.requests.request(frame);
    const page = decodeOrThrow(() => ({
      messages: reply
        .arr('Messages')
        .map((m, i) => decodeC2CMessage(new Fields(m, `get_c2c_messages.Messages[${i}]`), me)),
      complete: reply.optBool('Complete'),
    }));
    // Newest first from the server; oldest first for the application.
    const messageList = page.messages.reverse();
    for (const m of messageList) client.conversations.markPeerRead(m);
    const oldest = messageList[0];
    const isCompleted = page.complete || oldest === undefined;
    return {
      code: 0,
      data: { messageList, nextReqMessageID: isCompleted ? '' : String(oldest.sequence), isCompleted },
    };
  }

  /**
   * `Chat#revokeMessage`
   * @param {Message} message
   * @returns {Promise<Response<{message: Message}>>}
   */
  async revoke(message) {
    const m = requireC2C(message, 'revokeMessage');
    const userID = peerOfMessage(m, this.client.session.userID());
    await this.client.requests.request({ op: 'recall_c2c', Peer_Account: userID, MsgKey: m.messageKey });
    m.isRevoked = true;
    return { code: 0, data: { message: m } };
  }

  /**
   * `Chat#modifyMessage`
   * @param {Message} message
   * @returns {Promise<Response<{message: Message}>>}
   */
  async modify(message) {
    const m = requireC2C(message, 'modifyMessage');
    const elements = elementsOfPayload(m);
    if (elements.length === 0) throw invalid('modifyMessage: the message has no content');
    const userID = peerOfMessage(m, this.client.session.userID());
    await this.client.requests.request({
      op: 'modify_c2c',
      Peer_Account: userID,
      MsgKey: m.messageKey,
      MsgBody: elements.map((el) => ({ MsgType: el.type, MsgContent: el.content })),
      CloudCustomData: m.cloudCustomData,
    });
    m.elements = elements;
    m.isModified = true;
    return { code: 0, data: { message: m } };
  }

  /**
   * `Chat#sendTypingStatus`
   * @param {{conversationID: string}} options
   * @returns {Promise<Response<{sent: boolean}>>}
   */
  async sendTyping(options) {
    const userID = peerOfConversation(isObject(options) ? options.conversationID : undefined);
    this.client.sync.activate();
    const reply = await this.client.requests.request({ op: 'typing', To_Account: userID });
    return { code: 0, data: { sent: reply.optBool('Sent') } };
  }

  /**
   * A `c2c` push.
   * @param {Fields} f
   */
  onPush(f) {
    const message = decodeC2CMessage(f, this.client.session.userID());
    this.client.sync.onC2C(message, f.maybeNum('Unread'));
  }

  /**
   * A `c2c_recalled` push.
   * @param {Fields} f
   */
  onRecalled(f) {
    const { client } = this;
    client.sync.activate();
    const me = client.session.userID();
    const from = f.str('From_Account');
    const to = f.str('To_Account');
    const sequence = f.num('Seq');
    const messageKey = f.str('MsgKey');
    const unread = f.maybeNum('Unread');
    const userID = peerOfMessage({ from, to }, me);
    const conversationID = c2cConversationID(userID);
    client.sync.c2c.whenDelivered(userID, sequence, () => {
      client.conversations.noteRecalled(conversationID, sequence, unread);
      client.inbox.emitInOrder(EVENT.MESSAGE_REVOKED, [
        { conversationID, sequence, messageKey, from, to, isRevoked: true },
      ]);
    });
  }

  /**
   * A `c2c_modified` push.
   * @param {Fields} f
   */
  onModified(f) {
    const { client } = this;
    client.sync.activate();
    const message = decodeC2CMessage(f, client.session.userID());
    const userID = peerOfMessage(message, client.session.userID());
    client.sync.c2c.whenDelivered(userID, message.sequence, () => {
      client.conversations.noteModified(message);
      client.inbox.emitInOrder(EVENT.MESSAGE_MODIFIED, [message]);
    });
  }

  /**
   * A `typing` push: the user is typing to this one, for a few seconds.
   * @param {Fields} f
   */
  onTyping(f) {
    const userID = f.str('From_Account');
    const before = this.typing.get(userID);
    if (before !== undefined) clearTimeout(before);
    this.typing.set(
      userID,
      setTimeout(() => this.stopTyping(userID), TYPING_HOLD_MS),
    );
    if (before === undefined) this.announceTyping(userID, true);
  }

  /**
   * A message was delivered: its sender is no longer typing.
   * @param {Message} message
   */
  heard(message) {
    if (message.flow === 'in') this.stopTyping(message.from);
  }

  /**
   * @private
   * @param {string} userID
   */
  stopTyping(userID) {
    const timer = this.typing.get(userID);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.typing.delete(userID);
    this.announceTyping(userID, false);
  }

  /**
   * @private
   * @param {string} userID
   * @param {boolean} isTyping
   */
  announceTyping(userID, isTyping) {
    this.client.inbox.emitInOrder(EVENT.TYPING_STATUS_UPDATED, {
      conversationID: c2cConversationID(userID),
      userID,
      isTyping,
    });
  }

  /** The session is over. */
  reset() {
    for (const timer of this.typing.values()) clearTimeout(timer);
    this.typing.clear();
    this.outgoing.clear();
  }
}

// src/thread-sync.js
// Numbered threads reach the application exactly once and in order: a one-to-one
// conversation, or a group that keeps its messages. One `ThreadSync` keeps the threads of
// one kind; chat-sync.js reads the conversation list and tells it where each thread stands.
//
// Per thread the SDK keeps `seq`, the highest number handed to the application (delivered,
// or the application's own acknowledged send). A push numbered `seq + 1` is delivered at
// once; one that skips numbers waits (`ahead`) while the SDK asks for what it lacks (a page
// after `seq`, page after page until complete), then everything is delivered in order, each
// number once. Pushes that arrive meanwhile join `ahead`, so none is delivered twice or out
// of order.
//
// A thread's starting point: at the first list read of a session, its last number (what
// came before is history), or just below the first push that came first; one first heard of
// by a push while the list is known, just below that push; one first seen in the list read
// after a reconnect, its last message from before the session began (found by time), since
// everything after it was sent while the client was away.


/** `seq` before the thread's starting point is known. */
const UNKNOWN = -1;

/** Messages per catch-up page (the protocol's maximum). */
const PAGE = 100;

/**
 * One thread's delivery state.
 * @template E
 */
class Thread {
  constructor() {
    /** the highest number the application has (UNKNOWN: not decided yet) */
    this.seq = UNKNOWN;
    /** @type {Map<number, E | 'own'>} numbers above `seq` already here: pushes waiting for a gap to fill, or the application's own sends */
    this.ahead = new Map();
    /** a catch-up is running */
    this.catching = false;
    /** run the catch-up once more when it ends */
    this.again = false;
    /** Unix seconds: find the starting point by time first (a thread new after a reconnect); 0 none */
    this.horizon = 0;
    /** @type {Array<{seq: number, run: () => void}>} events about messages not delivered yet */
    this.after = [];
  }

  /** The lowest number waiting, or Infinity. */
  lowestAhead() {
    let low = Infinity;
    for (const k of this.ahead.keys()) low = Math.min(low, k);
    return low;
  }
}

/**
 * The threads of one kind; `E` is what a push leaves waiting.
 * @template E
 */
class ThreadSync {
  /**
   * What differs between the kinds of threads (`kind`): `name` for logs; `request`, the
   * history request of a thread (`get_c2c_messages`, `get_group_messages`) without its
   * place and count, and `decode`, an entry of its `Messages` (of the thread `key`); `deliver` hands a push that
   * waited over, `deliverFetched` a message of a page; `isOwnPending`, one of this client's
   * sends still awaiting its reply (the reply reports it).
   * @param {Client} client
   * @param {{syncing: boolean}} list whether the conversation list is being read (a new thread's start waits for it)
   * @param {{name: string, request: (key: string) => Record<string, unknown>, decode: (entry: Fields, key: string) => Message, deliver: (entry: E) => void, deliverFetched: (message: Message) => void, isOwnPending: (message: Message) => boolean}} kind
   */
  constructor(client, list, kind) {
    /** @private */
    this.client = client;
    /** @private */
    this.list = list;
    /** @private */
    this.kind = kind;
    /** @private @type {Map<string, Thread<E>>} */
    this.threads = new Map();
  }

  /**
   * Whether the thread is followed.
   * @param {string} key
   */
  has(key) {
    return this.threads.has(key);
  }

  /**
   * Stops following a thread (the user left the group); what waited for it is dropped.
   * @param {string} key
   */
  forget(key) {
    const st = this.threads.get(key);
    if (st === undefined) return;
    this.threads.delete(key);
    for (const a of st.after.splice(0)) a.run();
  }

  /** The session is over. */
  reset() {
    this.threads.clear();
  }

  /**
   * A numbered message arrived: a push (`entry`), or the application's own send (`'own'`).
   * @param {string} key
   * @param {number} seq
   * @param {E | 'own'} entry
   */
  arrived(key, seq, entry) {
    let st = this.threads.get(key);
    if (st === undefined) {
      st = new Thread();
      this.threads.set(key, st);
      // Heard of first while the list is known: what came before is history.
      if (!this.list.syncing) st.seq = seq - 1;
    }
    if (st.seq !== UNKNOWN && seq <= st.seq) {
      this.client.log.debug(`dropped a repeated message ${this.kind.name} ${key}#${seq}`);
      return;
    }
    st.ahead.set(seq, entry);
    if (st.seq === UNKNOWN || st.catching) return;
    this.drain(st, false);
    if (st.ahead.size > 0) this.catchUp(key, st);
  }

  /**
   * Runs `run` (an event about message `seq`) once that message was delivered, so the event
   * never comes before it.
   * @param {string} key
   * @param {number} seq
   * @param {() => void} run
   */
  whenDelivered(key, seq, run) {
    const st = this.threads.get(key);
    if (st === undefined || this.settled(st) || (st.seq !== UNKNOWN && seq <= st.seq)) run();
    else st.after.push({ seq, run });
  }

  /**
   * The list read says the thread's last number is `last`: catches up when it is behind.
   * @param {string} key
   * @param {number} last
   * @param {boolean} first the session's first list read
   * @param {number} horizon Unix seconds the session began (by the server's clock)
   */
  listed(key, last, first, horizon) {
    const st = this.threads.get(key) || new Thread();
    this.threads.set(key, st);
    if (st.seq === UNKNOWN) {
      if (first) st.seq = Math.min(last, st.lowestAhead() - 1);
      else st.horizon = horizon;
    }
    if (st.seq === UNKNOWN || last > st.seq || st.ahead.size > 0) this.catchUp(key, st);
    else this.runAfter(st);
  }

  /**
   * After a list read: the threads it did not list. Those heard of only by pushes began
   * after the read and start with their first push; of the others, those `gone` says are
   * no more (a group the user left) are forgotten once nothing of them waits.
   * @param {Set<string>} listed
   * @param {(key: string) => boolean} gone
   */
  unlisted(listed, gone) {
    for (const [key, st] of Array.from(this.threads)) {
      if (listed.has(key)) continue;
      if (st.seq !== UNKNOWN) {
        if (this.settled(st) && gone(key)) this.forget(key);
        continue;
      }
      if (st.ahead.size === 0) {
        // Only events waited here: the thread is not known after all.
        this.forget(key);
        continue;
      }
      // Not on the list yet: it began after the read, with the first push.
      st.seq = st.lowestAhead() - 1;
      this.drain(st, false);
      if (st.ahead.size > 0) this.catchUp(key, st);
    }
  }

  /**
   * Whether nothing of the thread waits: its events need not either.
   * @private
   * @param {Thread<E>} st
   */
  settled(st) {
    return st.seq !== UNKNOWN && !st.catching && st.ahead.size === 0;
  }

  /**
   * Asks for everything after `seq` and delivers it with what waits, in order.
   * @private
   * @param {string} key
   * @param {Thread<E>} st
   */
  async catchUp(key, st) {
    if (st.catching) {
      st.again = true;
      return;
    }
    st.catching = true;
    const session = this.client.session;
    const epoch = session.epoch;
    try {
      if (st.seq === UNKNOWN) st.seq = await this.lastBefore(key, st.horizon);
      st.horizon = 0;
      do {
        st.again = false;
        for (;;) {
          if (epoch !== session.epoch || this.threads.get(key) !== st) return;
          const page = await this.page(key, { AfterSeq: st.seq });
          if (epoch !== session.epoch || this.threads.get(key) !== st) return;
          for (const m of page.messages) this.accept(st, m);
          if (page.complete || page.messages.length === 0) break;
        }
        this.drain(st, true);
      } while (st.again);
    } catch (err) {
      // The connection dropped, or the server failed: the next reconnect (or gap) tries again.
      if (epoch === session.epoch) this.client.log.warn(`catching up with ${this.kind.name} ${key} failed`, err);
    } finally {
      if (epoch === session.epoch) {
        st.catching = false;
        this.runAfter(st);
      }
    }
  }

  /**
   * The number of the last message of a thread sent before `horizon`, or 0.
   * @private
   * @param {string} key
   * @param {number} horizon Unix seconds
   */
  async lastBefore(key, horizon) {
    /** @type {Record<string, number>} */
    let where = {};
    for (;;) {
      const page = await this.page(key, where);
      for (const m of page.messages) if (m.time < horizon) return m.sequence;
      if (page.complete || page.messages.length === 0) return 0;
      where = { BeforeSeq: page.messages[page.messages.length - 1].sequence };
    }
  }

  /**
   * A page of a thread's history: `AfterSeq` oldest first, `BeforeSeq` (absent: from the
   * newest) newest first.
   * @private
   * @param {string} key
   * @param {Record<string, number>} where
   * @returns {Promise<{messages: Message[], complete: boolean}>}
   */
  async page(key, where) {
    /** @type {Record<string, unknown>} */
    const frame = { ...this.kind.request(key), Count: PAGE, ...where };
    const reply = await this.client.requests.request(frame);
    const op = String(frame.op);
    return decodeOrThrow(() => ({
      messages: reply.arr('Messages').map((m, i) => this.kind.decode(new Fields(m, `${op}.Messages[${i}]`), key)),
      complete: reply.optBool('Complete'),
    }));
  }

  /**
   * A message of a catch-up page.
   * @private
   * @param {Thread<E>} st
   * @param {Message} m
   */
  accept(st, m) {
    if (m.sequence <= st.seq) return;
    // Pushed but not listed (its history was cleared meanwhile): it still goes first.
    for (const k of Array.from(st.ahead.keys()).sort((a, b) => a - b)) {
      if (k >= m.sequence) break;
      this.take(st, k);
    }
    const held = st.ahead.get(m.sequence);
    st.ahead.delete(m.sequence);
    st.seq = m.sequence;
    if (held === 'own' || this.kind.isOwnPending(m)) return; // the application has it
    // The push carried more (the sender's level, one-to-one unread counts): prefer it.
    if (held !== undefined) this.kind.deliver(held);
    else this.kind.deliverFetched(m);
  }

  /**
   * Delivers what waits in order: while the numbers follow on, or (`all`, after a complete
   * catch-up) everything.
   * @private
   * @param {Thread<E>} st
   * @param {boolean} all
   */
  drain(st, all) {
    for (const k of Array.from(st.ahead.keys()).sort((a, b) => a - b)) {
      if (k <= st.seq) {
        st.ahead.delete(k);
        continue;
      }
      if (!all && k !== st.seq + 1) break;
      this.take(st, k);
    }
    this.runAfter(st);
  }

  /**
   * @private
   * @param {Thread<E>} st
   * @param {number} k
   */
  take(st, k) {
    const entry = st.ahead.get(k);
    st.ahead.delete(k);
    st.seq = Math.max(st.seq, k);
    if (entry !== undefined && entry !== 'own') this.kind.deliver(entry);
  }

  /**
   * Runs the events whose message was delivered (all of them once nothing waits).
   * @private
   * @param {Thread<E>} st
   */
  runAfter(st) {
    if (st.after.length === 0) return;
    const all = this.settled(st);
    const keep = [];
    for (const a of st.after.splice(0)) {
      if (all || a.seq <= st.seq) a.run();
      else keep.push(a);
    }
    st.after = keep;
  }
}

// src/chat-sync.js
// Following the conversations: one-to-one messages and those of the groups that keep their
// messages reach the application exactly once and in order, across reconnects.
//
// Each conversation is a numbered thread (thread-sync.js: one `ThreadSync` for one-to-one
// conversations, one for groups and communities' topics). After the session begins, and
// after every reconnect, the SDK reads the conversation list and the topics of the user's
// communities and tells each thread its last number: a thread behind it fetches what it
// lacks (`get_c2c_messages` or `get_group_messages` after its number).
//
// The SDK follows conversations from the first chat call, push or event handler of the
// instance on (`activate`), so a live-room-only client never reads the list.


/** How long after a failed list read (on a live connection) it is tried again, ms. */
const SYNC_RETRY_MS = 2000;

/** Seconds of clock difference tolerated when telling messages from before the session. */
const CLOCK_SLACK_SECS = 2;

class ChatSync {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** whether the instance follows conversations (see the top of this file) */
    this.active = false;
    /** the list has not been read since the session began or the connection dropped */
    this.syncing = true;
    /** @private whether the list was read once in this session */
    this.synced = false;
    /** @private bumped by every list read and by `reset`, so an older one stops */
    this.gen = 0;
    /** @private when the session began (ms, local clock) */
    this.startedAt = 0;
    /** @private the server's clock less ours, seconds, from live pushes */
    this.clockOffset = 0;
    /** @private @type {ReturnType<typeof setTimeout> | null} */
    this.retryTimer = null;
    /**
     * One-to-one conversations, by the other user's ID.
     * @type {ThreadSync<{message: Message, unread: number|undefined}>}
     */
    this.c2c = new ThreadSync(client, this, {
      name: 'conversation',
      request: (userID) => ({ op: 'get_c2c_messages', Peer_Account: userID }),
      decode: (f) => decodeC2CMessage(f, client.session.userID()),
      deliver: (entry) => this.deliverC2C(entry.message, entry.unread),
      deliverFetched: (message) => this.deliverC2C(message, undefined),
      isOwnPending: (message) => client.c2c.isOutgoing(message),
    });
    /**
     * Groups that keep their messages, by group ID, and communities' topics, by topic ID.
     * @type {ThreadSync<Message>}
     */
    this.groups = new ThreadSync(client, this, {
      name: 'group',
      request: (thread) => ({ op: 'get_group_messages', ...threadFields(thread) }),
      decode: (f, thread) => decodeGroupRecord(f, client.session.userID(), thread),
      deliver: (message) => client.groupChat.deliver(message),
      deliverFetched: (message) => client.groupChat.deliver(message),
      isOwnPending: (message) => client.messages.isOutgoing(message),
    });
  }

  /** The application uses chat: follow the conversations from now on. */
  activate() {
    if (this.active) return;
    this.active = true;
    if (this.client.session.ready) this.sessionReady();
  }

  /** The session is usable: logged in, or back after a reconnect. */
  sessionReady() {
    const me = this.client.session.me;
    if (me === null || me.isGuest) return;
    if (this.startedAt === 0) this.startedAt = Date.now();
    if (this.active) this.sync();
  }

  /** The connection dropped: until the list is read again, new conversations wait. */
  connectionLost() {
    this.syncing = true;
    this.gen += 1;
    this.clearRetry();
  }

  /** The session is over. */
  reset() {
    this.gen += 1;
    this.clearRetry();
    this.c2c.reset();
    this.groups.reset();
    this.syncing = true;
    this.synced = false;
    this.startedAt = 0;
  }

  /**
   * A live push's time: the server's clock, for telling what came before the session.
   * @param {number} time Unix seconds
   */
  serverTime(time) {
    this.clockOffset = time - Math.floor(Date.now() / 1000);
  }

  /**
   * A `c2c` push.
   * @param {Message} message
   * @param {number|undefined} unread
   */
  onC2C(message, unread) {
    this.activate();
    this.serverTime(message.time);
    if (message.sequence === 0) {
      this.deliverC2C(message, unread); // online only: not numbered
      return;
    }
    this.c2c.arrived(peerOfMessage(message, this.client.session.userID()), message.sequence, { message, unread });
  }

  /**
   * The application's own one-to-one send was acknowledged: it has the message already.
   * @param {Message} message
   */
  acknowledgedC2C(message) {
    if (message.sequence === 0) return;
    this.client.conversations.noteMessage(message);
    this.c2c.arrived(message.to, message.sequence, 'own');
  }

  /**
   * Reads the list and catches up every conversation that is behind it.
   * @private
   */
  async sync() {
    const gen = ++this.gen;
    this.clearRetry();
    this.syncing = true;
    let found;
    let topics;
    try {
      found = await this.client.conversations.load();
      if (gen !== this.gen) return;
      // The communities' topics (the list read told the SDK which groups are communities).
      topics = await this.client.topics.readAll();
    } catch (err) {
      if (gen !== this.gen) return;
      this.client.log.warn('reading the conversation list failed; trying again', err);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (gen === this.gen && this.client.session.ready) this.sync();
      }, SYNC_RETRY_MS);
      return;
    }
    if (gen !== this.gen) return;
    const first = !this.synced;
    this.synced = true;
    this.syncing = false;
    const horizon = Math.floor(this.startedAt / 1000) + this.clockOffset - CLOCK_SLACK_SECS;
    /** @type {Set<string>} */
    const users = new Set();
    /** @type {Set<string>} */
    const groups = new Set();
    // The least recent first: what they deliver comes in about the order it was sent.
    for (const c of found.slice().reverse()) {
      if (c.type === TYPES.CONV_C2C) {
        users.add(c.userID);
        this.c2c.listed(c.userID, c.lastSequence, first, horizon);
      } else {
        groups.add(c.groupID);
        this.groups.listed(c.groupID, c.lastSequence, first, horizon);
      }
    }
    for (const t of topics) {
      groups.add(t.topicID);
      this.groups.listed(t.topicID, t.lastSequence, first, horizon);
    }
    this.c2c.unlisted(users, () => false);
    // A group off the list and off the user's groups (read with it) is one the user left; a
    // topic the SDK no longer knows was deleted.
    this.groups.unlisted(groups, (key) =>
      isTopicID(key) ? !this.client.topics.has(key) : this.client.groups.info(key) === undefined,
    );
  }

  /**
   * @private
   * @param {Message} message
   * @param {number|undefined} unread
   */
  deliverC2C(message, unread) {
    const { conversations, inbox, c2c } = this.client;
    conversations.markPeerRead(message);
    inbox.deliver(message);
    conversations.noteMessage(message, unread);
    c2c.heard(message);
  }

  /** @private */
  clearRetry() {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}

// src/groups.js
// Groups that keep their members and messages (Work, Public, Meeting, Community): creating
// them, joining (at once, or by a request an owner or admin answers), quitting, dismissing
// and handing them on, the user's group list (GROUP_LIST_UPDATED), and what the SDK knows
// of each of the user's groups (type, name, this user's role and remind type), which also
// tells their pushes from a live room's. Members and requests are group-members.js's,
// messages group-chat.js's.


/**
 * One of the user's groups (`getGroupList`, `createGroup`, GROUP_LIST_UPDATED).
 * @typedef {Object} Group
 * @property {string} groupID
 * @property {GroupType} type one of `TYPES.GRP_*`
 * @property {string} name
 * @property {string} avatar the group's face URL
 * @property {{role: MemberRole, messageRemindType: MessageRemindType}} selfInfo this user's place in it
 * @property {number} unreadCount messages of others not read yet (Meeting groups count none)
 * @property {number} readSequence read up to this `sequence`
 * @property {number} lastSequence the newest message's (or stored tip's) `sequence`
 * @property {number} lastTime when the group was last active (Unix seconds)
 * @property {boolean} isPinned its conversation is pinned
 * @property {Message|null} lastMessage
 */

/**
 * A group's profile and settings as `getGroupProfile` reads them.
 * @typedef {GroupProfile & {memberCount: number, maxMemberCount: number, joinOption: string, inviteOption: string, createTime: number, nextMessageSeq: number, isSupportTopic: boolean}} GroupInfo
 * memberCount: stored members (a live room's: online now); joinOption and inviteOption: `TYPES.JOIN_OPTIONS_*`, `TYPES.INVITE_OPTIONS_*`; nextMessageSeq: the `sequence` the group's next message gets; isSupportTopic: a community with topics
 */

/**
 * @typedef {Object} CreateGroupOptions
 * @property {GroupType|'Work'|'Meeting'} type one of `TYPES.GRP_*`
 * @property {string} name
 * @property {string} [groupID] the group's ID (the server picks one when absent)
 * @property {string} [introduction]
 * @property {string} [notification]
 * @property {string} [avatar] the group's face URL
 * @property {number} [maxMemberNum] 0 or absent: the type's default
 * @property {string} [joinOption] `TYPES.JOIN_OPTIONS_*` (Public, Meeting and Community groups)
 * @property {string} [inviteOption] `TYPES.INVITE_OPTIONS_*`
 * @property {Array<string|{userID: string, role?: string}>} [memberList] members besides this user (at most 100), as ordinary members
 * @property {boolean} [isSupportTopic] Community groups
 */

const JOIN_OPTIONS = new Set(['FreeAccess', 'NeedPermission', 'DisableApply']);
const INVITE_OPTIONS = new Set(['FreeAccess', 'NeedPermission', 'DisableInvite']);
const REMIND_TYPES = new Set(['AcceptAndNotify', 'AcceptNotNotify', 'Discard']);

/** The server's error when the caller is a member already (`join_group`). */
const ALREADY_MEMBER = 10013;
/** The server's error for "not permitted", also a live room named in `join_group`. */
const NOT_PERMITTED = 10007;

/**
 * @param {string} raw
 * @returns {GroupType}
 */
function groupType(raw) {
  if (raw === 'Work') return 'Private';
  if (raw === 'Meeting') return 'ChatRoom';
  return /** @type {GroupType} */ (raw);
}

/**
 * @param {string} raw
 * @returns {MemberRole}
 */
function memberRole(raw) {
  return raw === 'Owner' || raw === 'Admin' ? raw : 'Member';
}

/**
 * @param {string} raw
 * @returns {MessageRemindType}
 */
function remindType(raw) {
  return REMIND_TYPES.has(raw) ? /** @type {MessageRemindType} */ (raw) : 'AcceptAndNotify';
}

/**
 * An entry of `get_joined_groups`.
 * @param {Fields} f
 * @param {string} me
 * @returns {Group}
 */
function decodeGroup(f, me) {
  const type = groupType(f.str('Type'));
  return {
    groupID: f.str('GroupId'),
    type,
    name: f.optStr('Name'),
    avatar: f.optStr('FaceUrl'),
    selfInfo: { role: memberRole(f.optStr('Role')), messageRemindType: remindType(f.optStr('MsgFlag')) },
    unreadCount: type === TYPES.GRP_MEETING ? 0 : f.optNum('Unread'),
    readSequence: f.optNum('ReadSeq'),
    lastSequence: f.optNum('LastSeq'),
    lastTime: f.optNum('LastTime'),
    isPinned: f.optBool('Pinned'),
    lastMessage: f.has('LastMessage') ? decodeGroupRecord(new Fields(f.o.LastMessage, `${f.where}.LastMessage`), me) : null,
  };
}

class Groups {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /**
     * What the SDK knows of the user's groups, by ID: type, name, face URL, this user's
     * role (`''` unknown) and remind type.
     * @private
     * @type {Map<string, {type: GroupType, name: string, avatar: string, role: MemberRole|'', messageRemindType: MessageRemindType}>}
     */
    this.infos = new Map();
    /** @private @type {Map<string, boolean>} whether communities have topics, once read */
    this.topicSupport = new Map();
    /** @private a read of the user's groups is running (for groups first heard of by a push) */
    this.refreshing = false;
    /** @private a group was first heard of during that read: read once more */
    this.again = false;
    /** @private */
    this.feed = new ListFeed(client, EVENT.GROUP_LIST_UPDATED, () => this.readJoined());
  }

  /**
   * What the SDK knows of one of the user's groups.
   * @param {string} groupID
   */
  info(groupID) {
    return this.infos.get(groupID);
  }

  /**
   * The IDs of the user's groups of a type, as the SDK knows them.
   * @param {GroupType} type
   * @returns {string[]}
   */
  ids(type) {
    return Array.from(this.infos).filter(([, g]) => g.type === type).map(([id]) => id);
  }

  /** Whether the SDK knows the user to be in any group. */
  any() {
    return this.infos.size > 0;
  }

  /**
   * Whether pushes about `groupID` are a group's that keeps its messages rather than a live
   * room's: not a room this connection is in (or joining, or left lately), and a group the
   * user is in, or one it is not known to be in yet (members receive their groups from
   * login on, without joining).
   * @param {string} groupID
   */
  isStored(groupID) {
    const { rooms, sync, session } = this.client;
    if (session.me === null || session.me.isGuest) return false;
    if (isTopicID(groupID)) return true;
    if (rooms.get(groupID)) return false;
    if (this.infos.has(groupID) || sync.groups.has(groupID)) return true;
    return !rooms.wasLive(groupID);
  }

  /**
   * Reads the user's groups (`get_joined_groups`) and remembers them.
   * @returns {Promise<Group[]>}
   */
  async readJoined() {
    const { requests, session, conversations } = this.client;
    const epoch = session.epoch;
    const me = session.userID();
    const reply = await requests.request({ op: 'get_joined_groups' });
    const list = decodeOrThrow(() =>
      reply.arr('Groups').map((g, i) => decodeGroup(new Fields(g, `get_joined_groups.Groups[${i}]`), me)),
    );
    if (epoch !== session.epoch) return list;
    this.infos.clear();
    for (const g of list) {
      this.infos.set(g.groupID, {
        type: g.type,
        name: g.name,
        avatar: g.avatar,
        role: g.selfInfo.role,
        messageRemindType: g.selfInfo.messageRemindType,
      });
      conversations.groupChanged(g.groupID);
    }
    return list;
  }

  /**
   * A group first heard of (a push of a group the SDK did not know the user to be in, such
   * as one created with the user among its members): reads the user's groups to describe
   * it; the group list changed.
   * @param {string} groupID
   */
  async learn(groupID) {
    if (this.infos.has(groupID)) return;
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = true;
    const { session, log } = this.client;
    const epoch = session.epoch;
    try {
      do {
        this.again = false;
        await this.readJoined();
      } while (this.again && epoch === session.epoch);
      if (epoch === session.epoch) this.feed.changed();
    } catch (err) {
      if (epoch === session.epoch) log.warn('reading the group list failed', err);
    } finally {
      if (epoch === session.epoch) this.refreshing = false;
    }
  }

  /**
   * Remembers (or changes) what the SDK knows of a group; its conversation shows it.
   * @private
   * @param {string} groupID
   * @param {{type?: GroupType, name?: string, avatar?: string, role?: MemberRole|'', messageRemindType?: MessageRemindType}} change
   */
  note(groupID, change) {
    const before = this.infos.get(groupID);
    if (before === undefined && change.type === undefined) return; // not enough to go on: `learn` reads it
    /** @type {{type: GroupType, name: string, avatar: string, role: MemberRole|'', messageRemindType: MessageRemindType}} */
    const base = before || { type: 'Public', name: '', avatar: '', role: '', messageRemindType: 'AcceptAndNotify' };
    this.infos.set(groupID, { ...base, ...change });
    this.client.conversations.groupChanged(groupID);
  }

  /**
   * `Chat#getGroupList`
   * @returns {Promise<Response<{groupList: Group[]}>>}
   */
  async list() {
    const groupList = await this.readJoined();
    this.feed.seen(groupList);
    return { code: 0, data: { groupList } };
  }

  /**
   * `Chat#getGroupProfile`: any group's profile and settings (any logged-in user may read).
   * @param {{groupID: string}} options
   * @returns {Promise<Response<{group: GroupInfo}>>}
   */
  async profile(options) {
    if (!isObject(options)) throw invalid('getGroupProfile needs {groupID}');
    const groupID = requireID(options.groupID, 'groupID');
    const reply = await this.client.requests.request({ op: 'get_group_info', GroupId: groupID });
    const group = decodeOrThrow(() => ({
      ...decodeGroupProfile(reply),
      memberCount: reply.optNum('MemberNum'),
      maxMemberCount: reply.optNum('MaxMemberNum'),
      joinOption: reply.optStr('ApplyJoinOption'),
      inviteOption: reply.optStr('InviteJoinOption'),
      createTime: reply.optNum('CreateTime'),
      nextMessageSeq: reply.optNum('NextMsgSeq'),
      isSupportTopic: reply.optBool('SupportTopic'),
    }));
    if (group.type === TYPES.GRP_COMMUNITY) this.topicSupport.set(groupID, group.isSupportTopic);
    return { code: 0, data: { group } };
  }

  /**
   * `Chat#getJoinedCommunityList`: the user's communities that have topics.
   * @returns {Promise<Response<{groupList: Group[]}>>}
   */
  async communities() {
    const all = (await this.readJoined()).filter((g) => g.type === TYPES.GRP_COMMUNITY);
    for (const g of all) {
      if (!this.topicSupport.has(g.groupID)) await this.profile({ groupID: g.groupID });
    }
    return { code: 0, data: { groupList: all.filter((g) => this.topicSupport.get(g.groupID) === true) } };
  }

  /**
   * `Chat#createGroup`
   * @param {CreateGroupOptions} options
   * @returns {Promise<Response<{group: Group}>>}
   */
  async create(options) {
    if (!isObject(options)) throw invalid('createGroup needs {type, name}');
    const type = typeof options.type === 'string' ? groupType(options.type) : '';
    if (!GROUP_TYPES.has(type)) throw invalid('type must be one of TYPES.GRP_*');
    const name = requireID(options.name, 'name');
    /** @type {Record<string, unknown>} */
    const frame = { op: 'create_group', Type: type, Name: name };
    if (options.groupID !== undefined) frame.GroupId = requireID(options.groupID, 'groupID');
    /** @type {Array<['introduction'|'notification'|'avatar', string]>} */
    const texts = [
      ['introduction', 'Introduction'],
      ['notification', 'Notification'],
      ['avatar', 'FaceUrl'],
    ];
    for (const [key, field] of texts) {
      const value = optionalString(options[key], key);
      if (value !== '') frame[field] = value;
    }
    if (options.maxMemberNum !== undefined) {
      if (!isCount(options.maxMemberNum)) throw invalid('maxMemberNum must be a non-negative integer');
      frame.MaxMemberCount = options.maxMemberNum;
    }
    if (options.joinOption !== undefined) {
      if (typeof options.joinOption !== 'string' || !JOIN_OPTIONS.has(options.joinOption))
        throw invalid('joinOption must be one of TYPES.JOIN_OPTIONS_*');
      frame.ApplyJoinOption = options.joinOption;
    }
    if (options.inviteOption !== undefined) {
      if (typeof options.inviteOption !== 'string' || !INVITE_OPTIONS.has(options.inviteOption))
        throw invalid('inviteOption must be one of TYPES.INVITE_OPTIONS_*');
      frame.InviteJoinOption = options.inviteOption;
    }
    if (options.memberList !== undefined) {
      if (!Array.isArray(options.memberList)) throw invalid('memberList must be an array');
      frame.MemberList = options.memberList.map((m) => {
        if (isObject(m)) {
          if (m.role !== undefined && m.role !== TYPES.GRP_MBR_ROLE_MEMBER)
            throw invalid('members join as ordinary members; appoint admins with setGroupMemberRole');
          return requireID(m.userID, 'memberList[].userID');
        }
        return requireID(m, 'each of memberList');
      });
    }
    if (options.isSupportTopic !== undefined) {
      if (typeof options.isSupportTopic !== 'boolean') throw invalid('isSupportTopic must be a boolean');
      if (options.isSupportTopic) frame.SupportTopic = true;
    }
    const reply = await this.client.requests.request(frame);
    const groupID = decodeOrThrow(() => reply.str('GroupId'));
    /** @type {GroupType} */
    const t = /** @type {GroupType} */ (type);
    const avatar = typeof frame.FaceUrl === 'string' ? frame.FaceUrl : '';
    if (t === TYPES.GRP_COMMUNITY) this.topicSupport.set(groupID, frame.SupportTopic === true);
    if (t !== TYPES.GRP_AVCHATROOM) {
      this.client.sync.activate();
      this.note(groupID, { type: t, name, avatar, role: 'Owner', messageRemindType: 'AcceptAndNotify' });
      this.feed.changed();
    }
    /** @type {Group} */
    const group = {
      groupID,
      type: t,
      name,
      avatar,
      selfInfo: { role: 'Owner', messageRemindType: 'AcceptAndNotify' },
      unreadCount: 0,
      readSequence: 0,
      lastSequence: 0,
      lastTime: 0,
      isPinned: false,
      lastMessage: null,
    };
    return { code: 0, data: { group } };
  }

  /**
   * `Chat#joinGroup`: a live room is joined for the session (rooms.js); a group that keeps
   * its members is joined for good, or asked to join.
   * @param {{groupID: string, type?: string, applyMessage?: string}} options
   * @returns {Promise<Response<JoinResult>>}
   */
  async join(options) {
    if (!isObject(options)) throw invalid('joinGroup needs {groupID}');
    const groupID = requireID(options.groupID, 'groupID');
    const type = options.type === undefined ? undefined : groupType(String(options.type));
    if (type !== undefined && !GROUP_TYPES.has(type)) throw invalid('type must be one of TYPES.GRP_*');
    const applyMessage = optionalString(options.applyMessage, 'applyMessage');
    const known = this.infos.has(groupID);
    if (type === TYPES.GRP_AVCHATROOM || (type === undefined && !known && applyMessage === '')) {
      // `join` answers for either kind; a stored group's reply comes back to `joined`.
      return this.client.rooms.join({ groupID });
    }
    this.client.sync.activate();
    const { requests } = this.client;
    let pending = false;
    let already = false;
    try {
      const reply = await requests.request({ op: 'join_group', GroupId: groupID, ApplyMessage: applyMessage });
      pending = reply.optBool('Pending');
    } catch (err) {
      const e = /** @type {LiveRoomError} */ (err);
      if (e.code === ALREADY_MEMBER) already = true;
      // Perhaps a live room after all: `join` tells (and refuses as `join_group` did otherwise).
      else if (e.code === NOT_PERMITTED && type === undefined && !known) return this.client.rooms.join({ groupID });
      else throw e;
    }
    if (pending) return { code: 0, data: this.waiting(groupID) };
    // A member now: `join` answers with the group at once.
    const reply = await requests.request({ op: 'join', GroupId: groupID });
    const joined = decodeOrThrow(() => decodeJoin(reply));
    return { code: 0, data: this.joined(joined, false, already) };
  }

  /**
   * The reply of a `join` of a group that keeps its members.
   * @param {JoinResult} joined as read
   * @param {boolean} pending the request waits for approval
   * @param {boolean} [already] the user was a member before
   * @returns {JoinResult}
   */
  joined(joined, pending, already = this.infos.has(joined.groupID)) {
    const groupID = joined.groupID;
    if (pending) return { ...this.waiting(groupID), group: joined.group, memberCount: joined.memberCount };
    this.client.sync.activate();
    this.note(groupID, {
      type: groupType(joined.group.type),
      name: joined.group.name,
      avatar: joined.group.avatar,
      role: joined.role === 'Owner' || joined.role === 'Admin' ? joined.role : 'Member',
    });
    if (!already) this.feed.changed();
    const status = already ? TYPES.JOIN_STATUS_ALREADY_IN_GROUP : TYPES.JOIN_STATUS_SUCCESS;
    return { ...joined, status, liveState: null, pinnedItem: null, left: [] };
  }

  /**
   * What `joinGroup` resolves with while the request waits.
   * @private
   * @param {string} groupID
   * @returns {JoinResult}
   */
  waiting(groupID) {
    const info = this.infos.get(groupID);
    return {
      groupID,
      status: TYPES.JOIN_STATUS_WAIT_APPROVAL,
      group: {
        groupID,
        type: info ? info.type : '',
        name: info ? info.name : '',
        introduction: '',
        notification: '',
        avatar: info ? info.avatar : '',
        ownerID: '',
        muteAllMembers: false,
        customFields: {},
      },
      memberCount: 0,
      liveState: null,
      pinnedItem: null,
      muteRemaining: 0,
      role: '',
      left: [],
    };
  }

  /**
   * `Chat#quitGroup` of a group that is not a live room this connection is in.
   * @param {string} groupID
   * @returns {Promise<Response<{groupID: string}>>}
   */
  async quit(groupID) {
    await this.client.requests.request({ op: 'quit', GroupId: groupID });
    this.left(groupID);
    return { code: 0, data: { groupID } };
  }

  /**
   * `Chat#dismissGroup`
   * @param {string} groupID
   * @returns {Promise<Response<{groupID: string}>>}
   */
  async dismiss(groupID) {
    requireID(groupID, 'groupID');
    await this.client.requests.request({ op: 'destroy_group', GroupId: groupID });
    this.left(groupID);
    return { code: 0, data: { groupID } };
  }

  /**
   * `Chat#changeGroupOwner`
   * @param {{groupID: string, newOwnerID: string}} options
   * @returns {Promise<Response<{groupID: string, newOwnerID: string}>>}
   */
  async changeOwner(options) {
    if (!isObject(options)) throw invalid('changeGroupOwner needs {groupID, newOwnerID}');
    const groupID = requireID(options.groupID, 'groupID');
    const newOwnerID = requireID(options.newOwnerID, 'newOwnerID');
    await this.client.requests.request({ op: 'change_group_owner', GroupId: groupID, NewOwner_Account: newOwnerID });
    this.note(groupID, { role: newOwnerID === this.client.session.userID() ? 'Owner' : 'Member' });
    this.feed.changed();
    return { code: 0, data: { groupID, newOwnerID } };
  }

  /**
   * `Chat#setMessageRemindType`
   * @param {{groupID: string, messageRemindType: string}} options
   * @returns {Promise<Response<{groupID: string, messageRemindType: MessageRemindType}>>}
   */
  async setRemindType(options) {
    if (!isObject(options)) throw invalid('setMessageRemindType needs {groupID, messageRemindType}');
    const groupID = requireID(options.groupID, 'groupID');
    const value = options.messageRemindType;
    if (typeof value !== 'string' || !REMIND_TYPES.has(value))
      throw invalid('messageRemindType must be one of TYPES.MSG_REMIND_*');
    const messageRemindType = remindType(value);
    await this.client.requests.request({ op: 'set_member_info', GroupId: groupID, MsgFlag: messageRemindType });
    this.note(groupID, { messageRemindType });
    this.feed.changed();
    return { code: 0, data: { groupID, messageRemindType } };
  }

  /**
   * The user is no longer in a group (quit, kicked, dismissed): what the SDK knew of it goes.
   * @param {string} groupID
   */
  left(groupID) {
    const { sync, conversations, topics } = this.client;
    const had = this.infos.delete(groupID) || sync.groups.has(groupID);
    sync.groups.forget(groupID);
    topics.forgetCommunity(groupID);
    conversations.dropGroup(groupID);
    if (had) this.feed.changed();
  }

  /**
   * A stored group's tip was delivered: what it says about the user and the group.
   * @param {Message} message
   */
  onTip(message) {
    const payload = /** @type {TipPayload} */ (message.payload);
    const groupID = message.to;
    const me = this.client.session.userID();
    const aboutMe = payload.userIDList.indexOf(me) >= 0;
    switch (payload.operationType) {
      case TYPES.GRP_TIP_MBR_JOIN:
      case TYPES.GRP_TIP_MBR_INVITED:
        if (!aboutMe) return;
        if (!this.infos.has(groupID)) this.learn(groupID);
        this.feed.changed();
        return;
      case TYPES.GRP_TIP_MBR_QUIT:
        if (aboutMe) this.left(groupID);
        return;
      case TYPES.GRP_TIP_MBR_KICKED_OUT:
        if (!aboutMe) return;
        this.left(groupID);
        this.client.inbox.emitInOrder(EVENT.REMOVED_FROM_GROUP, {
          groupID,
          reason: 'kicked',
          operatorID: payload.operatorID,
          description: payload.reason || '',
        });
        return;
      case TYPES.GRP_TIP_MBR_SET_ADMIN:
      case TYPES.GRP_TIP_MBR_CANCELED_ADMIN:
        if (!aboutMe) return;
        this.note(groupID, { role: payload.operationType === TYPES.GRP_TIP_MBR_SET_ADMIN ? 'Admin' : 'Member' });
        this.feed.changed();
        return;
      case TYPES.GRP_TIP_GRP_PROFILE_UPDATED: {
        /** @type {{name?: string, avatar?: string, role?: MemberRole}} */
        const change = {};
        for (const ch of payload.groupInfoChanges) {
          if (ch.type === 1) change.name = ch.value;
          else if (ch.type === 4) change.avatar = ch.value;
          else if (ch.type === 5 && ch.value === me) change.role = 'Owner';
          // Handed on by this user (or an App admin): a member now, as the server has it.
          else if (ch.type === 5 && this.infos.get(groupID)?.role === 'Owner') change.role = 'Member';
        }
        if (Object.keys(change).length === 0) return;
        this.note(groupID, change);
        this.feed.changed();
        return;
      }
    }
  }

  /**
   * A `system` push about a group (live rooms' too), delivered as a message already.
   * @param {Message} message
   */
  onSystem(message) {
    const payload = /** @type {SystemNoticePayload} */ (message.payload);
    const groupID = message.to;
    switch (payload.operationType) {
      case TYPES.GRP_SYS_JOIN_GROUP_ACCEPT:
        if (payload.applicant === this.client.session.userID()) {
          this.client.sync.activate();
          this.learn(groupID);
          this.feed.changed();
        }
        break;
      case TYPES.GRP_SYS_DISMISSED:
        this.left(groupID);
        break;
      case TYPES.GRP_SYS_GROUP_CREATED:
        // A group created with this user among its first members (its creator's too).
        this.client.sync.activate();
        this.learn(groupID);
        break;
    }
    this.client.inbox.emitInOrder(EVENT.GROUP_SYSTEM_NOTICE_RECEIVED, { message, type: payload.operationType });
  }

  /** The connection is back: the group list may have changed meanwhile. */
  sessionRestored() {
    this.feed.changed();
  }

  /** The session is over. */
  reset() {
    this.infos.clear();
    this.topicSupport.clear();
    this.refreshing = false;
    this.again = false;
    this.feed.reset();
  }
}

// src/group-members.js
// Members of the groups that keep them: the member list (paged), inviting and removing
// members, their roles, name cards and custom fields, and the requests to join that wait for
// an owner or admin (the list, and the answer).


/**
 * A member of a group.
 * @typedef {Object} GroupMember
 * @property {string} userID
 * @property {MemberRole} role
 * @property {number} joinTime Unix seconds
 * @property {string} nameCard the member's name in the group
 * @property {string} nick the member's nickname (its profile's)
 * @property {string} avatar the member's avatar URL (its profile's)
 * @property {Array<{key: string, value: string}>} memberCustomField the app's member fields
 */

/**
 * A request to join a group that waits for an owner or admin.
 * @typedef {Object} GroupApplication
 * @property {string} groupID
 * @property {string} applicant who asked to join, or was invited
 * @property {number} applicationType `TYPES.GRP_APPLICATION_TYPE_JOIN` (asked) or `TYPES.GRP_APPLICATION_TYPE_INVITE` (invited by a member)
 * @property {string} inviterID the member who invited (`''` when the user asked)
 * @property {string} messageForCheck what the applicant wrote
 * @property {number} time Unix seconds
 */

/** Default and largest `count` of `getGroupMemberList`. */
const MEMBER_PAGE = 15;
const MEMBER_PAGE_MAX = 1000;

/** Accounts per `invite_to_group` / `kick_from_group` (the protocol's maximum). */
const ACCOUNTS_PER_CALL = 500;

/**
 * @param {Fields} f an entry of `Members`
 * @returns {GroupMember}
 */
function decodeMember(f) {
  return {
    userID: f.str('Member_Account'),
    role: memberRole(f.optStr('Role')),
    joinTime: f.optNum('JoinTime'),
    nameCard: f.optStr('NameCard'),
    nick: f.optStr('NickName'),
    avatar: f.optStr('Avatar'),
    memberCustomField: f.optArr('AppMemberDefinedData').map((kv, i) => {
      const field = new Fields(kv, `${f.where}.AppMemberDefinedData[${i}]`);
      return { key: field.str('Key'), value: field.optStr('Value') };
    }),
  };
}

/**
 * @param {string} groupID
 * @param {Fields} f an entry of `Requests`
 * @returns {GroupApplication}
 */
function decodeApplication(groupID, f) {
  return {
    groupID,
    applicant: f.str('Applicant_Account'),
    applicationType: f.optStr('Kind') === 'Invite' ? TYPES.GRP_APPLICATION_TYPE_INVITE : TYPES.GRP_APPLICATION_TYPE_JOIN,
    inviterID: f.optStr('Inviter_Account'),
    messageForCheck: f.optStr('ApplyMessage'),
    time: f.optNum('Time'),
  };
}

class GroupMembers {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
  }

  /**
   * `Chat#getGroupMemberList`: a page in user ID order.
   * @param {{groupID: string, count?: number, offset?: number|string}} options
   * @returns {Promise<Response<{memberList: GroupMember[], offset: string, memberCount: number, isCompleted: boolean}>>}
   */
  async list(options) {
    if (!isObject(options)) throw invalid('getGroupMemberList needs {groupID}');
    const groupID = requireID(options.groupID, 'groupID');
    const count = options.count === undefined ? MEMBER_PAGE : options.count;
    if (!isCount(count) || count < 1 || count > MEMBER_PAGE_MAX) throw invalid(`count must be 1 to ${MEMBER_PAGE_MAX}`);
    const offset = options.offset === undefined ? 0 : options.offset;
    if (typeof offset !== 'string' && !isCount(offset))
      throw invalid('offset must be what a previous page returned, or a number of members to skip');
    /** @type {string} */
    let next = typeof offset === 'string' ? offset : '';
    // A number: skip that many from the start, a page at a time.
    for (let skip = typeof offset === 'number' ? offset : 0; skip > 0; ) {
      const page = await this.page(groupID, Math.min(skip, MEMBER_PAGE_MAX), next);
      skip -= page.members.length;
      next = page.next;
      if (next === '') return { code: 0, data: { memberList: [], offset: '', memberCount: page.memberCount, isCompleted: true } };
    }
    const page = await this.page(groupID, count, next);
    return {
      code: 0,
      data: { memberList: page.members, offset: page.next, memberCount: page.memberCount, isCompleted: page.next === '' },
    };
  }

  /**
   * @private
   * @param {string} groupID
   * @param {number} count
   * @param {string} next
   */
  async page(groupID, count, next) {
    /** @type {Record<string, unknown>} */
    const frame = { op: 'get_group_members', GroupId: groupID, Count: count };
    if (next !== '') frame.Next = next;
    const reply = await this.client.requests.request(frame);
    return decodeOrThrow(() => ({
      members: reply.arr('Members').map((m, i) => decodeMember(new Fields(m, `get_group_members.Members[${i}]`))),
      memberCount: reply.optNum('MemberNum'),
      next: reply.optStr('Next'),
    }));
  }

  /**
   * `Chat#addGroupMember`
   * @param {{groupID: string, userIDList: string[]}} options
   * @returns {Promise<Response<{group: {groupID: string}, successUserIDList: string[], failureUserIDList: string[], existedUserIDList: string[], pendingUserIDList: string[]}>>}
   */
  async add(options) {
    if (!isObject(options)) throw invalid('addGroupMember needs {groupID, userIDList}');
    const groupID = requireID(options.groupID, 'groupID');
    const userIDs = requireIDList(options.userIDList, 'userIDList');
    /** @type {Record<number, string[]>} by `Result` */
    const by = { 0: [], 1: [], 2: [], 3: [] };
    for (const part of chunks(userIDs, ACCOUNTS_PER_CALL)) {
      const reply = await this.client.requests.request({ op: 'invite_to_group', GroupId: groupID, Members_Account: part });
      const results = decodeOrThrow(() =>
        reply.arr('Results').map((r, i) => {
          const f = new Fields(r, `invite_to_group.Results[${i}]`);
          return { userID: f.str('Member_Account'), result: f.num('Result') };
        }),
      );
      for (const r of results) (by[r.result] || by[0]).push(r.userID);
    }
    return {
      code: 0,
      data: {
        group: { groupID },
        successUserIDList: by[1],
        failureUserIDList: by[0],
        existedUserIDList: by[2],
        pendingUserIDList: by[3],
      },
    };
  }

  /**
   * `Chat#deleteGroupMember`
   * @param {{groupID: string, userIDList: string[], reason?: string}} options
   * @returns {Promise<Response<{group: {groupID: string}, userIDList: string[]}>>}
   */
  async remove(options) {
    if (!isObject(options)) throw invalid('deleteGroupMember needs {groupID, userIDList}');
    const groupID = requireID(options.groupID, 'groupID');
    const userIDs = requireIDList(options.userIDList, 'userIDList');
    const reason = optionalString(options.reason, 'reason');
    for (const part of chunks(userIDs, ACCOUNTS_PER_CALL)) {
      /** @type {Record<string, unknown>} */
      const frame = { op: 'kick_from_group', GroupId: groupID, Members_Account: part };
      if (reason !== '') frame.Reason = reason;
      await this.client.requests.request(frame);
    }
    return { code: 0, data: { group: { groupID }, userIDList: userIDs } };
  }

  /**
   * `Chat#setGroupMemberRole`
   * @param {{groupID: string, userID: string, role: string}} options
   * @returns {Promise<Response<{group: {groupID: string}, userID: string, role: MemberRole}>>}
   */
  async setRole(options) {
    if (!isObject(options)) throw invalid('setGroupMemberRole needs {groupID, userID, role}');
    const role = options.role;
    if (role !== TYPES.GRP_MBR_ROLE_ADMIN && role !== TYPES.GRP_MBR_ROLE_MEMBER)
      throw invalid('role must be TYPES.GRP_MBR_ROLE_ADMIN or TYPES.GRP_MBR_ROLE_MEMBER');
    const { groupID, userID } = await this.setInfo(options, { Role: role }, true);
    return { code: 0, data: { group: { groupID }, userID, role } };
  }

  /**
   * `Chat#setGroupMemberNameCard`: this user's, or (owners and admins) a member's below them.
   * @param {{groupID: string, userID?: string, nameCard: string}} options
   * @returns {Promise<Response<{group: {groupID: string}, userID: string, nameCard: string}>>}
   */
  async setNameCard(options) {
    if (!isObject(options) || typeof options.nameCard !== 'string')
      throw invalid('setGroupMemberNameCard needs {groupID, nameCard}');
    const nameCard = options.nameCard;
    const { groupID, userID } = await this.setInfo(options, { NameCard: nameCard }, false);
    return { code: 0, data: { group: { groupID }, userID, nameCard } };
  }

  /**
   * `Chat#setGroupMemberCustomField`: the app's member fields (an empty value deletes one).
   * @param {{groupID: string, userID?: string, memberCustomField: Array<{key: string, value: string}>}} options
   * @returns {Promise<Response<{group: {groupID: string}, userID: string}>>}
   */
  async setCustomField(options) {
    if (!isObject(options) || !Array.isArray(options.memberCustomField) || options.memberCustomField.length === 0)
      throw invalid('setGroupMemberCustomField needs {groupID, memberCustomField: [{key, value}]}');
    const fields = options.memberCustomField.map((kv) => {
      if (!isObject(kv) || typeof kv.value !== 'string') throw invalid('memberCustomField entries are {key, value}');
      return { Key: requireID(kv.key, 'memberCustomField[].key'), Value: kv.value };
    });
    const { groupID, userID } = await this.setInfo(options, { AppMemberDefinedData: fields }, false);
    return { code: 0, data: { group: { groupID }, userID } };
  }

  /**
   * `set_member_info` for a member (this user when `userID` is absent and not `required`).
   * @private
   * @param {Record<string, unknown>} options
   * @param {Record<string, unknown>} fields
   * @param {boolean} required
   */
  async setInfo(options, fields, required) {
    const groupID = requireID(options.groupID, 'groupID');
    const me = this.client.session.userID();
    const userID = options.userID === undefined && !required ? me : requireID(options.userID, 'userID');
    /** @type {Record<string, unknown>} */
    const frame = { op: 'set_member_info', GroupId: groupID, ...fields };
    if (userID !== me) frame.Member_Account = userID;
    await this.client.requests.request(frame);
    return { groupID, userID };
  }

  /**
   * `Chat#getGroupApplicationList`: the requests of one group, or of every group this user
   * runs (owner or admin).
   * @param {{groupID?: string}} [options]
   * @returns {Promise<Response<{applicationList: GroupApplication[]}>>}
   */
  async applications(options = {}) {
    if (!isObject(options)) throw invalid('getGroupApplicationList takes {groupID}');
    /** @type {string[]} */
    let groupIDs;
    if (options.groupID !== undefined) {
      groupIDs = [requireID(options.groupID, 'groupID')];
    } else {
      const groups = await this.client.groups.readJoined();
      groupIDs = groups.filter((g) => g.selfInfo.role !== TYPES.GRP_MBR_ROLE_MEMBER).map((g) => g.groupID);
    }
    /** @type {GroupApplication[]} */
    const applicationList = [];
    for (const groupID of groupIDs) {
      const reply = await this.client.requests.request({ op: 'get_group_requests', GroupId: groupID });
      applicationList.push(
        ...decodeOrThrow(() =>
          reply.arr('Requests').map((r, i) => decodeApplication(groupID, new Fields(r, `get_group_requests.Requests[${i}]`))),
        ),
      );
    }
    return { code: 0, data: { applicationList } };
  }

  /**
   * `Chat#handleGroupApplication`
   * @param {{handleAction: string, handleMessage?: string, application?: GroupApplication, message?: Message}} options
   * @returns {Promise<Response<{group: {groupID: string}, applicant: string, handleAction: string}>>}
   */
  async handle(options) {
    if (!isObject(options)) throw invalid('handleGroupApplication needs {handleAction, application}');
    const action = options.handleAction;
    if (action !== TYPES.GRP_APPLICATION_AGREE && action !== TYPES.GRP_APPLICATION_REJECT)
      throw invalid("handleAction must be 'Agree' or 'Reject'");
    const reason = optionalString(options.handleMessage, 'handleMessage');
    let groupID = '';
    let applicant = '';
    if (isObject(options.application)) {
      groupID = requireID(options.application.groupID, 'application.groupID');
      applicant = requireID(options.application.applicant, 'application.applicant');
    } else if (isObject(options.message) && options.message.type === TYPES.MSG_GRP_SYS_NOTICE) {
      const m = /** @type {Message} */ (options.message);
      const payload = /** @type {SystemNoticePayload} */ (m.payload);
      if (payload.operationType !== TYPES.GRP_SYS_JOIN_GROUP_REQUEST || payload.applicant === undefined)
        throw invalid('message must be a join request notice (GRP_SYS_JOIN_GROUP_REQUEST)');
      groupID = m.to;
      applicant = payload.applicant;
    } else {
      throw invalid('handleGroupApplication needs an application (getGroupApplicationList) or a join request notice');
    }
    await this.client.requests.request({
      op: 'answer_group_request',
      GroupId: groupID,
      Applicant_Account: applicant,
      Accept: action === TYPES.GRP_APPLICATION_AGREE,
      Reason: reason,
    });
    return { code: 0, data: { group: { groupID }, applicant, handleAction: action } };
  }
}

// src/group-chat.js
// Messages of the groups that keep them and of communities' topics: the pushes (`message`,
// stored `tip`, `recalled`, `message_modified`) handed over in each thread's order (a group's,
// or a topic's), sends to these threads and their options, history pages, recall and edits.
// Delivery order and catching up are chat-sync.js's (its `groups` threads, keyed by group or
// topic ID); tips that concern the user and the group are applied as they are delivered.


/**
 * Options of `sendMessage` for a group that keeps its messages (the reference's names).
 * @typedef {Object} GroupSendOptions
 * @property {boolean} [onlineUserOnly] deliver to the members online only; never stored (`sequence` 0)
 * @property {{excludedFromUnreadCount?: boolean, excludedFromLastMessage?: boolean}} [messageControlInfo] excludedFromUnreadCount: not counted as unread; excludedFromLastMessage: the members' conversations do not move
 */

/** Default and largest `count` of `getMessageList`. */
const HISTORY_PAGE = 15;
const HISTORY_PAGE_MAX = 100;

/**
 * @param {unknown} value
 * @param {string} what
 */
function optionalBool(value, what) {
  if (value !== undefined && typeof value !== 'boolean') throw invalid(`${what} must be a boolean`);
  return value === true;
}

class GroupChat {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private distinguishes the IDs of tips that are not stored */
    this.serial = 0;
    /**
     * What pushed messages' sends said of the members' counts and lists, until delivered.
     * @private
     * @type {WeakMap<Message, {noUnread: boolean, noLastMessage: boolean}>}
     */
    this.control = new WeakMap();
  }

  /**
   * The fields a send to a group that keeps its messages adds to `send`, from the message
   * and the options; also notes them on the message.
   * @param {Message} message
   * @param {GroupSendOptions} [options]
   * @returns {{fields: Record<string, unknown>, noLastMessage: boolean}}
   */
  sendFields(message, options = {}) {
    if (!isObject(options)) throw invalid('the options of sendMessage must be an object');
    const online = optionalBool(options.onlineUserOnly, 'onlineUserOnly');
    const control = options.messageControlInfo;
    if (control !== undefined && !isObject(control)) throw invalid('messageControlInfo must be an object');
    const noUnread = optionalBool(control && control.excludedFromUnreadCount, 'messageControlInfo.excludedFromUnreadCount');
    const noLast = optionalBool(control && control.excludedFromLastMessage, 'messageControlInfo.excludedFromLastMessage');
    // A topic's message names the community and the topic.
    /** @type {Record<string, unknown>} */
    const fields = { ...threadFields(message.to) };
    if (online) fields.OnlineOnly = true;
    if (noUnread) fields.NoUnread = true;
    if (noLast) fields.NoLastMsg = true;
    if (message.needReadReceipt) fields.NeedReadReceipt = true;
    if (message.atUserList.length > 0) fields.GroupAtInfo = encodeAtInfo(message.atUserList);
    if (message.isSupportExtension) fields.SupportMessageExtension = true;
    message.onlineOnly = online;
    this.client.sync.activate();
    return { fields, noLastMessage: noLast };
  }

  /**
   * The application's own send was acknowledged: it has the message already.
   * @param {Message} message
   * @param {boolean} noLastMessage sent with `excludedFromLastMessage`
   */
  acknowledged(message, noLastMessage) {
    if (message.sequence === 0) return;
    const { topics, conversations, features, sync } = this.client;
    if (isTopicID(message.to)) topics.noteMessage(message, { noLastMessage });
    else conversations.noteGroupMessage(message, { noLastMessage });
    features.known(message);
    sync.groups.arrived(message.to, message.sequence, 'own');
  }

  /**
   * A `message` push of a group that keeps its messages.
   * @param {Fields} f
   */
  onMessage(f) {
    const { sync, session } = this.client;
    const message = decodeGroupPush(f, session.userID());
    // A new message: no reactions yet.
    this.client.features.known(message);
    const control = { noUnread: f.optBool('NoUnread'), noLastMessage: f.optBool('NoLastMsg') };
    if (control.noUnread || control.noLastMessage) this.control.set(message, control);
    this.arrived(message);
    sync.serverTime(message.time);
  }

  /**
   * A `tip` push of a group that keeps its messages (numbered when the group stores it).
   * @param {Fields} f
   */
  onTip(f) {
    this.arrived(decodeGroupTip(f, ++this.serial).message);
  }

  /**
   * @private
   * @param {Message} message
   */
  arrived(message) {
    const { sync, groups } = this.client;
    sync.activate();
    // The list read (at the start, after a reconnect) describes the groups on it.
    if (!sync.syncing) groups.learn(groupOfThread(message.to));
    // Not numbered: online only, or a tip the group does not keep.
    if (message.sequence === 0) this.deliver(message);
    else sync.groups.arrived(message.to, message.sequence, message);
  }

  /**
   * Hands a message (or a tip) over, in its group's order, with what it changes.
   * @param {Message} message
   */
  deliver(message) {
    const { inbox, conversations, rooms, groups, events, topics } = this.client;
    inbox.deliver(message);
    const control = this.control.get(message);
    if (isTopicID(message.to)) {
      topics.noteMessage(message, control);
      return;
    }
    conversations.noteGroupMessage(message, control);
    if (message.type !== TYPES.MSG_GRP_TIP) return;
    try {
      rooms.applyTip(message, new Fields(message.elements[0].content, 'tip.MsgContent'));
      groups.onTip(message);
    } catch (err) {
      events.error(ERROR_CODE.MALFORMED_FRAME, `ignored what a tip of ${message.to} says: ${String(err)}`, message.to);
    }
  }

  /**
   * A `recalled` push of a group that keeps its messages.
   * @param {Fields} f
   */
  onRecalled(f) {
    const { sync, conversations, inbox, topics } = this.client;
    sync.activate();
    const thread = threadOf(f);
    const sequence = f.num('MsgSeq');
    const operatorID = f.optStr('Operator_Account');
    const conversationID = groupConversationID(thread);
    sync.groups.whenDelivered(thread, sequence, () => {
      let from = '';
      if (isTopicID(thread)) {
        topics.noteRecalled(thread, sequence);
      } else {
        from = conversations.senderOf(conversationID, sequence);
        conversations.noteRecalled(conversationID, sequence, undefined);
      }
      inbox.emitInOrder(EVENT.MESSAGE_REVOKED, [
        { conversationID, sequence, messageKey: '', from, to: thread, isRevoked: true, operatorID },
      ]);
    });
  }

  /**
   * A `message_modified` push: a message of a group (or topic) as it is after an edit.
   * @param {Fields} f
   */
  onModified(f) {
    const { sync, conversations, inbox, topics, session } = this.client;
    sync.activate();
    const message = decodeGroupPush(f, session.userID());
    message.isModified = true;
    sync.groups.whenDelivered(message.to, message.sequence, () => {
      if (isTopicID(message.to)) topics.noteModified(message);
      else conversations.noteGroupModified(message);
      inbox.emitInOrder(EVENT.MESSAGE_MODIFIED, [message]);
    });
  }

  /**
   * `Chat#getMessageList` of a group conversation: recalled messages are placeholders.
   * @param {{conversationID: string, nextReqMessageID?: string, count?: number}} options
   * @returns {Promise<Response<{messageList: Message[], nextReqMessageID: string, isCompleted: boolean}>>}
   */
  async history(options) {
    const thread = groupOfConversation(options.conversationID);
    const count = options.count === undefined ? HISTORY_PAGE : options.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > HISTORY_PAGE_MAX)
      throw invalid(`count must be 1 to ${HISTORY_PAGE_MAX}`);
    /** @type {Record<string, unknown>} */
    const frame = { op: 'get_group_messages', ...threadFields(thread), Count: count, WithRecalled: true };
    const next = options.nextReqMessageID;
    if (next !== undefined && next !== '') {
      if (typeof next !== 'string' || !/^[1-9][0-9]*$/.test(next))
        throw invalid('nextReqMessageID must be what a previous page returned');
      frame.BeforeSeq = Number(next);
    }
    const { client } = this;
    client.sync.activate();
    const me = client.session.userID();
    const reply = await client.requests.request(frame);
    const page = decodeOrThrow(() => ({
      messages: reply
        .arr('Messages')
        .map((m, i) => decodeGroupRecord(new Fields(m, `get_group_messages.Messages[${i}]`), me, thread)),
      complete: reply.optBool('Complete'),
    }));
    // Newest first from the server; oldest first for the application.
    const messageList = page.messages.reverse();
    const oldest = messageList[0];
    const isCompleted = page.complete || oldest === undefined;
    return {
      code: 0,
      data: { messageList, nextReqMessageID: isCompleted ? '' : String(oldest.sequence), isCompleted },
    };
  }

  /**
   * `Chat#revokeMessage` of a group's message: one's own within the app's recall window;
   * owners and admins any message (a live room's too).
   * @param {Message} message
   * @returns {Promise<Response<{message: Message}>>}
   */
  async revoke(message) {
    if (message.sequence === 0 || message.status !== 'success') throw invalid('revokeMessage: the message was not sent');
    await this.client.requests.request({ op: 'recall', ...threadFields(message.to), MsgSeq: message.sequence });
    message.isRevoked = true;
    return { code: 0, data: { message } };
  }

  /**
   * `Chat#modifyMessage` of a group's (or topic's) message: one's own, its `payload` (text,
   * custom and face messages) or `cloudCustomData` changed by the application. Every member's
   * devices get MESSAGE_MODIFIED.
   * @param {Message} message
   * @returns {Promise<Response<{message: Message}>>}
   */
  async modify(message) {
    if (message.sequence === 0 || message.status !== 'success') throw invalid('modifyMessage: the message was not sent');
    if (!this.client.groups.isStored(message.to)) throw invalid('modifyMessage: a live room\'s messages cannot be edited');
    const elements = elementsOfPayload(message);
    if (elements.length === 0) throw invalid('modifyMessage: the message has no content');
    this.client.sync.activate();
    await this.client.requests.request({
      op: 'modify_group_message',
      ...threadFields(message.to),
      MsgSeq: message.sequence,
      MsgBody: elements.map((el) => ({ MsgType: el.type, MsgContent: el.content })),
      CloudCustomData: message.cloudCustomData,
    });
    message.elements = elements;
    message.isModified = true;
    return { code: 0, data: { message } };
  }

  /** The session is over. */
  reset() {
    this.serial = 0;
  }
}

// src/message-features.js
// What members add to the messages of groups that keep them (and of topics): reactions
// (`addMessageReaction`, `getMessageReactions`, MESSAGE_REACTIONS_UPDATED), key-value
// extensions with their versions (`setMessageExtensions`, MESSAGE_EXTENSIONS_UPDATED), and
// read receipts (`getMessageReadReceiptList`).
//
// A message is named on the wire by its thread (group or topic) and number. The SDK keeps, for
// the messages it saw lately, their IDs (for the events), their reactions (so a push, which
// says what changed and the count, can tell the whole of a reaction: who, and whether this
// user is among them) and the versions of their extensions (a write names the version it
// replaces).


/**
 * One reaction of a message.
 * @typedef {Object} MessageReaction
 * @property {string} reactionID the emoji or short code
 * @property {number} totalUserCount how many reacted so (0: nobody any more)
 * @property {Array<{userID: string}>} partialUserList the first of them (at most 10), oldest first
 * @property {boolean} reactedByMyself this user is among them
 */

/**
 * A message's reactions (`getMessageReactions`, MESSAGE_REACTIONS_UPDATED).
 * @typedef {Object} MessageReactions
 * @property {string} messageID the message's `ID` (`''` when the SDK did not see the message in this session)
 * @property {string} conversationID its conversation (`GROUP<groupID>` or `GROUP<topicID>`)
 * @property {number} sequence its `sequence` there
 * @property {MessageReaction[]} reactionList
 */

/**
 * @typedef {Object} MessageExtension
 * @property {string} key
 * @property {string} value
 */

/** Messages of one request (`get_reactions`, `get_read_receipts`: the protocol's maximum). */
const PER_REQUEST = 20;
/** Extensions one `set_message_extensions` sets (the protocol's maximum). */
const EXTENSIONS_MAX = 20;
/** Reactors the server lists per reaction. */
const USERS_LISTED = 10;
/** Messages whose IDs, reactions and extension versions are kept. */
const KEPT = 2000;

/**
 * A message's place: its conversation and number.
 * @param {string} conversationID
 * @param {number} sequence
 */
function placeKey(conversationID, sequence) {
  return `${conversationID}\n${sequence}`;
}

/**
 * A map that forgets its oldest entries beyond `KEPT`.
 * @template V
 */
class Recent {
  constructor() {
    /** @type {Map<string, V>} */
    this.map = new Map();
  }

  /** @param {string} key */
  get(key) {
    return this.map.get(key);
  }

  /**
   * @param {string} key
   * @param {V} value
   */
  set(key, value) {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > KEPT) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }

  clear() {
    this.map.clear();
  }
}

/**
 * A sent message of a group that keeps its messages (or of a topic).
 * @param {unknown} message
 * @param {string} what the call, for the error
 * @returns {Message}
 */
function requireStoredGroupMessage(message, what) {
  if (!isObject(message) || message.conversationType !== TYPES.CONV_GROUP || !isGroupConversation(message.conversationID))
    throw invalid(`${what} takes a message of a group`);
  const m = /** @type {Message} */ (/** @type {unknown} */ (message));
  if (m.sequence === 0 || m.status !== 'success') throw invalid(`${what}: the message was not sent (or was online only)`);
  return m;
}

class MessageFeatures {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private @type {Recent<string>} message IDs by place */
    this.ids = new Recent();
    /**
     * Reactions by place, as this client knows them (every kind of the message).
     * @private
     * @type {Recent<Map<string, {count: number, users: string[], mine: boolean}>>}
     */
    this.reactions = new Recent();
    /** @private @type {Recent<Map<string, number>>} extension versions by place, by key */
    this.versions = new Recent();
  }

  /**
   * A message seen now: a new one (pushed, or this client's own) has no reactions yet.
   * @param {Message} message
   */
  known(message) {
    if (message.sequence === 0) return;
    const key = placeKey(message.conversationID, message.sequence);
    this.ids.set(key, message.ID);
    if (this.reactions.get(key) === undefined) this.reactions.set(key, new Map());
  }

  /**
   * `Chat#addMessageReaction` / `Chat#removeMessageReaction`
   * @param {Message} message
   * @param {string} reactionID
   * @param {boolean} add
   * @returns {Promise<Response<{message: Message, reactionID: string, totalUserCount: number}>>}
   */
  async react(message, reactionID, add) {
    const what = add ? 'addMessageReaction' : 'removeMessageReaction';
    const m = requireStoredGroupMessage(message, what);
    requireID(reactionID, 'reactionID');
    this.ids.set(placeKey(m.conversationID, m.sequence), m.ID);
    this.client.sync.activate();
    const reply = await this.client.requests.request({
      op: add ? 'add_reaction' : 'remove_reaction',
      ...threadFields(m.to),
      MsgSeq: m.sequence,
      Reaction: reactionID,
    });
    const totalUserCount = decodeOrThrow(() => reply.num('Count'));
    // The `reaction` push (to this connection too) tells the members; this one knows now.
    this.apply(m.conversationID, m.sequence, reactionID, this.client.session.userID(), add, totalUserCount);
    return { code: 0, data: { message: m, reactionID, totalUserCount } };
  }

  /**
   * `Chat#getMessageReactions`: messages of one conversation; those without reactions come
   * with an empty list.
   * @param {{messageList: Message[], maxUserCountPerReaction?: number}} options
   * @returns {Promise<Response<MessageReactions[]>>}
   */
  async getReactions(options) {
    if (!isObject(options) || !Array.isArray(options.messageList) || options.messageList.length === 0)
      throw invalid('getMessageReactions needs {messageList}');
    const most = options.maxUserCountPerReaction === undefined ? USERS_LISTED : options.maxUserCountPerReaction;
    if (typeof most !== 'number' || !Number.isInteger(most) || most < 0 || most > USERS_LISTED)
      throw invalid(`maxUserCountPerReaction must be 0 to ${USERS_LISTED}`);
    const messages = options.messageList.map((m) => requireStoredGroupMessage(m, 'getMessageReactions'));
    const conversationID = messages[0].conversationID;
    if (messages.some((m) => m.conversationID !== conversationID))
      throw invalid('getMessageReactions: the messages must be of one conversation');
    this.client.sync.activate();
    const thread = messages[0].to;
    for (const m of messages) this.ids.set(placeKey(conversationID, m.sequence), m.ID);
    const seqs = Array.from(new Set(messages.map((m) => m.sequence)));
    for (const part of chunks(seqs, PER_REQUEST)) await this.fetch(thread, conversationID, part);
    return {
      code: 0,
      data: messages.map((m) => this.view(conversationID, m.sequence, most)),
    };
  }

  /**
   * Reads the reactions of messages of a thread and keeps them.
   * @private
   * @param {string} thread a group or topic ID
   * @param {string} conversationID
   * @param {number[]} seqs
   */
  async fetch(thread, conversationID, seqs) {
    const reply = await this.client.requests.request({ op: 'get_reactions', ...threadFields(thread), MsgSeqList: seqs });
    const found = decodeOrThrow(() =>
      reply.arr('Messages').map((raw, i) => {
        const f = new Fields(raw, `get_reactions.Messages[${i}]`);
        return {
          seq: f.num('MsgSeq'),
          reactions: f.arr('Reactions').map((r, j) => {
            const rf = new Fields(r, `${f.where}.Reactions[${j}]`);
            return {
              reactionID: rf.str('Reaction'),
              count: rf.num('Count'),
              users: rf.optArr('Users').map((u) => String(u)),
              mine: rf.optBool('Mine'),
            };
          }),
        };
      }),
    );
    /** @type {Map<number, Map<string, {count: number, users: string[], mine: boolean}>>} */
    const by = new Map(seqs.map((s) => [s, new Map()]));
    for (const m of found) {
      const kinds = by.get(m.seq) || new Map();
      for (const r of m.reactions) kinds.set(r.reactionID, { count: r.count, users: r.users, mine: r.mine });
      by.set(m.seq, kinds);
    }
    for (const [seq, kinds] of by) this.reactions.set(placeKey(conversationID, seq), kinds);
  }

  /**
   * A message's reactions as the application sees them.
   * @private
   * @param {string} conversationID
   * @param {number} sequence
   * @param {number} most users listed per reaction
   * @returns {MessageReactions}
   */
  view(conversationID, sequence, most = USERS_LISTED) {
    const key = placeKey(conversationID, sequence);
    /** @type {Map<string, {count: number, users: string[], mine: boolean}>} */
    const kinds = this.reactions.get(key) || new Map();
    return {
      messageID: this.ids.get(key) || '',
      conversationID,
      sequence,
      reactionList: Array.from(kinds).map(([reactionID, r]) => ({
        reactionID,
        totalUserCount: r.count,
        partialUserList: r.users.slice(0, most).map((userID) => ({ userID })),
        reactedByMyself: r.mine,
      })),
    };
  }

  /**
   * Applies a reaction's change to what is known of the message; false when nothing is.
   * @private
   * @param {string} conversationID
   * @param {number} sequence
   * @param {string} reactionID
   * @param {string} from who reacted or took the reaction back
   * @param {boolean} added
   * @param {number} count the reaction's count now
   */
  apply(conversationID, sequence, reactionID, from, added, count) {
    const kinds = this.reactions.get(placeKey(conversationID, sequence));
    if (kinds === undefined) return false;
    const before = kinds.get(reactionID) || { users: [], mine: false };
    let users = before.users.filter((u) => u !== from);
    if (added && users.length < USERS_LISTED) users = [...users, from];
    const mine = from === this.client.session.userID() ? added : before.mine;
    if (count === 0) kinds.delete(reactionID);
    else kinds.set(reactionID, { count, users, mine });
    return true;
  }

  /**
   * A `reaction` push: a member added or took back a reaction.
   * @param {Fields} f
   */
  onReaction(f) {
    const { sync, inbox, log } = this.client;
    sync.activate();
    const thread = threadOf(f);
    const conversationID = groupConversationID(thread);
    const sequence = f.num('MsgSeq');
    const reactionID = f.str('Reaction');
    const from = f.str('From_Account');
    const added = f.str('Action') === 'added';
    const count = f.num('Count');
    sync.groups.whenDelivered(thread, sequence, () => {
      const announce = () => {
        const all = this.view(conversationID, sequence);
        const item = all.reactionList.find((r) => r.reactionID === reactionID) || {
          reactionID,
          totalUserCount: 0,
          partialUserList: [],
          reactedByMyself: false,
        };
        inbox.emitInOrder(EVENT.MESSAGE_REACTIONS_UPDATED, { ...all, reactionList: [item] });
      };
      if (this.apply(conversationID, sequence, reactionID, from, added, count)) {
        announce();
        return;
      }
      // A message this client knows nothing of lately: read its reactions (this change in).
      this.fetch(thread, conversationID, [sequence])
        .then(announce)
        .catch((err) => log.warn(`reading the reactions of ${conversationID}#${sequence} failed`, err));
    });
  }

  /**
   * `Chat#setMessageExtensions`: sets (or adds) extensions of a message sent with
   * `isSupportExtension`. Each key is written over the version this client last read (none:
   * the key must be new); a key someone else wrote since comes back with `code` 23001 and
   * the value stored, to try again.
   * @param {Message} message
   * @param {MessageExtension[]} extensions
   * @returns {Promise<Response<{extensions: Array<{key: string, value: string, code: number}>}>>}
   */
  async setExtensions(message, extensions) {
    const m = requireStoredGroupMessage(message, 'setMessageExtensions');
    if (!Array.isArray(extensions) || extensions.length === 0 || extensions.length > EXTENSIONS_MAX)
      throw invalid(`setMessageExtensions needs 1 to ${EXTENSIONS_MAX} extensions [{key, value}]`);
    const place = placeKey(m.conversationID, m.sequence);
    const versions = this.versions.get(place) || new Map();
    const list = extensions.map((e) => {
      if (!isObject(e) || typeof e.value !== 'string') throw invalid('each extension is {key, value}');
      const key = requireID(e.key, 'extension key');
      return { Key: key, Value: e.value, Seq: versions.get(key) || 0 };
    });
    this.ids.set(place, m.ID);
    this.client.sync.activate();
    const reply = await this.client.requests.request({
      op: 'set_message_extensions',
      ...threadFields(m.to),
      MsgSeq: m.sequence,
      ExtensionList: list,
    });
    const results = decodeOrThrow(() =>
      reply.arr('ResultList').map((r, i) => {
        const f = new Fields(r, `set_message_extensions.ResultList[${i}]`);
        return { key: f.str('Key'), value: f.optStr('Value'), seq: f.optNum('Seq'), code: f.optNum('ErrorCode') };
      }),
    );
    for (const r of results) if (r.seq > 0) versions.set(r.key, r.seq);
    this.versions.set(place, versions);
    return { code: 0, data: { extensions: results.map(({ key, value, code }) => ({ key, value, code })) } };
  }

  /**
   * `Chat#getMessageExtensions`
   * @param {Message} message
   * @returns {Promise<Response<{extensions: MessageExtension[]}>>}
   */
  async getExtensions(message) {
    const m = requireStoredGroupMessage(message, 'getMessageExtensions');
    const place = placeKey(m.conversationID, m.sequence);
    this.ids.set(place, m.ID);
    this.client.sync.activate();
    const reply = await this.client.requests.request({ op: 'get_message_extensions', ...threadFields(m.to), MsgSeq: m.sequence });
    const list = decodeOrThrow(() => decodeExtensions(reply, 'get_message_extensions'));
    this.versions.set(place, new Map(list.map((e) => [e.key, e.seq])));
    return { code: 0, data: { extensions: list.map(({ key, value }) => ({ key, value })) } };
  }

  /**
   * A `message_extension` push: extensions of a message were set.
   * @param {Fields} f
   */
  onExtension(f) {
    const { sync, inbox } = this.client;
    sync.activate();
    const thread = threadOf(f);
    const conversationID = groupConversationID(thread);
    const sequence = f.num('MsgSeq');
    const list = decodeExtensions(f, 'message_extension');
    const place = placeKey(conversationID, sequence);
    const versions = this.versions.get(place) || new Map();
    for (const e of list) versions.set(e.key, e.seq);
    this.versions.set(place, versions);
    sync.groups.whenDelivered(thread, sequence, () => {
      inbox.emitInOrder(EVENT.MESSAGE_EXTENSIONS_UPDATED, {
        messageID: this.ids.get(place) || '',
        conversationID,
        sequence,
        extensions: list.map(({ key, value }) => ({ key, value })),
      });
    });
  }

  /**
   * `Chat#getMessageReadReceiptList`: how many members other than the sender read each
   * message and how many did not (messages of one group; not of a community). Sets each
   * message's `readReceiptInfo`.
   * @param {Message[]} messageList
   * @returns {Promise<Response<{messageList: Message[]}>>}
   */
  async readReceipts(messageList) {
    if (!Array.isArray(messageList) || messageList.length === 0)
      throw invalid('getMessageReadReceiptList needs a non-empty list of messages');
    const messages = messageList.map((m) => requireStoredGroupMessage(m, 'getMessageReadReceiptList'));
    const groupID = messages[0].to;
    if (isTopicID(groupID)) throw invalid('getMessageReadReceiptList: topics have no read receipts');
    if (messages.some((m) => m.to !== groupID)) throw invalid('getMessageReadReceiptList: the messages must be of one group');
    /** @type {Map<number, {readCount: number, unreadCount: number}>} */
    const by = new Map();
    for (const part of chunks(Array.from(new Set(messages.map((m) => m.sequence))), PER_REQUEST)) {
      const reply = await this.client.requests.request({ op: 'get_read_receipts', GroupId: groupID, MsgSeqList: part });
      decodeOrThrow(() =>
        reply.arr('Receipts').forEach((r, i) => {
          const f = new Fields(r, `get_read_receipts.Receipts[${i}]`);
          by.set(f.num('MsgSeq'), { readCount: f.num('ReadCount'), unreadCount: f.num('UnreadCount') });
        }),
      );
    }
    for (const m of messages) {
      const info = by.get(m.sequence);
      if (info) m.readReceiptInfo = { ...info };
    }
    return { code: 0, data: { messageList: messages } };
  }

  /** The session is over. */
  reset() {
    this.ids.clear();
    this.reactions.clear();
    this.versions.clear();
  }
}

/**
 * `ExtensionList` of a reply or push.
 * @param {Fields} f
 * @param {string} where
 * @returns {Array<{key: string, value: string, seq: number}>}
 */
function decodeExtensions(f, where) {
  return f.arr('ExtensionList').map((raw, i) => {
    const e = new Fields(raw, `${where}.ExtensionList[${i}]`);
    return { key: e.str('Key'), value: e.optStr('Value'), seq: e.optNum('Seq') };
  });
}

// src/profiles.js
// User profiles: reading them (`get_profiles`), changing one's own (`set_profile`), and the
// `profile` push, announced as PROFILE_UPDATED with the whole profile as it is now.


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
function emptyProfile(userID) {
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

class Profiles {
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

// src/friends.js
// Friends: adding (or asking) one, answering requests, deleting, the friend list and the
// friend applications; the `friend` push, which says a relationship changed, read again and
// announced as FRIEND_LIST_UPDATED and FRIEND_APPLICATION_LIST_UPDATED (and, for this user's
// blocklist, BLACKLIST_UPDATED).


/**
 * A friend of the logged-in user.
 * @typedef {Object} Friend
 * @property {string} userID
 * @property {string} remark what this user calls the friend
 * @property {string[]} groupList the friend lists the friend is in
 * @property {number} addTime when the friend was added (Unix seconds)
 * @property {Profile} profile the friend's profile
 */

/**
 * A friend request waiting for an answer, sent to this user or by it.
 * @typedef {Object} FriendApplication
 * @property {string} userID the other user: who asked, or who was asked
 * @property {string} nick the other user's nick
 * @property {string} avatar the other user's avatar
 * @property {number} time when it was sent (Unix seconds)
 * @property {string} source the add source the sender gave
 * @property {string} wording the sender's words
 * @property {string} type `TYPES.SNS_APPLICATION_SENT_TO_ME` or `TYPES.SNS_APPLICATION_SENT_BY_ME`
 */

/**
 * @typedef {Object} AddFriendOptions
 * @property {string} to the user to add
 * @property {string} [source] where the request comes from (the reference's `AddSource_Type_<name>`)
 * @property {string} [wording] words for the other user
 * @property {string} [remark] what this user will call the friend
 * @property {string} [groupName] a friend list to put the friend in
 * @property {string} [type] `TYPES.SNS_ADD_TYPE_BOTH` (the default: each in the other's list) or `TYPES.SNS_ADD_TYPE_SINGLE`
 */

/** Friends per `get_friends` page (the protocol's maximum). */
const FRIENDS_PAGE = 1000;

/** The `AddResult` code of a request that waits for the other user (as the reference's). */
const PENDING_CODE = 30539;

class Friends {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private */
    this.friendFeed = new ListFeed(client, EVENT.FRIEND_LIST_UPDATED, () => this.readFriends());
    /** @private */
    this.applicationFeed = new ListFeed(client, EVENT.FRIEND_APPLICATION_LIST_UPDATED, () => this.readApplications());
  }

  /**
   * `Chat#addFriend`
   * @param {AddFriendOptions} options
   * @returns {Promise<Response<{userID: string, code: number, message: string, isPending: boolean}>>}
   */
  async add(options) {
    if (!isObject(options)) throw invalid('addFriend needs {to}');
    const to = requireID(options.to, 'to');
    const type = options.type === undefined ? TYPES.SNS_ADD_TYPE_BOTH : options.type;
    if (type !== TYPES.SNS_ADD_TYPE_BOTH && type !== TYPES.SNS_ADD_TYPE_SINGLE)
      throw invalid('type must be TYPES.SNS_ADD_TYPE_BOTH or TYPES.SNS_ADD_TYPE_SINGLE');
    /** @type {Record<string, unknown>} */
    const frame = {
      op: 'add_friend',
      To_Account: to,
      AddType: type,
      AddSource: optionalString(options.source, 'source'),
      AddWording: optionalString(options.wording, 'wording'),
      Remark: optionalString(options.remark, 'remark'),
    };
    const group = optionalString(options.groupName, 'groupName');
    if (group !== '') frame.GroupName = group;
    const reply = await this.client.requests.request(frame);
    const isPending = reply.optBool('Pending');
    return {
      code: 0,
      data: {
        userID: to,
        code: isPending ? PENDING_CODE : 0,
        message: isPending ? `waiting for ${to} to accept` : '',
        isPending,
      },
    };
  }

  /**
   * `Chat#acceptFriendApplication` and `Chat#refuseFriendApplication`
   * @param {{userID: string, remark?: string}} options
   * @param {boolean} accept
   * @returns {Promise<Response<{userID: string}>>}
   */
  async answer(options, accept) {
    if (!isObject(options)) throw invalid('a friend application is answered with {userID}');
    const from = requireID(options.userID, 'userID');
    const remark = optionalString(options.remark, 'remark');
    await this.client.requests.request({ op: 'answer_friend_request', From_Account: from, Accept: accept, Remark: remark });
    return { code: 0, data: { userID: from } };
  }

  /**
   * `Chat#deleteFriend`
   * @param {{userIDList: string[], type?: string}} options
   * @returns {Promise<Response<{successUserIDList: Array<{userID: string}>, failureUserIDList: Array<{userID: string, code: number, message: string}>}>>}
   */
  async remove(options) {
    if (!isObject(options)) throw invalid('deleteFriend needs {userIDList}');
    const userIDs = requireIDList(options.userIDList, 'userIDList');
    const type = options.type === undefined ? TYPES.SNS_DELETE_TYPE_BOTH : options.type;
    if (type !== TYPES.SNS_DELETE_TYPE_BOTH && type !== TYPES.SNS_DELETE_TYPE_SINGLE)
      throw invalid('type must be TYPES.SNS_DELETE_TYPE_BOTH or TYPES.SNS_DELETE_TYPE_SINGLE');
    /** @type {Array<{userID: string}>} */
    const successUserIDList = [];
    /** @type {Array<{userID: string, code: number, message: string}>} */
    const failureUserIDList = [];
    for (const userID of userIDs) {
      try {
        await this.client.requests.request({
          op: 'delete_friend',
          To_Account: userID,
          Both: type === TYPES.SNS_DELETE_TYPE_BOTH,
        });
        successUserIDList.push({ userID });
      } catch (err) {
        const e = /** @type {LiveRoomError} */ (err);
        if (e.code < 0) throw e; // the SDK's own: no session, no connection
        failureUserIDList.push({ userID, code: e.code, message: e.message });
      }
    }
    return { code: 0, data: { successUserIDList, failureUserIDList } };
  }

  /**
   * `Chat#getFriendList`
   * @returns {Promise<Response<Friend[]>>}
   */
  async list() {
    const friends = await this.readFriends();
    this.friendFeed.seen(friends);
    return { code: 0, data: friends };
  }

  /**
   * `Chat#getFriendApplicationList`
   * @returns {Promise<Response<{friendApplicationList: FriendApplication[]}>>}
   */
  async applications() {
    const list = await this.readApplications();
    this.applicationFeed.seen(list);
    return { code: 0, data: list };
  }

  /**
   * Every page of the friend list, with the friends' profiles.
   * @private
   * @returns {Promise<Friend[]>}
   */
  async readFriends() {
    const { requests, profiles } = this.client;
    /** @type {Array<Omit<Friend, 'profile'>>} */
    const rows = [];
    for (;;) {
      const reply = await requests.request({ op: 'get_friends', Start: rows.length, Count: FRIENDS_PAGE });
      const page = decodeOrThrow(() => ({
        friends: reply.arr('Friends').map((raw, i) => {
          const f = new Fields(raw, `get_friends.Friends[${i}]`);
          return {
            userID: f.str('UserID'),
            remark: f.optStr('Remark'),
            groupList: f.optArr('Groups').map((g) => String(g)),
            addTime: f.optNum('AddTime'),
          };
        }),
        total: reply.optNum('Total'),
      }));
      rows.push(...page.friends);
      if (page.friends.length < FRIENDS_PAGE || rows.length >= page.total) break;
    }
    const found = await profiles.readMap(rows.map((r) => r.userID));
    return rows.map((r) => ({ ...r, profile: /** @type {Profile} */ (found.get(r.userID)) }));
  }

  /**
   * The requests sent to this user and by it, with the other users' nicks and avatars.
   * @private
   * @returns {Promise<{friendApplicationList: FriendApplication[]}>}
   */
  async readApplications() {
    const { requests, profiles } = this.client;
    const reply = await requests.request({ op: 'get_friend_requests' });
    /**
     * @param {string} key `Incoming` or `Outgoing`
     * @param {string} type
     */
    const read = (key, type) =>
      reply.optArr(key).map((raw, i) => {
        const f = new Fields(raw, `get_friend_requests.${key}[${i}]`);
        const incoming = type === TYPES.SNS_APPLICATION_SENT_TO_ME;
        return {
          userID: f.str(incoming ? 'From_Account' : 'To_Account'),
          time: f.optNum('Time'),
          source: f.optStr('AddSource'),
          wording: f.optStr('AddWording'),
          type,
        };
      });
    const rows = decodeOrThrow(() => [
      ...read('Incoming', TYPES.SNS_APPLICATION_SENT_TO_ME),
      ...read('Outgoing', TYPES.SNS_APPLICATION_SENT_BY_ME),
    ]);
    const found = await profiles.readMap(Array.from(new Set(rows.map((r) => r.userID))));
    return {
      friendApplicationList: rows.map((r) => {
        const p = /** @type {Profile} */ (found.get(r.userID));
        return { ...r, nick: p.nick, avatar: p.avatar };
      }),
    };
  }

  /**
   * A `friend` push: a relationship of this user changed (on any of its devices, or by the
   * other user). The lists it concerns are read again.
   * @param {Fields} f
   */
  onPush(f) {
    const action = f.str('Action');
    const mine = f.str('From_Account') === this.client.session.userID();
    switch (action) {
      case 'request':
      case 'declined':
        this.applicationFeed.changed();
        break;
      case 'added':
        this.friendFeed.changed();
        this.applicationFeed.changed();
        break;
      case 'blocked':
        // Blocking ends the friendship and the requests both ways.
        this.friendFeed.changed();
        this.applicationFeed.changed();
        if (mine) this.client.blocklist.changed();
        break;
      case 'unblocked':
        if (mine) this.client.blocklist.changed();
        break;
      default:
        // `deleted`, `updated` (remarks, lists), and what a newer server may add.
        this.friendFeed.changed();
    }
  }

  /** Back after a reconnect: what changed meanwhile is announced. */
  sessionRestored() {
    this.friendFeed.changed();
    this.applicationFeed.changed();
  }

  /** The session is over. */
  reset() {
    this.friendFeed.reset();
    this.applicationFeed.reset();
  }
}

// src/blocklist.js
// The user's blocklist: blocked users' messages to this user are refused (20007), and so are
// friend requests either way. Changes made on any device are announced as BLACKLIST_UPDATED.


/** The most users a blocklist holds (and one `block` request names). */
const BLOCKLIST_MAX = 1000;

class Blocklist {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private */
    this.feed = new ListFeed(client, EVENT.BLACKLIST_UPDATED, () => this.read());
  }

  /**
   * `Chat#addToBlacklist` and `Chat#removeFromBlacklist`
   * @param {{userIDList: string[]}} options
   * @param {boolean} block
   * @returns {Promise<Response<string[]>>}
   */
  async change(options, block) {
    const userIDs = requireIDList(isObject(options) ? options.userIDList : undefined, 'userIDList');
    if (userIDs.length > BLOCKLIST_MAX) throw invalid(`userIDList names more than ${BLOCKLIST_MAX} users`);
    await this.client.requests.request({ op: block ? 'block' : 'unblock', To_Account: userIDs });
    return { code: 0, data: userIDs };
  }

  /**
   * `Chat#getBlacklist`
   * @returns {Promise<Response<string[]>>}
   */
  async get() {
    const list = await this.read();
    this.feed.seen(list);
    return { code: 0, data: list };
  }

  /**
   * @private
   * @returns {Promise<string[]>}
   */
  async read() {
    const reply = await this.client.requests.request({ op: 'get_blocklist' });
    return decodeOrThrow(() =>
      reply.arr('Blocked').map((b, i) => new Fields(b, `get_blocklist.Blocked[${i}]`).str('UserID')),
    );
  }

  /** The blocklist changed (a `friend` push said so): it is read again. */
  changed() {
    this.feed.changed();
  }

  /** Back after a reconnect: what changed meanwhile is announced. */
  sessionRestored() {
    this.feed.changed();
  }

  /** The session is over. */
  reset() {
    this.feed.reset();
  }
}

// src/status.js
// User status (presence): whether users are online, on which platforms, with what custom
// status; subscriptions to their changes (`subscribe_status`, the `user_status` push,
// announced as USER_STATUS_UPDATED), which outlive a lost connection: after a reconnect the
// SDK subscribes again and announces what changed meanwhile. This user's own custom status,
// set here, is set again too when the server forgot it with the connection.


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

class Status {
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

// src/client.js
// The parts of one `Chat`, side by side: each part owns its state and reaches the others
// through the client. Frames from the server come in here and go to the part they concern.
//
// Adding a feature: a module with a class that takes the client, a field for it here, its
// pushes in `dispatch`, its calls on `Chat`.


class Client {
  /** @param {CreateOptions} options */
  constructor(options) {
    /** @readonly */
    this.o = normalizeOptions(options);
    this.log = new Logger(this.o.logLevel);
    this.events = new Events(this.log);
    this.inbox = new Inbox(this.events);
    this.connection = new Connection(this);
    this.requests = new Requests(this);
    this.session = new Session(this);
    this.rooms = new Rooms(this);
    this.messages = new Messages(this);
    this.gifts = new Gifts(this);
    this.likes = new Likes(this);
    this.live = new Live(this);
    this.moderation = new Moderation(this);
    this.conversations = new Conversations(this);
    this.c2c = new C2C(this);
    this.sync = new ChatSync(this);
    this.groups = new Groups(this);
    this.groupMembers = new GroupMembers(this);
    this.groupChat = new GroupChat(this);
    this.topics = new Topics(this);
    this.features = new MessageFeatures(this);
    this.profiles = new Profiles(this);
    this.friends = new Friends(this);
    this.blocklist = new Blocklist(this);
    this.status = new Status(this);
  }

  /**
   * A frame from the server. Whatever it holds, it must not take the connection (or the
   * process) down: a frame that cannot be read is reported as ERROR and ignored.
   * @param {unknown} data
   */
  receive(data) {
    if (typeof data !== 'string') {
      this.events.error(ERROR_CODE.MALFORMED_FRAME, 'ignored a non-text frame');
      return;
    }
    let frame;
    try {
      frame = JSON.parse(quoteBigSeeds(data));
    } catch (_) {
      this.events.error(ERROR_CODE.MALFORMED_FRAME, `ignored a frame that is not JSON: ${data.slice(0, 200)}`);
      return;
    }
    if (!isObject(frame) || typeof frame.op !== 'string') {
      this.events.error(ERROR_CODE.MALFORMED_FRAME, `ignored a frame without an op: ${data.slice(0, 200)}`);
      return;
    }
    try {
      this.dispatch(frame.op, new Fields(frame, frame.op));
    } catch (err) {
      if (!(err instanceof FrameError)) this.log.error(`handling a ${frame.op} frame failed`, err);
      this.events.error(
        ERROR_CODE.MALFORMED_FRAME,
        `ignored a malformed ${frame.op} frame: ${String(err && /** @type {Error} */ (err).message)}`,
      );
    }
  }

  /**
   * @private
   * @param {string} op
   * @param {Fields} f
   */
  dispatch(op, f) {
    switch (op) {
      case 'reply':
        return this.requests.onReply(decodeReply(f));
      case 'message':
        // A group that keeps its messages, or a live room (groups.js tells them apart).
        if (this.groups.isStored(f.str('GroupId'))) return this.groupChat.onMessage(f);
        return this.messages.onMessage(decodeMessage(f));
      case 'tip':
        if (this.groups.isStored(f.str('GroupId'))) return this.groupChat.onTip(f);
        return this.rooms.onTip(f);
      case 'system':
        return this.rooms.onSystem(f);
      case 'kicked':
        return this.session.onKicked(f.str('Reason'), f.optStr('ErrorInfo'));
      case 'online':
        return this.inbox.emitInOrder(EVENT.ONLINE_COUNT_UPDATED, {
          groupID: f.str('GroupId'),
          memberCount: f.num('MemberNum'),
        });
      case 'likes':
        return this.inbox.emitInOrder(EVENT.LIKES_UPDATED, { groupID: f.str('GroupId'), total: f.num('Total') });
      case 'gift':
        return this.gifts.onPush(f);
      case 'recalled':
        if (this.groups.isStored(f.str('GroupId'))) return this.groupChat.onRecalled(f);
        // After the message it names, even when that one still waits in the inbox.
        return this.inbox.emitInOrder(EVENT.MESSAGE_RECALLED, {
          groupID: f.str('GroupId'),
          sequence: f.num('MsgSeq'),
          operatorID: f.str('Operator_Account'),
        });
      case 'c2c':
        return this.c2c.onPush(f);
      case 'c2c_recalled':
        return this.c2c.onRecalled(f);
      case 'c2c_modified':
        return this.c2c.onModified(f);
      case 'c2c_read':
        this.sync.activate();
        return this.conversations.onRead(f);
      case 'c2c_conversation':
        this.sync.activate();
        return this.conversations.onChanged(f);
      case 'group_read':
        this.sync.activate();
        return this.conversations.onGroupRead(f);
      case 'message_modified':
        return this.groupChat.onModified(f);
      case 'reaction':
        return this.features.onReaction(f);
      case 'message_extension':
        return this.features.onExtension(f);
      case 'topic':
        return this.topics.onPush(f);
      case 'typing':
        return this.c2c.onTyping(f);
      case 'profile':
        return this.profiles.onPush(f);
      case 'friend':
        return this.friends.onPush(f);
      case 'user_status':
        return this.status.onPush(f);
      default:
        // A newer server may push more; that is not an error.
        this.log.debug(`ignored a push with op ${op}`);
    }
  }
}

// src/chat-base.js
// The client behind a `Chat`. `Chat`'s calls are written in several files by subject
// (chat-live.js, chat-groups.js, chat.js), each a class the next one extends; they reach
// the client they share through `clientOf`, which keeps it out of the public type.


/** @type {WeakMap<object, Client>} */
const clients = new WeakMap();

/** What every `Chat` starts from: its client. */
class ChatBase {
  /** @param {CreateOptions} options */
  constructor(options) {
    clients.set(this, new Client(options));
  }
}

/**
 * The client of a chat instance.
 * @param {ChatBase} chat
 * @returns {Client}
 */
function clientOf(chat) {
  return /** @type {Client} */ (clients.get(chat));
}

// src/chat-live.js
// `Chat`'s live-room calls: live state, pinned items, likes, lucky draws, the room's profile
// and statistics, and moderation by the room's owner and admins (and App admins).


/** The live-room and moderation calls of `Chat`. */
class LiveRoomCalls extends ChatBase {
  /**
   * Moves the room to a live state (owner, admins, App admins).
   * @param {string} groupID
   * @param {LiveStateName} state one of `TYPES.LIVE_STATE_*`
   * @param {{newSession?: boolean}} [options] newSession: start a new broadcast after the last one ended
   * @returns {Promise<Response<{liveState: LiveState}>>}
   */
  setLiveState(groupID, state, options = {}) {
    return clientOf(this).live.setLiveState(groupID, state, options);
  }

  /**
   * Pins a live-shopping item for every viewer (owner, admins, App admins).
   * @param {string} groupID
   * @param {PinnedItem} item at least `ItemId` and `Title`
   * @returns {Promise<Response<{}>>}
   */
  pinItem(groupID, item) {
    return clientOf(this).live.pinItem(groupID, item);
  }

  /**
   * Takes the pinned item down.
   * @param {string} groupID
   * @returns {Promise<Response<{}>>}
   */
  unpinItem(groupID) {
    return clientOf(this).live.unpinItem(groupID);
  }

  /**
   * Likes the room. Taps within `likeMergeWindow` are merged into one request (of at most
   * 100, the protocol's limit); every merged call resolves with that request's reply.
   * `added` is what the server counted (it caps each user's likes per second).
   * @param {string} groupID
   * @param {number} [count] 1 to 100
   * @returns {Promise<Response<{added: number, count: number}>>}
   */
  like(groupID, count = 1) {
    return clientOf(this).likes.like(groupID, count);
  }

  /**
   * Starts a lucky draw among the users who comment `keyword` (owner, admins, App admins).
   * The room gets DRAW_STARTED now and DRAW_RESULT at the end.
   * @param {string} groupID
   * @param {{keyword: string, duration: number, winners?: number}} options duration in seconds (1–3600), winners 1–100 (default 1)
   * @returns {Promise<Response<{drawID: string}>>}
   */
  startDraw(groupID, options) {
    return clientOf(this).live.startDraw(groupID, options);
  }

  /**
   * Changes the room's profile (owner, admins, App admins): its name, introduction, notice
   * (`notification`), cover (`faceURL`) or declared custom fields (`custom`; an empty string
   * deletes a key). Members get GROUP_PROFILE_UPDATED. The same for a group that keeps its
   * members, whose members' conversations show the new name and face.
   * @param {string} groupID
   * @param {{name?: string, introduction?: string, notification?: string, faceURL?: string, custom?: Record<string, string>}} changes
   * @returns {Promise<Response<{}>>}
   */
  modifyGroup(groupID, changes) {
    return clientOf(this).live.modifyGroup(groupID, changes);
  }

  /**
   * The room's audience statistics for its current broadcast session, or `session` (owner,
   * admins, App admins). `data` has the fields of the REST call `liveroom_ext/get_room_stats`
   * as the server names them: `Session`, `OnlineNum`, `Popularity`, `PeakOnline`, `Viewers`,
   * `GuestJoins`, `Joins`, `OnlineSecs`, `AvgOnlineSecs`, `Messages`, `Likes`, `Gifts`,
   * `GiftValue`, `FirstAt`, `LastAt` and `TopUsers` (`User_Account`, `NickName`, `Level`,
   * `Score`, `OnlineSecs`, `Messages`, `Likes`, `Gifts`, `GiftValue`).
   * @param {string} groupID
   * @param {{session?: number, orderBy?: 'GiftValue'|'Gifts'|'Messages'|'Likes'|'OnlineTime', top?: number}} [options] top 0–100 (default 10)
   * @returns {Promise<Response<Record<string, any>>>}
   */
  getRoomStats(groupID, options = {}) {
    return clientOf(this).live.getRoomStats(groupID, options);
  }

  // -------------------------------------------------------------------------------------
  // Moderation (owner and admins of the room, App admins)
  // -------------------------------------------------------------------------------------

  /**
   * Mutes members; 0 seconds unmutes, `TYPES.MUTE_PERMANENT` mutes for good.
   * @param {string} groupID
   * @param {string|string[]} userID 1–500 accounts
   * @param {number} seconds
   * @returns {Promise<Response<{}>>}
   */
  mute(groupID, userID, seconds) {
    return clientOf(this).moderation.mute(groupID, userID, seconds);
  }

  /**
   * Switches mute-all on or off: only the owner and admins may send while it is on.
   * @param {string} groupID
   * @param {boolean} on
   * @returns {Promise<Response<{}>>}
   */
  muteAll(groupID, on) {
    return clientOf(this).moderation.muteAll(groupID, on);
  }

  /**
   * Bans members: they leave the room at once and cannot join for `seconds`.
   * @param {string} groupID
   * @param {string|string[]} userID 1–20 accounts
   * @param {number} seconds at least 1; `TYPES.MUTE_PERMANENT` bans for good
   * @param {string} [reason] shown to the banned users (at most 1000 bytes)
   * @returns {Promise<Response<{}>>}
   */
  ban(groupID, userID, seconds, reason) {
    return clientOf(this).moderation.ban(groupID, userID, seconds, reason);
  }

  /**
   * Lifts bans.
   * @param {string} groupID
   * @param {string|string[]} userID 1–20 accounts
   * @returns {Promise<Response<{}>>}
   */
  unban(groupID, userID) {
    return clientOf(this).moderation.unban(groupID, userID);
  }

  /**
   * Recalls a message of the room (owner, admins, App admins): every member gets
   * `MESSAGE_RECALLED` and late joiners no longer receive it. 10030 when the room cannot
   * recall it (unknown, recalled already, or too old). In a group that keeps its messages
   * (see `revokeMessage`), members get MESSAGE_REVOKED.
   * @param {string} groupID
   * @param {number} sequence the message's `sequence`
   * @returns {Promise<Response<{}>>}
   */
  recallMessage(groupID, sequence) {
    return clientOf(this).moderation.recallMessage(groupID, sequence);
  }

  /**
   * Makes members admins of the room, or ordinary members again (owner, App admins).
   * @param {string} groupID
   * @param {string|string[]} userID 1–5 accounts
   * @param {boolean} on
   * @returns {Promise<Response<{}>>}
   */
  setAdmin(groupID, userID, on) {
    return clientOf(this).moderation.setAdmin(groupID, userID, on);
  }
}

// src/chat-groups.js
// `Chat`'s calls for the groups that keep their members and messages (Work, Public,
// Meeting, Community): creating and dismissing them, the user's groups, members and their
// roles and fields, requests to join, remind types, owner transfer, mentions and reading
// every conversation at once. Joining, quitting, sending, history, reading and recall are
// `Chat`'s calls for every kind of conversation (chat.js).


/** The group calls of `Chat`. */
class GroupCalls extends LiveRoomCalls {
  /**
   * Creates a group; this user owns it and is its first member, with `memberList` beside
   * it. Work (`TYPES.GRP_WORK`), Public, Meeting and Community groups keep their members and
   * messages; an AVChatRoom is a live room (join it with `joinGroup`).
   * @param {CreateGroupOptions} options
   * @returns {Promise<Response<{group: Group}>>}
   */
  createGroup(options) {
    return clientOf(this).groups.create(options);
  }

  /**
   * Dismisses a group (its owner): every member gets a `GRP_SYS_DISMISSED` notice and
   * REMOVED_FROM_GROUP.
   * @param {string} groupID
   * @returns {Promise<Response<{groupID: string}>>}
   */
  dismissGroup(groupID) {
    return clientOf(this).groups.dismiss(groupID);
  }

  /**
   * The groups this user is in (those that keep their members), the most recently active
   * first. GROUP_LIST_UPDATED follows the list as it changes.
   * @returns {Promise<Response<{groupList: Group[]}>>}
   */
  getGroupList() {
    return clientOf(this).groups.list();
  }

  /**
   * A page of a group's members in user ID order (members only). Pass the page's `offset`
   * for the next page; a number skips that many members from the start.
   * @param {{groupID: string, count?: number, offset?: number|string}} options count 1–1000 (default 15)
   * @returns {Promise<Response<{memberList: GroupMember[], offset: string, memberCount: number, isCompleted: boolean}>>}
   */
  getGroupMemberList(options) {
    return clientOf(this).groupMembers.list(options);
  }

  /**
   * Adds users to a group: at once (owners and admins, or a group whose members invite
   * freely), or as invitations an owner or admin approves (`pendingUserIDList`). Users who
   * could not be added (no such account, banned, full, refused by the app) are in
   * `failureUserIDList`. 10007 when the group's members may not invite.
   * @param {{groupID: string, userIDList: string[]}} options
   * @returns {Promise<Response<{group: {groupID: string}, successUserIDList: string[], failureUserIDList: string[], existedUserIDList: string[], pendingUserIDList: string[]}>>}
   */
  addGroupMember(options) {
    return clientOf(this).groupMembers.add(options);
  }

  /**
   * Removes members (owners remove admins and members, admins members; in a Work group only
   * the owner). They get REMOVED_FROM_GROUP (`kicked`).
   * @param {{groupID: string, userIDList: string[], reason?: string}} options
   * @returns {Promise<Response<{group: {groupID: string}, userIDList: string[]}>>}
   */
  deleteGroupMember(options) {
    return clientOf(this).groupMembers.remove(options);
  }

  /**
   * The requests to join that wait for an answer: of one group, or of every group this user
   * owns or administers.
   * @param {{groupID?: string}} [options]
   * @returns {Promise<Response<{applicationList: GroupApplication[]}>>}
   */
  getGroupApplicationList(options) {
    return clientOf(this).groupMembers.applications(options);
  }

  /**
   * Answers a request to join (owners and admins): `Agree` makes the applicant a member,
   * `Reject` declines; the applicant (and an inviter) gets a `GRP_SYS_JOIN_GROUP_ACCEPT` or
   * `GRP_SYS_JOIN_GROUP_REFUSE` notice. 10024 when the request was answered already.
   * @param {{handleAction: 'Agree'|'Reject', handleMessage?: string, application?: GroupApplication, message?: Message}} options the request: an application from `getGroupApplicationList`, or its `GRP_SYS_JOIN_GROUP_REQUEST` notice
   * @returns {Promise<Response<{group: {groupID: string}, applicant: string, handleAction: string}>>}
   */
  handleGroupApplication(options) {
    return clientOf(this).groupMembers.handle(options);
  }

  /**
   * Makes a member an admin, or an ordinary member again (the owner; Work groups have no
   * admins). Members get a `GRP_TIP_MBR_SET_ADMIN` or `GRP_TIP_MBR_CANCELED_ADMIN` tip.
   * @param {{groupID: string, userID: string, role: MemberRole}} options role: `TYPES.GRP_MBR_ROLE_ADMIN` or `TYPES.GRP_MBR_ROLE_MEMBER`
   * @returns {Promise<Response<{group: {groupID: string}, userID: string, role: MemberRole}>>}
   */
  setGroupMemberRole(options) {
    return clientOf(this).groupMembers.setRole(options);
  }

  /**
   * Sets a member's name card: this user's own (no `userID`), or (owners and admins) that of
   * a member below them.
   * @param {{groupID: string, userID?: string, nameCard: string}} options
   * @returns {Promise<Response<{group: {groupID: string}, userID: string, nameCard: string}>>}
   */
  setGroupMemberNameCard(options) {
    return clientOf(this).groupMembers.setNameCard(options);
  }

  /**
   * Sets a member's custom fields (keys the app declared; an empty value deletes one): this
   * user's own, or (owners and admins) those of a member below them.
   * @param {{groupID: string, userID?: string, memberCustomField: Array<{key: string, value: string}>}} options
   * @returns {Promise<Response<{group: {groupID: string}, userID: string}>>}
   */
  setGroupMemberCustomField(options) {
    return clientOf(this).groupMembers.setCustomField(options);
  }

  /**
   * How this user wants a group's messages (`TYPES.MSG_REMIND_*`); its conversation's
   * `messageRemindType` follows.
   * @param {{groupID: string, messageRemindType: MessageRemindType}} options
   * @returns {Promise<Response<{groupID: string, messageRemindType: MessageRemindType}>>}
   */
  setMessageRemindType(options) {
    return clientOf(this).groups.setRemindType(options);
  }

  /**
   * Hands a group on to one of its members (its owner). Members get a
   * `GRP_TIP_GRP_PROFILE_UPDATED` tip and GROUP_PROFILE_UPDATED with `changes.ownerID`.
   * @param {{groupID: string, newOwnerID: string}} options
   * @returns {Promise<Response<{groupID: string, newOwnerID: string}>>}
   */
  changeGroupOwner(options) {
    return clientOf(this).groups.changeOwner(options);
  }

  /**
   * Creates a text message that mentions members of a group (`atUserList`;
   * `TYPES.MSG_AT_ALL` mentions everyone), for `sendMessage`.
   * @param {TextAtMessageOptions} options
   * @returns {TextMessage}
   */
  createTextAtMessage(options) {
    return clientOf(this).messages.createTextAt(options);
  }

  /**
   * Marks every conversation of `scope` read (`TYPES.READ_ALL_MSG`, the default;
   * `READ_ALL_C2C_MSG`, `READ_ALL_GROUP_MSG`): the conversation list is read, then each
   * conversation with unread messages.
   * @param {{scope?: string}} [options]
   * @returns {Promise<Response<{conversationIDList: string[]}>>}
   */
  setAllMessageRead(options) {
    const client = clientOf(this);
    client.sync.activate();
    return client.conversations.readAll(options);
  }
}

// src/chat-community.js
// `Chat`'s calls for communities' topics and for what members add to the messages of groups
// that keep them: reactions, extensions and read receipts; a group's profile. Sending,
// history, reading, recall and edits of a topic's messages are `Chat`'s calls for every kind
// of conversation (chat.js), with a topic's conversation ID `GROUP<topicID>`.


/** The community and message-feature calls of `Chat`. */
class CommunityCalls extends GroupCalls {
  /**
   * A group's profile and settings (`get_group_info`): name, notification, owner, member
   * count, join options, whether a community has topics. Any logged-in user may read it.
   * @param {{groupID: string}} options
   * @returns {Promise<Response<{group: GroupInfo}>>}
   */
  getGroupProfile(options) {
    return clientOf(this).groups.profile(options);
  }

  /**
   * The user's communities that have topics (created with `isSupportTopic`).
   * @returns {Promise<Response<{groupList: Group[]}>>}
   */
  getJoinedCommunityList() {
    return clientOf(this).groups.communities();
  }

  /**
   * Creates a topic in a community that has topics (its owner and admins): every member's
   * devices get TOPIC_CREATED. `topicID`, when given, must be `<groupID>@TOPIC#_<suffix>`.
   * @param {TopicOptions & {topicName: string, topicID?: string}} options
   * @returns {Promise<Response<{topicID: string}>>}
   */
  createTopicInCommunity(options) {
    return clientOf(this).topics.create(options);
  }

  /**
   * A community's topics (those named, or all), in the order they were created, each with
   * this user's unread count. TOPIC_UPDATED follows a topic as it changes (messages, reads
   * on any device, profile changes); TOPIC_CREATED and TOPIC_DELETED the list.
   * @param {{groupID: string, topicIDList?: string[]}} options
   * @returns {Promise<Response<{successTopicList: Topic[], failureTopicList: Array<{topicID: string, code: number, message: string}>}>>}
   */
  getTopicList(options) {
    return clientOf(this).topics.list(options);
  }

  /**
   * Changes a topic's profile or mutes it (the community's owner and admins); members get
   * TOPIC_UPDATED. Resolves with the topic as it is now.
   * @param {TopicOptions & {topicID: string, muteAllMembers?: boolean}} options
   * @returns {Promise<Response<{topic: Topic}>>}
   */
  updateTopicProfile(options) {
    return clientOf(this).topics.update(options);
  }

  /**
   * The same as `updateTopicProfile`.
   * @param {TopicOptions & {topicID: string, muteAllMembers?: boolean}} options
   * @returns {Promise<Response<{topic: Topic}>>}
   */
  setTopicProfile(options) {
    return clientOf(this).topics.update(options);
  }

  /**
   * Deletes topics of a community (those named, or all), with their messages (the owner and
   * admins); members get TOPIC_DELETED.
   * @param {{groupID: string, topicIDList?: string[]}} options
   * @returns {Promise<Response<{successTopicList: Array<{topicID: string}>, failureTopicList: Array<{topicID: string, code: number, message: string}>}>>}
   */
  deleteTopicFromCommunity(options) {
    return clientOf(this).topics.remove(options);
  }

  /**
   * Reacts to a message of a group (or topic) with an emoji or a short code (1–64 bytes; at
   * most 20 kinds a message): members get MESSAGE_REACTIONS_UPDATED. 10030 for a recalled or
   * unknown message.
   * @param {Message} message a sent or received message
   * @param {string} reactionID
   * @returns {Promise<Response<{message: Message, reactionID: string, totalUserCount: number}>>}
   */
  addMessageReaction(message, reactionID) {
    return clientOf(this).features.react(message, reactionID, true);
  }

  /**
   * Takes this user's reaction back: members get MESSAGE_REACTIONS_UPDATED.
   * @param {Message} message
   * @param {string} reactionID
   * @returns {Promise<Response<{message: Message, reactionID: string, totalUserCount: number}>>}
   */
  removeMessageReaction(message, reactionID) {
    return clientOf(this).features.react(message, reactionID, false);
  }

  /**
   * The reactions of messages of one conversation: each with its count, its first users
   * (at most `maxUserCountPerReaction`, 10 by default) and whether this user is one of them.
   * @param {{messageList: Message[], maxUserCountPerReaction?: number}} options
   * @returns {Promise<Response<MessageReactions[]>>}
   */
  getMessageReactions(options) {
    return clientOf(this).features.getReactions(options);
  }

  /**
   * Sets key-value extensions of a message sent with `isSupportExtension` (at most 20 at
   * once, 300 a message; keys up to 100 bytes, values up to 1000): members get
   * MESSAGE_EXTENSIONS_UPDATED. A key written by someone else since this client read it comes
   * back with `code` 23001 and the stored value: read, then try again. 23004 when the message
   * takes no extensions.
   * @param {Message} message
   * @param {MessageExtension[]} extensions
   * @returns {Promise<Response<{extensions: Array<{key: string, value: string, code: number}>}>>}
   */
  setMessageExtensions(message, extensions) {
    return clientOf(this).features.setExtensions(message, extensions);
  }

  /**
   * A message's extensions, by key.
   * @param {Message} message
   * @returns {Promise<Response<{extensions: MessageExtension[]}>>}
   */
  getMessageExtensions(message) {
    return clientOf(this).features.getExtensions(message);
  }

  /**
   * Read receipts of messages of a group (Work, Public and Meeting groups; not
   * communities): each message's `readReceiptInfo` says how many members other than its
   * sender read it and how many did not.
   * @param {Message[]} messageList
   * @returns {Promise<Response<{messageList: Message[]}>>}
   */
  getMessageReadReceiptList(messageList) {
    return clientOf(this).features.readReceipts(messageList);
  }
}

// src/chat.js
// `Chat`, the SDK's instance: every call an application makes, each handed to the part of the
// client that does it (client.js). The live-room calls are in chat-live.js, those of groups
// that keep their members in chat-groups.js, those of communities' topics and of reactions,
// extensions and read receipts in chat-community.js; `Chat` extends them.


/** Events about conversations: listening to one starts following them. */
/** @type {Set<string>} */
const CHAT_EVENTS = new Set([
  EVENT.CONVERSATION_LIST_UPDATED,
  EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED,
  EVENT.MESSAGE_REVOKED,
  EVENT.MESSAGE_MODIFIED,
  EVENT.MESSAGE_READ_BY_PEER,
  EVENT.TYPING_STATUS_UPDATED,
  EVENT.TOPIC_CREATED,
  EVENT.TOPIC_UPDATED,
  EVENT.TOPIC_DELETED,
  EVENT.MESSAGE_REACTIONS_UPDATED,
  EVENT.MESSAGE_EXTENSIONS_UPDATED,
]);

/**
 * One client connection: a user (or guest) session with its rooms, groups and
 * conversations. Create it with `LiveRoom.create`.
 */
class Chat extends CommunityCalls {
  /** @param {CreateOptions} options */
  constructor(options) {
    super(options);
    /** @private @readonly */
    this._c = clientOf(this);
  }

  // -------------------------------------------------------------------------------------
  // Events
  // -------------------------------------------------------------------------------------

  /**
   * Listens to an event; the handler receives `{name, data}`.
   * @template {EventName} K
   * @param {K} event one of `EVENT`
   * @param {EventHandler<K>} handler
   * @param {unknown} [context] `this` of the handler
   */
  on(event, handler, context) {
    this._c.events.on(event, handler, context);
    if (CHAT_EVENTS.has(event)) this._c.sync.activate();
  }

  /**
   * Stops listening; without a handler, removes every handler of the event.
   * @template {EventName} K
   * @param {K} event
   * @param {EventHandler<K>} [handler]
   * @param {unknown} [context]
   */
  off(event, handler, context) {
    this._c.events.off(event, handler, context);
  }

  // -------------------------------------------------------------------------------------
  // Session
  // -------------------------------------------------------------------------------------

  /**
   * Logs in with a UserSig. The connection is opened as needed; logging in as someone
   * else on a logged-in instance leaves the previous user's rooms.
   * @param {LoginOptions} options
   * @returns {Promise<Response<LoginData>>}
   */
  login(options) {
    return this._c.session.login(options);
  }

  /**
   * Enters the app as a guest: may join rooms and receive everything, may not send.
   * @returns {Promise<Response<LoginData>>}
   */
  loginAsGuest() {
    return this._c.session.loginAsGuest();
  }

  /**
   * Leaves every room and closes the connection. Resolves even when the server could not be
   * told (closing the connection leaves the rooms all the same).
   * @returns {Promise<Response<{}>>}
   */
  logout() {
    return this._c.session.logout();
  }

  /**
   * Ends everything: closes the connection, rejects what is pending, drops every handler.
   * The instance cannot be used afterwards.
   * @returns {Promise<void>}
   */
  destroy() {
    return this._c.session.destroy();
  }

  /** @returns {string} the logged-in UserID; empty for a guest or when logged out */
  getLoginUser() {
    return this._c.session.userID();
  }

  /** @returns {boolean} whether requests go out at once (logged in, connected, rooms restored) */
  isReady() {
    return this._c.session.ready;
  }

  /** @returns {NetState} */
  getNetState() {
    return this._c.connection.netState;
  }

  /**
   * @param {number} level one of `LOG_LEVEL`
   */
  setLogLevel(level) {
    this._c.log.setLevel(level);
  }

  // -------------------------------------------------------------------------------------
  // Rooms
  // -------------------------------------------------------------------------------------

  /**
   * Joins a live room: the room's short history follows as MESSAGE_RECEIVED with
   * `isHistory`, and after a reconnect the SDK joins it again by itself. Joins a group
   * that keeps its members for good (`status` `TYPES.JOIN_STATUS_SUCCESS`), or asks to
   * (`JOIN_STATUS_WAIT_APPROVAL`: an owner or admin answers, and this user gets a
   * `GRP_SYS_JOIN_GROUP_ACCEPT` or `_REFUSE` notice); `JOIN_STATUS_ALREADY_IN_GROUP` for a
   * member. Work groups take no requests (10007: members invite). `applyMessage` goes with
   * a request; `type` says the kind of group when the SDK does not know it yet.
   * @param {{groupID: string, type?: string, applyMessage?: string}} options
   * @returns {Promise<Response<JoinResult>>}
   */
  joinGroup(options) {
    return this._c.groups.join(options);
  }

  /**
   * Leaves a live room (it is not rejoined after a reconnect), or a group that keeps its
   * members, for good (the owner of a Public, Meeting or Community group may not: 10009).
   * @param {string} groupID
   * @returns {Promise<Response<{groupID: string}>>}
   */
  quitGroup(groupID) {
    const { rooms, groups } = this._c;
    if (rooms.get(requireID(groupID, 'groupID'))) return rooms.quit(groupID);
    return groups.quit(groupID);
  }

  // -------------------------------------------------------------------------------------
  // Messages
  // -------------------------------------------------------------------------------------

  /**
   * Creates a text message for `sendMessage`: to a group (a live room or another), or with
   * `conversationType: TYPES.CONV_C2C` to a user.
   * @param {TextMessageOptions} options
   * @returns {TextMessage}
   */
  createTextMessage(options) {
    return this._c.messages.createText(options);
  }

  /**
   * Creates a custom message (`TIMCustomElem`) for `sendMessage`.
   * @param {CustomMessageOptions} options
   * @returns {CustomMessage}
   */
  createCustomMessage(options) {
    return this._c.messages.createCustom(options);
  }

  /**
   * Creates a face (emoji) message (`TIMFaceElem`) for `sendMessage`.
   * @param {FaceMessageOptions} options
   * @returns {FaceMessage}
   */
  createFaceMessage(options) {
    return this._c.messages.createFace(options);
  }

  /**
   * Sends a message made by `createTextMessage`, `createTextAtMessage`,
   * `createCustomMessage` or `createFaceMessage`. Resolves when the server acknowledged it:
   * the message then has its `sequence` and `time`; a live room's message also its
   * `dropReason` (`MsgFreqCtrl` when the room's frequency control dropped it), a one-to-one
   * message its `messageKey`. A send cut off by a lost connection is repeated after the
   * reconnect; the server de-duplicates it.
   * @param {Message} message
   * @param {SendOptions & GroupSendOptions} [options] one-to-one messages and groups that keep their messages: `onlineUserOnly`, `messageControlInfo.excludedFromUnreadCount`; groups also `messageControlInfo.excludedFromLastMessage`
   * @returns {Promise<Response<{message: Message}>>}
   */
  sendMessage(message, options) {
    return this._c.messages.send(message, options);
  }

  // -------------------------------------------------------------------------------------
  // Conversations: one to one, and groups that keep their messages
  // -------------------------------------------------------------------------------------

  /**
   * The conversation list (one to one, and the groups that keep their messages), read from
   * the server (every page), pinned first, then the newest first. CONVERSATION_LIST_UPDATED
   * follows it as it changes.
   * @returns {Promise<Response<{conversationList: Conversation[]}>>}
   */
  getConversationList() {
    this._c.sync.activate();
    return this._c.conversations.getList();
  }

  /**
   * A page of a conversation's history (one to one, a group's, or a topic's:
   * `GROUP<topicID>`), oldest first: the newest messages, or those before the page that gave
   * `nextReqMessageID`.
   * @param {{conversationID: string, nextReqMessageID?: string, count?: number}} options count 1–100 (default 15)
   * @returns {Promise<Response<{messageList: Message[], nextReqMessageID: string, isCompleted: boolean}>>}
   */
  getMessageList(options) {
    if (options !== null && typeof options === 'object' && isGroupConversation(options.conversationID))
      return this._c.groupChat.history(options);
    return this._c.c2c.history(options);
  }

  /**
   * Marks every message of a conversation read (a topic's: `GROUP<topicID>`): its unread
   * count goes to 0 on every device of this user; one to one, the other user gets
   * MESSAGE_READ_BY_PEER.
   * @param {{conversationID: string}} options
   * @returns {Promise<Response<{conversationID: string, readSequence: number, unreadCount: number}>>}
   */
  setMessageRead(options) {
    this._c.sync.activate();
    return this._c.conversations.setRead(options);
  }

  /**
   * Recalls a message: one's own one-to-one message (within the app's recall window, 120 s
   * by default; 20016 after it), both users' devices get MESSAGE_REVOKED; a group's message,
   * one's own within the window or (owners and admins) any, every member's devices get
   * MESSAGE_REVOKED (a live room's: MESSAGE_RECALLED).
   * @param {Message} message a sent or received message
   * @returns {Promise<Response<{message: Message}>>}
   */
  revokeMessage(message) {
    this._c.sync.activate();
    if (message !== null && typeof message === 'object' && message.conversationType === TYPES.CONV_GROUP)
      return this._c.groupChat.revoke(message);
    return this._c.c2c.revoke(message);
  }

  /**
   * Edits one's own message, one to one or in a group that keeps its messages (or a topic):
   * change its `payload` (text, custom and face messages) or `cloudCustomData`, then call
   * this. Both users' devices (a group's members') get MESSAGE_MODIFIED.
   * @param {Message} message a sent message
   * @returns {Promise<Response<{message: Message}>>}
   */
  modifyMessage(message) {
    this._c.sync.activate();
    if (message !== null && typeof message === 'object' && message.conversationType === TYPES.CONV_GROUP)
      return this._c.groupChat.modify(message);
    return this._c.c2c.modify(message);
  }

  /**
   * Takes conversations off the list (until their next message; on every device of the
   * user) and marks them read. With `clearHistoryMessage` (the default) their history so far
   * goes too, for this user only.
   * @param {string | {conversationIDList: string[], clearHistoryMessage?: boolean}} options a conversationID, or a list
   * @returns {Promise<Response<{conversationIDList: string[]}>>}
   */
  deleteConversation(options) {
    this._c.sync.activate();
    return this._c.conversations.remove(options);
  }

  /**
   * Pins a conversation to the top of the list, or unpins it: one to one (on every device of
   * the user), or a group's.
   * @param {{conversationID: string, isPinned: boolean}} options
   * @returns {Promise<Response<{conversationID: string}>>}
   */
  pinConversation(options) {
    this._c.sync.activate();
    return this._c.conversations.pin(options);
  }

  /**
   * Tells the other user of a conversation that this user is typing: their devices get
   * TYPING_STATUS_UPDATED for a few seconds. Call it while the user types, at most every
   * second or two: beyond the app's `typing_per_sec` (2) the server passes nothing on
   * (`sent: false`).
   * @param {{conversationID: string}} options
   * @returns {Promise<Response<{sent: boolean}>>}
   */
  sendTypingStatus(options) {
    return this._c.c2c.sendTyping(options);
  }

  /**
   * Unread messages over every conversation (one to one and groups), as this client knows
   * them (the conversation list read, and what happened since).
   * @returns {number}
   */
  getTotalUnreadMessageCount() {
    this._c.sync.activate();
    return this._c.conversations.total();
  }

  // -------------------------------------------------------------------------------------
  // Profiles
  // -------------------------------------------------------------------------------------

  /**
   * Users' profiles (at most 100 a request; the SDK sends as many as it takes). Accounts
   * that do not exist are left out.
   * @param {{userIDList: string[]}} options
   * @returns {Promise<Response<Profile[]>>}
   */
  getUserProfile(options) {
    return this._c.profiles.get(options);
  }

  /**
   * Changes this user's profile: the fields given, all or none (the server checks each
   * value: 40xxx codes). This user's devices, friends and recent conversation peers get
   * PROFILE_UPDATED. Resolves with the profile as it is now.
   * @param {ProfileChanges} changes
   * @returns {Promise<Response<Profile>>}
   */
  updateMyProfile(changes) {
    return this._c.profiles.updateMine(changes);
  }

  // -------------------------------------------------------------------------------------
  // Friends and the blocklist
  // -------------------------------------------------------------------------------------

  /**
   * Adds a friend, or asks: when the other user confirms requests (its `allowType`, the
   * default), it gets FRIEND_APPLICATION_LIST_UPDATED and `isPending` is true (`code`
   * 30539). Refusals: 30515 on this user's blocklist, 30525 this user is on theirs, 30516 the
   * other accepts no requests.
   * @param {AddFriendOptions} options
   * @returns {Promise<Response<{userID: string, code: number, message: string, isPending: boolean}>>}
   */
  addFriend(options) {
    return this._c.friends.add(options);
  }

  /**
   * Accepts a friend request sent to this user: both become friends (30614 when there is no
   * such request).
   * @param {{userID: string, remark?: string}} options userID: who asked; remark: what this user will call them
   * @returns {Promise<Response<{userID: string}>>}
   */
  acceptFriendApplication(options) {
    return this._c.friends.answer(options, true);
  }

  /**
   * Declines a friend request sent to this user.
   * @param {{userID: string}} options userID: who asked
   * @returns {Promise<Response<{userID: string}>>}
   */
  refuseFriendApplication(options) {
    return this._c.friends.answer(options, false);
  }

  /**
   * The friend requests waiting for an answer: sent to this user
   * (`TYPES.SNS_APPLICATION_SENT_TO_ME`) and by it (`TYPES.SNS_APPLICATION_SENT_BY_ME`).
   * @returns {Promise<Response<{friendApplicationList: FriendApplication[]}>>}
   */
  getFriendApplicationList() {
    return this._c.friends.applications();
  }

  /**
   * Deletes friends: from both lists (the default), or with `TYPES.SNS_DELETE_TYPE_SINGLE`
   * from this user's only. A user who is not a friend is in `failureUserIDList` (31704).
   * @param {{userIDList: string[], type?: string}} options
   * @returns {Promise<Response<{successUserIDList: Array<{userID: string}>, failureUserIDList: Array<{userID: string, code: number, message: string}>}>>}
   */
  deleteFriend(options) {
    return this._c.friends.remove(options);
  }

  /**
   * The friend list (every page), each friend with its profile.
   * @returns {Promise<Response<Friend[]>>}
   */
  getFriendList() {
    return this._c.friends.list();
  }

  /**
   * Blocks users: their messages to this user are refused (20007), friend requests either
   * way too, and friendships with them end.
   * @param {{userIDList: string[]}} options
   * @returns {Promise<Response<string[]>>} the users named
   */
  addToBlacklist(options) {
    return this._c.blocklist.change(options, true);
  }

  /**
   * Unblocks users.
   * @param {{userIDList: string[]}} options
   * @returns {Promise<Response<string[]>>} the users named
   */
  removeFromBlacklist(options) {
    return this._c.blocklist.change(options, false);
  }

  /**
   * The users on this user's blocklist.
   * @returns {Promise<Response<string[]>>}
   */
  getBlacklist() {
    return this._c.blocklist.get();
  }

  // -------------------------------------------------------------------------------------
  // User status
  // -------------------------------------------------------------------------------------

  /**
   * Follows users' status (at most 200 on a connection: 90011). USER_STATUS_UPDATED
   * follows at once with their status now, then whenever it changes. Subscriptions last
   * for the session: after a reconnect the SDK subscribes again and announces what changed
   * meanwhile.
   * @param {{userIDList: string[]}} options
   * @returns {Promise<Response<{failureUserList: Array<{userID: string, code: number, message: string}>}>>}
   */
  subscribeUserStatus(options) {
    return this._c.status.subscribe(options);
  }

  /**
   * Stops following users' status; without `userIDList`, everyone's.
   * @param {{userIDList?: string[]}} [options]
   * @returns {Promise<Response<{failureUserList: Array<{userID: string, code: number, message: string}>}>>}
   */
  unsubscribeUserStatus(options) {
    return this._c.status.unsubscribe(options);
  }

  /**
   * Users' status now; without `userIDList`, this user's own.
   * @param {{userIDList?: string[]}} [options]
   * @returns {Promise<Response<{successUserList: UserStatus[], failureUserList: Array<{userID: string, code: number, message: string}>}>>}
   */
  getUserStatus(options) {
    return this._c.status.get(options);
  }

  /**
   * Sets this user's custom status ("" clears it; at most 100 bytes); those following the
   * user get USER_STATUS_UPDATED. It lasts while the user has a device online; the SDK sets
   * it again after a reconnect that lost it.
   * @param {{customStatus: string}} options
   * @returns {Promise<Response<{userID: string, statusType: number, customStatus: string}>>}
   */
  setSelfStatus(options) {
    return this._c.status.setSelf(options);
  }
}

// src/index.js
// The SDK's public surface: `create`, `Chat`, the constants and `LiveRoomError`, one by one
// and as the default export `LiveRoom`.


/**
 * Creates a chat instance.
 * @param {CreateOptions} options
 * @returns {Chat}
 */
function create(options) {
  return new Chat(options);
}

/** The SDK as one object: `LiveRoom.create(...)`, `LiveRoom.EVENT`, `LiveRoom.TYPES`, ... */
const LiveRoom = Object.freeze({ create, TYPES, EVENT, ERROR_CODE, LOG_LEVEL, LiveRoomError, VERSION });

export { Chat, ERROR_CODE, EVENT, LOG_LEVEL, LiveRoomError, TYPES, VERSION, create, LiveRoom as default };
