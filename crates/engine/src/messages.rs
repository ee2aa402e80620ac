//! Group messages. `send_group_msg` runs a message ([`Draft`]) through named steps:
//! authorize, validate, deduplicate, filter, before_hook; then, in the connection's order,
//! sequence, record, admit (the frequency gate), fan out, after_hook. A room's side of it
//! (gate, MsgSeq block, de-duplication) is [`Sending`]. A message is serialized once; every
//! recipient gets the same bytes.

use parking_lot::Mutex;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

use liveroom_core::app::AppSettings;
use liveroom_core::callback;
use liveroom_core::group::{Priority, Role};
use liveroom_core::message::MsgBody;
use liveroom_core::protocol::MessageFrame;
use liveroom_core::store::{GroupRecord, HistoryRecord, Store};
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use crate::apps::App;
use crate::broker::{
    Broker, OwnerAnswer, OwnerCall, RemoteSend, RemoteSender, RoomEvent, Route, SessionAddr,
};
use crate::dedup::{self, Dedup, Receipt, Seen};
use crate::filter::{Outcome, WordFilter};
use crate::gate::{FrequencyGate, Offer};
use crate::hooks::{Origin, Verdict};
use crate::loaded::RoomRef;
use crate::outbound::{Frame, FrameClass};
use crate::room::Room;
use crate::session::{LoggedIn, SessionRef};
use crate::{metrics, Engine};

pub use client::ClientSend;

mod client;

/// Message sequence numbers reserved in the store at a time.
const SEQ_BLOCK: u64 = 1000;

/// `MsgDropReason` of a message dropped by frequency control.
pub const DROP_REASON_FREQUENCY: &str = "MsgFreqCtrl";

/// Who sends.
pub enum Sender {
    /// A logged-in client session that was in the room when it asked; made by
    /// [`Sender::for_session`] at request time, so requests that follow (a quit, a login)
    /// do not change what this one was allowed to do.
    Session { session: SessionRef, me: LoggedIn },
    /// A REST caller, as `from` (an existing account or the admin itself).
    Admin {
        from: UserId,
        nick: String,
        avatar: String,
        is_app_admin: bool,
        /// The caller's address, for webhooks' `ClientIP`.
        ip: String,
    },
    /// A client or REST caller of another node (cluster mode), whose message that node
    /// passed to this one, the room's owner.
    Remote(Box<RemoteSender>),
}

impl Sender {
    /// The sender for a client request: the session must be logged in and in `group` now.
    pub fn for_session(session: &SessionRef, group: &GroupId) -> Result<Self, Error> {
        let me = session.require_user()?;
        if !session.in_room(group) {
            return Err(Error::PermissionDenied(format!(
                "join {group} before sending to it"
            )));
        }
        Ok(Self::Session {
            session: session.clone(),
            me,
        })
    }
}

impl SendRequest {
    /// A message another node passed to this one, the room's owner.
    pub(crate) fn from_remote(group: &GroupId, r: RemoteSend) -> Result<Self, Error> {
        Ok(Self {
            group: group.clone(),
            body: MsgBody::parse(&r.body)?,
            priority: r.priority,
            cloud_custom_data: r.cloud_custom_data,
            random: r.random,
            callbacks: CallbackControl {
                skip_before: r.skip_before,
                skip_after: r.skip_after,
            },
            turn: None,
            counted: r.counted,
            sender: Sender::Remote(Box::new(r.sender)),
        })
    }

    /// This request as the room's owner on another node takes it.
    fn to_remote(&self, engine: &Engine) -> Result<RemoteSend, Error> {
        let sender = match &self.sender {
            Sender::Session { session, me } => RemoteSender {
                from: me.user.clone(),
                nick: me.nick.clone(),
                avatar: me.avatar.clone(),
                platform: me.platform.clone(),
                ip: session.client_ip_text(),
                connection: Some(engine.addr_of(session)),
                is_app_admin: false,
            },
            Sender::Admin {
                from,
                nick,
                avatar,
                is_app_admin,
                ip,
            } => RemoteSender {
                from: from.clone(),
                nick: nick.clone(),
                avatar: avatar.clone(),
                platform: Origin::rest(ip).platform,
                ip: ip.clone(),
                connection: None,
                is_app_admin: *is_app_admin,
            },
            Sender::Remote(r) => (**r).clone(),
        };
        Ok(RemoteSend {
            sender,
            body: serde_json::from_str(&self.body.to_json()).map_err(|_| Error::Internal)?,
            priority: self.priority,
            cloud_custom_data: self.cloud_custom_data.clone(),
            random: self.random,
            skip_before: self.callbacks.skip_before,
            skip_after: self.callbacks.skip_after,
            counted: self.counted,
        })
    }
}

pub struct SendRequest {
    pub group: GroupId,
    pub sender: Sender,
    pub body: MsgBody,
    pub priority: Priority,
    pub cloud_custom_data: String,
    pub random: Option<u32>,
    pub callbacks: CallbackControl,
    /// The send's place in its connection's order (client sends); `None` for REST.
    pub turn: Option<crate::session::Turn>,
    /// Counts as a message of the sender in the audience statistics (not for messages the
    /// server composes, such as gift combos, which are counted as gifts).
    pub counted: bool,
}

/// `ForbidCallbackControl` of a REST send: callbacks this message does not fire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallbackControl {
    pub skip_before: bool,
    pub skip_after: bool,
}

/// A sent message's receipt; serialized as both doors answer a send (a client's reply adds
/// the `Level`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendReceipt {
    pub msg_seq: u64,
    pub msg_time: i64,
    /// Empty unless frequency control dropped the message.
    #[serde(rename = "MsgDropReason")]
    pub drop_reason: &'static str,
    /// The level the message carries (0 for the repeat of an earlier send, which carries
    /// the first one's).
    #[serde(skip)]
    pub level: u32,
}

/// A room's side of the send path: its frequency gate, its block of MsgSeq numbers and its
/// memory of recent `Random` values.
pub(crate) struct Sending {
    gate: Mutex<FrequencyGate<Pending>>,
    /// A task polls the gate for waiting messages.
    gate_polling: AtomicBool,
    seq: tokio::sync::Mutex<SeqBlock>,
    /// Cluster mode: another node may have numbered messages since this block was taken,
    /// so the next number comes from a fresh block.
    seq_stale: AtomicBool,
    dedup: Arc<Mutex<Dedup>>,
}

struct SeqBlock {
    next: u64,
    ceiling: u64,
}

impl Sending {
    /// Numbering resumes above `ceiling`, the stored MsgSeq ceiling: numbers below it may
    /// have been used before a restart.
    pub(crate) fn new(ceiling: u64, settings: &AppSettings) -> Self {
        Self {
            gate: Mutex::new(FrequencyGate::new(
                settings.room_msgs_per_sec,
                Duration::from_millis(settings.frequency_max_wait_ms as u64),
            )),
            gate_polling: AtomicBool::new(false),
            seq: tokio::sync::Mutex::new(SeqBlock {
                next: ceiling + 1,
                ceiling,
            }),
            seq_stale: AtomicBool::new(false),
            dedup: Arc::default(),
        }
    }

    pub(crate) fn reconfigure(&self, settings: &AppSettings) {
        self.gate.lock().reconfigure(
            settings.room_msgs_per_sec,
            Duration::from_millis(settings.frequency_max_wait_ms as u64),
        );
    }

    /// Messages wait at the gate, or its poller still runs.
    pub(crate) fn gate_busy(&self) -> bool {
        self.gate_polling.load(Ordering::Acquire) || self.gate.lock().waiting_len() > 0
    }

    /// The MsgSeq the next message will get.
    pub(crate) async fn upcoming_seq(&self) -> u64 {
        self.seq.lock().await.next
    }

    /// The numbers held may have been used elsewhere: the next message takes a fresh block.
    pub(crate) fn forget_seq_block(&self) {
        self.seq_stale.store(true, Ordering::Release);
    }

    /// Forgets `Random` values older than the de-duplication window.
    pub(crate) fn expire_dedup(&self, now: i64) {
        self.dedup.lock().expire(now);
    }
}

/// A message waiting at the frequency gate.
pub(crate) struct Pending {
    frame: Frame,
    /// The sender's connection (which does not get its own message back).
    exclude: Option<SessionAddr>,
    /// Cluster mode: the bus the message goes on to the room's other nodes.
    relay: Option<Arc<dyn Broker>>,
    /// The message as newcomers will see it, when the room keeps a short history.
    history: Option<(i64, Frame)>,
    /// What the store keeps, and the app's history length: written before delivery.
    record: Option<(HistoryRecord, u32)>,
    pub(crate) done: oneshot::Sender<Delivery>,
}

/// What became of a message offered to its room.
pub(crate) enum Delivery {
    Delivered,
    /// Frequency control dropped it.
    Dropped,
    /// It could not be stored (or its room went away): nobody got it.
    Failed(Error),
}

impl Pending {
    /// Hands the message to the members (and its history form to the short history) and
    /// tells the sender.
    pub(crate) fn deliver(self, room: &Room) {
        let Pending {
            frame,
            exclude,
            relay,
            history,
            record: _,
            done,
        } = self;
        match relay {
            None => {
                let local = exclude.map(|a| a.session);
                room.broadcast_recorded(&frame, local, history);
            }
            Some(bus) => {
                let node = bus.node();
                let local = exclude.filter(|a| a.node == node).map(|a| a.session);
                let event = RoomEvent {
                    frame: frame.clone(),
                    exclude,
                    history: history.clone(),
                };
                let key = room.key();
                room.broadcast_relayed(&frame, local, history, || bus.publish(&key, &event));
            }
        }
        let _ = done.send(Delivery::Delivered);
    }

    pub(crate) fn fail(self, e: Error) {
        let _ = self.done.send(Delivery::Failed(e));
    }
}

/// A message ready to serialize, live or as history.
pub(crate) struct Outgoing<'a> {
    pub group: &'a str,
    pub from: &'a str,
    pub nick: &'a str,
    pub avatar: &'a str,
    pub level: u32,
    pub seq: u64,
    pub time: i64,
    pub random: u32,
    pub priority: Priority,
    pub body: &'a RawValue,
    pub cloud_custom_data: &'a str,
}

impl Outgoing<'_> {
    pub(crate) fn frame(&self, history: bool) -> Result<Frame, Error> {
        let text = serde_json::to_string(&MessageFrame {
            op: "message",
            group_id: self.group,
            from_account: self.from,
            nick: self.nick,
            avatar: self.avatar,
            level: self.level,
            msg_seq: self.seq,
            msg_time: self.time,
            msg_random: self.random,
            priority: self.priority.as_str(),
            msg_body: self.body,
            cloud_custom_data: self.cloud_custom_data,
            history,
        })
        .map_err(|_| Error::Internal)?;
        Ok(Frame::new(FrameClass::Message(self.priority), text))
    }
}

/// Why a send ends before it reaches the room.
#[derive(Debug)]
enum Stop {
    /// Refused: the sender gets the error, and the backend hears of it
    /// (`Group.CallbackSendMsgException`).
    Refused(Error),
    /// Refused by the backend's own before-send webhook: only the sender hears of it.
    Rejected(Error),
    /// Accepted but delivered to nobody: the sender is told it succeeded, with a number of
    /// its own (a gap in the room's sequence). The backend hears of `reported` first.
    Dropped {
        reason: &'static str,
        reported: Option<Error>,
    },
}

/// A message on its way through the send path: who sends what, as the steps change it.
struct Draft {
    app: AppId,
    group: GroupId,
    group_type: &'static str,
    from: UserId,
    nick: String,
    avatar: String,
    /// The sending connection, which does not get its own message back.
    session: Option<SessionAddr>,
    origin: Origin,
    /// Sent by a client connection (not by the backend over REST).
    by_client: bool,
    is_app_admin: bool,
    role: Role,
    level: u32,
    priority: Priority,
    body: MsgBody,
    /// `body` serialized: once, and again only when a step replaces the body.
    body_json: String,
    cloud_custom_data: String,
    random: u32,
    /// The caller chose `random`: a repeat of it is answered as the first send was.
    random_given: bool,
    /// When it is sent, Unix seconds.
    time: i64,
}

/// What a send asks beyond its message.
struct Controls {
    callbacks: CallbackControl,
    turn: Option<crate::session::Turn>,
    counted: bool,
}

/// What de-duplication makes of a send.
enum Deduplicated {
    /// Not seen before: it goes ahead, and settles its registration (if any) with its outcome.
    Fresh(Option<dedup::Registration>),
    /// A repeat, answered as its first send was.
    Repeat(Result<SendReceipt, Error>),
}

impl Draft {
    /// Authorize: the sender may speak here now. A mute does not hold an App admin,
    /// mute-all does not hold the room's admins, and a client may not imitate a gift
    /// message (those come from `send_gift`, after billing).
    fn authorize(&self, room: &Room) -> Result<(), Stop> {
        if !self.is_app_admin {
            if let Some(remaining_secs) = room.mute_remaining(&self.from, self.time) {
                return Err(Stop::Refused(Error::Muted { remaining_secs }));
            }
        }
        if self.role < Role::Admin && room.profile.read().mute_all {
            return Err(Stop::Refused(Error::MutedAll));
        }
        if self.by_client && self.body.claims_gift() {
            return Err(Stop::Refused(Error::PermissionDenied(
                "custom messages of type \"gift\" are sent by the server (liveroom_ext/send_gift)"
                    .into(),
            )));
        }
        Ok(())
    }

    /// Validate: the body and CloudCustomData fit in `limit` bytes together.
    fn validate(&self, limit: usize) -> Result<(), Stop> {
        let size = self.body_json.len() + self.cloud_custom_data.len();
        if size > limit {
            return Err(Stop::Refused(Error::MessageTooLarge { size, limit }));
        }
        Ok(())
    }

    /// Filter: the app's word list passes the body, masks it, drops the message silently or
    /// refuses it.
    fn filter(&mut self, filter: Option<&WordFilter>) -> Result<(), Stop> {
        let Some(filter) = filter else {
            return Ok(());
        };
        match filter.check(&self.body) {
            Outcome::Clean => Ok(()),
            Outcome::Masked(masked) => {
                metrics::filtered("mask");
                self.replace_body(masked);
                Ok(())
            }
            Outcome::Drop => {
                metrics::filtered("drop");
                Err(Stop::Dropped {
                    reason: metrics::DROP_FILTER,
                    reported: Some(Error::Filtered),
                })
            }
            Outcome::Reject => {
                metrics::filtered("reject");
                Err(Stop::Refused(Error::Filtered))
            }
        }
    }

    /// The before-send webhook's verdict taken: its replacement MsgBody (when valid) and
    /// CloudCustomData, checked for size again.
    fn apply_verdict(&mut self, verdict: Verdict, limit: usize) -> Result<(), Stop> {
        match verdict {
            Verdict::Allow(fields) => {
                if let Some(replacement) = fields.get("MsgBody") {
                    match MsgBody::parse(replacement) {
                        Ok(body) => self.replace_body(body),
                        Err(e) => tracing::warn!(
                            group = %self.group,
                            error = %e,
                            "the backend's replacement MsgBody is not valid; the original is sent"
                        ),
                    }
                }
                if let Some(Value::String(ccd)) = fields.get("CloudCustomData") {
                    self.cloud_custom_data = ccd.clone();
                }
                self.validate(limit)
            }
            Verdict::Reject { code, info } => Err(Stop::Rejected(Error::Rejected { code, info })),
            Verdict::Drop => Err(Stop::Dropped {
                reason: metrics::DROP_WEBHOOK,
                reported: None,
            }),
        }
    }

    fn replace_body(&mut self, body: MsgBody) {
        self.body_json = body.to_json();
        self.body = body;
    }

    /// Record: the message numbered `seq` as the members get it and, when the app keeps a
    /// short history, as newcomers will see it and as the store keeps it (the recorder
    /// writes it before delivery). The serialized body moves into them.
    fn record(
        &mut self,
        seq: u64,
        settings: &AppSettings,
        relay: Option<Arc<dyn Broker>>,
    ) -> Result<impl FnOnce(oneshot::Sender<Delivery>) -> Pending, Error> {
        let body = std::mem::take(&mut self.body_json);
        let raw = RawValue::from_string(body).map_err(|_| Error::Internal)?;
        let outgoing = Outgoing {
            group: self.group.as_str(),
            from: self.from.as_str(),
            nick: &self.nick,
            avatar: &self.avatar,
            level: self.level,
            seq,
            time: self.time,
            random: self.random,
            priority: self.priority,
            body: &raw,
            cloud_custom_data: &self.cloud_custom_data,
        };
        let frame = outgoing.frame(false)?;
        let keeps_history = settings.history_enabled && settings.history_count > 0;
        let (history, record) = if keeps_history {
            let record = HistoryRecord {
                app: self.app,
                group: self.group.clone(),
                msg_seq: seq,
                msg_time: self.time,
                random: self.random,
                priority: self.priority,
                from_account: self.from.clone(),
                nick: self.nick.clone(),
                face_url: self.avatar.clone(),
                body: raw.get().to_string(),
                cloud_custom_data: self.cloud_custom_data.clone(),
                sender_level: self.level,
                recalled: false,
            };
            (
                Some((self.time, outgoing.frame(true)?)),
                Some((record, settings.history_count)),
            )
        } else {
            (None, None)
        };
        let exclude = self.session;
        Ok(move |done| Pending {
            frame,
            exclude,
            relay,
            history,
            record,
            done,
        })
    }

    /// The keys every message callback carries, plus `extra`.
    fn callback_fields(&self, extra: Value) -> Value {
        let mut v = json!({
            "GroupId": self.group.as_str(),
            "Type": self.group_type,
            "From_Account": self.from.as_str(),
            "Operator_Account": self.from.as_str(),
            "Random": self.random,
            "OnlineOnlyFlag": 0,
            "MsgBody": &self.body,
            "CloudCustomData": &self.cloud_custom_data,
            "TopicId": "",
        });
        if let (Value::Object(m), Value::Object(x)) = (&mut v, extra) {
            m.extend(x);
        }
        v
    }
}

impl Sending {
    /// Deduplicate: a send whose caller chose its `Random` registers it; a repeat is
    /// answered as its first send was, once that is decided.
    async fn deduplicate(&self, msg: &Draft) -> Deduplicated {
        if !msg.random_given {
            return Deduplicated::Fresh(None);
        }
        match dedup::register(&self.dedup, &msg.from, msg.random, msg.time) {
            Seen::New(registration) => Deduplicated::Fresh(Some(registration)),
            Seen::Repeat(earlier) => {
                metrics::duplicate();
                Deduplicated::Repeat(Ok(receipt_of(earlier)))
            }
            Seen::InFlight(original) => {
                metrics::duplicate();
                // The original failed or was cancelled when there is no outcome: this
                // repeat is refused too, and the next one is a new send.
                let answer = dedup::outcome(original).await;
                Deduplicated::Repeat(answer.map(receipt_of).ok_or(Error::Internal))
            }
        }
    }
}

impl Engine {
    /// Sends a group message for a client session or a REST caller of app `app`.
    ///
    /// The steps, in order: authorize, validate, deduplicate, filter, before_hook; then, in
    /// the connection's order: sequence, record, admit (the frequency gate), fan out (once
    /// stored, when the app keeps history), after_hook. A refusal at any step fires
    /// `Group.CallbackSendMsgException` (except the backend's own refusal); a frequency
    /// drop fires it too, never the after-callback.
    pub async fn send_group_msg(
        self: &Arc<Self>,
        app: AppId,
        req: SendRequest,
    ) -> Result<SendReceipt, Error> {
        let room = self.room(app, &req.group).await?;
        if let Some(receipt) = self.send_through_owner(&room, &req).await? {
            return Ok(receipt);
        }
        let app = self.apps.get(app)?;
        let settings = app.settings();
        let limit = settings.max_message_bytes as usize;
        let (mut msg, controls) = self.draft(&app, &settings, &room, req).await;

        if let Err(stop) = msg.authorize(&room).and_then(|()| msg.validate(limit)) {
            return self.stopped(&room, &settings, &msg, None, stop).await;
        }
        let registration = match room.sending.deduplicate(&msg).await {
            Deduplicated::Fresh(registration) => registration,
            Deduplicated::Repeat(answer) => return answer,
        };
        let mut screened = msg.filter(app.filter().as_deref());
        if screened.is_ok() && !controls.callbacks.skip_before {
            let verdict = self.before_send_hook(&settings, &msg).await;
            screened = msg.apply_verdict(verdict, limit);
        }
        if let Err(stop) = screened {
            return self
                .stopped(&room, &settings, &msg, registration, stop)
                .await;
        }

        // Admit, first the connection's turn: everything above may wait (a before-send
        // webhook above all) beside the connection's other sends; from here on they go one
        // at a time, in request order.
        if let Some(turn) = &controls.turn {
            turn.wait().await;
        }
        // Sequence: numbered only now, in the connection's order, right before the gate:
        // numbers follow the order messages reach the room. A repeat of a dropped `Random`
        // leaves no gap.
        let msg_seq = self.next_seq(&room).await?;
        let receipt = SendReceipt {
            msg_seq,
            msg_time: msg.time,
            drop_reason: "",
            level: msg.level,
        };
        let pending = msg.record(msg_seq, &settings, self.bus())?;
        // Then the frequency gate; an admitted message is stored and fanned out.
        match self
            .pass_gate(&room, msg.priority, pending, controls.turn)
            .await
        {
            Delivery::Delivered => {}
            Delivery::Dropped => {
                metrics::dropped(metrics::DROP_FREQUENCY);
                settle(registration, msg_seq, msg.time, true);
                self.send_exception(&settings, &msg, &Error::Frequency);
                return Ok(SendReceipt {
                    drop_reason: DROP_REASON_FREQUENCY,
                    ..receipt
                });
            }
            // Not stored, so delivered to nobody: the sender may retry with the same
            // `Random` (its registration is dropped unsettled).
            Delivery::Failed(e) => return Err(e),
        }

        metrics::accepted();
        room.touch(msg.time);
        if controls.counted {
            self.count_message(&app, &room, &msg.from, &settings.stats);
        }
        if room.is_destroyed() {
            // Dismissed while this message was on its way.
            return Err(Error::GroupNotFound(msg.group.to_string()));
        }
        // Recallable once in the stored history too, so a recall cannot miss it there.
        room.recallable.lock().record(msg_seq);
        settle(registration, msg_seq, msg.time, false);
        self.draw_entry(&room, &msg.from, &msg.body);
        if !controls.callbacks.skip_after {
            self.after_hook(
                app.id,
                &settings,
                callback::AFTER_SEND_MSG,
                Some(msg.origin.clone()),
                || msg.callback_fields(json!({"MsgSeq": msg_seq, "MsgTime": msg.time})),
            );
        }
        Ok(receipt)
    }

    /// Cluster mode: a message for a room another node decides for goes there, in this
    /// connection's order (its turn is held until the owner answered); `None` when this
    /// node decides (on a single node, always).
    async fn send_through_owner(
        &self,
        room: &RoomRef,
        req: &SendRequest,
    ) -> Result<Option<SendReceipt>, Error> {
        let broker = self.broker();
        if !broker.clustered() || broker.route(&room.key()).await? == Route::Here {
            return Ok(None);
        }
        if let Some(turn) = &req.turn {
            turn.wait().await;
        }
        let call = OwnerCall::Send(req.to_remote(self)?);
        match broker.call(&room.key(), call).await? {
            None => Ok(None),
            Some(OwnerAnswer::Sent {
                msg_seq,
                msg_time,
                dropped,
                level,
            }) => {
                if !dropped {
                    room.touch(msg_time);
                }
                Ok(Some(SendReceipt {
                    msg_seq,
                    msg_time,
                    drop_reason: if dropped { DROP_REASON_FREQUENCY } else { "" },
                    level,
                }))
            }
            Some(other) => {
                tracing::error!(answer = ?other, "a send was answered with something else");
                Err(Error::Internal)
            }
        }
    }

    /// The message `req` asks to send, with what the steps need to know of its sender.
    async fn draft(
        &self,
        app: &App,
        settings: &AppSettings,
        room: &Room,
        req: SendRequest,
    ) -> (Draft, Controls) {
        let time = unix_secs();
        let (from, nick, avatar, session, origin) = match &req.sender {
            Sender::Session { session, me } => {
                let me = me.clone();
                let origin = Origin {
                    ip: session.client_ip_text(),
                    platform: me.platform.clone(),
                };
                (
                    me.user,
                    me.nick,
                    me.avatar,
                    Some(self.addr_of(session)),
                    origin,
                )
            }
            Sender::Remote(r) => {
                let origin = Origin {
                    ip: r.ip.clone(),
                    platform: r.platform.clone(),
                };
                let (from, nick, avatar) = (r.from.clone(), r.nick.clone(), r.avatar.clone());
                (from, nick, avatar, r.connection, origin)
            }
            Sender::Admin {
                from,
                nick,
                avatar,
                ip,
                ..
            } => (
                from.clone(),
                nick.clone(),
                avatar.clone(),
                None,
                Origin::rest(ip),
            ),
        };
        let is_app_admin = match &req.sender {
            Sender::Admin { is_app_admin, .. } => *is_app_admin || app.is_admin(&from),
            Sender::Remote(r) => r.is_app_admin || app.is_admin(&from),
            Sender::Session { .. } => app.is_admin(&from),
        };
        let role = room.role_of(&from, is_app_admin);
        let level = self.ensure_level(app, &settings.stats, &from).await;
        let group_type = room.profile.read().group_type.as_str();
        let msg = Draft {
            app: app.id,
            group: req.group,
            group_type,
            from,
            nick,
            avatar,
            session,
            origin,
            by_client: match &req.sender {
                Sender::Session { .. } => true,
                Sender::Remote(r) => r.connection.is_some(),
                Sender::Admin { .. } => false,
            },
            is_app_admin,
            role,
            level,
            priority: req.priority,
            body_json: req.body.to_json(),
            body: req.body,
            cloud_custom_data: req.cloud_custom_data,
            random: req.random.unwrap_or_else(rand::random),
            random_given: req.random.is_some(),
            time,
        };
        let controls = Controls {
            callbacks: req.callbacks,
            turn: req.turn,
            counted: req.counted,
        };
        (msg, controls)
    }

    /// Before_hook: `Group.CallbackBeforeSendMsg`, which may let the message through (with a
    /// replacement), reject it or drop it.
    async fn before_send_hook(&self, settings: &AppSettings, msg: &Draft) -> Verdict {
        self.before_hook(
            msg.app,
            settings,
            callback::BEFORE_SEND_MSG,
            Some(msg.origin.clone()),
            true,
            || {
                let id = format!("{}-{}", msg.from, msg.random);
                msg.callback_fields(json!({"MsgId": id}))
            },
        )
        .await
    }

    /// Tells the backend about a message that will not be delivered.
    fn send_exception(&self, settings: &Arc<AppSettings>, msg: &Draft, e: &Error) {
        self.after_hook(
            msg.app,
            settings,
            callback::SEND_MSG_EXCEPTION,
            Some(msg.origin.clone()),
            || {
                let code = e.code(liveroom_core::Service::Group);
                msg.callback_fields(json!({"ErrorCode": code, "ErrorInfo": e.to_string()}))
            },
        );
    }

    /// Answers a send that a step stopped before it reached the room.
    async fn stopped(
        &self,
        room: &RoomRef,
        settings: &Arc<AppSettings>,
        msg: &Draft,
        registration: Option<dedup::Registration>,
        stop: Stop,
    ) -> Result<SendReceipt, Error> {
        match stop {
            Stop::Refused(e) => {
                self.send_exception(settings, msg, &e);
                Err(e)
            }
            Stop::Rejected(e) => Err(e),
            Stop::Dropped { reason, reported } => {
                if let Some(e) = &reported {
                    self.send_exception(settings, msg, e);
                }
                metrics::dropped(reason);
                let msg_seq = self.next_seq(room).await?;
                settle(registration, msg_seq, msg.time, false);
                Ok(SendReceipt {
                    msg_seq,
                    msg_time: msg.time,
                    drop_reason: "",
                    level: msg.level,
                })
            }
        }
    }

    /// Offers a message to the room's gate; resolves once it is delivered, dropped or
    /// refused.
    async fn pass_gate(
        self: &Arc<Self>,
        room: &RoomRef,
        priority: Priority,
        pending: impl FnOnce(oneshot::Sender<Delivery>) -> Pending,
        turn: Option<crate::session::Turn>,
    ) -> Delivery {
        let (done, rx) = oneshot::channel();
        let pending = pending(done);
        let direct = {
            let now = tokio::time::Instant::now().into_std();
            let mut gate = room.sending.gate.lock();
            match gate.offer(now, priority, pending) {
                Offer::Admitted(p) => self.release(room, p),
                Offer::Dropped(p) => {
                    // The dropped one may be another waiting message evicted for this one.
                    let _ = p.done.send(Delivery::Dropped);
                    self.start_gate_poller(room);
                    None
                }
                Offer::Waiting => {
                    self.start_gate_poller(room);
                    None
                }
            }
        };
        // Offered: the connection's next message may go ahead.
        drop(turn);
        if let Some(p) = direct {
            p.deliver(room);
        }
        rx.await.unwrap_or(Delivery::Failed(Error::Internal))
    }

    /// Sends an admitted message on, under its room's gate lock so that the order of
    /// admission is kept: a message to be stored goes to the recorder (which delivers it
    /// once written); any other is returned for the caller to deliver outside the lock.
    pub(crate) fn release(&self, room: &RoomRef, mut p: Pending) -> Option<Pending> {
        match p.record.take() {
            Some((record, keep)) => {
                self.recorder.record(crate::recorder::Job {
                    room: room.clone(),
                    pending: p,
                    record: Some(record),
                    keep,
                });
                None
            }
            None => Some(p),
        }
    }

    fn start_gate_poller(self: &Arc<Self>, room: &RoomRef) {
        if room.sending.gate_polling.swap(true, Ordering::AcqRel) {
            return;
        }
        let room = room.clone();
        let engine = self.clone();
        tokio::spawn(async move {
            loop {
                let (direct, polled) = {
                    let now = tokio::time::Instant::now().into_std();
                    let mut gate = room.sending.gate.lock();
                    let mut polled = gate.poll(now);
                    let direct: Vec<Pending> = polled
                        .admitted
                        .drain(..)
                        .filter_map(|p| engine.release(&room, p))
                        .collect();
                    (direct, polled)
                };
                for p in direct {
                    p.deliver(&room);
                }
                for p in polled.dropped {
                    let _ = p.done.send(Delivery::Dropped);
                }
                match polled.next_wake {
                    Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
                    None => {
                        room.sending.gate_polling.store(false, Ordering::Release);
                        // A message may have started waiting after the poll; keep going if so
                        // and nobody else took over.
                        let waiting = room.sending.gate.lock().waiting_len();
                        if waiting == 0 || room.sending.gate_polling.swap(true, Ordering::AcqRel) {
                            return;
                        }
                    }
                }
            }
        });
    }

    async fn next_seq(&self, room: &RoomRef) -> Result<u64, Error> {
        let mut block = room.sending.seq.lock().await;
        fill_seq_block(self.store.as_ref(), room, &mut block).await?;
        let seq = block.next;
        block.next += 1;
        Ok(seq)
    }

    /// A room's short history from the store, oldest first, as frames marked `History`
    /// (to seed the in-memory copy when the room is loaded).
    pub(crate) async fn load_history(
        &self,
        app: AppId,
        group: &GroupId,
        settings: &liveroom_core::app::AppSettings,
    ) -> Result<Vec<(i64, Frame)>, Error> {
        if !settings.history_enabled || settings.history_count == 0 {
            return Ok(Vec::new());
        }
        let since = unix_secs() - settings.history_max_age_secs as i64;
        let mut records = self
            .store
            .history(app, group, since, None, settings.history_count, false)
            .await
            .map_err(|e| {
                tracing::error!(group = %group, error = %e, "history read failed");
                Error::Internal
            })?;
        records.reverse();
        let mut frames = Vec::with_capacity(records.len());
        for r in records {
            let Ok(body) = RawValue::from_string(r.body) else {
                continue;
            };
            let outgoing = Outgoing {
                group: r.group.as_str(),
                from: r.from_account.as_str(),
                nick: &r.nick,
                avatar: &r.face_url,
                level: r.sender_level,
                seq: r.msg_seq,
                time: r.msg_time,
                random: r.random,
                priority: r.priority,
                body: &body,
                cloud_custom_data: &r.cloud_custom_data,
            };
            frames.push((r.msg_time, outgoing.frame(true)?));
        }
        Ok(frames)
    }

    /// `group_msg_get_simple`: history newest first, up to `limit`, at or below `max_seq`;
    /// recalled messages (as placeholders) only `with_recalled`.
    pub async fn group_history(
        &self,
        app: AppId,
        group: &GroupId,
        max_seq: Option<u64>,
        limit: u32,
        with_recalled: bool,
    ) -> Result<(GroupRecord, Vec<HistoryRecord>), Error> {
        let room = self.room(app, group).await?;
        let settings = self.apps.get(app)?.settings();
        let since = unix_secs() - settings.history_max_age_secs as i64;
        let records = self
            .store
            .history(app, group, since, max_seq, limit, with_recalled)
            .await
            .map_err(|_| Error::Internal)?;
        Ok((room.profile(), records))
    }
}

/// Records the outcome of a de-duplicated send for its repeats.
fn settle(registration: Option<dedup::Registration>, seq: u64, time: i64, dropped: bool) {
    if let Some(r) = registration {
        r.settle(Receipt { seq, time, dropped });
    }
}

fn receipt_of(r: Receipt) -> SendReceipt {
    SendReceipt {
        msg_seq: r.seq,
        msg_time: r.time,
        drop_reason: if r.dropped { DROP_REASON_FREQUENCY } else { "" },
        level: 0,
    }
}

/// Takes a block of MsgSeq numbers for `room` in the background if it holds none, so that
/// its first message does not wait for the store's write (when a room is loaded, or taken
/// over by this node). A message sent meanwhile waits for this block, not for another.
pub(crate) fn ready_seq_block(store: Arc<dyn Store>, room: RoomRef) {
    tokio::spawn(async move {
        let mut block = room.sending.seq.lock().await;
        if let Err(e) = fill_seq_block(store.as_ref(), &room, &mut block).await {
            // The first message tries again.
            tracing::debug!(group = %room.id, error = ?e, "no MsgSeq block taken ahead");
        }
    });
}

/// Makes sure `block` has a number to give: a fresh block from the store when the held one
/// is used up (or may have been used elsewhere).
async fn fill_seq_block(
    store: &dyn Store,
    room: &RoomRef,
    block: &mut SeqBlock,
) -> Result<(), Error> {
    if room.sending.seq_stale.swap(false, Ordering::AcqRel) {
        block.next = 1;
        block.ceiling = 0;
    }
    if block.next > block.ceiling {
        let ceiling = store
            .raise_msg_seq_ceiling(room.app, &room.id, SEQ_BLOCK)
            .await
            .map_err(|e| {
                tracing::error!(group = %room.id, error = %e, "raising the MsgSeq ceiling failed");
                Error::Internal
            })?;
        block.ceiling = ceiling;
        block.next = block.next.max(ceiling + 1 - SEQ_BLOCK);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loaded::LoadedRoom;
    use liveroom_core::callback::{FilterAction, FilterSettings, WordList};
    use liveroom_core::message::MsgElement;
    use serde_json::Map;

    fn room() -> LoadedRoom {
        let stored = crate::room::StoredRoom::new(crate::room::test_record("r"));
        LoadedRoom::new(stored, &AppSettings::default())
    }

    fn text(t: &str) -> MsgBody {
        MsgBody(vec![MsgElement::text(t)])
    }

    fn draft(body: MsgBody) -> Draft {
        Draft {
            app: AppId(1),
            group: GroupId::from_trusted("r"),
            group_type: "AVChatRoom",
            from: UserId::from_trusted("alice"),
            nick: "Alice".into(),
            avatar: String::new(),
            session: Some(SessionAddr {
                node: 0,
                session: 7,
            }),
            origin: Origin::rest("127.0.0.1"),
            by_client: true,
            is_app_admin: false,
            role: Role::Member,
            level: 3,
            priority: Priority::Normal,
            body_json: body.to_json(),
            body,
            cloud_custom_data: String::new(),
            random: 42,
            random_given: true,
            time: 1_000,
        }
    }

    fn refused(step: Result<(), Stop>) -> Option<Error> {
        match step {
            Err(Stop::Refused(e)) => Some(e),
            _ => None,
        }
    }

    #[test]
    fn authorize_holds_mutes_mute_all_and_imitated_gifts() {
        let room = room();
        let mut msg = draft(text("hi"));
        assert!(msg.authorize(&room).is_ok());
        room.mutes.lock().insert(msg.from.clone(), msg.time + 60);
        assert!(matches!(
            refused(msg.authorize(&room)),
            Some(Error::Muted { remaining_secs: 60 })
        ));
        msg.is_app_admin = true;
        assert!(
            msg.authorize(&room).is_ok(),
            "a mute does not hold App admins"
        );
        msg.is_app_admin = false;
        room.mutes.lock().clear();
        room.profile.write().mute_all = true;
        assert!(matches!(
            refused(msg.authorize(&room)),
            Some(Error::MutedAll)
        ));
        msg.role = Role::Admin;
        assert!(
            msg.authorize(&room).is_ok(),
            "mute-all does not hold admins"
        );

        let mut gift = draft(MsgBody(vec![MsgElement::custom(r#"{"type":"gift"}"#)]));
        gift.role = Role::Admin;
        assert!(matches!(
            refused(gift.authorize(&room)),
            Some(Error::PermissionDenied(_))
        ));
        gift.by_client = false;
        assert!(gift.authorize(&room).is_ok(), "the server's gift messages");
    }

    #[test]
    fn validate_counts_the_body_and_cloud_custom_data() {
        let mut msg = draft(text("hi"));
        msg.cloud_custom_data = "data".into();
        let size = msg.body_json.len() + 4;
        assert!(msg.validate(size).is_ok());
        assert!(matches!(
            refused(msg.validate(size - 1)),
            Some(Error::MessageTooLarge { size: s, limit }) if s == size && limit == size - 1
        ));
    }

    fn word_filter(action: FilterAction) -> WordFilter {
        let settings = FilterSettings {
            custom_fields: Vec::new(),
            lists: vec![WordList {
                action,
                case_fold: true,
                words: vec!["darn".into()],
            }],
        };
        WordFilter::build(&settings)
            .expect("compiles")
            .expect("words")
    }

    #[test]
    fn filter_masks_drops_with_a_report_or_refuses() {
        let mut msg = draft(text("oh darn"));
        assert!(msg.filter(None).is_ok());
        assert!(msg.filter(Some(&word_filter(FilterAction::Mask))).is_ok());
        assert_eq!(msg.body, text("oh ****"));
        assert_eq!(msg.body_json, text("oh ****").to_json(), "serialized again");

        let mut msg = draft(text("oh darn"));
        assert!(matches!(
            msg.filter(Some(&word_filter(FilterAction::Drop))),
            Err(Stop::Dropped {
                reason: metrics::DROP_FILTER,
                reported: Some(Error::Filtered)
            })
        ));
        assert!(matches!(
            refused(msg.filter(Some(&word_filter(FilterAction::Reject)))),
            Some(Error::Filtered)
        ));
    }

    #[test]
    fn the_before_hook_verdict_replaces_then_the_size_is_checked_again() {
        let mut msg = draft(text("hi"));
        let hello: Value = serde_json::from_str(&text("hello").to_json()).expect("JSON");
        let mut fields = Map::new();
        fields.insert("MsgBody".into(), hello);
        fields.insert("CloudCustomData".into(), json!("ccd"));
        assert!(msg
            .apply_verdict(Verdict::Allow(fields.clone()), 1000)
            .is_ok());
        assert_eq!(msg.body, text("hello"));
        assert_eq!(msg.body_json, text("hello").to_json());
        assert_eq!(msg.cloud_custom_data, "ccd");
        assert!(matches!(
            refused(msg.apply_verdict(Verdict::Allow(fields), 10)),
            Some(Error::MessageTooLarge { .. })
        ));

        let mut invalid = Map::new();
        invalid.insert("MsgBody".into(), json!("not a body"));
        assert!(msg.apply_verdict(Verdict::Allow(invalid), 1000).is_ok());
        assert_eq!(msg.body, text("hello"), "an invalid replacement is ignored");

        let reject = Verdict::Reject {
            code: 10016,
            info: "no".into(),
        };
        assert!(matches!(
            msg.apply_verdict(reject, 1000),
            Err(Stop::Rejected(Error::Rejected { code: 10016, .. }))
        ));
        assert!(matches!(
            msg.apply_verdict(Verdict::Drop, 1000),
            Err(Stop::Dropped {
                reason: metrics::DROP_WEBHOOK,
                reported: None
            })
        ));
    }

    #[tokio::test]
    async fn deduplicate_answers_a_repeat_as_its_first_send() {
        let sending = Sending::new(0, &AppSettings::default());
        let mut msg = draft(text("hi"));
        msg.random_given = false;
        assert!(matches!(
            sending.deduplicate(&msg).await,
            Deduplicated::Fresh(None)
        ));
        msg.random_given = true;
        let Deduplicated::Fresh(first) = sending.deduplicate(&msg).await else {
            panic!("a first send")
        };
        settle(first, 5, msg.time, false);
        match sending.deduplicate(&msg).await {
            Deduplicated::Repeat(Ok(r)) => assert_eq!((r.msg_seq, r.drop_reason), (5, "")),
            _ => panic!("a repeat"),
        }
    }

    #[test]
    fn record_keeps_a_history_form_only_when_the_app_keeps_history() {
        let mut settings = AppSettings {
            history_enabled: false,
            ..AppSettings::default()
        };
        let (done, _rx) = oneshot::channel();
        let pending = draft(text("hi"))
            .record(9, &settings, None)
            .expect("frames")(done);
        assert!(pending.history.is_none() && pending.record.is_none());
        assert_eq!(
            pending.exclude.map(|a| a.session),
            Some(7),
            "not back to its sender"
        );
        let live: Value = serde_json::from_slice(&pending.frame.text).expect("JSON");
        assert_eq!(live["MsgSeq"], 9);

        settings.history_enabled = true;
        settings.history_count = 20;
        let (done, _rx) = oneshot::channel();
        let pending = draft(text("hi"))
            .record(9, &settings, None)
            .expect("frames")(done);
        let (record, keep) = pending.record.expect("stored before delivery");
        assert_eq!(
            (record.msg_seq, record.random, record.sender_level, keep),
            (9, 42, 3, 20)
        );
        assert_eq!(record.body, text("hi").to_json());
        assert!(pending.history.is_some());
    }
}
