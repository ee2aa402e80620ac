//! Liveroom core: the vocabulary every other crate speaks. No I/O lives here.
//!
//! Layout:
//! - [`ids`]: newtypes for app, user and group identifiers and their validation rules.
//! - [`error`]: the domain error enum and the ONE table mapping it to reference error codes.
//! - [`message`]: the `MsgBody` element model (`TIMTextElem`, `TIMCustomElem`, ...), validation.
//! - [`profile`]: user profile tags (standard and an app's custom ones) and their value rules.
//! - [`live`]: a room's live state (Upcoming, Live, Paused, Ended, Replay) and its transitions.
//! - [`group`]: group types, priorities, join options, field limits.
//! - [`app`]: per-app settings (frequency limit, history, login policy, declared fields).
//! - [`chat`]: one-to-one conversations: pairs, sequence numbers, `MsgKey`, limits.
//! - [`callback`]: webhook command names and the webhook / word-filter settings.
//! - [`usersig`]: the UserSig v2 ticket: generation and constant-time verification.
//! - [`stats`]: audience statistics: counters, user levels, room popularity.
//! - [`store`]: the durable-storage port (`Store` trait) and its records.
//! - [`protocol`]: the client WebSocket frames shared by the server and the Rust client.
//! - [`time`]: wall-clock helpers (Unix seconds / milliseconds).

pub mod app;
pub mod callback;
pub mod chat;
pub mod error;
pub mod group;
pub mod ids;
pub mod live;
pub mod message;
pub mod profile;
pub mod protocol;
pub mod stats;
pub mod store;
pub mod time;
pub mod usersig;

pub use error::{Error, Service};
pub use ids::{AppId, GroupId, UserId};
