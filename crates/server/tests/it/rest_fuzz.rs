//! Hostile REST input: every command with wrong types, missing keys, nulls, numbers out of
//! range, deep nesting and bodies that are not objects; every answer must be a coded error
//! in the envelope and nothing may change. Also GET beside POST, and the errors the door
//! produces before a command runs (unknown paths, methods, over-long URLs and bodies).

use serde_json::{json, Value};
use std::collections::BTreeSet;

use crate::harness::{sig, TestServer, APP};

const ROOM: &str = "fuzz";
/// A Public group (stored members and messages).
const TEAM: &str = "team";
/// A community with a topic.
const HUB: &str = "hub";
const TOPIC: &str = "hub@TOPIC#_general";

/// A well-formed body for each command, and the keys it cannot do without.
fn commands() -> Vec<(&'static str, Value, &'static [&'static str])> {
    let text = json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]);
    vec![
        (
            "im_open_login_svc/account_import",
            json!({"UserID": "carol", "Nick": "C", "FaceUrl": "https://img/c.png"}),
            &["UserID"],
        ),
        (
            "im_open_login_svc/multiaccount_import",
            json!({"AccountList": [{"UserID": "carol", "Nick": "C"}]}),
            &["AccountList"],
        ),
        (
            "im_open_login_svc/account_check",
            json!({"CheckItem": [{"UserID": "alice"}]}),
            &["CheckItem"],
        ),
        (
            "im_open_login_svc/account_delete",
            json!({"DeleteItem": [{"UserID": "bob"}]}),
            &["DeleteItem"],
        ),
        (
            "im_open_login_svc/kick",
            json!({"UserID": "alice"}),
            &["UserID"],
        ),
        (
            "profile/portrait_get",
            json!({"To_Account": ["alice"], "TagList": ["Tag_Profile_IM_Nick"]}),
            &["To_Account", "TagList"],
        ),
        (
            "profile/portrait_set",
            json!({"From_Account": "alice", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "new"}]}),
            &["From_Account", "ProfileItem"],
        ),
        (
            "group_open_http_svc/create_group",
            json!({"Type": "AVChatRoom", "GroupId": "fuzz2", "Name": "n", "Introduction": "i", "Notification": "n", "FaceUrl": "f", "MaxMemberCount": 10, "ApplyJoinOption": "FreeAccess", "AppDefinedData": [{"Key": "level", "Value": "1"}]}),
            &["Type", "Name"],
        ),
        (
            "group_open_http_svc/destroy_group",
            json!({"GroupId": ROOM}),
            &["GroupId"],
        ),
        (
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": [ROOM], "ResponseFilter": {"GroupBaseInfoFilter": ["Name"]}}),
            &["GroupIdList"],
        ),
        (
            "group_open_http_svc/get_appid_group_list",
            json!({"Limit": 10, "Next": 0, "GroupType": "AVChatRoom"}),
            &[],
        ),
        (
            "group_open_http_svc/modify_group_base_info",
            json!({"GroupId": ROOM, "Name": "x", "Introduction": "x", "Notification": "x", "FaceUrl": "x", "MuteAllMember": "On", "ApplyJoinOption": "FreeAccess", "AppDefinedData": [{"Key": "level", "Value": "9"}], "From_Account": "alice"}),
            &["GroupId"],
        ),
        (
            "group_open_http_svc/add_group_member",
            json!({"GroupId": ROOM, "MemberList": [{"Member_Account": "bob"}]}),
            &["GroupId"],
        ),
        (
            "group_open_http_svc/delete_group_member",
            json!({"GroupId": ROOM, "MemberToDel_Account": ["bob"]}),
            &["GroupId"],
        ),
        (
            "group_open_http_svc/get_group_member_info",
            json!({"GroupId": TEAM, "Limit": 10, "Offset": 0, "MemberInfoFilter": ["Role"], "MemberRoleFilter": ["Member"], "AppDefinedDataFilter_GroupMember": ["k"]}),
            &["GroupId"],
        ),
        (
            "group_open_http_svc/get_specified_group_member_info",
            json!({"GroupId": TEAM, "Member_List_Account": ["bob"], "MemberInfoFilter": ["Role"]}),
            &["GroupId", "Member_List_Account"],
        ),
        (
            // Values the member has already: even a body that turned valid changes nothing.
            "group_open_http_svc/modify_group_member_info",
            json!({"GroupId": TEAM, "Member_Account": "bob", "Role": "Member", "MsgFlag": "AcceptAndNotify", "NameCard": "", "From_Account": "alice"}),
            &["GroupId", "Member_Account"],
        ),
        (
            "group_open_http_svc/get_joined_group_list",
            json!({"Member_Account": "bob", "Limit": 10, "Offset": 0, "GroupType": "Public", "ResponseFilter": {"GroupBaseInfoFilter": ["Name"], "SelfInfoFilter": ["Role"]}}),
            &["Member_Account"],
        ),
        (
            "group_open_http_svc/change_group_owner",
            json!({"GroupId": TEAM, "NewOwner_Account": "alice"}),
            &["GroupId", "NewOwner_Account"],
        ),
        (
            "group_open_http_svc/set_unread_msg_num",
            json!({"GroupId": TEAM, "Member_Account": "bob", "UnreadMsgNum": 1}),
            &["GroupId", "Member_Account", "UnreadMsgNum"],
        ),
        (
            // A message number the group never gave: nothing to edit.
            "openim/modify_group_msg",
            json!({"GroupId": TEAM, "MsgSeq": 999, "MsgBody": text, "CloudCustomData": "c", "TopicId": ""}),
            &["GroupId", "MsgSeq"],
        ),
        (
            "openim_msg_ext_http_svc/group_set_key_values",
            json!({"GroupId": TEAM, "MsgSeq": 999, "ExtensionList": [{"Key": "k", "Value": "v"}], "TopicId": ""}),
            &["GroupId", "MsgSeq", "ExtensionList"],
        ),
        (
            "openim_msg_ext_http_svc/group_get_key_values",
            json!({"GroupId": TEAM, "MsgSeq": 1, "TopicId": ""}),
            &["GroupId", "MsgSeq"],
        ),
        (
            // A sender with no messages there.
            "group_open_http_svc/delete_group_msg_by_sender",
            json!({"GroupId": TEAM, "Sender_Account": "troll", "TopicId": ""}),
            &["GroupId", "Sender_Account"],
        ),
        (
            // The AVChatRoom stores nothing: even a body that turned valid clears nothing.
            "group_open_http_svc/clear_group_msg",
            json!({"GroupId": ROOM, "MsgSeq": 1}),
            &["GroupId"],
        ),
        (
            // An id in use: even a body that turned valid creates nothing.
            "group_open_http_svc/import_group",
            json!({"Type": "Public", "GroupId": TEAM, "Name": "n", "Owner_Account": "alice", "CreateTime": 1_600_000_000}),
            &["Type", "Name"],
        ),
        (
            // A member already: even a body that turned valid adds nobody.
            "group_open_http_svc/import_group_member",
            json!({"GroupId": TEAM, "MemberList": [{"Member_Account": "bob", "JoinTime": 1_600_000_000, "UnreadMsgNum": 0}]}),
            &["GroupId", "MemberList"],
        ),
        (
            // A send time before the group existed: even a body that turned valid stores nothing.
            "group_open_http_svc/import_group_msg",
            json!({"GroupId": TEAM, "RecentContactFlag": 0, "MsgList": [{"From_Account": "alice", "SendTime": 1000, "Random": 1, "MsgBody": text}], "TopicId": ""}),
            &["GroupId", "MsgList"],
        ),
        (
            "group_open_attr_http_svc/get_group_attr",
            json!({"GroupId": TEAM}),
            &["GroupId"],
        ),
        (
            // The values the group has already.
            "group_open_http_svc/modify_group_attr",
            json!({"GroupId": TEAM, "GroupAttr": [{"key": "seat1", "value": "alice"}]}),
            &["GroupId", "GroupAttr"],
        ),
        (
            "group_open_http_svc/set_group_attr",
            json!({"GroupId": TEAM, "GroupAttr": [{"key": "seat1", "value": "alice"}]}),
            &["GroupId", "GroupAttr"],
        ),
        (
            // A group without attributes: even a body that turned valid clears nothing.
            "group_open_http_svc/clear_group_attr",
            json!({"GroupId": HUB}),
            &["GroupId"],
        ),
        (
            "million_group_open_http_svc/create_topic",
            json!({"GroupId": HUB, "TopicName": "t", "TopicId": "hub@TOPIC#_fuzz", "From_Account": "alice", "CustomString": "c", "FaceUrl": "f", "Notification": "n", "Introduction": "i"}),
            &["GroupId", "TopicName"],
        ),
        (
            "million_group_open_http_svc/get_topic",
            json!({"GroupId": HUB, "TopicIdList": [TOPIC], "From_Account": "bob"}),
            &["GroupId"],
        ),
        (
            // The values the topic has already.
            "million_group_open_http_svc/modify_topic",
            json!({"GroupId": HUB, "TopicId": TOPIC, "TopicName": "general", "From_Account": "alice", "CustomString": "", "FaceUrl": "", "Notification": "", "Introduction": "", "MuteAllMember": "Off"}),
            &["GroupId", "TopicId"],
        ),
        (
            // A topic that does not exist: even a body that turned valid destroys nothing.
            "million_group_open_http_svc/destroy_topic",
            json!({"GroupId": HUB, "TopicIdList": ["hub@TOPIC#_none"]}),
            &["GroupId", "TopicIdList"],
        ),
        (
            "group_open_http_svc/send_group_msg",
            json!({"GroupId": ROOM, "Random": 1, "MsgPriority": "Normal", "MsgBody": text, "From_Account": "alice", "CloudCustomData": "c", "ForbidCallbackControl": ["ForbidBeforeSendMsgCallback"]}),
            &["GroupId", "MsgBody"],
        ),
        (
            "group_open_http_svc/send_group_system_notification",
            json!({"GroupId": ROOM, "Content": "c", "ToMembers_Account": ["alice"]}),
            &["GroupId", "Content"],
        ),
        (
            "group_open_http_svc/send_broadcast_msg",
            json!({"From_Account": "alice", "Random": 1, "MsgBody": text, "CloudCustomData": ""}),
            &["MsgBody"],
        ),
        (
            "group_open_http_svc/group_msg_get_simple",
            json!({"GroupId": ROOM, "ReqMsgSeq": 1, "ReqMsgNumber": 5}),
            &["GroupId", "ReqMsgNumber"],
        ),
        (
            // A number the room never gave out: even a body that turned valid recalls nothing.
            "group_open_http_svc/group_msg_recall",
            json!({"GroupId": ROOM, "MsgSeqList": [{"MsgSeq": 999}], "Reason": "r"}),
            &["GroupId", "MsgSeqList"],
        ),
        (
            "group_open_http_svc/forbid_send_msg",
            json!({"GroupId": ROOM, "Members_Account": ["bob"], "MuteTime": 60}),
            &["GroupId", "Members_Account", "MuteTime"],
        ),
        (
            "group_open_http_svc/get_group_muted_account",
            json!({"GroupId": ROOM}),
            &["GroupId"],
        ),
        (
            "group_open_http_svc/get_group_shutted_uin",
            json!({"GroupId": ROOM}),
            &["GroupId"],
        ),
        (
            "group_open_http_svc/ban_group_member",
            json!({"GroupId": ROOM, "Members_Account": ["bob"], "Duration": 60, "Description": "d"}),
            &["GroupId", "Members_Account", "Duration"],
        ),
        (
            "group_open_http_svc/unban_group_member",
            json!({"GroupId": ROOM, "Members_Account": ["troll"]}),
            &["GroupId", "Members_Account"],
        ),
        (
            "group_open_http_svc/get_group_ban_member",
            json!({"GroupId": ROOM, "Limit": 10, "Offset": 0}),
            &["GroupId"],
        ),
        (
            "group_open_http_svc/get_online_member_num",
            json!({"GroupId": ROOM}),
            &["GroupId"],
        ),
        (
            "group_open_http_svc/get_role_in_group",
            json!({"GroupId": ROOM, "User_Account": ["alice"]}),
            &["GroupId", "User_Account"],
        ),
        (
            "group_open_avchatroom_http_svc/get_members",
            json!({"GroupId": ROOM, "Timestamp": 0}),
            &["GroupId"],
        ),
        (
            "group_open_avchatroom_http_svc/check_members",
            json!({"GroupId": ROOM, "Member_Account": ["alice"]}),
            &["GroupId", "Member_Account"],
        ),
        (
            "group_open_avchatroom_http_svc/modify_admin",
            json!({"GroupId": ROOM, "CommandType": 1, "Admin_Account": ["bob"]}),
            &["GroupId", "CommandType", "Admin_Account"],
        ),
        (
            "group_open_avchatroom_http_svc/get_admin_list",
            json!({"GroupId": ROOM}),
            &["GroupId"],
        ),
        ("liveroom_ext/get_group_custom_fields", json!({}), &[]),
        (
            "liveroom_ext/set_group_custom_fields",
            json!({"Fields": ["level", "topic"]}),
            &["Fields"],
        ),
        ("liveroom_ext/get_app_settings", json!({}), &[]),
        (
            "liveroom_ext/set_app_settings",
            json!({"Settings": {"room_msgs_per_sec": 41}}),
            &["Settings"],
        ),
        ("liveroom_ext/get_webhook", json!({}), &[]),
        (
            "liveroom_ext/set_webhook",
            json!({"Webhook": {"url": "http://127.0.0.1:9/other", "token": "t2"}}),
            &["Webhook"],
        ),
        ("liveroom_ext/get_word_filter", json!({}), &[]),
        (
            "liveroom_ext/set_word_filter",
            json!({"Filter": {"custom_fields": ["Desc"], "lists": [{"action": "mask", "words": ["w"]}]}}),
            &["Filter"],
        ),
        (
            "liveroom_ext/add_filter_words",
            json!({"Action": "mask", "CaseFold": true, "Words": ["new"]}),
            &["Action", "Words"],
        ),
        (
            "liveroom_ext/delete_filter_words",
            json!({"Words": ["darn"]}),
            &["Words"],
        ),
        (
            "liveroom_ext/set_live_state",
            json!({"GroupId": ROOM, "State": "Live", "NewSession": false}),
            &["GroupId", "State"],
        ),
        (
            "liveroom_ext/get_live_states",
            json!({"GroupIdList": [ROOM]}),
            &["GroupIdList"],
        ),
        (
            "liveroom_ext/pin_item",
            json!({"GroupId": ROOM, "Item": {"ItemId": "2", "Title": "t"}, "From_Account": "alice"}),
            &["GroupId", "Item"],
        ),
        (
            "liveroom_ext/unpin_item",
            json!({"GroupId": ROOM}),
            &["GroupId"],
        ),
        (
            "liveroom_ext/get_pinned_items",
            json!({"GroupId": ROOM, "Session": 1}),
            &["GroupId"],
        ),
        (
            "liveroom_ext/send_gift",
            json!({"GroupId": ROOM, "From_Account": "alice", "GiftId": "rose", "GiftName": "Rose", "GiftType": 1, "Count": 1, "Value": 10, "EffectUrl": "e", "GiftKey": "k"}),
            &["GroupId", "From_Account", "GiftId"],
        ),
        (
            "liveroom_ext/start_draw",
            json!({"GroupId": ROOM, "Keyword": "k", "Duration": 60, "Winners": 1}),
            &["GroupId", "Keyword", "Duration"],
        ),
        (
            "liveroom_ext/get_draw",
            json!({"GroupId": ROOM}),
            &["GroupId"],
        ),
        (
            "liveroom_ext/get_room_stats",
            json!({"GroupId": ROOM, "Session": 1, "Top": 5, "OrderBy": "Gifts"}),
            &["GroupId"],
        ),
        (
            "liveroom_ext/get_user_stats",
            json!({"To_Account": ["alice"]}),
            &["To_Account"],
        ),
        (
            "openim/sendmsg",
            json!({"From_Account": "alice", "To_Account": "bob", "MsgRandom": 1, "MsgSeq": 3,
                   "MsgBody": text, "CloudCustomData": "c", "SyncOtherMachine": 1,
                   "MsgLifeTime": 60, "OfflinePushInfo": {"Desc": "d"}, "IsNeedReadReceipt": 1,
                   "SendMsgControl": ["NoUnread"],
                   "ForbidCallbackControl": ["ForbidAfterSendMsgCallback"]}),
            &["To_Account", "MsgRandom", "MsgBody"],
        ),
        (
            "openim/batchsendmsg",
            json!({"From_Account": "alice", "To_Account": ["bob"], "MsgRandom": 1,
                   "MsgBody": text, "OnlineOnlyFlag": 0}),
            &["To_Account", "MsgRandom", "MsgBody"],
        ),
        (
            "openim/importmsg",
            json!({"SyncFromOldSystem": 2, "From_Account": "alice", "To_Account": "bob",
                   "MsgSeq": 1, "MsgRandom": 2, "MsgTimeStamp": 1_600_000_000,
                   "MsgBody": text, "CloudCustomData": "c"}),
            &[
                "SyncFromOldSystem",
                "From_Account",
                "To_Account",
                "MsgSeq",
                "MsgRandom",
                "MsgTimeStamp",
                "MsgBody",
            ],
        ),
        (
            "openim/admin_getroammsg",
            json!({"Operator_Account": "alice", "Peer_Account": "bob", "MaxCnt": 10,
                   "MinTime": 0, "MaxTime": 4_000_000_000_u64, "LastMsgKey": "1_2_3"}),
            &[
                "Operator_Account",
                "Peer_Account",
                "MaxCnt",
                "MinTime",
                "MaxTime",
            ],
        ),
        (
            "openim/admin_msgwithdraw",
            json!({"From_Account": "alice", "To_Account": "bob", "MsgKey": "1_2_3"}),
            &["From_Account", "To_Account", "MsgKey"],
        ),
        (
            "openim/modify_c2c_msg",
            json!({"From_Account": "alice", "To_Account": "bob", "MsgKey": "1_2_3",
                   "MsgBody": text, "CloudCustomData": "c"}),
            &["From_Account", "To_Account", "MsgKey"],
        ),
        (
            "openim/admin_set_msg_read",
            json!({"Report_Account": "bob", "Peer_Account": "alice", "MsgReadTime": 1}),
            &["Report_Account", "Peer_Account"],
        ),
        (
            "openim/get_c2c_unread_msg_num",
            json!({"To_Account": "bob", "Peer_Account": ["alice"]}),
            &["To_Account"],
        ),
        (
            "recentcontact/get_list",
            json!({"From_Account": "bob", "TimeStamp": 0, "StartIndex": 0, "TopTimeStamp": 0,
                   "TopStartIndex": 0, "AssistFlags": 0}),
            &["From_Account"],
        ),
        (
            "openim/query_online_status",
            json!({"To_Account": ["alice"], "IsNeedDetail": 1}),
            &["To_Account"],
        ),
        (
            "openim/querystate",
            json!({"To_Account": ["alice"], "IsNeedDetail": 0}),
            &["To_Account"],
        ),
        (
            "sns/friend_add",
            json!({"From_Account": "alice", "AddFriendItem": [{"To_Account": "bob", "Remark": "r",
                   "GroupName": "g", "AddSource": "AddSource_Type_Web", "AddWording": "w"}],
                   "AddType": "Add_Type_Both", "ForceAddFlags": 1}),
            &["From_Account", "AddFriendItem"],
        ),
        (
            "sns/friend_import",
            json!({"From_Account": "alice", "AddFriendItem": [{"To_Account": "bob"}]}),
            &["From_Account", "AddFriendItem"],
        ),
        (
            "sns/friend_update",
            json!({"From_Account": "alice", "UpdateItem": [{"To_Account": "mod", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "x"}]}]}),
            &["From_Account", "UpdateItem"],
        ),
        (
            "sns/friend_delete",
            json!({"From_Account": "alice", "To_Account": ["mod"], "DeleteType": "Delete_Type_Both"}),
            &["From_Account", "To_Account"],
        ),
        (
            "sns/friend_delete_all",
            json!({"From_Account": "alice", "DeleteType": "Delete_Type_Both"}),
            &["From_Account"],
        ),
        (
            "sns/friend_check",
            json!({"From_Account": "alice", "To_Account": ["mod"], "CheckType": "CheckResult_Type_Both"}),
            &["From_Account", "To_Account"],
        ),
        (
            "sns/friend_get",
            json!({"From_Account": "alice", "StartIndex": 0, "StandardSequence": 0, "CustomSequence": 0}),
            &["From_Account"],
        ),
        (
            "sns/friend_get_list",
            json!({"From_Account": "alice", "To_Account": ["mod"], "TagList": ["Tag_SNS_IM_Remark"]}),
            &["From_Account", "To_Account"],
        ),
        (
            "sns/black_list_add",
            json!({"From_Account": "alice", "To_Account": ["bob"]}),
            &["From_Account", "To_Account"],
        ),
        (
            "sns/black_list_delete",
            json!({"From_Account": "alice", "To_Account": ["troll"]}),
            &["From_Account", "To_Account"],
        ),
        (
            "sns/black_list_get",
            json!({"From_Account": "alice", "StartIndex": 0, "MaxLimited": 10, "LastSequence": 0}),
            &["From_Account"],
        ),
        (
            "sns/black_list_check",
            json!({"From_Account": "alice", "To_Account": ["troll"], "CheckType": "BlackCheckResult_Type_Both"}),
            &["From_Account", "To_Account"],
        ),
        (
            "sns/group_add",
            json!({"From_Account": "alice", "GroupName": ["new"], "To_Account": ["mod"]}),
            &["From_Account", "GroupName"],
        ),
        (
            "sns/group_delete",
            json!({"From_Account": "alice", "GroupName": ["close"]}),
            &["From_Account", "GroupName"],
        ),
        (
            "sns/group_get",
            json!({"From_Account": "alice", "NeedFriend": "Need_Friend_Type_Yes", "GroupName": ["close"]}),
            &["From_Account"],
        ),
        (
            "recentcontact/delete",
            json!({"From_Account": "bob", "Type": 1, "To_Account": "alice", "ClearRamble": 1}),
            &["From_Account", "Type", "To_Account"],
        ),
    ]
}

/// Keys whose numbers are signed (a negative one is not a wrong type there).
const SIGNED: &[&str] = &["Timestamp"];

fn deep(levels: usize) -> String {
    format!("{}{}", "[".repeat(levels), "]".repeat(levels))
}

/// JSON texts of the wrong type for a key that holds `v` (numbers as text, as some of them
/// cannot be a `Value`).
fn wrong_values(key: &str, v: &Value) -> Vec<String> {
    let mut out: Vec<String> = match v {
        Value::String(_) => ["1", "true", "[]", "{}", "[\"x\"]", "null"]
            .map(String::from)
            .to_vec(),
        Value::Number(n) => {
            let mut w: Vec<String> = ["\"1\"", "true", "[]", "{}", "null"]
                .map(String::from)
                .to_vec();
            if n.is_u64() || n.is_i64() {
                // A float, a number over u64, and one no JSON parser keeps.
                w.extend(["1.5", "18446744073709551616", "1e400"].map(String::from));
                if !SIGNED.contains(&key) {
                    w.push("-1".into());
                }
            }
            w
        }
        Value::Bool(_) => ["1", "\"true\"", "null", "[]"].map(String::from).to_vec(),
        Value::Array(items) => {
            let mut w: Vec<String> = ["\"x\"", "{}", "1", "null", "[null]", "[[]]"]
                .map(String::from)
                .to_vec();
            match items.first() {
                Some(Value::Object(_)) => w.extend(["[1]", "[\"x\"]"].map(String::from)),
                Some(Value::String(_)) => w.extend(["[1]", "[{}]"].map(String::from)),
                _ => {}
            }
            w
        }
        Value::Object(_) => ["[]", "[1, 2]", "\"x\"", "1", "null"]
            .map(String::from)
            .to_vec(),
        Value::Null => Vec::new(),
    };
    out.push(deep(100));
    out
}

/// `body` with `path` (keys from the top) set to the JSON text `raw`.
fn with_raw(body: &Value, path: &[&str], raw: &str) -> String {
    const MARK: &str = "\u{1}wrong\u{1}";
    let mut b = body.clone();
    let mut slot = &mut b;
    for k in path {
        slot = &mut slot[*k];
    }
    *slot = json!(MARK);
    b.to_string().replace(&json!(MARK).to_string(), raw)
}

async fn call(s: &TestServer, method: reqwest::Method, path: &str, body: String) -> (u16, Value) {
    let url = s.url(
        path,
        &format!(
            "sdkappid={APP}&identifier=administrator&usersig={}&random=1&contenttype=json",
            sig("administrator")
        ),
    );
    let resp = reqwest::Client::new()
        .request(method, url)
        .body(body)
        .send()
        .await
        .expect("http");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let v =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"));
    (status, v)
}

/// Sends `request` as written on a fresh connection and reads the answer until the server
/// closes the connection.
async fn raw_exchange(addr: std::net::SocketAddr, request: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut conn = tokio::net::TcpStream::connect(addr).await.expect("connect");
    conn.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    conn.read_to_end(&mut answer).await.expect("read");
    String::from_utf8(answer).expect("utf-8")
}

/// Asserts an answer is a coded refusal in the envelope.
fn assert_refused(what: &str, status: u16, v: &Value) {
    assert_eq!(status, 200, "{what}: {v}");
    assert_eq!(v["ActionStatus"], "FAIL", "{what}: {v}");
    assert!(
        v["ErrorCode"].as_i64().is_some_and(|c| c != 0),
        "{what}: {v}"
    );
    assert!(
        v["ErrorInfo"].as_str().is_some_and(|i| !i.is_empty()),
        "{what}: {v}"
    );
}

/// Drops keys that move by themselves (popularity fades with time).
fn steady(mut v: Value) -> Value {
    match &mut v {
        Value::Object(m) => {
            m.remove("Popularity");
            for x in m.values_mut() {
                *x = steady(x.take());
            }
        }
        Value::Array(a) => {
            for x in a.iter_mut() {
                *x = steady(x.take());
            }
        }
        _ => {}
    }
    v
}

/// Everything the fuzzed commands could change, read back.
async fn state(s: &TestServer) -> Value {
    let mut out = serde_json::Map::new();
    for (path, body) in [
        ("liveroom_ext/get_app_settings", json!({})),
        ("liveroom_ext/get_group_custom_fields", json!({})),
        ("group_open_http_svc/get_appid_group_list", json!({})),
        (
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": [ROOM]}),
        ),
        (
            "im_open_login_svc/account_check",
            json!({"CheckItem": [{"UserID": "alice"}, {"UserID": "bob"}, {"UserID": "carol"}]}),
        ),
        (
            "profile/portrait_get",
            json!({"To_Account": ["alice", "bob"], "TagList": ["Tag_Profile_IM_Nick", "Tag_Profile_IM_Image"]}),
        ),
        (
            "group_open_http_svc/get_group_muted_account",
            json!({"GroupId": ROOM}),
        ),
        (
            "group_open_http_svc/get_group_ban_member",
            json!({"GroupId": ROOM}),
        ),
        (
            "group_open_avchatroom_http_svc/get_admin_list",
            json!({"GroupId": ROOM}),
        ),
        (
            "group_open_http_svc/group_msg_get_simple",
            json!({"GroupId": ROOM, "ReqMsgNumber": 20}),
        ),
        (
            "liveroom_ext/get_live_states",
            json!({"GroupIdList": [ROOM]}),
        ),
        ("liveroom_ext/get_pinned_items", json!({"GroupId": ROOM})),
        (
            "liveroom_ext/get_user_stats",
            json!({"To_Account": ["alice"]}),
        ),
        ("liveroom_ext/get_draw", json!({"GroupId": ROOM})),
        (
            "openim/admin_getroammsg",
            json!({"Operator_Account": "bob", "Peer_Account": "alice", "MaxCnt": 100,
                   "MinTime": 0, "MaxTime": 4_000_000_000_u64}),
        ),
        (
            "openim/get_c2c_unread_msg_num",
            json!({"To_Account": "bob", "Peer_Account": ["alice"]}),
        ),
        ("recentcontact/get_list", json!({"From_Account": "bob"})),
        (
            "group_open_http_svc/get_group_member_info",
            json!({"GroupId": TEAM}),
        ),
        (
            "group_open_http_svc/get_joined_group_list",
            json!({"Member_Account": "bob"}),
        ),
        (
            "million_group_open_http_svc/get_topic",
            json!({"GroupId": HUB, "From_Account": "bob"}),
        ),
        (
            "group_open_attr_http_svc/get_group_attr",
            json!({"GroupId": TEAM}),
        ),
        (
            "group_open_http_svc/group_msg_get_simple",
            json!({"GroupId": TEAM, "ReqMsgNumber": 20}),
        ),
        ("sns/friend_get", json!({"From_Account": "alice"})),
        ("sns/black_list_get", json!({"From_Account": "alice"})),
        (
            "sns/group_get",
            json!({"From_Account": "alice", "NeedFriend": "Need_Friend_Type_Yes"}),
        ),
    ] {
        out.insert(path.into(), steady(s.ok(path, body).await));
    }
    Value::Object(out)
}

/// A server with something to lose: accounts, a room with an admin, a mute, a ban and a
/// pinned item, custom fields, a webhook and word lists.
async fn populated() -> TestServer {
    let s = TestServer::spawn().await;
    for u in ["alice", "bob", "troll", "mod"] {
        s.import(u, u).await;
    }
    s.ok(
        "liveroom_ext/set_group_custom_fields",
        json!({"Fields": ["level"]}),
    )
    .await;
    s.create_room(ROOM, Some("alice")).await;
    s.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "Public", "GroupId": TEAM, "Name": "team", "Owner_Account": "alice",
               "MemberList": [{"Member_Account": "bob"}]}),
    )
    .await;
    s.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "Community", "GroupId": HUB, "Name": "hub", "Owner_Account": "alice",
               "SupportTopic": 1, "MemberList": [{"Member_Account": "bob"}]}),
    )
    .await;
    s.ok(
        "million_group_open_http_svc/create_topic",
        json!({"GroupId": HUB, "TopicName": "general", "TopicId": TOPIC}),
    )
    .await;
    s.ok(
        "group_open_http_svc/set_group_attr",
        json!({"GroupId": TEAM, "GroupAttr": [{"key": "seat1", "value": "alice"}]}),
    )
    .await;
    s.ok(
        "group_open_http_svc/send_group_msg",
        json!({"GroupId": TEAM, "From_Account": "alice",
               "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "kept"}}]}),
    )
    .await;
    s.ok(
        "group_open_avchatroom_http_svc/modify_admin",
        json!({"GroupId": ROOM, "CommandType": 1, "Admin_Account": ["mod"]}),
    )
    .await;
    s.ok(
        "group_open_http_svc/ban_group_member",
        json!({"GroupId": ROOM, "Members_Account": ["troll"], "Duration": 3600}),
    )
    .await;
    s.ok(
        "group_open_http_svc/forbid_send_msg",
        json!({"GroupId": ROOM, "Members_Account": ["mod"], "MuteTime": 3600}),
    )
    .await;
    s.ok(
        "liveroom_ext/pin_item",
        json!({"GroupId": ROOM, "Item": {"ItemId": "1", "Title": "first"}}),
    )
    .await;
    s.ok(
        "group_open_http_svc/send_group_msg",
        json!({"GroupId": ROOM, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "kept"}}]}),
    )
    .await;
    s.ok(
        "liveroom_ext/set_webhook",
        json!({"Webhook": {"url": "http://127.0.0.1:9/hook", "token": "secret", "deny_on_failure": ["Group.CallbackBeforeSendMsg"]}}),
    )
    .await;
    s.ok(
        "liveroom_ext/set_word_filter",
        json!({"Filter": {"lists": [{"action": "reject", "words": ["darn", "heck"]}]}}),
    )
    .await;
    s.settings(json!({"limits": {"notification": 400}, "room_msgs_per_sec": 50}))
        .await;
    s.ok(
        "openim/sendmsg",
        json!({"From_Account": "alice", "To_Account": "bob", "MsgRandom": 9,
               "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "kept"}}]}),
    )
    .await;
    s.ok(
        "sns/friend_add",
        json!({"From_Account": "alice", "AddFriendItem": [{"To_Account": "mod", "GroupName": "close"}], "ForceAddFlags": 1}),
    )
    .await;
    s.ok(
        "sns/black_list_add",
        json!({"From_Account": "alice", "To_Account": ["troll"]}),
    )
    .await;
    s
}

#[tokio::test]
async fn hostile_bodies_get_coded_errors_and_change_nothing() {
    let s = populated().await;
    let table = commands();
    let listed: BTreeSet<String> = table.iter().map(|(p, _, _)| p.to_string()).collect();
    let served: BTreeSet<String> = liveroom_server::rest::commands()
        .map(|(svc, cmd)| format!("{svc}/{cmd}"))
        .collect();
    assert_eq!(listed, served, "the fuzz covers every command served");

    let before = state(&s).await;
    let mut cases = 0;
    for (path, body, required) in &table {
        let mut bodies: Vec<(String, String)> = Vec::new();
        let keys: Vec<&String> = body.as_object().expect("object").keys().collect();
        for key in &keys {
            for raw in wrong_values(key, &body[key.as_str()]) {
                bodies.push((
                    format!("{key} = {raw:.40}"),
                    with_raw(body, &[key.as_str()], &raw),
                ));
            }
        }
        for key in *required {
            let mut b = body.clone();
            b.as_object_mut().expect("object").remove(*key);
            bodies.push((format!("without {key}"), b.to_string()));
            bodies.push((
                format!("{key} nested too deep"),
                with_raw(body, &[key], &deep(200)),
            ));
        }
        for raw in [
            "[]",
            "[{}]",
            "1",
            "\"x\"",
            "null",
            "true",
            "{",
            "{\"GroupId\": \"fuzz\",}",
        ] {
            bodies.push((format!("body {raw}"), raw.to_string()));
        }
        if !required.is_empty() {
            bodies.push(("empty body".into(), String::new()));
        }
        for (what, text) in bodies {
            let (status, v) = call(&s, reqwest::Method::POST, path, text).await;
            assert_refused(&format!("{path} {what}"), status, &v);
            cases += 1;
        }
    }

    // Each setting, and each key of a nested one, with a wrong type.
    let settings = before["liveroom_ext/get_app_settings"]["Settings"].clone();
    for (key, value) in settings.as_object().expect("settings") {
        let body = json!({"Settings": {key.as_str(): value}});
        let mut targets = vec![(vec!["Settings", key.as_str()], value)];
        if let Value::Object(inner) = value {
            for (k, v) in inner {
                targets.push((vec!["Settings", key.as_str(), k.as_str()], v));
            }
        }
        for (path, v) in targets {
            let leaf = path.last().copied().unwrap_or_default();
            for raw in wrong_values(leaf, v) {
                let text = with_raw(&body, &path, &raw);
                let (status, answer) = call(
                    &s,
                    reqwest::Method::POST,
                    "liveroom_ext/set_app_settings",
                    text,
                )
                .await;
                assert_refused(
                    &format!("set_app_settings {path:?} = {raw:.40}"),
                    status,
                    &answer,
                );
                cases += 1;
            }
        }
    }
    let after = state(&s).await;
    assert_eq!(
        before, after,
        "no refused call changed anything ({cases} calls)"
    );
}

#[tokio::test]
async fn wrong_types_in_settings_are_refused_whole_and_well_typed_ones_merge() {
    let s = populated().await;
    let before = state(&s).await;
    for (path, body) in [
        (
            "liveroom_ext/set_app_settings",
            json!({"Settings": {"webhook": []}}),
        ),
        (
            "liveroom_ext/set_app_settings",
            json!({"Settings": {"limits": [30]}}),
        ),
        (
            "liveroom_ext/set_app_settings",
            json!({"Settings": {"filter": []}}),
        ),
        (
            "liveroom_ext/set_app_settings",
            json!({"Settings": {"room_msgs_per_sec": 60, "limits": [30]}}),
        ),
        (
            "liveroom_ext/set_app_settings",
            json!({"Settings": {"history_count": 5, "webhook": {"url": null}}}),
        ),
        ("liveroom_ext/set_word_filter", json!({"Filter": []})),
        (
            "liveroom_ext/set_word_filter",
            json!({"Filter": {"lists": [["reject", true, ["x"]]]}}),
        ),
        (
            "liveroom_ext/set_webhook",
            json!({"Webhook": {"commands": {}}}),
        ),
        ("liveroom_ext/set_webhook", json!({"Webhook": []})),
    ] {
        let v = s.rest(path, body.clone()).await;
        assert_eq!(v["ErrorCode"], 10004, "{body}: {v}");
    }
    let v = s
        .rest(
            "liveroom_ext/set_app_settings",
            json!({"Settings": {"webhook": []}}),
        )
        .await;
    assert!(
        v["ErrorInfo"]
            .as_str()
            .unwrap_or_default()
            .contains("webhook"),
        "the error names the field: {v}"
    );
    assert_eq!(state(&s).await, before);

    // A partial nested change keeps the rest; unknown keys beside the command's own are
    // accepted, as are the older names of keys.
    let v = s
        .ok(
            "liveroom_ext/set_app_settings",
            json!({"Settings": {"limits": {"name": 40}}, "Extra": [1]}),
        )
        .await;
    assert_eq!(v["Settings"]["limits"]["name"], 40);
    assert_eq!(v["Settings"]["limits"]["notification"], 400);
    assert_eq!(v["Settings"]["room_msgs_per_sec"], 50);
    assert_eq!(v["Settings"]["webhook"]["token"], "secret");
    assert_eq!(
        v["Settings"]["filter"]["lists"][0]["words"],
        json!(["darn", "heck"])
    );
    s.ok(
        "group_open_http_svc/forbid_send_msg",
        json!({"GroupId": ROOM, "Members_Account": ["bob"], "ShutUpTime": 60, "Other": {}}),
    )
    .await;
    s.ok(
        "group_open_http_svc/modify_group_base_info",
        json!({"GroupId": ROOM, "ShutUpAllMember": "Off"}),
    )
    .await;
    s.ok("im_open_login_svc/kick", json!({"Identifier": "bob"}))
        .await;
    s.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "AVChatRoom", "Name": "n", "MaxMemberNum": 5}),
    )
    .await;
}

#[tokio::test]
async fn get_is_served_like_post() {
    let s = populated().await;
    // What the third-party client sends: GET with a JSON body.
    let (status, v) = call(
        &s,
        reqwest::Method::GET,
        "im_open_login_svc/account_check",
        json!({"CheckItem": [{"UserID": "alice"}]}).to_string(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v["ResultItem"][0]["AccountStatus"], "Imported", "{v}");
    let (_, v) = call(
        &s,
        reqwest::Method::GET,
        "group_open_http_svc/get_appid_group_list",
        json!({"Limit": 10}).to_string(),
    )
    .await;
    assert_eq!(
        v["GroupIdList"],
        json!([{"GroupId": ROOM}, {"GroupId": HUB}, {"GroupId": TEAM}]),
        "{v}"
    );
    // Without a body, as `{}`.
    let (_, v) = call(
        &s,
        reqwest::Method::GET,
        "liveroom_ext/get_app_settings",
        String::new(),
    )
    .await;
    assert_eq!(v["Settings"]["room_msgs_per_sec"], 50, "{v}");
    // A write through GET writes.
    let (_, v) = call(
        &s,
        reqwest::Method::GET,
        "group_open_http_svc/modify_group_base_info",
        json!({"GroupId": ROOM, "Name": "by GET"}).to_string(),
    )
    .await;
    assert_eq!(v["ErrorCode"], 0, "{v}");
    let info = s
        .ok(
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": [ROOM]}),
        )
        .await;
    assert_eq!(info["GroupInfo"][0]["Name"], "by GET");

    // Every command answers a GET exactly as the same POST.
    for (path, _, _) in commands() {
        for body in ["", "{\"GroupId\": 1}", "[]"] {
            let (ps, pv) = call(&s, reqwest::Method::POST, path, body.into()).await;
            let (gs, gv) = call(&s, reqwest::Method::GET, path, body.into()).await;
            assert_eq!((ps, steady(pv)), (gs, steady(gv)), "{path} {body}");
        }
    }
}

#[tokio::test]
async fn errors_before_a_command_runs_come_in_the_envelope() {
    let s = TestServer::spawn().await;
    let http = reqwest::Client::new();
    let good = format!(
        "sdkappid={APP}&identifier=administrator&usersig={}",
        sig("administrator")
    );
    let base = format!("http://{}", s.addr);
    let check = |what: &str, status: u16, expect_status: u16, text: &str, code: i64| {
        assert_eq!(status, expect_status, "{what}: {text}");
        let v: Value = serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {text:.200}"));
        assert_eq!(v["ActionStatus"], "FAIL", "{what}: {v}");
        assert_eq!(v["ErrorCode"], code, "{what}: {v}");
        assert!(
            v["ErrorInfo"].as_str().is_some_and(|i| !i.is_empty()),
            "{what}: {v}"
        );
    };

    // A URL hyper refuses before any route runs (over 65534 bytes; no HTTP client library
    // sends one, so this one is written by hand).
    let target = format!(
        "/v4/liveroom_ext/get_app_settings?{good}&pad={}",
        "a".repeat(64 * 1024)
    );
    let answer = raw_exchange(
        s.addr,
        format!(
            "POST {target} HTTP/1.1\r\nHost: {}\r\nContent-Length: 2\r\n\r\n{{}}",
            s.addr
        ),
    )
    .await;
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    let status: u16 = head[9..12].parse().expect("status");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{head}"
    );
    check("64 KiB URL", status, 414, body, 60002);

    // A body over 1 MiB, by POST and by GET.
    let big = format!("{{\"x\": \"{}\"}}", "a".repeat(1024 * 1024));
    for method in [reqwest::Method::POST, reqwest::Method::GET] {
        let r = http
            .request(
                method.clone(),
                format!("{base}/v4/liveroom_ext/get_app_settings?{good}"),
            )
            .body(big.clone())
            .send()
            .await
            .expect("http");
        let st = r.status().as_u16();
        let text = r.text().await.expect("body");
        check(&format!("{method} 1 MiB body"), st, 200, &text, 93000);
        assert!(text.contains("over the limit of 1048576 bytes"), "{text}");
    }

    // Paths that name no command.
    for (path, status, code) in [
        ("/v4/liveroom_ext/no_such_command", 200, 60009),
        ("/v4/group_open_http_svc/no_such_command", 200, 10003),
        ("/v4/no_such_service/x", 200, 60009),
        ("/v4/%ff/x", 200, 60009),
        ("/v4/profile/%fe", 200, 60009),
        ("/v4/a/b/c", 404, 60009),
        ("/v4/x", 404, 60009),
        ("/v4", 404, 60009),
        ("/v4/", 404, 60009),
    ] {
        let r = http
            .post(format!("{base}{path}?{good}"))
            .body("{}")
            .send()
            .await
            .expect("http");
        let st = r.status().as_u16();
        check(path, st, status, &r.text().await.expect("body"), code);
    }

    // Methods other than GET and POST.
    for method in ["PUT", "DELETE", "PATCH", "OPTIONS"] {
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let r = http
            .request(m, format!("{base}/v4/liveroom_ext/get_app_settings?{good}"))
            .body("{}")
            .send()
            .await
            .expect("http");
        let st = r.status().as_u16();
        assert_eq!(r.headers().get("allow").expect("Allow"), "GET, POST");
        check(method, st, 405, &r.text().await.expect("body"), 60008);
    }

    // Bad query strings.
    let admin_sig = sig("administrator");
    for (query, code) in [
        (String::new(), 60012),
        ("sdkappid=abc&identifier=administrator".to_string(), 10004),
        (
            format!("sdkappid=%ff%fe&identifier=administrator&usersig={admin_sig}"),
            10004,
        ),
        (
            format!("sdkappid=18446744073709551616&identifier=administrator&usersig={admin_sig}"),
            10004,
        ),
        (format!("sdkappid={APP}&usersig={admin_sig}"), 10004),
        (
            format!("sdkappid={APP}&identifier=administrator&usersig=%zz"),
            70003,
        ),
        (format!("sdkappid={APP}&&&=&identifier&usersig"), 10004),
    ] {
        let r = http
            .post(format!("{base}/v4/liveroom_ext/get_app_settings?{query}"))
            .body("{}")
            .send()
            .await
            .expect("http");
        let st = r.status().as_u16();
        check(&query, st, 200, &r.text().await.expect("body"), code);
    }
}
