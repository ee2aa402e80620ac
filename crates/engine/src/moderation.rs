//! Muting and banning in AVChatRooms. Both are durable; the room keeps a cached copy so
//! the send path never reads the store. Every change is pushed to the room as a tip.

use liveroom_core::group::MUTE_FOREVER_SECS;
use liveroom_core::store::Restriction;
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use crate::{metrics, store_err, tips, Engine};

/// Most accounts in one mute call (reference 3.5.3).
pub const MUTE_BATCH_MAX: usize = 500;
/// Most accounts in one ban or unban call.
pub const BAN_BATCH_MAX: usize = 20;
/// Longest ban description, bytes.
pub const BAN_DESCRIPTION_MAX: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BanInfo {
    pub user: UserId,
    pub until: i64,
}

fn check_accounts(users: &[UserId], max: usize) -> Result<(), Error> {
    if users.is_empty() || users.len() > max {
        return Err(Error::TooManyAccounts(format!(
            "Members_Account has {} accounts; it must be 1 to {max}",
            users.len()
        )));
    }
    Ok(())
}

/// The end of a mute or ban of `secs` seconds; "forever" (4294967295) never ends.
fn until(now: i64, secs: u64) -> i64 {
    if secs >= MUTE_FOREVER_SECS {
        i64::MAX
    } else {
        now.saturating_add(secs as i64)
    }
}

impl Engine {
    /// `forbid_send_msg`: mutes for `secs` (0 unmutes; 4294967295 is forever).
    pub async fn mute(
        &self,
        app: AppId,
        group: &GroupId,
        operator: &str,
        users: &[UserId],
        secs: u64,
    ) -> Result<(), Error> {
        check_accounts(users, MUTE_BATCH_MAX)?;
        let room = self.room(app, group).await?;
        let now = unix_secs();
        let end = until(now, secs);
        for u in users {
            if secs == 0 {
                self.store
                    .remove_mute(app, group, u)
                    .await
                    .map_err(store_err)?;
                room.mutes.lock().remove(u);
            } else {
                self.store
                    .set_mute(app, group, u, end)
                    .await
                    .map_err(store_err)?;
                room.mutes.lock().insert(u.clone(), end);
            }
        }
        room.broadcast(&tips::muted(group, now, operator, users, secs), None);
        Ok(())
    }

    /// `get_group_muted_account`: mutes still in force.
    pub async fn muted_accounts(
        &self,
        app: AppId,
        group: &GroupId,
    ) -> Result<Vec<Restriction>, Error> {
        self.room(app, group).await?;
        self.store
            .list_mutes(app, group, unix_secs())
            .await
            .map_err(store_err)
    }

    /// `ban_group_member`: removes the users from the room at once and keeps them out
    /// for `secs`.
    pub async fn ban(
        &self,
        app: AppId,
        group: &GroupId,
        operator: &str,
        users: &[UserId],
        secs: u64,
        description: &str,
    ) -> Result<(), Error> {
        check_accounts(users, BAN_BATCH_MAX)?;
        if secs == 0 {
            return Err(Error::InvalidParameter(
                "Duration must be at least 1 second".into(),
            ));
        }
        if description.len() > BAN_DESCRIPTION_MAX {
            return Err(Error::InvalidParameter(format!(
                "Description is {} bytes; the limit is {BAN_DESCRIPTION_MAX}",
                description.len()
            )));
        }
        let room = self.room(app, group).await?;
        if let Some(owner) = room.profile.read().owner.clone() {
            if users.contains(&owner) {
                return Err(Error::PermissionDenied("the owner cannot be banned".into()));
            }
        }
        let now = unix_secs();
        let end = until(now, secs);
        for u in users {
            let ban = Restriction {
                user: u.clone(),
                until: end,
                reason: description.to_string(),
            };
            self.store
                .set_ban(app, group, &ban)
                .await
                .map_err(store_err)?;
            room.bans.lock().insert(u.clone(), end);
        }
        for u in users {
            let notice = tips::kicked_out(group, now, operator, secs, description);
            let removed = room.remove_user(u);
            metrics::room_members_changed(-(removed.len() as f64));
            for s in removed {
                s.remove_room(group);
                s.push(&notice);
            }
        }
        room.broadcast(&tips::kicked(group, now, operator, users, secs), None);
        Ok(())
    }

    pub async fn unban(&self, app: AppId, group: &GroupId, users: &[UserId]) -> Result<(), Error> {
        check_accounts(users, BAN_BATCH_MAX)?;
        let room = self.room(app, group).await?;
        for u in users {
            self.store
                .remove_ban(app, group, u)
                .await
                .map_err(store_err)?;
            room.bans.lock().remove(u);
        }
        Ok(())
    }

    /// `get_group_ban_member`: bans in force, by end time.
    pub async fn bans(&self, app: AppId, group: &GroupId) -> Result<Vec<BanInfo>, Error> {
        self.room(app, group).await?;
        Ok(self
            .store
            .list_bans(app, group, unix_secs())
            .await
            .map_err(store_err)?
            .into_iter()
            .map(|r| BanInfo {
                user: r.user,
                until: r.until,
            })
            .collect())
    }
}
