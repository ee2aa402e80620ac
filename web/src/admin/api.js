// The admin console's server calls: the console session endpoints (/v1/console/*, cookie
// session) and the ordinary REST API (/v4/<service>/<command>) with an admin UserSig.
// Every answer carries the REST envelope {ActionStatus, ErrorCode, ErrorInfo}; a FAIL becomes
// an ApiError with the server's code and text.

/** An error answer (or a transport failure, code -1). */
export class ApiError extends Error {
  /**
   * @param {number} code the envelope's ErrorCode, the HTTP status when there is no envelope, or -1
   * @param {string} message the envelope's ErrorInfo or a description
   * @param {string} where the call, e.g. "liveroom_ext/get_webhook"
   * @param {number} [status] the HTTP status
   */
  constructor(code, message, where, status = 0) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.where = where;
    this.status = status;
  }
}

/** @type {() => void} */
let sessionLost = () => {};

/**
 * Sets what happens when the console answers 401 (the session expired or was logged out).
 * @param {() => void} fn
 */
export function onSessionLost(fn) {
  sessionLost = fn;
}

/**
 * Sends a request and reads its envelope.
 * @param {string} url
 * @param {RequestInit} init
 * @param {string} where
 * @returns {Promise<Record<string, any>>} the answer on ActionStatus OK
 */
async function request(url, init, where) {
  let res;
  try {
    res = await fetch(url, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch (err) {
    throw new ApiError(-1, `network error: ${err instanceof Error ? err.message : String(err)}`, where);
  }
  /** @type {any} */
  let body = null;
  const text = await res.text();
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (res.status === 401 && where.startsWith('console/') && where !== 'console/login') sessionLost();
  if (body && typeof body === 'object' && 'ActionStatus' in body) {
    if (body.ActionStatus === 'OK' && !body.ErrorCode) return body;
    throw new ApiError(Number(body.ErrorCode) || res.status || -1, String(body.ErrorInfo || 'request failed'), where, res.status);
  }
  if (!res.ok) throw new ApiError(res.status, `HTTP ${res.status} ${res.statusText}`.trim(), where, res.status);
  if (body && typeof body === 'object') return body;
  throw new ApiError(-1, 'the server answered something that is not JSON', where);
}

/**
 * @typedef {Object} ConsoleStatus
 * @property {boolean} Enabled the console is served on this address
 * @property {boolean} LoggedIn this browser holds a console session
 * @property {boolean} PasswordLogin a console password is configured
 */

/** @typedef {{SDKAppID: number, SecretKey: string, Admins: string[]}} ConsoleApp */

/** The console's own endpoints. */
export const consoleApi = {
  /** The development app's SDKAppID, to prefill the login (null when the server has none to offer). */
  async defaultApp() {
    try {
      const c = await request('/v1/web/config', { method: 'GET' }, 'web/config');
      return typeof c.SDKAppID === 'number' ? c.SDKAppID : null;
    } catch {
      return null;
    }
  },
  /** @returns {Promise<ConsoleStatus>} */
  async status() {
    let s;
    try {
      s = await request('/v1/console/status', { method: 'GET' }, 'console/status');
    } catch (err) {
      // A console that is off for this request answers 404, as its other doors do.
      if (err instanceof ApiError && err.status === 404) return { Enabled: false, LoggedIn: false, PasswordLogin: false };
      throw err;
    }
    return { Enabled: s.Enabled === true, LoggedIn: s.LoggedIn === true, PasswordLogin: s.PasswordLogin === true };
  },
  /**
   * Logs in with the console password or an app admin's UserSig.
   * @param {{Password: string} | {SDKAppID: number, Identifier: string, UserSig: string}} credentials
   */
  async login(credentials) {
    return request('/v1/console/login', jsonInit(credentials), 'console/login');
  },
  async logout() {
    return request('/v1/console/logout', jsonInit({}), 'console/logout');
  },
  /** @returns {Promise<ConsoleApp[]>} */
  async apps() {
    const a = await request('/v1/console/apps', { method: 'GET' }, 'console/apps');
    return Array.isArray(a.Apps) ? a.Apps : [];
  },
  /**
   * An admin UserSig for the app.
   * @param {number} sdkAppID
   * @returns {Promise<{Identifier: string, UserSig: string}>}
   */
  async usersig(sdkAppID) {
    const a = await request('/v1/console/usersig', jsonInit({ SDKAppID: sdkAppID }), 'console/usersig');
    return { Identifier: String(a.Identifier), UserSig: String(a.UserSig) };
  },
};

/** @param {unknown} body */
function jsonInit(body) {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** A random unsigned 32-bit number (the REST `random` parameter, message `Random`s). */
export function randomU32() {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

/** UserSig problems after which a fresh admin UserSig is fetched once and the call repeated. */
const SIG_ERRORS = new Set([70001, 70002, 70003, 70009, 70013, 70014]);

/** Calls the REST API of one app as its admin. */
export class RestClient {
  /**
   * @param {number} sdkAppID
   * @param {() => Promise<{Identifier: string, UserSig: string}>} mint fetches an admin UserSig
   */
  constructor(sdkAppID, mint) {
    this.sdkAppID = sdkAppID;
    this._mint = mint;
    /** @type {Promise<{Identifier: string, UserSig: string}>|null} */
    this._sig = null;
  }

  /** The admin identity used for calls (fetched on first use). */
  async identity() {
    if (!this._sig) {
      this._sig = this._mint();
      this._sig.catch(() => {
        this._sig = null;
      });
    }
    return this._sig;
  }

  /**
   * POST /v4/<service>/<command>.
   * @param {string} service
   * @param {string} command
   * @param {Record<string, unknown>} [body]
   * @returns {Promise<Record<string, any>>}
   */
  async call(service, command, body = {}) {
    try {
      return await this._call(service, command, body);
    } catch (err) {
      if (err instanceof ApiError && SIG_ERRORS.has(err.code)) {
        this._sig = null;
        return this._call(service, command, body);
      }
      throw err;
    }
  }

  /**
   * @private
   * @param {string} service
   * @param {string} command
   * @param {Record<string, unknown>} body
   */
  async _call(service, command, body) {
    const { Identifier, UserSig } = await this.identity();
    const q = new URLSearchParams({
      sdkappid: String(this.sdkAppID),
      identifier: Identifier,
      usersig: UserSig,
      random: String(randomU32()),
      contenttype: 'json',
    });
    return request(`/v4/${service}/${command}?${q}`, jsonInit(body), `${service}/${command}`);
  }
}
