// Numbered threads reach the application exactly once and in order: a one-to-one
// conversation, or a group that keeps its messages. One `ThreadSync` keeps the threads of
// one kind; chat-sync.js reads the conversation list and tells it where each thread stands.
//
// Per thread the SDK keeps `seq`, the highest number handed to the application (delivered,
// or the application's own acknowledged send). A push numbered `seq + 1` is delivered at
// once; one that skips numbers waits (`ahead`) while the SDK asks for what it lacks (a page
// after `seq`, page after page until complete), then everything is delivered in order, each
// number once. Pushes that arrive meanwhile join `ahead`, so none is delivered twice or out
// of order.
//
// A thread's starting point: at the first list read of a session, its last number (what
// came before is history), or just below the first push that came first; one first heard of
// by a push while the list is known, just below that push; one first seen in the list read
// after a reconnect, its last message from before the session began (found by time), since
// everything after it was sent while the client was away.

/** @import { Client } from './client.js' */
/** @import { Message } from './message.js' */
import { Fields } from './fields.js';
import { decodeOrThrow } from './requests.js';

/** `seq` before the thread's starting point is known. */
const UNKNOWN = -1;

/** Messages per catch-up page (the protocol's maximum). */
const PAGE = 100;

/**
 * One thread's delivery state.
 * @template E
 */
class Thread {
  constructor() {
    /** the highest number the application has (UNKNOWN: not decided yet) */
    this.seq = UNKNOWN;
    /** @type {Map<number, E | 'own'>} numbers above `seq` already here: pushes waiting for a gap to fill, or the application's own sends */
    this.ahead = new Map();
    /** a catch-up is running */
    this.catching = false;
    /** run the catch-up once more when it ends */
    this.again = false;
    /** Unix seconds: find the starting point by time first (a thread new after a reconnect); 0 none */
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

/**
 * The threads of one kind; `E` is what a push leaves waiting.
 * @template E
 */
export class ThreadSync {
  /**
   * What differs between the kinds of threads (`kind`): `name` for logs; `request`, the
   * history request of a thread (`get_c2c_messages`, `get_group_messages`) without its
   * place and count, and `decode`, an entry of its `Messages` (of the thread `key`); `deliver` hands a push that
   * waited over, `deliverFetched` a message of a page; `isOwnPending`, one of this client's
   * sends still awaiting its reply (the reply reports it).
   * @param {Client} client
   * @param {{syncing: boolean}} list whether the conversation list is being read (a new thread's start waits for it)
   * @param {{name: string, request: (key: string) => Record<string, unknown>, decode: (entry: Fields, key: string) => Message, deliver: (entry: E) => void, deliverFetched: (message: Message) => void, isOwnPending: (message: Message) => boolean}} kind
   */
  constructor(client, list, kind) {
    /** @private */
    this.client = client;
    /** @private */
    this.list = list;
    /** @private */
    this.kind = kind;
    /** @private @type {Map<string, Thread<E>>} */
    this.threads = new Map();
  }

  /**
   * Whether the thread is followed.
   * @param {string} key
   */
  has(key) {
    return this.threads.has(key);
  }

  /**
   * Stops following a thread (the user left the group); what waited for it is dropped.
   * @param {string} key
   */
  forget(key) {
    const st = this.threads.get(key);
    if (st === undefined) return;
    this.threads.delete(key);
    for (const a of st.after.splice(0)) a.run();
  }

  /** The session is over. */
  reset() {
    this.threads.clear();
  }

  /**
   * A numbered message arrived: a push (`entry`), or the application's own send (`'own'`).
   * @param {string} key
   * @param {number} seq
   * @param {E | 'own'} entry
   */
  arrived(key, seq, entry) {
    let st = this.threads.get(key);
    if (st === undefined) {
      st = new Thread();
      this.threads.set(key, st);
      // Heard of first while the list is known: what came before is history.
      if (!this.list.syncing) st.seq = seq - 1;
    }
    if (st.seq !== UNKNOWN && seq <= st.seq) {
      this.client.log.debug(`dropped a repeated message ${this.kind.name} ${key}#${seq}`);
      return;
    }
    st.ahead.set(seq, entry);
    if (st.seq === UNKNOWN || st.catching) return;
    this.drain(st, false);
    if (st.ahead.size > 0) this.catchUp(key, st);
  }

  /**
   * Runs `run` (an event about message `seq`) once that message was delivered, so the event
   * never comes before it.
   * @param {string} key
   * @param {number} seq
   * @param {() => void} run
   */
  whenDelivered(key, seq, run) {
    const st = this.threads.get(key);
    if (st === undefined || this.settled(st) || (st.seq !== UNKNOWN && seq <= st.seq)) run();
    else st.after.push({ seq, run });
  }

  /**
   * The list read says the thread's last number is `last`: catches up when it is behind.
   * @param {string} key
   * @param {number} last
   * @param {boolean} first the session's first list read
   * @param {number} horizon Unix seconds the session began (by the server's clock)
   */
  listed(key, last, first, horizon) {
    const st = this.threads.get(key) || new Thread();
    this.threads.set(key, st);
    if (st.seq === UNKNOWN) {
      if (first) st.seq = Math.min(last, st.lowestAhead() - 1);
      else st.horizon = horizon;
    }
    if (st.seq === UNKNOWN || last > st.seq || st.ahead.size > 0) this.catchUp(key, st);
    else this.runAfter(st);
  }

  /**
   * After a list read: the threads it did not list. Those heard of only by pushes began
   * after the read and start with their first push; of the others, those `gone` says are
   * no more (a group the user left) are forgotten once nothing of them waits.
   * @param {Set<string>} listed
   * @param {(key: string) => boolean} gone
   */
  unlisted(listed, gone) {
    for (const [key, st] of Array.from(this.threads)) {
      if (listed.has(key)) continue;
      if (st.seq !== UNKNOWN) {
        if (this.settled(st) && gone(key)) this.forget(key);
        continue;
      }
      if (st.ahead.size === 0) {
        // Only events waited here: the thread is not known after all.
        this.forget(key);
        continue;
      }
      // Not on the list yet: it began after the read, with the first push.
      st.seq = st.lowestAhead() - 1;
      this.drain(st, false);
      if (st.ahead.size > 0) this.catchUp(key, st);
    }
  }

  /**
   * Whether nothing of the thread waits: its events need not either.
   * @private
   * @param {Thread<E>} st
   */
  settled(st) {
    return st.seq !== UNKNOWN && !st.catching && st.ahead.size === 0;
  }

  /**
   * Asks for everything after `seq` and delivers it with what waits, in order.
   * @private
   * @param {string} key
   * @param {Thread<E>} st
   */
  async catchUp(key, st) {
    if (st.catching) {
      st.again = true;
      return;
    }
    st.catching = true;
    const session = this.client.session;
    const epoch = session.epoch;
    try {
      if (st.seq === UNKNOWN) st.seq = await this.lastBefore(key, st.horizon);
      st.horizon = 0;
      do {
        st.again = false;
        for (;;) {
          if (epoch !== session.epoch || this.threads.get(key) !== st) return;
          const page = await this.page(key, { AfterSeq: st.seq });
          if (epoch !== session.epoch || this.threads.get(key) !== st) return;
          for (const m of page.messages) this.accept(st, m);
          if (page.complete || page.messages.length === 0) break;
        }
        this.drain(st, true);
      } while (st.again);
    } catch (err) {
      // The connection dropped, or the server failed: the next reconnect (or gap) tries again.
      if (epoch === session.epoch) this.client.log.warn(`catching up with ${this.kind.name} ${key} failed`, err);
    } finally {
      if (epoch === session.epoch) {
        st.catching = false;
        this.runAfter(st);
      }
    }
  }

  /**
   * The number of the last message of a thread sent before `horizon`, or 0.
   * @private
   * @param {string} key
   * @param {number} horizon Unix seconds
   */
  async lastBefore(key, horizon) {
    /** @type {Record<string, number>} */
    let where = {};
    for (;;) {
      const page = await this.page(key, where);
      for (const m of page.messages) if (m.time < horizon) return m.sequence;
      if (page.complete || page.messages.length === 0) return 0;
      where = { BeforeSeq: page.messages[page.messages.length - 1].sequence };
    }
  }

  /**
   * A page of a thread's history: `AfterSeq` oldest first, `BeforeSeq` (absent: from the
   * newest) newest first.
   * @private
   * @param {string} key
   * @param {Record<string, number>} where
   * @returns {Promise<{messages: Message[], complete: boolean}>}
   */
  async page(key, where) {
    /** @type {Record<string, unknown>} */
    const frame = { ...this.kind.request(key), Count: PAGE, ...where };
    const reply = await this.client.requests.request(frame);
    const op = String(frame.op);
    return decodeOrThrow(() => ({
      messages: reply.arr('Messages').map((m, i) => this.kind.decode(new Fields(m, `${op}.Messages[${i}]`), key)),
      complete: reply.optBool('Complete'),
    }));
  }

  /**
   * A message of a catch-up page.
   * @private
   * @param {Thread<E>} st
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
    if (held === 'own' || this.kind.isOwnPending(m)) return; // the application has it
    // The push carried more (the sender's level, one-to-one unread counts): prefer it.
    if (held !== undefined) this.kind.deliver(held);
    else this.kind.deliverFetched(m);
  }

  /**
   * Delivers what waits in order: while the numbers follow on, or (`all`, after a complete
   * catch-up) everything.
   * @private
   * @param {Thread<E>} st
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
   * @param {Thread<E>} st
   * @param {number} k
   */
  take(st, k) {
    const entry = st.ahead.get(k);
    st.ahead.delete(k);
    st.seq = Math.max(st.seq, k);
    if (entry !== undefined && entry !== 'own') this.kind.deliver(entry);
  }

  /**
   * Runs the events whose message was delivered (all of them once nothing waits).
   * @private
   * @param {Thread<E>} st
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
}
