//! `LoadedRoom`: a room as the engine keeps it loaded: the fan-out core ([`Room`]) and,
//! beside it, one field per feature holding that feature's state for the room. The core
//! knows none of them; the statistics hear of arrivals and departures through
//! `Attendance` (room.rs).

use parking_lot::Mutex;
use std::ops::Deref;
use std::sync::Arc;

use liveroom_core::app::AppSettings;
use liveroom_core::live::LiveInfo;

use crate::room::{Attendance, Room, StoredRoom};
use crate::{draw, gifts, live, messages, recall, stats};

pub struct LoadedRoom {
    core: Room,
    /// The send path's state: frequency gate, MsgSeq block, de-duplication.
    pub(crate) sending: messages::Sending,
    /// Online-count pushes and likes.
    pub(crate) live: live::Counters,
    /// Gift combos in progress, by sender and gift.
    pub(crate) combos: Mutex<gifts::Combos>,
    /// The lucky draw running now, if any.
    pub(crate) draw: Mutex<Option<draw::OpenDraw>>,
    /// Audience statistics not yet written. Locked after the member lock when both are.
    pub(crate) stats: Arc<Mutex<stats::RoomTally>>,
    /// The latest delivered messages, for recall.
    pub(crate) recallable: Mutex<recall::Recallable>,
}

pub type RoomRef = Arc<LoadedRoom>;

impl Deref for LoadedRoom {
    type Target = Room;

    fn deref(&self) -> &Room {
        &self.core
    }
}

impl LoadedRoom {
    pub(crate) fn new(stored: StoredRoom, settings: &AppSettings) -> Self {
        let record = &stored.record;
        let sending = messages::Sending::new(record.msg_seq_ceiling, settings);
        let live = live::Counters::new(&record.custom);
        let session = LiveInfo::from_custom(&record.custom).session;
        let stats = Arc::new(Mutex::new(stats::RoomTally::new(session)));
        let attendance: Arc<dyn Attendance> = stats.clone();
        Self {
            core: Room::new(stored, settings, attendance),
            sending,
            live,
            combos: Mutex::default(),
            draw: Mutex::new(None),
            stats,
            recallable: Mutex::default(),
        }
    }

    /// Takes the room out of service if nobody is in it and no work is in progress; returns
    /// whether it did. A retired room refuses newcomers, who load a fresh one.
    pub(crate) fn retire_if_idle(&self) -> bool {
        self.core.retire_if_empty(|| self.has_work_in_progress())
    }

    /// A message at the gate, a draw, a gift combo, a like total or statistics not yet
    /// finished or written: the room stays loaded until they are, so nothing acknowledged
    /// is dropped with an unloaded copy.
    fn has_work_in_progress(&self) -> bool {
        self.sending.gate_busy()
            || self.draw.lock().is_some()
            || self.live.likes_unsaved()
            || self.combos.lock().values().any(|c| c.in_progress())
            || !self.stats.lock().is_clean()
    }

    /// Applies the app's new settings (short history, frequency control).
    pub(crate) fn reconfigure(&self, settings: &AppSettings) {
        self.core.reconfigure_history(settings);
        self.sending.reconfigure(settings);
    }
}
