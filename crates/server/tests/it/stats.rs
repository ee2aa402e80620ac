//! Audience statistics after a scripted session: per room and per user online time,
//! messages, likes, gifts (count and value), the weighted level carried with each message,
//! the popularity score, sessions, gift keys, and what survives a restart.

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

use liveroom_client::{Client, Priority};
use liveroom_core::protocol::Op;

use crate::harness::{sig, TestServer, APP};

const WAIT: Duration = Duration::from_secs(3);

/// Levels from messages, likes and gift value only (online time weighs 0, so the script's
/// timing does not move them): level 2 at 5 points, 3 at 20.
fn stats_settings() -> Value {
    json!({"stats": {
        "level_weights": {"online_minute": 0, "message": 1, "like": 0.5, "gift": 0, "gift_value": 1},
        "level_thresholds": [5, 20],
    }})
}

/// Sends a comment into `st`; answers the level the reply says it went out with.
async fn send(c: &Client, text: &str) -> u64 {
    let r = c
        .send_text("st", text, Priority::Normal)
        .await
        .expect("send");
    assert_eq!(r.data["MsgDropReason"], "", "{r:?}");
    r.data.get("Level").and_then(Value::as_u64).unwrap_or(0)
}

/// The levels of the next `n` messages `c` receives from `from`.
async fn levels_of(c: &mut Client, from: &str, n: usize) -> Vec<u32> {
    let mut out = Vec::new();
    while out.len() < n {
        let m = c.next_message_within(WAIT).await.expect("a message");
        if m.from_account == from {
            out.push(m.level);
        }
    }
    out
}

fn like(count: u32) -> Op {
    Op::Like {
        group_id: "st".into(),
        count,
    }
}

fn gift(from: &str, count: u32, value: u64, key: Option<&str>) -> Value {
    let mut g = json!({"GroupId": "st", "From_Account": from, "GiftId": "rose",
        "GiftName": "Rose", "Count": count, "Value": value});
    if let Some(k) = key {
        g["GiftKey"] = json!(k);
    }
    g
}

fn user<'a>(stats: &'a Value, name: &str) -> &'a Value {
    stats
        .as_array()
        .and_then(|a| a.iter().find(|u| u["User_Account"] == name))
        .unwrap_or_else(|| panic!("{name} in {stats}"))
}

#[tokio::test]
async fn a_scripted_session_adds_up_and_levels_travel_with_messages() {
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let s = TestServer::spawn_in(dir.clone(), |_| {}).await;
    for (u, n) in [("host", "Host"), ("alice", "Alice"), ("bob", "Bob")] {
        s.import(u, n).await;
    }
    s.create_room("st", Some("host")).await;
    s.settings(stats_settings()).await;
    let host = s.member("host", "st").await;
    host.request(Op::SetLiveState {
        group_id: "st".into(),
        state: "Live".into(),
        new_session: false,
    })
    .await
    .expect("live");
    let alice = s.user("alice").await;
    let login = alice
        .login(APP, "alice", &sig("alice"))
        .await
        .expect("login");
    assert_eq!(login.data["Level"], 1, "a new user is level 1");
    alice.join("st").await.expect("join");
    let mut bob = s.member("bob", "st").await;
    let guest = s.client().await;
    guest.guest(APP).await.expect("guest");
    guest.join("st").await.expect("guest joins");

    // Six messages from alice: the sixth is sent with 5 points behind it (level 2).
    let mut replied = Vec::new();
    for i in 0..6 {
        replied.push(send(&alice, &format!("hello {i}")).await);
    }
    assert_eq!(levels_of(&mut bob, "alice", 6).await, [1, 1, 1, 1, 1, 2]);
    assert_eq!(
        replied,
        [1, 1, 1, 1, 1, 2],
        "the sender's replies carry the same levels"
    );
    // Likes: 4 from alice (2 points), 2 from the guest (the room only).
    alice.request(like(4)).await.expect("like");
    guest.request(like(2)).await.expect("guest like");

    // Gifts: bob gives 2 x 10 (20 points: level 3); a keyed gift retried by the backend
    // counts once.
    let r = s
        .ok("liveroom_ext/send_gift", gift("bob", 2, 10, None))
        .await;
    assert_eq!(r["Duplicate"], false);
    let first = s
        .ok("liveroom_ext/send_gift", gift("bob", 1, 5, Some("order-1")))
        .await;
    let retry = s
        .ok("liveroom_ext/send_gift", gift("bob", 1, 5, Some("order-1")))
        .await;
    assert_eq!(retry["Duplicate"], true);
    assert_eq!(retry["ComboId"], first["ComboId"]);
    assert_eq!(retry["ComboCount"], first["ComboCount"]);
    let other = s
        .ok(
            "liveroom_ext/send_gift",
            gift("alice", 1, 5, Some("order-1")),
        )
        .await;
    assert_eq!(other["Duplicate"], false, "keys are per sender");
    let bad = s
        .rest(
            "liveroom_ext/send_gift",
            gift("bob", 1, 5, Some(&"k".repeat(129))),
        )
        .await;
    assert_eq!(bad["ErrorCode"], 10004);
    let bad = s
        .rest(
            "liveroom_ext/send_gift",
            gift("bob", 1, 2_000_000_000, None),
        )
        .await;
    assert_eq!(bad["ErrorCode"], 10004);

    // Bob's messages now carry level 3 (1 + 25 points); the gift messages carry it too.
    send(&bob, "thanks").await;
    send(&bob, "again").await;
    let mut alice = alice;
    let mut gift_levels = Vec::new();
    let mut text_levels = Vec::new();
    while text_levels.len() < 2 {
        let m = alice.next_message_within(WAIT).await.expect("message");
        if m.from_account != "bob" {
            continue;
        }
        let data = m.msg_body[0]["MsgContent"]["Data"].as_str().unwrap_or("");
        if data.contains("\"gift\"") {
            assert_eq!(m.nick, "Bob", "a gift message carries the sender's nick");
            gift_levels.push(m.level);
        } else {
            text_levels.push(m.level);
        }
    }
    assert_eq!(text_levels, [3, 3]);
    assert!(gift_levels.iter().all(|&l| l >= 2), "{gift_levels:?}");

    // Alice stays a moment, then leaves.
    tokio::time::sleep(Duration::from_millis(1300)).await;
    alice.quit("st").await.expect("quit");

    let room = s
        .ok(
            "liveroom_ext/get_room_stats",
            json!({"GroupId": "st", "OrderBy": "GiftValue", "Top": 5}),
        )
        .await;
    assert_eq!(room["Session"], 1);
    assert_eq!(room["Messages"], 8, "{room}");
    assert_eq!(room["Likes"], 6);
    assert_eq!(room["Gifts"], 4, "2 + 1 keyed (once) + 1 from alice");
    assert_eq!(room["GiftValue"], 30);
    assert_eq!(room["Viewers"], 3, "host, alice, bob");
    assert_eq!(room["GuestJoins"], 1);
    assert_eq!(room["Joins"], 4);
    assert_eq!(room["PeakOnline"], 4);
    assert_eq!(room["OnlineNum"], 3);
    assert!(room["OnlineSecs"].as_u64().expect("secs") >= 4, "{room}");
    assert!(
        room["Popularity"].as_u64().expect("popularity") > 3,
        "activity adds to the 3 online: {room}"
    );
    let top = room["TopUsers"].as_array().expect("top");
    assert_eq!(top[0]["User_Account"], "bob");
    assert_eq!(top[0]["GiftValue"], 25);
    assert_eq!(top[0]["Gifts"], 3);
    assert_eq!(top[0]["Messages"], 2);
    assert_eq!(top[0]["Level"], 3, "the app-wide level");
    assert_eq!(
        top[0]["Score"], 27.0,
        "app-wide: 2 messages + 25 gift value"
    );
    assert_eq!(top[1]["User_Account"], "alice");
    assert_eq!(
        (&top[0]["NickName"], &top[1]["NickName"]),
        (&json!("Bob"), &json!("Alice")),
        "top users carry their nicknames"
    );
    // The host's page reads the same answer over its WebSocket.
    let seen = host
        .request(Op::RoomStats(liveroom_core::protocol::RoomStatsRequest {
            group_id: "st".into(),
            session: None,
            top: 2,
            order_by: None,
        }))
        .await
        .expect("the owner reads the statistics");
    assert_eq!(
        seen.data["TopUsers"][0]["NickName"], "Bob",
        "{:?}",
        seen.data
    );
    let a = user(&room["TopUsers"], "alice");
    assert_eq!(a["Messages"], 6);
    assert_eq!(a["Likes"], 4);
    assert!(a["OnlineSecs"].as_u64().expect("secs") >= 1, "{a}");
    let by_messages = s
        .ok(
            "liveroom_ext/get_room_stats",
            json!({"GroupId": "st", "OrderBy": "Messages", "Top": 1}),
        )
        .await;
    let only = by_messages["TopUsers"].as_array().expect("top");
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["User_Account"], "alice");

    let users = s
        .ok(
            "liveroom_ext/get_user_stats",
            json!({"To_Account": ["alice", "bob", "host", "stranger"]}),
        )
        .await;
    let list = &users["UserStats"];
    assert_eq!(user(list, "alice")["Level"], 2);
    assert_eq!(user(list, "alice")["Score"], 13.0, "6 + 4 x 0.5 + 5");
    assert_eq!(user(list, "bob")["Level"], 3);
    assert_eq!(user(list, "host")["Messages"], 0);
    assert_eq!(user(list, "stranger")["Level"], 1);
    assert_eq!(user(list, "alice")["NickName"], "Alice");
    assert_eq!(
        user(list, "stranger")["NickName"],
        "",
        "no account, no nickname"
    );
    let twice = s
        .ok(
            "liveroom_ext/get_user_stats",
            json!({"To_Account": ["alice", "alice"]}),
        )
        .await;
    assert_eq!(
        twice["UserStats"][0]["Messages"], 6,
        "a repeated account counts once"
    );

    // Bad reads are refused with a code.
    for (path, body) in [
        (
            "liveroom_ext/get_room_stats",
            json!({"GroupId": "st", "OrderBy": "Loudness"}),
        ),
        (
            "liveroom_ext/get_room_stats",
            json!({"GroupId": "st", "Top": 101}),
        ),
        (
            "liveroom_ext/get_room_stats",
            json!({"GroupId": "st", "Session": "one"}),
        ),
        ("liveroom_ext/get_user_stats", json!({"To_Account": []})),
    ] {
        assert_eq!(
            s.rest(path, body.clone()).await["ErrorCode"],
            10004,
            "{body}"
        );
    }
    let unknown = s
        .rest("liveroom_ext/get_room_stats", json!({"GroupId": "nope"}))
        .await;
    assert_eq!(unknown["ErrorCode"], 10010);

    // A new broadcast session starts from zero; the last one stays readable.
    for (state, new_session) in [("Ended", false), ("Live", true)] {
        host.request(Op::SetLiveState {
            group_id: "st".into(),
            state: state.into(),
            new_session,
        })
        .await
        .expect("state");
    }
    send(&bob, "second show").await;
    let now = s
        .ok("liveroom_ext/get_room_stats", json!({"GroupId": "st"}))
        .await;
    assert_eq!(now["Session"], 2);
    assert_eq!(now["Messages"], 1);
    assert_eq!(now["GiftValue"], 0);
    let before = s
        .ok(
            "liveroom_ext/get_room_stats",
            json!({"GroupId": "st", "Session": 1}),
        )
        .await;
    assert_eq!(before["Messages"], 8);
    assert_eq!(before["GiftValue"], 30);
    assert_eq!(before["OnlineNum"], 0, "only the current session is live");

    // A restart keeps everything (the shutdown writes what was pending).
    drop((host, bob, guest, alice));
    s.shutdown().await;
    let s = TestServer::spawn_in(dir, |_| {}).await;
    let users = s
        .ok(
            "liveroom_ext/get_user_stats",
            json!({"To_Account": ["alice", "bob"]}),
        )
        .await;
    assert_eq!(user(&users["UserStats"], "alice")["Messages"], 6);
    assert_eq!(user(&users["UserStats"], "bob")["GiftValue"], 25);
    assert_eq!(user(&users["UserStats"], "bob")["Messages"], 3);
    let again = s
        .ok(
            "liveroom_ext/get_room_stats",
            json!({"GroupId": "st", "Session": 1}),
        )
        .await;
    assert_eq!(again["Messages"], 8);
    assert_eq!(again["Viewers"], 3);
    assert!(again["OnlineSecs"].as_u64().expect("secs") >= 4);
    let bob = s.user("bob").await;
    let login = bob.login(APP, "bob", &sig("bob")).await.expect("login");
    assert_eq!(login.data["Level"], 3, "the level is read back at login");
}

#[tokio::test]
async fn statistics_can_be_turned_off() {
    let s = TestServer::spawn().await;
    s.import("alice", "Alice").await;
    s.create_room("st", None).await;
    s.settings(json!({"stats": {"enabled": false}})).await;
    let alice = s.member("alice", "st").await;
    let mut bob = s.member("bob", "st").await;
    send(&alice, "hi").await;
    assert_eq!(levels_of(&mut bob, "alice", 1).await, [0]);
    let room = s
        .ok("liveroom_ext/get_room_stats", json!({"GroupId": "st"}))
        .await;
    assert_eq!(room["Messages"], 0);
    assert_eq!(room["Popularity"], 0);
}

async fn messages_of(s: &TestServer, name: &str) -> Value {
    let users = s
        .ok("liveroom_ext/get_user_stats", json!({"To_Account": [name]}))
        .await;
    users["UserStats"][0]["Messages"].clone()
}

#[tokio::test]
async fn a_dismissed_room_takes_its_statistics_but_not_its_users() {
    let s = TestServer::spawn().await;
    s.import("alice", "Alice").await;
    s.create_room("st", None).await;
    let alice = s.member("alice", "st").await;
    send(&alice, "one").await;
    send(&alice, "two").await;
    s.ok(
        "group_open_http_svc/destroy_group",
        json!({"GroupId": "st"}),
    )
    .await;
    assert_eq!(messages_of(&s, "alice").await, 2);
    // Written at shutdown, read back after a restart of the same data.
    drop(alice);
    let dir = s.dir.clone();
    s.shutdown().await;
    let s = TestServer::spawn_in(dir, |_| {}).await;
    assert_eq!(messages_of(&s, "alice").await, 2);
}

/// Reads while flushes run: a flush takes the rooms' counts before it writes them, and a
/// read in between must neither miss them nor count them twice.
#[tokio::test]
async fn reads_during_flushes_never_go_back() {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let s = Arc::new(TestServer::spawn().await);
    s.settings(json!({"room_msgs_per_sec": 1000, "history_enabled": false}))
        .await;
    s.import("host", "Host").await;
    s.import("alice", "Alice").await;
    s.create_room("flushy", Some("host")).await;
    let alice = s.member("alice", "flushy").await;
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(AtomicU64::new(0));
    let flusher = {
        let (engine, stop) = (s.engine.clone(), stop.clone());
        tokio::spawn(async move {
            let mut flushes = 0u32;
            while !stop.load(Ordering::Relaxed) {
                engine.flush_stats(false).await;
                flushes += 1;
                tokio::task::yield_now().await;
            }
            flushes
        })
    };
    let messages = |v: &Value| v["Messages"].as_u64().unwrap_or(0);
    // Readers that never stop looking while messages arrive and flushes run.
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (s, stop, acked) = (s.clone(), stop.clone(), acked.clone());
            tokio::spawn(async move {
                let (mut last_room, mut last_user, mut reads) = (0, 0, 0u32);
                while !stop.load(Ordering::Relaxed) {
                    let room = s
                        .ok(
                            "liveroom_ext/get_room_stats",
                            json!({"GroupId": "flushy", "Top": 1}),
                        )
                        .await;
                    let user = s
                        .ok(
                            "liveroom_ext/get_user_stats",
                            json!({"To_Account": ["alice"]}),
                        )
                        .await;
                    let (now_room, now_user) = (messages(&room), messages(&user["UserStats"][0]));
                    assert!(
                        now_room >= last_room,
                        "room messages went back from {last_room} to {now_room}"
                    );
                    assert!(
                        now_user >= last_user,
                        "alice's messages went back from {last_user} to {now_user}"
                    );
                    let most = acked.load(Ordering::SeqCst) + 1;
                    assert!(
                        now_room <= most && now_user <= most,
                        "counted twice: {now_room}, {now_user} of at most {most}"
                    );
                    (last_room, last_user) = (now_room, now_user);
                    reads += 1;
                }
                reads
            })
        })
        .collect();
    let sent = 90; // within a connection's burst of requests
    for i in 0..sent {
        let r = alice
            .send_text("flushy", &format!("m{i}"), Priority::Normal)
            .await
            .expect("send");
        assert_eq!(r.data["MsgDropReason"], "", "{r:?}");
        acked.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let flushes = flusher.await.expect("flusher");
    for r in readers {
        let reads = r.await.expect("reader");
        assert!(reads > 20, "reads ran alongside ({reads})");
    }
    assert!(flushes > 10, "flushes ran alongside ({flushes})");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let room = s
            .ok("liveroom_ext/get_room_stats", json!({"GroupId": "flushy"}))
            .await;
        if messages(&room) == sent || tokio::time::Instant::now() > deadline {
            assert_eq!(messages(&room), sent, "{room}");
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
