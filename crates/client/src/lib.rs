//! Liveroom Rust client: connect to `/ws`, log in with a UserSig or enter as a guest,
//! join rooms, send messages and read typed events. Used by the tests, bots and the load
//! tool.
//!
//! Requests are matched to their replies by `id`; everything the server pushes on its own
//! (messages, tips, system notifications, kicks) arrives through [`Client::next_event`].

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

pub use liveroom_core::group::Priority;
use liveroom_core::protocol::chat;
pub use liveroom_core::protocol::{
    ElemPush, GiftPush, KickReason, Kicked, LikesPush, MessagePush, OnlinePush, Op, Push,
    RecalledPush, Reply, Request,
};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("connection: {0}")]
    Connection(String),
    #[error("the connection is closed")]
    Closed,
    #[error("server error {code}: {info}")]
    Server {
        code: i32,
        info: String,
        /// Extra fields of the error reply (e.g. `MuteRemaining` of a 10017).
        data: serde_json::Map<String, Value>,
    },
    #[error("no reply within {0:?}")]
    Timeout(Duration),
}

impl ClientError {
    /// The reference error code, for server errors.
    pub fn code(&self) -> Option<i32> {
        match self {
            Self::Server { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// Something the server pushed.
#[derive(Debug, Clone)]
pub enum Event {
    Message(MessagePush),
    Tip(ElemPush),
    System(ElemPush),
    Kicked(Kicked),
    /// The room's online count.
    Online(OnlinePush),
    /// The room's like total.
    Likes(LikesPush),
    /// A gift this user sent (its own echo; the room gets merged messages).
    Gift(GiftPush),
    /// A message of the room was recalled.
    Recalled(RecalledPush),
    /// A one-to-one message (to this user, or from it on another device).
    C2c(chat::C2cMessage),
    /// A one-to-one message was recalled.
    C2cRecalled(chat::C2cRecalledPush),
    /// A one-to-one message was edited.
    C2cModified(chat::C2cMessage),
    /// A conversation was read (by this user elsewhere, or by the peer).
    C2cRead(chat::C2cReadPush),
    /// A user is typing to this one.
    Typing(chat::TypingPush),
    /// A user's profile changed.
    Profile(liveroom_core::protocol::ProfilePush),
    /// A relationship changed.
    Friend(liveroom_core::protocol::FriendPush),
    /// A watched user's status changed.
    UserStatus(chat::UserStatusPush),
    /// This user pinned, unpinned or deleted a conversation on one of its devices.
    C2cConversation(chat::ConversationPush),
    /// This user's read position in a group (that keeps its messages) moved.
    GroupRead(liveroom_core::protocol::groups::GroupReadPush),
    /// A community's topic was created, changed or destroyed.
    Topic(liveroom_core::protocol::groups::TopicPush),
    /// A stored group's message was edited.
    MessageModified(MessagePush),
    /// A reaction to a stored group's message was added or removed.
    Reaction(liveroom_core::protocol::groups::ReactionPush),
    /// Extensions of a stored group's message were set.
    MessageExtension(liveroom_core::protocol::groups::ExtensionPush),
    /// A group's attributes changed.
    GroupAttrs(liveroom_core::protocol::groups::GroupAttrsPush),
    /// A reply that matched no pending request (e.g. to an unparseable frame).
    Reply(Reply),
    /// The server closed the connection.
    Closed,
}

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Reply>>>>;

pub struct Client {
    out: mpsc::UnboundedSender<Message>,
    events: mpsc::UnboundedReceiver<Event>,
    pending: Pending,
    next_id: AtomicU64,
    reply_timeout: Duration,
}

impl Client {
    /// Connects to a `ws://host:port/ws` URL.
    pub async fn connect(url: &str) -> Result<Self, ClientError> {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .map_err(|e| ClientError::Connection(e.to_string()))?;
        Ok(Self::from_stream(ws))
    }

    /// Wraps a WebSocket opened by the caller (over TLS, or with extra handshake headers).
    pub fn from_stream<S>(ws: tokio_tungstenite::WebSocketStream<S>) -> Self
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (mut sink, mut stream) = ws.split();
        let (out, mut out_rx) = mpsc::unbounded_channel::<Message>();
        let (events_tx, events) = mpsc::unbounded_channel();
        let pending: Pending = Arc::default();
        tokio::spawn(async move {
            while let Some(m) = out_rx.recv().await {
                if sink.send(m).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        });
        let routes = pending.clone();
        tokio::spawn(async move {
            while let Some(Ok(msg)) = stream.next().await {
                let text = match msg {
                    Message::Text(t) => t,
                    Message::Close(_) => break,
                    _ => continue,
                };
                let Ok(push) = serde_json::from_str::<Push>(text.as_str()) else {
                    continue;
                };
                let event = match push {
                    Push::Reply(r) => {
                        let waiter =
                            r.id.and_then(|id| routes.lock().ok().and_then(|mut p| p.remove(&id)));
                        match waiter {
                            Some(w) => {
                                let _ = w.send(r);
                                continue;
                            }
                            None => Event::Reply(r),
                        }
                    }
                    Push::Message(m) => Event::Message(m),
                    Push::Tip(t) => Event::Tip(t),
                    Push::System(s) => Event::System(s),
                    Push::Kicked(k) => Event::Kicked(k),
                    Push::Online(o) => Event::Online(o),
                    Push::Likes(l) => Event::Likes(l),
                    Push::Gift(g) => Event::Gift(g),
                    Push::Recalled(r) => Event::Recalled(r),
                    Push::C2c(m) => Event::C2c(m),
                    Push::C2cRecalled(r) => Event::C2cRecalled(r),
                    Push::C2cModified(m) => Event::C2cModified(m),
                    Push::C2cRead(r) => Event::C2cRead(r),
                    Push::Typing(t) => Event::Typing(t),
                    Push::Profile(p) => Event::Profile(p),
                    Push::Friend(f) => Event::Friend(f),
                    Push::UserStatus(u) => Event::UserStatus(u),
                    Push::C2cConversation(c) => Event::C2cConversation(c),
                    Push::GroupRead(r) => Event::GroupRead(r),
                    Push::Topic(t) => Event::Topic(t),
                    Push::MessageModified(m) => Event::MessageModified(m),
                    Push::Reaction(r) => Event::Reaction(r),
                    Push::MessageExtension(e) => Event::MessageExtension(e),
                    Push::GroupAttrs(a) => Event::GroupAttrs(a),
                };
                if events_tx.send(event).is_err() {
                    break;
                }
            }
            let _ = events_tx.send(Event::Closed);
            if let Ok(mut p) = routes.lock() {
                p.clear();
            }
        });
        Self {
            out,
            events,
            pending,
            next_id: AtomicU64::new(1),
            reply_timeout: Duration::from_secs(10),
        }
    }

    /// Sends a request and waits for its reply; a non-zero `ErrorCode` is an error.
    pub async fn request(&self, op: Op) -> Result<Reply, ClientError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.pending
            .lock()
            .map_err(|_| ClientError::Closed)?
            .insert(id, tx);
        let text = serde_json::to_string(&Request { id: Some(id), op })
            .map_err(|e| ClientError::Connection(e.to_string()))?;
        self.out
            .send(Message::Text(text.into()))
            .map_err(|_| ClientError::Closed)?;
        let reply = tokio::time::timeout(self.reply_timeout, rx)
            .await
            .map_err(|_| ClientError::Timeout(self.reply_timeout))?
            .map_err(|_| ClientError::Closed)?;
        if reply.error_code != 0 {
            return Err(ClientError::Server {
                code: reply.error_code,
                info: reply.error_info,
                data: reply.data,
            });
        }
        Ok(reply)
    }

    /// Sends a request without waiting for the reply (load generation).
    pub fn request_nowait(&self, op: Op) -> Result<(), ClientError> {
        let text = serde_json::to_string(&Request { id: None, op })
            .map_err(|e| ClientError::Connection(e.to_string()))?;
        self.out
            .send(Message::Text(text.into()))
            .map_err(|_| ClientError::Closed)
    }

    /// Sends any text frame as is (for testing what the server does with bad input).
    pub fn send_raw(&self, text: impl Into<String>) -> Result<(), ClientError> {
        self.out
            .send(Message::Text(text.into().into()))
            .map_err(|_| ClientError::Closed)
    }

    pub async fn login(&self, app: u64, user: &str, usersig: &str) -> Result<Reply, ClientError> {
        self.request(Op::Login {
            sdk_app_id: app,
            user_id: user.into(),
            user_sig: usersig.into(),
            platform: None,
        })
        .await
    }

    pub async fn login_on(
        &self,
        app: u64,
        user: &str,
        usersig: &str,
        platform: &str,
    ) -> Result<Reply, ClientError> {
        self.request(Op::Login {
            sdk_app_id: app,
            user_id: user.into(),
            user_sig: usersig.into(),
            platform: Some(platform.into()),
        })
        .await
    }

    pub async fn guest(&self, app: u64) -> Result<Reply, ClientError> {
        self.request(Op::Guest { sdk_app_id: app }).await
    }

    pub async fn join(&self, group: &str) -> Result<Reply, ClientError> {
        self.request(Op::Join {
            group_id: group.into(),
        })
        .await
    }

    /// Recalls message `msg_seq` of `group` (owner, admins and App admins).
    pub async fn recall(&self, group: &str, msg_seq: u64) -> Result<Reply, ClientError> {
        self.request(Op::Recall {
            group_id: group.into(),
            msg_seq,
            topic_id: None,
        })
        .await
    }

    pub async fn quit(&self, group: &str) -> Result<Reply, ClientError> {
        self.request(Op::Quit {
            group_id: group.into(),
        })
        .await
    }

    pub async fn ping(&self) -> Result<Reply, ClientError> {
        self.request(Op::Ping).await
    }

    /// Sends a message with a full `MsgBody`.
    pub async fn send(
        &self,
        group: &str,
        msg_body: Value,
        priority: Priority,
        cloud_custom_data: Option<&str>,
        random: Option<u32>,
    ) -> Result<Reply, ClientError> {
        self.request(Op::Send {
            group_id: group.into(),
            msg_body,
            priority: Some(priority.as_str().into()),
            cloud_custom_data: cloud_custom_data.map(str::to_string),
            random,
            online_only: false,
            no_unread: false,
            no_last_msg: false,
            need_read_receipt: false,
            at_info: None,
            topic_id: None,
            extensible: false,
        })
        .await
    }

    /// Sends a one-to-one text message; the reply carries `Seq`, `MsgKey`, `MsgTime`.
    pub async fn send_c2c_text(&self, to: &str, text: &str) -> Result<Reply, ClientError> {
        self.request(Op::SendC2c(chat::SendC2c {
            to: to.into(),
            msg_body: text_body(text),
            cloud_custom_data: None,
            msg_seq: None,
            msg_random: None,
            online_only: false,
            need_read_receipt: false,
            no_unread: false,
            offline_push_info: None,
        }))
        .await
    }

    /// A page of one conversation: after `after` (oldest first), or the newest `count`.
    pub async fn c2c_messages(
        &self,
        peer: &str,
        after: Option<u64>,
        count: u32,
    ) -> Result<Reply, ClientError> {
        self.request(Op::GetC2cMessages(chat::GetC2cMessages {
            peer: peer.into(),
            after_seq: after,
            before_seq: None,
            count,
        }))
        .await
    }

    /// The conversation list's first `count` entries.
    pub async fn conversations(&self, count: u32) -> Result<Reply, ClientError> {
        self.request(Op::GetConversations(chat::GetConversations {
            cursor: None,
            count,
        }))
        .await
    }

    /// Marks a conversation read (up to `seq`, or everything).
    pub async fn read_c2c(&self, peer: &str, seq: Option<u64>) -> Result<Reply, ClientError> {
        self.request(Op::ReadC2c(chat::ReadC2c {
            peer: peer.into(),
            seq,
        }))
        .await
    }

    /// Sends one text element.
    pub async fn send_text(
        &self,
        group: &str,
        text: &str,
        priority: Priority,
    ) -> Result<Reply, ClientError> {
        self.send(group, text_body(text), priority, None, None)
            .await
    }

    /// The next pushed event, or `Closed`.
    pub async fn next_event(&mut self) -> Event {
        self.events.recv().await.unwrap_or(Event::Closed)
    }

    /// The next pushed event within `dur`, if any.
    pub async fn next_event_within(&mut self, dur: Duration) -> Option<Event> {
        tokio::time::timeout(dur, self.next_event()).await.ok()
    }

    /// The next group message within `dur`, skipping other events.
    pub async fn next_message_within(&mut self, dur: Duration) -> Option<MessagePush> {
        let deadline = tokio::time::Instant::now() + dur;
        loop {
            match tokio::time::timeout_at(deadline, self.next_event())
                .await
                .ok()?
            {
                Event::Message(m) => return Some(m),
                Event::Closed => return None,
                _ => continue,
            }
        }
    }

    /// Everything pushed within `dur`.
    pub async fn drain_for(&mut self, dur: Duration) -> Vec<Event> {
        let deadline = tokio::time::Instant::now() + dur;
        let mut out = Vec::new();
        while let Ok(e) = tokio::time::timeout_at(deadline, self.next_event()).await {
            let closed = matches!(e, Event::Closed);
            out.push(e);
            if closed {
                break;
            }
        }
        out
    }

    /// Closes the connection.
    pub fn close(&self) {
        let _ = self.out.send(Message::Close(None));
    }
}

/// A `MsgBody` with one text element.
pub fn text_body(text: &str) -> Value {
    json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}])
}

/// The text of the first text element of a message.
pub fn message_text(m: &MessagePush) -> Option<&str> {
    m.msg_body
        .as_array()?
        .iter()
        .find_map(|e| e.get("MsgContent")?.get("Text")?.as_str())
}
