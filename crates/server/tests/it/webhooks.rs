//! Webhooks against a real local HTTP receiver: what arrives (commands, query, signature,
//! body keys), what the answers do, bounds, timeouts and retries.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

use liveroom_client::{message_text, text_body, Client, Priority};
use liveroom_core::callback::*;
use liveroom_core::protocol::Op;

use crate::harness::{TestServer, APP};
use crate::receiver::{code, ok, Receiver, Reply};

const WAIT: Duration = Duration::from_secs(5);

async fn webhook(s: &TestServer, settings: Value) {
    s.ok("liveroom_ext/set_webhook", json!({ "Webhook": settings }))
        .await;
}

fn text_of(body: &Value) -> &str {
    body["MsgBody"][0]["MsgContent"]["Text"]
        .as_str()
        .unwrap_or("")
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    k.sort_unstable();
    k
}

async fn next_text(c: &mut Client) -> Option<String> {
    c.next_message_within(WAIT)
        .await
        .and_then(|m| message_text(&m).map(str::to_string))
}

#[tokio::test]
async fn callbacks_carry_the_reference_query_signature_and_bodies() {
    let r = Receiver::start().await;
    let s = TestServer::spawn().await;
    s.import("host", "Host").await;
    s.create_room("w1", Some("host")).await;
    webhook(
        &s,
        json!({
            "url": r.url(),
            "token": "xxxxyyyy",
            "commands": [BEFORE_SEND_MSG, AFTER_SEND_MSG, STATE_CHANGE, AFTER_NEW_MEMBER_JOIN,
                         AFTER_MEMBER_EXIT, ON_MEMBER_STATE_CHANGE],
        }),
    )
    .await;

    let viewer = s.user("viewer").await;
    viewer.join("w1").await.expect("join");
    let reply = viewer
        .send(
            "w1",
            text_body("hello"),
            Priority::Normal,
            Some("{\"lv\":3}"),
            Some(77),
        )
        .await
        .expect("send");
    let seq = reply.data["MsgSeq"].as_u64().expect("seq");

    let login = r
        .find(STATE_CHANGE, |b| b["Info"]["Action"] == "Login")
        .await;
    let q = &login.query;
    assert_eq!(q["SdkAppid"], APP.to_string());
    assert_eq!(q["CallbackCommand"], STATE_CHANGE);
    assert_eq!(q["contenttype"], "json");
    assert_eq!(q["ClientIP"], "127.0.0.1");
    assert_eq!(q["OptPlatform"], "Web");
    let expected: String = Sha256::digest(format!("xxxxyyyy{}", q["RequestTime"]).as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(q["Sign"], expected, "Sign = sha256(token + RequestTime)");
    let skew = q["RequestTime"].parse::<i64>().expect("time") - liveroom_core::time::unix_secs();
    assert!(skew.abs() <= 5);
    assert_eq!(login.body["Info"]["To_Account"], "viewer");
    assert_eq!(login.body["Info"]["Reason"], "Register");
    assert!(login.body["EventTime"].as_i64().expect("ms") > 1_600_000_000_000);

    let before = r.find(BEFORE_SEND_MSG, |b| text_of(b) == "hello").await;
    assert_eq!(
        keys(&before.body),
        [
            "CallbackCommand",
            "CloudCustomData",
            "EventTime",
            "From_Account",
            "GroupId",
            "MsgBody",
            "MsgId",
            "OnlineOnlyFlag",
            "Operator_Account",
            "Random",
            "TopicId",
            "Type"
        ]
    );
    assert_eq!(before.body["CallbackCommand"], BEFORE_SEND_MSG);
    assert_eq!(before.body["GroupId"], "w1");
    assert_eq!(before.body["Type"], "AVChatRoom");
    assert_eq!(before.body["From_Account"], "viewer");
    assert_eq!(before.body["Random"], 77);
    assert_eq!(before.body["CloudCustomData"], "{\"lv\":3}");
    assert_eq!(before.query["OptPlatform"], "Web");

    let after = r.find(AFTER_SEND_MSG, |b| text_of(b) == "hello").await;
    assert_eq!(after.body["MsgSeq"], seq);
    assert!(after.body["MsgTime"].as_i64().is_some());
    assert!(keys(&after.body).contains(&"MsgSeq"));
    assert!(!keys(&after.body).contains(&"MsgId"));

    let joined = r
        .find(AFTER_NEW_MEMBER_JOIN, |b| b["GroupId"] == "w1")
        .await;
    assert_eq!(joined.body["JoinType"], "Apply");
    assert_eq!(
        joined.body["NewMemberList"],
        json!([{"Member_Account": "viewer"}])
    );
    let online = r
        .find(ON_MEMBER_STATE_CHANGE, |b| b["EventType"] == "Online")
        .await;
    assert_eq!(online.body["EventCause"], "Join");
    assert!(
        !online.query.contains_key("ClientIP") && !online.query.contains_key("OptPlatform"),
        "the member-state callback carries only the first three parameters"
    );
    assert!(online.query.contains_key("Sign"));

    viewer.quit("w1").await.expect("quit");
    let exit = r.find(AFTER_MEMBER_EXIT, |b| b["GroupId"] == "w1").await;
    assert_eq!(exit.body["ExitType"], "Quit");
    assert_eq!(exit.body["ExitReason"], "Quit");
    assert_eq!(
        exit.body["ExitMemberList"],
        json!([{"Member_Account": "viewer"}])
    );
    assert_eq!(exit.query["OptPlatform"], "Web");
    r.find(ON_MEMBER_STATE_CHANGE, |b| {
        b["EventType"] == "Offline" && b["EventCause"] == "Quit"
    })
    .await;

    // An iOS login kicking nobody, then the connection dropping.
    let phone = s.client().await;
    phone
        .login_on(APP, "phone", &crate::harness::sig("phone"), "iOS")
        .await
        .expect("login");
    let hit = r
        .find(STATE_CHANGE, |b| b["Info"]["To_Account"] == "phone")
        .await;
    assert_eq!(
        hit.query["OptPlatform"], "IOS",
        "State.StateChange spells IOS"
    );
    phone.close();
    let gone = r
        .find(STATE_CHANGE, |b| {
            b["Info"]["To_Account"] == "phone" && b["Info"]["Action"] == "Disconnect"
        })
        .await;
    assert_eq!(gone.body["Info"]["Reason"], "LinkClose");
    viewer.request(Op::Logout).await.expect("logout");
    let out = r
        .find(STATE_CHANGE, |b| b["Info"]["Action"] == "Logout")
        .await;
    assert_eq!(out.body["Info"]["Reason"], "Unregister");
}

#[tokio::test]
async fn before_send_answers_allow_rewrite_reject_drop_and_custom_codes() {
    let r = Receiver::start().await;
    r.script(|hit| {
        if hit.command() != BEFORE_SEND_MSG {
            return ok();
        }
        match text_of(&hit.body) {
            "rewrite me" => Reply::Json(
                json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0,
                       "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "rewritten"}}],
                       "CloudCustomData": "{\"checked\":true}"}),
                Duration::ZERO,
            ),
            "reject me" => code(1, "not here"),
            "drop me" => code(2, ""),
            "custom" => code(10150, "level too low"),
            "bad code" => code(7, ""),
            _ => ok(),
        }
    });
    let s = TestServer::spawn().await;
    s.create_room("w2", None).await;
    webhook(
        &s,
        json!({"url": r.url(), "commands": [BEFORE_SEND_MSG, AFTER_SEND_MSG]}),
    )
    .await;
    let sender = s.member("sender", "w2").await;
    let mut viewer = s.member("viewer", "w2").await;

    sender
        .send_text("w2", "rewrite me", Priority::Normal)
        .await
        .expect("allowed");
    let m = viewer.next_message_within(WAIT).await.expect("delivered");
    assert_eq!(
        message_text(&m),
        Some("rewritten"),
        "viewers get the replacement"
    );
    assert_eq!(m.cloud_custom_data, "{\"checked\":true}");

    let e = sender
        .send_text("w2", "reject me", Priority::Normal)
        .await
        .expect_err("rejected");
    assert_eq!(e.code(), Some(10016));
    let e = sender
        .send_text("w2", "custom", Priority::Normal)
        .await
        .expect_err("custom");
    assert_eq!(e.code(), Some(10150));
    assert!(e.to_string().contains("level too low"));
    let e = sender
        .send_text("w2", "bad code", Priority::Normal)
        .await
        .expect_err("other codes reject");
    assert_eq!(e.code(), Some(10016));
    let dropped = sender
        .send_text("w2", "drop me", Priority::Normal)
        .await
        .expect("a silent drop looks like success");
    assert!(dropped.data["MsgSeq"].as_u64().is_some());
    sender
        .send_text("w2", "plain", Priority::Normal)
        .await
        .expect("plain");
    assert_eq!(
        next_text(&mut viewer).await.as_deref(),
        Some("plain"),
        "nothing rejected or dropped reached the viewer"
    );

    let after = r
        .wait_for(AFTER_SEND_MSG, |h| {
            h.iter().any(|h| text_of(&h.body) == "plain")
        })
        .await;
    let mut texts: Vec<&str> = after.iter().map(|h| text_of(&h.body)).collect();
    texts.sort_unstable();
    assert_eq!(
        texts,
        ["plain", "rewritten"],
        "the after-callback carries what was delivered, only"
    );
    assert_eq!(r.of(BEFORE_SEND_MSG).len(), 6);

    // A REST send may skip the callbacks.
    s.ok(
        "group_open_http_svc/send_group_msg",
        json!({"GroupId": "w2", "MsgBody": text_body("reject me"),
               "ForbidCallbackControl": ["ForbidBeforeSendMsgCallback", "ForbidAfterSendMsgCallback"]}),
    )
    .await;
    assert_eq!(next_text(&mut viewer).await.as_deref(), Some("reject me"));
    assert_eq!(r.of(BEFORE_SEND_MSG).len(), 6);
    let bad = s
        .rest(
            "group_open_http_svc/send_group_msg",
            json!({"GroupId": "w2", "MsgBody": text_body("x"), "ForbidCallbackControl": ["Nope"]}),
        )
        .await;
    assert_eq!(bad["ErrorCode"], 10004);
}

#[tokio::test]
async fn a_webhook_past_its_timeout_does_not_delay_an_unrelated_room() {
    let r = Receiver::start().await;
    // The backend hangs on one room's messages and answers the other at once.
    r.script(|hit| {
        if hit.command() == BEFORE_SEND_MSG && hit.body["GroupId"] == "slow" {
            Reply::Json(json!({"ErrorCode": 0}), Duration::from_secs(30))
        } else {
            ok()
        }
    });
    let s = TestServer::spawn().await;
    s.create_room("slow", None).await;
    s.create_room("fast", None).await;
    webhook(
        &s,
        json!({"url": r.url(), "commands": [BEFORE_SEND_MSG], "timeout_ms": 3000}),
    )
    .await;
    let slow_sender = s.member("a", "slow").await;
    let mut slow_viewer = s.member("b", "slow").await;
    let fast_sender = s.member("c", "fast").await;
    let mut fast_viewer = s.member("d", "fast").await;

    let started = Instant::now();
    let slow = tokio::spawn(async move {
        let r = slow_sender
            .send_text("slow", "waits", Priority::Normal)
            .await;
        (r.is_ok(), started.elapsed())
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let t0 = Instant::now();
    fast_sender
        .send_text("fast", "flows", Priority::Normal)
        .await
        .expect("fast room");
    assert_eq!(next_text(&mut fast_viewer).await.as_deref(), Some("flows"));
    let fast_latency = t0.elapsed();
    assert!(
        fast_latency < Duration::from_millis(1500),
        "the fast room waited {fast_latency:?} (the slow callback's timeout is 3 s)"
    );

    // The timed-out callback follows the default policy: the message goes out.
    let (allowed, took) = slow.await.expect("task");
    assert!(allowed);
    assert!(took >= Duration::from_millis(2500), "{took:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(next_text(&mut slow_viewer).await.as_deref(), Some("waits"));

    // With deny-on-failure the same timeout refuses the message.
    webhook(
        &s,
        json!({"deny_on_failure": [BEFORE_SEND_MSG], "timeout_ms": 500}),
    )
    .await;
    let again = s.member("e", "slow").await;
    let e = again
        .send_text("slow", "denied", Priority::Normal)
        .await
        .expect_err("denied by policy");
    assert_eq!(e.code(), Some(10016));
}

#[tokio::test]
async fn before_callbacks_in_flight_are_bounded_and_the_excess_follows_policy() {
    let r = Receiver::start().await;
    r.script(|hit| {
        if hit.command() == BEFORE_SEND_MSG {
            Reply::Json(json!({"ErrorCode": 0}), Duration::from_secs(2))
        } else {
            ok()
        }
    });
    let s = TestServer::spawn().await;
    s.create_room("b1", None).await;
    webhook(
        &s,
        json!({"url": r.url(), "commands": [BEFORE_SEND_MSG], "max_in_flight": 2,
               "timeout_ms": 5000, "deny_on_failure": [BEFORE_SEND_MSG]}),
    )
    .await;
    let mut clients = Vec::new();
    for i in 0..5 {
        clients.push(s.member(&format!("u{i}"), "b1").await);
    }
    // All five at once, once everyone is in.
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(5));
    let mut tasks = Vec::new();
    for c in clients {
        let start = start.clone();
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let t = Instant::now();
            let r = c.send_text("b1", "x", Priority::Normal).await;
            (r.map_err(|e| e.code()), t.elapsed())
        }));
    }
    let mut allowed = 0;
    let mut refused_fast = 0;
    for t in tasks {
        let (result, took) = t.await.expect("task");
        match result {
            Ok(_) => allowed += 1,
            Err(Some(10016)) if took < Duration::from_millis(1500) => refused_fast += 1,
            other => panic!("unexpected {other:?} after {took:?}"),
        }
    }
    assert_eq!(
        (allowed, refused_fast),
        (2, 3),
        "two in flight, three refused at once"
    );
    let metrics = s.metrics().await;
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("liveroom_webhook_calls_total")
                && l.contains("outcome=\"overflow\"")
                && l.ends_with(" 3")),
        "{metrics}"
    );
}

#[tokio::test]
async fn after_callbacks_are_retried_until_the_receiver_comes_back() {
    let r = Receiver::start().await;
    r.script(|_| Reply::Status(503));
    let s = TestServer::spawn().await;
    s.create_room("r1", None).await;
    webhook(
        &s,
        json!({"url": r.url(), "commands": [AFTER_SEND_MSG], "retries": 10,
               "retry_backoff_ms": 100}),
    )
    .await;
    let c = s.member("u", "r1").await;
    c.send_text("r1", "keep me", Priority::Normal)
        .await
        .expect("send");
    // Down for a while: the attempts fail.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let failed = r.hits().len();
    assert!(failed >= 2, "retried while down: {failed} attempts");
    assert!(r.of(AFTER_SEND_MSG).is_empty());
    r.script(|_| ok());
    let delivered = r.wait_for(AFTER_SEND_MSG, |h| !h.is_empty()).await;
    assert_eq!(text_of(&delivered[0].body), "keep me");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(r.of(AFTER_SEND_MSG).len(), 1, "delivered once");

    // With no retries left the event is given up, and counted.
    r.script(|_| Reply::Status(500));
    webhook(&s, json!({"retries": 0})).await;
    c.send_text("r1", "lost", Priority::Normal)
        .await
        .expect("send");
    let deadline = Instant::now() + WAIT;
    loop {
        let metrics = s.metrics().await;
        if metrics
            .lines()
            .any(|l| l.starts_with("liveroom_webhook_given_up_total") && l.contains(AFTER_SEND_MSG))
        {
            break;
        }
        assert!(Instant::now() < deadline, "given-up not counted: {metrics}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn frequency_drops_fire_the_before_callback_and_an_exception_not_the_after() {
    let r = Receiver::start().await;
    let s = TestServer::spawn().await;
    s.create_room("f1", None).await;
    s.settings(json!({"room_msgs_per_sec": 2, "frequency_max_wait_ms": 0}))
        .await;
    webhook(
        &s,
        json!({"url": r.url(), "commands": [BEFORE_SEND_MSG, AFTER_SEND_MSG, SEND_MSG_EXCEPTION]}),
    )
    .await;
    let c = s.member("u", "f1").await;
    let mut dropped = 0;
    let mut delivered = 0;
    for i in 0..10 {
        let reply = c
            .send_text("f1", &format!("m{i}"), Priority::Normal)
            .await
            .expect("send");
        if reply.data["MsgDropReason"] == "MsgFreqCtrl" {
            dropped += 1;
        } else {
            delivered += 1;
        }
    }
    assert!(
        dropped > 0 && delivered > 0,
        "{dropped} dropped, {delivered} delivered"
    );
    r.wait_for(BEFORE_SEND_MSG, |h| h.len() == 10).await;
    r.wait_for(AFTER_SEND_MSG, |h| h.len() == delivered).await;
    let exceptions = r.wait_for(SEND_MSG_EXCEPTION, |h| h.len() == dropped).await;
    assert!(exceptions.iter().all(|h| h.body["ErrorCode"] == 10023));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(r.of(AFTER_SEND_MSG).len(), delivered);
}

#[tokio::test]
async fn join_and_create_callbacks_and_group_lifecycle_events() {
    let r = Receiver::start().await;
    r.script(|hit| match hit.command() {
        BEFORE_APPLY_JOIN if hit.body["Requestor_Account"] == "unwelcome" => {
            code(10120, "pay first")
        }
        BEFORE_APPLY_JOIN if hit.body["Requestor_Account"] == "blocked" => code(1, ""),
        BEFORE_CREATE_GROUP if hit.body["Name"] == "forbidden" => code(1, "no"),
        _ => ok(),
    });
    let s = TestServer::spawn().await;
    s.import("host", "Host").await;
    webhook(
        &s,
        json!({"url": r.url(), "commands": [BEFORE_APPLY_JOIN, BEFORE_CREATE_GROUP,
               AFTER_CREATE_GROUP, AFTER_GROUP_DESTROYED, AFTER_GROUP_INFO_CHANGED,
               AFTER_MEMBER_EXIT]}),
    )
    .await;
    let refused = s
        .rest(
            "group_open_http_svc/create_group",
            json!({"Type": "AVChatRoom", "GroupId": "nope", "Name": "forbidden"}),
        )
        .await;
    assert_eq!(refused["ErrorCode"], 10016);
    let missing = s
        .rest(
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": ["nope"]}),
        )
        .await;
    assert_ne!(
        missing["GroupInfo"][0]["ErrorCode"], 0,
        "not created: {missing}"
    );

    s.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "AVChatRoom", "GroupId": "j1", "Name": "show", "Owner_Account": "host"}),
    )
    .await;
    let before = r.find(BEFORE_CREATE_GROUP, |b| b["Name"] == "show").await;
    assert_eq!(before.body["Owner_Account"], "host");
    assert_eq!(before.body["Operator_Account"], "administrator");
    assert_eq!(before.query["OptPlatform"], "RESTAPI");
    let created = r.find(AFTER_CREATE_GROUP, |b| b["GroupId"] == "j1").await;
    assert_eq!(created.body["Type"], "AVChatRoom");

    let unwelcome = s.user("unwelcome").await;
    let e = unwelcome.join("j1").await.expect_err("refused");
    assert_eq!(e.code(), Some(10120));
    assert!(e.to_string().contains("pay first"));
    let blocked = s.user("blocked").await;
    assert_eq!(blocked.join("j1").await.expect_err("x").code(), Some(10016));
    let fan = s.member("fan", "j1").await;
    let join = r
        .find(BEFORE_APPLY_JOIN, |b| b["Requestor_Account"] == "fan")
        .await;
    assert_eq!(join.body["GroupId"], "j1");
    assert_eq!(join.body["Type"], "AVChatRoom");

    s.ok(
        "group_open_http_svc/modify_group_base_info",
        json!({"GroupId": "j1", "Name": "new name"}),
    )
    .await;
    let changed = r
        .find(AFTER_GROUP_INFO_CHANGED, |b| b["GroupId"] == "j1")
        .await;
    assert_eq!(changed.body["Name"], "new name");
    assert!(
        changed.body.get("Introduction").is_none(),
        "only what changed"
    );

    s.ok(
        "group_open_http_svc/ban_group_member",
        json!({"GroupId": "j1", "Members_Account": ["fan"], "Duration": 60}),
    )
    .await;
    let exit = r.find(AFTER_MEMBER_EXIT, |b| b["GroupId"] == "j1").await;
    assert_eq!(exit.body["ExitType"], "Kicked");
    assert_eq!(exit.body["Operator_Account"], "administrator");
    drop(fan);

    s.ok(
        "group_open_http_svc/destroy_group",
        json!({"GroupId": "j1"}),
    )
    .await;
    let destroyed = r
        .find(AFTER_GROUP_DESTROYED, |b| b["GroupId"] == "j1")
        .await;
    assert_eq!(destroyed.body["Owner_Account"], "host");
    assert_eq!(destroyed.body["Name"], "new name");
}

#[tokio::test]
async fn webhooks_from_the_config_file_and_changed_live() {
    let first = Receiver::start().await;
    let second = Receiver::start().await;
    let url = first.url();
    let s = TestServer::spawn_with(|c| {
        c.app_defaults.webhook.url = url;
        c.app_defaults.webhook.commands = vec![AFTER_SEND_MSG.into()];
    })
    .await;
    s.create_room("c1", None).await;
    let c = s.member("u", "c1").await;
    c.send_text("c1", "one", Priority::Normal)
        .await
        .expect("send");
    first.wait_for(AFTER_SEND_MSG, |h| h.len() == 1).await;

    let got = s.ok("liveroom_ext/get_webhook", json!({})).await;
    assert_eq!(got["Webhook"]["timeout_ms"], 2000);
    webhook(&s, json!({"url": second.url()})).await;
    c.send_text("c1", "two", Priority::Normal)
        .await
        .expect("send");
    let hits = second.wait_for(AFTER_SEND_MSG, |h| h.len() == 1).await;
    assert_eq!(text_of(&hits[0].body), "two");
    assert_eq!(first.of(AFTER_SEND_MSG).len(), 1, "no restart needed");

    for bad in [
        json!({"url": "ftp://x"}),
        json!({"url": "http://h/im#x"}),
        json!({"url": "http:///im"}),
        json!({"commands": ["Group.CallbackNope"]}),
        json!({"deny_on_failure": [AFTER_SEND_MSG]}),
        json!({"timeout_ms": "fast"}),
    ] {
        let v = s
            .rest("liveroom_ext/set_webhook", json!({ "Webhook": bad }))
            .await;
        assert_eq!(v["ErrorCode"], 10004, "{v}");
    }
}

#[tokio::test]
async fn a_connection_keeps_its_order_while_its_messages_wait_for_the_backend() {
    let r = Receiver::start().await;
    r.script(|hit| {
        if hit.command() == BEFORE_SEND_MSG && text_of(&hit.body) == "first" {
            Reply::Json(json!({"ErrorCode": 0}), Duration::from_millis(500))
        } else {
            ok()
        }
    });
    let s = TestServer::spawn().await;
    s.create_room("o1", None).await;
    webhook(&s, json!({"url": r.url(), "commands": [BEFORE_SEND_MSG]})).await;
    let sender = s.member("sender", "o1").await;
    let mut viewer = s.member("viewer", "o1").await;
    for text in ["first", "second", "third"] {
        sender
            .request_nowait(Op::Send {
                group_id: "o1".into(),
                msg_body: text_body(text),
                priority: None,
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
            .expect("queued");
    }
    let mut got = Vec::new();
    for _ in 0..3 {
        let m = viewer.next_message_within(WAIT).await.expect("delivered");
        got.push((message_text(&m).unwrap_or("").to_string(), m.msg_seq));
    }
    let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        texts,
        ["first", "second", "third"],
        "the slow first one is not overtaken"
    );
    assert!(
        got[0].1 < got[1].1 && got[1].1 < got[2].1,
        "numbers follow the order: {got:?}"
    );
}

#[tokio::test]
async fn refused_messages_fire_the_exception_callback_and_departures_say_why() {
    let r = Receiver::start().await;
    let s = TestServer::spawn().await;
    s.create_room("x1", None).await;
    s.ok(
        "liveroom_ext/add_filter_words",
        json!({"Action": "reject", "Words": ["scam"]}),
    )
    .await;
    webhook(
        &s,
        json!({"url": r.url(), "commands": [SEND_MSG_EXCEPTION, AFTER_MEMBER_EXIT, ON_MEMBER_STATE_CHANGE]}),
    )
    .await;
    let c = s.member("u", "x1").await;
    let e = c
        .send_text("x1", "a scam", Priority::Normal)
        .await
        .expect_err("filtered");
    assert_eq!(e.code(), Some(80001));
    let hit = r
        .find(SEND_MSG_EXCEPTION, |b| b["ErrorCode"] == 80001)
        .await;
    assert_eq!(text_of(&hit.body), "a scam");
    assert_eq!(hit.body["From_Account"], "u");
    assert!(hit.body["ErrorInfo"]
        .as_str()
        .is_some_and(|i| !i.is_empty()));
    s.ok(
        "group_open_http_svc/forbid_send_msg",
        json!({"GroupId": "x1", "Members_Account": ["u"], "MuteTime": 60}),
    )
    .await;
    let e = c
        .send_text("x1", "hello", Priority::Normal)
        .await
        .expect_err("muted");
    assert_eq!(e.code(), Some(10017));
    r.find(SEND_MSG_EXCEPTION, |b| b["ErrorCode"] == 10017)
        .await;

    // The connection drops: a lost link, not a quit.
    c.close();
    let exit = r.find(AFTER_MEMBER_EXIT, |b| b["GroupId"] == "x1").await;
    assert_eq!(exit.body["ExitType"], "Quit");
    assert_eq!(exit.body["ExitReason"], "LinkClose");
    let off = r
        .find(ON_MEMBER_STATE_CHANGE, |b| b["EventType"] == "Offline")
        .await;
    assert_eq!(off.body["EventCause"], "HeartbeatInterrupt");
}

#[tokio::test]
async fn a_full_queue_gives_events_up_and_counts_them() {
    let r = Receiver::start().await;
    // The backend hangs: nothing leaves the queue.
    r.script(|_| Reply::Json(json!({"ErrorCode": 0}), Duration::from_secs(30)));
    let s = TestServer::spawn().await;
    s.create_room("q1", None).await;
    webhook(
        &s,
        json!({"url": r.url(), "commands": [AFTER_SEND_MSG], "queue_capacity": 2,
               "after_concurrency": 1, "timeout_ms": 20000}),
    )
    .await;
    let c = s.member("u", "q1").await;
    for i in 0..5 {
        c.send_text("q1", &format!("m{i}"), Priority::Normal)
            .await
            .expect("messages flow whatever the queue does");
    }
    let metrics = s.metrics().await;
    let given_up = metrics
        .lines()
        .find(|l| l.starts_with("liveroom_webhook_given_up_total") && l.contains(AFTER_SEND_MSG))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse::<f64>().ok());
    assert_eq!(
        given_up,
        Some(3.0),
        "two wait, three are given up: {metrics}"
    );
    let deadline = Instant::now() + WAIT;
    while r.hits().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(r.hits().len(), 1, "one in delivery, one queued behind it");
}
