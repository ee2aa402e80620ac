//! Admit: the room's frequency gate, and the task that lets waiting messages through.

use super::*;

impl Engine {
    /// Offers a message to the room's gate; resolves once it is delivered, dropped or
    /// refused.
    pub(super) async fn pass_gate(
        self: &Arc<Self>,
        room: &RoomRef,
        priority: Priority,
        pending: impl FnOnce(oneshot::Sender<Delivery>) -> Pending,
        turn: Option<crate::session::Turn>,
    ) -> Delivery {
        let (done, rx) = oneshot::channel();
        let pending = pending(done);
        let direct = {
            let now = tokio::time::Instant::now().into_std();
            let mut gate = room.sending.gate.lock();
            match gate.offer(now, priority, pending) {
                Offer::Admitted(p) => self.release(room, p),
                Offer::Dropped(p) => {
                    // The dropped one may be another waiting message evicted for this one.
                    let _ = p.done.send(Delivery::Dropped);
                    self.start_gate_poller(room);
                    None
                }
                Offer::Waiting => {
                    self.start_gate_poller(room);
                    None
                }
            }
        };
        // Offered: the connection's next message may go ahead.
        drop(turn);
        if let Some(p) = direct {
            p.deliver(room);
        }
        rx.await.unwrap_or(Delivery::Failed(Error::Internal))
    }

    /// Sends an admitted message on, under its room's gate lock so that the order of
    /// admission is kept: a message to be stored goes to the recorder (which delivers it
    /// once written); any other is returned for the caller to deliver outside the lock.
    pub(crate) fn release(&self, room: &RoomRef, mut p: Pending) -> Option<Pending> {
        match p.record.take() {
            Some((record, keep)) => {
                self.recorder.record(crate::recorder::Job {
                    room: room.clone(),
                    pending: p,
                    record: Some(record),
                    keep,
                });
                None
            }
            None => Some(p),
        }
    }

    pub(super) fn start_gate_poller(self: &Arc<Self>, room: &RoomRef) {
        if room.sending.gate_polling.swap(true, Ordering::AcqRel) {
            return;
        }
        let room = room.clone();
        let engine = self.clone();
        tokio::spawn(async move {
            loop {
                let (direct, polled) = {
                    let now = tokio::time::Instant::now().into_std();
                    let mut gate = room.sending.gate.lock();
                    let mut polled = gate.poll(now);
                    let direct: Vec<Pending> = polled
                        .admitted
                        .drain(..)
                        .filter_map(|p| engine.release(&room, p))
                        .collect();
                    (direct, polled)
                };
                for p in direct {
                    p.deliver(&room);
                }
                for p in polled.dropped {
                    let _ = p.done.send(Delivery::Dropped);
                }
                match polled.next_wake {
                    Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
                    None => {
                        room.sending.gate_polling.store(false, Ordering::Release);
                        // A message may have started waiting after the poll; keep going if so
                        // and nobody else took over.
                        let waiting = room.sending.gate.lock().waiting_len();
                        if waiting == 0 || room.sending.gate_polling.swap(true, Ordering::AcqRel) {
                            return;
                        }
                    }
                }
            }
        });
    }
}
