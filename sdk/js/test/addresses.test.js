// A list of addresses (a cluster's nodes), with a scripted WebSocket and no server: where the
// first connection goes, and which address each later attempt tries.

import assert from 'node:assert/strict';
import { afterEach, mock, test } from 'node:test';
import LiveRoom, { ERROR_CODE, LiveRoomError } from '../liveroom.js';
import { waitUntil } from './support.js';

const NODES = ['ws://10.0.0.1:8080/ws', 'ws://10.0.0.2:8080/ws', 'ws://10.0.0.3:8080/ws'];

/**
 * A WebSocket class whose sockets open or are refused as `reachable(url)` says, and answer
 * `login` successfully. Every socket made is in `sockets`, in order.
 */
function scriptedNetwork() {
  const net = {
    /** @type {FakeSocket[]} */ sockets: [],
    /** @type {(url: string) => boolean} */ reachable: (_url) => true,
    urls() {
      return this.sockets.map((s) => NODES.indexOf(s.url));
    },
    current() {
      return this.sockets[this.sockets.length - 1];
    },
  };
  class FakeSocket {
    /** @param {string} url */
    constructor(url) {
      this.url = url;
      this.closed = false;
      /** @type {((event: any) => void) | null} */ this.onopen = null;
      /** @type {((event: any) => void) | null} */ this.onmessage = null;
      /** @type {((event: any) => void) | null} */ this.onclose = null;
      /** @type {((event: any) => void) | null} */ this.onerror = null;
      net.sockets.push(this);
      const up = net.reachable(url);
      setImmediate(() => {
        if (this.closed) return;
        if (up) this.onopen?.({});
        else this.drop(1006);
      });
    }

    /** @param {string} data */
    send(data) {
      const frame = JSON.parse(data);
      if (frame.op === 'login' || frame.op === 'guest') {
        const reply = { op: 'reply', id: frame.id, ErrorCode: 0, UserID: frame.UserID || '' };
        setImmediate(() => this.closed || this.onmessage?.({ data: JSON.stringify(reply) }));
      }
    }

    close() {
      this.closed = true;
    }

    /** The connection ends from the other side (a node killed, a network loss). */
    drop(code = 1006) {
      if (this.closed) return;
      this.closed = true;
      this.onclose?.({ code, reason: '' });
    }
  }
  return { net, WebSocket: FakeSocket };
}

/** @type {import('../liveroom.js').Chat[]} */
const chats = [];

afterEach(async () => {
  mock.restoreAll();
  await Promise.all(chats.splice(0).map((c) => c.destroy()));
});

/**
 * @param {any} WebSocket
 * @param {string | string[]} url
 */
function chatFor(WebSocket, url = NODES) {
  const chat = LiveRoom.create({
    SDKAppID: 1400000001,
    url,
    WebSocket,
    logLevel: 4,
    heartbeatInterval: 0,
    reconnectBaseDelay: 1,
    reconnectMaxDelay: 2,
  });
  chats.push(chat);
  return chat;
}

/** @param {import('../liveroom.js').Chat} chat */
function login(chat) {
  return chat.login({ userID: 'alice', userSig: 'sig' });
}

/** Makes the random start land on `index` of three addresses. */
function startAt(/** @type {number} */ index) {
  mock.method(Math, 'random', () => (index + 0.5) / NODES.length);
}

test('the first connection goes to a random address of the list', async () => {
  for (const start of [0, 1, 2]) {
    startAt(start);
    const { net, WebSocket } = scriptedNetwork();
    await login(chatFor(WebSocket));
    assert.deepEqual(net.urls(), [start]);
    mock.restoreAll();
  }
});

test('a lost connection reconnects to the next address, round-robin, past failed ones', async () => {
  startAt(1);
  const { net, WebSocket } = scriptedNetwork();
  const chat = chatFor(WebSocket);
  await login(chat);
  // Node 1 dies; nodes 2 and 0 refuse for a while; node 1 is back first.
  net.reachable = (url) => url === NODES[1];
  net.current().drop();
  await waitUntil(() => chat.isReady(), 'the session back');
  assert.deepEqual(net.urls(), [1, 2, 0, 1]);
  // A drop of a working connection moves on too, wrapping around.
  net.reachable = () => true;
  net.current().drop();
  await waitUntil(() => net.sockets.length === 5 && chat.isReady(), 'the session back again');
  net.current().drop();
  await waitUntil(() => net.sockets.length === 6 && chat.isReady(), 'the session back a third time');
  assert.deepEqual(net.urls(), [1, 2, 0, 1, 2, 0]);
});

test('login tries every address once before failing', async () => {
  startAt(2);
  const { net, WebSocket } = scriptedNetwork();
  net.reachable = (url) => url === NODES[1];
  await login(chatFor(WebSocket));
  assert.deepEqual(net.urls(), [2, 0, 1]);

  const down = scriptedNetwork();
  down.net.reachable = () => false;
  await assert.rejects(login(chatFor(down.WebSocket)), (/** @type {any} */ err) => {
    assert.ok(err instanceof LiveRoomError);
    assert.equal(err.code, ERROR_CODE.CONNECT_FAILED);
    return true;
  });
  assert.deepEqual(down.net.urls(), [2, 0, 1]);
});

test('one address as a string, or a list of one, is used for every connection', async () => {
  for (const url of [NODES[1], [NODES[1]]]) {
    const { net, WebSocket } = scriptedNetwork();
    const chat = chatFor(WebSocket, url);
    await login(chat);
    net.current().drop();
    await waitUntil(() => net.sockets.length === 2 && chat.isReady(), 'the session back');
    assert.deepEqual(net.urls(), [1, 1]);
  }
});

test('the list is checked and copied', async () => {
  const { net, WebSocket } = scriptedNetwork();
  for (const url of [[], ['ws://10.0.0.1/ws', 'http://10.0.0.2/ws'], [NODES[0], 42]]) {
    assert.throws(
      () => LiveRoom.create({ SDKAppID: 1400000001, url: /** @type {any} */ (url), WebSocket }),
      (/** @type {any} */ err) => err instanceof LiveRoomError && err.code === ERROR_CODE.INVALID_ARGUMENT,
    );
  }
  startAt(0);
  const list = [NODES[0], NODES[1]];
  const chat = chatFor(WebSocket, list);
  list[0] = 'ws://elsewhere/ws';
  await login(chat);
  assert.deepEqual(net.urls(), [0]);
});
