// End-to-end tests of the built-in pages in a real browser: a host and viewers (one a guest)
// in separate browser contexts on the real server, the embeddable component on a bare page
// of another origin, and the admin console. Screenshots go to the test-output folder.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  assertEnabled,
  comment,
  CONSOLE_PASSWORD,
  DESKTOP,
  hostSel,
  lr,
  newPage,
  PHONE,
  recordHlsStream,
  screenshot,
  serveFiles,
  startBrowser,
  startServer,
  viewerPage,
} from './support.js';

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

/**
 * Waits until `locator`'s `attribute` is `value`.
 * @param {import('playwright-core').Locator} locator
 * @param {string} attribute
 * @param {string} value
 */
async function waitForAttribute(locator, attribute, value) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const now = await locator.getAttribute(attribute);
    if (now === value) return;
    if (Date.now() > deadline) assert.fail(`${attribute} is ${now}, expected ${value}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The host page of the demo room, logged in as its owner. */
async function hostPage() {
  const page = await newPage(browser, DESKTOP);
  await page.goto(`${server.base}/host/demo`);
  await page.locator(hostSel('login-submit')).click();
  await page.locator(hostSel('state-Live')).waitFor();
  return page;
}

test('a host and two viewers (one a guest) share the live room', async () => {
  const host = await hostPage();
  const alice = await viewerPage(browser, server.base, 'alice');
  const guest = await viewerPage(browser, server.base, '');

  // The guest watches but cannot type, and is told why (once it has joined: until then the
  // reason says it is connecting).
  await assert.doesNotReject(guest.locator(lr('input-reason')).waitFor());
  await waitForText(guest.locator(lr('input-reason')), (t) => /guest|log in|sign in/i.test(t));
  assert.equal(await guest.locator(lr('input')).isDisabled(), true);

  // The state banner follows the host's buttons.
  await waitForAttribute(guest.locator(lr('state-banner')), 'data-state', 'Upcoming');
  await host.locator(hostSel('state-Live')).click();
  for (const page of [alice, guest]) await waitForAttribute(page.locator(lr('state-banner')), 'data-state', 'Live');

  // A comment typed by alice flies across the others' video and lands in their lists.
  await comment(alice, 'hello from alice');
  for (const page of [guest, host]) {
    await page.locator(`${lr('danmaku-layer')} .lr-danmaku-item`, { hasText: 'hello from alice' }).first().waitFor();
    const item = page.locator(`${lr('chat-list')} .lr-msg[data-from="alice"]`, { hasText: 'hello from alice' });
    await item.first().waitFor();
    assert.equal(await item.first().locator('.lr-nick').textContent(), 'alice');
    assert.match((await item.first().locator('.lr-level').textContent()) ?? '', /\d+/);
  }

  // The danmaku toggle hides the flying comments; the list keeps them.
  await guest.locator(lr('danmaku-toggle')).click();
  await comment(alice, 'only in the list');
  await guest.locator(`${lr('chat-list')} .lr-msg`, { hasText: 'only in the list' }).waitFor();
  assert.equal(await guest.locator(`${lr('danmaku-layer')} .lr-danmaku-item`, { hasText: 'only in the list' }).count(), 0);
  await guest.locator(lr('danmaku-toggle')).click();

  // A gift with an effect: the banner slides in and the Lottie effect plays for everyone.
  await alice.locator(lr('gift-button')).click();
  await alice.locator(`${lr('gift-panel')} [data-gift-id="rocket"]`).click();
  // Both pages at once: the sender's effect starts from her own push, the guest's after the
  // combo window; each lasts about two seconds.
  await Promise.all(
    [alice, guest].map(async (page) => {
      await page.locator(lr('gift-banner'), { hasText: /rocket/i }).first().waitFor();
      await page.locator(`${lr('effect')} svg`).first().waitFor();
    }),
  );
  await screenshot(guest, 'viewer-gift-effect');

  // A banner gift slides in without an effect.
  await alice.locator(`${lr('gift-panel')} [data-gift-id="heart"]`).click();
  await guest.locator(lr('gift-banner'), { hasText: /heart/i }).first().waitFor();

  // A plain gift is a line in the list (the panel stays open for more gifts).
  await alice.locator(`${lr('gift-panel')} [data-gift-id="rose"]`).click();
  await guest.locator(`${lr('chat-list')} .lr-msg`, { hasText: /rose/i }).first().waitFor();

  // Likes: hearts float up and the total follows.
  for (let i = 0; i < 5; i++) await guest.locator(lr('like-button')).click();
  await guest.locator('.lr-heart').first().waitFor();
  await waitForText(alice.locator(lr('like-total')), (t) => Number(t.replace(/\D/g, '')) >= 5);

  // A pinned item reaches a viewer who joins later.
  await host.locator(hostSel('item-id')).fill('sku-42');
  await host.locator(hostSel('item-title')).fill('Ceramic mug');
  await host.locator(hostSel('item-price')).fill('12.50');
  await host.locator(hostSel('item-pin')).click();
  await alice.locator(lr('item'), { hasText: 'Ceramic mug' }).waitFor();
  const late = await viewerPage(browser, server.base, 'carol', PHONE);
  await late.locator(lr('item'), { hasText: 'Ceramic mug' }).waitFor();
  await waitForAttribute(late.locator(lr('item')), 'data-item-id', 'sku-42');

  // The notice the host writes shows for viewers.
  await host.locator(hostSel('notice-input')).fill('Sale ends at 9 pm');
  await host.locator(hostSel('notice-save')).click();
  await late.locator(lr('notice'), { hasText: 'Sale ends at 9 pm' }).waitFor();

  // The online count: host, alice, the guest and carol.
  await waitForText(guest.locator(lr('online-count')), (t) => Number(t.replace(/\D/g, '')) >= 4);

  // A lucky draw: alice joins with one tap and wins (the only entrant).
  await host.locator(hostSel('draw-keyword')).fill('lucky');
  await host.locator(hostSel('draw-duration')).fill('2');
  await host.locator(hostSel('draw-winners')).fill('1');
  await host.locator(hostSel('draw-start')).click();
  await alice.locator(lr('draw'), { hasText: 'lucky' }).waitFor();
  await alice.locator(lr('draw-join')).click();
  await guest.locator(lr('draw-result'), { hasText: 'alice' }).waitFor({ timeout: 15_000 });
  // Alice's gifts raised her level: her own line of the entry shows the level the room sees.
  const badge = (/** @type {import('playwright-core').Page} */ page) =>
    page.locator(`${lr('chat-list')} .lr-msg[data-from="alice"]`, { hasText: 'lucky' }).last().locator('.lr-level').textContent();
  const seen = await badge(guest);
  assert.match(seen ?? '', /[2-9]/, 'the gifts raised her level');
  await waitForText(alice.locator(`${lr('chat-list')} .lr-msg[data-from="alice"]`, { hasText: 'lucky' }).last().locator('.lr-level'), (t) => t === seen);

  await screenshot(guest, 'viewer-desktop');
  await screenshot(late, 'viewer-phone');

  // The host mutes alice from the chat list: her input is disabled, with the reason.
  await host.locator(`${lr('chat-list')} .lr-msg[data-from="alice"]`).first().click();
  await host.locator('[data-action="mute"]').first().click();
  await alice.locator(lr('input-reason'), { hasText: /mute/i }).waitFor();
  assert.equal(await alice.locator(lr('input')).isDisabled(), true);

  // The statistics panel shows the session's counts.
  await host.locator(hostSel('stats')).waitFor();
  await screenshot(host, 'host');

  // Pause and end: the banners follow. Ending asks first; cancelled, nothing is sent.
  await host.locator(hostSel('state-Paused')).click();
  await waitForAttribute(guest.locator(lr('state-banner')), 'data-state', 'Paused');
  await host.locator(hostSel('state-Ended')).click();
  await host.locator(hostSel('end-question')).waitFor();
  await screenshot(host, 'host-end-question');
  await host.locator(hostSel('end-cancel')).click();
  await host.locator(hostSel('end-question')).waitFor({ state: 'hidden' });
  assert.equal(await host.locator(hostSel('state')).getAttribute('data-state'), 'Paused', 'still paused');
  await host.locator(hostSel('state-Ended')).click();
  await host.locator(hostSel('end-confirm')).click();
  // Viewers get the end card over the last picture.
  for (const page of [alice, guest, late]) {
    await waitForAttribute(page.locator(lr('state-banner')), 'data-state', 'Ended');
    await page.locator(lr('end-card')).waitFor();
  }
  await screenshot(guest, 'viewer-ended');
  await host.locator(hostSel('state-Replay')).click();
  await waitForAttribute(guest.locator(lr('state-banner')), 'data-state', 'Replay');
  await guest.locator(lr('end-card')).waitFor({ state: 'hidden' });

  for (const page of [host, alice, guest, late]) await page.context().close();
});

/**
 * Waits until `locator`'s text passes `check`.
 * @param {import('playwright-core').Locator} locator
 * @param {(text: string) => boolean} check
 */
async function waitForText(locator, check) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = (await locator.textContent()) ?? '';
    if (check(text)) return;
    if (Date.now() > deadline) assert.fail(`text stayed ${JSON.stringify(text)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A UserSig from the development login, asked from Node (standing in for a backend).
 * @param {string} userID
 * @param {string} [nickName]
 * @returns {Promise<string>}
 */
async function devUserSig(userID, nickName) {
  const res = await fetch(`${server.base}/v1/web/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(nickName ? { UserID: userID, NickName: nickName } : { UserID: userID }),
  });
  const login = await res.json();
  assert.equal(login.ErrorCode, 0, JSON.stringify(login));
  return login.UserSig;
}

/**
 * The curl command after `label` in the server's start-up banner: its URL and its body.
 * @param {string} label
 */
async function bannerCommand(label) {
  const deadline = Date.now() + 10_000;
  while (!server.banner.includes('Send a message')) {
    if (Date.now() > deadline) assert.fail(`no banner: ${server.banner}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const lines = server.banner.split('\n');
  const at = lines.findIndex((l) => l.includes(label));
  assert.ok(at >= 0, `no "${label}" in the banner`);
  /** @param {string} line */
  const quoted = (line) => line.slice(line.indexOf("'") + 1, line.lastIndexOf("'"));
  return { url: quoted(lines[at + 1]), body: quoted(lines[at + 2]) };
}

test("a room made with the banner's command is hosted with a UserSig; the statistics name viewers as the chat does, every column at 1440 px", async () => {
  const { url, body } = await bannerCommand('Create a room');
  const created = await (await fetch(url, { method: 'POST', body })).json();
  assert.equal(created.ErrorCode, 0, JSON.stringify(created));
  const roomID = JSON.parse(body).GroupId;

  // The host page takes a UserID and a UserSig (here minted by the development login).
  const host = await newPage(browser, { width: 1440, height: 900 });
  await host.goto(`${server.base}/host/${roomID}`);
  await host.locator(hostSel('login-userid')).fill('host');
  await host.locator(hostSel('login-usersig')).fill(await devUserSig('host'));
  await host.locator(hostSel('login-usersig-submit')).click();
  await waitForAttribute(host.locator(hostSel('state')), 'data-state', 'Upcoming');
  assert.equal(await host.locator(hostSel('role-warning')).isVisible(), false, 'host owns the room');
  await host.locator(hostSel('state-Live')).click();
  await waitForAttribute(host.locator(hostSel('state')), 'data-state', 'Live');

  // A viewer whose nickname is not their id comments.
  const fan = await newPage(browser, DESKTOP);
  await fan.goto(`${server.base}/room/${roomID}#userID=fan_9&userSig=${encodeURIComponent(await devUserSig('fan_9', 'Fan Nine'))}`);
  await assertEnabled(fan.locator(lr('input')));
  await comment(fan, 'hello host');
  await host.locator(`${lr('chat-list')} .lr-msg[data-from="fan_9"] .lr-nick`, { hasText: 'Fan Nine' }).waitFor();
  await host.locator(hostSel('stats-refresh')).click();
  await host.locator(`${hostSel('stats-top')} tr[data-user="fan_9"] ${hostSel('stats-nick')}`, { hasText: 'Fan Nine' }).waitFor();
  // All the table's columns are in view: nothing is scrolled out of its box.
  const table = await host.locator(hostSel('stats-top')).evaluate((t) => {
    const wrap = /** @type {HTMLElement} */ (t.parentElement);
    return { table: t.getBoundingClientRect().width, wrap: wrap.clientWidth, scroll: wrap.scrollWidth };
  });
  assert.ok(table.scroll <= table.wrap, `the statistics table fits its box: ${JSON.stringify(table)}`);
  await screenshot(host, 'host-1440');
  for (const page of [host, fan]) await page.context().close();
});

test("the README's embedding example works as pasted: the room lies over the page's own video", async () => {
  const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../README.md'), 'utf8');
  const snippet = readme.match(/```html\n([\s\S]*?)```/)?.[1];
  assert.ok(snippet, 'an html snippet in the README');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Embed</title></head><body>${snippet.replaceAll('http://127.0.0.1:8080', server.base)}</body></html>`;
  const embed = await serveFiles(new Map([['index.html', Buffer.from(html)]]));
  try {
    const page = await newPage(browser, DESKTOP);
    await page.goto(`${embed.base}/`);
    // In the room (its notice, which the demo room always has, arrives with the join), over
    // the player's box, with no video of its own, while the page's video plays under it.
    await page.locator(lr('notice')).waitFor();
    assert.equal(await page.locator(lr('video-placeholder')).count(), 0);
    const boxes = await page.evaluate(() => {
      const player = /** @type {HTMLElement} */ (document.querySelector('#player'));
      const room = /** @type {HTMLElement} */ (player.querySelector('[data-lr="room"]'));
      const a = player.getBoundingClientRect();
      const b = room.getBoundingClientRect();
      return { player: [a.left, a.top, a.width, a.height], room: [b.left, b.top, b.width, b.height] };
    });
    assert.deepEqual(boxes.room, boxes.player, 'the room covers the player');
    await page.waitForFunction(() => {
      const v = /** @type {HTMLVideoElement | null} */ (document.querySelector('#player > video'));
      return !!v && v.currentTime > 0.5 && v.videoWidth > 0;
    }, null, { timeout: 20_000 });
    await screenshot(page, 'readme-embed');
    await page.context().close();
  } finally {
    await embed.stop();
  }
});

test('the component mounts on a bare page of another origin with its options, controller, callbacks, renderers and theme', async () => {
  // The page's backend gives it a UserSig (here: the development login, asked from Node).
  const login = await (
    await fetch(`${server.base}/v1/web/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ UserID: 'embedder', NickName: 'Embedder' }),
    })
  ).json();
  assert.equal(login.ErrorCode, 0, JSON.stringify(login));
  // A page served from another port: it imports the component from the Liveroom server.
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>Embed</title>
<style>body{margin:0;background:#fff} #player{position:relative;width:800px;height:450px;background:#123}
 #player{--lr-accent:rgb(255, 0, 128);--lr-font:monospace}</style></head>
<body><div id="player"><video id="own" muted style="width:100%;height:100%;display:block;background:#0a3d62"></video></div>
<script type="module">
  import { mountLiveRoom } from '${server.base}/sdk/liveroom-room.js';
  window.seen = { entered: [], messages: [] };
  window.room = mountLiveRoom(document.getElementById('player'), {
    sdkAppID: ${server.sdkAppID},
    url: '${server.base.replace('http', 'ws')}/ws',
    roomID: 'demo',
    login: { userID: 'embedder', userSig: '${login.UserSig}' },
    maxDanmaku: 3,
    show: { video: false, gifts: false },
    anchor: { name: 'Anchor Ann' },
    onMemberEntered: (m) => window.seen.entered.push(m.userID),
    onMessage: (m) => window.seen.messages.push(m.payload && m.payload.text),
    renderers: {
      messageItem: (m) => {
        const el = document.createElement('div');
        el.className = 'custom-msg';
        el.textContent = '★ ' + (m.payload && m.payload.text ? m.payload.text : '');
        return el;
      },
      onlineMembers: ({ count }) => '<span class="custom-online">' + count + ' watching</span>',
    },
  });
</script></body></html>`;
  const embed = await serveFiles(new Map([['index.html', Buffer.from(page)]]));
  try {
    const bare = await newPage(browser, DESKTOP);
    await bare.goto(`${embed.base}/`);
    await bare.locator(lr('chat-list')).waitFor();
    await bare.evaluate(() => /** @type {any} */ (window).room.ready);
    // Options: no video of its own (it overlays the page's player), no gift panel, the anchor.
    assert.equal(await bare.locator(lr('video-placeholder')).count(), 0);
    assert.equal(await bare.locator('#player > #own').count(), 1, "the page's own player stays");
    assert.equal(await bare.locator(lr('gift-button')).count(), 0);
    await bare.locator(lr('anchor'), { hasText: 'Anchor Ann' }).waitFor();

    // A viewer joins and comments: the callbacks hear it, the custom renderer draws it.
    const alice = await viewerPage(browser, server.base, 'alice2');
    await comment(alice, 'rendered my way');
    await bare.locator('.custom-msg', { hasText: '★ rendered my way' }).waitFor();
    await bare.locator('.custom-online', { hasText: 'watching' }).waitFor();
    await bare.waitForFunction(() => {
      const seen = /** @type {any} */ (window).seen;
      return seen.entered.includes('alice2') && seen.messages.includes('rendered my way');
    });

    // The controller: a comment sent from the page reaches the viewer; data updates show.
    await bare.evaluate(() => /** @type {any} */ (window).room.sendText('sent by the controller'));
    await alice.locator(`${lr('chat-list')} .lr-msg[data-from="embedder"]`, { hasText: 'sent by the controller' }).waitFor();
    await bare.evaluate(() => /** @type {any} */ (window).room.updateData({ notice: 'Embedded notice', anchor: { name: 'Anchor Bea' } }));
    await bare.locator(lr('notice'), { hasText: 'Embedded notice' }).waitFor();
    await bare.locator(lr('anchor'), { hasText: 'Anchor Bea' }).waitFor();

    // Comments fly over the page's own player; maxDanmaku caps how many at once (sampled on
    // every animation frame while the comments arrive).
    await bare.evaluate(() => {
      const w = /** @type {any} */ (window);
      w.mostFlying = 0;
      const sample = () => {
        w.mostFlying = Math.max(w.mostFlying, document.querySelectorAll('#player [data-lr="danmaku-layer"] .lr-danmaku-item').length);
        w.sampling = requestAnimationFrame(sample);
      };
      sample();
    });
    for (let i = 0; i < 8; i++) await comment(alice, `flood ${i}`);
    await bare.locator('.custom-msg', { hasText: 'flood 7' }).waitFor();
    await bare.locator(`#player ${lr('danmaku-layer')} .lr-danmaku-item`, { hasText: 'flood' }).first().waitFor();
    const most = await bare.evaluate(() => {
      const w = /** @type {any} */ (window);
      cancelAnimationFrame(w.sampling);
      return w.mostFlying;
    });
    assert.ok(most >= 1 && most <= 3, `at most 3 comments flew at once (saw ${most})`);

    // The theme's accent colour reaches the component's parts.
    const accent = await bare.evaluate(() => {
      const el = document.querySelector('[data-lr="like-button"]');
      return el ? getComputedStyle(el).getPropertyValue('--lr-accent').trim() : '';
    });
    assert.equal(accent, 'rgb(255, 0, 128)');
    await screenshot(bare, 'component-embedded');

    // destroy() takes everything away and leaves the room.
    await bare.evaluate(() => /** @type {any} */ (window).room.destroy());
    assert.equal(await bare.locator('[data-lr]').count(), 0);
    assert.equal(await bare.locator('#player > #own').count(), 1);
    await bare.context().close();
    await alice.context().close();
  } finally {
    await embed.stop();
  }
});

test("the viewer plays the room's HLS stream: the built-in demo stream, then the host's", async () => {
  const stream = await serveFiles(await recordHlsStream(browser));
  try {
    const guest = await viewerPage(browser, server.base, '');
    // hls.js feeds the <video> through Media Source Extensions: a blob: source that plays.
    /** @param {number} width */
    const playing = (width) =>
      guest.waitForFunction(
        (w) => {
          const v = /** @type {HTMLVideoElement | null} */ (document.querySelector('[data-lr="video"]'));
          return !!v && v.src.startsWith('blob:') && v.currentTime > 0.5 && v.videoWidth === w;
        },
        width,
        { timeout: 20_000 },
      );
    await playing(640); // the demo room's own stream, built into the server
    assert.equal(await guest.locator(lr('video-placeholder')).isVisible(), false);
    const host = await hostPage();
    await host.locator(hostSel('stream-url')).fill(`${stream.base}/live.m3u8`);
    await host.locator(hostSel('stream-save')).click();
    await playing(320); // the host's stream, recorded in the browser at 320 px
    assert.equal(await guest.locator(lr('video-placeholder')).isVisible(), false);

    // A new broadcast over the stream: comments fly over the picture, a gift arrives.
    await host.locator(hostSel('new-session')).click();
    await waitForAttribute(guest.locator(lr('state-banner')), 'data-state', 'Live');
    const fan = await viewerPage(browser, server.base, 'mia');
    for (const text of ['what a view!', 'hello from the beach', 'first time here', 'love this song']) {
      await comment(fan, text);
    }
    await fan.locator(lr('gift-button')).click();
    await fan.locator(`${lr('gift-panel')} [data-gift-id="rocket"]`).click();
    await guest.locator(lr('gift-banner'), { hasText: /rocket/i }).first().waitFor();
    await guest.locator(`${lr('danmaku-layer')} .lr-danmaku-item`).first().waitFor();
    await screenshot(guest, 'viewer-video');
    for (const page of [guest, host, fan]) await page.context().close();
  } finally {
    await stream.stop();
  }
});

test('the admin console asks for a login, then shows apps, rooms and broadcasts', async () => {
  const page = await newPage(browser, DESKTOP);
  await page.goto(`${server.base}/admin`);
  await page.locator('[data-admin="password"]').fill('wrong password');
  await page.locator('[data-admin="login"]').click();
  await page.locator('[data-admin="error"]', { hasText: /10007|password/i }).waitFor();
  await page.locator('[data-admin="password"]').fill(CONSOLE_PASSWORD);
  await page.locator('[data-admin="login"]').click();
  await page.locator('[data-admin="apps"]', { hasText: String(server.sdkAppID) }).waitFor();
  await page.locator('[data-admin="rooms"] [data-room-id="demo"]').waitFor();
  await page.locator('[data-admin="broadcast-text"]').fill('Maintenance at midnight');
  const listener = await viewerPage(browser, server.base, '');
  await page.locator('[data-admin="broadcast-send"]').click();
  await page.locator('[data-admin="broadcast-result"]').filter({ hasText: /\d/ }).waitFor();
  await listener.locator(lr('chat-list'), { hasText: 'Maintenance at midnight' }).waitFor();

  // A word list saved in the console refuses a viewer's comment at once.
  await page.locator('[data-words-action="reject"]').click();
  await page.locator('[data-admin="words"]').fill('spoiler alert');
  await page.locator('[data-admin="words-save"]').click();
  await page.locator('[data-admin="words-count"]').filter({ hasText: /1/ }).first().waitFor();
  const speaker = await viewerPage(browser, server.base, 'zoe');
  await comment(speaker, 'no spoiler alert please');
  await speaker.locator(`${lr('chat-list')} .lr-msg.lr-failed`, { hasText: 'no spoiler alert please' }).waitFor();
  await comment(speaker, 'a clean comment');
  await listener.locator(lr('chat-list'), { hasText: 'a clean comment' }).waitFor();
  assert.equal(await listener.locator(lr('chat-list'), { hasText: 'spoiler' }).count(), 0);

  // The webhook address saved in the console is what the REST API reads back.
  await page.locator('[data-admin="webhook-url"]').fill('http://127.0.0.1:9/liveroom-hooks');
  await page.locator('[data-admin="webhook-save"]').click();
  const readHook = () =>
    page.evaluate(async (sdkAppID) => {
      const sig = await (await fetch('/v1/console/usersig', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ SDKAppID: sdkAppID }) })).json();
      const q = `sdkappid=${sdkAppID}&identifier=${sig.Identifier}&usersig=${encodeURIComponent(sig.UserSig)}&random=7&contenttype=json`;
      return (await fetch(`/v4/liveroom_ext/get_webhook?${q}`, { method: 'POST', body: '{}' })).json();
    }, server.sdkAppID);
  let hook = await readHook();
  for (let i = 0; i < 50 && hook.Webhook?.url !== 'http://127.0.0.1:9/liveroom-hooks'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    hook = await readHook();
  }
  assert.equal(hook.Webhook.url, 'http://127.0.0.1:9/liveroom-hooks', JSON.stringify(hook));
  await speaker.context().close();
  await screenshot(page, 'admin');
  await page.context().close();
  await listener.context().close();
});
