//! The WebSocket gateway (`/ws`): one task reads requests and calls the engine, one task
//! writes whatever the session's outbound queue holds, all of it per wake-up with a single
//! flush. docs/protocol.md describes the frames.

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::task::TaskTracker;

use liveroom_core::live::{LiveInfo, LiveState, PINNED_ITEM_KEY};
use liveroom_core::protocol::{
    KickReason, Kicked, Op, Push, Reply, Request, MAX_CLIENT_FRAME_BYTES,
};
use liveroom_core::{Error, GroupId, Service, UserId};
use liveroom_engine::outbound::Frame;
use liveroom_engine::session::SessionRef;
use liveroom_engine::{
    ClientSend, DrawStarted, Engine, GroupProfile, JoinView, LiveStateAnswer, ModAction,
    SendReceipt,
};

use crate::proxy::ClientIp;
use crate::AppState;

/// Frames larger than this close the connection at the protocol level; frames between
/// `MAX_CLIENT_FRAME_BYTES` and this get a coded error reply.
const HARD_FRAME_LIMIT: usize = 64 * 1024;

/// Read buffer of each WebSocket connection. The library zero-fills all of it on the first
/// read, so it is resident for every connection: client frames are small, and a larger one
/// grows the buffer as needed.
const READ_BUFFER_BYTES: usize = 1024;

/// How much the library buffers before writing (a batch is flushed at once anyway).
const WRITE_BUFFER_BYTES: usize = 8 * 1024;

/// Sends one connection may have in flight (waiting at a room's frequency gate or for
/// the store). Beyond that the connection's reads pause: backpressure, not buffering.
const SENDS_IN_FLIGHT: usize = 32;

/// `GET /ws`
pub async fn ws(
    State(state): State<AppState>,
    ClientIp(client_ip): ClientIp,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .max_message_size(HARD_FRAME_LIMIT)
        .max_frame_size(HARD_FRAME_LIMIT)
        // The library's 128 KiB defaults would cost a quarter of a megabyte per viewer.
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .on_upgrade(move |socket| {
            let tracker = state.connections.clone();
            tracker.track_future(connection(state, socket, client_ip))
        })
}

async fn connection(state: AppState, socket: WebSocket, client_ip: std::net::IpAddr) {
    let engine = state.engine.clone();
    let session = engine.open_session(Some(client_ip));
    let (mut sink, mut stream) = socket.split();
    // A write that cannot complete within the stall limit means the peer stopped reading.
    let write_timeout = Duration::from_secs(state.config.gateway.stall_limit_secs.max(1));

    let writer_session = session.clone();
    let writer = tokio::spawn(async move {
        let mut batch = Vec::with_capacity(64);
        loop {
            batch.clear();
            match writer_session.queue.next_batch(&mut batch).await {
                Ok(()) => {
                    let write = async {
                        for bytes in batch.drain(..) {
                            let Ok(text) = Utf8Bytes::try_from(bytes) else {
                                continue;
                            };
                            sink.feed(Message::Text(text)).await?;
                        }
                        sink.flush().await
                    };
                    match tokio::time::timeout(write_timeout, write).await {
                        Ok(Ok(())) => {}
                        Ok(Err(_)) => break,
                        Err(_) => {
                            liveroom_engine::metrics::slow_consumer_closed();
                            // Recorded so the departure is reported as a slow consumer.
                            writer_session
                                .queue
                                .close(KickReason::SlowConsumer, "writes stalled");
                            break;
                        }
                    }
                }
                Err(None) => {
                    let close = async {
                        match writer_session.close_code() {
                            Some(code) => {
                                let frame = CloseFrame {
                                    code,
                                    reason: Utf8Bytes::from_static("protocol violation"),
                                };
                                sink.send(Message::Close(Some(frame))).await
                            }
                            None => sink.close().await,
                        }
                    };
                    let _ = tokio::time::timeout(write_timeout, close).await;
                    break;
                }
                Err(Some((reason, info))) => {
                    if reason == KickReason::SlowConsumer {
                        liveroom_engine::metrics::slow_consumer_closed();
                    }
                    let goodbye = async {
                        if let Ok(text) =
                            serde_json::to_string(&Push::Kicked(Kicked { reason, info }))
                        {
                            sink.feed(Message::Text(text.into())).await?;
                        }
                        let close = CloseFrame {
                            code: close_code(reason),
                            reason: Utf8Bytes::from(close_reason(reason)),
                        };
                        sink.send(Message::Close(Some(close))).await
                    };
                    let _ = tokio::time::timeout(write_timeout, goodbye).await;
                    break;
                }
            }
        }
        // Whatever ended the writer, the reader stops too.
        writer_session.queue.finish();
    });

    let conn = Conn {
        engine: engine.clone(),
        session: session.clone(),
        in_flight: Arc::new(tokio::sync::Semaphore::new(SENDS_IN_FLIGHT)),
        tasks: state.connections.clone(),
    };
    let idle = Duration::from_secs(state.config.gateway.idle_timeout_secs.max(1));
    let mut limiter = RequestLimiter::new(state.config.gateway.requests_per_sec);
    loop {
        // A kick closes the queue: the connection leaves its rooms at once, whether or not
        // the client is still sending.
        let next = tokio::select! {
            next = tokio::time::timeout(idle, stream.next()) => next,
            _ = session.queue.closed() => break,
        };
        let msg = match next {
            Err(_) => {
                session.kick(KickReason::IdleTimeout, "no frame within the idle timeout");
                break;
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                // A protocol violation is answered with its close code (1002, 1007, 1009).
                session.set_close_code(violation_close_code(e));
                break;
            }
            Ok(Some(Ok(msg))) => msg,
        };
        if matches!(msg, Message::Close(_)) {
            break;
        }
        // Every frame counts, and a refused one is not even parsed.
        match limiter.allow(Instant::now()) {
            Verdict::Allowed => {}
            Verdict::Refused => {
                let id = match &msg {
                    Message::Text(text) => id_in_prefix(text.as_str()),
                    _ => None,
                };
                reply_err(&session, id, &Error::RateLimited);
                continue;
            }
            Verdict::Flood => {
                session.kick(
                    KickReason::RequestFlood,
                    "frames kept arriving faster than the rate limit",
                );
                break;
            }
        }
        match msg {
            Message::Text(text) => {
                // While a request holds the reader (sends in flight are full, a join waits
                // for its webhook) the client's frames queue unread; they are counted as if
                // read when they came, not as a burst afterwards.
                let started = Instant::now();
                handle_text(&conn, text.as_str()).await;
                limiter.credit(started, Instant::now());
            }
            Message::Binary(_) => reply_err(
                &session,
                None,
                &Error::InvalidParameter(
                    "frames are JSON text; binary frames are not accepted".into(),
                ),
            ),
            // Pings are answered by the WebSocket layer; any frame counts as activity.
            Message::Ping(_) | Message::Pong(_) | Message::Close(_) => {}
        }
    }
    Box::pin(engine.close_session(&session)).await;
    // A kick already closed the queue with its reason; otherwise the client went away.
    session.queue.finish();
    // The writer ends within one write timeout; never let a stuck peer hold this task.
    let abort = writer.abort_handle();
    if tokio::time::timeout(write_timeout + Duration::from_secs(1), writer)
        .await
        .is_err()
    {
        abort.abort();
    }
    // Read (and discard) what the client still sends until it answers the close frame, for a
    // moment: closing a socket with unread input makes the kernel reset the connection, and
    // the client would never see its `kicked` frame or the close code.
    let drain = async { while let Some(Ok(_)) = stream.next().await {} };
    let _ = tokio::time::timeout(DRAIN_ON_CLOSE, drain).await;
}

/// How long a closing connection keeps reading for the client's close frame.
const DRAIN_ON_CLOSE: Duration = Duration::from_secs(2);

/// The close code for a frame the WebSocket layer refused.
fn violation_close_code(e: axum::Error) -> u16 {
    use tungstenite::error::{CapacityError, Error as WsError};
    let inner = e.into_inner();
    match inner.downcast_ref::<WsError>() {
        Some(WsError::Utf8(_)) => 1007,
        Some(WsError::Capacity(CapacityError::MessageTooLong { .. })) => 1009,
        Some(WsError::Protocol(_)) | Some(WsError::Capacity(_)) => 1002,
        _ => 1011,
    }
}

fn close_code(reason: KickReason) -> u16 {
    match reason {
        KickReason::Shutdown => 1001,
        KickReason::SlowConsumer | KickReason::RequestFlood => 1008,
        KickReason::MultiLogin | KickReason::IdleTimeout | KickReason::AccountKicked => 1000,
    }
}

fn close_reason(reason: KickReason) -> &'static str {
    match reason {
        KickReason::MultiLogin => "multi_login",
        KickReason::IdleTimeout => "idle_timeout",
        KickReason::SlowConsumer => "slow_consumer",
        KickReason::Shutdown => "shutdown",
        KickReason::AccountKicked => "account_kicked",
        KickReason::RequestFlood => "request_flood",
    }
}

/// A connection's request budget: a token bucket of `requests_per_sec` holding twice that.
/// Every frame takes a token. A second in which at least a quarter of the rate (at least 5)
/// was refused is a second *over the limit*; a connection over its limit for more than two
/// seconds in a row is a flood and is closed.
struct RequestLimiter {
    rate: f64,
    tokens: f64,
    last: Instant,
    second_started: Instant,
    refused_this_second: u32,
    over_seconds: u32,
    over_threshold: u32,
}

#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Allowed,
    Refused,
    Flood,
}

/// Seconds over the limit in a row before the connection is closed.
const FLOOD_SECONDS: u32 = 2;

impl RequestLimiter {
    fn new(per_sec: u32) -> Self {
        let rate = per_sec.max(1) as f64;
        let now = Instant::now();
        Self {
            rate,
            tokens: rate * 2.0,
            last: now,
            second_started: now,
            refused_this_second: 0,
            over_seconds: 0,
            over_threshold: (per_sec / 4).max(5),
        }
    }

    fn allow(&mut self, now: Instant) -> Verdict {
        let since = now.duration_since(self.second_started);
        if since >= Duration::from_secs(1) {
            let over = self.refused_this_second >= self.over_threshold;
            self.over_seconds = if over && since < Duration::from_secs(2) {
                self.over_seconds + 1
            } else {
                0
            };
            self.second_started = now;
            self.refused_this_second = 0;
        }
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Verdict::Allowed;
        }
        self.refused_this_second += 1;
        if self.over_seconds >= FLOOD_SECONDS && self.refused_this_second >= self.over_threshold {
            Verdict::Flood
        } else {
            Verdict::Refused
        }
    }
}

impl RequestLimiter {
    /// Credits the time from `from` to `to`, when the server did not read the connection,
    /// in full, even beyond the bucket's size: frames sent meanwhile at the allowed rate are
    /// not refused when they are read together afterwards.
    fn credit(&mut self, from: Instant, to: Instant) {
        self.refill(from);
        self.tokens += to.saturating_duration_since(from).as_secs_f64() * self.rate;
        self.last = self.last.max(to);
    }

    fn refill(&mut self, now: Instant) {
        let earned = now.saturating_duration_since(self.last).as_secs_f64() * self.rate;
        // A credit may hold the bucket above its size until it is used.
        self.tokens = self.tokens.max((self.tokens + earned).min(self.rate * 2.0));
        self.last = self.last.max(now);
    }
}

/// The request id of a frame that is not parsed (refused or too large): the first `"id":`
/// with a number within the frame's first 256 bytes.
fn id_in_prefix(text: &str) -> Option<u64> {
    let mut end = text.len().min(256);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    head.match_indices("\"id\"").find_map(|(at, key)| {
        let rest = head[at + key.len()..]
            .trim_start()
            .strip_prefix(':')?
            .trim_start();
        let digits = &rest[..rest.bytes().take_while(u8::is_ascii_digit).count()];
        digits.parse().ok()
    })
}

/// A reply's result fields.
type Data = Map<String, Value>;

/// A reply's result fields from their typed view (`()`: none).
fn data(view: impl Serialize) -> Result<Data, Error> {
    match serde_json::to_value(view) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Ok(Data::new()),
        Err(_) => Err(Error::Internal),
    }
}

/// An empty reply.
fn done() -> Result<Data, Error> {
    Ok(Data::new())
}

fn reply_frame(id: Option<u64>, code: i32, info: String, data: Data) -> Option<Frame> {
    let reply = Push::Reply(Reply {
        id,
        error_code: code,
        error_info: info,
        data,
    });
    serde_json::to_string(&reply).ok().map(Frame::control)
}

fn push_reply(session: &SessionRef, id: Option<u64>, code: i32, info: String, data: Data) {
    if let Some(frame) = reply_frame(id, code, info, data) {
        session.push(&frame);
    }
}

/// An error reply; a mute refusal also says how long the mute lasts (`MuteRemaining`,
/// seconds) so the client can disable its input box for that long.
fn reply_err(session: &SessionRef, id: Option<u64>, e: &Error) {
    let mut data = Data::new();
    if let Error::Muted { remaining_secs } = e {
        data.insert("MuteRemaining".into(), Value::from(*remaining_secs));
    }
    push_reply(session, id, e.code(Service::Group), e.to_string(), data);
}

/// The request id, if the frame is JSON with a numeric `id`, so errors can be matched.
fn salvage_id(text: &str) -> Option<u64> {
    serde_json::from_str::<Value>(text)
        .ok()?
        .get("id")?
        .as_u64()
}

/// What the request handlers of one connection share.
struct Conn {
    engine: Arc<Engine>,
    session: SessionRef,
    /// Sends in flight; bounds how far a connection can run ahead of its gate decisions.
    in_flight: Arc<tokio::sync::Semaphore>,
    /// Every task a connection spawns, so shutdown waits for acknowledgements in flight.
    tasks: TaskTracker,
}

async fn handle_text(conn: &Conn, text: &str) {
    let session = &conn.session;
    if text.len() > MAX_CLIENT_FRAME_BYTES {
        let e = Error::FrameTooLarge {
            size: text.len(),
            limit: MAX_CLIENT_FRAME_BYTES,
        };
        reply_err(session, id_in_prefix(text), &e);
        return;
    }
    let req: Request = match serde_json::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let err = if serde_json::from_str::<Value>(text).is_err() {
                Error::BodyNotJson(e.to_string())
            } else {
                Error::InvalidParameter(format!("bad request frame: {e}"))
            };
            reply_err(session, salvage_id(text), &err);
            return;
        }
    };
    let id = req.id;
    if let Op::Send {
        group_id,
        msg_body,
        priority,
        cloud_custom_data,
        random,
    } = req.op
    {
        // Everything a send may do is decided now, in request order; the send itself may
        // then wait at the room's gate beside the reader, so later requests are not held up.
        let send = ClientSend {
            group_id,
            msg_body,
            priority,
            cloud_custom_data,
            random,
        };
        let (app, mut send) = match Box::pin(conn.engine.prepare_client_send(session, send)).await {
            Ok(prepared) => prepared,
            Err(e) => return reply_err(session, id, &e),
        };
        let Ok(permit) = conn.in_flight.clone().acquire_owned().await else {
            return;
        };
        // Taken here, in request order, so the connection's messages keep their order.
        send.turn = Some(session.take_turn());
        let (engine, session) = (conn.engine.clone(), session.clone());
        conn.tasks.spawn(async move {
            let result = engine.send_group_msg(app, send).await.and_then(|receipt| {
                let level = (receipt.level > 0).then_some(receipt.level);
                data(Sent { receipt, level }).map(Some)
            });
            answer(&session, id, result);
            drop(permit);
        });
        return;
    }
    // Boxed: the request futures (joins with their callback, moderation with its store
    // writes) are large, and an inline one would make every idle connection's task that
    // much bigger for its whole life.
    if let Op::RoomStats(_) = req.op {
        // A read that may wait for a statistics flush: beside the reader, so the
        // connection's other requests (a host's sends, pings) are not held up.
        let Ok(permit) = conn.in_flight.clone().acquire_owned().await else {
            return;
        };
        let (engine, session) = (conn.engine.clone(), session.clone());
        conn.tasks.spawn(async move {
            let result = dispatch(&engine, &session, id, req.op).await;
            answer(&session, id, result);
            drop(permit);
        });
        return;
    }
    let result = Box::pin(dispatch(&conn.engine, session, id, req.op)).await;
    answer(session, id, result);
}

fn answer(session: &SessionRef, id: Option<u64>, result: Result<Option<Data>, Error>) {
    match result {
        Ok(Some(data)) => push_reply(session, id, 0, String::new(), data),
        Ok(None) => {}
        Err(e) => reply_err(session, id, &e),
    }
}

/// A send's reply: its receipt, and the level the message carries for the sender's own
/// display (left out when 0).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Sent {
    #[serde(flatten)]
    receipt: SendReceipt,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct LoggedIn {
    #[serde(rename = "UserID")]
    user_id: UserId,
    nick_name: String,
    avatar: String,
    level: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Pong {
    pong: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Liked {
    /// Likes counted (beyond the user's budget they are not).
    added: u32,
}

/// A join's reply: the room's profile and the joiner's own state in it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Joined<'a> {
    #[serde(flatten)]
    profile: GroupProfile<'a>,
    member_num: usize,
    mute_remaining: u64,
    role: &'static str,
    live_state: LiveInfo,
    pinned_item: Option<Value>,
    /// Rooms left because the app allows one room per connection.
    left: &'a [GroupId],
}

/// Runs one request; returns the reply data, or `None` when the engine already replied.
async fn dispatch(
    engine: &Arc<Engine>,
    session: &SessionRef,
    id: Option<u64>,
    op: Op,
) -> Result<Option<Data>, Error> {
    let reply = match op {
        Op::Login {
            sdk_app_id,
            user_id,
            user_sig,
            platform,
        } => {
            let info = engine
                .login(
                    session,
                    sdk_app_id,
                    &user_id,
                    &user_sig,
                    platform.as_deref(),
                )
                .await?;
            data(LoggedIn {
                user_id: info.user,
                nick_name: info.nick,
                avatar: info.avatar,
                level: info.level,
            })
        }
        Op::Guest { sdk_app_id } => {
            engine.guest(session, sdk_app_id).await?;
            done()
        }
        Op::Logout => {
            engine.logout(session).await;
            done()
        }
        Op::Join { group_id } => {
            // The engine queues the reply itself, ahead of the history and live messages.
            let reply = |view: &JoinView| join_reply(id, view);
            engine.join(session, &group_id, &reply).await?;
            return Ok(None);
        }
        Op::Quit { group_id } => {
            engine.quit(session, &group_id).await?;
            done()
        }
        // Sends are handled in `handle_text`, in request order.
        Op::Send { .. } => Err(Error::Internal),
        Op::Ping => data(Pong { pong: true }),
        Op::Mute {
            group_id,
            members,
            mute_time,
        } => {
            let users = accounts(&members)?;
            let action = ModAction::Mute {
                users,
                secs: mute_time,
            };
            engine.moderate_as(session, &group_id, action).await?;
            done()
        }
        Op::MuteAll { group_id, mute_all } => {
            let on = match mute_all.as_str() {
                "On" => true,
                "Off" => false,
                other => {
                    return Err(Error::InvalidParameter(format!(
                        "MuteAllMember {other:?} is not On or Off"
                    )))
                }
            };
            engine
                .moderate_as(session, &group_id, ModAction::MuteAll(on))
                .await?;
            done()
        }
        Op::Ban {
            group_id,
            members,
            duration,
            description,
        } => {
            let action = ModAction::Ban {
                users: accounts(&members)?,
                secs: duration,
                description,
            };
            engine.moderate_as(session, &group_id, action).await?;
            done()
        }
        Op::Unban { group_id, members } => {
            let action = ModAction::Unban {
                users: accounts(&members)?,
            };
            engine.moderate_as(session, &group_id, action).await?;
            done()
        }
        Op::SetLiveState {
            group_id,
            state,
            new_session,
        } => {
            let to = LiveState::parse(&state)?;
            let live_state = engine
                .set_live_state_as(session, &group_id, to, new_session)
                .await?;
            data(LiveStateAnswer { live_state })
        }
        Op::StartDraw(d) => {
            let draw_id = engine
                .start_draw_as(session, &d.group_id, &d.keyword, d.duration, d.winners)
                .await?;
            data(DrawStarted { draw_id })
        }
        Op::Like { group_id, count } => {
            let added = engine.like(session, &group_id, count).await?;
            data(Liked { added })
        }
        Op::PinItem { group_id, item } => {
            engine.pin_item_as(session, &group_id, Some(&item)).await?;
            done()
        }
        Op::UnpinItem { group_id } => {
            engine.pin_item_as(session, &group_id, None).await?;
            done()
        }
        Op::ModifyGroup(change) => {
            engine.modify_group_as(session, change).await?;
            done()
        }
        Op::RoomStats(req) => {
            let (app, group) = engine
                .room_operated_by(session, &req.group_id, "read its statistics")
                .await?;
            data(engine.room_stats_report(app, &group, &req).await?)
        }
        Op::Recall { group_id, msg_seq } => {
            engine.recall_as(session, &group_id, msg_seq).await?;
            done()
        }
        Op::SetAdmin {
            group_id,
            members,
            admin,
        } => {
            let action = ModAction::SetAdmin {
                users: accounts(&members)?,
                admin,
            };
            engine.moderate_as(session, &group_id, action).await?;
            done()
        }
    };
    reply.map(Some)
}

fn accounts(raw: &[String]) -> Result<Vec<UserId>, Error> {
    raw.iter().map(|u| UserId::parse(u)).collect()
}

fn join_reply(id: Option<u64>, view: &JoinView) -> Frame {
    let g = view.group;
    let joined = Joined {
        profile: GroupProfile::of(g),
        member_num: view.member_num,
        mute_remaining: view.mute_remaining,
        role: view.role,
        live_state: LiveInfo::from_custom(&g.custom),
        pinned_item: g
            .custom
            .iter()
            .find(|(k, _)| k == PINNED_ITEM_KEY)
            .and_then(|(_, v)| serde_json::from_str(v).ok()),
        left: view.left,
    };
    data(joined)
        .ok()
        .and_then(|data| reply_frame(id, 0, String::new(), data))
        .unwrap_or_else(|| Frame::control(String::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_from_the_head_of_a_frame_only() {
        assert_eq!(id_in_prefix(r#"{"id":12,"op":"ping"}"#), Some(12));
        assert_eq!(id_in_prefix(r#"{"op":"ping", "id" : 7}"#), Some(7));
        assert_eq!(id_in_prefix(r#"{"op":"ping","id":"x"}"#), None);
        let late = format!(r#"{{"pad":"{}","id":3}}"#, "x".repeat(300));
        assert_eq!(id_in_prefix(&late), None);
        assert_eq!(id_in_prefix("é".repeat(200).as_str()), None);
    }

    #[test]
    fn a_connection_over_its_limit_for_more_than_two_seconds_is_a_flood() {
        let t0 = Instant::now();
        let mut l = RequestLimiter::new(50);
        // 100 frames a second: once the bucket is empty half are refused, and the third
        // second over the limit ends it.
        let (mut first_refusal, mut flood_at) = (None, None);
        for i in 0..1000u64 {
            let at = t0 + Duration::from_millis(10 * i);
            match l.allow(at) {
                Verdict::Allowed => {}
                Verdict::Refused => {
                    first_refusal.get_or_insert(at);
                }
                Verdict::Flood => {
                    flood_at = Some(at);
                    break;
                }
            }
        }
        let over = flood_at
            .expect("a flood")
            .duration_since(first_refusal.expect("refusals"));
        assert!(
            over > Duration::from_secs(2) && over < Duration::from_secs(4),
            "{over:?}"
        );

        // Frames that queued while the server was busy elsewhere are read together and
        // allowed: 200 frames sent at the rate during 4 s the reader was held.
        let mut l = RequestLimiter::new(50);
        let held = t0 + Duration::from_secs(4);
        l.credit(t0, held);
        for i in 0..200u64 {
            assert_eq!(
                l.allow(held + Duration::from_micros(i)),
                Verdict::Allowed,
                "{i}"
            );
        }

        // At the rate, after a burst that empties the bucket, nothing is ever a flood.
        let mut l = RequestLimiter::new(50);
        for i in 0..150u64 {
            let _ = l.allow(t0 + Duration::from_micros(100 * i));
        }
        for i in 0..1000u64 {
            let at = t0 + Duration::from_millis(20 * i + 100);
            assert_ne!(l.allow(at), Verdict::Flood);
        }
    }
}
