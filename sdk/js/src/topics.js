// Topics of communities (channels): creating, changing and deleting them, the list of a
// community's topics with this user's unread count in each, and what changes them afterwards
// (messages delivered, reads on any device, the `topic` pushes of the community's owner and
// admins), announced as TOPIC_CREATED, TOPIC_UPDATED and TOPIC_DELETED.
//
// A topic is a thread of its own (group-message.js): its messages are numbered from 1 and
// caught up after a reconnect like a group's (chat-sync.js reads the topics of every
// community the user is in beside the conversation list).

/** @import { Client } from './client.js' */
/** @import { LiveRoomError } from './errors.js' */
/** @import { Message } from './message.js' */
/** @import { Response } from './session.js' */
import { isObject, optionalString, requireID } from './checks.js';
import { EVENT, TYPES } from './constants.js';
import { invalid } from './errors.js';
import { Fields } from './fields.js';
import { decodeOrThrow } from './requests.js';
import { groupOfThread, TOPIC_INFIX } from './group-message.js';

/**
 * An unread message that mentions this user (a conversation's or a topic's
 * `groupAtInfoList`).
 * @typedef {Object} GroupAtInfo
 * @property {string} from who sent it (`''` when the server's list did not say)
 * @property {string} groupID the group (a topic's community)
 * @property {string} topicID the topic (`''` for the group itself)
 * @property {number} messageSequence the message's `sequence`
 * @property {number[]} atTypeArray `TYPES.CONV_AT_ME` (names this user), `CONV_AT_ALL` (everyone) or `CONV_AT_ALL_AT_ME` (both)
 */

/**
 * A topic of a community, with this user's side of it.
 * @typedef {Object} Topic
 * @property {string} topicID `<groupID>@TOPIC#_<suffix>`; its conversation is `GROUP<topicID>`
 * @property {string} groupID the community
 * @property {string} topicName
 * @property {string} avatar the topic's face URL
 * @property {string} introduction
 * @property {string} notification
 * @property {string} customData the topic's custom string
 * @property {boolean} isAllMuted ordinary members may not send
 * @property {number} createTime Unix seconds
 * @property {number} unreadCount messages of others not read yet
 * @property {number} readSequence read up to this `sequence` (each topic numbers from 1)
 * @property {number} lastSequence the newest message's `sequence`
 * @property {number} lastTime when the newest message was sent (Unix seconds)
 * @property {Message|null} lastMessage the newest message, when this client received or sent it in this session (the server's list does not carry it)
 * @property {GroupAtInfo[]} groupAtInfoList unread messages mentioning this user, as this client saw them arrive in this session (the server's list does not carry them)
 */

/**
 * @typedef {Object} TopicOptions
 * @property {string} groupID the community
 * @property {string} [topicName]
 * @property {string} [avatar]
 * @property {string} [introduction]
 * @property {string} [notification]
 * @property {string} [customData]
 */

/** The server's code for a community without topics, and for a caller who may not act. */
const NOT_PERMITTED = 10007;
/** The server's code for a topic that does not exist (`destroy_topics`). */
const NO_SUCH_TOPIC = 10004;
/** Topics per `destroy_topics` (the protocol's maximum). */
const DESTROY_MAX = 100;

/**
 * @param {string} groupID
 * @param {Fields} f an entry of `get_topics`
 * @returns {Topic}
 */
function decodeTopic(groupID, f) {
  return {
    topicID: f.str('TopicId'),
    groupID,
    topicName: f.optStr('TopicName'),
    avatar: f.optStr('FaceUrl'),
    introduction: f.optStr('Introduction'),
    notification: f.optStr('Notification'),
    customData: f.optStr('CustomString'),
    isAllMuted: f.optStr('MuteAllMember', 'Off') === 'On',
    createTime: f.optNum('CreateTime'),
    unreadCount: f.optNum('Unread'),
    readSequence: f.optNum('ReadSeq'),
    lastSequence: f.optNum('LastSeq'),
    lastTime: f.optNum('LastTime'),
    lastMessage: null,
    groupAtInfoList: [],
  };
}

/**
 * A copy for the application.
 * @param {Topic} t
 * @returns {Topic}
 */
function copyTopic(t) {
  return {
    ...t,
    lastMessage: t.lastMessage ? { ...t.lastMessage } : null,
    groupAtInfoList: t.groupAtInfoList.map((a) => ({ ...a, atTypeArray: a.atTypeArray.slice() })),
  };
}

/**
 * How a message mentions `me`: a `TYPES.CONV_AT_*` value, or 0.
 * @param {Message} m
 * @param {string} me
 */
export function mentionType(m, me) {
  if (m.flow !== 'in' || m.isRevoked) return 0;
  const all = m.atUserList.includes(TYPES.MSG_AT_ALL);
  const mine = me !== '' && m.atUserList.includes(me);
  if (all && mine) return TYPES.CONV_AT_ALL_AT_ME;
  if (mine) return TYPES.CONV_AT_ME;
  return all ? TYPES.CONV_AT_ALL : 0;
}

/**
 * Adds a message's mention of `me` to an at-info list (once per message).
 * @param {GroupAtInfo[]} list
 * @param {Message} m
 * @param {string} me
 * @param {string} groupID
 * @param {string} topicID
 */
export function noteMention(list, m, me, groupID, topicID) {
  const type = mentionType(m, me);
  if (type === 0 || list.some((a) => a.messageSequence === m.sequence)) return;
  list.push({ from: m.from, groupID, topicID, messageSequence: m.sequence, atTypeArray: [type] });
}

export class Topics {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /**
     * The topics of the communities read so far, by community, each with the stamp of its
     * last local change.
     * @private
     * @type {Map<string, Map<string, {t: Topic, stamp: number}>>}
     */
    this.communities = new Map();
    /** @private communities that answered they have no topics */
    this.none = new Set();
    /** @private counts local changes, so a list read does not undo newer ones */
    this.stamp = 0;
    /** @private communities being read in the background */
    this.learning = new Set();
    /** @private @type {Set<string>} topics whose TOPIC_CREATED went out */
    this.announced = new Set();
    /** @private @type {Map<string, Topic>} topics changed this turn, announced together */
    this.changedTopics = new Map();
    /** @private @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
  }

  /**
   * Whether the SDK knows the topic (its community's topics were read, or it was created).
   * @param {string} topicID
   */
  has(topicID) {
    return this.entry(topicID) !== undefined;
  }

  /**
   * @private
   * @param {string} topicID
   */
  entry(topicID) {
    const c = this.communities.get(groupOfThread(topicID));
    return c ? c.get(topicID) : undefined;
  }

  /**
   * Reads a community's topics (those named, or all) and takes them in.
   * @param {string} groupID
   * @param {string[]} [topicIDs]
   * @returns {Promise<Topic[]>}
   */
  async read(groupID, topicIDs) {
    const { requests, session } = this.client;
    const epoch = session.epoch;
    const since = this.stamp;
    /** @type {Record<string, unknown>} */
    const frame = { op: 'get_topics', GroupId: groupID };
    if (topicIDs !== undefined) frame.TopicIdList = topicIDs;
    const reply = await requests.request(frame);
    const found = decodeOrThrow(() =>
      reply.arr('Topics').map((t, i) => decodeTopic(groupID, new Fields(t, `get_topics.Topics[${i}]`))),
    );
    if (epoch !== session.epoch) return found;
    this.none.delete(groupID);
    return this.merge(groupID, found, since, topicIDs === undefined);
  }

  /**
   * Takes in topics read from the server. A topic changed here since the read began (a push
   * that came before the answer) keeps its counts unless the read saw a newer message.
   * With `all`, topics the read did not list are gone.
   * @private
   * @param {string} groupID
   * @param {Topic[]} found
   * @param {number} since
   * @param {boolean} all
   * @returns {Topic[]}
   */
  merge(groupID, found, since, all) {
    let c = this.communities.get(groupID);
    // Topics new to a community read before were created meanwhile (while away).
    const readBefore = c !== undefined;
    if (c === undefined) {
      c = new Map();
      this.communities.set(groupID, c);
    }
    const listed = new Set();
    for (const t of found) {
      listed.add(t.topicID);
      const local = c.get(t.topicID);
      if (local === undefined) {
        c.set(t.topicID, { t, stamp: since });
        if (readBefore && !this.announced.has(t.topicID)) {
          this.announced.add(t.topicID);
          this.client.inbox.emitInOrder(EVENT.TOPIC_CREATED, { groupID, topicID: t.topicID });
          this.changed(t);
        }
        continue;
      }
      const before = JSON.stringify(copyTopic(local.t));
      const profile = {
        topicName: t.topicName,
        avatar: t.avatar,
        introduction: t.introduction,
        notification: t.notification,
        customData: t.customData,
        isAllMuted: t.isAllMuted,
        createTime: t.createTime,
      };
      if (local.stamp > since && local.t.lastSequence >= t.lastSequence) {
        Object.assign(local.t, profile);
      } else {
        const last = local.t.lastMessage && local.t.lastMessage.sequence === t.lastSequence ? local.t.lastMessage : null;
        // The same object: what holds it (an announcement this turn) sees the change.
        Object.assign(local.t, t, {
          lastMessage: last,
          groupAtInfoList: local.t.groupAtInfoList.filter((a) => a.messageSequence > t.readSequence),
        });
        local.stamp = since;
      }
      if (JSON.stringify(copyTopic(local.t)) !== before) this.changed(local.t);
    }
    if (all) {
      /** @type {string[]} */
      const gone = [];
      for (const [id, e] of Array.from(c)) {
        if (!listed.has(id) && e.stamp <= since) {
          c.delete(id);
          gone.push(id);
        }
      }
      if (gone.length > 0) this.removed(groupID, gone);
    }
    return found.map((t) => {
      const e = /** @type {Map<string, {t: Topic, stamp: number}>} */ (c).get(t.topicID);
      return copyTopic(e ? e.t : t);
    });
  }

  /**
   * The topics of every community the user is in (the SDK's group list), for catching up
   * after a list read: each readable community's topics with their last numbers.
   * Communities without topics are asked once a session.
   * @returns {Promise<Topic[]>}
   */
  async readAll() {
    const { groups, log } = this.client;
    const ids = groups.ids(TYPES.GRP_COMMUNITY).filter((g) => !this.none.has(g));
    const lists = await Promise.all(
      ids.map((groupID) =>
        this.read(groupID).catch((/** @type {LiveRoomError} */ err) => {
          if (err.code === NOT_PERMITTED) this.none.add(groupID);
          else log.warn(`reading the topics of ${groupID} failed`, err);
          return /** @type {Topic[]} */ ([]);
        }),
      ),
    );
    return lists.flat();
  }

  /**
   * `Chat#getTopicList`
   * @param {{groupID: string, topicIDList?: string[]}} options
   * @returns {Promise<Response<{successTopicList: Topic[], failureTopicList: Array<{topicID: string, code: number, message: string}>}>>}
   */
  async list(options) {
    if (!isObject(options)) throw invalid('getTopicList needs {groupID}');
    const groupID = requireID(options.groupID, 'groupID');
    /** @type {string[]|undefined} */
    let topicIDs;
    if (options.topicIDList !== undefined) {
      if (!Array.isArray(options.topicIDList)) throw invalid('topicIDList must be an array of topic IDs');
      topicIDs = options.topicIDList.map((id) => requireID(id, 'each of topicIDList'));
    }
    this.client.sync.activate();
    const successTopicList = await this.read(groupID, topicIDs);
    const got = new Set(successTopicList.map((t) => t.topicID));
    const failureTopicList = (topicIDs || [])
      .filter((id) => !got.has(id))
      .map((topicID) => ({ topicID, code: NO_SUCH_TOPIC, message: `${topicID} is not a topic of ${groupID}` }));
    return { code: 0, data: { successTopicList, failureTopicList } };
  }

  /**
   * `Chat#createTopicInCommunity`
   * @param {TopicOptions & {topicName: string, topicID?: string}} options
   * @returns {Promise<Response<{topicID: string}>>}
   */
  async create(options) {
    if (!isObject(options)) throw invalid('createTopicInCommunity needs {groupID, topicName}');
    const groupID = requireID(options.groupID, 'groupID');
    const topicName = requireID(options.topicName, 'topicName');
    /** @type {Record<string, unknown>} */
    const frame = { op: 'create_topic', GroupId: groupID, TopicName: topicName, ...profileFields(options) };
    if (options.topicID !== undefined) {
      const id = requireID(options.topicID, 'topicID');
      if (!id.startsWith(`${groupID}${TOPIC_INFIX}`) || id.length === groupID.length + TOPIC_INFIX.length)
        throw invalid(`topicID must be ${groupID}${TOPIC_INFIX}<suffix>`);
      frame.TopicId = id;
    }
    this.client.sync.activate();
    const reply = await this.client.requests.request(frame);
    const topicID = decodeOrThrow(() => reply.str('TopicId'));
    // Usually the `topic` push came first; if not, the topic is known from here.
    if (!this.has(topicID)) {
      this.add({
        topicID,
        groupID,
        topicName,
        avatar: String(frame.FaceUrl || ''),
        introduction: String(frame.Introduction || ''),
        notification: String(frame.Notification || ''),
        customData: String(frame.CustomString || ''),
        isAllMuted: false,
        createTime: Math.floor(Date.now() / 1000),
        unreadCount: 0,
        readSequence: 0,
        lastSequence: 0,
        lastTime: 0,
        lastMessage: null,
        groupAtInfoList: [],
      });
    }
    return { code: 0, data: { topicID } };
  }

  /**
   * `Chat#updateTopicProfile`
   * @param {TopicOptions & {topicID: string, muteAllMembers?: boolean}} options
   * @returns {Promise<Response<{topic: Topic}>>}
   */
  async update(options) {
    if (!isObject(options)) throw invalid('updateTopicProfile needs {groupID, topicID}');
    const groupID = requireID(options.groupID, 'groupID');
    const topicID = requireID(options.topicID, 'topicID');
    /** @type {Record<string, unknown>} */
    const frame = { op: 'modify_topic', GroupId: groupID, TopicId: topicID, ...profileFields(options) };
    if (options.topicName !== undefined) frame.TopicName = requireID(options.topicName, 'topicName');
    if (options.muteAllMembers !== undefined) {
      if (typeof options.muteAllMembers !== 'boolean') throw invalid('muteAllMembers must be a boolean');
      frame.MuteAllMember = options.muteAllMembers ? 'On' : 'Off';
    }
    if (Object.keys(frame).length === 3) throw invalid('updateTopicProfile: name at least one field to change');
    this.client.sync.activate();
    await this.client.requests.request(frame);
    const e = this.entry(topicID);
    if (e !== undefined) {
      applyProfile(e.t, frame);
      return { code: 0, data: { topic: copyTopic(e.t) } };
    }
    const [topic] = await this.read(groupID, [topicID]);
    if (topic === undefined) throw invalid(`${topicID} is not a topic of ${groupID}`);
    return { code: 0, data: { topic } };
  }

  /**
   * `Chat#deleteTopicFromCommunity`: the topics named, or all of the community's.
   * @param {{groupID: string, topicIDList?: string[]}} options
   * @returns {Promise<Response<{successTopicList: Array<{topicID: string}>, failureTopicList: Array<{topicID: string, code: number, message: string}>}>>}
   */
  async remove(options) {
    if (!isObject(options)) throw invalid('deleteTopicFromCommunity needs {groupID}');
    const groupID = requireID(options.groupID, 'groupID');
    /** @type {string[]} */
    let ids;
    if (options.topicIDList === undefined) {
      ids = (await this.read(groupID)).map((t) => t.topicID);
    } else {
      if (!Array.isArray(options.topicIDList) || options.topicIDList.length === 0)
        throw invalid('topicIDList must be a non-empty array of topic IDs');
      ids = options.topicIDList.map((id) => requireID(id, 'each of topicIDList'));
    }
    /** @type {Array<{topicID: string}>} */
    const successTopicList = [];
    /** @type {Array<{topicID: string, code: number, message: string}>} */
    const failureTopicList = [];
    for (let i = 0; i < ids.length; i += DESTROY_MAX) {
      const part = ids.slice(i, i + DESTROY_MAX);
      const reply = await this.client.requests.request({ op: 'destroy_topics', GroupId: groupID, TopicIdList: part });
      const results = decodeOrThrow(() =>
        reply.arr('Results').map((r, j) => {
          const f = new Fields(r, `destroy_topics.Results[${j}]`);
          return { topicID: f.str('TopicId'), code: f.optNum('ErrorCode') };
        }),
      );
      /** @type {string[]} */
      const gone = [];
      for (const r of results) {
        if (r.code === 0) {
          successTopicList.push({ topicID: r.topicID });
          gone.push(r.topicID);
        } else {
          failureTopicList.push({ topicID: r.topicID, code: r.code, message: `${r.topicID} is not a topic of ${groupID}` });
        }
      }
      this.drop(groupID, gone);
    }
    return { code: 0, data: { successTopicList, failureTopicList } };
  }

  /**
   * A `topic` push: a topic of one of the user's communities was created, changed or
   * destroyed.
   * @param {Fields} f
   */
  onPush(f) {
    const groupID = f.str('GroupId');
    const topicID = f.str('TopicId');
    const action = f.str('Action');
    this.client.sync.activate();
    if (action === 'destroyed') {
      this.drop(groupID, [topicID]);
      return;
    }
    /** @type {Record<string, unknown>} */
    const fields = {};
    for (const key of ['TopicName', 'FaceUrl', 'Introduction', 'Notification', 'CustomString', 'MuteAllMember']) {
      if (f.has(key)) fields[key] = f.str(key);
    }
    const e = this.entry(topicID);
    if (e !== undefined) {
      applyProfile(e.t, fields);
      e.stamp = ++this.stamp;
      this.changed(e.t);
      return;
    }
    /** @type {Topic} */
    const t = {
      topicID,
      groupID,
      topicName: '',
      avatar: '',
      introduction: '',
      notification: '',
      customData: '',
      isAllMuted: false,
      createTime: Math.floor(Date.now() / 1000),
      unreadCount: 0,
      readSequence: 0,
      lastSequence: 0,
      lastTime: 0,
      lastMessage: null,
      groupAtInfoList: [],
    };
    applyProfile(t, fields);
    this.add(t);
  }

  /**
   * A topic new to this client: known from now on, announced once.
   * @private
   * @param {Topic} t
   */
  add(t) {
    let c = this.communities.get(t.groupID);
    if (c === undefined) {
      c = new Map();
      this.communities.set(t.groupID, c);
    }
    this.none.delete(t.groupID);
    c.set(t.topicID, { t, stamp: ++this.stamp });
    if (this.announced.has(t.topicID)) return;
    this.announced.add(t.topicID);
    this.client.inbox.emitInOrder(EVENT.TOPIC_CREATED, { groupID: t.groupID, topicID: t.topicID });
  }

  /**
   * Topics that are no more (destroyed here, on a push, or missing from a list read).
   * @private
   * @param {string} groupID
   * @param {string[]} ids
   */
  drop(groupID, ids) {
    const c = this.communities.get(groupID);
    const gone = ids.filter((id) => c !== undefined && c.delete(id));
    if (gone.length > 0) this.removed(groupID, gone);
  }

  /**
   * @private
   * @param {string} groupID
   * @param {string[]} ids
   */
  removed(groupID, ids) {
    for (const id of ids) {
      this.client.sync.groups.forget(id);
      this.changedTopics.delete(id);
      this.announced.delete(id);
    }
    this.client.inbox.emitInOrder(EVENT.TOPIC_DELETED, { groupID, topicIDList: ids });
  }

  /**
   * A message of a topic was delivered (or this client's own send acknowledged): the
   * newest one, counted unread when someone else sent it, as on the server.
   * @param {Message} message
   * @param {{noUnread?: boolean, noLastMessage?: boolean}} [control] what the send said of counts and lists
   */
  noteMessage(message, control) {
    if (message.sequence === 0) return;
    const topicID = message.to;
    const e = this.entry(topicID);
    if (e === undefined) {
      // A topic this client did not know of: read its community's topics (they count it).
      this.learn(groupOfThread(topicID));
      return;
    }
    const t = e.t;
    if (message.sequence <= t.lastSequence) return; // counted by the list read already
    t.lastSequence = message.sequence;
    if (!(control && control.noLastMessage)) {
      t.lastTime = Math.max(t.lastTime, message.time);
      t.lastMessage = message;
    }
    if (message.flow === 'out') {
      t.unreadCount = 0;
      t.readSequence = message.sequence;
      t.groupAtInfoList = [];
    } else {
      if (!(control && control.noUnread)) t.unreadCount += 1;
      noteMention(t.groupAtInfoList, message, this.client.session.userID(), t.groupID, topicID);
    }
    e.stamp = ++this.stamp;
    this.changed(t);
  }

  /**
   * This user read a topic up to `seq` (here or on another device).
   * @param {string} topicID
   * @param {number} seq
   * @param {number} unread
   */
  noteRead(topicID, seq, unread) {
    const e = this.entry(topicID);
    if (e === undefined) return;
    e.t.readSequence = seq;
    e.t.unreadCount = unread;
    e.t.groupAtInfoList = e.t.groupAtInfoList.filter((a) => a.messageSequence > seq);
    e.stamp = ++this.stamp;
    this.changed(e.t);
  }

  /**
   * A message of a topic was recalled: its last message shows it, its mention goes.
   * @param {string} topicID
   * @param {number} sequence
   */
  noteRecalled(topicID, sequence) {
    const e = this.entry(topicID);
    if (e === undefined) return;
    const t = e.t;
    const last = t.lastMessage;
    if (last && last.sequence === sequence)
      t.lastMessage = /** @type {Message} */ ({ ...last, isRevoked: true, elements: [], type: TYPES.MSG_TEXT, payload: { text: '' } });
    t.groupAtInfoList = t.groupAtInfoList.filter((a) => a.messageSequence !== sequence);
    e.stamp = ++this.stamp;
    this.changed(t);
  }

  /**
   * A message of a topic was edited: its last message shows it.
   * @param {Message} message
   */
  noteModified(message) {
    const e = this.entry(message.to);
    if (e === undefined || !e.t.lastMessage || e.t.lastMessage.sequence !== message.sequence) return;
    e.t.lastMessage = message;
    this.changed(e.t);
  }

  /**
   * `Chat#setMessageRead` of a topic's conversation.
   * @param {string} topicID
   * @returns {Promise<{readSequence: number, unreadCount: number}>}
   */
  async setRead(topicID) {
    const reply = await this.client.requests.request({
      op: 'read_group',
      GroupId: groupOfThread(topicID),
      TopicId: topicID,
    });
    const read = decodeOrThrow(() => ({ seq: reply.num('Seq'), unread: reply.num('Unread') }));
    this.noteRead(topicID, read.seq, read.unread);
    return { readSequence: read.seq, unreadCount: read.unread };
  }

  /**
   * The user is no longer in a community: its topics go (without events).
   * @param {string} groupID
   */
  forgetCommunity(groupID) {
    const c = this.communities.get(groupID);
    if (c === undefined) return;
    for (const id of c.keys()) {
      this.client.sync.groups.forget(id);
      this.changedTopics.delete(id);
      this.announced.delete(id);
    }
    this.communities.delete(groupID);
  }

  /**
   * Reads a community's topics in the background (a message of a topic this client did not
   * know of); each is announced with TOPIC_UPDATED.
   * @private
   * @param {string} groupID
   */
  learn(groupID) {
    if (this.learning.has(groupID)) return;
    this.learning.add(groupID);
    const epoch = this.client.session.epoch;
    this.read(groupID)
      .then((list) => {
        // Not new topics, perhaps, but new to the application: each is announced as it is.
        for (const t of list) {
          const e = this.entry(t.topicID);
          if (e !== undefined) this.changed(e.t);
        }
      })
      .catch((err) => this.client.log.warn(`reading the topics of ${groupID} failed`, err))
      .finally(() => {
        if (epoch === this.client.session.epoch) this.learning.delete(groupID);
      });
  }

  /**
   * Announces a topic's change (once a turn, after the messages delivered with it).
   * @private
   * @param {Topic} t
   */
  changed(t) {
    this.changedTopics.set(t.topicID, t);
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const list = Array.from(this.changedTopics.values());
      this.changedTopics.clear();
      for (const topic of list) {
        this.client.inbox.emitInOrder(EVENT.TOPIC_UPDATED, { groupID: topic.groupID, topic: copyTopic(topic) });
      }
    }, 0);
  }

  /** The session is over. */
  reset() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.communities.clear();
    this.none.clear();
    this.learning.clear();
    this.announced.clear();
    this.changedTopics.clear();
  }
}

/**
 * The profile fields of a create or update, as the protocol names them.
 * @param {Record<string, unknown>} options
 * @returns {Record<string, string>}
 */
function profileFields(options) {
  /** @type {Record<string, string>} */
  const out = {};
  /** @type {Array<[string, string]>} */
  const names = [
    ['avatar', 'FaceUrl'],
    ['introduction', 'Introduction'],
    ['notification', 'Notification'],
    ['customData', 'CustomString'],
  ];
  for (const [key, field] of names) {
    if (options[key] !== undefined) out[field] = optionalString(options[key], key);
  }
  return out;
}

/**
 * Applies the protocol's profile fields (of a request or a push) to a topic.
 * @param {Topic} t
 * @param {Record<string, unknown>} fields
 */
function applyProfile(t, fields) {
  if (typeof fields.TopicName === 'string') t.topicName = fields.TopicName;
  if (typeof fields.FaceUrl === 'string') t.avatar = fields.FaceUrl;
  if (typeof fields.Introduction === 'string') t.introduction = fields.Introduction;
  if (typeof fields.Notification === 'string') t.notification = fields.Notification;
  if (typeof fields.CustomString === 'string') t.customData = fields.CustomString;
  if (typeof fields.MuteAllMember === 'string') t.isAllMuted = fields.MuteAllMember === 'On';
}
