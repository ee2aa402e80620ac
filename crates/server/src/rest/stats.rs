//! `liveroom_ext` audience statistics: a room's, per broadcast session, and users'.

use serde::Deserialize;
use serde_json::{json, Value};

use liveroom_core::protocol::RoomStatsRequest;
use liveroom_core::Error;

use super::{parse, Cx};

/// POST /v4/liveroom_ext/get_room_stats
///
/// A room's audience statistics for a broadcast session (the current one by default) and
/// its top users.
pub async fn get_room_stats(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: RoomStatsRequest = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let report = cx
        .engine
        .room_stats_report(cx.app_id(), &group, &req)
        .await?;
    serde_json::to_value(report).map_err(|_| Error::Internal)
}

#[derive(Deserialize)]
struct GetUserStats {
    #[serde(rename = "To_Account")]
    users: Vec<String>,
}

/// POST /v4/liveroom_ext/get_user_stats
///
/// Users' app-wide statistics and levels.
pub async fn get_user_stats(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: GetUserStats = parse(body)?;
    if req.users.is_empty() || req.users.len() > liveroom_engine::USERS_MAX {
        return Err(Error::InvalidParameter(format!(
            "To_Account must list 1 to {} accounts",
            liveroom_engine::USERS_MAX
        )));
    }
    let users = req
        .users
        .iter()
        .map(|u| liveroom_core::UserId::parse(u))
        .collect::<Result<Vec<_>, _>>()?;
    let stats = cx.engine.user_stats_report(cx.app_id(), &users).await?;
    Ok(json!({ "UserStats": stats }))
}
