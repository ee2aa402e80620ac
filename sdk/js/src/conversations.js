// The one-to-one conversation list: read from the server (every page of its cursor), kept
// up to date by messages, read reports, recalls and edits, by the calls that change it
// (read, pin, delete) and by the same changes made on the user's other devices. Announces
// CONVERSATION_LIST_UPDATED, TOTAL_UNREAD_MESSAGE_COUNT_UPDATED and MESSAGE_READ_BY_PEER.

/** @import { Client } from './client.js' */
/** @import { Conversation } from './conversation.js' */
/** @import { Message } from './message.js' */
/** @import { Response } from './session.js' */
import { isObject } from './checks.js';
import { EVENT, TYPES } from './constants.js';
import { invalid } from './errors.js';
import { Fields } from './fields.js';
import { decodeOrThrow } from './requests.js';
import { c2cConversationID, peerOfConversation, peerOfMessage } from './c2c-message.js';
import { compareConversations, copyConversation, decodeConversation } from './conversation.js';

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

export class Conversations {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private @type {Map<string, {c: Conversation, stamp: number}>} by the other user's ID */
    this.entries = new Map();
    /** @private counts local changes, so a list read does not undo newer ones */
    this.stamp = 0;
    /** @private @type {ReturnType<typeof setTimeout> | null} */
    this.emitTimer = null;
    /** @private the total last announced */
    this.announcedTotal = 0;
  }

  /**
   * Reads the whole list from the server (page after page) and takes it in. Resolves with
   * the server's entries as read, for catching up.
   * @returns {Promise<Conversation[]>}
   */
  async load() {
    const { requests, session } = this.client;
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
    if (session.epoch === epoch) this.merge(found, since);
    return found;
  }

  /**
   * Takes in a list read from the server. An entry changed here since the read began, by a
   * push that came before the answer, already has what the read saw (pushes and replies
   * share one ordered stream): it keeps its message and counts unless the read found a newer
   * message.
   * @private
   * @param {Conversation[]} found
   * @param {number} since the stamp when the read began
   */
  merge(found, since) {
    /** @type {Set<string>} */
    const listed = new Set();
    for (const c of found) {
      if (listed.has(c.userID)) continue; // moved between two pages
      listed.add(c.userID);
      const local = this.entries.get(c.userID);
      if (local && local.stamp > since && local.c.lastSequence >= c.lastSequence) {
        local.c.isPinned = c.isPinned;
        local.c.marks = c.marks;
        local.c.peerReadSequence = Math.max(local.c.peerReadSequence, c.peerReadSequence);
        continue;
      }
      if (local) c.peerReadSequence = Math.max(local.c.peerReadSequence, c.peerReadSequence);
      this.entries.set(c.userID, { c, stamp: since });
    }
    for (const [userID, e] of Array.from(this.entries)) {
      if (!listed.has(userID) && e.stamp <= since) this.entries.delete(userID);
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
    const userID = peerOfConversation(isObject(options) ? options.conversationID : undefined);
    const reply = await this.client.requests.request({ op: 'read_c2c', Peer_Account: userID });
    const read = decodeOrThrow(() => ({ seq: reply.num('Seq'), unread: reply.num('Unread') }));
    this.update(userID, false, (c) => {
      c.readSequence = read.seq;
      c.unreadCount = read.unread;
    });
    return { code: 0, data: { conversationID: c2cConversationID(userID), readSequence: read.seq, unreadCount: read.unread } };
  }

  /**
   * `Chat#pinConversation`
   * @param {{conversationID: string, isPinned: boolean}} options
   * @returns {Promise<Response<{conversationID: string}>>}
   */
  async pin(options) {
    if (!isObject(options) || typeof options.isPinned !== 'boolean')
      throw invalid('pinConversation needs {conversationID, isPinned}');
    const userID = peerOfConversation(options.conversationID);
    const pinned = options.isPinned;
    await this.client.requests.request({ op: 'pin_conversation', Peer_Account: userID, Pinned: pinned });
    this.update(userID, false, (c) => {
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
    const userIDs = list.map((id) => peerOfConversation(id));
    for (const userID of userIDs) {
      await this.client.requests.request({ op: 'delete_conversation', Peer_Account: userID, ClearHistory: clear });
      this.drop(userID);
    }
    return { code: 0, data: { conversationIDList: userIDs.map(c2cConversationID) } };
  }

  /**
   * A delivered (or acknowledged) message: the newest one of its conversation, which comes
   * back on the list if it was deleted.
   * @param {Message} message
   * @param {number} [unread] the conversation's unread count with it (pushes to the receiver)
   */
  noteMessage(message, unread) {
    if (message.sequence === 0) return; // online only: never on the list
    const userID = peerOfMessage(message, this.client.session.userID());
    this.update(userID, true, (c) => {
      if (message.sequence >= c.lastSequence) {
        c.lastMessage = message;
        c.lastSequence = message.sequence;
        c.lastTime = message.time;
      }
      if (unread !== undefined) c.unreadCount = unread;
    });
  }

  /**
   * A message was recalled.
   * @param {string} userID the other user
   * @param {number} sequence
   * @param {number|undefined} unread the count afterwards (the receiver's side)
   */
  noteRecalled(userID, sequence, unread) {
    this.update(userID, false, (c) => {
      if (c.lastMessage && c.lastMessage.sequence === sequence) c.lastMessage = revokedCopy(c.lastMessage);
      if (unread !== undefined) c.unreadCount = unread;
    });
  }

  /**
   * A message was edited.
   * @param {Message} message as it is now
   */
  noteModified(message) {
    const userID = peerOfMessage(message, this.client.session.userID());
    this.update(userID, false, (c) => {
      if (c.lastMessage && c.lastMessage.sequence === message.sequence) {
        message.isPeerRead = message.flow === 'out' && message.sequence <= c.peerReadSequence;
        c.lastMessage = message;
      }
    });
  }

  /**
   * Sets `isPeerRead` of a message of this user from what the other user has read.
   * @param {Message} message
   */
  markPeerRead(message) {
    if (message.flow !== 'out' || message.sequence === 0) return;
    const e = this.entries.get(peerOfMessage(message, this.client.session.userID()));
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
      this.update(peer, false, (c) => {
        c.readSequence = seq;
        if (unread !== undefined) c.unreadCount = unread;
      });
      if (peer !== me) return;
    }
    this.update(reader, false, (c) => {
      c.peerReadSequence = Math.max(c.peerReadSequence, seq);
      const last = c.lastMessage;
      if (last && last.flow === 'out' && last.sequence <= seq && !last.isPeerRead) c.lastMessage = { ...last, isPeerRead: true };
    });
    this.client.inbox.emitInOrder(EVENT.MESSAGE_READ_BY_PEER, [
      { conversationID: c2cConversationID(reader), userID: reader, sequence: seq },
    ]);
  }

  /**
   * A `c2c_conversation` push: this user pinned, unpinned or deleted a conversation on one
   * of its devices (this one included).
   * @param {Fields} f
   */
  onChanged(f) {
    const userID = f.str('Peer_Account');
    const action = f.str('Action');
    if (action === 'deleted') {
      this.drop(userID);
    } else if (action === 'pinned' || action === 'unpinned') {
      const pinned = action === 'pinned';
      const e = this.entries.get(userID);
      if (e === undefined || e.c.isPinned === pinned) return; // this device's own change
      this.update(userID, false, (c) => {
        c.isPinned = pinned;
      });
    }
  }

  /**
   * Takes a conversation off the list (until its next message).
   * @private
   * @param {string} userID
   */
  drop(userID) {
    if (!this.entries.delete(userID)) return;
    this.stamp += 1;
    this.changed();
  }

  /**
   * Changes a conversation (creating it when `create`) and schedules the announcement.
   * @private
   * @param {string} userID
   * @param {boolean} create
   * @param {(c: Conversation) => void} change
   */
  update(userID, create, change) {
    let e = this.entries.get(userID);
    if (e === undefined) {
      if (!create) return;
      e = {
        c: {
          conversationID: c2cConversationID(userID),
          type: TYPES.CONV_C2C,
          userID,
          unreadCount: 0,
          lastMessage: null,
          lastSequence: 0,
          lastTime: 0,
          readSequence: 0,
          peerReadSequence: 0,
          isPinned: false,
          marks: 0,
        },
        stamp: 0,
      };
      this.entries.set(userID, e);
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
