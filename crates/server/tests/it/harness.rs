//! `TestServer`: the real server on 127.0.0.1:0 with a temporary SQLite store, plus typed
//! REST and WebSocket clients.

use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;
use tokio::sync::oneshot;

use liveroom_client::Client;
use liveroom_core::time::unix_secs;
use liveroom_core::usersig;
use liveroom_server::config::AppConfig;
use liveroom_server::{bootstrap, Config};

pub const APP: u64 = 1_400_000_001;
pub const KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

pub struct TestServer {
    pub addr: SocketAddr,
    pub dir: Arc<TempDir>,
    /// The server's engine, for tests that drive its background work (statistics flushes).
    pub engine: Arc<liveroom_engine::Engine>,
    http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

pub fn sig(user: &str) -> String {
    usersig::generate(APP, KEY, user, 86_400, unix_secs())
}

impl TestServer {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
        Self::spawn_in(dir, tweak).await
    }

    /// Starts a server on an existing data directory (to test restarts).
    pub async fn spawn_in(dir: Arc<TempDir>, tweak: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config {
            data_dir: dir.path().to_path_buf(),
            apps: vec![AppConfig {
                sdkappid: APP,
                secret_key: KEY.into(),
                settings: toml::Table::new(),
            }],
            shutdown_grace_secs: 5,
            ..Config::default()
        };
        tweak(&mut config);
        let started = bootstrap::start(&config).await.expect("server starts");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let engine = started.engine.clone();
        let task = tokio::spawn(liveroom_server::run(
            listener,
            started.engine,
            Arc::new(config),
            async {
                let _ = stopped.await;
            },
        ));
        Self {
            addr,
            dir,
            engine,
            http: reqwest::Client::new(),
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// The Prometheus text of `/metrics`.
    pub async fn metrics(&self) -> String {
        self.http
            .get(format!("http://{}/metrics", self.addr))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text")
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    fn query(&self, identifier: &str, sig: &str) -> String {
        format!(
            "sdkappid={APP}&identifier={identifier}&usersig={sig}&random={}&contenttype=json",
            rand::random::<u32>()
        )
    }

    /// POST `/v4/<path>` as `administrator` with a JSON body; returns the JSON answer.
    pub async fn rest(&self, path: &str, body: Value) -> Value {
        self.rest_text(path, &body.to_string()).await
    }

    pub async fn rest_text(&self, path: &str, body: &str) -> Value {
        let url = format!(
            "http://{}/v4/{path}?{}",
            self.addr,
            self.query("administrator", &sig("administrator"))
        );
        self.post(&url, body).await
    }

    /// POST to an arbitrary path and query string.
    pub async fn post(&self, url: &str, body: &str) -> Value {
        let resp = self
            .http
            .post(url)
            .body(body.to_string())
            .send()
            .await
            .expect("http");
        assert_eq!(resp.status(), 200, "REST always answers 200");
        resp.json().await.expect("json answer")
    }

    pub fn url(&self, path: &str, query: &str) -> String {
        format!("http://{}/v4/{path}?{query}", self.addr)
    }

    /// REST call that must succeed.
    pub async fn ok(&self, path: &str, body: Value) -> Value {
        let v = self.rest(path, body).await;
        assert_eq!(v["ErrorCode"], 0, "{path}: {v}");
        assert_eq!(v["ActionStatus"], "OK");
        v
    }

    pub async fn import(&self, user: &str, nick: &str) {
        self.ok(
            "im_open_login_svc/account_import",
            json!({"UserID": user, "Nick": nick, "FaceUrl": format!("https://img/{user}.png")}),
        )
        .await;
    }

    pub async fn create_room(&self, id: &str, owner: Option<&str>) {
        let mut body = json!({"Type": "AVChatRoom", "GroupId": id, "Name": format!("room {id}")});
        if let Some(o) = owner {
            body["Owner_Account"] = json!(o);
        }
        self.ok("group_open_http_svc/create_group", body).await;
    }

    pub async fn settings(&self, settings: Value) {
        self.ok(
            "liveroom_ext/set_app_settings",
            json!({"Settings": settings}),
        )
        .await;
    }

    pub async fn client(&self) -> Client {
        Client::connect(&self.ws_url()).await.expect("ws connects")
    }

    /// A logged-in client.
    pub async fn user(&self, name: &str) -> Client {
        let c = self.client().await;
        c.login(APP, name, &sig(name)).await.expect("login");
        c
    }

    /// A logged-in client that has joined `room` (with its join-time events drained).
    pub async fn member(&self, name: &str, room: &str) -> Client {
        let c = self.user(name).await;
        c.join(room).await.expect("join");
        c
    }

    pub async fn shutdown(mut self) {
        self.stop_now().await;
    }

    async fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
