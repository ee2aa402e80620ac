//! Cluster mode: the engine's broker port on NATS.
//!
//! - Every node subscribes to the rooms it serves members of (`<prefix>.room.<app>.<group>`)
//!   and hands what arrives to its own members.
//! - Each node holds a lease in the KV bucket `<prefix>-nodes` (its key, whose value is the
//!   lease's epoch, renewed by compare-and-swap every second and gone three seconds after
//!   its holder stops renewing): one write a second per node, however many rooms it owns.
//! - Each room has one owner node, named with its epoch in the room's key in the KV bucket
//!   `<prefix>-rooms` (created only if absent, taken over by compare-and-swap once the
//!   named lease is gone). The owner takes the room's calls on
//!   `<prefix>.own.<app>.<group>`, decides (numbers, admits, stores) and publishes.
//! - Nodes report their part of each room's audience on `<prefix>.pres.<app>.<group>`;
//!   the owner sums the parts.
//! - Cluster-wide events (moderation, logins, broadcasts, settings) go on
//!   `<prefix>.app.<app>` to every node.
//! - Nodes announce themselves every second on `<prefix>.alive`; a room whose owner went
//!   quiet is taken over by a node serving it as soon as the old lease is gone.
//!
//! docs/cluster.md has the whole design and its failure behaviour.

mod wire;

use async_nats::jetstream::kv;
use async_trait::async_trait;
use bytes::Bytes;
use dashmap::DashMap;
use futures_util::StreamExt;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, Weak};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use liveroom_core::{AppId, Error};
use liveroom_engine::broker::{
    AppEvent, Broker, BusStatus, OwnerAnswer, OwnerCall, Presence, RoomEvent, RoomKey, Route,
};
use liveroom_engine::Engine;

pub use wire::{group_token, Names};

/// A node's lease not renewed for this long is gone, and the rooms it held can be taken
/// over.
pub const LEASE_TTL: Duration = Duration::from_secs(3);
/// Room keys not written for this long disappear (what rooms nobody serves any more leave
/// behind); owners write theirs again every `ROOM_KEY_REFRESH`, long before that.
const ROOM_KEY_AGE: Duration = Duration::from_secs(24 * 3600);
const ROOM_KEY_REFRESH: Duration = Duration::from_secs(3600);
/// How often nodes renew their lease and announce themselves.
const TICK: Duration = Duration::from_secs(1);
/// How many rooms whose owner went away a node takes over at once.
const TAKEOVERS_AT_ONCE: usize = 32;
/// A node not heard from for this long is taken for gone.
const NODE_SILENT: Duration = Duration::from_millis(2500);
/// How long a call waits for a room's owner (a failover included) before it is refused.
const CALL_PATIENCE: Duration = Duration::from_secs(8);
/// How often a node's changed audiences are reported, and (unchanged) re-reported: a
/// report holds until its node reports again or goes silent, so unchanged audiences are
/// re-reported only as a safety net (a report lost to a reconnection is also sent again).
const PRESENCE_EVERY: Duration = Duration::from_millis(250);
const PRESENCE_REFRESH: Duration = Duration::from_secs(30);

/// What a node needs to join a cluster.
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    pub nats_url: String,
    /// Shown in logs, metrics and `/healthz`; unique per node.
    pub node_name: String,
    /// Subject and bucket prefix: clusters sharing one NATS use different ones.
    pub prefix: String,
}

/// The owner's reply to a call.
#[derive(Serialize, Deserialize)]
enum Reply {
    Answer(OwnerAnswer),
    Failed(Error),
    /// The node does not own the room (any more): ask again.
    NotOwner,
}

#[derive(Serialize, Deserialize)]
struct AppMessage {
    origin: u64,
    event: AppEvent,
}

#[derive(Serialize, Deserialize)]
struct PresenceReport {
    node: u64,
    presence: Presence,
}

#[derive(Serialize, Deserialize)]
struct Alive {
    node: u64,
    name: String,
    /// `false`: the node is shutting down (its rooms are free now).
    up: bool,
}

/// This node's lease in the nodes bucket. The rooms whose key names this node and `epoch`
/// are this node's while the lease is fresh. A lapsed lease is never taken back: the next
/// one has a new epoch, so the rooms held under the old one are stale everywhere at once.
struct NodeLease {
    epoch: u64,
    revision: u64,
    /// When the write that made or last renewed it was sent; it lasts `LEASE_TTL` from then.
    written: Instant,
}

/// A room this node owns.
struct Lease {
    /// This node's epoch when it took the room (the room is its while that lease holds).
    epoch: u64,
    /// The room key's revision, and when this node wrote it.
    revision: u64,
    written: Instant,
    /// The owner's subscription to the room's calls.
    calls: JoinHandle<()>,
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.calls.abort();
    }
}

/// Other nodes' audiences of a room, by node (the latest report of each).
type Reports = Arc<Mutex<HashMap<u64, Presence>>>;

/// What this node knows of a room.
#[derive(Default)]
struct Link {
    /// The subscriptions to the room's events and audience reports, while this node
    /// serves members of it.
    events: Option<JoinHandle<()>>,
    reports: Option<JoinHandle<()>>,
    others: Reports,
    lease: Option<Lease>,
    /// The owner last seen in the bucket, and when.
    owner: Option<(u64, Instant)>,
    /// One settling of the room's owner at a time.
    settling: Arc<tokio::sync::Mutex<()>>,
}

/// The cluster's KV buckets (opened again when NATS lost them, e.g. a new server).
#[derive(Clone)]
struct Buckets {
    nodes: kv::Store,
    rooms: kv::Store,
}

struct Inner {
    node: u64,
    name: String,
    names: Names,
    client: async_nats::Client,
    buckets: Mutex<Buckets>,
    /// This node's lease, while it holds one.
    lease: Mutex<Option<NodeLease>>,
    /// One taking or renewing of the lease at a time.
    leasing: tokio::sync::Mutex<()>,
    engine: OnceLock<Weak<Engine>>,
    /// Publications, in order (one task writes them, so one room's events keep their order).
    out: mpsc::UnboundedSender<(String, Bytes)>,
    rooms: DashMap<RoomKey, Link>,
    /// Nodes heard from, and when.
    alive: DashMap<u64, Instant>,
    /// This node's audiences to report: the latest, and whether it changed since.
    presence: DashMap<RoomKey, (Presence, bool)>,
}

/// The NATS broker. Cheap to clone.
#[derive(Clone)]
pub struct Cluster {
    inner: Arc<Inner>,
}

fn unavailable(what: impl std::fmt::Display) -> Error {
    Error::Unavailable(format!("the cluster bus is unavailable ({what})"))
}

fn micros_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

impl Cluster {
    /// Connects to NATS (waiting for it if it is not up yet), makes the owners bucket if it
    /// is missing and starts the node's background tasks.
    pub async fn connect(config: &ClusterConfig) -> Result<Self, String> {
        let name = config.node_name.clone();
        let client = async_nats::ConnectOptions::new()
            .name(format!("liveroom {name}"))
            // A node never needs what it published itself (the owner of a room is also among
            // the nodes serving it): NATS does not send it back.
            .no_echo()
            .retry_on_initial_connect()
            .request_timeout(Some(Duration::from_secs(5)))
            .event_callback(move |event| async move {
                match event {
                    async_nats::Event::Connected => tracing::info!("cluster bus connected"),
                    async_nats::Event::Disconnected => {
                        tracing::warn!("cluster bus disconnected; reconnecting")
                    }
                    other => tracing::info!(event = %other, "cluster bus"),
                }
            })
            .connect(config.nats_url.as_str())
            .await
            .map_err(|e| format!("cannot connect to NATS at {}: {e}", config.nats_url))?;
        let names = Names::new(&config.prefix);
        let buckets = open_buckets(&client, &names).await?;
        let (out, rx) = mpsc::unbounded_channel();
        let inner = Arc::new(Inner {
            node: loop {
                let n: u64 = rand::random();
                if n != 0 {
                    break n;
                }
            },
            name,
            names,
            client,
            buckets: Mutex::new(buckets),
            lease: Mutex::new(None),
            leasing: tokio::sync::Mutex::new(()),
            engine: OnceLock::new(),
            out,
            rooms: DashMap::new(),
            alive: DashMap::new(),
            presence: DashMap::new(),
        });
        tokio::spawn(publisher(inner.client.clone(), rx));
        Ok(Self { inner })
    }

    /// Starts serving `engine`: its app events, the lease and presence loops.
    pub async fn attach(&self, engine: &Arc<Engine>) -> Result<(), String> {
        let _ = self.inner.engine.set(Arc::downgrade(engine));
        let apps = self
            .inner
            .client
            .subscribe(self.inner.names.all_apps())
            .await
            .map_err(|e| format!("cannot subscribe to the cluster's app events: {e}"))?;
        let alive = self
            .inner
            .client
            .subscribe(self.inner.names.alive())
            .await
            .map_err(|e| format!("cannot subscribe to the cluster's node announcements: {e}"))?;
        let _ = self.inner.client.flush().await;
        tokio::spawn(app_events(Arc::downgrade(&self.inner), apps));
        tokio::spawn(node_announcements(Arc::downgrade(&self.inner), alive));
        tokio::spawn(ticker(Arc::downgrade(&self.inner)));
        tokio::spawn(caretaker(Arc::downgrade(&self.inner)));
        tokio::spawn(presence_reporter(Arc::downgrade(&self.inner)));
        Ok(())
    }

    pub fn node_name(&self) -> &str {
        &self.inner.name
    }

    /// Whether the bus connection is up.
    pub fn connected(&self) -> bool {
        matches!(
            self.inner.client.connection_state(),
            async_nats::connection::State::Connected
        )
    }

    /// Rooms this node owns now.
    pub fn owned_rooms(&self) -> usize {
        let Some(epoch) = self.inner.fresh_epoch() else {
            return 0;
        };
        self.inner
            .rooms
            .iter()
            .filter(|l| l.lease.as_ref().is_some_and(|s| s.epoch == epoch))
            .count()
    }

    /// Gives up the node's lease and so every room it owns (shutdown): other nodes take
    /// the rooms over at once.
    pub async fn give_up_rooms(&self) {
        let inner = &self.inner;
        let _one = inner.leasing.lock().await;
        inner.lose_rooms();
        if inner.lease.lock().take().is_some() {
            let nodes = inner.buckets().nodes;
            let _ = nodes.delete(inner.node.to_string()).await;
        }
        inner.announce(false);
        let _ = inner.client.flush().await;
    }
}

/// Opens the cluster's buckets, making them when they are missing.
async fn open_buckets(client: &async_nats::Client, names: &Names) -> Result<Buckets, String> {
    Ok(Buckets {
        nodes: open_bucket(
            client,
            &names.nodes_bucket(),
            LEASE_TTL,
            "Liveroom node leases",
        )
        .await?,
        rooms: open_bucket(
            client,
            &names.rooms_bucket(),
            ROOM_KEY_AGE,
            "Liveroom room owners",
        )
        .await?,
    })
}

/// Opens a KV bucket whose entries live `max_age` after their last write, making it when it
/// is missing. The bucket's stream is made with a plain JetStream API request (the
/// configuration every KV client gives a bucket), which every server with JetStream
/// understands the same way.
async fn open_bucket(
    client: &async_nats::Client,
    bucket: &str,
    max_age: Duration,
    description: &str,
) -> Result<kv::Store, String> {
    let js = async_nats::jetstream::new(client.clone());
    if let Ok(kv) = js.get_key_value(bucket).await {
        return Ok(kv);
    }
    let window = max_age.min(Duration::from_secs(120));
    let config = serde_json::json!({
        "name": format!("KV_{bucket}"),
        "description": description,
        "subjects": [format!("$KV.{bucket}.>")],
        "retention": "limits",
        "max_msgs_per_subject": 1,
        "max_age": max_age.as_nanos() as u64,
        "duplicate_window": window.as_nanos() as u64,
        "discard": "new",
        "storage": "file",
        "num_replicas": 1,
        "allow_rollup_hdrs": true,
        "deny_delete": true,
        "allow_direct": true,
        "max_consumers": -1,
        "max_msgs": -1,
        "max_bytes": -1,
        "max_msg_size": -1,
    });
    let answer = client
        .request(
            format!("$JS.API.STREAM.CREATE.KV_{bucket}"),
            config.to_string().into(),
        )
        .await
        .map_err(|e| {
            format!("cannot make the NATS KV bucket {bucket}: {e} (is JetStream enabled?)")
        })?;
    let answer: serde_json::Value = serde_json::from_slice(&answer.payload).unwrap_or_default();
    if let Some(err) = answer.get("error") {
        // Made by another node at the same moment: fine.
        if err["err_code"].as_u64() != Some(10058) {
            return Err(format!("cannot make the NATS KV bucket {bucket}: {err}"));
        }
    }
    js.get_key_value(bucket)
        .await
        .map_err(|e| format!("cannot open the NATS KV bucket {bucket}: {e}"))
}

/// A room key's value: the owner node and the epoch of its lease.
fn holder_value(node: u64, epoch: u64) -> Bytes {
    format!("{node}:{epoch}").into()
}

fn parse_holder(value: &[u8]) -> Option<(u64, u64)> {
    let (node, epoch) = std::str::from_utf8(value).ok()?.split_once(':')?;
    Some((node.parse().ok()?, epoch.parse().ok()?))
}

impl Inner {
    fn buckets(&self) -> Buckets {
        self.buckets.lock().clone()
    }

    /// After a bucket operation failed for another reason than a lost race: the buckets may
    /// be gone (a NATS server without the old one's state), so they are opened (made) again.
    async fn reopen_buckets(&self) {
        match open_buckets(&self.client, &self.names).await {
            Ok(b) => *self.buckets.lock() = b,
            Err(e) => tracing::warn!(error = %e, "cluster buckets"),
        }
    }

    fn engine(&self) -> Option<Arc<Engine>> {
        self.engine.get().and_then(Weak::upgrade)
    }

    fn send(&self, subject: String, payload: Bytes) {
        metrics::counter!("liveroom_cluster_publishes_total").increment(1);
        let _ = self.out.send((subject, payload));
    }

    fn announce(&self, up: bool) {
        let alive = Alive {
            node: self.node,
            name: self.name.clone(),
            up,
        };
        if let Ok(json) = serde_json::to_vec(&alive) {
            self.send(self.names.alive(), json.into());
        }
    }

    /// The epoch of this node's lease, while it is fresh.
    fn fresh_epoch(&self) -> Option<u64> {
        self.lease
            .lock()
            .as_ref()
            .filter(|l| l.written.elapsed() < LEASE_TTL)
            .map(|l| l.epoch)
    }

    fn owns(&self, room: &RoomKey) -> bool {
        let Some(epoch) = self.fresh_epoch() else {
            return false;
        };
        self.rooms
            .get(room)
            .is_some_and(|l| l.lease.as_ref().is_some_and(|s| s.epoch == epoch))
    }

    /// Whether `node` has been heard from lately.
    fn heard(&self, node: u64) -> bool {
        self.alive
            .get(&node)
            .is_some_and(|t| t.elapsed() < NODE_SILENT)
    }

    /// The owner last seen for `room`, if it is still heard from.
    fn known_owner(&self, room: &RoomKey) -> Option<u64> {
        let link = self.rooms.get(room)?;
        let (node, _) = link.owner?;
        let heard = self.alive.get(&node).map(|t| *t)?;
        (heard.elapsed() < NODE_SILENT).then_some(node)
    }

    /// The epoch of this node's lease, taking a new lease when it holds none that is fresh.
    async fn node_epoch(&self) -> Result<u64, Error> {
        if let Some(epoch) = self.fresh_epoch() {
            return Ok(epoch);
        }
        let _one = self.leasing.lock().await;
        if let Some(epoch) = self.fresh_epoch() {
            return Ok(epoch);
        }
        // Whatever was held under a lapsed lease is given up first.
        self.lose_rooms();
        let epoch = loop {
            let n: u64 = rand::random();
            if n != 0 {
                break n;
            }
        };
        let nodes = self.buckets().nodes;
        let key = self.node.to_string();
        let value: Bytes = epoch.to_string().into();
        let sent = Instant::now();
        let revision = match nodes.create(&key, value.clone()).await {
            Ok(revision) => revision,
            Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => {
                // The lapsed lease is still there: it is replaced (with the new epoch).
                let entry = nodes.entry(key.clone()).await.map_err(unavailable)?;
                let last = entry.map_or(0, |e| e.revision);
                nodes.update(&key, value, last).await.map_err(unavailable)?
            }
            Err(e) => {
                self.reopen_buckets().await;
                return Err(unavailable(e));
            }
        };
        *self.lease.lock() = Some(NodeLease {
            epoch,
            revision,
            written: sent,
        });
        tracing::info!(node = %self.name, "this node holds a lease");
        Ok(epoch)
    }

    /// Renews this node's lease. A lease that cannot be renewed before it lapses is given
    /// up with every room held under it.
    async fn renew_lease(&self) {
        let _one = self.leasing.lock().await;
        let held = self
            .lease
            .lock()
            .as_ref()
            .map(|l| (l.epoch, l.revision, l.written));
        // Without a lease there is nothing to renew: one is taken when a room needs it.
        let Some((epoch, revision, written)) = held else {
            return;
        };
        let nodes = self.buckets().nodes;
        let sent = Instant::now();
        match nodes
            .update(self.node.to_string(), epoch.to_string().into(), revision)
            .await
        {
            Ok(next) => {
                if let Some(l) = self.lease.lock().as_mut().filter(|l| l.epoch == epoch) {
                    l.revision = next;
                    l.written = sent;
                }
            }
            Err(e) => {
                let taken = e.kind() == kv::UpdateErrorKind::WrongLastRevision;
                if !taken {
                    self.reopen_buckets().await;
                }
                if taken || written.elapsed() >= LEASE_TTL {
                    tracing::warn!(node = %self.name, error = %e, "this node's lease lapsed; it gives up the rooms it owned");
                    *self.lease.lock() = None;
                    self.lose_rooms();
                } else {
                    tracing::warn!(node = %self.name, error = %e, "lease not renewed");
                }
            }
        }
    }

    /// Whether `node`'s lease with `epoch` is in the nodes bucket.
    async fn lease_alive(&self, node: u64, epoch: u64) -> Result<bool, Error> {
        let nodes = self.buckets().nodes;
        let value = nodes.get(node.to_string()).await.map_err(unavailable)?;
        Ok(value.is_some_and(|v| v.as_ref() == epoch.to_string().as_bytes()))
    }

    /// Reads the room's owner from the bucket and takes the room when nobody holds it, or
    /// when the lease of the node that held it is gone.
    async fn settle_owner(self: &Arc<Self>, room: &RoomKey) -> Result<Route, Error> {
        let settling = self.rooms.entry(room.clone()).or_default().settling.clone();
        let _one = settling.lock().await;
        if self.owns(room) {
            return Ok(Route::Here);
        }
        let rooms = self.buckets().rooms;
        let key = Names::owner_key(room);
        let entry = rooms.entry(key.clone()).await.map_err(unavailable)?;
        let holder = entry
            .as_ref()
            .filter(|e| e.operation == kv::Operation::Put)
            .and_then(|e| parse_holder(&e.value));
        if let Some((node, epoch)) = holder.filter(|(node, _)| *node != self.node) {
            if self.lease_alive(node, epoch).await? {
                let now = Instant::now();
                // Its lease was just read: the node is alive even if not heard from yet.
                self.alive.entry(node).or_insert(now);
                self.rooms.entry(room.clone()).or_default().owner = Some((node, now));
                return Ok(Route::Elsewhere);
            }
        }
        let epoch = self.node_epoch().await?;
        let value = holder_value(self.node, epoch);
        // A key that is deleted, stale (its lease is gone) or this node's own from before
        // is taken with the revision read: of several nodes trying, one succeeds.
        let taken = match &entry {
            Some(e) => rooms.update(&key, value, e.revision).await.map_err(|e| {
                (
                    e.kind() == kv::UpdateErrorKind::WrongLastRevision,
                    unavailable(e),
                )
            }),
            None => rooms.create(&key, value).await.map_err(|e| {
                (
                    e.kind() == kv::CreateErrorKind::AlreadyExists,
                    unavailable(e),
                )
            }),
        };
        match taken {
            Ok(revision) => self.become_owner(room, epoch, revision).await,
            // Another node was quicker.
            Err((true, _)) => Ok(Route::Elsewhere),
            Err((false, e)) => {
                self.reopen_buckets().await;
                Err(e)
            }
        }
    }

    async fn become_owner(
        self: &Arc<Self>,
        room: &RoomKey,
        epoch: u64,
        revision: u64,
    ) -> Result<Route, Error> {
        let calls = self
            .client
            .subscribe(self.names.owner(room))
            .await
            .map_err(unavailable)?;
        self.client.flush().await.map_err(unavailable)?;
        let lease = Lease {
            epoch,
            revision,
            written: Instant::now(),
            calls: tokio::spawn(owner_calls(Arc::downgrade(self), room.clone(), calls)),
        };
        {
            let mut link = self.rooms.entry(room.clone()).or_default();
            link.lease = Some(lease);
            link.owner = Some((self.node, Instant::now()));
        }
        tracing::debug!(app = room.app.0, group = %room.group, node = %self.name, "this node now decides for the room");
        // The others report their audiences at once, whatever this node heard before.
        self.send(self.names.presence(room), Bytes::from_static(b"?"));
        if let Some(engine) = self.engine() {
            engine.ownership_changed(room, true);
        }
        Ok(Route::Here)
    }

    fn drop_lease(&self, room: &RoomKey) {
        let lease = self.rooms.get_mut(room).and_then(|mut l| {
            if l.owner.is_some_and(|(node, _)| node == self.node) {
                l.owner = None;
            }
            l.lease.take()
        });
        if lease.is_some() {
            tracing::debug!(app = room.app.0, group = %room.group, "this node no longer decides for the room");
            if let Some(engine) = self.engine() {
                engine.ownership_changed(room, false);
            }
        }
    }

    /// Gives up every room held (the lease they were held under is gone).
    fn lose_rooms(&self) {
        let held: Vec<RoomKey> = self
            .rooms
            .iter()
            .filter(|l| l.lease.is_some())
            .map(|l| l.key().clone())
            .collect();
        for room in held {
            self.drop_lease(&room);
        }
    }

    /// Writes again the keys of rooms owned for a long time, so they never age out while
    /// held.
    async fn refresh_room_keys(&self) {
        let due: Vec<(RoomKey, u64, u64)> = self
            .rooms
            .iter()
            .filter_map(|l| {
                let s = l.lease.as_ref()?;
                (s.written.elapsed() >= ROOM_KEY_REFRESH)
                    .then(|| (l.key().clone(), s.epoch, s.revision))
            })
            .collect();
        let rooms = self.buckets().rooms;
        for (room, epoch, revision) in due {
            let key = Names::owner_key(&room);
            match rooms
                .update(key, holder_value(self.node, epoch), revision)
                .await
            {
                Ok(next) => {
                    if let Some(mut link) = self.rooms.get_mut(&room) {
                        if let Some(s) = link.lease.as_mut().filter(|s| s.revision == revision) {
                            s.revision = next;
                            s.written = Instant::now();
                        }
                    }
                }
                Err(e) if e.kind() == kv::UpdateErrorKind::WrongLastRevision => {
                    tracing::warn!(group = %room.group, "room key taken by another node");
                    self.drop_lease(&room);
                }
                Err(e) => {
                    tracing::warn!(group = %room.group, error = %e, "room key not written again");
                    return;
                }
            }
        }
    }

    /// Takes over the served rooms whose owner went quiet, and lets the audience reports
    /// of nodes that went away go stale.
    async fn look_after_rooms(self: &Arc<Self>) {
        self.refresh_room_keys().await;
        let orphaned: Vec<RoomKey> = self
            .rooms
            .iter()
            .filter(|l| l.lease.is_none() && l.events.is_some())
            .map(|l| l.key().clone())
            .filter(|room| self.known_owner(room).is_none())
            .collect();
        let failed = std::sync::atomic::AtomicBool::new(false);
        futures_util::stream::iter(orphaned)
            .for_each_concurrent(TAKEOVERS_AT_ONCE, |room| {
                let failed = &failed;
                async move {
                    if failed.load(std::sync::atomic::Ordering::Relaxed) {
                        return;
                    }
                    if let Err(e) = self.settle_owner(&room).await {
                        tracing::debug!(group = %room.group, error = %e, "room owner not settled");
                        failed.store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            })
            .await;
        // Reports of nodes that went away go.
        let mut changed = Vec::new();
        for link in self.rooms.iter() {
            let mut others = link.others.lock();
            let before = others.len();
            others.retain(|node, _| self.heard(*node));
            if others.len() != before {
                changed.push(link.key().clone());
            }
        }
        if let Some(engine) = self.engine() {
            for room in changed {
                engine.audience_elsewhere_changed(&room);
            }
        }
    }
}

#[async_trait]
impl Broker for Cluster {
    fn node(&self) -> u64 {
        self.inner.node
    }

    fn clustered(&self) -> bool {
        true
    }

    async fn route(&self, room: &RoomKey) -> Result<Route, Error> {
        if self.inner.owns(room) {
            return Ok(Route::Here);
        }
        if self.inner.known_owner(room).is_some() {
            return Ok(Route::Elsewhere);
        }
        self.inner.settle_owner(room).await
    }

    fn decides(&self, room: &RoomKey) -> bool {
        self.inner.owns(room)
    }

    async fn call(&self, room: &RoomKey, call: OwnerCall) -> Result<Option<OwnerAnswer>, Error> {
        let payload: Bytes = serde_json::to_vec(&call)
            .map_err(|_| Error::Internal)?
            .into();
        let subject = self.inner.names.owner(room);
        let deadline = Instant::now() + CALL_PATIENCE;
        loop {
            if self.route(room).await? == Route::Here {
                return Ok(None);
            }
            // The owner may die with the call in flight (it then never answers): the call
            // goes to the next owner as soon as this one is known gone, instead of waiting
            // out the request's timeout.
            let owner = self.inner.known_owner(room);
            let request = self.inner.client.request(subject.clone(), payload.clone());
            let answer = tokio::select! {
                answer = request => Some(answer),
                () = self.inner.gone(owner) => None,
            };
            match answer {
                None => {
                    tracing::warn!(group = %room.group, "the room's owner went away during a call; asking the next one");
                    self.inner.forget_owner(room);
                }
                Some(Ok(msg)) => match serde_json::from_slice::<Reply>(&msg.payload) {
                    Ok(Reply::Answer(a)) => {
                        metrics::counter!("liveroom_cluster_calls_total").increment(1);
                        return Ok(Some(a));
                    }
                    Ok(Reply::Failed(e)) => return Err(e),
                    Ok(Reply::NotOwner) => self.inner.forget_owner(room),
                    Err(_) => return Err(Error::Internal),
                },
                Some(Err(e)) if e.kind() == async_nats::RequestErrorKind::NoResponders => {
                    // The owner is gone (or not listening yet): ask the bucket again.
                    self.inner.forget_owner(room);
                }
                Some(Err(e)) => {
                    return Err(Error::Unavailable(format!(
                        "the node deciding for this room did not answer ({e})"
                    )))
                }
            }
            if Instant::now() >= deadline {
                return Err(Error::Unavailable(
                    "no node decides for this room now".into(),
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn publish(&self, room: &RoomKey, event: &RoomEvent) {
        let payload = wire::encode(self.inner.node, micros_now(), event);
        self.inner.send(self.inner.names.room(room), payload);
    }

    fn publish_app(&self, app: AppId, event: AppEvent) {
        let msg = AppMessage {
            origin: self.inner.node,
            event,
        };
        if let Ok(json) = serde_json::to_vec(&msg) {
            self.inner.send(self.inner.names.app(app), json.into());
        }
    }

    async fn interest(&self, room: &RoomKey, on: bool) {
        let inner = &self.inner;
        if !on {
            let revision = match inner.rooms.remove(room) {
                Some((_, mut link)) => {
                    for t in [link.events.take(), link.reports.take()]
                        .into_iter()
                        .flatten()
                    {
                        t.abort();
                    }
                    link.lease.as_ref().map(|l| l.revision)
                }
                None => None,
            };
            inner.presence.remove(room);
            if let Some(revision) = revision {
                let _ = inner
                    .buckets()
                    .rooms
                    .delete_expect_revision(Names::owner_key(room), Some(revision))
                    .await;
            }
            return;
        }
        if inner.rooms.get(room).is_some_and(|l| l.events.is_some()) {
            return;
        }
        let subscribed = async {
            let events = inner.client.subscribe(inner.names.room(room)).await?;
            let reports = inner.client.subscribe(inner.names.presence(room)).await?;
            Ok::<_, async_nats::SubscribeError>((events, reports))
        };
        match subscribed.await {
            Ok((events, reports)) => {
                // Registered with the server before the caller reads the room's history, so
                // nothing published after that read is missed.
                let _ = inner.client.flush().await;
                let mut link = inner.rooms.entry(room.clone()).or_default();
                let others = link.others.clone();
                let tasks = [
                    link.events.replace(tokio::spawn(room_events(
                        Arc::downgrade(inner),
                        room.clone(),
                        events,
                    ))),
                    link.reports.replace(tokio::spawn(audience_reports(
                        Arc::downgrade(inner),
                        room.clone(),
                        others,
                        reports,
                    ))),
                ];
                for old in tasks.into_iter().flatten() {
                    old.abort();
                }
                drop(link);
                // Ask the others to report at once rather than at their next refresh.
                inner.send(inner.names.presence(room), Bytes::from_static(b"?"));
            }
            Err(e) => {
                tracing::error!(group = %room.group, error = %e, "cannot subscribe to the room's events")
            }
        }
    }

    fn presence(&self, room: &RoomKey, presence: Presence) {
        self.inner.presence.insert(room.clone(), (presence, true));
    }

    fn others(&self, room: &RoomKey) -> Presence {
        let Some(link) = self.inner.rooms.get(room) else {
            return Presence::default();
        };
        let others = link.others.lock();
        let mut sum = Presence::default();
        for (node, p) in others.iter() {
            if self.inner.heard(*node) {
                sum.online += p.online;
                sum.members.extend(p.members.iter().cloned());
            }
        }
        sum
    }

    fn status(&self) -> Option<BusStatus> {
        Some(BusStatus {
            node: self.inner.name.clone(),
            connected: self.connected(),
            owned_rooms: self.owned_rooms(),
        })
    }

    async fn leave(&self) {
        self.give_up_rooms().await;
    }
}

impl Inner {
    /// Resolves once `node` has not been heard from for `NODE_SILENT` (never for `None`).
    async fn gone(&self, node: Option<u64>) {
        let Some(node) = node else {
            return std::future::pending().await;
        };
        loop {
            let heard = self.alive.get(&node).map(|t| *t);
            if heard.is_none_or(|t| t.elapsed() >= NODE_SILENT) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn forget_owner(&self, room: &RoomKey) {
        if let Some(mut link) = self.rooms.get_mut(room) {
            link.owner = None;
        }
    }
}

/// Writes publications in the order they were made.
async fn publisher(client: async_nats::Client, mut rx: mpsc::UnboundedReceiver<(String, Bytes)>) {
    while let Some((subject, payload)) = rx.recv().await {
        if let Err(e) = client.publish(subject, payload).await {
            tracing::warn!(error = %e, "cluster publish failed");
        }
    }
}

async fn room_events(inner: Weak<Inner>, room: RoomKey, mut sub: async_nats::Subscriber) {
    while let Some(msg) = sub.next().await {
        let Some(inner) = inner.upgrade() else { return };
        let Some(env) = wire::decode(msg.payload) else {
            tracing::warn!(group = %room.group, "undecodable room event");
            continue;
        };
        if env.origin == inner.node {
            continue;
        }
        let lag = micros_now().saturating_sub(env.sent_micros);
        metrics::histogram!("liveroom_cluster_lag_seconds").record(lag as f64 / 1e6);
        if let Some(engine) = inner.engine() {
            let delivered = engine.on_room_event(&room, env.event, inner.node);
            metrics::counter!("liveroom_cluster_remote_deliveries_total")
                .increment(delivered as u64);
        }
    }
}

async fn owner_calls(inner: Weak<Inner>, room: RoomKey, mut sub: async_nats::Subscriber) {
    while let Some(msg) = sub.next().await {
        let Some(inner) = inner.upgrade() else { return };
        let room = room.clone();
        tokio::spawn(async move {
            let reply = match serde_json::from_slice::<OwnerCall>(&msg.payload) {
                Err(_) => Reply::Failed(Error::Internal),
                Ok(_) if !inner.owns(&room) => Reply::NotOwner,
                Ok(call) => match inner.engine() {
                    None => Reply::NotOwner,
                    Some(engine) => match engine.on_owner_call(&room, call).await {
                        Ok(Some(answer)) => Reply::Answer(answer),
                        Ok(None) => Reply::NotOwner,
                        Err(e) => Reply::Failed(e),
                    },
                },
            };
            if let (Some(to), Ok(json)) = (msg.reply, serde_json::to_vec(&reply)) {
                if let Err(e) = inner.client.publish(to, json.into()).await {
                    tracing::warn!(error = %e, "cannot answer a call");
                }
            }
        });
    }
}

async fn audience_reports(
    inner: Weak<Inner>,
    room: RoomKey,
    others: Reports,
    mut sub: async_nats::Subscriber,
) {
    while let Some(msg) = sub.next().await {
        let Some(inner) = inner.upgrade() else { return };
        if msg.payload.as_ref() == b"?" {
            // A node started serving the room: report at once.
            if let Some(mut p) = inner.presence.get_mut(&room) {
                p.1 = true;
            }
            continue;
        }
        let Ok(report) = serde_json::from_slice::<PresenceReport>(&msg.payload) else {
            continue;
        };
        if report.node == inner.node {
            continue;
        }
        // A report is news of its node too.
        inner.alive.insert(report.node, Instant::now());
        others.lock().insert(report.node, report.presence);
        if let Some(engine) = inner.engine() {
            engine.audience_elsewhere_changed(&room);
        }
    }
}

async fn app_events(inner: Weak<Inner>, mut sub: async_nats::Subscriber) {
    while let Some(msg) = sub.next().await {
        let Some(inner) = inner.upgrade() else { return };
        let app = msg
            .subject
            .rsplit('.')
            .next()
            .and_then(|s| s.parse::<u64>().ok());
        let (Some(app), Ok(m)) = (app, serde_json::from_slice::<AppMessage>(&msg.payload)) else {
            tracing::warn!(subject = %msg.subject, "undecodable cluster event");
            continue;
        };
        if m.origin == inner.node {
            continue;
        }
        if let Some(engine) = inner.engine() {
            engine.on_app_event(AppId(app), m.event, inner.node).await;
        }
    }
}

async fn node_announcements(inner: Weak<Inner>, mut sub: async_nats::Subscriber) {
    while let Some(msg) = sub.next().await {
        let Some(inner) = inner.upgrade() else { return };
        let Ok(alive) = serde_json::from_slice::<Alive>(&msg.payload) else {
            continue;
        };
        if alive.up {
            inner.alive.insert(alive.node, Instant::now());
        } else {
            inner.alive.remove(&alive.node);
        }
    }
}

/// Announces the node and renews its lease every `TICK` (a task of its own, so nothing
/// else a node does delays the renewal).
async fn ticker(inner: Weak<Inner>) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(inner) = inner.upgrade() else { return };
        inner.announce(true);
        inner.alive.insert(inner.node, Instant::now());
        inner.renew_lease().await;
    }
}

/// Takes over rooms whose owner went away, keeps owned rooms' keys from aging out.
async fn caretaker(inner: Weak<Inner>) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(inner) = inner.upgrade() else { return };
        inner.look_after_rooms().await;
    }
}

/// Reports this node's changed audiences every `PRESENCE_EVERY`, all of them every
/// `PRESENCE_REFRESH` and as soon as the bus is back after a disconnection (what was sent
/// meanwhile was lost).
async fn presence_reporter(inner: Weak<Inner>) {
    let mut tick = tokio::time::interval(PRESENCE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_refresh = Instant::now();
    let mut was_connected = true;
    loop {
        tick.tick().await;
        let Some(inner) = inner.upgrade() else { return };
        let connected = matches!(
            inner.client.connection_state(),
            async_nats::connection::State::Connected
        );
        let back = connected && !was_connected;
        was_connected = connected;
        let refresh = back || last_refresh.elapsed() >= PRESENCE_REFRESH;
        if refresh {
            last_refresh = Instant::now();
        }
        if back {
            // And the others report again what this node missed.
            let served: Vec<RoomKey> = inner.rooms.iter().map(|l| l.key().clone()).collect();
            for room in served {
                inner.send(inner.names.presence(&room), Bytes::from_static(b"?"));
            }
        }
        let mut due = Vec::new();
        for mut entry in inner.presence.iter_mut() {
            let key = entry.key().clone();
            let (p, changed) = entry.value_mut();
            if *changed || (refresh && (p.online > 0 || !p.members.is_empty())) {
                *changed = false;
                due.push((key, p.clone()));
            }
        }
        for (room, presence) in due {
            let report = PresenceReport {
                node: inner.node,
                presence,
            };
            if let Ok(json) = serde_json::to_vec(&report) {
                inner.send(inner.names.presence(&room), json.into());
            }
        }
    }
}
