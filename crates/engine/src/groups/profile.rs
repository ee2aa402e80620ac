//! How answers and callbacks show a group: the one view of its profile that a joiner's
//! reply, `get_group_info` and the group callbacks share.

use serde::Serialize;
use serde_json::Value;

use liveroom_core::store::GroupRecord;

/// How answers and callbacks name a group: its id, type, name and owner.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupHead<'a> {
    /// `None` for a group not created yet (a before-callback).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<&'a str>,
    #[serde(rename = "Type")]
    pub group_type: &'static str,
    pub name: &'a str,
    /// `""` for a group without an owner.
    #[serde(rename = "Owner_Account")]
    pub owner: &'a str,
}

impl<'a> GroupHead<'a> {
    pub fn of(g: &'a GroupRecord) -> Self {
        Self {
            group_id: Some(g.id.as_str()),
            group_type: g.group_type.as_str(),
            name: &g.name,
            owner: g.owner.as_ref().map(|o| o.as_str()).unwrap_or(""),
        }
    }
}

/// A group's profile as a joiner's reply and `get_group_info` show it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupProfile<'a> {
    #[serde(flatten)]
    pub head: GroupHead<'a>,
    pub introduction: &'a str,
    pub notification: &'a str,
    pub face_url: &'a str,
    /// `On` or `Off`.
    pub mute_all_member: &'static str,
    pub app_defined_data: Vec<CustomField<'a>>,
}

impl<'a> GroupProfile<'a> {
    pub fn of(g: &'a GroupRecord) -> Self {
        Self {
            head: GroupHead::of(g),
            introduction: &g.introduction,
            notification: &g.notification,
            face_url: &g.face_url,
            mute_all_member: if g.mute_all { "On" } else { "Off" },
            app_defined_data: custom_fields(&g.custom),
        }
    }

    /// The profile with only the custom fields `keep` accepts.
    pub fn keeping_custom(mut self, keep: impl Fn(&str) -> bool) -> Self {
        self.app_defined_data.retain(|f| keep(f.key));
        self
    }
}

/// One `AppDefinedData` item.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomField<'a> {
    pub key: &'a str,
    pub value: &'a str,
}

pub(super) fn custom_fields(custom: &[(String, String)]) -> Vec<CustomField<'_>> {
    custom
        .iter()
        .map(|(key, value)| CustomField { key, value })
        .collect()
}

/// The body of a group's creation and dismissal callbacks.
#[derive(Serialize)]
pub(super) struct GroupCallback<'a> {
    #[serde(flatten)]
    pub head: GroupHead<'a>,
    #[serde(rename = "Operator_Account")]
    pub operator: &'a str,
    #[serde(rename = "MemberList")]
    pub members: Value,
    #[serde(
        rename = "UserDefinedDataList",
        skip_serializing_if = "Option::is_none"
    )]
    pub custom: Option<Vec<CustomField<'a>>>,
}
