//! Live-room membership seen from the REST side: counts, the recent member list, and the
//! member operations an AVChatRoom refuses (members join through the client only).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use liveroom_core::{Error, UserId};

use super::groups::GroupOnly;
use super::{group_id, parse, Cx};

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OnlineMemberNum {
    online_member_num: usize,
}

/// POST /v4/group_open_http_svc/get_online_member_num
pub async fn get_online_member_num(cx: &Cx, body: Value) -> Result<OnlineMemberNum, Error> {
    let req: GroupOnly = parse(body)?;
    let n = cx
        .engine
        .online_member_num(cx.app_id(), &group_id(&req.group_id)?)
        .await?;
    Ok(OnlineMemberNum {
        online_member_num: n,
    })
}

#[derive(Deserialize)]
struct GetMembers {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Timestamp", default)]
    _timestamp: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Members {
    member_list: Vec<Member>,
    /// Always 0: no paging.
    next_timestamp: u8,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Member {
    #[serde(rename = "Member_Account")]
    member_account: UserId,
    join_time: i64,
    nick_name: String,
    avatar: String,
}

/// POST /v4/group_open_avchatroom_http_svc/get_members
pub async fn get_members(cx: &Cx, body: Value) -> Result<Members, Error> {
    let req: GetMembers = parse(body)?;
    let members = cx
        .engine
        .recent_members(cx.app_id(), &group_id(&req.group_id)?)
        .await?;
    let member_list = members
        .into_iter()
        .map(|m| Member {
            member_account: m.user,
            join_time: m.join_time,
            nick_name: m.nick,
            avatar: m.avatar,
        })
        .collect();
    Ok(Members {
        member_list,
        next_timestamp: 0,
    })
}

#[derive(Deserialize)]
struct CheckMembers {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Member_Account")]
    member_account: Vec<String>,
}

#[derive(Serialize)]
pub struct Present {
    #[serde(rename = "Member_Account")]
    member_account: Vec<UserId>,
}

/// POST /v4/group_open_avchatroom_http_svc/check_members
pub async fn check_members(cx: &Cx, body: Value) -> Result<Present, Error> {
    let req: CheckMembers = parse(body)?;
    let group = group_id(&req.group_id)?;
    let room = cx.engine.room(cx.app_id(), &group).await?;
    let users: Vec<UserId> = req
        .member_account
        .iter()
        .filter_map(|u| UserId::parse(u).ok())
        .collect();
    let member_account = users
        .into_iter()
        .filter(|u| {
            cx.engine
                .user_sessions(cx.app_id(), u)
                .iter()
                .any(|s| s.in_room(&room.id))
        })
        .collect();
    Ok(Present { member_account })
}
