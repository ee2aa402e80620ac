//! Live-room membership seen from the REST side: counts, the recent member list, and the
//! member operations an AVChatRoom refuses (members join through the client only).

use serde::Deserialize;
use serde_json::{json, Value};

use liveroom_core::{Error, UserId};

use super::groups::GroupOnly;
use super::{group_id, parse, Cx};

/// POST /v4/group_open_http_svc/get_online_member_num
pub async fn get_online_member_num(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: GroupOnly = parse(body)?;
    let n = cx
        .engine
        .online_member_num(cx.app_id(), &group_id(&req.group_id)?)
        .await?;
    Ok(json!({"OnlineMemberNum": n}))
}

#[derive(Deserialize)]
struct GetMembers {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Timestamp", default)]
    _timestamp: i64,
}

/// POST /v4/group_open_avchatroom_http_svc/get_members
pub async fn get_members(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: GetMembers = parse(body)?;
    let members = cx
        .engine
        .recent_members(cx.app_id(), &group_id(&req.group_id)?)
        .await?;
    let list: Vec<Value> = members
        .into_iter()
        .map(|m| json!({"Member_Account": m.user.as_str(), "JoinTime": m.join_time, "NickName": m.nick, "Avatar": m.avatar}))
        .collect();
    Ok(json!({"MemberList": list, "NextTimestamp": 0}))
}

#[derive(Deserialize)]
struct CheckMembers {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Member_Account")]
    member_account: Vec<String>,
}

/// POST /v4/group_open_avchatroom_http_svc/check_members
pub async fn check_members(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: CheckMembers = parse(body)?;
    let group = group_id(&req.group_id)?;
    let room = cx.engine.room(cx.app_id(), &group).await?;
    let users: Vec<UserId> = req
        .member_account
        .iter()
        .filter_map(|u| UserId::parse(u).ok())
        .collect();
    let present: Vec<&str> = users
        .iter()
        .filter(|u| {
            cx.engine
                .user_sessions(cx.app_id(), u)
                .iter()
                .any(|s| s.in_room(&room.id))
        })
        .map(|u| u.as_str())
        .collect();
    Ok(json!({"Member_Account": present}))
}

/// POST /v4/group_open_http_svc/add_group_member
pub async fn add_group_member(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: GroupOnly = parse(body)?;
    cx.engine
        .room(cx.app_id(), &group_id(&req.group_id)?)
        .await?;
    Err(Error::NotSupported(
        "members cannot be added to an AVChatRoom through REST; they join through the client"
            .into(),
    ))
}

/// POST /v4/group_open_http_svc/delete_group_member
pub async fn delete_group_member(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: GroupOnly = parse(body)?;
    cx.engine
        .room(cx.app_id(), &group_id(&req.group_id)?)
        .await?;
    Err(Error::InvalidParameter(
        "AVChatRoom members cannot be removed; mute them (forbid_send_msg) or ban them (ban_group_member)".into(),
    ))
}
