//! One-to-one chat (C2C): sending, the conversation store's reads, read reports, recall
//! and edit, typing notices. REST and the client protocol call the same operations.
//!
//! A message is stored before it is delivered or acknowledged ([`writer`]: group commit,
//! numbered in its conversation by the store), then pushed to every online device of the
//! receiver and to the sender's other devices. A device that was away asks for what came
//! after the last number it has, per conversation; nothing is held in memory per
//! conversation, so any node can take any message (cluster mode shares the store).
//!
//! Layout: `send` (the send path and its receipt), `writer` (group commit), `frames` (the
//! pushes), `read` (pages, conversation list, read reports, unread counts), `edit` (recall
//! and edit), `typing`.

mod edit;
pub(crate) mod frames;
mod read;
mod send;
mod typing;
pub(crate) mod writer;

pub use edit::Editor;
pub use read::{no_conversation, ConversationPage, ConversationView, MessagePage, RoamPage};
pub(crate) use send::{new_dedup, C2cDedup};
pub use send::{C2cBy, C2cImport, C2cReceipt, C2cSend};

use dashmap::DashMap;

use liveroom_core::store::StoreError;
use liveroom_core::{AppId, Error, UserId};

use crate::outbound::Frame;
use crate::Engine;

/// Accounts known to exist, so a send does not read the store for its receiver each time
/// (an account's deletion takes it out). Cleared when it grows past this.
const KNOWN_ACCOUNTS_MAX: usize = 200_000;

/// Accounts known to exist (see [`KNOWN_ACCOUNTS_MAX`]).
#[derive(Default)]
pub(crate) struct KnownAccounts(DashMap<(AppId, UserId), ()>);

impl KnownAccounts {
    pub(crate) fn forget(&self, app: AppId, user: &UserId) {
        self.0.remove(&(app, user.clone()));
    }
}

fn store_err(e: StoreError) -> Error {
    crate::store_err(e)
}

impl Engine {
    /// The account exists (`missing` is the error when it does not).
    pub(crate) async fn require_account(
        &self,
        app: AppId,
        user: &UserId,
        missing: impl FnOnce() -> Error,
    ) -> Result<(), Error> {
        let key = (app, user.clone());
        if self.c2c_known.0.contains_key(&key) || self.users.contains_key(&key) {
            return Ok(());
        }
        let found = self
            .store
            .get_users(app, std::slice::from_ref(user))
            .await
            .map_err(store_err)?;
        if found.is_empty() && !self.apps.get(app)?.is_admin(user) {
            return Err(missing());
        }
        if self.c2c_known.0.len() >= KNOWN_ACCOUNTS_MAX {
            self.c2c_known.0.clear();
        }
        self.c2c_known.0.insert(key, ());
        Ok(())
    }

    /// Hands `frame` to every online device of `user` but `except` (a session of this
    /// node): here, and through the bus on the other nodes.
    pub(crate) fn push_to_user(
        &self,
        app: AppId,
        user: &UserId,
        frame: &Frame,
        except: Option<u64>,
    ) {
        self.push_here(app, user, frame, except);
        if let Some(bus) = self.bus() {
            let except = except.map(|session| crate::broker::SessionAddr {
                node: bus.node(),
                session,
            });
            bus.publish_user(app, user, frame, except);
        }
    }

    fn push_here(&self, app: AppId, user: &UserId, frame: &Frame, except: Option<u64>) {
        let Some(sessions) = self.users.get(&(app, user.clone())) else {
            return;
        };
        for s in sessions.iter().filter(|s| Some(s.id) != except) {
            s.push(frame);
        }
    }

    /// Another node published a push to `user`: its devices here get it.
    pub fn on_user_event(
        &self,
        app: AppId,
        user: &UserId,
        frame: &Frame,
        except: Option<crate::broker::SessionAddr>,
    ) {
        let except = self.local_session(except);
        self.push_here(app, user, frame, except);
    }
}
