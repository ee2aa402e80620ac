// `Chat`, the SDK's instance: every call an application makes, each handed to the part of the
// client that does it (client.js). The live-room calls are in chat-live.js, those of groups
// that keep their members in chat-groups.js, those of communities' topics and of reactions,
// extensions and read receipts in chat-community.js; `Chat` extends them.

/** @import { CreateOptions } from './options.js' */
/** @import { NetState } from './constants.js' */
/** @import { EventHandler, EventName } from './events.js' */
/** @import { CustomMessage, FaceMessage, Message, TextMessage } from './message.js' */
/** @import { CustomMessageOptions, FaceMessageOptions, TextMessageOptions } from './messages.js' */
/** @import { SendOptions } from './c2c.js' */
/** @import { GroupSendOptions } from './group-chat.js' */
/** @import { Conversation } from './conversation.js' */
/** @import { AddFriendOptions, Friend, FriendApplication } from './friends.js' */
/** @import { Profile, ProfileChanges } from './profiles.js' */
/** @import { UserStatus } from './status.js' */
/** @import { JoinResult } from './room.js' */
/** @import { LoginData, LoginOptions, Response } from './session.js' */
import { requireID } from './checks.js';
import { EVENT, TYPES } from './constants.js';
import { clientOf } from './chat-base.js';
import { CommunityCalls } from './chat-community.js';
import { isGroupConversation } from './group-message.js';

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
export class Chat extends CommunityCalls {
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
