//! Users' levels, kept in memory for the users active on this node ([`Levels`]), so a
//! message carries its sender's level without a store read.

use super::*;

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

    /// A tracked user's level, marking the user active now; `None` when not tracked.
    pub(super) fn seen_now(&self, user: &UserId) -> Option<u32> {
        let t = self.users.get(user)?;
        t.seen.store(unix_secs(), Ordering::Relaxed);
        Some(t.level.load(Ordering::Relaxed))
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

    pub(super) fn forget_idle(&self, now: i64) {
        self.users
            .retain(|_, t| now - t.seen.load(Ordering::Relaxed) < LEVEL_IDLE_SECS);
    }
}
