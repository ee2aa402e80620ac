//! What travels on the bus: subject names and the room events' binary envelope.
//!
//! Room events are the hot path (one per message per room), so they are a small binary
//! header followed by the frame's bytes as the members get them; calls to owners and
//! cluster-wide events are rare and travel as JSON.

use bytes::{Buf, BufMut, Bytes, BytesMut};

use liveroom_core::group::Priority;
use liveroom_core::{AppId, GroupId, UserId};
use liveroom_engine::broker::{RoomEvent, RoomKey, SessionAddr};
use liveroom_engine::outbound::{Frame, FrameClass};

/// A group id as one subject token and KV key segment: itself when it is made of letters,
/// digits, `-` and `_` only, otherwise `=` and its bytes in hex (subjects may not hold `.`,
/// `*`, `>` or spaces; KV keys allow even fewer characters).
pub fn group_token(group: &GroupId) -> String {
    token(group.as_str())
}

/// An id as one subject token (see [`group_token`]).
fn token(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return s.to_string();
    }
    let mut out = String::with_capacity(1 + 2 * s.len());
    out.push('=');
    for b in s.bytes() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The subjects and KV names of one cluster (`prefix` keeps clusters on one NATS apart).
#[derive(Debug, Clone)]
pub struct Names {
    prefix: String,
}

impl Names {
    pub fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.to_string(),
        }
    }

    fn room_part(room: &RoomKey) -> String {
        format!("{}.{}", room.app.0, group_token(&room.group))
    }

    /// Where a room's owner publishes what its members get.
    pub fn room(&self, room: &RoomKey) -> String {
        format!("{}.room.{}", self.prefix, Self::room_part(room))
    }

    /// Where a room's owner takes calls.
    pub fn owner(&self, room: &RoomKey) -> String {
        format!("{}.own.{}", self.prefix, Self::room_part(room))
    }

    /// Where nodes report their part of a room's audience.
    pub fn presence(&self, room: &RoomKey) -> String {
        format!("{}.pres.{}", self.prefix, Self::room_part(room))
    }

    /// Where pushes to a user's devices go (one-to-one messages, read reports, typing).
    pub fn user(&self, app: AppId, user: &UserId) -> String {
        format!("{}.user.{}.{}", self.prefix, app.0, token(user.as_str()))
    }

    /// Where a node asks the others which of some users' devices they hold.
    pub fn whois(&self, app: AppId) -> String {
        format!("{}.whois.{}", self.prefix, app.0)
    }

    pub fn all_whois(&self) -> String {
        format!("{}.whois.*", self.prefix)
    }

    /// Cluster-wide events of an app.
    pub fn app(&self, app: AppId) -> String {
        format!("{}.app.{}", self.prefix, app.0)
    }

    /// Where nodes announce themselves.
    pub fn alive(&self) -> String {
        format!("{}.alive", self.prefix)
    }

    pub fn all_apps(&self) -> String {
        format!("{}.app.*", self.prefix)
    }

    /// A KV bucket of this cluster: `<prefix>-<what>` (bucket names take letters, digits,
    /// `-` and `_`).
    fn bucket(&self, what: &str) -> String {
        let clean: String = self
            .prefix
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("{clean}-{what}")
    }

    /// The KV bucket of the nodes' leases (node → epoch, gone when not renewed).
    pub fn nodes_bucket(&self) -> String {
        self.bucket("nodes")
    }

    /// The KV bucket of room owners (room → node and epoch).
    pub fn rooms_bucket(&self) -> String {
        self.bucket("rooms")
    }

    /// A room's key in the rooms bucket.
    pub fn owner_key(room: &RoomKey) -> String {
        Self::room_part(room)
    }
}

const NO_PRIORITY: u8 = 0xff;

fn class_byte(class: FrameClass) -> u8 {
    match class {
        FrameClass::Control => NO_PRIORITY,
        FrameClass::Message(p) => p as u8,
    }
}

fn class_of(b: u8) -> Option<FrameClass> {
    Some(match b {
        NO_PRIORITY => FrameClass::Control,
        0 => FrameClass::Message(Priority::Lowest),
        1 => FrameClass::Message(Priority::Low),
        2 => FrameClass::Message(Priority::Normal),
        3 => FrameClass::Message(Priority::High),
        _ => return None,
    })
}

/// A room event with its publisher and publication time (for the bus lag figure).
pub struct Envelope {
    pub origin: u64,
    pub sent_micros: u64,
    pub event: RoomEvent,
}

const VERSION: u8 = 1;

/// Layout: version, origin node, sent time (µs), exclude node and session (0 = none),
/// frame class, frame length and bytes, then optionally history time, class and bytes.
pub fn encode(origin: u64, sent_micros: u64, event: &RoomEvent) -> Bytes {
    let history_len = event
        .history
        .as_ref()
        .map_or(0, |(_, f)| 9 + 4 + f.text.len());
    let mut b = BytesMut::with_capacity(38 + event.frame.text.len() + history_len);
    b.put_u8(VERSION);
    b.put_u64(origin);
    b.put_u64(sent_micros);
    let (node, session) = event.exclude.map_or((0, 0), |a| (a.node, a.session));
    b.put_u64(node);
    b.put_u64(session);
    b.put_u8(class_byte(event.frame.class));
    b.put_u32(event.frame.text.len() as u32);
    b.put_slice(&event.frame.text);
    if let Some((time, frame)) = &event.history {
        b.put_i64(*time);
        b.put_u8(class_byte(frame.class));
        b.put_u32(frame.text.len() as u32);
        b.put_slice(&frame.text);
    }
    b.freeze()
}

/// The frame bytes share the payload's buffer (no copy).
pub fn decode(mut payload: Bytes) -> Option<Envelope> {
    if payload.len() < 38 || payload.get_u8() != VERSION {
        return None;
    }
    let origin = payload.get_u64();
    let sent_micros = payload.get_u64();
    let node = payload.get_u64();
    let session = payload.get_u64();
    let exclude = (node != 0).then_some(SessionAddr { node, session });
    let frame = take_frame(&mut payload)?;
    let history = if payload.has_remaining() {
        if payload.remaining() < 8 {
            return None;
        }
        let time = payload.get_i64();
        Some((time, take_frame(&mut payload)?))
    } else {
        None
    };
    Some(Envelope {
        origin,
        sent_micros,
        event: RoomEvent {
            frame,
            exclude,
            history,
        },
    })
}

fn take_frame(payload: &mut Bytes) -> Option<Frame> {
    if payload.remaining() < 5 {
        return None;
    }
    let class = class_of(payload.get_u8())?;
    let len = payload.get_u32() as usize;
    if payload.remaining() < len {
        return None;
    }
    let text = payload.split_to(len);
    Some(Frame { class, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_tokens_are_safe_and_distinct() {
        let t = |s: &str| group_token(&GroupId::from_trusted(s));
        assert_eq!(t("room-1_A"), "room-1_A");
        assert_eq!(t("@TGS#1a.b"), "=405447532331612e62");
        assert_ne!(t("a b"), t("a.b"));
        assert!(t("x>*").starts_with('='));
    }

    #[test]
    fn room_events_survive_the_wire() {
        let event = RoomEvent {
            frame: Frame::new(FrameClass::Message(Priority::High), "{\"op\":1}".into()),
            exclude: Some(SessionAddr {
                node: 7,
                session: 9,
            }),
            history: Some((
                42,
                Frame::new(FrameClass::Message(Priority::High), "{\"h\":1}".into()),
            )),
        };
        let back = decode(encode(3, 11, &event)).expect("decodes");
        assert_eq!((back.origin, back.sent_micros), (3, 11));
        assert_eq!(back.event.exclude, event.exclude);
        assert_eq!(back.event.frame.class, event.frame.class);
        assert_eq!(back.event.frame.text, event.frame.text);
        let (time, h) = back.event.history.expect("history");
        assert_eq!((time, &h.text[..]), (42, &b"{\"h\":1}"[..]));

        let tip = RoomEvent {
            frame: Frame::control("{}".into()),
            exclude: None,
            history: None,
        };
        let back = decode(encode(1, 2, &tip)).expect("decodes");
        assert!(back.event.exclude.is_none() && back.event.history.is_none());
        assert_eq!(back.event.frame.class, FrameClass::Control);
        assert!(decode(Bytes::from_static(b"\x01short")).is_none());
        let mut cut = encode(1, 2, &event).to_vec();
        cut.truncate(cut.len() - 3);
        assert!(decode(Bytes::from(cut)).is_none());
    }
}
