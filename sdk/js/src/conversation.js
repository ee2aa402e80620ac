// What a conversation is as this client knows it (one to one, or a group that keeps its
// messages), how a `get_conversations` entry reads, and the order of the list.

/** @import { ConversationType, GroupType, MessageRemindType } from './constants.js' */
/** @import { Message } from './message.js' */
/** @import { GroupAtInfo } from './topics.js' */
import { TYPES } from './constants.js';
import { Fields } from './fields.js';
import { c2cConversationID, decodeC2CMessage } from './c2c-message.js';
import { decodeGroupRecord, groupConversationID } from './group-message.js';

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
export function emptyConversation(type, id) {
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
export function decodeConversation(f, me) {
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
export function compareConversations(a, b, tie = 0) {
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
export function copyConversation(c) {
  return {
    ...c,
    groupProfile: c.groupProfile ? { ...c.groupProfile } : null,
    lastMessage: c.lastMessage ? { ...c.lastMessage } : null,
    groupAtInfoList: c.groupAtInfoList.map((a) => ({ ...a, atTypeArray: a.atTypeArray.slice() })),
  };
}
