//! The webhook port: the engine decides when a callback fires, what its body says and what
//! a before-callback's answer means; the server's sink does the HTTP (timeouts, bounds,
//! retries). With no sink installed nothing is called and everything is allowed.

use async_trait::async_trait;
use serde_json::{Map, Value};
use std::sync::Arc;

use liveroom_core::app::AppSettings;
use liveroom_core::callback::CUSTOM_REJECT_CODES;
use liveroom_core::time::unix_millis;
use liveroom_core::AppId;

/// Where an operation came from, for the `ClientIP` and `OptPlatform` query parameters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Origin {
    pub ip: String,
    /// `RESTAPI`, `Web`, `Android`, `iOS`, ... (reference 6.1).
    pub platform: String,
}

impl Origin {
    pub fn rest(ip: &str) -> Self {
        Self {
            ip: ip.to_string(),
            platform: "RESTAPI".into(),
        }
    }
}

/// One callback to make.
#[derive(Debug, Clone)]
pub struct Callback {
    pub app: AppId,
    pub command: &'static str,
    /// `None` for callbacks that carry no client (the query then has only the first three
    /// parameters).
    pub origin: Option<Origin>,
    /// The JSON body; `CallbackCommand` and `EventTime` are already in it.
    pub body: Value,
}

/// The app's answer to a before-callback, as received.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub error_code: i64,
    pub error_info: String,
    /// The whole response object (a replacement `MsgBody`, `CloudCustomData`, ...).
    pub fields: Map<String, Value>,
}

/// Why a before-callback produced no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Too many of this app's before-callbacks were in flight; this one was not made.
    Overflow,
    Timeout,
    /// Connection refused, reset, DNS, ...
    Transport(String),
    /// Not HTTP 200, or a body that is not a JSON object.
    BadResponse(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Overflow => f.write_str("too many callbacks in flight"),
            Self::Timeout => f.write_str("timed out"),
            Self::Transport(e) => write!(f, "transport error: {e}"),
            Self::BadResponse(e) => write!(f, "bad response: {e}"),
        }
    }
}

/// The HTTP side, implemented by the server.
#[async_trait]
pub trait WebhookSink: Send + Sync + 'static {
    /// Makes a before-callback now and waits for the answer, within the app's timeout and
    /// in-flight bound.
    async fn call(&self, settings: &AppSettings, cb: Callback) -> Result<Answer, Failure>;
    /// Queues an after-callback; returns at once. Delivery is retried; what is finally
    /// given up is counted and logged by the sink.
    fn post(&self, settings: Arc<AppSettings>, cb: Callback);
}

/// What the engine does after a before-callback.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Go ahead, with the app's replacements if it sent any.
    Allow(Map<String, Value>),
    /// Refuse with this code (10016 or the app's custom code) and text.
    Reject { code: i32, info: String },
    /// Pretend success; do nothing (messages only).
    Drop,
}

/// 10016: rejected by the app backend through a webhook.
pub const REJECTED_BY_WEBHOOK: i32 = 10016;

/// How a before-callback's refusal is coded in the service it guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Codes {
    /// A plain refusal (`ErrorCode` 1, or a code outside `custom`).
    pub rejected: i32,
    /// The app's own codes, passed on to the caller as they are.
    pub custom: (i64, i64),
}

/// Group callbacks: 10016, and the app's codes 10100 to 10200.
pub const GROUP_CODES: Codes = Codes {
    rejected: REJECTED_BY_WEBHOOK,
    custom: (*CUSTOM_REJECT_CODES.start(), *CUSTOM_REJECT_CODES.end()),
};

/// One-to-one callbacks: 20006, and the app's codes 120001 to 130000.
pub const C2C_CODES: Codes = Codes {
    rejected: 20006,
    custom: (120_001, 130_000),
};

impl Verdict {
    /// Interprets an answer (or a failure) for `command` (reference 6.2): 0 allows, 1
    /// rejects with 10016, 2 drops silently when `can_drop`, a code in 10100..=10200
    /// rejects with that code; any other code rejects with 10016. A failure follows the
    /// command's failure policy.
    pub fn from_answer(
        result: Result<Answer, Failure>,
        can_drop: bool,
        deny_on_failure: bool,
    ) -> Self {
        Self::from_answer_in(GROUP_CODES, result, can_drop, deny_on_failure)
    }

    /// [`Verdict::from_answer`] with the refusal codes of another service.
    pub fn from_answer_in(
        codes: Codes,
        result: Result<Answer, Failure>,
        can_drop: bool,
        deny_on_failure: bool,
    ) -> Self {
        match result {
            Ok(a) => match a.error_code {
                0 => Self::Allow(a.fields),
                2 if can_drop => Self::Drop,
                c if (codes.custom.0..=codes.custom.1).contains(&c) => Self::Reject {
                    code: c as i32,
                    info: a.error_info,
                },
                _ => Self::Reject {
                    code: codes.rejected,
                    info: if a.error_info.is_empty() {
                        "rejected by the app's backend".into()
                    } else {
                        a.error_info
                    },
                },
            },
            Err(f) if deny_on_failure => Self::Reject {
                code: codes.rejected,
                info: format!("the app's backend did not answer ({f}); denied by policy"),
            },
            Err(_) => Self::Allow(Map::new()),
        }
    }
}

/// A callback body: `CallbackCommand`, the given fields, then `EventTime` in milliseconds.
pub fn body(command: &str, fields: Value) -> Value {
    let mut out = Map::new();
    out.insert("CallbackCommand".into(), Value::String(command.into()));
    if let Value::Object(m) = fields {
        out.extend(m);
    }
    out.insert("EventTime".into(), Value::from(unix_millis()));
    Value::Object(out)
}

/// A callback's fields from their typed view.
pub(crate) fn fields_of(view: impl serde::Serialize) -> Value {
    serde_json::to_value(view).unwrap_or_else(|e| {
        tracing::error!(error = %e, "callback fields could not be written as JSON");
        Value::Null
    })
}

/// Members as `[{"Member_Account": ...}]`.
pub fn member_list<'a>(users: impl IntoIterator<Item = &'a str>) -> Value {
    Value::Array(
        users
            .into_iter()
            .map(|u| serde_json::json!({ "Member_Account": u }))
            .collect(),
    )
}

impl crate::Engine {
    /// Installs the HTTP side; until then no callback is made.
    pub fn set_webhook_sink(&self, sink: Arc<dyn WebhookSink>) {
        let _ = self.webhooks.set(sink);
    }

    /// Runs `command` as a before-callback if the app enables it, and interprets the
    /// answer. `fields` is only built when the callback fires.
    pub(crate) async fn before_hook(
        &self,
        app: AppId,
        settings: &AppSettings,
        command: &'static str,
        origin: Option<Origin>,
        can_drop: bool,
        fields: impl FnOnce() -> Value,
    ) -> Verdict {
        self.before_hook_in(
            GROUP_CODES,
            app,
            settings,
            command,
            origin,
            can_drop,
            fields,
        )
        .await
    }

    /// [`Engine::before_hook`](crate::Engine) for a service with other refusal codes.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn before_hook_in(
        &self,
        codes: Codes,
        app: AppId,
        settings: &AppSettings,
        command: &'static str,
        origin: Option<Origin>,
        can_drop: bool,
        fields: impl FnOnce() -> Value,
    ) -> Verdict {
        let (Some(sink), true) = (self.webhooks.get(), settings.webhook.enabled(command)) else {
            return Verdict::Allow(Map::new());
        };
        let cb = Callback {
            app,
            command,
            origin,
            body: body(command, fields()),
        };
        let result = sink.call(settings, cb).await;
        if let Err(f) = &result {
            tracing::warn!(app = app.0, command, failure = %f, "before-callback failed");
        }
        Verdict::from_answer_in(
            codes,
            result,
            can_drop,
            settings.webhook.denies_on_failure(command),
        )
    }

    /// Queues `command` as an after-callback if the app enables it.
    pub(crate) fn after_hook(
        &self,
        app: AppId,
        settings: &Arc<AppSettings>,
        command: &'static str,
        origin: Option<Origin>,
        fields: impl FnOnce() -> Value,
    ) {
        let (Some(sink), true) = (self.webhooks.get(), settings.webhook.enabled(command)) else {
            return;
        };
        sink.post(
            settings.clone(),
            Callback {
                app,
                command,
                origin,
                body: body(command, fields()),
            },
        );
    }

    /// Whether the app has `command` on (a callback whose fields cost a store read).
    pub(crate) fn hook_enabled(&self, settings: &AppSettings, command: &str) -> bool {
        self.webhooks.get().is_some() && settings.webhook.enabled(command)
    }

    /// `after_hook` with the app's current settings.
    pub(crate) fn after_hook_now(
        &self,
        app: AppId,
        command: &'static str,
        origin: Option<Origin>,
        fields: impl FnOnce() -> Value,
    ) {
        if let Ok(a) = self.apps.get(app) {
            self.after_hook(app, &a.settings(), command, origin, fields);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer(code: i64, info: &str, fields: Value) -> Result<Answer, Failure> {
        Ok(Answer {
            error_code: code,
            error_info: info.into(),
            fields: fields.as_object().cloned().unwrap_or_default(),
        })
    }

    #[test]
    fn answers_follow_the_reference() {
        let allow = Verdict::from_answer(answer(0, "", json!({"MsgBody": []})), true, false);
        assert!(matches!(allow, Verdict::Allow(ref m) if m.contains_key("MsgBody")));
        assert_eq!(
            Verdict::from_answer(answer(1, "no", json!({})), true, false),
            Verdict::Reject {
                code: 10016,
                info: "no".into()
            }
        );
        assert_eq!(
            Verdict::from_answer(answer(2, "", json!({})), true, false),
            Verdict::Drop
        );
        assert!(matches!(
            Verdict::from_answer(answer(2, "", json!({})), false, false),
            Verdict::Reject { code: 10016, .. }
        ));
        assert_eq!(
            Verdict::from_answer(answer(10150, "level too low", json!({})), true, false),
            Verdict::Reject {
                code: 10150,
                info: "level too low".into()
            }
        );
        assert!(matches!(
            Verdict::from_answer(answer(10201, "", json!({})), true, false),
            Verdict::Reject { code: 10016, .. }
        ));
        assert!(matches!(
            Verdict::from_answer(Err(Failure::Timeout), true, false),
            Verdict::Allow(_)
        ));
        assert!(matches!(
            Verdict::from_answer(Err(Failure::Overflow), true, true),
            Verdict::Reject { code: 10016, .. }
        ));
    }
}
