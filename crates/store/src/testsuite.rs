//! The behaviour suite every [`Store`] implementation must pass.
//!
//! Each case is a function taking a fresh, empty store. A backend's test file implements
//! [`Harness`] (how to make a fresh store and clean it up) and invokes
//! [`store_test_suite!`](crate::store_test_suite), which generates one `#[tokio::test]`
//! per case. Test code: failures panic.

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;
use liveroom_core::app::{AppSettings, LoginPolicy};
use liveroom_core::group::{ApplyJoinOption, GroupType, Priority};
use liveroom_core::ids::{AppId, GroupId, UserId};
use liveroom_core::store::{
    AppRecord, GroupRecord, HistoryRecord, ProfilePatch, Restriction, Store, StoreError, UserRecord,
};

mod chat;
mod group_chat;
mod social;
pub use chat::*;
pub use group_chat::*;
pub use social::*;

/// Makes a fresh, empty store for one case and disposes of it afterwards.
#[async_trait]
pub trait Harness: Sized + Send + 'static {
    async fn start() -> Self;
    fn store(&self) -> Arc<dyn Store>;
    /// Releases the store (best effort); runs even when the case failed.
    async fn finish(self);
}

/// Runs one case on a fresh store of harness `H`, cleaning up even if the case panics.
pub async fn run<H, F, Fut>(case: F)
where
    H: Harness,
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let harness = H::start().await;
    let outcome = tokio::spawn(case(harness.store())).await;
    harness.finish().await;
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("test case did not finish: {e}"),
        }
    }
}

/// Generates one `#[tokio::test]` per case of the suite for a [`Harness`] type.
#[macro_export]
macro_rules! store_test_suite {
    ($harness:ty) => {
        $crate::store_test_suite!(@cases $harness;
            apps_round_trip,
            app_settings_survive_replace,
            admins_are_listed_once,
            users_upsert_and_get,
            users_get_many,
            users_ensure,
            users_patch,
            users_delete,
            group_create_and_conflict,
            group_update_replaces_profile_and_custom,
            group_update_keeps_higher_ceiling,
            group_ceiling_raise,
            group_ceiling_raise_concurrent,
            list_groups_orders_and_pages,
            groups_of_type_across_apps,
            mutes_expire_and_overwrite,
            bans_ordered_and_expire,
            group_admins_set_and_cascade,
            pinned_items_per_session_in_order,
            stats_add_up_rank_and_cascade,
            history_round_trip_and_filters,
            history_keeps_newest_per_group,
            history_skips_deleted_groups,
            history_large_batch,
            history_concurrent_batches,
            history_prune,
            history_recall_marks_once,
            delete_group_cascades,
            c2c_numbers_per_conversation,
            c2c_concurrent_batches_never_share_a_number,
            c2c_pages_and_sides,
            c2c_reads_make_unread_exact,
            c2c_recall_and_modify,
            c2c_conversation_list_orders_and_pages,
            c2c_imports_found_and_pruned,
            profiles_update_in_one_transaction,
            friends_requests_lists_and_blocks,
            group_members_added_capped_and_removed,
            group_join_requests_pending_and_settled,
            group_messages_numbered_counted_and_read,
            group_message_pages_recall_and_edit,
            group_concurrent_batches_never_share_a_number,
            group_topics_keep_their_own_numbers_and_reads,
            group_mentions_reactions_and_extensions,
        );
    };
    (@cases $harness:ty; $($case:ident),* $(,)?) => {
        $(
            #[::tokio::test]
            async fn $case() {
                $crate::testsuite::run::<$harness, _, _>($crate::testsuite::$case).await;
            }
        )*
    };
}

const APP: AppId = AppId(1_400_000_001);
const OTHER_APP: AppId = AppId(1_400_000_002);

fn uid(s: &str) -> UserId {
    UserId::from_trusted(s)
}

fn gid(s: &str) -> GroupId {
    GroupId::from_trusted(s)
}

pub async fn pinned_items_per_session_in_order(store: Arc<dyn Store>) {
    use liveroom_core::store::PinnedItem;
    let room = sample_group(APP, "shop", GroupType::AVChatRoom);
    store.create_group(&room, &[]).await.expect("create");
    let item = |session: u32, n: i64| PinnedItem {
        session,
        pinned_at: 100 + n,
        operator: "host".into(),
        item: format!("{{\"ItemId\":\"i{n}\"}}"),
    };
    for (session, n) in [(1, 1), (1, 2), (2, 3), (1, 4)] {
        store
            .add_pinned_item(APP, &room.id, &item(session, n))
            .await
            .expect("pin");
    }
    assert_eq!(
        store.pinned_items(APP, &room.id, 1).await.expect("list"),
        vec![item(1, 1), item(1, 2), item(1, 4)]
    );
    assert_eq!(
        store.pinned_items(APP, &room.id, 2).await.expect("list"),
        vec![item(2, 3)]
    );
    assert!(store
        .pinned_items(OTHER_APP, &room.id, 1)
        .await
        .expect("other app")
        .is_empty());
    assert!(store.delete_group(APP, &room.id).await.expect("delete"));
    store.create_group(&room, &[]).await.expect("recreate");
    assert!(store
        .pinned_items(APP, &room.id, 1)
        .await
        .expect("list")
        .is_empty());
}

pub async fn stats_add_up_rank_and_cascade(store: Arc<dyn Store>) {
    use liveroom_core::stats::Counts;
    use liveroom_core::store::{RoomStatsDelta, RoomUserDelta, StatsBatch, StatsOrder};
    let room = sample_group(APP, "stage", GroupType::AVChatRoom);
    store.create_group(&room, &[]).await.expect("create");
    for u in ["ann", "bob", "cid"] {
        store.ensure_user(APP, &uid(u), 1).await.expect("user");
    }
    let c = |online_ms, messages, likes, gifts, gift_value| Counts {
        online_ms,
        messages,
        likes,
        gifts,
        gift_value,
    };
    let ru = |user: &str, session, counts, at| RoomUserDelta {
        group: gid("stage"),
        session,
        user: uid(user),
        counts,
        at,
    };
    let rd = |session, counts, joins, peak_online, at| RoomStatsDelta {
        group: gid("stage"),
        session,
        counts,
        joins,
        guest_joins: 1,
        peak_online,
        at,
    };
    let first = StatsBatch {
        users: vec![
            (uid("ann"), c(1000, 2, 3, 1, 50)),
            (uid("ghost"), c(1, 1, 1, 1, 1)),
        ],
        rooms: vec![rd(1, c(5000, 3, 3, 1, 50), 2, 9, 100)],
        room_users: vec![
            ru("ann", 1, c(1000, 2, 3, 1, 50), 100),
            ru("bob", 1, c(4000, 1, 0, 0, 0), 100),
        ],
    };
    store.add_stats(APP, &first).await.expect("first");
    let second = StatsBatch {
        users: vec![
            (uid("ann"), c(500, 1, 0, 2, 20)),
            (uid("bob"), c(9, 0, 0, 0, 0)),
        ],
        rooms: vec![
            rd(1, c(1000, 1, 0, 2, 20), 1, 4, 90),
            rd(2, c(10, 0, 0, 0, 0), 1, 1, 300),
        ],
        room_users: vec![
            ru("ann", 1, c(500, 1, 0, 2, 20), 200),
            ru("cid", 1, c(0, 0, 0, 0, 0), 150),
            ru("cid", 2, c(10, 0, 0, 0, 0), 300),
        ],
    };
    store.add_stats(APP, &second).await.expect("second");

    // Added up; the user without an account was skipped, not an error.
    let mut users = store
        .user_stats(APP, &[uid("ann"), uid("bob"), uid("ghost")])
        .await
        .expect("users");
    users.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        users,
        vec![
            (uid("ann"), c(1500, 3, 3, 3, 70)),
            (uid("bob"), c(9, 0, 0, 0, 0))
        ]
    );
    assert!(store
        .user_stats(OTHER_APP, &[uid("ann")])
        .await
        .expect("other app")
        .is_empty());

    let s1 = store
        .room_stats(APP, &gid("stage"), Some(1))
        .await
        .expect("room")
        .expect("session 1");
    assert_eq!(s1.counts, c(6000, 4, 3, 3, 70));
    assert_eq!((s1.joins, s1.guest_joins, s1.peak_online), (3, 2, 9));
    assert_eq!((s1.first_at, s1.last_at), (100, 100));
    assert_eq!(s1.viewers, 3);
    let latest = store
        .room_stats(APP, &gid("stage"), None)
        .await
        .expect("room")
        .expect("latest");
    assert_eq!((latest.session, latest.viewers), (2, 1));
    assert!(store
        .room_stats(APP, &gid("stage"), Some(3))
        .await
        .expect("room")
        .is_none());

    let ranked = |order| {
        let store = store.clone();
        async move {
            store
                .room_user_stats(APP, &gid("stage"), 1, order, 10, None)
                .await
                .expect("rank")
                .into_iter()
                .map(|r| r.user.to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(ranked(StatsOrder::GiftValue).await, ["ann", "bob", "cid"]);
    assert_eq!(ranked(StatsOrder::OnlineTime).await, ["bob", "ann", "cid"]);
    // Ties are broken by user id.
    assert_eq!(ranked(StatsOrder::Likes).await, ["ann", "bob", "cid"]);
    let top1 = store
        .room_user_stats(APP, &gid("stage"), 1, StatsOrder::Messages, 1, None)
        .await
        .expect("top");
    assert_eq!(top1.len(), 1);
    assert_eq!(top1[0].counts, c(1500, 3, 3, 3, 70));
    assert_eq!((top1[0].first_at, top1[0].last_at), (100, 200));
    let some = store
        .room_user_stats(
            APP,
            &gid("stage"),
            1,
            StatsOrder::Messages,
            10,
            Some(&[uid("cid"), uid("nobody")]),
        )
        .await
        .expect("some");
    assert_eq!(some.len(), 1);
    assert_eq!(some[0].user, uid("cid"));

    // Counters beyond what the columns hold are clamped, not an error.
    let huge = StatsBatch {
        users: vec![(uid("cid"), c(u64::MAX, 0, 0, 0, 0))],
        ..Default::default()
    };
    store.add_stats(APP, &huge).await.expect("clamped");
    store.add_stats(APP, &huge).await.expect("saturated");
    let cid = store.user_stats(APP, &[uid("cid")]).await.expect("users");
    assert_eq!(cid[0].1.online_ms, i64::MAX as u64);

    // A deleted room takes its statistics along; a late batch for it is skipped.
    assert!(store
        .delete_group(APP, &gid("stage"))
        .await
        .expect("delete"));
    store.add_stats(APP, &first).await.expect("late batch");
    store.create_group(&room, &[]).await.expect("recreate");
    assert!(store
        .room_stats(APP, &gid("stage"), None)
        .await
        .expect("room")
        .is_none());
    assert!(store
        .room_user_stats(APP, &gid("stage"), 1, StatsOrder::Messages, 10, None)
        .await
        .expect("rank")
        .is_empty());
    // A deleted account takes its own, its rows in room rankings included.
    let bob_in_room = StatsBatch {
        room_users: vec![ru("bob", 1, c(1, 1, 0, 0, 0), 400)],
        ..Default::default()
    };
    store.add_stats(APP, &bob_in_room).await.expect("bob");
    assert!(store
        .delete_user(APP, &uid("bob"))
        .await
        .expect("delete user"));
    assert!(store
        .room_user_stats(APP, &gid("stage"), 1, StatsOrder::Messages, 10, None)
        .await
        .expect("rank")
        .is_empty());
    assert_eq!(
        store
            .user_stats(APP, &[uid("bob")])
            .await
            .expect("users")
            .len(),
        0
    );
}

pub async fn group_admins_set_and_cascade(store: Arc<dyn Store>) {
    let room = sample_group(APP, "room", GroupType::AVChatRoom);
    store.create_group(&room, &[]).await.expect("create");
    let other = sample_group(APP, "other", GroupType::AVChatRoom);
    store.create_group(&other, &[]).await.expect("create other");
    for u in ["b", "a", "a"] {
        store
            .set_group_admin(APP, &room.id, &uid(u), true)
            .await
            .expect("appoint");
    }
    store
        .set_group_admin(APP, &other.id, &uid("z"), true)
        .await
        .expect("appoint other");
    assert_eq!(
        store.list_group_admins(APP, &room.id).await.expect("list"),
        vec![uid("a"), uid("b")]
    );
    store
        .set_group_admin(APP, &room.id, &uid("a"), false)
        .await
        .expect("revoke");
    store
        .set_group_admin(APP, &room.id, &uid("never"), false)
        .await
        .expect("revoke a non-admin");
    assert_eq!(
        store.list_group_admins(APP, &room.id).await.expect("list"),
        vec![uid("b")]
    );
    assert!(store
        .list_group_admins(OTHER_APP, &room.id)
        .await
        .expect("other app")
        .is_empty());
    assert!(store.delete_group(APP, &room.id).await.expect("delete"));
    store.create_group(&room, &[]).await.expect("recreate");
    assert!(
        store
            .list_group_admins(APP, &room.id)
            .await
            .expect("list")
            .is_empty(),
        "a re-created group starts without admins"
    );
    assert_eq!(
        store
            .list_group_admins(APP, &other.id)
            .await
            .expect("other"),
        vec![uid("z")]
    );
}

/// A group with every field set to something other than its zero value.
pub fn sample_group(app: AppId, id: &str, group_type: GroupType) -> GroupRecord {
    GroupRecord {
        app,
        id: gid(id),
        group_type,
        name: format!("name of {id}"),
        owner: Some(uid("owner_1")),
        introduction: "intro".into(),
        notification: "notice".into(),
        face_url: "https://example.com/face.png".into(),
        max_member_num: 0,
        apply_join_option: ApplyJoinOption::FreeAccess,
        mute_all: false,
        create_time: 1_700_000_000,
        info_seq: 1,
        last_info_time: 1_700_000_000,
        last_msg_time: 0,
        msg_seq_ceiling: 100,
        custom: vec![("zeta".into(), "1".into()), ("alpha".into(), "2".into())],
        invite_join_option: liveroom_core::group::InviteJoinOption::NeedPermission,
        history_before_join: true,
        support_topic: true,
        member_num: 0,
        enable_permission: false,
        default_permission: 1,
    }
}

/// Non-default settings, to prove every field survives the JSON column.
pub fn sample_settings() -> AppSettings {
    let mut s = AppSettings {
        room_msgs_per_sec: 7,
        frequency_max_wait_ms: 250,
        history_enabled: false,
        history_count: 33,
        history_max_age_secs: 600,
        recent_members: 500,
        single_room_per_connection: false,
        login_policy: LoginPolicy::OnePerPlatform,
        group_custom_fields: vec!["level".into(), "topic".into()],
        max_message_bytes: 4096,
        ..AppSettings::default()
    };
    s.limits.name = 64;
    s.limits.custom_value = 128;
    s
}

fn history(group: &str, msg_seq: u64, msg_time: i64) -> HistoryRecord {
    HistoryRecord {
        app: APP,
        group: gid(group),
        msg_seq,
        msg_time,
        random: u32::MAX - msg_seq as u32,
        priority: Priority::Low,
        from_account: uid("sender"),
        nick: "Sender".into(),
        face_url: "https://example.com/s.png".into(),
        body: format!(r#"[{{"MsgType":"TIMTextElem","MsgContent":{{"Text":"m{msg_seq}"}}}}]"#),
        cloud_custom_data: "ccd".into(),
        sender_level: (msg_seq % 7) as u32,
        recalled: false,
    }
}

/// Creates AVChatRooms of [`APP`] with the sample profile.
async fn create_rooms(store: &Arc<dyn Store>, ids: &[&str]) {
    for id in ids {
        store
            .create_group(&sample_group(APP, id, GroupType::AVChatRoom), &[])
            .await
            .expect("create room");
    }
}

fn seqs(records: &[HistoryRecord]) -> Vec<u64> {
    records.iter().map(|r| r.msg_seq).collect()
}

fn users_of(restrictions: &[Restriction]) -> Vec<&str> {
    restrictions.iter().map(|r| r.user.as_str()).collect()
}

pub async fn apps_round_trip(store: Arc<dyn Store>) {
    assert!(store.list_apps().await.expect("list").is_empty());
    assert_eq!(store.get_app(APP).await.expect("get"), None);
    let app = AppRecord {
        id: APP,
        secret_key: "secret-1".into(),
        created_at: 1_700_000_000,
        settings: sample_settings(),
    };
    let other = AppRecord {
        id: OTHER_APP,
        secret_key: "secret-2".into(),
        created_at: 1_700_000_100,
        settings: AppSettings::default(),
    };
    store.put_app(&other).await.expect("put other");
    store.put_app(&app).await.expect("put");
    assert_eq!(store.get_app(APP).await.expect("get"), Some(app.clone()));
    assert_eq!(store.list_apps().await.expect("list"), vec![app, other]);
}

pub async fn app_settings_survive_replace(store: Arc<dyn Store>) {
    let first = AppRecord {
        id: APP,
        secret_key: "old".into(),
        created_at: 1_000,
        settings: AppSettings::default(),
    };
    store.put_app(&first).await.expect("put");
    let replacement = AppRecord {
        id: APP,
        secret_key: "new".into(),
        created_at: 2_000,
        settings: sample_settings(),
    };
    store.put_app(&replacement).await.expect("replace");
    let got = store.get_app(APP).await.expect("get").expect("present");
    assert_eq!(got.secret_key, "new");
    assert_eq!(got.settings, sample_settings());
    // Replacing changes key and settings; the app keeps its creation time.
    assert_eq!(got.created_at, 1_000);
    assert_eq!(store.list_apps().await.expect("list").len(), 1);
}

pub async fn admins_are_listed_once(store: Arc<dyn Store>) {
    assert!(store.list_admins(APP).await.expect("list").is_empty());
    for name in ["zed_admin", "administrator", "zed_admin"] {
        store.add_admin(APP, &uid(name)).await.expect("add");
    }
    store
        .add_admin(OTHER_APP, &uid("other_admin"))
        .await
        .expect("add other");
    assert_eq!(
        store.list_admins(APP).await.expect("list"),
        vec![uid("administrator"), uid("zed_admin")]
    );
    assert_eq!(
        store.list_admins(OTHER_APP).await.expect("list other"),
        vec![uid("other_admin")]
    );
}

fn user(id: &str, nick: &str, created_at: i64) -> UserRecord {
    UserRecord {
        id: uid(id),
        nick: nick.into(),
        face_url: format!("https://example.com/{id}.png"),
        created_at,
    }
}

fn sorted(mut users: Vec<UserRecord>) -> Vec<UserRecord> {
    users.sort_by(|a, b| a.id.cmp(&b.id));
    users
}

pub async fn users_upsert_and_get(store: Arc<dyn Store>) {
    let alice = user("alice", "Alice", 100);
    let bob = user("bob", "Bob", 200);
    store.upsert_user(APP, &alice).await.expect("alice");
    store.upsert_user(APP, &bob).await.expect("bob");
    store
        .upsert_user(OTHER_APP, &user("carol", "Carol", 300))
        .await
        .expect("carol");

    let got = store
        .get_users(
            APP,
            &[uid("bob"), uid("nobody"), uid("alice"), uid("carol")],
        )
        .await
        .expect("get");
    assert_eq!(sorted(got), vec![alice.clone(), bob.clone()]);
    assert!(store.get_users(APP, &[]).await.expect("empty").is_empty());

    // Overwrites nick and face, keeps the creation time.
    let renamed = UserRecord {
        nick: "Alice II".into(),
        face_url: String::new(),
        created_at: 999,
        ..alice
    };
    store.upsert_user(APP, &renamed).await.expect("overwrite");
    let got = store.get_users(APP, &[uid("alice")]).await.expect("get");
    assert_eq!(
        got,
        vec![UserRecord {
            created_at: 100,
            ..renamed
        }]
    );
}

pub async fn users_get_many(store: Arc<dyn Store>) {
    // More ids than one IN list holds.
    let ids: Vec<UserId> = (0..1_100).map(|i| uid(&format!("u{i:04}"))).collect();
    for id in ids.iter().step_by(2) {
        assert!(store.ensure_user(APP, id, 5).await.expect("ensure"));
    }
    let got = store.get_users(APP, &ids).await.expect("get");
    assert_eq!(got.len(), 550);
    let mut got_ids: Vec<UserId> = got.into_iter().map(|u| u.id).collect();
    got_ids.sort();
    let expected: Vec<UserId> = ids.into_iter().step_by(2).collect();
    assert_eq!(got_ids, expected);
}

pub async fn users_ensure(store: Arc<dyn Store>) {
    assert!(store
        .ensure_user(APP, &uid("dave"), 50)
        .await
        .expect("first"));
    assert!(!store
        .ensure_user(APP, &uid("dave"), 60)
        .await
        .expect("again"));
    assert_eq!(
        store.get_users(APP, &[uid("dave")]).await.expect("get"),
        vec![UserRecord {
            id: uid("dave"),
            nick: String::new(),
            face_url: String::new(),
            created_at: 50,
        }]
    );
    // An existing profile is left alone.
    store
        .upsert_user(APP, &user("erin", "Erin", 10))
        .await
        .expect("upsert");
    assert!(!store
        .ensure_user(APP, &uid("erin"), 70)
        .await
        .expect("exists"));
    assert_eq!(
        store.get_users(APP, &[uid("erin")]).await.expect("get"),
        vec![user("erin", "Erin", 10)]
    );
    // Users are per app.
    assert!(store
        .ensure_user(OTHER_APP, &uid("dave"), 80)
        .await
        .expect("other app"));
}

pub async fn users_patch(store: Arc<dyn Store>) {
    let frank = user("frank", "Frank", 10);
    store.upsert_user(APP, &frank).await.expect("upsert");
    let nick_only = ProfilePatch {
        nick: Some("Franky".into()),
        face_url: None,
    };
    assert!(store
        .patch_profile(APP, &uid("frank"), &nick_only)
        .await
        .expect("patch"));
    let got = store.get_users(APP, &[uid("frank")]).await.expect("get");
    assert_eq!(got[0].nick, "Franky");
    assert_eq!(got[0].face_url, frank.face_url);

    let face_only = ProfilePatch {
        nick: None,
        face_url: Some(String::new()),
    };
    assert!(store
        .patch_profile(APP, &uid("frank"), &face_only)
        .await
        .expect("patch face"));
    let got = store.get_users(APP, &[uid("frank")]).await.expect("get");
    assert_eq!(
        (got[0].nick.as_str(), got[0].face_url.as_str()),
        ("Franky", "")
    );

    assert!(store
        .patch_profile(APP, &uid("frank"), &ProfilePatch::default())
        .await
        .expect("empty patch"));
    assert!(!store
        .patch_profile(APP, &uid("ghost"), &nick_only)
        .await
        .expect("missing"));
    assert!(!store
        .patch_profile(OTHER_APP, &uid("frank"), &nick_only)
        .await
        .expect("other app"));
    assert!(store
        .get_users(APP, &[uid("ghost")])
        .await
        .expect("get")
        .is_empty());
}

pub async fn users_delete(store: Arc<dyn Store>) {
    store
        .upsert_user(APP, &user("gina", "Gina", 1))
        .await
        .expect("upsert");
    store
        .upsert_user(OTHER_APP, &user("gina", "Gina", 1))
        .await
        .expect("upsert other");
    assert!(store.delete_user(APP, &uid("gina")).await.expect("delete"));
    assert!(!store.delete_user(APP, &uid("gina")).await.expect("again"));
    assert!(store
        .get_users(APP, &[uid("gina")])
        .await
        .expect("get")
        .is_empty());
    assert_eq!(
        store
            .get_users(OTHER_APP, &[uid("gina")])
            .await
            .expect("other")
            .len(),
        1
    );
    // A deleted user can be created anew.
    assert!(store
        .ensure_user(APP, &uid("gina"), 2)
        .await
        .expect("ensure"));
}

pub async fn group_create_and_conflict(store: Arc<dyn Store>) {
    assert_eq!(store.get_group(APP, &gid("room")).await.expect("get"), None);
    let mut group = sample_group(APP, "room", GroupType::AVChatRoom);
    group.owner = None;
    group.mute_all = true;
    group.max_member_num = u32::MAX;
    group.apply_join_option = ApplyJoinOption::NeedPermission;
    group.info_seq = u64::from(u32::MAX) + 7;
    group.msg_seq_ceiling = 1 << 40;
    store.create_group(&group, &[]).await.expect("create");
    assert_eq!(
        store.get_group(APP, &gid("room")).await.expect("get"),
        Some(group.clone())
    );

    let again = sample_group(APP, "room", GroupType::Public);
    assert!(matches!(
        store.create_group(&again, &[]).await,
        Err(StoreError::Conflict)
    ));
    // The failed create changed nothing.
    assert_eq!(
        store.get_group(APP, &gid("room")).await.expect("get"),
        Some(group)
    );
    // The same id is free in another app.
    let elsewhere = sample_group(OTHER_APP, "room", GroupType::Public);
    store
        .create_group(&elsewhere, &[])
        .await
        .expect("other app");
    assert_eq!(
        store.get_group(OTHER_APP, &gid("room")).await.expect("get"),
        Some(elsewhere)
    );
    // A group without custom fields.
    let mut plain = sample_group(APP, "plain", GroupType::Private);
    plain.custom.clear();
    store.create_group(&plain, &[]).await.expect("plain");
    assert_eq!(
        store.get_group(APP, &gid("plain")).await.expect("get"),
        Some(plain)
    );
}

pub async fn group_update_replaces_profile_and_custom(store: Arc<dyn Store>) {
    let group = sample_group(APP, "room", GroupType::AVChatRoom);
    store.create_group(&group, &[]).await.expect("create");
    let changed = GroupRecord {
        name: "renamed".into(),
        owner: Some(uid("new_owner")),
        introduction: "new intro".into(),
        notification: String::new(),
        face_url: "https://example.com/new.png".into(),
        max_member_num: 500,
        apply_join_option: ApplyJoinOption::DisableApply,
        mute_all: true,
        info_seq: 2,
        last_info_time: 1_700_000_500,
        last_msg_time: 1_700_000_400,
        msg_seq_ceiling: 200,
        custom: vec![
            ("alpha".into(), "changed".into()),
            ("beta".into(), "new".into()),
        ],
        // Not changed by an update:
        group_type: GroupType::Public,
        create_time: 5,
        ..group.clone()
    };
    store.update_group(&changed).await.expect("update");
    let got = store
        .get_group(APP, &gid("room"))
        .await
        .expect("get")
        .expect("present");
    assert_eq!(
        got,
        GroupRecord {
            group_type: GroupType::AVChatRoom,
            create_time: group.create_time,
            ..changed.clone()
        }
    );

    // Clearing custom fields and the owner.
    let cleared = GroupRecord {
        custom: Vec::new(),
        owner: None,
        ..got
    };
    store.update_group(&cleared).await.expect("clear");
    assert_eq!(
        store.get_group(APP, &gid("room")).await.expect("get"),
        Some(cleared)
    );

    let missing = sample_group(APP, "missing", GroupType::AVChatRoom);
    assert!(matches!(
        store.update_group(&missing).await,
        Err(StoreError::Backend(_))
    ));
    assert_eq!(
        store.get_group(APP, &gid("missing")).await.expect("get"),
        None
    );
}

pub async fn group_update_keeps_higher_ceiling(store: Arc<dyn Store>) {
    let group = sample_group(APP, "room", GroupType::AVChatRoom);
    store.create_group(&group, &[]).await.expect("create");
    assert_eq!(
        store
            .raise_msg_seq_ceiling(APP, &gid("room"), 1_000)
            .await
            .expect("raise"),
        1_100
    );
    // `group` still carries the old ceiling (100): the update must not lower it.
    let stale = GroupRecord {
        name: "stale copy".into(),
        ..group.clone()
    };
    store.update_group(&stale).await.expect("update");
    let got = store
        .get_group(APP, &gid("room"))
        .await
        .expect("get")
        .expect("present");
    assert_eq!(
        (got.name.as_str(), got.msg_seq_ceiling),
        ("stale copy", 1_100)
    );
    // A higher ceiling is taken.
    let higher = GroupRecord {
        msg_seq_ceiling: 5_000,
        ..group
    };
    store.update_group(&higher).await.expect("update higher");
    let got = store
        .get_group(APP, &gid("room"))
        .await
        .expect("get")
        .expect("present");
    assert_eq!(got.msg_seq_ceiling, 5_000);
}

pub async fn group_ceiling_raise(store: Arc<dyn Store>) {
    create_rooms(&store, &["room"]).await;
    store
        .create_group(&sample_group(OTHER_APP, "room", GroupType::AVChatRoom), &[])
        .await
        .expect("create other");
    let room = gid("room");
    assert_eq!(
        store
            .raise_msg_seq_ceiling(APP, &room, 50)
            .await
            .expect("1"),
        150
    );
    assert_eq!(
        store
            .raise_msg_seq_ceiling(APP, &room, 50)
            .await
            .expect("2"),
        200
    );
    assert_eq!(
        store.raise_msg_seq_ceiling(APP, &room, 0).await.expect("0"),
        200
    );
    let got = store
        .get_group(APP, &room)
        .await
        .expect("get")
        .expect("present");
    assert_eq!(got.msg_seq_ceiling, 200);
    // Other app's group untouched.
    let other = store
        .get_group(OTHER_APP, &room)
        .await
        .expect("get")
        .expect("present");
    assert_eq!(other.msg_seq_ceiling, 100);
    assert!(matches!(
        store.raise_msg_seq_ceiling(APP, &gid("nope"), 10).await,
        Err(StoreError::Backend(_))
    ));
}

pub async fn group_ceiling_raise_concurrent(store: Arc<dyn Store>) {
    create_rooms(&store, &["room"]).await;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .raise_msg_seq_ceiling(APP, &gid("room"), 10)
                .await
                .expect("raise")
        }));
    }
    let mut ceilings = Vec::new();
    for task in tasks {
        ceilings.push(task.await.expect("task"));
    }
    ceilings.sort_unstable();
    let expected: Vec<u64> = (1..=16).map(|i| 100 + 10 * i).collect();
    assert_eq!(ceilings, expected);
}

pub async fn list_groups_orders_and_pages(store: Arc<dyn Store>) {
    let groups = [
        ("g05", GroupType::AVChatRoom),
        ("g01", GroupType::Public),
        ("@TGS#aAAA", GroupType::AVChatRoom),
        ("g03", GroupType::AVChatRoom),
        ("G99", GroupType::Private),
        ("g02", GroupType::AVChatRoom),
    ];
    for (id, group_type) in groups {
        store
            .create_group(&sample_group(APP, id, group_type), &[])
            .await
            .expect("create");
    }
    store
        .create_group(&sample_group(OTHER_APP, "g00", GroupType::AVChatRoom), &[])
        .await
        .expect("create other");

    let names = |ids: Vec<GroupId>| ids.iter().map(|g| g.to_string()).collect::<Vec<_>>();
    // Bytewise order: '@' < 'G' < 'g'.
    let (ids, total) = store.list_groups(APP, None, None, 100).await.expect("all");
    assert_eq!(total, 6);
    assert_eq!(names(ids), ["@TGS#aAAA", "G99", "g01", "g02", "g03", "g05"]);

    let (page1, total) = store.list_groups(APP, None, None, 4).await.expect("page 1");
    assert_eq!(
        (names(page1.clone()), total),
        (
            vec![
                "@TGS#aAAA".to_string(),
                "G99".into(),
                "g01".into(),
                "g02".into()
            ],
            6
        )
    );
    let (page2, _) = store
        .list_groups(APP, None, page1.last(), 4)
        .await
        .expect("page 2");
    assert_eq!(names(page2.clone()), ["g03", "g05"]);
    let (page3, total) = store
        .list_groups(APP, None, page2.last(), 4)
        .await
        .expect("page 3");
    assert!(page3.is_empty());
    assert_eq!(total, 6);

    // `after` need not be an existing id and is exclusive.
    let (ids, _) = store
        .list_groups(APP, None, Some(&gid("g02")), 10)
        .await
        .expect("after g02");
    assert_eq!(names(ids), ["g03", "g05"]);
    let (ids, _) = store
        .list_groups(APP, None, Some(&gid("g025")), 10)
        .await
        .expect("after g025");
    assert_eq!(names(ids), ["g03", "g05"]);

    // Type filter and per-type total.
    let av = Some(GroupType::AVChatRoom);
    let (ids, total) = store.list_groups(APP, av, None, 2).await.expect("av");
    assert_eq!(
        (names(ids), total),
        (vec!["@TGS#aAAA".to_string(), "g02".into()], 4)
    );
    let (ids, total) = store
        .list_groups(APP, av, Some(&gid("g02")), 2)
        .await
        .expect("av page 2");
    assert_eq!(
        (names(ids), total),
        (vec!["g03".to_string(), "g05".into()], 4)
    );
    let (ids, total) = store
        .list_groups(APP, Some(GroupType::Community), None, 10)
        .await
        .expect("none");
    assert_eq!((ids.len(), total), (0, 0));
    let (ids, total) = store
        .list_groups(APP, None, None, 0)
        .await
        .expect("limit 0");
    assert_eq!((ids.len(), total), (0, 6));
    let (ids, total) = store
        .list_groups(AppId(9), None, None, 10)
        .await
        .expect("empty app");
    assert_eq!((ids.len(), total), (0, 0));
}

pub async fn groups_of_type_across_apps(store: Arc<dyn Store>) {
    let a = sample_group(APP, "a-room", GroupType::AVChatRoom);
    let mut b = sample_group(OTHER_APP, "b-room", GroupType::AVChatRoom);
    b.custom = vec![("k1".into(), "v1".into())];
    let mut c = sample_group(APP, "c-room", GroupType::AVChatRoom);
    c.custom.clear();
    let work = sample_group(APP, "work", GroupType::Private);
    for g in [&b, &work, &c, &a] {
        store.create_group(g, &[]).await.expect("create");
    }
    let mut got = store
        .groups_of_type(GroupType::AVChatRoom)
        .await
        .expect("av");
    got.sort_by(|x, y| (x.app, &x.id).cmp(&(y.app, &y.id)));
    assert_eq!(got, vec![a, c, b]);
    assert_eq!(
        store
            .groups_of_type(GroupType::Private)
            .await
            .expect("private"),
        vec![work]
    );
    assert!(store
        .groups_of_type(GroupType::Community)
        .await
        .expect("none")
        .is_empty());
}

pub async fn mutes_expire_and_overwrite(store: Arc<dyn Store>) {
    let room = gid("room");
    let other = gid("other");
    create_rooms(&store, &["room", "other"]).await;
    let now = 1_000;
    store
        .set_mute(APP, &room, &uid("u2"), now + 60)
        .await
        .expect("u2");
    store
        .set_mute(APP, &room, &uid("u1"), now + 10)
        .await
        .expect("u1");
    store
        .set_mute(APP, &room, &uid("gone"), now)
        .await
        .expect("gone");
    store
        .set_mute(APP, &room, &uid("old"), now - 5)
        .await
        .expect("old");
    store
        .set_mute(APP, &other, &uid("x"), now + 10)
        .await
        .expect("x");

    let mutes = store.list_mutes(APP, &room, now).await.expect("list");
    assert_eq!(
        mutes,
        vec![
            Restriction {
                user: uid("u1"),
                until: now + 10,
                reason: String::new()
            },
            Restriction {
                user: uid("u2"),
                until: now + 60,
                reason: String::new()
            },
        ]
    );
    // Later, u1's mute has run out.
    assert_eq!(
        users_of(&store.list_mutes(APP, &room, now + 10).await.expect("later")),
        ["u2"]
    );
    // Setting again overwrites (also shortening).
    store
        .set_mute(APP, &room, &uid("u2"), now + 5)
        .await
        .expect("shorten");
    store
        .set_mute(APP, &room, &uid("old"), now + 500)
        .await
        .expect("renew");
    let mutes = store.list_mutes(APP, &room, now).await.expect("list");
    assert_eq!(
        mutes
            .iter()
            .map(|m| (m.user.as_str(), m.until))
            .collect::<Vec<_>>(),
        [("old", now + 500), ("u1", now + 10), ("u2", now + 5)]
    );
    store
        .remove_mute(APP, &room, &uid("u1"))
        .await
        .expect("remove");
    store
        .remove_mute(APP, &room, &uid("never"))
        .await
        .expect("remove absent");
    assert_eq!(
        users_of(&store.list_mutes(APP, &room, now).await.expect("list")),
        ["old", "u2"]
    );
    assert_eq!(
        users_of(&store.list_mutes(APP, &other, now).await.expect("other")),
        ["x"]
    );
    assert!(store
        .list_mutes(OTHER_APP, &room, now)
        .await
        .expect("other app")
        .is_empty());
}

pub async fn bans_ordered_and_expire(store: Arc<dyn Store>) {
    let room = gid("room");
    create_rooms(&store, &["room"]).await;
    let now = 2_000;
    let ban = |user: &str, until: i64, reason: &str| Restriction {
        user: uid(user),
        until,
        reason: reason.into(),
    };
    for b in [
        ban("zz", now + 100, "spam"),
        ban("bb", now + 300, ""),
        ban("aa", now + 100, "flood"),
        ban("expired", now, "old"),
    ] {
        store.set_ban(APP, &room, &b).await.expect("ban");
    }
    assert_eq!(
        store.list_bans(APP, &room, now).await.expect("list"),
        vec![
            ban("aa", now + 100, "flood"),
            ban("zz", now + 100, "spam"),
            ban("bb", now + 300, ""),
        ]
    );
    assert_eq!(
        store.list_bans(APP, &room, now + 100).await.expect("later"),
        vec![ban("bb", now + 300, "")]
    );
    // Overwrite moves the ban in the order and replaces the reason.
    store
        .set_ban(APP, &room, &ban("bb", now + 50, "shorter"))
        .await
        .expect("overwrite");
    store
        .remove_ban(APP, &room, &uid("aa"))
        .await
        .expect("remove");
    store
        .remove_ban(APP, &room, &uid("never"))
        .await
        .expect("remove absent");
    assert_eq!(
        store.list_bans(APP, &room, now).await.expect("list"),
        vec![ban("bb", now + 50, "shorter"), ban("zz", now + 100, "spam")]
    );
    assert!(store
        .list_bans(APP, &gid("other"), now)
        .await
        .expect("other group")
        .is_empty());
}

pub async fn history_round_trip_and_filters(store: Arc<dyn Store>) {
    create_rooms(&store, &["room", "other"]).await;
    let mut batch: Vec<HistoryRecord> = (1..=6)
        .map(|s| history("room", s, 100 + s as i64))
        .collect();
    batch[2].priority = Priority::High;
    batch[3].priority = Priority::Lowest;
    batch[4].priority = Priority::Normal;
    batch.push(history("other", 1, 50));
    store.append_history(&batch, 100).await.expect("append");

    // Newest first, every field intact.
    let all = store
        .history(APP, &gid("room"), 0, None, 100, false)
        .await
        .expect("all");
    let mut expected: Vec<HistoryRecord> = batch[..6].to_vec();
    expected.reverse();
    assert_eq!(all, expected);

    // A duplicate sequence number keeps the first message.
    let mut dup = history("room", 3, 999);
    dup.body = "duplicate".into();
    store.append_history(&[dup], 100).await.expect("dup");
    let again = store
        .history(APP, &gid("room"), 0, None, 100, false)
        .await
        .expect("again");
    assert_eq!(again, expected);

    // limit keeps the newest.
    let newest = store
        .history(APP, &gid("room"), 0, None, 2, false)
        .await
        .expect("limit");
    assert_eq!(seqs(&newest), [6, 5]);
    // since is inclusive (msg_time >= since).
    let recent = store
        .history(APP, &gid("room"), 104, None, 100, false)
        .await
        .expect("since");
    assert_eq!(seqs(&recent), [6, 5, 4]);
    // max_seq is inclusive.
    let older = store
        .history(APP, &gid("room"), 0, Some(4), 2, false)
        .await
        .expect("max_seq");
    assert_eq!(seqs(&older), [4, 3]);
    let both = store
        .history(APP, &gid("room"), 103, Some(5), 100, false)
        .await
        .expect("both");
    assert_eq!(seqs(&both), [5, 4, 3]);
    assert!(store
        .history(APP, &gid("room"), 0, Some(0), 100, false)
        .await
        .expect("none")
        .is_empty());
    assert_eq!(
        store
            .history(APP, &gid("other"), 0, None, 100, false)
            .await
            .expect("other"),
        vec![history("other", 1, 50)]
    );
    assert!(store
        .history(OTHER_APP, &gid("room"), 0, None, 100, false)
        .await
        .expect("other app")
        .is_empty());
    store.append_history(&[], 1).await.expect("empty batch");
}

pub async fn history_keeps_newest_per_group(store: Arc<dyn Store>) {
    create_rooms(&store, &["room", "busy", "quiet"]).await;
    let quiet: Vec<HistoryRecord> = (1..=5).map(|s| history("quiet", s, s as i64)).collect();
    store.append_history(&quiet, 100).await.expect("quiet");

    // Out of order within the batch; trimming is by msg_seq.
    let batch: Vec<HistoryRecord> = [5, 1, 4, 2, 3]
        .into_iter()
        .map(|s| history("room", s, 10))
        .chain((1..=2).map(|s| history("busy", s, 10)))
        .collect();
    store.append_history(&batch, 3).await.expect("append");
    let room = store
        .history(APP, &gid("room"), 0, None, 100, false)
        .await
        .expect("room");
    assert_eq!(seqs(&room), [5, 4, 3]);
    let busy = store
        .history(APP, &gid("busy"), 0, None, 100, false)
        .await
        .expect("busy");
    assert_eq!(seqs(&busy), [2, 1]);

    let more: Vec<HistoryRecord> = (6..=7).map(|s| history("room", s, 11)).collect();
    store.append_history(&more, 3).await.expect("more");
    let room = store
        .history(APP, &gid("room"), 0, None, 100, false)
        .await
        .expect("room");
    assert_eq!(seqs(&room), [7, 6, 5]);
    // Groups not in the batch are not trimmed.
    let quiet = store
        .history(APP, &gid("quiet"), 0, None, 100, false)
        .await
        .expect("quiet");
    assert_eq!(quiet.len(), 5);

    store
        .append_history(&[history("busy", 3, 12)], 0)
        .await
        .expect("keep none");
    assert!(store
        .history(APP, &gid("busy"), 0, None, 100, false)
        .await
        .expect("busy")
        .is_empty());
}

/// More rows and more groups in one batch than any one statement of a backend may carry.
pub async fn history_large_batch(store: Arc<dyn Store>) {
    let ids: Vec<String> = (0..200).map(|g| format!("room{g:03}")).collect();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    create_rooms(&store, &id_refs).await;
    // 300 messages to "room000", and two to each of the other 199 rooms.
    let batch: Vec<HistoryRecord> = (1..=300)
        .map(|s| history("room000", s, 10))
        .chain(
            ids[1..]
                .iter()
                .flat_map(|id| (1..=2).map(|s| history(id, s, 10))),
        )
        .collect();
    store.append_history(&batch, 150).await.expect("append");
    let busy = store
        .history(APP, &gid("room000"), 0, None, 1000, false)
        .await
        .expect("busy");
    assert_eq!(seqs(&busy), (151..=300).rev().collect::<Vec<u64>>());

    store
        .append_history(&batch[300..], 1)
        .await
        .expect("append");
    for id in &ids[1..] {
        let kept = store
            .history(APP, &gid(id), 0, None, 1000, false)
            .await
            .expect("room");
        assert_eq!(seqs(&kept), [2], "{id}");
    }
}

/// Batches of disjoint groups written at the same time (as writers per shard of rooms do)
/// are each stored and trimmed whole.
pub async fn history_concurrent_batches(store: Arc<dyn Store>) {
    let ids: Vec<String> = (0..8).map(|g| format!("room{g}")).collect();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    create_rooms(&store, &id_refs).await;
    let writers = ids.iter().map(|id| {
        let store = store.clone();
        let id = id.clone();
        tokio::spawn(async move {
            for round in 0..5_u64 {
                let batch: Vec<HistoryRecord> =
                    (1..=4).map(|s| history(&id, round * 4 + s, 10)).collect();
                store.append_history(&batch, 6).await.expect("append");
            }
        })
    });
    for writer in writers.collect::<Vec<_>>() {
        writer.await.expect("writer");
    }
    for id in &ids {
        let kept = store
            .history(APP, &gid(id), 0, None, 100, false)
            .await
            .expect("room");
        assert_eq!(seqs(&kept), [20, 19, 18, 17, 16, 15], "{id}");
    }
}

pub async fn history_skips_deleted_groups(store: Arc<dyn Store>) {
    create_rooms(&store, &["room"]).await;
    let batch = vec![history("gone", 1, 10), history("room", 1, 10)];
    store.append_history(&batch, 10).await.expect("append");
    assert_eq!(
        seqs(
            &store
                .history(APP, &gid("room"), 0, None, 10, false)
                .await
                .expect("room")
        ),
        [1]
    );
    assert!(store
        .history(APP, &gid("gone"), 0, None, 10, false)
        .await
        .expect("gone")
        .is_empty());
    // A group created later with that id does not inherit anything.
    store
        .create_group(&sample_group(APP, "gone", GroupType::AVChatRoom), &[])
        .await
        .expect("create gone");
    assert!(store
        .history(APP, &gid("gone"), 0, None, 10, false)
        .await
        .expect("gone")
        .is_empty());
}

pub async fn history_recall_marks_once(store: Arc<dyn Store>) {
    create_rooms(&store, &["room", "other"]).await;
    let batch: Vec<HistoryRecord> = (1..=5)
        .map(|s| history("room", s, 100 + s as i64))
        .chain([history("other", 2, 100)])
        .collect();
    store.append_history(&batch, 10).await.expect("append");

    // Unknown and repeated numbers are skipped; the answer is ascending.
    let marked = store
        .recall_history(APP, &gid("room"), &[4, 9, 2, 4])
        .await
        .expect("recall");
    assert_eq!(marked, [2, 4]);
    assert!(store
        .recall_history(APP, &gid("room"), &[2])
        .await
        .expect("again")
        .is_empty());
    assert!(store
        .recall_history(APP, &gid("room"), &[])
        .await
        .expect("empty")
        .is_empty());
    assert!(store
        .recall_history(APP, &gid("missing"), &[1])
        .await
        .expect("missing group")
        .is_empty());
    assert!(store
        .recall_history(OTHER_APP, &gid("room"), &[1])
        .await
        .expect("other app")
        .is_empty());

    // Left out by default, limit counted over what is returned.
    let visible = store
        .history(APP, &gid("room"), 0, None, 3, false)
        .await
        .expect("visible");
    assert_eq!(seqs(&visible), [5, 3, 1]);
    // With recalled ones: placeholders with their body and custom data cleared.
    let all = store
        .history(APP, &gid("room"), 0, None, 10, true)
        .await
        .expect("all");
    assert_eq!(seqs(&all), [5, 4, 3, 2, 1]);
    let mut placeholder = history("room", 4, 104);
    placeholder.body = "[]".into();
    placeholder.cloud_custom_data = String::new();
    placeholder.recalled = true;
    assert_eq!(all[1], placeholder);
    assert_eq!(all[0], batch[4], "the others are untouched");
    // Another group with the same number is untouched.
    assert_eq!(
        store
            .history(APP, &gid("other"), 0, None, 10, false)
            .await
            .expect("other"),
        vec![history("other", 2, 100)]
    );
}

pub async fn history_prune(store: Arc<dyn Store>) {
    create_rooms(&store, &["room", "other"]).await;
    let batch: Vec<HistoryRecord> = (1..=4)
        .map(|s| history("room", s, 100 * s as i64))
        .chain([history("other", 1, 150)])
        .collect();
    store.append_history(&batch, 10).await.expect("append");
    assert_eq!(store.prune_history(100).await.expect("none older"), 0);
    assert_eq!(store.prune_history(201).await.expect("prune"), 3);
    assert_eq!(
        seqs(
            &store
                .history(APP, &gid("room"), 0, None, 10, false)
                .await
                .expect("room")
        ),
        [4, 3]
    );
    assert!(store
        .history(APP, &gid("other"), 0, None, 10, false)
        .await
        .expect("other")
        .is_empty());
    assert_eq!(store.prune_history(201).await.expect("again"), 0);
}

pub async fn delete_group_cascades(store: Arc<dyn Store>) {
    let room = gid("room");
    let group = sample_group(APP, "room", GroupType::AVChatRoom);
    store.create_group(&group, &[]).await.expect("create");
    let keeper = sample_group(APP, "keeper", GroupType::AVChatRoom);
    store
        .create_group(&keeper, &[])
        .await
        .expect("create keeper");
    let ban = Restriction {
        user: uid("b"),
        until: i64::MAX,
        reason: "r".into(),
    };
    for g in [&room, &keeper.id] {
        store
            .set_mute(APP, g, &uid("m"), i64::MAX)
            .await
            .expect("mute");
        store.set_ban(APP, g, &ban).await.expect("ban");
    }
    let batch = vec![
        history("room", 1, 10),
        history("room", 2, 11),
        history("keeper", 1, 10),
    ];
    store.append_history(&batch, 10).await.expect("history");
    store
        .raise_msg_seq_ceiling(APP, &room, 1_000)
        .await
        .expect("raise");

    assert!(store.delete_group(APP, &room).await.expect("delete"));
    assert!(!store.delete_group(APP, &room).await.expect("again"));
    assert_eq!(store.get_group(APP, &room).await.expect("get"), None);
    assert!(store
        .list_mutes(APP, &room, 0)
        .await
        .expect("mutes")
        .is_empty());
    assert!(store
        .list_bans(APP, &room, 0)
        .await
        .expect("bans")
        .is_empty());
    assert!(store
        .history(APP, &room, 0, None, 10, false)
        .await
        .expect("history")
        .is_empty());
    let (ids, total) = store.list_groups(APP, None, None, 10).await.expect("list");
    assert_eq!((ids, total), (vec![keeper.id.clone()], 1));

    // The other group kept everything.
    assert_eq!(
        store.get_group(APP, &keeper.id).await.expect("keeper"),
        Some(keeper.clone())
    );
    assert_eq!(
        store.list_mutes(APP, &keeper.id, 0).await.expect("m").len(),
        1
    );
    assert_eq!(
        store.list_bans(APP, &keeper.id, 0).await.expect("b").len(),
        1
    );
    assert_eq!(
        store
            .history(APP, &keeper.id, 0, None, 10, false)
            .await
            .expect("h")
            .len(),
        1
    );

    // Recreating the id starts clean.
    let mut fresh = sample_group(APP, "room", GroupType::Public);
    fresh.custom = vec![("only".into(), "one".into())];
    store.create_group(&fresh, &[]).await.expect("recreate");
    assert_eq!(store.get_group(APP, &room).await.expect("get"), Some(fresh));
    assert!(store
        .list_mutes(APP, &room, 0)
        .await
        .expect("mutes")
        .is_empty());
    assert!(store
        .list_bans(APP, &room, 0)
        .await
        .expect("bans")
        .is_empty());
    assert!(store
        .history(APP, &room, 0, None, 10, false)
        .await
        .expect("history")
        .is_empty());
    assert!(!store
        .delete_group(OTHER_APP, &keeper.id)
        .await
        .expect("other app"));
}
