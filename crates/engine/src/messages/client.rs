//! A client's `send` before it starts: checked, with its sender fixed, as the session was
//! when the request came.

use serde_json::Value;

use liveroom_core::group::Priority;
use liveroom_core::message::MsgBody;
use liveroom_core::{AppId, Error, GroupId};

use super::{CallbackControl, SendRequest, Sender};
use crate::session::SessionRef;
use crate::Engine;

/// A client's `send` request as it arrived.
pub struct ClientSend {
    pub group_id: String,
    pub msg_body: Value,
    pub priority: Option<String>,
    pub cloud_custom_data: Option<String>,
    pub random: Option<u32>,
    /// Options of groups that keep their messages.
    pub stored: super::StoredSend,
}

impl Engine {
    /// Checks a client's `send` and fixes its sender while the session is as the client
    /// left it, in the documented order: logged in, `GroupId`, `MsgBody`, `MsgPriority`,
    /// then joined. A sender outside the room is told that the room does not exist when it
    /// does not, and to join it first otherwise.
    pub async fn prepare_client_send(
        &self,
        session: &SessionRef,
        send: ClientSend,
    ) -> Result<(AppId, SendRequest), Error> {
        let me = session.require_user()?;
        let group = GroupId::parse(&send.group_id)?;
        let body = MsgBody::parse(&send.msg_body)?;
        let priority = send
            .priority
            .as_deref()
            .map(Priority::parse)
            .transpose()?
            .unwrap_or_default();
        if !session.in_room(&group) {
            return Err(match self.room(me.app, &group).await {
                Err(Error::GroupNotFound(_)) => Error::GroupNotFound(group.to_string()),
                Ok(room) if room.is_durable() => Error::NotMember(me.user.to_string()),
                _ => Error::PermissionDenied(format!("join {group} before sending to it")),
            });
        }
        let sender = Sender::for_session(session, &group)?;
        Ok((
            me.app,
            SendRequest {
                group,
                sender,
                body,
                priority,
                cloud_custom_data: send.cloud_custom_data.unwrap_or_default(),
                random: send.random,
                callbacks: CallbackControl::default(),
                turn: None,
                counted: true,
                stored: send.stored,
            },
        ))
    }
}
