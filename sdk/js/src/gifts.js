// Gifts: the `gift` push to the sender's own connections and the room's combo messages, as
// GIFT_RECEIVED; the sender's echo of gifts it was already shown is marked.

/** @import { Client } from './client.js' */
/** @import { Message } from './message.js' */
import { isObject } from './checks.js';
import { EVENT, TYPES } from './constants.js';
import { Fields } from './fields.js';

/**
 * A gift: from the `gift` push to the sender's own connections, or from the room's combo
 * message. The sender sees both; `echo` marks the room's message repeating gifts the sender
 * was already shown by pushes, compared by `comboID` and `comboCount`.
 * @typedef {Object} Gift
 * @property {string} groupID
 * @property {string} from the sender's UserID
 * @property {string} nick
 * @property {string} avatar
 * @property {number} level
 * @property {string} giftID
 * @property {string} giftName
 * @property {number} giftType 0 plain, 1 banner, 2 banner with an effect
 * @property {number} count gifts in this push or message
 * @property {number} comboCount gifts of the combo so far, these included
 * @property {string} comboID
 * @property {string} effectURL
 * @property {number} value the value of one gift, in the app's unit
 * @property {'push'|'message'} source
 * @property {boolean} isSelf sent by the logged-in user
 * @property {boolean} echo a combo message whose gifts this client already showed from pushes
 * @property {Message|null} message the combo message (source `message`)
 */

/**
 * @param {Fields} f a `gift` push or the `Data` of a combo message
 * @param {{nick: string, avatar: string, level: number, isSelf: boolean, source: 'push'|'message', message: Message|null}} extra
 * @returns {Gift}
 */
function decodeGift(f, extra) {
  return {
    groupID: f.str('GroupId'),
    from: f.str('From_Account'),
    nick: extra.nick,
    avatar: extra.avatar,
    level: extra.level,
    giftID: f.str('GiftId'),
    giftName: f.optStr('GiftName'),
    giftType: f.optNum('GiftType'),
    count: f.num('Count'),
    comboCount: f.num('ComboCount'),
    comboID: f.str('ComboId'),
    effectURL: f.optStr('EffectUrl'),
    value: f.optNum('Value'),
    source: extra.source,
    isSelf: extra.isSelf,
    echo: false,
    message: extra.message,
  };
}

/**
 * The gift a combo message carries: a custom message whose `Data` is a JSON object with
 * `"type": "gift"`. Anything else (including custom data that is not JSON) is no gift.
 * @param {Message} message
 * @returns {Fields|null}
 */
function giftData(message) {
  if (message.type !== TYPES.MSG_CUSTOM) return null;
  let data;
  try {
    data = JSON.parse(message.payload.data);
  } catch (_) {
    return null;
  }
  return isObject(data) && data.type === 'gift' ? new Fields(data, 'gift') : null;
}

export class Gifts {
  /** @param {Client} client */
  constructor(client) {
    /** @private */
    this.client = client;
  }

  /**
   * A gift this user just sent (the server pushes it to the sender's own connections).
   * @param {Fields} f
   */
  onPush(f) {
    const me = this.client.session.me || { nick: '', avatar: '', level: 0 };
    const gift = decodeGift(f, {
      nick: me.nick,
      avatar: me.avatar,
      level: me.level,
      isSelf: true,
      source: 'push',
      message: null,
    });
    const room = this.client.rooms.get(gift.groupID);
    if (room) room.sawOwnGift(gift.comboID, gift.comboCount);
    this.client.inbox.emitInOrder(EVENT.GIFT_RECEIVED, gift);
  }

  /**
   * A combo message's gift; the sender's echo of gifts it was pushed is marked `echo`.
   * @param {Message} message
   */
  fromMessage(message) {
    const data = giftData(message);
    if (data === null) return;
    let gift;
    try {
      const isSelf = message.from === this.client.session.userID();
      gift = decodeGift(data, {
        nick: message.nick,
        avatar: message.avatar,
        level: message.level,
        isSelf,
        source: 'message',
        message,
      });
    } catch (err) {
      // Custom data that merely looks like a gift: the message was delivered; no gift event.
      this.client.log.debug('a gift-like custom message could not be read', err);
      return;
    }
    const room = this.client.rooms.get(message.to);
    const shown = room ? room.ownCombos.get(gift.comboID) || 0 : 0;
    gift.echo = gift.isSelf && shown >= gift.comboCount;
    this.client.inbox.emitInOrder(EVENT.GIFT_RECEIVED, gift);
  }
}
