// The client behind a `Chat`. `Chat`'s calls are written in several files by subject
// (chat-live.js, chat-groups.js, chat.js), each a class the next one extends; they reach
// the client they share through `clientOf`, which keeps it out of the public type.

/** @import { CreateOptions } from './options.js' */
import { Client } from './client.js';

/** @type {WeakMap<object, Client>} */
const clients = new WeakMap();

/** What every `Chat` starts from: its client. */
export class ChatBase {
  /** @param {CreateOptions} options */
  constructor(options) {
    clients.set(this, new Client(options));
  }
}

/**
 * The client of a chat instance.
 * @param {ChatBase} chat
 * @returns {Client}
 */
export function clientOf(chat) {
  return /** @type {Client} */ (clients.get(chat));
}
