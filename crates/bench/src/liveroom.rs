//! Driving Liveroom: guests or logged-in viewers over `/ws`, senders posting `send`
//! requests, the REST API for set-up and `send_broadcast_msg`. A run may use several
//! addresses: the nodes of a cluster, or several addresses of one node.

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::net::{Ipv4Addr, SocketAddr};
use std::rc::Rc;

use crate::cluster::ScratchDatabase;
use crate::process::ServerProc;
use crate::stats::{Stats, PRIORITIES};
use crate::ws::{self, Endpoint, WsReader, WsWriter, OP_TEXT};

pub const ADMIN: &str = "administrator";

/// The `ErrorCode` of a `create_group` whose group id is in use.
const GROUP_ID_TAKEN: i64 = 10021;

/// One address of the server.
pub struct Node {
    pub addr: SocketAddr,
    pub ws: Endpoint,
    pub http: String,
}

impl Node {
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            ws: Endpoint {
                addr,
                path: "/ws".into(),
                protocol: None,
            },
            http: format!("http://{addr}"),
        }
    }
}

pub struct Liveroom {
    pub nodes: Vec<Node>,
    pub app: u64,
    pub key: String,
    pub login_viewers: bool,
    /// Servers the tool started (stopped with the run).
    pub procs: Vec<ServerProc>,
    /// The process ids of servers the tool did not start, for /proc sampling.
    pub external_pids: Vec<u32>,
    /// A local cluster's database, dropped when the run stops.
    pub database: RefCell<Option<ScratchDatabase>>,
    http_client: reqwest::Client,
}

impl Liveroom {
    /// Starts the server binary with a fresh data directory and a known app; with
    /// `database`, its store is that PostgreSQL database instead of the embedded SQLite.
    pub async fn start(
        bin: &str,
        cpu: Option<&str>,
        database: Option<ScratchDatabase>,
    ) -> Result<Self> {
        let port = crate::process::free_port()?;
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let app = 1_400_000_001u64;
        let key = format!("bench-{:032x}", rand::random::<u128>());
        let dir = tempfile::Builder::new()
            .prefix("liveroom-bench-")
            .tempdir()?;
        let mut envs = vec![
            ("LIVEROOM_HTTP_ADDR".to_string(), addr.to_string()),
            (
                "LIVEROOM_DATA_DIR".to_string(),
                dir.path().join("data").display().to_string(),
            ),
            ("LIVEROOM_SDKAPPID".to_string(), app.to_string()),
            ("LIVEROOM_SECRET_KEY".to_string(), key.clone()),
            ("LIVEROOM_LOG".to_string(), "warn".to_string()),
        ];
        if let Some(db) = &database {
            envs.push(("LIVEROOM_DATABASE_URL".to_string(), db.url()));
        }
        let mut proc = ServerProc::start("liveroom", cpu, bin, &["serve".to_string()], &envs, dir)?;
        proc.wait_listening(addr).await?;
        let mut l = Self::new(vec![addr], app, key);
        l.procs.push(proc);
        *l.database.borrow_mut() = database;
        Ok(l)
    }

    pub fn new(addrs: Vec<SocketAddr>, app: u64, key: String) -> Self {
        Self {
            nodes: addrs.into_iter().map(Node::new).collect(),
            app,
            key,
            login_viewers: false,
            procs: Vec::new(),
            external_pids: Vec::new(),
            database: RefCell::new(None),
            http_client: reqwest::Client::new(),
        }
    }

    pub fn pids(&self) -> Vec<u32> {
        let started = self.procs.iter().map(|p| p.pid);
        started.chain(self.external_pids.iter().copied()).collect()
    }

    fn node(&self, i: usize) -> &Node {
        &self.nodes[i % self.nodes.len().max(1)]
    }

    /// Stops the servers the tool started, then drops a local cluster's database.
    pub async fn stop(&self) {
        for p in &self.procs {
            p.terminate().await;
        }
        drop(self.database.borrow_mut().take());
    }

    fn sig(&self, user: &str) -> String {
        liveroom_core::usersig::generate(
            self.app,
            &self.key,
            user,
            86_400,
            liveroom_core::time::unix_secs(),
        )
    }

    /// One REST call as the administrator to the first address; fails on a non-zero
    /// `ErrorCode`.
    pub async fn rest(&self, path: &str, body: Value) -> Result<Value> {
        self.rest_at(0, path, body).await
    }

    pub async fn rest_at(&self, node: usize, path: &str, body: Value) -> Result<Value> {
        let v = self.rest_answer(node, path, body).await?;
        if v["ErrorCode"] != 0 {
            bail!("{path}: {v}");
        }
        Ok(v)
    }

    /// The answer of one REST call, whatever its `ErrorCode`.
    async fn rest_answer(&self, node: usize, path: &str, body: Value) -> Result<Value> {
        let url = format!(
            "{}/v4/{path}?sdkappid={}&identifier={ADMIN}&usersig={}&random={}&contenttype=json",
            self.node(node).http,
            self.app,
            self.sig(ADMIN),
            rand::random::<u32>()
        );
        let v: Value = self
            .http_client
            .post(url)
            .json(&body)
            .send()
            .await?
            .json()
            .await?;
        Ok(v)
    }

    /// App settings for the run, then the rooms, through every address: independent
    /// nodes each need them. A room that exists already (created by another part of the
    /// run, or through another address of the same state) is fine; an address where the
    /// last room exists has them all (they are created in order) and is skipped.
    pub async fn setup(&self, rooms: &[String], settings: Value) -> Result<()> {
        for node in 0..self.nodes.len() {
            self.rest_at(
                node,
                "liveroom_ext/set_app_settings",
                json!({ "Settings": settings.clone() }),
            )
            .await?;
            if node > 0 && self.has_group(node, rooms.last()).await? {
                continue;
            }
            for room in rooms {
                let v = self
                    .rest_answer(
                        node,
                        "group_open_http_svc/create_group",
                        json!({"Type": "AVChatRoom", "GroupId": room, "Name": room}),
                    )
                    .await
                    .with_context(|| format!("creating {room}"))?;
                match v["ErrorCode"].as_i64() {
                    Some(0 | GROUP_ID_TAKEN) => {}
                    _ => bail!("creating {room}: {v}"),
                }
            }
        }
        Ok(())
    }

    async fn has_group(&self, node: usize, room: Option<&String>) -> Result<bool> {
        let Some(room) = room else {
            return Ok(true);
        };
        let v = self
            .rest_at(
                node,
                "group_open_http_svc/get_group_info",
                json!({ "GroupIdList": [room] }),
            )
            .await?;
        Ok(v["GroupInfo"][0]["ErrorCode"] == 0)
    }

    /// Connects, logs in (or enters as a guest) and joins `room`.
    pub async fn viewer(
        &self,
        n: usize,
        node: usize,
        source: Ipv4Addr,
        room: &str,
    ) -> Result<(WsReader, WsWriter)> {
        let (mut r, mut w) = ws::connect(source, &self.node(node).ws).await?;
        let hello = if self.login_viewers {
            let user = format!("viewer-{n}");
            json!({"op": "login", "id": 1, "SDKAppID": self.app, "UserID": user, "UserSig": self.sig(&user)})
        } else {
            json!({"op": "guest", "id": 1, "SDKAppID": self.app})
        };
        w.text(&hello.to_string()).await?;
        await_reply(&mut r, 1).await?;
        w.text(&json!({"op": "join", "id": 2, "GroupId": room}).to_string())
            .await?;
        await_reply(&mut r, 2).await?;
        Ok((r, w))
    }

    /// Connects, logs `user` in and joins `room`.
    pub async fn member(
        &self,
        user: &str,
        node: usize,
        source: Ipv4Addr,
        room: &str,
    ) -> Result<(WsReader, WsWriter)> {
        let (mut r, mut w) = ws::connect(source, &self.node(node).ws).await?;
        w.text(
            &json!({"op": "login", "id": 1, "SDKAppID": self.app, "UserID": user, "UserSig": self.sig(user), "Platform": "Linux"})
                .to_string(),
        )
        .await?;
        await_reply(&mut r, 1).await?;
        w.text(&json!({"op": "join", "id": 2, "GroupId": room}).to_string())
            .await?;
        await_reply(&mut r, 2).await?;
        Ok((r, w))
    }

    /// `GET /healthz` of address `node`: in cluster mode `{"node", "bus", "owned_rooms"}`.
    pub async fn health(&self, node: usize) -> Result<Value> {
        let v = self
            .http_client
            .get(format!("{}/healthz", self.node(node).http))
            .send()
            .await?
            .json()
            .await
            .context("/healthz is not JSON (is the node in cluster mode?)")?;
        Ok(v)
    }

    /// The heartbeat a viewer sends to stay within the server's idle timeout.
    pub fn heartbeat(&self) -> &'static str {
        r#"{"op":"ping"}"#
    }

    /// A logged-in sender in all of `rooms`; its replies are read (and errors counted)
    /// by a task of its own.
    pub async fn sender(
        &self,
        n: usize,
        node: usize,
        source: Ipv4Addr,
        rooms: &[String],
        stats: Rc<RefCell<Stats>>,
    ) -> Result<WsWriter> {
        let (mut r, mut w) = ws::connect(source, &self.node(node).ws).await?;
        let user = format!("sender-{n}");
        w.text(
            &json!({"op": "login", "id": 1, "SDKAppID": self.app, "UserID": user, "UserSig": self.sig(&user), "Platform": "Linux"})
                .to_string(),
        )
        .await?;
        await_reply(&mut r, 1).await?;
        for (i, room) in rooms.iter().enumerate() {
            let id = 2 + i as u64;
            w.text(&json!({"op": "join", "id": id, "GroupId": room}).to_string())
                .await?;
            await_reply(&mut r, id).await?;
        }
        tokio::task::spawn_local(async move {
            while let Ok(f) = r.next().await {
                if f.opcode == OP_TEXT && f.payload.starts_with(br#"{"op":"reply""#) {
                    let ok = memchr::memmem::find(f.payload, br#""ErrorCode":0,"#).is_some();
                    if !ok {
                        stats.borrow_mut().send_errors += 1;
                    }
                }
            }
        });
        Ok(w)
    }

    /// The `send` request a sender writes.
    pub fn send_frame(&self, id: u64, room: &str, priority: usize, text: &str) -> String {
        json!({
            "op": "send",
            "id": id,
            "GroupId": room,
            "MsgPriority": PRIORITIES[priority.min(3)].0,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
        })
        .to_string()
    }

    pub async fn broadcast(&self, text: &str) -> Result<()> {
        self.rest(
            "group_open_http_svc/send_broadcast_msg",
            json!({"From_Account": ADMIN, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]}),
        )
        .await?;
        Ok(())
    }

    /// Counters from `/metrics` that explain the clients' view (frequency drops, queue
    /// drops, slow consumers); with several addresses, one set per address.
    pub async fn server_counters(&self) -> Value {
        if let [only] = self.nodes.as_slice() {
            return self.counters_of(only).await;
        }
        let mut out = serde_json::Map::new();
        for node in &self.nodes {
            out.insert(node.addr.to_string(), self.counters_of(node).await);
        }
        Value::Object(out)
    }

    async fn counters_of(&self, node: &Node) -> Value {
        let Ok(resp) = self
            .http_client
            .get(format!("{}/metrics", node.http))
            .send()
            .await
        else {
            return Value::Null;
        };
        let text = resp.text().await.unwrap_or_default();
        let mut out = serde_json::Map::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let Some((name, value)) = line.rsplit_once(' ') else {
                continue;
            };
            if name.starts_with("liveroom_") {
                if let Ok(v) = value.parse::<f64>() {
                    out.insert(name.to_string(), json!(v));
                }
            }
        }
        Value::Object(out)
    }
}

/// Reads until the reply with `id`; fails if it carries an error.
pub async fn await_reply(r: &mut WsReader, id: u64) -> Result<()> {
    let prefix = format!(r#"{{"op":"reply","id":{id},"#);
    loop {
        let f = r.next().await?;
        if f.opcode != OP_TEXT || !f.payload.starts_with(prefix.as_bytes()) {
            continue;
        }
        let v: Value = serde_json::from_slice(f.payload)?;
        if v["ErrorCode"] != 0 {
            bail!("request {id} refused: {v}");
        }
        return Ok(());
    }
}
