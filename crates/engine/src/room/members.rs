//! A room's members on this node: who is in (sessions, users, guests by source), what
//! they were last told of the online count, and what other nodes add to it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use liveroom_core::UserId;

use std::time::Instant;

use super::FanOut;
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
    pub(super) fn online(&self) -> usize {
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
pub(super) struct CountTold {
    /// The count of the last `online` push, which every member in the room then received.
    pushed: AtomicUsize,
    /// Since that push some member was told another count (a join reply, a join or quit
    /// tip), so a push is due even if the count is back at `pushed`.
    other: AtomicBool,
}

impl CountTold {
    pub(super) fn told(&self, count: usize) {
        if count != self.pushed.load(Ordering::Acquire) {
            self.other.store(true, Ordering::Release);
        }
    }

    pub(super) fn pushed(&self, count: usize) {
        self.pushed.store(count, Ordering::Release);
        self.other.store(false, Ordering::Release);
    }

    /// Every member holds `count`. A reader racing a writer may see "not settled" when it
    /// is (a push that finds nothing to do follows), never the other way: a change or a tell
    /// is followed by its own check.
    pub(super) fn settled_at(&self, count: usize) -> bool {
        !self.other.load(Ordering::Acquire) && count == self.pushed.load(Ordering::Acquire)
    }
}

/// Other nodes' part of a room's online count, as it adds to this node's: the users their
/// nodes listed in full (each counted once, on however many nodes, and not at all when also
/// here), and what cannot be told apart (guests, and the users of a node with more of them
/// than it lists).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct OnlineElsewhere {
    pub users: std::collections::HashSet<UserId>,
    pub uncounted: usize,
}

impl OnlineElsewhere {
    /// How many this adds to `members`' own count.
    pub(super) fn adds_to(&self, members: &Members) -> usize {
        let apart = self
            .users
            .iter()
            .filter(|u| !members.users.contains_key(*u))
            .count();
        self.uncounted + apart
    }
}

/// Queues `frame` to every member except `exclude`; the caller holds the hand-out lock.
pub(super) fn fan_out(members: &Members, frame: &Frame, exclude: Option<u64>) -> FanOut {
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
