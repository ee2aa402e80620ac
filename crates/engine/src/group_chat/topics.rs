//! Topics of communities created with `SupportTopic` (reference 3.7): channels of one
//! community, each with its own numbered messages, history, unread counts and mute-all.
//! Every member of the community is in every topic; its devices get the topics' messages
//! as they get the community's (`TopicId` tells them apart).

use serde_json::json;

use liveroom_core::callback;
use liveroom_core::group::{
    check_len, check_topic_id, topic_permission, GroupType, Role, TOPIC_CUSTOM_STRING_MAX,
    TOPIC_ID_INFIX, TOPIC_NAME_MAX,
};
use liveroom_core::store::{StoreError, TopicRecord, TopicSide};
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use super::Actor;
use crate::hooks::Verdict;
use crate::loaded::RoomRef;
use crate::{store_err, Engine};

/// A topic's fields as a create or modify names them; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TopicSpec {
    /// A custom id (`<GroupId>@TOPIC#_<suffix>`); create only.
    pub id: Option<String>,
    pub name: Option<String>,
    pub face_url: Option<String>,
    pub introduction: Option<String>,
    pub notification: Option<String>,
    pub custom_string: Option<String>,
    pub mute_all: Option<bool>,
}

/// A topic with the reader's side of it (when the reader is a member).
pub type TopicView = (TopicRecord, Option<TopicSide>);

impl Engine {
    /// Whether `user` holds `bit` (`topic_permission`) in `topic` of a community (in the
    /// community itself when `topic` is empty): owners, admins and App admins hold every
    /// permission; with `EnablePermission` off members may send and not manage; with it on,
    /// the member's own permission in the topic, or else the community's default.
    pub(crate) async fn topic_allows(
        &self,
        room: &RoomRef,
        topic: &str,
        user: &UserId,
        app_admin: bool,
        bit: u64,
    ) -> Result<bool, Error> {
        if room.role_of(user, app_admin) >= Role::Admin {
            return Ok(true);
        }
        let (enabled, default) = {
            let p = room.profile.read();
            (p.enable_permission, p.default_permission)
        };
        if !enabled {
            return Ok(bit == topic_permission::SEND);
        }
        let own = if topic.is_empty() {
            None
        } else {
            self.store
                .topic_permission(room.app, &room.id, topic, user)
                .await
                .map_err(store_err)?
        };
        Ok(own.unwrap_or(default) & bit != 0)
    }

    /// `set_topic_permission`: the community's owner or an admin gives a member its own
    /// permission in a topic (`None`: back to the community's default).
    pub async fn set_topic_permission(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        user: &UserId,
        permission: Option<u64>,
        actor: &Actor,
    ) -> Result<(), Error> {
        let room = self.community_room(app, group).await?;
        if room.role_of(&actor.user, actor.app_admin) < Role::Admin {
            return Err(Error::PermissionDenied(
                "only the community's owner and admins set permissions".into(),
            ));
        }
        if permission.is_some_and(|p| p & !topic_permission::ALL != 0) {
            return Err(Error::InvalidParameter(format!(
                "Permission has bits Liveroom does not know; the known ones are {}",
                topic_permission::ALL
            )));
        }
        self.topic_of(&room, topic).await?;
        self.member_record(app, group, user).await?;
        self.store
            .set_topic_permission(app, group, topic, user, permission)
            .await
            .map_err(store_err)
    }

    /// `forbid_send_msg` with a `TopicId`: mutes members in one topic for `secs` (0 unmutes).
    pub async fn mute_in_topic(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        users: &[UserId],
        secs: u64,
    ) -> Result<(), Error> {
        let room = self.community_room(app, group).await?;
        self.topic_of(&room, topic).await?;
        let until = (secs > 0).then(|| {
            unix_secs().saturating_add(secs.min(liveroom_core::group::MUTE_FOREVER_SECS) as i64)
        });
        for u in users {
            self.store
                .set_topic_mute(app, group, topic, u, until)
                .await
                .map_err(store_err)?;
        }
        Ok(())
    }

    /// A topic's mutes in force.
    pub async fn topic_muted_accounts(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
    ) -> Result<Vec<(UserId, i64)>, Error> {
        let room = self.community_room(app, group).await?;
        self.topic_of(&room, topic).await?;
        self.store
            .topic_mutes(app, group, topic, unix_secs())
            .await
            .map_err(store_err)
    }

    /// Seconds left of `user`'s mute in a topic, if muted there.
    pub(crate) async fn topic_mute_remaining(
        &self,
        room: &RoomRef,
        topic: &str,
        user: &UserId,
    ) -> Result<Option<u64>, Error> {
        let now = unix_secs();
        Ok(self
            .store
            .topic_mutes(room.app, &room.id, topic, now)
            .await
            .map_err(store_err)?
            .into_iter()
            .find(|(u, _)| u == user)
            .map(|(_, until)| (until - now).max(0) as u64))
    }

    /// A community with topics, loaded here; other groups answer 10007.
    pub(crate) async fn community_room(
        &self,
        app: AppId,
        group: &GroupId,
    ) -> Result<RoomRef, Error> {
        let room = self.room(app, group).await?;
        let p = room.profile.read().clone();
        if p.group_type != GroupType::Community || !p.support_topic {
            return Err(Error::NotSupported(format!(
                "{group} has no topics: topics are for communities created with SupportTopic"
            )));
        }
        Ok(room)
    }

    /// The topic a message or read names, which must exist.
    pub(crate) async fn topic_of(&self, room: &RoomRef, topic: &str) -> Result<TopicRecord, Error> {
        self.community_room(room.app, &room.id).await?;
        self.store
            .topics(room.app, &room.id, Some(&[topic.to_string()]))
            .await
            .map_err(store_err)?
            .pop()
            .ok_or_else(|| {
                Error::InvalidParameter(format!("{topic} is not a topic of {}", room.id))
            })
    }

    fn check_topic_fields(
        spec: &TopicSpec,
        settings: &liveroom_core::app::AppSettings,
    ) -> Result<(), Error> {
        let limits = &settings.limits;
        if let Some(name) = &spec.name {
            if name.is_empty() {
                return Err(Error::InvalidParameter("TopicName is required".into()));
            }
            check_len("TopicName", name, TOPIC_NAME_MAX)?;
        }
        for (field, value, limit) in [
            ("FaceUrl", &spec.face_url, limits.face_url),
            ("Introduction", &spec.introduction, limits.introduction),
            ("Notification", &spec.notification, limits.notification),
            ("CustomString", &spec.custom_string, TOPIC_CUSTOM_STRING_MAX),
        ] {
            if let Some(v) = value {
                check_len(field, v, limit)?;
            }
        }
        Ok(())
    }

    /// Pushes a topic's change to the community's members (here and on the other nodes).
    fn tell_topic(&self, room: &RoomRef, topic: &str, action: &str, record: Option<&TopicRecord>) {
        let mut v = json!({"op": "topic", "GroupId": room.id.as_str(), "TopicId": topic,
                           "Action": action});
        if let Some(t) = record {
            v["TopicName"] = json!(t.name);
            v["FaceUrl"] = json!(t.face_url);
            v["Introduction"] = json!(t.introduction);
            v["Notification"] = json!(t.notification);
            v["CustomString"] = json!(t.custom_string);
            v["MuteAllMember"] = json!(if t.mute_all { "On" } else { "Off" });
        }
        self.tell_members(room, v);
    }

    /// `create_topic`: the community's owner, an admin or an App admin.
    pub async fn create_topic(
        &self,
        app: AppId,
        group: &GroupId,
        spec: TopicSpec,
        actor: &Actor,
    ) -> Result<String, Error> {
        let room = self.community_room(app, group).await?;
        if !self
            .topic_allows(
                &room,
                "",
                &actor.user,
                actor.app_admin,
                topic_permission::MANAGE,
            )
            .await?
        {
            return Err(Error::PermissionDenied(
                "creating topics takes the permission to manage them".into(),
            ));
        }
        let settings = self.apps.get(app)?.settings();
        if spec.name.is_none() {
            return Err(Error::InvalidParameter("TopicName is required".into()));
        }
        Self::check_topic_fields(&spec, &settings)?;
        if let Some(id) = &spec.id {
            check_topic_id(group.as_str(), id)?;
        }
        let name = spec.name.clone().unwrap_or_default();
        let verdict = self
            .before_hook(
                app,
                &settings,
                callback::BEFORE_CREATE_TOPIC,
                Some(actor.origin.clone()),
                false,
                || {
                    json!({"GroupId": group.as_str(), "Type": "Community",
                           "Operator_Account": actor.user.as_str(), "TopicName": name})
                },
            )
            .await;
        if let Verdict::Reject { code, info } = verdict {
            return Err(Error::Rejected { code, info });
        }
        let mut record = TopicRecord {
            id: spec.id.clone().unwrap_or_else(|| generated_topic(group)),
            name,
            face_url: spec.face_url.unwrap_or_default(),
            introduction: spec.introduction.unwrap_or_default(),
            notification: spec.notification.unwrap_or_default(),
            custom_string: spec.custom_string.unwrap_or_default(),
            mute_all: spec.mute_all.unwrap_or(false),
            create_time: unix_secs(),
            creator: actor.user.to_string(),
            thread: Default::default(),
        };
        for _ in 0..5 {
            match self.store.create_topic(app, group, &record).await {
                Ok(()) => {
                    self.tell_topic(&room, &record.id, "created", Some(&record));
                    self.after_hook(
                        app,
                        &settings,
                        callback::AFTER_CREATE_TOPIC,
                        Some(actor.origin.clone()),
                        || {
                            json!({"GroupId": group.as_str(), "TopicId": record.id,
                                   "Type": "Community", "Operator_Account": actor.user.as_str(),
                                   "Owner_Account": actor.user.as_str(), "Name": record.name,
                                   "UserDefinedDataList": []})
                        },
                    );
                    return Ok(record.id);
                }
                Err(StoreError::Conflict) if spec.id.is_none() => {
                    record.id = generated_topic(group);
                }
                Err(StoreError::Conflict) => return Err(Error::GroupIdTaken(record.id)),
                Err(e) => return Err(store_err(e)),
            }
        }
        Err(Error::Internal)
    }

    /// A community's topics (those named, or all) with `reader`'s side of each; members
    /// and App admins read them.
    pub async fn topics(
        &self,
        app: AppId,
        group: &GroupId,
        ids: Option<&[String]>,
        actor: &Actor,
        reader: Option<&UserId>,
    ) -> Result<Vec<TopicView>, Error> {
        self.community_room(app, group).await?;
        let sides = match reader {
            Some(u) => self
                .store
                .topic_sides(app, group, u)
                .await
                .map_err(store_err)?,
            None => None,
        };
        if !actor.app_admin && reader.is_some_and(|u| u == &actor.user) && sides.is_none() {
            return Err(Error::NotMember(actor.user.to_string()));
        }
        let topics = self
            .store
            .topics(app, group, ids)
            .await
            .map_err(store_err)?;
        Ok(topics
            .into_iter()
            .map(|t| {
                let side = sides
                    .as_ref()
                    .and_then(|all| all.iter().find(|s| s.topic == t.id).cloned());
                (t, side)
            })
            .collect())
    }

    /// `modify_topic`: the community's owner, an admin or an App admin.
    pub async fn modify_topic(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        spec: TopicSpec,
        actor: &Actor,
    ) -> Result<(), Error> {
        let room = self.community_room(app, group).await?;
        if !self
            .topic_allows(
                &room,
                topic,
                &actor.user,
                actor.app_admin,
                topic_permission::MANAGE,
            )
            .await?
        {
            return Err(Error::PermissionDenied(
                "changing a topic takes the permission to manage it".into(),
            ));
        }
        let settings = self.apps.get(app)?.settings();
        Self::check_topic_fields(&spec, &settings)?;
        let mut record = self.topic_of(&room, topic).await?;
        let mut changed = serde_json::Map::new();
        for (key, from, to) in [
            ("Name", &spec.name, &mut record.name),
            ("FaceUrl", &spec.face_url, &mut record.face_url),
            ("Introduction", &spec.introduction, &mut record.introduction),
            ("Notification", &spec.notification, &mut record.notification),
            (
                "CustomString",
                &spec.custom_string,
                &mut record.custom_string,
            ),
        ] {
            if let Some(v) = from {
                *to = v.clone();
                changed.insert(key.into(), json!(v));
            }
        }
        if let Some(on) = spec.mute_all {
            record.mute_all = on;
        }
        if !self
            .store
            .update_topic(app, group, &record)
            .await
            .map_err(store_err)?
        {
            return Err(Error::InvalidParameter(format!(
                "{topic} is not a topic of {group}"
            )));
        }
        self.tell_topic(&room, topic, "changed", Some(&record));
        if !changed.is_empty() {
            self.after_hook(
                app,
                &settings,
                callback::AFTER_TOPIC_INFO_CHANGED,
                Some(actor.origin.clone()),
                || {
                    let mut v = json!({"GroupId": group.as_str(), "TopicId": topic,
                                       "Type": "Community",
                                       "Operator_Account": actor.user.as_str()});
                    if let serde_json::Value::Object(m) = &mut v {
                        m.extend(changed);
                    }
                    v
                },
            );
        }
        Ok(())
    }

    /// `destroy_topic`: the community's owner, an admin or an App admin. One outcome per
    /// id, in order.
    pub async fn destroy_topics(
        &self,
        app: AppId,
        group: &GroupId,
        ids: &[String],
        actor: &Actor,
    ) -> Result<Vec<(String, Result<(), Error>)>, Error> {
        let room = self.community_room(app, group).await?;
        if !self
            .topic_allows(
                &room,
                "",
                &actor.user,
                actor.app_admin,
                topic_permission::MANAGE,
            )
            .await?
        {
            return Err(Error::PermissionDenied(
                "removing topics takes the permission to manage them".into(),
            ));
        }
        if ids.is_empty() || ids.len() > 100 {
            return Err(Error::InvalidParameter(
                "TopicIdList must name 1 to 100 topics".into(),
            ));
        }
        let gone = self
            .store
            .delete_topics(app, group, ids)
            .await
            .map_err(store_err)?;
        for t in &gone {
            self.tell_topic(&room, t, "destroyed", None);
        }
        if !gone.is_empty() {
            let settings = self.apps.get(app)?.settings();
            self.after_hook(
                app,
                &settings,
                callback::AFTER_TOPIC_DESTROYED,
                Some(actor.origin.clone()),
                || {
                    json!({"GroupId": group.as_str(), "Type": "Community",
                           "Operator_Account": actor.user.as_str(), "TopicIdList": gone})
                },
            );
        }
        Ok(ids
            .iter()
            .map(|id| {
                let outcome = if gone.contains(id) {
                    Ok(())
                } else {
                    Err(Error::InvalidParameter(format!(
                        "{id} is not a topic of {group}"
                    )))
                };
                (id.clone(), outcome)
            })
            .collect())
    }
}

/// A server-assigned topic id: `<GroupId>@TOPIC#_` and 10 random characters.
fn generated_topic(group: &GroupId) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut rng = rand::thread_rng();
    let suffix: String = (0..10)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{group}{TOPIC_ID_INFIX}{suffix}")
}
