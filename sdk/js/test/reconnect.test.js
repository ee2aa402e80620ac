// Connection handling against a real server: reconnecting after a dropped socket or a server
// restart, rejoining without duplicate delivery, requests waiting for the connection,
// request timeouts, heartbeats against the idle timeout, and kicks that end the session.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ERROR_CODE, EVENT, LiveRoomError, TYPES } from '../liveroom.js';
import { freePort, nextEvent, record, sleep, socketProbe, startServer, waitUntil } from './support.js';

/** The server closes connections silent this long; every client here pings faster. */
const IDLE_SECS = 2;

/** @type {import('./support.js').TestServer} */
let server;
/** A port nothing listens on: where an "offline" probe sends new sockets. */
let deadPort = 0;

before(async () => {
  server = await startServer({ gateway: { idle_timeout_secs: IDLE_SECS } });
  deadPort = await freePort();
  for (const [id, nick] of [
    ['host', 'Host'],
    ['alice', 'Alice'],
    ['bob', 'Bob'],
    ['carol', 'Carol'],
  ]) {
    await server.importUser(id, nick);
  }
});

after(() => server.stop());

/** Options of every client in this file: fast pings, fast reconnects. */
const FAST = { heartbeatInterval: 500, reconnectBaseDelay: 200 };

/**
 * @param {string} groupID
 */
async function room(groupID) {
  await server.createRoom(groupID, 'host');
  return groupID;
}

/**
 * @param {string} userID
 * @param {string} groupID
 * @param {Partial<import('../liveroom.js').CreateOptions>} [options]
 */
async function member(userID, groupID, options = {}) {
  const chat = await server.login(userID, { ...FAST, ...options });
  await chat.joinGroup({ groupID });
  return chat;
}

/**
 * @param {import('../liveroom.js').Chat} chat
 * @param {string} groupID
 * @param {string} text
 */
function say(chat, groupID, text) {
  return chat.sendMessage(chat.createTextMessage({ to: groupID, payload: { text } }));
}

/**
 * The texts of the text messages in a recorded inbox.
 * @param {any[]} inbox
 */
function texts(inbox) {
  return inbox.filter((m) => m.type === TYPES.MSG_TEXT).map((m) => m.payload.text);
}

/**
 * @param {Promise<unknown>} promise
 * @param {number} code
 */
async function rejectsWith(promise, code) {
  await assert.rejects(promise, (/** @type {any} */ err) => {
    assert.ok(err instanceof LiveRoomError);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

test('after a dropped socket: reconnect, rejoin, and every message exactly once', async () => {
  const g = await room('stage');
  const probe = socketProbe(deadPort);
  const alice = await member('alice', g, { WebSocket: probe.WebSocket });
  const bob = await member('bob', g);
  const inbox = record(alice, EVENT.MESSAGE_RECEIVED);
  const bobInbox = record(bob, EVENT.MESSAGE_RECEIVED);
  const states = record(alice, EVENT.NET_STATE_CHANGE);

  await say(bob, g, 'one');
  await say(bob, g, 'two');
  await waitUntil(() => texts(inbox).includes('two'), 'the first messages');

  // Drop the connection and keep the client away while the room moves on.
  probe.offline = true;
  probe.current().terminate();
  await waitUntil(() => states.some((s) => s.state === 'connecting'), 'the drop to be noticed');
  assert.equal(alice.isReady(), false);
  await say(bob, g, 'three');
  const queued = say(alice, g, 'sent while away');
  probe.offline = false;

  await waitUntil(() => alice.isReady(), 'the session to be restored');
  assert.deepEqual(
    states.map((s) => s.state),
    ['connecting', 'connected'],
  );
  const { data } = await queued;
  assert.ok(data.message.sequence > 0, 'the waiting send went out after the reconnect');

  await say(bob, g, 'four');
  await waitUntil(() => texts(inbox).includes('four'), 'a message after the reconnect');
  assert.deepEqual(texts(inbox), ['one', 'two', 'three', 'four']);
  assert.equal(
    inbox.find((m) => m.payload.text === 'three').isHistory,
    true,
    'the missed message came from the replayed history',
  );

  // The server did replay what had been delivered already; the SDK dropped it.
  const last = probe.sockets.length - 1;
  const replayed = probe.received.filter((r) => r.socket === last && r.frame.op === 'message' && r.frame.History);
  const replayedTexts = replayed.map((r) => r.frame.MsgBody[0].MsgContent.Text);
  assert.ok(
    ['one', 'two', 'three'].every((t) => replayedTexts.includes(t)),
    `replayed: ${replayedTexts}`,
  );

  await waitUntil(() => texts(bobInbox).includes('sent while away'), 'the waiting send to arrive');
  assert.equal(texts(bobInbox).filter((t) => t === 'sent while away').length, 1);
});

test('a send cut off by the drop is sent again and delivered once', async () => {
  const g = await room('retry');
  const probe = socketProbe(deadPort);
  const alice = await member('alice', g, { WebSocket: probe.WebSocket });
  const bob = await member('bob', g);
  const bobInbox = record(bob, EVENT.MESSAGE_RECEIVED);

  probe.swallow.add('send');
  const pending = say(alice, g, 'in flight');
  await waitUntil(() => probe.sentOps('send').length === 1, 'the send to leave');
  probe.swallow.delete('send');
  probe.current().terminate();

  const { data } = await pending;
  assert.equal(data.message.status, 'success');
  const sends = probe.sentOps('send');
  assert.equal(sends.length, 2);
  assert.equal(sends[0].Random, sends[1].Random, 'the repeat carries the same Random, so the server de-duplicates it');
  await waitUntil(() => texts(bobInbox).includes('in flight'), 'the message to arrive');
  await sleep(100);
  assert.equal(texts(bobInbox).filter((t) => t === 'in flight').length, 1);
});

test('after a server restart: kicked with shutdown, back when the server is', async () => {
  const g = await room('restart');
  const alice = await member('alice', g);
  const bob = await member('bob', g);
  const inbox = record(alice, EVENT.MESSAGE_RECEIVED);
  const kicked = record(alice, EVENT.KICKED_OUT);
  await say(bob, g, 'before');
  await waitUntil(() => texts(inbox).includes('before'), 'a message before the restart');

  await server.kill();
  await waitUntil(() => alice.getNetState() === 'connecting', 'the drop to be noticed');
  await server.spawn();
  await waitUntil(() => alice.isReady() && bob.isReady(), 'both sessions to be restored', 10000);

  await say(bob, g, 'after');
  await waitUntil(() => texts(inbox).includes('after'), 'a message after the restart');
  // The history survives restarts and was replayed to both on rejoin: still only once each.
  assert.deepEqual(texts(inbox), ['before', 'after']);
  assert.deepEqual(kicked, [], 'a shutdown is not a kick-out');
});

test('requests wait for the reconnection, bounded by the request timeout', async () => {
  const g = await room('waiting');
  const probe = socketProbe(deadPort);
  const alice = await member('alice', g, { WebSocket: probe.WebSocket, requestTimeout: 600, reconnectBaseDelay: 100 });
  probe.offline = true;
  probe.current().terminate();
  await waitUntil(() => alice.getNetState() === 'connecting', 'the drop to be noticed');

  const started = Date.now();
  await rejectsWith(alice.like(g), ERROR_CODE.NOT_CONNECTED);
  assert.ok(Date.now() - started >= 550, 'it waited for the connection first');
  assert.ok(probe.sockets.length > 2, 'reconnection attempts went on meanwhile');

  probe.offline = false;
  await waitUntil(() => alice.isReady(), 'the session to be restored', 8000);
  const liked = await alice.like(g);
  assert.equal(liked.code, 0);
});

test('a request with no reply times out', async () => {
  const g = await room('timeout');
  const probe = socketProbe(deadPort);
  const host = await member('host', g, { WebSocket: probe.WebSocket, requestTimeout: 300 });
  probe.swallow.add('unpin_item');
  const started = Date.now();
  await rejectsWith(host.unpinItem(g), ERROR_CODE.TIMEOUT);
  assert.ok(Date.now() - started >= 250);
  // Only that request is lost: the connection carries on.
  assert.equal((await host.pinItem(g, { ItemId: 'sku', Title: 'Lamp' })).code, 0);
  assert.equal(probe.sockets.length, 1);
});

test('heartbeats keep a quiet connection open; a silent one is closed and comes back', async () => {
  const g = await room('quiet');
  const probe = socketProbe(deadPort);
  const pinging = await member('alice', g, { WebSocket: probe.WebSocket });
  const silentProbe = socketProbe(deadPort);
  const silent = await member('bob', g, { WebSocket: silentProbe.WebSocket, heartbeatInterval: 0 });
  const silentStates = record(silent, EVENT.NET_STATE_CHANGE);

  await sleep(IDLE_SECS * 1000 + 800);
  assert.equal(probe.sockets.length, 1, 'the pinging client kept its connection');
  assert.ok(probe.sentOps('ping').length >= 3);

  await waitUntil(() => silentStates.some((s) => s.state === 'connected'), 'the silent client to come back');
  const kick = silentProbe.received.find((r) => r.frame.op === 'kicked');
  assert.equal(kick && kick.frame.Reason, 'idle_timeout');
  assert.deepEqual(
    silentStates.slice(0, 2).map((s) => s.state),
    ['connecting', 'connected'],
  );
  const rejoined = await say(pinging, g, 'still together');
  assert.equal(rejoined.code, 0);
  await silent.destroy();
});

test('a kicked user stays out', async () => {
  const g = await room('kick');
  const probe = socketProbe(deadPort);
  const carol = await member('carol', g, { WebSocket: probe.WebSocket });
  const notReady = nextEvent(carol, EVENT.SDK_NOT_READY);
  const kicked = nextEvent(carol, EVENT.KICKED_OUT);

  await server.rest('im_open_login_svc/kick', { UserID: 'carol' });
  assert.equal((await kicked).type, TYPES.KICKED_OUT_ACCOUNT);
  assert.deepEqual(await notReady, { reason: 'kicked' });
  assert.equal(carol.getNetState(), 'disconnected');
  await sleep(500);
  assert.equal(probe.sockets.length, 1, 'no reconnection after a kick');
  await rejectsWith(carol.joinGroup({ groupID: g }), ERROR_CODE.NOT_LOGGED_IN);

  // The UserSig is still good: logging in again works.
  await carol.login({ userID: 'carol', userSig: server.userSig('carol') });
  assert.equal((await carol.joinGroup({ groupID: g })).code, 0);
});

test('a UserSig that expired meanwhile ends the session instead of retrying', async () => {
  const g = await room('expiry');
  const probe = socketProbe(deadPort);
  const alice = server.chat({ ...FAST, WebSocket: probe.WebSocket });
  await alice.login({ userID: 'alice', userSig: server.api.genUserSig('alice', 1) });
  await alice.joinGroup({ groupID: g });
  const kicked = nextEvent(alice, EVENT.KICKED_OUT, undefined, 8000);
  const notReady = nextEvent(alice, EVENT.SDK_NOT_READY, undefined, 8000);
  await sleep(2100);
  probe.current().terminate();

  assert.equal((await kicked).type, TYPES.KICKED_OUT_USERSIG_EXPIRED);
  assert.deepEqual(await notReady, { reason: 'login_failed' });
  assert.equal(alice.getNetState(), 'disconnected');
  const sockets = probe.sockets.length;
  await sleep(500);
  assert.equal(probe.sockets.length, sockets, 'no more attempts');
});

test('destroy stops a reconnection in progress', async () => {
  const g = await room('destroy');
  const probe = socketProbe(deadPort);
  const alice = await member('alice', g, { WebSocket: probe.WebSocket, reconnectBaseDelay: 50 });
  probe.offline = true;
  probe.current().terminate();
  await waitUntil(() => probe.sockets.length >= 2, 'a reconnection attempt');
  const waiting = alice.joinGroup({ groupID: g });
  await alice.destroy();
  await rejectsWith(waiting, ERROR_CODE.DESTROYED);
  const count = probe.sockets.length;
  await sleep(400);
  assert.equal(probe.sockets.length, count);
});

test('only the rooms the client is in are rejoined', async () => {
  const a = await room('left-a');
  const b = await room('left-b');
  const probe = socketProbe(deadPort);
  const alice = await member('alice', a, { WebSocket: probe.WebSocket });
  const joinedB = await alice.joinGroup({ groupID: b });
  // One room per connection (the default): joining b left a.
  assert.deepEqual(joinedB.data.left, [a]);
  const joins = () => probe.sentOps('join').map((f) => f.GroupId);

  probe.current().terminate();
  await waitUntil(() => alice.isReady() && probe.sockets.length === 2, 'the session to be restored');
  assert.deepEqual(joins(), [a, b, b], 'b was rejoined, a was not');
  const host = await member('host', b);
  const seen = nextEvent(alice, EVENT.MESSAGE_RECEIVED, (ms) =>
    ms.some((/** @type {any} */ m) => m.payload.text === 'welcome back'),
  );
  await say(host, b, 'welcome back');
  await seen;

  await alice.quitGroup(b);
  probe.current().terminate();
  await waitUntil(() => alice.isReady() && probe.sockets.length === 3, 'the session to be restored again');
  assert.deepEqual(joins(), [a, b, b], 'a room quit is not rejoined');
});
