// `Chat`'s calls for the groups that keep their members and messages (Work, Public,
// Meeting, Community): creating and dismissing them, the user's groups, members and their
// roles and fields, requests to join, remind types, owner transfer, mentions and reading
// every conversation at once. Joining, quitting, sending, history, reading and recall are
// `Chat`'s calls for every kind of conversation (chat.js).

/** @import { MessageRemindType, MemberRole } from './constants.js' */
/** @import { CreateGroupOptions, Group } from './groups.js' */
/** @import { GroupApplication, GroupMember } from './group-members.js' */
/** @import { Message, TextMessage } from './message.js' */
/** @import { TextAtMessageOptions } from './messages.js' */
/** @import { Response } from './session.js' */
import { clientOf } from './chat-base.js';
import { LiveRoomCalls } from './chat-live.js';

/** The group calls of `Chat`. */
export class GroupCalls extends LiveRoomCalls {
  /**
   * Creates a group; this user owns it and is its first member, with `memberList` beside
   * it. Work (`TYPES.GRP_WORK`), Public, Meeting and Community groups keep their members and
   * messages; an AVChatRoom is a live room (join it with `joinGroup`).
   * @param {CreateGroupOptions} options
   * @returns {Promise<Response<{group: Group}>>}
   */
  createGroup(options) {
    return clientOf(this).groups.create(options);
  }

  /**
   * Dismisses a group (its owner): every member gets a `GRP_SYS_DISMISSED` notice and
   * REMOVED_FROM_GROUP.
   * @param {string} groupID
   * @returns {Promise<Response<{groupID: string}>>}
   */
  dismissGroup(groupID) {
    return clientOf(this).groups.dismiss(groupID);
  }

  /**
   * The groups this user is in (those that keep their members), the most recently active
   * first. GROUP_LIST_UPDATED follows the list as it changes.
   * @returns {Promise<Response<{groupList: Group[]}>>}
   */
  getGroupList() {
    return clientOf(this).groups.list();
  }

  /**
   * A page of a group's members in user ID order (members only). Pass the page's `offset`
   * for the next page; a number skips that many members from the start.
   * @param {{groupID: string, count?: number, offset?: number|string}} options count 1–1000 (default 15)
   * @returns {Promise<Response<{memberList: GroupMember[], offset: string, memberCount: number, isCompleted: boolean}>>}
   */
  getGroupMemberList(options) {
    return clientOf(this).groupMembers.list(options);
  }

  /**
   * Adds users to a group: at once (owners and admins, or a group whose members invite
   * freely), or as invitations an owner or admin approves (`pendingUserIDList`). Users who
   * could not be added (no such account, banned, full, refused by the app) are in
   * `failureUserIDList`. 10007 when the group's members may not invite.
   * @param {{groupID: string, userIDList: string[]}} options
   * @returns {Promise<Response<{group: {groupID: string}, successUserIDList: string[], failureUserIDList: string[], existedUserIDList: string[], pendingUserIDList: string[]}>>}
   */
  addGroupMember(options) {
    return clientOf(this).groupMembers.add(options);
  }

  /**
   * Removes members (owners remove admins and members, admins members; in a Work group only
   * the owner). They get REMOVED_FROM_GROUP (`kicked`).
   * @param {{groupID: string, userIDList: string[], reason?: string}} options
   * @returns {Promise<Response<{group: {groupID: string}, userIDList: string[]}>>}
   */
  deleteGroupMember(options) {
    return clientOf(this).groupMembers.remove(options);
  }

  /**
   * The requests to join that wait for an answer: of one group, or of every group this user
   * owns or administers.
   * @param {{groupID?: string}} [options]
   * @returns {Promise<Response<{applicationList: GroupApplication[]}>>}
   */
  getGroupApplicationList(options) {
    return clientOf(this).groupMembers.applications(options);
  }

  /**
   * Answers a request to join (owners and admins): `Agree` makes the applicant a member,
   * `Reject` declines; the applicant (and an inviter) gets a `GRP_SYS_JOIN_GROUP_ACCEPT` or
   * `GRP_SYS_JOIN_GROUP_REFUSE` notice. 10024 when the request was answered already.
   * @param {{handleAction: 'Agree'|'Reject', handleMessage?: string, application?: GroupApplication, message?: Message}} options the request: an application from `getGroupApplicationList`, or its `GRP_SYS_JOIN_GROUP_REQUEST` notice
   * @returns {Promise<Response<{group: {groupID: string}, applicant: string, handleAction: string}>>}
   */
  handleGroupApplication(options) {
    return clientOf(this).groupMembers.handle(options);
  }

  /**
   * Makes a member an admin, or an ordinary member again (the owner; Work groups have no
   * admins). Members get a `GRP_TIP_MBR_SET_ADMIN` or `GRP_TIP_MBR_CANCELED_ADMIN` tip.
   * @param {{groupID: string, userID: string, role: MemberRole}} options role: `TYPES.GRP_MBR_ROLE_ADMIN` or `TYPES.GRP_MBR_ROLE_MEMBER`
   * @returns {Promise<Response<{group: {groupID: string}, userID: string, role: MemberRole}>>}
   */
  setGroupMemberRole(options) {
    return clientOf(this).groupMembers.setRole(options);
  }

  /**
   * Sets a member's name card: this user's own (no `userID`), or (owners and admins) that of
   * a member below them.
   * @param {{groupID: string, userID?: string, nameCard: string}} options
   * @returns {Promise<Response<{group: {groupID: string}, userID: string, nameCard: string}>>}
   */
  setGroupMemberNameCard(options) {
    return clientOf(this).groupMembers.setNameCard(options);
  }

  /**
   * Sets a member's custom fields (keys the app declared; an empty value deletes one): this
   * user's own, or (owners and admins) those of a member below them.
   * @param {{groupID: string, userID?: string, memberCustomField: Array<{key: string, value: string}>}} options
   * @returns {Promise<Response<{group: {groupID: string}, userID: string}>>}
   */
  setGroupMemberCustomField(options) {
    return clientOf(this).groupMembers.setCustomField(options);
  }

  /**
   * How this user wants a group's messages (`TYPES.MSG_REMIND_*`); its conversation's
   * `messageRemindType` follows.
   * @param {{groupID: string, messageRemindType: MessageRemindType}} options
   * @returns {Promise<Response<{groupID: string, messageRemindType: MessageRemindType}>>}
   */
  setMessageRemindType(options) {
    return clientOf(this).groups.setRemindType(options);
  }

  /**
   * Hands a group on to one of its members (its owner). Members get a
   * `GRP_TIP_GRP_PROFILE_UPDATED` tip and GROUP_PROFILE_UPDATED with `changes.ownerID`.
   * @param {{groupID: string, newOwnerID: string}} options
   * @returns {Promise<Response<{groupID: string, newOwnerID: string}>>}
   */
  changeGroupOwner(options) {
    return clientOf(this).groups.changeOwner(options);
  }

  /**
   * Creates a text message that mentions members of a group (`atUserList`;
   * `TYPES.MSG_AT_ALL` mentions everyone), for `sendMessage`.
   * @param {TextAtMessageOptions} options
   * @returns {TextMessage}
   */
  createTextAtMessage(options) {
    return clientOf(this).messages.createTextAt(options);
  }

  /**
   * Marks every conversation of `scope` read (`TYPES.READ_ALL_MSG`, the default;
   * `READ_ALL_C2C_MSG`, `READ_ALL_GROUP_MSG`): the conversation list is read, then each
   * conversation with unread messages.
   * @param {{scope?: string}} [options]
   * @returns {Promise<Response<{conversationIDList: string[]}>>}
   */
  setAllMessageRead(options) {
    const client = clientOf(this);
    client.sync.activate();
    return client.conversations.readAll(options);
  }
}
