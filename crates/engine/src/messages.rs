//! Group messages: validation, de-duplication, sequence numbers, frequency control,
//! fan-out and the short history. A message is serialized once; every recipient gets the
//! same bytes.

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
use liveroom_core::store::{GroupRecord, HistoryRecord};
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use crate::dedup::{self, Dedup, Receipt, Seen};
use crate::filter::Outcome;
use crate::gate::{FrequencyGate, Offer};
use crate::hooks::{Origin, Verdict};
use crate::loaded::RoomRef;
use crate::outbound::{Frame, FrameClass};
use crate::room::Room;
use crate::session::{LoggedIn, SessionRef};
use crate::{metrics, Engine};

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendReceipt {
    pub msg_seq: u64,
    pub msg_time: i64,
    /// Empty unless frequency control dropped the message.
    pub drop_reason: &'static str,
    /// The level the message carries (0 for the repeat of an earlier send, which carries
    /// the first one's).
    pub level: u32,
}

/// A room's side of the send path: its frequency gate, its block of MsgSeq numbers and its
/// memory of recent `Random` values.
pub(crate) struct Sending {
    gate: Mutex<FrequencyGate<Pending>>,
    /// A task polls the gate for waiting messages.
    gate_polling: AtomicBool,
    seq: tokio::sync::Mutex<SeqBlock>,
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

    /// Forgets `Random` values older than the de-duplication window.
    pub(crate) fn expire_dedup(&self, now: i64) {
        self.dedup.lock().expire(now);
    }
}

/// A message waiting at the frequency gate.
pub(crate) struct Pending {
    frame: Frame,
    exclude: Option<u64>,
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
            history,
            record: _,
            done,
        } = self;
        room.broadcast_recorded(&frame, exclude, history);
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

impl Engine {
    /// Sends a group message for a client session or a REST caller of app `app`.
    ///
    /// In order: mute and size checks, de-duplication, the word filter, the
    /// before-callback, frequency control, fan-out and history, the after-callback. A
    /// refusal at any step fires `Group.CallbackSendMsgException` (except the backend's own
    /// refusal); a frequency drop fires it too, never the after-callback.
    pub async fn send_group_msg(
        self: &Arc<Self>,
        app: AppId,
        req: SendRequest,
    ) -> Result<SendReceipt, Error> {
        let room = self.room(app, &req.group).await?;
        let app = self.apps.get(app)?;
        let settings = app.settings();
        let now = unix_secs();

        let (from, nick, avatar, exclude, origin) = match &req.sender {
            Sender::Session { session, me } => {
                let me = me.clone();
                let origin = Origin {
                    ip: session.client_ip_text(),
                    platform: me.platform.clone(),
                };
                (me.user, me.nick, me.avatar, Some(session.id), origin)
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
            Sender::Session { .. } => app.is_admin(&from),
        };
        let role = room.role_of(&from, is_app_admin);
        let level = self.ensure_level(&app, &settings.stats, &from).await;
        let group_type = room.profile.read().group_type.as_str();
        let mut body = req.body;
        let mut cloud_custom_data = req.cloud_custom_data;

        // The keys every message callback carries, plus `extra`.
        let fields = |random: u32, body: &MsgBody, ccd: &str, extra: Value| {
            let mut v = json!({
                "GroupId": req.group.as_str(),
                "Type": group_type,
                "From_Account": from.as_str(),
                "Operator_Account": from.as_str(),
                "Random": random,
                "OnlineOnlyFlag": 0,
                "MsgBody": body,
                "CloudCustomData": ccd,
                "TopicId": "",
            });
            if let (Value::Object(m), Value::Object(x)) = (&mut v, extra) {
                m.extend(x);
            }
            v
        };
        // Tells the backend about a message that will not be delivered.
        let exception = |body: &MsgBody, ccd: &str, random: u32, e: &Error| {
            self.after_hook(
                app.id,
                &settings,
                callback::SEND_MSG_EXCEPTION,
                Some(origin.clone()),
                || {
                    let code = e.code(liveroom_core::Service::Group);
                    fields(
                        random,
                        body,
                        ccd,
                        json!({"ErrorCode": code, "ErrorInfo": e.to_string()}),
                    )
                },
            );
        };
        let random = req.random.unwrap_or_else(rand::random);
        let refuse = |body: &MsgBody, ccd: &str, e: Error| {
            exception(body, ccd, random, &e);
            Err(e)
        };

        if !is_app_admin {
            if let Some(remaining_secs) = room.mute_remaining(&from, now) {
                return refuse(&body, &cloud_custom_data, Error::Muted { remaining_secs });
            }
        }
        if role < Role::Admin && room.profile.read().mute_all {
            return refuse(&body, &cloud_custom_data, Error::MutedAll);
        }
        // Gift messages come from `send_gift` (after billing); a client may not imitate one.
        if matches!(req.sender, Sender::Session { .. }) && body.claims_gift() {
            return refuse(
                &body,
                &cloud_custom_data,
                Error::PermissionDenied(
                    "custom messages of type \"gift\" are sent by the server (liveroom_ext/send_gift)"
                        .into(),
                ),
            );
        }
        // Serialized once; again only when the filter or the backend changes the body.
        let mut body_json = body.to_json();
        let limit = settings.max_message_bytes as usize;
        let size = body_json.len() + cloud_custom_data.len();
        if size > limit {
            return refuse(
                &body,
                &cloud_custom_data,
                Error::MessageTooLarge { size, limit },
            );
        }

        let registration = match req.random {
            None => None,
            Some(_) => match dedup::register(&room.sending.dedup, &from, random, now) {
                Seen::New(registration) => Some(registration),
                Seen::Repeat(earlier) => {
                    metrics::duplicate();
                    return Ok(receipt_of(earlier));
                }
                Seen::InFlight(original) => {
                    metrics::duplicate();
                    // The original failed or was cancelled when there is no outcome: this
                    // repeat is refused too, and the next one is a new send.
                    return dedup::outcome(original)
                        .await
                        .map(receipt_of)
                        .ok_or(Error::Internal);
                }
            },
        };
        // Accepted but delivered to nobody: the sender is told it succeeded, with a number
        // of its own (a gap in the room's sequence).
        let silently_dropped = |registration: Option<dedup::Registration>, reason| {
            let room = room.clone();
            async move {
                metrics::dropped(reason);
                let msg_seq = self.next_seq(&room).await?;
                settle(registration, msg_seq, now, false);
                Ok(SendReceipt {
                    msg_seq,
                    msg_time: now,
                    drop_reason: "",
                    level,
                })
            }
        };

        if let Some(filter) = app.filter() {
            match filter.check(&body) {
                Outcome::Clean => {}
                Outcome::Masked(masked) => {
                    metrics::filtered("mask");
                    body = masked;
                    body_json = body.to_json();
                }
                Outcome::Drop => {
                    metrics::filtered("drop");
                    exception(&body, &cloud_custom_data, random, &Error::Filtered);
                    return silently_dropped(registration, metrics::DROP_FILTER).await;
                }
                Outcome::Reject => {
                    metrics::filtered("reject");
                    return refuse(&body, &cloud_custom_data, Error::Filtered);
                }
            }
        }

        if !req.callbacks.skip_before {
            let verdict = self
                .before_hook(
                    app.id,
                    &settings,
                    callback::BEFORE_SEND_MSG,
                    Some(origin.clone()),
                    true,
                    || {
                        let id = format!("{from}-{random}");
                        fields(random, &body, &cloud_custom_data, json!({"MsgId": id}))
                    },
                )
                .await;
            match verdict {
                Verdict::Allow(fields) => {
                    if let Some(replacement) = fields.get("MsgBody") {
                        match MsgBody::parse(replacement) {
                            Ok(b) => {
                                body = b;
                                body_json = body.to_json();
                            }
                            Err(e) => tracing::warn!(
                                group = %req.group,
                                error = %e,
                                "the backend's replacement MsgBody is not valid; the original is sent"
                            ),
                        }
                    }
                    if let Some(Value::String(ccd)) = fields.get("CloudCustomData") {
                        cloud_custom_data = ccd.clone();
                    }
                    let size = body_json.len() + cloud_custom_data.len();
                    if size > limit {
                        return refuse(
                            &body,
                            &cloud_custom_data,
                            Error::MessageTooLarge { size, limit },
                        );
                    }
                }
                Verdict::Reject { code, info } => return Err(Error::Rejected { code, info }),
                Verdict::Drop => {
                    return silently_dropped(registration, metrics::DROP_WEBHOOK).await
                }
            }
        }

        // Everything above may wait (a before-send webhook above all) beside the
        // connection's other sends; from here on they go one at a time, in request order.
        if let Some(turn) = &req.turn {
            turn.wait().await;
        }
        // Numbered only now, in the connection's order, right before the gate: numbers follow
        // the order messages reach the room. A repeat of a dropped `Random` leaves no gap.
        let msg_seq = self.next_seq(&room).await?;
        let receipt = SendReceipt {
            msg_seq,
            msg_time: now,
            drop_reason: "",
            level,
        };
        let raw = RawValue::from_string(body_json).map_err(|_| Error::Internal)?;
        let outgoing = Outgoing {
            group: req.group.as_str(),
            from: from.as_str(),
            nick: &nick,
            avatar: &avatar,
            level,
            seq: msg_seq,
            time: now,
            random,
            priority: req.priority,
            body: &raw,
            cloud_custom_data: &cloud_custom_data,
        };
        let frame = outgoing.frame(false)?;
        let keeps_history = settings.history_enabled && settings.history_count > 0;
        let (history, record) = if keeps_history {
            let record = HistoryRecord {
                app: room.app,
                group: req.group.clone(),
                msg_seq,
                msg_time: now,
                random,
                priority: req.priority,
                from_account: from.clone(),
                nick: nick.clone(),
                face_url: avatar.clone(),
                body: raw.get().to_string(),
                cloud_custom_data: cloud_custom_data.clone(),
                sender_level: level,
                recalled: false,
            };
            (
                Some((now, outgoing.frame(true)?)),
                Some((record, settings.history_count)),
            )
        } else {
            (None, None)
        };

        let pending = |done| Pending {
            frame,
            exclude,
            history,
            record,
            done,
        };
        match self.pass_gate(&room, req.priority, pending, req.turn).await {
            Delivery::Delivered => {}
            Delivery::Dropped => {
                metrics::dropped(metrics::DROP_FREQUENCY);
                settle(registration, msg_seq, now, true);
                exception(&body, &cloud_custom_data, random, &Error::Frequency);
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
        room.touch(now);
        if req.counted {
            self.count_message(&app, &room, &from, &settings.stats);
        }
        if room.is_destroyed() {
            // Dismissed while this message was on its way.
            return Err(Error::GroupNotFound(req.group.to_string()));
        }
        // Recallable once in the stored history too, so a recall cannot miss it there.
        room.recallable.lock().record(msg_seq);
        settle(registration, msg_seq, now, false);
        self.draw_entry(&room, &from, &body);
        if !req.callbacks.skip_after {
            self.after_hook(
                app.id,
                &settings,
                callback::AFTER_SEND_MSG,
                Some(origin),
                || {
                    let at = json!({"MsgSeq": msg_seq, "MsgTime": now});
                    fields(random, &body, &cloud_custom_data, at)
                },
            );
        }
        Ok(receipt)
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
        if block.next > block.ceiling {
            let ceiling = self
                .store
                .raise_msg_seq_ceiling(room.app, &room.id, SEQ_BLOCK)
                .await
                .map_err(|e| {
                    tracing::error!(group = %room.id, error = %e, "raising the MsgSeq ceiling failed");
                    Error::Internal
                })?;
            block.ceiling = ceiling;
            block.next = block.next.max(ceiling + 1 - SEQ_BLOCK);
        }
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
