//! Profiles and relationships over REST and the client protocol: standard and custom
//! tags with their coded refusals, pushes to the people who see a user, the add-type rules,
//! requests and answers, blocklists refusing one-to-one messages, and their webhooks.

use serde_json::{json, Value};
use std::time::Duration;

use liveroom_client::{Client, Event};
use liveroom_core::callback::{BLACKLIST_ADD, FRIEND_ADD, PORTRAIT_SET};
use liveroom_core::protocol::{social, FriendPush, Op, ProfilePush};

use crate::harness::TestServer;
use crate::receiver::Receiver;

const WAIT: Duration = Duration::from_secs(5);

async fn next_profile(c: &mut Client) -> ProfilePush {
    loop {
        if let Event::Profile(p) = c.next_event_within(WAIT).await.expect("a profile push") {
            return p;
        }
    }
}

async fn next_friend(c: &mut Client) -> FriendPush {
    loop {
        if let Event::Friend(f) = c.next_event_within(WAIT).await.expect("a friend push") {
            return f;
        }
    }
}

fn set(tag: &str, value: Value) -> Op {
    Op::SetProfile(social::SetProfile {
        items: vec![social::ProfileEntry {
            tag: tag.into(),
            value,
        }],
    })
}

#[tokio::test]
async fn profiles_take_standard_and_declared_tags_and_tell_who_sees_them() {
    let s = TestServer::spawn().await;
    let r = Receiver::start().await;
    for u in ["ann", "bob", "cat"] {
        s.import(u, u).await;
    }
    s.settings(json!({"profile_custom_fields": ["Hobby"]}))
        .await;
    s.ok(
        "liveroom_ext/set_webhook",
        json!({"Webhook": {"url": r.url(), "commands": [PORTRAIT_SET]}}),
    )
    .await;
    s.ok(
        "profile/portrait_set",
        json!({"From_Account": "ann", "ProfileItem": [
            {"Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Female"},
            {"Tag": "Tag_Profile_IM_BirthDay", "Value": 19900101},
            {"Tag": "Tag_Profile_IM_Level", "Value": 3},
            {"Tag": "Tag_Profile_Custom_Hobby", "Value": "chess"},
            {"Tag": "Tag_Profile_IM_Nick", "Value": "Annie"}]}),
    )
    .await;
    let got = s
        .ok(
            "profile/portrait_get",
            json!({"To_Account": ["ann", "ghost"], "TagList": [
                "Tag_Profile_IM_Nick", "Tag_Profile_IM_Gender", "Tag_Profile_IM_BirthDay",
                "Tag_Profile_IM_Level", "Tag_Profile_Custom_Hobby", "Tag_Profile_IM_AllowType"]}),
        )
        .await;
    let items = &got["UserProfileItem"][0]["ProfileItem"];
    let values: Vec<&Value> = (0..6).map(|i| &items[i]["Value"]).collect();
    assert_eq!(
        values,
        vec![
            &json!("Annie"),
            &json!("Gender_Type_Female"),
            &json!(19900101),
            &json!(3),
            &json!("chess"),
            &json!("AllowType_Type_NeedConfirm")
        ]
    );
    assert_eq!(got["Fail_Account"], json!(["ghost"]));
    let hit = r.wait_for(PORTRAIT_SET, |h| !h.is_empty()).await;
    assert_eq!(hit[0].body["From_Account"], "ann");

    for (item, code) in [
        (json!({"Tag": "Tag_Profile_IM_Nope", "Value": "x"}), 40009),
        (
            json!({"Tag": "Tag_Profile_Custom_Other", "Value": "x"}),
            40009,
        ),
        (
            json!({"Tag": "Tag_Profile_IM_Gender", "Value": "male"}),
            40605,
        ),
        (
            json!({"Tag": "Tag_Profile_IM_BirthDay", "Value": "1990"}),
            40610,
        ),
        (
            json!({"Tag": "Tag_Profile_IM_SelfSignature", "Value": "s".repeat(501)}),
            40601,
        ),
    ] {
        // A bad item refuses the whole call: the good one with it is not written.
        let answer = s
            .rest(
                "profile/portrait_set",
                json!({"From_Account": "ann", "ProfileItem": [
                    {"Tag": "Tag_Profile_IM_Location", "Value": "Paris"}, item.clone()]}),
            )
            .await;
        assert_eq!(answer["ErrorCode"], code, "{item}");
    }
    let loc = s
        .ok(
            "profile/portrait_get",
            json!({"To_Account": ["ann"], "TagList": ["Tag_Profile_IM_Location"]}),
        )
        .await;
    assert_eq!(loc["UserProfileItem"][0]["ProfileItem"][0]["Value"], "");

    // A client sets its own profile (not its level); a conversation peer and a friend hear.
    let ann = s.user("ann").await;
    let mut bob = s.user("bob").await;
    let mut cat = s.user("cat").await;
    ann.send_c2c_text("bob", "hi").await.expect("send");
    s.ok(
        "sns/friend_import",
        json!({"From_Account": "ann", "AddFriendItem": [{"To_Account": "cat"}]}),
    )
    .await;
    ann.request(set("Tag_Profile_IM_SelfSignature", json!("hello")))
        .await
        .expect("set own");
    for c in [&mut bob, &mut cat] {
        let p = next_profile(c).await;
        assert_eq!(
            (p.user.as_str(), p.items[0].value.clone()),
            ("ann", json!("hello"))
        );
    }
    let refused = ann
        .request(set("Tag_Profile_IM_Level", json!(99)))
        .await
        .expect_err("read-only");
    assert_eq!(refused.code(), Some(40008));
    let read = bob
        .request(Op::GetProfiles(social::GetProfiles {
            users: vec!["ann".into()],
            tags: None,
        }))
        .await
        .expect("read");
    let items = read.data["Profiles"][0]["ProfileItem"]
        .as_array()
        .expect("items")
        .clone();
    assert!(items
        .iter()
        .any(|i| i["Tag"] == "Tag_Profile_Custom_Hobby" && i["Value"] == "chess"));
    s.shutdown().await;
}

#[tokio::test]
async fn friends_follow_the_add_types_and_blocklists_refuse_messages() {
    let s = TestServer::spawn().await;
    let r = Receiver::start().await;
    for u in ["ann", "bob", "cat", "dan"] {
        s.import(u, u).await;
    }
    s.ok(
        "liveroom_ext/set_webhook",
        json!({"Webhook": {"url": r.url(), "commands": [FRIEND_ADD, BLACKLIST_ADD]}}),
    )
    .await;
    s.ok(
        "profile/portrait_set",
        json!({"From_Account": "cat", "ProfileItem": [{"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_AllowAny"}]}),
    )
    .await;
    s.ok(
        "profile/portrait_set",
        json!({"From_Account": "dan", "ProfileItem": [{"Tag": "Tag_Profile_IM_AllowType", "Value": "AllowType_Type_DenyAny"}]}),
    )
    .await;
    let add = |to: &str| json!({"From_Account": "ann", "AddFriendItem": [{"To_Account": to, "Remark": "r"}]});
    let codes = |v: &Value| v["ResultItem"][0]["ResultCode"].as_i64();
    assert_eq!(codes(&s.ok("sns/friend_add", add("cat")).await), Some(0));
    assert_eq!(
        codes(&s.ok("sns/friend_add", add("dan")).await),
        Some(30516)
    );
    assert_eq!(
        codes(&s.ok("sns/friend_add", add("nobody")).await),
        Some(30003)
    );
    let forced = s
        .ok(
            "sns/friend_add",
            json!({"From_Account": "ann", "AddFriendItem": [{"To_Account": "dan"}], "ForceAddFlags": 1,
                   "AddType": "Add_Type_Single"}),
        )
        .await;
    assert_eq!(codes(&forced), Some(0));
    let hits = r.wait_for(FRIEND_ADD, |h| h.len() >= 2).await;
    assert_eq!(hits[0].body["PairList"][0]["To_Account"], "cat");

    // Bob confirms requests (the default): a client's request waits for his answer.
    let ann = s.user("ann").await;
    let mut bob = s.user("bob").await;
    let asked = ann
        .request(Op::AddFriend(social::AddFriend {
            to: "bob".into(),
            remark: "Bobby".into(),
            group: Some("work".into()),
            wording: "it's Ann".into(),
            source: "AddSource_Type_Web".into(),
            add_type: None,
        }))
        .await
        .expect("asked");
    assert_eq!(asked.data["Pending"], true);
    let request = next_friend(&mut bob).await;
    assert_eq!(
        (request.action.as_str(), request.wording.as_str()),
        ("request", "it's Ann")
    );
    let waiting = bob.request(Op::GetFriendRequests).await.expect("requests");
    assert_eq!(waiting.data["Incoming"][0]["From_Account"], "ann");
    bob.request(Op::AnswerFriendRequest(social::AnswerFriendRequest {
        from: "ann".into(),
        accept: true,
        remark: String::new(),
    }))
    .await
    .expect("accepted");
    let check = s
        .ok(
            "sns/friend_check",
            json!({"From_Account": "ann", "To_Account": ["bob", "cat", "dan"], "CheckType": "CheckResult_Type_Both"}),
        )
        .await;
    let relations: Vec<&str> = (0..3)
        .map(|i| check["InfoItem"][i]["Relation"].as_str().expect("relation"))
        .collect();
    // Add_Type_Both (the default) made Cat and Ann each other's friends; Dan only in Ann's.
    assert_eq!(
        relations,
        vec![
            "CheckResult_Type_BothWay",
            "CheckResult_Type_BothWay",
            "CheckResult_Type_AWithB"
        ]
    );
    let list = s
        .ok(
            "sns/friend_get",
            json!({"From_Account": "ann", "StartIndex": 0}),
        )
        .await;
    assert_eq!(
        (list["FriendNum"].as_u64(), list["CompleteFlag"].as_u64()),
        (Some(3), Some(1))
    );
    let bob_row = list["UserDataItem"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["To_Account"] == "bob")
        .expect("bob")
        .clone();
    assert!(bob_row["ValueItem"]
        .as_array()
        .expect("values")
        .iter()
        .any(|v| v["Tag"] == "Tag_SNS_IM_Remark" && v["Value"] == "Bobby"));

    // Bob blocks Ann: the friendship ends, her messages are refused (not the backend's).
    bob.request(Op::Block(social::BlockUsers {
        users: vec!["ann".into()],
    }))
    .await
    .expect("block");
    let refused = ann
        .send_c2c_text("bob", "hello?")
        .await
        .expect_err("blocked");
    assert_eq!(refused.code(), Some(20007));
    s.ok(
        "openim/sendmsg",
        json!({"From_Account": "ann", "To_Account": "bob", "MsgRandom": 1,
               "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "from the backend"}}]}),
    )
    .await;
    assert_eq!(
        codes(&s.ok("sns/friend_add", add("bob")).await),
        Some(30525)
    );
    let blocked = s
        .ok(
            "sns/black_list_check",
            json!({"From_Account": "ann", "To_Account": ["bob"], "CheckType": "BlackCheckResult_Type_Both"}),
        )
        .await;
    assert_eq!(
        blocked["BlackListCheckItem"][0]["Relation"],
        "BlackCheckResult_Type_BWithA"
    );
    let hits = r.wait_for(BLACKLIST_ADD, |h| !h.is_empty()).await;
    assert_eq!(hits[0].body["PairList"][0]["From_Account"], "bob");
    let get = s
        .ok(
            "sns/black_list_get",
            json!({"From_Account": "bob", "StartIndex": 0, "MaxLimited": 10}),
        )
        .await;
    assert_eq!(get["BlackListItem"][0]["To_Account"], "ann");
    // Unblocked, she may write again.
    s.ok(
        "sns/black_list_delete",
        json!({"From_Account": "bob", "To_Account": ["ann"]}),
    )
    .await;
    ann.send_c2c_text("bob", "thanks").await.expect("unblocked");
    s.shutdown().await;
}
