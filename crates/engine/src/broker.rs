//! The broker port: how a room's events reach every node that serves its members, and
//! where a room's decisions are made.
//!
//! On one node ([`LocalBroker`]) this node decides for every room and there is nobody to
//! tell: the engine hands frames to its own members and nothing else happens. In a cluster
//! (the `liveroom-cluster` crate, on NATS) each room has one deciding node, its *owner*:
//! other nodes pass it the calls that need the room's single place of decision (a message to
//! number and admit, a tip to put in the room's order), the owner publishes what the members
//! must get, and every node serving members of the room hands it out. Events that concern
//! every node (moderation, logins, broadcasts, settings) go to all of them.
//!
//! One-to-one pushes are addressed to users: every node serving a user's devices hears
//! what is published to that user ([`Broker::publish_user`]).
//!
//! Incoming events reach the engine through [`Engine::on_room_event`], `on_user_event`,
//! [`Engine::on_owner_call`] and [`Engine::on_app_event`].

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use liveroom_core::group::Priority;
use liveroom_core::protocol::KickReason;
use liveroom_core::{AppId, Error, GroupId, UserId};

use crate::outbound::{Frame, FrameClass};

/// A room, cluster-wide.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoomKey {
    pub app: AppId,
    pub group: GroupId,
}

impl RoomKey {
    pub fn new(app: AppId, group: &GroupId) -> Self {
        Self {
            app,
            group: group.clone(),
        }
    }
}

/// A connection, cluster-wide: the node it is on and its session there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SessionAddr {
    pub node: u64,
    pub session: u64,
}

/// What the members of a room get, in the room's order.
#[derive(Debug, Clone)]
pub struct RoomEvent {
    pub frame: Frame,
    /// The sender's own connection, which does not get its message back.
    pub exclude: Option<SessionAddr>,
    /// The message as newcomers see it (with its time), when the room keeps a short history.
    pub history: Option<(i64, Frame)>,
}

/// A frame as it travels between nodes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireFrame {
    /// `None`: a control frame; otherwise a message of that priority.
    pub priority: Option<Priority>,
    pub text: String,
}

impl WireFrame {
    pub fn of(frame: &Frame) -> Self {
        Self {
            priority: match frame.class {
                FrameClass::Control => None,
                FrameClass::Message(p) => Some(p),
            },
            text: String::from_utf8_lossy(&frame.text).into_owned(),
        }
    }

    pub fn into_frame(self) -> Frame {
        let class = match self.priority {
            None => FrameClass::Control,
            Some(p) => FrameClass::Message(p),
        };
        Frame::new(class, self.text)
    }
}

/// Who sent a message another node passes to the room's owner.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RemoteSender {
    pub from: UserId,
    pub nick: String,
    pub avatar: String,
    pub platform: String,
    pub ip: String,
    /// The sending connection (it does not get its own message back); `None` for REST.
    pub connection: Option<SessionAddr>,
    /// A REST caller that is an App admin.
    pub is_app_admin: bool,
}

/// A message sent through another node, passed to the room's owner.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RemoteSend {
    pub sender: RemoteSender,
    pub body: serde_json::Value,
    pub priority: Priority,
    pub cloud_custom_data: String,
    pub random: Option<u32>,
    pub skip_before: bool,
    pub skip_after: bool,
    pub counted: bool,
}

/// A call to the node that decides for a room.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum OwnerCall {
    /// Number, admit, store and publish a group message.
    Send(RemoteSend),
    /// Put a tip or push in the room's order and publish it.
    Publish(WireFrame),
    /// The room's cluster-wide online count and its latest joiners.
    Audience { members: u32 },
    /// Likes a member of another node gave (its budget already taken there).
    Like { user: Option<UserId>, count: u32 },
    /// A gift to send into the room (combos are merged by the owner).
    Gift(crate::Gift),
    /// A lucky draw to start (the owner enters the messages and picks the winners).
    StartDraw {
        operator: String,
        keyword: String,
        secs: u32,
        winners: u32,
    },
    /// Messages to recall (the owner remembers what it delivered).
    Recall {
        operator: UserId,
        msg_seqs: Vec<u64>,
        origin: Option<crate::hooks::Origin>,
    },
}

/// The owner's answer to an [`OwnerCall`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum OwnerAnswer {
    Sent {
        msg_seq: u64,
        msg_time: i64,
        /// Frequency control dropped it.
        dropped: bool,
        level: u32,
    },
    Published,
    Audience {
        online: usize,
        members: Vec<Member>,
    },
    Liked,
    Gift(crate::GiftReceipt),
    DrawStarted(String),
    /// Per listed number: `None` recalled, or why not.
    Recalled(Vec<(u64, Option<Error>)>),
}

/// A logged-in member as audience reports carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user: UserId,
    pub join_time: i64,
    pub nick: String,
    pub avatar: String,
}

/// What one node holds of a room's audience, reported to its owner.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Presence {
    /// Distinct logged-in users plus guest connections on that node.
    pub online: usize,
    /// The distinct logged-in users among `online`; `members` lists every one of them when
    /// it holds this many (then a user on several nodes is counted once).
    #[serde(default)]
    pub users: usize,
    /// Its latest logged-in joiners, newest first.
    pub members: Vec<Member>,
}

/// A change every node applies to what it holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum AppEvent {
    /// A room's profile, mutes, bans or admins changed in the store: reload them.
    RoomChanged { group: GroupId },
    /// Remove these users' connections from a room, each told `tip` (a ban or kick), by
    /// `operator`.
    RemoveFromRoom {
        group: GroupId,
        users: Vec<UserId>,
        tip: WireFrame,
        operator: String,
    },
    /// A room was dismissed: its members are told `tip` and removed.
    RoomDismissed { group: GroupId, tip: WireFrame },
    /// A user logged in on `node`: connections elsewhere that the login policy replaces
    /// are closed.
    LoggedIn {
        user: UserId,
        platform: String,
        at: SessionAddr,
    },
    /// Close every connection of a user (account deleted or kicked).
    KickUser {
        user: UserId,
        reason: KickReason,
        info: String,
    },
    /// A broadcast (`send_broadcast_msg`) to every room with members on the node.
    Broadcast(BroadcastMessage),
    /// The app's settings, keys or admins changed: reload the app.
    AppChanged,
    /// Messages of a room were recalled: they leave every node's short history.
    Recalled { group: GroupId, msg_seqs: Vec<u64> },
    /// Users became members of a stored group (`joined`) or stopped being members: their
    /// devices attach to the group's room or leave it.
    Membership {
        group: GroupId,
        users: Vec<UserId>,
        joined: bool,
    },
    /// A user's blocklist changed: read it again when next needed.
    BlocklistChanged { owner: UserId },
    /// A user's devices on `node` changed (or its custom status): what that node holds now.
    UserStatus {
        user: UserId,
        node: u64,
        presence: NodePresence,
    },
}

/// What one node holds of a user: its devices' platforms (none: not there) and the custom
/// status set there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodePresence {
    pub platforms: Vec<String>,
    pub custom: String,
}

/// A broadcast as every node builds its rooms' frames from it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BroadcastMessage {
    pub from: UserId,
    pub nick: String,
    pub avatar: String,
    pub level: u32,
    pub seq: u64,
    pub time: i64,
    pub random: u32,
    /// `MsgBody` as JSON text.
    pub body: String,
    pub cloud_custom_data: String,
}

/// Where a call for a room is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Here: this node is the room's owner (always, on a single node).
    Here,
    /// On another node, reached with [`Broker::call`].
    Elsewhere,
}

/// The port. Publishing never waits: events of one room are handed on in the order they
/// were published.
#[async_trait]
pub trait Broker: Send + Sync + 'static {
    /// This process in the cluster (random per start).
    fn node(&self) -> u64;

    /// Whether there are other nodes (cluster mode).
    fn clustered(&self) -> bool;

    /// Who decides for `room` now. A cluster node takes the room over when nobody does.
    async fn route(&self, room: &RoomKey) -> Result<Route, Error>;

    /// Whether this node decides for `room` now, without asking anyone.
    fn decides(&self, room: &RoomKey) -> bool;

    /// Passes `call` to the room's owner and returns its answer; `Ok(None)` when this node
    /// has become the owner meanwhile (the caller runs the call itself).
    async fn call(&self, room: &RoomKey, call: OwnerCall) -> Result<Option<OwnerAnswer>, Error>;

    /// Hands a room event to the other nodes serving the room (the caller delivers to its
    /// own members).
    fn publish(&self, room: &RoomKey, event: &RoomEvent);

    /// Hands an event to every other node.
    fn publish_app(&self, app: AppId, event: AppEvent);

    /// This node starts (`true`) or stops serving members of `room`. Starting returns
    /// once the room's events published from now on will arrive.
    async fn interest(&self, room: &RoomKey, on: bool);

    /// This node starts (`true`) or stops serving devices of a logged-in `user`. Starting
    /// returns once pushes published to the user from now on will arrive.
    async fn user_interest(&self, app: AppId, user: &UserId, on: bool);

    /// Hands a frame for `user`'s devices to the other nodes serving them (the caller
    /// pushes to its own); `except` does not get it.
    fn publish_user(&self, app: AppId, user: &UserId, frame: &Frame, except: Option<SessionAddr>);

    /// What the other nodes hold of `users`: `(user, node, presence)` for each user with a
    /// device on that node.
    async fn whois(&self, app: AppId, users: &[UserId]) -> Vec<(UserId, u64, NodePresence)>;

    /// This node's audience of `room` changed (cluster mode reports it to the owner).
    fn presence(&self, room: &RoomKey, presence: Presence);

    /// The audiences other nodes (still heard from) reported for a room, one per node.
    fn others(&self, room: &RoomKey) -> Vec<Presence>;

    /// The bus as `/healthz` and `/metrics` show it; `None` on a single node.
    fn status(&self) -> Option<BusStatus>;

    /// Gives up every room this node decides for (shutdown), so others take them at once.
    async fn leave(&self);
}

/// A cluster node's bus connection.
#[derive(Debug, Clone, Serialize)]
pub struct BusStatus {
    pub node: String,
    pub connected: bool,
    pub owned_rooms: usize,
}

/// One node, nobody else: every room is decided here and nothing travels.
pub struct LocalBroker;

#[async_trait]
impl Broker for LocalBroker {
    fn node(&self) -> u64 {
        0
    }

    fn clustered(&self) -> bool {
        false
    }

    async fn route(&self, _: &RoomKey) -> Result<Route, Error> {
        Ok(Route::Here)
    }

    fn decides(&self, _: &RoomKey) -> bool {
        true
    }

    async fn call(&self, _: &RoomKey, _: OwnerCall) -> Result<Option<OwnerAnswer>, Error> {
        Ok(None)
    }

    fn publish(&self, _: &RoomKey, _: &RoomEvent) {}

    fn publish_app(&self, _: AppId, _: AppEvent) {}

    async fn interest(&self, _: &RoomKey, _: bool) {}

    async fn user_interest(&self, _: AppId, _: &UserId, _: bool) {}

    fn publish_user(&self, _: AppId, _: &UserId, _: &Frame, _: Option<SessionAddr>) {}

    async fn whois(&self, _: AppId, _: &[UserId]) -> Vec<(UserId, u64, NodePresence)> {
        Vec::new()
    }

    fn presence(&self, _: &RoomKey, _: Presence) {}

    fn others(&self, _: &RoomKey) -> Vec<Presence> {
        Vec::new()
    }

    fn status(&self) -> Option<BusStatus> {
        None
    }

    async fn leave(&self) {}
}
