// The user's blocklist: blocked users' messages to this user are refused (20007), and so are
// friend requests either way. Changes made on any device are announced as BLACKLIST_UPDATED.

/** @import { Client } from './client.js' */
/** @import { Response } from './session.js' */
import { isObject, requireIDList } from './checks.js';
import { EVENT } from './constants.js';
import { ListFeed } from './events.js';
import { invalid } from './errors.js';
import { Fields } from './fields.js';
import { decodeOrThrow } from './requests.js';

/** The most users a blocklist holds (and one `block` request names). */
const BLOCKLIST_MAX = 1000;

export class Blocklist {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private */
    this.feed = new ListFeed(client, EVENT.BLACKLIST_UPDATED, () => this.read());
  }

  /**
   * `Chat#addToBlacklist` and `Chat#removeFromBlacklist`
   * @param {{userIDList: string[]}} options
   * @param {boolean} block
   * @returns {Promise<Response<string[]>>}
   */
  async change(options, block) {
    const userIDs = requireIDList(isObject(options) ? options.userIDList : undefined, 'userIDList');
    if (userIDs.length > BLOCKLIST_MAX) throw invalid(`userIDList names more than ${BLOCKLIST_MAX} users`);
    await this.client.requests.request({ op: block ? 'block' : 'unblock', To_Account: userIDs });
    return { code: 0, data: userIDs };
  }

  /**
   * `Chat#getBlacklist`
   * @returns {Promise<Response<string[]>>}
   */
  async get() {
    const list = await this.read();
    this.feed.seen(list);
    return { code: 0, data: list };
  }

  /**
   * @private
   * @returns {Promise<string[]>}
   */
  async read() {
    const reply = await this.client.requests.request({ op: 'get_blocklist' });
    return decodeOrThrow(() =>
      reply.arr('Blocked').map((b, i) => new Fields(b, `get_blocklist.Blocked[${i}]`).str('UserID')),
    );
  }

  /** The blocklist changed (a `friend` push said so): it is read again. */
  changed() {
    this.feed.changed();
  }

  /** Back after a reconnect: what changed meanwhile is announced. */
  sessionRestored() {
    this.feed.changed();
  }

  /** The session is over. */
  reset() {
    this.feed.reset();
  }
}
