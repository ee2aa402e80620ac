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
//! to the newest N stays exact. The writers run on a thread of their own (see
//! [`HistoryRecorder::start`]).
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

/// Writer tasks, each owning the rooms whose hash falls in its shard. Two let one batch
/// commit while the other is handed out; more only make smaller batches, hence more
/// statements and more database work for the same rows.
const WRITERS: usize = 2;

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
    /// Starts the writers (called on the engine's runtime). Where the store has a history
    /// writer of its own (PostgreSQL: a pool whose connections belong to the runtime that
    /// first uses them), the writers run on a thread and runtime of their own, so that a
    /// batch's statement never waits behind the connections' work on a busy runtime (on one
    /// core, every answer otherwise waits its turn among thousands of connections' tasks);
    /// their hand-outs still run in the engine runtime's context, where anything they start
    /// belongs. That thread ends once the recorder is dropped and its queues are drained.
    pub(crate) async fn start(store: Arc<dyn Store>) -> Self {
        let engine = tokio::runtime::Handle::current();
        let (shards, queues): (Vec<_>, Vec<_>) =
            (0..WRITERS).map(|_| mpsc::unbounded_channel()).unzip();
        let apart = match store.history_writer().await {
            Ok(apart) => apart,
            Err(e) => {
                tracing::warn!(error = %e, "no history writer of its own; writing through the shared store");
                None
            }
        };
        let writing = Writing {
            store: apart.clone().unwrap_or(store),
            queues,
            engine,
        };
        match apart {
            Some(_) => writing.start_thread(),
            None => drop(tokio::spawn(writing.run())),
        }
        Self {
            shards: shards.into(),
        }
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

/// The writers of every shard, before they start.
struct Writing {
    store: Arc<dyn Store>,
    queues: Vec<mpsc::UnboundedReceiver<Job>>,
    /// The engine's runtime, whose context hand-outs run in.
    engine: tokio::runtime::Handle,
}

impl Writing {
    /// Runs the writers on a new thread, or on the engine's runtime if none can start.
    fn start_thread(self) {
        // The writers are handed over once the thread runs, so they stay here if it does
        // not.
        let (hand_over, taken) = std::sync::mpsc::channel::<Writing>();
        let started = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .and_then(|runtime| {
                std::thread::Builder::new()
                    .name("liveroom-history".into())
                    .spawn(move || {
                        if let Ok(writing) = taken.recv() {
                            runtime.block_on(writing.run());
                        }
                    })
            });
        match started {
            // The thread waits for them; were it gone, the closed queues would refuse
            // every message (nothing stored, nothing delivered).
            Ok(_) => drop(hand_over.send(self)),
            Err(e) => {
                tracing::warn!(error = %e, "history writers run on the engine's runtime");
                tokio::spawn(self.run());
            }
        }
    }

    /// Runs every writer on the calling runtime until their queues close.
    async fn run(self) {
        let tasks: Vec<_> = self
            .queues
            .into_iter()
            .map(|jobs| tokio::spawn(run(self.store.clone(), jobs, self.engine.clone())))
            .collect();
        for t in tasks {
            let _ = t.await;
        }
    }
}

/// A writer: takes everything queued, writes it, hands it out, and again.
async fn run(
    store: Arc<dyn Store>,
    mut jobs: mpsc::UnboundedReceiver<Job>,
    engine: tokio::runtime::Handle,
) {
    let mut batch: Vec<Job> = Vec::with_capacity(64);
    while jobs.recv_many(&mut batch, BATCH_MAX).await > 0 {
        let failed = write(store.as_ref(), &mut batch).await;
        let _engine = engine.enter();
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
        // Within a fifth of an even split.
        let even = 2000 / WRITERS;
        assert!(
            per_shard
                .iter()
                .all(|&n| (even * 4 / 5..=even * 6 / 5).contains(&n)),
            "{per_shard:?}"
        );
        // The same id in another app is another group.
        let spread: BTreeSet<usize> = (0..64)
            .map(|a| shard_of(AppId(a), &GroupId::from_trusted("room"), WRITERS))
            .collect();
        assert_eq!(spread.len(), WRITERS);
    }
}
