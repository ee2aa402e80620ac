//! The one-to-one send path: the receiver exists; the body fits; a repeat is answered as
//! its first send; the word filter; the app's before-send webhook; then, in the sending
//! connection's order, the store (group commit) and the pushes; the receipt; the
//! after-send webhook.

use serde::Serialize;
use serde_json::{json, Value};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use liveroom_core::callback::{C2C_AFTER_SEND_MSG, C2C_BEFORE_SEND_MSG};
use liveroom_core::chat::{flags, C2cRecord, MsgKey, SyncOther, DEDUP_WINDOW_SECS};
use liveroom_core::message::MsgBody;
use liveroom_core::store::C2cAppend;
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, UserId};

use super::frames::{self, Extra};
use crate::dedup::{self, Dedup, Receipt, Seen};
use crate::filter::Outcome;
use crate::hooks::{Origin, Verdict, C2C_CODES};
use crate::messages::CallbackControl;
use crate::session::{SessionRef, Turn};
use crate::{metrics, Engine};

/// A repeat's key: sender, receiver, the sender's `MsgSeq` and `MsgRandom`, and a hash of
/// the content (reference 4.7 uses a CRC32 of it).
pub(crate) type DedupKey = (UserId, UserId, u64, u32, u64);

/// Sends seen in the last 120 s, per app.
pub(crate) type C2cDedup = Arc<parking_lot::Mutex<Dedup<DedupKey>>>;

pub(crate) fn new_dedup() -> C2cDedup {
    Arc::new(parking_lot::Mutex::new(Dedup::with_window(
        DEDUP_WINDOW_SECS,
    )))
}

/// Who sends.
pub enum C2cBy {
    /// A client connection (its other devices get the message; it gets the reply).
    Client(SessionRef),
    /// The business backend over REST.
    Rest(Origin),
}

/// A one-to-one message to send.
pub struct C2cSend {
    pub from: UserId,
    pub nick: String,
    pub avatar: String,
    pub to: UserId,
    pub body: MsgBody,
    pub cloud_custom_data: String,
    /// The sender's `MsgSeq` (random when absent).
    pub client_seq: Option<u64>,
    /// `MsgRandom` (random when absent; then no de-duplication).
    pub random: Option<u32>,
    /// `MsgLifeTime: 0`: online devices only, nothing stored.
    pub online_only: bool,
    pub sync_other: SyncOther,
    pub no_unread: bool,
    pub no_last_msg: bool,
    pub needs_receipt: bool,
    /// `OfflinePushInfo`, kept with the message and passed to webhooks.
    pub offline_push: Option<Value>,
    pub callbacks: CallbackControl,
    pub by: C2cBy,
    /// The sending connection's turn: taken in request order, waited for before the store.
    pub turn: Option<Turn>,
}

/// What a sender is told (and REST `sendmsg` answers).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct C2cReceipt {
    pub msg_time: i64,
    pub msg_key: String,
    /// The client-side id of the reference (`<Seq>-<MsgTime>-<MsgRandom>` here).
    pub msg_id: String,
    /// The sender's `MsgSeq`.
    pub msg_seq: u64,
    pub msg_random: u32,
    /// The conversation's number (0: online only, not stored).
    pub seq: u64,
}

impl C2cReceipt {
    fn of(seq: u64, client_seq: u64, random: u32, time: i64) -> Self {
        Self {
            msg_time: time,
            msg_key: MsgKey { seq, random, time }.to_string(),
            msg_id: format!("{seq}-{time}-{random}"),
            msg_seq: client_seq,
            msg_random: random,
            seq,
        }
    }
}

fn content_hash(body: &str, cloud_custom_data: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    body.hash(&mut h);
    cloud_custom_data.hash(&mut h);
    h.finish()
}

impl Engine {
    /// Sends a one-to-one message of `app` (see the module header for the steps).
    pub async fn send_c2c(
        self: &Arc<Self>,
        app: AppId,
        send: C2cSend,
    ) -> Result<C2cReceipt, Error> {
        let app_ref = self.apps.get(app)?;
        let settings = app_ref.settings();
        self.require_account(app, &send.to, || {
            Error::ReceiverNotFound(send.to.to_string())
        })
        .await?;
        // A client's message to someone who blocked it is refused (the backend's are not).
        if let C2cBy::Client(_) = send.by {
            if self.blocked_by(app, &send.to).await?.contains(&send.from) {
                return Err(Error::BlockedByReceiver(send.to.to_string()));
            }
        }
        let time = unix_secs();
        let mut body = send.body.to_json();
        let mut cloud_custom_data = send.cloud_custom_data;
        let limit = settings.max_message_bytes as usize;
        let size = body.len() + cloud_custom_data.len();
        if size > limit {
            return Err(Error::MessageTooLarge { size, limit });
        }
        let client_seq = send
            .client_seq
            .unwrap_or_else(|| u64::from(rand::random::<u32>()));
        let random = send.random.unwrap_or_else(rand::random);
        // A repeat is answered as its first send was.
        let registration = match send.random {
            None => None,
            Some(_) => {
                let key = (
                    send.from.clone(),
                    send.to.clone(),
                    client_seq,
                    random,
                    content_hash(&body, &cloud_custom_data),
                );
                match dedup::register(&app_ref.c2c_dedup, key, time) {
                    Seen::New(r) => Some(r),
                    Seen::Repeat(r) => {
                        metrics::duplicate();
                        return Ok(C2cReceipt::of(r.seq, client_seq, random, r.time));
                    }
                    Seen::InFlight(rx) => {
                        metrics::duplicate();
                        let r = dedup::outcome(rx).await.ok_or(Error::Internal)?;
                        return Ok(C2cReceipt::of(r.seq, client_seq, random, r.time));
                    }
                }
            }
        };
        if let Some(filter) = app_ref.filter() {
            match filter.check(&send.body) {
                Outcome::Clean => {}
                Outcome::Masked(masked) => {
                    metrics::filtered("mask");
                    body = masked.to_json();
                }
                // A silent drop: the sender is told it went, nobody gets it.
                Outcome::Drop => {
                    metrics::filtered("drop");
                    return Ok(C2cReceipt::of(0, client_seq, random, time));
                }
                Outcome::Reject => {
                    metrics::filtered("reject");
                    return Err(Error::Filtered);
                }
            }
        }
        let origin = match &send.by {
            C2cBy::Client(s) => s.origin(),
            C2cBy::Rest(o) => o.clone(),
        };
        if !send.callbacks.skip_before {
            let verdict = self
                .before_hook_in(
                    C2C_CODES,
                    app,
                    &settings,
                    C2C_BEFORE_SEND_MSG,
                    Some(origin.clone()),
                    false,
                    || {
                        json!({
                            "From_Account": send.from.as_str(),
                            "To_Account": send.to.as_str(),
                            "MsgSeq": client_seq,
                            "MsgRandom": random,
                            "MsgTime": time,
                            "MsgKey": "",
                            "OnlineOnlyFlag": u8::from(send.online_only),
                            "MsgBody": serde_json::from_str::<Value>(&body).unwrap_or(Value::Null),
                            "CloudCustomData": cloud_custom_data.as_str(),
                        })
                    },
                )
                .await;
            match verdict {
                Verdict::Allow(fields) => {
                    if let Some(replacement) = fields.get("MsgBody") {
                        match MsgBody::parse(replacement) {
                            Ok(b) => body = b.to_json(),
                            Err(e) => {
                                tracing::warn!(error = %e, "the backend's replacement MsgBody is not valid; the original is sent")
                            }
                        }
                    }
                    if let Some(Value::String(ccd)) = fields.get("CloudCustomData") {
                        cloud_custom_data = ccd.clone();
                    }
                }
                Verdict::Reject { code, info } => return Err(Error::Rejected { code, info }),
                Verdict::Drop => return Ok(C2cReceipt::of(0, client_seq, random, time)),
            }
            let size = body.len() + cloud_custom_data.len();
            if size > limit {
                return Err(Error::MessageTooLarge { size, limit });
            }
        }
        let mut message_flags = 0;
        if send.no_unread {
            message_flags |= flags::NO_UNREAD;
        }
        if send.needs_receipt {
            message_flags |= flags::NEEDS_RECEIPT;
        }
        if !send.sync_other.to_sender() {
            message_flags |= flags::HIDDEN_FROM_SENDER;
        }
        let append = C2cAppend {
            app,
            from: send.from.clone(),
            to: send.to.clone(),
            time,
            client_seq,
            random,
            flags: message_flags,
            body,
            cloud_custom_data,
            offline_push: send
                .offline_push
                .as_ref()
                .map(Value::to_string)
                .unwrap_or_default(),
            update_last: !send.no_last_msg,
        };
        let sending_session = match &send.by {
            C2cBy::Client(s) => Some(s.id),
            C2cBy::Rest(_) => None,
        };
        let to_sender = send.sync_other.to_sender();
        let (nick, avatar) = (send.nick, send.avatar);
        if let Some(turn) = &send.turn {
            turn.wait().await;
        }
        // The message itself goes to the writer; a copy stays only for the after-callback.
        let after = !send.callbacks.skip_after && self.hook_enabled(&settings, C2C_AFTER_SEND_MSG);
        let kept = after.then(|| append.clone());
        let (seq, receiver_unread) = if send.online_only {
            let record = record_of(&append, 0, &nick, &avatar);
            self.deliver_c2c(app, &record, None, to_sender, sending_session, true);
            drop(send.turn);
            (0, None)
        } else {
            let engine = self.clone();
            let deliver: super::writer::Delivery = Box::new(move |stored_append, stored| {
                let record = record_of(stored_append, stored.seq, &nick, &avatar);
                engine.deliver_c2c(
                    app,
                    &record,
                    Some(stored.receiver_unread),
                    to_sender,
                    sending_session,
                    false,
                );
            });
            let queued = self.c2c_writer.queue(append, deliver);
            // Queued in the connection's order: its next send may go ahead.
            drop(send.turn);
            let stored = queued?.await.unwrap_or(Err(Error::Internal))?;
            (stored.seq, Some(stored.receiver_unread))
        };
        if let Some(r) = registration {
            r.settle(Receipt {
                seq,
                time,
                dropped: false,
            });
        }
        metrics::accepted();
        if let Some(append) = kept {
            let total = match receiver_unread {
                Some(_) => self.store.total_unread(app, &append.to).await.ok(),
                None => None,
            };
            let record = record_of(&append, seq, "", "");
            self.after_hook(app, &settings, C2C_AFTER_SEND_MSG, Some(origin), || {
                let mut fields = send_fields(&record, send.online_only);
                fields["SendMsgResult"] = json!(0);
                fields["ErrorInfo"] = json!("send msg succeed");
                fields["UnreadMsgNum"] = json!(total.map_or(-1, |n| n as i64));
                fields
            });
        }
        Ok(C2cReceipt::of(seq, client_seq, random, time))
    }

    /// Pushes a message to the receiver's devices and (unless `SyncOtherMachine: 2`) the
    /// sender's other devices.
    #[allow(clippy::too_many_arguments)]
    fn deliver_c2c(
        &self,
        app: AppId,
        m: &C2cRecord,
        receiver_unread: Option<u64>,
        to_sender: bool,
        sending_session: Option<u64>,
        online_only: bool,
    ) {
        let extra = |unread| Extra {
            op: "c2c",
            online_only,
            unread,
        };
        if let Some(frame) = frames::message(m, &extra(receiver_unread)) {
            self.push_to_user(app, &m.to, &frame, sending_session);
            metrics::delivered(1);
        }
        if to_sender && m.from != m.to {
            if let Some(frame) = frames::message(m, &extra(None)) {
                self.push_to_user(app, &m.from, &frame, sending_session);
            }
        }
    }
}

/// The record a stored (or online-only) message is read back as.
fn record_of(a: &C2cAppend, seq: u64, nick: &str, avatar: &str) -> C2cRecord {
    C2cRecord {
        seq,
        from: a.from.clone(),
        to: a.to.clone(),
        time: a.time,
        client_seq: a.client_seq,
        random: a.random,
        flags: a.flags,
        body: a.body.clone(),
        cloud_custom_data: a.cloud_custom_data.clone(),
        offline_push: a.offline_push.clone(),
        nick: nick.to_string(),
        avatar: avatar.to_string(),
    }
}

/// The fields the one-to-one message callbacks share.
pub(crate) fn send_fields(m: &C2cRecord, online_only: bool) -> Value {
    let mut fields = json!({
        "From_Account": m.from.as_str(),
        "To_Account": m.to.as_str(),
        "MsgSeq": m.client_seq,
        "MsgRandom": m.random,
        "MsgTime": m.time,
        "MsgKey": m.key().to_string(),
        "OnlineOnlyFlag": u8::from(online_only),
        "MsgBody": serde_json::from_str::<Value>(&m.body).unwrap_or(Value::Null),
        "CloudCustomData": m.cloud_custom_data.as_str(),
    });
    if let Ok(push @ Value::Object(_)) = serde_json::from_str::<Value>(&m.offline_push) {
        fields["OfflinePushInfo"] = push;
    }
    fields
}

/// A message imported from an earlier system (`importmsg`): no callbacks, no filter.
pub struct C2cImport {
    pub from: UserId,
    pub to: UserId,
    pub client_seq: u64,
    pub random: u32,
    /// When it was sent, Unix seconds.
    pub time: i64,
    pub body: MsgBody,
    pub cloud_custom_data: String,
    /// `SyncFromOldSystem: 5`: counts as unread and is pushed; `2` (history): neither.
    pub live: bool,
}

impl Engine {
    /// Imports a message; a repeat of one already in the conversation (same `MsgSeq`,
    /// `MsgRandom` and time, either direction) changes nothing.
    pub async fn import_c2c(self: &Arc<Self>, app: AppId, m: C2cImport) -> Result<(), Error> {
        self.apps.get(app)?;
        for user in [&m.from, &m.to] {
            self.require_account(app, user, || Error::AccountNotFound(user.to_string()))
                .await?;
        }
        if self
            .store
            .find_c2c(app, &m.from, &m.to, m.client_seq, m.random, m.time)
            .await
            .map_err(crate::store_err)?
            .is_some()
        {
            return Ok(());
        }
        let append = C2cAppend {
            app,
            from: m.from,
            to: m.to,
            time: m.time,
            client_seq: m.client_seq,
            random: m.random,
            flags: if m.live { 0 } else { flags::NO_UNREAD },
            body: m.body.to_json(),
            cloud_custom_data: m.cloud_custom_data,
            offline_push: String::new(),
            update_last: true,
        };
        let engine = self.clone();
        let live = m.live;
        let deliver: super::writer::Delivery = Box::new(move |stored_append, stored| {
            if live {
                let record = record_of(stored_append, stored.seq, "", "");
                engine.deliver_c2c(
                    app,
                    &record,
                    Some(stored.receiver_unread),
                    true,
                    None,
                    false,
                );
            }
        });
        self.c2c_writer
            .queue(append, deliver)?
            .await
            .unwrap_or(Err(Error::Internal))?;
        Ok(())
    }
}
