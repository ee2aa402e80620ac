//! User profiles: reading anyone's standard and custom tags, setting one's own (a client)
//! or anyone's (the backend), and telling the people who see the user: its own devices,
//! its friends and its recent conversation peers, online anywhere.

use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeSet;

use liveroom_core::callback::PORTRAIT_SET;
use liveroom_core::profile::{self, IMAGE, NICK};
use liveroom_core::protocol::{social::ProfileEntry, ProfilePush};
use liveroom_core::store::ProfilePatch;
use liveroom_core::{AppId, Error, UserId};

use crate::hooks::Origin;
use crate::{store_err, Engine};

/// One tag and its value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProfileItem {
    pub tag: String,
    pub value: Value,
}

/// A user's profile as read: `None` when the account does not exist.
pub type Profile = (UserId, Option<Vec<ProfileItem>>);

/// Who sets a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setter {
    /// The user's own client: not `Level`, `Role` or `AdminForbidType`.
    Own,
    /// The backend (REST): any tag.
    Backend,
}

/// People told of a profile change beyond the user's own devices: friends and the most
/// recent conversation peers, at most this many.
const TOLD_MAX: u32 = 1000;

impl Engine {
    /// The profiles of `users`, each with the tags asked for (unset ones with their
    /// default; an unknown tag is refused).
    pub async fn profiles(
        &self,
        app: AppId,
        users: &[UserId],
        tags: &[String],
    ) -> Result<Vec<Profile>, Error> {
        let custom = self.apps.get(app)?.settings().profile_custom_fields.clone();
        let defaults = tags
            .iter()
            .map(|t| {
                profile::default_value(t, &custom).ok_or_else(|| {
                    Error::ProfileTagUnknown(format!(
                        "profile tag {t:?} is neither a standard tag nor one of this app's declared {}* tags",
                        profile::CUSTOM_PREFIX
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let accounts = self.store.get_users(app, users).await.map_err(store_err)?;
        let stored = self
            .store
            .profile_items(app, users)
            .await
            .map_err(store_err)?;
        Ok(users
            .iter()
            .map(|u| {
                let Some(account) = accounts.iter().find(|a| &a.id == u) else {
                    return (u.clone(), None);
                };
                let items = tags
                    .iter()
                    .zip(&defaults)
                    .map(|(tag, default)| {
                        let value = match tag.as_str() {
                            NICK => Value::String(account.nick.clone()),
                            IMAGE => Value::String(account.face_url.clone()),
                            _ => stored
                                .iter()
                                .find(|(who, t, _)| who == u && t == tag)
                                .and_then(|(_, _, v)| serde_json::from_str(v).ok())
                                .unwrap_or_else(|| default.clone()),
                        };
                        ProfileItem {
                            tag: tag.clone(),
                            value,
                        }
                    })
                    .collect();
                (u.clone(), Some(items))
            })
            .collect())
    }

    /// Sets tags of `user`'s profile, all or none. False if the account does not exist.
    pub async fn set_profile_items(
        &self,
        app: AppId,
        user: &UserId,
        items: Vec<(String, Value)>,
        setter: Setter,
        origin: Origin,
    ) -> Result<bool, Error> {
        let custom = self.apps.get(app)?.settings().profile_custom_fields.clone();
        let mut patch = ProfilePatch::default();
        let mut stored = Vec::new();
        let mut changed = Vec::new();
        for (tag, value) in items {
            let text = profile::check(&tag, &value, &custom)?;
            if setter == Setter::Own && !profile::client_may_set(&tag) {
                return Err(Error::ProfileReadOnly(format!(
                    "{tag} is set by the app's backend, not by the user"
                )));
            }
            match (tag.as_str(), &value) {
                (NICK, Value::String(s)) => patch.nick = Some(s.clone()),
                (IMAGE, Value::String(s)) => patch.face_url = Some(s.clone()),
                _ => stored.push((tag.clone(), Some(text))),
            }
            changed.push(ProfileItem { tag, value });
        }
        if changed.is_empty() {
            return Err(Error::InvalidParameter("ProfileItem lists no tag".into()));
        }
        if !self
            .store
            .update_profile(app, user, &patch, &stored)
            .await
            .map_err(store_err)?
        {
            return Ok(false);
        }
        for s in self.user_sessions(app, user) {
            s.update_profile(patch.nick.as_deref(), patch.face_url.as_deref());
        }
        self.tell_profile(app, user, &changed).await;
        self.after_hook_now(app, PORTRAIT_SET, Some(origin), || {
            json!({
                "Operator_Account": user.as_str(),
                "From_Account": user.as_str(),
                "ProfileItem": changed,
            })
        });
        Ok(true)
    }

    /// Pushes a profile change to the user's devices, friends and conversation peers.
    async fn tell_profile(&self, app: AppId, user: &UserId, items: &[ProfileItem]) {
        let push = ProfilePush {
            user: user.to_string(),
            items: items
                .iter()
                .map(|i| ProfileEntry {
                    tag: i.tag.clone(),
                    value: i.value.clone(),
                })
                .collect(),
        };
        let Some(frame) = crate::chat::frames::control("profile", &push) else {
            return;
        };
        let mut told: BTreeSet<UserId> = BTreeSet::new();
        told.insert(user.clone());
        if let Ok((friends, _)) = self.store.friends(app, user, 0, TOLD_MAX, None).await {
            told.extend(friends.into_iter().map(|f| f.friend));
        }
        if let Ok((list, _)) = self.store.conversations(app, user, None, TOLD_MAX).await {
            told.extend(list.into_iter().map(|c| c.peer));
        }
        for u in &told {
            self.push_to_user(app, u, &frame, None);
        }
    }
}
