//! Relationships (reference §3.4): friends with the add-type rules (allow any, need
//! confirm, deny any), friend requests and their answers, remarks and friend lists, and
//! blocklists (a blocked user's one-to-one messages are refused).
//!
//! Each user's blocklist is cached (read once, changed here, and dropped on every node
//! when it changes), so the check on each one-to-one send costs no store read.

use dashmap::DashMap;
use serde::Serialize;
use serde_json::json;
use std::collections::HashSet;
use std::sync::Arc;

use liveroom_core::callback::{BLACKLIST_ADD, BLACKLIST_DELETE, FRIEND_ADD, FRIEND_DELETE};
use liveroom_core::profile::ALLOW_TYPE;
use liveroom_core::protocol::FriendPush;
use liveroom_core::store::{FriendRecord, FriendRequest};
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, UserId};

use crate::broker::AppEvent;
use crate::hooks::Origin;
use crate::{store_err, Engine};

/// Most friends one user has (reference: 3000).
pub const FRIENDS_MAX: u64 = 3000;
/// Most users on one blocklist (reference: 1000).
pub const BLOCKLIST_MAX: u64 = 1000;
/// Cached blocklists beyond this are all dropped (they are read again on use).
const BLOCK_CACHE_MAX: usize = 100_000;

/// The reference's relationship codes.
pub mod code {
    pub const ACCOUNT_MISSING: i32 = 30003;
    pub const FRIENDS_FULL: i32 = 30010;
    pub const BLOCKLIST_FULL: i32 = 30013;
    pub const YOU_BLOCKED_THEM: i32 = 30515;
    pub const DENIES_ALL: i32 = 30516;
    pub const THEY_BLOCKED_YOU: i32 = 30525;
    pub const PENDING: i32 = 30539;
    pub const NO_REQUEST: i32 = 30614;
    pub const NOT_A_FRIEND: i32 = 31704;
    pub const BAD_PARAMETER: i32 = 30001;
}

/// Blocklists read so far, by `(app, owner)`.
#[derive(Default)]
pub(crate) struct BlockCache(DashMap<(AppId, UserId), Arc<HashSet<UserId>>>);

/// A friend to add.
#[derive(Debug, Clone)]
pub struct FriendAdd {
    pub to: UserId,
    pub remark: String,
    pub group: Option<String>,
    pub source: String,
    pub wording: String,
}

/// How an add goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddMode {
    /// Add the adder to the other's list too (`Add_Type_Both`).
    pub both: bool,
    /// The backend forces it past the other's add type (`ForceAddFlags: 1`).
    pub force: bool,
}

/// The outcome of one item: 0 added, or a relationship code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RelationResult {
    #[serde(rename = "To_Account")]
    pub to: String,
    pub result_code: i32,
    pub result_info: String,
}

impl RelationResult {
    fn ok(to: &UserId) -> Self {
        Self {
            to: to.to_string(),
            result_code: 0,
            result_info: String::new(),
        }
    }

    fn refused(to: &UserId, code: i32, info: impl Into<String>) -> Self {
        Self {
            to: to.to_string(),
            result_code: code,
            result_info: info.into(),
        }
    }
}

impl Engine {
    /// Tells both users' devices of a relationship change.
    fn tell_relation(&self, app: AppId, action: &str, from: &UserId, to: &UserId, wording: &str) {
        let push = FriendPush {
            action: action.to_string(),
            from: from.to_string(),
            to: to.to_string(),
            wording: wording.to_string(),
        };
        if let Some(frame) = crate::chat::frames::control("friend", &push) {
            self.push_to_user(app, from, &frame, None);
            if from != to {
                self.push_to_user(app, to, &frame, None);
            }
        }
    }

    /// `owner`'s blocklist, from the cache or the store.
    pub(crate) async fn blocked_by(
        &self,
        app: AppId,
        owner: &UserId,
    ) -> Result<Arc<HashSet<UserId>>, Error> {
        let key = (app, owner.clone());
        if let Some(set) = self.blocks.0.get(&key) {
            return Ok(set.clone());
        }
        let (list, _) = self
            .store
            .blocklist(app, owner, 0, BLOCKLIST_MAX as u32)
            .await
            .map_err(store_err)?;
        let set: Arc<HashSet<UserId>> = Arc::new(list.into_iter().map(|(u, _)| u).collect());
        if self.blocks.0.len() >= BLOCK_CACHE_MAX {
            self.blocks.0.clear();
        }
        self.blocks.0.insert(key, set.clone());
        Ok(set)
    }

    /// A blocklist changed: every node reads it again when next needed.
    fn blocklist_changed(&self, app: AppId, owner: &UserId) {
        self.forget_blocklist(app, owner);
        self.announce(
            app,
            AppEvent::BlocklistChanged {
                owner: owner.clone(),
            },
        );
    }

    pub(crate) fn forget_blocklist(&self, app: AppId, owner: &UserId) {
        self.blocks.0.remove(&(app, owner.clone()));
    }

    /// The receiver's add type (its profile's `AllowType`).
    async fn allow_type(&self, app: AppId, user: &UserId) -> Result<String, Error> {
        let profile = self
            .profiles(app, std::slice::from_ref(user), &[ALLOW_TYPE.to_string()])
            .await?;
        Ok(profile
            .into_iter()
            .next()
            .and_then(|(_, items)| items)
            .and_then(|items| items.into_iter().next())
            .and_then(|i| i.value.as_str().map(str::to_string))
            .unwrap_or_default())
    }

    /// `from` adds each of `items`; per item: added (0), pending the other's answer
    /// (30539), or refused with the reason's code.
    pub async fn add_friends(
        &self,
        app: AppId,
        from: &UserId,
        items: Vec<FriendAdd>,
        mode: AddMode,
        origin: Origin,
    ) -> Result<Vec<RelationResult>, Error> {
        self.require_account(app, from, || Error::AccountNotFound(from.to_string()))
            .await?;
        let now = unix_secs();
        let mut results = Vec::new();
        let mut added: Vec<(UserId, UserId)> = Vec::new();
        for item in items {
            let to = item.to.clone();
            if &to == from {
                results.push(RelationResult::refused(
                    &to,
                    code::BAD_PARAMETER,
                    "one cannot add oneself",
                ));
                continue;
            }
            if self
                .require_account(app, &to, || Error::AccountNotFound(to.to_string()))
                .await
                .is_err()
            {
                results.push(RelationResult::refused(
                    &to,
                    code::ACCOUNT_MISSING,
                    format!("account {to} does not exist"),
                ));
                continue;
            }
            if self.blocked_by(app, from).await?.contains(&to) {
                results.push(RelationResult::refused(
                    &to,
                    code::YOU_BLOCKED_THEM,
                    format!("{to} is on your blocklist"),
                ));
                continue;
            }
            if self.blocked_by(app, &to).await?.contains(from) {
                results.push(RelationResult::refused(
                    &to,
                    code::THEY_BLOCKED_YOU,
                    format!("you are on {to}'s blocklist"),
                ));
                continue;
            }
            let (_, total) = self
                .store
                .friends(app, from, 0, 0, None)
                .await
                .map_err(store_err)?;
            if total >= FRIENDS_MAX {
                results.push(RelationResult::refused(
                    &to,
                    code::FRIENDS_FULL,
                    format!("you have {FRIENDS_MAX} friends, the most allowed"),
                ));
                continue;
            }
            let (_, they_have_me) = self
                .store
                .friend_links(app, from, std::slice::from_ref(&to))
                .await
                .map_err(store_err)?;
            // Asked by the other first, or already its friend: no need to ask again.
            let asked_by_them = self
                .store
                .take_friend_request(app, &to, from)
                .await
                .map_err(store_err)?;
            let welcome = mode.force || !they_have_me.is_empty() || asked_by_them.is_some();
            if !welcome {
                match self.allow_type(app, &to).await?.as_str() {
                    "AllowType_Type_AllowAny" => {}
                    "AllowType_Type_DenyAny" => {
                        results.push(RelationResult::refused(
                            &to,
                            code::DENIES_ALL,
                            format!("{to} accepts no friend requests"),
                        ));
                        continue;
                    }
                    _ => {
                        self.store
                            .put_friend_request(
                                app,
                                &FriendRequest {
                                    from: from.clone(),
                                    to: to.clone(),
                                    wording: item.wording.clone(),
                                    source: item.source.clone(),
                                    remark: item.remark.clone(),
                                    group: item.group.clone().unwrap_or_default(),
                                    at: now,
                                },
                            )
                            .await
                            .map_err(store_err)?;
                        self.tell_relation(app, "request", from, &to, &item.wording);
                        results.push(RelationResult::refused(
                            &to,
                            code::PENDING,
                            format!("waiting for {to} to accept"),
                        ));
                        continue;
                    }
                }
            }
            let mut rows = vec![FriendRecord {
                owner: from.clone(),
                friend: to.clone(),
                remark: item.remark.clone(),
                groups: item.group.clone().into_iter().collect(),
                add_source: item.source.clone(),
                add_wording: item.wording.clone(),
                added_at: now,
            }];
            if mode.both || asked_by_them.is_some() {
                let back = asked_by_them.as_ref();
                rows.push(FriendRecord {
                    owner: to.clone(),
                    friend: from.clone(),
                    remark: back.map(|r| r.remark.clone()).unwrap_or_default(),
                    groups: back
                        .map(|r| r.group.clone())
                        .filter(|g| !g.is_empty())
                        .into_iter()
                        .collect(),
                    add_source: back
                        .map(|r| r.source.clone())
                        .unwrap_or_else(|| item.source.clone()),
                    add_wording: back.map(|r| r.wording.clone()).unwrap_or_default(),
                    added_at: now,
                });
            }
            self.store
                .put_friends(app, &rows)
                .await
                .map_err(store_err)?;
            self.tell_relation(app, "added", from, &to, "");
            added.push((from.clone(), to.clone()));
            results.push(RelationResult::ok(&to));
        }
        if !added.is_empty() {
            self.after_hook_now(app, FRIEND_ADD, Some(origin.clone()), || {
                json!({
                    "ClientCmd": if origin.platform == "RESTAPI" { "friend_add" } else { "friend_add_client" },
                    "Admin_Account": "",
                    "ForceFlag": u8::from(mode.force),
                    "PairList": added.iter().map(|(a, b)| json!({
                        "From_Account": a.as_str(), "To_Account": b.as_str(), "Initiator_Account": a.as_str()
                    })).collect::<Vec<_>>(),
                })
            });
        }
        Ok(results)
    }

    /// `user` answers the friend request `from` sent it: accepting makes them friends both
    /// ways (`remark` is what `user` calls `from`); declining drops the request.
    pub async fn answer_friend_request(
        &self,
        app: AppId,
        user: &UserId,
        from: &UserId,
        accept: bool,
        remark: String,
        origin: Origin,
    ) -> Result<(), Error> {
        let Some(request) = self
            .store
            .take_friend_request(app, from, user)
            .await
            .map_err(store_err)?
        else {
            return Err(Error::Relation {
                code: code::NO_REQUEST,
                info: format!("{from} has no friend request waiting for you"),
            });
        };
        if !accept {
            self.tell_relation(app, "declined", user, from, "");
            return Ok(());
        }
        let now = unix_secs();
        let rows = vec![
            FriendRecord {
                owner: from.clone(),
                friend: user.clone(),
                remark: request.remark.clone(),
                groups: Some(request.group.clone())
                    .filter(|g| !g.is_empty())
                    .into_iter()
                    .collect(),
                add_source: request.source.clone(),
                add_wording: request.wording.clone(),
                added_at: now,
            },
            FriendRecord {
                owner: user.clone(),
                friend: from.clone(),
                remark,
                groups: Vec::new(),
                add_source: request.source,
                add_wording: String::new(),
                added_at: now,
            },
        ];
        self.store
            .put_friends(app, &rows)
            .await
            .map_err(store_err)?;
        self.tell_relation(app, "added", from, user, "");
        self.after_hook_now(app, FRIEND_ADD, Some(origin), || {
            json!({
                "ClientCmd": "friend_response",
                "Admin_Account": "",
                "ForceFlag": 0,
                "PairList": [{"From_Account": from.as_str(), "To_Account": user.as_str(), "Initiator_Account": from.as_str()}],
            })
        });
        Ok(())
    }

    /// Removes friends of `owner` (and `owner` from theirs with `both`).
    pub async fn delete_friends(
        &self,
        app: AppId,
        owner: &UserId,
        friends: &[UserId],
        both: bool,
        origin: Origin,
    ) -> Result<Vec<RelationResult>, Error> {
        let gone = self
            .store
            .delete_friends(app, owner, friends, both)
            .await
            .map_err(store_err)?;
        let results = friends
            .iter()
            .map(|f| {
                if gone
                    .iter()
                    .any(|(a, b)| (a == owner && b == f) || (a == f && b == owner))
                {
                    self.tell_relation(app, "deleted", owner, f, "");
                    RelationResult::ok(f)
                } else {
                    RelationResult::refused(
                        f,
                        code::NOT_A_FRIEND,
                        format!("{f} is not your friend"),
                    )
                }
            })
            .collect();
        if !gone.is_empty() {
            self.after_hook_now(app, FRIEND_DELETE, Some(origin), || {
                json!({
                    "ClientCmd": "friend_delete",
                    "PairList": gone.iter().map(|(a, b)| json!({"From_Account": a.as_str(), "To_Account": b.as_str()})).collect::<Vec<_>>(),
                })
            });
        }
        Ok(results)
    }

    /// Puts `users` on `owner`'s blocklist (ending friendships with them).
    pub async fn block_users(
        &self,
        app: AppId,
        owner: &UserId,
        users: &[UserId],
        origin: Origin,
    ) -> Result<Vec<RelationResult>, Error> {
        let (_, total) = self
            .store
            .blocklist(app, owner, 0, 0)
            .await
            .map_err(store_err)?;
        if total + users.len() as u64 > BLOCKLIST_MAX {
            return Err(Error::Relation {
                code: code::BLOCKLIST_FULL,
                info: format!("a blocklist holds at most {BLOCKLIST_MAX} users"),
            });
        }
        let mut results = Vec::new();
        let mut valid = Vec::new();
        for u in users {
            if u == owner {
                results.push(RelationResult::refused(
                    u,
                    code::BAD_PARAMETER,
                    "one cannot block oneself",
                ));
            } else if self
                .require_account(app, u, || Error::AccountNotFound(u.to_string()))
                .await
                .is_err()
            {
                results.push(RelationResult::refused(
                    u,
                    code::ACCOUNT_MISSING,
                    format!("account {u} does not exist"),
                ));
            } else {
                valid.push(u.clone());
                results.push(RelationResult::ok(u));
            }
        }
        let added = self
            .store
            .block(app, owner, &valid, unix_secs())
            .await
            .map_err(store_err)?;
        self.blocklist_changed(app, owner);
        for u in &added {
            self.tell_relation(app, "blocked", owner, u, "");
        }
        if !added.is_empty() {
            self.after_hook_now(app, BLACKLIST_ADD, Some(origin), || {
                json!({"PairList": added.iter().map(|u| json!({"From_Account": owner.as_str(), "To_Account": u.as_str()})).collect::<Vec<_>>()})
            });
        }
        Ok(results)
    }

    /// Takes `users` off `owner`'s blocklist.
    pub async fn unblock_users(
        &self,
        app: AppId,
        owner: &UserId,
        users: &[UserId],
        origin: Origin,
    ) -> Result<Vec<RelationResult>, Error> {
        let removed = self
            .store
            .unblock(app, owner, users)
            .await
            .map_err(store_err)?;
        self.blocklist_changed(app, owner);
        if !removed.is_empty() {
            self.after_hook_now(app, BLACKLIST_DELETE, Some(origin), || {
                json!({"PairList": removed.iter().map(|u| json!({"From_Account": owner.as_str(), "To_Account": u.as_str()})).collect::<Vec<_>>()})
            });
        }
        Ok(users
            .iter()
            .map(|u| {
                if removed.contains(u) {
                    self.tell_relation(app, "unblocked", owner, u, "");
                    RelationResult::ok(u)
                } else {
                    RelationResult::refused(
                        u,
                        code::BAD_PARAMETER,
                        format!("{u} is not on your blocklist"),
                    )
                }
            })
            .collect())
    }
}

/// Reads and list edits, passed through with their errors coded.
impl Engine {
    /// `owner`'s friends from position `start`, at most `limit` (or just `only`), and
    /// how many there are.
    pub async fn friend_page(
        &self,
        app: AppId,
        owner: &UserId,
        start: u32,
        limit: u32,
        only: Option<&[UserId]>,
    ) -> Result<(Vec<FriendRecord>, u64), Error> {
        self.store
            .friends(app, owner, start, limit, only)
            .await
            .map_err(store_err)
    }

    /// Of `others`: those in `owner`'s list, and those with `owner` in theirs.
    pub async fn friend_links(
        &self,
        app: AppId,
        owner: &UserId,
        others: &[UserId],
    ) -> Result<(Vec<UserId>, Vec<UserId>), Error> {
        self.store
            .friend_links(app, owner, others)
            .await
            .map_err(store_err)
    }

    /// Of `others`: those `owner` blocked, and those who blocked `owner`.
    pub async fn block_links(
        &self,
        app: AppId,
        owner: &UserId,
        others: &[UserId],
    ) -> Result<(Vec<UserId>, Vec<UserId>), Error> {
        self.store
            .block_links(app, owner, others)
            .await
            .map_err(store_err)
    }

    pub async fn block_page(
        &self,
        app: AppId,
        owner: &UserId,
        start: u32,
        limit: u32,
    ) -> Result<(Vec<(UserId, i64)>, u64), Error> {
        self.store
            .blocklist(app, owner, start, limit)
            .await
            .map_err(store_err)
    }

    /// Friend requests to `user` (`incoming`) or from it.
    pub async fn friend_requests(
        &self,
        app: AppId,
        user: &UserId,
        incoming: bool,
    ) -> Result<Vec<FriendRequest>, Error> {
        self.store
            .friend_requests(app, user, incoming)
            .await
            .map_err(store_err)
    }

    /// Changes the remark and/or lists `owner` keeps for `friend`; false if not a friend.
    pub async fn update_friend(
        &self,
        app: AppId,
        owner: &UserId,
        friend: &UserId,
        remark: Option<String>,
        groups: Option<Vec<String>>,
    ) -> Result<bool, Error> {
        let (found, _) = self
            .store
            .friends(app, owner, 0, 1, Some(std::slice::from_ref(friend)))
            .await
            .map_err(store_err)?;
        let Some(mut record) = found.into_iter().next() else {
            return Ok(false);
        };
        if let Some(r) = remark {
            record.remark = r;
        }
        if let Some(g) = groups {
            self.store
                .add_friend_lists(app, owner, &g)
                .await
                .map_err(store_err)?;
            record.groups = g;
        }
        self.store
            .put_friends(app, &[record])
            .await
            .map_err(store_err)?;
        self.tell_relation(app, "updated", owner, owner, "");
        Ok(true)
    }

    pub async fn friend_lists(&self, app: AppId, owner: &UserId) -> Result<Vec<String>, Error> {
        self.store.friend_lists(app, owner).await.map_err(store_err)
    }

    pub async fn add_friend_lists(
        &self,
        app: AppId,
        owner: &UserId,
        names: &[String],
    ) -> Result<Vec<String>, Error> {
        self.store
            .add_friend_lists(app, owner, names)
            .await
            .map_err(store_err)
    }

    pub async fn delete_friend_lists(
        &self,
        app: AppId,
        owner: &UserId,
        names: &[String],
    ) -> Result<(), Error> {
        self.store
            .delete_friend_lists(app, owner, names)
            .await
            .map_err(store_err)
    }
}
