// One-to-one messages: sending (acknowledged, and again after a reconnect), history pages,
// recall, edit and typing notices, and the pushes about them (`c2c`, `c2c_recalled`,
// `c2c_modified`, `typing`). Delivery order and catching up are chat-sync.js's.

/** @import { Client } from './client.js' */
/** @import { LiveRoomError } from './errors.js' */
/** @import { Message } from './message.js' */
/** @import { Response } from './session.js' */
import { isObject } from './checks.js';
import { EVENT, TYPES } from './constants.js';
import { invalid } from './errors.js';
import { Fields } from './fields.js';
import { decodeOrThrow } from './requests.js';
import {
  c2cConversationID,
  decodeC2CMessage,
  elementsOfPayload,
  peerOfConversation,
  peerOfMessage,
} from './c2c-message.js';

/**
 * Options of `sendMessage` for a one-to-one message (the reference's names).
 * @typedef {Object} SendOptions
 * @property {boolean} [onlineUserOnly] deliver to the receiver's online devices only; never stored (`sequence` 0)
 * @property {{excludedFromUnreadCount?: boolean}} [messageControlInfo] excludedFromUnreadCount: the receiver's unread count does not grow
 */

/** Default and largest `count` of `getMessageList`. */
const HISTORY_PAGE = 15;
const HISTORY_PAGE_MAX = 100;

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

export class C2C {
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
    const count = options.count === undefined ? HISTORY_PAGE : options.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > HISTORY_PAGE_MAX)
      throw invalid(`count must be 1 to ${HISTORY_PAGE_MAX}`);
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
