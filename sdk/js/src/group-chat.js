// Messages of the groups that keep them and of communities' topics: the pushes (`message`,
// stored `tip`, `recalled`, `message_modified`) handed over in each thread's order (a group's,
// or a topic's), sends to these threads and their options, history pages, recall and edits.
// Delivery order and catching up are chat-sync.js's (its `groups` threads, keyed by group or
// topic ID); tips that concern the user and the group are applied as they are delivered.

/** @import { Client } from './client.js' */
/** @import { Message } from './message.js' */
/** @import { Response } from './session.js' */
import { isObject } from './checks.js';
import { ERROR_CODE, EVENT, TYPES } from './constants.js';
import { invalid } from './errors.js';
import { Fields } from './fields.js';
import { decodeOrThrow } from './requests.js';
import { elementsOfPayload } from './c2c-message.js';
import {
  decodeGroupPush,
  decodeGroupRecord,
  decodeGroupTip,
  encodeAtInfo,
  groupConversationID,
  groupOfConversation,
  groupOfThread,
  isTopicID,
  threadFields,
  threadOf,
} from './group-message.js';

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

export class GroupChat {
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
