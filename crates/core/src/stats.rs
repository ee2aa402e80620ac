//! Audience statistics: the counters kept per user, per room session and per user in a room
//! session, the weighted user level and the room popularity score computed from them, and
//! their settings.

use serde::{Deserialize, Serialize};

/// What one user did (in a room session, or in the whole app), or a change to it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Time spent in rooms, in milliseconds (a user on two devices counts once per room).
    pub online_ms: u64,
    /// Messages sent and delivered (not refused, not dropped by frequency control).
    pub messages: u64,
    /// Likes accepted (beyond the per-user cap they are not counted).
    pub likes: u64,
    /// Gifts sent (a gift of `Count` 5 counts 5).
    pub gifts: u64,
    /// Sum of the gifts' values, in the app's own unit.
    pub gift_value: u64,
}

impl Counts {
    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }

    pub fn add(&mut self, other: &Counts) {
        self.online_ms = self.online_ms.saturating_add(other.online_ms);
        self.messages = self.messages.saturating_add(other.messages);
        self.likes = self.likes.saturating_add(other.likes);
        self.gifts = self.gifts.saturating_add(other.gifts);
        self.gift_value = self.gift_value.saturating_add(other.gift_value);
    }

    /// `self - other`, each counter at least 0.
    pub fn minus(&self, other: &Counts) -> Counts {
        Counts {
            online_ms: self.online_ms.saturating_sub(other.online_ms),
            messages: self.messages.saturating_sub(other.messages),
            likes: self.likes.saturating_sub(other.likes),
            gifts: self.gifts.saturating_sub(other.gifts),
            gift_value: self.gift_value.saturating_sub(other.gift_value),
        }
    }

    /// The weighted score a user's level is derived from.
    pub fn score(&self, w: &LevelWeights) -> f64 {
        w.online_minute * (self.online_ms as f64 / 60_000.0)
            + w.message * self.messages as f64
            + w.like * self.likes as f64
            + w.gift * self.gifts as f64
            + w.gift_value * self.gift_value as f64
    }
}

/// Weights of a user's score: points per minute online, per message, per like, per gift and
/// per unit of gift value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LevelWeights {
    pub online_minute: f64,
    pub message: f64,
    pub like: f64,
    pub gift: f64,
    pub gift_value: f64,
}

impl Default for LevelWeights {
    fn default() -> Self {
        Self {
            online_minute: 1.0,
            message: 2.0,
            like: 0.1,
            gift: 0.0,
            gift_value: 1.0,
        }
    }
}

/// Weights of a room's popularity: points per member online now, and per message, like and
/// unit of gift value per minute (recent activity, see `popularity_half_life_secs`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PopularityWeights {
    pub online: f64,
    pub messages_per_minute: f64,
    pub likes_per_minute: f64,
    pub gift_value_per_minute: f64,
}

impl Default for PopularityWeights {
    fn default() -> Self {
        Self {
            online: 1.0,
            messages_per_minute: 5.0,
            likes_per_minute: 0.5,
            gift_value_per_minute: 2.0,
        }
    }
}

/// Statistics settings of an app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatsSettings {
    /// Count at all (off: no statistics, every level 0, popularity 0).
    pub enabled: bool,
    pub level_weights: LevelWeights,
    /// Scores at which levels 2, 3, ... begin (ascending); below the first a user is level 1.
    pub level_thresholds: Vec<f64>,
    pub popularity_weights: PopularityWeights,
    /// Recent activity fades by half in this many seconds.
    pub popularity_half_life_secs: u32,
}

impl Default for StatsSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            level_weights: LevelWeights::default(),
            level_thresholds: vec![
                20.0, 100.0, 300.0, 1_000.0, 3_000.0, 10_000.0, 30_000.0, 100_000.0, 300_000.0,
            ],
            popularity_weights: PopularityWeights::default(),
            popularity_half_life_secs: 60,
        }
    }
}

/// Most level thresholds (levels 1 to 201).
pub const LEVEL_THRESHOLDS_MAX: usize = 200;
/// Largest `Value` of one gift.
pub const GIFT_VALUE_MAX: u64 = 1_000_000_000;

impl StatsSettings {
    pub fn validate(&self) -> Result<(), String> {
        let w = &self.level_weights;
        let p = &self.popularity_weights;
        for (name, v) in [
            ("level_weights.online_minute", w.online_minute),
            ("level_weights.message", w.message),
            ("level_weights.like", w.like),
            ("level_weights.gift", w.gift),
            ("level_weights.gift_value", w.gift_value),
            ("popularity_weights.online", p.online),
            (
                "popularity_weights.messages_per_minute",
                p.messages_per_minute,
            ),
            ("popularity_weights.likes_per_minute", p.likes_per_minute),
            (
                "popularity_weights.gift_value_per_minute",
                p.gift_value_per_minute,
            ),
        ] {
            if !(0.0..=1e6).contains(&v) {
                return Err(format!("stats.{name} must be 0 to 1000000"));
            }
        }
        if self.level_thresholds.len() > LEVEL_THRESHOLDS_MAX {
            return Err(format!(
                "stats.level_thresholds holds at most {LEVEL_THRESHOLDS_MAX} values"
            ));
        }
        let mut last = 0.0;
        for &t in &self.level_thresholds {
            if !t.is_finite() || t <= last {
                return Err("stats.level_thresholds must be positive and ascending".into());
            }
            last = t;
        }
        if !(1..=86_400).contains(&self.popularity_half_life_secs) {
            return Err("stats.popularity_half_life_secs must be 1 to 86400".into());
        }
        Ok(())
    }

    /// The level of a user with these counts: 1 plus the thresholds reached.
    pub fn level(&self, counts: &Counts) -> u32 {
        if !self.enabled {
            return 0;
        }
        let score = counts.score(&self.level_weights);
        1 + self.level_thresholds.partition_point(|&t| t <= score) as u32
    }
}

/// Recent activity of a room, fading exponentially: each sum is what happened, weighted by
/// how recently (an event `h` half-lives ago counts `2^-h`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Heat {
    pub messages: f64,
    pub likes: f64,
    pub gift_value: f64,
    /// When the sums were last brought up to date, in Unix milliseconds.
    pub at_ms: i64,
}

impl Heat {
    /// Fades the sums to `now_ms` (with half-life `half_life_ms`).
    pub fn decay(&mut self, now_ms: i64, half_life_ms: f64) {
        if now_ms > self.at_ms {
            let f = (-((now_ms - self.at_ms) as f64) / half_life_ms).exp2();
            self.messages *= f;
            self.likes *= f;
            self.gift_value *= f;
            self.at_ms = now_ms;
        }
    }

    /// The room's popularity with `online` members now: a fading sum over a half-life `H`
    /// holds about `rate * H / ln 2` events, so the per-minute rate is `sum * ln 2 * 60 / H`.
    pub fn popularity(&self, online: usize, s: &StatsSettings, now_ms: i64) -> u64 {
        if !s.enabled {
            return 0;
        }
        let half_life_ms = f64::from(s.popularity_half_life_secs.max(1)) * 1000.0;
        let mut h = *self;
        h.decay(now_ms, half_life_ms);
        let per_minute = std::f64::consts::LN_2 * 60_000.0 / half_life_ms;
        let w = &s.popularity_weights;
        let score = w.online * online as f64
            + per_minute
                * (w.messages_per_minute * h.messages
                    + w.likes_per_minute * h.likes
                    + w.gift_value_per_minute * h.gift_value);
        score.round().clamp(0.0, 9e15) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_weighted_score() {
        let s = StatsSettings::default();
        assert_eq!(s.level(&Counts::default()), 1);
        // 10 messages (20 points) reach level 2.
        let c = Counts {
            messages: 10,
            ..Default::default()
        };
        assert_eq!(s.level(&c), 2);
        // 100 minutes online + 100 gift value: 200 points -> level 3.
        let c = Counts {
            online_ms: 100 * 60_000,
            gift_value: 100,
            ..Default::default()
        };
        assert_eq!(s.level(&c), 3);
        let c = Counts {
            gift_value: 10_000_000,
            ..Default::default()
        };
        assert_eq!(s.level(&c), 10);
        let off = StatsSettings {
            enabled: false,
            ..Default::default()
        };
        assert_eq!(off.level(&c), 0);
    }

    #[test]
    fn settings_are_checked() {
        assert!(StatsSettings::default().validate().is_ok());
        let bad = [
            StatsSettings {
                level_thresholds: vec![10.0, 5.0],
                ..Default::default()
            },
            StatsSettings {
                level_thresholds: vec![f64::NAN],
                ..Default::default()
            },
            StatsSettings {
                popularity_half_life_secs: 0,
                ..Default::default()
            },
            StatsSettings {
                level_weights: LevelWeights {
                    message: -1.0,
                    ..Default::default()
                },
                ..Default::default()
            },
        ];
        for b in bad {
            assert!(b.validate().is_err(), "{b:?}");
        }
    }

    #[test]
    fn popularity_reads_recent_activity_as_a_rate() {
        let s = StatsSettings::default();
        let half = 60_000.0;
        // A steady 30 messages a minute for ten half-lives converges to 30/min.
        let mut h = Heat::default();
        for i in 0..1200 {
            h.decay(i * 2000, half);
            h.messages += 1.0;
        }
        let now = 1200 * 2000;
        let p = h.popularity(0, &s, now);
        let expected = 30.0 * s.popularity_weights.messages_per_minute;
        assert!(
            (p as f64 - expected).abs() / expected < 0.05,
            "{p} vs {expected}"
        );
        // Ten minutes of silence: a thousandth left; the online members still count.
        let later = h.popularity(7, &s, now + 600_000);
        assert_eq!(later, 7);
    }
}
