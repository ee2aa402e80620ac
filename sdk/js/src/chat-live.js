// `Chat`'s live-room calls: live state, pinned items, likes, lucky draws, the room's profile
// and statistics, and moderation by the room's owner and admins (and App admins).

/** @import { LiveStateName } from './constants.js' */
/** @import { LiveState, PinnedItem } from './room.js' */
/** @import { Response } from './session.js' */
import { ChatBase, clientOf } from './chat-base.js';

/** The live-room and moderation calls of `Chat`. */
export class LiveRoomCalls extends ChatBase {
  /**
   * Moves the room to a live state (owner, admins, App admins).
   * @param {string} groupID
   * @param {LiveStateName} state one of `TYPES.LIVE_STATE_*`
   * @param {{newSession?: boolean}} [options] newSession: start a new broadcast after the last one ended
   * @returns {Promise<Response<{liveState: LiveState}>>}
   */
  setLiveState(groupID, state, options = {}) {
    return clientOf(this).live.setLiveState(groupID, state, options);
  }

  /**
   * Pins a live-shopping item for every viewer (owner, admins, App admins).
   * @param {string} groupID
   * @param {PinnedItem} item at least `ItemId` and `Title`
   * @returns {Promise<Response<{}>>}
   */
  pinItem(groupID, item) {
    return clientOf(this).live.pinItem(groupID, item);
  }

  /**
   * Takes the pinned item down.
   * @param {string} groupID
   * @returns {Promise<Response<{}>>}
   */
  unpinItem(groupID) {
    return clientOf(this).live.unpinItem(groupID);
  }

  /**
   * Likes the room. Taps within `likeMergeWindow` are merged into one request (of at most
   * 100, the protocol's limit); every merged call resolves with that request's reply.
   * `added` is what the server counted (it caps each user's likes per second).
   * @param {string} groupID
   * @param {number} [count] 1 to 100
   * @returns {Promise<Response<{added: number, count: number}>>}
   */
  like(groupID, count = 1) {
    return clientOf(this).likes.like(groupID, count);
  }

  /**
   * Starts a lucky draw among the users who comment `keyword` (owner, admins, App admins).
   * The room gets DRAW_STARTED now and DRAW_RESULT at the end.
   * @param {string} groupID
   * @param {{keyword: string, duration: number, winners?: number}} options duration in seconds (1–3600), winners 1–100 (default 1)
   * @returns {Promise<Response<{drawID: string}>>}
   */
  startDraw(groupID, options) {
    return clientOf(this).live.startDraw(groupID, options);
  }

  /**
   * Changes the room's profile (owner, admins, App admins): its name, introduction, notice
   * (`notification`), cover (`faceURL`) or declared custom fields (`custom`; an empty string
   * deletes a key). Members get GROUP_PROFILE_UPDATED. The same for a group that keeps its
   * members, whose members' conversations show the new name and face.
   * @param {string} groupID
   * @param {{name?: string, introduction?: string, notification?: string, faceURL?: string, custom?: Record<string, string>}} changes
   * @returns {Promise<Response<{}>>}
   */
  modifyGroup(groupID, changes) {
    return clientOf(this).live.modifyGroup(groupID, changes);
  }

  /**
   * The room's audience statistics for its current broadcast session, or `session` (owner,
   * admins, App admins). `data` has the fields of the REST call `liveroom_ext/get_room_stats`
   * as the server names them: `Session`, `OnlineNum`, `Popularity`, `PeakOnline`, `Viewers`,
   * `GuestJoins`, `Joins`, `OnlineSecs`, `AvgOnlineSecs`, `Messages`, `Likes`, `Gifts`,
   * `GiftValue`, `FirstAt`, `LastAt` and `TopUsers` (`User_Account`, `NickName`, `Level`,
   * `Score`, `OnlineSecs`, `Messages`, `Likes`, `Gifts`, `GiftValue`).
   * @param {string} groupID
   * @param {{session?: number, orderBy?: 'GiftValue'|'Gifts'|'Messages'|'Likes'|'OnlineTime', top?: number}} [options] top 0–100 (default 10)
   * @returns {Promise<Response<Record<string, any>>>}
   */
  getRoomStats(groupID, options = {}) {
    return clientOf(this).live.getRoomStats(groupID, options);
  }

  // -------------------------------------------------------------------------------------
  // Moderation (owner and admins of the room, App admins)
  // -------------------------------------------------------------------------------------

  /**
   * Mutes members; 0 seconds unmutes, `TYPES.MUTE_PERMANENT` mutes for good.
   * @param {string} groupID
   * @param {string|string[]} userID 1–500 accounts
   * @param {number} seconds
   * @returns {Promise<Response<{}>>}
   */
  mute(groupID, userID, seconds) {
    return clientOf(this).moderation.mute(groupID, userID, seconds);
  }

  /**
   * Switches mute-all on or off: only the owner and admins may send while it is on.
   * @param {string} groupID
   * @param {boolean} on
   * @returns {Promise<Response<{}>>}
   */
  muteAll(groupID, on) {
    return clientOf(this).moderation.muteAll(groupID, on);
  }

  /**
   * Bans members: they leave the room at once and cannot join for `seconds`.
   * @param {string} groupID
   * @param {string|string[]} userID 1–20 accounts
   * @param {number} seconds at least 1; `TYPES.MUTE_PERMANENT` bans for good
   * @param {string} [reason] shown to the banned users (at most 1000 bytes)
   * @returns {Promise<Response<{}>>}
   */
  ban(groupID, userID, seconds, reason) {
    return clientOf(this).moderation.ban(groupID, userID, seconds, reason);
  }

  /**
   * Lifts bans.
   * @param {string} groupID
   * @param {string|string[]} userID 1–20 accounts
   * @returns {Promise<Response<{}>>}
   */
  unban(groupID, userID) {
    return clientOf(this).moderation.unban(groupID, userID);
  }

  /**
   * Recalls a message of the room (owner, admins, App admins): every member gets
   * `MESSAGE_RECALLED` and late joiners no longer receive it. 10030 when the room cannot
   * recall it (unknown, recalled already, or too old). In a group that keeps its messages
   * (see `revokeMessage`), members get MESSAGE_REVOKED.
   * @param {string} groupID
   * @param {number} sequence the message's `sequence`
   * @returns {Promise<Response<{}>>}
   */
  recallMessage(groupID, sequence) {
    return clientOf(this).moderation.recallMessage(groupID, sequence);
  }

  /**
   * Makes members admins of the room, or ordinary members again (owner, App admins).
   * @param {string} groupID
   * @param {string|string[]} userID 1–5 accounts
   * @param {boolean} on
   * @returns {Promise<Response<{}>>}
   */
  setAdmin(groupID, userID, on) {
    return clientOf(this).moderation.setAdmin(groupID, userID, on);
  }
}
