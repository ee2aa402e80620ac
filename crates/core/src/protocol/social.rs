//! The client protocol's profile and relationship ops (docs/protocol.md, "Profiles and
//! relationships").

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `get_profiles`: users' profiles (`TagList` absent: every standard and declared tag).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetProfiles {
    #[serde(rename = "UserIDs")]
    pub users: Vec<String>,
    #[serde(rename = "TagList", default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

/// One profile tag and its value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileEntry {
    #[serde(rename = "Tag")]
    pub tag: String,
    #[serde(rename = "Value")]
    pub value: Value,
}

/// `set_profile`: set tags of one's own profile (all or none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetProfile {
    #[serde(rename = "ProfileItem")]
    pub items: Vec<ProfileEntry>,
}

/// `add_friend`: add a user (or ask it, when it confirms requests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddFriend {
    #[serde(rename = "To_Account")]
    pub to: String,
    #[serde(rename = "Remark", default)]
    pub remark: String,
    #[serde(rename = "GroupName", default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(rename = "AddWording", default)]
    pub wording: String,
    #[serde(rename = "AddSource", default)]
    pub source: String,
    /// `Add_Type_Both` (default: each in the other's list) or `Add_Type_Single`.
    #[serde(rename = "AddType", default, skip_serializing_if = "Option::is_none")]
    pub add_type: Option<String>,
}

/// `answer_friend_request`: accept (both become friends) or decline a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerFriendRequest {
    #[serde(rename = "From_Account")]
    pub from: String,
    #[serde(rename = "Accept")]
    pub accept: bool,
    #[serde(rename = "Remark", default)]
    pub remark: String,
}

/// `delete_friend`: remove a friend (`Both`, the default: from each other's lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteFriend {
    #[serde(rename = "To_Account")]
    pub to: String,
    #[serde(rename = "Both", default = "yes")]
    pub both: bool,
}

fn yes() -> bool {
    true
}

/// `get_friends`: one's friends by when they were added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetFriends {
    #[serde(rename = "Start", default)]
    pub start: u32,
    /// 1 to 1000 (default 100).
    #[serde(rename = "Count", default = "hundred")]
    pub count: u32,
}

fn hundred() -> u32 {
    100
}

/// `block` / `unblock`: users on one's blocklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockUsers {
    #[serde(rename = "To_Account")]
    pub users: Vec<String>,
}
