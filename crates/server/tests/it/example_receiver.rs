//! The example receiver (`examples/webhook-receiver`) behind a real server: a signed lucky
//! draw among viewers who sent the keyword, its message statistics and its moderation.

use serde_json::{json, Value};
use std::time::{Duration, Instant};

use liveroom_client::Priority;
use liveroom_core::callback::{AFTER_SEND_MSG, BEFORE_SEND_MSG};

use crate::harness::{TestServer, APP};

#[tokio::test]
async fn the_example_receiver_runs_a_signed_lucky_draw() {
    let state = webhook_receiver::AppState::new(webhook_receiver::Config {
        token: Some("s3cret".into()),
        sdkappid: Some(APP),
        keyword: "666".into(),
        block: vec!["scam".into()],
        mask: Vec::new(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, webhook_receiver::router(state)).await;
    });

    let s = TestServer::spawn().await;
    s.create_room("draw", None).await;
    s.ok(
        "liveroom_ext/set_webhook",
        json!({"Webhook": {"url": format!("http://{addr}/im"), "token": "s3cret",
               "commands": [BEFORE_SEND_MSG, AFTER_SEND_MSG]}}),
    )
    .await;
    let alice = s.member("alice", "draw").await;
    let bob = s.member("bob", "draw").await;
    let carol = s.member("carol", "draw").await;
    alice
        .send_text("draw", "666!!", Priority::Normal)
        .await
        .expect("a");
    bob.send_text("draw", "so 666", Priority::Normal)
        .await
        .expect("b");
    carol
        .send_text("draw", "hello", Priority::Normal)
        .await
        .expect("c");
    let e = carol
        .send_text("draw", "cheap scam", Priority::Normal)
        .await
        .expect_err("the example blocks it");
    assert_eq!(e.code(), Some(10016));

    let http = reqwest::Client::new();
    let stats_url = format!("http://{addr}/stats");
    let deadline = Instant::now() + Duration::from_secs(5);
    let stats: Value = loop {
        let v: Value = http
            .get(&stats_url)
            .send()
            .await
            .expect("stats")
            .json()
            .await
            .expect("json");
        if v["Commands"][AFTER_SEND_MSG] == 3 || Instant::now() > deadline {
            break v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(stats["Commands"][AFTER_SEND_MSG], 3, "{stats}");
    assert_eq!(
        stats["Refused"], 0,
        "every callback was signed correctly: {stats}"
    );
    let draw: Value = http
        .post(format!("http://{addr}/draw?GroupId=draw"))
        .send()
        .await
        .expect("draw")
        .json()
        .await
        .expect("json");
    assert_eq!(draw["Entrants"], 2, "{draw}");
    let winner = draw["Winner"].as_str().expect("winner");
    assert!(["alice", "bob"].contains(&winner), "{draw}");
}
