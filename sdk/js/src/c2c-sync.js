// One-to-one messages reach the application exactly once and in order, across reconnects.
//
// Per conversation the SDK keeps `seq`, the highest `sequence` handed to the application
// (delivered, or the application's own acknowledged send). A push numbered `seq + 1` is
// delivered at once; one that skips numbers waits (`ahead`) while the SDK asks for what it
// lacks (`get_c2c_messages` after `seq`, page after page until `Complete`), then everything
// is delivered in order, each number once. After a reconnect the SDK reads the conversation
// list and catches up every conversation whose `LastSeq` is beyond its `seq`. Pushes that
// arrive meanwhile join `ahead`, so none is delivered twice or out of order.
//
// A conversation's starting point: at the first list read of a session, its `LastSeq` (what
// came before is history, for `getMessageList`), or just below the first push that came
// first; one first heard of by a push while the list is known, just below that push; one
// first seen in the list read after a reconnect, its last message from before the session
// began (found by time), since everything after it was sent while the client was away.
//
// The SDK follows conversations from the first one-to-one call, push or event handler of
// the instance on (`activate`), so a live-room-only client never reads the list.

/** @import { Client } from './client.js' */
/** @import { Message } from './message.js' */
import { Fields } from './fields.js';
import { decodeOrThrow } from './requests.js';
import { decodeC2CMessage, peerOfMessage } from './c2c-message.js';

/** Messages per `get_c2c_messages` page (the protocol's maximum). */
const CATCH_UP_PAGE = 100;

/** `seq` before the conversation's starting point is known. */
const UNKNOWN = -1;

/** How long after a failed list read (on a live connection) it is tried again, ms. */
const SYNC_RETRY_MS = 2000;

/** Seconds of clock difference tolerated when telling messages from before the session. */
const CLOCK_SLACK_SECS = 2;

/** One conversation's delivery state. */
class ConversationSync {
  constructor() {
    /** the highest `sequence` the application has (UNKNOWN: not decided yet) */
    this.seq = UNKNOWN;
    /** @type {Map<number, {message: Message, unread: number|undefined} | 'own'>} numbers above `seq` already here: pushes waiting for a gap to fill, or the application's own sends */
    this.ahead = new Map();
    /** a catch-up is running */
    this.catching = false;
    /** run the catch-up once more when it ends */
    this.again = false;
    /** Unix seconds: find the starting point by time first (a conversation new after a reconnect); 0 none */
    this.horizon = 0;
    /** @type {Array<{seq: number, run: () => void}>} events about messages not delivered yet */
    this.after = [];
  }

  /** The lowest number waiting, or Infinity. */
  lowestAhead() {
    let low = Infinity;
    for (const k of this.ahead.keys()) low = Math.min(low, k);
    return low;
  }
}

export class C2CSync {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private @type {Map<string, ConversationSync>} by the other user's ID */
    this.convs = new Map();
    /** whether the instance follows one-to-one conversations (see the top of this file) */
    this.active = false;
    /** @private the list has not been read since the session began or the connection dropped */
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
  }

  /** The application uses one-to-one chat: follow the conversations from now on. */
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
    this.convs.clear();
    this.syncing = true;
    this.synced = false;
    this.startedAt = 0;
  }

  /**
   * A `c2c` push.
   * @param {Message} message
   * @param {number|undefined} unread
   */
  onPush(message, unread) {
    this.activate();
    this.clockOffset = message.time - Math.floor(Date.now() / 1000);
    if (message.sequence === 0) {
      this.deliver(message, unread); // online only: not numbered
      return;
    }
    this.arrived(peerOfMessage(message, this.client.session.userID()), message.sequence, { message, unread });
  }

  /**
   * The application's own send was acknowledged: it has the message already.
   * @param {Message} message
   */
  acknowledged(message) {
    if (message.sequence === 0) return;
    this.client.conversations.noteMessage(message);
    this.arrived(message.to, message.sequence, 'own');
  }

  /**
   * @private
   * @param {string} userID
   * @param {number} seq
   * @param {{message: Message, unread: number|undefined} | 'own'} entry
   */
  arrived(userID, seq, entry) {
    let st = this.convs.get(userID);
    if (st === undefined) {
      st = new ConversationSync();
      this.convs.set(userID, st);
      // Heard of first while the list is known: what came before is history.
      if (!this.syncing) st.seq = seq - 1;
    }
    if (st.seq !== UNKNOWN && seq <= st.seq) {
      this.client.log.debug(`dropped a repeated message ${userID}#${seq}`);
      return;
    }
    st.ahead.set(seq, entry);
    if (st.seq === UNKNOWN || st.catching) return;
    this.drain(st, false);
    if (st.ahead.size > 0) this.catchUp(userID, st);
  }

  /**
   * Runs `run` (an event about message `seq`) once that message was delivered, so the event
   * never comes before it.
   * @param {string} userID
   * @param {number} seq
   * @param {() => void} run
   */
  whenDelivered(userID, seq, run) {
    const st = this.convs.get(userID);
    if (st === undefined || this.settled(st) || (st.seq !== UNKNOWN && seq <= st.seq)) run();
    else st.after.push({ seq, run });
  }

  /**
   * Whether nothing of the conversation waits: its events need not either.
   * @private
   * @param {ConversationSync} st
   */
  settled(st) {
    return st.seq !== UNKNOWN && !st.catching && st.ahead.size === 0;
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
    try {
      found = await this.client.conversations.load();
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
    const listed = new Set();
    // The least recent first: what they deliver comes in about the order it was sent.
    for (const c of found.slice().reverse()) {
      listed.add(c.userID);
      const st = this.convs.get(c.userID) || new ConversationSync();
      this.convs.set(c.userID, st);
      if (st.seq === UNKNOWN) {
        if (first) st.seq = Math.min(c.lastSequence, st.lowestAhead() - 1);
        else st.horizon = horizon;
      }
      if (st.seq === UNKNOWN || c.lastSequence > st.seq || st.ahead.size > 0) this.catchUp(c.userID, st);
      else this.runAfter(st);
    }
    for (const [userID, st] of Array.from(this.convs)) {
      if (listed.has(userID) || st.seq !== UNKNOWN) continue;
      if (st.ahead.size === 0) {
        // Only events waited here: the conversation is not known after all.
        this.convs.delete(userID);
        for (const a of st.after.splice(0)) a.run();
        continue;
      }
      // Not on the list yet: it began after the read, with the first push.
      st.seq = st.lowestAhead() - 1;
      this.drain(st, false);
      if (st.ahead.size > 0) this.catchUp(userID, st);
    }
  }

  /**
   * Asks for everything after `seq` and delivers it with what waits, in order.
   * @private
   * @param {string} userID
   * @param {ConversationSync} st
   */
  async catchUp(userID, st) {
    if (st.catching) {
      st.again = true;
      return;
    }
    st.catching = true;
    const session = this.client.session;
    const epoch = session.epoch;
    try {
      if (st.seq === UNKNOWN) st.seq = await this.lastBefore(userID, st.horizon);
      st.horizon = 0;
      do {
        st.again = false;
        for (;;) {
          if (epoch !== session.epoch) return;
          const page = await this.page(userID, { AfterSeq: st.seq });
          if (epoch !== session.epoch) return;
          for (const m of page.messages) this.accept(st, m);
          if (page.complete || page.messages.length === 0) break;
        }
        this.drain(st, true);
      } while (st.again);
    } catch (err) {
      // The connection dropped, or the server failed: the next reconnect (or gap) tries again.
      if (epoch === session.epoch) this.client.log.warn(`catching up with ${userID} failed`, err);
    } finally {
      if (epoch === session.epoch) {
        st.catching = false;
        this.runAfter(st);
      }
    }
  }

  /**
   * The number of the last message of a conversation sent before `horizon`, or 0.
   * @private
   * @param {string} userID
   * @param {number} horizon Unix seconds
   */
  async lastBefore(userID, horizon) {
    /** @type {Record<string, number>} */
    let where = {};
    for (;;) {
      const page = await this.page(userID, where);
      for (const m of page.messages) if (m.time < horizon) return m.sequence;
      if (page.complete || page.messages.length === 0) return 0;
      where = { BeforeSeq: page.messages[page.messages.length - 1].sequence };
    }
  }

  /**
   * @private
   * @param {string} userID
   * @param {Record<string, number>} where `AfterSeq` (oldest first) or `BeforeSeq` (newest first)
   * @returns {Promise<{messages: Message[], complete: boolean}>}
   */
  async page(userID, where) {
    const me = this.client.session.userID();
    const reply = await this.client.requests.request({
      op: 'get_c2c_messages',
      Peer_Account: userID,
      Count: CATCH_UP_PAGE,
      ...where,
    });
    return decodeOrThrow(() => ({
      messages: reply
        .arr('Messages')
        .map((m, i) => decodeC2CMessage(new Fields(m, `get_c2c_messages.Messages[${i}]`), me)),
      complete: reply.optBool('Complete'),
    }));
  }

  /**
   * A message of a catch-up page.
   * @private
   * @param {ConversationSync} st
   * @param {Message} m
   */
  accept(st, m) {
    if (m.sequence <= st.seq) return;
    // Pushed but not listed (its history was cleared meanwhile): it still goes first.
    for (const k of Array.from(st.ahead.keys()).sort((a, b) => a - b)) {
      if (k >= m.sequence) break;
      this.take(st, k);
    }
    const held = st.ahead.get(m.sequence);
    st.ahead.delete(m.sequence);
    st.seq = m.sequence;
    if (held === 'own' || this.client.c2c.isOutgoing(m)) return; // the application has it
    // The push carried the sender's profile and the unread count: prefer it.
    if (held !== undefined) this.deliver(held.message, held.unread);
    else this.deliver(m, undefined);
  }

  /**
   * Delivers what waits in order: while the numbers follow on, or (`all`, after a complete
   * catch-up) everything.
   * @private
   * @param {ConversationSync} st
   * @param {boolean} all
   */
  drain(st, all) {
    for (const k of Array.from(st.ahead.keys()).sort((a, b) => a - b)) {
      if (k <= st.seq) {
        st.ahead.delete(k);
        continue;
      }
      if (!all && k !== st.seq + 1) break;
      this.take(st, k);
    }
    this.runAfter(st);
  }

  /**
   * @private
   * @param {ConversationSync} st
   * @param {number} k
   */
  take(st, k) {
    const entry = st.ahead.get(k);
    st.ahead.delete(k);
    st.seq = Math.max(st.seq, k);
    if (entry !== undefined && entry !== 'own') this.deliver(entry.message, entry.unread);
  }

  /**
   * Runs the events whose message was delivered (all of them once nothing waits).
   * @private
   * @param {ConversationSync} st
   */
  runAfter(st) {
    if (st.after.length === 0) return;
    const all = this.settled(st);
    const keep = [];
    for (const a of st.after.splice(0)) {
      if (all || a.seq <= st.seq) a.run();
      else keep.push(a);
    }
    st.after = keep;
  }

  /**
   * @private
   * @param {Message} message
   * @param {number|undefined} unread
   */
  deliver(message, unread) {
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
