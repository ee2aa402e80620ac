//! Liveroom engine: the domain operations both doors (WebSocket gateway, REST admin API)
//! call. It never sees a socket, an HTTP type or SQL: connections are [`Session`]s with an
//! [`OutboundQueue`](outbound::OutboundQueue), storage is `liveroom_core::store::Store`.
//!
//! Layout:
//! - [`apps`]: app keys, admins, settings; UserSig checks.
//! - [`session`]: one client connection's identity and joined rooms.
//! - [`outbound`]: the bounded priority queue in front of each connection.
//! - [`gate`]: per-room frequency control with priority dropping.
//! - `recorder`: the durable step of the message path (group commit before delivery).
//! - [`room`]: a room's fan-out core: membership, counts, the ordered hand-out, the short
//!   history, cached profile, mutes, bans and admins. It imports no feature.
//! - [`loaded`]: the room the engine keeps loaded: the core plus one field per feature
//!   holding that feature's per-room state.
//! - `accounts`, `groups`, `members`, `messages`, `moderation`, `recall`: the operations,
//!   one file per resource, as `impl Engine` blocks. `messages` runs the send path as named
//!   steps and owns a room's sending state (gate, MsgSeq block, de-duplication); a client's
//!   send is checked in `messages/client.rs`. `groups/profile.rs` is the one view of a
//!   group's profile that answers and callbacks share.
//! - `live`, `gifts`, `draw`: live state, online-count pushes and likes; gift combos; lucky
//!   draws, each with its per-room state.
//! - `presence`: users' status across nodes, status watchers and custom statuses.
//! - `profiles`, `friends`: user profiles (standard and custom tags) and relationships
//!   (friends, requests, lists, blocklists).
//! - [`filter`], [`hooks`], `dedup`: the word filter, the webhook port, `Random` memory.
//! - [`group_chat`]: groups that keep members and messages (Work, Public, Meeting,
//!   Community): membership, join requests, stored messages, reads and unread counts.
//! - `commit`: the group commit of stored messages (one-to-one and stored groups).
//! - [`chat`]: one-to-one chat: the send path with its group commit, conversation pages
//!   and lists, read reports, recall and edit, typing.
//! - [`stats`]: audience statistics: room tallies, user levels, the periodic flush, and
//!   what a statistics read answers (`stats/report.rs`).
//! - [`tips`]: group tips and system notifications.
//! - [`metrics`]: Prometheus metric names.

pub mod apps;
pub mod broker;
pub mod chat;
mod commit;
pub mod filter;
pub mod gate;
pub mod group_chat;
pub mod hooks;
pub mod loaded;
pub mod metrics;
pub mod outbound;
pub mod room;
pub mod session;
pub mod stats;
pub mod tips;

mod accounts;
mod cluster;
mod dedup;
mod draw;
mod friends;
mod gifts;
mod groups;
mod live;
mod members;
mod messages;
mod moderation;
mod presence;
mod profiles;
mod recall;
mod recorder;

pub use accounts::ImportedAccount;
pub use draw::{entrants_hash, pick_winners, DrawResult, DrawStarted};
pub use friends::{
    code as friend_codes, AddMode, FriendAdd, RelationResult, BLOCKLIST_MAX, FRIENDS_MAX,
};
pub use gifts::{Gift, GiftReceipt, GIFT_KEY_TTL_SECS};
pub use groups::{CustomField, GroupChanges, GroupHead, GroupProfile, NewGroup, NotificationText};
pub use live::{LiveStateAnswer, RoomState, STATES_BATCH_MAX};
pub use members::{JoinView, LoginInfo, MemberInfo};
pub use messages::{
    CallbackControl, ClientSend, SendReceipt, SendRequest, Sender, StoredSend,
    DROP_REASON_FREQUENCY,
};
pub use moderation::{BanInfo, ModAction};
pub use presence::{UserStatus, CUSTOM_STATUS_MAX, WATCH_MAX};
pub use profiles::{Profile, ProfileItem, Setter};
pub use recall::{RecallOutcome, RECALLABLE_MAX, RECALL_BATCH_MAX};
pub use stats::{
    RoomStatsReport, RoomStatsView, UserStatsReport, UserStatsView, TOP_MAX, USERS_MAX,
};

use dashmap::DashMap;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use liveroom_core::app::AppSettings;
use liveroom_core::protocol::KickReason;
use liveroom_core::store::{AppRecord, Store, StoreError};
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use apps::{App, AppRegistry};
use loaded::{LoadedRoom, RoomRef};
use outbound::QueueLimits;
use room::StoredRoom;
use session::{Session, SessionRef};

/// A room with nobody in it for this long is unloaded from memory.
pub const ROOM_IDLE_SECS: i64 = 120;
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Engine-wide tunables (per-app ones are in `AppSettings`).
#[derive(Debug, Clone, Default)]
pub struct EngineConfig {
    pub queue: QueueLimits,
}

pub struct Engine {
    pub store: Arc<dyn Store>,
    pub apps: AppRegistry,
    config: EngineConfig,
    rooms: Arc<DashMap<(AppId, GroupId), RoomRef>>,
    /// Online sessions of each logged-in user.
    users: Arc<DashMap<(AppId, UserId), Vec<SessionRef>>>,
    /// Cluster mode: a user's first login and its last logout's unsubscribing do not
    /// interleave.
    user_interest_lock: Arc<tokio::sync::Mutex<()>>,
    sessions: DashMap<u64, SessionRef>,
    next_session: AtomicU64,
    /// The HTTP side of webhooks, installed by the server.
    pub(crate) webhooks: std::sync::OnceLock<Arc<dyn hooks::WebhookSink>>,
    /// Room profiles for many-room state reads of rooms not loaded here.
    pub(crate) state_cache: live::StateCache,
    /// Keys of recent gifts, so a retried call does not give twice.
    pub(crate) gift_keys: gifts::GiftKeys,
    /// One statistics flush at a time (the shutdown flush waits for a periodic one).
    pub(crate) stats_flush: tokio::sync::Mutex<()>,
    /// Statistics a failing store did not take yet, per app.
    pub(crate) stats_backlog: parking_lot::Mutex<HashMap<AppId, liveroom_core::store::StatsBatch>>,
    /// The chunks a flush took from the rooms and has not written yet, in write order:
    /// reads add them, so counts never dip while a flush runs.
    pub(crate) stats_in_flight: parking_lot::Mutex<
        HashMap<AppId, std::collections::VecDeque<liveroom_core::store::StatsBatch>>,
    >,
    /// Reads of statistics hold it shared; a flush holds it exclusively while it moves rows
    /// from the rooms or commits a chunk, so a read sees every row exactly once.
    pub(crate) stats_gate: tokio::sync::RwLock<()>,
    /// The message path's durable step (group commit of the short history).
    pub(crate) recorder: recorder::HistoryRecorder,
    /// Cluster mode's bus (none: a single node; see [`broker`]).
    pub(crate) broker: std::sync::OnceLock<Arc<dyn broker::Broker>>,
    /// Cluster mode: a room's load and an unload's unsubscribing do not interleave.
    interest_lock: Arc<tokio::sync::Mutex<()>>,
    /// One-to-one messages' durable step (group commit before delivery).
    pub(crate) c2c_writer: chat::writer::C2cWriter,
    /// Stored groups' messages' durable step (group commit before delivery).
    pub(crate) group_writer: group_chat::writer::GroupWriter,
    /// Accounts known to exist (one-to-one receivers).
    pub(crate) c2c_known: chat::KnownAccounts,
    /// Blocklists read so far.
    pub(crate) blocks: friends::BlockCache,
    /// Status watchers and what they have seen.
    pub(crate) watch: presence::Watch,
}

pub(crate) fn store_err(e: StoreError) -> Error {
    tracing::error!(error = %e, "store failure");
    Error::Internal
}

impl Engine {
    /// Creates the engine and loads every app from the store.
    pub async fn new(store: Arc<dyn Store>, config: EngineConfig) -> Result<Arc<Self>, Error> {
        let recorder = recorder::HistoryRecorder::start(store.clone()).await;
        let engine = Arc::new(Self {
            recorder,
            c2c_writer: chat::writer::C2cWriter::start(store.clone()),
            group_writer: group_chat::writer::GroupWriter::start(store.clone()),
            c2c_known: Default::default(),
            blocks: Default::default(),
            watch: Default::default(),
            store,
            apps: AppRegistry::default(),
            config,
            rooms: Arc::new(DashMap::new()),
            users: Arc::default(),
            user_interest_lock: Arc::default(),
            sessions: DashMap::new(),
            next_session: AtomicU64::new(1),
            webhooks: std::sync::OnceLock::new(),
            state_cache: Default::default(),
            stats_backlog: Default::default(),
            stats_in_flight: Default::default(),
            stats_gate: tokio::sync::RwLock::new(()),
            stats_flush: tokio::sync::Mutex::new(()),
            gift_keys: Default::default(),
            broker: std::sync::OnceLock::new(),
            interest_lock: Arc::default(),
        });
        for record in engine.store.list_apps().await.map_err(store_err)? {
            let admins = engine
                .store
                .list_admins(record.id)
                .await
                .map_err(store_err)?;
            match App::from_record(&record, admins) {
                Ok(app) => {
                    engine.apps.insert(app);
                }
                Err(e) => {
                    tracing::error!(app = record.id.0, error = %e, "stored app settings are not usable");
                    return Err(Error::Internal);
                }
            }
        }
        Ok(engine)
    }

    /// Makes sure app `id` exists with `key` (when given) and `settings`, with the admin
    /// account `administrator`. Returns the app and whether it was created now.
    pub async fn ensure_app(
        &self,
        id: AppId,
        key: Option<String>,
        settings: AppSettings,
    ) -> Result<(AppRecord, bool), Error> {
        settings.validate().map_err(Error::InvalidParameter)?;
        let existing = self.store.get_app(id).await.map_err(store_err)?;
        let created = existing.is_none();
        let secret_key = match (key, &existing) {
            (Some(k), _) => k,
            (None, Some(e)) => e.secret_key.clone(),
            (None, None) => random_key(),
        };
        let record = AppRecord {
            id,
            secret_key,
            created_at: existing
                .as_ref()
                .map(|e| e.created_at)
                .unwrap_or_else(unix_secs),
            settings,
        };
        if existing.as_ref() != Some(&record) {
            self.store.put_app(&record).await.map_err(store_err)?;
        }
        let admin = UserId::from_trusted("administrator");
        self.store.add_admin(id, &admin).await.map_err(store_err)?;
        self.store
            .ensure_user(id, &admin, unix_secs())
            .await
            .map_err(store_err)?;
        let admins = self.store.list_admins(id).await.map_err(store_err)?;
        self.apps
            .insert(App::from_record(&record, admins).map_err(Error::InvalidParameter)?);
        for room in self.rooms.iter().filter(|r| r.key().0 == id) {
            room.reconfigure(&record.settings);
        }
        self.announce(id, broker::AppEvent::AppChanged);
        Ok((record, created))
    }

    /// Replaces an app's settings, live.
    pub async fn set_app_settings(&self, id: AppId, settings: AppSettings) -> Result<(), Error> {
        self.update_app_settings(id, |s| {
            *s = settings;
            Ok(())
        })
        .await
    }

    /// Changes an app's settings with `change` applied to the current ones, live. Changes
    /// of one app are made one at a time, so concurrent edits do not undo each other. A new
    /// word list is compiled off the async workers before anything is saved; the new
    /// settings are stored, then swapped in.
    pub async fn update_app_settings(
        &self,
        id: AppId,
        change: impl FnOnce(&mut AppSettings) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let app = self.apps.get(id)?;
        let _one_at_a_time = app.settings_lock.lock().await;
        let mut settings = (*app.settings()).clone();
        change(&mut settings)?;
        settings.validate().map_err(Error::InvalidParameter)?;
        let filter = filter::rebuilt(&app.settings(), &settings).await?;
        let mut record = self
            .store
            .get_app(id)
            .await
            .map_err(store_err)?
            .ok_or(Error::AppNotFound(id.0))?;
        record.settings = settings.clone();
        self.store.put_app(&record).await.map_err(store_err)?;
        app.replace_settings(settings.clone(), filter);
        for room in self.rooms.iter().filter(|r| r.key().0 == id) {
            room.reconfigure(&settings);
        }
        self.announce(id, broker::AppEvent::AppChanged);
        Ok(())
    }

    pub fn app(&self, id: AppId) -> Result<Arc<App>, Error> {
        self.apps.get(id)
    }

    /// Checks a REST caller at `source`: `identifier` must be an App admin with a valid
    /// UserSig (a bad one costs the caller time, see [`App::check_sig`]).
    pub async fn authenticate_admin(
        &self,
        id: AppId,
        identifier: &str,
        usersig: &str,
        source: Option<std::net::IpAddr>,
    ) -> Result<Arc<App>, Error> {
        let app = self.apps.get(id)?;
        app.check_sig(identifier, usersig, unix_secs(), source)
            .await?;
        let user = UserId::parse(identifier)?;
        if !app.is_admin(&user) {
            return Err(Error::NotAppAdmin(identifier.to_string()));
        }
        Ok(app)
    }

    /// The room of an existing AVChatRoom group, loaded on first use.
    pub async fn room(&self, app: AppId, id: &GroupId) -> Result<RoomRef, Error> {
        if let Some(r) = self.rooms.get(&(app, id.clone())) {
            return Ok(r.clone());
        }
        let record = self
            .store
            .get_group(app, id)
            .await
            .map_err(store_err)?
            .ok_or_else(|| Error::GroupNotFound(id.to_string()))?;
        let settings = self.apps.get(app)?.settings();
        let now = unix_secs();
        let mutes: HashMap<_, _> = self
            .store
            .list_mutes(app, id, now)
            .await
            .map_err(store_err)?
            .into_iter()
            .map(|r| (r.user, r.until))
            .collect();
        let bans: HashMap<_, _> = self
            .store
            .list_bans(app, id, now)
            .await
            .map_err(store_err)?
            .into_iter()
            .map(|r| (r.user, r.until))
            .collect();
        let admins = self
            .store
            .list_group_admins(app, id)
            .await
            .map_err(store_err)?
            .into_iter()
            .collect();
        // In cluster mode the room's events are subscribed to before its history is read,
        // so a message is in the history read or arrives after it.
        self.broker()
            .interest(&broker::RoomKey::new(app, id), true)
            .await;
        let history = self.load_history(app, id, &settings).await?;
        let stored = StoredRoom {
            record,
            mutes,
            bans,
            admins,
            history,
        };
        let room = Arc::new(LoadedRoom::new(stored, &settings));
        let room = match self.bus() {
            None => self.rooms.entry((app, id.clone())).or_insert(room).clone(),
            Some(bus) => {
                // An unload of an earlier copy may have unsubscribed since the subscription
                // above: in the map, and subscribed, under one lock with unloads.
                let _one = self.interest_lock.lock().await;
                let room = self.rooms.entry((app, id.clone())).or_insert(room).clone();
                bus.interest(&broker::RoomKey::new(app, id), true).await;
                room
            }
        };
        metrics::rooms(self.rooms.len());
        // Settings changed while this load read the store reach the room now (a change
        // after this finds it in the map).
        room.reconfigure(&self.apps.get(app)?.settings());
        // A destroy may have deleted the group while this load read the store; then the
        // copy just put in the map must not outlive it.
        if self
            .store
            .get_group(app, id)
            .await
            .map_err(store_err)?
            .is_none()
        {
            self.rooms
                .remove_if(&(app, id.clone()), |_, r| Arc::ptr_eq(r, &room));
            room.close_for_good();
            return Err(Error::GroupNotFound(id.to_string()));
        }
        if self.broker().decides(&broker::RoomKey::new(app, id)) {
            messages::ready_seq_block(self.store.clone(), room.clone());
        }
        Ok(room)
    }

    pub(crate) fn forget_room(&self, app: AppId, id: &GroupId) -> Option<RoomRef> {
        let r = self.rooms.remove(&(app, id.clone())).map(|(_, r)| r);
        metrics::rooms(self.rooms.len());
        if r.is_some() {
            self.lose_interest(broker::RoomKey::new(app, id));
        }
        r
    }

    /// Cluster mode: this node no longer serves the room (unless it was loaded again).
    fn lose_interest(&self, key: broker::RoomKey) {
        let Some(bus) = self.bus() else { return };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let rooms = self.rooms.clone();
        let lock = self.interest_lock.clone();
        runtime.spawn(async move {
            let _one = lock.lock().await;
            if !rooms.contains_key(&(key.app, key.group.clone())) {
                bus.interest(&key, false).await;
            }
        });
    }

    /// Cluster mode: this node no longer serves devices of `user` (unless one logged in
    /// again meanwhile).
    fn lose_user_interest(&self, app: AppId, user: UserId) {
        let Some(bus) = self.bus() else { return };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (users, lock) = (self.users.clone(), self.user_interest_lock.clone());
        runtime.spawn(async move {
            let _one = lock.lock().await;
            if !users.contains_key(&(app, user.clone())) {
                bus.user_interest(app, &user, false).await;
            }
        });
    }

    /// Rooms of `app` loaded on this node.
    pub fn loaded_rooms(&self, app: AppId) -> Vec<RoomRef> {
        self.rooms
            .iter()
            .filter(|r| r.key().0 == app)
            .map(|r| r.value().clone())
            .collect()
    }

    /// Periodic upkeep: unloads rooms that have been empty for `ROOM_IDLE_SECS` (they are
    /// loaded again on next use) and forgets expired de-duplication entries.
    pub fn sweep(&self, now: i64) {
        let mut retired = Vec::new();
        for entry in self.rooms.iter() {
            let room = entry.value();
            room.sending.expire_dedup(now);
            if now - room.last_active() > ROOM_IDLE_SECS && room.retire_if_idle() {
                retired.push((entry.key().clone(), room.clone()));
            }
        }
        for (key, room) in retired {
            if self
                .rooms
                .remove_if(&key, |_, r| Arc::ptr_eq(r, &room))
                .is_some()
            {
                self.lose_interest(broker::RoomKey::new(key.0, &key.1));
            }
        }
        for id in self.apps.ids() {
            if let Ok(app) = self.apps.get(id) {
                app.broadcast_dedup.lock().expire(now);
                app.c2c_dedup.lock().expire(now);
            }
        }
        self.gift_keys
            .retain(|_, (_, at)| now - *at < gifts::GIFT_KEY_TTL_SECS);
        metrics::rooms(self.rooms.len());
    }

    /// Runs [`Engine::sweep`] every `SWEEP_EVERY` until the engine is dropped.
    pub fn spawn_housekeeping(self: &Arc<Self>) {
        self.spawn_stats_flusher();
        let engine = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SWEEP_EVERY);
            tick.tick().await;
            let mut sweeps: u64 = 0;
            loop {
                tick.tick().await;
                let Some(e) = engine.upgrade() else { return };
                e.sweep(unix_secs());
                // One-to-one history past its retention goes every 10 minutes.
                if sweeps.is_multiple_of(20) {
                    e.prune_c2c(unix_secs()).await;
                }
                sweeps += 1;
            }
        });
    }

    /// A new anonymous session for a connection from `client_ip`.
    pub fn open_session(&self, client_ip: Option<std::net::IpAddr>) -> SessionRef {
        let id = self.next_session.fetch_add(1, Ordering::Relaxed);
        let s = Arc::new(Session::new(id, self.config.queue).with_client_ip(client_ip));
        self.sessions.insert(id, s.clone());
        metrics::sessions(self.sessions.len());
        s
    }

    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// Online sessions of a user.
    pub fn user_sessions(&self, app: AppId, user: &UserId) -> Vec<SessionRef> {
        self.users
            .get(&(app, user.clone()))
            .map(|v| v.clone())
            .unwrap_or_default()
    }

    /// Asks every session to close (shutdown). Queued frames are still written.
    pub fn close_all(&self, info: &str) {
        for s in self.sessions.iter() {
            s.kick(KickReason::Shutdown, info);
        }
    }
}

fn random_key() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..32)
        .map(|_| format!("{:02x}", rng.gen::<u8>()))
        .collect()
}
