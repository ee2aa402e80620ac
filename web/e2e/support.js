// Browser-test support: runs the real server binary on a free loopback port with a fresh data
// directory (so it creates its development app and demo room), drives Debian's chromium with
// playwright-core, saves screenshots under the test-output folder, and has the page helpers the
// tests share (selectors, pages in their own browser contexts, viewers, comments).
//
// LIVEROOM_BIN names the binary (default: target/debug/liveroom of this repository);
// CHROMIUM the browser (default /usr/bin/chromium); LIVEROOM_TEST_OUTPUT the output folder
// (default target/test-output/browser).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
export const BIN = process.env.LIVEROOM_BIN || join(root, 'target/debug/liveroom');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const OUTPUT = process.env.LIVEROOM_TEST_OUTPUT || join(root, 'target/test-output/browser');
export const CONSOLE_PASSWORD = 'browser-test-console';

/** The flags the browser runs with: headless, sandbox-free, and never reaching the network. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** @returns {Promise<number>} a port nothing listens on right now */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The server binary on a fresh data directory: development app, demo room `demo` owned by
 * `host`, the console with a password. `banner` is what it printed.
 */
export async function startServer() {
  if (!existsSync(BIN)) throw new Error(`no server binary at ${BIN}; build it with cargo build -p liveroom-server`);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'liveroom-browser-'));
  const child = spawn(BIN, ['serve'], {
    env: {
      ...process.env,
      LIVEROOM_HTTP_ADDR: `127.0.0.1:${port}`,
      LIVEROOM_DATA_DIR: dataDir,
      LIVEROOM_CONSOLE_PASSWORD: CONSOLE_PASSWORD,
      LIVEROOM_LOG: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // What it prints: the development app's start-up banner.
  let printed = '';
  child.stdout?.on('data', (chunk) => (printed += String(chunk)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode})`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the server did not start within 20 s');
    }
    await sleep(100);
  }
  const config = await (await fetch(`${base}/v1/web/config`)).json();
  return {
    base,
    port,
    /** @type {number} */
    sdkAppID: config.SDKAppID,
    /** What the server has printed so far (the start-up banner). */
    get banner() {
      return printed;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Launches chromium headless.
 * @param {string[]} [extraFlags]
 */
export async function startBrowser(extraFlags = []) {
  return chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...extraFlags], headless: true });
}

/**
 * Saves a screenshot under the output folder and answers its path.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function screenshot(page, name) {
  mkdirSync(OUTPUT, { recursive: true });
  const path = join(OUTPUT, `${name}.png`);
  await page.screenshot({ path });
  console.log(`screenshot: ${path}`);
  return path;
}

/** @param {string} name @returns {string} a `data-lr` selector */
export const lr = (name) => `[data-lr="${name}"]`;
/** @param {string} name @returns {string} a `data-host` selector */
export const hostSel = (name) => `[data-host="${name}"]`;

/**
 * A page in its own browser context (its own cookies and storage: another person).
 * @param {import('playwright-core').Browser} browser
 * @param {{width: number, height: number}} [viewport]
 */
export async function newPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
  return page;
}

/**
 * The viewer page of the demo room on the server at `base`, logged in as `name`, or a guest
 * when `name` is empty.
 * @param {import('playwright-core').Browser} browser
 * @param {string} base
 * @param {string} name
 * @param {{width: number, height: number}} [viewport]
 */
export async function viewerPage(browser, base, name, viewport = DESKTOP) {
  const page = await newPage(browser, viewport);
  await page.goto(`${base}/room/demo`);
  await page.locator(lr('state-banner')).waitFor();
  if (name) {
    await page.locator(lr('login-name')).fill(name);
    await page.locator(lr('login-submit')).click();
    await page.locator(lr('login')).waitFor({ state: 'hidden' });
    await assertEnabled(page.locator(lr('input')));
  }
  return page;
}

/**
 * Waits until `locator` is there and enabled (fails after 10 s).
 * @param {import('playwright-core').Locator} locator
 */
export async function assertEnabled(locator) {
  await locator.waitFor();
  const deadline = Date.now() + 10_000;
  while (!(await locator.isEnabled())) {
    if (Date.now() > deadline) assert.fail('the input stays disabled');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Sends a comment from a viewer page.
 * @param {import('playwright-core').Page} page
 * @param {string} text
 */
export async function comment(page, text) {
  await page.locator(lr('input')).fill(text);
  await page.locator(lr('send')).click();
}

/**
 * @typedef {Object} RecordOptions
 * @property {number} [width] pixels (default 320)
 * @property {number} [height] pixels (default 180)
 * @property {number} [seconds] length of the recording (default 4)
 * @property {number} [sliceMs] length of one segment (default 1000)
 * @property {number} [bitrate] video bits per second (default 300,000)
 * @property {'test' | 'demo'} [scene] what is drawn: a counter on changing colours, or the
 *   demo room's picture (default 'test')
 * @property {number} [repeat] the playlist plays the segments this many times (default 1)
 */

/**
 * Records an animated canvas in the browser (MediaRecorder, fragmented MP4 with H.264) and
 * cuts it into an HLS stream: an init segment, one media segment per fragment and a VOD
 * playlist `live.m3u8` (repeats joined by discontinuities). Answers the files by name.
 * @param {import('playwright-core').Browser} browser
 * @param {RecordOptions} [options]
 * @returns {Promise<Map<string, Buffer>>}
 */
export async function recordHlsStream(browser, options = {}) {
  const o = { width: 320, height: 180, seconds: 4, sliceMs: 1000, bitrate: 300_000, scene: 'test', repeat: 1, ...options };
  const context = await browser.newContext();
  /** @type {number[]} */
  let bytes;
  try {
    bytes = await record(context, o);
  } finally {
    // Also when the recording failed; a failing close must not hide that failure.
    await context.close().catch(() => {});
  }
  const mp4 = Buffer.from(bytes);
  const boxes = mp4Boxes(mp4, 0, mp4.length);
  const init = boxes.findIndex((b) => b.type === 'moof');
  if (init < 1) throw new Error(`the recording is not fragmented MP4: ${boxes.map((b) => b.type).join(' ')}`);
  const files = new Map();
  files.set('init.mp4', mp4.subarray(0, boxes[init].start));
  /** @type {string[]} */
  const segments = [];
  for (let i = init; i < boxes.length; i++) {
    if (boxes[i].type !== 'moof') continue;
    const next = boxes.findIndex((b, j) => j > i && b.type === 'moof');
    const end = next < 0 ? mp4.length : boxes[next].start;
    const name = `seg${segments.length}.m4s`;
    files.set(name, mp4.subarray(boxes[i].start, end));
    segments.push(name);
  }
  // Each segment's length from the fragments' decode times (tfdt) in the track's timescale
  // (mdhd); the last one runs to the end of the recording.
  const mdhd = childBox(mp4, boxes.slice(0, init), 'moov', 'trak', 'mdia', 'mdhd');
  // FullBox: version and flags, then the times (64-bit in version 1), then the timescale.
  const timescale = (mdhd && fullBoxField(mp4, mdhd, mp4[mdhd.body] === 1 ? 20 : 12, 4)) || 0;
  /** @type {number[]} */
  const starts = [];
  for (let i = init; i < boxes.length; i++) {
    if (boxes[i].type !== 'moof') continue;
    const tfdt = childBox(mp4, [boxes[i]], 'moof', 'traf', 'tfdt');
    // FullBox: version and flags, then baseMediaDecodeTime (64-bit in version 1).
    const base = tfdt ? fullBoxField(mp4, tfdt, 4, mp4[tfdt.body] === 1 ? 8 : 4) ?? NaN : NaN;
    starts.push(base / timescale);
  }
  const durations = starts.map((t, i) => {
    const d = (i + 1 < starts.length ? starts[i + 1] : o.seconds) - t;
    return Number.isFinite(d) && d > 0 ? d : o.sliceMs / 1000;
  });
  const playlist = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${Math.ceil(Math.max(...durations))}`,
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-MAP:URI="init.mp4"',
  ];
  for (let r = 0; r < o.repeat; r++) {
    if (r > 0) playlist.push('#EXT-X-DISCONTINUITY');
    segments.forEach((name, i) => playlist.push(`#EXTINF:${durations[i].toFixed(3)},`, name));
  }
  playlist.push('#EXT-X-ENDLIST', '');
  files.set('live.m3u8', Buffer.from(playlist.join('\n')));
  return files;
}

/** @typedef {{type: string, start: number, body: number, end: number}} Mp4Box a box: its type, where it starts, where its content starts and where it ends */

/**
 * The boxes one after another in `buf` from `from` to `to` (ISO/IEC 14496-12 box headers:
 * 32-bit size, type, 64-bit size when the size is 1, to the end when it is 0). Fewer than 8
 * bytes left at the end are ignored; a box that does not fit throws.
 * @param {Buffer} buf
 * @param {number} from
 * @param {number} to
 * @returns {Mp4Box[]}
 */
function mp4Boxes(buf, from, to) {
  /** @type {Mp4Box[]} */
  const boxes = [];
  for (let at = from; at + 8 <= to; ) {
    let size = buf.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) throw new Error(`bad MP4 box at ${at}: its 64-bit size runs past the end`);
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header) throw new Error(`bad MP4 box at ${at}: size ${size}`);
    if (at + size > to) throw new Error(`bad MP4 box at ${at}: size ${size} runs past the end (${to})`);
    boxes.push({ type: buf.toString('latin1', at + 4, at + 8), start: at, body: at + header, end: at + size });
    at += size;
  }
  return boxes;
}

/**
 * Follows a path of box types down the tree: the first box of `path[0]` among `boxes`, then the
 * first of `path[1]` inside it holding the rest of the path, and so on.
 * @param {Buffer} buf
 * @param {Mp4Box[]} boxes
 * @param {...string} path
 * @returns {Mp4Box|null}
 */
function childBox(buf, boxes, ...path) {
  const [type, ...rest] = path;
  for (const box of boxes) {
    if (box.type !== type) continue;
    if (!rest.length) return box;
    const found = childBox(buf, mp4Boxes(buf, box.body, box.end), ...rest);
    if (found) return found;
  }
  return null;
}

/**
 * An unsigned big-endian field of a box's content, or null when it does not fit in the box.
 * @param {Buffer} buf
 * @param {Mp4Box} box
 * @param {number} offset from the start of the content
 * @param {4 | 8} bytes
 * @returns {number|null}
 */
function fullBoxField(buf, box, offset, bytes) {
  const at = box.body + offset;
  if (at + bytes > box.end) return null;
  return bytes === 8 ? Number(buf.readBigUInt64BE(at)) : buf.readUInt32BE(at);
}

/**
 * Records the canvas in a page of `context` (see recordHlsStream) and answers the MP4 bytes.
 * @param {import('playwright-core').BrowserContext} context
 * @param {{width: number, height: number, seconds: number, sliceMs: number, bitrate: number, scene: string}} o
 * @returns {Promise<number[]>}
 */
async function record(context, o) {
  const page = await context.newPage();
  await page.setContent(`<canvas width="${o.width}" height="${o.height}"></canvas>`);
  return page.evaluate(async (o) => {
    const canvas = /** @type {HTMLCanvasElement} */ (document.querySelector('canvas'));
    const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    const { width: w, height: h } = canvas;
    let frame = 0;
    const test = () => {
      g.fillStyle = `hsl(${(frame * 7) % 360} 60% 45%)`;
      g.fillRect(0, 0, w, h);
      g.fillStyle = '#fff';
      g.font = `bold ${Math.round(h / 5)}px sans-serif`;
      g.fillText(`ON AIR ${frame}`, w / 8, h / 1.8);
    };
    const demo = () => {
      const t = frame / 25;
      const sky = g.createLinearGradient(0, 0, w, h);
      sky.addColorStop(0, `hsl(${250 + 20 * Math.sin(t / 3)} 55% 22%)`);
      sky.addColorStop(1, `hsl(${320 + 25 * Math.cos(t / 4)} 60% 30%)`);
      g.fillStyle = sky;
      g.fillRect(0, 0, w, h);
      for (let i = 0; i < 14; i++) {
        const x = ((i * 97 + t * (12 + i * 3)) % (w + 80)) - 40;
        const y = h * (0.15 + 0.7 * ((i * 37) % 100) / 100) + 10 * Math.sin(t + i);
        g.beginPath();
        g.arc(x, y, 10 + ((i * 13) % 30), 0, Math.PI * 2);
        g.fillStyle = `hsla(${(i * 40 + t * 20) % 360} 80% 70% / 0.18)`;
        g.fill();
      }
      g.fillStyle = '#fff';
      g.textAlign = 'center';
      g.font = `800 ${Math.round(h / 6)}px sans-serif`;
      g.fillText('Liveroom', w / 2, h * 0.47);
      g.font = `500 ${Math.round(h / 16)}px sans-serif`;
      g.fillStyle = 'rgba(255,255,255,.8)';
      g.fillText('demo stream · comment, send gifts, tap the heart', w / 2, h * 0.6);
      const secs = Math.floor(t);
      g.font = `600 ${Math.round(h / 18)}px monospace`;
      g.fillText(`00:${String(secs % 60).padStart(2, '0')}.${String(frame % 25 * 4).padStart(2, '0')}`, w / 2, h * 0.72);
      g.textAlign = 'start';
    };
    const draw = setInterval(() => {
      frame += 1;
      (o.scene === 'demo' ? demo : test)();
    }, 40);
    const recorder = new MediaRecorder(canvas.captureStream(25), /** @type {MediaRecorderOptions} */ ({
      mimeType: 'video/mp4;codecs=avc1',
      videoBitsPerSecond: o.bitrate,
      // A key frame per segment, so fragments come out about sliceMs long.
      videoKeyFrameIntervalDuration: o.sliceMs,
    }));
    /** @type {Blob[]} */
    const parts = [];
    recorder.ondataavailable = (e) => parts.push(e.data);
    recorder.start(o.sliceMs);
    await new Promise((r) => setTimeout(r, o.seconds * 1000));
    const stopped = new Promise((r) => (recorder.onstop = r));
    recorder.stop();
    await stopped;
    clearInterval(draw);
    return Array.from(new Uint8Array(await new Blob(parts).arrayBuffer()));
  }, o);
}

/**
 * Serves `files` over HTTP on a free loopback port, to any origin; answers the base URL and
 * a stop function.
 * @param {Map<string, Buffer>} files
 */
export async function serveFiles(files) {
  const types = { m3u8: 'application/vnd.apple.mpegurl', mp4: 'video/mp4', m4s: 'video/iso.segment', html: 'text/html; charset=utf-8' };
  const server = createHttpServer((req, res) => {
    const name = decodeURIComponent((req.url || '/').split('?')[0].replace(/^\/+/, '')) || 'index.html';
    const body = files.get(name);
    if (!body) {
      res.writeHead(404, { 'access-control-allow-origin': '*' });
      res.end();
      return;
    }
    const ext = /** @type {keyof typeof types} */ (name.split('.').pop());
    res.writeHead(200, { 'content-type': types[ext] || 'application/octet-stream', 'access-control-allow-origin': '*' });
    res.end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(null)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { base: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(() => r(null))) };
}
