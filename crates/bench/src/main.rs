//! `liveroom-bench`: the load tool. `run` measures one scenario against Liveroom (or a
//! peer), over one address or several (a cluster), in one process or as one part of
//! several; `merge` combines parts into one report; `compare` runs the same danmaku load
//! against Liveroom and each peer in turn; `smoke` runs every scenario briefly (part of
//! the test suite, so the tool never rots); `failover` kills the owner of a cluster's room
//! under traffic. docs/benchmarks.md explains the figures.
//!
//! `c2c` runs the one-to-one chat load and the offline catch-up; `groups` a stored group's
//! (or community's) load, an offline member's catch-up and a burst of join requests.
//!
//! Layout: `run.rs` (one run: ramp, hold, drain), `failover.rs` (the failover run),
//! `c2c.rs` (the one-to-one run), `groups.rs` (the stored-group run),
//! `part.rs` (parts and their merge),
//! `stats.rs` (what clients observe), `report.rs` (JSON, SVG, summaries), `target.rs`
//! with `liveroom.rs` and `peers.rs` (the servers driven), `cluster.rs` (a local
//! cluster), `process.rs` (started processes and /proc), `ws.rs` (the WebSocket client).

mod c2c;
mod cluster;
mod failover;
mod groups;
mod liveroom;
mod part;
mod peers;
mod presets;
mod process;
mod report;
mod run;
mod stats;
mod target;
mod ws;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::cluster::ClusterSpec;
use crate::part::{Part, PartResult};
use crate::peers::{Kind, Peer};
use crate::run::{Outcome, Plan, RunOptions};
use crate::target::Target;

#[derive(Parser)]
#[command(name = "liveroom-bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs one scenario against one server and writes JSON and SVG results.
    Run {
        /// idle, danmaku, many-rooms, broadcast or churn.
        #[arg(long, default_value = "danmaku")]
        scenario: String,
        /// liveroom, nats, sockudo, nchan or ejabberd.
        #[arg(long, default_value = "liveroom")]
        target: String,
        #[command(flatten)]
        shape: Shape,
        #[command(flatten)]
        servers: Servers,
        #[command(flatten)]
        split: Split,
    },
    /// Combines the parts of a run (`run --part K/N`) into the report one process would
    /// have written: printed, and as JSON and SVG in --out.
    Merge {
        /// Directories holding `*.part-K-of-N.json` files, or those files.
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// Where the report goes (default: the first directory given).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The danmaku load against Liveroom and each peer, one after the other, same shape;
    /// writes compare.md and compare.json beside each run's own files.
    Compare {
        /// Peers after Liveroom, in order.
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "nats,sockudo,nchan,ejabberd"
        )]
        peers: Vec<String>,
        #[command(flatten)]
        shape: Shape,
        #[command(flatten)]
        servers: Servers,
    },
    /// One room over a cluster (--cluster N, default 3, or --url with --server-pid in the
    /// same order): kills the room's owner with SIGKILL while a sender on another node
    /// posts, and measures the failover from the clients' side.
    Failover {
        #[command(flatten)]
        shape: FailoverShape,
        #[command(flatten)]
        servers: Servers,
    },
    /// One-to-one chat: users in pairs, each sending its partner messages at a steady
    /// rate; then a user with messages waiting in many conversations catches up.
    C2c {
        #[command(flatten)]
        shape: C2cShape,
        #[command(flatten)]
        servers: Servers,
    },
    /// A stored group (Public, or a community with topics) of many members, some online,
    /// a few sending; then an offline member's catch-up and a burst of join requests.
    Groups {
        #[command(flatten)]
        shape: GroupsShape,
        #[command(flatten)]
        servers: Servers,
    },
    /// Every scenario with a handful of viewers for a second or two; fails if any of
    /// them loses a connection or delivers nothing.
    Smoke {
        #[command(flatten)]
        servers: Servers,
    },
}

/// The shape of a `c2c` run.
#[derive(Args, Clone)]
struct C2cShape {
    /// Users online (an even number: they chat in pairs).
    #[arg(long, default_value_t = 10_000)]
    users: usize,
    /// Connections per user: the others get their user's own messages too.
    #[arg(long, default_value_t = 1)]
    devices: usize,
    /// Messages per second each user sends.
    #[arg(long, default_value_t = 1.0)]
    rate: f64,
    #[arg(long, default_value_t = 20)]
    hold: u64,
    #[arg(long, default_value_t = 2000.0)]
    ramp_rate: f64,
    /// Messages waiting for the user who catches up.
    #[arg(long, default_value_t = 10_000)]
    waiting: usize,
    /// Conversations they wait in.
    #[arg(long, default_value_t = 50)]
    conversations: usize,
}

/// The shape of a `groups` run.
#[derive(Args, Clone)]
struct GroupsShape {
    /// Members of the group.
    #[arg(long, default_value_t = 10_000)]
    members: usize,
    /// Members online.
    #[arg(long, default_value_t = 2_000)]
    online: usize,
    /// Messages per second over the whole group.
    #[arg(long, default_value_t = 20.0)]
    rate: f64,
    /// Members who send (the rate is split among them).
    #[arg(long, default_value_t = 10)]
    senders: usize,
    /// 0: a Public group; else a community with this many topics.
    #[arg(long, default_value_t = 0)]
    topics: usize,
    #[arg(long, default_value_t = 20)]
    hold: u64,
    #[arg(long, default_value_t = 500.0)]
    ramp_rate: f64,
    /// Users who ask at once to join a group that needs approval (0: none).
    #[arg(long, default_value_t = 500)]
    join_burst: usize,
}

/// Overrides of a scenario's preset.
#[derive(Args, Clone, Default)]
struct Shape {
    #[arg(long)]
    viewers: Option<usize>,
    #[arg(long)]
    rooms: Option<usize>,
    #[arg(long)]
    senders: Option<usize>,
    /// Messages per second offered by all senders together.
    #[arg(long)]
    rate: Option<f64>,
    /// Weights of High,Normal,Low,Lowest, e.g. 5,80,15,0.
    #[arg(long, value_delimiter = ',')]
    mix: Option<Vec<u32>>,
    /// Size of each message's text in bytes.
    #[arg(long)]
    payload: Option<usize>,
    /// Seconds of sending (after the ramp).
    #[arg(long)]
    hold: Option<u64>,
    /// New connections per second while ramping up.
    #[arg(long)]
    ramp_rate: Option<f64>,
    /// Connections per loopback source address.
    #[arg(long)]
    per_source: Option<usize>,
    /// Log viewers in with UserSigs instead of entering as guests (Liveroom).
    #[arg(long)]
    login_viewers: bool,
    /// Liveroom app setting for the run, as key=value with a JSON value, e.g.
    /// history_enabled=false or room_msgs_per_sec=50 (repeatable).
    #[arg(long = "setting", value_parser = parse_setting)]
    settings: Vec<(String, serde_json::Value)>,
}

/// The shape of a failover run.
#[derive(Args, Clone)]
struct FailoverShape {
    #[arg(long, default_value_t = 10_000)]
    viewers: usize,
    /// Messages per second from the sender.
    #[arg(long, default_value_t = 10.0)]
    rate: f64,
    /// Seconds of sending before the kill.
    #[arg(long, default_value_t = 5.0)]
    warmup: f64,
    /// Seconds of sending after the dead node's viewers are back and the sender is
    /// acknowledged again.
    #[arg(long, default_value_t = 5.0)]
    tail: f64,
    /// Seconds after the kill within which the dead node's viewers must be back.
    #[arg(long, default_value_t = 30.0)]
    rejoin_limit: f64,
    /// The room's short history (`history_count`, at most 50).
    #[arg(long, default_value_t = 50)]
    history: usize,
    #[arg(long, default_value_t = 100)]
    payload: usize,
    #[arg(long, default_value_t = 4000.0)]
    ramp_rate: f64,
    #[arg(long, default_value_t = 10_000)]
    per_source: usize,
    /// Log viewers in with UserSigs instead of entering as guests.
    #[arg(long)]
    login_viewers: bool,
    /// Liveroom app setting for the run, as key=value with a JSON value (repeatable).
    #[arg(long = "setting", value_parser = parse_setting)]
    settings: Vec<(String, serde_json::Value)>,
}

/// Starts (or reaches) the cluster, runs the failover, reports it.
async fn failover(shape: FailoverShape, servers: &Servers, nofile: u64) -> Result<()> {
    let mut plan = failover::FailoverPlan {
        viewers: shape.viewers,
        rate: shape.rate,
        warmup_secs: shape.warmup,
        tail_secs: shape.tail,
        rejoin_limit_secs: shape.rejoin_limit,
        history_count: shape.history,
        payload_bytes: shape.payload.max(48),
        ramp_rate: shape.ramp_rate,
        per_source: shape.per_source.max(1),
        login_viewers: shape.login_viewers,
    };
    let room = (nofile as usize).saturating_sub(200);
    if plan.viewers > room {
        eprintln!(
            "note: {} viewers do not fit this process's open-file limit ({nofile}); running {room}",
            plan.viewers
        );
        plan.viewers = room;
    }
    let mut servers = servers.clone();
    if servers.url.is_empty() && servers.cluster.is_none() {
        servers.cluster = Some(3);
    }
    let Target::Liveroom(mut live) = start_target("liveroom", &servers, &Shape::default()).await?
    else {
        bail!("the failover runs against Liveroom");
    };
    live.login_viewers = plan.login_viewers;
    let mut settings = serde_json::json!({
        "guests_per_ip_per_room": 0,
        "history_count": plan.history_count,
    });
    for (k, v) in &shape.settings {
        settings[k] = v.clone();
    }
    let outcome = failover::run(live, plan, settings).await?;
    let path = failover::write(&servers.out, &outcome)?;
    println!("{}", failover::summary(&outcome));
    println!("  results: {}", path.display());
    Ok(())
}

/// A small one-to-one run: everything sent arrives, and the catch-up reads all that waits.
async fn smoke_c2c(servers: &Servers) -> Result<Vec<String>> {
    let plan = c2c::C2cPlan {
        users: 20,
        devices: 2,
        rate: 2.0,
        hold_secs: 1,
        ramp_rate: 200.0,
        waiting: 100,
        conversations: 5,
    };
    let Target::Liveroom(live) = start_target("liveroom", servers, &Shape::default()).await? else {
        bail!("the c2c run is against Liveroom");
    };
    let o = c2c::run(live, plan.clone(), Vec::new()).await?;
    let mut failures = Vec::new();
    if o.errors > 0 || o.acknowledged_per_sec <= 0.0 || o.received_per_sec <= 0.0 {
        failures.push(format!("c2c: {}", c2c::summary(&o)));
    }
    if o.catchup_messages != plan.waiting {
        failures.push(format!(
            "c2c: the catch-up read {} of {} waiting messages",
            o.catchup_messages, plan.waiting
        ));
    }
    Ok(failures)
}

/// A small stored-group run: everything sent arrives, the catch-up reads all that waits.
async fn smoke_groups(servers: &Servers) -> Result<Vec<String>> {
    let plan = groups::GroupsPlan {
        members: 60,
        online: 12,
        rate: 10.0,
        senders: 3,
        topics: 2,
        hold_secs: 1,
        ramp_rate: 200.0,
        join_burst: 5,
    };
    let Target::Liveroom(live) = start_target("liveroom", servers, &Shape::default()).await? else {
        bail!("the groups run is against Liveroom");
    };
    let o = groups::run(live, plan, Vec::new()).await?;
    let mut failures = Vec::new();
    if o.errors > 0 || o.acknowledged_per_sec <= 0.0 || o.deliveries_per_sec <= 0.0 {
        failures.push(format!("groups: {}", groups::summary(&o)));
    }
    if o.catchup_messages as u64 != o.catchup_unread || o.catchup_messages == 0 {
        failures.push(format!(
            "groups: the catch-up read {} messages of {} unread",
            o.catchup_messages, o.catchup_unread
        ));
    }
    Ok(failures)
}

async fn groups_run(shape: GroupsShape, servers: &Servers) -> Result<()> {
    let plan = groups::GroupsPlan {
        members: shape.members.max(2),
        online: shape.online.min(shape.members),
        rate: shape.rate,
        senders: shape.senders.max(1),
        topics: shape.topics,
        hold_secs: shape.hold,
        ramp_rate: shape.ramp_rate,
        join_burst: shape.join_burst,
    };
    let Target::Liveroom(live) = start_target("liveroom", servers, &Shape::default()).await? else {
        bail!("the groups run is against Liveroom");
    };
    let mut extra_pids = servers.extra_pid.clone();
    if servers.postgres || servers.cluster.is_some() {
        extra_pids.extend(process::roots_named("postgres"));
    }
    let outcome = groups::run(live, plan, extra_pids).await?;
    std::fs::create_dir_all(&servers.out)?;
    let path = servers.out.join("liveroom-groups.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&outcome)?)?;
    println!("{}", groups::summary(&outcome));
    println!("  results: {}", path.display());
    Ok(())
}

async fn c2c_run(shape: C2cShape, servers: &Servers) -> Result<()> {
    let plan = c2c::C2cPlan {
        users: shape.users,
        devices: shape.devices.max(1),
        rate: shape.rate,
        hold_secs: shape.hold,
        ramp_rate: shape.ramp_rate,
        waiting: shape.waiting,
        conversations: shape.conversations.min(shape.users).max(1),
    };
    let Target::Liveroom(live) = start_target("liveroom", servers, &Shape::default()).await? else {
        bail!("the c2c run is against Liveroom");
    };
    let mut extra_pids = servers.extra_pid.clone();
    if servers.postgres || servers.cluster.is_some() {
        extra_pids.extend(process::roots_named("postgres"));
    }
    let outcome = c2c::run(live, plan, extra_pids).await?;
    std::fs::create_dir_all(&servers.out)?;
    let path = servers.out.join("liveroom-c2c.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&outcome)?)?;
    println!("{}", c2c::summary(&outcome));
    println!("  results: {}", path.display());
    Ok(())
}

fn parse_setting(s: &str) -> Result<(String, serde_json::Value), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?} is not key=value"))?;
    let v = serde_json::from_str(v).unwrap_or_else(|_| serde_json::Value::String(v.into()));
    Ok((k.to_string(), v))
}

/// One process's share of a run split over several tool processes.
#[derive(Args, Clone, Default)]
struct Split {
    /// Run only part K of N (K from 0) of the viewers and senders, and write this part's
    /// results for `merge` (needs --start-at). Part 0 measures the servers and broadcasts.
    #[arg(long, value_parser = Part::parse, requires = "start_at")]
    part: Option<Part>,
    /// Unix time in milliseconds at which every part starts sending, after ramping its
    /// viewers up, e.g. $(( $(date +%s%3N) + 30000 )).
    #[arg(long)]
    start_at: Option<u64>,
}

#[derive(Args, Clone)]
struct Servers {
    /// The Liveroom binary to start (the tool starts and stops it).
    #[arg(long, default_value = "target/release/liveroom")]
    server_bin: String,
    /// Use an already running Liveroom at these addresses instead (host:port, comma
    /// separated: the nodes of a cluster, or several addresses of one node). Viewers and
    /// senders are spread over them round-robin.
    #[arg(long, value_delimiter = ',')]
    url: Vec<SocketAddr>,
    /// SDKAppID and key of the running server's app (with --url).
    #[arg(long, requires = "url")]
    sdkappid: Option<u64>,
    #[arg(long, requires = "url")]
    key: Option<String>,
    /// The running servers' process ids (comma separated), for RSS and CPU, summed and
    /// each on its own (with --url).
    #[arg(long, requires = "url", value_delimiter = ',')]
    server_pid: Vec<u32>,
    /// Other processes of the system under test (e.g. nats-server), comma separated:
    /// their CPU is reported on its own and in the system's total. With --postgres or
    /// --cluster the local PostgreSQL (and NATS) servers are added by themselves.
    #[arg(long, value_delimiter = ',')]
    extra_pid: Vec<u32>,
    /// Start a local cluster of N nodes of --server-bin for the run instead: a fresh
    /// database under --database-url-base and a fresh subject prefix, dropped after.
    #[arg(long, conflicts_with = "url")]
    cluster: Option<usize>,
    /// Start the one server on a fresh PostgreSQL database under --database-url-base
    /// (dropped after) instead of its embedded SQLite; PostgreSQL's processes are then
    /// measured as the system's other processes.
    #[arg(long, conflicts_with_all = ["url", "cluster"])]
    postgres: bool,
    /// The NATS server the cluster's nodes share.
    #[arg(long, default_value = "nats://127.0.0.1:4222")]
    nats_url: String,
    /// PostgreSQL server (no database) under which a cluster's (or --postgres) database
    /// is made.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    database_url_base: String,
    /// CPU list the started server is pinned to (taskset); empty for none.
    #[arg(long, default_value = "0")]
    server_cpu: String,
    /// CPU list this tool pins itself to; empty for none.
    #[arg(long, default_value = "1")]
    tool_cpu: String,
    /// Where peers are installed (scripts/peers/install.sh) and their templates.
    #[arg(long, default_value = ".peers")]
    peers_dir: PathBuf,
    #[arg(long, default_value = "scripts/peers")]
    peer_templates: PathBuf,
    /// Where results go.
    #[arg(long, default_value = "bench-results")]
    out: PathBuf,
}

fn plan_for(scenario: &str, shape: &Shape) -> Result<Plan> {
    let Some(mut p) = presets::preset(scenario) else {
        bail!(
            "unknown scenario {scenario:?}; one of {}",
            presets::NAMES.join(", ")
        );
    };
    if let Some(v) = shape.viewers {
        p.viewers = v;
    }
    if let Some(v) = shape.rooms {
        p.rooms = v.max(1);
    }
    if let Some(v) = shape.senders {
        p.senders = v;
    }
    if let Some(v) = shape.rate {
        p.rate = v;
    }
    if let Some(m) = &shape.mix {
        if m.len() != 4 {
            bail!("--mix takes four weights: High,Normal,Low,Lowest");
        }
        p.mix = [m[0], m[1], m[2], m[3]];
    }
    if let Some(v) = shape.payload {
        p.payload_bytes = v.max(32);
    }
    if let Some(v) = shape.hold {
        p.hold_secs = v;
    }
    if let Some(v) = shape.ramp_rate {
        p.ramp_rate = v;
    }
    if let Some(v) = shape.per_source {
        p.per_source = v.max(1);
    }
    Ok(p)
}

/// Leaves room under the open-file limit for the senders and everything else.
fn fit_to_limits(plan: &mut Plan, nofile: u64) {
    let room = (nofile as usize).saturating_sub(plan.senders + 200);
    if plan.viewers > room {
        eprintln!(
            "note: {} viewers do not fit this process's open-file limit ({nofile}); running {room}",
            plan.viewers
        );
        plan.viewers = room;
    }
}

fn cpu(list: &str) -> Option<&str> {
    (!list.is_empty()).then_some(list)
}

async fn start_target(name: &str, servers: &Servers, shape: &Shape) -> Result<Target> {
    if name == "liveroom" {
        let mut l = if !servers.url.is_empty() {
            let mut l = liveroom::Liveroom::new(
                servers.url.clone(),
                servers
                    .sdkappid
                    .context("--sdkappid is needed with --url")?,
                servers.key.clone().context("--key is needed with --url")?,
            );
            l.external_pids = servers.server_pid.clone();
            l
        } else if let Some(nodes) = servers.cluster {
            let spec = ClusterSpec {
                nodes,
                nats_url: servers.nats_url.clone(),
                database_url_base: servers.database_url_base.clone(),
            };
            cluster::start(&spec, &servers.server_bin, cpu(&servers.server_cpu)).await?
        } else {
            let database = servers
                .postgres
                .then(|| cluster::ScratchDatabase::create(&servers.database_url_base))
                .transpose()?;
            liveroom::Liveroom::start(&servers.server_bin, cpu(&servers.server_cpu), database)
                .await?
        };
        l.login_viewers = shape.login_viewers;
        return Ok(Target::Liveroom(l));
    }
    let kind = Kind::parse(name)?;
    Ok(Target::Peer(
        Peer::start(
            kind,
            cpu(&servers.server_cpu),
            &servers.peers_dir,
            &servers.peer_templates,
        )
        .await?,
    ))
}

/// Runs `plan` (all of it, or one part) and reports it; a part's report is only its
/// results file, so the outcome is None.
async fn run_one(
    target: &str,
    plan: Plan,
    servers: &Servers,
    shape: &Shape,
    split: &Split,
) -> Result<Option<Outcome>> {
    let part = split.part.unwrap_or(Part::WHOLE);
    if part.count > 1 && servers.cluster.is_some() {
        bail!("--cluster starts nodes the other parts cannot see: start them once and give every part --url");
    }
    let t = start_target(target, servers, shape).await?;
    let mut settings = presets::liveroom_settings(&plan);
    for (k, v) in &shape.settings {
        settings[k] = v.clone();
    }
    let mut extra_pids = servers.extra_pid.clone();
    if servers.postgres || servers.cluster.is_some() {
        // The shared services the tool's servers use (each PostgreSQL server's backends,
        // even those opened later, are its children).
        extra_pids.extend(process::roots_named("postgres"));
        if servers.cluster.is_some() {
            extra_pids.extend(process::roots_named("nats-server"));
        }
        extra_pids.sort_unstable();
        extra_pids.dedup();
    }
    let opts = RunOptions {
        part,
        start_at_ms: split.start_at,
        extra_pids,
    };
    let result = run::run(t, plan, settings, opts).await?;
    if part.count > 1 {
        let path = result.write(&servers.out)?;
        println!(
            "part {part}: {} connected ({} errors), {} deliveries, {} sent{}",
            result.connected,
            result.connect_errors,
            result.deliveries,
            result.sent.iter().sum::<u64>(),
            if result.late_ms > 0 {
                format!(", started sending {} ms late", result.late_ms)
            } else {
                String::new()
            }
        );
        println!("  part results: {} (combine with `merge`)", path.display());
        return Ok(None);
    }
    let outcome = part::merge(vec![result])?;
    report_outcome(&servers.out, &outcome)?;
    Ok(Some(outcome))
}

fn report_outcome(out: &Path, outcome: &Outcome) -> Result<()> {
    let stem = report::write(out, outcome)?;
    println!("{}", report::summary(outcome));
    println!("  results: {}", out.join(format!("{stem}.json")).display());
    Ok(())
}

/// What a smoke run must show of every scenario.
fn smoke_failures(name: &str, o: &Outcome) -> Vec<String> {
    let mut failures = Vec::new();
    if o.connect_errors > 0 || o.disconnects > 0 {
        failures.push(format!(
            "{name}: {} connect errors, {} disconnects ({:?})",
            o.connect_errors, o.disconnects, o.first_error
        ));
    }
    if o.plan.scenario != "idle" && o.deliveries == 0 {
        failures.push(format!("{name}: nothing delivered"));
    }
    if o.send_errors > 0 {
        failures.push(format!("{name}: {} send errors", o.send_errors));
    }
    failures
}

/// A small danmaku run as two tool processes (this binary, run twice) against one
/// started server reached through two addresses (the same one twice), then merged:
/// exercises parts, the shared start, merging and the same-node/other-node split.
async fn smoke_two_parts(servers: &Servers) -> Result<Vec<String>> {
    let l = liveroom::Liveroom::start(&servers.server_bin, cpu(&servers.server_cpu), None).await?;
    let addr = l.nodes[0].addr.to_string();
    let pids = l.pids();
    let dir = servers.out.join("two-parts");
    // Stale parts of an earlier smoke run would not merge with these.
    let _ = std::fs::remove_dir_all(&dir);
    let exe = std::env::current_exe()?;
    // Long enough for a debug build to start, set up and ramp 20 viewers; a late part
    // still runs (its window shifts), so this bounds nothing but the run's length.
    let start_at = stats::now_micros() / 1000 + 6000;
    let mut children = Vec::new();
    for k in 0..2 {
        let mut c = tokio::process::Command::new(&exe);
        c.args([
            "run",
            "--scenario",
            "danmaku",
            "--viewers",
            "40",
            "--rooms",
            "2",
        ])
        .args(["--senders", "4", "--rate", "40", "--hold", "2"])
        .arg("--url")
        .arg(format!("{addr},{addr}"))
        .arg("--sdkappid")
        .arg(l.app.to_string())
        .arg("--key")
        .arg(&l.key)
        .arg("--server-pid")
        .arg(
            pids.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(","),
        )
        .arg("--part")
        .arg(format!("{k}/2"))
        .arg("--start-at")
        .arg(start_at.to_string())
        .arg("--tool-cpu")
        .arg(&servers.tool_cpu)
        .arg("--out")
        .arg(&dir)
        .kill_on_drop(true);
        children.push(c.spawn().context("starting a part")?);
    }
    let mut failures = Vec::new();
    for (k, mut c) in children.into_iter().enumerate() {
        let status = c.wait().await?;
        if !status.success() {
            failures.push(format!("two parts: part {k} exited with {status}"));
        }
    }
    l.stop().await;
    if !failures.is_empty() {
        return Ok(failures);
    }
    let o = part::merge(PartResult::read_all(std::slice::from_ref(&dir))?)?;
    report_outcome(&dir, &o)?;
    failures.extend(smoke_failures("two parts", &o));
    let samples = |l: &Option<run::Latency>| l.as_ref().map_or(0, |l| l.samples);
    if samples(&o.latency_same_node) == 0 || samples(&o.latency_other_node) == 0 {
        failures.push("two parts: no deliveries on the same or on the other address".into());
    }
    if o.connected != 40 || o.servers.len() != 1 {
        failures.push(format!(
            "two parts: {} viewers connected (40 planned), {} servers measured (1)",
            o.connected,
            o.servers.len()
        ));
    }
    Ok(failures)
}

async fn main_async(cli: Cli, nofile: u64) -> Result<()> {
    match cli.command {
        Command::Run {
            scenario,
            target,
            shape,
            servers,
            split,
        } => {
            let mut plan = plan_for(&scenario, &shape)?;
            if split.part.is_none_or(|p| p.count == 1) {
                fit_to_limits(&mut plan, nofile);
            } else if let Some(p) = split.part {
                // Every part must run the same plan; only this part's share must fit.
                let mut mine = plan.clone();
                mine.viewers = p.share(plan.viewers).len();
                fit_to_limits(&mut mine, nofile);
                if mine.viewers < p.share(plan.viewers).len() {
                    bail!("part {p}'s viewers do not fit this process's open-file limit ({nofile}): use more parts");
                }
            }
            run_one(&target, plan, &servers, &shape, &split).await?;
        }
        Command::Merge { parts, out } => {
            let out = match out {
                Some(o) => o,
                None => match parts.first() {
                    Some(p) if p.is_dir() => p.clone(),
                    Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
                    None => PathBuf::from("."),
                },
            };
            let outcome = part::merge(PartResult::read_all(&parts)?)?;
            report_outcome(&out, &outcome)?;
        }
        Command::Compare {
            peers,
            shape,
            servers,
        } => {
            let mut plan = plan_for("danmaku", &shape)?;
            fit_to_limits(&mut plan, nofile);
            let mut rows = Vec::new();
            for target in std::iter::once("liveroom".to_string()).chain(peers) {
                match run_one(&target, plan.clone(), &servers, &shape, &Split::default()).await {
                    Ok(o) => rows.extend(o),
                    Err(e) => eprintln!("{target}: {e:#}"),
                }
            }
            let table = report::compare_table(&rows);
            std::fs::create_dir_all(&servers.out)?;
            std::fs::write(servers.out.join("compare.md"), &table)?;
            let summary: Vec<_> = rows
                .iter()
                .map(|o| {
                    serde_json::json!({
                        "target": o.target,
                        "viewers": o.connected,
                        "deliveries_per_sec": o.deliveries_per_sec,
                        "cpu_secs_per_million": o.server_cpu_secs_per_million,
                        "p50_ms": o.latency.p50_ms,
                        "p99_ms": o.latency.p99_ms,
                        "bytes_per_connection": o.server_bytes_per_connection,
                        "load_tool_cpu_secs": o.load_tool_cpu_secs,
                        "measured_secs": o.measured_secs,
                    })
                })
                .collect();
            std::fs::write(
                servers.out.join("compare.json"),
                serde_json::to_string_pretty(&summary)?,
            )?;
            println!("{table}");
        }
        Command::Failover { shape, servers } => failover(shape, &servers, nofile).await?,
        Command::C2c { shape, servers } => c2c_run(shape, &servers).await?,
        Command::Groups { shape, servers } => groups_run(shape, &servers).await?,
        Command::Smoke { servers } => {
            let shape = Shape {
                viewers: Some(40),
                rooms: None,
                hold: Some(2),
                ..Shape::default()
            };
            let mut failures = Vec::new();
            for scenario in presets::NAMES {
                let mut plan = plan_for(scenario, &shape)?;
                plan.rooms = plan.rooms.min(8);
                plan.senders = plan.senders.min(4);
                plan.rate = plan.rate.min(40.0);
                if plan.churn.is_some() {
                    plan.churn = Some((0.3, 1.0));
                }
                let o = run_one("liveroom", plan, &servers, &shape, &Split::default()).await?;
                if let Some(o) = o {
                    failures.extend(smoke_failures(scenario, &o));
                }
            }
            failures.extend(smoke_two_parts(&servers).await?);
            failures.extend(smoke_c2c(&servers).await?);
            failures.extend(smoke_groups(&servers).await?);
            if !failures.is_empty() {
                bail!("smoke run failed:\n{}", failures.join("\n"));
            }
        }
    }
    Ok(())
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let tool_cpu = match &cli.command {
        Command::Run { servers, .. }
        | Command::Compare { servers, .. }
        | Command::Failover { servers, .. }
        | Command::C2c { servers, .. }
        | Command::Groups { servers, .. }
        | Command::Smoke { servers } => servers.tool_cpu.clone(),
        Command::Merge { .. } => String::new(),
    };
    if !tool_cpu.is_empty() {
        // Before the runtime exists, so every thread it starts inherits the mask.
        let status = std::process::Command::new("taskset")
            .args(["-p", "-c", &tool_cpu, &std::process::id().to_string()])
            .stdout(std::process::Stdio::null())
            .status();
        if !matches!(status, Ok(s) if s.success()) {
            eprintln!("note: could not pin the load tool to CPU {tool_cpu}");
        }
    }
    let nofile = process::raise_nofile();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, main_async(cli, nofile))
}
