//! A message between its admission and its delivery: waiting at the frequency gate and
//! for its history write ([`Pending`]), and its frame ([`Outgoing`]).

use super::*;
use liveroom_core::store::group_flags;

/// A message waiting at the frequency gate.
pub(crate) struct Pending {
    pub(super) frame: Frame,
    /// The sender's connection (which does not get its own message back).
    pub(super) exclude: Option<SessionAddr>,
    /// Cluster mode: the bus the message goes on to the room's other nodes.
    pub(super) relay: Option<Arc<dyn Broker>>,
    /// The message as newcomers will see it, when the room keeps a short history.
    pub(super) history: Option<(i64, Frame)>,
    /// What the store keeps, and the app's history length: written before delivery.
    pub(super) record: Option<(HistoryRecord, u32)>,
    pub(crate) done: oneshot::Sender<Delivery>,
}

/// What became of a message offered to its room.
pub(crate) enum Delivery {
    Delivered,
    /// Frequency control dropped it.
    Dropped,
    /// It could not be stored (or its room went away): nobody got it.
    Failed(Error),
}

impl Pending {
    /// Hands the message to the members (and its history form to the short history) and
    /// tells the sender.
    pub(crate) fn deliver(self, room: &Room) {
        let Pending {
            frame,
            exclude,
            relay,
            history,
            record: _,
            done,
        } = self;
        match relay {
            None => {
                let local = exclude.map(|a| a.session);
                room.broadcast_recorded(&frame, local, history);
            }
            Some(bus) => {
                let node = bus.node();
                let local = exclude.filter(|a| a.node == node).map(|a| a.session);
                let event = RoomEvent {
                    frame: frame.clone(),
                    exclude,
                    history: history.clone(),
                };
                let key = room.key();
                room.broadcast_relayed(&frame, local, history, || bus.publish(&key, &event));
            }
        }
        let _ = done.send(Delivery::Delivered);
    }

    pub(crate) fn fail(self, e: Error) {
        let _ = self.done.send(Delivery::Failed(e));
    }
}

/// A message ready to serialize, live or as history.
pub(crate) struct Outgoing<'a> {
    pub group: &'a str,
    pub from: &'a str,
    pub nick: &'a str,
    pub avatar: &'a str,
    pub level: u32,
    pub seq: u64,
    pub time: i64,
    pub random: u32,
    pub priority: Priority,
    pub body: &'a RawValue,
    pub cloud_custom_data: &'a str,
    /// A topic of a community (empty: the group itself).
    pub topic: &'a str,
    /// `GroupAtInfo` (stored groups).
    pub at_info: Option<&'a RawValue>,
    /// Stored groups: the group's type and the message's `group_flags`.
    pub stored: Option<(&'a str, i64)>,
}

impl Outgoing<'_> {
    pub(crate) fn frame(&self, history: bool) -> Result<Frame, Error> {
        let text = serde_json::to_string(&MessageFrame {
            op: "message",
            group_id: self.group,
            from_account: self.from,
            nick: self.nick,
            avatar: self.avatar,
            level: self.level,
            msg_seq: self.seq,
            msg_time: self.time,
            msg_random: self.random,
            priority: self.priority.as_str(),
            msg_body: self.body,
            cloud_custom_data: self.cloud_custom_data,
            history,
            topic_id: self.topic,
            at_info: self.at_info,
            group_type: self.stored.map_or("", |(t, _)| t),
            no_unread: self
                .stored
                .is_some_and(|(_, f)| f & group_flags::NO_UNREAD != 0),
            no_last_msg: self
                .stored
                .is_some_and(|(_, f)| f & group_flags::NO_LAST_MSG != 0),
            need_read_receipt: self
                .stored
                .is_some_and(|(_, f)| f & group_flags::READ_RECEIPT != 0),
        })
        .map_err(|_| Error::Internal)?;
        Ok(Frame::new(FrameClass::Message(self.priority), text))
    }
}
