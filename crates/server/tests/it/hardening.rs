//! Defects found by attacking a running server: each test here failed on the code before
//! its fix.

use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use sqlx::{Connection, Executor};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message as WsMessage;

use liveroom_client::{message_text, text_body, Priority};
use liveroom_core::callback::BEFORE_SEND_MSG;

use crate::harness::{sig, TestServer, APP};
use crate::receiver::{Receiver, Reply};

/// Collects the texts a client receives until `last` arrives.
async fn texts_until(c: &mut liveroom_client::Client, last: &str) -> Vec<String> {
    let mut got = Vec::new();
    loop {
        let m = c
            .next_message_within(Duration::from_secs(20))
            .await
            .unwrap_or_else(|| panic!("{last:?} never arrived; got {got:?}"));
        let text = message_text(&m).unwrap_or_default().to_string();
        let done = text == last;
        got.push(text);
        if done {
            return got;
        }
    }
}

/// A send whose history write fails (the store's write lock held by someone else past its
/// busy timeout) reaches nobody and is refused; its retry with the same `Random` is
/// delivered once. A known account still logs in during the stall (a login only reads).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_that_cannot_be_stored_reaches_nobody_and_its_retry_arrives_once() {
    let s = TestServer::spawn().await;
    s.import("known", "Known").await;
    s.create_room("stall", None).await;
    let mut viewer = s.member("viewer", "stall").await;
    let sender = s.member("sender", "stall").await;

    let db = s.dir.path().join("liveroom.db");
    let mut locker = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
        .await
        .expect("second connection");
    locker.execute("BEGIN IMMEDIATE").await.expect("write lock");

    // A known account logs in while the store cannot write.
    let known = s.user("known").await;
    drop(known);

    let refused = sender
        .send(
            "stall",
            text_body("stored?"),
            Priority::Normal,
            None,
            Some(77),
        )
        .await
        .expect_err("not stored, so not acknowledged");
    assert_eq!(refused.code(), Some(10002), "{refused:?}");

    locker.execute("ROLLBACK").await.expect("release");
    let retry = sender
        .send(
            "stall",
            text_body("stored?"),
            Priority::Normal,
            None,
            Some(77),
        )
        .await
        .expect("the retry is sent");
    sender
        .send_text("stall", "after", Priority::Normal)
        .await
        .expect("after");
    let got = texts_until(&mut viewer, "after").await;
    assert_eq!(
        got,
        ["stored?", "after"],
        "the refused send reached nobody, the retry arrived once"
    );

    let history = s
        .ok(
            "group_open_http_svc/group_msg_get_simple",
            json!({"GroupId": "stall", "ReqMsgNumber": 10}),
        )
        .await;
    let seqs: Vec<u64> = history["RspMsgList"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|m| m["MsgBody"][0]["MsgContent"]["Text"] == "stored?")
        .filter_map(|m| m["MsgSeq"].as_u64())
        .collect();
    assert_eq!(seqs, [retry.data["MsgSeq"].as_u64().expect("seq")]);
}

/// A server with room `room` whose backend answers before-send callbacks only once the test
/// sends `true` on the returned sender.
async fn held_before_send(room: &str) -> (TestServer, Receiver, tokio::sync::watch::Sender<bool>) {
    let r = Receiver::start().await;
    let s = TestServer::spawn().await;
    s.create_room(room, None).await;
    s.ok(
        "liveroom_ext/set_webhook",
        json!({"Webhook": {"url": r.url(), "commands": [BEFORE_SEND_MSG], "timeout_ms": 30000}}),
    )
    .await;
    let (release, held) = tokio::sync::watch::channel(false);
    r.script(move |_| {
        Reply::Held(
            held.clone(),
            json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0}),
        )
    });
    (s, r, release)
}

/// Before-send webhooks of one connection's sends wait side by side (the protocol allows 32
/// sends in flight), and the messages still go out in the order they were sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_send_webhooks_of_one_connection_wait_together_and_keep_the_order() {
    let (s, r, release) = held_before_send("hooked").await;
    let mut viewer = s.member("viewer", "hooked").await;
    let sender = s.member("sender", "hooked").await;

    let sends = (0..5).map(|i| {
        let sender = &sender;
        async move {
            sender
                .send_text("hooked", &format!("m{i}"), Priority::Normal)
                .await
        }
    });
    let all = futures_util::future::join_all(sends);
    let arrived = async {
        // Every callback is out while none has been answered.
        r.wait_arrived(BEFORE_SEND_MSG, 5).await;
        let _ = release.send(true);
    };
    let (acks, ()) = tokio::join!(all, arrived);
    let seqs: Vec<u64> = acks
        .iter()
        .map(|a| {
            a.as_ref().expect("sent").data["MsgSeq"]
                .as_u64()
                .expect("seq")
        })
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let got = texts_until(&mut viewer, "m4").await;
    assert_eq!(got, ["m0", "m1", "m2", "m3", "m4"]);
}

/// Bad tickets for an identifier never lock its holder out: after more bad tickets than the
/// lock threshold, a valid ticket still logs in over the WebSocket and still authenticates
/// REST calls as `administrator`; the bad ones beyond the threshold are answered 70050.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tickets_never_lock_out_the_holder_of_a_good_one() {
    let s = TestServer::spawn().await;
    // Undecodable tickets, as a guesser sends them.
    let forged = "eJyrVkrOL0pVslIqSS0uUaoFADG1Bec_".to_string();
    let attempts = (0..24).map(|_| {
        let s = &s;
        let forged = &forged;
        async move {
            let c = s.client().await;
            c.login(APP, "streamer", forged)
                .await
                .expect_err("a forged ticket is refused")
                .code()
        }
    });
    let codes = futures_util::future::join_all(attempts).await;
    assert!(codes.contains(&Some(70050)), "{codes:?}");
    let streamer = s.client().await;
    let ok = streamer
        .login(APP, "streamer", &sig("streamer"))
        .await
        .expect("the valid ticket logs in");
    assert_eq!(ok.data["UserID"], "streamer");

    let bad = (0..24).map(|_| {
        let s = &s;
        async move {
            let url = s.url(
                "group_open_http_svc/get_appid_group_list",
                &format!(
                    "sdkappid={APP}&identifier=administrator&usersig=AAAA&random=1&contenttype=json"
                ),
            );
            s.post(&url, "{}").await
        }
    });
    let answers = futures_util::future::join_all(bad).await;
    assert!(
        answers.iter().any(|a| a["ErrorCode"] == 70050),
        "{answers:?}"
    );
    s.ok("group_open_http_svc/get_appid_group_list", json!({}))
        .await;
}

/// Every frame counts against the request rate, text and binary alike, and a connection
/// that stays over its limit is closed with `request_flood` — and gets to read its `kicked`
/// frame and the close code (its unread input is drained, not reset).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_any_frames_is_closed_and_the_client_reads_why() {
    let s = TestServer::spawn().await;
    for binary in [false, true] {
        let (ws, _) = tokio_tungstenite::connect_async(s.ws_url())
            .await
            .expect("connect");
        let (mut tx, mut rx) = ws.split();
        // About 2,000 frames a second (forty times the rate), never reading.
        let flood = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(1));
            for i in 0..40_000u32 {
                tick.tick().await;
                let frame = if binary {
                    WsMessage::Binary(vec![1, 2, 3].into())
                } else {
                    WsMessage::Text(format!("{{\"id\":{i},\"op\":\"ping\"}}").into())
                };
                for _ in 0..2 {
                    if tx.send(frame.clone()).await.is_err() {
                        return;
                    }
                }
            }
        });
        let mut kicked = None;
        let mut close = None;
        while let Some(Ok(frame)) = rx.next().await {
            match frame {
                WsMessage::Text(t) if t.contains("\"kicked\"") => kicked = Some(t.to_string()),
                WsMessage::Close(c) => {
                    close = c.map(|c| u16::from(c.code));
                    break;
                }
                _ => {}
            }
        }
        flood.abort();
        let kicked = kicked.unwrap_or_else(|| panic!("binary={binary}: no kicked frame"));
        assert!(kicked.contains("request_flood"), "{kicked}");
        assert_eq!(close, Some(1008), "binary={binary}");
    }
}

/// A WebSocket handshake by hand, so that malformed frames can be written.
async fn raw_ws(s: &TestServer) -> tokio::net::TcpStream {
    let mut tcp = tokio::net::TcpStream::connect(s.addr).await.expect("tcp");
    let req = format!(
        "GET /ws HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        s.addr
    );
    tcp.write_all(req.as_bytes()).await.expect("handshake");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        tcp.read_exact(&mut byte).await.expect("response");
        head.push(byte[0]);
    }
    assert!(
        head.starts_with(b"HTTP/1.1 101"),
        "{:?}",
        String::from_utf8_lossy(&head)
    );
    tcp
}

/// One masked client frame.
fn client_frame(first: u8, payload: &[u8]) -> Vec<u8> {
    let mask = [0x11u8, 0x22, 0x33, 0x44];
    let mut f = vec![first, 0x80 | payload.len() as u8];
    f.extend_from_slice(&mask);
    f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    f
}

/// The close code of the first close frame the server sends.
async fn close_code_of(tcp: &mut tokio::net::TcpStream) -> Option<u16> {
    loop {
        let mut head = [0u8; 2];
        tcp.read_exact(&mut head).await.ok()?;
        let len = match head[1] & 0x7f {
            126 => {
                let mut l = [0u8; 2];
                tcp.read_exact(&mut l).await.ok()?;
                u16::from_be_bytes(l) as usize
            }
            127 => return None,
            n => n as usize,
        };
        let mut payload = vec![0u8; len];
        tcp.read_exact(&mut payload).await.ok()?;
        if head[0] & 0x0f == 0x8 {
            return (payload.len() >= 2).then(|| u16::from_be_bytes([payload[0], payload[1]]));
        }
    }
}

/// Protocol violations are closed with the code that names them.
#[tokio::test]
async fn protocol_violations_close_with_their_code() {
    let s = TestServer::spawn().await;
    // Invalid UTF-8 in a text frame: 1007.
    let mut tcp = raw_ws(&s).await;
    tcp.write_all(&client_frame(0x81, &[0xff, 0xfe, 0xfd]))
        .await
        .expect("write");
    assert_eq!(close_code_of(&mut tcp).await, Some(1007));
    // A reserved opcode: 1002.
    let mut tcp = raw_ws(&s).await;
    tcp.write_all(&client_frame(0x83, b"x"))
        .await
        .expect("write");
    assert_eq!(close_code_of(&mut tcp).await, Some(1002));
}

/// A socket that never sends a request is closed after the handshake timeout, one address
/// holds at most its share of connections (the ones it has keep working), and the node still
/// answers others — `/healthz` included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sockets_and_one_address_cannot_take_the_node() {
    let s = TestServer::spawn_with(|c| {
        c.gateway.handshake_timeout_secs = 1;
        c.gateway.max_connections_per_ip = 4;
        c.trusted_proxies = Vec::new();
    })
    .await;
    // Half-open: connected, nothing sent. The server closes it (EOF), we never do.
    let mut idle = tokio::net::TcpStream::connect(s.addr).await.expect("tcp");
    let mut buf = [0u8; 64];
    let closed = tokio::time::timeout(Duration::from_secs(20), idle.read(&mut buf)).await;
    assert!(
        matches!(closed, Ok(Ok(0)) | Ok(Err(_))),
        "an idle socket is closed by the server: {closed:?}"
    );

    // Four WebSocket clients from 127.0.0.1 fill its share; a fifth is refused.
    let mut held = Vec::new();
    for i in 0..4 {
        let c = s.user(&format!("u{i}")).await;
        held.push(c);
    }
    let fifth = liveroom_client::Client::connect(&s.ws_url()).await;
    assert!(
        fifth.is_err(),
        "a fifth connection from one address is refused"
    );
    // The four still work.
    for c in &held {
        c.ping()
            .await
            .expect("an admitted connection keeps working");
    }
    // Another address is served, health check included.
    let other = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .expect("client");
    let health = other
        .get(format!("http://{}/healthz", s.addr))
        .send()
        .await
        .expect("healthz from another address");
    assert_eq!(health.status(), 200);
    // A connection given back makes room again.
    drop(held.pop());
    let mut again = None;
    for _ in 0..50 {
        if let Ok(c) = liveroom_client::Client::connect(&s.ws_url()).await {
            again = Some(c);
            break;
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(again.is_some(), "a closed connection frees its place");
}

/// Sends `per_sec` messages a second for `secs` seconds from three connections, a fifth of
/// them High and the rest Normal, Low and Lowest in turn; returns (priority, dropped) per
/// send and the texts a viewer received.
async fn paced_mix(
    s: &TestServer,
    room: &'static str,
    per_sec: u64,
    secs: u64,
) -> (Vec<(Priority, bool)>, Vec<String>) {
    s.create_room(room, None).await;
    let mut viewer = s.member("watcher", room).await;
    let senders = std::sync::Arc::new([
        s.member("p1", room).await,
        s.member("p2", room).await,
        s.member("p3", room).await,
    ]);
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / per_sec));
    // Over the rate, a late tick is made up at once, so a busy machine does not lower the
    // rate offered (and with it the drops the test is about); at or under it, a late tick
    // moves the schedule on, so a busy machine never offers more than the rate.
    let room_rate = u64::from(liveroom_core::app::AppSettings::default().room_msgs_per_sec);
    tick.set_missed_tick_behavior(if per_sec > room_rate {
        tokio::time::MissedTickBehavior::Burst
    } else {
        tokio::time::MissedTickBehavior::Delay
    });
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..per_sec * secs {
        tick.tick().await;
        let p = match i % 5 {
            0 => Priority::High,
            1 | 2 => Priority::Normal,
            3 => Priority::Low,
            _ => Priority::Lowest,
        };
        let senders = senders.clone();
        sends.spawn(async move {
            let c = &senders[(i % 3) as usize];
            let r = c.send_text(room, &format!("{i}"), p).await.expect("ack");
            (p, r.data["MsgDropReason"] == "MsgFreqCtrl")
        });
    }
    let results = sends.join_all().await;
    let last = senders[0]
        .send_text(room, "end", Priority::High)
        .await
        .expect("end");
    assert_eq!(last.data["MsgDropReason"], "");
    let got = texts_until(&mut viewer, "end").await;
    (results, got)
}

/// At the room's rate (40/s) with a priority mix, nothing is dropped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_rooms_rate_nothing_is_dropped() {
    let s = TestServer::spawn().await;
    let (results, got) = paced_mix(&s, "at-rate", 40, 3).await;
    let dropped: Vec<_> = results.iter().filter(|(_, d)| *d).collect();
    assert!(dropped.is_empty(), "dropped at the rate: {dropped:?}");
    assert_eq!(
        got.len(),
        results.len() + 1,
        "every message and the end marker"
    );
}

/// At twice the rate, every High message is kept (High alone is under the rate) and lower
/// priorities are dropped first; what is delivered is what was acknowledged as delivered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_twice_the_rate_high_is_kept_and_lower_priorities_go_first() {
    let s = TestServer::spawn().await;
    let (results, got) = paced_mix(&s, "twice", 80, 3).await;
    let kept = |p: Priority| {
        let all = results.iter().filter(|(q, _)| *q == p).count() as f64;
        results.iter().filter(|(q, d)| *q == p && !*d).count() as f64 / all
    };
    assert_eq!(kept(Priority::High), 1.0, "every High message is delivered");
    assert!(
        kept(Priority::Normal) > kept(Priority::Low),
        "Normal over Low"
    );
    assert!(
        kept(Priority::Low) >= kept(Priority::Lowest),
        "Low over Lowest"
    );
    let delivered = results.iter().filter(|(_, d)| !*d).count();
    assert_eq!(got.len(), delivered + 1, "delivered is what the acks said");
    assert!(delivered < results.len(), "the room stayed at its rate");
}

/// A `send`'s checks run in the documented order: logged in, `GroupId`, `MsgBody`,
/// `MsgPriority`, the group exists, joined.
#[tokio::test]
async fn send_checks_run_in_the_documented_order() {
    let s = TestServer::spawn().await;
    s.create_room("exists", None).await;
    let guest = s.client().await;
    guest.guest(APP).await.expect("guest");
    let code = |r: Result<liveroom_client::Reply, liveroom_client::ClientError>| {
        r.expect_err("refused").code()
    };
    assert_eq!(
        code(guest.send_text("nowhere", "x", Priority::Normal).await),
        Some(10007),
        "a guest may not send, whatever the group"
    );
    let user = s.user("u").await;
    let bad_body = json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": 5}}]);
    assert_eq!(
        code(
            user.send("nowhere", bad_body, Priority::Normal, None, None)
                .await
        ),
        Some(10004),
        "a bad body before an unknown group"
    );
    let bad_priority = user
        .request(liveroom_core::protocol::Op::Send {
            group_id: "nowhere".into(),
            msg_body: text_body("x"),
            priority: Some("Urgent".into()),
            cloud_custom_data: None,
            random: None,
            online_only: false,
            no_unread: false,
            no_last_msg: false,
            need_read_receipt: false,
            at_info: None,
            topic_id: None,
            extensible: false,
        })
        .await;
    assert_eq!(
        code(bad_priority),
        Some(10004),
        "a bad priority before an unknown group"
    );
    assert_eq!(
        code(user.send_text("nowhere", "x", Priority::Normal).await),
        Some(10010)
    );
    assert_eq!(
        code(user.send_text("exists", "x", Priority::Normal).await),
        Some(10007),
        "not joined"
    );
}

/// Frames a client sends at its allowed rate while the server holds its reader (its 32 sends
/// in flight wait for the backend) are not refused when the server reads them together.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frames_sent_at_the_rate_while_the_reader_was_held_are_not_refused() {
    let (s, r, release) = held_before_send("held").await;
    let sender = std::sync::Arc::new(s.member("sender", "held").await);
    let mut tasks = tokio::task::JoinSet::new();
    // 33 sends: 32 in flight, and the 33rd holds the reader.
    for i in 0..33 {
        let c = sender.clone();
        tasks.spawn(async move {
            c.send_text("held", &format!("s{i}"), Priority::Normal)
                .await
                .map(|_| ())
                .map_err(|e| e.code())
        });
    }
    r.wait_arrived(BEFORE_SEND_MSG, 32).await;
    // Then pings at 40 a second (under the 50/s limit) for 4 s, unread by the server.
    let mut tick = tokio::time::interval(Duration::from_millis(25));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for _ in 0..160 {
        tick.tick().await;
        let c = sender.clone();
        tasks.spawn(async move { c.ping().await.map(|_| ()).map_err(|e| e.code()) });
    }
    let _ = release.send(true);
    let results = tasks.join_all().await;
    let refused: Vec<_> = results.iter().filter(|r| r.is_err()).collect();
    assert!(refused.is_empty(), "refused: {refused:?}");
}
