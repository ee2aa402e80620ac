//! The typed configuration. Precedence: defaults < TOML file (`--config`) < environment
//! (`LIVEROOM_*`) < command-line flags. `liveroom config print` shows the result.

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use liveroom_core::app::AppSettings;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address for HTTP: the REST API (/v4/...), the WebSocket (/ws) and /metrics.
    pub http_addr: SocketAddr,
    /// Directory for the embedded SQLite database.
    pub data_dir: PathBuf,
    /// `postgres://...` selects PostgreSQL; absent means SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Log filter, in `tracing` EnvFilter syntax (e.g. `info,liveroom_engine=debug`).
    pub log: String,
    /// Settings every app starts from; `[[apps]]` entries override them per app.
    pub app_defaults: AppSettings,
    /// Apps to define at start-up (idempotent). `LIVEROOM_SDKAPPID` and
    /// `LIVEROOM_SECRET_KEY` add one more.
    pub apps: Vec<AppConfig>,
    /// Client connection limits.
    pub gateway: GatewayConfig,
    /// Seconds to wait for connections to drain on shutdown.
    pub shutdown_grace_secs: u64,
    /// Reverse proxies (CIDR blocks or addresses) whose `X-Forwarded-For` / `Forwarded`
    /// headers name the client; anyone else's are ignored. Empty: trust no peer.
    pub trusted_proxies: Vec<String>,
    /// The built-in web pages' development helpers.
    pub web: WebConfig,
    /// The admin console at `/admin`.
    pub console: ConsoleConfig,
    /// Cluster mode: many nodes serving one app and one room (docs/cluster.md).
    pub cluster: ClusterSection,
}

/// Cluster mode is on when `nats_url` is set; it needs PostgreSQL (`database_url`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterSection {
    /// NATS with JetStream (`nats://host:4222`); also `LIVEROOM_NATS_URL`.
    pub nats_url: Option<String>,
    /// This node's name in logs, metrics and `/healthz` (`LIVEROOM_NODE_NAME`); unset: the
    /// host name and the HTTP port.
    pub node_name: Option<String>,
    /// Prefix of the cluster's NATS subjects and KV bucket (`LIVEROOM_CLUSTER_PREFIX`), so
    /// several clusters can share one NATS; unset: `liveroom`.
    pub prefix: Option<String>,
}

/// The web pages' development helpers: `/v1/web/dev-login` hands out UserSigs and
/// `/v1/web/dev-gift` sends gifts without a billing backend, so the pages work on a fresh
/// server. Never for production.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebConfig {
    /// Unset: on when the server listens on a loopback address and runs its generated
    /// development app (no `[[apps]]` configured); off otherwise.
    pub dev_login: Option<bool>,
}

/// The admin console (`/admin`): it always asks for an admin login (the password below, or
/// an App admin's UserSig for that app).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsoleConfig {
    /// Unset: on when the server listens on a loopback address, off otherwise.
    pub enabled: Option<bool>,
    /// The console password (also `LIVEROOM_CONSOLE_PASSWORD`); a password login sees every
    /// app. Without it only App admins' UserSigs log in, each to its own app.
    pub password: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    pub sdkappid: u64,
    pub secret_key: String,
    /// Overrides of `app_defaults` for this app (a partial table).
    #[serde(default)]
    pub settings: toml::Table,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GatewayConfig {
    /// A connection that sends nothing (not even a ping) for this long is closed.
    pub idle_timeout_secs: u64,
    /// Message frames queued per connection before the least important are dropped.
    pub queue_capacity: usize,
    /// A connection whose queue stays full this long is closed as a slow consumer.
    pub stall_limit_secs: u64,
    /// Requests per second a connection may make (burst of twice that).
    pub requests_per_sec: u32,
    /// A connection must send a request that gets an answer (or the WebSocket upgrade)
    /// within this many seconds of connecting, or it is closed.
    pub handshake_timeout_secs: u64,
    /// Connections one client address may hold at once (trusted proxies excluded); 0 is
    /// no limit.
    pub max_connections_per_ip: usize,
    /// File descriptors kept free of client connections (the store, webhooks, logs): the
    /// process takes connections up to its open-file limit less this many.
    pub reserved_fds: usize,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        Self {
            idle_timeout_secs: 60,
            queue_capacity: 512,
            stall_limit_secs: 10,
            requests_per_sec: 50,
            handshake_timeout_secs: 10,
            max_connections_per_ip: 1000,
            reserved_fds: 256,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            http_addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./liveroom-data"),
            database_url: None,
            log: "info".into(),
            app_defaults: AppSettings::default(),
            apps: Vec::new(),
            gateway: GatewayConfig::default(),
            shutdown_grace_secs: 10,
            trusted_proxies: vec!["127.0.0.0/8".into(), "::1/128".into()],
            web: WebConfig::default(),
            console: ConsoleConfig::default(),
            cluster: ClusterSection::default(),
        }
    }
}

fn overlay(base: &mut toml::Table, patch: &toml::Table) {
    for (k, v) in patch {
        match (base.get_mut(k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(p)) => overlay(b, p),
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Environment variables read by [`Config::load`].
pub const ENV_VARS: &[&str] = &[
    "LIVEROOM_HTTP_ADDR",
    "LIVEROOM_DATA_DIR",
    "LIVEROOM_DATABASE_URL",
    "LIVEROOM_SDKAPPID",
    "LIVEROOM_SECRET_KEY",
    "LIVEROOM_LOG",
    "LIVEROOM_CONSOLE_PASSWORD",
    "LIVEROOM_TRUSTED_PROXIES",
    "LIVEROOM_NATS_URL",
    "LIVEROOM_NODE_NAME",
    "LIVEROOM_CLUSTER_PREFIX",
];

impl Config {
    /// Loads defaults, then the file (if any), then the environment given by `env`.
    pub fn load(file: Option<&Path>, env: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read config file {}: {e}", path.display()))?;
                toml::from_str::<Config>(&text)
                    .map_err(|e| format!("config file {}: {e}", path.display()))?
            }
            None => Config::default(),
        };
        if let Some(v) = env("LIVEROOM_HTTP_ADDR") {
            config.http_addr = v
                .parse()
                .map_err(|e| format!("LIVEROOM_HTTP_ADDR {v:?}: {e}"))?;
        }
        if let Some(v) = env("LIVEROOM_DATA_DIR") {
            config.data_dir = PathBuf::from(v);
        }
        if let Some(v) = env("LIVEROOM_DATABASE_URL") {
            config.database_url = Some(v).filter(|v| !v.is_empty());
        }
        if let Some(v) = env("LIVEROOM_LOG") {
            config.log = v;
        }
        if let Some(v) = env("LIVEROOM_CONSOLE_PASSWORD") {
            config.console.password = Some(v).filter(|v| !v.is_empty());
        }
        if let Some(v) = env("LIVEROOM_TRUSTED_PROXIES") {
            config.trusted_proxies = v
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(String::from)
                .collect();
        }
        if let Some(v) = env("LIVEROOM_NATS_URL") {
            config.cluster.nats_url = Some(v).filter(|v| !v.is_empty());
        }
        if let Some(v) = env("LIVEROOM_NODE_NAME") {
            config.cluster.node_name = Some(v).filter(|v| !v.is_empty());
        }
        if let Some(v) = env("LIVEROOM_CLUSTER_PREFIX") {
            config.cluster.prefix = Some(v).filter(|v| !v.is_empty());
        }
        config.check_cluster()?;
        crate::proxy::TrustedProxies::new(&config.trusted_proxies)
            .map_err(|e| format!("trusted_proxies: {e}"))?;
        if let Some(p) = config.console.password.as_deref() {
            if p.len() < 8 {
                return Err("console.password must be at least 8 characters".into());
            }
            if p == REDACTED {
                return Err(format!(
                    "console.password is {REDACTED:?}, the marker `config print` shows in its place; set the real password"
                ));
            }
        }
        match (env("LIVEROOM_SDKAPPID"), env("LIVEROOM_SECRET_KEY")) {
            (Some(id), Some(key)) => {
                let sdkappid = id
                    .parse()
                    .map_err(|e| format!("LIVEROOM_SDKAPPID {id:?}: {e}"))?;
                if key.is_empty() {
                    return Err("LIVEROOM_SECRET_KEY is empty".into());
                }
                config.apps.retain(|a| a.sdkappid != sdkappid);
                config.apps.push(AppConfig {
                    sdkappid,
                    secret_key: key,
                    settings: toml::Table::new(),
                });
            }
            (None, None) => {}
            _ => {
                return Err("set both LIVEROOM_SDKAPPID and LIVEROOM_SECRET_KEY, or neither".into())
            }
        }
        config
            .app_defaults
            .validate()
            .map_err(|e| format!("app_defaults: {e}"))?;
        for app in &config.apps {
            config.settings_for(app)?;
        }
        Ok(config)
    }

    /// Cluster mode shares one store between nodes: it needs PostgreSQL.
    fn check_cluster(&self) -> Result<(), String> {
        if self.cluster.nats_url.is_none() {
            return Ok(());
        }
        let postgres = self
            .database_url
            .as_deref()
            .is_some_and(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"));
        if !postgres {
            return Err("cluster mode (LIVEROOM_NATS_URL) needs PostgreSQL shared by every node: set LIVEROOM_DATABASE_URL to a postgres:// URL (the embedded SQLite database belongs to one node)".into());
        }
        if let Some(p) = &self.cluster.prefix {
            let ok = !p.is_empty()
                && p.split('.').all(|t| {
                    !t.is_empty()
                        && t.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                });
            if !ok {
                return Err(format!(
                    "cluster.prefix {p:?}: letters, digits, '-' and '_' (dot-separated)"
                ));
            }
        }
        Ok(())
    }

    /// The cluster settings to join with, when cluster mode is on.
    pub fn cluster_config(&self) -> Option<liveroom_cluster::ClusterConfig> {
        let nats_url = self.cluster.nats_url.clone()?;
        let node_name = self.cluster.node_name.clone().unwrap_or_else(|| {
            let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "node".into());
            format!("{host}:{}", self.http_addr.port())
        });
        Some(liveroom_cluster::ClusterConfig {
            nats_url,
            node_name,
            prefix: self
                .cluster
                .prefix
                .clone()
                .unwrap_or_else(|| "liveroom".into()),
        })
    }

    /// The settings of a configured app for a new app: `app_defaults` overlaid with the
    /// app's own table.
    pub fn settings_for(&self, app: &AppConfig) -> Result<AppSettings, String> {
        self.settings_over(&self.app_defaults, app)
    }

    /// The app's own table overlaid on `base` (the stored settings of an existing app), so
    /// what the file names wins and what it does not name keeps its stored value.
    pub fn settings_over(
        &self,
        base: &AppSettings,
        app: &AppConfig,
    ) -> Result<AppSettings, String> {
        let mut merged = toml::Table::try_from(base).map_err(|e| e.to_string())?;
        overlay(&mut merged, &app.settings);
        let settings: AppSettings = toml::Value::Table(merged)
            .try_into()
            .map_err(|e| format!("settings of app {}: {e}", app.sdkappid))?;
        settings
            .validate()
            .map_err(|e| format!("settings of app {}: {e}", app.sdkappid))?;
        Ok(settings)
    }

    /// The effective configuration as TOML, for the operator: app keys are shown, the
    /// console password is not (it is replaced by a marker).
    pub fn to_toml(&self) -> String {
        let mut shown = self.clone();
        if shown.console.password.is_some() {
            shown.console.password = Some(REDACTED.into());
        }
        toml::to_string_pretty(&shown).unwrap_or_else(|e| format!("# cannot render config: {e}\n"))
    }

    /// Who may reach the admin console on a listener bound to `bound`.
    pub fn console_reach(&self, bound: SocketAddr) -> Reach {
        Reach::of(self.console.enabled, bound.ip().is_loopback())
    }

    /// Who may reach the development helpers on a listener bound to `bound` (they also need
    /// the generated development app, which only runs when no app is configured).
    pub fn dev_login_reach(&self, bound: SocketAddr) -> Reach {
        Reach::of(
            self.web.dev_login,
            bound.ip().is_loopback() && self.apps.is_empty(),
        )
    }
}

/// Who may reach a door that is on by default only for local use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Off,
    /// On by default because the listener is a loopback one: only requests that look local
    /// (their `Host` a loopback name or address, no proxy's forwarding headers), so neither
    /// a proxy in front of the loopback listener nor a page of another site that rebinds
    /// its name to 127.0.0.1 reaches it.
    Local,
    /// Turned on in the configuration: everyone who reaches the listener.
    Anyone,
}

impl Reach {
    fn of(configured: Option<bool>, default_on: bool) -> Self {
        match configured {
            Some(true) => Self::Anyone,
            Some(false) => Self::Off,
            None if default_on => Self::Local,
            None => Self::Off,
        }
    }

    /// Whether the door is on at all.
    pub fn is_on(self) -> bool {
        self != Self::Off
    }
}

/// What `config print` shows instead of the console password.
pub const REDACTED: &str = "<redacted>";

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn precedence_defaults_file_env() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("liveroom.toml");
        std::fs::write(
            &file,
            "http_addr = \"127.0.0.1:9000\"\nlog = \"debug\"\n[app_defaults]\nroom_msgs_per_sec = 10\n[[apps]]\nsdkappid = 7\nsecret_key = \"k\"\nsettings = { history_count = 5 }\n",
        )
        .expect("write");
        let env: HashMap<&str, &str> = [
            ("LIVEROOM_HTTP_ADDR", "127.0.0.1:9100"),
            ("LIVEROOM_SDKAPPID", "8"),
            ("LIVEROOM_SECRET_KEY", "s"),
        ]
        .into_iter()
        .collect();
        let c = Config::load(Some(&file), |k| env.get(k).map(|v| v.to_string())).expect("loads");
        assert_eq!(c.http_addr.port(), 9100);
        assert_eq!(c.log, "debug");
        assert_eq!(c.apps.len(), 2);
        let s = c.settings_for(&c.apps[0]).expect("settings");
        assert_eq!((s.room_msgs_per_sec, s.history_count), (10, 5));
        let printed = c.to_toml();
        let back: Config = toml::from_str(&printed).expect("printed config parses");
        assert_eq!(back.http_addr.port(), 9100);
    }

    #[test]
    fn console_and_dev_login_follow_the_listener() {
        let lo: SocketAddr = "127.0.0.1:8080".parse().expect("addr");
        let lo6: SocketAddr = "[::1]:8080".parse().expect("addr");
        let any: SocketAddr = "0.0.0.0:8080".parse().expect("addr");
        let public: SocketAddr = "192.0.2.10:8080".parse().expect("addr");
        let mut c = Config::default();
        assert_eq!(c.console_reach(lo), Reach::Local);
        assert_eq!(c.console_reach(lo6), Reach::Local);
        assert_eq!(c.console_reach(any), Reach::Off);
        assert_eq!(c.console_reach(public), Reach::Off);
        assert_eq!(c.dev_login_reach(lo), Reach::Local);
        assert_eq!(c.dev_login_reach(any), Reach::Off);
        c.console.enabled = Some(true);
        assert_eq!(c.console_reach(any), Reach::Anyone);
        c.console.enabled = Some(false);
        assert_eq!(c.console_reach(lo), Reach::Off);
        c.apps.push(AppConfig {
            sdkappid: 7,
            secret_key: "k".into(),
            settings: toml::Table::new(),
        });
        assert_eq!(
            c.dev_login_reach(lo),
            Reach::Off,
            "configured apps are not development apps"
        );
    }

    #[test]
    fn the_console_password_is_not_printed() {
        let c = Config::load(None, |k| {
            (k == "LIVEROOM_CONSOLE_PASSWORD").then(|| "correct horse battery".to_string())
        })
        .expect("loads");
        assert_eq!(c.console.password.as_deref(), Some("correct horse battery"));
        let printed = c.to_toml();
        assert!(!printed.contains("correct horse"), "{printed}");
        assert!(printed.contains(REDACTED));
        for bad in ["short", REDACTED] {
            assert!(Config::load(None, |k| (k == "LIVEROOM_CONSOLE_PASSWORD")
                .then(|| bad.to_string()))
            .is_err());
        }
    }

    #[test]
    fn trusted_proxies_from_file_and_env() {
        assert_eq!(
            Config::default().trusted_proxies,
            ["127.0.0.0/8", "::1/128"],
            "loopback by default"
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "trusted_proxies = [\"10.0.0.0/8\"]\n").expect("write");
        let c = Config::load(Some(&file), |_| None).expect("loads");
        assert_eq!(c.trusted_proxies, ["10.0.0.0/8"]);
        let printed: Config = toml::from_str(&c.to_toml()).expect("printed config parses");
        assert_eq!(printed.trusted_proxies, ["10.0.0.0/8"]);
        let env = |v: &'static str| {
            move |k: &str| (k == "LIVEROOM_TRUSTED_PROXIES").then(|| v.to_string())
        };
        let c = Config::load(Some(&file), env(" 192.0.2.0/24, fd00::/8 ,")).expect("loads");
        assert_eq!(c.trusted_proxies, ["192.0.2.0/24", "fd00::/8"]);
        let c = Config::load(None, env("")).expect("loads");
        assert!(c.trusted_proxies.is_empty(), "empty trusts no peer");
        let err = Config::load(None, env("10.0.0.1/8")).expect_err("host bits");
        assert!(err.starts_with("trusted_proxies: "), "{err}");
        std::fs::write(&file, "trusted_proxies = [\"proxy.local\"]\n").expect("write");
        assert!(Config::load(Some(&file), |_| None).is_err());
    }

    #[test]
    fn cluster_mode_needs_postgresql_and_is_printed() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(name, _)| *name == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let err = Config::load(None, env(&[("LIVEROOM_NATS_URL", "nats://127.0.0.1:4222")]))
            .expect_err("SQLite is one node's");
        assert!(err.contains("PostgreSQL"), "{err}");
        let c = Config::load(
            None,
            env(&[
                ("LIVEROOM_NATS_URL", "nats://127.0.0.1:4222"),
                ("LIVEROOM_DATABASE_URL", "postgres://db/liveroom"),
                ("LIVEROOM_NODE_NAME", "edge-7"),
            ]),
        )
        .expect("loads");
        let cluster = c.cluster_config().expect("cluster mode");
        assert_eq!(
            (cluster.node_name.as_str(), cluster.prefix.as_str()),
            ("edge-7", "liveroom")
        );
        let printed = c.to_toml();
        assert!(
            printed.contains("[cluster]") && printed.contains("edge-7"),
            "{printed}"
        );
        let unnamed = Config::load(
            None,
            env(&[
                ("LIVEROOM_NATS_URL", "nats://127.0.0.1:4222"),
                ("LIVEROOM_DATABASE_URL", "postgresql://db/liveroom"),
            ]),
        )
        .expect("loads");
        let name = unnamed.cluster_config().expect("cluster mode").node_name;
        assert!(name.ends_with(":8080"), "host name and port: {name}");
        let bad = Config::load(
            None,
            env(&[
                ("LIVEROOM_NATS_URL", "nats://127.0.0.1:4222"),
                ("LIVEROOM_DATABASE_URL", "postgres://db/liveroom"),
                ("LIVEROOM_CLUSTER_PREFIX", "a.*"),
            ]),
        );
        assert!(bad.is_err());
        assert!(
            Config::default().cluster_config().is_none(),
            "one node by default"
        );
    }

    #[test]
    fn bad_values_are_reported() {
        assert!(Config::load(None, |k| (k == "LIVEROOM_HTTP_ADDR")
            .then(|| "nope".to_string()))
        .is_err());
        assert!(Config::load(None, |k| (k == "LIVEROOM_SDKAPPID")
            .then(|| "1".to_string()))
        .is_err());
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "[app_defaults]\nroom_msgs_per_sec = \"fast\"\n").expect("write");
        assert!(Config::load(Some(&file), |_| None).is_err());
        std::fs::write(&file, "unknown_key = 1\n").expect("write");
        assert!(Config::load(Some(&file), |_| None).is_err());
    }
}
