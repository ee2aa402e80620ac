//! Groups that keep their members and messages (Work, Public, Meeting, Community) over
//! real sockets: members added by REST and by clients, join requests and their approval,
//! stored messages numbered per group and delivered to the members online, catch-up and
//! exact unread counts for those who were away, recall, owner transfer, member fields,
//! and the coded refusals of the type rules.

use serde_json::{json, Value};
use std::time::Duration;

use liveroom_client::{Client, Event};
use liveroom_core::protocol::groups::{
    AnswerGroupRequest, CreateGroup, GetGroupMembers, GetGroupMessages, GroupMembersOp, GroupRef,
    JoinGroup, ReadGroup,
};
use liveroom_core::protocol::{ElemPush, MessagePush, Op};

use crate::harness::TestServer;

const WAIT: Duration = Duration::from_secs(5);

async fn call(c: &Client, op: Op) -> Value {
    Value::Object(c.request(op).await.expect("request").data)
}

async fn refused(c: &Client, op: Op) -> i32 {
    c.request(op)
        .await
        .expect_err("refused")
        .code()
        .expect("a coded error")
}

fn text(t: &str) -> Value {
    json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}])
}

async fn say(c: &Client, group: &str, t: &str) -> u64 {
    let r = c
        .send(
            group,
            text(t),
            liveroom_core::group::Priority::Normal,
            None,
            None,
        )
        .await
        .expect("send");
    r.data["MsgSeq"].as_u64().expect("MsgSeq")
}

/// The next group message a client gets (other pushes skipped).
async fn next_message(c: &mut Client) -> MessagePush {
    loop {
        match c.next_event_within(WAIT).await.expect("a message push") {
            Event::Message(m) => return m,
            _ => continue,
        }
    }
}

/// The next tip a client gets.
async fn next_tip(c: &mut Client) -> ElemPush {
    loop {
        match c.next_event_within(WAIT).await.expect("a tip") {
            Event::Tip(t) => return t,
            _ => continue,
        }
    }
}

/// The next system notice a client gets.
async fn next_notice(c: &mut Client) -> ElemPush {
    loop {
        match c.next_event_within(WAIT).await.expect("a notice") {
            Event::System(n) => return n,
            _ => continue,
        }
    }
}

fn body_text(m: &MessagePush) -> &str {
    m.msg_body[0]["MsgContent"]["Text"].as_str().unwrap_or("")
}

async fn people(s: &TestServer, names: &[&str]) {
    for n in names {
        s.import(n, &n.to_uppercase()).await;
    }
}

fn create(group_type: &str, id: &str, members: &[&str]) -> Op {
    Op::CreateGroup(CreateGroup {
        group_type: group_type.into(),
        group_id: Some(id.into()),
        name: format!("group {id}"),
        introduction: String::new(),
        notification: String::new(),
        face_url: String::new(),
        max_member_count: 0,
        apply_join_option: None,
        invite_join_option: None,
        member_list: members.iter().map(|m| m.to_string()).collect(),
        support_topic: false,
    })
}

#[tokio::test]
async fn stored_messages_reach_members_online_and_wait_for_the_others() {
    let s = TestServer::spawn().await;
    people(&s, &["ann", "bob", "cat"]).await;
    let v = s
        .ok(
            "group_open_http_svc/create_group",
            json!({"Type": "Public", "GroupId": "fans", "Name": "Fans", "Owner_Account": "ann",
                   "MemberList": [{"Member_Account": "bob"}, {"Member_Account": "cat", "Role": "Admin"}]}),
        )
        .await;
    assert_eq!(v["GroupId"], "fans");
    let info = s
        .ok(
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": ["fans"]}),
        )
        .await;
    let g = &info["GroupInfo"][0];
    assert_eq!(
        (g["MemberNum"].as_u64(), g["MaxMemberNum"].as_u64()),
        (Some(3), Some(2000))
    );
    assert_eq!(g["ApplyJoinOption"], "NeedPermission");
    assert_eq!(g["NextMsgSeq"], 1);

    // Members online are attached at login: no join needed.
    let ann = s.user("ann").await;
    let mut bob = s.user("bob").await;
    assert_eq!(say(&ann, "fans", "one").await, 1);
    let got = next_message(&mut bob).await;
    assert_eq!(
        (
            got.group_id.as_str(),
            got.msg_seq,
            body_text(&got),
            got.nick.as_str()
        ),
        ("fans", 1, "one", "ANN")
    );
    // REST sends are stored in the same sequence.
    let sent = s
        .ok(
            "group_open_http_svc/send_group_msg",
            json!({"GroupId": "fans", "From_Account": "bob", "MsgBody": text("two"), "Random": 7}),
        )
        .await;
    assert_eq!(sent["MsgSeq"], 2);
    assert_eq!(
        next_message(&mut bob).await.msg_seq,
        2,
        "its sender's devices get it too"
    );
    // A repeat of the same Random answers the first and stores nothing.
    let again = s
        .ok(
            "group_open_http_svc/send_group_msg",
            json!({"GroupId": "fans", "From_Account": "bob", "MsgBody": text("two"), "Random": 7}),
        )
        .await;
    assert_eq!(again["MsgSeq"], 2);
    assert_eq!(say(&ann, "fans", "three").await, 3);

    // Cat was away: the list shows the group with its unread count, the page the gap.
    let cat = s.user("cat").await;
    let list = call(&cat, Op::GetJoinedGroups).await;
    let fans = &list["Groups"][0];
    assert_eq!(fans["GroupId"], "fans");
    assert_eq!(fans["Role"], "Admin");
    assert_eq!(
        (fans["Unread"].as_u64(), fans["LastSeq"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(
        fans["LastMessage"]["MsgBody"][0]["MsgContent"]["Text"],
        "three"
    );
    let page = call(
        &cat,
        Op::GetGroupMessages(GetGroupMessages {
            group_id: "fans".into(),
            topic_id: None,
            after_seq: Some(0),
            before_seq: None,
            count: 2,
            with_recalled: false,
        }),
    )
    .await;
    let seqs: Vec<u64> = page["Messages"]
        .as_array()
        .expect("Messages")
        .iter()
        .map(|m| m["MsgSeq"].as_u64().expect("MsgSeq"))
        .collect();
    assert_eq!(seqs, vec![1, 2]);
    assert_eq!(page["Complete"], false);
    // The group is in the same conversation list as one-to-one chats, newest first.
    s.ok(
        "openim/sendmsg",
        json!({"From_Account": "bob", "To_Account": "cat", "MsgRandom": 1, "MsgBody": text("psst")}),
    )
    .await;
    let list = Value::Object(cat.conversations(100).await.expect("list").data);
    let kinds: Vec<(&str, &str)> = list["Conversations"]
        .as_array()
        .expect("Conversations")
        .iter()
        .map(|c| {
            (
                c["Type"].as_str().unwrap_or(""),
                c["Peer_Account"]
                    .as_str()
                    .or(c["GroupId"].as_str())
                    .unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(kinds.len(), 2);
    assert!(kinds.contains(&("C2C", "bob")) && kinds.contains(&("GROUP", "fans")));
    assert_eq!(list["TotalUnread"], 4, "three in the group, one from Bob");
    let one = Value::Object(cat.conversations(1).await.expect("page").data);
    let next = one["NextCursor"].as_str().expect("a cursor").to_string();
    let rest = Value::Object(
        cat.request(Op::GetConversations(
            liveroom_core::protocol::chat::GetConversations {
                cursor: Some(next),
                count: 10,
            },
        ))
        .await
        .expect("page")
        .data,
    );
    assert_eq!(rest["Complete"], true);
    assert_eq!(
        rest["Conversations"].as_array().map(Vec::len),
        Some(1),
        "the second page holds the other entry"
    );
    assert_ne!(
        rest["Conversations"][0]["Type"],
        one["Conversations"][0]["Type"]
    );
    let contacts = s
        .ok("recentcontact/get_list", json!({"From_Account": "cat"}))
        .await;
    let group_item = contacts["SessionItem"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["Type"] == 2)
        .expect("a group item");
    assert_eq!(
        (
            group_item["GroupId"].as_str(),
            group_item["UnreadMsgNum"].as_u64()
        ),
        (Some("fans"), Some(3))
    );

    // Reading clears the count on every device of the reader.
    let mut cat2 = s.user("cat").await;
    let read = call(
        &cat,
        Op::ReadGroup(ReadGroup {
            group_id: "fans".into(),
            topic_id: None,
            seq: Some(2),
        }),
    )
    .await;
    assert_eq!(
        (read["Seq"].as_u64(), read["Unread"].as_u64()),
        (Some(2), Some(1))
    );
    let pushed = loop {
        if let Event::GroupRead(r) = cat2.next_event_within(WAIT).await.expect("group_read") {
            break r;
        }
    };
    assert_eq!((pushed.seq, pushed.unread), (2, 1));
    // Own messages never count: Ann sent one and three, Bob two.
    let joined = s
        .ok(
            "group_open_http_svc/get_joined_group_list",
            json!({"Member_Account": "ann", "ResponseFilter": {"SelfInfoFilter": ["UnreadMsgNum", "Role"]}}),
        )
        .await;
    assert_eq!(joined["TotalCount"], 1);
    let own = &joined["GroupIdList"][0]["SelfInfo"];
    assert_eq!(
        (own["Role"].as_str(), own["UnreadMsgNum"].as_u64()),
        (Some("Owner"), Some(0))
    );
    s.ok(
        "group_open_http_svc/set_unread_msg_num",
        json!({"GroupId": "fans", "Member_Account": "ann", "UnreadMsgNum": 1}),
    )
    .await;
    let joined = s
        .ok(
            "group_open_http_svc/get_joined_group_list",
            json!({"Member_Account": "ann"}),
        )
        .await;
    assert_eq!(joined["GroupIdList"][0]["SelfInfo"]["UnreadMsgNum"], 1);

    // REST history sees everything, newest first.
    let history = s
        .ok(
            "group_open_http_svc/group_msg_get_simple",
            json!({"GroupId": "fans", "ReqMsgNumber": 10}),
        )
        .await;
    let seqs: Vec<u64> = history["RspMsgList"]
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["MsgSeq"].as_u64().expect("MsgSeq"))
        .collect();
    assert_eq!(seqs, vec![3, 2, 1]);
    assert_eq!(history["IsFinished"], 1);
}

#[tokio::test]
async fn join_requests_wait_for_an_owner_or_admin_and_are_answered_once() {
    let s = TestServer::spawn().await;
    people(&s, &["ann", "bob", "cat", "dan"]).await;
    let mut ann = s.user("ann").await;
    let created = call(&ann, create("Public", "club", &["bob"])).await;
    assert_eq!(created["GroupId"], "club");
    let mut bob = s.user("bob").await;

    // Public groups need approval by default: the request waits, the owner hears of it.
    let cat = s.user("cat").await;
    let asked = call(
        &cat,
        Op::JoinGroup(JoinGroup {
            group_id: "club".into(),
            apply_message: "let me in".into(),
        }),
    )
    .await;
    assert_eq!(asked["Pending"], true);
    // The creator's devices heard of the group first (a first member's notice).
    let created = next_notice(&mut ann).await;
    assert_eq!(created.msg_body[0]["MsgContent"]["OpType"], 6);
    let notice = next_notice(&mut ann).await;
    assert_eq!(notice.msg_body[0]["MsgContent"]["OpType"], 1);
    assert_eq!(notice.msg_body[0]["MsgContent"]["Applicant_Account"], "cat");
    // Not a member yet: it cannot send.
    assert_eq!(
        cat.send(
            "club",
            text("early"),
            liveroom_core::group::Priority::Normal,
            None,
            None
        )
        .await
        .expect_err("not a member")
        .code(),
        Some(10007)
    );
    // An ordinary member does not see or answer requests.
    assert_eq!(
        refused(
            &bob,
            Op::GetGroupRequests(GroupRef {
                group_id: "club".into()
            })
        )
        .await,
        10007
    );
    let pending = call(
        &ann,
        Op::GetGroupRequests(GroupRef {
            group_id: "club".into(),
        }),
    )
    .await;
    assert_eq!(pending["Requests"][0]["Applicant_Account"], "cat");
    assert_eq!(pending["Requests"][0]["ApplyMessage"], "let me in");
    let mut cat = cat;
    let answer = |accept| {
        Op::AnswerGroupRequest(AnswerGroupRequest {
            group_id: "club".into(),
            applicant: "cat".into(),
            accept,
            reason: String::new(),
        })
    };
    call(&ann, answer(true)).await;
    assert_eq!(
        refused(&ann, answer(false)).await,
        10024,
        "answered already"
    );
    let result = next_notice(&mut cat).await;
    assert_eq!(result.msg_body[0]["MsgContent"]["OpType"], 2);
    // The join tip is stored in the group's sequence; members online get it.
    let tip = next_tip(&mut bob).await;
    assert_eq!(tip.msg_body[0]["MsgContent"]["OpType"], 1);
    assert_eq!(tip.msg_seq, Some(1));
    // Cat's device was attached when it became a member.
    let seq = say(&cat, "club", "hello").await;
    assert_eq!(seq, 2);
    assert_eq!(next_message(&mut bob).await.from_account, "cat");
    // A member asking again is told it is one.
    assert_eq!(
        refused(
            &cat,
            Op::JoinGroup(JoinGroup {
                group_id: "club".into(),
                apply_message: String::new(),
            })
        )
        .await,
        10013
    );
    // Declining: the applicant is told, and stays out.
    // `join` of a stored group asks the same way, and a member's `join` answers at once.
    let dan = s.user("dan").await;
    let asked = dan.join("club").await.expect("join asks");
    assert_eq!(asked.data["Pending"], true);
    assert!(asked.data.get("Role").is_none());
    let member = cat.join("club").await.expect("a member's join");
    assert_eq!(
        (
            member.data["Pending"].as_bool(),
            member.data["Role"].as_str()
        ),
        (Some(false), Some("Member"))
    );
    assert_eq!(member.data["MemberNum"], 3);
    let decline = Op::AnswerGroupRequest(AnswerGroupRequest {
        group_id: "club".into(),
        applicant: "dan".into(),
        accept: false,
        reason: "full".into(),
    });
    call(&ann, decline).await;
    let roles = s
        .ok(
            "group_open_http_svc/get_role_in_group",
            json!({"GroupId": "club", "User_Account": ["ann", "bob", "cat", "dan"]}),
        )
        .await;
    let roles: Vec<&str> = roles["UserIdList"]
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["Role"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(roles, vec!["Owner", "Member", "Member", "NotMember"]);
}

#[tokio::test]
async fn type_rules_caps_kicks_and_quits_are_enforced() {
    let s = TestServer::spawn().await;
    people(&s, &["ann", "bob", "cat", "dan", "eve"]).await;
    // Meeting groups are free to join; a cap refuses the one too many.
    s.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "Meeting", "GroupId": "standup", "Name": "Standup", "Owner_Account": "ann",
               "MaxMemberCount": 3, "MemberList": [{"Member_Account": "bob"}]}),
    )
    .await;
    let cat = s.user("cat").await;
    let joined = call(
        &cat,
        Op::JoinGroup(JoinGroup {
            group_id: "standup".into(),
            apply_message: String::new(),
        }),
    )
    .await;
    assert_eq!(joined["Pending"], false);
    let dan = s.user("dan").await;
    assert_eq!(
        refused(
            &dan,
            Op::JoinGroup(JoinGroup {
                group_id: "standup".into(),
                apply_message: String::new(),
            })
        )
        .await,
        10014
    );
    let added = s
        .ok(
            "group_open_http_svc/add_group_member",
            json!({"GroupId": "standup", "MemberList": [{"Member_Account": "dan"}, {"Member_Account": "bob"}, {"Member_Account": "ghost"}]}),
        )
        .await;
    let results: Vec<u64> = added["MemberList"]
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["Result"].as_u64().expect("Result"))
        .collect();
    assert_eq!(
        results,
        vec![0, 2, 0],
        "full, already a member, no such account"
    );

    // Work groups: nobody applies, members invite, only the owner kicks, the owner may
    // quit (the group stays, ownerless).
    let ann = s.user("ann").await;
    call(&ann, create("Work", "team", &["bob", "cat"])).await;
    assert_eq!(
        refused(
            &dan,
            Op::JoinGroup(JoinGroup {
                group_id: "team".into(),
                apply_message: String::new(),
            })
        )
        .await,
        10007
    );
    let bob = s.user("bob").await;
    let invited = call(
        &bob,
        Op::InviteToGroup(GroupMembersOp {
            group_id: "team".into(),
            members: vec!["dan".into()],
            reason: String::new(),
        }),
    )
    .await;
    assert_eq!(invited["Results"][0]["Result"], 1);
    let kick = |who: &str| {
        Op::KickFromGroup(GroupMembersOp {
            group_id: "team".into(),
            members: vec![who.into()],
            reason: "bye".into(),
        })
    };
    assert_eq!(refused(&bob, kick("cat")).await, 10007);
    let mut dan = dan;
    let tip = next_tip(&mut dan).await;
    assert_eq!(tip.msg_body[0]["MsgContent"]["OpType"], 2, "invited");
    call(&ann, kick("dan")).await;
    let tip = next_tip(&mut dan).await;
    assert_eq!(
        tip.msg_body[0]["MsgContent"]["OpType"], 4,
        "the kicked member is told"
    );
    assert_eq!(tip.msg_body[0]["MsgContent"]["Reason"], "bye");
    assert_eq!(
        dan.send(
            "team",
            text("still here?"),
            liveroom_core::group::Priority::Normal,
            None,
            None
        )
        .await
        .expect_err("gone")
        .code(),
        Some(10007)
    );
    call(
        &ann,
        Op::Quit {
            group_id: "team".into(),
        },
    )
    .await;
    let info = s
        .ok(
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": ["team"]}),
        )
        .await;
    assert_eq!(info["GroupInfo"][0]["Owner_Account"], "");
    assert_eq!(info["GroupInfo"][0]["MemberNum"], 2);

    // Public groups: the owner may not quit; admins kick ordinary members only.
    s.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "Public", "GroupId": "pub", "Name": "Pub", "Owner_Account": "ann",
               "MemberList": [{"Member_Account": "bob", "Role": "Admin"}, {"Member_Account": "cat", "Role": "Admin"}, {"Member_Account": "eve"}]}),
    )
    .await;
    assert_eq!(
        refused(
            &ann,
            Op::Quit {
                group_id: "pub".into()
            }
        )
        .await,
        10009
    );
    let kick_pub = |who: &str| {
        Op::KickFromGroup(GroupMembersOp {
            group_id: "pub".into(),
            members: vec![who.into()],
            reason: String::new(),
        })
    };
    assert_eq!(refused(&bob, kick_pub("cat")).await, 10007, "an admin");
    assert_eq!(refused(&bob, kick_pub("ann")).await, 10007, "the owner");
    call(&bob, kick_pub("eve")).await;
    // AVChatRooms keep the live-room rules.
    s.create_room("live", Some("ann")).await;
    let v = s
        .rest(
            "group_open_http_svc/add_group_member",
            json!({"GroupId": "live", "MemberList": [{"Member_Account": "bob"}]}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 10007);
    let v = s
        .rest(
            "group_open_http_svc/delete_group_member",
            json!({"GroupId": "live", "MemberToDel_Account": ["bob"]}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 10004);
}

#[tokio::test]
async fn members_are_listed_changed_and_the_owner_handed_on() {
    let s = TestServer::spawn().await;
    people(&s, &["ann", "bob", "cat"]).await;
    s.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "Community", "GroupId": "guild", "Name": "Guild", "Owner_Account": "ann",
               "MemberList": [{"Member_Account": "bob"}, {"Member_Account": "cat"}]}),
    )
    .await;
    let page = s
        .ok(
            "group_open_http_svc/get_group_member_info",
            json!({"GroupId": "guild", "Next": "", "Limit": 2}),
        )
        .await;
    assert_eq!(page["MemberNum"], 3);
    let ids: Vec<&str> = page["MemberList"]
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["Member_Account"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, vec!["ann", "bob"]);
    assert_eq!(page["MemberList"][0]["Role"], "Owner");
    let rest = s
        .ok(
            "group_open_http_svc/get_group_member_info",
            json!({"GroupId": "guild", "Next": page["Next"], "Limit": 2}),
        )
        .await;
    assert_eq!(rest["MemberList"][0]["Member_Account"], "cat");
    assert_eq!(rest["Next"], "");

    s.ok(
        "group_open_http_svc/modify_group_member_info",
        json!({"GroupId": "guild", "Member_Account": "bob", "Role": "Admin", "NameCard": "Bobby",
               "AppMemberDefinedData": [{"Key": "rank", "Value": "3"}]}),
    )
    .await;
    let bob = s
        .ok(
            "group_open_http_svc/get_specified_group_member_info",
            json!({"GroupId": "guild", "Member_List_Account": ["bob", "zed"]}),
        )
        .await;
    let entry = &bob["MemberList"][0];
    assert_eq!(
        (entry["Role"].as_str(), entry["NameCard"].as_str()),
        (Some("Admin"), Some("Bobby"))
    );
    assert_eq!(entry["AppMemberDefinedData"][0]["Value"], "3");
    assert_eq!(bob["MemberList"].as_array().map(Vec::len), Some(1));
    // A member changes its own fields, not another's.
    let cat = s.user("cat").await;
    let set = |member: Option<&str>| {
        Op::SetMemberInfo(liveroom_core::protocol::groups::SetMemberInfo {
            group_id: "guild".into(),
            member: member.map(str::to_string),
            name_card: Some("Kitty".into()),
            msg_flag: Some("AcceptNotNotify".into()),
            custom: Vec::new(),
            role: None,
        })
    };
    call(&cat, set(None)).await;
    assert_eq!(refused(&cat, set(Some("bob"))).await, 10007);
    let members = call(
        &cat,
        Op::GetGroupMembers(GetGroupMembers {
            group_id: "guild".into(),
            next: None,
            count: 10,
            admins_only: false,
        }),
    )
    .await;
    assert_eq!(members["Members"][2]["NameCard"], "Kitty");

    // The owner hands the group on; the new owner is no longer an admin.
    let v = s
        .rest(
            "group_open_http_svc/change_group_owner",
            json!({"GroupId": "guild", "NewOwner_Account": "zed"}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 10007, "not a member");
    s.ok(
        "group_open_http_svc/change_group_owner",
        json!({"GroupId": "guild", "NewOwner_Account": "bob"}),
    )
    .await;
    let roles = s
        .ok(
            "group_open_http_svc/get_role_in_group",
            json!({"GroupId": "guild", "User_Account": ["ann", "bob"]}),
        )
        .await;
    assert_eq!(roles["UserIdList"][0]["Role"], "Member");
    assert_eq!(roles["UserIdList"][1]["Role"], "Owner");
    let history = s
        .ok(
            "group_open_http_svc/group_msg_get_simple",
            json!({"GroupId": "guild", "ReqMsgNumber": 5}),
        )
        .await;
    let newest = &history["RspMsgList"][0];
    assert_eq!(newest["IsSystemMsg"], 1, "the owner change is a stored tip");
    assert_eq!(newest["MsgBody"][0]["MsgContent"]["OpType"], 7);
}

#[tokio::test]
async fn members_recall_their_own_messages_and_admins_any() {
    let s = TestServer::spawn().await;
    people(&s, &["ann", "bob", "cat"]).await;
    s.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "Public", "GroupId": "g", "Name": "G", "Owner_Account": "ann",
               "MemberList": [{"Member_Account": "bob"}, {"Member_Account": "cat"}]}),
    )
    .await;
    let bob = s.user("bob").await;
    let mut cat = s.user("cat").await;
    let mine = say(&bob, "g", "oops").await;
    let theirs = say(&cat, "g", "fine").await;
    next_message(&mut cat).await;
    assert_eq!(
        bob.recall("g", theirs).await.expect_err("not own").code(),
        Some(10007)
    );
    bob.recall("g", mine).await.expect("own");
    let gone = loop {
        if let Event::Recalled(r) = cat.next_event_within(WAIT).await.expect("recalled") {
            break r;
        }
    };
    assert_eq!(gone.msg_seq, mine);
    let ann = s.user("ann").await;
    ann.recall("g", theirs)
        .await
        .expect("the owner recalls any");
    let page = call(
        &ann,
        Op::GetGroupMessages(GetGroupMessages {
            group_id: "g".into(),
            topic_id: None,
            after_seq: None,
            before_seq: None,
            count: 10,
            with_recalled: true,
        }),
    )
    .await;
    assert_eq!(page["Messages"][0]["Recalled"], true);
    assert_eq!(page["Messages"][0]["MsgBody"], json!([]));
    let visible = s
        .ok(
            "group_open_http_svc/group_msg_get_simple",
            json!({"GroupId": "g", "ReqMsgNumber": 10}),
        )
        .await;
    assert_eq!(visible["RspMsgList"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn membership_webhooks_fire_and_the_backend_may_refuse() {
    use crate::receiver::{code, ok, Receiver};
    use liveroom_core::callback::{
        AFTER_CHANGE_GROUP_OWNER, AFTER_GROUP_FULL, AFTER_MEMBER_EXIT, AFTER_MEMBER_FIELD_CHANGED,
        AFTER_NEW_MEMBER_JOIN, AFTER_RECALL_MSG, AFTER_SEND_MSG, BEFORE_APPLY_JOIN,
        BEFORE_INVITE_JOIN,
    };
    let s = TestServer::spawn().await;
    let r = Receiver::start().await;
    people(&s, &["ann", "bob", "cat", "dan", "eve"]).await;
    s.ok(
        "liveroom_ext/set_webhook",
        json!({"Webhook": {"url": r.url(), "commands": [
            BEFORE_APPLY_JOIN, BEFORE_INVITE_JOIN, AFTER_NEW_MEMBER_JOIN, AFTER_MEMBER_EXIT,
            AFTER_GROUP_FULL, AFTER_MEMBER_FIELD_CHANGED, AFTER_CHANGE_GROUP_OWNER,
            AFTER_RECALL_MSG, AFTER_SEND_MSG
        ]}}),
    )
    .await;
    // The backend refuses Eve's application with its own code, and Dan as an invitee.
    r.script(|h| match h.command() {
        c if c == BEFORE_APPLY_JOIN && h.body["Requestor_Account"] == "eve" => {
            code(10150, "not today")
        }
        c if c == BEFORE_INVITE_JOIN => crate::receiver::Reply::Json(
            json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
                   "RefusedMembers_Account": ["dan"]}),
            Duration::ZERO,
        ),
        _ => ok(),
    });
    s.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "Meeting", "GroupId": "m", "Name": "M", "Owner_Account": "ann",
               "MaxMemberCount": 4, "MemberList": [{"Member_Account": "bob"}]}),
    )
    .await;
    let eve = s.user("eve").await;
    let refused = eve
        .request(Op::JoinGroup(JoinGroup {
            group_id: "m".into(),
            apply_message: String::new(),
        }))
        .await
        .expect_err("refused by the backend");
    assert_eq!(refused.code(), Some(10150));
    let bob = s.user("bob").await;
    let invited = call(
        &bob,
        Op::InviteToGroup(GroupMembersOp {
            group_id: "m".into(),
            members: vec!["cat".into(), "dan".into()],
            reason: String::new(),
        }),
    )
    .await;
    assert_eq!(invited["Results"][0]["Result"], 1);
    assert_eq!(invited["Results"][1]["Result"], 0, "refused by the backend");
    let asked = r.wait_for(BEFORE_INVITE_JOIN, |h| !h.is_empty()).await;
    assert_eq!(asked[0].body["Operator_Account"], "bob");
    assert_eq!(
        asked[0].body["DestinationMembers"][1]["Member_Account"],
        "dan"
    );
    let joined = r.wait_for(AFTER_NEW_MEMBER_JOIN, |h| !h.is_empty()).await;
    assert_eq!(joined[0].body["JoinType"], "Invited");
    assert_eq!(joined[0].body["Type"], "ChatRoom");
    assert_eq!(
        joined[0].body["NewMemberList"],
        json!([{"Member_Account": "cat"}])
    );
    // The fourth member fills the group.
    let dan = s.user("dan").await;
    call(
        &dan,
        Op::JoinGroup(JoinGroup {
            group_id: "m".into(),
            apply_message: String::new(),
        }),
    )
    .await;
    let full = r.wait_for(AFTER_GROUP_FULL, |h| !h.is_empty()).await;
    assert_eq!(full[0].body["GroupId"], "m");
    let applied = r.wait_for(AFTER_NEW_MEMBER_JOIN, |h| h.len() >= 2).await;
    assert_eq!(applied[1].body["JoinType"], "Apply");

    s.ok(
        "group_open_http_svc/modify_group_member_info",
        json!({"GroupId": "m", "Member_Account": "bob", "Role": "Admin", "NameCard": "B"}),
    )
    .await;
    let changed = r
        .wait_for(AFTER_MEMBER_FIELD_CHANGED, |h| !h.is_empty())
        .await;
    assert_eq!(
        (
            changed[0].body["Modified_Account"].as_str(),
            changed[0].body["Role"].as_str()
        ),
        (Some("bob"), Some("Admin"))
    );
    s.ok(
        "group_open_http_svc/change_group_owner",
        json!({"GroupId": "m", "NewOwner_Account": "cat"}),
    )
    .await;
    let owner = r
        .wait_for(AFTER_CHANGE_GROUP_OWNER, |h| !h.is_empty())
        .await;
    assert_eq!(
        (
            owner[0].body["OldOwner_Account"].as_str(),
            owner[0].body["NewOwner_Account"].as_str()
        ),
        (Some("ann"), Some("cat"))
    );
    let seq = say(&dan, "m", "bye").await;
    let sent = r.wait_for(AFTER_SEND_MSG, |h| !h.is_empty()).await;
    assert_eq!(sent[0].body["MsgSeq"].as_u64(), Some(seq));
    dan.recall("m", seq).await.expect("recall");
    let recalled = r.wait_for(AFTER_RECALL_MSG, |h| !h.is_empty()).await;
    assert_eq!(recalled[0].body["MsgSeqList"], json!([{"MsgSeq": seq}]));
    call(
        &dan,
        Op::Quit {
            group_id: "m".into(),
        },
    )
    .await;
    let exit = r.wait_for(AFTER_MEMBER_EXIT, |h| !h.is_empty()).await;
    assert_eq!(
        (
            exit[0].body["ExitType"].as_str(),
            exit[0].body["ExitMemberList"][0]["Member_Account"].as_str()
        ),
        (Some("Quit"), Some("dan"))
    );
}

#[tokio::test]
async fn community_topics_number_read_and_mute_on_their_own() {
    use liveroom_core::protocol::groups::{CreateTopic, DestroyTopics, GetTopics, ModifyTopic};
    let s = TestServer::spawn().await;
    people(&s, &["ann", "bob", "cat"]).await;
    s.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "Community", "GroupId": "hub", "Name": "Hub", "Owner_Account": "ann",
               "SupportTopic": 1, "MemberList": [{"Member_Account": "bob"}]}),
    )
    .await;
    // Topics are for communities with SupportTopic only.
    s.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "Public", "GroupId": "plain", "Name": "Plain", "Owner_Account": "ann"}),
    )
    .await;
    let v = s
        .rest(
            "million_group_open_http_svc/create_topic",
            json!({"GroupId": "plain", "TopicName": "x"}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 10007);
    let v = s
        .rest(
            "million_group_open_http_svc/create_topic",
            json!({"GroupId": "hub", "TopicName": "x", "TopicId": "elsewhere@TOPIC#_x"}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 10004, "{v}");
    let general = s
        .ok(
            "million_group_open_http_svc/create_topic",
            json!({"GroupId": "hub", "TopicName": "general", "TopicId": "hub@TOPIC#_general"}),
        )
        .await;
    assert_eq!(general["TopicId"], "hub@TOPIC#_general");
    let ann = s.user("ann").await;
    let mut bob = s.user("bob").await;
    let created = call(
        &ann,
        Op::CreateTopic(CreateTopic {
            group_id: "hub".into(),
            topic_name: "news".into(),
            topic_id: None,
            face_url: None,
            introduction: Some("announcements".into()),
            notification: None,
            custom_string: None,
        }),
    )
    .await;
    let news = created["TopicId"].as_str().expect("TopicId").to_string();
    assert!(news.starts_with("hub@TOPIC#_"));
    // Members hear of the new topic.
    let heard = loop {
        if let Event::Topic(t) = bob.next_event_within(WAIT).await.expect("a topic push") {
            break t;
        }
    };
    assert_eq!(
        (heard.topic_id.as_str(), heard.action.as_str()),
        (news.as_str(), "created")
    );
    // An ordinary member does not create topics.
    assert_eq!(
        refused(
            &bob,
            Op::CreateTopic(CreateTopic {
                group_id: "hub".into(),
                topic_name: "mine".into(),
                topic_id: None,
                face_url: None,
                introduction: None,
                notification: None,
                custom_string: None,
            })
        )
        .await,
        10007
    );

    // Each topic numbers its own messages; pushes name the topic.
    let send_to = |topic: &str, t: &str| Op::Send {
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
        topic_id: Some(topic.into()),
        extensible: false,
    };
    let first = call(&ann, send_to("hub@TOPIC#_general", "hello")).await;
    assert_eq!(first["MsgSeq"], 1);
    let got = next_message(&mut bob).await;
    assert_eq!(
        (got.topic_id.as_str(), got.msg_seq),
        ("hub@TOPIC#_general", 1)
    );
    assert_eq!(call(&ann, send_to(&news, "big news")).await["MsgSeq"], 1);
    assert_eq!(call(&ann, send_to(&news, "more news")).await["MsgSeq"], 2);
    assert_eq!(say(&ann, "hub", "in the community itself").await, 1);
    let v = s
        .rest(
            "group_open_http_svc/send_group_msg",
            json!({"GroupId": "hub", "TopicId": "hub@TOPIC#_nope", "MsgBody": text("x")}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 10004, "no such topic");

    // Bob's unread counts, per topic.
    let topics = call(
        &bob,
        Op::GetTopics(GetTopics {
            group_id: "hub".into(),
            topic_ids: None,
        }),
    )
    .await;
    let unread: Vec<(String, u64)> = topics["Topics"]
        .as_array()
        .expect("Topics")
        .iter()
        .map(|t| {
            (
                t["TopicId"].as_str().unwrap_or("").to_string(),
                t["Unread"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    let mut unread = unread;
    unread.sort();
    let mut want = vec![("hub@TOPIC#_general".to_string(), 1), (news.clone(), 2)];
    want.sort();
    assert_eq!(unread, want, "created in the same second: ordered by id");
    let read = call(
        &bob,
        Op::ReadGroup(ReadGroup {
            group_id: "hub".into(),
            topic_id: Some(news.clone()),
            seq: Some(1),
        }),
    )
    .await;
    assert_eq!(
        (read["Seq"].as_u64(), read["Unread"].as_u64()),
        (Some(1), Some(1))
    );
    let page = call(
        &bob,
        Op::GetGroupMessages(GetGroupMessages {
            group_id: "hub".into(),
            topic_id: Some(news.clone()),
            after_seq: Some(0),
            before_seq: None,
            count: 10,
            with_recalled: false,
        }),
    )
    .await;
    assert_eq!(page["Messages"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        page["Messages"][0]["MsgBody"][0]["MsgContent"]["Text"],
        "big news"
    );
    let rest_page = s
        .ok(
            "group_open_http_svc/group_msg_get_simple",
            json!({"GroupId": "hub", "TopicId": "hub@TOPIC#_general", "ReqMsgNumber": 5}),
        )
        .await;
    assert_eq!(rest_page["RspMsgList"].as_array().map(Vec::len), Some(1));
    let info = s
        .ok(
            "million_group_open_http_svc/get_topic",
            json!({"GroupId": "hub", "TopicIdList": [news, "hub@TOPIC#_zzz"], "From_Account": "bob"}),
        )
        .await;
    let items = info["TopicAndSelfInfo"].as_array().expect("items");
    assert_eq!(items[0]["TopicInfo"]["NextMsgSeq"], 3);
    assert_eq!(items[0]["SelfInfo"]["UnreadMsgNum"], 1);
    assert_eq!(items[1]["ErrorCode"], 10004);

    // A topic's mute-all holds ordinary members, not the owner.
    call(
        &ann,
        Op::ModifyTopic(ModifyTopic {
            group_id: "hub".into(),
            topic_id: news.clone(),
            topic_name: Some("headlines".into()),
            face_url: None,
            introduction: None,
            notification: None,
            custom_string: None,
            mute_all: Some("On".into()),
        }),
    )
    .await;
    assert_eq!(refused(&bob, send_to(&news, "may I?")).await, 10017);
    call(&ann, send_to(&news, "owners may")).await;
    assert!(call(&bob, send_to("hub@TOPIC#_general", "here I may")).await["MsgSeq"] == 2);

    // A member muted in one topic is muted there only.
    s.ok(
        "group_open_http_svc/forbid_send_msg",
        json!({"GroupId": "hub", "TopicId": "hub@TOPIC#_general", "Members_Account": ["bob"], "MuteTime": 600}),
    )
    .await;
    assert_eq!(
        refused(&bob, send_to("hub@TOPIC#_general", "muted?")).await,
        10017
    );
    assert_eq!(say(&bob, "hub", "the community itself is fine").await, 2);
    let muted = s
        .ok(
            "group_open_http_svc/get_group_muted_account",
            json!({"GroupId": "hub", "TopicId": "hub@TOPIC#_general"}),
        )
        .await;
    assert_eq!(muted["MutedAccountList"][0]["Member_Account"], "bob");
    s.ok(
        "group_open_http_svc/forbid_send_msg",
        json!({"GroupId": "hub", "TopicId": "hub@TOPIC#_general", "Members_Account": ["bob"], "MuteTime": 0}),
    )
    .await;
    assert!(call(&bob, send_to("hub@TOPIC#_general", "back")).await["MsgSeq"] == 3);

    // Destroying a topic takes its messages; the other topics keep theirs.
    let destroyed = call(
        &ann,
        Op::DestroyTopics(DestroyTopics {
            group_id: "hub".into(),
            topic_ids: vec![news.clone(), "hub@TOPIC#_zzz".into()],
        }),
    )
    .await;
    assert_eq!(destroyed["Results"][0]["ErrorCode"], 0);
    assert_eq!(destroyed["Results"][1]["ErrorCode"], 10004);
    assert_eq!(
        refused(&bob, send_to(&news, "gone?")).await,
        10004,
        "the topic is gone"
    );
    let left = s
        .ok(
            "million_group_open_http_svc/get_topic",
            json!({"GroupId": "hub"}),
        )
        .await;
    assert_eq!(left["TopicAndSelfInfo"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn mentions_reactions_extensions_edits_and_receipts() {
    use liveroom_core::protocol::groups::{
        ExtensionItem, MessageList, MessageRef, ModifyGroupMessage, Reaction, SetExtensions,
    };
    let s = TestServer::spawn().await;
    people(&s, &["ann", "bob", "cat"]).await;
    s.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "Public", "GroupId": "g", "Name": "G", "Owner_Account": "ann",
               "MemberList": [{"Member_Account": "bob"}, {"Member_Account": "cat"}]}),
    )
    .await;
    let ann = s.user("ann").await;
    let mut bob = s.user("bob").await;
    let send = |t: &str, at: Option<Value>, extensible: bool| Op::Send {
        group_id: "g".into(),
        msg_body: text(t),
        priority: None,
        cloud_custom_data: None,
        random: None,
        online_only: false,
        no_unread: false,
        no_last_msg: false,
        need_read_receipt: true,
        at_info: at,
        topic_id: None,
        extensible,
    };
    // Ann mentions Bob, then everyone; Bob's devices see the mentions, his list shows them.
    call(
        &ann,
        send(
            "hey bob",
            Some(json!([{"GroupAtAllFlag": 0, "GroupAt_Account": "bob"}])),
            false,
        ),
    )
    .await;
    let got = next_message(&mut bob).await;
    assert_eq!(
        got.at_info,
        Some(json!([{"GroupAtAllFlag": 0, "GroupAt_Account": "bob"}]))
    );
    call(
        &ann,
        send("all hands", Some(json!([{"GroupAtAllFlag": 1}])), false),
    )
    .await;
    let poll = call(&ann, send("poll: lunch?", None, true)).await["MsgSeq"]
        .as_u64()
        .expect("MsgSeq");
    let list = call(&bob, Op::GetJoinedGroups).await;
    assert_eq!(
        (
            list["Groups"][0]["AtMeSeq"].as_u64(),
            list["Groups"][0]["AtAllSeq"].as_u64()
        ),
        (Some(1), Some(2))
    );
    let conversations = Value::Object(bob.conversations(10).await.expect("list").data);
    assert_eq!(conversations["Conversations"][0]["AtMeSeq"], 1);
    let bad = ann
        .request(send("x", Some(json!([{"GroupAtAllFlag": 0}])), false))
        .await
        .expect_err("a mention without an account");
    assert_eq!(bad.code(), Some(10004));

    // Reactions: counted per kind, pushed to members, listed with who.
    let react = |r: &str, add: bool| {
        let op = Reaction {
            group_id: "g".into(),
            topic_id: None,
            msg_seq: poll,
            reaction: r.into(),
        };
        if add {
            Op::AddReaction(op)
        } else {
            Op::RemoveReaction(op)
        }
    };
    assert_eq!(call(&bob, react("👍", true)).await["Count"], 1);
    let cat = s.user("cat").await;
    assert_eq!(call(&cat, react("👍", true)).await["Count"], 2);
    let pushed = loop {
        if let Event::Reaction(r) = bob.next_event_within(WAIT).await.expect("reaction push") {
            if r.from == "cat" {
                break r;
            }
        }
    };
    assert_eq!((pushed.count, pushed.action.as_str()), (2, "added"));
    assert_eq!(call(&cat, react("👍", false)).await["Count"], 1);
    let seen = call(
        &bob,
        Op::GetReactions(MessageList {
            group_id: "g".into(),
            topic_id: None,
            msg_seqs: vec![1, poll],
        }),
    )
    .await;
    assert_eq!(seen["Messages"].as_array().map(Vec::len), Some(1));
    let kind = &seen["Messages"][0]["Reactions"][0];
    assert_eq!(
        (kind["Count"].as_u64(), kind["Mine"].as_bool()),
        (Some(1), Some(true))
    );
    assert_eq!(kind["Users"], json!(["bob"]));

    // Extensions: versioned; a stale version is refused with the stored entry.
    let ext = |seq: u64, value: &str| {
        Op::SetMessageExtensions(SetExtensions {
            group_id: "g".into(),
            topic_id: None,
            msg_seq: poll,
            extensions: vec![ExtensionItem {
                key: "votes".into(),
                value: value.into(),
                seq,
            }],
        })
    };
    let first = call(&bob, ext(0, "bob")).await;
    assert_eq!(first["ResultList"][0]["ErrorCode"], 0);
    assert_eq!(first["ResultList"][0]["Seq"], 1);
    let stale = call(&cat, ext(0, "cat")).await;
    assert_eq!(stale["ResultList"][0]["ErrorCode"], 23001);
    assert_eq!(stale["ResultList"][0]["Value"], "bob");
    call(&cat, ext(1, "bob,cat")).await;
    let read = call(
        &ann,
        Op::GetMessageExtensions(MessageRef {
            group_id: "g".into(),
            topic_id: None,
            msg_seq: poll,
        }),
    )
    .await;
    assert_eq!(read["ExtensionList"][0]["Value"], "bob,cat");
    assert_eq!(read["ExtensionList"][0]["Seq"], 2);
    let refused_ext = bob
        .request(Op::GetMessageExtensions(MessageRef {
            group_id: "g".into(),
            topic_id: None,
            msg_seq: 1,
        }))
        .await
        .expect_err("not extensible");
    assert_eq!(refused_ext.code(), Some(23004));
    let by_rest = s
        .ok(
            "openim_msg_ext_http_svc/group_get_key_values",
            json!({"GroupId": "g", "MsgSeq": poll}),
        )
        .await;
    assert_eq!(by_rest["ExtensionList"][0]["Key"], "votes");

    // Edits: one's own message only; members get the whole message again.
    let edit = |seq: u64, t: &str| {
        Op::ModifyGroupMessage(ModifyGroupMessage {
            group_id: "g".into(),
            topic_id: None,
            msg_seq: seq,
            msg_body: Some(text(t)),
            cloud_custom_data: None,
        })
    };
    assert_eq!(refused(&bob, edit(1, "hijack")).await, 10007);
    call(&ann, edit(1, "hey bob!")).await;
    let edited = loop {
        if let Event::MessageModified(m) = bob.next_event_within(WAIT).await.expect("edit push") {
            break m;
        }
    };
    assert_eq!((edited.msg_seq, body_text(&edited)), (1, "hey bob!"));

    // Read receipts: who of the others read the poll.
    call(
        &bob,
        Op::ReadGroup(ReadGroup {
            group_id: "g".into(),
            topic_id: None,
            seq: None,
        }),
    )
    .await;
    let receipts = call(
        &ann,
        Op::GetReadReceipts(MessageList {
            group_id: "g".into(),
            topic_id: None,
            msg_seqs: vec![poll],
        }),
    )
    .await;
    assert_eq!(
        (
            receipts["Receipts"][0]["ReadCount"].as_u64(),
            receipts["Receipts"][0]["UnreadCount"].as_u64()
        ),
        (Some(1), Some(1))
    );

    // The backend deletes a sender's messages, and clears history.
    s.ok(
        "group_open_http_svc/delete_group_msg_by_sender",
        json!({"GroupId": "g", "Sender_Account": "ann"}),
    )
    .await;
    let left = s
        .ok(
            "group_open_http_svc/group_msg_get_simple",
            json!({"GroupId": "g", "ReqMsgNumber": 20}),
        )
        .await;
    assert_eq!(left["RspMsgList"].as_array().map(Vec::len), Some(0));
    s.create_room("live", None).await;
    let v = s
        .rest(
            "group_open_http_svc/clear_group_msg",
            json!({"GroupId": "live"}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 10035);
}

#[tokio::test]
async fn groups_members_and_messages_are_imported_as_they_were() {
    let s = TestServer::spawn().await;
    people(&s, &["ann", "bob", "cat"]).await;
    let v = s
        .ok(
            "group_open_http_svc/import_group",
            json!({"Type": "Work", "GroupId": "old", "Name": "Old", "Owner_Account": "ann",
                   "CreateTime": 1_600_000_000}),
        )
        .await;
    assert_eq!(v["GroupId"], "old");
    let info = s
        .ok(
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": ["old"]}),
        )
        .await;
    assert_eq!(info["GroupInfo"][0]["CreateTime"], 1_600_000_000);
    let v = s
        .rest(
            "group_open_http_svc/import_group",
            json!({"Type": "AVChatRoom", "GroupId": "oldlive", "Name": "x"}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 10007);
    let members = s
        .ok(
            "group_open_http_svc/import_group_member",
            json!({"GroupId": "old", "MemberList": [
                {"Member_Account": "bob", "Role": "Admin", "JoinTime": 1_600_000_100, "UnreadMsgNum": 2},
                {"Member_Account": "ann"}, {"Member_Account": "ghost"}]}),
        )
        .await;
    let results: Vec<u64> = members["MemberList"]
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["Result"].as_u64().expect("Result"))
        .collect();
    assert_eq!(results, vec![1, 2, 0]);
    let imported = s
        .ok(
            "group_open_http_svc/import_group_msg",
            json!({"GroupId": "old", "RecentContactFlag": 1, "MsgList": [
                {"From_Account": "ann", "SendTime": 1_600_000_200, "MsgBody": text("first")},
                {"From_Account": "bob", "SendTime": 1_600_000_300, "MsgBody": text("second")},
                {"From_Account": "ann", "SendTime": 1_600_000_250, "MsgBody": text("out of order")},
                {"From_Account": "ann", "SendTime": 1_500_000_000, "MsgBody": text("too early")}]}),
        )
        .await;
    let list = imported["ImportMsgResult"].as_array().expect("results");
    let outcome: Vec<(u64, u64)> = list
        .iter()
        .map(|r| {
            (
                r["MsgSeq"].as_u64().unwrap_or(0),
                r["Result"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(outcome, vec![(1, 0), (2, 0), (0, 10004), (0, 10004)]);
    // Imported history is there, numbered, not unread; the imported count is.
    let page = s
        .ok(
            "group_open_http_svc/group_msg_get_simple",
            json!({"GroupId": "old", "ReqMsgNumber": 10}),
        )
        .await;
    assert_eq!(page["RspMsgList"][0]["MsgTimeStamp"], 1_600_000_300);
    let bob = s.user("bob").await;
    let groups = call(&bob, Op::GetJoinedGroups).await;
    assert_eq!(groups["Groups"][0]["Unread"], 2, "as imported");
    assert_eq!(groups["Groups"][0]["Role"], "Admin");
    assert_eq!(
        groups["Groups"][0]["LastMessage"]["MsgBody"][0]["MsgContent"]["Text"],
        "second"
    );
}

#[tokio::test]
async fn group_attributes_are_set_within_their_limits_and_pushed() {
    let s = TestServer::spawn().await;
    people(&s, &["ann", "bob"]).await;
    s.create_room("live", Some("ann")).await;
    let mut bob = s.member("bob", "live").await;
    s.ok(
        "group_open_http_svc/modify_group_attr",
        json!({"GroupId": "live", "GroupAttr": [{"key": "seat1", "value": "ann"}, {"key": "seat2", "value": ""}]}),
    )
    .await;
    let pushed = loop {
        if let Event::GroupAttrs(a) = bob.next_event_within(WAIT).await.expect("attrs push") {
            break a;
        }
    };
    assert_eq!(pushed.attrs.len(), 2);
    s.ok(
        "group_open_http_svc/modify_group_attr",
        json!({"GroupId": "live", "GroupAttr": [{"key": "seat2", "value": "bob"}]}),
    )
    .await;
    let got = s
        .ok(
            "group_open_attr_http_svc/get_group_attr",
            json!({"GroupId": "live"}),
        )
        .await;
    assert_eq!(
        got["GroupAttrAry"],
        json!([{"key": "seat1", "value": "ann"}, {"key": "seat2", "value": "bob"}])
    );
    for (body, code) in [
        (
            json!({"GroupId": "live", "GroupAttr": [{"key": "k".repeat(33), "value": "x"}]}),
            10045,
        ),
        (
            json!({"GroupId": "live", "GroupAttr": [{"key": "k", "value": "v".repeat(4001)}]}),
            10046,
        ),
        (
            json!({"GroupId": "live", "GroupAttr": (0..17).map(|i| json!({"key": format!("k{i}"), "value": "v"})).collect::<Vec<_>>()}),
            10047,
        ),
        (
            json!({"GroupId": "live", "GroupAttr": (0..5).map(|i| json!({"key": format!("k{i}"), "value": "v".repeat(4000)})).collect::<Vec<_>>()}),
            10048,
        ),
    ] {
        let v = s.rest("group_open_http_svc/set_group_attr", body).await;
        assert_eq!(v["ErrorCode"], code, "{v}");
    }
    // A refused write changed nothing.
    let again = s
        .ok(
            "group_open_attr_http_svc/get_group_attr",
            json!({"GroupId": "live"}),
        )
        .await;
    assert_eq!(again, got);
    s.ok(
        "group_open_http_svc/clear_group_attr",
        json!({"GroupId": "live"}),
    )
    .await;
    let none = s
        .ok(
            "group_open_attr_http_svc/get_group_attr",
            json!({"GroupId": "live"}),
        )
        .await;
    assert_eq!(none["GroupAttrAry"], json!([]));
}

#[tokio::test]
async fn topic_permissions_hold_members_to_the_default_or_their_own() {
    use liveroom_core::protocol::groups::{CreateTopic, SetTopicPermission};
    let s = TestServer::spawn().await;
    people(&s, &["ann", "bob", "cat"]).await;
    s.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "Community", "GroupId": "hq", "Name": "HQ", "Owner_Account": "ann",
               "SupportTopic": 1, "MemberList": [{"Member_Account": "bob"}, {"Member_Account": "cat"}]}),
    )
    .await;
    s.ok(
        "million_group_open_http_svc/create_topic",
        json!({"GroupId": "hq", "TopicName": "news", "TopicId": "hq@TOPIC#_news"}),
    )
    .await;
    let send = || Op::Send {
        group_id: "hq".into(),
        msg_body: text("hello"),
        priority: None,
        cloud_custom_data: None,
        random: None,
        online_only: false,
        no_unread: false,
        no_last_msg: false,
        need_read_receipt: false,
        at_info: None,
        topic_id: Some("hq@TOPIC#_news".into()),
        extensible: false,
    };
    let bob = s.user("bob").await;
    let cat = s.user("cat").await;
    call(&bob, send()).await;
    // Permissions on, members may not send by default: an announcements channel.
    s.ok(
        "group_open_http_svc/modify_group_base_info",
        json!({"GroupId": "hq", "EnablePermission": 1, "DefaultPermission": 0}),
    )
    .await;
    assert_eq!(refused(&bob, send()).await, 10007);
    let ann = s.user("ann").await;
    call(&ann, send()).await;
    // Cat is given the right to send (and to manage topics) in this topic.
    call(
        &ann,
        Op::SetTopicPermission(SetTopicPermission {
            group_id: "hq".into(),
            topic_id: "hq@TOPIC#_news".into(),
            member: "cat".into(),
            permission: Some(3),
        }),
    )
    .await;
    call(&cat, send()).await;
    assert_eq!(refused(&bob, send()).await, 10007);
    assert_eq!(
        refused(
            &bob,
            Op::SetTopicPermission(SetTopicPermission {
                group_id: "hq".into(),
                topic_id: "hq@TOPIC#_news".into(),
                member: "bob".into(),
                permission: Some(1),
            })
        )
        .await,
        10007,
        "members do not set permissions"
    );
    // Managing topics follows the default for creating them.
    let create = Op::CreateTopic(CreateTopic {
        group_id: "hq".into(),
        topic_name: "mine".into(),
        topic_id: None,
        face_url: None,
        introduction: None,
        notification: None,
        custom_string: None,
    });
    assert_eq!(refused(&cat, create.clone()).await, 10007);
    s.ok(
        "group_open_http_svc/modify_group_base_info",
        json!({"GroupId": "hq", "DefaultPermission": 2}),
    )
    .await;
    call(&cat, create).await;
    let v = s
        .rest(
            "group_open_http_svc/modify_group_base_info",
            json!({"GroupId": "hq", "DefaultPermission": 8}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 10004);
    let info = call(
        &bob,
        Op::GetGroupInfo(liveroom_core::protocol::groups::GroupRef {
            group_id: "hq".into(),
        }),
    )
    .await;
    assert_eq!(
        (
            info["EnablePermission"].as_bool(),
            info["DefaultPermission"].as_u64()
        ),
        (Some(true), Some(2))
    );
}
