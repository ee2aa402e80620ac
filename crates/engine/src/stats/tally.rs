//! What a room counts between flushes ([`RoomTally`]): its members' stays and deeds, and
//! the room session's totals, told by the member lock ([`Attendance`]).

use super::*;

/// One user's stay and deeds in a room since the last flush.
#[derive(Default)]
pub(super) struct Visit {
    pub(super) pending: Counts,
    /// In the room now, since this Unix millisecond (time after it not yet counted).
    pub(super) since_ms: Option<i64>,
}

/// A room session's changes taken for the store.
pub(super) struct Taken {
    pub(super) session: u32,
    pub(super) room: Counts,
    pub(super) joins: u64,
    pub(super) guest_joins: u64,
    pub(super) peak: u64,
    pub(super) users: Vec<(UserId, Counts)>,
    pub(super) at: i64,
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
    pub(super) session: u32,
    pub(super) room: Counts,
    pub(super) joins: u64,
    pub(super) guest_joins: u64,
    /// Most members online at once in this session (as seen here).
    pub(super) peak: u64,
    /// Something to write.
    pub(super) dirty: bool,
    pub(super) guests: u64,
    /// Guest time is counted as the area under the guest count: up to here so far.
    pub(super) guests_since_ms: i64,
    pub(super) visits: HashMap<UserId, Visit>,
    pub(super) heat: Heat,
    /// Changes of sessions that ended, for the next flush.
    pub(super) ended: Vec<Taken>,
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

    pub(super) fn visit(&mut self, user: &UserId) -> &mut Visit {
        if !self.visits.contains_key(user) {
            self.visits.insert(user.clone(), Visit::default());
        }
        self.visits.get_mut(user).expect("inserted above")
    }

    pub(super) fn count_guest_time(&mut self, now_ms: i64) {
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

    pub(super) fn heat(&mut self, now_ms: i64, s: &StatsSettings) -> &mut Heat {
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
    pub(super) fn take_current(&mut self, now_ms: i64, all: bool) -> Option<Taken> {
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
    pub(super) fn take(&mut self, now_ms: i64, all: bool) -> Vec<Taken> {
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
    pub(super) fn user_pending(&self, now_ms: i64) -> HashMap<UserId, Counts> {
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
    pub(super) fn peek(&self, session: u32, now_ms: i64) -> Pending {
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
pub(super) struct Pending {
    pub(super) room: Counts,
    pub(super) joins: u64,
    pub(super) guest_joins: u64,
    pub(super) peak: u64,
    pub(super) users: HashMap<UserId, Counts>,
}
