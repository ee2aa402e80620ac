//! `profile`: nick and avatar (`Tag_Profile_IM_Nick`, `Tag_Profile_IM_Image`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use liveroom_core::store::ProfilePatch;
use liveroom_core::{Error, UserId};

use super::{parse, Cx};

const NICK: &str = "Tag_Profile_IM_Nick";
const IMAGE: &str = "Tag_Profile_IM_Image";
const BATCH_MAX: usize = 100;

#[derive(Deserialize)]
struct PortraitGet {
    #[serde(rename = "To_Account")]
    to_account: Vec<String>,
    #[serde(rename = "TagList")]
    tag_list: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Portraits {
    user_profile_item: Vec<Portrait>,
    #[serde(rename = "Fail_Account")]
    fail_account: Vec<String>,
    error_display: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Portrait {
    #[serde(rename = "To_Account")]
    to_account: String,
    profile_item: Vec<Tagged>,
    result_code: i32,
    result_info: String,
}

/// A profile tag and its value.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tagged {
    tag: &'static str,
    value: String,
}

/// POST /v4/profile/portrait_get
pub async fn portrait_get(cx: &Cx, body: Value) -> Result<Portraits, Error> {
    let req: PortraitGet = parse(body)?;
    if req.to_account.is_empty() || req.to_account.len() > BATCH_MAX {
        return Err(Error::TooManyAccounts(format!(
            "To_Account has {} accounts; it must have 1 to {BATCH_MAX}",
            req.to_account.len()
        )));
    }
    let valid: Vec<UserId> = req
        .to_account
        .iter()
        .filter_map(|u| UserId::parse(u).ok())
        .collect();
    let found = cx.engine.existing_accounts(cx.app_id(), &valid).await?;
    let mut items = Vec::new();
    let mut failed = Vec::new();
    for account in req.to_account {
        match found.iter().find(|u| u.id.as_str() == account) {
            Some(u) => {
                let profile = req
                    .tag_list
                    .iter()
                    .filter_map(|tag| match tag.as_str() {
                        NICK => Some(Tagged {
                            tag: NICK,
                            value: u.nick.clone(),
                        }),
                        IMAGE => Some(Tagged {
                            tag: IMAGE,
                            value: u.face_url.clone(),
                        }),
                        _ => None,
                    })
                    .collect();
                items.push(Portrait {
                    to_account: account,
                    profile_item: profile,
                    result_code: 0,
                    result_info: String::new(),
                });
            }
            None => {
                failed.push(account.clone());
                items.push(Portrait {
                    result_info: format!("account {account} does not exist"),
                    to_account: account,
                    profile_item: Vec::new(),
                    result_code: 40003,
                });
            }
        }
    }
    Ok(Portraits {
        user_profile_item: items,
        fail_account: failed,
        error_display: "",
    })
}

#[derive(Deserialize)]
struct ProfileItem {
    #[serde(rename = "Tag")]
    tag: String,
    #[serde(rename = "Value")]
    value: Value,
}

#[derive(Deserialize)]
struct SetPortrait {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "ProfileItem")]
    profile_item: Vec<ProfileItem>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PortraitSet {
    error_display: &'static str,
}

/// POST /v4/profile/portrait_set
pub async fn portrait_set(cx: &Cx, body: Value) -> Result<PortraitSet, Error> {
    let req: SetPortrait = parse(body)?;
    let user = UserId::parse(&req.from_account)?;
    let mut patch = ProfilePatch::default();
    for item in req.profile_item {
        let text = item
            .value
            .as_str()
            .ok_or_else(|| Error::InvalidParameter(format!("{} must be a string", item.tag)))?
            .to_string();
        match item.tag.as_str() {
            NICK => patch.nick = Some(text),
            IMAGE => patch.face_url = Some(text),
            other => {
                return Err(Error::InvalidParameter(format!(
                    "profile tag {other} is not supported yet; supported: {NICK}, {IMAGE}"
                )))
            }
        }
    }
    if !cx.engine.set_profile(cx.app_id(), &user, patch).await? {
        return Err(Error::AccountNotFound(user.to_string()));
    }
    Ok(PortraitSet { error_display: "" })
}
