// Requests and their replies: each request gets an id and waits for the reply with that id,
// or for the connection to come back when it may be sent again.

/** @import { Client } from './client.js' */
/** @import { Fields } from './fields.js' */
import { ERROR_CODE } from './constants.js';
import { FrameError, LiveRoomError } from './errors.js';

/** The largest client frame the server processes, in UTF-8 bytes. */
const MAX_FRAME_BYTES = 16384;

/** Requests that may be sent again after a reconnect: repeating them changes nothing. */
const RETRYABLE_OPS = new Set([
  'send', // the server de-duplicates a repeated `Random` for 5 minutes
  'send_c2c', // and a repeated `MsgSeq` and `MsgRandom` with the same content for 120 s
  'join',
  'quit',
  'pin_item',
  'unpin_item',
  'mute',
  'mute_all',
  'ban',
  'unban',
  'set_admin',
  'subscribe_status', // the server watches a user once however often it is asked
  'unsubscribe_status',
  'set_status',
  // Not `recall`: a repeat of one that went through is refused (10030).
]);

const encoder = new TextEncoder();

/**
 * Whether `text` is over `limit` UTF-8 bytes, encoding it only when it might be (a UTF-16
 * unit is at most 3 UTF-8 bytes).
 * @param {string} text
 * @param {number} limit
 */
function overBytes(text, limit) {
  return text.length * 3 > limit && encoder.encode(text).length > limit;
}

/**
 * Runs a decoder on a successful reply; a reply that cannot be read fails the call.
 * @template T
 * @param {() => T} decode
 * @returns {T}
 */
export function decodeOrThrow(decode) {
  try {
    return decode();
  } catch (err) {
    if (err instanceof FrameError) throw new LiveRoomError(ERROR_CODE.MALFORMED_FRAME, err.message);
    throw err;
  }
}

/**
 * A list in pieces of at most `size`, for requests that take that many at a time.
 * @template T
 * @param {T[]} list
 * @param {number} size
 * @returns {T[][]}
 */
export function chunks(list, size) {
  /** @type {T[][]} */
  const out = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** A request waiting for its reply (or for the connection). */
class Call {
  /**
   * @param {Record<string, unknown>} frame the request without its `id`
   * @param {boolean} retry whether a lost connection sends it again after the reconnect
   * @param {(reply: Fields) => void} resolve
   * @param {(error: LiveRoomError) => void} reject
   */
  constructor(frame, retry, resolve, reject) {
    this.frame = frame;
    this.op = String(frame.op);
    this.retry = retry;
    this.id = 0;
    this.sent = false;
    this.settled = false;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    this.resolveFn = resolve;
    this.rejectFn = reject;
  }

  /** @param {Fields} reply */
  resolve(reply) {
    if (this.settle()) this.resolveFn(reply);
  }

  /**
   * @param {number} code
   * @param {string} message
   * @param {Record<string, unknown>} [data]
   */
  fail(code, message, data = {}) {
    if (this.settle()) this.rejectFn(new LiveRoomError(code, message, { op: this.op, ...data }));
  }

  /** @private */
  settle() {
    if (this.settled) return false;
    this.settled = true;
    if (this.timer !== null) clearTimeout(this.timer);
    return true;
  }
}

/** The requests of an instance: those sent and awaiting their reply, and those waiting to go. */
export class Requests {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private */
    this.nextId = 1;
    /** @private @type {Map<number, Call>} sent, awaiting the reply */
    this.pending = new Map();
    /** @private @type {Call[]} waiting for the session to be ready */
    this.waiting = [];
  }

  /**
   * Sends a request of the session. While the connection is being restored it waits (up to
   * `requestTimeout`, then NOT_CONNECTED); without a session it fails with NOT_LOGGED_IN.
   * @param {Record<string, unknown>} frame
   * @returns {Promise<Fields>} the reply
   */
  request(frame) {
    const session = this.client.session;
    if (session.destroyed) return Promise.reject(new LiveRoomError(ERROR_CODE.DESTROYED, 'the instance was destroyed'));
    if (session.credentials === null) {
      return Promise.reject(new LiveRoomError(ERROR_CODE.NOT_LOGGED_IN, 'log in first', { op: frame.op }));
    }
    return new Promise((resolve, reject) => {
      const call = this.arm(new Call(frame, RETRYABLE_OPS.has(String(frame.op)), resolve, reject));
      if (session.ready) this.transmit(call);
      else this.waiting.push(call);
    });
  }

  /**
   * Sends a request on the current socket now, whatever the session's state (login, rejoin,
   * ping).
   * @param {Record<string, unknown>} frame
   * @returns {Promise<Fields>}
   */
  direct(frame) {
    return new Promise((resolve, reject) => {
      // Never repeated: the flow that sent it (login, rejoin, ping) starts over instead.
      this.transmit(this.arm(new Call(frame, false, resolve, reject)));
    });
  }

  /**
   * @private
   * @param {Call} call
   */
  arm(call) {
    const timeout = this.client.o.requestTimeout;
    call.timer = setTimeout(() => {
      this.pending.delete(call.id);
      const at = this.waiting.indexOf(call);
      if (at >= 0) this.waiting.splice(at, 1);
      if (call.sent) call.fail(ERROR_CODE.TIMEOUT, `no reply to ${call.op} within ${timeout} ms`);
      else call.fail(ERROR_CODE.NOT_CONNECTED, `not connected within ${timeout} ms`);
    }, timeout);
    return call;
  }

  /**
   * @private
   * @param {Call} call
   */
  transmit(call) {
    const { socket, isOpen } = this.client.connection;
    if (socket === null || !isOpen) {
      call.fail(ERROR_CODE.NOT_CONNECTED, 'not connected');
      return;
    }
    call.id = this.nextId++;
    const text = JSON.stringify({ ...call.frame, id: call.id });
    // The server closes the connection over 64 KiB and refuses over 16 KiB: never send it.
    if (overBytes(text, MAX_FRAME_BYTES)) {
      call.fail(ERROR_CODE.FRAME_TOO_LARGE, `the request is larger than ${MAX_FRAME_BYTES} bytes`);
      return;
    }
    this.pending.set(call.id, call);
    call.sent = true;
    try {
      socket.send(text);
    } catch (err) {
      this.pending.delete(call.id);
      call.fail(ERROR_CODE.NOT_CONNECTED, `sending failed: ${String(err)}`);
    }
  }

  /** The session is ready: the requests that waited go out, in order. */
  sendWaiting() {
    for (const call of this.waiting.splice(0)) this.transmit(call);
  }

  /**
   * @param {number} code
   * @param {string} why
   */
  failWaiting(code, why) {
    for (const call of this.waiting.splice(0)) call.fail(code, why);
  }

  /**
   * Fails every request, sent or waiting: the session they belong to is over.
   * @param {number} code
   * @param {string} why
   */
  failAll(code, why) {
    for (const call of this.pending.values()) call.fail(code, why);
    this.pending.clear();
    this.failWaiting(code, why);
  }

  /**
   * The socket is gone with requests in flight: those that may be repeated wait for the
   * reconnect, before the requests already waiting; the others fail.
   * @param {boolean} reconnecting
   */
  connectionLost(reconnecting) {
    /** @type {Call[]} */
    const retry = [];
    for (const call of this.pending.values()) {
      if (reconnecting && call.retry) {
        call.sent = false;
        retry.push(call);
      } else {
        call.fail(ERROR_CODE.NOT_CONNECTED, 'the connection was lost before the reply');
      }
    }
    this.pending.clear();
    if (reconnecting) this.waiting = retry.concat(this.waiting);
  }

  /** @param {{id: number|undefined, code: number, info: string, fields: Fields}} reply */
  onReply(reply) {
    const call = reply.id === undefined ? undefined : this.pending.get(reply.id);
    if (call === undefined) {
      // Replies to frames the server could not read carry no id; late replies find no call.
      if (reply.code !== 0) this.client.events.error(reply.code, reply.info);
      return;
    }
    this.pending.delete(call.id);
    if (reply.code === 0) {
      call.resolve(reply.fields);
      return;
    }
    /** @type {Record<string, unknown>} */
    const data = {};
    if (reply.fields.has('MuteRemaining')) data.muteRemaining = reply.fields.optNum('MuteRemaining');
    call.fail(reply.code, reply.info || `error ${reply.code}`, data);
  }
}
