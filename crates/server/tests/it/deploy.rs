//! The shipped deployment files (`deploy/`), exercised: the operations guide shows exactly
//! them; the nginx site, with only its ports, upstream and certificate paths changed, fronts
//! the real server over TLS (REST, the WebSocket over wss, the forwarded client address);
//! the systemd unit passes `systemd-analyze verify`. The nginx and systemd tests are skipped,
//! saying why, when those tools are not installed.

use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use liveroom_client::{message_text, text_body, Client, Priority};
use liveroom_core::callback::{AFTER_SEND_MSG, STATE_CHANGE};
use liveroom_server::Config;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};

use crate::harness::{sig, TestServer, APP, KEY};
use crate::receiver::Receiver;

const WAIT: Duration = Duration::from_secs(5);

/// The address the test's clients connect from: a loopback address other than nginx's own
/// (127.0.0.1), and not a trusted proxy in the shipped configuration.
const BROWSER: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);

fn repo_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo_file(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The fenced block that follows `<!-- file: PATH -->` in a document.
fn shown_in(doc: &str, path: &str) -> Option<String> {
    let marker = format!("<!-- file: {path} -->");
    let after = &doc[doc.find(&marker)? + marker.len()..];
    let fence_start = after.find("```")?;
    let body = &after[fence_start..];
    let body = &body[body.find('\n')? + 1..];
    let end = body.find("\n```")?;
    Some(body[..=end].to_string())
}

#[test]
fn the_operations_guide_shows_the_shipped_files() {
    let doc = read("docs/operations.md");
    for path in [
        "deploy/nginx/liveroom.conf",
        "deploy/systemd/liveroom.service",
        "deploy/liveroom.toml",
    ] {
        let shown = shown_in(&doc, path)
            .unwrap_or_else(|| panic!("docs/operations.md does not show {path}"));
        assert_eq!(shown, read(path), "docs/operations.md's copy of {path}");
    }
}

/// `PROGRAM` from the environment variable `var`, else the first of `candidates` that runs.
fn tool(var: &str, candidates: &[&str]) -> Option<PathBuf> {
    let mut all: Vec<PathBuf> = std::env::var_os(var)
        .map(PathBuf::from)
        .into_iter()
        .collect();
    all.extend(candidates.iter().map(PathBuf::from));
    all.into_iter().find(|p| {
        Command::new(p)
            .arg("-v")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    })
}

#[test]
fn the_systemd_unit_verifies() {
    let Some(analyze) = tool("SYSTEMD_ANALYZE", &["systemd-analyze"]) else {
        eprintln!("SKIPPED: systemd-analyze is not installed");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let unit = read("deploy/systemd/liveroom.service");
    assert_eq!(unit.matches("/usr/local/bin/liveroom ").count(), 1);
    // `verify` checks the binary exists; the one this test builds stands in for it.
    let unit = unit.replace(
        "/usr/local/bin/liveroom ",
        &format!("{} ", env!("CARGO_BIN_EXE_liveroom")),
    );
    let path = dir.path().join("liveroom.service");
    std::fs::write(&path, unit).expect("write unit");
    let out = Command::new(analyze)
        .arg("verify")
        .arg(&path)
        .output()
        .expect("systemd-analyze runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "{stderr}");
}

/// nginx in the foreground on a temporary prefix; stopped (SIGTERM: master and workers) on
/// drop.
struct Nginx {
    child: Child,
    dir: PathBuf,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Nginx {
    fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The shipped site with only its ports, upstream and certificate paths changed; panics when
/// one of them is no longer where the test expects it.
fn site(upstream: SocketAddr, http: u16, https: u16, cert: &Path, key: &Path) -> String {
    let mut site = read("deploy/nginx/liveroom.conf");
    for (from, to) in [
        ("server 127.0.0.1:8080;", format!("server {upstream};")),
        ("listen 80;", format!("listen 127.0.0.1:{http};")),
        ("listen 443 ssl;", format!("listen 127.0.0.1:{https} ssl;")),
        (
            "/etc/letsencrypt/live/live.example.com/fullchain.pem",
            cert.display().to_string(),
        ),
        (
            "/etc/letsencrypt/live/live.example.com/privkey.pem",
            key.display().to_string(),
        ),
    ] {
        assert_eq!(
            site.matches(from).count(),
            1,
            "deploy/nginx/liveroom.conf: {from}"
        );
        site = site.replace(from, &to);
    }
    site
}

/// Starts nginx with the site in `dir` (a main configuration around it keeps the pid, logs
/// and temporary files there); `None` when a port was taken meanwhile.
fn start_nginx(nginx: &Path, dir: &Path, site: &str, https: u16) -> Option<Nginx> {
    use std::os::unix::fs::MetadataExt;
    std::fs::write(dir.join("liveroom.conf"), site).expect("write site");
    let d = dir.display();
    // As root nginx would hand its workers to `nobody`; keep them this user's.
    let root = std::fs::metadata(dir).expect("dir").uid() == 0;
    let main = format!(
        "{user}worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/client_body;\n  \
         proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  \
         scgi_temp_path {d}/scgi;\n  include {d}/liveroom.conf;\n}}\n",
        user = if root { "user root;\n" } else { "" },
    );
    std::fs::write(dir.join("nginx.conf"), main).expect("write nginx.conf");
    let args = |extra: &[&str]| {
        let mut c = Command::new(nginx);
        c.arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            // Without -e nginx first opens the packaged error log (/var/log/nginx).
            .arg("-e")
            .arg(dir.join("error.log"))
            .args(extra);
        c
    };
    let check = args(&["-t", "-q"]).output().expect("nginx -t runs");
    assert!(
        check.status.success(),
        "nginx -t: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let child = args(&["-g", "daemon off;"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts");
    let mut nginx = Nginx {
        child,
        dir: dir.to_path_buf(),
    };
    // Ready when it accepts connections; gone when its port was taken.
    let deadline = Instant::now() + WAIT;
    loop {
        if std::net::TcpStream::connect(("127.0.0.1", https)).is_ok() {
            return Some(nginx);
        }
        if let Ok(Some(_)) = nginx.child.try_wait() {
            let log = nginx.error_log();
            assert!(
                log.contains("Address already in use"),
                "nginx exited: {log}"
            );
            return None;
        }
        assert!(
            Instant::now() < deadline,
            "nginx did not listen: {}",
            nginx.error_log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A self-signed certificate for 127.0.0.1 and localhost: (certificate, key).
fn self_signed(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "1", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        // A server certificate, not a CA's (which TLS clients refuse as a server's).
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    made.success().then_some((cert, key))
}

/// A WebSocket client over TLS to nginx, connecting from [`BROWSER`].
async fn wss_client(https: u16, cert: &Path) -> Client {
    let roots = {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_file(cert).expect("certificate"))
            .expect("root");
        roots
    };
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocols")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind(SocketAddr::new(IpAddr::V4(BROWSER), 0))
        .expect("bind the client address");
    let tcp = socket
        .connect(SocketAddr::from(([127, 0, 0, 1], https)))
        .await
        .expect("connect to nginx");
    let stream = tokio_rustls::TlsConnector::from(Arc::new(tls))
        .connect(ServerName::IpAddress(Ipv4Addr::LOCALHOST.into()), tcp)
        .await
        .expect("TLS handshake with nginx");
    let (ws, _) = tokio_tungstenite::client_async(format!("wss://127.0.0.1:{https}/ws"), stream)
        .await
        .expect("WebSocket upgrade through nginx");
    Client::from_stream(ws)
}

#[tokio::test]
async fn the_nginx_example_fronts_the_server() {
    let Some(nginx) = tool("NGINX", &["nginx", "/usr/sbin/nginx"]) else {
        eprintln!("SKIPPED: nginx is not installed (scripts/test.sh installs it with apt-get)");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let Some((cert, key)) = self_signed(dir.path()) else {
        eprintln!("SKIPPED: openssl could not make a certificate");
        return;
    };

    // The server runs the shipped liveroom.toml, its app and data directory from the
    // environment as the systemd unit gives them.
    let data = dir.path().join("data");
    let shipped = Config::load(Some(&repo_file("deploy/liveroom.toml")), |k| match k {
        "LIVEROOM_SDKAPPID" => Some(APP.to_string()),
        "LIVEROOM_SECRET_KEY" => Some(KEY.to_string()),
        "LIVEROOM_DATA_DIR" => Some(data.display().to_string()),
        _ => None,
    })
    .expect("deploy/liveroom.toml loads");
    assert!(
        shipped.gateway.idle_timeout_secs < 120,
        "nginx's /ws timeouts are 120 s"
    );
    let r = Receiver::start().await;
    let s = TestServer::spawn_with(|c| *c = shipped).await;
    s.create_room("n1", None).await;
    s.ok(
        "liveroom_ext/set_webhook",
        json!({"Webhook": {"url": r.url(), "commands": [AFTER_SEND_MSG, STATE_CHANGE]}}),
    )
    .await;

    let mut running = None;
    for _ in 0..3 {
        let (http, https) = (free_port(), free_port());
        let site = site(s.addr, http, https, &cert, &key);
        if let Some(n) = start_nginx(&nginx, dir.path(), &site, https) {
            running = Some((n, http, https));
            break;
        }
    }
    let (nginx, http, https) = running.expect("nginx found free ports");

    let web = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(&std::fs::read(&cert).expect("cert")).expect("pem"),
        )
        .local_address(IpAddr::V4(BROWSER))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("https client");

    // Plain HTTP is sent to HTTPS.
    let plain = web
        .get(format!("http://127.0.0.1:{http}/healthz"))
        .send()
        .await
        .expect("http");
    assert_eq!(plain.status(), 301);
    let to = plain.headers()["location"].to_str().expect("location");
    assert!(to.starts_with("https://127.0.0.1"), "{to}");
    let health = web
        .get(format!("https://127.0.0.1:{https}/healthz"))
        .send()
        .await
        .expect("https");
    assert_eq!(health.text().await.expect("text"), "ok");
    let metrics = web
        .get(format!("https://127.0.0.1:{https}/metrics"))
        .send()
        .await
        .expect("https");
    assert_eq!(
        metrics.status(),
        404,
        "metrics stay on the loopback listener"
    );

    // The WebSocket over wss: log in, join, a message from one viewer reaches the other.
    let alice = wss_client(https, &cert).await;
    alice
        .login(APP, "alice", &sig("alice"))
        .await
        .expect("login");
    alice.join("n1").await.expect("join");
    let mut bob = wss_client(https, &cert).await;
    bob.login(APP, "bob", &sig("bob")).await.expect("login");
    bob.join("n1").await.expect("join");
    alice
        .send("n1", text_body("over wss"), Priority::Normal, None, Some(1))
        .await
        .expect("send");
    let m = bob.next_message_within(WAIT).await.expect("bob gets it");
    assert_eq!(message_text(&m), Some("over wss"));

    // REST through nginx, with an address the caller made up in front of nginx's own.
    let url = format!(
        "https://127.0.0.1:{https}/v4/group_open_http_svc/send_group_msg?sdkappid={APP}&identifier=administrator&usersig={}&random=1&contenttype=json",
        sig("administrator")
    );
    let answer: Value = web
        .post(url)
        .header("x-forwarded-for", "198.51.100.66")
        .body(json!({"GroupId": "n1", "Random": 2, "MsgBody": text_body("over https")}).to_string())
        .send()
        .await
        .expect("REST through nginx")
        .json()
        .await
        .expect("json");
    assert_eq!(answer["ErrorCode"], 0, "{answer}");
    let m = bob.next_message_within(WAIT).await.expect("bob gets it");
    assert_eq!(message_text(&m), Some("over https"));

    // Webhooks name the client's address: not nginx's (127.0.0.1), not the made-up one.
    let login = r
        .find(STATE_CHANGE, |b| {
            b["Info"]["Action"] == "Login" && b["Info"]["To_Account"] == "alice"
        })
        .await;
    assert_eq!(login.query["ClientIP"], BROWSER.to_string());
    for text in ["over wss", "over https"] {
        let sent = r
            .find(AFTER_SEND_MSG, |b| {
                b["MsgBody"][0]["MsgContent"]["Text"] == text
            })
            .await;
        assert_eq!(sent.query["ClientIP"], BROWSER.to_string(), "{text}");
    }
    let log = nginx.error_log();
    assert!(!log.contains("[error]") && !log.contains("[crit]"), "{log}");
    drop(nginx);
    s.shutdown().await;
}
