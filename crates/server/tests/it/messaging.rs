//! Comments between a host and viewers, guests, priorities under a burst, de-duplication,
//! broadcasts.

use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;

use liveroom_client::{message_text, text_body, Event, Priority};

use crate::harness::{TestServer, APP};

const WAIT: Duration = Duration::from_secs(3);

#[tokio::test]
async fn host_and_viewers_exchange_comments() {
    let s = TestServer::spawn().await;
    s.import("host", "The Host").await;
    s.import("v1", "Viewer One").await;
    s.create_room("live-1", Some("host")).await;
    let mut host = s.member("host", "live-1").await;
    let mut viewers = Vec::new();
    for name in ["v1", "v2", "v3"] {
        viewers.push(s.member(name, "live-1").await);
    }

    let ack = host
        .send_text("live-1", "welcome everyone", Priority::Normal)
        .await
        .expect("host sends");
    let seq = ack.data["MsgSeq"].as_u64().expect("MsgSeq");
    assert!(seq >= 1);
    assert!(ack.data["MsgTime"].as_i64().expect("MsgTime") > 1_600_000_000);
    for v in viewers.iter_mut() {
        let m = v
            .next_message_within(WAIT)
            .await
            .expect("viewer receives the host's comment");
        assert_eq!(message_text(&m), Some("welcome everyone"));
        assert_eq!(m.from_account, "host");
        assert_eq!(m.nick, "The Host");
        assert_eq!(m.avatar, "https://img/host.png");
        assert_eq!(m.msg_seq, seq);
        assert_eq!(m.group_id, "live-1");
    }

    let body = json!([
        {"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi host"}},
        {"MsgType": "TIMFaceElem", "MsgContent": {"Index": 2, "Data": "wave"}},
        {"MsgType": "TIMCustomElem", "MsgContent": {"Data": "{\"badge\":3}", "Desc": "", "Ext": ""}}
    ]);
    viewers[0]
        .send(
            "live-1",
            body.clone(),
            Priority::Low,
            Some("{\"level\":7}"),
            None,
        )
        .await
        .expect("viewer sends");
    let m = host.next_message_within(WAIT).await.expect("host receives");
    assert_eq!(m.from_account, "v1");
    assert_eq!(m.nick, "Viewer One");
    assert_eq!(m.msg_body, body, "the element model travels unchanged");
    assert_eq!(m.cloud_custom_data, "{\"level\":7}");
    assert_eq!(m.priority, "Low");
    let m2 = viewers[1]
        .next_message_within(WAIT)
        .await
        .expect("other viewers receive");
    assert_eq!(m2.msg_seq, m.msg_seq);
    // The sender does not get its own message back.
    assert!(viewers[0]
        .next_message_within(Duration::from_millis(300))
        .await
        .is_none());

    // REST sends reach the room too, as the named account.
    let r = s
        .ok(
            "group_open_http_svc/send_group_msg",
            json!({"GroupId": "live-1", "Random": 77, "From_Account": "host", "MsgBody": text_body("from the backend")}),
        )
        .await;
    assert_eq!(r["MsgDropReason"], "");
    let m = viewers[2]
        .next_message_within(WAIT)
        .await
        .expect("viewer 3 got viewer 1's comment");
    assert_eq!(message_text(&m), Some("hi host"));
    let info = s
        .ok(
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": ["live-1"]}),
        )
        .await;
    assert_eq!(
        info["GroupInfo"][0]["NextMsgSeq"],
        r["MsgSeq"].as_u64().expect("seq") + 1
    );
    let m = viewers[2]
        .next_message_within(WAIT)
        .await
        .expect("REST message delivered");
    assert_eq!(message_text(&m), Some("from the backend"));
    assert_eq!(m.from_account, "host");
    assert_eq!(m.msg_seq, r["MsgSeq"].as_u64().expect("seq"));
}

#[tokio::test]
async fn guests_receive_but_cannot_send() {
    let s = TestServer::spawn().await;
    s.create_room("g-room", None).await;
    let mut guest = s.client().await;
    guest.guest(APP).await.expect("guest mode");
    guest.join("g-room").await.expect("guests may join");
    s.ok(
        "group_open_http_svc/send_group_msg",
        json!({"GroupId": "g-room", "Random": 1, "MsgBody": text_body("for everyone")}),
    )
    .await;
    let m = guest
        .next_message_within(WAIT)
        .await
        .expect("guest receives");
    assert_eq!(message_text(&m), Some("for everyone"));
    let err = guest
        .send_text("g-room", "let me talk", Priority::Normal)
        .await
        .expect_err("guests cannot send");
    assert_eq!(err.code(), Some(10007));

    // Without login or guest mode nothing can be joined.
    let anon = s.client().await;
    assert_eq!(
        anon.join("g-room").await.expect_err("anonymous").code(),
        Some(10007)
    );
    // Joining an unknown group is refused with the reference's code.
    assert_eq!(
        guest
            .join("no-such-room")
            .await
            .expect_err("unknown group")
            .code(),
        Some(10010)
    );
}

#[tokio::test]
async fn a_burst_over_the_rate_keeps_every_high_message() {
    let s = TestServer::spawn().await;
    s.create_room("burst", None).await;
    let mut watcher = s.member("watcher", "burst").await;
    let senders = [
        s.member("s1", "burst").await,
        s.member("s2", "burst").await,
        s.member("s3", "burst").await,
    ];

    // 150 messages, 10 of them High, sent as fast as three connections allow.
    let mut plan = Vec::new();
    for i in 0..150u32 {
        let p = if i % 15 == 7 {
            Priority::High
        } else {
            [Priority::Normal, Priority::Low, Priority::Lowest][(i % 3) as usize]
        };
        plan.push((i, p));
    }
    let sends = plan.iter().map(|&(i, p)| {
        let c = &senders[(i % 3) as usize];
        async move {
            c.send_text("burst", &format!("{}:{i}", p.as_str()), p)
                .await
        }
    });
    let started = std::time::Instant::now();
    let acks = futures_util::future::join_all(sends).await;
    let took = started.elapsed().as_secs_f64();
    assert!(
        acks.iter().all(|a| a.is_ok()),
        "every send is acknowledged as sent, dropped or not"
    );

    let mut got = Vec::new();
    while let Some(m) = watcher
        .next_message_within(Duration::from_millis(700))
        .await
    {
        got.push(message_text(&m).unwrap_or_default().to_string());
    }
    let high: HashSet<_> = got.iter().filter(|t| t.starts_with("High:")).collect();
    assert_eq!(high.len(), 10, "every High message is delivered: {got:?}");
    // The room's bucket holds one second's worth (40) and refills 40 a second while the
    // burst lasts.
    let bound = 40 + (40.0 * took).ceil() as usize;
    assert!(
        got.len() <= bound,
        "at most {bound} delivered in {took:.2} s, got {}",
        got.len()
    );
    assert!(got.len() >= 30, "the budget is used, got {}", got.len());
    let lowest = got.iter().filter(|t| t.starts_with("Lowest:")).count();
    let normal = got.iter().filter(|t| t.starts_with("Normal:")).count();
    assert!(
        lowest <= normal,
        "lower priorities are dropped first: {lowest} Lowest vs {normal} Normal"
    );

    // With the rate lowered to one message a second, the second of two back-to-back sends
    // is dropped, and a REST sender learns why.
    s.settings(json!({"room_msgs_per_sec": 1})).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let first = s
        .ok("group_open_http_svc/send_group_msg", json!({"GroupId": "burst", "Random": 4, "MsgPriority": "High", "MsgBody": text_body("first")}))
        .await;
    assert_eq!(first["MsgDropReason"], "");
    assert_eq!(
        message_text(&watcher.next_message_within(WAIT).await.expect("first")),
        Some("first")
    );
    let r = s
        .ok("group_open_http_svc/send_group_msg", json!({"GroupId": "burst", "Random": 5, "MsgPriority": "Lowest", "MsgBody": text_body("late")}))
        .await;
    assert_eq!(r["MsgDropReason"], "MsgFreqCtrl");
    let retry = s
        .ok(
            "group_open_http_svc/send_group_msg",
            json!({"GroupId": "burst", "Random": 5, "MsgPriority": "Lowest", "MsgBody": text_body("late")}),
        )
        .await;
    assert_eq!(
        retry["MsgSeq"], r["MsgSeq"],
        "a repeat of a dropped message is not sent again"
    );
    assert_eq!(
        retry["MsgDropReason"], "MsgFreqCtrl",
        "and says it was dropped"
    );
    assert!(r["MsgSeq"].as_u64().is_some());
    assert!(
        watcher
            .next_message_within(Duration::from_millis(400))
            .await
            .is_none(),
        "a dropped message is not delivered"
    );
    let hist = s
        .ok(
            "group_open_http_svc/group_msg_get_simple",
            json!({"GroupId": "burst", "ReqMsgNumber": 20}),
        )
        .await;
    assert!(
        hist["RspMsgList"]
            .as_array()
            .expect("list")
            .iter()
            .all(|m| m["MsgBody"][0]["MsgContent"]["Text"] != "late"),
        "a dropped message is not stored"
    );
}

#[tokio::test]
async fn random_deduplicates_within_five_minutes() {
    let s = TestServer::spawn().await;
    s.create_room("dedup", None).await;
    let mut v = s.member("v", "dedup").await;
    let body = json!({"GroupId": "dedup", "Random": 4242, "MsgBody": text_body("once")});
    let a = s
        .ok("group_open_http_svc/send_group_msg", body.clone())
        .await;
    let b = s.ok("group_open_http_svc/send_group_msg", body).await;
    assert_eq!(
        a["MsgSeq"], b["MsgSeq"],
        "the repeat gets the original receipt"
    );
    assert!(v.next_message_within(WAIT).await.is_some());
    assert!(
        v.next_message_within(Duration::from_millis(400))
            .await
            .is_none(),
        "delivered once"
    );
    let c = s
        .ok(
            "group_open_http_svc/send_group_msg",
            json!({"GroupId": "dedup", "Random": 4243, "MsgBody": text_body("twice")}),
        )
        .await;
    assert_ne!(a["MsgSeq"], c["MsgSeq"]);
}

#[tokio::test]
async fn broadcast_reaches_every_room_and_notifications_reach_members() {
    let s = TestServer::spawn().await;
    s.create_room("b1", None).await;
    s.create_room("b2", None).await;
    let mut a = s.member("a", "b1").await;
    let mut b = s.member("b", "b2").await;
    let r = s
        .ok(
            "group_open_http_svc/send_broadcast_msg",
            json!({"Random": 9, "MsgBody": text_body("to all rooms")}),
        )
        .await;
    assert!(r["MsgSeq"].as_u64().is_some());
    let again = s
        .ok(
            "group_open_http_svc/send_broadcast_msg",
            json!({"Random": 9, "MsgBody": text_body("to all rooms")}),
        )
        .await;
    assert_eq!(
        again["MsgSeq"], r["MsgSeq"],
        "a repeated broadcast is not sent twice"
    );
    for (c, room) in [(&mut a, "b1"), (&mut b, "b2")] {
        let m = c
            .next_message_within(WAIT)
            .await
            .expect("broadcast delivered");
        assert_eq!(message_text(&m), Some("to all rooms"));
        assert_eq!(m.group_id, room);
        assert_eq!(m.priority, "High");
        assert!(
            c.next_message_within(Duration::from_millis(300))
                .await
                .is_none(),
            "delivered once"
        );
    }

    s.ok(
        "group_open_http_svc/send_group_system_notification",
        json!({"GroupId": "b1", "Content": "stream starts in 5 minutes"}),
    )
    .await;
    let sys = loop {
        match a.next_event_within(WAIT).await.expect("notice arrives") {
            Event::System(n) => break n,
            _ => continue,
        }
    };
    assert_eq!(sys.msg_body[0]["MsgType"], "TIMGroupSystemNoticeElem");
    assert_eq!(
        sys.msg_body[0]["MsgContent"]["Content"],
        "stream starts in 5 minutes"
    );
    assert_eq!(sys.msg_body[0]["MsgContent"]["OpType"], 255);
}
