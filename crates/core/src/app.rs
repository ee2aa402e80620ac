//! Per-app settings. Defaults come from the config file; each app may override them, and
//! the effective value is stored with the app so it survives restarts.

use serde::{Deserialize, Serialize};

use crate::callback::{FilterSettings, WebhookSettings};
use crate::group::FieldLimits;
use crate::stats::StatsSettings;

/// What happens when a user logs in while already online elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginPolicy {
    /// Any number of concurrent sessions.
    #[default]
    Multi,
    /// One session per platform (Web, Android, iOS, ...): a new login on the same
    /// platform kicks the older one.
    OnePerPlatform,
    /// One session in all: a new login kicks every other one.
    Single,
}

/// Settings of one app. Every field has a default, so a partial TOML table works.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AppSettings {
    /// Messages per second one room accepts for delivery (frequency control).
    pub room_msgs_per_sec: u32,
    /// How long (ms) a message may wait for a free slot when a room is over its rate before
    /// it is dropped. Small values keep latency low; larger ones favour delivery.
    pub frequency_max_wait_ms: u32,
    /// Keep a short history that newcomers of an AVChatRoom receive on join.
    pub history_enabled: bool,
    /// Most messages a newcomer receives.
    pub history_count: u32,
    /// Oldest message (seconds back) a newcomer receives.
    pub history_max_age_secs: u32,
    /// Members listed by `get_members` (the reference keeps 30, or 1000 with its feature).
    pub recent_members: u32,
    /// A connection may be in one AVChatRoom at a time; joining another leaves the first.
    pub single_room_per_connection: bool,
    /// Multi-device login policy.
    pub login_policy: LoginPolicy,
    /// Join and quit tips are pushed only while a room has at most this many members online
    /// (each tip goes to every member; a crowd would make them quadratic). 0 turns them off.
    pub member_tips_max_online: u32,
    /// Group-level custom fields (`AppDefinedData` keys) that groups of this app may use.
    pub group_custom_fields: Vec<String>,
    /// Custom profile fields users of this app may have (`Tag_Profile_Custom_<key>`; keys
    /// of 1 to 8 letters, at most 20).
    pub profile_custom_fields: Vec<String>,
    /// Byte limits of group profile fields.
    pub limits: FieldLimits,
    /// Largest message body (serialized `MsgBody` + `CloudCustomData`) in bytes.
    pub max_message_bytes: u32,
    /// Retired (a fan-out batching window): accepted so that stores and config files that
    /// still name it load, ignored, and no longer shown.
    #[serde(skip_serializing)]
    pub fanout_window_ms: Option<u32>,
    /// Online-count pushes: members get the room's count when it changed by more than this
    /// percentage since the last push (at most once a second), and any other change at
    /// most every `online_push_secs`.
    pub online_push_percent: u32,
    /// Longest a changed online count waits before it is pushed; 0 turns pushes off.
    pub online_push_secs: u32,
    /// Guest connections one client address (an IPv6 client's /64) may have in one room;
    /// a join beyond it is refused. 0: no cap.
    pub guests_per_ip_per_room: u32,
    /// How often a room's like total is pushed to its members (and saved in its profile)
    /// while it changes, in seconds; 0 keeps counting but pushes nothing.
    pub like_push_secs: u32,
    /// Likes one connection may add per second (twice that in a burst); the excess is
    /// counted, not added.
    pub likes_per_sec: u32,
    /// Gifts of one kind from one sender within this many milliseconds of each other are
    /// merged into one message (a combo).
    pub gift_combo_ms: u32,
    /// A combo's gifts go out at the latest when this many are waiting.
    pub gift_combo_batch: u32,
    /// Webhooks to the business backend (off while `webhook.url` is empty).
    pub webhook: WebhookSettings,
    /// The built-in word filter (works with no backend).
    pub filter: FilterSettings,
    /// Audience statistics, user levels and room popularity.
    pub stats: StatsSettings,
    /// One-to-one chat: history retention, recall window, typing notices.
    pub chat: crate::chat::ChatSettings,
    /// The development app the server generated on a first start with no app configured:
    /// only such an app gets the built-in pages' development helpers (logins by name, gifts
    /// without billing) and the demo room, and only on a loopback listener.
    pub development: bool,
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            room_msgs_per_sec: 40,
            frequency_max_wait_ms: 100,
            history_enabled: true,
            history_count: 20,
            history_max_age_secs: 24 * 3600,
            recent_members: 30,
            single_room_per_connection: true,
            login_policy: LoginPolicy::Multi,
            member_tips_max_online: 1000,
            group_custom_fields: Vec::new(),
            profile_custom_fields: Vec::new(),
            limits: FieldLimits::default(),
            max_message_bytes: 12 * 1024,
            fanout_window_ms: None,
            online_push_percent: 5,
            online_push_secs: 5,
            guests_per_ip_per_room: 20,
            like_push_secs: 3,
            gift_combo_ms: 1000,
            gift_combo_batch: 20,
            likes_per_sec: 10,
            webhook: WebhookSettings::default(),
            filter: FilterSettings::default(),
            stats: StatsSettings::default(),
            chat: Default::default(),
            development: false,
        }
    }
}

/// Upper bound for `recent_members`.
pub const RECENT_MEMBERS_MAX: u32 = 1000;
/// Upper bound for `history_count` (the newer reference page allows 50).
pub const HISTORY_COUNT_MAX: u32 = 50;
/// Upper bound for `room_msgs_per_sec` (250 times the reference's 40).
pub const ROOM_MSGS_PER_SEC_MAX: u32 = 10_000;
/// Upper bound for `max_message_bytes` (the REST body limit).
pub const MESSAGE_BYTES_MAX: u32 = 1024 * 1024;
/// Upper bound for each profile field byte limit.
pub const FIELD_BYTES_MAX: usize = 64 * 1024;
/// Upper bound for the number of declared custom fields.
pub const CUSTOM_FIELDS_MAX: usize = 100;

impl AppSettings {
    /// Checks every value is in range; says which is not.
    pub fn validate(&self) -> Result<(), String> {
        if self.room_msgs_per_sec == 0 || self.room_msgs_per_sec > ROOM_MSGS_PER_SEC_MAX {
            return Err(format!(
                "room_msgs_per_sec must be 1 to {ROOM_MSGS_PER_SEC_MAX}"
            ));
        }
        if self.max_message_bytes == 0 || self.max_message_bytes > MESSAGE_BYTES_MAX {
            return Err(format!(
                "max_message_bytes must be 1 to {MESSAGE_BYTES_MAX}"
            ));
        }
        if self.online_push_percent > 100 {
            return Err("online_push_percent must be 0 to 100".into());
        }
        if self.gift_combo_ms > 10_000 {
            return Err("gift_combo_ms must be 0 to 10000".into());
        }
        if self.gift_combo_batch == 0 || self.gift_combo_batch > 10_000 {
            return Err("gift_combo_batch must be 1 to 10000".into());
        }
        if self.like_push_secs > 60 {
            return Err("like_push_secs must be 0 to 60".into());
        }
        if self.likes_per_sec == 0 || self.likes_per_sec > 1000 {
            return Err("likes_per_sec must be 1 to 1000".into());
        }
        if self.online_push_secs > 3600 {
            return Err("online_push_secs must be 0 to 3600".into());
        }
        self.webhook.validate()?;
        self.filter.validate()?;
        self.stats.validate()?;
        self.chat.validate()?;
        crate::profile::check_custom_keys(&self.profile_custom_fields)?;
        let l = &self.limits;
        for (name, v) in [
            ("limits.name", l.name),
            ("limits.introduction", l.introduction),
            ("limits.notification", l.notification),
            ("limits.face_url", l.face_url),
            ("limits.custom_key", l.custom_key),
            ("limits.custom_value", l.custom_value),
            ("limits.name_card", l.name_card),
            ("limits.member_custom_value", l.member_custom_value),
        ] {
            if v > FIELD_BYTES_MAX {
                return Err(format!("{name} must be at most {FIELD_BYTES_MAX}"));
            }
        }
        if l.custom_fields > CUSTOM_FIELDS_MAX || l.member_custom_fields > CUSTOM_FIELDS_MAX {
            return Err(format!(
                "limits.custom_fields and limits.member_custom_fields must be at most {CUSTOM_FIELDS_MAX}"
            ));
        }
        if self.recent_members == 0 || self.recent_members > RECENT_MEMBERS_MAX {
            return Err(format!("recent_members must be 1 to {RECENT_MEMBERS_MAX}"));
        }
        if self.history_count > HISTORY_COUNT_MAX {
            return Err(format!("history_count must be 0 to {HISTORY_COUNT_MAX}"));
        }
        if self.frequency_max_wait_ms > 10_000 {
            return Err("frequency_max_wait_ms must be at most 10000".into());
        }
        if self.group_custom_fields.len() > self.limits.custom_fields {
            return Err(format!(
                "{} group custom fields declared; the limit is {}",
                self.group_custom_fields.len(),
                self.limits.custom_fields
            ));
        }
        for key in &self.group_custom_fields {
            crate::group::check_custom_key(key, self.limits.custom_key)
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_settings_are_refused() {
        assert!(AppSettings::default().validate().is_ok());
        for bad in [
            AppSettings {
                room_msgs_per_sec: 0,
                ..Default::default()
            },
            AppSettings {
                room_msgs_per_sec: u32::MAX,
                ..Default::default()
            },
            AppSettings {
                max_message_bytes: u32::MAX,
                ..Default::default()
            },
            AppSettings {
                recent_members: 1001,
                ..Default::default()
            },
            AppSettings {
                history_count: 51,
                ..Default::default()
            },
            AppSettings {
                group_custom_fields: vec!["bad-key".into()],
                ..Default::default()
            },
            AppSettings {
                limits: FieldLimits {
                    notification: usize::MAX,
                    ..Default::default()
                },
                ..Default::default()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }
}
