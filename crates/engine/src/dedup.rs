//! De-duplication of sends (reference 4.7): group sends by `(sender, Random)` for five
//! minutes, one-to-one sends by their own key for two.
//!
//! A send registers itself before it is decided, as *pending*. A repeat that arrives while
//! the original is pending waits for its outcome rather than guessing it. The original
//! settles with its receipt (delivered or dropped by frequency control); if it fails or is
//! cancelled its entry is removed, so a retry is a new send — nothing that was not
//! acknowledged is ever reported as sent.

use parking_lot::Mutex;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::Arc;
use tokio::sync::watch;

use liveroom_core::UserId;

/// How long a `Random` value de-duplicates a sender's messages.
pub const DEDUP_WINDOW_SECS: i64 = 300;
/// Most remembered sends per room; beyond it the oldest are forgotten early, so a flood of
/// distinct `Random` values cannot grow memory without bound.
pub const DEDUP_MAX_ENTRIES: usize = 100_000;

/// A settled send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    pub seq: u64,
    pub time: i64,
    /// Frequency control dropped it.
    pub dropped: bool,
}

#[derive(Clone)]
enum Entry {
    Pending(watch::Receiver<Option<Receipt>>),
    Settled(Receipt),
}

/// What a new send learns from the memory.
pub enum Seen<K: Eq + Hash = (UserId, u32)> {
    /// Not seen: the send goes ahead and must settle `Registration`.
    New(Registration<K>),
    /// A repeat of a settled send.
    Repeat(Receipt),
    /// A repeat of a send still being decided; wait on it.
    InFlight(watch::Receiver<Option<Receipt>>),
}

/// Sends seen within the window, by key (group sends: `(sender, Random)`).
pub struct Dedup<K = (UserId, u32)> {
    seen: HashMap<K, Entry>,
    order: VecDeque<(i64, K)>,
    window: i64,
}

impl<K> Default for Dedup<K> {
    fn default() -> Self {
        Self::with_window(DEDUP_WINDOW_SECS)
    }
}

impl<K> Dedup<K> {
    /// A memory that forgets a send `window` seconds after it was seen.
    pub fn with_window(window: i64) -> Self {
        Self {
            seen: HashMap::new(),
            order: VecDeque::new(),
            window,
        }
    }
}

impl<K: Eq + Hash + Clone> Dedup<K> {
    /// Forgets entries older than the window.
    pub fn expire(&mut self, now: i64) {
        while let Some((t, _)) = self.order.front() {
            if now - *t < self.window {
                break;
            }
            if let Some((_, k)) = self.order.pop_front() {
                self.seen.remove(&k);
            }
        }
    }

    fn insert(&mut self, key: K, now: i64, entry: Entry) {
        if self.seen.insert(key.clone(), entry).is_none() {
            self.order.push_back((now, key));
        }
        while self.order.len() > DEDUP_MAX_ENTRIES {
            if let Some((_, k)) = self.order.pop_front() {
                self.seen.remove(&k);
            }
        }
    }
}

impl Dedup {
    /// A settled receipt, if `(sender, random)` was seen and settled.
    pub fn settled(&mut self, sender: &UserId, random: u32, now: i64) -> Option<Receipt> {
        self.expire(now);
        match self.seen.get(&(sender.clone(), random)) {
            Some(Entry::Settled(r)) => Some(*r),
            _ => None,
        }
    }

    /// Records a send another node decided and stored, unless this memory has it already.
    pub fn remember_stored(&mut self, sender: &UserId, random: u32, receipt: Receipt, at: i64) {
        if !self.seen.contains_key(&(sender.clone(), random)) {
            self.insert((sender.clone(), random), at, Entry::Settled(receipt));
        }
    }

    /// Records a send that is decided at once (broadcasts).
    pub fn remember(&mut self, sender: &UserId, random: u32, receipt: Receipt, now: i64) {
        self.insert((sender.clone(), random), now, Entry::Settled(receipt));
    }
}

/// Looks `key` up and, if new, registers it as pending.
pub fn register<K: Eq + Hash + Clone>(memory: &Arc<Mutex<Dedup<K>>>, key: K, now: i64) -> Seen<K> {
    let mut d = memory.lock();
    d.expire(now);
    match d.seen.get(&key).cloned() {
        Some(Entry::Settled(r)) => Seen::Repeat(r),
        Some(Entry::Pending(rx)) => Seen::InFlight(rx),
        None => {
            let (tx, rx) = watch::channel(None);
            d.insert(key.clone(), now, Entry::Pending(rx));
            Seen::New(Registration {
                memory: memory.clone(),
                key: Some(key),
                tx,
            })
        }
    }
}

/// A pending send's place in the memory. Settle it with the receipt; dropping it unsettled
/// (failure, cancellation) removes the entry and wakes waiting repeats with no receipt.
pub struct Registration<K: Eq + Hash = (UserId, u32)> {
    memory: Arc<Mutex<Dedup<K>>>,
    key: Option<K>,
    tx: watch::Sender<Option<Receipt>>,
}

impl<K: Eq + Hash> Registration<K> {
    pub fn settle(mut self, receipt: Receipt) {
        if let Some(key) = self.key.take() {
            if let Some(e) = self.memory.lock().seen.get_mut(&key) {
                *e = Entry::Settled(receipt);
            }
            let _ = self.tx.send(Some(receipt));
        }
    }
}

impl<K: Eq + Hash> Drop for Registration<K> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            let mut d = self.memory.lock();
            if matches!(d.seen.get(&key), Some(Entry::Pending(_))) {
                d.seen.remove(&key);
            }
        }
    }
}

/// Waits for an in-flight original; `None` if it failed or was cancelled.
pub async fn outcome(mut rx: watch::Receiver<Option<Receipt>>) -> Option<Receipt> {
    match rx.wait_for(Option::is_some).await {
        Ok(r) => *r,
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(u: &str) -> UserId {
        UserId::from_trusted(u)
    }

    #[tokio::test]
    async fn repeats_wait_for_the_original_and_failures_are_forgotten() {
        let memory = Arc::new(Mutex::new(Dedup::default()));
        let u = user("u");
        let Seen::New(first) = register(&memory, (u.clone(), 7), 1000) else {
            panic!("new")
        };
        let Seen::InFlight(rx) = register(&memory, (u.clone(), 7), 1000) else {
            panic!("in flight")
        };
        assert!(
            matches!(
                register(&memory, (user("other").clone(), 7), 1000),
                Seen::New(_)
            ),
            "keyed by sender"
        );
        let waiter = tokio::spawn(outcome(rx));
        first.settle(Receipt {
            seq: 3,
            time: 1000,
            dropped: true,
        });
        assert_eq!(
            waiter.await.ok().flatten(),
            Some(Receipt {
                seq: 3,
                time: 1000,
                dropped: true
            })
        );
        assert!(
            matches!(register(&memory, (u.clone(), 7), 1001), Seen::Repeat(r) if r.seq == 3 && r.dropped)
        );

        // A failed original leaves nothing behind; its waiting repeat learns so.
        let Seen::New(failing) = register(&memory, (u.clone(), 8), 1000) else {
            panic!("new")
        };
        let Seen::InFlight(rx) = register(&memory, (u.clone(), 8), 1000) else {
            panic!("in flight")
        };
        drop(failing);
        assert_eq!(outcome(rx).await, None);
        assert!(matches!(
            register(&memory, (u.clone(), 8), 1000),
            Seen::New(_)
        ));
    }

    #[test]
    fn forgets_after_the_window_and_beyond_its_cap() {
        let mut d = Dedup::default();
        let u = user("u");
        d.remember(
            &u,
            7,
            Receipt {
                seq: 1,
                time: 1000,
                dropped: false,
            },
            1000,
        );
        assert!(d.settled(&u, 7, 1100).is_some());
        assert!(
            d.settled(&u, 7, 1000 + DEDUP_WINDOW_SECS).is_none(),
            "expired"
        );
        for r in 0..(DEDUP_MAX_ENTRIES as u32 + 10) {
            d.remember(
                &u,
                r,
                Receipt {
                    seq: r as u64,
                    time: 2000,
                    dropped: false,
                },
                2000,
            );
        }
        assert_eq!(d.seen.len(), DEDUP_MAX_ENTRIES);
        assert!(
            d.settled(&u, 0, 2001).is_none(),
            "the oldest were forgotten"
        );
        assert!(d.settled(&u, DEDUP_MAX_ENTRIES as u32 + 9, 2001).is_some());
    }
}
