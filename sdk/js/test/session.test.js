// Sessions and messages against a real server: login, guest, logout, joining, sending and
// receiving, acknowledgements, coded errors, tips, system notices, profile changes and
// malformed frames.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import LiveRoom, { ERROR_CODE, EVENT, LiveRoomError, TYPES } from '../liveroom.js';
import { freePort, nextEvent, record, socketProbe, startServer, waitFor, waitUntil } from './support.js';

/** @type {import('./support.js').TestServer} */
let server;

before(async () => {
  server = await startServer();
  for (const [id, nick] of [
    ['host', 'Host'],
    ['alice', 'Alice'],
    ['bob', 'Bob'],
    ['carol', 'Carol'],
  ]) {
    await server.importUser(id, nick);
  }
  await server.createRoom('lobby', 'host');
  await server.createRoom('stage', 'host');
});

after(() => server.stop());

/**
 * @param {Promise<unknown>} promise
 * @param {number} code
 */
async function rejectsWith(promise, code) {
  await assert.rejects(promise, (/** @type {any} */ err) => {
    assert.ok(err instanceof LiveRoomError, `expected a LiveRoomError, got ${err}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

test('create checks its options', () => {
  assert.throws(() => LiveRoom.create(/** @type {any} */ ({ url: server.url })), LiveRoomError);
  assert.throws(() => LiveRoom.create(/** @type {any} */ ({ SDKAppID: 1, url: 'http://x' })), LiveRoomError);
  // Node 20 has no global WebSocket: the option is required there.
  assert.throws(() => LiveRoom.create({ SDKAppID: 1, url: server.url }), /WebSocket/);
});

test('login, logout and logging in again', async () => {
  const chat = server.chat();
  const states = record(chat, EVENT.NET_STATE_CHANGE);
  const ready = record(chat, EVENT.SDK_READY);
  const notReady = record(chat, EVENT.SDK_NOT_READY);

  await rejectsWith(chat.joinGroup({ groupID: 'lobby' }), ERROR_CODE.NOT_LOGGED_IN);

  const { code, data } = await chat.login({ userID: 'alice', userSig: server.userSig('alice') });
  assert.equal(code, 0);
  assert.equal(data.userID, 'alice');
  assert.equal(data.nick, 'Alice');
  assert.equal(data.isGuest, false);
  assert.ok(data.level >= 1, 'statistics are on: levels start at 1');
  assert.equal(chat.getLoginUser(), 'alice');
  assert.equal(chat.isReady(), true);
  assert.deepEqual(
    ready.map((r) => r.userID),
    ['alice'],
  );
  assert.deepEqual(
    states.map((s) => s.state),
    ['connecting', 'connected'],
  );

  await chat.logout();
  assert.equal(chat.isReady(), false);
  assert.equal(chat.getLoginUser(), '');
  assert.deepEqual(notReady, [{ reason: 'logout' }]);
  assert.deepEqual(
    states.map((s) => s.state),
    ['connecting', 'connected', 'disconnected'],
  );
  await rejectsWith(chat.joinGroup({ groupID: 'lobby' }), ERROR_CODE.NOT_LOGGED_IN);

  await chat.login({ userID: 'alice', userSig: server.userSig('alice') });
  const joined = await chat.joinGroup({ groupID: 'lobby' });
  assert.equal(joined.data.groupID, 'lobby');
  assert.equal(joined.data.role, 'Member');
  await chat.destroy();
  await rejectsWith(chat.login({ userID: 'alice', userSig: server.userSig('alice') }), ERROR_CODE.DESTROYED);
});

test('a bad UserSig is refused with the server code', async () => {
  const chat = server.chat();
  await rejectsWith(chat.login({ userID: 'alice', userSig: 'not-a-ticket' }), 70003);
  await rejectsWith(chat.login({ userID: 'alice', userSig: server.userSig('bob') }), 70013);
  assert.equal(chat.isReady(), false);
  assert.equal(chat.getNetState(), 'disconnected');
});

test('a server that cannot be reached fails the login', async () => {
  const chat = server.chat({ url: `ws://127.0.0.1:${await freePort()}/ws` });
  await rejectsWith(chat.login({ userID: 'alice', userSig: server.userSig('alice') }), ERROR_CODE.CONNECT_FAILED);
  await chat.destroy();
});

test('a guest joins and receives but cannot send', async () => {
  const guest = server.chat();
  const login = await guest.loginAsGuest();
  assert.equal(login.data.isGuest, true);
  assert.equal(guest.getLoginUser(), '');
  const asGuest = await guest.joinGroup({ groupID: 'lobby' });
  assert.equal(asGuest.data.role, 'Guest');
  const received = nextEvent(guest, EVENT.MESSAGE_RECEIVED, (ms) =>
    ms.some((/** @type {any} */ m) => m.payload.text === 'for the guest'),
  );

  const host = await server.login('host');
  const asHost = await host.joinGroup({ groupID: 'lobby' });
  assert.equal(asHost.data.role, 'Owner');
  await host.sendMessage(host.createTextMessage({ to: 'lobby', payload: { text: 'for the guest' } }));
  await received;

  const refused = guest.sendMessage(guest.createTextMessage({ to: 'lobby', payload: { text: 'hi' } }));
  await rejectsWith(refused, 10007);
});

test('messages between members carry sender, level, sequence and time', async () => {
  const alice = server.chat();
  const aliceLevel = (await alice.login({ userID: 'alice', userSig: server.userSig('alice') })).data.level;
  const bob = await server.login('bob');
  await alice.joinGroup({ groupID: 'stage' });
  await bob.joinGroup({ groupID: 'stage' });
  const inbox = record(bob, EVENT.MESSAGE_RECEIVED);

  const text = alice.createTextMessage({
    to: 'stage',
    payload: { text: 'hello stage' },
    priority: TYPES.MSG_PRIORITY_HIGH,
    cloudCustomData: '{"badge":"vip"}',
  });
  assert.equal(text.status, 'unSend');
  const sent = await alice.sendMessage(text);
  assert.equal(sent.code, 0);
  const ack = sent.data.message;
  assert.equal(ack, text, 'the message object itself is updated');
  assert.equal(ack.status, 'success');
  assert.ok(ack.sequence > 0);
  assert.ok(Math.abs(ack.time - Date.now() / 1000) < 60);
  assert.equal(ack.dropReason, '');
  assert.equal(ack.from, 'alice');

  const custom = alice.createCustomMessage({
    to: 'stage',
    payload: { data: '{"kind":"cheer"}', description: 'cheer', extension: 'x' },
    priority: TYPES.MSG_PRIORITY_LOW,
  });
  const sentCustom = await alice.sendMessage(custom);
  assert.equal(sentCustom.data.message.sequence, ack.sequence + 1);

  const chat = () => inbox.filter((m) => m.type !== TYPES.MSG_GRP_TIP);
  const [gotText, gotCustom] = await waitUntil(() => chat().length >= 2 && chat(), 'two messages');
  assert.equal(gotText.type, TYPES.MSG_TEXT);
  assert.deepEqual(gotText.payload, { text: 'hello stage' });
  assert.equal(gotText.from, 'alice');
  assert.equal(gotText.nick, 'Alice');
  assert.equal(gotText.level, aliceLevel);
  assert.equal(gotText.sequence, ack.sequence);
  assert.equal(gotText.time, ack.time);
  assert.equal(gotText.priority, 'High');
  assert.equal(gotText.cloudCustomData, '{"badge":"vip"}');
  assert.equal(gotText.isHistory, false);
  assert.equal(gotText.ID, text.ID, 'one message, one ID on both sides');

  assert.equal(gotCustom.type, TYPES.MSG_CUSTOM);
  assert.deepEqual(gotCustom.payload, { data: '{"kind":"cheer"}', description: 'cheer', extension: 'x' });
  assert.equal(gotCustom.priority, 'Low');

  // A late joiner gets the short history, marked as such.
  const carol = await server.login('carol');
  const history = record(carol, EVENT.MESSAGE_RECEIVED);
  await carol.joinGroup({ groupID: 'stage' });
  const replayedOnly = () => history.filter((m) => m.isHistory);
  const replayed = await waitUntil(() => replayedOnly().length >= 2 && replayedOnly(), 'the short history');
  assert.deepEqual(
    replayed.map((m) => [m.sequence, m.isHistory]),
    [
      [ack.sequence, true],
      [ack.sequence + 1, true],
    ],
  );

  // Sent messages cannot be sent twice.
  await rejectsWith(alice.sendMessage(text), ERROR_CODE.INVALID_ARGUMENT);
});

test('refused sends reject with the server code', async () => {
  const alice = await server.login('alice');
  await alice.joinGroup({ groupID: 'lobby' });

  const elsewhere = alice.createTextMessage({ to: 'stage', payload: { text: 'not joined' } });
  await rejectsWith(alice.sendMessage(elsewhere), 10007);
  assert.equal(elsewhere.status, 'fail');

  // Over max_message_bytes (12288) but inside the 16 KiB frame: the server says 80002.
  const big = alice.createTextMessage({ to: 'lobby', payload: { text: 'x'.repeat(13000) } });
  await rejectsWith(alice.sendMessage(big), 80002);

  // Over 16 KiB never leaves the client (the server would close the connection over 64 KiB).
  const huge = alice.createTextMessage({ to: 'lobby', payload: { text: 'x'.repeat(70000) } });
  await rejectsWith(alice.sendMessage(huge), ERROR_CODE.FRAME_TOO_LARGE);

  await rejectsWith(alice.joinGroup({ groupID: 'no-such-room' }), 10010);
  assert.throws(() => alice.createTextMessage(/** @type {any} */ ({ to: 'lobby', payload: {} })), LiveRoomError);
  assert.throws(
    () => alice.createTextMessage(/** @type {any} */ ({ to: 'lobby', payload: { text: 'a' }, priority: 'Urgent' })),
    LiveRoomError,
  );

  // The connection is still fine.
  const ok = await alice.sendMessage(alice.createTextMessage({ to: 'lobby', payload: { text: 'still here' } }));
  assert.equal(ok.code, 0);
});

test('group tips, system notices and profile changes', async () => {
  await server.rest('liveroom_ext/set_group_custom_fields', { Fields: ['topic'] });
  await server.createRoom('tips', 'host');
  const alice = await server.login('alice');
  const inbox = record(alice, EVENT.MESSAGE_RECEIVED);
  await alice.joinGroup({ groupID: 'tips' });

  const bob = await server.login('bob');
  await bob.joinGroup({ groupID: 'tips' });
  const joinTip = await waitFor(
    inbox,
    (m) => m.type === TYPES.MSG_GRP_TIP && m.payload.operationType === TYPES.GRP_TIP_MBR_JOIN && m.from === 'bob',
  );
  assert.deepEqual(joinTip.payload.userIDList, ['bob']);
  assert.equal(joinTip.payload.memberList[0].nick, 'Bob');
  assert.equal(joinTip.payload.memberCount, 2);

  await server.rest('group_open_http_svc/send_group_system_notification', {
    GroupId: 'tips',
    Content: 'Show starts soon',
  });
  const notice = await waitFor(inbox, (m) => m.type === TYPES.MSG_GRP_SYS_NOTICE);
  assert.equal(notice.payload.operationType, TYPES.GRP_SYS_CUSTOM);
  assert.equal(notice.payload.content, 'Show starts soon');
  assert.equal(notice.from, 'administrator');

  const updated = nextEvent(alice, EVENT.GROUP_PROFILE_UPDATED);
  await server.rest('group_open_http_svc/modify_group_base_info', {
    GroupId: 'tips',
    Notification: '{"text":"Sale at 8 pm"}',
    Introduction: 'Cooking live',
    AppDefinedData: [{ Key: 'topic', Value: 'pasta' }],
  });
  const change = await updated;
  assert.equal(change.groupID, 'tips');
  assert.equal(change.operatorID, 'administrator');
  assert.deepEqual(change.changes, {
    notification: '{"text":"Sale at 8 pm"}',
    introduction: 'Cooking live',
    customFields: { topic: 'pasta' },
  });
  const tip = await waitFor(
    inbox,
    (m) => m.type === TYPES.MSG_GRP_TIP && m.payload.operationType === TYPES.GRP_TIP_GRP_PROFILE_UPDATED,
  );
  assert.equal(tip.payload.groupInfoChanges.length, 3);
});

test('malformed frames are reported and ignored', async () => {
  const probe = socketProbe();
  const alice = await server.login('alice', { WebSocket: probe.WebSocket });
  await alice.joinGroup({ groupID: 'lobby' });
  const errors = record(alice, EVENT.ERROR);
  const inbox = record(alice, EVENT.MESSAGE_RECEIVED);
  const socket = probe.current();
  socket.inject('not json');
  socket.inject('[1,2]');
  socket.inject('{"op":"message","GroupId":"lobby","From_Account":7}');
  socket.inject('{"op":"tip","GroupId":"lobby","MsgTime":1,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{}}]}');
  socket.inject('{"op":"likes","GroupId":"lobby"}');
  socket.inject('{"op":"reply","id":"x","ErrorCode":0}');
  socket.inject('{"op":"some_future_push","GroupId":"lobby"}');
  assert.equal(errors.length, 6);
  assert.ok(errors.every((e) => e.code === ERROR_CODE.MALFORMED_FRAME));

  const ok = await alice.sendMessage(alice.createTextMessage({ to: 'lobby', payload: { text: 'unharmed' } }));
  assert.equal(ok.code, 0);
  assert.deepEqual(
    inbox.filter((m) => m.type !== TYPES.MSG_GRP_TIP && !m.isHistory),
    [],
  );
});
