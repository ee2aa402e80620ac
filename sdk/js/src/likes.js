// Likes: taps within `likeMergeWindow` merged into one request of at most 100.

/** @import { Client } from './client.js' */
/** @import { Response } from './session.js' */
import { isCount, requireID } from './checks.js';
import { invalid, LiveRoomError } from './errors.js';

/** The largest `Count` of one `like` request. */
const MAX_LIKE_COUNT = 100;

/** Likes waiting to go out as one request. */
class LikeBatch {
  constructor() {
    this.count = 0;
    /** @type {Array<{resolve: (r: Response<{added: number, count: number}>) => void, reject: (e: LiveRoomError) => void}>} */
    this.waiters = [];
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
  }
}

export class Likes {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private @type {Map<string, LikeBatch>} */
    this.batches = new Map();
    /** @private @type {Map<string, number>} when the last like request of a room went out (ms) */
    this.lastLikeAt = new Map();
  }

  /**
   * `Chat#like`
   * @param {string} groupID
   * @param {number} count
   * @returns {Promise<Response<{added: number, count: number}>>}
   */
  like(groupID, count) {
    try {
      this.client.session.assertAlive();
      requireID(groupID, 'groupID');
      if (!isCount(count) || count < 1 || count > MAX_LIKE_COUNT) throw invalid(`count must be 1 to ${MAX_LIKE_COUNT}`);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      let batch = this.batches.get(groupID);
      if (batch && batch.count + count > MAX_LIKE_COUNT) {
        this.flush(groupID);
        batch = undefined;
      }
      if (batch === undefined) {
        batch = new LikeBatch();
        this.batches.set(groupID, batch);
      }
      batch.count += count;
      batch.waiters.push({ resolve, reject });
      if (batch.count === MAX_LIKE_COUNT) {
        this.flush(groupID);
      } else if (batch.timer === null) {
        // The first tap after a quiet window goes at once; later ones wait for the window's end.
        const wait = (this.lastLikeAt.get(groupID) || 0) + this.client.o.likeMergeWindow - Date.now();
        if (wait <= 0) this.flush(groupID);
        else batch.timer = setTimeout(() => this.flush(groupID), wait);
      }
    });
  }

  /**
   * @private
   * @param {string} groupID
   */
  flush(groupID) {
    const batch = this.batches.get(groupID);
    if (batch === undefined) return;
    this.batches.delete(groupID);
    if (batch.timer !== null) clearTimeout(batch.timer);
    this.lastLikeAt.set(groupID, Date.now());
    const count = batch.count;
    this.client.requests.request({ op: 'like', GroupId: groupID, Count: count }).then(
      (reply) => {
        /** @type {Response<{added: number, count: number}>} */
        const response = { code: 0, data: { added: reply.optNum('Added'), count } };
        for (const w of batch.waiters) w.resolve(response);
      },
      (err) => {
        for (const w of batch.waiters) w.reject(err);
      },
    );
  }

  /**
   * The room was left: its next tap goes at once.
   * @param {string} groupID
   */
  forgetRoom(groupID) {
    this.lastLikeAt.delete(groupID);
  }

  /**
   * The session is over: taps not sent yet fail.
   * @param {number} code
   * @param {string} why
   */
  reset(code, why) {
    for (const batch of this.batches.values()) {
      if (batch.timer !== null) clearTimeout(batch.timer);
      for (const w of batch.waiters) w.reject(new LiveRoomError(code, why, { op: 'like' }));
    }
    this.batches.clear();
    this.lastLikeAt.clear();
  }
}
