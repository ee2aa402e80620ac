//! `liveroom_ext` live rooms: the live state (set, and read for many rooms at once) and the
//! pinned live-shopping items.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use liveroom_core::live::{LiveInfo, LiveState};
use liveroom_core::{Error, GroupId, UserId};
use liveroom_engine::{LiveStateAnswer, RoomState};

use super::groups::{GroupFailure, GroupOnly};
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
pub async fn set_live_state(cx: &Cx, body: Value) -> Result<LiveStateAnswer, Error> {
    let req: SetLiveState = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let to = LiveState::parse(&req.state)?;
    let live_state = cx
        .engine
        .set_live_state(
            cx.app_id(),
            &group,
            cx.identifier.as_str(),
            to,
            req.new_session,
        )
        .await?;
    Ok(LiveStateAnswer { live_state })
}

#[derive(Deserialize)]
struct GetLiveStates {
    #[serde(rename = "GroupIdList")]
    groups: Vec<String>,
}

/// Many rooms' states, in the order asked (`get_live_states`, and the public
/// `/v1/live/states`).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Rooms {
    rooms: Vec<RoomStateItem>,
}

impl Rooms {
    pub fn of(groups: &[GroupId], states: Vec<Result<RoomState, Error>>) -> Self {
        let rooms = groups
            .iter()
            .zip(states)
            .map(|(group, state)| match state {
                Ok(s) => RoomStateItem::Found(FoundRoom {
                    group_id: s.group,
                    error_code: 0,
                    name: s.name,
                    face_url: s.face_url,
                    live_state: s.live,
                    member_num: s.member_num,
                    popularity: s.popularity,
                }),
                Err(e) => RoomStateItem::Failed(GroupFailure::new(group.as_str(), &e)),
            })
            .collect();
        Self { rooms }
    }
}

#[derive(Serialize)]
#[serde(untagged)]
pub enum RoomStateItem {
    Found(FoundRoom),
    Failed(GroupFailure),
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FoundRoom {
    group_id: GroupId,
    error_code: i32,
    name: String,
    face_url: String,
    live_state: LiveInfo,
    /// Online now.
    member_num: usize,
    popularity: u64,
}

/// POST /v4/liveroom_ext/get_live_states
///
/// The live state, name, cover and online count of up to 100 rooms at once.
pub async fn get_live_states(cx: &Cx, body: Value) -> Result<Rooms, Error> {
    let req: GetLiveStates = parse(body)?;
    let groups = req
        .groups
        .iter()
        .map(|g| super::group_id(g))
        .collect::<Result<Vec<_>, _>>()?;
    let states = cx.engine.room_states(cx.app_id(), &groups).await?;
    Ok(Rooms::of(&groups, states))
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
pub async fn pin_item(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: PinItem = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let operator = match req.from.as_deref() {
        Some(f) if !f.is_empty() => UserId::parse(f)?.to_string(),
        _ => cx.identifier.to_string(),
    };
    cx.engine
        .pin_item(cx.app_id(), &group, &operator, Some(&req.item))
        .await
}

/// POST /v4/liveroom_ext/unpin_item
pub async fn unpin_item(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: GroupOnly = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    cx.engine
        .pin_item(cx.app_id(), &group, cx.identifier.as_str(), None)
        .await
}

#[derive(Deserialize)]
struct GetPinnedItems {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Session")]
    session: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PinnedItems {
    group_id: GroupId,
    session: u32,
    items: Vec<Pinned>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Pinned {
    item: Value,
    pinned_at: i64,
    #[serde(rename = "Operator_Account")]
    operator: String,
}

/// POST /v4/liveroom_ext/get_pinned_items
///
/// The items pinned in a session of the room (the current one by default), in order.
pub async fn get_pinned_items(cx: &Cx, body: Value) -> Result<PinnedItems, Error> {
    let req: GetPinnedItems = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let (session, items) = cx
        .engine
        .pinned_items(cx.app_id(), &group, req.session)
        .await?;
    let items = items
        .into_iter()
        .map(|i| Pinned {
            item: serde_json::from_str(&i.item).unwrap_or(Value::Null),
            pinned_at: i.pinned_at,
            operator: i.operator,
        })
        .collect();
    Ok(PinnedItems {
        group_id: group,
        session,
        items,
    })
}
