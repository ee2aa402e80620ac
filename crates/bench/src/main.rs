//! `liveroom-bench`: the load tool. `run` measures one scenario against Liveroom (or a
//! peer), `compare` runs the same danmaku load against Liveroom and each peer in turn,
//! `smoke` runs every scenario briefly (part of the test suite, so the tool never rots).
//! docs/benchmarks.md explains the figures.

mod liveroom;
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
use std::path::PathBuf;

use crate::peers::{Kind, Peer};
use crate::run::{Outcome, Plan};
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
    /// Every scenario with a handful of viewers for a second or two; fails if any of
    /// them loses a connection or delivers nothing.
    Smoke {
        #[command(flatten)]
        servers: Servers,
    },
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

fn parse_setting(s: &str) -> Result<(String, serde_json::Value), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?} is not key=value"))?;
    let v = serde_json::from_str(v).unwrap_or_else(|_| serde_json::Value::String(v.into()));
    Ok((k.to_string(), v))
}

#[derive(Args, Clone)]
struct Servers {
    /// The Liveroom binary to start (the tool starts and stops it).
    #[arg(long, default_value = "target/release/liveroom")]
    server_bin: String,
    /// Use an already running Liveroom at this address instead (host:port).
    #[arg(long)]
    url: Option<SocketAddr>,
    /// SDKAppID and key of the running server's app (with --url).
    #[arg(long, requires = "url")]
    sdkappid: Option<u64>,
    #[arg(long, requires = "url")]
    key: Option<String>,
    /// Its process id, for RSS and CPU (with --url).
    #[arg(long, requires = "url")]
    server_pid: Option<u32>,
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
        let mut l = match servers.url {
            Some(addr) => {
                let mut l = liveroom::Liveroom::new(
                    addr,
                    servers
                        .sdkappid
                        .context("--sdkappid is needed with --url")?,
                    servers.key.clone().context("--key is needed with --url")?,
                    None,
                );
                l.external_pid = servers.server_pid;
                l
            }
            None => {
                liveroom::Liveroom::start(&servers.server_bin, cpu(&servers.server_cpu)).await?
            }
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

async fn run_one(target: &str, plan: Plan, servers: &Servers, shape: &Shape) -> Result<Outcome> {
    let t = start_target(target, servers, shape).await?;
    let mut settings = presets::liveroom_settings(&plan);
    for (k, v) in &shape.settings {
        settings[k] = v.clone();
    }
    let outcome = run::run(t, plan, settings).await?;
    let stem = report::write(&servers.out, &outcome)?;
    println!("{}", report::summary(&outcome));
    println!(
        "  results: {}",
        servers.out.join(format!("{stem}.json")).display()
    );
    Ok(outcome)
}

async fn main_async(cli: Cli, nofile: u64) -> Result<()> {
    match cli.command {
        Command::Run {
            scenario,
            target,
            shape,
            servers,
        } => {
            let mut plan = plan_for(&scenario, &shape)?;
            fit_to_limits(&mut plan, nofile);
            run_one(&target, plan, &servers, &shape).await?;
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
                match run_one(&target, plan.clone(), &servers, &shape).await {
                    Ok(o) => rows.push(o),
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
                let o = run_one("liveroom", plan, &servers, &shape).await?;
                if o.connect_errors > 0 || o.disconnects > 0 {
                    failures.push(format!(
                        "{scenario}: {} connect errors, {} disconnects ({:?})",
                        o.connect_errors, o.disconnects, o.first_error
                    ));
                }
                if scenario != "idle" && o.deliveries == 0 {
                    failures.push(format!("{scenario}: nothing delivered"));
                }
                if o.send_errors > 0 {
                    failures.push(format!("{scenario}: {} send errors", o.send_errors));
                }
            }
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
        | Command::Smoke { servers } => servers.tool_cpu.clone(),
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
