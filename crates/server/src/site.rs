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
use axum::http::StatusCode;
use axum::response::Response;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{json, Value};
use std::net::SocketAddr;

use liveroom_core::time::unix_secs;
use liveroom_core::{usersig, AppId, Error, GroupId, Service, UserId};
use liveroom_engine::Gift;

use crate::rest::{envelope, parse};
use crate::{bootstrap, AppState, Config};

/// How long a development UserSig is valid.
const DEV_SIG_SECS: u64 = 7 * 86_400;

/// The pages' switches, decided once from the configuration and the bound address.
#[derive(Debug, Clone)]
pub struct Site {
    /// The app the pages use: the development app, or the first configured one.
    pub app: Option<AppId>,
    /// The development helpers are on (then `app` is set).
    pub dev_login: bool,
    /// The admin console is served.
    pub console: bool,
    /// The demo room exists (a development app).
    pub demo_room: bool,
}

impl Site {
    pub fn new(config: &Config, bound: SocketAddr, engine: &liveroom_engine::Engine) -> Self {
        let dev_app = config.apps.is_empty();
        let app = match config.apps.first() {
            Some(a) => Some(AppId(a.sdkappid)),
            None => engine.apps.ids().first().copied(),
        };
        let dev_login = config.dev_login_enabled(bound) && app.is_some();
        if dev_login && !bound.ip().is_loopback() {
            tracing::warn!(
                addr = %bound,
                "the development helpers (/v1/web/dev-login) are on at a non-loopback address"
            );
        }
        Self {
            app,
            dev_login,
            console: config.console_enabled(bound),
            demo_room: dev_app && app.is_some(),
        }
    }
}

/// `GET /v1/web/config`
pub async fn web_config(State(state): State<AppState>) -> Response {
    let site = &state.site;
    envelope(
        Ok(json!({
            "SDKAppID": site.app.map(|a| a.0),
            "DevLogin": site.dev_login,
            "Console": site.console,
            "DemoRoom": site.demo_room.then_some(bootstrap::DEMO_ROOM),
        })),
        Service::Extension,
    )
}

/// The development app, or why the helpers are off.
fn dev_app(state: &AppState) -> Result<AppId, Error> {
    match (state.site.dev_login, state.site.app) {
        (true, Some(app)) => Ok(app),
        _ => Err(Error::PermissionDenied(
            "the development helpers are off (on by default only on a loopback address with the generated development app; see [web] dev_login)".into(),
        )),
    }
}

fn body_json(body: &Bytes) -> Result<Value, Error> {
    serde_json::from_slice(body).map_err(|e| Error::BodyNotJson(e.to_string()))
}

/// The answer of a helper: 404 when the helpers are off, the envelope otherwise.
fn answer(result: Result<Value, Error>) -> Response {
    let off = matches!(&result, Err(Error::PermissionDenied(m)) if m.starts_with("the development helpers are off"));
    let mut response = envelope(result, Service::Extension);
    if off {
        *response.status_mut() = StatusCode::NOT_FOUND;
    }
    response
}

#[derive(Deserialize)]
struct DevLogin {
    #[serde(rename = "UserID")]
    user_id: String,
    #[serde(rename = "NickName", default)]
    nick: Option<String>,
}

/// `POST /v1/web/dev-login`
pub async fn dev_login(State(state): State<AppState>, body: Bytes) -> Response {
    answer(
        async {
            let app_id = dev_app(&state)?;
            let req: DevLogin = parse(body_json(&body)?)?;
            let user = UserId::parse(&req.user_id)?;
            let app = state.engine.app(app_id)?;
            if app.is_admin(&user) {
                return Err(Error::PermissionDenied(format!(
                    "{user} is an App admin; the development login is for ordinary users"
                )));
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
        .await,
    )
}

#[derive(Deserialize)]
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
pub async fn dev_gift(State(state): State<AppState>, body: Bytes) -> Response {
    answer(
        async {
            let app_id = dev_app(&state)?;
            let req: DevGift = parse(body_json(&body)?)?;
            let user = UserId::parse(&req.user_id)?;
            let group = GroupId::parse(&req.group_id)?;
            let app = state.engine.app(app_id)?;
            app.verify_sig(user.as_str(), &req.user_sig, unix_secs())?;
            if req.count == 0 || req.count > DEV_GIFT_COUNT_MAX {
                return Err(Error::InvalidParameter(format!(
                    "Count must be 1 to {DEV_GIFT_COUNT_MAX}"
                )));
            }
            let catalog = crate::web::static_file("gifts.json").ok_or_else(|| {
                Error::NotSupported("this server was built without its web pages".into())
            })?;
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
        .await,
    )
}
