//! The shared behaviour suite on PostgreSQL. Each test gets its own schema
//! (`lr_test_<random hex>`) in the database named by `LIVEROOM_TEST_PG_URL`
//! (default `postgres://postgres@127.0.0.1:5432/test`), dropped when it ends.

use std::sync::Arc;

use async_trait::async_trait;
use liveroom_core::group::GroupType;
use liveroom_core::ids::{AppId, GroupId};
use liveroom_core::store::{Store, StoreError};
use liveroom_store::testsuite::{sample_group, Harness};
use liveroom_store::PgStore;
use sqlx::{Connection, Executor, PgConnection};

fn pg_url() -> String {
    std::env::var("LIVEROOM_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn fresh_schema() -> String {
    format!("lr_test_{:016x}", rand::random::<u64>())
}

async fn drop_schema(schema: &str) {
    // Best effort: a leftover schema only costs space.
    if let Ok(mut conn) = PgConnection::connect(&pg_url()).await {
        let _ = conn
            .execute(format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE").as_str())
            .await;
        let _ = conn.close().await;
    }
}

struct PgHarness {
    schema: String,
    store: Arc<PgStore>,
}

#[async_trait]
impl Harness for PgHarness {
    async fn start() -> Self {
        let schema = fresh_schema();
        let store = PgStore::connect_with_schema(&pg_url(), &schema)
            .await
            .expect("connect to PostgreSQL (set LIVEROOM_TEST_PG_URL)");
        Self {
            schema,
            store: Arc::new(store),
        }
    }

    fn store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }

    async fn finish(self) {
        self.store.close().await;
        drop_schema(&self.schema).await;
    }
}

liveroom_store::store_test_suite!(PgHarness);

#[tokio::test]
async fn schemas_are_isolated_and_survive_reconnect() {
    let (a, b) = (fresh_schema(), fresh_schema());
    let app = AppId(7);
    let room = GroupId::from_trusted("room");
    let store_a = PgStore::connect_with_schema(&pg_url(), &a)
        .await
        .expect("a");
    let store_b = PgStore::connect_with_schema(&pg_url(), &b)
        .await
        .expect("b");
    store_a
        .create_group(&sample_group(app, "room", GroupType::AVChatRoom), &[])
        .await
        .expect("create in a");
    assert_eq!(store_b.get_group(app, &room).await.expect("b"), None);
    store_a.close().await;
    store_b.close().await;

    let again = PgStore::connect_with_schema(&pg_url(), &a)
        .await
        .expect("reconnect a");
    assert!(again.get_group(app, &room).await.expect("a").is_some());
    again.close().await;
    drop_schema(&a).await;
    drop_schema(&b).await;
}

#[tokio::test]
async fn bad_schema_names_are_refused() {
    for bad in ["", "Public", "x; DROP TABLE y", "a\"b", "9lives"] {
        assert!(matches!(
            PgStore::connect_with_schema(&pg_url(), bad).await,
            Err(StoreError::Backend(_))
        ));
    }
}
