// Communities with topics and what members add to messages, against a real server: topics
// created, listed, changed and deleted (and every member hearing of it), messages in a
// topic numbered from 1 apart from the community's own, per-topic unread counts and reads
// on another device, history pages of a topic, catch-up of topics after a cut connection;
// reactions, extensions with their versions, mentions on the conversation list and on
// topics, edits of group and topic messages, read receipts, a group's profile, pinning a
// group's conversation.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EVENT, LiveRoomError, TYPES } from '../liveroom.js';
import { freePort, nextEvent, record, socketProbe, startServer, waitUntil } from './support.js';

/** @type {import('./support.js').TestServer} */
let server;
/** A port nothing listens on: where an "offline" probe sends new sockets. */
let deadPort = 0;

const PEOPLE = ['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal'];

before(async () => {
  server = await startServer({ gateway: { requests_per_sec: 1000 } });
  deadPort = await freePort();
  for (const id of PEOPLE) await server.importUser(id, id.toUpperCase());
});

after(() => server.stop());

/** Fast pings and reconnects for the clients that are cut off. */
const FAST = { heartbeatInterval: 500, reconnectBaseDelay: 200, reconnectMaxDelay: 1000 };

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
  const topics = record(chat, EVENT.TOPIC_UPDATED);
  const listed = nextEvent(chat, EVENT.CONVERSATION_LIST_UPDATED);
  await chat.login({ userID, userSig: server.userSig(userID) });
  await listed;
  return { chat, inbox, lists, topics };
}

/**
 * @param {import('../liveroom.js').Chat} chat
 * @param {string} to a group or topic ID
 * @param {string} text
 * @param {Partial<import('../liveroom.js').TextMessageOptions>} [options]
 */
async function say(chat, to, text, options = {}) {
  const { data } = await chat.sendMessage(chat.createTextMessage({ to, payload: { text }, ...options }));
  return data.message;
}

/**
 * A thread's texts in a recorded inbox, as `text#sequence`.
 * @param {any[]} inbox
 * @param {string} id a group or topic ID
 */
function thread(inbox, id) {
  return inbox
    .filter((m) => m.conversationID === `GROUP${id}` && m.type === TYPES.MSG_TEXT)
    .map((m) => `${m.payload.text}#${m.sequence}`);
}

/**
 * The latest state of a topic among recorded TOPIC_UPDATED events.
 * @param {any[]} updates
 * @param {string} topicID
 */
function latest(updates, topicID) {
  for (let i = updates.length - 1; i >= 0; i--) if (updates[i].topic.topicID === topicID) return updates[i].topic;
  return undefined;
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

test('topics: created, listed, changed and deleted; every member hears; messages numbered per topic', async () => {
  const ann = await member('ann');
  const bob = await member('bob');
  const bob2 = await member('bob');
  const cat = await member('cat');
  const created = record(bob.chat, EVENT.TOPIC_CREATED);
  const deleted = record(bob.chat, EVENT.TOPIC_DELETED);

  await ann.chat.createGroup({ type: TYPES.GRP_COMMUNITY, groupID: 'guild', name: 'Guild', memberList: ['bob', 'cat'], isSupportTopic: true });
  const general = (await ann.chat.createTopicInCommunity({ groupID: 'guild', topicName: 'general', introduction: 'say hi' })).data.topicID;
  assert.ok(general.startsWith('guild@TOPIC#_'), general);
  const games = (await ann.chat.createTopicInCommunity({ groupID: 'guild', topicID: 'guild@TOPIC#_games', topicName: 'games' })).data.topicID;
  assert.equal(games, 'guild@TOPIC#_games');
  await waitUntil(() => created.length === 2, 'two TOPIC_CREATED on bob\'s device');
  assert.deepEqual(created.map((c) => c.topicID), [general, games]);
  assert.equal(created[0].groupID, 'guild');

  // A member may not create topics; a community without topics has none.
  await refused(bob.chat.createTopicInCommunity({ groupID: 'guild', topicName: 'mine' }), 10007);
  await ann.chat.createGroup({ type: TYPES.GRP_COMMUNITY, groupID: 'plain', name: 'Plain' });
  await refused(ann.chat.getTopicList({ groupID: 'plain' }), 10007);
  await assert.rejects(ann.chat.createTopicInCommunity({ groupID: 'guild', topicID: 'other@TOPIC#_x', topicName: 'x' }), /topicID/);

  // Messages in a topic: its own numbers, its own conversation, to the topic's ID.
  const hello = await say(ann.chat, general, 'hello general');
  assert.equal(hello.sequence, 1);
  assert.equal(hello.conversationID, `GROUP${general}`);
  const inGames = await say(ann.chat, games, 'gg');
  assert.equal(inGames.sequence, 1, 'each topic numbers from 1');
  const onGuild = await say(ann.chat, 'guild', 'to the whole community');
  assert.equal(onGuild.sequence, 1, 'the community numbers its own');
  await say(cat.chat, general, 'hi from cat');
  await waitUntil(() => thread(bob.inbox, general).length === 2, 'bob receives the topic\'s messages');
  assert.deepEqual(thread(bob.inbox, general), ['hello general#1', 'hi from cat#2']);
  assert.deepEqual(thread(bob.inbox, games), ['gg#1']);
  const got = bob.inbox.find((m) => m.sequence === 1 && m.conversationID === `GROUP${general}`);
  assert.equal(got.to, general);
  assert.equal(got.from, 'ann');
  assert.equal(got.ID, hello.ID);

  // Unread counts per topic, as events and in the list.
  await waitUntil(() => latest(bob.topics, general)?.unreadCount === 2, 'bob\'s unread count in general');
  assert.equal(latest(bob.topics, games)?.unreadCount, 1);
  const list = (await bob.chat.getTopicList({ groupID: 'guild' })).data;
  assert.deepEqual(
    list.successTopicList.map((t) => [t.topicID, t.topicName, t.unreadCount, t.lastSequence]),
    [
      [general, 'general', 2, 2],
      [games, 'games', 1, 1],
    ],
  );
  assert.equal(list.successTopicList[0].introduction, 'say hi');
  assert.equal(list.successTopicList[0].groupID, 'guild');
  const named = (await bob.chat.getTopicList({ groupID: 'guild', topicIDList: [games, 'guild@TOPIC#_nope'] })).data;
  assert.deepEqual(named.successTopicList.map((t) => t.topicID), [games]);
  assert.deepEqual(named.failureTopicList.map((f) => f.topicID), ['guild@TOPIC#_nope']);
  // The topics' messages are not the community's: its conversation counts only its own.
  await waitUntil(() => entry(bob.lists, 'guild')?.lastSequence === 1, 'the community on bob\'s list');
  assert.equal(entry(bob.lists, 'guild').unreadCount, 1);
  assert.equal(bob.lists[bob.lists.length - 1].some((/** @type {any} */ c) => c.conversationID === `GROUP${general}`), false);

  // Reading a topic: 0 here and on bob's other device.
  const otherDevice = nextEvent(bob2.chat, EVENT.TOPIC_UPDATED, (d) => d.topic.topicID === general && d.topic.unreadCount === 0);
  const read = await bob.chat.setMessageRead({ conversationID: `GROUP${general}` });
  assert.deepEqual(read.data, { conversationID: `GROUP${general}`, readSequence: 2, unreadCount: 0 });
  await otherDevice;
  assert.equal((await bob2.chat.getTopicList({ groupID: 'guild' })).data.successTopicList[1].unreadCount, 1, 'games still unread');
  // Sending in a topic reads it.
  await say(bob.chat, games, 'me too');
  await waitUntil(() => latest(bob.topics, games)?.unreadCount === 0, 'games read by bob\'s own message');

  // History of a topic, page by page.
  for (let i = 3; i <= 7; i++) await say(cat.chat, general, `g${i}`);
  const page = await bob.chat.getMessageList({ conversationID: `GROUP${general}`, count: 4 });
  assert.deepEqual(page.data.messageList.map((m) => [m.sequence, m.conversationID, m.to]), [
    [4, `GROUP${general}`, general],
    [5, `GROUP${general}`, general],
    [6, `GROUP${general}`, general],
    [7, `GROUP${general}`, general],
  ]);
  const older = await bob.chat.getMessageList({ conversationID: `GROUP${general}`, nextReqMessageID: page.data.nextReqMessageID });
  assert.deepEqual(older.data.messageList.map((m) => m.sequence), [1, 2, 3]);
  assert.equal(older.data.isCompleted, true);

  // The profile changes: members hear; mute-all holds ordinary members.
  const renamed = nextEvent(bob.chat, EVENT.TOPIC_UPDATED, (d) => d.topic.topicID === games && d.topic.topicName === 'games-night');
  const updated = await ann.chat.updateTopicProfile({ groupID: 'guild', topicID: games, topicName: 'games-night', notification: 'Fridays', muteAllMembers: true });
  assert.equal(updated.data.topic.topicName, 'games-night');
  assert.equal(updated.data.topic.isAllMuted, true);
  const heard = await renamed;
  assert.equal(heard.topic.notification, 'Fridays');
  assert.equal(heard.topic.isAllMuted, true);
  await refused(say(bob.chat, games, 'muted?'), 10017);
  await ann.chat.setTopicProfile({ groupID: 'guild', topicID: games, muteAllMembers: false });
  await say(bob.chat, games, 'unmuted');

  // Deleted: members hear; its messages go with it.
  const gone = await ann.chat.deleteTopicFromCommunity({ groupID: 'guild', topicIDList: [games, 'guild@TOPIC#_nope'] });
  assert.deepEqual(gone.data.successTopicList, [{ topicID: games }]);
  assert.deepEqual(gone.data.failureTopicList.map((f) => [f.topicID, f.code]), [['guild@TOPIC#_nope', 10004]]);
  await waitUntil(() => deleted.length === 1, 'TOPIC_DELETED on bob\'s device');
  assert.deepEqual(deleted[0], { groupID: 'guild', topicIDList: [games] });
  assert.deepEqual((await bob.chat.getTopicList({ groupID: 'guild' })).data.successTopicList.map((t) => t.topicID), [general]);
  await assert.rejects(say(bob.chat, games, 'still there?'), LiveRoomError);

  // The community's profile says it has topics; the user's communities with topics.
  const profile = (await cat.chat.getGroupProfile({ groupID: 'guild' })).data.group;
  assert.equal(profile.isSupportTopic, true);
  assert.equal(profile.type, TYPES.GRP_COMMUNITY);
  assert.equal(profile.ownerID, 'ann');
  assert.equal(profile.memberCount, 3);
  assert.equal(profile.name, 'Guild');
  const communities = (await ann.chat.getJoinedCommunityList()).data.groupList;
  assert.deepEqual(communities.map((g) => g.groupID), ['guild']);
});

test('a topic created while a member is away, and one it missed messages of, are caught up after the reconnect, in order, once', async () => {
  const probe = socketProbe(deadPort);
  const dan = await member('dan', { ...FAST, WebSocket: probe.WebSocket });
  const states = record(dan.chat, EVENT.NET_STATE_CHANGE);
  const ann = await member('ann');
  await ann.chat.createGroup({ type: TYPES.GRP_COMMUNITY, groupID: 'hall', name: 'Hall', memberList: ['dan'], isSupportTopic: true });
  const lobby = (await ann.chat.createTopicInCommunity({ groupID: 'hall', topicName: 'lobby' })).data.topicID;
  await say(ann.chat, lobby, 'l1');
  await waitUntil(() => thread(dan.inbox, lobby).length === 1, 'the first message');

  probe.offline = true;
  probe.current().terminate();
  await waitUntil(() => states.some((s) => s.state === 'connecting'), 'the drop to be noticed');
  for (let i = 2; i <= 6; i++) await say(ann.chat, lobby, `l${i}`);
  const stage = (await ann.chat.createTopicInCommunity({ groupID: 'hall', topicName: 'stage' })).data.topicID;
  await say(ann.chat, stage, 's1');
  await say(ann.chat, stage, 's2');

  const back = nextEvent(dan.chat, EVENT.TOPIC_UPDATED, (d) => d.topic.topicID === stage, 10000);
  probe.offline = false;
  await waitUntil(() => thread(dan.inbox, stage).length === 2, 'the new topic\'s messages', 10000);
  await waitUntil(() => thread(dan.inbox, lobby).length === 6, 'the missed messages', 10000);
  assert.deepEqual(thread(dan.inbox, lobby), ['l1#1', 'l2#2', 'l3#3', 'l4#4', 'l5#5', 'l6#6']);
  assert.deepEqual(thread(dan.inbox, stage), ['s1#1', 's2#2']);
  assert.equal((await back).topic.unreadCount, 2);
  // Live again: the next message follows.
  await say(ann.chat, lobby, 'l7');
  await waitUntil(() => thread(dan.inbox, lobby).length === 7, 'the live message');
  const topics = (await dan.chat.getTopicList({ groupID: 'hall' })).data.successTopicList;
  // (Topics created in the same second come by ID.)
  assert.deepEqual(topics.map((t) => [t.topicName, t.unreadCount]).sort(), [['lobby', 7], ['stage', 2]]);
});

test('recall and edit in a topic: the sender\'s device marks it; history shows it; members get MESSAGE_MODIFIED', async () => {
  const ann = await member('ann');
  const eve = await member('eve');
  await ann.chat.createGroup({ type: TYPES.GRP_COMMUNITY, groupID: 'forum', name: 'Forum', memberList: ['eve'], isSupportTopic: true });
  const topic = (await ann.chat.createTopicInCommunity({ groupID: 'forum', topicName: 'news' })).data.topicID;
  const first = await say(eve.chat, topic, 'first draft');
  await waitUntil(() => thread(ann.inbox, topic).length === 1, 'the message');

  const modified = nextEvent(ann.chat, EVENT.MESSAGE_MODIFIED);
  first.payload.text = 'final text';
  first.cloudCustomData = '{"v":2}';
  const edited = await eve.chat.modifyMessage(first);
  assert.equal(edited.data.message.isModified, true);
  const [now] = await modified;
  assert.equal(now.conversationID, `GROUP${topic}`);
  assert.equal(now.sequence, 1);
  assert.equal(now.payload.text, 'final text');
  assert.equal(now.cloudCustomData, '{"v":2}');
  assert.equal(now.isModified, true);
  // Only one's own.
  const theirs = ann.inbox.find((m) => m.conversationID === `GROUP${topic}`);
  theirs.payload.text = 'hijacked';
  await refused(ann.chat.modifyMessage(theirs), 10007);

  const oops = await say(eve.chat, topic, 'oops');
  await waitUntil(() => thread(ann.inbox, topic).length === 2, 'the second message');
  await eve.chat.revokeMessage(oops);
  const history = (await ann.chat.getMessageList({ conversationID: `GROUP${topic}` })).data.messageList;
  assert.deepEqual(
    history.map((m) => [m.sequence, m.isRevoked, m.isModified]),
    [
      [1, false, true],
      [2, true, false],
    ],
  );

  // An edit of a group's own message reaches its members the same way.
  const plain = await say(ann.chat, 'forum', 'community notice');
  const eveHears = nextEvent(eve.chat, EVENT.MESSAGE_MODIFIED, (l) => l[0].conversationID === 'GROUPforum');
  plain.payload.text = 'community notice (updated)';
  await ann.chat.modifyMessage(plain);
  assert.equal((await eveHears)[0].payload.text, 'community notice (updated)');
  await waitUntil(() => entry(eve.lists, 'forum')?.lastMessage?.payload.text === 'community notice (updated)', 'the list\'s last message edited');
});

test('a recall in a topic reaches the members as the topic\'s (recalled push with TopicId)', { todo: 'the server\'s recalled push names no TopicId (docs/protocol.md says it does)' }, async () => {
  const ann = await member('ann');
  const fay = await member('fay');
  await ann.chat.createGroup({ type: TYPES.GRP_COMMUNITY, groupID: 'board', name: 'Board', memberList: ['fay'], isSupportTopic: true });
  const topic = (await ann.chat.createTopicInCommunity({ groupID: 'board', topicName: 'notes' })).data.topicID;
  await say(ann.chat, 'board', 'the community\'s first');
  const m = await say(ann.chat, topic, 'the topic\'s first');
  await waitUntil(() => thread(fay.inbox, topic).length === 1, 'the message');
  const revoked = nextEvent(fay.chat, EVENT.MESSAGE_REVOKED, () => true, 3000);
  await ann.chat.revokeMessage(m);
  const [r] = await revoked;
  assert.equal(r.conversationID, `GROUP${topic}`);
  assert.equal(r.sequence, 1);
});

test('reactions: added and taken back, counted, with who; members hear; a fresh device reads them', async () => {
  const ann = await member('ann');
  const bob = await member('bob');
  const cat = await member('cat');
  await ann.chat.createGroup({ type: TYPES.GRP_COMMUNITY, groupID: 'club', name: 'Club', memberList: ['bob', 'cat'], isSupportTopic: true });
  const topic = (await ann.chat.createTopicInCommunity({ groupID: 'club', topicName: 'pics' })).data.topicID;
  const photo = await say(ann.chat, topic, 'look at this');
  await waitUntil(() => thread(bob.inbox, topic).length === 1 && thread(cat.inbox, topic).length === 1, 'the message on both');
  const onBob = bob.inbox.find((m) => m.conversationID === `GROUP${topic}`);
  const onCat = cat.inbox.find((m) => m.conversationID === `GROUP${topic}`);
  const annHears = record(ann.chat, EVENT.MESSAGE_REACTIONS_UPDATED);

  const added = await bob.chat.addMessageReaction(onBob, '👍');
  assert.equal(added.data.totalUserCount, 1);
  await waitUntil(() => annHears.length === 1, 'ann hears the reaction');
  assert.deepEqual(annHears[0], {
    messageID: photo.ID,
    conversationID: `GROUP${topic}`,
    sequence: 1,
    reactionList: [{ reactionID: '👍', totalUserCount: 1, partialUserList: [{ userID: 'bob' }], reactedByMyself: false }],
  });
  await cat.chat.addMessageReaction(onCat, '👍');
  await cat.chat.addMessageReaction(onCat, '🎉');
  await waitUntil(() => annHears.length === 3, 'three changes');
  assert.deepEqual(annHears[1].reactionList[0], { reactionID: '👍', totalUserCount: 2, partialUserList: [{ userID: 'bob' }, { userID: 'cat' }], reactedByMyself: false });

  // Ann reacts too: her own event says so.
  await ann.chat.addMessageReaction(photo, '🎉');
  await waitUntil(() => annHears.length === 4, 'her own reaction');
  assert.equal(annHears[3].reactionList[0].reactedByMyself, true);
  assert.equal(annHears[3].reactionList[0].totalUserCount, 2);

  // Taken back.
  const removed = await bob.chat.removeMessageReaction(onBob, '👍');
  assert.equal(removed.data.totalUserCount, 1);
  await waitUntil(() => annHears.length === 5, 'the removal');
  assert.deepEqual(annHears[4].reactionList[0].partialUserList, [{ userID: 'cat' }]);

  // Read whole, from a device that saw nothing of it.
  const cat2 = await member('cat');
  const history = (await cat2.chat.getMessageList({ conversationID: `GROUP${topic}` })).data.messageList;
  const second = await say(ann.chat, topic, 'no reactions here');
  await waitUntil(() => thread(cat2.inbox, topic).length === 1, 'the new message on the fresh device');
  const both = [history[0], cat2.inbox.find((m) => m.sequence === second.sequence && m.conversationID === `GROUP${topic}`)];
  const read = (await cat2.chat.getMessageReactions({ messageList: both })).data;
  assert.deepEqual(read.map((r) => r.sequence), [1, 2]);
  const byID = (/** @type {any[]} */ list) => list.map((r) => [r.reactionID, r.totalUserCount, r.reactedByMyself]).sort();
  assert.deepEqual(byID(read[0].reactionList), [
    ['🎉', 2, true],
    ['👍', 1, true],
  ]);
  assert.deepEqual(read[1].reactionList, []);
  const few = (await cat2.chat.getMessageReactions({ messageList: [history[0]], maxUserCountPerReaction: 1 })).data;
  assert.deepEqual(few[0].reactionList.map((r) => r.partialUserList.length), [1, 1]);

  // A device that never read the message's reactions still hears them whole.
  const dan = await member('dan');
  await ann.chat.addGroupMember({ groupID: 'club', userIDList: ['dan'] });
  const danHears = nextEvent(dan.chat, EVENT.MESSAGE_REACTIONS_UPDATED, () => true, 8000);
  const fresh = (await bob.chat.getMessageList({ conversationID: `GROUP${topic}` })).data.messageList[0];
  await bob.chat.addMessageReaction(fresh, '🎉');
  const heard = await danHears;
  assert.deepEqual(heard.reactionList[0].partialUserList.map((u) => u.userID).sort(), ['ann', 'bob', 'cat']);
  assert.equal(heard.reactionList[0].totalUserCount, 3);

  // Reactions in a plain group, and a recalled message takes none.
  await ann.chat.createGroup({ type: TYPES.GRP_PUBLIC, groupID: 'pub', name: 'Pub', memberList: ['bob'] });
  const gone = await say(ann.chat, 'pub', 'soon gone');
  await ann.chat.addMessageReaction(gone, 'ok');
  await ann.chat.revokeMessage(gone);
  await refused(ann.chat.addMessageReaction(gone, 'ok2'), 10030);
});

test('extensions: set with versions, read, heard by members; a stale version is refused with the stored value', async () => {
  const ann = await member('ann');
  const gus = await member('gus');
  await ann.chat.createGroup({ type: TYPES.GRP_PUBLIC, groupID: 'polls', name: 'Polls', memberList: ['gus'] });
  const poll = await ann.chat.sendMessage(
    ann.chat.createCustomMessage({ to: 'polls', payload: { data: '{"q":"lunch?"}' }, isSupportExtension: true }),
  );
  const m = poll.data.message;
  assert.equal(m.isSupportExtension, true);
  await waitUntil(() => gus.inbox.some((x) => x.conversationID === 'GROUPpolls' && x.sequence === m.sequence), 'the poll');
  const onGus = gus.inbox.find((x) => x.conversationID === 'GROUPpolls' && x.sequence === m.sequence);

  const heard = nextEvent(ann.chat, EVENT.MESSAGE_EXTENSIONS_UPDATED);
  const set = await gus.chat.setMessageExtensions(onGus, [{ key: 'gus', value: 'pizza' }]);
  assert.deepEqual(set.data.extensions, [{ key: 'gus', value: 'pizza', code: 0 }]);
  assert.deepEqual(await heard, { messageID: m.ID, conversationID: 'GROUPpolls', sequence: m.sequence, extensions: [{ key: 'gus', value: 'pizza' }] });

  // Ann heard gus's write, so she writes over it. A device of hers that did not hear it (a
  // new one) is refused with what is stored; it has the version then, and its write goes.
  const over = await ann.chat.setMessageExtensions(m, [{ key: 'gus', value: 'pasta' }]);
  assert.deepEqual(over.data.extensions, [{ key: 'gus', value: 'pasta', code: 0 }]);
  const ann2 = await member('ann');
  const [onAnn2] = (await ann2.chat.getMessageList({ conversationID: 'GROUPpolls' })).data.messageList.filter((x) => x.sequence === m.sequence);
  const stale = await ann2.chat.setMessageExtensions(onAnn2, [{ key: 'gus', value: 'salad' }, { key: 'ann', value: 'soup' }]);
  assert.deepEqual(stale.data.extensions, [
    { key: 'gus', value: 'pasta', code: 23001 },
    { key: 'ann', value: 'soup', code: 0 },
  ]);
  const again = await ann2.chat.setMessageExtensions(onAnn2, [{ key: 'gus', value: 'salad' }]);
  assert.deepEqual(again.data.extensions, [{ key: 'gus', value: 'salad', code: 0 }]);
  // Gus reads the message's extensions, then writes over what he read.
  const read = await gus.chat.getMessageExtensions(onGus);
  assert.deepEqual(read.data.extensions, [
    { key: 'ann', value: 'soup' },
    { key: 'gus', value: 'salad' },
  ]);
  const mine = await gus.chat.setMessageExtensions(onGus, [{ key: 'gus', value: 'tacos' }]);
  assert.equal(mine.data.extensions[0].code, 0);

  // A message sent without isSupportExtension takes none.
  const plain = await say(ann.chat, 'polls', 'plain');
  await refused(ann.chat.setMessageExtensions(plain, [{ key: 'k', value: 'v' }]), 23004);
  await assert.rejects(ann.chat.setMessageExtensions(plain, []), /extensions/);
});

test('mentions: the conversation list and the topics show unread mentions until read', async () => {
  const ann = await member('ann');
  const hal = await member('hal');
  await ann.chat.createGroup({ type: TYPES.GRP_COMMUNITY, groupID: 'town', name: 'Town', memberList: ['hal'], isSupportTopic: true });
  const square = (await ann.chat.createTopicInCommunity({ groupID: 'town', topicName: 'square' })).data.topicID;
  await say(ann.chat, 'town', 'no mention');
  const at = await ann.chat.sendMessage(
    ann.chat.createTextAtMessage({ to: 'town', payload: { text: '@hal look', atUserList: ['hal'] } }),
  );
  await ann.chat.sendMessage(ann.chat.createTextAtMessage({ to: 'town', payload: { text: '@all meeting', atUserList: [TYPES.MSG_AT_ALL] } }));
  await waitUntil(() => entry(hal.lists, 'town')?.groupAtInfoList.length === 2, 'two mentions on hal\'s list');
  assert.deepEqual(entry(hal.lists, 'town').groupAtInfoList, [
    { from: 'ann', groupID: 'town', topicID: '', messageSequence: at.data.message.sequence, atTypeArray: [TYPES.CONV_AT_ME] },
    { from: 'ann', groupID: 'town', topicID: '', messageSequence: at.data.message.sequence + 1, atTypeArray: [TYPES.CONV_AT_ALL] },
  ]);
  const received = hal.inbox.find((m) => m.sequence === at.data.message.sequence && m.conversationID === 'GROUPtown');
  assert.deepEqual(received.atUserList, ['hal'], 'pushes carry the mentions');

  // A new device reads them from the list (the oldest of each kind).
  const hal2 = await member('hal');
  const listed = (await hal2.chat.getConversationList()).data.conversationList.find((c) => c.groupID === 'town');
  assert.deepEqual(listed?.groupAtInfoList.map((a) => [a.messageSequence, a.atTypeArray]), [
    [at.data.message.sequence, [TYPES.CONV_AT_ME]],
    [at.data.message.sequence + 1, [TYPES.CONV_AT_ALL]],
  ]);

  // In a topic: the topic shows it.
  const inTopic = await ann.chat.sendMessage(
    ann.chat.createTextAtMessage({ to: square, payload: { text: '@hal in the square', atUserList: ['hal', TYPES.MSG_AT_ALL] } }),
  );
  await waitUntil(() => latest(hal.topics, square)?.groupAtInfoList.length === 1, 'the topic\'s mention');
  assert.deepEqual(latest(hal.topics, square).groupAtInfoList, [
    { from: 'ann', groupID: 'town', topicID: square, messageSequence: inTopic.data.message.sequence, atTypeArray: [TYPES.CONV_AT_ALL_AT_ME] },
  ]);

  // Read: gone, on every device.
  await hal.chat.setMessageRead({ conversationID: 'GROUPtown' });
  await waitUntil(() => entry(hal.lists, 'town')?.groupAtInfoList.length === 0, 'the mentions read');
  await waitUntil(() => entry(hal2.lists, 'town')?.groupAtInfoList.length === 0, 'read on the other device');
  await hal.chat.setMessageRead({ conversationID: `GROUP${square}` });
  await waitUntil(() => latest(hal2.topics, square)?.groupAtInfoList.length === 0, 'the topic\'s mention read on the other device');
});

test('read receipts of a group\'s messages; a group\'s conversation pinned; a group\'s profile', async () => {
  const ann = await member('ann');
  const bob = await member('bob');
  const cat = await member('cat');
  await ann.chat.createGroup({ type: TYPES.GRP_WORK, groupID: 'desk', name: 'Desk', memberList: ['bob', 'cat'] });
  const m = await say(ann.chat, 'desk', 'please read', { needReadReceipt: true });
  const before = (await ann.chat.getMessageReadReceiptList([m])).data.messageList;
  assert.deepEqual(before[0].readReceiptInfo, { readCount: 0, unreadCount: 2 });
  await waitUntil(() => entry(bob.lists, 'desk')?.unreadCount === 1, 'bob has it');
  await bob.chat.setMessageRead({ conversationID: 'GROUPdesk' });
  const after = (await ann.chat.getMessageReadReceiptList([m])).data.messageList;
  assert.deepEqual(after[0].readReceiptInfo, { readCount: 1, unreadCount: 1 });
  assert.equal(m.readReceiptInfo?.readCount, 1, 'set on the message itself');
  await assert.rejects(ann.chat.getMessageReadReceiptList([]), /messages/);

  // A community has none.
  await ann.chat.createGroup({ type: TYPES.GRP_COMMUNITY, groupID: 'crowd', name: 'Crowd', memberList: ['bob'] });
  const c = await say(ann.chat, 'crowd', 'hello crowd');
  await refused(ann.chat.getMessageReadReceiptList([c]), 10007);

  // Pinning a group's conversation.
  await say(ann.chat, 'crowd', 'newer');
  await waitUntil(() => entry(cat.lists, 'desk') !== undefined, 'desk on cat\'s list');
  const pinned = await cat.chat.pinConversation({ conversationID: 'GROUPdesk', isPinned: true });
  assert.equal(pinned.data.conversationID, 'GROUPdesk');
  await waitUntil(() => entry(cat.lists, 'desk')?.isPinned === true, 'pinned on the list');
  const list = (await cat.chat.getConversationList()).data.conversationList;
  assert.equal(list[0].conversationID, 'GROUPdesk');
  assert.equal(list[0].isPinned, true);
  await cat.chat.pinConversation({ conversationID: 'GROUPdesk', isPinned: false });
  assert.equal((await cat.chat.getConversationList()).data.conversationList.find((x) => x.groupID === 'desk')?.isPinned, false);

  // Anyone reads a group's profile.
  const info = (await cat.chat.getGroupProfile({ groupID: 'desk' })).data.group;
  assert.equal(info.type, TYPES.GRP_WORK);
  assert.equal(info.memberCount, 3);
  assert.equal(info.isSupportTopic, false);
  assert.equal(info.nextMessageSeq > 1, true);
  await refused(cat.chat.getGroupProfile({ groupID: 'no-such-group' }), 10010);
});
