//! Accounts and profiles: import, check, delete, portrait get/set. Profile changes reach
//! the user's live sessions so the next message carries the new nick and avatar.

use liveroom_core::protocol::KickReason;
use liveroom_core::store::{ProfilePatch, UserRecord};
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, UserId};

use crate::{store_err, Engine};

/// Longest profile value in bytes (reference 40601).
pub const PROFILE_VALUE_MAX: usize = liveroom_core::profile::VALUE_MAX;

#[derive(Debug, Clone)]
pub struct ImportedAccount {
    pub user: UserId,
    pub nick: Option<String>,
    pub face_url: Option<String>,
}

fn check_profile_value(tag: &str, v: &str) -> Result<(), Error> {
    if v.len() > PROFILE_VALUE_MAX {
        return Err(Error::ProfileValueTooLong(format!(
            "{tag} is {} bytes; the limit is {PROFILE_VALUE_MAX}",
            v.len()
        )));
    }
    Ok(())
}

impl Engine {
    /// `account_import` / `multiaccount_import`: creates the account if needed and sets the
    /// nick and avatar that are given; absent ones keep their value.
    pub async fn import_account(&self, app: AppId, a: ImportedAccount) -> Result<(), Error> {
        self.apps.get(app)?;
        if let Some(n) = &a.nick {
            check_profile_value("Nick", n)?;
        }
        if let Some(f) = &a.face_url {
            check_profile_value("FaceUrl", f)?;
        }
        self.store
            .ensure_user(app, &a.user, unix_secs())
            .await
            .map_err(store_err)?;
        let patch = ProfilePatch {
            nick: a.nick,
            face_url: a.face_url,
        };
        if patch != ProfilePatch::default() {
            self.store
                .patch_profile(app, &a.user, &patch)
                .await
                .map_err(store_err)?;
            for s in self.user_sessions(app, &a.user) {
                s.update_profile(patch.nick.as_deref(), patch.face_url.as_deref());
            }
        }
        Ok(())
    }

    /// Which of `users` exist.
    pub async fn existing_accounts(
        &self,
        app: AppId,
        users: &[UserId],
    ) -> Result<Vec<UserRecord>, Error> {
        self.apps.get(app)?;
        self.store.get_users(app, users).await.map_err(store_err)
    }

    /// `account_delete`: removes the account and closes its sessions. False if absent.
    pub async fn delete_account(&self, app: AppId, user: &UserId) -> Result<bool, Error> {
        self.apps.get(app)?;
        let existed = self.store.delete_user(app, user).await.map_err(store_err)?;
        self.c2c_known.forget(app, user);
        for s in self.user_sessions(app, user) {
            s.kick(KickReason::AccountKicked, "the account was deleted");
        }
        self.announce(
            app,
            crate::broker::AppEvent::KickUser {
                user: user.clone(),
                reason: KickReason::AccountKicked,
                info: "the account was deleted".into(),
            },
        );
        Ok(existed)
    }

    /// `kick`: closes every session of `user`, on every node.
    pub fn kick_user(&self, app: AppId, user: &UserId, info: &str) {
        for s in self.user_sessions(app, user) {
            s.kick(KickReason::AccountKicked, info);
        }
        self.announce(
            app,
            crate::broker::AppEvent::KickUser {
                user: user.clone(),
                reason: KickReason::AccountKicked,
                info: info.to_string(),
            },
        );
    }
}
