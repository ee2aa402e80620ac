// What a one-to-one conversation is as this client knows it, how a `get_conversations` entry
// reads, and the order of the list.

/** @import { Message } from './message.js' */
import { TYPES } from './constants.js';
import { Fields } from './fields.js';
import { c2cConversationID, decodeC2CMessage } from './c2c-message.js';

/**
 * One conversation of the logged-in user with another user.
 * @typedef {Object} Conversation
 * @property {string} conversationID `C2C<userID>`
 * @property {'C2C'} type
 * @property {string} userID the other user
 * @property {number} unreadCount the other user's messages this user has not read
 * @property {Message|null} lastMessage the newest message (null when its history was cleared)
 * @property {number} lastSequence the newest message's `sequence`
 * @property {number} lastTime the newest message's time (Unix seconds)
 * @property {number} readSequence this user has read up to this `sequence`
 * @property {number} peerReadSequence the other user has read up to this `sequence` (read receipts)
 * @property {boolean} isPinned pinned conversations come first in the list
 * @property {number} marks the conversation's marks (a bit set the application gives meaning to)
 */

/**
 * An entry of `get_conversations`.
 * @param {Fields} f
 * @param {string} me
 * @returns {Conversation}
 */
export function decodeConversation(f, me) {
  const userID = f.str('Peer_Account');
  const last = f.has('LastMessage') ? decodeC2CMessage(new Fields(f.o.LastMessage, `${f.where}.LastMessage`), me) : null;
  const peerReadSequence = f.optNum('PeerReadSeq');
  if (last && last.flow === 'out') last.isPeerRead = last.sequence <= peerReadSequence;
  return {
    conversationID: c2cConversationID(userID),
    type: TYPES.CONV_C2C,
    userID,
    unreadCount: f.optNum('Unread'),
    lastMessage: last,
    lastSequence: f.optNum('LastSeq'),
    lastTime: f.optNum('LastTime'),
    readSequence: f.optNum('ReadSeq'),
    peerReadSequence,
    isPinned: f.optBool('Pinned'),
    marks: f.optNum('Marks'),
  };
}

/**
 * The list's order, as the server's: pinned first, then the newest first (times are
 * seconds: `tie` orders those of the same second, else the user IDs do).
 * @param {Conversation} a
 * @param {Conversation} b
 * @param {number} [tie] negative when `a` goes first
 */
export function compareConversations(a, b, tie = 0) {
  if (a.isPinned !== b.isPinned) return a.isPinned ? -1 : 1;
  if (a.lastTime !== b.lastTime) return b.lastTime - a.lastTime;
  if (tie !== 0) return tie;
  return a.userID < b.userID ? -1 : a.userID > b.userID ? 1 : 0;
}

/**
 * A copy for the application: changing it changes nothing in the SDK.
 * @param {Conversation} c
 * @returns {Conversation}
 */
export function copyConversation(c) {
  return { ...c, lastMessage: c.lastMessage ? { ...c.lastMessage } : null };
}
