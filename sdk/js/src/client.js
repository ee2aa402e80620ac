// The parts of one `Chat`, side by side: each part owns its state and reaches the others
// through the client. Frames from the server come in here and go to the part they concern.
//
// Adding a feature: a module with a class that takes the client, a field for it here, its
// pushes in `dispatch`, its calls on `Chat`.

/** @import { CreateOptions } from './options.js' */
import { isObject } from './checks.js';
import { ERROR_CODE, EVENT } from './constants.js';
import { FrameError } from './errors.js';
import { Logger } from './log.js';
import { normalizeOptions } from './options.js';
import { decodeReply, Fields, quoteBigSeeds } from './fields.js';
import { Events, Inbox } from './events.js';
import { Connection } from './connection.js';
import { Requests } from './requests.js';
import { Session } from './session.js';
import { Rooms } from './rooms.js';
import { decodeMessage } from './message.js';
import { Messages } from './messages.js';
import { Gifts } from './gifts.js';
import { Likes } from './likes.js';
import { Live } from './live.js';
import { Moderation } from './moderation.js';
import { Conversations } from './conversations.js';
import { C2C } from './c2c.js';
import { ChatSync } from './chat-sync.js';
import { Groups } from './groups.js';
import { GroupMembers } from './group-members.js';
import { GroupChat } from './group-chat.js';
import { Topics } from './topics.js';
import { MessageFeatures } from './message-features.js';
import { Profiles } from './profiles.js';
import { Friends } from './friends.js';
import { Blocklist } from './blocklist.js';
import { Status } from './status.js';

export class Client {
  /** @param {CreateOptions} options */
  constructor(options) {
    /** @readonly */
    this.o = normalizeOptions(options);
    this.log = new Logger(this.o.logLevel);
    this.events = new Events(this.log);
    this.inbox = new Inbox(this.events);
    this.connection = new Connection(this);
    this.requests = new Requests(this);
    this.session = new Session(this);
    this.rooms = new Rooms(this);
    this.messages = new Messages(this);
    this.gifts = new Gifts(this);
    this.likes = new Likes(this);
    this.live = new Live(this);
    this.moderation = new Moderation(this);
    this.conversations = new Conversations(this);
    this.c2c = new C2C(this);
    this.sync = new ChatSync(this);
    this.groups = new Groups(this);
    this.groupMembers = new GroupMembers(this);
    this.groupChat = new GroupChat(this);
    this.topics = new Topics(this);
    this.features = new MessageFeatures(this);
    this.profiles = new Profiles(this);
    this.friends = new Friends(this);
    this.blocklist = new Blocklist(this);
    this.status = new Status(this);
  }

  /**
   * A frame from the server. Whatever it holds, it must not take the connection (or the
   * process) down: a frame that cannot be read is reported as ERROR and ignored.
   * @param {unknown} data
   */
  receive(data) {
    if (typeof data !== 'string') {
      this.events.error(ERROR_CODE.MALFORMED_FRAME, 'ignored a non-text frame');
      return;
    }
    let frame;
    try {
      frame = JSON.parse(quoteBigSeeds(data));
    } catch (_) {
      this.events.error(ERROR_CODE.MALFORMED_FRAME, `ignored a frame that is not JSON: ${data.slice(0, 200)}`);
      return;
    }
    if (!isObject(frame) || typeof frame.op !== 'string') {
      this.events.error(ERROR_CODE.MALFORMED_FRAME, `ignored a frame without an op: ${data.slice(0, 200)}`);
      return;
    }
    try {
      this.dispatch(frame.op, new Fields(frame, frame.op));
    } catch (err) {
      if (!(err instanceof FrameError)) this.log.error(`handling a ${frame.op} frame failed`, err);
      this.events.error(
        ERROR_CODE.MALFORMED_FRAME,
        `ignored a malformed ${frame.op} frame: ${String(err && /** @type {Error} */ (err).message)}`,
      );
    }
  }

  /**
   * @private
   * @param {string} op
   * @param {Fields} f
   */
  dispatch(op, f) {
    switch (op) {
      case 'reply':
        return this.requests.onReply(decodeReply(f));
      case 'message':
        // A group that keeps its messages, or a live room (groups.js tells them apart).
        if (this.groups.isStored(f.str('GroupId'))) return this.groupChat.onMessage(f);
        return this.messages.onMessage(decodeMessage(f));
      case 'tip':
        if (this.groups.isStored(f.str('GroupId'))) return this.groupChat.onTip(f);
        return this.rooms.onTip(f);
      case 'system':
        return this.rooms.onSystem(f);
      case 'kicked':
        return this.session.onKicked(f.str('Reason'), f.optStr('ErrorInfo'));
      case 'online':
        return this.inbox.emitInOrder(EVENT.ONLINE_COUNT_UPDATED, {
          groupID: f.str('GroupId'),
          memberCount: f.num('MemberNum'),
        });
      case 'likes':
        return this.inbox.emitInOrder(EVENT.LIKES_UPDATED, { groupID: f.str('GroupId'), total: f.num('Total') });
      case 'gift':
        return this.gifts.onPush(f);
      case 'recalled':
        if (this.groups.isStored(f.str('GroupId'))) return this.groupChat.onRecalled(f);
        // After the message it names, even when that one still waits in the inbox.
        return this.inbox.emitInOrder(EVENT.MESSAGE_RECALLED, {
          groupID: f.str('GroupId'),
          sequence: f.num('MsgSeq'),
          operatorID: f.str('Operator_Account'),
        });
      case 'c2c':
        return this.c2c.onPush(f);
      case 'c2c_recalled':
        return this.c2c.onRecalled(f);
      case 'c2c_modified':
        return this.c2c.onModified(f);
      case 'c2c_read':
        this.sync.activate();
        return this.conversations.onRead(f);
      case 'c2c_conversation':
        this.sync.activate();
        return this.conversations.onChanged(f);
      case 'group_read':
        this.sync.activate();
        return this.conversations.onGroupRead(f);
      case 'message_modified':
        return this.groupChat.onModified(f);
      case 'reaction':
        return this.features.onReaction(f);
      case 'message_extension':
        return this.features.onExtension(f);
      case 'topic':
        return this.topics.onPush(f);
      case 'typing':
        return this.c2c.onTyping(f);
      case 'profile':
        return this.profiles.onPush(f);
      case 'friend':
        return this.friends.onPush(f);
      case 'user_status':
        return this.status.onPush(f);
      default:
        // A newer server may push more; that is not an error.
        this.log.debug(`ignored a push with op ${op}`);
    }
  }
}
