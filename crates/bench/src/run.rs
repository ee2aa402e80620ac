//! One run of one scenario against one target: ramp the viewers up, hold with the
//! senders posting, drain, stop — all within a bounded time — while sampling the
//! clients' counters and the server's /proc every second.

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::net::Ipv4Addr;
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::process::{sample, sample_tree, ProcSample};
use crate::stats::{now_micros, parse_marker, payload, Stats, MARKER, PRIORITIES};
use crate::target::Target;
use crate::ws::{OP_BINARY, OP_CLOSE, OP_PING, OP_PONG, OP_TEXT};

/// Everything that shapes a run.
#[derive(Debug, Clone, Serialize)]
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
    pub phase: &'static str,
    pub connections: u64,
    pub deliveries_per_sec: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub server_rss_mb: f64,
    pub server_cpu: f64,
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
    pub connected: u64,
    pub connect_errors: u64,
    pub first_error: Option<String>,
    pub connect_rate_per_sec: f64,
    pub join_latency: Latency,
    pub disconnects: u64,
    pub deliveries: u64,
    pub deliveries_per_sec: f64,
    pub latency: Latency,
    pub by_priority: Vec<PriorityRow>,
    pub send_errors: u64,
    pub churn_joins_per_sec: f64,
    pub server_rss_idle_bytes: u64,
    pub server_rss_loaded_bytes: u64,
    pub server_rss_peak_bytes: u64,
    pub server_bytes_per_connection: f64,
    pub server_cpu_secs: f64,
    pub server_cpu_secs_per_million: f64,
    pub load_tool_cpu_secs: f64,
    pub measured_secs: f64,
    pub server_counters: serde_json::Value,
    pub series: Vec<Point>,
}

fn latency_of(h: &hdrhistogram::Histogram<u64>) -> Latency {
    let ms = |us: u64| us as f64 / 1000.0;
    Latency {
        p50_ms: ms(h.value_at_quantile(0.5)),
        p99_ms: ms(h.value_at_quantile(0.99)),
        p999_ms: ms(h.value_at_quantile(0.999)),
        max_ms: ms(h.max()),
        samples: h.len(),
    }
}

/// Shared by every task of the run.
struct Ctx {
    target: Target,
    plan: Plan,
    rooms: Vec<String>,
    stats: Rc<RefCell<Stats>>,
    stop: Rc<tokio::sync::Notify>,
    stopping: Cell<bool>,
    sending: Cell<bool>,
    started: Instant,
}

/// Longest a viewer or sender may take to connect and subscribe; keeps every run bounded.
const JOIN_TIMEOUT: Duration = Duration::from_secs(30);

fn source_of(plan: &Plan, n: usize) -> Ipv4Addr {
    let k = (n / plan.per_source.max(1)) as u32;
    // 127.0.0.2 upwards, wrapping inside 127.0.0.0/8.
    let host = 2 + k % (1 << 23);
    Ipv4Addr::from(0x7f00_0000 | host)
}

/// Runs `plan` against `target` (already started and reachable) and stops it.
pub async fn run(target: Target, plan: Plan, settings: serde_json::Value) -> Result<Outcome> {
    let rooms: Vec<String> = (0..plan.rooms.max(1))
        .map(|i| format!("bench_{i}"))
        .collect();
    target.setup(&rooms, settings).await?;
    let stats = Rc::new(RefCell::new(Stats::new(rooms.len())));
    let cx = Rc::new(Ctx {
        target,
        plan: plan.clone(),
        rooms,
        stats: stats.clone(),
        stop: Rc::new(tokio::sync::Notify::new()),
        stopping: Cell::new(false),
        sending: Cell::new(false),
        started: Instant::now(),
    });
    let pid = cx.target.pid().map(|p| p.to_string());
    let server = || pid.as_deref().and_then(sample_tree).unwrap_or_default();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = server();

    // Sampling, once a second, for the whole run.
    let series = Rc::new(RefCell::new(Vec::<Point>::new()));
    let phase = Rc::new(Cell::new("ramp"));
    let peak_rss = Rc::new(Cell::new(idle.rss_bytes));
    let bar = ProgressBar::new(plan.viewers as u64);
    bar.set_style(
        ProgressStyle::with_template("{prefix:>8} [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_prefix(cx.target.name());
    {
        let (cx, series, phase, peak, bar, pid) = (
            cx.clone(),
            series.clone(),
            phase.clone(),
            peak_rss.clone(),
            bar.clone(),
            pid.clone(),
        );
        tokio::task::spawn_local(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.tick().await;
            let mut last: Option<ProcSample> = None;
            loop {
                tick.tick().await;
                let s = pid.as_deref().and_then(sample_tree).unwrap_or_default();
                peak.set(peak.get().max(s.rss_bytes));
                let cpu = last.map(|l| s.cpu_secs - l.cpu_secs).unwrap_or(0.0);
                last = Some(s);
                let mut st = cx.stats.borrow_mut();
                let p = Point {
                    t: cx.started.elapsed().as_secs_f64(),
                    phase: phase.get(),
                    connections: st.in_room.iter().sum(),
                    deliveries_per_sec: st.window_deliveries,
                    p50_ms: st.window_latency.value_at_quantile(0.5) as f64 / 1000.0,
                    p99_ms: st.window_latency.value_at_quantile(0.99) as f64 / 1000.0,
                    server_rss_mb: s.rss_bytes as f64 / 1e6,
                    server_cpu: cpu,
                };
                st.window_deliveries = 0;
                st.window_latency.reset();
                drop(st);
                bar.set_message(format!(
                    "{} | {} deliveries/s, p99 {:.1} ms, server {:.0} MB, cpu {:.2}",
                    p.phase, p.deliveries_per_sec, p.p99_ms, p.server_rss_mb, p.server_cpu
                ));
                series.borrow_mut().push(p);
                if cx.stopping.get() {
                    break;
                }
            }
        });
    }

    // Ramp: viewers at `ramp_rate`, at most 256 handshakes in flight.
    let ramp_started = Instant::now();
    let in_flight = std::sync::Arc::new(tokio::sync::Semaphore::new(256));
    let ramped = Rc::new(tokio::sync::Semaphore::new(0));
    let gap = Duration::from_secs_f64(1.0 / plan.ramp_rate.max(1.0));
    let mut pace = tokio::time::interval(gap);
    pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    for n in 0..plan.viewers {
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
        ramped.acquire_many(plan.viewers as u32),
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
        for k in 0..plan.senders {
            // Room indices: sender k posts into rooms k, k + K, k + 2K, ...
            let mut mine: Vec<usize> = (k..cx.rooms.len()).step_by(plan.senders).collect();
            if mine.is_empty() {
                mine.push(k % cx.rooms.len());
            }
            let my_rooms: Vec<String> = mine.iter().map(|&i| cx.rooms[i].clone()).collect();
            let src = source_of(&plan, plan.viewers + k);
            let sender = cx.target.sender(k, src, &my_rooms, stats.clone());
            match tokio::time::timeout(JOIN_TIMEOUT, sender).await {
                Ok(Ok(p)) => publishers.push((p, mine)),
                Ok(Err(e)) => stats.borrow_mut().connect_failed(&e),
                Err(_) => stats
                    .borrow_mut()
                    .connect_failed(&anyhow::anyhow!("sender not ready within {JOIN_TIMEOUT:?}")),
            }
        }
    }

    // Hold.
    phase.set("hold");
    let loaded = server();
    let connections_loaded: u64 = stats.borrow().in_room.iter().sum();
    let tool0 = sample("self").unwrap_or_default();
    stats.borrow_mut().counting = true;
    cx.sending.set(true);
    let hold_started = Instant::now();
    let mut sender_tasks = Vec::new();
    if plan.broadcast && plan.rate > 0.0 {
        let cx2 = cx.clone();
        sender_tasks.push(tokio::task::spawn_local(async move {
            broadcaster(cx2).await;
        }));
    }
    let per_sender = plan.rate / publishers.len().max(1) as f64;
    for (k, (publisher, my_rooms)) in publishers.into_iter().enumerate() {
        if per_sender <= 0.0 {
            break;
        }
        let cx2 = cx.clone();
        sender_tasks.push(tokio::task::spawn_local(async move {
            sender(cx2, k, publisher, my_rooms, per_sender).await;
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
    stats.borrow_mut().counting = false;
    let measured = hold_started.elapsed().as_secs_f64();
    let end = server();
    let tool1 = sample("self").unwrap_or_default();
    let counters = cx.target.counters().await;

    cx.stopping.set(true);
    cx.stop.notify_waiters();
    bar.finish_and_clear();
    tokio::time::sleep(Duration::from_millis(1200)).await;

    cx.target.stop().await;
    let st = stats.borrow();
    let connected = st.connect_ok;
    let cpu = end.cpu_secs - loaded.cpu_secs;
    let deliveries = st.deliveries;
    let by_priority = PRIORITIES
        .iter()
        .enumerate()
        .map(|(i, (name, _))| PriorityRow {
            priority: name,
            sent: st.sent[i],
            expected: st.expected[i],
            received: st.received[i],
            dropped: st.expected[i].saturating_sub(st.received[i]),
        })
        .collect();
    let viewers_now = connections_loaded.max(1);
    let outcome = Outcome {
        target: cx.target.name(),
        plan: plan.clone(),
        connected,
        connect_errors: st.connect_errors,
        first_error: st.first_error.clone(),
        connect_rate_per_sec: if plan.churn.is_some() {
            0.0
        } else {
            connected as f64 / ramp_secs.max(1e-3)
        },
        join_latency: latency_of(&st.join_latency),
        disconnects: st.disconnects,
        deliveries,
        deliveries_per_sec: deliveries as f64 / send_secs.max(1e-3),
        latency: latency_of(&st.latency),
        by_priority,
        send_errors: st.send_errors,
        churn_joins_per_sec: st.joins_in_hold as f64 / measured.max(1e-3),
        server_rss_idle_bytes: idle.rss_bytes,
        server_rss_loaded_bytes: loaded.rss_bytes,
        server_rss_peak_bytes: peak_rss.get(),
        server_bytes_per_connection: loaded.rss_bytes.saturating_sub(idle.rss_bytes) as f64
            / viewers_now as f64,
        server_cpu_secs: cpu,
        server_cpu_secs_per_million: if deliveries > 0 {
            cpu / deliveries as f64 * 1e6
        } else {
            0.0
        },
        load_tool_cpu_secs: tool1.cpu_secs - tool0.cpu_secs,
        measured_secs: measured,
        server_counters: counters,
        series: series.borrow().clone(),
    };
    drop(st);
    Ok(outcome)
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
    let finder = memchr::memmem::Finder::new(MARKER);
    let history = memchr::memmem::Finder::new(br#""History":true"#);
    let heartbeat = cx.target.heartbeat();
    let mut permit = Some(permit);
    let mut first = true;
    loop {
        let t0 = now_micros();
        let joined = match tokio::time::timeout(JOIN_TIMEOUT, cx.target.viewer(n, src, &room)).await
        {
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
            st.connect_ok += u64::from(first);
            let _ = st.join_latency.record((now_micros() - t0).max(1));
            st.in_room[room_idx] += 1;
            if st.counting {
                st.joins_in_hold += 1;
            }
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
                            while let Some((sent, prio, next)) = parse_marker(&finder, rest) {
                                any = true;
                                if *live.get_or_insert_with(|| history.find(f.payload).is_none()) {
                                    cx.stats.borrow_mut().delivered(sent, prio, now_micros());
                                }
                                rest = &rest[next..];
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
        cx.stats.borrow_mut().in_room[room_idx] -= 1;
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
        let text = payload(prio, cx.plan.payload_bytes);
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
        let text = payload(0, cx.plan.payload_bytes);
        match cx.target.broadcast(&text).await {
            Ok(()) => {
                let mut st = cx.stats.borrow_mut();
                if st.counting {
                    let all: u64 = st.in_room.iter().sum();
                    st.sent[0] += 1;
                    st.expected[0] += all;
                }
            }
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
}
