//! The compatible REST admin API: `POST /v4/<service>/<command>?sdkappid=&identifier=&usersig=&random=&contenttype=json`
//! (`GET` is served the same way).
//!
//! Every answer carries the reference envelope (`ActionStatus`, `ErrorCode`, `ErrorInfo`)
//! plus the command's fields, with HTTP 200 once the path names a service and command (a
//! wrong method or a path of another shape keeps its 405 or 404). The caller must be an App
//! admin with a valid UserSig. Bodies are read strictly ([`body`]): malformed JSON, wrong
//! types and unknown commands get coded errors and change nothing. The commands served are
//! listed once, in [`router`]'s table of endpoints, which also runs them. One file per
//! resource; each handler's doc comment starts with its path and answers a typed view.

mod accounts;
mod apps;
pub mod body;
mod chat;
mod conversations;
mod draw;
mod filter;
mod gifts;
mod group_features;
mod group_members;
mod groups;
pub(crate) mod live;
mod members;
mod messages;
mod moderation;
mod profile;
mod router;
mod sns;
mod stats;
mod topics;

use axum::body::{to_bytes, Body};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{json, Value};
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
    /// The caller's address, as webhooks' `ClientIP` (with `OptPlatform` `RESTAPI`).
    pub origin: Origin,
    /// The error table of the service the command was called under.
    pub service: Service,
}

impl Cx {
    pub fn app_id(&self) -> AppId {
        self.app.id
    }

    /// A command's result in the envelope.
    pub fn answer<T: Serialize>(&self, result: Result<T, Error>) -> Response {
        envelope(result, self.service)
    }
}

pub use body::parse;
pub use router::commands;

/// The REST caller as the actor on a group: the app's administrator, or `From_Account` when
/// the request impersonates a user (its rights then apply).
pub(crate) fn actor(
    cx: &Cx,
    from: Option<&str>,
) -> Result<liveroom_engine::group_chat::Actor, Error> {
    use liveroom_engine::group_chat::Actor;
    Ok(match from.filter(|f| !f.is_empty()) {
        Some(f) => {
            let user = UserId::parse(f)?;
            Actor {
                app_admin: cx.app.is_admin(&user),
                user,
                by_client: false,
                origin: cx.origin.clone(),
            }
        }
        None => Actor {
            user: cx.identifier.clone(),
            app_admin: true,
            by_client: false,
            origin: cx.origin.clone(),
        },
    })
}

pub fn group_id(raw: &str) -> Result<GroupId, Error> {
    GroupId::parse(raw)
}

pub fn user_ids(raw: &[String]) -> Result<Vec<UserId>, Error> {
    raw.iter().map(|u| UserId::parse(u)).collect()
}

/// The reference envelope and, after it, the command's fields.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Envelope<'a, T> {
    action_status: &'static str,
    error_code: i32,
    error_info: String,
    #[serde(flatten)]
    fields: Option<&'a T>,
}

/// An answer in the envelope (HTTP 200): the fields of a result, or an error's code in
/// `service`'s table and its text.
pub(crate) fn envelope<T: Serialize>(result: Result<T, Error>, service: Service) -> Response {
    let body = match &result {
        Ok(fields) => serde_json::to_vec(&Envelope {
            action_status: "OK",
            error_code: 0,
            error_info: String::new(),
            fields: Some(fields),
        }),
        Err(e) => serde_json::to_vec(&Envelope::<()> {
            action_status: "FAIL",
            error_code: e.code(service),
            error_info: e.to_string(),
            fields: None,
        }),
    };
    match body {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "an answer could not be written as JSON");
            failure(Error::Internal, service)
        }
    }
}

/// An error in the envelope (HTTP 200).
pub(crate) fn failure(error: Error, service: Service) -> Response {
    envelope(Err::<(), _>(error), service)
}

fn query_map(raw: Option<&str>) -> HashMap<String, String> {
    raw.map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

/// An answer refused before any command ran, with the HTTP status of a transport-level
/// failure (405, 404, 414, ...) and the envelope in its body.
pub(crate) fn refusal(status: StatusCode, error: Error, service: Service) -> Response {
    let mut response = failure(error, service);
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
        return failure(
            Error::UnknownPath("the service and command in the URL are not valid UTF-8".into()),
            Service::Extension,
        );
    };
    let (endpoint, service) = match router::Endpoint::parse(&service_name, &command) {
        Ok(route) => route,
        Err((error, table)) => return failure(error, table),
    };
    let request = async {
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
            origin: Origin::rest(&client_ip.to_string()),
            service,
        };
        Ok((cx, body))
    }
    .await;
    match request {
        Ok((cx, body)) => endpoint.run(&cx, body).await,
        Err(e) => failure(e, service),
    }
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
