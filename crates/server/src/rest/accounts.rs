//! `im_open_login_svc`: account import, check, delete and kick.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use liveroom_core::{Error, UserId};
use liveroom_engine::ImportedAccount;

use super::{parse, Cx};

/// Most accounts in one batch call.
const BATCH_MAX: usize = 100;

#[derive(Deserialize)]
struct AccountImport {
    /// `Identifier` is the older name.
    #[serde(rename = "UserID", alias = "Identifier")]
    user_id: String,
    #[serde(rename = "Nick")]
    nick: Option<String>,
    #[serde(rename = "FaceUrl")]
    face_url: Option<String>,
}

/// POST /v4/im_open_login_svc/account_import
pub async fn account_import(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: AccountImport = parse(body)?;
    let user = UserId::parse(&req.user_id)?;
    cx.engine
        .import_account(
            cx.app_id(),
            ImportedAccount {
                user,
                nick: req.nick,
                face_url: req.face_url,
            },
        )
        .await?;
    Ok(())
}

#[derive(Deserialize)]
struct MultiImport {
    /// Legacy form: bare ids.
    #[serde(rename = "Accounts")]
    accounts: Option<Vec<String>>,
    #[serde(rename = "AccountList")]
    account_list: Option<Vec<AccountImport>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Imported {
    /// Ids that are malformed or whose values are too long.
    fail_accounts: Vec<String>,
}

/// POST /v4/im_open_login_svc/multiaccount_import
pub async fn multiaccount_import(cx: &Cx, body: Value) -> Result<Imported, Error> {
    let req: MultiImport = parse(body)?;
    let items: Vec<AccountImport> = match (req.account_list, req.accounts) {
        (Some(list), _) => list,
        (None, Some(ids)) => ids
            .into_iter()
            .map(|user_id| AccountImport {
                user_id,
                nick: None,
                face_url: None,
            })
            .collect(),
        (None, None) => {
            return Err(Error::InvalidParameter(
                "AccountList (or Accounts) is required".into(),
            ))
        }
    };
    if items.is_empty() || items.len() > BATCH_MAX {
        return Err(Error::TooManyAccounts(format!(
            "{} accounts; one call imports 1 to {BATCH_MAX}",
            items.len()
        )));
    }
    let mut failed = Vec::new();
    for item in items {
        let Ok(user) = UserId::parse(&item.user_id) else {
            failed.push(item.user_id);
            continue;
        };
        let imported = cx
            .engine
            .import_account(
                cx.app_id(),
                ImportedAccount {
                    user,
                    nick: item.nick,
                    face_url: item.face_url,
                },
            )
            .await;
        if let Err(e) = imported {
            if matches!(e, Error::Internal) {
                return Err(e);
            }
            failed.push(item.user_id);
        }
    }
    Ok(Imported {
        fail_accounts: failed,
    })
}

#[derive(Deserialize)]
struct UserItem {
    #[serde(rename = "UserID")]
    user_id: String,
}

fn batch(items: &[UserItem], field: &str) -> Result<(), Error> {
    if items.is_empty() || items.len() > BATCH_MAX {
        return Err(Error::TooManyAccounts(format!(
            "{field} has {} items; it must have 1 to {BATCH_MAX}",
            items.len()
        )));
    }
    Ok(())
}

#[derive(Deserialize)]
struct AccountCheck {
    #[serde(rename = "CheckItem")]
    check_item: Vec<UserItem>,
}

/// Per-account answers of a batch.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResultItems<T> {
    result_item: Vec<T>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Checked {
    #[serde(rename = "UserID")]
    user_id: String,
    result_code: i32,
    result_info: &'static str,
    /// `Imported` or `NotImported`.
    account_status: &'static str,
}

/// POST /v4/im_open_login_svc/account_check
pub async fn account_check(cx: &Cx, body: Value) -> Result<ResultItems<Checked>, Error> {
    let req: AccountCheck = parse(body)?;
    batch(&req.check_item, "CheckItem")?;
    let valid: Vec<UserId> = req
        .check_item
        .iter()
        .filter_map(|i| UserId::parse(&i.user_id).ok())
        .collect();
    let found = cx.engine.existing_accounts(cx.app_id(), &valid).await?;
    let result_item = req
        .check_item
        .into_iter()
        .map(|i| {
            let imported = found.iter().any(|u| u.id.as_str() == i.user_id);
            Checked {
                user_id: i.user_id,
                result_code: 0,
                result_info: "",
                account_status: if imported { "Imported" } else { "NotImported" },
            }
        })
        .collect();
    Ok(ResultItems { result_item })
}

#[derive(Deserialize)]
struct AccountDelete {
    #[serde(rename = "DeleteItem")]
    delete_item: Vec<UserItem>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Deleted {
    #[serde(rename = "UserID")]
    user_id: String,
    result_code: i32,
    result_info: String,
}

/// POST /v4/im_open_login_svc/account_delete
pub async fn account_delete(cx: &Cx, body: Value) -> Result<ResultItems<Deleted>, Error> {
    let req: AccountDelete = parse(body)?;
    batch(&req.delete_item, "DeleteItem")?;
    let mut result_item = Vec::new();
    for i in req.delete_item {
        let outcome = match UserId::parse(&i.user_id) {
            Err(e) => Err(e),
            Ok(u) if cx.app.is_admin(&u) => Err(Error::InvalidParameter(format!(
                "{u} is an App admin and cannot be deleted"
            ))),
            Ok(u) => match cx.engine.delete_account(cx.app_id(), &u).await {
                Ok(true) => Ok(()),
                Ok(false) => Err(Error::AccountNotFound(u.to_string())),
                Err(e) => Err(e),
            },
        };
        let (result_code, result_info) = match outcome {
            Ok(()) => (0, String::new()),
            Err(Error::Internal) => return Err(Error::Internal),
            Err(e) => (e.code(liveroom_core::Service::Account), e.to_string()),
        };
        result_item.push(Deleted {
            user_id: i.user_id,
            result_code,
            result_info,
        });
    }
    Ok(ResultItems { result_item })
}

#[derive(Deserialize)]
struct Kick {
    #[serde(rename = "UserID", alias = "Identifier")]
    user_id: String,
}

/// POST /v4/im_open_login_svc/kick
pub async fn kick(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: Kick = parse(body)?;
    let user = UserId::parse(&req.user_id)?;
    cx.engine
        .kick_user(cx.app_id(), &user, "logged out by an admin");
    Ok(())
}
