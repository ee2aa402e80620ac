//! Group vocabulary: types, message priorities, join options, profile field limits, tips.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::error::Error;

/// The REST `Type` of a group (reference 5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GroupType {
    /// Work group.
    Private,
    Public,
    /// Meeting group.
    ChatRoom,
    /// Live-streaming room: no member cap, ephemeral membership.
    AVChatRoom,
    Community,
}

impl GroupType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Private => "Private",
            Self::Public => "Public",
            Self::ChatRoom => "ChatRoom",
            Self::AVChatRoom => "AVChatRoom",
            Self::Community => "Community",
        }
    }

    /// Parses a REST `Type`; `Work` and `Meeting` are the newer names of Private and ChatRoom.
    pub fn parse(raw: &str) -> Result<Self, Error> {
        Ok(match raw {
            "Private" | "Work" => Self::Private,
            "Public" => Self::Public,
            "ChatRoom" | "Meeting" => Self::ChatRoom,
            "AVChatRoom" => Self::AVChatRoom,
            "Community" => Self::Community,
            other => {
                return Err(Error::InvalidParameter(format!(
                    "Type {other:?} is not a group type; use Private, Public, ChatRoom, AVChatRoom or Community"
                )))
            }
        })
    }
}

impl fmt::Display for GroupType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Message priority (reference 4.4). Ordered so that `High > Normal > Low > Lowest`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub enum Priority {
    Lowest = 0,
    Low = 1,
    #[default]
    Normal = 2,
    High = 3,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Self::High, Self::Normal, Self::Low, Self::Lowest];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::High => "High",
            Self::Normal => "Normal",
            Self::Low => "Low",
            Self::Lowest => "Lowest",
        }
    }

    /// Case-sensitive, as the reference requires.
    pub fn parse(raw: &str) -> Result<Self, Error> {
        Ok(match raw {
            "High" => Self::High,
            "Normal" => Self::Normal,
            "Low" => Self::Low,
            "Lowest" => Self::Lowest,
            other => {
                return Err(Error::InvalidParameter(format!(
                    "MsgPriority {other:?} is not one of High, Normal, Low, Lowest (case-sensitive)"
                )))
            }
        })
    }

    /// The number used in history records (`RspMsgList[].MsgPriority`): 1 High .. 4 Lowest.
    pub fn history_number(self) -> u8 {
        match self {
            Self::High => 1,
            Self::Normal => 2,
            Self::Low => 3,
            Self::Lowest => 4,
        }
    }

    pub fn from_history_number(n: i64) -> Self {
        match n {
            1 => Self::High,
            3 => Self::Low,
            4 => Self::Lowest,
            _ => Self::Normal,
        }
    }

    /// Index 0..4 with High at 0, for per-priority arrays.
    pub fn index(self) -> usize {
        3 - self as usize
    }
}

/// `ApplyJoinOption` of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplyJoinOption {
    FreeAccess,
    NeedPermission,
    DisableApply,
}

impl ApplyJoinOption {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FreeAccess => "FreeAccess",
            Self::NeedPermission => "NeedPermission",
            Self::DisableApply => "DisableApply",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Error> {
        Ok(match raw {
            "FreeAccess" => Self::FreeAccess,
            "NeedPermission" => Self::NeedPermission,
            "DisableApply" => Self::DisableApply,
            other => {
                return Err(Error::InvalidParameter(format!(
                    "ApplyJoinOption {other:?} is not FreeAccess, NeedPermission or DisableApply"
                )))
            }
        })
    }
}

/// `InviteJoinOption` of a group: whether members may bring others in, and whether their
/// invitations wait for an owner's or admin's approval. Owners, admins and App admins
/// always add members directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InviteJoinOption {
    FreeAccess,
    NeedPermission,
    DisableInvite,
}

impl InviteJoinOption {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FreeAccess => "FreeAccess",
            Self::NeedPermission => "NeedPermission",
            Self::DisableInvite => "DisableInvite",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Error> {
        Ok(match raw {
            "FreeAccess" => Self::FreeAccess,
            "NeedPermission" => Self::NeedPermission,
            "DisableInvite" => Self::DisableInvite,
            other => {
                return Err(Error::InvalidParameter(format!(
                    "InviteJoinOption {other:?} is not FreeAccess, NeedPermission or DisableInvite"
                )))
            }
        })
    }
}

/// A member's `MsgFlag`: how it wants the group's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum MsgFlag {
    #[default]
    AcceptAndNotify,
    AcceptNotNotify,
    Discard,
}

impl MsgFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AcceptAndNotify => "AcceptAndNotify",
            Self::AcceptNotNotify => "AcceptNotNotify",
            Self::Discard => "Discard",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Error> {
        Ok(match raw {
            "AcceptAndNotify" => Self::AcceptAndNotify,
            "AcceptNotNotify" => Self::AcceptNotNotify,
            "Discard" => Self::Discard,
            other => {
                return Err(Error::InvalidParameter(format!(
                    "MsgFlag {other:?} is not AcceptAndNotify, AcceptNotNotify or Discard"
                )))
            }
        })
    }

    /// As stored: 0, 1, 2.
    pub fn number(self) -> i64 {
        self as i64
    }

    pub fn from_number(n: i64) -> Self {
        match n {
            1 => Self::AcceptNotNotify,
            2 => Self::Discard,
            _ => Self::AcceptAndNotify,
        }
    }
}

/// What a group type allows (reference 5.1), in one place for every rule that depends on
/// the type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeRules {
    /// Members are stored (every type but AVChatRoom): they are added, stay members while
    /// offline, and the group's messages are stored, numbered and counted as unread.
    pub durable: bool,
    /// `MaxMemberNum` when the creator names none.
    pub default_max_members: u32,
    /// The most `MaxMemberNum` may be (0: no cap). The reference's editions stop at 6000
    /// for the types other than Community; Liveroom allows more.
    pub max_members_cap: u32,
    /// Whether users may ask to join at all (Work groups: only by invitation).
    pub may_apply: bool,
    /// `ApplyJoinOption` when the creator names none.
    pub default_apply: ApplyJoinOption,
    /// Whether ordinary members may invite others.
    pub members_invite: bool,
    /// Whether the owner may quit (Work groups: yes, the group stays ownerless).
    pub owner_may_quit: bool,
    /// Whether ordinary members may edit the group's profile (Work groups).
    pub members_edit_profile: bool,
    /// Whether owners and admins may mute members (not in Work groups).
    pub mutes: bool,
    /// Whether messages count as unread for members (not in Meeting groups).
    pub unread: bool,
    /// Whether a new member sees messages sent before it joined, unless the group says
    /// otherwise (`HistoryMsgBeforeJoin`).
    pub history_before_join: bool,
    /// Whether join and quit tips are stored in the history (Meeting groups only deliver them).
    pub store_member_tips: bool,
}

impl GroupType {
    pub fn rules(self) -> TypeRules {
        let base = TypeRules {
            durable: true,
            default_max_members: 2000,
            max_members_cap: 100_000,
            may_apply: true,
            default_apply: ApplyJoinOption::NeedPermission,
            members_invite: true,
            owner_may_quit: false,
            members_edit_profile: false,
            mutes: true,
            unread: true,
            history_before_join: false,
            store_member_tips: true,
        };
        match self {
            Self::Private => TypeRules {
                default_max_members: 200,
                may_apply: false,
                default_apply: ApplyJoinOption::DisableApply,
                owner_may_quit: true,
                members_edit_profile: true,
                mutes: false,
                ..base
            },
            Self::Public => base,
            Self::ChatRoom => TypeRules {
                default_max_members: 6000,
                default_apply: ApplyJoinOption::FreeAccess,
                unread: false,
                history_before_join: true,
                store_member_tips: false,
                ..base
            },
            Self::Community => TypeRules {
                default_max_members: 100_000,
                max_members_cap: 1_000_000,
                default_apply: ApplyJoinOption::FreeAccess,
                history_before_join: true,
                ..base
            },
            Self::AVChatRoom => TypeRules {
                durable: false,
                default_max_members: 0,
                max_members_cap: 0,
                default_apply: ApplyJoinOption::FreeAccess,
                members_invite: false,
                unread: false,
                store_member_tips: false,
                ..base
            },
        }
    }
}

/// Byte limits of group profile fields (reference 5.3); configurable per app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FieldLimits {
    /// `Name`, bytes of UTF-8.
    pub name: usize,
    /// `Introduction`, bytes.
    pub introduction: usize,
    /// `Notification`, bytes.
    pub notification: usize,
    /// `FaceUrl`, bytes.
    pub face_url: usize,
    /// Number of group-level custom fields (`AppDefinedData`) an app may declare.
    pub custom_fields: usize,
    /// Bytes of one custom field key.
    pub custom_key: usize,
    /// Bytes of one custom field value.
    pub custom_value: usize,
    /// `NameCard` of a member, bytes.
    pub name_card: usize,
    /// Number of member-level custom fields (`AppMemberDefinedData`) one member may hold.
    pub member_custom_fields: usize,
    /// Bytes of one member-level custom field value.
    pub member_custom_value: usize,
}

impl Default for FieldLimits {
    fn default() -> Self {
        Self {
            name: 30,
            introduction: 240,
            notification: 300,
            face_url: 100,
            custom_fields: 10,
            custom_key: 16,
            custom_value: 512,
            name_card: 50,
            member_custom_fields: 5,
            member_custom_value: 64,
        }
    }
}

/// Checks a profile field against its byte limit, with a message that says both numbers.
pub fn check_len(field: &str, value: &str, limit: usize) -> Result<(), Error> {
    if value.len() > limit {
        return Err(Error::InvalidParameter(format!(
            "{field} is {} bytes; the limit is {limit}",
            value.len()
        )));
    }
    Ok(())
}

/// Checks a custom field key: `[A-Za-z0-9_]`, 1..=limit bytes.
pub fn check_custom_key(key: &str, limit: usize) -> Result<(), Error> {
    if key.is_empty()
        || key.len() > limit
        || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(Error::InvalidParameter(format!(
            "custom field key {key:?} must be 1 to {limit} bytes of letters, digits and _"
        )));
    }
    Ok(())
}

/// Group tip kinds (reference 5.7), numbered as the client SDKs number them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TipType {
    Join = 1,
    Invite = 2,
    Quit = 3,
    Kicked = 4,
    SetAdmin = 5,
    CancelAdmin = 6,
    GroupInfoChange = 7,
    MemberInfoChange = 8,
}

/// Bits of a community's topic permissions (`DefaultPermission`, per-member overrides).
/// Owners, admins and App admins hold every permission.
pub mod topic_permission {
    /// Send messages in topics.
    pub const SEND: u64 = 1;
    /// Create, change and remove topics.
    pub const MANAGE: u64 = 2;
    /// Every bit Liveroom knows.
    pub const ALL: u64 = SEND | MANAGE;
}

/// Byte limits of a topic's fields (reference 3.7).
pub const TOPIC_NAME_MAX: usize = 30;
pub const TOPIC_CUSTOM_STRING_MAX: usize = 3000;
/// The infix of topic ids: `<GroupId>@TOPIC#_<suffix>`.
pub const TOPIC_ID_INFIX: &str = "@TOPIC#_";
/// Most bytes of a topic id.
pub const TOPIC_ID_MAX: usize = 128;

/// Checks a topic id named by a caller: `<group>@TOPIC#_<suffix>`, printable ASCII.
pub fn check_topic_id(group: &str, topic: &str) -> Result<(), Error> {
    let suffix = topic
        .strip_prefix(group)
        .and_then(|rest| rest.strip_prefix(TOPIC_ID_INFIX));
    let printable = topic.bytes().all(|b| (0x21..=0x7e).contains(&b));
    match suffix {
        Some(s) if !s.is_empty() && printable && topic.len() <= TOPIC_ID_MAX => Ok(()),
        _ => Err(Error::InvalidParameter(format!(
            "TopicId {topic:?} must be {group}{TOPIC_ID_INFIX} and a suffix of printable \
             characters, at most {TOPIC_ID_MAX} bytes"
        ))),
    }
}

/// Most users one membership request names (`MemberList`, `MemberToDel_Account`).
pub const MEMBERS_PER_CALL_MAX: usize = 500;

/// Most members listed at creation (`MemberList` of `create_group`).
pub const CREATE_MEMBERS_MAX: usize = 100;

/// A user's standing in a group, weakest first (reference 5.8). App admins have every
/// owner right in every group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Member,
    Admin,
    Owner,
    AppAdmin,
}

impl Role {
    /// The reference's name (`Owner`, `Admin`, `Member`); an App admin shows as `Owner`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "Member",
            Self::Admin => "Admin",
            Self::Owner | Self::AppAdmin => "Owner",
        }
    }

    /// Whether this role may mute, ban or unban someone holding `target`: admins act on
    /// members, owners on admins and members, App admins on everyone but the owner.
    pub fn may_moderate(self, target: Role) -> bool {
        self >= Role::Admin && target < self && target != Role::Owner
    }
}

/// Most admins of one AVChatRoom (reference 5.6).
pub const AV_ADMINS_MAX: usize = 5;

/// Mute value the reference uses for "forever".
pub const MUTE_FOREVER_SECS: u64 = 4_294_967_295;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_order_and_numbers() {
        assert!(Priority::High > Priority::Normal);
        assert!(Priority::Low > Priority::Lowest);
        for p in Priority::ALL {
            assert_eq!(Priority::from_history_number(p.history_number() as i64), p);
            assert_eq!(Priority::parse(p.as_str()).ok(), Some(p));
        }
        assert!(Priority::parse("high").is_err());
        assert_eq!(Priority::High.index(), 0);
        assert_eq!(Priority::Lowest.index(), 3);
    }

    #[test]
    fn custom_keys() {
        assert!(check_custom_key("level_1", 16).is_ok());
        assert!(check_custom_key("bad-key", 16).is_err());
        assert!(check_custom_key("", 16).is_err());
        assert!(check_custom_key(&"k".repeat(17), 16).is_err());
    }
}
