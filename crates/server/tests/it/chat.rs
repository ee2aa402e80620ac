//! One-to-one chat over real sockets: delivery to every device, offline catch-up by
//! number, conversations and exact unread counts, read reports, recall and edit, the REST
//! commands of `openim` and `recentcontact`, their webhooks and their coded refusals.

use serde_json::{json, Value};
use std::time::Duration;

use liveroom_client::{Client, Event};
use liveroom_core::callback::{
    C2C_AFTER_MSG_REPORT, C2C_AFTER_MSG_WITHDRAW, C2C_AFTER_SEND_MSG, C2C_BEFORE_SEND_MSG,
};
use liveroom_core::protocol::chat::C2cMessage;
use liveroom_core::protocol::Op;

use crate::harness::TestServer;
use crate::receiver::{code, Receiver};

const WAIT: Duration = Duration::from_secs(5);

fn text_of(m: &C2cMessage) -> &str {
    m.msg_body[0]["MsgContent"]["Text"].as_str().unwrap_or("")
}

/// The next one-to-one message a client gets (other pushes skipped).
async fn next_c2c(c: &mut Client) -> C2cMessage {
    loop {
        if let Event::C2c(m) = c.next_event_within(WAIT).await.expect("a c2c push") {
            return m;
        }
    }
}

async fn send(c: &Client, to: &str, text: &str) -> Value {
    Value::Object(c.send_c2c_text(to, text).await.expect("send").data)
}

fn seqs(page: &Value) -> Vec<u64> {
    page["Messages"]
        .as_array()
        .expect("Messages")
        .iter()
        .map(|m| m["Seq"].as_u64().expect("Seq"))
        .collect()
}

#[tokio::test]
async fn messages_reach_every_device_and_a_returning_device_gets_exactly_the_gap() {
    let s = TestServer::spawn().await;
    s.import("ann", "Ann").await;
    s.import("bob", "Bob").await;
    s.import("cat", "Cat").await;
    let mut ann_phone = s.user("ann").await;
    let mut ann_laptop = s.user("ann").await;
    let mut bob = s.user("bob").await;

    let first = send(&ann_phone, "bob", "hi bob").await;
    assert_eq!(first["Seq"], 1);
    let key = first["MsgKey"].as_str().expect("MsgKey").to_string();
    let got = next_c2c(&mut bob).await;
    assert_eq!(
        (got.from.as_str(), got.seq, text_of(&got)),
        ("ann", 1, "hi bob")
    );
    assert_eq!(
        (got.msg_key.as_str(), got.nick.as_str()),
        (key.as_str(), "Ann")
    );
    assert_eq!(got.unread, Some(1));
    // The sender's other device gets it too, without a count of its own.
    let synced = next_c2c(&mut ann_laptop).await;
    assert_eq!((synced.seq, synced.unread), (1, None));

    // Bob goes away; three messages wait for him, in order.
    let bob_last = got.seq;
    drop(bob);
    for t in ["one", "two", "three"] {
        send(&ann_phone, "bob", t).await;
    }
    send(&ann_laptop, "cat", "elsewhere").await.get("Seq");
    let bob = s.user("bob").await;
    let list = Value::Object(bob.conversations(100).await.expect("list").data);
    assert_eq!(list["TotalUnread"], 4);
    let conv = &list["Conversations"][0];
    assert_eq!(
        (conv["Peer_Account"].as_str(), conv["LastSeq"].as_u64()),
        (Some("ann"), Some(4))
    );
    assert_eq!(
        conv["LastMessage"]["MsgBody"][0]["MsgContent"]["Text"],
        "three"
    );
    let gap = Value::Object(
        bob.c2c_messages("ann", Some(bob_last), 2)
            .await
            .expect("page")
            .data,
    );
    assert_eq!(seqs(&gap), vec![2, 3]);
    assert_eq!(gap["Complete"], false);
    let rest = Value::Object(
        bob.c2c_messages("ann", Some(3), 20)
            .await
            .expect("page")
            .data,
    );
    assert_eq!(seqs(&rest), vec![4]);
    assert_eq!(rest["Complete"], true);

    // Reading clears the count on every device of the reader and tells the sender.
    let mut bob2 = s.user("bob").await;
    let read = Value::Object(bob.read_c2c("ann", None).await.expect("read").data);
    assert_eq!(
        (read["Seq"].as_u64(), read["Unread"].as_u64()),
        (Some(4), Some(0))
    );
    let mine = loop {
        if let Event::C2cRead(r) = bob2.next_event_within(WAIT).await.expect("read push") {
            break r;
        }
    };
    assert_eq!(
        (mine.reader.as_str(), mine.seq, mine.unread),
        ("bob", 4, Some(0))
    );
    let theirs = loop {
        if let Event::C2cRead(r) = ann_phone.next_event_within(WAIT).await.expect("receipt") {
            break r;
        }
    };
    assert_eq!(
        (theirs.reader.as_str(), theirs.peer.as_str(), theirs.seq),
        ("bob", "ann", 4)
    );
    let unread = s
        .ok(
            "openim/get_c2c_unread_msg_num",
            json!({"To_Account": "bob", "Peer_Account": ["ann"]}),
        )
        .await;
    assert_eq!(unread["AllC2CUnreadMsgNum"], 0);
    s.shutdown().await;
}

#[tokio::test]
async fn rest_sends_import_history_recall_and_edit() {
    let s = TestServer::spawn().await;
    let r = Receiver::start().await;
    for u in ["ann", "bob"] {
        s.import(u, u).await;
    }
    s.ok(
        "liveroom_ext/set_webhook",
        json!({"Webhook": {"url": r.url(), "commands": [
            C2C_AFTER_SEND_MSG, C2C_AFTER_MSG_WITHDRAW, C2C_AFTER_MSG_REPORT
        ]}}),
    )
    .await;
    let mut bob = s.user("bob").await;
    let sent = s
        .ok(
            "openim/sendmsg",
            json!({"From_Account": "ann", "To_Account": "bob", "MsgRandom": 77, "MsgSeq": 5,
                   "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "from rest"}}],
                   "CloudCustomData": "cd", "OfflinePushInfo": {"Desc": "new message"},
                   "SyncOtherMachine": 1, "SomethingNew": true}),
        )
        .await;
    let key = sent["MsgKey"].as_str().expect("MsgKey").to_string();
    assert!(sent["MsgTime"].as_i64().expect("MsgTime") > 0);
    let got = next_c2c(&mut bob).await;
    assert_eq!(
        (got.msg_seq, got.msg_random, got.cloud_custom_data.as_str()),
        (5, 77, "cd")
    );
    // A repeat within 120 s is answered as the first, not sent again.
    let again = s
        .ok(
            "openim/sendmsg",
            json!({"From_Account": "ann", "To_Account": "bob", "MsgRandom": 77, "MsgSeq": 5,
                   "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "from rest"}}],
                   "CloudCustomData": "cd"}),
        )
        .await;
    assert_eq!(again["MsgKey"], key.as_str());
    let after = r.wait_for(C2C_AFTER_SEND_MSG, |h| !h.is_empty()).await;
    let body = &after[0].body;
    assert_eq!(
        (body["From_Account"].as_str(), body["To_Account"].as_str()),
        (Some("ann"), Some("bob"))
    );
    assert_eq!(
        (body["MsgKey"].as_str(), body["UnreadMsgNum"].as_u64()),
        (Some(key.as_str()), Some(1))
    );
    assert_eq!(body["OfflinePushInfo"]["Desc"], "new message");

    // An older message imported as history: no unread, found in the roaming history.
    s.ok(
        "openim/importmsg",
        json!({"SyncFromOldSystem": 2, "From_Account": "bob", "To_Account": "ann",
               "MsgSeq": 1, "MsgRandom": 2, "MsgTimeStamp": 1_600_000_000,
               "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "old"}}]}),
    )
    .await;
    let roam = s
        .ok(
            "openim/admin_getroammsg",
            json!({"Operator_Account": "ann", "Peer_Account": "bob", "MaxCnt": 1,
                   "MinTime": 0, "MaxTime": 4_000_000_000_i64}),
        )
        .await;
    assert_eq!(
        (roam["Complete"].as_u64(), roam["MsgCnt"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(
        roam["MsgList"][0]["MsgBody"][0]["MsgContent"]["Text"],
        "from rest"
    );
    let older = s
        .ok(
            "openim/admin_getroammsg",
            json!({"Operator_Account": "ann", "Peer_Account": "bob", "MaxCnt": 10,
                   "MinTime": 0, "MaxTime": 4_000_000_000_i64, "LastMsgKey": roam["LastMsgKey"]}),
        )
        .await;
    assert_eq!(older["Complete"], 1);
    assert_eq!(
        older["MsgList"][0]["MsgBody"][0]["MsgContent"]["Text"],
        "old"
    );

    // Edit, then recall: both sides are told; the history keeps the placeholder.
    s.ok(
        "openim/modify_c2c_msg",
        json!({"From_Account": "ann", "To_Account": "bob", "MsgKey": key,
               "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "edited"}}]}),
    )
    .await;
    let edited = loop {
        if let Event::C2cModified(m) = bob.next_event_within(WAIT).await.expect("edit push") {
            break m;
        }
    };
    assert_eq!((text_of(&edited), edited.edited), ("edited", true));
    s.ok(
        "openim/admin_msgwithdraw",
        json!({"From_Account": "ann", "To_Account": "bob", "MsgKey": key}),
    )
    .await;
    let recalled = loop {
        if let Event::C2cRecalled(m) = bob.next_event_within(WAIT).await.expect("recall push") {
            break m;
        }
    };
    assert_eq!(
        (recalled.msg_key.as_str(), recalled.unread),
        (key.as_str(), Some(0))
    );
    let roam = s
        .ok(
            "openim/admin_getroammsg",
            json!({"Operator_Account": "bob", "Peer_Account": "ann", "MaxCnt": 10,
                   "MinTime": 0, "MaxTime": 4_000_000_000_i64}),
        )
        .await;
    assert_eq!(roam["MsgList"][0]["MsgFlagBits"], 8);
    let withdrawn = r.wait_for(C2C_AFTER_MSG_WITHDRAW, |h| !h.is_empty()).await;
    assert_eq!(withdrawn[0].body["MsgKey"], key.as_str());
    let bad = s
        .rest(
            "openim/admin_msgwithdraw",
            json!({"From_Account": "ann", "To_Account": "bob", "MsgKey": "9_9_9"}),
        )
        .await;
    assert_eq!(bad["ErrorCode"], 90054);

    // Conversations over REST, and a read report's callback.
    let list = s
        .ok(
            "recentcontact/get_list",
            json!({"From_Account": "bob", "StartIndex": 0}),
        )
        .await;
    assert_eq!(list["SessionItem"][0]["To_Account"], "ann");
    assert_eq!(list["CompleteFlag"], 1);
    s.shutdown().await;
}

#[tokio::test]
async fn bad_sends_get_the_reference_codes_and_change_nothing() {
    let s = TestServer::spawn().await;
    let r = Receiver::start().await;
    for u in ["ann", "bob"] {
        s.import(u, u).await;
    }
    let text = json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x"}}]);
    for (body, expected) in [
        (
            json!({"To_Account": 5, "MsgRandom": 1, "MsgBody": text}),
            90003,
        ),
        (
            json!({"To_Account": "bob", "MsgRandom": "1", "MsgBody": text}),
            90005,
        ),
        (
            json!({"To_Account": "bob", "MsgRandom": 1, "MsgBody": {}}),
            90007,
        ),
        (
            json!({"To_Account": "bob", "MsgRandom": 1, "MsgBody": [{"MsgType": "TIMNoSuchElem"}]}),
            90010,
        ),
        (
            json!({"To_Account": "nobody", "MsgRandom": 1, "MsgBody": text}),
            90012,
        ),
        (
            json!({"From_Account": "ghost", "To_Account": "bob", "MsgRandom": 1, "MsgBody": text}),
            90008,
        ),
        (
            json!({"To_Account": "bob", "MsgRandom": 1, "MsgBody": text, "SyncOtherMachine": "1"}),
            90031,
        ),
        (
            json!({"To_Account": "bob", "MsgRandom": 1, "MsgBody": text, "MsgLifeTime": "x"}),
            90044,
        ),
        (
            json!({"To_Account": "bob", "MsgRandom": 1, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "y".repeat(13_000)}}]}),
            93000,
        ),
    ] {
        let answer = s.rest("openim/sendmsg", body.clone()).await;
        assert_eq!(answer["ErrorCode"], expected, "{body}: {answer}");
    }
    let malformed = s.rest_text("openim/sendmsg", "{not json").await;
    assert_eq!(malformed["ErrorCode"], 90001);
    let many: Vec<String> = (0..501).map(|i| format!("u{i}")).collect();
    let batch = s
        .rest(
            "openim/batchsendmsg",
            json!({"To_Account": many, "MsgRandom": 1, "MsgBody": text}),
        )
        .await;
    assert_eq!(batch["ErrorCode"], 90011);
    let batch = s
        .ok(
            "openim/batchsendmsg",
            json!({"To_Account": ["bob", "nobody"], "MsgRandom": 3, "MsgBody": text}),
        )
        .await;
    assert_eq!(
        batch["ErrorList"],
        json!([{"To_Account": "nobody", "ErrorCode": 90012}])
    );
    // Nothing refused was stored: bob has only the batch's message.
    let bob = s.user("bob").await;
    let list = Value::Object(bob.conversations(10).await.expect("list").data);
    assert_eq!(list["TotalUnread"], 1);

    // The backend's before-callback refuses with 20006 or its own code.
    s.ok(
        "liveroom_ext/set_webhook",
        json!({"Webhook": {"url": r.url(), "commands": [C2C_BEFORE_SEND_MSG]}}),
    )
    .await;
    r.script(
        |h| match h.body["MsgBody"][0]["MsgContent"]["Text"].as_str() {
            Some("spam") => code(1, "no"),
            Some("custom") => code(120_500, "level too low"),
            _ => crate::receiver::ok(),
        },
    );
    let ann = s.user("ann").await;
    let refused = ann.send_c2c_text("bob", "spam").await.expect_err("refused");
    assert_eq!(refused.code(), Some(20006));
    let refused = ann
        .send_c2c_text("bob", "custom")
        .await
        .expect_err("refused");
    assert_eq!(refused.code(), Some(120_500));
    // (The batch came from the administrator: this is the first of ann and bob.)
    assert_eq!(send(&ann, "bob", "fine").await["Seq"], 1);

    // A client may recall only its own messages, and only within the window.
    s.settings(json!({"chat": {"recall_secs": 0}})).await;
    let key = send(&ann, "bob", "too late").await["MsgKey"].clone();
    let late = ann
        .request(Op::RecallC2c(liveroom_core::protocol::chat::RecallC2c {
            peer: "bob".into(),
            msg_key: key.as_str().unwrap_or_default().into(),
        }))
        .await
        .expect_err("window passed");
    assert_eq!(late.code(), Some(20016));
    let not_mine = bob
        .request(Op::RecallC2c(liveroom_core::protocol::chat::RecallC2c {
            peer: "ann".into(),
            msg_key: key.as_str().unwrap_or_default().into(),
        }))
        .await
        .expect_err("not the sender");
    assert_eq!(not_mine.code(), Some(90009));
    let to_nobody = ann
        .send_c2c_text("nobody", "x")
        .await
        .expect_err("no account");
    assert_eq!(to_nobody.code(), Some(90012));

    // A client cannot speak for someone else: a From_Account it adds is not read.
    let as_bob: Value = serde_json::from_str(
        r#"{"op":"send_c2c","id":77,"From_Account":"bob","To_Account":"bob","MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"who am I"}}]}"#,
    )
    .expect("json");
    let op: liveroom_core::protocol::Request = serde_json::from_value(as_bob).expect("request");
    let sent = ann.request(op.op).await.expect("sent as ann");
    assert!(sent.data["Seq"].as_u64().is_some());
    let page = Value::Object(bob.c2c_messages("ann", None, 1).await.expect("page").data);
    assert_eq!(page["Messages"][0]["From_Account"], "ann");

    // Conversations that do not exist, and typing to nobody, are refused.
    use liveroom_core::protocol::chat::{DeleteConversation, PinConversation, Typing};
    for op in [
        Op::PinConversation(PinConversation {
            peer: "nobody".into(),
            group_id: None,
            pinned: true,
        }),
        Op::DeleteConversation(DeleteConversation {
            peer: "nobody".into(),
            clear_history: false,
        }),
    ] {
        assert_eq!(ann.request(op).await.expect_err("none").code(), Some(20001));
    }
    for (to, code) in [("bad id", 90003), ("nobody", 90012)] {
        let e = ann
            .request(Op::Typing(Typing { to: to.into() }))
            .await
            .expect_err("refused");
        assert_eq!(e.code(), Some(code), "{to}");
    }
    // History pages name the sender as its profile does.
    assert_eq!(page["Messages"][0]["NickName"], "ann");

    // The app's word filter holds for one-to-one messages too.
    s.ok(
        "liveroom_ext/set_word_filter",
        json!({"Filter": {"lists": [{"action": "reject", "words": ["darn"]}, {"action": "mask", "words": ["heck"]}]}}),
    )
    .await;
    let filtered = ann
        .send_c2c_text("bob", "oh darn")
        .await
        .expect_err("filtered");
    assert_eq!(filtered.code(), Some(80001));
    let mut bob = bob;
    send(&ann, "bob", "what the heck").await;
    loop {
        if let Event::C2c(m) = bob.next_event_within(WAIT).await.expect("masked message") {
            if text_of(&m).starts_with("what") {
                assert_eq!(text_of(&m), "what the ****");
                break;
            }
        }
    }
    s.shutdown().await;
}
