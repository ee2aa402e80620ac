//! Domain errors and the one table that maps each to a reference error code.
//!
//! Transports turn an [`Error`] into a response with [`Error::code`] and the `Display`
//! text. A few generic errors (bad parameter, internal failure) have a different code in
//! each reference service; the [`Service`] the request came through picks it.

use crate::usersig::SigError;

/// The REST service (or client protocol) a request came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// `im_open_login_svc`
    Account,
    /// `profile`
    Profile,
    /// `group_open_http_svc`, `group_open_avchatroom_http_svc` and the WebSocket protocol.
    Group,
    /// Liveroom's own extensions (`liveroom_ext`).
    Extension,
    /// `openim`: one-to-one messages and presence (20xxx, 90xxx), also the client
    /// protocol's one-to-one ops.
    Openim,
    /// `recentcontact`: conversations (50xxx).
    Conversation,
    /// `sns`: friends, friend lists and blocklists (30xxx).
    Sns,
}

/// Serializable, so an error made on the node that decides for a room reaches the node the
/// request came through unchanged (cluster mode).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum Error {
    #[error("request body is not valid JSON: {0}")]
    BodyNotJson(String),
    #[error("{0}")]
    InvalidParameter(String),
    /// A request field of the wrong type or value; one-to-one commands answer with the
    /// field's own code (90003 `To_Account`, 90005 `MsgRandom`, ...).
    #[error("{info}")]
    BadField { field: String, info: String },
    /// A `MsgKey` that names no message of the conversation.
    #[error("MsgKey {0:?} names no message of this conversation")]
    InvalidMsgKey(String),
    /// A one-to-one message a client may no longer recall.
    #[error(
        "the message was sent more than {limit_secs} seconds ago; it can no longer be recalled"
    )]
    RecallWindowPassed { limit_secs: u64 },
    /// A one-to-one message to a receiver who does not exist.
    #[error("account {0} does not exist")]
    ReceiverNotFound(String),
    #[error("unknown command {0:?}")]
    UnknownCommand(String),
    /// A URL that names no service and command (`/v4/<service>/<command>`).
    #[error("{0}")]
    UnknownPath(String),
    /// An HTTP method a door does not serve.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// A request HTTP itself could not take: a request line or headers over the size limit,
    /// a malformed request line.
    #[error("{0}")]
    MalformedHttp(String),
    #[error("sdkappid is missing from the URL")]
    MissingAppId,
    #[error("SDKAppID {0} does not exist")]
    AppNotFound(u64),
    #[error("{0} is not an App admin of this app")]
    NotAppAdmin(String),
    #[error("{0}")]
    UserSig(SigError),
    #[error("too many failed UserSig verifications; retry after a minute")]
    SigLocked,
    #[error("{0}")]
    InvalidUserId(String),
    #[error("account {0} does not exist")]
    AccountNotFound(String),
    #[error("{0}")]
    InvalidGroupId(String),
    #[error("group {0} does not exist or was dismissed")]
    GroupNotFound(String),
    /// A room a reader without a login asked for that guests may not watch: told apart
    /// from a missing room neither by code nor by text.
    #[error("group {0} does not exist or is not public")]
    GroupNotPublic(String),
    #[error("group id {0} is already in use")]
    GroupIdTaken(String),
    #[error("{0}")]
    PermissionDenied(String),
    #[error("{0}")]
    NotSupported(String),
    #[error("{0} is the owner and may not quit this group")]
    OwnerCannotQuit(String),
    #[error("you are muted in this group for {remaining_secs} more seconds")]
    Muted { remaining_secs: u64 },
    #[error("all members are muted in this group")]
    MutedAll,
    #[error("you are banned from this group for {remaining_secs} more seconds")]
    Banned { remaining_secs: u64 },
    /// A guest join over the app's `guests_per_ip_per_room`: the room is full for guests
    /// from this client address.
    #[error(
        "this room already has {limit} guest connections from your address, the most allowed; \
         log in, or leave with another guest connection first"
    )]
    GuestsPerAddressFull { limit: u32 },
    #[error("{0}")]
    TooManyAccounts(String),
    #[error("{0}")]
    InvalidMessage(String),
    #[error("message is {size} bytes; the limit is {limit}")]
    MessageTooLarge { size: usize, limit: usize },
    #[error("frame is {size} bytes; the limit is {limit}")]
    FrameTooLarge { size: usize, limit: usize },
    /// A request body over the limit (its size is not known: reading stops at the limit).
    #[error("request body is over the limit of {limit} bytes")]
    BodyTooLarge { limit: usize },
    #[error("{0}")]
    ProfileValueTooLong(String),
    /// A profile tag that is neither standard nor declared by the app.
    #[error("{0}")]
    ProfileTagUnknown(String),
    /// A standard profile tag's value outside its choices.
    #[error("{0}")]
    ProfileValue(String),
    /// A profile value of the wrong JSON type.
    #[error("{0}")]
    ProfileValueType(String),
    /// A tag the user's own client may not set (`Level`, `Role`, `AdminForbidType`).
    #[error("{0}")]
    ProfileReadOnly(String),
    /// One-to-one: the receiver has blocked the sender.
    #[error("you are on {0}'s blocklist")]
    BlockedByReceiver(String),
    /// A relationship refused (the reference's 30xxx code and why).
    #[error("{info}")]
    Relation { code: i32, info: String },
    /// Stored groups: the invitee or applicant is a member already.
    #[error("{0} is already a member of this group")]
    AlreadyMember(String),
    /// Stored groups: the group holds its `MaxMemberNum` members.
    #[error("the group is full ({0} members)")]
    GroupFull(u32),
    /// A join request to approve or decline that is not pending (handled already, or never
    /// made).
    #[error("{0} has no pending request to join this group (handled already, or never made)")]
    RequestHandled(String),
    /// Stored groups: the operator or sender must be a member.
    #[error("{0} is not a member of this group")]
    NotMember(String),
    /// A message that takes no extensions (sent without `SupportMessageExtension`), or
    /// none with this number.
    #[error("message {0} does not exist or takes no extensions")]
    ExtensionNotFound(u64),
    /// An extension written with a version that is no longer the stored one.
    #[error("the extension changed since it was read; read it again")]
    ExtensionConflict,
    /// Deleting stored messages of a group that stores none (an AVChatRoom).
    #[error("{0} is an AVChatRoom: it stores no messages to delete")]
    NoMessageStore(String),
    /// A group attribute write over a limit (10045 key, 10046 value, 10047 keys, 10048
    /// total) or of a key that does not exist (10050).
    #[error("{info}")]
    GroupAttr { code: i32, info: String },
    #[error("too many requests; retry later")]
    RateLimited,
    /// Refused by the app's backend through a before-callback: 10016, or the app's own
    /// code from the reference's custom range (10100 to 10200).
    #[error("{info}")]
    Rejected { code: i32, info: String },
    #[error("the message contains a word this app does not allow")]
    Filtered,
    #[error("message send frequency limit exceeded")]
    Frequency,
    #[error("{0}")]
    InvalidTransition(String),
    /// A group message to recall that the group does not hold (never delivered, no longer
    /// remembered, or recalled already).
    #[error("MsgSeq {0} is not a message of this group that can be recalled (unknown, too old, or recalled already)")]
    RecallNotFound(u64),
    /// Cluster mode: what the request needs (the room's deciding node, the bus) cannot be
    /// reached now; the request changed nothing and may be retried.
    #[error("{0}; retry")]
    Unavailable(String),
    #[error("internal error; retry")]
    Internal,
}

impl Error {
    /// The reference error code. This match is the one table: every variant has an arm.
    pub fn code(&self, service: Service) -> i32 {
        match self {
            Self::BodyNotJson(_) => match service {
                Service::Openim => 90001,
                _ => 60003,
            },
            Self::InvalidParameter(_) => invalid_parameter(service),
            Self::BadField { field, .. } => match service {
                Service::Openim => match field.as_str() {
                    "To_Account" => 90003,
                    "MsgRandom" => 90005,
                    "MsgTimeStamp" => 90006,
                    "MsgBody" => 90007,
                    "From_Account" => 90008,
                    "SyncFromOldSystem" => 90030,
                    "SyncOtherMachine" => 90031,
                    "MsgLifeTime" => 90044,
                    "MsgKey" => 90054,
                    _ => 20001,
                },
                _ => invalid_parameter(service),
            },
            Self::InvalidMsgKey(_) => match service {
                Service::Openim => 90054,
                _ => invalid_parameter(service),
            },
            Self::RecallWindowPassed { .. } => match service {
                Service::Openim => 20016,
                _ => 10031,
            },
            Self::ReceiverNotFound(_) => match service {
                Service::Openim => 90012,
                Service::Conversation => 50001,
                Service::Sns => 30003,
                Service::Profile => 40003,
                Service::Group => 10019,
                Service::Account | Service::Extension => 70107,
            },
            Self::UnknownCommand(_) => match service {
                Service::Group => 10003,
                Service::Account
                | Service::Profile
                | Service::Extension
                | Service::Openim
                | Service::Conversation
                | Service::Sns => 60009,
            },
            Self::UnknownPath(_) => 60009,
            Self::MethodNotAllowed(_) => 60008,
            Self::MalformedHttp(_) => 60002,
            Self::MissingAppId => 60012,
            Self::AppNotFound(_) => 70020,
            Self::NotAppAdmin(_) => 60010,
            Self::UserSig(e) => e.code(),
            Self::SigLocked => 70050,
            Self::InvalidUserId(_) => match service {
                Service::Openim => 20003,
                _ => invalid_parameter(service),
            },
            Self::AccountNotFound(_) => match service {
                Service::Profile => 40003,
                Service::Group => 10019,
                Service::Openim => 90048,
                Service::Conversation => 50001,
                Service::Sns => 30003,
                Service::Account | Service::Extension => 70107,
            },
            Self::InvalidGroupId(_) => 10015,
            Self::GroupNotFound(_) | Self::GroupNotPublic(_) => 10010,
            Self::GroupIdTaken(_) => 10021,
            Self::PermissionDenied(_) => match service {
                Service::Openim => 90009,
                Service::Sns => 30004,
                Service::Conversation => 50003,
                _ => 10007,
            },
            Self::NotSupported(_) => 10007,
            Self::OwnerCannotQuit(_) => 10009,
            Self::Muted { .. } | Self::MutedAll => 10017,
            Self::Banned { .. } => 10007,
            Self::GuestsPerAddressFull { .. } => 10014,
            Self::TooManyAccounts(_) => match service {
                Service::Account => 70206,
                Service::Profile => 40001,
                Service::Openim => 90011,
                Service::Conversation => 50002,
                Service::Sns => 30001,
                Service::Group | Service::Extension => 10005,
            },
            Self::InvalidMessage(_) => match service {
                Service::Openim => 90010,
                _ => 10004,
            },
            Self::MessageTooLarge { .. } => match service {
                Service::Openim => 93000,
                _ => 80002,
            },
            Self::FrameTooLarge { .. } | Self::BodyTooLarge { .. } => 93000,
            Self::ProfileValueTooLong(_) => 40601,
            Self::ProfileTagUnknown(_) => match service {
                Service::Profile => 40009,
                _ => invalid_parameter(service),
            },
            Self::ProfileValue(_) => match service {
                Service::Profile => 40605,
                _ => invalid_parameter(service),
            },
            Self::ProfileValueType(_) => match service {
                Service::Profile => 40610,
                _ => invalid_parameter(service),
            },
            Self::ProfileReadOnly(_) => 40008,
            Self::BlockedByReceiver(_) => 20007,
            Self::Relation { code, .. } => *code,
            Self::AlreadyMember(_) => 10013,
            Self::GroupFull(_) => 10014,
            Self::RequestHandled(_) => 10024,
            Self::NotMember(_) => 10007,
            Self::ExtensionNotFound(_) => 23004,
            Self::ExtensionConflict => 23001,
            Self::NoMessageStore(_) => 10035,
            Self::GroupAttr { code, .. } => *code,
            Self::RateLimited => 60018,
            Self::Rejected { code, .. } => *code,
            Self::Filtered => 80001,
            Self::Frequency => 10023,
            // A state change the room's current state does not allow: the reference's
            // "invalid parameter" family, as the request is well formed but not acceptable.
            Self::InvalidTransition(_) => 10004,
            Self::RecallNotFound(_) => 10030,
            Self::Internal | Self::Unavailable(_) => match service {
                Service::Account => 70500,
                Service::Profile => 40006,
                Service::Openim => 20005,
                Service::Conversation => 50004,
                Service::Sns => 30006,
                Service::Group | Service::Extension => 10002,
            },
        }
    }
}

/// A well-formed request whose values are not acceptable, in each service's table.
fn invalid_parameter(service: Service) -> i32 {
    match service {
        Service::Sns => 30001,
        Service::Account => 70402,
        Service::Profile => 40001,
        Service::Openim => 20001,
        Service::Conversation => 50002,
        Service::Group | Service::Extension => 10004,
    }
}

impl From<SigError> for Error {
    fn from(e: SigError) -> Self {
        Self::UserSig(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_errors_follow_the_service() {
        let e = Error::InvalidParameter("x".into());
        assert_eq!(e.code(Service::Group), 10004);
        assert_eq!(e.code(Service::Account), 70402);
        assert_eq!(e.code(Service::Profile), 40001);
        assert_eq!(
            Error::Muted { remaining_secs: 5 }.code(Service::Group),
            10017
        );
        assert_eq!(
            Error::UserSig(SigError::Expired).code(Service::Group),
            70001
        );
    }
}
