//! `Room`: the fan-out core of one AVChatRoom on this node: its members and online count
//! (ephemeral by design), the ordered hand-out to their queues, the short history newcomers
//! receive, and cached copies of what the store holds (profile, mutes, bans, admins). What
//! a feature keeps per room lives in that feature's module, beside the core in
//! [`crate::loaded::LoadedRoom`].

use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use liveroom_core::app::AppSettings;
use liveroom_core::group::MUTE_FOREVER_SECS;
use liveroom_core::store::GroupRecord;
use liveroom_core::{AppId, GroupId, UserId};

use crate::outbound::{Frame, Pushed};
use crate::session::SessionRef;

pub(crate) struct Member {
    pub session: SessionRef,
    pub user: Option<UserId>,
    pub join_time: i64,
}

#[derive(Default)]
pub(crate) struct Members {
    pub by_session: HashMap<u64, Member>,
    /// Sessions per logged-in user, so a user on two devices counts once.
    pub users: HashMap<UserId, u32>,
    pub guests: u32,
    /// Guest sessions per client, for the per-address cap and for popularity (where the
    /// guests of one address are one viewer).
    pub guests_by_source: HashMap<GuestSource, u32>,
}

impl Members {
    /// The online count: distinct logged-in users plus guest sessions.
    fn online(&self) -> usize {
        self.users.len() + self.guests as usize
    }
}

/// Where a guest connects from, as far as counting guests per client goes: its IPv4
/// address, or the /64 network of its IPv6 address (one subscriber's network; a single host
/// may use any address in it). A session with no known address (none opened by a
/// transport) is a source of its own kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct GuestSource(Option<IpAddr>);

impl GuestSource {
    pub(crate) fn of(session: &SessionRef) -> Self {
        Self(session.client_ip.map(|ip| match ip.to_canonical() {
            IpAddr::V6(v6) => {
                let network = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(network.into())
            }
            v4 => v4,
        }))
    }
}

/// What the members were last told of the online count. Changed only under the member
/// lock: its write lock (a join's reply) or its read lock with the hand-out lock (pushes and
/// tips), so changes are serialized and each records the count of its moment. Atomics, so
/// the check after a join reads them without waiting for a fan-out.
#[derive(Default)]
struct CountTold {
    /// The count of the last `online` push, which every member in the room then received.
    pushed: AtomicUsize,
    /// Since that push some member was told another count (a join reply, a join or quit
    /// tip), so a push is due even if the count is back at `pushed`.
    other: AtomicBool,
}

impl CountTold {
    fn told(&self, count: usize) {
        if count != self.pushed.load(Ordering::Acquire) {
            self.other.store(true, Ordering::Release);
        }
    }

    fn pushed(&self, count: usize) {
        self.pushed.store(count, Ordering::Release);
        self.other.store(false, Ordering::Release);
    }

    /// Every member holds `count`. A reader racing a writer may see "not settled" when it
    /// is (a push that finds nothing to do follows), never the other way: a change or a tell
    /// is followed by its own check.
    fn settled_at(&self, count: usize) -> bool {
        !self.other.load(Ordering::Acquire) && count == self.pushed.load(Ordering::Acquire)
    }
}

/// The outcome of adding a session to a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    Added {
        first_of_user: bool,
    },
    Already,
    Banned(u64),
    /// A guest over the app's per-address cap (the cap).
    GuestsPerAddressFull(u32),
    /// Destroyed, or retired (unloaded): the caller loads the room again.
    Gone {
        destroyed: bool,
    },
}

/// Result of a fan-out.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FanOut {
    pub queued: usize,
    pub dropped: usize,
}

/// Told of arrivals and departures while the member lock is held, so what it counts (the
/// audience statistics) follows the membership exactly.
pub(crate) trait Attendance: Send + Sync {
    /// A user's first session here; `online` is the count after it.
    fn user_arrived(&self, user: &UserId, now_ms: i64, online: usize);
    /// A user's last session left (or the user was removed).
    fn user_left(&self, user: &UserId, now_ms: i64);
    fn guest_arrived(&self, now_ms: i64, online: usize);
    fn guest_left(&self, now_ms: i64);
    /// The room was destroyed with everyone in it.
    fn dismissed(&self);
}

pub struct Room {
    pub app: AppId,
    pub id: GroupId,
    pub(crate) profile: RwLock<GroupRecord>,
    pub(crate) members: RwLock<Members>,
    pub(crate) mutes: Mutex<HashMap<UserId, i64>>,
    pub(crate) bans: Mutex<HashMap<UserId, i64>>,
    /// Group admins (the owner is in the profile).
    pub(crate) admins: RwLock<std::collections::HashSet<UserId>>,
    /// Serializes profile writes so store and cache stay in step.
    pub(crate) write_lock: tokio::sync::Mutex<()>,
    pub(crate) destroyed: AtomicBool,
    /// Unloaded from the engine's map (idle); a fresh copy is loaded on next use.
    pub(crate) retired: AtomicBool,
    /// Kept apart from the profile so the send path needs no profile write lock.
    pub(crate) last_msg_time: AtomicI64,
    last_active: AtomicI64,
    /// The short history newcomers receive, as ready frames, newest last. Appended while
    /// the member lock is held for the fan-out, and read by joiners under the same lock, so
    /// a message is either in a joiner's snapshot or delivered to it live — never neither,
    /// never both.
    recent: Mutex<RecentHistory>,
    /// Every hand-out to the members' queues happens under this lock, so all members see
    /// one order.
    hand_out: Mutex<()>,
    /// What the members were told of the online count (see [`Room::push_online_count`]).
    count_told: CountTold,
    /// Told of arrivals and departures under the member lock (locked after it).
    attendance: Arc<dyn Attendance>,
    /// Cluster mode: the room's online members on other nodes, as they last reported them
    /// (always 0 on a single node). Part of every count this room tells.
    online_elsewhere: AtomicUsize,
}

/// The in-memory short history of a room (the store keeps the same for restarts and REST).
pub(crate) struct RecentHistory {
    frames: std::collections::VecDeque<(i64, Frame)>,
    capacity: usize,
    max_age: i64,
}

impl RecentHistory {
    fn new(settings: &AppSettings) -> Self {
        let capacity = if settings.history_enabled {
            settings.history_count as usize
        } else {
            0
        };
        Self {
            frames: std::collections::VecDeque::with_capacity(capacity),
            capacity,
            max_age: settings.history_max_age_secs as i64,
        }
    }

    fn push(&mut self, time: i64, frame: Frame) {
        if self.capacity == 0 {
            return;
        }
        while self.frames.len() >= self.capacity {
            self.frames.pop_front();
        }
        self.frames.push_back((time, frame));
    }

    fn reconfigure(&mut self, settings: &AppSettings) {
        let next = Self::new(settings);
        self.capacity = next.capacity;
        self.max_age = next.max_age;
        while self.frames.len() > self.capacity {
            self.frames.pop_front();
        }
    }
}

/// What a room is loaded from: the store's profile, mutes, bans and admins, and the short
/// history as frames, oldest first.
pub(crate) struct StoredRoom {
    pub record: GroupRecord,
    pub mutes: HashMap<UserId, i64>,
    pub bans: HashMap<UserId, i64>,
    pub admins: std::collections::HashSet<UserId>,
    pub history: Vec<(i64, Frame)>,
}

#[cfg(test)]
impl StoredRoom {
    /// A room with nobody muted, banned or made admin, and no history.
    pub(crate) fn new(record: GroupRecord) -> Self {
        Self {
            record,
            mutes: HashMap::new(),
            bans: HashMap::new(),
            admins: Default::default(),
            history: Vec::new(),
        }
    }
}

impl Room {
    pub(crate) fn new(
        stored: StoredRoom,
        settings: &AppSettings,
        attendance: Arc<dyn Attendance>,
    ) -> Self {
        let StoredRoom {
            record,
            mutes,
            bans,
            admins,
            history,
        } = stored;
        let mut recent = RecentHistory::new(settings);
        for (time, frame) in history {
            recent.push(time, frame);
        }
        Self {
            app: record.app,
            id: record.id.clone(),
            profile: RwLock::new(record),
            members: RwLock::new(Members::default()),
            mutes: Mutex::new(mutes),
            bans: Mutex::new(bans),
            admins: RwLock::new(admins),
            write_lock: tokio::sync::Mutex::new(()),
            destroyed: AtomicBool::new(false),
            retired: AtomicBool::new(false),
            last_msg_time: AtomicI64::new(0),
            last_active: AtomicI64::new(liveroom_core::time::unix_secs()),
            recent: Mutex::new(recent),
            hand_out: Mutex::new(()),
            count_told: CountTold::default(),
            attendance,
            online_elsewhere: AtomicUsize::new(0),
        }
    }

    /// The room across the cluster.
    pub fn key(&self) -> crate::broker::RoomKey {
        crate::broker::RoomKey::new(self.app, &self.id)
    }

    /// The count this room tells its members: its members here plus those elsewhere.
    fn online_of(&self, members: &Members) -> usize {
        members.online() + self.online_elsewhere.load(Ordering::Acquire)
    }

    /// Online members on this node only.
    pub(crate) fn local_online(&self) -> usize {
        self.members.read().online()
    }

    /// Other nodes' online members of the room; returns whether the number changed.
    pub(crate) fn set_online_elsewhere(&self, n: usize) -> bool {
        self.online_elsewhere.swap(n, Ordering::AcqRel) != n
    }

    /// Replaces the cached profile (another node changed it in the store).
    pub(crate) fn replace_profile(&self, record: GroupRecord) {
        *self.profile.write() = record;
    }

    pub fn profile(&self) -> GroupRecord {
        let mut p = self.profile.read().clone();
        p.last_msg_time = p
            .last_msg_time
            .max(self.last_msg_time.load(Ordering::Relaxed));
        p
    }

    pub fn is_destroyed(&self) -> bool {
        self.destroyed.load(Ordering::Acquire)
    }

    /// Online members: distinct logged-in users plus guest sessions (in cluster mode, on
    /// every node).
    pub fn online_count(&self) -> usize {
        self.online_of(&self.members.read())
    }

    /// Distinct viewers, as popularity counts them: logged-in users plus guest sources (all
    /// guests of one client address are one viewer).
    pub fn viewer_count(&self) -> usize {
        let m = self.members.read();
        m.users.len() + m.guests_by_source.len()
    }

    /// The online count when some member may hold another one (it changed since the last
    /// push, or a member was told a different count since); `None` when every member's
    /// count is the room's.
    pub(crate) fn online_unsettled(&self) -> Option<usize> {
        let m = self.members.read();
        let count = self.online_of(&m);
        (!self.count_told.settled_at(count)).then_some(count)
    }

    /// Pushes the online count of this moment to every member with the frame `make` builds,
    /// unless every member's count is already the room's; returns the count pushed. The
    /// count is read and handed out under the member lock, so it is exactly what every
    /// member holds after it.
    /// `relay` hands the frame on to the other nodes, in the same critical section.
    pub(crate) fn push_online_count(
        &self,
        make: impl FnOnce(usize) -> Option<Frame>,
        relay: impl FnOnce(&Frame),
    ) -> Option<usize> {
        let members = self.members.read();
        let count = self.online_of(&members);
        let _order = self.hand_out.lock();
        if self.count_told.settled_at(count) {
            return None;
        }
        let frame = make(count)?;
        self.count_told.pushed(count);
        fan_out(&members, &frame, None);
        relay(&frame);
        Some(count)
    }

    /// Queues to every member the frame `make` builds with the online count of this moment
    /// (a join or quit tip), and notes that they were told that count.
    /// `relay` hands the frame on to the other nodes in the same critical section.
    pub(crate) fn broadcast_with_count(
        &self,
        make: impl FnOnce(usize) -> Frame,
        relay: impl FnOnce(&Frame),
    ) -> FanOut {
        let members = self.members.read();
        let count = self.online_of(&members);
        let _order = self.hand_out.lock();
        self.count_told.told(count);
        let frame = make(count);
        let out = fan_out(&members, &frame, None);
        relay(&frame);
        out
    }

    /// Queues to `session` alone the frame `make` builds with the online count of this
    /// moment (a repeated join's reply), and notes that it was told that count.
    pub(crate) fn tell_count(&self, session: &SessionRef, make: impl FnOnce(usize) -> Frame) {
        let members = self.members.read();
        let count = self.online_of(&members);
        let _order = self.hand_out.lock();
        self.count_told.told(count);
        session.push(&make(count));
    }

    /// Queues one shared frame to every member except `exclude`.
    pub fn broadcast(&self, frame: &Frame, exclude: Option<u64>) -> FanOut {
        self.broadcast_recorded(frame, exclude, None)
    }

    /// Fans a message out and, with `history`, adds its history form to the short history
    /// in the same critical section (see `recent`).
    pub(crate) fn broadcast_recorded(
        &self,
        frame: &Frame,
        exclude: Option<u64>,
        history: Option<(i64, Frame)>,
    ) -> FanOut {
        let members = self.members.read();
        let _order = self.hand_out.lock();
        if let Some((time, h)) = history {
            self.recent.lock().push(time, h);
        }
        fan_out(&members, frame, exclude)
    }

    /// As [`Room::broadcast_recorded`], and `relay` hands the event on to the other nodes in
    /// the same critical section, so they get this room's events in the order its members
    /// here do.
    pub(crate) fn broadcast_relayed(
        &self,
        frame: &Frame,
        exclude: Option<u64>,
        history: Option<(i64, Frame)>,
        relay: impl FnOnce(),
    ) -> FanOut {
        let members = self.members.read();
        let _order = self.hand_out.lock();
        if let Some((time, h)) = history {
            self.recent.lock().push(time, h);
        }
        let out = fan_out(&members, frame, exclude);
        relay();
        out
    }

    /// Keeps only the short-history frames `keep` accepts (a recall takes its messages out).
    pub(crate) fn retain_history(&self, mut keep: impl FnMut(&Frame) -> bool) {
        self.recent.lock().frames.retain(|(_, f)| keep(f));
    }

    /// Adds a session. The ban and the room's own state are checked under the member lock,
    /// so a ban, destroy or unload that runs at the same time cannot miss the newcomer.
    /// A guest is refused when its source already has `guests_per_source` guest sessions
    /// here (0: no cap). Once admitted, and still under the lock, the session is queued
    /// `reply` (given the profile and the online count) and then the short history, so both
    /// come before any live message.
    pub(crate) fn add_member(
        &self,
        session: &SessionRef,
        user: Option<UserId>,
        now: i64,
        guests_per_source: u32,
        reply: &dyn Fn(&GroupRecord, usize) -> Frame,
    ) -> Admission {
        let mut m = self.members.write();
        if self.destroyed.load(Ordering::Acquire) {
            return Admission::Gone { destroyed: true };
        }
        if self.retired.load(Ordering::Acquire) {
            return Admission::Gone { destroyed: false };
        }
        if let Some(remaining) = user.as_ref().and_then(|u| self.ban_remaining(u, now)) {
            return Admission::Banned(remaining);
        }
        if m.by_session.contains_key(&session.id) {
            return Admission::Already;
        }
        let first_of_user = match &user {
            Some(u) => {
                let n = m.users.entry(u.clone()).or_default();
                *n += 1;
                *n == 1
            }
            None => {
                let n = m
                    .guests_by_source
                    .entry(GuestSource::of(session))
                    .or_default();
                if guests_per_source > 0 && *n >= guests_per_source {
                    return Admission::GuestsPerAddressFull(guests_per_source);
                }
                *n += 1;
                m.guests += 1;
                true
            }
        };
        let online = self.online_of(&m);
        if first_of_user {
            let now_ms = liveroom_core::time::unix_millis();
            match &user {
                Some(u) => self.attendance.user_arrived(u, now_ms, online),
                None => self.attendance.guest_arrived(now_ms, online),
            }
        }
        self.last_active.store(now, Ordering::Relaxed);
        m.by_session.insert(
            session.id,
            Member {
                session: session.clone(),
                user,
                join_time: now,
            },
        );
        self.count_told.told(online);
        session.push(&reply(&self.profile(), online));
        let recent = self.recent.lock();
        for (time, frame) in &recent.frames {
            if now - *time <= recent.max_age {
                session.push(frame);
            }
        }
        drop(recent);
        Admission::Added { first_of_user }
    }

    /// Whether a guest from `session`'s source would be refused now (`add_member` decides;
    /// this lets a join refuse before it leaves the connection's other room).
    pub(crate) fn guests_full_for(&self, session: &SessionRef, guests_per_source: u32) -> bool {
        if guests_per_source == 0 {
            return false;
        }
        let m = self.members.read();
        !m.by_session.contains_key(&session.id)
            && m.guests_by_source
                .get(&GuestSource::of(session))
                .is_some_and(|n| *n >= guests_per_source)
    }

    /// Takes the room out of service if nobody is in it and `busy` (asked under the member
    /// lock) says no work is in progress; returns whether it did. A retired room refuses
    /// newcomers, who load a fresh one.
    pub(crate) fn retire_if_empty(&self, busy: impl FnOnce() -> bool) -> bool {
        let m = self.members.write();
        if !m.by_session.is_empty() || busy() {
            return false;
        }
        self.retired.store(true, Ordering::Release);
        drop(m);
        true
    }

    /// Marks the room destroyed and removes every member; returns their sessions.
    pub(crate) fn close_for_good(&self) -> Vec<SessionRef> {
        self.destroyed.store(true, Ordering::Release);
        let mut m = self.members.write();
        m.users.clear();
        m.guests = 0;
        m.guests_by_source.clear();
        self.attendance.dismissed();
        m.by_session.drain().map(|(_, mem)| mem.session).collect()
    }

    pub(crate) fn touch(&self, now: i64) {
        self.last_msg_time.fetch_max(now, Ordering::Relaxed);
        self.last_active.store(now, Ordering::Relaxed);
    }

    /// The last time anyone joined, left or sent; the load time before that.
    pub(crate) fn last_active(&self) -> i64 {
        self.last_active.load(Ordering::Relaxed)
    }

    /// Removes a session; returns its user (or `Some(None)` for a guest) if it was a member,
    /// and whether that user has no other session left in the room.
    pub(crate) fn remove_member(&self, session_id: u64) -> Option<(Option<UserId>, bool)> {
        self.last_active
            .store(liveroom_core::time::unix_secs(), Ordering::Relaxed);
        let mut m = self.members.write();
        let member = m.by_session.remove(&session_id)?;
        let last = match &member.user {
            Some(u) => match m.users.get_mut(u) {
                Some(n) if *n > 1 => {
                    *n -= 1;
                    false
                }
                _ => {
                    m.users.remove(u);
                    self.attendance
                        .user_left(u, liveroom_core::time::unix_millis());
                    true
                }
            },
            None => {
                m.guests = m.guests.saturating_sub(1);
                let source = GuestSource::of(&member.session);
                if let Some(n) = m.guests_by_source.get_mut(&source) {
                    *n -= 1;
                    if *n == 0 {
                        m.guests_by_source.remove(&source);
                    }
                }
                self.attendance
                    .guest_left(liveroom_core::time::unix_millis());
                true
            }
        };
        Some((member.user, last))
    }

    /// Removes every session of `user`; returns them.
    pub(crate) fn remove_user(&self, user: &UserId) -> Vec<SessionRef> {
        let mut m = self.members.write();
        let ids: Vec<u64> = m
            .by_session
            .iter()
            .filter(|(_, mem)| mem.user.as_ref() == Some(user))
            .map(|(id, _)| *id)
            .collect();
        if m.users.remove(user).is_some() {
            self.attendance
                .user_left(user, liveroom_core::time::unix_millis());
        }
        ids.into_iter()
            .filter_map(|id| m.by_session.remove(&id).map(|mem| mem.session))
            .collect()
    }

    pub(crate) fn all_sessions(&self) -> Vec<SessionRef> {
        self.members
            .read()
            .by_session
            .values()
            .map(|m| m.session.clone())
            .collect()
    }

    /// The `limit` most recent logged-in joiners still in the room, newest first, one entry
    /// per user, with the latest join time among their sessions.
    pub(crate) fn recent_members(&self, limit: usize) -> Vec<(UserId, i64, String, String)> {
        let m = self.members.read();
        let mut by_user: HashMap<&UserId, (i64, &SessionRef)> = HashMap::new();
        for mem in m.by_session.values() {
            if let Some(u) = &mem.user {
                let e = by_user.entry(u).or_insert((mem.join_time, &mem.session));
                if mem.join_time > e.0 {
                    *e = (mem.join_time, &mem.session);
                }
            }
        }
        let mut list: Vec<_> = by_user
            .into_iter()
            .map(|(u, (t, s))| {
                let (nick, avatar) = match s.identity() {
                    crate::session::Identity::User(l) => (l.nick, l.avatar),
                    _ => (String::new(), String::new()),
                };
                (u.clone(), t, nick, avatar)
            })
            .collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        list.truncate(limit);
        list
    }

    /// `user`'s role here; `app_admin` says whether the user is an App admin.
    pub fn role_of(&self, user: &UserId, app_admin: bool) -> liveroom_core::group::Role {
        use liveroom_core::group::Role;
        if app_admin {
            Role::AppAdmin
        } else if self.profile.read().owner.as_ref() == Some(user) {
            Role::Owner
        } else if self.admins.read().contains(user) {
            Role::Admin
        } else {
            Role::Member
        }
    }

    /// Online members' accounts (each user once).
    pub(crate) fn online_users(&self) -> Vec<UserId> {
        self.members.read().users.keys().cloned().collect()
    }

    pub(crate) fn contains(&self, session_id: u64) -> bool {
        self.members.read().by_session.contains_key(&session_id)
    }

    /// Remaining mute seconds of `user` at `now`, if muted.
    pub(crate) fn mute_remaining(&self, user: &UserId, now: i64) -> Option<u64> {
        let mut mutes = self.mutes.lock();
        match mutes.get(user) {
            Some(&until) if until > now => Some(((until - now) as u64).min(MUTE_FOREVER_SECS)),
            Some(_) => {
                mutes.remove(user);
                None
            }
            None => None,
        }
    }

    pub(crate) fn ban_remaining(&self, user: &UserId, now: i64) -> Option<u64> {
        let mut bans = self.bans.lock();
        match bans.get(user) {
            Some(&until) if until > now => Some(((until - now) as u64).min(MUTE_FOREVER_SECS)),
            Some(_) => {
                bans.remove(user);
                None
            }
            None => None,
        }
    }

    /// Applies the app's new history settings to the short history.
    pub(crate) fn reconfigure_history(&self, settings: &AppSettings) {
        self.recent.lock().reconfigure(settings);
    }
}

/// Queues `frame` to every member except `exclude`; the caller holds the hand-out lock.
fn fan_out(members: &Members, frame: &Frame, exclude: Option<u64>) -> FanOut {
    let now = Instant::now();
    let mut out = FanOut::default();
    for (id, m) in members.by_session.iter() {
        if exclude == Some(*id) {
            continue;
        }
        match m.session.queue.push_at(frame, now) {
            Pushed::Queued => out.queued += 1,
            Pushed::QueuedEvicting(_) => {
                out.queued += 1;
                out.dropped += 1;
            }
            Pushed::Dropped | Pushed::Closed => out.dropped += 1,
        }
    }
    crate::metrics::delivered(out.queued as u64);
    if out.dropped > 0 {
        crate::metrics::queue_drops(out.dropped as u64);
    }
    out
}

/// A free-access AVChatRoom's profile, for tests.
#[cfg(test)]
pub(crate) fn test_record(id: &str) -> GroupRecord {
    use liveroom_core::group::{ApplyJoinOption, GroupType};
    GroupRecord {
        app: AppId(1),
        id: GroupId::from_trusted(id),
        group_type: GroupType::AVChatRoom,
        name: id.into(),
        owner: None,
        introduction: String::new(),
        notification: String::new(),
        face_url: String::new(),
        max_member_num: 0,
        apply_join_option: ApplyJoinOption::FreeAccess,
        mute_all: false,
        create_time: 0,
        info_seq: 0,
        last_info_time: 0,
        last_msg_time: 0,
        msg_seq_ceiling: 0,
        custom: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbound::QueueLimits;
    use crate::session::Session;
    use std::time::Duration;

    /// Attendance nobody counts.
    struct Uncounted;

    impl Attendance for Uncounted {
        fn user_arrived(&self, _: &UserId, _: i64, _: usize) {}
        fn user_left(&self, _: &UserId, _: i64) {}
        fn guest_arrived(&self, _: i64, _: usize) {}
        fn guest_left(&self, _: i64) {}
        fn dismissed(&self) {}
    }

    fn room() -> Room {
        let record = test_record("r");
        let mut stored = StoredRoom::new(record);
        stored.bans.insert(UserId::from_trusted("banned"), i64::MAX);
        Room::new(stored, &AppSettings::default(), Arc::new(Uncounted))
    }

    fn reply(_: &GroupRecord, _: usize) -> Frame {
        Frame::control("{}".into())
    }

    fn session(id: u64) -> SessionRef {
        Arc::new(Session::new(id, QueueLimits::default()))
    }

    #[test]
    fn admission_checks_bans_and_the_room_state_under_the_member_lock() {
        let r = room();
        let alice = Some(UserId::from_trusted("alice"));
        assert_eq!(
            r.add_member(&session(1), alice.clone(), 1, 0, &reply),
            Admission::Added {
                first_of_user: true
            }
        );
        assert_eq!(
            r.add_member(&session(2), alice.clone(), 1, 0, &reply),
            Admission::Added {
                first_of_user: false
            }
        );
        assert_eq!(
            r.add_member(&session(1), alice.clone(), 1, 0, &reply),
            Admission::Already
        );
        assert_eq!(
            r.add_member(&session(3), None, 1, 0, &reply),
            Admission::Added {
                first_of_user: true
            }
        );
        assert_eq!(r.online_count(), 2, "alice once, one guest");
        assert!(matches!(
            r.add_member(
                &session(4),
                Some(UserId::from_trusted("banned")),
                1,
                0,
                &reply
            ),
            Admission::Banned(4_294_967_295)
        ));
        assert!(!r.retire_if_empty(|| false), "occupied rooms stay");
        let gone = r.close_for_good();
        assert_eq!(gone.len(), 3);
        assert_eq!(r.online_count(), 0);
        assert_eq!(
            r.add_member(&session(5), None, 1, 0, &reply),
            Admission::Gone { destroyed: true }
        );

        let busy = room();
        assert!(!busy.retire_if_empty(|| true), "work in progress keeps it");
        let idle = room();
        assert!(idle.retire_if_empty(|| false));
        assert_eq!(
            idle.add_member(&session(6), None, 1, 0, &reply),
            Admission::Gone { destroyed: false }
        );
    }

    fn guest_from(id: u64, ip: &str) -> SessionRef {
        let ip = ip.parse().expect("an address");
        Arc::new(Session::new(id, QueueLimits::default()).with_client_ip(Some(ip)))
    }

    #[test]
    fn guests_are_capped_per_source_and_are_one_viewer_each() {
        let r = room();
        let added = Admission::Added {
            first_of_user: true,
        };
        assert_eq!(
            r.add_member(&guest_from(1, "198.51.100.7"), None, 1, 2, &reply),
            added
        );
        assert_eq!(
            r.add_member(&guest_from(2, "198.51.100.7"), None, 1, 2, &reply),
            added
        );
        for (id, ip) in [(3, "198.51.100.7"), (4, "::ffff:198.51.100.7")] {
            assert_eq!(
                r.add_member(&guest_from(id, ip), None, 1, 2, &reply),
                Admission::GuestsPerAddressFull(2),
                "{ip}"
            );
        }
        assert!(r.guests_full_for(&guest_from(3, "198.51.100.7"), 2));
        assert!(
            !r.guests_full_for(&guest_from(1, "198.51.100.7"), 2),
            "a member"
        );
        // One IPv6 /64 is one source.
        assert_eq!(
            r.add_member(&guest_from(5, "2001:db8::1"), None, 1, 2, &reply),
            added
        );
        assert_eq!(
            r.add_member(&guest_from(6, "2001:db8::ff:1"), None, 1, 2, &reply),
            added
        );
        assert_eq!(
            r.add_member(&guest_from(7, "2001:db8::2"), None, 1, 2, &reply),
            Admission::GuestsPerAddressFull(2)
        );
        assert_eq!(
            r.add_member(&guest_from(8, "2001:db8:0:1::1"), None, 1, 2, &reply),
            added
        );
        let alice = Some(UserId::from_trusted("alice"));
        assert_eq!(
            r.add_member(&guest_from(9, "198.51.100.7"), alice, 1, 2, &reply),
            added
        );
        assert_eq!(r.online_count(), 6, "every guest connection and alice");
        assert_eq!(r.viewer_count(), 4, "alice and three guest sources");
        // A guest leaving frees its seat; the last one takes its source away.
        r.remove_member(1);
        assert_eq!(
            r.add_member(&guest_from(3, "198.51.100.7"), None, 1, 2, &reply),
            added
        );
        r.remove_member(8);
        assert_eq!(r.viewer_count(), 3);
        // 0: no cap.
        assert_eq!(
            r.add_member(&guest_from(10, "198.51.100.7"), None, 1, 0, &reply),
            added
        );
    }

    #[test]
    fn the_count_is_unsettled_while_any_member_was_told_another() {
        let r = room();
        let online = |c: usize| Some(Frame::control(c.to_string()));
        let (a, b, c) = (session(1), session(2), session(3));
        r.add_member(&a, None, 1, 0, &reply);
        r.add_member(&b, None, 1, 0, &reply);
        assert_eq!(r.online_unsettled(), Some(2));
        assert_eq!(r.push_online_count(online, |_| {}), Some(2));
        assert_eq!(r.online_unsettled(), None);
        assert_eq!(r.push_online_count(online, |_| {}), None, "nothing to tell");
        // c is told 3; then a leaves: the count is back at the one pushed, but c holds 3.
        r.add_member(&c, None, 1, 0, &reply);
        r.remove_member(1);
        assert_eq!(r.online_unsettled(), Some(2));
        assert_eq!(r.push_online_count(online, |_| {}), Some(2));
        assert_eq!(r.online_unsettled(), None);
        // A tip tells everyone a count but is not the push: a later change back still is.
        r.add_member(&a, None, 1, 0, &reply);
        r.broadcast_with_count(|n| Frame::control(n.to_string()), |_| {});
        r.remove_member(1);
        assert_eq!(r.online_unsettled(), Some(2));
    }

    /// Everything queued for `session` right now.
    async fn texts(session: &SessionRef) -> Vec<String> {
        let mut out = Vec::new();
        let wait = session.queue.next_batch(&mut out);
        let _ = tokio::time::timeout(Duration::from_millis(5), wait).await;
        out.iter()
            .map(|b| String::from_utf8_lossy(b).to_string())
            .collect()
    }

    fn msg(p: liveroom_core::group::Priority, text: &str) -> Frame {
        Frame::new(crate::outbound::FrameClass::Message(p), text.to_string())
    }

    #[tokio::test]
    async fn every_member_gets_the_frames_in_one_order_except_its_own() {
        use liveroom_core::group::Priority::{High, Low, Normal};
        let r = Arc::new(room());
        let (a, b) = (session(1), session(2));
        r.add_member(&a, None, 1, 0, &reply);
        r.add_member(&b, None, 1, 0, &reply);
        r.broadcast(&msg(Normal, "1"), None);
        r.broadcast(&msg(Low, "2"), Some(2));
        r.broadcast(&msg(High, "3"), None);
        assert_eq!(texts(&a).await, ["{}", "1", "2", "3"]);
        assert_eq!(
            texts(&b).await,
            ["{}", "1", "3"],
            "the sender skips its own"
        );
    }
}
