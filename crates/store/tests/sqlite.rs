//! The shared behaviour suite on SQLite, plus what only a file can show: data survives
//! closing and reopening, and `connect` picks the right file.

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use liveroom_core::group::GroupType;
use liveroom_core::ids::{AppId, GroupId, UserId};
use liveroom_core::store::{AppRecord, Store, StoreError};
use liveroom_store::testsuite::{sample_group, sample_settings, Harness};
use liveroom_store::SqliteStore;
use tempfile::TempDir;

struct SqliteHarness {
    _dir: TempDir,
    store: Arc<SqliteStore>,
}

#[async_trait]
impl Harness for SqliteHarness {
    async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("test.db"))
            .await
            .expect("open");
        Self {
            _dir: dir,
            store: Arc::new(store),
        }
    }

    fn store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }

    async fn finish(self) {
        self.store.close().await;
    }
}

liveroom_store::store_test_suite!(SqliteHarness);

const APP: AppId = AppId(1_400_000_001);

async fn fill(store: &dyn Store) {
    store
        .put_app(&AppRecord {
            id: APP,
            secret_key: "key".into(),
            created_at: 1,
            settings: sample_settings(),
        })
        .await
        .expect("app");
    store
        .create_group(&sample_group(APP, "room", GroupType::AVChatRoom), &[])
        .await
        .expect("group");
    store
        .ensure_user(APP, &UserId::from_trusted("u1"), 5)
        .await
        .expect("user");
}

async fn check(store: &dyn Store) {
    let app = store.get_app(APP).await.expect("app").expect("present");
    assert_eq!(app.settings, sample_settings());
    let group = store
        .get_group(APP, &GroupId::from_trusted("room"))
        .await
        .expect("group")
        .expect("present");
    assert_eq!(group, sample_group(APP, "room", GroupType::AVChatRoom));
    let users = store
        .get_users(APP, &[UserId::from_trusted("u1")])
        .await
        .expect("users");
    assert_eq!(users.len(), 1);
}

#[tokio::test]
async fn data_survives_reopen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("live.db");
    let store = SqliteStore::open(&path).await.expect("open");
    fill(&store).await;
    let ceiling = store
        .raise_msg_seq_ceiling(APP, &GroupId::from_trusted("room"), 1_000)
        .await
        .expect("raise");
    store.close().await;
    drop(store);

    // Reopening runs the (already applied) migrations again without harm.
    let store = SqliteStore::open(&path).await.expect("reopen");
    let group = store
        .get_group(APP, &GroupId::from_trusted("room"))
        .await
        .expect("group")
        .expect("present");
    assert_eq!(group.msg_seq_ceiling, ceiling);
    assert!(matches!(
        store
            .create_group(&sample_group(APP, "room", GroupType::AVChatRoom), &[])
            .await,
        Err(StoreError::Conflict)
    ));
    store.close().await;
}

#[tokio::test]
async fn connect_defaults_to_sqlite_in_data_dir() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("nested").join("data");
    let store = liveroom_store::connect(None, &data_dir)
        .await
        .expect("connect");
    fill(store.as_ref()).await;
    drop(store);
    assert!(data_dir.join(liveroom_store::SQLITE_FILE_NAME).is_file());

    // The same file through a sqlite:// URL.
    let url = format!(
        "sqlite://{}",
        data_dir.join(liveroom_store::SQLITE_FILE_NAME).display()
    );
    let store = liveroom_store::connect(Some(&url), Path::new("/nonexistent"))
        .await
        .expect("connect url");
    check(store.as_ref()).await;
}

#[tokio::test]
async fn connect_rejects_unknown_schemes() {
    let dir = tempfile::tempdir().expect("temp dir");
    for url in ["mysql://root:pw@localhost/db", "sqlite://", "liveroom.db"] {
        match liveroom_store::connect(Some(url), dir.path()).await {
            Err(StoreError::Backend(text)) => assert!(!text.contains("pw"), "{text}"),
            Err(other) => panic!("{url}: unexpected error {other:?}"),
            Ok(_) => panic!("{url}: accepted"),
        }
    }
}
