//! Reading stored groups: history pages, read reports and unread counts.

use serde_json::json;

use liveroom_core::store::{GroupMsgRecord, GroupPage, GroupRange};
use liveroom_core::{AppId, Error, GroupId, UserId};

use super::Actor;
use crate::outbound::{Frame, FrameClass};
use crate::{store_err, Engine};

/// Most messages in one page.
pub const GROUP_PAGE_MAX: u32 = 100;

/// A page of a group's history.
#[derive(Debug, Clone)]
pub struct GroupPageView {
    pub messages: Vec<GroupMsgRecord>,
    /// Nothing more in the direction read (within what the reader may see).
    pub complete: bool,
}

impl Engine {
    /// A page of a stored group's history: newest first at or below `at_or_before`
    /// (`None`: from the newest), or oldest first after `after`. A client sees what was
    /// sent since it joined (all of it where the group shows history before joining); REST
    /// sees everything kept.
    #[allow(clippy::too_many_arguments)]
    pub async fn stored_history(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        after: Option<u64>,
        at_or_before: Option<u64>,
        limit: u32,
        with_recalled: bool,
        actor: &Actor,
    ) -> Result<GroupPageView, Error> {
        if limit == 0 || limit > GROUP_PAGE_MAX {
            return Err(Error::InvalidParameter(format!(
                "count must be 1 to {GROUP_PAGE_MAX}"
            )));
        }
        let room = self.stored_room(app, group).await?;
        if !topic.is_empty() {
            self.topic_of(&room, topic).await?;
        }
        let floor = if actor.app_admin {
            0
        } else {
            let me = self
                .store
                .group_member(app, group, &actor.user)
                .await
                .map_err(store_err)?
                .ok_or_else(|| Error::NotMember(actor.user.to_string()))?;
            if room.profile.read().history_before_join {
                0
            } else if topic.is_empty() {
                me.join_seq
            } else {
                self.store
                    .topic_sides(app, group, &actor.user)
                    .await
                    .map_err(store_err)?
                    .unwrap_or_default()
                    .into_iter()
                    .find(|s| s.topic == topic)
                    .map_or(0, |s| s.join_seq)
            }
        };
        let page = match after {
            Some(s) => GroupPage::After(s),
            None => GroupPage::AtOrBefore(at_or_before.unwrap_or(u64::MAX)),
        };
        // One more than asked tells whether the page is the last.
        let range = GroupRange {
            page,
            floor,
            limit: limit + 1,
            with_recalled,
        };
        let mut messages = self
            .store
            .group_messages(app, group, topic, &range)
            .await
            .map_err(store_err)?;
        let complete = messages.len() <= limit as usize;
        messages.truncate(limit as usize);
        Ok(GroupPageView { messages, complete })
    }

    /// `user` has read a stored group up to `up_to` (everything when `None`): its devices
    /// hear the new count (`group_read`). Returns `(read_seq, unread)`.
    pub async fn read_group(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        user: &UserId,
        up_to: Option<u64>,
    ) -> Result<(u64, u64), Error> {
        let room = self.stored_room(app, group).await?;
        let read = if topic.is_empty() {
            self.store.read_group(app, group, user, up_to).await
        } else {
            self.topic_of(&room, topic).await?;
            self.store.read_topic(app, group, topic, user, up_to).await
        };
        let (seq, unread) = read
            .map_err(store_err)?
            .ok_or_else(|| Error::NotMember(user.to_string()))?;
        self.tell_read(app, group, topic, user, seq, unread);
        Ok((seq, unread))
    }

    /// `set_unread_msg_num`: a member's unread count in a stored group.
    pub async fn set_group_unread(
        &self,
        app: AppId,
        group: &GroupId,
        user: &UserId,
        unread: u64,
    ) -> Result<(), Error> {
        self.stored_room(app, group).await?;
        if !self
            .store
            .set_group_unread(app, group, user, unread)
            .await
            .map_err(store_err)?
        {
            return Err(Error::NotMember(user.to_string()));
        }
        let me = self
            .store
            .group_member(app, group, user)
            .await
            .map_err(store_err)?
            .ok_or_else(|| Error::NotMember(user.to_string()))?;
        self.tell_read(app, group, "", user, me.read_seq, me.unread);
        Ok(())
    }

    fn tell_read(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        user: &UserId,
        seq: u64,
        unread: u64,
    ) {
        let mut v =
            json!({"op": "group_read", "GroupId": group.as_str(), "Seq": seq, "Unread": unread});
        if !topic.is_empty() {
            v["TopicId"] = json!(topic);
        }
        let frame = Frame::new(FrameClass::Control, v.to_string());
        self.push_to_user(app, user, &frame, None);
    }

    /// Pins or unpins a member's conversation with a stored group.
    pub async fn pin_group(
        &self,
        app: AppId,
        group: &GroupId,
        user: &UserId,
        pinned: bool,
    ) -> Result<(), Error> {
        self.stored_room(app, group).await?;
        let patch = liveroom_core::store::MemberPatch {
            pinned: Some(pinned),
            ..Default::default()
        };
        if !self
            .store
            .patch_member(app, group, user, &patch)
            .await
            .map_err(store_err)?
        {
            return Err(Error::NotMember(user.to_string()));
        }
        Ok(())
    }
}
