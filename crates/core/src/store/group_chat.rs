//! The stored-group part of the storage port: members of the group types that keep them
//! (every type but AVChatRoom), join requests, and the groups' messages, numbered per
//! thread (a group, or one topic of a community) and counted as unread per member.
//!
//! Unread counts cost no write per member per message: a thread keeps `counted`, the number
//! of its messages that count as unread so far, and each message stores that number as it
//! was right after it (`pos`). A member keeps the position it has read up to; its unread
//! count is the thread's `counted` less that position. Reading up to a message takes the
//! message's `pos`; a member's own message moves its read position to that message.

use async_trait::async_trait;

use super::StoreResult;
use crate::group::{MsgFlag, Priority};
use crate::ids::{AppId, GroupId, UserId};

/// A member to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMember {
    pub user: UserId,
    pub join_time: i64,
    /// Made an admin as it is added (`Role: Admin` at creation or import).
    pub admin: bool,
    /// Unread messages it starts with (an import's `UnreadMsgNum`); 0 for a new member.
    pub unread: u64,
}

/// What adding one member did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberAdded {
    Added,
    Already,
    /// The group holds `max_member_num` members.
    Full,
}

/// A stored member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub user: UserId,
    pub join_time: i64,
    pub admin: bool,
    pub name_card: String,
    pub msg_flag: MsgFlag,
    /// `AppMemberDefinedData` as ordered `(Key, Value)` pairs.
    pub custom: Vec<(String, String)>,
    pub last_send_time: i64,
    /// The thread's last number when it joined: earlier messages are hidden from it unless
    /// the group shows history before joining.
    pub join_seq: u64,
    /// It has read the group's messages up to this number.
    pub read_seq: u64,
    pub unread: u64,
    /// Its conversation with the group is pinned.
    pub pinned: bool,
    /// Its profile's nick and avatar now (member lists; empty elsewhere).
    pub nick: String,
    pub avatar: String,
}

/// A change to a member's own fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberPatch {
    pub name_card: Option<String>,
    pub msg_flag: Option<MsgFlag>,
    /// The whole `AppMemberDefinedData` after the change.
    pub custom: Option<Vec<(String, String)>>,
    pub pinned: Option<bool>,
}

/// Where a member list read continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberPage {
    /// Skip this many (by join time, then user id).
    Offset(u64),
    /// After this user id, in id order (large groups page this way).
    After(Option<UserId>),
}

/// Why a user waits to enter a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    /// The user asked to join a group that needs approval.
    Apply,
    /// A member invited the user into a group whose invitations need approval.
    Invite,
}

/// A pending join request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRequest {
    pub user: UserId,
    pub kind: RequestKind,
    /// Who invited (invitations).
    pub inviter: Option<UserId>,
    /// What the applicant or inviter wrote.
    pub wording: String,
    pub time: i64,
}

/// A thread's counters: its last number, its last message's time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThreadState {
    pub last_seq: u64,
    pub last_time: i64,
}

/// A message to store in a group's thread; the store numbers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupAppend {
    pub app: AppId,
    pub group: GroupId,
    /// `""`: the group itself; else a topic of a community.
    pub topic: String,
    pub from: UserId,
    pub time: i64,
    pub random: u32,
    pub priority: Priority,
    /// `group_flags` bits.
    pub flags: i64,
    pub body: String,
    pub cloud_custom_data: String,
    /// `GroupAtInfo` as JSON text (`""`: none).
    pub at_info: String,
    pub offline_push: String,
    /// Members named in `GroupAtInfo` (at most `MENTIONS_MAX`).
    pub mentions: Vec<UserId>,
    /// Imported history: counted, but every member's read place moves past it, so nobody's
    /// unread count changes (members imported with an unread count keep it).
    pub imported: bool,
    /// The sender is a member: its read position (in the group, or in the topic) moves to
    /// this message and its `LastSendMsgTime` to the message's time.
    pub sender_is_member: bool,
}

/// Bits of a stored group message's `flags`.
pub mod group_flags {
    /// Recalled: body `[]`, custom data cleared.
    pub const RECALLED: i64 = 1;
    /// Edited after it was sent.
    pub const EDITED: i64 = 2;
    /// A tip the server wrote (member joins and quits, profile changes).
    pub const SYSTEM: i64 = 4;
    /// Not counted as unread (`NoUnread`, tips, imported history).
    pub const NO_UNREAD: i64 = 8;
    /// The sender asked for read receipts.
    pub const READ_RECEIPT: i64 = 16;
    /// Does not move the group's conversation (`NoLastMsg`).
    pub const NO_LAST_MSG: i64 = 32;
    /// Takes extensions (`SupportMessageExtension`).
    pub const EXTENSIBLE: i64 = 64;
    /// Mentions everyone (`GroupAtAllFlag`).
    pub const AT_ALL: i64 = 128;
}

/// What storing one message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupAppended {
    pub seq: u64,
}

/// A stored group message as read back (the sender's nick and avatar as its profile says
/// now).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMsgRecord {
    pub group: GroupId,
    pub topic: String,
    pub seq: u64,
    pub from: UserId,
    pub time: i64,
    pub random: u32,
    pub priority: Priority,
    pub flags: i64,
    pub body: String,
    pub cloud_custom_data: String,
    pub at_info: String,
    pub offline_push: String,
    pub nick: String,
    pub avatar: String,
}

impl GroupMsgRecord {
    pub fn has(&self, flag: i64) -> bool {
        self.flags & flag != 0
    }
}

/// Where a read of a thread's messages starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupPage {
    /// Oldest first, above this number.
    After(u64),
    /// Newest first, at or below this number (`u64::MAX`: from the newest).
    AtOrBefore(u64),
}

/// A topic of a community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicRecord {
    /// `<GroupId>@TOPIC#_<suffix>`.
    pub id: String,
    pub name: String,
    pub face_url: String,
    pub introduction: String,
    pub notification: String,
    pub custom_string: String,
    pub mute_all: bool,
    pub create_time: i64,
    pub creator: String,
    /// Its thread's counters (read back; not written).
    pub thread: ThreadState,
}

/// A member's side of a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSide {
    pub topic: String,
    /// Read up to here.
    pub read_seq: u64,
    pub unread: u64,
    /// The topic's last number when the member joined the community: earlier messages are
    /// hidden from it unless the community shows history before joining.
    pub join_seq: u64,
}

/// Which messages of a thread a page reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupRange {
    pub page: GroupPage,
    /// Only messages numbered above this (what a member may see).
    pub floor: u64,
    pub limit: u32,
    /// Recalled messages too (as placeholders).
    pub with_recalled: bool,
}

/// A member's side of a group: the group's list entry in its conversation list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupConversation {
    pub group: GroupId,
    pub group_type: crate::group::GroupType,
    pub name: String,
    pub face_url: String,
    pub member: MemberRecord,
    pub thread: ThreadState,
    /// The newest message it may see.
    pub last: Option<GroupMsgRecord>,
    /// The oldest unread message naming the member, and the oldest unread one to everyone.
    pub at_me: Option<u64>,
    pub at_all: Option<u64>,
}

/// Most members one message names.
pub const MENTIONS_MAX: usize = 50;

/// One extension to set on a message: its key, value and, from clients, the version the
/// writer last saw (`None`: not checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtWrite {
    pub key: String,
    pub value: String,
    pub expected: Option<u64>,
}

/// A message's extension as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtEntry {
    pub key: String,
    pub value: String,
    pub version: u64,
}

/// What setting one extension did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtOutcome {
    Set(ExtEntry),
    /// The writer's version was not the stored one: the stored entry (version 0: none).
    Conflict(ExtEntry),
    /// The message would hold more extensions than allowed (this key is not set).
    Full(String),
}

/// A message's reactions of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionSummary {
    pub reaction: String,
    pub count: u64,
    /// The first reactors, oldest first (at most the read's `users_max`).
    pub users: Vec<UserId>,
    /// The reader reacted so.
    pub mine: bool,
}

/// What adding or removing a reaction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReactOutcome {
    /// No such message.
    NoMessage,
    /// The message has as many kinds of reaction as allowed.
    TooMany,
    /// The count of that reaction now, and whether anything changed.
    Done { count: u64, changed: bool },
}

#[async_trait]
pub trait GroupChatStore: Send + Sync + 'static {
    /// Adds members in one transaction, in the order given, while the group has fewer
    /// than `cap` members (0: no cap); each starts having read everything so far (less
    /// its `unread`). Pending requests of those added are settled.
    async fn add_members(
        &self,
        app: AppId,
        group: &GroupId,
        members: &[NewMember],
        cap: u32,
    ) -> StoreResult<Vec<MemberAdded>>;

    /// Removes members (and their admin role); returns those that were members.
    async fn remove_members(
        &self,
        app: AppId,
        group: &GroupId,
        users: &[UserId],
    ) -> StoreResult<Vec<UserId>>;

    async fn group_member(
        &self,
        app: AppId,
        group: &GroupId,
        user: &UserId,
    ) -> StoreResult<Option<MemberRecord>>;

    /// The members among `users` (those that are members), in no particular order.
    async fn group_members_of(
        &self,
        app: AppId,
        group: &GroupId,
        users: &[UserId],
    ) -> StoreResult<Vec<MemberRecord>>;

    /// A page of a group's members, at most `limit`, only admins with `admins_only`.
    async fn group_members(
        &self,
        app: AppId,
        group: &GroupId,
        page: &MemberPage,
        limit: u32,
        admins_only: bool,
    ) -> StoreResult<Vec<MemberRecord>>;

    /// Applies a patch to a member's fields; false if it is not a member.
    async fn patch_member(
        &self,
        app: AppId,
        group: &GroupId,
        user: &UserId,
        patch: &MemberPatch,
    ) -> StoreResult<bool>;

    /// The groups `user` is a member of, with its side of each, the group's counters and
    /// the newest message it may see.
    async fn joined_groups(&self, app: AppId, user: &UserId)
        -> StoreResult<Vec<GroupConversation>>;

    /// Records a join request (replacing an earlier one of the same user).
    async fn put_join_request(
        &self,
        app: AppId,
        group: &GroupId,
        request: &JoinRequest,
    ) -> StoreResult<()>;

    /// Removes and returns a user's pending request.
    async fn take_join_request(
        &self,
        app: AppId,
        group: &GroupId,
        user: &UserId,
    ) -> StoreResult<Option<JoinRequest>>;

    /// A group's pending requests, oldest first.
    async fn join_requests(&self, app: AppId, group: &GroupId) -> StoreResult<Vec<JoinRequest>>;

    /// Stores messages in one transaction, numbering each in its thread in the order
    /// given.
    async fn append_group(&self, batch: &[GroupAppend]) -> StoreResult<Vec<GroupAppended>>;

    /// A thread's counters (zeros for a thread without messages).
    async fn thread_state(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
    ) -> StoreResult<ThreadState>;

    /// A page of a thread's messages.
    async fn group_messages(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        range: &GroupRange,
    ) -> StoreResult<Vec<GroupMsgRecord>>;

    async fn group_message(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        seq: u64,
    ) -> StoreResult<Option<GroupMsgRecord>>;

    /// Marks messages recalled (body `[]`, custom data cleared); returns the numbers it
    /// marked now (stored and not recalled before), ascending.
    async fn recall_group(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        seqs: &[u64],
    ) -> StoreResult<Vec<u64>>;

    /// Replaces a message's body and/or custom data (marking it edited); the record
    /// after, or `None` if there is no such message.
    async fn modify_group_message(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        seq: u64,
        body: Option<&str>,
        cloud_custom_data: Option<&str>,
    ) -> StoreResult<Option<GroupMsgRecord>>;

    /// `user` has read the group up to `up_to` (its newest when `None`; never backwards);
    /// returns `(read_seq, unread)` after, or `None` if it is not a member.
    async fn read_group(
        &self,
        app: AppId,
        group: &GroupId,
        user: &UserId,
        up_to: Option<u64>,
    ) -> StoreResult<Option<(u64, u64)>>;

    /// Sets a member's unread count (`set_unread_msg_num`): its read position goes back
    /// or forward so that `unread` messages count (at most what the thread has counted);
    /// false if it is not a member.
    async fn set_group_unread(
        &self,
        app: AppId,
        group: &GroupId,
        user: &UserId,
        unread: u64,
    ) -> StoreResult<bool>;

    /// Creates a topic; `Conflict` if the id is taken.
    async fn create_topic(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &TopicRecord,
    ) -> StoreResult<()>;

    /// A group's topics (those named, or all), ordered by creation, then id.
    async fn topics(
        &self,
        app: AppId,
        group: &GroupId,
        ids: Option<&[String]>,
    ) -> StoreResult<Vec<TopicRecord>>;

    /// Replaces a topic's profile (not its id or creation); false if there is none.
    async fn update_topic(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &TopicRecord,
    ) -> StoreResult<bool>;

    /// Deletes topics with their messages and read places; returns those that existed.
    async fn delete_topics(
        &self,
        app: AppId,
        group: &GroupId,
        ids: &[String],
    ) -> StoreResult<Vec<String>>;

    /// A member's side of each topic of a group (`None` if it is not a member).
    async fn topic_sides(
        &self,
        app: AppId,
        group: &GroupId,
        user: &UserId,
    ) -> StoreResult<Option<Vec<TopicSide>>>;

    /// `user` has read a topic up to `up_to` (its newest when `None`; never backwards);
    /// `(read_seq, unread)` after, or `None` if it is not a member.
    async fn read_topic(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        user: &UserId,
        up_to: Option<u64>,
    ) -> StoreResult<Option<(u64, u64)>>;

    /// Sets extensions of a message that takes them, in one transaction, at most
    /// `max_keys` per message; `None` when there is no such message or it takes none.
    async fn set_group_msg_ext(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        seq: u64,
        writes: &[ExtWrite],
        max_keys: usize,
    ) -> StoreResult<Option<Vec<ExtOutcome>>>;

    /// A message's extensions; `None` when there is no such message or it takes none.
    async fn group_msg_ext(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        seq: u64,
    ) -> StoreResult<Option<Vec<ExtEntry>>>;

    /// Adds (`add`) or removes `user`'s `reaction` to a message, allowing at most
    /// `max_kinds` kinds of reaction per message.
    #[allow(clippy::too_many_arguments)]
    async fn react_group(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        seq: u64,
        reaction: &str,
        user: &UserId,
        add: bool,
        time: i64,
        max_kinds: usize,
    ) -> StoreResult<ReactOutcome>;

    /// The reactions of messages, each kind with its count, its first `users_max`
    /// reactors and whether `viewer` is one of them; messages without any are left out.
    async fn group_reactions(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        seqs: &[u64],
        viewer: &UserId,
        users_max: u32,
    ) -> StoreResult<Vec<(u64, Vec<ReactionSummary>)>>;

    /// Deletes a thread's messages up to `up_to` (all when `None`), with their reactions,
    /// extensions and mentions; returns how many messages went.
    async fn clear_group_messages(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        up_to: Option<u64>,
    ) -> StoreResult<u64>;

    /// For each of `seqs` (of the group's own thread), how many members other than its
    /// sender have read it.
    async fn group_read_counts(
        &self,
        app: AppId,
        group: &GroupId,
        seqs: &[u64],
    ) -> StoreResult<Vec<u64>>;

    /// Sets (`Some`) or removes a member's own permission in a topic.
    async fn set_topic_permission(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        user: &UserId,
        permission: Option<u64>,
    ) -> StoreResult<()>;

    /// A member's own permission in a topic, if one was set.
    async fn topic_permission(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        user: &UserId,
    ) -> StoreResult<Option<u64>>;

    /// Mutes (`Some(until)`) or unmutes a member in one topic.
    async fn set_topic_mute(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        user: &UserId,
        until: Option<i64>,
    ) -> StoreResult<()>;

    /// A topic's mutes that end after `now`, by user.
    async fn topic_mutes(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        now: i64,
    ) -> StoreResult<Vec<(UserId, i64)>>;

    /// A group's attributes, by key.
    async fn group_attrs(&self, app: AppId, group: &GroupId) -> StoreResult<Vec<(String, String)>>;

    /// Replaces a group's attributes with `attrs`, in one transaction.
    async fn replace_group_attrs(
        &self,
        app: AppId,
        group: &GroupId,
        attrs: &[(String, String)],
    ) -> StoreResult<()>;

    /// Deletes a group's messages sent by `sender`; returns how many went.
    async fn delete_group_messages_by(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        sender: &UserId,
    ) -> StoreResult<u64>;

    /// Deletes the stored group messages of `app` older than `before`; returns how many
    /// went.
    async fn prune_group_messages(&self, app: AppId, before: i64) -> StoreResult<u64>;
}
