//! The behaviour suite's stored-group cases: members, join requests, messages and unread
//! positions (see the parent module).

use std::sync::Arc;

use liveroom_core::group::{GroupType, MsgFlag, Priority};
use liveroom_core::ids::{AppId, GroupId, UserId};
use liveroom_core::store::{
    group_flags, GroupAppend, GroupPage, GroupRange, JoinRequest, MemberAdded, MemberPage,
    MemberPatch, NewMember, RequestKind, Store,
};

use super::sample_group;

const APP: AppId = AppId(1_400_000_001);

fn uid(s: &str) -> UserId {
    UserId::from_trusted(s)
}

fn gid(s: &str) -> GroupId {
    GroupId::from_trusted(s)
}

fn member(user: &str, join_time: i64) -> NewMember {
    NewMember {
        user: uid(user),
        join_time,
        admin: false,
        unread: 0,
    }
}

fn msg(group: &str, from: &str, time: i64, text: &str) -> GroupAppend {
    GroupAppend {
        app: APP,
        group: gid(group),
        topic: String::new(),
        from: uid(from),
        time,
        random: 9,
        priority: Priority::Normal,
        flags: 0,
        body: format!(r#"[{{"MsgType":"TIMTextElem","MsgContent":{{"Text":"{text}"}}}}]"#),
        cloud_custom_data: String::new(),
        at_info: String::new(),
        offline_push: String::new(),
        mentions: Vec::new(),
        imported: false,
        sender_is_member: true,
    }
}

async fn unread(store: &dyn Store, group: &str, user: &str) -> u64 {
    store
        .group_member(APP, &gid(group), &uid(user))
        .await
        .expect("member")
        .expect("is a member")
        .unread
}

async fn work_group(store: &dyn Store, id: &str, members: &[&str]) {
    let mut g = sample_group(APP, id, GroupType::Private);
    g.owner = Some(uid(members[0]));
    let first: Vec<NewMember> = members.iter().map(|m| member(m, 100)).collect();
    store.create_group(&g, &first).await.expect("create");
}

pub async fn group_members_added_capped_and_removed(store: Arc<dyn Store>) {
    work_group(&*store, "team", &["owner_1", "ann"]).await;
    let g = store
        .get_group(APP, &gid("team"))
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(g.member_num, 2);
    let mut admin = member("bob", 200);
    admin.admin = true;
    let added = store
        .add_members(
            APP,
            &gid("team"),
            &[
                admin,
                member("ann", 200),
                member("cat", 200),
                member("dan", 200),
            ],
            4,
        )
        .await
        .expect("add");
    assert_eq!(
        added,
        vec![
            MemberAdded::Added,
            MemberAdded::Already,
            MemberAdded::Added,
            MemberAdded::Full
        ]
    );
    let bob = store
        .group_member(APP, &gid("team"), &uid("bob"))
        .await
        .expect("read")
        .expect("member");
    assert!(bob.admin);
    assert_eq!(bob.join_time, 200);
    assert_eq!(bob.msg_flag, MsgFlag::AcceptAndNotify);
    // Pages by join time then id, and by id.
    let all = store
        .group_members(APP, &gid("team"), &MemberPage::Offset(0), 10, false)
        .await
        .expect("list");
    let ids: Vec<&str> = all.iter().map(|m| m.user.as_str()).collect();
    assert_eq!(ids, vec!["ann", "owner_1", "bob", "cat"]);
    let after = store
        .group_members(
            APP,
            &gid("team"),
            &MemberPage::After(Some(uid("bob"))),
            2,
            false,
        )
        .await
        .expect("list");
    let ids: Vec<&str> = after.iter().map(|m| m.user.as_str()).collect();
    assert_eq!(ids, vec!["cat", "owner_1"]);
    let admins = store
        .group_members(APP, &gid("team"), &MemberPage::After(None), 10, true)
        .await
        .expect("list");
    assert_eq!(admins.len(), 1);
    let some = store
        .group_members_of(APP, &gid("team"), &[uid("cat"), uid("zed"), uid("ann")])
        .await
        .expect("some");
    assert_eq!(some.len(), 2);
    // Removing: members only, once each; the admin role goes with it.
    let gone = store
        .remove_members(APP, &gid("team"), &[uid("bob"), uid("zed"), uid("bob")])
        .await
        .expect("remove");
    assert_eq!(gone, vec![uid("bob")]);
    assert!(store
        .list_group_admins(APP, &gid("team"))
        .await
        .expect("admins")
        .is_empty());
    let g = store
        .get_group(APP, &gid("team"))
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(g.member_num, 3);
    // Patches: only the fields named.
    assert!(store
        .patch_member(
            APP,
            &gid("team"),
            &uid("cat"),
            &MemberPatch {
                name_card: Some("Cat".into()),
                custom: Some(vec![("lvl".into(), "3".into())]),
                ..Default::default()
            },
        )
        .await
        .expect("patch"));
    assert!(store
        .patch_member(
            APP,
            &gid("team"),
            &uid("cat"),
            &MemberPatch {
                msg_flag: Some(MsgFlag::Discard),
                ..Default::default()
            },
        )
        .await
        .expect("patch"));
    let cat = store
        .group_member(APP, &gid("team"), &uid("cat"))
        .await
        .expect("read")
        .expect("member");
    assert_eq!(cat.name_card, "Cat");
    assert_eq!(cat.custom, vec![("lvl".to_string(), "3".to_string())]);
    assert_eq!(cat.msg_flag, MsgFlag::Discard);
    assert!(!store
        .patch_member(APP, &gid("team"), &uid("zed"), &MemberPatch::default())
        .await
        .expect("patch"));
    // Deleting the group takes its members.
    assert!(store.delete_group(APP, &gid("team")).await.expect("delete"));
    assert!(store
        .joined_groups(APP, &uid("cat"))
        .await
        .expect("joined")
        .is_empty());
}

pub async fn group_join_requests_pending_and_settled(store: Arc<dyn Store>) {
    work_group(&*store, "club", &["owner_1"]).await;
    let req = |user: &str, time: i64| JoinRequest {
        user: uid(user),
        kind: RequestKind::Apply,
        inviter: None,
        wording: format!("let {user} in"),
        time,
    };
    store
        .put_join_request(APP, &gid("club"), &req("bob", 20))
        .await
        .expect("put");
    store
        .put_join_request(APP, &gid("club"), &req("ann", 10))
        .await
        .expect("put");
    let invite = JoinRequest {
        kind: RequestKind::Invite,
        inviter: Some(uid("owner_1")),
        ..req("bob", 30)
    };
    store
        .put_join_request(APP, &gid("club"), &invite)
        .await
        .expect("replace");
    let pending = store.join_requests(APP, &gid("club")).await.expect("list");
    assert_eq!(pending, vec![req("ann", 10), invite.clone()]);
    assert_eq!(
        store
            .take_join_request(APP, &gid("club"), &uid("bob"))
            .await
            .expect("take"),
        Some(invite)
    );
    assert_eq!(
        store
            .take_join_request(APP, &gid("club"), &uid("bob"))
            .await
            .expect("take"),
        None
    );
    // Adding a user settles its request.
    store
        .add_members(APP, &gid("club"), &[member("ann", 50)], 0)
        .await
        .expect("add");
    assert!(store
        .join_requests(APP, &gid("club"))
        .await
        .expect("list")
        .is_empty());
}

pub async fn group_messages_numbered_counted_and_read(store: Arc<dyn Store>) {
    work_group(&*store, "g1", &["owner_1", "ann", "bob"]).await;
    work_group(&*store, "g2", &["owner_1", "ann"]).await;
    let mut tip = msg("g1", "owner_1", 12, "tip");
    tip.flags = group_flags::SYSTEM;
    tip.sender_is_member = false;
    let mut quiet = msg("g1", "bob", 13, "quiet");
    quiet.flags = group_flags::NO_UNREAD | group_flags::NO_LAST_MSG;
    let out = store
        .append_group(&[
            msg("g1", "ann", 10, "1"),
            msg("g2", "ann", 10, "a"),
            msg("g1", "bob", 11, "2"),
            tip,
            quiet,
        ])
        .await
        .expect("append");
    let seqs: Vec<u64> = out.iter().map(|a| a.seq).collect();
    assert_eq!(seqs, vec![1, 1, 2, 3, 4]);
    // Own messages never count; tips and NoUnread do not count.
    assert_eq!(unread(&*store, "g1", "owner_1").await, 2);
    assert_eq!(unread(&*store, "g1", "ann").await, 1);
    // Bob's message came after Ann's: sending read it.
    assert_eq!(unread(&*store, "g1", "bob").await, 0);
    let state = store
        .thread_state(APP, &gid("g1"), "")
        .await
        .expect("state");
    assert_eq!(state.last_seq, 4);
    // The conversation shows the newest message that moves it (not the NoLastMsg one).
    let joined = store
        .joined_groups(APP, &uid("owner_1"))
        .await
        .expect("joined");
    let g1 = joined
        .iter()
        .find(|c| c.group.as_str() == "g1")
        .expect("g1 listed");
    assert_eq!(g1.last.as_ref().map(|m| m.seq), Some(3));
    assert_eq!(g1.thread.last_time, 12);
    assert_eq!(g1.member.unread, 2);
    assert_eq!(joined.len(), 2);
    // Reading up to 1 leaves Bob's message; reading never goes back.
    assert_eq!(
        store
            .read_group(APP, &gid("g1"), &uid("owner_1"), Some(1))
            .await
            .expect("read"),
        Some((1, 1))
    );
    assert_eq!(
        store
            .read_group(APP, &gid("g1"), &uid("owner_1"), Some(0))
            .await
            .expect("read"),
        Some((1, 1))
    );
    assert_eq!(
        store
            .read_group(APP, &gid("g1"), &uid("owner_1"), None)
            .await
            .expect("read"),
        Some((4, 0))
    );
    assert_eq!(
        store
            .read_group(APP, &gid("g1"), &uid("zed"), None)
            .await
            .expect("read"),
        None
    );
    // A member added now starts with nothing unread and does not see earlier messages
    // unless the group shows them (the sample group does).
    store
        .add_members(APP, &gid("g1"), &[member("cat", 300)], 0)
        .await
        .expect("add");
    let cat = store
        .group_member(APP, &gid("g1"), &uid("cat"))
        .await
        .expect("read")
        .expect("member");
    assert_eq!((cat.join_seq, cat.unread), (4, 0));
    store
        .append_group(&[msg("g1", "ann", 20, "3")])
        .await
        .expect("append");
    assert_eq!(unread(&*store, "g1", "cat").await, 1);
    // set_unread_msg_num moves the read position.
    assert!(store
        .set_group_unread(APP, &gid("g1"), &uid("cat"), 3)
        .await
        .expect("set"));
    assert_eq!(unread(&*store, "g1", "cat").await, 3);
    assert!(store
        .set_group_unread(APP, &gid("g1"), &uid("cat"), 1000)
        .await
        .expect("set"));
    assert_eq!(unread(&*store, "g1", "cat").await, 3);
    assert!(store
        .set_group_unread(APP, &gid("g1"), &uid("cat"), 0)
        .await
        .expect("set"));
    assert_eq!(unread(&*store, "g1", "cat").await, 0);
}

pub async fn group_message_pages_recall_and_edit(store: Arc<dyn Store>) {
    work_group(&*store, "g", &["owner_1", "ann"]).await;
    let batch: Vec<GroupAppend> = (1..=30)
        .map(|i| msg("g", "ann", 100 + i, &i.to_string()))
        .collect();
    store.append_group(&batch).await.expect("append");
    let page = |p, floor, with| {
        let store = store.clone();
        async move {
            store
                .group_messages(
                    APP,
                    &gid("g"),
                    "",
                    &GroupRange {
                        page: p,
                        floor,
                        limit: 5,
                        with_recalled: with,
                    },
                )
                .await
                .expect("page")
                .iter()
                .map(|m| m.seq)
                .collect::<Vec<u64>>()
        }
    };
    assert_eq!(
        page(GroupPage::AtOrBefore(u64::MAX), 0, false).await,
        vec![30, 29, 28, 27, 26]
    );
    assert_eq!(
        page(GroupPage::AtOrBefore(12), 0, false).await,
        vec![12, 11, 10, 9, 8]
    );
    assert_eq!(page(GroupPage::After(27), 0, false).await, vec![28, 29, 30]);
    assert_eq!(
        page(GroupPage::AtOrBefore(12), 10, false).await,
        vec![12, 11]
    );
    let recalled = store
        .recall_group(APP, &gid("g"), "", &[11, 11, 99, 12])
        .await
        .expect("recall");
    assert_eq!(recalled, vec![11, 12]);
    assert!(store
        .recall_group(APP, &gid("g"), "", &[11])
        .await
        .expect("again")
        .is_empty());
    assert_eq!(
        page(GroupPage::AtOrBefore(12), 0, false).await,
        vec![10, 9, 8, 7, 6]
    );
    assert_eq!(
        page(GroupPage::AtOrBefore(12), 0, true).await,
        vec![12, 11, 10, 9, 8]
    );
    let gone = store
        .group_message(APP, &gid("g"), "", 11)
        .await
        .expect("read")
        .expect("placeholder");
    assert!(gone.has(group_flags::RECALLED));
    assert_eq!(gone.body, "[]");
    let edited = store
        .modify_group_message(APP, &gid("g"), "", 13, None, Some("ccd"))
        .await
        .expect("modify")
        .expect("there");
    assert!(edited.has(group_flags::EDITED));
    assert_eq!(edited.cloud_custom_data, "ccd");
    assert!(edited.body.contains(r#""Text":"13""#));
    assert!(store
        .modify_group_message(APP, &gid("g"), "", 11, Some("[]"), None)
        .await
        .expect("modify")
        .is_none());
    assert_eq!(
        store
            .delete_group_messages_by(APP, &gid("g"), "", &uid("ann"))
            .await
            .expect("delete"),
        30
    );
    store
        .append_group(&[msg("g", "ann", 5, "old"), msg("g", "ann", 500, "new")])
        .await
        .expect("append");
    assert_eq!(
        store.prune_group_messages(APP, 100).await.expect("prune"),
        1
    );
    assert_eq!(
        page(GroupPage::AtOrBefore(u64::MAX), 0, false).await,
        vec![32]
    );
}

pub async fn group_concurrent_batches_never_share_a_number(store: Arc<dyn Store>) {
    work_group(&*store, "busy", &["owner_1", "ann"]).await;
    let mut tasks = Vec::new();
    for t in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut seqs = Vec::new();
            for i in 0..10 {
                let batch: Vec<GroupAppend> = (0..3)
                    .map(|k| msg("busy", "ann", t * 100 + i * 3 + k, "x"))
                    .collect();
                for a in store.append_group(&batch).await.expect("append") {
                    seqs.push(a.seq);
                }
            }
            seqs
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("task"));
    }
    all.sort_unstable();
    assert_eq!(all, (1..=120).collect::<Vec<u64>>());
    assert_eq!(unread(&*store, "busy", "owner_1").await, 120);
    assert_eq!(unread(&*store, "busy", "ann").await, 0);
}

fn topic(id: &str, time: i64) -> liveroom_core::store::TopicRecord {
    liveroom_core::store::TopicRecord {
        id: id.into(),
        name: format!("name {id}"),
        face_url: String::new(),
        introduction: "intro".into(),
        notification: String::new(),
        custom_string: "cs".into(),
        mute_all: false,
        create_time: time,
        creator: "owner_1".into(),
        thread: Default::default(),
    }
}

pub async fn group_topics_keep_their_own_numbers_and_reads(store: Arc<dyn Store>) {
    let mut g = sample_group(APP, "town", GroupType::Community);
    g.owner = Some(uid("ann"));
    store
        .create_group(&g, &[member("ann", 100), member("bob", 100)])
        .await
        .expect("create");
    store
        .create_topic(APP, &gid("town"), &topic("town@TOPIC#_b", 20))
        .await
        .expect("topic");
    store
        .create_topic(APP, &gid("town"), &topic("town@TOPIC#_a", 10))
        .await
        .expect("topic");
    assert!(matches!(
        store
            .create_topic(APP, &gid("town"), &topic("town@TOPIC#_a", 30))
            .await,
        Err(liveroom_core::store::StoreError::Conflict)
    ));
    let in_topic = |t: &str, from: &str, time: i64| GroupAppend {
        topic: t.into(),
        ..msg("town", from, time, "x")
    };
    // One message before Bob joined, three after (one of them Bob's own), one in the group.
    let out = store
        .append_group(&[
            in_topic("town@TOPIC#_a", "ann", 50),
            in_topic("town@TOPIC#_a", "ann", 200),
            in_topic("town@TOPIC#_b", "ann", 201),
            in_topic("town@TOPIC#_a", "bob", 202),
            in_topic("town@TOPIC#_a", "ann", 203),
            msg("town", "ann", 204, "main"),
        ])
        .await
        .expect("append");
    let seqs: Vec<u64> = out.iter().map(|a| a.seq).collect();
    assert_eq!(seqs, vec![1, 2, 1, 3, 4, 1], "numbered per topic");
    let topics = store.topics(APP, &gid("town"), None).await.expect("topics");
    let ids: Vec<&str> = topics.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, vec!["town@TOPIC#_a", "town@TOPIC#_b"], "by creation");
    assert_eq!(topics[0].thread.last_seq, 4);
    let sides = store
        .topic_sides(APP, &gid("town"), &uid("bob"))
        .await
        .expect("sides")
        .expect("a member");
    let a = sides
        .iter()
        .find(|s| s.topic == "town@TOPIC#_a")
        .expect("a");
    assert_eq!((a.read_seq, a.unread, a.join_seq), (3, 1, 1));
    let b = sides
        .iter()
        .find(|s| s.topic == "town@TOPIC#_b")
        .expect("b");
    assert_eq!((b.read_seq, b.unread), (0, 1));
    assert_eq!(
        unread(&*store, "town", "bob").await,
        1,
        "the group's own thread"
    );
    assert_eq!(
        store
            .read_topic(APP, &gid("town"), "town@TOPIC#_b", &uid("bob"), None)
            .await
            .expect("read"),
        Some((1, 0))
    );
    assert_eq!(
        store
            .read_topic(APP, &gid("town"), "town@TOPIC#_a", &uid("zed"), None)
            .await
            .expect("read"),
        None
    );
    // A member's own permission in a topic, set, changed and removed.
    let perm = |p| {
        let store = store.clone();
        async move {
            store
                .set_topic_permission(APP, &gid("town"), "town@TOPIC#_a", &uid("bob"), p)
                .await
                .expect("set");
            store
                .topic_permission(APP, &gid("town"), "town@TOPIC#_a", &uid("bob"))
                .await
                .expect("get")
        }
    };
    assert_eq!(perm(Some(1)).await, Some(1));
    assert_eq!(perm(Some(3)).await, Some(3));
    assert_eq!(perm(None).await, None);
    let mut with_permissions = store
        .get_group(APP, &gid("town"))
        .await
        .expect("read")
        .expect("there");
    with_permissions.enable_permission = true;
    with_permissions.default_permission = 2;
    store.update_group(&with_permissions).await.expect("update");
    let back = store
        .get_group(APP, &gid("town"))
        .await
        .expect("read")
        .expect("there");
    assert_eq!((back.enable_permission, back.default_permission), (true, 2));
    let mut changed = topics[1].clone();
    changed.name = "renamed".into();
    changed.mute_all = true;
    assert!(store
        .update_topic(APP, &gid("town"), &changed)
        .await
        .expect("update"));
    let only = store
        .topics(APP, &gid("town"), Some(&["town@TOPIC#_b".to_string()]))
        .await
        .expect("one");
    assert_eq!((only[0].name.as_str(), only[0].mute_all), ("renamed", true));
    let gone = store
        .delete_topics(
            APP,
            &gid("town"),
            &["town@TOPIC#_a".into(), "town@TOPIC#_zzz".into()],
        )
        .await
        .expect("delete");
    assert_eq!(gone, vec!["town@TOPIC#_a".to_string()]);
    let range = GroupRange {
        page: GroupPage::After(0),
        floor: 0,
        limit: 10,
        with_recalled: true,
    };
    assert!(store
        .group_messages(APP, &gid("town"), "town@TOPIC#_a", &range)
        .await
        .expect("page")
        .is_empty());
    assert_eq!(
        store
            .group_messages(APP, &gid("town"), "", &range)
            .await
            .expect("page")
            .len(),
        1,
        "the group's own messages stay"
    );
}

pub async fn group_mentions_reactions_and_extensions(store: Arc<dyn Store>) {
    use liveroom_core::store::{ExtOutcome, ExtWrite, ReactOutcome};
    work_group(&*store, "fx", &["owner_1", "ann", "bob"]).await;
    let mut named = msg("fx", "ann", 10, "hey bob");
    named.mentions = vec![uid("bob")];
    let mut everyone = msg("fx", "ann", 11, "all hands");
    everyone.flags = group_flags::AT_ALL;
    let mut extensible = msg("fx", "ann", 12, "poll");
    extensible.flags = group_flags::EXTENSIBLE;
    store
        .append_group(&[named, everyone, extensible])
        .await
        .expect("append");
    let side = |user: &'static str| {
        let store = store.clone();
        async move {
            store
                .joined_groups(APP, &uid(user))
                .await
                .expect("joined")
                .into_iter()
                .find(|g| g.group.as_str() == "fx")
                .expect("fx")
        }
    };
    let bob = side("bob").await;
    assert_eq!((bob.at_me, bob.at_all), (Some(1), Some(2)));
    let owner = side("owner_1").await;
    assert_eq!((owner.at_me, owner.at_all), (None, Some(2)));
    let ann = side("ann").await;
    assert_eq!(ann.at_all, None, "not one's own");
    store
        .read_group(APP, &gid("fx"), &uid("bob"), Some(2))
        .await
        .expect("read");
    let bob = side("bob").await;
    assert_eq!(
        (bob.at_me, bob.at_all),
        (None, None),
        "read mentions no longer show"
    );

    // Reactions: per kind, with who, bounded in kinds.
    let react = |seq, r: &'static str, u: &'static str, add| {
        let store = store.clone();
        async move {
            store
                .react_group(APP, &gid("fx"), "", seq, r, &uid(u), add, 50, 2)
                .await
                .expect("react")
        }
    };
    assert_eq!(
        react(1, "👍", "bob", true).await,
        ReactOutcome::Done {
            count: 1,
            changed: true
        }
    );
    assert_eq!(
        react(1, "👍", "bob", true).await,
        ReactOutcome::Done {
            count: 1,
            changed: false
        }
    );
    react(1, "👍", "owner_1", true).await;
    react(1, "🎉", "ann", true).await;
    assert_eq!(react(1, "😂", "ann", true).await, ReactOutcome::TooMany);
    assert_eq!(react(99, "👍", "ann", true).await, ReactOutcome::NoMessage);
    let listed = store
        .group_reactions(APP, &gid("fx"), "", &[1, 2], &uid("bob"), 1)
        .await
        .expect("reactions");
    assert_eq!(listed.len(), 1, "messages without reactions are left out");
    let kinds = &listed[0].1;
    let thumbs = kinds.iter().find(|k| k.reaction == "👍").expect("thumbs");
    assert_eq!(
        (thumbs.count, thumbs.users.len(), thumbs.mine),
        (2, 1, true)
    );
    assert_eq!(
        react(1, "👍", "bob", false).await,
        ReactOutcome::Done {
            count: 1,
            changed: true
        }
    );

    // Extensions: versioned per key, only on messages that take them.
    let write = |key: &str, value: &str, expected| ExtWrite {
        key: key.into(),
        value: value.into(),
        expected,
    };
    assert_eq!(
        store
            .set_group_msg_ext(APP, &gid("fx"), "", 1, &[write("k", "v", None)], 10)
            .await
            .expect("set"),
        None,
        "not extensible"
    );
    let set = store
        .set_group_msg_ext(
            APP,
            &gid("fx"),
            "",
            3,
            &[write("votes", "1", Some(0)), write("other", "x", None)],
            2,
        )
        .await
        .expect("set")
        .expect("extensible");
    assert!(matches!(&set[0], ExtOutcome::Set(e) if e.version == 1));
    let again = store
        .set_group_msg_ext(
            APP,
            &gid("fx"),
            "",
            3,
            &[write("votes", "2", Some(0)), write("third", "x", None)],
            2,
        )
        .await
        .expect("set")
        .expect("extensible");
    assert!(matches!(&again[0], ExtOutcome::Conflict(e) if e.version == 1 && e.value == "1"));
    assert_eq!(again[1], ExtOutcome::Full("third".into()));
    let all = store
        .group_msg_ext(APP, &gid("fx"), "", 3)
        .await
        .expect("read")
        .expect("extensible");
    let keys: Vec<&str> = all.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, vec!["other", "votes"]);

    // Clearing takes messages with what hangs on them.
    assert_eq!(
        store
            .clear_group_messages(APP, &gid("fx"), "", Some(2))
            .await
            .expect("clear"),
        2
    );
    assert!(store
        .group_reactions(APP, &gid("fx"), "", &[1], &uid("bob"), 5)
        .await
        .expect("reactions")
        .is_empty());
    assert_eq!(side("bob").await.at_me, None);
}
