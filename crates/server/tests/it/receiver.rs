//! `Receiver`: a real local HTTP server standing in for the business backend. It records
//! every callback (query, body, arrival time) and answers as the test scripts it.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// One callback as it arrived.
#[derive(Debug, Clone)]
pub struct Hit {
    pub query: HashMap<String, String>,
    pub body: Value,
    /// Whether the receiver answered it successfully (HTTP 200 with JSON); false while it
    /// is still being answered.
    pub answered: bool,
}

impl Hit {
    pub fn command(&self) -> &str {
        self.query
            .get("CallbackCommand")
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// How the receiver answers one callback.
#[derive(Debug, Clone)]
pub enum Reply {
    /// HTTP 200 with this JSON body, after `delay`.
    Json(Value, Duration),
    /// This HTTP status and no JSON.
    Status(u16),
    /// HTTP 200 with this JSON body once the test releases it (sends `true`).
    Held(tokio::sync::watch::Receiver<bool>, Value),
}

pub fn ok() -> Reply {
    Reply::Json(
        json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0}),
        Duration::ZERO,
    )
}

pub fn code(code: i64, info: &str) -> Reply {
    Reply::Json(
        json!({"ActionStatus": "OK", "ErrorInfo": info, "ErrorCode": code}),
        Duration::ZERO,
    )
}

type Script = dyn Fn(&Hit) -> Reply + Send + Sync;

struct Inner {
    hits: Mutex<Vec<Hit>>,
    arrived: Notify,
    script: Mutex<Arc<Script>>,
}

#[derive(Clone)]
pub struct Receiver {
    pub addr: SocketAddr,
    inner: Arc<Inner>,
}

async fn callback(
    State(inner): State<Arc<Inner>>,
    RawQuery(query): RawQuery,
    body: String,
) -> (StatusCode, String) {
    let query: HashMap<String, String> = query
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let mut hit = Hit {
        query,
        body: serde_json::from_str(&body).unwrap_or(Value::Null),
        answered: false,
    };
    let script = inner.script.lock().expect("script").clone();
    let reply = script(&hit);
    // Recorded on arrival: a call the server stops waiting for is still seen.
    let index = {
        let mut hits = inner.hits.lock().expect("hits");
        hits.push(hit.clone());
        hits.len() - 1
    };
    inner.arrived.notify_waiters();
    let (status, text) = match reply {
        Reply::Json(v, delay) => {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            hit.answered = true;
            (StatusCode::OK, v.to_string())
        }
        Reply::Held(mut release, v) => {
            let _ = release.wait_for(|go| *go).await;
            hit.answered = true;
            (StatusCode::OK, v.to_string())
        }
        Reply::Status(s) => (
            StatusCode::from_u16(s).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            String::new(),
        ),
    };
    if hit.answered {
        inner.hits.lock().expect("hits")[index].answered = true;
        inner.arrived.notify_waiters();
    }
    (status, text)
}

impl Receiver {
    /// Starts on 127.0.0.1:0, answering every callback with `ErrorCode` 0.
    pub async fn start() -> Self {
        let inner = Arc::new(Inner {
            hits: Mutex::new(Vec::new()),
            arrived: Notify::new(),
            script: Mutex::new(Arc::new(|_: &Hit| ok())),
        });
        let app = Router::new()
            .route("/im", post(callback))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind receiver");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, inner }
    }

    pub fn url(&self) -> String {
        format!("http://{}/im", self.addr)
    }

    /// Answers from now on as `script` says.
    pub fn script(&self, script: impl Fn(&Hit) -> Reply + Send + Sync + 'static) {
        *self.inner.script.lock().expect("script") = Arc::new(script);
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.inner.hits.lock().expect("hits").clone()
    }

    /// Answered callbacks of `command`, in arrival order.
    pub fn of(&self, command: &str) -> Vec<Hit> {
        self.hits()
            .into_iter()
            .filter(|h| h.command() == command && h.answered)
            .collect()
    }

    /// Waits until `pred` holds for the answered callbacks of `command` (up to 10 s).
    pub async fn wait_for(&self, command: &str, pred: impl Fn(&[Hit]) -> bool) -> Vec<Hit> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let notified = self.inner.arrived.notified();
            let hits = self.of(command);
            if pred(&hits) {
                return hits;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "{command}: condition not met; received {:#?}",
                self.hits()
                    .iter()
                    .map(|h| (h.command().to_string(), h.body.clone()))
                    .collect::<Vec<_>>()
            );
            let _ = tokio::time::timeout(left.min(Duration::from_millis(200)), notified).await;
        }
    }

    /// Waits until `n` callbacks of `command` have arrived, answered or not (up to 10 s).
    pub async fn wait_arrived(&self, command: &str, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let notified = self.inner.arrived.notified();
            let arrived = self
                .hits()
                .iter()
                .filter(|h| h.command() == command)
                .count();
            if arrived >= n {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "{command}: {arrived} of {n} arrived");
            let _ = tokio::time::timeout(left.min(Duration::from_millis(200)), notified).await;
        }
    }

    /// The first answered callback of `command` whose body matches `pred`.
    pub async fn find(&self, command: &str, pred: impl Fn(&Value) -> bool) -> Hit {
        let hits = self
            .wait_for(command, |hits| hits.iter().any(|h| pred(&h.body)))
            .await;
        hits.into_iter()
            .find(|h| pred(&h.body))
            .expect("just matched")
    }
}
