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
//! - Pushes to a user's devices (one-to-one chat) go on `<prefix>.user.<app>.<user>`; a node
//!   subscribes while it holds a device of the user.
//! - A read of users' status asks every node on `<prefix>.whois.<app>` and gathers the
//!   answers of the nodes heard from.
//! - Cluster-wide events (moderation, logins, broadcasts, settings) go on
//!   `<prefix>.app.<app>` to every node.
//! - Nodes announce themselves every second on `<prefix>.alive`; a room whose owner went
//!   quiet is taken over by a node serving it as soon as the old lease is gone.
//!
//! docs/cluster.md has the whole design and its failure behaviour.

mod ownership;
mod tasks;
mod wire;

use ownership::open_buckets;
use tasks::{
    app_events, audience_reports, caretaker, node_announcements, owner_calls, presence_reporter,
    publisher, room_events, ticker, user_events, whois_answers,
};

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

use liveroom_core::{AppId, Error, UserId};
use liveroom_engine::broker::{
    AppEvent, Broker, BusStatus, NodePresence, OwnerAnswer, OwnerCall, Presence, RoomEvent,
    RoomKey, Route, SessionAddr,
};
use liveroom_engine::outbound::Frame;
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
struct WhoisQuery {
    app: AppId,
    users: Vec<UserId>,
}

#[derive(Serialize, Deserialize)]
struct WhoisAnswer {
    node: u64,
    found: Vec<(UserId, NodePresence)>,
}

/// How long a status read waits for the other nodes' answers.
const WHOIS_PATIENCE: Duration = Duration::from_millis(500);

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
    /// The users this node holds devices of, each with the task reading its pushes.
    users: DashMap<(AppId, UserId), JoinHandle<()>>,
}

/// The NATS broker. Cheap to clone.
#[derive(Clone)]
pub struct Cluster {
    inner: Arc<Inner>,
}

fn unavailable(what: impl std::fmt::Display) -> Error {
    Error::Unavailable(format!("the cluster bus is unavailable ({what})"))
}

/// A random identifier (node ids, lease epochs); 0 is never one.
fn nonzero_random() -> u64 {
    loop {
        let n: u64 = rand::random();
        if n != 0 {
            return n;
        }
    }
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
            node: nonzero_random(),
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
            users: DashMap::new(),
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
        let whois = self
            .inner
            .client
            .subscribe(self.inner.names.all_whois())
            .await
            .map_err(|e| format!("cannot subscribe to the cluster's status reads: {e}"))?;
        let _ = self.inner.client.flush().await;
        tokio::spawn(whois_answers(Arc::downgrade(&self.inner), whois));
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

    async fn user_interest(&self, app: AppId, user: &UserId, on: bool) {
        let inner = &self.inner;
        let key = (app, user.clone());
        if !on {
            if let Some((_, task)) = inner.users.remove(&key) {
                task.abort();
            }
            return;
        }
        if inner.users.contains_key(&key) {
            return;
        }
        match inner.client.subscribe(inner.names.user(app, user)).await {
            Ok(sub) => {
                let _ = inner.client.flush().await;
                let task = tokio::spawn(user_events(Arc::downgrade(inner), key.clone(), sub));
                if let Some(old) = inner.users.insert(key, task) {
                    old.abort();
                }
            }
            Err(e) => {
                tracing::error!(user = %user, error = %e, "cannot subscribe to the user's pushes")
            }
        }
    }

    fn publish_user(&self, app: AppId, user: &UserId, frame: &Frame, except: Option<SessionAddr>) {
        let event = RoomEvent {
            frame: frame.clone(),
            exclude: except,
            history: None,
        };
        let payload = wire::encode(self.inner.node, micros_now(), &event);
        self.inner.send(self.inner.names.user(app, user), payload);
    }

    async fn whois(&self, app: AppId, users: &[UserId]) -> Vec<(UserId, u64, NodePresence)> {
        let inner = &self.inner;
        let expected = inner
            .alive
            .iter()
            .filter(|e| e.value().elapsed() < NODE_SILENT)
            .count();
        if users.is_empty() || expected == 0 {
            return Vec::new();
        }
        let Ok(payload) = serde_json::to_vec(&WhoisQuery {
            app,
            users: users.to_vec(),
        }) else {
            return Vec::new();
        };
        let inbox = inner.client.new_inbox();
        let Ok(mut answers) = inner.client.subscribe(inbox.clone()).await else {
            return Vec::new();
        };
        if inner
            .client
            .publish_with_reply(inner.names.whois(app), inbox, payload.into())
            .await
            .is_err()
        {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut heard = 0;
        let deadline = tokio::time::Instant::now() + WHOIS_PATIENCE;
        while heard < expected {
            match tokio::time::timeout_at(deadline, answers.next()).await {
                Ok(Some(msg)) => {
                    if let Ok(a) = serde_json::from_slice::<WhoisAnswer>(&msg.payload) {
                        heard += 1;
                        out.extend(a.found.into_iter().map(|(u, p)| (u, a.node, p)));
                    }
                }
                _ => break,
            }
        }
        out
    }

    fn presence(&self, room: &RoomKey, presence: Presence) {
        self.inner.presence.insert(room.clone(), (presence, true));
    }

    fn others(&self, room: &RoomKey) -> Vec<Presence> {
        let Some(link) = self.inner.rooms.get(room) else {
            return Vec::new();
        };
        let others = link.others.lock();
        others
            .iter()
            .filter(|(node, _)| self.inner.heard(**node))
            .map(|(_, p)| p.clone())
            .collect()
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
        while self.heard(node) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn forget_owner(&self, room: &RoomKey) {
        if let Some(mut link) = self.rooms.get_mut(room) {
            link.owner = None;
        }
    }
}
