//! Group lifecycle and profile: create, destroy, info, list, modify.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use liveroom_core::group::{ApplyJoinOption, GroupType, InviteJoinOption};
use liveroom_core::store::GroupRecord;
use liveroom_core::{Error, GroupId, Service, UserId};
use liveroom_engine::{GroupChanges, GroupProfile, NewGroup};

use super::{group_id, parse, Cx};

#[derive(Deserialize)]
pub(super) struct KeyValue {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Value")]
    pub value: String,
}

#[derive(Deserialize)]
struct CreateGroup {
    #[serde(rename = "Owner_Account")]
    owner: Option<String>,
    #[serde(rename = "Type")]
    group_type: String,
    #[serde(rename = "GroupId")]
    group_id: Option<String>,
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Introduction", default)]
    introduction: String,
    #[serde(rename = "Notification", default)]
    notification: String,
    #[serde(rename = "FaceUrl", default)]
    face_url: String,
    #[serde(rename = "MaxMemberCount", alias = "MaxMemberNum", default)]
    max_member_count: u32,
    #[serde(rename = "ApplyJoinOption")]
    apply_join_option: Option<String>,
    #[serde(rename = "InviteJoinOption")]
    invite_join_option: Option<String>,
    #[serde(rename = "AppDefinedData", default)]
    app_defined_data: Vec<KeyValue>,
    #[serde(rename = "MemberList", default)]
    member_list: Vec<NewMemberItem>,
    /// 1: a Community with topics.
    #[serde(rename = "SupportTopic", default)]
    support_topic: u8,
    /// `import_group`: when the group was created (ignored by `create_group`).
    #[serde(rename = "CreateTime")]
    create_time: Option<i64>,
}

#[derive(Deserialize)]
struct NewMemberItem {
    #[serde(rename = "Member_Account")]
    member_account: String,
    /// `Admin`, or `Member` / absent.
    #[serde(rename = "Role")]
    role: Option<String>,
}

/// A group's id alone.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupIdOnly {
    group_id: GroupId,
}

/// POST /v4/group_open_http_svc/create_group
pub async fn create_group(cx: &Cx, body: Value) -> Result<GroupIdOnly, Error> {
    new_group(cx, parse(body)?, false).await
}

/// POST /v4/group_open_http_svc/import_group: as `create_group`, at its `CreateTime`
/// (default now), without callbacks or notices.
pub async fn import_group(cx: &Cx, body: Value) -> Result<GroupIdOnly, Error> {
    new_group(cx, parse(body)?, true).await
}

async fn new_group(cx: &Cx, req: CreateGroup, import: bool) -> Result<GroupIdOnly, Error> {
    let group_type = GroupType::parse(&req.group_type)?;
    let owner = req.owner.as_deref().map(UserId::parse).transpose()?;
    let members = req
        .member_list
        .iter()
        .map(|m| {
            let admin = match m.role.as_deref() {
                None | Some("") | Some("Member") => false,
                Some("Admin") => true,
                Some(other) => {
                    return Err(Error::InvalidParameter(format!(
                        "MemberList Role {other:?} must be Admin or Member"
                    )))
                }
            };
            Ok((UserId::parse(&m.member_account)?, admin))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let id = cx
        .engine
        .create_group(
            cx.app_id(),
            NewGroup {
                group_type,
                group_id: req.group_id,
                owner,
                name: req.name,
                introduction: req.introduction,
                notification: req.notification,
                face_url: req.face_url,
                max_member_num: req.max_member_count,
                apply_join_option: req
                    .apply_join_option
                    .as_deref()
                    .map(ApplyJoinOption::parse)
                    .transpose()?,
                custom: req
                    .app_defined_data
                    .into_iter()
                    .map(|kv| (kv.key, kv.value))
                    .collect(),
                invite_join_option: req
                    .invite_join_option
                    .as_deref()
                    .map(InviteJoinOption::parse)
                    .transpose()?,
                members,
                support_topic: req.support_topic == 1,
                imported_at: import.then(|| {
                    req.create_time
                        .unwrap_or_else(liveroom_core::time::unix_secs)
                }),
            },
            cx.identifier.as_str(),
            &cx.origin,
        )
        .await?;
    Ok(GroupIdOnly { group_id: id })
}

#[derive(Deserialize)]
pub(super) struct GroupOnly {
    #[serde(rename = "GroupId")]
    pub group_id: String,
}

/// POST /v4/group_open_http_svc/destroy_group
pub async fn destroy_group(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: GroupOnly = parse(body)?;
    let group = group_id(&req.group_id)?;
    cx.engine
        .destroy_group(cx.app_id(), &group, cx.identifier.as_str(), &cx.origin)
        .await
}

#[derive(Deserialize, Default)]
struct ResponseFilter {
    #[serde(rename = "GroupBaseInfoFilter")]
    base: Option<Vec<String>>,
    #[serde(rename = "AppDefinedDataFilter_Group")]
    app_defined: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct GetGroupInfo {
    #[serde(rename = "GroupIdList")]
    group_id_list: Vec<String>,
    #[serde(rename = "ResponseFilter", default)]
    filter: ResponseFilter,
}

/// Most groups in one `get_group_info`.
const INFO_BATCH_MAX: usize = 50;

/// Keys of a `get_group_info` item that `GroupBaseInfoFilter` does not leave out.
const ALWAYS_LISTED: [&str; 5] = [
    "GroupId",
    "ErrorCode",
    "ErrorInfo",
    "AppDefinedData",
    "MemberList",
];

/// A group as `get_group_info` lists it, before its `ResponseFilter`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GroupInfo<'a> {
    error_code: i32,
    error_info: &'static str,
    #[serde(flatten)]
    profile: GroupProfile<'a>,
    appid: u64,
    create_time: i64,
    info_seq: u64,
    last_info_time: i64,
    last_msg_time: i64,
    next_msg_seq: u64,
    /// Online now.
    member_num: usize,
    /// 0: no cap.
    max_member_num: u32,
    apply_join_option: &'static str,
    /// `MuteAllMember` under its older name.
    shut_up_all_member: &'static str,
    /// Always `[]`.
    member_list: [(); 0],
}

/// A group of a batch answer that could not be read.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupFailure {
    group_id: String,
    error_code: i32,
    error_info: String,
}

impl GroupFailure {
    pub fn new(group: &str, e: &Error) -> Self {
        Self {
            group_id: group.to_string(),
            error_code: e.code(Service::Group),
            error_info: e.to_string(),
        }
    }
}

/// One group of `get_group_info`.
#[derive(Serialize)]
#[serde(untagged)]
pub enum GroupInfoItem {
    /// The fields `ResponseFilter` keeps.
    Found(Map<String, Value>),
    Failed(GroupFailure),
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupInfoList {
    group_info: Vec<GroupInfoItem>,
}

fn info_item(
    cx: &Cx,
    g: &GroupRecord,
    member_num: usize,
    next_msg_seq: u64,
    filter: &ResponseFilter,
) -> Result<GroupInfoItem, Error> {
    let profile = GroupProfile::of(g).keeping_custom(|k| {
        filter
            .app_defined
            .as_ref()
            .is_none_or(|keys| keys.iter().any(|key| key == k))
    });
    let info = GroupInfo {
        error_code: 0,
        error_info: "",
        shut_up_all_member: profile.mute_all_member,
        profile,
        appid: cx.app_id().0,
        create_time: g.create_time,
        info_seq: g.info_seq,
        last_info_time: g.last_info_time,
        last_msg_time: g.last_msg_time,
        next_msg_seq,
        member_num,
        max_member_num: g.max_member_num,
        apply_join_option: g.apply_join_option.as_str(),
        member_list: [],
    };
    let Value::Object(mut fields) = serde_json::to_value(info).map_err(|_| Error::Internal)? else {
        return Err(Error::Internal);
    };
    fields.retain(|k, _| {
        ALWAYS_LISTED.contains(&k.as_str())
            || filter.base.as_ref().is_none_or(|wanted| wanted.contains(k))
    });
    Ok(GroupInfoItem::Found(fields))
}

/// POST /v4/group_open_http_svc/get_group_info
pub async fn get_group_info(cx: &Cx, body: Value) -> Result<GroupInfoList, Error> {
    let req: GetGroupInfo = parse(body)?;
    if req.group_id_list.is_empty() || req.group_id_list.len() > INFO_BATCH_MAX {
        return Err(Error::InvalidParameter(format!(
            "GroupIdList has {} ids; it must have 1 to {INFO_BATCH_MAX}",
            req.group_id_list.len()
        )));
    }
    let mut group_info = Vec::new();
    for raw in &req.group_id_list {
        let info = match group_id(raw) {
            Ok(id) => cx.engine.group_info(cx.app_id(), &id).await,
            Err(e) => Err(e),
        };
        group_info.push(match info {
            Ok((g, n, next_seq)) => info_item(cx, &g, n, next_seq, &req.filter)?,
            Err(Error::Internal) => return Err(Error::Internal),
            Err(e) => GroupInfoItem::Failed(GroupFailure::new(raw, &e)),
        });
    }
    Ok(GroupInfoList { group_info })
}

#[derive(Deserialize)]
struct GroupList {
    #[serde(rename = "Limit")]
    limit: Option<u32>,
    #[serde(rename = "Next", default)]
    next: u64,
    #[serde(rename = "GroupType")]
    group_type: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupIdList {
    total_count: u64,
    group_id_list: Vec<GroupIdOnly>,
    /// Ids returned so far; 0 when finished.
    next: u64,
}

/// POST /v4/group_open_http_svc/get_appid_group_list
pub async fn get_appid_group_list(cx: &Cx, body: Value) -> Result<GroupIdList, Error> {
    let req: GroupList = parse(body)?;
    let limit = req.limit.unwrap_or(10_000).clamp(1, 10_000);
    let group_type = req
        .group_type
        .as_deref()
        .map(GroupType::parse)
        .transpose()?;
    // `Next` is the number of ids already returned.
    let offset = u32::try_from(req.next)
        .map_err(|_| Error::InvalidParameter("Next is out of range".into()))?;
    let (ids, total) = cx
        .engine
        .list_groups(cx.app_id(), group_type, None, offset.saturating_add(limit))
        .await?;
    let page: Vec<GroupIdOnly> = ids
        .into_iter()
        .skip(offset as usize)
        .map(|group_id| GroupIdOnly { group_id })
        .collect();
    let returned = offset as u64 + page.len() as u64;
    Ok(GroupIdList {
        total_count: total,
        group_id_list: page,
        next: if returned < total { returned } else { 0 },
    })
}

#[derive(Deserialize)]
struct ModifyGroup {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Name")]
    name: Option<String>,
    #[serde(rename = "Introduction")]
    introduction: Option<String>,
    #[serde(rename = "Notification")]
    notification: Option<String>,
    #[serde(rename = "FaceUrl")]
    face_url: Option<String>,
    #[serde(rename = "MuteAllMember", alias = "ShutUpAllMember")]
    mute_all: Option<String>,
    #[serde(rename = "ApplyJoinOption")]
    apply_join_option: Option<String>,
    #[serde(rename = "InviteJoinOption")]
    invite_join_option: Option<String>,
    #[serde(rename = "HistoryMsgBeforeJoin")]
    history_before_join: Option<String>,
    #[serde(rename = "MaxMemberNum")]
    max_member_num: Option<u32>,
    /// 1 on, 0 off (communities with topics).
    #[serde(rename = "EnablePermission")]
    enable_permission: Option<u8>,
    #[serde(rename = "DefaultPermission")]
    default_permission: Option<u64>,
    #[serde(rename = "AppDefinedData", default)]
    app_defined_data: Vec<KeyValue>,
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
}

/// `On` / `Off`.
fn on_off(key: &str, raw: Option<&str>) -> Result<Option<bool>, Error> {
    match raw {
        None => Ok(None),
        Some("On") => Ok(Some(true)),
        Some("Off") => Ok(Some(false)),
        Some(other) => Err(Error::InvalidParameter(format!(
            "{key} {other:?} must be On or Off"
        ))),
    }
}

/// POST /v4/group_open_http_svc/modify_group_base_info
pub async fn modify_group_base_info(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: ModifyGroup = parse(body)?;
    let group = group_id(&req.group_id)?;
    let mute_all = on_off("MuteAllMember", req.mute_all.as_deref())?;
    let operator = match &req.from_account {
        Some(f) => UserId::parse(f)?,
        None => cx.identifier.clone(),
    };
    let changes = GroupChanges {
        name: req.name,
        introduction: req.introduction,
        notification: req.notification,
        face_url: req.face_url,
        mute_all,
        apply_join_option: req
            .apply_join_option
            .as_deref()
            .map(ApplyJoinOption::parse)
            .transpose()?,
        invite_join_option: req
            .invite_join_option
            .as_deref()
            .map(InviteJoinOption::parse)
            .transpose()?,
        history_before_join: on_off("HistoryMsgBeforeJoin", req.history_before_join.as_deref())?,
        max_member_num: req.max_member_num,
        enable_permission: req.enable_permission.map(|v| v == 1),
        default_permission: req.default_permission,
        custom: req
            .app_defined_data
            .into_iter()
            .map(|kv| (kv.key, kv.value))
            .collect(),
    };
    cx.engine
        .modify_group(cx.app_id(), &group, operator.as_str(), &cx.origin, changes)
        .await
}
