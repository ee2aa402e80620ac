//! Groups that keep their members and messages: Work (`Private`), Public, Meeting
//! (`ChatRoom`) and Community. What differs from a live room:
//!
//! - Membership is stored. A member stays one while offline; its devices are attached to
//!   the group's room (its fan-out core) when they log in and when the user becomes a
//!   member, and detached when it stops being one. Nobody joins a room of these types for a
//!   session.
//! - Messages are stored before they are delivered or acknowledged ([`writer`]: group
//!   commit, numbered per group by the store), then handed to the members online here and,
//!   through the bus, on the other nodes that hold members. Unread counts are positions (see
//!   `liveroom_core::store::GroupChatStore`): no member row is written per message.
//! - Tips (joins, quits, kicks, role and profile changes) are stored messages too, where the
//!   type keeps them, and numbered in the same sequence.
//!
//! Layout: `members` (adding, removing, quitting, owner transfer), `requests` (asking to
//! join, approval), `roster` (member fields and roles, member lists, a user's groups), `read` (history pages, read reports, unread counts), `writer`
//! (the group commit and delivery), `tips` (stored tips). The send path is the group send
//! path's (`messages`), which stores a message of these types through the writer.

pub mod attrs;
mod edit;
pub mod features;
pub mod imports;
mod members;
mod read;
mod requests;
mod roster;
pub(crate) mod tips;
mod topics;
pub(crate) mod writer;

pub use members::{AddResult, JoinOutcome, JoinedGroup, MemberChanges, MemberList};
pub use read::GroupPageView;
pub use requests::StoredJoin;
pub use topics::{TopicSpec, TopicView};

use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use crate::broker::AppEvent;
use crate::loaded::RoomRef;
use crate::room::Admission;
use crate::session::SessionRef;
use crate::{metrics, store_err, Engine};

/// Who acts on a stored group: a user (a client, or REST impersonating one) or the app's
/// administrator over REST.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The operator's account (`Operator_Account` in callbacks).
    pub user: UserId,
    /// An App admin: every owner right in every group, member or not.
    pub app_admin: bool,
    /// A client connection (rather than the backend over REST).
    pub by_client: bool,
    /// Where the request came from (webhooks' `ClientIP`, `OptPlatform`).
    pub origin: crate::hooks::Origin,
}

impl Engine {
    /// A group with stored membership, loaded here; other types answer `NotSupported`.
    pub(crate) async fn stored_room(&self, app: AppId, group: &GroupId) -> Result<RoomRef, Error> {
        let room = self.room(app, group).await?;
        if !room.is_durable() {
            return Err(Error::NotSupported(format!(
                "{group} is an AVChatRoom, which keeps no members; this works in Work, Public, \
                 Meeting and Community groups"
            )));
        }
        Ok(room)
    }

    /// Attaches `sessions` of `user` to a stored group's room (loading it if needed).
    async fn attach_sessions(
        &self,
        app: AppId,
        group: &GroupId,
        user: &UserId,
        sessions: &[SessionRef],
    ) {
        let now = unix_secs();
        // A room unloaded meanwhile is loaded again.
        for _ in 0..3 {
            let room = match self.room(app, group).await {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(group = %group, error = %e, "a member's devices were not attached");
                    return;
                }
            };
            let mut again = false;
            for s in sessions {
                match room.attach(s, user, now) {
                    Admission::Added { .. } => {
                        s.add_room(group);
                        metrics::room_members_changed(1.0);
                    }
                    Admission::Gone { destroyed: false } => {
                        again = true;
                        break;
                    }
                    Admission::Gone { destroyed: true } => return,
                    _ => {}
                }
            }
            if !again {
                return;
            }
        }
    }

    /// Detaches every device of `user` here from a group.
    fn detach_here(&self, app: AppId, group: &GroupId, user: &UserId) {
        if let Some(room) = self.loaded_room(app, group) {
            let sessions = room.remove_user(user);
            metrics::room_members_changed(-(sessions.len() as f64));
            for s in sessions {
                s.remove_room(group);
            }
        }
    }

    /// `users` became members (`joined`) or stopped being members: their devices here and
    /// on every other node are attached or detached.
    pub(crate) async fn membership_changed(
        &self,
        app: AppId,
        group: &GroupId,
        users: &[UserId],
        joined: bool,
    ) {
        self.membership_here(app, group, users, joined).await;
        if !users.is_empty() {
            self.announce(
                app,
                AppEvent::Membership {
                    group: group.clone(),
                    users: users.to_vec(),
                    joined,
                },
            );
        }
    }

    /// Another node changed a group's membership (or this one did): devices here follow.
    pub(crate) async fn membership_here(
        &self,
        app: AppId,
        group: &GroupId,
        users: &[UserId],
        joined: bool,
    ) {
        for u in users {
            if joined {
                let sessions = self.user_sessions(app, u);
                if !sessions.is_empty() {
                    self.attach_sessions(app, group, u, &sessions).await;
                }
            } else {
                self.detach_here(app, group, u);
            }
        }
    }

    /// A login: the session joins the rooms of the user's stored groups. Called after the
    /// session is listed among the user's, so a membership that changes meanwhile reaches
    /// it either way.
    pub(crate) async fn attach_joined(
        &self,
        session: &SessionRef,
        app: AppId,
        user: &UserId,
    ) -> Result<(), Error> {
        let joined = self
            .store
            .joined_groups(app, user)
            .await
            .map_err(store_err)?;
        for g in joined {
            self.attach_sessions(app, &g.group, user, std::slice::from_ref(session))
                .await;
        }
        Ok(())
    }
}
