// Profiles, relationships and presence against a real server: a profile change reaches a
// conversation peer; a friend request is accepted (or declined) and both friend lists follow;
// a blocklist refuses the blocked user's messages; a status subscription sees a user come,
// set a custom status and go; and subscriptions outlive a lost connection.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EVENT, LiveRoomError, TYPES } from '../liveroom.js';
import { freePort, nextEvent, record, socketProbe, startServer } from './support.js';

/** @type {import('./support.js').TestServer} */
let server;
/** A port nothing listens on: where an "offline" probe sends new sockets. */
let deadPort = 0;

before(async () => {
  server = await startServer();
  deadPort = await freePort();
  await server.rest('liveroom_ext/set_app_settings', { Settings: { profile_custom_fields: ['Hobby'] } });
  for (const id of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hank', 'ivy', 'jack', 'kate', 'leo', 'mia', 'nina']) {
    await server.importUser(id, id[0].toUpperCase() + id.slice(1));
  }
});

after(() => server.stop());

/** Options of clients that lose their connection: fast pings, fast reconnects. */
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
 * The server's refusal of a call: its code.
 * @param {Promise<unknown>} call
 */
async function refusal(call) {
  try {
    await call;
  } catch (err) {
    assert.ok(err instanceof LiveRoomError, String(err));
    return err.code;
  }
  assert.fail('the call succeeded');
}

/**
 * Collects the data of every `name` event from now on, until `done` holds for what came.
 * @param {import('../liveroom.js').Chat} chat
 * @param {string} name
 * @param {(seen: any[]) => boolean} done
 * @returns {Promise<any[]>}
 */
function collectUntil(chat, name, done, timeout = 8000) {
  /** @type {any[]} */
  const seen = [];
  return new Promise((resolve, reject) => {
    /** @param {{data: any}} event */
    const handler = (event) => {
      seen.push(event.data);
      if (!done(seen)) return;
      clearTimeout(timer);
      chat.off(/** @type {any} */ (name), handler);
      resolve(seen);
    };
    const timer = setTimeout(() => {
      chat.off(/** @type {any} */ (name), handler);
      reject(new Error(`${name}: the events expected did not come within ${timeout} ms (saw ${JSON.stringify(seen)})`));
    }, timeout);
    chat.on(/** @type {any} */ (name), handler);
  });
}

/**
 * The statuses of `userID` in recorded USER_STATUS_UPDATED payloads, oldest first.
 * @param {any[][]} seen
 * @param {string} userID
 */
function statusesOf(seen, userID) {
  return seen.flat().filter((s) => s.userID === userID);
}

test('a profile change reaches a conversation peer, with the whole profile', async () => {
  const alice = await server.login('alice');
  const bob = await server.login('bob');
  await say(alice, 'bob', 'hello');

  const seen = nextEvent(bob, EVENT.PROFILE_UPDATED, (list) => list.some((/** @type {any} */ p) => p.userID === 'alice'));
  const { data: mine } = await alice.updateMyProfile({
    nick: 'Alice Liddell',
    avatar: 'https://example.com/alice.png',
    selfSignature: 'down the rabbit hole',
    gender: TYPES.GENDER_FEMALE,
    birthday: 18520504,
    allowType: TYPES.ALLOW_TYPE_ALLOW_ANY,
    profileCustomField: [{ key: 'Tag_Profile_Custom_Hobby', value: 'croquet' }],
  });
  assert.equal(mine.userID, 'alice');
  assert.equal(mine.nick, 'Alice Liddell');
  assert.equal(mine.selfSignature, 'down the rabbit hole');
  assert.deepEqual(mine.profileCustomField, [{ key: 'Tag_Profile_Custom_Hobby', value: 'croquet' }]);

  const [profile] = (await seen).filter((/** @type {any} */ p) => p.userID === 'alice');
  assert.deepEqual(profile, mine, 'the peer sees the profile as it is now');
  assert.equal(profile.gender, TYPES.GENDER_FEMALE);
  assert.equal(profile.birthday, 18520504);
  assert.equal(profile.allowType, TYPES.ALLOW_TYPE_ALLOW_ANY);
  assert.equal(profile.avatar, 'https://example.com/alice.png');

  // Read back; an account that does not exist is left out.
  const { data: read } = await bob.getUserProfile({ userIDList: ['alice', 'bob', 'nobody'] });
  assert.deepEqual(read.map((p) => p.userID).sort(), ['alice', 'bob']);
  assert.deepEqual(read.find((p) => p.userID === 'alice'), mine);
  assert.equal(read.find((p) => p.userID === 'bob')?.nick, 'Bob');

  // The new nick travels with her next message.
  const arrived = nextEvent(bob, EVENT.MESSAGE_RECEIVED);
  await say(alice, 'bob', 'it is me');
  assert.equal((await arrived)[0].nick, 'Alice Liddell');

  // Values the server refuses, and fields a user may not set.
  assert.ok((await refusal(alice.updateMyProfile({ gender: 'Gender_Type_Robot' }))) >= 40000);
  assert.equal(await refusal(alice.updateMyProfile(/** @type {any} */ ({ birthday: 'yesterday' }))), -1004);
  assert.equal(await refusal(alice.updateMyProfile(/** @type {any} */ ({ level: 9 }))), -1004);
});

test('a friend request accepted: both friend lists follow; one declined: the request goes', async () => {
  const carol = await server.login('carol');
  const dave = await server.login('dave');
  const erin = await server.login('erin');

  const asked = nextEvent(dave, EVENT.FRIEND_APPLICATION_LIST_UPDATED, (d) => d.friendApplicationList.length > 0);
  const added = await carol.addFriend({
    to: 'dave',
    source: 'AddSource_Type_Web',
    wording: 'Hi Dave, it is Carol',
    remark: 'Dave from work',
    groupName: 'work',
  });
  assert.deepEqual(added.data, { userID: 'dave', code: 30539, message: 'waiting for dave to accept', isPending: true });
  const [request] = (await asked).friendApplicationList;
  assert.equal(request.userID, 'carol');
  assert.equal(request.type, TYPES.SNS_APPLICATION_SENT_TO_ME);
  assert.equal(request.wording, 'Hi Dave, it is Carol');
  assert.equal(request.source, 'AddSource_Type_Web');
  assert.equal(request.nick, 'Carol');
  assert.ok(request.time > 0);
  const outgoing = (await carol.getFriendApplicationList()).data.friendApplicationList;
  assert.deepEqual(
    outgoing.map((a) => [a.userID, a.type]),
    [['dave', TYPES.SNS_APPLICATION_SENT_BY_ME]],
  );

  const carolList = nextEvent(carol, EVENT.FRIEND_LIST_UPDATED, (l) => l.some((/** @type {any} */ f) => f.userID === 'dave'));
  const daveList = nextEvent(dave, EVENT.FRIEND_LIST_UPDATED, (l) => l.some((/** @type {any} */ f) => f.userID === 'carol'));
  const answered = nextEvent(dave, EVENT.FRIEND_APPLICATION_LIST_UPDATED, (d) => d.friendApplicationList.length === 0);
  await dave.acceptFriendApplication({ userID: 'carol', remark: 'Carol the neighbour' });
  const ofCarol = (await carolList).find((/** @type {any} */ f) => f.userID === 'dave');
  assert.equal(ofCarol.remark, 'Dave from work');
  assert.deepEqual(ofCarol.groupList, ['work']);
  assert.equal(ofCarol.profile.nick, 'Dave');
  assert.ok(ofCarol.addTime > 0);
  const ofDave = (await daveList).find((/** @type {any} */ f) => f.userID === 'carol');
  assert.equal(ofDave.remark, 'Carol the neighbour');
  assert.equal(ofDave.profile.nick, 'Carol');
  await answered;
  assert.deepEqual((await carol.getFriendList()).data.map((f) => f.userID), ['dave']);
  assert.deepEqual((await dave.getFriendList()).data.map((f) => f.userID), ['carol']);
  assert.deepEqual((await carol.getFriendApplicationList()).data.friendApplicationList, []);

  // Erin asks carol, who declines: the request is gone on both sides, no friendship.
  const erinAsked = nextEvent(erin, EVENT.FRIEND_APPLICATION_LIST_UPDATED, (d) => d.friendApplicationList.length === 1);
  assert.equal((await erin.addFriend({ to: 'carol', wording: 'hello' })).data.isPending, true);
  assert.equal((await erinAsked).friendApplicationList[0].type, TYPES.SNS_APPLICATION_SENT_BY_ME);
  const erinDeclined = nextEvent(erin, EVENT.FRIEND_APPLICATION_LIST_UPDATED, (d) => d.friendApplicationList.length === 0);
  await carol.refuseFriendApplication({ userID: 'erin' });
  await erinDeclined;
  assert.deepEqual((await erin.getFriendList()).data, []);
  assert.equal(await refusal(carol.acceptFriendApplication({ userID: 'erin' })), 30614);

  // Carol deletes dave: gone from both lists; deleting a non-friend is a failure, not an error.
  const daveLeft = nextEvent(dave, EVENT.FRIEND_LIST_UPDATED, (l) => l.length === 0);
  const deleted = await carol.deleteFriend({ userIDList: ['dave', 'erin'] });
  assert.deepEqual(deleted.data.successUserIDList, [{ userID: 'dave' }]);
  assert.deepEqual(
    deleted.data.failureUserIDList.map((f) => [f.userID, f.code]),
    [['erin', 31704]],
  );
  await daveLeft;
  assert.deepEqual((await carol.getFriendList()).data, []);
});

test('a friend added at once when the other accepts anyone', async () => {
  const nina = await server.login('nina');
  await nina.updateMyProfile({ allowType: TYPES.ALLOW_TYPE_ALLOW_ANY });
  const erin = await server.login('erin');
  const listed = nextEvent(nina, EVENT.FRIEND_LIST_UPDATED, (l) => l.some((/** @type {any} */ f) => f.userID === 'erin'));
  const added = await erin.addFriend({ to: 'nina' });
  assert.deepEqual(added.data, { userID: 'nina', code: 0, message: '', isPending: false });
  await listed;
  assert.deepEqual((await erin.getFriendList()).data.map((f) => f.userID), ['nina']);
});

test('a blocked user\'s messages are refused with 20007 until unblocked', async () => {
  const frank = await server.login('frank');
  const gina = await server.login('gina');
  await say(gina, 'frank', 'before');

  const blocked = nextEvent(frank, EVENT.BLACKLIST_UPDATED, (list) => list.includes('gina'));
  assert.deepEqual((await frank.addToBlacklist({ userIDList: ['gina'] })).data, ['gina']);
  assert.deepEqual(await blocked, ['gina']);
  assert.deepEqual((await frank.getBlacklist()).data, ['gina']);

  const message = gina.createTextMessage({ to: 'frank', conversationType: TYPES.CONV_C2C, payload: { text: 'let me in' } });
  assert.equal(await refusal(gina.sendMessage(message)), 20007);
  assert.equal(message.status, 'fail');
  assert.equal(await refusal(gina.addFriend({ to: 'frank' })), 30525);
  assert.equal(await refusal(frank.addFriend({ to: 'gina' })), 30515);

  const unblocked = nextEvent(frank, EVENT.BLACKLIST_UPDATED, (list) => list.length === 0);
  await frank.removeFromBlacklist({ userIDList: ['gina'] });
  await unblocked;
  const arrived = nextEvent(frank, EVENT.MESSAGE_RECEIVED);
  await say(gina, 'frank', 'after');
  assert.equal((await arrived)[0].payload.text, 'after');
});

test('a status subscription sees a user log in, set a custom status and log out', async () => {
  const hank = await server.login('hank');
  const first = nextEvent(hank, EVENT.USER_STATUS_UPDATED);
  await hank.subscribeUserStatus({ userIDList: ['ivy'] });
  assert.deepEqual(await first, [{ userID: 'ivy', statusType: TYPES.USER_STATUS_OFFLINE, customStatus: '', platforms: [] }]);

  const online = nextEvent(hank, EVENT.USER_STATUS_UPDATED, (l) => l[0].statusType === TYPES.USER_STATUS_ONLINE);
  const ivy = await server.login('ivy');
  assert.deepEqual(await online, [{ userID: 'ivy', statusType: TYPES.USER_STATUS_ONLINE, customStatus: '', platforms: ['Web'] }]);

  const custom = nextEvent(hank, EVENT.USER_STATUS_UPDATED, (l) => l[0].customStatus !== '');
  assert.deepEqual((await ivy.setSelfStatus({ customStatus: 'in a meeting' })).data, {
    userID: 'ivy',
    statusType: TYPES.USER_STATUS_ONLINE,
    customStatus: 'in a meeting',
  });
  assert.equal((await custom)[0].customStatus, 'in a meeting');
  const { data: now } = await hank.getUserStatus({ userIDList: ['ivy'] });
  assert.deepEqual(now.successUserList, [
    { userID: 'ivy', statusType: TYPES.USER_STATUS_ONLINE, customStatus: 'in a meeting', platforms: ['Web'] },
  ]);
  assert.equal((await ivy.getUserStatus()).data.successUserList[0].customStatus, 'in a meeting', 'one\'s own without a list');

  const offline = nextEvent(hank, EVENT.USER_STATUS_UPDATED, (l) => l[0].statusType === TYPES.USER_STATUS_OFFLINE);
  await ivy.logout();
  assert.deepEqual(await offline, [{ userID: 'ivy', statusType: TYPES.USER_STATUS_OFFLINE, customStatus: '', platforms: [] }]);

  // Unsubscribed: ivy's next login is not announced; jack's, after it, is.
  const seen = record(hank, EVENT.USER_STATUS_UPDATED);
  await hank.unsubscribeUserStatus({ userIDList: ['ivy'] });
  await hank.subscribeUserStatus({ userIDList: ['jack'] });
  await server.login('ivy');
  const jackOnline = nextEvent(hank, EVENT.USER_STATUS_UPDATED, (l) => l[0].userID === 'jack' && l[0].statusType === TYPES.USER_STATUS_ONLINE);
  await server.login('jack');
  await jackOnline;
  assert.deepEqual(statusesOf(seen, 'ivy'), []);
});

test('status subscriptions survive a reconnect: subscribed again, what changed announced, one\'s custom status set again', async () => {
  const probe = socketProbe(deadPort);
  const kate = await server.login('kate', { ...FAST, WebSocket: probe.WebSocket });
  const states = record(kate, EVENT.NET_STATE_CHANGE);
  let leo = await server.login('leo');
  await kate.setSelfStatus({ customStatus: 'on the train' });
  const known = collectUntil(kate, EVENT.USER_STATUS_UPDATED, (seen) => seen.flat().length === 2);
  await kate.subscribeUserStatus({ userIDList: ['leo', 'mia'] });
  assert.deepEqual(
    (await known).flat().map((s) => [s.userID, s.statusType]).sort(),
    [['leo', TYPES.USER_STATUS_ONLINE], ['mia', TYPES.USER_STATUS_OFFLINE]],
  );

  // Kate is cut off; leo goes, mia comes while she is away.
  const cut = nextEvent(kate, EVENT.NET_STATE_CHANGE, (d) => d.state === 'connecting');
  probe.offline = true;
  probe.current().terminate();
  await cut;
  await leo.logout();
  const mia = await server.login('mia');

  // Back: both changes come as one announcement, from the new subscription.
  const changed = nextEvent(kate, EVENT.USER_STATUS_UPDATED);
  const back = nextEvent(kate, EVENT.NET_STATE_CHANGE, (d) => d.state === 'connected', 10000);
  probe.offline = false;
  const update = await changed;
  assert.deepEqual(
    update.map((/** @type {any} */ s) => [s.userID, s.statusType]).sort(),
    [['leo', TYPES.USER_STATUS_OFFLINE], ['mia', TYPES.USER_STATUS_ONLINE]],
  );
  await back;
  const subscribes = probe.sentOps('subscribe_status');
  assert.equal(subscribes.length, 2);
  assert.deepEqual(subscribes[1].UserIDs.slice().sort(), ['leo', 'mia']);
  assert.ok(states.some((s) => s.state === 'connecting'));

  // The server watches for her again: live changes arrive.
  const custom = nextEvent(kate, EVENT.USER_STATUS_UPDATED, (l) => l[0].userID === 'mia' && l[0].customStatus === 'hi kate');
  await mia.setSelfStatus({ customStatus: 'hi kate' });
  await custom;
  const returned = nextEvent(kate, EVENT.USER_STATUS_UPDATED, (l) => l[0].userID === 'leo' && l[0].statusType === TYPES.USER_STATUS_ONLINE);
  leo = await server.login('leo');
  await returned;

  // Her own custom status, which the server dropped with her only device, was set again.
  const { data } = await leo.getUserStatus({ userIDList: ['kate'] });
  assert.equal(data.successUserList[0].statusType, TYPES.USER_STATUS_ONLINE);
  assert.equal(data.successUserList[0].customStatus, 'on the train');
});
