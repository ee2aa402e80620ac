//! Audience statistics, computed from the event stream as it passes: arrivals and departures
//! (online time), delivered messages, accepted likes and gifts. Each room keeps what happened
//! since the last flush ([`RoomTally`]); every `FLUSH_EVERY` the changes are added to the
//! store (per user, per room session, per user in a room session) in one transaction per
//! app. Users' levels are kept in memory for the users active on this node ([`Levels`]), so a
//! message carries its sender's level without a store read.

use dashmap::DashMap;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use liveroom_core::stats::{Counts, Heat, StatsSettings};
use liveroom_core::store::{
    RoomStatsDelta, RoomStatsRecord, RoomUserDelta, StatsBatch, StatsOrder,
};
use liveroom_core::time::{unix_millis, unix_secs};
use liveroom_core::{AppId, Error, GroupId, UserId};

pub use levels::Levels;
pub use report::{RoomStatsReport, UserStatsReport};
pub use tally::RoomTally;
use tally::Taken;

mod levels;
mod report;
mod tally;
#[cfg(test)]
mod tests;

use crate::apps::App;
use crate::loaded::RoomRef;
use crate::room::Attendance;
use crate::{store_err, Engine};

/// How often statistics are written to the store.
pub const FLUSH_EVERY: Duration = Duration::from_secs(10);
/// A member's time in a room is counted (written) at least this often while it stays.
const ACCRUE_AFTER_MS: i64 = 60_000;
/// Levels of users not seen for this long are forgotten (read again on their next visit).
const LEVEL_IDLE_SECS: i64 = 600;
/// Rows written per transaction.
const WRITE_CHUNK_ROWS: usize = 1000;
/// Rows kept for a store that is failing; beyond it the oldest changes are dropped (logged).
const BACKLOG_MAX_ROWS: usize = 500_000;
/// Longest a statistics read waits for a flush's commit.
const READ_GATE_WAIT: Duration = Duration::from_millis(500);
/// Most users ranked in one statistics read.
pub const TOP_MAX: u32 = 100;
/// Most users in one user-statistics read.
pub const USERS_MAX: usize = 100;

/// A room's statistics for one session as the REST read answers them.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomStatsView {
    pub group: GroupId,
    pub record: RoomStatsRecord,
    /// Online now and the popularity score (current session only; 0 otherwise).
    pub online: usize,
    pub popularity: u64,
    pub top: Vec<UserStatsView>,
}

/// A user's statistics (app-wide, or in one room session).
#[derive(Debug, Clone, PartialEq)]
pub struct UserStatsView {
    pub user: UserId,
    pub counts: Counts,
    pub level: u32,
    pub score: f64,
}

fn add_room(into: &mut StatsBatch, users: &mut HashMap<UserId, Counts>, group: &GroupId, t: Taken) {
    for (user, counts) in t.users {
        users.entry(user.clone()).or_default().add(&counts);
        into.room_users.push(RoomUserDelta {
            group: group.clone(),
            session: t.session,
            user,
            counts,
            at: t.at,
        });
    }
    into.rooms.push(RoomStatsDelta {
        group: group.clone(),
        session: t.session,
        counts: t.room,
        joins: t.joins,
        guest_joins: t.guest_joins,
        peak_online: t.peak,
        at: t.at,
    });
}

fn rows(b: &StatsBatch) -> usize {
    b.users.len() + b.rooms.len() + b.room_users.len()
}

/// Splits a batch into batches of at most `max` rows (each row moved once).
fn split(b: StatsBatch, max: usize) -> Vec<StatsBatch> {
    let max = max.max(1);
    let mut out: Vec<StatsBatch> = Vec::new();
    let mut part = StatsBatch::default();
    let flush = |part: &mut StatsBatch, out: &mut Vec<StatsBatch>| {
        if rows(part) >= max {
            out.push(std::mem::take(part));
        }
    };
    for u in b.users {
        part.users.push(u);
        flush(&mut part, &mut out);
    }
    for r in b.rooms {
        part.rooms.push(r);
        flush(&mut part, &mut out);
    }
    for r in b.room_users {
        part.room_users.push(r);
        flush(&mut part, &mut out);
    }
    if !part.is_empty() {
        out.push(part);
    }
    out
}

impl Engine {
    /// The level of `user` in `app` (kept in memory while the user is active; read from the
    /// store on first use).
    pub(crate) async fn ensure_level(&self, app: &App, s: &StatsSettings, user: &UserId) -> u32 {
        if !s.enabled {
            return 0;
        }
        if let Some(level) = app.levels.seen_now(user) {
            return level;
        }
        let total = match self
            .store
            .user_stats(app.id, std::slice::from_ref(user))
            .await
        {
            Ok(mut v) => v.pop().map(|(_, c)| c).unwrap_or_default(),
            Err(e) => {
                tracing::warn!(error = %e, user = %user, "user statistics could not be read");
                return 0;
            }
        };
        app.levels.insert(user, total, s)
    }

    /// Counts a delivered message.
    pub(crate) fn count_message(
        &self,
        app: &App,
        room: &RoomRef,
        user: &UserId,
        s: &StatsSettings,
    ) {
        if !s.enabled {
            return;
        }
        room.stats.lock().message(user, unix_millis(), s);
        let one = Counts {
            messages: 1,
            ..Default::default()
        };
        app.levels.add(user, &one, s);
    }

    pub(crate) fn count_likes(
        &self,
        app: &App,
        room: &RoomRef,
        user: Option<&UserId>,
        n: u64,
        s: &StatsSettings,
    ) {
        if !s.enabled || n == 0 {
            return;
        }
        room.stats.lock().likes(user, n, unix_millis(), s);
        if let Some(u) = user {
            let c = Counts {
                likes: n,
                ..Default::default()
            };
            app.levels.add(u, &c, s);
        }
    }

    pub(crate) fn count_gifts(
        &self,
        app: &App,
        room: &RoomRef,
        user: &UserId,
        n: u64,
        value: u64,
        s: &StatsSettings,
    ) {
        if !s.enabled {
            return;
        }
        room.stats.lock().gifts(user, n, value, unix_millis(), s);
        let c = Counts {
            gifts: n,
            gift_value: value,
            ..Default::default()
        };
        app.levels.add(user, &c, s);
    }

    /// Writes what every loaded room counted since the last flush (with `all`, the time of
    /// members still present too: at shutdown). A failed write is kept and tried again.
    pub async fn flush_stats(&self, all: bool) {
        // A flush still writing when the shutdown flush starts finishes first, so the last
        // one sees (and writes) everything, including rows put back after a failure.
        let _one_at_a_time = self.stats_flush.lock().await;
        let now_ms = {
            // Rows move from the rooms (and the backlog) to the in-flight chunks at once for
            // readers. The clock is read once the gate is held: rooms may have counted up to
            // the moment the flush got it.
            let _moving = self.stats_gate.write().await;
            let now_ms = unix_millis();
            let mut batches: HashMap<AppId, StatsBatch> =
                std::mem::take(&mut *self.stats_backlog.lock());
            let mut users: HashMap<AppId, HashMap<UserId, Counts>> = HashMap::new();
            let rooms: Vec<RoomRef> = self.rooms.iter().map(|r| r.value().clone()).collect();
            for room in rooms {
                let taken = room.stats.lock().take(now_ms, all);
                if taken.is_empty() {
                    continue;
                }
                let Ok(app) = self.apps.get(room.app) else {
                    continue;
                };
                let settings = app.settings();
                if !settings.stats.enabled {
                    continue;
                }
                let batch = batches.entry(room.app).or_default();
                let app_users = users.entry(room.app).or_default();
                for t in taken {
                    for (user, c) in &t.users {
                        if c.online_ms > 0 {
                            let time = Counts {
                                online_ms: c.online_ms,
                                ..Default::default()
                            };
                            app.levels.add(user, &time, &settings.stats);
                        }
                    }
                    add_room(batch, app_users, &room.id, t);
                }
            }
            for (app, u) in users {
                batches.entry(app).or_default().users.extend(u);
            }
            let mut in_flight = self.stats_in_flight.lock();
            for (app, batch) in batches {
                // In chunks, so a big room's minute of time does not hold the store's write
                // lock (SQLite has one) for long: history appends wait behind it.
                in_flight
                    .entry(app)
                    .or_default()
                    .extend(split(batch, WRITE_CHUNK_ROWS));
            }
            now_ms
        };
        let apps: Vec<AppId> = self.stats_in_flight.lock().keys().copied().collect();
        for app in apps {
            loop {
                let _committing = self.stats_gate.write().await;
                // Written from the front and taken off only once committed: a flush cut
                // short (its task dropped mid-write) leaves the chunk for the next one.
                let chunk = match self.stats_in_flight.lock().get(&app) {
                    Some(q) => q.front().cloned(),
                    None => None,
                };
                let Some(chunk) = chunk else {
                    self.stats_in_flight.lock().remove(&app);
                    break;
                };
                if let Err(e) = self.store.add_stats(app, &chunk).await {
                    crate::metrics::stats_write_failed();
                    tracing::error!(app = app.0, error = %e, "statistics could not be written; kept for the next attempt");
                    let rest = self.stats_in_flight.lock().remove(&app).unwrap_or_default();
                    self.keep_for_retry(app, rest);
                    break;
                }
                if let Some(q) = self.stats_in_flight.lock().get_mut(&app) {
                    q.pop_front();
                }
                crate::metrics::stats_written(rows(&chunk));
            }
        }
        let now = now_ms / 1000;
        for id in self.apps.ids() {
            if let Ok(app) = self.apps.get(id) {
                app.levels.forget_idle(now);
            }
        }
    }

    /// Puts chunks that could not be written into the backlog for the next flush (bounded:
    /// beyond [`BACKLOG_MAX_ROWS`] the oldest changes are dropped).
    fn keep_for_retry(&self, app: AppId, chunks: impl IntoIterator<Item = StatsBatch>) {
        let mut backlog = self.stats_backlog.lock();
        let kept = backlog.entry(app).or_default();
        for rest in chunks {
            if rows(kept) + rows(&rest) > BACKLOG_MAX_ROWS {
                tracing::error!(
                    app = app.0,
                    rows = rows(kept),
                    "statistics backlog full; older changes dropped"
                );
                *kept = StatsBatch::default();
            }
            kept.users.extend(rest.users);
            kept.rooms.extend(rest.rooms);
            kept.room_users.extend(rest.room_users);
        }
    }

    /// The statistics gate for a read. A read waits at most [`READ_GATE_WAIT`] for a flush's
    /// commit (a slow or failing store must not hold readers, such as a host page's
    /// connection, for long); past that it reads without it, and may see a flush's rows
    /// missing or twice for that once.
    async fn stats_read_gate(&self) -> Option<tokio::sync::RwLockReadGuard<'_, ()>> {
        let gate = tokio::time::timeout(READ_GATE_WAIT, self.stats_gate.read()).await;
        if gate.is_err() {
            tracing::warn!("a statistics read did not wait for a slow flush");
        }
        gate.ok()
    }

    /// Calls `f` with every row this node holds but has not written: the backlog and the
    /// chunks of a flush in progress. Readers call it under the stats gate.
    fn unwritten(&self, app: AppId, mut f: impl FnMut(&StatsBatch)) {
        if let Some(b) = self.stats_backlog.lock().get(&app) {
            f(b);
        }
        if let Some(q) = self.stats_in_flight.lock().get(&app) {
            q.iter().for_each(&mut f);
        }
    }

    /// A dismissed room's statistics go with it, but what its users did there still counts
    /// for them: their unwritten app-wide changes (time up to now included) are kept for the
    /// next flush.
    pub(crate) fn keep_user_stats_of_dismissed(&self, room: &RoomRef) {
        let taken = room.stats.lock().take(unix_millis(), true);
        let mut users: HashMap<UserId, Counts> = HashMap::new();
        for t in taken {
            for (u, c) in t.users {
                users.entry(u).or_default().add(&c);
            }
        }
        if !users.is_empty() {
            let mut backlog = self.stats_backlog.lock();
            backlog.entry(room.app).or_default().users.extend(users);
        }
    }

    /// Runs [`Engine::flush_stats`] every [`FLUSH_EVERY`] until the engine is dropped.
    pub(crate) fn spawn_stats_flusher(self: &Arc<Self>) {
        let engine = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(FLUSH_EVERY);
            tick.tick().await;
            loop {
                tick.tick().await;
                match engine.upgrade() {
                    Some(e) => e.flush_stats(false).await,
                    None => return,
                }
            }
        });
    }

    /// A room's statistics for `session` (its current one when `None`): what the store
    /// holds plus what this node has not written yet, with the top `top` users by `order`.
    pub async fn room_stats(
        &self,
        app: AppId,
        group: &GroupId,
        session: Option<u32>,
        order: StatsOrder,
        top: u32,
    ) -> Result<RoomStatsView, Error> {
        let app = self.apps.get(app)?;
        let settings = app.settings();
        let room = self.room(app.id, group).await?;
        let now_ms = unix_millis();
        // The member lock is never taken under the stats lock (joins take them the other way).
        let online = room.online_count();
        let viewers = room.viewer_count();
        let (current, popularity) = {
            let t = room.stats.lock();
            (t.session, t.popularity(viewers, &settings.stats))
        };
        let session = session.unwrap_or(current);
        // Memory, unwritten rows and the store, read as one: no flush moves rows meanwhile.
        let _reading = self.stats_read_gate().await;
        let mut pending = room.stats.lock().peek(session, now_ms);
        self.unwritten(app.id, |b| {
            for r in b
                .rooms
                .iter()
                .filter(|r| &r.group == group && r.session == session)
            {
                pending.room.add(&r.counts);
                pending.joins += r.joins;
                pending.guest_joins += r.guest_joins;
                pending.peak = pending.peak.max(r.peak_online);
            }
            for r in b
                .room_users
                .iter()
                .filter(|r| &r.group == group && r.session == session)
            {
                pending
                    .users
                    .entry(r.user.clone())
                    .or_default()
                    .add(&r.counts);
            }
        });
        let mut record = self
            .store
            .room_stats(app.id, group, Some(session))
            .await
            .map_err(store_err)?
            .unwrap_or_default();
        record.session = session;
        record.counts.add(&pending.room);
        record.joins += pending.joins;
        record.guest_joins += pending.guest_joins;
        record.peak_online = record.peak_online.max(pending.peak);
        if record.first_at == 0 && (pending.joins > 0 || !pending.users.is_empty()) {
            record.first_at = now_ms / 1000;
        }
        let top = top.min(TOP_MAX);
        let mut users = self
            .store
            .room_user_stats(app.id, group, session, order, top, None)
            .await
            .map_err(store_err)?;
        // Users with unwritten changes may rise into the top: rank them with the stored top
        // (a user outside both cannot: the stored top already holds `top` users above it).
        let listed: std::collections::HashSet<UserId> =
            users.iter().map(|r| r.user.clone()).collect();
        let missing: Vec<UserId> = pending
            .users
            .keys()
            .filter(|u| !listed.contains(*u))
            .cloned()
            .collect();
        let known = self
            .store
            .room_user_stats(app.id, group, session, order, top, Some(&missing))
            .await
            .map_err(store_err)?;
        record.viewers += (missing.len() - known.len()) as u64;
        let known_ids: std::collections::HashSet<UserId> =
            known.iter().map(|r| r.user.clone()).collect();
        users.extend(known);
        users.extend(
            missing
                .into_iter()
                .filter(|u| !known_ids.contains(u))
                .map(|user| liveroom_core::store::RoomUserRecord {
                    user,
                    counts: Counts::default(),
                    first_at: now_ms / 1000,
                    last_at: now_ms / 1000,
                }),
        );
        for r in &mut users {
            if let Some(c) = pending.users.get(&r.user) {
                r.counts.add(c);
            }
        }
        let key = |c: &Counts| order.value(c);
        users.sort_by(|a, b| {
            key(&b.counts)
                .cmp(&key(&a.counts))
                .then(a.user.cmp(&b.user))
        });
        users.truncate(top as usize);
        let (online_now, popularity_now) = if session == current {
            (online, popularity)
        } else {
            (0, 0)
        };
        // Counters of this room session; level and score are the users' app-wide ones.
        let ids: Vec<UserId> = users.iter().map(|r| r.user.clone()).collect();
        let app_wide: HashMap<UserId, (u32, f64)> = self
            .user_stats_read(app.id, &ids)
            .await?
            .into_iter()
            .map(|v| (v.user, (v.level, v.score)))
            .collect();
        let top = users
            .into_iter()
            .map(|r| {
                let (level, score) = app_wide.get(&r.user).copied().unwrap_or_default();
                UserStatsView {
                    level,
                    score,
                    user: r.user,
                    counts: r.counts,
                }
            })
            .collect();
        Ok(RoomStatsView {
            group: group.clone(),
            record,
            online: online_now,
            popularity: popularity_now,
            top,
        })
    }

    /// Users' app-wide statistics and levels: the store plus what loaded rooms have not
    /// written yet.
    pub async fn user_stats(
        &self,
        app: AppId,
        users: &[UserId],
    ) -> Result<Vec<UserStatsView>, Error> {
        let _reading = self.stats_read_gate().await;
        self.user_stats_read(app, users).await
    }

    /// [`Engine::user_stats`] for a caller that holds the stats gate.
    async fn user_stats_read(
        &self,
        app: AppId,
        users: &[UserId],
    ) -> Result<Vec<UserStatsView>, Error> {
        let app = self.apps.get(app)?;
        let settings = app.settings();
        // Each account once: a repeated one must not have its unwritten changes added twice.
        let mut seen = std::collections::HashSet::new();
        let users: Vec<UserId> = users.iter().filter(|u| seen.insert(*u)).cloned().collect();
        let users = &users[..];
        let stored = self
            .store
            .user_stats(app.id, users)
            .await
            .map_err(store_err)?;
        let now_ms = unix_millis();
        let mut totals: HashMap<UserId, Counts> = stored.into_iter().collect();
        let rooms: Vec<RoomRef> = self
            .rooms
            .iter()
            .filter(|r| r.key().0 == app.id)
            .map(|r| r.value().clone())
            .collect();
        for room in rooms {
            let pending = room.stats.lock().user_pending(now_ms);
            for u in users {
                if let Some(c) = pending.get(u) {
                    totals.entry(u.clone()).or_default().add(c);
                }
            }
        }
        self.unwritten(app.id, |batch| {
            for (u, c) in &batch.users {
                if seen.contains(u) {
                    totals.entry(u.clone()).or_default().add(c);
                }
            }
        });
        Ok(users
            .iter()
            .map(|u| {
                let counts = totals.get(u).copied().unwrap_or_default();
                UserStatsView {
                    user: u.clone(),
                    level: settings.stats.level(&counts),
                    score: counts.score(&settings.stats.level_weights),
                    counts,
                }
            })
            .collect())
    }
}
