//! A minimal WebSocket client for load generation: the handshake, masked writes and a
//! reader that hands out frame payloads straight from its buffer. A load tool that
//! receives a million frames a second on one core cannot afford a copy, a UTF-8 check and
//! an allocation per frame, so it does none of them; everything else about the protocol
//! (fragmentation, extensions) is left out on purpose.

use anyhow::{bail, Context, Result};
use base64::Engine as _;
use std::net::{Ipv4Addr, SocketAddr};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpSocket;

/// Longest a TCP connect or the opening handshake may take.
pub const HANDSHAKE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

pub const OP_TEXT: u8 = 1;
pub const OP_BINARY: u8 = 2;
pub const OP_CLOSE: u8 = 8;
pub const OP_PING: u8 = 9;
pub const OP_PONG: u8 = 10;

/// Where to connect and what to ask for.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub addr: SocketAddr,
    /// Path and query, e.g. `/ws`.
    pub path: String,
    pub protocol: Option<String>,
}

pub struct WsReader {
    half: OwnedReadHalf,
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

pub struct WsWriter {
    half: OwnedWriteHalf,
    out: Vec<u8>,
}

/// One frame from the server; the payload borrows the reader's buffer.
pub struct Frame<'a> {
    pub opcode: u8,
    pub payload: &'a [u8],
}

/// Opens a TCP connection from `source` (any port) and performs the opening handshake.
pub async fn connect(source: Ipv4Addr, ep: &Endpoint) -> Result<(WsReader, WsWriter)> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source.into(), 0))?;
    // Small kernel buffers: tens of thousands of sockets live in this one process.
    socket.set_recv_buffer_size(64 * 1024)?;
    // Bounded, so a run always ends: a server that stops accepting fails the viewer.
    let stream = tokio::time::timeout(HANDSHAKE_TIMEOUT, socket.connect(ep.addr))
        .await
        .with_context(|| format!("connect {} from {source}: timed out", ep.addr))?
        .with_context(|| format!("connect {} from {source}", ep.addr))?;
    stream.set_nodelay(true)?;
    let (read, mut write) = stream.into_split();

    let key = base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 16]>());
    let mut req = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n",
        ep.path, ep.addr
    );
    if let Some(p) = &ep.protocol {
        req.push_str(&format!("Sec-WebSocket-Protocol: {p}\r\n"));
    }
    req.push_str("\r\n");
    write.write_all(req.as_bytes()).await?;

    let mut reader = WsReader {
        half: read,
        buf: vec![0; 8 * 1024],
        start: 0,
        end: 0,
    };
    let head_end = loop {
        if let Some(i) = memchr::memmem::find(&reader.buf[..reader.end], b"\r\n\r\n") {
            break i + 4;
        }
        if reader.end == reader.buf.len() {
            bail!("handshake response too long");
        }
        let read = reader.half.read(&mut reader.buf[reader.end..]);
        let n = tokio::time::timeout(HANDSHAKE_TIMEOUT, read)
            .await
            .context("handshake timed out")??;
        if n == 0 {
            bail!("connection closed during the handshake");
        }
        reader.end += n;
    };
    let head = String::from_utf8_lossy(&reader.buf[..head_end]);
    let status = head.lines().next().unwrap_or_default();
    if !status.contains(" 101") {
        bail!("handshake refused: {status}");
    }
    reader.start = head_end;
    Ok((
        reader,
        WsWriter {
            half: write,
            out: Vec::with_capacity(256),
        },
    ))
}

impl WsReader {
    /// The next whole frame. Continuation frames are returned as they are (their opcode
    /// is 0); the servers measured here send small messages unfragmented.
    pub async fn next(&mut self) -> Result<Frame<'_>> {
        loop {
            if let Some((opcode, from, to)) = self.parse()? {
                self.start = to;
                return Ok(Frame {
                    opcode,
                    payload: &self.buf[from..to],
                });
            }
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            if self.end == self.buf.len() {
                let grown = self.buf.len() * 2;
                self.buf.resize(grown, 0);
            }
            let n = self.half.read(&mut self.buf[self.end..]).await?;
            if n == 0 {
                bail!("connection closed");
            }
            self.end += n;
        }
    }

    /// `(opcode, payload start, payload end)` of a complete frame at `start`, if any.
    fn parse(&self) -> Result<Option<(u8, usize, usize)>> {
        let b = &self.buf[self.start..self.end];
        if b.len() < 2 {
            return Ok(None);
        }
        let opcode = b[0] & 0x0f;
        let masked = b[1] & 0x80 != 0;
        let (len, mut at) = match b[1] & 0x7f {
            126 if b.len() >= 4 => (u16::from_be_bytes([b[2], b[3]]) as usize, 4),
            127 if b.len() >= 10 => {
                let mut n = [0u8; 8];
                n.copy_from_slice(&b[2..10]);
                (usize::try_from(u64::from_be_bytes(n))?, 10)
            }
            126 | 127 => return Ok(None),
            n => (n as usize, 2),
        };
        if masked {
            bail!("the server sent a masked frame");
        }
        if len > 16 * 1024 * 1024 {
            bail!("frame of {len} bytes");
        }
        if b.len() < at + len {
            return Ok(None);
        }
        at += self.start;
        Ok(Some((opcode, at, at + len)))
    }
}

impl WsWriter {
    /// Writes one masked frame.
    pub async fn send(&mut self, opcode: u8, payload: &[u8]) -> Result<()> {
        self.out.clear();
        self.out.push(0x80 | opcode);
        match payload.len() {
            n if n < 126 => self.out.push(0x80 | n as u8),
            n if n <= u16::MAX as usize => {
                self.out.push(0x80 | 126);
                self.out.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                self.out.push(0x80 | 127);
                self.out.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        let mask: [u8; 4] = rand::random();
        self.out.extend_from_slice(&mask);
        let at = self.out.len();
        self.out.extend_from_slice(payload);
        for (i, byte) in self.out[at..].iter_mut().enumerate() {
            *byte ^= mask[i & 3];
        }
        self.half.write_all(&self.out).await?;
        Ok(())
    }

    pub async fn text(&mut self, text: &str) -> Result<()> {
        self.send(OP_TEXT, text.as_bytes()).await
    }

    /// Sends a close frame; the server's answer is not awaited.
    pub async fn close(&mut self) {
        let _ = self.send(OP_CLOSE, &1000u16.to_be_bytes()).await;
        let _ = self.half.shutdown().await;
    }
}
