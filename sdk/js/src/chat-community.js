// `Chat`'s calls for communities' topics and for what members add to the messages of groups
// that keep them: reactions, extensions and read receipts; a group's profile. Sending,
// history, reading, recall and edits of a topic's messages are `Chat`'s calls for every kind
// of conversation (chat.js), with a topic's conversation ID `GROUP<topicID>`.

/** @import { Message } from './message.js' */
/** @import { Group, GroupInfo } from './groups.js' */
/** @import { Topic, TopicOptions } from './topics.js' */
/** @import { MessageExtension, MessageReactions } from './message-features.js' */
/** @import { Response } from './session.js' */
import { clientOf } from './chat-base.js';
import { GroupCalls } from './chat-groups.js';

/** The community and message-feature calls of `Chat`. */
export class CommunityCalls extends GroupCalls {
  /**
   * A group's profile and settings (`get_group_info`): name, notification, owner, member
   * count, join options, whether a community has topics. Any logged-in user may read it.
   * @param {{groupID: string}} options
   * @returns {Promise<Response<{group: GroupInfo}>>}
   */
  getGroupProfile(options) {
    return clientOf(this).groups.profile(options);
  }

  /**
   * The user's communities that have topics (created with `isSupportTopic`).
   * @returns {Promise<Response<{groupList: Group[]}>>}
   */
  getJoinedCommunityList() {
    return clientOf(this).groups.communities();
  }

  /**
   * Creates a topic in a community that has topics (its owner and admins): every member's
   * devices get TOPIC_CREATED. `topicID`, when given, must be `<groupID>@TOPIC#_<suffix>`.
   * @param {TopicOptions & {topicName: string, topicID?: string}} options
   * @returns {Promise<Response<{topicID: string}>>}
   */
  createTopicInCommunity(options) {
    return clientOf(this).topics.create(options);
  }

  /**
   * A community's topics (those named, or all), in the order they were created, each with
   * this user's unread count. TOPIC_UPDATED follows a topic as it changes (messages, reads
   * on any device, profile changes); TOPIC_CREATED and TOPIC_DELETED the list.
   * @param {{groupID: string, topicIDList?: string[]}} options
   * @returns {Promise<Response<{successTopicList: Topic[], failureTopicList: Array<{topicID: string, code: number, message: string}>}>>}
   */
  getTopicList(options) {
    return clientOf(this).topics.list(options);
  }

  /**
   * Changes a topic's profile or mutes it (the community's owner and admins); members get
   * TOPIC_UPDATED. Resolves with the topic as it is now.
   * @param {TopicOptions & {topicID: string, muteAllMembers?: boolean}} options
   * @returns {Promise<Response<{topic: Topic}>>}
   */
  updateTopicProfile(options) {
    return clientOf(this).topics.update(options);
  }

  /**
   * The same as `updateTopicProfile`.
   * @param {TopicOptions & {topicID: string, muteAllMembers?: boolean}} options
   * @returns {Promise<Response<{topic: Topic}>>}
   */
  setTopicProfile(options) {
    return clientOf(this).topics.update(options);
  }

  /**
   * Deletes topics of a community (those named, or all), with their messages (the owner and
   * admins); members get TOPIC_DELETED.
   * @param {{groupID: string, topicIDList?: string[]}} options
   * @returns {Promise<Response<{successTopicList: Array<{topicID: string}>, failureTopicList: Array<{topicID: string, code: number, message: string}>}>>}
   */
  deleteTopicFromCommunity(options) {
    return clientOf(this).topics.remove(options);
  }

  /**
   * Reacts to a message of a group (or topic) with an emoji or a short code (1–64 bytes; at
   * most 20 kinds a message): members get MESSAGE_REACTIONS_UPDATED. 10030 for a recalled or
   * unknown message.
   * @param {Message} message a sent or received message
   * @param {string} reactionID
   * @returns {Promise<Response<{message: Message, reactionID: string, totalUserCount: number}>>}
   */
  addMessageReaction(message, reactionID) {
    return clientOf(this).features.react(message, reactionID, true);
  }

  /**
   * Takes this user's reaction back: members get MESSAGE_REACTIONS_UPDATED.
   * @param {Message} message
   * @param {string} reactionID
   * @returns {Promise<Response<{message: Message, reactionID: string, totalUserCount: number}>>}
   */
  removeMessageReaction(message, reactionID) {
    return clientOf(this).features.react(message, reactionID, false);
  }

  /**
   * The reactions of messages of one conversation: each with its count, its first users
   * (at most `maxUserCountPerReaction`, 10 by default) and whether this user is one of them.
   * @param {{messageList: Message[], maxUserCountPerReaction?: number}} options
   * @returns {Promise<Response<MessageReactions[]>>}
   */
  getMessageReactions(options) {
    return clientOf(this).features.getReactions(options);
  }

  /**
   * Sets key-value extensions of a message sent with `isSupportExtension` (at most 20 at
   * once, 300 a message; keys up to 100 bytes, values up to 1000): members get
   * MESSAGE_EXTENSIONS_UPDATED. A key written by someone else since this client read it comes
   * back with `code` 23001 and the stored value: read, then try again. 23004 when the message
   * takes no extensions.
   * @param {Message} message
   * @param {MessageExtension[]} extensions
   * @returns {Promise<Response<{extensions: Array<{key: string, value: string, code: number}>}>>}
   */
  setMessageExtensions(message, extensions) {
    return clientOf(this).features.setExtensions(message, extensions);
  }

  /**
   * A message's extensions, by key.
   * @param {Message} message
   * @returns {Promise<Response<{extensions: MessageExtension[]}>>}
   */
  getMessageExtensions(message) {
    return clientOf(this).features.getExtensions(message);
  }

  /**
   * Read receipts of messages of a group (Work, Public and Meeting groups; not
   * communities): each message's `readReceiptInfo` says how many members other than its
   * sender read it and how many did not.
   * @param {Message[]} messageList
   * @returns {Promise<Response<{messageList: Message[]}>>}
   */
  getMessageReadReceiptList(messageList) {
    return clientOf(this).features.readReceipts(messageList);
  }
}
