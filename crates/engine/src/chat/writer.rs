//! Group commit of one-to-one messages: sends queue here, a writer task stores everything
//! queued (up to `BATCH_MAX`) in one transaction, then runs each message's delivery in
//! the queue's order and wakes its sender. While one batch commits the next gathers, so a
//! message waits at most about one commit, and the store sees one transaction per batch.
//!
//! Conversations are split among `WRITERS` writer tasks by a hash of their pair of users:
//! the batches of different writers commit at the same time on separate connections (a
//! database server overlaps them; SQLite takes them in turn), while a conversation, always
//! written by the same task, is numbered in the order its messages were queued and
//! delivered in that order. A failed write fails each message of its batch (nothing
//! delivered, every sender told).

use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use tokio::sync::{mpsc, oneshot};

use liveroom_core::chat::Pair;

use liveroom_core::store::{C2cAppend, C2cAppended, Store};
use liveroom_core::Error;
use std::sync::Arc;

/// Most messages stored in one transaction.
const BATCH_MAX: usize = 512;
/// Writer tasks (one measured PostgreSQL commit of a full batch took about 70 ms; four
/// overlap them).
const WRITERS: usize = 4;

/// Runs once the message is stored (with the message and its number), before its sender
/// is answered.
pub(crate) type Delivery = Box<dyn FnOnce(&C2cAppend, &C2cAppended) + Send>;

struct Job {
    append: C2cAppend,
    deliver: Delivery,
    done: oneshot::Sender<Result<C2cAppended, Error>>,
}

#[derive(Clone)]
pub(crate) struct C2cWriter {
    queues: Arc<[mpsc::UnboundedSender<Job>]>,
}

impl C2cWriter {
    pub(crate) fn start(store: Arc<dyn Store>) -> Self {
        let queues = (0..WRITERS)
            .map(|_| {
                let (queue, rx) = mpsc::unbounded_channel();
                tokio::spawn(write(store.clone(), rx));
                queue
            })
            .collect();
        Self { queues }
    }

    /// Queues `append` to be stored, then `deliver`ed; the answer says what the store
    /// made of it.
    pub(crate) fn queue(
        &self,
        append: C2cAppend,
        deliver: Delivery,
    ) -> Result<oneshot::Receiver<Result<C2cAppended, Error>>, Error> {
        let (done, answer) = oneshot::channel();
        let pair = Pair::of(&append.from, &append.to);
        let shard = BuildHasherDefault::<DefaultHasher>::default().hash_one((append.app, pair))
            as usize
            % self.queues.len();
        self.queues[shard]
            .send(Job {
                append,
                deliver,
                done,
            })
            .map_err(|_| Error::Unavailable("the server is shutting down".into()))?;
        Ok(answer)
    }
}

async fn write(store: Arc<dyn Store>, mut rx: mpsc::UnboundedReceiver<Job>) {
    let mut jobs: Vec<Job> = Vec::with_capacity(BATCH_MAX);
    while rx.recv_many(&mut jobs, BATCH_MAX).await > 0 {
        // The messages move out of their jobs (no copy of a body).
        let (batch, rest): (Vec<C2cAppend>, Vec<_>) = jobs
            .drain(..)
            .map(|j| (j.append, (j.deliver, j.done)))
            .unzip();
        match store.append_c2c(&batch).await {
            Ok(stored) if stored.len() == batch.len() => {
                crate::metrics::c2c_batch(batch.len());
                for ((append, (deliver, done)), appended) in batch.iter().zip(rest).zip(stored) {
                    deliver(append, &appended);
                    let _ = done.send(Ok(appended));
                }
            }
            other => {
                match other {
                    Err(e) => {
                        tracing::error!(error = %e, messages = jobs.len(), "storing one-to-one messages failed")
                    }
                    Ok(_) => tracing::error!("the store numbered a different count of messages"),
                }
                for (_, done) in rest {
                    let _ = done.send(Err(Error::Internal));
                }
            }
        }
    }
}
