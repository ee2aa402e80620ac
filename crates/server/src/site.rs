//! What the built-in web pages need from the server besides the client protocol:
//!
//! - `GET /v1/web/config`: which app the pages talk to, whether the development helpers and
//!   the console are on, the demo room.
//! - The development helpers (`[web] dev_login`; by default only on a loopback listener with
//!   the generated development app): `POST /v1/web/dev-login` hands out a UserSig for any
//!   non-admin user, `POST /v1/web/dev-gift` sends a gift from the demo catalog, standing in
//!   for a platform's billing backend. They make a fresh server usable from a browser in a
//!   minute and are never meant for production.
//!
//! Answers use the REST envelope (`ActionStatus`, `ErrorCode`, `ErrorInfo`).

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{json, Value};
use std::net::{IpAddr, SocketAddr};

use liveroom_core::time::unix_secs;
use liveroom_core::{usersig, AppId, Error, GroupId, Service, UserId};
use liveroom_engine::Gift;

use crate::config::Reach;
use crate::rest::{envelope, failure, parse};
use crate::{bootstrap, AppState, Config};

/// How long a development UserSig is valid.
const DEV_SIG_SECS: u64 = 7 * 86_400;

/// The pages' switches, decided once from the configuration and the bound address.
#[derive(Debug, Clone)]
pub struct Site {
    /// The app the pages use: the development app, or the first configured one.
    pub app: Option<AppId>,
    /// The generated development app, when the server runs one.
    pub dev_app: Option<AppId>,
    /// Who may use the development helpers (only with `dev_app`).
    pub dev_login: Reach,
    /// Who may use the admin console.
    pub console: Reach,
}

impl Site {
    pub fn new(config: &Config, bound: SocketAddr, engine: &liveroom_engine::Engine) -> Self {
        let dev_app = if config.apps.is_empty() {
            let mut ids = engine.apps.ids();
            ids.sort();
            ids.into_iter()
                .find(|&id| engine.app(id).is_ok_and(|a| a.settings().development))
        } else {
            None
        };
        let app = match config.apps.first() {
            Some(a) => Some(AppId(a.sdkappid)),
            None => dev_app,
        };
        let dev_login = if dev_app.is_some() {
            config.dev_login_reach(bound)
        } else {
            Reach::Off
        };
        if dev_login == Reach::Anyone {
            tracing::warn!(
                addr = %bound,
                "the development helpers (/v1/web/dev-login) are on for every client that reaches this address"
            );
        }
        Self {
            app,
            dev_app,
            dev_login,
            console: config.console_reach(bound),
        }
    }

    /// Whether a request may use a door of this reach.
    pub fn admits(reach: Reach, headers: &HeaderMap) -> bool {
        match reach {
            Reach::Off => false,
            Reach::Local => looks_local(headers),
            Reach::Anyone => true,
        }
    }

    /// The development app, when this request may use the helpers: only pages of this
    /// server (a page elsewhere brings its own login and billing; and no other site may mint
    /// tickets through a visitor's browser).
    fn dev_app_for(&self, headers: &HeaderMap) -> Option<AppId> {
        self.dev_app
            .filter(|_| Self::admits(self.dev_login, headers) && same_origin(headers))
    }
}

/// Headers a proxy adds when it forwards a request.
const FORWARDING_HEADERS: [&str; 5] = [
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-real-ip",
];

/// A request that came straight to the loopback listener from this machine: its `Host` is a
/// loopback name or address and no proxy forwarded it. (A page of another site whose name
/// was rebound to 127.0.0.1 still sends its own name as `Host`.)
pub fn looks_local(headers: &HeaderMap) -> bool {
    if FORWARDING_HEADERS.iter().any(|h| headers.contains_key(*h)) {
        return false;
    }
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split_once(']').map_or("", |(name, _)| name),
        None => match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        },
    };
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A request without an `Origin`, or from a page of this server (the origin's host and port
/// are the request's `Host`).
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let origin = origin.to_str().unwrap_or("");
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .unwrap_or("");
    !host.is_empty() && authority.eq_ignore_ascii_case(host)
}

/// Requests that change something must be JSON: a form of another site cannot send that
/// without the browser asking first.
pub fn require_json(headers: &HeaderMap) -> Result<(), Error> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if json {
        Ok(())
    } else {
        Err(Error::InvalidParameter(
            "send this request as application/json".into(),
        ))
    }
}

/// `GET /v1/web/config`
///
/// Readable from any origin (it carries no secret), so a page elsewhere can find the app.
pub async fn web_config(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let site = &state.site;
    let mut response = envelope(
        Ok(json!({
            "SDKAppID": site.app.map(|a| a.0),
            "DevLogin": site.dev_app_for(&headers).is_some(),
            "Console": Site::admits(site.console, &headers),
            "DemoRoom": site.dev_app.map(|_| bootstrap::DEMO_ROOM),
        })),
        Service::Extension,
    );
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// The development app, or why the helpers are off (for this request).
fn dev_app(state: &AppState, headers: &HeaderMap) -> Result<AppId, Fail> {
    state.site.dev_app_for(headers).ok_or_else(|| {
        Fail::off("the development helpers are off (on by default only for requests to a loopback address, with the generated development app; see [web] dev_login)")
    })
}

/// A refusal and the HTTP status it goes out with (the envelope says the rest): 404 for a
/// door that is off, 401 before a console login, 200 for everything else, like REST.
pub struct Fail {
    pub status: StatusCode,
    pub error: Error,
}

impl From<Error> for Fail {
    fn from(error: Error) -> Self {
        Self {
            status: StatusCode::OK,
            error,
        }
    }
}

impl Fail {
    /// A door that is off for this request: 404.
    pub fn off(why: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            error: Error::PermissionDenied(why.into()),
        }
    }
}

/// The answer of a page endpoint: the envelope, with the refusal's status.
pub fn answer(result: Result<Value, Fail>) -> Response {
    match result {
        Ok(v) => envelope(Ok(v), Service::Extension),
        Err(Fail { status, error }) => {
            let mut response = failure(error, Service::Extension);
            *response.status_mut() = status;
            response
        }
    }
}

/// A request body that must be JSON (see [`require_json`]), read as `T`.
pub fn read_json<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Error> {
    require_json(headers)?;
    let value: Value =
        serde_json::from_slice(body).map_err(|e| Error::BodyNotJson(e.to_string()))?;
    parse(value)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DevLogin {
    #[serde(rename = "UserID")]
    user_id: String,
    #[serde(rename = "NickName", default)]
    nick: Option<String>,
}

/// `POST /v1/web/dev-login`
pub async fn dev_login(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    answer(dev_login_for(&state, &headers, &body).await)
}

async fn dev_login_for(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Value, Fail> {
    let app_id = dev_app(state, headers)?;
    let req: DevLogin = read_json(headers, body)?;
    let user = UserId::parse(&req.user_id)?;
    let app = state.engine.app(app_id)?;
    if app.is_admin(&user) {
        return Err(Error::PermissionDenied(format!(
            "{user} is an App admin; the development login is for ordinary users"
        ))
        .into());
    }
    let nick = req.nick.filter(|n| !n.is_empty());
    let known = !state
        .engine
        .existing_accounts(app_id, std::slice::from_ref(&user))
        .await?
        .is_empty();
    if !known || nick.is_some() {
        let account = liveroom_engine::ImportedAccount {
            user: user.clone(),
            nick,
            face_url: None,
        };
        state.engine.import_account(app_id, account).await?;
    }
    let sig = usersig::generate(
        app_id.0,
        app.secret_key(),
        user.as_str(),
        DEV_SIG_SECS,
        unix_secs(),
    );
    Ok(json!({"SDKAppID": app_id.0, "UserID": user.as_str(), "UserSig": sig}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DevGift {
    #[serde(rename = "UserID")]
    user_id: String,
    #[serde(rename = "UserSig")]
    user_sig: String,
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "GiftId")]
    gift_id: String,
    #[serde(rename = "Count", default = "one")]
    count: u32,
    #[serde(rename = "GiftKey", default)]
    key: Option<String>,
}

fn one() -> u32 {
    1
}

/// One gift of the demo catalog (`/static/gifts.json`).
#[derive(Deserialize)]
struct CatalogGift {
    #[serde(rename = "GiftId")]
    id: String,
    #[serde(rename = "GiftName")]
    name: String,
    #[serde(rename = "GiftType")]
    gift_type: u8,
    #[serde(rename = "Value")]
    value: u64,
    #[serde(rename = "EffectUrl", default)]
    effect_url: String,
}

/// Most gifts one development gift call may give.
const DEV_GIFT_COUNT_MAX: u32 = 99;

/// `POST /v1/web/dev-gift`
pub async fn dev_gift(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    answer(dev_gift_for(&state, &headers, &body).await)
}

async fn dev_gift_for(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Value, Fail> {
    let app_id = dev_app(state, headers)?;
    let req: DevGift = read_json(headers, body)?;
    let user = UserId::parse(&req.user_id)?;
    let group = GroupId::parse(&req.group_id)?;
    let app = state.engine.app(app_id)?;
    app.verify_sig(user.as_str(), &req.user_sig, unix_secs())?;
    if req.count == 0 || req.count > DEV_GIFT_COUNT_MAX {
        return Err(Fail::from(Error::InvalidParameter(format!(
            "Count must be 1 to {DEV_GIFT_COUNT_MAX}"
        ))));
    }
    let catalog = crate::web::static_file("gifts.json")
        .ok_or_else(|| Error::NotSupported("this server was built without its web pages".into()))?;
    let catalog: Vec<CatalogGift> =
        serde_json::from_slice(&catalog).map_err(|_| Error::Internal)?;
    let item = catalog
        .into_iter()
        .find(|g| g.id == req.gift_id)
        .ok_or_else(|| {
            Error::InvalidParameter(format!(
                "GiftId {:?} is not in the demo catalog",
                req.gift_id
            ))
        })?;
    let gift = Gift {
        from: user,
        gift_id: item.id,
        name: item.name,
        gift_type: item.gift_type,
        count: req.count,
        value: item.value,
        effect_url: item.effect_url,
        key: req.key,
    };
    let receipt = state.engine.send_gift(app_id, &group, gift).await?;
    Ok(json!({
        "ComboId": receipt.combo_id,
        "ComboCount": receipt.combo_count,
        "Duplicate": receipt.duplicate,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_direct_loopback_requests_look_local() {
        for host in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST",
            "[::1]:8080",
            "127.0.0.2",
        ] {
            assert!(looks_local(&with(&[("host", host)])), "{host}");
        }
        for host in [
            "attacker.example",
            "attacker.example:8080",
            "10.0.0.1:8080",
            "[::1",
            "",
        ] {
            assert!(!looks_local(&with(&[("host", host)])), "{host}");
        }
        assert!(!looks_local(&HeaderMap::new()), "no Host");
        assert!(!looks_local(&with(&[
            ("host", "127.0.0.1:8080"),
            ("x-forwarded-for", "203.0.113.9")
        ])));
        assert!(!looks_local(&with(&[
            ("host", "localhost"),
            ("forwarded", "for=203.0.113.9")
        ])));
    }

    #[test]
    fn only_this_servers_pages_are_the_same_origin() {
        assert!(same_origin(&with(&[("host", "127.0.0.1:8080")])));
        assert!(same_origin(&with(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ])));
        for origin in [
            "http://127.0.0.1:9000",
            "https://evil.example",
            "null",
            "127.0.0.1:8080",
        ] {
            assert!(
                !same_origin(&with(&[("host", "127.0.0.1:8080"), ("origin", origin)])),
                "{origin}"
            );
        }
    }
}
