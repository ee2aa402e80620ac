//! The client protocol's one-to-one chat ops and pushes (docs/protocol.md, "One-to-one
//! chat"). Field names follow the reference where it has them (`To_Account`, `MsgBody`,
//! `MsgKey`, ...); `Seq` is the conversation's own number (see [`crate::chat`]).

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

/// `send_c2c`: a message to one user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendC2c {
    #[serde(rename = "To_Account")]
    pub to: String,
    #[serde(rename = "MsgBody")]
    pub msg_body: Value,
    #[serde(
        rename = "CloudCustomData",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cloud_custom_data: Option<String>,
    /// The sender's own number (the reference's C2C `MsgSeq`); random when absent.
    #[serde(rename = "MsgSeq", default, skip_serializing_if = "Option::is_none")]
    pub msg_seq: Option<u32>,
    /// With `MsgSeq` and the content, a repeat within 120 s is answered, not sent again.
    #[serde(rename = "MsgRandom", default, skip_serializing_if = "Option::is_none")]
    pub msg_random: Option<u32>,
    /// Delivered to who is online now, never stored (a signal).
    #[serde(rename = "OnlineOnly", default, skip_serializing_if = "is_false")]
    pub online_only: bool,
    /// The receiver's read report is pushed back to the sender (`c2c_read`).
    #[serde(rename = "NeedReadReceipt", default, skip_serializing_if = "is_false")]
    pub need_read_receipt: bool,
    /// Not counted as unread by the receiver.
    #[serde(rename = "NoUnread", default, skip_serializing_if = "is_false")]
    pub no_unread: bool,
    #[serde(
        rename = "OfflinePushInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub offline_push_info: Option<Value>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// `get_c2c_messages`: a page of one conversation: `AfterSeq` oldest first (catching up),
/// or else `BeforeSeq` (absent: from the newest) newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetC2cMessages {
    #[serde(rename = "Peer_Account")]
    pub peer: String,
    #[serde(rename = "AfterSeq", default, skip_serializing_if = "Option::is_none")]
    pub after_seq: Option<u64>,
    #[serde(rename = "BeforeSeq", default, skip_serializing_if = "Option::is_none")]
    pub before_seq: Option<u64>,
    /// 1 to 100 (default 20).
    #[serde(rename = "Count", default = "twenty")]
    pub count: u32,
}

fn twenty() -> u32 {
    20
}

/// `get_conversations`: the conversation list, pinned first, then newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetConversations {
    /// From the answer's `NextCursor` (absent: from the start).
    #[serde(rename = "Cursor", default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// 1 to 1000 (default 100).
    #[serde(rename = "Count", default = "hundred")]
    pub count: u32,
}

fn hundred() -> u32 {
    100
}

/// `read_c2c`: this user has read the conversation up to `Seq` (absent: everything).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadC2c {
    #[serde(rename = "Peer_Account")]
    pub peer: String,
    #[serde(rename = "Seq", default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
}

/// `recall_c2c`: take one's own message back (within the app's window).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallC2c {
    #[serde(rename = "Peer_Account")]
    pub peer: String,
    #[serde(rename = "MsgKey")]
    pub msg_key: String,
}

/// `modify_c2c`: replace one's own message's body and/or custom data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModifyC2c {
    #[serde(rename = "Peer_Account")]
    pub peer: String,
    #[serde(rename = "MsgKey")]
    pub msg_key: String,
    #[serde(rename = "MsgBody", default, skip_serializing_if = "Option::is_none")]
    pub msg_body: Option<Value>,
    #[serde(
        rename = "CloudCustomData",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cloud_custom_data: Option<String>,
}

/// `delete_conversation`: off the list until its next message; `ClearHistory` also takes
/// its messages so far off this user's side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteConversation {
    #[serde(rename = "Peer_Account")]
    pub peer: String,
    #[serde(rename = "ClearHistory", default)]
    pub clear_history: bool,
}

/// `pin_conversation`: pinned conversations list first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinConversation {
    /// A one-to-one conversation (or else `GroupId`).
    #[serde(rename = "Peer_Account", default)]
    pub peer: String,
    /// A group's conversation.
    #[serde(rename = "GroupId", default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    #[serde(rename = "Pinned")]
    pub pinned: bool,
}

/// `typing`: tell the peer's online devices this user is typing (never stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Typing {
    #[serde(rename = "To_Account")]
    pub to: String,
}

/// A one-to-one message as pushed (`op: "c2c"`) and as pages list it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct C2cMessage {
    #[serde(rename = "From_Account")]
    pub from: String,
    #[serde(rename = "To_Account")]
    pub to: String,
    /// The conversation's number (0: an online-only message, not stored).
    #[serde(rename = "Seq")]
    pub seq: u64,
    #[serde(rename = "MsgKey")]
    pub msg_key: String,
    #[serde(rename = "MsgSeq")]
    pub msg_seq: u64,
    #[serde(rename = "MsgRandom")]
    pub msg_random: u32,
    #[serde(rename = "MsgTime")]
    pub msg_time: i64,
    #[serde(rename = "NickName", default)]
    pub nick: String,
    #[serde(rename = "Avatar", default)]
    pub avatar: String,
    #[serde(rename = "MsgBody")]
    pub msg_body: Value,
    #[serde(rename = "CloudCustomData", default)]
    pub cloud_custom_data: String,
    #[serde(rename = "NeedReadReceipt", default, skip_serializing_if = "is_false")]
    pub need_read_receipt: bool,
    #[serde(rename = "OnlineOnly", default, skip_serializing_if = "is_false")]
    pub online_only: bool,
    #[serde(rename = "Recalled", default, skip_serializing_if = "is_false")]
    pub recalled: bool,
    #[serde(rename = "Edited", default, skip_serializing_if = "is_false")]
    pub edited: bool,
    /// The receiving side's unread count in this conversation after this message (pushes
    /// to the receiver only).
    #[serde(rename = "Unread", default, skip_serializing_if = "Option::is_none")]
    pub unread: Option<u64>,
}

/// The serializing twin of [`C2cMessage`] the server writes: borrows, and embeds the
/// stored `MsgBody` JSON verbatim.
#[derive(Debug, Serialize)]
pub struct C2cFrame<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub op: Option<&'static str>,
    #[serde(rename = "From_Account")]
    pub from: &'a str,
    #[serde(rename = "To_Account")]
    pub to: &'a str,
    #[serde(rename = "Seq")]
    pub seq: u64,
    #[serde(rename = "MsgKey")]
    pub msg_key: String,
    #[serde(rename = "MsgSeq")]
    pub msg_seq: u64,
    #[serde(rename = "MsgRandom")]
    pub msg_random: u32,
    #[serde(rename = "MsgTime")]
    pub msg_time: i64,
    #[serde(rename = "NickName")]
    pub nick: &'a str,
    #[serde(rename = "Avatar")]
    pub avatar: &'a str,
    #[serde(rename = "MsgBody")]
    pub msg_body: &'a RawValue,
    #[serde(rename = "CloudCustomData")]
    pub cloud_custom_data: &'a str,
    #[serde(rename = "NeedReadReceipt", skip_serializing_if = "is_false")]
    pub need_read_receipt: bool,
    #[serde(rename = "OnlineOnly", skip_serializing_if = "is_false")]
    pub online_only: bool,
    #[serde(rename = "Recalled", skip_serializing_if = "is_false")]
    pub recalled: bool,
    #[serde(rename = "Edited", skip_serializing_if = "is_false")]
    pub edited: bool,
    #[serde(rename = "Unread", skip_serializing_if = "Option::is_none")]
    pub unread: Option<u64>,
}

/// `c2c_recalled`: a message left both sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct C2cRecalledPush {
    #[serde(rename = "From_Account")]
    pub from: String,
    #[serde(rename = "To_Account")]
    pub to: String,
    #[serde(rename = "Seq")]
    pub seq: u64,
    #[serde(rename = "MsgKey")]
    pub msg_key: String,
    /// The receiving side's unread count in this conversation afterwards (to the receiver).
    #[serde(rename = "Unread", default, skip_serializing_if = "Option::is_none")]
    pub unread: Option<u64>,
}

/// `c2c_read`: `Reader_Account` has read its conversation with `Peer_Account` up to `Seq`.
/// The reader's own devices clear their count (`Unread`); the peer's learn how far it was
/// read (read receipts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct C2cReadPush {
    #[serde(rename = "Reader_Account")]
    pub reader: String,
    #[serde(rename = "Peer_Account")]
    pub peer: String,
    #[serde(rename = "Seq")]
    pub seq: u64,
    #[serde(rename = "Unread", default, skip_serializing_if = "Option::is_none")]
    pub unread: Option<u64>,
}

/// `typing`: `From_Account` is typing to the receiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypingPush {
    #[serde(rename = "From_Account")]
    pub from: String,
}

/// `subscribe_status`, `unsubscribe_status`, `get_status`: users whose status to watch,
/// stop watching, or read once (at most 200 watched per connection).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusUsers {
    #[serde(rename = "UserIDs")]
    pub users: Vec<String>,
}

/// `set_status`: this user's custom status text (empty clears it; gone when its last device
/// goes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetStatus {
    #[serde(rename = "CustomStatus")]
    pub custom_status: String,
}

/// `user_status`: a watched user's status changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserStatusPush {
    #[serde(rename = "UserID")]
    pub user: String,
    /// `Online` or `Offline`.
    #[serde(rename = "Status")]
    pub status: String,
    #[serde(rename = "Platforms", default)]
    pub platforms: Vec<String>,
    #[serde(rename = "CustomStatus", default)]
    pub custom_status: String,
}

/// `c2c_conversation`: this user pinned, unpinned or deleted a conversation on a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationPush {
    #[serde(rename = "Peer_Account")]
    pub peer: String,
    /// `pinned`, `unpinned`, `deleted`.
    #[serde(rename = "Action")]
    pub action: String,
}
