//! Group commit of stored groups' messages ([`crate::commit`]): a thread is a group (or
//! one topic of a community). A stored message is delivered from the writer, in the
//! thread's order: to the group's members here, and through the bus to the other nodes
//! holding members.

use async_trait::async_trait;
use tokio::sync::oneshot;

use liveroom_core::store::{GroupAppend, GroupAppended, Store, StoreResult};
use liveroom_core::Error;

use crate::broker::{RoomEvent, SessionAddr};
use crate::commit::{self, Kind};
use crate::loaded::RoomRef;
use crate::outbound::Frame;
use crate::Engine;

pub(crate) struct GroupMsgs;

#[async_trait]
impl Kind for GroupMsgs {
    type Append = GroupAppend;
    type Stored = GroupAppended;
    const NAME: &'static str = "group";

    fn thread(append: &GroupAppend) -> impl std::hash::Hash {
        (append.app, &append.group, &append.topic)
    }

    async fn store(store: &dyn Store, batch: &[GroupAppend]) -> StoreResult<Vec<GroupAppended>> {
        store.append_group(batch).await
    }
}

pub(crate) type GroupWriter = commit::Writer<GroupMsgs>;

/// Builds a stored message's frame from it and its number.
pub(crate) type MakeFrame = Box<dyn FnOnce(&GroupAppend, u64) -> Option<Frame> + Send>;

impl Engine {
    /// Queues a message of a stored group: once stored, the frame `make` builds from it is
    /// handed to the group's members (all but the connection `exclude`) here and on the
    /// other nodes. The answer is what the store made of it.
    pub(crate) fn store_group_message(
        &self,
        room: &RoomRef,
        append: GroupAppend,
        exclude: Option<SessionAddr>,
        make: MakeFrame,
    ) -> Result<oneshot::Receiver<Result<GroupAppended, Error>>, Error> {
        let local = self.local_session(exclude);
        let bus = self.bus();
        let room = room.clone();
        let deliver: commit::Delivery<GroupMsgs> = Box::new(move |stored_append, stored| {
            let Some(frame) = make(stored_append, stored.seq) else {
                return;
            };
            room.touch(stored_append.time);
            room.broadcast_relayed(&frame, local, None, || {
                if let Some(bus) = &bus {
                    let event = RoomEvent {
                        frame: frame.clone(),
                        exclude,
                        history: None,
                    };
                    bus.publish(&room.key(), &event);
                }
            });
        });
        self.group_writer.queue(append, deliver)
    }

    /// As [`Engine::store_group_message`], waiting for the store's answer.
    pub(crate) async fn stored_group_message(
        &self,
        room: &RoomRef,
        append: GroupAppend,
        exclude: Option<SessionAddr>,
        make: MakeFrame,
    ) -> Result<GroupAppended, Error> {
        self.store_group_message(room, append, exclude, make)?
            .await
            .map_err(|_| Error::Internal)?
    }
}
