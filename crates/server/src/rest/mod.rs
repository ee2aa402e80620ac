//! The compatible REST admin API: `POST /v4/<service>/<command>?sdkappid=&identifier=&usersig=&random=&contenttype=json`
//! (`GET` is served the same way).
//!
//! Every answer carries the reference envelope (`ActionStatus`, `ErrorCode`, `ErrorInfo`)
//! plus the command's fields, with HTTP 200 once the path names a service and command (a
//! wrong method or a path of another shape keeps its 405 or 404). The caller must be an App
//! admin with a valid UserSig. Bodies are read strictly ([`body`]): malformed JSON, wrong
//! types and unknown commands get coded errors and change nothing. One file per resource;
//! each handler's doc comment starts with its path.

mod accounts;
mod apps;
pub mod body;
mod draw;
mod filter;
mod gifts;
mod groups;
pub(crate) mod live;
mod members;
mod messages;
mod moderation;
mod profile;
mod stats;

use axum::body::{to_bytes, Body};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

use liveroom_core::{AppId, Error, GroupId, Service, UserId};
use liveroom_engine::apps::App;
use liveroom_engine::hooks::Origin;
use liveroom_engine::Engine;

use crate::proxy::ClientIp;
use crate::AppState;

/// Largest request body accepted, bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What a handler knows about its caller.
pub struct Cx {
    pub engine: Arc<Engine>,
    pub app: Arc<App>,
    /// The admin identifier from the query string.
    pub identifier: UserId,
    /// The legacy name the command was called by, when it has two.
    pub command: String,
    /// The caller's address, as webhooks' `ClientIP` (with `OptPlatform` `RESTAPI`).
    pub origin: Origin,
}

impl Cx {
    pub fn app_id(&self) -> AppId {
        self.app.id
    }
}

pub use body::parse;

pub fn group_id(raw: &str) -> Result<GroupId, Error> {
    GroupId::parse(raw)
}

pub fn user_ids(raw: &[String]) -> Result<Vec<UserId>, Error> {
    raw.iter().map(|u| UserId::parse(u)).collect()
}

/// Liveroom's own commands.
const EXT: &str = "liveroom_ext";

fn service_of(name: &str) -> Option<Service> {
    Some(match name {
        "im_open_login_svc" => Service::Account,
        "profile" => Service::Profile,
        "group_open_http_svc" | "group_open_avchatroom_http_svc" => Service::Group,
        EXT => Service::Extension,
        _ => return None,
    })
}

pub(crate) fn envelope(result: Result<Value, Error>, service: Service) -> Response {
    let mut out = Map::new();
    match result {
        Ok(v) => {
            out.insert("ActionStatus".into(), json!("OK"));
            out.insert("ErrorCode".into(), json!(0));
            out.insert("ErrorInfo".into(), json!(""));
            if let Value::Object(fields) = v {
                out.extend(fields);
            }
        }
        Err(e) => {
            out.insert("ActionStatus".into(), json!("FAIL"));
            out.insert("ErrorCode".into(), json!(e.code(service)));
            out.insert("ErrorInfo".into(), json!(e.to_string()));
        }
    }
    (StatusCode::OK, axum::Json(Value::Object(out))).into_response()
}

fn query_map(raw: Option<&str>) -> HashMap<String, String> {
    raw.map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

/// An answer refused before any command ran, with the HTTP status of a transport-level
/// failure (405, 404, 414, ...) and the envelope in its body.
pub(crate) fn refusal(status: StatusCode, error: Error, service: Service) -> Response {
    let mut response = envelope(Err(error), service);
    *response.status_mut() = status;
    response
}

/// `POST /v4/{service}/{command}` (and `GET`, which some clients send with the same body)
pub async fn dispatch(
    State(state): State<AppState>,
    ClientIp(client_ip): ClientIp,
    method: Method,
    path: Result<Path<(String, String)>, PathRejection>,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    if method != Method::POST && method != Method::GET {
        let mut r = refusal(
            StatusCode::METHOD_NOT_ALLOWED,
            Error::MethodNotAllowed(format!(
                "method {method} is not served here; send POST (or GET) with a JSON body"
            )),
            Service::Extension,
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
        return r;
    }
    let Ok(Path((service_name, command))) = path else {
        return envelope(
            Err(Error::UnknownPath(
                "the service and command in the URL are not valid UTF-8".into(),
            )),
            Service::Extension,
        );
    };
    let Some(service) = service_of(&service_name) else {
        return envelope(
            Err(Error::UnknownCommand(format!("{service_name}/{command}"))),
            Service::Extension,
        );
    };
    if !is_known(&service_name, &command) {
        return envelope(
            Err(Error::UnknownCommand(format!("{service_name}/{command}"))),
            service,
        );
    }
    let result = async {
        let q = query_map(query.as_deref());
        let sdkappid = q.get("sdkappid").ok_or(Error::MissingAppId)?;
        let sdkappid: u64 = sdkappid.parse().map_err(|_| {
            Error::InvalidParameter(format!("sdkappid {sdkappid:?} is not a number"))
        })?;
        let identifier = q.get("identifier").map(String::as_str).unwrap_or("");
        let usersig = q.get("usersig").map(String::as_str).unwrap_or("");
        if identifier.is_empty() {
            return Err(Error::InvalidParameter(
                "identifier is missing from the URL".into(),
            ));
        }
        let app = state
            .engine
            .authenticate_admin(AppId(sdkappid), identifier, usersig, Some(client_ip))
            .await?;
        let bytes = to_bytes(body, MAX_BODY_BYTES)
            .await
            .map_err(|_| Error::BodyTooLarge {
                limit: MAX_BODY_BYTES,
            })?;
        let body: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
            json!({})
        } else {
            serde_json::from_slice(&bytes).map_err(|e| Error::BodyNotJson(e.to_string()))?
        };
        if !body.is_object() {
            return Err(Error::BodyNotJson("the body must be a JSON object".into()));
        }
        let cx = Cx {
            engine: state.engine.clone(),
            app,
            identifier: UserId::parse(identifier)?,
            command: command.clone(),
            origin: Origin::rest(&client_ip.to_string()),
        };
        run(&cx, &service_name, &command, body).await
    }
    .await;
    envelope(result, service)
}

/// Any other path under `/v4`: 404, in the envelope (60009).
pub async fn unknown_path(uri: Uri) -> Response {
    refusal(
        StatusCode::NOT_FOUND,
        Error::UnknownPath(format!(
            "{} is not a REST path; the form is /v4/<service>/<command>",
            uri.path()
        )),
        Service::Extension,
    )
}

const COMMANDS: &[(&str, &[&str])] = &[
    (
        "im_open_login_svc",
        &[
            "account_import",
            "multiaccount_import",
            "account_check",
            "account_delete",
            "kick",
        ],
    ),
    ("profile", &["portrait_get", "portrait_set"]),
    (
        "group_open_http_svc",
        &[
            "create_group",
            "destroy_group",
            "get_group_info",
            "get_appid_group_list",
            "modify_group_base_info",
            "add_group_member",
            "delete_group_member",
            "send_group_msg",
            "send_group_system_notification",
            "send_broadcast_msg",
            "group_msg_get_simple",
            "group_msg_recall",
            "forbid_send_msg",
            "get_group_muted_account",
            "get_group_shutted_uin",
            "ban_group_member",
            "unban_group_member",
            "get_group_ban_member",
            "get_online_member_num",
            "get_role_in_group",
        ],
    ),
    (
        "group_open_avchatroom_http_svc",
        &[
            "get_members",
            "check_members",
            "modify_admin",
            "get_admin_list",
        ],
    ),
    (
        EXT,
        &[
            "get_group_custom_fields",
            "set_group_custom_fields",
            "get_app_settings",
            "set_app_settings",
            "get_webhook",
            "set_webhook",
            "get_word_filter",
            "set_word_filter",
            "add_filter_words",
            "delete_filter_words",
            "set_live_state",
            "get_live_states",
            "pin_item",
            "unpin_item",
            "get_pinned_items",
            "send_gift",
            "start_draw",
            "get_draw",
            "get_room_stats",
            "get_user_stats",
        ],
    ),
];

fn is_known(service: &str, command: &str) -> bool {
    COMMANDS
        .iter()
        .any(|(s, cmds)| *s == service && cmds.contains(&command))
}

async fn run(cx: &Cx, service: &str, command: &str, body: Value) -> Result<Value, Error> {
    match (service, command) {
        ("im_open_login_svc", "account_import") => accounts::account_import(cx, body).await,
        ("im_open_login_svc", "multiaccount_import") => {
            accounts::multiaccount_import(cx, body).await
        }
        ("im_open_login_svc", "account_check") => accounts::account_check(cx, body).await,
        ("im_open_login_svc", "account_delete") => accounts::account_delete(cx, body).await,
        ("im_open_login_svc", "kick") => accounts::kick(cx, body).await,
        ("profile", "portrait_get") => profile::portrait_get(cx, body).await,
        ("profile", "portrait_set") => profile::portrait_set(cx, body).await,
        ("group_open_http_svc", "create_group") => groups::create_group(cx, body).await,
        ("group_open_http_svc", "destroy_group") => groups::destroy_group(cx, body).await,
        ("group_open_http_svc", "get_group_info") => groups::get_group_info(cx, body).await,
        ("group_open_http_svc", "get_appid_group_list") => {
            groups::get_appid_group_list(cx, body).await
        }
        ("group_open_http_svc", "modify_group_base_info") => {
            groups::modify_group_base_info(cx, body).await
        }
        ("group_open_http_svc", "add_group_member") => members::add_group_member(cx, body).await,
        ("group_open_http_svc", "delete_group_member") => {
            members::delete_group_member(cx, body).await
        }
        ("group_open_http_svc", "get_online_member_num") => {
            members::get_online_member_num(cx, body).await
        }
        ("group_open_avchatroom_http_svc", "get_members") => members::get_members(cx, body).await,
        ("group_open_avchatroom_http_svc", "check_members") => {
            members::check_members(cx, body).await
        }
        ("group_open_http_svc", "send_group_msg") => messages::send_group_msg(cx, body).await,
        ("group_open_http_svc", "send_group_system_notification") => {
            messages::send_group_system_notification(cx, body).await
        }
        ("group_open_http_svc", "send_broadcast_msg") => {
            messages::send_broadcast_msg(cx, body).await
        }
        ("group_open_http_svc", "group_msg_get_simple") => {
            messages::group_msg_get_simple(cx, body).await
        }
        ("group_open_http_svc", "group_msg_recall") => messages::group_msg_recall(cx, body).await,
        ("group_open_http_svc", "forbid_send_msg") => moderation::forbid_send_msg(cx, body).await,
        ("group_open_http_svc", "get_group_muted_account" | "get_group_shutted_uin") => {
            moderation::get_group_muted_account(cx, body).await
        }
        ("group_open_http_svc", "ban_group_member") => moderation::ban_group_member(cx, body).await,
        ("group_open_http_svc", "unban_group_member") => {
            moderation::unban_group_member(cx, body).await
        }
        ("group_open_http_svc", "get_group_ban_member") => {
            moderation::get_group_ban_member(cx, body).await
        }
        (EXT, "get_group_custom_fields") => apps::get_group_custom_fields(cx, body).await,
        (EXT, "set_group_custom_fields") => apps::set_group_custom_fields(cx, body).await,
        (EXT, "get_app_settings") => apps::get_app_settings(cx, body).await,
        (EXT, "set_app_settings") => apps::set_app_settings(cx, body).await,
        (EXT, "get_webhook") => apps::get_webhook(cx, body).await,
        (EXT, "set_webhook") => apps::set_webhook(cx, body).await,
        (EXT, "get_word_filter") => filter::get_word_filter(cx, body).await,
        (EXT, "set_word_filter") => filter::set_word_filter(cx, body).await,
        (EXT, "add_filter_words") => filter::add_filter_words(cx, body).await,
        (EXT, "delete_filter_words") => filter::delete_filter_words(cx, body).await,
        (EXT, "set_live_state") => live::set_live_state(cx, body).await,
        (EXT, "get_live_states") => live::get_live_states(cx, body).await,
        (EXT, "pin_item") => live::pin_item(cx, body).await,
        (EXT, "unpin_item") => live::unpin_item(cx, body).await,
        (EXT, "get_pinned_items") => live::get_pinned_items(cx, body).await,
        (EXT, "send_gift") => gifts::send_gift(cx, body).await,
        (EXT, "start_draw") => draw::start_draw(cx, body).await,
        (EXT, "get_draw") => draw::get_draw(cx, body).await,
        (EXT, "get_room_stats") => stats::get_room_stats(cx, body).await,
        (EXT, "get_user_stats") => stats::get_user_stats(cx, body).await,
        ("group_open_avchatroom_http_svc", "modify_admin") => {
            moderation::modify_admin(cx, body).await
        }
        ("group_open_avchatroom_http_svc", "get_admin_list") => {
            moderation::get_admin_list(cx, body).await
        }
        ("group_open_http_svc", "get_role_in_group") => {
            moderation::get_role_in_group(cx, body).await
        }
        _ => Err(Error::UnknownCommand(format!("{service}/{command}"))),
    }
}

/// Every `(service, command)` pair served, for docs and tests.
pub fn commands() -> impl Iterator<Item = (&'static str, &'static str)> {
    COMMANDS
        .iter()
        .flat_map(|(s, cmds)| cmds.iter().map(move |c| (*s, *c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        let q = query_map(Some(
            "sdkappid=1&identifier=admin%5F1&usersig=a*b-c_&random=9&x=%zz+y",
        ));
        assert_eq!(q["identifier"], "admin_1");
        assert_eq!(q["usersig"], "a*b-c_");
        assert_eq!(q["x"], "%zz y");
        assert!(query_map(None).is_empty());
    }
}
