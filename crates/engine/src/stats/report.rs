//! What a statistics read answers, the same through both doors: the read's checks (`Top`,
//! `OrderBy`), the nicknames of the users it lists, and the reference shape
//! (`liveroom_ext/get_room_stats` and the `room_stats` op; `liveroom_ext/get_user_stats`).

use serde::{Serialize, Serializer};
use std::collections::HashMap;

use liveroom_core::protocol::RoomStatsRequest;
use liveroom_core::store::StatsOrder;
use liveroom_core::{AppId, Error, GroupId, UserId};

use super::{RoomStatsView, UserStatsView, TOP_MAX};
use crate::Engine;

/// Nicknames by account (`""` for one with none, or gone), for the users an answer lists.
type Nicks = HashMap<UserId, String>;

/// A room session's statistics with the nicknames of its top users.
pub struct RoomStatsReport {
    view: RoomStatsView,
    nicks: Nicks,
}

/// Users' app-wide statistics and levels with their nicknames, in the order asked.
pub struct UserStatsReport {
    users: Vec<UserStatsView>,
    nicks: Nicks,
}

fn stats_order(name: Option<&str>) -> Result<StatsOrder, Error> {
    Ok(match name.unwrap_or("GiftValue") {
        "GiftValue" => StatsOrder::GiftValue,
        "Gifts" => StatsOrder::Gifts,
        "Messages" => StatsOrder::Messages,
        "Likes" => StatsOrder::Likes,
        "OnlineTime" => StatsOrder::OnlineTime,
        other => {
            return Err(Error::InvalidParameter(format!(
                "OrderBy {other:?} is not GiftValue, Gifts, Messages, Likes or OnlineTime"
            )))
        }
    })
}

impl Engine {
    /// A room's audience statistics for a broadcast session (the current one by default)
    /// and its top users: `Top` is 0 to [`TOP_MAX`], `OrderBy` one of the [`StatsOrder`]s
    /// by name (`GiftValue` by default).
    pub async fn room_stats_report(
        &self,
        app: AppId,
        group: &GroupId,
        req: &RoomStatsRequest,
    ) -> Result<RoomStatsReport, Error> {
        if req.top > TOP_MAX {
            return Err(Error::InvalidParameter(format!(
                "Top must be 0 to {TOP_MAX}"
            )));
        }
        let order = stats_order(req.order_by.as_deref())?;
        let view = self
            .room_stats(app, group, req.session, order, req.top)
            .await?;
        let nicks = self.nicks(app, &view.top).await?;
        Ok(RoomStatsReport { view, nicks })
    }

    /// Users' app-wide statistics and levels, with their nicknames.
    pub async fn user_stats_report(
        &self,
        app: AppId,
        users: &[UserId],
    ) -> Result<UserStatsReport, Error> {
        let users = self.user_stats(app, users).await?;
        let nicks = self.nicks(app, &users).await?;
        Ok(UserStatsReport { users, nicks })
    }

    async fn nicks(&self, app: AppId, users: &[UserStatsView]) -> Result<Nicks, Error> {
        let ids: Vec<UserId> = users.iter().map(|u| u.user.clone()).collect();
        if ids.is_empty() {
            return Ok(Nicks::new());
        }
        Ok(self
            .existing_accounts(app, &ids)
            .await?
            .into_iter()
            .map(|r| (r.id, r.nick))
            .collect())
    }
}

/// A user's counters as answers show them.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UserFields<'a> {
    #[serde(rename = "User_Account")]
    user: &'a str,
    nick_name: &'a str,
    level: u32,
    /// Rounded to two decimals.
    score: f64,
    online_secs: u64,
    messages: u64,
    likes: u64,
    gifts: u64,
    gift_value: u64,
}

impl<'a> UserFields<'a> {
    fn of(u: &'a UserStatsView, nicks: &'a Nicks) -> Self {
        Self {
            user: u.user.as_str(),
            nick_name: nicks.get(&u.user).map(String::as_str).unwrap_or(""),
            level: u.level,
            score: (u.score * 100.0).round() / 100.0,
            online_secs: u.counts.online_ms / 1000,
            messages: u.counts.messages,
            likes: u.counts.likes,
            gifts: u.counts.gifts,
            gift_value: u.counts.gift_value,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RoomFields<'a> {
    group_id: &'a str,
    session: u32,
    online_num: usize,
    popularity: u64,
    peak_online: u64,
    viewers: u64,
    guest_joins: u64,
    joins: u64,
    online_secs: u64,
    avg_online_secs: u64,
    messages: u64,
    likes: u64,
    gifts: u64,
    gift_value: u64,
    first_at: i64,
    last_at: i64,
    top_users: Vec<UserFields<'a>>,
}

impl Serialize for RoomStatsReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = &self.view;
        let r = &v.record;
        let online_secs = r.counts.online_ms / 1000;
        RoomFields {
            group_id: v.group.as_str(),
            session: r.session,
            online_num: v.online,
            popularity: v.popularity,
            peak_online: r.peak_online,
            viewers: r.viewers,
            guest_joins: r.guest_joins,
            joins: r.joins,
            online_secs,
            avg_online_secs: online_secs
                .checked_div(r.viewers + r.guest_joins)
                .unwrap_or(0),
            messages: r.counts.messages,
            likes: r.counts.likes,
            gifts: r.counts.gifts,
            gift_value: r.counts.gift_value,
            first_at: r.first_at,
            last_at: r.last_at,
            top_users: v
                .top
                .iter()
                .map(|u| UserFields::of(u, &self.nicks))
                .collect(),
        }
        .serialize(s)
    }
}

/// A list of users' counters.
impl Serialize for UserStatsReport {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.users.iter().map(|u| UserFields::of(u, &self.nicks)))
    }
}
