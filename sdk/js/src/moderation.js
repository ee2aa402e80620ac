// Moderation by the owner and admins of a room (and App admins): mutes, mute-all, bans,
// recalls and admins.

/** @import { Client } from './client.js' */
/** @import { Response } from './session.js' */
import { isCount, optionalString, requireAccounts, requireCount, requireID } from './checks.js';
import { invalid } from './errors.js';

export class Moderation {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
  }

  /**
   * `Chat#mute`
   * @param {string} groupID
   * @param {string|string[]} userID
   * @param {number} seconds
   * @returns {Promise<Response<{}>>}
   */
  async mute(groupID, userID, seconds) {
    await this.client.requests.request({
      op: 'mute',
      GroupId: requireID(groupID, 'groupID'),
      Members_Account: requireAccounts(userID),
      MuteTime: requireCount(seconds, 'seconds'),
    });
    return { code: 0, data: {} };
  }

  /**
   * `Chat#muteAll`
   * @param {string} groupID
   * @param {boolean} on
   * @returns {Promise<Response<{}>>}
   */
  async muteAll(groupID, on) {
    if (typeof on !== 'boolean') throw invalid('on must be a boolean');
    await this.client.requests.request({
      op: 'mute_all',
      GroupId: requireID(groupID, 'groupID'),
      MuteAllMember: on ? 'On' : 'Off',
    });
    return { code: 0, data: {} };
  }

  /**
   * `Chat#ban`
   * @param {string} groupID
   * @param {string|string[]} userID
   * @param {number} seconds
   * @param {string} [reason]
   * @returns {Promise<Response<{}>>}
   */
  async ban(groupID, userID, seconds, reason) {
    /** @type {Record<string, unknown>} */
    const frame = {
      op: 'ban',
      GroupId: requireID(groupID, 'groupID'),
      Members_Account: requireAccounts(userID),
      Duration: requireCount(seconds, 'seconds'),
    };
    if (reason !== undefined) frame.Description = optionalString(reason, 'reason');
    await this.client.requests.request(frame);
    return { code: 0, data: {} };
  }

  /**
   * `Chat#unban`
   * @param {string} groupID
   * @param {string|string[]} userID
   * @returns {Promise<Response<{}>>}
   */
  async unban(groupID, userID) {
    await this.client.requests.request({
      op: 'unban',
      GroupId: requireID(groupID, 'groupID'),
      Members_Account: requireAccounts(userID),
    });
    return { code: 0, data: {} };
  }

  /**
   * `Chat#recallMessage`
   * @param {string} groupID
   * @param {number} sequence
   * @returns {Promise<Response<{}>>}
   */
  async recallMessage(groupID, sequence) {
    if (!isCount(sequence) || sequence === 0) throw invalid('sequence must be a positive integer');
    await this.client.requests.request({ op: 'recall', GroupId: requireID(groupID, 'groupID'), MsgSeq: sequence });
    return { code: 0, data: {} };
  }

  /**
   * `Chat#setAdmin`
   * @param {string} groupID
   * @param {string|string[]} userID
   * @param {boolean} on
   * @returns {Promise<Response<{}>>}
   */
  async setAdmin(groupID, userID, on) {
    if (typeof on !== 'boolean') throw invalid('on must be a boolean');
    await this.client.requests.request({
      op: 'set_admin',
      GroupId: requireID(groupID, 'groupID'),
      Members_Account: requireAccounts(userID),
      Admin: on,
    });
    return { code: 0, data: {} };
  }
}
