// The room as the host page sees it: one state object fed by the join reply and the SDK's
// events, with subscribers that re-render the panels.
import LiveRoom from '../../../sdk/js/liveroom.js';

const EV = LiveRoom.EVENT;

/**
 * @typedef {Object} RoomState
 * @property {string} groupID
 * @property {string} name
 * @property {string} ownerID
 * @property {string} role this user's role when joining ('Owner' also for App admins)
 * @property {boolean} joined
 * @property {{state: string, session: number, since: number}|null} liveState
 * @property {number} memberCount
 * @property {number|null} likes the room's like total (null until known)
 * @property {string} notification
 * @property {string} streamUrl the custom field StreamUrl
 * @property {boolean} muteAll
 * @property {Record<string, unknown>|null} pinnedItem
 * @property {{drawID: string, keyword: string, duration: number, winners: number, endsAt: number}|null} draw a running draw
 * @property {{drawID: string, keyword: string, winners: string[], entrants: number, seed: string}|null} drawResult the last one
 * @property {string} net connected / connecting / disconnected
 */

/**
 * @param {any} chat the SDK instance
 * @param {string} groupID
 */
export function createRoomState(chat, groupID) {
  /** @type {RoomState} */
  let state = {
    groupID, name: '', ownerID: '', role: '', joined: false, liveState: null, memberCount: 0, likes: null,
    notification: '', streamUrl: '', muteAll: false, pinnedItem: null, draw: null, drawResult: null, net: 'connected',
  };
  /** @type {Set<(s: RoomState) => void>} */
  const subs = new Set();

  /** @param {Partial<RoomState>} patch */
  function set(patch) {
    state = { ...state, ...patch };
    for (const fn of subs) fn(state);
  }

  /** @param {{data: any}} ev */
  const mine = (ev) => ev.data && ev.data.groupID === groupID;

  /** @type {Array<[string, (ev: {data: any}) => void]>} */
  const handlers = [
    [EV.LIVE_STATE_CHANGED, (ev) => mine(ev) && set({ liveState: ev.data.liveState })],
    [EV.ONLINE_COUNT_UPDATED, (ev) => mine(ev) && set({ memberCount: ev.data.memberCount })],
    [EV.LIKES_UPDATED, (ev) => mine(ev) && set({ likes: ev.data.total })],
    [EV.ITEM_PINNED, (ev) => mine(ev) && set({ pinnedItem: ev.data.item })],
    [EV.GROUP_PROFILE_UPDATED, (ev) => {
      if (!mine(ev)) return;
      const c = ev.data.changes || {};
      /** @type {Partial<RoomState>} */
      const patch = {};
      if (typeof c.name === 'string') patch.name = c.name;
      if (typeof c.notification === 'string') patch.notification = c.notification;
      if (typeof c.muteAllMembers === 'boolean') patch.muteAll = c.muteAllMembers;
      if (c.customFields && typeof c.customFields.StreamUrl === 'string') patch.streamUrl = c.customFields.StreamUrl;
      if (c.customFields && typeof c.customFields.Likes === 'string' && /^\d+$/.test(c.customFields.Likes)) patch.likes = Number(c.customFields.Likes);
      set(patch);
    }],
    [EV.MUTED, (ev) => mine(ev) && set({ muteAll: ev.data.muteAll })],
    [EV.DRAW_STARTED, (ev) => {
      if (!mine(ev)) return;
      const d = ev.data.draw;
      set({ draw: { ...d, endsAt: Date.now() + d.duration * 1000 } });
    }],
    [EV.DRAW_RESULT, (ev) => mine(ev) && set({ draw: null, drawResult: ev.data.result })],
    [EV.NET_STATE_CHANGE, (ev) => set({ net: ev.data.state })],
  ];
  for (const [name, fn] of handlers) chat.on(name, fn);

  return {
    get: () => state,
    set,
    /**
     * Calls `fn` now and on every change.
     * @param {(s: RoomState) => void} fn
     */
    subscribe(fn) {
      subs.add(fn);
      fn(state);
      return () => subs.delete(fn);
    },
    /**
     * Takes in a join reply.
     * @param {any} joined the SDK's JoinResult
     */
    applyJoin(joined) {
      if (!joined || joined.groupID !== groupID) return;
      const g = joined.group || {};
      const custom = g.customFields || {};
      set({
        joined: true,
        name: g.name || '',
        ownerID: g.ownerID || '',
        role: joined.role || '',
        liveState: joined.liveState,
        memberCount: joined.memberCount,
        notification: g.notification || '',
        streamUrl: custom.StreamUrl || '',
        muteAll: Boolean(g.muteAllMembers),
        pinnedItem: joined.pinnedItem,
        likes: /^\d+$/.test(custom.Likes || '') ? Number(custom.Likes) : state.likes,
      });
    },
    destroy() {
      for (const [name, fn] of handlers) chat.off(name, fn);
      subs.clear();
    },
  };
}

/** @typedef {ReturnType<typeof createRoomState>} Room */
