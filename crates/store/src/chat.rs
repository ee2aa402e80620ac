//! The one [`ChatStore`](liveroom_core::store::ChatStore) implementation, shared by both
//! backends as the [`impl_chat_store!`] macro (see `shared` for why a macro).
//!
//! A batch of messages is stored in three kinds of multi-row statements, whatever its size
//! within the limits: one upsert numbers the batch's messages of every conversation at once
//! (`c2c_threads.last_seq` grows by the count and hands back the new last number), one
//! insert per chunk of messages, one upsert moves both sides' conversations (merged per
//! side) and hands back the receivers' unread counts. Rows are written in key order, so two
//! nodes writing overlapping conversations take their row locks in the same order.

use std::collections::BTreeMap;

use liveroom_core::chat::{flags, C2cRecord, ConversationRecord, Pair};
use liveroom_core::ids::UserId;
use liveroom_core::store::{C2cAppend, StoreResult};

use crate::rows::{from_db, placeholders, to_db};

/// Conversations numbered per statement (4 parameters each). Statements stay under ~200
/// parameters: SQLite's driver looks each parameter up by name, at a cost that grows with
/// the statement's parameter count (a 768-parameter statement spent more time binding than
/// running).
pub(crate) const THREADS_PER_STATEMENT: usize = 32;
/// Messages inserted per statement (12 parameters each).
pub(crate) const MESSAGES_PER_STATEMENT: usize = 16;
/// Conversation sides moved per statement (6 parameters each).
pub(crate) const SIDES_PER_STATEMENT: usize = 32;

pub(crate) const MESSAGE_COLUMNS: &str = "seq, sender, msg_time, client_seq, random, flags, \
     body, cloud_custom_data, offline_push";

/// The message columns as read back, with the sender's nick and avatar now, from
/// `c2c_messages`.
pub(crate) const MESSAGE_SELECT: &str = "SELECT seq, sender, msg_time, client_seq, random, \
     flags, body, cloud_custom_data, offline_push, \
     COALESCE((SELECT u.nick FROM users u WHERE u.app = c2c_messages.app \
       AND u.user_id = c2c_messages.sender), '') AS nick, \
     COALESCE((SELECT u.face_url FROM users u WHERE u.app = c2c_messages.app \
       AND u.user_id = c2c_messages.sender), '') AS face_url \
     FROM c2c_messages";

pub(crate) fn threads_upsert(rows: usize) -> String {
    let values = (0..rows)
        .map(|r| format!("({})", placeholders(r * 4 + 1, 4)))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO c2c_threads (app, user_lo, user_hi, last_seq) VALUES {values} \
         ON CONFLICT (app, user_lo, user_hi) DO UPDATE \
         SET last_seq = c2c_threads.last_seq + excluded.last_seq \
         RETURNING app, user_lo, user_hi, last_seq"
    )
}

pub(crate) fn messages_insert(rows: usize) -> String {
    let values = (0..rows)
        .map(|r| format!("({})", placeholders(r * 12 + 1, 12)))
        .collect::<Vec<_>>()
        .join(", ");
    format!("INSERT INTO c2c_messages (app, user_lo, user_hi, {MESSAGE_COLUMNS}) VALUES {values}")
}

pub(crate) fn sides_upsert(rows: usize) -> String {
    let values = (0..rows)
        .map(|r| format!("({})", placeholders(r * 6 + 1, 6)))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO c2c_conversations (app, owner, peer, last_seq, last_time, unread) \
         VALUES {values} ON CONFLICT (app, owner, peer) DO UPDATE SET \
         last_time = CASE WHEN excluded.last_seq > c2c_conversations.last_seq \
           THEN excluded.last_time ELSE c2c_conversations.last_time END, \
         last_seq = CASE WHEN excluded.last_seq > c2c_conversations.last_seq \
           THEN excluded.last_seq ELSE c2c_conversations.last_seq END, \
         unread = c2c_conversations.unread + excluded.unread, hidden = 0 \
         RETURNING app, owner, peer, unread"
    )
}

/// `rows` in chunks of power-of-two sizes up to `max` (see `shared::statement_sizes`).
pub(crate) fn power_chunks<T>(rows: &[T], max: usize) -> Vec<&[T]> {
    let mut out = Vec::new();
    let mut rest = rows;
    for size in crate::shared::statement_sizes(rows.len(), max) {
        let (chunk, later) = rest.split_at(size);
        out.push(chunk);
        rest = later;
    }
    out
}

/// A conversation's messages in a batch, by `(app, lo, hi)`: how many.
pub(crate) type ThreadCounts = BTreeMap<(i64, UserId, UserId), u64>;

pub(crate) fn thread_counts(batch: &[C2cAppend]) -> StoreResult<ThreadCounts> {
    let mut counts = ThreadCounts::new();
    for m in batch {
        let pair = Pair::of(&m.from, &m.to);
        *counts
            .entry((to_db(m.app.0, "app id")?, pair.lo, pair.hi))
            .or_default() += 1;
    }
    Ok(counts)
}

/// One side's change from a batch: its newest message (0: none that moves it), that
/// message's time, and the unread messages it gains.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct SideMove {
    pub last_seq: i64,
    pub last_time: i64,
    pub unread: i64,
}

/// The sides a batch moves, by `(app, owner, peer)`, given each message's number.
pub(crate) fn side_moves(
    batch: &[C2cAppend],
    seqs: &[u64],
) -> StoreResult<BTreeMap<(i64, UserId, UserId), SideMove>> {
    let mut sides: BTreeMap<(i64, UserId, UserId), SideMove> = BTreeMap::new();
    for (m, &seq) in batch.iter().zip(seqs) {
        let app = to_db(m.app.0, "app id")?;
        let seq = to_db(seq, "seq")?;
        let mut touch = |owner: &UserId, peer: &UserId, unread: bool| {
            let side = sides.entry((app, owner.clone(), peer.clone())).or_default();
            if m.update_last && seq > side.last_seq {
                side.last_seq = seq;
                side.last_time = m.time;
            }
            side.unread += i64::from(unread);
        };
        let to_self = m.from == m.to;
        touch(&m.to, &m.from, !to_self && m.flags & flags::NO_UNREAD == 0);
        if !to_self && m.flags & flags::HIDDEN_FROM_SENDER == 0 {
            touch(&m.from, &m.to, false);
        }
    }
    Ok(sides)
}

/// A stored message as read back (with its pair's ids, to tell the receiver).
#[derive(sqlx::FromRow)]
pub(crate) struct MessageRow {
    pub seq: i64,
    pub sender: String,
    pub msg_time: i64,
    pub client_seq: i64,
    pub random: i64,
    pub flags: i64,
    pub body: String,
    pub cloud_custom_data: String,
    pub offline_push: String,
    #[sqlx(default)]
    pub nick: String,
    #[sqlx(default)]
    pub face_url: String,
}

impl MessageRow {
    pub(crate) fn into_record(self, pair: &Pair) -> StoreResult<C2cRecord> {
        let from = UserId::from_trusted(&self.sender);
        let to = if from == pair.lo {
            pair.hi.clone()
        } else {
            pair.lo.clone()
        };
        Ok(C2cRecord {
            seq: from_db(self.seq, "seq")?,
            from,
            to,
            time: self.msg_time,
            client_seq: from_db(self.client_seq, "client seq")?,
            random: from_db(self.random, "random")?,
            flags: self.flags,
            body: self.body,
            cloud_custom_data: self.cloud_custom_data,
            offline_push: self.offline_push,
            nick: self.nick,
            avatar: self.face_url,
        })
    }
}

/// The columns of a conversation side as [`ConversationRow`] reads them (`c` the side,
/// `p` the peer's side, `m` its last message).
pub(crate) const CONVERSATION_SELECT: &str = "SELECT c.owner, c.peer, c.last_seq, c.last_time, \
     c.unread, c.read_seq, c.cleared_seq, c.pinned, c.marks, \
     COALESCE(p.read_seq, 0) AS peer_read_seq, \
     m.seq AS m_seq, m.sender AS m_sender, m.msg_time AS m_time, m.client_seq AS m_client_seq, \
     m.random AS m_random, m.flags AS m_flags, m.body AS m_body, \
     m.cloud_custom_data AS m_ccd, m.offline_push AS m_push, \
     COALESCE(u.nick, '') AS m_nick, COALESCE(u.face_url, '') AS m_face \
     FROM c2c_conversations c \
     LEFT JOIN c2c_conversations p ON p.app = c.app AND p.owner = c.peer AND p.peer = c.owner \
     LEFT JOIN c2c_messages m ON m.app = c.app \
       AND m.user_lo = CASE WHEN c.owner <= c.peer THEN c.owner ELSE c.peer END \
       AND m.user_hi = CASE WHEN c.owner <= c.peer THEN c.peer ELSE c.owner END \
       AND m.seq = c.last_seq AND c.last_seq > c.cleared_seq \
     LEFT JOIN users u ON u.app = m.app AND u.user_id = m.sender";

#[derive(sqlx::FromRow)]
pub(crate) struct ConversationRow {
    pub owner: String,
    pub peer: String,
    pub last_seq: i64,
    pub last_time: i64,
    pub unread: i64,
    pub read_seq: i64,
    pub cleared_seq: i64,
    pub pinned: i64,
    pub marks: i64,
    pub peer_read_seq: i64,
    pub m_seq: Option<i64>,
    pub m_sender: Option<String>,
    pub m_time: Option<i64>,
    pub m_client_seq: Option<i64>,
    pub m_random: Option<i64>,
    pub m_flags: Option<i64>,
    pub m_body: Option<String>,
    pub m_ccd: Option<String>,
    pub m_push: Option<String>,
    pub m_nick: Option<String>,
    pub m_face: Option<String>,
    /// The owner's unread total (list reads only).
    #[sqlx(default)]
    pub total_unread: Option<i64>,
}

impl ConversationRow {
    pub(crate) fn into_record(self) -> StoreResult<ConversationRecord> {
        let owner = UserId::from_trusted(&self.owner);
        let peer = UserId::from_trusted(&self.peer);
        let last = match (self.m_seq, self.m_sender) {
            (Some(seq), Some(sender)) => Some(
                MessageRow {
                    seq,
                    sender,
                    msg_time: self.m_time.unwrap_or_default(),
                    client_seq: self.m_client_seq.unwrap_or_default(),
                    random: self.m_random.unwrap_or_default(),
                    flags: self.m_flags.unwrap_or_default(),
                    body: self.m_body.unwrap_or_default(),
                    cloud_custom_data: self.m_ccd.unwrap_or_default(),
                    offline_push: self.m_push.unwrap_or_default(),
                    nick: self.m_nick.unwrap_or_default(),
                    face_url: self.m_face.unwrap_or_default(),
                }
                .into_record(&Pair::of(&owner, &peer))?,
            ),
            _ => None,
        };
        Ok(ConversationRecord {
            owner,
            peer,
            last_seq: from_db(self.last_seq, "seq")?,
            last_time: self.last_time,
            unread: from_db(self.unread.max(0), "unread")?,
            read_seq: from_db(self.read_seq, "seq")?,
            peer_read_seq: from_db(self.peer_read_seq, "seq")?,
            cleared_seq: from_db(self.cleared_seq, "seq")?,
            pinned: self.pinned != 0,
            marks: from_db(self.marks, "marks")?,
            last,
        })
    }
}

/// Implements `ChatStore` for `$store` (a `pool` field, and `chat_turn()`: the writer's
/// turn where the backend takes one writer at a time).
macro_rules! impl_chat_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use std::collections::HashMap;

            use async_trait::async_trait;
            use liveroom_core::chat::{flags, C2cRecord, ConversationRecord, Pair};
            use liveroom_core::ids::{AppId, UserId};
            use liveroom_core::store::{
                C2cAppend, C2cAppended, C2cPage, ChatStore, ConversationCursor, StoreResult,
            };

            use $crate::chat::{
                messages_insert, power_chunks, side_moves, sides_upsert, thread_counts,
                threads_upsert,
                ConversationRow, MessageRow, CONVERSATION_SELECT, MESSAGES_PER_STATEMENT,
                MESSAGE_SELECT, SIDES_PER_STATEMENT, THREADS_PER_STATEMENT,
            };
            use $crate::rows::{app_key, backend, from_db, to_db};

            type Conn = <$db as sqlx::Database>::Connection;

            /// A conversation's pair as bind values.
            fn pair_of(a: &UserId, b: &UserId) -> Pair {
                Pair::of(a, b)
            }

            async fn one_message(
                conn: &mut Conn,
                app: i64,
                pair: &Pair,
                seq: i64,
            ) -> StoreResult<Option<C2cRecord>> {
                let sql = format!(
                    "{MESSAGE_SELECT} \
                     WHERE app = $1 AND user_lo = $2 AND user_hi = $3 AND seq = $4"
                );
                sqlx::query_as::<_, MessageRow>(&sql)
                    .bind(app)
                    .bind(pair.lo.as_str())
                    .bind(pair.hi.as_str())
                    .bind(seq)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?
                    .map(|r| r.into_record(pair))
                    .transpose()
            }

            async fn one_side(
                conn: &mut Conn,
                app: i64,
                owner: &UserId,
                peer: &UserId,
            ) -> StoreResult<Option<ConversationRecord>> {
                let sql = format!(
                    "{CONVERSATION_SELECT} WHERE c.app = $1 AND c.owner = $2 AND c.peer = $3"
                );
                sqlx::query_as::<_, ConversationRow>(&sql)
                    .bind(app)
                    .bind(owner.as_str())
                    .bind(peer.as_str())
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(backend)?
                    .map(ConversationRow::into_record)
                    .transpose()
            }

            #[async_trait]
            impl ChatStore for $store {
                async fn append_c2c(&self, batch: &[C2cAppend]) -> StoreResult<Vec<C2cAppended>> {
                    if batch.is_empty() {
                        return Ok(Vec::new());
                    }
                    let counts = thread_counts(batch)?;
                    let _turn = self.chat_turn().await;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    // The last number of each conversation after this batch (keyed by the
                    // pair's ids: clones of shared strings, not copies).
                    let mut last: HashMap<(i64, UserId, UserId), i64> = HashMap::new();
                    // Statements of a few power-of-two sizes, so a handful of prepared
                    // statements serve every batch (see `shared::statement_sizes`).
                    let threads: Vec<_> = counts.iter().collect();
                    for chunk in power_chunks(&threads, THREADS_PER_STATEMENT) {
                        let sql = threads_upsert(chunk.len());
                        let mut q = sqlx::query_as::<_, (i64, String, String, i64)>(&sql);
                        for ((app, lo, hi), n) in chunk {
                            q = q
                                .bind(*app)
                                .bind(lo.as_str())
                                .bind(hi.as_str())
                                .bind(to_db(**n, "count")?);
                        }
                        for (app, lo, hi, seq) in q.fetch_all(&mut *tx).await.map_err(backend)? {
                            last.insert(
                                (app, UserId::from_trusted(&lo), UserId::from_trusted(&hi)),
                                seq,
                            );
                        }
                    }
                    // Each message's number: its conversation's first new one, in order.
                    let mut next: HashMap<(i64, UserId, UserId), i64> = HashMap::new();
                    for (key, n) in &counts {
                        let end = *last.get(key).ok_or_else(|| {
                            backend("a conversation's number was not returned")
                        })?;
                        next.insert(key.clone(), end - to_db(*n, "count")? + 1);
                    }
                    let pairs: Vec<Pair> = batch.iter().map(|m| Pair::of(&m.from, &m.to)).collect();
                    let mut seqs = Vec::with_capacity(batch.len());
                    for (m, pair) in batch.iter().zip(&pairs) {
                        let key = (app_key(m.app)?, pair.lo.clone(), pair.hi.clone());
                        let n = next
                            .get_mut(&key)
                            .ok_or_else(|| backend("a conversation was not numbered"))?;
                        seqs.push(from_db::<u64>(*n, "seq")?);
                        *n += 1;
                    }
                    let numbered: Vec<_> = batch
                        .iter()
                        .zip(&pairs)
                        .zip(seqs.iter().copied())
                        .collect();
                    for chunk in power_chunks(&numbered, MESSAGES_PER_STATEMENT) {
                        let sql = messages_insert(chunk.len());
                        let mut q = sqlx::query(&sql);
                        for &((m, pair), seq) in chunk {
                            q = q
                                .bind(app_key(m.app)?)
                                .bind(pair.lo.as_str())
                                .bind(pair.hi.as_str())
                                .bind(to_db(seq, "seq")?)
                                .bind(m.from.as_str())
                                .bind(m.time)
                                .bind(to_db(m.client_seq, "MsgSeq")?)
                                .bind(i64::from(m.random))
                                .bind(m.flags)
                                .bind(m.body.as_str())
                                .bind(m.cloud_custom_data.as_str())
                                .bind(m.offline_push.as_str());
                        }
                        q.execute(&mut *tx).await.map_err(backend)?;
                    }
                    let sides: Vec<_> = side_moves(batch, &seqs)?.into_iter().collect();
                    let mut unread: HashMap<(i64, UserId, UserId), i64> = HashMap::new();
                    for chunk in power_chunks(&sides, SIDES_PER_STATEMENT) {
                        let sql = sides_upsert(chunk.len());
                        let mut q = sqlx::query_as::<_, (i64, String, String, i64)>(&sql);
                        for ((app, owner, peer), side) in chunk {
                            q = q
                                .bind(*app)
                                .bind(owner.as_str())
                                .bind(peer.as_str())
                                .bind(side.last_seq)
                                .bind(side.last_time)
                                .bind(side.unread);
                        }
                        for (app, owner, peer, n) in q.fetch_all(&mut *tx).await.map_err(backend)? {
                            unread.insert(
                                (app, UserId::from_trusted(&owner), UserId::from_trusted(&peer)),
                                n,
                            );
                        }
                    }
                    tx.commit().await.map_err(backend)?;
                    // Each message's receiver count as it was right after that message: the
                    // final count less the counted messages after it in the batch.
                    let mut out = vec![
                        C2cAppended {
                            seq: 0,
                            receiver_unread: 0
                        };
                        batch.len()
                    ];
                    let mut later: HashMap<(i64, UserId, UserId), i64> = HashMap::new();
                    for (i, m) in batch.iter().enumerate().rev() {
                        let key = (app_key(m.app)?, m.to.clone(), m.from.clone());
                        let after = later.entry(key.clone()).or_default();
                        let total = unread.get(&key).copied().unwrap_or_default();
                        out[i] = C2cAppended {
                            seq: seqs[i],
                            receiver_unread: u64::try_from(total - *after).unwrap_or_default(),
                        };
                        if m.from != m.to && m.flags & flags::NO_UNREAD == 0 {
                            *after += 1;
                        }
                    }
                    Ok(out)
                }

                async fn c2c_messages(
                    &self,
                    app: AppId,
                    owner: &UserId,
                    peer: &UserId,
                    page: C2cPage,
                    limit: u32,
                ) -> StoreResult<Vec<C2cRecord>> {
                    let pair = pair_of(owner, peer);
                    let (cond, order) = match page {
                        C2cPage::After(_) => ("seq > $6", "seq ASC"),
                        C2cPage::Before(_) => ("seq < $6", "seq DESC"),
                        C2cPage::Time { before: None, .. } => {
                            ("msg_time >= $6 AND msg_time <= $7", "msg_time DESC, seq DESC")
                        }
                        C2cPage::Time { before: Some(_), .. } => (
                            "msg_time >= $6 AND msg_time <= $7 \
                             AND (msg_time < $8 OR (msg_time = $8 AND seq < $9))",
                            "msg_time DESC, seq DESC",
                        ),
                    };
                    let sql = format!(
                        "{MESSAGE_SELECT} \
                         WHERE app = $1 AND user_lo = $2 AND user_hi = $3 \
                         AND seq > COALESCE((SELECT cleared_seq FROM c2c_conversations \
                           WHERE app = $1 AND owner = $4 AND peer = $5), 0) \
                         AND NOT ((flags & 2) <> 0 AND sender = $4) \
                         AND {cond} ORDER BY {order} LIMIT {limit}"
                    );
                    let q = sqlx::query_as::<_, MessageRow>(&sql)
                        .bind(app_key(app)?)
                        .bind(pair.lo.as_str())
                        .bind(pair.hi.as_str())
                        .bind(owner.as_str())
                        .bind(peer.as_str());
                    let q = match page {
                        C2cPage::After(s) => q.bind(to_db(s, "seq")?),
                        C2cPage::Before(s) => q.bind(to_db(s.min(i64::MAX as u64), "seq")?),
                        C2cPage::Time { min, max, before } => {
                            let q = q.bind(min).bind(max);
                            match before {
                                None => q,
                                Some((t, s)) => q.bind(t).bind(to_db(s, "seq")?),
                            }
                        }
                    };
                    q.fetch_all(&self.pool)
                        .await
                        .map_err(backend)?
                        .into_iter()
                        .map(|r| r.into_record(&pair))
                        .collect()
                }

                async fn c2c_message(
                    &self,
                    app: AppId,
                    a: &UserId,
                    b: &UserId,
                    seq: u64,
                ) -> StoreResult<Option<C2cRecord>> {
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    one_message(&mut *conn, app_key(app)?, &pair_of(a, b), to_db(seq, "seq")?)
                        .await
                }

                async fn find_c2c(
                    &self,
                    app: AppId,
                    a: &UserId,
                    b: &UserId,
                    client_seq: u64,
                    random: u32,
                    time: i64,
                ) -> StoreResult<Option<C2cRecord>> {
                    let pair = pair_of(a, b);
                    let sql = format!(
                        "{MESSAGE_SELECT} \
                         WHERE app = $1 AND user_lo = $2 AND user_hi = $3 AND msg_time = $4 \
                         AND client_seq = $5 AND random = $6 LIMIT 1"
                    );
                    sqlx::query_as::<_, MessageRow>(&sql)
                        .bind(app_key(app)?)
                        .bind(pair.lo.as_str())
                        .bind(pair.hi.as_str())
                        .bind(time)
                        .bind(to_db(client_seq, "MsgSeq")?)
                        .bind(i64::from(random))
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(backend)?
                        .map(|r| r.into_record(&pair))
                        .transpose()
                }

                async fn recall_c2c(
                    &self,
                    app: AppId,
                    a: &UserId,
                    b: &UserId,
                    seq: u64,
                ) -> StoreResult<Option<C2cRecord>> {
                    let (app, pair, seq) = (app_key(app)?, pair_of(a, b), to_db(seq, "seq")?);
                    let _turn = self.chat_turn().await;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let Some(before) = one_message(&mut *tx, app, &pair, seq).await? else {
                        return Ok(None);
                    };
                    if before.has(flags::RECALLED) {
                        return Ok(Some(before));
                    }
                    sqlx::query(
                        "UPDATE c2c_messages SET flags = flags | 1, body = '[]', \
                         cloud_custom_data = '' \
                         WHERE app = $1 AND user_lo = $2 AND user_hi = $3 AND seq = $4",
                    )
                    .bind(app)
                    .bind(pair.lo.as_str())
                    .bind(pair.hi.as_str())
                    .bind(seq)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    if before.from != before.to && !before.has(flags::NO_UNREAD) {
                        sqlx::query(
                            "UPDATE c2c_conversations SET unread = unread - 1 \
                             WHERE app = $1 AND owner = $2 AND peer = $3 AND read_seq < $4 \
                             AND cleared_seq < $4 AND unread > 0",
                        )
                        .bind(app)
                        .bind(before.to.as_str())
                        .bind(before.from.as_str())
                        .bind(seq)
                        .execute(&mut *tx)
                        .await
                        .map_err(backend)?;
                    }
                    tx.commit().await.map_err(backend)?;
                    Ok(Some(before))
                }

                async fn modify_c2c(
                    &self,
                    app: AppId,
                    a: &UserId,
                    b: &UserId,
                    seq: u64,
                    body: Option<&str>,
                    cloud_custom_data: Option<&str>,
                ) -> StoreResult<Option<C2cRecord>> {
                    let (app, pair, seq) = (app_key(app)?, pair_of(a, b), to_db(seq, "seq")?);
                    let _turn = self.chat_turn().await;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    sqlx::query(
                        "UPDATE c2c_messages SET flags = flags | 16, \
                         body = COALESCE($5, body), \
                         cloud_custom_data = COALESCE($6, cloud_custom_data) \
                         WHERE app = $1 AND user_lo = $2 AND user_hi = $3 AND seq = $4 \
                         AND (flags & 1) = 0",
                    )
                    .bind(app)
                    .bind(pair.lo.as_str())
                    .bind(pair.hi.as_str())
                    .bind(seq)
                    .bind(body)
                    .bind(cloud_custom_data)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let after = one_message(&mut *tx, app, &pair, seq).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(after)
                }

                async fn read_c2c(
                    &self,
                    app: AppId,
                    owner: &UserId,
                    peer: &UserId,
                    up_to: Option<u64>,
                ) -> StoreResult<Option<ConversationRecord>> {
                    let (app, pair) = (app_key(app)?, pair_of(owner, peer));
                    let _turn = self.chat_turn().await;
                    let mut tx = self.pool.begin().await.map_err(backend)?;
                    let Some(side) = one_side(&mut *tx, app, owner, peer).await? else {
                        return Ok(None);
                    };
                    let newest: i64 = sqlx::query_scalar(
                        "SELECT last_seq FROM c2c_threads \
                         WHERE app = $1 AND user_lo = $2 AND user_hi = $3",
                    )
                    .bind(app)
                    .bind(pair.lo.as_str())
                    .bind(pair.hi.as_str())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(backend)?
                    .unwrap_or_default();
                    let target = match up_to {
                        Some(s) => to_db(s, "seq")?.min(newest),
                        None => newest,
                    };
                    if target <= to_db(side.read_seq, "seq")? {
                        return Ok(Some(side));
                    }
                    let unread: i64 = if target >= newest {
                        0
                    } else {
                        sqlx::query_scalar(
                            "SELECT COUNT(*) FROM c2c_messages WHERE app = $1 \
                             AND user_lo = $2 AND user_hi = $3 AND seq > $4 AND seq > $5 \
                             AND sender = $6 AND (flags & 5) = 0",
                        )
                        .bind(app)
                        .bind(pair.lo.as_str())
                        .bind(pair.hi.as_str())
                        .bind(target)
                        .bind(to_db(side.cleared_seq, "seq")?)
                        .bind(peer.as_str())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(backend)?
                    };
                    sqlx::query(
                        "UPDATE c2c_conversations SET read_seq = $4, unread = $5 \
                         WHERE app = $1 AND owner = $2 AND peer = $3",
                    )
                    .bind(app)
                    .bind(owner.as_str())
                    .bind(peer.as_str())
                    .bind(target)
                    .bind(unread)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
                    let after = one_side(&mut *tx, app, owner, peer).await?;
                    tx.commit().await.map_err(backend)?;
                    Ok(after)
                }

                async fn conversations_with(
                    &self,
                    app: AppId,
                    owner: &UserId,
                    peers: &[UserId],
                ) -> StoreResult<Vec<ConversationRecord>> {
                    let app = app_key(app)?;
                    let mut conn = self.pool.acquire().await.map_err(backend)?;
                    let mut out = Vec::new();
                    for peer in peers {
                        out.extend(one_side(&mut *conn, app, owner, peer).await?);
                    }
                    Ok(out)
                }

                async fn conversations(
                    &self,
                    app: AppId,
                    owner: &UserId,
                    cursor: Option<&ConversationCursor>,
                    limit: u32,
                ) -> StoreResult<(Vec<ConversationRecord>, u64)> {
                    let after = match cursor {
                        None => "",
                        Some(_) => {
                            " AND (c.pinned < $3 OR (c.pinned = $3 AND (c.last_time < $4 \
                             OR (c.last_time = $4 AND c.peer > $5))))"
                        }
                    };
                    let select = CONVERSATION_SELECT.replacen(
                        "SELECT ",
                        "SELECT (SELECT CAST(COALESCE(SUM(t.unread), 0) AS BIGINT) \
                         FROM c2c_conversations t WHERE t.app = $1 AND t.owner = $2) \
                         AS total_unread, ",
                        1,
                    );
                    let sql = format!(
                        "{select} WHERE c.app = $1 AND c.owner = $2 \
                         AND c.hidden = 0{after} \
                         ORDER BY c.pinned DESC, c.last_time DESC, c.peer ASC LIMIT {limit}"
                    );
                    let q = sqlx::query_as::<_, ConversationRow>(&sql)
                        .bind(app_key(app)?)
                        .bind(owner.as_str());
                    let q = match cursor {
                        None => q,
                        Some(c) => q
                            .bind(i64::from(c.pinned))
                            .bind(c.last_time)
                            .bind(c.peer.as_str()),
                    };
                    let rows = q.fetch_all(&self.pool).await.map_err(backend)?;
                    let total = match rows.first() {
                        Some(r) => from_db(r.total_unread.unwrap_or_default().max(0), "unread")?,
                        None => self.total_unread(app, owner).await?,
                    };
                    let list = rows
                        .into_iter()
                        .map(ConversationRow::into_record)
                        .collect::<StoreResult<Vec<_>>>()?;
                    Ok((list, total))
                }

                async fn total_unread(&self, app: AppId, owner: &UserId) -> StoreResult<u64> {
                    let n: Option<i64> = sqlx::query_scalar(
                        "SELECT CAST(SUM(unread) AS BIGINT) FROM c2c_conversations \
                         WHERE app = $1 AND owner = $2 AND unread > 0",
                    )
                    .bind(app_key(app)?)
                    .bind(owner.as_str())
                    .fetch_one(&self.pool)
                    .await
                    .map_err(backend)?;
                    from_db(n.unwrap_or_default(), "unread")
                }

                async fn delete_conversation(
                    &self,
                    app: AppId,
                    owner: &UserId,
                    peer: &UserId,
                    clear: bool,
                ) -> StoreResult<bool> {
                    let pair = pair_of(owner, peer);
                    let _turn = self.chat_turn().await;
                    let q = if clear {
                        sqlx::query(
                            "UPDATE c2c_conversations SET hidden = 1, unread = 0, \
                             cleared_seq = COALESCE((SELECT t.last_seq FROM c2c_threads t \
                               WHERE t.app = $1 AND t.user_lo = $4 AND t.user_hi = $5), \
                               last_seq), \
                             read_seq = COALESCE((SELECT t.last_seq FROM c2c_threads t \
                               WHERE t.app = $1 AND t.user_lo = $4 AND t.user_hi = $5), \
                               last_seq) \
                             WHERE app = $1 AND owner = $2 AND peer = $3",
                        )
                    } else {
                        sqlx::query(
                            "UPDATE c2c_conversations SET hidden = 1, unread = 0, \
                             read_seq = COALESCE((SELECT t.last_seq FROM c2c_threads t \
                               WHERE t.app = $1 AND t.user_lo = $4 AND t.user_hi = $5), \
                               last_seq) \
                             WHERE app = $1 AND owner = $2 AND peer = $3",
                        )
                    };
                    let q = q
                        .bind(app_key(app)?)
                        .bind(owner.as_str())
                        .bind(peer.as_str());
                    let q = q.bind(pair.lo.as_str()).bind(pair.hi.as_str());
                    let done = q.execute(&self.pool).await.map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn set_conversation_flags(
                    &self,
                    app: AppId,
                    owner: &UserId,
                    peer: &UserId,
                    pinned: Option<bool>,
                    marks: Option<u64>,
                ) -> StoreResult<bool> {
                    let _turn = self.chat_turn().await;
                    let done = sqlx::query(
                        "UPDATE c2c_conversations SET pinned = COALESCE($4, pinned), \
                         marks = COALESCE($5, marks) \
                         WHERE app = $1 AND owner = $2 AND peer = $3",
                    )
                    .bind(app_key(app)?)
                    .bind(owner.as_str())
                    .bind(peer.as_str())
                    .bind(pinned.map(i64::from))
                    .bind(marks.map(|m| to_db(m, "marks")).transpose()?)
                    .execute(&self.pool)
                    .await
                    .map_err(backend)?;
                    Ok(done.rows_affected() > 0)
                }

                async fn prune_c2c(&self, app: AppId, before: i64) -> StoreResult<u64> {
                    let _turn = self.chat_turn().await;
                    let done = sqlx::query(
                        "DELETE FROM c2c_messages WHERE app = $1 AND msg_time < $2",
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

pub(crate) use impl_chat_store;
