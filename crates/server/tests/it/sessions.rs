//! Connection-level behaviour: one room per connection, login policies, heartbeat and
//! idle timeout, bad frames, graceful shutdown.

use serde_json::json;
use std::time::Duration;

use liveroom_client::{Client, Event, KickReason};

use crate::harness::{sig, TestServer, APP};

const WAIT: Duration = Duration::from_secs(3);

async fn next_reply(c: &mut Client) -> liveroom_client::Reply {
    loop {
        match c.next_event_within(WAIT).await.expect("a reply arrives") {
            Event::Reply(r) => return r,
            _ => continue,
        }
    }
}

async fn kicked(c: &mut Client) -> KickReason {
    loop {
        match c
            .next_event_within(Duration::from_secs(5))
            .await
            .expect("kicked")
        {
            Event::Kicked(k) => return k.reason,
            Event::Closed => panic!("closed without a reason"),
            _ => continue,
        }
    }
}

#[tokio::test]
async fn joining_a_second_room_leaves_the_first() {
    let s = TestServer::spawn().await;
    s.create_room("ra", None).await;
    s.create_room("rb", None).await;
    let mut stay = s.member("stay", "ra").await;
    let hopper = s.member("hopper", "ra").await;
    let r = hopper.join("rb").await.expect("join rb");
    assert_eq!(r.data["Left"], json!(["ra"]));
    let quit = loop {
        match stay.next_event_within(WAIT).await.expect("tip") {
            Event::Tip(t) if t.msg_body[0]["MsgContent"]["OpType"] == 3 => break t,
            _ => continue,
        }
    };
    assert_eq!(quit.msg_body[0]["MsgContent"]["Operator_Account"], "hopper");
    let n = s
        .ok(
            "group_open_http_svc/get_online_member_num",
            json!({"GroupId": "ra"}),
        )
        .await;
    assert_eq!(n["OnlineMemberNum"], 1);

    // With the option off, one connection may sit in both rooms.
    s.settings(json!({"single_room_per_connection": false}))
        .await;
    let r = hopper.join("ra").await.expect("join ra again");
    assert_eq!(r.data["Left"], json!([]));
    let n = s
        .ok(
            "group_open_http_svc/get_online_member_num",
            json!({"GroupId": "rb"}),
        )
        .await;
    assert_eq!(n["OnlineMemberNum"], 1);
}

#[tokio::test]
async fn login_policies() {
    let s = TestServer::spawn().await;
    // Default: many devices at once.
    let _a = s.user("multi").await;
    let _b = s.user("multi").await;

    s.settings(json!({"login_policy": "single"})).await;
    let mut first = s.user("solo").await;
    let _second = s.user("solo").await;
    assert_eq!(kicked(&mut first).await, KickReason::MultiLogin);

    s.settings(json!({"login_policy": "one_per_platform"}))
        .await;
    let mut web = s.client().await;
    web.login_on(APP, "p", &sig("p"), "Web").await.expect("web");
    let mut android = s.client().await;
    android
        .login_on(APP, "p", &sig("p"), "Android")
        .await
        .expect("android");
    let _web2 = {
        let c = s.client().await;
        c.login_on(APP, "p", &sig("p"), "Web")
            .await
            .expect("second web");
        c
    };
    assert_eq!(kicked(&mut web).await, KickReason::MultiLogin);
    assert!(
        !matches!(
            android.next_event_within(Duration::from_millis(300)).await,
            Some(Event::Kicked(_))
        ),
        "another platform stays"
    );
    let bad = s.client().await;
    assert_eq!(
        bad.login_on(APP, "p", &sig("p"), "Toaster")
            .await
            .expect_err("platform")
            .code(),
        Some(10004)
    );
}

#[tokio::test]
async fn heartbeat_keeps_a_connection_and_silence_ends_it() {
    let s = TestServer::spawn_with(|c| c.gateway.idle_timeout_secs = 2).await;
    let mut quiet = s.client().await;
    let busy = s.client().await;
    // The busy connection pings ten times a second (under the request rate), so only a
    // stall of nearly two seconds could leave it silent for the limit.
    let pinging = async {
        let mut every = tokio::time::interval(Duration::from_millis(100));
        loop {
            every.tick().await;
            busy.ping()
                .await
                .expect("the pinging connection is still open");
        }
    };
    let reason = tokio::select! {
        reason = kicked(&mut quiet) => reason,
        () = pinging => unreachable!(),
    };
    assert_eq!(reason, KickReason::IdleTimeout);
    busy.ping()
        .await
        .expect("the pinging connection is still open");
}

#[tokio::test]
async fn bad_frames_get_coded_errors() {
    let s = TestServer::spawn().await;
    let mut c = s.client().await;
    c.send_raw("this is not json").expect("send");
    assert_eq!(next_reply(&mut c).await.error_code, 60003);
    c.send_raw(r#"{"op":"join","id":5,"GroupId":12}"#)
        .expect("send");
    let r = next_reply(&mut c).await;
    assert_eq!((r.id, r.error_code), (Some(5), 10004));
    c.send_raw(r#"{"op":"teleport","id":6}"#).expect("send");
    assert_eq!(next_reply(&mut c).await.error_code, 10004);
    let big = format!(
        r#"{{"op":"ping","id":7,"pad":"{}"}}"#,
        "x".repeat(20 * 1024)
    );
    c.send_raw(big).expect("send");
    let r = next_reply(&mut c).await;
    assert_eq!((r.id, r.error_code), (Some(7), 93000));
    // Still usable afterwards.
    c.ping().await.expect("connection survives bad frames");
    // Beyond the hard limit the connection is closed at the protocol level.
    c.send_raw("y".repeat(100 * 1024)).expect("send");
    let closed = c.drain_for(WAIT).await;
    assert!(matches!(closed.last(), Some(Event::Closed)), "{closed:?}");
}

#[tokio::test]
async fn request_floods_are_refused() {
    let s = TestServer::spawn_with(|c| c.gateway.requests_per_sec = 5).await;
    let mut c = s.client().await;
    for i in 0..30 {
        c.send_raw(format!(r#"{{"op":"ping","id":{}}}"#, 1000 + i))
            .expect("send");
    }
    let events = c.drain_for(Duration::from_millis(500)).await;
    let limited: Vec<Option<u64>> = events
        .iter()
        .filter_map(|e| match e {
            Event::Reply(r) if r.error_code == 60018 => Some(r.id),
            _ => None,
        })
        .collect();
    assert!(limited.len() >= 15, "{} of 30 refused", limited.len());
    assert!(
        limited.iter().all(|id| id.is_some_and(|id| id >= 1000)),
        "refusals carry the request id"
    );
}

#[tokio::test]
async fn shutdown_closes_connections_cleanly() {
    let s = TestServer::spawn().await;
    s.create_room("bye", None).await;
    let mut c = s.member("v", "bye").await;
    let stop = tokio::spawn(s.shutdown());
    assert_eq!(kicked(&mut c).await, KickReason::Shutdown);
    assert!(matches!(
        c.next_event_within(WAIT).await,
        Some(Event::Closed)
    ));
    stop.await.expect("server stopped");
}

#[tokio::test]
async fn join_and_quit_tips_stop_above_the_threshold() {
    let s = TestServer::spawn().await;
    s.settings(json!({"member_tips_max_online": 2})).await;
    s.create_room("crowd", None).await;
    let mut first = s.member("first", "crowd").await;
    let _second = s.member("second", "crowd").await;
    let third = s.member("third", "crowd").await;
    let joins: Vec<_> = first
        .drain_for(Duration::from_millis(400))
        .await
        .into_iter()
        .filter_map(|e| match e {
            Event::Tip(t) if t.msg_body[0]["MsgContent"]["OpType"] == 1 => {
                Some(t.msg_body[0]["MsgContent"]["Operator_Account"].clone())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        joins,
        vec![json!("first"), json!("second")],
        "no tip once the room is above 2"
    );
    third.close();
    let quits = first.drain_for(Duration::from_millis(400)).await;
    assert!(
        quits
            .iter()
            .any(|e| matches!(e, Event::Tip(t) if t.msg_body[0]["MsgContent"]["OpType"] == 3)),
        "back at 2 members, the quit is told"
    );
}

#[tokio::test]
async fn a_send_is_judged_when_it_arrives_not_when_it_runs() {
    let s = TestServer::spawn().await;
    s.create_room("order", None).await;
    let mut c = s.member("u", "order").await;
    let mut watcher = s.member("w", "order").await;
    // Both frames leave in one burst: the quit must not overtake the send.
    c.send_raw(r#"{"op":"send","id":50,"GroupId":"order","MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"last words"}}]}"#)
        .expect("send");
    c.send_raw(r#"{"op":"quit","id":51,"GroupId":"order"}"#)
        .expect("send");
    let mut replies = Vec::new();
    while replies.len() < 2 {
        replies.push(next_reply(&mut c).await);
    }
    replies.sort_by_key(|r| r.id);
    assert_eq!(
        (replies[0].id, replies[0].error_code),
        (Some(50), 0),
        "{replies:?}"
    );
    assert_eq!((replies[1].id, replies[1].error_code), (Some(51), 0));
    let m = watcher.next_message_within(WAIT).await.expect("delivered");
    assert_eq!(liveroom_client::message_text(&m), Some("last words"));
}

#[tokio::test]
async fn a_viewer_that_stops_reading_is_dropped_from_the_room() {
    let s = TestServer::spawn_with(|c| {
        c.gateway.queue_capacity = 8;
        c.gateway.stall_limit_secs = 1;
    })
    .await;
    s.settings(json!({"room_msgs_per_sec": 10000, "history_enabled": false}))
        .await;
    s.create_room("slow", None).await;
    // A raw WebSocket that joins, then never reads again.
    let (stuck, _) = tokio_tungstenite::connect_async(s.ws_url())
        .await
        .expect("connect");
    let (mut tx, _rx_never_read) = futures_util::StreamExt::split(stuck);
    use futures_util::SinkExt;
    for frame in [
        format!(r#"{{"op":"guest","SDKAppID":{APP}}}"#),
        r#"{"op":"join","GroupId":"slow"}"#.to_string(),
    ] {
        tx.send(tokio_tungstenite::tungstenite::Message::Text(frame.into()))
            .await
            .expect("send");
    }
    let _reader = s.member("reader", "slow").await;
    let online = || async {
        s.ok(
            "group_open_http_svc/get_online_member_num",
            json!({"GroupId": "slow"}),
        )
        .await["OnlineMemberNum"]
            .as_u64()
    };
    // The stuck viewer's join was sent without waiting for its answer: wait for it.
    while online().await != Some(2) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Flood the room with big messages until the stuck viewer's socket and queue are full
    // and it has stalled past the limit. The flood is bounded by what it sends (far more
    // than any socket buffer holds), not by time, so a slow machine only makes it longer.
    let big = "x".repeat(12 * 1024 - 200);
    let started = std::time::Instant::now();
    let mut dropped_out = false;
    for round in 1..=400 {
        let sends = (0..16).map(|i| {
            s.rest(
                "group_open_http_svc/send_group_msg",
                json!({"GroupId": "slow", "MsgBody": liveroom_client::text_body(&format!("{round}-{i}-{big}"))}),
            )
        });
        futures_util::future::join_all(sends).await;
        if online().await == Some(1) {
            dropped_out = true;
            break;
        }
    }
    assert!(
        dropped_out,
        "the stuck viewer was never removed ({:?})",
        started.elapsed()
    );
}
