// Groups that keep their messages, across lost connections, against a real server: after a
// reconnect every group resumes from the last number the SDK delivered (the missed
// messages and stored tips, in order, once, pushes during the catch-up in their place); a
// push that skips numbers fetches the gap; a send cut off by the drop is repeated and
// delivered once; a group joined while away starts where the user joined; a new login
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
  for (const id of ['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus']) await server.importUser(id, id);
});

after(() => server.stop());

/** Options of every client in this file: fast pings, fast reconnects (at most a second apart). */
const FAST = { heartbeatInterval: 500, reconnectBaseDelay: 200, reconnectMaxDelay: 1000 };

/**
 * @param {import('../liveroom.js').Chat} chat
 * @param {string} groupID
 * @param {string} text
 */
async function say(chat, groupID, text) {
  const { data } = await chat.sendMessage(chat.createTextMessage({ to: groupID, payload: { text } }));
  return data.message;
}

/**
 * A group's messages and tips in a recorded inbox, as `text#sequence` (tips `tip<op>`).
 * @param {any[]} inbox
 * @param {string} groupID
 */
function thread(inbox, groupID) {
  return inbox
    .filter((m) => m.conversationID === `GROUP${groupID}` && m.type !== TYPES.MSG_GRP_SYS_NOTICE)
    .map((m) => `${m.type === TYPES.MSG_GRP_TIP ? `tip${m.payload.operationType}` : m.payload.text}#${m.sequence}`);
}

/**
 * The sequence numbers `from` to `to`.
 * @param {number} from
 * @param {number} to
 */
function range(from, to) {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
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

/**
 * Cuts a probed client off and waits until it noticed; it stays away until `probe.offline`
 * is false again.
 * @param {ReturnType<typeof socketProbe>} probe
 * @param {any[]} states recorded NET_STATE_CHANGE events
 */
async function cut(probe, states) {
  probe.offline = true;
  probe.current().terminate();
  await waitUntil(() => states.some((s) => s.state === 'connecting'), 'the drop to be noticed');
}

test('after a cut connection a group resumes from its last number: missed messages and tips, in order, once', async () => {
  const probe = socketProbe(deadPort);
  const { chat: bob, inbox } = await follower('bob', { WebSocket: probe.WebSocket });
  const states = record(bob, EVENT.NET_STATE_CHANGE);
  const ann = await server.login('ann');
  const bob2 = await server.login('bob');
  const cat = await server.login('cat');
  await ann.createGroup({
    type: TYPES.GRP_PUBLIC,
    groupID: 'away',
    name: 'Away',
    memberList: ['bob'],
    joinOption: TYPES.JOIN_OPTIONS_FREE_ACCESS,
  });
  const first = await say(ann, 'away', 'a1');
  await waitUntil(() => thread(inbox, 'away').length === 1, 'the first message');

  // Away while the group moves on: more than one page (100), a member joining (a stored
  // tip), a message from bob's other device.
  await cut(probe, states);
  /** @type {Map<number, string>} */
  const texts = new Map([[first.sequence, 'a1']]);
  for (let i = 2; i <= 105; i++) texts.set((await say(ann, 'away', `a${i}`)).sequence, `a${i}`);
  const joined = await cat.joinGroup({ groupID: 'away' });
  assert.equal(joined.data.status, TYPES.JOIN_STATUS_SUCCESS);
  texts.set((await say(bob2, 'away', 'from his phone')).sequence, 'from his phone');
  texts.set((await say(cat, 'away', 'cat here')).sequence, 'cat here');

  // Back, with the catch-up's pages held until a live push has come in meanwhile.
  probe.hold.add('get_group_messages');
  probe.offline = false;
  await waitUntil(() => probe.sentOps('get_group_messages').some((f) => f.GroupId === 'away'), 'the catch-up to ask', 8000);
  assert.equal(thread(inbox, 'away').length, 1, 'nothing delivered before the gap is filled');
  const live = await say(ann, 'away', 'live during the catch-up');
  texts.set(live.sequence, 'live during the catch-up');
  await waitUntil(
    () => probe.received.some((r) => r.frame.op === 'message' && r.frame.MsgSeq === live.sequence),
    'the live push to reach the client',
  );
  probe.release();
  const last = await say(ann, 'away', 'after');
  texts.set(last.sequence, 'after');
  await waitUntil(() => thread(inbox, 'away').includes(`after#${last.sequence}`), 'the last message');

  // Every number once, in order; the one that is no message is cat's join tip.
  // (The group's creation notice to its first members is no part of its numbered thread.)
  const got = inbox.filter((m) => m.conversationID === 'GROUPaway' && m.type !== TYPES.MSG_GRP_SYS_NOTICE);
  assert.deepEqual(
    got.map((m) => m.sequence),
    range(1, last.sequence),
  );
  const tips = got.filter((m) => m.type === TYPES.MSG_GRP_TIP);
  assert.equal(tips.length, 1);
  assert.equal(tips[0].payload.operationType, TYPES.GRP_TIP_MBR_JOIN);
  assert.deepEqual(tips[0].payload.userIDList, ['cat']);
  assert.equal(texts.has(tips[0].sequence), false);
  for (const m of got) if (m.type === TYPES.MSG_TEXT) assert.equal(m.payload.text, texts.get(m.sequence));
  assert.equal(got.find((m) => m.payload.text === 'from his phone').flow, 'out');
  assert.equal(
    probe.sentOps('get_group_messages').find((f) => f.GroupId === 'away').AfterSeq,
    first.sequence,
    'the catch-up started after the last delivered number',
  );
  const entry = (await bob.getConversationList()).data.conversationList.find((c) => c.groupID === 'away');
  assert.equal(entry?.lastSequence, last.sequence);
});

test('a push that skips numbers makes the client fetch the gap', async () => {
  const probe = socketProbe(deadPort);
  const { chat: dan, inbox } = await follower('dan', { WebSocket: probe.WebSocket });
  const ann = await server.login('ann');
  await ann.createGroup({ type: TYPES.GRP_WORK, groupID: 'gap', name: 'Gap', memberList: ['dan'] });
  probe.drop = (frame) => frame.op === 'message' && frame.MsgBody[0].MsgContent.Text === 'lost';
  const sent = [await say(ann, 'gap', 'before'), await say(ann, 'gap', 'lost'), await say(ann, 'gap', 'after')];
  await waitUntil(() => thread(inbox, 'gap').length === 3, 'three messages');
  assert.deepEqual(thread(inbox, 'gap'), sent.map((m) => `${m.payload.text}#${m.sequence}`));
  assert.equal(probe.sockets.length, 1, 'no reconnect: the gap alone was fetched');
  assert.deepEqual(
    probe.sentOps('get_group_messages').map((f) => f.AfterSeq),
    [sent[0].sequence],
  );
  const ender = await say(ann, 'gap', 'end');
  await waitUntil(() => thread(inbox, 'gap').length === 4, 'the last message');
  assert.equal(thread(inbox, 'gap')[3], `end#${ender.sequence}`);
  await dan.quitGroup('gap');
});

test('a send cut off by the drop is sent again and delivered once', async () => {
  const probe = socketProbe(deadPort);
  const { chat: eve, inbox } = await follower('eve', { WebSocket: probe.WebSocket });
  const { chat: fay, inbox: fayIn } = await follower('fay');
  await fay.createGroup({ type: TYPES.GRP_COMMUNITY, groupID: 'cut', name: 'Cut', memberList: ['eve'] });
  probe.swallow.add('send');
  const pending = say(eve, 'cut', 'in flight');
  await waitUntil(() => probe.sentOps('send').length === 1, 'the send to leave');
  probe.swallow.delete('send');
  probe.current().terminate();

  const sent = await pending;
  assert.equal(sent.status, 'success');
  const sends = probe.sentOps('send');
  assert.equal(sends.length, 2);
  assert.equal(sends[0].Random, sends[1].Random);
  await waitUntil(() => thread(fayIn, 'cut').length === 1, 'the message to arrive');
  const reply = await say(fay, 'cut', 'got it');
  assert.equal(reply.sequence, sent.sequence + 1, 'stored once');
  await waitUntil(() => thread(inbox, 'cut').length === 1, 'the reply');
  assert.deepEqual(thread(inbox, 'cut'), [`got it#${reply.sequence}`], 'her own message is not delivered back to her');
});

test('a group joined while away starts where the user joined; the group list follows', async () => {
  const probe = socketProbe(deadPort);
  const { chat: gus, inbox } = await follower('gus', { WebSocket: probe.WebSocket });
  const states = record(gus, EVENT.NET_STATE_CHANGE);
  const groups = record(gus, EVENT.GROUP_LIST_UPDATED);
  const ann = await server.login('ann');
  await ann.createGroup({ type: TYPES.GRP_PUBLIC, groupID: 'late', name: 'Late' });
  await cut(probe, states);
  await say(ann, 'late', 'before gus');
  await ann.addGroupMember({ groupID: 'late', userIDList: ['gus'] });
  const sent = [await say(ann, 'late', 'welcome'), await say(ann, 'late', 'again')];
  probe.offline = false;
  await waitUntil(() => thread(inbox, 'late').length === 3, 'the invitation and both messages');
  assert.deepEqual(thread(inbox, 'late'), [
    `tip${TYPES.GRP_TIP_MBR_INVITED}#${sent[0].sequence - 1}`,
    `welcome#${sent[0].sequence}`,
    `again#${sent[1].sequence}`,
  ]);
  await waitUntil(() => groups.some((l) => l.some((/** @type {any} */ g) => g.groupID === 'late')), 'the group list');
  const now = await say(ann, 'late', 'live');
  await waitUntil(() => thread(inbox, 'late').length === 4, 'the live message');
  assert.equal(thread(inbox, 'late')[3], `live#${now.sequence}`);
});

test('a new login starts from the conversation list: what came before is history', async () => {
  const ann = await server.login('ann');
  await ann.createGroup({ type: TYPES.GRP_WORK, groupID: 'fresh', name: 'Fresh', memberList: ['cat'] });
  await say(ann, 'fresh', 'while cat was away');
  await say(ann, 'fresh', 'and more');
  const { chat: cat, inbox } = await follower('cat');
  const listed = (await cat.getConversationList()).data.conversationList.find((c) => c.groupID === 'fresh');
  assert.equal(listed?.unreadCount, 2);
  assert.equal(listed?.lastMessage?.type === TYPES.MSG_TEXT && listed.lastMessage.payload.text, 'and more');
  assert.deepEqual(listed?.groupProfile, { groupID: 'fresh', type: TYPES.GRP_WORK, name: 'Fresh', avatar: '' });
  const now = await say(ann, 'fresh', 'now');
  await waitUntil(() => thread(inbox, 'fresh').length === 1, 'the new message');
  assert.deepEqual(thread(inbox, 'fresh'), [`now#${now.sequence}`]);
  const page = (await cat.getMessageList({ conversationID: 'GROUPfresh' })).data.messageList;
  assert.deepEqual(
    page.map((m) => m.payload.text),
    ['while cat was away', 'and more', 'now'],
  );
});
