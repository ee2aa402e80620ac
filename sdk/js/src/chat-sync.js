// Following the conversations: one-to-one messages and those of the groups that keep their
// messages reach the application exactly once and in order, across reconnects.
//
// Each conversation is a numbered thread (thread-sync.js: one `ThreadSync` for one-to-one
// conversations, one for groups and communities' topics). After the session begins, and
// after every reconnect, the SDK reads the conversation list and the topics of the user's
// communities and tells each thread its last number: a thread behind it fetches what it
// lacks (`get_c2c_messages` or `get_group_messages` after its number).
//
// The SDK follows conversations from the first chat call, push or event handler of the
// instance on (`activate`), so a live-room-only client never reads the list.

/** @import { Client } from './client.js' */
/** @import { Message } from './message.js' */
import { TYPES } from './constants.js';
import { decodeC2CMessage, peerOfMessage } from './c2c-message.js';
import { decodeGroupRecord, isTopicID, threadFields } from './group-message.js';
import { ThreadSync } from './thread-sync.js';

/** How long after a failed list read (on a live connection) it is tried again, ms. */
const SYNC_RETRY_MS = 2000;

/** Seconds of clock difference tolerated when telling messages from before the session. */
const CLOCK_SLACK_SECS = 2;

export class ChatSync {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** whether the instance follows conversations (see the top of this file) */
    this.active = false;
    /** the list has not been read since the session began or the connection dropped */
    this.syncing = true;
    /** @private whether the list was read once in this session */
    this.synced = false;
    /** @private bumped by every list read and by `reset`, so an older one stops */
    this.gen = 0;
    /** @private when the session began (ms, local clock) */
    this.startedAt = 0;
    /** @private the server's clock less ours, seconds, from live pushes */
    this.clockOffset = 0;
    /** @private @type {ReturnType<typeof setTimeout> | null} */
    this.retryTimer = null;
    /**
     * One-to-one conversations, by the other user's ID.
     * @type {ThreadSync<{message: Message, unread: number|undefined}>}
     */
    this.c2c = new ThreadSync(client, this, {
      name: 'conversation',
      request: (userID) => ({ op: 'get_c2c_messages', Peer_Account: userID }),
      decode: (f) => decodeC2CMessage(f, client.session.userID()),
      deliver: (entry) => this.deliverC2C(entry.message, entry.unread),
      deliverFetched: (message) => this.deliverC2C(message, undefined),
      isOwnPending: (message) => client.c2c.isOutgoing(message),
    });
    /**
     * Groups that keep their messages, by group ID, and communities' topics, by topic ID.
     * @type {ThreadSync<Message>}
     */
    this.groups = new ThreadSync(client, this, {
      name: 'group',
      request: (thread) => ({ op: 'get_group_messages', ...threadFields(thread) }),
      decode: (f, thread) => decodeGroupRecord(f, client.session.userID(), thread),
      deliver: (message) => client.groupChat.deliver(message),
      deliverFetched: (message) => client.groupChat.deliver(message),
      isOwnPending: (message) => client.messages.isOutgoing(message),
    });
  }

  /** The application uses chat: follow the conversations from now on. */
  activate() {
    if (this.active) return;
    this.active = true;
    if (this.client.session.ready) this.sessionReady();
  }

  /** The session is usable: logged in, or back after a reconnect. */
  sessionReady() {
    const me = this.client.session.me;
    if (me === null || me.isGuest) return;
    if (this.startedAt === 0) this.startedAt = Date.now();
    if (this.active) this.sync();
  }

  /** The connection dropped: until the list is read again, new conversations wait. */
  connectionLost() {
    this.syncing = true;
    this.gen += 1;
    this.clearRetry();
  }

  /** The session is over. */
  reset() {
    this.gen += 1;
    this.clearRetry();
    this.c2c.reset();
    this.groups.reset();
    this.syncing = true;
    this.synced = false;
    this.startedAt = 0;
  }

  /**
   * A live push's time: the server's clock, for telling what came before the session.
   * @param {number} time Unix seconds
   */
  serverTime(time) {
    this.clockOffset = time - Math.floor(Date.now() / 1000);
  }

  /**
   * A `c2c` push.
   * @param {Message} message
   * @param {number|undefined} unread
   */
  onC2C(message, unread) {
    this.activate();
    this.serverTime(message.time);
    if (message.sequence === 0) {
      this.deliverC2C(message, unread); // online only: not numbered
      return;
    }
    this.c2c.arrived(peerOfMessage(message, this.client.session.userID()), message.sequence, { message, unread });
  }

  /**
   * The application's own one-to-one send was acknowledged: it has the message already.
   * @param {Message} message
   */
  acknowledgedC2C(message) {
    if (message.sequence === 0) return;
    this.client.conversations.noteMessage(message);
    this.c2c.arrived(message.to, message.sequence, 'own');
  }

  /**
   * Reads the list and catches up every conversation that is behind it.
   * @private
   */
  async sync() {
    const gen = ++this.gen;
    this.clearRetry();
    this.syncing = true;
    let found;
    let topics;
    try {
      found = await this.client.conversations.load();
      if (gen !== this.gen) return;
      // The communities' topics (the list read told the SDK which groups are communities).
      topics = await this.client.topics.readAll();
    } catch (err) {
      if (gen !== this.gen) return;
      this.client.log.warn('reading the conversation list failed; trying again', err);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (gen === this.gen && this.client.session.ready) this.sync();
      }, SYNC_RETRY_MS);
      return;
    }
    if (gen !== this.gen) return;
    const first = !this.synced;
    this.synced = true;
    this.syncing = false;
    const horizon = Math.floor(this.startedAt / 1000) + this.clockOffset - CLOCK_SLACK_SECS;
    /** @type {Set<string>} */
    const users = new Set();
    /** @type {Set<string>} */
    const groups = new Set();
    // The least recent first: what they deliver comes in about the order it was sent.
    for (const c of found.slice().reverse()) {
      if (c.type === TYPES.CONV_C2C) {
        users.add(c.userID);
        this.c2c.listed(c.userID, c.lastSequence, first, horizon);
      } else {
        groups.add(c.groupID);
        this.groups.listed(c.groupID, c.lastSequence, first, horizon);
      }
    }
    for (const t of topics) {
      groups.add(t.topicID);
      this.groups.listed(t.topicID, t.lastSequence, first, horizon);
    }
    this.c2c.unlisted(users, () => false);
    // A group off the list and off the user's groups (read with it) is one the user left; a
    // topic the SDK no longer knows was deleted.
    this.groups.unlisted(groups, (key) =>
      isTopicID(key) ? !this.client.topics.has(key) : this.client.groups.info(key) === undefined,
    );
  }

  /**
   * @private
   * @param {Message} message
   * @param {number|undefined} unread
   */
  deliverC2C(message, unread) {
    const { conversations, inbox, c2c } = this.client;
    conversations.markPeerRead(message);
    inbox.deliver(message);
    conversations.noteMessage(message, unread);
    c2c.heard(message);
  }

  /** @private */
  clearRetry() {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
