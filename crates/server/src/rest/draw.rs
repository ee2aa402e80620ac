//! `liveroom_ext` lucky draws: start one, read the last.

use serde_json::{json, Value};

use liveroom_core::Error;

use super::{parse, Cx};

/// POST /v4/liveroom_ext/start_draw
///
/// Starts a lucky draw among the room's users who send the keyword within the duration.
pub async fn start_draw(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: liveroom_core::protocol::DrawRequest = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let id = cx
        .engine
        .start_draw(
            cx.app_id(),
            &group,
            cx.identifier.as_str(),
            &req.keyword,
            req.duration,
            req.winners,
        )
        .await?;
    Ok(json!({ "DrawId": id }))
}

/// POST /v4/liveroom_ext/get_draw
///
/// The room's last finished lucky draw (`null` when there was none).
pub async fn get_draw(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: super::groups::GroupOnly = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let draw = cx.engine.last_draw(cx.app_id(), &group).await?;
    Ok(json!({ "Draw": draw }))
}
