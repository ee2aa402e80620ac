//! Group tips (`TIMGroupTipElem`) and system notifications (`TIMGroupSystemNoticeElem`):
//! server-made frames pushed to room members.

use serde_json::{json, Value};

use liveroom_core::group::Priority;
use liveroom_core::protocol::{system, tip};
use liveroom_core::{GroupId, UserId};

use crate::outbound::{Frame, FrameClass};

fn elem_frame(
    op: &str,
    group: &GroupId,
    time: i64,
    msg_type: &str,
    content: Value,
    priority: Priority,
) -> Frame {
    let v = json!({
        "op": op,
        "GroupId": group.as_str(),
        "MsgTime": time,
        "MsgBody": [{"MsgType": msg_type, "MsgContent": content}],
    });
    Frame::new(FrameClass::Message(priority), v.to_string())
}

/// A frame of one server element, as `op` (`tip`, `system`), High priority.
pub(crate) fn push_frame_of(
    op: &str,
    group: &GroupId,
    time: i64,
    msg_type: &str,
    content: Value,
) -> Frame {
    elem_frame(op, group, time, msg_type, content, Priority::High)
}

/// A server push (`online`, `likes`, `gift`, ...) as a frame of `priority`.
pub fn push_frame(push: &liveroom_core::protocol::Push, priority: Priority) -> Option<Frame> {
    let text = serde_json::to_string(push).ok()?;
    Some(Frame::new(FrameClass::Message(priority), text))
}

fn tip_frame(group: &GroupId, time: i64, content: Value, priority: Priority) -> Frame {
    elem_frame("tip", group, time, "TIMGroupTipElem", content, priority)
}

/// Someone joined. Low priority: under pressure join tips go first.
pub fn joined(group: &GroupId, time: i64, user: &UserId, nick: &str, member_num: usize) -> Frame {
    tip_frame(
        group,
        time,
        json!({
            "OpType": tip::JOIN,
            "Operator_Account": user.as_str(),
            "MemberList": [{"Member_Account": user.as_str(), "NickName": nick}],
            "MemberNum": member_num,
        }),
        Priority::Low,
    )
}

pub fn quit(group: &GroupId, time: i64, user: &UserId, member_num: usize) -> Frame {
    tip_frame(
        group,
        time,
        json!({
            "OpType": tip::QUIT,
            "Operator_Account": user.as_str(),
            "MemberList": [{"Member_Account": user.as_str()}],
            "MemberNum": member_num,
        }),
        Priority::Low,
    )
}

/// Members removed by a ban.
pub fn kicked(
    group: &GroupId,
    time: i64,
    operator: &str,
    users: &[UserId],
    duration: u64,
) -> Frame {
    let list: Vec<Value> = users
        .iter()
        .map(|u| json!({"Member_Account": u.as_str(), "BanTime": duration}))
        .collect();
    tip_frame(
        group,
        time,
        json!({"OpType": tip::KICKED, "Operator_Account": operator, "MemberList": list}),
        Priority::High,
    )
}

/// Members made admins (`admin`) or ordinary members again.
pub fn role_changed(
    group: &GroupId,
    time: i64,
    operator: &str,
    users: &[UserId],
    admin: bool,
) -> Frame {
    let list: Vec<Value> = users
        .iter()
        .map(|u| json!({"Member_Account": u.as_str()}))
        .collect();
    let op = if admin {
        tip::SET_ADMIN
    } else {
        tip::CANCEL_ADMIN
    };
    tip_frame(
        group,
        time,
        json!({"OpType": op, "Operator_Account": operator, "MemberList": list}),
        Priority::High,
    )
}

/// Members muted (`MuteTime` > 0 seconds) or unmuted (`MuteTime` 0).
pub fn muted(
    group: &GroupId,
    time: i64,
    operator: &str,
    users: &[UserId],
    mute_secs: u64,
) -> Frame {
    let list: Vec<Value> = users
        .iter()
        .map(|u| json!({"Member_Account": u.as_str(), "MuteTime": mute_secs}))
        .collect();
    tip_frame(
        group,
        time,
        json!({"OpType": tip::MEMBER_INFO_CHANGE, "Operator_Account": operator, "MemberList": list}),
        Priority::High,
    )
}

/// One changed profile field: `{"Type": <info_change>, "Field": name, "Value": ...}`
/// (custom fields also carry `"Key"`).
pub fn profile_changed(group: &GroupId, time: i64, operator: &str, changes: Vec<Value>) -> Frame {
    tip_frame(
        group,
        time,
        json!({"OpType": tip::GROUP_INFO_CHANGE, "Operator_Account": operator, "GroupInfoChange": changes}),
        Priority::High,
    )
}

fn notice(group: &GroupId, time: i64, content: Value) -> Frame {
    elem_frame(
        "system",
        group,
        time,
        "TIMGroupSystemNoticeElem",
        content,
        Priority::High,
    )
}

pub fn custom_notice(group: &GroupId, time: i64, operator: &str, text: &str) -> Frame {
    notice(
        group,
        time,
        json!({"OpType": system::CUSTOM, "Operator_Account": operator, "Content": text}),
    )
}

pub fn dismissed(group: &GroupId, time: i64, operator: &str) -> Frame {
    notice(
        group,
        time,
        json!({"OpType": system::DISMISSED, "Operator_Account": operator}),
    )
}

/// Sent to a banned user's own sessions before they are removed.
pub fn kicked_out(
    group: &GroupId,
    time: i64,
    operator: &str,
    duration: u64,
    reason: &str,
) -> Frame {
    notice(
        group,
        time,
        json!({"OpType": system::KICKED_OUT, "Operator_Account": operator, "BanTime": duration, "Content": reason}),
    )
}

/// A lucky-draw event (`DrawStarted` or `DrawEnded`) as a system notice with the draw's
/// details under `Draw`.
pub fn draw_notice(group: &GroupId, time: i64, operator: &str, event: &str, draw: Value) -> Frame {
    notice(
        group,
        time,
        json!({"OpType": system::CUSTOM, "Operator_Account": operator, "Event": event, "Draw": draw,
               "Content": event}),
    )
}
