// Live-room features against a real server: live state, pinned items, gifts, merged likes,
// online counts, lucky draws and moderation with the MUTED and REMOVED_FROM_GROUP events.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ERROR_CODE, EVENT, LiveRoomError, TYPES } from '../liveroom.js';
import { nextEvent, record, socketProbe, startServer, waitFor, waitUntil } from './support.js';

/** @type {import('./support.js').TestServer} */
let server;

before(async () => {
  server = await startServer({
    settings: { like_push_secs: 1, online_push_secs: 1, gift_combo_ms: 200 },
  });
  for (const [id, nick] of [
    ['host', 'Host'],
    ['alice', 'Alice'],
    ['bob', 'Bob'],
    ['carol', 'Carol'],
    ['dave', 'Dave'],
  ]) {
    await server.importUser(id, nick);
  }
});

after(() => server.stop());

/**
 * A fresh room owned by `host`.
 * @param {string} groupID
 */
async function room(groupID) {
  await server.createRoom(groupID, 'host');
  return groupID;
}

/**
 * Logs `userID` in and joins `groupID`.
 * @param {string} userID
 * @param {string} groupID
 * @param {Partial<import('../liveroom.js').CreateOptions>} [options]
 */
async function member(userID, groupID, options) {
  const chat = await server.login(userID, options);
  await chat.joinGroup({ groupID });
  return chat;
}

/**
 * @param {Promise<unknown>} promise
 * @param {number} code
 */
async function rejectsWith(promise, code) {
  await assert.rejects(promise, (/** @type {any} */ err) => err instanceof LiveRoomError && err.code === code);
}

test('live state changes reach every member', async () => {
  const g = await room('live-state');
  const host = await member('host', g);
  const viewer = await member('alice', g);
  const changed = nextEvent(viewer, EVENT.LIVE_STATE_CHANGED);

  const { data } = await host.setLiveState(g, TYPES.LIVE_STATE_LIVE);
  assert.equal(data.liveState.state, 'Live');
  assert.equal(data.liveState.session, 1);
  const event = await changed;
  assert.deepEqual(event, { groupID: g, liveState: data.liveState, operatorID: 'host' });

  await rejectsWith(host.setLiveState(g, TYPES.LIVE_STATE_REPLAY), 10004); // Live to Replay is illegal
  await rejectsWith(viewer.setLiveState(g, TYPES.LIVE_STATE_PAUSED), 10007); // not the owner
  await host.setLiveState(g, TYPES.LIVE_STATE_ENDED);
  const next = await host.setLiveState(g, TYPES.LIVE_STATE_LIVE, { newSession: true });
  assert.equal(next.data.liveState.session, 2);

  const late = await server.login('bob');
  const joined = await late.joinGroup({ groupID: g });
  assert.deepEqual(joined.data.liveState, next.data.liveState);
});

test('the owner edits the notice and custom fields; statistics are for the room\'s operators', async () => {
  await server.rest('liveroom_ext/set_group_custom_fields', { Fields: ['StreamUrl'] });
  const g = await room('profile-edit');
  const host = await member('host', g);
  const viewer = await member('alice', g);
  const updated = nextEvent(viewer, EVENT.GROUP_PROFILE_UPDATED);
  await host.modifyGroup(g, { notification: 'Sale at 8 pm', custom: { StreamUrl: 'https://cdn.example/live.m3u8' } });
  const change = await updated;
  assert.equal(change.operatorID, 'host');
  assert.deepEqual(change.changes, {
    notification: 'Sale at 8 pm',
    customFields: { StreamUrl: 'https://cdn.example/live.m3u8' },
  });
  await rejectsWith(viewer.modifyGroup(g, { notification: 'mine now' }), 10007);
  await rejectsWith(host.modifyGroup(g, { custom: { undeclared: 'x' } }), 10004);
  await rejectsWith(host.modifyGroup(g, { custom: { LiveState: 'x' } }), 10004);
  await assert.rejects(host.modifyGroup(g, /** @type {any} */ ({ name: 5 })), LiveRoomError);

  const sent = await viewer.sendMessage(viewer.createTextMessage({ to: g, payload: { text: 'hi' } }));
  assert.equal(sent.data.message.level, 1, 'the reply says the level the message went out with');
  await viewer.like(g, 3);
  const { data: stats } = await host.getRoomStats(g, { orderBy: 'Messages', top: 5 });
  assert.equal(stats.GroupId, g);
  assert.equal(stats.Session, 1);
  assert.equal(stats.Messages, 1);
  assert.equal(stats.Likes, 3);
  assert.equal(stats.OnlineNum, 2);
  assert.equal(stats.TopUsers[0].User_Account, 'alice');
  await rejectsWith(viewer.getRoomStats(g), 10007);
  await rejectsWith(host.getRoomStats(g, { orderBy: 'Loudness' }), 10004);
});

test('a pinned item reaches members and late joiners', async () => {
  const g = await room('shop');
  const host = await member('host', g);
  const viewer = await member('alice', g);
  const item = { ItemId: 'sku-1', Title: 'Mug', Price: 9.5, Link: 'https://shop.example/1' };

  const pinned = nextEvent(viewer, EVENT.ITEM_PINNED);
  await host.pinItem(g, item);
  const event = await pinned;
  assert.equal(event.operatorID, 'host');
  assert.deepEqual(event.item, item);

  const late = await server.login('bob');
  const joined = await late.joinGroup({ groupID: g });
  assert.deepEqual(joined.data.pinnedItem, item);

  const unpinned = nextEvent(viewer, EVENT.ITEM_PINNED);
  await host.unpinItem(g);
  assert.equal((await unpinned).item, null);
  await rejectsWith(viewer.pinItem(g, item), 10007);
});

test('gifts: the sender sees pushes at once, the room sees combo messages', async () => {
  const g = await room('gifts');
  const sender = await member('alice', g);
  const viewer = await member('bob', g);
  const senderGifts = record(sender, EVENT.GIFT_RECEIVED);
  const viewerGifts = record(viewer, EVENT.GIFT_RECEIVED);
  const viewerInbox = record(viewer, EVENT.MESSAGE_RECEIVED);

  for (let i = 0; i < 3; i++) {
    await server.rest('liveroom_ext/send_gift', {
      GroupId: g,
      From_Account: 'alice',
      GiftId: 'rose',
      GiftName: 'Rose',
      Count: 1,
      Value: 10,
    });
  }
  const pushes = await waitUntil(
    () => senderGifts.filter((x) => x.source === 'push').length === 3 && senderGifts,
    'three gift pushes',
  );
  assert.deepEqual(
    pushes.slice(0, 3).map((x) => x.comboCount),
    [1, 2, 3],
  );
  assert.ok(pushes.every((x) => x.isSelf && !x.echo && x.giftID === 'rose' && x.from === 'alice'));

  const seen = await waitFor(viewerGifts, (x) => x.comboCount === 3);
  assert.equal(seen.source, 'message');
  assert.equal(seen.isSelf, false);
  assert.equal(seen.echo, false);
  assert.equal(seen.nick, 'Alice');
  assert.equal(seen.comboID, pushes[0].comboID);
  assert.equal(seen.message.type, TYPES.MSG_CUSTOM);
  assert.ok(viewerInbox.some((m) => m.type === TYPES.MSG_CUSTOM && m.payload.description === 'Rose'));

  // The sender's own copy of the combo message repeats what the pushes showed.
  const echo = await waitFor(senderGifts, (x) => x.source === 'message' && x.comboCount === 3);
  assert.equal(echo.echo, true);
  assert.equal(echo.isSelf, true);
});

test('likes: quick taps are merged into one or two requests and the total is pushed', async () => {
  const g = await room('likes');
  const probe = socketProbe();
  const fan = await member('alice', g, { WebSocket: probe.WebSocket });
  const watcher = await member('bob', g);
  const totals = record(watcher, EVENT.LIKES_UPDATED);

  const replies = await Promise.all(Array.from({ length: 10 }, () => fan.like(g)));
  const requests = probe.sentOps('like');
  assert.ok(requests.length >= 1 && requests.length <= 2, `${requests.length} like requests`);
  assert.equal(
    requests.reduce((sum, r) => sum + r.Count, 0),
    10,
  );
  assert.ok(replies.every((r) => r.code === 0 && r.data.added >= 1 && r.data.count >= 1));
  const added = new Set(replies.map((r) => r.data)).size;
  assert.equal(added, requests.length, 'merged calls share their request reply');

  const pushed = await waitFor(totals, (t) => t.total === 10, 4000);
  assert.equal(pushed.groupID, g);

  await rejectsWith(fan.like(g, 0), ERROR_CODE.INVALID_ARGUMENT);
  await rejectsWith(fan.like(g, 101), ERROR_CODE.INVALID_ARGUMENT);
});

test('likes beyond 100 in one window are split at the protocol maximum', async () => {
  const g = await room('likes-max');
  const probe = socketProbe();
  const fan = await member('alice', g, { WebSocket: probe.WebSocket, likeMergeWindow: 500 });
  await Promise.all([fan.like(g, 1), fan.like(g, 60), fan.like(g, 60), fan.like(g, 30)]);
  const counts = probe.sentOps('like').map((r) => r.Count);
  assert.deepEqual(counts, [1, 60, 90]);
});

test('the online count is pushed when it changes', async () => {
  const g = await room('online');
  const watcher = await member('alice', g);
  const counts = record(watcher, EVENT.ONLINE_COUNT_UPDATED);
  const guest = server.chat();
  await guest.loginAsGuest();
  await guest.joinGroup({ groupID: g });
  await member('bob', g);
  const last = await waitFor(counts, (c) => c.memberCount === 3, 4000);
  assert.equal(last.groupID, g);
});

test('a lucky draw starts and ends with its winner', async () => {
  const g = await room('draw');
  const host = await member('host', g);
  const viewer = await member('alice', g);
  const started = nextEvent(viewer, EVENT.DRAW_STARTED);
  const ended = nextEvent(viewer, EVENT.DRAW_RESULT, undefined, 6000);

  // The server counts the window in whole seconds: 2 s leaves at least one for the entry.
  const { data } = await host.startDraw(g, { keyword: '666', duration: 2, winners: 1 });
  const start = await started;
  assert.deepEqual(start.draw, { drawID: data.drawID, keyword: '666', duration: 2, winners: 1 });
  assert.equal(start.operatorID, 'host');
  await viewer.sendMessage(viewer.createTextMessage({ to: g, payload: { text: '666!' } }));

  const { result } = await ended;
  assert.equal(result.drawID, data.drawID);
  assert.deepEqual(result.winners, ['alice']);
  assert.equal(result.entrants, 1);
  assert.match(result.seed, /^\d+$/);
  assert.match(result.entrantsHash, /^[0-9a-f]{64}$/);
  await rejectsWith(viewer.startDraw(g, { keyword: 'x', duration: 1 }), 10007);
});

test('moderation: mutes, mute-all and admins drive MUTED', async () => {
  const g = await room('moderation');
  const host = await member('host', g);
  const bob = await member('bob', g);
  const bobMutes = record(bob, EVENT.MUTED);
  const hostMutes = record(host, EVENT.MUTED);

  await host.mute(g, 'bob', 60);
  const muted = await waitFor(bobMutes, (m) => m.muted);
  assert.equal(muted.groupID, g);
  assert.ok(muted.muteRemaining > 55 && muted.muteRemaining <= 60);
  assert.equal(muted.muteAll, false);
  await assert.rejects(
    bob.sendMessage(bob.createTextMessage({ to: g, payload: { text: 'let me talk' } })),
    (/** @type {any} */ err) => {
      assert.equal(err.code, 10017);
      assert.ok(err.data.muteRemaining > 55);
      assert.equal(err.data.message.status, 'fail');
      return true;
    },
  );
  await host.mute(g, 'bob', 0);
  await waitFor(bobMutes, (m) => !m.muted && m.muteRemaining === 0);

  // A muted user who rejoins learns it from the join reply.
  await host.mute(g, ['bob'], TYPES.MUTE_PERMANENT);
  await waitFor(bobMutes, (m) => m.muteRemaining === TYPES.MUTE_PERMANENT);
  const again = await server.login('bob');
  const rejoined = record(again, EVENT.MUTED);
  const joined = await again.joinGroup({ groupID: g });
  assert.equal(joined.data.muteRemaining, TYPES.MUTE_PERMANENT);
  await waitFor(rejoined, (m) => m.muted && m.muteRemaining === TYPES.MUTE_PERMANENT);
  await host.mute(g, 'bob', 0);

  bobMutes.length = 0;
  await host.muteAll(g, true);
  await waitFor(bobMutes, (m) => m.muteAll && m.muted);
  await waitFor(hostMutes, (m) => m.muteAll && !m.muted); // the owner may still speak
  await host.setAdmin(g, 'bob', true);
  await waitFor(bobMutes, (m) => m.muteAll && !m.muted); // so may admins
  const ok = await bob.sendMessage(bob.createTextMessage({ to: g, payload: { text: 'admin here' } }));
  assert.equal(ok.code, 0);
  await host.setAdmin(g, 'bob', false);
  await host.muteAll(g, false);
  await waitFor(bobMutes, (m) => !m.muteAll && !m.muted);

  await rejectsWith(bob.mute(g, 'host', 10), 10007);
});

test('recall: the owner takes a comment back from every member and the history', async () => {
  const g = await room('recall');
  const host = await member('host', g);
  const alice = await member('alice', g);
  const bob = await member('bob', g);
  const recalled = nextEvent(bob, EVENT.MESSAGE_RECALLED);
  const rude = await alice.sendMessage(alice.createTextMessage({ to: g, payload: { text: 'rude' } }));
  await alice.sendMessage(alice.createTextMessage({ to: g, payload: { text: 'kind' } }));
  const sequence = rude.data.message.sequence;

  await rejectsWith(alice.recallMessage(g, sequence), 10007);
  const ok = await host.recallMessage(g, sequence);
  assert.equal(ok.code, 0);
  assert.deepEqual(await recalled, { groupID: g, sequence, operatorID: 'host' });
  await rejectsWith(host.recallMessage(g, sequence), 10030);
  await rejectsWith(host.recallMessage(g, sequence + 100), 10030);
  await assert.rejects(host.recallMessage(g, 0), (/** @type {any} */ err) => err.code === ERROR_CODE.INVALID_ARGUMENT);

  // A late joiner's history no longer holds it.
  const carol = await server.login('carol');
  const inbox = record(carol, EVENT.MESSAGE_RECEIVED);
  await carol.joinGroup({ groupID: g });
  await host.sendMessage(host.createTextMessage({ to: g, payload: { text: 'live now' } }));
  await waitFor(inbox, (m) => m.payload.text === 'live now');
  const texts = inbox.filter((m) => m.type === TYPES.MSG_TEXT).map((m) => m.payload.text);
  assert.deepEqual(texts, ['kind', 'live now']);
});

test('a timed mute ends by itself', async () => {
  const g = await room('short-mute');
  const host = await member('host', g);
  const bob = await member('bob', g);
  const mutes = record(bob, EVENT.MUTED);
  await host.mute(g, 'bob', 1);
  await waitFor(mutes, (m) => m.muted);
  const unmuted = await waitFor(mutes, (m) => !m.muted, 3000);
  assert.equal(unmuted.muteRemaining, 0);
});

test('a ban removes the member until it is lifted', async () => {
  const g = await room('bans');
  const host = await member('host', g);
  const carol = await member('carol', g);
  const inbox = record(carol, EVENT.MESSAGE_RECEIVED);
  const removed = nextEvent(carol, EVENT.REMOVED_FROM_GROUP);

  await host.ban(g, 'carol', 3600, 'spam');
  const event = await removed;
  assert.deepEqual(event, { groupID: g, reason: 'banned', operatorID: 'host', banTime: 3600, description: 'spam' });
  const notice = await waitFor(inbox, (m) => m.type === TYPES.MSG_GRP_SYS_NOTICE);
  assert.equal(notice.payload.operationType, TYPES.GRP_SYS_KICKED_OUT);
  await rejectsWith(carol.joinGroup({ groupID: g }), 10007);

  await host.unban(g, 'carol');
  const back = await carol.joinGroup({ groupID: g });
  assert.equal(back.code, 0);
});

test('a dismissed room removes its members', async () => {
  const g = await room('doomed');
  const dave = await member('dave', g);
  const removed = nextEvent(dave, EVENT.REMOVED_FROM_GROUP);
  await server.rest('group_open_http_svc/destroy_group', { GroupId: g });
  assert.equal((await removed).reason, 'dismissed');
});
