//! Cluster mode: the online count counts a user once, however many nodes its devices are
//! connected to (the reference counts distinct users, plus guest connections).

use std::time::Duration;

use crate::cluster::{eventually, online_num, TestCluster};

/// Waits until every node answers `n` as the room's online count.
async fn counted_everywhere(cluster: &TestCluster, n: u64) {
    for node in &cluster.nodes {
        eventually(
            Duration::from_secs(10),
            &format!("{n} online on every node"),
            || async { online_num(node, "twin").await == n },
        )
        .await;
    }
}

#[tokio::test]
async fn a_user_on_two_nodes_counts_once() {
    let cluster = TestCluster::start(2).await;
    let [a, b] = [&cluster.nodes[0], &cluster.nodes[1]];
    a.create_room("twin", None).await;
    // One user on both nodes (two devices), one user on each, and a guest on B.
    let _twin_a = a.member("twin", "twin").await;
    let _twin_b = b.member("twin", "twin").await;
    let _solo_a = a.member("solo-a", "twin").await;
    let _solo_b = b.member("solo-b", "twin").await;
    let guest = b.client().await;
    guest.guest(crate::harness::APP).await.expect("guest");
    guest.join("twin").await.expect("join");

    // twin, solo-a, solo-b and the guest: 4 on every node.
    counted_everywhere(&cluster, 4).await;
    // The twin's device on A leaves (it stays online on B) and a new user joins on A:
    // 5, counted the same on both nodes.
    drop(_twin_a);
    let _late = a.member("late", "twin").await;
    counted_everywhere(&cluster, 5).await;
    drop(guest);
    cluster.stop().await;
}
