//! The durable-storage port. Implementations live in `liveroom-store` (SQLite, PostgreSQL);
//! one shared test suite runs against each.
//!
//! Times are Unix seconds. Live-room membership and online counts are not here: they are
//! ephemeral by design and live in the engine's memory.

use async_trait::async_trait;

mod chat;
mod group_chat;
mod social;
pub use chat::{C2cAppend, C2cAppended, C2cPage, ChatStore, ConversationCursor};
pub use group_chat::{
    group_flags, ExtEntry, ExtOutcome, ExtWrite, GroupAppend, GroupAppended, GroupChatStore,
    GroupConversation, GroupMsgRecord, GroupPage, GroupRange, JoinRequest, MemberAdded, MemberPage,
    MemberPatch, MemberRecord, NewMember, ReactOutcome, ReactionSummary, RequestKind, ThreadState,
    TopicRecord, TopicSide, MENTIONS_MAX,
};
pub use social::{FriendRecord, FriendRequest, SocialStore};

use crate::app::AppSettings;
use crate::group::{ApplyJoinOption, GroupType, InviteJoinOption, Priority};
use crate::ids::{AppId, GroupId, UserId};
use crate::stats::Counts;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A row with the same key exists (e.g. a group id already in use).
    #[error("already exists")]
    Conflict,
    /// The backend failed; the text is for logs, never for callers.
    #[error("storage backend: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, PartialEq)]
pub struct AppRecord {
    pub id: AppId,
    pub secret_key: String,
    pub created_at: i64,
    pub settings: AppSettings,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub nick: String,
    pub face_url: String,
    pub created_at: i64,
}

/// A change to a user's profile; `None` leaves the field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfilePatch {
    pub nick: Option<String>,
    pub face_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecord {
    pub app: AppId,
    pub id: GroupId,
    pub group_type: GroupType,
    pub name: String,
    pub owner: Option<UserId>,
    pub introduction: String,
    pub notification: String,
    pub face_url: String,
    /// 0 = unlimited (AVChatRoom).
    pub max_member_num: u32,
    pub apply_join_option: ApplyJoinOption,
    pub mute_all: bool,
    pub create_time: i64,
    /// Incremented on every profile change.
    pub info_seq: u64,
    pub last_info_time: i64,
    pub last_msg_time: i64,
    /// Message sequence numbers below this value may have been handed out; a node that
    /// (re)loads the group continues from here, so numbers never repeat across restarts.
    pub msg_seq_ceiling: u64,
    /// `AppDefinedData` as ordered `(Key, Value)` pairs.
    pub custom: Vec<(String, String)>,
    pub invite_join_option: InviteJoinOption,
    /// `HistoryMsgBeforeJoin`: new members see the messages sent before they joined.
    pub history_before_join: bool,
    /// A Community created with `SupportTopic`.
    pub support_topic: bool,
    /// Stored members (types with stored membership); kept by the store as members come
    /// and go, and not written by `update_group`.
    pub member_num: u32,
    /// Communities: topic permissions apply (`EnablePermission`).
    pub enable_permission: bool,
    /// Communities: what members may do in topics unless a topic says otherwise for them
    /// (`DefaultPermission`, `group::topic_permission` bits).
    pub default_permission: u64,
}

/// A mute or a ban of one user in one group, until a Unix second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restriction {
    pub user: UserId,
    pub until: i64,
    /// Ban description (empty for mutes).
    pub reason: String,
}

/// One message of an AVChatRoom's short history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRecord {
    pub app: AppId,
    pub group: GroupId,
    pub msg_seq: u64,
    pub msg_time: i64,
    pub random: u32,
    pub priority: Priority,
    pub from_account: UserId,
    pub nick: String,
    pub face_url: String,
    /// Serialized `MsgBody` JSON.
    pub body: String,
    pub cloud_custom_data: String,
    /// The sender's level when it was sent (0: unknown).
    pub sender_level: u32,
    /// Recalled: kept as a placeholder, its `body` (`[]`) and `cloud_custom_data` cleared.
    pub recalled: bool,
}

/// An item pinned in a room during a broadcast session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedItem {
    pub session: u32,
    pub pinned_at: i64,
    pub operator: String,
    /// The item as JSON text.
    pub item: String,
}

/// Statistics to add for one app; every number is added to what the store holds (peaks and
/// first/last times are merged), so writers never overwrite each other.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsBatch {
    pub users: Vec<(UserId, Counts)>,
    pub rooms: Vec<RoomStatsDelta>,
    pub room_users: Vec<RoomUserDelta>,
}

impl StatsBatch {
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.rooms.is_empty() && self.room_users.is_empty()
    }
}

/// A change to a room's statistics in one broadcast session.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomStatsDelta {
    pub group: GroupId,
    pub session: u32,
    /// `online_ms` is viewer time: users and guests.
    pub counts: Counts,
    /// Arrivals of users (a user's first connection in the room) and of guests.
    pub joins: u64,
    pub guest_joins: u64,
    /// Most members online at once.
    pub peak_online: u64,
    /// Unix seconds.
    pub at: i64,
}

/// A change to what a user did in a room during one broadcast session.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomUserDelta {
    pub group: GroupId,
    pub session: u32,
    pub user: UserId,
    pub counts: Counts,
    pub at: i64,
}

/// A room's statistics for one broadcast session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoomStatsRecord {
    pub session: u32,
    pub counts: Counts,
    pub joins: u64,
    pub guest_joins: u64,
    pub peak_online: u64,
    /// Distinct logged-in users who came.
    pub viewers: u64,
    pub first_at: i64,
    pub last_at: i64,
}

/// What a user did in a room session.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomUserRecord {
    pub user: UserId,
    pub counts: Counts,
    pub first_at: i64,
    pub last_at: i64,
}

/// How a room's users are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsOrder {
    GiftValue,
    Gifts,
    Messages,
    Likes,
    OnlineTime,
}

impl StatsOrder {
    pub fn column(self) -> &'static str {
        match self {
            Self::GiftValue => "gift_value",
            Self::Gifts => "gifts",
            Self::Messages => "messages",
            Self::Likes => "likes",
            Self::OnlineTime => "online_ms",
        }
    }

    /// The counter this order ranks by.
    pub fn value(self, c: &Counts) -> u64 {
        match self {
            Self::GiftValue => c.gift_value,
            Self::Gifts => c.gifts,
            Self::Messages => c.messages,
            Self::Likes => c.likes,
            Self::OnlineTime => c.online_ms,
        }
    }
}

#[async_trait]
pub trait Store: ChatStore + SocialStore + GroupChatStore {
    /// Inserts or replaces an app (key and settings).
    async fn put_app(&self, app: &AppRecord) -> StoreResult<()>;
    async fn get_app(&self, id: AppId) -> StoreResult<Option<AppRecord>>;
    async fn list_apps(&self) -> StoreResult<Vec<AppRecord>>;

    /// Adds an App admin account (idempotent).
    async fn add_admin(&self, app: AppId, user: &UserId) -> StoreResult<()>;
    async fn list_admins(&self, app: AppId) -> StoreResult<Vec<UserId>>;

    /// Creates the user, or overwrites nick and face of an existing one (account_import).
    async fn upsert_user(&self, app: AppId, user: &UserRecord) -> StoreResult<()>;
    /// Creates the user with an empty profile if absent; true if it was created.
    async fn ensure_user(&self, app: AppId, user: &UserId, now: i64) -> StoreResult<bool>;
    /// The users that exist among `ids`, in no particular order.
    async fn get_users(&self, app: AppId, ids: &[UserId]) -> StoreResult<Vec<UserRecord>>;
    /// Deletes a user; true if it existed.
    async fn delete_user(&self, app: AppId, user: &UserId) -> StoreResult<bool>;
    /// Applies a profile patch; false if the user does not exist.
    async fn patch_profile(
        &self,
        app: AppId,
        user: &UserId,
        patch: &ProfilePatch,
    ) -> StoreResult<bool>;

    /// Creates a group with its first members (types with stored membership; the owner
    /// among them), in one transaction; `Conflict` if the id is taken in this app.
    async fn create_group(&self, group: &GroupRecord, members: &[NewMember]) -> StoreResult<()>;
    async fn get_group(&self, app: AppId, id: &GroupId) -> StoreResult<Option<GroupRecord>>;
    /// Replaces a group's profile and custom fields (not its id, type or creation time).
    async fn update_group(&self, group: &GroupRecord) -> StoreResult<()>;
    /// Deletes a group with its mutes, bans, admins, history, members, requests and stored
    /// messages; true if it existed.
    async fn delete_group(&self, app: AppId, id: &GroupId) -> StoreResult<bool>;
    /// Group ids of an app ordered by id, after `after` (exclusive), at most `limit`,
    /// optionally of one type; plus the total count (of that type).
    async fn list_groups(
        &self,
        app: AppId,
        group_type: Option<GroupType>,
        after: Option<&GroupId>,
        limit: u32,
    ) -> StoreResult<(Vec<GroupId>, u64)>;
    /// All groups of one type, across apps (to load rooms at start-up).
    async fn groups_of_type(&self, group_type: GroupType) -> StoreResult<Vec<GroupRecord>>;
    /// Raises `msg_seq_ceiling` by `block` and returns the new ceiling.
    async fn raise_msg_seq_ceiling(&self, app: AppId, id: &GroupId, block: u64)
        -> StoreResult<u64>;

    /// Sets a mute until `until`; `until <= now` callers should use `remove_mute`.
    async fn set_mute(
        &self,
        app: AppId,
        group: &GroupId,
        user: &UserId,
        until: i64,
    ) -> StoreResult<()>;
    async fn remove_mute(&self, app: AppId, group: &GroupId, user: &UserId) -> StoreResult<()>;
    /// Mutes that end after `now`.
    async fn list_mutes(
        &self,
        app: AppId,
        group: &GroupId,
        now: i64,
    ) -> StoreResult<Vec<Restriction>>;

    async fn set_ban(&self, app: AppId, group: &GroupId, ban: &Restriction) -> StoreResult<()>;
    async fn remove_ban(&self, app: AppId, group: &GroupId, user: &UserId) -> StoreResult<()>;
    /// Bans that end after `now`, ordered by end time, then user.
    async fn list_bans(
        &self,
        app: AppId,
        group: &GroupId,
        now: i64,
    ) -> StoreResult<Vec<Restriction>>;

    /// Makes `user` an admin of the group (`admin`) or an ordinary member again.
    async fn set_group_admin(
        &self,
        app: AppId,
        group: &GroupId,
        user: &UserId,
        admin: bool,
    ) -> StoreResult<()>;
    /// The group's admins, ordered by id.
    async fn list_group_admins(&self, app: AppId, group: &GroupId) -> StoreResult<Vec<UserId>>;

    /// A store for the history recorder to write through from a thread and runtime of its
    /// own: a PostgreSQL pool whose connections (opened when first used) belong to the
    /// runtime that uses them, so the recorder's never wait for a busy one. `None` where
    /// the store gains nothing from it (SQLite's connections run on threads of their own).
    async fn history_writer(&self) -> StoreResult<Option<std::sync::Arc<dyn Store>>>;
    /// Appends messages to the short history in one transaction, then keeps only the newest
    /// `keep_per_group` messages of each group it touched.
    async fn append_history(
        &self,
        records: &[HistoryRecord],
        keep_per_group: u32,
    ) -> StoreResult<()>;
    /// Up to `limit` newest messages with `msg_time >= since` and `msg_seq <= max_seq`
    /// (when given), newest first; recalled ones only `with_recalled`.
    async fn history(
        &self,
        app: AppId,
        group: &GroupId,
        since: i64,
        max_seq: Option<u64>,
        limit: u32,
        with_recalled: bool,
    ) -> StoreResult<Vec<HistoryRecord>>;
    /// Marks the listed messages of a group's history recalled, clearing their body and
    /// custom data, in one transaction; returns the sequence numbers it marked now (those
    /// stored and not recalled before), ascending.
    async fn recall_history(
        &self,
        app: AppId,
        group: &GroupId,
        msg_seqs: &[u64],
    ) -> StoreResult<Vec<u64>>;
    /// Deletes history older than `before`; returns how many rows went.
    async fn prune_history(&self, before: i64) -> StoreResult<u64>;

    /// Records an item pinned in a group, after the session's earlier ones.
    async fn add_pinned_item(
        &self,
        app: AppId,
        group: &GroupId,
        item: &PinnedItem,
    ) -> StoreResult<()>;
    /// The items pinned in one session of a group, in pin order.
    /// Adds a batch of statistics in one transaction. Rows of groups or users that no
    /// longer exist are skipped.
    async fn add_stats(&self, app: AppId, batch: &StatsBatch) -> StoreResult<()>;
    /// The app-wide statistics of `users` (those with none are left out).
    async fn user_stats(&self, app: AppId, users: &[UserId]) -> StoreResult<Vec<(UserId, Counts)>>;
    /// A room's statistics for `session`, or for its latest session with any.
    async fn room_stats(
        &self,
        app: AppId,
        group: &GroupId,
        session: Option<u32>,
    ) -> StoreResult<Option<RoomStatsRecord>>;
    /// Users of a room session: the top `limit` by `order` (ties by user id), or, with
    /// `users`, those users.
    async fn room_user_stats(
        &self,
        app: AppId,
        group: &GroupId,
        session: u32,
        order: StatsOrder,
        limit: u32,
        users: Option<&[UserId]>,
    ) -> StoreResult<Vec<RoomUserRecord>>;

    async fn pinned_items(
        &self,
        app: AppId,
        group: &GroupId,
        session: u32,
    ) -> StoreResult<Vec<PinnedItem>>;
}
