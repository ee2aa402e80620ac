//! Row shapes shared by both backends and their conversions to and from the records of
//! [`liveroom_core::store`], plus the mapping of sqlx errors to [`StoreError`].
//!
//! Both schemas store unsigned values (app ids, sequence numbers, limits) as signed 64-bit
//! integers; every conversion here is checked and fails with [`StoreError::Backend`]
//! instead of wrapping or panicking.

use std::collections::HashMap;

use liveroom_core::app::AppSettings;
use liveroom_core::group::{ApplyJoinOption, GroupType, InviteJoinOption, Priority};
use liveroom_core::ids::{AppId, GroupId, UserId};
use liveroom_core::stats::Counts;
use liveroom_core::store::{
    AppRecord, GroupRecord, HistoryRecord, Restriction, StoreError, StoreResult, UserRecord,
};

/// Any backend failure, with its text kept for logs.
pub(crate) fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// As [`backend`], except that a unique-key violation becomes [`StoreError::Conflict`].
pub(crate) fn insert_error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
        _ => backend(e),
    }
}

/// An unsigned value as the signed 64-bit integer the schema stores.
pub(crate) fn to_db(value: u64, what: &str) -> StoreResult<i64> {
    i64::try_from(value)
        .map_err(|_| StoreError::Backend(format!("{what} {value} is too large to store")))
}

/// A stored signed integer back as the unsigned type of a record.
pub(crate) fn from_db<T: TryFrom<i64>>(value: i64, what: &str) -> StoreResult<T> {
    T::try_from(value)
        .map_err(|_| StoreError::Backend(format!("stored {what} {value} is out of range")))
}

pub(crate) fn app_key(app: AppId) -> StoreResult<i64> {
    to_db(app.0, "app id")
}

pub(crate) fn encode_settings(settings: &AppSettings) -> StoreResult<String> {
    serde_json::to_string(settings).map_err(backend)
}

/// `$first, $first+1, ...` for `count` bind parameters (both backends accept `$N`).
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A group not found where it must exist.
pub(crate) fn no_group(app: i64, id: &GroupId) -> StoreError {
    StoreError::Backend(format!("group {id} of app {app} does not exist"))
}

#[derive(sqlx::FromRow)]
pub(crate) struct AppRow {
    sdkappid: i64,
    secret_key: String,
    created_at: i64,
    settings: String,
}

impl AppRow {
    pub(crate) fn into_record(self) -> StoreResult<AppRecord> {
        let settings = serde_json::from_str(&self.settings).map_err(|e| {
            StoreError::Backend(format!(
                "settings of app {} are not valid: {e}",
                self.sdkappid
            ))
        })?;
        Ok(AppRecord {
            id: AppId(from_db(self.sdkappid, "app id")?),
            secret_key: self.secret_key,
            created_at: self.created_at,
            settings,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    user_id: String,
    nick: String,
    face_url: String,
    created_at: i64,
}

impl UserRow {
    pub(crate) fn into_record(self) -> UserRecord {
        UserRecord {
            id: UserId::from_trusted(&self.user_id),
            nick: self.nick,
            face_url: self.face_url,
            created_at: self.created_at,
        }
    }
}

/// The columns of [`GroupRow`], for `SELECT`s.
pub(crate) const GROUP_COLUMNS: &str = "app, group_id, group_type, name, owner, introduction, \
    notification, face_url, max_member_num, apply_join_option, mute_all, create_time, \
    info_seq, last_info_time, last_msg_time, msg_seq_ceiling, invite_join_option, \
    history_before_join, support_topic, member_num, enable_permission, default_permission";

#[derive(sqlx::FromRow)]
pub(crate) struct GroupRow {
    app: i64,
    group_id: String,
    group_type: String,
    name: String,
    owner: Option<String>,
    introduction: String,
    notification: String,
    face_url: String,
    max_member_num: i64,
    apply_join_option: String,
    mute_all: bool,
    create_time: i64,
    info_seq: i64,
    last_info_time: i64,
    last_msg_time: i64,
    msg_seq_ceiling: i64,
    invite_join_option: String,
    history_before_join: bool,
    support_topic: bool,
    member_num: i64,
    enable_permission: bool,
    default_permission: i64,
}

impl GroupRow {
    pub(crate) fn into_record(self, custom: Vec<(String, String)>) -> StoreResult<GroupRecord> {
        Ok(GroupRecord {
            app: AppId(from_db(self.app, "app id")?),
            id: GroupId::from_trusted(&self.group_id),
            group_type: GroupType::parse(&self.group_type).map_err(backend)?,
            name: self.name,
            owner: self.owner.as_deref().map(UserId::from_trusted),
            introduction: self.introduction,
            notification: self.notification,
            face_url: self.face_url,
            max_member_num: from_db(self.max_member_num, "max_member_num")?,
            apply_join_option: ApplyJoinOption::parse(&self.apply_join_option).map_err(backend)?,
            mute_all: self.mute_all,
            create_time: self.create_time,
            info_seq: from_db(self.info_seq, "info_seq")?,
            last_info_time: self.last_info_time,
            last_msg_time: self.last_msg_time,
            msg_seq_ceiling: from_db(self.msg_seq_ceiling, "msg_seq_ceiling")?,
            custom,
            invite_join_option: InviteJoinOption::parse(&self.invite_join_option)
                .map_err(backend)?,
            history_before_join: self.history_before_join,
            support_topic: self.support_topic,
            member_num: from_db(self.member_num.max(0), "member_num")?,
            enable_permission: self.enable_permission,
            default_permission: from_db(self.default_permission, "default_permission")?,
        })
    }
}

/// One custom field of one group.
#[derive(sqlx::FromRow)]
pub(crate) struct CustomRow {
    app: i64,
    group_id: String,
    key: String,
    value: String,
}

/// Joins groups with their custom fields; `custom` must be in `position` order.
pub(crate) fn assemble_groups(
    groups: Vec<GroupRow>,
    custom: Vec<CustomRow>,
) -> StoreResult<Vec<GroupRecord>> {
    let mut fields: HashMap<(i64, String), Vec<(String, String)>> = HashMap::new();
    for row in custom {
        fields
            .entry((row.app, row.group_id))
            .or_default()
            .push((row.key, row.value));
    }
    groups
        .into_iter()
        .map(|g| {
            let own = fields
                .remove(&(g.app, g.group_id.clone()))
                .unwrap_or_default();
            g.into_record(own)
        })
        .collect()
}

/// A [`GroupRecord`] converted for binding.
pub(crate) struct GroupParams<'a> {
    pub app: i64,
    pub id: &'a str,
    pub group_type: &'static str,
    pub name: &'a str,
    pub owner: Option<&'a str>,
    pub introduction: &'a str,
    pub notification: &'a str,
    pub face_url: &'a str,
    pub max_member_num: i64,
    pub apply_join_option: &'static str,
    pub mute_all: bool,
    pub create_time: i64,
    pub info_seq: i64,
    pub last_info_time: i64,
    pub last_msg_time: i64,
    pub msg_seq_ceiling: i64,
    pub custom: &'a [(String, String)],
    pub invite_join_option: &'static str,
    pub history_before_join: bool,
    pub support_topic: bool,
    pub enable_permission: bool,
    pub default_permission: i64,
}

impl<'a> GroupParams<'a> {
    pub(crate) fn new(g: &'a GroupRecord) -> StoreResult<Self> {
        Ok(Self {
            app: app_key(g.app)?,
            id: g.id.as_str(),
            group_type: g.group_type.as_str(),
            name: &g.name,
            owner: g.owner.as_ref().map(UserId::as_str),
            introduction: &g.introduction,
            notification: &g.notification,
            face_url: &g.face_url,
            max_member_num: i64::from(g.max_member_num),
            apply_join_option: g.apply_join_option.as_str(),
            mute_all: g.mute_all,
            create_time: g.create_time,
            info_seq: to_db(g.info_seq, "info_seq")?,
            last_info_time: g.last_info_time,
            last_msg_time: g.last_msg_time,
            msg_seq_ceiling: to_db(g.msg_seq_ceiling, "msg_seq_ceiling")?,
            custom: &g.custom,
            invite_join_option: g.invite_join_option.as_str(),
            history_before_join: g.history_before_join,
            support_topic: g.support_topic,
            enable_permission: g.enable_permission,
            default_permission: to_db(g.default_permission, "default_permission")?,
        })
    }
}

/// A mute (with an empty `reason` column) or a ban.
#[derive(sqlx::FromRow)]
pub(crate) struct RestrictionRow {
    user_id: String,
    until: i64,
    reason: String,
}

impl RestrictionRow {
    pub(crate) fn into_record(self) -> Restriction {
        Restriction {
            user: UserId::from_trusted(&self.user_id),
            until: self.until,
            reason: self.reason,
        }
    }
}

/// The columns of [`HistoryRow`], in the order [`HistoryParams`] binds them.
pub(crate) const HISTORY_COLUMNS: &str = "app, group_id, msg_seq, msg_time, random, priority, \
    from_account, nick, face_url, body, cloud_custom_data, sender_level, recalled";

#[derive(sqlx::FromRow)]
pub(crate) struct HistoryRow {
    app: i64,
    group_id: String,
    msg_seq: i64,
    msg_time: i64,
    random: i64,
    priority: i64,
    from_account: String,
    nick: String,
    face_url: String,
    body: String,
    cloud_custom_data: String,
    sender_level: i64,
    recalled: i64,
}

impl HistoryRow {
    pub(crate) fn into_record(self) -> StoreResult<HistoryRecord> {
        Ok(HistoryRecord {
            app: AppId(from_db(self.app, "app id")?),
            group: GroupId::from_trusted(&self.group_id),
            msg_seq: from_db(self.msg_seq, "msg_seq")?,
            msg_time: self.msg_time,
            random: from_db(self.random, "random")?,
            priority: Priority::from_history_number(self.priority),
            from_account: UserId::from_trusted(&self.from_account),
            nick: self.nick,
            face_url: self.face_url,
            body: self.body,
            cloud_custom_data: self.cloud_custom_data,
            sender_level: u32::try_from(self.sender_level).unwrap_or(0),
            recalled: self.recalled != 0,
        })
    }
}

/// A [`HistoryRecord`] converted for binding.
pub(crate) struct HistoryParams<'a> {
    pub app: i64,
    pub group: &'a str,
    pub msg_seq: i64,
    pub msg_time: i64,
    pub random: i64,
    pub priority: i64,
    pub from_account: &'a str,
    pub nick: &'a str,
    pub face_url: &'a str,
    pub body: &'a str,
    pub cloud_custom_data: &'a str,
    pub sender_level: i64,
    pub recalled: i64,
}

impl<'a> HistoryParams<'a> {
    pub(crate) fn new(r: &'a HistoryRecord) -> StoreResult<Self> {
        Ok(Self {
            app: app_key(r.app)?,
            group: r.group.as_str(),
            msg_seq: to_db(r.msg_seq, "msg_seq")?,
            msg_time: r.msg_time,
            random: i64::from(r.random),
            priority: i64::from(r.priority.history_number()),
            from_account: r.from_account.as_str(),
            nick: &r.nick,
            face_url: &r.face_url,
            body: &r.body,
            cloud_custom_data: &r.cloud_custom_data,
            sender_level: i64::from(r.sender_level),
            recalled: i64::from(r.recalled),
        })
    }
}

/// A counter as bound: clamped to what a signed 64-bit column holds.
pub(crate) fn clamp_db(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Counters as bound (see `clamp_db`).
pub(crate) fn counts_to_db(c: &Counts) -> [i64; 5] {
    let clamp = clamp_db;
    [
        clamp(c.online_ms),
        clamp(c.messages),
        clamp(c.likes),
        clamp(c.gifts),
        clamp(c.gift_value),
    ]
}

/// Counters read back (a negative stored value reads as 0).
pub(crate) fn counts_from_db(v: [i64; 5]) -> Counts {
    let n = |x: i64| u64::try_from(x).unwrap_or(0);
    Counts {
        online_ms: n(v[0]),
        messages: n(v[1]),
        likes: n(v[2]),
        gifts: n(v[3]),
        gift_value: n(v[4]),
    }
}

/// The counter columns, in `counts_to_db` order.
pub(crate) const COUNT_COLUMNS: &str = "online_ms, messages, likes, gifts, gift_value";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_conversions_are_checked() {
        assert_eq!(to_db(5, "x").ok(), Some(5));
        assert!(matches!(to_db(u64::MAX, "x"), Err(StoreError::Backend(_))));
        assert_eq!(from_db::<u64>(7, "x").ok(), Some(7));
        assert!(from_db::<u64>(-1, "x").is_err());
        assert!(from_db::<u32>(i64::from(u32::MAX) + 1, "x").is_err());
    }

    #[test]
    fn placeholder_lists() {
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
        assert_eq!(placeholders(1, 0), "");
    }

    #[test]
    fn bad_settings_json_is_a_backend_error() {
        let row = AppRow {
            sdkappid: 1,
            secret_key: "k".into(),
            created_at: 0,
            settings: "{not json".into(),
        };
        assert!(matches!(row.into_record(), Err(StoreError::Backend(_))));
    }
}
