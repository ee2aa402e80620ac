//! A local cluster for one run: a fresh PostgreSQL database and subject prefix, N
//! `liveroom serve` nodes on free loopback ports sharing them and NATS, each pinned like a
//! started server; stopped (and the database and the prefix's NATS buckets dropped) when the
//! run stops.

use anyhow::{bail, Context, Result};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::liveroom::Liveroom;
use crate::process::{free_port, ServerProc};

/// Where the nodes find their shared services.
#[derive(Debug, Clone)]
pub struct ClusterSpec {
    pub nodes: usize,
    pub nats_url: String,
    /// `postgres://user@host:port`, without a database: a fresh one is made under it.
    pub database_url_base: String,
}

/// A database made for one run; dropped (with `psql`) when this is dropped, with the
/// cluster's NATS buckets when a cluster used it.
pub struct ScratchDatabase {
    base: String,
    pub name: String,
    buckets: Option<ScratchBuckets>,
}

/// The KV buckets a local cluster's nodes make under their prefix on NATS.
struct ScratchBuckets {
    nats_url: String,
    prefix: String,
}

impl Drop for ScratchBuckets {
    fn drop(&mut self) {
        let (url, prefix) = (self.nats_url.clone(), self.prefix.clone());
        // On a thread of its own: this may be dropped on the tool's runtime.
        let deleted = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let client = async_nats::connect(url.as_str()).await?;
                for bucket in ["nodes", "rooms"] {
                    let subject = format!("$JS.API.STREAM.DELETE.KV_{prefix}-{bucket}");
                    client.request(subject, "".into()).await?;
                }
                Ok::<_, anyhow::Error>(())
            })
        })
        .join();
        if !matches!(deleted, Ok(Ok(()))) {
            eprintln!(
                "note: could not delete the NATS buckets of prefix {}",
                self.prefix
            );
        }
    }
}

impl ScratchDatabase {
    pub fn create(base: &str) -> Result<Self> {
        let base = base.trim_end_matches('/').to_string();
        let name = format!("liveroom_bench_{:016x}", rand::random::<u64>());
        psql(&base, &format!("CREATE DATABASE {name}"))
            .with_context(|| format!("creating database {name} under {base}"))?;
        Ok(Self {
            base,
            name,
            buckets: None,
        })
    }

    pub fn url(&self) -> String {
        format!("{}/{}", self.base, self.name)
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(e) = psql(&self.base, &sql) {
            eprintln!("note: could not drop database {}: {e:#}", self.name);
        }
    }
}

/// Runs one statement against the `postgres` database under `base`.
fn psql(base: &str, sql: &str) -> Result<()> {
    let out = std::process::Command::new("psql")
        .arg(format!("{base}/postgres"))
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .output()
        .context("running psql (is the PostgreSQL client installed?)")?;
    if !out.status.success() {
        bail!("psql: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

/// The environment of node `i` of a cluster: shared services, its own name, the app.
fn node_env(
    spec: &ClusterSpec,
    database_url: &str,
    prefix: &str,
    i: usize,
    app: u64,
    key: &str,
) -> Vec<(String, String)> {
    [
        ("LIVEROOM_NATS_URL", spec.nats_url.clone()),
        ("LIVEROOM_DATABASE_URL", database_url.to_string()),
        ("LIVEROOM_NODE_NAME", format!("bench-node-{i}")),
        ("LIVEROOM_CLUSTER_PREFIX", prefix.to_string()),
        ("LIVEROOM_SDKAPPID", app.to_string()),
        ("LIVEROOM_SECRET_KEY", key.to_string()),
        ("LIVEROOM_LOG", "warn".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Starts the nodes and waits until each answers `/healthz`.
pub async fn start(spec: &ClusterSpec, bin: &str, cpu: Option<&str>) -> Result<Liveroom> {
    if spec.nodes == 0 {
        bail!("--cluster needs at least one node");
    }
    let app = 1_400_000_001u64;
    let key = format!("bench-{:032x}", rand::random::<u128>());
    let mut database = ScratchDatabase::create(&spec.database_url_base)?;
    let prefix = format!("bench{:012x}", rand::random::<u64>() >> 16);
    database.buckets = Some(ScratchBuckets {
        nats_url: spec.nats_url.clone(),
        prefix: prefix.clone(),
    });
    let mut procs = Vec::new();
    let mut addrs = Vec::new();
    for i in 0..spec.nodes {
        let addr: SocketAddr = ([127, 0, 0, 1], free_port()?).into();
        let dir = tempfile::Builder::new()
            .prefix(&format!("liveroom-bench-node{i}-"))
            .tempdir()?;
        let args = vec![
            "serve".to_string(),
            "--http-addr".to_string(),
            addr.to_string(),
            "--data-dir".to_string(),
            dir.path().join("data").display().to_string(),
        ];
        let envs = node_env(spec, &database.url(), &prefix, i, app, &key);
        let proc = ServerProc::start(&format!("liveroom node {i}"), cpu, bin, &args, &envs, dir)?;
        procs.push(proc);
        addrs.push(addr);
    }
    let client = reqwest::Client::new();
    for (proc, addr) in procs.iter_mut().zip(&addrs) {
        proc.wait_listening(*addr).await?;
        wait_healthy(&client, proc, *addr).await?;
    }
    eprintln!(
        "cluster: {} nodes at {} (database {}, prefix {prefix})",
        spec.nodes,
        addrs
            .iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .join(","),
        database.name
    );
    let mut l = Liveroom::new(addrs, app, key);
    l.procs = procs;
    *l.database.borrow_mut() = Some(database);
    Ok(l)
}

async fn wait_healthy(client: &reqwest::Client, proc: &ServerProc, addr: SocketAddr) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ok = client
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if ok {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!(
                "{} did not answer /healthz within 60 s; stderr: {}",
                proc.name,
                proc.log_tail()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_node_gets_the_shared_services_and_its_own_name() {
        let spec = ClusterSpec {
            nodes: 2,
            nats_url: "nats://127.0.0.1:4222".into(),
            database_url_base: "postgres://postgres@127.0.0.1:5432".into(),
        };
        let env = node_env(&spec, "postgres://x/db", "p1", 1, 7, "k");
        let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("LIVEROOM_NATS_URL"), Some("nats://127.0.0.1:4222"));
        assert_eq!(get("LIVEROOM_DATABASE_URL"), Some("postgres://x/db"));
        assert_eq!(get("LIVEROOM_NODE_NAME"), Some("bench-node-1"));
        assert_eq!(get("LIVEROOM_CLUSTER_PREFIX"), Some("p1"));
        assert_eq!(get("LIVEROOM_SDKAPPID"), Some("7"));
    }
}
