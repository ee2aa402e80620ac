//! The profile and relationship ops of the client protocol. Profile ops answer with the
//! `profile` error table (40xxx), relationship ops with `sns`'s (30xxx).

use serde::Serialize;
use std::sync::Arc;

use liveroom_core::profile::READ_MAX;
use liveroom_core::protocol::Op;
use liveroom_core::store::FriendRequest;
use liveroom_core::{Error, UserId};
use liveroom_engine::session::SessionRef;
use liveroom_engine::{AddMode, Engine, FriendAdd, ProfileItem, Setter};

use super::ops::{data, Data};

/// 1 to `max` well-formed UserIDs.
pub(super) fn accounts(raw: &[String], max: usize) -> Result<Vec<UserId>, Error> {
    if raw.is_empty() || raw.len() > max {
        return Err(Error::TooManyAccounts(format!(
            "{} accounts listed; 1 to {max} are allowed",
            raw.len()
        )));
    }
    raw.iter().map(|u| UserId::parse(u)).collect()
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Profiles {
    profiles: Vec<ProfileView>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProfileView {
    #[serde(rename = "UserID")]
    user: String,
    profile_item: Vec<ProfileItem>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Added {
    /// Waiting for the other to accept.
    pending: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RequestView {
    #[serde(rename = "From_Account")]
    from: String,
    #[serde(rename = "To_Account")]
    to: String,
    add_wording: String,
    add_source: String,
    time: i64,
}

impl RequestView {
    fn of(r: FriendRequest) -> Self {
        Self {
            from: r.from.to_string(),
            to: r.to.to_string(),
            add_wording: r.wording,
            add_source: r.source,
            time: r.at,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Requests {
    incoming: Vec<RequestView>,
    outgoing: Vec<RequestView>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct FriendView {
    #[serde(rename = "UserID")]
    user: String,
    remark: String,
    groups: Vec<String>,
    add_time: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Friends {
    friends: Vec<FriendView>,
    total: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct BlockedView {
    #[serde(rename = "UserID")]
    user: String,
    add_time: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Blocked {
    blocked: Vec<BlockedView>,
}

/// The first refusal among per-user results, as the op's error.
fn first_refusal(results: &[liveroom_engine::RelationResult]) -> Result<(), Error> {
    match results.iter().find(|r| r.result_code != 0) {
        Some(r) => Err(Error::Relation {
            code: r.result_code,
            info: r.result_info.clone(),
        }),
        None => Ok(()),
    }
}

pub(super) async fn dispatch(
    engine: &Arc<Engine>,
    session: &SessionRef,
    op: Op,
) -> Result<Option<Data>, Error> {
    let me = session.require_user()?;
    let (app, user) = (me.app, me.user);
    let origin = session.origin();
    let reply = match op {
        Op::GetProfiles(r) => {
            let users = accounts(&r.users, READ_MAX)?;
            let tags = match r.tags {
                Some(t) => t,
                None => liveroom_core::profile::all_tags(
                    &engine.app(app)?.settings().profile_custom_fields,
                ),
            };
            let found = engine.profiles(app, &users, &tags).await?;
            data(Profiles {
                profiles: found
                    .into_iter()
                    .filter_map(|(u, items)| {
                        items.map(|profile_item| ProfileView {
                            user: u.to_string(),
                            profile_item,
                        })
                    })
                    .collect(),
            })
        }
        Op::SetProfile(r) => {
            let items = r.items.into_iter().map(|i| (i.tag, i.value)).collect();
            engine
                .set_profile_items(app, &user, items, Setter::Own, origin)
                .await?;
            data(())
        }
        Op::AddFriend(r) => {
            let both = match r.add_type.as_deref() {
                None | Some("Add_Type_Both") => true,
                Some("Add_Type_Single") => false,
                Some(other) => {
                    return Err(Error::InvalidParameter(format!(
                        "AddType {other:?} is not Add_Type_Single or Add_Type_Both"
                    )))
                }
            };
            let item = FriendAdd {
                to: UserId::parse(&r.to)?,
                remark: r.remark,
                group: r.group.filter(|g| !g.is_empty()),
                source: r.source,
                wording: r.wording,
            };
            let mode = AddMode { both, force: false };
            let results = engine
                .add_friends(app, &user, vec![item], mode, origin)
                .await?;
            let pending = results
                .first()
                .is_some_and(|r| r.result_code == liveroom_engine::friend_codes::PENDING);
            if !pending {
                first_refusal(&results)?;
            }
            data(Added { pending })
        }
        Op::AnswerFriendRequest(r) => {
            let from = UserId::parse(&r.from)?;
            engine
                .answer_friend_request(app, &user, &from, r.accept, r.remark, origin)
                .await?;
            data(())
        }
        Op::GetFriendRequests => data(Requests {
            incoming: engine
                .friend_requests(app, &user, true)
                .await?
                .into_iter()
                .map(RequestView::of)
                .collect(),
            outgoing: engine
                .friend_requests(app, &user, false)
                .await?
                .into_iter()
                .map(RequestView::of)
                .collect(),
        }),
        Op::DeleteFriend(r) => {
            let friend = UserId::parse(&r.to)?;
            let results = engine
                .delete_friends(app, &user, &[friend], r.both, origin)
                .await?;
            first_refusal(&results)?;
            data(())
        }
        Op::GetFriends(r) => {
            if r.count == 0 || r.count > 1000 {
                return Err(Error::InvalidParameter("Count must be 1 to 1000".into()));
            }
            let (page, total) = engine
                .friend_page(app, &user, r.start, r.count, None)
                .await?;
            data(Friends {
                friends: page
                    .into_iter()
                    .map(|f| FriendView {
                        user: f.friend.to_string(),
                        remark: f.remark,
                        groups: f.groups,
                        add_time: f.added_at,
                    })
                    .collect(),
                total,
            })
        }
        Op::Block(r) => {
            let users = accounts(&r.users, liveroom_engine::BLOCKLIST_MAX as usize)?;
            let results = engine.block_users(app, &user, &users, origin).await?;
            first_refusal(&results)?;
            data(())
        }
        Op::Unblock(r) => {
            let users = accounts(&r.users, liveroom_engine::BLOCKLIST_MAX as usize)?;
            engine.unblock_users(app, &user, &users, origin).await?;
            data(())
        }
        Op::GetBlocklist => {
            let (page, _) = engine
                .block_page(app, &user, 0, liveroom_engine::BLOCKLIST_MAX as u32)
                .await?;
            data(Blocked {
                blocked: page
                    .into_iter()
                    .map(|(u, at)| BlockedView {
                        user: u.to_string(),
                        add_time: at,
                    })
                    .collect(),
            })
        }
        _ => Err(Error::Internal),
    };
    reply.map(Some)
}
