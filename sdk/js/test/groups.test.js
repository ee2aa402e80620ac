// Groups that keep their members and messages (Work, Public, Meeting, Community) against a
// real server: creating them with members, joining freely and by request (the owner sees
// the request, answers it, the applicant hears), invitations and removals, messages
// numbered per group on every member's devices, the conversation list's unread counts and
// reads from another device, recall, member pages, roles, owner transfer, and refusals with
// the server's codes.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EVENT, LiveRoomError, TYPES } from '../liveroom.js';
import { nextEvent, record, socketProbe, startServer, waitUntil } from './support.js';

/** @type {import('./support.js').TestServer} */
let server;

const PEOPLE = ['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal', 'ivy', 'jon', 'kim', 'lee'];

before(async () => {
  server = await startServer();
  for (const id of PEOPLE) await server.importUser(id, id.toUpperCase());
  for (let i = 0; i < 24; i++) await server.importUser(`m${String(i).padStart(2, '0')}`, `Member ${i}`);
});

after(() => server.stop());

/**
 * A logged-in client that follows its conversations (the first list read done), recording
 * what it receives.
 * @param {string} userID
 * @param {Partial<import('../liveroom.js').CreateOptions>} [options]
 */
async function member(userID, options = {}) {
  const chat = server.chat(options);
  const inbox = record(chat, EVENT.MESSAGE_RECEIVED);
  const lists = record(chat, EVENT.CONVERSATION_LIST_UPDATED);
  const listed = nextEvent(chat, EVENT.CONVERSATION_LIST_UPDATED);
  await chat.login({ userID, userSig: server.userSig(userID) });
  await listed;
  return { chat, inbox, lists };
}

/**
 * @param {import('../liveroom.js').Chat} chat
 * @param {string} groupID
 * @param {string} text
 * @param {Record<string, unknown>} [options] of sendMessage
 */
async function say(chat, groupID, text, options) {
  const { data } = await chat.sendMessage(chat.createTextMessage({ to: groupID, payload: { text } }), options);
  return data.message;
}

/**
 * A group's messages and tips in a recorded inbox, as `text#sequence` (tips as `tip<op>`).
 * @param {any[]} inbox
 * @param {string} groupID
 */
function thread(inbox, groupID) {
  return inbox
    .filter((m) => m.conversationID === `GROUP${groupID}` && m.type !== TYPES.MSG_GRP_SYS_NOTICE)
    .map((m) => {
      const what = m.type === TYPES.MSG_GRP_TIP ? `tip${m.payload.operationType}` : m.type === TYPES.MSG_TEXT ? m.payload.text : m.type;
      return `${what}#${m.sequence}`;
    });
}

/**
 * A group's entry in the latest conversation list a recorder saw.
 * @param {any[]} lists
 * @param {string} groupID
 */
function entry(lists, groupID) {
  const list = lists[lists.length - 1] || [];
  return list.find((/** @type {any} */ c) => c.conversationID === `GROUP${groupID}`);
}

/**
 * A promise for the server's refusal of `call`, checked to be a LiveRoomError with `code`.
 * @param {Promise<unknown>} call
 * @param {number} code
 */
function refused(call, code) {
  return assert.rejects(call, (/** @type {any} */ e) => {
    assert.ok(e instanceof LiveRoomError, `a LiveRoomError, not ${e}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

test('a group created with members: messages numbered per group reach every member device, and history pages back', async () => {
  const ann = await member('ann');
  const ann2 = await member('ann');
  const bob = await member('bob');
  const bob2 = await member('bob');
  const cat = await member('cat');

  const created = await ann.chat.createGroup({
    type: TYPES.GRP_PUBLIC,
    groupID: 'fans',
    name: 'Fans',
    introduction: 'all of them',
    memberList: ['bob', { userID: 'cat' }],
  });
  assert.equal(created.data.group.groupID, 'fans');
  assert.equal(created.data.group.type, TYPES.GRP_PUBLIC);
  assert.equal(created.data.group.selfInfo.role, TYPES.GRP_MBR_ROLE_OWNER);
  const bobList = (await bob.chat.getGroupList()).data.groupList;
  assert.deepEqual(
    bobList.map((g) => [g.groupID, g.type, g.name, g.selfInfo.role]),
    [['fans', 'Public', 'Fans', 'Member']],
  );

  const hello = await say(ann.chat, 'fans', 'hello');
  assert.equal(hello.sequence, 1);
  assert.equal(hello.conversationID, 'GROUPfans');
  const reply = await say(cat.chat, 'fans', 'hi ann');
  assert.equal(reply.sequence, 2, 'one numbering per group, whoever sends');
  const custom = await ann.chat.sendMessage(ann.chat.createCustomMessage({ to: 'fans', payload: { data: 'card' } }));
  assert.equal(custom.data.message.sequence, 3);

  for (const m of [bob, bob2]) await waitUntil(() => thread(m.inbox, 'fans').length === 3, 'three messages on each of bob\'s devices');
  assert.deepEqual(thread(bob.inbox, 'fans'), ['hello#1', 'hi ann#2', 'TIMCustomElem#3']);
  assert.deepEqual(thread(bob2.inbox, 'fans'), ['hello#1', 'hi ann#2', 'TIMCustomElem#3']);
  const got = bob.inbox.find((m) => m.sequence === 1 && m.conversationID === 'GROUPfans');
  assert.equal(got.conversationType, TYPES.CONV_GROUP);
  assert.equal(got.from, 'ann');
  assert.equal(got.to, 'fans');
  assert.equal(got.flow, 'in');
  assert.equal(got.nick, 'ANN');
  assert.equal(got.ID, hello.ID, 'the same ID on every device');
  // The sending connection gets the reply, the sender's other device the message.
  await waitUntil(() => thread(ann2.inbox, 'fans').length === 3, 'ann\'s other device');
  assert.equal(ann2.inbox.find((m) => m.sequence === 1).flow, 'out');
  await waitUntil(() => thread(ann.inbox, 'fans').length === 1, 'cat\'s message on ann\'s device');
  assert.deepEqual(thread(ann.inbox, 'fans'), ['hi ann#2']);

  // The conversation list: one entry for the group, counting what others sent.
  await waitUntil(() => entry(bob.lists, 'fans')?.unreadCount === 3, 'bob\'s unread count');
  const listed = (await bob.chat.getConversationList()).data.conversationList.find((c) => c.groupID === 'fans');
  assert.ok(listed);
  assert.equal(listed.conversationID, 'GROUPfans');
  assert.equal(listed.type, TYPES.CONV_GROUP);
  assert.equal(listed.userID, '');
  assert.equal(listed.unreadCount, 3);
  assert.equal(listed.lastSequence, 3);
  assert.deepEqual(listed.groupProfile, { groupID: 'fans', type: 'Public', name: 'Fans', avatar: '' });
  assert.equal(listed.messageRemindType, TYPES.MSG_REMIND_ACPT_AND_NOTE);
  assert.equal(listed.lastMessage?.type, TYPES.MSG_CUSTOM);
  assert.equal(bob.chat.getTotalUnreadMessageCount(), 3);
  // Her own message read what came before it: only ann's last one counts.
  await waitUntil(() => entry(cat.lists, 'fans')?.lastSequence === 3, 'cat\'s list');
  assert.equal(entry(cat.lists, 'fans').unreadCount, 1);

  // History, newest page first, oldest first within a page.
  const first = await bob.chat.getMessageList({ conversationID: 'GROUPfans', count: 2 });
  assert.deepEqual(
    first.data.messageList.map((m) => m.sequence),
    [2, 3],
  );
  assert.equal(first.data.isCompleted, false);
  const older = await bob.chat.getMessageList({ conversationID: 'GROUPfans', nextReqMessageID: first.data.nextReqMessageID });
  assert.deepEqual(
    older.data.messageList.map((m) => [m.sequence, m.from, m.flow]),
    [[1, 'ann', 'in']],
  );
  assert.equal(older.data.isCompleted, true);
  const mine = (await ann.chat.getMessageList({ conversationID: 'GROUPfans' })).data.messageList;
  assert.deepEqual(
    mine.map((m) => m.flow),
    ['out', 'in', 'out'],
  );

  // Not a member: no sends, no history.
  const dan = await member('dan');
  await refused(say(dan.chat, 'fans', 'let me talk'), 10007);
  await refused(dan.chat.getMessageList({ conversationID: 'GROUPfans' }), 10007);
});

test('joining: at once where it is free; by a request the owner sees and answers where it needs approval', async () => {
  const ann = await member('ann');
  const dan = await member('dan');
  const eve = await member('eve');
  const fay = await member('fay');
  await ann.chat.createGroup({ type: TYPES.GRP_MEETING, groupID: 'meet', name: 'Meeting' });
  await ann.chat.createGroup({ type: TYPES.GRP_PUBLIC, groupID: 'club', name: 'Club' });
  await ann.chat.createGroup({ type: TYPES.GRP_WORK, groupID: 'team', name: 'Team' });

  // Free: a member at once; the members hear of it.
  const joinTip = nextEvent(ann.chat, EVENT.MESSAGE_RECEIVED, (l) =>
    l.some((/** @type {any} */ m) => m.to === 'meet' && m.payload.operationType === TYPES.GRP_TIP_MBR_JOIN),
  );
  const joined = await dan.chat.joinGroup({ groupID: 'meet' });
  assert.equal(joined.data.status, TYPES.JOIN_STATUS_SUCCESS);
  assert.equal(joined.data.group.type, TYPES.GRP_MEETING);
  assert.equal(joined.data.group.name, 'Meeting');
  assert.equal(joined.data.role, 'Member');
  assert.equal(joined.data.memberCount, 2);
  await joinTip;
  const again = await dan.chat.joinGroup({ groupID: 'meet' });
  assert.equal(again.data.status, TYPES.JOIN_STATUS_ALREADY_IN_GROUP);

  // With approval: the request waits; the owner gets a notice and the list.
  const notices = record(ann.chat, EVENT.GROUP_SYSTEM_NOTICE_RECEIVED);
  const asked = await eve.chat.joinGroup({ groupID: 'club', applyMessage: 'let me in' });
  assert.equal(asked.data.status, TYPES.JOIN_STATUS_WAIT_APPROVAL);
  assert.equal(asked.data.role, '');
  await fay.chat.joinGroup({ groupID: 'club', type: TYPES.GRP_PUBLIC });
  await waitUntil(() => notices.length === 2, 'two request notices on the owner\'s device');
  const notice = notices[0];
  assert.equal(notice.type, TYPES.GRP_SYS_JOIN_GROUP_REQUEST);
  assert.equal(notice.message.type, TYPES.MSG_GRP_SYS_NOTICE);
  assert.equal(notice.message.to, 'club');
  assert.equal(notice.message.payload.applicant, 'eve');
  assert.equal(notice.message.payload.operatorID, 'eve');
  assert.equal(notice.message.payload.messageForCheck, 'let me in');
  assert.equal(notice.message.payload.applicationType, TYPES.GRP_APPLICATION_TYPE_JOIN);
  assert.ok(ann.inbox.includes(notice.message), 'also a MESSAGE_RECEIVED');
  const { applicationList } = (await ann.chat.getGroupApplicationList()).data;
  applicationList.sort((a, b) => (a.applicant < b.applicant ? -1 : 1));
  assert.deepEqual(
    applicationList.map((a) => [a.groupID, a.applicant, a.applicationType, a.messageForCheck]),
    [
      ['club', 'eve', TYPES.GRP_APPLICATION_TYPE_JOIN, 'let me in'],
      ['club', 'fay', TYPES.GRP_APPLICATION_TYPE_JOIN, ''],
    ],
  );

  // Agreed from the notice: eve is a member and hears it; declined: fay hears it.
  const eveHears = nextEvent(eve.chat, EVENT.GROUP_SYSTEM_NOTICE_RECEIVED);
  const eveGroups = nextEvent(eve.chat, EVENT.GROUP_LIST_UPDATED, (l) => l.some((/** @type {any} */ g) => g.groupID === 'club'));
  await ann.chat.handleGroupApplication({ handleAction: 'Agree', message: notice.message });
  const accepted = await eveHears;
  assert.equal(accepted.type, TYPES.GRP_SYS_JOIN_GROUP_ACCEPT);
  assert.equal(accepted.message.payload.operatorID, 'ann');
  await eveGroups;
  const fayHears = nextEvent(fay.chat, EVENT.GROUP_SYSTEM_NOTICE_RECEIVED);
  await ann.chat.handleGroupApplication({
    handleAction: 'Reject',
    handleMessage: 'not now',
    application: applicationList[1],
  });
  const declined = await fayHears;
  assert.equal(declined.type, TYPES.GRP_SYS_JOIN_GROUP_REFUSE);
  assert.equal(declined.message.payload.handleMessage, 'not now');
  await refused(ann.chat.handleGroupApplication({ handleAction: 'Agree', application: applicationList[1] }), 10024);
  assert.deepEqual((await ann.chat.getGroupApplicationList({ groupID: 'club' })).data.applicationList, []);

  // The new member's messages reach the group; the one declined is not in it.
  const got = nextEvent(ann.chat, EVENT.MESSAGE_RECEIVED, (l) => l.some((/** @type {any} */ m) => m.payload.text === 'thanks'));
  await say(eve.chat, 'club', 'thanks');
  await got;
  await refused(say(fay.chat, 'club', 'me too'), 10007);

  // Work groups take no requests; members invite.
  await refused(dan.chat.joinGroup({ groupID: 'team' }), 10007);
  await refused(dan.chat.joinGroup({ groupID: 'team', type: TYPES.GRP_WORK, applyMessage: 'please' }), 10007);
});

test('invitations and removals; the invited and the removed hear of it', async () => {
  const ann = await member('ann');
  const gus = await member('gus');
  const hal = await member('hal');
  await ann.chat.createGroup({ type: TYPES.GRP_WORK, groupID: 'crew', name: 'Crew' });

  const gusJoined = nextEvent(gus.chat, EVENT.GROUP_LIST_UPDATED, (l) => l.some((/** @type {any} */ g) => g.groupID === 'crew'));
  const added = await ann.chat.addGroupMember({ groupID: 'crew', userIDList: ['gus', 'hal', 'nobody-here'] });
  assert.deepEqual(added.data.successUserIDList, ['gus', 'hal']);
  assert.deepEqual(added.data.failureUserIDList, ['nobody-here']);
  await gusJoined;
  await waitUntil(
    () => thread(gus.inbox, 'crew').some((t) => t.startsWith(`tip${TYPES.GRP_TIP_MBR_INVITED}#`)),
    'the invitation tip on gus\'s device',
  );
  const tip = gus.inbox.find((m) => m.to === 'crew' && m.type === TYPES.MSG_GRP_TIP);
  assert.deepEqual(tip.payload.userIDList, ['gus', 'hal']);
  assert.equal(tip.payload.operatorID, 'ann');
  assert.ok(tip.sequence > 0, 'a Work group keeps its tips, numbered');
  const again = await ann.chat.addGroupMember({ groupID: 'crew', userIDList: ['gus'] });
  assert.deepEqual(again.data.existedUserIDList, ['gus']);

  // Only the owner removes members of a Work group.
  await refused(gus.chat.deleteGroupMember({ groupID: 'crew', userIDList: ['hal'] }), 10007);
  await say(ann.chat, 'crew', 'welcome');
  await waitUntil(() => thread(hal.inbox, 'crew').some((t) => t.startsWith('welcome')), 'the message on hal\'s device');
  await waitUntil(() => entry(hal.lists, 'crew')?.lastMessage?.payload.text === 'welcome', 'the group on hal\'s list');
  const removed = nextEvent(hal.chat, EVENT.REMOVED_FROM_GROUP);
  const halList = nextEvent(hal.chat, EVENT.CONVERSATION_LIST_UPDATED, (l) => !l.some((/** @type {any} */ c) => c.groupID === 'crew'));
  await ann.chat.deleteGroupMember({ groupID: 'crew', userIDList: ['hal'], reason: 'done' });
  assert.deepEqual(await removed, { groupID: 'crew', reason: 'kicked', operatorID: 'ann', description: 'done' });
  await halList;
  await refused(say(hal.chat, 'crew', 'still here?'), 10007);
  const members = (await ann.chat.getGroupMemberList({ groupID: 'crew' })).data;
  assert.deepEqual(
    members.memberList.map((m) => [m.userID, m.role]),
    [
      ['ann', 'Owner'],
      ['gus', 'Member'],
    ],
  );

  // Members' invitations that need approval wait for the owner.
  await ann.chat.createGroup({
    type: TYPES.GRP_PUBLIC,
    groupID: 'salon',
    name: 'Salon',
    memberList: ['gus'],
    inviteOption: TYPES.INVITE_OPTIONS_NEED_PERMISSION,
  });
  const request = nextEvent(
    ann.chat,
    EVENT.GROUP_SYSTEM_NOTICE_RECEIVED,
    (n) => n.message.to === 'salon' && n.type === TYPES.GRP_SYS_JOIN_GROUP_REQUEST,
  );
  const invited = await gus.chat.addGroupMember({ groupID: 'salon', userIDList: ['hal'] });
  assert.deepEqual(invited.data.pendingUserIDList, ['hal']);
  const notice = await request;
  assert.equal(notice.message.payload.applicationType, TYPES.GRP_APPLICATION_TYPE_INVITE);
  assert.equal(notice.message.payload.inviterID, 'gus');
  assert.equal(notice.message.payload.applicant, 'hal');
  const halHears = nextEvent(hal.chat, EVENT.GROUP_SYSTEM_NOTICE_RECEIVED);
  const gusHears = nextEvent(gus.chat, EVENT.GROUP_SYSTEM_NOTICE_RECEIVED, (n) => n.type === TYPES.GRP_SYS_JOIN_GROUP_ACCEPT);
  await ann.chat.handleGroupApplication({ handleAction: 'Agree', message: notice.message });
  assert.equal((await halHears).type, TYPES.GRP_SYS_JOIN_GROUP_ACCEPT);
  await gusHears;
  await ann.chat.createGroup({
    type: TYPES.GRP_PUBLIC,
    groupID: 'closed',
    name: 'Closed',
    memberList: ['gus'],
    inviteOption: TYPES.INVITE_OPTIONS_DISABLE_INVITE,
  });
  await refused(gus.chat.addGroupMember({ groupID: 'closed', userIDList: ['hal'] }), 10007);
});

test('unread counts on the list, read on another device, own messages, Meeting groups', async () => {
  const ann = await member('ann');
  const ivy = await member('ivy');
  const ivy2 = await member('ivy');
  const totals = record(ivy2.chat, EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED);
  await ann.chat.createGroup({ type: TYPES.GRP_COMMUNITY, groupID: 'town', name: 'Town', memberList: ['ivy'] });
  await ann.chat.createGroup({ type: TYPES.GRP_MEETING, groupID: 'call', name: 'Call', memberList: ['ivy'] });

  for (const text of ['one', 'two', 'three']) await say(ann.chat, 'town', text);
  await say(ann.chat, 'call', 'meeting talk');
  for (const m of [ivy, ivy2]) await waitUntil(() => entry(m.lists, 'town')?.unreadCount === 3, 'three unread on each device');
  // Once the SDK knows it is a Meeting group (it reads the user's groups when it first hears of one).
  await waitUntil(
    () => entry(ivy.lists, 'call')?.lastMessage?.payload.text === 'meeting talk' && entry(ivy.lists, 'call').groupProfile.type === TYPES.GRP_MEETING,
    'the meeting message',
  );
  assert.equal(entry(ivy.lists, 'call').unreadCount, 0, 'Meeting groups count no unread messages');
  await waitUntil(() => totals[totals.length - 1] === 3, 'a total of 3');

  // The server's list agrees.
  const fromServer = (await ivy.chat.getConversationList()).data.conversationList;
  assert.equal(fromServer.find((c) => c.groupID === 'town')?.unreadCount, 3);
  assert.equal(fromServer.find((c) => c.groupID === 'call')?.unreadCount, 0);

  // Read on one device: the other's list and total follow.
  const read = await ivy.chat.setMessageRead({ conversationID: 'GROUPtown' });
  assert.deepEqual(read.data, { conversationID: 'GROUPtown', readSequence: 3, unreadCount: 0 });
  await waitUntil(() => entry(ivy2.lists, 'town')?.unreadCount === 0, 'the read on the other device');
  await waitUntil(() => totals[totals.length - 1] === 0, 'a total of 0');
  assert.equal(entry(ivy2.lists, 'town').readSequence, 3);

  // Counting again; the member's own message reads what came before it.
  await say(ann.chat, 'town', 'four');
  await waitUntil(() => entry(ivy2.lists, 'town')?.unreadCount === 1, 'one unread');
  await say(ivy.chat, 'town', 'read it');
  await waitUntil(() => entry(ivy2.lists, 'town')?.unreadCount === 0 && entry(ivy2.lists, 'town')?.lastSequence === 5, 'her own message');
  assert.equal((await ivy2.chat.getConversationList()).data.conversationList.find((c) => c.groupID === 'town')?.unreadCount, 0);

  // Not counted, not moving the list: the server's list shows it.
  await say(ann.chat, 'town', 'quiet', { messageControlInfo: { excludedFromUnreadCount: true, excludedFromLastMessage: true } });
  const quiet = (await ivy.chat.getConversationList()).data.conversationList.find((c) => c.groupID === 'town');
  assert.equal(quiet?.unreadCount, 0);
  assert.equal(quiet?.lastMessage?.payload.text, 'read it');
  await say(ann.chat, 'town', 'five');
  await waitUntil(() => entry(ivy.lists, 'town')?.lastMessage?.payload.text === 'five', 'the last message');
  await ivy.chat.setAllMessageRead({ scope: TYPES.READ_ALL_GROUP_MSG });
  assert.equal(ivy.chat.getTotalUnreadMessageCount(), 0);

  // Online only: delivered, never stored, never on the list.
  const live = nextEvent(ivy.chat, EVENT.MESSAGE_RECEIVED, (l) => l.some((/** @type {any} */ m) => m.payload.text === 'now only'));
  const sent = await say(ann.chat, 'town', 'now only', { onlineUserOnly: true });
  assert.equal(sent.sequence, 0);
  assert.equal(sent.onlineOnly, true);
  await live;
});

test('recall: one\'s own message, or (owners and admins) anyone\'s; every member hears', async () => {
  const ann = await member('ann');
  const jon = await member('jon');
  const kim = await member('kim');
  await ann.chat.createGroup({ type: TYPES.GRP_PUBLIC, groupID: 'chat', name: 'Chat', memberList: ['jon', 'kim'] });
  const annRevoked = record(ann.chat, EVENT.MESSAGE_REVOKED);
  const kimRevoked = record(kim.chat, EVENT.MESSAGE_REVOKED);

  await say(jon.chat, 'chat', 'keep');
  const oops = await say(jon.chat, 'chat', 'oops');
  await waitUntil(() => thread(kim.inbox, 'chat').length === 2, 'both messages');
  const onKim = kim.inbox.filter((m) => m.conversationID === 'GROUPchat' && m.type === TYPES.MSG_TEXT);
  await refused(kim.chat.revokeMessage(onKim[1]), 10007);
  const done = await jon.chat.revokeMessage(oops);
  assert.equal(done.data.message.isRevoked, true);
  await waitUntil(() => annRevoked.length === 1 && kimRevoked.length === 1, 'the recall on every member');
  assert.deepEqual(kimRevoked[0], [
    { conversationID: 'GROUPchat', sequence: oops.sequence, messageKey: '', from: 'jon', to: 'chat', isRevoked: true, operatorID: 'jon' },
  ]);
  await waitUntil(() => entry(kim.lists, 'chat')?.lastMessage?.isRevoked === true, 'the list\'s last message recalled');
  const history = (await kim.chat.getMessageList({ conversationID: 'GROUPchat' })).data.messageList;
  assert.deepEqual(
    history.map((m) => [m.sequence, m.isRevoked, m.elements.length]),
    [
      [1, false, 1],
      [2, true, 0],
    ],
  );

  // The owner recalls anyone's.
  const keep = kim.inbox.find((m) => m.conversationID === 'GROUPchat' && m.type === TYPES.MSG_TEXT);
  await ann.chat.revokeMessage(keep);
  await waitUntil(() => kimRevoked.length === 2, 'the owner\'s recall');
  assert.equal(kimRevoked[1][0].operatorID, 'ann');
  assert.equal(kimRevoked[1][0].sequence, 1);
  await refused(ann.chat.revokeMessage(keep), 10030);
});

test('member pages, roles, name cards, custom fields, remind type and owner transfer', async () => {
  const ann = await member('ann');
  const lee = await member('lee');
  const many = Array.from({ length: 24 }, (_, i) => `m${String(i).padStart(2, '0')}`);
  await ann.chat.createGroup({ type: TYPES.GRP_PUBLIC, groupID: 'big', name: 'Big', memberList: ['lee', ...many] });

  // 26 members, 10 a page, in user ID order.
  /** @type {string[]} */
  const seen = [];
  let offset = /** @type {string|number} */ (0);
  let pages = 0;
  for (;;) {
    const page = (await lee.chat.getGroupMemberList({ groupID: 'big', count: 10, offset })).data;
    assert.equal(page.memberCount, 26);
    seen.push(...page.memberList.map((m) => m.userID));
    pages += 1;
    if (page.isCompleted) break;
    offset = page.offset;
  }
  assert.equal(pages, 3);
  assert.deepEqual(seen, ['ann', 'lee', ...many].sort());
  const skipped = (await lee.chat.getGroupMemberList({ groupID: 'big', count: 10, offset: 20 })).data;
  assert.deepEqual(
    skipped.memberList.map((m) => m.userID),
    seen.slice(20),
  );
  await assert.rejects(lee.chat.getGroupMemberList({ groupID: 'big', count: 0 }), /count/);

  // Roles: the owner appoints; members hear; the admin then sees requests.
  await refused(lee.chat.setGroupMemberRole({ groupID: 'big', userID: 'm00', role: TYPES.GRP_MBR_ROLE_ADMIN }), 10007);
  const tip = nextEvent(lee.chat, EVENT.MESSAGE_RECEIVED, (l) =>
    l.some((/** @type {any} */ m) => m.payload.operationType === TYPES.GRP_TIP_MBR_SET_ADMIN),
  );
  await ann.chat.setGroupMemberRole({ groupID: 'big', userID: 'lee', role: TYPES.GRP_MBR_ROLE_ADMIN });
  await tip;
  const admins = (await lee.chat.getGroupList()).data.groupList.find((g) => g.groupID === 'big');
  assert.equal(admins?.selfInfo.role, 'Admin');
  assert.deepEqual((await lee.chat.getGroupApplicationList({ groupID: 'big' })).data.applicationList, []);

  // Fields: one's own, or (admins) a member's below.
  await lee.chat.setGroupMemberNameCard({ groupID: 'big', nameCard: 'Lee the admin' });
  await lee.chat.setGroupMemberCustomField({ groupID: 'big', userID: 'm01', memberCustomField: [{ key: 'level', value: '3' }] });
  await refused(lee.chat.setGroupMemberNameCard({ groupID: 'big', userID: 'ann', nameCard: 'x' }), 10007);
  const firstPage = (await ann.chat.getGroupMemberList({ groupID: 'big', count: 4 })).data.memberList;
  const byID = Object.fromEntries(firstPage.map((m) => [m.userID, m]));
  assert.equal(byID.lee.nameCard, 'Lee the admin');
  assert.equal(byID.lee.role, 'Admin');
  assert.deepEqual(byID.m01.memberCustomField, [{ key: 'level', value: '3' }]);
  assert.ok(byID.lee.joinTime > 0);

  const remind = await lee.chat.setMessageRemindType({ groupID: 'big', messageRemindType: TYPES.MSG_REMIND_ACPT_NOT_NOTE });
  assert.equal(remind.data.messageRemindType, 'AcceptNotNotify');
  const listed = (await lee.chat.getConversationList()).data.conversationList.find((c) => c.groupID === 'big');
  assert.equal(listed?.messageRemindType, 'AcceptNotNotify');

  // The profile, changed as a live room's: members hear, the conversation shows it.
  const renamed = nextEvent(lee.chat, EVENT.GROUP_PROFILE_UPDATED, (d) => d.groupID === 'big');
  await ann.chat.modifyGroup('big', { name: 'Bigger', notification: 'welcome all' });
  assert.deepEqual((await renamed).changes, { name: 'Bigger', notification: 'welcome all' });
  const described = (await lee.chat.getConversationList()).data.conversationList.find((c) => c.groupID === 'big');
  assert.equal(described?.groupProfile?.name, 'Bigger');

  // The owner of a Public group may not quit; after handing it on, it may.
  await refused(ann.chat.quitGroup('big'), 10009);
  await refused(lee.chat.changeGroupOwner({ groupID: 'big', newOwnerID: 'lee' }), 10007);
  const handed = nextEvent(lee.chat, EVENT.GROUP_PROFILE_UPDATED, (d) => d.groupID === 'big');
  await ann.chat.changeGroupOwner({ groupID: 'big', newOwnerID: 'lee' });
  assert.deepEqual(await handed, { groupID: 'big', operatorID: 'ann', changes: { ownerID: 'lee' } });
  const leeNow = (await lee.chat.getGroupList()).data.groupList.find((g) => g.groupID === 'big');
  assert.equal(leeNow?.selfInfo.role, 'Owner');
  const annGone = nextEvent(ann.chat, EVENT.CONVERSATION_LIST_UPDATED, (l) => !l.some((/** @type {any} */ c) => c.groupID === 'big'));
  await ann.chat.quitGroup('big');
  await annGone;
  assert.equal((await ann.chat.getGroupList()).data.groupList.some((g) => g.groupID === 'big'), false);
  await refused(ann.chat.dismissGroup('big'), 10007);

  // The new owner dismisses it: every member hears.
  const gone = nextEvent(lee.chat, EVENT.REMOVED_FROM_GROUP);
  const m00 = await member('m00');
  const m00Gone = nextEvent(m00.chat, EVENT.REMOVED_FROM_GROUP);
  await lee.chat.dismissGroup('big');
  assert.equal((await gone).reason, 'dismissed');
  assert.equal((await m00Gone).groupID, 'big');
  await refused(m00.chat.getGroupMemberList({ groupID: 'big' }), 10010);
});

test('mentions: createTextAtMessage sends them, history shows them; a member added at creation learns of the group', async () => {
  const probe = socketProbe();
  const ann = await member('ann', { WebSocket: probe.WebSocket });
  const bob = await member('bob');
  const bobGroups = record(bob.chat, EVENT.GROUP_LIST_UPDATED);
  await ann.chat.createGroup({ type: TYPES.GRP_WORK, groupID: 'at', name: 'At', memberList: ['bob'] });
  const message = ann.chat.createTextAtMessage({
    to: 'at',
    payload: { text: '@bob @all look', atUserList: ['bob', TYPES.MSG_AT_ALL] },
    needReadReceipt: true,
  });
  assert.deepEqual(message.atUserList, ['bob', TYPES.MSG_AT_ALL]);
  await ann.chat.sendMessage(message, { messageControlInfo: { excludedFromUnreadCount: true, excludedFromLastMessage: true } });
  const [frame] = probe.sentOps('send');
  assert.deepEqual(frame.GroupAtInfo, [{ GroupAtAllFlag: 0, GroupAt_Account: 'bob' }, { GroupAtAllFlag: 1 }]);
  assert.equal(frame.NeedReadReceipt, true);
  assert.equal(frame.NoUnread, true);
  assert.equal(frame.NoLastMsg, true);
  assert.equal(frame.OnlineOnly, undefined);
  await waitUntil(() => thread(bob.inbox, 'at').length === 1, 'the message');
  const page = (await bob.chat.getMessageList({ conversationID: 'GROUPat' })).data.messageList;
  assert.deepEqual(page[page.length - 1].atUserList, ['bob', TYPES.MSG_AT_ALL]);
  // Nothing was pushed at the creation; the first message told bob's client of the group.
  await waitUntil(() => bobGroups.some((l) => l.some((/** @type {any} */ g) => g.groupID === 'at')), 'the group list');
  await waitUntil(() => entry(bob.lists, 'at')?.groupProfile?.name === 'At', 'the group described on the list');
  assert.throws(() => ann.chat.createTextAtMessage({ to: 'at', payload: { text: 'x', atUserList: [] } }), /atUserList/);
});

test('a live room is joined and left as before, beside the groups', async () => {
  await server.createRoom('stage', 'ann');
  const bob = await member('bob');
  const joined = await bob.chat.joinGroup({ groupID: 'stage' });
  assert.equal(joined.data.status, TYPES.JOIN_STATUS_SUCCESS);
  assert.equal(joined.data.group.type, 'AVChatRoom');
  const ann = await server.login('ann');
  await ann.joinGroup({ groupID: 'stage' });
  const got = nextEvent(bob.chat, EVENT.MESSAGE_RECEIVED, (l) => l.some((/** @type {any} */ m) => m.to === 'stage' && m.payload.text === 'on air'));
  await say(ann, 'stage', 'on air');
  const [m] = (await got).filter((/** @type {any} */ x) => x.to === 'stage' && x.type === TYPES.MSG_TEXT);
  assert.ok(m.sequence > 0);
  assert.equal(m.flow, 'in');
  assert.equal(entry(bob.lists, 'stage'), undefined, 'a live room is not on the conversation list');
  await bob.chat.quitGroup('stage');
});
