// The SDK's public constants (`VERSION`, `TYPES`, `EVENT`, `ERROR_CODE`, `LOG_LEVEL`) and the
// value sets of the protocol that more than one part checks against.

/**
 * @typedef {'High'|'Normal'|'Low'|'Lowest'} Priority
 * @typedef {'Upcoming'|'Live'|'Paused'|'Ended'|'Replay'} LiveStateName
 * @typedef {'connected'|'connecting'|'disconnected'} NetState
 * @typedef {'Web'|'Android'|'iOS'|'Windows'|'Mac'|'iPad'|'Linux'|'Unknown'} Platform
 * @typedef {'unSend'|'sending'|'success'|'fail'} MessageStatus
 * @typedef {'GROUP'|'C2C'} ConversationType
 * @typedef {'Private'|'Public'|'ChatRoom'|'Community'|'AVChatRoom'} GroupType
 * @typedef {'Owner'|'Admin'|'Member'} MemberRole
 * @typedef {'AcceptAndNotify'|'AcceptNotNotify'|'Discard'} MessageRemindType
 */

export const VERSION = '0.1.0';

/** `MuteTime` and `MuteRemaining` of a permanent mute. */
export const PERMANENT_SECS = 4294967295;

export const PRIORITIES = new Set(['High', 'Normal', 'Low', 'Lowest']);
export const LIVE_STATES = new Set(['Upcoming', 'Live', 'Paused', 'Ended', 'Replay']);

/** Group types: the names `createGroup` and the server use. */
export const GROUP_TYPES = new Set(['Private', 'Public', 'ChatRoom', 'Community', 'AVChatRoom']);

/** Constants for messages, tips, groups, live states, network states, kick reasons, profiles, friends and user status. */
export const TYPES = Object.freeze({
  MSG_PRIORITY_HIGH: 'High',
  MSG_PRIORITY_NORMAL: 'Normal',
  MSG_PRIORITY_LOW: 'Low',
  MSG_PRIORITY_LOWEST: 'Lowest',

  /** `conversationType` of a message and `type` of a conversation: a group's (live rooms included), or one-to-one. */
  CONV_GROUP: 'GROUP',
  CONV_C2C: 'C2C',

  /** Group types (`createGroup`'s `type`, a group's `type`). Work and Meeting are the newer names of Private and ChatRoom. */
  GRP_WORK: 'Private',
  GRP_PUBLIC: 'Public',
  GRP_MEETING: 'ChatRoom',
  GRP_COMMUNITY: 'Community',
  GRP_AVCHATROOM: 'AVChatRoom',

  /** How users join a group (`createGroup`'s `joinOption`). */
  JOIN_OPTIONS_FREE_ACCESS: 'FreeAccess',
  JOIN_OPTIONS_NEED_PERMISSION: 'NeedPermission',
  JOIN_OPTIONS_DISABLE_APPLY: 'DisableApply',

  /** Whether ordinary members' invitations add at once, wait for approval, or are refused (`createGroup`'s `inviteOption`). */
  INVITE_OPTIONS_FREE_ACCESS: 'FreeAccess',
  INVITE_OPTIONS_NEED_PERMISSION: 'NeedPermission',
  INVITE_OPTIONS_DISABLE_INVITE: 'DisableInvite',

  /** `status` of `joinGroup`. */
  JOIN_STATUS_SUCCESS: 'JoinedSuccess',
  JOIN_STATUS_WAIT_APPROVAL: 'WaitAdminApproval',
  JOIN_STATUS_ALREADY_IN_GROUP: 'AlreadyInGroup',

  /** A member's role in a group. */
  GRP_MBR_ROLE_OWNER: 'Owner',
  GRP_MBR_ROLE_ADMIN: 'Admin',
  GRP_MBR_ROLE_MEMBER: 'Member',

  /** How a member wants a group's messages (`setMessageRemindType`, a conversation's `messageRemindType`). */
  MSG_REMIND_ACPT_AND_NOTE: 'AcceptAndNotify',
  MSG_REMIND_ACPT_NOT_NOTE: 'AcceptNotNotify',
  MSG_REMIND_DISCARD: 'Discard',

  /** `handleAction` of `handleGroupApplication`. */
  GRP_APPLICATION_AGREE: 'Agree',
  GRP_APPLICATION_REJECT: 'Reject',

  /** `applicationType` of a group application: the user asked to join, or a member invited it. */
  GRP_APPLICATION_TYPE_JOIN: 0,
  GRP_APPLICATION_TYPE_INVITE: 2,

  /** `scope` of `setAllMessageRead`. */
  READ_ALL_C2C_MSG: 'readAllC2CMessage',
  READ_ALL_GROUP_MSG: 'readAllGroupMessage',
  READ_ALL_MSG: 'readAllMsg',

  /** In `atUserList` of `createTextAtMessage`: mention everyone. */
  MSG_AT_ALL: '__kImSDK_MesssageAtALL__',

  /** `atTypeArray` of a conversation's or a topic's `groupAtInfoList`: a message mentions this user, everyone, or both. */
  CONV_AT_ME: 1,
  CONV_AT_ALL: 2,
  CONV_AT_ALL_AT_ME: 3,

  MSG_TEXT: 'TIMTextElem',
  MSG_CUSTOM: 'TIMCustomElem',
  MSG_FACE: 'TIMFaceElem',
  MSG_LOCATION: 'TIMLocationElem',
  MSG_IMAGE: 'TIMImageElem',
  MSG_AUDIO: 'TIMSoundElem',
  MSG_FILE: 'TIMFileElem',
  MSG_VIDEO: 'TIMVideoFileElem',
  MSG_MERGER: 'TIMRelayElem',
  MSG_GRP_TIP: 'TIMGroupTipElem',
  MSG_GRP_SYS_NOTICE: 'TIMGroupSystemNoticeElem',

  /** `payload.operationType` of a group tip. */
  GRP_TIP_MBR_JOIN: 1,
  GRP_TIP_MBR_INVITED: 2,
  GRP_TIP_MBR_QUIT: 3,
  GRP_TIP_MBR_KICKED_OUT: 4,
  GRP_TIP_MBR_SET_ADMIN: 5,
  GRP_TIP_MBR_CANCELED_ADMIN: 6,
  GRP_TIP_GRP_PROFILE_UPDATED: 7,
  GRP_TIP_MBR_PROFILE_UPDATED: 8,

  /** `payload.operationType` of a group system notice. */
  GRP_SYS_JOIN_GROUP_REQUEST: 1,
  GRP_SYS_JOIN_GROUP_ACCEPT: 2,
  GRP_SYS_JOIN_GROUP_REFUSE: 3,
  GRP_SYS_KICKED_OUT: 4,
  GRP_SYS_DISMISSED: 5,
  /** A group was created with this user among its first members (`payload.groupType`, `payload.groupName`). */
  GRP_SYS_GROUP_CREATED: 6,
  GRP_SYS_CUSTOM: 255,

  LIVE_STATE_UPCOMING: 'Upcoming',
  LIVE_STATE_LIVE: 'Live',
  LIVE_STATE_PAUSED: 'Paused',
  LIVE_STATE_ENDED: 'Ended',
  LIVE_STATE_REPLAY: 'Replay',

  NET_STATE_CONNECTED: 'connected',
  NET_STATE_CONNECTING: 'connecting',
  NET_STATE_DISCONNECTED: 'disconnected',

  /** `type` of a KICKED_OUT event. */
  KICKED_OUT_MULTI_LOGIN: 'multi_login',
  KICKED_OUT_ACCOUNT: 'account_kicked',
  KICKED_OUT_REQUEST_FLOOD: 'request_flood',
  KICKED_OUT_USERSIG_EXPIRED: 'usersig_expired',
  KICKED_OUT_LOGIN_FAILED: 'login_failed',

  GIFT_PLAIN: 0,
  GIFT_BANNER: 1,
  GIFT_EFFECT: 2,

  /** `muteRemaining` of a permanent mute; also accepted by `mute` and `ban`. */
  MUTE_PERMANENT: PERMANENT_SECS,

  /** `gender` of a profile. */
  GENDER_UNKNOWN: 'Gender_Type_Unknown',
  GENDER_FEMALE: 'Gender_Type_Female',
  GENDER_MALE: 'Gender_Type_Male',

  /** `allowType` of a profile: how friend requests to the user go. */
  ALLOW_TYPE_ALLOW_ANY: 'AllowType_Type_AllowAny',
  ALLOW_TYPE_NEED_CONFIRM: 'AllowType_Type_NeedConfirm',
  ALLOW_TYPE_DENY_ANY: 'AllowType_Type_DenyAny',

  /** `adminForbidType` of a profile (set by the app's backend). */
  FORBID_TYPE_NONE: 'AdminForbid_Type_None',
  FORBID_TYPE_SEND_OUT: 'AdminForbid_Type_SendOut',

  /** `type` of `addFriend`: into both users' lists (the default), or the adder's only. */
  SNS_ADD_TYPE_SINGLE: 'Add_Type_Single',
  SNS_ADD_TYPE_BOTH: 'Add_Type_Both',

  /** `type` of `deleteFriend`: from both users' lists (the default), or the caller's only. */
  SNS_DELETE_TYPE_SINGLE: 'Delete_Type_Single',
  SNS_DELETE_TYPE_BOTH: 'Delete_Type_Both',

  /** `type` of a friend application: sent to this user, or by it. */
  SNS_APPLICATION_SENT_TO_ME: 'Pendency_Type_ComeIn',
  SNS_APPLICATION_SENT_BY_ME: 'Pendency_Type_SendOut',

  /** `statusType` of a user's status. */
  USER_STATUS_UNKNOWN: 0,
  USER_STATUS_ONLINE: 1,
  USER_STATUS_OFFLINE: 2,
});

/** Event names for `chat.on` / `chat.off`. */
export const EVENT = Object.freeze({
  SDK_READY: 'sdkReady',
  SDK_NOT_READY: 'sdkNotReady',
  MESSAGE_RECEIVED: 'messageReceived',
  KICKED_OUT: 'kickedOut',
  NET_STATE_CHANGE: 'netStateChange',
  ERROR: 'error',
  LIVE_STATE_CHANGED: 'liveStateChanged',
  ITEM_PINNED: 'itemPinned',
  GIFT_RECEIVED: 'giftReceived',
  LIKES_UPDATED: 'likesUpdated',
  ONLINE_COUNT_UPDATED: 'onlineCountUpdated',
  DRAW_STARTED: 'drawStarted',
  DRAW_RESULT: 'drawResult',
  GROUP_PROFILE_UPDATED: 'groupProfileUpdated',
  MUTED: 'muted',
  REMOVED_FROM_GROUP: 'removedFromGroup',
  MESSAGE_RECALLED: 'messageRecalled',
  GROUP_LIST_UPDATED: 'groupListUpdated',
  GROUP_SYSTEM_NOTICE_RECEIVED: 'groupSystemNoticeReceived',
  CONVERSATION_LIST_UPDATED: 'conversationListUpdated',
  TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: 'totalUnreadMessageCountUpdated',
  MESSAGE_REVOKED: 'messageRevoked',
  MESSAGE_MODIFIED: 'messageModified',
  MESSAGE_READ_BY_PEER: 'messageReadByPeer',
  TYPING_STATUS_UPDATED: 'typingStatusUpdated',
  PROFILE_UPDATED: 'profileUpdated',
  FRIEND_LIST_UPDATED: 'friendListUpdated',
  FRIEND_APPLICATION_LIST_UPDATED: 'friendApplicationListUpdated',
  BLACKLIST_UPDATED: 'blacklistUpdated',
  USER_STATUS_UPDATED: 'userStatusUpdated',
  TOPIC_CREATED: 'topicCreated',
  TOPIC_UPDATED: 'topicUpdated',
  TOPIC_DELETED: 'topicDeleted',
  MESSAGE_REACTIONS_UPDATED: 'messageReactionsUpdated',
  MESSAGE_EXTENSIONS_UPDATED: 'messageExtensionsUpdated',
});

/**
 * Codes of errors raised by the SDK itself. They are negative so they never collide with
 * the server's codes (docs/protocol.md, Error codes), which a `LiveRoomError` carries as is.
 */
export const ERROR_CODE = Object.freeze({
  /** The request was sent but no reply came within `requestTimeout`. */
  TIMEOUT: -1001,
  /** No connection: it was lost with the request in flight, or not restored within `requestTimeout`. */
  NOT_CONNECTED: -1002,
  /** Needs `login` or `loginAsGuest` first (or the session ended before the reply). */
  NOT_LOGGED_IN: -1003,
  /** A bad argument; nothing was sent. */
  INVALID_ARGUMENT: -1004,
  /** The instance was destroyed. */
  DESTROYED: -1005,
  /** The WebSocket could not be opened. */
  CONNECT_FAILED: -1006,
  /** The server ended the session (see the KICKED_OUT event). */
  KICKED_OUT: -1007,
  /** The server sent a frame the SDK cannot read; it was ignored. */
  MALFORMED_FRAME: -1008,
  /** The request is larger than the 16 KiB the server accepts (the server's own code for it). */
  FRAME_TOO_LARGE: 93000,
});

/** Log levels for the `logLevel` option and `setLogLevel`. */
export const LOG_LEVEL = Object.freeze({ DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3, NONE: 4 });
