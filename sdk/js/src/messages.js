// Sending and receiving messages: creating them, sending with acknowledgement (and again
// after a reconnect), and dropping repeats of live rooms' messages already delivered.

/** @import { Client } from './client.js' */
/** @import { ConversationType, Priority } from './constants.js' */
/** @import { LiveRoomError } from './errors.js' */
/** @import { Fields } from './fields.js' */
/** @import { CustomMessage, CustomPayload, FaceMessage, FacePayload, Message, MessageElement, TextMessage, TextPayload } from './message.js' */
/** @import { SendOptions } from './c2c.js' */
/** @import { GroupSendOptions } from './group-chat.js' */
/** @import { Response } from './session.js' */
import { isObject, optionalString, requireID, requireIDList } from './checks.js';
import { PRIORITIES, TYPES } from './constants.js';
import { invalid } from './errors.js';
import { roomFields } from './message.js';
import { decodeOrThrow } from './requests.js';

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
export function randomUint32() {
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

export class Messages {
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
