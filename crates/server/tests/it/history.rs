//! The short history a late joiner receives.

use serde_json::json;
use std::time::Duration;

use liveroom_client::{message_text, Event, Priority};

use crate::harness::TestServer;

#[tokio::test]
async fn a_late_joiner_receives_the_last_twenty_messages_in_order() {
    let s = TestServer::spawn().await;
    s.import("host", "Host").await;
    s.create_room("hist", Some("host")).await;
    let host = s.member("host", "hist").await;
    for i in 0..25 {
        host.send_text("hist", &format!("m{i}"), Priority::Normal)
            .await
            .expect("send");
        // Stay under the room's rate so nothing is dropped.
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    let mut late = s.user("late").await;
    let reply = late.join("hist").await.expect("join");
    assert_eq!(reply.data["GroupId"], "hist");
    let mut texts = Vec::new();
    while let Some(ev) = late.next_event_within(Duration::from_millis(500)).await {
        if let Event::Message(m) = ev {
            assert!(m.history, "history is marked");
            assert_eq!(m.nick, "Host");
            texts.push(message_text(&m).unwrap_or_default().to_string());
        }
    }
    let expected: Vec<String> = (5..25).map(|i| format!("m{i}")).collect();
    assert_eq!(texts, expected);

    // The same history through REST, newest first, paged by MsgSeq.
    let page = s
        .ok(
            "group_open_http_svc/group_msg_get_simple",
            json!({"GroupId": "hist", "ReqMsgNumber": 5}),
        )
        .await;
    let list = page["RspMsgList"].as_array().expect("list");
    assert_eq!(list.len(), 5);
    assert_eq!(list[0]["MsgBody"][0]["MsgContent"]["Text"], "m24");
    assert_eq!(list[0]["MsgPriority"], 2);
    assert_eq!(page["IsFinished"], 0);
    let older = list[4]["MsgSeq"].as_u64().expect("seq") - 1;
    let page2 = s
        .ok(
            "group_open_http_svc/group_msg_get_simple",
            json!({"GroupId": "hist", "ReqMsgNumber": 20, "ReqMsgSeq": older}),
        )
        .await;
    let list2 = page2["RspMsgList"].as_array().expect("list");
    assert_eq!(list2[0]["MsgBody"][0]["MsgContent"]["Text"], "m19");
    assert_eq!(list2.len(), 15, "the store keeps the newest 20");
    assert_eq!(page2["IsFinished"], 1);
}

#[tokio::test]
async fn history_can_be_switched_off_per_app() {
    let s = TestServer::spawn().await;
    s.settings(json!({"history_enabled": false})).await;
    s.create_room("nohist", None).await;
    let host = s.member("host", "nohist").await;
    host.send_text("nohist", "gone", Priority::Normal)
        .await
        .expect("send");
    let mut late = s.member("late", "nohist").await;
    assert!(late
        .next_message_within(Duration::from_millis(400))
        .await
        .is_none());
}
