//! The one [`SocialStore`](liveroom_core::store::SocialStore) implementation (profiles,
//! friends, requests, lists, blocklists), shared by both backends as [`impl_social_store!`].

use liveroom_core::ids::UserId;
use liveroom_core::store::{FriendRecord, FriendRequest, StoreResult};

use crate::rows::backend;

#[derive(sqlx::FromRow)]
pub(crate) struct FriendRow {
    pub owner: String,
    pub friend: String,
    pub remark: String,
    pub groups: String,
    pub add_source: String,
    pub add_wording: String,
    pub added_at: i64,
}

impl FriendRow {
    pub(crate) fn into_record(self) -> StoreResult<FriendRecord> {
        Ok(FriendRecord {
            owner: UserId::from_trusted(&self.owner),
            friend: UserId::from_trusted(&self.friend),
            remark: self.remark,
            groups: serde_json::from_str(&self.groups).map_err(backend)?,
            add_source: self.add_source,
            add_wording: self.add_wording,
            added_at: self.added_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RequestRow {
    pub from_user: String,
    pub to_user: String,
    pub wording: String,
    pub source: String,
    pub remark: String,
    pub group_name: String,
    pub at: i64,
}

impl RequestRow {
    pub(crate) fn into_record(self) -> FriendRequest {
        FriendRequest {
            from: UserId::from_trusted(&self.from_user),
            to: UserId::from_trusted(&self.to_user),
            wording: self.wording,
            source: self.source,
            remark: self.remark,
            group: self.group_name,
            at: self.at,
        }
    }
}

pub(crate) const FRIEND_COLUMNS: &str =
    "owner, friend, remark, groups, add_source, add_wording, added_at";
pub(crate) const REQUEST_COLUMNS: &str =
    "from_user, to_user, wording, source, remark, group_name, at";

/// Implements `SocialStore` for `$store` (a `pool` field and `chat_turn()`).
macro_rules! impl_social_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use async_trait::async_trait;
            use liveroom_core::ids::{AppId, UserId};
            use liveroom_core::store::{
                FriendRecord, FriendRequest, ProfilePatch, SocialStore, StoreResult,
            };

            use $crate::rows::{app_key, backend, placeholders, to_db};
            use $crate::social::{FriendRow, RequestRow, FRIEND_COLUMNS, REQUEST_COLUMNS};

            type Conn = <$db as sqlx::Database>::Connection;

            /// `users` as bind values for an `IN` list starting at `$first`.
            fn in_list(first: usize, n: usize) -> String {
                placeholders(first, n.max(1))
            }

            /// Which of `others` appear as `column` in rows of `table` keyed by `key` =
            /// `owner`.
            async fn linked(
                conn: &mut Conn,
                table: &str,
                key: &str,
                column: &str,
                app: i64,
                owner: &UserId,
                others: &[UserId],
            ) -> StoreResult<Vec<UserId>> {
                let mut out = Vec::new();
                for chunk in others.chunks($crate::shared::IN_LIST_CHUNK) {
                    let sql = format!(
                        "SELECT {column} FROM {table} WHERE app = $1 AND {key} = $2 \
                         AND {column} IN ({})",
                        in_list(3, chunk.len())
                    );
                    let mut q = sqlx::query_scalar::<_, String>(&sql)
                        .bind(app)
                        .bind(owner.as_str());
                    for u in chunk {
                        q = q.bind(u.as_str());
                    }
                    out.extend(
                        q.fetch_all(&mut *conn)
                            .await
                            .map_err(backend)?
                            .iter()
                            .map(|u| UserId::from_trusted(u)),
                    );
                }
                Ok(out)
            }

            async fn drop_requests(
                conn: &mut Conn,
                app: i64,
                a: &UserId,
                b: &UserId,
            ) -> StoreResult<()> {
                sqlx::query(
                    "DELETE FROM friend_requests WHERE app = $1 AND \
                     ((from_user = $2 AND to_user = $3) OR (from_user = $3 AND to_user = $2))",
                )
                .bind(app)
                .bind(a.as_str())
                .bind(b.as_str())
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
                Ok(())
            }

            #[async_trait]
            impl SocialStore for $store {
                async fn profile_items(
                    &self,
                    app: AppId,
                    users: &[UserId],
                ) -> StoreResult<Vec<(UserId, String, String)>> {
                    let mut out = Vec::new();
                    for chunk in users.chunks($crate::shared::IN_LIST_CHUNK) {
                        let sql = format!(
                            "SELECT user_id, tag, value FROM user_profile \
                             WHERE app = $1 AND user_id IN ({})",
                            in_list(2, chunk.len())
                        );
                        let mut q = sqlx::query_as::<_, (String, String, String)>(&sql)
                            .bind(app_key(app)?);
                        for u in chunk {
                            q = q.bind(u.as_str());
                        }
                        for (u, tag, value) in q.fetch_all(&self.pool).await.map_err(backend)? {
                            out.push((UserId::from_trusted(&u), tag, value));
                        }
                    }
                    Ok(out)
                }

                async fn update_profile(
                    &self,
                    app: AppId,
                    user: &UserId,
                    patch: &ProfilePatch,
                    items: &[(String, Option<String>)],
                ) -> StoreResult<bool> {
                    let app = app_key(app)?;
                    let _turn = self.chat_turn().await;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let done = sqlx::query(
                        "UPDATE users SET nick = COALESCE($3, nick), \
                         face_url = COALESCE($4, face_url) WHERE app = $1 AND user_id = $2",
                    )
                    .bind(app)
                    .bind(user.as_str())
                    .bind(patch.nick.as_deref())
                    .bind(patch.face_url.as_deref())
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    if done.rows_affected() == 0 {
                        return Ok(false);
                    }
                    for (tag, value) in items {
                        match value {
                            Some(v) => sqlx::query(
                                "INSERT INTO user_profile (app, user_id, tag, value) \
                                 VALUES ($1, $2, $3, $4) ON CONFLICT (app, user_id, tag) \
                                 DO UPDATE SET value = excluded.value",
                            )
                            .bind(app)
                            .bind(user.as_str())
                            .bind(tag.as_str())
                            .bind(v.as_str()),
                            None => sqlx::query(
                                "DELETE FROM user_profile \
                                 WHERE app = $1 AND user_id = $2 AND tag = $3",
                            )
                            .bind(app)
                            .bind(user.as_str())
                            .bind(tag.as_str()),
                        }
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(true)
                }

                async fn put_friends(
                    &self,
                    app: AppId,
                    friends: &[FriendRecord],
                ) -> StoreResult<()> {
                    let app = app_key(app)?;
                    let _turn = self.chat_turn().await;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    for f in friends {
                        sqlx::query(&format!(
                            "INSERT INTO friends ({FRIEND_COLUMNS}, app) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                             ON CONFLICT (app, owner, friend) DO UPDATE SET \
                             remark = excluded.remark, groups = excluded.groups"
                        ))
                        .bind(f.owner.as_str())
                        .bind(f.friend.as_str())
                        .bind(f.remark.as_str())
                        .bind(serde_json::to_string(&f.groups).map_err(backend)?)
                        .bind(f.add_source.as_str())
                        .bind(f.add_wording.as_str())
                        .bind(f.added_at)
                        .bind(app)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                        drop_requests(&mut tx, app, &f.owner, &f.friend).await?;
                    }
                    tx.commit().await.map_err(backend)
                }

                async fn delete_friends(
                    &self,
                    app: AppId,
                    owner: &UserId,
                    friends: &[UserId],
                    both: bool,
                ) -> StoreResult<Vec<(UserId, UserId)>> {
                    let app = app_key(app)?;
                    let _turn = self.chat_turn().await;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let mut gone = Vec::new();
                    for f in friends {
                        let mut pairs = vec![(owner, f)];
                        if both {
                            pairs.push((f, owner));
                        }
                        for (a, b) in pairs {
                            let done = sqlx::query(
                                "DELETE FROM friends WHERE app = $1 AND owner = $2 AND friend = $3",
                            )
                            .bind(app)
                            .bind(a.as_str())
                            .bind(b.as_str())
                            .execute(&mut *tx)
                            .await
                            .map_err(backend)?;
                            if done.rows_affected() > 0 {
                                gone.push((a.clone(), b.clone()));
                            }
                        }
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(gone)
                }

                async fn friends(
                    &self,
                    app: AppId,
                    owner: &UserId,
                    start: u32,
                    limit: u32,
                    only: Option<&[UserId]>,
                ) -> StoreResult<(Vec<FriendRecord>, u64)> {
                    let app = app_key(app)?;
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    let total: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM friends WHERE app = $1 AND owner = $2",
                    )
                    .bind(app)
                    .bind(owner.as_str())
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(backend)?;
                    let rows = match only {
                        None => sqlx::query_as::<_, FriendRow>(&format!(
                            "SELECT {FRIEND_COLUMNS} FROM friends WHERE app = $1 AND owner = $2 \
                             ORDER BY added_at, friend LIMIT {limit} OFFSET {start}"
                        ))
                        .bind(app)
                        .bind(owner.as_str())
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(backend)?,
                        Some(users) => {
                            let mut rows = Vec::new();
                            for chunk in users.chunks($crate::shared::IN_LIST_CHUNK) {
                                let sql = format!(
                                    "SELECT {FRIEND_COLUMNS} FROM friends WHERE app = $1 \
                                     AND owner = $2 AND friend IN ({})",
                                    in_list(3, chunk.len())
                                );
                                let mut q = sqlx::query_as::<_, FriendRow>(&sql)
                                    .bind(app)
                                    .bind(owner.as_str());
                                for u in chunk {
                                    q = q.bind(u.as_str());
                                }
                                rows.extend(q.fetch_all(&mut *conn).await.map_err(backend)?);
                            }
                            rows
                        }
                    };
                    let records = rows
                        .into_iter()
                        .map(FriendRow::into_record)
                        .collect::<StoreResult<Vec<_>>>()?;
                    Ok((records, u64::try_from(total).unwrap_or_default()))
                }

                async fn friend_links(
                    &self,
                    app: AppId,
                    owner: &UserId,
                    others: &[UserId],
                ) -> StoreResult<(Vec<UserId>, Vec<UserId>)> {
                    let app = app_key(app)?;
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    let mine =
                        linked(&mut conn, "friends", "owner", "friend", app, owner, others).await?;
                    let theirs =
                        linked(&mut conn, "friends", "friend", "owner", app, owner, others).await?;
                    Ok((mine, theirs))
                }

                async fn put_friend_request(
                    &self,
                    app: AppId,
                    r: &FriendRequest,
                ) -> StoreResult<()> {
                    let _turn = self.chat_turn().await;
                    sqlx::query(&format!(
                        "INSERT INTO friend_requests ({REQUEST_COLUMNS}, app) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                         ON CONFLICT (app, from_user, to_user) DO UPDATE SET \
                         wording = excluded.wording, source = excluded.source, \
                         remark = excluded.remark, group_name = excluded.group_name, \
                         at = excluded.at"
                    ))
                    .bind(r.from.as_str())
                    .bind(r.to.as_str())
                    .bind(r.wording.as_str())
                    .bind(r.source.as_str())
                    .bind(r.remark.as_str())
                    .bind(r.group.as_str())
                    .bind(r.at)
                    .bind(app_key(app)?)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(())
                }

                async fn friend_requests(
                    &self,
                    app: AppId,
                    user: &UserId,
                    incoming: bool,
                ) -> StoreResult<Vec<FriendRequest>> {
                    let column = if incoming { "to_user" } else { "from_user" };
                    Ok(sqlx::query_as::<_, RequestRow>(&format!(
                        "SELECT {REQUEST_COLUMNS} FROM friend_requests \
                         WHERE app = $1 AND {column} = $2 ORDER BY at DESC, from_user, to_user"
                    ))
                    .bind(app_key(app)?)
                    .bind(user.as_str())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?
                    .into_iter()
                    .map(RequestRow::into_record)
                    .collect())
                }

                async fn take_friend_request(
                    &self,
                    app: AppId,
                    from: &UserId,
                    to: &UserId,
                ) -> StoreResult<Option<FriendRequest>> {
                    let _turn = self.chat_turn().await;
                    Ok(sqlx::query_as::<_, RequestRow>(&format!(
                        "DELETE FROM friend_requests WHERE app = $1 AND from_user = $2 \
                         AND to_user = $3 RETURNING {REQUEST_COLUMNS}"
                    ))
                    .bind(app_key(app)?)
                    .bind(from.as_str())
                    .bind(to.as_str())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?
                    .map(RequestRow::into_record))
                }

                async fn block(
                    &self,
                    app: AppId,
                    owner: &UserId,
                    users: &[UserId],
                    at: i64,
                ) -> StoreResult<Vec<UserId>> {
                    let app = app_key(app)?;
                    let _turn = self.chat_turn().await;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let mut added = Vec::new();
                    for u in users {
                        let done = sqlx::query(
                            "INSERT INTO blocklist (app, owner, blocked, added_at) \
                             VALUES ($1, $2, $3, $4) ON CONFLICT (app, owner, blocked) DO NOTHING",
                        )
                        .bind(app)
                        .bind(owner.as_str())
                        .bind(u.as_str())
                        .bind(at)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                        if done.rows_affected() > 0 {
                            added.push(u.clone());
                        }
                        sqlx::query(
                            "DELETE FROM friends WHERE app = $1 AND \
                             ((owner = $2 AND friend = $3) OR (owner = $3 AND friend = $2))",
                        )
                        .bind(app)
                        .bind(owner.as_str())
                        .bind(u.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                        drop_requests(&mut tx, app, owner, u).await?;
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(added)
                }

                async fn unblock(
                    &self,
                    app: AppId,
                    owner: &UserId,
                    users: &[UserId],
                ) -> StoreResult<Vec<UserId>> {
                    let app = app_key(app)?;
                    let _turn = self.chat_turn().await;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let mut removed = Vec::new();
                    for u in users {
                        let done = sqlx::query(
                            "DELETE FROM blocklist WHERE app = $1 AND owner = $2 AND blocked = $3",
                        )
                        .bind(app)
                        .bind(owner.as_str())
                        .bind(u.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                        if done.rows_affected() > 0 {
                            removed.push(u.clone());
                        }
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(removed)
                }

                async fn blocklist(
                    &self,
                    app: AppId,
                    owner: &UserId,
                    start: u32,
                    limit: u32,
                ) -> StoreResult<(Vec<(UserId, i64)>, u64)> {
                    let app = app_key(app)?;
                    let total: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM blocklist WHERE app = $1 AND owner = $2",
                    )
                    .bind(app)
                    .bind(owner.as_str())
                    .fetch_one(&self.pool)
                    .await
                    .map_err(backend)?;
                    let rows = sqlx::query_as::<_, (String, i64)>(&format!(
                        "SELECT blocked, added_at FROM blocklist WHERE app = $1 AND owner = $2 \
                         ORDER BY added_at, blocked LIMIT {limit} OFFSET {start}"
                    ))
                    .bind(app)
                    .bind(owner.as_str())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok((
                        rows.into_iter()
                            .map(|(u, at)| (UserId::from_trusted(&u), at))
                            .collect(),
                        u64::try_from(total).unwrap_or_default(),
                    ))
                }

                async fn block_links(
                    &self,
                    app: AppId,
                    owner: &UserId,
                    others: &[UserId],
                ) -> StoreResult<(Vec<UserId>, Vec<UserId>)> {
                    let app = app_key(app)?;
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    let mine =
                        linked(&mut conn, "blocklist", "owner", "blocked", app, owner, others)
                            .await?;
                    let theirs =
                        linked(&mut conn, "blocklist", "blocked", "owner", app, owner, others)
                            .await?;
                    Ok((mine, theirs))
                }

                async fn friend_lists(&self, app: AppId, owner: &UserId) -> StoreResult<Vec<String>> {
                    sqlx::query_scalar(
                        "SELECT name FROM friend_lists WHERE app = $1 AND owner = $2 \
                         ORDER BY position, name",
                    )
                    .bind(app_key(app)?)
                    .bind(owner.as_str())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)
                }

                async fn add_friend_lists(
                    &self,
                    app: AppId,
                    owner: &UserId,
                    names: &[String],
                ) -> StoreResult<Vec<String>> {
                    let key = app_key(app)?;
                    {
                        let _turn = self.chat_turn().await;
                        let mut tx = self.pool.begin().await.map_err(backend)?;
                        let next: i64 = sqlx::query_scalar(
                            "SELECT COALESCE(MAX(position), 0) FROM friend_lists \
                             WHERE app = $1 AND owner = $2",
                        )
                        .bind(key)
                        .bind(owner.as_str())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(backend)?;
                        for (i, name) in names.iter().enumerate() {
                            sqlx::query(
                                "INSERT INTO friend_lists (app, owner, name, position) \
                                 VALUES ($1, $2, $3, $4) ON CONFLICT (app, owner, name) DO NOTHING",
                            )
                            .bind(key)
                            .bind(owner.as_str())
                            .bind(name.as_str())
                            .bind(next + to_db(i as u64 + 1, "position")?)
                            .execute(&mut *tx)
                            .await
                            .map_err(backend)?;
                        }
                        tx.commit().await.map_err(backend)?;
                    }
                    self.friend_lists(app, owner).await
                }

                async fn delete_friend_lists(
                    &self,
                    app: AppId,
                    owner: &UserId,
                    names: &[String],
                ) -> StoreResult<()> {
                    let key = app_key(app)?;
                    let _turn = self.chat_turn().await;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    for name in names {
                        sqlx::query(
                            "DELETE FROM friend_lists WHERE app = $1 AND owner = $2 AND name = $3",
                        )
                        .bind(key)
                        .bind(owner.as_str())
                        .bind(name.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    }
                    // Friends leave the deleted lists.
                    let rows = sqlx::query_as::<_, (String, String)>(
                        "SELECT friend, groups FROM friends WHERE app = $1 AND owner = $2 \
                         AND groups <> '[]'",
                    )
                    .bind(key)
                    .bind(owner.as_str())
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(backend)?;
                    for (friend, groups) in rows {
                        let mut list: Vec<String> =
                            serde_json::from_str(&groups).map_err(backend)?;
                        let before = list.len();
                        list.retain(|g| !names.contains(g));
                        if list.len() != before {
                            sqlx::query(
                                "UPDATE friends SET groups = $4 \
                                 WHERE app = $1 AND owner = $2 AND friend = $3",
                            )
                            .bind(key)
                            .bind(owner.as_str())
                            .bind(friend.as_str())
                            .bind(serde_json::to_string(&list).map_err(backend)?)
                            .execute(&mut *tx)
                            .await
                            .map_err(backend)?;
                        }
                    }
                    tx.commit().await.map_err(backend)
                }
            }
        };
    };
}

pub(crate) use impl_social_store;
