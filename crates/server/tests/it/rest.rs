//! The REST admin API: envelopes, coded errors for bad input that change nothing,
//! AVChatRoom rules, profiles, custom fields.

use serde_json::{json, Value};

use crate::harness::TestServer;

async fn group_count(s: &TestServer) -> u64 {
    s.ok("group_open_http_svc/get_appid_group_list", json!({}))
        .await["TotalCount"]
        .as_u64()
        .expect("count")
}

#[tokio::test]
async fn malformed_bodies_get_coded_errors_and_change_nothing() {
    let s = TestServer::spawn().await;
    s.create_room("keep", None).await;
    let before = group_count(&s).await;

    let cases: Vec<(&str, &str, i64)> = vec![
        ("group_open_http_svc/create_group", "{\"Type\": \"AVChatRoom\", \"Name\": ", 60003),
        ("group_open_http_svc/create_group", "[1, 2, 3]", 60003),
        ("group_open_http_svc/create_group", "{\"Type\": \"AVChatRoom\", \"Name\": 42}", 10004),
        ("group_open_http_svc/create_group", "{\"Type\": \"Spaceship\", \"Name\": \"x\"}", 10004),
        ("group_open_http_svc/create_group", "{\"Type\": \"AVChatRoom\", \"Name\": \"x\", \"GroupId\": \"@TGS#mine\"}", 10015),
        ("group_open_http_svc/create_group", "{\"Type\": \"AVChatRoom\", \"Name\": \"a name that is far too long for a group\"}", 10004),
        ("group_open_http_svc/create_group", "{\"Type\": \"AVChatRoom\", \"Name\": \"x\", \"Owner_Account\": \"ghost\"}", 10019),
        ("group_open_http_svc/create_group", "{\"Type\": \"AVChatRoom\", \"Name\": \"x\", \"MemberList\": [{\"Member_Account\": \"a\"}]}", 10007),
        ("group_open_http_svc/create_group", "{\"Type\": \"Public\", \"Name\": \"x\", \"MemberList\": [{\"Member_Account\": \"ghost\"}]}", 10019),
        ("group_open_http_svc/create_group", "{\"Type\": \"Public\", \"Name\": \"x\", \"MaxMemberCount\": 100001}", 10004),
        ("group_open_http_svc/create_group", "{\"Type\": \"Public\", \"Name\": \"x\", \"SupportTopic\": 1}", 10004),
        ("group_open_http_svc/create_group", "{\"Type\": \"AVChatRoom\", \"Name\": \"x\", \"GroupId\": \"keep\"}", 10021),
        ("group_open_http_svc/send_group_msg", "{\"GroupId\": \"keep\", \"MsgBody\": {}}", 10004),
        ("group_open_http_svc/send_group_msg", "{\"GroupId\": \"keep\", \"MsgBody\": [{\"MsgType\": \"TIMTextElem\", \"MsgContent\": {\"Text\": 1}}]}", 10004),
        ("group_open_http_svc/send_group_msg", "{\"GroupId\": \"keep\", \"MsgPriority\": \"high\", \"MsgBody\": []}", 10004),
        ("group_open_http_svc/send_group_msg", "{\"GroupId\": \"nope\", \"MsgBody\": [{\"MsgType\": \"TIMTextElem\", \"MsgContent\": {\"Text\": \"x\"}}]}", 10010),
        ("group_open_http_svc/send_group_msg", "{\"GroupId\": \"keep\", \"Random\": -1, \"MsgBody\": []}", 10004),
        ("group_open_http_svc/no_such_command", "{}", 10003),
        ("no_such_service/whatever", "{}", 60009),
    ];
    for (path, body, code) in cases {
        let v = s.rest_text(path, body).await;
        assert_eq!(v["ActionStatus"], "FAIL", "{path} {body}: {v}");
        assert_eq!(v["ErrorCode"], code, "{path} {body}: {v}");
        assert!(!v["ErrorInfo"].as_str().unwrap_or_default().is_empty());
    }
    assert_eq!(
        group_count(&s).await,
        before,
        "no failed call created a group"
    );

    // An oversized message body is refused with 80002 and not delivered.
    let big = "x".repeat(13 * 1024);
    let v = s
        .rest("group_open_http_svc/send_group_msg", json!({"GroupId": "keep", "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": big}}]}))
        .await;
    assert_eq!(v["ErrorCode"], 80002);

    // A modify with one bad field changes none of the fields.
    let v = s
        .rest(
            "group_open_http_svc/modify_group_base_info",
            json!({"GroupId": "keep", "Name": "new name", "Notification": "n".repeat(301)}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 10004);
    assert!(
        v["ErrorInfo"]
            .as_str()
            .unwrap_or_default()
            .contains("301 bytes; the limit is 300"),
        "{v}"
    );
    let info = s
        .ok(
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": ["keep"]}),
        )
        .await;
    assert_eq!(info["GroupInfo"][0]["Name"], "room keep");
}

#[tokio::test]
async fn avchatroom_rules() {
    let s = TestServer::spawn().await;
    s.import("host", "Host").await;
    s.create_room("av", Some("host")).await;
    let v = s
        .rest(
            "group_open_http_svc/add_group_member",
            json!({"GroupId": "av", "MemberList": [{"Member_Account": "x"}]}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 10007, "REST cannot add members: {v}");
    let v = s
        .rest(
            "group_open_http_svc/delete_group_member",
            json!({"GroupId": "av", "MemberToDel_Account": ["x"]}),
        )
        .await;
    assert_eq!(
        v["ErrorCode"], 10004,
        "members are removed only by ban: {v}"
    );
    let host = s.member("host", "av").await;
    assert_eq!(
        host.quit("av")
            .await
            .expect_err("the owner cannot quit")
            .code(),
        Some(10009)
    );

    // Server-assigned ids, online counts and the member list.
    let created = s
        .ok(
            "group_open_http_svc/create_group",
            json!({"Type": "AVChatRoom", "Name": "auto"}),
        )
        .await;
    let id = created["GroupId"].as_str().expect("id").to_string();
    assert!(id.starts_with("@TGS#"), "{id}");
    let _a = s.member("a", &id).await;
    let _a2 = s.member("a", &id).await;
    let mut b = s.member("b", &id).await;
    let g = s.client().await;
    g.guest(crate::harness::APP).await.expect("guest");
    g.join(&id).await.expect("guest joins");
    let n = s
        .ok(
            "group_open_http_svc/get_online_member_num",
            json!({"GroupId": id}),
        )
        .await;
    assert_eq!(
        n["OnlineMemberNum"], 3,
        "two users (one on two devices) and a guest"
    );
    let m = s
        .ok(
            "group_open_avchatroom_http_svc/get_members",
            json!({"GroupId": id, "Timestamp": 0}),
        )
        .await;
    assert_eq!(m["MemberList"].as_array().expect("list").len(), 2);
    assert_eq!(m["NextTimestamp"], 0);

    s.ok("group_open_http_svc/destroy_group", json!({"GroupId": id}))
        .await;
    let dismissed = loop {
        match b
            .next_event_within(std::time::Duration::from_secs(3))
            .await
            .expect("notice")
        {
            liveroom_client::Event::System(n) => break n,
            _ => continue,
        }
    };
    assert_eq!(dismissed.msg_body[0]["MsgContent"]["OpType"], 5);
    assert_eq!(
        b.send_text(&id, "anyone?", liveroom_client::Priority::Normal)
            .await
            .expect_err("gone")
            .code(),
        Some(10010)
    );
    let v = s
        .rest(
            "group_open_http_svc/get_online_member_num",
            json!({"GroupId": id}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 10010);
}

#[tokio::test]
async fn custom_fields_must_be_declared_and_changes_are_pushed() {
    let s = TestServer::spawn().await;
    let v = s
        .rest("group_open_http_svc/create_group", json!({"Type": "AVChatRoom", "GroupId": "cf", "Name": "x", "AppDefinedData": [{"Key": "level", "Value": "1"}]}))
        .await;
    assert_eq!(v["ErrorCode"], 10004, "undeclared field: {v}");
    let v = s
        .rest(
            "liveroom_ext/set_group_custom_fields",
            json!({"Fields": ["bad-key"]}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 10004);
    s.ok(
        "liveroom_ext/set_group_custom_fields",
        json!({"Fields": ["level", "theme"]}),
    )
    .await;
    assert_eq!(
        s.ok("liveroom_ext/get_group_custom_fields", json!({}))
            .await["Fields"],
        json!(["level", "theme"])
    );
    s.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "AVChatRoom", "GroupId": "cf", "Name": "x", "AppDefinedData": [{"Key": "level", "Value": "1"}]}),
    )
    .await;
    let mut viewer = s.member("viewer", "cf").await;
    s.ok(
        "group_open_http_svc/modify_group_base_info",
        json!({"GroupId": "cf", "Notification": "{\"text\":\"hi\",\"img\":\"https://x/y.png\"}", "AppDefinedData": [{"Key": "theme", "Value": "dark"}]}),
    )
    .await;
    let tip = loop {
        match viewer
            .next_event_within(std::time::Duration::from_secs(3))
            .await
            .expect("tip")
        {
            liveroom_client::Event::Tip(t) if t.msg_body[0]["MsgContent"]["OpType"] == 7 => {
                break t.msg_body[0]["MsgContent"].clone()
            }
            _ => continue,
        }
    };
    let changes = tip["GroupInfoChange"].as_array().expect("changes");
    assert!(changes
        .iter()
        .any(|c| c["Type"] == 3 && c["Value"] == "{\"text\":\"hi\",\"img\":\"https://x/y.png\"}"));
    assert!(changes
        .iter()
        .any(|c| c["Type"] == 6 && c["Key"] == "theme" && c["Value"] == "dark"));
    let info = s
        .ok(
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": ["cf"]}),
        )
        .await;
    let data: Vec<Value> = info["GroupInfo"][0]["AppDefinedData"]
        .as_array()
        .expect("data")
        .clone();
    assert_eq!(
        data,
        vec![
            json!({"Key": "level", "Value": "1"}),
            json!({"Key": "theme", "Value": "dark"})
        ]
    );
    let v = s
        .rest("group_open_http_svc/modify_group_base_info", json!({"GroupId": "cf", "AppDefinedData": [{"Key": "level", "Value": "2"}, {"Key": "level", "Value": "3"}]}))
        .await;
    assert_eq!(v["ErrorCode"], 10004, "a key named twice: {v}");
    // A key no longer declared can still be deleted with an empty value.
    s.ok(
        "liveroom_ext/set_group_custom_fields",
        json!({"Fields": ["theme", "theme"]}),
    )
    .await;
    assert_eq!(
        s.ok("liveroom_ext/get_group_custom_fields", json!({}))
            .await["Fields"],
        json!(["theme"])
    );
    let v = s
        .rest(
            "group_open_http_svc/modify_group_base_info",
            json!({"GroupId": "cf", "AppDefinedData": [{"Key": "level", "Value": "5"}]}),
        )
        .await;
    assert_eq!(v["ErrorCode"], 10004, "undeclared keys take no new values");
    s.ok(
        "group_open_http_svc/modify_group_base_info",
        json!({"GroupId": "cf", "AppDefinedData": [{"Key": "level", "Value": ""}]}),
    )
    .await;
    let info = s
        .ok(
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": ["cf"]}),
        )
        .await;
    assert_eq!(
        info["GroupInfo"][0]["AppDefinedData"],
        json!([{"Key": "theme", "Value": "dark"}])
    );
    let filtered = s
        .ok("group_open_http_svc/get_group_info", json!({"GroupIdList": ["cf"], "ResponseFilter": {"AppDefinedDataFilter_Group": ["theme"], "GroupBaseInfoFilter": ["Name"]}}))
        .await;
    assert_eq!(
        filtered["GroupInfo"][0]["AppDefinedData"],
        json!([{"Key": "theme", "Value": "dark"}])
    );
    assert_eq!(filtered["GroupInfo"][0]["Name"], "x");
    assert!(filtered["GroupInfo"][0].get("Notification").is_none());
}

#[tokio::test]
async fn accounts_and_profiles() {
    let s = TestServer::spawn().await;
    s.ok(
        "im_open_login_svc/account_import",
        json!({"Identifier": "old_style", "Nick": "Old"}),
    )
    .await;
    let v = s
        .ok(
            "im_open_login_svc/multiaccount_import",
            json!({"AccountList": [{"UserID": "u1", "Nick": "One"}, {"UserID": "bad id"}]}),
        )
        .await;
    assert_eq!(v["FailAccounts"], json!(["bad id"]));
    s.ok(
        "im_open_login_svc/multiaccount_import",
        json!({"Accounts": ["u2", "u3"]}),
    )
    .await;
    // Re-importing without a nick keeps the nick.
    s.ok(
        "im_open_login_svc/multiaccount_import",
        json!({"Accounts": ["u1"]}),
    )
    .await;
    let p = s
        .ok(
            "profile/portrait_get",
            json!({"To_Account": ["u1"], "TagList": ["Tag_Profile_IM_Nick"]}),
        )
        .await;
    assert_eq!(p["UserProfileItem"][0]["ProfileItem"][0]["Value"], "One");
    let check = s
        .ok(
            "im_open_login_svc/account_check",
            json!({"CheckItem": [{"UserID": "u1"}, {"UserID": "old_style"}, {"UserID": "nobody"}]}),
        )
        .await;
    let statuses: Vec<_> = check["ResultItem"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["AccountStatus"].clone())
        .collect();
    assert_eq!(
        statuses,
        vec![json!("Imported"), json!("Imported"), json!("NotImported")]
    );

    s.ok(
        "profile/portrait_set",
        json!({"From_Account": "u1", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "Uno"}, {"Tag": "Tag_Profile_IM_Image", "Value": "https://a/b.png"}]}),
    )
    .await;
    let p = s
        .ok("profile/portrait_get", json!({"To_Account": ["u1", "ghost"], "TagList": ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Image"]}))
        .await;
    assert_eq!(
        p["UserProfileItem"][0]["ProfileItem"],
        json!([{"Tag": "Tag_Profile_IM_Nick", "Value": "Uno"}, {"Tag": "Tag_Profile_IM_Image", "Value": "https://a/b.png"}])
    );
    assert_eq!(p["Fail_Account"], json!(["ghost"]));
    let v = s.rest("profile/portrait_set", json!({"From_Account": "ghost", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "x"}]})).await;
    assert_eq!(v["ErrorCode"], 40003);
    let v = s.rest("profile/portrait_set", json!({"From_Account": "u1", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "n".repeat(501)}]})).await;
    assert_eq!(v["ErrorCode"], 40601);

    // A live session picks up the new nick for its next message.
    s.create_room("p", None).await;
    let u1 = s.member("u1", "p").await;
    let mut watcher = s.member("w", "p").await;
    s.ok("profile/portrait_set", json!({"From_Account": "u1", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "Renamed"}]})).await;
    u1.send_text("p", "hi", liveroom_client::Priority::Normal)
        .await
        .expect("send");
    assert_eq!(
        watcher
            .next_message_within(std::time::Duration::from_secs(3))
            .await
            .expect("msg")
            .nick,
        "Renamed"
    );

    let del = s.ok("im_open_login_svc/account_delete", json!({"DeleteItem": [{"UserID": "u2"}, {"UserID": "nobody"}, {"UserID": "administrator"}]})).await;
    let codes: Vec<_> = del["ResultItem"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["ResultCode"].clone())
        .collect();
    assert_eq!(codes, vec![json!(0), json!(70107), json!(70402)]);
}
