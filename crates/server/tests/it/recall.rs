//! Recalling group messages: REST `group_msg_recall` and the client `recall`, the
//! `recalled` push, the short history, `group_msg_get_simple` and the after-callback.

use serde_json::{json, Value};
use std::time::Duration;

use liveroom_client::{message_text, Client, Event, Priority};
use liveroom_core::callback::AFTER_RECALL_MSG;

use crate::harness::TestServer;
use crate::receiver::Receiver;

const WAIT: Duration = Duration::from_secs(5);

async fn send(c: &Client, room: &str, text: &str) -> u64 {
    c.send_text(room, text, Priority::Normal)
        .await
        .expect("send")
        .data["MsgSeq"]
        .as_u64()
        .expect("MsgSeq")
}

/// The next `recalled` push's `MsgSeq` (messages and tips on the way are skipped).
async fn next_recalled(c: &mut Client) -> (String, u64, String) {
    loop {
        match c.next_event_within(WAIT).await.expect("a recalled push") {
            Event::Recalled(r) => return (r.group_id, r.msg_seq, r.operator),
            _ => continue,
        }
    }
}

/// Joins `room` as `name` and returns the texts of the short history it received. A live
/// marker sent right after the join marks the end: history is queued before any live
/// message.
async fn history_of_late_joiner(s: &TestServer, name: &str, room: &str) -> Vec<String> {
    let mut late = s.member(name, room).await;
    let sender = s.member("marker", room).await;
    send(&sender, room, "end-of-history").await;
    let mut texts = Vec::new();
    loop {
        match late
            .next_event_within(WAIT)
            .await
            .expect("history and marker")
        {
            Event::Message(m) if !m.history => {
                assert_eq!(message_text(&m), Some("end-of-history"));
                return texts;
            }
            Event::Message(m) => texts.push(message_text(&m).unwrap_or_default().to_string()),
            _ => continue,
        }
    }
}

fn texts_of(page: &Value) -> Vec<String> {
    page["RspMsgList"]
        .as_array()
        .expect("list")
        .iter()
        .map(|m| {
            m["MsgBody"][0]["MsgContent"]["Text"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn rest_recall_reaches_members_history_get_simple_and_the_callback() {
    let r = Receiver::start().await;
    let s = TestServer::spawn().await;
    s.import("host", "Host").await;
    s.create_room("rc", Some("host")).await;
    s.ok(
        "liveroom_ext/set_webhook",
        json!({"Webhook": {"url": r.url(), "commands": [AFTER_RECALL_MSG]}}),
    )
    .await;
    let viewer = s.member("viewer", "rc").await;
    let mut other = s.member("other", "rc").await;
    let one = send(&viewer, "rc", "one").await;
    let two = send(&viewer, "rc", "spam").await;
    let three = send(&viewer, "rc", "three").await;

    let answer = s
        .ok(
            "group_open_http_svc/group_msg_recall",
            json!({"GroupId": "rc", "MsgSeqList": [{"MsgSeq": two}, {"MsgSeq": 999}, {"MsgSeq": two}],
                   "Reason": "spam"}),
        )
        .await;
    assert_eq!(
        answer["RecallRetList"],
        json!([{"MsgSeq": two, "RetCode": 0}, {"MsgSeq": 999, "RetCode": 10030},
               {"MsgSeq": two, "RetCode": 10030}]),
        "recalled once; unknown and repeated numbers are refused item by item"
    );
    assert_eq!(
        next_recalled(&mut other).await,
        ("rc".to_string(), two, "administrator".to_string())
    );

    // A late joiner's history and the stored history no longer hold it.
    assert_eq!(
        history_of_late_joiner(&s, "late", "rc").await,
        ["one", "three"]
    );
    let page = s
        .ok(
            "group_open_http_svc/group_msg_get_simple",
            json!({"GroupId": "rc", "ReqMsgNumber": 3, "ReqMsgSeq": three}),
        )
        .await;
    assert_eq!(texts_of(&page), ["three", "one"]);
    // With WithRecalledMsg it is a placeholder, its body gone.
    let page = s
        .ok(
            "group_open_http_svc/group_msg_get_simple",
            json!({"GroupId": "rc", "ReqMsgNumber": 3, "ReqMsgSeq": three, "WithRecalledMsg": 1}),
        )
        .await;
    let list = page["RspMsgList"].as_array().expect("list");
    let seqs: Vec<u64> = list.iter().filter_map(|m| m["MsgSeq"].as_u64()).collect();
    assert_eq!(seqs, [three, two, one]);
    assert_eq!(list[1]["IsPlaceMsg"], 2);
    assert_eq!(list[1]["MsgBody"], json!([]));
    assert_eq!(list[0]["IsPlaceMsg"], 0);

    let hit = r.find(AFTER_RECALL_MSG, |b| b["GroupId"] == "rc").await;
    assert_eq!(hit.body["CallbackCommand"], AFTER_RECALL_MSG);
    assert_eq!(hit.body["Operator_Account"], "administrator");
    assert_eq!(hit.body["Type"], "AVChatRoom");
    assert_eq!(hit.body["MsgSeqList"], json!([{"MsgSeq": two}]));
    assert_eq!(hit.body["TopicId"], "");
    assert!(hit.body["EventTime"].as_i64().is_some());
    assert_eq!(r.of(AFTER_RECALL_MSG).len(), 1, "one call per recall");
}

#[tokio::test]
async fn rest_recall_refuses_bad_requests_whole() {
    let s = TestServer::spawn().await;
    s.create_room("rb", None).await;
    let code = |v: Value| v["ErrorCode"].as_i64().expect("code");
    let call = |body: Value| s.rest("group_open_http_svc/group_msg_recall", body);
    assert_eq!(
        code(call(json!({"GroupId": "rb", "MsgSeqList": []})).await),
        10004
    );
    let eleven: Vec<Value> = (1..=11).map(|i| json!({"MsgSeq": i})).collect();
    assert_eq!(
        code(call(json!({"GroupId": "rb", "MsgSeqList": eleven})).await),
        10004
    );
    assert_eq!(
        code(call(json!({"GroupId": "rb", "MsgSeqList": [{"MsgSeq": "1"}]})).await),
        10004
    );
    assert_eq!(
        code(
            call(
                json!({"GroupId": "rb", "MsgSeqList": [{"MsgSeq": 1}], "Reason": "x".repeat(101)})
            )
            .await
        ),
        10004
    );
    assert_eq!(
        code(call(json!({"GroupId": "nope", "MsgSeqList": [{"MsgSeq": 1}]})).await),
        10010
    );
    let unknown = s
        .ok(
            "group_open_http_svc/group_msg_recall",
            json!({"GroupId": "rb", "MsgSeqList": [{"MsgSeq": 1}]}),
        )
        .await;
    assert_eq!(unknown["RecallRetList"][0]["RetCode"], 10030);
}

#[tokio::test]
async fn owners_and_admins_recall_from_their_client_and_members_may_not() {
    let s = TestServer::spawn().await;
    for u in ["host", "mod", "fan"] {
        s.import(u, u).await;
    }
    s.create_room("cr", Some("host")).await;
    s.ok(
        "group_open_avchatroom_http_svc/modify_admin",
        json!({"GroupId": "cr", "CommandType": 1, "Admin_Account": ["mod"]}),
    )
    .await;
    let host = s.member("host", "cr").await;
    let modr = s.member("mod", "cr").await;
    let fan = s.member("fan", "cr").await;
    let mut watcher = s.member("watcher", "cr").await;
    let guest = s.client().await;
    guest.guest(crate::harness::APP).await.expect("guest");
    guest.join("cr").await.expect("guest joins");

    let first = send(&fan, "cr", "rude").await;
    let second = send(&fan, "cr", "ruder").await;
    let kept = send(&fan, "cr", "fine").await;

    let refused = fan.recall("cr", kept).await.expect_err("a member may not");
    assert_eq!(refused.code(), Some(10007));
    let refused = guest.recall("cr", kept).await.expect_err("a guest may not");
    assert_eq!(refused.code(), Some(10007));

    host.recall("cr", first).await.expect("the owner recalls");
    assert_eq!(
        next_recalled(&mut watcher).await,
        ("cr".to_string(), first, "host".to_string())
    );
    modr.recall("cr", second).await.expect("an admin recalls");
    assert_eq!(
        next_recalled(&mut watcher).await,
        ("cr".to_string(), second, "mod".to_string())
    );

    let again = host
        .recall("cr", first)
        .await
        .expect_err("recalled already");
    assert_eq!(again.code(), Some(10030));
    let unknown = host.recall("cr", kept + 50).await.expect_err("unknown");
    assert_eq!(unknown.code(), Some(10030));
    let gone = host.recall("nope", 1).await.expect_err("no such room");
    assert_eq!(gone.code(), Some(10010));

    assert_eq!(history_of_late_joiner(&s, "late", "cr").await, ["fine"]);

    s.ok(
        "group_open_http_svc/ban_group_member",
        json!({"GroupId": "cr", "Members_Account": ["mod"], "Duration": 600}),
    )
    .await;
    let banned = modr
        .recall("cr", kept)
        .await
        .expect_err("a banned admin may not");
    assert_eq!(banned.code(), Some(10007));
}

#[tokio::test]
async fn after_a_restart_the_stored_history_decides_what_can_be_recalled() {
    let s = TestServer::spawn().await;
    s.import("host", "Host").await;
    s.create_room("rr", Some("host")).await;
    let host = s.member("host", "rr").await;
    let old = send(&host, "rr", "old").await;
    let kept = send(&host, "rr", "kept").await;
    let dir = s.dir.clone();
    s.shutdown().await;

    let s = TestServer::spawn_in(dir, |_| {}).await;
    let mut watcher = s.member("watcher", "rr").await;
    let answer = s
        .ok(
            "group_open_http_svc/group_msg_recall",
            json!({"GroupId": "rr", "MsgSeqList": [{"MsgSeq": old}]}),
        )
        .await;
    assert_eq!(answer["RecallRetList"][0]["RetCode"], 0);
    assert_eq!(next_recalled(&mut watcher).await.1, old);
    let again = s
        .ok(
            "group_open_http_svc/group_msg_recall",
            json!({"GroupId": "rr", "MsgSeqList": [{"MsgSeq": old}]}),
        )
        .await;
    assert_eq!(again["RecallRetList"][0]["RetCode"], 10030);
    assert_eq!(history_of_late_joiner(&s, "late", "rr").await, ["kept"]);
    let page = s
        .ok(
            "group_open_http_svc/group_msg_get_simple",
            json!({"GroupId": "rr", "ReqMsgNumber": 2, "ReqMsgSeq": kept}),
        )
        .await;
    assert_eq!(texts_of(&page), ["kept"]);
}
