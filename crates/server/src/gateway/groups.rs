//! The ops of groups that keep their members and messages (docs/protocol.md, "Groups"):
//! what each runs against the engine, and the views it answers with. Errors use the group
//! service's table (10xxx).

use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

use liveroom_core::group::{ApplyJoinOption, GroupType, InviteJoinOption, MsgFlag};
use liveroom_core::message::MsgBody;
use liveroom_core::protocol::Op;
use liveroom_core::store::{
    group_flags, ExtEntry, ExtOutcome, ExtWrite, GroupMsgRecord, JoinRequest, MemberPage,
    RequestKind,
};
use liveroom_core::{Error, GroupId, Service, UserId};
use liveroom_engine::group_chat::{Actor, AddResult, JoinOutcome, MemberChanges, TopicSpec};
use liveroom_engine::session::SessionRef;
use liveroom_engine::{Engine, GroupProfile, NewGroup};

use super::ops::{data, Data};

/// Most members one `get_group_members` page lists.
const MEMBERS_PAGE_MAX: u32 = 1000;

/// The session's user as the actor.
fn me(engine: &Engine, session: &SessionRef) -> Result<(liveroom_core::AppId, Actor), Error> {
    let me = session.require_user()?;
    let app_admin = engine.apps.get(me.app)?.is_admin(&me.user);
    Ok((
        me.app,
        Actor {
            user: me.user,
            app_admin,
            by_client: true,
            origin: session.origin(),
        },
    ))
}

fn accounts(raw: &[String]) -> Result<Vec<UserId>, Error> {
    raw.iter().map(|u| UserId::parse(u)).collect()
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Created {
    group_id: GroupId,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct JoinAnswer {
    /// The request waits for an owner or admin.
    pending: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InviteResults {
    results: Vec<InviteResult>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InviteResult {
    #[serde(rename = "Member_Account")]
    member: UserId,
    /// 0 not added, 1 added, 2 already a member, 3 waiting for approval.
    result: u8,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Requests {
    requests: Vec<RequestView>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RequestView {
    #[serde(rename = "Applicant_Account")]
    applicant: UserId,
    /// `Apply` or `Invite`.
    kind: &'static str,
    #[serde(rename = "Inviter_Account", skip_serializing_if = "Option::is_none")]
    inviter: Option<UserId>,
    apply_message: String,
    time: i64,
}

impl RequestView {
    fn of(r: JoinRequest) -> Self {
        Self {
            applicant: r.user,
            kind: match r.kind {
                RequestKind::Apply => "Apply",
                RequestKind::Invite => "Invite",
            },
            inviter: r.inviter,
            apply_message: r.wording,
            time: r.time,
        }
    }
}

/// A stored group message as pages list it (the `message` push's fields, without `op`).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct MessageView {
    group_id: GroupId,
    /// A topic's message (communities).
    #[serde(rename = "TopicId", skip_serializing_if = "String::is_empty")]
    topic_id: String,
    #[serde(rename = "From_Account")]
    from: UserId,
    nick_name: String,
    avatar: String,
    msg_seq: u64,
    msg_time: i64,
    msg_random: u32,
    msg_priority: &'static str,
    msg_body: Value,
    cloud_custom_data: String,
    /// A tip the server stored (`TIMGroupTipElem` body).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    system: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    recalled: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    edited: bool,
    #[serde(rename = "GroupAtInfo", skip_serializing_if = "Option::is_none")]
    at_info: Option<Value>,
}

impl MessageView {
    pub(super) fn of(m: GroupMsgRecord) -> Self {
        Self {
            system: m.has(group_flags::SYSTEM),
            recalled: m.has(group_flags::RECALLED),
            edited: m.has(group_flags::EDITED),
            at_info: (!m.at_info.is_empty())
                .then(|| serde_json::from_str(&m.at_info).ok())
                .flatten(),
            msg_body: serde_json::from_str(&m.body).unwrap_or(Value::Array(Vec::new())),
            group_id: m.group,
            topic_id: m.topic,
            from: m.from,
            nick_name: m.nick,
            avatar: m.avatar,
            msg_seq: m.seq,
            msg_time: m.time,
            msg_random: m.random,
            msg_priority: m.priority.as_str(),
            cloud_custom_data: m.cloud_custom_data,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Page {
    messages: Vec<MessageView>,
    complete: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Read {
    seq: u64,
    unread: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Groups {
    groups: Vec<GroupView>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GroupView {
    group_id: GroupId,
    #[serde(rename = "Type")]
    group_type: &'static str,
    name: String,
    face_url: String,
    role: &'static str,
    msg_flag: &'static str,
    unread: u64,
    read_seq: u64,
    last_seq: u64,
    last_time: i64,
    pinned: bool,
    last_message: Option<MessageView>,
    /// The oldest unread message naming this user, and the oldest unread one to everyone.
    #[serde(rename = "AtMeSeq", skip_serializing_if = "Option::is_none")]
    at_me: Option<u64>,
    #[serde(rename = "AtAllSeq", skip_serializing_if = "Option::is_none")]
    at_all: Option<u64>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Members {
    members: Vec<MemberView>,
    member_num: u32,
    /// The value to continue with; absent when the list is done.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<UserId>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct MemberView {
    #[serde(rename = "Member_Account")]
    member: UserId,
    role: &'static str,
    join_time: i64,
    name_card: String,
    nick_name: String,
    avatar: String,
    app_member_defined_data: Vec<liveroom_core::protocol::groups::KeyValue>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TopicCreated {
    topic_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Topics {
    topics: Vec<TopicView>,
}

/// A topic as `get_topics` lists it, with the reader's side.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct TopicView {
    topic_id: String,
    topic_name: String,
    face_url: String,
    introduction: String,
    notification: String,
    custom_string: String,
    mute_all_member: &'static str,
    create_time: i64,
    last_seq: u64,
    last_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    unread: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    read_seq: Option<u64>,
}

impl TopicView {
    pub(super) fn of((t, side): liveroom_engine::group_chat::TopicView) -> Self {
        Self {
            topic_id: t.id,
            topic_name: t.name,
            face_url: t.face_url,
            introduction: t.introduction,
            notification: t.notification,
            custom_string: t.custom_string,
            mute_all_member: if t.mute_all { "On" } else { "Off" },
            create_time: t.create_time,
            last_seq: t.thread.last_seq,
            last_time: t.thread.last_time,
            unread: side.as_ref().map(|s| s.unread),
            read_seq: side.as_ref().map(|s| s.read_seq),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Destroyed {
    results: Vec<TopicResult>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TopicResult {
    topic_id: String,
    error_code: i32,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Reacted {
    /// The reaction's count now.
    count: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Reactions {
    messages: Vec<MessageReactions>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct MessageReactions {
    msg_seq: u64,
    reactions: Vec<ReactionView>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ReactionView {
    reaction: String,
    count: u64,
    /// The first reactors (at most 10).
    users: Vec<UserId>,
    /// The reader reacted so.
    mine: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ExtResults {
    result_list: Vec<ExtResult>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ExtList {
    extension_list: Vec<ExtResult>,
}

/// An extension as set or read: 23001 when the version was stale (the entry is the
/// stored one), 23004 when the message holds as many as it may.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ExtResult {
    key: String,
    value: String,
    seq: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_code: Option<i32>,
}

impl ExtResult {
    pub(super) fn entry(e: &ExtEntry) -> Self {
        Self {
            key: e.key.clone(),
            value: e.value.clone(),
            seq: e.version,
            error_code: None,
        }
    }

    pub(super) fn of(o: &ExtOutcome) -> Self {
        match o {
            ExtOutcome::Set(e) => Self {
                error_code: Some(0),
                ..Self::entry(e)
            },
            ExtOutcome::Conflict(e) => Self {
                error_code: Some(Error::ExtensionConflict.code(Service::Group)),
                ..Self::entry(e)
            },
            ExtOutcome::Full(key) => Self {
                key: key.clone(),
                value: String::new(),
                seq: 0,
                error_code: Some(Error::InvalidParameter(String::new()).code(Service::Group)),
            },
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Receipts {
    receipts: Vec<Receipt>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Receipt {
    msg_seq: u64,
    read_count: u64,
    unread_count: u64,
}

/// `get_group_info`: a group's profile and settings.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GroupInfoView<'a> {
    #[serde(flatten)]
    profile: GroupProfile<'a>,
    /// Stored members (live rooms: online now).
    member_num: usize,
    max_member_num: u32,
    apply_join_option: &'static str,
    invite_join_option: &'static str,
    create_time: i64,
    next_msg_seq: u64,
    support_topic: bool,
    enable_permission: bool,
    default_permission: u64,
}

/// Runs one group op for the session.
pub(super) async fn dispatch(
    engine: &Arc<Engine>,
    session: &SessionRef,
    op: Op,
) -> Result<Option<Data>, Error> {
    let (app, actor) = me(engine, session)?;
    let origin = session.origin();
    let reply = match op {
        Op::CreateGroup(c) => {
            let group_type = GroupType::parse(&c.group_type)?;
            let members = accounts(&c.member_list)?
                .into_iter()
                .map(|u| (u, false))
                .collect();
            let new = NewGroup {
                group_type,
                group_id: c.group_id,
                owner: Some(actor.user.clone()),
                name: c.name,
                introduction: c.introduction,
                notification: c.notification,
                face_url: c.face_url,
                max_member_num: c.max_member_count,
                apply_join_option: c
                    .apply_join_option
                    .as_deref()
                    .map(ApplyJoinOption::parse)
                    .transpose()?,
                invite_join_option: c
                    .invite_join_option
                    .as_deref()
                    .map(InviteJoinOption::parse)
                    .transpose()?,
                custom: Vec::new(),
                members,
                support_topic: c.support_topic,
                imported_at: None,
            };
            let group_id = engine
                .create_group(app, new, actor.user.as_str(), &origin)
                .await?;
            data(Created { group_id })
        }
        Op::JoinGroup(j) => {
            let group = GroupId::parse(&j.group_id)?;
            let outcome = engine
                .apply_join(app, &group, &actor.user, &j.apply_message, &origin)
                .await?;
            data(JoinAnswer {
                pending: outcome == JoinOutcome::Pending,
            })
        }
        Op::InviteToGroup(m) => {
            let group = GroupId::parse(&m.group_id)?;
            let users = accounts(&m.members)?;
            let results = engine
                .add_group_members(app, &group, &users, &actor, false)
                .await?;
            data(InviteResults {
                results: results
                    .into_iter()
                    .map(|(member, r)| InviteResult {
                        member,
                        result: match r {
                            AddResult::Failed => 0,
                            AddResult::Added => 1,
                            AddResult::Already => 2,
                            AddResult::Pending => 3,
                        },
                    })
                    .collect(),
            })
        }
        Op::KickFromGroup(m) => {
            let group = GroupId::parse(&m.group_id)?;
            let users = accounts(&m.members)?;
            engine
                .remove_group_members(app, &group, &users, &actor, false, &m.reason)
                .await?;
            data(())
        }
        Op::GetGroupRequests(g) => {
            let group = GroupId::parse(&g.group_id)?;
            let list = engine.group_requests(app, &group, &actor).await?;
            data(Requests {
                requests: list.into_iter().map(RequestView::of).collect(),
            })
        }
        Op::AnswerGroupRequest(a) => {
            let group = GroupId::parse(&a.group_id)?;
            let applicant = UserId::parse(&a.applicant)?;
            engine
                .answer_group_request(app, &group, &applicant, a.accept, &a.reason, &actor)
                .await?;
            data(())
        }
        Op::GetJoinedGroups => {
            let joined = engine.joined_groups(app, &actor.user).await?;
            let mut groups = Vec::with_capacity(joined.len());
            for g in joined {
                let role = engine
                    .roles(app, &g.group, std::slice::from_ref(&actor.user))
                    .await?
                    .pop()
                    .map(|(_, r)| r)
                    .unwrap_or("Member");
                groups.push(GroupView {
                    group_type: g.group_type.as_str(),
                    name: g.name,
                    face_url: g.face_url,
                    role,
                    msg_flag: g.member.msg_flag.as_str(),
                    unread: if g.group_type.rules().unread {
                        g.member.unread
                    } else {
                        0
                    },
                    read_seq: g.member.read_seq,
                    last_seq: g.thread.last_seq,
                    last_time: g.thread.last_time,
                    pinned: g.member.pinned,
                    last_message: g.last.map(MessageView::of),
                    at_me: g.at_me,
                    at_all: g.at_all,
                    group_id: g.group,
                });
            }
            data(Groups { groups })
        }
        Op::GetGroupMembers(q) => {
            let group = GroupId::parse(&q.group_id)?;
            if q.count == 0 || q.count > MEMBERS_PAGE_MAX {
                return Err(Error::InvalidParameter(format!(
                    "Count must be 1 to {MEMBERS_PAGE_MAX}"
                )));
            }
            let after = q.next.as_deref().map(UserId::parse).transpose()?;
            let list = engine
                .group_member_list(
                    app,
                    &group,
                    MemberPage::After(after),
                    q.count,
                    q.admins_only,
                    &actor,
                )
                .await?;
            let owner = list.owner.clone();
            data(Members {
                member_num: list.member_num,
                next: list.next,
                members: list
                    .members
                    .into_iter()
                    .map(|m| MemberView {
                        role: if owner.as_ref() == Some(&m.user) {
                            "Owner"
                        } else if m.admin {
                            "Admin"
                        } else {
                            "Member"
                        },
                        member: m.user,
                        join_time: m.join_time,
                        name_card: m.name_card,
                        nick_name: m.nick,
                        avatar: m.avatar,
                        app_member_defined_data: m
                            .custom
                            .into_iter()
                            .map(|(key, value)| liveroom_core::protocol::groups::KeyValue {
                                key,
                                value,
                            })
                            .collect(),
                    })
                    .collect(),
            })
        }
        Op::GetGroupMessages(q) => {
            let group = GroupId::parse(&q.group_id)?;
            let before = q.before_seq.map(|s| s.saturating_sub(1));
            let page = engine
                .stored_history(
                    app,
                    &group,
                    q.topic_id.as_deref().unwrap_or(""),
                    q.after_seq,
                    before,
                    q.count,
                    q.with_recalled,
                    &actor,
                )
                .await?;
            data(Page {
                complete: page.complete,
                messages: page.messages.into_iter().map(MessageView::of).collect(),
            })
        }
        Op::ReadGroup(r) => {
            let group = GroupId::parse(&r.group_id)?;
            let topic = r.topic_id.as_deref().unwrap_or("");
            let (seq, unread) = engine
                .read_group(app, &group, topic, &actor.user, r.seq)
                .await?;
            data(Read { seq, unread })
        }
        Op::SetMemberInfo(s) => {
            let group = GroupId::parse(&s.group_id)?;
            let user = match &s.member {
                Some(m) => UserId::parse(m)?,
                None => actor.user.clone(),
            };
            let admin = match s.role.as_deref() {
                None => None,
                Some("Admin") => Some(true),
                Some("Member") => Some(false),
                Some(other) => {
                    return Err(Error::InvalidParameter(format!(
                        "Role {other:?} must be Admin or Member"
                    )))
                }
            };
            let changes = MemberChanges {
                admin,
                msg_flag: s.msg_flag.as_deref().map(MsgFlag::parse).transpose()?,
                name_card: s.name_card,
                custom: s.custom.into_iter().map(|kv| (kv.key, kv.value)).collect(),
            };
            engine
                .modify_group_member(app, &group, &user, changes, &actor)
                .await?;
            data(())
        }
        Op::ChangeGroupOwner(c) => {
            let group = GroupId::parse(&c.group_id)?;
            let new_owner = UserId::parse(&c.new_owner)?;
            engine
                .change_group_owner(app, &group, &new_owner, &actor)
                .await?;
            data(())
        }
        Op::DestroyGroup(g) => {
            let group = GroupId::parse(&g.group_id)?;
            let room = engine.room(app, &group).await?;
            if room.role_of(&actor.user, actor.app_admin) < liveroom_core::group::Role::Owner {
                return Err(Error::PermissionDenied(
                    "only the owner dismisses the group".into(),
                ));
            }
            engine
                .destroy_group(app, &group, actor.user.as_str(), &origin)
                .await?;
            data(())
        }
        Op::CreateTopic(c) => {
            let group = GroupId::parse(&c.group_id)?;
            let spec = TopicSpec {
                id: c.topic_id,
                name: Some(c.topic_name),
                face_url: c.face_url,
                introduction: c.introduction,
                notification: c.notification,
                custom_string: c.custom_string,
                mute_all: None,
            };
            let topic_id = engine.create_topic(app, &group, spec, &actor).await?;
            data(TopicCreated { topic_id })
        }
        Op::GetTopics(q) => {
            let group = GroupId::parse(&q.group_id)?;
            let topics = engine
                .topics(
                    app,
                    &group,
                    q.topic_ids.as_deref(),
                    &actor,
                    Some(&actor.user),
                )
                .await?;
            data(Topics {
                topics: topics.into_iter().map(TopicView::of).collect(),
            })
        }
        Op::ModifyTopic(m) => {
            let group = GroupId::parse(&m.group_id)?;
            let mute_all = match m.mute_all.as_deref() {
                None => None,
                Some("On") => Some(true),
                Some("Off") => Some(false),
                Some(other) => {
                    return Err(Error::InvalidParameter(format!(
                        "MuteAllMember {other:?} must be On or Off"
                    )))
                }
            };
            let spec = TopicSpec {
                id: None,
                name: m.topic_name,
                face_url: m.face_url,
                introduction: m.introduction,
                notification: m.notification,
                custom_string: m.custom_string,
                mute_all,
            };
            engine
                .modify_topic(app, &group, &m.topic_id, spec, &actor)
                .await?;
            data(())
        }
        Op::DestroyTopics(d) => {
            let group = GroupId::parse(&d.group_id)?;
            let outcomes = engine
                .destroy_topics(app, &group, &d.topic_ids, &actor)
                .await?;
            data(Destroyed {
                results: outcomes
                    .into_iter()
                    .map(|(topic_id, r)| TopicResult {
                        topic_id,
                        error_code: r.as_ref().err().map_or(0, |e| e.code(Service::Group)),
                    })
                    .collect(),
            })
        }
        Op::ModifyGroupMessage(m) => {
            let group = GroupId::parse(&m.group_id)?;
            let body = m.msg_body.as_ref().map(MsgBody::parse).transpose()?;
            engine
                .modify_group_message(
                    app,
                    &group,
                    m.topic_id.as_deref().unwrap_or(""),
                    m.msg_seq,
                    body,
                    m.cloud_custom_data,
                    &actor,
                )
                .await?;
            data(())
        }
        op @ (Op::AddReaction(_) | Op::RemoveReaction(_)) => {
            let add = matches!(op, Op::AddReaction(_));
            let (Op::AddReaction(r) | Op::RemoveReaction(r)) = op else {
                return Err(Error::Internal);
            };
            let group = GroupId::parse(&r.group_id)?;
            let count = engine
                .react(
                    app,
                    &group,
                    r.topic_id.as_deref().unwrap_or(""),
                    r.msg_seq,
                    &r.reaction,
                    add,
                    &actor,
                )
                .await?;
            data(Reacted { count })
        }
        Op::GetReactions(q) => {
            let group = GroupId::parse(&q.group_id)?;
            let found = engine
                .reactions(
                    app,
                    &group,
                    q.topic_id.as_deref().unwrap_or(""),
                    &q.msg_seqs,
                    &actor,
                )
                .await?;
            data(Reactions {
                messages: found
                    .into_iter()
                    .map(|(msg_seq, kinds)| MessageReactions {
                        msg_seq,
                        reactions: kinds
                            .into_iter()
                            .map(|k| ReactionView {
                                reaction: k.reaction,
                                count: k.count,
                                users: k.users,
                                mine: k.mine,
                            })
                            .collect(),
                    })
                    .collect(),
            })
        }
        Op::SetMessageExtensions(x) => {
            let group = GroupId::parse(&x.group_id)?;
            let writes = x
                .extensions
                .into_iter()
                .map(|e| ExtWrite {
                    key: e.key,
                    value: e.value,
                    expected: Some(e.seq),
                })
                .collect();
            let outcomes = engine
                .set_message_extensions(
                    app,
                    &group,
                    x.topic_id.as_deref().unwrap_or(""),
                    x.msg_seq,
                    writes,
                    &actor,
                )
                .await?;
            data(ExtResults {
                result_list: outcomes.iter().map(ExtResult::of).collect(),
            })
        }
        Op::GetMessageExtensions(m) => {
            let group = GroupId::parse(&m.group_id)?;
            let list = engine
                .message_extensions(
                    app,
                    &group,
                    m.topic_id.as_deref().unwrap_or(""),
                    m.msg_seq,
                    &actor,
                )
                .await?;
            data(ExtList {
                extension_list: list.iter().map(ExtResult::entry).collect(),
            })
        }
        Op::GetReadReceipts(q) => {
            let group = GroupId::parse(&q.group_id)?;
            let receipts = engine
                .read_receipts(app, &group, &q.msg_seqs, &actor)
                .await?;
            data(Receipts {
                receipts: receipts
                    .into_iter()
                    .map(|(msg_seq, read_count, unread_count)| Receipt {
                        msg_seq,
                        read_count,
                        unread_count,
                    })
                    .collect(),
            })
        }
        Op::GetGroupInfo(g) => {
            let group = GroupId::parse(&g.group_id)?;
            let (record, member_num, next_msg_seq) = engine.group_info(app, &group).await?;
            data(GroupInfoView {
                profile: GroupProfile::of(&record),
                member_num,
                max_member_num: record.max_member_num,
                apply_join_option: record.apply_join_option.as_str(),
                invite_join_option: record.invite_join_option.as_str(),
                create_time: record.create_time,
                next_msg_seq,
                support_topic: record.support_topic,
                enable_permission: record.enable_permission,
                default_permission: record.default_permission,
            })
        }
        Op::SetTopicPermission(p) => {
            let group = GroupId::parse(&p.group_id)?;
            let user = UserId::parse(&p.member)?;
            engine
                .set_topic_permission(app, &group, &p.topic_id, &user, p.permission, &actor)
                .await?;
            data(())
        }
        _ => Err(Error::Internal),
    };
    reply.map(Some)
}
