// Members of the groups that keep them: the member list (paged), inviting and removing
// members, their roles, name cards and custom fields, and the requests to join that wait for
// an owner or admin (the list, and the answer).

/** @import { Client } from './client.js' */
/** @import { MemberRole } from './constants.js' */
/** @import { Message, SystemNoticePayload } from './message.js' */
/** @import { Response } from './session.js' */
import { isCount, isObject, optionalString, requireID, requireIDList } from './checks.js';
import { TYPES } from './constants.js';
import { invalid } from './errors.js';
import { Fields } from './fields.js';
import { chunks, decodeOrThrow } from './requests.js';
import { memberRole } from './groups.js';

/**
 * A member of a group.
 * @typedef {Object} GroupMember
 * @property {string} userID
 * @property {MemberRole} role
 * @property {number} joinTime Unix seconds
 * @property {string} nameCard the member's name in the group
 * @property {string} nick the member's nickname (its profile's)
 * @property {string} avatar the member's avatar URL (its profile's)
 * @property {Array<{key: string, value: string}>} memberCustomField the app's member fields
 */

/**
 * A request to join a group that waits for an owner or admin.
 * @typedef {Object} GroupApplication
 * @property {string} groupID
 * @property {string} applicant who asked to join, or was invited
 * @property {number} applicationType `TYPES.GRP_APPLICATION_TYPE_JOIN` (asked) or `TYPES.GRP_APPLICATION_TYPE_INVITE` (invited by a member)
 * @property {string} inviterID the member who invited (`''` when the user asked)
 * @property {string} messageForCheck what the applicant wrote
 * @property {number} time Unix seconds
 */

/** Default and largest `count` of `getGroupMemberList`. */
const MEMBER_PAGE = 15;
const MEMBER_PAGE_MAX = 1000;

/** Accounts per `invite_to_group` / `kick_from_group` (the protocol's maximum). */
const ACCOUNTS_PER_CALL = 500;

/**
 * @param {Fields} f an entry of `Members`
 * @returns {GroupMember}
 */
function decodeMember(f) {
  return {
    userID: f.str('Member_Account'),
    role: memberRole(f.optStr('Role')),
    joinTime: f.optNum('JoinTime'),
    nameCard: f.optStr('NameCard'),
    nick: f.optStr('NickName'),
    avatar: f.optStr('Avatar'),
    memberCustomField: f.optArr('AppMemberDefinedData').map((kv, i) => {
      const field = new Fields(kv, `${f.where}.AppMemberDefinedData[${i}]`);
      return { key: field.str('Key'), value: field.optStr('Value') };
    }),
  };
}

/**
 * @param {string} groupID
 * @param {Fields} f an entry of `Requests`
 * @returns {GroupApplication}
 */
function decodeApplication(groupID, f) {
  return {
    groupID,
    applicant: f.str('Applicant_Account'),
    applicationType: f.optStr('Kind') === 'Invite' ? TYPES.GRP_APPLICATION_TYPE_INVITE : TYPES.GRP_APPLICATION_TYPE_JOIN,
    inviterID: f.optStr('Inviter_Account'),
    messageForCheck: f.optStr('ApplyMessage'),
    time: f.optNum('Time'),
  };
}

export class GroupMembers {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
  }

  /**
   * `Chat#getGroupMemberList`: a page in user ID order.
   * @param {{groupID: string, count?: number, offset?: number|string}} options
   * @returns {Promise<Response<{memberList: GroupMember[], offset: string, memberCount: number, isCompleted: boolean}>>}
   */
  async list(options) {
    if (!isObject(options)) throw invalid('getGroupMemberList needs {groupID}');
    const groupID = requireID(options.groupID, 'groupID');
    const count = options.count === undefined ? MEMBER_PAGE : options.count;
    if (!isCount(count) || count < 1 || count > MEMBER_PAGE_MAX) throw invalid(`count must be 1 to ${MEMBER_PAGE_MAX}`);
    const offset = options.offset === undefined ? 0 : options.offset;
    if (typeof offset !== 'string' && !isCount(offset))
      throw invalid('offset must be what a previous page returned, or a number of members to skip');
    /** @type {string} */
    let next = typeof offset === 'string' ? offset : '';
    // A number: skip that many from the start, a page at a time.
    for (let skip = typeof offset === 'number' ? offset : 0; skip > 0; ) {
      const page = await this.page(groupID, Math.min(skip, MEMBER_PAGE_MAX), next);
      skip -= page.members.length;
      next = page.next;
      if (next === '') return { code: 0, data: { memberList: [], offset: '', memberCount: page.memberCount, isCompleted: true } };
    }
    const page = await this.page(groupID, count, next);
    return {
      code: 0,
      data: { memberList: page.members, offset: page.next, memberCount: page.memberCount, isCompleted: page.next === '' },
    };
  }

  /**
   * @private
   * @param {string} groupID
   * @param {number} count
   * @param {string} next
   */
  async page(groupID, count, next) {
    /** @type {Record<string, unknown>} */
    const frame = { op: 'get_group_members', GroupId: groupID, Count: count };
    if (next !== '') frame.Next = next;
    const reply = await this.client.requests.request(frame);
    return decodeOrThrow(() => ({
      members: reply.arr('Members').map((m, i) => decodeMember(new Fields(m, `get_group_members.Members[${i}]`))),
      memberCount: reply.optNum('MemberNum'),
      next: reply.optStr('Next'),
    }));
  }

  /**
   * `Chat#addGroupMember`
   * @param {{groupID: string, userIDList: string[]}} options
   * @returns {Promise<Response<{group: {groupID: string}, successUserIDList: string[], failureUserIDList: string[], existedUserIDList: string[], pendingUserIDList: string[]}>>}
   */
  async add(options) {
    if (!isObject(options)) throw invalid('addGroupMember needs {groupID, userIDList}');
    const groupID = requireID(options.groupID, 'groupID');
    const userIDs = requireIDList(options.userIDList, 'userIDList');
    /** @type {Record<number, string[]>} by `Result` */
    const by = { 0: [], 1: [], 2: [], 3: [] };
    for (const part of chunks(userIDs, ACCOUNTS_PER_CALL)) {
      const reply = await this.client.requests.request({ op: 'invite_to_group', GroupId: groupID, Members_Account: part });
      const results = decodeOrThrow(() =>
        reply.arr('Results').map((r, i) => {
          const f = new Fields(r, `invite_to_group.Results[${i}]`);
          return { userID: f.str('Member_Account'), result: f.num('Result') };
        }),
      );
      for (const r of results) (by[r.result] || by[0]).push(r.userID);
    }
    return {
      code: 0,
      data: {
        group: { groupID },
        successUserIDList: by[1],
        failureUserIDList: by[0],
        existedUserIDList: by[2],
        pendingUserIDList: by[3],
      },
    };
  }

  /**
   * `Chat#deleteGroupMember`
   * @param {{groupID: string, userIDList: string[], reason?: string}} options
   * @returns {Promise<Response<{group: {groupID: string}, userIDList: string[]}>>}
   */
  async remove(options) {
    if (!isObject(options)) throw invalid('deleteGroupMember needs {groupID, userIDList}');
    const groupID = requireID(options.groupID, 'groupID');
    const userIDs = requireIDList(options.userIDList, 'userIDList');
    const reason = optionalString(options.reason, 'reason');
    for (const part of chunks(userIDs, ACCOUNTS_PER_CALL)) {
      /** @type {Record<string, unknown>} */
      const frame = { op: 'kick_from_group', GroupId: groupID, Members_Account: part };
      if (reason !== '') frame.Reason = reason;
      await this.client.requests.request(frame);
    }
    return { code: 0, data: { group: { groupID }, userIDList: userIDs } };
  }

  /**
   * `Chat#setGroupMemberRole`
   * @param {{groupID: string, userID: string, role: string}} options
   * @returns {Promise<Response<{group: {groupID: string}, userID: string, role: MemberRole}>>}
   */
  async setRole(options) {
    if (!isObject(options)) throw invalid('setGroupMemberRole needs {groupID, userID, role}');
    const role = options.role;
    if (role !== TYPES.GRP_MBR_ROLE_ADMIN && role !== TYPES.GRP_MBR_ROLE_MEMBER)
      throw invalid('role must be TYPES.GRP_MBR_ROLE_ADMIN or TYPES.GRP_MBR_ROLE_MEMBER');
    const { groupID, userID } = await this.setInfo(options, { Role: role }, true);
    return { code: 0, data: { group: { groupID }, userID, role } };
  }

  /**
   * `Chat#setGroupMemberNameCard`: this user's, or (owners and admins) a member's below them.
   * @param {{groupID: string, userID?: string, nameCard: string}} options
   * @returns {Promise<Response<{group: {groupID: string}, userID: string, nameCard: string}>>}
   */
  async setNameCard(options) {
    if (!isObject(options) || typeof options.nameCard !== 'string')
      throw invalid('setGroupMemberNameCard needs {groupID, nameCard}');
    const nameCard = options.nameCard;
    const { groupID, userID } = await this.setInfo(options, { NameCard: nameCard }, false);
    return { code: 0, data: { group: { groupID }, userID, nameCard } };
  }

  /**
   * `Chat#setGroupMemberCustomField`: the app's member fields (an empty value deletes one).
   * @param {{groupID: string, userID?: string, memberCustomField: Array<{key: string, value: string}>}} options
   * @returns {Promise<Response<{group: {groupID: string}, userID: string}>>}
   */
  async setCustomField(options) {
    if (!isObject(options) || !Array.isArray(options.memberCustomField) || options.memberCustomField.length === 0)
      throw invalid('setGroupMemberCustomField needs {groupID, memberCustomField: [{key, value}]}');
    const fields = options.memberCustomField.map((kv) => {
      if (!isObject(kv) || typeof kv.value !== 'string') throw invalid('memberCustomField entries are {key, value}');
      return { Key: requireID(kv.key, 'memberCustomField[].key'), Value: kv.value };
    });
    const { groupID, userID } = await this.setInfo(options, { AppMemberDefinedData: fields }, false);
    return { code: 0, data: { group: { groupID }, userID } };
  }

  /**
   * `set_member_info` for a member (this user when `userID` is absent and not `required`).
   * @private
   * @param {Record<string, unknown>} options
   * @param {Record<string, unknown>} fields
   * @param {boolean} required
   */
  async setInfo(options, fields, required) {
    const groupID = requireID(options.groupID, 'groupID');
    const me = this.client.session.userID();
    const userID = options.userID === undefined && !required ? me : requireID(options.userID, 'userID');
    /** @type {Record<string, unknown>} */
    const frame = { op: 'set_member_info', GroupId: groupID, ...fields };
    if (userID !== me) frame.Member_Account = userID;
    await this.client.requests.request(frame);
    return { groupID, userID };
  }

  /**
   * `Chat#getGroupApplicationList`: the requests of one group, or of every group this user
   * runs (owner or admin).
   * @param {{groupID?: string}} [options]
   * @returns {Promise<Response<{applicationList: GroupApplication[]}>>}
   */
  async applications(options = {}) {
    if (!isObject(options)) throw invalid('getGroupApplicationList takes {groupID}');
    /** @type {string[]} */
    let groupIDs;
    if (options.groupID !== undefined) {
      groupIDs = [requireID(options.groupID, 'groupID')];
    } else {
      const groups = await this.client.groups.readJoined();
      groupIDs = groups.filter((g) => g.selfInfo.role !== TYPES.GRP_MBR_ROLE_MEMBER).map((g) => g.groupID);
    }
    /** @type {GroupApplication[]} */
    const applicationList = [];
    for (const groupID of groupIDs) {
      const reply = await this.client.requests.request({ op: 'get_group_requests', GroupId: groupID });
      applicationList.push(
        ...decodeOrThrow(() =>
          reply.arr('Requests').map((r, i) => decodeApplication(groupID, new Fields(r, `get_group_requests.Requests[${i}]`))),
        ),
      );
    }
    return { code: 0, data: { applicationList } };
  }

  /**
   * `Chat#handleGroupApplication`
   * @param {{handleAction: string, handleMessage?: string, application?: GroupApplication, message?: Message}} options
   * @returns {Promise<Response<{group: {groupID: string}, applicant: string, handleAction: string}>>}
   */
  async handle(options) {
    if (!isObject(options)) throw invalid('handleGroupApplication needs {handleAction, application}');
    const action = options.handleAction;
    if (action !== TYPES.GRP_APPLICATION_AGREE && action !== TYPES.GRP_APPLICATION_REJECT)
      throw invalid("handleAction must be 'Agree' or 'Reject'");
    const reason = optionalString(options.handleMessage, 'handleMessage');
    let groupID = '';
    let applicant = '';
    if (isObject(options.application)) {
      groupID = requireID(options.application.groupID, 'application.groupID');
      applicant = requireID(options.application.applicant, 'application.applicant');
    } else if (isObject(options.message) && options.message.type === TYPES.MSG_GRP_SYS_NOTICE) {
      const m = /** @type {Message} */ (options.message);
      const payload = /** @type {SystemNoticePayload} */ (m.payload);
      if (payload.operationType !== TYPES.GRP_SYS_JOIN_GROUP_REQUEST || payload.applicant === undefined)
        throw invalid('message must be a join request notice (GRP_SYS_JOIN_GROUP_REQUEST)');
      groupID = m.to;
      applicant = payload.applicant;
    } else {
      throw invalid('handleGroupApplication needs an application (getGroupApplicationList) or a join request notice');
    }
    await this.client.requests.request({
      op: 'answer_group_request',
      GroupId: groupID,
      Applicant_Account: applicant,
      Accept: action === TYPES.GRP_APPLICATION_AGREE,
      Reason: reason,
    });
    return { code: 0, data: { group: { groupID }, applicant, handleAction: action } };
  }
}
