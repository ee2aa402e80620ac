//! Presence: status reads over REST (`query_online_status`, `querystate`) and the client
//! protocol, status watchers with pushes on change, custom status; within one node and
//! across two.

use serde_json::json;
use std::time::Duration;

use liveroom_client::{Client, Event};
use liveroom_core::protocol::chat::{SetStatus, StatusUsers, UserStatusPush};
use liveroom_core::protocol::Op;

use crate::cluster::TestCluster;
use crate::harness::{sig, TestServer, APP};

const WAIT: Duration = Duration::from_secs(10);

async fn next_status(c: &mut Client) -> UserStatusPush {
    loop {
        if let Event::UserStatus(s) = c.next_event_within(WAIT).await.expect("a status push") {
            return s;
        }
    }
}

fn watch(users: &[&str]) -> Op {
    Op::SubscribeStatus(StatusUsers {
        users: users.iter().map(|u| u.to_string()).collect(),
    })
}

async fn device(url: &str, user: &str, platform: &str) -> Client {
    let c = Client::connect(url).await.expect("connect");
    c.request(Op::Login {
        sdk_app_id: APP,
        user_id: user.into(),
        user_sig: sig(user),
        platform: Some(platform.into()),
    })
    .await
    .expect("login");
    c
}

#[tokio::test]
async fn watchers_see_devices_come_and_go() {
    let s = TestServer::spawn().await;
    for u in ["ann", "bob"] {
        s.import(u, u).await;
    }
    let mut bob = s.user("bob").await;
    let now = bob.request(watch(&["ann"])).await.expect("watch");
    assert_eq!(now.data["Statuses"][0]["Status"], "Offline");

    let web = device(&s.ws_url(), "ann", "Web").await;
    let st = next_status(&mut bob).await;
    assert_eq!(
        (st.user.as_str(), st.status.as_str(), st.platforms.clone()),
        ("ann", "Online", vec!["Web".to_string()])
    );
    let phone = device(&s.ws_url(), "ann", "Android").await;
    assert_eq!(
        next_status(&mut bob).await.platforms,
        vec!["Android".to_string(), "Web".to_string()]
    );
    phone
        .request(Op::SetStatus(SetStatus {
            custom_status: "in a meeting".into(),
        }))
        .await
        .expect("custom status");
    assert_eq!(next_status(&mut bob).await.custom_status, "in a meeting");

    let q = s
        .ok(
            "openim/query_online_status",
            json!({"To_Account": ["ann", "bob", "ghost"], "IsNeedDetail": 1}),
        )
        .await;
    assert_eq!(q["QueryResult"][0]["Status"], "Online");
    assert_eq!(
        q["QueryResult"][0]["Detail"]
            .as_array()
            .expect("detail")
            .len(),
        2
    );
    assert_eq!(q["QueryResult"][1]["Status"], "Online");
    assert_eq!(
        q["ErrorList"],
        json!([{"To_Account": "ghost", "ErrorCode": 70107}])
    );
    let old = s
        .ok("openim/querystate", json!({"To_Account": ["ann"]}))
        .await;
    assert_eq!(old["QueryResult"][0]["State"], "Online");

    drop(phone);
    let st = next_status(&mut bob).await;
    assert_eq!(
        (st.status.as_str(), st.platforms.clone()),
        ("Online", vec!["Web".to_string()])
    );
    drop(web);
    assert_eq!(next_status(&mut bob).await.status, "Offline");
    let too_many: Vec<String> = (0..201).map(|i| format!("u{i}")).collect();
    let refused = bob
        .request(Op::SubscribeStatus(StatusUsers { users: too_many }))
        .await
        .expect_err("bounded");
    assert_eq!(refused.code(), Some(90011));
    s.shutdown().await;
}

#[tokio::test]
async fn status_crosses_nodes() {
    let cluster = TestCluster::start(2).await;
    let (a, b) = (&cluster.nodes[0], &cluster.nodes[1]);
    for u in ["ann", "bob"] {
        a.import(u, u).await;
    }
    let mut bob = a.user("bob").await;
    bob.request(watch(&["ann"])).await.expect("watch");
    let ann_there = device(&b.ws_url(), "ann", "iOS").await;
    let st = next_status(&mut bob).await;
    assert_eq!(
        (st.status.as_str(), st.platforms.clone()),
        ("Online", vec!["iOS".to_string()])
    );
    // Read through the node that has none of Ann's devices.
    let q = a
        .ok(
            "openim/query_online_status",
            json!({"To_Account": ["ann"], "IsNeedDetail": 1}),
        )
        .await;
    assert_eq!(q["QueryResult"][0]["Detail"][0]["Platform"], "iOS");
    // A device on each node: losing one keeps her online.
    let ann_here = device(&a.ws_url(), "ann", "Web").await;
    assert_eq!(next_status(&mut bob).await.platforms.len(), 2);
    drop(ann_there);
    let st = next_status(&mut bob).await;
    assert_eq!(
        (st.status.as_str(), st.platforms.clone()),
        ("Online", vec!["Web".to_string()])
    );
    drop(ann_here);
    assert_eq!(next_status(&mut bob).await.status, "Offline");
    cluster.stop().await;
}
