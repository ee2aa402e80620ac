//! An example webhook receiver for Liveroom: a lucky draw and message statistics for a
//! live room, plus optional moderation of messages before they are delivered.
//!
//! Liveroom calls the platform's business backend over HTTP when something happens in a
//! room. These webhooks follow Tencent Cloud Chat's third-party callback contract: a
//! `POST` with a JSON body, the command named in the query string, one JSON answer. This
//! receiver takes them on `POST /im` and offers:
//!
//! - **Lucky draw.** Every delivered message (`Group.CallbackAfterSendMsg`) whose text
//!   contains the keyword (`--keyword`, default `666`) enters its sender in the draw of
//!   that room, once per sender. `POST /draw?GroupId=<id>` (or `GET`) picks one winner at
//!   random and closes that draw; `GET /pool?GroupId=<id>` lists who is in it.
//! - **Statistics.** `GET /stats` counts callbacks per command and, per room, delivered
//!   messages, distinct senders, joins, exits and the ten most active senders, along
//!   with the moderation decisions this receiver made.
//! - **Moderation.** For `Group.CallbackBeforeSendMsg`, a text containing a `--block`
//!   word is rejected, and every `--mask` word in a text is replaced by one `*` per
//!   character. Other messages are allowed unchanged.
//!
//! # Running it
//!
//! ```sh
//! cargo run -p webhook-receiver -- --token xxxxyyyy --sdkappid 1400000000 \
//!     --keyword 666 --block spam --mask darn
//! ```
//!
//! Logging follows `RUST_LOG` (default `info`).
//!
//! # Pointing Liveroom at it
//!
//! The webhook URL is the `--listen` address followed by `/im`, by default
//! `http://127.0.0.1:9000/im`. Put it in the app's `webhook` settings together with the
//! same token and the commands Liveroom should send, either in Liveroom's configuration
//! file, for every app:
//!
//! ```toml
//! [app_defaults.webhook]
//! url = "http://127.0.0.1:9000/im"
//! token = "xxxxyyyy"
//! commands = [
//!     "Group.CallbackBeforeSendMsg",
//!     "Group.CallbackAfterSendMsg",
//!     "Group.CallbackAfterNewMemberJoin",
//!     "Group.CallbackAfterMemberExit",
//! ]
//! ```
//!
//! or for one running app, through the admin API
//! (`POST /v4/liveroom_ext/set_app_settings` with the usual admin query string):
//!
//! ```json
//! {"Settings": {"webhook": {"url": "http://127.0.0.1:9000/im", "token": "xxxxyyyy",
//!   "commands": ["Group.CallbackBeforeSendMsg", "Group.CallbackAfterSendMsg"]}}}
//! ```
//!
//! # Authentication
//!
//! Liveroom adds `SdkAppid`, `CallbackCommand` and `contenttype=json` to every callback
//! URL (most commands also `ClientIP` and `OptPlatform`), and, when the app has a webhook
//! token, `RequestTime` (unix seconds) and `Sign`, the lowercase hex SHA-256 of the token
//! immediately followed by `RequestTime` (see [`sign`]). Started with `--token`, the
//! receiver refuses with HTTP 403 any callback whose `Sign` is missing or wrong or whose
//! `RequestTime` is more than [`MAX_CLOCK_SKEW_SECS`] from its own clock; started with
//! `--sdkappid`, any callback for another app.
//!
//! # Answers
//!
//! Every accepted callback is answered with HTTP 200 and
//! `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`. For
//! `Group.CallbackBeforeSendMsg` the `ErrorCode` is the decision: 0 delivers the message
//! (with `MsgBody` in the answer, delivers that body instead), 1 rejects it. The contract
//! also knows 2 (drop silently: the sender is told it was sent) and 10100 to 10200 (reject
//! with a code and `ErrorInfo` passed on to the sender); this example does not use them.
//!
//! Errors (a refused, malformed or unknown request) are answered with a 4xx status and
//! `{"ActionStatus":"FAIL","ErrorCode":<the HTTP status>,"ErrorInfo":"<why>"}`.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::seq::IteratorRandom;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

/// How far (in seconds, either way) a callback's `RequestTime` may be from the
/// receiver's clock.
pub const MAX_CLOCK_SKEW_SECS: i64 = 60;

/// How many senders `/stats` lists per room.
pub const TOP_SENDERS: usize = 10;

/// Command names this receiver acts on.
pub mod command {
    pub const BEFORE_SEND_MSG: &str = "Group.CallbackBeforeSendMsg";
    pub const AFTER_SEND_MSG: &str = "Group.CallbackAfterSendMsg";
    pub const SEND_MSG_EXCEPTION: &str = "Group.CallbackSendMsgException";
    pub const AFTER_NEW_MEMBER_JOIN: &str = "Group.CallbackAfterNewMemberJoin";
    pub const AFTER_MEMBER_EXIT: &str = "Group.CallbackAfterMemberExit";
    pub const ON_MEMBER_STATE_CHANGE: &str = "Group.CallbackOnMemberStateChange";
    pub const STATE_CHANGE: &str = "State.StateChange";
}

/// What the receiver checks and how it moderates.
#[derive(Debug, Clone)]
pub struct Config {
    /// The app's webhook token; when set, every callback must be signed with it.
    pub token: Option<String>,
    /// When set, callbacks for any other app are refused.
    pub sdkappid: Option<u64>,
    /// A text containing this enters its sender in the room's lucky draw.
    pub keyword: String,
    /// Words that make the before-send callback reject a message.
    pub block: Vec<String>,
    /// Words the before-send callback replaces with `*`, one per character.
    pub mask: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            token: None,
            sdkappid: None,
            keyword: "666".into(),
            block: Vec::new(),
            mask: Vec::new(),
        }
    }
}

/// Everything the handlers share: the configuration and the counters and draw pools.
pub struct AppState {
    config: Config,
    data: Mutex<Data>,
}

impl AppState {
    /// State for a receiver with `config`. An empty token means no token; empty block
    /// and mask words are ignored (they would match every text).
    pub fn new(mut config: Config) -> Arc<Self> {
        config.token = config.token.filter(|t| !t.is_empty());
        config.block.retain(|w| !w.is_empty());
        config.mask.retain(|w| !w.is_empty());
        Arc::new(Self {
            config,
            data: Mutex::new(Data::default()),
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    fn data(&self) -> MutexGuard<'_, Data> {
        // A panic while the lock was held leaves counters that are still usable.
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Counters and draw pools, guarded by one mutex.
#[derive(Default)]
struct Data {
    /// Callbacks received, per command.
    commands: BTreeMap<String, u64>,
    /// Callbacks refused by the signature, clock or app check.
    refused: u64,
    groups: BTreeMap<String, GroupStats>,
    /// Draw entrants per room, each account once.
    pools: HashMap<String, BTreeSet<String>>,
    decisions: Decisions,
}

/// What happened in one room.
#[derive(Default)]
struct GroupStats {
    /// Delivered messages per sender.
    senders: HashMap<String, u64>,
    messages: u64,
    joins: u64,
    exits: u64,
}

/// Answers given to `Group.CallbackBeforeSendMsg`.
#[derive(Default)]
struct Decisions {
    allowed: u64,
    rejected: u64,
    masked: u64,
}

/// The webhook's query string; the other parameters (`contenttype`, `ClientIP`,
/// `OptPlatform`) are not needed here.
#[derive(Debug, Default, Deserialize)]
pub struct CallbackQuery {
    #[serde(rename = "SdkAppid")]
    pub sdk_appid: Option<String>,
    #[serde(rename = "CallbackCommand")]
    pub command: Option<String>,
    #[serde(rename = "Sign")]
    pub sign: Option<String>,
    #[serde(rename = "RequestTime")]
    pub request_time: Option<String>,
}

/// The signature Liveroom puts in `Sign`: lowercase hex SHA-256 of `token` immediately
/// followed by `request_time` (decimal unix seconds, exactly as sent in `RequestTime`).
///
/// ```
/// assert_eq!(
///     webhook_receiver::sign("xxxxyyyy", "1669872112"),
///     "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061"
/// );
/// ```
pub fn sign(token: &str, request_time: &str) -> String {
    let digest = Sha256::new()
        .chain_update(token.as_bytes())
        .chain_update(request_time.as_bytes())
        .finalize();
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Checks a callback's app, signature and time against `config`, with `now` the current
/// unix time in seconds. The error says why the callback is refused.
pub fn authenticate(config: &Config, query: &CallbackQuery, now: i64) -> Result<(), String> {
    if let Some(expected) = config.sdkappid {
        let given = query.sdk_appid.as_deref().unwrap_or_default();
        if given.parse::<u64>().ok() != Some(expected) {
            return Err(format!("SdkAppid {given:?} is not this receiver's app"));
        }
    }
    let Some(token) = config.token.as_deref() else {
        return Ok(());
    };
    let (Some(given_sign), Some(request_time)) = (&query.sign, &query.request_time) else {
        return Err("Sign and RequestTime are required".into());
    };
    let Ok(time) = request_time.parse::<i64>() else {
        return Err("RequestTime is not unix seconds".into());
    };
    if time.abs_diff(now) > MAX_CLOCK_SKEW_SECS.unsigned_abs() {
        return Err(format!(
            "RequestTime is more than {MAX_CLOCK_SKEW_SECS} s from the receiver's clock"
        ));
    }
    let expected = sign(token, request_time);
    if !same_bytes(
        expected.as_bytes(),
        given_sign.to_ascii_lowercase().as_bytes(),
    ) {
        return Err("Sign does not match".into());
    }
    Ok(())
}

/// Equality that takes the same time wherever the first difference is, so the answer
/// time does not reveal how much of a guessed signature was right.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The fields of a group message callback (before or after sending) used here.
#[derive(Debug, Deserialize)]
struct GroupMessage {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "From_Account", default)]
    from_account: String,
    /// Message elements, kept as JSON so a masked body returns every field unchanged.
    #[serde(rename = "MsgBody", default)]
    msg_body: Vec<Value>,
}

#[derive(Debug, Deserialize)]
struct Member {
    #[serde(rename = "Member_Account")]
    member_account: String,
}

/// The accounts of a member list, for the log.
fn accounts(members: &[Member]) -> Vec<&str> {
    members.iter().map(|m| m.member_account.as_str()).collect()
}

#[derive(Debug, Deserialize)]
struct MembersJoined {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "NewMemberList", default)]
    new_members: Vec<Member>,
}

#[derive(Debug, Deserialize)]
struct MembersLeft {
    #[serde(rename = "GroupId")]
    group_id: String,
    /// `Kicked` or `Quit`.
    #[serde(rename = "ExitType", default)]
    exit_type: String,
    #[serde(rename = "ExitMemberList", default)]
    exit_members: Vec<Member>,
}

/// The texts of a message's `TIMTextElem` elements.
fn texts(body: &[Value]) -> impl Iterator<Item = &str> {
    body.iter()
        .filter(|elem| elem.get("MsgType").and_then(Value::as_str) == Some("TIMTextElem"))
        .filter_map(|elem| elem.pointer("/MsgContent/Text").and_then(Value::as_str))
}

/// `text` with every occurrence of each word replaced by one `*` per character.
fn mask_text(text: &str, words: &[String]) -> String {
    words.iter().fold(text.to_owned(), |text, word| {
        text.replace(word.as_str(), &"*".repeat(word.chars().count()))
    })
}

/// The answer to a before-send callback.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Deliver as sent.
    Allow,
    /// Deliver this body instead.
    Replace(Vec<Value>),
    /// Refuse; carries the blocked word that was found.
    Reject(String),
}

/// Decides on a message body: a blocked word rejects it, mask words are starred out,
/// anything else is allowed. Only `TIMTextElem` texts are looked at, case-sensitively.
pub fn moderate(config: &Config, body: &[Value]) -> Decision {
    if let Some(word) = config
        .block
        .iter()
        .find(|word| texts(body).any(|text| text.contains(word.as_str())))
    {
        return Decision::Reject(word.clone());
    }
    if config.mask.is_empty() {
        return Decision::Allow;
    }
    let mut replaced = body.to_vec();
    let mut changed = false;
    for elem in &mut replaced {
        if elem.get("MsgType").and_then(Value::as_str) != Some("TIMTextElem") {
            continue;
        }
        if let Some(Value::String(text)) = elem.pointer_mut("/MsgContent/Text") {
            let masked = mask_text(text, &config.mask);
            if masked != *text {
                *text = masked;
                changed = true;
            }
        }
    }
    if changed {
        Decision::Replace(replaced)
    } else {
        Decision::Allow
    }
}

/// The receiver's HTTP routes:
///
/// - `POST /im`: the webhook endpoint Liveroom calls;
/// - `POST /draw?GroupId=<id>` (or `GET`): draws a winner and closes that room's draw;
/// - `GET /pool?GroupId=<id>`: the room's current entrants;
/// - `GET /stats`: counters as JSON.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/im", post(callback))
        .route("/draw", post(draw).get(draw))
        .route("/pool", get(pool))
        .route("/stats", get(stats))
        .with_state(state)
}

/// The answer that accepts a callback.
fn ok_body() -> Value {
    json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0})
}

/// An error answer: `status` with a JSON body saying why.
fn fail(status: StatusCode, info: impl Into<String>) -> Response {
    let body = json!({
        "ActionStatus": "FAIL",
        "ErrorCode": status.as_u16(),
        "ErrorInfo": info.into(),
    });
    (status, Json(body)).into_response()
}

/// `POST /im`: authenticates a callback, records it and answers it.
async fn callback(
    State(state): State<Arc<AppState>>,
    query: Result<Query<CallbackQuery>, QueryRejection>,
    body: Bytes,
) -> Response {
    let Ok(Query(query)) = query else {
        return fail(StatusCode::BAD_REQUEST, "malformed query string");
    };
    if let Err(why) = authenticate(&state.config, &query, unix_now()) {
        tracing::warn!(command = ?query.command, %why, "callback refused");
        state.data().refused += 1;
        return fail(StatusCode::FORBIDDEN, why);
    }
    let body: Value = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(e) => return fail(StatusCode::BAD_REQUEST, format!("body is not JSON: {e}")),
    };
    // The command is in the query string and, again, in the body.
    let command = query
        .command
        .or_else(|| body.get("CallbackCommand")?.as_str().map(str::to_owned));
    let Some(command) = command else {
        return fail(StatusCode::BAD_REQUEST, "CallbackCommand is missing");
    };
    *state.data().commands.entry(command.clone()).or_default() += 1;

    let answer = match command.as_str() {
        command::AFTER_SEND_MSG => parse(body).map(|msg| after_send_msg(&state, msg)),
        command::BEFORE_SEND_MSG => parse(body).map(|msg| before_send_msg(&state, msg)),
        command::AFTER_NEW_MEMBER_JOIN => parse(body).map(|joined: MembersJoined| {
            tracing::info!(group = %joined.group_id, members = ?accounts(&joined.new_members), "joined");
            state
                .data()
                .groups
                .entry(joined.group_id)
                .or_default()
                .joins += joined.new_members.len() as u64;
            ok_body()
        }),
        command::AFTER_MEMBER_EXIT => parse(body).map(|left: MembersLeft| {
            tracing::info!(
                group = %left.group_id,
                how = %left.exit_type,
                members = ?accounts(&left.exit_members),
                "left"
            );
            state.data().groups.entry(left.group_id).or_default().exits +=
                left.exit_members.len() as u64;
            ok_body()
        }),
        // Counted above; logged for whoever runs the example.
        command::SEND_MSG_EXCEPTION
        | command::STATE_CHANGE
        | command::ON_MEMBER_STATE_CHANGE => {
            tracing::info!(%command, %body, "callback");
            Ok(ok_body())
        }
        // Commands this example has no use for are accepted, so enabling more of them in
        // Liveroom does not make it retry.
        _ => {
            tracing::debug!(%command, "callback not handled");
            Ok(ok_body())
        }
    };
    match answer {
        Ok(answer) => Json(answer).into_response(),
        Err(why) => fail(StatusCode::BAD_REQUEST, why),
    }
}

/// Reads a callback body into the command's type; the error names what is wrong.
fn parse<T: serde::de::DeserializeOwned>(body: Value) -> Result<T, String> {
    serde_json::from_value(body).map_err(|e| format!("body: {e}"))
}

/// A message was delivered: count it and enter its sender in the draw when the text
/// contains the keyword.
fn after_send_msg(state: &AppState, msg: GroupMessage) -> Value {
    let keyword = state.config.keyword.as_str();
    let enters = !msg.from_account.is_empty() && texts(&msg.msg_body).any(|t| t.contains(keyword));
    let mut data = state.data();
    let group = data.groups.entry(msg.group_id.clone()).or_default();
    group.messages += 1;
    *group.senders.entry(msg.from_account.clone()).or_default() += 1;
    if enters {
        let newly = data
            .pools
            .entry(msg.group_id.clone())
            .or_default()
            .insert(msg.from_account.clone());
        if newly {
            tracing::info!(group = %msg.group_id, account = %msg.from_account, "entered the draw");
        }
    }
    ok_body()
}

/// A message is about to be delivered: allow, mask or reject it.
fn before_send_msg(state: &AppState, msg: GroupMessage) -> Value {
    let decision = moderate(&state.config, &msg.msg_body);
    let mut data = state.data();
    match decision {
        Decision::Allow => {
            data.decisions.allowed += 1;
            ok_body()
        }
        Decision::Replace(body) => {
            data.decisions.masked += 1;
            tracing::info!(group = %msg.group_id, account = %msg.from_account, "masked");
            json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0, "MsgBody": body})
        }
        Decision::Reject(word) => {
            data.decisions.rejected += 1;
            tracing::info!(group = %msg.group_id, account = %msg.from_account, %word, "rejected");
            json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 1})
        }
    }
}

/// The `GroupId` query parameter of `/draw` and `/pool`.
#[derive(Debug, Deserialize)]
struct GroupQuery {
    #[serde(rename = "GroupId")]
    group_id: Option<String>,
}

/// The non-empty `GroupId` of a `/draw` or `/pool` request, if it has one.
fn group_id(query: Result<Query<GroupQuery>, QueryRejection>) -> Option<String> {
    query.ok()?.0.group_id.filter(|id| !id.is_empty())
}

/// `POST /draw?GroupId=<id>`: picks a random winner among the room's entrants and closes
/// the draw, so the next keyword message starts a new one.
async fn draw(
    State(state): State<Arc<AppState>>,
    query: Result<Query<GroupQuery>, QueryRejection>,
) -> Response {
    let Some(group_id) = group_id(query) else {
        return fail(StatusCode::BAD_REQUEST, "GroupId is required");
    };
    let pool = state.data().pools.remove(&group_id).unwrap_or_default();
    let Some(winner) = pool.iter().choose(&mut rand::thread_rng()) else {
        return fail(
            StatusCode::NOT_FOUND,
            format!("nobody has entered the draw of {group_id}"),
        );
    };
    tracing::info!(group = %group_id, %winner, entrants = pool.len(), "draw");
    Json(json!({"GroupId": group_id, "Winner": winner, "Entrants": pool.len()})).into_response()
}

/// `GET /pool?GroupId=<id>`: the room's entrants, in account order.
async fn pool(
    State(state): State<Arc<AppState>>,
    query: Result<Query<GroupQuery>, QueryRejection>,
) -> Response {
    let Some(group_id) = group_id(query) else {
        return fail(StatusCode::BAD_REQUEST, "GroupId is required");
    };
    let data = state.data();
    let accounts: Vec<&String> = data
        .pools
        .get(&group_id)
        .map(|pool| pool.iter().collect())
        .unwrap_or_default();
    Json(json!({
        "GroupId": group_id,
        "Keyword": state.config.keyword,
        "Entrants": accounts.len(),
        "Accounts": accounts,
    }))
    .into_response()
}

/// `GET /stats`: callbacks per command, per-room activity and moderation decisions.
async fn stats(State(state): State<Arc<AppState>>) -> Json<Value> {
    let data = state.data();
    let groups: serde_json::Map<String, Value> = data
        .groups
        .iter()
        .map(|(id, group)| {
            let mut senders: Vec<(&String, &u64)> = group.senders.iter().collect();
            // Most messages first; ties in account order so the list is stable.
            senders.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            let top: Vec<Value> = senders
                .into_iter()
                .take(TOP_SENDERS)
                .map(|(account, messages)| json!({"Account": account, "Messages": messages}))
                .collect();
            let stats = json!({
                "Messages": group.messages,
                "Senders": group.senders.len(),
                "Joins": group.joins,
                "Exits": group.exits,
                "TopSenders": top,
            });
            (id.clone(), stats)
        })
        .collect();
    Json(json!({
        "Callbacks": data.commands.values().sum::<u64>(),
        "Refused": data.refused,
        "Commands": data.commands,
        "Groups": groups,
        "Decisions": {
            "Allowed": data.decisions.allowed,
            "Rejected": data.decisions.rejected,
            "Masked": data.decisions.masked,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_matches_the_reference_vector() {
        assert_eq!(
            sign("xxxxyyyy", "1669872112"),
            "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061"
        );
    }

    fn signed(token: &str, time: i64) -> CallbackQuery {
        let time = time.to_string();
        CallbackQuery {
            sdk_appid: Some("1400000000".into()),
            command: Some(command::AFTER_SEND_MSG.into()),
            sign: Some(sign(token, &time)),
            request_time: Some(time),
        }
    }

    fn with_token() -> Config {
        Config {
            token: Some("xxxxyyyy".into()),
            sdkappid: Some(1_400_000_000),
            ..Config::default()
        }
    }

    #[test]
    fn authenticate_accepts_within_the_window_only() {
        let now = 1_669_872_112;
        let config = with_token();
        assert_eq!(authenticate(&config, &signed("xxxxyyyy", now), now), Ok(()));
        assert_eq!(
            authenticate(&config, &signed("xxxxyyyy", now - 60), now),
            Ok(())
        );
        assert_eq!(
            authenticate(&config, &signed("xxxxyyyy", now + 60), now),
            Ok(())
        );
        assert!(authenticate(&config, &signed("xxxxyyyy", now - 61), now).is_err());
        assert!(authenticate(&config, &signed("xxxxyyyy", now + 61), now).is_err());
    }

    #[test]
    fn authenticate_refuses_a_wrong_sign_app_or_missing_fields() {
        let now = 1_669_872_112;
        let config = with_token();
        assert!(authenticate(&config, &signed("other", now), now).is_err());
        let mut upper = signed("xxxxyyyy", now);
        upper.sign = upper.sign.map(|s| s.to_ascii_uppercase());
        assert_eq!(authenticate(&config, &upper, now), Ok(()));
        let mut other_app = signed("xxxxyyyy", now);
        other_app.sdk_appid = Some("1400000001".into());
        assert!(authenticate(&config, &other_app, now).is_err());
        assert!(authenticate(&config, &CallbackQuery::default(), now).is_err());
        // Without a token or app, anything goes.
        assert_eq!(
            authenticate(&Config::default(), &CallbackQuery::default(), now),
            Ok(())
        );
    }

    fn text(t: &str) -> Value {
        json!({"MsgType": "TIMTextElem", "MsgContent": {"Text": t}})
    }

    #[test]
    fn moderate_blocks_masks_and_allows() {
        let config = Config {
            block: vec!["spam".into()],
            mask: vec!["darn".into(), "坏蛋".into()],
            ..Config::default()
        };
        let custom = json!({"MsgType": "TIMCustomElem",
            "MsgContent": {"Data": "darn spam", "Desc": "", "Ext": ""}});
        assert_eq!(
            moderate(&config, &[text("buy spam now")]),
            Decision::Reject("spam".into())
        );
        assert_eq!(
            moderate(&config, &[text("darn it, 坏蛋!"), custom.clone()]),
            Decision::Replace(vec![text("**** it, **!"), custom.clone()])
        );
        assert_eq!(moderate(&config, &[text("hello"), custom]), Decision::Allow);
    }
}
