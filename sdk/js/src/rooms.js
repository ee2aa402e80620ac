// The rooms this session is in: joining, quitting and rejoining after a reconnect, the tips
// and system notices that change a room (profile, live state, pinned item, admins, mutes,
// bans), and this user's mute state in each (the MUTED event). A `join` of a group that
// keeps its members is answered here and handed to groups.js.

/** @import { Client } from './client.js' */
/** @import { LiveRoomError } from './errors.js' */
/** @import { Response } from './session.js' */
/** @import { Message, SystemNoticePayload, TipPayload } from './message.js' */
/** @import { GroupProfileChanges, JoinResult } from './room.js' */
import { isObject, requireID } from './checks.js';
import { EVENT, TYPES } from './constants.js';
import { Fields, parseJSON } from './fields.js';
import { decodeOrThrow } from './requests.js';
import {
  applyProfileChanges,
  decodeJoin,
  decodeLiveState,
  decodePinnedItem,
  diffProfiles,
  LIVE_STATE_KEY,
  PINNED_ITEM_KEY,
  RESERVED_KEYS,
  Room,
} from './room.js';
import { decodeElemPush } from './message.js';
import { decodeDrawInfo, decodeDrawResult } from './live.js';

/** The longest delay `setTimeout` honours (about 24.8 days). */
const MAX_TIMER_MS = 2147483647;

/** Server errors of a rejoin that are worth retrying with the whole reconnection. */
const TRANSIENT_SERVER_CODES = new Set([10002, 60018]);

/** Rooms left lately that are remembered, so their late pushes are still a room's. */
const LEFT_KEPT = 64;

export class Rooms {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private @type {Map<string, Room>} */
    this.rooms = new Map();
    /** @private distinguishes the IDs of tips and notices of the same second */
    this.pushSerial = 0;
    /** @private @type {Map<string, number>} `join` requests in flight, by group */
    this.joining = new Map();
    /** @private @type {Set<string>} rooms left lately, oldest first */
    this.left = new Set();
  }

  /** @param {string} groupID */
  get(groupID) {
    return this.rooms.get(groupID);
  }

  /**
   * Whether `groupID` is a live room this connection is joining, or left lately: its
   * pushes are a room's.
   * @param {string} groupID
   */
  wasLive(groupID) {
    return this.joining.has(groupID) || this.left.has(groupID);
  }

  /**
   * `Chat#joinGroup`
   * @param {{groupID: string}} options
   * @returns {Promise<Response<JoinResult>>}
   */
  async join(options) {
    const groupID = requireID(isObject(options) ? options.groupID : undefined, 'groupID');
    const session = this.client.session;
    const epoch = session.epoch;
    this.joining.set(groupID, (this.joining.get(groupID) || 0) + 1);
    let reply;
    try {
      reply = await this.client.requests.request({ op: 'join', GroupId: groupID });
    } finally {
      const n = (this.joining.get(groupID) || 1) - 1;
      if (n > 0) this.joining.set(groupID, n);
      else this.joining.delete(groupID);
    }
    const joined = decodeOrThrow(() => decodeJoin(reply));
    // A group that keeps its members: joined for good, or asked to join; never a room here.
    if (joined.group.type !== 'AVChatRoom') {
      const pending = reply.optBool('Pending');
      return { code: 0, data: epoch === session.epoch ? this.client.groups.joined(joined, pending) : joined };
    }
    if (epoch === session.epoch) this.enter(joined, false);
    return { code: 0, data: joined };
  }

  /**
   * `Chat#quitGroup`
   * @param {string} groupID
   * @returns {Promise<Response<{groupID: string}>>}
   */
  async quit(groupID) {
    requireID(groupID, 'groupID');
    this.forget(groupID);
    await this.client.requests.request({ op: 'quit', GroupId: groupID });
    return { code: 0, data: { groupID } };
  }

  /**
   * Joins every room again after a reconnect. The server replays the short history; the
   * sequence windows drop what was delivered before.
   * @param {number} epoch
   */
  async rejoinAll(epoch) {
    const { requests, session, inbox } = this.client;
    for (const groupID of Array.from(this.rooms.keys())) {
      let reply;
      try {
        reply = await requests.direct({ op: 'join', GroupId: groupID });
      } catch (err) {
        const e = /** @type {LiveRoomError} */ (err);
        if (e.code < 0 || TRANSIENT_SERVER_CODES.has(e.code) || epoch !== session.epoch) throw e;
        // The room is gone, or the user may no longer enter it: stop trying.
        this.forget(groupID);
        inbox.emitInOrder(EVENT.REMOVED_FROM_GROUP, {
          groupID,
          reason: 'rejoin_failed',
          operatorID: '',
          code: e.code,
          description: e.message,
        });
        continue;
      }
      if (epoch !== session.epoch) return;
      if (!this.rooms.has(groupID)) continue; // quit meanwhile
      this.enter(
        decodeOrThrow(() => decodeJoin(reply)),
        true,
      );
    }
  }

  /**
   * Records a joined room; on a rejoin, announces what changed while the client was away.
   * @private
   * @param {JoinResult} joined
   * @param {boolean} rejoin
   */
  enter(joined, rejoin) {
    // One room per connection: the server left these rooms for us.
    for (const left of joined.left) {
      if (left !== joined.groupID) this.forget(left);
    }
    const groupID = joined.groupID;
    const before = this.rooms.get(groupID);
    if (before && rejoin) {
      this.announceRejoin(before, joined);
      return;
    }
    const room = before || new Room(joined);
    this.left.delete(groupID);
    if (before) {
      room.profile = joined.group;
      room.liveState = joined.liveState;
      room.pinnedItem = joined.pinnedItem;
    }
    this.rooms.set(groupID, room);
    this.updateMute(groupID, (r) => r.setMute(joined.muteRemaining), { quietUnlessMuted: !before });
  }

  /**
   * @private
   * @param {Room} room
   * @param {JoinResult} joined
   */
  announceRejoin(room, joined) {
    const inbox = this.client.inbox;
    const groupID = joined.groupID;
    const changes = diffProfiles(room.profile, joined.group);
    room.profile = joined.group;
    if (Object.keys(changes).length > 0)
      inbox.emitInOrder(EVENT.GROUP_PROFILE_UPDATED, { groupID, operatorID: '', changes });
    if (joined.liveState && JSON.stringify(joined.liveState) !== JSON.stringify(room.liveState)) {
      room.liveState = joined.liveState;
      inbox.emitInOrder(EVENT.LIVE_STATE_CHANGED, { groupID, liveState: joined.liveState, operatorID: '' });
    }
    if (JSON.stringify(joined.pinnedItem) !== JSON.stringify(room.pinnedItem)) {
      room.pinnedItem = joined.pinnedItem;
      inbox.emitInOrder(EVENT.ITEM_PINNED, { groupID, item: joined.pinnedItem, operatorID: '' });
    }
    inbox.emitInOrder(EVENT.ONLINE_COUNT_UPDATED, { groupID, memberCount: joined.memberCount });
    this.updateMute(groupID, (r) => r.setMute(joined.muteRemaining));
  }

  /**
   * Forgets a room: no rejoin, no sequence window, no mute timer.
   * @param {string} groupID
   */
  forget(groupID) {
    const room = this.rooms.get(groupID);
    if (room && room.muteTimer !== null) clearTimeout(room.muteTimer);
    if (this.rooms.delete(groupID)) {
      this.left.delete(groupID);
      this.left.add(groupID);
      for (const oldest of this.left) {
        if (this.left.size <= LEFT_KEPT) break;
        this.left.delete(oldest);
      }
    }
    this.client.messages.forgetRoom(groupID);
    this.client.likes.forgetRoom(groupID);
  }

  /** Forgets every room: the session is over. */
  forgetAll() {
    for (const groupID of Array.from(this.rooms.keys())) this.forget(groupID);
    this.left.clear();
    this.joining.clear();
  }

  /**
   * Applies a change to this user's mute state in a room and emits MUTED when the state
   * (muted or not, mute-all, or the remaining time) changed.
   * @private
   * @param {string} groupID
   * @param {(room: Room) => void} change
   * @param {{quietUnlessMuted?: boolean}} [options] quietUnlessMuted: a first join announces a mute, not its absence
   */
  updateMute(groupID, change, options = {}) {
    const room = this.rooms.get(groupID);
    if (!room) return;
    change(room);
    this.armMuteTimer(groupID, room);
    const state = room.muteState(groupID, this.client.session.userID());
    const changed = room.noteMuteState(state);
    if (options.quietUnlessMuted ? state.muted : changed) this.client.inbox.emitInOrder(EVENT.MUTED, state);
  }

  /**
   * Announces the end of a timed mute when it comes.
   * @private
   * @param {string} groupID
   * @param {Room} room
   */
  armMuteTimer(groupID, room) {
    if (room.muteTimer !== null) clearTimeout(room.muteTimer);
    room.muteTimer = null;
    if (room.mutedUntil === 0 || room.mutedUntil === Infinity) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, room.mutedUntil - Date.now()));
    room.muteTimer = setTimeout(() => {
      room.muteTimer = null;
      if (this.rooms.get(groupID) !== room) return;
      if (Date.now() < room.mutedUntil) this.armMuteTimer(groupID, room);
      else this.updateMute(groupID, (r) => r.setMute(0));
    }, wait);
  }

  /**
   * A send refused with 10017: the user's own mute (with MuteRemaining), or mute-all.
   * @param {string} groupID
   * @param {unknown} muteRemaining
   */
  refusedAsMuted(groupID, muteRemaining) {
    this.updateMute(groupID, (room) => {
      if (typeof muteRemaining === 'number') room.setMute(muteRemaining);
      else room.profile = { ...room.profile, muteAllMembers: true };
    });
  }

  /**
   * A `tip` push.
   * @param {Fields} f
   */
  onTip(f) {
    const { message, content } = decodeElemPush(f, TYPES.MSG_GRP_TIP, ++this.pushSerial);
    this.client.inbox.deliver(message);
    this.applyTip(message, content);
  }

  /**
   * What a delivered tip changes in its room (or group): profile, live state, pinned item,
   * this user's mute and role.
   * @param {Message} message
   * @param {Fields} content the tip's `MsgContent`
   */
  applyTip(message, content) {
    const payload = /** @type {TipPayload} */ (message.payload);
    const groupID = message.to;
    const me = this.client.session.userID();
    const aboutMe = me !== '' && payload.userIDList.indexOf(me) >= 0;
    switch (payload.operationType) {
      case TYPES.GRP_TIP_GRP_PROFILE_UPDATED:
        this.onProfileTip(groupID, payload.operatorID, content);
        break;
      case TYPES.GRP_TIP_MBR_PROFILE_UPDATED: {
        const mine = payload.memberList.find((m) => m.userID === me);
        if (mine && mine.muteTime !== undefined)
          this.updateMute(groupID, (room) => room.setMute(/** @type {number} */ (mine.muteTime)));
        break;
      }
      case TYPES.GRP_TIP_MBR_SET_ADMIN:
      case TYPES.GRP_TIP_MBR_CANCELED_ADMIN:
        if (aboutMe) {
          const admin = payload.operationType === TYPES.GRP_TIP_MBR_SET_ADMIN;
          this.updateMute(groupID, (room) => {
            room.isAdmin = admin;
          });
        }
        break;
      default:
        break;
    }
  }

  /**
   * A GROUP_INFO_CHANGE tip: live state, pinned item, mute-all and plain profile fields.
   * @private
   * @param {string} groupID
   * @param {string} operatorID
   * @param {Fields} content
   */
  onProfileTip(groupID, operatorID, content) {
    const room = this.rooms.get(groupID);
    /** @type {GroupProfileChanges} */
    const changes = {};
    content.optArr('GroupInfoChange').forEach((raw, i) => {
      const ch = new Fields(raw, `${content.where}.GroupInfoChange[${i}]`);
      const value = ch.optStr('Value');
      switch (ch.num('Type')) {
        case 1:
          changes.name = value;
          break;
        case 2:
          changes.introduction = value;
          break;
        case 3:
          changes.notification = value;
          break;
        case 4:
          changes.avatar = value;
          break;
        case 5:
          changes.ownerID = value;
          break;
        case 8:
          changes.muteAllMembers = value === 'On';
          break;
        case 6:
          this.onCustomFieldChange(groupID, operatorID, ch, changes);
          break;
        default:
          break;
      }
    });
    if (room) room.profile = applyProfileChanges(room.profile, changes);
    if (changes.muteAllMembers !== undefined) this.updateMute(groupID, () => {});
    if (Object.keys(changes).length > 0)
      this.client.inbox.emitInOrder(EVENT.GROUP_PROFILE_UPDATED, { groupID, operatorID, changes });
  }

  /**
   * @private
   * @param {string} groupID
   * @param {string} operatorID
   * @param {Fields} ch one `GroupInfoChange` entry of type 6
   * @param {GroupProfileChanges} changes collects plain custom fields
   */
  onCustomFieldChange(groupID, operatorID, ch, changes) {
    const key = ch.str('Key');
    const value = ch.optStr('Value');
    const room = this.rooms.get(groupID);
    if (key === LIVE_STATE_KEY) {
      // The tip carries the parsed object beside the reference's string value.
      const liveState = decodeLiveState(
        ch.has(LIVE_STATE_KEY) ? ch.o[LIVE_STATE_KEY] : parseJSON(value, ch),
        `${ch.where}.LiveState`,
      );
      if (room) room.liveState = liveState;
      this.client.inbox.emitInOrder(EVENT.LIVE_STATE_CHANGED, { groupID, liveState, operatorID });
    } else if (key === PINNED_ITEM_KEY) {
      const raw = ch.has(PINNED_ITEM_KEY) || value === '' ? ch.o[PINNED_ITEM_KEY] : parseJSON(value, ch);
      const item = decodePinnedItem(raw, `${ch.where}.PinnedItem`);
      if (room) room.pinnedItem = item;
      this.client.inbox.emitInOrder(EVENT.ITEM_PINNED, { groupID, item, operatorID });
    } else if (!RESERVED_KEYS.has(key)) {
      changes.customFields = { ...changes.customFields, [key]: value };
    }
  }

  /**
   * A `system` push.
   * @param {Fields} f
   */
  onSystem(f) {
    const { message, content } = decodeElemPush(f, TYPES.MSG_GRP_SYS_NOTICE, ++this.pushSerial);
    const payload = /** @type {SystemNoticePayload} */ (message.payload);
    const groupID = message.to;
    const inbox = this.client.inbox;
    inbox.deliver(message);
    const operatorID = payload.operatorID;
    if (payload.operationType === TYPES.GRP_SYS_KICKED_OUT) {
      this.forget(groupID);
      inbox.emitInOrder(EVENT.REMOVED_FROM_GROUP, {
        groupID,
        reason: 'banned',
        operatorID,
        banTime: payload.banTime || 0,
        description: payload.content,
      });
    } else if (payload.operationType === TYPES.GRP_SYS_DISMISSED) {
      this.forget(groupID);
      inbox.emitInOrder(EVENT.REMOVED_FROM_GROUP, { groupID, reason: 'dismissed', operatorID });
    } else if (payload.event === 'DrawStarted') {
      inbox.emitInOrder(EVENT.DRAW_STARTED, { groupID, operatorID, draw: decodeDrawInfo(content.obj('Draw')) });
    } else if (payload.event === 'DrawEnded') {
      inbox.emitInOrder(EVENT.DRAW_RESULT, { groupID, operatorID, result: decodeDrawResult(content.obj('Draw')) });
    }
    this.client.groups.onSystem(message);
  }
}
