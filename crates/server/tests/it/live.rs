//! Live-room state: transitions, pushes that frequency control never holds back, the state
//! on join and in get_group_info, many rooms read at once without a login; room notices.

use serde_json::{json, Value};
use std::time::Duration;

use liveroom_client::{Client, Event, Priority};
use liveroom_core::protocol::Op;

use crate::harness::{TestServer, APP};

const WAIT: Duration = Duration::from_secs(3);

fn set_state(group: &str, state: &str, new_session: bool) -> Op {
    Op::SetLiveState {
        group_id: group.into(),
        state: state.into(),
        new_session,
    }
}

/// The next live-state change pushed to `c`.
async fn next_state(c: &mut Client) -> Value {
    loop {
        match c.next_event_within(WAIT).await.expect("a state push") {
            Event::Tip(t) => {
                let content = &t.msg_body[0]["MsgContent"];
                if let Some(change) = content["GroupInfoChange"]
                    .as_array()
                    .and_then(|a| a.iter().find(|c| c["Key"] == "LiveState"))
                {
                    return change["LiveState"].clone();
                }
            }
            _ => continue,
        }
    }
}

#[tokio::test]
async fn the_host_drives_the_live_state_and_everyone_sees_it() {
    let s = TestServer::spawn().await;
    s.import("host", "Host").await;
    s.create_room("show", Some("host")).await;
    // A room over its rate: the state push must still reach everyone.
    s.settings(json!({"room_msgs_per_sec": 1, "frequency_max_wait_ms": 0}))
        .await;
    let host = s.member("host", "show").await;
    let mut viewer = s.member("viewer", "show").await;
    let reply = viewer.join("show").await.expect("join again");
    assert_eq!(reply.data["LiveState"]["State"], "Upcoming");
    assert_eq!(reply.data["Role"], "Member");
    let own = host.join("show").await.expect("host joins again");
    assert_eq!(
        own.data["Role"], "Owner",
        "the join says who may run the room"
    );
    for i in 0..5 {
        let _ = host
            .send_text("show", &format!("flood {i}"), Priority::Low)
            .await;
    }

    let r = host
        .request(set_state("show", "Live", false))
        .await
        .expect("live");
    assert_eq!(r.data["LiveState"]["State"], "Live");
    assert_eq!(r.data["LiveState"]["Session"], 1);
    let pushed = next_state(&mut viewer).await;
    assert_eq!(pushed["State"], "Live");
    assert!(pushed["Since"].as_i64().expect("since") > 1_600_000_000);

    // Members may not; illegal moves are refused with the reason.
    let e = viewer
        .request(set_state("show", "Ended", false))
        .await
        .expect_err("member");
    assert_eq!(e.code(), Some(10007));
    host.request(set_state("show", "Paused", false))
        .await
        .expect("pause");
    assert_eq!(next_state(&mut viewer).await["State"], "Paused");
    let e = host
        .request(set_state("show", "Replay", false))
        .await
        .expect_err("Paused -> Replay");
    assert_eq!(e.code(), Some(10004));
    assert!(e.to_string().contains("Paused"), "{e}");
    host.request(set_state("show", "Ended", false))
        .await
        .expect("end");
    assert_eq!(next_state(&mut viewer).await["State"], "Ended");
    let e = host
        .request(set_state("show", "Live", false))
        .await
        .expect_err("Ended -> Live without a new session");
    assert_eq!(e.code(), Some(10004));
    assert!(e.to_string().contains("NewSession"), "{e}");
    let r = host
        .request(set_state("show", "Live", true))
        .await
        .expect("a new session");
    assert_eq!(r.data["LiveState"]["Session"], 2);
    assert_eq!(next_state(&mut viewer).await["Session"], 2);

    // The profile keeps it; a newcomer gets it with its join reply.
    let info = s
        .ok(
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": ["show"]}),
        )
        .await;
    let field = info["GroupInfo"][0]["AppDefinedData"]
        .as_array()
        .expect("custom")
        .iter()
        .find(|kv| kv["Key"] == "LiveState")
        .cloned()
        .expect("LiveState field");
    let stored: Value = serde_json::from_str(field["Value"].as_str().expect("str")).expect("json");
    assert_eq!(stored["State"], "Live");
    assert_eq!(stored["Session"], 2);
    let late = s.user("late").await;
    let reply = late.join("show").await.expect("join");
    assert_eq!(reply.data["LiveState"]["State"], "Live");
    assert_eq!(reply.data["LiveState"]["Session"], 2);

    // The backend drives it too; the reserved field cannot be written as a custom field.
    let r = s
        .ok(
            "liveroom_ext/set_live_state",
            json!({"GroupId": "show", "State": "Ended"}),
        )
        .await;
    assert_eq!(r["LiveState"]["State"], "Ended");
    let bad = s
        .rest(
            "group_open_http_svc/modify_group_base_info",
            json!({"GroupId": "show", "AppDefinedData": [{"Key": "LiveState", "Value": "{}"}]}),
        )
        .await;
    assert_eq!(bad["ErrorCode"], 10004);
    let bad = s
        .rest(
            "liveroom_ext/set_live_state",
            json!({"GroupId": "show", "State": "Streaming"}),
        )
        .await;
    assert_eq!(bad["ErrorCode"], 10004);
}

#[tokio::test]
async fn listing_pages_read_many_rooms_without_a_login() {
    let s = TestServer::spawn().await;
    s.create_room("a", None).await;
    s.create_room("b", None).await;
    s.ok(
        "group_open_http_svc/create_group",
        json!({"Type": "AVChatRoom", "GroupId": "vip", "Name": "vip", "ApplyJoinOption": "NeedPermission"}),
    )
    .await;
    s.ok(
        "liveroom_ext/set_live_state",
        json!({"GroupId": "a", "State": "Live"}),
    )
    .await;
    let _v1 = s.member("v1", "a").await;
    let _v2 = s.member("v2", "a").await;

    let url = format!(
        "http://{}/v1/live/states?sdkappid={APP}&GroupId=a&GroupId=b&GroupId=vip&GroupId=nope",
        s.addr
    );
    let resp = reqwest::get(&url).await.expect("get");
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("public, max-age=1")
    );
    let v: Value = resp.json().await.expect("json");
    assert_eq!(v["ErrorCode"], 0, "{v}");
    let rooms = v["Rooms"].as_array().expect("rooms");
    assert_eq!(rooms[0]["GroupId"], "a");
    assert_eq!(rooms[0]["LiveState"]["State"], "Live");
    assert_eq!(rooms[0]["MemberNum"], 2);
    assert_eq!(rooms[0]["Name"], "room a");
    assert_eq!(rooms[1]["LiveState"]["State"], "Upcoming");
    assert_eq!(
        rooms[2]["ErrorCode"], 10010,
        "not public, told as not found: {v}"
    );
    assert!(rooms[2].get("LiveState").is_none());
    assert_eq!(rooms[3]["ErrorCode"], 10010);

    // The admin read shows every room.
    let all = s
        .ok(
            "liveroom_ext/get_live_states",
            json!({"GroupIdList": ["vip"]}),
        )
        .await;
    assert_eq!(all["Rooms"][0]["ErrorCode"], 0);

    for bad in [
        format!("http://{}/v1/live/states?GroupId=a", s.addr),
        format!("http://{}/v1/live/states?sdkappid={APP}", s.addr),
        format!("http://{}/v1/live/states?sdkappid=1&GroupId=a", s.addr),
    ] {
        let v: Value = reqwest::get(&bad)
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_ne!(v["ErrorCode"], 0, "{bad}: {v}");
    }
}

#[tokio::test]
async fn json_notices_reach_members_intact() {
    let s = TestServer::spawn().await;
    s.create_room("n", None).await;
    let mut viewer = s.member("viewer", "n").await;
    let notice = r#"{"text":"Sale at 8 pm 🎉","image":"https://img.example/sale.png"}"#;
    s.ok(
        "group_open_http_svc/modify_group_base_info",
        json!({"GroupId": "n", "Notification": notice}),
    )
    .await;
    let tip = loop {
        match viewer.next_event_within(WAIT).await.expect("tip") {
            Event::Tip(t) if t.msg_body[0]["MsgContent"]["OpType"] == 7 => {
                break t.msg_body[0]["MsgContent"].clone()
            }
            _ => continue,
        }
    };
    assert_eq!(tip["OpType"], 7);
    assert_eq!(tip["GroupInfoChange"][0]["Field"], "Notification");
    assert_eq!(tip["GroupInfoChange"][0]["Value"], notice);
    let info = s
        .ok(
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": ["n"]}),
        )
        .await;
    assert_eq!(info["GroupInfo"][0]["Notification"], notice);
}

/// The next pinned-item change pushed to `c` (`null` when taken down).
async fn next_item(c: &mut Client) -> (Value, Value) {
    loop {
        match c.next_event_within(WAIT).await.expect("an item push") {
            Event::Tip(t) => {
                let content = &t.msg_body[0]["MsgContent"];
                if let Some(change) = content["GroupInfoChange"]
                    .as_array()
                    .and_then(|a| a.iter().find(|c| c["Key"] == "PinnedItem"))
                {
                    return (
                        change["PinnedItem"].clone(),
                        content["Operator_Account"].clone(),
                    );
                }
            }
            _ => continue,
        }
    }
}

#[tokio::test]
async fn pinned_items_reach_viewers_and_late_joiners_and_are_kept_per_session() {
    let s = TestServer::spawn().await;
    s.import("host", "Host").await;
    s.import("assistant", "Shop assistant").await;
    s.create_room("shop", Some("host")).await;
    let host = s.member("host", "shop").await;
    let mut viewer = s.member("viewer", "shop").await;
    let mug = json!({"ItemId": "sku-1", "Title": "Mug", "Price": 9.5,
                     "ImageUrl": "https://img.example/mug.png", "Link": "https://shop.example/1"});
    host.request(Op::PinItem {
        group_id: "shop".into(),
        item: mug.clone(),
    })
    .await
    .expect("pin");
    let (item, by) = next_item(&mut viewer).await;
    assert_eq!(item, mug);
    assert_eq!(by, "host");

    let late = s.user("late").await;
    let reply = late.join("shop").await.expect("join");
    assert_eq!(
        reply.data["PinnedItem"], mug,
        "late joiners get the current item"
    );

    // An assistant pins through the backend; members and bad items are refused.
    let lamp = json!({"ItemId": "sku-2", "Title": "Lamp", "Price": "19.90 EUR"});
    s.ok(
        "liveroom_ext/pin_item",
        json!({"GroupId": "shop", "Item": lamp, "From_Account": "assistant"}),
    )
    .await;
    let (item, by) = next_item(&mut viewer).await;
    assert_eq!((item, by), (lamp.clone(), json!("assistant")));
    let e = viewer
        .request(Op::PinItem {
            group_id: "shop".into(),
            item: mug.clone(),
        })
        .await
        .expect_err("members do not pin");
    assert_eq!(e.code(), Some(10007));
    let bad = s
        .rest(
            "liveroom_ext/pin_item",
            json!({"GroupId": "shop", "Item": {"Title": "no id"}}),
        )
        .await;
    assert_eq!(bad["ErrorCode"], 10004);

    let info = s
        .ok(
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": ["shop"]}),
        )
        .await;
    assert!(info["GroupInfo"][0]["AppDefinedData"]
        .as_array()
        .expect("custom")
        .iter()
        .any(|kv| kv["Key"] == "PinnedItem"));

    // A new session starts a new item history; the old one stays readable.
    for (state, new) in [("Live", false), ("Ended", false), ("Live", true)] {
        host.request(set_state("shop", state, new))
            .await
            .expect(state);
    }
    let cup = json!({"ItemId": "sku-3", "Title": "Cup"});
    host.request(Op::PinItem {
        group_id: "shop".into(),
        item: cup.clone(),
    })
    .await
    .expect("pin");
    let now = s
        .ok("liveroom_ext/get_pinned_items", json!({"GroupId": "shop"}))
        .await;
    assert_eq!(now["Session"], 2);
    assert_eq!(now["Items"][0]["Item"], cup);
    assert_eq!(now["Items"].as_array().map(Vec::len), Some(1));
    let first = s
        .ok(
            "liveroom_ext/get_pinned_items",
            json!({"GroupId": "shop", "Session": 1}),
        )
        .await;
    let ids: Vec<&str> = first["Items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["Item"]["ItemId"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["sku-1", "sku-2"]);
    assert_eq!(first["Items"][1]["Operator_Account"], "assistant");

    host.request(Op::UnpinItem {
        group_id: "shop".into(),
    })
    .await
    .expect("unpin");
    loop {
        let (item, _) = next_item(&mut viewer).await;
        if item.is_null() {
            break;
        }
    }
    let again = s.user("again").await;
    let reply = again.join("shop").await.expect("join");
    assert!(reply.data["PinnedItem"].is_null());
}

fn online_counts(events: &[Event]) -> Vec<usize> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Online(o) => Some(o.member_num),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn online_counts_are_pushed_on_change_not_on_a_timer() {
    let s = TestServer::spawn().await;
    s.create_room("oc", None).await;
    s.settings(json!({"online_push_percent": 5, "online_push_secs": 1}))
        .await;
    let mut watcher = s.member("watcher", "oc").await;
    let first = watcher.drain_for(Duration::from_millis(300)).await;
    assert_eq!(
        online_counts(&first),
        [1],
        "the first member is counted at once"
    );

    // A crowd arrives: a few pushes, the last with the full count — not one per joiner.
    let mut crowd = Vec::new();
    for i in 0..19 {
        crowd.push(s.member(&format!("m{i}"), "oc").await);
    }
    let events = watcher.drain_for(Duration::from_millis(2500)).await;
    let counts = online_counts(&events);
    assert_eq!(counts.last(), Some(&20), "{counts:?}");
    assert!(
        counts.len() <= 5,
        "pushed {} times for 19 joins: {counts:?}",
        counts.len()
    );

    // One leaves: 5% of 20 is not more than 5%, so it waits for the interval.
    drop(crowd.pop());
    let events = watcher.drain_for(Duration::from_millis(2500)).await;
    assert_eq!(online_counts(&events), [19]);

    // Nothing changes, nothing is sent.
    let quiet = watcher.drain_for(Duration::from_millis(2000)).await;
    assert!(online_counts(&quiet).is_empty(), "{quiet:?}");

    // Off when the interval is 0.
    s.settings(json!({"online_push_secs": 0})).await;
    drop(crowd.pop());
    let off = watcher.drain_for(Duration::from_millis(1500)).await;
    assert!(online_counts(&off).is_empty());
}

fn like(group: &str, count: u32) -> Op {
    Op::Like {
        group_id: group.into(),
        count,
    }
}

fn like_totals(events: &[Event]) -> Vec<u64> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Likes(l) => Some(l.total),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn likes_are_capped_per_user_aggregated_and_kept() {
    let s = TestServer::spawn().await;
    s.create_room("lk", None).await;
    s.settings(json!({"like_push_secs": 1, "likes_per_sec": 1}))
        .await;
    let mut watcher = s.member("watcher", "lk").await;
    let fan = s.member("fan", "lk").await;
    let fan_phone = s.member("fan", "lk").await;
    let guest = s.client().await;
    guest.guest(APP).await.expect("guest");
    let joined = guest.join("lk").await.expect("join");
    assert_eq!(joined.data["Role"], "Guest");

    // A burst of twice the rate is taken, then about one a second; the user's two
    // connections share one budget.
    let mut added = 0;
    for c in [&fan, &fan_phone, &fan] {
        let r = c.request(like("lk", 50)).await.expect("like");
        added += r.data["Added"].as_u64().expect("Added");
    }
    assert!((2..=4).contains(&added), "150 asked, {added} added");
    let r = guest.request(like("lk", 2)).await.expect("guests like too");
    assert_eq!(r.data["Added"], 2);
    let total = added + 2;

    let events = watcher.drain_for(Duration::from_millis(3500)).await;
    let pushed = like_totals(&events);
    assert_eq!(pushed.last(), Some(&total), "{pushed:?}");
    assert!(pushed.len() <= 3, "aggregated: {pushed:?}");
    let quiet = watcher.drain_for(Duration::from_millis(1500)).await;
    assert!(like_totals(&quiet).is_empty(), "nothing new, nothing sent");

    let info = s
        .ok(
            "group_open_http_svc/get_group_info",
            json!({"GroupIdList": ["lk"]}),
        )
        .await;
    let likes = info["GroupInfo"][0]["AppDefinedData"]
        .as_array()
        .expect("custom")
        .iter()
        .find(|kv| kv["Key"] == "Likes")
        .map(|kv| kv["Value"].clone());
    assert_eq!(likes, Some(json!(total.to_string())));
    let metrics = s.metrics().await;
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("liveroom_likes_capped_total")),
        "{metrics}"
    );

    let outsider = s.user("outsider").await;
    let e = outsider
        .request(like("lk", 1))
        .await
        .expect_err("not in the room");
    assert_eq!(e.code(), Some(10007));
    let e = fan.request(like("lk", 0)).await.expect_err("zero");
    assert_eq!(e.code(), Some(10004));
    let e = fan.request(like("lk", 101)).await.expect_err("too many");
    assert_eq!(e.code(), Some(10004));
}

fn gift(from: &str, id: &str) -> Value {
    json!({"GroupId": "gf", "From_Account": from, "GiftId": id, "GiftName": "Rose", "GiftType": 0, "Value": 10})
}

/// The gift messages `c` receives within `dur`, as their `Data`.
async fn gift_messages(c: &mut Client, dur: Duration) -> Vec<Value> {
    let mut out = Vec::new();
    for e in c.drain_for(dur).await {
        if let Event::Message(m) = e {
            let data = m.msg_body[0]["MsgContent"]["Data"].as_str().unwrap_or("");
            if let Ok(v) = serde_json::from_str::<Value>(data) {
                if v["type"] == "gift" {
                    assert_eq!(m.priority, "High");
                    out.push(v);
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn rapid_gifts_become_a_few_combo_messages_and_the_sender_sees_each_at_once() {
    let s = TestServer::spawn().await;
    s.import("fan", "Fan").await;
    s.create_room("gf", None).await;
    // A wide window, so a slow machine does not split the combo.
    s.settings(json!({"gift_combo_ms": 3000})).await;
    let mut viewer = s.member("viewer", "gf").await;
    let mut fan = s.member("fan", "gf").await;
    let mut combo_id = String::new();
    for i in 1..=99u64 {
        let r = s.ok("liveroom_ext/send_gift", gift("fan", "rose")).await;
        assert_eq!(r["ComboCount"], i);
        if i == 1 {
            combo_id = r["ComboId"].as_str().expect("id").to_string();
        }
        assert_eq!(r["ComboId"], combo_id.as_str(), "one combo");
    }
    let msgs = gift_messages(&mut viewer, Duration::from_millis(4500)).await;
    let counts: Vec<u64> = msgs
        .iter()
        .map(|m| m["Count"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(counts.iter().sum::<u64>(), 99, "{counts:?}");
    assert!(
        msgs.len() <= 6,
        "99 clicks became {} messages: {counts:?}",
        msgs.len()
    );
    assert_eq!(
        msgs.last().map(|m| m["ComboCount"].clone()),
        Some(json!(99))
    );
    assert!(msgs.iter().all(|m| m["ComboId"] == combo_id.as_str()));
    assert_eq!(msgs[0]["From_Account"], "fan");
    assert_eq!(msgs[0]["GiftName"], "Rose");

    // The sender's own connection saw every gift as it happened.
    let echoes: Vec<Event> = fan.drain_for(Duration::from_millis(300)).await;
    let own = echoes
        .iter()
        .filter(|e| matches!(e, Event::Gift(g) if g.combo_id == combo_id))
        .count();
    assert_eq!(own, 99);

    // Another kind is another combo; after a pause a new combo starts.
    let rocket = json!({"GroupId": "gf", "From_Account": "fan", "GiftId": "rocket", "GiftType": 2});
    let bad = s.rest("liveroom_ext/send_gift", rocket.clone()).await;
    assert_eq!(
        bad["ErrorCode"], 10004,
        "a banner with effect needs its EffectUrl"
    );
    let mut rocket = rocket;
    rocket["EffectUrl"] = json!("https://fx.example/rocket.mp4");
    rocket["Count"] = json!(3);
    let r = s.ok("liveroom_ext/send_gift", rocket).await;
    assert_ne!(r["ComboId"], combo_id.as_str());
    let msgs = gift_messages(&mut viewer, Duration::from_millis(4000)).await;
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0]["Count"], 3);
    assert_eq!(msgs[0]["EffectUrl"], "https://fx.example/rocket.mp4");
    let again = s.ok("liveroom_ext/send_gift", gift("fan", "rose")).await;
    assert_eq!(again["ComboCount"], 1, "the pause ended the combo");
    assert_ne!(again["ComboId"], combo_id.as_str());

    let ghost = s
        .rest("liveroom_ext/send_gift", gift("nobody", "rose"))
        .await;
    assert_eq!(ghost["ErrorCode"], 70107);

    // A client cannot imitate a gift message; other custom data passes.
    let fake = json!([{"MsgType": "TIMCustomElem", "MsgContent": {
        "Data": "{\"type\":\"gift\",\"GiftId\":\"rocket\",\"Count\":99}"}}]);
    let e = fan
        .send("gf", fake, Priority::High, None, None)
        .await
        .expect_err("a client's fake gift");
    assert_eq!(e.code(), Some(10007));
    let fine = json!([{"MsgType": "TIMCustomElem", "MsgContent": {
        "Data": "{\"type\":\"danmaku\",\"text\":\"what a gift\"}"}}]);
    fan.send("gf", fine, Priority::Normal, None, None)
        .await
        .expect("other custom data");
}

#[tokio::test]
async fn a_lucky_draw_on_comments_picks_auditable_winners() {
    let s = TestServer::spawn().await;
    s.import("host", "Host").await;
    s.create_room("ld", Some("host")).await;
    let host = s.member("host", "ld").await;
    let mut watcher = s.member("watcher", "ld").await;
    let mut players = Vec::new();
    for who in ["alice", "bob", "carol", "dave"] {
        players.push(s.member(who, "ld").await);
    }
    let start = Op::StartDraw(liveroom_core::protocol::DrawRequest {
        group_id: "ld".into(),
        keyword: "666".into(),
        duration: 4,
        winners: 2,
    });
    let e = watcher
        .request(start.clone())
        .await
        .expect_err("members cannot");
    assert_eq!(e.code(), Some(10007));
    let r = host.request(start.clone()).await.expect("start");
    assert!(r.data["DrawId"].as_str().is_some());
    let e = host.request(start).await.expect_err("one at a time");
    assert_eq!(e.code(), Some(10004));

    for (i, text) in [
        (0, "666!"),
        (1, "so 666"),
        (1, "666 again"),
        (2, "hi"),
        (3, "x666x"),
    ] {
        players[i]
            .send_text("ld", text, Priority::Normal)
            .await
            .expect("send");
    }
    let ended = loop {
        match watcher
            .next_event_within(Duration::from_secs(5))
            .await
            .expect("draw ends")
        {
            Event::System(n) if n.msg_body[0]["MsgContent"]["Event"] == "DrawEnded" => {
                break n.msg_body[0]["MsgContent"]["Draw"].clone();
            }
            _ => continue,
        }
    };
    assert_eq!(
        ended["Entrants"], 3,
        "each user once, only with the keyword: {ended}"
    );
    let winners: Vec<String> = ended["Winners"]
        .as_array()
        .expect("winners")
        .iter()
        .map(|w| w.as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(winners.len(), 2);
    assert!(winners
        .iter()
        .all(|w| ["alice", "bob", "dave"].contains(&w.as_str())));
    assert_ne!(winners[0], winners[1]);

    // Stored and reproducible from the entrants and the seed.
    let stored = s
        .ok("liveroom_ext/get_draw", json!({"GroupId": "ld"}))
        .await;
    assert_eq!(stored["Draw"], ended);
    // A decimal string: JavaScript numbers cannot hold every 64-bit seed.
    let seed: u64 = ended["Seed"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("seed");
    let entrants = ["alice", "bob", "dave"].map(String::from).to_vec();
    assert_eq!(liveroom_engine::pick_winners(&entrants, 2, seed), winners);
    assert_eq!(
        ended["EntrantsHash"],
        liveroom_engine::entrants_hash(&entrants)
    );
}

#[tokio::test]
async fn a_broadcast_reaches_hundreds_of_rooms_within_a_second_while_one_is_flooded() {
    const ROOMS: usize = 300;
    let s = TestServer::spawn().await;
    let mut viewers = Vec::with_capacity(ROOMS);
    for i in 0..ROOMS {
        let room = format!("bc{i}");
        s.create_room(&room, None).await;
        let c = s.client().await;
        c.guest(APP).await.expect("guest");
        c.join(&room).await.expect("join");
        viewers.push(c);
    }
    // One room is busy far over its rate while the broadcast goes out.
    let flooder = s.member("flooder", "bc0").await;
    for i in 0..200 {
        flooder
            .request_nowait(Op::Send {
                group_id: "bc0".into(),
                msg_body: liveroom_client::text_body(&format!("flood {i}")),
                priority: Some("Low".into()),
                cloud_custom_data: None,
                random: None,
                online_only: false,
                no_unread: false,
                no_last_msg: false,
                need_read_receipt: false,
                at_info: None,
                topic_id: None,
                extensible: false,
            })
            .expect("queued");
    }
    let t0 = std::time::Instant::now();
    s.ok(
        "group_open_http_svc/send_broadcast_msg",
        json!({"MsgBody": liveroom_client::text_body("to every room")}),
    )
    .await;
    let mut waits = Vec::with_capacity(ROOMS);
    for mut c in viewers {
        waits.push(tokio::spawn(async move {
            loop {
                let m = c.next_message_within(Duration::from_secs(5)).await?;
                if liveroom_client::message_text(&m) == Some("to every room") {
                    return Some(t0.elapsed());
                }
            }
        }));
    }
    let mut slowest = Duration::ZERO;
    for w in waits {
        let took = w
            .await
            .expect("task")
            .expect("every room gets the broadcast");
        slowest = slowest.max(took);
    }
    assert!(
        slowest < Duration::from_secs(1),
        "the last of {ROOMS} rooms got it after {slowest:?}"
    );
}
