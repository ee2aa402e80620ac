//! Defects found by attacking a running server: each test here failed on the code before
//! its fix.

use serde_json::json;
use sqlx::{Connection, Executor};
use std::time::Duration;

use liveroom_client::{message_text, text_body, Priority};
use liveroom_core::callback::BEFORE_SEND_MSG;

use crate::harness::TestServer;
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

/// Before-send webhooks of one connection's sends wait side by side (the protocol allows 32
/// sends in flight), and the messages still go out in the order they were sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_send_webhooks_of_one_connection_wait_together_and_keep_the_order() {
    let r = Receiver::start().await;
    let s = TestServer::spawn().await;
    s.create_room("hooked", None).await;
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
