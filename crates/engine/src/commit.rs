//! Group commit of stored messages (one-to-one and stored groups): sends queue here, a
//! writer task stores everything queued (up to `BATCH_MAX`) in one transaction, then runs
//! each message's delivery in the queue's order and wakes its sender. While one batch
//! commits the next gathers, so a message waits at most about one commit, and the store
//! sees one transaction per batch.
//!
//! Threads (a conversation, a group) are split among `WRITERS` writer tasks by a hash of
//! their key: the batches of different writers commit at the same time on separate
//! connections (a database server overlaps them; SQLite takes them in turn), while a
//! thread, always written by the same task, is numbered in the order its messages were
//! queued and delivered in that order. A failed write fails each message of its batch
//! (nothing delivered, every sender told).

use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher, Hash};
use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::{mpsc, oneshot};

use liveroom_core::store::{Store, StoreResult};
use liveroom_core::Error;

/// Most messages stored in one transaction.
const BATCH_MAX: usize = 512;
/// Writer tasks (one measured PostgreSQL commit of a full batch took about 70 ms; four
/// overlap them).
const WRITERS: usize = 4;

/// What a writer stores: the message type, what storing one returns, and the store call.
#[async_trait]
pub(crate) trait Kind: Send + Sync + 'static {
    type Append: Send + Sync + 'static;
    type Stored: Copy + Send + 'static;
    /// Logs and metrics name the batches by it.
    const NAME: &'static str;

    /// The thread a message belongs to, hashed to pick its writer.
    fn thread(append: &Self::Append) -> impl Hash;

    async fn store(store: &dyn Store, batch: &[Self::Append]) -> StoreResult<Vec<Self::Stored>>;
}

/// Runs once the message is stored (with the message and what storing it returned),
/// before its sender is answered.
pub(crate) type Delivery<K> = Box<dyn FnOnce(&<K as Kind>::Append, &<K as Kind>::Stored) + Send>;

struct Job<K: Kind> {
    append: K::Append,
    deliver: Delivery<K>,
    done: oneshot::Sender<Result<K::Stored, Error>>,
}

pub(crate) struct Writer<K: Kind> {
    queues: Arc<[mpsc::UnboundedSender<Job<K>>]>,
}

impl<K: Kind> Writer<K> {
    pub(crate) fn start(store: Arc<dyn Store>) -> Self {
        let queues = (0..WRITERS)
            .map(|_| {
                let (queue, rx) = mpsc::unbounded_channel();
                tokio::spawn(write::<K>(store.clone(), rx));
                queue
            })
            .collect();
        Self { queues }
    }

    /// Queues `append` to be stored, then `deliver`ed; the answer says what the store
    /// made of it.
    pub(crate) fn queue(
        &self,
        append: K::Append,
        deliver: Delivery<K>,
    ) -> Result<oneshot::Receiver<Result<K::Stored, Error>>, Error> {
        let (done, answer) = oneshot::channel();
        let shard = BuildHasherDefault::<DefaultHasher>::default().hash_one(K::thread(&append))
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

async fn write<K: Kind>(store: Arc<dyn Store>, mut rx: mpsc::UnboundedReceiver<Job<K>>) {
    let mut jobs: Vec<Job<K>> = Vec::with_capacity(BATCH_MAX);
    while rx.recv_many(&mut jobs, BATCH_MAX).await > 0 {
        // The messages move out of their jobs (no copy of a body).
        let (batch, rest): (Vec<K::Append>, Vec<_>) = jobs
            .drain(..)
            .map(|j| (j.append, (j.deliver, j.done)))
            .unzip();
        match K::store(&*store, &batch).await {
            Ok(stored) if stored.len() == batch.len() => {
                crate::metrics::stored_batch(K::NAME, batch.len());
                for ((append, (deliver, done)), appended) in batch.iter().zip(rest).zip(stored) {
                    deliver(append, &appended);
                    let _ = done.send(Ok(appended));
                }
            }
            other => {
                match other {
                    Err(e) => {
                        tracing::error!(error = %e, kind = K::NAME, messages = batch.len(), "storing messages failed")
                    }
                    Ok(_) => tracing::error!(
                        kind = K::NAME,
                        "the store numbered a different count of messages"
                    ),
                }
                for (_, done) in rest {
                    let _ = done.send(Err(Error::Internal));
                }
            }
        }
    }
}
