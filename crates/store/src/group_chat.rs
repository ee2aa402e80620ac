//! The one [`GroupChatStore`](liveroom_core::store::GroupChatStore) implementation, shared
//! by both backends as the [`impl_group_chat_store!`] macro (see `shared` for why a macro).
//!
//! A batch of messages is stored in a few statements: one upsert per thread numbers its
//! messages and counts those that count as unread (handing back the thread's new last
//! number and count), multi-row inserts store the messages with their positions, and one
//! update per sending member moves its read position to its own newest message. No member
//! row is written for the members who only receive.

use std::collections::BTreeMap;

use liveroom_core::group::{MsgFlag, Priority};
use liveroom_core::ids::{GroupId, UserId};
use liveroom_core::store::{
    group_flags, GroupAppend, GroupMsgRecord, JoinRequest, MemberRecord, RequestKind, StoreResult,
};

use crate::rows::{backend, from_db, placeholders, to_db};

/// Messages inserted per statement (14 parameters each).
pub(crate) const GROUP_MESSAGES_PER_STATEMENT: usize = 8;

pub(crate) const GROUP_MESSAGE_SELECT: &str = "SELECT group_id, topic, seq, sender, msg_time, \
     random, priority, flags, body, cloud_custom_data, at_info, offline_push, \
     COALESCE((SELECT u.nick FROM users u WHERE u.app = group_messages.app \
       AND u.user_id = group_messages.sender), '') AS nick, \
     COALESCE((SELECT u.face_url FROM users u WHERE u.app = group_messages.app \
       AND u.user_id = group_messages.sender), '') AS face_url \
     FROM group_messages";

/// A member's columns (`m` the member row), its admin role, and its thread's count.
pub(crate) const MEMBER_SELECT: &str = "SELECT m.user_id, m.join_time, m.join_seq, m.name_card, \
     m.msg_flag, m.custom, m.last_send_time, m.read_seq, m.read_pos, m.pinned, \
     (SELECT COUNT(*) FROM group_admins a WHERE a.app = m.app AND a.group_id = m.group_id \
       AND a.user_id = m.user_id) AS admin, \
     COALESCE((SELECT t.counted FROM group_threads t WHERE t.app = m.app \
       AND t.group_id = m.group_id AND t.topic = ''), 0) AS counted, \
     COALESCE((SELECT u.nick FROM users u WHERE u.app = m.app \
       AND u.user_id = m.user_id), '') AS m_nick, \
     COALESCE((SELECT u.face_url FROM users u WHERE u.app = m.app \
       AND u.user_id = m.user_id), '') AS m_face \
     FROM group_members m";

/// The groups a user is in, with its side, the thread's counters and the newest message it
/// may see (`$1` app, `$2` user).
pub(crate) const JOINED_SELECT: &str = "SELECT g.group_id AS g_id, g.group_type, g.name, \
     g.face_url AS g_face, m.user_id, m.join_time, m.join_seq, m.name_card, m.msg_flag, \
     m.custom, m.last_send_time, m.read_seq, m.read_pos, m.pinned, \
     (SELECT COUNT(*) FROM group_admins a WHERE a.app = m.app AND a.group_id = m.group_id \
       AND a.user_id = m.user_id) AS admin, \
     COALESCE(t.counted, 0) AS counted, '' AS m_nick, '' AS m_face, \
     COALESCE(t.last_seq, 0) AS last_seq, \
     COALESCE(t.last_time, 0) AS last_time, \
     (SELECT MIN(x.seq) FROM group_mentions x WHERE x.app = m.app \
       AND x.group_id = m.group_id AND x.topic = '' AND x.user_id = m.user_id \
       AND x.seq > m.read_seq) AS at_me, \
     (SELECT MIN(a.seq) FROM group_messages a WHERE a.app = m.app \
       AND a.group_id = m.group_id AND a.topic = '' AND a.seq > m.read_seq \
       AND (a.flags & 128) <> 0 AND (a.flags & 1) = 0 AND a.sender <> m.user_id) AS at_all, \
     msg.group_id, msg.topic, msg.seq, msg.sender, msg.msg_time, msg.random, msg.priority, \
     msg.flags, msg.body, msg.cloud_custom_data, msg.at_info, msg.offline_push, \
     COALESCE(u.nick, '') AS nick, COALESCE(u.face_url, '') AS face_url \
     FROM group_members m \
     JOIN groups g ON g.app = m.app AND g.group_id = m.group_id \
     LEFT JOIN group_threads t ON t.app = m.app AND t.group_id = m.group_id AND t.topic = '' \
     LEFT JOIN group_messages msg ON msg.app = m.app AND msg.group_id = m.group_id \
       AND msg.topic = '' AND msg.seq = t.shown_seq \
       AND (g.history_before_join OR t.shown_seq > m.join_seq) \
     LEFT JOIN users u ON u.app = msg.app AND u.user_id = msg.sender \
     WHERE m.app = $1 AND m.user_id = $2";

pub(crate) fn threads_upsert() -> &'static str {
    "INSERT INTO group_threads (app, group_id, topic, last_seq, counted, shown_seq, last_time) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (app, group_id, topic) DO UPDATE SET \
     shown_seq = CASE WHEN excluded.shown_seq > 0 \
       THEN group_threads.last_seq + excluded.shown_seq ELSE group_threads.shown_seq END, \
     last_time = CASE WHEN excluded.shown_seq > 0 \
       THEN excluded.last_time ELSE group_threads.last_time END, \
     last_seq = group_threads.last_seq + excluded.last_seq, \
     counted = group_threads.counted + excluded.counted \
     RETURNING last_seq, counted"
}

pub(crate) fn group_messages_insert(rows: usize) -> String {
    let values = (0..rows)
        .map(|r| format!("({})", placeholders(r * 14 + 1, 14)))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO group_messages (app, group_id, topic, seq, pos, sender, msg_time, random, \
         priority, flags, body, cloud_custom_data, at_info, offline_push) VALUES {values}"
    )
}

/// A thread's share of a batch: `(app, group, topic)` and the indexes of its messages.
pub(crate) type ThreadBatches<'a> = BTreeMap<(i64, &'a str, &'a str), Vec<usize>>;

pub(crate) fn thread_batches(batch: &[GroupAppend]) -> StoreResult<ThreadBatches<'_>> {
    let mut out = ThreadBatches::new();
    for (i, m) in batch.iter().enumerate() {
        out.entry((
            to_db(m.app.0, "app id")?,
            m.group.as_str(),
            m.topic.as_str(),
        ))
        .or_default()
        .push(i);
    }
    Ok(out)
}

/// Whether a message counts as unread.
pub(crate) fn counts(m: &GroupAppend) -> bool {
    m.flags & (group_flags::NO_UNREAD | group_flags::SYSTEM) == 0
}

#[derive(sqlx::FromRow)]
pub(crate) struct GroupMessageRow {
    pub group_id: String,
    pub topic: String,
    pub seq: i64,
    pub sender: String,
    pub msg_time: i64,
    pub random: i64,
    pub priority: i64,
    pub flags: i64,
    pub body: String,
    pub cloud_custom_data: String,
    pub at_info: String,
    pub offline_push: String,
    pub nick: String,
    pub face_url: String,
}

impl GroupMessageRow {
    pub(crate) fn into_record(self) -> StoreResult<GroupMsgRecord> {
        Ok(GroupMsgRecord {
            group: GroupId::from_trusted(&self.group_id),
            topic: self.topic,
            seq: from_db(self.seq, "seq")?,
            from: UserId::from_trusted(&self.sender),
            time: self.msg_time,
            random: from_db(self.random, "random")?,
            priority: Priority::from_history_number(self.priority),
            flags: self.flags,
            body: self.body,
            cloud_custom_data: self.cloud_custom_data,
            at_info: self.at_info,
            offline_push: self.offline_push,
            nick: self.nick,
            avatar: self.face_url,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct MemberRow {
    pub user_id: String,
    pub join_time: i64,
    pub join_seq: i64,
    pub name_card: String,
    pub msg_flag: i64,
    pub custom: String,
    pub last_send_time: i64,
    pub read_seq: i64,
    pub read_pos: i64,
    pub pinned: i64,
    pub admin: i64,
    pub counted: i64,
    pub m_nick: String,
    pub m_face: String,
}

impl MemberRow {
    pub(crate) fn into_record(self) -> StoreResult<MemberRecord> {
        Ok(MemberRecord {
            user: UserId::from_trusted(&self.user_id),
            join_time: self.join_time,
            admin: self.admin > 0,
            name_card: self.name_card,
            msg_flag: MsgFlag::from_number(self.msg_flag),
            custom: decode_custom(&self.custom)?,
            last_send_time: self.last_send_time,
            join_seq: from_db(self.join_seq, "seq")?,
            read_seq: from_db(self.read_seq, "seq")?,
            unread: from_db((self.counted - self.read_pos).max(0), "unread")?,
            pinned: self.pinned != 0,
            nick: self.m_nick,
            avatar: self.m_face,
        })
    }
}

/// A row of [`JOINED_SELECT`].
#[derive(sqlx::FromRow)]
pub(crate) struct JoinedRow {
    pub g_id: String,
    pub group_type: String,
    pub name: String,
    pub g_face: String,
    #[sqlx(flatten)]
    pub member: MemberRow,
    pub last_seq: i64,
    pub last_time: i64,
    pub at_me: Option<i64>,
    pub at_all: Option<i64>,
    pub group_id: Option<String>,
    pub topic: Option<String>,
    pub seq: Option<i64>,
    pub sender: Option<String>,
    pub msg_time: Option<i64>,
    pub random: Option<i64>,
    pub priority: Option<i64>,
    pub flags: Option<i64>,
    pub body: Option<String>,
    pub cloud_custom_data: Option<String>,
    pub at_info: Option<String>,
    pub offline_push: Option<String>,
    pub nick: String,
    pub face_url: String,
}

impl JoinedRow {
    pub(crate) fn into_record(self) -> StoreResult<liveroom_core::store::GroupConversation> {
        let last = match (self.group_id, self.seq, self.sender) {
            (Some(group_id), Some(seq), Some(sender)) => Some(
                GroupMessageRow {
                    group_id,
                    topic: self.topic.unwrap_or_default(),
                    seq,
                    sender,
                    msg_time: self.msg_time.unwrap_or_default(),
                    random: self.random.unwrap_or_default(),
                    priority: self.priority.unwrap_or_default(),
                    flags: self.flags.unwrap_or_default(),
                    body: self.body.unwrap_or_default(),
                    cloud_custom_data: self.cloud_custom_data.unwrap_or_default(),
                    at_info: self.at_info.unwrap_or_default(),
                    offline_push: self.offline_push.unwrap_or_default(),
                    nick: self.nick,
                    face_url: self.face_url,
                }
                .into_record()?,
            ),
            _ => None,
        };
        Ok(liveroom_core::store::GroupConversation {
            group: GroupId::from_trusted(&self.g_id),
            group_type: liveroom_core::group::GroupType::parse(&self.group_type)
                .map_err(backend)?,
            name: self.name,
            face_url: self.g_face,
            member: self.member.into_record()?,
            thread: liveroom_core::store::ThreadState {
                last_seq: from_db(self.last_seq, "seq")?,
                last_time: self.last_time,
            },
            last,
            at_me: self.at_me.map(|s| from_db(s, "seq")).transpose()?,
            at_all: self.at_all.map(|s| from_db(s, "seq")).transpose()?,
        })
    }
}

pub(crate) fn encode_custom(custom: &[(String, String)]) -> StoreResult<String> {
    serde_json::to_string(custom).map_err(backend)
}

fn decode_custom(raw: &str) -> StoreResult<Vec<(String, String)>> {
    serde_json::from_str(raw).map_err(backend)
}

#[derive(sqlx::FromRow)]
pub(crate) struct RequestRow {
    pub user_id: String,
    pub kind: i64,
    pub inviter: String,
    pub wording: String,
    pub created: i64,
}

impl RequestRow {
    pub(crate) fn into_record(self) -> JoinRequest {
        JoinRequest {
            user: UserId::from_trusted(&self.user_id),
            kind: if self.kind == 2 {
                RequestKind::Invite
            } else {
                RequestKind::Apply
            },
            inviter: (!self.inviter.is_empty()).then(|| UserId::from_trusted(&self.inviter)),
            wording: self.wording,
            time: self.created,
        }
    }
}

/// A topic's columns with its thread's counters (`t` the topic, `th` the thread).
pub(crate) const TOPIC_SELECT: &str = "SELECT t.topic_id, t.name, t.face_url, t.introduction, \
     t.notification, t.custom_string, t.mute_all, t.create_time, t.creator, \
     COALESCE(th.last_seq, 0) AS last_seq, COALESCE(th.last_time, 0) AS last_time \
     FROM group_topics t LEFT JOIN group_threads th ON th.app = t.app \
       AND th.group_id = t.group_id AND th.topic = t.topic_id";

#[derive(sqlx::FromRow)]
pub(crate) struct TopicRow {
    pub topic_id: String,
    pub name: String,
    pub face_url: String,
    pub introduction: String,
    pub notification: String,
    pub custom_string: String,
    pub mute_all: bool,
    pub create_time: i64,
    pub creator: String,
    pub last_seq: i64,
    pub last_time: i64,
}

impl TopicRow {
    pub(crate) fn into_record(self) -> StoreResult<liveroom_core::store::TopicRecord> {
        Ok(liveroom_core::store::TopicRecord {
            id: self.topic_id,
            name: self.name,
            face_url: self.face_url,
            introduction: self.introduction,
            notification: self.notification,
            custom_string: self.custom_string,
            mute_all: self.mute_all,
            create_time: self.create_time,
            creator: self.creator,
            thread: liveroom_core::store::ThreadState {
                last_seq: from_db(self.last_seq, "seq")?,
                last_time: self.last_time,
            },
        })
    }
}

/// A member's side of every topic (`$1` app, `$2` group, `$3` the member's join time,
/// `$4` the member): its read row, or else where the topic stood when it joined.
pub(crate) const TOPIC_SIDES: &str = "SELECT t.topic_id, \
     COALESCE(th.counted, 0) AS counted, r.read_seq, r.read_pos, \
     COALESCE((SELECT m.seq FROM group_messages m WHERE m.app = t.app \
       AND m.group_id = t.group_id AND m.topic = t.topic_id AND m.msg_time < $3 \
       ORDER BY m.msg_time DESC, m.seq DESC LIMIT 1), 0) AS join_seq, \
     COALESCE((SELECT m.pos FROM group_messages m WHERE m.app = t.app \
       AND m.group_id = t.group_id AND m.topic = t.topic_id AND m.msg_time < $3 \
       ORDER BY m.msg_time DESC, m.seq DESC LIMIT 1), 0) AS join_pos \
     FROM group_topics t \
     LEFT JOIN group_threads th ON th.app = t.app AND th.group_id = t.group_id \
       AND th.topic = t.topic_id \
     LEFT JOIN group_topic_reads r ON r.app = t.app AND r.group_id = t.group_id \
       AND r.topic_id = t.topic_id AND r.user_id = $4 \
     WHERE t.app = $1 AND t.group_id = $2 ORDER BY t.create_time, t.topic_id";

#[derive(sqlx::FromRow)]
pub(crate) struct TopicSideRow {
    pub topic_id: String,
    pub counted: i64,
    pub read_seq: Option<i64>,
    pub read_pos: Option<i64>,
    pub join_seq: i64,
    pub join_pos: i64,
}

impl TopicSideRow {
    pub(crate) fn into_side(self) -> StoreResult<liveroom_core::store::TopicSide> {
        let read_pos = self.read_pos.unwrap_or(self.join_pos);
        Ok(liveroom_core::store::TopicSide {
            topic: self.topic_id,
            read_seq: from_db(self.read_seq.unwrap_or(self.join_seq), "seq")?,
            unread: from_db((self.counted - read_pos).max(0), "unread")?,
            join_seq: from_db(self.join_seq, "seq")?,
        })
    }
}

pub(crate) fn kind_number(kind: RequestKind) -> i64 {
    match kind {
        RequestKind::Apply => 1,
        RequestKind::Invite => 2,
    }
}

/// Implements `GroupChatStore` for `$store` (a `pool` field, and `chat_turn()`).
macro_rules! impl_group_chat_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use std::collections::BTreeMap;

            use async_trait::async_trait;
            use liveroom_core::ids::{AppId, GroupId, UserId};
            use liveroom_core::store::{
                GroupAppend, GroupAppended, GroupChatStore, GroupConversation, GroupMsgRecord,
                GroupPage, GroupRange, GroupRecord, JoinRequest, MemberAdded, MemberPage, MemberPatch,
                MemberRecord, NewMember, StoreResult, ThreadState, TopicRecord, TopicSide,
                ExtEntry, ExtOutcome, ExtWrite, ReactOutcome, ReactionSummary,
            };

            use $crate::chat::power_chunks;
            use $crate::group_chat::{
                counts, encode_custom, group_messages_insert, kind_number, thread_batches,
                threads_upsert, GroupMessageRow, JoinedRow, MemberRow, RequestRow, TopicRow,
                TopicSideRow, GROUP_MESSAGES_PER_STATEMENT, GROUP_MESSAGE_SELECT, JOINED_SELECT,
                MEMBER_SELECT, TOPIC_SELECT, TOPIC_SIDES,
            };
            use $crate::rows::{app_key, backend, from_db, no_group, to_db};

            type Conn = <$db as sqlx::Database>::Connection;

            /// A thread's `(last_seq, counted)`.
            async fn thread_counts(
                conn: &mut Conn,
                app: i64,
                group: &str,
                topic: &str,
            ) -> StoreResult<(i64, i64)> {
                Ok(sqlx::query_as::<_, (i64, i64)>(
                    "SELECT last_seq, counted FROM group_threads \
                     WHERE app = $1 AND group_id = $2 AND topic = $3",
                )
                .bind(app)
                .bind(group)
                .bind(topic)
                .fetch_optional(&mut *conn)
                .await
                .map_err(backend)?
                .unwrap_or((0, 0)))
            }

            async fn one_member(
                conn: &mut Conn,
                app: i64,
                group: &str,
                user: &str,
            ) -> StoreResult<Option<MemberRecord>> {
                let sql = format!(
                    "{MEMBER_SELECT} WHERE m.app = $1 AND m.group_id = $2 AND m.user_id = $3"
                );
                sqlx::query_as::<_, MemberRow>(&sql)
                    .bind(app)
                    .bind(group)
                    .bind(user)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?
                    .map(MemberRow::into_record)
                    .transpose()
            }

            impl $store {
                /// Adds members inside the caller's transaction (see
                /// `GroupChatStore::add_members`); creating a group adds its first ones
                /// this way.
                pub(crate) async fn insert_members(
                    conn: &mut Conn,
                    app: i64,
                    group: &GroupRecord,
                    members: &[NewMember],
                    cap: u32,
                ) -> StoreResult<Vec<MemberAdded>> {
                    Self::insert_members_of(conn, app, group.id.as_str(), members, cap).await
                }

                async fn insert_members_of(
                    conn: &mut Conn,
                    app: i64,
                    group: &str,
                    members: &[NewMember],
                    cap: u32,
                ) -> StoreResult<Vec<MemberAdded>> {
                    // Locks the group's row first, so concurrent adds count one at a time.
                    let num: Option<i64> = sqlx::query_scalar(
                        "UPDATE groups SET member_num = member_num \
                         WHERE app = $1 AND group_id = $2 RETURNING member_num",
                    )
                    .bind(app)
                    .bind(group)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?;
                    let Some(mut num) = num else {
                        return Err(no_group(app, &GroupId::from_trusted(group)));
                    };
                    let (last_seq, counted) = thread_counts(conn, app, group, "").await?;
                    let mut out = Vec::with_capacity(members.len());
                    for m in members {
                        if cap > 0 && num >= i64::from(cap) {
                            let there = one_member(conn, app, group, m.user.as_str()).await?;
                            out.push(if there.is_some() {
                                MemberAdded::Already
                            } else {
                                MemberAdded::Full
                            });
                            continue;
                        }
                        // Below 0 when more is unread than counted yet: imported history
                        // counted later makes it up.
                        let read_pos = counted - to_db(m.unread, "unread")?;
                        let done = sqlx::query(
                            "INSERT INTO group_members (app, group_id, user_id, join_time, \
                             join_seq, read_seq, read_pos) VALUES ($1, $2, $3, $4, $5, $5, $6) \
                             ON CONFLICT (app, group_id, user_id) DO NOTHING",
                        )
                        .bind(app)
                        .bind(group)
                        .bind(m.user.as_str())
                        .bind(m.join_time)
                        .bind(last_seq)
                        .bind(read_pos)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                        if done.rows_affected() == 0 {
                            out.push(MemberAdded::Already);
                            continue;
                        }
                        num += 1;
                        if m.admin {
                            sqlx::query(
                                "INSERT INTO group_admins (app, group_id, user_id) \
                                 VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                            )
                            .bind(app)
                            .bind(group)
                            .bind(m.user.as_str())
                            .execute(&mut *conn)
                            .await
                            .map_err(backend)?;
                        }
                        sqlx::query(
                            "DELETE FROM group_requests \
                             WHERE app = $1 AND group_id = $2 AND user_id = $3",
                        )
                        .bind(app)
                        .bind(group)
                        .bind(m.user.as_str())
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                        out.push(MemberAdded::Added);
                    }
                    sqlx::query("UPDATE groups SET member_num = $3 WHERE app = $1 AND group_id = $2")
                        .bind(app)
                        .bind(group)
                        .bind(num)
                        .execute(&mut *conn)
                        .await
                        .map_err(backend)?;
                    Ok(out)
                }
            }

            #[async_trait]
            impl GroupChatStore for $store {
                async fn add_members(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    members: &[NewMember],
                    cap: u32,
                ) -> StoreResult<Vec<MemberAdded>> {
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let out =
                        Self::insert_members_of(&mut tx, app_key(app)?, group.as_str(), members, cap)
                            .await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(out)
                }

                async fn remove_members(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    users: &[UserId],
                ) -> StoreResult<Vec<UserId>> {
                    let app = app_key(app)?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let mut gone = Vec::new();
                    for u in users {
                        let done = sqlx::query(
                            "DELETE FROM group_members \
                             WHERE app = $1 AND group_id = $2 AND user_id = $3",
                        )
                        .bind(app)
                        .bind(group.as_str())
                        .bind(u.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                        if done.rows_affected() == 0 || gone.contains(u) {
                            continue;
                        }
                        for table in ["group_admins", "group_topic_reads"] {
                            sqlx::query(&format!(
                                "DELETE FROM {table} \
                                 WHERE app = $1 AND group_id = $2 AND user_id = $3"
                            ))
                            .bind(app)
                            .bind(group.as_str())
                            .bind(u.as_str())
                            .execute(&mut *tx)
                            .await
                            .map_err(backend)?;
                        }
                        gone.push(u.clone());
                    }
                    if !gone.is_empty() {
                        sqlx::query(
                            "UPDATE groups SET member_num = member_num - $3 \
                             WHERE app = $1 AND group_id = $2",
                        )
                        .bind(app)
                        .bind(group.as_str())
                        .bind(gone.len() as i64)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(gone)
                }

                async fn group_member(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    user: &UserId,
                ) -> StoreResult<Option<MemberRecord>> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    one_member(&mut conn, app_key(app)?, group.as_str(), user.as_str()).await
                }

                async fn group_members_of(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    users: &[UserId],
                ) -> StoreResult<Vec<MemberRecord>> {
                    let mut out = Vec::new();
                    for chunk in users.chunks(64) {
                        let list = $crate::rows::placeholders(3, chunk.len());
                        let sql = format!(
                            "{MEMBER_SELECT} WHERE m.app = $1 AND m.group_id = $2 \
                             AND m.user_id IN ({list})"
                        );
                        let mut q = sqlx::query_as::<_, MemberRow>(&sql)
                            .bind(app_key(app)?)
                            .bind(group.as_str());
                        for u in chunk {
                            q = q.bind(u.as_str());
                        }
                        for row in q.fetch_all(&self.pool).await.map_err(backend)? {
                            out.push(row.into_record()?);
                        }
                    }
                    Ok(out)
                }

                async fn group_members(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    page: &MemberPage,
                    limit: u32,
                    admins_only: bool,
                ) -> StoreResult<Vec<MemberRecord>> {
                    let admins = if admins_only {
                        " AND EXISTS (SELECT 1 FROM group_admins a WHERE a.app = m.app \
                         AND a.group_id = m.group_id AND a.user_id = m.user_id)"
                    } else {
                        ""
                    };
                    let q = match page {
                        MemberPage::Offset(n) => {
                            let sql = format!(
                                "{MEMBER_SELECT} WHERE m.app = $1 AND m.group_id = $2{admins} \
                                 ORDER BY m.join_time, m.user_id LIMIT {limit} OFFSET {}",
                                to_db(*n, "offset")?
                            );
                            sqlx::query_as::<_, MemberRow>(&sql)
                                .bind(app_key(app)?)
                                .bind(group.as_str())
                                .fetch_all(&self.pool)
                                .await
                        }
                        MemberPage::After(after) => {
                            let sql = format!(
                                "{MEMBER_SELECT} WHERE m.app = $1 AND m.group_id = $2 \
                                 AND m.user_id > $3{admins} ORDER BY m.user_id LIMIT {limit}"
                            );
                            sqlx::query_as::<_, MemberRow>(&sql)
                                .bind(app_key(app)?)
                                .bind(group.as_str())
                                .bind(after.as_ref().map(|u| u.as_str()).unwrap_or(""))
                                .fetch_all(&self.pool)
                                .await
                        }
                    };
                    q.map_err(backend)?
                        .into_iter()
                        .map(MemberRow::into_record)
                        .collect()
                }

                async fn patch_member(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    user: &UserId,
                    patch: &MemberPatch,
                ) -> StoreResult<bool> {
                    let custom = patch.custom.as_deref().map(encode_custom).transpose()?;
                    let done = sqlx::query(
                        "UPDATE group_members SET name_card = COALESCE($4, name_card), \
                         msg_flag = COALESCE($5, msg_flag), custom = COALESCE($6, custom), \
                         pinned = COALESCE($7, pinned) \
                         WHERE app = $1 AND group_id = $2 AND user_id = $3",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(user.as_str())
                    .bind(patch.name_card.as_deref())
                    .bind(patch.msg_flag.map(|f| f.number()))
                    .bind(custom)
                    .bind(patch.pinned.map(i64::from))
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn joined_groups(
                    &self,
                    app: AppId,
                    user: &UserId,
                ) -> StoreResult<Vec<GroupConversation>> {
                    sqlx::query_as::<_, JoinedRow>(JOINED_SELECT)
                        .bind(app_key(app)?)
                        .bind(user.as_str())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(backend)?
                        .into_iter()
                        .map(JoinedRow::into_record)
                        .collect()
                }

                async fn put_join_request(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    r: &JoinRequest,
                ) -> StoreResult<()> {
                    sqlx::query(
                        "INSERT INTO group_requests (app, group_id, user_id, kind, inviter, \
                         wording, created) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (app, group_id, user_id) DO UPDATE SET \
                         kind = excluded.kind, inviter = excluded.inviter, \
                         wording = excluded.wording, created = excluded.created",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(r.user.as_str())
                    .bind(kind_number(r.kind))
                    .bind(r.inviter.as_ref().map(|u| u.as_str()).unwrap_or(""))
                    .bind(r.wording.as_str())
                    .bind(r.time)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(())
                }

                async fn take_join_request(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    user: &UserId,
                ) -> StoreResult<Option<JoinRequest>> {
                    Ok(sqlx::query_as::<_, RequestRow>(
                        "DELETE FROM group_requests \
                         WHERE app = $1 AND group_id = $2 AND user_id = $3 \
                         RETURNING user_id, kind, inviter, wording, created",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(user.as_str())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?
                    .map(RequestRow::into_record))
                }

                async fn join_requests(
                    &self,
                    app: AppId,
                    group: &GroupId,
                ) -> StoreResult<Vec<JoinRequest>> {
                    Ok(sqlx::query_as::<_, RequestRow>(
                        "SELECT user_id, kind, inviter, wording, created FROM group_requests \
                         WHERE app = $1 AND group_id = $2 ORDER BY created, user_id",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?
                    .into_iter()
                    .map(RequestRow::into_record)
                    .collect())
                }

                async fn append_group(
                    &self,
                    batch: &[GroupAppend],
                ) -> StoreResult<Vec<GroupAppended>> {
                    if batch.is_empty() {
                        return Ok(Vec::new());
                    }
                    let threads = thread_batches(batch)?;
                    let _turn = self.chat_turn().await;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    // Each message's number and position.
                    let mut numbered = vec![(0_i64, 0_i64); batch.len()];
                    for ((app, group, topic), idx) in &threads {
                        let n = idx.len() as i64;
                        let counted = idx.iter().filter(|&&i| counts(&batch[i])).count() as i64;
                        // The last message of the batch that moves conversations: its
                        // place in the batch (from 1), 0 for none.
                        let (shown, shown_time) = idx
                            .iter()
                            .enumerate()
                            .rev()
                            .find(|(_, &i)| {
                                batch[i].flags & liveroom_core::store::group_flags::NO_LAST_MSG
                                    == 0
                            })
                            .map(|(k, &i)| (k as i64 + 1, batch[i].time))
                            .unwrap_or((0, 0));
                        let (last, total): (i64, i64) = sqlx::query_as(threads_upsert())
                            .bind(*app)
                            .bind(*group)
                            .bind(*topic)
                            .bind(n)
                            .bind(counted)
                            .bind(shown)
                            .bind(shown_time)
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(backend)?;
                        let mut seq = last - n;
                        let mut pos = total - counted;
                        for &i in idx {
                            seq += 1;
                            if counts(&batch[i]) {
                                pos += 1;
                            }
                            numbered[i] = (seq, pos);
                        }
                    }
                    let rows: Vec<(&GroupAppend, (i64, i64))> =
                        batch.iter().zip(numbered.iter().copied()).collect();
                    for chunk in power_chunks(&rows, GROUP_MESSAGES_PER_STATEMENT) {
                        let sql = group_messages_insert(chunk.len());
                        let mut q = sqlx::query(&sql);
                        for (m, (seq, pos)) in chunk {
                            q = q
                                .bind(app_key(m.app)?)
                                .bind(m.group.as_str())
                                .bind(m.topic.as_str())
                                .bind(*seq)
                                .bind(*pos)
                                .bind(m.from.as_str())
                                .bind(m.time)
                                .bind(i64::from(m.random))
                                .bind(i64::from(m.priority.history_number()))
                                .bind(m.flags)
                                .bind(m.body.as_str())
                                .bind(m.cloud_custom_data.as_str())
                                .bind(m.at_info.as_str())
                                .bind(m.offline_push.as_str());
                        }
                        q.execute(&mut *tx).await.map_err(backend)?;
                    }
                    // Imported history moves every member's read place past it.
                    let mut imported: BTreeMap<(i64, &str), i64> = BTreeMap::new();
                    for m in batch.iter().filter(|m| m.imported && m.topic.is_empty()) {
                        if counts(m) {
                            *imported
                                .entry((app_key(m.app)?, m.group.as_str()))
                                .or_default() += 1;
                        }
                    }
                    for ((app, group), n) in imported {
                        sqlx::query(
                            "UPDATE group_members SET read_pos = read_pos + $3 \
                             WHERE app = $1 AND group_id = $2",
                        )
                        .bind(app)
                        .bind(group)
                        .bind(n)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    }
                    for (m, (seq, _)) in &rows {
                        for user in &m.mentions {
                            sqlx::query(
                                "INSERT INTO group_mentions (app, group_id, topic, user_id, seq) \
                                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                            )
                            .bind(app_key(m.app)?)
                            .bind(m.group.as_str())
                            .bind(m.topic.as_str())
                            .bind(user.as_str())
                            .bind(*seq)
                            .execute(&mut *tx)
                            .await
                            .map_err(backend)?;
                        }
                    }
                    // A sending member has read up to its own message.
                    for (m, (seq, pos)) in &rows {
                        if !m.sender_is_member {
                            continue;
                        }
                        if !m.topic.is_empty() {
                            sqlx::query(
                                "INSERT INTO group_topic_reads (app, group_id, user_id, \
                                 topic_id, read_seq, read_pos) VALUES ($1, $2, $3, $4, $5, $6) \
                                 ON CONFLICT (app, group_id, user_id, topic_id) DO UPDATE SET \
                                 read_seq = CASE WHEN group_topic_reads.read_seq > excluded.read_seq \
                                   THEN group_topic_reads.read_seq ELSE excluded.read_seq END, \
                                 read_pos = CASE WHEN group_topic_reads.read_pos > excluded.read_pos \
                                   THEN group_topic_reads.read_pos ELSE excluded.read_pos END",
                            )
                            .bind(app_key(m.app)?)
                            .bind(m.group.as_str())
                            .bind(m.from.as_str())
                            .bind(m.topic.as_str())
                            .bind(*seq)
                            .bind(*pos)
                            .execute(&mut *tx)
                            .await
                            .map_err(backend)?;
                            continue;
                        }
                        sqlx::query(
                            "UPDATE group_members SET \
                             read_seq = CASE WHEN read_seq > $4 THEN read_seq ELSE $4 END, \
                             read_pos = CASE WHEN read_pos > $5 THEN read_pos ELSE $5 END, \
                             last_send_time = $6 \
                             WHERE app = $1 AND group_id = $2 AND user_id = $3",
                        )
                        .bind(app_key(m.app)?)
                        .bind(m.group.as_str())
                        .bind(m.from.as_str())
                        .bind(*seq)
                        .bind(*pos)
                        .bind(m.time)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    }
                    tx.commit().await.map_err(backend)?;
                    numbered
                        .into_iter()
                        .map(|(seq, _)| Ok(GroupAppended { seq: from_db(seq, "seq")? }))
                        .collect()
                }

                async fn thread_state(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    topic: &str,
                ) -> StoreResult<ThreadState> {
                    let row: Option<(i64, i64)> = sqlx::query_as(
                        "SELECT last_seq, last_time FROM group_threads \
                         WHERE app = $1 AND group_id = $2 AND topic = $3",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(topic)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    let (last_seq, last_time) = row.unwrap_or((0, 0));
                    Ok(ThreadState {
                        last_seq: from_db(last_seq, "seq")?,
                        last_time,
                    })
                }

                async fn group_messages(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    topic: &str,
                    range: &GroupRange,
                ) -> StoreResult<Vec<GroupMsgRecord>> {
                    let (floor, limit) = (range.floor, range.limit);
                    let (cond, order, at) = match range.page {
                        GroupPage::After(s) => ("seq > $5", "seq ASC", s),
                        GroupPage::AtOrBefore(s) => ("seq <= $5", "seq DESC", s),
                    };
                    let recalled = if range.with_recalled {
                        ""
                    } else {
                        " AND (flags & 1) = 0"
                    };
                    let sql = format!(
                        "{GROUP_MESSAGE_SELECT} WHERE app = $1 AND group_id = $2 AND topic = $3 \
                         AND seq > $4 AND {cond}{recalled} ORDER BY {order} LIMIT {limit}"
                    );
                    sqlx::query_as::<_, GroupMessageRow>(&sql)
                        .bind(app_key(app)?)
                        .bind(group.as_str())
                        .bind(topic)
                        .bind(to_db(floor, "seq")?)
                        .bind(to_db(at.min(i64::MAX as u64), "seq")?)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(backend)?
                        .into_iter()
                        .map(GroupMessageRow::into_record)
                        .collect()
                }

                async fn group_message(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    topic: &str,
                    seq: u64,
                ) -> StoreResult<Option<GroupMsgRecord>> {
                    let sql = format!(
                        "{GROUP_MESSAGE_SELECT} WHERE app = $1 AND group_id = $2 AND topic = $3 \
                         AND seq = $4"
                    );
                    sqlx::query_as::<_, GroupMessageRow>(&sql)
                        .bind(app_key(app)?)
                        .bind(group.as_str())
                        .bind(topic)
                        .bind(to_db(seq, "seq")?)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend)?
                        .map(GroupMessageRow::into_record)
                        .transpose()
                }

                async fn recall_group(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    topic: &str,
                    seqs: &[u64],
                ) -> StoreResult<Vec<u64>> {
                    let mut sorted = seqs.to_vec();
                    sorted.sort_unstable();
                    sorted.dedup();
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let mut out = Vec::new();
                    for seq in sorted {
                        let done = sqlx::query(
                            "UPDATE group_messages SET flags = flags | 1, body = '[]', \
                             cloud_custom_data = '' WHERE app = $1 AND group_id = $2 \
                             AND topic = $3 AND seq = $4 AND (flags & 1) = 0",
                        )
                        .bind(app_key(app)?)
                        .bind(group.as_str())
                        .bind(topic)
                        .bind(to_db(seq, "seq")?)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                        if done.rows_affected() > 0 {
                            out.push(seq);
                        }
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(out)
                }

                async fn modify_group_message(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    topic: &str,
                    seq: u64,
                    body: Option<&str>,
                    cloud_custom_data: Option<&str>,
                ) -> StoreResult<Option<GroupMsgRecord>> {
                    let done = sqlx::query(
                        "UPDATE group_messages SET body = COALESCE($5, body), \
                         cloud_custom_data = COALESCE($6, cloud_custom_data), flags = flags | 2 \
                         WHERE app = $1 AND group_id = $2 AND topic = $3 AND seq = $4 \
                         AND (flags & 1) = 0",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(topic)
                    .bind(to_db(seq, "seq")?)
                    .bind(body)
                    .bind(cloud_custom_data)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    if done.rows_affected() == 0 {
                        return Ok(None);
                    }
                    self.group_message(app, group, topic, seq).await
                }

                async fn read_group(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    user: &UserId,
                    up_to: Option<u64>,
                ) -> StoreResult<Option<(u64, u64)>> {
                    let app = app_key(app)?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let member: Option<(i64, i64)> = sqlx::query_as(
                        "SELECT read_seq, read_pos FROM group_members \
                         WHERE app = $1 AND group_id = $2 AND user_id = $3",
                    )
                    .bind(app)
                    .bind(group.as_str())
                    .bind(user.as_str())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let Some((read_seq, read_pos)) = member else {
                        return Ok(None);
                    };
                    let (last_seq, counted) =
                        thread_counts(&mut tx, app, group.as_str(), "").await?;
                    let target = match up_to {
                        Some(s) => to_db(s.min(i64::MAX as u64), "seq")?.min(last_seq),
                        None => last_seq,
                    };
                    if target <= read_seq {
                        tx.commit().await.map_err(backend)?;
                        return Ok(Some((
                            from_db(read_seq, "seq")?,
                            from_db((counted - read_pos).max(0), "unread")?,
                        )));
                    }
                    let pos = if target == last_seq {
                        Some(counted)
                    } else {
                        sqlx::query_scalar::<_, i64>(
                            "SELECT pos FROM group_messages WHERE app = $1 AND group_id = $2 \
                             AND topic = '' AND seq <= $3 ORDER BY seq DESC LIMIT 1",
                        )
                        .bind(app)
                        .bind(group.as_str())
                        .bind(target)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend)?
                    };
                    let read_pos = pos.unwrap_or(read_pos).max(read_pos);
                    sqlx::query(
                        "UPDATE group_members SET read_seq = $4, read_pos = $5 \
                         WHERE app = $1 AND group_id = $2 AND user_id = $3",
                    )
                    .bind(app)
                    .bind(group.as_str())
                    .bind(user.as_str())
                    .bind(target)
                    .bind(read_pos)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    tx.commit().await.map_err(backend)?;
                    Ok(Some((
                        from_db(target, "seq")?,
                        from_db((counted - read_pos).max(0), "unread")?,
                    )))
                }

                async fn set_group_unread(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    user: &UserId,
                    unread: u64,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "UPDATE group_members SET read_pos = CASE \
                           WHEN COALESCE((SELECT t.counted FROM group_threads t \
                             WHERE t.app = $1 AND t.group_id = $2 AND t.topic = ''), 0) > $4 \
                           THEN COALESCE((SELECT t.counted FROM group_threads t \
                             WHERE t.app = $1 AND t.group_id = $2 AND t.topic = ''), 0) - $4 \
                           ELSE 0 END \
                         WHERE app = $1 AND group_id = $2 AND user_id = $3",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(user.as_str())
                    .bind(to_db(unread, "unread")?)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn create_topic(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    t: &TopicRecord,
                ) -> StoreResult<()> {
                    let done = sqlx::query(
                        "INSERT INTO group_topics (app, group_id, topic_id, name, face_url, \
                         introduction, notification, custom_string, mute_all, create_time, \
                         creator) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                         ON CONFLICT (app, group_id, topic_id) DO NOTHING",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(t.id.as_str())
                    .bind(t.name.as_str())
                    .bind(t.face_url.as_str())
                    .bind(t.introduction.as_str())
                    .bind(t.notification.as_str())
                    .bind(t.custom_string.as_str())
                    .bind(t.mute_all)
                    .bind(t.create_time)
                    .bind(t.creator.as_str())
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    if done.rows_affected() == 0 {
                        return Err(liveroom_core::store::StoreError::Conflict);
                    }
                    Ok(())
                }

                async fn topics(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    ids: Option<&[String]>,
                ) -> StoreResult<Vec<TopicRecord>> {
                    let only = match ids {
                        Some([]) => return Ok(Vec::new()),
                        Some(ids) => format!(
                            " AND t.topic_id IN ({})",
                            $crate::rows::placeholders(3, ids.len())
                        ),
                        None => String::new(),
                    };
                    let sql = format!(
                        "{TOPIC_SELECT} WHERE t.app = $1 AND t.group_id = $2{only} \
                         ORDER BY t.create_time, t.topic_id"
                    );
                    let mut q = sqlx::query_as::<_, TopicRow>(&sql)
                        .bind(app_key(app)?)
                        .bind(group.as_str());
                    for id in ids.unwrap_or_default() {
                        q = q.bind(id.as_str());
                    }
                    q.fetch_all(&self.pool)
                        .await
                        .map_err(backend)?
                        .into_iter()
                        .map(TopicRow::into_record)
                        .collect()
                }

                async fn update_topic(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    t: &TopicRecord,
                ) -> StoreResult<bool> {
                    let done = sqlx::query(
                        "UPDATE group_topics SET name = $4, face_url = $5, introduction = $6, \
                         notification = $7, custom_string = $8, mute_all = $9 \
                         WHERE app = $1 AND group_id = $2 AND topic_id = $3",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(t.id.as_str())
                    .bind(t.name.as_str())
                    .bind(t.face_url.as_str())
                    .bind(t.introduction.as_str())
                    .bind(t.notification.as_str())
                    .bind(t.custom_string.as_str())
                    .bind(t.mute_all)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn delete_topics(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    ids: &[String],
                ) -> StoreResult<Vec<String>> {
                    let app = app_key(app)?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let mut gone = Vec::new();
                    for id in ids {
                        let done = sqlx::query(
                            "DELETE FROM group_topics \
                             WHERE app = $1 AND group_id = $2 AND topic_id = $3",
                        )
                        .bind(app)
                        .bind(group.as_str())
                        .bind(id.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                        if done.rows_affected() == 0 || gone.contains(id) {
                            continue;
                        }
                        for sql in [
                            "DELETE FROM group_topic_reads \
                             WHERE app = $1 AND group_id = $2 AND topic_id = $3",
                            "DELETE FROM group_messages WHERE app = $1 AND group_id = $2 AND topic = $3",
                            "DELETE FROM group_threads WHERE app = $1 AND group_id = $2 AND topic = $3",
                            "DELETE FROM group_mentions WHERE app = $1 AND group_id = $2 AND topic = $3",
                            "DELETE FROM group_reactions WHERE app = $1 AND group_id = $2 AND topic = $3",
                            "DELETE FROM group_msg_ext WHERE app = $1 AND group_id = $2 AND topic = $3",
                            "DELETE FROM group_topic_permissions \
                             WHERE app = $1 AND group_id = $2 AND topic_id = $3",
                            "DELETE FROM group_topic_mutes \
                             WHERE app = $1 AND group_id = $2 AND topic_id = $3",
                        ] {
                            sqlx::query(sql)
                                .bind(app)
                                .bind(group.as_str())
                                .bind(id.as_str())
                                .execute(&mut *tx)
                                .await
                                .map_err(backend)?;
                        }
                        gone.push(id.clone());
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(gone)
                }

                async fn topic_sides(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    user: &UserId,
                ) -> StoreResult<Option<Vec<TopicSide>>> {
                    let app = app_key(app)?;
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    let Some(me) = one_member(&mut conn, app, group.as_str(), user.as_str()).await?
                    else {
                        return Ok(None);
                    };
                    sqlx::query_as::<_, TopicSideRow>(TOPIC_SIDES)
                        .bind(app)
                        .bind(group.as_str())
                        .bind(me.join_time)
                        .bind(user.as_str())
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(backend)?
                        .into_iter()
                        .map(TopicSideRow::into_side)
                        .collect::<StoreResult<Vec<_>>>()
                        .map(Some)
                }

                async fn read_topic(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    topic: &str,
                    user: &UserId,
                    up_to: Option<u64>,
                ) -> StoreResult<Option<(u64, u64)>> {
                    let Some(sides) = self.topic_sides(app, group, user).await? else {
                        return Ok(None);
                    };
                    let Some(side) = sides.into_iter().find(|s| s.topic == topic) else {
                        return Ok(None);
                    };
                    let app = app_key(app)?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let (last_seq, counted) = thread_counts(&mut tx, app, group.as_str(), topic).await?;
                    let read_seq = to_db(side.read_seq, "seq")?;
                    let target = match up_to {
                        Some(s) => to_db(s.min(i64::MAX as u64), "seq")?.min(last_seq),
                        None => last_seq,
                    };
                    if target <= read_seq {
                        tx.commit().await.map_err(backend)?;
                        return Ok(Some((side.read_seq, side.unread)));
                    }
                    let pos = if target == last_seq {
                        Some(counted)
                    } else {
                        sqlx::query_scalar::<_, i64>(
                            "SELECT pos FROM group_messages WHERE app = $1 AND group_id = $2 \
                             AND topic = $3 AND seq <= $4 ORDER BY seq DESC LIMIT 1",
                        )
                        .bind(app)
                        .bind(group.as_str())
                        .bind(topic)
                        .bind(target)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend)?
                    };
                    let old_pos = counted - to_db(side.unread, "unread")?;
                    let read_pos = pos.unwrap_or(old_pos).max(old_pos);
                    sqlx::query(
                        "INSERT INTO group_topic_reads (app, group_id, user_id, topic_id, \
                         read_seq, read_pos) VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (app, group_id, user_id, topic_id) DO UPDATE SET \
                         read_seq = excluded.read_seq, read_pos = excluded.read_pos",
                    )
                    .bind(app)
                    .bind(group.as_str())
                    .bind(user.as_str())
                    .bind(topic)
                    .bind(target)
                    .bind(read_pos)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    tx.commit().await.map_err(backend)?;
                    Ok(Some((
                        from_db(target, "seq")?,
                        from_db((counted - read_pos).max(0), "unread")?,
                    )))
                }

                async fn set_group_msg_ext(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    topic: &str,
                    seq: u64,
                    writes: &[ExtWrite],
                    max_keys: usize,
                ) -> StoreResult<Option<Vec<ExtOutcome>>> {
                    let app = app_key(app)?;
                    let seq = to_db(seq, "seq")?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    // Locks the message's row: concurrent writes to it take turns.
                    let flags: Option<i64> = sqlx::query_scalar(
                        "UPDATE group_messages SET flags = flags WHERE app = $1 AND group_id = $2 \
                         AND topic = $3 AND seq = $4 RETURNING flags",
                    )
                    .bind(app)
                    .bind(group.as_str())
                    .bind(topic)
                    .bind(seq)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?;
                    match flags {
                        Some(f) if f & liveroom_core::store::group_flags::EXTENSIBLE != 0 => {}
                        _ => return Ok(None),
                    }
                    let mut keys: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM group_msg_ext WHERE app = $1 AND group_id = $2 \
                         AND topic = $3 AND seq = $4",
                    )
                    .bind(app)
                    .bind(group.as_str())
                    .bind(topic)
                    .bind(seq)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let mut out = Vec::with_capacity(writes.len());
                    for w in writes {
                        let current: Option<(String, i64)> = sqlx::query_as(
                            "SELECT value, version FROM group_msg_ext WHERE app = $1 \
                             AND group_id = $2 AND topic = $3 AND seq = $4 AND key = $5",
                        )
                        .bind(app)
                        .bind(group.as_str())
                        .bind(topic)
                        .bind(seq)
                        .bind(w.key.as_str())
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(backend)?;
                        let version = current.as_ref().map_or(0, |(_, v)| *v);
                        if let Some(expected) = w.expected {
                            if to_db(expected, "version")? != version {
                                out.push(ExtOutcome::Conflict(ExtEntry {
                                    key: w.key.clone(),
                                    value: current.map(|(v, _)| v).unwrap_or_default(),
                                    version: from_db(version, "version")?,
                                }));
                                continue;
                            }
                        }
                        if current.is_none() && keys >= max_keys as i64 {
                            out.push(ExtOutcome::Full(w.key.clone()));
                            continue;
                        }
                        sqlx::query(
                            "INSERT INTO group_msg_ext (app, group_id, topic, seq, key, value, \
                             version) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                             ON CONFLICT (app, group_id, topic, seq, key) DO UPDATE SET \
                             value = excluded.value, version = excluded.version",
                        )
                        .bind(app)
                        .bind(group.as_str())
                        .bind(topic)
                        .bind(seq)
                        .bind(w.key.as_str())
                        .bind(w.value.as_str())
                        .bind(version + 1)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                        if current.is_none() {
                            keys += 1;
                        }
                        out.push(ExtOutcome::Set(ExtEntry {
                            key: w.key.clone(),
                            value: w.value.clone(),
                            version: from_db(version + 1, "version")?,
                        }));
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(Some(out))
                }

                async fn group_msg_ext(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    topic: &str,
                    seq: u64,
                ) -> StoreResult<Option<Vec<ExtEntry>>> {
                    let Some(m) = self.group_message(app, group, topic, seq).await? else {
                        return Ok(None);
                    };
                    if !m.has(liveroom_core::store::group_flags::EXTENSIBLE) {
                        return Ok(None);
                    }
                    let rows: Vec<(String, String, i64)> = sqlx::query_as(
                        "SELECT key, value, version FROM group_msg_ext WHERE app = $1 \
                         AND group_id = $2 AND topic = $3 AND seq = $4 ORDER BY key",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(topic)
                    .bind(to_db(seq, "seq")?)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    rows.into_iter()
                        .map(|(key, value, version)| {
                            Ok(ExtEntry {
                                key,
                                value,
                                version: from_db(version, "version")?,
                            })
                        })
                        .collect::<StoreResult<Vec<_>>>()
                        .map(Some)
                }

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
                ) -> StoreResult<ReactOutcome> {
                    let app = app_key(app)?;
                    let seq = to_db(seq, "seq")?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let exists: Option<i64> = sqlx::query_scalar(
                        "UPDATE group_messages SET flags = flags WHERE app = $1 AND group_id = $2 \
                         AND topic = $3 AND seq = $4 AND (flags & 1) = 0 RETURNING seq",
                    )
                    .bind(app)
                    .bind(group.as_str())
                    .bind(topic)
                    .bind(seq)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?;
                    if exists.is_none() {
                        return Ok(ReactOutcome::NoMessage);
                    }
                    let changed = if add {
                        let kinds: Vec<String> = sqlx::query_scalar(
                            "SELECT DISTINCT reaction FROM group_reactions WHERE app = $1 \
                             AND group_id = $2 AND topic = $3 AND seq = $4",
                        )
                        .bind(app)
                        .bind(group.as_str())
                        .bind(topic)
                        .bind(seq)
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(backend)?;
                        if !kinds.iter().any(|k| k == reaction) && kinds.len() >= max_kinds {
                            return Ok(ReactOutcome::TooMany);
                        }
                        sqlx::query(
                            "INSERT INTO group_reactions (app, group_id, topic, seq, reaction, \
                             user_id, time) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                             ON CONFLICT DO NOTHING",
                        )
                        .bind(app)
                        .bind(group.as_str())
                        .bind(topic)
                        .bind(seq)
                        .bind(reaction)
                        .bind(user.as_str())
                        .bind(time)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?
                        .rows_affected()
                            > 0
                    } else {
                        sqlx::query(
                            "DELETE FROM group_reactions WHERE app = $1 AND group_id = $2 \
                             AND topic = $3 AND seq = $4 AND reaction = $5 AND user_id = $6",
                        )
                        .bind(app)
                        .bind(group.as_str())
                        .bind(topic)
                        .bind(seq)
                        .bind(reaction)
                        .bind(user.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?
                        .rows_affected()
                            > 0
                    };
                    let count: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM group_reactions WHERE app = $1 AND group_id = $2 \
                         AND topic = $3 AND seq = $4 AND reaction = $5",
                    )
                    .bind(app)
                    .bind(group.as_str())
                    .bind(topic)
                    .bind(seq)
                    .bind(reaction)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
                    tx.commit().await.map_err(backend)?;
                    Ok(ReactOutcome::Done {
                        count: from_db(count, "count")?,
                        changed,
                    })
                }

                async fn group_reactions(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    topic: &str,
                    seqs: &[u64],
                    viewer: &UserId,
                    users_max: u32,
                ) -> StoreResult<Vec<(u64, Vec<ReactionSummary>)>> {
                    let app = app_key(app)?;
                    let mut out = Vec::new();
                    for &seq in seqs {
                        let rows: Vec<(String, String)> = sqlx::query_as(
                            "SELECT reaction, user_id FROM group_reactions WHERE app = $1 \
                             AND group_id = $2 AND topic = $3 AND seq = $4 \
                             ORDER BY reaction, time, user_id",
                        )
                        .bind(app)
                        .bind(group.as_str())
                        .bind(topic)
                        .bind(to_db(seq, "seq")?)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(backend)?;
                        let mut kinds: Vec<ReactionSummary> = Vec::new();
                        for (reaction, user) in rows {
                            if kinds.last().is_none_or(|k| k.reaction != reaction) {
                                kinds.push(ReactionSummary {
                                    reaction,
                                    count: 0,
                                    users: Vec::new(),
                                    mine: false,
                                });
                            }
                            if let Some(k) = kinds.last_mut() {
                                k.count += 1;
                                k.mine |= user == viewer.as_str();
                                if k.users.len() < users_max as usize {
                                    k.users.push(UserId::from_trusted(&user));
                                }
                            }
                        }
                        if !kinds.is_empty() {
                            out.push((seq, kinds));
                        }
                    }
                    Ok(out)
                }

                async fn clear_group_messages(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    topic: &str,
                    up_to: Option<u64>,
                ) -> StoreResult<u64> {
                    let app = app_key(app)?;
                    let up_to = to_db(up_to.unwrap_or(i64::MAX as u64).min(i64::MAX as u64), "seq")?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let mut gone = 0;
                    for table in [
                        "group_messages",
                        "group_mentions",
                        "group_reactions",
                        "group_msg_ext",
                    ] {
                        let done = sqlx::query(&format!(
                            "DELETE FROM {table} WHERE app = $1 AND group_id = $2 \
                             AND topic = $3 AND seq <= $4"
                        ))
                        .bind(app)
                        .bind(group.as_str())
                        .bind(topic)
                        .bind(up_to)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                        if table == "group_messages" {
                            gone = done.rows_affected();
                        }
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(gone)
                }

                async fn group_read_counts(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    seqs: &[u64],
                ) -> StoreResult<Vec<u64>> {
                    let mut out = Vec::with_capacity(seqs.len());
                    for &seq in seqs {
                        let n: i64 = sqlx::query_scalar(
                            "SELECT COUNT(*) FROM group_members m WHERE m.app = $1 \
                             AND m.group_id = $2 AND m.read_seq >= $3 \
                             AND m.user_id <> COALESCE((SELECT g.sender FROM group_messages g \
                               WHERE g.app = $1 AND g.group_id = $2 AND g.topic = '' \
                               AND g.seq = $3), '')",
                        )
                        .bind(app_key(app)?)
                        .bind(group.as_str())
                        .bind(to_db(seq, "seq")?)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(backend)?;
                        out.push(from_db(n, "count")?);
                    }
                    Ok(out)
                }

                async fn set_topic_permission(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    topic: &str,
                    user: &UserId,
                    permission: Option<u64>,
                ) -> StoreResult<()> {
                    let q = match permission {
                        Some(p) => sqlx::query(
                            "INSERT INTO group_topic_permissions (app, group_id, topic_id, \
                             user_id, permission) VALUES ($1, $2, $3, $4, $5) \
                             ON CONFLICT (app, group_id, topic_id, user_id) DO UPDATE SET \
                             permission = excluded.permission",
                        )
                        .bind(app_key(app)?)
                        .bind(group.as_str())
                        .bind(topic)
                        .bind(user.as_str())
                        .bind(to_db(p, "permission")?),
                        None => sqlx::query(
                            "DELETE FROM group_topic_permissions WHERE app = $1 \
                             AND group_id = $2 AND topic_id = $3 AND user_id = $4",
                        )
                        .bind(app_key(app)?)
                        .bind(group.as_str())
                        .bind(topic)
                        .bind(user.as_str()),
                    };
                    q.execute(&self.pool).await.map_err(backend)?;
                    Ok(())
                }

                async fn topic_permission(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    topic: &str,
                    user: &UserId,
                ) -> StoreResult<Option<u64>> {
                    let p: Option<i64> = sqlx::query_scalar(
                        "SELECT permission FROM group_topic_permissions WHERE app = $1 \
                         AND group_id = $2 AND topic_id = $3 AND user_id = $4",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(topic)
                    .bind(user.as_str())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(backend)?;
                    p.map(|p| from_db(p, "permission")).transpose()
                }

                async fn set_topic_mute(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    topic: &str,
                    user: &UserId,
                    until: Option<i64>,
                ) -> StoreResult<()> {
                    let q = match until {
                        Some(t) => sqlx::query(
                            "INSERT INTO group_topic_mutes (app, group_id, topic_id, user_id, \
                             until) VALUES ($1, $2, $3, $4, $5) \
                             ON CONFLICT (app, group_id, topic_id, user_id) DO UPDATE SET \
                             until = excluded.until",
                        )
                        .bind(app_key(app)?)
                        .bind(group.as_str())
                        .bind(topic)
                        .bind(user.as_str())
                        .bind(t),
                        None => sqlx::query(
                            "DELETE FROM group_topic_mutes WHERE app = $1 AND group_id = $2 \
                             AND topic_id = $3 AND user_id = $4",
                        )
                        .bind(app_key(app)?)
                        .bind(group.as_str())
                        .bind(topic)
                        .bind(user.as_str()),
                    };
                    q.execute(&self.pool).await.map_err(backend)?;
                    Ok(())
                }

                async fn topic_mutes(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    topic: &str,
                    now: i64,
                ) -> StoreResult<Vec<(UserId, i64)>> {
                    let rows: Vec<(String, i64)> = sqlx::query_as(
                        "SELECT user_id, until FROM group_topic_mutes WHERE app = $1 \
                         AND group_id = $2 AND topic_id = $3 AND until > $4 ORDER BY user_id",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(topic)
                    .bind(now)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(rows
                        .into_iter()
                        .map(|(u, t)| (UserId::from_trusted(&u), t))
                        .collect())
                }

                async fn group_attrs(
                    &self,
                    app: AppId,
                    group: &GroupId,
                ) -> StoreResult<Vec<(String, String)>> {
                    sqlx::query_as::<_, (String, String)>(
                        "SELECT key, value FROM group_attrs WHERE app = $1 AND group_id = $2 \
                         ORDER BY key",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .fetch_all(&self.pool)
                    .await
                    .map_err(backend)
                }

                async fn replace_group_attrs(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    attrs: &[(String, String)],
                ) -> StoreResult<()> {
                    let app = app_key(app)?;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    sqlx::query("DELETE FROM group_attrs WHERE app = $1 AND group_id = $2")
                        .bind(app)
                        .bind(group.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    for (k, v) in attrs {
                        sqlx::query(
                            "INSERT INTO group_attrs (app, group_id, key, value) \
                             VALUES ($1, $2, $3, $4)",
                        )
                        .bind(app)
                        .bind(group.as_str())
                        .bind(k.as_str())
                        .bind(v.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    }
                    tx.commit().await.map_err(backend)
                }

                async fn delete_group_messages_by(
                    &self,
                    app: AppId,
                    group: &GroupId,
                    topic: &str,
                    sender: &UserId,
                ) -> StoreResult<u64> {
                    let done = sqlx::query(
                        "DELETE FROM group_messages WHERE app = $1 AND group_id = $2 \
                         AND topic = $3 AND sender = $4",
                    )
                    .bind(app_key(app)?)
                    .bind(group.as_str())
                    .bind(topic)
                    .bind(sender.as_str())
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected())
                }

                async fn prune_group_messages(&self, app: AppId, before: i64) -> StoreResult<u64> {
                    let done = sqlx::query(
                        "DELETE FROM group_messages WHERE app = $1 AND msg_time < $2",
                    )
                    .bind(app_key(app)?)
                    .bind(before)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected())
                }
            }
        };
    };
}

pub(crate) use impl_group_chat_store;
