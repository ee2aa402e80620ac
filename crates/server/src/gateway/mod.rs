//! The WebSocket gateway (`/ws`): one task reads requests and calls the engine, one task
//! writes whatever the session's outbound queue holds, all of it per wake-up with a single
//! flush. docs/protocol.md describes the frames.
//!
//! Layout: this file holds the connection (upgrade, reader, writer, closing);
//! [`limiter`] a connection's request budget; [`ops`] what each request runs and the typed
//! replies it answers with.

mod chat;
mod groups;
mod limiter;
mod ops;
mod social;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::task::TaskTracker;

use liveroom_core::protocol::{KickReason, Kicked, Op, Push, Request, MAX_CLIENT_FRAME_BYTES};
use liveroom_core::Error;
use liveroom_engine::session::SessionRef;
use liveroom_engine::{ClientSend, Engine};

use crate::proxy::ClientIp;
use crate::AppState;
use limiter::{RequestLimiter, Verdict};
use liveroom_core::Service;
use ops::{answer, answer_in, dispatch, reply_err, reply_err_in, send_reply};

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
        online_only,
        no_unread,
        no_last_msg,
        need_read_receipt,
        at_info,
        topic_id,
        extensible,
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
            stored: liveroom_engine::StoredSend {
                online_only,
                no_unread,
                no_last_msg,
                need_read_receipt,
                at_info: at_info.map(|v| v.to_string()).unwrap_or_default(),
                offline_push: String::new(),
                topic: topic_id.unwrap_or_default(),
                extensible,
            },
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
            let result = engine.send_group_msg(app, send).await.and_then(send_reply);
            answer(&session, id, result);
            drop(permit);
        });
        return;
    }
    if let Op::SendC2c(req) = req.op {
        let mut send = match chat::client_send(session, req) {
            Ok(send) => send,
            Err(e) => return reply_err_in(session, id, &e, Service::Openim),
        };
        let Some(app) = session.app() else {
            return;
        };
        let Ok(permit) = conn.in_flight.clone().acquire_owned().await else {
            return;
        };
        // Taken here, in request order, so the connection's messages keep their order.
        send.turn = Some(session.take_turn());
        let (engine, session) = (conn.engine.clone(), session.clone());
        conn.tasks.spawn(async move {
            let result = engine
                .send_c2c(app, send)
                .await
                .and_then(|receipt| ops::data(receipt).map(Some));
            answer_in(&session, id, result, Service::Openim);
            drop(permit);
        });
        return;
    }
    let service = req.op.service();
    if service != Service::Group {
        let result = Box::pin(dispatch(&conn.engine, session, id, req.op)).await;
        return answer_in(session, id, result, service);
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
}
