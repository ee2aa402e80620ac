//! `profile`: nick and avatar (`Tag_Profile_IM_Nick`, `Tag_Profile_IM_Image`).

use serde::Deserialize;
use serde_json::{json, Value};

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

/// POST /v4/profile/portrait_get
pub async fn portrait_get(cx: &Cx, body: Value) -> Result<Value, Error> {
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
    for account in &req.to_account {
        match found.iter().find(|u| u.id.as_str() == account) {
            Some(u) => {
                let profile: Vec<Value> = req
                    .tag_list
                    .iter()
                    .filter_map(|tag| match tag.as_str() {
                        NICK => Some(json!({"Tag": NICK, "Value": u.nick})),
                        IMAGE => Some(json!({"Tag": IMAGE, "Value": u.face_url})),
                        _ => None,
                    })
                    .collect();
                items.push(json!({"To_Account": account, "ProfileItem": profile, "ResultCode": 0, "ResultInfo": ""}));
            }
            None => {
                failed.push(account.clone());
                items.push(json!({
                    "To_Account": account,
                    "ProfileItem": [],
                    "ResultCode": 40003,
                    "ResultInfo": format!("account {account} does not exist"),
                }));
            }
        }
    }
    Ok(json!({"UserProfileItem": items, "Fail_Account": failed, "ErrorDisplay": ""}))
}

#[derive(Deserialize)]
struct ProfileItem {
    #[serde(rename = "Tag")]
    tag: String,
    #[serde(rename = "Value")]
    value: Value,
}

#[derive(Deserialize)]
struct PortraitSet {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "ProfileItem")]
    profile_item: Vec<ProfileItem>,
}

/// POST /v4/profile/portrait_set
pub async fn portrait_set(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: PortraitSet = parse(body)?;
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
    Ok(json!({"ErrorDisplay": ""}))
}
