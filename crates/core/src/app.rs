//! Per-app settings. Defaults come from the config file; each app may override them, and
//! the effective value is stored with the app so it survives restarts.

use serde::{Deserialize, Serialize};

use crate::group::FieldLimits;

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
    /// Byte limits of group profile fields.
    pub limits: FieldLimits,
    /// Largest message body (serialized `MsgBody` + `CloudCustomData`) in bytes.
    pub max_message_bytes: u32,
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
            limits: FieldLimits::default(),
            max_message_bytes: 12 * 1024,
        }
    }
}

/// Upper bound for `recent_members`.
pub const RECENT_MEMBERS_MAX: u32 = 1000;
/// Upper bound for `history_count` (the newer reference page allows 50).
pub const HISTORY_COUNT_MAX: u32 = 50;

impl AppSettings {
    /// Brings out-of-range values back into range and reports what was wrong.
    pub fn validate(&self) -> Result<(), String> {
        if self.room_msgs_per_sec == 0 {
            return Err("room_msgs_per_sec must be at least 1".into());
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
