export type MessageElement = {
    /**
     * the protocol's `MsgType`
     */
    type: string;
    /**
     * the protocol's `MsgContent`
     */
    content: Record<string, unknown>;
};
export type TextPayload = {
    text: string;
};
export type CustomPayload = {
    data: string;
    description: string;
    extension: string;
};
export type FacePayload = {
    index: number;
    data: string;
};
export type TipMember = {
    userID: string;
    /**
     * join tips
     */
    nick?: string | undefined;
    /**
     * mute tips: seconds, 0 unmuted, 4294967295 permanent
     */
    muteTime?: number | undefined;
    /**
     * ban tips: seconds
     */
    banTime?: number | undefined;
};
export type GroupInfoChange = {
    /**
     * 1 name, 2 introduction, 3 notification, 4 face URL, 6 custom field, 8 mute-all
     */
    type: number;
    field: string;
    value: string;
    /**
     * the custom field's key (type 6)
     */
    key?: string | undefined;
};
export type TipPayload = {
    /**
     * one of the `TYPES.GRP_TIP_*` values
     */
    operationType: number;
    operatorID: string;
    /**
     * the accounts in `memberList`
     */
    userIDList: string[];
    memberList: TipMember[];
    /**
     * online members after a join or quit (live rooms); members after it (groups that keep their members)
     */
    memberCount?: number | undefined;
    /**
     * profile changes (operationType 7)
     */
    groupInfoChanges: GroupInfoChange[];
    /**
     * why members were removed, when the operator said (groups that keep their members)
     */
    reason?: string | undefined;
};
export type SystemNoticePayload = {
    /**
     * one of the `TYPES.GRP_SYS_*` values
     */
    operationType: number;
    /**
     * who acted: for a join request (operationType 1), the applicant (or the inviter)
     */
    operatorID: string;
    /**
     * the notice's text (a ban's description for operationType 4)
     */
    content: string;
    /**
     * seconds of the ban (operationType 4)
     */
    banTime?: number | undefined;
    /**
     * join requests and their answers (operationType 1, 2, 3): who asked to join, or was invited
     */
    applicant?: string | undefined;
    /**
     * join requests: `TYPES.GRP_APPLICATION_TYPE_JOIN` (asked) or `TYPES.GRP_APPLICATION_TYPE_INVITE` (invited by a member)
     */
    applicationType?: number | undefined;
    /**
     * join requests by invitation: the member who invited
     */
    inviterID?: string | undefined;
    /**
     * join requests: what the applicant wrote
     */
    messageForCheck?: string | undefined;
    /**
     * answers (operationType 2, 3): what the owner or admin wrote
     */
    handleMessage?: string | undefined;
    /**
     * a new group's type (operationType 6)
     */
    groupType?: string | undefined;
    /**
     * a new group's name (operationType 6)
     */
    groupName?: string | undefined;
    /**
     * `DrawStarted` or `DrawEnded` for lucky-draw notices
     */
    event?: string | undefined;
    /**
     * the draw, as sent
     */
    draw?: Record<string, unknown> | undefined;
};
/**
 * Fields every message has.
 */
export type MessageBase = {
    /**
     * the same message has the same ID on every device: `<from>-<random>` in a group, `<from>-<clientSequence>-<random>` one to one, `tip-<groupID>-<sequence>` for a group's stored tip
     */
    ID: string;
    /**
     * `GROUP` (a live room or another group) or `C2C` (one to one)
     */
    conversationType: ConversationType;
    /**
     * `GROUP<groupID>` or `C2C<the other user's ID>`
     */
    conversationID: string;
    /**
     * the room, or the receiving user
     */
    to: string;
    /**
     * the sender's UserID (for tips and notices: the operator)
     */
    from: string;
    /**
     * the sender's nickname when it was sent
     */
    nick: string;
    /**
     * the sender's avatar when it was sent
     */
    avatar: string;
    /**
     * the sender's level when it was sent (0 when statistics are off)
     */
    level: number;
    /**
     * the group's sequence number, or the one-to-one conversation's (0 for live rooms' tips, notices, unsent and online-only messages)
     */
    sequence: number;
    /**
     * Unix seconds
     */
    time: number;
    /**
     * the sender's de-duplication key
     */
    random: number;
    priority: Priority;
    cloudCustomData: string;
    /**
     * part of the short history a joiner receives
     */
    isHistory: boolean;
    flow: "in" | "out";
    status: MessageStatus;
    /**
     * `MsgFreqCtrl` when the room's frequency control dropped an acknowledged message
     */
    dropReason: string;
    /**
     * every element of the message; `type`/`payload` describe the first
     */
    elements: MessageElement[];
    /**
     * one to one: the server's `MsgKey` (`<sequence>_<random>_<time>`); empty in rooms
     */
    messageKey: string;
    /**
     * one to one: the sender's own number for the message (`MsgSeq`); 0 in rooms
     */
    clientSequence: number;
    /**
     * one to one and groups that keep their messages: recalled (a page of history keeps it with no elements and an empty text)
     */
    isRevoked: boolean;
    /**
     * one to one and groups that keep their messages: edited since it was sent
     */
    isModified: boolean;
    /**
     * one to one: the receiver has read it (the sender's messages)
     */
    isPeerRead: boolean;
    /**
     * one to one and groups that keep their messages: the sender asked for read receipts
     */
    needReadReceipt: boolean;
    /**
     * sent to who was online, never stored (`sequence` 0)
     */
    onlineOnly: boolean;
    /**
     * groups that keep their messages: the users the message mentions (`TYPES.MSG_AT_ALL`: everyone)
     */
    atUserList: string[];
    /**
     * groups that keep their messages: the sender made it take extensions (`setMessageExtensions`); known for this client's own sends only (the server does not say of others')
     */
    isSupportExtension: boolean;
    /**
     * groups that keep their messages: set by `getMessageReadReceiptList`
     */
    readReceiptInfo?: {
        readCount: number;
        unreadCount: number;
    } | undefined;
};
export type TextMessage = MessageBase & {
    type: "TIMTextElem";
    payload: TextPayload;
};
export type CustomMessage = MessageBase & {
    type: "TIMCustomElem";
    payload: CustomPayload;
};
export type FaceMessage = MessageBase & {
    type: "TIMFaceElem";
    payload: FacePayload;
};
export type GroupTipMessage = MessageBase & {
    type: "TIMGroupTipElem";
    payload: TipPayload;
};
export type GroupSystemNoticeMessage = MessageBase & {
    type: "TIMGroupSystemNoticeElem";
    payload: SystemNoticePayload;
};
/**
 * Messages whose payload is the element's `MsgContent` as sent.
 */
export type OtherMessage = MessageBase & {
    type: "TIMLocationElem" | "TIMImageElem" | "TIMSoundElem" | "TIMFileElem" | "TIMVideoFileElem" | "TIMRelayElem";
    payload: Record<string, unknown>;
};
export type Message = TextMessage | CustomMessage | FaceMessage | GroupTipMessage | GroupSystemNoticeMessage | OtherMessage;
export type DrawInfo = {
    drawID: string;
    keyword: string;
    /**
     * seconds
     */
    duration: number;
    /**
     * how many will be drawn
     */
    winners: number;
};
export type DrawResult = {
    drawID: string;
    keyword: string;
    startedBy: string;
    startTime: number;
    endTime: number;
    entrants: number;
    /**
     * the shuffle's seed as decimal text (it exceeds JavaScript's safe integers)
     */
    seed: string;
    /**
     * SHA-256 (hex) of the sorted entrants joined by newlines
     */
    entrantsHash: string;
    winners: string[];
};
/**
 * A gift: from the `gift` push to the sender's own connections, or from the room's combo
 * message. The sender sees both; `echo` marks the room's message repeating gifts the sender
 * was already shown by pushes, compared by `comboID` and `comboCount`.
 */
export type Gift = {
    groupID: string;
    /**
     * the sender's UserID
     */
    from: string;
    nick: string;
    avatar: string;
    level: number;
    giftID: string;
    giftName: string;
    /**
     * 0 plain, 1 banner, 2 banner with an effect
     */
    giftType: number;
    /**
     * gifts in this push or message
     */
    count: number;
    /**
     * gifts of the combo so far, these included
     */
    comboCount: number;
    comboID: string;
    effectURL: string;
    /**
     * the value of one gift, in the app's unit
     */
    value: number;
    source: "push" | "message";
    /**
     * sent by the logged-in user
     */
    isSelf: boolean;
    /**
     * a combo message whose gifts this client already showed from pushes
     */
    echo: boolean;
    /**
     * the combo message (source `message`)
     */
    message: Message | null;
};
/**
 * A group as its conversation shows it.
 */
export type ConversationGroupProfile = {
    groupID: string;
    /**
     * `''` until the SDK has read the user's groups
     */
    type: GroupType | "";
    name: string;
    /**
     * the group's face URL
     */
    avatar: string;
};
/**
 * One conversation of the logged-in user: with another user, or in a group that keeps its
 * messages.
 */
export type Conversation = {
    /**
     * `C2C<userID>` or `GROUP<groupID>`
     */
    conversationID: string;
    /**
     * `C2C` or `GROUP`
     */
    type: ConversationType;
    /**
     * one to one: the other user (`''` for a group)
     */
    userID: string;
    /**
     * a group's conversation: the group (`''` one to one)
     */
    groupID: string;
    /**
     * a group's conversation: the group (null one to one)
     */
    groupProfile: ConversationGroupProfile | null;
    /**
     * a group's conversation: how this user wants its messages (`''` one to one)
     */
    messageRemindType: MessageRemindType | "";
    /**
     * the messages of others this user has not read (Meeting groups count none)
     */
    unreadCount: number;
    /**
     * the newest message (null when there is none, or its history was cleared)
     */
    lastMessage: Message | null;
    /**
     * the newest message's `sequence` (a group's tips count)
     */
    lastSequence: number;
    /**
     * the newest message's time (Unix seconds)
     */
    lastTime: number;
    /**
     * this user has read up to this `sequence`
     */
    readSequence: number;
    /**
     * one to one: the other user has read up to this `sequence` (read receipts)
     */
    peerReadSequence: number;
    /**
     * pinned conversations come first in the list
     */
    isPinned: boolean;
    /**
     * the conversation's marks (a bit set the application gives meaning to)
     */
    marks: number;
    /**
     * a group's conversation: the oldest unread message mentioning this user and the oldest to everyone (from the list), and those that arrived since (empty one to one)
     */
    groupAtInfoList: GroupAtInfo[];
};
export type Priority = "High" | "Normal" | "Low" | "Lowest";
export type LiveStateName = "Upcoming" | "Live" | "Paused" | "Ended" | "Replay";
export type NetState = "connected" | "connecting" | "disconnected";
export type Platform = "Web" | "Android" | "iOS" | "Windows" | "Mac" | "iPad" | "Linux" | "Unknown";
export type MessageStatus = "unSend" | "sending" | "success" | "fail";
export type ConversationType = "GROUP" | "C2C";
export type GroupType = "Private" | "Public" | "ChatRoom" | "Community" | "AVChatRoom";
export type MemberRole = "Owner" | "Admin" | "Member";
export type MessageRemindType = "AcceptAndNotify" | "AcceptNotNotify" | "Discard";
/**
 * The part of a WebSocket the SDK uses; browsers' `WebSocket` and the `ws` package fit it.
 */
export type WebSocketLike = {
    send: (data: string) => void;
    close: (code?: number, reason?: string) => void;
    onopen: ((event: any) => void) | null;
    onmessage: ((event: any) => void) | null;
    onclose: ((event: any) => void) | null;
    onerror: ((event: any) => void) | null;
};
export type WebSocketConstructor = new (url: string) => WebSocketLike;
export type CreateOptions = {
    /**
     * the app
     */
    SDKAppID: number;
    /**
     * the server's WebSocket URL, `ws://host:port/ws` (or `wss://`); or the URLs of a cluster's nodes: the SDK starts at a random one and, when a connection is lost or cannot be opened, tries the next one (round-robin)
     */
    url: string | readonly string[];
    /**
     * WebSocket constructor; default `globalThis.WebSocket` (Node.js: pass `ws`)
     */
    WebSocket?: WebSocketConstructor | undefined;
    /**
     * 0 debug, 1 info, 2 warnings (default), 3 errors, 4 nothing
     */
    logLevel?: number | undefined;
    /**
     * ms a request waits for its reply, or for the connection to come back; default 10000
     */
    requestTimeout?: number | undefined;
    /**
     * ms between pings (the server closes connections silent for 60 s); default 25000, 0 turns them off
     */
    heartbeatInterval?: number | undefined;
    /**
     * ms within which `like` taps are merged into one request; default 1000
     */
    likeMergeWindow?: number | undefined;
    /**
     * reconnect after the connection drops; default true
     */
    reconnect?: boolean | undefined;
    /**
     * ms before the first reconnection attempt (with jitter), doubling each time; default 500
     */
    reconnectBaseDelay?: number | undefined;
    /**
     * ms the delay between attempts grows to at most; default 30000
     */
    reconnectMaxDelay?: number | undefined;
    /**
     * sequence numbers remembered per room to drop repeated messages; default 1000
     */
    dedupWindow?: number | undefined;
};
/**
 * Payloads of the events, by event name.
 */
export type EventMap = {
    /**
     * logged in (or entered as a guest); requests can be made
     */
    sdkReady: LoginData;
    /**
     * the session ended
     */
    sdkNotReady: {
        reason: "logout" | "kicked" | "destroyed" | "login_failed" | "connection_lost";
    };
    /**
     * messages (of live rooms, groups and one to one), tips and system notices, in arrival order
     */
    messageReceived: Message[];
    /**
     * the server ended the session; no reconnection follows
     */
    kickedOut: {
        type: string;
        message: string;
    };
    netStateChange: {
        state: NetState;
    };
    /**
     * something went wrong outside any call (e.g. a malformed frame)
     */
    error: {
        code: number;
        message: string;
        groupID?: string;
    };
    liveStateChanged: {
        groupID: string;
        liveState: LiveState;
        operatorID: string;
    };
    /**
     * the item pinned now, or null when taken down
     */
    itemPinned: {
        groupID: string;
        item: PinnedItem | null;
        operatorID: string;
    };
    giftReceived: Gift;
    /**
     * the room's like total
     */
    likesUpdated: {
        groupID: string;
        total: number;
    };
    onlineCountUpdated: {
        groupID: string;
        memberCount: number;
    };
    drawStarted: {
        groupID: string;
        operatorID: string;
        draw: DrawInfo;
    };
    drawResult: {
        groupID: string;
        operatorID: string;
        result: DrawResult;
    };
    groupProfileUpdated: {
        groupID: string;
        operatorID: string;
        changes: GroupProfileChanges;
    };
    /**
     * this user's mute state in a room changed
     */
    muted: MuteState;
    /**
     * the user is no longer in the room (and will not rejoin it), or was removed from a group that keeps its members (`kicked`; `description` is the reason given)
     */
    removedFromGroup: {
        groupID: string;
        reason: "banned" | "dismissed" | "rejoin_failed" | "kicked";
        operatorID: string;
        banTime?: number;
        description?: string;
        code?: number;
    };
    /**
     * the room's message `sequence` was recalled: take it off the screen
     */
    messageRecalled: {
        groupID: string;
        sequence: number;
        operatorID: string;
    };
    /**
     * the conversation list (one to one, and groups that keep their messages), in order (pinned first, then the newest first)
     */
    conversationListUpdated: Conversation[];
    /**
     * unread messages over every conversation
     */
    totalUnreadMessageCountUpdated: number;
    /**
     * messages recalled (one to one by their sender; in a group that keeps its messages by `operatorID`, `from` known only when it was the conversation's last message): show them as recalled
     */
    messageRevoked: Array<{
        conversationID: string;
        sequence: number;
        messageKey: string;
        from: string;
        to: string;
        isRevoked: true;
        operatorID?: string;
    }>;
    /**
     * the user's groups that keep their members, after a change (made on any device, or by others)
     */
    groupListUpdated: Group[];
    /**
     * a group system notice (also in MESSAGE_RECEIVED); `type` is its `payload.operationType`
     */
    groupSystemNoticeReceived: {
        message: Message;
        type: number;
    };
    /**
     * messages edited by their sender (one to one, and of groups that keep their messages and topics), as they are now
     */
    messageModified: Message[];
    /**
     * the other user has read this user's messages of the conversation up to `sequence`
     */
    messageReadByPeer: Array<{
        conversationID: string;
        userID: string;
        sequence: number;
    }>;
    /**
     * the other user is typing (false a few seconds after the last notice, or when their message arrives)
     */
    typingStatusUpdated: {
        conversationID: string;
        userID: string;
        isTyping: boolean;
    };
    /**
     * profiles that changed (this user's, its friends', its conversation peers'), as they are now
     */
    profileUpdated: Profile[];
    /**
     * the friend list after a change (made on any device, or by the other user)
     */
    friendListUpdated: Friend[];
    /**
     * the friend requests waiting for an answer, to this user and by it, after a change
     */
    friendApplicationListUpdated: {
        friendApplicationList: FriendApplication[];
    };
    /**
     * the users on this user's blocklist after a change
     */
    blacklistUpdated: string[];
    /**
     * subscribed users whose status changed (or is first known)
     */
    userStatusUpdated: UserStatus[];
    /**
     * a topic was created in one of the user's communities
     */
    topicCreated: {
        groupID: string;
        topicID: string;
    };
    /**
     * a topic changed: its profile, or this user's side of it (a message, a read on any device)
     */
    topicUpdated: {
        groupID: string;
        topic: Topic;
    };
    /**
     * topics were deleted
     */
    topicDeleted: {
        groupID: string;
        topicIDList: string[];
    };
    /**
     * a reaction of a message changed (`reactionList` holds it; `totalUserCount` 0: nobody reacts so any more)
     */
    messageReactionsUpdated: MessageReactions;
    /**
     * extensions of a message were set (`messageID` is `''` when the SDK did not see the message in this session)
     */
    messageExtensionsUpdated: {
        messageID: string;
        conversationID: string;
        sequence: number;
        extensions: Array<{
            key: string;
            value: string;
        }>;
    };
};
export type EventName = keyof EventMap;
export type LiveRoomEvent<K extends EventName> = {
    name: K;
    data: EventMap[K];
};
export type EventHandler<K extends EventName> = (event: LiveRoomEvent<K>) => void;
/**
 * What every successful call resolves with.
 */
export type Response<T> = {
    code: 0;
    data: T;
};
export type LoginOptions = {
    /**
     * 1–32 bytes of printable ASCII
     */
    userID: string;
    /**
     * a UserSig for `userID`, signed with the app's key
     */
    userSig: string;
    /**
     * default `Web`
     */
    platform?: Platform | undefined;
};
export type LoginData = {
    /**
     * empty for a guest
     */
    userID: string;
    nick: string;
    avatar: string;
    /**
     * the user's level in the app's audience statistics (0 when off or a guest)
     */
    level: number;
    isGuest: boolean;
};
/**
 * A room's live state.
 */
export type LiveState = {
    state: LiveStateName;
    /**
     * the broadcast's number, 1 for the first
     */
    session: number;
    /**
     * Unix seconds the state was entered
     */
    since: number;
};
/**
 * A live-shopping item, with the protocol's keys; other members are kept as given.
 */
export type PinnedItem = {
    ItemId: string;
    Title: string;
    Price?: number | string;
    ImageUrl?: string;
    Link?: string;
    [key: string]: unknown;
};
export type GroupProfile = {
    groupID: string;
    /**
     * `AVChatRoom` for a live room; `Private`, `Public`, `ChatRoom` or `Community` for a group that keeps its members
     */
    type: string;
    name: string;
    introduction: string;
    notification: string;
    /**
     * the room's face URL
     */
    avatar: string;
    /**
     * empty when the room has no owner
     */
    ownerID: string;
    muteAllMembers: boolean;
    /**
     * the room's `AppDefinedData`
     */
    customFields: Record<string, string>;
};
/**
 * The reply of `joinGroup`.
 */
export type JoinResult = {
    groupID: string;
    /**
     * `TYPES.JOIN_STATUS_SUCCESS`; for a group that keeps its members also `JOIN_STATUS_WAIT_APPROVAL` (the request waits for an owner or admin) or `JOIN_STATUS_ALREADY_IN_GROUP`
     */
    status: string;
    /**
     * (while a request waits: only what the SDK knows of the group)
     */
    group: GroupProfile;
    /**
     * members online now, this connection included; in a group that keeps its members, its members
     */
    memberCount: number;
    liveState: LiveState | null;
    pinnedItem: PinnedItem | null;
    /**
     * seconds left of this user's own mute; 0 when not muted, 4294967295 when permanent
     */
    muteRemaining: number;
    /**
     * this user's role in the group when it joined (App admins read as Owner); `''` while the request waits
     */
    role: "Owner" | "Admin" | "Member" | "Guest" | "";
    /**
     * rooms this connection left because the app allows one room per connection
     */
    left: string[];
};
/**
 * Changed fields of a room's profile; absent fields did not change.
 */
export type GroupProfileChanges = {
    name?: string | undefined;
    introduction?: string | undefined;
    notification?: string | undefined;
    avatar?: string | undefined;
    muteAllMembers?: boolean | undefined;
    /**
     * the group was handed to this member
     */
    ownerID?: string | undefined;
    /**
     * new values; `""` means the field was deleted
     */
    customFields?: Record<string, string> | undefined;
};
/**
 * This user's ability to send in a room.
 */
export type MuteState = {
    groupID: string;
    /**
     * whether a message would be refused now (own mute, or mute-all for a member who is not the owner or a known admin)
     */
    muted: boolean;
    /**
     * seconds left of the user's own mute: 0 none, 4294967295 permanent
     */
    muteRemaining: number;
    /**
     * the room's mute-all switch
     */
    muteAll: boolean;
};
export type TextMessageOptions = {
    /**
     * the room, the group, a community's topic (its topic ID), or the user (`conversationType: TYPES.CONV_C2C`)
     */
    to: string;
    /**
     * `TYPES.CONV_GROUP` (default) or `TYPES.CONV_C2C`
     */
    conversationType?: ConversationType | undefined;
    payload: {
        text: string;
    };
    /**
     * rooms: default `Normal`
     */
    priority?: Priority | undefined;
    cloudCustomData?: string | undefined;
    /**
     * one to one and groups that keep their messages: the sender asks for read receipts
     */
    needReadReceipt?: boolean | undefined;
    /**
     * groups that keep their messages: the message takes extensions (`setMessageExtensions`)
     */
    isSupportExtension?: boolean | undefined;
};
export type TextAtMessageOptions = {
    /**
     * a group that keeps its messages, or a community's topic
     */
    to: string;
    /**
     * `TYPES.CONV_GROUP`, the only one
     */
    conversationType?: "GROUP" | undefined;
    /**
     * atUserList: the users mentioned, `TYPES.MSG_AT_ALL` for everyone
     */
    payload: {
        text: string;
        atUserList: string[];
    };
    priority?: Priority | undefined;
    cloudCustomData?: string | undefined;
    needReadReceipt?: boolean | undefined;
    isSupportExtension?: boolean | undefined;
};
export type CustomMessageOptions = {
    /**
     * the room, the group, a community's topic (its topic ID), or the user (`conversationType: TYPES.CONV_C2C`)
     */
    to: string;
    /**
     * `TYPES.CONV_GROUP` (default) or `TYPES.CONV_C2C`
     */
    conversationType?: ConversationType | undefined;
    payload: {
        data: string;
        description?: string;
        extension?: string;
    };
    /**
     * rooms: default `Normal`
     */
    priority?: Priority | undefined;
    cloudCustomData?: string | undefined;
    /**
     * one to one and groups that keep their messages: the sender asks for read receipts
     */
    needReadReceipt?: boolean | undefined;
    /**
     * groups that keep their messages: the message takes extensions (`setMessageExtensions`)
     */
    isSupportExtension?: boolean | undefined;
};
export type FaceMessageOptions = {
    /**
     * the room, the group, a community's topic (its topic ID), or the user (`conversationType: TYPES.CONV_C2C`)
     */
    to: string;
    /**
     * `TYPES.CONV_GROUP` (default) or `TYPES.CONV_C2C`
     */
    conversationType?: ConversationType | undefined;
    payload: {
        index: number;
        data?: string;
    };
    /**
     * rooms: default `Normal`
     */
    priority?: Priority | undefined;
    cloudCustomData?: string | undefined;
    /**
     * one to one and groups that keep their messages: the sender asks for read receipts
     */
    needReadReceipt?: boolean | undefined;
    /**
     * groups that keep their messages: the message takes extensions (`setMessageExtensions`)
     */
    isSupportExtension?: boolean | undefined;
};
/**
 * An unread message that mentions this user (a conversation's or a topic's
 * `groupAtInfoList`).
 */
export type GroupAtInfo = {
    /**
     * who sent it (`''` when the server's list did not say)
     */
    from: string;
    /**
     * the group (a topic's community)
     */
    groupID: string;
    /**
     * the topic (`''` for the group itself)
     */
    topicID: string;
    /**
     * the message's `sequence`
     */
    messageSequence: number;
    /**
     * `TYPES.CONV_AT_ME` (names this user), `CONV_AT_ALL` (everyone) or `CONV_AT_ALL_AT_ME` (both)
     */
    atTypeArray: number[];
};
/**
 * A topic of a community, with this user's side of it.
 */
export type Topic = {
    /**
     * `<groupID>@TOPIC#_<suffix>`; its conversation is `GROUP<topicID>`
     */
    topicID: string;
    /**
     * the community
     */
    groupID: string;
    topicName: string;
    /**
     * the topic's face URL
     */
    avatar: string;
    introduction: string;
    notification: string;
    /**
     * the topic's custom string
     */
    customData: string;
    /**
     * ordinary members may not send
     */
    isAllMuted: boolean;
    /**
     * Unix seconds
     */
    createTime: number;
    /**
     * messages of others not read yet
     */
    unreadCount: number;
    /**
     * read up to this `sequence` (each topic numbers from 1)
     */
    readSequence: number;
    /**
     * the newest message's `sequence`
     */
    lastSequence: number;
    /**
     * when the newest message was sent (Unix seconds)
     */
    lastTime: number;
    /**
     * the newest message, when this client received or sent it in this session (the server's list does not carry it)
     */
    lastMessage: Message | null;
    /**
     * unread messages mentioning this user, as this client saw them arrive in this session (the server's list does not carry them)
     */
    groupAtInfoList: GroupAtInfo[];
};
export type TopicOptions = {
    /**
     * the community
     */
    groupID: string;
    topicName?: string | undefined;
    avatar?: string | undefined;
    introduction?: string | undefined;
    notification?: string | undefined;
    customData?: string | undefined;
};
/**
 * Options of `sendMessage` for a one-to-one message (the reference's names).
 */
export type SendOptions = {
    /**
     * deliver to the receiver's online devices only; never stored (`sequence` 0)
     */
    onlineUserOnly?: boolean | undefined;
    /**
     * excludedFromUnreadCount: the receiver's unread count does not grow
     */
    messageControlInfo?: {
        excludedFromUnreadCount?: boolean;
    } | undefined;
};
/**
 * One of the user's groups (`getGroupList`, `createGroup`, GROUP_LIST_UPDATED).
 */
export type Group = {
    groupID: string;
    /**
     * one of `TYPES.GRP_*`
     */
    type: GroupType;
    name: string;
    /**
     * the group's face URL
     */
    avatar: string;
    /**
     * this user's place in it
     */
    selfInfo: {
        role: MemberRole;
        messageRemindType: MessageRemindType;
    };
    /**
     * messages of others not read yet (Meeting groups count none)
     */
    unreadCount: number;
    /**
     * read up to this `sequence`
     */
    readSequence: number;
    /**
     * the newest message's (or stored tip's) `sequence`
     */
    lastSequence: number;
    /**
     * when the group was last active (Unix seconds)
     */
    lastTime: number;
    /**
     * its conversation is pinned
     */
    isPinned: boolean;
    lastMessage: Message | null;
};
/**
 * memberCount: stored members (a live room's: online now); joinOption and inviteOption: `TYPES.JOIN_OPTIONS_*`, `TYPES.INVITE_OPTIONS_*`; nextMessageSeq: the `sequence` the group's next message gets; isSupportTopic: a community with topics
 */
export type GroupInfo = GroupProfile & {
    memberCount: number;
    maxMemberCount: number;
    joinOption: string;
    inviteOption: string;
    createTime: number;
    nextMessageSeq: number;
    isSupportTopic: boolean;
};
export type CreateGroupOptions = {
    /**
     * one of `TYPES.GRP_*`
     */
    type: GroupType | "Work" | "Meeting";
    name: string;
    /**
     * the group's ID (the server picks one when absent)
     */
    groupID?: string | undefined;
    introduction?: string | undefined;
    notification?: string | undefined;
    /**
     * the group's face URL
     */
    avatar?: string | undefined;
    /**
     * 0 or absent: the type's default
     */
    maxMemberNum?: number | undefined;
    /**
     * `TYPES.JOIN_OPTIONS_*` (Public, Meeting and Community groups)
     */
    joinOption?: string | undefined;
    /**
     * `TYPES.INVITE_OPTIONS_*`
     */
    inviteOption?: string | undefined;
    /**
     * members besides this user (at most 100), as ordinary members
     */
    memberList?: (string | {
        userID: string;
        role?: string;
    })[] | undefined;
    /**
     * Community groups
     */
    isSupportTopic?: boolean | undefined;
};
/**
 * A member of a group.
 */
export type GroupMember = {
    userID: string;
    role: MemberRole;
    /**
     * Unix seconds
     */
    joinTime: number;
    /**
     * the member's name in the group
     */
    nameCard: string;
    /**
     * the member's nickname (its profile's)
     */
    nick: string;
    /**
     * the member's avatar URL (its profile's)
     */
    avatar: string;
    /**
     * the app's member fields
     */
    memberCustomField: Array<{
        key: string;
        value: string;
    }>;
};
/**
 * A request to join a group that waits for an owner or admin.
 */
export type GroupApplication = {
    groupID: string;
    /**
     * who asked to join, or was invited
     */
    applicant: string;
    /**
     * `TYPES.GRP_APPLICATION_TYPE_JOIN` (asked) or `TYPES.GRP_APPLICATION_TYPE_INVITE` (invited by a member)
     */
    applicationType: number;
    /**
     * the member who invited (`''` when the user asked)
     */
    inviterID: string;
    /**
     * what the applicant wrote
     */
    messageForCheck: string;
    /**
     * Unix seconds
     */
    time: number;
};
/**
 * Options of `sendMessage` for a group that keeps its messages (the reference's names).
 */
export type GroupSendOptions = {
    /**
     * deliver to the members online only; never stored (`sequence` 0)
     */
    onlineUserOnly?: boolean | undefined;
    /**
     * excludedFromUnreadCount: not counted as unread; excludedFromLastMessage: the members' conversations do not move
     */
    messageControlInfo?: {
        excludedFromUnreadCount?: boolean;
        excludedFromLastMessage?: boolean;
    } | undefined;
};
/**
 * One reaction of a message.
 */
export type MessageReaction = {
    /**
     * the emoji or short code
     */
    reactionID: string;
    /**
     * how many reacted so (0: nobody any more)
     */
    totalUserCount: number;
    /**
     * the first of them (at most 10), oldest first
     */
    partialUserList: Array<{
        userID: string;
    }>;
    /**
     * this user is among them
     */
    reactedByMyself: boolean;
};
/**
 * A message's reactions (`getMessageReactions`, MESSAGE_REACTIONS_UPDATED).
 */
export type MessageReactions = {
    /**
     * the message's `ID` (`''` when the SDK did not see the message in this session)
     */
    messageID: string;
    /**
     * its conversation (`GROUP<groupID>` or `GROUP<topicID>`)
     */
    conversationID: string;
    /**
     * its `sequence` there
     */
    sequence: number;
    reactionList: MessageReaction[];
};
export type MessageExtension = {
    key: string;
    value: string;
};
/**
 * A user's profile (the reference's standard tags, and the app's declared custom ones).
 */
export type Profile = {
    userID: string;
    /**
     * `Tag_Profile_IM_Nick`
     */
    nick: string;
    /**
     * `Tag_Profile_IM_Image`: the avatar's URL
     */
    avatar: string;
    /**
     * `Tag_Profile_IM_Gender`: one of `TYPES.GENDER_*`
     */
    gender: string;
    /**
     * `Tag_Profile_IM_BirthDay`, e.g. 19900101
     */
    birthday: number;
    /**
     * `Tag_Profile_IM_Location`
     */
    location: string;
    /**
     * `Tag_Profile_IM_SelfSignature`
     */
    selfSignature: string;
    /**
     * `Tag_Profile_IM_AllowType`: how friend requests to the user go, one of `TYPES.ALLOW_TYPE_*`
     */
    allowType: string;
    /**
     * `Tag_Profile_IM_Language`
     */
    language: number;
    /**
     * `Tag_Profile_IM_MsgSettings`
     */
    messageSettings: number;
    /**
     * `Tag_Profile_IM_AdminForbidType` (the app's backend sets it): one of `TYPES.FORBID_TYPE_*`
     */
    adminForbidType: string;
    /**
     * `Tag_Profile_IM_Level` (the app's backend sets it)
     */
    level: number;
    /**
     * `Tag_Profile_IM_Role` (the app's backend sets it)
     */
    role: number;
    /**
     * the app's declared custom tags, `key` as `Tag_Profile_Custom_<key>`
     */
    profileCustomField: Array<{
        key: string;
        value: string | number;
    }>;
};
/**
 * What `updateMyProfile` takes: any of the fields a user sets on its own profile.
 */
export type ProfileChanges = {
    nick?: string | undefined;
    /**
     * the avatar's URL
     */
    avatar?: string | undefined;
    /**
     * one of `TYPES.GENDER_*`
     */
    gender?: string | undefined;
    birthday?: number | undefined;
    location?: string | undefined;
    selfSignature?: string | undefined;
    /**
     * one of `TYPES.ALLOW_TYPE_*`
     */
    allowType?: string | undefined;
    language?: number | undefined;
    messageSettings?: number | undefined;
    /**
     * custom tags the app declared, `key` as `Tag_Profile_Custom_<key>` (or `<key>`)
     */
    profileCustomField?: {
        key: string;
        value: string | number;
    }[] | undefined;
};
/**
 * A friend of the logged-in user.
 */
export type Friend = {
    userID: string;
    /**
     * what this user calls the friend
     */
    remark: string;
    /**
     * the friend lists the friend is in
     */
    groupList: string[];
    /**
     * when the friend was added (Unix seconds)
     */
    addTime: number;
    /**
     * the friend's profile
     */
    profile: Profile;
};
/**
 * A friend request waiting for an answer, sent to this user or by it.
 */
export type FriendApplication = {
    /**
     * the other user: who asked, or who was asked
     */
    userID: string;
    /**
     * the other user's nick
     */
    nick: string;
    /**
     * the other user's avatar
     */
    avatar: string;
    /**
     * when it was sent (Unix seconds)
     */
    time: number;
    /**
     * the add source the sender gave
     */
    source: string;
    /**
     * the sender's words
     */
    wording: string;
    /**
     * `TYPES.SNS_APPLICATION_SENT_TO_ME` or `TYPES.SNS_APPLICATION_SENT_BY_ME`
     */
    type: string;
};
export type AddFriendOptions = {
    /**
     * the user to add
     */
    to: string;
    /**
     * where the request comes from (the reference's `AddSource_Type_<name>`)
     */
    source?: string | undefined;
    /**
     * words for the other user
     */
    wording?: string | undefined;
    /**
     * what this user will call the friend
     */
    remark?: string | undefined;
    /**
     * a friend list to put the friend in
     */
    groupName?: string | undefined;
    /**
     * `TYPES.SNS_ADD_TYPE_BOTH` (the default: each in the other's list) or `TYPES.SNS_ADD_TYPE_SINGLE`
     */
    type?: string | undefined;
};
/**
 * A user's status.
 */
export type UserStatus = {
    userID: string;
    /**
     * `TYPES.USER_STATUS_ONLINE` (a device is connected) or `TYPES.USER_STATUS_OFFLINE`
     */
    statusType: number;
    /**
     * what the user set with `setSelfStatus` ("" none; gone when its last device goes)
     */
    customStatus: string;
    /**
     * the platforms of its connected devices
     */
    platforms: string[];
};
/**
 * One client connection: a user (or guest) session with its rooms, groups and
 * conversations. Create it with `LiveRoom.create`.
 */
export class Chat extends CommunityCalls {
    /** @private @readonly */
    private readonly _c;
    /**
     * Listens to an event; the handler receives `{name, data}`.
     * @template {EventName} K
     * @param {K} event one of `EVENT`
     * @param {EventHandler<K>} handler
     * @param {unknown} [context] `this` of the handler
     */
    on<K extends EventName>(event: K, handler: EventHandler<K>, context?: unknown): void;
    /**
     * Stops listening; without a handler, removes every handler of the event.
     * @template {EventName} K
     * @param {K} event
     * @param {EventHandler<K>} [handler]
     * @param {unknown} [context]
     */
    off<K extends EventName>(event: K, handler?: EventHandler<K>, context?: unknown): void;
    /**
     * Logs in with a UserSig. The connection is opened as needed; logging in as someone
     * else on a logged-in instance leaves the previous user's rooms.
     * @param {LoginOptions} options
     * @returns {Promise<Response<LoginData>>}
     */
    login(options: LoginOptions): Promise<Response<LoginData>>;
    /**
     * Enters the app as a guest: may join rooms and receive everything, may not send.
     * @returns {Promise<Response<LoginData>>}
     */
    loginAsGuest(): Promise<Response<LoginData>>;
    /**
     * Leaves every room and closes the connection. Resolves even when the server could not be
     * told (closing the connection leaves the rooms all the same).
     * @returns {Promise<Response<{}>>}
     */
    logout(): Promise<Response<{}>>;
    /**
     * Ends everything: closes the connection, rejects what is pending, drops every handler.
     * The instance cannot be used afterwards.
     * @returns {Promise<void>}
     */
    destroy(): Promise<void>;
    /** @returns {string} the logged-in UserID; empty for a guest or when logged out */
    getLoginUser(): string;
    /** @returns {boolean} whether requests go out at once (logged in, connected, rooms restored) */
    isReady(): boolean;
    /** @returns {NetState} */
    getNetState(): NetState;
    /**
     * @param {number} level one of `LOG_LEVEL`
     */
    setLogLevel(level: number): void;
    /**
     * Joins a live room: the room's short history follows as MESSAGE_RECEIVED with
     * `isHistory`, and after a reconnect the SDK joins it again by itself. Joins a group
     * that keeps its members for good (`status` `TYPES.JOIN_STATUS_SUCCESS`), or asks to
     * (`JOIN_STATUS_WAIT_APPROVAL`: an owner or admin answers, and this user gets a
     * `GRP_SYS_JOIN_GROUP_ACCEPT` or `_REFUSE` notice); `JOIN_STATUS_ALREADY_IN_GROUP` for a
     * member. Work groups take no requests (10007: members invite). `applyMessage` goes with
     * a request; `type` says the kind of group when the SDK does not know it yet.
     * @param {{groupID: string, type?: string, applyMessage?: string}} options
     * @returns {Promise<Response<JoinResult>>}
     */
    joinGroup(options: {
        groupID: string;
        type?: string;
        applyMessage?: string;
    }): Promise<Response<JoinResult>>;
    /**
     * Leaves a live room (it is not rejoined after a reconnect), or a group that keeps its
     * members, for good (the owner of a Public, Meeting or Community group may not: 10009).
     * @param {string} groupID
     * @returns {Promise<Response<{groupID: string}>>}
     */
    quitGroup(groupID: string): Promise<Response<{
        groupID: string;
    }>>;
    /**
     * Creates a text message for `sendMessage`: to a group (a live room or another), or with
     * `conversationType: TYPES.CONV_C2C` to a user.
     * @param {TextMessageOptions} options
     * @returns {TextMessage}
     */
    createTextMessage(options: TextMessageOptions): TextMessage;
    /**
     * Creates a custom message (`TIMCustomElem`) for `sendMessage`.
     * @param {CustomMessageOptions} options
     * @returns {CustomMessage}
     */
    createCustomMessage(options: CustomMessageOptions): CustomMessage;
    /**
     * Creates a face (emoji) message (`TIMFaceElem`) for `sendMessage`.
     * @param {FaceMessageOptions} options
     * @returns {FaceMessage}
     */
    createFaceMessage(options: FaceMessageOptions): FaceMessage;
    /**
     * Sends a message made by `createTextMessage`, `createTextAtMessage`,
     * `createCustomMessage` or `createFaceMessage`. Resolves when the server acknowledged it:
     * the message then has its `sequence` and `time`; a live room's message also its
     * `dropReason` (`MsgFreqCtrl` when the room's frequency control dropped it), a one-to-one
     * message its `messageKey`. A send cut off by a lost connection is repeated after the
     * reconnect; the server de-duplicates it.
     * @param {Message} message
     * @param {SendOptions & GroupSendOptions} [options] one-to-one messages and groups that keep their messages: `onlineUserOnly`, `messageControlInfo.excludedFromUnreadCount`; groups also `messageControlInfo.excludedFromLastMessage`
     * @returns {Promise<Response<{message: Message}>>}
     */
    sendMessage(message: Message, options?: SendOptions & GroupSendOptions): Promise<Response<{
        message: Message;
    }>>;
    /**
     * The conversation list (one to one, and the groups that keep their messages), read from
     * the server (every page), pinned first, then the newest first. CONVERSATION_LIST_UPDATED
     * follows it as it changes.
     * @returns {Promise<Response<{conversationList: Conversation[]}>>}
     */
    getConversationList(): Promise<Response<{
        conversationList: Conversation[];
    }>>;
    /**
     * A page of a conversation's history (one to one, a group's, or a topic's:
     * `GROUP<topicID>`), oldest first: the newest messages, or those before the page that gave
     * `nextReqMessageID`.
     * @param {{conversationID: string, nextReqMessageID?: string, count?: number}} options count 1–100 (default 15)
     * @returns {Promise<Response<{messageList: Message[], nextReqMessageID: string, isCompleted: boolean}>>}
     */
    getMessageList(options: {
        conversationID: string;
        nextReqMessageID?: string;
        count?: number;
    }): Promise<Response<{
        messageList: Message[];
        nextReqMessageID: string;
        isCompleted: boolean;
    }>>;
    /**
     * Marks every message of a conversation read (a topic's: `GROUP<topicID>`): its unread
     * count goes to 0 on every device of this user; one to one, the other user gets
     * MESSAGE_READ_BY_PEER.
     * @param {{conversationID: string}} options
     * @returns {Promise<Response<{conversationID: string, readSequence: number, unreadCount: number}>>}
     */
    setMessageRead(options: {
        conversationID: string;
    }): Promise<Response<{
        conversationID: string;
        readSequence: number;
        unreadCount: number;
    }>>;
    /**
     * Recalls a message: one's own one-to-one message (within the app's recall window, 120 s
     * by default; 20016 after it), both users' devices get MESSAGE_REVOKED; a group's message,
     * one's own within the window or (owners and admins) any, every member's devices get
     * MESSAGE_REVOKED (a live room's: MESSAGE_RECALLED).
     * @param {Message} message a sent or received message
     * @returns {Promise<Response<{message: Message}>>}
     */
    revokeMessage(message: Message): Promise<Response<{
        message: Message;
    }>>;
    /**
     * Edits one's own message, one to one or in a group that keeps its messages (or a topic):
     * change its `payload` (text, custom and face messages) or `cloudCustomData`, then call
     * this. Both users' devices (a group's members') get MESSAGE_MODIFIED.
     * @param {Message} message a sent message
     * @returns {Promise<Response<{message: Message}>>}
     */
    modifyMessage(message: Message): Promise<Response<{
        message: Message;
    }>>;
    /**
     * Takes conversations off the list (until their next message; on every device of the
     * user) and marks them read. With `clearHistoryMessage` (the default) their history so far
     * goes too, for this user only.
     * @param {string | {conversationIDList: string[], clearHistoryMessage?: boolean}} options a conversationID, or a list
     * @returns {Promise<Response<{conversationIDList: string[]}>>}
     */
    deleteConversation(options: string | {
        conversationIDList: string[];
        clearHistoryMessage?: boolean;
    }): Promise<Response<{
        conversationIDList: string[];
    }>>;
    /**
     * Pins a conversation to the top of the list, or unpins it: one to one (on every device of
     * the user), or a group's.
     * @param {{conversationID: string, isPinned: boolean}} options
     * @returns {Promise<Response<{conversationID: string}>>}
     */
    pinConversation(options: {
        conversationID: string;
        isPinned: boolean;
    }): Promise<Response<{
        conversationID: string;
    }>>;
    /**
     * Tells the other user of a conversation that this user is typing: their devices get
     * TYPING_STATUS_UPDATED for a few seconds. Call it while the user types, at most every
     * second or two: beyond the app's `typing_per_sec` (2) the server passes nothing on
     * (`sent: false`).
     * @param {{conversationID: string}} options
     * @returns {Promise<Response<{sent: boolean}>>}
     */
    sendTypingStatus(options: {
        conversationID: string;
    }): Promise<Response<{
        sent: boolean;
    }>>;
    /**
     * Unread messages over every conversation (one to one and groups), as this client knows
     * them (the conversation list read, and what happened since).
     * @returns {number}
     */
    getTotalUnreadMessageCount(): number;
    /**
     * Users' profiles (at most 100 a request; the SDK sends as many as it takes). Accounts
     * that do not exist are left out.
     * @param {{userIDList: string[]}} options
     * @returns {Promise<Response<Profile[]>>}
     */
    getUserProfile(options: {
        userIDList: string[];
    }): Promise<Response<Profile[]>>;
    /**
     * Changes this user's profile: the fields given, all or none (the server checks each
     * value: 40xxx codes). This user's devices, friends and recent conversation peers get
     * PROFILE_UPDATED. Resolves with the profile as it is now.
     * @param {ProfileChanges} changes
     * @returns {Promise<Response<Profile>>}
     */
    updateMyProfile(changes: ProfileChanges): Promise<Response<Profile>>;
    /**
     * Adds a friend, or asks: when the other user confirms requests (its `allowType`, the
     * default), it gets FRIEND_APPLICATION_LIST_UPDATED and `isPending` is true (`code`
     * 30539). Refusals: 30515 on this user's blocklist, 30525 this user is on theirs, 30516 the
     * other accepts no requests.
     * @param {AddFriendOptions} options
     * @returns {Promise<Response<{userID: string, code: number, message: string, isPending: boolean}>>}
     */
    addFriend(options: AddFriendOptions): Promise<Response<{
        userID: string;
        code: number;
        message: string;
        isPending: boolean;
    }>>;
    /**
     * Accepts a friend request sent to this user: both become friends (30614 when there is no
     * such request).
     * @param {{userID: string, remark?: string}} options userID: who asked; remark: what this user will call them
     * @returns {Promise<Response<{userID: string}>>}
     */
    acceptFriendApplication(options: {
        userID: string;
        remark?: string;
    }): Promise<Response<{
        userID: string;
    }>>;
    /**
     * Declines a friend request sent to this user.
     * @param {{userID: string}} options userID: who asked
     * @returns {Promise<Response<{userID: string}>>}
     */
    refuseFriendApplication(options: {
        userID: string;
    }): Promise<Response<{
        userID: string;
    }>>;
    /**
     * The friend requests waiting for an answer: sent to this user
     * (`TYPES.SNS_APPLICATION_SENT_TO_ME`) and by it (`TYPES.SNS_APPLICATION_SENT_BY_ME`).
     * @returns {Promise<Response<{friendApplicationList: FriendApplication[]}>>}
     */
    getFriendApplicationList(): Promise<Response<{
        friendApplicationList: FriendApplication[];
    }>>;
    /**
     * Deletes friends: from both lists (the default), or with `TYPES.SNS_DELETE_TYPE_SINGLE`
     * from this user's only. A user who is not a friend is in `failureUserIDList` (31704).
     * @param {{userIDList: string[], type?: string}} options
     * @returns {Promise<Response<{successUserIDList: Array<{userID: string}>, failureUserIDList: Array<{userID: string, code: number, message: string}>}>>}
     */
    deleteFriend(options: {
        userIDList: string[];
        type?: string;
    }): Promise<Response<{
        successUserIDList: Array<{
            userID: string;
        }>;
        failureUserIDList: Array<{
            userID: string;
            code: number;
            message: string;
        }>;
    }>>;
    /**
     * The friend list (every page), each friend with its profile.
     * @returns {Promise<Response<Friend[]>>}
     */
    getFriendList(): Promise<Response<Friend[]>>;
    /**
     * Blocks users: their messages to this user are refused (20007), friend requests either
     * way too, and friendships with them end.
     * @param {{userIDList: string[]}} options
     * @returns {Promise<Response<string[]>>} the users named
     */
    addToBlacklist(options: {
        userIDList: string[];
    }): Promise<Response<string[]>>;
    /**
     * Unblocks users.
     * @param {{userIDList: string[]}} options
     * @returns {Promise<Response<string[]>>} the users named
     */
    removeFromBlacklist(options: {
        userIDList: string[];
    }): Promise<Response<string[]>>;
    /**
     * The users on this user's blocklist.
     * @returns {Promise<Response<string[]>>}
     */
    getBlacklist(): Promise<Response<string[]>>;
    /**
     * Follows users' status (at most 200 on a connection: 90011). USER_STATUS_UPDATED
     * follows at once with their status now, then whenever it changes. Subscriptions last
     * for the session: after a reconnect the SDK subscribes again and announces what changed
     * meanwhile.
     * @param {{userIDList: string[]}} options
     * @returns {Promise<Response<{failureUserList: Array<{userID: string, code: number, message: string}>}>>}
     */
    subscribeUserStatus(options: {
        userIDList: string[];
    }): Promise<Response<{
        failureUserList: Array<{
            userID: string;
            code: number;
            message: string;
        }>;
    }>>;
    /**
     * Stops following users' status; without `userIDList`, everyone's.
     * @param {{userIDList?: string[]}} [options]
     * @returns {Promise<Response<{failureUserList: Array<{userID: string, code: number, message: string}>}>>}
     */
    unsubscribeUserStatus(options?: {
        userIDList?: string[];
    }): Promise<Response<{
        failureUserList: Array<{
            userID: string;
            code: number;
            message: string;
        }>;
    }>>;
    /**
     * Users' status now; without `userIDList`, this user's own.
     * @param {{userIDList?: string[]}} [options]
     * @returns {Promise<Response<{successUserList: UserStatus[], failureUserList: Array<{userID: string, code: number, message: string}>}>>}
     */
    getUserStatus(options?: {
        userIDList?: string[];
    }): Promise<Response<{
        successUserList: UserStatus[];
        failureUserList: Array<{
            userID: string;
            code: number;
            message: string;
        }>;
    }>>;
    /**
     * Sets this user's custom status ("" clears it; at most 100 bytes); those following the
     * user get USER_STATUS_UPDATED. It lasts while the user has a device online; the SDK sets
     * it again after a reconnect that lost it.
     * @param {{customStatus: string}} options
     * @returns {Promise<Response<{userID: string, statusType: number, customStatus: string}>>}
     */
    setSelfStatus(options: {
        customStatus: string;
    }): Promise<Response<{
        userID: string;
        statusType: number;
        customStatus: string;
    }>>;
}
/**
 * Codes of errors raised by the SDK itself. They are negative so they never collide with
 * the server's codes (docs/protocol.md, Error codes), which a `LiveRoomError` carries as is.
 */
export const ERROR_CODE: Readonly<{
    /** The request was sent but no reply came within `requestTimeout`. */
    TIMEOUT: -1001;
    /** No connection: it was lost with the request in flight, or not restored within `requestTimeout`. */
    NOT_CONNECTED: -1002;
    /** Needs `login` or `loginAsGuest` first (or the session ended before the reply). */
    NOT_LOGGED_IN: -1003;
    /** A bad argument; nothing was sent. */
    INVALID_ARGUMENT: -1004;
    /** The instance was destroyed. */
    DESTROYED: -1005;
    /** The WebSocket could not be opened. */
    CONNECT_FAILED: -1006;
    /** The server ended the session (see the KICKED_OUT event). */
    KICKED_OUT: -1007;
    /** The server sent a frame the SDK cannot read; it was ignored. */
    MALFORMED_FRAME: -1008;
    /** The request is larger than the 16 KiB the server accepts (the server's own code for it). */
    FRAME_TOO_LARGE: 93000;
}>;
/** Event names for `chat.on` / `chat.off`. */
export const EVENT: Readonly<{
    SDK_READY: "sdkReady";
    SDK_NOT_READY: "sdkNotReady";
    MESSAGE_RECEIVED: "messageReceived";
    KICKED_OUT: "kickedOut";
    NET_STATE_CHANGE: "netStateChange";
    ERROR: "error";
    LIVE_STATE_CHANGED: "liveStateChanged";
    ITEM_PINNED: "itemPinned";
    GIFT_RECEIVED: "giftReceived";
    LIKES_UPDATED: "likesUpdated";
    ONLINE_COUNT_UPDATED: "onlineCountUpdated";
    DRAW_STARTED: "drawStarted";
    DRAW_RESULT: "drawResult";
    GROUP_PROFILE_UPDATED: "groupProfileUpdated";
    MUTED: "muted";
    REMOVED_FROM_GROUP: "removedFromGroup";
    MESSAGE_RECALLED: "messageRecalled";
    GROUP_LIST_UPDATED: "groupListUpdated";
    GROUP_SYSTEM_NOTICE_RECEIVED: "groupSystemNoticeReceived";
    CONVERSATION_LIST_UPDATED: "conversationListUpdated";
    TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: "totalUnreadMessageCountUpdated";
    MESSAGE_REVOKED: "messageRevoked";
    MESSAGE_MODIFIED: "messageModified";
    MESSAGE_READ_BY_PEER: "messageReadByPeer";
    TYPING_STATUS_UPDATED: "typingStatusUpdated";
    PROFILE_UPDATED: "profileUpdated";
    FRIEND_LIST_UPDATED: "friendListUpdated";
    FRIEND_APPLICATION_LIST_UPDATED: "friendApplicationListUpdated";
    BLACKLIST_UPDATED: "blacklistUpdated";
    USER_STATUS_UPDATED: "userStatusUpdated";
    TOPIC_CREATED: "topicCreated";
    TOPIC_UPDATED: "topicUpdated";
    TOPIC_DELETED: "topicDeleted";
    MESSAGE_REACTIONS_UPDATED: "messageReactionsUpdated";
    MESSAGE_EXTENSIONS_UPDATED: "messageExtensionsUpdated";
}>;
/** Log levels for the `logLevel` option and `setLogLevel`. */
export const LOG_LEVEL: Readonly<{
    DEBUG: 0;
    INFO: 1;
    WARN: 2;
    ERROR: 3;
    NONE: 4;
}>;
/** A failed call: `code` is the server's error code, or one of `ERROR_CODE` for the SDK's own. */
export class LiveRoomError extends Error {
    /**
     * @param {number} code
     * @param {string} message
     * @param {Record<string, unknown>} [data] details: `op` of the request, `muteRemaining` of a 10017, `message` of a failed send
     */
    constructor(code: number, message: string, data?: Record<string, unknown>);
    /** @type {number} */
    code: number;
    /** @type {Record<string, unknown>} */
    data: Record<string, unknown>;
}
/** Constants for messages, tips, groups, live states, network states, kick reasons, profiles, friends and user status. */
export const TYPES: Readonly<{
    MSG_PRIORITY_HIGH: "High";
    MSG_PRIORITY_NORMAL: "Normal";
    MSG_PRIORITY_LOW: "Low";
    MSG_PRIORITY_LOWEST: "Lowest";
    /** `conversationType` of a message and `type` of a conversation: a group's (live rooms included), or one-to-one. */
    CONV_GROUP: "GROUP";
    CONV_C2C: "C2C";
    /** Group types (`createGroup`'s `type`, a group's `type`). Work and Meeting are the newer names of Private and ChatRoom. */
    GRP_WORK: "Private";
    GRP_PUBLIC: "Public";
    GRP_MEETING: "ChatRoom";
    GRP_COMMUNITY: "Community";
    GRP_AVCHATROOM: "AVChatRoom";
    /** How users join a group (`createGroup`'s `joinOption`). */
    JOIN_OPTIONS_FREE_ACCESS: "FreeAccess";
    JOIN_OPTIONS_NEED_PERMISSION: "NeedPermission";
    JOIN_OPTIONS_DISABLE_APPLY: "DisableApply";
    /** Whether ordinary members' invitations add at once, wait for approval, or are refused (`createGroup`'s `inviteOption`). */
    INVITE_OPTIONS_FREE_ACCESS: "FreeAccess";
    INVITE_OPTIONS_NEED_PERMISSION: "NeedPermission";
    INVITE_OPTIONS_DISABLE_INVITE: "DisableInvite";
    /** `status` of `joinGroup`. */
    JOIN_STATUS_SUCCESS: "JoinedSuccess";
    JOIN_STATUS_WAIT_APPROVAL: "WaitAdminApproval";
    JOIN_STATUS_ALREADY_IN_GROUP: "AlreadyInGroup";
    /** A member's role in a group. */
    GRP_MBR_ROLE_OWNER: "Owner";
    GRP_MBR_ROLE_ADMIN: "Admin";
    GRP_MBR_ROLE_MEMBER: "Member";
    /** How a member wants a group's messages (`setMessageRemindType`, a conversation's `messageRemindType`). */
    MSG_REMIND_ACPT_AND_NOTE: "AcceptAndNotify";
    MSG_REMIND_ACPT_NOT_NOTE: "AcceptNotNotify";
    MSG_REMIND_DISCARD: "Discard";
    /** `handleAction` of `handleGroupApplication`. */
    GRP_APPLICATION_AGREE: "Agree";
    GRP_APPLICATION_REJECT: "Reject";
    /** `applicationType` of a group application: the user asked to join, or a member invited it. */
    GRP_APPLICATION_TYPE_JOIN: 0;
    GRP_APPLICATION_TYPE_INVITE: 2;
    /** `scope` of `setAllMessageRead`. */
    READ_ALL_C2C_MSG: "readAllC2CMessage";
    READ_ALL_GROUP_MSG: "readAllGroupMessage";
    READ_ALL_MSG: "readAllMsg";
    /** In `atUserList` of `createTextAtMessage`: mention everyone. */
    MSG_AT_ALL: "__kImSDK_MesssageAtALL__";
    /** `atTypeArray` of a conversation's or a topic's `groupAtInfoList`: a message mentions this user, everyone, or both. */
    CONV_AT_ME: 1;
    CONV_AT_ALL: 2;
    CONV_AT_ALL_AT_ME: 3;
    MSG_TEXT: "TIMTextElem";
    MSG_CUSTOM: "TIMCustomElem";
    MSG_FACE: "TIMFaceElem";
    MSG_LOCATION: "TIMLocationElem";
    MSG_IMAGE: "TIMImageElem";
    MSG_AUDIO: "TIMSoundElem";
    MSG_FILE: "TIMFileElem";
    MSG_VIDEO: "TIMVideoFileElem";
    MSG_MERGER: "TIMRelayElem";
    MSG_GRP_TIP: "TIMGroupTipElem";
    MSG_GRP_SYS_NOTICE: "TIMGroupSystemNoticeElem";
    /** `payload.operationType` of a group tip. */
    GRP_TIP_MBR_JOIN: 1;
    GRP_TIP_MBR_INVITED: 2;
    GRP_TIP_MBR_QUIT: 3;
    GRP_TIP_MBR_KICKED_OUT: 4;
    GRP_TIP_MBR_SET_ADMIN: 5;
    GRP_TIP_MBR_CANCELED_ADMIN: 6;
    GRP_TIP_GRP_PROFILE_UPDATED: 7;
    GRP_TIP_MBR_PROFILE_UPDATED: 8;
    /** `payload.operationType` of a group system notice. */
    GRP_SYS_JOIN_GROUP_REQUEST: 1;
    GRP_SYS_JOIN_GROUP_ACCEPT: 2;
    GRP_SYS_JOIN_GROUP_REFUSE: 3;
    GRP_SYS_KICKED_OUT: 4;
    GRP_SYS_DISMISSED: 5;
    /** A group was created with this user among its first members (`payload.groupType`, `payload.groupName`). */
    GRP_SYS_GROUP_CREATED: 6;
    GRP_SYS_CUSTOM: 255;
    LIVE_STATE_UPCOMING: "Upcoming";
    LIVE_STATE_LIVE: "Live";
    LIVE_STATE_PAUSED: "Paused";
    LIVE_STATE_ENDED: "Ended";
    LIVE_STATE_REPLAY: "Replay";
    NET_STATE_CONNECTED: "connected";
    NET_STATE_CONNECTING: "connecting";
    NET_STATE_DISCONNECTED: "disconnected";
    /** `type` of a KICKED_OUT event. */
    KICKED_OUT_MULTI_LOGIN: "multi_login";
    KICKED_OUT_ACCOUNT: "account_kicked";
    KICKED_OUT_REQUEST_FLOOD: "request_flood";
    KICKED_OUT_USERSIG_EXPIRED: "usersig_expired";
    KICKED_OUT_LOGIN_FAILED: "login_failed";
    GIFT_PLAIN: 0;
    GIFT_BANNER: 1;
    GIFT_EFFECT: 2;
    /** `muteRemaining` of a permanent mute; also accepted by `mute` and `ban`. */
    MUTE_PERMANENT: 4294967295;
    /** `gender` of a profile. */
    GENDER_UNKNOWN: "Gender_Type_Unknown";
    GENDER_FEMALE: "Gender_Type_Female";
    GENDER_MALE: "Gender_Type_Male";
    /** `allowType` of a profile: how friend requests to the user go. */
    ALLOW_TYPE_ALLOW_ANY: "AllowType_Type_AllowAny";
    ALLOW_TYPE_NEED_CONFIRM: "AllowType_Type_NeedConfirm";
    ALLOW_TYPE_DENY_ANY: "AllowType_Type_DenyAny";
    /** `adminForbidType` of a profile (set by the app's backend). */
    FORBID_TYPE_NONE: "AdminForbid_Type_None";
    FORBID_TYPE_SEND_OUT: "AdminForbid_Type_SendOut";
    /** `type` of `addFriend`: into both users' lists (the default), or the adder's only. */
    SNS_ADD_TYPE_SINGLE: "Add_Type_Single";
    SNS_ADD_TYPE_BOTH: "Add_Type_Both";
    /** `type` of `deleteFriend`: from both users' lists (the default), or the caller's only. */
    SNS_DELETE_TYPE_SINGLE: "Delete_Type_Single";
    SNS_DELETE_TYPE_BOTH: "Delete_Type_Both";
    /** `type` of a friend application: sent to this user, or by it. */
    SNS_APPLICATION_SENT_TO_ME: "Pendency_Type_ComeIn";
    SNS_APPLICATION_SENT_BY_ME: "Pendency_Type_SendOut";
    /** `statusType` of a user's status. */
    USER_STATUS_UNKNOWN: 0;
    USER_STATUS_ONLINE: 1;
    USER_STATUS_OFFLINE: 2;
}>;
/**
 * Liveroom client SDK.
 *
 * One self-contained ES module (no imports, no run-time dependencies) speaking Liveroom's
 * client WebSocket protocol: log in with a UserSig or as a guest, join live rooms, send and
 * receive messages, and follow a room's live state, pinned item, gifts, likes, online count,
 * lucky draws and moderation; chat one to one and in groups that keep their members and
 * messages; keep profiles, friends and a blocklist, and
 * follow other users' online status. Runs in browsers as is and in Node.js with a WebSocket
 * constructor such as the `ws` package's.
 *
 * Made from src/ by `npm run build`: edit the sources, not this file.
 *
 * @module liveroom-sdk
 */
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
export const VERSION: "0.1.0";
/**
 * Creates a chat instance.
 * @param {CreateOptions} options
 * @returns {Chat}
 */
export function create(options: CreateOptions): Chat;
/** The SDK as one object: `LiveRoom.create(...)`, `LiveRoom.EVENT`, `LiveRoom.TYPES`, ... */
declare const LiveRoom: Readonly<{
    create: typeof create;
    TYPES: Readonly<{
        MSG_PRIORITY_HIGH: "High";
        MSG_PRIORITY_NORMAL: "Normal";
        MSG_PRIORITY_LOW: "Low";
        MSG_PRIORITY_LOWEST: "Lowest";
        /** `conversationType` of a message and `type` of a conversation: a group's (live rooms included), or one-to-one. */
        CONV_GROUP: "GROUP";
        CONV_C2C: "C2C";
        /** Group types (`createGroup`'s `type`, a group's `type`). Work and Meeting are the newer names of Private and ChatRoom. */
        GRP_WORK: "Private";
        GRP_PUBLIC: "Public";
        GRP_MEETING: "ChatRoom";
        GRP_COMMUNITY: "Community";
        GRP_AVCHATROOM: "AVChatRoom";
        /** How users join a group (`createGroup`'s `joinOption`). */
        JOIN_OPTIONS_FREE_ACCESS: "FreeAccess";
        JOIN_OPTIONS_NEED_PERMISSION: "NeedPermission";
        JOIN_OPTIONS_DISABLE_APPLY: "DisableApply";
        /** Whether ordinary members' invitations add at once, wait for approval, or are refused (`createGroup`'s `inviteOption`). */
        INVITE_OPTIONS_FREE_ACCESS: "FreeAccess";
        INVITE_OPTIONS_NEED_PERMISSION: "NeedPermission";
        INVITE_OPTIONS_DISABLE_INVITE: "DisableInvite";
        /** `status` of `joinGroup`. */
        JOIN_STATUS_SUCCESS: "JoinedSuccess";
        JOIN_STATUS_WAIT_APPROVAL: "WaitAdminApproval";
        JOIN_STATUS_ALREADY_IN_GROUP: "AlreadyInGroup";
        /** A member's role in a group. */
        GRP_MBR_ROLE_OWNER: "Owner";
        GRP_MBR_ROLE_ADMIN: "Admin";
        GRP_MBR_ROLE_MEMBER: "Member";
        /** How a member wants a group's messages (`setMessageRemindType`, a conversation's `messageRemindType`). */
        MSG_REMIND_ACPT_AND_NOTE: "AcceptAndNotify";
        MSG_REMIND_ACPT_NOT_NOTE: "AcceptNotNotify";
        MSG_REMIND_DISCARD: "Discard";
        /** `handleAction` of `handleGroupApplication`. */
        GRP_APPLICATION_AGREE: "Agree";
        GRP_APPLICATION_REJECT: "Reject";
        /** `applicationType` of a group application: the user asked to join, or a member invited it. */
        GRP_APPLICATION_TYPE_JOIN: 0;
        GRP_APPLICATION_TYPE_INVITE: 2;
        /** `scope` of `setAllMessageRead`. */
        READ_ALL_C2C_MSG: "readAllC2CMessage";
        READ_ALL_GROUP_MSG: "readAllGroupMessage";
        READ_ALL_MSG: "readAllMsg";
        /** In `atUserList` of `createTextAtMessage`: mention everyone. */
        MSG_AT_ALL: "__kImSDK_MesssageAtALL__";
        /** `atTypeArray` of a conversation's or a topic's `groupAtInfoList`: a message mentions this user, everyone, or both. */
        CONV_AT_ME: 1;
        CONV_AT_ALL: 2;
        CONV_AT_ALL_AT_ME: 3;
        MSG_TEXT: "TIMTextElem";
        MSG_CUSTOM: "TIMCustomElem";
        MSG_FACE: "TIMFaceElem";
        MSG_LOCATION: "TIMLocationElem";
        MSG_IMAGE: "TIMImageElem";
        MSG_AUDIO: "TIMSoundElem";
        MSG_FILE: "TIMFileElem";
        MSG_VIDEO: "TIMVideoFileElem";
        MSG_MERGER: "TIMRelayElem";
        MSG_GRP_TIP: "TIMGroupTipElem";
        MSG_GRP_SYS_NOTICE: "TIMGroupSystemNoticeElem";
        /** `payload.operationType` of a group tip. */
        GRP_TIP_MBR_JOIN: 1;
        GRP_TIP_MBR_INVITED: 2;
        GRP_TIP_MBR_QUIT: 3;
        GRP_TIP_MBR_KICKED_OUT: 4;
        GRP_TIP_MBR_SET_ADMIN: 5;
        GRP_TIP_MBR_CANCELED_ADMIN: 6;
        GRP_TIP_GRP_PROFILE_UPDATED: 7;
        GRP_TIP_MBR_PROFILE_UPDATED: 8;
        /** `payload.operationType` of a group system notice. */
        GRP_SYS_JOIN_GROUP_REQUEST: 1;
        GRP_SYS_JOIN_GROUP_ACCEPT: 2;
        GRP_SYS_JOIN_GROUP_REFUSE: 3;
        GRP_SYS_KICKED_OUT: 4;
        GRP_SYS_DISMISSED: 5;
        /** A group was created with this user among its first members (`payload.groupType`, `payload.groupName`). */
        GRP_SYS_GROUP_CREATED: 6;
        GRP_SYS_CUSTOM: 255;
        LIVE_STATE_UPCOMING: "Upcoming";
        LIVE_STATE_LIVE: "Live";
        LIVE_STATE_PAUSED: "Paused";
        LIVE_STATE_ENDED: "Ended";
        LIVE_STATE_REPLAY: "Replay";
        NET_STATE_CONNECTED: "connected";
        NET_STATE_CONNECTING: "connecting";
        NET_STATE_DISCONNECTED: "disconnected";
        /** `type` of a KICKED_OUT event. */
        KICKED_OUT_MULTI_LOGIN: "multi_login";
        KICKED_OUT_ACCOUNT: "account_kicked";
        KICKED_OUT_REQUEST_FLOOD: "request_flood";
        KICKED_OUT_USERSIG_EXPIRED: "usersig_expired";
        KICKED_OUT_LOGIN_FAILED: "login_failed";
        GIFT_PLAIN: 0;
        GIFT_BANNER: 1;
        GIFT_EFFECT: 2;
        /** `muteRemaining` of a permanent mute; also accepted by `mute` and `ban`. */
        MUTE_PERMANENT: 4294967295;
        /** `gender` of a profile. */
        GENDER_UNKNOWN: "Gender_Type_Unknown";
        GENDER_FEMALE: "Gender_Type_Female";
        GENDER_MALE: "Gender_Type_Male";
        /** `allowType` of a profile: how friend requests to the user go. */
        ALLOW_TYPE_ALLOW_ANY: "AllowType_Type_AllowAny";
        ALLOW_TYPE_NEED_CONFIRM: "AllowType_Type_NeedConfirm";
        ALLOW_TYPE_DENY_ANY: "AllowType_Type_DenyAny";
        /** `adminForbidType` of a profile (set by the app's backend). */
        FORBID_TYPE_NONE: "AdminForbid_Type_None";
        FORBID_TYPE_SEND_OUT: "AdminForbid_Type_SendOut";
        /** `type` of `addFriend`: into both users' lists (the default), or the adder's only. */
        SNS_ADD_TYPE_SINGLE: "Add_Type_Single";
        SNS_ADD_TYPE_BOTH: "Add_Type_Both";
        /** `type` of `deleteFriend`: from both users' lists (the default), or the caller's only. */
        SNS_DELETE_TYPE_SINGLE: "Delete_Type_Single";
        SNS_DELETE_TYPE_BOTH: "Delete_Type_Both";
        /** `type` of a friend application: sent to this user, or by it. */
        SNS_APPLICATION_SENT_TO_ME: "Pendency_Type_ComeIn";
        SNS_APPLICATION_SENT_BY_ME: "Pendency_Type_SendOut";
        /** `statusType` of a user's status. */
        USER_STATUS_UNKNOWN: 0;
        USER_STATUS_ONLINE: 1;
        USER_STATUS_OFFLINE: 2;
    }>;
    EVENT: Readonly<{
        SDK_READY: "sdkReady";
        SDK_NOT_READY: "sdkNotReady";
        MESSAGE_RECEIVED: "messageReceived";
        KICKED_OUT: "kickedOut";
        NET_STATE_CHANGE: "netStateChange";
        ERROR: "error";
        LIVE_STATE_CHANGED: "liveStateChanged";
        ITEM_PINNED: "itemPinned";
        GIFT_RECEIVED: "giftReceived";
        LIKES_UPDATED: "likesUpdated";
        ONLINE_COUNT_UPDATED: "onlineCountUpdated";
        DRAW_STARTED: "drawStarted";
        DRAW_RESULT: "drawResult";
        GROUP_PROFILE_UPDATED: "groupProfileUpdated";
        MUTED: "muted";
        REMOVED_FROM_GROUP: "removedFromGroup";
        MESSAGE_RECALLED: "messageRecalled";
        GROUP_LIST_UPDATED: "groupListUpdated";
        GROUP_SYSTEM_NOTICE_RECEIVED: "groupSystemNoticeReceived";
        CONVERSATION_LIST_UPDATED: "conversationListUpdated";
        TOTAL_UNREAD_MESSAGE_COUNT_UPDATED: "totalUnreadMessageCountUpdated";
        MESSAGE_REVOKED: "messageRevoked";
        MESSAGE_MODIFIED: "messageModified";
        MESSAGE_READ_BY_PEER: "messageReadByPeer";
        TYPING_STATUS_UPDATED: "typingStatusUpdated";
        PROFILE_UPDATED: "profileUpdated";
        FRIEND_LIST_UPDATED: "friendListUpdated";
        FRIEND_APPLICATION_LIST_UPDATED: "friendApplicationListUpdated";
        BLACKLIST_UPDATED: "blacklistUpdated";
        USER_STATUS_UPDATED: "userStatusUpdated";
        TOPIC_CREATED: "topicCreated";
        TOPIC_UPDATED: "topicUpdated";
        TOPIC_DELETED: "topicDeleted";
        MESSAGE_REACTIONS_UPDATED: "messageReactionsUpdated";
        MESSAGE_EXTENSIONS_UPDATED: "messageExtensionsUpdated";
    }>;
    ERROR_CODE: Readonly<{
        /** The request was sent but no reply came within `requestTimeout`. */
        TIMEOUT: -1001;
        /** No connection: it was lost with the request in flight, or not restored within `requestTimeout`. */
        NOT_CONNECTED: -1002;
        /** Needs `login` or `loginAsGuest` first (or the session ended before the reply). */
        NOT_LOGGED_IN: -1003;
        /** A bad argument; nothing was sent. */
        INVALID_ARGUMENT: -1004;
        /** The instance was destroyed. */
        DESTROYED: -1005;
        /** The WebSocket could not be opened. */
        CONNECT_FAILED: -1006;
        /** The server ended the session (see the KICKED_OUT event). */
        KICKED_OUT: -1007;
        /** The server sent a frame the SDK cannot read; it was ignored. */
        MALFORMED_FRAME: -1008;
        /** The request is larger than the 16 KiB the server accepts (the server's own code for it). */
        FRAME_TOO_LARGE: 93000;
    }>;
    LOG_LEVEL: Readonly<{
        DEBUG: 0;
        INFO: 1;
        WARN: 2;
        ERROR: 3;
        NONE: 4;
    }>;
    LiveRoomError: typeof LiveRoomError;
    VERSION: "0.1.0";
}>;
/** The community and message-feature calls of `Chat`. */
declare class CommunityCalls extends GroupCalls {
    /**
     * A group's profile and settings (`get_group_info`): name, notification, owner, member
     * count, join options, whether a community has topics. Any logged-in user may read it.
     * @param {{groupID: string}} options
     * @returns {Promise<Response<{group: GroupInfo}>>}
     */
    getGroupProfile(options: {
        groupID: string;
    }): Promise<Response<{
        group: GroupInfo;
    }>>;
    /**
     * The user's communities that have topics (created with `isSupportTopic`).
     * @returns {Promise<Response<{groupList: Group[]}>>}
     */
    getJoinedCommunityList(): Promise<Response<{
        groupList: Group[];
    }>>;
    /**
     * Creates a topic in a community that has topics (its owner and admins): every member's
     * devices get TOPIC_CREATED. `topicID`, when given, must be `<groupID>@TOPIC#_<suffix>`.
     * @param {TopicOptions & {topicName: string, topicID?: string}} options
     * @returns {Promise<Response<{topicID: string}>>}
     */
    createTopicInCommunity(options: TopicOptions & {
        topicName: string;
        topicID?: string;
    }): Promise<Response<{
        topicID: string;
    }>>;
    /**
     * A community's topics (those named, or all), in the order they were created, each with
     * this user's unread count. TOPIC_UPDATED follows a topic as it changes (messages, reads
     * on any device, profile changes); TOPIC_CREATED and TOPIC_DELETED the list.
     * @param {{groupID: string, topicIDList?: string[]}} options
     * @returns {Promise<Response<{successTopicList: Topic[], failureTopicList: Array<{topicID: string, code: number, message: string}>}>>}
     */
    getTopicList(options: {
        groupID: string;
        topicIDList?: string[];
    }): Promise<Response<{
        successTopicList: Topic[];
        failureTopicList: Array<{
            topicID: string;
            code: number;
            message: string;
        }>;
    }>>;
    /**
     * Changes a topic's profile or mutes it (the community's owner and admins); members get
     * TOPIC_UPDATED. Resolves with the topic as it is now.
     * @param {TopicOptions & {topicID: string, muteAllMembers?: boolean}} options
     * @returns {Promise<Response<{topic: Topic}>>}
     */
    updateTopicProfile(options: TopicOptions & {
        topicID: string;
        muteAllMembers?: boolean;
    }): Promise<Response<{
        topic: Topic;
    }>>;
    /**
     * The same as `updateTopicProfile`.
     * @param {TopicOptions & {topicID: string, muteAllMembers?: boolean}} options
     * @returns {Promise<Response<{topic: Topic}>>}
     */
    setTopicProfile(options: TopicOptions & {
        topicID: string;
        muteAllMembers?: boolean;
    }): Promise<Response<{
        topic: Topic;
    }>>;
    /**
     * Deletes topics of a community (those named, or all), with their messages (the owner and
     * admins); members get TOPIC_DELETED.
     * @param {{groupID: string, topicIDList?: string[]}} options
     * @returns {Promise<Response<{successTopicList: Array<{topicID: string}>, failureTopicList: Array<{topicID: string, code: number, message: string}>}>>}
     */
    deleteTopicFromCommunity(options: {
        groupID: string;
        topicIDList?: string[];
    }): Promise<Response<{
        successTopicList: Array<{
            topicID: string;
        }>;
        failureTopicList: Array<{
            topicID: string;
            code: number;
            message: string;
        }>;
    }>>;
    /**
     * Reacts to a message of a group (or topic) with an emoji or a short code (1–64 bytes; at
     * most 20 kinds a message): members get MESSAGE_REACTIONS_UPDATED. 10030 for a recalled or
     * unknown message.
     * @param {Message} message a sent or received message
     * @param {string} reactionID
     * @returns {Promise<Response<{message: Message, reactionID: string, totalUserCount: number}>>}
     */
    addMessageReaction(message: Message, reactionID: string): Promise<Response<{
        message: Message;
        reactionID: string;
        totalUserCount: number;
    }>>;
    /**
     * Takes this user's reaction back: members get MESSAGE_REACTIONS_UPDATED.
     * @param {Message} message
     * @param {string} reactionID
     * @returns {Promise<Response<{message: Message, reactionID: string, totalUserCount: number}>>}
     */
    removeMessageReaction(message: Message, reactionID: string): Promise<Response<{
        message: Message;
        reactionID: string;
        totalUserCount: number;
    }>>;
    /**
     * The reactions of messages of one conversation: each with its count, its first users
     * (at most `maxUserCountPerReaction`, 10 by default) and whether this user is one of them.
     * @param {{messageList: Message[], maxUserCountPerReaction?: number}} options
     * @returns {Promise<Response<MessageReactions[]>>}
     */
    getMessageReactions(options: {
        messageList: Message[];
        maxUserCountPerReaction?: number;
    }): Promise<Response<MessageReactions[]>>;
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
    setMessageExtensions(message: Message, extensions: MessageExtension[]): Promise<Response<{
        extensions: Array<{
            key: string;
            value: string;
            code: number;
        }>;
    }>>;
    /**
     * A message's extensions, by key.
     * @param {Message} message
     * @returns {Promise<Response<{extensions: MessageExtension[]}>>}
     */
    getMessageExtensions(message: Message): Promise<Response<{
        extensions: MessageExtension[];
    }>>;
    /**
     * Read receipts of messages of a group (Work, Public and Meeting groups; not
     * communities): each message's `readReceiptInfo` says how many members other than its
     * sender read it and how many did not.
     * @param {Message[]} messageList
     * @returns {Promise<Response<{messageList: Message[]}>>}
     */
    getMessageReadReceiptList(messageList: Message[]): Promise<Response<{
        messageList: Message[];
    }>>;
}
/** The group calls of `Chat`. */
declare class GroupCalls extends LiveRoomCalls {
    /**
     * Creates a group; this user owns it and is its first member, with `memberList` beside
     * it. Work (`TYPES.GRP_WORK`), Public, Meeting and Community groups keep their members and
     * messages; an AVChatRoom is a live room (join it with `joinGroup`).
     * @param {CreateGroupOptions} options
     * @returns {Promise<Response<{group: Group}>>}
     */
    createGroup(options: CreateGroupOptions): Promise<Response<{
        group: Group;
    }>>;
    /**
     * Dismisses a group (its owner): every member gets a `GRP_SYS_DISMISSED` notice and
     * REMOVED_FROM_GROUP.
     * @param {string} groupID
     * @returns {Promise<Response<{groupID: string}>>}
     */
    dismissGroup(groupID: string): Promise<Response<{
        groupID: string;
    }>>;
    /**
     * The groups this user is in (those that keep their members), the most recently active
     * first. GROUP_LIST_UPDATED follows the list as it changes.
     * @returns {Promise<Response<{groupList: Group[]}>>}
     */
    getGroupList(): Promise<Response<{
        groupList: Group[];
    }>>;
    /**
     * A page of a group's members in user ID order (members only). Pass the page's `offset`
     * for the next page; a number skips that many members from the start.
     * @param {{groupID: string, count?: number, offset?: number|string}} options count 1–1000 (default 15)
     * @returns {Promise<Response<{memberList: GroupMember[], offset: string, memberCount: number, isCompleted: boolean}>>}
     */
    getGroupMemberList(options: {
        groupID: string;
        count?: number;
        offset?: number | string;
    }): Promise<Response<{
        memberList: GroupMember[];
        offset: string;
        memberCount: number;
        isCompleted: boolean;
    }>>;
    /**
     * Adds users to a group: at once (owners and admins, or a group whose members invite
     * freely), or as invitations an owner or admin approves (`pendingUserIDList`). Users who
     * could not be added (no such account, banned, full, refused by the app) are in
     * `failureUserIDList`. 10007 when the group's members may not invite.
     * @param {{groupID: string, userIDList: string[]}} options
     * @returns {Promise<Response<{group: {groupID: string}, successUserIDList: string[], failureUserIDList: string[], existedUserIDList: string[], pendingUserIDList: string[]}>>}
     */
    addGroupMember(options: {
        groupID: string;
        userIDList: string[];
    }): Promise<Response<{
        group: {
            groupID: string;
        };
        successUserIDList: string[];
        failureUserIDList: string[];
        existedUserIDList: string[];
        pendingUserIDList: string[];
    }>>;
    /**
     * Removes members (owners remove admins and members, admins members; in a Work group only
     * the owner). They get REMOVED_FROM_GROUP (`kicked`).
     * @param {{groupID: string, userIDList: string[], reason?: string}} options
     * @returns {Promise<Response<{group: {groupID: string}, userIDList: string[]}>>}
     */
    deleteGroupMember(options: {
        groupID: string;
        userIDList: string[];
        reason?: string;
    }): Promise<Response<{
        group: {
            groupID: string;
        };
        userIDList: string[];
    }>>;
    /**
     * The requests to join that wait for an answer: of one group, or of every group this user
     * owns or administers.
     * @param {{groupID?: string}} [options]
     * @returns {Promise<Response<{applicationList: GroupApplication[]}>>}
     */
    getGroupApplicationList(options?: {
        groupID?: string;
    }): Promise<Response<{
        applicationList: GroupApplication[];
    }>>;
    /**
     * Answers a request to join (owners and admins): `Agree` makes the applicant a member,
     * `Reject` declines; the applicant (and an inviter) gets a `GRP_SYS_JOIN_GROUP_ACCEPT` or
     * `GRP_SYS_JOIN_GROUP_REFUSE` notice. 10024 when the request was answered already.
     * @param {{handleAction: 'Agree'|'Reject', handleMessage?: string, application?: GroupApplication, message?: Message}} options the request: an application from `getGroupApplicationList`, or its `GRP_SYS_JOIN_GROUP_REQUEST` notice
     * @returns {Promise<Response<{group: {groupID: string}, applicant: string, handleAction: string}>>}
     */
    handleGroupApplication(options: {
        handleAction: "Agree" | "Reject";
        handleMessage?: string;
        application?: GroupApplication;
        message?: Message;
    }): Promise<Response<{
        group: {
            groupID: string;
        };
        applicant: string;
        handleAction: string;
    }>>;
    /**
     * Makes a member an admin, or an ordinary member again (the owner; Work groups have no
     * admins). Members get a `GRP_TIP_MBR_SET_ADMIN` or `GRP_TIP_MBR_CANCELED_ADMIN` tip.
     * @param {{groupID: string, userID: string, role: MemberRole}} options role: `TYPES.GRP_MBR_ROLE_ADMIN` or `TYPES.GRP_MBR_ROLE_MEMBER`
     * @returns {Promise<Response<{group: {groupID: string}, userID: string, role: MemberRole}>>}
     */
    setGroupMemberRole(options: {
        groupID: string;
        userID: string;
        role: MemberRole;
    }): Promise<Response<{
        group: {
            groupID: string;
        };
        userID: string;
        role: MemberRole;
    }>>;
    /**
     * Sets a member's name card: this user's own (no `userID`), or (owners and admins) that of
     * a member below them.
     * @param {{groupID: string, userID?: string, nameCard: string}} options
     * @returns {Promise<Response<{group: {groupID: string}, userID: string, nameCard: string}>>}
     */
    setGroupMemberNameCard(options: {
        groupID: string;
        userID?: string;
        nameCard: string;
    }): Promise<Response<{
        group: {
            groupID: string;
        };
        userID: string;
        nameCard: string;
    }>>;
    /**
     * Sets a member's custom fields (keys the app declared; an empty value deletes one): this
     * user's own, or (owners and admins) those of a member below them.
     * @param {{groupID: string, userID?: string, memberCustomField: Array<{key: string, value: string}>}} options
     * @returns {Promise<Response<{group: {groupID: string}, userID: string}>>}
     */
    setGroupMemberCustomField(options: {
        groupID: string;
        userID?: string;
        memberCustomField: Array<{
            key: string;
            value: string;
        }>;
    }): Promise<Response<{
        group: {
            groupID: string;
        };
        userID: string;
    }>>;
    /**
     * How this user wants a group's messages (`TYPES.MSG_REMIND_*`); its conversation's
     * `messageRemindType` follows.
     * @param {{groupID: string, messageRemindType: MessageRemindType}} options
     * @returns {Promise<Response<{groupID: string, messageRemindType: MessageRemindType}>>}
     */
    setMessageRemindType(options: {
        groupID: string;
        messageRemindType: MessageRemindType;
    }): Promise<Response<{
        groupID: string;
        messageRemindType: MessageRemindType;
    }>>;
    /**
     * Hands a group on to one of its members (its owner). Members get a
     * `GRP_TIP_GRP_PROFILE_UPDATED` tip and GROUP_PROFILE_UPDATED with `changes.ownerID`.
     * @param {{groupID: string, newOwnerID: string}} options
     * @returns {Promise<Response<{groupID: string, newOwnerID: string}>>}
     */
    changeGroupOwner(options: {
        groupID: string;
        newOwnerID: string;
    }): Promise<Response<{
        groupID: string;
        newOwnerID: string;
    }>>;
    /**
     * Creates a text message that mentions members of a group (`atUserList`;
     * `TYPES.MSG_AT_ALL` mentions everyone), for `sendMessage`.
     * @param {TextAtMessageOptions} options
     * @returns {TextMessage}
     */
    createTextAtMessage(options: TextAtMessageOptions): TextMessage;
    /**
     * Marks every conversation of `scope` read (`TYPES.READ_ALL_MSG`, the default;
     * `READ_ALL_C2C_MSG`, `READ_ALL_GROUP_MSG`): the conversation list is read, then each
     * conversation with unread messages.
     * @param {{scope?: string}} [options]
     * @returns {Promise<Response<{conversationIDList: string[]}>>}
     */
    setAllMessageRead(options?: {
        scope?: string;
    }): Promise<Response<{
        conversationIDList: string[];
    }>>;
}
/** The live-room and moderation calls of `Chat`. */
declare class LiveRoomCalls extends ChatBase {
    /**
     * Moves the room to a live state (owner, admins, App admins).
     * @param {string} groupID
     * @param {LiveStateName} state one of `TYPES.LIVE_STATE_*`
     * @param {{newSession?: boolean}} [options] newSession: start a new broadcast after the last one ended
     * @returns {Promise<Response<{liveState: LiveState}>>}
     */
    setLiveState(groupID: string, state: LiveStateName, options?: {
        newSession?: boolean;
    }): Promise<Response<{
        liveState: LiveState;
    }>>;
    /**
     * Pins a live-shopping item for every viewer (owner, admins, App admins).
     * @param {string} groupID
     * @param {PinnedItem} item at least `ItemId` and `Title`
     * @returns {Promise<Response<{}>>}
     */
    pinItem(groupID: string, item: PinnedItem): Promise<Response<{}>>;
    /**
     * Takes the pinned item down.
     * @param {string} groupID
     * @returns {Promise<Response<{}>>}
     */
    unpinItem(groupID: string): Promise<Response<{}>>;
    /**
     * Likes the room. Taps within `likeMergeWindow` are merged into one request (of at most
     * 100, the protocol's limit); every merged call resolves with that request's reply.
     * `added` is what the server counted (it caps each user's likes per second).
     * @param {string} groupID
     * @param {number} [count] 1 to 100
     * @returns {Promise<Response<{added: number, count: number}>>}
     */
    like(groupID: string, count?: number): Promise<Response<{
        added: number;
        count: number;
    }>>;
    /**
     * Starts a lucky draw among the users who comment `keyword` (owner, admins, App admins).
     * The room gets DRAW_STARTED now and DRAW_RESULT at the end.
     * @param {string} groupID
     * @param {{keyword: string, duration: number, winners?: number}} options duration in seconds (1–3600), winners 1–100 (default 1)
     * @returns {Promise<Response<{drawID: string}>>}
     */
    startDraw(groupID: string, options: {
        keyword: string;
        duration: number;
        winners?: number;
    }): Promise<Response<{
        drawID: string;
    }>>;
    /**
     * Changes the room's profile (owner, admins, App admins): its name, introduction, notice
     * (`notification`), cover (`faceURL`) or declared custom fields (`custom`; an empty string
     * deletes a key). Members get GROUP_PROFILE_UPDATED. The same for a group that keeps its
     * members, whose members' conversations show the new name and face.
     * @param {string} groupID
     * @param {{name?: string, introduction?: string, notification?: string, faceURL?: string, custom?: Record<string, string>}} changes
     * @returns {Promise<Response<{}>>}
     */
    modifyGroup(groupID: string, changes: {
        name?: string;
        introduction?: string;
        notification?: string;
        faceURL?: string;
        custom?: Record<string, string>;
    }): Promise<Response<{}>>;
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
    getRoomStats(groupID: string, options?: {
        session?: number;
        orderBy?: "GiftValue" | "Gifts" | "Messages" | "Likes" | "OnlineTime";
        top?: number;
    }): Promise<Response<Record<string, any>>>;
    /**
     * Mutes members; 0 seconds unmutes, `TYPES.MUTE_PERMANENT` mutes for good.
     * @param {string} groupID
     * @param {string|string[]} userID 1–500 accounts
     * @param {number} seconds
     * @returns {Promise<Response<{}>>}
     */
    mute(groupID: string, userID: string | string[], seconds: number): Promise<Response<{}>>;
    /**
     * Switches mute-all on or off: only the owner and admins may send while it is on.
     * @param {string} groupID
     * @param {boolean} on
     * @returns {Promise<Response<{}>>}
     */
    muteAll(groupID: string, on: boolean): Promise<Response<{}>>;
    /**
     * Bans members: they leave the room at once and cannot join for `seconds`.
     * @param {string} groupID
     * @param {string|string[]} userID 1–20 accounts
     * @param {number} seconds at least 1; `TYPES.MUTE_PERMANENT` bans for good
     * @param {string} [reason] shown to the banned users (at most 1000 bytes)
     * @returns {Promise<Response<{}>>}
     */
    ban(groupID: string, userID: string | string[], seconds: number, reason?: string): Promise<Response<{}>>;
    /**
     * Lifts bans.
     * @param {string} groupID
     * @param {string|string[]} userID 1–20 accounts
     * @returns {Promise<Response<{}>>}
     */
    unban(groupID: string, userID: string | string[]): Promise<Response<{}>>;
    /**
     * Recalls a message of the room (owner, admins, App admins): every member gets
     * `MESSAGE_RECALLED` and late joiners no longer receive it. 10030 when the room cannot
     * recall it (unknown, recalled already, or too old). In a group that keeps its messages
     * (see `revokeMessage`), members get MESSAGE_REVOKED.
     * @param {string} groupID
     * @param {number} sequence the message's `sequence`
     * @returns {Promise<Response<{}>>}
     */
    recallMessage(groupID: string, sequence: number): Promise<Response<{}>>;
    /**
     * Makes members admins of the room, or ordinary members again (owner, App admins).
     * @param {string} groupID
     * @param {string|string[]} userID 1–5 accounts
     * @param {boolean} on
     * @returns {Promise<Response<{}>>}
     */
    setAdmin(groupID: string, userID: string | string[], on: boolean): Promise<Response<{}>>;
}
/** What every `Chat` starts from: its client. */
declare class ChatBase {
    /** @param {CreateOptions} options */
    constructor(options: CreateOptions);
}
export { LiveRoom as default };
