//! The request budget of a connection (a token bucket), and when running over it is a flood.

use std::time::{Duration, Instant};

/// A connection's request budget: a token bucket of `requests_per_sec` holding twice that.
/// Every frame takes a token. A second in which at least a quarter of the rate (at least 5)
/// was refused is a second *over the limit*; a connection over its limit for more than two
/// seconds in a row is a flood and is closed.
pub(super) struct RequestLimiter {
    rate: f64,
    tokens: f64,
    last: Instant,
    second_started: Instant,
    refused_this_second: u32,
    over_seconds: u32,
    over_threshold: u32,
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    Allowed,
    Refused,
    Flood,
}

/// Seconds over the limit in a row before the connection is closed.
const FLOOD_SECONDS: u32 = 2;

impl RequestLimiter {
    pub(super) fn new(per_sec: u32) -> Self {
        let rate = per_sec.max(1) as f64;
        let now = Instant::now();
        Self {
            rate,
            tokens: rate * 2.0,
            last: now,
            second_started: now,
            refused_this_second: 0,
            over_seconds: 0,
            over_threshold: (per_sec / 4).max(5),
        }
    }

    pub(super) fn allow(&mut self, now: Instant) -> Verdict {
        let since = now.duration_since(self.second_started);
        if since >= Duration::from_secs(1) {
            let over = self.refused_this_second >= self.over_threshold;
            self.over_seconds = if over && since < Duration::from_secs(2) {
                self.over_seconds + 1
            } else {
                0
            };
            self.second_started = now;
            self.refused_this_second = 0;
        }
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Verdict::Allowed;
        }
        self.refused_this_second += 1;
        if self.over_seconds >= FLOOD_SECONDS && self.refused_this_second >= self.over_threshold {
            Verdict::Flood
        } else {
            Verdict::Refused
        }
    }
}

impl RequestLimiter {
    /// Credits the time from `from` to `to`, when the server did not read the connection,
    /// in full, even beyond the bucket's size: frames sent meanwhile at the allowed rate are
    /// not refused when they are read together afterwards.
    pub(super) fn credit(&mut self, from: Instant, to: Instant) {
        self.refill(from);
        self.tokens += to.saturating_duration_since(from).as_secs_f64() * self.rate;
        self.last = self.last.max(to);
    }

    fn refill(&mut self, now: Instant) {
        let earned = now.saturating_duration_since(self.last).as_secs_f64() * self.rate;
        // A credit may hold the bucket above its size until it is used.
        self.tokens = self.tokens.max((self.tokens + earned).min(self.rate * 2.0));
        self.last = self.last.max(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_over_its_limit_for_more_than_two_seconds_is_a_flood() {
        let t0 = Instant::now();
        let mut l = RequestLimiter::new(50);
        // 100 frames a second: once the bucket is empty half are refused, and the third
        // second over the limit ends it.
        let (mut first_refusal, mut flood_at) = (None, None);
        for i in 0..1000u64 {
            let at = t0 + Duration::from_millis(10 * i);
            match l.allow(at) {
                Verdict::Allowed => {}
                Verdict::Refused => {
                    first_refusal.get_or_insert(at);
                }
                Verdict::Flood => {
                    flood_at = Some(at);
                    break;
                }
            }
        }
        let over = flood_at
            .expect("a flood")
            .duration_since(first_refusal.expect("refusals"));
        assert!(
            over > Duration::from_secs(2) && over < Duration::from_secs(4),
            "{over:?}"
        );

        // Frames that queued while the server was busy elsewhere are read together and
        // allowed: 200 frames sent at the rate during 4 s the reader was held.
        let mut l = RequestLimiter::new(50);
        let held = t0 + Duration::from_secs(4);
        l.credit(t0, held);
        for i in 0..200u64 {
            assert_eq!(
                l.allow(held + Duration::from_micros(i)),
                Verdict::Allowed,
                "{i}"
            );
        }

        // At the rate, after a burst that empties the bucket, nothing is ever a flood.
        let mut l = RequestLimiter::new(50);
        for i in 0..150u64 {
            let _ = l.allow(t0 + Duration::from_micros(100 * i));
        }
        for i in 0..1000u64 {
            let at = t0 + Duration::from_millis(20 * i + 100);
            assert_ne!(l.allow(at), Verdict::Flood);
        }
    }
}
