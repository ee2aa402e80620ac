//! Reads of the conversation store and read reports: pages of a conversation, the
//! conversation list, unread counts, marking read.

use serde::Serialize;
use serde_json::json;
use serde_json::value::RawValue;

use liveroom_core::callback::C2C_AFTER_MSG_REPORT;
use liveroom_core::chat::{ConversationRecord, CONVERSATION_PAGE_MAX, PAGE_MAX};
use liveroom_core::protocol::chat::{C2cReadPush, ConversationPush};
use liveroom_core::store::{C2cPage, ConversationCursor};
use liveroom_core::{AppId, Error, GroupId, UserId};

use super::frames::{self, Extra};
use super::store_err;
use crate::hooks::Origin;
use crate::Engine;

/// A page of a conversation's messages, each as the `c2c` push shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MessagePage {
    pub messages: Vec<Box<RawValue>>,
    /// No more messages in this direction.
    pub complete: bool,
}

/// One entry of a conversation list: a one-to-one conversation (`Type` `C2C`, with
/// `Peer_Account`) or a group that keeps its messages (`Type` `GROUP`, with `GroupId`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConversationView {
    #[serde(rename = "Type")]
    pub kind: &'static str,
    #[serde(rename = "Peer_Account", skip_serializing_if = "String::is_empty")]
    pub peer: String,
    #[serde(rename = "GroupId", skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// The newest message's number on this side.
    pub last_seq: u64,
    pub last_time: i64,
    pub unread: u64,
    pub read_seq: u64,
    /// How far the peer has read (read receipts).
    pub peer_read_seq: u64,
    pub pinned: bool,
    pub marks: u64,
    pub last_message: Option<Box<RawValue>>,
    /// Groups: the oldest unread message naming this user, and the oldest unread one to
    /// everyone (`GroupAtInfo`).
    #[serde(rename = "AtMeSeq", skip_serializing_if = "Option::is_none")]
    pub at_me: Option<u64>,
    #[serde(rename = "AtAllSeq", skip_serializing_if = "Option::is_none")]
    pub at_all: Option<u64>,
}

/// A page of the conversation list.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConversationPage {
    pub conversations: Vec<ConversationView>,
    /// Continue from here (absent when complete).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    pub complete: bool,
    pub total_unread: u64,
}

/// A page of history by time for `admin_getroammsg`: newest first.
pub struct RoamPage {
    pub messages: Vec<liveroom_core::chat::C2cRecord>,
    pub complete: bool,
    /// What the owner's peer has read, for `IsPeerRead`.
    pub peer_read_seq: u64,
}

fn raw(json: Option<String>) -> Option<Box<RawValue>> {
    json.and_then(|j| RawValue::from_string(j).ok())
}

fn page_extra() -> Extra {
    Extra {
        op: "",
        online_only: false,
        unread: None,
    }
}

impl ConversationView {
    fn of(c: ConversationRecord) -> Self {
        Self {
            kind: "C2C",
            peer: c.peer.to_string(),
            group: String::new(),
            last_seq: c.last_seq,
            last_time: c.last_time,
            unread: c.unread,
            read_seq: c.read_seq,
            peer_read_seq: c.peer_read_seq,
            pinned: c.pinned,
            marks: c.marks,
            at_me: None,
            at_all: None,
            last_message: c
                .last
                .as_ref()
                .and_then(|m| raw(frames::message_json(m, &page_extra()))),
        }
    }
}

/// A conversation list's place: entries are ordered pinned first, then by the time of
/// their last message, newest first, then one-to-one before groups, then by id.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ListPlace {
    pinned: bool,
    last_time: i64,
    key: ListKey,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum ListKey {
    C2c(UserId),
    Group(GroupId),
}

impl ListPlace {
    /// Order in the list (smaller first).
    fn order(&self) -> (bool, std::cmp::Reverse<i64>, &ListKey) {
        (!self.pinned, std::cmp::Reverse(self.last_time), &self.key)
    }

    /// As the client carries it: `pinned.last_time.c:peer` or `pinned.last_time.g:group`.
    fn encode(&self) -> String {
        let key = match &self.key {
            ListKey::C2c(p) => format!("c:{p}"),
            ListKey::Group(g) => format!("g:{g}"),
        };
        format!("{}.{}.{key}", u8::from(self.pinned), self.last_time)
    }

    fn decode(raw: &str) -> Result<Self, Error> {
        let bad = || Error::InvalidParameter(format!("Cursor {raw:?} is not one this server gave"));
        let mut parts = raw.splitn(3, '.');
        let (Some(pinned), Some(time), Some(key)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let key = if let Some(g) = key.strip_prefix("g:") {
            ListKey::Group(GroupId::parse(g).map_err(|_| bad())?)
        } else {
            // `c:peer`, or a bare peer (cursors given before groups were listed).
            let peer = key.strip_prefix("c:").unwrap_or(key);
            ListKey::C2c(UserId::parse(peer).map_err(|_| bad())?)
        };
        Ok(Self {
            pinned: pinned == "1",
            last_time: time.parse().map_err(|_| bad())?,
            key,
        })
    }

    /// Where the one-to-one store read continues: after a group entry, past every
    /// conversation of the same pin and time (they come first).
    fn c2c_cursor(&self) -> ConversationCursor {
        ConversationCursor {
            pinned: self.pinned,
            last_time: self.last_time,
            peer: match &self.key {
                ListKey::C2c(p) => p.clone(),
                ListKey::Group(_) => UserId::from_trusted("\u{7f}"),
            },
        }
    }
}

fn place_of(c: &ConversationView) -> ListPlace {
    ListPlace {
        pinned: c.pinned,
        last_time: c.last_time,
        key: if c.group.is_empty() {
            ListKey::C2c(UserId::from_trusted(&c.peer))
        } else {
            ListKey::Group(GroupId::from_trusted(&c.group))
        },
    }
}

/// A group's entry in its member's conversation list.
fn group_view(g: liveroom_core::store::GroupConversation) -> ConversationView {
    let counts = g.group_type.rules().unread;
    let last_message = g.last.as_ref().and_then(|m| {
        let body: serde_json::Value =
            serde_json::from_str(&m.body).unwrap_or(serde_json::Value::Array(Vec::new()));
        let v = json!({
            "GroupId": m.group.as_str(),
            "From_Account": m.from.as_str(),
            "NickName": m.nick,
            "Avatar": m.avatar,
            "MsgSeq": m.seq,
            "MsgTime": m.time,
            "MsgRandom": m.random,
            "MsgPriority": m.priority.as_str(),
            "MsgBody": body,
            "CloudCustomData": m.cloud_custom_data,
            "Recalled": m.has(liveroom_core::store::group_flags::RECALLED),
        });
        RawValue::from_string(v.to_string()).ok()
    });
    ConversationView {
        kind: "GROUP",
        peer: String::new(),
        group: g.group.to_string(),
        last_seq: g.thread.last_seq,
        // A group without messages yet sits where its member joined it.
        last_time: g.thread.last_time.max(g.member.join_time),
        unread: if counts { g.member.unread } else { 0 },
        read_seq: g.member.read_seq,
        peer_read_seq: 0,
        pinned: g.member.pinned,
        marks: 0,
        last_message,
        at_me: g.at_me,
        at_all: g.at_all,
    }
}

fn check_count(count: u32, max: u32) -> Result<u32, Error> {
    if count == 0 || count > max {
        return Err(Error::InvalidParameter(format!(
            "Count is {count}; it must be 1 to {max}"
        )));
    }
    Ok(count)
}

impl Engine {
    /// A page of `owner`'s conversation with `peer`: after `after` oldest first, or before
    /// `before` (from the newest) newest first.
    pub async fn c2c_page(
        &self,
        app: AppId,
        owner: &UserId,
        peer: &UserId,
        after: Option<u64>,
        before: Option<u64>,
        count: u32,
    ) -> Result<MessagePage, Error> {
        let count = check_count(count, PAGE_MAX)?;
        let page = match (after, before) {
            (Some(a), _) => C2cPage::After(a),
            (None, b) => C2cPage::Before(b.unwrap_or(u64::MAX)),
        };
        let mut found = self
            .store
            .c2c_messages(app, owner, peer, page, count + 1)
            .await
            .map_err(store_err)?;
        let complete = found.len() <= count as usize;
        found.truncate(count as usize);
        Ok(MessagePage {
            messages: found
                .iter()
                .filter_map(|m| raw(frames::message_json(m, &page_extra())))
                .collect(),
            complete,
        })
    }

    /// `owner`'s messages with `peer` with times in `min..=max`, newest first, after a
    /// continuation `(time, seq)`.
    pub async fn c2c_roam(
        &self,
        app: AppId,
        owner: &UserId,
        peer: &UserId,
        (min, max): (i64, i64),
        before: Option<(i64, u64)>,
        count: u32,
    ) -> Result<RoamPage, Error> {
        let mut found = self
            .store
            .c2c_messages(
                app,
                owner,
                peer,
                C2cPage::Time { min, max, before },
                count + 1,
            )
            .await
            .map_err(store_err)?;
        let complete = found.len() <= count as usize;
        found.truncate(count as usize);
        let side = self
            .store
            .conversations_with(app, owner, std::slice::from_ref(peer))
            .await
            .map_err(store_err)?;
        Ok(RoamPage {
            messages: found,
            complete,
            peer_read_seq: side.first().map_or(0, |c| c.peer_read_seq),
        })
    }

    /// A page of `owner`'s conversation list: its one-to-one conversations and the groups
    /// it is a member of (those that keep their messages), in one order.
    pub async fn conversation_page(
        &self,
        app: AppId,
        owner: &UserId,
        cursor: Option<&str>,
        count: u32,
    ) -> Result<ConversationPage, Error> {
        let count = check_count(count, CONVERSATION_PAGE_MAX)?;
        let cursor = cursor.map(ListPlace::decode).transpose()?;
        let c2c_cursor = cursor.as_ref().map(ListPlace::c2c_cursor);
        let (c2c, c2c_unread) = self
            .store
            .conversations(app, owner, c2c_cursor.as_ref(), count + 1)
            .await
            .map_err(store_err)?;
        let groups = self
            .store
            .joined_groups(app, owner)
            .await
            .map_err(store_err)?;
        let mut total_unread = c2c_unread;
        let mut found: Vec<ConversationView> = c2c.into_iter().map(ConversationView::of).collect();
        for g in groups {
            let view = group_view(g);
            total_unread += view.unread;
            let after = cursor
                .as_ref()
                .is_none_or(|c| place_of(&view).order() > c.order());
            if after {
                found.push(view);
            }
        }
        found.sort_by(|a, b| place_of(a).order().cmp(&place_of(b).order()));
        let complete = found.len() <= count as usize;
        found.truncate(count as usize);
        Ok(ConversationPage {
            next_cursor: (!complete)
                .then(|| found.last().map(|c| place_of(c).encode()))
                .flatten(),
            conversations: found,
            complete,
            total_unread,
        })
    }

    /// `owner`'s sides of its conversations with `peers` (those it has).
    pub async fn conversations_with(
        &self,
        app: AppId,
        owner: &UserId,
        peers: &[UserId],
    ) -> Result<Vec<ConversationRecord>, Error> {
        self.store
            .conversations_with(app, owner, peers)
            .await
            .map_err(store_err)
    }

    pub async fn total_unread(&self, app: AppId, owner: &UserId) -> Result<u64, Error> {
        self.store.total_unread(app, owner).await.map_err(store_err)
    }

    /// `owner` read its conversation with `peer` up to `up_to` (everything when `None`):
    /// its devices learn the new count, the peer's devices how far it was read, the
    /// backend `C2C.CallbackAfterMsgReport`. Returns the side afterwards (`None`: no such
    /// conversation, nothing to read).
    pub async fn read_c2c(
        &self,
        app: AppId,
        owner: &UserId,
        peer: &UserId,
        up_to: Option<u64>,
        origin: Origin,
    ) -> Result<Option<ConversationRecord>, Error> {
        let before = self
            .store
            .conversations_with(app, owner, std::slice::from_ref(peer))
            .await
            .map_err(store_err)?;
        let Some(side) = self
            .store
            .read_c2c(app, owner, peer, up_to)
            .await
            .map_err(store_err)?
        else {
            return Ok(None);
        };
        if before.first().map(|b| (b.read_seq, b.unread)) == Some((side.read_seq, side.unread)) {
            return Ok(Some(side));
        }
        let push = C2cReadPush {
            reader: owner.to_string(),
            peer: peer.to_string(),
            seq: side.read_seq,
            unread: Some(side.unread),
        };
        if let Some(frame) = frames::read(&push) {
            self.push_to_user(app, owner, &frame, None);
        }
        let to_peer = C2cReadPush {
            unread: None,
            ..push
        };
        if owner != peer {
            if let Some(frame) = frames::read(&to_peer) {
                self.push_to_user(app, peer, &frame, None);
            }
        }
        if let Ok(a) = self.apps.get(app) {
            let settings = a.settings();
            if self.hook_enabled(&settings, C2C_AFTER_MSG_REPORT) {
                let total = self.store.total_unread(app, owner).await.unwrap_or(0);
                let time = self
                    .store
                    .c2c_message(app, owner, peer, side.read_seq)
                    .await
                    .ok()
                    .flatten()
                    .map_or(0, |m| m.time);
                self.after_hook(app, &settings, C2C_AFTER_MSG_REPORT, Some(origin), || {
                    json!({
                        "Report_Account": owner.as_str(),
                        "Peer_Account": peer.as_str(),
                        "LastReadTime": time,
                        "UnreadMsgNum": total,
                    })
                });
            }
        }
        Ok(Some(side))
    }

    /// The number of `owner`'s newest message with `peer` sent at or before `time`.
    pub async fn c2c_seq_at(
        &self,
        app: AppId,
        owner: &UserId,
        peer: &UserId,
        time: i64,
    ) -> Result<Option<u64>, Error> {
        let found = self
            .store
            .c2c_messages(
                app,
                owner,
                peer,
                C2cPage::Time {
                    min: 0,
                    max: time,
                    before: None,
                },
                1,
            )
            .await
            .map_err(store_err)?;
        Ok(found.first().map(|m| m.seq))
    }

    /// Takes a conversation off `owner`'s list (see the store); its devices are told.
    /// False if there was none.
    pub async fn delete_conversation(
        &self,
        app: AppId,
        owner: &UserId,
        peer: &UserId,
        clear: bool,
    ) -> Result<bool, Error> {
        if !self
            .store
            .delete_conversation(app, owner, peer, clear)
            .await
            .map_err(store_err)?
        {
            return Ok(false);
        }
        self.tell_conversation(app, owner, peer, "deleted");
        Ok(true)
    }

    pub async fn pin_conversation(
        &self,
        app: AppId,
        owner: &UserId,
        peer: &UserId,
        pinned: bool,
    ) -> Result<(), Error> {
        if !self
            .store
            .set_conversation_flags(app, owner, peer, Some(pinned), None)
            .await
            .map_err(store_err)?
        {
            return Err(no_conversation(peer));
        }
        self.tell_conversation(app, owner, peer, if pinned { "pinned" } else { "unpinned" });
        Ok(())
    }

    fn tell_conversation(&self, app: AppId, owner: &UserId, peer: &UserId, action: &str) {
        let push = ConversationPush {
            peer: peer.to_string(),
            action: action.to_string(),
        };
        if let Some(frame) = frames::control("c2c_conversation", &push) {
            self.push_to_user(app, owner, &frame, None);
        }
    }

    /// Deletes each app's one-to-one and stored group messages older than its
    /// `chat.history_days`.
    pub async fn prune_c2c(&self, now: i64) {
        for id in self.apps.ids() {
            let Ok(app) = self.apps.get(id) else { continue };
            let days = app.settings().chat.history_days;
            if days == 0 {
                continue;
            }
            let before = now - i64::from(days) * 86_400;
            if let Err(e) = self.store.prune_c2c(id, before).await {
                tracing::warn!(app = id.0, error = %e, "pruning one-to-one history failed");
            }
            if let Err(e) = self.store.prune_group_messages(id, before).await {
                tracing::warn!(app = id.0, error = %e, "pruning group history failed");
            }
        }
    }
}

pub fn no_conversation(peer: &UserId) -> Error {
    Error::InvalidParameter(format!("there is no conversation with {peer}"))
}
