//! Peer servers driven by the same harness, with the same payload and the same latency
//! measurement (the send time travels in the text): NATS over WebSocket (raw fan-out, no
//! chat semantics), Sockudo (Pusher protocol, private channels with client events),
//! nginx + nchan (WebSocket subscribers, HTTP publisher) and ejabberd (XMPP multi-user
//! chat over WebSocket). `scripts/peers/install.sh` installs them; the templates beside it
//! configure them for loopback and for load.

use anyhow::{bail, Context, Result};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::cell::RefCell;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

use crate::process::{free_port, ServerProc};
use crate::stats::Stats;
use crate::target::Publisher;
use crate::ws::{self, Endpoint, WsReader, WsWriter, OP_BINARY};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Nats,
    Sockudo,
    Nchan,
    Ejabberd,
}

impl Kind {
    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "nats" => Self::Nats,
            "sockudo" => Self::Sockudo,
            "nchan" => Self::Nchan,
            "ejabberd" => Self::Ejabberd,
            other => bail!("unknown target {other:?}: liveroom, nats, sockudo, nchan or ejabberd"),
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Nats => "nats",
            Self::Sockudo => "sockudo",
            Self::Nchan => "nchan",
            Self::Ejabberd => "ejabberd",
        }
    }
}

const APP_ID: &str = "lb-app";
const APP_KEY: &str = "lb-key";
const APP_SECRET: &str = "lb-secret";
const MUC: &str = "conference.localhost";

pub struct Peer {
    pub kind: Kind,
    pub proc: ServerProc,
    ws: Endpoint,
    http: String,
    client: reqwest::Client,
}

/// Fills a template's `{{NAME}}` placeholders.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut s = template.to_string();
    for (k, v) in values {
        s = s.replace(&format!("{{{{{k}}}}}"), v);
    }
    s
}

impl Peer {
    /// Writes the peer's config from its template into a fresh directory, starts it
    /// (pinned to `cpu`) and waits until it listens.
    pub async fn start(
        kind: Kind,
        cpu: Option<&str>,
        peers: &Path,
        templates: &Path,
    ) -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix(&format!("liveroom-bench-{}-", kind.name()))
            .tempdir()?;
        let d = dir.path().display().to_string();
        let port = free_port()?;
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let values = vec![
            ("PORT", port.to_string()),
            ("CLIENT_PORT", free_port()?.to_string()),
            ("C2S_PORT", free_port()?.to_string()),
            ("DIR", d.clone()),
            ("APP_ID", APP_ID.to_string()),
            ("APP_KEY", APP_KEY.to_string()),
            ("APP_SECRET", APP_SECRET.to_string()),
            ("MAX_USERS", "30000".to_string()),
        ];
        let template = |name: &str| -> Result<String> {
            let path = templates.join(name);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            Ok(fill(&text, &values))
        };
        let peer_bin = |rel: &str| -> Result<String> {
            let p = peers.join(rel);
            if !p.exists() {
                bail!(
                    "{} is not installed ({} missing): run scripts/peers/install.sh",
                    kind.name(),
                    p.display()
                );
            }
            Ok(std::fs::canonicalize(&p)?.display().to_string())
        };
        let (program, args, envs, path): (String, Vec<String>, Vec<(String, String)>, &str) =
            match kind {
                Kind::Nats => {
                    std::fs::write(dir.path().join("nats.conf"), template("nats.conf")?)?;
                    (
                        peer_bin("venv/bin/nats-server")?,
                        vec!["-c".into(), format!("{d}/nats.conf")],
                        vec![],
                        "/",
                    )
                }
                Kind::Sockudo => {
                    std::fs::write(dir.path().join("sockudo.json"), template("sockudo.json")?)?;
                    (
                        "env".into(),
                        vec![
                            "-i".into(),
                            "PATH=/usr/bin:/bin".into(),
                            format!("HOME={d}"),
                            peer_bin("bin/sockudo")?,
                            "--config".into(),
                            format!("{d}/sockudo.json"),
                        ],
                        vec![],
                        "",
                    )
                }
                Kind::Nchan => {
                    std::fs::write(
                        dir.path().join("nginx-nchan.conf"),
                        template("nginx-nchan.conf")?,
                    )?;
                    (
                        "/usr/sbin/nginx".into(),
                        vec![
                            "-p".into(),
                            d.clone(),
                            "-c".into(),
                            format!("{d}/nginx-nchan.conf"),
                            "-e".into(),
                            format!("{d}/error.log"),
                            "-g".into(),
                            "daemon off;".into(),
                        ],
                        vec![],
                        "",
                    )
                }
                Kind::Ejabberd => {
                    std::fs::create_dir_all(dir.path().join("spool"))?;
                    std::fs::create_dir_all(dir.path().join("log"))?;
                    std::fs::write(dir.path().join("ejabberd.yml"), template("ejabberd.yml")?)?;
                    (
                        "/usr/bin/erl".into(),
                        vec![
                            "-noinput".into(),
                            "-noshell".into(),
                            "+P".into(),
                            "1000000".into(),
                            "-mnesia".into(),
                            "dir".into(),
                            format!("\"{d}/spool\""),
                            "-s".into(),
                            "ejabberd".into(),
                        ],
                        vec![
                            ("ERL_LIBS".into(), "/usr/lib/x86_64-linux-gnu".into()),
                            ("EJABBERD_CONFIG_PATH".into(), format!("{d}/ejabberd.yml")),
                            ("EJABBERD_LOG_PATH".into(), format!("{d}/log/ejabberd.log")),
                            ("ERL_CRASH_DUMP".into(), format!("{d}/log/erl_crash.dump")),
                            ("ERL_CRASH_DUMP_BYTES".into(), "0".into()),
                            ("ERL_MAX_PORTS".into(), "32000".into()),
                        ],
                        "/ws",
                    )
                }
            };
        let ws_path = match kind {
            Kind::Sockudo => format!("/app/{APP_KEY}?protocol=7&client=lb&version=1.0"),
            Kind::Nchan => String::new(),
            _ => path.to_string(),
        };
        let mut proc = ServerProc::start(kind.name(), cpu, &program, &args, &envs, dir)?;
        proc.wait_listening(addr).await?;
        // Listeners may open before the rest of start-up is done.
        tokio::time::sleep(Duration::from_millis(500)).await;
        Ok(Self {
            kind,
            proc,
            ws: Endpoint {
                addr,
                path: ws_path,
                protocol: (kind == Kind::Ejabberd).then(|| "xmpp".to_string()),
            },
            http: format!("http://{addr}"),
            client: reqwest::Client::new(),
        })
    }

    fn endpoint(&self, room: &str) -> Endpoint {
        match self.kind {
            Kind::Nchan => Endpoint {
                path: format!("/sub/{room}"),
                ..self.ws.clone()
            },
            _ => self.ws.clone(),
        }
    }

    pub fn address(&self) -> String {
        self.ws.addr.to_string()
    }

    /// A viewer connected and subscribed to `room`.
    pub async fn viewer(
        &self,
        n: usize,
        source: Ipv4Addr,
        room: &str,
    ) -> Result<(WsReader, WsWriter)> {
        let (mut r, mut w) = ws::connect(source, &self.endpoint(room)).await?;
        match self.kind {
            Kind::Nats => nats_hello(&mut r, &mut w, &[room]).await?,
            Kind::Sockudo => sockudo_subscribe(&mut r, &mut w, &[room]).await?,
            // Subscribed once the handshake is done.
            Kind::Nchan => {}
            Kind::Ejabberd => {
                xmpp_join(
                    &mut r,
                    &mut w,
                    &[room],
                    &format!("v{n}-{:x}", rand::random::<u32>()),
                )
                .await?
            }
        }
        Ok((r, w))
    }

    pub fn heartbeat(&self) -> Option<(Duration, Vec<u8>)> {
        match self.kind {
            // Sockudo counts only client frames as activity.
            Kind::Sockudo => Some((
                Duration::from_secs(60),
                br#"{"event":"pusher:ping","data":{}}"#.to_vec(),
            )),
            _ => None,
        }
    }

    pub fn keepalive_reply(&self, payload: &[u8]) -> Option<Vec<u8>> {
        match self.kind {
            Kind::Nats if payload.starts_with(b"PING\r\n") => Some(b"PONG\r\n".to_vec()),
            Kind::Sockudo if memchr::memmem::find(payload, b"\"pusher:ping\"").is_some() => {
                Some(br#"{"event":"pusher:pong","data":{}}"#.to_vec())
            }
            _ => None,
        }
    }

    pub async fn sender(
        &self,
        n: usize,
        source: Ipv4Addr,
        rooms: &[String],
        stats: Rc<RefCell<Stats>>,
    ) -> Result<Publisher> {
        if self.kind == Kind::Nchan {
            return Ok(Publisher::Http);
        }
        let first = rooms.first().map(String::as_str).unwrap_or("bench_0");
        let (mut r, mut w) = ws::connect(source, &self.endpoint(first)).await?;
        let names: Vec<&str> = rooms.iter().map(String::as_str).collect();
        match self.kind {
            Kind::Nats => nats_hello(&mut r, &mut w, &[]).await?,
            Kind::Sockudo => sockudo_subscribe(&mut r, &mut w, &names).await?,
            Kind::Ejabberd => xmpp_join(&mut r, &mut w, &names, &format!("s{n}")).await?,
            Kind::Nchan => {}
        }
        // Whatever comes back (echoes, errors) is read and dropped; errors are counted.
        tokio::task::spawn_local(async move {
            while let Ok(f) = r.next().await {
                if memchr::memmem::find(f.payload, b"error").is_some() {
                    stats.borrow_mut().send_errors += 1;
                }
            }
        });
        Ok(Publisher::Ws {
            writer: w,
            next_id: 0,
        })
    }

    pub async fn publish(&self, p: &mut Publisher, room: &str, text: &str) -> Result<()> {
        match (self.kind, p) {
            (Kind::Nchan, _) => {
                let resp = self
                    .client
                    .post(format!("{}/pub/{room}", self.http))
                    .body(text.to_string())
                    .send()
                    .await?;
                if !resp.status().is_success() {
                    bail!("nchan publish: {}", resp.status());
                }
                Ok(())
            }
            (Kind::Nats, Publisher::Ws { writer, .. }) => {
                let frame = format!("PUB {room} {}\r\n{text}\r\n", text.len());
                writer.send(OP_BINARY, frame.as_bytes()).await
            }
            (Kind::Sockudo, Publisher::Ws { writer, .. }) => {
                let frame = serde_json::json!({
                    "event": "client-msg",
                    "channel": format!("private-{room}"),
                    "data": text,
                });
                writer.text(&frame.to_string()).await
            }
            (Kind::Ejabberd, Publisher::Ws { writer, next_id }) => {
                *next_id += 1;
                writer
                    .text(&format!(
                        r#"<message xmlns="jabber:client" to="{room}@{MUC}" type="groupchat" id="m{}"><body>{text}</body></message>"#,
                        next_id
                    ))
                    .await
            }
            (_, Publisher::Http) => bail!("no HTTP publisher for {}", self.kind.name()),
        }
    }
}

/// Reads frames until one contains `needle`.
async fn until(r: &mut WsReader, needle: &[u8], what: &str) -> Result<()> {
    let wait = async {
        loop {
            let f = r.next().await?;
            if memchr::memmem::find(f.payload, needle).is_some() {
                return Ok::<_, anyhow::Error>(());
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), wait)
        .await
        .with_context(|| format!("waiting for {what}"))?
}

async fn nats_hello(r: &mut WsReader, w: &mut WsWriter, subjects: &[&str]) -> Result<()> {
    until(r, b"INFO", "INFO").await?;
    let mut hello =
        String::from(r#"CONNECT {"verbose":false,"pedantic":false,"echo":false,"protocol":1}"#);
    hello.push_str("\r\n");
    for (i, s) in subjects.iter().enumerate() {
        hello.push_str(&format!("SUB {s} {}\r\n", i + 1));
    }
    hello.push_str("PING\r\n");
    w.send(OP_BINARY, hello.as_bytes()).await?;
    until(r, b"PONG", "PONG").await
}

/// Private channels, so senders can publish client events over their socket.
async fn sockudo_subscribe(r: &mut WsReader, w: &mut WsWriter, rooms: &[&str]) -> Result<()> {
    let socket_id = loop {
        let f = r.next().await?;
        if memchr::memmem::find(f.payload, b"connection_established").is_none() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_slice(f.payload)?;
        let data: serde_json::Value = serde_json::from_str(v["data"].as_str().context("no data")?)?;
        break data["socket_id"]
            .as_str()
            .context("no socket_id")?
            .to_string();
    };
    for room in rooms {
        let channel = format!("private-{room}");
        let mut mac = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes())?;
        mac.update(format!("{socket_id}:{channel}").as_bytes());
        let auth = format!("{APP_KEY}:{}", hex(&mac.finalize().into_bytes()));
        let sub = serde_json::json!({"event": "pusher:subscribe", "data": {"auth": auth, "channel": channel}});
        w.text(&sub.to_string()).await?;
        until(r, b"subscription_succeeded", "subscription").await?;
    }
    Ok(())
}

async fn xmpp_join(r: &mut WsReader, w: &mut WsWriter, rooms: &[&str], nick: &str) -> Result<()> {
    const OPEN: &str =
        r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="localhost" version="1.0"/>"#;
    w.text(OPEN).await?;
    until(r, b"ANONYMOUS", "stream features").await?;
    w.text(r#"<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="ANONYMOUS"/>"#)
        .await?;
    until(r, b"<success", "SASL success").await?;
    w.text(OPEN).await?;
    until(r, b"xmpp-bind", "bind feature").await?;
    w.text(r#"<iq xmlns="jabber:client" type="set" id="b1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></iq>"#)
        .await?;
    until(r, b"<jid>", "bind result").await?;
    for room in rooms {
        w.text(&format!(
            r#"<presence xmlns="jabber:client" to="{room}@{MUC}/{nick}"><x xmlns="http://jabber.org/protocol/muc"><history maxstanzas="0"/></x></presence>"#
        ))
        .await?;
        // The room's subject ends the join.
        until(r, b"<subject", "room subject").await?;
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_filled() {
        assert_eq!(
            fill(
                "a {{PORT}} b {{DIR}}/x",
                &[("PORT", "1".into()), ("DIR", "/d".into())]
            ),
            "a 1 b /d/x"
        );
    }
}
