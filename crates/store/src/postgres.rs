//! The PostgreSQL backend: a pool on one database, optionally confined to one schema.

use std::sync::Arc;
use std::time::Duration;

use liveroom_core::store::{Store, StoreError, StoreResult};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, Executor};

use crate::rows::{backend, HistoryParams};

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

    /// A store on a pool of its own, for the history recorder's runtime: its connections
    /// are opened (when first needed) by the runtime that uses them.
    pub(crate) async fn writer_store(&self) -> StoreResult<Option<Arc<dyn Store>>> {
        let pool = PgPoolOptions::new()
            .max_connections(WRITER_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            // Every batch's statement is planned for the tables as they are then. A plan
            // cached while the history was small (PostgreSQL switches to one after five
            // executions, and only statistics it may never gather replace it) reads the
            // whole table to delete a few rows, and costs more with every row stored.
            .connect_lazy_with(
                self.options
                    .clone()
                    .options([("plan_cache_mode", "force_custom_plan")]),
            );
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
