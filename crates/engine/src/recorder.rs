//! `HistoryRecorder`: the durable step of the message path, with group commit.
//!
//! A message of a room that keeps a short history is written to the store *before* it is
//! handed to the members, and acknowledged only after both: a message is either stored,
//! delivered and acknowledged, or none of the three. Messages admitted by the rooms' gates
//! queue here in admission order; a writer task takes everything queued (up to `BATCH_MAX`),
//! writes it in one transaction, then hands each message out in the same order. While a
//! commit runs the next batch gathers, so the delay a message waits is bounded by one
//! commit and the store sees one transaction per batch, not per message.
//!
//! The rooms are split among `WRITERS` writer tasks by a hash of their app and group id. The
//! batches of different shards commit at the same time on separate connections (a database
//! server overlaps their round trips and flushes; SQLite, with one writer, takes them in
//! turn), while a room, always written by the same task, keeps its order, and its trimming
//! to the newest N stays exact.
//!
//! A failed write fails every message of its batch: none of them is delivered, each sender
//! gets a coded error, and its `Random` stays free for the retry.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::sync::Arc;
use tokio::sync::mpsc;

use liveroom_core::store::{HistoryRecord, Store};
use liveroom_core::{AppId, Error, GroupId};

use crate::loaded::RoomRef;
use crate::messages::Pending;

/// Most messages written in one transaction.
const BATCH_MAX: usize = 1024;

/// Writer tasks, each owning the rooms whose hash falls in its shard.
const WRITERS: usize = 4;

/// One admitted message waiting for its write.
pub(crate) struct Job {
    pub room: RoomRef,
    pub pending: Pending,
    /// Taken (not copied) when the batch is written.
    pub record: Option<HistoryRecord>,
    /// The app's `history_count` when the message was sent.
    pub keep: u32,
}

#[derive(Clone)]
pub(crate) struct HistoryRecorder {
    shards: Arc<[mpsc::UnboundedSender<Job>]>,
}

impl HistoryRecorder {
    /// Starts the writer tasks on the current runtime.
    pub(crate) fn start(store: Arc<dyn Store>) -> Self {
        let shards = (0..WRITERS)
            .map(|_| {
                let (tx, rx) = mpsc::unbounded_channel();
                tokio::spawn(run(store.clone(), rx));
                tx
            })
            .collect();
        Self { shards }
    }

    /// Queues an admitted message. Called in the room's admission order (under its gate),
    /// which is the order the members get it in.
    pub(crate) fn record(&self, job: Job) {
        let shard = &self.shards[shard_of(job.room.app, &job.room.id, self.shards.len())];
        if let Err(mpsc::error::SendError(job)) = shard.send(job) {
            // The writer is gone (the runtime is shutting down): nothing is stored, so
            // nothing is delivered.
            job.pending.fail(Error::Internal);
        }
    }
}

/// The shard of a group: the same for every room ever created under one app and group id,
/// so a re-created group's messages queue behind those of the dismissed one.
fn shard_of(app: AppId, group: &GroupId, shards: usize) -> usize {
    // A fixed-key hasher: the spread needs no protection from chosen ids, only stability.
    let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one((app, group));
    (hash % shards as u64) as usize
}

async fn run(store: Arc<dyn Store>, mut rx: mpsc::UnboundedReceiver<Job>) {
    let mut batch: Vec<Job> = Vec::with_capacity(64);
    while rx.recv_many(&mut batch, BATCH_MAX).await > 0 {
        let failed = write(store.as_ref(), &mut batch).await;
        for job in batch.drain(..) {
            if failed.contains(&job.keep) {
                job.pending.fail(Error::Internal);
            } else if job.room.is_destroyed() {
                // Dismissed while its message was on the way: it must not reach anyone, nor
                // the history of a group re-created under the same id.
                let group = job.room.id.to_string();
                job.pending.fail(Error::GroupNotFound(group));
            } else {
                job.pending.deliver(&job.room);
            }
        }
    }
}

/// Writes a batch, one transaction per history length among its apps (usually one);
/// returns the lengths whose transaction failed.
async fn write(store: &dyn Store, batch: &mut [Job]) -> BTreeSet<u32> {
    let mut by_keep: BTreeMap<u32, Vec<HistoryRecord>> = BTreeMap::new();
    for job in batch.iter_mut().filter(|j| !j.room.is_destroyed()) {
        if let Some(record) = job.record.take() {
            by_keep.entry(job.keep).or_default().push(record);
        }
    }
    let mut failed = BTreeSet::new();
    for (keep, records) in by_keep {
        let started = std::time::Instant::now();
        match store.append_history(&records, keep).await {
            Ok(()) => crate::metrics::history_batch(records.len(), started.elapsed()),
            Err(e) => {
                tracing::error!(error = %e, messages = records.len(), "history write failed; its messages are refused");
                crate::metrics::history_write_failed();
                failed.insert(keep);
            }
        }
    }
    failed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_keeps_its_shard_and_groups_spread() {
        let app = AppId(1_400_000_001);
        let mut per_shard = [0_usize; WRITERS];
        for n in 0..2000 {
            let group = GroupId::from_trusted(&format!("room{n}"));
            let shard = shard_of(app, &group, WRITERS);
            assert_eq!(shard, shard_of(app, &group.clone(), WRITERS));
            per_shard[shard] += 1;
        }
        // An even split is 500 a shard.
        assert!(
            per_shard.iter().all(|&n| (400..=600).contains(&n)),
            "{per_shard:?}"
        );
        // The same id in another app is another group.
        let spread: BTreeSet<usize> = (0..64)
            .map(|a| shard_of(AppId(a), &GroupId::from_trusted("room"), WRITERS))
            .collect();
        assert_eq!(spread.len(), WRITERS);
    }
}
