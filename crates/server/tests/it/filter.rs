//! The built-in word filter, with no backend configured: reject, mask and drop, on text
//! and on chosen custom-message fields, edited live over REST.

use serde_json::{json, Value};
use std::time::Duration;

use liveroom_client::{message_text, text_body, Client, Priority};

use crate::harness::TestServer;

const WAIT: Duration = Duration::from_secs(3);

async fn next_body(c: &mut Client) -> Value {
    c.next_message_within(WAIT)
        .await
        .expect("a message")
        .msg_body
}

#[tokio::test]
async fn word_lists_reject_mask_and_drop_without_a_backend() {
    let s = TestServer::spawn().await;
    s.create_room("wf", None).await;
    for (action, case_fold, words) in [
        ("reject", true, json!(["scam"])),
        ("mask", true, json!(["darn", "heck"])),
        ("drop", false, json!(["SpamLink"])),
    ] {
        let v = s
            .ok(
                "liveroom_ext/add_filter_words",
                json!({"Action": action, "CaseFold": case_fold, "Words": words}),
            )
            .await;
        assert!(v["WordCount"].as_u64().expect("count") >= 1);
    }
    let sender = s.member("sender", "wf").await;
    let mut viewer = s.member("viewer", "wf").await;

    let e = sender
        .send_text("wf", "a SCAM offer", Priority::Normal)
        .await
        .expect_err("rejected");
    assert_eq!(e.code(), Some(80001));

    sender
        .send_text("wf", "Darn, what the HECK", Priority::Normal)
        .await
        .expect("masked, sent");
    let m = viewer.next_message_within(WAIT).await.expect("masked");
    assert_eq!(message_text(&m), Some("****, what the ****"));

    sender
        .send_text("wf", "visit SpamLink now", Priority::Normal)
        .await
        .expect("a drop looks like success");
    sender
        .send_text("wf", "visit spamlink now", Priority::Normal)
        .await
        .expect("exact list: another case passes");
    let m = viewer.next_message_within(WAIT).await.expect("passes");
    assert_eq!(
        message_text(&m),
        Some("visit spamlink now"),
        "the dropped one never came"
    );

    // Custom messages: `Data.text` of a JSON Data and `Desc` are filtered by default.
    let custom = json!([{"MsgType": "TIMCustomElem", "MsgContent": {
        "Data": "{\"type\":\"danmaku\",\"text\":\"oh darn\"}", "Desc": "heck", "Ext": "darn"}}]);
    sender
        .send("wf", custom, Priority::Normal, None, None)
        .await
        .expect("sent");
    let body = next_body(&mut viewer).await;
    let content = &body[0]["MsgContent"];
    let data: Value = serde_json::from_str(content["Data"].as_str().expect("data")).expect("json");
    assert_eq!(data["text"], "oh ****");
    assert_eq!(data["type"], "danmaku");
    assert_eq!(content["Desc"], "****");
    assert_eq!(content["Ext"], "darn", "Ext is not a chosen field");

    // REST sends are filtered too.
    let v = s
        .rest(
            "group_open_http_svc/send_group_msg",
            json!({"GroupId": "wf", "MsgBody": text_body("scam")}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 80001);

    // Lists change live.
    s.ok(
        "liveroom_ext/delete_filter_words",
        json!({"Words": ["scam"]}),
    )
    .await;
    sender
        .send_text("wf", "scam is fine now", Priority::Normal)
        .await
        .expect("no longer listed");
    assert_eq!(
        message_text(&viewer.next_message_within(WAIT).await.expect("m")),
        Some("scam is fine now")
    );
    let f = s.ok("liveroom_ext/get_word_filter", json!({})).await;
    assert_eq!(f["WordCount"], 3);

    // A whole list of many words replaces the filter in one call.
    let words: Vec<String> = (0..20_000).map(|i| format!("bad{i:05}")).collect();
    s.ok(
        "liveroom_ext/set_word_filter",
        json!({"Filter": {"custom_fields": ["Data"], "lists": [{"action": "reject", "words": words}]}}),
    )
    .await;
    let e = sender
        .send_text("wf", "this is BAD19999!", Priority::Normal)
        .await
        .expect_err("listed");
    assert_eq!(e.code(), Some(80001));
    sender
        .send_text("wf", "darn is allowed again", Priority::Normal)
        .await
        .expect("the old lists are gone");

    for bad in [
        json!({"Filter": {"custom_fields": ["Text"], "lists": []}}),
        json!({"Filter": {"lists": [{"action": "explode", "words": ["x"]}]}}),
        json!({"Filter": {"lists": [{"action": "mask", "words": [""]}]}}),
    ] {
        let v = s.rest("liveroom_ext/set_word_filter", bad.clone()).await;
        assert_eq!(v["ErrorCode"], 10004, "{bad}: {v}");
    }
}

#[tokio::test]
async fn concurrent_list_edits_all_land() {
    let s = std::sync::Arc::new(TestServer::spawn().await);
    let mut tasks = Vec::new();
    for i in 0..20 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.ok(
                "liveroom_ext/add_filter_words",
                json!({"Action": "mask", "Words": [format!("word{i}")]}),
            )
            .await;
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    let f = s.ok("liveroom_ext/get_word_filter", json!({})).await;
    assert_eq!(f["WordCount"], 20, "no edit undid another");
}
