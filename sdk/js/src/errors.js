// The errors calls fail with (`LiveRoomError`), and the one a server frame the SDK cannot read
// raises inside it.

import { ERROR_CODE } from './constants.js';

/** A failed call: `code` is the server's error code, or one of `ERROR_CODE` for the SDK's own. */
export class LiveRoomError extends Error {
  /**
   * @param {number} code
   * @param {string} message
   * @param {Record<string, unknown>} [data] details: `op` of the request, `muteRemaining` of a 10017, `message` of a failed send
   */
  constructor(code, message, data = {}) {
    super(message);
    this.name = 'LiveRoomError';
    /** @type {number} */
    this.code = code;
    /** @type {Record<string, unknown>} */
    this.data = data;
  }
}

/** A server frame the SDK cannot read. */
export class FrameError extends Error {}

/** @param {string} message */
export function invalid(message) {
  return new LiveRoomError(ERROR_CODE.INVALID_ARGUMENT, message);
}
