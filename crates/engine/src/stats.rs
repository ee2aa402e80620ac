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

pub use report::{RoomStatsReport, UserStatsReport};

mod report;

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

/// One user's stay and deeds in a room since the last flush.
#[derive(Default)]
struct Visit {
    pending: Counts,
    /// In the room now, since this Unix millisecond (time after it not yet counted).
    since_ms: Option<i64>,
}

/// A room session's changes taken for the store.
struct Taken {
    session: u32,
    room: Counts,
    joins: u64,
    guest_joins: u64,
    peak: u64,
    users: Vec<(UserId, Counts)>,
    at: i64,
}

/// The room's members feed the tally under the member lock.
impl Attendance for Mutex<RoomTally> {
    fn user_arrived(&self, user: &UserId, now_ms: i64, online: usize) {
        self.lock().user_arrived(user, now_ms, online);
    }

    fn user_left(&self, user: &UserId, now_ms: i64) {
        self.lock().user_left(user, now_ms);
    }

    fn guest_arrived(&self, now_ms: i64, online: usize) {
        self.lock().guest_arrived(now_ms, online);
    }

    fn guest_left(&self, now_ms: i64) {
        self.lock().guest_left(now_ms);
    }

    /// A dismissed room's statistics go with it.
    fn dismissed(&self) {
        *self.lock() = RoomTally::new(0);
    }
}

/// What happened in a room since the last flush, for its current broadcast session.
pub struct RoomTally {
    session: u32,
    room: Counts,
    joins: u64,
    guest_joins: u64,
    /// Most members online at once in this session (as seen here).
    peak: u64,
    /// Something to write.
    dirty: bool,
    guests: u64,
    /// Guest time is counted as the area under the guest count: up to here so far.
    guests_since_ms: i64,
    visits: HashMap<UserId, Visit>,
    heat: Heat,
    /// Changes of sessions that ended, for the next flush.
    ended: Vec<Taken>,
}

impl RoomTally {
    pub fn new(session: u32) -> Self {
        let now = unix_millis();
        Self {
            session,
            room: Counts::default(),
            joins: 0,
            guest_joins: 0,
            peak: 0,
            dirty: false,
            guests: 0,
            guests_since_ms: now,
            visits: HashMap::new(),
            heat: Heat {
                at_ms: now,
                ..Default::default()
            },
            ended: Vec::new(),
        }
    }

    fn visit(&mut self, user: &UserId) -> &mut Visit {
        if !self.visits.contains_key(user) {
            self.visits.insert(user.clone(), Visit::default());
        }
        self.visits.get_mut(user).expect("inserted above")
    }

    fn count_guest_time(&mut self, now_ms: i64) {
        // Never backwards: a caller with an older clock reading adds nothing and moves
        // nothing (the span would otherwise be counted again).
        let now_ms = now_ms.max(self.guests_since_ms);
        let span = (now_ms - self.guests_since_ms).max(0) as u64;
        if self.guests > 0 && span > 0 {
            self.room.online_ms = self.room.online_ms.saturating_add(self.guests * span);
            self.dirty = true;
        }
        self.guests_since_ms = now_ms;
    }

    /// A user's first connection in the room (under the member lock), `online` after it.
    pub fn user_arrived(&mut self, user: &UserId, now_ms: i64, online: usize) {
        self.visit(user).since_ms = Some(now_ms);
        self.joins += 1;
        self.peak = self.peak.max(online as u64);
        self.dirty = true;
    }

    /// A user's last connection left.
    pub fn user_left(&mut self, user: &UserId, now_ms: i64) {
        if let Some(v) = self.visits.get_mut(user) {
            if let Some(since) = v.since_ms.take() {
                let ms = (now_ms - since).max(0) as u64;
                v.pending.online_ms = v.pending.online_ms.saturating_add(ms);
                self.room.online_ms = self.room.online_ms.saturating_add(ms);
                self.dirty = true;
            }
        }
    }

    pub fn guest_arrived(&mut self, now_ms: i64, online: usize) {
        self.count_guest_time(now_ms);
        self.guests += 1;
        self.joins += 1;
        self.guest_joins += 1;
        self.peak = self.peak.max(online as u64);
        self.dirty = true;
    }

    pub fn guest_left(&mut self, now_ms: i64) {
        self.count_guest_time(now_ms);
        self.guests = self.guests.saturating_sub(1);
    }

    fn heat(&mut self, now_ms: i64, s: &StatsSettings) -> &mut Heat {
        let half_life_ms = f64::from(s.popularity_half_life_secs.max(1)) * 1000.0;
        self.heat.decay(now_ms, half_life_ms);
        &mut self.heat
    }

    /// A delivered message of `user`.
    pub fn message(&mut self, user: &UserId, now_ms: i64, s: &StatsSettings) {
        self.room.messages += 1;
        self.visit(user).pending.messages += 1;
        self.heat(now_ms, s).messages += 1.0;
        self.dirty = true;
    }

    /// Accepted likes, of a user or a guest (`None`).
    pub fn likes(&mut self, user: Option<&UserId>, n: u64, now_ms: i64, s: &StatsSettings) {
        self.room.likes += n;
        if let Some(u) = user {
            self.visit(u).pending.likes += n;
        }
        self.heat(now_ms, s).likes += n as f64;
        self.dirty = true;
    }

    pub fn gifts(&mut self, user: &UserId, n: u64, value: u64, now_ms: i64, s: &StatsSettings) {
        self.room.gifts += n;
        self.room.gift_value = self.room.gift_value.saturating_add(value);
        let v = self.visit(user);
        v.pending.gifts += n;
        v.pending.gift_value = v.pending.gift_value.saturating_add(value);
        self.heat(now_ms, s).gift_value += value as f64;
        self.dirty = true;
    }

    /// The room's popularity with `viewers` distinct viewers (see `Room::viewer_count`).
    pub fn popularity(&self, viewers: usize, s: &StatsSettings) -> u64 {
        self.heat.popularity(viewers, s, unix_millis())
    }

    /// A new broadcast session began: what is counted so far belongs to the old one.
    pub(crate) fn start_session(&mut self, session: u32, online: usize, now_ms: i64) {
        // Sessions only grow; a late call for an older one (two quick changes applied out of
        // order) must not take the counting back.
        if session <= self.session {
            return;
        }
        if let Some(t) = self.take_current(now_ms, true) {
            self.ended.push(t);
        }
        for v in self.visits.values_mut() {
            if v.since_ms.is_some() {
                v.since_ms = Some(now_ms);
            }
        }
        let present = self
            .visits
            .values()
            .filter(|v| v.since_ms.is_some())
            .count() as u64;
        self.session = session;
        self.joins = present + self.guests;
        self.guest_joins = self.guests;
        self.peak = online as u64;
        self.dirty = true;
    }

    /// The current session's changes (time of members still here counted when `all`, or
    /// when it is older than `ACCRUE_AFTER_MS`); resets them.
    fn take_current(&mut self, now_ms: i64, all: bool) -> Option<Taken> {
        self.count_guest_time(now_ms);
        let mut users = Vec::new();
        let mut room_ms = 0u64;
        self.visits.retain(|user, v| {
            if let Some(since) = v.since_ms {
                if all || now_ms - since >= ACCRUE_AFTER_MS {
                    let ms = (now_ms - since).max(0) as u64;
                    v.pending.online_ms = v.pending.online_ms.saturating_add(ms);
                    room_ms = room_ms.saturating_add(ms);
                    v.since_ms = Some(now_ms.max(since));
                }
            }
            if !v.pending.is_zero() {
                users.push((user.clone(), std::mem::take(&mut v.pending)));
            }
            v.since_ms.is_some()
        });
        self.room.online_ms = self.room.online_ms.saturating_add(room_ms);
        if !self.dirty && users.is_empty() {
            return None;
        }
        self.dirty = false;
        Some(Taken {
            session: self.session,
            room: std::mem::take(&mut self.room),
            joins: std::mem::take(&mut self.joins),
            guest_joins: std::mem::take(&mut self.guest_joins),
            peak: self.peak,
            users,
            at: now_ms / 1000,
        })
    }

    /// Everything to write now.
    fn take(&mut self, now_ms: i64, all: bool) -> Vec<Taken> {
        let mut out = std::mem::take(&mut self.ended);
        out.extend(self.take_current(now_ms, all));
        out
    }

    /// Nothing waits to be written (the room may be unloaded).
    pub(crate) fn is_clean(&self) -> bool {
        !self.dirty && self.ended.is_empty() && self.visits.values().all(|v| v.pending.is_zero())
    }

    /// Every user's changes not yet written (ended sessions too), with the time of members
    /// still here.
    fn user_pending(&self, now_ms: i64) -> HashMap<UserId, Counts> {
        let mut users = self.peek(self.session, now_ms).users;
        for t in &self.ended {
            for (u, c) in &t.users {
                users.entry(u.clone()).or_default().add(c);
            }
        }
        users
    }

    /// The changes of `session` not yet written, with the time of members still here,
    /// without taking them.
    fn peek(&self, session: u32, now_ms: i64) -> Pending {
        let mut p = Pending::default();
        for t in self.ended.iter().filter(|t| t.session == session) {
            p.room.add(&t.room);
            p.joins += t.joins;
            p.guest_joins += t.guest_joins;
            p.peak = p.peak.max(t.peak);
            for (u, c) in &t.users {
                p.users.entry(u.clone()).or_default().add(c);
            }
        }
        if session != self.session {
            return p;
        }
        p.room.add(&self.room);
        p.room.online_ms = p
            .room
            .online_ms
            .saturating_add(self.guests * (now_ms - self.guests_since_ms).max(0) as u64);
        p.joins += self.joins;
        p.guest_joins += self.guest_joins;
        p.peak = p.peak.max(self.peak);
        for (u, v) in &self.visits {
            let mut c = v.pending;
            if let Some(since) = v.since_ms {
                let ms = (now_ms - since).max(0) as u64;
                c.online_ms = c.online_ms.saturating_add(ms);
                p.room.online_ms = p.room.online_ms.saturating_add(ms);
            }
            if !c.is_zero() {
                p.users.entry(u.clone()).or_default().add(&c);
            }
        }
        p
    }
}

/// A session's changes not yet written.
#[derive(Default)]
struct Pending {
    room: Counts,
    joins: u64,
    guest_joins: u64,
    peak: u64,
    users: HashMap<UserId, Counts>,
}

/// A user's app-wide counts as this node knows them, and the level they give.
pub(crate) struct UserTally {
    total: Mutex<Counts>,
    level: AtomicU32,
    seen: AtomicI64,
}

/// Levels of the users active on this node, per app.
#[derive(Default)]
pub struct Levels {
    users: DashMap<UserId, Arc<UserTally>>,
}

impl Levels {
    /// The user's level now (0 when unknown here).
    pub fn level(&self, user: &UserId) -> u32 {
        self.users
            .get(user)
            .map(|t| t.level.load(Ordering::Relaxed))
            .unwrap_or(0)
    }

    /// Adds to a known user's counts and recomputes the level.
    pub fn add(&self, user: &UserId, change: &Counts, s: &StatsSettings) {
        if let Some(t) = self.users.get(user) {
            let mut total = t.total.lock();
            total.add(change);
            t.level.store(s.level(&total), Ordering::Relaxed);
            t.seen.store(unix_secs(), Ordering::Relaxed);
        }
    }

    /// Starts tracking a user whose app-wide counts are `total` (no-op if tracked).
    pub fn insert(&self, user: &UserId, total: Counts, s: &StatsSettings) -> u32 {
        let level = s.level(&total);
        self.users.entry(user.clone()).or_insert_with(|| {
            Arc::new(UserTally {
                total: Mutex::new(total),
                level: AtomicU32::new(level),
                seen: AtomicI64::new(unix_secs()),
            })
        });
        level
    }

    fn forget_idle(&self, now: i64) {
        self.users
            .retain(|_, t| now - t.seen.load(Ordering::Relaxed) < LEVEL_IDLE_SECS);
    }
}

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
        if let Some(t) = app.levels.users.get(user) {
            t.seen.store(unix_secs(), Ordering::Relaxed);
            return t.level.load(Ordering::Relaxed);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn uid(s: &str) -> UserId {
        UserId::parse(s).expect("id")
    }

    #[test]
    fn an_older_clock_counts_no_time_twice() {
        let mut t = RoomTally::new(1);
        let a = uid("a");
        t.guests_since_ms = 0;
        t.guest_arrived(0, 1);
        t.user_arrived(&a, 0, 2);
        t.guest_arrived(2_000, 3); // one guest for 2 s so far
                                   // A flush whose clock reading is older than the last event adds nothing and moves
                                   // nothing back...
        let early: u64 = t.take(1_000, true).iter().map(|x| x.room.online_ms).sum();
        // ...so the time is counted once: guests 1 × 2 s + 2 × 1 s, a's 3 s.
        let later: u64 = t.take(3_000, true).iter().map(|x| x.room.online_ms).sum();
        assert_eq!(early + later, 2_000 + 2_000 + 3_000);
    }

    #[test]
    fn visits_count_time_once_per_user_and_roll_with_the_session() {
        let s = StatsSettings::default();
        let mut t = RoomTally::new(1);
        let (a, b) = (uid("a"), uid("b"));
        t.guests_since_ms = 0;
        t.user_arrived(&a, 0, 1);
        t.guest_arrived(0, 2);
        t.user_arrived(&b, 1_000, 3);
        t.message(&a, 1_500, &s);
        t.likes(None, 3, 1_500, &s);
        t.gifts(&b, 2, 20, 1_600, &s);
        t.user_left(&a, 5_000);
        t.guest_left(6_000);
        // Nothing of b's open visit is taken before a minute has passed...
        let taken = t.take(10_000, false);
        assert_eq!(taken.len(), 1);
        let x = &taken[0];
        assert_eq!(x.session, 1);
        assert_eq!((x.joins, x.guest_joins, x.peak), (3, 1, 3));
        assert_eq!(x.room.online_ms, 5_000 + 6_000, "a's stay and the guest's");
        assert_eq!(
            (
                x.room.messages,
                x.room.likes,
                x.room.gifts,
                x.room.gift_value
            ),
            (1, 3, 2, 20)
        );
        let by = |u: &UserId| x.users.iter().find(|(v, _)| v == u).map(|(_, c)| *c);
        assert_eq!(by(&a).map(|c| (c.online_ms, c.messages)), Some((5_000, 1)));
        assert_eq!(by(&b).map(|c| (c.online_ms, c.gifts)), Some((0, 2)));
        assert!(t.take(20_000, false).is_empty(), "nothing new");
        assert!(t.is_clean());
        // ... then it is, and counting goes on from there.
        let later = t.take(61_000, false);
        assert_eq!(later[0].room.online_ms, 60_000);
        // A new session takes the rest of b's time with the old one.
        t.start_session(2, 1, 65_000);
        t.user_left(&b, 71_000);
        let rolled = t.take(72_000, false);
        assert_eq!(rolled.len(), 2);
        assert_eq!((rolled[0].session, rolled[0].room.online_ms), (1, 4_000));
        let second = &rolled[1];
        assert_eq!(second.session, 2);
        assert_eq!(
            (second.joins, second.peak),
            (1, 1),
            "b was there when it began"
        );
        assert_eq!(second.room.online_ms, 6_000);
    }

    #[test]
    fn batches_split_into_chunks_keeping_every_row() {
        let c = Counts::default();
        let b = StatsBatch {
            users: (0..5).map(|i| (uid(&format!("u{i}")), c)).collect(),
            rooms: Vec::new(),
            room_users: (0..8)
                .map(|i| RoomUserDelta {
                    group: GroupId::parse("g").expect("id"),
                    session: 1,
                    user: uid(&format!("u{i}")),
                    counts: c,
                    at: 0,
                })
                .collect(),
        };
        let parts = split(b, 4);
        assert_eq!(parts.iter().map(rows).collect::<Vec<_>>(), [4, 4, 4, 1]);
        assert_eq!(parts.iter().map(|p| p.users.len()).sum::<usize>(), 5);
    }
}
