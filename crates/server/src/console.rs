//! The admin console's door (`/admin` and `/v1/console/...`).
//!
//! The console is on by default only when the server listens on a loopback address
//! (`[console] enabled` changes that), and it always asks for an admin login: the console
//! password from the configuration (sees every app) or an App admin's UserSig (sees that
//! app). A login yields a session cookie (`HttpOnly`, `SameSite=Strict`, 8 hours); with it
//! the console lists apps (their keys only for a password login, an App admin's ticket
//! expires and a key would not; the development app's key for any login) and gets short-lived admin UserSigs, with which the page calls
//! the ordinary REST API like any backend. An App admin's login ends with its ticket, or as
//! soon as the account stops being an App admin.
//!
//! - `GET /v1/console/status`: `Enabled` (always `true`: where the console is off, this door
//!   answers 404 like the others), `LoggedIn`, `PasswordLogin`.
//! - `POST /v1/console/login`: `{"Password"}` or `{"SDKAppID", "Identifier", "UserSig"}`.
//! - `POST /v1/console/logout`.
//! - `GET /v1/console/apps`: `Apps: [{SDKAppID, SecretKey, Admins}]`.
//! - `POST /v1/console/usersig`: `{"SDKAppID"}` -> `Identifier`, `UserSig` (one hour).
//!
//! Posts must be `application/json` (a cross-site form cannot send that without the
//! browser asking first); failed logins are limited per client address; where the console
//! is on only by default (a loopback listener), only requests that look local reach it
//! (see `site::looks_local`).

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use dashmap::DashMap;
use parking_lot::Mutex;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

use liveroom_core::time::unix_secs;
use liveroom_core::{usersig, AppId, Error, Service, UserId};

use crate::proxy::ClientIp;
use crate::rest::envelope;
use crate::site::{answer, read_json, require_json, Fail, Site};
use crate::AppState;

/// The session cookie's name.
pub const COOKIE: &str = "liveroom_console";
/// How long a console login lasts.
const SESSION_TTL: Duration = Duration::from_secs(8 * 3600);
/// Most console sessions at once (the oldest go first beyond it).
const SESSIONS_MAX: usize = 1000;
/// Failed logins allowed per minute from one client address.
const FAILURES_PER_MINUTE: u32 = 10;
/// Client addresses whose failures are remembered at once.
const FAILING_CLIENTS_MAX: usize = 10_000;
/// How long an admin UserSig handed to the console is valid.
const CONSOLE_SIG_SECS: u64 = 3600;

/// What a console login may see.
#[derive(Debug, Clone)]
struct Session {
    /// `None`: every app (password login); `Some`: that app only, as that admin.
    scope: Option<(AppId, UserId)>,
    expires: Instant,
}

/// Console logins in memory (a restart logs everyone out).
#[derive(Default)]
pub struct Sessions {
    by_token: DashMap<String, Session>,
    /// Failed logins per client address: when its minute started, how many.
    failures: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Sessions {
    fn get(&self, token: &str) -> Option<Session> {
        let s = self.by_token.get(token)?.clone();
        if s.expires <= Instant::now() {
            self.by_token.remove(token);
            return None;
        }
        Some(s)
    }

    fn open(&self, session: Session) -> String {
        let now = Instant::now();
        self.by_token.retain(|_, s| s.expires > now);
        if self.by_token.len() >= SESSIONS_MAX {
            let oldest = self
                .by_token
                .iter()
                .min_by_key(|e| e.value().expires)
                .map(|e| e.key().clone());
            if let Some(k) = oldest {
                self.by_token.remove(&k);
            }
        }
        let token: String = (0..32)
            .map(|_| format!("{:02x}", rand::random::<u8>()))
            .collect();
        self.by_token.insert(token.clone(), session);
        token
    }

    /// Refuses a login attempt from `client` when its minute's failed logins are used up.
    fn attempt(&self, client: IpAddr) -> Result<(), Error> {
        let f = self.failures.lock();
        match f.get(&client) {
            Some((since, n))
                if since.elapsed() < Duration::from_secs(60) && *n >= FAILURES_PER_MINUTE =>
            {
                Err(Error::RateLimited)
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed login from `client`.
    fn failed(&self, client: IpAddr) {
        let mut f = self.failures.lock();
        if f.len() >= FAILING_CLIENTS_MAX {
            f.retain(|_, (since, _)| since.elapsed() < Duration::from_secs(60));
            if f.len() >= FAILING_CLIENTS_MAX {
                // A flood from many addresses: start over rather than grow.
                f.clear();
            }
        }
        let entry = f.entry(client).or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= Duration::from_secs(60) {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
    }
}

fn token_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

fn session_of(state: &AppState, headers: &HeaderMap) -> Result<Session, Fail> {
    off_unless_enabled(state, headers)?;
    let not_in = || Fail {
        status: StatusCode::UNAUTHORIZED,
        error: Error::PermissionDenied("log in to the console first".into()),
    };
    let token = token_of(headers).ok_or_else(not_in)?;
    let session = state.console.get(&token).ok_or_else(not_in)?;
    // An App admin's login lasts while the account is still an App admin.
    if let Some((app, admin)) = &session.scope {
        if !state.engine.app(*app).is_ok_and(|a| a.is_admin(admin)) {
            state.console.by_token.remove(&token);
            return Err(not_in());
        }
    }
    Ok(session)
}

const OFF: &str = "the admin console is off at this address (it is on by default only on a loopback address; see [console] in the configuration)";

fn off_unless_enabled(state: &AppState, headers: &HeaderMap) -> Result<(), Fail> {
    if Site::admits(state.site.console, headers) {
        Ok(())
    } else {
        Err(Fail::off(OFF))
    }
}

/// A console request's JSON body; an empty one reads as `{}`.
fn read_body<T: serde::de::DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, Error> {
    read_json(headers, if body.is_empty() { b"{}" } else { body })
}

/// The session cookie; `Secure` when a TLS-terminating proxy says the browser used HTTPS.
fn cookie(value: &str, max_age: u64, headers: &HeaderMap) -> Option<HeaderValue> {
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
        || headers
            .get(header::FORWARDED)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("proto=https"));
    let secure = if https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .ok()
}

/// Compares a password with the configured one in time independent of where they differ.
fn password_matches(given: &str, expected: &str) -> bool {
    let a = Sha256::digest(given.as_bytes());
    let b = Sha256::digest(expected.as_bytes());
    a.ct_eq(&b).into()
}

/// `GET /v1/console/status`
///
/// Like every console door, 404 when the console is off for this request: a server that
/// does not serve the console to a client does not tell it whether a password is set.
pub async fn status(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(off) = off_unless_enabled(&state, &headers) {
        return answer(Err(off));
    }
    let logged_in = session_of(&state, &headers).is_ok();
    envelope(
        Ok(json!({
            "Enabled": true,
            "LoggedIn": logged_in,
            "PasswordLogin": state.config.console.password.is_some(),
        })),
        Service::Extension,
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    #[serde(rename = "Password", default)]
    password: Option<String>,
    #[serde(rename = "SDKAppID", default)]
    sdk_app_id: Option<u64>,
    #[serde(rename = "Identifier", default)]
    identifier: Option<String>,
    #[serde(rename = "UserSig", default)]
    user_sig: Option<String>,
}

/// `POST /v1/console/login`
pub async fn login(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = async {
        off_unless_enabled(&state, &headers)?;
        let req: Login = read_body(&headers, &body)?;
        state.console.attempt(client)?;
        let mut expires = Instant::now() + SESSION_TTL;
        let scope = match (
            &req.password,
            req.sdk_app_id,
            &req.identifier,
            &req.user_sig,
        ) {
            (Some(p), None, None, None) => {
                let ok = state
                    .config
                    .console
                    .password
                    .as_deref()
                    .is_some_and(|expected| password_matches(p, expected));
                if !ok {
                    state.console.failed(client);
                    return Err(Error::PermissionDenied(
                        "wrong console password (or no password is configured)".into(),
                    )
                    .into());
                }
                None
            }
            (None, Some(app), Some(identifier), Some(sig)) => {
                match admin_ticket(&state, AppId(app), identifier, sig) {
                    Ok((admin, sig_expires)) => {
                        // The login lasts no longer than the ticket it was made with.
                        expires = expires.min(sig_expires);
                        Some((AppId(app), admin))
                    }
                    Err(e) => {
                        state.console.failed(client);
                        return Err(e.into());
                    }
                }
            }
            _ => {
                return Err(Error::InvalidParameter(
                    "log in with Password, or with SDKAppID, Identifier and UserSig".into(),
                )
                .into())
            }
        };
        let token = state.console.open(Session { scope, expires });
        Ok::<_, Fail>((token, expires.saturating_duration_since(Instant::now())))
    }
    .await;
    match result {
        Ok((token, lasts)) => {
            let mut r = envelope(Ok(json!({})), Service::Extension);
            if let Some(c) = cookie(&token, lasts.as_secs(), &headers) {
                r.headers_mut().insert(header::SET_COOKIE, c);
            }
            r
        }
        Err(e) => answer(Err(e)),
    }
}

/// Checks an App admin's UserSig: the admin and when the ticket expires.
fn admin_ticket(
    state: &AppState,
    app: AppId,
    identifier: &str,
    sig: &str,
) -> Result<(UserId, Instant), Error> {
    let record = state.engine.app(app)?;
    let now = unix_secs();
    let ticket = record.verify_sig(identifier, sig, now)?;
    let admin = UserId::parse(identifier)?;
    if !record.is_admin(&admin) {
        return Err(Error::NotAppAdmin(identifier.to_string()));
    }
    let left = u64::try_from(ticket.expires_at().saturating_sub(now)).unwrap_or(0);
    Ok((admin, Instant::now() + Duration::from_secs(left)))
}

/// `POST /v1/console/logout`
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(e) = require_json(&headers) {
        return answer(Err(e.into()));
    }
    if let Some(t) = token_of(&headers) {
        state.console.by_token.remove(&t);
    }
    let mut r = envelope(Ok(json!({})), Service::Extension);
    if let Some(c) = cookie("", 0, &headers) {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

/// `GET /v1/console/apps`
pub async fn apps(State(state): State<AppState>, headers: HeaderMap) -> Response {
    answer((|| {
        let session = session_of(&state, &headers)?;
        let mut ids = state.engine.apps.ids();
        ids.sort();
        let apps: Vec<Value> = ids
            .into_iter()
            .filter(|id| session.scope.as_ref().is_none_or(|(a, _)| a == id))
            .filter_map(|id| state.engine.app(id).ok())
            .map(|app| {
                // The key is the app itself: only the console password shows it (an App
                // admin's ticket expires; the key would not), or the development app's, which
                // the server prints at start anyway.
                let shown = session.scope.is_none() || app.settings().development;
                let key = shown.then(|| app.secret_key());
                json!({
                    "SDKAppID": app.id.0,
                    "SecretKey": key,
                    "Admins": app.admins().iter().map(|u| u.as_str().to_string()).collect::<Vec<_>>(),
                })
            })
            .collect();
        Ok(json!({ "Apps": apps }))
    })())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SigRequest {
    #[serde(rename = "SDKAppID")]
    sdk_app_id: u64,
}

/// `POST /v1/console/usersig`
pub async fn user_sig(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    answer((|| {
        let session = session_of(&state, &headers)?;
        let req: SigRequest = read_body(&headers, &body)?;
        let id = AppId(req.sdk_app_id);
        let admin = match &session.scope {
            Some((app, admin)) if *app == id => admin.clone(),
            Some(_) => {
                return Err(
                    Error::PermissionDenied("this console login is for another app".into()).into(),
                )
            }
            None => {
                let app = state.engine.app(id)?;
                let admins = app.admins();
                let preferred = UserId::from_trusted("administrator");
                if admins.contains(&preferred) {
                    preferred
                } else {
                    admins
                        .into_iter()
                        .next()
                        .ok_or_else(|| Error::NotSupported(format!("app {id} has no App admin")))?
                }
            }
        };
        let app = state.engine.app(id)?;
        let sig = usersig::generate(
            id.0,
            app.secret_key(),
            admin.as_str(),
            CONSOLE_SIG_SECS,
            unix_secs(),
        );
        Ok(json!({"SDKAppID": id.0, "Identifier": admin.as_str(), "UserSig": sig}))
    })())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; liveroom_console=abc; b=2"),
        );
        assert_eq!(token_of(&h).as_deref(), Some("abc"));
        assert_eq!(token_of(&HeaderMap::new()), None);
    }

    #[test]
    fn passwords_compare_whole() {
        assert!(password_matches("correct horse", "correct horse"));
        assert!(!password_matches("correct hors", "correct horse"));
        assert!(!password_matches("", "correct horse"));
    }

    #[test]
    fn failed_logins_are_limited_per_client() {
        let s = Sessions::default();
        let a: IpAddr = "127.0.0.1".parse().expect("ip");
        let b: IpAddr = "127.0.0.2".parse().expect("ip");
        for _ in 0..FAILURES_PER_MINUTE {
            assert!(s.attempt(a).is_ok());
            s.failed(a);
        }
        assert!(matches!(s.attempt(a), Err(Error::RateLimited)));
        assert!(s.attempt(b).is_ok(), "another client is not locked out");
    }
}
