//! `sns`: friends (add with the add-type rules, import, update, delete, check, read),
//! blocklists and friend lists.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use liveroom_core::{Error, UserId};
use liveroom_engine::{AddMode, FriendAdd, RelationResult};

use super::{parse, Cx};

/// Most accounts one call names (reference: 1000).
const ACCOUNTS_MAX: usize = 1000;
/// Friends one `friend_get` answers.
const FRIEND_PAGE: u32 = 100;

const REMARK: &str = "Tag_SNS_IM_Remark";
const GROUP: &str = "Tag_SNS_IM_Group";
const ADD_SOURCE: &str = "Tag_SNS_IM_AddSource";
const ADD_WORDING: &str = "Tag_SNS_IM_AddWording";
const ADD_TIME: &str = "Tag_SNS_IM_AddTime";

fn user(raw: &str) -> Result<UserId, Error> {
    UserId::parse(raw)
}

fn users(raw: &[String]) -> Result<Vec<UserId>, Error> {
    if raw.is_empty() || raw.len() > ACCOUNTS_MAX {
        return Err(Error::TooManyAccounts(format!(
            "To_Account lists {} accounts; it must list 1 to {ACCOUNTS_MAX}",
            raw.len()
        )));
    }
    raw.iter().map(|u| UserId::parse(u)).collect()
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Results {
    result_item: Vec<RelationResult>,
    #[serde(rename = "Fail_Account")]
    fail_account: Vec<String>,
    error_display: &'static str,
}

impl Results {
    fn of(result_item: Vec<RelationResult>) -> Self {
        let fail_account = result_item
            .iter()
            .filter(|r| r.result_code != 0)
            .map(|r| r.to.clone())
            .collect();
        Self {
            result_item,
            fail_account,
            error_display: "",
        }
    }
}

#[derive(Deserialize)]
struct AddItem {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "Remark", default)]
    remark: String,
    #[serde(rename = "GroupName")]
    group_name: Option<String>,
    #[serde(rename = "AddSource", default)]
    add_source: String,
    #[serde(rename = "AddWording", default)]
    add_wording: String,
}

#[derive(Deserialize)]
struct FriendAddReq {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "AddFriendItem")]
    add_friend_item: Vec<AddItem>,
    #[serde(rename = "AddType")]
    add_type: Option<String>,
    #[serde(rename = "ForceAddFlags", default)]
    force_add_flags: u8,
}

fn add_items(items: Vec<AddItem>) -> Result<Vec<FriendAdd>, Error> {
    if items.is_empty() || items.len() > ACCOUNTS_MAX {
        return Err(Error::TooManyAccounts(format!(
            "AddFriendItem lists {} accounts; it must list 1 to {ACCOUNTS_MAX}",
            items.len()
        )));
    }
    items
        .into_iter()
        .map(|i| {
            Ok(FriendAdd {
                to: user(&i.to_account)?,
                remark: i.remark,
                group: i.group_name.filter(|g| !g.is_empty()),
                source: i.add_source,
                wording: i.add_wording,
            })
        })
        .collect()
}

/// POST /v4/sns/friend_add
pub async fn friend_add(cx: &Cx, body: Value) -> Result<Results, Error> {
    let req: FriendAddReq = parse(body)?;
    let from = user(&req.from_account)?;
    let both = match req.add_type.as_deref() {
        None | Some("Add_Type_Both") => true,
        Some("Add_Type_Single") => false,
        Some(other) => {
            return Err(Error::InvalidParameter(format!(
                "AddType {other:?} is not Add_Type_Single or Add_Type_Both"
            )))
        }
    };
    let items = add_items(req.add_friend_item)?;
    let mode = AddMode {
        both,
        force: req.force_add_flags == 1,
    };
    let results = cx
        .engine
        .add_friends(cx.app_id(), &from, items, mode, cx.origin.clone())
        .await?;
    Ok(Results::of(results))
}

#[derive(Deserialize)]
struct ImportReq {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "AddFriendItem")]
    add_friend_item: Vec<AddItem>,
}

/// POST /v4/sns/friend_import: one-way adds, past the other's add type.
pub async fn friend_import(cx: &Cx, body: Value) -> Result<Results, Error> {
    let req: ImportReq = parse(body)?;
    let from = user(&req.from_account)?;
    let items = add_items(req.add_friend_item)?;
    let mode = AddMode {
        both: false,
        force: true,
    };
    let results = cx
        .engine
        .add_friends(cx.app_id(), &from, items, mode, cx.origin.clone())
        .await?;
    Ok(Results::of(results))
}

#[derive(Deserialize)]
struct SnsItem {
    #[serde(rename = "Tag")]
    tag: String,
    #[serde(rename = "Value")]
    value: Value,
}

#[derive(Deserialize)]
struct UpdateItem {
    #[serde(rename = "To_Account")]
    to_account: String,
    #[serde(rename = "SnsItem")]
    sns_item: Vec<SnsItem>,
}

#[derive(Deserialize)]
struct UpdateReq {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "UpdateItem")]
    update_item: Vec<UpdateItem>,
}

/// POST /v4/sns/friend_update: `Tag_SNS_IM_Remark` (a string) and `Tag_SNS_IM_Group`
/// (list names).
pub async fn friend_update(cx: &Cx, body: Value) -> Result<Results, Error> {
    let req: UpdateReq = parse(body)?;
    let owner = user(&req.from_account)?;
    let mut results = Vec::new();
    for item in req.update_item {
        let friend = user(&item.to_account)?;
        let (mut remark, mut groups) = (None, None);
        for s in item.sns_item {
            match (s.tag.as_str(), s.value) {
                (REMARK, Value::String(r)) => remark = Some(r),
                (GROUP, v @ Value::Array(_)) => {
                    groups = Some(serde_json::from_value::<Vec<String>>(v).map_err(|_| {
                        Error::InvalidParameter(format!("{GROUP} must be a list of names"))
                    })?)
                }
                (tag, _) => {
                    return Err(Error::InvalidParameter(format!(
                        "{tag} cannot be updated; {REMARK} (a string) and {GROUP} (a list of names) can"
                    )))
                }
            }
        }
        let updated = cx
            .engine
            .update_friend(cx.app_id(), &owner, &friend, remark, groups)
            .await?;
        results.push(RelationResult {
            to: friend.to_string(),
            result_code: if updated { 0 } else { 31704 },
            result_info: if updated {
                String::new()
            } else {
                format!("{friend} is not a friend")
            },
        });
    }
    Ok(Results::of(results))
}

#[derive(Deserialize)]
struct DeleteReq {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "To_Account")]
    to_account: Vec<String>,
    #[serde(rename = "DeleteType")]
    delete_type: Option<String>,
}

fn both_ways(raw: Option<&str>) -> Result<bool, Error> {
    match raw {
        None | Some("Delete_Type_Both") => Ok(true),
        Some("Delete_Type_Single") => Ok(false),
        Some(other) => Err(Error::InvalidParameter(format!(
            "DeleteType {other:?} is not Delete_Type_Single or Delete_Type_Both"
        ))),
    }
}

/// POST /v4/sns/friend_delete
pub async fn friend_delete(cx: &Cx, body: Value) -> Result<Results, Error> {
    let req: DeleteReq = parse(body)?;
    let owner = user(&req.from_account)?;
    let friends = users(&req.to_account)?;
    let both = both_ways(req.delete_type.as_deref())?;
    let results = cx
        .engine
        .delete_friends(cx.app_id(), &owner, &friends, both, cx.origin.clone())
        .await?;
    Ok(Results::of(results))
}

#[derive(Deserialize)]
struct DeleteAllReq {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "DeleteType")]
    delete_type: Option<String>,
}

/// POST /v4/sns/friend_delete_all
pub async fn friend_delete_all(cx: &Cx, body: Value) -> Result<(), Error> {
    let req: DeleteAllReq = parse(body)?;
    let owner = user(&req.from_account)?;
    let both = both_ways(req.delete_type.as_deref())?;
    let (friends, _) = cx
        .engine
        .friend_page(
            cx.app_id(),
            &owner,
            0,
            liveroom_engine::FRIENDS_MAX as u32,
            None,
        )
        .await?;
    let ids: Vec<UserId> = friends.into_iter().map(|f| f.friend).collect();
    if !ids.is_empty() {
        cx.engine
            .delete_friends(cx.app_id(), &owner, &ids, both, cx.origin.clone())
            .await?;
    }
    Ok(())
}

#[derive(Deserialize)]
struct CheckReq {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "To_Account")]
    to_account: Vec<String>,
    #[serde(rename = "CheckType")]
    check_type: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CheckItem {
    #[serde(rename = "To_Account")]
    to_account: String,
    relation: &'static str,
    result_code: i32,
    result_info: &'static str,
}

/// What a relation check reads and how it names what it finds.
struct CheckKind {
    /// `<prefix>_Type_Single` / `_Both` are the `CheckType` values.
    prefix: &'static str,
    /// Both ways, only A with B, only B with A, neither.
    names: [&'static str; 4],
    /// The answer's list key.
    list: &'static str,
}

const FRIEND_CHECK: CheckKind = CheckKind {
    prefix: "CheckResult",
    names: [
        "CheckResult_Type_BothWay",
        "CheckResult_Type_AWithB",
        "CheckResult_Type_BWithA",
        "CheckResult_Type_NoRelation",
    ],
    list: "InfoItem",
};

const BLOCK_CHECK: CheckKind = CheckKind {
    prefix: "BlackCheckResult",
    names: [
        "BlackCheckResult_Type_BothWay",
        "BlackCheckResult_Type_AWithB",
        "BlackCheckResult_Type_BWithA",
        "BlackCheckResult_Type_NO",
    ],
    list: "BlackListCheckItem",
};

/// A friend or blocklist check: which of `To_Account` are linked with `From_Account`, one
/// way or both (a single check sees only the caller's own side).
async fn check(cx: &Cx, body: Value, kind: &CheckKind) -> Result<Value, Error> {
    let req: CheckReq = parse(body)?;
    let owner = user(&req.from_account)?;
    let others = users(&req.to_account)?;
    let single = format!("{}_Type_Single", kind.prefix);
    let both_name = format!("{}_Type_Both", kind.prefix);
    let both = match req.check_type.as_deref() {
        None => true,
        Some(r) if r == both_name => true,
        Some(r) if r == single => false,
        Some(other) => {
            return Err(Error::InvalidParameter(format!(
                "CheckType {other:?} is not {single} or {both_name}"
            )))
        }
    };
    let (mine, theirs) = if kind.prefix == BLOCK_CHECK.prefix {
        cx.engine.block_links(cx.app_id(), &owner, &others).await?
    } else {
        cx.engine.friend_links(cx.app_id(), &owner, &others).await?
    };
    let items: Vec<CheckItem> = others
        .iter()
        .map(|o| {
            let relation = match (mine.contains(o), both && theirs.contains(o)) {
                (true, true) => kind.names[0],
                (true, false) => kind.names[1],
                (false, true) => kind.names[2],
                (false, false) => kind.names[3],
            };
            CheckItem {
                to_account: o.to_string(),
                relation,
                result_code: 0,
                result_info: "",
            }
        })
        .collect();
    Ok(json!({kind.list: items, "Fail_Account": [], "ErrorDisplay": ""}))
}

/// POST /v4/sns/friend_check
pub async fn friend_check(cx: &Cx, body: Value) -> Result<Value, Error> {
    check(cx, body, &FRIEND_CHECK).await
}

/// POST /v4/sns/black_list_check
pub async fn black_list_check(cx: &Cx, body: Value) -> Result<Value, Error> {
    check(cx, body, &BLOCK_CHECK).await
}

fn friend_values(f: &liveroom_core::store::FriendRecord, tags: Option<&[String]>) -> Vec<Value> {
    let all = [
        (REMARK, json!(f.remark)),
        (GROUP, json!(f.groups)),
        (ADD_SOURCE, json!(f.add_source)),
        (ADD_WORDING, json!(f.add_wording)),
        (ADD_TIME, json!(f.added_at)),
    ];
    all.into_iter()
        .filter(|(tag, _)| tags.is_none_or(|t| t.iter().any(|x| x == tag)))
        .map(|(tag, value)| json!({"Tag": tag, "Value": value}))
        .collect()
}

#[derive(Deserialize)]
struct GetReq {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "StartIndex", default)]
    start_index: u32,
    #[serde(rename = "StandardSequence", default)]
    standard_sequence: u64,
    #[serde(rename = "CustomSequence", default)]
    custom_sequence: u64,
}

/// POST /v4/sns/friend_get: 100 friends a call from `StartIndex`, by when they were added.
pub async fn friend_get(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: GetReq = parse(body)?;
    let owner = user(&req.from_account)?;
    let (page, total) = cx
        .engine
        .friend_page(cx.app_id(), &owner, req.start_index, FRIEND_PAGE, None)
        .await?;
    let next = req.start_index as u64 + page.len() as u64;
    let complete = next >= total;
    let items: Vec<Value> = page
        .iter()
        .map(|f| json!({"To_Account": f.friend.as_str(), "ValueItem": friend_values(f, None)}))
        .collect();
    Ok(json!({
        "UserDataItem": items,
        "StandardSequence": req.standard_sequence,
        "CustomSequence": req.custom_sequence,
        "FriendNum": total,
        "CompleteFlag": u8::from(complete),
        "NextStartIndex": if complete { 0 } else { next },
        "ErrorDisplay": "",
    }))
}

#[derive(Deserialize)]
struct GetListReq {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "To_Account")]
    to_account: Vec<String>,
    #[serde(rename = "TagList", default)]
    tag_list: Vec<String>,
}

/// POST /v4/sns/friend_get_list
pub async fn friend_get_list(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: GetListReq = parse(body)?;
    let owner = user(&req.from_account)?;
    let others = users(&req.to_account)?;
    let (found, _) = cx
        .engine
        .friend_page(cx.app_id(), &owner, 0, others.len() as u32, Some(&others))
        .await?;
    let tags = (!req.tag_list.is_empty()).then_some(req.tag_list.as_slice());
    let mut fail = Vec::new();
    let items: Vec<Value> = others
        .iter()
        .map(|o| match found.iter().find(|f| &f.friend == o) {
            Some(f) => json!({"To_Account": o.as_str(), "SnsProfileItem": friend_values(f, tags), "ResultCode": 0, "ResultInfo": ""}),
            None => {
                fail.push(o.to_string());
                json!({"To_Account": o.as_str(), "SnsProfileItem": [], "ResultCode": 31704, "ResultInfo": format!("{o} is not a friend")})
            }
        })
        .collect();
    Ok(json!({"InfoItem": items, "Fail_Account": fail, "ErrorDisplay": ""}))
}

#[derive(Deserialize)]
struct BlockReq {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "To_Account")]
    to_account: Vec<String>,
}

/// POST /v4/sns/black_list_add
pub async fn black_list_add(cx: &Cx, body: Value) -> Result<Results, Error> {
    let req: BlockReq = parse(body)?;
    let owner = user(&req.from_account)?;
    let targets = users(&req.to_account)?;
    let results = cx
        .engine
        .block_users(cx.app_id(), &owner, &targets, cx.origin.clone())
        .await?;
    Ok(Results::of(results))
}

/// POST /v4/sns/black_list_delete
pub async fn black_list_delete(cx: &Cx, body: Value) -> Result<Results, Error> {
    let req: BlockReq = parse(body)?;
    let owner = user(&req.from_account)?;
    let targets = users(&req.to_account)?;
    let results = cx
        .engine
        .unblock_users(cx.app_id(), &owner, &targets, cx.origin.clone())
        .await?;
    Ok(Results::of(results))
}

#[derive(Deserialize)]
struct BlockGetReq {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "StartIndex", default)]
    start_index: u32,
    #[serde(rename = "MaxLimited", default = "hundred")]
    max_limited: u32,
    #[serde(rename = "LastSequence", default)]
    last_sequence: u64,
}

fn hundred() -> u32 {
    100
}

/// POST /v4/sns/black_list_get: `StartIndex` in the answer is where to continue (0: done).
pub async fn black_list_get(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: BlockGetReq = parse(body)?;
    let owner = user(&req.from_account)?;
    if req.max_limited == 0 || req.max_limited > liveroom_engine::BLOCKLIST_MAX as u32 {
        return Err(Error::InvalidParameter(format!(
            "MaxLimited must be 1 to {}",
            liveroom_engine::BLOCKLIST_MAX
        )));
    }
    let (page, total) = cx
        .engine
        .block_page(cx.app_id(), &owner, req.start_index, req.max_limited)
        .await?;
    let next = req.start_index as u64 + page.len() as u64;
    let items: Vec<Value> = page
        .iter()
        .map(|(u, at)| json!({"To_Account": u.as_str(), "AddBlackTimeStamp": at}))
        .collect();
    Ok(json!({
        "BlackListItem": items,
        "StartIndex": if next >= total { 0 } else { next },
        "CurruentSequence": req.last_sequence,
        "ErrorDisplay": "",
    }))
}

#[derive(Deserialize)]
struct ListsReq {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "GroupName")]
    group_name: Vec<String>,
    #[serde(rename = "To_Account", default)]
    to_account: Vec<String>,
}

/// Longest friend list name, bytes (reference: 30).
const LIST_NAME_MAX: usize = 30;
/// Most friend lists a user has (reference: 32).
const LISTS_MAX: usize = 32;

/// POST /v4/sns/group_add: makes lists, and puts `To_Account` friends in them.
pub async fn group_add(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: ListsReq = parse(body)?;
    let owner = user(&req.from_account)?;
    if req.group_name.is_empty()
        || req
            .group_name
            .iter()
            .any(|n| n.is_empty() || n.len() > LIST_NAME_MAX)
    {
        return Err(Error::InvalidParameter(format!(
            "GroupName must list names of 1 to {LIST_NAME_MAX} bytes"
        )));
    }
    let existing = cx.engine.friend_lists(cx.app_id(), &owner).await?;
    let new = req
        .group_name
        .iter()
        .filter(|n| !existing.contains(n))
        .count();
    if existing.len() + new > LISTS_MAX {
        return Err(Error::Relation {
            code: 30011,
            info: format!("a user has at most {LISTS_MAX} friend lists"),
        });
    }
    let lists = cx
        .engine
        .add_friend_lists(cx.app_id(), &owner, &req.group_name)
        .await?;
    let mut results = Vec::new();
    for raw in &req.to_account {
        let friend = user(raw)?;
        let (found, _) = cx
            .engine
            .friend_page(
                cx.app_id(),
                &owner,
                0,
                1,
                Some(std::slice::from_ref(&friend)),
            )
            .await?;
        let updated = match found.into_iter().next() {
            Some(f) => {
                let mut groups = f.groups;
                for g in &req.group_name {
                    if !groups.contains(g) {
                        groups.push(g.clone());
                    }
                }
                cx.engine
                    .update_friend(cx.app_id(), &owner, &friend, None, Some(groups))
                    .await?
            }
            None => false,
        };
        results.push(json!({"To_Account": raw, "ResultCode": if updated { 0 } else { 31704 }, "ResultInfo": ""}));
    }
    Ok(
        json!({"CurrentSequence": lists.len(), "ResultItem": results, "Fail_Account": [], "ErrorDisplay": ""}),
    )
}

#[derive(Deserialize)]
struct ListsDeleteReq {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "GroupName")]
    group_name: Vec<String>,
}

/// POST /v4/sns/group_delete
pub async fn group_delete(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: ListsDeleteReq = parse(body)?;
    let owner = user(&req.from_account)?;
    cx.engine
        .delete_friend_lists(cx.app_id(), &owner, &req.group_name)
        .await?;
    let lists = cx.engine.friend_lists(cx.app_id(), &owner).await?;
    Ok(json!({"CurrentSequence": lists.len(), "ErrorDisplay": ""}))
}

#[derive(Deserialize)]
struct ListsGetReq {
    #[serde(rename = "From_Account")]
    from_account: String,
    #[serde(rename = "NeedFriend")]
    need_friend: Option<String>,
    #[serde(rename = "GroupName", default)]
    group_name: Vec<String>,
}

/// POST /v4/sns/group_get
pub async fn group_get(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: ListsGetReq = parse(body)?;
    let owner = user(&req.from_account)?;
    let lists = cx.engine.friend_lists(cx.app_id(), &owner).await?;
    let (friends, _) = cx
        .engine
        .friend_page(
            cx.app_id(),
            &owner,
            0,
            liveroom_engine::FRIENDS_MAX as u32,
            None,
        )
        .await?;
    let with_friends = req.need_friend.as_deref() == Some("Need_Friend_Type_Yes");
    let items: Vec<Value> = lists
        .iter()
        .filter(|l| req.group_name.is_empty() || req.group_name.contains(l))
        .map(|l| {
            let members: Vec<&str> = friends
                .iter()
                .filter(|f| f.groups.contains(l))
                .map(|f| f.friend.as_str())
                .collect();
            let mut item = json!({"GroupName": l, "FriendNumber": members.len()});
            if with_friends {
                item["To_Account"] = json!(members);
            }
            item
        })
        .collect();
    Ok(json!({"ResultItem": items, "CurrentSequence": lists.len(), "ErrorDisplay": ""}))
}
