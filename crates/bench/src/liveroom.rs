//! Driving Liveroom: guests or logged-in viewers over `/ws`, senders posting `send`
//! requests, the REST API for set-up and `send_broadcast_msg`.

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::net::{Ipv4Addr, SocketAddr};
use std::rc::Rc;

use crate::process::ServerProc;
use crate::stats::{Stats, PRIORITIES};
use crate::ws::{self, Endpoint, WsReader, WsWriter, OP_TEXT};

pub const ADMIN: &str = "administrator";

pub struct Liveroom {
    pub ws: Endpoint,
    pub http: String,
    pub app: u64,
    pub key: String,
    pub login_viewers: bool,
    pub proc: Option<ServerProc>,
    /// The process id of a server the tool did not start, for /proc sampling.
    pub external_pid: Option<u32>,
    http_client: reqwest::Client,
}

impl Liveroom {
    /// Starts the server binary with a fresh data directory and a known app.
    pub async fn start(bin: &str, cpu: Option<&str>) -> Result<Self> {
        let port = crate::process::free_port()?;
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let app = 1_400_000_001u64;
        let key = format!("bench-{:032x}", rand::random::<u128>());
        let dir = tempfile::Builder::new()
            .prefix("liveroom-bench-")
            .tempdir()?;
        let envs = vec![
            ("LIVEROOM_HTTP_ADDR".to_string(), addr.to_string()),
            (
                "LIVEROOM_DATA_DIR".to_string(),
                dir.path().join("data").display().to_string(),
            ),
            ("LIVEROOM_SDKAPPID".to_string(), app.to_string()),
            ("LIVEROOM_SECRET_KEY".to_string(), key.clone()),
            ("LIVEROOM_LOG".to_string(), "warn".to_string()),
        ];
        let mut proc = ServerProc::start("liveroom", cpu, bin, &["serve".to_string()], &envs, dir)?;
        proc.wait_listening(addr).await?;
        Ok(Self::new(addr, app, key, Some(proc)))
    }

    pub fn new(addr: SocketAddr, app: u64, key: String, proc: Option<ServerProc>) -> Self {
        Self {
            ws: Endpoint {
                addr,
                path: "/ws".into(),
                protocol: None,
            },
            http: format!("http://{addr}"),
            app,
            key,
            login_viewers: false,
            proc,
            external_pid: None,
            http_client: reqwest::Client::new(),
        }
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

    /// One REST call as the administrator; fails on a non-zero `ErrorCode`.
    pub async fn rest(&self, path: &str, body: Value) -> Result<Value> {
        let url = format!(
            "{}/v4/{path}?sdkappid={}&identifier={ADMIN}&usersig={}&random={}&contenttype=json",
            self.http,
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
        if v["ErrorCode"] != 0 {
            bail!("{path}: {v}");
        }
        Ok(v)
    }

    /// App settings for the run, then the rooms.
    pub async fn setup(&self, rooms: &[String], settings: Value) -> Result<()> {
        self.rest(
            "liveroom_ext/set_app_settings",
            json!({ "Settings": settings }),
        )
        .await?;
        for room in rooms {
            self.rest(
                "group_open_http_svc/create_group",
                json!({"Type": "AVChatRoom", "GroupId": room, "Name": room}),
            )
            .await
            .with_context(|| format!("creating {room}"))?;
        }
        Ok(())
    }

    /// Connects, logs in (or enters as a guest) and joins `room`.
    pub async fn viewer(
        &self,
        n: usize,
        source: Ipv4Addr,
        room: &str,
    ) -> Result<(WsReader, WsWriter)> {
        let (mut r, mut w) = ws::connect(source, &self.ws).await?;
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

    /// The heartbeat a viewer sends to stay within the server's idle timeout.
    pub fn heartbeat(&self) -> &'static str {
        r#"{"op":"ping"}"#
    }

    /// A logged-in sender in all of `rooms`; its replies are read (and errors counted)
    /// by a task of its own.
    pub async fn sender(
        &self,
        n: usize,
        source: Ipv4Addr,
        rooms: &[String],
        stats: Rc<RefCell<Stats>>,
    ) -> Result<WsWriter> {
        let (mut r, mut w) = ws::connect(source, &self.ws).await?;
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
    /// drops, slow consumers).
    pub async fn server_counters(&self) -> Value {
        let Ok(resp) = self
            .http_client
            .get(format!("{}/metrics", self.http))
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
async fn await_reply(r: &mut WsReader, id: u64) -> Result<()> {
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
