//! The behaviour suite's one-to-one chat cases (see the parent module).

use std::sync::Arc;

use liveroom_core::chat::flags;
use liveroom_core::ids::{AppId, UserId};
use liveroom_core::store::{C2cAppend, C2cPage, ConversationCursor, Store};

const APP: AppId = AppId(1_400_000_001);

fn uid(s: &str) -> UserId {
    UserId::from_trusted(s)
}

fn msg(from: &str, to: &str, time: i64, text: &str) -> C2cAppend {
    C2cAppend {
        app: APP,
        from: uid(from),
        to: uid(to),
        time,
        client_seq: 7,
        random: 42,
        flags: 0,
        body: format!(r#"[{{"MsgType":"TIMTextElem","MsgContent":{{"Text":"{text}"}}}}]"#),
        cloud_custom_data: String::new(),
        offline_push: String::new(),
        update_last: true,
    }
}

async fn texts(store: &dyn Store, owner: &str, peer: &str, page: C2cPage) -> Vec<u64> {
    store
        .c2c_messages(APP, &uid(owner), &uid(peer), page, 100)
        .await
        .expect("messages")
        .iter()
        .map(|m| m.seq)
        .collect()
}

pub async fn c2c_numbers_per_conversation(store: Arc<dyn Store>) {
    let batch = vec![
        msg("ann", "bob", 10, "1"),
        msg("bob", "ann", 11, "2"),
        msg("ann", "cat", 12, "x"),
        msg("ann", "bob", 13, "3"),
        msg("ann", "ann", 14, "note to self"),
    ];
    let out = store.append_c2c(&batch).await.expect("append");
    let seqs: Vec<u64> = out.iter().map(|a| a.seq).collect();
    assert_eq!(seqs, vec![1, 2, 1, 3, 1]);
    // Bob's unread after each of Ann's messages to him; Ann's after Bob's; none for self.
    let unread: Vec<u64> = out.iter().map(|a| a.receiver_unread).collect();
    assert_eq!(unread, vec![1, 1, 1, 2, 0]);
    let more = store
        .append_c2c(&[msg("bob", "ann", 20, "4")])
        .await
        .expect("append");
    assert_eq!((more[0].seq, more[0].receiver_unread), (4, 2));
    assert_eq!(store.total_unread(APP, &uid("bob")).await.expect("n"), 2);
    assert_eq!(store.total_unread(APP, &uid("ann")).await.expect("n"), 2);
    assert_eq!(store.total_unread(APP, &uid("cat")).await.expect("n"), 1);
    let stored = store
        .c2c_message(APP, &uid("bob"), &uid("ann"), 2)
        .await
        .expect("read")
        .expect("present");
    assert_eq!((stored.from.as_str(), stored.to.as_str()), ("bob", "ann"));
    assert_eq!(stored.time, 11);
    assert!(stored.body.contains(r#""Text":"2""#));
    assert_eq!(
        texts(&*store, "ann", "ann", C2cPage::After(0)).await,
        vec![1]
    );
}

pub async fn c2c_concurrent_batches_never_share_a_number(store: Arc<dyn Store>) {
    let mut tasks = Vec::new();
    for t in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let batch: Vec<_> = (0..25)
                .map(|i| msg("ann", "bob", t * 100 + i, "x"))
                .collect();
            store.append_c2c(&batch).await.expect("append")
        }));
    }
    let mut seqs = Vec::new();
    for t in tasks {
        seqs.extend(t.await.expect("task").into_iter().map(|a| a.seq));
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=100).collect::<Vec<u64>>());
    let c = store
        .conversations_with(APP, &uid("bob"), &[uid("ann")])
        .await
        .expect("side");
    assert_eq!((c[0].unread, c[0].last_seq), (100, 100));
}

pub async fn c2c_pages_and_sides(store: Arc<dyn Store>) {
    let mut batch: Vec<_> = (0..10)
        .map(|i| {
            msg(
                if i % 2 == 0 { "ann" } else { "bob" },
                if i % 2 == 0 { "bob" } else { "ann" },
                100 + i,
                "m",
            )
        })
        .collect();
    // The eleventh is kept from its sender's side (SyncOtherMachine 2).
    let mut hidden = msg("ann", "bob", 200, "hidden");
    hidden.flags = flags::HIDDEN_FROM_SENDER;
    batch.push(hidden);
    store.append_c2c(&batch).await.expect("append");
    assert_eq!(
        texts(&*store, "bob", "ann", C2cPage::After(8)).await,
        vec![9, 10, 11]
    );
    assert_eq!(
        texts(&*store, "ann", "bob", C2cPage::After(8)).await,
        vec![9, 10]
    );
    assert_eq!(
        texts(&*store, "ann", "bob", C2cPage::Before(u64::MAX)).await[..3],
        [10, 9, 8]
    );
    let page = store
        .c2c_messages(APP, &uid("bob"), &uid("ann"), C2cPage::Before(5), 2)
        .await
        .expect("page");
    assert_eq!(page.iter().map(|m| m.seq).collect::<Vec<_>>(), vec![4, 3]);
    // By time, newest first, continuing from (time, seq).
    assert_eq!(
        texts(
            &*store,
            "bob",
            "ann",
            C2cPage::Time {
                min: 102,
                max: 105,
                before: None
            }
        )
        .await,
        vec![6, 5, 4, 3]
    );
    assert_eq!(
        texts(
            &*store,
            "bob",
            "ann",
            C2cPage::Time {
                min: 102,
                max: 105,
                before: Some((104, 5))
            }
        )
        .await,
        vec![4, 3]
    );
    // The sender's side shows its last visible message; the receiver's the hidden one.
    let ann = store
        .conversations_with(APP, &uid("ann"), &[uid("bob")])
        .await
        .expect("side");
    assert_eq!(ann[0].last_seq, 10);
    let bob = store
        .conversations_with(APP, &uid("bob"), &[uid("ann")])
        .await
        .expect("side");
    assert_eq!(bob[0].last_seq, 11);
    assert!(bob[0].last.as_ref().expect("last").body.contains("hidden"));
    // Clearing takes the messages so far off one side only.
    assert!(store
        .delete_conversation(APP, &uid("ann"), &uid("bob"), true)
        .await
        .expect("delete"));
    assert!(texts(&*store, "ann", "bob", C2cPage::After(0))
        .await
        .is_empty());
    assert_eq!(
        texts(&*store, "bob", "ann", C2cPage::After(0)).await.len(),
        11
    );
    assert!(store
        .conversations(APP, &uid("ann"), None, 10)
        .await
        .expect("list")
        .0
        .is_empty());
    store
        .append_c2c(&[msg("bob", "ann", 300, "back")])
        .await
        .expect("append");
    assert_eq!(
        texts(&*store, "ann", "bob", C2cPage::After(0)).await,
        vec![12]
    );
    let (list, total) = store
        .conversations(APP, &uid("ann"), None, 10)
        .await
        .expect("list");
    assert_eq!((list.len(), list[0].unread, total), (1, 1, 1));
    assert!(!store
        .delete_conversation(APP, &uid("ann"), &uid("nobody"), false)
        .await
        .expect("delete"));
}

pub async fn c2c_reads_make_unread_exact(store: Arc<dyn Store>) {
    let mut batch: Vec<_> = (0..6).map(|i| msg("bob", "ann", 10 + i, "m")).collect();
    batch.push(msg("ann", "bob", 20, "own"));
    let mut quiet = msg("bob", "ann", 21, "quiet");
    quiet.flags = flags::NO_UNREAD;
    batch.push(quiet);
    store.append_c2c(&batch).await.expect("append");
    let side = |s: Option<liveroom_core::chat::ConversationRecord>| {
        let s = s.expect("side");
        (s.read_seq, s.unread)
    };
    assert_eq!(store.total_unread(APP, &uid("ann")).await.expect("n"), 6);
    // Read up to 4: messages 5 and 6 of Bob still count, Ann's own (7) and the quiet (8) not.
    let r = store
        .read_c2c(APP, &uid("ann"), &uid("bob"), Some(4))
        .await
        .expect("read");
    assert_eq!(side(r), (4, 2));
    // A read behind the mark changes nothing.
    let r = store
        .read_c2c(APP, &uid("ann"), &uid("bob"), Some(2))
        .await
        .expect("read");
    assert_eq!(side(r), (4, 2));
    let r = store
        .read_c2c(APP, &uid("ann"), &uid("bob"), None)
        .await
        .expect("read");
    assert_eq!(side(r), (8, 0));
    assert_eq!(store.total_unread(APP, &uid("ann")).await.expect("n"), 0);
    // Bob sees how far Ann read.
    let bob = store
        .conversations_with(APP, &uid("bob"), &[uid("ann")])
        .await
        .expect("side");
    assert_eq!(bob[0].peer_read_seq, 8);
    assert!(store
        .read_c2c(APP, &uid("ann"), &uid("nobody"), None)
        .await
        .expect("read")
        .is_none());
}

pub async fn c2c_recall_and_modify(store: Arc<dyn Store>) {
    store
        .append_c2c(&[msg("bob", "ann", 10, "a"), msg("bob", "ann", 11, "b")])
        .await
        .expect("append");
    let before = store
        .recall_c2c(APP, &uid("ann"), &uid("bob"), 2)
        .await
        .expect("recall")
        .expect("present");
    assert!(!before.has(flags::RECALLED) && before.body.contains(r#""b""#));
    assert_eq!(store.total_unread(APP, &uid("ann")).await.expect("n"), 1);
    let again = store
        .recall_c2c(APP, &uid("bob"), &uid("ann"), 2)
        .await
        .expect("recall")
        .expect("present");
    assert!(again.has(flags::RECALLED));
    assert_eq!(again.body, "[]");
    assert_eq!(store.total_unread(APP, &uid("ann")).await.expect("n"), 1);
    assert!(store
        .recall_c2c(APP, &uid("ann"), &uid("bob"), 9)
        .await
        .expect("recall")
        .is_none());
    let edited = store
        .modify_c2c(APP, &uid("ann"), &uid("bob"), 1, Some("[]"), Some("ccd"))
        .await
        .expect("modify")
        .expect("present");
    assert!(edited.has(flags::EDITED));
    assert_eq!(
        (edited.body.as_str(), edited.cloud_custom_data.as_str()),
        ("[]", "ccd")
    );
    let edited = store
        .modify_c2c(APP, &uid("ann"), &uid("bob"), 1, None, Some("ccd2"))
        .await
        .expect("modify")
        .expect("present");
    assert_eq!(
        (edited.body.as_str(), edited.cloud_custom_data.as_str()),
        ("[]", "ccd2")
    );
    // The recalled placeholder stays in the history.
    let all = store
        .c2c_messages(APP, &uid("ann"), &uid("bob"), C2cPage::After(0), 10)
        .await
        .expect("messages");
    assert!(all[1].has(flags::RECALLED));
}

pub async fn c2c_conversation_list_orders_and_pages(store: Arc<dyn Store>) {
    let peers = ["p1", "p2", "p3", "p4", "p5"];
    for (i, p) in peers.iter().enumerate() {
        store
            .append_c2c(&[msg(p, "me", 100 + i as i64, p)])
            .await
            .expect("append");
    }
    // p2 and p4 at the same time: ties go by peer id.
    store
        .append_c2c(&[msg("me", "p2", 500, "x"), msg("me", "p4", 500, "y")])
        .await
        .expect("append");
    assert!(store
        .set_conversation_flags(APP, &uid("me"), &uid("p1"), Some(true), Some(3))
        .await
        .expect("flags"));
    let (all, total) = store
        .conversations(APP, &uid("me"), None, 100)
        .await
        .expect("list");
    assert_eq!(total, 5);
    let order: Vec<&str> = all.iter().map(|c| c.peer.as_str()).collect();
    assert_eq!(order, vec!["p1", "p2", "p4", "p5", "p3"]);
    assert!(all[0].pinned && all[0].marks == 3);
    assert_eq!(all[1].last.as_ref().expect("last").from.as_str(), "me");
    let mut paged = Vec::new();
    let mut cursor: Option<ConversationCursor> = None;
    loop {
        let (page, _) = store
            .conversations(APP, &uid("me"), cursor.as_ref(), 2)
            .await
            .expect("page");
        let Some(last) = page.last() else { break };
        cursor = Some(ConversationCursor {
            pinned: last.pinned,
            last_time: last.last_time,
            peer: last.peer.clone(),
        });
        paged.extend(page.iter().map(|c| c.peer.to_string()));
    }
    assert_eq!(paged, order);
}

pub async fn c2c_imports_found_and_pruned(store: Arc<dyn Store>) {
    let mut old = msg("ann", "bob", 1_000, "old");
    old.client_seq = 5;
    old.random = 6;
    store
        .append_c2c(&[old, msg("ann", "bob", 5_000, "new")])
        .await
        .expect("append");
    let found = store
        .find_c2c(APP, &uid("bob"), &uid("ann"), 5, 6, 1_000)
        .await
        .expect("find");
    assert_eq!(found.expect("present").seq, 1);
    assert!(store
        .find_c2c(APP, &uid("bob"), &uid("ann"), 5, 6, 1_001)
        .await
        .expect("find")
        .is_none());
    assert_eq!(store.prune_c2c(APP, 2_000).await.expect("prune"), 1);
    assert_eq!(
        texts(&*store, "bob", "ann", C2cPage::After(0)).await,
        vec![2]
    );
}
