//! The servers the tool can drive, behind one interface so every one is measured by the
//! same code: Liveroom itself and the peers of `peers.rs`.

use anyhow::Result;
use serde_json::Value;
use std::cell::RefCell;
use std::net::Ipv4Addr;
use std::rc::Rc;
use std::time::Duration;

use crate::liveroom::Liveroom;
use crate::peers::Peer;
use crate::stats::Stats;
use crate::ws::{WsReader, WsWriter};

pub enum Target {
    Liveroom(Liveroom),
    Peer(Peer),
}

/// A sender's way of publishing.
pub enum Publisher {
    Ws {
        writer: WsWriter,
        next_id: u64,
    },
    /// Publishes through the target's HTTP API.
    Http,
}

impl Target {
    pub fn name(&self) -> String {
        match self {
            Self::Liveroom(_) => "liveroom".into(),
            Self::Peer(p) => p.kind.name().into(),
        }
    }

    /// The server processes, for /proc sampling.
    pub fn pids(&self) -> Vec<u32> {
        match self {
            Self::Liveroom(l) => l.pids(),
            Self::Peer(p) => vec![p.proc.pid],
        }
    }

    /// The addresses viewers and senders are spread over (one for a peer).
    pub fn addresses(&self) -> Vec<String> {
        match self {
            Self::Liveroom(l) => l.nodes.iter().map(|n| n.addr.to_string()).collect(),
            Self::Peer(p) => vec![p.address()],
        }
    }

    /// Prepares rooms (or channels) and whatever the run needs.
    pub async fn setup(&self, rooms: &[String], settings: Value) -> Result<()> {
        match self {
            Self::Liveroom(l) => l.setup(rooms, settings).await,
            Self::Peer(_) => Ok(()),
        }
    }

    /// A viewer connected (to address `node`) and subscribed to `room`.
    pub async fn viewer(
        &self,
        n: usize,
        node: usize,
        source: Ipv4Addr,
        room: &str,
    ) -> Result<(WsReader, WsWriter)> {
        match self {
            Self::Liveroom(l) => l.viewer(n, node, source, room).await,
            Self::Peer(p) => p.viewer(n, source, room).await,
        }
    }

    /// What a viewer sends periodically to stay connected, and how often.
    pub fn heartbeat(&self) -> Option<(Duration, Vec<u8>)> {
        match self {
            Self::Liveroom(l) => Some((Duration::from_secs(20), l.heartbeat().into())),
            Self::Peer(p) => p.heartbeat(),
        }
    }

    /// The answer to a protocol-level keep-alive inside a text or binary frame.
    pub fn keepalive_reply(&self, payload: &[u8]) -> Option<Vec<u8>> {
        match self {
            Self::Liveroom(_) => None,
            Self::Peer(p) => p.keepalive_reply(payload),
        }
    }

    /// A sender (on address `node`) in `rooms`.
    pub async fn sender(
        &self,
        n: usize,
        node: usize,
        source: Ipv4Addr,
        rooms: &[String],
        stats: Rc<RefCell<Stats>>,
    ) -> Result<Publisher> {
        match self {
            Self::Liveroom(l) => Ok(Publisher::Ws {
                writer: l.sender(n, node, source, rooms, stats).await?,
                next_id: 100,
            }),
            Self::Peer(p) => p.sender(n, source, rooms, stats).await,
        }
    }

    pub async fn publish(
        &self,
        publisher: &mut Publisher,
        room: &str,
        priority: usize,
        text: &str,
    ) -> Result<()> {
        match (self, publisher) {
            (Self::Liveroom(l), Publisher::Ws { writer, next_id }) => {
                *next_id += 1;
                writer
                    .text(&l.send_frame(*next_id, room, priority, text))
                    .await
            }
            (Self::Peer(p), publisher) => p.publish(publisher, room, text).await,
            (Self::Liveroom(_), Publisher::Http) => anyhow::bail!("no HTTP publisher"),
        }
    }

    pub async fn broadcast(&self, text: &str) -> Result<()> {
        match self {
            Self::Liveroom(l) => l.broadcast(text).await,
            Self::Peer(p) => anyhow::bail!("{} has no broadcast to all rooms", p.kind.name()),
        }
    }

    /// Server-side counters worth keeping beside the clients' figures.
    pub async fn counters(&self) -> Value {
        match self {
            Self::Liveroom(l) => l.server_counters().await,
            Self::Peer(_) => Value::Null,
        }
    }

    pub async fn stop(&self) {
        match self {
            Self::Liveroom(l) => l.stop().await,
            Self::Peer(p) => p.proc.terminate().await,
        }
    }
}
