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

/** @import { Client } from './client.js' */
/** @import { Message } from './message.js' */
/** @import { Response } from './session.js' */
import { isObject, requireID } from './checks.js';
import { EVENT, TYPES } from './constants.js';
import { invalid } from './errors.js';
import { Fields } from './fields.js';
import { chunks, decodeOrThrow } from './requests.js';
import { groupConversationID, isGroupConversation, isTopicID, threadFields, threadOf } from './group-message.js';

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

export class MessageFeatures {
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
    const before = kinds.get(reactionID) || { count: 0, users: [], mine: false };
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
