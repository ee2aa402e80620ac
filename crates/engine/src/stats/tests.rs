//! Unit tests of the statistics tallies and batches.

use super::*;

fn uid(s: &str) -> UserId {
    UserId::parse(s).expect("id")
}

#[test]
fn an_older_clock_counts_no_time_twice() {
    let mut t = RoomTally::new(1);
    let a = uid("a");
    t.guests_since_ms = 0;
    t.guest_arrived(0, 1);
    t.user_arrived(&a, 0, 2);
    t.guest_arrived(2_000, 3); // one guest for 2 s so far
                               // A flush whose clock reading is older than the last event adds nothing and moves
                               // nothing back...
    let early: u64 = t.take(1_000, true).iter().map(|x| x.room.online_ms).sum();
    // ...so the time is counted once: guests 1 × 2 s + 2 × 1 s, a's 3 s.
    let later: u64 = t.take(3_000, true).iter().map(|x| x.room.online_ms).sum();
    assert_eq!(early + later, 2_000 + 2_000 + 3_000);
}

#[test]
fn visits_count_time_once_per_user_and_roll_with_the_session() {
    let s = StatsSettings::default();
    let mut t = RoomTally::new(1);
    let (a, b) = (uid("a"), uid("b"));
    t.guests_since_ms = 0;
    t.user_arrived(&a, 0, 1);
    t.guest_arrived(0, 2);
    t.user_arrived(&b, 1_000, 3);
    t.message(&a, 1_500, &s);
    t.likes(None, 3, 1_500, &s);
    t.gifts(&b, 2, 20, 1_600, &s);
    t.user_left(&a, 5_000);
    t.guest_left(6_000);
    // Nothing of b's open visit is taken before a minute has passed...
    let taken = t.take(10_000, false);
    assert_eq!(taken.len(), 1);
    let x = &taken[0];
    assert_eq!(x.session, 1);
    assert_eq!((x.joins, x.guest_joins, x.peak), (3, 1, 3));
    assert_eq!(x.room.online_ms, 5_000 + 6_000, "a's stay and the guest's");
    assert_eq!(
        (
            x.room.messages,
            x.room.likes,
            x.room.gifts,
            x.room.gift_value
        ),
        (1, 3, 2, 20)
    );
    let by = |u: &UserId| x.users.iter().find(|(v, _)| v == u).map(|(_, c)| *c);
    assert_eq!(by(&a).map(|c| (c.online_ms, c.messages)), Some((5_000, 1)));
    assert_eq!(by(&b).map(|c| (c.online_ms, c.gifts)), Some((0, 2)));
    assert!(t.take(20_000, false).is_empty(), "nothing new");
    assert!(t.is_clean());
    // ... then it is, and counting goes on from there.
    let later = t.take(61_000, false);
    assert_eq!(later[0].room.online_ms, 60_000);
    // A new session takes the rest of b's time with the old one.
    t.start_session(2, 1, 65_000);
    t.user_left(&b, 71_000);
    let rolled = t.take(72_000, false);
    assert_eq!(rolled.len(), 2);
    assert_eq!((rolled[0].session, rolled[0].room.online_ms), (1, 4_000));
    let second = &rolled[1];
    assert_eq!(second.session, 2);
    assert_eq!(
        (second.joins, second.peak),
        (1, 1),
        "b was there when it began"
    );
    assert_eq!(second.room.online_ms, 6_000);
}

#[test]
fn batches_split_into_chunks_keeping_every_row() {
    let c = Counts::default();
    let b = StatsBatch {
        users: (0..5).map(|i| (uid(&format!("u{i}")), c)).collect(),
        rooms: Vec::new(),
        room_users: (0..8)
            .map(|i| RoomUserDelta {
                group: GroupId::parse("g").expect("id"),
                session: 1,
                user: uid(&format!("u{i}")),
                counts: c,
                at: 0,
            })
            .collect(),
    };
    let parts = split(b, 4);
    assert_eq!(parts.iter().map(rows).collect::<Vec<_>>(), [4, 4, 4, 1]);
    assert_eq!(parts.iter().map(|p| p.users.len()).sum::<usize>(), 5);
}
