//! Group messages. `send_group_msg` runs a message ([`Draft`]) through named steps:
//! authorize, validate, deduplicate, filter, before_hook; then, in the connection's order,
//! sequence, record, admit (the frequency gate), fan out, after_hook. A room's side of it
//! (gate, MsgSeq block, de-duplication) is [`Sending`]. A message is serialized once; every
//! recipient gets the same bytes.
//!
//! Here: the send path in order. Its parts: `draft` (the message and the steps that check
//! and change it), `admit` (the frequency gate), `seq` (MsgSeq blocks), `pending` (a message
//! between admission and delivery, and its frame), `history` (the short history read back),
//! `client` (a client connection's send), `stored` (the end of the path in groups that keep
//! their messages: the group commit instead of the gate).

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
use draft::{Controls, Deduplicated, Draft, Stop};
pub(crate) use pending::{Delivery, Outgoing, Pending};
pub(crate) use seq::ready_seq_block;
use seq::SeqBlock;

mod admit;
mod client;
mod draft;
mod history;
mod pending;
mod seq;
mod stored;

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
            stored: StoredSend::default(),
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
    /// What a message to a group that keeps its messages may ask beyond the rest.
    pub stored: StoredSend,
}

/// A message's options in groups that keep their messages (all but AVChatRoom).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredSend {
    /// `OnlineOnlyFlag`: pushed to the members online, never stored (number 0).
    pub online_only: bool,
    /// `SendMsgControl: NoUnread`.
    pub no_unread: bool,
    /// `SendMsgControl: NoLastMsg`.
    pub no_last_msg: bool,
    /// `NeedReadReceipt`.
    pub need_read_receipt: bool,
    /// `GroupAtInfo` as JSON (`""`: none).
    pub at_info: String,
    /// `OfflinePushInfo` as JSON (`""`: none).
    pub offline_push: String,
    /// `TopicId`: a topic of a community (`""`: the group itself).
    pub topic: String,
    /// `SupportMessageExtension`: the message takes extensions.
    pub extensible: bool,
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

    /// Remembers stored messages (oldest first) for de-duplication, so a repeat of one is
    /// answered as its first send was, whichever node decided it.
    pub(crate) fn remember_stored(&self, records: &[HistoryRecord]) {
        let mut memory = self.dedup.lock();
        for r in records {
            let receipt = Receipt {
                seq: r.msg_seq,
                time: r.msg_time,
                dropped: false,
            };
            memory.remember_stored(&r.from_account, r.random, receipt, r.msg_time);
        }
    }

    /// Forgets `Random` values older than the de-duplication window.
    pub(crate) fn expire_dedup(&self, now: i64) {
        self.dedup.lock().expire(now);
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
        let mut req = req;
        let room = self.room(app, &req.group).await?;
        let durable = room.is_durable();
        if durable {
            if req.stored.online_only && (req.stored.no_unread || req.stored.no_last_msg) {
                return Err(Error::InvalidParameter(
                    "SendMsgControl does not go with OnlineOnlyFlag".into(),
                ));
            }
        } else if !req.stored.topic.is_empty() {
            return Err(Error::NotSupported(format!(
                "{} is an AVChatRoom: it has no topics",
                req.group
            )));
        } else if let Some(receipt) = self.send_through_owner(&room, &req).await? {
            return Ok(receipt);
        }
        let stored = std::mem::take(&mut req.stored);
        let app = self.apps.get(app)?;
        let settings = app.settings();
        let limit = settings.max_message_bytes as usize;
        let (mut msg, controls) = self.draft(&app, &settings, &room, req).await;
        // A client's message to a stored group: its sender must be a member now (the
        // store says; its devices may not have heard yet of a removal on another node).
        if durable && msg.by_client && !msg.is_app_admin {
            let member = self
                .store
                .group_member(app.id, &msg.group, &msg.from)
                .await
                .map_err(crate::store_err)?;
            if member.is_none() {
                let e = Error::NotMember(msg.from.to_string());
                return self
                    .stopped(&room, &settings, &msg, None, Stop::Refused(e))
                    .await;
            }
        }
        // A topic's message: the topic must exist, and its mute-all holds ordinary members.
        if !stored.topic.is_empty() {
            let topic = self.topic_of(&room, &stored.topic).await?;
            if topic.mute_all && msg.role < Role::Admin {
                return self
                    .stopped(&room, &settings, &msg, None, Stop::Refused(Error::MutedAll))
                    .await;
            }
            if !msg.is_app_admin {
                if let Some(remaining_secs) = self
                    .topic_mute_remaining(&room, &stored.topic, &msg.from)
                    .await?
                {
                    let e = Error::Muted { remaining_secs };
                    return self
                        .stopped(&room, &settings, &msg, None, Stop::Refused(e))
                        .await;
                }
            }
            let may_send = self
                .topic_allows(
                    &room,
                    &stored.topic,
                    &msg.from,
                    msg.is_app_admin,
                    liveroom_core::group::topic_permission::SEND,
                )
                .await?;
            if !may_send {
                let e = Error::PermissionDenied(format!(
                    "{} may not send in {}",
                    msg.from, stored.topic
                ));
                return self
                    .stopped(&room, &settings, &msg, None, Stop::Refused(e))
                    .await;
            }
        }

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

        if durable {
            return self
                .send_stored(&room, &settings, msg, controls, registration, stored)
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
                // Stored groups number only stored messages.
                let msg_seq = if room.is_durable() {
                    0
                } else {
                    self.next_seq(room).await?
                };
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
