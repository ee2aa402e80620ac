//! The stored-group load (`groups`): one group (a Public group, or a community with topics)
//! of many members, some of them online, with a few members sending at a steady total
//! rate; measured from the online members' side (send→receive latency, deliveries), the
//! server's CPU and the store's group commits. Then a member who was offline the whole time
//! catches up (its unread count, then every message by number), and a burst of users asks to
//! join a group that needs approval while its owner watches and answers.

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
pub struct GroupsPlan {
    pub members: usize,
    pub online: usize,
    /// Messages per second over the whole group.
    pub rate: f64,
    /// Members who send (the rate is split among them).
    pub senders: usize,
    /// 0: a Public group; else a community with this many topics (messages go round them).
    pub topics: usize,
    pub hold_secs: u64,
    pub ramp_rate: f64,
    /// Users who ask to join a group that needs approval, at once.
    pub join_burst: usize,
}

#[derive(Debug, Serialize)]
pub struct GroupsOutcome {
    pub members: usize,
    pub online: usize,
    pub topics: usize,
    pub offered_per_sec: f64,
    pub acknowledged_per_sec: f64,
    pub deliveries_per_sec: f64,
    pub expected_deliveries_per_sec: f64,
    pub errors: u64,
    pub latency: Latency,
    pub server_cpu_secs: f64,
    pub server_cpu_secs_per_million_deliveries: f64,
    pub extra_cpu_secs: f64,
    pub store_commits_per_sec: f64,
    pub messages_per_commit: f64,
    pub server_rss_mb: f64,
    pub setup_secs: f64,
    pub login_secs: f64,
    pub catchup_unread: u64,
    pub catchup_messages: usize,
    pub catchup_secs: f64,
    pub join_burst: usize,
    pub join_requests_secs: f64,
    pub join_notices_secs: f64,
    pub join_answers_secs: f64,
}

#[derive(Default)]
struct Counts {
    acked: Cell<u64>,
    received: Cell<u64>,
    errors: Cell<u64>,
    notices: Cell<u64>,
    counting: Cell<bool>,
    latency: RefCell<Option<hdrhistogram::Histogram<u64>>>,
}

const GROUP: &str = "bench-group";
const BURST_GROUP: &str = "bench-burst";

fn member(i: usize) -> String {
    format!("gm-{i}")
}

fn topic(i: usize) -> String {
    format!("{GROUP}@TOPIC#_t{i}")
}

/// Reads a member's connection: replies, group messages (their text is the microsecond they
/// were sent at) and system notices.
async fn read(mut r: WsReader, counts: Rc<Counts>) {
    let message = memchr::memmem::Finder::new(br#"{"op":"message","#);
    let text = memchr::memmem::Finder::new(br#""Text":""#);
    let reply = memchr::memmem::Finder::new(br#"{"op":"reply","#);
    // Notices are written with sorted keys: `op` is not first.
    let notice = memchr::memmem::Finder::new(br#""op":"system""#);
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
            // Sends' and requests' replies (not pongs).
            if memchr::memmem::find(p, br#""Pong""#).is_some() {
                continue;
            }
            let ok = memchr::memmem::find(p, br#""ErrorCode":0,"#).is_some();
            if counts.counting.get() {
                if ok {
                    counts.acked.set(counts.acked.get() + 1);
                } else {
                    counts.errors.set(counts.errors.get() + 1);
                }
            }
        } else if notice.find(p).is_some() {
            counts.notices.set(counts.notices.get() + 1);
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

async fn ok(live: &Liveroom, path: &str, body: Value) -> Result<Value> {
    let v = live.rest(path, body).await?;
    if v["ErrorCode"] != 0 {
        bail!("{path}: {v}");
    }
    Ok(v)
}

/// Accounts and the group with all its members (and topics).
async fn set_up(live: &Liveroom, plan: &GroupsPlan) -> Result<()> {
    let extra = plan.join_burst + 2;
    let names: Vec<String> = (0..plan.members + extra).map(member).collect();
    for chunk in names.chunks(100) {
        let list: Vec<Value> = chunk.iter().map(|u| json!({"UserID": u})).collect();
        ok(
            live,
            "im_open_login_svc/multiaccount_import",
            json!({"AccountList": list}),
        )
        .await?;
    }
    let (kind, support) = if plan.topics > 0 {
        ("Community", 1)
    } else {
        ("Public", 0)
    };
    ok(
        live,
        "group_open_http_svc/create_group",
        json!({"Type": kind, "GroupId": GROUP, "Name": "bench", "Owner_Account": member(0),
               "MaxMemberCount": plan.members.max(2), "SupportTopic": support}),
    )
    .await?;
    for chunk in names[1..plan.members].chunks(500) {
        let list: Vec<Value> = chunk.iter().map(|u| json!({"Member_Account": u})).collect();
        ok(
            live,
            "group_open_http_svc/add_group_member",
            json!({"GroupId": GROUP, "MemberList": list, "Silence": 1}),
        )
        .await?;
    }
    for t in 0..plan.topics {
        ok(
            live,
            "million_group_open_http_svc/create_topic",
            json!({"GroupId": GROUP, "TopicName": format!("topic {t}"), "TopicId": topic(t)}),
        )
        .await?;
    }
    Ok(())
}

pub async fn run(live: Liveroom, plan: GroupsPlan, extra_pids: Vec<u32>) -> Result<GroupsOutcome> {
    let live = Rc::new(live);
    let outcome = measure(live.clone(), plan, extra_pids).await;
    live.stop().await;
    outcome
}

async fn measure(
    live: Rc<Liveroom>,
    plan: GroupsPlan,
    extra_pids: Vec<u32>,
) -> Result<GroupsOutcome> {
    if plan.online > plan.members || plan.senders == 0 || plan.senders > plan.online {
        bail!("--online must be at most --members, --senders 1 to --online");
    }
    let setup = Instant::now();
    set_up(&live, &plan).await.context("setting the group up")?;
    let setup_secs = setup.elapsed().as_secs_f64();
    eprintln!(
        "{} members in {GROUP} ({} topics), set up in {setup_secs:.1} s",
        plan.members, plan.topics
    );

    let counts = Rc::new(Counts::default());
    let server_pids = live.pids();
    let ramp = Duration::from_secs_f64(1.0 / plan.ramp_rate.max(1.0));
    let logins = Instant::now();
    let mut writers = Vec::new();
    for i in 0..plan.online {
        let (r, w) = login(&live, i, &member(i))
            .await
            .with_context(|| format!("logging in member {i}"))?;
        tokio::task::spawn_local(read(r, counts.clone()));
        writers.push(w);
        tokio::time::sleep(ramp).await;
    }
    let login_secs = logins.elapsed().as_secs_f64();
    eprintln!("{} members online in {login_secs:.1} s", plan.online);

    let stop = Rc::new(Cell::new(false));
    let period = Duration::from_secs_f64(plan.senders as f64 / plan.rate.max(0.001));
    let topics = plan.topics;
    for (i, mut w) in writers.into_iter().enumerate() {
        let stop = stop.clone();
        if i >= plan.senders {
            tokio::task::spawn_local(async move {
                while !stop.get() {
                    tokio::time::sleep(Duration::from_secs(15)).await;
                    if w.text(r#"{"op":"ping"}"#).await.is_err() {
                        return;
                    }
                }
            });
            continue;
        }
        tokio::task::spawn_local(async move {
            tokio::time::sleep(period.mul_f64(rand::random::<f64>())).await;
            let mut tick = tokio::time::interval(period);
            let mut id = 10u64;
            while !stop.get() {
                tick.tick().await;
                id += 1;
                let mut frame = json!({"op": "send", "id": id, "GroupId": GROUP,
                    "MsgBody": [{"MsgType": "TIMTextElem",
                                 "MsgContent": {"Text": format!("{:020}", now_micros())}}]});
                if topics > 0 {
                    frame["TopicId"] = json!(topic((id as usize + i) % topics));
                }
                if w.text(&frame.to_string()).await.is_err() {
                    return;
                }
            }
        });
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    *counts.latency.borrow_mut() = Some(histogram());
    let commits0 = metric(&live, "liveroom_group_batches_total").await;
    let stored0 = metric(&live, "liveroom_group_stored_messages_total").await;
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
    let commits = metric(&live, "liveroom_group_batches_total").await - commits0;
    let stored = metric(&live, "liveroom_group_stored_messages_total").await - stored0;
    stop.set(true);
    tokio::time::sleep(Duration::from_secs(1)).await;

    // A member offline the whole time logs in and reads everything it missed.
    let catching = Instant::now();
    let last = plan.members - 1;
    let (mut r, mut w) = login(&live, plan.online + 1, &member(last)).await?;
    let mut id = 100u64;
    w.text(&json!({"op": "get_joined_groups", "id": id}).to_string())
        .await?;
    let joined = answer(&mut r, id).await?;
    let mut unread = joined["Groups"][0]["Unread"].as_u64().unwrap_or(0);
    let threads: Vec<Option<String>> = if topics > 0 {
        id += 1;
        w.text(&json!({"op": "get_topics", "id": id, "GroupId": GROUP}).to_string())
            .await?;
        let v = answer(&mut r, id).await?;
        unread = v["Topics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| t["Unread"].as_u64().unwrap_or(0))
            .sum();
        (0..topics).map(|t| Some(topic(t))).collect()
    } else {
        vec![None]
    };
    let mut read_total = 0;
    for t in &threads {
        let mut after = 0u64;
        loop {
            id += 1;
            let mut req = json!({"op": "get_group_messages", "id": id, "GroupId": GROUP,
                                 "AfterSeq": after, "Count": 100});
            if let Some(t) = t {
                req["TopicId"] = json!(t);
            }
            w.text(&req.to_string()).await?;
            let v = answer(&mut r, id).await?;
            let msgs = v["Messages"].as_array().cloned().unwrap_or_default();
            read_total += msgs.len();
            if let Some(m) = msgs.last() {
                after = m["MsgSeq"].as_u64().unwrap_or(after);
            }
            if v["Complete"] == true || msgs.is_empty() {
                break;
            }
        }
    }
    let catchup_secs = catching.elapsed().as_secs_f64();
    w.close().await;

    let (join_requests_secs, join_notices_secs, join_answers_secs) = if plan.join_burst > 0 {
        join_burst(&live, &plan).await?
    } else {
        (0.0, 0.0, 0.0)
    };

    let cpu = s1.cpu_secs - s0.cpu_secs;
    let received = counts.received.get() as f64;
    let acked = counts.acked.get() as f64;
    let latency = counts
        .latency
        .borrow()
        .as_ref()
        .map(latency_of)
        .unwrap_or_else(|| latency_of(&histogram()));
    Ok(GroupsOutcome {
        members: plan.members,
        online: plan.online,
        topics: plan.topics,
        offered_per_sec: plan.rate,
        acknowledged_per_sec: acked / secs,
        deliveries_per_sec: received / secs,
        expected_deliveries_per_sec: acked / secs * (plan.online as f64 - 1.0),
        errors: counts.errors.get(),
        latency,
        server_cpu_secs: cpu,
        server_cpu_secs_per_million_deliveries: cpu / received.max(1.0) * 1e6,
        extra_cpu_secs: x1.cpu_secs - x0.cpu_secs,
        store_commits_per_sec: commits / secs,
        messages_per_commit: stored / commits.max(1.0),
        server_rss_mb: s1.rss_bytes as f64 / 1e6,
        setup_secs,
        login_secs,
        catchup_unread: unread,
        catchup_messages: read_total,
        catchup_secs,
        join_burst: plan.join_burst,
        join_requests_secs,
        join_notices_secs,
        join_answers_secs,
    })
}

/// `join_burst` users ask at once to join a group that needs approval; its owner, online,
/// gets a notice for each and accepts them one by one. Times: until every request is
/// answered, until the owner has every notice, until every applicant is accepted.
async fn join_burst(live: &Liveroom, plan: &GroupsPlan) -> Result<(f64, f64, f64)> {
    let owner = member(plan.members);
    ok(
        live,
        "group_open_http_svc/create_group",
        json!({"Type": "Public", "GroupId": BURST_GROUP, "Name": "burst", "Owner_Account": owner,
               "ApplyJoinOption": "NeedPermission"}),
    )
    .await?;
    let owner_counts = Rc::new(Counts::default());
    let (owner_r, mut owner_w) = login(live, 50_000, &owner).await?;
    tokio::task::spawn_local(read(owner_r, owner_counts.clone()));
    let applicant_counts = Rc::new(Counts::default());
    let mut applicants = Vec::new();
    for i in 0..plan.join_burst {
        let (r, w) = login(live, 50_001 + i, &member(plan.members + 1 + i)).await?;
        tokio::task::spawn_local(read(r, applicant_counts.clone()));
        applicants.push(w);
    }
    applicant_counts.counting.set(true);
    let started = Instant::now();
    for w in applicants.iter_mut() {
        w.text(&json!({"op": "join_group", "id": 7, "GroupId": BURST_GROUP}).to_string())
            .await?;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut requests_secs = 0.0;
    loop {
        let answered = applicant_counts.acked.get() + applicant_counts.errors.get();
        if requests_secs == 0.0 && answered >= plan.join_burst as u64 {
            requests_secs = started.elapsed().as_secs_f64();
        }
        if requests_secs > 0.0 && owner_counts.notices.get() >= plan.join_burst as u64 {
            break;
        }
        if Instant::now() > deadline {
            bail!(
                "the join burst was not answered within 30 s: {} answered, {} refused, the owner got {} notices",
                applicant_counts.acked.get(),
                applicant_counts.errors.get(),
                owner_counts.notices.get()
            );
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let notices_secs = started.elapsed().as_secs_f64();
    let answering = Instant::now();
    let before = applicant_counts.notices.get();
    for i in 0..plan.join_burst {
        owner_w
            .text(
                &json!({"op": "answer_group_request", "id": 1000 + i, "GroupId": BURST_GROUP,
                        "Applicant_Account": member(plan.members + 1 + i), "Accept": true})
                .to_string(),
            )
            .await?;
        // Within a connection's request rate (50 a second by default).
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if applicant_counts.notices.get() >= before + plan.join_burst as u64 {
            break;
        }
        if Instant::now() > deadline {
            bail!("the join burst's acceptances did not all arrive within 30 s");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok((
        requests_secs,
        notices_secs,
        answering.elapsed().as_secs_f64(),
    ))
}

pub fn summary(o: &GroupsOutcome) -> String {
    format!(
        "groups: {} members ({} online, {} topics), offered {:.0} msg/s: acknowledged {:.1}/s, \
         {:.0} deliveries/s of {:.0} expected, errors {}; send→receive p50 {:.1} ms p99 {:.1} ms; \
         server {:.2} CPU-s ({:.2} per million deliveries), store {:.2} CPU-s; {:.1} commits/s \
         of {:.1} messages; RSS {:.0} MB; set-up {:.1} s, logins {:.1} s; catch-up: {} unread, {} \
         messages read in {:.2} s; join burst of {}: answered in {:.2} s, owner notified in {:.2} s, \
         all accepted in {:.2} s",
        o.members,
        o.online,
        o.topics,
        o.offered_per_sec,
        o.acknowledged_per_sec,
        o.deliveries_per_sec,
        o.expected_deliveries_per_sec,
        o.errors,
        o.latency.p50_ms,
        o.latency.p99_ms,
        o.server_cpu_secs,
        o.server_cpu_secs_per_million_deliveries,
        o.extra_cpu_secs,
        o.store_commits_per_sec,
        o.messages_per_commit,
        o.server_rss_mb,
        o.setup_secs,
        o.login_secs,
        o.catchup_unread,
        o.catchup_messages,
        o.catchup_secs,
        o.join_burst,
        o.join_requests_secs,
        o.join_notices_secs,
        o.join_answers_secs
    )
}
