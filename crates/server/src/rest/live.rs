//! `liveroom_ext` live rooms: the live state (set, and read for many rooms at once) and the
//! pinned live-shopping items.

use serde::Deserialize;
use serde_json::{json, Value};

use liveroom_core::live::LiveState;
use liveroom_core::{Error, Service};
use liveroom_engine::RoomState;

use super::{parse, Cx};

#[derive(Deserialize)]
struct SetLiveState {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "State")]
    state: String,
    #[serde(rename = "NewSession", default)]
    new_session: bool,
}

/// POST /v4/liveroom_ext/set_live_state
///
/// Moves a room to a live state; pushed to its members at once.
pub async fn set_live_state(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: SetLiveState = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let to = LiveState::parse(&req.state)?;
    let info = cx
        .engine
        .set_live_state(
            cx.app_id(),
            &group,
            cx.identifier.as_str(),
            to,
            req.new_session,
        )
        .await?;
    Ok(json!({ "LiveState": info }))
}

#[derive(Deserialize)]
struct GetLiveStates {
    #[serde(rename = "GroupIdList")]
    groups: Vec<String>,
}

/// One room of a many-room state read.
pub fn room_state_json(group: &str, r: Result<RoomState, Error>) -> Value {
    match r {
        Ok(s) => json!({
            "GroupId": group,
            "ErrorCode": 0,
            "Name": s.name,
            "FaceUrl": s.face_url,
            "LiveState": s.live,
            "MemberNum": s.member_num,
            "Popularity": s.popularity,
        }),
        Err(e) => {
            json!({"GroupId": group, "ErrorCode": e.code(Service::Group), "ErrorInfo": e.to_string()})
        }
    }
}

/// POST /v4/liveroom_ext/get_live_states
///
/// The live state, name, cover and online count of up to 100 rooms at once.
pub async fn get_live_states(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: GetLiveStates = parse(body)?;
    let groups = req
        .groups
        .iter()
        .map(|g| super::group_id(g))
        .collect::<Result<Vec<_>, _>>()?;
    let states = cx.engine.room_states(cx.app_id(), &groups).await?;
    let rooms: Vec<Value> = groups
        .iter()
        .zip(states)
        .map(|(g, r)| room_state_json(g.as_str(), r))
        .collect();
    Ok(json!({ "Rooms": rooms }))
}

#[derive(Deserialize)]
struct PinItem {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Item")]
    item: Value,
    /// The operator shown to viewers (an assistant's account); the caller by default.
    #[serde(rename = "From_Account")]
    from: Option<String>,
}

/// POST /v4/liveroom_ext/pin_item
///
/// Pins a live-shopping item for every viewer of the room.
pub async fn pin_item(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: PinItem = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let operator = match req.from.as_deref() {
        Some(f) if !f.is_empty() => liveroom_core::UserId::parse(f)?.to_string(),
        _ => cx.identifier.to_string(),
    };
    cx.engine
        .pin_item(cx.app_id(), &group, &operator, Some(&req.item))
        .await?;
    Ok(json!({}))
}

/// POST /v4/liveroom_ext/unpin_item
pub async fn unpin_item(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: super::groups::GroupOnly = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    cx.engine
        .pin_item(cx.app_id(), &group, cx.identifier.as_str(), None)
        .await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
struct PinnedItems {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Session")]
    session: Option<u32>,
}

/// POST /v4/liveroom_ext/get_pinned_items
///
/// The items pinned in a session of the room (the current one by default), in order.
pub async fn get_pinned_items(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: PinnedItems = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let (session, items) = cx
        .engine
        .pinned_items(cx.app_id(), &group, req.session)
        .await?;
    let items: Vec<Value> = items
        .iter()
        .map(|i| {
            json!({
                "Item": serde_json::from_str::<Value>(&i.item).unwrap_or(Value::Null),
                "PinnedAt": i.pinned_at,
                "Operator_Account": i.operator,
            })
        })
        .collect();
    Ok(json!({"GroupId": group.as_str(), "Session": session, "Items": items}))
}
