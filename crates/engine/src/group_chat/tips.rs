//! Tips of stored groups: stored in the group's sequence (a `TIMGroupTipElem` message from
//! the operator, flagged as a server tip, never unread) where the type keeps them, and
//! pushed as `tip` with its `MsgSeq`; notices to one user (join requests and their
//! outcome) as `system` pushes to its devices.

use serde_json::{json, Value};

use liveroom_core::group::Priority;
use liveroom_core::store::{group_flags, GroupAppend};
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use crate::loaded::RoomRef;
use crate::outbound::{Frame, FrameClass};
use crate::Engine;

/// A tip's `MsgBody`.
pub(crate) fn tip_body(content: &Value) -> String {
    json!([{"MsgType": "TIMGroupTipElem", "MsgContent": content}]).to_string()
}

/// A stored tip's push: the `tip` frame with its number.
fn stored_tip_frame(group: &GroupId, time: i64, seq: u64, body: &str) -> Option<Frame> {
    let body: Value = serde_json::from_str(body).ok()?;
    let v = json!({
        "op": "tip",
        "GroupId": group.as_str(),
        "MsgTime": time,
        "MsgSeq": seq,
        "MsgBody": body,
    });
    Some(Frame::new(
        FrameClass::Message(Priority::High),
        v.to_string(),
    ))
}

/// A `system` push to one user about a group.
pub(crate) fn notice_to_user(group: &GroupId, content: Value) -> Frame {
    let v = json!({
        "op": "system",
        "GroupId": group.as_str(),
        "MsgTime": unix_secs(),
        "MsgBody": [{"MsgType": "TIMGroupSystemNoticeElem", "MsgContent": content}],
    });
    Frame::new(FrameClass::Message(Priority::High), v.to_string())
}

impl Engine {
    /// A tip of a stored group from `operator`: stored (when `keep`) and pushed with its
    /// number once stored, or only pushed.
    pub(crate) async fn group_tip(
        &self,
        room: &RoomRef,
        operator: &UserId,
        content: Value,
        keep: bool,
    ) -> Result<(), Error> {
        let time = unix_secs();
        if !keep {
            let frame =
                crate::tips::push_frame_of("tip", &room.id, time, "TIMGroupTipElem", content);
            self.tell_room(room, frame).await;
            return Ok(());
        }
        let append = GroupAppend {
            app: room.app,
            group: room.id.clone(),
            topic: String::new(),
            from: operator.clone(),
            time,
            random: rand::random(),
            priority: Priority::High,
            flags: group_flags::SYSTEM | group_flags::NO_UNREAD,
            body: tip_body(&content),
            cloud_custom_data: String::new(),
            at_info: String::new(),
            offline_push: String::new(),
            mentions: Vec::new(),
            imported: false,
            sender_is_member: false,
        };
        let group = room.id.clone();
        self.stored_group_message(
            room,
            append,
            None,
            Box::new(move |a, seq| stored_tip_frame(&group, a.time, seq, &a.body)),
        )
        .await
        .map(|_| ())
    }

    /// A `system` notice to every device of `user`.
    pub(crate) fn notify_user(&self, app: AppId, user: &UserId, group: &GroupId, content: Value) {
        self.push_to_user(app, user, &notice_to_user(group, content), None);
    }
}
