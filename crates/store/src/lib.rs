//! Liveroom durable storage: the implementations of [`liveroom_core::store::Store`].
//!
//! This crate owns the database schema (apps, admins, users, groups with their custom
//! fields, mutes, bans and the short AVChatRoom history), its migrations, and the choice of
//! backend from a database URL. SQLite is the default; PostgreSQL serves deployments that
//! want a database server. Both pass the same behaviour suite.
//!
//! Layout:
//! - [`connect`] (here): picks and opens the backend for a `database_url` / data directory.
//! - [`sqlite`]: [`SqliteStore`], one WAL-mode file (`liveroom.db`).
//! - [`postgres`]: [`PgStore`], optionally confined to one schema.
//! - `shared`: the one `Store` implementation, in SQL both backends accept, instantiated for
//!   each backend by a macro.
//! - `chat`: the one `ChatStore` implementation (one-to-one messages and conversations),
//!   instantiated for each backend the same way.
//! - `group_chat`: the one `GroupChatStore` implementation (members of stored groups, join
//!   requests, group messages and unread positions), the same way.
//! - `social`: the one `SocialStore` implementation (profile tags, friends, friend requests
//!   and lists, blocklists), the same way.
//! - `rows`: row shapes, checked integer conversions and error mapping used by `shared`.
//! - [`testsuite`]: the backend-independent behaviour suite; `tests/sqlite.rs` and
//!   `tests/postgres.rs` run it with [`store_test_suite!`].
//! - `migrations/sqlite`, `migrations/postgres`: the schema, one dialect each, embedded
//!   at build time and applied on open.

use std::path::Path;
use std::sync::Arc;

use liveroom_core::store::{Store, StoreError};

mod chat;
mod group_chat;
pub mod postgres;
mod rows;
mod shared;
mod social;
pub mod sqlite;
#[doc(hidden)]
pub mod testsuite;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// The SQLite file name inside the data directory.
pub const SQLITE_FILE_NAME: &str = "liveroom.db";

/// Opens the store a deployment is configured for.
///
/// - `postgres://...` or `postgresql://...`: [`PgStore`] (tables in the default schema).
/// - `sqlite://PATH` or `sqlite:PATH`: [`SqliteStore`] at `PATH`.
/// - `None`: [`SqliteStore`] at `data_dir/liveroom.db`.
///
/// Missing directories on the way to a SQLite file are created.
pub async fn connect(
    database_url: Option<&str>,
    data_dir: &Path,
) -> Result<Arc<dyn Store>, StoreError> {
    let sqlite_path = match database_url {
        None => data_dir.join(SQLITE_FILE_NAME),
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            return Ok(Arc::new(PgStore::connect(url).await?));
        }
        Some(url) => match url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            Some(path) if !path.is_empty() => Path::new(path).to_path_buf(),
            _ => {
                // Only the scheme is quoted: a URL may carry a password.
                let scheme = url.split(':').next().unwrap_or_default();
                return Err(StoreError::Backend(format!(
                    "database URL scheme {scheme:?} is not supported; \
                     use postgres://, postgresql:// or sqlite://PATH"
                )));
            }
        },
    };
    if let Some(dir) = sqlite_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Backend(format!("cannot create directory {}: {e}", dir.display()))
        })?;
    }
    Ok(Arc::new(SqliteStore::open(&sqlite_path).await?))
}
