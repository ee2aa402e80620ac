//! Audience figures that hold: guests from one client address are capped per room and count
//! once in popularity, and every member's online count converges to the room's.

use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use liveroom_client::{Client, Event};

use crate::harness::{sig, TestServer, APP};

/// A WebSocket opened from the loopback address `127.0.0.<last>` (the server sees it as the
/// client's address: a direct connection names no one else).
async fn client_from(s: &TestServer, last: u8) -> Client {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind(SocketAddr::new(
            IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)),
            0,
        ))
        .expect("bind a loopback source address");
    let stream = socket.connect(s.addr).await.expect("connect");
    let (ws, _) = tokio_tungstenite::client_async(s.ws_url(), stream)
        .await
        .expect("ws handshake");
    Client::from_stream(ws)
}

/// A guest from `127.0.0.<last>`; `Ok` when it joined `room`, else the error code.
async fn guest_joins(s: &TestServer, last: u8, room: &str) -> (Client, Result<Value, i32>) {
    let c = client_from(s, last).await;
    c.guest(APP).await.expect("guest");
    let joined = match c.join(room).await {
        Ok(r) => Ok(Value::Object(r.data)),
        Err(e) => Err(e.code().expect("a coded error")),
    };
    (c, joined)
}

async fn online(s: &TestServer, room: &str) -> usize {
    let v = s
        .ok(
            "group_open_http_svc/get_online_member_num",
            json!({"GroupId": room}),
        )
        .await;
    v["OnlineMemberNum"].as_u64().expect("count") as usize
}

/// `MemberNum` and `Popularity` of the room in the many-room state read.
async fn listing(s: &TestServer, room: &str) -> (u64, u64) {
    let v = s
        .ok(
            "liveroom_ext/get_live_states",
            json!({"GroupIdList": [room]}),
        )
        .await;
    let r = &v["Rooms"][0];
    (
        r["MemberNum"].as_u64().expect("MemberNum"),
        r["Popularity"].as_u64().expect("Popularity"),
    )
}

#[tokio::test]
async fn guests_from_one_address_are_capped_per_room_and_are_one_viewer_in_popularity() {
    let s = TestServer::spawn().await;
    s.create_room("crowd", None).await;
    s.create_room("elsewhere", None).await;
    s.settings(json!({"guests_per_ip_per_room": 3})).await;

    let mut kept = Vec::new();
    for _ in 0..3 {
        let (c, joined) = guest_joins(&s, 2, "crowd").await;
        joined.expect("within the cap");
        kept.push(c);
    }
    // The fourth guest from the same address is refused with 10014, and nothing changed.
    let (fourth, refused) = guest_joins(&s, 2, "crowd").await;
    assert_eq!(refused.err(), Some(10014));
    assert_eq!(online(&s, "crowd").await, 3);
    // Other addresses, and logged-in users from the same one, are not held back.
    let (other, joined) = guest_joins(&s, 3, "crowd").await;
    joined.expect("another address");
    let user = client_from(&s, 2).await;
    user.login(APP, "alice", &sig("alice"))
        .await
        .expect("login");
    user.join("crowd").await.expect("a user is not a guest");
    assert_eq!(online(&s, "crowd").await, 5, "3 + 1 guests and alice");

    // Online counts every guest connection; popularity counts alice and two addresses.
    assert_eq!(listing(&s, "crowd").await, (5, 3));
    let stats = s
        .ok("liveroom_ext/get_room_stats", json!({"GroupId": "crowd"}))
        .await;
    assert_eq!(stats["OnlineNum"], 5, "{stats}");
    assert_eq!(stats["Popularity"], 3, "{stats}");

    // A refused guest keeps the room it was in (one room per connection).
    fourth.join("elsewhere").await.expect("join elsewhere");
    assert_eq!(
        fourth.join("crowd").await.err().and_then(|e| e.code()),
        Some(10014)
    );
    assert_eq!(online(&s, "elsewhere").await, 1, "still there");

    // A seat freed by a guest leaving can be taken again.
    kept.pop()
        .expect("a guest")
        .quit("crowd")
        .await
        .expect("quit");
    fourth.join("crowd").await.expect("a free seat");
    assert_eq!(online(&s, "crowd").await, 5);

    // 0 lifts the cap.
    s.settings(json!({"guests_per_ip_per_room": 0})).await;
    let mut more = Vec::new();
    for _ in 0..3 {
        let (c, joined) = guest_joins(&s, 2, "crowd").await;
        joined.expect("no cap");
        more.push(c);
    }
    assert_eq!(listing(&s, "crowd").await, (8, 3));
    drop((other, user, more));
}

/// A member and the online count it last learned: from its join reply, join and quit tips,
/// and `online` pushes, in the order they arrived.
struct Viewer {
    client: Client,
    count: usize,
}

impl Viewer {
    fn learn(&mut self, event: &Event) {
        match event {
            Event::Online(o) => self.count = o.member_num,
            Event::Tip(t) => {
                if let Some(n) = t.msg_body[0]["MsgContent"]["MemberNum"].as_u64() {
                    self.count = n as usize;
                }
            }
            _ => {}
        }
    }

    /// Reads what arrives until this viewer's count is `expected`; false if it is not
    /// within `within`.
    async fn reaches(&mut self, expected: usize, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        while self.count != expected {
            match tokio::time::timeout_at(deadline, self.client.next_event()).await {
                Ok(Event::Closed) | Err(_) => return false,
                Ok(e) => self.learn(&e),
            }
        }
        true
    }

    /// Reads up to the message `marker`, learning from everything before it.
    async fn read_up_to(&mut self, marker: &str) {
        loop {
            let e = tokio::time::timeout(Duration::from_secs(10), self.client.next_event())
                .await
                .expect("the marker arrives");
            if let Event::Message(m) = &e {
                if liveroom_client::message_text(m) == Some(marker) {
                    return;
                }
            }
            assert!(!matches!(e, Event::Closed), "closed");
            self.learn(&e);
        }
    }
}

/// A connection from `127.0.0.<last>` logged in as the user `name`, or a guest.
async fn entered(s: &TestServer, last: u8, name: Option<&str>) -> Client {
    let client = client_from(s, last).await;
    match name {
        Some(n) => client.login(APP, n, &sig(n)).await.map(|_| ()),
        None => client.guest(APP).await.map(|_| ()),
    }
    .expect("enter");
    client
}

/// `client` joins `room`, knowing the count its reply carries.
async fn joins(client: Client, room: &str) -> Viewer {
    let reply = client.join(room).await.expect("join");
    let count = reply.data["MemberNum"].as_u64().expect("MemberNum") as usize;
    Viewer { client, count }
}

/// Waits until every viewer's count is the room's (each within a few push intervals),
/// then checks that nothing that arrived before a marker message took any back. Every
/// viewer is a distinct user or guest, so the room's count is how many there are.
async fn assert_converged(s: &TestServer, room: &str, viewers: &mut [Viewer], round: usize) {
    let expected = viewers.len();
    assert_eq!(online(s, room).await, expected, "round {round}");
    for (i, v) in viewers.iter_mut().enumerate() {
        assert!(
            v.reaches(expected, Duration::from_secs(4)).await,
            "round {round}: viewer {i} still holds {} online; the room has {expected}",
            v.count
        );
    }
    let marker = format!("settled {round}");
    s.ok(
        "group_open_http_svc/send_group_msg",
        json!({"GroupId": room, "Random": rand::random::<u32>(),
               "MsgBody": liveroom_client::text_body(&marker)}),
    )
    .await;
    for (i, v) in viewers.iter_mut().enumerate() {
        v.read_up_to(&marker).await;
        assert_eq!(v.count, expected, "round {round}: viewer {i} went back");
    }
}

#[tokio::test]
async fn every_members_online_count_converges_to_the_rooms_while_joins_and_leaves_race() {
    let s = TestServer::spawn().await;
    s.create_room("race", None).await;
    // Every change goes through the interval rule (a percentage this high never sends a
    // change at once), which must not skip a push while some member holds another count.
    s.settings(json!({"online_push_secs": 1, "online_push_percent": 100}))
        .await;
    // Users (whose joins and quits also tell everyone the count in tips) and guests.
    let mut first = Vec::new();
    for i in 0..4u8 {
        first.push(entered(&s, 2 + i, Some(&format!("fan{i}"))).await);
    }
    for i in 0..8u8 {
        first.push(entered(&s, 6 + i % 3, None).await);
    }
    let mut viewers =
        futures_util::future::join_all(first.into_iter().map(|c| joins(c, "race"))).await;
    assert_converged(&s, "race", &mut viewers, 0).await;

    for round in 1..=6usize {
        // As many join as leave, at the same moment: the count ends where it was pushed
        // last, while each newcomer was told the count of its own moment.
        let mut newcomers = Vec::new();
        for k in 0..4u8 {
            newcomers.push(entered(&s, 10 + k, None).await);
        }
        let leaving: Vec<Viewer> = (0..4)
            .map(|k| viewers.remove((round + 3 * k) % (viewers.len() - 1)))
            .collect();
        let arrivals = newcomers.into_iter().map(|c| joins(c, "race"));
        let departures = leaving.into_iter().map(|v| async move {
            v.client.quit("race").await.expect("quit");
        });
        let (arrived, ()) = tokio::join!(futures_util::future::join_all(arrivals), async {
            futures_util::future::join_all(departures).await;
        });
        viewers.extend(arrived);
        assert_converged(&s, "race", &mut viewers, round).await;
    }
}
