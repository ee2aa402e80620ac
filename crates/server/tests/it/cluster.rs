//! Cluster mode: several real nodes (in this process, each with its own engine, listener,
//! NATS connection and PostgreSQL pool) on one fresh PostgreSQL database and one NATS
//! subject prefix per test. The nodes share nothing but NATS and PostgreSQL.

use serde_json::json;
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use liveroom_client::{Client, Event};
use liveroom_core::group::Priority;

use crate::harness::TestServer;
use crate::receiver::Receiver;

/// The PostgreSQL server the tests use (its `test` database is the store suites'; each
/// cluster test makes a database of its own next to it).
fn pg_url() -> String {
    std::env::var("LIVEROOM_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

pub fn nats_url() -> String {
    std::env::var("LIVEROOM_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
}

fn with_database(url: &str, db: &str) -> String {
    match url.rfind('/') {
        Some(i) => format!("{}/{db}", &url[..i]),
        None => format!("{url}/{db}"),
    }
}

/// A database of its own for one test, dropped at the end (also when the test panics).
pub struct TestDb {
    pub url: String,
    name: String,
    dropped: bool,
}

impl TestDb {
    pub async fn create() -> Self {
        use sqlx::Connection;
        let name = format!("lr_cluster_{:016x}", rand::random::<u64>());
        let mut admin = sqlx::PgConnection::connect(&pg_url())
            .await
            .expect("PostgreSQL for the cluster tests");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create database");
        Self {
            url: with_database(&pg_url(), &name),
            name,
            dropped: false,
        }
    }

    pub async fn drop_now(mut self) {
        drop_database(self.name.clone()).await;
        self.dropped = true;
    }
}

async fn drop_database(name: String) {
    use sqlx::Connection;
    if let Ok(mut admin) = sqlx::PgConnection::connect(&pg_url()).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await;
    }
}

impl Drop for TestDb {
    /// A test that panicked never reached `drop_now`: its database goes here, from a thread
    /// of its own (this may run on the test's runtime).
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                runtime.block_on(drop_database(name));
            }
        })
        .join();
    }
}

pub struct TestCluster {
    pub nodes: Vec<TestServer>,
    pub db: TestDb,
    pub prefix: String,
}

/// A fresh subject prefix for one test's cluster.
pub fn fresh_prefix() -> String {
    format!("lrt{:012x}", rand::random::<u64>() >> 16)
}

/// Deletes the KV buckets a test's cluster made on `nats` (their entries expire by
/// themselves; the empty buckets would stay).
pub async fn drop_buckets(nats: &str, prefix: &str) {
    if let Ok(client) = async_nats::connect(nats).await {
        let names = liveroom_cluster::Names::new(prefix);
        for bucket in [names.nodes_bucket(), names.rooms_bucket()] {
            let subject = format!("$JS.API.STREAM.DELETE.KV_{bucket}");
            let _ = client.request(subject, "".into()).await;
        }
    }
}

/// `n` in-process nodes of one cluster on database `db`, NATS `nats` and subject `prefix`.
pub async fn spawn_nodes(n: usize, db: &str, nats: &str, prefix: &str) -> Vec<TestServer> {
    let mut nodes = Vec::new();
    for i in 0..n {
        let node = TestServer::spawn_with(|c| {
            c.database_url = Some(db.to_string());
            c.cluster.nats_url = Some(nats.to_string());
            c.cluster.prefix = Some(prefix.to_string());
            c.cluster.node_name = Some(format!("node-{i}"));
        })
        .await;
        nodes.push(node);
    }
    nodes
}

impl TestCluster {
    pub async fn start(n: usize) -> Self {
        let db = TestDb::create().await;
        let prefix = fresh_prefix();
        let nodes = spawn_nodes(n, &db.url, &nats_url(), &prefix).await;
        Self { nodes, db, prefix }
    }

    pub async fn stop(self) {
        for n in self.nodes {
            n.shutdown().await;
        }
        self.db.drop_now().await;
        drop_buckets(&nats_url(), &self.prefix).await;
    }
}

/// Waits until `check` holds, polling the servers (what it reads changes by itself, not by
/// the test's doing); panics with `what` after `limit`.
pub async fn eventually<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    loop {
        if check().await {
            return;
        }
        assert!(Instant::now() < deadline, "not within {limit:?}: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A node's `/healthz` answer.
pub async fn health(node: &TestServer) -> serde_json::Value {
    reqwest::get(format!("http://{}/healthz", node.addr))
        .await
        .expect("healthz")
        .json()
        .await
        .expect("json")
}

/// Every message `c` receives until it has `n` (panics after `limit`): (MsgSeq, text).
pub async fn collect(c: &mut Client, n: usize, limit: Duration) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + limit;
    while out.len() < n {
        match tokio::time::timeout_at(deadline, c.next_event()).await {
            Ok(Event::Message(m)) => {
                let text = liveroom_client::message_text(&m)
                    .unwrap_or_default()
                    .to_string();
                out.push((m.msg_seq, text));
            }
            Ok(Event::Closed) => panic!("closed after {} of {n} messages", out.len()),
            Ok(_) => {}
            Err(_) => panic!("{} of {n} messages within {limit:?}", out.len()),
        }
    }
    out
}

#[tokio::test]
async fn one_room_spans_three_nodes_in_one_order() {
    let cluster = TestCluster::start(3).await;
    let [a, b, c] = [&cluster.nodes[0], &cluster.nodes[1], &cluster.nodes[2]];
    a.create_room("show", None).await;
    a.settings(json!({"history_count": 50})).await;

    // Two viewers and one sender on every node.
    let mut viewers = Vec::new();
    for (i, node) in cluster.nodes.iter().enumerate() {
        for j in 0..2 {
            viewers.push(node.member(&format!("v{i}{j}"), "show").await);
        }
    }
    let senders = [
        a.member("sa", "show").await,
        b.member("sb", "show").await,
        c.member("sc", "show").await,
    ];
    const EACH: usize = 15;
    let sends = senders.iter().enumerate().map(|(i, s)| async move {
        let mut seqs = Vec::new();
        for k in 0..EACH {
            let r = s
                .send_text("show", &format!("{i}-{k}"), Priority::Normal)
                .await
                .expect("send");
            seqs.push(r.data["MsgSeq"].as_u64().expect("MsgSeq"));
        }
        seqs
    });
    let acked: Vec<u64> = futures_util::future::join_all(sends)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(acked.len(), 3 * EACH);

    let mut orders = Vec::new();
    for v in &mut viewers {
        let got = collect(v, 3 * EACH, Duration::from_secs(20)).await;
        orders.push(got);
    }
    let first: Vec<u64> = orders[0].iter().map(|(s, _)| *s).collect();
    for (i, o) in orders.iter().enumerate() {
        let seqs: Vec<u64> = o.iter().map(|(s, _)| *s).collect();
        assert_eq!(seqs, first, "viewer {i} saw another order");
    }
    // One sequence, numbered in the order delivered, without gaps.
    let lo = first[0];
    assert_eq!(first, (lo..lo + first.len() as u64).collect::<Vec<_>>());
    let acked: BTreeSet<u64> = acked.into_iter().collect();
    assert_eq!(
        acked,
        first.iter().copied().collect(),
        "every acknowledged message arrived"
    );
    // Each sender's messages in the order it sent them.
    for i in 0..3 {
        let mine: Vec<&str> = orders[0]
            .iter()
            .filter(|(_, t)| t.starts_with(&format!("{i}-")))
            .map(|(_, t)| t.as_str())
            .collect();
        let sent: Vec<String> = (0..EACH).map(|k| format!("{i}-{k}")).collect();
        assert_eq!(mine, sent);
    }

    // A late joiner on another node gets the short history, in order.
    let mut late = c.user("late").await;
    late.join("show").await.expect("join");
    let history = collect(&mut late, 3 * EACH, Duration::from_secs(10)).await;
    let seqs: Vec<u64> = history.iter().map(|(s, _)| *s).collect();
    assert_eq!(seqs, first, "history on another node");

    drop((viewers, senders, late));
    cluster.stop().await;
}

#[tokio::test]
async fn frequency_control_is_the_rooms_not_each_nodes() {
    let n: usize = std::env::var("LR_NODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let cluster = TestCluster::start(n).await;
    let a = &cluster.nodes[0];
    a.create_room("busy", None).await;
    // The setting changed on one node holds on all of them.
    a.settings(json!({"room_msgs_per_sec": 10, "frequency_max_wait_ms": 0}))
        .await;
    let mut senders = Vec::new();
    for (i, node) in cluster.nodes.iter().enumerate() {
        senders.push(node.member(&format!("s{i}"), "busy").await);
    }
    let mut watcher = cluster.nodes[n - 1].member("w", "busy").await;
    // A burst of 30 Low messages from each node at once, then one High from each.
    let started = Instant::now();
    let burst = senders.iter().map(|s| async move {
        let mut admitted = 0;
        for k in 0..30 {
            let r = s
                .send_text("busy", &format!("low {k}"), Priority::Low)
                .await
                .expect("send");
            if r.data["MsgDropReason"].as_str().unwrap_or("").is_empty() {
                admitted += 1;
            }
        }
        admitted
    });
    let admitted: usize = futures_util::future::join_all(burst)
        .await
        .into_iter()
        .sum();
    let elapsed = started.elapsed().as_secs_f64();
    // At most the bucket (ten) at once plus ten a second: one gate, not three.
    let most = 10 + (10.0 * (elapsed + 1.0)).ceil() as usize;
    assert!(
        admitted <= most,
        "{admitted} of 90 admitted in {elapsed:.1}s; one room's gate admits at most {most}"
    );
    assert!(admitted >= 1, "{admitted} admitted");
    for s in &senders {
        let r = s
            .send_text("busy", "high", Priority::High)
            .await
            .expect("send");
        assert_eq!(
            r.data["MsgDropReason"].as_str().unwrap_or(""),
            "",
            "High passes"
        );
    }
    let got = collect(&mut watcher, admitted + 3, Duration::from_secs(10)).await;
    assert_eq!(got.iter().filter(|(_, t)| t == "high").count(), 3);
    drop((senders, watcher));
    cluster.stop().await;
}

pub async fn online_num(node: &TestServer, room: &str) -> u64 {
    let v = node
        .ok(
            "group_open_http_svc/get_online_member_num",
            json!({"GroupId": room}),
        )
        .await;
    v["OnlineMemberNum"].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn audience_moderation_logins_and_broadcasts_reach_every_node() {
    let receiver = Receiver::start().await;
    let cluster = TestCluster::start(3).await;
    let [a, b, c] = [&cluster.nodes[0], &cluster.nodes[1], &cluster.nodes[2]];
    a.ok(
        "liveroom_ext/set_webhook",
        json!({"Webhook": {"url": receiver.url(), "commands": ["Group.CallbackAfterSendMsg"]}}),
    )
    .await;
    a.settings(json!({"login_policy": "single"})).await;
    a.create_room("hall", None).await;
    let mut on_a = a.member("ua", "hall").await;
    let mut on_b = b.member("ub", "hall").await;
    let mut on_c = c.member("uc", "hall").await;
    let _also_c = c.member("uc2", "hall").await;

    // Every node answers for the whole cluster.
    for node in [a, b, c] {
        eventually(
            Duration::from_secs(10),
            "online count of the cluster",
            || async { online_num(node, "hall").await == 4 },
        )
        .await;
    }
    let members = b
        .ok(
            "group_open_avchatroom_http_svc/get_members",
            json!({"GroupId": "hall"}),
        )
        .await;
    let listed: BTreeSet<String> = members["MemberList"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(|m| m["Member_Account"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    for u in ["ua", "ub", "uc", "uc2"] {
        assert!(listed.contains(u), "{u} listed: {members}");
    }

    // A mute made through node A holds for a sender on node C.
    a.ok(
        "group_open_http_svc/forbid_send_msg",
        json!({"GroupId": "hall", "Members_Account": ["uc"], "MuteTime": 60}),
    )
    .await;
    let muted = on_c
        .send_text("hall", "let me talk", Priority::Normal)
        .await;
    assert_eq!(muted.expect_err("muted").code(), Some(10017));

    // A ban through node A removes a viewer on node C at once, telling it why.
    let banned_at = Instant::now();
    a.ok(
        "group_open_http_svc/ban_group_member",
        json!({"GroupId": "hall", "Members_Account": ["uc"], "Duration": 60}),
    )
    .await;
    loop {
        match on_c.next_event_within(Duration::from_secs(5)).await {
            Some(Event::Tip(_)) | Some(Event::System(_)) => break,
            Some(Event::Closed) | None => panic!("the banned viewer was not told"),
            Some(_) => {}
        }
    }
    let took = banned_at.elapsed();
    eventually(
        Duration::from_secs(5),
        "the ban's removal counted",
        || async { online_num(b, "hall").await == 3 },
    )
    .await;
    eprintln!("ban on node A reached node C after {took:?}");

    // One login at a time: logging in on node B replaces the session on node A.
    let again = b.user("ua").await;
    loop {
        match on_a.next_event_within(Duration::from_secs(5)).await {
            Some(Event::Kicked(_)) | Some(Event::Closed) => break,
            None => panic!("the older session on another node was not replaced"),
            Some(_) => {}
        }
    }

    // A broadcast through node C reaches the room's viewers on the other nodes.
    c.ok(
        "group_open_http_svc/send_broadcast_msg",
        json!({"From_Account": "administrator", "Random": 5,
               "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "to all"}}]}),
    )
    .await;
    let m = on_b
        .next_message_within(Duration::from_secs(5))
        .await
        .expect("broadcast on node B");
    assert_eq!(liveroom_client::message_text(&m), Some("to all"));

    // A message's after-callback fires once, however many nodes serve the room.
    let sent = on_b
        .send_text("hall", "once", Priority::Normal)
        .await
        .expect("send");
    let seq = sent.data["MsgSeq"].as_u64().expect("seq");
    receiver
        .wait_for("Group.CallbackAfterSendMsg", |hits| {
            hits.iter().any(|h| h.body["MsgSeq"].as_u64() == Some(seq))
        })
        .await;
    // Anything duplicated would come from another node's copy of the same delivery; the
    // next message's callback arriving proves the earlier ones are all in.
    let next = on_b
        .send_text("hall", "twice?", Priority::Normal)
        .await
        .expect("send");
    let next_seq = next.data["MsgSeq"].as_u64().expect("seq");
    let hits = receiver
        .wait_for("Group.CallbackAfterSendMsg", |hits| {
            hits.iter()
                .any(|h| h.body["MsgSeq"].as_u64() == Some(next_seq))
        })
        .await;
    let mut per_seq: HashMap<u64, usize> = HashMap::new();
    for h in &hits {
        if let Some(s) = h.body["MsgSeq"].as_u64() {
            *per_seq.entry(s).or_default() += 1;
        }
    }
    assert!(per_seq.values().all(|n| *n == 1), "{per_seq:?}");
    // Each node shows its part in the cluster.
    let mut owned = 0;
    for node in [a, b, c] {
        let metrics = node.metrics().await;
        for name in [
            "liveroom_cluster_connected 1",
            "liveroom_cluster_owned_rooms",
            "liveroom_cluster_publishes_total",
            "liveroom_cluster_lag_seconds",
        ] {
            assert!(metrics.contains(name), "{name} in /metrics");
        }
        let health = health(node).await;
        assert_eq!(health["bus"], "connected", "{health}");
        owned += health["owned_rooms"].as_u64().unwrap_or(0);
    }
    assert_eq!(owned, 1, "one node decides for the room");
    drop((again, on_b, _also_c));
    cluster.stop().await;
}

/// The next system notice `c` gets whose `Event` is `event`, skipping everything else.
async fn notice(c: &mut Client, event: &str) -> serde_json::Value {
    loop {
        match c.next_event_within(Duration::from_secs(10)).await {
            Some(Event::System(n)) if n.msg_body[0]["MsgContent"]["Event"] == event => {
                return n.msg_body[0]["MsgContent"].clone();
            }
            Some(Event::Closed) | None => panic!("no {event} notice"),
            Some(_) => {}
        }
    }
}

#[tokio::test]
async fn likes_gifts_draws_recalls_and_kicks_are_the_rooms_across_nodes() {
    let cluster = TestCluster::start(2).await;
    let [a, b] = [&cluster.nodes[0], &cluster.nodes[1]];
    a.settings(json!({"like_push_secs": 1, "likes_per_sec": 100, "gift_combo_ms": 200}))
        .await;
    a.import("fan", "Fan").await;
    a.create_room("lf", None).await;
    let mut watcher = a.member("watcher", "lf").await;
    let liker_a = a.member("la", "lf").await;
    let liker_b = b.member("lb", "lf").await;
    let mut far = b.member("fan", "lf").await;

    // Likes given on both nodes add up to one total, pushed to both.
    let like = |n: u32| liveroom_core::protocol::Op::Like {
        group_id: "lf".into(),
        count: n,
    };
    liker_a.request(like(5)).await.expect("like");
    liker_b.request(like(7)).await.expect("like");
    for c in [&mut watcher, &mut far] {
        loop {
            match c.next_event_within(Duration::from_secs(10)).await {
                Some(Event::Likes(l)) if l.total == 12 => break,
                Some(Event::Likes(l)) => assert!(l.total < 12, "{}", l.total),
                Some(Event::Closed) | None => panic!("no like total of 12"),
                Some(_) => {}
            }
        }
    }

    // A gift sent through node B reaches a viewer on node A, once.
    let sent = b
        .ok(
            "liveroom_ext/send_gift",
            json!({"GroupId": "lf", "From_Account": "fan", "GiftId": "rose", "GiftName": "Rose",
                   "GiftType": 0, "Value": 10}),
        )
        .await;
    assert_eq!(sent["ComboCount"], 1);
    let gift = watcher
        .next_message_within(Duration::from_secs(10))
        .await
        .expect("gift message");
    assert!(gift.msg_body[0]["MsgContent"]["Data"]
        .as_str()
        .is_some_and(|d| d.contains("rose")));

    // A draw started through node B takes entries from both nodes.
    b.ok(
        "liveroom_ext/start_draw",
        json!({"GroupId": "lf", "Keyword": "lucky", "Duration": 2, "Winners": 2}),
    )
    .await;
    notice(&mut watcher, "DrawStarted").await;
    liker_a
        .send_text("lf", "lucky me", Priority::Normal)
        .await
        .expect("send");
    liker_b
        .send_text("lf", "lucky too", Priority::Normal)
        .await
        .expect("send");
    let ended = notice(&mut watcher, "DrawEnded").await;
    assert_eq!(ended["Draw"]["Entrants"], 2, "{ended}");

    // A message recalled through node B leaves viewers and the history on node A.
    let sent = liker_a
        .send_text("lf", "oops", Priority::Normal)
        .await
        .expect("send");
    let seq = sent.data["MsgSeq"].as_u64().expect("seq");
    let answer = b
        .ok(
            "group_open_http_svc/group_msg_recall",
            json!({"GroupId": "lf", "MsgSeqList": [{"MsgSeq": seq}]}),
        )
        .await;
    assert_eq!(answer["RecallRetList"][0]["RetCode"], 0, "{answer}");
    loop {
        match watcher.next_event_within(Duration::from_secs(10)).await {
            Some(Event::Recalled(r)) if r.msg_seq == seq => break,
            Some(Event::Closed) | None => panic!("no recall"),
            Some(_) => {}
        }
    }
    let mut late = a.member("late", "lf").await;
    for e in late.drain_for(Duration::from_millis(300)).await {
        if let Event::Message(m) = e {
            assert_ne!(m.msg_seq, seq, "a recalled message is not in the history");
        }
    }

    // An admin's kick through node A closes the user's session on node B.
    a.ok("im_open_login_svc/kick", json!({"UserID": "fan"}))
        .await;
    loop {
        match far.next_event_within(Duration::from_secs(5)).await {
            Some(Event::Kicked(_)) | Some(Event::Closed) => break,
            None => panic!("not kicked on the other node"),
            Some(_) => {}
        }
    }
    drop((liker_a, liker_b));
    cluster.stop().await;
}
