//! What members do with a stored group's messages beyond sending and recalling: edit,
//! react, attach extensions (versioned key-values), read receipts; and what the backend
//! deletes (a sender's messages, a range).

use serde_json::{json, Value};

use liveroom_core::group::GroupType;
use liveroom_core::message::MsgBody;
use liveroom_core::store::{
    group_flags, ExtEntry, ExtOutcome, ExtWrite, GroupMsgRecord, ReactOutcome, ReactionSummary,
};
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use super::Actor;
use crate::broker::RoomEvent;
use crate::loaded::RoomRef;
use crate::outbound::{Frame, FrameClass};
use crate::{store_err, Engine};

/// Kinds of reaction one message may hold.
pub const REACTION_KINDS_MAX: usize = 20;
/// Bytes of one reaction (an emoji, or a short code).
pub const REACTION_BYTES_MAX: usize = 64;
/// Reactors listed per kind in a read (the count is exact).
pub const REACTION_USERS_LISTED: u32 = 10;
/// Messages one reactions or receipts read names.
pub const MESSAGES_PER_READ_MAX: usize = 20;
/// Extensions one message may hold, and one write may set (reference 4.3 sizes).
pub const EXTENSIONS_MAX: usize = 300;
pub const EXTENSIONS_PER_WRITE_MAX: usize = 20;
pub const EXTENSION_KEY_MAX: usize = 100;
pub const EXTENSION_VALUE_MAX: usize = 1000;

/// A stored message as pushes show it (the `message` push's fields, without `op`).
pub(crate) fn message_json(m: &GroupMsgRecord) -> Value {
    let mut v = json!({
        "GroupId": m.group.as_str(),
        "From_Account": m.from.as_str(),
        "NickName": m.nick,
        "Avatar": m.avatar,
        "MsgSeq": m.seq,
        "MsgTime": m.time,
        "MsgRandom": m.random,
        "MsgPriority": m.priority.as_str(),
        "MsgBody": serde_json::from_str::<Value>(&m.body).unwrap_or(Value::Array(Vec::new())),
        "CloudCustomData": m.cloud_custom_data,
    });
    if !m.topic.is_empty() {
        v["TopicId"] = json!(m.topic);
    }
    if m.has(group_flags::EDITED) {
        v["Edited"] = json!(true);
    }
    if m.has(group_flags::RECALLED) {
        v["Recalled"] = json!(true);
    }
    v
}

impl Engine {
    /// A member (or App admin) acting on a message of a stored group or topic.
    async fn message_room(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        actor: &Actor,
    ) -> Result<RoomRef, Error> {
        let room = self.stored_room(app, group).await?;
        if !topic.is_empty() {
            self.topic_of(&room, topic).await?;
        }
        if !actor.app_admin
            && self
                .store
                .group_member(app, group, &actor.user)
                .await
                .map_err(store_err)?
                .is_none()
        {
            return Err(Error::NotMember(actor.user.to_string()));
        }
        Ok(room)
    }

    /// A control push to a group's members here and on the other nodes.
    pub(super) fn tell_members(&self, room: &RoomRef, v: Value) {
        self.hand_out(
            room,
            RoomEvent {
                frame: Frame::new(FrameClass::Control, v.to_string()),
                exclude: None,
                history: None,
            },
        );
    }

    /// `openim/modify_group_msg` and a client's edit: the sender edits its own message;
    /// App admins (REST) any. Members' devices get `message_modified` with the message now.
    #[allow(clippy::too_many_arguments)]
    pub async fn modify_group_message(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        seq: u64,
        body: Option<MsgBody>,
        cloud_custom_data: Option<String>,
        actor: &Actor,
    ) -> Result<(), Error> {
        if body.is_none() && cloud_custom_data.is_none() {
            return Err(Error::InvalidParameter(
                "name MsgBody and/or CloudCustomData".into(),
            ));
        }
        let room = self.message_room(app, group, topic, actor).await?;
        let current = self
            .store
            .group_message(app, group, topic, seq)
            .await
            .map_err(store_err)?
            .filter(|m| !m.has(group_flags::RECALLED) && !m.has(group_flags::SYSTEM))
            .ok_or(Error::RecallNotFound(seq))?;
        if !actor.app_admin && current.from != actor.user {
            return Err(Error::PermissionDenied(
                "members edit their own messages only".into(),
            ));
        }
        let settings = self.apps.get(app)?.settings();
        let body_json = body.as_ref().map(MsgBody::to_json);
        let size = body_json.as_ref().map_or(current.body.len(), String::len)
            + cloud_custom_data
                .as_ref()
                .map_or(current.cloud_custom_data.len(), String::len);
        let limit = settings.max_message_bytes as usize;
        if size > limit {
            return Err(Error::MessageTooLarge { size, limit });
        }
        let edited = self
            .store
            .modify_group_message(
                app,
                group,
                topic,
                seq,
                body_json.as_deref(),
                cloud_custom_data.as_deref(),
            )
            .await
            .map_err(store_err)?
            .ok_or(Error::RecallNotFound(seq))?;
        let mut v = message_json(&edited);
        v["op"] = json!("message_modified");
        self.tell_members(&room, v);
        Ok(())
    }

    /// Adds (`add`) or removes the actor's reaction to a message; its members' devices get
    /// `reaction`. Returns the reaction's count now.
    #[allow(clippy::too_many_arguments)]
    pub async fn react(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        seq: u64,
        reaction: &str,
        add: bool,
        actor: &Actor,
    ) -> Result<u64, Error> {
        if reaction.is_empty() || reaction.len() > REACTION_BYTES_MAX {
            return Err(Error::InvalidParameter(format!(
                "Reaction must be 1 to {REACTION_BYTES_MAX} bytes"
            )));
        }
        let room = self.message_room(app, group, topic, actor).await?;
        let outcome = self
            .store
            .react_group(
                app,
                group,
                topic,
                seq,
                reaction,
                &actor.user,
                add,
                unix_secs(),
                REACTION_KINDS_MAX,
            )
            .await
            .map_err(store_err)?;
        match outcome {
            ReactOutcome::NoMessage => Err(Error::RecallNotFound(seq)),
            ReactOutcome::TooMany => Err(Error::InvalidParameter(format!(
                "the message has {REACTION_KINDS_MAX} kinds of reaction already"
            ))),
            ReactOutcome::Done { count, changed } => {
                if changed {
                    let mut v = json!({"op": "reaction", "GroupId": group.as_str(),
                        "MsgSeq": seq, "Reaction": reaction, "From_Account": actor.user.as_str(),
                        "Action": if add { "added" } else { "removed" }, "Count": count});
                    if !topic.is_empty() {
                        v["TopicId"] = json!(topic);
                    }
                    self.tell_members(&room, v);
                }
                Ok(count)
            }
        }
    }

    /// The reactions of up to 20 messages, as the actor sees them.
    pub async fn reactions(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        seqs: &[u64],
        actor: &Actor,
    ) -> Result<Vec<(u64, Vec<ReactionSummary>)>, Error> {
        check_message_list(seqs)?;
        self.message_room(app, group, topic, actor).await?;
        self.store
            .group_reactions(app, group, topic, seqs, &actor.user, REACTION_USERS_LISTED)
            .await
            .map_err(store_err)
    }

    /// Sets extensions of a message that takes them (`SupportMessageExtension`): clients
    /// name the version they last saw (a stale one answers its key's current entry, code
    /// 23001); App admins over REST are not checked. Members' devices get
    /// `message_extension` with the entries set.
    pub async fn set_message_extensions(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        seq: u64,
        writes: Vec<ExtWrite>,
        actor: &Actor,
    ) -> Result<Vec<ExtOutcome>, Error> {
        if writes.is_empty() || writes.len() > EXTENSIONS_PER_WRITE_MAX {
            return Err(Error::InvalidParameter(format!(
                "ExtensionList must have 1 to {EXTENSIONS_PER_WRITE_MAX} entries"
            )));
        }
        for w in &writes {
            if w.key.is_empty() || w.key.len() > EXTENSION_KEY_MAX {
                return Err(Error::InvalidParameter(format!(
                    "an extension Key must be 1 to {EXTENSION_KEY_MAX} bytes"
                )));
            }
            liveroom_core::group::check_len("extension Value", &w.value, EXTENSION_VALUE_MAX)?;
        }
        let room = self.message_room(app, group, topic, actor).await?;
        let writes: Vec<ExtWrite> = writes
            .into_iter()
            .map(|w| ExtWrite {
                expected: if actor.by_client { w.expected } else { None },
                ..w
            })
            .collect();
        let outcomes = self
            .store
            .set_group_msg_ext(app, group, topic, seq, &writes, EXTENSIONS_MAX)
            .await
            .map_err(store_err)?
            .ok_or(Error::ExtensionNotFound(seq))?;
        let set: Vec<Value> = outcomes
            .iter()
            .filter_map(|o| match o {
                ExtOutcome::Set(e) => Some(ext_json(e)),
                _ => None,
            })
            .collect();
        if !set.is_empty() {
            let mut v = json!({"op": "message_extension", "GroupId": group.as_str(),
                               "MsgSeq": seq, "ExtensionList": set});
            if !topic.is_empty() {
                v["TopicId"] = json!(topic);
            }
            self.tell_members(&room, v);
        }
        Ok(outcomes)
    }

    /// A message's extensions.
    pub async fn message_extensions(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        seq: u64,
        actor: &Actor,
    ) -> Result<Vec<ExtEntry>, Error> {
        self.message_room(app, group, topic, actor).await?;
        self.store
            .group_msg_ext(app, group, topic, seq)
            .await
            .map_err(store_err)?
            .ok_or(Error::ExtensionNotFound(seq))
    }

    /// Read receipts of up to 20 messages of a Work, Public or Meeting group: how many
    /// members other than the sender have read each, and how many have not.
    pub async fn read_receipts(
        &self,
        app: AppId,
        group: &GroupId,
        seqs: &[u64],
        actor: &Actor,
    ) -> Result<Vec<(u64, u64, u64)>, Error> {
        check_message_list(seqs)?;
        let room = self.message_room(app, group, "", actor).await?;
        let record = room.profile();
        if record.group_type == GroupType::Community {
            return Err(Error::NotSupported(
                "read receipts are for Work, Public and Meeting groups".into(),
            ));
        }
        let read = self
            .store
            .group_read_counts(app, group, seqs)
            .await
            .map_err(store_err)?;
        let others = u64::from(record.member_num.saturating_sub(1));
        Ok(seqs
            .iter()
            .zip(read)
            .map(|(&seq, n)| (seq, n, others.saturating_sub(n)))
            .collect())
    }

    /// `delete_group_msg_by_sender` (App admins): deletes every stored message of a sender
    /// in a group or topic; returns how many went.
    pub async fn delete_messages_of(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        sender: &UserId,
    ) -> Result<u64, Error> {
        let room = self.room(app, group).await?;
        if !room.is_durable() {
            return Err(Error::NoMessageStore(group.to_string()));
        }
        if !topic.is_empty() {
            self.topic_of(&room, topic).await?;
        }
        self.store
            .delete_group_messages_by(app, group, topic, sender)
            .await
            .map_err(store_err)
    }

    /// `clear_group_msg` (App admins): deletes a group's stored messages up to `up_to`
    /// (all when `None`).
    pub async fn clear_messages(
        &self,
        app: AppId,
        group: &GroupId,
        up_to: Option<u64>,
    ) -> Result<u64, Error> {
        let room = self.room(app, group).await?;
        if !room.is_durable() {
            return Err(Error::NoMessageStore(group.to_string()));
        }
        self.store
            .clear_group_messages(app, group, "", up_to)
            .await
            .map_err(store_err)
    }
}

fn check_message_list(seqs: &[u64]) -> Result<(), Error> {
    if seqs.is_empty() || seqs.len() > MESSAGES_PER_READ_MAX {
        return Err(Error::InvalidParameter(format!(
            "name 1 to {MESSAGES_PER_READ_MAX} messages"
        )));
    }
    Ok(())
}

/// An extension as answers and pushes show it.
pub fn ext_json(e: &ExtEntry) -> Value {
    json!({"Key": e.key, "Value": e.value, "Seq": e.version})
}
