//! Servers the tool starts itself (pinned with `taskset`), and what /proc says about them.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// A server process started by the tool; killed when dropped.
pub struct ServerProc {
    pub name: String,
    child: Child,
    pub pid: u32,
    /// Scratch directory (data, config, logs) removed on drop.
    pub dir: tempfile::TempDir,
}

impl ServerProc {
    /// Starts `program args` under `taskset -c cpu` (when given) with `envs`, inside `dir`.
    pub fn start(
        name: &str,
        cpu: Option<&str>,
        program: &str,
        args: &[String],
        envs: &[(String, String)],
        dir: tempfile::TempDir,
    ) -> Result<Self> {
        // The process runs inside `dir`: a relative program path must not change meaning.
        let program = if program.contains('/') {
            std::fs::canonicalize(program)
                .with_context(|| format!("{name}: no program at {program}"))?
                .display()
                .to_string()
        } else {
            program.to_string()
        };
        let program = program.as_str();
        let mut cmd = match cpu {
            Some(cpu) => {
                let mut c = Command::new("taskset");
                c.arg("-c").arg(cpu).arg(program);
                c
            }
            None => Command::new(program),
        };
        cmd.args(args)
            .envs(envs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::from(std::fs::File::create(
                dir.path().join("stdout.log"),
            )?))
            .stderr(Stdio::from(std::fs::File::create(
                dir.path().join("stderr.log"),
            )?))
            .kill_on_drop(true);
        let child = cmd
            .spawn()
            .with_context(|| format!("starting {name} ({program})"))?;
        let pid = child.id().context("no pid")?;
        Ok(Self {
            name: name.to_string(),
            child,
            pid,
            dir,
        })
    }

    /// Waits until `addr` accepts TCP connections, failing early if the process exits.
    pub async fn wait_listening(&mut self, addr: std::net::SocketAddr) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "{} exited ({status}) before listening; stderr: {}",
                    self.name,
                    self.log_tail()
                );
            }
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("{} did not listen on {addr} within 60 s", self.name);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default();
        let start = text.len().saturating_sub(2000);
        text.get(start..).unwrap_or_default().to_string()
    }

    /// Stops the process: SIGTERM, then SIGKILL after a grace period.
    pub async fn terminate(&self) {
        let pid = self.pid.to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status().await;
        let deadline = Instant::now() + Duration::from_secs(10);
        while sample(&pid).is_some() && Instant::now() < deadline {
            // A zombie has no VmRSS line, so `sample` is None once it has exited.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if sample(&pid).is_some() {
            let _ = Command::new("kill").args(["-KILL", &pid]).status().await;
        }
    }
}

/// CPU time and resident memory of one process.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcSample {
    pub cpu_secs: f64,
    pub rss_bytes: u64,
}

/// What a run measured of one process (and its children): memory before the viewers,
/// with them, at its peak, and CPU over the measured window.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProcFigures {
    pub pid: u32,
    pub rss_idle_bytes: u64,
    pub rss_loaded_bytes: u64,
    pub rss_peak_bytes: u64,
    pub cpu_secs: f64,
}

/// Samples of several processes at once; a process that is gone reads as zero.
pub fn sample_each(pids: &[u32]) -> Vec<ProcSample> {
    pids.iter()
        .map(|p| sample_tree(&p.to_string()).unwrap_or_default())
        .collect()
}

/// The sum of `samples`.
pub fn total(samples: &[ProcSample]) -> ProcSample {
    samples
        .iter()
        .fold(ProcSample::default(), |t, s| ProcSample {
            cpu_secs: t.cpu_secs + s.cpu_secs,
            rss_bytes: t.rss_bytes + s.rss_bytes,
        })
}

/// The processes named `name` whose parent has another name (a PostgreSQL server's
/// postmaster, not its backends): measured with [`sample_tree`], each counts its children.
pub fn roots_named(name: &str) -> Vec<u32> {
    let comm = |pid: &str| std::fs::read_to_string(format!("/proc/{pid}/comm")).ok();
    let parent = |pid: &str| -> Option<String> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        Some(
            stat[stat.rfind(')')? + 2..]
                .split_whitespace()
                .nth(1)?
                .to_string(),
        )
    };
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| {
        let pid = e.ok()?.file_name().into_string().ok()?;
        let number = pid.parse::<u32>().ok()?;
        let named = comm(&pid)?.trim() == name;
        let parent_named = comm(&parent(&pid)?).is_some_and(|c| c.trim() == name);
        (named && !parent_named).then_some(number)
    })
    .collect()
}

/// The process and all its descendants (nginx serves from a worker it forks), summed.
pub fn sample_tree(pid: &str) -> Option<ProcSample> {
    let mut total = sample(pid)?;
    let mut parents = vec![pid.to_string()];
    let all: Vec<(String, String)> = std::fs::read_dir("/proc")
        .ok()?
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.parse::<u32>().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{name}/stat")).ok()?;
            let ppid = stat[stat.rfind(')')? + 2..]
                .split_whitespace()
                .nth(1)?
                .to_string();
            Some((name, ppid))
        })
        .collect();
    while let Some(parent) = parents.pop() {
        for (child, _) in all.iter().filter(|(_, pp)| *pp == parent) {
            if let Some(s) = sample(child) {
                total.cpu_secs += s.cpu_secs;
                total.rss_bytes += s.rss_bytes;
            }
            parents.push(child.clone());
        }
    }
    Some(total)
}

/// Reads /proc/<pid>/stat and /proc/<pid>/status (`pid` "self" for this process).
pub fn sample(pid: &str) -> Option<ProcSample> {
    let stat = std::fs::read_to_string(Path::new("/proc").join(pid).join("stat")).ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the full line: 11 and 12 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    let status = std::fs::read_to_string(Path::new("/proc").join(pid).join("status")).ok()?;
    let rss_kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(ProcSample {
        cpu_secs: ticks as f64 / clock_ticks(),
        rss_bytes: rss_kb * 1024,
    })
}

/// Clock ticks per second (`getconf CLK_TCK`); 100 on every Linux this runs on.
fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// A free TCP port on 127.0.0.1 (bound and released).
pub fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

/// Raises this process's open-file limit to its hard limit; returns the soft limit.
pub fn raise_nofile() -> u64 {
    rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024)
}
