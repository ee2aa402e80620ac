//! Sessions: one per client connection. A session is anonymous until it logs in or
//! declares itself a guest; it owns the connection's outbound queue.

use parking_lot::Mutex;
use std::sync::Arc;

use liveroom_core::protocol::KickReason;
use liveroom_core::{AppId, Error, GroupId, UserId};

use crate::outbound::{Frame, OutboundQueue, Pushed, QueueLimits};

/// Who is behind a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    Anonymous,
    Guest { app: AppId },
    User(LoggedIn),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedIn {
    pub app: AppId,
    pub user: UserId,
    pub platform: String,
    pub nick: String,
    pub avatar: String,
}

pub struct Session {
    pub id: u64,
    pub queue: OutboundQueue,
    /// The peer address, for webhooks' `ClientIP`.
    pub client_ip: Option<std::net::IpAddr>,
    /// The WebSocket close code the transport should close with (a protocol violation).
    close_code: std::sync::atomic::AtomicU16,
    /// Keeps this connection's messages in the order it sent them through the steps that
    /// may wait (the before-callback), up to the room's gate.
    send_order: SendOrder,
    state: Mutex<SessionState>,
}

/// Turns, handed out in request order: a send waits for the turns before it to end before
/// it takes its number and reaches the gate. A turn ends when it is dropped, so a send that
/// fails or is abandoned never holds up the ones after it.
#[derive(Default)]
pub struct SendOrder {
    next: std::sync::atomic::AtomicU64,
    state: Mutex<OrderState>,
    notify: tokio::sync::Notify,
}

#[derive(Default)]
struct OrderState {
    serving: u64,
    /// Turns ended ahead of their time.
    done: std::collections::BTreeSet<u64>,
}

/// Takes up to `n` from a budget refilled at `per_sec` and holding at most twice that (a
/// fresh budget, with no time yet, starts full); returns how many were taken.
pub(crate) fn take_tokens(
    budget: &mut (f64, Option<std::time::Instant>),
    n: u32,
    per_sec: u32,
) -> u32 {
    let now = std::time::Instant::now();
    let rate = per_sec.max(1) as f64;
    let tokens = match budget.1 {
        None => rate * 2.0,
        Some(at) => (budget.0 + now.duration_since(at).as_secs_f64() * rate).min(rate * 2.0),
    };
    let taken = (n as f64).min(tokens.floor()).max(0.0);
    *budget = (tokens - taken, Some(now));
    taken as u32
}

/// One send's place in its connection's order.
pub struct Turn {
    session: SessionRef,
    ticket: u64,
}

impl Turn {
    /// Waits until every earlier turn has ended.
    pub async fn wait(&self) {
        let order = &self.session.send_order;
        loop {
            let notified = order.notify.notified();
            if order.state.lock().serving >= self.ticket {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let order = &self.session.send_order;
        let mut st = order.state.lock();
        st.done.insert(self.ticket);
        loop {
            let serving = st.serving;
            if !st.done.remove(&serving) {
                break;
            }
            st.serving += 1;
        }
        drop(st);
        order.notify.notify_waiters();
    }
}

struct SessionState {
    identity: Identity,
    rooms: Vec<GroupId>,
    /// Like budget: tokens left and when they were last topped up.
    like_tokens: f64,
    like_refill: Option<std::time::Instant>,
    /// Typing-notice budget, the same way.
    typing: (f64, Option<std::time::Instant>),
    /// Users whose status this connection watches.
    watching: Vec<UserId>,
}

impl Session {
    pub fn new(id: u64, limits: QueueLimits) -> Self {
        Self {
            id,
            queue: OutboundQueue::new(limits),
            client_ip: None,
            close_code: std::sync::atomic::AtomicU16::new(0),
            send_order: SendOrder::default(),
            state: Mutex::new(SessionState {
                identity: Identity::Anonymous,
                rooms: Vec::new(),
                like_tokens: 0.0,
                like_refill: None,
                typing: (0.0, None),
                watching: Vec::new(),
            }),
        }
    }

    pub fn with_client_ip(mut self, ip: Option<std::net::IpAddr>) -> Self {
        self.client_ip = ip;
        self
    }

    /// Takes up to `n` likes from this (guest) connection's budget; see `take_tokens`.
    pub(crate) fn take_likes(&self, n: u32, per_sec: u32) -> u32 {
        let mut st = self.state.lock();
        let mut budget = (st.like_tokens, st.like_refill);
        let taken = take_tokens(&mut budget, n, per_sec);
        (st.like_tokens, st.like_refill) = budget;
        taken
    }

    /// Adds `users` to those this connection watches, unless that makes more than `max`.
    pub(crate) fn watch(&self, users: &[UserId], max: usize) -> bool {
        let mut st = self.state.lock();
        let new: Vec<&UserId> = users.iter().filter(|u| !st.watching.contains(u)).collect();
        if st.watching.len() + new.len() > max {
            return false;
        }
        st.watching.extend(new.into_iter().cloned());
        true
    }

    pub(crate) fn unwatch(&self, users: &[UserId]) {
        self.state.lock().watching.retain(|u| !users.contains(u));
    }

    pub(crate) fn watched(&self) -> Vec<UserId> {
        self.state.lock().watching.clone()
    }

    /// Takes one typing notice from this connection's budget; see `take_tokens`.
    pub(crate) fn take_typing(&self, per_sec: u32) -> u32 {
        take_tokens(&mut self.state.lock().typing, 1, per_sec)
    }

    /// The next turn of this connection's sends; take them in request order.
    pub fn take_turn(self: &Arc<Self>) -> Turn {
        let ticket = self
            .send_order
            .next
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Turn {
            session: self.clone(),
            ticket,
        }
    }

    /// Asks the transport to close with `code` (a protocol violation) instead of a plain close.
    pub fn set_close_code(&self, code: u16) {
        self.close_code
            .store(code, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn close_code(&self) -> Option<u16> {
        match self.close_code.load(std::sync::atomic::Ordering::Relaxed) {
            0 => None,
            code => Some(code),
        }
    }

    /// `ClientIP` of this session's webhooks.
    pub fn client_ip_text(&self) -> String {
        self.client_ip.map(|ip| ip.to_string()).unwrap_or_default()
    }

    /// `ClientIP` and `OptPlatform` of this session's webhooks.
    pub fn origin(&self) -> crate::hooks::Origin {
        let platform = match &self.state.lock().identity {
            Identity::User(l) => l.platform.clone(),
            _ => "Web".to_string(),
        };
        crate::hooks::Origin {
            ip: self.client_ip_text(),
            platform,
        }
    }

    pub fn identity(&self) -> Identity {
        self.state.lock().identity.clone()
    }

    pub(crate) fn set_identity(&self, identity: Identity) {
        self.state.lock().identity = identity;
    }

    /// The app this session belongs to, if it logged in or is a guest.
    pub fn app(&self) -> Option<AppId> {
        match &self.state.lock().identity {
            Identity::Anonymous => None,
            Identity::Guest { app } => Some(*app),
            Identity::User(u) => Some(u.app),
        }
    }

    pub fn user(&self) -> Option<UserId> {
        match &self.state.lock().identity {
            Identity::User(u) => Some(u.user.clone()),
            _ => None,
        }
    }

    /// The logged-in user, or the error a guest or anonymous session gets for sending.
    pub fn require_user(&self) -> Result<LoggedIn, Error> {
        match &self.state.lock().identity {
            Identity::User(u) => Ok(u.clone()),
            Identity::Guest { .. } => Err(Error::PermissionDenied(
                "guests may join and receive but not send; log in with a UserSig".into(),
            )),
            Identity::Anonymous => Err(Error::PermissionDenied("log in first".into())),
        }
    }

    pub(crate) fn update_profile(&self, nick: Option<&str>, avatar: Option<&str>) {
        if let Identity::User(u) = &mut self.state.lock().identity {
            if let Some(n) = nick {
                u.nick = n.to_string();
            }
            if let Some(a) = avatar {
                u.avatar = a.to_string();
            }
        }
    }

    pub fn rooms(&self) -> Vec<GroupId> {
        self.state.lock().rooms.clone()
    }

    pub fn in_room(&self, group: &GroupId) -> bool {
        self.state.lock().rooms.contains(group)
    }

    pub(crate) fn add_room(&self, group: &GroupId) {
        let mut st = self.state.lock();
        if !st.rooms.contains(group) {
            st.rooms.push(group.clone());
        }
    }

    pub(crate) fn remove_room(&self, group: &GroupId) {
        self.state.lock().rooms.retain(|g| g != group);
    }

    pub(crate) fn take_rooms(&self) -> Vec<GroupId> {
        std::mem::take(&mut self.state.lock().rooms)
    }

    pub fn push(&self, frame: &Frame) -> Pushed {
        self.queue.push(frame)
    }

    pub fn kick(&self, reason: KickReason, info: &str) {
        self.queue.close(reason, info);
    }
}

pub type SessionRef = Arc<Session>;
