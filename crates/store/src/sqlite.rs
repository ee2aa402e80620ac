//! The SQLite backend (the default): one database file, WAL journal, a small pool.

use std::path::Path;
use std::time::Duration;

use liveroom_core::store::StoreError;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use tokio::sync::{Mutex, MutexGuard};

use crate::rows::backend;

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
            .busy_timeout(BUSY_TIMEOUT);
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

    /// Waits for the turn to write a history batch.
    async fn history_turn(&self) -> Option<MutexGuard<'_, ()>> {
        Some(self.history_writer.lock().await)
    }

    /// Closes every pooled connection (waiting for those in use), checkpointing the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

crate::shared::impl_store!(SqliteStore, sqlx::Sqlite);
