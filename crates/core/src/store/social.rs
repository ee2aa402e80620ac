//! The social part of the storage port: profile tags beyond nick and avatar, friends with
//! their remarks and lists, pending friend requests, blocklists.

use async_trait::async_trait;

use super::{ProfilePatch, StoreResult};
use crate::ids::{AppId, UserId};

/// One side of a friendship: `owner` has `friend` in its list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FriendRecord {
    pub owner: UserId,
    pub friend: UserId,
    pub remark: String,
    /// The owner's friend lists this friend is in.
    pub groups: Vec<String>,
    pub add_source: String,
    pub add_wording: String,
    pub added_at: i64,
}

/// A friend request waiting for its receiver's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FriendRequest {
    pub from: UserId,
    pub to: UserId,
    pub wording: String,
    pub source: String,
    /// The remark and list the requester gives the receiver once accepted.
    pub remark: String,
    pub group: String,
    pub at: i64,
}

#[async_trait]
pub trait SocialStore: Send + Sync + 'static {
    /// Stored profile tags of `users` (not nick and avatar): `(user, tag, JSON value)`.
    async fn profile_items(
        &self,
        app: AppId,
        users: &[UserId],
    ) -> StoreResult<Vec<(UserId, String, String)>>;

    /// Sets nick and avatar (`patch`) and profile tags (a `None` value removes the tag) in
    /// one transaction; false (and nothing written) if the user does not exist.
    async fn update_profile(
        &self,
        app: AppId,
        user: &UserId,
        patch: &ProfilePatch,
        items: &[(String, Option<String>)],
    ) -> StoreResult<bool>;

    /// Adds (or updates the remark, lists and source of) friends, and removes any pending
    /// request between each pair, in one transaction.
    async fn put_friends(&self, app: AppId, friends: &[FriendRecord]) -> StoreResult<()>;
    /// Removes `friends` from `owner`'s list (and, with `both`, `owner` from theirs);
    /// returns the pairs `(owner, friend)` that were friends.
    async fn delete_friends(
        &self,
        app: AppId,
        owner: &UserId,
        friends: &[UserId],
        both: bool,
    ) -> StoreResult<Vec<(UserId, UserId)>>;
    /// `owner`'s friends ordered by when they were added, then id; from position `start`,
    /// at most `limit`; plus how many there are. With `only`, just those.
    async fn friends(
        &self,
        app: AppId,
        owner: &UserId,
        start: u32,
        limit: u32,
        only: Option<&[UserId]>,
    ) -> StoreResult<(Vec<FriendRecord>, u64)>;
    /// Of `others`: those in `owner`'s list, and those who have `owner` in theirs.
    async fn friend_links(
        &self,
        app: AppId,
        owner: &UserId,
        others: &[UserId],
    ) -> StoreResult<(Vec<UserId>, Vec<UserId>)>;

    /// Records a friend request (replacing an earlier one of the same pair).
    async fn put_friend_request(&self, app: AppId, request: &FriendRequest) -> StoreResult<()>;
    /// Requests to `user` (`incoming`) or from it, newest first.
    async fn friend_requests(
        &self,
        app: AppId,
        user: &UserId,
        incoming: bool,
    ) -> StoreResult<Vec<FriendRequest>>;
    /// Removes and returns the request from `from` to `to`.
    async fn take_friend_request(
        &self,
        app: AppId,
        from: &UserId,
        to: &UserId,
    ) -> StoreResult<Option<FriendRequest>>;

    /// Adds `users` to `owner`'s blocklist (removing any friendship both ways and pending
    /// requests between them); returns those that were not on it.
    async fn block(
        &self,
        app: AppId,
        owner: &UserId,
        users: &[UserId],
        at: i64,
    ) -> StoreResult<Vec<UserId>>;
    /// Takes `users` off `owner`'s blocklist; returns those that were on it.
    async fn unblock(
        &self,
        app: AppId,
        owner: &UserId,
        users: &[UserId],
    ) -> StoreResult<Vec<UserId>>;
    /// `owner`'s blocklist by time added, from `start`, at most `limit`, and its size.
    async fn blocklist(
        &self,
        app: AppId,
        owner: &UserId,
        start: u32,
        limit: u32,
    ) -> StoreResult<(Vec<(UserId, i64)>, u64)>;
    /// Of `others`: those `owner` blocked, and those who blocked `owner`.
    async fn block_links(
        &self,
        app: AppId,
        owner: &UserId,
        others: &[UserId],
    ) -> StoreResult<(Vec<UserId>, Vec<UserId>)>;

    /// `owner`'s friend lists (names), in the order made.
    async fn friend_lists(&self, app: AppId, owner: &UserId) -> StoreResult<Vec<String>>;
    /// Adds friend lists (existing names are kept once); returns the lists afterwards.
    async fn add_friend_lists(
        &self,
        app: AppId,
        owner: &UserId,
        names: &[String],
    ) -> StoreResult<Vec<String>>;
    /// Deletes friend lists (their friends stay friends, out of those lists).
    async fn delete_friend_lists(
        &self,
        app: AppId,
        owner: &UserId,
        names: &[String],
    ) -> StoreResult<()>;
}
