//! Webhook (third-party callback) vocabulary: command names, which are "before" commands
//! whose answer decides, and the per-app webhook and content-filter settings.

use serde::{Deserialize, Serialize};

pub const BEFORE_SEND_MSG: &str = "Group.CallbackBeforeSendMsg";
pub const BEFORE_APPLY_JOIN: &str = "Group.CallbackBeforeApplyJoinGroup";
pub const BEFORE_CREATE_GROUP: &str = "Group.CallbackBeforeCreateGroup";
pub const AFTER_SEND_MSG: &str = "Group.CallbackAfterSendMsg";
pub const SEND_MSG_EXCEPTION: &str = "Group.CallbackSendMsgException";
pub const AFTER_NEW_MEMBER_JOIN: &str = "Group.CallbackAfterNewMemberJoin";
pub const AFTER_MEMBER_EXIT: &str = "Group.CallbackAfterMemberExit";
pub const AFTER_CREATE_GROUP: &str = "Group.CallbackAfterCreateGroup";
pub const AFTER_GROUP_DESTROYED: &str = "Group.CallbackAfterGroupDestroyed";
pub const AFTER_GROUP_INFO_CHANGED: &str = "Group.CallbackAfterGroupInfoChanged";
pub const AFTER_RECALL_MSG: &str = "Group.CallbackAfterRecallMsg";
pub const ON_MEMBER_STATE_CHANGE: &str = "Group.CallbackOnMemberStateChange";
pub const BEFORE_INVITE_JOIN: &str = "Group.CallbackBeforeInviteJoinGroup";
pub const AFTER_GROUP_FULL: &str = "Group.CallbackAfterGroupFull";
pub const AFTER_MEMBER_FIELD_CHANGED: &str = "Group.CallbackAfterMemberFieldChanged";
pub const AFTER_CHANGE_GROUP_OWNER: &str = "Group.CallbackAfterChangeGroupOwner";
pub const BEFORE_CREATE_TOPIC: &str = "Group.CallbackBeforeCreateTopic";
pub const AFTER_GROUP_ATTR_CHANGED: &str = "Group.CallbackAfterGroupAttrChanged";
pub const AFTER_CREATE_TOPIC: &str = "Group.CallbackAfterCreateTopic";
pub const AFTER_TOPIC_DESTROYED: &str = "Group.CallbackAfterTopicDestroyed";
pub const AFTER_TOPIC_INFO_CHANGED: &str = "Group.CallbackAfterTopicInfoChanged";
pub const STATE_CHANGE: &str = "State.StateChange";
pub const C2C_BEFORE_SEND_MSG: &str = "C2C.CallbackBeforeSendMsg";
pub const C2C_AFTER_SEND_MSG: &str = "C2C.CallbackAfterSendMsg";
pub const C2C_AFTER_MSG_WITHDRAW: &str = "C2C.CallbackAfterMsgWithDraw";
pub const C2C_AFTER_MSG_REPORT: &str = "C2C.CallbackAfterMsgReport";
pub const PORTRAIT_SET: &str = "Profile.CallbackPortraitSet";
pub const FRIEND_ADD: &str = "Sns.CallbackFriendAdd";
pub const FRIEND_DELETE: &str = "Sns.CallbackFriendDelete";
pub const BLACKLIST_ADD: &str = "Sns.CallbackBlackListAdd";
pub const BLACKLIST_DELETE: &str = "Sns.CallbackBlackListDelete";

/// Commands whose answer decides whether the operation goes ahead.
pub const BEFORE_COMMANDS: &[&str] = &[
    BEFORE_SEND_MSG,
    BEFORE_APPLY_JOIN,
    BEFORE_CREATE_GROUP,
    BEFORE_INVITE_JOIN,
    BEFORE_CREATE_TOPIC,
    C2C_BEFORE_SEND_MSG,
];

/// Commands fired after the fact, through the retrying queue.
pub const AFTER_COMMANDS: &[&str] = &[
    AFTER_SEND_MSG,
    SEND_MSG_EXCEPTION,
    AFTER_NEW_MEMBER_JOIN,
    AFTER_MEMBER_EXIT,
    AFTER_CREATE_GROUP,
    AFTER_GROUP_DESTROYED,
    AFTER_GROUP_INFO_CHANGED,
    AFTER_RECALL_MSG,
    ON_MEMBER_STATE_CHANGE,
    AFTER_GROUP_FULL,
    AFTER_MEMBER_FIELD_CHANGED,
    AFTER_CHANGE_GROUP_OWNER,
    AFTER_CREATE_TOPIC,
    AFTER_TOPIC_DESTROYED,
    AFTER_TOPIC_INFO_CHANGED,
    AFTER_GROUP_ATTR_CHANGED,
    STATE_CHANGE,
    C2C_AFTER_SEND_MSG,
    C2C_AFTER_MSG_WITHDRAW,
    C2C_AFTER_MSG_REPORT,
    PORTRAIT_SET,
    FRIEND_ADD,
    FRIEND_DELETE,
    BLACKLIST_ADD,
    BLACKLIST_DELETE,
];

/// Commands whose query string carries only `SdkAppid`, `CallbackCommand` and
/// `contenttype` (reference 6.1: the AV member-state callback).
pub fn sends_short_query(command: &str) -> bool {
    command == ON_MEMBER_STATE_CHANGE
}

pub fn is_known(command: &str) -> bool {
    BEFORE_COMMANDS.contains(&command) || AFTER_COMMANDS.contains(&command)
}

pub fn is_before(command: &str) -> bool {
    BEFORE_COMMANDS.contains(&command)
}

/// The reference's custom rejection range for group before-callbacks, passed to the client.
pub const CUSTOM_REJECT_CODES: std::ops::RangeInclusive<i64> = 10100..=10200;

/// Where an app's webhooks go and how they behave. Every field has a default, so a
/// partial table works; an empty `url` turns webhooks off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookSettings {
    /// `http://` or `https://` URL every callback is POSTed to; empty = no webhooks.
    pub url: String,
    /// The commands that fire (reference names, e.g. `Group.CallbackAfterSendMsg`).
    pub commands: Vec<String>,
    /// How long one call may take, in milliseconds (the reference's 2 s by default).
    pub timeout_ms: u32,
    /// When set, each URL carries `Sign` = hex(SHA-256(token + RequestTime)) and
    /// `RequestTime` (unix seconds) so the receiver can authenticate the call.
    pub token: String,
    /// Before-commands for which a timeout, an error or an overflow means "deny"; the
    /// others allow the operation in those cases (the reference's default).
    pub deny_on_failure: Vec<String>,
    /// Before-callbacks in flight at once for this app; the excess is not called and
    /// follows its command's failure policy.
    pub max_in_flight: u32,
    /// After-callbacks waiting (queued or between retries) for this app; beyond that new
    /// events are given up, counted and logged.
    pub queue_capacity: u32,
    /// After-callbacks delivered at once for this app.
    pub after_concurrency: u32,
    /// Retries of an after-callback that failed (timeout, connection error, non-200 or a
    /// body that is not JSON), with the delay doubling from `retry_backoff_ms` up to 300 s.
    pub retries: u32,
    pub retry_backoff_ms: u32,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            url: String::new(),
            commands: Vec::new(),
            timeout_ms: 2000,
            token: String::new(),
            deny_on_failure: Vec::new(),
            max_in_flight: 256,
            queue_capacity: 10_000,
            after_concurrency: 64,
            retries: 3,
            retry_backoff_ms: 1000,
        }
    }
}

impl WebhookSettings {
    /// Whether `command` fires for this app.
    pub fn enabled(&self, command: &str) -> bool {
        !self.url.is_empty() && self.commands.iter().any(|c| c == command)
    }

    /// Whether a failed `command` call denies the operation.
    pub fn denies_on_failure(&self, command: &str) -> bool {
        self.deny_on_failure.iter().any(|c| c == command)
    }

    pub fn validate(&self) -> Result<(), String> {
        if !self.url.is_empty() {
            check_url(&self.url)?;
        }
        if self.url.len() > 2048 {
            return Err("webhook.url is longer than 2048 bytes".into());
        }
        for c in &self.commands {
            if !is_known(c) {
                return Err(format!(
                    "webhook.commands: {c:?} is not a supported command; use one of {}, {}",
                    BEFORE_COMMANDS.join(", "),
                    AFTER_COMMANDS.join(", ")
                ));
            }
        }
        for c in &self.deny_on_failure {
            if !is_before(c) {
                return Err(format!(
                    "webhook.deny_on_failure: {c:?} is not a before-command; use one of {}",
                    BEFORE_COMMANDS.join(", ")
                ));
            }
        }
        if !(50..=30_000).contains(&self.timeout_ms) {
            return Err("webhook.timeout_ms must be 50 to 30000".into());
        }
        if self.token.len() > 256 {
            return Err("webhook.token is longer than 256 bytes".into());
        }
        if !(1..=10_000).contains(&self.max_in_flight) {
            return Err("webhook.max_in_flight must be 1 to 10000".into());
        }
        if !(1..=1_000_000).contains(&self.queue_capacity) {
            return Err("webhook.queue_capacity must be 1 to 1000000".into());
        }
        if !(1..=1000).contains(&self.after_concurrency) {
            return Err("webhook.after_concurrency must be 1 to 1000".into());
        }
        if self.retries > 20 {
            return Err("webhook.retries must be 0 to 20".into());
        }
        if !(10..=300_000).contains(&self.retry_backoff_ms) {
            return Err("webhook.retry_backoff_ms must be 10 to 300000".into());
        }
        Ok(())
    }
}

/// A callback URL: `http://` or `https://`, a host, no fragment (the query parameters are
/// appended to it), no spaces or control characters.
fn check_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or("webhook.url must start with http:// or https://")?;
    let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..host_end];
    let host = authority.rsplit('@').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err("webhook.url has no host".into());
    }
    if url.contains('#') {
        return Err(
            "webhook.url may not have a fragment (#...): the query would go into it".into(),
        );
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("webhook.url may not contain spaces or control characters".into());
    }
    Ok(())
}

/// What the built-in content filter does with a message that contains a listed word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterAction {
    /// Replace each character of the word with `*` and deliver.
    Mask,
    /// Deliver to nobody; the sender is told it succeeded.
    Drop,
    /// Refuse the send with 80001.
    Reject,
}

/// One list of words sharing an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordList {
    pub action: FilterAction,
    /// Match regardless of letter case (Unicode lower-casing); otherwise byte-exact.
    #[serde(default = "yes")]
    pub case_fold: bool,
    pub words: Vec<String>,
}

fn yes() -> bool {
    true
}

/// The built-in content filter of an app: works without any webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FilterSettings {
    /// Fields of `TIMCustomElem` that are filtered as well as every `TIMTextElem` text:
    /// `Data`, `Desc`, `Ext`, or `Data.<key>` for a string member of a JSON object held
    /// in `Data` (e.g. `Data.text` for `{"type":"danmaku","text":"..."}`).
    pub custom_fields: Vec<String>,
    pub lists: Vec<WordList>,
}

impl Default for FilterSettings {
    fn default() -> Self {
        Self {
            custom_fields: vec!["Desc".into(), "Data.text".into()],
            lists: Vec::new(),
        }
    }
}

/// Most words over all lists of one app.
pub const FILTER_WORDS_MAX: usize = 200_000;
/// Longest word, bytes.
pub const FILTER_WORD_BYTES_MAX: usize = 256;
/// Most bytes over all words of one app (bounds the compiled automaton's size and build time).
pub const FILTER_TOTAL_BYTES_MAX: usize = 4 * 1024 * 1024;

impl FilterSettings {
    pub fn word_count(&self) -> usize {
        self.lists.iter().map(|l| l.words.len()).sum()
    }

    pub fn validate(&self) -> Result<(), String> {
        for f in &self.custom_fields {
            let ok = match f.split_once('.') {
                None => matches!(f.as_str(), "Data" | "Desc" | "Ext"),
                Some(("Data", key)) => !key.is_empty() && key.len() <= 64,
                Some(_) => false,
            };
            if !ok {
                return Err(format!(
                    "filter.custom_fields: {f:?} must be Data, Desc, Ext or Data.<key>"
                ));
            }
        }
        let n = self.word_count();
        if n > FILTER_WORDS_MAX {
            return Err(format!(
                "filter has {n} words; the limit is {FILTER_WORDS_MAX}"
            ));
        }
        let mut total = 0;
        for l in &self.lists {
            for w in &l.words {
                if w.is_empty() || w.len() > FILTER_WORD_BYTES_MAX {
                    return Err(format!(
                        "filter word {w:?} must be 1 to {FILTER_WORD_BYTES_MAX} bytes"
                    ));
                }
                total += w.len();
            }
        }
        if total > FILTER_TOTAL_BYTES_MAX {
            return Err(format!(
                "filter words take {total} bytes; the limit is {FILTER_TOTAL_BYTES_MAX}"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_settings_are_checked() {
        assert!(WebhookSettings::default().validate().is_ok());
        let ok = WebhookSettings {
            url: "https://example.com/im".into(),
            commands: vec![BEFORE_SEND_MSG.into(), STATE_CHANGE.into()],
            deny_on_failure: vec![BEFORE_SEND_MSG.into()],
            ..Default::default()
        };
        assert!(ok.validate().is_ok());
        assert!(ok.enabled(BEFORE_SEND_MSG) && !ok.enabled(AFTER_SEND_MSG));
        for bad in [
            WebhookSettings {
                url: "ftp://x".into(),
                ..Default::default()
            },
            WebhookSettings {
                url: "http://".into(),
                ..Default::default()
            },
            WebhookSettings {
                url: "http://h/im#frag".into(),
                ..Default::default()
            },
            WebhookSettings {
                url: "http://h/a b".into(),
                ..Default::default()
            },
            WebhookSettings {
                commands: vec!["Group.Nope".into()],
                ..Default::default()
            },
            WebhookSettings {
                deny_on_failure: vec![AFTER_SEND_MSG.into()],
                ..Default::default()
            },
            WebhookSettings {
                timeout_ms: 0,
                ..Default::default()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn filter_settings_are_checked() {
        assert!(FilterSettings::default().validate().is_ok());
        let bad_field = FilterSettings {
            custom_fields: vec!["Text".into()],
            ..Default::default()
        };
        assert!(bad_field.validate().is_err());
        let empty_word = FilterSettings {
            lists: vec![WordList {
                action: FilterAction::Mask,
                case_fold: true,
                words: vec![String::new()],
            }],
            ..Default::default()
        };
        assert!(empty_word.validate().is_err());
    }
}
