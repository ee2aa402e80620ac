//! `liveroom_ext` lucky draws: start one, read the last.

use serde::Serialize;
use serde_json::Value;

use liveroom_core::protocol::DrawRequest;
use liveroom_core::Error;
use liveroom_engine::{DrawResult, DrawStarted};

use super::groups::GroupOnly;
use super::{parse, Cx};

/// POST /v4/liveroom_ext/start_draw
///
/// Starts a lucky draw among the room's users who send the keyword within the duration.
pub async fn start_draw(cx: &Cx, body: Value) -> Result<DrawStarted, Error> {
    let req: DrawRequest = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let draw_id = cx
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
    Ok(DrawStarted { draw_id })
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LastDraw {
    /// `null` when there was none.
    draw: Option<DrawResult>,
}

/// POST /v4/liveroom_ext/get_draw
///
/// The room's last finished lucky draw (`null` when there was none).
pub async fn get_draw(cx: &Cx, body: Value) -> Result<LastDraw, Error> {
    let req: GroupOnly = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let draw = cx.engine.last_draw(cx.app_id(), &group).await?;
    Ok(LastDraw { draw })
}
