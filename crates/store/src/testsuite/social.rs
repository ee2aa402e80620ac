//! The behaviour suite's profile and relationship cases (see the parent module).

use std::sync::Arc;

use liveroom_core::ids::{AppId, UserId};
use liveroom_core::store::{FriendRecord, FriendRequest, ProfilePatch, Store};

const APP: AppId = AppId(1_400_000_001);

fn uid(s: &str) -> UserId {
    UserId::from_trusted(s)
}

fn friend(owner: &str, f: &str, at: i64) -> FriendRecord {
    FriendRecord {
        owner: uid(owner),
        friend: uid(f),
        remark: format!("{f}!"),
        groups: vec!["work".into()],
        add_source: "AddSource_Type_Web".into(),
        add_wording: String::new(),
        added_at: at,
    }
}

pub async fn profiles_update_in_one_transaction(store: Arc<dyn Store>) {
    store.ensure_user(APP, &uid("ann"), 1).await.expect("user");
    let patch = ProfilePatch {
        nick: Some("Ann".into()),
        face_url: None,
    };
    let items = vec![
        (
            "Tag_Profile_IM_Gender".to_string(),
            Some("\"Gender_Type_Female\"".to_string()),
        ),
        ("Tag_Profile_IM_Level".to_string(), Some("7".to_string())),
    ];
    assert!(store
        .update_profile(APP, &uid("ann"), &patch, &items)
        .await
        .expect("update"));
    assert!(!store
        .update_profile(APP, &uid("ghost"), &patch, &items)
        .await
        .expect("update"));
    let mut got = store
        .profile_items(APP, &[uid("ann"), uid("ghost")])
        .await
        .expect("read");
    got.sort();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].2, "7");
    assert_eq!(
        store.get_users(APP, &[uid("ann")]).await.expect("users")[0].nick,
        "Ann"
    );
    let remove = vec![("Tag_Profile_IM_Level".to_string(), None)];
    store
        .update_profile(APP, &uid("ann"), &ProfilePatch::default(), &remove)
        .await
        .expect("update");
    assert_eq!(
        store
            .profile_items(APP, &[uid("ann")])
            .await
            .expect("read")
            .len(),
        1
    );
}

pub async fn friends_requests_lists_and_blocks(store: Arc<dyn Store>) {
    store
        .put_friend_request(
            APP,
            &FriendRequest {
                from: uid("ann"),
                to: uid("bob"),
                wording: "hi".into(),
                source: "AddSource_Type_Web".into(),
                remark: "Bobby".into(),
                group: String::new(),
                at: 5,
            },
        )
        .await
        .expect("request");
    assert_eq!(
        store
            .friend_requests(APP, &uid("bob"), true)
            .await
            .expect("in")
            .len(),
        1
    );
    assert_eq!(
        store
            .friend_requests(APP, &uid("ann"), false)
            .await
            .expect("out")
            .len(),
        1
    );
    // Becoming friends clears the pending request.
    store
        .put_friends(
            APP,
            &[
                friend("ann", "bob", 10),
                friend("bob", "ann", 10),
                friend("ann", "cat", 11),
            ],
        )
        .await
        .expect("friends");
    assert!(store
        .friend_requests(APP, &uid("bob"), true)
        .await
        .expect("in")
        .is_empty());
    let (page, total) = store
        .friends(APP, &uid("ann"), 0, 1, None)
        .await
        .expect("friends");
    assert_eq!((page[0].friend.as_str(), total), ("bob", 2));
    assert_eq!(page[0].groups, vec!["work".to_string()]);
    let (page, _) = store
        .friends(APP, &uid("ann"), 1, 10, None)
        .await
        .expect("friends");
    assert_eq!(page[0].friend.as_str(), "cat");
    let (mine, theirs) = store
        .friend_links(APP, &uid("ann"), &[uid("bob"), uid("cat"), uid("dan")])
        .await
        .expect("links");
    assert_eq!((mine.len(), theirs.len()), (2, 1));
    store
        .add_friend_lists(APP, &uid("ann"), &["work".into(), "gym".into()])
        .await
        .expect("lists");
    store
        .delete_friend_lists(APP, &uid("ann"), &["work".into()])
        .await
        .expect("delete");
    assert_eq!(
        store.friend_lists(APP, &uid("ann")).await.expect("lists"),
        vec!["gym".to_string()]
    );
    let (page, _) = store
        .friends(APP, &uid("ann"), 0, 10, Some(&[uid("bob")]))
        .await
        .expect("only");
    assert!(page[0].groups.is_empty());
    // Blocking ends the friendship both ways.
    assert_eq!(
        store
            .block(APP, &uid("bob"), &[uid("ann")], 20)
            .await
            .expect("block")
            .len(),
        1
    );
    assert!(store
        .block(APP, &uid("bob"), &[uid("ann")], 21)
        .await
        .expect("again")
        .is_empty());
    let (mine, _) = store
        .friend_links(APP, &uid("ann"), &[uid("bob")])
        .await
        .expect("links");
    assert!(mine.is_empty());
    let (blocked, blockers) = store
        .block_links(APP, &uid("ann"), &[uid("bob")])
        .await
        .expect("b");
    assert_eq!((blocked.len(), blockers.len()), (0, 1));
    assert_eq!(
        store
            .blocklist(APP, &uid("bob"), 0, 10)
            .await
            .expect("list")
            .1,
        1
    );
    assert_eq!(
        store
            .unblock(APP, &uid("bob"), &[uid("ann"), uid("x")])
            .await
            .expect("u")
            .len(),
        1
    );
    let gone = store
        .delete_friends(APP, &uid("ann"), &[uid("cat")], true)
        .await
        .expect("delete");
    assert_eq!(gone.len(), 1);
    assert!(store
        .take_friend_request(APP, &uid("ann"), &uid("bob"))
        .await
        .expect("take")
        .is_none());
}
