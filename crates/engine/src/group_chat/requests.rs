//! Join requests of stored groups: asking to join, the pending list, and an owner's or
//! admin's answer.

use serde_json::{json, Value};

use liveroom_core::callback;
use liveroom_core::group::{check_len, ApplyJoinOption, Role};
use liveroom_core::protocol::system;
use liveroom_core::store::{JoinRequest, NewMember, RequestKind};
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use super::{Actor, AddResult, JoinOutcome};
use crate::hooks::{Origin, Verdict};
use crate::loaded::RoomRef;
use crate::{store_err, Engine};

impl Engine {
    /// A user asks to join a stored group (a client's `join_group`): it joins at once
    /// (`FreeAccess`), or its request waits for an owner or admin (`NeedPermission`).
    pub async fn apply_join(
        &self,
        app: AppId,
        group: &GroupId,
        user: &UserId,
        wording: &str,
        origin: &Origin,
    ) -> Result<JoinOutcome, Error> {
        check_len("ApplyMessage", wording, 300)?;
        let room = self.stored_room(app, group).await?;
        let record = room.profile();
        let rules = record.group_type.rules();
        if !rules.may_apply {
            return Err(Error::PermissionDenied(format!(
                "{group} is a Work group: members are invited, nobody applies"
            )));
        }
        if record.apply_join_option == ApplyJoinOption::DisableApply {
            return Err(Error::PermissionDenied(format!(
                "{group} takes no requests to join"
            )));
        }
        if let Some(remaining_secs) = room.ban_remaining(user, unix_secs()) {
            return Err(Error::Banned { remaining_secs });
        }
        if self
            .store
            .group_member(app, group, user)
            .await
            .map_err(store_err)?
            .is_some()
        {
            return Err(Error::AlreadyMember(user.to_string()));
        }
        let settings = self.apps.get(app)?.settings();
        let verdict = self
            .before_hook(
                app,
                &settings,
                callback::BEFORE_APPLY_JOIN,
                Some(origin.clone()),
                false,
                || {
                    json!({
                        "GroupId": group.as_str(),
                        "Type": record.group_type.as_str(),
                        "Requestor_Account": user.as_str(),
                    })
                },
            )
            .await;
        if let Verdict::Reject { code, info } = verdict {
            return Err(Error::Rejected { code, info });
        }
        let now = unix_secs();
        if record.apply_join_option == ApplyJoinOption::NeedPermission {
            let request = JoinRequest {
                user: user.clone(),
                kind: RequestKind::Apply,
                inviter: None,
                wording: wording.to_string(),
                time: now,
            };
            self.store
                .put_join_request(app, group, &request)
                .await
                .map_err(store_err)?;
            self.tell_approvers(&room, &request).await;
            return Ok(JoinOutcome::Pending);
        }
        let me = Actor {
            user: user.clone(),
            app_admin: false,
            by_client: true,
            origin: origin.clone(),
        };
        let wanted = [NewMember {
            user: user.clone(),
            join_time: now,
            admin: false,
            unread: 0,
        }];
        let out = self.admit(&room, &wanted, &me, "Apply", false).await?;
        match out.first().map(|(_, r)| *r) {
            Some(AddResult::Added) => Ok(JoinOutcome::Joined),
            Some(AddResult::Already) => Err(Error::AlreadyMember(user.to_string())),
            _ => Err(Error::GroupFull(record.max_member_num)),
        }
    }

    /// Pushes a pending request to the group's owner and admins online.
    pub(super) async fn tell_approvers(&self, room: &RoomRef, request: &JoinRequest) {
        let content = request_json(&room.id, request);
        let record = room.profile();
        let mut approvers: Vec<UserId> = room.admins.read().iter().cloned().collect();
        approvers.extend(record.owner.clone());
        for a in approvers {
            self.notify_user(room.app, &a, &room.id, content.clone());
        }
    }

    /// The group's pending requests, for its owner, admins and App admins.
    pub async fn group_requests(
        &self,
        app: AppId,
        group: &GroupId,
        actor: &Actor,
    ) -> Result<Vec<JoinRequest>, Error> {
        let room = self.stored_room(app, group).await?;
        if self.actor_role(&room, actor) < Role::Admin {
            return Err(Error::PermissionDenied(
                "only the group's owner and admins see its requests".into(),
            ));
        }
        self.store
            .join_requests(app, group)
            .await
            .map_err(store_err)
    }

    /// An owner or admin approves or declines a pending request; the applicant (and, for
    /// an invitation, the inviter) hears of it.
    pub async fn answer_group_request(
        &self,
        app: AppId,
        group: &GroupId,
        applicant: &UserId,
        accept: bool,
        reason: &str,
        actor: &Actor,
    ) -> Result<(), Error> {
        let room = self.stored_room(app, group).await?;
        if self.actor_role(&room, actor) < Role::Admin {
            return Err(Error::PermissionDenied(
                "only the group's owner and admins answer requests".into(),
            ));
        }
        let request = self
            .store
            .take_join_request(app, group, applicant)
            .await
            .map_err(store_err)?
            .ok_or_else(|| Error::RequestHandled(applicant.to_string()))?;
        let outcome = if accept {
            let wanted = [NewMember {
                user: applicant.clone(),
                join_time: unix_secs(),
                admin: false,
                unread: 0,
            }];
            let join_type = match request.kind {
                RequestKind::Apply => "Apply",
                RequestKind::Invite => "Invited",
            };
            let out = self.admit(&room, &wanted, actor, join_type, false).await?;
            match out.first().map(|(_, r)| *r) {
                Some(AddResult::Added | AddResult::Already) => system::REQUEST_ACCEPTED,
                _ => {
                    // Full: the request stays pending.
                    self.store
                        .put_join_request(app, group, &request)
                        .await
                        .map_err(store_err)?;
                    return Err(Error::GroupFull(room.profile().max_member_num));
                }
            }
        } else {
            system::REQUEST_REFUSED
        };
        let content = json!({
            "OpType": outcome,
            "Operator_Account": actor.user.as_str(),
            "Applicant_Account": applicant.as_str(),
            "Reason": reason,
        });
        self.notify_user(app, applicant, group, content.clone());
        if let Some(inviter) = &request.inviter {
            self.notify_user(app, inviter, group, content);
        }
        Ok(())
    }
}

/// A pending request as approvers see it.
pub(crate) fn request_json(group: &GroupId, r: &JoinRequest) -> Value {
    let mut v = json!({
        "OpType": system::JOIN_REQUEST,
        "GroupId": group.as_str(),
        "Applicant_Account": r.user.as_str(),
        "Kind": match r.kind {
            RequestKind::Apply => "Apply",
            RequestKind::Invite => "Invite",
        },
        "ApplyMessage": r.wording,
        "Time": r.time,
    });
    if let Some(inviter) = &r.inviter {
        v["Inviter_Account"] = Value::from(inviter.as_str());
    }
    v
}

/// What `join` answers for a group that keeps its members.
#[derive(Debug, Clone)]
pub struct StoredJoin {
    pub group: liveroom_core::store::GroupRecord,
    /// `None` while the request waits for approval.
    pub role: Option<&'static str>,
    pub mute_remaining: u64,
}

impl Engine {
    /// A client's `join` of a group that keeps its members: a member is answered at once
    /// (its devices receive the group from login on); anyone else asks to join as with
    /// `join_group`. `None` for a live room (the caller joins it as one).
    pub async fn join_stored(
        &self,
        session: &crate::session::SessionRef,
        group: &str,
    ) -> Result<Option<StoredJoin>, Error> {
        let Some(app) = session.app() else {
            return Ok(None);
        };
        let group = GroupId::parse(group)?;
        let room = self.room(app, &group).await?;
        if !room.is_durable() {
            return Ok(None);
        }
        let me = session.require_user()?;
        let is_member = self
            .store
            .group_member(app, &group, &me.user)
            .await
            .map_err(store_err)?
            .is_some();
        let pending = !is_member
            && self
                .apply_join(app, &group, &me.user, "", &session.origin())
                .await?
                == JoinOutcome::Pending;
        let now = unix_secs();
        let app_admin = self.apps.get(app)?.is_admin(&me.user);
        Ok(Some(StoredJoin {
            group: room.profile(),
            role: (!pending).then(|| room.role_of(&me.user, app_admin).as_str()),
            mute_remaining: room.mute_remaining(&me.user, now).unwrap_or(0),
        }))
    }
}
