//! `OutboundQueue`: the bounded, priority-aware queue between the engine and one connection.
//!
//! The engine pushes shared frames (a refcount bump, no copy) and never waits. The
//! connection's writer task takes everything queued at once and writes it with one flush.
//! When the queue is full the oldest frame of the lowest class at or below the incoming
//! one is evicted; if there is none the incoming frame is dropped. A queue that stays full longer
//! than its stall limit, or whose control frames overflow, is closed as a slow consumer.
//!
//! Frames are kept in one deque per class and merged back into arrival order by a sequence
//! number when drained, so eviction is O(1).

use bytes::Bytes;
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

use liveroom_core::group::Priority;
use liveroom_core::protocol::KickReason;

/// Importance of a frame in the queue. Control frames (replies, kicks) are never evicted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FrameClass {
    Message(Priority),
    Control,
}

impl FrameClass {
    /// 0 = Control, 1 = High ... 4 = Lowest.
    fn slot(self) -> usize {
        match self {
            Self::Control => 0,
            Self::Message(p) => 1 + p.index(),
        }
    }
}

const CLASSES: usize = 5;

/// One serialized frame: JSON text, shared by every recipient.
#[derive(Debug, Clone)]
pub struct Frame {
    pub class: FrameClass,
    pub text: Bytes,
}

impl Frame {
    pub fn new(class: FrameClass, text: String) -> Self {
        Self {
            class,
            text: Bytes::from(text),
        }
    }

    pub fn control(text: String) -> Self {
        Self::new(FrameClass::Control, text)
    }
}

/// What happened to a pushed frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    Queued,
    /// Queued after evicting an older, less important frame.
    QueuedEvicting(FrameClass),
    /// Not queued: the queue is full of frames at least as important.
    Dropped,
    /// The queue is closed.
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    /// Message frames held at most.
    pub capacity: usize,
    /// How long the queue may stay full before the connection is closed.
    pub stall_limit: Duration,
}

impl Default for QueueLimits {
    fn default() -> Self {
        Self {
            capacity: 512,
            stall_limit: Duration::from_secs(10),
        }
    }
}

struct State {
    classes: [VecDeque<(u64, Bytes)>; CLASSES],
    next_seq: u64,
    messages: usize,
    full_since: Option<Instant>,
    /// `Some(Some(..))`: closing with a reason the client is told; `Some(None)`: the
    /// connection ended and there is nobody to tell.
    closed: Option<Option<(KickReason, String)>>,
}

pub struct OutboundQueue {
    state: Mutex<State>,
    notify: Notify,
    /// Flips to true once, when the queue closes, for whoever waits in [`OutboundQueue::closed`].
    closed_tx: tokio::sync::watch::Sender<bool>,
    limits: QueueLimits,
}

impl OutboundQueue {
    pub fn new(limits: QueueLimits) -> Self {
        Self {
            state: Mutex::new(State {
                classes: Default::default(),
                next_seq: 0,
                messages: 0,
                full_since: None,
                closed: None,
            }),
            notify: Notify::new(),
            closed_tx: tokio::sync::watch::Sender::new(false),
            limits,
        }
    }

    pub fn push(&self, frame: &Frame) -> Pushed {
        self.push_at(frame, Instant::now())
    }

    pub fn push_at(&self, frame: &Frame, now: Instant) -> Pushed {
        let mut pushed = Pushed::Closed;
        self.push_many(std::iter::once(frame), now, |p| pushed = p);
        pushed
    }

    /// Queues several frames under one lock and with at most one wake-up of the writer;
    /// `each` hears what happened to every frame, in order.
    pub fn push_many<'a>(
        &self,
        frames: impl IntoIterator<Item = &'a Frame>,
        now: Instant,
        mut each: impl FnMut(Pushed),
    ) {
        let mut st = self.state.lock();
        let was_empty = st.classes.iter().all(VecDeque::is_empty);
        let mut closing = None;
        for frame in frames {
            if closing.is_some() || st.closed.is_some() {
                each(Pushed::Closed);
                continue;
            }
            match self.push_locked(&mut st, frame, now) {
                Ok(p) => each(p),
                Err(info) => {
                    closing = Some(info);
                    each(Pushed::Closed);
                }
            }
        }
        let wake = was_empty && st.classes.iter().any(|q| !q.is_empty());
        drop(st);
        if let Some(info) = closing {
            self.close(KickReason::SlowConsumer, info);
        } else if wake {
            self.notify.notify_one();
        }
    }

    /// Queues one frame; `Err` with the reason when the connection must be closed.
    fn push_locked(
        &self,
        st: &mut State,
        frame: &Frame,
        now: Instant,
    ) -> Result<Pushed, &'static str> {
        let slot = frame.class.slot();
        let mut outcome = Pushed::Queued;
        if frame.class == FrameClass::Control {
            if st.classes[0].len() >= self.limits.capacity {
                return Err("replies are not being read");
            }
        } else if st.messages >= self.limits.capacity {
            let since = *st.full_since.get_or_insert(now);
            if now.duration_since(since) > self.limits.stall_limit {
                return Err("the connection stayed behind its outbound queue too long");
            }
            // Evict the oldest frame of the least important class at or below this one:
            // a lagging viewer gets the freshest comments rather than stale ones.
            let victim = (slot..CLASSES).rev().find(|&s| !st.classes[s].is_empty());
            match victim {
                Some(s) => {
                    st.classes[s].pop_front();
                    st.messages -= 1;
                    outcome = Pushed::QueuedEvicting(class_of(s));
                }
                None => return Ok(Pushed::Dropped),
            }
        }
        let seq = st.next_seq;
        st.next_seq += 1;
        st.classes[slot].push_back((seq, frame.text.clone()));
        if slot != 0 {
            st.messages += 1;
        }
        Ok(outcome)
    }

    /// Closes the queue: frames already queued are still written, then the reason.
    pub fn close(&self, reason: KickReason, info: &str) {
        let mut st = self.state.lock();
        if st.closed.is_none() {
            st.closed = Some(Some((reason, info.to_string())));
        }
        drop(st);
        self.closed_tx.send_replace(true);
        self.notify.notify_one();
    }

    /// Resolves once the queue is closed (by a kick, a shutdown or `finish`).
    pub async fn closed(&self) {
        let mut rx = self.closed_tx.subscribe();
        let _ = rx.wait_for(|closed| *closed).await;
    }

    /// Closes the queue because the connection ended: nothing more is sent.
    pub fn finish(&self) {
        let mut st = self.state.lock();
        if st.closed.is_none() {
            st.closed = Some(None);
        }
        drop(st);
        self.closed_tx.send_replace(true);
        self.notify.notify_one();
    }

    pub fn is_closed(&self) -> bool {
        self.state.lock().closed.is_some()
    }

    /// Why the queue was closed, when it was closed with a reason (a kick).
    pub fn kick_reason(&self) -> Option<KickReason> {
        match &self.state.lock().closed {
            Some(Some((reason, _))) => Some(*reason),
            _ => None,
        }
    }

    /// Waits for frames and moves all of them, in arrival order, into `out`.
    /// Returns `Err` once the queue is closed and drained, with the reason to tell the
    /// client if there is one.
    pub async fn next_batch(
        &self,
        out: &mut Vec<Bytes>,
    ) -> Result<(), Option<(KickReason, String)>> {
        loop {
            {
                let mut st = self.state.lock();
                let total: usize = st.classes.iter().map(VecDeque::len).sum();
                if total > 0 {
                    drain_in_order(&mut st.classes, out);
                    st.messages = 0;
                    st.full_since = None;
                    return Ok(());
                }
                if let Some(reason) = st.closed.clone() {
                    return Err(reason);
                }
            }
            self.notify.notified().await;
        }
    }

    /// Number of message frames waiting.
    pub fn len(&self) -> usize {
        self.state.lock().messages
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn class_of(slot: usize) -> FrameClass {
    match slot {
        0 => FrameClass::Control,
        1 => FrameClass::Message(Priority::High),
        2 => FrameClass::Message(Priority::Normal),
        3 => FrameClass::Message(Priority::Low),
        _ => FrameClass::Message(Priority::Lowest),
    }
}

fn drain_in_order(classes: &mut [VecDeque<(u64, Bytes)>; CLASSES], out: &mut Vec<Bytes>) {
    loop {
        let next = classes
            .iter()
            .enumerate()
            .filter_map(|(i, q)| q.front().map(|(seq, _)| (*seq, i)))
            .min();
        match next {
            Some((_, i)) => {
                if let Some((_, b)) = classes[i].pop_front() {
                    out.push(b);
                }
            }
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(p: Priority, text: &str) -> Frame {
        Frame::new(FrameClass::Message(p), text.to_string())
    }

    fn limits(capacity: usize) -> QueueLimits {
        QueueLimits {
            capacity,
            stall_limit: Duration::from_secs(5),
        }
    }

    #[tokio::test]
    async fn drains_in_arrival_order_across_classes() {
        let q = OutboundQueue::new(limits(8));
        q.push(&msg(Priority::Low, "1"));
        q.push(&Frame::control("2".into()));
        q.push(&msg(Priority::High, "3"));
        q.push(&msg(Priority::Low, "4"));
        let mut out = Vec::new();
        q.next_batch(&mut out).await.expect("open");
        let texts: Vec<_> = out
            .iter()
            .map(|b| String::from_utf8_lossy(b).to_string())
            .collect();
        assert_eq!(texts, ["1", "2", "3", "4"]);
    }

    #[tokio::test]
    async fn full_queue_evicts_lowest_first_and_keeps_high() {
        let q = OutboundQueue::new(limits(3));
        q.push(&msg(Priority::Lowest, "a"));
        q.push(&msg(Priority::Normal, "b"));
        q.push(&msg(Priority::Low, "c"));
        assert_eq!(
            q.push(&msg(Priority::High, "d")),
            Pushed::QueuedEvicting(FrameClass::Message(Priority::Lowest))
        );
        assert_eq!(
            q.push(&msg(Priority::High, "e")),
            Pushed::QueuedEvicting(FrameClass::Message(Priority::Low))
        );
        assert_eq!(
            q.push(&msg(Priority::Normal, "f")),
            Pushed::QueuedEvicting(FrameClass::Message(Priority::Normal))
        );
        assert_eq!(
            q.push(&msg(Priority::Normal, "g")),
            Pushed::QueuedEvicting(FrameClass::Message(Priority::Normal))
        );
        assert_eq!(q.push(&msg(Priority::Low, "h")), Pushed::Dropped);
        // Control frames are never evicted nor counted against message capacity.
        assert_eq!(q.push(&Frame::control("r".into())), Pushed::Queued);
        let mut out = Vec::new();
        q.next_batch(&mut out).await.expect("open");
        let texts: Vec<_> = out
            .iter()
            .map(|b| String::from_utf8_lossy(b).to_string())
            .collect();
        assert_eq!(texts, ["d", "e", "g", "r"]);
    }

    #[tokio::test]
    async fn stalled_queue_closes_as_slow_consumer() {
        let q = OutboundQueue::new(limits(1));
        let t0 = Instant::now();
        q.push_at(&msg(Priority::Normal, "a"), t0);
        assert_eq!(
            q.push_at(&msg(Priority::Normal, "b"), t0),
            Pushed::QueuedEvicting(FrameClass::Message(Priority::Normal))
        );
        assert_eq!(
            q.push_at(&msg(Priority::Normal, "c"), t0 + Duration::from_secs(6)),
            Pushed::Closed
        );
        let mut out = Vec::new();
        q.next_batch(&mut out)
            .await
            .expect("queued frames are still written");
        assert_eq!(out.len(), 1);
        let err = q.next_batch(&mut out).await.expect_err("closed");
        assert_eq!(err.map(|e| e.0), Some(KickReason::SlowConsumer));
    }

    #[tokio::test]
    async fn draining_resets_the_stall_clock() {
        let q = OutboundQueue::new(limits(1));
        let t0 = Instant::now();
        q.push_at(&msg(Priority::Normal, "a"), t0);
        q.push_at(&msg(Priority::Normal, "b"), t0);
        let mut out = Vec::new();
        q.next_batch(&mut out).await.expect("open");
        q.push_at(&msg(Priority::Normal, "c"), t0 + Duration::from_secs(6));
        assert_eq!(
            q.push_at(&msg(Priority::Normal, "d"), t0 + Duration::from_secs(7)),
            Pushed::QueuedEvicting(FrameClass::Message(Priority::Normal))
        );
        assert!(!q.is_closed());
    }
}
