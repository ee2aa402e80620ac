//! `profile`: reading and setting user profiles: the standard tags and the app's declared
//! custom tags (`Tag_Profile_Custom_<key>`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use liveroom_core::profile::READ_MAX;
use liveroom_core::{Error, UserId};
use liveroom_engine::{ProfileItem, Setter};

use super::{parse, Cx};

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
    profile_item: Vec<ProfileItem>,
    result_code: i32,
    result_info: String,
}

/// POST /v4/profile/portrait_get
pub async fn portrait_get(cx: &Cx, body: Value) -> Result<Portraits, Error> {
    let req: PortraitGet = parse(body)?;
    if req.to_account.is_empty() || req.to_account.len() > READ_MAX {
        return Err(Error::TooManyAccounts(format!(
            "To_Account has {} accounts; it must have 1 to {READ_MAX}",
            req.to_account.len()
        )));
    }
    let valid: Vec<UserId> = req
        .to_account
        .iter()
        .filter_map(|u| UserId::parse(u).ok())
        .collect();
    let found = cx
        .engine
        .profiles(cx.app_id(), &valid, &req.tag_list)
        .await?;
    let mut items = Vec::new();
    let mut failed = Vec::new();
    for account in req.to_account {
        match found
            .iter()
            .find(|(u, _)| u.as_str() == account)
            .and_then(|(_, p)| p.clone())
        {
            Some(profile_item) => items.push(Portrait {
                to_account: account,
                profile_item,
                result_code: 0,
                result_info: String::new(),
            }),
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
struct Item {
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
    profile_item: Vec<Item>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PortraitSet {
    error_display: &'static str,
}

/// POST /v4/profile/portrait_set: every item is checked before any is written.
pub async fn portrait_set(cx: &Cx, body: Value) -> Result<PortraitSet, Error> {
    let req: SetPortrait = parse(body)?;
    let user = UserId::parse(&req.from_account)?;
    let items = req
        .profile_item
        .into_iter()
        .map(|i| (i.tag, i.value))
        .collect();
    if !cx
        .engine
        .set_profile_items(
            cx.app_id(),
            &user,
            items,
            Setter::Backend,
            cx.origin.clone(),
        )
        .await?
    {
        return Err(Error::AccountNotFound(user.to_string()));
    }
    Ok(PortraitSet { error_display: "" })
}
