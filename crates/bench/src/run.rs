//! One run of one scenario against one target: ramp the viewers up, hold with the
//! senders posting, drain, stop — all within a bounded time — while sampling the
//! clients' counters and the servers' /proc every second. A run may be one part of
//! several tool processes (`Part`); what it measured comes back as a `PartResult`, which
//! `part::merge` turns into the report, for one part or many alike.

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::net::Ipv4Addr;
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::part::{Part, PartPoint, PartResult};
use crate::process::{sample, sample_each, total, ProcFigures, ProcSample};
use crate::stats::{now_micros, parse_marker, payload, Buckets, Stats, MARKER};
use crate::target::Target;
use crate::ws::{OP_BINARY, OP_CLOSE, OP_PING, OP_PONG, OP_TEXT};

/// Everything that shapes a run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Plan {
    pub scenario: String,
    pub viewers: usize,
    pub rooms: usize,
    pub senders: usize,
    /// Messages per second offered by all senders together (each room gets its share).
    pub rate: f64,
    /// Weights of High, Normal, Low, Lowest among the messages sent.
    pub mix: [u32; 4],
    pub payload_bytes: usize,
    /// New connections per second while ramping up.
    pub ramp_rate: f64,
    pub hold_secs: u64,
    /// Viewers leave after a random time in this range (seconds) and come back at once.
    pub churn: Option<(f64, f64)>,
    /// Messages go to every room at once through the broadcast API.
    pub broadcast: bool,
    /// Connections opened from each loopback source address (127.0.0.2, .3, ...).
    pub per_source: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub t: f64,
    pub phase: String,
    pub connections: u64,
    pub deliveries_per_sec: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub server_rss_mb: f64,
    pub server_cpu: f64,
    /// CPU of the `--extra-pid` processes (e.g. nats-server) in the same second.
    pub extra_cpu: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
    pub samples: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PriorityRow {
    pub priority: &'static str,
    pub sent: u64,
    pub expected: u64,
    pub received: u64,
    pub dropped: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub target: String,
    pub plan: Plan,
    /// The addresses viewers and senders were spread over (empty: the one started server).
    pub addresses: Vec<String>,
    /// How many tool processes ran the viewers and senders.
    pub parts: usize,
    pub connected: u64,
    pub connect_errors: u64,
    pub first_error: Option<String>,
    pub connect_rate_per_sec: f64,
    pub join_latency: Latency,
    pub disconnects: u64,
    pub deliveries: u64,
    pub deliveries_per_sec: f64,
    pub latency: Latency,
    /// With several addresses: latency to viewers on the address the message was sent
    /// to, and to viewers on the others.
    pub latency_same_node: Option<Latency>,
    pub latency_other_node: Option<Latency>,
    pub by_priority: Vec<PriorityRow>,
    pub send_errors: u64,
    pub churn_joins_per_sec: f64,
    /// Sums over the server processes (each also in `servers`).
    pub server_rss_idle_bytes: u64,
    pub server_rss_loaded_bytes: u64,
    pub server_rss_peak_bytes: u64,
    pub server_bytes_per_connection: f64,
    pub server_cpu_secs: f64,
    pub server_cpu_secs_per_million: f64,
    pub servers: Vec<ProcFigures>,
    /// Other processes of the system under test (`--extra-pid`, e.g. nats-server).
    pub extra: Vec<ProcFigures>,
    pub extra_cpu_secs: f64,
    /// Servers and extra processes together.
    pub system_cpu_secs: f64,
    pub system_cpu_secs_per_million: f64,
    pub load_tool_cpu_secs: f64,
    pub measured_secs: f64,
    pub server_counters: serde_json::Value,
    pub series: Vec<Point>,
}

pub fn latency_of(h: &hdrhistogram::Histogram<u64>) -> Latency {
    let ms = |us: u64| us as f64 / 1000.0;
    Latency {
        p50_ms: ms(h.value_at_quantile(0.5)),
        p99_ms: ms(h.value_at_quantile(0.99)),
        p999_ms: ms(h.value_at_quantile(0.999)),
        max_ms: ms(h.max()),
        samples: h.len(),
    }
}

/// How this process takes part in a run beyond the plan.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub part: Part,
    /// Sending starts at this Unix time in milliseconds (every part waits for it).
    pub start_at_ms: Option<u64>,
    /// Processes whose CPU counts as the system's besides the servers (e.g. nats-server).
    pub extra_pids: Vec<u32>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            part: Part::WHOLE,
            start_at_ms: None,
            extra_pids: Vec::new(),
        }
    }
}

/// Shared by every task of the run.
struct Ctx {
    target: Target,
    plan: Plan,
    rooms: Vec<String>,
    /// How many addresses the target has (viewers and senders are spread over them).
    addresses: usize,
    stats: Rc<RefCell<Stats>>,
    stop: Rc<tokio::sync::Notify>,
    stopping: Cell<bool>,
    sending: Cell<bool>,
    started: Instant,
}

/// Longest a viewer or sender may take to connect and subscribe; keeps every run bounded.
pub const JOIN_TIMEOUT: Duration = Duration::from_secs(30);

fn source_of(plan: &Plan, n: usize) -> Ipv4Addr {
    source_address(n, plan.per_source)
}

/// The loopback source address of connection `n` when each address opens `per_source`.
pub fn source_address(n: usize, per_source: usize) -> Ipv4Addr {
    let k = (n / per_source.max(1)) as u32;
    // 127.0.0.2 upwards, wrapping inside 127.0.0.0/8.
    let host = 2 + k % (1 << 23);
    Ipv4Addr::from(0x7f00_0000 | host)
}

/// The address viewer `n` connects to: the m-th viewer of room r goes to address
/// (r + m) mod A, so every room spans every address (when it has A viewers or more) and
/// the addresses get equal shares, whatever the number of rooms.
pub fn address_of_viewer(n: usize, rooms: usize, addresses: usize) -> usize {
    let rooms = rooms.max(1);
    (n % rooms + n / rooms) % addresses.max(1)
}

/// The address sender `k` connects to (round-robin).
pub fn address_of_sender(k: usize, addresses: usize) -> usize {
    k % addresses.max(1)
}

fn unix_ms() -> u64 {
    now_micros() / 1000
}

/// Runs this process's part of `plan` against `target` (already started and reachable)
/// and stops it.
pub async fn run(
    target: Target,
    plan: Plan,
    settings: serde_json::Value,
    opts: RunOptions,
) -> Result<PartResult> {
    let part = opts.part;
    let started_ms = unix_ms();
    let rooms: Vec<String> = (0..plan.rooms.max(1))
        .map(|i| format!("bench_{i}"))
        .collect();
    target.setup(&rooms, settings).await?;
    let addresses = target.addresses().len().max(1);
    let stats = Rc::new(RefCell::new(Stats::new(rooms.len())));
    let cx = Rc::new(Ctx {
        target,
        plan: plan.clone(),
        rooms,
        addresses,
        stats: stats.clone(),
        stop: Rc::new(tokio::sync::Notify::new()),
        stopping: Cell::new(false),
        sending: Cell::new(false),
        started: Instant::now(),
    });
    // One part measures the servers for the whole run; the others would only repeat it.
    let (server_pids, extra_pids) = if part.measures_servers() {
        (cx.target.pids(), opts.extra_pids.clone())
    } else {
        (Vec::new(), Vec::new())
    };
    let servers = {
        let pids = server_pids.clone();
        move || sample_each(&pids)
    };
    let extras = {
        let pids = extra_pids.clone();
        move || sample_each(&pids)
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = servers();

    // Sampling, once a second, for the whole run; with a start time, on the same
    // instants in every part, so their seconds line up when merged.
    let series = Rc::new(RefCell::new(Vec::<PartPoint>::new()));
    let phase = Rc::new(Cell::new("ramp"));
    let peaks = Rc::new(RefCell::new(
        idle.iter().map(|s| s.rss_bytes).collect::<Vec<_>>(),
    ));
    let peak_total = Rc::new(Cell::new(total(&idle).rss_bytes));
    let my_viewers = part.share(plan.viewers);
    let my_senders = part.share(plan.senders);
    let bar = ProgressBar::new(my_viewers.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{prefix:>8} [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_prefix(cx.target.name());
    {
        let (cx, series, phase, peaks, peak_total, bar) = (
            cx.clone(),
            series.clone(),
            phase.clone(),
            peaks.clone(),
            peak_total.clone(),
            bar.clone(),
        );
        let (servers, extras) = (servers.clone(), extras.clone());
        let first = match opts.start_at_ms {
            Some(at) => {
                let phase_ms = (unix_ms() as i128 - at as i128).rem_euclid(1000) as u64;
                Duration::from_millis(1000 - phase_ms)
            }
            None => Duration::from_secs(1),
        };
        tokio::task::spawn_local(async move {
            let mut tick = tokio::time::interval_at(
                tokio::time::Instant::now() + first,
                Duration::from_secs(1),
            );
            let mut last: Option<(f64, f64)> = None;
            loop {
                tick.tick().await;
                let s = servers();
                let x = total(&extras());
                let sum = total(&s);
                for (peak, s) in peaks.borrow_mut().iter_mut().zip(&s) {
                    *peak = (*peak).max(s.rss_bytes);
                }
                peak_total.set(peak_total.get().max(sum.rss_bytes));
                let (cpu, extra_cpu) = last
                    .map(|(c, e)| (sum.cpu_secs - c, x.cpu_secs - e))
                    .unwrap_or((0.0, 0.0));
                last = Some((sum.cpu_secs, x.cpu_secs));
                let mut st = cx.stats.borrow_mut();
                let p = PartPoint {
                    at_ms: unix_ms(),
                    t: cx.started.elapsed().as_secs_f64(),
                    phase: phase.get().to_string(),
                    connections: st.in_room.iter().sum(),
                    deliveries: st.window_deliveries,
                    latency: Buckets::of(&st.window_latency),
                    server_rss_bytes: sum.rss_bytes,
                    server_cpu: cpu,
                    extra_cpu,
                };
                let p99_ms = st.window_latency.value_at_quantile(0.99) as f64 / 1000.0;
                st.window_deliveries = 0;
                st.window_latency.reset();
                drop(st);
                bar.set_message(format!(
                    "{} | {} deliveries/s, p99 {p99_ms:.1} ms, server {:.0} MB, cpu {:.2}",
                    p.phase,
                    p.deliveries,
                    p.server_rss_bytes as f64 / 1e6,
                    p.server_cpu
                ));
                series.borrow_mut().push(p);
                if cx.stopping.get() {
                    break;
                }
            }
        });
    }

    // Ramp: this part's viewers at `ramp_rate`, at most 256 handshakes in flight.
    let ramp_started_ms = unix_ms();
    let ramp_started = Instant::now();
    let in_flight = std::sync::Arc::new(tokio::sync::Semaphore::new(256));
    let ramped = Rc::new(tokio::sync::Semaphore::new(0));
    let gap = Duration::from_secs_f64(1.0 / plan.ramp_rate.max(1.0));
    let mut pace = tokio::time::interval(gap);
    pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    for n in my_viewers.clone() {
        pace.tick().await;
        let Ok(permit) = in_flight.clone().acquire_owned().await else {
            break;
        };
        let (cx, ramped, bar) = (cx.clone(), ramped.clone(), bar.clone());
        tokio::task::spawn_local(async move {
            viewer(cx, n, permit, ramped, bar).await;
        });
    }
    // Every viewer has either joined or failed once.
    let _ = tokio::time::timeout(
        Duration::from_secs(60),
        ramped.acquire_many(my_viewers.len() as u32),
    )
    .await;
    let ramp_secs = ramp_started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let bar = ProgressBar::new_spinner();
    bar.set_prefix(cx.target.name());
    bar.enable_steady_tick(Duration::from_millis(200));
    tokio::time::sleep(Duration::from_secs(2)).await;

    // Senders connect before the hold starts.
    let mut publishers = Vec::new();
    if !plan.broadcast {
        for k in my_senders.clone() {
            // Room indices: sender k posts into rooms k, k + K, k + 2K, ...
            let mut mine: Vec<usize> = (k..cx.rooms.len()).step_by(plan.senders).collect();
            if mine.is_empty() {
                mine.push(k % cx.rooms.len());
            }
            let my_rooms: Vec<String> = mine.iter().map(|&i| cx.rooms[i].clone()).collect();
            let src = source_of(&plan, plan.viewers + k);
            let node = address_of_sender(k, cx.addresses);
            let sender = cx.target.sender(k, node, src, &my_rooms, stats.clone());
            match tokio::time::timeout(JOIN_TIMEOUT, sender).await {
                Ok(Ok(p)) => publishers.push((k, node, p, mine)),
                Ok(Err(e)) => stats.borrow_mut().connect_failed(&e),
                Err(_) => stats
                    .borrow_mut()
                    .connect_failed(&anyhow::anyhow!("sender not ready within {JOIN_TIMEOUT:?}")),
            }
        }
    }

    // Every part starts sending at the same instant.
    let mut late_ms = 0;
    if let Some(at) = opts.start_at_ms {
        let now = unix_ms();
        if now < at {
            tokio::time::sleep(Duration::from_millis(at - now)).await;
        } else {
            late_ms = now - at;
            eprintln!(
                "warning: part {part} was ready {late_ms} ms after --start-at; \
                 it sends and counts from now, so its window is shifted"
            );
        }
    }

    // Hold.
    phase.set("hold");
    let loaded = servers();
    let connections_loaded: u64 = stats.borrow().in_room.iter().sum();
    let tool0 = sample("self").unwrap_or_default();
    let extra0 = extras();
    stats.borrow_mut().start_counting(now_micros());
    cx.sending.set(true);
    let hold_started = Instant::now();
    let mut sender_tasks = Vec::new();
    // One part broadcasts, at the whole rate.
    if plan.broadcast && plan.rate > 0.0 && part.measures_servers() {
        let cx2 = cx.clone();
        sender_tasks.push(tokio::task::spawn_local(async move {
            broadcaster(cx2).await;
        }));
    }
    // This part's share of the rate, over those of its senders that connected.
    let my_rate = plan.rate * my_senders.len() as f64 / plan.senders.max(1) as f64;
    let per_sender = my_rate / publishers.len().max(1) as f64;
    for (k, node, publisher, my_rooms) in publishers {
        if per_sender <= 0.0 {
            break;
        }
        let cx2 = cx.clone();
        sender_tasks.push(tokio::task::spawn_local(async move {
            sender(cx2, k, node, publisher, my_rooms, per_sender).await;
        }));
    }
    tokio::time::sleep(Duration::from_secs(plan.hold_secs)).await;
    cx.sending.set(false);
    for t in sender_tasks {
        let _ = tokio::time::timeout(Duration::from_secs(5), t).await;
    }
    let send_secs = hold_started.elapsed().as_secs_f64();
    // In-flight messages still count; then the books close.
    phase.set("drain");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stats.borrow_mut().stop_counting(now_micros());
    let measured = hold_started.elapsed().as_secs_f64();
    let end = servers();
    let extra1 = extras();
    let tool1 = sample("self").unwrap_or_default();
    let counters = if part.measures_servers() {
        cx.target.counters().await
    } else {
        serde_json::Value::Null
    };

    cx.stopping.set(true);
    cx.stop.notify_waiters();
    bar.finish_and_clear();
    tokio::time::sleep(Duration::from_millis(1200)).await;

    cx.target.stop().await;
    let figures = |pids: &[u32],
                   idle: &[ProcSample],
                   loaded: &[ProcSample],
                   end: &[ProcSample],
                   peaks: &[u64]| {
        pids.iter()
            .enumerate()
            .map(|(i, &pid)| {
                let at = |v: &[ProcSample]| v.get(i).copied().unwrap_or_default();
                ProcFigures {
                    pid,
                    rss_idle_bytes: at(idle).rss_bytes,
                    rss_loaded_bytes: at(loaded).rss_bytes,
                    rss_peak_bytes: peaks.get(i).copied().unwrap_or_default(),
                    cpu_secs: at(end).cpu_secs - at(loaded).cpu_secs,
                }
            })
            .collect::<Vec<_>>()
    };
    let server_figures = figures(&server_pids, &idle, &loaded, &end, &peaks.borrow());
    let extra_peaks: Vec<u64> = extra1.iter().map(|s| s.rss_bytes).collect();
    let extra_figures = figures(&extra_pids, &extra0, &extra0, &extra1, &extra_peaks);
    let st = stats.borrow();
    let result = PartResult {
        target: cx.target.name(),
        plan: plan.clone(),
        part,
        addresses: cx.target.addresses(),
        start_at_ms: opts.start_at_ms,
        late_ms,
        started_ms,
        ramp_started_ms,
        ramp_secs,
        send_secs,
        measured_secs: measured,
        connected: st.connect_ok,
        connect_errors: st.connect_errors,
        first_error: st.first_error.clone(),
        disconnects: st.disconnects,
        connections_loaded,
        deliveries: st.deliveries,
        send_errors: st.send_errors,
        joins_in_hold: st.joins_in_hold,
        sent: st.sent,
        received: st.received,
        expected_here: st.expected,
        sent_by_room: st
            .sent_by_room
            .iter()
            .enumerate()
            .filter(|(_, s)| s.iter().any(|&n| n > 0))
            .map(|(r, s)| (r, *s))
            .collect(),
        broadcasts: st.broadcasts,
        mean_in_room: st.mean_in_room.clone(),
        latency: Buckets::of(&st.latency),
        latency_same_node: Buckets::of(&st.latency_same_node),
        latency_other_node: Buckets::of(&st.latency_other_node),
        join_latency: Buckets::of(&st.join_latency),
        load_tool_cpu_secs: tool1.cpu_secs - tool0.cpu_secs,
        servers: server_figures,
        servers_peak_rss_bytes: peak_total.get(),
        extra: extra_figures,
        server_counters: counters,
        series: series.borrow().clone(),
    };
    drop(st);
    Ok(result)
}

/// One viewer: join, read until the run stops; under churn, leave and come back.
async fn viewer(
    cx: Rc<Ctx>,
    n: usize,
    permit: tokio::sync::OwnedSemaphorePermit,
    ramped: Rc<tokio::sync::Semaphore>,
    bar: ProgressBar,
) {
    let room_idx = n % cx.rooms.len();
    let room = cx.rooms[room_idx].clone();
    let src = source_of(&cx.plan, n);
    let node = address_of_viewer(n, cx.rooms.len(), cx.addresses);
    let several = cx.addresses > 1;
    let finder = memchr::memmem::Finder::new(MARKER);
    let history = memchr::memmem::Finder::new(br#""History":true"#);
    let heartbeat = cx.target.heartbeat();
    let mut permit = Some(permit);
    let mut first = true;
    loop {
        let t0 = now_micros();
        let joined =
            match tokio::time::timeout(JOIN_TIMEOUT, cx.target.viewer(n, node, src, &room)).await {
                Ok(r) => r,
                Err(_) => Err(anyhow::anyhow!("no join within {JOIN_TIMEOUT:?}")),
            };
        drop(permit.take());
        let (mut r, mut w) = match joined {
            Ok(c) => c,
            Err(e) => {
                cx.stats.borrow_mut().connect_failed(&e);
                if first {
                    ramped.add_permits(1);
                    bar.inc(1);
                }
                return;
            }
        };
        {
            let mut st = cx.stats.borrow_mut();
            let now = now_micros();
            st.connect_ok += u64::from(first);
            let _ = st.join_latency.record(now.saturating_sub(t0).max(1));
            st.entered(room_idx, now);
        }
        if first {
            ramped.add_permits(1);
            bar.inc(1);
            first = false;
        }
        let lifetime = cx.plan.churn.map(|(lo, hi)| {
            let secs = lo + rand::random::<f64>() * (hi - lo).max(0.0);
            tokio::time::Instant::now() + Duration::from_secs_f64(secs)
        });
        let leave = async {
            match lifetime {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(leave);
        let mut beat = tokio::time::interval(
            heartbeat
                .as_ref()
                .map(|h| h.0)
                .unwrap_or(Duration::from_secs(3600)),
        );
        beat.tick().await;
        let stop = cx.stop.notified();
        tokio::pin!(stop);
        let lost = loop {
            let mut reply: Option<(u8, Vec<u8>)> = None;
            tokio::select! {
                f = r.next() => {
                    let Ok(f) = f else { break true };
                    match f.opcode {
                        OP_TEXT | OP_BINARY | 0 => {
                            // One frame may carry several messages (NATS batches them);
                            // history given on join is not a delivery.
                            let mut rest = f.payload;
                            let mut any = false;
                            let mut live = None;
                            while let Some(m) = parse_marker(&finder, rest) {
                                any = true;
                                if *live.get_or_insert_with(|| history.find(f.payload).is_none()) {
                                    let same = several.then_some(m.node == node);
                                    cx.stats.borrow_mut().delivered(m.sent_at, m.priority, now_micros(), same);
                                }
                                rest = &rest[m.next..];
                            }
                            if !any {
                                if let Some(answer) = cx.target.keepalive_reply(f.payload) {
                                    reply = Some((f.opcode, answer));
                                }
                            }
                        }
                        OP_PING => reply = Some((OP_PONG, f.payload.to_vec())),
                        OP_CLOSE => break true,
                        _ => {}
                    }
                }
                _ = beat.tick() => {
                    if let Some((_, frame)) = &heartbeat {
                        reply = Some((OP_TEXT, frame.clone()));
                    }
                }
                _ = &mut leave => break false,
                _ = &mut stop => break false,
            }
            if let Some((op, data)) = reply {
                if w.send(op, &data).await.is_err() {
                    break true;
                }
            }
        };
        cx.stats.borrow_mut().left(room_idx, now_micros());
        if lost {
            cx.stats.borrow_mut().disconnects += 1;
            return;
        }
        w.close().await;
        if cx.stopping.get() || lifetime.is_none() {
            return;
        }
    }
}

/// Picks priorities so the counts follow the weights exactly (smooth weighted round robin).
struct Mix {
    weights: [i64; 4],
    current: [i64; 4],
}

impl Mix {
    fn new(weights: [u32; 4]) -> Self {
        Self {
            weights: weights.map(i64::from),
            current: [0; 4],
        }
    }

    /// Starts at a random point of the cycle, so senders do not pick High together.
    fn new_at_random(weights: [u32; 4]) -> Self {
        let mut m = Self::new(weights);
        let total: u32 = weights.iter().sum();
        for _ in 0..rand::random::<u32>() % total.max(1) {
            m.next();
        }
        m
    }

    fn next(&mut self) -> usize {
        let total: i64 = self.weights.iter().sum();
        if total == 0 {
            return 1;
        }
        for i in 0..4 {
            self.current[i] += self.weights[i];
        }
        let best = (0..4)
            .max_by_key(|&i| (self.current[i], -(i as i64)))
            .unwrap_or(1);
        self.current[best] -= total;
        best
    }
}

async fn sender(
    cx: Rc<Ctx>,
    k: usize,
    node: usize,
    mut publisher: crate::target::Publisher,
    rooms: Vec<usize>,
    rate: f64,
) {
    let mut mix = Mix::new_at_random(cx.plan.mix);
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    // Spread the senders over one interval so they do not post in lockstep.
    tokio::time::sleep(Duration::from_secs_f64(
        k as f64 / cx.plan.senders.max(1) as f64 / rate,
    ))
    .await;
    let mut i = 0usize;
    while cx.sending.get() {
        tick.tick().await;
        let prio = mix.next();
        let room = rooms[i % rooms.len()];
        i += 1;
        let text = payload(prio, node, cx.plan.payload_bytes);
        match cx
            .target
            .publish(&mut publisher, &cx.rooms[room], prio, &text)
            .await
        {
            Ok(()) => cx.stats.borrow_mut().sent(prio, room),
            Err(_) => cx.stats.borrow_mut().send_errors += 1,
        }
    }
}

async fn broadcaster(cx: Rc<Ctx>) {
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / cx.plan.rate));
    while cx.sending.get() {
        tick.tick().await;
        // Broadcasts go through the first address's REST API.
        let text = payload(0, 0, cx.plan.payload_bytes);
        match cx.target.broadcast(&text).await {
            Ok(()) => cx.stats.borrow_mut().broadcast_sent(0),
            Err(_) => cx.stats.borrow_mut().send_errors += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_follows_its_weights() {
        let mut m = Mix::new([1, 6, 3, 0]);
        let mut n = [0; 4];
        for _ in 0..100 {
            n[m.next()] += 1;
        }
        assert_eq!(n, [10, 60, 30, 0]);
    }

    #[test]
    fn sources_change_every_per_source_connections() {
        let plan = crate::presets::preset("danmaku").expect("preset");
        let plan = Plan {
            per_source: 2,
            ..plan
        };
        assert_eq!(source_of(&plan, 0), Ipv4Addr::new(127, 0, 0, 2));
        assert_eq!(source_of(&plan, 1), Ipv4Addr::new(127, 0, 0, 2));
        assert_eq!(source_of(&plan, 2), Ipv4Addr::new(127, 0, 0, 3));
        assert_eq!(source_of(&plan, 600), Ipv4Addr::new(127, 0, 1, 46));
    }

    #[test]
    fn every_room_spans_every_address_in_equal_shares() {
        for (viewers, rooms, addresses) in [(12, 1, 3), (40, 4, 2), (60, 6, 3), (1000, 10, 4)] {
            let mut per_address = vec![0; addresses];
            let mut per_room = vec![vec![0; addresses]; rooms];
            for n in 0..viewers {
                let a = address_of_viewer(n, rooms, addresses);
                per_address[a] += 1;
                per_room[n % rooms][a] += 1;
            }
            let even = viewers / addresses;
            assert!(per_address.iter().all(|&c| c == even), "{per_address:?}");
            // Rooms a multiple of the addresses would sit on one address each with n % A.
            for (r, counts) in per_room.iter().enumerate() {
                let (lo, hi) = (counts.iter().min(), counts.iter().max());
                assert!(
                    hi.zip(lo).is_some_and(|(h, l)| h - l <= 1),
                    "room {r}: {counts:?}"
                );
            }
        }
        assert_eq!(address_of_viewer(5, 3, 1), 0);
        assert_eq!(address_of_viewer(5, 0, 0), 0);
        let senders: Vec<usize> = (0..5).map(|k| address_of_sender(k, 2)).collect();
        assert_eq!(senders, [0, 1, 0, 1, 0]);
    }
}
