// Test support: runs a real Liveroom server per test file, talks to its REST API as the app's
// administrator, and creates SDK instances wired to it. Nothing here builds the server: it
// uses $LIVEROOM_BIN or target/debug/liveroom of the repository.

import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import TLSSigAPIv2 from 'tls-sig-api-v2';
import WebSocket from 'ws';
import LiveRoom, { EVENT } from '../liveroom.js';

const here = dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.LIVEROOM_BIN || resolve(here, '../../../target/debug/liveroom');
export const SDK_APP_ID = 1400000001;

/** A port nothing listens on right now. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => resolvePort(port));
    });
  });
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `check` until it returns something truthy, for at most `timeout` ms.
 * @template T
 * @param {() => T} check
 * @param {string} what
 */
export async function waitUntil(check, what, timeout = 5000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Waits until `list` holds `count` entries; returns the first `count`.
 * @param {any[]} list
 * @param {number} count
 */
export function waitForCount(list, count, timeout = 5000) {
  return waitUntil(
    () => list.length >= count && list.slice(0, count),
    `${count} entries (have ${list.length})`,
    timeout,
  );
}

/**
 * Waits for an entry of `list` that matches.
 * @param {any[]} list
 * @param {(entry: any) => boolean} match
 */
export function waitFor(list, match, timeout = 5000) {
  return waitUntil(() => list.find(match), 'a matching entry', timeout);
}

/**
 * The data of the next `name` event matching `match`, within `timeout` ms.
 * @param {import('../liveroom.js').Chat} chat
 * @param {string} name
 */
export function nextEvent(chat, name, match = (/** @type {any} */ _data) => true, timeout = 5000) {
  return new Promise((resolveEvent, reject) => {
    /** @param {{data: any}} event */
    const handler = (event) => {
      if (!match(event.data)) return;
      clearTimeout(timer);
      chat.off(/** @type {any} */ (name), handler);
      resolveEvent(event.data);
    };
    const timer = setTimeout(() => {
      chat.off(/** @type {any} */ (name), handler);
      reject(new Error(`no ${name} event within ${timeout} ms`));
    }, timeout);
    chat.on(/** @type {any} */ (name), handler);
  });
}

/**
 * Records every `name` event of a chat (MESSAGE_RECEIVED arrays are flattened).
 * @param {import('../liveroom.js').Chat} chat
 * @param {string} name
 * @returns {any[]}
 */
export function record(chat, name) {
  /** @type {any[]} */
  const seen = [];
  chat.on(/** @type {any} */ (name), (/** @type {{data: any}} */ event) => {
    if (name === EVENT.MESSAGE_RECEIVED) seen.push(...event.data);
    else seen.push(event.data);
  });
  return seen;
}

/**
 * A WebSocket class for the SDK that lets a test watch and disturb the connection: every
 * socket and every sent frame is recorded, frames of the ops in `swallow` never leave,
 * `offline` points new sockets at a closed port, `inject` fakes a frame from the server.
 */
export function socketProbe(deadPort = 9) {
  const probe = {
    /** @type {any[]} */ sockets: [],
    /** @type {any[]} */ sent: [],
    /** @type {any[]} frames received, with the socket's index */ received: [],
    swallow: new Set(),
    offline: false,
    /** @type {any} */ WebSocket: null,
    current() {
      return this.sockets[this.sockets.length - 1];
    },
    /** @param {string} op */
    sentOps(op) {
      return this.sent.filter((f) => f.op === op);
    },
  };
  class ProbeSocket extends WebSocket {
    /** @param {string} url */
    constructor(url) {
      super(probe.offline ? `ws://127.0.0.1:${deadPort}/ws` : url);
      const index = probe.sockets.length;
      probe.sockets.push(this);
      this.addEventListener('message', (event) => {
        try {
          probe.received.push({ socket: index, frame: JSON.parse(String(event.data)) });
        } catch (_) {
          // injected garbage
        }
      });
    }

    /** @param {string} data */
    send(data) {
      const frame = JSON.parse(data);
      probe.sent.push(frame);
      if (!probe.swallow.has(frame.op)) super.send(data);
    }

    /** @param {string} text */
    inject(text) {
      /** @type {any} */ (this).onmessage({ data: text });
    }
  }
  probe.WebSocket = ProbeSocket;
  return probe;
}

/**
 * @param {Record<string, unknown>} table
 */
function tomlTable(table) {
  return Object.entries(table)
    .map(([k, v]) => `${k} = ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
    .join('\n');
}

export class TestServer {
  /**
   * @param {string} dir holds the configuration and the data
   * @param {number} port
   * @param {string} key the app's secret key
   */
  constructor(dir, port, key) {
    this.dir = dir;
    this.config = join(dir, 'liveroom.toml');
    /** @type {import('node:child_process').ChildProcess | null} */
    this.child = null;
    this.port = port;
    this.url = `ws://127.0.0.1:${port}/ws`;
    this.http = `http://127.0.0.1:${port}`;
    this.api = new TLSSigAPIv2.Api(SDK_APP_ID, key);
    this.adminSig = this.userSig('administrator');
    /** @type {import('../liveroom.js').Chat[]} */
    this.chats = [];
    this.stderr = '';
  }

  /** Starts the server process and waits until it answers. */
  async spawn() {
    const child = spawn(BIN, ['serve', '--config', this.config], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LIVEROOM_LOG: 'warn' },
    });
    this.child = child;
    child.stderr?.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    // Never leave a server behind, whatever happens to the test process.
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    child.once('exit', () => process.off('exit', reap));
    await waitHealthy(this, 15000);
  }

  /** Stops the server process (SIGTERM, then SIGKILL after 5 s). */
  async kill() {
    const child = this.child;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  /** @param {string} userID */
  userSig(userID) {
    return this.api.genUserSig(userID, 86400);
  }

  /**
   * Calls the REST API as the app's administrator; a failure throws.
   * @param {string} path `service/command`
   * @param {Record<string, unknown>} body
   */
  async rest(path, body) {
    const query = new URLSearchParams({
      sdkappid: String(SDK_APP_ID),
      identifier: 'administrator',
      usersig: this.adminSig,
      random: String(randomInt(2 ** 31)),
      contenttype: 'json',
    });
    const res = await fetch(`${this.http}/v4/${path}?${query}`, { method: 'POST', body: JSON.stringify(body) });
    const json = await res.json();
    if (json.ActionStatus !== 'OK') throw new Error(`${path}: ${json.ErrorCode} ${json.ErrorInfo}`);
    return json;
  }

  /**
   * @param {string} userID
   * @param {string} nick
   */
  importUser(userID, nick) {
    return this.rest('im_open_login_svc/account_import', { UserID: userID, Nick: nick });
  }

  /**
   * @param {string} groupID
   * @param {string} owner
   */
  createRoom(groupID, owner) {
    return this.rest('group_open_http_svc/create_group', {
      Type: 'AVChatRoom',
      GroupId: groupID,
      Name: `Room ${groupID}`,
      Owner_Account: owner,
    });
  }

  /**
   * An SDK instance for this server, destroyed by `stop`.
   * @param {Partial<import('../liveroom.js').CreateOptions>} [options]
   */
  chat(options = {}) {
    const chat = LiveRoom.create({
      SDKAppID: SDK_APP_ID,
      url: this.url,
      WebSocket: /** @type {any} */ (WebSocket),
      logLevel: 4,
      ...options,
    });
    this.chats.push(chat);
    return chat;
  }

  /**
   * An SDK instance logged in as `userID`.
   * @param {string} userID
   * @param {Partial<import('../liveroom.js').CreateOptions>} [options]
   */
  async login(userID, options = {}) {
    const chat = this.chat(options);
    await chat.login({ userID, userSig: this.userSig(userID) });
    return chat;
  }

  /** Destroys the instances, stops the server and removes its data. */
  async stop() {
    await Promise.all(this.chats.map((c) => c.destroy()));
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Starts a Liveroom server with one app (SDKAppID 1400000001) and waits until it is healthy.
 * @param {{settings?: Record<string, unknown>, gateway?: Record<string, unknown>}} [config] `[apps.settings]` and `[gateway]` entries
 */
export async function startServer(config = {}) {
  if (!existsSync(BIN)) {
    throw new Error(
      `no Liveroom binary at ${BIN}: build it (cd the repository root && cargo build -p liveroom-server --bin liveroom) or set LIVEROOM_BIN`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'liveroom-sdk-test-'));
  const port = await freePort();
  const key = randomBytes(32).toString('hex');
  const toml = [
    `http_addr = "127.0.0.1:${port}"`,
    `data_dir = ${JSON.stringify(dir)}`,
    'shutdown_grace_secs = 1',
    '',
    '[gateway]',
    tomlTable(config.gateway || {}),
    '',
    '[[apps]]',
    `sdkappid = ${SDK_APP_ID}`,
    `secret_key = "${key}"`,
    '',
    '[apps.settings]',
    tomlTable(config.settings || {}),
    '',
  ].join('\n');
  const server = new TestServer(dir, port, key);
  writeFileSync(server.config, toml);
  try {
    await server.spawn();
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/**
 * @param {TestServer} server
 * @param {number} timeout ms
 */
async function waitHealthy(server, timeout) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (server.child === null || server.child.exitCode !== null) throw new Error(`the server exited: ${server.stderr}`);
    try {
      const res = await fetch(`${server.http}/healthz`);
      if (res.ok) return;
    } catch (_) {
      // not listening yet
    }
    await sleep(25);
  }
  throw new Error(`the server did not answer /healthz within ${timeout} ms: ${server.stderr}`);
}
