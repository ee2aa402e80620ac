//! Importing stored groups' members and messages from another system (`import_group_member`,
//! `import_group_msg`): written as they were, without tips, pushes or callbacks.

use liveroom_core::message::MsgBody;
use liveroom_core::store::{group_flags, GroupAppend, MemberAdded, NewMember};
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use crate::{store_err, Engine};

/// Most members or messages one import names.
pub const IMPORT_BATCH_MAX: usize = 500;

/// A member to import.
pub struct ImportedMember {
    pub user: UserId,
    pub admin: bool,
    /// 0: now.
    pub join_time: i64,
    pub unread: u64,
}

/// A message to import.
pub struct ImportedMessage {
    pub from: UserId,
    pub send_time: i64,
    pub random: Option<u32>,
    pub body: MsgBody,
}

impl Engine {
    /// Imports members: `Ok(None)` for an account that does not exist, else whether it was
    /// added or a member already. Their devices online are attached.
    pub async fn import_group_members(
        &self,
        app: AppId,
        group: &GroupId,
        members: Vec<ImportedMember>,
    ) -> Result<Vec<(UserId, Option<MemberAdded>)>, Error> {
        if members.is_empty() || members.len() > IMPORT_BATCH_MAX {
            return Err(Error::TooManyAccounts(format!(
                "name 1 to {IMPORT_BATCH_MAX} members"
            )));
        }
        let room = self.stored_room(app, group).await?;
        let record = room.profile();
        let names: Vec<UserId> = members.iter().map(|m| m.user.clone()).collect();
        let existing: Vec<UserId> = self
            .store
            .get_users(app, &names)
            .await
            .map_err(store_err)?
            .into_iter()
            .map(|u| u.id)
            .collect();
        let now = unix_secs();
        let wanted: Vec<NewMember> = members
            .iter()
            .filter(|m| existing.contains(&m.user))
            .map(|m| NewMember {
                user: m.user.clone(),
                join_time: if m.join_time > 0 { m.join_time } else { now },
                admin: m.admin,
                unread: m.unread,
            })
            .collect();
        let results = self
            .store
            .add_members(app, group, &wanted, record.max_member_num)
            .await
            .map_err(store_err)?;
        let added: Vec<UserId> = wanted
            .iter()
            .zip(&results)
            .filter(|(_, r)| **r == MemberAdded::Added)
            .map(|(m, _)| m.user.clone())
            .collect();
        if !added.is_empty() {
            {
                let mut admins = room.admins.write();
                for m in wanted.iter().filter(|m| m.admin && added.contains(&m.user)) {
                    admins.insert(m.user.clone());
                }
            }
            self.membership_changed(app, group, &added, true).await;
            if let Ok(Some(fresh)) = self.store.get_group(app, group).await {
                room.replace_profile(fresh);
                self.room_changed(&room);
            }
        }
        Ok(members
            .into_iter()
            .map(|m| {
                let r = wanted
                    .iter()
                    .position(|w| w.user == m.user)
                    .map(|i| results[i]);
                (m.user, r)
            })
            .collect())
    }

    /// Imports messages in order: each must be later than the group's creation and the
    /// one before, and not in the future (else `Err` for it). Stored in one transaction,
    /// numbered after the group's messages; not counted as unread, and moving the members'
    /// conversations only with `recent_contact`.
    pub async fn import_group_messages(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        messages: Vec<ImportedMessage>,
        recent_contact: bool,
    ) -> Result<Vec<Result<(u64, i64), Error>>, Error> {
        if messages.is_empty() || messages.len() > IMPORT_BATCH_MAX {
            return Err(Error::InvalidParameter(format!(
                "MsgList must have 1 to {IMPORT_BATCH_MAX} messages"
            )));
        }
        let room = self.stored_room(app, group).await?;
        if !topic.is_empty() {
            self.topic_of(&room, topic).await?;
        }
        let settings = self.apps.get(app)?.settings();
        let created = room.profile().create_time;
        let now = unix_secs();
        let limit = settings.max_message_bytes as usize;
        let mut verdicts: Vec<Result<(), Error>> = Vec::with_capacity(messages.len());
        let mut batch = Vec::new();
        let mut previous = created;
        for m in &messages {
            let body = m.body.to_json();
            let verdict = if m.send_time <= created || m.send_time > now || m.send_time < previous {
                Err(Error::InvalidParameter(
                    "SendTime must be after the group's CreateTime and the message before, and not in the future".into(),
                ))
            } else if body.len() > limit {
                Err(Error::MessageTooLarge {
                    size: body.len(),
                    limit,
                })
            } else {
                Ok(())
            };
            if verdict.is_ok() {
                previous = m.send_time;
                let flags = if recent_contact {
                    0
                } else {
                    group_flags::NO_LAST_MSG
                };
                batch.push(GroupAppend {
                    app,
                    group: group.clone(),
                    topic: topic.to_string(),
                    from: m.from.clone(),
                    time: m.send_time,
                    random: m.random.unwrap_or_else(rand::random),
                    priority: liveroom_core::group::Priority::Normal,
                    flags,
                    body,
                    cloud_custom_data: String::new(),
                    at_info: String::new(),
                    offline_push: String::new(),
                    mentions: Vec::new(),
                    imported: true,
                    sender_is_member: false,
                });
            }
            verdicts.push(verdict);
        }
        let stored = self.store.append_group(&batch).await.map_err(store_err)?;
        let mut numbers = stored.into_iter().zip(batch.iter().map(|b| b.time));
        Ok(verdicts
            .into_iter()
            .map(|v| {
                v.and_then(|()| {
                    numbers
                        .next()
                        .map(|(a, t)| (a.seq, t))
                        .ok_or(Error::Internal)
                })
            })
            .collect())
    }
}
