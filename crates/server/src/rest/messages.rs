//! Group messages from the business backend: send, system notifications, broadcasts and
//! the short history.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use liveroom_core::group::Priority;
use liveroom_core::message::MsgBody;
use liveroom_core::store::group_flags;
use liveroom_core::{Error, GroupId, UserId};
use liveroom_engine::{CallbackControl, SendReceipt, SendRequest, Sender, StoredSend};

use super::{group_id, parse, user_ids, Cx};

#[derive(Deserialize)]
struct SendGroupMsg {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Random")]
    random: Option<u32>,
    #[serde(rename = "MsgPriority")]
    priority: Option<String>,
    #[serde(rename = "MsgBody")]
    msg_body: Value,
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "CloudCustomData", default)]
    cloud_custom_data: String,
    /// `ForbidBeforeSendMsgCallback`, `ForbidAfterSendMsgCallback`.
    #[serde(rename = "ForbidCallbackControl", default)]
    forbid_callback_control: Vec<String>,
    /// 1: pushed to the members online, never stored (groups that keep messages).
    #[serde(rename = "OnlineOnlyFlag", default)]
    online_only: u8,
    /// `NoUnread`, `NoLastMsg`.
    #[serde(rename = "SendMsgControl", default)]
    send_msg_control: Vec<String>,
    #[serde(rename = "NeedReadReceipt", default)]
    need_read_receipt: u8,
    #[serde(rename = "GroupAtInfo")]
    group_at_info: Option<Vec<AtItem>>,
    #[serde(rename = "OfflinePushInfo")]
    offline_push_info: Option<serde_json::Map<String, Value>>,
    #[serde(rename = "TopicId", default)]
    topic_id: String,
    #[serde(rename = "SupportMessageExtension", default)]
    support_message_extension: u8,
}

/// One `GroupAtInfo` entry.
#[derive(Deserialize, Serialize)]
struct AtItem {
    #[serde(rename = "GroupAtAllFlag", default)]
    all: u8,
    #[serde(rename = "GroupAt_Account", default)]
    account: String,
}

/// The sender a REST call acts as: `From_Account` (which must exist) or the admin itself.
pub(super) async fn sender(cx: &Cx, from: Option<&str>) -> Result<(UserId, String, String), Error> {
    let user = match from {
        Some(f) if !f.is_empty() => UserId::parse(f)?,
        _ => cx.identifier.clone(),
    };
    let found = cx
        .engine
        .existing_accounts(cx.app_id(), std::slice::from_ref(&user))
        .await?;
    match found.into_iter().next() {
        Some(u) => Ok((user, u.nick, u.face_url)),
        None if cx.app.is_admin(&user) => Ok((user, String::new(), String::new())),
        None => Err(Error::AccountNotFound(user.to_string())),
    }
}

/// `ForbidCallbackControl` of a REST send: the callbacks it skips.
pub(super) fn callback_control(list: &[String]) -> Result<CallbackControl, Error> {
    let mut callbacks = CallbackControl::default();
    for c in list {
        match c.as_str() {
            "ForbidBeforeSendMsgCallback" => callbacks.skip_before = true,
            "ForbidAfterSendMsgCallback" => callbacks.skip_after = true,
            other => {
                return Err(Error::InvalidParameter(format!(
                    "ForbidCallbackControl {other:?} is not ForbidBeforeSendMsgCallback or ForbidAfterSendMsgCallback"
                )))
            }
        }
    }
    Ok(callbacks)
}

/// POST /v4/group_open_http_svc/send_group_msg
pub async fn send_group_msg(cx: &Cx, body: Value) -> Result<SendReceipt, Error> {
    let req: SendGroupMsg = parse(body)?;
    let group = group_id(&req.group_id)?;
    let body = MsgBody::parse(&req.msg_body)?;
    let priority = req
        .priority
        .as_deref()
        .map(Priority::parse)
        .transpose()?
        .unwrap_or_default();
    let (from, nick, avatar) = sender(cx, req.from_account.as_deref()).await?;
    let is_app_admin = cx.app.is_admin(&from);
    let callbacks = callback_control(&req.forbid_callback_control)?;
    let mut stored = StoredSend {
        online_only: req.online_only == 1,
        need_read_receipt: req.need_read_receipt == 1,
        topic: req.topic_id.clone(),
        extensible: req.support_message_extension == 1,
        ..Default::default()
    };
    for c in &req.send_msg_control {
        match c.as_str() {
            "NoUnread" => stored.no_unread = true,
            "NoLastMsg" => stored.no_last_msg = true,
            other => {
                return Err(Error::InvalidParameter(format!(
                    "SendMsgControl {other:?} is not NoUnread or NoLastMsg"
                )))
            }
        }
    }
    if let Some(at) = &req.group_at_info {
        for item in at {
            if item.all == 0 {
                UserId::parse(&item.account)?;
            }
        }
        stored.at_info = serde_json::to_string(at).map_err(|_| Error::Internal)?;
    }
    if let Some(push) = &req.offline_push_info {
        stored.offline_push = serde_json::to_string(push).map_err(|_| Error::Internal)?;
    }
    cx.engine
        .send_group_msg(
            cx.app_id(),
            SendRequest {
                group,
                sender: Sender::Admin {
                    from,
                    nick,
                    avatar,
                    is_app_admin,
                    ip: cx.origin.ip.clone(),
                },
                body,
                priority,
                cloud_custom_data: req.cloud_custom_data,
                random: req.random,
                callbacks,
                turn: None,
                counted: true,
                stored,
            },
        )
        .await
}

#[derive(Deserialize)]
struct SystemNotification {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Content")]
    content: String,
    #[serde(rename = "ToMembers_Account", default)]
    to_members: Vec<String>,
}

/// POST /v4/group_open_http_svc/send_group_system_notification
pub async fn send_group_system_notification(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: SystemNotification = parse(body)?;
    let group = group_id(&req.group_id)?;
    let content = cx.engine.notification_text(cx.app_id(), req.content)?;
    let to = user_ids(&req.to_members)?;
    cx.engine
        .system_notification(cx.app_id(), &group, cx.identifier.as_str(), &content, &to)
        .await
}

#[derive(Deserialize)]
struct Broadcast {
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "Random")]
    random: Option<u32>,
    #[serde(rename = "MsgBody")]
    msg_body: Value,
    #[serde(rename = "CloudCustomData", default)]
    cloud_custom_data: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Broadcasted {
    msg_seq: u64,
    msg_time: i64,
}

/// POST /v4/group_open_http_svc/send_broadcast_msg
pub async fn send_broadcast_msg(cx: &Cx, body: Value) -> Result<Broadcasted, Error> {
    let req: Broadcast = parse(body)?;
    let body = MsgBody::parse(&req.msg_body)?;
    let (from, _, _) = sender(cx, req.from_account.as_deref()).await?;
    let (seq, time, _) = cx
        .engine
        .broadcast(
            cx.app_id(),
            &from,
            &body,
            &req.cloud_custom_data,
            req.random.unwrap_or_else(rand::random),
        )
        .await?;
    Ok(Broadcasted {
        msg_seq: seq,
        msg_time: time,
    })
}

#[derive(Deserialize)]
struct GetSimple {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "ReqMsgSeq")]
    req_msg_seq: Option<u64>,
    #[serde(rename = "ReqMsgNumber")]
    req_msg_number: u32,
    /// 1: recalled messages are listed too, as placeholders (`IsPlaceMsg` 2).
    #[serde(rename = "WithRecalledMsg", default)]
    with_recalled_msg: u8,
    #[serde(rename = "TopicId", default)]
    topic_id: String,
}

/// `IsPlaceMsg` of a recalled message's placeholder.
const PLACE_MSG_RECALLED: u8 = 2;

/// Most messages one history call returns.
const HISTORY_PAGE_MAX: u32 = 20;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct History {
    group_id: GroupId,
    /// 1 when fewer messages than asked came back, else 0.
    is_finished: u8,
    rsp_msg_list: Vec<HistoryMsg>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HistoryMsg {
    #[serde(rename = "From_Account")]
    from_account: UserId,
    is_place_msg: u8,
    is_system_msg: u8,
    msg_body: Value,
    msg_priority: u8,
    msg_random: u32,
    msg_seq: u64,
    msg_time_stamp: i64,
    cloud_custom_data: String,
}

/// POST /v4/group_open_http_svc/group_msg_get_simple
pub async fn group_msg_get_simple(cx: &Cx, body: Value) -> Result<History, Error> {
    let req: GetSimple = parse(body)?;
    let group = group_id(&req.group_id)?;
    if req.req_msg_number == 0 || req.req_msg_number > HISTORY_PAGE_MAX {
        return Err(Error::InvalidParameter(format!(
            "ReqMsgNumber is {}; it must be 1 to {HISTORY_PAGE_MAX}",
            req.req_msg_number
        )));
    }
    let room = cx.engine.room(cx.app_id(), &group).await?;
    if room.is_durable() {
        return stored_history(cx, group, &req).await;
    }
    if !req.topic_id.is_empty() {
        return Err(Error::NotSupported(format!(
            "{group} is an AVChatRoom: it has no topics"
        )));
    }
    let (_, records) = cx
        .engine
        .group_history(
            cx.app_id(),
            &group,
            req.req_msg_seq,
            req.req_msg_number,
            req.with_recalled_msg == 1,
        )
        .await?;
    let finished = records.len() < req.req_msg_number as usize;
    let rsp_msg_list = records
        .into_iter()
        .map(|r| HistoryMsg {
            msg_body: serde_json::from_str(&r.body).unwrap_or(Value::Array(Vec::new())),
            from_account: r.from_account,
            is_place_msg: if r.recalled { PLACE_MSG_RECALLED } else { 0 },
            is_system_msg: 0,
            msg_priority: r.priority.history_number(),
            msg_random: r.random,
            msg_seq: r.msg_seq,
            msg_time_stamp: r.msg_time,
            cloud_custom_data: r.cloud_custom_data,
        })
        .collect();
    Ok(History {
        group_id: group,
        is_finished: u8::from(finished),
        rsp_msg_list,
    })
}

/// `group_msg_get_simple` of a group that keeps its messages: everything kept, newest
/// first at or below `ReqMsgSeq`.
async fn stored_history(cx: &Cx, group: GroupId, req: &GetSimple) -> Result<History, Error> {
    let actor = super::actor(cx, None)?;
    let page = cx
        .engine
        .stored_history(
            cx.app_id(),
            &group,
            &req.topic_id,
            None,
            req.req_msg_seq,
            req.req_msg_number,
            req.with_recalled_msg == 1,
            &actor,
        )
        .await?;
    let rsp_msg_list = page
        .messages
        .into_iter()
        .map(|m| {
            let recalled = m.has(group_flags::RECALLED);
            let system = m.has(group_flags::SYSTEM);
            HistoryMsg {
                msg_body: serde_json::from_str(&m.body).unwrap_or(Value::Array(Vec::new())),
                from_account: m.from,
                is_place_msg: if recalled { PLACE_MSG_RECALLED } else { 0 },
                is_system_msg: u8::from(system),
                msg_priority: m.priority.history_number(),
                msg_random: m.random,
                msg_seq: m.seq,
                msg_time_stamp: m.time,
                cloud_custom_data: m.cloud_custom_data,
            }
        })
        .collect();
    Ok(History {
        group_id: group,
        is_finished: u8::from(page.complete),
        rsp_msg_list,
    })
}

#[derive(Deserialize)]
struct MsgSeqItem {
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
}

#[derive(Deserialize)]
struct Recall {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MsgSeqList")]
    msg_seq_list: Vec<MsgSeqItem>,
    #[serde(rename = "Reason", default)]
    reason: String,
    #[serde(rename = "TopicId", default)]
    topic_id: String,
}

/// Longest `Reason` of a recall, bytes.
const RECALL_REASON_MAX: usize = 100;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Recalled {
    recall_ret_list: Vec<RecallRet>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecallRet {
    msg_seq: u64,
    /// 0 recalled now, else why not.
    ret_code: i32,
}

/// POST /v4/group_open_http_svc/group_msg_recall
pub async fn group_msg_recall(cx: &Cx, body: Value) -> Result<Recalled, Error> {
    let req: Recall = parse(body)?;
    let group = group_id(&req.group_id)?;
    if req.reason.len() > RECALL_REASON_MAX {
        return Err(Error::InvalidParameter(format!(
            "Reason is {} bytes; the limit is {RECALL_REASON_MAX}",
            req.reason.len()
        )));
    }
    let seqs: Vec<u64> = req.msg_seq_list.iter().map(|i| i.msg_seq).collect();
    let outcomes = cx
        .engine
        .recall(
            cx.app_id(),
            &group,
            &req.topic_id,
            &cx.identifier,
            &seqs,
            Some(cx.origin.clone()),
        )
        .await?;
    let recall_ret_list = outcomes
        .into_iter()
        .map(|(msg_seq, result)| RecallRet {
            msg_seq,
            ret_code: match result {
                Ok(()) => 0,
                Err(e) => e.code(liveroom_core::Service::Group),
            },
        })
        .collect();
    Ok(Recalled { recall_ret_list })
}
