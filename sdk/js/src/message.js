// What a message is — messages, tips and system notices alike — and how pushed frames
// become one.

/** @import { ConversationType, MessageStatus, Priority } from './constants.js' */
import { PRIORITIES, TYPES } from './constants.js';
import { FrameError } from './errors.js';
import { Fields } from './fields.js';

/**
 * @typedef {Object} MessageElement
 * @property {string} type the protocol's `MsgType`
 * @property {Record<string, unknown>} content the protocol's `MsgContent`
 */

/**
 * @typedef {Object} TextPayload
 * @property {string} text
 */

/**
 * @typedef {Object} CustomPayload
 * @property {string} data
 * @property {string} description
 * @property {string} extension
 */

/**
 * @typedef {Object} FacePayload
 * @property {number} index
 * @property {string} data
 */

/**
 * @typedef {Object} TipMember
 * @property {string} userID
 * @property {string} [nick] join tips
 * @property {number} [muteTime] mute tips: seconds, 0 unmuted, 4294967295 permanent
 * @property {number} [banTime] ban tips: seconds
 */

/**
 * @typedef {Object} GroupInfoChange
 * @property {number} type 1 name, 2 introduction, 3 notification, 4 face URL, 6 custom field, 8 mute-all
 * @property {string} field
 * @property {string} value
 * @property {string} [key] the custom field's key (type 6)
 */

/**
 * @typedef {Object} TipPayload
 * @property {number} operationType one of the `TYPES.GRP_TIP_*` values
 * @property {string} operatorID
 * @property {string[]} userIDList the accounts in `memberList`
 * @property {TipMember[]} memberList
 * @property {number} [memberCount] online members after a join or quit (live rooms); members after it (groups that keep their members)
 * @property {GroupInfoChange[]} groupInfoChanges profile changes (operationType 7)
 * @property {string} [reason] why members were removed, when the operator said (groups that keep their members)
 */

/**
 * @typedef {Object} SystemNoticePayload
 * @property {number} operationType one of the `TYPES.GRP_SYS_*` values
 * @property {string} operatorID who acted: for a join request (operationType 1), the applicant (or the inviter)
 * @property {string} content the notice's text (a ban's description for operationType 4)
 * @property {number} [banTime] seconds of the ban (operationType 4)
 * @property {string} [applicant] join requests and their answers (operationType 1, 2, 3): who asked to join, or was invited
 * @property {number} [applicationType] join requests: `TYPES.GRP_APPLICATION_TYPE_JOIN` (asked) or `TYPES.GRP_APPLICATION_TYPE_INVITE` (invited by a member)
 * @property {string} [inviterID] join requests by invitation: the member who invited
 * @property {string} [messageForCheck] join requests: what the applicant wrote
 * @property {string} [handleMessage] answers (operationType 2, 3): what the owner or admin wrote
 * @property {string} [groupType] a new group's type (operationType 6)
 * @property {string} [groupName] a new group's name (operationType 6)
 * @property {string} [event] `DrawStarted` or `DrawEnded` for lucky-draw notices
 * @property {Record<string, unknown>} [draw] the draw, as sent
 */

/**
 * Fields every message has.
 * @typedef {Object} MessageBase
 * @property {string} ID the same message has the same ID on every device: `<from>-<random>` in a group, `<from>-<clientSequence>-<random>` one to one, `tip-<groupID>-<sequence>` for a group's stored tip
 * @property {ConversationType} conversationType `GROUP` (a live room or another group) or `C2C` (one to one)
 * @property {string} conversationID `GROUP<groupID>` or `C2C<the other user's ID>`
 * @property {string} to the room, or the receiving user
 * @property {string} from the sender's UserID (for tips and notices: the operator)
 * @property {string} nick the sender's nickname when it was sent
 * @property {string} avatar the sender's avatar when it was sent
 * @property {number} level the sender's level when it was sent (0 when statistics are off)
 * @property {number} sequence the group's sequence number, or the one-to-one conversation's (0 for live rooms' tips, notices, unsent and online-only messages)
 * @property {number} time Unix seconds
 * @property {number} random the sender's de-duplication key
 * @property {Priority} priority
 * @property {string} cloudCustomData
 * @property {boolean} isHistory part of the short history a joiner receives
 * @property {'in'|'out'} flow
 * @property {MessageStatus} status
 * @property {string} dropReason `MsgFreqCtrl` when the room's frequency control dropped an acknowledged message
 * @property {MessageElement[]} elements every element of the message; `type`/`payload` describe the first
 * @property {string} messageKey one to one: the server's `MsgKey` (`<sequence>_<random>_<time>`); empty in rooms
 * @property {number} clientSequence one to one: the sender's own number for the message (`MsgSeq`); 0 in rooms
 * @property {boolean} isRevoked one to one and groups that keep their messages: recalled (a page of history keeps it with no elements and an empty text)
 * @property {boolean} isModified one to one and groups that keep their messages: edited since it was sent
 * @property {boolean} isPeerRead one to one: the receiver has read it (the sender's messages)
 * @property {boolean} needReadReceipt one to one and groups that keep their messages: the sender asked for read receipts
 * @property {boolean} onlineOnly sent to who was online, never stored (`sequence` 0)
 * @property {string[]} atUserList groups that keep their messages: the users the message mentions (`TYPES.MSG_AT_ALL`: everyone)
 * @property {boolean} isSupportExtension groups that keep their messages: the sender made it take extensions (`setMessageExtensions`); known for this client's own sends only (the server does not say of others')
 * @property {{readCount: number, unreadCount: number}} [readReceiptInfo] groups that keep their messages: set by `getMessageReadReceiptList`
 */

/** @typedef {MessageBase & {type: 'TIMTextElem', payload: TextPayload}} TextMessage */
/** @typedef {MessageBase & {type: 'TIMCustomElem', payload: CustomPayload}} CustomMessage */
/** @typedef {MessageBase & {type: 'TIMFaceElem', payload: FacePayload}} FaceMessage */
/** @typedef {MessageBase & {type: 'TIMGroupTipElem', payload: TipPayload}} GroupTipMessage */
/** @typedef {MessageBase & {type: 'TIMGroupSystemNoticeElem', payload: SystemNoticePayload}} GroupSystemNoticeMessage */
/**
 * Messages whose payload is the element's `MsgContent` as sent.
 * @typedef {MessageBase & {type: 'TIMLocationElem'|'TIMImageElem'|'TIMSoundElem'|'TIMFileElem'|'TIMVideoFileElem'|'TIMRelayElem', payload: Record<string, unknown>}} OtherMessage
 */
/** @typedef {TextMessage | CustomMessage | FaceMessage | GroupTipMessage | GroupSystemNoticeMessage | OtherMessage} Message */

/**
 * The fields of a room's message that name its conversation and that only one-to-one
 * messages use.
 * @param {string} groupID
 */
export function roomFields(groupID) {
  return {
    conversationType: /** @type {'GROUP'} */ (TYPES.CONV_GROUP),
    conversationID: `${TYPES.CONV_GROUP}${groupID}`,
    messageKey: '',
    clientSequence: 0,
    isRevoked: false,
    isModified: false,
    isPeerRead: false,
    needReadReceipt: false,
    onlineOnly: false,
    /** @type {string[]} */
    atUserList: [],
    isSupportExtension: false,
  };
}

/**
 * @param {unknown[]} body `MsgBody`
 * @param {string} where
 * @returns {MessageElement[]}
 */
export function decodeBody(body, where) {
  if (body.length === 0) throw new FrameError(`${where}.MsgBody is empty`);
  return body.map((el, i) => {
    const f = new Fields(el, `${where}.MsgBody[${i}]`);
    return { type: f.str('MsgType'), content: f.obj('MsgContent').o };
  });
}

/**
 * @param {MessageElement} el
 * @param {string} where
 * @returns {TextPayload|CustomPayload|FacePayload|Record<string, unknown>}
 */
export function decodePayload(el, where) {
  const c = new Fields(el.content, `${where}.MsgContent`);
  switch (el.type) {
    case TYPES.MSG_TEXT:
      return { text: c.str('Text') };
    case TYPES.MSG_CUSTOM:
      return { data: c.optStr('Data'), description: c.optStr('Desc'), extension: c.optStr('Ext') };
    case TYPES.MSG_FACE:
      return { index: c.num('Index'), data: c.optStr('Data') };
    default:
      return { ...el.content };
  }
}

/**
 * @param {unknown} value
 * @returns {Priority}
 */
function toPriority(value) {
  return typeof value === 'string' && PRIORITIES.has(value) ? /** @type {Priority} */ (value) : 'Normal';
}

/**
 * @param {Fields} f a `message` push
 * @returns {Message}
 */
export function decodeMessage(f) {
  const from = f.str('From_Account');
  const random = f.optNum('MsgRandom');
  const elements = decodeBody(f.arr('MsgBody'), 'message');
  return /** @type {Message} */ ({
    ID: `${from}-${random}`,
    type: elements[0].type,
    payload: decodePayload(elements[0], 'message.MsgBody[0]'),
    elements,
    to: f.str('GroupId'),
    from,
    nick: f.optStr('NickName'),
    avatar: f.optStr('Avatar'),
    level: f.optNum('Level'),
    sequence: f.num('MsgSeq'),
    time: f.num('MsgTime'),
    random,
    priority: toPriority(f.o.MsgPriority),
    cloudCustomData: f.optStr('CloudCustomData'),
    isHistory: f.optBool('History'),
    flow: 'in',
    status: 'success',
    dropReason: '',
    ...roomFields(f.str('GroupId')),
  });
}

/**
 * @param {Fields} c a tip's `MsgContent`
 * @returns {TipPayload}
 */
function decodeTipPayload(c) {
  const memberList = c.optArr('MemberList').map((m, i) => {
    const mf = new Fields(m, `${c.where}.MemberList[${i}]`);
    /** @type {TipMember} */
    const member = { userID: mf.str('Member_Account') };
    if (mf.has('NickName')) member.nick = mf.str('NickName');
    if (mf.has('MuteTime')) member.muteTime = mf.num('MuteTime');
    if (mf.has('BanTime')) member.banTime = mf.num('BanTime');
    return member;
  });
  /** @type {TipPayload} */
  const payload = {
    operationType: c.num('OpType'),
    operatorID: c.optStr('Operator_Account'),
    userIDList: memberList.map((m) => m.userID),
    memberList,
    groupInfoChanges: c.optArr('GroupInfoChange').map((ch, i) => {
      const cf = new Fields(ch, `${c.where}.GroupInfoChange[${i}]`);
      /** @type {GroupInfoChange} */
      const change = { type: cf.num('Type'), field: cf.optStr('Field'), value: cf.optStr('Value') };
      if (cf.has('Key')) change.key = cf.str('Key');
      return change;
    }),
  };
  const memberCount = c.maybeNum('MemberNum');
  if (memberCount !== undefined) payload.memberCount = memberCount;
  if (c.has('Reason')) payload.reason = c.str('Reason');
  return payload;
}

/**
 * @param {Fields} c a system notice's `MsgContent`
 * @returns {SystemNoticePayload}
 */
function decodeSystemPayload(c) {
  const applicant = c.optStr('Applicant_Account');
  /** @type {SystemNoticePayload} */
  const payload = {
    operationType: c.num('OpType'),
    operatorID: c.optStr('Operator_Account') || c.optStr('Inviter_Account') || applicant,
    content: c.optStr('Content'),
  };
  const banTime = c.maybeNum('BanTime');
  if (banTime !== undefined) payload.banTime = banTime;
  if (applicant !== '') payload.applicant = applicant;
  if (c.has('Kind')) {
    payload.applicationType =
      c.str('Kind') === 'Invite' ? TYPES.GRP_APPLICATION_TYPE_INVITE : TYPES.GRP_APPLICATION_TYPE_JOIN;
    payload.messageForCheck = c.optStr('ApplyMessage');
  }
  if (c.has('Inviter_Account')) payload.inviterID = c.str('Inviter_Account');
  if (c.has('Reason')) payload.handleMessage = c.str('Reason');
  if (c.has('Event')) payload.event = c.str('Event');
  if (payload.operationType === TYPES.GRP_SYS_GROUP_CREATED) {
    payload.groupType = c.optStr('Type');
    payload.groupName = c.optStr('Name');
  }
  if (c.has('Draw')) payload.draw = c.obj('Draw').o;
  return payload;
}

/**
 * A `tip` or `system` push as a message, with its content for the events it implies.
 * @param {Fields} f
 * @param {'TIMGroupTipElem'|'TIMGroupSystemNoticeElem'} type
 * @param {number} serial distinguishes pushes of the same second in their IDs
 * @returns {{message: Message, content: Fields}}
 */
export function decodeElemPush(f, type, serial) {
  const elements = decodeBody(f.arr('MsgBody'), f.where);
  if (elements[0].type !== type) throw new FrameError(`${f.where}.MsgBody[0].MsgType is not ${type}`);
  const content = new Fields(elements[0].content, `${f.where}.MsgContent`);
  const isTip = type === TYPES.MSG_GRP_TIP;
  const payload = isTip ? decodeTipPayload(content) : decodeSystemPayload(content);
  const groupID = f.str('GroupId');
  // Fixed server priorities: join and quit tips Low, every other tip and notice High.
  const low =
    isTip && (payload.operationType === TYPES.GRP_TIP_MBR_JOIN || payload.operationType === TYPES.GRP_TIP_MBR_QUIT);
  const message = /** @type {Message} */ ({
    ID: `${isTip ? 'tip' : 'system'}-${groupID}-${f.num('MsgTime')}-${serial}`,
    type,
    payload,
    elements,
    to: groupID,
    from: payload.operatorID,
    nick: '',
    avatar: '',
    level: 0,
    sequence: 0,
    time: f.num('MsgTime'),
    random: 0,
    priority: low ? 'Low' : 'High',
    cloudCustomData: '',
    isHistory: false,
    flow: 'in',
    status: 'success',
    dropReason: '',
    ...roomFields(groupID),
  });
  return { message, content };
}
