//! `Room`: the fan-out core of one AVChatRoom on this node: its members and online count
//! (ephemeral by design), the ordered hand-out to their queues, the short history newcomers
//! receive, and cached copies of what the store holds (profile, mutes, bans, admins). What
//! a feature keeps per room lives in that feature's module, beside the core in
//! [`crate::loaded::LoadedRoom`].

use parking_lot::{Mutex, RwLock};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;

use liveroom_core::app::AppSettings;
use liveroom_core::group::MUTE_FOREVER_SECS;
use liveroom_core::store::GroupRecord;
use liveroom_core::{AppId, GroupId, UserId};

use crate::outbound::Frame;
use crate::session::SessionRef;

use members::fan_out;
use members::CountTold;
pub(crate) use members::{GuestSource, Member, Members, OnlineElsewhere};
pub(crate) use recent::RecentHistory;
#[cfg(test)]
pub(crate) use tests::test_record;

mod members;
mod recent;
#[cfg(test)]
mod tests;

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
    /// (nobody on a single node). Part of every count this room tells.
    elsewhere: Mutex<OnlineElsewhere>,
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
            elsewhere: Mutex::new(OnlineElsewhere::default()),
        }
    }

    /// The room across the cluster.
    pub fn key(&self) -> crate::broker::RoomKey {
        crate::broker::RoomKey::new(self.app, &self.id)
    }

    /// The count this room tells its members: its members here plus those elsewhere.
    fn online_of(&self, members: &Members) -> usize {
        members.online() + self.elsewhere.lock().adds_to(members)
    }

    /// The online count with `elsewhere` for the other nodes' part (what they report now).
    pub(crate) fn online_with(&self, elsewhere: &OnlineElsewhere) -> usize {
        let members = self.members.read();
        members.online() + elsewhere.adds_to(&members)
    }

    /// Online members on this node only.
    pub(crate) fn local_online(&self) -> usize {
        self.members.read().online()
    }

    /// Distinct logged-in users here.
    pub(crate) fn local_users(&self) -> usize {
        self.members.read().users.len()
    }

    /// Other nodes' online members of the room; returns whether they changed.
    pub(crate) fn set_online_elsewhere(&self, elsewhere: OnlineElsewhere) -> bool {
        let mut held = self.elsewhere.lock();
        let changed = *held != elsewhere;
        *held = elsewhere;
        changed
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

    /// Adds a member's session to a group with stored membership (at login, or as the user
    /// becomes a member): no reply, no history, no audience statistics. Checked under the
    /// member lock as [`Room::add_member`] is.
    pub(crate) fn attach(&self, session: &SessionRef, user: &UserId, now: i64) -> Admission {
        let mut m = self.members.write();
        if self.destroyed.load(Ordering::Acquire) {
            return Admission::Gone { destroyed: true };
        }
        if self.retired.load(Ordering::Acquire) {
            return Admission::Gone { destroyed: false };
        }
        if m.by_session.contains_key(&session.id) {
            return Admission::Already;
        }
        let n = m.users.entry(user.clone()).or_default();
        *n += 1;
        let first_of_user = *n == 1;
        self.last_active.store(now, Ordering::Relaxed);
        m.by_session.insert(
            session.id,
            Member {
                session: session.clone(),
                user: Some(user.clone()),
                join_time: now,
            },
        );
        Admission::Added { first_of_user }
    }

    /// The group keeps its members and messages in the store (every type but AVChatRoom).
    pub fn is_durable(&self) -> bool {
        self.profile.read().group_type.rules().durable
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
