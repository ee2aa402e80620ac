// Test support: runs a real Liveroom server per test file, talks to its REST API as the app's
// administrator, and creates SDK instances wired to it. Nothing here builds the server: it
// uses $LIVEROOM_BIN or target/debug/liveroom of the repository.

import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
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
 * `offline` points new sockets at a closed port, `inject` fakes a frame from the server,
 * `drop` loses received frames it matches, and the replies to ops in `hold` wait until
 * `release()`.
 */
export function socketProbe(deadPort = 9) {
  const probe = {
    /** @type {any[]} */ sockets: [],
    /** @type {any[]} */ sent: [],
    /** @type {any[]} frames received, with the socket's index */ received: [],
    swallow: new Set(),
    offline: false,
    /** @type {((frame: any) => boolean) | null} received frames it matches never reach the SDK */
    drop: null,
    /** @type {Set<string>} ops whose replies wait for `release()` */
    hold: new Set(),
    /** @type {Set<number>} */ heldIds: new Set(),
    /** @type {Array<() => void>} */ held: [],
    /** @type {any} */ WebSocket: null,
    current() {
      return this.sockets[this.sockets.length - 1];
    },
    /** @param {string} op */
    sentOps(op) {
      return this.sent.filter((f) => f.op === op);
    },
    /** Stops holding replies and hands over those held, in order. */
    release() {
      this.hold.clear();
      this.heldIds.clear();
      for (const deliver of this.held.splice(0)) deliver();
    },
  };
  class ProbeSocket extends WebSocket {
    /** @param {string} url */
    constructor(url) {
      super(probe.offline ? `ws://127.0.0.1:${deadPort}/ws` : url);
      this.index = probe.sockets.length;
      probe.sockets.push(this);
    }

    /**
     * @param {string | symbol} event
     * @param {...any} args
     */
    emit(event, ...args) {
      if (event !== 'message') return super.emit(event, ...args);
      /** @type {any} */
      let frame = null;
      try {
        frame = JSON.parse(String(args[0]));
        probe.received.push({ socket: this.index, frame });
      } catch (_) {
        // injected garbage
      }
      if (frame && probe.drop && probe.drop(frame)) return true;
      if (frame && frame.op === 'reply' && probe.heldIds.has(frame.id)) {
        probe.held.push(() => super.emit(event, ...args));
        return true;
      }
      return super.emit(event, ...args);
    }

    /** @param {string} data */
    send(data) {
      const frame = JSON.parse(data);
      probe.sent.push(frame);
      if (probe.hold.has(frame.op)) probe.heldIds.add(frame.id);
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

  /**
   * Starts the server process and waits until it answers.
   * @param {string[]} [args] default: `serve` with this server's configuration file
   * @param {Record<string, string>} [env] more environment variables
   */
  async spawn(args = ['serve', '--config', this.config], env = {}) {
    const child = spawn(BIN, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LIVEROOM_LOG: 'warn', ...env },
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

  /** Kills the server process at once (SIGKILL), as a crash would. */
  async crash() {
    const child = this.child;
    if (child === null || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** @returns {Promise<any>} the `/healthz` answer */
  async health() {
    const res = await fetch(`${this.http}/healthz`);
    return res.json();
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

// ---------------------------------------------------------------------------------------
// Clusters: several nodes on one fresh PostgreSQL database and one NATS prefix
// ---------------------------------------------------------------------------------------

const PG_URL = process.env.LIVEROOM_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
const NATS_URL = process.env.LIVEROOM_TEST_NATS_URL || 'nats://127.0.0.1:4222';

/**
 * Whether a TCP connection to `url`'s host and port opens within a second.
 * @param {string} url
 * @param {number} defaultPort
 * @returns {Promise<string | null>} why not, or null
 */
function unreachable(url, defaultPort) {
  const { hostname, port } = new URL(url);
  const where = `${hostname}:${port || defaultPort}`;
  return new Promise((resolveProbe) => {
    const socket = connect({ host: hostname, port: Number(port || defaultPort) });
    const done = (/** @type {string | null} */ why) => {
      clearTimeout(timer);
      socket.destroy();
      resolveProbe(why);
    };
    const timer = setTimeout(() => done(`${where} did not answer within 1 s`), 1000);
    socket.once('connect', () => done(null));
    socket.once('error', (err) => done(`${where}: ${err.message}`));
  });
}

/**
 * Why a cluster cannot be started here (PostgreSQL or NATS not reachable), or null.
 * @returns {Promise<string | null>}
 */
export async function clusterUnavailable() {
  const pg = await unreachable(PG_URL, 5432);
  if (pg !== null) return `PostgreSQL (LIVEROOM_TEST_PG_URL=${PG_URL}) is not reachable: ${pg}`;
  const nats = await unreachable(NATS_URL, 4222);
  if (nats !== null) return `NATS (LIVEROOM_TEST_NATS_URL=${NATS_URL}) is not reachable: ${nats}`;
  return null;
}

/**
 * Runs one statement on PostgreSQL as `PG_URL`'s user, with trust authentication (as the
 * test setup documents), over the wire protocol's simple query: no client library needed.
 * @param {string} sql
 * @returns {Promise<void>}
 */
function pgExecute(sql) {
  const url = new URL(PG_URL);
  const user = decodeURIComponent(url.username || 'postgres');
  const database = decodeURIComponent(url.pathname.slice(1) || user);
  return new Promise((resolveQuery, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 5432) });
    let buffer = Buffer.alloc(0);
    /** @type {string | null} */
    let failure = null;
    const fail = (/** @type {string} */ why) => {
      socket.destroy();
      reject(new Error(`PostgreSQL: ${why} (${sql})`));
    };
    /**
     * @param {string} type
     * @param {Buffer} body
     */
    const message = (type, body) => {
      const out = Buffer.alloc(5 + body.length);
      out.write(type, 0, 'latin1');
      out.writeInt32BE(4 + body.length, 1);
      body.copy(out, 5);
      return out;
    };
    socket.once('connect', () => {
      const params = Buffer.from(`user\0${user}\0database\0${database}\0\0`, 'utf8');
      const startup = Buffer.alloc(8 + params.length);
      startup.writeInt32BE(8 + params.length, 0);
      startup.writeInt32BE(196608, 4); // protocol 3.0
      params.copy(startup, 8);
      socket.write(startup);
    });
    socket.on('error', (err) => fail(err.message));
    let queried = false;
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 5) {
        const length = buffer.readInt32BE(1);
        if (buffer.length < 1 + length) return;
        const type = String.fromCharCode(buffer[0]);
        const body = buffer.subarray(5, 1 + length);
        buffer = buffer.subarray(1 + length);
        if (type === 'R' && body.readInt32BE(0) !== 0) {
          fail(`${user} needs a password here; the tests expect trust authentication`);
          return;
        }
        if (type === 'E') {
          // Fields: a type byte and a NUL-terminated string each; 'M' is the message.
          const fields = body.toString('utf8').split('\0');
          failure = (fields.find((f) => f.startsWith('M')) || 'Munknown error').slice(1);
        }
        if (type === 'Z') {
          if (!queried && failure === null) {
            queried = true;
            socket.write(message('Q', Buffer.from(`${sql}\0`, 'utf8')));
          } else {
            socket.end(message('X', Buffer.alloc(0)));
            if (failure !== null) reject(new Error(`PostgreSQL: ${failure} (${sql})`));
            else resolveQuery();
            return;
          }
        }
      }
    });
  });
}

/** Nodes of one cluster, each a `TestServer`, on a database of their own. */
export class TestCluster {
  /**
   * @param {string} database
   * @param {TestServer[]} nodes
   * @param {string} prefix the cluster's NATS prefix
   */
  constructor(database, nodes, prefix) {
    this.database = database;
    this.nodes = nodes;
    this.prefix = prefix;
  }

  /**
   * The index of the node that owns the test's one room, once exactly one does.
   * @returns {Promise<number>}
   */
  async owner(timeout = 10000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const owners = [];
      for (const [i, node] of this.nodes.entries()) {
        if (node.child === null || node.child.exitCode !== null || node.child.signalCode !== null) continue;
        const health = await node.health();
        if (health.owned_rooms === 1) owners.push(i);
      }
      if (owners.length === 1) return owners[0];
      if (Date.now() > deadline) throw new Error(`no single owner of the room: ${JSON.stringify(owners)}`);
      await sleep(50);
    }
  }

  /** Destroys the nodes' SDK instances, stops the nodes and drops the database. */
  async stop() {
    await Promise.all(this.nodes.map((n) => n.stop()));
    await pgExecute(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
    for (const bucket of ['nodes', 'rooms']) {
      await natsRequest(`$JS.API.STREAM.DELETE.KV_${this.prefix}-${bucket}`);
    }
  }
}

/**
 * One request to NATS over its text protocol, answered or not within a second (used to
 * delete the KV buckets a test's cluster made: their entries expire, the buckets stay).
 * @param {string} subject
 * @returns {Promise<void>}
 */
function natsRequest(subject) {
  const url = new URL(NATS_URL);
  return new Promise((resolvePromise) => {
    const socket = connect(Number(url.port || 4222), url.hostname);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolvePromise();
    };
    const timer = setTimeout(done, 1000);
    let seen = '';
    socket.on('error', done);
    socket.on('data', (chunk) => {
      seen += chunk.toString();
      if (seen.startsWith('INFO') && !seen.includes('SUB_SENT')) {
        seen += 'SUB_SENT';
        socket.write(`CONNECT {"verbose":false}\r\nSUB _INBOX.lrtest 1\r\nPUB ${subject} _INBOX.lrtest 0\r\n\r\n`);
      } else if (seen.includes('MSG _INBOX.lrtest')) {
        done();
      }
    });
  });
}

/**
 * Starts `count` nodes of a cluster (the app of `startServer`, one secret key) on a fresh
 * PostgreSQL database and a fresh NATS prefix, and waits until each is healthy. Check
 * `clusterUnavailable` first.
 * @param {number} count
 */
export async function startCluster(count) {
  if (!existsSync(BIN)) throw new Error(`no Liveroom binary at ${BIN}: build it or set LIVEROOM_BIN`);
  const tag = randomBytes(6).toString('hex');
  const database = `lr_sdk_${tag}`;
  await pgExecute(`CREATE DATABASE ${database}`);
  const dbURL = new URL(PG_URL);
  dbURL.pathname = `/${database}`;
  const key = randomBytes(32).toString('hex');
  /** @type {TestServer[]} */
  const nodes = [];
  const cluster = new TestCluster(database, nodes, `lrsdk${tag}`);
  /** @param {number} i */
  const start = async (i) => {
    const dir = mkdtempSync(join(tmpdir(), 'liveroom-sdk-node-'));
    const node = new TestServer(dir, await freePort(), key);
    nodes[i] = node;
    await node.spawn(['serve', '--http-addr', `127.0.0.1:${node.port}`, '--data-dir', dir], {
      LIVEROOM_DATABASE_URL: dbURL.toString(),
      LIVEROOM_NATS_URL: NATS_URL,
      LIVEROOM_CLUSTER_PREFIX: `lrsdk${tag}`,
      LIVEROOM_NODE_NAME: `node-${i}`,
      LIVEROOM_SDKAPPID: String(SDK_APP_ID),
      LIVEROOM_SECRET_KEY: key,
    });
  };
  try {
    // The first node sets the database up; the others then start together.
    await start(0);
    await Promise.all(Array.from({ length: count - 1 }, (_, i) => start(i + 1)));
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}
