// Compiled (never run) by `npm run typecheck`: the published declarations, imported through
// the package's own name and `exports`, must type an ordinary application.

import LiveRoom, {
  EVENT,
  TYPES,
  type Chat,
  type Conversation,
  type Friend,
  type Group,
  type GroupApplication,
  type GroupMember,
  type LiveRoomError,
  type Message,
  type MessageReactions,
  type Topic,
  type Profile,
  type UserStatus,
} from 'liveroom-sdk';

const chat: Chat = LiveRoom.create({ SDKAppID: 1400000001, url: 'ws://127.0.0.1:8080/ws', WebSocket });
// A cluster's nodes: a list, also a read-only one.
const nodes = ['ws://10.0.0.1:8080/ws', 'ws://10.0.0.2:8080/ws'] as const;
const clustered: Chat = LiveRoom.create({ SDKAppID: 1400000001, url: nodes, WebSocket });
// @ts-expect-error addresses are strings
LiveRoom.create({ SDKAppID: 1400000001, url: [8080], WebSocket });

chat.on(EVENT.MESSAGE_RECEIVED, (event) => {
  const messages: Message[] = event.data;
  for (const m of messages) {
    if (m.type === TYPES.MSG_TEXT) {
      const text: string = m.payload.text;
      console.log(m.nick, m.level, text);
    } else if (m.type === TYPES.MSG_GRP_TIP) {
      const op: number = m.payload.operationType;
      console.log(op, m.payload.userIDList);
    } else if (m.type === LiveRoom.TYPES.MSG_CUSTOM) {
      console.log(m.payload.data, m.payload.description);
    }
  }
});
chat.on(EVENT.GIFT_RECEIVED, ({ data }) => console.log(data.comboID, data.comboCount, data.echo));
chat.on(EVENT.LIVE_STATE_CHANGED, ({ data }) => console.log(data.liveState.state === TYPES.LIVE_STATE_LIVE));
chat.on(EVENT.ITEM_PINNED, ({ data }) => console.log(data.item ? data.item.Title : 'none'));
chat.on(EVENT.MUTED, ({ data }) => console.log(data.muted, data.muteRemaining));
chat.on(EVENT.NET_STATE_CHANGE, ({ data }) => console.log(data.state));
chat.on(EVENT.KICKED_OUT, ({ data }) => console.log(data.type));
chat.on(EVENT.MESSAGE_RECALLED, ({ data }) => console.log(data.groupID, data.sequence.toFixed(0), data.operatorID));
// @ts-expect-error the likes total is a number
chat.on(EVENT.LIKES_UPDATED, ({ data }) => data.total.toUpperCase());
// @ts-expect-error unknown event names are refused
chat.on('noSuchEvent', () => {});

async function main(): Promise<void> {
  const login = await chat.login({ userID: 'alice', userSig: '...', platform: 'Web' });
  const level: number = login.data.level;
  const joined = await chat.joinGroup({ groupID: 'room-1' });
  const count: number = joined.data.memberCount;
  const message = chat.createTextMessage({ to: 'room-1', payload: { text: 'hi' }, priority: TYPES.MSG_PRIORITY_HIGH });
  try {
    const sent = await chat.sendMessage(message);
    const seq: number = sent.data.message.sequence;
    console.log(level, count, seq);
  } catch (err) {
    const e = err as LiveRoomError;
    if (e.code === LiveRoom.ERROR_CODE.TIMEOUT || e.code === 10017) console.log(e.message);
  }
  const likes = await chat.like('room-1', 3);
  console.log(likes.data.added);
  await chat.setLiveState('room-1', TYPES.LIVE_STATE_LIVE, { newSession: false });
  await chat.pinItem('room-1', { ItemId: 'sku-1', Title: 'Mug', Price: 9.5 });
  await chat.startDraw('room-1', { keyword: '666', duration: 60, winners: 3 });
  await chat.mute('room-1', ['troll'], 300);
  await chat.ban('room-1', 'troll', TYPES.MUTE_PERMANENT, 'spam');
  // @ts-expect-error a live state is one of the five names
  await chat.setLiveState('room-1', 'Streaming');
  await chat.destroy();
}

// One-to-one chat.
chat.on(EVENT.CONVERSATION_LIST_UPDATED, ({ data }) => {
  const list: Conversation[] = data;
  for (const c of list) console.log(c.conversationID, c.unreadCount, c.isPinned, c.lastMessage ? c.lastMessage.sequence : 0);
});
chat.on(EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, ({ data }) => console.log(data.toFixed(0)));
chat.on(EVENT.MESSAGE_REVOKED, ({ data }) => data.forEach((r) => console.log(r.conversationID, r.sequence, r.messageKey)));
chat.on(EVENT.MESSAGE_MODIFIED, ({ data }) => data.forEach((m) => console.log(m.conversationType === TYPES.CONV_C2C, m.isModified)));
chat.on(EVENT.MESSAGE_READ_BY_PEER, ({ data }) => data.forEach((r) => console.log(r.userID, r.sequence)));
chat.on(EVENT.TYPING_STATUS_UPDATED, ({ data }) => console.log(data.userID, data.isTyping));

async function direct(): Promise<void> {
  const message = chat.createTextMessage({ to: 'bob', conversationType: TYPES.CONV_C2C, payload: { text: 'hi' } });
  const sent = await chat.sendMessage(message, { onlineUserOnly: false, messageControlInfo: { excludedFromUnreadCount: true } });
  const key: string = sent.data.message.messageKey;
  const { data } = await chat.getConversationList();
  const unread: number = data.conversationList[0].unreadCount;
  const page = await chat.getMessageList({ conversationID: 'C2Cbob', nextReqMessageID: '' });
  const older = page.data.isCompleted ? null : await chat.getMessageList({ conversationID: 'C2Cbob', nextReqMessageID: page.data.nextReqMessageID });
  await chat.setMessageRead({ conversationID: 'C2Cbob' });
  if (sent.data.message.type === TYPES.MSG_TEXT) sent.data.message.payload.text = 'edited';
  await chat.modifyMessage(sent.data.message);
  await chat.revokeMessage(sent.data.message);
  await chat.pinConversation({ conversationID: 'C2Cbob', isPinned: true });
  await chat.deleteConversation({ conversationIDList: ['C2Cbob'], clearHistoryMessage: false });
  const typed: boolean = (await chat.sendTypingStatus({ conversationID: 'C2Cbob' })).data.sent;
  const total: number = chat.getTotalUnreadMessageCount();
  // @ts-expect-error pinConversation needs isPinned
  await chat.pinConversation({ conversationID: 'C2Cbob' });
  console.log(key, unread, older, typed, total);
}

// Profiles, friends and presence.
chat.on(EVENT.PROFILE_UPDATED, ({ data }) => data.forEach((p: Profile) => console.log(p.userID, p.nick, p.profileCustomField)));
chat.on(EVENT.FRIEND_LIST_UPDATED, ({ data }) => data.forEach((f: Friend) => console.log(f.userID, f.remark, f.profile.avatar)));
chat.on(EVENT.FRIEND_APPLICATION_LIST_UPDATED, ({ data }) =>
  data.friendApplicationList.forEach((a) => console.log(a.userID, a.type === TYPES.SNS_APPLICATION_SENT_TO_ME, a.wording)),
);
chat.on(EVENT.BLACKLIST_UPDATED, ({ data }) => console.log(data.join()));
chat.on(EVENT.USER_STATUS_UPDATED, ({ data }) =>
  data.forEach((s: UserStatus) => console.log(s.userID, s.statusType === TYPES.USER_STATUS_ONLINE, s.customStatus)),
);

async function social(): Promise<void> {
  const { data: profiles } = await chat.getUserProfile({ userIDList: ['bob'] });
  const mine: Profile = (
    await chat.updateMyProfile({
      nick: 'Alice',
      gender: TYPES.GENDER_FEMALE,
      allowType: TYPES.ALLOW_TYPE_NEED_CONFIRM,
      birthday: 20000101,
      profileCustomField: [{ key: 'Tag_Profile_Custom_Hobby', value: 'chess' }],
    })
  ).data;
  // @ts-expect-error a birthday is a number
  await chat.updateMyProfile({ birthday: '2000-01-01' });
  const added = await chat.addFriend({ to: 'bob', wording: 'hi', type: TYPES.SNS_ADD_TYPE_BOTH });
  const pending: boolean = added.data.isPending;
  await chat.acceptFriendApplication({ userID: 'carol', remark: 'Carol' });
  await chat.refuseFriendApplication({ userID: 'mallory' });
  const { data: applications } = await chat.getFriendApplicationList();
  const deleted = await chat.deleteFriend({ userIDList: ['bob'], type: TYPES.SNS_DELETE_TYPE_SINGLE });
  const friends: Friend[] = (await chat.getFriendList()).data;
  const blocked: string[] = (await chat.addToBlacklist({ userIDList: ['mallory'] })).data;
  await chat.removeFromBlacklist({ userIDList: ['mallory'] });
  const blocklist: string[] = (await chat.getBlacklist()).data;
  await chat.subscribeUserStatus({ userIDList: ['bob'] });
  await chat.unsubscribeUserStatus();
  const statuses: UserStatus[] = (await chat.getUserStatus({ userIDList: ['bob'] })).data.successUserList;
  await chat.setSelfStatus({ customStatus: 'busy' });
  console.log(profiles, mine, pending, applications, deleted.data.failureUserIDList, friends, blocked, blocklist, statuses);
}

// Groups that keep their members and messages.
chat.on(EVENT.GROUP_LIST_UPDATED, ({ data }) => data.forEach((g: Group) => console.log(g.groupID, g.type, g.selfInfo.role)));
chat.on(EVENT.GROUP_SYSTEM_NOTICE_RECEIVED, ({ data }) => {
  if (data.type === TYPES.GRP_SYS_JOIN_GROUP_REQUEST && data.message.type === TYPES.MSG_GRP_SYS_NOTICE)
    console.log(data.message.payload.applicant, data.message.payload.messageForCheck);
});
chat.on(EVENT.REMOVED_FROM_GROUP, ({ data }) => console.log(data.reason === 'kicked', data.description));
chat.on(EVENT.MESSAGE_REVOKED, ({ data }) => data.forEach((r) => console.log(r.operatorID)));

async function groups(): Promise<void> {
  const { data: created } = await chat.createGroup({
    type: TYPES.GRP_WORK,
    name: 'Team',
    memberList: ['bob', { userID: 'carol' }],
    joinOption: TYPES.JOIN_OPTIONS_NEED_PERMISSION,
    inviteOption: TYPES.INVITE_OPTIONS_FREE_ACCESS,
  });
  const groupID: string = created.group.groupID;
  const joined = await chat.joinGroup({ groupID: 'fans', applyMessage: 'hi', type: TYPES.GRP_PUBLIC });
  const waiting: boolean = joined.data.status === TYPES.JOIN_STATUS_WAIT_APPROVAL;
  const list: Group[] = (await chat.getGroupList()).data.groupList;
  const page = (await chat.getGroupMemberList({ groupID, count: 50, offset: 0 })).data;
  const members: GroupMember[] = page.memberList;
  const next = await chat.getGroupMemberList({ groupID, offset: page.offset });
  const added = await chat.addGroupMember({ groupID, userIDList: ['dave'] });
  await chat.deleteGroupMember({ groupID, userIDList: ['dave'], reason: 'bye' });
  const applications: GroupApplication[] = (await chat.getGroupApplicationList()).data.applicationList;
  await chat.handleGroupApplication({ handleAction: 'Agree', application: applications[0] });
  await chat.setGroupMemberRole({ groupID, userID: 'bob', role: TYPES.GRP_MBR_ROLE_ADMIN });
  await chat.setGroupMemberNameCard({ groupID, nameCard: 'Boss' });
  await chat.setGroupMemberCustomField({ groupID, userID: 'bob', memberCustomField: [{ key: 'level', value: '2' }] });
  await chat.setMessageRemindType({ groupID, messageRemindType: TYPES.MSG_REMIND_ACPT_NOT_NOTE });
  await chat.changeGroupOwner({ groupID, newOwnerID: 'bob' });
  const at = chat.createTextAtMessage({ to: groupID, payload: { text: '@all', atUserList: [TYPES.MSG_AT_ALL] } });
  await chat.sendMessage(at, { onlineUserOnly: false, messageControlInfo: { excludedFromLastMessage: true } });
  const history = await chat.getMessageList({ conversationID: `GROUP${groupID}`, count: 20 });
  await chat.setMessageRead({ conversationID: `GROUP${groupID}` });
  await chat.setAllMessageRead({ scope: TYPES.READ_ALL_GROUP_MSG });
  const c = (await chat.getConversationList()).data.conversationList[0];
  const type: string = c.groupProfile ? c.groupProfile.type : c.userID;
  await chat.quitGroup(groupID);
  await chat.dismissGroup(groupID);
  // @ts-expect-error a role is Admin or Member
  await chat.setGroupMemberRole({ groupID, userID: 'bob', role: 'Boss' });
  // @ts-expect-error handleAction is Agree or Reject
  await chat.handleGroupApplication({ handleAction: 'Maybe', application: applications[0] });
  console.log(waiting, list, members, next, added.data.pendingUserIDList, history.data.messageList, type, at.atUserList);
}

// Communities' topics, reactions, extensions, read receipts, edits.
async function community() {
  const { data: created } = await chat.createTopicInCommunity({ groupID: 'guild', topicName: 'general', introduction: 'hi' });
  const topicID: string = created.topicID;
  const { data: topics } = await chat.getTopicList({ groupID: 'guild' });
  const topic: Topic = topics.successTopicList[0];
  const unread: number = topic.unreadCount;
  const mentioned: boolean = topic.groupAtInfoList.some((a) => a.atTypeArray.includes(TYPES.CONV_AT_ME));
  await chat.updateTopicProfile({ groupID: 'guild', topicID, topicName: 'lobby', muteAllMembers: false });
  await chat.setTopicProfile({ groupID: 'guild', topicID, notification: 'be nice' });
  const { data: sent } = await chat.sendMessage(chat.createTextMessage({ to: topicID, payload: { text: 'hello' }, isSupportExtension: true }));
  await chat.addMessageReaction(sent.message, '👍');
  await chat.removeMessageReaction(sent.message, '👍');
  const reactions: MessageReactions[] = (await chat.getMessageReactions({ messageList: [sent.message] })).data;
  const ext = await chat.setMessageExtensions(sent.message, [{ key: 'vote', value: 'yes' }]);
  const code: number = ext.data.extensions[0].code;
  const read = await chat.getMessageExtensions(sent.message);
  const receipts = await chat.getMessageReadReceiptList([sent.message]);
  const readCount: number | undefined = receipts.data.messageList[0].readReceiptInfo?.readCount;
  await chat.modifyMessage(sent.message);
  const profile = (await chat.getGroupProfile({ groupID: 'guild' })).data.group;
  const hasTopics: boolean = profile.isSupportTopic;
  const communities: Group[] = (await chat.getJoinedCommunityList()).data.groupList;
  await chat.deleteTopicFromCommunity({ groupID: 'guild', topicIDList: [topicID] });
  await chat.pinConversation({ conversationID: 'GROUPguild', isPinned: true });
  chat.on(EVENT.TOPIC_UPDATED, (event) => {
    const t: Topic = event.data.topic;
    console.log(t.topicName);
  });
  chat.on(EVENT.TOPIC_DELETED, (event) => console.log(event.data.topicIDList.length));
  chat.on(EVENT.MESSAGE_REACTIONS_UPDATED, (event) => console.log(event.data.reactionList[0].totalUserCount));
  chat.on(EVENT.MESSAGE_EXTENSIONS_UPDATED, (event) => console.log(event.data.extensions[0].key));
  const c = (await chat.getConversationList()).data.conversationList[0];
  const atMe: boolean = c.groupAtInfoList.length > 0;
  // @ts-expect-error topicName is required
  await chat.createTopicInCommunity({ groupID: 'guild' });
  console.log(unread, mentioned, reactions, code, read.data.extensions, readCount, hasTopics, communities, atMe);
}

void main;
void community;
void direct;
void social;
void groups;
void clustered;
