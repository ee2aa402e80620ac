//! The client protocol's ops for groups that keep their members and messages (Work,
//! Public, Meeting, Community): docs/protocol.md, "Groups". Field names follow the
//! reference where it has them.

use serde::{Deserialize, Serialize};

/// `create_group`: the caller becomes the owner (and first member).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateGroup {
    /// `Private` (`Work`), `Public`, `ChatRoom` (`Meeting`), `Community`, `AVChatRoom`.
    #[serde(rename = "Type")]
    pub group_type: String,
    #[serde(rename = "GroupId", default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    #[serde(rename = "Name")]
    pub name: String,
    #[serde(rename = "Introduction", default)]
    pub introduction: String,
    #[serde(rename = "Notification", default)]
    pub notification: String,
    #[serde(rename = "FaceUrl", default)]
    pub face_url: String,
    /// 0 or absent: the type's default.
    #[serde(rename = "MaxMemberCount", default)]
    pub max_member_count: u32,
    #[serde(
        rename = "ApplyJoinOption",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub apply_join_option: Option<String>,
    #[serde(
        rename = "InviteJoinOption",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub invite_join_option: Option<String>,
    /// Members beside the caller (at most 100).
    #[serde(rename = "MemberList", default)]
    pub member_list: Vec<String>,
    #[serde(rename = "SupportTopic", default)]
    pub support_topic: bool,
}

/// A group named alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRef {
    #[serde(rename = "GroupId")]
    pub group_id: String,
}

/// `join_group`: become a member at once, or ask (the group's `ApplyJoinOption`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinGroup {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "ApplyMessage", default)]
    pub apply_message: String,
}

/// `invite_to_group` / `kick_from_group`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMembersOp {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "Members_Account")]
    pub members: Vec<String>,
    #[serde(rename = "Reason", default)]
    pub reason: String,
}

/// `answer_group_request`: approve or decline a pending request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerGroupRequest {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "Applicant_Account")]
    pub applicant: String,
    #[serde(rename = "Accept")]
    pub accept: bool,
    #[serde(rename = "Reason", default)]
    pub reason: String,
}

/// `get_group_members`: a page in id order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetGroupMembers {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// From the answer's `Next` (absent: from the start).
    #[serde(rename = "Next", default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// 1 to 1000 (default 100).
    #[serde(rename = "Count", default = "hundred")]
    pub count: u32,
    /// Only admins.
    #[serde(rename = "AdminsOnly", default)]
    pub admins_only: bool,
}

fn hundred() -> u32 {
    100
}

fn twenty() -> u32 {
    20
}

/// `get_group_messages`: `AfterSeq` oldest first (catching up), else `BeforeSeq` (absent:
/// from the newest) newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetGroupMessages {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// A topic of a community.
    #[serde(rename = "TopicId", default, skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<String>,
    #[serde(rename = "AfterSeq", default, skip_serializing_if = "Option::is_none")]
    pub after_seq: Option<u64>,
    #[serde(rename = "BeforeSeq", default, skip_serializing_if = "Option::is_none")]
    pub before_seq: Option<u64>,
    /// 1 to 100 (default 20).
    #[serde(rename = "Count", default = "twenty")]
    pub count: u32,
    /// Recalled messages as placeholders too.
    #[serde(rename = "WithRecalled", default)]
    pub with_recalled: bool,
}

/// `read_group`: read up to `Seq` (absent: everything).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadGroup {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// A topic of a community.
    #[serde(rename = "TopicId", default, skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<String>,
    #[serde(rename = "Seq", default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
}

/// One `AppMemberDefinedData` item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyValue {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Value")]
    pub value: String,
}

/// `set_member_info`: one's own fields, or (owners and admins) another member's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetMemberInfo {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    /// Absent: oneself.
    #[serde(
        rename = "Member_Account",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub member: Option<String>,
    #[serde(rename = "NameCard", default, skip_serializing_if = "Option::is_none")]
    pub name_card: Option<String>,
    #[serde(rename = "MsgFlag", default, skip_serializing_if = "Option::is_none")]
    pub msg_flag: Option<String>,
    #[serde(rename = "AppMemberDefinedData", default)]
    pub custom: Vec<KeyValue>,
    /// `Admin` or `Member` (the owner only).
    #[serde(rename = "Role", default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// `change_group_owner`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeGroupOwner {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "NewOwner_Account")]
    pub new_owner: String,
}

/// `group_read`: this user's read position and unread count in a group now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupReadPush {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "TopicId", default, skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<String>,
    #[serde(rename = "Seq")]
    pub seq: u64,
    #[serde(rename = "Unread")]
    pub unread: u64,
}

/// `create_topic`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateTopic {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "TopicName")]
    pub topic_name: String,
    /// A custom id: `<GroupId>@TOPIC#_<suffix>`.
    #[serde(rename = "TopicId", default, skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<String>,
    #[serde(rename = "FaceUrl", default, skip_serializing_if = "Option::is_none")]
    pub face_url: Option<String>,
    #[serde(
        rename = "Introduction",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub introduction: Option<String>,
    #[serde(
        rename = "Notification",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub notification: Option<String>,
    #[serde(
        rename = "CustomString",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_string: Option<String>,
}

/// `get_topics`: those named, or all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetTopics {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(
        rename = "TopicIdList",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub topic_ids: Option<Vec<String>>,
}

/// `modify_topic`: the fields named change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifyTopic {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "TopicId")]
    pub topic_id: String,
    #[serde(rename = "TopicName", default, skip_serializing_if = "Option::is_none")]
    pub topic_name: Option<String>,
    #[serde(rename = "FaceUrl", default, skip_serializing_if = "Option::is_none")]
    pub face_url: Option<String>,
    #[serde(
        rename = "Introduction",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub introduction: Option<String>,
    #[serde(
        rename = "Notification",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub notification: Option<String>,
    #[serde(
        rename = "CustomString",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_string: Option<String>,
    /// `On` or `Off`.
    #[serde(
        rename = "MuteAllMember",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub mute_all: Option<String>,
}

/// `destroy_topics`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestroyTopics {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "TopicIdList")]
    pub topic_ids: Vec<String>,
}

/// `topic`: a community's topic was created, changed or destroyed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicPush {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "TopicId")]
    pub topic_id: String,
    /// `created`, `changed`, `destroyed`.
    #[serde(rename = "Action")]
    pub action: String,
    #[serde(rename = "TopicName", default, skip_serializing_if = "Option::is_none")]
    pub topic_name: Option<String>,
    #[serde(
        rename = "MuteAllMember",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub mute_all: Option<String>,
}

/// `modify_group_message`: the body and/or custom data of one's own message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModifyGroupMessage {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "TopicId", default, skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<String>,
    #[serde(rename = "MsgSeq")]
    pub msg_seq: u64,
    #[serde(rename = "MsgBody", default, skip_serializing_if = "Option::is_none")]
    pub msg_body: Option<serde_json::Value>,
    #[serde(
        rename = "CloudCustomData",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cloud_custom_data: Option<String>,
}

/// `add_reaction` / `remove_reaction`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "TopicId", default, skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<String>,
    #[serde(rename = "MsgSeq")]
    pub msg_seq: u64,
    /// An emoji or short code, 1 to 64 bytes.
    #[serde(rename = "Reaction")]
    pub reaction: String,
}

/// Messages of a group or topic named by number (`get_reactions`, `get_read_receipts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageList {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "TopicId", default, skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<String>,
    #[serde(rename = "MsgSeqList")]
    pub msg_seqs: Vec<u64>,
}

/// One message of a group or topic (`get_message_extensions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRef {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "TopicId", default, skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<String>,
    #[serde(rename = "MsgSeq")]
    pub msg_seq: u64,
}

/// One extension to set: `Seq` is the version last read (0: none yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionItem {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Value")]
    pub value: String,
    #[serde(rename = "Seq", default)]
    pub seq: u64,
}

/// `set_message_extensions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetExtensions {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "TopicId", default, skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<String>,
    #[serde(rename = "MsgSeq")]
    pub msg_seq: u64,
    #[serde(rename = "ExtensionList")]
    pub extensions: Vec<ExtensionItem>,
}

/// `reaction`: a reaction was added or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReactionPush {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "TopicId", default, skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<String>,
    #[serde(rename = "MsgSeq")]
    pub msg_seq: u64,
    #[serde(rename = "Reaction")]
    pub reaction: String,
    #[serde(rename = "From_Account")]
    pub from: String,
    /// `added` or `removed`.
    #[serde(rename = "Action")]
    pub action: String,
    #[serde(rename = "Count")]
    pub count: u64,
}

/// `message_extension`: extensions of a message were set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionPush {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "TopicId", default, skip_serializing_if = "Option::is_none")]
    pub topic_id: Option<String>,
    #[serde(rename = "MsgSeq")]
    pub msg_seq: u64,
    #[serde(rename = "ExtensionList")]
    pub extensions: Vec<ExtensionItem>,
}

/// One group attribute (lower-case keys, as the reference writes them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupAttr {
    pub key: String,
    pub value: String,
}

/// `group_attrs`: a group's attributes changed; the whole map as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupAttrsPush {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "GroupAttr")]
    pub attrs: Vec<GroupAttr>,
}

/// `set_topic_permission`: a member's own permission in a topic (`Permission` bits: 1 send,
/// 2 manage topics; absent: back to the community's `DefaultPermission`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetTopicPermission {
    #[serde(rename = "GroupId")]
    pub group_id: String,
    #[serde(rename = "TopicId")]
    pub topic_id: String,
    #[serde(rename = "Member_Account")]
    pub member: String,
    #[serde(
        rename = "Permission",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub permission: Option<u64>,
}
