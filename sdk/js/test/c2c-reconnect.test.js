// One-to-one chat across lost connections, against a real server: after a reconnect every
// conversation resumes from the last sequence the SDK delivered (exactly the missed
// messages, in order, once, pushes during the catch-up included); a push that skips numbers
// fetches the gap; a send cut off by the drop is repeated and delivered once; a new login
// starts from the conversation list.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EVENT, TYPES } from '../liveroom.js';
import { freePort, nextEvent, record, socketProbe, startServer, waitUntil } from './support.js';

/** @type {import('./support.js').TestServer} */
let server;
/** A port nothing listens on: where an "offline" probe sends new sockets. */
let deadPort = 0;

before(async () => {
  // One test sends more than a page of messages at once: beyond the default request rate.
  server = await startServer({ gateway: { requests_per_sec: 1000 } });
  deadPort = await freePort();
  for (const id of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina']) await server.importUser(id, id);
});

after(() => server.stop());

/** Options of every client in this file: fast pings, fast reconnects (at most a second apart). */
const FAST = { heartbeatInterval: 500, reconnectBaseDelay: 200, reconnectMaxDelay: 1000 };

/**
 * @param {import('../liveroom.js').Chat} chat
 * @param {string} to
 * @param {string} text
 */
async function say(chat, to, text) {
  const { data } = await chat.sendMessage(chat.createTextMessage({ to, conversationType: TYPES.CONV_C2C, payload: { text } }));
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
    .map((m) => `${m.payload.text}#${m.sequence}`);
}

/**
 * Sent messages as `thread` shows them, in their conversation's order.
 * @param {any[]} sent
 */
function expected(sent) {
  return sent
    .slice()
    .sort((a, b) => a.sequence - b.sequence)
    .map((m) => `${m.payload.text}#${m.sequence}`);
}

/**
 * A logged-in client that follows its conversations (the initial list read done) and
 * records what it receives.
 * @param {string} userID
 * @param {Partial<import('../liveroom.js').CreateOptions>} [options]
 */
async function follower(userID, options = {}) {
  const chat = server.chat({ ...FAST, ...options });
  const inbox = record(chat, EVENT.MESSAGE_RECEIVED);
  const listed = nextEvent(chat, EVENT.CONVERSATION_LIST_UPDATED);
  await chat.login({ userID, userSig: server.userSig(userID) });
  await listed;
  return { chat, inbox };
}

test('after a cut connection every conversation resumes from its last sequence: the missed messages, in order, once', async () => {
  const probe = socketProbe(deadPort);
  const { chat: alice, inbox } = await follower('alice', { WebSocket: probe.WebSocket });
  const states = record(alice, EVENT.NET_STATE_CHANGE);
  const alice2 = await server.login('alice');
  const bob = await server.login('bob');
  const carol = await server.login('carol');
  /** @type {any[]} */
  const withBob = [];

  withBob.push(await say(bob, 'alice', 'b1'));
  await waitUntil(() => thread(inbox, 'C2Cbob').length === 1, 'the first message');

  // Cut alice off and keep her away while both conversations move on: more than one page
  // (100) with bob, her own other device's message among them, and a new one with carol.
  probe.offline = true;
  probe.current().terminate();
  await waitUntil(() => states.some((s) => s.state === 'connecting'), 'the drop to be noticed');
  for (let i = 2; i <= 106; i++) withBob.push(await say(bob, 'alice', `b${i}`));
  withBob.push(await say(alice2, 'bob', 'from her phone'));
  const withCarol = [await say(carol, 'alice', 'c1'), await say(carol, 'alice', 'c2')];

  // Back, with the catch-up's pages held until a live push has come in meanwhile.
  probe.hold.add('get_c2c_messages');
  probe.offline = false;
  await waitUntil(
    () => probe.sentOps('get_c2c_messages').some((f) => f.Peer_Account === 'bob'),
    'the catch-up to ask for the gap',
    8000,
  );
  assert.equal(thread(inbox, 'C2Cbob').length, 1, 'nothing delivered before the gap is filled');
  withBob.push(await say(bob, 'alice', 'live during the catch-up'));
  await waitUntil(
    () => probe.received.some((r) => r.frame.op === 'c2c' && r.frame.MsgBody[0].MsgContent.Text === 'live during the catch-up'),
    'the live push to reach the client',
  );
  probe.release();

  withBob.push(await say(bob, 'alice', 'after'));
  withCarol.push(await say(carol, 'alice', 'c3'));
  await waitUntil(() => thread(inbox, 'C2Cbob').includes(`after#${withBob[withBob.length - 1].sequence}`), 'the last message from bob');
  await waitUntil(() => thread(inbox, 'C2Ccarol').length === 3, 'carol\'s messages');
  assert.deepEqual(thread(inbox, 'C2Cbob'), expected(withBob));
  assert.deepEqual(thread(inbox, 'C2Ccarol'), expected(withCarol));
  const mine = inbox.find((m) => m.payload.text === 'from her phone');
  assert.equal(mine.flow, 'out');
  assert.ok(
    probe.sentOps('get_c2c_messages').some((f) => f.Peer_Account === 'bob' && f.AfterSeq === 1),
    'the catch-up started after the last delivered sequence',
  );
});

test('a push that skips numbers makes the client fetch the gap', async () => {
  const probe = socketProbe(deadPort);
  const { chat: dave, inbox } = await follower('dave', { WebSocket: probe.WebSocket });
  const erin = await server.login('erin');
  probe.drop = (frame) => frame.op === 'c2c' && frame.MsgBody[0].MsgContent.Text === 'lost';
  const sent = [await say(erin, 'dave', 'before'), await say(erin, 'dave', 'lost'), await say(erin, 'dave', 'after')];
  await waitUntil(() => thread(inbox, 'C2Cerin').length === 3, 'three messages');
  assert.deepEqual(thread(inbox, 'C2Cerin'), expected(sent));
  assert.equal(probe.sockets.length, 1, 'no reconnect: the gap alone was fetched');
  assert.deepEqual(
    probe.sentOps('get_c2c_messages').map((f) => f.AfterSeq),
    [sent[0].sequence],
  );
  const ender = await say(erin, 'dave', 'end');
  await waitUntil(() => thread(inbox, 'C2Cerin').length === 4, 'the last message');
  assert.deepEqual(thread(inbox, 'C2Cerin'), expected([...sent, ender]));
});

test('a send cut off by the drop is sent again and delivered once', async () => {
  const probe = socketProbe(deadPort);
  const { chat: frank, inbox } = await follower('frank', { WebSocket: probe.WebSocket });
  const { chat: gina, inbox: ginaIn } = await follower('gina');
  probe.swallow.add('send_c2c');
  const pending = say(frank, 'gina', 'in flight');
  await waitUntil(() => probe.sentOps('send_c2c').length === 1, 'the send to leave');
  probe.swallow.delete('send_c2c');
  probe.current().terminate();

  const sent = await pending;
  assert.equal(sent.status, 'success');
  const sends = probe.sentOps('send_c2c');
  assert.equal(sends.length, 2);
  assert.equal(sends[0].MsgSeq, sends[1].MsgSeq);
  assert.equal(sends[0].MsgRandom, sends[1].MsgRandom);
  await waitUntil(() => thread(ginaIn, 'C2Cfrank').length === 1, 'the message to arrive');
  const reply = await say(gina, 'frank', 'got it');
  assert.equal(reply.sequence, sent.sequence + 1, 'the repeat was not stored twice');
  await waitUntil(() => thread(inbox, 'C2Cgina').length === 1, 'the reply');
  assert.deepEqual(thread(inbox, 'C2Cgina'), [`got it#${reply.sequence}`], 'his own message is not delivered back to him');
  const last = await say(frank, 'gina', 'last');
  await waitUntil(() => thread(ginaIn, 'C2Cfrank').length === 2, 'the last message');
  assert.deepEqual(thread(ginaIn, 'C2Cfrank'), [`in flight#${sent.sequence}`, `last#${last.sequence}`]);
});

test('a new login starts from the conversation list: what came before is history', async () => {
  const bob = await server.login('bob');
  await say(bob, 'erin', 'while erin was away');
  const { chat: erin, inbox } = await follower('erin');
  const list = (await erin.getConversationList()).data.conversationList;
  const withBob = list.find((c) => c.userID === 'bob');
  assert.equal(withBob?.unreadCount, 1);
  assert.equal(withBob?.lastMessage?.type === TYPES.MSG_TEXT && withBob.lastMessage.payload.text, 'while erin was away');
  const now = await say(bob, 'erin', 'now');
  await waitUntil(() => thread(inbox, 'C2Cbob').length === 1, 'the new message');
  assert.deepEqual(thread(inbox, 'C2Cbob'), [`now#${now.sequence}`]);
  const page = (await erin.getMessageList({ conversationID: 'C2Cbob' })).data.messageList;
  assert.deepEqual(
    page.map((m) => m.payload.text),
    ['while erin was away', 'now'],
  );
});
