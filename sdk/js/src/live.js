// A live room's own requests (owner, admins, App admins): its live state, the pinned item,
// lucky draws, the room's profile and its audience statistics; how a draw reads.

/** @import { Client } from './client.js' */
/** @import { Fields } from './fields.js' */
/** @import { LiveStateName } from './constants.js' */
/** @import { LiveState, PinnedItem } from './room.js' */
/** @import { Response } from './session.js' */
import { isCount, isObject, requireCount, requireID } from './checks.js';
import { LIVE_STATES } from './constants.js';
import { FrameError, invalid } from './errors.js';
import { decodeOrThrow } from './requests.js';
import { decodeLiveState } from './room.js';

/**
 * @typedef {Object} DrawInfo
 * @property {string} drawID
 * @property {string} keyword
 * @property {number} duration seconds
 * @property {number} winners how many will be drawn
 */

/**
 * @typedef {Object} DrawResult
 * @property {string} drawID
 * @property {string} keyword
 * @property {string} startedBy
 * @property {number} startTime
 * @property {number} endTime
 * @property {number} entrants
 * @property {string} seed the shuffle's seed as decimal text (it exceeds JavaScript's safe integers)
 * @property {string} entrantsHash SHA-256 (hex) of the sorted entrants joined by newlines
 * @property {string[]} winners
 */

/**
 * @param {Fields} f a lucky draw's `Draw` when it starts
 * @returns {DrawInfo}
 */
export function decodeDrawInfo(f) {
  return {
    drawID: f.str('DrawId'),
    keyword: f.str('Keyword'),
    duration: f.num('Duration'),
    winners: f.optNum('Winners', 1),
  };
}

/**
 * @param {Fields} f a lucky draw's `Draw` when it ends
 * @returns {DrawResult}
 */
export function decodeDrawResult(f) {
  const seed = f.o.Seed;
  if (typeof seed !== 'string' && typeof seed !== 'number') throw f.bad('Seed', 'a number');
  return {
    drawID: f.str('DrawId'),
    keyword: f.str('Keyword'),
    startedBy: f.optStr('StartedBy'),
    startTime: f.num('StartTime'),
    endTime: f.num('EndTime'),
    entrants: f.num('Entrants'),
    seed: String(seed),
    entrantsHash: f.optStr('EntrantsHash'),
    winners: f.arr('Winners').map((w, i) => {
      if (typeof w !== 'string') throw new FrameError(`${f.where}.Winners[${i}] is not a string`);
      return w;
    }),
  };
}

export class Live {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
  }

  /**
   * `Chat#setLiveState`
   * @param {string} groupID
   * @param {LiveStateName} state
   * @param {{newSession?: boolean}} options
   * @returns {Promise<Response<{liveState: LiveState}>>}
   */
  async setLiveState(groupID, state, options) {
    requireID(groupID, 'groupID');
    if (typeof state !== 'string' || !LIVE_STATES.has(state)) throw invalid('state must be one of TYPES.LIVE_STATE_*');
    /** @type {Record<string, unknown>} */
    const frame = { op: 'set_live_state', GroupId: groupID, State: state };
    if (isObject(options) && options.newSession === true) frame.NewSession = true;
    const reply = await this.client.requests.request(frame);
    const liveState = decodeOrThrow(() => decodeLiveState(reply.o.LiveState, 'reply.LiveState'));
    return { code: 0, data: { liveState } };
  }

  /**
   * `Chat#pinItem`
   * @param {string} groupID
   * @param {PinnedItem} item
   * @returns {Promise<Response<{}>>}
   */
  async pinItem(groupID, item) {
    requireID(groupID, 'groupID');
    if (!isObject(item)) throw invalid('item must be an object with ItemId and Title');
    await this.client.requests.request({ op: 'pin_item', GroupId: groupID, Item: item });
    return { code: 0, data: {} };
  }

  /**
   * `Chat#unpinItem`
   * @param {string} groupID
   * @returns {Promise<Response<{}>>}
   */
  async unpinItem(groupID) {
    requireID(groupID, 'groupID');
    await this.client.requests.request({ op: 'unpin_item', GroupId: groupID });
    return { code: 0, data: {} };
  }

  /**
   * `Chat#startDraw`
   * @param {string} groupID
   * @param {{keyword: string, duration: number, winners?: number}} options
   * @returns {Promise<Response<{drawID: string}>>}
   */
  async startDraw(groupID, options) {
    requireID(groupID, 'groupID');
    if (!isObject(options)) throw invalid('startDraw needs {keyword, duration}');
    /** @type {Record<string, unknown>} */
    const frame = {
      op: 'start_draw',
      GroupId: groupID,
      Keyword: requireID(options.keyword, 'keyword'),
      Duration: requireCount(options.duration, 'duration'),
    };
    if (options.winners !== undefined) frame.Winners = requireCount(options.winners, 'winners');
    const reply = await this.client.requests.request(frame);
    return { code: 0, data: { drawID: decodeOrThrow(() => reply.str('DrawId')) } };
  }

  /**
   * `Chat#modifyGroup`
   * @param {string} groupID
   * @param {{name?: string, introduction?: string, notification?: string, faceURL?: string, custom?: Record<string, string>}} changes
   * @returns {Promise<Response<{}>>}
   */
  async modifyGroup(groupID, changes) {
    requireID(groupID, 'groupID');
    if (!isObject(changes)) throw invalid('modifyGroup needs an object of changes');
    /** @type {Record<string, unknown>} */
    const frame = { op: 'modify_group', GroupId: groupID };
    /** @type {Array<[string, string | undefined, string]>} */
    const fields = [
      ['name', changes.name, 'Name'],
      ['introduction', changes.introduction, 'Introduction'],
      ['notification', changes.notification, 'Notification'],
      ['faceURL', changes.faceURL, 'FaceUrl'],
    ];
    for (const [key, v, wire] of fields) {
      if (v === undefined) continue;
      if (typeof v !== 'string') throw invalid(`${key} must be a string`);
      frame[wire] = v;
    }
    if (changes.custom !== undefined) {
      if (!isObject(changes.custom)) throw invalid('custom must be an object of strings');
      const items = [];
      for (const [Key, Value] of Object.entries(changes.custom)) {
        if (typeof Value !== 'string') throw invalid(`custom.${Key} must be a string`);
        items.push({ Key, Value });
      }
      frame.AppDefinedData = items;
    }
    await this.client.requests.request(frame);
    return { code: 0, data: {} };
  }

  /**
   * `Chat#getRoomStats`
   * @param {string} groupID
   * @param {{session?: number, orderBy?: 'GiftValue'|'Gifts'|'Messages'|'Likes'|'OnlineTime', top?: number}} options
   * @returns {Promise<Response<Record<string, any>>>}
   */
  async getRoomStats(groupID, options) {
    requireID(groupID, 'groupID');
    if (!isObject(options)) throw invalid('options must be an object');
    /** @type {Record<string, unknown>} */
    const frame = { op: 'room_stats', GroupId: groupID };
    if (options.session !== undefined) frame.Session = requireCount(options.session, 'session');
    if (options.top !== undefined) {
      if (!isCount(options.top) || options.top > 100) throw invalid('top must be 0 to 100');
      frame.Top = options.top;
    }
    if (options.orderBy !== undefined) frame.OrderBy = requireID(options.orderBy, 'orderBy');
    const reply = await this.client.requests.request(frame);
    /** @type {Record<string, any>} */
    const data = {};
    for (const [k, v] of Object.entries(reply.o)) {
      if (k !== 'op' && k !== 'id' && k !== 'ErrorCode' && k !== 'ErrorInfo') data[k] = v;
    }
    return { code: 0, data };
  }
}
