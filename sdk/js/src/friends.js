// Friends: adding (or asking) one, answering requests, deleting, the friend list and the
// friend applications; the `friend` push, which says a relationship changed, read again and
// announced as FRIEND_LIST_UPDATED and FRIEND_APPLICATION_LIST_UPDATED (and, for this user's
// blocklist, BLACKLIST_UPDATED).

/** @import { Client } from './client.js' */
/** @import { LiveRoomError } from './errors.js' */
/** @import { Profile } from './profiles.js' */
/** @import { Response } from './session.js' */
import { isObject, optionalString, requireID, requireIDList } from './checks.js';
import { EVENT, TYPES } from './constants.js';
import { ListFeed } from './events.js';
import { invalid } from './errors.js';
import { Fields } from './fields.js';
import { decodeOrThrow } from './requests.js';

/**
 * A friend of the logged-in user.
 * @typedef {Object} Friend
 * @property {string} userID
 * @property {string} remark what this user calls the friend
 * @property {string[]} groupList the friend lists the friend is in
 * @property {number} addTime when the friend was added (Unix seconds)
 * @property {Profile} profile the friend's profile
 */

/**
 * A friend request waiting for an answer, sent to this user or by it.
 * @typedef {Object} FriendApplication
 * @property {string} userID the other user: who asked, or who was asked
 * @property {string} nick the other user's nick
 * @property {string} avatar the other user's avatar
 * @property {number} time when it was sent (Unix seconds)
 * @property {string} source the add source the sender gave
 * @property {string} wording the sender's words
 * @property {string} type `TYPES.SNS_APPLICATION_SENT_TO_ME` or `TYPES.SNS_APPLICATION_SENT_BY_ME`
 */

/**
 * @typedef {Object} AddFriendOptions
 * @property {string} to the user to add
 * @property {string} [source] where the request comes from (the reference's `AddSource_Type_<name>`)
 * @property {string} [wording] words for the other user
 * @property {string} [remark] what this user will call the friend
 * @property {string} [groupName] a friend list to put the friend in
 * @property {string} [type] `TYPES.SNS_ADD_TYPE_BOTH` (the default: each in the other's list) or `TYPES.SNS_ADD_TYPE_SINGLE`
 */

/** Friends per `get_friends` page (the protocol's maximum). */
const FRIENDS_PAGE = 1000;

/** The `AddResult` code of a request that waits for the other user (as the reference's). */
const PENDING_CODE = 30539;

export class Friends {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
    /** @private */
    this.friendFeed = new ListFeed(client, EVENT.FRIEND_LIST_UPDATED, () => this.readFriends());
    /** @private */
    this.applicationFeed = new ListFeed(client, EVENT.FRIEND_APPLICATION_LIST_UPDATED, () => this.readApplications());
  }

  /**
   * `Chat#addFriend`
   * @param {AddFriendOptions} options
   * @returns {Promise<Response<{userID: string, code: number, message: string, isPending: boolean}>>}
   */
  async add(options) {
    if (!isObject(options)) throw invalid('addFriend needs {to}');
    const to = requireID(options.to, 'to');
    const type = options.type === undefined ? TYPES.SNS_ADD_TYPE_BOTH : options.type;
    if (type !== TYPES.SNS_ADD_TYPE_BOTH && type !== TYPES.SNS_ADD_TYPE_SINGLE)
      throw invalid('type must be TYPES.SNS_ADD_TYPE_BOTH or TYPES.SNS_ADD_TYPE_SINGLE');
    /** @type {Record<string, unknown>} */
    const frame = {
      op: 'add_friend',
      To_Account: to,
      AddType: type,
      AddSource: optionalString(options.source, 'source'),
      AddWording: optionalString(options.wording, 'wording'),
      Remark: optionalString(options.remark, 'remark'),
    };
    const group = optionalString(options.groupName, 'groupName');
    if (group !== '') frame.GroupName = group;
    const reply = await this.client.requests.request(frame);
    const isPending = reply.optBool('Pending');
    return {
      code: 0,
      data: {
        userID: to,
        code: isPending ? PENDING_CODE : 0,
        message: isPending ? `waiting for ${to} to accept` : '',
        isPending,
      },
    };
  }

  /**
   * `Chat#acceptFriendApplication` and `Chat#refuseFriendApplication`
   * @param {{userID: string, remark?: string}} options
   * @param {boolean} accept
   * @returns {Promise<Response<{userID: string}>>}
   */
  async answer(options, accept) {
    if (!isObject(options)) throw invalid('a friend application is answered with {userID}');
    const from = requireID(options.userID, 'userID');
    const remark = optionalString(options.remark, 'remark');
    await this.client.requests.request({ op: 'answer_friend_request', From_Account: from, Accept: accept, Remark: remark });
    return { code: 0, data: { userID: from } };
  }

  /**
   * `Chat#deleteFriend`
   * @param {{userIDList: string[], type?: string}} options
   * @returns {Promise<Response<{successUserIDList: Array<{userID: string}>, failureUserIDList: Array<{userID: string, code: number, message: string}>}>>}
   */
  async remove(options) {
    if (!isObject(options)) throw invalid('deleteFriend needs {userIDList}');
    const userIDs = requireIDList(options.userIDList, 'userIDList');
    const type = options.type === undefined ? TYPES.SNS_DELETE_TYPE_BOTH : options.type;
    if (type !== TYPES.SNS_DELETE_TYPE_BOTH && type !== TYPES.SNS_DELETE_TYPE_SINGLE)
      throw invalid('type must be TYPES.SNS_DELETE_TYPE_BOTH or TYPES.SNS_DELETE_TYPE_SINGLE');
    /** @type {Array<{userID: string}>} */
    const successUserIDList = [];
    /** @type {Array<{userID: string, code: number, message: string}>} */
    const failureUserIDList = [];
    for (const userID of userIDs) {
      try {
        await this.client.requests.request({
          op: 'delete_friend',
          To_Account: userID,
          Both: type === TYPES.SNS_DELETE_TYPE_BOTH,
        });
        successUserIDList.push({ userID });
      } catch (err) {
        const e = /** @type {LiveRoomError} */ (err);
        if (e.code < 0) throw e; // the SDK's own: no session, no connection
        failureUserIDList.push({ userID, code: e.code, message: e.message });
      }
    }
    return { code: 0, data: { successUserIDList, failureUserIDList } };
  }

  /**
   * `Chat#getFriendList`
   * @returns {Promise<Response<Friend[]>>}
   */
  async list() {
    const friends = await this.readFriends();
    this.friendFeed.seen(friends);
    return { code: 0, data: friends };
  }

  /**
   * `Chat#getFriendApplicationList`
   * @returns {Promise<Response<{friendApplicationList: FriendApplication[]}>>}
   */
  async applications() {
    const list = await this.readApplications();
    this.applicationFeed.seen(list);
    return { code: 0, data: list };
  }

  /**
   * Every page of the friend list, with the friends' profiles.
   * @private
   * @returns {Promise<Friend[]>}
   */
  async readFriends() {
    const { requests, profiles } = this.client;
    /** @type {Array<Omit<Friend, 'profile'>>} */
    const rows = [];
    for (;;) {
      const reply = await requests.request({ op: 'get_friends', Start: rows.length, Count: FRIENDS_PAGE });
      const page = decodeOrThrow(() => ({
        friends: reply.arr('Friends').map((raw, i) => {
          const f = new Fields(raw, `get_friends.Friends[${i}]`);
          return {
            userID: f.str('UserID'),
            remark: f.optStr('Remark'),
            groupList: f.optArr('Groups').map((g) => String(g)),
            addTime: f.optNum('AddTime'),
          };
        }),
        total: reply.optNum('Total'),
      }));
      rows.push(...page.friends);
      if (page.friends.length < FRIENDS_PAGE || rows.length >= page.total) break;
    }
    const found = await profiles.readMap(rows.map((r) => r.userID));
    return rows.map((r) => ({ ...r, profile: /** @type {Profile} */ (found.get(r.userID)) }));
  }

  /**
   * The requests sent to this user and by it, with the other users' nicks and avatars.
   * @private
   * @returns {Promise<{friendApplicationList: FriendApplication[]}>}
   */
  async readApplications() {
    const { requests, profiles } = this.client;
    const reply = await requests.request({ op: 'get_friend_requests' });
    /**
     * @param {string} key `Incoming` or `Outgoing`
     * @param {string} type
     */
    const read = (key, type) =>
      reply.optArr(key).map((raw, i) => {
        const f = new Fields(raw, `get_friend_requests.${key}[${i}]`);
        const incoming = type === TYPES.SNS_APPLICATION_SENT_TO_ME;
        return {
          userID: f.str(incoming ? 'From_Account' : 'To_Account'),
          time: f.optNum('Time'),
          source: f.optStr('AddSource'),
          wording: f.optStr('AddWording'),
          type,
        };
      });
    const rows = decodeOrThrow(() => [
      ...read('Incoming', TYPES.SNS_APPLICATION_SENT_TO_ME),
      ...read('Outgoing', TYPES.SNS_APPLICATION_SENT_BY_ME),
    ]);
    const found = await profiles.readMap(Array.from(new Set(rows.map((r) => r.userID))));
    return {
      friendApplicationList: rows.map((r) => {
        const p = /** @type {Profile} */ (found.get(r.userID));
        return { ...r, nick: p.nick, avatar: p.avatar };
      }),
    };
  }

  /**
   * A `friend` push: a relationship of this user changed (on any of its devices, or by the
   * other user). The lists it concerns are read again.
   * @param {Fields} f
   */
  onPush(f) {
    const action = f.str('Action');
    const mine = f.str('From_Account') === this.client.session.userID();
    switch (action) {
      case 'request':
      case 'declined':
        this.applicationFeed.changed();
        break;
      case 'added':
        this.friendFeed.changed();
        this.applicationFeed.changed();
        break;
      case 'blocked':
        // Blocking ends the friendship and the requests both ways.
        this.friendFeed.changed();
        this.applicationFeed.changed();
        if (mine) this.client.blocklist.changed();
        break;
      case 'unblocked':
        if (mine) this.client.blocklist.changed();
        break;
      default:
        // `deleted`, `updated` (remarks, lists), and what a newer server may add.
        this.friendFeed.changed();
    }
  }

  /** Back after a reconnect: what changed meanwhile is announced. */
  sessionRestored() {
    this.friendFeed.changed();
    this.applicationFeed.changed();
  }

  /** The session is over. */
  reset() {
    this.friendFeed.reset();
    this.applicationFeed.reset();
  }
}
