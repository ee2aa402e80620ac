//! `liveroom_ext` audience statistics: a room's, per broadcast session, and users'.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use liveroom_core::protocol::RoomStatsRequest;
use liveroom_core::{Error, UserId};
use liveroom_engine::{RoomStatsReport, UserStatsReport, USERS_MAX};

use super::{parse, Cx};

/// POST /v4/liveroom_ext/get_room_stats
///
/// A room's audience statistics for a broadcast session (the current one by default) and
/// its top users.
pub async fn get_room_stats(cx: &Cx, body: Value) -> Result<RoomStatsReport, Error> {
    let req: RoomStatsRequest = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    cx.engine.room_stats_report(cx.app_id(), &group, &req).await
}

#[derive(Deserialize)]
struct GetUserStats {
    #[serde(rename = "To_Account")]
    users: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserStats {
    user_stats: UserStatsReport,
}

/// POST /v4/liveroom_ext/get_user_stats
///
/// Users' app-wide statistics and levels.
pub async fn get_user_stats(cx: &Cx, body: Value) -> Result<UserStats, Error> {
    let req: GetUserStats = parse(body)?;
    if req.users.is_empty() || req.users.len() > USERS_MAX {
        return Err(Error::InvalidParameter(format!(
            "To_Account must list 1 to {USERS_MAX} accounts"
        )));
    }
    let users = req
        .users
        .iter()
        .map(|u| UserId::parse(u))
        .collect::<Result<Vec<_>, _>>()?;
    let user_stats = cx.engine.user_stats_report(cx.app_id(), &users).await?;
    Ok(UserStats { user_stats })
}
