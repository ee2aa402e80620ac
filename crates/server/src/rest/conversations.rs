//! `recentcontact`: a user's conversation list, and taking a conversation off it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use liveroom_core::{Error, UserId};

use super::{parse, Cx};

#[derive(Deserialize)]
struct GetList {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "TimeStamp", default)]
    _time_stamp: u32,
    /// Conversations already listed (the position to continue from).
    #[serde(rename = "StartIndex", default)]
    start_index: u32,
    #[serde(rename = "TopTimeStamp", default)]
    _top_time_stamp: u32,
    #[serde(rename = "TopStartIndex", default)]
    _top_start_index: u32,
    #[serde(rename = "AssistFlags", default)]
    _assist_flags: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContactList {
    complete_flag: u8,
    time_stamp: i64,
    start_index: u32,
    top_time_stamp: i64,
    top_start_index: u32,
    session_item: Vec<SessionItem>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SessionItem {
    /// 1: one-to-one, 2: a group.
    #[serde(rename = "Type")]
    kind: u8,
    #[serde(rename = "To_Account", skip_serializing_if = "String::is_empty")]
    to_account: String,
    #[serde(rename = "GroupId", skip_serializing_if = "String::is_empty")]
    group_id: String,
    msg_time: i64,
    top_flag: u8,
    unread_msg_num: u64,
}

/// Conversations one `get_list` answers.
const PAGE: u32 = 100;

/// POST /v4/recentcontact/get_list: pinned first, then by last message, newest first;
/// continue with the answer's `StartIndex`.
pub async fn get_list(cx: &Cx, body: Value) -> Result<ContactList, Error> {
    let req: GetList = parse(body)?;
    let owner = UserId::parse(&req.from_account)?;
    // The list is read from the start up to the page asked for: positions, not cursors,
    // are what the reference's clients carry.
    let wanted = req.start_index.saturating_add(PAGE);
    let mut listed = Vec::new();
    let mut cursor = None;
    loop {
        let page = cx
            .engine
            .conversation_page(
                cx.app_id(),
                &owner,
                cursor.as_deref(),
                liveroom_core::chat::CONVERSATION_PAGE_MAX,
            )
            .await?;
        listed.extend(page.conversations);
        cursor = page.next_cursor;
        if page.complete || listed.len() as u32 >= wanted {
            break;
        }
    }
    let total = listed.len() as u32;
    let items: Vec<SessionItem> = listed
        .into_iter()
        .skip(req.start_index as usize)
        .take(PAGE as usize)
        .map(|c| SessionItem {
            kind: if c.group.is_empty() { 1 } else { 2 },
            to_account: c.peer,
            group_id: c.group,
            msg_time: c.last_time,
            top_flag: u8::from(c.pinned),
            unread_msg_num: c.unread,
        })
        .collect();
    let next = req.start_index + items.len() as u32;
    let complete = cursor.is_none() && next >= total;
    Ok(ContactList {
        complete_flag: u8::from(complete),
        time_stamp: 0,
        start_index: if complete { 0 } else { next },
        top_time_stamp: 0,
        top_start_index: 0,
        session_item: items,
    })
}

#[derive(Deserialize)]
struct Delete {
    #[serde(rename = "From_Account")]
    from_account: String,
    /// 1: one-to-one (group conversations come with groups).
    #[serde(rename = "Type")]
    kind: u8,
    #[serde(rename = "To_Account")]
    to_account: String,
    /// 1: also clear the conversation's messages from this user's side.
    #[serde(rename = "ClearRamble", default)]
    clear_ramble: u8,
}

/// POST /v4/recentcontact/delete
pub async fn delete(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: Delete = parse(body)?;
    if req.kind != 1 {
        return Err(Error::InvalidParameter(format!(
            "Type {} is not served; 1 (one-to-one) is",
            req.kind
        )));
    }
    let owner = UserId::parse(&req.from_account)?;
    let peer = UserId::parse(&req.to_account)?;
    cx.engine
        .delete_conversation(cx.app_id(), &owner, &peer, req.clear_ramble == 1)
        .await?;
    Ok(())
}
