//! One-to-one chat (C2C): conversations, their sequence numbers, message keys and the
//! limits of the reference contract (§3.2, §4).
//!
//! A conversation between two users is one sequence: every stored message gets the next
//! number (`Seq`, from 1) of its pair of users, whichever of them sent it. Both sides name
//! a message by it; a client that was away asks for everything after the last number it
//! has. The reference's own `MsgSeq` of a C2C message is the sender's choice and stays so.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ids::UserId;

/// Most receivers of one `batchsendmsg`.
pub const BATCH_RECEIVERS_MAX: usize = 500;
/// Longest offline lifetime a message may ask for (`MsgLifeTime`), seconds: 7 days.
pub const LIFETIME_MAX_SECS: u64 = 604_800;
/// How long `(sender, MsgSeq, MsgRandom, content)` de-duplicates a send (reference 4.7).
pub const DEDUP_WINDOW_SECS: i64 = 120;
/// Most messages one read of a conversation returns.
pub const PAGE_MAX: u32 = 100;
/// Most conversations one read of the list returns.
pub const CONVERSATION_PAGE_MAX: u32 = 1000;
/// Most peers `get_c2c_unread_msg_num` takes.
pub const UNREAD_PEERS_MAX: usize = 10;

/// One-to-one chat settings of an app. Every field has a default, so a partial table works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChatSettings {
    /// Days a one-to-one message is kept (the reference's free tier keeps 7); 0 keeps
    /// messages for ever.
    pub history_days: u32,
    /// How long after sending a client may recall its own message, in seconds (App admins
    /// over REST have no limit); 0: clients may not recall.
    pub recall_secs: u32,
    /// Typing notices one connection may send per second (the excess is not passed on).
    pub typing_per_sec: u32,
}

impl Default for ChatSettings {
    fn default() -> Self {
        Self {
            history_days: 7,
            recall_secs: 120,
            typing_per_sec: 2,
        }
    }
}

impl ChatSettings {
    pub fn validate(&self) -> Result<(), String> {
        if self.history_days > 36_500 {
            return Err("chat.history_days must be 0 to 36500".into());
        }
        if self.recall_secs > 7 * 86_400 {
            return Err("chat.recall_secs must be 0 to 604800".into());
        }
        if self.typing_per_sec == 0 || self.typing_per_sec > 100 {
            return Err("chat.typing_per_sec must be 1 to 100".into());
        }
        Ok(())
    }
}

/// The two users of a conversation in byte order: how it is keyed, whoever asks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pair {
    pub lo: UserId,
    pub hi: UserId,
}

impl Pair {
    pub fn of(a: &UserId, b: &UserId) -> Self {
        if a.as_str() <= b.as_str() {
            Self {
                lo: a.clone(),
                hi: b.clone(),
            }
        } else {
            Self {
                lo: b.clone(),
                hi: a.clone(),
            }
        }
    }
}

/// Flag bits of a stored message.
pub mod flags {
    pub const RECALLED: i64 = 1;
    /// `SyncOtherMachine: 2`: the sender's side does not keep it.
    pub const HIDDEN_FROM_SENDER: i64 = 2;
    /// `SendMsgControl: NoUnread`, or an import of history: never counted as unread.
    pub const NO_UNREAD: i64 = 4;
    /// `IsNeedReadReceipt: 1`.
    pub const NEEDS_RECEIPT: i64 = 8;
    pub const EDITED: i64 = 16;
}

/// A message's key (`MsgKey`): `<Seq>_<MsgRandom>_<MsgTime>`, the reference's shape, with
/// the conversation's number first. It names a message within its conversation, so a call
/// that takes one also names the two users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MsgKey {
    pub seq: u64,
    pub random: u32,
    pub time: i64,
}

impl MsgKey {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let bad = || Error::InvalidMsgKey(raw.chars().take(60).collect());
        let mut parts = raw.split('_');
        let (Some(seq), Some(random), Some(time), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        Ok(Self {
            seq: seq.parse().map_err(|_| bad())?,
            random: random.parse().map_err(|_| bad())?,
            time: time.parse().map_err(|_| bad())?,
        })
    }
}

impl std::fmt::Display for MsgKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}_{}_{}", self.seq, self.random, self.time)
    }
}

/// `SyncOtherMachine`: whether the sender's other devices and side get the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SyncOther {
    /// Absent: kept on the sender's side and pushed to its other devices.
    #[default]
    Default,
    /// `1`: the same, asked for explicitly.
    Yes,
    /// `2`: neither kept on the sender's side nor pushed to it.
    No,
}

impl SyncOther {
    pub fn parse(v: i64) -> Result<Self, Error> {
        match v {
            1 => Ok(Self::Yes),
            2 => Ok(Self::No),
            other => Err(Error::BadField {
                field: "SyncOtherMachine".into(),
                info: format!("SyncOtherMachine is {other}; it must be 1 or 2"),
            }),
        }
    }

    pub fn to_sender(self) -> bool {
        self != Self::No
    }
}

/// How a conversation's side is listed and counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationRecord {
    pub owner: UserId,
    pub peer: UserId,
    pub last_seq: u64,
    pub last_time: i64,
    pub unread: u64,
    pub read_seq: u64,
    /// What the peer has read of this conversation (its own `read_seq`).
    pub peer_read_seq: u64,
    pub cleared_seq: u64,
    pub pinned: bool,
    pub marks: u64,
    /// The newest message the owner's side shows, if any is still stored.
    pub last: Option<C2cRecord>,
}

/// One stored C2C message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct C2cRecord {
    pub seq: u64,
    pub from: UserId,
    pub to: UserId,
    pub time: i64,
    /// The sender's `MsgSeq` (the reference's meaning).
    pub client_seq: u64,
    pub random: u32,
    pub flags: i64,
    /// `MsgBody` as JSON text (`[]` once recalled).
    pub body: String,
    pub cloud_custom_data: String,
    /// `OfflinePushInfo` as JSON text (empty when none).
    pub offline_push: String,
    /// The sender's nick and avatar (as its profile says now, when read back).
    pub nick: String,
    pub avatar: String,
}

impl C2cRecord {
    pub fn key(&self) -> MsgKey {
        MsgKey {
            seq: self.seq,
            random: self.random,
            time: self.time,
        }
    }

    pub fn has(&self, flag: i64) -> bool {
        self.flags & flag != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_refuse_garbage() {
        let k = MsgKey {
            seq: 12,
            random: 99,
            time: 1_700_000_000,
        };
        assert_eq!(k.to_string(), "12_99_1700000000");
        assert_eq!(MsgKey::parse(&k.to_string()).expect("parses"), k);
        for bad in ["", "1_2", "1_2_3_4", "a_2_3", "1_-2_3", "1__3"] {
            assert!(MsgKey::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pairs_are_ordered() {
        let a = UserId::from_trusted("b");
        let b = UserId::from_trusted("a");
        assert_eq!(Pair::of(&a, &b), Pair::of(&b, &a));
        assert_eq!(Pair::of(&a, &b).lo.as_str(), "a");
    }
}
