//! Recall and edit of one-to-one messages: both sides' devices are told, the history keeps
//! a recalled placeholder, the backend hears of a recall.

use serde_json::json;

use liveroom_core::callback::C2C_AFTER_MSG_WITHDRAW;
use liveroom_core::chat::{flags, C2cRecord, MsgKey};
use liveroom_core::message::MsgBody;
use liveroom_core::protocol::chat::C2cRecalledPush;
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, UserId};

use super::frames::{self, Extra};
use super::store_err;
use crate::hooks::Origin;
use crate::Engine;

/// Who asks for a recall or an edit.
pub enum Editor {
    /// A client: only its own messages, recalls within the app's window.
    Client(UserId),
    /// An App admin over REST: any message, any time.
    Admin,
}

impl Engine {
    /// The message `key` names in the conversation of `a` and `b`, as `editor` may change
    /// it.
    async fn editable(
        &self,
        app: AppId,
        a: &UserId,
        b: &UserId,
        key: &MsgKey,
        editor: &Editor,
    ) -> Result<C2cRecord, Error> {
        let m = self
            .store
            .c2c_message(app, a, b, key.seq)
            .await
            .map_err(store_err)?
            .filter(|m| m.random == key.random && m.time == key.time)
            .ok_or_else(|| Error::InvalidMsgKey(key.to_string()))?;
        if let Editor::Client(user) = editor {
            if &m.from != user {
                return Err(Error::PermissionDenied(
                    "only the sender may recall or edit its message".into(),
                ));
            }
        }
        Ok(m)
    }

    /// Recalls a message of the conversation of `a` and `b`.
    pub async fn recall_c2c(
        &self,
        app: AppId,
        a: &UserId,
        b: &UserId,
        key: &str,
        editor: Editor,
        origin: Origin,
    ) -> Result<(), Error> {
        let key = MsgKey::parse(key)?;
        let m = self.editable(app, a, b, &key, &editor).await?;
        if let Editor::Client(_) = editor {
            let limit = self.apps.get(app)?.settings().chat.recall_secs;
            if limit == 0 || unix_secs() - m.time > i64::from(limit) {
                return Err(Error::RecallWindowPassed {
                    limit_secs: u64::from(limit),
                });
            }
        }
        if m.has(flags::RECALLED) {
            return Ok(());
        }
        self.store
            .recall_c2c(app, a, b, key.seq)
            .await
            .map_err(store_err)?;
        let unread = self
            .store
            .conversations_with(app, &m.to, std::slice::from_ref(&m.from))
            .await
            .map_err(store_err)?
            .first()
            .map(|c| c.unread);
        let push = C2cRecalledPush {
            from: m.from.to_string(),
            to: m.to.to_string(),
            seq: m.seq,
            msg_key: key.to_string(),
            unread,
        };
        if let Some(frame) = frames::recalled(&push) {
            self.push_to_user(app, &m.to, &frame, None);
        }
        if m.from != m.to {
            let push = C2cRecalledPush {
                unread: None,
                ..push
            };
            if let Some(frame) = frames::recalled(&push) {
                self.push_to_user(app, &m.from, &frame, None);
            }
        }
        let total = self.store.total_unread(app, &m.to).await.unwrap_or(0);
        self.after_hook_now(app, C2C_AFTER_MSG_WITHDRAW, Some(origin), || {
            json!({
                "From_Account": m.from.as_str(),
                "To_Account": m.to.as_str(),
                "MsgKey": key.to_string(),
                "UnreadMsgNum": total,
            })
        });
        Ok(())
    }

    /// Replaces a message's body and/or custom data; both sides' devices get it as it is
    /// now (`c2c_modified`).
    #[allow(clippy::too_many_arguments)]
    pub async fn modify_c2c(
        &self,
        app: AppId,
        a: &UserId,
        b: &UserId,
        key: &str,
        body: Option<MsgBody>,
        cloud_custom_data: Option<String>,
        editor: Editor,
    ) -> Result<(), Error> {
        let key = MsgKey::parse(key)?;
        let m = self.editable(app, a, b, &key, &editor).await?;
        if m.has(flags::RECALLED) {
            return Err(Error::InvalidParameter(
                "the message was recalled; it cannot be edited".into(),
            ));
        }
        let body = body.map(|b| b.to_json());
        let size = body.as_ref().map_or(m.body.len(), String::len)
            + cloud_custom_data
                .as_ref()
                .map_or(m.cloud_custom_data.len(), String::len);
        let limit = self.apps.get(app)?.settings().max_message_bytes as usize;
        if size > limit {
            return Err(Error::MessageTooLarge { size, limit });
        }
        let Some(after) = self
            .store
            .modify_c2c(
                app,
                a,
                b,
                key.seq,
                body.as_deref(),
                cloud_custom_data.as_deref(),
            )
            .await
            .map_err(store_err)?
        else {
            return Err(Error::InvalidMsgKey(key.to_string()));
        };
        let extra = Extra {
            op: "c2c_modified",
            online_only: false,
            unread: None,
        };
        if let Some(frame) = frames::message(&after, &extra) {
            self.push_to_user(app, &after.to, &frame, None);
            if after.from != after.to {
                self.push_to_user(app, &after.from, &frame, None);
            }
        }
        Ok(())
    }
}
