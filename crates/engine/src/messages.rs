//! Group messages: validation, de-duplication, sequence numbers, frequency control,
//! fan-out and the short history. A message is serialized once; every recipient gets the
//! same bytes.

use serde_json::value::RawValue;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::oneshot;

use liveroom_core::group::Priority;
use liveroom_core::message::MsgBody;
use liveroom_core::protocol::MessageFrame;
use liveroom_core::store::{GroupRecord, HistoryRecord};
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use crate::dedup::{self, Receipt, Seen};
use crate::gate::Offer;
use crate::outbound::{Frame, FrameClass};
use crate::room::{FanOut, RoomRef};
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendReceipt {
    pub msg_seq: u64,
    pub msg_time: i64,
    /// Empty unless frequency control dropped the message.
    pub drop_reason: &'static str,
}

/// A message waiting at the frequency gate.
pub(crate) struct Pending {
    frame: Frame,
    exclude: Option<u64>,
    /// The message as newcomers will see it, when the room keeps a short history.
    history: Option<(i64, Frame)>,
    done: oneshot::Sender<Option<FanOut>>,
}

/// A message ready to serialize, live or as history.
pub(crate) struct Outgoing<'a> {
    pub group: &'a str,
    pub from: &'a str,
    pub nick: &'a str,
    pub avatar: &'a str,
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
    pub async fn send_group_msg(
        self: &Arc<Self>,
        app: AppId,
        req: SendRequest,
    ) -> Result<SendReceipt, Error> {
        let room = self.room(app, &req.group).await?;
        let app = self.apps.get(app)?;
        let settings = app.settings();
        let now = unix_secs();

        let (from, nick, avatar, exclude, privileged) = match &req.sender {
            Sender::Session { session, me } => {
                let me = me.clone();
                let owner = room.profile.read().owner.as_ref() == Some(&me.user);
                let admin = app.is_admin(&me.user);
                (
                    me.user,
                    me.nick,
                    me.avatar,
                    Some(session.id),
                    owner || admin,
                )
            }
            Sender::Admin {
                from,
                nick,
                avatar,
                is_app_admin,
            } => {
                let owner = room.profile.read().owner.as_ref() == Some(from);
                (
                    from.clone(),
                    nick.clone(),
                    avatar.clone(),
                    None,
                    *is_app_admin || owner,
                )
            }
        };
        let is_app_admin = app.is_admin(&from);
        if !is_app_admin {
            if let Some(remaining_secs) = room.mute_remaining(&from, now) {
                return Err(Error::Muted { remaining_secs });
            }
        }
        if !privileged && room.profile.read().mute_all {
            return Err(Error::MutedAll);
        }

        let body_json = req.body.to_json();
        let size = body_json.len() + req.cloud_custom_data.len();
        if size > settings.max_message_bytes as usize {
            return Err(Error::MessageTooLarge {
                size,
                limit: settings.max_message_bytes as usize,
            });
        }

        let random = req.random.unwrap_or_else(rand::random);
        // The number is taken first so that checking and remembering the `Random` happen
        // under one lock: two concurrent repeats cannot both pass. A repeat leaves a gap.
        let msg_seq = self.next_seq(&room).await?;
        let registration = match req.random {
            None => None,
            Some(_) => match dedup::register(&room.dedup, &from, random, now) {
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

        let raw = RawValue::from_string(body_json).map_err(|_| Error::Internal)?;
        let outgoing = Outgoing {
            group: req.group.as_str(),
            from: from.as_str(),
            nick: &nick,
            avatar: &avatar,
            seq: msg_seq,
            time: now,
            random,
            priority: req.priority,
            body: &raw,
            cloud_custom_data: &req.cloud_custom_data,
        };
        let frame = outgoing.frame(false)?;
        let keeps_history = settings.history_enabled && settings.history_count > 0;
        let history = if keeps_history {
            Some((now, outgoing.frame(true)?))
        } else {
            None
        };

        let pending = |done| Pending {
            frame,
            exclude,
            history,
            done,
        };
        let delivered = self.pass_gate(&room, req.priority, pending).await;
        let receipt = SendReceipt {
            msg_seq,
            msg_time: now,
            drop_reason: "",
        };
        let Some(_fanout) = delivered else {
            metrics::dropped(metrics::DROP_FREQUENCY);
            if let Some(r) = registration {
                r.settle(Receipt {
                    seq: msg_seq,
                    time: now,
                    dropped: true,
                });
            }
            return Ok(SendReceipt {
                drop_reason: DROP_REASON_FREQUENCY,
                ..receipt
            });
        };
        metrics::accepted();
        room.touch(now);

        if room.is_destroyed() {
            // Dismissed while this message was on its way: it must not land in the history
            // of a group re-created under the same id.
            return Err(Error::GroupNotFound(req.group.to_string()));
        }
        if settings.history_enabled && settings.history_count > 0 {
            let record = HistoryRecord {
                app: room.app,
                group: req.group.clone(),
                msg_seq,
                msg_time: now,
                random,
                priority: req.priority,
                from_account: from,
                nick,
                face_url: avatar,
                body: raw.get().to_string(),
                cloud_custom_data: req.cloud_custom_data,
            };
            self.store
                .append_history(&[record], settings.history_count)
                .await
                .map_err(|e| {
                    tracing::error!(group = %req.group, error = %e, "history write failed");
                    Error::Internal
                })?;
        }
        if let Some(r) = registration {
            r.settle(Receipt {
                seq: msg_seq,
                time: now,
                dropped: false,
            });
        }
        Ok(receipt)
    }

    /// Offers a frame to the room's gate; resolves to the fan-out, or `None` if dropped.
    async fn pass_gate(
        self: &Arc<Self>,
        room: &RoomRef,
        priority: Priority,
        pending: impl FnOnce(oneshot::Sender<Option<FanOut>>) -> Pending,
    ) -> Option<FanOut> {
        let (done, rx) = oneshot::channel();
        let pending = pending(done);
        let offer = {
            let now = tokio::time::Instant::now().into_std();
            room.gate
                .lock()
                .offer(now, priority, pending, &mut rand::thread_rng())
        };
        match offer {
            Offer::Admitted(p) => Some(deliver(room, p)),
            Offer::Dropped(p) => {
                // The dropped one may be another waiting message evicted for this one.
                let _ = p.done.send(None);
                self.start_gate_poller(room);
                rx.await.ok().flatten()
            }
            Offer::Waiting => {
                self.start_gate_poller(room);
                rx.await.ok().flatten()
            }
        }
    }

    fn start_gate_poller(self: &Arc<Self>, room: &RoomRef) {
        if room.gate_polling.swap(true, Ordering::AcqRel) {
            return;
        }
        let room = room.clone();
        tokio::spawn(async move {
            loop {
                let polled = {
                    let now = tokio::time::Instant::now().into_std();
                    room.gate.lock().poll(now, &mut rand::thread_rng())
                };
                for p in polled.admitted {
                    let (fanout, done) = deliver_pending(&room, p);
                    let _ = done.send(Some(fanout));
                }
                for p in polled.dropped {
                    let _ = p.done.send(None);
                }
                match polled.next_wake {
                    Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
                    None => {
                        room.gate_polling.store(false, Ordering::Release);
                        // A message may have started waiting after the poll; keep going if so
                        // and nobody else took over.
                        let waiting = room.gate.lock().waiting_len();
                        if waiting == 0 || room.gate_polling.swap(true, Ordering::AcqRel) {
                            return;
                        }
                    }
                }
            }
        });
    }

    async fn next_seq(&self, room: &RoomRef) -> Result<u64, Error> {
        let mut block = room.seq.lock().await;
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
            .history(app, group, since, None, settings.history_count)
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

    /// `group_msg_get_simple`: history newest first, up to `limit`, at or below `max_seq`.
    pub async fn group_history(
        &self,
        app: AppId,
        group: &GroupId,
        max_seq: Option<u64>,
        limit: u32,
    ) -> Result<(GroupRecord, Vec<HistoryRecord>), Error> {
        let room = self.room(app, group).await?;
        let settings = self.apps.get(app)?.settings();
        let since = unix_secs() - settings.history_max_age_secs as i64;
        let records = self
            .store
            .history(app, group, since, max_seq, limit)
            .await
            .map_err(|_| Error::Internal)?;
        Ok((room.profile(), records))
    }
}

fn receipt_of(r: Receipt) -> SendReceipt {
    SendReceipt {
        msg_seq: r.seq,
        msg_time: r.time,
        drop_reason: if r.dropped { DROP_REASON_FREQUENCY } else { "" },
    }
}

fn deliver_pending(room: &RoomRef, p: Pending) -> (FanOut, oneshot::Sender<Option<FanOut>>) {
    let Pending {
        frame,
        exclude,
        history,
        done,
    } = p;
    (room.broadcast_recorded(&frame, exclude, history), done)
}

fn deliver(room: &RoomRef, p: Pending) -> FanOut {
    deliver_pending(room, p).0
}
