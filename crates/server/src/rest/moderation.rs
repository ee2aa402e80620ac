//! Muting and banning from the business backend.

use serde::Deserialize;
use serde_json::{json, Value};

use liveroom_core::Error;

use super::groups::GroupOnly;
use super::router::Names;
use super::{group_id, parse, user_ids, Cx};

#[derive(Deserialize)]
struct ForbidSendMsg {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Members_Account")]
    members: Vec<String>,
    /// `ShutUpTime` is the older name.
    #[serde(rename = "MuteTime", alias = "ShutUpTime")]
    mute_time: u64,
}

/// POST /v4/group_open_http_svc/forbid_send_msg
pub async fn forbid_send_msg(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: ForbidSendMsg = parse(body)?;
    let group = group_id(&req.group_id)?;
    let users = user_ids(&req.members)?;
    cx.engine
        .mute(
            cx.app_id(),
            &group,
            cx.identifier.as_str(),
            &users,
            req.mute_time.min(u32::MAX as u64),
        )
        .await?;
    Ok(json!({}))
}

/// POST /v4/group_open_http_svc/get_group_muted_account
/// (also answers the older `get_group_shutted_uin` with the older key names)
pub async fn get_group_muted_account(cx: &Cx, body: Value, names: Names) -> Result<Value, Error> {
    let req: GroupOnly = parse(body)?;
    let group = group_id(&req.group_id)?;
    let mutes = cx.engine.muted_accounts(cx.app_id(), &group).await?;
    let legacy = names == Names::Legacy;
    let until_key = if legacy { "ShuttedUntil" } else { "MutedUntil" };
    let list: Vec<Value> = mutes
        .iter()
        .map(
            |m| json!({"Member_Account": m.user.as_str(), until_key: m.until.min(u32::MAX as i64)}),
        )
        .collect();
    Ok(if legacy {
        json!({"GroupId": group.as_str(), "ShuttedUinList": list})
    } else {
        json!({"GroupId": group.as_str(), "MutedAccountList": list})
    })
}

#[derive(Deserialize)]
struct BanMembers {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Members_Account")]
    members: Vec<String>,
    #[serde(rename = "Duration")]
    duration: u64,
    #[serde(rename = "Description", default)]
    description: String,
}

/// POST /v4/group_open_http_svc/ban_group_member
pub async fn ban_group_member(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: BanMembers = parse(body)?;
    let group = group_id(&req.group_id)?;
    let users = user_ids(&req.members)?;
    cx.engine
        .ban(
            cx.app_id(),
            &group,
            cx.identifier.as_str(),
            &users,
            req.duration.min(u32::MAX as u64),
            &req.description,
        )
        .await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
struct UnbanMembers {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Members_Account")]
    members: Vec<String>,
}

/// POST /v4/group_open_http_svc/unban_group_member
pub async fn unban_group_member(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: UnbanMembers = parse(body)?;
    let group = group_id(&req.group_id)?;
    cx.engine
        .unban(cx.app_id(), &group, &user_ids(&req.members)?)
        .await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
struct BanList {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Limit", default = "ban_page")]
    limit: u32,
    #[serde(rename = "Offset", default)]
    offset: u32,
}

fn ban_page() -> u32 {
    100
}

/// POST /v4/group_open_http_svc/get_group_ban_member
pub async fn get_group_ban_member(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: BanList = parse(body)?;
    let group = group_id(&req.group_id)?;
    if req.limit == 0 || req.limit > 100 {
        return Err(Error::InvalidParameter(format!(
            "Limit is {}; it must be 1 to 100",
            req.limit
        )));
    }
    let bans = cx.engine.bans(cx.app_id(), &group).await?;
    let page: Vec<Value> = bans
        .iter()
        .skip(req.offset as usize)
        .take(req.limit as usize)
        .map(|b| json!({"Member_Account": b.user.as_str(), "BannedUntil": b.until.min(u32::MAX as i64)}))
        .collect();
    let end = req.offset as usize + page.len();
    let next = if end < bans.len() { end } else { 0 };
    Ok(json!({"BannedAccountList": page, "NextOffset": next}))
}

#[derive(Deserialize)]
struct ModifyAdmin {
    #[serde(rename = "GroupId")]
    group_id: String,
    /// 1 appoints, 2 revokes.
    #[serde(rename = "CommandType")]
    command_type: u8,
    #[serde(rename = "Admin_Account")]
    admins: Vec<String>,
}

/// POST /v4/group_open_avchatroom_http_svc/modify_admin
pub async fn modify_admin(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: ModifyAdmin = parse(body)?;
    let group = group_id(&req.group_id)?;
    let admin = match req.command_type {
        1 => true,
        2 => false,
        other => {
            return Err(Error::InvalidParameter(format!(
                "CommandType {other} is not 1 (appoint) or 2 (revoke)"
            )))
        }
    };
    cx.engine
        .set_admins(
            cx.app_id(),
            &group,
            cx.identifier.as_str(),
            &user_ids(&req.admins)?,
            admin,
        )
        .await?;
    Ok(json!({}))
}

/// POST /v4/group_open_avchatroom_http_svc/get_admin_list
pub async fn get_admin_list(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: GroupOnly = parse(body)?;
    let group = group_id(&req.group_id)?;
    let admins = cx.engine.admins(cx.app_id(), &group).await?;
    let profiles = cx.engine.existing_accounts(cx.app_id(), &admins).await?;
    let list: Vec<Value> = admins
        .iter()
        .map(|a| {
            let p = profiles.iter().find(|p| &p.id == a);
            json!({
                "Admin_Account": a.as_str(),
                "NickName": p.map(|p| p.nick.as_str()).unwrap_or(""),
                "Avatar": p.map(|p| p.face_url.as_str()).unwrap_or(""),
            })
        })
        .collect();
    Ok(json!({"Admin_List": list}))
}

#[derive(Deserialize)]
struct RoleInGroup {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "User_Account")]
    users: Vec<String>,
}

/// POST /v4/group_open_http_svc/get_role_in_group
pub async fn get_role_in_group(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: RoleInGroup = parse(body)?;
    let group = group_id(&req.group_id)?;
    if req.users.is_empty() || req.users.len() > 500 {
        return Err(Error::TooManyAccounts(format!(
            "User_Account has {} accounts; it must be 1 to 500",
            req.users.len()
        )));
    }
    let roles = cx
        .engine
        .roles(cx.app_id(), &group, &user_ids(&req.users)?)
        .await?;
    let list: Vec<Value> = roles
        .iter()
        .map(|(u, r)| json!({"Member_Account": u.as_str(), "Role": r}))
        .collect();
    Ok(json!({"UserIdList": list}))
}
