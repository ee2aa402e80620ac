//! A room's `MsgSeq` numbers: taken from the store a block at a time, handed out one by
//! one by the room's decider.

use super::*;

/// Message sequence numbers reserved in the store at a time.
const SEQ_BLOCK: u64 = 1000;

pub(super) struct SeqBlock {
    pub(super) next: u64,
    pub(super) ceiling: u64,
}

impl Engine {
    pub(super) async fn next_seq(&self, room: &RoomRef) -> Result<u64, Error> {
        let mut block = room.sending.seq.lock().await;
        fill_seq_block(self.store.as_ref(), room, &mut block).await?;
        let seq = block.next;
        block.next += 1;
        Ok(seq)
    }
}

/// Takes a block of MsgSeq numbers for `room` in the background if it holds none, so that
/// its first message does not wait for the store's write (when a room is loaded, or taken
/// over by this node). A message sent meanwhile waits for this block, not for another.
pub(crate) fn ready_seq_block(store: Arc<dyn Store>, room: RoomRef) {
    tokio::spawn(async move {
        let mut block = room.sending.seq.lock().await;
        if let Err(e) = fill_seq_block(store.as_ref(), &room, &mut block).await {
            // The first message tries again.
            tracing::debug!(group = %room.id, error = ?e, "no MsgSeq block taken ahead");
        }
    });
}

/// Makes sure `block` has a number to give: a fresh block from the store when the held one
/// is used up (or may have been used elsewhere).
pub(super) async fn fill_seq_block(
    store: &dyn Store,
    room: &RoomRef,
    block: &mut SeqBlock,
) -> Result<(), Error> {
    if room.sending.seq_stale.swap(false, Ordering::AcqRel) {
        block.next = 1;
        block.ceiling = 0;
    }
    if block.next > block.ceiling {
        let ceiling = store
            .raise_msg_seq_ceiling(room.app, &room.id, SEQ_BLOCK)
            .await
            .map_err(|e| {
                tracing::error!(group = %room.id, error = %e, "raising the MsgSeq ceiling failed");
                Error::Internal
            })?;
        block.ceiling = ceiling;
        block.next = block.next.max(ceiling + 1 - SEQ_BLOCK);
    }
    Ok(())
}
