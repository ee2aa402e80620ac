//! What each request runs against the engine, and the typed replies it answers with.

use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Arc;

use liveroom_core::live::{LiveInfo, LiveState, PINNED_ITEM_KEY};
use liveroom_core::protocol::{Op, Push, Reply};
use liveroom_core::{Error, GroupId, Service, UserId};
use liveroom_engine::outbound::Frame;
use liveroom_engine::session::SessionRef;
use liveroom_engine::{
    DrawStarted, Engine, GroupProfile, JoinView, LiveStateAnswer, ModAction, SendReceipt,
};

/// A reply's result fields.
pub(super) type Data = Map<String, Value>;

/// A reply's result fields from their typed view (`()`: none).
pub(super) fn data(view: impl Serialize) -> Result<Data, Error> {
    match serde_json::to_value(view) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Ok(Data::new()),
        Err(_) => Err(Error::Internal),
    }
}

/// An empty reply.
fn done() -> Result<Data, Error> {
    Ok(Data::new())
}

fn reply_frame(id: Option<u64>, code: i32, info: String, data: Data) -> Option<Frame> {
    let reply = Push::Reply(Reply {
        id,
        error_code: code,
        error_info: info,
        data,
    });
    serde_json::to_string(&reply).ok().map(Frame::control)
}

fn push_reply(session: &SessionRef, id: Option<u64>, code: i32, info: String, data: Data) {
    if let Some(frame) = reply_frame(id, code, info, data) {
        session.push(&frame);
    }
}

/// An error reply; a mute refusal also says how long the mute lasts (`MuteRemaining`,
/// seconds) so the client can disable its input box for that long.
pub(super) fn reply_err(session: &SessionRef, id: Option<u64>, e: &Error) {
    reply_err_in(session, id, e, Service::Group);
}

/// An error reply coded in `service`'s table (one-to-one ops: `openim`'s).
pub(super) fn reply_err_in(session: &SessionRef, id: Option<u64>, e: &Error, service: Service) {
    let mut data = Data::new();
    if let Error::Muted { remaining_secs } = e {
        data.insert("MuteRemaining".into(), Value::from(*remaining_secs));
    }
    push_reply(session, id, e.code(service), e.to_string(), data);
}

pub(super) fn answer(session: &SessionRef, id: Option<u64>, result: Result<Option<Data>, Error>) {
    answer_in(session, id, result, Service::Group);
}

pub(super) fn answer_in(
    session: &SessionRef,
    id: Option<u64>,
    result: Result<Option<Data>, Error>,
    service: Service,
) {
    match result {
        Ok(Some(data)) => push_reply(session, id, 0, String::new(), data),
        Ok(None) => {}
        Err(e) => reply_err_in(session, id, &e, service),
    }
}

/// A send's reply.
pub(super) fn send_reply(receipt: SendReceipt) -> Result<Option<Data>, Error> {
    let level = (receipt.level > 0).then_some(receipt.level);
    data(Sent { receipt, level }).map(Some)
}

/// A send's reply: its receipt, and the level the message carries for the sender's own
/// display (left out when 0).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Sent {
    #[serde(flatten)]
    receipt: SendReceipt,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct LoggedIn {
    #[serde(rename = "UserID")]
    user_id: UserId,
    nick_name: String,
    avatar: String,
    level: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Pong {
    pong: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Liked {
    /// Likes counted (beyond the user's budget they are not).
    added: u32,
}

/// A join's reply: the room's profile and the joiner's own state in it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Joined<'a> {
    #[serde(flatten)]
    profile: GroupProfile<'a>,
    member_num: usize,
    mute_remaining: u64,
    role: &'static str,
    live_state: LiveInfo,
    pinned_item: Option<Value>,
    /// Rooms left because the app allows one room per connection.
    left: &'a [GroupId],
}

/// Runs one request; returns the reply data, or `None` when the engine already replied.
pub(super) async fn dispatch(
    engine: &Arc<Engine>,
    session: &SessionRef,
    id: Option<u64>,
    op: Op,
) -> Result<Option<Data>, Error> {
    let reply = match op {
        Op::Login {
            sdk_app_id,
            user_id,
            user_sig,
            platform,
        } => {
            let info = engine
                .login(
                    session,
                    sdk_app_id,
                    &user_id,
                    &user_sig,
                    platform.as_deref(),
                )
                .await?;
            data(LoggedIn {
                user_id: info.user,
                nick_name: info.nick,
                avatar: info.avatar,
                level: info.level,
            })
        }
        Op::Guest { sdk_app_id } => {
            engine.guest(session, sdk_app_id).await?;
            done()
        }
        Op::Logout => {
            engine.logout(session).await;
            done()
        }
        Op::Join { group_id } => {
            if let Some(stored) = engine.join_stored(session, &group_id).await? {
                return stored_join_reply(stored).map(Some);
            }
            // The engine queues the reply itself, ahead of the history and live messages.
            let reply = |view: &JoinView| join_reply(id, view);
            engine.join(session, &group_id, &reply).await?;
            return Ok(None);
        }
        Op::Quit { group_id } => {
            engine.quit(session, &group_id).await?;
            done()
        }
        // Sends are handled in `handle_text`, in request order.
        Op::Send { .. } => Err(Error::Internal),
        Op::Ping => data(Pong { pong: true }),
        Op::Mute {
            group_id,
            members,
            mute_time,
        } => {
            let users = accounts(&members)?;
            let action = ModAction::Mute {
                users,
                secs: mute_time,
            };
            engine.moderate_as(session, &group_id, action).await?;
            done()
        }
        Op::MuteAll { group_id, mute_all } => {
            let on = match mute_all.as_str() {
                "On" => true,
                "Off" => false,
                other => {
                    return Err(Error::InvalidParameter(format!(
                        "MuteAllMember {other:?} is not On or Off"
                    )))
                }
            };
            engine
                .moderate_as(session, &group_id, ModAction::MuteAll(on))
                .await?;
            done()
        }
        Op::Ban {
            group_id,
            members,
            duration,
            description,
        } => {
            let action = ModAction::Ban {
                users: accounts(&members)?,
                secs: duration,
                description,
            };
            engine.moderate_as(session, &group_id, action).await?;
            done()
        }
        Op::Unban { group_id, members } => {
            let action = ModAction::Unban {
                users: accounts(&members)?,
            };
            engine.moderate_as(session, &group_id, action).await?;
            done()
        }
        Op::SetLiveState {
            group_id,
            state,
            new_session,
        } => {
            let to = LiveState::parse(&state)?;
            let live_state = engine
                .set_live_state_as(session, &group_id, to, new_session)
                .await?;
            data(LiveStateAnswer { live_state })
        }
        Op::StartDraw(d) => {
            let draw_id = engine
                .start_draw_as(session, &d.group_id, &d.keyword, d.duration, d.winners)
                .await?;
            data(DrawStarted { draw_id })
        }
        Op::Like { group_id, count } => {
            let added = engine.like(session, &group_id, count).await?;
            data(Liked { added })
        }
        Op::PinItem { group_id, item } => {
            engine.pin_item_as(session, &group_id, Some(&item)).await?;
            done()
        }
        Op::UnpinItem { group_id } => {
            engine.pin_item_as(session, &group_id, None).await?;
            done()
        }
        Op::ModifyGroup(change) => {
            engine.modify_group_as(session, change).await?;
            done()
        }
        Op::RoomStats(req) => {
            let (app, group) = engine
                .room_operated_by(session, &req.group_id, "read its statistics")
                .await?;
            data(engine.room_stats_report(app, &group, &req).await?)
        }
        Op::Recall {
            group_id,
            msg_seq,
            topic_id,
        } => {
            let topic = topic_id.unwrap_or_default();
            engine
                .recall_as(session, &group_id, &topic, msg_seq)
                .await?;
            done()
        }
        Op::SetAdmin {
            group_id,
            members,
            admin,
        } => {
            let action = ModAction::SetAdmin {
                users: accounts(&members)?,
                admin,
            };
            engine.moderate_as(session, &group_id, action).await?;
            done()
        }
        // Sends are handled in `handle_text`, in request order.
        Op::SendC2c(_) => Err(Error::Internal),
        op if op.service() == Service::Openim => {
            return super::chat::dispatch(engine, session, op).await
        }
        op if op.is_group_chat() => return super::groups::dispatch(engine, session, op).await,
        op => return super::social::dispatch(engine, session, op).await,
    };
    reply.map(Some)
}

fn accounts(raw: &[String]) -> Result<Vec<UserId>, Error> {
    raw.iter().map(|u| UserId::parse(u)).collect()
}

/// A `join` of a group that keeps its members: its profile and the caller's place in it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StoredJoined<'a> {
    #[serde(flatten)]
    profile: GroupProfile<'a>,
    /// Stored members.
    member_num: u32,
    mute_remaining: u64,
    /// Absent while the request waits.
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    /// The request to join waits for an owner or admin.
    pending: bool,
}

fn stored_join_reply(j: liveroom_engine::group_chat::StoredJoin) -> Result<Data, Error> {
    data(StoredJoined {
        profile: GroupProfile::of(&j.group),
        member_num: j.group.member_num,
        mute_remaining: j.mute_remaining,
        role: j.role,
        pending: j.role.is_none(),
    })
}

fn join_reply(id: Option<u64>, view: &JoinView) -> Frame {
    let g = view.group;
    let joined = Joined {
        profile: GroupProfile::of(g),
        member_num: view.member_num,
        mute_remaining: view.mute_remaining,
        role: view.role,
        live_state: LiveInfo::from_custom(&g.custom),
        pinned_item: g
            .custom
            .iter()
            .find(|(k, _)| k == PINNED_ITEM_KEY)
            .and_then(|(_, v)| serde_json::from_str(v).ok()),
        left: view.left,
    };
    data(joined)
        .ok()
        .and_then(|data| reply_frame(id, 0, String::new(), data))
        .unwrap_or_else(|| Frame::control(String::new()))
}
