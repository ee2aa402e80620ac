//! The failover run: one room over the nodes of a cluster, viewers spread over every node,
//! a sender on a node that does not own the room, and the owner's process killed with
//! SIGKILL under traffic. The dead node's viewers reconnect as the JS SDK does (the next
//! address, an exponential delay with jitter from 500 ms), enter again and rejoin, getting
//! the short history. Measured from the kill: the first message delivered again to a
//! viewer that stayed, the sender's first acknowledgement, every dead-node viewer back in
//! the room; and, per acknowledged message, the viewers that never got it, live or from
//! the history, within the history's reach.

use anyhow::{bail, Context, Result};
use serde::Serialize;
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::rc::Rc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

use crate::liveroom::{await_reply, Liveroom};
use crate::process::sample;
use crate::run::{latency_of, source_address, Latency, JOIN_TIMEOUT};
use crate::stats::{digits, histogram, now_micros, parse_marker, MARKER, PRIORITIES};
use crate::ws::{WsReader, WsWriter, OP_CLOSE, OP_PING, OP_PONG, OP_TEXT};

/// What shapes a failover run.
#[derive(Debug, Clone, Serialize)]
pub struct FailoverPlan {
    pub viewers: usize,
    /// Messages per second from the one sender.
    pub rate: f64,
    /// Seconds of sending before the kill.
    pub warmup_secs: f64,
    /// Seconds of sending after every dead-node viewer is back and the sender is
    /// acknowledged again (or the limit passed).
    pub tail_secs: f64,
    /// A dead-node viewer not back in the room this long after the kill counts as not
    /// back.
    pub rejoin_limit_secs: f64,
    /// The room's short history (`history_count`, at most 50).
    pub history_count: usize,
    pub payload_bytes: usize,
    /// New connections per second while ramping up.
    pub ramp_rate: f64,
    /// Connections per loopback source address.
    pub per_source: usize,
    /// Viewers log in with UserSigs instead of entering as guests.
    pub login_viewers: bool,
}

/// The sender's request ids are this plus the message's sequence number.
const ACK_ID_BASE: u64 = 1000;
/// The priority messages are sent with (Normal).
const NORMAL: usize = 1;
const HEARTBEAT: Duration = Duration::from_secs(20);
const MESSAGE_FRAME: &[u8] = br#"{"op":"message""#;
const FROM_HISTORY: &[u8] = br#""History":true"#;
/// The JS SDK's `reconnectBaseDelay` and `reconnectMaxDelay`.
const RECONNECT_BASE_MS: f64 = 500.0;
const RECONNECT_MAX_MS: f64 = 30_000.0;

/// The delay before reconnection attempt `attempt` (0 for the first), as the JS SDK's
/// `backoffDelay`: the ceiling doubles from the base up to the maximum, half of it fixed
/// and half random (`random` in [0, 1)).
pub fn reconnect_delay(attempt: u32, random: f64) -> Duration {
    let ceiling = (RECONNECT_BASE_MS * 2f64.powi(attempt.min(30) as i32)).min(RECONNECT_MAX_MS);
    Duration::from_secs_f64((ceiling / 2.0 + random.clamp(0.0, 1.0) * ceiling / 2.0) / 1000.0)
}

/// The text of message `k`: the load tool's marker (send time, priority, the sender's
/// address index) followed by `k:`, padded to `size` bytes.
pub fn marked_text(k: usize, node: usize, size: usize) -> String {
    let mut s = format!(
        "@lb:{}:{}:{node}:{k}:",
        now_micros(),
        PRIORITIES[NORMAL].1 as char
    );
    while s.len() < size {
        s.push('x');
    }
    s
}

/// The sequence number of the message whose marker ends at `at`.
pub fn sequence_at(data: &[u8], at: usize) -> Option<usize> {
    let (k, end) = digits(data, at)?;
    (data.get(end) == Some(&b':'))
        .then(|| usize::try_from(k).ok())
        .flatten()
}

/// Message sequence numbers seen by one viewer.
#[derive(Debug, Clone, Default)]
pub struct Seen(Vec<u64>);

impl Seen {
    /// Adds `k`; true if it was not there yet.
    pub fn insert(&mut self, k: usize) -> bool {
        let (word, bit) = (k / 64, 1u64 << (k % 64));
        if word >= self.0.len() {
            self.0.resize(word + 1, 0);
        }
        let new = self.0[word] & bit == 0;
        self.0[word] |= bit;
        new
    }

    pub fn contains(&self, k: usize) -> bool {
        self.0
            .get(k / 64)
            .is_some_and(|w| w & (1u64 << (k % 64)) != 0)
    }
}

/// What the sender learnt of message `k` (index k; index 0 is unused).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ack {
    pub sent_at: u64,
    /// When the reply arrived, µs since the Unix epoch; 0 while none has.
    pub replied_at: u64,
    pub code: i64,
    pub msg_seq: u64,
    /// Acknowledged with a `MsgDropReason` (frequency control): delivered to nobody.
    pub dropped: bool,
    /// An error reply's `ErrorInfo`.
    pub info: Option<String>,
}

impl Ack {
    fn ok(&self) -> bool {
        self.replied_at > 0 && self.code == 0
    }

    /// Acknowledged as sent and not dropped: every viewer must get it.
    fn owed(&self) -> bool {
        self.ok() && !self.dropped
    }
}

/// What one viewer went through.
#[derive(Debug, Clone, Default)]
pub struct ViewerRecord {
    /// The address it joined first.
    pub first_node: usize,
    pub joined: bool,
    /// When it first lost its connection, and when it was first back in the room.
    pub lost_at: Option<u64>,
    pub first_back_at: Option<u64>,
    /// In the room when the run stopped.
    pub in_room_at_end: bool,
    pub reconnect_attempts: u32,
    pub seen: Seen,
    /// Marked messages of the short history of its latest join.
    pub history: Vec<usize>,
    /// Message frames of that history, marked or not.
    pub history_frames: usize,
    /// Messages received live a second time (or live after the history gave them).
    pub live_duplicates: u32,
    pub error: Option<String>,
}

/// Shared by the run's tasks (one thread).
struct Ctx {
    live: Rc<Liveroom>,
    room: String,
    addresses: usize,
    plan: FailoverPlan,
    stop: watch::Receiver<bool>,
    sending: Cell<bool>,
    /// Viewers that joined, per address of their first join.
    joined_on: RefCell<Vec<usize>>,
    /// The killed address (usize::MAX before the kill), and its viewers back so far.
    dead: Cell<usize>,
    dead_back: Cell<usize>,
    acks: RefCell<Vec<Ack>>,
    /// Per message, its first live delivery to a viewer that never lost its connection.
    first_live: RefCell<Vec<u64>>,
}

/// A message some viewers within the history's reach never got.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MissingMessage {
    pub k: usize,
    pub msg_seq: u64,
    /// When it was acknowledged, relative to the kill (negative: before).
    pub acked_ms: f64,
    pub viewers: usize,
}

/// A send answered with an error.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Refusal {
    pub k: usize,
    /// Sent and answered, relative to the kill.
    pub sent_ms: f64,
    pub replied_ms: f64,
    pub code: i64,
    pub info: String,
}

/// The figures of a failover run.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Findings {
    pub sent: usize,
    pub acknowledged: usize,
    pub dropped_by_frequency_control: usize,
    /// Error replies by `ErrorCode`, and the first ten of them.
    pub refused: BTreeMap<i64, usize>,
    pub refusals: Vec<Refusal>,
    pub unanswered: usize,
    /// Messages sent before the kill and acknowledged after it.
    pub acknowledged_across_the_kill: usize,
    /// The sender's last acknowledgement before the kill, ms before it.
    pub last_ack_before_kill_ms: Option<f64>,
    /// (1) The first message acknowledged after the kill delivered to a viewer that
    /// stayed (on a surviving node).
    pub first_delivery_after_kill_ms: Option<f64>,
    /// (2) The sender's first acknowledgement after the kill.
    pub first_ack_after_kill_ms: Option<f64>,
    /// `MsgSeq` of the last acknowledgement before the kill and the first after it.
    pub msg_seq_before_kill: Option<u64>,
    pub msg_seq_after_kill: Option<u64>,
    /// (3) The dead node's viewers: how many, how many came back, when the last did.
    pub dead_node_viewers: usize,
    pub came_back: usize,
    pub all_back_ms: Option<f64>,
    /// Each one's time from the kill to being back in the room.
    pub back_ms: Option<Latency>,
    /// Each one's time from noticing the loss to being back in the room.
    pub back_after_loss_ms: Option<Latency>,
    pub reconnect_attempts: u64,
    /// Viewers that needed more than one attempt.
    pub retried: usize,
    /// (4) Dead-node viewers not back within the limit.
    pub not_back_within_limit: usize,
    pub lost_on_surviving_nodes: usize,
    /// (5) Viewers checked (stayed, or came back), and what they missed.
    pub viewers_checked: usize,
    /// Acknowledged messages that some checked viewer never got within the history's
    /// reach, and the (viewer, message) pairs.
    pub messages_missing: usize,
    pub misses: u64,
    /// Pairs older than the history a returning viewer got (it was full): not expected.
    pub misses_beyond_history: u64,
    pub first_missing: Vec<MissingMessage>,
    /// Messages refused to the sender (or never answered) that viewers got anyway.
    pub unacknowledged_but_delivered: usize,
    pub live_duplicates: u64,
}

/// Everything a failover run reports.
#[derive(Debug, Clone, Serialize)]
pub struct FailoverOutcome {
    pub target: String,
    pub scenario: String,
    pub plan: FailoverPlan,
    pub addresses: Vec<String>,
    pub pids: Vec<u32>,
    pub owner: usize,
    pub killed_pid: u32,
    /// How long the `kill` command took (the kill instant is taken before it starts).
    pub kill_command_ms: f64,
    pub sender_node: usize,
    /// When a surviving node's `/healthz` first showed it owning the room (polled about
    /// every 50 ms while waiting), ms after the kill.
    pub new_owner_seen_ms: Option<f64>,
    /// The address owning the room at the end.
    pub new_owner: Option<usize>,
    pub connected: usize,
    pub connect_errors: usize,
    pub first_error: Option<String>,
    pub ramp_secs: f64,
    pub findings: Findings,
    pub load_tool_cpu_secs: f64,
    pub run_secs: f64,
}

/// Runs the failover against `live` (a cluster of at least two nodes whose process ids
/// are known, in address order) and stops what the tool started.
pub async fn run(live: Liveroom, plan: FailoverPlan, settings: Value) -> Result<FailoverOutcome> {
    let live = Rc::new(live);
    let outcome = measure(live.clone(), plan, settings).await;
    live.stop().await;
    outcome
}

async fn measure(
    live: Rc<Liveroom>,
    plan: FailoverPlan,
    settings: Value,
) -> Result<FailoverOutcome> {
    let addresses = live.nodes.len();
    let pids = live.pids();
    if addresses < 2 {
        bail!("a failover needs a cluster of at least two nodes");
    }
    if pids.len() != addresses {
        bail!(
            "give one process id per address, in the same order ({addresses} addresses, {} pids)",
            pids.len()
        );
    }
    if plan.rate <= 0.0 {
        bail!("--rate must be above 0");
    }
    let room = "bench_failover".to_string();
    live.setup(std::slice::from_ref(&room), settings).await?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let cx = Rc::new(Ctx {
        live,
        room,
        addresses,
        plan: plan.clone(),
        stop: stop_rx,
        sending: Cell::new(false),
        joined_on: RefCell::new(vec![0; addresses]),
        dead: Cell::new(usize::MAX),
        dead_back: Cell::new(0),
        acks: RefCell::new(vec![Ack::default()]),
        first_live: RefCell::new(Vec::new()),
    });
    let tool0 = sample("self").unwrap_or_default();
    let started = Instant::now();

    // Ramp: at most 256 handshakes in flight, viewer n on address n mod A.
    let in_flight = std::sync::Arc::new(Semaphore::new(256));
    let ramped = Rc::new(Semaphore::new(0));
    let mut pace = tokio::time::interval(Duration::from_secs_f64(1.0 / plan.ramp_rate.max(1.0)));
    pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut viewers = Vec::with_capacity(plan.viewers);
    for n in 0..plan.viewers {
        pace.tick().await;
        let Ok(permit) = in_flight.clone().acquire_owned().await else {
            break;
        };
        viewers.push(tokio::task::spawn_local(viewer(
            cx.clone(),
            n,
            permit,
            ramped.clone(),
        )));
    }
    let all = u32::try_from(plan.viewers).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(Duration::from_secs(60), ramped.acquire_many(all)).await;
    let ramp_secs = started.elapsed().as_secs_f64();
    let joined_on = cx.joined_on.borrow().clone();
    eprintln!(
        "failover: {} of {} viewers in the room in {ramp_secs:.1} s ({joined_on:?} per address)",
        joined_on.iter().sum::<usize>(),
        plan.viewers
    );

    // The first message settles the owner.
    let (mut pr, mut pw) = cx
        .live
        .member(
            "probe",
            0,
            source_address(plan.viewers, plan.per_source),
            &cx.room,
        )
        .await
        .context("the probe member")?;
    pw.text(&cx.live.send_frame(3, &cx.room, NORMAL, "probe"))
        .await?;
    await_reply(&mut pr, 3).await.context("the probe message")?;
    pw.close().await;
    let owner = owner_among(&cx.live, 0..addresses, Duration::from_secs(10))
        .await
        .context("finding the room's owner")?;
    let sender_node = (owner + 1) % addresses;
    eprintln!(
        "failover: the room's owner is address {owner} ({}, pid {}); the sender is on address {sender_node}",
        cx.live.nodes[owner].addr, pids[owner]
    );
    let (sr, sw) = cx
        .live
        .member(
            "sender",
            sender_node,
            source_address(plan.viewers + 1, plan.per_source),
            &cx.room,
        )
        .await
        .context("the sender")?;
    let reader = tokio::task::spawn_local(read_acks(cx.clone(), sr));
    cx.sending.set(true);
    let sending = tokio::task::spawn_local(send(cx.clone(), sw, sender_node));
    tokio::time::sleep(Duration::from_secs_f64(plan.warmup_secs)).await;
    let acked = cx.acks.borrow().iter().filter(|a| a.ok()).count();
    if acked == 0 {
        eprintln!("warning: no message acknowledged during the warm-up");
    }

    cx.dead.set(owner);
    let kill_at = now_micros();
    let status = std::process::Command::new("kill")
        .args(["-KILL", &pids[owner].to_string()])
        .status();
    let kill_command_ms = now_micros().saturating_sub(kill_at) as f64 / 1000.0;
    if !matches!(status, Ok(s) if s.success()) {
        bail!("kill -KILL {} failed: {status:?}", pids[owner]);
    }
    let killed = Instant::now();
    let dead_joined = joined_on[owner];
    eprintln!(
        "failover: killed pid {} ({dead_joined} viewers on it)",
        pids[owner]
    );
    let limit = Duration::from_secs_f64(plan.rejoin_limit_secs);
    let survivors: Vec<usize> = (0..addresses).filter(|&i| i != owner).collect();
    let mut new_owner_seen: Option<(usize, u64)> = None;
    let mut note_at = Duration::from_secs(1);
    loop {
        if new_owner_seen.is_none() {
            for &i in &survivors {
                let h = cx.live.health(i).await;
                if h.is_ok_and(|h| h["owned_rooms"].as_u64().is_some_and(|n| n > 0)) {
                    new_owner_seen = Some((i, now_micros()));
                    break;
                }
            }
        }
        let back = cx.dead_back.get();
        let resumed = cx
            .acks
            .borrow()
            .iter()
            .any(|a| a.ok() && a.replied_at > kill_at);
        if back >= dead_joined && resumed && new_owner_seen.is_some() {
            break;
        }
        let since = killed.elapsed();
        if since >= limit {
            eprintln!("failover: limit reached ({back} of {dead_joined} back, sender acknowledged again: {resumed})");
            break;
        }
        if since >= note_at {
            eprintln!(
                "  +{:.0} s: {back} of {dead_joined} back, sender acknowledged again: {resumed}",
                since.as_secs_f64()
            );
            note_at += Duration::from_secs(1);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs_f64(plan.tail_secs)).await;
    cx.sending.set(false);
    let _ = tokio::time::timeout(Duration::from_secs(5), sending).await;
    // Messages in flight arrive; then the viewers stop.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let new_owner = owner_among(&cx.live, survivors, Duration::from_secs(5))
        .await
        .ok();
    let _ = stop_tx.send(true);
    let mut records = Vec::with_capacity(viewers.len());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    for v in viewers {
        if let Ok(Ok(r)) = tokio::time::timeout_at(deadline, v).await {
            records.push(r);
        }
    }
    reader.abort();
    let run_secs = started.elapsed().as_secs_f64();
    let tool1 = sample("self").unwrap_or_default();

    let limit_us = u64::try_from(limit.as_micros()).unwrap_or(u64::MAX);
    let acks = cx.acks.borrow();
    let first_live = cx.first_live.borrow();
    let findings = analyse(&Evidence {
        kill_at,
        limit_us,
        history_count: plan.history_count,
        dead: owner,
        acks: &acks,
        first_live: &first_live,
        viewers: &records,
    });
    let errors: Vec<&ViewerRecord> = records.iter().filter(|r| !r.joined).collect();
    Ok(FailoverOutcome {
        target: "liveroom".into(),
        scenario: "failover".into(),
        plan,
        addresses: cx.live.nodes.iter().map(|n| n.addr.to_string()).collect(),
        pids: pids.clone(),
        owner,
        killed_pid: pids[owner],
        kill_command_ms,
        sender_node,
        new_owner_seen_ms: new_owner_seen.map(|(_, at)| ms(at.saturating_sub(kill_at))),
        new_owner,
        connected: records.iter().filter(|r| r.joined).count(),
        connect_errors: errors.len(),
        first_error: errors.first().and_then(|r| r.error.clone()).or_else(|| {
            records
                .iter()
                .find_map(|r| r.error.clone())
                .map(|e| format!("(on a reconnection) {e}"))
        }),
        ramp_secs,
        findings,
        load_tool_cpu_secs: tool1.cpu_secs - tool0.cpu_secs,
        run_secs,
    })
}

/// The one address among `nodes` whose `/healthz` says it owns a room.
async fn owner_among(
    live: &Liveroom,
    nodes: impl IntoIterator<Item = usize> + Clone,
    within: Duration,
) -> Result<usize> {
    let deadline = Instant::now() + within;
    loop {
        let mut owners = Vec::new();
        for i in nodes.clone() {
            if let Ok(h) = live.health(i).await {
                if h["owned_rooms"].as_u64().is_some_and(|n| n > 0) {
                    owners.push(i);
                }
            }
        }
        if let [only] = owners.as_slice() {
            return Ok(*only);
        }
        if Instant::now() > deadline {
            bail!("no single owner within {within:?}: addresses owning rooms {owners:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Sends message 1, 2, ... at the plan's rate while sending is on, without waiting for
/// replies (`read_acks` books them).
async fn send(cx: Rc<Ctx>, mut w: WsWriter, node: usize) {
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / cx.plan.rate));
    loop {
        tick.tick().await;
        if !cx.sending.get() {
            break;
        }
        let k = {
            let mut acks = cx.acks.borrow_mut();
            acks.push(Ack {
                sent_at: now_micros(),
                ..Ack::default()
            });
            acks.len() - 1
        };
        let text = marked_text(k, node, cx.plan.payload_bytes);
        let frame = cx
            .live
            .send_frame(ACK_ID_BASE + k as u64, &cx.room, NORMAL, &text);
        if let Err(e) = w.text(&frame).await {
            eprintln!("failover: the sender's connection failed: {e:#}");
            break;
        }
    }
    w.close().await;
}

async fn read_acks(cx: Rc<Ctx>, mut r: WsReader) {
    while let Ok(f) = r.next().await {
        if f.opcode != OP_TEXT || !f.payload.starts_with(br#"{"op":"reply""#) {
            continue;
        }
        let Ok(v) = serde_json::from_slice::<Value>(f.payload) else {
            continue;
        };
        let Some(k) = v["id"]
            .as_u64()
            .and_then(|id| id.checked_sub(ACK_ID_BASE))
            .and_then(|k| usize::try_from(k).ok())
        else {
            continue;
        };
        let mut acks = cx.acks.borrow_mut();
        let Some(a) = acks.get_mut(k).filter(|_| k > 0) else {
            continue;
        };
        a.replied_at = now_micros();
        a.code = v["ErrorCode"].as_i64().unwrap_or(-1);
        a.msg_seq = v["MsgSeq"].as_u64().unwrap_or(0);
        a.dropped = v["MsgDropReason"].as_str().is_some_and(|s| !s.is_empty());
        if a.code != 0 {
            a.info = v["ErrorInfo"].as_str().map(str::to_string);
        }
    }
}

async fn join(cx: &Ctx, n: usize, node: usize, src: Ipv4Addr) -> Result<(WsReader, WsWriter)> {
    match tokio::time::timeout(JOIN_TIMEOUT, cx.live.viewer(n, node, src, &cx.room)).await {
        Ok(r) => r,
        Err(_) => bail!("no join within {JOIN_TIMEOUT:?}"),
    }
}

/// One viewer: joins, reads; when its connection is lost, reconnects as the JS SDK does
/// and rejoins, until the run stops.
async fn viewer(
    cx: Rc<Ctx>,
    n: usize,
    permit: OwnedSemaphorePermit,
    ramped: Rc<Semaphore>,
) -> ViewerRecord {
    let src = source_address(n, cx.plan.per_source);
    let mut node = n % cx.addresses;
    let mut rec = ViewerRecord {
        first_node: node,
        ..ViewerRecord::default()
    };
    let first = join(&cx, n, node, src).await;
    drop(permit);
    ramped.add_permits(1);
    let (mut r, mut w) = match first {
        Ok(c) => c,
        Err(e) => {
            rec.error = Some(format!("{e:#}"));
            return rec;
        }
    };
    rec.joined = true;
    rec.in_room_at_end = true;
    cx.joined_on.borrow_mut()[node] += 1;
    let mut stop = cx.stop.clone();
    loop {
        if !read_until_lost(&cx, &mut rec, &mut r, &mut w, &mut stop).await {
            w.close().await;
            return rec;
        }
        rec.in_room_at_end = false;
        rec.lost_at.get_or_insert_with(now_micros);
        // The dead socket goes now, not when the next one replaces it.
        drop((r, w));
        let mut attempt = 0;
        (r, w) = loop {
            // Whatever ended the connection, the next one tries the next address.
            node = (node + 1) % cx.addresses;
            let delay = reconnect_delay(attempt, rand::random());
            attempt += 1;
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = stop.wait_for(|s| *s) => return rec,
            }
            rec.reconnect_attempts += 1;
            match join(&cx, n, node, src).await {
                Ok(c) => break c,
                Err(e) => {
                    rec.error.get_or_insert_with(|| format!("{e:#}"));
                }
            }
        };
        if rec.first_back_at.is_none() {
            rec.first_back_at = Some(now_micros());
            if rec.first_node == cx.dead.get() {
                cx.dead_back.set(cx.dead_back.get() + 1);
            }
        }
        rec.in_room_at_end = true;
        rec.history.clear();
        rec.history_frames = 0;
    }
}

/// Reads one connection until it is lost (true) or the run stops (false).
async fn read_until_lost(
    cx: &Ctx,
    rec: &mut ViewerRecord,
    r: &mut WsReader,
    w: &mut WsWriter,
    stop: &mut watch::Receiver<bool>,
) -> bool {
    let marker = memchr::memmem::Finder::new(MARKER);
    let history = memchr::memmem::Finder::new(FROM_HISTORY);
    let mut beat = tokio::time::interval(HEARTBEAT);
    beat.tick().await;
    loop {
        let mut pong = None;
        tokio::select! {
            f = r.next() => {
                let Ok(f) = f else { return true };
                match f.opcode {
                    OP_TEXT if f.payload.starts_with(MESSAGE_FRAME) => {
                        let from_history = history.find(f.payload).is_some();
                        let k = parse_marker(&marker, f.payload)
                            .and_then(|m| sequence_at(f.payload, m.next));
                        receive(cx, rec, k, from_history);
                    }
                    OP_PING => pong = Some(f.payload.to_vec()),
                    OP_CLOSE => return true,
                    _ => {}
                }
            }
            _ = beat.tick() => {
                if w.text(cx.live.heartbeat()).await.is_err() {
                    return true;
                }
            }
            _ = stop.wait_for(|s| *s) => return false,
        }
        if let Some(p) = pong {
            if w.send(OP_PONG, &p).await.is_err() {
                return true;
            }
        }
    }
}

fn receive(cx: &Ctx, rec: &mut ViewerRecord, k: Option<usize>, from_history: bool) {
    if from_history {
        rec.history_frames += 1;
    }
    let Some(k) = k else {
        return;
    };
    let new = rec.seen.insert(k);
    if from_history {
        rec.history.push(k);
        return;
    }
    if !new {
        rec.live_duplicates += 1;
    }
    if rec.lost_at.is_none() {
        let mut first = cx.first_live.borrow_mut();
        if first.len() <= k {
            first.resize(k + 1, 0);
        }
        if first[k] == 0 {
            first[k] = now_micros();
        }
    }
}

/// What `analyse` works from.
pub struct Evidence<'a> {
    pub kill_at: u64,
    pub limit_us: u64,
    pub history_count: usize,
    /// The killed address.
    pub dead: usize,
    pub acks: &'a [Ack],
    pub first_live: &'a [u64],
    pub viewers: &'a [ViewerRecord],
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

fn signed_ms(at: u64, from: u64) -> f64 {
    (at as f64 - from as f64) / 1000.0
}

/// The figures of a run from what its clients recorded.
pub fn analyse(e: &Evidence<'_>) -> Findings {
    let mut f = Findings::default();
    let kill = e.kill_at;
    let acks = e.acks.get(1..).unwrap_or_default();
    f.sent = acks.len();
    let mut last_before: Option<&Ack> = None;
    let mut first_after: Option<&Ack> = None;
    for (i, a) in acks.iter().enumerate() {
        if a.replied_at == 0 {
            f.unanswered += 1;
            continue;
        }
        if a.code != 0 {
            *f.refused.entry(a.code).or_default() += 1;
            if f.refusals.len() < 10 {
                f.refusals.push(Refusal {
                    k: i + 1,
                    sent_ms: signed_ms(a.sent_at, kill),
                    replied_ms: signed_ms(a.replied_at, kill),
                    code: a.code,
                    info: a.info.clone().unwrap_or_default(),
                });
            }
            continue;
        }
        f.acknowledged += 1;
        f.dropped_by_frequency_control += usize::from(a.dropped);
        if a.replied_at <= kill {
            if last_before.is_none_or(|b| a.replied_at > b.replied_at) {
                last_before = Some(a);
            }
        } else {
            f.acknowledged_across_the_kill += usize::from(a.sent_at <= kill);
            if first_after.is_none_or(|b| a.replied_at < b.replied_at) {
                first_after = Some(a);
            }
        }
    }
    f.last_ack_before_kill_ms = last_before.map(|a| ms(kill - a.replied_at));
    f.first_ack_after_kill_ms = first_after.map(|a| ms(a.replied_at - kill));
    f.msg_seq_before_kill = last_before.map(|a| a.msg_seq);
    f.msg_seq_after_kill = first_after.map(|a| a.msg_seq);
    f.first_delivery_after_kill_ms = e
        .acks
        .iter()
        .zip(e.first_live)
        .skip(1)
        .filter(|(a, &at)| a.owed() && a.replied_at > kill && at > kill)
        .map(|(_, &at)| at - kill)
        .min()
        .map(ms);

    // The dead node's viewers.
    let mut back = histogram();
    let mut after_loss = histogram();
    let mut last_back = 0;
    for v in e.viewers.iter().filter(|v| v.joined) {
        f.reconnect_attempts += u64::from(v.reconnect_attempts);
        f.retried += usize::from(v.reconnect_attempts > 1);
        if v.first_node != e.dead {
            f.lost_on_surviving_nodes += usize::from(v.lost_at.is_some());
            continue;
        }
        f.dead_node_viewers += 1;
        match (v.lost_at, v.first_back_at) {
            (Some(lost), Some(at)) => {
                f.came_back += 1;
                let since_kill = at.saturating_sub(kill);
                last_back = last_back.max(since_kill);
                let _ = back.record(since_kill.max(1));
                let _ = after_loss.record(at.saturating_sub(lost).max(1));
                f.not_back_within_limit += usize::from(since_kill > e.limit_us);
            }
            _ => f.not_back_within_limit += 1,
        }
    }
    if f.came_back > 0 {
        f.back_ms = Some(latency_of(&back));
        f.back_after_loss_ms = Some(latency_of(&after_loss));
    }
    if f.dead_node_viewers > 0 && f.came_back == f.dead_node_viewers {
        f.all_back_ms = Some(ms(last_back));
    }

    // Every acknowledged message, for every viewer that stayed or came back.
    let mut missing_by_k = vec![0usize; e.acks.len()];
    let mut delivered_somewhere = Seen::default();
    for v in e.viewers.iter().filter(|v| v.joined) {
        for k in 1..e.acks.len() {
            if v.seen.contains(k) {
                delivered_somewhere.insert(k);
            }
        }
        f.live_duplicates += u64::from(v.live_duplicates);
        if !v.in_room_at_end {
            continue;
        }
        f.viewers_checked += 1;
        // A returning viewer's full history starts at its oldest message: what is older
        // and was missed is beyond the history's reach.
        let reach = if v.lost_at.is_some() && v.history_frames >= e.history_count {
            v.history
                .iter()
                .filter_map(|&k| e.acks.get(k))
                .filter(|a| a.ok())
                .map(|a| a.msg_seq)
                .min()
                .unwrap_or(0)
        } else {
            0
        };
        for (k, a) in e.acks.iter().enumerate().skip(1) {
            if !a.owed() || v.seen.contains(k) {
                continue;
            }
            if a.msg_seq < reach {
                f.misses_beyond_history += 1;
            } else {
                f.misses += 1;
                missing_by_k[k] += 1;
            }
        }
    }
    f.messages_missing = missing_by_k.iter().filter(|&&n| n > 0).count();
    f.first_missing = missing_by_k
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .take(10)
        .map(|(k, &n)| MissingMessage {
            k,
            msg_seq: e.acks[k].msg_seq,
            acked_ms: signed_ms(e.acks[k].replied_at, kill),
            viewers: n,
        })
        .collect();
    f.unacknowledged_but_delivered = e
        .acks
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(k, a)| !a.ok() && delivered_somewhere.contains(*k))
        .count();
    f
}

/// A short human report.
pub fn summary(o: &FailoverOutcome) -> String {
    let f = &o.findings;
    let opt = |v: Option<f64>| v.map_or("never".to_string(), |ms| format!("{ms:.0} ms"));
    let mut s = String::new();
    let _ = writeln!(
        s,
        "liveroom / failover: {} viewers connected ({} errors) over {} nodes, {:.0} msg/s; owner address {} (pid {}) killed, sender on address {}, new owner {}",
        o.connected,
        o.connect_errors,
        o.addresses.len(),
        o.plan.rate,
        o.owner,
        o.killed_pid,
        o.sender_node,
        o.new_owner.map_or("unknown".into(), |n| format!("address {n}"))
    );
    let _ = writeln!(
        s,
        "  new owner shown on /healthz {} after the kill",
        opt(o.new_owner_seen_ms)
    );
    let _ = writeln!(
        s,
        "  (1) first message delivered again to a viewer that stayed: {} after the kill",
        opt(f.first_delivery_after_kill_ms)
    );
    let _ = writeln!(
        s,
        "  (2) sender's first acknowledgement after the kill: {} (last before it {} earlier; MsgSeq {} -> {}; {} sent before and acknowledged after)",
        opt(f.first_ack_after_kill_ms),
        opt(f.last_ack_before_kill_ms),
        f.msg_seq_before_kill.map_or("-".into(), |n| n.to_string()),
        f.msg_seq_after_kill.map_or("-".into(), |n| n.to_string()),
        f.acknowledged_across_the_kill
    );
    let _ = writeln!(
        s,
        "  (3) dead node's viewers back in the room: {} of {}, all after {}",
        f.came_back,
        f.dead_node_viewers,
        opt(f.all_back_ms)
    );
    if let (Some(b), Some(l)) = (&f.back_ms, &f.back_after_loss_ms) {
        let _ = writeln!(
            s,
            "      each from the kill: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms; from its own loss: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms; {} attempts, {} viewers retried",
            b.p50_ms, b.p99_ms, b.max_ms, l.p50_ms, l.p99_ms, l.max_ms, f.reconnect_attempts, f.retried
        );
    }
    let _ = writeln!(
        s,
        "  (4) not back within {:.0} s: {}; viewers of surviving nodes that lost their connection: {}",
        o.plan.rejoin_limit_secs, f.not_back_within_limit, f.lost_on_surviving_nodes
    );
    let _ = writeln!(
        s,
        "  (5) acknowledged messages missed by a viewer within the history's reach: {} ({} viewer-message pairs, over {} viewers); beyond the history: {} pairs; live duplicates: {}",
        f.messages_missing, f.misses, f.viewers_checked, f.misses_beyond_history, f.live_duplicates
    );
    for m in &f.first_missing {
        let _ = writeln!(
            s,
            "      message {} (MsgSeq {}, acknowledged {:+.0} ms from the kill): missed by {} viewers",
            m.k, m.msg_seq, m.acked_ms, m.viewers
        );
    }
    let _ = writeln!(
        s,
        "  sender: {} sent, {} acknowledged ({} dropped by frequency control), refused {:?}, unanswered {}, not acknowledged but delivered {}",
        f.sent,
        f.acknowledged,
        f.dropped_by_frequency_control,
        f.refused,
        f.unanswered,
        f.unacknowledged_but_delivered
    );
    for r in &f.refusals {
        let _ = writeln!(
            s,
            "      message {} sent {:+.0} ms from the kill refused {:+.0} ms: {} {}",
            r.k, r.sent_ms, r.replied_ms, r.code, r.info
        );
    }
    let _ = writeln!(
        s,
        "  load tool CPU {:.2} s over {:.1} s; ramp {:.1} s",
        o.load_tool_cpu_secs, o.run_secs, o.ramp_secs
    );
    s
}

/// Writes `<out>/liveroom-failover.json`; returns its path.
pub fn write(out: &std::path::Path, o: &FailoverOutcome) -> Result<std::path::PathBuf> {
    std::fs::create_dir_all(out)?;
    let path = out.join("liveroom-failover.json");
    std::fs::write(&path, serde_json::to_string_pretty(o)?)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnect_delays_follow_the_sdk() {
        assert_eq!(reconnect_delay(0, 0.0), Duration::from_millis(250));
        assert_eq!(reconnect_delay(0, 1.0), Duration::from_millis(500));
        assert_eq!(reconnect_delay(2, 0.5), Duration::from_millis(1500));
        assert_eq!(reconnect_delay(40, 1.0), Duration::from_secs(30));
    }

    #[test]
    fn the_sequence_follows_the_marker() {
        let text = marked_text(417, 2, 80);
        assert_eq!(text.len(), 80);
        let frame = format!(r#"{{"op":"message","MsgBody":[{{"Text":"{text}"}}],"History":true}}"#);
        let finder = memchr::memmem::Finder::new(MARKER);
        let m = parse_marker(&finder, frame.as_bytes()).expect("marker");
        assert_eq!(m.node, 2);
        assert_eq!(sequence_at(frame.as_bytes(), m.next), Some(417));
        assert_eq!(sequence_at(b"12x", 0), None);
        assert_eq!(sequence_at(b"x", 0), None);
    }

    #[test]
    fn seen_sets_grow_and_answer() {
        let mut s = Seen::default();
        assert!(s.insert(3));
        assert!(!s.insert(3));
        assert!(s.insert(200));
        assert!(s.contains(3) && s.contains(200));
        assert!(!s.contains(4) && !s.contains(10_000));
    }

    const KILL: u64 = 10_000_000;

    /// Messages 1..=n sent every 100 ms (message 50 50 ms after the kill), acknowledged
    /// 5 ms later with MsgSeq k, except those sent within 3.5 s after the kill, all
    /// acknowledged 3.5 s after it; the new owner numbers them 1000 + k.
    fn acks(n: usize) -> Vec<Ack> {
        let mut v = vec![Ack::default()];
        for k in 1..=n {
            let sent_at = KILL - 4_950_000 + k as u64 * 100_000;
            let waited = (KILL..KILL + 3_500_000).contains(&sent_at);
            v.push(Ack {
                sent_at,
                replied_at: if waited {
                    KILL + 3_500_000
                } else {
                    sent_at + 5_000
                },
                code: 0,
                msg_seq: if sent_at > KILL {
                    1000 + k as u64
                } else {
                    k as u64
                },
                dropped: false,
                info: None,
            });
        }
        v
    }

    fn stayed(n: usize, node: usize) -> ViewerRecord {
        let mut v = ViewerRecord {
            first_node: node,
            joined: true,
            in_room_at_end: true,
            ..ViewerRecord::default()
        };
        for k in 1..=n {
            v.seen.insert(k);
        }
        v
    }

    #[test]
    fn a_clean_failover_has_no_misses() {
        let acks = acks(100);
        let mut first_live = vec![0; 101];
        for (k, a) in acks.iter().enumerate().skip(1) {
            first_live[k] = a.replied_at + 2_000;
        }
        // Came back 4 s after the kill with a full history of 50 from message 51.
        let mut back = stayed(100, 1);
        back.seen = Seen::default();
        for k in (1..=49).chain(51..=100) {
            back.seen.insert(k);
        }
        back.lost_at = Some(KILL + 1_000);
        back.first_back_at = Some(KILL + 4_000_000);
        back.reconnect_attempts = 1;
        back.history = (51..=100).collect();
        back.history_frames = 50;
        let viewers = vec![stayed(100, 0), back, stayed(100, 2)];
        let f = analyse(&Evidence {
            kill_at: KILL,
            limit_us: 30_000_000,
            history_count: 50,
            dead: 1,
            acks: &acks,
            first_live: &first_live,
            viewers: &viewers,
        });
        assert_eq!((f.sent, f.acknowledged, f.unanswered), (100, 100, 0));
        assert_eq!(f.first_ack_after_kill_ms, Some(3500.0));
        assert_eq!(f.first_delivery_after_kill_ms, Some(3502.0));
        assert_eq!(f.last_ack_before_kill_ms, Some(45.0));
        assert_eq!(
            (f.msg_seq_before_kill, f.msg_seq_after_kill),
            (Some(49), Some(1050))
        );
        assert_eq!(f.acknowledged_across_the_kill, 0);
        assert_eq!((f.dead_node_viewers, f.came_back), (1, 1));
        assert_eq!(f.all_back_ms, Some(4000.0));
        assert_eq!(f.not_back_within_limit, 0);
        assert_eq!(f.lost_on_surviving_nodes, 0);
        // Message 50 is older than the returning viewer's full history.
        assert_eq!((f.misses, f.misses_beyond_history), (0, 1));
        assert_eq!(f.viewers_checked, 3);
        assert!(f.first_missing.is_empty());
    }

    #[test]
    fn misses_within_reach_and_late_viewers_are_counted() {
        let mut acks = acks(100);
        acks[7].code = 10002;
        acks[8].dropped = true;
        let first_live = vec![0; 101];
        let mut stayed_a = stayed(100, 0);
        // Message 70 never reached this viewer; 8 was dropped (owed to nobody); 7 was
        // refused but arrived anyway.
        stayed_a.seen = Seen::default();
        for k in (1..=100).filter(|&k| k != 70 && k != 8) {
            stayed_a.seen.insert(k);
        }
        // Came back after the limit with a short history: everything is within reach.
        let mut late = stayed(60, 1);
        late.lost_at = Some(KILL);
        late.first_back_at = Some(KILL + 40_000_000);
        late.history = vec![1, 2];
        late.history_frames = 2;
        let mut gone = stayed(40, 1);
        gone.lost_at = Some(KILL);
        gone.in_room_at_end = false;
        let viewers = vec![stayed_a, late, gone];
        let f = analyse(&Evidence {
            kill_at: KILL,
            limit_us: 30_000_000,
            history_count: 50,
            dead: 1,
            acks: &acks,
            first_live: &first_live,
            viewers: &viewers,
        });
        assert_eq!(f.refused.get(&10002), Some(&1));
        assert_eq!(f.refusals.len(), 1);
        assert_eq!(f.refusals[0].k, 7);
        assert_eq!(f.dropped_by_frequency_control, 1);
        assert_eq!(f.unacknowledged_but_delivered, 1);
        assert_eq!(f.first_delivery_after_kill_ms, None);
        assert_eq!((f.dead_node_viewers, f.came_back), (2, 1));
        assert_eq!(f.all_back_ms, None);
        assert_eq!(f.not_back_within_limit, 2);
        assert_eq!(f.viewers_checked, 2);
        // Viewer a: 70 (not 8, dropped). The late viewer: 61..=100.
        assert_eq!(f.misses, 41);
        assert_eq!(f.misses_beyond_history, 0);
        assert_eq!(f.messages_missing, 40);
        let listed: Vec<(usize, usize)> =
            f.first_missing.iter().map(|m| (m.k, m.viewers)).collect();
        assert_eq!(listed.len(), 10, "the first ten");
        assert_eq!(listed[0], (61, 1));
        assert_eq!(listed[9], (70, 2));
    }
}
