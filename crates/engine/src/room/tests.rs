//! The room core's unit tests, and a room profile other modules' tests use.

use super::*;
use crate::outbound::QueueLimits;
use crate::session::Session;
use std::time::Duration;

/// Attendance nobody counts.
struct Uncounted;

impl Attendance for Uncounted {
    fn user_arrived(&self, _: &UserId, _: i64, _: usize) {}
    fn user_left(&self, _: &UserId, _: i64) {}
    fn guest_arrived(&self, _: i64, _: usize) {}
    fn guest_left(&self, _: i64) {}
    fn dismissed(&self) {}
}

fn room() -> Room {
    let record = test_record("r");
    let mut stored = StoredRoom::new(record);
    stored.bans.insert(UserId::from_trusted("banned"), i64::MAX);
    Room::new(stored, &AppSettings::default(), Arc::new(Uncounted))
}

fn reply(_: &GroupRecord, _: usize) -> Frame {
    Frame::control("{}".into())
}

fn session(id: u64) -> SessionRef {
    Arc::new(Session::new(id, QueueLimits::default()))
}

#[test]
fn admission_checks_bans_and_the_room_state_under_the_member_lock() {
    let r = room();
    let alice = Some(UserId::from_trusted("alice"));
    assert_eq!(
        r.add_member(&session(1), alice.clone(), 1, 0, &reply),
        Admission::Added {
            first_of_user: true
        }
    );
    assert_eq!(
        r.add_member(&session(2), alice.clone(), 1, 0, &reply),
        Admission::Added {
            first_of_user: false
        }
    );
    assert_eq!(
        r.add_member(&session(1), alice.clone(), 1, 0, &reply),
        Admission::Already
    );
    assert_eq!(
        r.add_member(&session(3), None, 1, 0, &reply),
        Admission::Added {
            first_of_user: true
        }
    );
    assert_eq!(r.online_count(), 2, "alice once, one guest");
    assert!(matches!(
        r.add_member(
            &session(4),
            Some(UserId::from_trusted("banned")),
            1,
            0,
            &reply
        ),
        Admission::Banned(4_294_967_295)
    ));
    assert!(!r.retire_if_empty(|| false), "occupied rooms stay");
    let gone = r.close_for_good();
    assert_eq!(gone.len(), 3);
    assert_eq!(r.online_count(), 0);
    assert_eq!(
        r.add_member(&session(5), None, 1, 0, &reply),
        Admission::Gone { destroyed: true }
    );

    let busy = room();
    assert!(!busy.retire_if_empty(|| true), "work in progress keeps it");
    let idle = room();
    assert!(idle.retire_if_empty(|| false));
    assert_eq!(
        idle.add_member(&session(6), None, 1, 0, &reply),
        Admission::Gone { destroyed: false }
    );
}

fn guest_from(id: u64, ip: &str) -> SessionRef {
    let ip = ip.parse().expect("an address");
    Arc::new(Session::new(id, QueueLimits::default()).with_client_ip(Some(ip)))
}

#[test]
fn guests_are_capped_per_source_and_are_one_viewer_each() {
    let r = room();
    let added = Admission::Added {
        first_of_user: true,
    };
    assert_eq!(
        r.add_member(&guest_from(1, "198.51.100.7"), None, 1, 2, &reply),
        added
    );
    assert_eq!(
        r.add_member(&guest_from(2, "198.51.100.7"), None, 1, 2, &reply),
        added
    );
    for (id, ip) in [(3, "198.51.100.7"), (4, "::ffff:198.51.100.7")] {
        assert_eq!(
            r.add_member(&guest_from(id, ip), None, 1, 2, &reply),
            Admission::GuestsPerAddressFull(2),
            "{ip}"
        );
    }
    assert!(r.guests_full_for(&guest_from(3, "198.51.100.7"), 2));
    assert!(
        !r.guests_full_for(&guest_from(1, "198.51.100.7"), 2),
        "a member"
    );
    // One IPv6 /64 is one source.
    assert_eq!(
        r.add_member(&guest_from(5, "2001:db8::1"), None, 1, 2, &reply),
        added
    );
    assert_eq!(
        r.add_member(&guest_from(6, "2001:db8::ff:1"), None, 1, 2, &reply),
        added
    );
    assert_eq!(
        r.add_member(&guest_from(7, "2001:db8::2"), None, 1, 2, &reply),
        Admission::GuestsPerAddressFull(2)
    );
    assert_eq!(
        r.add_member(&guest_from(8, "2001:db8:0:1::1"), None, 1, 2, &reply),
        added
    );
    let alice = Some(UserId::from_trusted("alice"));
    assert_eq!(
        r.add_member(&guest_from(9, "198.51.100.7"), alice, 1, 2, &reply),
        added
    );
    assert_eq!(r.online_count(), 6, "every guest connection and alice");
    assert_eq!(r.viewer_count(), 4, "alice and three guest sources");
    // A guest leaving frees its seat; the last one takes its source away.
    r.remove_member(1);
    assert_eq!(
        r.add_member(&guest_from(3, "198.51.100.7"), None, 1, 2, &reply),
        added
    );
    r.remove_member(8);
    assert_eq!(r.viewer_count(), 3);
    // 0: no cap.
    assert_eq!(
        r.add_member(&guest_from(10, "198.51.100.7"), None, 1, 0, &reply),
        added
    );
}

#[test]
fn the_count_is_unsettled_while_any_member_was_told_another() {
    let r = room();
    let online = |c: usize| Some(Frame::control(c.to_string()));
    let (a, b, c) = (session(1), session(2), session(3));
    r.add_member(&a, None, 1, 0, &reply);
    r.add_member(&b, None, 1, 0, &reply);
    assert_eq!(r.online_unsettled(), Some(2));
    assert_eq!(r.push_online_count(online, |_| {}), Some(2));
    assert_eq!(r.online_unsettled(), None);
    assert_eq!(r.push_online_count(online, |_| {}), None, "nothing to tell");
    // c is told 3; then a leaves: the count is back at the one pushed, but c holds 3.
    r.add_member(&c, None, 1, 0, &reply);
    r.remove_member(1);
    assert_eq!(r.online_unsettled(), Some(2));
    assert_eq!(r.push_online_count(online, |_| {}), Some(2));
    assert_eq!(r.online_unsettled(), None);
    // A tip tells everyone a count but is not the push: a later change back still is.
    r.add_member(&a, None, 1, 0, &reply);
    r.broadcast_with_count(|n| Frame::control(n.to_string()), |_| {});
    r.remove_member(1);
    assert_eq!(r.online_unsettled(), Some(2));
}

/// Everything queued for `session` right now.
async fn texts(session: &SessionRef) -> Vec<String> {
    let mut out = Vec::new();
    let wait = session.queue.next_batch(&mut out);
    let _ = tokio::time::timeout(Duration::from_millis(5), wait).await;
    out.iter()
        .map(|b| String::from_utf8_lossy(b).to_string())
        .collect()
}

fn msg(p: liveroom_core::group::Priority, text: &str) -> Frame {
    Frame::new(crate::outbound::FrameClass::Message(p), text.to_string())
}

#[tokio::test]
async fn every_member_gets_the_frames_in_one_order_except_its_own() {
    use liveroom_core::group::Priority::{High, Low, Normal};
    let r = Arc::new(room());
    let (a, b) = (session(1), session(2));
    r.add_member(&a, None, 1, 0, &reply);
    r.add_member(&b, None, 1, 0, &reply);
    r.broadcast(&msg(Normal, "1"), None);
    r.broadcast(&msg(Low, "2"), Some(2));
    r.broadcast(&msg(High, "3"), None);
    assert_eq!(texts(&a).await, ["{}", "1", "2", "3"]);
    assert_eq!(
        texts(&b).await,
        ["{}", "1", "3"],
        "the sender skips its own"
    );
}

/// A free-access AVChatRoom's profile, for tests.
pub(crate) fn test_record(id: &str) -> GroupRecord {
    use liveroom_core::group::{ApplyJoinOption, GroupType};
    GroupRecord {
        app: AppId(1),
        id: GroupId::from_trusted(id),
        group_type: GroupType::AVChatRoom,
        name: id.into(),
        owner: None,
        introduction: String::new(),
        notification: String::new(),
        face_url: String::new(),
        max_member_num: 0,
        apply_join_option: ApplyJoinOption::FreeAccess,
        mute_all: false,
        create_time: 0,
        info_seq: 0,
        last_info_time: 0,
        last_msg_time: 0,
        msg_seq_ceiling: 0,
        custom: Vec::new(),
        invite_join_option: liveroom_core::group::InviteJoinOption::FreeAccess,
        history_before_join: false,
        support_topic: false,
        member_num: 0,
        enable_permission: false,
        default_permission: 1,
    }
}
