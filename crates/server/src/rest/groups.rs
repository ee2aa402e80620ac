//! Group lifecycle and profile: create, destroy, info, list, modify.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use liveroom_core::group::{ApplyJoinOption, GroupType};
use liveroom_core::store::GroupRecord;
use liveroom_core::{Error, Service, UserId};
use liveroom_engine::{GroupChanges, NewGroup};

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
    #[serde(rename = "AppDefinedData", default)]
    app_defined_data: Vec<KeyValue>,
    #[serde(rename = "MemberList", default)]
    member_list: Vec<Value>,
}

/// POST /v4/group_open_http_svc/create_group
pub async fn create_group(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: CreateGroup = parse(body)?;
    let group_type = GroupType::parse(&req.group_type)?;
    let owner = req.owner.as_deref().map(UserId::parse).transpose()?;
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
                has_member_list: !req.member_list.is_empty(),
            },
            cx.identifier.as_str(),
            &cx.origin,
        )
        .await?;
    Ok(json!({"GroupId": id.as_str()}))
}

#[derive(Deserialize)]
pub(super) struct GroupOnly {
    #[serde(rename = "GroupId")]
    pub group_id: String,
}

/// POST /v4/group_open_http_svc/destroy_group
pub async fn destroy_group(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: GroupOnly = parse(body)?;
    let group = group_id(&req.group_id)?;
    cx.engine
        .destroy_group(cx.app_id(), &group, cx.identifier.as_str(), &cx.origin)
        .await?;
    Ok(json!({}))
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

fn info_json(
    cx: &Cx,
    g: &GroupRecord,
    member_num: usize,
    next_msg_seq: u64,
    filter: &ResponseFilter,
) -> Value {
    let mute_all = if g.mute_all { "On" } else { "Off" };
    let custom: Vec<Value> = g
        .custom
        .iter()
        .filter(|(k, _)| {
            filter
                .app_defined
                .as_ref()
                .is_none_or(|keys| keys.contains(k))
        })
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    let fields = json!({
        "Type": g.group_type.as_str(),
        "Name": g.name,
        "Appid": cx.app_id().0,
        "Introduction": g.introduction,
        "Notification": g.notification,
        "FaceUrl": g.face_url,
        "Owner_Account": g.owner.as_ref().map(|o| o.as_str()).unwrap_or(""),
        "CreateTime": g.create_time,
        "InfoSeq": g.info_seq,
        "LastInfoTime": g.last_info_time,
        "LastMsgTime": g.last_msg_time,
        "NextMsgSeq": next_msg_seq,
        "MemberNum": member_num,
        "MaxMemberNum": g.max_member_num,
        "ApplyJoinOption": g.apply_join_option.as_str(),
        "MuteAllMember": mute_all,
        "ShutUpAllMember": mute_all,
    });
    let mut out = Map::new();
    out.insert("GroupId".into(), json!(g.id.as_str()));
    out.insert("ErrorCode".into(), json!(0));
    out.insert("ErrorInfo".into(), json!(""));
    if let Value::Object(fields) = fields {
        for (k, v) in fields {
            if filter
                .base
                .as_ref()
                .is_none_or(|wanted| wanted.contains(&k))
            {
                out.insert(k, v);
            }
        }
    }
    out.insert("AppDefinedData".into(), Value::Array(custom));
    out.insert("MemberList".into(), json!([]));
    Value::Object(out)
}

/// POST /v4/group_open_http_svc/get_group_info
pub async fn get_group_info(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: GetGroupInfo = parse(body)?;
    if req.group_id_list.is_empty() || req.group_id_list.len() > INFO_BATCH_MAX {
        return Err(Error::InvalidParameter(format!(
            "GroupIdList has {} ids; it must have 1 to {INFO_BATCH_MAX}",
            req.group_id_list.len()
        )));
    }
    let mut list = Vec::new();
    for raw in &req.group_id_list {
        let info = match group_id(raw) {
            Ok(id) => cx.engine.group_info(cx.app_id(), &id).await,
            Err(e) => Err(e),
        };
        list.push(match info {
            Ok((g, n, next_seq)) => info_json(cx, &g, n, next_seq, &req.filter),
            Err(Error::Internal) => return Err(Error::Internal),
            Err(e) => json!({"GroupId": raw, "ErrorCode": e.code(Service::Group), "ErrorInfo": e.to_string()}),
        });
    }
    Ok(json!({"GroupInfo": list}))
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

/// POST /v4/group_open_http_svc/get_appid_group_list
pub async fn get_appid_group_list(cx: &Cx, body: Value) -> Result<Value, Error> {
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
    let page: Vec<Value> = ids
        .iter()
        .skip(offset as usize)
        .map(|g| json!({"GroupId": g.as_str()}))
        .collect();
    let returned = offset as u64 + page.len() as u64;
    let next = if returned < total { returned } else { 0 };
    Ok(json!({"TotalCount": total, "GroupIdList": page, "Next": next}))
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
    #[serde(rename = "AppDefinedData", default)]
    app_defined_data: Vec<KeyValue>,
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
}

/// POST /v4/group_open_http_svc/modify_group_base_info
pub async fn modify_group_base_info(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: ModifyGroup = parse(body)?;
    let group = group_id(&req.group_id)?;
    let mute_all = match req.mute_all.as_deref() {
        None => None,
        Some("On") => Some(true),
        Some("Off") => Some(false),
        Some(other) => {
            return Err(Error::InvalidParameter(format!(
                "MuteAllMember {other:?} must be On or Off"
            )))
        }
    };
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
        custom: req
            .app_defined_data
            .into_iter()
            .map(|kv| (kv.key, kv.value))
            .collect(),
    };
    cx.engine
        .modify_group(cx.app_id(), &group, operator.as_str(), &cx.origin, changes)
        .await?;
    Ok(json!({}))
}
