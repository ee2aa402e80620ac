//! What the backend does with stored groups' messages beyond sending: edit
//! (`openim/modify_group_msg`), extensions (`openim_msg_ext_http_svc`), deleting a sender's
//! messages and clearing history, importing members and messages.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use liveroom_core::message::MsgBody;
use liveroom_core::store::{ExtOutcome, ExtWrite};
use liveroom_core::{Error, Service, UserId};

use super::{actor, group_id, parse, Cx};

#[derive(Deserialize)]
struct ModifyGroupMsg {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
    #[serde(rename = "MsgBody")]
    msg_body: Option<Value>,
    #[serde(rename = "CloudCustomData")]
    cloud_custom_data: Option<String>,
    #[serde(rename = "TopicId", default)]
    topic_id: String,
}

/// POST /v4/openim/modify_group_msg
pub async fn modify_group_msg(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: ModifyGroupMsg = parse(body)?;
    let group = group_id(&req.group_id)?;
    let body = req.msg_body.as_ref().map(MsgBody::parse).transpose()?;
    cx.engine
        .modify_group_message(
            cx.app_id(),
            &group,
            &req.topic_id,
            req.msg_seq,
            body,
            req.cloud_custom_data,
            &actor(cx, None)?,
        )
        .await
}

#[derive(Deserialize)]
struct KeyValue {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "Value")]
    value: String,
}

#[derive(Deserialize)]
struct SetKeyValues {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
    #[serde(rename = "ExtensionList")]
    extensions: Vec<KeyValue>,
    #[serde(rename = "TopicId", default)]
    topic_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExtensionResults {
    result_list: Vec<ExtensionResult>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExtensionResult {
    error_code: i32,
    extension: Extension,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Extension {
    key: String,
    value: String,
    seq: u64,
}

/// POST /v4/openim_msg_ext_http_svc/group_set_key_values: not version-checked.
pub async fn group_set_key_values(cx: &Cx, body: Value) -> Result<ExtensionResults, Error> {
    let req: SetKeyValues = parse(body)?;
    let group = group_id(&req.group_id)?;
    let writes = req
        .extensions
        .into_iter()
        .map(|kv| ExtWrite {
            key: kv.key,
            value: kv.value,
            expected: None,
        })
        .collect();
    let outcomes = cx
        .engine
        .set_message_extensions(
            cx.app_id(),
            &group,
            &req.topic_id,
            req.msg_seq,
            writes,
            &actor(cx, None)?,
        )
        .await?;
    Ok(ExtensionResults {
        result_list: outcomes
            .into_iter()
            .map(|o| match o {
                ExtOutcome::Set(e) | ExtOutcome::Conflict(e) => ExtensionResult {
                    error_code: 0,
                    extension: Extension {
                        key: e.key,
                        value: e.value,
                        seq: e.version,
                    },
                },
                ExtOutcome::Full(key) => ExtensionResult {
                    error_code: Error::InvalidParameter(String::new()).code(Service::Group),
                    extension: Extension {
                        key,
                        value: String::new(),
                        seq: 0,
                    },
                },
            })
            .collect(),
    })
}

#[derive(Deserialize)]
struct GetKeyValues {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
    #[serde(rename = "TopicId", default)]
    topic_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExtensionList {
    extension_list: Vec<Extension>,
}

/// POST /v4/openim_msg_ext_http_svc/group_get_key_values
pub async fn group_get_key_values(cx: &Cx, body: Value) -> Result<ExtensionList, Error> {
    let req: GetKeyValues = parse(body)?;
    let group = group_id(&req.group_id)?;
    let list = cx
        .engine
        .message_extensions(
            cx.app_id(),
            &group,
            &req.topic_id,
            req.msg_seq,
            &actor(cx, None)?,
        )
        .await?;
    Ok(ExtensionList {
        extension_list: list
            .into_iter()
            .map(|e| Extension {
                key: e.key,
                value: e.value,
                seq: e.version,
            })
            .collect(),
    })
}

#[derive(Deserialize)]
struct DeleteBySender {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Sender_Account")]
    sender: String,
    #[serde(rename = "TopicId", default)]
    topic_id: String,
}

/// POST /v4/group_open_http_svc/delete_group_msg_by_sender
pub async fn delete_group_msg_by_sender(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: DeleteBySender = parse(body)?;
    let group = group_id(&req.group_id)?;
    let sender = UserId::parse(&req.sender)?;
    cx.engine
        .delete_messages_of(cx.app_id(), &group, &req.topic_id, &sender)
        .await
        .map(|_| ())
}

#[derive(Deserialize)]
struct ClearGroupMsg {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MsgSeq")]
    msg_seq: Option<u64>,
}

/// POST /v4/group_open_http_svc/clear_group_msg
pub async fn clear_group_msg(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: ClearGroupMsg = parse(body)?;
    let group = group_id(&req.group_id)?;
    cx.engine
        .clear_messages(cx.app_id(), &group, req.msg_seq)
        .await
        .map(|_| ())
}

#[derive(Deserialize)]
struct ImportMember {
    #[serde(rename = "Member_Account")]
    member_account: String,
    /// `Admin`, or absent.
    #[serde(rename = "Role")]
    role: Option<String>,
    #[serde(rename = "JoinTime", default)]
    join_time: i64,
    #[serde(rename = "UnreadMsgNum", default)]
    unread: u64,
}

#[derive(Deserialize)]
struct ImportMembers {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "MemberList")]
    members: Vec<ImportMember>,
}

#[derive(Serialize)]
pub struct ImportedMembers {
    #[serde(rename = "MemberList")]
    member_list: Vec<ImportedMemberResult>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImportedMemberResult {
    #[serde(rename = "Member_Account")]
    member_account: UserId,
    /// 0 failed (no such account, or the group is full), 1 imported, 2 a member already.
    result: u8,
}

/// POST /v4/group_open_http_svc/import_group_member
pub async fn import_group_member(cx: &Cx, body: Value) -> Result<ImportedMembers, Error> {
    use liveroom_core::store::MemberAdded;
    use liveroom_engine::group_chat::imports::ImportedMember;
    let req: ImportMembers = parse(body)?;
    let group = group_id(&req.group_id)?;
    let members = req
        .members
        .into_iter()
        .map(|m| {
            let admin = match m.role.as_deref() {
                None | Some("") | Some("Member") => false,
                Some("Admin") => true,
                Some(other) => {
                    return Err(Error::InvalidParameter(format!(
                        "Role {other:?} must be Admin or left out"
                    )))
                }
            };
            Ok(ImportedMember {
                user: UserId::parse(&m.member_account)?,
                admin,
                join_time: m.join_time,
                unread: m.unread,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let results = cx
        .engine
        .import_group_members(cx.app_id(), &group, members)
        .await?;
    Ok(ImportedMembers {
        member_list: results
            .into_iter()
            .map(|(u, r)| ImportedMemberResult {
                member_account: u,
                result: match r {
                    Some(MemberAdded::Added) => 1,
                    Some(MemberAdded::Already) => 2,
                    _ => 0,
                },
            })
            .collect(),
    })
}

#[derive(Deserialize)]
struct ImportMsg {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "SendTime")]
    send_time: i64,
    #[serde(rename = "Random")]
    random: Option<u32>,
    #[serde(rename = "MsgBody")]
    msg_body: Value,
}

#[derive(Deserialize)]
struct ImportMsgs {
    #[serde(rename = "GroupId")]
    group_id: String,
    /// 1: the imported messages move the members' conversations.
    #[serde(rename = "RecentContactFlag", default)]
    recent_contact: u8,
    #[serde(rename = "MsgList")]
    messages: Vec<ImportMsg>,
    #[serde(rename = "TopicId", default)]
    topic_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImportedMessages {
    import_msg_result: Vec<ImportedMessage>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImportedMessage {
    msg_seq: u64,
    msg_time: i64,
    /// 0 imported; 10004 a bad send time, 80002 too large.
    result: i32,
}

/// POST /v4/group_open_http_svc/import_group_msg
pub async fn import_group_msg(cx: &Cx, body: Value) -> Result<ImportedMessages, Error> {
    use liveroom_engine::group_chat::imports::ImportedMessage as Message;
    let req: ImportMsgs = parse(body)?;
    let group = group_id(&req.group_id)?;
    let messages = req
        .messages
        .into_iter()
        .map(|m| {
            Ok(Message {
                from: UserId::parse(&m.from_account)?,
                send_time: m.send_time,
                random: m.random,
                body: MsgBody::parse(&m.msg_body)?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let results = cx
        .engine
        .import_group_messages(
            cx.app_id(),
            &group,
            &req.topic_id,
            messages,
            req.recent_contact == 1,
        )
        .await?;
    Ok(ImportedMessages {
        import_msg_result: results
            .into_iter()
            .map(|r| match r {
                Ok((msg_seq, msg_time)) => ImportedMessage {
                    msg_seq,
                    msg_time,
                    result: 0,
                },
                Err(e) => ImportedMessage {
                    msg_seq: 0,
                    msg_time: 0,
                    result: e.code(Service::Group),
                },
            })
            .collect(),
    })
}

#[derive(Deserialize, Serialize)]
pub struct Attr {
    key: String,
    value: String,
}

#[derive(Deserialize)]
struct AttrRequest {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "GroupAttr", default)]
    attrs: Vec<Attr>,
}

#[derive(Serialize)]
pub struct AttrList {
    #[serde(rename = "GroupAttrAry")]
    attrs: Vec<Attr>,
}

/// POST /v4/group_open_attr_http_svc/get_group_attr
pub async fn get_group_attr(cx: &Cx, body: Value) -> Result<AttrList, Error> {
    let req: AttrRequest = parse(body)?;
    let group = group_id(&req.group_id)?;
    let attrs = cx.engine.group_attrs(cx.app_id(), &group).await?;
    Ok(AttrList {
        attrs: attrs
            .into_iter()
            .map(|(key, value)| Attr { key, value })
            .collect(),
    })
}

async fn write_attrs(cx: &Cx, body: Value, kind: &str) -> Result<(), Error> {
    use liveroom_engine::group_chat::attrs::AttrWrite;
    let req: AttrRequest = parse(body)?;
    let group = group_id(&req.group_id)?;
    let items: Vec<(String, String)> = req.attrs.into_iter().map(|a| (a.key, a.value)).collect();
    if kind != "clear" && items.is_empty() {
        return Err(Error::InvalidParameter("GroupAttr is required".into()));
    }
    let write = match kind {
        "modify" => AttrWrite::Modify(items),
        "set" => AttrWrite::Set(items),
        _ => AttrWrite::Clear,
    };
    cx.engine
        .write_group_attrs(cx.app_id(), &group, write, cx.identifier.as_str())
        .await
}

/// POST /v4/group_open_http_svc/modify_group_attr
pub async fn modify_group_attr(cx: &Cx, body: Value) -> Result<(), Error> {
    write_attrs(cx, body, "modify").await
}

/// POST /v4/group_open_http_svc/set_group_attr
pub async fn set_group_attr(cx: &Cx, body: Value) -> Result<(), Error> {
    write_attrs(cx, body, "set").await
}

/// POST /v4/group_open_http_svc/clear_group_attr
pub async fn clear_group_attr(cx: &Cx, body: Value) -> Result<(), Error> {
    write_attrs(cx, body, "clear").await
}
