//! `million_group_open_http_svc`: topics of communities created with `SupportTopic`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use liveroom_core::{Error, Service, UserId};
use liveroom_engine::group_chat::TopicSpec;

use super::{actor, group_id, parse, Cx};

#[derive(Deserialize)]
struct CreateTopic {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "TopicName")]
    topic_name: String,
    #[serde(rename = "TopicId")]
    topic_id: Option<String>,
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "CustomString")]
    custom_string: Option<String>,
    #[serde(rename = "FaceUrl")]
    face_url: Option<String>,
    #[serde(rename = "Notification")]
    notification: Option<String>,
    #[serde(rename = "Introduction")]
    introduction: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TopicIdOnly {
    topic_id: String,
}

/// POST /v4/million_group_open_http_svc/create_topic
pub async fn create_topic(cx: &Cx, body: Value) -> Result<TopicIdOnly, Error> {
    let req: CreateTopic = parse(body)?;
    let group = group_id(&req.group_id)?;
    let actor = actor(cx, req.from_account.as_deref())?;
    let spec = TopicSpec {
        id: req.topic_id,
        name: Some(req.topic_name),
        face_url: req.face_url,
        introduction: req.introduction,
        notification: req.notification,
        custom_string: req.custom_string,
        mute_all: None,
    };
    let topic_id = cx
        .engine
        .create_topic(cx.app_id(), &group, spec, &actor)
        .await?;
    Ok(TopicIdOnly { topic_id })
}

#[derive(Deserialize)]
struct GetTopic {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "TopicIdList")]
    topic_ids: Option<Vec<String>>,
    /// Whose `SelfInfo` to add.
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TopicList {
    topic_and_self_info: Vec<TopicItem>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TopicItem {
    #[serde(skip_serializing_if = "Option::is_none")]
    topic_info: Option<TopicInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    self_info: Option<SelfInfo>,
    error_code: i32,
    error_info: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TopicInfo {
    topic_name: String,
    #[serde(rename = "GroupID")]
    group_id: String,
    face_url: String,
    topic_id: String,
    next_msg_seq: u64,
    notification: String,
    introduction: String,
    create_time: i64,
    last_msg_time: i64,
    /// 1: mute-all on.
    shut_up_all_flag: u8,
    custom_string: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SelfInfo {
    /// Read up to here.
    msg_seq: u64,
    unread_msg_num: u64,
}

/// POST /v4/million_group_open_http_svc/get_topic
pub async fn get_topic(cx: &Cx, body: Value) -> Result<TopicList, Error> {
    let req: GetTopic = parse(body)?;
    let group = group_id(&req.group_id)?;
    let reader = req.from_account.as_deref().map(UserId::parse).transpose()?;
    let admin = actor(cx, None)?;
    let found = cx
        .engine
        .topics(
            cx.app_id(),
            &group,
            req.topic_ids.as_deref(),
            &admin,
            reader.as_ref(),
        )
        .await?;
    let mut items: Vec<TopicItem> = found
        .into_iter()
        .map(|(t, side)| TopicItem {
            self_info: side.map(|s| SelfInfo {
                msg_seq: s.read_seq,
                unread_msg_num: s.unread,
            }),
            topic_info: Some(TopicInfo {
                topic_name: t.name,
                group_id: group.to_string(),
                face_url: t.face_url,
                next_msg_seq: t.thread.last_seq + 1,
                notification: t.notification,
                introduction: t.introduction,
                create_time: t.create_time,
                last_msg_time: t.thread.last_time,
                shut_up_all_flag: u8::from(t.mute_all),
                custom_string: t.custom_string,
                topic_id: t.id,
            }),
            error_code: 0,
            error_info: String::new(),
        })
        .collect();
    // Named topics that do not exist, each with its error.
    for id in req.topic_ids.iter().flatten() {
        let listed = items
            .iter()
            .any(|i| i.topic_info.as_ref().is_some_and(|t| &t.topic_id == id));
        if !listed {
            let e = Error::InvalidParameter(format!("{id} is not a topic of {group}"));
            items.push(TopicItem {
                topic_info: None,
                self_info: None,
                error_code: e.code(Service::Group),
                error_info: e.to_string(),
            });
        }
    }
    Ok(TopicList {
        topic_and_self_info: items,
    })
}

#[derive(Deserialize)]
struct ModifyTopic {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "TopicId")]
    topic_id: String,
    #[serde(rename = "TopicName")]
    topic_name: Option<String>,
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "CustomString")]
    custom_string: Option<String>,
    #[serde(rename = "FaceUrl")]
    face_url: Option<String>,
    #[serde(rename = "Notification")]
    notification: Option<String>,
    #[serde(rename = "Introduction")]
    introduction: Option<String>,
    #[serde(rename = "MuteAllMember", alias = "ShutUpAllMember")]
    mute_all: Option<String>,
}

/// POST /v4/million_group_open_http_svc/modify_topic
pub async fn modify_topic(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: ModifyTopic = parse(body)?;
    let group = group_id(&req.group_id)?;
    let actor = actor(cx, req.from_account.as_deref())?;
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
    let spec = TopicSpec {
        id: None,
        name: req.topic_name,
        face_url: req.face_url,
        introduction: req.introduction,
        notification: req.notification,
        custom_string: req.custom_string,
        mute_all,
    };
    cx.engine
        .modify_topic(cx.app_id(), &group, &req.topic_id, spec, &actor)
        .await
}

#[derive(Deserialize)]
struct DestroyTopic {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "TopicIdList")]
    topic_ids: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DestroyList {
    destroy_result_item: Vec<DestroyItem>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DestroyItem {
    error_code: i32,
    error_info: String,
    topic_id: String,
}

/// POST /v4/million_group_open_http_svc/destroy_topic
pub async fn destroy_topic(cx: &Cx, body: Value) -> Result<DestroyList, Error> {
    let req: DestroyTopic = parse(body)?;
    let group = group_id(&req.group_id)?;
    let actor = actor(cx, None)?;
    let outcomes = cx
        .engine
        .destroy_topics(cx.app_id(), &group, &req.topic_ids, &actor)
        .await?;
    Ok(DestroyList {
        destroy_result_item: outcomes
            .into_iter()
            .map(|(topic_id, r)| {
                let (error_code, error_info) = match r {
                    Ok(()) => (0, String::new()),
                    Err(e) => (e.code(Service::Group), e.to_string()),
                };
                DestroyItem {
                    error_code,
                    error_info,
                    topic_id,
                }
            })
            .collect(),
    })
}
