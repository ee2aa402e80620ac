//! A room's short history in memory: the frames newcomers receive, newest last.

use liveroom_core::app::AppSettings;

use crate::outbound::Frame;

/// The in-memory short history of a room (the store keeps the same for restarts and REST).
pub(crate) struct RecentHistory {
    pub(super) frames: std::collections::VecDeque<(i64, Frame)>,
    pub(super) capacity: usize,
    pub(super) max_age: i64,
}

impl RecentHistory {
    pub(super) fn new(settings: &AppSettings) -> Self {
        let capacity = if settings.history_enabled {
            settings.history_count as usize
        } else {
            0
        };
        Self {
            frames: std::collections::VecDeque::with_capacity(capacity),
            capacity,
            max_age: settings.history_max_age_secs as i64,
        }
    }

    pub(super) fn push(&mut self, time: i64, frame: Frame) {
        if self.capacity == 0 {
            return;
        }
        while self.frames.len() >= self.capacity {
            self.frames.pop_front();
        }
        self.frames.push_back((time, frame));
    }

    pub(super) fn reconfigure(&mut self, settings: &AppSettings) {
        let next = Self::new(settings);
        self.capacity = next.capacity;
        self.max_age = next.max_age;
        while self.frames.len() > self.capacity {
            self.frames.pop_front();
        }
    }
}
