//! One-to-one chat across the nodes of a cluster: a user's devices on different nodes,
//! sender and receiver on different nodes, read reports and typing between nodes.

use serde_json::json;
use std::time::Duration;

use liveroom_client::{Client, Event};
use liveroom_core::protocol::chat::C2cMessage;
use liveroom_core::protocol::Op;

use crate::cluster::TestCluster;

const WAIT: Duration = Duration::from_secs(10);

async fn next_c2c(c: &mut Client) -> C2cMessage {
    loop {
        if let Event::C2c(m) = c.next_event_within(WAIT).await.expect("a c2c push") {
            return m;
        }
    }
}

#[tokio::test]
async fn messages_reads_and_typing_cross_nodes() {
    let cluster = TestCluster::start(2).await;
    let (a, b) = (&cluster.nodes[0], &cluster.nodes[1]);
    for u in ["ann", "bob"] {
        a.import(u, u).await;
    }
    let ann_here = a.user("ann").await;
    let mut ann_there = b.user("ann").await;
    let mut bob = b.user("bob").await;

    let sent = ann_here.send_c2c_text("bob", "across").await.expect("send");
    let seq = sent.data["Seq"].as_u64().expect("Seq");
    let got = next_c2c(&mut bob).await;
    assert_eq!(
        (got.from.as_str(), got.seq, got.unread),
        ("ann", seq, Some(1))
    );
    // The sender's device on the other node gets it too, once.
    let synced = next_c2c(&mut ann_there).await;
    assert_eq!(synced.seq, seq);

    // Bob's read report from node 1 reaches Ann's devices on both nodes.
    bob.read_c2c("ann", None).await.expect("read");
    let mut ann_here = ann_here;
    for c in [&mut ann_here, &mut ann_there] {
        loop {
            if let Event::C2cRead(r) = c.next_event_within(WAIT).await.expect("receipt") {
                assert_eq!((r.reader.as_str(), r.seq), ("bob", seq));
                break;
            }
        }
    }

    // Typing from node 1 to Ann's device on node 0.
    bob.request(Op::Typing(liveroom_core::protocol::chat::Typing {
        to: "ann".into(),
    }))
    .await
    .expect("typing");
    loop {
        if let Event::Typing(t) = ann_here.next_event_within(WAIT).await.expect("typing") {
            assert_eq!(t.from, "bob");
            break;
        }
    }

    // A REST send through node 1 to a user connected only to node 0.
    drop(ann_there);
    b.ok(
        "openim/sendmsg",
        json!({"From_Account": "bob", "To_Account": "ann", "MsgRandom": 5,
               "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "via rest"}}]}),
    )
    .await;
    let got = next_c2c(&mut ann_here).await;
    assert_eq!((got.from.as_str(), got.seq), ("bob", seq + 1));
    cluster.stop().await;
}
