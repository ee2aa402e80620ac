//! Identifiers. Each is a newtype so an app id is never passed where a group id belongs.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

use crate::error::Error;

/// An application's SDKAppID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppId(pub u64);

impl fmt::Display for AppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Longest UserID in bytes (reference 2.1).
pub const USER_ID_MAX_BYTES: usize = 32;
/// Longest custom GroupId in bytes (reference 5.2).
pub const GROUP_ID_MAX_BYTES: usize = 48;
/// Prefix of server-assigned group ids; custom ids may not use it.
pub const SERVER_GROUP_ID_PREFIX: &str = "@TGS#";

/// A user account identifier. Cheap to clone: it travels with every message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(Arc<str>);

impl UserId {
    /// Validates a UserID: 1 to 32 bytes of printable ASCII without spaces.
    pub fn parse(raw: &str) -> Result<Self, Error> {
        if raw.is_empty() || raw.len() > USER_ID_MAX_BYTES {
            return Err(Error::InvalidUserId(format!(
                "UserID {raw:?} is {} bytes; it must be 1 to {USER_ID_MAX_BYTES}",
                raw.len()
            )));
        }
        if !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::InvalidUserId(format!(
                "UserID {raw:?} must be printable ASCII without spaces"
            )));
        }
        Ok(Self(raw.into()))
    }

    /// Wraps a value already validated (read back from the store).
    pub fn from_trusted(raw: &str) -> Self {
        Self(raw.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A group identifier (server-assigned `@TGS#...` or custom).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GroupId(Arc<str>);

impl GroupId {
    /// Validates a GroupId named by a caller: printable ASCII, at most 48 bytes.
    /// Server-assigned ids (with the `@TGS#` prefix) are accepted when referring to a group.
    pub fn parse(raw: &str) -> Result<Self, Error> {
        if raw.is_empty() || raw.len() > GROUP_ID_MAX_BYTES {
            return Err(Error::InvalidGroupId(format!(
                "GroupId {raw:?} is {} bytes; it must be 1 to {GROUP_ID_MAX_BYTES}",
                raw.len()
            )));
        }
        if !raw.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
            return Err(Error::InvalidGroupId(format!(
                "GroupId {raw:?} must be printable ASCII"
            )));
        }
        Ok(Self(raw.into()))
    }

    /// Validates a custom id proposed for a new group: as [`GroupId::parse`], and it must
    /// not start with the server prefix `@TGS#`.
    pub fn parse_custom(raw: &str) -> Result<Self, Error> {
        if raw.starts_with(SERVER_GROUP_ID_PREFIX) {
            return Err(Error::InvalidGroupId(format!(
                "custom GroupId {raw:?} may not start with {SERVER_GROUP_ID_PREFIX}"
            )));
        }
        Self::parse(raw)
    }

    /// A fresh server-assigned id for an AVChatRoom: `@TGS#a` and 9 base-32 characters.
    pub fn generate_av() -> Self {
        Self::generate("a")
    }

    /// A fresh server-assigned id: `@TGS#`, `kind` (`a` for AVChatRooms, `1` to `4` for the
    /// stored types, `_` for communities with topics) and 9 base-32 characters.
    pub fn generate(kind: &str) -> Self {
        use rand::Rng;
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let mut rng = rand::thread_rng();
        let mut id = String::with_capacity(15 + kind.len());
        id.push_str(SERVER_GROUP_ID_PREFIX);
        id.push_str(kind);
        for _ in 0..9 {
            id.push(ALPHABET[rng.gen_range(0..ALPHABET.len())] as char);
        }
        Self(id.into())
    }

    pub fn from_trusted(raw: &str) -> Self {
        Self(raw.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids() {
        assert!(UserId::parse("viewer_9").is_ok());
        assert!(UserId::parse("@RBT#bot").is_ok());
        assert!(UserId::parse("").is_err());
        assert!(UserId::parse("a b").is_err());
        assert!(UserId::parse(&"x".repeat(33)).is_err());
        assert!(UserId::parse("名字").is_err());
    }

    #[test]
    fn group_ids() {
        assert!(GroupId::parse_custom("room-1").is_ok());
        assert!(GroupId::parse_custom("@TGS#abc").is_err());
        assert!(GroupId::parse("@TGS#abc").is_ok());
        assert!(GroupId::parse(&"g".repeat(49)).is_err());
        let g = GroupId::generate_av();
        assert!(g.as_str().starts_with("@TGS#a") && g.as_str().len() == 15);
    }
}
