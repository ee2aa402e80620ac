//! Group lifecycle and profile: create, destroy, read, list, modify, system notifications
//! and broadcasts, for every type (membership of the stored types is `group_chat`'s).

use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use liveroom_core::app::AppSettings;
use liveroom_core::callback;
use liveroom_core::group::{
    check_custom_key, check_len, ApplyJoinOption, GroupType, InviteJoinOption, CREATE_MEMBERS_MAX,
};
use liveroom_core::message::MsgBody;
use liveroom_core::protocol::info_change;
use liveroom_core::store::{GroupRecord, NewMember, StoreError};
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use crate::hooks::{fields_of, member_list, Origin, Verdict};
use crate::{metrics, store_err, tips, Engine};

use profile::{custom_fields, GroupCallback};
pub use profile::{CustomField, GroupHead, GroupProfile};

mod profile;

pub struct NewGroup {
    pub group_type: GroupType,
    pub group_id: Option<String>,
    pub owner: Option<UserId>,
    pub name: String,
    pub introduction: String,
    pub notification: String,
    pub face_url: String,
    pub max_member_num: u32,
    pub apply_join_option: Option<ApplyJoinOption>,
    pub invite_join_option: Option<InviteJoinOption>,
    pub custom: Vec<(String, String)>,
    /// `MemberList`: the first members beside the owner, each `true` to be an admin
    /// (refused for AVChatRoom).
    pub members: Vec<(UserId, bool)>,
    /// `SupportTopic` (Communities).
    pub support_topic: bool,
    /// `import_group`: the group's original creation time. An import fires no callbacks
    /// and no notices.
    pub imported_at: Option<i64>,
}

/// A `modify_group_base_info`: `None` leaves a field unchanged.
#[derive(Default)]
pub struct GroupChanges {
    pub name: Option<String>,
    pub introduction: Option<String>,
    pub notification: Option<String>,
    pub face_url: Option<String>,
    pub mute_all: Option<bool>,
    pub apply_join_option: Option<ApplyJoinOption>,
    pub invite_join_option: Option<InviteJoinOption>,
    /// `HistoryMsgBeforeJoin` (stored groups).
    pub history_before_join: Option<bool>,
    /// `MaxMemberNum` (stored groups).
    pub max_member_num: Option<u32>,
    /// `EnablePermission`, `DefaultPermission` (communities with topics).
    pub enable_permission: Option<bool>,
    pub default_permission: Option<u64>,
    /// `AppDefinedData` items; an empty value deletes the key.
    pub custom: Vec<(String, String)>,
}

/// The text of a system notification, within the app's limits
/// ([`Engine::notification_text`]).
pub struct NotificationText(String);

static BROADCAST_SEQ: AtomicU64 = AtomicU64::new(0);

/// Checks `AppDefinedData` items: declared keys, no key twice, values within limits. An
/// empty value deletes a key and is allowed for keys no longer declared.
fn check_custom(settings: &AppSettings, custom: &[(String, String)]) -> Result<(), Error> {
    for (i, (k, v)) in custom.iter().enumerate() {
        if liveroom_core::live::is_reserved_key(k) {
            return Err(Error::InvalidParameter(format!(
                "AppDefinedData key {k:?} is reserved; it is written by liveroom_ext/set_live_state and pin_item"
            )));
        }
        check_custom_key(k, settings.limits.custom_key)?;
        if custom[..i].iter().any(|(earlier, _)| earlier == k) {
            return Err(Error::InvalidParameter(format!(
                "AppDefinedData names key {k:?} twice"
            )));
        }
        if v.is_empty() {
            continue;
        }
        if !settings.group_custom_fields.iter().any(|d| d == k) {
            return Err(Error::InvalidParameter(format!(
                "AppDefinedData key {k:?} is not declared for this app; declare it first (liveroom_ext/set_group_custom_fields)"
            )));
        }
        check_len(
            &format!("AppDefinedData {k}"),
            v,
            settings.limits.custom_value,
        )?;
    }
    Ok(())
}

impl Engine {
    /// `create_group`, asked by `operator` from `origin`.
    pub async fn create_group(
        &self,
        app: AppId,
        g: NewGroup,
        operator: &str,
        origin: &Origin,
    ) -> Result<GroupId, Error> {
        let rules = g.group_type.rules();
        if let Some(at) = g.imported_at {
            if !rules.durable {
                return Err(Error::NotSupported(
                    "an AVChatRoom cannot be imported; create it".into(),
                ));
            }
            if at <= 0 || at > unix_secs() {
                return Err(Error::InvalidParameter(
                    "CreateTime must be a past Unix time".into(),
                ));
            }
        }
        let imported = g.imported_at.is_some();
        if !rules.durable && !g.members.is_empty() {
            return Err(Error::PermissionDenied(
                "an AVChatRoom cannot be created with members; they join through the client".into(),
            ));
        }
        if g.members.len() > CREATE_MEMBERS_MAX {
            return Err(Error::TooManyAccounts(format!(
                "MemberList names {} members; at most {CREATE_MEMBERS_MAX} at creation",
                g.members.len()
            )));
        }
        if g.support_topic && g.group_type != GroupType::Community {
            return Err(Error::InvalidParameter(
                "SupportTopic is for Community groups".into(),
            ));
        }
        let max_member_num = match g.max_member_num {
            _ if !rules.durable => 0,
            0 => rules.default_max_members,
            n if n > rules.max_members_cap => {
                return Err(Error::InvalidParameter(format!(
                    "MaxMemberCount {n} is over the {} cap of {}",
                    g.group_type, rules.max_members_cap
                )))
            }
            n => n,
        };
        let apply_join_option = if rules.may_apply {
            g.apply_join_option.unwrap_or(rules.default_apply)
        } else {
            ApplyJoinOption::DisableApply
        };
        let settings = self.apps.get(app)?.settings();
        let limits = &settings.limits;
        if g.name.is_empty() {
            return Err(Error::InvalidParameter("Name is required".into()));
        }
        check_len("Name", &g.name, limits.name)?;
        check_len("Introduction", &g.introduction, limits.introduction)?;
        check_len("Notification", &g.notification, limits.notification)?;
        check_len("FaceUrl", &g.face_url, limits.face_url)?;
        check_custom(&settings, &g.custom)?;
        let mut named: Vec<UserId> = g.owner.iter().cloned().collect();
        named.extend(g.members.iter().map(|(u, _)| u.clone()));
        if !named.is_empty() {
            let found = self.store.get_users(app, &named).await.map_err(store_err)?;
            if let Some(missing) = named.iter().find(|u| !found.iter().any(|f| &f.id == *u)) {
                return Err(Error::AccountNotFound(missing.to_string()));
            }
        }
        let now = unix_secs();
        let mut first: Vec<NewMember> = Vec::new();
        if rules.durable {
            for u in &named {
                if first.iter().any(|m| &m.user == u) {
                    continue;
                }
                let admin = g.owner.as_ref() != Some(u)
                    && g.members.iter().any(|(m, admin)| m == u && *admin);
                if admin && !rules.mutes {
                    return Err(Error::InvalidParameter(
                        "Work groups have no admins; leave Role out".into(),
                    ));
                }
                first.push(NewMember {
                    user: u.clone(),
                    join_time: now,
                    admin,
                    unread: 0,
                });
            }
            if max_member_num > 0 && first.len() > max_member_num as usize {
                return Err(Error::GroupFull(max_member_num));
            }
        }
        let custom_id = g
            .group_id
            .as_deref()
            .map(GroupId::parse_custom)
            .transpose()?;
        let verdict = if imported {
            Verdict::Allow(Default::default())
        } else {
            self.before_hook(
                app,
                &settings,
                callback::BEFORE_CREATE_GROUP,
                Some(origin.clone()),
                false,
                || {
                    fields_of(GroupCallback {
                        head: GroupHead {
                            group_id: None,
                            group_type: g.group_type.as_str(),
                            name: &g.name,
                            owner: g.owner.as_ref().map(|o| o.as_str()).unwrap_or(""),
                        },
                        operator,
                        members: member_list(first.iter().map(|m| m.user.as_str())),
                        custom: None,
                    })
                },
            )
            .await
        };
        if let Verdict::Reject { code, info } = verdict {
            return Err(Error::Rejected { code, info });
        }
        let kind = match (g.group_type, g.support_topic) {
            (GroupType::AVChatRoom, _) => "a",
            (GroupType::Private, _) => "1",
            (GroupType::Public, _) => "2",
            (GroupType::ChatRoom, _) => "3",
            (GroupType::Community, false) => "4",
            (GroupType::Community, true) => "_",
        };
        let mut record = GroupRecord {
            app,
            id: custom_id.clone().unwrap_or_else(|| GroupId::generate(kind)),
            group_type: g.group_type,
            name: g.name,
            owner: g.owner,
            introduction: g.introduction,
            notification: g.notification,
            face_url: g.face_url,
            max_member_num,
            apply_join_option,
            mute_all: false,
            create_time: g.imported_at.unwrap_or(now),
            info_seq: 0,
            last_info_time: now,
            last_msg_time: 0,
            msg_seq_ceiling: 0,
            custom: g
                .custom
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .collect(),
            invite_join_option: g.invite_join_option.unwrap_or(InviteJoinOption::FreeAccess),
            history_before_join: rules.history_before_join,
            support_topic: g.support_topic,
            member_num: first.len() as u32,
            enable_permission: false,
            default_permission: liveroom_core::group::topic_permission::SEND,
        };
        for _ in 0..5 {
            match self.store.create_group(&record, &first).await {
                Ok(()) if imported => {
                    let users: Vec<UserId> = first.into_iter().map(|m| m.user).collect();
                    self.membership_changed(app, &record.id, &users, true).await;
                    return Ok(record.id);
                }
                Ok(()) => {
                    self.after_hook(
                        app,
                        &settings,
                        callback::AFTER_CREATE_GROUP,
                        Some(origin.clone()),
                        || {
                            fields_of(GroupCallback {
                                head: GroupHead::of(&record),
                                operator,
                                members: member_list(first.iter().map(|m| m.user.as_str())),
                                custom: Some(custom_fields(&record.custom)),
                            })
                        },
                    );
                    let users: Vec<UserId> = first.into_iter().map(|m| m.user).collect();
                    self.membership_changed(app, &record.id, &users, true).await;
                    // Its first members' devices hear of it before its first message.
                    let notice = json!({
                        "OpType": liveroom_core::protocol::system::CREATED,
                        "Operator_Account": operator,
                        "Type": record.group_type.as_str(),
                        "Name": record.name,
                    });
                    for u in &users {
                        self.notify_user(app, u, &record.id, notice.clone());
                    }
                    return Ok(record.id);
                }
                Err(StoreError::Conflict) if custom_id.is_none() => {
                    record.id = GroupId::generate(kind)
                }
                Err(StoreError::Conflict) => {
                    return Err(Error::GroupIdTaken(record.id.to_string()))
                }
                Err(e) => return Err(store_err(e)),
            }
        }
        Err(Error::Internal)
    }

    pub async fn destroy_group(
        &self,
        app: AppId,
        group: &GroupId,
        operator: &str,
        origin: &Origin,
    ) -> Result<(), Error> {
        let room = self.room(app, group).await?;
        let _guard = room.write_lock.lock().await;
        if !self
            .store
            .delete_group(app, group)
            .await
            .map_err(store_err)?
        {
            return Err(Error::GroupNotFound(group.to_string()));
        }
        {
            // Its users' unwritten statistics move to the backlog as the room goes, at once
            // for statistics reads.
            let _moving = self.stats_gate.write().await;
            self.keep_user_stats_of_dismissed(&room);
            self.forget_room(app, group);
        }
        let members = room.online_users();
        self.after_hook_now(
            app,
            callback::AFTER_GROUP_DESTROYED,
            Some(origin.clone()),
            || {
                let p = room.profile.read();
                fields_of(GroupCallback {
                    head: GroupHead::of(&p),
                    operator,
                    members: member_list(members.iter().map(|u| u.as_str())),
                    custom: None,
                })
            },
        );
        let tip = tips::dismissed(group, unix_secs(), operator);
        room.broadcast(&tip, None);
        self.announce(
            app,
            crate::broker::AppEvent::RoomDismissed {
                group: group.clone(),
                tip: crate::broker::WireFrame::of(&tip),
            },
        );
        let sessions = room.close_for_good();
        metrics::room_members_changed(-(sessions.len() as f64));
        for s in sessions {
            s.remove_room(group);
        }
        Ok(())
    }

    /// `get_group_info` for one group: the profile, the online member count and the
    /// `MsgSeq` the next message will get.
    pub async fn group_info(
        &self,
        app: AppId,
        group: &GroupId,
    ) -> Result<(GroupRecord, usize, u64), Error> {
        let room = self.room(app, group).await?;
        let record = room.profile();
        if room.is_durable() {
            let thread = self
                .store
                .thread_state(app, group, "")
                .await
                .map_err(store_err)?;
            let members = record.member_num as usize;
            return Ok((record, members, thread.last_seq + 1));
        }
        let next_seq = room.sending.upcoming_seq().await;
        Ok((record, room.online_count(), next_seq))
    }

    pub async fn list_groups(
        &self,
        app: AppId,
        group_type: Option<GroupType>,
        after: Option<&GroupId>,
        limit: u32,
    ) -> Result<(Vec<GroupId>, u64), Error> {
        self.store
            .list_groups(app, group_type, after, limit)
            .await
            .map_err(store_err)
    }

    pub async fn modify_group(
        &self,
        app: AppId,
        group: &GroupId,
        operator: &str,
        origin: &Origin,
        changes: GroupChanges,
    ) -> Result<(), Error> {
        let settings = self.apps.get(app)?.settings();
        let limits = &settings.limits;
        let room = self.room(app, group).await?;
        let _guard = room.write_lock.lock().await;
        let mut next = room.profile();
        let mut tip: Vec<Value> = Vec::new();
        // The reference's callback names the changed basic fields only.
        let mut changed = serde_json::Map::new();
        for (key, v) in [
            ("Name", &changes.name),
            ("Introduction", &changes.introduction),
            ("Notification", &changes.notification),
            ("FaceUrl", &changes.face_url),
        ] {
            if let Some(v) = v {
                changed.insert(key.into(), Value::String(v.clone()));
            }
        }
        if let Some(name) = changes.name {
            if name.is_empty() {
                return Err(Error::InvalidParameter("Name may not be empty".into()));
            }
            check_len("Name", &name, limits.name)?;
            tip.push(json!({"Type": info_change::NAME, "Field": "Name", "Value": name}));
            next.name = name;
        }
        if let Some(v) = changes.introduction {
            check_len("Introduction", &v, limits.introduction)?;
            tip.push(
                json!({"Type": info_change::INTRODUCTION, "Field": "Introduction", "Value": v}),
            );
            next.introduction = v;
        }
        if let Some(v) = changes.notification {
            check_len("Notification", &v, limits.notification)?;
            tip.push(
                json!({"Type": info_change::NOTIFICATION, "Field": "Notification", "Value": v}),
            );
            next.notification = v;
        }
        if let Some(v) = changes.face_url {
            check_len("FaceUrl", &v, limits.face_url)?;
            tip.push(json!({"Type": info_change::FACE, "Field": "FaceUrl", "Value": v}));
            next.face_url = v;
        }
        if let Some(on) = changes.mute_all {
            tip.push(json!({"Type": info_change::SHUT_UP_ALL, "Field": "MuteAllMember", "Value": if on { "On" } else { "Off" }}));
            next.mute_all = on;
        }
        if let Some(opt) = changes.apply_join_option {
            next.apply_join_option = opt;
        }
        let rules = next.group_type.rules();
        if let Some(opt) = changes.invite_join_option {
            next.invite_join_option = opt;
        }
        if let Some(on) = changes.history_before_join {
            if !rules.durable {
                return Err(Error::InvalidParameter(
                    "HistoryMsgBeforeJoin is for groups that keep their messages".into(),
                ));
            }
            next.history_before_join = on;
        }
        if changes.enable_permission.is_some() || changes.default_permission.is_some() {
            if !next.support_topic {
                return Err(Error::InvalidParameter(
                    "EnablePermission and DefaultPermission are for communities with topics".into(),
                ));
            }
            if let Some(p) = changes.default_permission {
                if p & !liveroom_core::group::topic_permission::ALL != 0 {
                    return Err(Error::InvalidParameter(format!(
                        "DefaultPermission has bits Liveroom does not know; the known ones are {}",
                        liveroom_core::group::topic_permission::ALL
                    )));
                }
                next.default_permission = p;
            }
            if let Some(on) = changes.enable_permission {
                next.enable_permission = on;
            }
        }
        if let Some(n) = changes.max_member_num.filter(|_| rules.durable) {
            if n == 0 || n > rules.max_members_cap || n < next.member_num {
                return Err(Error::InvalidParameter(format!(
                    "MaxMemberNum must be {} to {} (the members it holds to the type's cap)",
                    next.member_num.max(1),
                    rules.max_members_cap
                )));
            }
            next.max_member_num = n;
        }
        check_custom(&settings, &changes.custom)?;
        for (k, v) in changes.custom {
            next.custom.retain(|(key, _)| *key != k);
            if !v.is_empty() {
                next.custom.push((k.clone(), v.clone()));
            }
            tip.push(json!({"Type": info_change::CUSTOM, "Field": "AppDefinedData", "Key": k, "Value": v}));
        }
        let declared = next
            .custom
            .iter()
            .filter(|(k, _)| !liveroom_core::live::is_reserved_key(k))
            .count();
        if declared > limits.custom_fields {
            return Err(Error::InvalidParameter(format!(
                "{declared} custom fields; the limit is {}",
                limits.custom_fields
            )));
        }
        let now = unix_secs();
        next.info_seq += 1;
        next.last_info_time = now;
        self.store.update_group(&next).await.map_err(store_err)?;
        *room.profile.write() = next;
        self.room_changed(&room);
        if !tip.is_empty() {
            if room.is_durable() {
                let content = json!({
                    "OpType": liveroom_core::protocol::tip::GROUP_INFO_CHANGE,
                    "Operator_Account": operator,
                    "GroupInfoChange": tip,
                });
                self.group_tip(&room, &UserId::from_trusted(operator), content, true)
                    .await?;
            } else {
                self.tell_room(&room, tips::profile_changed(group, now, operator, tip))
                    .await;
            }
        }
        if !changed.is_empty() {
            let group_type = room.profile.read().group_type.as_str();
            self.after_hook(
                app,
                &settings,
                callback::AFTER_GROUP_INFO_CHANGED,
                Some(origin.clone()),
                || {
                    let mut fields = json!({
                        "GroupId": group.as_str(),
                        "Type": group_type,
                        "Operator_Account": operator,
                    });
                    if let Value::Object(m) = &mut fields {
                        m.extend(changed);
                    }
                    fields
                },
            );
        }
        Ok(())
    }

    /// The text of a system notification of `app`, checked: not empty, and no larger than
    /// a message may be (`max_message_bytes`).
    pub fn notification_text(
        &self,
        app: AppId,
        content: String,
    ) -> Result<NotificationText, Error> {
        if content.is_empty() {
            return Err(Error::InvalidParameter("Content is required".into()));
        }
        let limit = self.apps.get(app)?.settings().max_message_bytes as usize;
        if content.len() > limit {
            return Err(Error::MessageTooLarge {
                size: content.len(),
                limit,
            });
        }
        Ok(NotificationText(content))
    }

    /// `send_group_system_notification`: to every member, or only to `to` (online only).
    pub async fn system_notification(
        &self,
        app: AppId,
        group: &GroupId,
        operator: &str,
        content: &NotificationText,
        to: &[UserId],
    ) -> Result<(), Error> {
        let room = self.room(app, group).await?;
        let frame = tips::custom_notice(group, unix_secs(), operator, &content.0);
        if to.is_empty() {
            self.tell_room(&room, frame).await;
        } else {
            let to: std::collections::HashSet<&UserId> = to.iter().collect();
            for s in room.all_sessions() {
                if s.user().is_some_and(|u| to.contains(&u)) {
                    s.push(&frame);
                }
            }
        }
        Ok(())
    }

    /// `send_broadcast_msg`: one message into every AVChatRoom of the app, as High. It
    /// does not pass the rooms' frequency control: a broadcast must reach every room. A
    /// repeat of `(from, random)` within five minutes returns the first receipt.
    pub async fn broadcast(
        self: &Arc<Self>,
        app: AppId,
        from: &UserId,
        body: &MsgBody,
        cloud_custom_data: &str,
        random: u32,
    ) -> Result<(u64, i64, usize), Error> {
        let now = unix_secs();
        let settings = self.apps.get(app)?.settings();
        let body_json = body.to_json();
        let size = body_json.len() + cloud_custom_data.len();
        if size > settings.max_message_bytes as usize {
            return Err(Error::MessageTooLarge {
                size,
                limit: settings.max_message_bytes as usize,
            });
        }
        let profile = self
            .store
            .get_users(app, std::slice::from_ref(from))
            .await
            .map_err(store_err)?
            .pop();
        let (nick, avatar) = profile.map(|p| (p.nick, p.face_url)).unwrap_or_default();
        // Monotonic across restarts: never below the current time in milliseconds.
        let floor = (liveroom_core::time::unix_millis().max(0)) as u64;
        let seq = BROADCAST_SEQ
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |s| {
                Some((s + 1).max(floor))
            })
            .map(|prev| (prev + 1).max(floor))
            .unwrap_or(floor);
        let app_state = self.apps.get(app)?;
        {
            let mut dedup = app_state.broadcast_dedup.lock();
            if let Some(earlier) = dedup.settled(from, random, now) {
                metrics::duplicate();
                return Ok((earlier.seq, earlier.time, 0));
            }
            let receipt = crate::dedup::Receipt {
                seq,
                time: now,
                dropped: false,
            };
            dedup.remember(from, random, receipt, now);
        }
        let message = crate::broker::BroadcastMessage {
            from: from.clone(),
            nick,
            avatar,
            level: app_state.levels.level(from),
            seq,
            time: now,
            random,
            body: body_json,
            cloud_custom_data: cloud_custom_data.to_string(),
        };
        let delivered = self.broadcast_here(app, &message);
        // The rooms' members on the other nodes get it from their node.
        self.announce(app, crate::broker::AppEvent::Broadcast(message));
        Ok((seq, now, delivered))
    }
}
