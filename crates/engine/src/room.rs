//! `Room`: the in-memory state of one AVChatRoom on this node. Membership and online
//! counts live only here (ephemeral by design); the profile, mutes and bans are cached
//! copies of what the store holds.

use parking_lot::{Mutex, RwLock};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use liveroom_core::app::AppSettings;
use liveroom_core::store::GroupRecord;
use liveroom_core::{AppId, GroupId, UserId};

use crate::gate::FrequencyGate;
use crate::messages::Pending;
use crate::outbound::{Frame, Pushed};
use crate::session::SessionRef;

/// How long a `Random` value de-duplicates a sender's messages.
pub const DEDUP_WINDOW_SECS: i64 = 300;
/// Most remembered sends per room; beyond it the oldest are forgotten early, so a flood of
/// distinct `Random` values cannot grow memory without bound.
pub const DEDUP_MAX_ENTRIES: usize = 100_000;

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
}

/// Result of a fan-out.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FanOut {
    pub queued: usize,
    pub dropped: usize,
}

pub(crate) struct SeqBlock {
    pub next: u64,
    pub ceiling: u64,
}

/// The receipt of a remembered send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Remembered {
    pub seq: u64,
    pub time: i64,
    /// Frequency control dropped it: a retry with the same `Random` is told so.
    pub dropped: bool,
}

/// Previous sends remembered for de-duplication: `(sender, Random)` -> receipt.
#[derive(Default)]
pub(crate) struct Dedup {
    seen: HashMap<(UserId, u32), Remembered>,
    order: VecDeque<(i64, UserId, u32)>,
}

impl Dedup {
    pub fn check(&mut self, sender: &UserId, random: u32, now: i64) -> Option<Remembered> {
        while let Some((t, _, _)) = self.order.front() {
            if now - *t < DEDUP_WINDOW_SECS {
                break;
            }
            if let Some((_, u, r)) = self.order.pop_front() {
                self.seen.remove(&(u, r));
            }
        }
        self.seen.get(&(sender.clone(), random)).copied()
    }

    pub fn remember(&mut self, sender: &UserId, random: u32, seq: u64, time: i64) {
        if self
            .seen
            .insert(
                (sender.clone(), random),
                Remembered {
                    seq,
                    time,
                    dropped: false,
                },
            )
            .is_none()
        {
            self.order.push_back((time, sender.clone(), random));
        }
        while self.order.len() > DEDUP_MAX_ENTRIES {
            if let Some((_, u, r)) = self.order.pop_front() {
                self.seen.remove(&(u, r));
            }
        }
    }

    pub fn mark_dropped(&mut self, sender: &UserId, random: u32) {
        if let Some(r) = self.seen.get_mut(&(sender.clone(), random)) {
            r.dropped = true;
        }
    }
}

pub struct Room {
    pub app: AppId,
    pub id: GroupId,
    pub(crate) profile: RwLock<GroupRecord>,
    pub(crate) members: RwLock<Members>,
    pub(crate) mutes: Mutex<HashMap<UserId, i64>>,
    pub(crate) bans: Mutex<HashMap<UserId, i64>>,
    pub(crate) gate: Mutex<FrequencyGate<Pending>>,
    pub(crate) gate_polling: AtomicBool,
    pub(crate) seq: tokio::sync::Mutex<SeqBlock>,
    pub(crate) dedup: Mutex<Dedup>,
    /// Serializes profile writes so store and cache stay in step.
    pub(crate) write_lock: tokio::sync::Mutex<()>,
    pub(crate) destroyed: AtomicBool,
}

impl Room {
    pub(crate) fn new(
        record: GroupRecord,
        settings: &AppSettings,
        mutes: HashMap<UserId, i64>,
        bans: HashMap<UserId, i64>,
    ) -> Self {
        let ceiling = record.msg_seq_ceiling;
        Self {
            app: record.app,
            id: record.id.clone(),
            profile: RwLock::new(record),
            members: RwLock::new(Members::default()),
            mutes: Mutex::new(mutes),
            bans: Mutex::new(bans),
            gate: Mutex::new(FrequencyGate::new(
                settings.room_msgs_per_sec,
                Duration::from_millis(settings.frequency_max_wait_ms as u64),
            )),
            gate_polling: AtomicBool::new(false),
            // Numbers below the stored ceiling may have been used before a restart.
            seq: tokio::sync::Mutex::new(SeqBlock {
                next: ceiling + 1,
                ceiling,
            }),
            dedup: Mutex::new(Dedup::default()),
            write_lock: tokio::sync::Mutex::new(()),
            destroyed: AtomicBool::new(false),
        }
    }

    pub fn profile(&self) -> GroupRecord {
        self.profile.read().clone()
    }

    pub fn is_destroyed(&self) -> bool {
        self.destroyed.load(Ordering::Acquire)
    }

    /// Online members: distinct logged-in users plus guest sessions.
    pub fn online_count(&self) -> usize {
        let m = self.members.read();
        m.users.len() + m.guests as usize
    }

    /// Queues one shared frame to every member except `exclude`.
    pub fn broadcast(&self, frame: &Frame, exclude: Option<u64>) -> FanOut {
        let members = self.members.read();
        let mut out = FanOut::default();
        for (id, m) in members.by_session.iter() {
            if Some(*id) == exclude {
                continue;
            }
            match m.session.push(frame) {
                Pushed::Queued => out.queued += 1,
                Pushed::QueuedEvicting(_) => {
                    out.queued += 1;
                    out.dropped += 1;
                }
                Pushed::Dropped | Pushed::Closed => out.dropped += 1,
            }
        }
        out
    }

    /// Adds a session; returns false if it was already a member.
    pub(crate) fn add_member(&self, session: &SessionRef, user: Option<UserId>, now: i64) -> bool {
        let mut m = self.members.write();
        if m.by_session.contains_key(&session.id) {
            return false;
        }
        match &user {
            Some(u) => *m.users.entry(u.clone()).or_default() += 1,
            None => m.guests += 1,
        }
        m.by_session.insert(
            session.id,
            Member {
                session: session.clone(),
                user,
                join_time: now,
            },
        );
        true
    }

    /// Removes a session; returns its user (or `Some(None)` for a guest) if it was a member,
    /// and whether that user has no other session left in the room.
    pub(crate) fn remove_member(&self, session_id: u64) -> Option<(Option<UserId>, bool)> {
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
                    true
                }
            },
            None => {
                m.guests = m.guests.saturating_sub(1);
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
        m.users.remove(user);
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

    pub(crate) fn is_member_user(&self, user: &UserId) -> bool {
        self.members.read().users.contains_key(user)
    }

    /// Remaining mute seconds of `user` at `now`, if muted.
    pub(crate) fn mute_remaining(&self, user: &UserId, now: i64) -> Option<u64> {
        let mut mutes = self.mutes.lock();
        match mutes.get(user) {
            Some(&until) if until > now => Some((until - now) as u64),
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
            Some(&until) if until > now => Some((until - now) as u64),
            Some(_) => {
                bans.remove(user);
                None
            }
            None => None,
        }
    }

    pub(crate) fn reconfigure(&self, settings: &AppSettings) {
        self.gate.lock().reconfigure(
            settings.room_msgs_per_sec,
            Duration::from_millis(settings.frequency_max_wait_ms as u64),
        );
    }
}

pub type RoomRef = Arc<Room>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedup_forgets_after_the_window_and_beyond_its_cap() {
        let mut d = Dedup::default();
        let u = UserId::from_trusted("u");
        d.remember(&u, 7, 1, 1000);
        assert_eq!(
            d.check(&u, 7, 1100).map(|r| (r.seq, r.time)),
            Some((1, 1000))
        );
        assert_eq!(
            d.check(&UserId::from_trusted("other"), 7, 1100),
            None,
            "keyed by sender"
        );
        assert_eq!(d.check(&u, 7, 1000 + DEDUP_WINDOW_SECS), None, "expired");
        for r in 0..(DEDUP_MAX_ENTRIES as u32 + 10) {
            d.remember(&u, r, r as u64, 2000);
        }
        assert_eq!(d.seen.len(), DEDUP_MAX_ENTRIES);
        assert_eq!(d.check(&u, 0, 2001), None, "the oldest were forgotten");
        assert!(d.check(&u, DEDUP_MAX_ENTRIES as u32 + 9, 2001).is_some());
    }
}
