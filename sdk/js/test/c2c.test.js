// One-to-one chat against a real server: sending and receiving between users and devices,
// history pages, the conversation list with unread counts and read marks, recall, edit,
// typing, pin and delete (and their reaching the user's other devices).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EVENT, LiveRoomError, TYPES } from '../liveroom.js';
import { nextEvent, record, startServer, waitUntil } from './support.js';

/** @type {import('./support.js').TestServer} */
let server;

before(async () => {
  server = await startServer();
  for (const id of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hank', 'ivan', 'judy']) {
    await server.importUser(id, id[0].toUpperCase() + id.slice(1));
  }
});

after(() => server.stop());

/**
 * @param {import('../liveroom.js').Chat} chat
 * @param {string} to
 * @param {string} text
 * @param {Record<string, unknown>} [extra] more options of createTextMessage
 */
async function say(chat, to, text, extra = {}) {
  const { data } = await chat.sendMessage(
    chat.createTextMessage({ to, conversationType: TYPES.CONV_C2C, payload: { text }, ...extra }),
  );
  return data.message;
}

/**
 * The one-to-one messages of a recorded inbox in a conversation, as `text#sequence`.
 * @param {any[]} inbox
 * @param {string} conversationID
 */
function thread(inbox, conversationID) {
  return inbox
    .filter((m) => m.conversationType === TYPES.CONV_C2C && m.conversationID === conversationID)
    .map((m) => `${m.type === TYPES.MSG_TEXT ? m.payload.text : m.type}#${m.sequence}`);
}

/**
 * The latest conversation list a recorder saw, by user.
 * @param {any[]} lists recorded CONVERSATION_LIST_UPDATED payloads
 * @param {string} userID
 */
function latest(lists, userID) {
  const list = lists[lists.length - 1] || [];
  return list.find((/** @type {any} */ c) => c.userID === userID);
}

test('messages go both ways, to every device, and history pages back', async () => {
  const alice = await server.login('alice');
  const alice2 = await server.login('alice');
  const bob = await server.login('bob');
  const aliceIn = record(alice, EVENT.MESSAGE_RECEIVED);
  const alice2In = record(alice2, EVENT.MESSAGE_RECEIVED);
  const bobIn = record(bob, EVENT.MESSAGE_RECEIVED);

  const hello = await say(alice, 'bob', 'hello bob');
  assert.equal(hello.status, 'success');
  assert.equal(hello.sequence, 1);
  assert.match(hello.messageKey, /^1_\d+_\d+$/);
  assert.ok(hello.time > 0);
  assert.equal(hello.conversationID, 'C2Cbob');

  await waitUntil(() => bobIn.length === 1 && alice2In.length === 1, 'the message on bob and on alice\'s other device');
  const got = bobIn[0];
  assert.equal(got.conversationType, TYPES.CONV_C2C);
  assert.equal(got.conversationID, 'C2Calice');
  assert.equal(got.from, 'alice');
  assert.equal(got.to, 'bob');
  assert.equal(got.flow, 'in');
  assert.equal(got.nick, 'Alice');
  assert.equal(got.payload.text, 'hello bob');
  assert.equal(got.ID, hello.ID, 'the same ID on every device');
  assert.equal(got.messageKey, hello.messageKey);
  const mirrored = alice2In[0];
  assert.equal(mirrored.flow, 'out');
  assert.equal(mirrored.conversationID, 'C2Cbob');

  const custom = bob.createCustomMessage({
    to: 'alice',
    conversationType: TYPES.CONV_C2C,
    payload: { data: '{"card":1}', description: 'a card' },
  });
  await bob.sendMessage(custom);
  const face = await bob.sendMessage(
    bob.createFaceMessage({ to: 'alice', conversationType: TYPES.CONV_C2C, payload: { index: 3 } }),
  );
  assert.equal(face.data.message.sequence, 3, 'one numbering per conversation, whoever sends');
  await waitUntil(() => aliceIn.length === 2 && alice2In.length === 3, 'bob\'s messages on both of alice\'s devices');
  assert.deepEqual(thread(aliceIn, 'C2Cbob'), ['TIMCustomElem#2', 'TIMFaceElem#3']);
  assert.deepEqual(aliceIn[0].payload, { data: '{"card":1}', description: 'a card', extension: '' });
  assert.deepEqual(thread(alice2In, 'C2Cbob'), ['hello bob#1', 'TIMCustomElem#2', 'TIMFaceElem#3']);
  assert.deepEqual(thread(bobIn, 'C2Calice'), ['hello bob#1'], 'the sender\'s own device gets only the reply');

  // History: the newest first page, then the older one; oldest first within a page.
  const first = await bob.getMessageList({ conversationID: 'C2Calice', count: 2 });
  assert.deepEqual(
    first.data.messageList.map((m) => m.sequence),
    [2, 3],
  );
  assert.equal(first.data.isCompleted, false);
  const older = await bob.getMessageList({ conversationID: 'C2Calice', count: 2, nextReqMessageID: first.data.nextReqMessageID });
  assert.deepEqual(
    older.data.messageList.map((m) => [m.sequence, m.flow]),
    [[1, 'in']],
  );
  assert.equal(older.data.isCompleted, true);
  assert.equal(older.data.nextReqMessageID, '');
  const mine = (await alice.getMessageList({ conversationID: 'C2Cbob' })).data.messageList;
  assert.deepEqual(
    mine.map((m) => m.flow),
    ['out', 'in', 'in'],
  );
});

test('a message to nobody, or not one-to-one, is refused', async () => {
  const alice = await server.login('alice');
  await assert.rejects(say(alice, 'nobody-here', 'hi'), (/** @type {any} */ e) => {
    assert.ok(e instanceof LiveRoomError);
    assert.equal(e.code, 90012);
    assert.equal(e.data.message.status, 'fail');
    return true;
  });
  assert.throws(() => alice.createTextMessage({ to: 'bob', conversationType: /** @type {any} */ ('X'), payload: { text: 'x' } }));
  await assert.rejects(alice.getMessageList({ conversationID: 'C2C' }), /C2C<userID>/);
  // A group conversation's history is the group's: the server answers for a missing group.
  await assert.rejects(alice.getMessageList({ conversationID: 'GROUPdemo' }), (/** @type {any} */ e) => e.code === 10010);
});

test('unread counts, read marks and read receipts on both sides', async () => {
  const carol = await server.login('carol');
  const dave = await server.login('dave');
  const dave2 = await server.login('dave');
  const daveLists = record(dave, EVENT.CONVERSATION_LIST_UPDATED);
  const dave2Lists = record(dave2, EVENT.CONVERSATION_LIST_UPDATED);
  const daveTotals = record(dave, EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED);
  const receipts = record(carol, EVENT.MESSAGE_READ_BY_PEER);
  const daveIn = record(dave, EVENT.MESSAGE_RECEIVED);

  await say(carol, 'dave', 'one', { needReadReceipt: true });
  await say(carol, 'dave', 'two');
  const three = await say(carol, 'dave', 'three');
  await waitUntil(() => daveIn.length === 3, 'three messages');
  await waitUntil(() => latest(daveLists, 'carol')?.unreadCount === 3, 'an unread count of 3');
  await waitUntil(() => latest(dave2Lists, 'carol')?.unreadCount === 3, 'the other device\'s count');
  await waitUntil(() => daveTotals[daveTotals.length - 1] === 3, 'a total of 3');
  assert.equal(dave.getTotalUnreadMessageCount(), 3);
  assert.equal(daveIn[0].needReadReceipt, true);

  const listed = await dave.getConversationList();
  const entry = listed.data.conversationList.find((c) => c.userID === 'carol');
  assert.ok(entry);
  assert.equal(entry.conversationID, 'C2Ccarol');
  assert.equal(entry.type, TYPES.CONV_C2C);
  assert.equal(entry.unreadCount, 3);
  assert.equal(entry.lastSequence, three.sequence);
  assert.equal(entry.lastMessage?.type === TYPES.MSG_TEXT && entry.lastMessage.payload.text, 'three');
  assert.equal(entry.isPinned, false);

  const read = await dave.setMessageRead({ conversationID: 'C2Ccarol' });
  assert.deepEqual(read.data, { conversationID: 'C2Ccarol', readSequence: three.sequence, unreadCount: 0 });
  await waitUntil(() => latest(dave2Lists, 'carol')?.unreadCount === 0, 'the read mark on the other device');
  await waitUntil(() => daveTotals[daveTotals.length - 1] === 0, 'a total of 0');
  await waitUntil(() => receipts.length === 1, 'the read receipt');
  assert.deepEqual(receipts[0], [{ conversationID: 'C2Cdave', userID: 'dave', sequence: three.sequence }]);
  const carolList = (await carol.getConversationList()).data.conversationList;
  const carolSide = carolList.find((c) => c.userID === 'dave');
  assert.equal(carolSide?.peerReadSequence, three.sequence);
  assert.equal(carolSide?.unreadCount, 0, 'her own messages are not unread for her');
  assert.equal(carolSide?.lastMessage?.isPeerRead, true);
  const page = (await carol.getMessageList({ conversationID: 'C2Cdave' })).data.messageList;
  assert.deepEqual(
    page.map((m) => m.isPeerRead),
    [true, true, true],
  );

  // A new message counts again; one sent with excludedFromUnreadCount does not.
  await say(carol, 'dave', 'four');
  await waitUntil(() => latest(daveLists, 'carol')?.unreadCount === 1, 'a count of 1');
  await carol.sendMessage(
    carol.createTextMessage({ to: 'dave', conversationType: TYPES.CONV_C2C, payload: { text: 'quiet' } }),
    { messageControlInfo: { excludedFromUnreadCount: true } },
  );
  await waitUntil(() => latest(daveLists, 'carol')?.lastMessage?.payload.text === 'quiet', 'the quiet message');
  assert.equal(latest(daveLists, 'carol').unreadCount, 1);
});

test('recall and edit reach both users\' devices', async () => {
  const erin = await server.login('erin');
  const erin2 = await server.login('erin');
  const frank = await server.login('frank');
  const frankIn = record(frank, EVENT.MESSAGE_RECEIVED);
  const frankLists = record(frank, EVENT.CONVERSATION_LIST_UPDATED);
  const revoked = record(frank, EVENT.MESSAGE_REVOKED);
  const erin2Revoked = record(erin2, EVENT.MESSAGE_REVOKED);
  const modified = record(frank, EVENT.MESSAGE_MODIFIED);
  const erin2Modified = record(erin2, EVENT.MESSAGE_MODIFIED);

  const keep = await say(erin, 'frank', 'keep me');
  const oops = await say(erin, 'frank', 'oops');
  await waitUntil(() => frankIn.length === 2, 'both messages');
  await waitUntil(() => latest(frankLists, 'erin')?.unreadCount === 2, 'two unread');

  // Only the sender may recall.
  await assert.rejects(frank.revokeMessage(frankIn[1]), (/** @type {any} */ e) => e.code === 90009);
  const done = await erin.revokeMessage(oops);
  assert.equal(done.data.message.isRevoked, true);
  await waitUntil(() => revoked.length === 1 && erin2Revoked.length === 1, 'the recall on both sides');
  assert.deepEqual(revoked[0], [
    { conversationID: 'C2Cerin', sequence: oops.sequence, messageKey: oops.messageKey, from: 'erin', to: 'frank', isRevoked: true },
  ]);
  assert.equal(erin2Revoked[0][0].conversationID, 'C2Cfrank');
  await waitUntil(() => latest(frankLists, 'erin')?.unreadCount === 1, 'the recalled message no longer unread');
  assert.equal(latest(frankLists, 'erin').lastMessage.isRevoked, true);
  const history = (await frank.getMessageList({ conversationID: 'C2Cerin' })).data.messageList;
  assert.deepEqual(
    history.map((m) => [m.sequence, m.isRevoked, m.elements.length]),
    [
      [keep.sequence, false, 1],
      [oops.sequence, true, 0],
    ],
  );

  // Edit: change the payload, then modifyMessage.
  keep.payload.text = 'kept, and edited';
  const edited = await erin.modifyMessage(keep);
  assert.equal(edited.data.message.isModified, true);
  await waitUntil(() => modified.length === 1 && erin2Modified.length === 1, 'the edit on both sides');
  const [now] = modified[0];
  assert.equal(now.sequence, keep.sequence);
  assert.equal(now.payload.text, 'kept, and edited');
  assert.equal(now.isModified, true);
  assert.equal(now.conversationID, 'C2Cerin');
  await assert.rejects(frank.modifyMessage(frankIn[0]), (/** @type {any} */ e) => e.code === 90009);
  await assert.rejects(erin.modifyMessage(oops), (/** @type {any} */ e) => e instanceof LiveRoomError && e.code > 0);
});

test('typing notices come and go', async () => {
  const gina = await server.login('gina');
  const hank = await server.login('hank');
  const typing = nextEvent(hank, EVENT.TYPING_STATUS_UPDATED, (d) => d.isTyping);
  const sent = await gina.sendTypingStatus({ conversationID: 'C2Chank' });
  assert.equal(sent.data.sent, true);
  assert.deepEqual(await typing, { conversationID: 'C2Cgina', userID: 'gina', isTyping: true });
  // Her message ends it at once.
  const stopped = nextEvent(hank, EVENT.TYPING_STATUS_UPDATED, (d) => !d.isTyping);
  const arrived = nextEvent(hank, EVENT.MESSAGE_RECEIVED);
  await say(gina, 'hank', 'done typing');
  await arrived;
  assert.deepEqual(await stopped, { conversationID: 'C2Cgina', userID: 'gina', isTyping: false });
});

test('pinned conversations come first; a deleted one leaves the list until its next message', async () => {
  const alice = await server.login('alice');
  const lists = record(alice, EVENT.CONVERSATION_LIST_UPDATED);
  await waitUntil(() => lists.length > 0, 'the list read at the start');
  const gina = await server.login('gina');
  const hank = await server.login('hank');
  await say(gina, 'alice', 'from gina');
  await say(hank, 'alice', 'from hank');
  await waitUntil(() => latest(lists, 'hank') && latest(lists, 'gina'), 'both conversations');
  const order = () => lists[lists.length - 1].map((/** @type {any} */ c) => c.userID);
  assert.ok(order().indexOf('hank') < order().indexOf('gina'), 'the newest first');

  await alice.pinConversation({ conversationID: 'C2Cgina', isPinned: true });
  await waitUntil(() => order()[0] === 'gina', 'gina pinned first');
  assert.equal(latest(lists, 'gina').isPinned, true);
  const fromServer = (await alice.getConversationList()).data.conversationList;
  assert.equal(fromServer[0].userID, 'gina');
  assert.equal(fromServer[0].isPinned, true);

  const deleted = await alice.deleteConversation('C2Chank');
  assert.deepEqual(deleted.data.conversationIDList, ['C2Chank']);
  await waitUntil(() => !latest(lists, 'hank'), 'hank off the list');
  assert.equal((await alice.getConversationList()).data.conversationList.some((c) => c.userID === 'hank'), false);
  // History cleared for alice only.
  assert.deepEqual((await alice.getMessageList({ conversationID: 'C2Chank' })).data.messageList, []);
  assert.equal((await hank.getMessageList({ conversationID: 'C2Calice' })).data.messageList.length, 1);
  await say(hank, 'alice', 'back again');
  await waitUntil(() => latest(lists, 'hank')?.lastMessage?.payload.text === 'back again', 'hank back on the list');
});

test('pin, unpin and delete made on one device reach the user\'s other devices; a deleted conversation is read', async () => {
  const ivan = await server.login('ivan');
  const phone = server.chat();
  const started = nextEvent(phone, EVENT.CONVERSATION_LIST_UPDATED);
  await phone.login({ userID: 'ivan', userSig: server.userSig('ivan') });
  await started;
  const judy = await server.login('judy');
  const unread = nextEvent(phone, EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, (n) => n === 2);
  await say(judy, 'ivan', 'one');
  await say(judy, 'ivan', 'two');
  await unread;
  /** @param {any[]} list */
  const judys = (list) => list.find((c) => c.userID === 'judy');

  const pinned = nextEvent(phone, EVENT.CONVERSATION_LIST_UPDATED, (l) => judys(l)?.isPinned === true);
  await ivan.pinConversation({ conversationID: 'C2Cjudy', isPinned: true });
  await pinned;
  const unpinned = nextEvent(phone, EVENT.CONVERSATION_LIST_UPDATED, (l) => judys(l)?.isPinned === false);
  await ivan.pinConversation({ conversationID: 'C2Cjudy', isPinned: false });
  await unpinned;

  const gone = nextEvent(phone, EVENT.CONVERSATION_LIST_UPDATED, (l) => judys(l) === undefined);
  const read = nextEvent(phone, EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, (n) => n === 0);
  await ivan.deleteConversation({ conversationIDList: ['C2Cjudy'], clearHistoryMessage: false });
  await gone;
  await read;
  assert.equal((await phone.getConversationList()).data.conversationList.some((c) => c.userID === 'judy'), false);

  // Deleting marked it read: her next message counts one, not three.
  const back = nextEvent(phone, EVENT.CONVERSATION_LIST_UPDATED, (l) => judys(l)?.lastSequence === 3);
  await say(judy, 'ivan', 'three');
  assert.equal(judys(await back).unreadCount, 1);
  const listed = judys((await ivan.getConversationList()).data.conversationList);
  assert.equal(listed.unreadCount, 1);
  assert.equal(listed.lastMessage?.type === TYPES.MSG_TEXT && listed.lastMessage.payload.text, 'three');
});
