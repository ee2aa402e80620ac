//! Presence: who is online, on which platforms, with what custom status; and pushes to the
//! connections that watch a user (`subscribe_status`) when that changes.
//!
//! A node knows its own connections. A read of other users' status asks the other nodes
//! too ([`Broker::whois`](crate::broker::Broker::whois)). A change of a user's status on a
//! node (its first device here, its last one gone, a new custom status) goes to the
//! watchers here and, as an app event, to every other node; a node keeps, for each user
//! watched on it, what each node last said, so a user online on two nodes stays online
//! when one of them loses it.

use dashmap::DashMap;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Weak;

use liveroom_core::{AppId, Error, UserId};

use crate::broker::{AppEvent, NodePresence};
use crate::chat::frames;
use crate::session::{Identity, Session, SessionRef};
use crate::Engine;

/// Users one connection may watch.
pub const WATCH_MAX: usize = 200;
/// Longest custom status, bytes.
pub const CUSTOM_STATUS_MAX: usize = 100;

/// A user's status across the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserStatus {
    #[serde(rename = "UserID")]
    pub user: String,
    /// `Online` or `Offline`.
    pub status: &'static str,
    /// The platforms of its connected devices.
    pub platforms: Vec<String>,
    pub custom_status: String,
}

/// What watchers of each user hold, and what each node last said of it.
#[derive(Default)]
pub(crate) struct Watch {
    watchers: DashMap<(AppId, UserId), Vec<Weak<Session>>>,
    /// For watched users: node → its devices' platforms and custom status.
    seen: DashMap<(AppId, UserId), HashMap<u64, NodePresence>>,
    /// Custom statuses set on this node.
    custom: DashMap<(AppId, UserId), String>,
}

fn status_of(user: &UserId, parts: &HashMap<u64, NodePresence>) -> UserStatus {
    let mut platforms: Vec<String> = parts.values().flat_map(|p| p.platforms.clone()).collect();
    platforms.sort();
    let custom_status = parts
        .values()
        .map(|p| p.custom.clone())
        .find(|c| !c.is_empty())
        .unwrap_or_default();
    UserStatus {
        user: user.to_string(),
        status: if platforms.is_empty() {
            "Offline"
        } else {
            "Online"
        },
        platforms,
        custom_status,
    }
}

impl Engine {
    /// This node's part of `users`' presence (those with a device here).
    pub fn local_presence(&self, app: AppId, users: &[UserId]) -> Vec<(UserId, NodePresence)> {
        users
            .iter()
            .filter_map(|u| {
                let key = (app, u.clone());
                let sessions = self.users.get(&key)?;
                let platforms: Vec<String> = sessions
                    .iter()
                    .filter_map(|s| match s.identity() {
                        Identity::User(l) => Some(l.platform),
                        _ => None,
                    })
                    .collect();
                if platforms.is_empty() {
                    return None;
                }
                let custom = self
                    .watch
                    .custom
                    .get(&key)
                    .map(|c| c.clone())
                    .unwrap_or_default();
                Some((u.clone(), NodePresence { platforms, custom }))
            })
            .collect()
    }

    /// What every node holds of `users` now: this node's part and the others' answers.
    async fn gather(
        &self,
        app: AppId,
        users: &[UserId],
    ) -> HashMap<UserId, HashMap<u64, NodePresence>> {
        let mut parts: HashMap<UserId, HashMap<u64, NodePresence>> = HashMap::new();
        let me = self.broker().node();
        for (u, p) in self.local_presence(app, users) {
            parts.entry(u).or_default().insert(me, p);
        }
        for (u, node, p) in self.broker().whois(app, users).await {
            parts.entry(u).or_default().insert(node, p);
        }
        parts
    }

    /// `users`' status across the cluster.
    pub async fn user_statuses(&self, app: AppId, users: &[UserId]) -> Vec<UserStatus> {
        let mut parts = self.gather(app, users).await;
        users
            .iter()
            .map(|u| status_of(u, &parts.remove(u).unwrap_or_default()))
            .collect()
    }

    /// `session` watches `users` (at most `WATCH_MAX` in all); returns their status now.
    pub async fn watch_status(
        &self,
        session: &SessionRef,
        users: &[UserId],
    ) -> Result<Vec<UserStatus>, Error> {
        let me = session.require_user()?;
        if !session.watch(users, WATCH_MAX) {
            return Err(Error::TooManyAccounts(format!(
                "a connection watches at most {WATCH_MAX} users' status"
            )));
        }
        for u in users {
            let key = (me.app, u.clone());
            let mut list = self.watch.watchers.entry(key.clone()).or_default();
            list.retain(|w| w.strong_count() > 0);
            if !list
                .iter()
                .any(|w| w.upgrade().is_some_and(|s| s.id == session.id))
            {
                list.push(std::sync::Arc::downgrade(session));
            }
            drop(list);
            self.watch.seen.entry(key).or_default();
        }
        let mut parts = self.gather(me.app, users).await;
        let mut out = Vec::new();
        for u in users {
            let seen = parts.remove(u).unwrap_or_default();
            out.push(status_of(u, &seen));
            self.watch.seen.insert((me.app, u.clone()), seen);
        }
        Ok(out)
    }

    /// `session` stops watching `users`.
    pub fn unwatch_status(&self, session: &SessionRef, users: &[UserId]) {
        let Some(app) = session.app() else { return };
        session.unwatch(users);
        for u in users {
            let key = (app, u.clone());
            let empty = match self.watch.watchers.get_mut(&key) {
                Some(mut list) => {
                    list.retain(|w| w.upgrade().is_some_and(|s| s.id != session.id));
                    list.is_empty()
                }
                None => false,
            };
            if empty {
                self.watch.watchers.remove_if(&key, |_, l| l.is_empty());
                self.watch.seen.remove(&key);
            }
        }
    }

    /// Sets (or clears, with "") the custom status of `session`'s user.
    pub fn set_custom_status(&self, session: &SessionRef, text: String) -> Result<(), Error> {
        let me = session.require_user()?;
        if text.len() > CUSTOM_STATUS_MAX {
            return Err(Error::InvalidParameter(format!(
                "CustomStatus is {} bytes; the limit is {CUSTOM_STATUS_MAX}",
                text.len()
            )));
        }
        let key = (me.app, me.user.clone());
        if text.is_empty() {
            self.watch.custom.remove(&key);
        } else {
            self.watch.custom.insert(key, text);
        }
        self.status_changed_here(me.app, &me.user);
        Ok(())
    }

    /// The user's devices on this node changed: tell watchers here and every other node.
    pub(crate) fn status_changed_here(&self, app: AppId, user: &UserId) {
        let part = self
            .local_presence(app, std::slice::from_ref(user))
            .pop()
            .map(|(_, p)| p)
            .unwrap_or_default();
        if part.platforms.is_empty() {
            self.watch.custom.remove(&(app, user.clone()));
        }
        let node = self.broker().node();
        self.apply_status(app, user, node, part.clone());
        self.announce(
            app,
            AppEvent::UserStatus {
                user: user.clone(),
                node,
                presence: part,
            },
        );
    }

    /// What `node` says of `user` now: watchers here get the user's status if it changed.
    pub(crate) fn apply_status(&self, app: AppId, user: &UserId, node: u64, part: NodePresence) {
        let key = (app, user.clone());
        let Some(mut parts) = self.watch.seen.get_mut(&key) else {
            return;
        };
        let before = status_of(user, &parts);
        if part.platforms.is_empty() {
            parts.remove(&node);
        } else {
            parts.insert(node, part);
        }
        let after = status_of(user, &parts);
        drop(parts);
        if before == after {
            return;
        }
        let Some(frame) = frames::control("user_status", &after) else {
            return;
        };
        if let Some(list) = self.watch.watchers.get(&key) {
            for s in list.iter().filter_map(Weak::upgrade) {
                s.push(&frame);
            }
        }
    }

    /// A connection that ends stops watching.
    pub(crate) fn forget_watches(&self, session: &SessionRef) {
        let users = session.watched();
        if !users.is_empty() {
            self.unwatch_status(session, &users);
        }
    }
}
