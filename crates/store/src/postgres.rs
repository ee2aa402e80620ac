//! The PostgreSQL backend: a pool on one database, optionally confined to one schema.

use std::sync::Arc;
use std::time::Duration;

use liveroom_core::store::{Store, StoreError, StoreResult};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, Executor};

use std::collections::BTreeMap;

use liveroom_core::stats::Counts;
use liveroom_core::store::StatsBatch;

use crate::rows::{backend, clamp_db, counts_to_db, HistoryParams};
use crate::shared::stats_upserts;

const MAX_CONNECTIONS: u32 = 10;
/// Connections of the history writer's pool (one per writer of the recorder, at most).
const WRITER_CONNECTIONS: u32 = 4;
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest a statement waits for a lock before it fails.
const LOCK_TIMEOUT: &str = "5s";
/// Longest a statement runs.
const STATEMENT_TIMEOUT: &str = "15s";
/// PostgreSQL truncates identifiers longer than this.
const SCHEMA_NAME_MAX: usize = 63;

/// A [`Store`](liveroom_core::store::Store) in a PostgreSQL database.
pub struct PgStore {
    pool: PgPool,
    /// What every pooled connection is opened with (for the history writer's own pool).
    options: PgConnectOptions,
}

impl PgStore {
    /// Connects to `url` (`postgres://...`) and brings the schema in the connection's
    /// default `search_path` (normally `public`) up to date.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = parse_url(url)?;
        let store = Self::with_options(options).await?;
        tracing::info!("connected PostgreSQL store");
        Ok(store)
    }

    /// As [`PgStore::connect`], but keeps every table in `schema` (created if missing),
    /// which becomes the `search_path` of every pooled connection. Several stores can share
    /// one database this way. `schema` must be 1 to 63 characters of `[a-z0-9_]`, not
    /// starting with a digit.
    pub async fn connect_with_schema(url: &str, schema: &str) -> Result<Self, StoreError> {
        validate_schema_name(schema)?;
        let options = parse_url(url)?;
        let mut conn = options.connect().await.map_err(backend)?;
        conn.execute(format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\"").as_str())
            .await
            .map_err(backend)?;
        conn.close().await.map_err(backend)?;
        let store = Self::with_options(options.options([("search_path", schema)])).await?;
        tracing::info!(schema, "connected PostgreSQL store");
        Ok(store)
    }

    async fn with_options(options: PgConnectOptions) -> Result<Self, StoreError> {
        // Every statement has bounded time: a lock held elsewhere (a long migration, a
        // manual `LOCK TABLE`) fails the waiting call with a coded error instead of holding
        // acknowledgements and logins for as long as it lasts.
        let options = options.options([
            ("lock_timeout", LOCK_TIMEOUT),
            ("statement_timeout", STATEMENT_TIMEOUT),
            ("idle_in_transaction_session_timeout", STATEMENT_TIMEOUT),
        ]);
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await
            .map_err(backend)?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(backend)?;
        Ok(Self { pool, options })
    }

    /// Closes every pooled connection (waiting for those in use).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Adds a statistics batch in one transaction of three statements (one a table, the
    /// rows as arrays), whatever its size: each node of a cluster flushes every room it
    /// serves, and row by row the nodes' transactions held their rows' locks (and pooled
    /// connections) through thousands of round trips while waiting on each other's. Rows
    /// are merged by key first (an upsert may touch a row once) and written in key order,
    /// so concurrent flushes lock rows in one order.
    pub(crate) async fn write_stats(&self, app: i64, batch: &StatsBatch) -> StoreResult<()> {
        let [user_sql, room_sql, room_user_sql] = &*STATS_UPSERTS;
        let mut users: BTreeMap<&str, Counts> = BTreeMap::new();
        for (user, counts) in &batch.users {
            users.entry(user.as_str()).or_default().add(counts);
        }
        let mut rooms: BTreeMap<(&str, u32), RoomRow> = BTreeMap::new();
        for r in &batch.rooms {
            let row = rooms
                .entry((r.group.as_str(), r.session))
                .or_insert_with(|| RoomRow::at(r.at));
            row.counts.add(&r.counts);
            row.joins = row.joins.saturating_add(r.joins);
            row.guest_joins = row.guest_joins.saturating_add(r.guest_joins);
            row.peak = row.peak.max(r.peak_online);
            row.seen(r.at);
        }
        let mut room_users: BTreeMap<(&str, u32, &str), RoomRow> = BTreeMap::new();
        for r in &batch.room_users {
            let row = room_users
                .entry((r.group.as_str(), r.session, r.user.as_str()))
                .or_insert_with(|| RoomRow::at(r.at));
            row.counts.add(&r.counts);
            row.seen(r.at);
        }
        let counts = |rows: &mut dyn Iterator<Item = &Counts>| {
            let mut columns: [Vec<i64>; 5] = Default::default();
            for c in rows {
                for (column, value) in columns.iter_mut().zip(counts_to_db(c)) {
                    column.push(value);
                }
            }
            columns
        };
        let now = liveroom_core::time::unix_secs();
        let mut tx = self.pool.begin().await.map_err(backend)?;
        if !users.is_empty() {
            let [a, b, c, d, e] = counts(&mut users.values());
            sqlx::query(user_sql)
                .bind(app)
                .bind(users.keys().copied().collect::<Vec<_>>())
                .bind(a)
                .bind(b)
                .bind(c)
                .bind(d)
                .bind(e)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        if !rooms.is_empty() {
            let [a, b, c, d, e] = counts(&mut rooms.values().map(|r| &r.counts));
            let column = |f: fn(&RoomRow) -> i64| rooms.values().map(f).collect::<Vec<_>>();
            sqlx::query(room_sql)
                .bind(app)
                .bind(rooms.keys().map(|k| k.0).collect::<Vec<_>>())
                .bind(rooms.keys().map(|k| i64::from(k.1)).collect::<Vec<_>>())
                .bind(a)
                .bind(b)
                .bind(c)
                .bind(d)
                .bind(e)
                .bind(column(|r| clamp_db(r.joins)))
                .bind(column(|r| clamp_db(r.guest_joins)))
                .bind(column(|r| clamp_db(r.peak)))
                .bind(column(|r| r.first))
                .bind(column(|r| r.last))
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        if !room_users.is_empty() {
            let [a, b, c, d, e] = counts(&mut room_users.values().map(|r| &r.counts));
            let column = |f: fn(&RoomRow) -> i64| room_users.values().map(f).collect::<Vec<_>>();
            sqlx::query(room_user_sql)
                .bind(app)
                .bind(room_users.keys().map(|k| k.0).collect::<Vec<_>>())
                .bind(
                    room_users
                        .keys()
                        .map(|k| i64::from(k.1))
                        .collect::<Vec<_>>(),
                )
                .bind(room_users.keys().map(|k| k.2).collect::<Vec<_>>())
                .bind(a)
                .bind(b)
                .bind(c)
                .bind(d)
                .bind(e)
                .bind(column(|r| r.first))
                .bind(column(|r| r.last))
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)
    }

    /// A store on a pool of its own, for the history recorder's runtime: its connections
    /// are opened (when first needed) by the runtime that uses them.
    pub(crate) async fn writer_store(&self) -> StoreResult<Option<Arc<dyn Store>>> {
        let pool = PgPoolOptions::new()
            .max_connections(WRITER_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            // The writer's statements are planned once and the plan is kept (PostgreSQL
            // switches to a cached plan after five executions; planning the history
            // statement costs more than running it). A plan made while the history was
            // small would read the whole table to trim a few rows, and only statistics
            // PostgreSQL may never gather would replace it; with sequential scans ruled out
            // for these connections, every plan reaches the rows by their indexes, whatever
            // the table's size was when it was made.
            .connect_lazy_with(self.options.clone().options([
                ("plan_cache_mode", "force_generic_plan"),
                ("enable_seqscan", "off"),
            ]));
        Ok(Some(Arc::new(Self {
            pool,
            options: self.options.clone(),
        })))
    }

    /// Writes a history batch ([`newest_per_group`](crate::shared::newest_per_group)'s
    /// rows, trimming `touched` to `keep` each) in one statement: one round trip and one
    /// commit, whatever the batch's size. Batches of different shards run side by side on
    /// separate connections (the recorder never writes one group from two batches at once).
    ///
    /// The statement's parts all see the table as it was before it (PostgreSQL's rule for
    /// data-modifying `WITH`), so the trim counts what the insert added: of a group's rows
    /// already stored it keeps the newest `keep` less the rows just added, which are newer
    /// (a room's messages are written in `MsgSeq` order).
    pub(crate) async fn write_history(
        &self,
        rows: &[HistoryParams<'_>],
        touched: &[(i64, &str)],
        keep: u32,
    ) -> StoreResult<()> {
        let column = |f: fn(&HistoryParams<'_>) -> i64| rows.iter().map(f).collect::<Vec<_>>();
        let text = |f: for<'r> fn(&'r HistoryParams<'_>) -> &'r str| {
            rows.iter().map(f).collect::<Vec<_>>()
        };
        sqlx::query(WRITE_HISTORY)
            .bind(column(|h| h.app))
            .bind(text(|h| h.group))
            .bind(column(|h| h.msg_seq))
            .bind(column(|h| h.msg_time))
            .bind(column(|h| h.random))
            .bind(column(|h| h.priority))
            .bind(text(|h| h.from_account))
            .bind(text(|h| h.nick))
            .bind(text(|h| h.face_url))
            .bind(text(|h| h.body))
            .bind(text(|h| h.cloud_custom_data))
            .bind(column(|h| h.sender_level))
            .bind(column(|h| h.recalled))
            .bind(touched.iter().map(|t| t.0).collect::<Vec<_>>())
            .bind(touched.iter().map(|t| t.1).collect::<Vec<_>>())
            .bind(i64::from(keep))
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// A history batch in one statement: `$1`..`$13` the rows' columns as arrays, `$14`/`$15`
/// the touched groups, `$16` how many rows each keeps. Rows of a group deleted meanwhile are
/// skipped, and a sequence number already stored keeps the first message. The rows to trim
/// are found once per group (materialized, whatever plan the statistics suggest) and
/// deleted by their row address. A trim reads at most 1,024 rows past the kept ones, so it
/// never walks a group's deleted rows (below the live ones in the index) even where they
/// await vacuuming.
const WRITE_HISTORY: &str = "\
    WITH batch AS (\
        SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], \
            $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[], \
            $11::text[], $12::bigint[], $13::bigint[]) \
        AS b(app, group_id, msg_seq, msg_time, random, priority, from_account, nick, \
            face_url, body, cloud_custom_data, sender_level, recalled)), \
    added AS (\
        INSERT INTO group_history (app, group_id, msg_seq, msg_time, random, priority, \
            from_account, nick, face_url, body, cloud_custom_data, sender_level, recalled) \
        SELECT b.app, b.group_id, b.msg_seq, b.msg_time, b.random, b.priority, \
            b.from_account, b.nick, b.face_url, b.body, b.cloud_custom_data, \
            b.sender_level, b.recalled FROM batch b \
        WHERE EXISTS (SELECT 1 FROM groups g WHERE g.app = b.app AND g.group_id = b.group_id) \
        ON CONFLICT (app, group_id, msg_seq) DO NOTHING \
        RETURNING app, group_id), \
    counts AS (\
        SELECT app, group_id, sum(n) AS n FROM (\
            SELECT t.app, t.group_id, 0 AS n FROM UNNEST($14::bigint[], $15::text[]) \
                AS t(app, group_id) \
            UNION ALL SELECT app, group_id, 1 FROM added) c \
        GROUP BY app, group_id), \
    doomed AS MATERIALIZED (\
        SELECT old.ctid FROM counts c CROSS JOIN LATERAL (\
            SELECT h.ctid FROM group_history h \
            WHERE h.app = c.app AND h.group_id = c.group_id \
            ORDER BY h.msg_seq DESC OFFSET GREATEST($16 - c.n, 0) LIMIT 1024) old) \
    DELETE FROM group_history WHERE ctid = ANY (ARRAY(SELECT ctid FROM doomed))";

fn parse_url(url: &str) -> Result<PgConnectOptions, StoreError> {
    // The error text may quote the URL, password included: keep it out.
    url.parse()
        .map_err(|_| StoreError::Backend("the PostgreSQL URL is not valid".into()))
}

/// Checks a schema name: 1 to 63 characters of `[a-z0-9_]`, not starting with a digit.
pub fn validate_schema_name(schema: &str) -> Result<(), StoreError> {
    let valid = !schema.is_empty()
        && schema.len() <= SCHEMA_NAME_MAX
        && schema
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !schema.starts_with(|c: char| c.is_ascii_digit());
    if valid {
        Ok(())
    } else {
        Err(StoreError::Backend(format!(
            "schema name {schema:?} must be 1 to {SCHEMA_NAME_MAX} characters of a-z, 0-9 and _, \
             not starting with a digit"
        )))
    }
}

crate::shared::impl_store!(PgStore, sqlx::Postgres);
crate::chat::impl_chat_store!(PgStore, sqlx::Postgres);
crate::social::impl_social_store!(PgStore, sqlx::Postgres);
crate::group_chat::impl_group_chat_store!(PgStore, sqlx::Postgres);

impl PgStore {
    /// The writer's turn for a chat write (none: PostgreSQL takes writers at once).
    pub(crate) async fn chat_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        None
    }
}

/// A room's (or a user's in a room) statistics rows of one batch, merged.
struct RoomRow {
    counts: Counts,
    joins: u64,
    guest_joins: u64,
    peak: u64,
    first: i64,
    last: i64,
}

impl RoomRow {
    fn at(at: i64) -> Self {
        Self {
            counts: Counts::default(),
            joins: 0,
            guest_joins: 0,
            peak: 0,
            first: at,
            last: at,
        }
    }

    fn seen(&mut self, at: i64) {
        self.first = self.first.min(at);
        self.last = self.last.max(at);
    }
}

/// The statistics upserts, the rows as arrays (`$1` the app; `$N` for every column), in key
/// order.
static STATS_UPSERTS: std::sync::LazyLock<[String; 3]> = std::sync::LazyLock::new(|| {
    stats_upserts([
        "SELECT $1, r.u, r.a, r.b, r.c, r.d, r.e, $8 \
         FROM UNNEST($2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], \
             $7::bigint[]) AS r(u, a, b, c, d, e) \
         WHERE EXISTS (SELECT 1 FROM users WHERE app = $1 AND user_id = r.u) \
         ORDER BY r.u",
        "SELECT $1, r.g, r.s, r.a, r.b, r.c, r.d, r.e, r.j, r.gj, r.p, r.f, r.l \
         FROM UNNEST($2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], \
             $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], \
             $12::bigint[], $13::bigint[]) AS r(g, s, a, b, c, d, e, j, gj, p, f, l) \
         WHERE EXISTS (SELECT 1 FROM groups WHERE app = $1 AND group_id = r.g) \
         ORDER BY r.g, r.s",
        "SELECT $1, r.g, r.s, r.u, r.a, r.b, r.c, r.d, r.e, r.f, r.l \
         FROM UNNEST($2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[], \
             $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[]) \
             AS r(g, s, u, a, b, c, d, e, f, l) \
         WHERE EXISTS (SELECT 1 FROM groups WHERE app = $1 AND group_id = r.g) \
         ORDER BY r.g, r.s, r.u",
    ])
});

#[cfg(test)]
mod tests {
    use super::validate_schema_name;

    #[test]
    fn schema_names() {
        assert!(validate_schema_name("lr_test_0a1b").is_ok());
        assert!(validate_schema_name("liveroom").is_ok());
        for bad in [
            "",
            "Upper",
            "semi;colon",
            "quo\"te",
            "1abc",
            "spa ce",
            &"a".repeat(64),
        ] {
            assert!(validate_schema_name(bad).is_err(), "{bad:?} accepted");
        }
    }
}
