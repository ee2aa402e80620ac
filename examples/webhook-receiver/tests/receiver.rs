//! The receiver over real HTTP: signed callbacks as Liveroom sends them, the lucky draw,
//! moderation answers and statistics.

use serde_json::{json, Value};
use std::time::{SystemTime, UNIX_EPOCH};
use webhook_receiver::{router, sign, AppState, Config};

const TOKEN: &str = "xxxxyyyy";
const APP: &str = "1400000000";
const GROUP: &str = "@TGS#aLIVE";

/// Starts a receiver on a free loopback port; returns its base URL.
async fn start(config: Config) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        axum::serve(listener, router(AppState::new(config)))
            .await
            .expect("serve");
    });
    format!("http://{addr}")
}

fn config() -> Config {
    Config {
        token: Some(TOKEN.into()),
        sdkappid: Some(APP.parse().expect("app id")),
        block: vec!["spam".into()],
        mask: vec!["darn".into()],
        ..Config::default()
    }
}

fn now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    i64::try_from(secs).expect("seconds fit")
}

/// The callback URL Liveroom builds: app, command, the fixed parameters, and the
/// signature for `time` made with `token`.
fn callback_url(base: &str, command: &str, token: &str, time: i64) -> String {
    let time = time.to_string();
    format!(
        "{base}/im?SdkAppid={APP}&CallbackCommand={command}&contenttype=json\
         &ClientIP=127.0.0.1&OptPlatform=RESTAPI&Sign={}&RequestTime={time}",
        sign(token, &time)
    )
}

fn after_send_msg(from: &str, text: &str, seq: u64) -> Value {
    json!({
        "CallbackCommand": "Group.CallbackAfterSendMsg",
        "GroupId": GROUP,
        "Type": "AVChatRoom",
        "From_Account": from,
        "Operator_Account": from,
        "Random": 123_456 + seq,
        "MsgSeq": seq,
        "MsgTime": 1_669_872_112,
        "OnlineOnlyFlag": 0,
        "MsgBody": [
            {"MsgType": "TIMTextElem", "MsgContent": {"Text": text}},
            {"MsgType": "TIMCustomElem", "MsgContent": {"Data": "{\"gift\":1}", "Desc": "", "Ext": ""}}
        ],
        "CloudCustomData": "",
        "TopicId": "",
        "EventTime": 1_669_872_112_000_u64
    })
}

fn before_send_msg(from: &str, text: &str) -> Value {
    json!({
        "CallbackCommand": "Group.CallbackBeforeSendMsg",
        "GroupId": GROUP,
        "Type": "AVChatRoom",
        "From_Account": from,
        "Operator_Account": from,
        "Random": 42,
        "OnlineOnlyFlag": 0,
        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
        "CloudCustomData": "",
        "TopicId": "",
        "EventTime": 1_669_872_112_000_u64,
        "MsgId": "144115233406643804-1669872112-42"
    })
}

/// Posts a body; returns the status and the JSON answer.
async fn post(http: &reqwest::Client, url: &str, body: &Value) -> (u16, Value) {
    let response = http.post(url).json(body).send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON answer"))
}

async fn get(http: &reqwest::Client, url: &str) -> (u16, Value) {
    get_query(http, url, &[]).await
}

/// GET with query parameters, URL-encoded (a group ID like `@TGS#...` holds a `#`).
async fn get_query(http: &reqwest::Client, url: &str, query: &[(&str, &str)]) -> (u16, Value) {
    let response = http.get(url).query(query).send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON answer"))
}

fn ok() -> Value {
    json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0})
}

#[tokio::test]
async fn keyword_messages_enter_the_draw_and_one_of_them_wins() {
    let base = start(config()).await;
    let http = reqwest::Client::new();
    let url = callback_url(&base, "Group.CallbackAfterSendMsg", TOKEN, now());
    for (from, text, seq) in [
        ("alice", "666666", 1),
        ("bob", "so good 666!", 2),
        ("carol", "hello everyone", 3),
        ("alice", "666 again", 4),
    ] {
        let (status, answer) = post(&http, &url, &after_send_msg(from, text, seq)).await;
        assert_eq!((status, answer), (200, ok()));
    }

    let (status, pool) = get_query(&http, &format!("{base}/pool"), &[("GroupId", GROUP)]).await;
    assert_eq!(status, 200);
    assert_eq!(pool["Accounts"], json!(["alice", "bob"]));
    assert_eq!(pool["Entrants"], 2);

    let draw = format!("{base}/draw");
    let response = http
        .post(&draw)
        .query(&[("GroupId", GROUP)])
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let result: Value = response.json().await.expect("JSON answer");
    assert_eq!(status, 200, "{result}");
    assert_eq!(result["GroupId"], GROUP);
    assert_eq!(result["Entrants"], 2);
    let winner = result["Winner"].as_str().expect("winner");
    assert!(["alice", "bob"].contains(&winner), "winner {winner}");

    // The draw is closed: nobody is left, and another draw finds no entrants.
    let (_, pool) = get_query(&http, &format!("{base}/pool"), &[("GroupId", GROUP)]).await;
    assert_eq!(pool["Entrants"], 0);
    let (status, result) = get_query(&http, &draw, &[("GroupId", GROUP)]).await;
    assert_eq!(status, 404);
    assert_eq!(result["ActionStatus"], "FAIL");

    let (status, _) = get(&http, &format!("{base}/draw")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn unsigned_wrongly_signed_stale_or_foreign_callbacks_are_refused() {
    let base = start(config()).await;
    let http = reqwest::Client::new();
    let body = after_send_msg("mallory", "666", 1);
    let command = "Group.CallbackAfterSendMsg";

    let wrong_sign = callback_url(&base, command, "not-the-token", now());
    let stale = callback_url(&base, command, TOKEN, now() - 120);
    let future = callback_url(&base, command, TOKEN, now() + 120);
    let unsigned = format!("{base}/im?SdkAppid={APP}&CallbackCommand={command}&contenttype=json");
    let other_app = callback_url(&base, command, TOKEN, now()).replace(APP, "1400000001");
    for url in [&wrong_sign, &stale, &future, &unsigned, &other_app] {
        let (status, answer) = post(&http, url, &body).await;
        assert_eq!(status, 403, "{url}");
        assert_eq!(answer["ActionStatus"], "FAIL", "{url}");
        assert!(answer["ErrorInfo"].as_str().is_some_and(|s| !s.is_empty()));
    }

    // None of them counted, and mallory did not enter the draw.
    let (_, stats) = get(&http, &format!("{base}/stats")).await;
    assert_eq!(stats["Refused"], 5);
    assert_eq!(stats["Callbacks"], 0);
    let (_, pool) = get_query(&http, &format!("{base}/pool"), &[("GroupId", GROUP)]).await;
    assert_eq!(pool["Entrants"], 0);
}

#[tokio::test]
async fn before_send_msg_rejects_blocked_words_and_masks_others() {
    let base = start(config()).await;
    let http = reqwest::Client::new();
    let url = callback_url(&base, "Group.CallbackBeforeSendMsg", TOKEN, now());

    let (status, answer) = post(&http, &url, &before_send_msg("eve", "cheap spam here")).await;
    assert_eq!(status, 200);
    assert_eq!(answer["ErrorCode"], 1);
    assert_eq!(answer["ActionStatus"], "OK");

    let (status, answer) = post(&http, &url, &before_send_msg("dan", "darn, darn it")).await;
    assert_eq!(status, 200);
    assert_eq!(answer["ErrorCode"], 0);
    assert_eq!(
        answer["MsgBody"],
        json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": "****, **** it"}}])
    );

    let (status, answer) = post(&http, &url, &before_send_msg("amy", "hello")).await;
    assert_eq!((status, answer), (200, ok()));
}

#[tokio::test]
async fn stats_count_commands_groups_senders_and_decisions() {
    let base = start(config()).await;
    let http = reqwest::Client::new();
    let t = now();
    let after = callback_url(&base, "Group.CallbackAfterSendMsg", TOKEN, t);
    let before = callback_url(&base, "Group.CallbackBeforeSendMsg", TOKEN, t);
    let join = callback_url(&base, "Group.CallbackAfterNewMemberJoin", TOKEN, t);
    let exit = callback_url(&base, "Group.CallbackAfterMemberExit", TOKEN, t);
    let state = callback_url(&base, "State.StateChange", TOKEN, t);
    // The member-state callback carries only the three basic parameters, plus the sign.
    let online = format!(
        "{base}/im?SdkAppid={APP}&CallbackCommand=Group.CallbackOnMemberStateChange\
         &contenttype=json&Sign={}&RequestTime={t}",
        sign(TOKEN, &t.to_string())
    );

    let joined = json!({"CallbackCommand": "Group.CallbackAfterNewMemberJoin",
        "GroupId": GROUP, "Type": "AVChatRoom", "JoinType": "Apply", "Operator_Account": "alice",
        "NewMemberList": [{"Member_Account": "alice"}, {"Member_Account": "bob"}],
        "EventTime": 1_669_872_112_000_u64});
    let left = json!({"CallbackCommand": "Group.CallbackAfterMemberExit",
        "GroupId": GROUP, "Type": "AVChatRoom", "ExitType": "Quit", "Operator_Account": "bob",
        "ExitMemberList": [{"Member_Account": "bob"}], "EventTime": 1_669_872_112_000_u64});
    let status_change = json!({"CallbackCommand": "State.StateChange",
        "EventTime": 1_669_872_112_000_u64,
        "Info": {"Action": "Login", "To_Account": "alice", "Reason": "Register"}});
    let member_state = json!({"CallbackCommand": "Group.CallbackOnMemberStateChange",
        "GroupId": GROUP, "EventType": "Online", "MemberList": [{"Member_Account": "alice"}]});

    for (url, body) in [
        (&join, joined),
        (&exit, left),
        (&state, status_change),
        (&online, member_state),
        (&after, after_send_msg("alice", "hi", 1)),
        (&after, after_send_msg("alice", "666", 2)),
        (&after, after_send_msg("alice", "again", 3)),
        (&after, after_send_msg("bob", "yo", 4)),
        (&before, before_send_msg("bob", "spam")),
        (&before, before_send_msg("bob", "darn")),
        (&before, before_send_msg("bob", "fine")),
    ] {
        let (status, answer) = post(&http, url, &body).await;
        assert_eq!(status, 200, "{url}: {answer}");
    }

    let (status, stats) = get(&http, &format!("{base}/stats")).await;
    assert_eq!(status, 200);
    assert_eq!(stats["Callbacks"], 11);
    assert_eq!(stats["Refused"], 0);
    assert_eq!(
        stats["Commands"],
        json!({
            "Group.CallbackAfterMemberExit": 1,
            "Group.CallbackAfterNewMemberJoin": 1,
            "Group.CallbackAfterSendMsg": 4,
            "Group.CallbackBeforeSendMsg": 3,
            "Group.CallbackOnMemberStateChange": 1,
            "State.StateChange": 1,
        })
    );
    assert_eq!(
        stats["Groups"][GROUP],
        json!({
            "Messages": 4,
            "Senders": 2,
            "Joins": 2,
            "Exits": 1,
            "TopSenders": [
                {"Account": "alice", "Messages": 3},
                {"Account": "bob", "Messages": 1},
            ],
        })
    );
    assert_eq!(
        stats["Decisions"],
        json!({"Allowed": 1, "Rejected": 1, "Masked": 1})
    );
}

#[tokio::test]
async fn without_a_token_callbacks_need_no_signature() {
    let base = start(Config::default()).await;
    let http = reqwest::Client::new();
    let url =
        format!("{base}/im?SdkAppid=1&CallbackCommand=Group.CallbackAfterSendMsg&contenttype=json");
    let (status, answer) = post(&http, &url, &after_send_msg("zoe", "666", 1)).await;
    assert_eq!((status, answer), (200, ok()));

    // A body that is not JSON is an error, not a silent success.
    let response = http
        .post(&url)
        .body("not json")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 400);
}
