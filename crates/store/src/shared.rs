//! The one implementation of [`Store`](liveroom_core::store::Store), shared by both backends.
//!
//! Every statement is written in the SQL that SQLite and PostgreSQL both accept (`$N`
//! parameters, `ON CONFLICT`, `RETURNING`, `excluded.`), so the implementation exists once,
//! as the [`impl_store!`] macro, and each backend instantiates it for its own store type
//! (a struct with a `pool` field) and sqlx database. The differences between the backends
//! (connection settings, column types, collation) live in their modules and migrations.
//!
//! One write differs: a history batch ([`newest_per_group`] picks its rows), which each
//! backend writes its own fastest way (`write_history`: SQLite in a few multi-row statements
//! under its one writer, PostgreSQL in one statement, one round trip).
//!
//! Deleting a group removes its custom fields, mutes, bans, admins and history through
//! `ON DELETE CASCADE` foreign keys (SQLite connections enable `foreign_keys`).

use std::collections::BTreeMap;

use crate::rows::HistoryParams;

/// Rows per `IN (...)` list: well under both backends' bind-parameter limits.
pub(crate) const IN_LIST_CHUNK: usize = 500;

/// Most history rows written by one statement (13 parameters each, within every backend's
/// limit).
pub(crate) const HISTORY_ROWS_PER_STATEMENT: usize = 128;

/// Splits `n` rows into statement sizes of at most `max` (a power of two) that are powers of
/// two, largest first, so a few prepared statements serve every batch size.
pub(crate) fn statement_sizes(n: usize, max: usize) -> impl Iterator<Item = usize> {
    let mut left = n;
    std::iter::from_fn(move || {
        if left == 0 {
            return None;
        }
        let size = if left >= max { max } else { 1 << left.ilog2() };
        left -= size;
        Some(size)
    })
}

/// `INSERT` of `rows` history rows from one `VALUES` list, skipping rows whose group is gone
/// and sequence numbers already stored. A `VALUES` list's columns are `column1`, `column2`,
/// ... in SQLite and PostgreSQL alike.
pub(crate) fn history_insert(rows: usize) -> String {
    const COLUMNS: usize = 13;
    let values = (0..rows)
        .map(|r| format!("({})", crate::rows::placeholders(r * COLUMNS + 1, COLUMNS)))
        .collect::<Vec<_>>()
        .join(", ");
    let picked = (1..=COLUMNS)
        .map(|c| format!("v.column{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO group_history ({}) SELECT {picked} FROM (VALUES {values}) AS v \
         WHERE EXISTS (SELECT 1 FROM groups g WHERE g.app = v.column1 AND g.group_id = v.column2) \
         ON CONFLICT (app, group_id, msg_seq) DO NOTHING",
        crate::rows::HISTORY_COLUMNS
    )
}

/// The rows of a history batch worth writing, and the groups it touches (each to be trimmed
/// to its newest `keep`): of each group, only its newest `keep` messages by `MsgSeq` (older
/// ones would be trimmed by the same write), in the batch's order.
pub(crate) fn newest_per_group(
    rows: Vec<HistoryParams<'_>>,
    keep: u32,
) -> (Vec<HistoryParams<'_>>, Vec<(i64, &str)>) {
    let mut seqs: BTreeMap<(i64, &str), Vec<i64>> = BTreeMap::new();
    for r in &rows {
        seqs.entry((r.app, r.group)).or_default().push(r.msg_seq);
    }
    let keep = usize::try_from(keep).unwrap_or(usize::MAX);
    // The lowest sequence number each group keeps from this batch.
    let floor: BTreeMap<(i64, &str), Option<i64>> = seqs
        .into_iter()
        .map(|(group, mut s)| {
            s.sort_unstable_by(|a, b| b.cmp(a));
            (
                group,
                keep.checked_sub(1)
                    .and_then(|i| s.get(i).or(s.last()).copied()),
            )
        })
        .collect();
    let touched = floor.keys().copied().collect();
    let rows = rows
        .into_iter()
        .filter(|r| matches!(floor.get(&(r.app, r.group)), Some(Some(f)) if r.msg_seq >= *f))
        .collect();
    (rows, touched)
}

/// The statistics upserts into `user_stats`, `room_stats` and `room_user_stats`, each
/// `INSERT INTO ... {source} ON CONFLICT ...`, where a backend's `source` selects the rows
/// (and skips those whose user or group is gone). Counters are added, stopping at the
/// largest value a column holds instead of failing; peaks and last times are merged.
pub(crate) fn stats_upserts(sources: [&str; 3]) -> [String; 3] {
    let add = |t: &str| {
        crate::rows::COUNT_COLUMNS
            .split(", ")
            .map(|c| {
                format!(
                    "{c} = CASE WHEN {t}.{c} > {max} - excluded.{c} THEN {max} \
                     ELSE {t}.{c} + excluded.{c} END",
                    max = i64::MAX
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let [users, rooms, room_users] = sources;
    let counts = crate::rows::COUNT_COLUMNS;
    [
        format!(
            "INSERT INTO user_stats (app, user_id, {counts}, updated_at) {users} \
             ON CONFLICT (app, user_id) DO UPDATE SET {}, updated_at = excluded.updated_at",
            add("user_stats")
        ),
        format!(
            "INSERT INTO room_stats (app, group_id, session, {counts}, joins, guest_joins, \
             peak_online, first_at, last_at) {rooms} \
             ON CONFLICT (app, group_id, session) DO UPDATE SET {}, \
             joins = room_stats.joins + excluded.joins, \
             guest_joins = room_stats.guest_joins + excluded.guest_joins, \
             peak_online = CASE WHEN excluded.peak_online > room_stats.peak_online \
               THEN excluded.peak_online ELSE room_stats.peak_online END, \
             last_at = CASE WHEN excluded.last_at > room_stats.last_at \
               THEN excluded.last_at ELSE room_stats.last_at END",
            add("room_stats")
        ),
        format!(
            "INSERT INTO room_user_stats (app, group_id, session, user_id, {counts}, \
             first_at, last_at) {room_users} \
             ON CONFLICT (app, group_id, session, user_id) DO UPDATE SET {}, \
             last_at = CASE WHEN excluded.last_at > room_user_stats.last_at \
               THEN excluded.last_at ELSE room_user_stats.last_at END",
            add("room_user_stats")
        ),
    ]
}

/// Implements `Store` for `$store` (which has a `pool: sqlx::Pool<$db>` field).
macro_rules! impl_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use std::collections::BTreeSet;

            use async_trait::async_trait;
            use liveroom_core::group::GroupType;
            use liveroom_core::ids::{AppId, GroupId, UserId};
            use liveroom_core::store::{
                AppRecord, GroupRecord, HistoryRecord, NewMember, PinnedItem, ProfilePatch, Restriction,
                RoomStatsRecord, RoomUserRecord, StatsBatch, StatsOrder, Store, StoreResult,
                UserRecord,
            };
            use liveroom_core::stats::Counts;

            use $crate::rows::{
                app_key, assemble_groups, backend, counts_from_db, encode_settings,
                from_db, insert_error, no_group, placeholders, to_db, COUNT_COLUMNS, AppRow, CustomRow, GroupParams, GroupRow,
                HistoryParams, HistoryRow, RestrictionRow, UserRow, GROUP_COLUMNS,
                HISTORY_COLUMNS,
            };
            use $crate::shared::{newest_per_group, IN_LIST_CHUNK};

            type Conn = <$db as sqlx::Database>::Connection;

            /// Writes a group's custom fields (after any old ones were deleted).
            async fn insert_custom(conn: &mut Conn, g: &GroupParams<'_>) -> StoreResult<()> {
                for (position, (key, value)) in (0_i64..).zip(g.custom) {
                    sqlx::query(
                        "INSERT INTO group_custom (app, group_id, key, value, position) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(g.app)
                    .bind(g.id)
                    .bind(key.as_str())
                    .bind(value.as_str())
                    .bind(position)
                    .execute(&mut *conn)
                    .await
                    .map_err(backend)?;
                }
                Ok(())
            }

            /// Deletes a group's history (see `delete_group`).
            async fn delete_history(conn: &mut Conn, app: i64, group: &str) -> StoreResult<()> {
                for table in ["group_history", "group_messages"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE app = $1 AND group_id = $2"))
                        .bind(app)
                        .bind(group)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                }
                Ok(())
            }

            /// Runs a statement keyed by `$1` app, `$2` group, `$3` user (mutes, bans, admins).
            async fn remove_restriction(
                pool: &sqlx::Pool<$db>,
                sql: &str,
                app: AppId,
                group: &GroupId,
                user: &UserId,
            ) -> StoreResult<()> {
                sqlx::query(sql)
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(user.as_str())
                    .execute(pool)
                    .await
                    .map_err(backend)?;
                Ok(())
            }

            /// Runs a mute or ban `SELECT` keyed by `$1` app, `$2` group, `$3` now.
            async fn list_restrictions(
                pool: &sqlx::Pool<$db>,
                sql: &str,
                app: AppId,
                group: &GroupId,
                now: i64,
            ) -> StoreResult<Vec<Restriction>> {
                let rows = sqlx::query_as::<_, RestrictionRow>(sql)
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(now)
                    .fetch_all(pool)
                    .await
                    .map_err(backend)?;
                Ok(rows.into_iter().map(RestrictionRow::into_record).collect())
            }

            #[async_trait]
            impl Store for $store {
                async fn put_app(&self, app: &AppRecord) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO apps (sdkappid, secret_key, created_at, settings) \
                         VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (sdkappid) DO UPDATE \
                         SET secret_key = excluded.secret_key, settings = excluded.settings",
                    )
                    .bind(app_key(app.id)?)
                    .bind(app.secret_key.as_str())
                    .bind(app.created_at)
                    .bind(encode_settings(&app.settings)?)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(())
                }

                async fn get_app(&self, id: AppId) -> StoreResult<Option<AppRecord>> {
                    sqlx::query_as::<_, AppRow>(
                        "SELECT sdkappid, secret_key, created_at, settings FROM apps \
                         WHERE sdkappid = $1",
                    )
                    .bind(app_key(id)?)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?
                    .map(AppRow::into_record)
                    .transpose()
                }

                async fn list_apps(&self) -> StoreResult<Vec<AppRecord>> {
                    sqlx::query_as::<_, AppRow>(
                        "SELECT sdkappid, secret_key, created_at, settings FROM apps \
                         ORDER BY sdkappid",
                    )
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?
                    .into_iter()
                    .map(AppRow::into_record)
                    .collect()
                }

                async fn add_admin(&self, app: AppId, user: &UserId) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO admins (app, user_id) VALUES ($1, $2) \
                         ON CONFLICT (app, user_id) DO NOTHING",
                    )
                    .bind(app_key(app)?)
                    .bind(user.as_str())
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(())
                }

                async fn list_admins(&self, app: AppId) -> StoreResult<Vec<UserId>> {
                    let ids: Vec<String> = sqlx::query_scalar(
                        "SELECT user_id FROM admins WHERE app = $1 ORDER BY user_id",
                    )
                    .bind(app_key(app)?)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(ids.iter().map(|id| UserId::from_trusted(id)).collect())
                }

                async fn upsert_user(&self, app: AppId, user: &UserRecord) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO users (app, user_id, nick, face_url, created_at) \
                         VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (app, user_id) DO UPDATE \
                         SET nick = excluded.nick, face_url = excluded.face_url",
                    )
                    .bind(app_key(app)?)
                    .bind(user.id.as_str())
                    .bind(user.nick.as_str())
                    .bind(user.face_url.as_str())
                    .bind(user.created_at)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(())
                }

                async fn ensure_user(
                    &self,
                    app: AppId,
                    user: &UserId,
                    now: i64,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "INSERT INTO users (app, user_id, nick, face_url, created_at) \
                         VALUES ($1, $2, '', '', $3) \
                         ON CONFLICT (app, user_id) DO NOTHING",
                    )
                    .bind(app_key(app)?)
                    .bind(user.as_str())
                    .bind(now)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn get_users(
                    &self,
                    app: AppId,
                    ids: &[UserId],
                ) -> StoreResult<Vec<UserRecord>> {
                    let app = app_key(app)?;
                    let mut users = Vec::with_capacity(ids.len());
                    for chunk in ids.chunks(IN_LIST_CHUNK) {
                        let sql = format!(
                            "SELECT user_id, nick, face_url, created_at FROM users \
                             WHERE app = $1 AND user_id IN ({})",
                            placeholders(2, chunk.len())
                        );
                        let mut query = sqlx::query_as::<_, UserRow>(&sql).bind(app);
                        for id in chunk {
                            query = query.bind(id.as_str());
                        }
                        let rows = query.fetch_all(&self.pool).await.map_err(backend)?;
                        users.extend(rows.into_iter().map(UserRow::into_record));
                    }
                    Ok(users)
                }

                async fn delete_user(&self, app: AppId, user: &UserId) -> StoreResult<bool> {
                    // The account's app-wide statistics go by cascade; its rows in room
                    // rankings (keyed by room, not by account) are removed with it.
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let done = sqlx::query("DELETE FROM users WHERE app = $1 AND user_id = $2")
                        .bind(app_key(app)?)
                        .bind(user.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    sqlx::query("DELETE FROM room_user_stats WHERE app = $1 AND user_id = $2")
                        .bind(app_key(app)?)
                        .bind(user.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    tx.commit().await.map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn patch_profile(
                    &self,
                    app: AppId,
                    user: &UserId,
                    patch: &ProfilePatch,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "UPDATE users SET nick = COALESCE($3, nick), \
                         face_url = COALESCE($4, face_url) \
                         WHERE app = $1 AND user_id = $2",
                    )
                    .bind(app_key(app)?)
                    .bind(user.as_str())
                    .bind(patch.nick.as_deref())
                    .bind(patch.face_url.as_deref())
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn create_group(
                    &self,
                    group: &GroupRecord,
                    members: &[NewMember],
                ) -> StoreResult<()> {
                    let g = GroupParams::new(group)?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    sqlx::query(
                        "INSERT INTO groups (app, group_id, group_type, name, owner, \
                         introduction, notification, face_url, max_member_num, \
                         apply_join_option, mute_all, create_time, info_seq, last_info_time, \
                         last_msg_time, msg_seq_ceiling, invite_join_option, \
                         history_before_join, support_topic, enable_permission, \
                         default_permission) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
                         $15, $16, $17, $18, $19, $20, $21)",
                    )
                    .bind(g.app)
                    .bind(g.id)
                    .bind(g.group_type)
                    .bind(g.name)
                    .bind(g.owner)
                    .bind(g.introduction)
                    .bind(g.notification)
                    .bind(g.face_url)
                    .bind(g.max_member_num)
                    .bind(g.apply_join_option)
                    .bind(g.mute_all)
                    .bind(g.create_time)
                    .bind(g.info_seq)
                    .bind(g.last_info_time)
                    .bind(g.last_msg_time)
                    .bind(g.msg_seq_ceiling)
                    .bind(g.invite_join_option)
                    .bind(g.history_before_join)
                    .bind(g.support_topic)
                    .bind(g.enable_permission)
                    .bind(g.default_permission)
                    .execute(&mut *tx)
                    .await
                    .map_err(insert_error)?;
                    insert_custom(&mut tx, &g).await?;
                    // History and messages a write left behind for an earlier group of
                    // this id.
                    delete_history(&mut tx, g.app, g.id).await?;
                    if !members.is_empty() {
                        <$store>::insert_members(&mut tx, g.app, group, members, 0).await?;
                    }
                    tx.commit().await.map_err(backend)
                }

                async fn get_group(
                    &self,
                    app: AppId,
                    id: &GroupId,
                ) -> StoreResult<Option<GroupRecord>> {
                    let app = app_key(app)?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let sql = format!(
                        "SELECT {GROUP_COLUMNS} FROM groups WHERE app = $1 AND group_id = $2"
                    );
                    let row = sqlx::query_as::<_, GroupRow>(&sql)
                        .bind(app)
                        .bind(id.as_str())
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend)?;
                    let Some(row) = row else {
                        return Ok(None);
                    };
                    let custom = sqlx::query_as::<_, (String, String)>(
                        "SELECT key, value FROM group_custom \
                         WHERE app = $1 AND group_id = $2 ORDER BY position",
                    )
                    .bind(app)
                    .bind(id.as_str())
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(backend)?;
                    tx.commit().await.map_err(backend)?;
                    row.into_record(custom).map(Some)
                }

                async fn update_group(&self, group: &GroupRecord) -> StoreResult<()> {
                    let g = GroupParams::new(group)?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    // The ceiling only grows: `raise_msg_seq_ceiling` may have raised it
                    // since the caller read the record.
                    let done = sqlx::query(
                        "UPDATE groups SET name = $3, owner = $4, introduction = $5, \
                         notification = $6, face_url = $7, max_member_num = $8, \
                         apply_join_option = $9, mute_all = $10, info_seq = $11, \
                         last_info_time = $12, last_msg_time = $13, \
                         msg_seq_ceiling = CASE WHEN msg_seq_ceiling > $14 \
                         THEN msg_seq_ceiling ELSE $14 END, invite_join_option = $15, \
                         history_before_join = $16, support_topic = $17, \
                         enable_permission = $18, default_permission = $19 \
                         WHERE app = $1 AND group_id = $2",
                    )
                    .bind(g.app)
                    .bind(g.id)
                    .bind(g.name)
                    .bind(g.owner)
                    .bind(g.introduction)
                    .bind(g.notification)
                    .bind(g.face_url)
                    .bind(g.max_member_num)
                    .bind(g.apply_join_option)
                    .bind(g.mute_all)
                    .bind(g.info_seq)
                    .bind(g.last_info_time)
                    .bind(g.last_msg_time)
                    .bind(g.msg_seq_ceiling)
                    .bind(g.invite_join_option)
                    .bind(g.history_before_join)
                    .bind(g.support_topic)
                    .bind(g.enable_permission)
                    .bind(g.default_permission)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    if done.rows_affected() == 0 {
                        return Err(no_group(g.app, &group.id));
                    }
                    sqlx::query("DELETE FROM group_custom WHERE app = $1 AND group_id = $2")
                        .bind(g.app)
                        .bind(g.id)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    insert_custom(&mut tx, &g).await?;
                    tx.commit().await.map_err(backend)
                }

                async fn delete_group(&self, app: AppId, id: &GroupId) -> StoreResult<bool> {
                    // Custom fields, mutes, bans and the rest go by ON DELETE CASCADE; the
                    // history (whose writes do not lock the group's row) by itself.
                    let app = app_key(app)?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    delete_history(&mut tx, app, id.as_str()).await?;
                    let done = sqlx::query("DELETE FROM groups WHERE app = $1 AND group_id = $2")
                        .bind(app)
                        .bind(id.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    tx.commit().await.map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn list_groups(
                    &self,
                    app: AppId,
                    group_type: Option<GroupType>,
                    after: Option<&GroupId>,
                    limit: u32,
                ) -> StoreResult<(Vec<GroupId>, u64)> {
                    let app = app_key(app)?;
                    let group_type = group_type.map(GroupType::as_str);
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let ids: Vec<String> = sqlx::query_scalar(
                        "SELECT group_id FROM groups \
                         WHERE app = $1 AND ($2 IS NULL OR group_type = $2) \
                         AND ($3 IS NULL OR group_id > $3) \
                         ORDER BY group_id LIMIT $4",
                    )
                    .bind(app)
                    .bind(group_type)
                    .bind(after.map(GroupId::as_str))
                    .bind(i64::from(limit))
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let total: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM groups \
                         WHERE app = $1 AND ($2 IS NULL OR group_type = $2)",
                    )
                    .bind(app)
                    .bind(group_type)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
                    tx.commit().await.map_err(backend)?;
                    let ids = ids.iter().map(|id| GroupId::from_trusted(id)).collect();
                    Ok((ids, from_db(total, "group count")?))
                }

                async fn groups_of_type(
                    &self,
                    group_type: GroupType,
                ) -> StoreResult<Vec<GroupRecord>> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let sql = format!(
                        "SELECT {GROUP_COLUMNS} FROM groups WHERE group_type = $1 \
                         ORDER BY app, group_id"
                    );
                    let groups = sqlx::query_as::<_, GroupRow>(&sql)
                        .bind(group_type.as_str())
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(backend)?;
                    let custom = sqlx::query_as::<_, CustomRow>(
                        "SELECT c.app, c.group_id, c.key, c.value FROM group_custom c \
                         JOIN groups g ON g.app = c.app AND g.group_id = c.group_id \
                         WHERE g.group_type = $1 ORDER BY c.app, c.group_id, c.position",
                    )
                    .bind(group_type.as_str())
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(backend)?;
                    tx.commit().await.map_err(backend)?;
                    assemble_groups(groups, custom)
                }

                async fn raise_msg_seq_ceiling(
                    &self,
                    app: AppId,
                    id: &GroupId,
                    block: u64,
                ) -> StoreResult<u64> {
                    let app = app_key(app)?;
                    let ceiling: Option<i64> = sqlx::query_scalar(
                        "UPDATE groups SET msg_seq_ceiling = msg_seq_ceiling + $3 \
                         WHERE app = $1 AND group_id = $2 RETURNING msg_seq_ceiling",
                    )
                    .bind(app)
                    .bind(id.as_str())
                    .bind(to_db(block, "ceiling block")?)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    match ceiling {
                        Some(ceiling) => from_db(ceiling, "msg_seq_ceiling"),
                        None => Err(no_group(app, id)),
                    }
                }

                async fn set_mute(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    user: &UserId,
                    until: i64,
                ) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO group_mutes (app, group_id, user_id, until) \
                         VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (app, group_id, user_id) DO UPDATE SET until = excluded.until",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(user.as_str())
                    .bind(until)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(())
                }

                async fn remove_mute(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    user: &UserId,
                ) -> StoreResult<()> {
                    let sql = "DELETE FROM group_mutes \
                               WHERE app = $1 AND group_id = $2 AND user_id = $3";
                    remove_restriction(&self.pool, sql, app, group, user).await
                }

                async fn list_mutes(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    now: i64,
                ) -> StoreResult<Vec<Restriction>> {
                    let sql = "SELECT user_id, until, '' AS reason FROM group_mutes \
                               WHERE app = $1 AND group_id = $2 AND until > $3 \
                               ORDER BY user_id";
                    list_restrictions(&self.pool, sql, app, group, now).await
                }

                async fn set_ban(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    ban: &Restriction,
                ) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO group_bans (app, group_id, user_id, until, reason) \
                         VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (app, group_id, user_id) DO UPDATE \
                         SET until = excluded.until, reason = excluded.reason",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(ban.user.as_str())
                    .bind(ban.until)
                    .bind(ban.reason.as_str())
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(())
                }

                async fn remove_ban(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    user: &UserId,
                ) -> StoreResult<()> {
                    let sql = "DELETE FROM group_bans \
                               WHERE app = $1 AND group_id = $2 AND user_id = $3";
                    remove_restriction(&self.pool, sql, app, group, user).await
                }

                async fn list_bans(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    now: i64,
                ) -> StoreResult<Vec<Restriction>> {
                    let sql = "SELECT user_id, until, reason FROM group_bans \
                               WHERE app = $1 AND group_id = $2 AND until > $3 \
                               ORDER BY until, user_id";
                    list_restrictions(&self.pool, sql, app, group, now).await
                }

                async fn set_group_admin(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    user: &UserId,
                    admin: bool,
                ) -> StoreResult<()> {
                    let sql = if admin {
                        "INSERT INTO group_admins (app, group_id, user_id) VALUES ($1, $2, $3) \
                         ON CONFLICT (app, group_id, user_id) DO NOTHING"
                    } else {
                        "DELETE FROM group_admins \
                         WHERE app = $1 AND group_id = $2 AND user_id = $3"
                    };
                    remove_restriction(&self.pool, sql, app, group, user).await
                }

                async fn list_group_admins(
                    &self,
                    app: AppId,
                    group: &GroupId,
                ) -> StoreResult<Vec<UserId>> {
                    let rows: Vec<(String,)> = sqlx::query_as(
                        "SELECT user_id FROM group_admins \
                         WHERE app = $1 AND group_id = $2 ORDER BY user_id",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(rows.into_iter().map(|(u,)| UserId::from_trusted(&u)).collect())
                }

                async fn history_writer(&self) -> StoreResult<Option<std::sync::Arc<dyn Store>>> {
                    self.writer_store().await
                }

                async fn append_history(
                    &self,
                    records: &[HistoryRecord],
                    keep_per_group: u32,
                ) -> StoreResult<()> {
                    if records.is_empty() {
                        return Ok(());
                    }
                    let params = records
                        .iter()
                        .map(HistoryParams::new)
                        .collect::<StoreResult<Vec<_>>>()?;
                    let (rows, touched) = newest_per_group(params, keep_per_group);
                    self.write_history(&rows, &touched, keep_per_group).await
                }

                async fn history(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    since: i64,
                    max_seq: Option<u64>,
                    limit: u32,
                    with_recalled: bool,
                ) -> StoreResult<Vec<HistoryRecord>> {
                    let max_seq = max_seq.map(|s| to_db(s, "max_seq")).transpose()?;
                    let sql = format!(
                        "SELECT {HISTORY_COLUMNS} FROM group_history \
                         WHERE app = $1 AND group_id = $2 AND msg_time >= $3 \
                         AND ($4 IS NULL OR msg_seq <= $4) AND recalled <= $6 \
                         ORDER BY msg_seq DESC LIMIT $5"
                    );
                    sqlx::query_as::<_, HistoryRow>(&sql)
                        .bind(app_key(app)?)
                        .bind(group.as_str())
                        .bind(since)
                        .bind(max_seq)
                        .bind(i64::from(limit))
                        .bind(i64::from(with_recalled))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(backend)?
                        .into_iter()
                        .map(HistoryRow::into_record)
                        .collect()
                }

                async fn recall_history(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    msg_seqs: &[u64],
                ) -> StoreResult<Vec<u64>> {
                    let wanted: BTreeSet<u64> = msg_seqs.iter().copied().collect();
                    let mut marked = Vec::new();
                    if wanted.is_empty() {
                        return Ok(marked);
                    }
                    let app = app_key(app)?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    for seq in wanted {
                        let done = sqlx::query(
                            "UPDATE group_history \
                             SET recalled = 1, body = '[]', cloud_custom_data = '' \
                             WHERE app = $1 AND group_id = $2 AND msg_seq = $3 AND recalled = 0",
                        )
                        .bind(app)
                        .bind(group.as_str())
                        .bind(to_db(seq, "msg_seq")?)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                        if done.rows_affected() > 0 {
                            marked.push(seq);
                        }
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(marked)
                }

                async fn prune_history(&self, before: i64) -> StoreResult<u64> {
                    let done = sqlx::query("DELETE FROM group_history WHERE msg_time < $1")
                        .bind(before)
                        .execute(&self.pool)
                        .await
                        .map_err(backend)?;
                    Ok(done.rows_affected())
                }

                async fn add_pinned_item(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    item: &PinnedItem,
                ) -> StoreResult<()> {
                    // The next position is computed in the insert itself, so two pins at
                    // once cannot take the same one (the primary key would refuse it).
                    sqlx::query(
                        "INSERT INTO pinned_items \
                         (app, group_id, session, pinned_at, operator, item, position) \
                         SELECT $1, $2, $3, $4, $5, $6, COALESCE(MAX(position), 0) + 1 \
                         FROM pinned_items WHERE app = $1 AND group_id = $2 AND session = $3",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(i64::from(item.session))
                    .bind(item.pinned_at)
                    .bind(item.operator.as_str())
                    .bind(item.item.as_str())
                    .execute(&self.pool)
                    .await
                    .map_err(insert_error)?;
                    Ok(())
                }

                async fn add_stats(&self, app: AppId, batch: &StatsBatch) -> StoreResult<()> {
                    if batch.is_empty() {
                        return Ok(());
                    }
                    self.write_stats(app_key(app)?, batch).await
                }

                async fn user_stats(
                    &self,
                    app: AppId,
                    users: &[UserId],
                ) -> StoreResult<Vec<(UserId, Counts)>> {
                    let mut out = Vec::with_capacity(users.len());
                    for chunk in users.chunks(IN_LIST_CHUNK) {
                        let sql = format!(
                            "SELECT user_id, {COUNT_COLUMNS} FROM user_stats \
                             WHERE app = $1 AND user_id IN ({})",
                            placeholders(2, chunk.len())
                        );
                        let mut q = sqlx::query_as::<_, (String, i64, i64, i64, i64, i64)>(&sql)
                            .bind(app_key(app)?);
                        for u in chunk {
                            q = q.bind(u.as_str());
                        }
                        for (u, a, b, c, d, e) in q.fetch_all(&self.pool).await.map_err(backend)? {
                            out.push((UserId::from_trusted(&u), counts_from_db([a, b, c, d, e])));
                        }
                    }
                    Ok(out)
                }

                async fn room_stats(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    session: Option<u32>,
                ) -> StoreResult<Option<RoomStatsRecord>> {
                    type Row = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);
                    let sql = format!(
                        "SELECT session, {COUNT_COLUMNS}, joins, guest_joins, peak_online, \
                         first_at, last_at, \
                         (SELECT COUNT(*) FROM room_user_stats u WHERE u.app = r.app \
                          AND u.group_id = r.group_id AND u.session = r.session) \
                         FROM room_stats r WHERE app = $1 AND group_id = $2 \
                         AND ($3 IS NULL OR session = $3) ORDER BY session DESC LIMIT 1"
                    );
                    let row: Option<Row> = sqlx::query_as(&sql)
                        .bind(app_key(app)?)
                        .bind(group.as_str())
                        .bind(session.map(i64::from))
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend)?;
                    Ok(row.map(|(s, a, b, c, d, e, joins, guests, peak, first, last, viewers)| {
                        let n = |x: i64| u64::try_from(x).unwrap_or(0);
                        RoomStatsRecord {
                            session: u32::try_from(s).unwrap_or(0),
                            counts: counts_from_db([a, b, c, d, e]),
                            joins: n(joins),
                            guest_joins: n(guests),
                            peak_online: n(peak),
                            viewers: n(viewers),
                            first_at: first,
                            last_at: last,
                        }
                    }))
                }

                async fn room_user_stats(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    session: u32,
                    order: StatsOrder,
                    limit: u32,
                    users: Option<&[UserId]>,
                ) -> StoreResult<Vec<RoomUserRecord>> {
                    type Row = (String, i64, i64, i64, i64, i64, i64, i64);
                    let head = format!(
                        "SELECT user_id, {COUNT_COLUMNS}, first_at, last_at FROM room_user_stats \
                         WHERE app = $1 AND group_id = $2 AND session = $3"
                    );
                    let rows: Vec<Row> = match users {
                        None => {
                            let sql = format!(
                                "{head} ORDER BY {} DESC, user_id LIMIT $4",
                                order.column()
                            );
                            sqlx::query_as(&sql)
                                .bind(app_key(app)?)
                                .bind(group.as_str())
                                .bind(i64::from(session))
                                .bind(i64::from(limit))
                                .fetch_all(&self.pool)
                                .await
                                .map_err(backend)?
                        }
                        Some(users) => {
                            let mut rows = Vec::new();
                            for chunk in users.chunks(IN_LIST_CHUNK) {
                                let sql = format!(
                                    "{head} AND user_id IN ({}) ORDER BY user_id",
                                    placeholders(4, chunk.len())
                                );
                                let mut q = sqlx::query_as::<_, Row>(&sql)
                                    .bind(app_key(app)?)
                                    .bind(group.as_str())
                                    .bind(i64::from(session));
                                for u in chunk {
                                    q = q.bind(u.as_str());
                                }
                                rows.extend(q.fetch_all(&self.pool).await.map_err(backend)?);
                            }
                            rows
                        }
                    };
                    Ok(rows
                        .into_iter()
                        .map(|(u, a, b, c, d, e, first_at, last_at)| RoomUserRecord {
                            user: UserId::from_trusted(&u),
                            counts: counts_from_db([a, b, c, d, e]),
                            first_at,
                            last_at,
                        })
                        .collect())
                }

                async fn pinned_items(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    session: u32,
                ) -> StoreResult<Vec<PinnedItem>> {
                    let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
                        "SELECT session, pinned_at, operator, item FROM pinned_items \
                         WHERE app = $1 AND group_id = $2 AND session = $3 ORDER BY position",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(i64::from(session))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(rows
                        .into_iter()
                        .map(|(session, pinned_at, operator, item)| PinnedItem {
                            session: u32::try_from(session).unwrap_or(u32::MAX),
                            pinned_at,
                            operator,
                            item,
                        })
                        .collect())
                }
            }
        };
    };
}

pub(crate) use impl_store;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_batches_split_into_a_few_statement_sizes() {
        for n in 0..1000 {
            let sizes: Vec<usize> = statement_sizes(n, HISTORY_ROWS_PER_STATEMENT).collect();
            assert_eq!(sizes.iter().sum::<usize>(), n);
            assert!(sizes
                .iter()
                .all(|s| s.is_power_of_two() && *s <= HISTORY_ROWS_PER_STATEMENT));
            assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
        }
        assert_eq!(
            statement_sizes(300, 128).collect::<Vec<_>>(),
            [128, 128, 32, 8, 4]
        );
    }
}
