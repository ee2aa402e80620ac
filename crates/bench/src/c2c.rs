//! The one-to-one chat load (`c2c`): users in pairs, each sending its partner a message at a
//! steady rate over its own connection(s); measured from the receivers' side (send→receive
//! latency, messages delivered), the server's CPU and its store's group commits. Then the
//! offline catch-up: a user with messages waiting in many conversations logs in and reads
//! them all, as a client does (the conversation list, then each conversation by number).

use anyhow::{bail, Context, Result};
use serde::Serialize;
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::liveroom::{await_reply, Liveroom};
use crate::process::{sample_each, total};
use crate::run::{latency_of, source_address, Latency};
use crate::stats::{histogram, now_micros};
use crate::ws::{self, WsReader, WsWriter, OP_TEXT};

/// What to run.
#[derive(Debug, Clone)]
pub struct C2cPlan {
    pub users: usize,
    /// Connections per user (the sender's other devices get its messages too).
    pub devices: usize,
    /// Messages per second each user sends.
    pub rate: f64,
    pub hold_secs: u64,
    pub ramp_rate: f64,
    /// Messages waiting for the catch-up user, and in how many conversations.
    pub waiting: usize,
    pub conversations: usize,
}

#[derive(Debug, Serialize)]
pub struct C2cOutcome {
    pub users: usize,
    pub connections: usize,
    pub offered_per_sec: f64,
    pub acknowledged_per_sec: f64,
    pub received_per_sec: f64,
    pub errors: u64,
    pub latency: Latency,
    pub server_cpu_secs: f64,
    pub server_cpu_secs_per_million_messages: f64,
    pub extra_cpu_secs: f64,
    pub store_commits_per_sec: f64,
    pub messages_per_commit: f64,
    pub server_rss_mb: f64,
    pub catchup_messages: usize,
    pub catchup_conversations: usize,
    pub catchup_secs: f64,
}

#[derive(Default)]
struct Counts {
    acked: Cell<u64>,
    received: Cell<u64>,
    errors: Cell<u64>,
    counting: Cell<bool>,
    latency: RefCell<Option<hdrhistogram::Histogram<u64>>>,
}

fn user(i: usize) -> String {
    format!("c2c-{i}")
}

fn text_frame(id: u64, to: &str, text: &str) -> String {
    json!({"op": "send_c2c", "id": id, "To_Account": to,
           "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]})
    .to_string()
}

/// Reads a connection: replies (acknowledged or refused) and the partner's messages, whose
/// text is the microsecond they were sent at.
async fn read(mut r: WsReader, counts: Rc<Counts>) {
    let message = memchr::memmem::Finder::new(br#"{"op":"c2c","#);
    let text = memchr::memmem::Finder::new(br#""Text":""#);
    let reply = memchr::memmem::Finder::new(br#"{"op":"reply","#);
    while let Ok(f) = r.next().await {
        if f.opcode != OP_TEXT {
            continue;
        }
        let p = f.payload;
        if message.find(p) == Some(0) {
            let Some(at) = text.find(p) else { continue };
            let Some((sent, _)) = crate::stats::digits(p, at + 8) else {
                continue;
            };
            if counts.counting.get() {
                counts.received.set(counts.received.get() + 1);
                if let Some(h) = counts.latency.borrow_mut().as_mut() {
                    let _ = h.record(now_micros().saturating_sub(sent));
                }
            }
        } else if reply.find(p) == Some(0) {
            let ok = memchr::memmem::find(p, br#""ErrorCode":0,"#).is_some();
            if counts.counting.get() {
                if ok {
                    counts.acked.set(counts.acked.get() + 1);
                } else {
                    counts.errors.set(counts.errors.get() + 1);
                }
            }
        }
    }
}

async fn login(live: &Liveroom, n: usize, name: &str) -> Result<(WsReader, WsWriter)> {
    let node = &live.nodes[n % live.nodes.len()];
    let (mut r, mut w) = ws::connect(source_address(n, 10_000), &node.ws).await?;
    let sig = liveroom_core::usersig::generate(
        live.app,
        &live.key,
        name,
        86_400,
        liveroom_core::time::unix_secs(),
    );
    w.text(
        &json!({"op": "login", "id": 1, "SDKAppID": live.app, "UserID": name, "UserSig": sig, "Platform": "Linux"})
            .to_string(),
    )
    .await?;
    await_reply(&mut r, 1).await?;
    Ok((r, w))
}

/// A reply to request `id` on a reader nobody else reads, as JSON.
async fn answer(r: &mut WsReader, id: u64) -> Result<Value> {
    let prefix = format!(r#"{{"op":"reply","id":{id},"#);
    loop {
        let f = r.next().await?;
        if f.opcode == OP_TEXT && f.payload.starts_with(prefix.as_bytes()) {
            let v: Value = serde_json::from_slice(f.payload)?;
            if v["ErrorCode"] != 0 {
                bail!("request {id} refused: {v}");
            }
            return Ok(v);
        }
    }
}

/// A server counter from `/metrics`.
async fn metric(live: &Liveroom, name: &str) -> f64 {
    let Ok(resp) = reqwest::get(format!("{}/metrics", live.nodes[0].http)).await else {
        return 0.0;
    };
    let text = resp.text().await.unwrap_or_default();
    text.lines()
        .filter(|l| l.starts_with(name))
        .filter_map(|l| l.split_whitespace().last()?.parse::<f64>().ok())
        .sum()
}

/// Runs the load, then stops the servers the tool started.
pub async fn run(live: Liveroom, plan: C2cPlan, extra_pids: Vec<u32>) -> Result<C2cOutcome> {
    let live = Rc::new(live);
    let outcome = measure(live.clone(), plan, extra_pids).await;
    live.stop().await;
    outcome
}

async fn measure(live: Rc<Liveroom>, plan: C2cPlan, extra_pids: Vec<u32>) -> Result<C2cOutcome> {
    if plan.users < 2 || !plan.users.is_multiple_of(2) {
        bail!("--users must be an even number of at least 2");
    }
    let counts = Rc::new(Counts::default());
    let server_pids = live.pids();
    let mut writers: Vec<WsWriter> = Vec::new();
    // Other devices only receive; their writers send pings.
    let mut quiet: Vec<WsWriter> = Vec::new();
    let ramp = Duration::from_secs_f64(1.0 / plan.ramp_rate.max(1.0));
    let mut n = 0;
    for u in 0..plan.users {
        for _ in 0..plan.devices {
            let (r, w) = login(&live, n, &user(u))
                .await
                .with_context(|| format!("logging in user {u}"))?;
            tokio::task::spawn_local(read(r, counts.clone()));
            if writers.len() == u {
                writers.push(w);
            } else {
                quiet.push(w);
            }
            n += 1;
            tokio::time::sleep(ramp).await;
        }
    }
    eprintln!("{} users on {n} connections", plan.users);
    // Pings keep the connections within the idle timeout; each user's sender paces its
    // messages with a random phase.
    let stop = Rc::new(Cell::new(false));
    for mut w in quiet {
        let stop = stop.clone();
        tokio::task::spawn_local(async move {
            while !stop.get() {
                tokio::time::sleep(Duration::from_secs(15)).await;
                if w.text(r#"{"op":"ping"}"#).await.is_err() {
                    return;
                }
            }
        });
    }
    // Each user's task sends to its partner until `stop`, then (the first
    // `conversations` users) the catch-up user's waiting messages once `catch_up` says so.
    let period = Duration::from_secs_f64(1.0 / plan.rate.max(0.001));
    let target = "c2c-catchup";
    let (catch_up, go) = tokio::sync::watch::channel(false);
    let per = plan.waiting / plan.conversations.max(1);
    let mut waiting_senders = Vec::new();
    for (u, mut w) in writers.into_iter().enumerate() {
        let (stop, mut go) = (stop.clone(), go.clone());
        let to = user(u ^ 1);
        let sends_waiting = u < plan.conversations;
        let task = tokio::task::spawn_local(async move {
            tokio::time::sleep(period.mul_f64(rand::random::<f64>())).await;
            let mut tick = tokio::time::interval(period);
            let mut id = 10u64;
            while !stop.get() {
                tick.tick().await;
                id += 1;
                let frame = text_frame(id, &to, &format!("{:020}", now_micros()));
                if w.text(&frame).await.is_err() {
                    return;
                }
            }
            if !sends_waiting {
                return;
            }
            if go.wait_for(|go| *go).await.is_err() {
                return;
            }
            for i in 0..per {
                let frame = text_frame(1_000_000 + i as u64, target, &format!("waiting {u}-{i}"));
                if w.text(&frame).await.is_err() {
                    return;
                }
                // Within a connection's request rate (50 a second by default).
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
        });
        if sends_waiting {
            waiting_senders.push(task);
        }
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    *counts.latency.borrow_mut() = Some(histogram());
    let commits0 = metric(&live, "liveroom_c2c_batches_total").await;
    let stored0 = metric(&live, "liveroom_c2c_messages_total").await;
    let (s0, x0) = (
        total(&sample_each(&server_pids)),
        total(&sample_each(&extra_pids)),
    );
    counts.counting.set(true);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(plan.hold_secs)).await;
    counts.counting.set(false);
    let secs = started.elapsed().as_secs_f64();
    let (s1, x1) = (
        total(&sample_each(&server_pids)),
        total(&sample_each(&extra_pids)),
    );
    let commits = metric(&live, "liveroom_c2c_batches_total").await - commits0;
    let stored = metric(&live, "liveroom_c2c_messages_total").await - stored0;
    stop.set(true);
    tokio::time::sleep(Duration::from_secs(1)).await;

    // Catch-up: messages wait in `conversations` conversations, then their receiver
    // logs in and reads them all.
    live.rest(
        "im_open_login_svc/account_import",
        json!({"UserID": target}),
    )
    .await?;
    let _ = catch_up.send(true);
    for s in waiting_senders {
        let _ = s.await;
    }
    // Wait until the store has them all (the receiver's unread total says so).
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let v = live
            .rest(
                "openim/get_c2c_unread_msg_num",
                json!({"To_Account": target}),
            )
            .await?;
        if v["AllC2CUnreadMsgNum"].as_u64() >= Some((per * plan.conversations) as u64) {
            break;
        }
        if Instant::now() > deadline {
            bail!("the waiting messages were not all stored: {v}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let caught = Instant::now();
    let (mut r, mut w) = login(&live, n + 1, target).await?;
    let mut id = 100u64;
    let mut read_total = 0;
    let mut cursor: Option<String> = None;
    let mut peers = Vec::new();
    loop {
        id += 1;
        let mut req = json!({"op": "get_conversations", "id": id, "Count": 1000});
        if let Some(c) = &cursor {
            req["Cursor"] = json!(c);
        }
        w.text(&req.to_string()).await?;
        let v = answer(&mut r, id).await?;
        for c in v["Conversations"].as_array().into_iter().flatten() {
            peers.push(c["Peer_Account"].as_str().unwrap_or_default().to_string());
        }
        cursor = v["NextCursor"].as_str().map(str::to_string);
        if v["Complete"] == true {
            break;
        }
    }
    for peer in &peers {
        let mut after = 0u64;
        loop {
            id += 1;
            w.text(
                &json!({"op": "get_c2c_messages", "id": id, "Peer_Account": peer, "AfterSeq": after, "Count": 100})
                    .to_string(),
            )
            .await?;
            let v = answer(&mut r, id).await?;
            let msgs = v["Messages"].as_array().cloned().unwrap_or_default();
            read_total += msgs.len();
            if let Some(last) = msgs.last() {
                after = last["Seq"].as_u64().unwrap_or(after);
            }
            if v["Complete"] == true || msgs.is_empty() {
                break;
            }
        }
    }
    let catchup_secs = caught.elapsed().as_secs_f64();
    w.close().await;

    let cpu = s1.cpu_secs - s0.cpu_secs;
    let received = counts.received.get() as f64;
    let latency = counts
        .latency
        .borrow()
        .as_ref()
        .map(latency_of)
        .unwrap_or_else(|| latency_of(&histogram()));
    Ok(C2cOutcome {
        users: plan.users,
        connections: n,
        offered_per_sec: plan.users as f64 * plan.rate,
        acknowledged_per_sec: counts.acked.get() as f64 / secs,
        received_per_sec: received / secs,
        errors: counts.errors.get(),
        latency,
        server_cpu_secs: cpu,
        server_cpu_secs_per_million_messages: cpu / (counts.acked.get().max(1) as f64) * 1e6,
        extra_cpu_secs: x1.cpu_secs - x0.cpu_secs,
        store_commits_per_sec: commits / secs,
        messages_per_commit: stored / commits.max(1.0),
        server_rss_mb: s1.rss_bytes as f64 / 1e6,
        catchup_messages: read_total,
        catchup_conversations: peers.len(),
        catchup_secs,
    })
}

pub fn summary(o: &C2cOutcome) -> String {
    format!(
        "c2c: {} users on {} connections, offered {:.0} msg/s: acknowledged {:.0}/s, received {:.0}/s, errors {}; \
         send→receive p50 {:.1} ms p99 {:.1} ms; server {:.2} CPU-s ({:.1} per million messages), store {:.2} CPU-s; \
         {:.0} commits/s of {:.1} messages; catch-up: {} messages in {} conversations in {:.2} s",
        o.users,
        o.connections,
        o.offered_per_sec,
        o.acknowledged_per_sec,
        o.received_per_sec,
        o.errors,
        o.latency.p50_ms,
        o.latency.p99_ms,
        o.server_cpu_secs,
        o.server_cpu_secs_per_million_messages,
        o.extra_cpu_secs,
        o.store_commits_per_sec,
        o.messages_per_commit,
        o.catchup_messages,
        o.catchup_conversations,
        o.catchup_secs
    )
}
