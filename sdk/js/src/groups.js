// Groups that keep their members and messages (Work, Public, Meeting, Community): creating
// them, joining (at once, or by a request an owner or admin answers), quitting, dismissing
// and handing them on, the user's group list (GROUP_LIST_UPDATED), and what the SDK knows
// of each of the user's groups (type, name, this user's role and remind type), which also
// tells their pushes from a live room's. Members and requests are group-members.js's,
// messages group-chat.js's.

/** @import { Client } from './client.js' */
/** @import { GroupType, MemberRole, MessageRemindType } from './constants.js' */
/** @import { LiveRoomError } from './errors.js' */
/** @import { Message, SystemNoticePayload, TipPayload } from './message.js' */
/** @import { GroupProfile, JoinResult } from './room.js' */
/** @import { Response } from './session.js' */
import { isCount, isObject, optionalString, requireID } from './checks.js';
import { EVENT, GROUP_TYPES, TYPES } from './constants.js';
import { ListFeed } from './events.js';
import { invalid } from './errors.js';
import { Fields } from './fields.js';
import { decodeOrThrow } from './requests.js';
import { decodeGroupProfile, decodeJoin } from './room.js';
import { decodeGroupRecord, isTopicID } from './group-message.js';

/**
 * One of the user's groups (`getGroupList`, `createGroup`, GROUP_LIST_UPDATED).
 * @typedef {Object} Group
 * @property {string} groupID
 * @property {GroupType} type one of `TYPES.GRP_*`
 * @property {string} name
 * @property {string} avatar the group's face URL
 * @property {{role: MemberRole, messageRemindType: MessageRemindType}} selfInfo this user's place in it
 * @property {number} unreadCount messages of others not read yet (Meeting groups count none)
 * @property {number} readSequence read up to this `sequence`
 * @property {number} lastSequence the newest message's (or stored tip's) `sequence`
 * @property {number} lastTime when the group was last active (Unix seconds)
 * @property {boolean} isPinned its conversation is pinned
 * @property {Message|null} lastMessage
 */

/**
 * A group's profile and settings as `getGroupProfile` reads them.
 * @typedef {GroupProfile & {memberCount: number, maxMemberCount: number, joinOption: string, inviteOption: string, createTime: number, nextMessageSeq: number, isSupportTopic: boolean}} GroupInfo
 * memberCount: stored members (a live room's: online now); joinOption and inviteOption: `TYPES.JOIN_OPTIONS_*`, `TYPES.INVITE_OPTIONS_*`; nextMessageSeq: the `sequence` the group's next message gets; isSupportTopic: a community with topics
 */

/**
 * @typedef {Object} CreateGroupOptions
 * @property {GroupType|'Work'|'Meeting'} type one of `TYPES.GRP_*`
 * @property {string} name
 * @property {string} [groupID] the group's ID (the server picks one when absent)
 * @property {string} [introduction]
 * @property {string} [notification]
 * @property {string} [avatar] the group's face URL
 * @property {number} [maxMemberNum] 0 or absent: the type's default
 * @property {string} [joinOption] `TYPES.JOIN_OPTIONS_*` (Public, Meeting and Community groups)
 * @property {string} [inviteOption] `TYPES.INVITE_OPTIONS_*`
 * @property {Array<string|{userID: string, role?: string}>} [memberList] members besides this user (at most 100), as ordinary members
 * @property {boolean} [isSupportTopic] Community groups
 */

const JOIN_OPTIONS = new Set(['FreeAccess', 'NeedPermission', 'DisableApply']);
const INVITE_OPTIONS = new Set(['FreeAccess', 'NeedPermission', 'DisableInvite']);
const REMIND_TYPES = new Set(['AcceptAndNotify', 'AcceptNotNotify', 'Discard']);

/** The server's error when the caller is a member already (`join_group`). */
const ALREADY_MEMBER = 10013;
/** The server's error for "not permitted", also a live room named in `join_group`. */
const NOT_PERMITTED = 10007;

/**
 * @param {string} raw
 * @returns {GroupType}
 */
function groupType(raw) {
  if (raw === 'Work') return 'Private';
  if (raw === 'Meeting') return 'ChatRoom';
  return /** @type {GroupType} */ (raw);
}

/**
 * @param {string} raw
 * @returns {MemberRole}
 */
export function memberRole(raw) {
  return raw === 'Owner' || raw === 'Admin' ? raw : 'Member';
}

/**
 * @param {string} raw
 * @returns {MessageRemindType}
 */
function remindType(raw) {
  return REMIND_TYPES.has(raw) ? /** @type {MessageRemindType} */ (raw) : 'AcceptAndNotify';
}

/**
 * An entry of `get_joined_groups`.
 * @param {Fields} f
 * @param {string} me
 * @returns {Group}
 */
function decodeGroup(f, me) {
  const type = groupType(f.str('Type'));
  return {
    groupID: f.str('GroupId'),
    type,
    name: f.optStr('Name'),
    avatar: f.optStr('FaceUrl'),
    selfInfo: { role: memberRole(f.optStr('Role')), messageRemindType: remindType(f.optStr('MsgFlag')) },
    unreadCount: type === TYPES.GRP_MEETING ? 0 : f.optNum('Unread'),
    readSequence: f.optNum('ReadSeq'),
    lastSequence: f.optNum('LastSeq'),
    lastTime: f.optNum('LastTime'),
    isPinned: f.optBool('Pinned'),
    lastMessage: f.has('LastMessage') ? decodeGroupRecord(new Fields(f.o.LastMessage, `${f.where}.LastMessage`), me) : null,
  };
}

export class Groups {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /**
     * What the SDK knows of the user's groups, by ID: type, name, face URL, this user's
     * role (`''` unknown) and remind type.
     * @private
     * @type {Map<string, {type: GroupType, name: string, avatar: string, role: MemberRole|'', messageRemindType: MessageRemindType}>}
     */
    this.infos = new Map();
    /** @private @type {Map<string, boolean>} whether communities have topics, once read */
    this.topicSupport = new Map();
    /** @private a read of the user's groups is running (for groups first heard of by a push) */
    this.refreshing = false;
    /** @private a group was first heard of during that read: read once more */
    this.again = false;
    /** @private */
    this.feed = new ListFeed(client, EVENT.GROUP_LIST_UPDATED, () => this.readJoined());
  }

  /**
   * What the SDK knows of one of the user's groups.
   * @param {string} groupID
   */
  info(groupID) {
    return this.infos.get(groupID);
  }

  /**
   * The IDs of the user's groups of a type, as the SDK knows them.
   * @param {GroupType} type
   * @returns {string[]}
   */
  ids(type) {
    return Array.from(this.infos).filter(([, g]) => g.type === type).map(([id]) => id);
  }

  /** Whether the SDK knows the user to be in any group. */
  any() {
    return this.infos.size > 0;
  }

  /**
   * Whether pushes about `groupID` are a group's that keeps its messages rather than a live
   * room's: not a room this connection is in (or joining, or left lately), and a group the
   * user is in, or one it is not known to be in yet (members receive their groups from
   * login on, without joining).
   * @param {string} groupID
   */
  isStored(groupID) {
    const { rooms, sync, session } = this.client;
    if (session.me === null || session.me.isGuest) return false;
    if (isTopicID(groupID)) return true;
    if (rooms.get(groupID)) return false;
    if (this.infos.has(groupID) || sync.groups.has(groupID)) return true;
    return !rooms.wasLive(groupID);
  }

  /**
   * Reads the user's groups (`get_joined_groups`) and remembers them.
   * @returns {Promise<Group[]>}
   */
  async readJoined() {
    const { requests, session, conversations } = this.client;
    const epoch = session.epoch;
    const me = session.userID();
    const reply = await requests.request({ op: 'get_joined_groups' });
    const list = decodeOrThrow(() =>
      reply.arr('Groups').map((g, i) => decodeGroup(new Fields(g, `get_joined_groups.Groups[${i}]`), me)),
    );
    if (epoch !== session.epoch) return list;
    this.infos.clear();
    for (const g of list) {
      this.infos.set(g.groupID, {
        type: g.type,
        name: g.name,
        avatar: g.avatar,
        role: g.selfInfo.role,
        messageRemindType: g.selfInfo.messageRemindType,
      });
      conversations.groupChanged(g.groupID);
    }
    return list;
  }

  /**
   * A group first heard of (a push of a group the SDK did not know the user to be in, such
   * as one created with the user among its members): reads the user's groups to describe
   * it; the group list changed.
   * @param {string} groupID
   */
  async learn(groupID) {
    if (this.infos.has(groupID)) return;
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = true;
    const { session, log } = this.client;
    const epoch = session.epoch;
    try {
      do {
        this.again = false;
        await this.readJoined();
      } while (this.again && epoch === session.epoch);
      if (epoch === session.epoch) this.feed.changed();
    } catch (err) {
      if (epoch === session.epoch) log.warn('reading the group list failed', err);
    } finally {
      if (epoch === session.epoch) this.refreshing = false;
    }
  }

  /**
   * Remembers (or changes) what the SDK knows of a group; its conversation shows it.
   * @private
   * @param {string} groupID
   * @param {{type?: GroupType, name?: string, avatar?: string, role?: MemberRole|'', messageRemindType?: MessageRemindType}} change
   */
  note(groupID, change) {
    const before = this.infos.get(groupID);
    if (before === undefined && change.type === undefined) return; // not enough to go on: `learn` reads it
    /** @type {{type: GroupType, name: string, avatar: string, role: MemberRole|'', messageRemindType: MessageRemindType}} */
    const base = before || { type: 'Public', name: '', avatar: '', role: '', messageRemindType: 'AcceptAndNotify' };
    this.infos.set(groupID, { ...base, ...change });
    this.client.conversations.groupChanged(groupID);
  }

  /**
   * `Chat#getGroupList`
   * @returns {Promise<Response<{groupList: Group[]}>>}
   */
  async list() {
    const groupList = await this.readJoined();
    this.feed.seen(groupList);
    return { code: 0, data: { groupList } };
  }

  /**
   * `Chat#getGroupProfile`: any group's profile and settings (any logged-in user may read).
   * @param {{groupID: string}} options
   * @returns {Promise<Response<{group: GroupInfo}>>}
   */
  async profile(options) {
    if (!isObject(options)) throw invalid('getGroupProfile needs {groupID}');
    const groupID = requireID(options.groupID, 'groupID');
    const reply = await this.client.requests.request({ op: 'get_group_info', GroupId: groupID });
    const group = decodeOrThrow(() => ({
      ...decodeGroupProfile(reply),
      memberCount: reply.optNum('MemberNum'),
      maxMemberCount: reply.optNum('MaxMemberNum'),
      joinOption: reply.optStr('ApplyJoinOption'),
      inviteOption: reply.optStr('InviteJoinOption'),
      createTime: reply.optNum('CreateTime'),
      nextMessageSeq: reply.optNum('NextMsgSeq'),
      isSupportTopic: reply.optBool('SupportTopic'),
    }));
    if (group.type === TYPES.GRP_COMMUNITY) this.topicSupport.set(groupID, group.isSupportTopic);
    return { code: 0, data: { group } };
  }

  /**
   * `Chat#getJoinedCommunityList`: the user's communities that have topics.
   * @returns {Promise<Response<{groupList: Group[]}>>}
   */
  async communities() {
    const all = (await this.readJoined()).filter((g) => g.type === TYPES.GRP_COMMUNITY);
    for (const g of all) {
      if (!this.topicSupport.has(g.groupID)) await this.profile({ groupID: g.groupID });
    }
    return { code: 0, data: { groupList: all.filter((g) => this.topicSupport.get(g.groupID) === true) } };
  }

  /**
   * `Chat#createGroup`
   * @param {CreateGroupOptions} options
   * @returns {Promise<Response<{group: Group}>>}
   */
  async create(options) {
    if (!isObject(options)) throw invalid('createGroup needs {type, name}');
    const type = typeof options.type === 'string' ? groupType(options.type) : '';
    if (!GROUP_TYPES.has(type)) throw invalid('type must be one of TYPES.GRP_*');
    const name = requireID(options.name, 'name');
    /** @type {Record<string, unknown>} */
    const frame = { op: 'create_group', Type: type, Name: name };
    if (options.groupID !== undefined) frame.GroupId = requireID(options.groupID, 'groupID');
    /** @type {Array<['introduction'|'notification'|'avatar', string]>} */
    const texts = [
      ['introduction', 'Introduction'],
      ['notification', 'Notification'],
      ['avatar', 'FaceUrl'],
    ];
    for (const [key, field] of texts) {
      const value = optionalString(options[key], key);
      if (value !== '') frame[field] = value;
    }
    if (options.maxMemberNum !== undefined) {
      if (!isCount(options.maxMemberNum)) throw invalid('maxMemberNum must be a non-negative integer');
      frame.MaxMemberCount = options.maxMemberNum;
    }
    if (options.joinOption !== undefined) {
      if (typeof options.joinOption !== 'string' || !JOIN_OPTIONS.has(options.joinOption))
        throw invalid('joinOption must be one of TYPES.JOIN_OPTIONS_*');
      frame.ApplyJoinOption = options.joinOption;
    }
    if (options.inviteOption !== undefined) {
      if (typeof options.inviteOption !== 'string' || !INVITE_OPTIONS.has(options.inviteOption))
        throw invalid('inviteOption must be one of TYPES.INVITE_OPTIONS_*');
      frame.InviteJoinOption = options.inviteOption;
    }
    if (options.memberList !== undefined) {
      if (!Array.isArray(options.memberList)) throw invalid('memberList must be an array');
      frame.MemberList = options.memberList.map((m) => {
        if (isObject(m)) {
          if (m.role !== undefined && m.role !== TYPES.GRP_MBR_ROLE_MEMBER)
            throw invalid('members join as ordinary members; appoint admins with setGroupMemberRole');
          return requireID(m.userID, 'memberList[].userID');
        }
        return requireID(m, 'each of memberList');
      });
    }
    if (options.isSupportTopic !== undefined) {
      if (typeof options.isSupportTopic !== 'boolean') throw invalid('isSupportTopic must be a boolean');
      if (options.isSupportTopic) frame.SupportTopic = true;
    }
    const reply = await this.client.requests.request(frame);
    const groupID = decodeOrThrow(() => reply.str('GroupId'));
    /** @type {GroupType} */
    const t = /** @type {GroupType} */ (type);
    const avatar = typeof frame.FaceUrl === 'string' ? frame.FaceUrl : '';
    if (t === TYPES.GRP_COMMUNITY) this.topicSupport.set(groupID, frame.SupportTopic === true);
    if (t !== TYPES.GRP_AVCHATROOM) {
      this.client.sync.activate();
      this.note(groupID, { type: t, name, avatar, role: 'Owner', messageRemindType: 'AcceptAndNotify' });
      this.feed.changed();
    }
    /** @type {Group} */
    const group = {
      groupID,
      type: t,
      name,
      avatar,
      selfInfo: { role: 'Owner', messageRemindType: 'AcceptAndNotify' },
      unreadCount: 0,
      readSequence: 0,
      lastSequence: 0,
      lastTime: 0,
      isPinned: false,
      lastMessage: null,
    };
    return { code: 0, data: { group } };
  }

  /**
   * `Chat#joinGroup`: a live room is joined for the session (rooms.js); a group that keeps
   * its members is joined for good, or asked to join.
   * @param {{groupID: string, type?: string, applyMessage?: string}} options
   * @returns {Promise<Response<JoinResult>>}
   */
  async join(options) {
    if (!isObject(options)) throw invalid('joinGroup needs {groupID}');
    const groupID = requireID(options.groupID, 'groupID');
    const type = options.type === undefined ? undefined : groupType(String(options.type));
    if (type !== undefined && !GROUP_TYPES.has(type)) throw invalid('type must be one of TYPES.GRP_*');
    const applyMessage = optionalString(options.applyMessage, 'applyMessage');
    const known = this.infos.has(groupID);
    if (type === TYPES.GRP_AVCHATROOM || (type === undefined && !known && applyMessage === '')) {
      // `join` answers for either kind; a stored group's reply comes back to `joined`.
      return this.client.rooms.join({ groupID });
    }
    this.client.sync.activate();
    const { requests } = this.client;
    let pending = false;
    let already = false;
    try {
      const reply = await requests.request({ op: 'join_group', GroupId: groupID, ApplyMessage: applyMessage });
      pending = reply.optBool('Pending');
    } catch (err) {
      const e = /** @type {LiveRoomError} */ (err);
      if (e.code === ALREADY_MEMBER) already = true;
      // Perhaps a live room after all: `join` tells (and refuses as `join_group` did otherwise).
      else if (e.code === NOT_PERMITTED && type === undefined && !known) return this.client.rooms.join({ groupID });
      else throw e;
    }
    if (pending) return { code: 0, data: this.waiting(groupID) };
    // A member now: `join` answers with the group at once.
    const reply = await requests.request({ op: 'join', GroupId: groupID });
    const joined = decodeOrThrow(() => decodeJoin(reply));
    return { code: 0, data: this.joined(joined, false, already) };
  }

  /**
   * The reply of a `join` of a group that keeps its members.
   * @param {JoinResult} joined as read
   * @param {boolean} pending the request waits for approval
   * @param {boolean} [already] the user was a member before
   * @returns {JoinResult}
   */
  joined(joined, pending, already = this.infos.has(joined.groupID)) {
    const groupID = joined.groupID;
    if (pending) return { ...this.waiting(groupID), group: joined.group, memberCount: joined.memberCount };
    this.client.sync.activate();
    this.note(groupID, {
      type: groupType(joined.group.type),
      name: joined.group.name,
      avatar: joined.group.avatar,
      role: joined.role === 'Owner' || joined.role === 'Admin' ? joined.role : 'Member',
    });
    if (!already) this.feed.changed();
    const status = already ? TYPES.JOIN_STATUS_ALREADY_IN_GROUP : TYPES.JOIN_STATUS_SUCCESS;
    return { ...joined, status, liveState: null, pinnedItem: null, left: [] };
  }

  /**
   * What `joinGroup` resolves with while the request waits.
   * @private
   * @param {string} groupID
   * @returns {JoinResult}
   */
  waiting(groupID) {
    const info = this.infos.get(groupID);
    return {
      groupID,
      status: TYPES.JOIN_STATUS_WAIT_APPROVAL,
      group: {
        groupID,
        type: info ? info.type : '',
        name: info ? info.name : '',
        introduction: '',
        notification: '',
        avatar: info ? info.avatar : '',
        ownerID: '',
        muteAllMembers: false,
        customFields: {},
      },
      memberCount: 0,
      liveState: null,
      pinnedItem: null,
      muteRemaining: 0,
      role: '',
      left: [],
    };
  }

  /**
   * `Chat#quitGroup` of a group that is not a live room this connection is in.
   * @param {string} groupID
   * @returns {Promise<Response<{groupID: string}>>}
   */
  async quit(groupID) {
    await this.client.requests.request({ op: 'quit', GroupId: groupID });
    this.left(groupID);
    return { code: 0, data: { groupID } };
  }

  /**
   * `Chat#dismissGroup`
   * @param {string} groupID
   * @returns {Promise<Response<{groupID: string}>>}
   */
  async dismiss(groupID) {
    requireID(groupID, 'groupID');
    await this.client.requests.request({ op: 'destroy_group', GroupId: groupID });
    this.left(groupID);
    return { code: 0, data: { groupID } };
  }

  /**
   * `Chat#changeGroupOwner`
   * @param {{groupID: string, newOwnerID: string}} options
   * @returns {Promise<Response<{groupID: string, newOwnerID: string}>>}
   */
  async changeOwner(options) {
    if (!isObject(options)) throw invalid('changeGroupOwner needs {groupID, newOwnerID}');
    const groupID = requireID(options.groupID, 'groupID');
    const newOwnerID = requireID(options.newOwnerID, 'newOwnerID');
    await this.client.requests.request({ op: 'change_group_owner', GroupId: groupID, NewOwner_Account: newOwnerID });
    this.note(groupID, { role: newOwnerID === this.client.session.userID() ? 'Owner' : 'Member' });
    this.feed.changed();
    return { code: 0, data: { groupID, newOwnerID } };
  }

  /**
   * `Chat#setMessageRemindType`
   * @param {{groupID: string, messageRemindType: string}} options
   * @returns {Promise<Response<{groupID: string, messageRemindType: MessageRemindType}>>}
   */
  async setRemindType(options) {
    if (!isObject(options)) throw invalid('setMessageRemindType needs {groupID, messageRemindType}');
    const groupID = requireID(options.groupID, 'groupID');
    const value = options.messageRemindType;
    if (typeof value !== 'string' || !REMIND_TYPES.has(value))
      throw invalid('messageRemindType must be one of TYPES.MSG_REMIND_*');
    const messageRemindType = remindType(value);
    await this.client.requests.request({ op: 'set_member_info', GroupId: groupID, MsgFlag: messageRemindType });
    this.note(groupID, { messageRemindType });
    this.feed.changed();
    return { code: 0, data: { groupID, messageRemindType } };
  }

  /**
   * The user is no longer in a group (quit, kicked, dismissed): what the SDK knew of it goes.
   * @param {string} groupID
   */
  left(groupID) {
    const { sync, conversations, topics } = this.client;
    const had = this.infos.delete(groupID) || sync.groups.has(groupID);
    sync.groups.forget(groupID);
    topics.forgetCommunity(groupID);
    conversations.dropGroup(groupID);
    if (had) this.feed.changed();
  }

  /**
   * A stored group's tip was delivered: what it says about the user and the group.
   * @param {Message} message
   */
  onTip(message) {
    const payload = /** @type {TipPayload} */ (message.payload);
    const groupID = message.to;
    const me = this.client.session.userID();
    const aboutMe = payload.userIDList.indexOf(me) >= 0;
    switch (payload.operationType) {
      case TYPES.GRP_TIP_MBR_JOIN:
      case TYPES.GRP_TIP_MBR_INVITED:
        if (!aboutMe) return;
        if (!this.infos.has(groupID)) this.learn(groupID);
        this.feed.changed();
        return;
      case TYPES.GRP_TIP_MBR_QUIT:
        if (aboutMe) this.left(groupID);
        return;
      case TYPES.GRP_TIP_MBR_KICKED_OUT:
        if (!aboutMe) return;
        this.left(groupID);
        this.client.inbox.emitInOrder(EVENT.REMOVED_FROM_GROUP, {
          groupID,
          reason: 'kicked',
          operatorID: payload.operatorID,
          description: payload.reason || '',
        });
        return;
      case TYPES.GRP_TIP_MBR_SET_ADMIN:
      case TYPES.GRP_TIP_MBR_CANCELED_ADMIN:
        if (!aboutMe) return;
        this.note(groupID, { role: payload.operationType === TYPES.GRP_TIP_MBR_SET_ADMIN ? 'Admin' : 'Member' });
        this.feed.changed();
        return;
      case TYPES.GRP_TIP_GRP_PROFILE_UPDATED: {
        /** @type {{name?: string, avatar?: string, role?: MemberRole}} */
        const change = {};
        for (const ch of payload.groupInfoChanges) {
          if (ch.type === 1) change.name = ch.value;
          else if (ch.type === 4) change.avatar = ch.value;
          else if (ch.type === 5 && ch.value === me) change.role = 'Owner';
          // Handed on by this user (or an App admin): a member now, as the server has it.
          else if (ch.type === 5 && this.infos.get(groupID)?.role === 'Owner') change.role = 'Member';
        }
        if (Object.keys(change).length === 0) return;
        this.note(groupID, change);
        this.feed.changed();
        return;
      }
      default:
    }
  }

  /**
   * A `system` push about a group (live rooms' too), delivered as a message already.
   * @param {Message} message
   */
  onSystem(message) {
    const payload = /** @type {SystemNoticePayload} */ (message.payload);
    const groupID = message.to;
    switch (payload.operationType) {
      case TYPES.GRP_SYS_JOIN_GROUP_ACCEPT:
        if (payload.applicant === this.client.session.userID()) {
          this.client.sync.activate();
          this.learn(groupID);
          this.feed.changed();
        }
        break;
      case TYPES.GRP_SYS_DISMISSED:
        this.left(groupID);
        break;
      case TYPES.GRP_SYS_GROUP_CREATED:
        // A group created with this user among its first members (its creator's too).
        this.client.sync.activate();
        this.learn(groupID);
        break;
      default:
    }
    this.client.inbox.emitInOrder(EVENT.GROUP_SYSTEM_NOTICE_RECEIVED, { message, type: payload.operationType });
  }

  /** The connection is back: the group list may have changed meanwhile. */
  sessionRestored() {
    this.feed.changed();
  }

  /** The session is over. */
  reset() {
    this.infos.clear();
    this.topicSupport.clear();
    this.refreshing = false;
    this.again = false;
    this.feed.reset();
  }
}
