//! The HTTP side of webhooks: POSTs the engine's callbacks to each app's URL with the
//! reference's query parameters and optional `Sign`.
//!
//! - Before-callbacks are made at once and awaited, within the app's timeout; at most
//!   `max_in_flight` per app are in flight, the excess is not called (`Overflow`).
//! - After-callbacks go through a bounded per-app queue (`queue_capacity` waiting, queued
//!   or between retries; `after_concurrency` delivering), are retried with doubling delays,
//!   and whatever is given up (queue full, retries exhausted, shutdown) is counted in
//!   `liveroom_webhook_given_up_total` and logged.

use async_trait::async_trait;
use dashmap::DashMap;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

use liveroom_core::app::AppSettings;
use liveroom_core::callback::{sends_short_query, WebhookSettings};
use liveroom_core::time::unix_secs;
use liveroom_core::AppId;
use liveroom_engine::hooks::{Answer, Callback, Failure, WebhookSink};

/// Longest wait between two attempts of an after-callback.
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// Largest answer read from a webhook.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;
/// Bodies of after-callbacks waiting, all apps together; beyond that new events are given up.
const MAX_QUEUED_BYTES: usize = 256 * 1024 * 1024;

/// `Sign` of a callback URL: lower-case hex SHA-256 of the token followed by the time.
pub fn sign(token: &str, request_time: i64) -> String {
    let digest = Sha256::digest(format!("{token}{request_time}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The URL of one call: the app's URL plus the reference's query parameters.
pub fn callback_url(settings: &WebhookSettings, cb: &Callback, now: i64) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("SdkAppid", &cb.app.0.to_string());
    q.append_pair("CallbackCommand", cb.command);
    q.append_pair("contenttype", "json");
    if !sends_short_query(cb.command) {
        let (ip, platform) = match &cb.origin {
            Some(o) => (o.ip.as_str(), o.platform.as_str()),
            None => ("", "Unknown"),
        };
        q.append_pair("ClientIP", ip);
        q.append_pair("OptPlatform", platform);
    }
    if !settings.token.is_empty() {
        q.append_pair("Sign", &sign(&settings.token, now));
        q.append_pair("RequestTime", &now.to_string());
    }
    let sep = if settings.url.contains('?') { '&' } else { '?' };
    format!("{}{sep}{}", settings.url, q.finish())
}

/// Per-app bounds. Replaced when the app's numbers change; the waiting count carries over.
struct Slot {
    max_in_flight: u32,
    after_concurrency: u32,
    before: Arc<Semaphore>,
    after: Arc<Semaphore>,
    /// After-callbacks queued or between retries.
    waiting: Arc<AtomicUsize>,
}

impl Slot {
    fn new(w: &WebhookSettings, waiting: Arc<AtomicUsize>) -> Arc<Self> {
        Arc::new(Self {
            max_in_flight: w.max_in_flight,
            after_concurrency: w.after_concurrency,
            before: Arc::new(Semaphore::new(w.max_in_flight as usize)),
            after: Arc::new(Semaphore::new(w.after_concurrency as usize)),
            waiting,
        })
    }
}

pub struct HttpSink {
    client: reqwest::Client,
    slots: DashMap<AppId, Arc<Slot>>,
    /// After-callbacks not yet settled, all apps.
    outstanding: Arc<AtomicUsize>,
    /// Bytes of their bodies.
    queued_bytes: Arc<AtomicUsize>,
}

impl Default for HttpSink {
    fn default() -> Self {
        Self::new()
    }
}

fn outcome(result: &Result<Answer, Failure>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(Failure::Overflow) => "overflow",
        Err(Failure::Timeout) => "timeout",
        Err(Failure::Transport(_)) => "transport",
        Err(Failure::BadResponse(_)) => "bad_response",
    }
}

fn record(command: &'static str, kind: &'static str, result: &Result<Answer, Failure>) {
    metrics::counter!(
        "liveroom_webhook_calls_total",
        "command" => command,
        "kind" => kind,
        "outcome" => outcome(result)
    )
    .increment(1);
}

/// Counts an event given up and logs it; a dead backend produces many, so at most one line
/// a second is written, saying how many were not logged since the last.
fn given_up(command: &'static str, app: AppId, why: &str) {
    use std::sync::Mutex;
    use std::time::Instant;
    static LAST: Mutex<Option<(Instant, u64)>> = Mutex::new(None);
    metrics::counter!("liveroom_webhook_given_up_total", "command" => command).increment(1);
    let Ok(mut last) = LAST.lock() else {
        return;
    };
    match &mut *last {
        Some((at, skipped)) if at.elapsed() < Duration::from_secs(1) => *skipped += 1,
        _ => {
            let skipped = last.map(|(_, n)| n).unwrap_or(0);
            *last = Some((Instant::now(), 0));
            tracing::error!(
                app = app.0,
                command,
                why,
                not_logged_since_last = skipped,
                "after-callback given up"
            );
        }
    }
}

impl HttpSink {
    pub fn new() -> Self {
        let client = reqwest::Client::builder()
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            .build()
            .unwrap_or_default();
        Self {
            client,
            slots: DashMap::new(),
            outstanding: Arc::new(AtomicUsize::new(0)),
            queued_bytes: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn slot(&self, app: AppId, w: &WebhookSettings) -> Arc<Slot> {
        let fits = |s: &Slot| {
            s.max_in_flight == w.max_in_flight && s.after_concurrency == w.after_concurrency
        };
        if let Some(s) = self.slots.get(&app).filter(|s| fits(s)) {
            return s.clone();
        }
        let mut entry = self
            .slots
            .entry(app)
            .or_insert_with(|| Slot::new(w, Arc::default()));
        if !fits(&entry) {
            *entry = Slot::new(w, entry.waiting.clone());
        }
        entry.clone()
    }

    /// One POST, bounded by the app's timeout.
    /// A before-callback's answer must carry an integer `ErrorCode`; an after-callback's
    /// only has to be JSON (its content is ignored).
    async fn request(
        client: &reqwest::Client,
        w: &WebhookSettings,
        cb: &Callback,
        body: bytes::Bytes,
        needs_code: bool,
    ) -> Result<Answer, Failure> {
        let url = callback_url(w, cb, unix_secs());
        let timeout = Duration::from_millis(w.timeout_ms as u64);
        let call = async {
            let resp = client
                .post(url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .map_err(|e| Failure::Transport(e.to_string()))?;
            if resp.status() != reqwest::StatusCode::OK {
                return Err(Failure::BadResponse(format!("HTTP {}", resp.status())));
            }
            if resp.content_length().unwrap_or(0) > MAX_ANSWER_BYTES as u64 {
                return Err(Failure::BadResponse("answer too large".into()));
            }
            let bytes = resp
                .bytes()
                .await
                .map_err(|e| Failure::Transport(e.to_string()))?;
            if bytes.len() > MAX_ANSWER_BYTES {
                return Err(Failure::BadResponse("answer too large".into()));
            }
            parse_answer(&bytes, needs_code)
        };
        tokio::time::timeout(timeout, call)
            .await
            .unwrap_or(Err(Failure::Timeout))
    }

    /// Waits up to `grace` for queued after-callbacks to be delivered; logs and counts
    /// the ones still waiting after that.
    pub async fn drain(&self, grace: Duration) {
        let deadline = tokio::time::Instant::now() + grace;
        while self.outstanding.load(Ordering::Acquire) > 0 && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let left = self.outstanding.load(Ordering::Acquire);
        if left > 0 {
            metrics::counter!("liveroom_webhook_given_up_total", "command" => "shutdown")
                .increment(left as u64);
            tracing::error!(
                count = left,
                "after-callbacks still undelivered at shutdown are given up"
            );
        }
    }
}

/// Reads a callback answer: a JSON object, with an integer `ErrorCode` when `needs_code`.
fn parse_answer(bytes: &[u8], needs_code: bool) -> Result<Answer, Failure> {
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|e| Failure::BadResponse(format!("answer is not JSON: {e}")))?;
    let Value::Object(fields) = v else {
        return Err(Failure::BadResponse("answer is not a JSON object".into()));
    };
    let error_code = match fields.get("ErrorCode").and_then(Value::as_i64) {
        Some(c) => c,
        None if !needs_code => 0,
        None => {
            return Err(Failure::BadResponse(
                "answer has no integer ErrorCode".into(),
            ))
        }
    };
    let error_info = fields
        .get("ErrorInfo")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    Ok(Answer {
        error_code,
        error_info,
        fields,
    })
}

#[async_trait]
impl WebhookSink for HttpSink {
    async fn call(&self, settings: &AppSettings, cb: Callback) -> Result<Answer, Failure> {
        let w = &settings.webhook;
        let slot = self.slot(cb.app, w);
        let Ok(_permit) = slot.before.clone().try_acquire_owned() else {
            let result = Err(Failure::Overflow);
            record(cb.command, "before", &result);
            return result;
        };
        let body = serde_json::to_vec(&cb.body).map_err(|e| Failure::Transport(e.to_string()))?;
        let result = Self::request(&self.client, w, &cb, body.into(), true).await;
        record(cb.command, "before", &result);
        result
    }

    fn post(&self, settings: Arc<AppSettings>, cb: Callback) {
        let w = &settings.webhook;
        let slot = self.slot(cb.app, w);
        let capacity = w.queue_capacity as usize;
        let Ok(body) = serde_json::to_vec(&cb.body) else {
            given_up(cb.command, cb.app, "the body cannot be serialized");
            return;
        };
        let body = bytes::Bytes::from(body);
        let size = body.len();
        if slot.waiting.fetch_add(1, Ordering::AcqRel) >= capacity {
            slot.waiting.fetch_sub(1, Ordering::AcqRel);
            given_up(cb.command, cb.app, "the app's webhook queue is full");
            return;
        }
        if self.queued_bytes.fetch_add(size, Ordering::AcqRel) + size > MAX_QUEUED_BYTES {
            self.queued_bytes.fetch_sub(size, Ordering::AcqRel);
            slot.waiting.fetch_sub(1, Ordering::AcqRel);
            given_up(
                cb.command,
                cb.app,
                "the webhook queues of all apps are full",
            );
            return;
        }
        self.outstanding.fetch_add(1, Ordering::AcqRel);
        let client = self.client.clone();
        let outstanding = self.outstanding.clone();
        let queued_bytes = self.queued_bytes.clone();
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            slot.waiting.fetch_sub(1, Ordering::AcqRel);
            outstanding.fetch_sub(1, Ordering::AcqRel);
            queued_bytes.fetch_sub(size, Ordering::AcqRel);
            given_up(cb.command, cb.app, "no runtime");
            return;
        };
        runtime.spawn(async move {
            let w = &settings.webhook;
            let mut delay = Duration::from_millis(w.retry_backoff_ms as u64).min(MAX_BACKOFF);
            let mut attempt = 0;
            loop {
                let result = {
                    let Ok(_permit) = slot.after.acquire().await else {
                        break;
                    };
                    Self::request(&client, w, &cb, body.clone(), false).await
                };
                record(cb.command, "after", &result);
                match result {
                    Ok(_) => break,
                    Err(f) if attempt >= w.retries => {
                        given_up(cb.command, cb.app, &format!("{f} after {} attempts", attempt + 1));
                        break;
                    }
                    Err(f) => {
                        tracing::debug!(app = cb.app.0, command = cb.command, failure = %f, attempt, "after-callback failed; will retry");
                        metrics::counter!("liveroom_webhook_retries_total", "command" => cb.command)
                            .increment(1);
                        tokio::time::sleep(delay).await;
                        delay = (delay * 2).min(MAX_BACKOFF);
                        attempt += 1;
                    }
                }
            }
            slot.waiting.fetch_sub(1, Ordering::AcqRel);
            outstanding.fetch_sub(1, Ordering::AcqRel);
            queued_bytes.fetch_sub(size, Ordering::AcqRel);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use liveroom_engine::hooks::Origin;
    use serde_json::json;

    #[test]
    fn sign_matches_the_reference_vector() {
        assert_eq!(
            sign("xxxxyyyy", 1669872112),
            "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061"
        );
    }

    #[test]
    fn urls_carry_the_reference_parameters() {
        let mut w = WebhookSettings {
            url: "http://127.0.0.1:9/im".into(),
            ..Default::default()
        };
        let cb = Callback {
            app: AppId(1400000001),
            command: "Group.CallbackAfterSendMsg",
            origin: Some(Origin {
                ip: "10.0.0.7".into(),
                platform: "iOS".into(),
            }),
            body: json!({}),
        };
        assert_eq!(
            callback_url(&w, &cb, 5),
            "http://127.0.0.1:9/im?SdkAppid=1400000001&CallbackCommand=Group.CallbackAfterSendMsg&contenttype=json&ClientIP=10.0.0.7&OptPlatform=iOS"
        );
        w.token = "xxxxyyyy".into();
        w.url = "http://h/cb?tenant=a".into();
        let url = callback_url(&w, &cb, 1669872112);
        assert!(url.starts_with("http://h/cb?tenant=a&SdkAppid="), "{url}");
        assert!(url.ends_with("&Sign=17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061&RequestTime=1669872112"), "{url}");
        let state = Callback {
            command: "Group.CallbackOnMemberStateChange",
            ..cb
        };
        assert!(!callback_url(&w, &state, 1).contains("ClientIP"));
    }

    #[test]
    fn answers_need_an_integer_error_code() {
        assert_eq!(
            parse_answer(
                br#"{"ActionStatus":"OK","ErrorCode":2,"ErrorInfo":""}"#,
                true
            )
            .map(|a| a.error_code),
            Ok(2)
        );
        assert!(parse_answer(b"OK", true).is_err());
        assert!(parse_answer(b"[]", true).is_err());
        assert!(parse_answer(br#"{"ErrorCode":"0"}"#, true).is_err());
        assert!(
            parse_answer(b"{}", false).is_ok(),
            "after-callbacks need only JSON"
        );
        assert!(parse_answer(b"OK", false).is_err());
    }
}
