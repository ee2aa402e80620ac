//! The one-to-one chat part of the storage port: messages numbered per conversation, and
//! each user's side of a conversation (its list entry, unread count, read mark).

use async_trait::async_trait;

use super::StoreResult;
use crate::chat::{C2cRecord, ConversationRecord};
use crate::ids::{AppId, UserId};

/// A message to store; the store numbers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct C2cAppend {
    pub app: AppId,
    pub from: UserId,
    pub to: UserId,
    pub time: i64,
    pub client_seq: u64,
    pub random: u32,
    /// `chat::flags` bits.
    pub flags: i64,
    pub body: String,
    pub cloud_custom_data: String,
    pub offline_push: String,
    /// Moves each side's conversation to this message (`NoLastMsg` clears it).
    pub update_last: bool,
}

/// What storing one message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct C2cAppended {
    pub seq: u64,
    /// The receiver's unread count in this conversation after it.
    pub receiver_unread: u64,
}

/// Where a read of a conversation's messages starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum C2cPage {
    /// Oldest first, with `Seq` above this.
    After(u64),
    /// Newest first, with `Seq` below this (`u64::MAX`: from the newest).
    Before(u64),
    /// Newest first by time, then `Seq`: times in `min..=max`, and before `(time, seq)`
    /// when continuing.
    Time {
        min: i64,
        max: i64,
        before: Option<(i64, u64)>,
    },
}

/// Where a read of a user's conversation list continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationCursor {
    pub pinned: bool,
    pub last_time: i64,
    pub peer: UserId,
}

#[async_trait]
pub trait ChatStore: Send + Sync + 'static {
    /// Stores messages in one transaction, numbering each in its conversation in the
    /// order given, and moves both sides' conversations: the receiver's unread count
    /// grows by the messages that count, the sender's side shows its own message as read.
    async fn append_c2c(&self, batch: &[C2cAppend]) -> StoreResult<Vec<C2cAppended>>;

    /// A page of the messages `owner` sees of its conversation with `peer` (those cleared
    /// or hidden from its side left out), at most `limit`.
    async fn c2c_messages(
        &self,
        app: AppId,
        owner: &UserId,
        peer: &UserId,
        page: C2cPage,
        limit: u32,
    ) -> StoreResult<Vec<C2cRecord>>;

    /// One message of the conversation of `a` and `b`, as stored.
    async fn c2c_message(
        &self,
        app: AppId,
        a: &UserId,
        b: &UserId,
        seq: u64,
    ) -> StoreResult<Option<C2cRecord>>;

    /// A message with this sender's `(MsgSeq, MsgRandom, MsgTime)` in the conversation of
    /// `a` and `b`, sent by either (an import's duplicate).
    async fn find_c2c(
        &self,
        app: AppId,
        a: &UserId,
        b: &UserId,
        client_seq: u64,
        random: u32,
        time: i64,
    ) -> StoreResult<Option<C2cRecord>>;

    /// Marks a message recalled (body `[]`, custom data cleared); the record before, or
    /// `None` if there is no such message. A message that was unread by its receiver
    /// stops counting.
    async fn recall_c2c(
        &self,
        app: AppId,
        a: &UserId,
        b: &UserId,
        seq: u64,
    ) -> StoreResult<Option<C2cRecord>>;

    /// Replaces a message's body and/or custom data; the record after, or `None`.
    async fn modify_c2c(
        &self,
        app: AppId,
        a: &UserId,
        b: &UserId,
        seq: u64,
        body: Option<&str>,
        cloud_custom_data: Option<&str>,
    ) -> StoreResult<Option<C2cRecord>>;

    /// `owner` has read its conversation with `peer` up to `up_to` (its newest when
    /// `None`); returns its side afterwards, or `None` if it has no such conversation.
    async fn read_c2c(
        &self,
        app: AppId,
        owner: &UserId,
        peer: &UserId,
        up_to: Option<u64>,
    ) -> StoreResult<Option<ConversationRecord>>;

    /// `owner`'s sides of its conversations with `peers` (those it has).
    async fn conversations_with(
        &self,
        app: AppId,
        owner: &UserId,
        peers: &[UserId],
    ) -> StoreResult<Vec<ConversationRecord>>;

    /// `owner`'s conversation list: pinned first, then by the time of the last message,
    /// newest first; after `cursor`; at most `limit`; and `owner`'s unread total, read in
    /// the same statement (so it is the listed counts' sum when the list is whole).
    async fn conversations(
        &self,
        app: AppId,
        owner: &UserId,
        cursor: Option<&ConversationCursor>,
        limit: u32,
    ) -> StoreResult<(Vec<ConversationRecord>, u64)>;

    /// `owner`'s unread messages over every conversation.
    async fn total_unread(&self, app: AppId, owner: &UserId) -> StoreResult<u64>;

    /// Takes a conversation off `owner`'s list (until its next message), its messages so
    /// far read; with `clear`, they also leave `owner`'s side. False if there was none.
    async fn delete_conversation(
        &self,
        app: AppId,
        owner: &UserId,
        peer: &UserId,
        clear: bool,
    ) -> StoreResult<bool>;

    /// Pins or unpins a conversation, and/or sets its marks; false if there is none.
    async fn set_conversation_flags(
        &self,
        app: AppId,
        owner: &UserId,
        peer: &UserId,
        pinned: Option<bool>,
        marks: Option<u64>,
    ) -> StoreResult<bool>;

    /// Deletes the messages of `app` older than `before`; returns how many went.
    async fn prune_c2c(&self, app: AppId, before: i64) -> StoreResult<u64>;
}
