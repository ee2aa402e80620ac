//! What the clients observe. The tool runs on one thread, so every task shares one
//! `Stats` through `Rc<RefCell<..>>` with no atomics and no locks.

use hdrhistogram::Histogram;
use std::sync::OnceLock;
use std::time::Instant;

/// Priorities as the payload marks them: High, Normal, Low, Lowest.
pub const PRIORITIES: [(&str, u8); 4] = [
    ("High", b'H'),
    ("Normal", b'N'),
    ("Low", b'L'),
    ("Lowest", b'W'),
];

/// The payload marker: `@lb:<micros since the tool started>:<priority letter>:`.
pub const MARKER: &[u8] = b"@lb:";

static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Microseconds since the tool started; senders put it in the payload, receivers subtract.
pub fn now_micros() -> u64 {
    EPOCH.get_or_init(Instant::now).elapsed().as_micros() as u64
}

/// A text of exactly `size` bytes (at least the marker's) carrying the send time.
pub fn payload(priority: usize, size: usize) -> String {
    let mut s = format!(
        "@lb:{}:{}:",
        now_micros(),
        PRIORITIES[priority.min(3)].1 as char
    );
    while s.len() < size {
        s.push('x');
    }
    s
}

/// Finds the first marker; returns the send time, the priority index and where to look
/// for the next one.
pub fn parse_marker(
    finder: &memchr::memmem::Finder<'_>,
    data: &[u8],
) -> Option<(u64, usize, usize)> {
    let at = finder.find(data)? + MARKER.len();
    let mut ts: u64 = 0;
    let mut i = at;
    while i < data.len() && data[i].is_ascii_digit() {
        ts = ts * 10 + (data[i] - b'0') as u64;
        i += 1;
    }
    if i + 2 > data.len() || data[i] != b':' {
        return None;
    }
    let prio = PRIORITIES.iter().position(|p| p.1 == data[i + 1])?;
    Some((ts, prio, i + 2))
}

fn histogram() -> Histogram<u64> {
    // 1 µs to 10 min at 3 significant digits.
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("constant, valid bounds")
}

pub struct Stats {
    /// Deliveries and latencies are counted only while this is set (the hold phase).
    pub counting: bool,
    pub deliveries: u64,
    pub received: [u64; 4],
    pub sent: [u64; 4],
    /// For each send, the number of viewers in its room at that moment.
    pub expected: [u64; 4],
    pub send_errors: u64,
    pub latency: Histogram<u64>,
    /// Since the last sample; reset every second.
    pub window_latency: Histogram<u64>,
    pub window_deliveries: u64,
    pub connect_ok: u64,
    pub connect_errors: u64,
    pub first_error: Option<String>,
    pub disconnects: u64,
    /// Connect + subscribe/join, as a viewer sees it.
    pub join_latency: Histogram<u64>,
    pub joins_in_hold: u64,
    /// Viewers currently subscribed, per room index.
    pub in_room: Vec<u64>,
}

impl Stats {
    pub fn new(rooms: usize) -> Self {
        Self {
            counting: false,
            deliveries: 0,
            received: [0; 4],
            sent: [0; 4],
            expected: [0; 4],
            send_errors: 0,
            latency: histogram(),
            window_latency: histogram(),
            window_deliveries: 0,
            connect_ok: 0,
            connect_errors: 0,
            first_error: None,
            disconnects: 0,
            join_latency: histogram(),
            joins_in_hold: 0,
            in_room: vec![0; rooms],
        }
    }

    pub fn delivered(&mut self, sent_at: u64, prio: usize, now: u64) {
        if !self.counting {
            return;
        }
        let lat = now.saturating_sub(sent_at).max(1);
        self.deliveries += 1;
        self.window_deliveries += 1;
        self.received[prio] += 1;
        let _ = self.latency.record(lat);
        let _ = self.window_latency.record(lat);
    }

    pub fn sent(&mut self, prio: usize, room: usize) {
        if !self.counting {
            return;
        }
        self.sent[prio] += 1;
        self.expected[prio] += self.in_room.get(room).copied().unwrap_or(0);
    }

    pub fn connect_failed(&mut self, e: &anyhow::Error) {
        self.connect_errors += 1;
        if self.first_error.is_none() {
            self.first_error = Some(format!("{e:#}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_survives_a_round_trip_inside_other_text() {
        let p = payload(2, 64);
        assert_eq!(p.len(), 64);
        let framed = format!(r#"{{"Text":"{p}","x":1}}"#);
        let finder = memchr::memmem::Finder::new(MARKER);
        let (ts, prio, next) = parse_marker(&finder, framed.as_bytes()).expect("marker");
        assert!(parse_marker(&finder, &framed.as_bytes()[next..]).is_none());
        let two = format!("{p}\r\n{p}");
        let (_, _, next) = parse_marker(&finder, two.as_bytes()).expect("first");
        assert!(parse_marker(&finder, &two.as_bytes()[next..]).is_some());
        assert_eq!(prio, 2);
        assert!(ts <= now_micros());
        assert!(parse_marker(&finder, b"@lb:12").is_none());
        assert!(parse_marker(&finder, b"no marker").is_none());
    }
}
