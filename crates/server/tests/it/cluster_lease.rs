//! Cluster mode: a node's lease in the nodes bucket is what makes its rooms its own. A
//! lease that lapses (here: removed from the bucket, as NATS does once it is not renewed)
//! takes every room held under it away from the node at once; the room is taken again
//! under a new lease and numbers on without reusing a `MsgSeq`.

use async_nats::jetstream;
use std::time::Duration;

use liveroom_client::{text_body, Client};
use liveroom_cluster::Names;
use liveroom_core::group::Priority;

use crate::cluster::{collect, eventually, health, nats_url, TestCluster};
use crate::harness::{TestServer, APP};

async fn owned_rooms(node: &TestServer) -> u64 {
    health(node).await["owned_rooms"].as_u64().unwrap_or(0)
}

/// Sends `text` to the room `room` with `random` (or one the server picks); its `MsgSeq`.
async fn send_seq(c: &Client, room: &str, text: &str, random: Option<u32>) -> u64 {
    c.send(room, text_body(text), Priority::Normal, None, random)
        .await
        .expect("send")
        .data["MsgSeq"]
        .as_u64()
        .expect("MsgSeq")
}

#[tokio::test]
async fn a_lapsed_lease_gives_up_its_rooms_and_they_go_on_under_a_new_one() {
    let cluster = TestCluster::start(2).await;
    let [a, b] = [&cluster.nodes[0], &cluster.nodes[1]];
    a.create_room("lease", None).await;
    let mut on_a = a.member("va", "lease").await;
    let mut on_b = b.member("vb", "lease").await;
    let sender_a = a.member("sa", "lease").await;
    let sender_b = b.member("sb", "lease").await;

    // The first message, sent on A, makes A the room's owner.
    let first = send_seq(&sender_a, "lease", "one", None).await;
    assert_eq!(owned_rooms(a).await, 1);
    assert_eq!(owned_rooms(b).await, 0);
    for v in [&mut on_a, &mut on_b] {
        assert_eq!(collect(v, 1, Duration::from_secs(10)).await[0].0, first);
    }

    // The room's key names A and the epoch of A's lease; that lease disappears.
    let nats = async_nats::connect(nats_url()).await.expect("NATS");
    let js = jetstream::new(nats);
    let rooms = js
        .get_key_value(Names::new(&cluster.prefix).rooms_bucket())
        .await
        .expect("rooms bucket");
    let nodes = js
        .get_key_value(Names::new(&cluster.prefix).nodes_bucket())
        .await
        .expect("nodes bucket");
    let holder = rooms
        .get(format!("{APP}.lease"))
        .await
        .expect("read the room key")
        .expect("the room has a key");
    let holder = String::from_utf8(holder.to_vec()).expect("text");
    let (node, epoch) = holder.split_once(':').expect("node:epoch");
    let lease = nodes
        .get(node)
        .await
        .expect("read the lease")
        .expect("the owner holds a lease");
    assert_eq!(lease.as_ref(), epoch.as_bytes());
    nodes.purge(node).await.expect("remove the lease");

    // A's next renewal finds its lease gone, and the room is taken under a new lease: by
    // A again (its own room key, a new epoch) or by B, whichever settles it first. The
    // old epoch is never valid again.
    let key = format!("{APP}.lease");
    eventually(
        Duration::from_secs(10),
        "the room is held under a new lease",
        || async {
            let now = rooms.get(key.as_str()).await.ok().flatten();
            now.is_some_and(|v| v.as_ref() != holder.as_bytes())
        },
    )
    .await;
    eventually(
        Duration::from_secs(10),
        "one node decides for the room",
        || async { owned_rooms(a).await + owned_rooms(b).await == 1 },
    )
    .await;
    let held = rooms.get(key.as_str()).await.expect("read").expect("key");
    let held = String::from_utf8(held.to_vec()).expect("text");
    let (node, epoch) = held.split_once(':').expect("node:epoch");
    let lease = nodes.get(node).await.expect("read").expect("a live lease");
    assert_eq!(
        lease.as_ref(),
        epoch.as_bytes(),
        "the key names a live lease"
    );

    // The room goes on: messages sent on either node are numbered after the first one,
    // in one order, and reach the viewers on both nodes.
    let mut acked = Vec::new();
    for (sender, text) in [(&sender_b, "two"), (&sender_a, "three")] {
        let seq = send_seq(sender, "lease", text, None).await;
        acked.push((seq, text.to_string()));
    }
    assert!(acked[0].0 > first, "MsgSeq {} after {first}", acked[0].0);
    assert_eq!(acked[1].0, acked[0].0 + 1);
    for v in [&mut on_a, &mut on_b] {
        assert_eq!(collect(v, 2, Duration::from_secs(10)).await, acked);
    }
    drop((sender_a, sender_b));
    cluster.stop().await;
}

/// A sender whose answer was lost with the room's owner sends again with the same `Random`:
/// the node that decides for the room now answers it as its first send (the same `MsgSeq`),
/// and nobody gets the message twice.
#[tokio::test]
async fn a_send_repeated_after_the_room_moved_is_answered_as_its_first() {
    let mut cluster = TestCluster::start(2).await;
    let a = cluster.nodes.remove(0);
    let b = &cluster.nodes[0];
    a.create_room("again", None).await;
    a.settings(serde_json::json!({"history_enabled": true, "history_count": 50}))
        .await;
    let mut viewer = b.member("vb", "again").await;
    let sender = a.member("sa", "again").await;
    let first = send_seq(&sender, "again", "one", Some(777)).await;
    assert_eq!(owned_rooms(&a).await, 1);
    assert_eq!(
        collect(&mut viewer, 1, Duration::from_secs(10)).await,
        vec![(first, "one".to_string())]
    );

    // The owner goes away; the sender comes back through the other node and repeats.
    drop(sender);
    a.shutdown().await;
    let sender = b.member("sa", "again").await;
    let repeat = send_seq(&sender, "again", "one", Some(777)).await;
    assert_eq!(repeat, first, "the repeat is answered as the first send");
    assert_eq!(owned_rooms(b).await, 1);
    let next = send_seq(&sender, "again", "two", Some(778)).await;
    assert!(next > first);
    // The viewer gets the next message, not the repeat.
    assert_eq!(
        collect(&mut viewer, 1, Duration::from_secs(10)).await,
        vec![(next, "two".to_string())]
    );
    drop(sender);
    cluster.stop().await;
}
