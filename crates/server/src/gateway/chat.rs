//! The one-to-one ops of the client protocol: what each runs against the engine. Their
//! errors are coded in the `openim` table (20xxx, 90xxx).

use serde::Serialize;
use std::sync::Arc;

use liveroom_core::chat::SyncOther;
use liveroom_core::message::MsgBody;
use liveroom_core::protocol::chat::SendC2c;
use liveroom_core::protocol::Op;
use liveroom_core::{Error, UserId};
use liveroom_engine::chat::{C2cBy, C2cSend, Editor};
use liveroom_engine::session::SessionRef;
use liveroom_engine::{CallbackControl, Engine};

use super::ops::{data, Data};

/// A client's one-to-one message, checked and ready for the engine's send path.
pub(super) fn client_send(session: &SessionRef, req: SendC2c) -> Result<C2cSend, Error> {
    let me = session.require_user()?;
    let to = UserId::parse(&req.to).map_err(|e| Error::BadField {
        field: "To_Account".into(),
        info: e.to_string(),
    })?;
    Ok(C2cSend {
        from: me.user,
        nick: me.nick,
        avatar: me.avatar,
        to,
        body: MsgBody::parse(&req.msg_body)?,
        cloud_custom_data: req.cloud_custom_data.unwrap_or_default(),
        client_seq: req.msg_seq.map(u64::from),
        random: req.msg_random,
        online_only: req.online_only,
        sync_other: SyncOther::Default,
        no_unread: req.no_unread,
        no_last_msg: false,
        needs_receipt: req.need_read_receipt,
        offline_push: req.offline_push_info,
        callbacks: CallbackControl::default(),
        by: C2cBy::Client(session.clone()),
        turn: None,
    })
}

fn peer(raw: &str) -> Result<UserId, Error> {
    UserId::parse(raw).map_err(|e| Error::BadField {
        field: "Peer_Account".into(),
        info: e.to_string(),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Read {
    seq: u64,
    unread: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Statuses {
    statuses: Vec<liveroom_engine::UserStatus>,
}

fn status_users(raw: &[String]) -> Result<Vec<UserId>, Error> {
    super::social::accounts(raw, liveroom_engine::WATCH_MAX)
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Typed {
    /// Passed on (beyond the connection's rate it is not).
    sent: bool,
}

/// Runs a one-to-one op (sends excepted: `handle_text` runs them in request order).
pub(super) async fn dispatch(
    engine: &Arc<Engine>,
    session: &SessionRef,
    op: Op,
) -> Result<Option<Data>, Error> {
    let me = session.require_user()?;
    let (app, user) = (me.app, me.user);
    let reply = match op {
        Op::GetC2cMessages(r) => data(
            engine
                .c2c_page(
                    app,
                    &user,
                    &peer(&r.peer)?,
                    r.after_seq,
                    r.before_seq,
                    r.count,
                )
                .await?,
        ),
        Op::GetConversations(r) => data(
            engine
                .conversation_page(app, &user, r.cursor.as_deref(), r.count)
                .await?,
        ),
        Op::ReadC2c(r) => {
            let side = engine
                .read_c2c(app, &user, &peer(&r.peer)?, r.seq, session.origin())
                .await?;
            data(Read {
                seq: side.as_ref().map_or(0, |s| s.read_seq),
                unread: side.map_or(0, |s| s.unread),
            })
        }
        Op::RecallC2c(r) => {
            engine
                .recall_c2c(
                    app,
                    &user,
                    &peer(&r.peer)?,
                    &r.msg_key,
                    Editor::Client(user.clone()),
                    session.origin(),
                )
                .await?;
            data(())
        }
        Op::ModifyC2c(r) => {
            let body = r.msg_body.as_ref().map(MsgBody::parse).transpose()?;
            engine
                .modify_c2c(
                    app,
                    &user,
                    &peer(&r.peer)?,
                    &r.msg_key,
                    body,
                    r.cloud_custom_data,
                    Editor::Client(user.clone()),
                )
                .await?;
            data(())
        }
        Op::DeleteConversation(r) => {
            let peer = peer(&r.peer)?;
            if !engine
                .delete_conversation(app, &user, &peer, r.clear_history)
                .await?
            {
                return Err(liveroom_engine::chat::no_conversation(&peer));
            }
            data(())
        }
        Op::PinConversation(r) => {
            match &r.group_id {
                Some(g) => {
                    let group = liveroom_core::GroupId::parse(g)?;
                    engine.pin_group(app, &group, &user, r.pinned).await?;
                }
                None => {
                    engine
                        .pin_conversation(app, &user, &peer(&r.peer)?, r.pinned)
                        .await?;
                }
            }
            data(())
        }
        Op::SubscribeStatus(r) => data(Statuses {
            statuses: engine
                .watch_status(session, &status_users(&r.users)?)
                .await?,
        }),
        Op::UnsubscribeStatus(r) => {
            engine.unwatch_status(session, &status_users(&r.users)?);
            data(())
        }
        Op::GetStatus(r) => data(Statuses {
            statuses: engine.user_statuses(app, &status_users(&r.users)?).await,
        }),
        Op::SetStatus(r) => {
            engine.set_custom_status(session, r.custom_status)?;
            data(())
        }
        Op::Typing(r) => {
            let to = UserId::parse(&r.to).map_err(|e| Error::BadField {
                field: "To_Account".into(),
                info: e.to_string(),
            })?;
            data(Typed {
                sent: engine.typing(session, &to).await?,
            })
        }
        _ => Err(Error::Internal),
    };
    reply.map(Some)
}
