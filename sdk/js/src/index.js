// The SDK's public surface: `create`, `Chat`, the constants and `LiveRoomError`, one by one
// and as the default export `LiveRoom`.

/** @import { CreateOptions } from './options.js' */
import { Chat } from './chat.js';
import { ERROR_CODE, EVENT, LOG_LEVEL, TYPES, VERSION } from './constants.js';
import { LiveRoomError } from './errors.js';

export { Chat, ERROR_CODE, EVENT, LiveRoomError, LOG_LEVEL, TYPES, VERSION };

/**
 * Creates a chat instance.
 * @param {CreateOptions} options
 * @returns {Chat}
 */
export function create(options) {
  return new Chat(options);
}

/** The SDK as one object: `LiveRoom.create(...)`, `LiveRoom.EVENT`, `LiveRoom.TYPES`, ... */
const LiveRoom = Object.freeze({ create, TYPES, EVENT, ERROR_CODE, LOG_LEVEL, LiveRoomError, VERSION });

export default LiveRoom;
