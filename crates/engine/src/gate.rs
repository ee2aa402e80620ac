//! `FrequencyGate`: a room's frequency control (reference 5.5).
//!
//! At most `limit` messages are admitted in any sliding one-second window. Decisions:
//!
//! - A message is admitted at once when no message of its priority or higher is waiting
//!   and the free slots in the window exceed its priority's *floor*. Floors keep part of
//!   the budget for more important messages: High 0, Normal limit/4, Low limit/2,
//!   Lowest 3*limit/4.
//! - Otherwise it waits, at most `max_wait`. Whenever the gate is polled, waiting messages
//!   are admitted highest priority first while slots above their floor are free; among
//!   messages of one priority the winners are picked at random.
//! - When some message's wait is over, the reserve is released: free slots go to the
//!   most important waiting messages (random among equals), due or not; due messages left
//!   without a slot are dropped. So a Lowest message never takes a slot a waiting Normal
//!   message could have had.
//! - Too many waiting messages (more than `4 * limit`, at least 256) evict a waiting
//!   message of the lowest priority present, chosen at random.
//!
//! So a room under its rate delivers immediately; over its rate, the most important
//! messages win. Because lower priorities stop at their floors, a burst shorter than
//! `max_wait` keeps every High message as long as the High messages number at most
//! `limit/4` plus those that arrive before the window fills. Over its rate a room delays
//! lower-priority messages by up to `max_wait`: that is the price of the reserve.
//! Time is passed in, which keeps the gate deterministic under test.

use rand::Rng;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

use liveroom_core::group::Priority;

const WINDOW: Duration = Duration::from_secs(1);

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
    limit: usize,
    max_wait: Duration,
    /// Admission instants within the last window, oldest first.
    admitted: VecDeque<Instant>,
    /// Waiting messages by priority index (High = 0).
    waiting: [Vec<Waiting<T>>; 4],
    waiting_cap: usize,
}

impl<T> FrequencyGate<T> {
    pub fn new(limit: u32, max_wait: Duration) -> Self {
        let limit = limit.max(1) as usize;
        Self {
            limit,
            max_wait,
            admitted: VecDeque::new(),
            waiting: Default::default(),
            waiting_cap: (4 * limit).max(256),
        }
    }

    /// Changes the rate and wait; takes effect for the next decision.
    pub fn reconfigure(&mut self, limit: u32, max_wait: Duration) {
        self.limit = limit.max(1) as usize;
        self.max_wait = max_wait;
        self.waiting_cap = (4 * self.limit).max(256);
    }

    fn floor(&self, p: Priority) -> usize {
        match p {
            Priority::High => 0,
            Priority::Normal => self.limit / 4,
            Priority::Low => self.limit / 2,
            Priority::Lowest => self.limit * 3 / 4,
        }
    }

    fn expire(&mut self, now: Instant) {
        while let Some(&t) = self.admitted.front() {
            if now.duration_since(t) >= WINDOW {
                self.admitted.pop_front();
            } else {
                break;
            }
        }
    }

    fn free(&self) -> usize {
        self.limit.saturating_sub(self.admitted.len())
    }

    pub fn waiting_len(&self) -> usize {
        self.waiting.iter().map(Vec::len).sum()
    }

    pub fn offer(
        &mut self,
        now: Instant,
        priority: Priority,
        item: T,
        rng: &mut impl Rng,
    ) -> Offer<T> {
        self.expire(now);
        let idx = priority.index();
        let nothing_ahead = self.waiting[..=idx].iter().all(Vec::is_empty);
        if nothing_ahead && self.free() > self.floor(priority) {
            self.admitted.push_back(now);
            return Offer::Admitted(item);
        }
        if self.waiting_len() >= self.waiting_cap {
            // Make room by evicting the least important waiting message, if it is less
            // important than (or as important as) this one.
            let lowest = (0..4).rev().find(|&i| !self.waiting[i].is_empty());
            match lowest {
                Some(i) if i >= idx => {
                    let victim = rng.gen_range(0..self.waiting[i].len());
                    let evicted = self.waiting[i].swap_remove(victim);
                    self.waiting[idx].push(Waiting {
                        deadline: now + self.max_wait,
                        item,
                    });
                    return Offer::Dropped(evicted.item);
                }
                _ => return Offer::Dropped(item),
            }
        }
        self.waiting[idx].push(Waiting {
            deadline: now + self.max_wait,
            item,
        });
        Offer::Waiting
    }

    pub fn poll(&mut self, now: Instant, rng: &mut impl Rng) -> Polled<T> {
        self.expire(now);
        let mut admitted = Vec::new();
        let mut dropped = Vec::new();
        // Waiting messages take slots above their floor, most important first.
        for p in Priority::ALL {
            let idx = p.index();
            let floor = self.floor(p);
            while !self.waiting[idx].is_empty() && self.free() > floor {
                let pick = rng.gen_range(0..self.waiting[idx].len());
                let w = self.waiting[idx].swap_remove(pick);
                self.admitted.push_back(now);
                admitted.push(w.item);
            }
        }
        // Once some wait is over, the reserve is released: free slots go to the most
        // important waiting messages (due or not), then what is due and left is dropped.
        let any_due = self.waiting.iter().flatten().any(|w| w.deadline <= now);
        if any_due {
            for p in Priority::ALL {
                let idx = p.index();
                while !self.waiting[idx].is_empty() && self.free() > 0 {
                    let pick = rng.gen_range(0..self.waiting[idx].len());
                    let w = self.waiting[idx].swap_remove(pick);
                    self.admitted.push_back(now);
                    admitted.push(w.item);
                }
            }
            for queue in self.waiting.iter_mut() {
                let mut i = 0;
                while i < queue.len() {
                    if queue[i].deadline <= now {
                        dropped.push(queue.swap_remove(i).item);
                    } else {
                        i += 1;
                    }
                }
            }
        }
        let next_deadline = self.waiting.iter().flatten().map(|w| w.deadline).min();
        let next_wake = next_deadline.map(|d| match self.admitted.front() {
            Some(&oldest) => d.min(oldest + WINDOW),
            None => d,
        });
        Polled {
            admitted,
            dropped,
            next_wake,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::seq::SliceRandom;
    use rand::SeedableRng;

    fn gate(limit: u32) -> FrequencyGate<(Priority, usize)> {
        FrequencyGate::new(limit, Duration::from_millis(100))
    }

    #[test]
    fn under_the_rate_everything_passes_at_once() {
        let mut g = gate(40);
        let mut rng = StdRng::seed_from_u64(1);
        let t0 = Instant::now();
        for i in 0..20 {
            let at = t0 + Duration::from_millis(50 * i as u64);
            assert!(matches!(
                g.offer(at, Priority::Normal, (Priority::Normal, i), &mut rng),
                Offer::Admitted(_)
            ));
        }
    }

    #[test]
    fn sliding_window_never_exceeds_the_limit() {
        let mut g = gate(10);
        let mut rng = StdRng::seed_from_u64(2);
        let t0 = Instant::now();
        let mut admitted_at = Vec::new();
        for ms in 0..3000u64 {
            let now = t0 + Duration::from_millis(ms);
            if ms % 5 == 0 {
                if let Offer::Admitted(_) =
                    g.offer(now, Priority::High, (Priority::High, 0), &mut rng)
                {
                    admitted_at.push(now);
                }
            }
            let polled = g.poll(now, &mut rng);
            admitted_at.extend(polled.admitted.iter().map(|_| now));
        }
        for (i, &t) in admitted_at.iter().enumerate() {
            let in_window = admitted_at[i..]
                .iter()
                .take_while(|&&u| u.duration_since(t) < WINDOW)
                .count();
            assert!(in_window <= 10, "{in_window} admitted within one second");
        }
        assert!(
            admitted_at.len() >= 28,
            "the budget is used: {}",
            admitted_at.len()
        );
    }

    #[test]
    fn a_burst_keeps_every_high_message() {
        for seed in 0..50 {
            let mut rng = StdRng::seed_from_u64(seed);
            let mut g = gate(40);
            let mut burst: Vec<Priority> = Vec::new();
            burst.extend(std::iter::repeat_n(Priority::High, 10));
            burst.extend(std::iter::repeat_n(Priority::Normal, 80));
            burst.extend(std::iter::repeat_n(Priority::Low, 60));
            burst.extend(std::iter::repeat_n(Priority::Lowest, 48));
            burst.shuffle(&mut rng);
            let t0 = Instant::now();
            let mut admitted = Vec::new();
            let mut dropped = Vec::new();
            for (i, p) in burst.iter().enumerate() {
                let now = t0 + Duration::from_micros(200 * i as u64);
                match g.offer(now, *p, (*p, i), &mut rng) {
                    Offer::Admitted(x) => admitted.push(x),
                    Offer::Dropped(x) => dropped.push(x),
                    Offer::Waiting => {}
                }
            }
            let mut now = t0;
            for _ in 0..30 {
                now += Duration::from_millis(50);
                let polled = g.poll(now, &mut rng);
                admitted.extend(polled.admitted);
                dropped.extend(polled.dropped);
            }
            let high = admitted
                .iter()
                .filter(|(p, _)| *p == Priority::High)
                .count();
            assert_eq!(high, 10, "seed {seed}: every High message is admitted");
            assert_eq!(admitted.len() + dropped.len(), burst.len());
            assert_eq!(admitted.len(), 40, "seed {seed}: the whole budget is used");
            // Lower priorities lose first: Lowest only gets the first quarter of the window.
            let lowest_admitted = admitted
                .iter()
                .filter(|(p, _)| *p == Priority::Lowest)
                .count();
            assert!(
                lowest_admitted <= 10,
                "seed {seed}: {lowest_admitted} Lowest admitted"
            );
        }
    }

    #[test]
    fn ties_are_broken_at_random() {
        let mut winners = std::collections::HashSet::new();
        for seed in 0..20 {
            let mut rng = StdRng::seed_from_u64(seed);
            let mut g = gate(4);
            let t0 = Instant::now();
            // Fill the budget, then five Normal messages compete for slots freed later.
            for i in 0..4 {
                let _ = g.offer(t0, Priority::High, (Priority::High, i), &mut rng);
            }
            for i in 10..15 {
                assert!(matches!(
                    g.offer(t0, Priority::Normal, (Priority::Normal, i), &mut rng),
                    Offer::Waiting
                ));
            }
            let polled = g.poll(t0 + Duration::from_millis(100), &mut rng);
            assert!(polled.admitted.is_empty());
            assert_eq!(polled.dropped.len(), 5);
            let mut g = gate(4);
            for i in 10..15 {
                let _ = g.offer(t0, Priority::Lowest, (Priority::Lowest, i), &mut rng);
            }
            // Lowest floor is 3 of 4: one passes at once, the rest wait for their deadline.
            let polled = g.poll(t0 + Duration::from_millis(100), &mut rng);
            for (_, i) in polled.admitted {
                winners.insert(i);
            }
        }
        assert!(
            winners.len() > 2,
            "different messages win on different seeds: {winners:?}"
        );
    }

    #[test]
    fn an_expiring_low_message_does_not_beat_a_waiting_normal_one() {
        let mut rng = StdRng::seed_from_u64(4);
        let mut g = gate(8);
        let t0 = Instant::now();
        // Fill to the Normal floor (8/4 = 2 free left) with High messages.
        for i in 0..6 {
            assert!(matches!(
                g.offer(t0, Priority::High, (Priority::High, i), &mut rng),
                Offer::Admitted(_)
            ));
        }
        // A Lowest message waits first, then two Normal messages, a little later.
        assert!(matches!(
            g.offer(t0, Priority::Lowest, (Priority::Lowest, 10), &mut rng),
            Offer::Waiting
        ));
        let t1 = t0 + Duration::from_millis(20);
        assert!(matches!(
            g.offer(t1, Priority::Normal, (Priority::Normal, 11), &mut rng),
            Offer::Waiting
        ));
        assert!(matches!(
            g.offer(t1, Priority::Normal, (Priority::Normal, 12), &mut rng),
            Offer::Waiting
        ));
        // The Lowest message is due first, but the two free slots go to the Normal ones.
        let polled = g.poll(t0 + Duration::from_millis(100), &mut rng);
        let mut ids: Vec<usize> = polled.admitted.iter().map(|(_, i)| *i).collect();
        ids.sort();
        assert_eq!(ids, vec![11, 12]);
        assert_eq!(
            polled.dropped.iter().map(|(_, i)| *i).collect::<Vec<_>>(),
            vec![10]
        );
    }

    #[test]
    fn waiting_room_is_bounded() {
        let mut g = FrequencyGate::new(1, Duration::from_secs(10));
        let mut rng = StdRng::seed_from_u64(3);
        let t0 = Instant::now();
        let _ = g.offer(t0, Priority::High, 0usize, &mut rng);
        let mut dropped = 0;
        for i in 0..1000 {
            if let Offer::Dropped(_) = g.offer(t0, Priority::Low, i, &mut rng) {
                dropped += 1;
            }
        }
        assert_eq!(g.waiting_len(), 256);
        assert_eq!(dropped, 1000 - 256);
        // A High message evicts a waiting Low one rather than being dropped.
        assert!(
            matches!(g.offer(t0, Priority::High, 9999, &mut rng), Offer::Dropped(x) if x != 9999)
        );
    }
}
