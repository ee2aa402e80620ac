//! Membership of groups that keep their members (Work, Public, Meeting, Community): add,
//! remove, list, modify, a user's groups, owner transfer, unread counts. An AVChatRoom
//! answers these as the reference does (its members join through the client).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use liveroom_core::group::MsgFlag;
use liveroom_core::store::{MemberPage, MemberRecord};
use liveroom_core::{Error, GroupId, UserId};
use liveroom_engine::group_chat::{AddResult, MemberChanges};

use super::groups::KeyValue;
use super::{actor, group_id, parse, user_ids, Cx};

#[derive(Deserialize)]
struct MemberAccount {
    #[serde(rename = "Member_Account")]
    member_account: String,
}

#[derive(Deserialize)]
struct AddGroupMember {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MemberList")]
    member_list: Vec<MemberAccount>,
    /// 1: no tip.
    #[serde(rename = "Silence", default)]
    silence: u8,
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
}

#[derive(Serialize)]
pub struct AddedList {
    #[serde(rename = "MemberList")]
    member_list: Vec<Added>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Added {
    #[serde(rename = "Member_Account")]
    member_account: UserId,
    /// 0 failed, 1 added, 2 already a member, 3 waiting for approval.
    result: u8,
}

/// POST /v4/group_open_http_svc/add_group_member
pub async fn add_group_member(cx: &Cx, body: Value) -> Result<AddedList, Error> {
    let req: AddGroupMember = parse(body)?;
    let group = group_id(&req.group_id)?;
    let room = cx.engine.room(cx.app_id(), &group).await?;
    if !room.is_durable() {
        return Err(Error::NotSupported(
            "members cannot be added to an AVChatRoom through REST; they join through the client"
                .into(),
        ));
    }
    let users: Vec<UserId> = req
        .member_list
        .iter()
        .map(|m| UserId::parse(&m.member_account))
        .collect::<Result<_, _>>()?;
    let actor = actor(cx, req.from_account.as_deref())?;
    let results = cx
        .engine
        .add_group_members(cx.app_id(), &group, &users, &actor, req.silence == 1)
        .await?;
    Ok(AddedList {
        member_list: results
            .into_iter()
            .map(|(u, r)| Added {
                member_account: u,
                result: match r {
                    AddResult::Failed => 0,
                    AddResult::Added => 1,
                    AddResult::Already => 2,
                    AddResult::Pending => 3,
                },
            })
            .collect(),
    })
}

#[derive(Deserialize)]
struct DeleteGroupMember {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MemberToDel_Account", default)]
    members: Vec<String>,
    #[serde(rename = "Silence", default)]
    silence: u8,
    #[serde(rename = "Reason", default)]
    reason: String,
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
}

/// Longest `Reason` of a removal, bytes.
const REASON_MAX: usize = 1000;

/// POST /v4/group_open_http_svc/delete_group_member
pub async fn delete_group_member(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: DeleteGroupMember = parse(body)?;
    let group = group_id(&req.group_id)?;
    if req.reason.len() > REASON_MAX {
        return Err(Error::InvalidParameter(format!(
            "Reason is {} bytes; the limit is {REASON_MAX}",
            req.reason.len()
        )));
    }
    let users = user_ids(&req.members)?;
    let actor = actor(cx, req.from_account.as_deref())?;
    cx.engine
        .remove_group_members(
            cx.app_id(),
            &group,
            &users,
            &actor,
            req.silence == 1,
            &req.reason,
        )
        .await
}

/// The filters of a member read (kept in each request: flattened fields would escape the
/// strict reading of the body).
#[derive(Default)]
struct MemberFilters {
    info: Option<Vec<String>>,
    roles: Option<Vec<String>>,
    custom: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct GetGroupMemberInfo {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Limit")]
    limit: Option<u32>,
    #[serde(rename = "Offset")]
    offset: Option<u64>,
    /// Id paging (large groups): `""` first, then the answer's `Next`.
    #[serde(rename = "Next")]
    next: Option<String>,
    #[serde(rename = "MemberInfoFilter")]
    info: Option<Vec<String>>,
    #[serde(rename = "MemberRoleFilter")]
    roles: Option<Vec<String>>,
    #[serde(rename = "AppDefinedDataFilter_GroupMember")]
    custom: Option<Vec<String>>,
}

/// Most members one page lists.
const MEMBER_PAGE_MAX: u32 = 6000;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MemberInfoList {
    member_num: u32,
    member_list: Vec<Map<String, Value>>,
    /// Id paging: the value to continue with (`""` when done).
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

/// Keys of a member that `MemberInfoFilter` does not leave out.
const MEMBER_ALWAYS: [&str; 1] = ["Member_Account"];

fn member_item(
    m: &MemberRecord,
    owner: Option<&UserId>,
    mute_until: i64,
    filters: &MemberFilters,
) -> Map<String, Value> {
    let role = if owner == Some(&m.user) {
        "Owner"
    } else if m.admin {
        "Admin"
    } else {
        "Member"
    };
    let custom: Vec<Value> = m
        .custom
        .iter()
        .filter(|(k, _)| {
            filters
                .custom
                .as_ref()
                .is_none_or(|keys| keys.iter().any(|key| key == k))
        })
        .map(|(k, v)| serde_json::json!({"Key": k, "Value": v}))
        .collect();
    let mut fields = Map::new();
    for (k, v) in [
        ("Member_Account", Value::from(m.user.as_str())),
        ("Role", Value::from(role)),
        ("JoinTime", Value::from(m.join_time)),
        ("MsgSeq", Value::from(m.read_seq)),
        ("MsgFlag", Value::from(m.msg_flag.as_str())),
        ("LastSendMsgTime", Value::from(m.last_send_time)),
        ("MuteUntil", Value::from(mute_until)),
        ("ShutUpUntil", Value::from(mute_until)),
        ("NameCard", Value::from(m.name_card.as_str())),
        ("UnreadMsgNum", Value::from(m.unread)),
        ("AppMemberDefinedData", Value::Array(custom)),
    ] {
        let wanted = MEMBER_ALWAYS.contains(&k)
            || filters
                .info
                .as_ref()
                .is_none_or(|keys| keys.iter().any(|key| key == k));
        if wanted {
            fields.insert(k.into(), v);
        }
    }
    fields
}

/// Whether `MemberRoleFilter` keeps a member.
fn role_wanted(m: &MemberRecord, owner: Option<&UserId>, filters: &MemberFilters) -> bool {
    let Some(roles) = &filters.roles else {
        return true;
    };
    let role = if owner == Some(&m.user) {
        "Owner"
    } else if m.admin {
        "Admin"
    } else {
        "Member"
    };
    roles.iter().any(|r| r == role)
}

/// POST /v4/group_open_http_svc/get_group_member_info
pub async fn get_group_member_info(cx: &Cx, body: Value) -> Result<MemberInfoList, Error> {
    let req: GetGroupMemberInfo = parse(body)?;
    let group = group_id(&req.group_id)?;
    let filters = MemberFilters {
        info: req.info,
        roles: req.roles,
        custom: req.custom,
    };
    let limit = req.limit.unwrap_or(MEMBER_PAGE_MAX);
    if limit == 0 || limit > MEMBER_PAGE_MAX {
        return Err(Error::InvalidParameter(format!(
            "Limit must be 1 to {MEMBER_PAGE_MAX}"
        )));
    }
    let page = match &req.next {
        Some(next) if next.is_empty() => MemberPage::After(None),
        Some(next) => MemberPage::After(Some(UserId::parse(next)?)),
        None => MemberPage::Offset(req.offset.unwrap_or(0)),
    };
    let admins_only = filters
        .roles
        .as_ref()
        .is_some_and(|r| r.len() == 1 && r[0] == "Admin");
    let actor = actor(cx, None)?;
    let by_id = matches!(page, MemberPage::After(_));
    let list = cx
        .engine
        .group_member_list(cx.app_id(), &group, page, limit, admins_only, &actor)
        .await?;
    let mutes = cx.engine.mutes_of(cx.app_id(), &group).await?;
    let member_list = list
        .members
        .iter()
        .filter(|m| role_wanted(m, list.owner.as_ref(), &filters))
        .map(|m| {
            let until = mutes.get(&m.user).copied().unwrap_or(0);
            member_item(m, list.owner.as_ref(), until, &filters)
        })
        .collect();
    Ok(MemberInfoList {
        member_num: list.member_num,
        member_list,
        next: by_id.then(|| {
            list.next
                .map(|u| u.as_str().to_string())
                .unwrap_or_default()
        }),
    })
}

#[derive(Deserialize)]
struct GetSpecified {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Member_List_Account")]
    members: Vec<String>,
    #[serde(rename = "MemberInfoFilter")]
    info: Option<Vec<String>>,
    #[serde(rename = "MemberRoleFilter")]
    roles: Option<Vec<String>>,
    #[serde(rename = "AppDefinedDataFilter_GroupMember")]
    custom: Option<Vec<String>>,
}

/// Most members `get_specified_group_member_info` names.
const SPECIFIED_MAX: usize = 50;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SpecifiedList {
    group_id: GroupId,
    member_list: Vec<Map<String, Value>>,
}

/// POST /v4/group_open_http_svc/get_specified_group_member_info
pub async fn get_specified_group_member_info(cx: &Cx, body: Value) -> Result<SpecifiedList, Error> {
    let req: GetSpecified = parse(body)?;
    let group = group_id(&req.group_id)?;
    let filters = MemberFilters {
        info: req.info,
        roles: req.roles,
        custom: req.custom,
    };
    if req.members.is_empty() || req.members.len() > SPECIFIED_MAX {
        return Err(Error::TooManyAccounts(format!(
            "Member_List_Account names {} accounts; name 1 to {SPECIFIED_MAX}",
            req.members.len()
        )));
    }
    let users = user_ids(&req.members)?;
    let (members, owner) = cx
        .engine
        .group_members_of(cx.app_id(), &group, &users)
        .await?;
    let mutes = cx.engine.mutes_of(cx.app_id(), &group).await?;
    let member_list = users
        .iter()
        .filter_map(|u| members.iter().find(|m| &m.user == u))
        .filter(|m| role_wanted(m, owner.as_ref(), &filters))
        .map(|m| {
            let until = mutes.get(&m.user).copied().unwrap_or(0);
            member_item(m, owner.as_ref(), until, &filters)
        })
        .collect();
    Ok(SpecifiedList {
        group_id: group,
        member_list,
    })
}

#[derive(Deserialize)]
struct ModifyMember {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "Role")]
    role: Option<String>,
    #[serde(rename = "MsgFlag")]
    msg_flag: Option<String>,
    #[serde(rename = "NameCard")]
    name_card: Option<String>,
    #[serde(rename = "AppMemberDefinedData", default)]
    custom: Vec<KeyValue>,
    #[serde(rename = "MuteTime", alias = "ShutUpTime")]
    mute_time: Option<u64>,
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
}

/// POST /v4/group_open_http_svc/modify_group_member_info
pub async fn modify_group_member_info(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: ModifyMember = parse(body)?;
    let group = group_id(&req.group_id)?;
    let user = UserId::parse(&req.member_account)?;
    let admin = match req.role.as_deref() {
        None => None,
        Some("Admin") => Some(true),
        Some("Member") => Some(false),
        Some(other) => {
            return Err(Error::InvalidParameter(format!(
                "Role {other:?} must be Admin or Member"
            )))
        }
    };
    let changes = MemberChanges {
        admin,
        msg_flag: req.msg_flag.as_deref().map(MsgFlag::parse).transpose()?,
        name_card: req.name_card,
        custom: req
            .custom
            .into_iter()
            .map(|kv| (kv.key, kv.value))
            .collect(),
    };
    let actor = actor(cx, req.from_account.as_deref())?;
    cx.engine
        .modify_group_member(cx.app_id(), &group, &user, changes, &actor)
        .await?;
    if let Some(secs) = req.mute_time {
        cx.engine
            .mute(
                cx.app_id(),
                &group,
                actor.user.as_str(),
                std::slice::from_ref(&user),
                secs.min(u32::MAX as u64),
            )
            .await?;
    }
    Ok(())
}

#[derive(Deserialize, Default)]
struct JoinedFilter {
    #[serde(rename = "GroupBaseInfoFilter")]
    base: Option<Vec<String>>,
    #[serde(rename = "SelfInfoFilter")]
    own: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct GetJoined {
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "Limit")]
    limit: Option<u32>,
    #[serde(rename = "Offset", default)]
    offset: u32,
    #[serde(rename = "GroupType")]
    group_type: Option<String>,
    #[serde(rename = "ResponseFilter", default)]
    filter: JoinedFilter,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct JoinedList {
    total_count: usize,
    group_id_list: Vec<Map<String, Value>>,
}

fn keep(map: &mut Map<String, Value>, wanted: Option<&Vec<String>>, always: &[&str]) {
    if let Some(keys) = wanted {
        map.retain(|k, _| always.contains(&k.as_str()) || keys.iter().any(|w| w == k));
    }
}

/// POST /v4/group_open_http_svc/get_joined_group_list
pub async fn get_joined_group_list(cx: &Cx, body: Value) -> Result<JoinedList, Error> {
    let req: GetJoined = parse(body)?;
    let user = UserId::parse(&req.member_account)?;
    let group_type = req
        .group_type
        .as_deref()
        .map(liveroom_core::group::GroupType::parse)
        .transpose()?;
    let mut groups = cx.engine.joined_groups(cx.app_id(), &user).await?;
    if let Some(t) = group_type {
        groups.retain(|g| g.group_type == t);
    }
    let total_count = groups.len();
    let limit = req.limit.unwrap_or(u32::MAX) as usize;
    let mut group_id_list = Vec::new();
    for g in groups.iter().skip(req.offset as usize).take(limit) {
        let role = cx
            .engine
            .roles(cx.app_id(), &g.group, std::slice::from_ref(&user))
            .await?
            .pop()
            .map(|(_, r)| r)
            .unwrap_or("Member");
        let mut own = Map::new();
        for (k, v) in [
            ("Role", Value::from(role)),
            ("JoinTime", Value::from(g.member.join_time)),
            ("MsgFlag", Value::from(g.member.msg_flag.as_str())),
            ("UnreadMsgNum", Value::from(g.member.unread)),
            ("MsgSeq", Value::from(g.member.read_seq)),
            ("NameCard", Value::from(g.member.name_card.as_str())),
        ] {
            own.insert(k.into(), v);
        }
        keep(&mut own, req.filter.own.as_ref(), &[]);
        let mut item = Map::new();
        for (k, v) in [
            ("GroupId", Value::from(g.group.as_str())),
            ("Type", Value::from(g.group_type.as_str())),
            ("Name", Value::from(g.name.as_str())),
            ("FaceUrl", Value::from(g.face_url.as_str())),
            ("LastMsgTime", Value::from(g.thread.last_time)),
            ("NextMsgSeq", Value::from(g.thread.last_seq + 1)),
        ] {
            item.insert(k.into(), v);
        }
        keep(&mut item, req.filter.base.as_ref(), &["GroupId"]);
        item.insert("SelfInfo".into(), Value::Object(own));
        group_id_list.push(item);
    }
    Ok(JoinedList {
        total_count,
        group_id_list,
    })
}

#[derive(Deserialize)]
struct ChangeOwner {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "NewOwner_Account")]
    new_owner: String,
}

/// POST /v4/group_open_http_svc/change_group_owner
pub async fn change_group_owner(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: ChangeOwner = parse(body)?;
    let group = group_id(&req.group_id)?;
    let new_owner = UserId::parse(&req.new_owner)?;
    let actor = actor(cx, None)?;
    cx.engine
        .change_group_owner(cx.app_id(), &group, &new_owner, &actor)
        .await
}

#[derive(Deserialize)]
struct SetUnread {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Member_Account")]
    member_account: String,
    #[serde(rename = "UnreadMsgNum")]
    unread: u64,
}

/// POST /v4/group_open_http_svc/set_unread_msg_num
pub async fn set_unread_msg_num(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: SetUnread = parse(body)?;
    let group = group_id(&req.group_id)?;
    let user = UserId::parse(&req.member_account)?;
    cx.engine
        .set_group_unread(cx.app_id(), &group, &user, req.unread)
        .await
}
