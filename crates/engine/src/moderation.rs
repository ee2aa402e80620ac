//! Muting and banning in AVChatRooms. Both are durable; the room keeps a cached copy so
//! the send path never reads the store. Every change is pushed to the room as a tip.

use liveroom_core::group::{Role, AV_ADMINS_MAX, MUTE_FOREVER_SECS};
use liveroom_core::store::Restriction;
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use crate::session::SessionRef;
use crate::{store_err, tips, Engine};

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
        if !room.profile.read().group_type.rules().mutes {
            return Err(Error::NotSupported(
                "Work groups do not mute members".into(),
            ));
        }
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
        self.room_changed(&room);
        if room.is_durable() {
            let list: Vec<_> = users
                .iter()
                .map(|u| serde_json::json!({"Member_Account": u.as_str(), "MuteTime": secs}))
                .collect();
            let content = serde_json::json!({
                "OpType": liveroom_core::protocol::tip::MEMBER_INFO_CHANGE,
                "Operator_Account": operator,
                "MemberList": list,
            });
            self.group_tip(&room, &UserId::from_trusted(operator), content, true)
                .await?;
        } else {
            self.tell_room(&room, tips::muted(group, now, operator, users, secs))
                .await;
        }
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
        self.room_changed(&room);
        let notice = tips::kicked_out(group, now, operator, secs, description);
        for u in users {
            self.remove_user_here(&room, u, &notice, operator);
        }
        // The banned users' connections on other nodes go too.
        self.announce(
            app,
            crate::broker::AppEvent::RemoveFromRoom {
                group: group.clone(),
                users: users.to_vec(),
                tip: crate::broker::WireFrame::of(&notice),
                operator: operator.to_string(),
            },
        );
        self.tell_room(&room, tips::kicked(group, now, operator, users, secs))
            .await;
        // A stored group's banned members stop being members.
        if room.is_durable() {
            let gone = self
                .store
                .remove_members(app, group, users)
                .await
                .map_err(store_err)?;
            if !gone.is_empty() {
                let actor = crate::group_chat::Actor {
                    user: UserId::from_trusted(operator),
                    app_admin: true,
                    by_client: false,
                    origin: crate::hooks::Origin::rest(""),
                };
                self.member_gone(&room, &gone, &actor, "Kicked", true, description)
                    .await?;
            }
        }
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
        self.room_changed(&room);
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

/// A moderation request from a client (owner or admin) over the WebSocket protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModAction {
    /// Mute for `secs` (0 unmutes).
    Mute {
        users: Vec<UserId>,
        secs: u64,
    },
    MuteAll(bool),
    Ban {
        users: Vec<UserId>,
        secs: u64,
        description: String,
    },
    Unban {
        users: Vec<UserId>,
    },
    /// Appoint (`true`) or revoke admins: the owner's right.
    SetAdmin {
        users: Vec<UserId>,
        admin: bool,
    },
}

impl Engine {
    /// Runs a moderation action for a logged-in client after checking its role: admins act
    /// on members, the owner on admins and members, App admins on everyone but the owner.
    pub async fn moderate_as(
        &self,
        session: &SessionRef,
        group: &str,
        action: ModAction,
    ) -> Result<(), Error> {
        let me = session.require_user()?;
        let group = GroupId::parse(group)?;
        let app = self.apps.get(me.app)?;
        let room = self.room(me.app, &group).await?;
        let role = room.role_of(&me.user, app.is_admin(&me.user));
        if role < Role::AppAdmin && room.ban_remaining(&me.user, unix_secs()).is_some() {
            return Err(Error::PermissionDenied(
                "you are banned from this group".into(),
            ));
        }
        if role < Role::Admin {
            return Err(Error::PermissionDenied(
                "only the owner and admins of this group may do that".into(),
            ));
        }
        let targets: &[UserId] = match &action {
            ModAction::Mute { users, .. }
            | ModAction::Ban { users, .. }
            | ModAction::Unban { users }
            | ModAction::SetAdmin { users, .. } => users,
            ModAction::MuteAll(_) => &[],
        };
        for t in targets {
            let target = room.role_of(t, app.is_admin(t));
            if !role.may_moderate(target) {
                return Err(Error::PermissionDenied(format!(
                    "a group {} may not act on {} (a group {})",
                    role.as_str(),
                    t,
                    target.as_str()
                )));
            }
        }
        let operator = me.user.as_str();
        match action {
            ModAction::Mute { users, secs } => {
                self.mute(
                    me.app,
                    &group,
                    operator,
                    &users,
                    secs.min(MUTE_FOREVER_SECS),
                )
                .await
            }
            ModAction::MuteAll(on) => {
                let changes = crate::GroupChanges {
                    mute_all: Some(on),
                    ..Default::default()
                };
                self.modify_group(me.app, &group, operator, &session.origin(), changes)
                    .await
            }
            ModAction::Ban {
                users,
                secs,
                description,
            } => {
                self.ban(
                    me.app,
                    &group,
                    operator,
                    &users,
                    secs.min(MUTE_FOREVER_SECS),
                    &description,
                )
                .await
            }
            ModAction::Unban { users } => self.unban(me.app, &group, &users).await,
            ModAction::SetAdmin { users, admin } => {
                if role < Role::Owner {
                    return Err(Error::PermissionDenied(
                        "only the owner appoints and revokes admins".into(),
                    ));
                }
                self.set_admins(me.app, &group, operator, &users, admin)
                    .await
            }
        }
    }

    /// `modify_admin`: appoints or revokes AVChatRoom admins (at most five), pushing a
    /// `SET_ADMIN` or `CANCEL_ADMIN` tip.
    pub async fn set_admins(
        &self,
        app: AppId,
        group: &GroupId,
        operator: &str,
        users: &[UserId],
        admin: bool,
    ) -> Result<(), Error> {
        check_accounts(users, AV_ADMINS_MAX)?;
        let room = self.room(app, group).await?;
        let _guard = room.write_lock.lock().await;
        if let Some(owner) = room.profile.read().owner.clone() {
            if users.contains(&owner) {
                return Err(Error::InvalidParameter(
                    "the owner cannot be made an admin or a member".into(),
                ));
            }
        }
        if admin {
            let found = self.store.get_users(app, users).await.map_err(store_err)?;
            if let Some(missing) = users.iter().find(|u| !found.iter().any(|f| &f.id == *u)) {
                return Err(Error::AccountNotFound(missing.to_string()));
            }
            let mut after = room.admins.read().clone();
            after.extend(users.iter().cloned());
            if after.len() > AV_ADMINS_MAX {
                return Err(Error::InvalidParameter(format!(
                    "an AVChatRoom has at most {AV_ADMINS_MAX} admins"
                )));
            }
        }
        // Only real changes are written and told to the room.
        let changed: Vec<UserId> = {
            let admins = room.admins.read();
            users
                .iter()
                .filter(|u| admins.contains(*u) != admin)
                .cloned()
                .collect()
        };
        for u in &changed {
            self.store
                .set_group_admin(app, group, u, admin)
                .await
                .map_err(store_err)?;
            let mut admins = room.admins.write();
            if admin {
                admins.insert(u.clone());
            } else {
                admins.remove(u);
            }
        }
        if !changed.is_empty() {
            self.room_changed(&room);
            let tip = tips::role_changed(group, unix_secs(), operator, &changed, admin);
            self.tell_room(&room, tip).await;
        }
        Ok(())
    }

    /// `get_admin_list`: the group's admins, by id.
    pub async fn admins(&self, app: AppId, group: &GroupId) -> Result<Vec<UserId>, Error> {
        let room = self.room(app, group).await?;
        let mut v: Vec<UserId> = room.admins.read().iter().cloned().collect();
        v.sort();
        Ok(v)
    }

    /// `get_role_in_group`: `Owner`, `Admin`, `Member` (online in an AVChatRoom, stored in
    /// the other types) or `NotMember`.
    pub async fn roles(
        &self,
        app: AppId,
        group: &GroupId,
        users: &[UserId],
    ) -> Result<Vec<(UserId, &'static str)>, Error> {
        let room = self.room(app, group).await?;
        if room.is_durable() {
            return self.stored_roles(&room, users).await;
        }
        let online = room.online_users();
        Ok(users
            .iter()
            .map(|u| {
                let role = match room.role_of(u, false) {
                    Role::Member if !online.contains(u) => "NotMember",
                    r => r.as_str(),
                };
                (u.clone(), role)
            })
            .collect())
    }
}
