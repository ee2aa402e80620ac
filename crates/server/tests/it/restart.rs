//! Durable data survives a restart on the same data directory.

use serde_json::json;
use std::time::Duration;

use liveroom_client::Priority;

use crate::harness::TestServer;

#[tokio::test]
async fn restart_keeps_durable_data() {
    let s = TestServer::spawn().await;
    s.ok(
        "liveroom_ext/set_group_custom_fields",
        json!({"Fields": ["level"]}),
    )
    .await;
    s.import("host", "Host").await;
    s.create_room("durable", Some("host")).await;
    s.ok(
        "group_open_http_svc/modify_group_base_info",
        json!({"GroupId": "durable", "Notification": "be nice", "AppDefinedData": [{"Key": "level", "Value": "9"}]}),
    )
    .await;
    s.ok(
        "group_open_http_svc/forbid_send_msg",
        json!({"GroupId": "durable", "Members_Account": ["muted"], "MuteTime": 3600}),
    )
    .await;
    s.ok(
        "group_open_http_svc/ban_group_member",
        json!({"GroupId": "durable", "Members_Account": ["banned"], "Duration": 3600}),
    )
    .await;
    let host = s.member("host", "durable").await;
    let ack = host
        .send_text("durable", "before restart", Priority::Normal)
        .await
        .expect("send");
    let seq_before = ack.data["MsgSeq"].as_u64().expect("seq");
    s.settings(json!({"history_count": 7, "limits": {"notification": 500}}))
        .await;
    let dir = s.dir.clone();
    s.shutdown().await;

    let s = TestServer::spawn_in(dir, |_| {}).await;
    let info = s
        .ok(
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": ["durable"]}),
        )
        .await;
    let g = &info["GroupInfo"][0];
    assert_eq!(g["Notification"], "be nice");
    assert_eq!(g["Owner_Account"], "host");
    assert_eq!(g["AppDefinedData"], json!([{"Key": "level", "Value": "9"}]));
    assert_eq!(g["MemberNum"], 0, "membership is ephemeral");
    let settings = s.ok("liveroom_ext/get_app_settings", json!({})).await["Settings"].clone();
    assert_eq!(
        settings["history_count"], 7,
        "live changes survive a restart"
    );
    assert_eq!(settings["limits"]["notification"], 500);
    assert_eq!(
        settings["limits"]["name"], 30,
        "a partial nested change keeps the rest"
    );
    assert_eq!(settings["group_custom_fields"], json!(["level"]));
    assert!(g["NextMsgSeq"].as_u64().expect("next") > seq_before);
    let p = s
        .ok(
            "profile/portrait_get",
            json!({"To_Account": ["host"], "TagList": ["Tag_Profile_IM_Nick"]}),
        )
        .await;
    assert_eq!(p["UserProfileItem"][0]["ProfileItem"][0]["Value"], "Host");

    let muted = s.member("muted", "durable").await;
    assert_eq!(
        muted
            .send_text("durable", "x", Priority::Normal)
            .await
            .expect_err("still muted")
            .code(),
        Some(10017)
    );
    let banned = s.user("banned").await;
    assert_eq!(
        banned
            .join("durable")
            .await
            .expect_err("still banned")
            .code(),
        Some(10007)
    );

    // History survives, and sequence numbers never repeat.
    let mut late = s.user("late").await;
    late.join("durable").await.expect("join");
    let m = late
        .next_message_within(Duration::from_secs(3))
        .await
        .expect("history after restart");
    assert_eq!(m.msg_seq, seq_before);
    let host = s.member("host", "durable").await;
    let ack = host
        .send_text("durable", "after restart", Priority::Normal)
        .await
        .expect("send");
    assert!(ack.data["MsgSeq"].as_u64().expect("seq") > seq_before);
}
