// The WebSocket: opening and closing it, the addresses of a cluster taken in turn, the
// heartbeat, and the network state the application sees. What a lost socket means for the
// session is the session's to decide (`Session#connectionLost`).

/** @import { Client } from './client.js' */
/** @import { NetState } from './constants.js' */
/** @import { WebSocketLike } from './options.js' */
import { ERROR_CODE, EVENT } from './constants.js';
import { LiveRoomError } from './errors.js';

export class Connection {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @type {WebSocketLike | null} */
    this.socket = null;
    /** whether `socket` is open */
    this.isOpen = false;
    /** bumped for every socket, so a replaced socket's late events are ignored */
    this.gen = 0;
    /** @type {{promise: Promise<void>, resolve: () => void, reject: (e: LiveRoomError) => void, timer: ReturnType<typeof setTimeout>} | null} */
    this.opening = null;
    /** @type {NetState} */
    this.netState = 'disconnected';
    /** @type {ReturnType<typeof setInterval> | null} */
    this.heartbeat = null;
    const urls = client.o.urls;
    /** which of `urls` the next socket opens; a random start spreads the clients of a cluster */
    this.urlIndex = Math.floor(Math.random() * urls.length) % urls.length;
  }

  /** @param {NetState} state */
  setNetState(state) {
    if (this.netState === state) return;
    this.netState = state;
    this.client.log.info(`network ${state}`);
    this.client.events.emit(EVENT.NET_STATE_CHANGE, { state });
  }

  /**
   * Opens a socket unless one is open or opening; resolves once it is open.
   * @returns {Promise<void>}
   */
  open() {
    if (this.socket !== null && this.isOpen) return Promise.resolve();
    if (this.opening !== null) return this.opening.promise;
    const { o, log } = this.client;
    this.setNetState('connecting');
    const gen = ++this.gen;
    const url = o.urls[this.urlIndex];
    log.info(`connecting to ${url}`);
    /** @type {WebSocketLike} */
    let socket;
    try {
      socket = new o.WebSocket(url);
    } catch (err) {
      this.nextUrl();
      this.setNetState('disconnected');
      return Promise.reject(new LiveRoomError(ERROR_CODE.CONNECT_FAILED, `cannot open ${url}: ${String(err)}`));
    }
    this.socket = socket;
    this.isOpen = false;
    /** @type {(() => void) | undefined} */
    let resolveOpen;
    /** @type {((e: LiveRoomError) => void) | undefined} */
    let rejectOpen;
    /** @type {Promise<void>} */
    const promise = new Promise((resolve, reject) => {
      resolveOpen = () => resolve();
      rejectOpen = reject;
    });
    // A connection attempt that hangs (a dropped SYN) must not hang the session with it.
    const timer = setTimeout(() => this.close('connection attempt timed out'), o.requestTimeout);
    this.opening = {
      promise,
      resolve: /** @type {() => void} */ (resolveOpen),
      reject: /** @type {(e: LiveRoomError) => void} */ (rejectOpen),
      timer,
    };
    socket.onopen = () => {
      if (gen !== this.gen) return;
      this.isOpen = true;
      const opening = this.opening;
      this.opening = null;
      if (opening !== null) {
        clearTimeout(opening.timer);
        opening.resolve();
      }
      this.startHeartbeat();
    };
    socket.onmessage = (event) => {
      if (gen === this.gen) this.client.receive(event && event.data);
    };
    // Errors are followed by a close event, which does the work.
    socket.onerror = (event) => {
      if (gen === this.gen) log.debug('socket error', event && event.message);
    };
    socket.onclose = (event) => {
      if (gen !== this.gen) return;
      log.info(`socket closed (${event && event.code} ${(event && event.reason) || ''})`);
      this.gone();
    };
    return this.opening.promise;
  }

  /**
   * Closes the current socket at once, without waiting for its close event.
   * @param {string} why
   */
  close(why) {
    const socket = this.socket;
    if (socket === null) return;
    this.gen += 1; // its later events are ignored
    this.client.log.info(`closing the connection: ${why}`);
    try {
      // No reason text: a close reason over 123 bytes would throw and leave the socket open.
      socket.close(1000);
    } catch (err) {
      this.client.log.debug('closing the socket failed', err);
    }
    this.gone();
  }

  /**
   * The socket is gone: settle the attempt to open it, then let the session decide what
   * follows.
   * @private
   */
  gone() {
    const url = this.client.o.urls[this.urlIndex];
    // Whatever ended this connection, the next one tries the next address: the node may be gone.
    this.nextUrl();
    this.socket = null;
    this.isOpen = false;
    this.stopHeartbeat();
    const opening = this.opening;
    this.opening = null;
    if (opening !== null) {
      clearTimeout(opening.timer);
      opening.reject(new LiveRoomError(ERROR_CODE.CONNECT_FAILED, `cannot connect to ${url}`));
    }
    this.client.session.connectionLost();
  }

  /** Moves on to the next address of `url` (round-robin; one address stays as it is). */
  nextUrl() {
    this.urlIndex = (this.urlIndex + 1) % this.client.o.urls.length;
  }

  /** @private */
  startHeartbeat() {
    this.stopHeartbeat();
    if (this.client.o.heartbeatInterval <= 0) return;
    this.heartbeat = setInterval(() => this.beat(), this.client.o.heartbeatInterval);
  }

  /** @private */
  stopHeartbeat() {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /**
   * Pings the server: it keeps the idle timeout away, and a missing pong reveals a dead
   * connection that the socket has not noticed.
   * @private
   */
  beat() {
    const gen = this.gen;
    this.client.requests.direct({ op: 'ping' }).catch((err) => {
      if (err.code === ERROR_CODE.TIMEOUT && gen === this.gen) {
        this.client.log.warn('no pong: dropping the connection');
        this.close('heartbeat timeout');
      }
    });
  }
}
