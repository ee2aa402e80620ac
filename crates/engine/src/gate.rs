//! `FrequencyGate`: a room's frequency control (reference 5.5).
//!
//! A token bucket: `limit` tokens a second, refilled continuously, holding at most `limit`
//! (a quiet room starts full). A message takes one token. Decisions:
//!
//! - **Floors.** A priority may not take the bucket below its floor, a reserve kept for more
//!   important messages: High 0, Normal limit/4, Low limit/2, Lowest 3*limit/4 tokens.
//! - A message is admitted at once when nothing of its priority or higher is waiting and the
//!   bucket holds at least one token above its floor. Otherwise it waits, at most `max_wait`.
//! - Whenever the gate is polled, waiting messages are admitted highest priority first, first
//!   come first served within a priority (so a connection's messages keep their order), while
//!   tokens above their floor are there; waiting messages whose time is over are dropped.
//! - Too many waiting messages (more than `4 * limit`, at least 256) evict the newest waiting
//!   message of the lowest priority present.
//!
//! So a room at or under its rate (one second's worth of burst) delivers at once, with no
//! delay and no drop; over it, the bucket runs down to the floors and lower priorities wait
//! and are dropped first, while every refilled token goes to the most important message
//! waiting: High messages are kept as long as High alone fits the rate. Time is passed in,
//! which keeps the gate deterministic under test.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use liveroom_core::group::Priority;

struct Waiting<T> {
    deadline: Instant,
    item: T,
}

/// The result of offering a message.
pub enum Offer<T> {
    Admitted(T),
    /// The gate holds the message; a later [`FrequencyGate::poll`] decides.
    Waiting,
    /// Dropped at once (only when the waiting room is full and this is the least important).
    Dropped(T),
}

/// Decisions taken by a poll, plus when to poll next.
pub struct Polled<T> {
    pub admitted: Vec<T>,
    pub dropped: Vec<T>,
    /// `None` when nothing waits.
    pub next_wake: Option<Instant>,
}

pub struct FrequencyGate<T> {
    limit: f64,
    max_wait: Duration,
    tokens: f64,
    /// When `tokens` was last brought up to date; `None` for a gate that never decided.
    refilled: Option<Instant>,
    /// Waiting messages by priority index (High = 0), oldest first.
    waiting: [VecDeque<Waiting<T>>; 4],
    waiting_cap: usize,
}

impl<T> FrequencyGate<T> {
    pub fn new(limit: u32, max_wait: Duration) -> Self {
        let limit = limit.max(1);
        Self {
            limit: f64::from(limit),
            max_wait,
            tokens: f64::from(limit),
            refilled: None,
            waiting: Default::default(),
            waiting_cap: (4 * limit as usize).max(256),
        }
    }

    /// Changes the rate and wait; takes effect for the next decision.
    pub fn reconfigure(&mut self, limit: u32, max_wait: Duration) {
        let limit = limit.max(1);
        self.limit = f64::from(limit);
        self.tokens = self.tokens.min(self.limit);
        self.max_wait = max_wait;
        self.waiting_cap = (4 * limit as usize).max(256);
    }

    fn floor(&self, p: Priority) -> f64 {
        match p {
            Priority::High => 0.0,
            Priority::Normal => (self.limit / 4.0).floor(),
            Priority::Low => (self.limit / 2.0).floor(),
            Priority::Lowest => (self.limit * 3.0 / 4.0).floor(),
        }
    }

    fn refill(&mut self, now: Instant) {
        if let Some(at) = self.refilled {
            let earned = now.saturating_duration_since(at).as_secs_f64() * self.limit;
            self.tokens = (self.tokens + earned).min(self.limit);
        }
        self.refilled = Some(match self.refilled {
            Some(at) if at > now => at,
            _ => now,
        });
    }

    /// Takes a token for a message of priority `p`, if one above its floor is there.
    fn take(&mut self, p: Priority) -> bool {
        if self.tokens >= self.floor(p) + 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    pub fn waiting_len(&self) -> usize {
        self.waiting.iter().map(VecDeque::len).sum()
    }

    pub fn offer(&mut self, now: Instant, priority: Priority, item: T) -> Offer<T> {
        self.refill(now);
        let idx = priority.index();
        let nothing_ahead = self.waiting[..=idx].iter().all(VecDeque::is_empty);
        if nothing_ahead && self.take(priority) {
            return Offer::Admitted(item);
        }
        let waiting = Waiting {
            deadline: now + self.max_wait,
            item,
        };
        if self.waiting_len() >= self.waiting_cap {
            // Make room by evicting the newest waiting message of the lowest priority
            // present, if it is not more important than this one.
            let lowest = (0..4).rev().find(|&i| !self.waiting[i].is_empty());
            match lowest {
                Some(i) if i >= idx => {
                    let evicted = self.waiting[i].pop_back().map(|w| w.item);
                    self.waiting[idx].push_back(waiting);
                    return match evicted {
                        Some(e) => Offer::Dropped(e),
                        None => Offer::Waiting,
                    };
                }
                _ => return Offer::Dropped(waiting.item),
            }
        }
        self.waiting[idx].push_back(waiting);
        Offer::Waiting
    }

    pub fn poll(&mut self, now: Instant) -> Polled<T> {
        self.refill(now);
        let mut admitted = Vec::new();
        let mut dropped = Vec::new();
        // Tokens go to the most important waiting messages, oldest first; a priority that
        // cannot take one leaves the less important ones waiting too.
        'admit: for p in Priority::ALL {
            let idx = p.index();
            while !self.waiting[idx].is_empty() {
                if !self.take(p) {
                    break 'admit;
                }
                if let Some(w) = self.waiting[idx].pop_front() {
                    admitted.push(w.item);
                }
            }
        }
        for queue in self.waiting.iter_mut() {
            while queue.front().is_some_and(|w| w.deadline <= now) {
                if let Some(w) = queue.pop_front() {
                    dropped.push(w.item);
                }
            }
        }
        let next_wake = self.next_wake(now);
        Polled {
            admitted,
            dropped,
            next_wake,
        }
    }

    /// The earliest of: a waiting message's deadline, and the moment the most important
    /// waiting message will have a token above its floor.
    fn next_wake(&self, now: Instant) -> Option<Instant> {
        let deadline = self.waiting.iter().flatten().map(|w| w.deadline).min()?;
        let first = Priority::ALL
            .into_iter()
            .find(|p| !self.waiting[p.index()].is_empty())?;
        let short = (self.floor(first) + 1.0 - self.tokens).max(0.0);
        let token_at = now + Duration::from_secs_f64(short / self.limit);
        Some(deadline.min(token_at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::seq::SliceRandom;
    use rand::SeedableRng;

    type Decided = Vec<(Priority, usize)>;

    fn gate(limit: u32) -> FrequencyGate<(Priority, usize)> {
        FrequencyGate::new(limit, Duration::from_millis(100))
    }

    /// Offers `plan` (arrival offset, priority) in order, polling every millisecond, for
    /// `secs` seconds; returns what was admitted and dropped.
    fn run(
        g: &mut FrequencyGate<(Priority, usize)>,
        plan: &[(Duration, Priority)],
        secs: u64,
    ) -> (Decided, Decided, usize) {
        let t0 = Instant::now();
        let (mut admitted, mut dropped, mut at_once) = (Vec::new(), Vec::new(), 0);
        let mut next = 0;
        for ms in 0..=secs * 1000 {
            let now = t0 + Duration::from_millis(ms);
            while next < plan.len() && t0 + plan[next].0 <= now {
                let p = plan[next].1;
                match g.offer(now, p, (p, next)) {
                    Offer::Admitted(x) => {
                        at_once += 1;
                        admitted.push(x);
                    }
                    Offer::Dropped(x) => dropped.push(x),
                    Offer::Waiting => {}
                }
                next += 1;
            }
            let polled = g.poll(now);
            admitted.extend(polled.admitted);
            dropped.extend(polled.dropped);
        }
        (admitted, dropped, at_once)
    }

    fn mix(rate: u32, secs: u64, rng: &mut StdRng) -> Vec<(Duration, Priority)> {
        let n = rate as u64 * secs;
        (0..n)
            .map(|i| {
                let p = *[
                    Priority::High,
                    Priority::Normal,
                    Priority::Normal,
                    Priority::Low,
                    Priority::Lowest,
                ]
                .choose(rng)
                .expect("non-empty");
                (Duration::from_micros(i * 1_000_000 / rate as u64), p)
            })
            .collect()
    }

    fn count(v: &[(Priority, usize)], p: Priority) -> usize {
        v.iter().filter(|(q, _)| *q == p).count()
    }

    #[test]
    fn at_the_rate_nothing_waits_and_nothing_is_dropped() {
        let mut rng = StdRng::seed_from_u64(1);
        let plan = mix(40, 10, &mut rng);
        let (admitted, dropped, at_once) = run(&mut gate(40), &plan, 11);
        assert!(dropped.is_empty(), "{} dropped", dropped.len());
        assert_eq!(at_once, plan.len(), "every message passes at once");
        assert_eq!(admitted.len(), plan.len());
    }

    #[test]
    fn over_the_rate_the_room_admits_its_rate_and_lower_priorities_lose_first() {
        let mut rng = StdRng::seed_from_u64(2);
        // Twice the rate for 10 s, a fifth of it High (under the rate on its own).
        let plan = mix(80, 10, &mut rng);
        let (admitted, dropped, _) = run(&mut gate(40), &plan, 11);
        assert_eq!(admitted.len() + dropped.len(), plan.len());
        // One second's worth of burst plus the refill, never more.
        assert!(admitted.len() <= 40 + 40 * 11, "{}", admitted.len());
        assert!(admitted.len() >= 40 * 10 - 5, "{}", admitted.len());
        let share = |p| count(&admitted, p) as f64 / count(&plan_items(&plan), p) as f64;
        assert_eq!(share(Priority::High), 1.0, "every High message is kept");
        assert!(share(Priority::Normal) > share(Priority::Low));
        assert!(share(Priority::Low) >= share(Priority::Lowest));
    }

    fn plan_items(plan: &[(Duration, Priority)]) -> Vec<(Priority, usize)> {
        plan.iter().enumerate().map(|(i, (_, p))| (*p, i)).collect()
    }

    #[test]
    fn a_burst_keeps_every_high_message() {
        for seed in 0..50 {
            let mut rng = StdRng::seed_from_u64(seed);
            let mut burst: Vec<Priority> = Vec::new();
            burst.extend(std::iter::repeat_n(Priority::High, 10));
            burst.extend(std::iter::repeat_n(Priority::Normal, 80));
            burst.extend(std::iter::repeat_n(Priority::Low, 60));
            burst.extend(std::iter::repeat_n(Priority::Lowest, 48));
            burst.shuffle(&mut rng);
            // All within 40 ms.
            let plan: Vec<_> = burst
                .iter()
                .enumerate()
                .map(|(i, p)| (Duration::from_micros(200 * i as u64), *p))
                .collect();
            let (admitted, dropped, _) = run(&mut gate(40), &plan, 1);
            assert_eq!(count(&admitted, Priority::High), 10, "seed {seed}");
            assert_eq!(admitted.len() + dropped.len(), burst.len());
            // The bucket less the High reserve that High did not need, plus what refills
            // while the last messages wait (~140 ms).
            assert!(
                (30..=46).contains(&admitted.len()),
                "seed {seed}: {}",
                admitted.len()
            );
            // Lowest only takes the top quarter of the bucket.
            assert!(count(&admitted, Priority::Lowest) <= 10, "seed {seed}");
        }
    }

    #[test]
    fn waiting_messages_of_one_priority_pass_in_arrival_order() {
        let mut g = gate(4);
        let t0 = Instant::now();
        for i in 0..4 {
            assert!(matches!(
                g.offer(t0, Priority::High, (Priority::High, i)),
                Offer::Admitted(_)
            ));
        }
        for i in 10..13 {
            assert!(matches!(
                g.offer(t0, Priority::Normal, (Priority::Normal, i)),
                Offer::Waiting
            ));
        }
        // A token every 250 ms, but Normal keeps a floor of one: the first passes at 500 ms.
        let mut got = Vec::new();
        let g = &mut FrequencyGate::new(4, Duration::from_secs(5));
        for i in 0..4 {
            let _ = g.offer(t0, Priority::High, (Priority::High, i));
        }
        for i in 10..13 {
            let _ = g.offer(t0, Priority::Normal, (Priority::Normal, i));
        }
        for ms in (0..2000).step_by(10) {
            got.extend(g.poll(t0 + Duration::from_millis(ms)).admitted);
        }
        assert_eq!(
            got.iter().map(|(_, i)| *i).collect::<Vec<_>>(),
            vec![10, 11, 12]
        );
    }

    #[test]
    fn an_expiring_low_message_does_not_beat_a_waiting_normal_one() {
        let mut g = gate(8);
        let t0 = Instant::now();
        // Down to the Normal floor (2) with High messages.
        for i in 0..6 {
            assert!(matches!(
                g.offer(t0, Priority::High, (Priority::High, i)),
                Offer::Admitted(_)
            ));
        }
        assert!(matches!(
            g.offer(t0, Priority::Lowest, (Priority::Lowest, 10)),
            Offer::Waiting
        ));
        let t1 = t0 + Duration::from_millis(20);
        assert!(matches!(
            g.offer(t1, Priority::Normal, (Priority::Normal, 11)),
            Offer::Waiting
        ));
        // A token refills in 125 ms: it goes to the Normal message; the Lowest one is due.
        let polled = g.poll(t0 + Duration::from_millis(130));
        assert_eq!(
            polled.admitted.iter().map(|(_, i)| *i).collect::<Vec<_>>(),
            vec![11]
        );
        assert_eq!(
            polled.dropped.iter().map(|(_, i)| *i).collect::<Vec<_>>(),
            vec![10]
        );
    }

    #[test]
    fn the_next_wake_is_when_a_token_or_a_deadline_comes() {
        let mut g = gate(10);
        let t0 = Instant::now();
        for i in 0..10 {
            let _ = g.offer(t0, Priority::High, (Priority::High, i));
        }
        let _ = g.offer(t0, Priority::High, (Priority::High, 99));
        let wake = g.poll(t0).next_wake.expect("waiting");
        assert_eq!(wake, t0 + Duration::from_millis(100), "a token in 100 ms");
        let polled = g.poll(wake);
        assert_eq!(polled.admitted.len(), 1);
        assert!(polled.next_wake.is_none());
    }

    #[test]
    fn waiting_room_is_bounded() {
        let mut g = FrequencyGate::new(1, Duration::from_secs(10));
        let t0 = Instant::now();
        let _ = g.offer(t0, Priority::High, 0usize);
        let mut dropped = 0;
        for i in 0..1000 {
            if let Offer::Dropped(_) = g.offer(t0, Priority::Low, i) {
                dropped += 1;
            }
        }
        assert_eq!(g.waiting_len(), 256);
        assert_eq!(dropped, 1000 - 256);
        // A High message evicts a waiting Low one rather than being dropped.
        assert!(matches!(g.offer(t0, Priority::High, 9999), Offer::Dropped(x) if x != 9999));
    }
}
