//! The one-to-one pushes, written once per receiving side.

use serde::Serialize;
use serde_json::value::RawValue;

use liveroom_core::chat::{flags, C2cRecord};
use liveroom_core::protocol::chat::{C2cFrame, C2cReadPush, C2cRecalledPush, TypingPush};

use crate::outbound::Frame;

/// What a frame of a message says beyond the stored record.
pub(crate) struct Extra {
    pub op: &'static str,
    pub online_only: bool,
    /// The receiving side's unread count (the receiver's frame only).
    pub unread: Option<u64>,
}

/// A stored message as a frame (`op` `c2c` or `c2c_modified`), or its JSON as a page item
/// (`op` empty).
pub(crate) fn message_json(m: &C2cRecord, extra: &Extra) -> Option<String> {
    let body = RawValue::from_string(m.body.clone()).ok()?;
    let frame = C2cFrame {
        op: (!extra.op.is_empty()).then_some(extra.op),
        from: m.from.as_str(),
        to: m.to.as_str(),
        seq: m.seq,
        msg_key: m.key().to_string(),
        msg_seq: m.client_seq,
        msg_random: m.random,
        msg_time: m.time,
        nick: &m.nick,
        avatar: &m.avatar,
        msg_body: &body,
        cloud_custom_data: &m.cloud_custom_data,
        need_read_receipt: m.has(flags::NEEDS_RECEIPT),
        online_only: extra.online_only,
        recalled: m.has(flags::RECALLED),
        edited: m.has(flags::EDITED),
        unread: extra.unread,
    };
    serde_json::to_string(&frame).ok()
}

/// Control class: a one-to-one message is never dropped for a faster one (a slow
/// connection is closed instead, and catches up by number when it is back).
pub(crate) fn message(m: &C2cRecord, extra: &Extra) -> Option<Frame> {
    message_json(m, extra).map(Frame::control)
}

/// A control frame: `op` followed by `view`'s fields.
pub(crate) fn control<T: Serialize>(op: &'static str, view: &T) -> Option<Frame> {
    #[derive(Serialize)]
    struct Tagged<'a, T> {
        op: &'static str,
        #[serde(flatten)]
        view: &'a T,
    }
    serde_json::to_string(&Tagged { op, view })
        .ok()
        .map(Frame::control)
}

pub(crate) fn recalled(p: &C2cRecalledPush) -> Option<Frame> {
    control("c2c_recalled", p)
}

pub(crate) fn read(p: &C2cReadPush) -> Option<Frame> {
    control("c2c_read", p)
}

pub(crate) fn typing(p: &TypingPush) -> Option<Frame> {
    control("typing", p)
}
