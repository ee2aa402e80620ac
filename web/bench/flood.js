// How the viewer page holds up under a comment flood, in headless chromium: the real server
// (fresh data directory, development app, demo room), one viewer page watching as a guest,
// and comments sent into the room over REST at a fixed rate. Every second the page reports
// what it received, what is on screen (danmaku, chat items, DOM size), animation frames,
// main-thread long tasks and the JS heap.
//
//   node bench/flood.js [--rate 200] [--secs 10] [--viewport desktop|phone]
//
// Needs the server binary (target/debug/liveroom or LIVEROOM_BIN; a release build gives
// steadier numbers) and chromium (/usr/bin/chromium or CHROMIUM).

import { parseArgs } from 'node:util';
import { CONSOLE_PASSWORD, DESKTOP, PHONE, sleep, startBrowser, startServer } from '../e2e/support.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    secs: { type: 'string', default: '10' },
    viewport: { type: 'string', default: 'desktop' },
  },
});
const rate = Number(values.rate);
const secs = Number(values.secs);
const viewport = values.viewport === 'phone' ? PHONE : DESKTOP;

const server = await startServer();
const browser = await startBrowser(['--enable-precise-memory-info']);

try {
  // An admin ticket through the console, to lift the room's frequency limit above the rate.
  const login = await fetch(`${server.base}/v1/console/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ Password: CONSOLE_PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') || '').split(';')[0];
  const minted = await (
    await fetch(`${server.base}/v1/console/usersig`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ SDKAppID: server.sdkAppID }),
    })
  ).json();
  const query = `sdkappid=${server.sdkAppID}&identifier=${minted.Identifier}&usersig=${encodeURIComponent(minted.UserSig)}&contenttype=json`;
  /** @param {string} path @param {unknown} body */
  const rest = async (path, body) =>
    (await fetch(`${server.base}/v4/${path}?${query}&random=${Math.floor(Math.random() * 2 ** 32)}`, {
      method: 'POST',
      body: JSON.stringify(body),
    })).json();
  await rest('liveroom_ext/set_app_settings', { Settings: { room_msgs_per_sec: Math.max(rate * 2, 40), history_enabled: false } });

  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${server.base}/room/demo`);
  await page.locator('[data-lr="state-banner"]').waitFor();
  await sleep(1000);
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.bench = { frames: 0, longTaskMs: 0, longTasks: 0, received: 0 };
    const tick = () => {
      w.bench.frames += 1;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        w.bench.longTasks += 1;
        w.bench.longTaskMs += e.duration;
      }
    }).observe({ type: 'longtask', buffered: false });
    const list = document.querySelector('[data-lr="chat-list"]');
    if (list) new MutationObserver((ms) => { for (const m of ms) w.bench.received += m.addedNodes.length; }).observe(list, { childList: true, subtree: true });
  });
  const sample = () =>
    page.evaluate(() => {
      const w = /** @type {any} */ (window);
      const perf = /** @type {any} */ (performance);
      return {
        ...w.bench,
        danmaku: document.querySelectorAll('.lr-danmaku-item').length,
        chatItems: document.querySelectorAll('[data-lr="chat-list"] .lr-msg').length,
        nodes: document.getElementsByTagName('*').length,
        heapMB: perf.memory ? perf.memory.usedJSHeapSize / 1048576 : NaN,
      };
    });

  const before = await sample();
  let sent = 0;
  let failed = 0;
  const started = Date.now();
  const sender = (async () => {
    const end = started + secs * 1000;
    while (Date.now() < end) {
      const due = Math.floor(((Date.now() - started) / 1000) * rate);
      const batch = [];
      while (sent < due) {
        sent += 1;
        batch.push(
          rest('group_open_http_svc/send_group_msg', {
            GroupId: 'demo',
            From_Account: 'host',
            Random: sent,
            MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `comment number ${sent} with a few words` } }],
          }).then((r) => {
            if (r.ErrorCode !== 0 || r.MsgDropReason) failed += 1;
          }),
        );
      }
      await Promise.all(batch);
      await sleep(10);
    }
  })();
  const rows = [];
  let last = before;
  for (let s = 1; s <= secs + 2; s++) {
    await sleep(1000);
    const now = await sample();
    rows.push({
      s,
      received: now.received - last.received,
      fps: now.frames - last.frames,
      longTaskMs: Math.round(now.longTaskMs - last.longTaskMs),
      danmaku: now.danmaku,
      chatItems: now.chatItems,
      nodes: now.nodes,
      heapMB: Number(now.heapMB.toFixed(1)),
    });
    last = now;
  }
  await sender;
  console.table(rows);
  const during = rows.slice(1, secs);
  const avg = (/** @type {string} */ k) => during.reduce((a, r) => a + /** @type {any} */ (r)[k], 0) / during.length;
  console.log(
    `rate ${rate}/s for ${secs} s (${viewport.width}x${viewport.height}): sent ${sent}, refused or dropped ${failed}; ` +
      `page: ${avg('received').toFixed(0)} items/s into the list, ${avg('fps').toFixed(0)} frames/s, ` +
      `long tasks ${avg('longTaskMs').toFixed(0)} ms/s, at most ${Math.max(...rows.map((r) => r.danmaku))} danmaku and ` +
      `${Math.max(...rows.map((r) => r.chatItems))} list items on screen, DOM ${before.nodes} -> ${Math.max(...rows.map((r) => r.nodes))} nodes, ` +
      `heap ${before.heapMB.toFixed(1)} -> ${rows[rows.length - 1].heapMB} MB`,
  );
} finally {
  await browser.close();
  await server.stop();
}
