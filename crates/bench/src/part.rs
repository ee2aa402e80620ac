//! Runs split over several tool processes. Each process runs one part of the viewers
//! and senders (`run --part K/N`) and writes what it measured as a `PartResult`: counts,
//! latency histograms as buckets, per-second series. `merge` adds parts up into the
//! `Outcome` a single run reports; a single run is merged from its one part, so both go
//! through the same arithmetic.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::process::ProcFigures;
use crate::run::{latency_of, Outcome, Plan, Point, PriorityRow};
use crate::stats::{Buckets, PRIORITIES};

/// Part `index` of `count`: which share of the viewers and senders this process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub index: usize,
    pub count: usize,
}

impl Part {
    pub const WHOLE: Part = Part { index: 0, count: 1 };

    /// `K/N`, with K counted from 0.
    pub fn parse(s: &str) -> Result<Part, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("{s:?} is not K/N (e.g. 0/3)"))?;
        let index: usize = k
            .trim()
            .parse()
            .map_err(|_| format!("{k:?} is not a number"))?;
        let count: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("{n:?} is not a number"))?;
        if count == 0 || index >= count {
            return Err(format!(
                "part {index} of {count}: parts are numbered 0 to N-1"
            ));
        }
        Ok(Part { index, count })
    }

    /// This part's contiguous share of `total` items; the shares of all parts cover
    /// `0..total` once, and differ in size by at most one.
    pub fn share(self, total: usize) -> Range<usize> {
        let at = |i: usize| total * i / self.count.max(1);
        at(self.index)..at(self.index + 1)
    }

    /// Part 0 samples the servers' CPU and memory (and reads their counters) for the
    /// whole run, and sends the broadcasts.
    pub fn measures_servers(self) -> bool {
        self.index == 0
    }

    /// `<stem>.part-K-of-N.json`
    pub fn file_name(self, stem: &str) -> String {
        format!("{stem}.part-{}-of-{}.json", self.index, self.count)
    }
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// One second of one part.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartPoint {
    /// Unix time of the sample in milliseconds.
    pub at_ms: u64,
    /// Seconds since this part started.
    pub t: f64,
    pub phase: String,
    pub connections: u64,
    pub deliveries: u64,
    /// Latencies of this second's deliveries.
    pub latency: Buckets,
    pub server_rss_bytes: u64,
    pub server_cpu: f64,
    pub extra_cpu: f64,
}

/// What one part measured, in a form that adds up.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartResult {
    pub target: String,
    /// The whole run's plan (every part has the same).
    pub plan: Plan,
    pub part: Part,
    pub addresses: Vec<String>,
    pub start_at_ms: Option<u64>,
    /// How long after `start_at_ms` this part could start sending (0: on time).
    pub late_ms: u64,
    pub started_ms: u64,
    pub ramp_started_ms: u64,
    pub ramp_secs: f64,
    pub send_secs: f64,
    pub measured_secs: f64,
    pub connected: u64,
    pub connect_errors: u64,
    pub first_error: Option<String>,
    pub disconnects: u64,
    /// This part's viewers in their rooms when sending started.
    pub connections_loaded: u64,
    pub deliveries: u64,
    pub send_errors: u64,
    pub joins_in_hold: u64,
    pub sent: [u64; 4],
    pub received: [u64; 4],
    /// This part's sends times this part's viewers in the room at each send.
    pub expected_here: [u64; 4],
    /// This part's sends per room index (rooms without sends left out) ...
    pub sent_by_room: Vec<(usize, [u64; 4])>,
    /// ... and to every room at once.
    pub broadcasts: [u64; 4],
    /// This part's mean viewers per room while counting, for the other parts' sends.
    pub mean_in_room: Vec<f64>,
    pub latency: Buckets,
    pub latency_same_node: Buckets,
    pub latency_other_node: Buckets,
    pub join_latency: Buckets,
    pub load_tool_cpu_secs: f64,
    /// Filled by the part that measures the servers; empty elsewhere.
    pub servers: Vec<ProcFigures>,
    pub servers_peak_rss_bytes: u64,
    pub extra: Vec<ProcFigures>,
    pub server_counters: serde_json::Value,
    pub series: Vec<PartPoint>,
}

impl PartResult {
    pub fn write(&self, out: &Path) -> Result<PathBuf> {
        std::fs::create_dir_all(out)?;
        let path = out.join(
            self.part
                .file_name(&format!("{}-{}", self.target, self.plan.scenario)),
        );
        std::fs::write(&path, serde_json::to_string(self)?)
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }

    /// The part files in `paths`: each a part file, or a directory holding some.
    pub fn read_all(paths: &[PathBuf]) -> Result<Vec<PartResult>> {
        let mut files = Vec::new();
        for p in paths {
            if p.is_dir() {
                let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                    .with_context(|| format!("reading {}", p.display()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|f| {
                        f.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.contains(".part-") && n.ends_with(".json"))
                    })
                    .collect();
                if found.is_empty() {
                    bail!("{} holds no *.part-K-of-N.json file", p.display());
                }
                found.sort();
                files.extend(found);
            } else {
                files.push(p.clone());
            }
        }
        files
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(f)
                    .with_context(|| format!("reading {}", f.display()))?;
                serde_json::from_str(&text)
                    .with_context(|| format!("{} is not a part's results", f.display()))
            })
            .collect()
    }
}

/// Checks that `parts` are the N parts of one run, each once, and puts them in order.
fn complete(mut parts: Vec<PartResult>) -> Result<Vec<PartResult>> {
    let Some(first) = parts.first() else {
        bail!("nothing to merge");
    };
    let count = first.part.count;
    let (plan, target, start) = (first.plan.clone(), first.target.clone(), first.start_at_ms);
    for p in &parts {
        if p.part.count != count {
            bail!(
                "part {} belongs to a run of {} parts, part {} to one of {count}",
                p.part,
                p.part.count,
                first.part
            );
        }
        if p.plan != plan || p.target != target {
            bail!(
                "part {} ran a different plan or target than part {}",
                p.part,
                first.part
            );
        }
        if p.start_at_ms != start {
            bail!(
                "part {} started at {:?}, part {} at {start:?}",
                p.part,
                p.start_at_ms,
                first.part
            );
        }
    }
    parts.sort_by_key(|p| p.part.index);
    let indices: Vec<usize> = parts.iter().map(|p| p.part.index).collect();
    if indices != (0..count).collect::<Vec<_>>() {
        bail!(
            "a run of {count} parts needs parts 0 to {}; got {indices:?}",
            count - 1
        );
    }
    Ok(parts)
}

/// Expected deliveries per priority: each part's sends to its own viewers as counted at
/// each send, plus its sends to the other parts' viewers at their mean occupancy (exact
/// when nobody leaves during the hold; an estimate under churn).
fn expected(parts: &[PartResult]) -> [u64; 4] {
    let mut out = [0f64; 4];
    for (i, p) in parts.iter().enumerate() {
        for (prio, e) in out.iter_mut().enumerate() {
            *e += p.expected_here[prio] as f64;
        }
        for (j, q) in parts.iter().enumerate() {
            if i == j {
                continue;
            }
            let occupied = |room: usize| q.mean_in_room.get(room).copied().unwrap_or(0.0);
            let everywhere: f64 = q.mean_in_room.iter().sum();
            for (prio, e) in out.iter_mut().enumerate() {
                *e += p.broadcasts[prio] as f64 * everywhere;
                for (room, sent) in &p.sent_by_room {
                    *e += sent[prio] as f64 * occupied(*room);
                }
            }
        }
    }
    out.map(|e| e.round() as u64)
}

/// The per-second series of all parts: seconds taken at the same instant (which a
/// shared start time arranges) are added up.
fn series(parts: &[PartResult]) -> Vec<Point> {
    let to_point = |t: f64, phase: &str, points: &[&PartPoint]| {
        let h = Buckets::merged(points.iter().map(|p| &p.latency));
        Point {
            t,
            phase: phase.to_string(),
            connections: points.iter().map(|p| p.connections).sum(),
            deliveries_per_sec: points.iter().map(|p| p.deliveries).sum(),
            p50_ms: h.value_at_quantile(0.5) as f64 / 1000.0,
            p99_ms: h.value_at_quantile(0.99) as f64 / 1000.0,
            server_rss_mb: points.iter().map(|p| p.server_rss_bytes).sum::<u64>() as f64 / 1e6,
            server_cpu: points.iter().map(|p| p.server_cpu).sum(),
            extra_cpu: points.iter().map(|p| p.extra_cpu).sum(),
        }
    };
    if let [only] = parts {
        return only
            .series
            .iter()
            .map(|p| to_point(p.t, &p.phase, &[p]))
            .collect();
    }
    let origin = parts.iter().map(|p| p.started_ms).min().unwrap_or(0);
    // Whole seconds from the shared start time (or from the first part's start).
    let anchor = parts[0].start_at_ms.unwrap_or(origin) as i128;
    let mut by_second: BTreeMap<i128, Vec<&PartPoint>> = BTreeMap::new();
    for p in parts {
        for point in &p.series {
            let second = (point.at_ms as i128 - anchor + 500).div_euclid(1000);
            by_second.entry(second).or_default().push(point);
        }
    }
    by_second
        .into_iter()
        .map(|(second, points)| {
            let at = anchor + second * 1000;
            // The phase of the part that measures the servers, when it has this second.
            let phase = points
                .iter()
                .find(|p| p.server_rss_bytes > 0)
                .or(points.first())
                .map_or("", |p| p.phase.as_str());
            to_point((at - origin as i128) as f64 / 1000.0, phase, &points)
        })
        .collect()
}

/// The report of the run `parts` make up.
pub fn merge(parts: Vec<PartResult>) -> Result<Outcome> {
    let parts = complete(parts)?;
    let first = &parts[0];
    let sum = |f: fn(&PartResult) -> u64| parts.iter().map(f).sum::<u64>();
    let max = |f: fn(&PartResult) -> f64| parts.iter().map(f).fold(0.0, f64::max);
    let servers: Vec<ProcFigures> = parts.iter().flat_map(|p| p.servers.clone()).collect();
    let extra: Vec<ProcFigures> = parts.iter().flat_map(|p| p.extra.clone()).collect();
    let rss = |f: fn(&ProcFigures) -> u64| servers.iter().map(f).sum::<u64>();
    let server_cpu: f64 = servers.iter().map(|s| s.cpu_secs).sum();
    let extra_cpu: f64 = extra.iter().map(|s| s.cpu_secs).sum();
    let (idle, loaded) = (rss(|s| s.rss_idle_bytes), rss(|s| s.rss_loaded_bytes));
    let deliveries = sum(|p| p.deliveries);
    let per_million = |cpu: f64| {
        if deliveries > 0 {
            cpu / deliveries as f64 * 1e6
        } else {
            0.0
        }
    };
    let connected = sum(|p| p.connected);
    // Connects over the time from the first part's ramp to the last one's end.
    let ramp_from = parts
        .iter()
        .map(|p| p.ramp_started_ms as f64)
        .fold(f64::MAX, f64::min);
    let ramp_to = parts
        .iter()
        .map(|p| p.ramp_started_ms as f64 + p.ramp_secs * 1000.0)
        .fold(0.0, f64::max);
    let ramp_secs = ((ramp_to - ramp_from) / 1000.0).max(1e-3);
    let measured = max(|p| p.measured_secs);
    let expected = expected(&parts);
    let by_priority = PRIORITIES
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let received = parts.iter().map(|p| p.received[i]).sum::<u64>();
            PriorityRow {
                priority: name,
                sent: parts.iter().map(|p| p.sent[i]).sum(),
                expected: expected[i],
                received,
                dropped: expected[i].saturating_sub(received),
            }
        })
        .collect();
    let several = first.addresses.len() > 1;
    let latency =
        |f: fn(&PartResult) -> &Buckets| latency_of(&Buckets::merged(parts.iter().map(f)));
    Ok(Outcome {
        target: first.target.clone(),
        plan: first.plan.clone(),
        addresses: first.addresses.clone(),
        parts: parts.len(),
        connected,
        connect_errors: sum(|p| p.connect_errors),
        first_error: parts.iter().find_map(|p| p.first_error.clone()),
        connect_rate_per_sec: if first.plan.churn.is_some() {
            0.0
        } else {
            connected as f64 / ramp_secs
        },
        join_latency: latency(|p| &p.join_latency),
        disconnects: sum(|p| p.disconnects),
        deliveries,
        deliveries_per_sec: deliveries as f64 / max(|p| p.send_secs).max(1e-3),
        latency: latency(|p| &p.latency),
        latency_same_node: several.then(|| latency(|p| &p.latency_same_node)),
        latency_other_node: several.then(|| latency(|p| &p.latency_other_node)),
        by_priority,
        send_errors: sum(|p| p.send_errors),
        churn_joins_per_sec: sum(|p| p.joins_in_hold) as f64 / measured.max(1e-3),
        server_rss_idle_bytes: idle,
        server_rss_loaded_bytes: loaded,
        server_rss_peak_bytes: sum(|p| p.servers_peak_rss_bytes),
        server_bytes_per_connection: loaded.saturating_sub(idle) as f64
            / sum(|p| p.connections_loaded).max(1) as f64,
        server_cpu_secs: server_cpu,
        server_cpu_secs_per_million: per_million(server_cpu),
        servers,
        extra,
        extra_cpu_secs: extra_cpu,
        system_cpu_secs: server_cpu + extra_cpu,
        system_cpu_secs_per_million: per_million(server_cpu + extra_cpu),
        load_tool_cpu_secs: parts.iter().map(|p| p.load_tool_cpu_secs).sum(),
        measured_secs: measured,
        server_counters: first.server_counters.clone(),
        series: series(&parts),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::histogram;

    fn part(index: usize, count: usize) -> PartResult {
        PartResult {
            target: "liveroom".into(),
            plan: crate::presets::preset("danmaku").expect("preset"),
            part: Part { index, count },
            addresses: vec!["127.0.0.1:1".into(), "127.0.0.1:1".into()],
            start_at_ms: Some(1_000_000),
            late_ms: 0,
            started_ms: 990_000 + index as u64 * 1000,
            ramp_started_ms: 990_500 + index as u64 * 1000,
            ramp_secs: 2.0,
            send_secs: 20.0,
            measured_secs: 21.5,
            connected: 100,
            connect_errors: index as u64,
            first_error: (index == 1).then(|| "refused".to_string()),
            disconnects: 0,
            connections_loaded: 100,
            deliveries: 0,
            send_errors: 0,
            joins_in_hold: 0,
            sent: [0; 4],
            received: [0; 4],
            expected_here: [0; 4],
            sent_by_room: Vec::new(),
            broadcasts: [0; 4],
            mean_in_room: vec![100.0],
            latency: Buckets::default(),
            latency_same_node: Buckets::default(),
            latency_other_node: Buckets::default(),
            join_latency: Buckets::default(),
            load_tool_cpu_secs: 1.5,
            servers: Vec::new(),
            servers_peak_rss_bytes: 0,
            extra: Vec::new(),
            server_counters: serde_json::Value::Null,
            series: Vec::new(),
        }
    }

    fn buckets(values: &[u64]) -> Buckets {
        let mut h = histogram();
        for &v in values {
            h.record(v).expect("in bounds");
        }
        Buckets::of(&h)
    }

    #[test]
    fn parts_parse_and_share_everything_once() {
        assert_eq!(Part::parse("1/3"), Ok(Part { index: 1, count: 3 }));
        assert!(Part::parse("3/3").is_err());
        assert!(Part::parse("0/0").is_err());
        assert!(Part::parse("2").is_err());
        for (total, count) in [(0, 1), (10, 3), (50_000, 3), (2, 5), (8, 8)] {
            let shares: Vec<Range<usize>> = (0..count)
                .map(|index| Part { index, count }.share(total))
                .collect();
            let mut next = 0;
            for s in &shares {
                assert_eq!(s.start, next);
                next = s.end;
            }
            assert_eq!(next, total);
            let sizes: Vec<usize> = shares.iter().map(|s| s.len()).collect();
            let spread = sizes
                .iter()
                .max()
                .zip(sizes.iter().min())
                .map(|(a, b)| a - b);
            assert!(spread <= Some(1), "{sizes:?}");
        }
        assert_eq!(Part::WHOLE.share(7), 0..7);
    }

    #[test]
    fn merging_adds_counts_and_histograms() {
        let (mut a, mut b) = (part(0, 2), part(1, 2));
        a.deliveries = 3;
        a.received = [1, 2, 0, 0];
        a.latency = buckets(&[1_000, 2_000, 3_000]);
        a.latency_same_node = buckets(&[1_000, 2_000]);
        a.latency_other_node = buckets(&[3_000]);
        a.join_latency = buckets(&[500]);
        a.servers = vec![ProcFigures {
            pid: 7,
            rss_idle_bytes: 1_000_000,
            rss_loaded_bytes: 3_000_000,
            rss_peak_bytes: 3_500_000,
            cpu_secs: 2.0,
        }];
        a.servers_peak_rss_bytes = 3_500_000;
        a.extra = vec![ProcFigures {
            pid: 8,
            cpu_secs: 0.5,
            ..ProcFigures::default()
        }];
        b.deliveries = 1;
        b.received = [0, 1, 0, 0];
        b.latency = buckets(&[100_000]);
        b.latency_other_node = buckets(&[100_000]);
        b.join_latency = buckets(&[700]);
        b.disconnects = 2;
        let o = merge(vec![b, a]).expect("merge");
        assert_eq!(o.parts, 2);
        assert_eq!((o.connected, o.connect_errors, o.disconnects), (200, 1, 2));
        assert_eq!(o.first_error.as_deref(), Some("refused"));
        assert_eq!(o.deliveries, 4);
        assert_eq!(o.latency.samples, 4);
        assert!(
            (o.latency.max_ms - 100.0).abs() < 0.1,
            "{}",
            o.latency.max_ms
        );
        let same = o.latency_same_node.expect("several addresses");
        let other = o.latency_other_node.expect("several addresses");
        assert_eq!((same.samples, other.samples), (2, 2));
        assert_eq!(o.join_latency.samples, 2);
        assert_eq!(o.by_priority[1].received, 3);
        assert_eq!(o.server_cpu_secs, 2.0);
        assert_eq!((o.extra_cpu_secs, o.system_cpu_secs), (0.5, 2.5));
        assert_eq!(o.server_cpu_secs_per_million, 2.0 / 4.0 * 1e6);
        // 2 MB over the 200 viewers of both parts.
        assert_eq!(o.server_bytes_per_connection, 10_000.0);
        assert_eq!(o.load_tool_cpu_secs, 3.0);
        // Both parts ramped 100 over 2 s, one second apart: 200 in 3 s.
        assert!((o.connect_rate_per_sec - 200.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn expected_counts_other_parts_viewers_at_their_occupancy() {
        let (mut a, mut b) = (part(0, 2), part(1, 2));
        a.mean_in_room = vec![10.0, 0.0];
        b.mean_in_room = vec![5.0, 2.5];
        // a sent 4 Normal into room 0 (its own 10 viewers each time) and 2 Low into room 1;
        a.sent = [0, 4, 2, 0];
        a.expected_here = [0, 40, 0, 0];
        a.sent_by_room = vec![(0, [0, 4, 0, 0]), (1, [0, 0, 2, 0])];
        // b sent 1 High to every room (its own 7.5 viewers, counted as 8 at the send).
        b.sent = [1, 0, 0, 0];
        b.expected_here = [8, 0, 0, 0];
        b.broadcasts = [1, 0, 0, 0];
        assert_eq!(expected(&[a.clone(), b.clone()]), [8 + 10, 40 + 20, 5, 0]);
        // One part alone: exactly what it counted at each send.
        assert_eq!(expected(&[a]), [0, 40, 0, 0]);
    }

    #[test]
    fn seconds_of_all_parts_line_up() {
        let (mut a, mut b) = (part(0, 2), part(1, 2));
        let point = |at_ms: u64, deliveries: u64, rss: u64| PartPoint {
            at_ms,
            t: 0.0,
            phase: "hold".into(),
            connections: 10,
            deliveries,
            latency: buckets(&vec![2_000; deliveries as usize]),
            server_rss_bytes: rss,
            server_cpu: 0.0,
            extra_cpu: 0.0,
        };
        a.series = vec![point(999_000, 1, 5_000_000), point(1_000_001, 2, 5_000_000)];
        b.series = vec![point(1_000_003, 4, 0), point(1_001_002, 8, 0)];
        let s = series(&[a, b]);
        let d: Vec<u64> = s.iter().map(|p| p.deliveries_per_sec).collect();
        assert_eq!(d, [1, 6, 8]);
        let t: Vec<f64> = s.iter().map(|p| p.t).collect();
        assert_eq!(t, [9.0, 10.0, 11.0]);
        assert_eq!(s[1].connections, 20);
        assert_eq!(s[1].p99_ms, 2.0);
        assert_eq!(s[0].server_rss_mb, 5.0);
    }

    #[test]
    fn merge_refuses_incomplete_or_mixed_parts() {
        assert!(merge(vec![part(0, 3), part(2, 3)]).is_err());
        assert!(merge(vec![part(0, 2), part(0, 2)]).is_err());
        assert!(merge(vec![part(0, 2), part(1, 3)]).is_err());
        let mut other = part(1, 2);
        other.plan.viewers += 1;
        assert!(merge(vec![part(0, 2), other]).is_err());
        assert!(merge(Vec::new()).is_err());
        assert!(merge(vec![part(1, 2), part(0, 2)]).is_ok());
    }

    #[test]
    fn a_part_survives_its_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut a = part(0, 2);
        a.latency = buckets(&[1_000, 5_000]);
        let path = a.write(dir.path()).expect("write");
        assert!(path.ends_with("liveroom-danmaku.part-0-of-2.json"));
        part(1, 2).write(dir.path()).expect("write");
        let back = PartResult::read_all(&[dir.path().to_path_buf()]).expect("read");
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].latency, a.latency);
        assert!(PartResult::read_all(&[dir.path().join("none")]).is_err());
    }
}
