//! Typing notices: pushed to the peer's online devices, never stored, a few a second per
//! connection.

use liveroom_core::protocol::chat::TypingPush;
use liveroom_core::{Error, UserId};

use super::frames;
use crate::session::SessionRef;
use crate::Engine;

impl Engine {
    /// `session`'s user is typing to `to`. Notices beyond the app's `chat.typing_per_sec`
    /// are not passed on; returns whether this one was.
    pub async fn typing(&self, session: &SessionRef, to: &UserId) -> Result<bool, Error> {
        let me = session.require_user()?;
        self.require_account(me.app, to, || Error::ReceiverNotFound(to.to_string()))
            .await?;
        let per_sec = self.apps.get(me.app)?.settings().chat.typing_per_sec;
        if session.take_typing(per_sec) == 0 {
            return Ok(false);
        }
        let push = TypingPush {
            from: me.user.to_string(),
        };
        if let Some(frame) = frames::typing(&push) {
            self.push_to_user(me.app, to, &frame, None);
        }
        Ok(true)
    }
}
