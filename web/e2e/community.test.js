// End-to-end test of the communities page (/community) in a real browser, several users each
// in their own browser context. The owner creates a community with topics and a group that
// needs approval; one user joins the community by its ID, asks to join the group and is
// accepted in the owner's page. Then, in a topic: messages with unread badges on the server
// and the channel (cleared when read), a mention picked from the member list (an "@" badge
// for the one mentioned only), a reaction seen by the other side, a reply showing its quote,
// an edit; a recall in the group; a cut connection that gets exactly what it missed; a topic
// added by the owner; and the page at a phone's width.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DESKTOP, newPage, PHONE, screenshot, startBrowser, startServer } from './support.js';

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

/** @param {string} name @returns {string} a `data-community` selector */
const cm = (name) => `[data-community="${name}"]`;

/**
 * The page logged in as `userID` (development login), with its WebSocket passing through a
 * route the test can cut: `cut()` closes it and refuses new ones, `restore()` lets them
 * through again.
 * @param {string} userID
 * @param {{width: number, height: number}} [viewport]
 */
async function open(userID, viewport = DESKTOP) {
  const page = await newPage(browser, viewport);
  let refusing = false;
  /** @type {Array<{page: import('playwright-core').WebSocketRoute, server: import('playwright-core').WebSocketRoute}>} */
  const links = [];
  await page.routeWebSocket(/\/ws$/, (ws) => {
    if (refusing) {
      ws.close();
      return;
    }
    links.push({ page: ws, server: ws.connectToServer() });
  });
  await page.goto(`${server.base}/community`);
  await page.locator('[data-chat="login-name"]').fill(userID);
  await page.locator('[data-chat="login-submit"]').click();
  await page.locator(cm('layout')).waitFor();
  await page.locator(cm('net')).and(page.locator('[data-state="connected"]')).waitFor();
  return {
    page,
    async cut() {
      refusing = true;
      for (const link of links.splice(0)) {
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
 * @param {string} groupID
 */
const serverButton = (page, groupID) => page.locator(`${cm('server')}[data-group="${groupID}"]`);

/**
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
const channel = (page, name) => page.locator(`${cm('channel')}[data-name="${name}"]`);

/**
 * A message of the open channel by its text.
 * @param {import('playwright-core').Page} page
 * @param {string} text
 */
const message = (page, text) => page.locator(cm('msg'), { has: page.locator(cm('msg-text'), { hasText: text }) });

/**
 * Sends a message from the open channel's composer and waits until it is acknowledged.
 * @param {import('playwright-core').Page} page
 * @param {string} text
 */
async function send(page, text) {
  await page.locator(cm('input')).fill(text);
  await page.locator(cm('send')).click();
  await message(page, text).and(page.locator('[data-seq]:not([data-seq="0"])')).waitFor();
}

/**
 * Creates a server from the create dialog.
 * @param {import('playwright-core').Page} page
 * @param {{name: string, id: string, kind: string, topics?: string, approval?: boolean}} s
 */
async function create(page, s) {
  await page.locator(cm('create-open')).click();
  const dialog = page.locator(cm('create-dialog'));
  await dialog.locator(cm('create-name')).fill(s.name);
  await dialog.locator(cm('create-kind')).selectOption(s.kind);
  if (s.topics !== undefined) await dialog.locator(cm('create-topics')).fill(s.topics);
  if (s.approval) await dialog.locator(cm('create-approval')).check();
  await dialog.locator(cm('create-id')).fill(s.id);
  await dialog.locator(cm('create-submit')).click();
  await dialog.waitFor({ state: 'detached' });
  await serverButton(page, s.id).and(page.locator('[aria-current="page"]')).waitFor();
}

/**
 * Joins a server by its ID from the join dialog.
 * @param {import('playwright-core').Page} page
 * @param {string} groupID
 * @param {string} [note]
 */
async function join(page, groupID, note) {
  await page.locator(cm('join-open')).click();
  const dialog = page.locator(cm('join-dialog'));
  await dialog.locator(cm('join-id')).fill(groupID);
  if (note) await dialog.locator(cm('join-note')).fill(note);
  await dialog.locator(cm('join-submit')).click();
  await dialog.waitFor({ state: 'detached' });
}

/**
 * The texts of the open channel's messages, with their numbers, in the order shown.
 * @param {import('playwright-core').Page} page
 */
async function shown(page) {
  return page.locator(cm('msg')).evaluateAll((els) =>
    els.map((el) => `${el.querySelector('[data-community="msg-text"]')?.textContent ?? '(recalled)'}#${/** @type {HTMLElement} */ (el).dataset.seq}`),
  );
}

test('a community with topics and a group that needs approval: joining, badges, a mention, a reaction, a reply, an edit, a recall, a reconnect', async () => {
  const ann = await open('ann');
  const bob = await open('bob');
  const cat = await open('cat');
  await ann.page.locator(cm('welcome')).waitFor();

  // Ann creates a community with two topics, and a group that needs approval.
  await create(ann.page, { name: 'Guild', id: 'guild', kind: 'topics', topics: 'general, games' });
  // It opens at a topic (of two made in the same second, the server lists either first).
  await ann.page.locator(`${cm('channel')}[aria-current="page"]:not([data-name="main"])`).waitFor();
  await channel(ann.page, 'general').waitFor();
  await channel(ann.page, 'games').waitFor();
  await channel(ann.page, 'main').waitFor();
  await create(ann.page, { name: 'Council', id: 'council', kind: 'Public', approval: true });
  await screenshot(ann.page, 'community-created');

  // Bob joins the community by its ID; cat too.
  await join(bob.page, 'guild');
  await serverButton(bob.page, 'guild').and(bob.page.locator('[aria-current="page"]')).waitFor();
  await bob.page.locator(`${cm('channel-view')}`).waitFor();
  await join(cat.page, 'guild');
  await serverButton(cat.page, 'guild').waitFor();

  // Bob asks to join the group: he waits; ann accepts in her page; he is in.
  await join(bob.page, 'council', 'Let me in, please');
  await bob.page.locator(`${cm('pending-item')}[data-group="council"]`).filter({ hasText: 'waiting for approval' }).waitFor();
  await bob.page.locator(`${cm('pending')}[data-group="council"]`).waitFor();
  await screenshot(bob.page, 'community-waiting');
  await serverButton(ann.page, 'council').click();
  const request = ann.page.locator(`${cm('request')}[data-user="bob"]`);
  await request.filter({ hasText: 'Let me in, please' }).waitFor();
  await screenshot(ann.page, 'community-request');
  await request.locator(cm('request-accept')).click();
  await request.waitFor({ state: 'detached' });
  await serverButton(bob.page, 'council').waitFor();
  await bob.page.locator(`${cm('pending-item')}[data-group="council"]`).waitFor({ state: 'detached' });
  await ann.page.locator(`${cm('member')}[data-user="bob"]`).waitFor();

  // Bob reads #games of the guild; cat looks at the group's main channel.
  await serverButton(bob.page, 'guild').click();
  await channel(bob.page, 'games').click();
  await bob.page.locator(`${cm('channel-view')}`).and(bob.page.locator(`[data-channel="${await channel(bob.page, 'games').getAttribute('data-channel')}"]`)).waitFor();
  await channel(cat.page, 'main').click();

  // Ann writes in #general: a badge on the channel and on the server, for bob and cat.
  await serverButton(ann.page, 'guild').click();
  await channel(ann.page, 'general').click();
  await send(ann.page, 'Welcome to the guild');
  await channel(bob.page, 'general').locator(cm('channel-unread')).filter({ hasText: '1' }).waitFor();
  await serverButton(bob.page, 'guild').locator(cm('server-unread')).filter({ hasText: '1' }).waitFor();
  await channel(cat.page, 'general').locator(cm('channel-unread')).filter({ hasText: '1' }).waitFor();

  // Ann mentions bob, picked from the members after "@".
  const input = ann.page.locator(cm('input'));
  await input.fill('hey ');
  await input.pressSequentially('@bo');
  const option = ann.page.locator(`${cm('mention-option')}[data-user="bob"]`);
  await option.waitFor();
  assert.equal(await input.getAttribute('aria-expanded'), 'true');
  await screenshot(ann.page, 'community-mention-picker');
  await input.press('Enter');
  await ann.page.locator(cm('mention-picker')).waitFor({ state: 'hidden' });
  assert.equal(await input.inputValue(), 'hey @bob ');
  await input.pressSequentially('look at this');
  await input.press('Enter');
  await message(ann.page, 'look at this').and(ann.page.locator('[data-seq]:not([data-seq="0"])')).waitFor();

  // Bob sees an "@" on the channel and the server; cat, not mentioned, does not.
  await channel(bob.page, 'general').locator(cm('channel-at')).waitFor();
  await channel(bob.page, 'general').locator(cm('channel-unread')).filter({ hasText: '2' }).waitFor();
  await serverButton(bob.page, 'guild').locator(cm('server-at')).waitFor();
  await channel(cat.page, 'general').locator(cm('channel-unread')).filter({ hasText: '2' }).waitFor();
  assert.equal(await channel(cat.page, 'general').locator(cm('channel-at')).count(), 0);
  await screenshot(bob.page, 'community-badges');

  // Bob opens #general: the badges go, the mention is highlighted.
  await channel(bob.page, 'general').click();
  await message(bob.page, 'look at this').waitFor();
  await channel(bob.page, 'general').locator(cm('channel-unread')).waitFor({ state: 'detached' });
  await channel(bob.page, 'general').locator(cm('channel-at')).waitFor({ state: 'detached' });
  await serverButton(bob.page, 'guild').locator(cm('server-unread')).waitFor({ state: 'detached' });
  await serverButton(bob.page, 'guild').locator(cm('server-at')).waitFor({ state: 'detached' });
  const mention = message(bob.page, 'look at this');
  assert.match((await mention.getAttribute('class')) ?? '', /is-mention/);
  assert.match((await mention.locator(cm('mention')).textContent()) ?? '', /^@bob$/i);

  // Bob reacts to the welcome: ann sees it, adds hers, bob sees two.
  const welcome = message(bob.page, 'Welcome to the guild');
  await welcome.hover();
  await welcome.locator(cm('msg-react')).click();
  await welcome.locator(`${cm('palette-pick')}[data-reaction="👍"]`).click();
  const annChip = message(ann.page, 'Welcome to the guild').locator(`${cm('reaction')}[data-reaction="👍"]`);
  await annChip.locator(cm('reaction-count')).filter({ hasText: '1' }).waitFor();
  assert.equal(await annChip.getAttribute('aria-pressed'), 'false');
  await annChip.click();
  await annChip.and(ann.page.locator('[aria-pressed="true"]')).locator(cm('reaction-count')).filter({ hasText: '2' }).waitFor();
  const bobChip = welcome.locator(`${cm('reaction')}[data-reaction="👍"]`);
  await bobChip.locator(cm('reaction-count')).filter({ hasText: '2' }).waitFor();
  assert.equal(await bobChip.getAttribute('aria-pressed'), 'true');

  // Bob replies to the mention: both see the quote.
  await mention.hover();
  await mention.locator(cm('msg-reply')).click();
  await bob.page.locator(cm('reply-bar')).filter({ hasText: 'look at this' }).waitFor();
  await send(bob.page, 'On my way');
  await bob.page.locator(cm('reply-bar')).waitFor({ state: 'hidden' });
  const reply = message(ann.page, 'On my way');
  await reply.locator(cm('msg-quote-text')).filter({ hasText: 'look at this' }).waitFor();
  await message(bob.page, 'On my way').locator(cm('msg-quote-text')).filter({ hasText: 'look at this' }).waitFor();
  await screenshot(ann.page, 'community-reply-reaction');

  // Ann edits her welcome: bob sees the new text, marked edited.
  const own = message(ann.page, 'Welcome to the guild');
  await own.hover();
  await own.locator(cm('msg-edit')).click();
  await ann.page.locator(cm('edit-input')).fill('Welcome to the Guild!');
  await ann.page.locator(cm('edit-input')).press('Enter');
  await message(bob.page, 'Welcome to the Guild!').locator(cm('msg-edited')).waitFor();
  // The reaction stays with it.
  await message(bob.page, 'Welcome to the Guild!').locator(`${cm('reaction')}[data-reaction="👍"]`).waitFor();

  // Cat opens the guild's #general: three unread there, none after.
  await channel(cat.page, 'general').locator(cm('channel-unread')).filter({ hasText: '3' }).waitFor();
  await channel(cat.page, 'general').click();
  await message(cat.page, 'On my way').waitFor();
  await channel(cat.page, 'general').locator(cm('channel-unread')).waitFor({ state: 'detached' });

  // Cat's connection is cut; ann writes meanwhile; cat gets exactly what she missed.
  await cat.cut();
  await cat.page.locator(cm('net')).and(cat.page.locator(':not([data-state="connected"])')).waitFor();
  const before = await shown(cat.page);
  for (const text of ['while you were away', 'and this too']) await send(ann.page, text);
  assert.deepEqual(await shown(cat.page), before, 'nothing reaches a cut connection');
  cat.restore();
  await cat.page.locator(cm('net')).and(cat.page.locator('[data-state="connected"]')).waitFor({ timeout: 30_000 });
  await message(cat.page, 'and this too').waitFor();
  await send(ann.page, 'welcome back');
  await message(cat.page, 'welcome back').waitFor();
  const after = await shown(cat.page);
  assert.deepEqual(after.slice(0, before.length), before);
  const missed = after.slice(before.length);
  assert.deepEqual(missed.map((m) => m.replace(/#\d+$/, '')), ['while you were away', 'and this too', 'welcome back']);
  const numbers = missed.map((m) => Number(m.split('#').pop()));
  assert.deepEqual(numbers, numbers.map((_, i) => numbers[0] + i), `consecutive numbers: ${numbers}`);

  // In the group, ann recalls a message: bob sees it go.
  await serverButton(ann.page, 'council').click();
  await send(ann.page, 'a message to take back');
  await serverButton(bob.page, 'council').click();
  const gone = message(bob.page, 'a message to take back');
  await gone.waitFor();
  const seq = await gone.getAttribute('data-seq');
  const mine = message(ann.page, 'a message to take back');
  await mine.hover();
  await mine.locator(cm('msg-recall')).click();
  await bob.page.locator(`${cm('msg')}[data-seq="${seq}"] ${cm('msg-recalled')}`).waitFor();
  await ann.page.locator(`${cm('msg')}[data-seq="${seq}"] ${cm('msg-recalled')}`).waitFor();
  await screenshot(bob.page, 'community-recalled');

  // Ann adds a topic: it opens for her and shows in bob's list.
  await serverButton(ann.page, 'guild').click();
  await ann.page.locator(cm('topic-open')).click();
  await ann.page.locator(cm('topic-name')).fill('news');
  await ann.page.locator(cm('topic-submit')).click();
  await ann.page.locator(cm('channel-title')).filter({ hasText: 'news' }).waitFor();
  await serverButton(bob.page, 'guild').click();
  await channel(bob.page, 'news').waitFor();

  for (const p of [ann, bob, cat]) await p.page.context().close();
});

test('at a phone\'s width: servers and channels, then the channel, then its members, one at a time', async () => {
  const owner = await open('owen');
  await create(owner.page, { name: 'Phones', id: 'phones', kind: 'topics', topics: 'chat' });
  await send(owner.page, 'hello from a desktop');

  const dan = await open('dan', PHONE);
  await join(dan.page, 'phones');
  // Joining opens the channel, full width.
  const view = dan.page.locator(cm('channel-view'));
  await message(dan.page, 'hello from a desktop').waitFor();
  assert.equal(await dan.page.locator(cm('layout')).getAttribute('data-view'), 'chat');
  assert.equal(await dan.page.locator(cm('servers')).isVisible(), false);
  const box = await view.boundingBox();
  assert.ok(box && box.width >= PHONE.width - 2, `the channel fills the width (${box?.width})`);
  await screenshot(dan.page, 'community-phone-channel');

  // Back to the servers and channels; a reply there; then the members.
  await dan.page.locator(cm('back')).click();
  await dan.page.locator(cm('servers')).waitFor();
  await channel(dan.page, 'chat').waitFor();
  assert.equal(await view.isVisible(), false);
  await screenshot(dan.page, 'community-phone-nav');
  await channel(dan.page, 'chat').click();
  await send(dan.page, 'hello from a phone');
  await message(owner.page, 'hello from a phone').waitFor();
  await dan.page.locator(cm('members-toggle')).click();
  await dan.page.locator(`${cm('member')}[data-user="owen"] ${cm('member-role')}`).filter({ hasText: 'Owner' }).waitFor();
  assert.equal(await view.isVisible(), false);
  await screenshot(dan.page, 'community-phone-members');
  await dan.page.locator(cm('members-back')).click();
  await view.waitFor();

  for (const p of [owner, dan]) await p.page.context().close();
});
