// The options of `create`: what they are, their defaults, and their checks.

import { isCount, isObject } from './checks.js';
import { LOG_LEVEL } from './constants.js';
import { invalid } from './errors.js';

/**
 * The part of a WebSocket the SDK uses; browsers' `WebSocket` and the `ws` package fit it.
 * @typedef {Object} WebSocketLike
 * @property {(data: string) => void} send
 * @property {(code?: number, reason?: string) => void} close
 * @property {((event: any) => void) | null} onopen
 * @property {((event: any) => void) | null} onmessage
 * @property {((event: any) => void) | null} onclose
 * @property {((event: any) => void) | null} onerror
 */

/** @typedef {new (url: string) => WebSocketLike} WebSocketConstructor */

/**
 * @typedef {Object} CreateOptions
 * @property {number} SDKAppID the app
 * @property {string|readonly string[]} url the server's WebSocket URL, `ws://host:port/ws` (or `wss://`); or the URLs of a cluster's nodes: the SDK starts at a random one and, when a connection is lost or cannot be opened, tries the next one (round-robin)
 * @property {WebSocketConstructor} [WebSocket] WebSocket constructor; default `globalThis.WebSocket` (Node.js: pass `ws`)
 * @property {number} [logLevel] 0 debug, 1 info, 2 warnings (default), 3 errors, 4 nothing
 * @property {number} [requestTimeout] ms a request waits for its reply, or for the connection to come back; default 10000
 * @property {number} [heartbeatInterval] ms between pings (the server closes connections silent for 60 s); default 25000, 0 turns them off
 * @property {number} [likeMergeWindow] ms within which `like` taps are merged into one request; default 1000
 * @property {boolean} [reconnect] reconnect after the connection drops; default true
 * @property {number} [reconnectBaseDelay] ms before the first reconnection attempt (with jitter), doubling each time; default 500
 * @property {number} [reconnectMaxDelay] ms the delay between attempts grows to at most; default 30000
 * @property {number} [dedupWindow] sequence numbers remembered per room to drop repeated messages; default 1000
 */

const DEFAULTS = Object.freeze({
  logLevel: 2,
  requestTimeout: 10000,
  heartbeatInterval: 25000,
  likeMergeWindow: 1000,
  reconnect: true,
  reconnectBaseDelay: 500,
  reconnectMaxDelay: 30000,
  dedupWindow: 1000,
});

/**
 * Checks the options of `create` and fills in the defaults.
 * @param {CreateOptions} options
 * @returns {Required<Omit<CreateOptions, 'WebSocket' | 'url'>> & {WebSocket: WebSocketConstructor, urls: readonly string[]}}
 */
export function normalizeOptions(options) {
  if (!isObject(options)) throw invalid('create needs {SDKAppID, url}');
  const { SDKAppID, url } = options;
  if (!isCount(SDKAppID) || SDKAppID === 0) throw invalid('SDKAppID must be a positive integer');
  const urls = Array.isArray(url) ? url.slice() : [url];
  if (urls.length === 0) throw invalid('url must be a ws:// or wss:// URL, or a non-empty list of them');
  for (const u of urls) {
    if (typeof u !== 'string' || !/^wss?:\/\//.test(u)) {
      throw invalid(
        Array.isArray(url) ? `url lists ${String(u)}: each must be a ws:// or wss:// URL` : 'url must be a ws:// or wss:// URL',
      );
    }
  }
  const WebSocketImpl = options.WebSocket || /** @type {WebSocketConstructor | undefined} */ (globalThis.WebSocket);
  if (typeof WebSocketImpl !== 'function') {
    throw invalid('no WebSocket here: pass options.WebSocket (in Node.js, the ws package)');
  }
  /**
   * @param {keyof typeof DEFAULTS} key
   * @returns {number}
   */
  const number = (key) => {
    const value = options[key];
    if (value === undefined) return /** @type {number} */ (DEFAULTS[key]);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw invalid(`${key} must be a non-negative number`);
    return value;
  };
  if (options.reconnect !== undefined && typeof options.reconnect !== 'boolean')
    throw invalid('reconnect must be a boolean');
  return {
    SDKAppID,
    urls: Object.freeze(urls),
    WebSocket: WebSocketImpl,
    logLevel: Math.min(LOG_LEVEL.NONE, Math.floor(number('logLevel'))),
    requestTimeout: Math.max(1, number('requestTimeout')),
    heartbeatInterval: number('heartbeatInterval'),
    likeMergeWindow: number('likeMergeWindow'),
    reconnect: options.reconnect === undefined ? DEFAULTS.reconnect : options.reconnect,
    reconnectBaseDelay: Math.max(1, number('reconnectBaseDelay')),
    reconnectMaxDelay: Math.max(1, number('reconnectMaxDelay')),
    dedupWindow: Math.max(1, Math.floor(number('dedupWindow'))),
  };
}
