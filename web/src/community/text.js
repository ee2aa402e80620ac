// How messages read on the community page: their text with mentions picked out, replies
// (the quoted message in `cloudCustomData`, as the reference's `messageReply` puts it),
// initials and unread counts.
import LiveRoom from '../../../sdk/js/liveroom.js';
import { h } from '../shared/dom.js';
import { messageText } from '../chat/text.js';

/** @typedef {import('../../../sdk/js/liveroom.js').Message} Message */

const { TYPES } = LiveRoom;

/** How a mention of everyone reads in a message's text. */
export const AT_ALL_TEXT = 'all';

/**
 * What a reply carries of the message it quotes.
 * @typedef {Object} Quote
 * @property {string} messageID
 * @property {string} messageAbstract the quoted text, shortened
 * @property {string} messageSender the quoted message's sender
 * @property {number} messageSequence its sequence in the conversation
 */

/** Characters of a quoted message kept in a reply. */
const ABSTRACT_MAX = 120;

/**
 * The `cloudCustomData` of a reply to `m`.
 * @param {Message} m
 */
export function replyData(m) {
  const text = messageText(m);
  return JSON.stringify({
    messageReply: {
      messageID: m.ID,
      messageAbstract: text.length > ABSTRACT_MAX ? `${text.slice(0, ABSTRACT_MAX - 1)}…` : text,
      messageSender: m.from,
      messageSequence: m.sequence,
      messageType: 1,
      version: 1,
    },
  });
}

/**
 * The message a reply quotes, when its `cloudCustomData` says.
 * @param {Message} m
 * @returns {Quote|null}
 */
export function quoteOf(m) {
  if (!m.cloudCustomData) return null;
  try {
    const reply = JSON.parse(m.cloudCustomData).messageReply;
    if (!reply || typeof reply !== 'object') return null;
    return {
      messageID: String(reply.messageID || ''),
      messageAbstract: String(reply.messageAbstract || ''),
      messageSender: String(reply.messageSender || ''),
      messageSequence: Number(reply.messageSequence) || 0,
    };
  } catch {
    return null;
  }
}

/**
 * Whether a message mentions `me` (by name, or everyone).
 * @param {Message} m
 * @param {string} me
 */
export function mentionsMe(m, me) {
  return m.from !== me && (m.atUserList.includes(me) || m.atUserList.includes(TYPES.MSG_AT_ALL));
}

/**
 * A message's text with its mentions (`@userID`, `@all`) as highlighted names.
 * @param {Message} m
 * @param {string} me
 * @param {(userID: string) => string} nick
 * @returns {Array<Node|string>}
 */
export function richText(m, me, nick) {
  const text = messageText(m);
  if (m.isRevoked || m.atUserList.length === 0) return [text];
  const names = m.atUserList.map((u) => (u === TYPES.MSG_AT_ALL ? AT_ALL_TEXT : u));
  // Longest first, so `@ann` does not take the start of `@anna`.
  const pattern = new RegExp(`@(${names.map(escape).sort((a, b) => b.length - a.length).join('|')})(?![\\w.@-])`, 'g');
  /** @type {Array<Node|string>} */
  const out = [];
  let at = 0;
  for (const found of text.matchAll(pattern)) {
    const index = found.index ?? 0;
    if (index > at) out.push(text.slice(at, index));
    const who = found[1];
    const all = who === AT_ALL_TEXT && m.atUserList.includes(TYPES.MSG_AT_ALL);
    out.push(h('span', {
      class: `cm-mention${all || who === me ? ' is-me' : ''}`,
      'data-community': 'mention',
      title: all ? 'Everyone' : who,
      text: all ? '@everyone' : `@${nick(who)}`,
    }));
    at = index + found[0].length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** @param {string} s */
function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A name's initials for an avatar.
 * @param {string} name
 */
export function initials(name) {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = Array.from(words[0])[0] || '';
  const second = words.length > 1 ? Array.from(words[1])[0] || '' : Array.from(words[0])[1] || '';
  return (first + second).toUpperCase();
}

/**
 * An unread count as a badge shows it.
 * @param {number} n
 */
export function count(n) {
  return n > 99 ? '99+' : String(n);
}
