// End-to-end test of deleting a comment in a real browser: the host deletes a viewer's
// comment from the chat list of the host page; it leaves another viewer's list and danmaku
// at once and is not in a late joiner's history.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { comment, DESKTOP, hostSel, lr, newPage, PHONE, screenshot, startBrowser, startServer, viewerPage } from './support.js';

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

/** @param {import('playwright-core').Page} page @param {string} text */
const line = (page, text) => page.locator(`${lr('chat-list')} .lr-msg`, { hasText: text });

test('the host deletes a comment: it leaves every list and the danmaku, and late joiners never get it', async () => {
  const host = await newPage(browser, DESKTOP);
  await host.goto(`${server.base}/host/demo`);
  await host.locator(hostSel('login-submit')).click();
  await host.locator(hostSel('state-Live')).click();
  const alice = await viewerPage(browser, server.base, 'alice');
  const bob = await viewerPage(browser, server.base, 'bob');

  await comment(alice, 'a fine comment');
  await line(bob, 'a fine comment').waitFor();
  await comment(alice, 'a rude comment');
  await line(bob, 'a rude comment').waitFor();
  const flying = bob.locator(`${lr('danmaku-layer')} .lr-danmaku-item`, { hasText: 'a rude comment' });
  await flying.waitFor();
  // Remember the flying node and whether its flight ended by itself.
  await flying.evaluate((node) => {
    const w = /** @type {any} */ (window);
    w.rudeNode = node;
    w.rudeLanded = false;
    node.addEventListener('animationend', () => {
      w.rudeLanded = true;
    });
  });

  // The host opens the comment's actions in its chat list and deletes it.
  await line(host, 'a rude comment').click();
  await host.locator(`${lr('chat-list')} [data-action="delete"]`).click();

  await line(bob, 'a rude comment').waitFor({ state: 'detached' });
  await line(host, 'a rude comment').waitFor({ state: 'detached' });
  await line(alice, 'a rude comment').waitFor({ state: 'detached' });
  await bob.waitForFunction(() => !(/** @type {any} */ (window).rudeNode.isConnected));
  assert.equal(await bob.evaluate(() => /** @type {any} */ (window).rudeLanded), false, 'taken off the screen mid-flight');
  assert.equal(await line(bob, 'a fine comment').count(), 1, 'the other comment stays');

  // A late joiner's history has the fine comment only; a live comment after it marks the end.
  const late = await viewerPage(browser, server.base, 'carol', PHONE);
  await line(late, 'a fine comment').waitFor();
  await comment(alice, 'after the deletion');
  await line(late, 'after the deletion').waitFor();
  assert.equal(await line(late, 'a rude comment').count(), 0);
  await screenshot(late, 'recall-late-joiner');

  for (const page of [host, alice, bob, late]) await page.context().close();
});
