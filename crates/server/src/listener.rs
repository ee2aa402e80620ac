//! The HTTP listener: connection limits, a deadline for the first request, and TCP
//! connections whose over-long requests still get the envelope.
//!
//! Limits: a client address (other than a trusted proxy's) holds at most
//! `gateway.max_connections_per_ip` connections, and the process at most its file limit less
//! a reserve (`gateway.reserved_fds`) kept for the store, webhooks and the connections it
//! has; a connection over either limit is closed as soon as it is accepted. A connection must
//! send a request that gets an answer within `gateway.handshake_timeout_secs` (default 10 s),
//! or it is closed: half-open handshakes cannot pile up.
//!
//! hyper refuses a request line over 65534 bytes (414) and a request head over its buffer
//! (431) itself, before any route runs, with an empty body; a REST client would then see
//! an answer it cannot read. [`Connection`] recognises exactly those automatic answers as
//! hyper writes them (the first bytes written for a response: its status line, an empty
//! body) and writes the same status with the REST envelope instead (60002). Every other
//! byte passes through untouched.

use dashmap::DashMap;
use serde_json::json;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use liveroom_core::{Error, Service};

use crate::proxy::TrustedProxies;

/// Accepts TCP connections as [`Connection`]s, within the limits.
pub struct HttpListener {
    pub listener: TcpListener,
    pub limits: Arc<Limits>,
}

/// What the listener allows, and what it holds now.
pub struct Limits {
    per_ip: usize,
    total: usize,
    handshake: Duration,
    proxies: Arc<TrustedProxies>,
    open: AtomicUsize,
    by_ip: DashMap<IpAddr, usize>,
}

impl Limits {
    /// `per_ip` connections per client address (0: no limit), `total` in all.
    pub fn new(
        per_ip: usize,
        total: usize,
        handshake: Duration,
        proxies: Arc<TrustedProxies>,
    ) -> Self {
        Self {
            per_ip,
            total,
            handshake,
            proxies,
            open: AtomicUsize::new(0),
            by_ip: DashMap::new(),
        }
    }

    /// Counts a new connection from `ip`, or says which limit it is over.
    fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Slot, &'static str> {
        if self.open.fetch_add(1, Ordering::AcqRel) >= self.total {
            self.open.fetch_sub(1, Ordering::AcqRel);
            return Err("the server's connection limit");
        }
        let counted = self.per_ip > 0 && !self.proxies.contains(ip);
        if counted {
            let mut n = self.by_ip.entry(ip).or_insert(0);
            if *n >= self.per_ip {
                drop(n);
                self.open.fetch_sub(1, Ordering::AcqRel);
                return Err("the per-address connection limit");
            }
            *n += 1;
        }
        Ok(Slot {
            limits: self.clone(),
            ip: counted.then_some(ip),
        })
    }
}

/// A connection's place within the limits, given back when it closes.
struct Slot {
    limits: Arc<Limits>,
    ip: Option<IpAddr>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.limits.open.fetch_sub(1, Ordering::AcqRel);
        if let Some(ip) = self.ip {
            if let dashmap::mapref::entry::Entry::Occupied(mut e) = self.limits.by_ip.entry(ip) {
                *e.get_mut() -= 1;
                if *e.get() == 0 {
                    e.remove();
                }
            }
        }
    }
}

impl axum::serve::Listener for HttpListener {
    type Io = Connection;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Connection, SocketAddr) {
        loop {
            // axum's accept backs off for a second on errors such as "too many open files".
            let (stream, addr) = axum::serve::Listener::accept(&mut self.listener).await;
            match self.limits.admit(addr.ip()) {
                Ok(slot) => {
                    let _ = stream.set_nodelay(true);
                    let deadline = Box::pin(tokio::time::sleep(self.limits.handshake));
                    let conn = Connection {
                        stream,
                        replacement: None,
                        first_request: Some(deadline),
                        _slot: slot,
                    };
                    return (conn, addr);
                }
                Err(limit) => {
                    crate::metrics_refused(limit);
                    tracing::debug!(peer = %addr, limit, "connection refused");
                    // Dropped at once: the descriptor is free again.
                    drop(stream);
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

/// One client connection (see the module header).
pub struct Connection {
    stream: TcpStream,
    /// The envelope answer written in place of hyper's, and how much of it is out.
    replacement: Option<(Vec<u8>, usize)>,
    /// Until the server first writes (its answer to the first request, or the WebSocket
    /// upgrade), the time the client has left; reads fail once it is over.
    first_request: Option<Pin<Box<tokio::time::Sleep>>>,
    _slot: Slot,
}

/// hyper's automatic answers this rewrites: its status line and what went wrong.
const AUTOMATIC: [(&[u8], &str); 2] = [
    (
        b"HTTP/1.1 414 URI Too Long\r\n",
        "the URL is too long; the limit is 65534 bytes (send the data in the body)",
    ),
    (
        b"HTTP/1.1 431 Request Header Fields Too Large\r\n",
        "the request's headers are too large",
    ),
];

/// The envelope answer for a write that is one of hyper's automatic answers.
fn replacement_for(written: &[u8]) -> Option<Vec<u8>> {
    let (status_line, why) = AUTOMATIC
        .iter()
        .find(|(line, _)| written.starts_with(line))?;
    // An automatic answer is a bare head: no body follows its blank line.
    if !written.ends_with(b"\r\n\r\n")
        || !written
            .windows(b"content-length: 0\r\n".len())
            .any(|w| w.eq_ignore_ascii_case(b"content-length: 0\r\n"))
    {
        return None;
    }
    let error = Error::MalformedHttp((*why).to_string());
    let body = json!({
        "ActionStatus": "FAIL",
        "ErrorCode": error.code(Service::Extension),
        "ErrorInfo": error.to_string(),
    })
    .to_string();
    let mut out = status_line.to_vec();
    out.extend_from_slice(
        format!(
            "content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(body.as_bytes());
    Some(out)
}

impl Connection {
    /// Writes what is left of the replacement answer.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, done)) = &mut self.replacement {
            if *done == bytes.len() {
                break;
            }
            let n = ready!(Pin::new(&mut self.stream).poll_write(cx, &bytes[*done..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *done += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Some(deadline) = self.first_request.as_mut() {
            if deadline.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no request within the handshake timeout",
                )));
            }
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        this.first_request = None;
        if this.replacement.is_none() {
            if let Some(answer) = replacement_for(buf) {
                this.replacement = Some((answer, 0));
            }
        }
        if this.replacement.is_some() {
            // hyper closes the connection after its automatic answer; nothing else goes out.
            ready!(this.poll_replacement(cx))?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        this.first_request = None;
        if this.replacement.is_none() {
            if let Some(answer) = bufs.first().and_then(|b| replacement_for(b)) {
                this.replacement = Some((answer, 0));
            }
        }
        if this.replacement.is_some() {
            ready!(this.poll_replacement(cx))?;
            return Poll::Ready(Ok(bufs.iter().map(|b| b.len()).sum()));
        }
        Pin::new(&mut this.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_replacement(cx))?;
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_replacement(cx))?;
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::replacement_for;

    #[test]
    fn only_hyper_automatic_answers_are_replaced() {
        let auto = b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\ndate: Mon, 07 Dec 2026 10:00:00 GMT\r\n\r\n";
        let answer = String::from_utf8(replacement_for(auto).expect("replaced")).expect("utf-8");
        assert!(
            answer.starts_with("HTTP/1.1 414 URI Too Long\r\n"),
            "{answer}"
        );
        assert!(
            answer.contains("content-type: application/json\r\n"),
            "{answer}"
        );
        assert!(answer.contains("\"ErrorCode\":60002"), "{answer}");
        for other in [
            &b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 2\r\n\r\n{}",
            b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 5\r\n\r\n",
            b"{\"ActionStatus\":\"OK\"}",
        ] {
            assert!(replacement_for(other).is_none());
        }
    }
}
