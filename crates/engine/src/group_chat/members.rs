//! Membership of stored groups: invitations and direct adds, removals, quitting, owner
//! transfer. Rules by type are `GroupType::rules` (reference 5.1); rights by role are 5.8.

use serde_json::{json, Value};

use liveroom_core::callback;
use liveroom_core::group::{GroupType, InviteJoinOption, MsgFlag, Role};
use liveroom_core::protocol::{info_change, tip};
use liveroom_core::store::{
    GroupConversation, JoinRequest, MemberAdded, MemberRecord, NewMember, RequestKind,
};
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use super::Actor;
use crate::hooks::{member_list, Origin, Verdict};
use crate::loaded::RoomRef;
use crate::{store_err, Engine};

/// What adding one user did (`add_group_member`'s `Result`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddResult {
    /// Not added: the account does not exist, the group is full, the user is banned, or
    /// the app's backend refused it.
    Failed = 0,
    Added = 1,
    Already = 2,
    /// Invited by a member of a group whose invitations need approval: waits for it.
    Pending = 3,
}

/// What asking to join did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinOutcome {
    Joined,
    /// The group needs approval: the request waits for an owner or admin.
    Pending,
}

/// A change to a member (`modify_group_member_info`); `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct MemberChanges {
    /// `Some(true)`: make it an admin; `Some(false)`: an ordinary member again.
    pub admin: Option<bool>,
    pub msg_flag: Option<MsgFlag>,
    pub name_card: Option<String>,
    /// `AppMemberDefinedData` items; an empty value deletes the key.
    pub custom: Vec<(String, String)>,
}

/// A page of a group's members.
#[derive(Debug, Clone)]
pub struct MemberList {
    pub members: Vec<MemberRecord>,
    /// Stored members in all.
    pub member_num: u32,
    /// The last member listed, to continue after (id paging); `None` when the list is done.
    pub next: Option<UserId>,
    pub owner: Option<UserId>,
}

/// One of a user's groups, with its side of it.
pub type JoinedGroup = GroupConversation;

/// Join and quit tips: `MemberList` entries.
pub(super) fn members_json(users: &[UserId]) -> Value {
    Value::Array(
        users
            .iter()
            .map(|u| json!({"Member_Account": u.as_str()}))
            .collect(),
    )
}

impl Engine {
    /// The actor's standing in a group.
    pub(super) fn actor_role(&self, room: &RoomRef, actor: &Actor) -> Role {
        room.role_of(&actor.user, actor.app_admin)
    }

    /// The member's stored record, or `NotMember`.
    pub(crate) async fn member_record(
        &self,
        app: AppId,
        group: &GroupId,
        user: &UserId,
    ) -> Result<MemberRecord, Error> {
        self.store
            .group_member(app, group, user)
            .await
            .map_err(store_err)?
            .ok_or_else(|| Error::NotMember(user.to_string()))
    }

    /// The actor must be a member (App admins need not).
    pub(super) async fn require_actor_member(
        &self,
        room: &RoomRef,
        actor: &Actor,
    ) -> Result<(), Error> {
        if actor.app_admin {
            return Ok(());
        }
        self.member_record(room.app, &room.id, &actor.user)
            .await
            .map(|_| ())
    }

    /// Reads the group's record again (its member count moved) and tells every node.
    async fn refresh_profile(&self, room: &RoomRef) {
        match self.store.get_group(room.app, &room.id).await {
            Ok(Some(record)) => {
                room.replace_profile(record);
                self.room_changed(room);
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(group = %room.id, error = %e, "a group's record was not read again")
            }
        }
    }

    /// Whether the group keeps join and quit tips in its history.
    fn keeps_member_tips(room: &RoomRef) -> bool {
        room.profile.read().group_type.rules().store_member_tips
    }

    /// Adds `users` to a stored group for `actor`: directly when the actor is an owner,
    /// admin or App admin (or the group lets members invite freely), as pending requests
    /// when it needs approval of members' invitations.
    pub async fn add_group_members(
        &self,
        app: AppId,
        group: &GroupId,
        users: &[UserId],
        actor: &Actor,
        silent: bool,
    ) -> Result<Vec<(UserId, AddResult)>, Error> {
        if users.is_empty() || users.len() > liveroom_core::group::MEMBERS_PER_CALL_MAX {
            return Err(Error::TooManyAccounts(format!(
                "name 1 to {} members",
                liveroom_core::group::MEMBERS_PER_CALL_MAX
            )));
        }
        let room = self.stored_room(app, group).await?;
        let record = room.profile();
        let rules = record.group_type.rules();
        let role = self.actor_role(&room, actor);
        self.require_actor_member(&room, actor).await?;
        let direct = role >= Role::Admin
            || (rules.members_invite && record.invite_join_option == InviteJoinOption::FreeAccess);
        if !direct
            && (!rules.members_invite
                || record.invite_join_option == InviteJoinOption::DisableInvite)
        {
            return Err(Error::PermissionDenied(format!(
                "members of {group} may not invite others; ask an owner or admin"
            )));
        }
        let settings = self.apps.get(app)?.settings();
        let mut refused: Vec<String> = Vec::new();
        if actor.by_client {
            let verdict = self
                .before_hook(
                    app,
                    &settings,
                    callback::BEFORE_INVITE_JOIN,
                    Some(actor.origin.clone()),
                    false,
                    || {
                        json!({
                            "GroupId": group.as_str(),
                            "Type": record.group_type.as_str(),
                            "Operator_Account": actor.user.as_str(),
                            "DestinationMembers": member_list(users.iter().map(|u| u.as_str())),
                        })
                    },
                )
                .await;
            match verdict {
                Verdict::Reject { code, info } => return Err(Error::Rejected { code, info }),
                Verdict::Allow(fields) => {
                    if let Some(Value::Array(list)) = fields.get("RefusedMembers_Account") {
                        refused = list
                            .iter()
                            .filter_map(|v| v.as_str().map(String::from))
                            .collect();
                    }
                }
                Verdict::Drop => {}
            }
        }
        let existing: Vec<UserId> = self
            .store
            .get_users(app, users)
            .await
            .map_err(store_err)?
            .into_iter()
            .map(|u| u.id)
            .collect();
        let now = unix_secs();
        let mut out: Vec<(UserId, AddResult)> = Vec::with_capacity(users.len());
        let mut wanted = Vec::new();
        for u in users {
            if out.iter().any(|(v, _)| v == u) || wanted.iter().any(|m: &NewMember| &m.user == u) {
                continue;
            }
            let banned = room.ban_remaining(u, now).is_some();
            if !existing.contains(u) || banned || refused.iter().any(|r| r == u.as_str()) {
                out.push((u.clone(), AddResult::Failed));
                continue;
            }
            wanted.push(NewMember {
                user: u.clone(),
                join_time: now,
                admin: false,
                unread: 0,
            });
        }
        if !direct {
            // Invitations that wait for an owner or admin.
            for m in wanted {
                if self
                    .store
                    .group_member(app, group, &m.user)
                    .await
                    .map_err(store_err)?
                    .is_some()
                {
                    out.push((m.user, AddResult::Already));
                    continue;
                }
                let request = JoinRequest {
                    user: m.user.clone(),
                    kind: RequestKind::Invite,
                    inviter: Some(actor.user.clone()),
                    wording: String::new(),
                    time: now,
                };
                self.store
                    .put_join_request(app, group, &request)
                    .await
                    .map_err(store_err)?;
                self.tell_approvers(&room, &request).await;
                out.push((m.user, AddResult::Pending));
            }
        } else {
            let added = self.admit(&room, &wanted, actor, "Invited", silent).await?;
            out.extend(added);
        }
        // In the order asked.
        out.sort_by_key(|(u, _)| users.iter().position(|x| x == u));
        Ok(out)
    }

    /// Stores new members, attaches their devices, tips the group and tells the backend;
    /// returns what happened to each.
    pub(super) async fn admit(
        &self,
        room: &RoomRef,
        wanted: &[NewMember],
        actor: &Actor,
        join_type: &'static str,
        silent: bool,
    ) -> Result<Vec<(UserId, AddResult)>, Error> {
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let (app, group) = (room.app, room.id.clone());
        let record = room.profile();
        let results = self
            .store
            .add_members(app, &group, wanted, record.max_member_num)
            .await
            .map_err(store_err)?;
        let mut out = Vec::with_capacity(wanted.len());
        let mut added = Vec::new();
        let mut full = false;
        for (m, r) in wanted.iter().zip(results) {
            out.push((
                m.user.clone(),
                match r {
                    MemberAdded::Added => {
                        added.push(m.user.clone());
                        AddResult::Added
                    }
                    MemberAdded::Already => AddResult::Already,
                    MemberAdded::Full => {
                        full = true;
                        AddResult::Failed
                    }
                },
            ));
        }
        if added.is_empty() {
            return Ok(out);
        }
        self.refresh_profile(room).await;
        self.membership_changed(app, &group, &added, true).await;
        if !silent {
            let op = if join_type == "Apply" || added == [actor.user.clone()] {
                tip::JOIN
            } else {
                tip::INVITE
            };
            let content = json!({
                "OpType": op,
                "Operator_Account": actor.user.as_str(),
                "MemberList": members_json(&added),
                "MemberNum": room.profile().member_num,
            });
            self.group_tip(room, &actor.user, content, Self::keeps_member_tips(room))
                .await?;
        }
        let group_type = record.group_type.as_str();
        self.after_hook_now(
            app,
            callback::AFTER_NEW_MEMBER_JOIN,
            Some(actor.origin.clone()),
            || {
                json!({
                    "GroupId": group.as_str(),
                    "Type": group_type,
                    "JoinType": join_type,
                    "Operator_Account": actor.user.as_str(),
                    "NewMemberList": member_list(added.iter().map(|u| u.as_str())),
                })
            },
        );
        if full || room.profile().member_num >= record.max_member_num && record.max_member_num > 0 {
            self.after_hook_now(
                app,
                callback::AFTER_GROUP_FULL,
                None,
                || json!({"GroupId": group.as_str()}),
            );
        }
        Ok(out)
    }

    /// Removes members (`delete_group_member`, a client's kick): owners and App admins
    /// remove admins and members, admins remove members (Work groups: only the owner).
    pub async fn remove_group_members(
        &self,
        app: AppId,
        group: &GroupId,
        users: &[UserId],
        actor: &Actor,
        silent: bool,
        reason: &str,
    ) -> Result<(), Error> {
        if users.is_empty() || users.len() > liveroom_core::group::MEMBERS_PER_CALL_MAX {
            return Err(Error::TooManyAccounts(format!(
                "name 1 to {} members",
                liveroom_core::group::MEMBERS_PER_CALL_MAX
            )));
        }
        let room = match self.stored_room(app, group).await {
            Err(Error::NotSupported(_)) => {
                return Err(Error::InvalidParameter(
                    "members of an AVChatRoom cannot be removed; mute or ban them".into(),
                ))
            }
            other => other?,
        };
        let record = room.profile();
        let role = self.actor_role(&room, actor);
        if record.group_type == GroupType::Private && role < Role::Owner {
            return Err(Error::PermissionDenied(
                "only the owner removes members of a Work group".into(),
            ));
        }
        for u in users {
            let target = room.role_of(u, false);
            if target == Role::Owner {
                return Err(Error::PermissionDenied(format!(
                    "{u} owns the group and cannot be removed"
                )));
            }
            if !role.may_moderate(target) {
                return Err(Error::PermissionDenied(format!(
                    "a {} may not remove {u}",
                    role.as_str()
                )));
            }
        }
        let gone = self
            .store
            .remove_members(app, group, users)
            .await
            .map_err(store_err)?;
        if gone.is_empty() {
            return Ok(());
        }
        self.member_gone(&room, &gone, actor, "Kicked", silent, reason)
            .await
    }

    /// After members left: the tip (to them too), then their devices detach, the roles
    /// they held go, and the backend hears of it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn member_gone(
        &self,
        room: &RoomRef,
        gone: &[UserId],
        actor: &Actor,
        exit_type: &'static str,
        silent: bool,
        reason: &str,
    ) -> Result<(), Error> {
        let (app, group) = (room.app, room.id.clone());
        {
            let mut admins = room.admins.write();
            for u in gone {
                admins.remove(u);
            }
        }
        self.refresh_profile(room).await;
        if !silent {
            let op = if exit_type == "Quit" {
                tip::QUIT
            } else {
                tip::KICKED
            };
            let mut content = json!({
                "OpType": op,
                "Operator_Account": actor.user.as_str(),
                "MemberList": members_json(gone),
                "MemberNum": room.profile().member_num,
            });
            if !reason.is_empty() {
                content["Reason"] = Value::String(reason.to_string());
            }
            let keep = exit_type == "Kicked" || Self::keeps_member_tips(room);
            self.group_tip(room, &actor.user, content, keep).await?;
        }
        self.membership_changed(app, &group, gone, false).await;
        let group_type = room.profile.read().group_type.as_str();
        self.after_hook_now(
            app,
            callback::AFTER_MEMBER_EXIT,
            Some(actor.origin.clone()),
            || {
                json!({
                    "GroupId": group.as_str(),
                    "Type": group_type,
                    "ExitType": exit_type,
                    "Operator_Account": actor.user.as_str(),
                    "ExitMemberList": member_list(gone.iter().map(|u| u.as_str())),
                })
            },
        );
        Ok(())
    }

    /// A member leaves a stored group. The owner may not, except in a Work group, which
    /// then has no owner.
    pub async fn quit_group(
        &self,
        app: AppId,
        group: &GroupId,
        user: &UserId,
        origin: &Origin,
    ) -> Result<(), Error> {
        let room = self.stored_room(app, group).await?;
        let record = room.profile();
        let owner = record.owner.as_ref() == Some(user);
        if owner && !record.group_type.rules().owner_may_quit {
            return Err(Error::OwnerCannotQuit(user.to_string()));
        }
        // Quitting a group one is not in succeeds and does nothing (a retried quit).
        if self
            .store
            .group_member(app, group, user)
            .await
            .map_err(store_err)?
            .is_none()
        {
            return Ok(());
        }
        if owner {
            let _one = room.write_lock.lock().await;
            let mut next = room.profile();
            next.owner = None;
            next.info_seq += 1;
            next.last_info_time = unix_secs();
            self.store.update_group(&next).await.map_err(store_err)?;
            room.replace_profile(next);
        }
        let gone = self
            .store
            .remove_members(app, group, std::slice::from_ref(user))
            .await
            .map_err(store_err)?;
        if gone.is_empty() {
            return Ok(());
        }
        let actor = Actor {
            user: user.clone(),
            app_admin: false,
            by_client: true,
            origin: origin.clone(),
        };
        self.member_gone(&room, &gone, &actor, "Quit", false, "")
            .await
    }

    /// `change_group_owner`: the owner (or an App admin) hands the group to a member.
    pub async fn change_group_owner(
        &self,
        app: AppId,
        group: &GroupId,
        new_owner: &UserId,
        actor: &Actor,
    ) -> Result<(), Error> {
        let room = self.stored_room(app, group).await?;
        if self.actor_role(&room, actor) < Role::Owner {
            return Err(Error::PermissionDenied(
                "only the owner hands the group on".into(),
            ));
        }
        self.member_record(app, group, new_owner).await?;
        let old = {
            let _one = room.write_lock.lock().await;
            let mut next = room.profile();
            let old = next.owner.replace(new_owner.clone());
            if old.as_ref() == Some(new_owner) {
                return Ok(());
            }
            next.info_seq += 1;
            next.last_info_time = unix_secs();
            self.store.update_group(&next).await.map_err(store_err)?;
            if room.admins.read().contains(new_owner) {
                self.store
                    .set_group_admin(app, group, new_owner, false)
                    .await
                    .map_err(store_err)?;
                room.admins.write().remove(new_owner);
            }
            room.replace_profile(next);
            old
        };
        self.room_changed(&room);
        let content = json!({
            "OpType": tip::GROUP_INFO_CHANGE,
            "Operator_Account": actor.user.as_str(),
            "GroupInfoChange": [{"Type": info_change::OWNER, "Field": "Owner_Account",
                                 "Value": new_owner.as_str()}],
        });
        self.group_tip(&room, &actor.user, content, true).await?;
        let group_type = room.profile.read().group_type.as_str();
        self.after_hook_now(
            app,
            callback::AFTER_CHANGE_GROUP_OWNER,
            Some(actor.origin.clone()),
            || {
                json!({
                    "GroupId": group.as_str(),
                    "Type": group_type,
                    "Operator_Account": actor.user.as_str(),
                    "OldOwner_Account": old.as_ref().map(|u| u.as_str()).unwrap_or(""),
                    "NewOwner_Account": new_owner.as_str(),
                })
            },
        );
        Ok(())
    }
}
