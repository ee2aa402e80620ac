// Events: what each one carries, the handlers listening to them, and the inbox that hands
// received messages over in batches with the room events they imply after them.

/** @import { Conversation } from './conversation.js' */
/** @import { DrawInfo, DrawResult } from './live.js' */
/** @import { Gift } from './gifts.js' */
/** @import { Logger } from './log.js' */
/** @import { Message } from './message.js' */
/** @import { GroupProfileChanges, LiveState, MuteState, PinnedItem } from './room.js' */
/** @import { LoginData } from './session.js' */
/** @import { NetState } from './constants.js' */
import { EVENT } from './constants.js';
import { invalid } from './errors.js';

/**
 * Payloads of the events, by event name.
 * @typedef {Object} EventMap
 * @property {LoginData} sdkReady logged in (or entered as a guest); requests can be made
 * @property {{reason: 'logout'|'kicked'|'destroyed'|'login_failed'|'connection_lost'}} sdkNotReady the session ended
 * @property {Message[]} messageReceived messages (of rooms and one to one), tips and system notices, in arrival order
 * @property {{type: string, message: string}} kickedOut the server ended the session; no reconnection follows
 * @property {{state: NetState}} netStateChange
 * @property {{code: number, message: string, groupID?: string}} error something went wrong outside any call (e.g. a malformed frame)
 * @property {{groupID: string, liveState: LiveState, operatorID: string}} liveStateChanged
 * @property {{groupID: string, item: PinnedItem|null, operatorID: string}} itemPinned the item pinned now, or null when taken down
 * @property {Gift} giftReceived
 * @property {{groupID: string, total: number}} likesUpdated the room's like total
 * @property {{groupID: string, memberCount: number}} onlineCountUpdated
 * @property {{groupID: string, operatorID: string, draw: DrawInfo}} drawStarted
 * @property {{groupID: string, operatorID: string, result: DrawResult}} drawResult
 * @property {{groupID: string, operatorID: string, changes: GroupProfileChanges}} groupProfileUpdated
 * @property {MuteState} muted this user's mute state in a room changed
 * @property {{groupID: string, reason: 'banned'|'dismissed'|'rejoin_failed', operatorID: string, banTime?: number, description?: string, code?: number}} removedFromGroup the user is no longer in the room and will not rejoin it
 * @property {{groupID: string, sequence: number, operatorID: string}} messageRecalled the room's message `sequence` was recalled: take it off the screen
 * @property {Conversation[]} conversationListUpdated the one-to-one conversation list, in order (pinned first, then the newest first)
 * @property {number} totalUnreadMessageCountUpdated unread one-to-one messages over every conversation
 * @property {Array<{conversationID: string, sequence: number, messageKey: string, from: string, to: string, isRevoked: true}>} messageRevoked one-to-one messages recalled by their sender: show them as recalled
 * @property {Message[]} messageModified one-to-one messages edited by their sender, as they are now
 * @property {Array<{conversationID: string, userID: string, sequence: number}>} messageReadByPeer the other user has read this user's messages of the conversation up to `sequence`
 * @property {{conversationID: string, userID: string, isTyping: boolean}} typingStatusUpdated the other user is typing (false a few seconds after the last notice, or when their message arrives)
 */

/** @typedef {keyof EventMap} EventName */

/**
 * @template {EventName} K
 * @typedef {{name: K, data: EventMap[K]}} LiveRoomEvent
 */

/**
 * @template {EventName} K
 * @typedef {(event: LiveRoomEvent<K>) => void} EventHandler
 */

/** The handlers of an instance's events. */
export class Events {
  /** @param {Logger} log */
  constructor(log) {
    this.log = log;
    /** @type {Map<string, Array<{handler: Function, context: unknown}>>} */
    this.listeners = new Map();
  }

  /**
   * @template {EventName} K
   * @param {K} event
   * @param {EventHandler<K>} handler
   * @param {unknown} [context]
   */
  on(event, handler, context) {
    if (typeof event !== 'string') throw invalid('event must be one of EVENT');
    if (typeof handler !== 'function') throw invalid('handler must be a function');
    const list = this.listeners.get(event) || [];
    list.push({ handler, context });
    this.listeners.set(event, list);
  }

  /**
   * @template {EventName} K
   * @param {K} event
   * @param {EventHandler<K>} [handler]
   * @param {unknown} [context]
   */
  off(event, handler, context) {
    const list = this.listeners.get(event);
    if (!list) return;
    const keep = handler ? list.filter((l) => l.handler !== handler || l.context !== context) : [];
    if (keep.length > 0) this.listeners.set(event, keep);
    else this.listeners.delete(event);
  }

  /**
   * @template {EventName} K
   * @param {K} name
   * @param {EventMap[K]} data
   */
  emit(name, data) {
    const list = this.listeners.get(name);
    if (!list) return;
    for (const { handler, context } of list.slice()) {
      try {
        handler.call(context, { name, data });
      } catch (err) {
        // A failing handler must not break the SDK or the other handlers.
        this.log.error(`a handler of ${name} threw`, err);
      }
    }
  }

  /** Drops every handler. */
  clear() {
    this.listeners.clear();
  }

  /**
   * Emits ERROR: something went wrong outside any call.
   * @param {number} code
   * @param {string} message
   * @param {string} [groupID]
   */
  error(code, message, groupID) {
    this.log.warn(`error ${code}: ${message}`);
    this.emit(EVENT.ERROR, groupID === undefined ? { code, message } : { code, message, groupID });
  }
}

/**
 * Received messages on their way to MESSAGE_RECEIVED: frames that arrive together (a join's
 * history) are handed over as one array, and the room events that came after them follow it.
 */
export class Inbox {
  /** @param {Events} events */
  constructor(events) {
    this.events = events;
    /** @type {Message[]} */
    this.messages = [];
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    /** @type {Array<() => void>} room events waiting for the messages that came before them */
    this.after = [];
  }

  /**
   * Queues a message for MESSAGE_RECEIVED.
   * @param {Message} message
   */
  deliver(message) {
    this.messages.push(message);
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const batch = this.messages.splice(0);
      const after = this.after.splice(0);
      if (batch.length > 0) this.events.emit(EVENT.MESSAGE_RECEIVED, batch);
      for (const emit of after) emit();
    }, 0);
  }

  /**
   * Emits a room event after the messages received before it, keeping the server's order.
   * @template {EventName} K
   * @param {K} name
   * @param {EventMap[K]} data
   */
  emitInOrder(name, data) {
    if (this.timer === null) this.events.emit(name, data);
    else this.after.push(() => this.events.emit(name, data));
  }

  /** Drops what waits, for good. */
  clear() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.messages = [];
    this.after = [];
  }
}
