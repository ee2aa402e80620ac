// The conversation list, one to one and in groups that keep their messages: read from the
// server (every page of its cursor), kept up to date by messages, read reports, recalls and
// edits, by the calls that change it (read, pin, delete) and by the same changes made on
// the user's other devices. Announces CONVERSATION_LIST_UPDATED,
// TOTAL_UNREAD_MESSAGE_COUNT_UPDATED and MESSAGE_READ_BY_PEER.

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
import { groupConversationID, groupOfConversation, isGroupConversation, isTopicID } from './group-message.js';
import { noteMention } from './topics.js';
import { compareConversations, copyConversation, decodeConversation, emptyConversation } from './conversation.js';

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

export class Conversations {
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
