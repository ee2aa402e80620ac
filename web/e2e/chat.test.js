// End-to-end test of the messenger (/chat) in a real browser: two users, each in their own
// browser context, exchange messages; the unread badges, read marks, typing notice, an edit
// and a recall show on the other side. Then one user's WebSocket is cut (the page stays,
// its connection does not), the other writes meanwhile, and when the connection is back the
// first has exactly the messages it missed, once each, in order. Two more users: one asks the
// other to be friends and is accepted, edits its profile and the other sees the new nick, logs
// out and back in and the other's online dot follows, and is blocked.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DESKTOP, newPage, screenshot, startBrowser, startServer } from './support.js';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;

before(async () => {
  server = await startServer();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** @param {string} name @returns {string} a `data-chat` selector */
const ch = (name) => `[data-chat="${name}"]`;

/**
 * The messenger logged in as `userID` (development login), with its WebSocket passing
 * through a route the test can cut: `cut()` closes it and refuses new ones, `restore()`
 * lets them through again.
 * @param {string} userID
 */
async function messenger(userID) {
  const page = await newPage(browser, DESKTOP);
  let refusing = false;
  /** @type {Array<{page: import('playwright-core').WebSocketRoute, server: import('playwright-core').WebSocketRoute}>} */
  const open = [];
  await page.routeWebSocket(/\/ws$/, (ws) => {
    if (refusing) {
      ws.close();
      return;
    }
    open.push({ page: ws, server: ws.connectToServer() });
  });
  await page.goto(`${server.base}/chat`);
  await page.locator(ch('login-name')).fill(userID);
  await page.locator(ch('login-submit')).click();
  await page.locator(ch('messenger')).waitFor();
  await page.locator(ch('net')).and(page.locator('[data-state="connected"]')).waitFor();
  return {
    page,
    async cut() {
      refusing = true;
      for (const link of open.splice(0)) {
        await link.server.close();
        await link.page.close();
      }
    },
    restore() {
      refusing = false;
    },
  };
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} peer
 */
const row = (page, peer) => page.locator(`${ch('conv')}[data-peer="${peer}"]`);

/**
 * A message of the open conversation by its text.
 * @param {import('playwright-core').Page} page
 * @param {string} text
 */
const message = (page, text) => page.locator(ch('msg'), { has: page.locator(ch('msg-text'), { hasText: text }) });

/**
 * Sends a message from the open conversation's composer.
 * @param {import('playwright-core').Page} page
 * @param {string} text
 */
async function send(page, text) {
  await page.locator(ch('input')).fill(text);
  await page.locator(ch('send')).click();
  await message(page, text).locator(`${ch('msg-status')}:not([data-state="sending"])`).waitFor();
}

/**
 * The texts of the other user's messages in the open conversation, with their numbers, in
 * the order shown.
 * @param {import('playwright-core').Page} page
 */
async function incoming(page) {
  return page.locator(`${ch('msg')}[data-flow="in"]`).evaluateAll((els) =>
    els.map((el) => `${el.querySelector('[data-chat="msg-text"]')?.textContent ?? '(recalled)'}#${/** @type {HTMLElement} */ (el).dataset.seq}`),
  );
}

test('two users chat: badges, read marks, typing, edit and recall; a cut connection gets exactly what it missed', async () => {
  const bob = await messenger('bob');
  const alice = await messenger('alice');

  // Alice starts a conversation with bob by his user ID.
  await alice.page.locator(ch('new-peer')).fill('bob');
  await alice.page.locator(ch('new-start')).click();
  await alice.page.locator(`${ch('thread')}[data-peer="bob"]`).waitFor();
  await send(alice.page, 'Hi Bob');
  await row(bob.page, 'alice').locator(ch('unread')).filter({ hasText: '1' }).waitFor();
  await send(alice.page, 'Are you there?');
  await row(bob.page, 'alice').locator(ch('unread')).filter({ hasText: '2' }).waitFor();
  assert.equal(await bob.page.locator(ch('total-unread')).textContent(), '2 unread');
  assert.equal(await message(alice.page, 'Hi Bob').locator(ch('msg-status')).getAttribute('data-state'), 'sent');
  await screenshot(bob.page, 'chat-unread');

  // Bob opens it: the badge goes, and alice sees her messages read.
  await row(bob.page, 'alice').click();
  await message(bob.page, 'Are you there?').waitFor();
  await row(bob.page, 'alice').locator(ch('unread')).waitFor({ state: 'detached' });
  await bob.page.locator(ch('total-unread')).waitFor({ state: 'hidden' });
  await message(alice.page, 'Hi Bob').locator(`${ch('msg-status')}[data-state="read"]`).waitFor();
  await message(alice.page, 'Are you there?').locator(`${ch('msg-status')}[data-state="read"]`).waitFor();

  // Bob types: alice sees it; his message ends it.
  await bob.page.locator(ch('input')).pressSequentially('Yes, here');
  await alice.page.locator(ch('typing')).waitFor({ state: 'visible' });
  await bob.page.locator(ch('input')).press('Enter');
  await message(alice.page, 'Yes, here').waitFor();
  await alice.page.locator(ch('typing')).waitFor({ state: 'hidden' });

  // Alice recalls her first message and edits her second.
  const first = message(alice.page, 'Hi Bob');
  const firstSeq = await first.getAttribute('data-seq');
  await first.hover();
  await first.locator(ch('msg-recall')).click();
  await bob.page.locator(`${ch('msg')}[data-seq="${firstSeq}"] ${ch('msg-recalled')}`).waitFor();
  assert.equal(await message(bob.page, 'Hi Bob').count(), 0);
  await alice.page.locator(`${ch('msg')}[data-seq="${firstSeq}"] ${ch('msg-recalled')}`).waitFor();

  const second = message(alice.page, 'Are you there?');
  await second.hover();
  await second.locator(ch('msg-edit')).click();
  await alice.page.locator(ch('edit-input')).fill('Are you still there?');
  await alice.page.locator(ch('edit-input')).press('Enter');
  await message(bob.page, 'Are you still there?').locator(ch('msg-edited')).waitFor();
  assert.equal(await message(bob.page, 'Are you there?').count(), 0);
  await screenshot(bob.page, 'chat-thread');

  // Alice's connection is cut; bob writes meanwhile.
  await alice.cut();
  await alice.page.locator(ch('net')).and(alice.page.locator(':not([data-state="connected"])')).waitFor();
  const before = await incoming(alice.page);
  for (const text of ['while you were away', 'second', 'third']) await send(bob.page, text);
  assert.deepEqual(await incoming(alice.page), before, 'nothing reaches a cut connection');

  // Back: exactly the missed messages, in order; then a last one after them.
  alice.restore();
  await alice.page.locator(ch('net')).and(alice.page.locator('[data-state="connected"]')).waitFor({ timeout: 30_000 });
  await message(alice.page, 'third').waitFor();
  await send(bob.page, 'welcome back');
  await message(alice.page, 'welcome back').waitFor();
  const after = await incoming(alice.page);
  const missed = after.slice(before.length);
  assert.deepEqual(after.slice(0, before.length), before);
  assert.deepEqual(
    missed.map((m) => m.replace(/#\d+$/, '')),
    ['while you were away', 'second', 'third', 'welcome back'],
  );
  const numbers = missed.map((m) => Number(m.split('#').pop()));
  assert.deepEqual(numbers, numbers.map((_, i) => numbers[0] + i), `consecutive numbers: ${numbers}`);
  // She had the conversation open: bob sees them read.
  await message(bob.page, 'welcome back').locator(`${ch('msg-status')}[data-state="read"]`).waitFor();
  assert.equal(await message(bob.page, 'while you were away').locator(ch('msg-status')).getAttribute('data-state'), 'read');
  await screenshot(alice.page, 'chat-after-reconnect');

  await bob.page.context().close();
  await alice.page.context().close();
});

test('profiles, friends and presence: a friend request accepted, a new nick seen by the peer, the online dot off and on, a block', async () => {
  const dave = await messenger('dave');
  const carol = await messenger('carol');

  // Carol writes to dave: each lists the other, and dave sees her online.
  await carol.page.locator(ch('new-peer')).fill('dave');
  await carol.page.locator(ch('new-start')).click();
  await send(carol.page, 'Hello Dave');
  await row(dave.page, 'carol').locator(`${ch('online')}[data-state="online"]`).waitFor();
  await row(carol.page, 'dave').locator(`${ch('online')}[data-state="online"]`).waitFor();

  // Carol asks dave to be friends; he accepts; each is in the other's friends.
  await carol.page.locator(ch('tab-friends')).click();
  await carol.page.locator(ch('friend-id')).fill('dave');
  await carol.page.locator(ch('friend-add')).click();
  await carol.page.locator(`${ch('request')}[data-peer="dave"][data-direction="out"]`).waitFor();
  await dave.page.locator(ch('requests-badge')).filter({ hasText: '1' }).waitFor();
  await dave.page.locator(ch('tab-friends')).click();
  const request = dave.page.locator(`${ch('request')}[data-peer="carol"][data-direction="in"]`);
  await screenshot(dave.page, 'chat-friend-request');
  await request.locator(ch('request-accept')).click();
  await dave.page.locator(`${ch('friend')}[data-peer="carol"]`).waitFor();
  await carol.page.locator(`${ch('friend')}[data-peer="dave"]`).waitFor();
  await request.waitFor({ state: 'detached' });
  await carol.page.locator(`${ch('request')}[data-peer="dave"]`).waitFor({ state: 'detached' });
  await dave.page.locator(ch('requests-badge')).waitFor({ state: 'hidden' });
  await dave.page.locator(`${ch('friend')}[data-peer="carol"] ${ch('online')}[data-state="online"]`).waitFor();

  // Carol edits her profile: dave sees her new nick in his friends, his list and the open
  // conversation.
  await carol.page.locator(ch('profile-open')).click();
  await carol.page.locator(ch('profile-nick')).fill('Carol Danvers');
  await carol.page.locator(ch('profile-signature')).fill('Higher, further, faster');
  await carol.page.locator(ch('profile-save')).click();
  await carol.page.locator(ch('me-nick')).filter({ hasText: 'Carol Danvers' }).waitFor();
  await dave.page.locator(`${ch('friend')}[data-peer="carol"] ${ch('person-name')}`).filter({ hasText: 'Carol Danvers' }).waitFor();
  await dave.page.locator(ch('tab-chats')).click();
  await row(dave.page, 'carol').locator(ch('conv-name')).filter({ hasText: 'Carol Danvers' }).waitFor();
  await row(dave.page, 'carol').click();
  await dave.page.locator(ch('thread-peer')).filter({ hasText: 'Carol Danvers' }).waitFor();
  await screenshot(carol.page, 'chat-profile');
  await screenshot(dave.page, 'chat-peer-nick');

  // Carol logs out: dave's dot for her turns off; she logs in again: on again.
  await carol.page.locator(ch('logout')).click();
  await row(dave.page, 'carol').locator(`${ch('online')}[data-state="offline"]`).waitFor();
  await dave.page.locator(ch('thread-status')).filter({ hasText: 'offline' }).waitFor();
  await carol.page.locator(ch('login-name')).fill('carol');
  await carol.page.locator(ch('login-submit')).click();
  await carol.page.locator(ch('messenger')).waitFor();
  await row(dave.page, 'carol').locator(`${ch('online')}[data-state="online"]`).waitFor();
  await dave.page.locator(ch('thread-status')).filter({ hasText: 'online' }).waitFor();

  // Dave blocks carol: her next message is refused.
  await dave.page.locator(ch('block')).click();
  await dave.page.locator(ch('block')).filter({ hasText: 'Unblock' }).waitFor();
  await row(carol.page, 'dave').click();
  await carol.page.locator(ch('input')).fill('Still there?');
  await carol.page.locator(ch('send')).click();
  await message(carol.page, 'Still there?').locator(`${ch('msg-status')}[data-state="fail"]`).waitFor();
  await carol.page.locator(ch('error')).filter({ hasText: '20007' }).waitFor();
  assert.equal(await message(dave.page, 'Still there?').count(), 0);

  await dave.page.context().close();
  await carol.page.context().close();
});
