//! The PostgreSQL backend: a pool on one database, optionally confined to one schema.

use std::time::Duration;

use liveroom_core::store::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, Executor};
use tokio::sync::MutexGuard;

use crate::rows::backend;

const MAX_CONNECTIONS: u32 = 10;
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
            .connect_with(options)
            .await
            .map_err(backend)?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(backend)?;
        Ok(Self { pool })
    }

    /// Closes every pooled connection (waiting for those in use).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// History batches need no turn: PostgreSQL runs their transactions side by side (the
    /// recorder never writes one group from two batches at once).
    async fn history_turn(&self) -> Option<MutexGuard<'_, ()>> {
        None
    }
}

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
