//! `openim`: one-to-one messages from the business backend (send, batch send, import,
//! history, recall, edit, read reports, unread counts).
//!
//! The reference answers a malformed field of these commands with the field's own code
//! (90003 `To_Account`, 90005 `MsgRandom`, 90007 `MsgBody`, ...): each body is checked key
//! by key first ([`expect`]), then read strictly.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use liveroom_core::chat::{
    flags, SyncOther, BATCH_RECEIVERS_MAX, LIFETIME_MAX_SECS, UNREAD_PEERS_MAX,
};
use liveroom_core::message::MsgBody;
use liveroom_core::{Error, UserId};
use liveroom_engine::chat::{C2cBy, C2cReceipt, C2cSend, Editor};
use liveroom_engine::CallbackControl;

use super::{parse, Cx};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Int,
    Arr,
}

/// `field` of `body` is of `kind` (when present, or always when `required`).
fn expect(body: &Value, field: &'static str, kind: Kind, required: bool) -> Result<(), Error> {
    let ok = match body.get(field) {
        None => !required,
        Some(v) => match kind {
            Kind::Str => v.is_string(),
            Kind::Int => v.is_u64() || v.is_i64(),
            Kind::Arr => v.is_array(),
        },
    };
    if ok {
        return Ok(());
    }
    let what = match kind {
        Kind::Str => "a string",
        Kind::Int => "an integer",
        Kind::Arr => "an array",
    };
    Err(Error::BadField {
        field: field.into(),
        info: match body.get(field) {
            None => format!("{field} is missing"),
            Some(_) => format!("{field} must be {what}"),
        },
    })
}

fn account(raw: &str, field: &'static str) -> Result<UserId, Error> {
    UserId::parse(raw).map_err(|e| Error::BadField {
        field: field.into(),
        info: e.to_string(),
    })
}

/// The sender a call acts as (see `messages::sender`); a missing one is `From_Account`'s
/// fault (90008).
async fn sender(cx: &Cx, from: Option<&str>) -> Result<(UserId, String, String), Error> {
    if let Some(f) = from.filter(|f| !f.is_empty()) {
        account(f, "From_Account")?;
    }
    super::messages::sender(cx, from)
        .await
        .map_err(|e| match e {
            Error::AccountNotFound(user) => Error::BadField {
                field: "From_Account".into(),
                info: format!("account {user} does not exist"),
            },
            other => other,
        })
}

#[derive(Deserialize)]
struct SendMsg {
    #[serde(rename = "SyncOtherMachine")]
    sync_other_machine: Option<i64>,
    #[serde(rename = "From_Account")]
    from_account: Option<String>,
    #[serde(rename = "To_Account")]
    to_account: Value,
    #[serde(rename = "MsgLifeTime")]
    msg_life_time: Option<u64>,
    #[serde(rename = "MsgSeq")]
    msg_seq: Option<u32>,
    #[serde(rename = "MsgRandom")]
    msg_random: u32,
    #[serde(rename = "ForbidCallbackControl", default)]
    forbid_callback_control: Vec<String>,
    #[serde(rename = "SendMsgControl", default)]
    send_msg_control: Vec<String>,
    #[serde(rename = "MsgBody")]
    msg_body: Value,
    #[serde(rename = "CloudCustomData", default)]
    cloud_custom_data: String,
    #[serde(rename = "OfflinePushInfo")]
    offline_push_info: Option<Map<String, Value>>,
    #[serde(rename = "IsNeedReadReceipt", default)]
    is_need_read_receipt: u8,
    /// `batchsendmsg`: 1 = online only.
    #[serde(rename = "OnlineOnlyFlag", default)]
    online_only_flag: u8,
}

/// What `sendmsg` and `batchsendmsg` share: the checked body, and the message it sends to
/// each receiver.
fn checked_send(body: &Value, batch: bool) -> Result<SendMsg, Error> {
    expect(
        body,
        "To_Account",
        if batch { Kind::Arr } else { Kind::Str },
        true,
    )?;
    expect(body, "MsgRandom", Kind::Int, true)?;
    expect(body, "MsgBody", Kind::Arr, true)?;
    expect(body, "From_Account", Kind::Str, false)?;
    expect(body, "SyncOtherMachine", Kind::Int, false)?;
    expect(body, "MsgLifeTime", Kind::Int, false)?;
    let req: SendMsg = parse(body.clone()).map_err(|e| match body.get("MsgRandom") {
        Some(r) if r.as_u64().is_none_or(|r| r > u64::from(u32::MAX)) => Error::BadField {
            field: "MsgRandom".into(),
            info: "MsgRandom must be an integer from 0 to 4294967295".into(),
        },
        _ => e,
    })?;
    if req.msg_life_time.is_some_and(|t| t > LIFETIME_MAX_SECS) {
        return Err(Error::InvalidParameter(format!(
            "MsgLifeTime must be 0 to {LIFETIME_MAX_SECS} seconds"
        )));
    }
    Ok(req)
}

/// A message checked once, for one receiver or many.
struct Prepared {
    from: UserId,
    nick: String,
    avatar: String,
    body: MsgBody,
    callbacks: CallbackControl,
    no_unread: bool,
    no_last_msg: bool,
    sync_other: SyncOther,
}

impl Prepared {
    fn to(&self, cx: &Cx, req: &SendMsg, to: UserId) -> C2cSend {
        C2cSend {
            from: self.from.clone(),
            nick: self.nick.clone(),
            avatar: self.avatar.clone(),
            to,
            body: self.body.clone(),
            cloud_custom_data: req.cloud_custom_data.clone(),
            client_seq: req.msg_seq.map(u64::from),
            random: Some(req.msg_random),
            online_only: req.msg_life_time == Some(0) || req.online_only_flag == 1,
            sync_other: self.sync_other,
            no_unread: self.no_unread,
            no_last_msg: self.no_last_msg,
            needs_receipt: req.is_need_read_receipt == 1,
            offline_push: req.offline_push_info.clone().map(Value::Object),
            callbacks: self.callbacks,
            by: C2cBy::Rest(cx.origin.clone()),
            turn: None,
        }
    }
}

async fn prepare(cx: &Cx, req: &SendMsg) -> Result<Prepared, Error> {
    let (from, nick, avatar) = sender(cx, req.from_account.as_deref()).await?;
    let body = MsgBody::parse(&req.msg_body)?;
    let callbacks = super::messages::callback_control(&req.forbid_callback_control)?;
    let (mut no_unread, mut no_last_msg) = (false, false);
    for c in &req.send_msg_control {
        match c.as_str() {
            "NoUnread" => no_unread = true,
            "NoLastMsg" => no_last_msg = true,
            // Do-not-disturb has no offline push here to hold back.
            "WithMuteNotifications" => {}
            other => {
                return Err(Error::InvalidParameter(format!(
                    "SendMsgControl {other:?} is not NoUnread, NoLastMsg or WithMuteNotifications"
                )))
            }
        }
    }
    Ok(Prepared {
        from,
        nick,
        avatar,
        body,
        callbacks,
        no_unread,
        no_last_msg,
        sync_other: req
            .sync_other_machine
            .map(SyncOther::parse)
            .transpose()?
            .unwrap_or_default(),
    })
}

/// POST /v4/openim/sendmsg
pub async fn sendmsg(cx: &Cx, body: Value) -> Result<C2cReceipt, Error> {
    let req = checked_send(&body, false)?;
    let to = account(req.to_account.as_str().unwrap_or_default(), "To_Account")?;
    let send = prepare(cx, &req).await?.to(cx, &req, to);
    cx.engine.send_c2c(cx.app_id(), send).await
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchSent {
    msg_key: String,
    msg_id: String,
    error_list: Vec<AccountError>,
}

#[derive(Serialize)]
pub struct AccountError {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "ErrorCode")]
    error_code: i32,
}

/// POST /v4/openim/batchsendmsg: no callbacks, each receiver numbered in its own
/// conversation (`MsgKey` is the first receiver's).
pub async fn batchsendmsg(cx: &Cx, body: Value) -> Result<BatchSent, Error> {
    let req = checked_send(&body, true)?;
    let receivers: Vec<String> =
        serde_json::from_value(req.to_account.clone()).map_err(|_| Error::BadField {
            field: "To_Account".into(),
            info: "To_Account must be an array of UserIDs".into(),
        })?;
    if receivers.is_empty() || receivers.len() > BATCH_RECEIVERS_MAX {
        return Err(Error::TooManyAccounts(format!(
            "To_Account lists {} accounts; it must list 1 to {BATCH_RECEIVERS_MAX}",
            receivers.len()
        )));
    }
    // Everything but the receivers is checked once: a bad message refuses the whole call.
    let prepared = prepare(cx, &req).await?;
    let mut out = BatchSent {
        msg_key: String::new(),
        msg_id: String::new(),
        error_list: Vec::new(),
    };
    for raw in receivers {
        let result = async {
            let to = account(&raw, "To_Account")?;
            let mut send = prepared.to(cx, &req, to);
            send.callbacks = CallbackControl {
                skip_before: true,
                skip_after: true,
            };
            cx.engine.send_c2c(cx.app_id(), send).await
        }
        .await;
        match result {
            Ok(r) if out.msg_key.is_empty() => {
                out.msg_key = r.msg_key;
                out.msg_id = r.msg_id;
            }
            Ok(_) => {}
            Err(e) => out.error_list.push(AccountError {
                to_account: raw,
                error_code: e.code(cx.service),
            }),
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
struct ImportMsg {
    #[serde(rename = "SyncFromOldSystem")]
    sync_from_old_system: u8,
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "MsgSeq")]
    msg_seq: u32,
    #[serde(rename = "MsgRandom")]
    msg_random: u32,
    #[serde(rename = "MsgTimeStamp")]
    msg_time_stamp: u32,
    #[serde(rename = "MsgBody")]
    msg_body: Value,
    #[serde(rename = "CloudCustomData", default)]
    cloud_custom_data: String,
}

/// POST /v4/openim/importmsg
pub async fn importmsg(cx: &Cx, body: Value) -> Result<(), Error> {
    expect(&body, "SyncFromOldSystem", Kind::Int, true)?;
    expect(&body, "From_Account", Kind::Str, true)?;
    expect(&body, "To_Account", Kind::Str, true)?;
    expect(&body, "MsgRandom", Kind::Int, true)?;
    expect(&body, "MsgTimeStamp", Kind::Int, true)?;
    expect(&body, "MsgBody", Kind::Arr, true)?;
    let req: ImportMsg = parse(body)?;
    let live = match req.sync_from_old_system {
        2 => false,
        5 => true,
        other => {
            return Err(Error::BadField {
                field: "SyncFromOldSystem".into(),
                info: format!("SyncFromOldSystem is {other}; it must be 2 (history) or 5 (live)"),
            })
        }
    };
    let from = account(&req.from_account, "From_Account")?;
    let to = account(&req.to_account, "To_Account")?;
    let body = MsgBody::parse(&req.msg_body)?;
    cx.engine
        .import_c2c(
            cx.app_id(),
            liveroom_engine::chat::C2cImport {
                from,
                to,
                client_seq: u64::from(req.msg_seq),
                random: req.msg_random,
                time: i64::from(req.msg_time_stamp),
                body,
                cloud_custom_data: req.cloud_custom_data,
                live,
            },
        )
        .await
}

#[derive(Deserialize)]
struct GetRoamMsg {
    #[serde(rename = "Operator_Account")]
    operator_account: String,
    #[serde(rename = "Peer_Account")]
    peer_account: String,
    #[serde(rename = "MaxCnt")]
    max_cnt: u32,
    #[serde(rename = "MinTime")]
    min_time: u32,
    #[serde(rename = "MaxTime")]
    max_time: u32,
    #[serde(rename = "LastMsgKey", default)]
    last_msg_key: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Roam {
    complete: u8,
    msg_cnt: usize,
    last_msg_time: i64,
    last_msg_key: String,
    msg_list: Vec<RoamItem>,
}

#[derive(Serialize)]
pub struct RoamItem {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
    #[serde(rename = "MsgRandom")]
    msg_random: u32,
    #[serde(rename = "MsgTimeStamp")]
    msg_time_stamp: i64,
    /// 0 normal, 8 recalled.
    #[serde(rename = "MsgFlagBits")]
    msg_flag_bits: u8,
    #[serde(rename = "IsPeerRead")]
    is_peer_read: u8,
    #[serde(rename = "MsgKey")]
    msg_key: String,
    #[serde(rename = "MsgBody")]
    msg_body: Value,
    #[serde(rename = "CloudCustomData")]
    cloud_custom_data: String,
}

/// Most messages one `admin_getroammsg` answers.
const ROAM_MAX: u32 = 100;

/// POST /v4/openim/admin_getroammsg: newest first from `MaxTime`; continue with the
/// answer's `LastMsgKey` (and `LastMsgTime` as `MaxTime`).
pub async fn admin_getroammsg(cx: &Cx, body: Value) -> Result<Roam, Error> {
    let req: GetRoamMsg = parse(body)?;
    let owner = account(&req.operator_account, "Operator_Account")?;
    let peer = account(&req.peer_account, "Peer_Account")?;
    if req.max_cnt == 0 {
        return Err(Error::InvalidParameter("MaxCnt must be at least 1".into()));
    }
    let before = match req.last_msg_key.as_str() {
        "" => None,
        raw => {
            let k = liveroom_core::chat::MsgKey::parse(raw)?;
            Some((k.time, k.seq))
        }
    };
    let page = cx
        .engine
        .c2c_roam(
            cx.app_id(),
            &owner,
            &peer,
            (i64::from(req.min_time), i64::from(req.max_time)),
            before,
            req.max_cnt.min(ROAM_MAX),
        )
        .await?;
    let last = page.messages.last();
    Ok(Roam {
        complete: u8::from(page.complete),
        msg_cnt: page.messages.len(),
        last_msg_time: last.map_or(0, |m| m.time),
        last_msg_key: last.map(|m| m.key().to_string()).unwrap_or_default(),
        msg_list: page
            .messages
            .iter()
            .map(|m| RoamItem {
                from_account: m.from.to_string(),
                to_account: m.to.to_string(),
                msg_seq: m.client_seq,
                msg_random: m.random,
                msg_time_stamp: m.time,
                msg_flag_bits: if m.has(flags::RECALLED) { 8 } else { 0 },
                is_peer_read: u8::from(m.from == owner && m.seq <= page.peer_read_seq),
                msg_key: m.key().to_string(),
                msg_body: serde_json::from_str(&m.body).unwrap_or(Value::Array(Vec::new())),
                cloud_custom_data: m.cloud_custom_data.clone(),
            })
            .collect(),
    })
}

#[derive(Deserialize)]
struct MsgWithdraw {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "MsgKey")]
    msg_key: String,
}

/// POST /v4/openim/admin_msgwithdraw
pub async fn admin_msgwithdraw(cx: &Cx, body: Value) -> Result<(), Error> {
    expect(&body, "MsgKey", Kind::Str, true)?;
    let req: MsgWithdraw = parse(body)?;
    let from = account(&req.from_account, "From_Account")?;
    let to = account(&req.to_account, "To_Account")?;
    cx.engine
        .recall_c2c(
            cx.app_id(),
            &from,
            &to,
            &req.msg_key,
            Editor::Admin,
            cx.origin.clone(),
        )
        .await
}

#[derive(Deserialize)]
struct ModifyMsg {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "MsgKey")]
    msg_key: String,
    #[serde(rename = "MsgBody")]
    msg_body: Option<Value>,
    #[serde(rename = "CloudCustomData")]
    cloud_custom_data: Option<String>,
}

/// POST /v4/openim/modify_c2c_msg
pub async fn modify_c2c_msg(cx: &Cx, body: Value) -> Result<(), Error> {
    expect(&body, "MsgKey", Kind::Str, true)?;
    expect(&body, "MsgBody", Kind::Arr, false)?;
    let req: ModifyMsg = parse(body)?;
    let from = account(&req.from_account, "From_Account")?;
    let to = account(&req.to_account, "To_Account")?;
    let body = req.msg_body.as_ref().map(MsgBody::parse).transpose()?;
    cx.engine
        .modify_c2c(
            cx.app_id(),
            &from,
            &to,
            &req.msg_key,
            body,
            req.cloud_custom_data,
            Editor::Admin,
        )
        .await
}

#[derive(Deserialize)]
struct SetMsgRead {
    #[serde(rename = "Report_Account")]
    report_account: String,
    #[serde(rename = "Peer_Account")]
    peer_account: String,
    #[serde(rename = "MsgReadTime")]
    msg_read_time: Option<u32>,
}

/// POST /v4/openim/admin_set_msg_read
pub async fn admin_set_msg_read(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: SetMsgRead = parse(body)?;
    let owner = account(&req.report_account, "Report_Account")?;
    let peer = account(&req.peer_account, "Peer_Account")?;
    let up_to = match req.msg_read_time {
        None => None,
        Some(t) => match cx
            .engine
            .c2c_seq_at(cx.app_id(), &owner, &peer, i64::from(t))
            .await?
        {
            Some(seq) => Some(seq),
            None => return Ok(()),
        },
    };
    cx.engine
        .read_c2c(cx.app_id(), &owner, &peer, up_to, cx.origin.clone())
        .await?;
    Ok(())
}

#[derive(Deserialize)]
struct GetUnread {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "Peer_Account", default)]
    peer_account: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Unread {
    #[serde(rename = "AllC2CUnreadMsgNum")]
    all: u64,
    #[serde(rename = "C2CUnreadMsgNumList")]
    list: Vec<PeerUnread>,
    error_list: Vec<PeerError>,
}

#[derive(Serialize)]
pub struct PeerUnread {
    #[serde(rename = "Peer_Account")]
    peer: String,
    #[serde(rename = "C2CUnreadMsgNum")]
    unread: u64,
}

#[derive(Serialize)]
pub struct PeerError {
    #[serde(rename = "Peer_Account")]
    peer: String,
    #[serde(rename = "ErrorCode")]
    error_code: i32,
}

/// POST /v4/openim/get_c2c_unread_msg_num
pub async fn get_c2c_unread_msg_num(cx: &Cx, body: Value) -> Result<Unread, Error> {
    expect(&body, "To_Account", Kind::Str, true)?;
    let req: GetUnread = parse(body)?;
    let owner = account(&req.to_account, "To_Account")?;
    if req.peer_account.len() > UNREAD_PEERS_MAX {
        return Err(Error::TooManyAccounts(format!(
            "Peer_Account lists {} accounts; the limit is {UNREAD_PEERS_MAX}",
            req.peer_account.len()
        )));
    }
    let mut peers = Vec::new();
    let mut error_list = Vec::new();
    for raw in &req.peer_account {
        match UserId::parse(raw) {
            Ok(p) => peers.push(p),
            Err(e) => error_list.push(PeerError {
                peer: raw.clone(),
                error_code: e.code(cx.service),
            }),
        }
    }
    let sides = cx
        .engine
        .conversations_with(cx.app_id(), &owner, &peers)
        .await?;
    Ok(Unread {
        all: cx.engine.total_unread(cx.app_id(), &owner).await?,
        list: peers
            .iter()
            .map(|p| PeerUnread {
                peer: p.to_string(),
                unread: sides.iter().find(|s| &s.peer == p).map_or(0, |s| s.unread),
            })
            .collect(),
        error_list,
    })
}

/// Most accounts one status query names.
const STATUS_QUERY_MAX: usize = 500;

#[derive(Deserialize)]
struct QueryStatus {
    #[serde(rename = "To_Account")]
    to_account: Vec<String>,
    #[serde(rename = "IsNeedDetail", default)]
    is_need_detail: u8,
}

/// The accounts of a status query that exist, and the error list of the others.
async fn status_query(cx: &Cx, raw: &[String]) -> Result<(Vec<UserId>, Vec<Value>), Error> {
    if raw.is_empty() || raw.len() > STATUS_QUERY_MAX {
        return Err(Error::TooManyAccounts(format!(
            "To_Account lists {} accounts; it must list 1 to {STATUS_QUERY_MAX}",
            raw.len()
        )));
    }
    let parsed: Vec<UserId> = raw.iter().filter_map(|u| UserId::parse(u).ok()).collect();
    let found = cx.engine.existing_accounts(cx.app_id(), &parsed).await?;
    let mut users = Vec::new();
    let mut errors = Vec::new();
    for u in raw {
        match found.iter().find(|f| f.id.as_str() == u) {
            Some(f) => users.push(f.id.clone()),
            None => errors.push(serde_json::json!({"To_Account": u, "ErrorCode": 70107})),
        }
    }
    Ok((users, errors))
}

/// POST /v4/openim/query_online_status
pub async fn query_online_status(cx: &Cx, body: Value) -> Result<Value, Error> {
    statuses(cx, body, false).await
}

/// POST /v4/openim/querystate (the older name: `State` instead of `Status`, no detail)
pub async fn querystate(cx: &Cx, body: Value) -> Result<Value, Error> {
    statuses(cx, body, true).await
}

async fn statuses(cx: &Cx, body: Value, legacy: bool) -> Result<Value, Error> {
    let req: QueryStatus = parse(body)?;
    let (users, errors) = status_query(cx, &req.to_account).await?;
    let statuses = cx.engine.user_statuses(cx.app_id(), &users).await;
    let results: Vec<Value> = statuses
        .iter()
        .map(|s| {
            if legacy {
                return serde_json::json!({"To_Account": s.user, "State": s.status});
            }
            let mut item = serde_json::json!({"To_Account": s.user, "Status": s.status});
            if req.is_need_detail == 1 {
                item["Detail"] = Value::Array(
                    s.platforms
                        .iter()
                        .map(|p| serde_json::json!({"Platform": p, "Status": "Online"}))
                        .collect(),
                );
            }
            item
        })
        .collect();
    Ok(serde_json::json!({"QueryResult": results, "ErrorList": errors}))
}
