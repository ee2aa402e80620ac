//! What the clients observe. The tool runs on one thread, so every task shares one
//! `Stats` through `Rc<RefCell<..>>` with no atomics and no locks.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

/// Priorities as the payload marks them: High, Normal, Low, Lowest.
pub const PRIORITIES: [(&str, u8); 4] = [
    ("High", b'H'),
    ("Normal", b'N'),
    ("Low", b'L'),
    ("Lowest", b'W'),
];

/// The payload marker: `@lb:<µs since the Unix epoch>:<priority letter>:<sender's address index>:`.
pub const MARKER: &[u8] = b"@lb:";

/// Microseconds since the Unix epoch. Senders put it in the payload and receivers subtract
/// it from their own reading, so a send and its receipt in different tool processes (parts
/// of one run, on one machine) are measured on the same clock.
pub fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

/// A text of exactly `size` bytes (at least the marker's) carrying the send time, the
/// priority and the index of the address the sender is connected to.
pub fn payload(priority: usize, node: usize, size: usize) -> String {
    let mut s = format!(
        "@lb:{}:{}:{node}:",
        now_micros(),
        PRIORITIES[priority.min(3)].1 as char
    );
    while s.len() < size {
        s.push('x');
    }
    s
}

/// What one marker says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marker {
    pub sent_at: u64,
    pub priority: usize,
    /// The address index the sender was connected to.
    pub node: usize,
    /// Where to look for the next marker.
    pub next: usize,
}

/// Finds the first marker.
pub fn parse_marker(finder: &memchr::memmem::Finder<'_>, data: &[u8]) -> Option<Marker> {
    let at = finder.find(data)? + MARKER.len();
    let (sent_at, i) = digits(data, at)?;
    if i + 3 > data.len() || data[i] != b':' || data[i + 2] != b':' {
        return None;
    }
    let priority = PRIORITIES.iter().position(|p| p.1 == data[i + 1])?;
    let (node, j) = digits(data, i + 3)?;
    if data.get(j) != Some(&b':') {
        return None;
    }
    Some(Marker {
        sent_at,
        priority,
        node: usize::try_from(node).ok()?,
        next: j + 1,
    })
}

/// The decimal number at `from` and the index after it; None without a digit.
pub fn digits(data: &[u8], from: usize) -> Option<(u64, usize)> {
    let mut n: u64 = 0;
    let mut i = from;
    while i < data.len() && data[i].is_ascii_digit() {
        n = n.checked_mul(10)?.checked_add(u64::from(data[i] - b'0'))?;
        i += 1;
    }
    (i > from).then_some((n, i))
}

pub fn histogram() -> Histogram<u64> {
    // 1 µs to 10 min at 3 significant digits.
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("constant, valid bounds")
}

/// A histogram as `(value, count)` pairs, one per non-empty bucket: how a part writes its
/// latencies so that `merge` can add them up without losing precision.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Buckets(pub Vec<(u64, u64)>);

impl Buckets {
    pub fn of(h: &Histogram<u64>) -> Self {
        Self(
            h.iter_recorded()
                .map(|v| (v.value_iterated_to(), v.count_at_value()))
                .collect(),
        )
    }

    /// Adds these counts to `h` (values past its bounds count as its highest).
    pub fn add_to(&self, h: &mut Histogram<u64>) {
        for &(value, count) in &self.0 {
            h.saturating_record_n(value.max(1), count);
        }
    }

    /// One histogram holding all of `parts`.
    pub fn merged<'a>(parts: impl IntoIterator<Item = &'a Buckets>) -> Histogram<u64> {
        let mut h = histogram();
        for b in parts {
            b.add_to(&mut h);
        }
        h
    }
}

pub struct Stats {
    /// Deliveries and latencies are counted only while this is set (the hold phase).
    pub counting: bool,
    pub deliveries: u64,
    pub received: [u64; 4],
    pub sent: [u64; 4],
    /// For each send, the number of this process's viewers in its room at that moment.
    pub expected: [u64; 4],
    /// Sends per room index and priority, so other parts can add their viewers.
    pub sent_by_room: Vec<[u64; 4]>,
    /// Sends to every room at once (the broadcast API), per priority.
    pub broadcasts: [u64; 4],
    pub send_errors: u64,
    pub latency: Histogram<u64>,
    /// With several addresses: viewers on the sender's address, and on another one.
    pub latency_same_node: Histogram<u64>,
    pub latency_other_node: Histogram<u64>,
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
    /// Viewer-microseconds per room while counting, and when each room last changed.
    occupancy: Vec<u64>,
    occupied_since: Vec<u64>,
    counting_since: u64,
    /// Mean viewers per room over the counting window (set when counting stops).
    pub mean_in_room: Vec<f64>,
}

impl Stats {
    pub fn new(rooms: usize) -> Self {
        Self {
            counting: false,
            deliveries: 0,
            received: [0; 4],
            sent: [0; 4],
            expected: [0; 4],
            sent_by_room: vec![[0; 4]; rooms],
            broadcasts: [0; 4],
            send_errors: 0,
            latency: histogram(),
            latency_same_node: histogram(),
            latency_other_node: histogram(),
            window_latency: histogram(),
            window_deliveries: 0,
            connect_ok: 0,
            connect_errors: 0,
            first_error: None,
            disconnects: 0,
            join_latency: histogram(),
            joins_in_hold: 0,
            in_room: vec![0; rooms],
            occupancy: vec![0; rooms],
            occupied_since: vec![0; rooms],
            counting_since: 0,
            mean_in_room: vec![0.0; rooms],
        }
    }

    pub fn start_counting(&mut self, now: u64) {
        self.counting = true;
        self.counting_since = now;
        self.occupied_since.fill(now);
        self.occupancy.fill(0);
    }

    pub fn stop_counting(&mut self, now: u64) {
        for room in 0..self.in_room.len() {
            self.settle(room, now);
        }
        self.counting = false;
        let window = now.saturating_sub(self.counting_since).max(1) as f64;
        self.mean_in_room = self.occupancy.iter().map(|&o| o as f64 / window).collect();
    }

    /// Books the room's viewers since its last change into its occupancy.
    fn settle(&mut self, room: usize, now: u64) {
        if !self.counting {
            return;
        }
        let since = std::mem::replace(&mut self.occupied_since[room], now);
        self.occupancy[room] += self.in_room[room] * now.saturating_sub(since);
    }

    pub fn entered(&mut self, room: usize, now: u64) {
        self.settle(room, now);
        self.in_room[room] += 1;
        if self.counting {
            self.joins_in_hold += 1;
        }
    }

    pub fn left(&mut self, room: usize, now: u64) {
        self.settle(room, now);
        self.in_room[room] = self.in_room[room].saturating_sub(1);
    }

    /// One message received. `same_node` tells (with several addresses) whether the
    /// viewer is on the address the message was sent to.
    pub fn delivered(&mut self, sent_at: u64, prio: usize, now: u64, same_node: Option<bool>) {
        if !self.counting {
            return;
        }
        let lat = now.saturating_sub(sent_at).max(1);
        self.deliveries += 1;
        self.window_deliveries += 1;
        self.received[prio] += 1;
        let _ = self.latency.record(lat);
        let _ = self.window_latency.record(lat);
        match same_node {
            Some(true) => {
                let _ = self.latency_same_node.record(lat);
            }
            Some(false) => {
                let _ = self.latency_other_node.record(lat);
            }
            None => {}
        }
    }

    pub fn sent(&mut self, prio: usize, room: usize) {
        if !self.counting {
            return;
        }
        self.sent[prio] += 1;
        self.expected[prio] += self.in_room.get(room).copied().unwrap_or(0);
        if let Some(r) = self.sent_by_room.get_mut(room) {
            r[prio] += 1;
        }
    }

    /// One message to every room.
    pub fn broadcast_sent(&mut self, prio: usize) {
        if !self.counting {
            return;
        }
        self.sent[prio] += 1;
        self.expected[prio] += self.in_room.iter().sum::<u64>();
        self.broadcasts[prio] += 1;
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
        let p = payload(2, 7, 64);
        assert_eq!(p.len(), 64);
        let framed = format!(r#"{{"Text":"{p}","x":1}}"#);
        let finder = memchr::memmem::Finder::new(MARKER);
        let m = parse_marker(&finder, framed.as_bytes()).expect("marker");
        assert!(parse_marker(&finder, &framed.as_bytes()[m.next..]).is_none());
        let two = format!("{p}\r\n{p}");
        let first = parse_marker(&finder, two.as_bytes()).expect("first");
        assert!(parse_marker(&finder, &two.as_bytes()[first.next..]).is_some());
        assert_eq!((m.priority, m.node), (2, 7));
        assert!(m.sent_at <= now_micros());
        assert!(parse_marker(&finder, b"@lb:12").is_none());
        assert!(parse_marker(&finder, b"@lb:12:N:").is_none());
        assert!(parse_marker(&finder, b"@lb:12:N:3").is_none());
        assert!(parse_marker(&finder, b"no marker").is_none());
    }

    #[test]
    fn buckets_merge_to_the_histogram_of_all_samples() {
        let (mut a, mut b, mut all) = (histogram(), histogram(), histogram());
        for v in [1u64, 250, 250, 9_999, 123_456] {
            a.record(v).expect("in bounds");
            all.record(v).expect("in bounds");
        }
        for v in [3u64, 250, 77_000, 5_000_000] {
            b.record(v).expect("in bounds");
            all.record(v).expect("in bounds");
        }
        let (ba, bb) = (Buckets::of(&a), Buckets::of(&b));
        let back: Buckets =
            serde_json::from_str(&serde_json::to_string(&ba).expect("json")).expect("parse");
        assert_eq!(back, ba);
        let merged = Buckets::merged([&back, &bb]);
        assert_eq!(merged.len(), all.len());
        for q in [0.0, 0.25, 0.5, 0.9, 0.99, 1.0] {
            assert_eq!(
                merged.value_at_quantile(q),
                all.value_at_quantile(q),
                "q {q}"
            );
        }
        assert_eq!(merged.max(), all.max());
        assert_eq!(Buckets::merged([]).len(), 0);
    }

    #[test]
    fn occupancy_is_the_mean_of_viewers_over_the_window() {
        let mut st = Stats::new(2);
        st.entered(0, 0);
        st.entered(0, 0);
        st.start_counting(1_000);
        // Room 0: two viewers for the whole window; room 1: one viewer for its second half.
        st.entered(1, 2_000);
        st.left(0, 2_500);
        st.entered(0, 2_500);
        st.stop_counting(3_000);
        assert_eq!(st.mean_in_room, vec![2.0, 0.5]);
        assert_eq!(st.joins_in_hold, 2);
    }
}
