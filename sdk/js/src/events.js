// Events: what each one carries, the handlers listening to them, the inbox that hands
// received messages over in batches with the room events they imply after them, and the
// lists the server keeps that are announced when they change.

/** @import { Client } from './client.js' */
/** @import { Conversation } from './conversation.js' */
/** @import { Friend, FriendApplication } from './friends.js' */
/** @import { Group } from './groups.js' */
/** @import { Topic } from './topics.js' */
/** @import { MessageReactions } from './message-features.js' */
/** @import { Profile } from './profiles.js' */
/** @import { UserStatus } from './status.js' */
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
 * @property {Message[]} messageReceived messages (of live rooms, groups and one to one), tips and system notices, in arrival order
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
 * @property {{groupID: string, reason: 'banned'|'dismissed'|'rejoin_failed'|'kicked', operatorID: string, banTime?: number, description?: string, code?: number}} removedFromGroup the user is no longer in the room (and will not rejoin it), or was removed from a group that keeps its members (`kicked`; `description` is the reason given)
 * @property {{groupID: string, sequence: number, operatorID: string}} messageRecalled the room's message `sequence` was recalled: take it off the screen
 * @property {Conversation[]} conversationListUpdated the conversation list (one to one, and groups that keep their messages), in order (pinned first, then the newest first)
 * @property {number} totalUnreadMessageCountUpdated unread messages over every conversation
 * @property {Array<{conversationID: string, sequence: number, messageKey: string, from: string, to: string, isRevoked: true, operatorID?: string}>} messageRevoked messages recalled (one to one by their sender; in a group that keeps its messages by `operatorID`, `from` known only when it was the conversation's last message): show them as recalled
 * @property {Group[]} groupListUpdated the user's groups that keep their members, after a change (made on any device, or by others)
 * @property {{message: Message, type: number}} groupSystemNoticeReceived a group system notice (also in MESSAGE_RECEIVED); `type` is its `payload.operationType`
 * @property {Message[]} messageModified messages edited by their sender (one to one, and of groups that keep their messages and topics), as they are now
 * @property {Array<{conversationID: string, userID: string, sequence: number}>} messageReadByPeer the other user has read this user's messages of the conversation up to `sequence`
 * @property {{conversationID: string, userID: string, isTyping: boolean}} typingStatusUpdated the other user is typing (false a few seconds after the last notice, or when their message arrives)
 * @property {Profile[]} profileUpdated profiles that changed (this user's, its friends', its conversation peers'), as they are now
 * @property {Friend[]} friendListUpdated the friend list after a change (made on any device, or by the other user)
 * @property {{friendApplicationList: FriendApplication[]}} friendApplicationListUpdated the friend requests waiting for an answer, to this user and by it, after a change
 * @property {string[]} blacklistUpdated the users on this user's blocklist after a change
 * @property {UserStatus[]} userStatusUpdated subscribed users whose status changed (or is first known)
 * @property {{groupID: string, topicID: string}} topicCreated a topic was created in one of the user's communities
 * @property {{groupID: string, topic: Topic}} topicUpdated a topic changed: its profile, or this user's side of it (a message, a read on any device)
 * @property {{groupID: string, topicIDList: string[]}} topicDeleted topics were deleted
 * @property {MessageReactions} messageReactionsUpdated a reaction of a message changed (`reactionList` holds it; `totalUserCount` 0: nobody reacts so any more)
 * @property {{messageID: string, conversationID: string, sequence: number, extensions: Array<{key: string, value: string}>}} messageExtensionsUpdated extensions of a message were set (`messageID` is `''` when the SDK did not see the message in this session)
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

  /**
   * Whether the application listens to an event (the SDK reads some lists only for it).
   * @param {EventName} name
   */
  listening(name) {
    return this.listeners.has(name);
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

/**
 * A list the server keeps for the user (friends, friend applications, the blocklist) as the
 * application last saw it: read again when a push says it changed, or after a reconnect, and
 * announced when it is not what the application has. Only while the application listens to
 * the list's event: otherwise nothing is read.
 * @template {EventName} K
 */
export class ListFeed {
  /**
   * @param {Client} client
   * @param {K} event announces the list
   * @param {() => Promise<EventMap[K]>} read reads the whole list from the server
   */
  constructor(client, event, read) {
    /** @private */
    this.client = client;
    /** @private */
    this.event = event;
    /** @private */
    this.read = read;
    /** @private @type {string|null} the list the application has, as JSON; null: none yet */
    this.shown = null;
    /** @private a read is running */
    this.reading = false;
    /** @private read once more when it ends */
    this.again = false;
  }

  /**
   * The application read the list itself: it has this one.
   * @param {EventMap[K]} list
   */
  seen(list) {
    this.shown = JSON.stringify(list);
  }

  /** The list may have changed: reads it again (once for changes close together). */
  async changed() {
    const { events, session, log, inbox } = this.client;
    if (!events.listening(this.event)) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    const epoch = session.epoch;
    try {
      do {
        this.again = false;
        const list = await this.read();
        if (epoch !== session.epoch) return;
        const text = JSON.stringify(list);
        if (text === this.shown) continue;
        this.shown = text;
        inbox.emitInOrder(this.event, list);
      } while (this.again);
    } catch (err) {
      // The connection dropped (the reconnect reads it again) or the server failed.
      if (epoch === session.epoch) log.warn(`reading the list for ${this.event} failed`, err);
    } finally {
      if (epoch === session.epoch) this.reading = false;
    }
  }

  /** The session is over. */
  reset() {
    this.shown = null;
    this.reading = false;
    this.again = false;
  }
}
