//! Mute, mute-all and ban, with the tips members see.

use serde_json::{json, Value};
use std::time::Duration;

use liveroom_client::{Client, Event, Priority};

use crate::harness::TestServer;

const WAIT: Duration = Duration::from_secs(3);

async fn next_tip(c: &mut Client) -> Value {
    loop {
        match c.next_event_within(WAIT).await.expect("a tip arrives") {
            Event::Tip(t) => {
                let content = t.msg_body[0]["MsgContent"].clone();
                // Join and quit tips of other members are not what these tests wait for.
                if content["OpType"] == 1 || content["OpType"] == 3 {
                    continue;
                }
                return content;
            }
            _ => continue,
        }
    }
}

#[tokio::test]
async fn muted_members_get_10017_until_unmuted() {
    let s = TestServer::spawn().await;
    s.import("host", "Host").await;
    s.create_room("m", Some("host")).await;
    let mut host = s.member("host", "m").await;
    let troll = s.member("troll", "m").await;

    s.ok(
        "group_open_http_svc/forbid_send_msg",
        json!({"GroupId": "m", "Members_Account": ["troll"], "MuteTime": 600}),
    )
    .await;
    let tip = next_tip(&mut host).await;
    assert_eq!(tip["OpType"], 8);
    assert_eq!(tip["MemberList"][0]["Member_Account"], "troll");
    assert_eq!(tip["MemberList"][0]["MuteTime"], 600);

    let err = troll
        .send_text("m", "spam", Priority::Normal)
        .await
        .expect_err("muted");
    assert_eq!(err.code(), Some(10017));
    assert!(
        err.to_string().contains("seconds"),
        "the remaining time is given: {err}"
    );
    let list = s
        .ok(
            "group_open_http_svc/get_group_muted_account",
            json!({"GroupId": "m"}),
        )
        .await;
    assert_eq!(list["MutedAccountList"][0]["Member_Account"], "troll");
    let until = list["MutedAccountList"][0]["MutedUntil"]
        .as_i64()
        .expect("until");
    assert!(until > liveroom_core::time::unix_secs() + 500);
    // The older command name answers with the older keys.
    let legacy = s
        .ok(
            "group_open_http_svc/get_group_shutted_uin",
            json!({"GroupId": "m"}),
        )
        .await;
    assert_eq!(legacy["ShuttedUinList"][0]["ShuttedUntil"], until);

    // Mute survives leaving and rejoining.
    troll.quit("m").await.expect("quit");
    let rejoin = troll.join("m").await.expect("rejoin");
    assert!(rejoin.data["MuteRemaining"].as_u64().expect("remaining") > 500);
    assert_eq!(
        troll
            .send_text("m", "still?", Priority::Normal)
            .await
            .expect_err("still muted")
            .code(),
        Some(10017)
    );

    // Older key name for the duration, 0 unmutes.
    // "Forever" reads as 4294967295 seconds everywhere.
    s.ok(
        "group_open_http_svc/forbid_send_msg",
        json!({"GroupId": "m", "Members_Account": ["troll"], "MuteTime": 4294967295u64}),
    )
    .await;
    let err = troll
        .send_text("m", "x", Priority::Normal)
        .await
        .expect_err("muted forever");
    assert!(err.to_string().contains("4294967295 more seconds"), "{err}");
    let list = s
        .ok(
            "group_open_http_svc/get_group_muted_account",
            json!({"GroupId": "m"}),
        )
        .await;
    assert_eq!(list["MutedAccountList"][0]["MutedUntil"], 4294967295u64);
    s.ok(
        "group_open_http_svc/forbid_send_msg",
        json!({"GroupId": "m", "Members_Account": ["troll"], "ShutUpTime": 0}),
    )
    .await;
    troll
        .send_text("m", "sorry", Priority::Normal)
        .await
        .expect("unmuted");
}

#[tokio::test]
async fn mute_all_blocks_everyone_but_the_owner_and_admins() {
    let s = TestServer::spawn().await;
    s.import("host", "Host").await;
    s.create_room("quiet", Some("host")).await;
    let host = s.member("host", "quiet").await;
    let mut viewer = s.member("viewer", "quiet").await;

    s.ok(
        "group_open_http_svc/modify_group_base_info",
        json!({"GroupId": "quiet", "MuteAllMember": "On"}),
    )
    .await;
    let tip = next_tip(&mut viewer).await;
    assert_eq!(tip["OpType"], 7);
    assert_eq!(tip["GroupInfoChange"][0]["Type"], 8);
    assert_eq!(tip["GroupInfoChange"][0]["Value"], "On");
    let info = s
        .ok(
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": ["quiet"]}),
        )
        .await;
    assert_eq!(info["GroupInfo"][0]["MuteAllMember"], "On");

    assert_eq!(
        viewer
            .send_text("quiet", "hello?", Priority::High)
            .await
            .expect_err("muted all")
            .code(),
        Some(10017)
    );
    host.send_text("quiet", "the owner still speaks", Priority::Normal)
        .await
        .expect("owner may speak");
    s.ok("group_open_http_svc/send_group_msg", json!({"GroupId": "quiet", "Random": 3, "MsgBody": liveroom_client::text_body("admin too")}))
        .await;

    s.ok(
        "group_open_http_svc/modify_group_base_info",
        json!({"GroupId": "quiet", "ShutUpAllMember": "Off"}),
    )
    .await;
    viewer
        .send_text("quiet", "finally", Priority::Normal)
        .await
        .expect("unmuted");
}

#[tokio::test]
async fn a_ban_removes_the_member_at_once_and_blocks_rejoin() {
    let s = TestServer::spawn().await;
    s.create_room("ban", None).await;
    let mut other = s.member("other", "ban").await;
    let mut bad = s.member("bad", "ban").await;
    // A second device of the same user is removed too.
    let mut bad2 = s.member("bad", "ban").await;

    s.ok(
        "group_open_http_svc/ban_group_member",
        json!({"GroupId": "ban", "Members_Account": ["bad"], "Duration": 3600, "Description": "abuse"}),
    )
    .await;
    for c in [&mut bad, &mut bad2] {
        let notice = loop {
            match c
                .next_event_within(WAIT)
                .await
                .expect("the banned user is told")
            {
                Event::System(n) => break n,
                _ => continue,
            }
        };
        assert_eq!(notice.msg_body[0]["MsgContent"]["OpType"], 4);
        assert_eq!(notice.msg_body[0]["MsgContent"]["Content"], "abuse");
    }
    let tip = next_tip(&mut other).await;
    assert_eq!(tip["OpType"], 4);
    assert_eq!(tip["MemberList"][0]["Member_Account"], "bad");

    // Gone from the room: no more messages, cannot send, cannot rejoin.
    s.ok(
        "group_open_http_svc/send_group_msg",
        json!({"GroupId": "ban", "Random": 8, "MsgBody": liveroom_client::text_body("after")}),
    )
    .await;
    assert!(other.next_message_within(WAIT).await.is_some());
    assert!(bad
        .next_message_within(Duration::from_millis(400))
        .await
        .is_none());
    assert_eq!(
        bad.send_text("ban", "x", Priority::Normal)
            .await
            .expect_err("not a member")
            .code(),
        Some(10007)
    );
    assert_eq!(
        bad.join("ban").await.expect_err("banned").code(),
        Some(10007)
    );
    let members = s
        .ok(
            "group_open_avchatroom_http_svc/get_members",
            json!({"GroupId": "ban", "Timestamp": 0}),
        )
        .await;
    let names: Vec<_> = members["MemberList"]
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["Member_Account"].clone())
        .collect();
    assert_eq!(names, vec![json!("other")]);

    let bans = s
        .ok(
            "group_open_http_svc/get_group_ban_member",
            json!({"GroupId": "ban", "Limit": 10, "Offset": 0}),
        )
        .await;
    assert_eq!(bans["BannedAccountList"][0]["Member_Account"], "bad");
    assert_eq!(bans["NextOffset"], 0);

    s.ok(
        "group_open_http_svc/unban_group_member",
        json!({"GroupId": "ban", "Members_Account": ["bad"]}),
    )
    .await;
    bad.join("ban").await.expect("may rejoin after unban");
}

fn op_mute(group: &str, who: &[&str], secs: u64) -> liveroom_core::protocol::Op {
    liveroom_core::protocol::Op::Mute {
        group_id: group.into(),
        members: who.iter().map(|s| s.to_string()).collect(),
        mute_time: secs,
    }
}

fn op_mute_all(group: &str, on: &str) -> liveroom_core::protocol::Op {
    liveroom_core::protocol::Op::MuteAll {
        group_id: group.into(),
        mute_all: on.into(),
    }
}

#[tokio::test]
async fn owner_and_admins_moderate_from_the_client_and_members_cannot() {
    use liveroom_core::protocol::Op;
    let s = TestServer::spawn().await;
    for u in ["host", "mod", "mod2", "fan", "troll"] {
        s.import(u, u).await;
    }
    s.create_room("cm", Some("host")).await;
    s.ok(
        "group_open_avchatroom_http_svc/modify_admin",
        json!({"GroupId": "cm", "CommandType": 1, "Admin_Account": ["mod2"]}),
    )
    .await;
    let mut host = s.member("host", "cm").await;
    let modr = s.member("mod", "cm").await;
    let fan = s.member("fan", "cm").await;
    let troll = s.member("troll", "cm").await;

    // Members have no rights; admins cannot appoint.
    let e = fan
        .request(op_mute("cm", &["troll"], 60))
        .await
        .expect_err("member");
    assert_eq!(e.code(), Some(10007));
    let set_admin = |who: &str, admin: bool| Op::SetAdmin {
        group_id: "cm".into(),
        members: vec![who.into()],
        admin,
    };
    host.request(set_admin("mod", true))
        .await
        .expect("owner appoints");
    let tip = next_tip(&mut host).await;
    assert_eq!(tip["OpType"], 5);
    assert_eq!(tip["MemberList"][0]["Member_Account"], "mod");
    let e = modr
        .request(set_admin("fan", true))
        .await
        .expect_err("admins do not appoint");
    assert_eq!(e.code(), Some(10007));
    let roles = s
        .ok(
            "group_open_http_svc/get_role_in_group",
            json!({"GroupId": "cm", "User_Account": ["host", "mod", "fan", "nobody"]}),
        )
        .await;
    let roles: Vec<&str> = roles["UserIdList"]
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["Role"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(roles, ["Owner", "Admin", "Member", "NotMember"]);
    let guest = s.client().await;
    guest.guest(crate::harness::APP).await.expect("guest");
    guest.join("cm").await.expect("guests watch");
    let e = guest
        .request(op_mute("cm", &["troll"], 60))
        .await
        .expect_err("guests cannot moderate");
    assert_eq!(e.code(), Some(10007));

    // The admin mutes a member: the room is told, the member is refused with the time left.
    modr.request(op_mute("cm", &["troll"], 300))
        .await
        .expect("admin mutes a member");
    let tip = next_tip(&mut host).await;
    assert_eq!(tip["OpType"], 8);
    assert_eq!(tip["Operator_Account"], "mod");
    assert_eq!(tip["MemberList"][0]["MuteTime"], 300);
    match troll.send_text("cm", "hi", Priority::Normal).await {
        Err(liveroom_client::ClientError::Server { code, data, .. }) => {
            assert_eq!(code, 10017);
            let left = data["MuteRemaining"].as_u64().expect("MuteRemaining");
            assert!((295..=300).contains(&left), "{left}");
        }
        other => panic!("expected 10017, got {other:?}"),
    }
    // An admin cannot act on the owner or another admin; a member cannot act at all.
    for (who, target) in [(&modr, "host"), (&modr, "mod2"), (&fan, "mod")] {
        let e = who
            .request(op_mute("cm", &[target], 60))
            .await
            .expect_err("not allowed");
        assert_eq!(e.code(), Some(10007), "on {target}");
    }
    modr.request(op_mute("cm", &["troll"], 0))
        .await
        .expect("unmute");
    assert_eq!(next_tip(&mut host).await["MemberList"][0]["MuteTime"], 0);
    troll
        .send_text("cm", "back", Priority::Normal)
        .await
        .expect("unmuted");

    // Mute-all: members are silenced, admins and the owner still speak.
    modr.request(op_mute_all("cm", "On"))
        .await
        .expect("mute all");
    let tip = loop {
        let t = next_tip(&mut host).await;
        if t["OpType"] == 7 {
            break t;
        }
    };
    assert_eq!(tip["GroupInfoChange"][0]["Field"], "MuteAllMember");
    assert_eq!(tip["GroupInfoChange"][0]["Value"], "On");
    assert_eq!(
        fan.send_text("cm", "x", Priority::Normal)
            .await
            .expect_err("muted")
            .code(),
        Some(10017)
    );
    modr.send_text("cm", "admins speak", Priority::Normal)
        .await
        .expect("admin");
    let e = fan
        .request(op_mute_all("cm", "Off"))
        .await
        .expect_err("member");
    assert_eq!(e.code(), Some(10007));
    host.request(op_mute_all("cm", "Off")).await.expect("owner");

    // Ban and unban.
    let ban = Op::Ban {
        group_id: "cm".into(),
        members: vec!["troll".into()],
        duration: 600,
        description: "spam".into(),
    };
    modr.request(ban).await.expect("admin bans a member");
    let tip = loop {
        let t = next_tip(&mut host).await;
        if t["OpType"] == 4 {
            break t;
        }
    };
    assert_eq!(tip["MemberList"][0]["Member_Account"], "troll");
    let troll2 = s.user("troll").await;
    assert_eq!(
        troll2.join("cm").await.expect_err("banned").code(),
        Some(10007)
    );
    modr.request(Op::Unban {
        group_id: "cm".into(),
        members: vec!["troll".into()],
    })
    .await
    .expect("unban");
    troll2.join("cm").await.expect("welcome back");

    // A banned admin has no rights while the ban lasts; the owner may act on admins.
    let ban_mod2 = Op::Ban {
        group_id: "cm".into(),
        members: vec!["mod2".into()],
        duration: 600,
        description: String::new(),
    };
    assert_eq!(
        modr.request(ban_mod2.clone())
            .await
            .expect_err("admin on admin")
            .code(),
        Some(10007)
    );
    host.request(ban_mod2)
        .await
        .expect("the owner bans an admin");
    let mod2 = s.user("mod2").await;
    let e = mod2
        .request(op_mute("cm", &["fan"], 60))
        .await
        .expect_err("banned");
    assert_eq!(e.code(), Some(10007));

    // The owner revokes the admin, who then has no rights.
    host.request(set_admin("mod", false)).await.expect("revoke");
    let e = modr
        .request(op_mute("cm", &["fan"], 60))
        .await
        .expect_err("no longer admin");
    assert_eq!(e.code(), Some(10007));
}

#[tokio::test]
async fn admins_over_rest_are_bounded_and_listed() {
    let s = TestServer::spawn().await;
    for u in ["host", "a1", "a2", "a3", "a4", "a5", "a6"] {
        s.import(u, &format!("nick {u}")).await;
    }
    s.create_room("ra", Some("host")).await;
    s.ok(
        "group_open_avchatroom_http_svc/modify_admin",
        json!({"GroupId": "ra", "CommandType": 1, "Admin_Account": ["a1", "a2", "a3", "a4", "a5"]}),
    )
    .await;
    let over = s
        .rest(
            "group_open_avchatroom_http_svc/modify_admin",
            json!({"GroupId": "ra", "CommandType": 1, "Admin_Account": ["a6"]}),
        )
        .await;
    assert_eq!(over["ErrorCode"], 10004, "at most five: {over}");
    let owner = s
        .rest(
            "group_open_avchatroom_http_svc/modify_admin",
            json!({"GroupId": "ra", "CommandType": 1, "Admin_Account": ["host"]}),
        )
        .await;
    assert_eq!(owner["ErrorCode"], 10004);
    let ghost = s
        .rest(
            "group_open_avchatroom_http_svc/modify_admin",
            json!({"GroupId": "ra", "CommandType": 2, "Admin_Account": ["a1"], "Extra": 1}),
        )
        .await;
    assert_eq!(ghost["ErrorCode"], 0);
    let list = s
        .ok(
            "group_open_avchatroom_http_svc/get_admin_list",
            json!({"GroupId": "ra"}),
        )
        .await;
    let admins: Vec<&str> = list["Admin_List"]
        .as_array()
        .expect("list")
        .iter()
        .map(|a| a["Admin_Account"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(admins, ["a2", "a3", "a4", "a5"]);
    assert_eq!(list["Admin_List"][0]["NickName"], "nick a2");
    let bad = s
        .rest(
            "group_open_avchatroom_http_svc/modify_admin",
            json!({"GroupId": "ra", "CommandType": 3, "Admin_Account": ["a6"]}),
        )
        .await;
    assert_eq!(bad["ErrorCode"], 10004);
}
