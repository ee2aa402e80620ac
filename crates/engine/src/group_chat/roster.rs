//! Member fields and lists of stored groups: a member's name card, flag, custom fields and
//! role; member pages; a user's groups; roles.

use serde_json::{json, Value};

use liveroom_core::callback;
use liveroom_core::group::{check_custom_key, check_len, Role};
use liveroom_core::protocol::tip;
use liveroom_core::store::{MemberPage, MemberPatch, MemberRecord};
use liveroom_core::{AppId, Error, GroupId, UserId};

use super::members::members_json;
use super::{Actor, JoinedGroup, MemberChanges, MemberList};
use crate::loaded::RoomRef;
use crate::{store_err, Engine};

impl Engine {
    /// `modify_group_member_info`: a member's own `MsgFlag`, its name card and custom
    /// fields (itself, or an owner or admin over those below), its role (the owner or an
    /// App admin; Work groups have no admins).
    pub async fn modify_group_member(
        &self,
        app: AppId,
        group: &GroupId,
        user: &UserId,
        changes: MemberChanges,
        actor: &Actor,
    ) -> Result<(), Error> {
        let room = self.stored_room(app, group).await?;
        let record = room.profile();
        let settings = self.apps.get(app)?.settings();
        let limits = &settings.limits;
        let current = self.member_record(app, group, user).await?;
        let role = self.actor_role(&room, actor);
        let target = room.role_of(user, false);
        let own = &actor.user == user;
        if changes.msg_flag.is_some() && !own && role < Role::AppAdmin {
            return Err(Error::PermissionDenied(
                "a member sets its own MsgFlag".into(),
            ));
        }
        if (changes.name_card.is_some() || !changes.custom.is_empty())
            && !own
            && !role.may_moderate(target)
        {
            return Err(Error::PermissionDenied(format!(
                "a {} may not change {user}'s fields",
                role.as_str()
            )));
        }
        if let Some(admin) = changes.admin {
            if role < Role::Owner {
                return Err(Error::PermissionDenied(
                    "only the owner appoints and removes admins".into(),
                ));
            }
            if admin && !record.group_type.rules().mutes {
                return Err(Error::NotSupported("Work groups have no admins".into()));
            }
            if target == Role::Owner {
                return Err(Error::PermissionDenied(format!(
                    "{user} owns the group; its role does not change"
                )));
            }
        }
        let mut patch = MemberPatch {
            msg_flag: changes.msg_flag,
            ..Default::default()
        };
        if let Some(card) = &changes.name_card {
            check_len("NameCard", card, limits.name_card)?;
            patch.name_card = Some(card.clone());
        }
        if !changes.custom.is_empty() {
            let mut custom = current.custom.clone();
            for (k, v) in &changes.custom {
                check_custom_key(k, limits.custom_key)?;
                check_len(
                    &format!("AppMemberDefinedData {k}"),
                    v,
                    limits.member_custom_value,
                )?;
                custom.retain(|(key, _)| key != k);
                if !v.is_empty() {
                    custom.push((k.clone(), v.clone()));
                }
            }
            if custom.len() > limits.member_custom_fields {
                return Err(Error::InvalidParameter(format!(
                    "{} member custom fields; the limit is {}",
                    custom.len(),
                    limits.member_custom_fields
                )));
            }
            patch.custom = Some(custom);
        }
        if patch != MemberPatch::default()
            && !self
                .store
                .patch_member(app, group, user, &patch)
                .await
                .map_err(store_err)?
        {
            return Err(Error::NotMember(user.to_string()));
        }
        if let Some(admin) = changes.admin {
            if admin != current.admin {
                self.store
                    .set_group_admin(app, group, user, admin)
                    .await
                    .map_err(store_err)?;
                if admin {
                    room.admins.write().insert(user.clone());
                } else {
                    room.admins.write().remove(user);
                }
                self.room_changed(&room);
                let op = if admin {
                    tip::SET_ADMIN
                } else {
                    tip::CANCEL_ADMIN
                };
                let content = json!({
                    "OpType": op,
                    "Operator_Account": actor.user.as_str(),
                    "MemberList": members_json(std::slice::from_ref(user)),
                });
                self.group_tip(&room, &actor.user, content, true).await?;
            }
        }
        let group_type = record.group_type.as_str();
        self.after_hook_now(
            app,
            callback::AFTER_MEMBER_FIELD_CHANGED,
            Some(actor.origin.clone()),
            || {
                let mut fields = json!({
                    "GroupId": group.as_str(),
                    "Type": group_type,
                    "Operator_Account": actor.user.as_str(),
                    "Modified_Account": user.as_str(),
                });
                if let Some(admin) = changes.admin {
                    fields["Role"] = Value::from(if admin { "Admin" } else { "Member" });
                }
                if let Some(card) = &changes.name_card {
                    fields["NameCard"] = Value::from(card.as_str());
                }
                fields
            },
        );
        Ok(())
    }

    /// A page of a stored group's members (`get_group_member_info`, a client's list); an
    /// ordinary client must be a member.
    pub async fn group_member_list(
        &self,
        app: AppId,
        group: &GroupId,
        page: MemberPage,
        limit: u32,
        admins_only: bool,
        actor: &Actor,
    ) -> Result<MemberList, Error> {
        let room = self.stored_room(app, group).await?;
        self.require_actor_member(&room, actor).await?;
        let members = self
            .store
            .group_members(app, group, &page, limit, admins_only)
            .await
            .map_err(store_err)?;
        let next = match page {
            MemberPage::After(_) if members.len() as u32 == limit => {
                members.last().map(|m| m.user.clone())
            }
            _ => None,
        };
        let record = room.profile();
        Ok(MemberList {
            members,
            member_num: record.member_num,
            next,
            owner: record.owner,
        })
    }

    /// Named members of a stored group (those that are members).
    pub async fn group_members_of(
        &self,
        app: AppId,
        group: &GroupId,
        users: &[UserId],
    ) -> Result<(Vec<MemberRecord>, Option<UserId>), Error> {
        let room = self.stored_room(app, group).await?;
        let members = self
            .store
            .group_members_of(app, group, users)
            .await
            .map_err(store_err)?;
        Ok((members, room.profile().owner))
    }

    /// The stored groups `user` is in, with its side of each.
    pub async fn joined_groups(
        &self,
        app: AppId,
        user: &UserId,
    ) -> Result<Vec<JoinedGroup>, Error> {
        self.apps.get(app)?;
        let mut list = self
            .store
            .joined_groups(app, user)
            .await
            .map_err(store_err)?;
        list.sort_by(|a, b| {
            b.thread
                .last_time
                .cmp(&a.thread.last_time)
                .then_with(|| a.group.cmp(&b.group))
        });
        Ok(list)
    }

    /// Roles of `users` in a stored group: `Owner`, `Admin`, `Member` or `NotMember`.
    pub(crate) async fn stored_roles(
        &self,
        room: &RoomRef,
        users: &[UserId],
    ) -> Result<Vec<(UserId, &'static str)>, Error> {
        let members = self
            .store
            .group_members_of(room.app, &room.id, users)
            .await
            .map_err(store_err)?;
        Ok(users
            .iter()
            .map(|u| {
                let role = if members.iter().any(|m| &m.user == u) {
                    room.role_of(u, false).as_str()
                } else {
                    "NotMember"
                };
                (u.clone(), role)
            })
            .collect())
    }

    /// Mutes in force in a group, by user (Unix second they end).
    pub async fn mutes_of(
        &self,
        app: AppId,
        group: &GroupId,
    ) -> Result<std::collections::HashMap<UserId, i64>, Error> {
        let room = self.room(app, group).await?;
        let now = liveroom_core::time::unix_secs();
        let mutes = room.mutes.lock();
        Ok(mutes
            .iter()
            .filter(|(_, until)| **until > now)
            .map(|(u, until)| (u.clone(), *until))
            .collect())
    }
}
