//! The client WebSocket protocol (`/ws`): one JSON object per text frame.
//! docs/protocol.md describes every frame; this module is its single definition, used by
//! the server to parse and emit and by the Rust client to build and read.
//!
//! Requests carry `"op"` and an optional `"id"` the reply echoes. Pushes carry `"op"` only.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

pub mod chat;
pub mod groups;
pub mod social;

/// Largest frame a client may send, in bytes (the reference's 12 KB packet limit plus
/// room for the envelope).
pub const MAX_CLIENT_FRAME_BYTES: usize = 16 * 1024;

/// A request from a client.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    #[serde(flatten)]
    pub op: Op,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// Log in with a UserSig.
    Login {
        #[serde(rename = "SDKAppID")]
        sdk_app_id: u64,
        #[serde(rename = "UserID")]
        user_id: String,
        #[serde(rename = "UserSig")]
        user_sig: String,
        /// `Web`, `Android`, `iOS`, `Windows`, `Mac`, `iPad`, `Linux`; `Web` if absent.
        #[serde(rename = "Platform", default, skip_serializing_if = "Option::is_none")]
        platform: Option<String>,
    },
    /// Browse as a guest: may join AVChatRooms and receive, never send.
    Guest {
        #[serde(rename = "SDKAppID")]
        sdk_app_id: u64,
    },
    Logout,
    Join {
        #[serde(rename = "GroupId")]
        group_id: String,
    },
    Quit {
        #[serde(rename = "GroupId")]
        group_id: String,
    },
    Send {
        #[serde(rename = "GroupId")]
        group_id: String,
        #[serde(rename = "MsgBody")]
        msg_body: Value,
        #[serde(
            rename = "MsgPriority",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        priority: Option<String>,
        #[serde(
            rename = "CloudCustomData",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        cloud_custom_data: Option<String>,
        /// De-duplication key: a repeat within 5 minutes is acknowledged, not sent again.
        #[serde(rename = "Random", default, skip_serializing_if = "Option::is_none")]
        random: Option<u32>,
        /// Groups that keep their messages: pushed to who is online, never stored.
        #[serde(
            rename = "OnlineOnly",
            default,
            skip_serializing_if = "std::ops::Not::not"
        )]
        online_only: bool,
        /// Groups that keep their messages: not counted as unread.
        #[serde(
            rename = "NoUnread",
            default,
            skip_serializing_if = "std::ops::Not::not"
        )]
        no_unread: bool,
        /// Groups that keep their messages: does not move the members' conversations.
        #[serde(
            rename = "NoLastMsg",
            default,
            skip_serializing_if = "std::ops::Not::not"
        )]
        no_last_msg: bool,
        /// Groups that keep their messages: members' read reports come back.
        #[serde(
            rename = "NeedReadReceipt",
            default,
            skip_serializing_if = "std::ops::Not::not"
        )]
        need_read_receipt: bool,
        /// `GroupAtInfo`: `[{GroupAtAllFlag, GroupAt_Account}]`, one per mention.
        #[serde(
            rename = "GroupAtInfo",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        at_info: Option<Value>,
        /// A topic of a community.
        #[serde(rename = "TopicId", default, skip_serializing_if = "Option::is_none")]
        topic_id: Option<String>,
        /// Groups that keep their messages: the message takes extensions.
        #[serde(
            rename = "SupportMessageExtension",
            default,
            skip_serializing_if = "std::ops::Not::not"
        )]
        extensible: bool,
    },
    Ping,
    /// Owner / admin: mute members for `MuteTime` seconds (0 unmutes).
    Mute {
        #[serde(rename = "GroupId")]
        group_id: String,
        #[serde(rename = "Members_Account")]
        members: Vec<String>,
        #[serde(rename = "MuteTime")]
        mute_time: u64,
    },
    /// Owner / admin: `MuteAllMember` `On` or `Off`.
    MuteAll {
        #[serde(rename = "GroupId")]
        group_id: String,
        #[serde(rename = "MuteAllMember")]
        mute_all: String,
    },
    /// Owner / admin: remove members and keep them out for `Duration` seconds.
    Ban {
        #[serde(rename = "GroupId")]
        group_id: String,
        #[serde(rename = "Members_Account")]
        members: Vec<String>,
        #[serde(rename = "Duration")]
        duration: u64,
        #[serde(rename = "Description", default)]
        description: String,
    },
    Unban {
        #[serde(rename = "GroupId")]
        group_id: String,
        #[serde(rename = "Members_Account")]
        members: Vec<String>,
    },
    /// Owner / admin: move the room to a live state (`Upcoming`, `Live`, `Paused`, `Ended`,
    /// `Replay`); `NewSession` starts a new broadcast after one ended.
    SetLiveState {
        #[serde(rename = "GroupId")]
        group_id: String,
        #[serde(rename = "State")]
        state: String,
        #[serde(rename = "NewSession", default)]
        new_session: bool,
    },
    /// Owner / admin: pin a live-shopping item (`ItemId`, `Title`, `Price`, `ImageUrl`,
    /// `Link`, ...) for every viewer.
    PinItem {
        #[serde(rename = "GroupId")]
        group_id: String,
        #[serde(rename = "Item")]
        item: Value,
    },
    /// Owner / admin: take the pinned item down.
    UnpinItem {
        #[serde(rename = "GroupId")]
        group_id: String,
    },
    /// Like the room `Count` times (1 to 100, default 1).
    Like {
        #[serde(rename = "GroupId")]
        group_id: String,
        #[serde(rename = "Count", default = "one")]
        count: u32,
    },
    /// Owner / admin: start a lucky draw among users who send `Keyword` within `Duration`
    /// seconds; `Winners` are drawn at the end.
    StartDraw(DrawRequest),
    /// Owner / admin: change the room's name, introduction, notice (`Notification`), cover
    /// (`FaceUrl`) or declared custom fields (`AppDefinedData`).
    ModifyGroup(GroupChange),
    /// Owner / admin: the room's audience statistics (as `liveroom_ext/get_room_stats`).
    RoomStats(RoomStatsRequest),
    /// Owner / admin: take a group message back from every screen and the history.
    Recall {
        #[serde(rename = "GroupId")]
        group_id: String,
        #[serde(rename = "MsgSeq")]
        msg_seq: u64,
        /// A topic of a community.
        #[serde(rename = "TopicId", default, skip_serializing_if = "Option::is_none")]
        topic_id: Option<String>,
    },
    /// Owner: make members admins (`Admin: true`) or ordinary members again.
    SetAdmin {
        #[serde(rename = "GroupId")]
        group_id: String,
        #[serde(rename = "Members_Account")]
        members: Vec<String>,
        #[serde(rename = "Admin")]
        admin: bool,
    },
    /// A one-to-one message.
    SendC2c(chat::SendC2c),
    /// A page of one conversation's messages.
    GetC2cMessages(chat::GetC2cMessages),
    /// The conversation list.
    GetConversations(chat::GetConversations),
    /// Read up to a message: clears the unread count on every device.
    ReadC2c(chat::ReadC2c),
    /// Recall one's own one-to-one message.
    RecallC2c(chat::RecallC2c),
    /// Edit one's own one-to-one message.
    ModifyC2c(chat::ModifyC2c),
    DeleteConversation(chat::DeleteConversation),
    PinConversation(chat::PinConversation),
    /// Tell a user's online devices this one is typing.
    Typing(chat::Typing),
    GetProfiles(social::GetProfiles),
    SetProfile(social::SetProfile),
    AddFriend(social::AddFriend),
    AnswerFriendRequest(social::AnswerFriendRequest),
    GetFriendRequests,
    DeleteFriend(social::DeleteFriend),
    GetFriends(social::GetFriends),
    Block(social::BlockUsers),
    Unblock(social::BlockUsers),
    GetBlocklist,
    SubscribeStatus(chat::StatusUsers),
    UnsubscribeStatus(chat::StatusUsers),
    GetStatus(chat::StatusUsers),
    SetStatus(chat::SetStatus),
    /// Create a group; the caller owns it.
    CreateGroup(groups::CreateGroup),
    /// Become a member of a group that keeps members (or ask to).
    JoinGroup(groups::JoinGroup),
    InviteToGroup(groups::GroupMembersOp),
    KickFromGroup(groups::GroupMembersOp),
    /// A group's pending join requests (owner, admins).
    GetGroupRequests(groups::GroupRef),
    AnswerGroupRequest(groups::AnswerGroupRequest),
    /// The groups the user is a member of, with its unread counts.
    GetJoinedGroups,
    GetGroupMembers(groups::GetGroupMembers),
    GetGroupMessages(groups::GetGroupMessages),
    ReadGroup(groups::ReadGroup),
    SetMemberInfo(groups::SetMemberInfo),
    ChangeGroupOwner(groups::ChangeGroupOwner),
    /// Dismiss a group (its owner).
    DestroyGroup(groups::GroupRef),
    /// A community's owner or admin adds a topic.
    CreateTopic(groups::CreateTopic),
    /// A community's topics, with this user's unread count in each.
    GetTopics(groups::GetTopics),
    ModifyTopic(groups::ModifyTopic),
    DestroyTopics(groups::DestroyTopics),
    /// Edit one's own message of a stored group.
    ModifyGroupMessage(groups::ModifyGroupMessage),
    AddReaction(groups::Reaction),
    RemoveReaction(groups::Reaction),
    GetReactions(groups::MessageList),
    SetMessageExtensions(groups::SetExtensions),
    GetMessageExtensions(groups::MessageRef),
    GetReadReceipts(groups::MessageList),
    /// A group's profile (any logged-in user; no need to be a member).
    GetGroupInfo(groups::GroupRef),
    /// A community's owner or admin sets a member's own permission in a topic.
    SetTopicPermission(groups::SetTopicPermission),
}

impl Op {
    /// An op of the groups that keep their members (docs/protocol.md, "Groups").
    pub fn is_group_chat(&self) -> bool {
        matches!(
            self,
            Self::CreateGroup(_)
                | Self::JoinGroup(_)
                | Self::InviteToGroup(_)
                | Self::KickFromGroup(_)
                | Self::GetGroupRequests(_)
                | Self::AnswerGroupRequest(_)
                | Self::GetJoinedGroups
                | Self::GetGroupMembers(_)
                | Self::GetGroupMessages(_)
                | Self::ReadGroup(_)
                | Self::SetMemberInfo(_)
                | Self::ChangeGroupOwner(_)
                | Self::DestroyGroup(_)
                | Self::CreateTopic(_)
                | Self::GetTopics(_)
                | Self::ModifyTopic(_)
                | Self::DestroyTopics(_)
                | Self::ModifyGroupMessage(_)
                | Self::AddReaction(_)
                | Self::RemoveReaction(_)
                | Self::GetReactions(_)
                | Self::SetMessageExtensions(_)
                | Self::GetMessageExtensions(_)
                | Self::GetReadReceipts(_)
                | Self::GetGroupInfo(_)
                | Self::SetTopicPermission(_)
        )
    }

    /// The error table an op answers with: one-to-one ops `openim`'s (20xxx, 90xxx),
    /// profile ops `profile`'s (40xxx), relationship ops `sns`'s (30xxx), the others the
    /// group service's.
    pub fn service(&self) -> crate::Service {
        use crate::Service;
        match self {
            Self::SendC2c(_)
            | Self::GetC2cMessages(_)
            | Self::GetConversations(_)
            | Self::ReadC2c(_)
            | Self::RecallC2c(_)
            | Self::ModifyC2c(_)
            | Self::DeleteConversation(_)
            | Self::PinConversation(_)
            | Self::Typing(_)
            | Self::SubscribeStatus(_)
            | Self::UnsubscribeStatus(_)
            | Self::GetStatus(_)
            | Self::SetStatus(_) => Service::Openim,
            Self::GetProfiles(_) | Self::SetProfile(_) => Service::Profile,
            Self::AddFriend(_)
            | Self::AnswerFriendRequest(_)
            | Self::GetFriendRequests
            | Self::DeleteFriend(_)
            | Self::GetFriends(_)
            | Self::Block(_)
            | Self::Unblock(_)
            | Self::GetBlocklist => Service::Sns,
            _ => Service::Group,
        }
    }
}

/// A lucky draw to start: the `start_draw` op, and the REST extension of the same name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawRequest {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "Keyword")]
    pub keyword: String,
    #[serde(rename = "Duration")]
    pub duration: u32,
    #[serde(rename = "Winners", default = "one")]
    pub winners: u32,
}

fn one() -> u32 {
    1
}

/// A change of a room's profile: the `modify_group` op. Absent fields stay as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupChange {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "Name", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        rename = "Introduction",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub introduction: Option<String>,
    /// The room's notice.
    #[serde(
        rename = "Notification",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub notification: Option<String>,
    #[serde(rename = "FaceUrl", default, skip_serializing_if = "Option::is_none")]
    pub face_url: Option<String>,
    /// Declared custom fields to set; an empty `Value` deletes the key.
    #[serde(
        rename = "AppDefinedData",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub custom: Vec<CustomItem>,
}

/// One `AppDefinedData` item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomItem {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Value")]
    pub value: String,
}

/// A read of a room's statistics: the `room_stats` op, and `liveroom_ext/get_room_stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomStatsRequest {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// The broadcast session (the current one when absent).
    #[serde(rename = "Session", default, skip_serializing_if = "Option::is_none")]
    pub session: Option<u32>,
    /// How many top users to list (0 to 100).
    #[serde(rename = "Top", default = "ten")]
    pub top: u32,
    /// `GiftValue` (default), `Gifts`, `Messages`, `Likes` or `OnlineTime`.
    #[serde(rename = "OrderBy", default, skip_serializing_if = "Option::is_none")]
    pub order_by: Option<String>,
}

fn ten() -> u32 {
    10
}

/// A frame from the server.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Push {
    /// The answer to a request; `ErrorCode` 0 is success.
    Reply(Reply),
    /// A group message (also history delivered on join, with `History: true`).
    Message(MessagePush),
    /// A group tip (`TIMGroupTipElem`): membership, profile and mute changes.
    Tip(ElemPush),
    /// A group system notification (`TIMGroupSystemNoticeElem`).
    System(ElemPush),
    /// The server is closing this session; `Reason` says why.
    Kicked(Kicked),
    /// The room's online count changed (see `online_push_percent` / `online_push_secs`).
    Online(OnlinePush),
    /// The room's like total changed (see `like_push_secs`).
    Likes(LikesPush),
    /// A gift this user just sent, shown to the sender's own connections at once (the
    /// room gets it as a merged `message`).
    Gift(GiftPush),
    /// A group message was recalled: clients take it off the screen.
    Recalled(RecalledPush),
    /// A one-to-one message (to this user, or from it on another device).
    C2c(chat::C2cMessage),
    /// A one-to-one message was recalled.
    C2cRecalled(chat::C2cRecalledPush),
    /// A one-to-one message was edited (the whole message as it is now).
    C2cModified(chat::C2cMessage),
    /// A conversation was read (by this user on a device, or by the peer).
    C2cRead(chat::C2cReadPush),
    /// A user is typing to this one.
    Typing(chat::TypingPush),
    /// A user's profile changed (this user's, a friend's or a conversation peer's).
    Profile(ProfilePush),
    /// A relationship changed: a friend added or deleted, a request, a block.
    Friend(FriendPush),
    /// A watched user's status changed.
    UserStatus(chat::UserStatusPush),
    /// This user read a group that keeps its messages (on one of its devices), or its
    /// unread count there was set.
    GroupRead(groups::GroupReadPush),
    /// A community's topic was created, changed or destroyed.
    Topic(groups::TopicPush),
    /// A stored group's message was edited (the whole message as it is now).
    MessageModified(MessagePush),
    /// A reaction to a stored group's message was added or removed.
    Reaction(groups::ReactionPush),
    /// Extensions of a stored group's message were set.
    MessageExtension(groups::ExtensionPush),
    /// A group's attributes changed (the whole map now).
    GroupAttrs(groups::GroupAttrsPush),
    /// This user changed a conversation on one of its devices.
    C2cConversation(chat::ConversationPush),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfilePush {
    #[serde(rename = "UserID")]
    pub user: String,
    #[serde(rename = "ProfileItem")]
    pub items: Vec<social::ProfileEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendPush {
    /// `added`, `deleted`, `request`, `declined`, `blocked`, `unblocked`, `updated`.
    #[serde(rename = "Action")]
    pub action: String,
    #[serde(rename = "From_Account")]
    pub from: String,
    #[serde(rename = "To_Account")]
    pub to: String,
    #[serde(rename = "AddWording", default)]
    pub wording: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecalledPush {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "MsgSeq")]
    pub msg_seq: u64,
    /// Who recalled it: the room's owner or admin, an App admin, or the REST caller.
    #[serde(rename = "Operator_Account")]
    pub operator: String,
    /// A topic's message (communities).
    #[serde(rename = "TopicId", default, skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<String>,
}

/// One gift as the sender's own connections see it, and as the `Data` of the room's gift
/// message (a `TIMCustomElem` with `"type": "gift"`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct GiftPush {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "From_Account")]
    pub from_account: String,
    #[serde(rename = "GiftId")]
    pub gift_id: String,
    #[serde(rename = "GiftName")]
    pub gift_name: String,
    /// 0 plain, 1 banner, 2 banner with an effect.
    #[serde(rename = "GiftType")]
    pub gift_type: u8,
    /// Gifts in this push or message.
    #[serde(rename = "Count")]
    pub count: u32,
    /// Gifts of the combo so far, this one included.
    #[serde(rename = "ComboCount")]
    pub combo_count: u64,
    #[serde(rename = "ComboId")]
    pub combo_id: String,
    #[serde(rename = "EffectUrl", default)]
    pub effect_url: String,
    /// Value of one gift in the app's unit (for statistics), 0 when not given.
    #[serde(rename = "Value", default)]
    pub value: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LikesPush {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "Total")]
    pub total: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OnlinePush {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "MemberNum")]
    pub member_num: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Reply {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    #[serde(rename = "ErrorCode")]
    pub error_code: i32,
    #[serde(rename = "ErrorInfo")]
    pub error_info: String,
    /// Result fields of the request (e.g. `MsgSeq`, `MsgTime` for a send).
    #[serde(flatten)]
    pub data: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MessagePush {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "From_Account")]
    pub from_account: String,
    #[serde(rename = "NickName")]
    pub nick: String,
    #[serde(rename = "Avatar")]
    pub avatar: String,
    /// The sender's level (0 when not known).
    #[serde(rename = "Level", default)]
    pub level: u32,
    #[serde(rename = "MsgSeq")]
    pub msg_seq: u64,
    #[serde(rename = "MsgTime")]
    pub msg_time: i64,
    #[serde(rename = "MsgRandom")]
    pub msg_random: u32,
    #[serde(rename = "MsgPriority")]
    pub priority: String,
    #[serde(rename = "MsgBody")]
    pub msg_body: Value,
    #[serde(rename = "CloudCustomData")]
    pub cloud_custom_data: String,
    #[serde(
        rename = "History",
        default,
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub history: bool,
    /// A topic of a community (empty: the group itself).
    #[serde(rename = "TopicId", default, skip_serializing_if = "String::is_empty")]
    pub topic_id: String,
    /// Mentions (stored groups): `[{GroupAtAllFlag, GroupAt_Account}]`.
    #[serde(
        rename = "GroupAtInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub at_info: Option<Value>,
    /// The group's type, for groups that keep their messages (absent in live rooms).
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub group_type: Option<String>,
    #[serde(
        rename = "NoUnread",
        default,
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub no_unread: bool,
    #[serde(
        rename = "NoLastMsg",
        default,
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub no_last_msg: bool,
    #[serde(
        rename = "NeedReadReceipt",
        default,
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub need_read_receipt: bool,
}

/// The serializing twin of [`MessagePush`] used on the hot path: it borrows everything and
/// embeds the already-validated `MsgBody` JSON verbatim. Produces the same JSON as
/// `Push::Message`.
#[derive(Debug, Serialize)]
pub struct MessageFrame<'a> {
    pub op: &'static str,
    #[serde(rename = "GroupId")]
    pub group_id: &'a str,
    #[serde(rename = "From_Account")]
    pub from_account: &'a str,
    #[serde(rename = "NickName")]
    pub nick: &'a str,
    #[serde(rename = "Avatar")]
    pub avatar: &'a str,
    /// The sender's level (audience statistics); 0 when not known.
    #[serde(rename = "Level")]
    pub level: u32,
    #[serde(rename = "MsgSeq")]
    pub msg_seq: u64,
    #[serde(rename = "MsgTime")]
    pub msg_time: i64,
    #[serde(rename = "MsgRandom")]
    pub msg_random: u32,
    #[serde(rename = "MsgPriority")]
    pub priority: &'a str,
    #[serde(rename = "MsgBody")]
    pub msg_body: &'a RawValue,
    #[serde(rename = "CloudCustomData")]
    pub cloud_custom_data: &'a str,
    #[serde(rename = "History", skip_serializing_if = "std::ops::Not::not")]
    pub history: bool,
    /// A topic of a community (empty: the group itself).
    #[serde(rename = "TopicId", skip_serializing_if = "str::is_empty")]
    pub topic_id: &'a str,
    /// Mentions (stored groups).
    #[serde(rename = "GroupAtInfo", skip_serializing_if = "Option::is_none")]
    pub at_info: Option<&'a RawValue>,
    /// The group's type, for groups that keep their messages (absent in live rooms).
    #[serde(rename = "Type", skip_serializing_if = "str::is_empty")]
    pub group_type: &'a str,
    /// Stored groups: the send's `NoUnread`, `NoLastMsg`, `NeedReadReceipt`.
    #[serde(rename = "NoUnread", skip_serializing_if = "std::ops::Not::not")]
    pub no_unread: bool,
    #[serde(rename = "NoLastMsg", skip_serializing_if = "std::ops::Not::not")]
    pub no_last_msg: bool,
    #[serde(rename = "NeedReadReceipt", skip_serializing_if = "std::ops::Not::not")]
    pub need_read_receipt: bool,
}

/// Tips and system notifications: a `MsgBody` with one server element.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ElemPush {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "MsgTime")]
    pub msg_time: i64,
    /// A tip stored in a group's history: its number there.
    #[serde(rename = "MsgSeq", default, skip_serializing_if = "Option::is_none")]
    pub msg_seq: Option<u64>,
    #[serde(rename = "MsgBody")]
    pub msg_body: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Kicked {
    #[serde(rename = "Reason")]
    pub reason: KickReason,
    #[serde(rename = "ErrorInfo", default)]
    pub info: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum KickReason {
    /// Another login of the same account took this session's place (login policy).
    MultiLogin,
    /// No frame arrived within the idle timeout.
    IdleTimeout,
    /// The connection could not keep up with its outbound queue.
    SlowConsumer,
    /// The server is shutting down.
    Shutdown,
    /// The account was deleted or kicked by an admin.
    AccountKicked,
    /// The connection kept sending requests faster than its rate limit allows.
    RequestFlood,
}

/// Tip kinds inside `TIMGroupTipElem.MsgContent.OpType` (client SDK numbering).
pub mod tip {
    pub const JOIN: u8 = 1;
    /// Members brought in by someone else (stored groups).
    pub const INVITE: u8 = 2;
    pub const QUIT: u8 = 3;
    pub const KICKED: u8 = 4;
    pub const SET_ADMIN: u8 = 5;
    pub const CANCEL_ADMIN: u8 = 6;
    pub const GROUP_INFO_CHANGE: u8 = 7;
    pub const MEMBER_INFO_CHANGE: u8 = 8;
}

/// Group-info change kinds inside a `GROUP_INFO_CHANGE` tip (`GroupInfoChange[].Type`).
pub mod info_change {
    pub const NAME: u8 = 1;
    pub const INTRODUCTION: u8 = 2;
    pub const NOTIFICATION: u8 = 3;
    pub const FACE: u8 = 4;
    pub const OWNER: u8 = 5;
    pub const CUSTOM: u8 = 6;
    pub const SHUT_UP_ALL: u8 = 8;
}

/// System notification kinds inside `TIMGroupSystemNoticeElem.MsgContent.OpType`.
pub mod system {
    /// To a group's owner and admins: someone asks to join, or a member's invitation
    /// waits for approval.
    pub const JOIN_REQUEST: u8 = 1;
    /// To the applicant (or invitee): its request was approved.
    pub const REQUEST_ACCEPTED: u8 = 2;
    /// To the applicant (or invitee): its request was declined.
    pub const REQUEST_REFUSED: u8 = 3;
    /// To a stored group's first members: the group was created with them in it.
    pub const CREATED: u8 = 6;
    /// The receiver was removed from the group (ban).
    pub const KICKED_OUT: u8 = 4;
    pub const DISMISSED: u8 = 5;
    /// `send_group_system_notification` content.
    pub const CUSTOM: u8 = 255;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_shapes() {
        let r: Request = serde_json::from_str(
            r#"{"op":"send","id":7,"GroupId":"g","MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}],"MsgPriority":"High"}"#,
        )
        .expect("parses");
        assert_eq!(r.id, Some(7));
        assert!(
            matches!(r.op, Op::Send { ref priority, .. } if priority.as_deref() == Some("High"))
        );
        let p: Request = serde_json::from_str(r#"{"op":"ping"}"#).expect("parses");
        assert!(matches!(p.op, Op::Ping));
        assert!(serde_json::from_str::<Request>(r#"{"op":"join","GroupId":5}"#).is_err());
    }

    #[test]
    fn push_roundtrip() {
        let body = RawValue::from_string("[]".into()).expect("raw");
        let m = MessageFrame {
            op: "message",
            group_id: "g",
            from_account: "a",
            nick: "A",
            avatar: "",
            level: 4,
            msg_seq: 3,
            msg_time: 1,
            msg_random: 9,
            priority: "Normal",
            msg_body: &body,
            cloud_custom_data: "",
            history: false,
            topic_id: "",
            at_info: None,
            group_type: "",
            no_unread: false,
            no_last_msg: false,
            need_read_receipt: false,
        };
        let text = serde_json::to_string(&m).expect("ser");
        assert!(text.starts_with(r#"{"op":"message","GroupId":"g""#));
        let back: Push = serde_json::from_str(&text).expect("de");
        assert!(matches!(back, Push::Message(ref p) if p.msg_seq == 3));
    }

    #[test]
    fn recall_shapes() {
        let r: Request = serde_json::from_str(r#"{"op":"recall","id":3,"GroupId":"g","MsgSeq":5}"#)
            .expect("parses");
        assert!(matches!(r.op, Op::Recall { ref group_id, msg_seq: 5, .. } if group_id == "g"));
        assert!(
            serde_json::from_str::<Request>(r#"{"op":"recall","GroupId":"g","MsgSeq":-1}"#)
                .is_err()
        );
        let push = Push::Recalled(RecalledPush {
            group_id: "g".into(),
            msg_seq: 5,
            operator: "host".into(),
            topic_id: None,
        });
        assert_eq!(
            serde_json::to_string(&push).expect("ser"),
            r#"{"op":"recalled","GroupId":"g","MsgSeq":5,"Operator_Account":"host"}"#
        );
    }
}
