//! Muting and banning from the business backend.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use liveroom_core::{Error, GroupId, UserId};

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
    /// A topic of a community: the mute holds there only.
    #[serde(rename = "TopicId", default)]
    topic_id: String,
}

#[derive(Deserialize)]
struct MutedRequest {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "TopicId", default)]
    topic_id: String,
}

/// POST /v4/group_open_http_svc/forbid_send_msg
pub async fn forbid_send_msg(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: ForbidSendMsg = parse(body)?;
    let group = group_id(&req.group_id)?;
    let users = user_ids(&req.members)?;
    if !req.topic_id.is_empty() {
        if users.is_empty() || users.len() > 500 {
            return Err(Error::TooManyAccounts(
                "Members_Account must name 1 to 500 accounts".into(),
            ));
        }
        return cx
            .engine
            .mute_in_topic(
                cx.app_id(),
                &group,
                &req.topic_id,
                &users,
                req.mute_time.min(u32::MAX as u64),
            )
            .await;
    }
    cx.engine
        .mute(
            cx.app_id(),
            &group,
            cx.identifier.as_str(),
            &users,
            req.mute_time.min(u32::MAX as u64),
        )
        .await
}

/// A group's mutes in force, under the key names the command was called by.
#[derive(Serialize)]
#[serde(untagged)]
pub enum MutedAccounts {
    Current {
        #[serde(rename = "GroupId")]
        group_id: GroupId,
        #[serde(rename = "MutedAccountList")]
        list: Vec<Muted>,
    },
    Legacy {
        #[serde(rename = "GroupId")]
        group_id: GroupId,
        #[serde(rename = "ShuttedUinList")]
        list: Vec<Shutted>,
    },
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Muted {
    #[serde(rename = "Member_Account")]
    member_account: UserId,
    /// Unix seconds; 4294967295 for a permanent mute.
    muted_until: i64,
}

/// [`Muted`] under the older key names.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Shutted {
    #[serde(rename = "Member_Account")]
    member_account: UserId,
    shutted_until: i64,
}

/// POST /v4/group_open_http_svc/get_group_muted_account
/// (also answers the older `get_group_shutted_uin` with the older key names)
pub async fn get_group_muted_account(
    cx: &Cx,
    body: Value,
    names: Names,
) -> Result<MutedAccounts, Error> {
    let req: MutedRequest = parse(body)?;
    let group = group_id(&req.group_id)?;
    let mutes = if req.topic_id.is_empty() {
        cx.engine.muted_accounts(cx.app_id(), &group).await?
    } else {
        cx.engine
            .topic_muted_accounts(cx.app_id(), &group, &req.topic_id)
            .await?
            .into_iter()
            .map(|(user, until)| liveroom_core::store::Restriction {
                user,
                until,
                reason: String::new(),
            })
            .collect()
    };
    let until = |until: i64| until.min(u32::MAX as i64);
    Ok(match names {
        Names::Current => MutedAccounts::Current {
            group_id: group,
            list: mutes
                .into_iter()
                .map(|m| Muted {
                    member_account: m.user,
                    muted_until: until(m.until),
                })
                .collect(),
        },
        Names::Legacy => MutedAccounts::Legacy {
            group_id: group,
            list: mutes
                .into_iter()
                .map(|m| Shutted {
                    member_account: m.user,
                    shutted_until: until(m.until),
                })
                .collect(),
        },
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
pub async fn ban_group_member(cx: &Cx, body: Value) -> Result<(), Error> {
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
        .await
}

#[derive(Deserialize)]
struct UnbanMembers {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Members_Account")]
    members: Vec<String>,
}

/// POST /v4/group_open_http_svc/unban_group_member
pub async fn unban_group_member(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: UnbanMembers = parse(body)?;
    let group = group_id(&req.group_id)?;
    cx.engine
        .unban(cx.app_id(), &group, &user_ids(&req.members)?)
        .await
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

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Banned {
    banned_account_list: Vec<BannedAccount>,
    /// 0 when there are no more.
    next_offset: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BannedAccount {
    #[serde(rename = "Member_Account")]
    member_account: UserId,
    /// Unix seconds; 4294967295 for a permanent ban.
    banned_until: i64,
}

/// POST /v4/group_open_http_svc/get_group_ban_member
pub async fn get_group_ban_member(cx: &Cx, body: Value) -> Result<Banned, Error> {
    let req: BanList = parse(body)?;
    let group = group_id(&req.group_id)?;
    if req.limit == 0 || req.limit > 100 {
        return Err(Error::InvalidParameter(format!(
            "Limit is {}; it must be 1 to 100",
            req.limit
        )));
    }
    let bans = cx.engine.bans(cx.app_id(), &group).await?;
    let total = bans.len();
    let page: Vec<BannedAccount> = bans
        .into_iter()
        .skip(req.offset as usize)
        .take(req.limit as usize)
        .map(|b| BannedAccount {
            member_account: b.user,
            banned_until: b.until.min(u32::MAX as i64),
        })
        .collect();
    let end = req.offset as usize + page.len();
    Ok(Banned {
        banned_account_list: page,
        next_offset: if end < total { end } else { 0 },
    })
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
pub async fn modify_admin(cx: &Cx, body: Value) -> Result<(), Error> {
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
        .await
}

#[derive(Serialize)]
pub struct Admins {
    #[serde(rename = "Admin_List")]
    admin_list: Vec<Admin>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Admin {
    #[serde(rename = "Admin_Account")]
    admin_account: UserId,
    /// `""` when the account has none or no longer exists.
    nick_name: String,
    avatar: String,
}

/// POST /v4/group_open_avchatroom_http_svc/get_admin_list
pub async fn get_admin_list(cx: &Cx, body: Value) -> Result<Admins, Error> {
    let req: GroupOnly = parse(body)?;
    let group = group_id(&req.group_id)?;
    let admins = cx.engine.admins(cx.app_id(), &group).await?;
    let profiles = cx.engine.existing_accounts(cx.app_id(), &admins).await?;
    let admin_list = admins
        .into_iter()
        .map(|a| {
            let p = profiles.iter().find(|p| p.id == a);
            Admin {
                nick_name: p.map(|p| p.nick.clone()).unwrap_or_default(),
                avatar: p.map(|p| p.face_url.clone()).unwrap_or_default(),
                admin_account: a,
            }
        })
        .collect();
    Ok(Admins { admin_list })
}

#[derive(Deserialize)]
struct RoleInGroup {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "User_Account")]
    users: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Roles {
    user_id_list: Vec<MemberRole>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MemberRole {
    #[serde(rename = "Member_Account")]
    member_account: UserId,
    /// `Owner`, `Admin`, `Member` or `NotMember`.
    role: &'static str,
}

/// POST /v4/group_open_http_svc/get_role_in_group
pub async fn get_role_in_group(cx: &Cx, body: Value) -> Result<Roles, Error> {
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
    let user_id_list = roles
        .into_iter()
        .map(|(member_account, role)| MemberRole {
            member_account,
            role,
        })
        .collect();
    Ok(Roles { user_id_list })
}
