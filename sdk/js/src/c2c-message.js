// One-to-one messages on the wire (a `c2c` push, an entry of a history page, a
// `c2c_modified` push) as a `Message`, and the conversation IDs that name the other user.

/** @import { Fields } from './fields.js' */
/** @import { Message, MessageElement } from './message.js' */
import { TYPES } from './constants.js';
import { invalid } from './errors.js';
import { decodeBody, decodePayload } from './message.js';

/**
 * @param {string} userID the other user
 * @returns {string} `C2C<userID>`
 */
export function c2cConversationID(userID) {
  return `${TYPES.CONV_C2C}${userID}`;
}

/**
 * The other user of a one-to-one conversation ID; a bad ID throws INVALID_ARGUMENT.
 * @param {unknown} conversationID
 * @returns {string}
 */
export function peerOfConversation(conversationID) {
  const prefix = TYPES.CONV_C2C;
  if (typeof conversationID !== 'string' || !conversationID.startsWith(prefix) || conversationID.length === prefix.length)
    throw invalid('conversationID must be C2C<userID>');
  return conversationID.slice(prefix.length);
}

/**
 * The other user of a one-to-one message, seen by `me`.
 * @param {{from: string, to: string}} m
 * @param {string} me
 */
export function peerOfMessage(m, me) {
  return m.from === me ? m.to : m.from;
}

/**
 * The body elements a one-to-one message's payload stands for: what `modifyMessage` sends
 * after the application changed `payload` (text, custom and face messages), else the
 * elements as they are.
 * @param {Message} m
 * @returns {MessageElement[]}
 */
export function elementsOfPayload(m) {
  const rest = m.elements.slice(1);
  switch (m.type) {
    case TYPES.MSG_TEXT:
      return [{ type: m.type, content: { Text: m.payload.text } }, ...rest];
    case TYPES.MSG_CUSTOM: {
      /** @type {Record<string, unknown>} */
      const content = { Data: m.payload.data };
      if (m.payload.description) content.Desc = m.payload.description;
      if (m.payload.extension) content.Ext = m.payload.extension;
      return [{ type: m.type, content }, ...rest];
    }
    case TYPES.MSG_FACE: {
      /** @type {Record<string, unknown>} */
      const content = { Index: m.payload.index };
      if (m.payload.data) content.Data = m.payload.data;
      return [{ type: m.type, content }, ...rest];
    }
    default:
      return m.elements.slice();
  }
}

/**
 * @param {Fields} f a `c2c` or `c2c_modified` push, or an entry of `Messages`
 * @param {string} me the logged-in user
 * @returns {Message}
 */
export function decodeC2CMessage(f, me) {
  const from = f.str('From_Account');
  const to = f.str('To_Account');
  const isRevoked = f.optBool('Recalled');
  const body = f.arr('MsgBody');
  // The history keeps a recalled message as a placeholder with an empty body.
  const elements = isRevoked && body.length === 0 ? [] : decodeBody(body, f.where);
  const first = elements[0];
  const clientSequence = f.optNum('MsgSeq');
  const random = f.optNum('MsgRandom');
  return /** @type {Message} */ ({
    ID: `${from}-${clientSequence}-${random}`,
    type: first ? first.type : TYPES.MSG_TEXT,
    payload: first ? decodePayload(first, `${f.where}.MsgBody[0]`) : { text: '' },
    elements,
    to,
    from,
    nick: f.optStr('NickName'),
    avatar: f.optStr('Avatar'),
    level: 0,
    sequence: f.num('Seq'),
    time: f.num('MsgTime'),
    random,
    priority: 'Normal',
    cloudCustomData: f.optStr('CloudCustomData'),
    isHistory: false,
    flow: from === me ? 'out' : 'in',
    status: 'success',
    dropReason: '',
    conversationType: TYPES.CONV_C2C,
    conversationID: c2cConversationID(peerOfMessage({ from, to }, me)),
    messageKey: f.str('MsgKey'),
    clientSequence,
    isRevoked,
    isModified: f.optBool('Edited'),
    isPeerRead: false,
    needReadReceipt: f.optBool('NeedReadReceipt'),
    onlineOnly: f.optBool('OnlineOnly'),
    atUserList: [],
    isSupportExtension: false,
  });
}
