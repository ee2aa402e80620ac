// Messages of the groups that keep their messages on the wire (a `message` or `tip` push, an
// entry of a history page, a conversation's last message) as a `Message`, the mentions they
// carry, and the conversation IDs that name a group or a community's topic.
//
// A topic is a thread of its own inside a community: its ID is `<groupID>@TOPIC#_<suffix>`,
// its conversation `GROUP<topicID>` (as the reference names them), and its messages are
// sent `to` the topic ID. On the wire they name the community (`GroupId`) and the topic
// (`TopicId`).

/** @import { Message } from './message.js' */
import { TYPES } from './constants.js';
import { invalid } from './errors.js';
import { Fields } from './fields.js';
import { decodeBody, decodeElemPush, decodeMessage, decodePayload, roomFields } from './message.js';

/** What joins a community's ID and a suffix into a topic's ID. */
export const TOPIC_INFIX = '@TOPIC#_';

/**
 * Whether an ID names a community's topic (`<groupID>@TOPIC#_<suffix>`).
 * @param {unknown} id
 * @returns {id is string}
 */
export function isTopicID(id) {
  if (typeof id !== 'string') return false;
  const at = id.indexOf(TOPIC_INFIX);
  return at > 0 && at + TOPIC_INFIX.length < id.length;
}

/**
 * The group a thread belongs to: the community of a topic, else the group itself.
 * @param {string} id a group ID or a topic ID
 */
export function groupOfThread(id) {
  return isTopicID(id) ? id.slice(0, id.indexOf(TOPIC_INFIX)) : id;
}

/**
 * How a request names a thread: `GroupId`, and `TopicId` for a topic.
 * @param {string} id a group ID or a topic ID
 * @returns {{GroupId: string, TopicId?: string}}
 */
export function threadFields(id) {
  return isTopicID(id) ? { GroupId: groupOfThread(id), TopicId: id } : { GroupId: id };
}

/**
 * The thread a push or a page entry names: its `TopicId` when it has one, else `GroupId`.
 * @param {Fields} f
 */
export function threadOf(f) {
  const topic = f.optStr('TopicId');
  return topic !== '' ? topic : f.str('GroupId');
}

/**
 * @param {string} groupID a group's ID, or a topic's
 * @returns {string} `GROUP<groupID>`
 */
export function groupConversationID(groupID) {
  return `${TYPES.CONV_GROUP}${groupID}`;
}

/**
 * The group of a group conversation ID; a bad ID throws INVALID_ARGUMENT.
 * @param {unknown} conversationID
 * @returns {string}
 */
export function groupOfConversation(conversationID) {
  const prefix = TYPES.CONV_GROUP;
  if (typeof conversationID !== 'string' || !conversationID.startsWith(prefix) || conversationID.length === prefix.length)
    throw invalid('conversationID must be GROUP<groupID>');
  return conversationID.slice(prefix.length);
}

/**
 * Whether a conversation ID names a group (`GROUP<groupID>`).
 * @param {unknown} conversationID
 */
export function isGroupConversation(conversationID) {
  return typeof conversationID === 'string' && conversationID.startsWith(TYPES.CONV_GROUP);
}

/**
 * `GroupAtInfo` of a send: who the message mentions.
 * @param {string[]} atUserList user IDs, `TYPES.MSG_AT_ALL` for everyone
 * @returns {Array<Record<string, unknown>>}
 */
export function encodeAtInfo(atUserList) {
  return atUserList.map((u) =>
    u === TYPES.MSG_AT_ALL ? { GroupAtAllFlag: 1 } : { GroupAtAllFlag: 0, GroupAt_Account: u },
  );
}

/**
 * The mentions of a stored message, as `atUserList`.
 * @param {Fields} f
 * @returns {string[]}
 */
export function decodeAtInfo(f) {
  return f.optArr('GroupAtInfo').map((raw, i) => {
    const at = new Fields(raw, `${f.where}.GroupAtInfo[${i}]`);
    return at.optNum('GroupAtAllFlag') === 1 ? TYPES.MSG_AT_ALL : at.str('GroupAt_Account');
  });
}

/**
 * A group message as the one who reads it sees it: its own, or someone else's.
 * @param {Message} m
 * @param {string} me
 */
function seenBy(m, me) {
  m.flow = m.from === me && me !== '' ? 'out' : 'in';
  return m;
}

/**
 * A `message` push of a group that keeps its messages.
 * @param {Fields} f
 * @param {string} me the logged-in user
 * @returns {Message}
 */
export function decodeGroupPush(f, me) {
  const m = decodeMessage(f);
  const thread = threadOf(f);
  m.to = thread;
  m.conversationID = groupConversationID(thread);
  m.atUserList = decodeAtInfo(f);
  m.needReadReceipt = f.optBool('NeedReadReceipt');
  m.isModified = f.optBool('Edited');
  m.isRevoked = f.optBool('Recalled');
  return seenBy(m, me);
}

/**
 * A stored tip as a message: a `tip` push with its `MsgSeq`, or an entry of a history page
 * (`System`). Its ID is the same on every device and in every page.
 * @param {Fields} f
 * @param {number} serial distinguishes tips that are not stored
 * @returns {{message: Message, content: Fields}}
 */
export function decodeGroupTip(f, serial) {
  const tip = decodeElemPush(f, TYPES.MSG_GRP_TIP, serial);
  const seq = f.optNum('MsgSeq');
  if (seq > 0) {
    tip.message.sequence = seq;
    tip.message.ID = `tip-${tip.message.to}-${seq}`;
  }
  return tip;
}

/**
 * An entry of `get_group_messages` (or a conversation's last message): a message or a
 * stored tip.
 * @param {Fields} f
 * @param {string} me the logged-in user
 * @param {string} [thread] the topic the page was asked for (its entries do not say)
 * @returns {Message}
 */
export function decodeGroupRecord(f, me, thread) {
  const body = f.arr('MsgBody');
  const first = body[0];
  // A tip the server stored (`System`); a recalled one is a placeholder like any message.
  if (first !== undefined && new Fields(first, `${f.where}.MsgBody[0]`).optStr('MsgType') === TYPES.MSG_GRP_TIP) {
    return decodeGroupTip(f, 0).message;
  }
  const groupID = f.has('TopicId') ? threadOf(f) : thread !== undefined && isTopicID(thread) ? thread : f.str('GroupId');
  const from = f.str('From_Account');
  const random = f.optNum('MsgRandom');
  // The history keeps a recalled message as a placeholder with an empty body (a
  // conversation's last message says so by its body alone: no message is sent empty).
  const isRevoked = f.optBool('Recalled') || body.length === 0;
  const elements = isRevoked && body.length === 0 ? [] : decodeBody(body, f.where);
  const el = elements[0];
  const priority = f.optStr('MsgPriority', 'Normal');
  return seenBy(
    /** @type {Message} */ ({
      ID: `${from}-${random}`,
      type: el ? el.type : TYPES.MSG_TEXT,
      payload: el ? decodePayload(el, `${f.where}.MsgBody[0]`) : { text: '' },
      elements,
      to: groupID,
      from,
      nick: f.optStr('NickName'),
      avatar: f.optStr('Avatar'),
      level: f.optNum('Level'),
      sequence: f.num('MsgSeq'),
      time: f.num('MsgTime'),
      random,
      priority: priority === 'High' || priority === 'Low' || priority === 'Lowest' ? priority : 'Normal',
      cloudCustomData: f.optStr('CloudCustomData'),
      isHistory: false,
      flow: 'in',
      status: 'success',
      dropReason: '',
      ...roomFields(groupID),
      isRevoked,
      isModified: f.optBool('Edited'),
      atUserList: decodeAtInfo(f),
    }),
    me,
  );
}
