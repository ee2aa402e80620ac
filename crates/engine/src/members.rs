//! Sessions entering and leaving: login (with the multi-device policy), guests, joining
//! and quitting AVChatRooms, disconnects, and the member list.

use std::sync::Arc;

use liveroom_core::app::LoginPolicy;
use liveroom_core::group::GroupType;
use liveroom_core::protocol::KickReason;
use liveroom_core::store::GroupRecord;
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use serde_json::json;

use liveroom_core::callback;

use crate::hooks::{member_list, Origin, Verdict};
use crate::loaded::RoomRef;
use crate::outbound::Frame;
use crate::room::Admission;
use crate::session::{Identity, LoggedIn, SessionRef};
use crate::{metrics, store_err, tips, Engine};

/// Platforms a client may name at login (the reference's `OptPlatform` values and `Linux`).
pub const PLATFORMS: &[&str] = &[
    "Web", "Android", "iOS", "Windows", "Mac", "iPad", "Linux", "Unknown",
];

/// Why a session left a room, for `Group.CallbackAfterMemberExit` (its `ExitType` and
/// Liveroom's `ExitReason`) and `Group.CallbackOnMemberStateChange`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// The client asked to quit.
    Quit,
    /// Joined another room while the app allows one per connection.
    SwitchRoom,
    Logout,
    /// The connection ended; with the kick reason if the server closed it.
    Closed(Option<KickReason>),
    /// Removed by a ban.
    Banned,
}

impl Exit {
    fn reason(self) -> &'static str {
        match self {
            Self::Quit => "Quit",
            Self::SwitchRoom => "SwitchRoom",
            Self::Logout => "Logout",
            Self::Banned => "Banned",
            Self::Closed(None) => "LinkClose",
            Self::Closed(Some(k)) => match k {
                KickReason::IdleTimeout => "TimeOut",
                KickReason::MultiLogin => "MultiLogin",
                KickReason::SlowConsumer => "SlowConsumer",
                KickReason::Shutdown => "Shutdown",
                KickReason::AccountKicked => "AccountKicked",
                KickReason::RequestFlood => "RequestFlood",
            },
        }
    }

    /// The member-state event cause: a connection lost is a heartbeat interruption.
    fn state_cause(self) -> &'static str {
        match self {
            Self::Closed(None)
            | Self::Closed(Some(KickReason::IdleTimeout | KickReason::SlowConsumer)) => {
                "HeartbeatInterrupt"
            }
            _ => "Quit",
        }
    }

    /// The reference's `ExitType`.
    fn exit_type(self) -> &'static str {
        match self {
            Self::Banned => "Kicked",
            _ => "Quit",
        }
    }
}

/// `OptPlatform` of `State.StateChange` spells iOS in capitals (reference 6.1).
fn state_origin(mut origin: Origin) -> Origin {
    if origin.platform == "iOS" {
        origin.platform = "IOS".into();
    }
    origin
}

#[derive(Debug, Clone)]
pub struct LoginInfo {
    pub user: UserId,
    pub nick: String,
    pub avatar: String,
    /// Other sessions closed by the login policy.
    pub kicked: usize,
    /// The user's level (audience statistics; 0 when they are off).
    pub level: u32,
}

/// What a joiner is told in its reply: the room's profile and its own state. The engine
/// queues the reply itself, right before the short history and any live message.
pub struct JoinView<'a> {
    pub group: &'a GroupRecord,
    pub member_num: usize,
    /// Seconds of mute left for the joiner, 0 if not muted.
    pub mute_remaining: u64,
    /// Rooms left because the app allows one room per connection.
    pub left: &'a [GroupId],
    /// The joiner's role: `Owner` (App admins too), `Admin`, `Member`, or `Guest`.
    pub role: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberInfo {
    pub user: UserId,
    pub join_time: i64,
    pub nick: String,
    pub avatar: String,
}

impl Engine {
    pub async fn login(
        self: &Arc<Self>,
        session: &SessionRef,
        app_id: u64,
        user_id: &str,
        usersig: &str,
        platform: Option<&str>,
    ) -> Result<LoginInfo, Error> {
        let app = self.apps.get(AppId(app_id))?;
        let user = UserId::parse(user_id)?;
        let platform = match platform {
            None => "Web",
            Some(p) => PLATFORMS
                .iter()
                .find(|&&k| k == p)
                .copied()
                .ok_or_else(|| {
                    Error::InvalidParameter(format!(
                        "Platform {p:?} is not one of {}",
                        PLATFORMS.join(", ")
                    ))
                })?,
        };
        app.check_sig(user.as_str(), usersig, unix_secs(), session.client_ip)
            .await?;
        // Store work first: if it fails, the session stays as it was. A known account's
        // login only reads; an account seen for the first time is created.
        let profile = self
            .store
            .get_users(app.id, std::slice::from_ref(&user))
            .await
            .map_err(store_err)?
            .pop();
        if profile.is_none() {
            self.store
                .ensure_user(app.id, &user, unix_secs())
                .await
                .map_err(store_err)?;
        }
        let (nick, avatar) = profile.map(|p| (p.nick, p.face_url)).unwrap_or_default();
        let level = self.ensure_level(&app, &app.settings().stats, &user).await;
        if session.identity() != Identity::Anonymous {
            self.leave_everything(session, Exit::Logout).await;
        }

        let policy = app.settings().login_policy;
        let key = (app.id, user.clone());
        let mut kicked = 0;
        let mut kicked_platforms = Vec::new();
        for other in self.user_sessions(app.id, &user) {
            if other.id != session.id && replaced_by_login(policy, &other, platform) {
                other.kick(KickReason::MultiLogin, "logged in on another device");
                kicked += 1;
                if let Identity::User(l) = other.identity() {
                    kicked_platforms.push(json!({"Platform": l.platform}));
                }
            }
        }
        // Sessions of the user on other nodes follow the same policy.
        self.announce(
            app.id,
            crate::broker::AppEvent::LoggedIn {
                user: user.clone(),
                platform: platform.to_string(),
                at: self.addr_of(session),
            },
        );
        session.set_identity(Identity::User(LoggedIn {
            app: app.id,
            user: user.clone(),
            platform: platform.to_string(),
            nick: nick.clone(),
            avatar: avatar.clone(),
        }));
        let first = {
            let mut sessions = self.users.entry(key).or_default();
            sessions.push(session.clone());
            sessions.len() == 1
        };
        // Cluster mode: this node hears pushes to the user before the login is answered, so
        // a catch-up read after the answer misses nothing published meanwhile.
        if first {
            if let Some(bus) = self.bus() {
                let _one = self.user_interest_lock.lock().await;
                bus.user_interest(app.id, &user, true).await;
            }
        }
        // The user's stored groups: after the session is listed as the user's, so a
        // membership that changes meanwhile reaches it either way.
        if let Err(e) = self.attach_joined(session, app.id, &user).await {
            tracing::warn!(user = %user, error = %e, "a login's groups were not attached");
        }
        self.status_changed_here(app.id, &user);
        self.after_hook_now(
            app.id,
            callback::STATE_CHANGE,
            Some(state_origin(session.origin())),
            || {
                let mut fields = json!({
                    "Info": {"Action": "Login", "To_Account": user.as_str(), "Reason": "Register"},
                });
                if !kicked_platforms.is_empty() {
                    fields["KickedDevice"] = serde_json::Value::Array(kicked_platforms);
                }
                fields
            },
        );
        Ok(LoginInfo {
            user,
            nick,
            avatar,
            kicked,
            level,
        })
    }

    /// Makes the session a guest of `app_id`.
    pub async fn guest(&self, session: &SessionRef, app_id: u64) -> Result<(), Error> {
        let app = self.apps.get(AppId(app_id))?;
        if session.identity() != Identity::Anonymous {
            self.leave_everything(session, Exit::Logout).await;
        }
        session.set_identity(Identity::Guest { app: app.id });
        Ok(())
    }

    pub async fn logout(&self, session: &SessionRef) {
        self.leave_everything(session, Exit::Logout).await;
        session.set_identity(Identity::Anonymous);
    }

    /// Called when the connection ends, for whatever reason.
    pub async fn close_session(&self, session: &SessionRef) {
        let exit = Exit::Closed(session.queue.kick_reason());
        self.leave_everything(session, exit).await;
        self.forget_watches(session);
        self.sessions.remove(&session.id);
        metrics::sessions(self.sessions.len());
    }

    /// Leaves every room and, for a logged-in user, ends the login: `State.StateChange`
    /// says `Logout` for a logout (or a new login on the connection), `Disconnect` for a
    /// connection that ended.
    async fn leave_everything(&self, session: &SessionRef, exit: Exit) {
        let app = session.app();
        for group in session.take_rooms() {
            if let Some(app) = app {
                if let Some(room) = self.rooms.get(&(app, group)).map(|r| r.clone()) {
                    self.leave_room(&room, session, exit);
                }
            }
        }
        if let Identity::User(me) = session.identity() {
            let (action, reason) = match exit {
                Exit::Closed(Some(KickReason::IdleTimeout)) => ("Disconnect", "TimeOut"),
                Exit::Closed(_) => ("Disconnect", "LinkClose"),
                _ => ("Logout", "Unregister"),
            };
            self.after_hook_now(
                me.app,
                callback::STATE_CHANGE,
                Some(state_origin(session.origin())),
                || json!({"Info": {"Action": action, "To_Account": me.user.as_str(), "Reason": reason}}),
            );
            let key = (me.app, me.user);
            let (found, empty) = match self.users.get_mut(&key) {
                Some(mut list) => {
                    list.retain(|s| s.id != session.id);
                    (true, list.is_empty())
                }
                None => (false, false),
            };
            if empty {
                self.users.remove_if(&key, |_, v| v.is_empty());
            }
            if found {
                self.status_changed_here(key.0, &key.1);
            }
            if empty {
                self.lose_user_interest(key.0, key.1);
            }
        }
    }

    /// A join or quit tip with the online count of this moment, to the room's members here
    /// and (cluster mode) on every other node.
    fn member_tip(&self, room: &RoomRef, make: impl FnOnce(usize) -> crate::outbound::Frame) {
        room.broadcast_with_count(make, self.relay(room));
    }

    /// Join and quit tips go to every member, so they cost O(members) each and O(members²)
    /// for a crowd arriving; above the app's threshold the room stays quiet about them.
    fn member_tips_wanted(&self, room: &RoomRef) -> bool {
        let limit = self
            .apps
            .get(room.app)
            .map(|a| a.settings().member_tips_max_online)
            .unwrap_or(0);
        room.online_count() <= limit as usize
    }

    fn leave_room(&self, room: &RoomRef, session: &SessionRef, exit: Exit) {
        if let Some((user, last)) = room.remove_member(session.id) {
            metrics::room_members_changed(-1.0);
            // A stored group's member going offline stays a member: nothing to tell.
            if room.is_durable() {
                return;
            }
            if let (Some(user), true) = (&user, last) {
                if self.member_tips_wanted(room) {
                    self.member_tip(room, |online| {
                        tips::quit(&room.id, unix_secs(), user, online)
                    });
                }
            }
            // After the tip, which told everyone a count too.
            if last {
                self.online_changed(room);
            }
            let (Some(user), true) = (user, last) else {
                return;
            };
            self.member_left(room, &user, user.as_str(), exit, Some(session.origin()));
        }
    }

    /// The after-callbacks of a user's last session leaving a room.
    pub(crate) fn member_left(
        &self,
        room: &RoomRef,
        user: &UserId,
        operator: &str,
        exit: Exit,
        origin: Option<Origin>,
    ) {
        let group_type = room.profile.read().group_type.as_str();
        self.after_hook_now(room.app, callback::AFTER_MEMBER_EXIT, origin, || {
            json!({
                "GroupId": room.id.as_str(),
                "Type": group_type,
                "ExitType": exit.exit_type(),
                "ExitReason": exit.reason(),
                "Operator_Account": operator,
                "ExitMemberList": member_list([user.as_str()]),
            })
        });
        self.after_hook_now(room.app, callback::ON_MEMBER_STATE_CHANGE, None, || {
            json!({
                "GroupId": room.id.as_str(),
                "EventType": "Offline",
                "EventCause": exit.state_cause(),
                "MemberList": member_list([user.as_str()]),
            })
        });
    }

    /// Joins an AVChatRoom. On success the reply built by `reply` has been queued to the
    /// session, followed by the short history; on error nothing was queued.
    pub async fn join(
        self: &Arc<Self>,
        session: &SessionRef,
        group: &str,
        reply: &(dyn Fn(&JoinView) -> Frame + Sync),
    ) -> Result<(), Error> {
        let app: AppId = session.app().ok_or_else(|| {
            Error::PermissionDenied("log in or enter as a guest before joining".into())
        })?;
        let group = GroupId::parse(group)?;
        let now = unix_secs();
        let user = session.user();
        // A room unloaded while this join was on its way is simply loaded again.
        for _ in 0..3 {
            let room = self.room(app, &group).await?;
            let record = room.profile();
            if record.group_type != GroupType::AVChatRoom {
                // The gateway answers these with `join_stored`.
                return Err(Error::NotSupported(format!(
                    "{} is a {} group: use join_group",
                    group, record.group_type
                )));
            }
            if let Some(remaining_secs) = user.as_ref().and_then(|u| room.ban_remaining(u, now)) {
                return Err(Error::Banned { remaining_secs });
            }
            let mute_remaining = user
                .as_ref()
                .and_then(|u| room.mute_remaining(u, now))
                .unwrap_or(0);
            let role = match &user {
                Some(u) => room.role_of(u, self.apps.get(app)?.is_admin(u)).as_str(),
                None => "Guest",
            };
            if let (Some(u), false) = (&user, room.contains(session.id)) {
                let settings = self.apps.get(app)?.settings();
                let verdict = self
                    .before_hook(
                        app,
                        &settings,
                        callback::BEFORE_APPLY_JOIN,
                        Some(session.origin()),
                        false,
                        || {
                            json!({
                                "GroupId": group.as_str(),
                                "Type": record.group_type.as_str(),
                                "Requestor_Account": u.as_str(),
                            })
                        },
                    )
                    .await;
                if let Verdict::Reject { code, info } = verdict {
                    return Err(Error::Rejected { code, info });
                }
            }
            if session.in_room(&group) && room.contains(session.id) {
                room.tell_count(session, |member_num| {
                    reply(&JoinView {
                        group: &record,
                        member_num,
                        mute_remaining,
                        left: &[],
                        role,
                    })
                });
                self.online_changed(&room);
                return Ok(());
            }
            let guests_per_source = self.apps.get(app)?.settings().guests_per_ip_per_room;
            if user.is_none() && room.guests_full_for(session, guests_per_source) {
                return Err(Error::GuestsPerAddressFull {
                    limit: guests_per_source,
                });
            }
            let mut left = Vec::new();
            if self.apps.get(app)?.settings().single_room_per_connection {
                for other in session.rooms() {
                    if other == group {
                        continue;
                    }
                    if let Some(r) = self.rooms.get(&(app, other.clone())).map(|r| r.clone()) {
                        // Stored groups' rooms are not the room the app limits.
                        if r.is_durable() {
                            continue;
                        }
                        self.leave_room(&r, session, Exit::SwitchRoom);
                    }
                    session.remove_room(&other);
                    left.push(other);
                }
            }
            let admit_reply = |profile: &GroupRecord, online: usize| {
                reply(&JoinView {
                    group: profile,
                    member_num: online,
                    mute_remaining,
                    left: &left,
                    role,
                })
            };
            let admission =
                room.add_member(session, user.clone(), now, guests_per_source, &admit_reply);
            let first_of_user = match admission {
                Admission::Added { first_of_user } => first_of_user,
                Admission::Already => {
                    room.tell_count(session, |online| admit_reply(&room.profile(), online));
                    false
                }
                Admission::Banned(remaining_secs) => return Err(Error::Banned { remaining_secs }),
                Admission::GuestsPerAddressFull(limit) => {
                    return Err(Error::GuestsPerAddressFull { limit })
                }
                Admission::Gone { destroyed: true } => {
                    return Err(Error::GroupNotFound(group.to_string()))
                }
                Admission::Gone { destroyed: false } => continue,
            };
            metrics::room_members_changed(1.0);
            session.add_room(&group);
            if let (Some(u), true) = (&user, first_of_user) {
                if self.member_tips_wanted(&room) {
                    let nick = match session.identity() {
                        Identity::User(l) => l.nick,
                        _ => String::new(),
                    };
                    self.member_tip(&room, |online| tips::joined(&group, now, u, &nick, online));
                }
            }
            // After every admission and its tip: a second session of a user changes no count,
            // but its reply told it one, which may differ from what the others were pushed.
            self.online_changed(&room);
            if let (Some(u), true) = (&user, first_of_user) {
                let group_type = record.group_type.as_str();
                self.after_hook_now(
                    app,
                    callback::AFTER_NEW_MEMBER_JOIN,
                    Some(session.origin()),
                    || {
                        json!({
                            "GroupId": group.as_str(),
                            "Type": group_type,
                            "JoinType": "Apply",
                            "Operator_Account": u.as_str(),
                            "NewMemberList": member_list([u.as_str()]),
                        })
                    },
                );
                self.after_hook_now(app, callback::ON_MEMBER_STATE_CHANGE, None, || {
                    json!({
                        "GroupId": group.as_str(),
                        "EventType": "Online",
                        "EventCause": "Join",
                        "MemberList": member_list([u.as_str()]),
                    })
                });
            }
            return Ok(());
        }
        Err(Error::Internal)
    }

    pub async fn quit(&self, session: &SessionRef, group: &str) -> Result<(), Error> {
        let app = session
            .app()
            .ok_or_else(|| Error::PermissionDenied("log in first".into()))?;
        let group = GroupId::parse(group)?;
        let room = self.room(app, &group).await?;
        if room.is_durable() {
            let me = session.require_user()?;
            return self
                .quit_group(app, &group, &me.user, &session.origin())
                .await;
        }
        if let Some(u) = session.user() {
            if room.profile.read().owner.as_ref() == Some(&u) {
                return Err(Error::OwnerCannotQuit(u.to_string()));
            }
        }
        session.remove_room(&group);
        self.leave_room(&room, session, Exit::Quit);
        Ok(())
    }

    /// `get_online_member_num` (in cluster mode, of every node).
    pub async fn online_member_num(&self, app: AppId, group: &GroupId) -> Result<usize, Error> {
        let room = self.room(app, group).await?;
        Ok(self.cluster_audience(&room, 0).await?.0)
    }

    /// `get_members`: the most recent members (30 by default, up to 1000 when configured;
    /// in cluster mode, of every node).
    pub async fn recent_members(
        &self,
        app: AppId,
        group: &GroupId,
    ) -> Result<Vec<MemberInfo>, Error> {
        let room = self.room(app, group).await?;
        let limit = self.apps.get(app)?.settings().recent_members as usize;
        let (_, members) = self.cluster_audience(&room, limit).await?;
        Ok(members
            .into_iter()
            .map(|m| MemberInfo {
                user: m.user,
                join_time: m.join_time,
                nick: m.nick,
                avatar: m.avatar,
            })
            .collect())
    }
}

/// Whether a login of the same user on `platform` replaces the session `other` under
/// `policy`.
pub(crate) fn replaced_by_login(policy: LoginPolicy, other: &SessionRef, platform: &str) -> bool {
    match policy {
        LoginPolicy::Multi => false,
        LoginPolicy::Single => true,
        LoginPolicy::OnePerPlatform => {
            matches!(other.identity(), Identity::User(l) if l.platform == platform)
        }
    }
}
