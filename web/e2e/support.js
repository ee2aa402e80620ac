// Browser-test support: runs the real server binary on a free loopback port with a fresh data
// directory (so it creates its development app and demo room), drives Debian's chromium with
// playwright-core, and saves screenshots under the test-output folder.
//
// LIVEROOM_BIN names the binary (default: target/debug/liveroom of this repository);
// CHROMIUM the browser (default /usr/bin/chromium); LIVEROOM_TEST_OUTPUT the output folder
// (default target/test-output/browser).

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
 * `host`, the console with a password.
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
    stdio: ['ignore', 'ignore', 'inherit'],
  });
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

/**
 * Records a few seconds of an animated canvas in the browser (MediaRecorder, fragmented MP4
 * with H.264) and cuts it into an HLS stream: an init segment, one media segment per
 * fragment and a VOD playlist. Answers the files by name.
 * @param {import('playwright-core').Browser} browser
 * @returns {Promise<Map<string, Buffer>>}
 */
export async function recordHlsStream(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setContent('<canvas width="320" height="180"></canvas>');
  const bytes = await page.evaluate(async () => {
    const canvas = /** @type {HTMLCanvasElement} */ (document.querySelector('canvas'));
    const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    let frame = 0;
    const draw = setInterval(() => {
      frame += 1;
      g.fillStyle = `hsl(${(frame * 7) % 360} 60% 45%)`;
      g.fillRect(0, 0, 320, 180);
      g.fillStyle = '#fff';
      g.font = 'bold 36px sans-serif';
      g.fillText(`ON AIR ${frame}`, 40, 100);
    }, 40);
    const recorder = new MediaRecorder(canvas.captureStream(25), {
      mimeType: 'video/mp4;codecs=avc1',
      videoBitsPerSecond: 300_000,
    });
    /** @type {Blob[]} */
    const parts = [];
    recorder.ondataavailable = (e) => parts.push(e.data);
    recorder.start(1000);
    await new Promise((r) => setTimeout(r, 4000));
    const stopped = new Promise((r) => (recorder.onstop = r));
    recorder.stop();
    await stopped;
    clearInterval(draw);
    return Array.from(new Uint8Array(await new Blob(parts).arrayBuffer()));
  });
  await context.close();
  const mp4 = Buffer.from(bytes);
  /** @type {{type: string, start: number, end: number}[]} */
  const boxes = [];
  for (let at = 0; at + 8 <= mp4.length; ) {
    let size = mp4.readUInt32BE(at);
    if (size === 1) size = Number(mp4.readBigUInt64BE(at + 8));
    if (size === 0) size = mp4.length - at;
    if (size < 8) throw new Error(`bad MP4 box at ${at}`);
    boxes.push({ type: mp4.toString('latin1', at + 4, at + 8), start: at, end: at + size });
    at += size;
  }
  const init = boxes.findIndex((b) => b.type === 'moof');
  if (init < 1) throw new Error(`the recording is not fragmented MP4: ${boxes.map((b) => b.type).join(' ')}`);
  const files = new Map();
  files.set('init.mp4', mp4.subarray(0, boxes[init].start));
  const playlist = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:2', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-MAP:URI="init.mp4"'];
  let n = 0;
  for (let i = init; i < boxes.length; i++) {
    if (boxes[i].type !== 'moof') continue;
    const next = boxes.findIndex((b, j) => j > i && b.type === 'moof');
    const end = next < 0 ? mp4.length : boxes[next].start;
    const name = `seg${n++}.m4s`;
    files.set(name, mp4.subarray(boxes[i].start, end));
    playlist.push('#EXTINF:1.0,', name);
  }
  playlist.push('#EXT-X-ENDLIST', '');
  files.set('live.m3u8', Buffer.from(playlist.join('\n')));
  return files;
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
