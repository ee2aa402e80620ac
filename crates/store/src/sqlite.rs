//! The SQLite backend (the default): one database file, WAL journal, a small pool.

use std::path::Path;
use std::time::Duration;

use liveroom_core::store::StoreError;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use std::sync::Arc;

use liveroom_core::store::{StatsBatch, Store, StoreResult};

use crate::rows::{clamp_db, counts_to_db};
use tokio::sync::Mutex;

use crate::rows::{backend, HistoryParams};
use crate::shared::{history_insert, statement_sizes, stats_upserts, HISTORY_ROWS_PER_STATEMENT};

/// The statistics upserts, one row each: `$1` the app, then the row's columns.
static STATS_UPSERTS: std::sync::LazyLock<[String; 3]> = std::sync::LazyLock::new(|| {
    stats_upserts([
        "SELECT $1, $2, $3, $4, $5, $6, $7, $8 \
         WHERE EXISTS (SELECT 1 FROM users WHERE app = $1 AND user_id = $2)",
        "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12 \
         WHERE EXISTS (SELECT 1 FROM groups WHERE app = $1 AND group_id = $2)",
        "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10 \
         WHERE EXISTS (SELECT 1 FROM groups WHERE app = $1 AND group_id = $2)",
    ])
});

/// Connections in the pool: WAL lets readers run beside the one writer.
const MAX_CONNECTIONS: u32 = 4;
/// How long a statement waits for another connection's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A [`Store`](liveroom_core::store::Store) in one SQLite file.
pub struct SqliteStore {
    pool: SqlitePool,
    /// Taken for each history batch: SQLite writes one transaction at a time, and batches
    /// written concurrently would otherwise wait in its busy handler, which polls with
    /// growing sleeps, instead of starting the moment the previous one commits.
    history_writer: Mutex<()>,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path` and brings its schema up to
    /// date. The parent directory must exist.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            // 64 MiB of page cache per connection (the default 2 MiB made busy writes read
            // their index pages back from the file again and again).
            .pragma("cache_size", "-65536");
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await
            .map_err(backend)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(backend)?;
        tracing::info!(path = %path.display(), "opened SQLite store");
        Ok(Self {
            pool,
            history_writer: Mutex::new(()),
        })
    }

    /// Writes a history batch ([`newest_per_group`](crate::shared::newest_per_group)'s
    /// rows, trimming `touched` to `keep` each) in one transaction of a few multi-row
    /// statements, taking the writer's turn first.
    pub(crate) async fn write_history(
        &self,
        rows: &[HistoryParams<'_>],
        touched: &[(i64, &str)],
        keep: u32,
    ) -> StoreResult<()> {
        let _turn = self.history_writer.lock().await;
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // Many rows a statement: one step per chunk, not per message. A group deleted while
        // its messages waited to be written has no history to keep: its rows are skipped,
        // not an error.
        let mut rest = rows;
        for size in statement_sizes(rows.len(), HISTORY_ROWS_PER_STATEMENT) {
            let (chunk, later) = rest.split_at(size);
            rest = later;
            let insert = history_insert(chunk.len());
            let mut query = sqlx::query(&insert);
            for h in chunk {
                query = query
                    .bind(h.app)
                    .bind(h.group)
                    .bind(h.msg_seq)
                    .bind(h.msg_time)
                    .bind(h.random)
                    .bind(h.priority)
                    .bind(h.from_account)
                    .bind(h.nick)
                    .bind(h.face_url)
                    .bind(h.body)
                    .bind(h.cloud_custom_data)
                    .bind(h.sender_level)
                    .bind(h.recalled);
            }
            query.execute(&mut *tx).await.map_err(backend)?;
        }
        // Every touched group keeps its newest `keep`: one statement a group, each a search
        // of the primary key (SQLite runs one covering several groups as a scan of the
        // whole table, to compute its window in index order).
        for (app, group) in touched {
            sqlx::query(
                "DELETE FROM group_history WHERE app = $1 AND group_id = $2 AND msg_seq <= \
                 (SELECT msg_seq FROM group_history WHERE app = $1 AND group_id = $2 \
                 ORDER BY msg_seq DESC LIMIT 1 OFFSET $3)",
            )
            .bind(*app)
            .bind(*group)
            .bind(i64::from(keep))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)
    }

    /// Adds a statistics batch in one transaction, one upsert a row.
    pub(crate) async fn write_stats(&self, app: i64, batch: &StatsBatch) -> StoreResult<()> {
        let [user_sql, room_sql, room_user_sql] = &*STATS_UPSERTS;
        let now = liveroom_core::time::unix_secs();
        let mut tx = self.pool.begin().await.map_err(backend)?;
        for (user, counts) in &batch.users {
            let [a, b, c, d, e] = counts_to_db(counts);
            sqlx::query(user_sql)
                .bind(app)
                .bind(user.as_str())
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
        for r in &batch.rooms {
            let [a, b, c, d, e] = counts_to_db(&r.counts);
            let (joins, guests, peak) = (
                clamp_db(r.joins),
                clamp_db(r.guest_joins),
                clamp_db(r.peak_online),
            );
            sqlx::query(room_sql)
                .bind(app)
                .bind(r.group.as_str())
                .bind(i64::from(r.session))
                .bind(a)
                .bind(b)
                .bind(c)
                .bind(d)
                .bind(e)
                .bind(joins)
                .bind(guests)
                .bind(peak)
                .bind(r.at)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        for r in &batch.room_users {
            let [a, b, c, d, e] = counts_to_db(&r.counts);
            sqlx::query(room_user_sql)
                .bind(app)
                .bind(r.group.as_str())
                .bind(i64::from(r.session))
                .bind(r.user.as_str())
                .bind(a)
                .bind(b)
                .bind(c)
                .bind(d)
                .bind(e)
                .bind(r.at)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)
    }

    /// SQLite's connections run on threads of their own: any runtime writes through this
    /// store as well.
    pub(crate) async fn writer_store(&self) -> StoreResult<Option<Arc<dyn Store>>> {
        Ok(None)
    }

    /// Closes every pooled connection (waiting for those in use), checkpointing the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

crate::shared::impl_store!(SqliteStore, sqlx::Sqlite);
crate::chat::impl_chat_store!(SqliteStore, sqlx::Sqlite);
crate::social::impl_social_store!(SqliteStore, sqlx::Sqlite);
crate::group_chat::impl_group_chat_store!(SqliteStore, sqlx::Sqlite);

impl SqliteStore {
    /// The writer's turn for a chat write (SQLite takes one writer at a time: see `history_writer`).
    pub(crate) async fn chat_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        Some(self.history_writer.lock().await)
    }
}
