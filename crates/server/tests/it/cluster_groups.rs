//! Groups that keep their members and messages, across three nodes: members on every node
//! get every message once and in one numbering, a member who was away reads the same
//! unread count on any node, and membership changes made on one node attach and detach the
//! devices held by the others.

use serde_json::{json, Value};
use std::time::Duration;

use liveroom_client::{Client, Event};
use liveroom_core::group::Priority;
use liveroom_core::protocol::groups::{AnswerGroupRequest, GroupMembersOp, JoinGroup};
use liveroom_core::protocol::{MessagePush, Op};

use crate::cluster::TestCluster;

const WAIT: Duration = Duration::from_secs(10);

fn text(t: &str) -> Value {
    json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}])
}

async fn next_message(c: &mut Client) -> MessagePush {
    loop {
        if let Event::Message(m) = c.next_event_within(WAIT).await.expect("a message") {
            return m;
        }
    }
}

#[tokio::test]
async fn members_on_three_nodes_share_one_group() {
    let cluster = TestCluster::start(3).await;
    let n = &cluster.nodes;
    for u in ["ann", "bob", "cat", "dan", "eve"] {
        n[0].import(u, u).await;
    }
    n[0].ok(
        "group_open_http_svc/create_group",
        json!({"Type": "Public", "GroupId": "guild", "Name": "Guild", "Owner_Account": "ann",
               "MemberList": [{"Member_Account": "bob"}, {"Member_Account": "cat"},
                              {"Member_Account": "dan"}]}),
    )
    .await;
    let mut ann = n[0].user("ann").await;
    let mut bob = n[1].user("bob").await;
    let mut cat = n[2].user("cat").await;

    // One message from each node: every member elsewhere gets each, numbered 1 to 3.
    let mut seqs = Vec::new();
    for (i, sender) in [&ann, &bob, &cat].into_iter().enumerate() {
        let r = sender
            .send(
                "guild",
                text(&format!("from node {i}")),
                Priority::Normal,
                None,
                None,
            )
            .await
            .expect("send");
        seqs.push(r.data["MsgSeq"].as_u64().expect("MsgSeq"));
    }
    seqs.sort_unstable();
    assert_eq!(seqs, vec![1, 2, 3]);
    for (me, c) in [(0, &mut ann), (1, &mut bob), (2, &mut cat)] {
        let mut got = Vec::new();
        for _ in 0..2 {
            let m = next_message(c).await;
            assert_ne!(
                m.msg_body[0]["MsgContent"]["Text"],
                format!("from node {me}")
            );
            got.push(m.msg_seq);
        }
        got.sort_unstable();
        assert_eq!(got.len(), 2, "each of the others' messages once");
    }

    // Dan was away: any node reads the same count and the same messages.
    for node in n.iter() {
        let joined = node
            .ok(
                "group_open_http_svc/get_joined_group_list",
                json!({"Member_Account": "dan"}),
            )
            .await;
        assert_eq!(joined["GroupIdList"][0]["SelfInfo"]["UnreadMsgNum"], 3);
    }
    let dan = n[1].user("dan").await;
    let list = Value::Object(dan.conversations(10).await.expect("list").data);
    assert_eq!(list["TotalUnread"], 3);
    dan.request(Op::ReadGroup(liveroom_core::protocol::groups::ReadGroup {
        group_id: "guild".into(),
        topic_id: None,
        seq: None,
    }))
    .await
    .expect("read");
    let joined = n[2]
        .ok(
            "group_open_http_svc/get_joined_group_list",
            json!({"Member_Account": "dan"}),
        )
        .await;
    assert_eq!(joined["GroupIdList"][0]["SelfInfo"]["UnreadMsgNum"], 0);

    // Eve asks on node 2; the owner on node 0 accepts. Her device that logs in on node 2
    // afterwards is attached there and gets what is sent on node 1. (A device online during
    // the acceptance is attached once its node hears of it; what came between, it reads by
    // number: the join tip's `MsgSeq` shows the gap.)
    let asking = n[2].user("eve").await;
    let asked = asking
        .request(Op::JoinGroup(JoinGroup {
            group_id: "guild".into(),
            apply_message: String::new(),
        }))
        .await
        .expect("ask");
    assert_eq!(asked.data["Pending"], true);
    ann.request(Op::AnswerGroupRequest(AnswerGroupRequest {
        group_id: "guild".into(),
        applicant: "eve".into(),
        accept: true,
        reason: String::new(),
    }))
    .await
    .expect("accept");
    let mut eve = n[2].user("eve").await;
    let sent = bob
        .send("guild", text("welcome"), Priority::Normal, None, None)
        .await
        .expect("send");
    let got = next_message(&mut eve).await;
    assert_eq!(Some(got.msg_seq), sent.data["MsgSeq"].as_u64());

    // Cat is removed on node 1: her device on node 2 leaves the group.
    bob.request(Op::KickFromGroup(GroupMembersOp {
        group_id: "guild".into(),
        members: vec!["cat".into()],
        reason: String::new(),
    }))
    .await
    .expect_err("an ordinary member may not remove");
    n[1].ok(
        "group_open_http_svc/delete_group_member",
        json!({"GroupId": "guild", "MemberToDel_Account": ["cat"]}),
    )
    .await;
    loop {
        if let Event::Tip(t) = cat.next_event_within(WAIT).await.expect("the kick tip") {
            if t.msg_body[0]["MsgContent"]["OpType"] == 4 {
                break;
            }
        }
    }
    let refused = cat
        .send("guild", text("still?"), Priority::Normal, None, None)
        .await
        .expect_err("not a member");
    assert_eq!(refused.code(), Some(10007));
    cluster.stop().await;
}

#[tokio::test]
async fn a_topics_messages_cross_nodes_and_its_unread_counts_agree() {
    let cluster = TestCluster::start(2).await;
    let n = &cluster.nodes;
    for u in ["ann", "bob", "cat"] {
        n[0].import(u, u).await;
    }
    n[0].ok(
        "group_open_http_svc/create_group",
        json!({"Type": "Community", "GroupId": "hub", "Name": "Hub", "Owner_Account": "ann",
               "SupportTopic": 1, "MemberList": [{"Member_Account": "bob"}, {"Member_Account": "cat"}]}),
    )
    .await;
    n[1].ok(
        "million_group_open_http_svc/create_topic",
        json!({"GroupId": "hub", "TopicName": "general", "TopicId": "hub@TOPIC#_general"}),
    )
    .await;
    let ann = n[0].user("ann").await;
    let mut bob = n[1].user("bob").await;
    for t in ["one", "two"] {
        ann.request(Op::Send {
            group_id: "hub".into(),
            msg_body: text(t),
            priority: None,
            cloud_custom_data: None,
            random: None,
            online_only: false,
            no_unread: false,
            no_last_msg: false,
            need_read_receipt: false,
            at_info: None,
            topic_id: Some("hub@TOPIC#_general".into()),
            extensible: false,
        })
        .await
        .expect("send");
    }
    let first = next_message(&mut bob).await;
    assert_eq!(
        (first.topic_id.as_str(), first.msg_seq),
        ("hub@TOPIC#_general", 1)
    );
    assert_eq!(next_message(&mut bob).await.msg_seq, 2);
    // Cat was away: both nodes count the same.
    for node in n.iter() {
        let v = node
            .ok(
                "million_group_open_http_svc/get_topic",
                json!({"GroupId": "hub", "From_Account": "cat"}),
            )
            .await;
        assert_eq!(v["TopicAndSelfInfo"][0]["SelfInfo"]["UnreadMsgNum"], 2);
    }
    cluster.stop().await;
}
