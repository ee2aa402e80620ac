//! Liveroom's own extensions, under the service name `liveroom_ext` (same query
//! parameters, admin check and envelope as the compatible API).

use serde::Deserialize;
use serde_json::{json, Value};

use std::collections::HashSet;

use liveroom_core::app::AppSettings;
use liveroom_core::callback::{FilterAction, FilterSettings, WordList};
use liveroom_core::live::LiveState;
use liveroom_core::protocol::RoomStatsRequest;
use liveroom_core::{Error, Service};
use liveroom_engine::RoomState;

use super::{parse, Cx};

pub const SERVICE: &str = "liveroom_ext";

/// POST /v4/liveroom_ext/get_group_custom_fields
pub async fn get_group_custom_fields(cx: &Cx, _body: Value) -> Result<Value, Error> {
    Ok(json!({"Fields": cx.app.settings().group_custom_fields}))
}

#[derive(Deserialize)]
struct SetFields {
    #[serde(rename = "Fields")]
    fields: Vec<String>,
}

/// POST /v4/liveroom_ext/set_group_custom_fields
///
/// Declares the group-level custom field keys (`AppDefinedData`) groups of the app may
/// use, replacing the previous list.
pub async fn set_group_custom_fields(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: SetFields = parse(body)?;
    // Keep the first of repeated names, in order.
    let mut fields: Vec<String> = Vec::with_capacity(req.fields.len());
    for f in req.fields {
        if !fields.contains(&f) {
            fields.push(f);
        }
    }
    update_settings(cx, |s| {
        s.group_custom_fields = fields;
        Ok(())
    })
    .await?;
    Ok(json!({}))
}

/// POST /v4/liveroom_ext/get_app_settings
pub async fn get_app_settings(cx: &Cx, _body: Value) -> Result<Value, Error> {
    Ok(json!({"Settings": *cx.app.settings()}))
}

#[derive(Deserialize)]
struct SetSettings {
    #[serde(rename = "Settings")]
    settings: serde_json::Map<String, Value>,
}

/// POST /v4/liveroom_ext/set_app_settings
///
/// Changes some of the app's settings (a partial object); takes effect at once.
pub async fn set_app_settings(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: SetSettings = parse(body)?;
    update_settings(cx, |s| {
        let mut current = serde_json::to_value(&*s).map_err(|_| Error::Internal)?;
        merge(&mut current, Value::Object(req.settings));
        *s = read_merged("Settings", &current)?;
        Ok(())
    })
    .await?;
    Ok(json!({"Settings": *cx.app.settings()}))
}

/// Applies `change` to the app's current settings and makes the result live (one change
/// of an app at a time, so concurrent edits do not undo each other).
async fn update_settings(
    cx: &Cx,
    change: impl FnOnce(&mut AppSettings) -> Result<(), Error>,
) -> Result<(), Error> {
    cx.engine.update_app_settings(cx.app_id(), change).await
}

/// POST /v4/liveroom_ext/get_webhook
pub async fn get_webhook(cx: &Cx, _body: Value) -> Result<Value, Error> {
    Ok(json!({"Webhook": cx.app.settings().webhook}))
}

#[derive(Deserialize)]
struct SetWebhook {
    #[serde(rename = "Webhook")]
    webhook: serde_json::Map<String, Value>,
}

/// POST /v4/liveroom_ext/set_webhook
///
/// Changes some of the app's webhook settings (a partial object); takes effect for the
/// next callback.
pub async fn set_webhook(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: SetWebhook = parse(body)?;
    update_settings(cx, |s| {
        let mut current = serde_json::to_value(&s.webhook).map_err(|_| Error::Internal)?;
        merge(&mut current, Value::Object(req.webhook));
        s.webhook = read_merged("Webhook", &current)?;
        Ok(())
    })
    .await?;
    Ok(json!({"Webhook": cx.app.settings().webhook}))
}

/// POST /v4/liveroom_ext/get_word_filter
pub async fn get_word_filter(cx: &Cx, _body: Value) -> Result<Value, Error> {
    let settings = cx.app.settings();
    Ok(json!({"Filter": settings.filter, "WordCount": settings.filter.word_count()}))
}

#[derive(Deserialize)]
struct SetFilter {
    #[serde(rename = "Filter")]
    filter: FilterSettings,
}

/// POST /v4/liveroom_ext/set_word_filter
///
/// Replaces the whole filter: `{"Filter": {"custom_fields": [...], "lists": [...]}}`.
pub async fn set_word_filter(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: SetFilter = parse(body)?;
    update_settings(cx, |s| {
        s.filter = req.filter;
        Ok(())
    })
    .await?;
    Ok(json!({"WordCount": cx.app.settings().filter.word_count()}))
}

#[derive(Deserialize)]
struct AddWords {
    #[serde(rename = "Action")]
    action: FilterAction,
    #[serde(rename = "CaseFold", default = "yes")]
    case_fold: bool,
    #[serde(rename = "Words")]
    words: Vec<String>,
}

fn yes() -> bool {
    true
}

/// POST /v4/liveroom_ext/add_filter_words
///
/// Adds words to the list with this `Action` and `CaseFold` (created if absent); words
/// already there are kept once.
pub async fn add_filter_words(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: AddWords = parse(body)?;
    update_settings(cx, |s| {
        let lists = &mut s.filter.lists;
        let i = match lists
            .iter()
            .position(|l| l.action == req.action && l.case_fold == req.case_fold)
        {
            Some(i) => i,
            None => {
                lists.push(WordList {
                    action: req.action,
                    case_fold: req.case_fold,
                    words: Vec::new(),
                });
                lists.len() - 1
            }
        };
        let list = &mut lists[i];
        let mut known: HashSet<String> = list.words.iter().cloned().collect();
        for w in req.words {
            if known.insert(w.clone()) {
                list.words.push(w);
            }
        }
        Ok(())
    })
    .await?;
    Ok(json!({"WordCount": cx.app.settings().filter.word_count()}))
}

#[derive(Deserialize)]
struct DeleteWords {
    #[serde(rename = "Words")]
    words: Vec<String>,
}

/// POST /v4/liveroom_ext/delete_filter_words
///
/// Removes the words from every list; empty lists go too.
pub async fn delete_filter_words(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: DeleteWords = parse(body)?;
    let gone: HashSet<String> = req.words.into_iter().collect();
    update_settings(cx, |s| {
        for l in s.filter.lists.iter_mut() {
            l.words.retain(|w| !gone.contains(w));
        }
        s.filter.lists.retain(|l| !l.words.is_empty());
        Ok(())
    })
    .await?;
    Ok(json!({"WordCount": cx.app.settings().filter.word_count()}))
}

/// Reads settings after a patch was merged into them: strictly, so a key given with the
/// wrong type (an array for `limits`, a number for `url`) refuses the whole change instead
/// of being read as something else.
fn read_merged<T: serde::de::DeserializeOwned>(what: &str, merged: &Value) -> Result<T, Error> {
    T::deserialize(super::body::Strict(merged))
        .map_err(|e| Error::InvalidParameter(e.at(what).to_string()))
}

/// Overlays `patch` on `base`, object by object, so a partial nested object (e.g. only
/// `limits.notification`) keeps the other fields.
fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(&k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, p) => *b = p,
    }
}

#[cfg(test)]
mod tests {
    use super::merge;
    use serde_json::json;

    #[test]
    fn partial_nested_objects_keep_the_rest() {
        let mut base = json!({"a": 1, "limits": {"name": 30, "notification": 300}});
        merge(
            &mut base,
            json!({"limits": {"notification": 500}, "b": [1]}),
        );
        assert_eq!(
            base,
            json!({"a": 1, "b": [1], "limits": {"name": 30, "notification": 500}})
        );
    }
}

#[derive(Deserialize)]
struct SetLiveState {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "State")]
    state: String,
    #[serde(rename = "NewSession", default)]
    new_session: bool,
}

/// POST /v4/liveroom_ext/set_live_state
///
/// Moves a room to a live state; pushed to its members at once.
pub async fn set_live_state(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: SetLiveState = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let to = LiveState::parse(&req.state)?;
    let info = cx
        .engine
        .set_live_state(
            cx.app_id(),
            &group,
            cx.identifier.as_str(),
            to,
            req.new_session,
        )
        .await?;
    Ok(json!({ "LiveState": info }))
}

#[derive(Deserialize)]
struct GetLiveStates {
    #[serde(rename = "GroupIdList")]
    groups: Vec<String>,
}

/// One room of a many-room state read.
pub fn room_state_json(group: &str, r: Result<RoomState, Error>) -> Value {
    match r {
        Ok(s) => json!({
            "GroupId": group,
            "ErrorCode": 0,
            "Name": s.name,
            "FaceUrl": s.face_url,
            "LiveState": s.live,
            "MemberNum": s.member_num,
            "Popularity": s.popularity,
        }),
        Err(e) => {
            json!({"GroupId": group, "ErrorCode": e.code(Service::Group), "ErrorInfo": e.to_string()})
        }
    }
}

/// POST /v4/liveroom_ext/get_live_states
///
/// The live state, name, cover and online count of up to 100 rooms at once.
pub async fn get_live_states(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: GetLiveStates = parse(body)?;
    let groups = req
        .groups
        .iter()
        .map(|g| super::group_id(g))
        .collect::<Result<Vec<_>, _>>()?;
    let states = cx.engine.room_states(cx.app_id(), &groups).await?;
    let rooms: Vec<Value> = groups
        .iter()
        .zip(states)
        .map(|(g, r)| room_state_json(g.as_str(), r))
        .collect();
    Ok(json!({ "Rooms": rooms }))
}

#[derive(Deserialize)]
struct PinItem {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Item")]
    item: Value,
    /// The operator shown to viewers (an assistant's account); the caller by default.
    #[serde(rename = "From_Account")]
    from: Option<String>,
}

/// POST /v4/liveroom_ext/pin_item
///
/// Pins a live-shopping item for every viewer of the room.
pub async fn pin_item(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: PinItem = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let operator = match req.from.as_deref() {
        Some(f) if !f.is_empty() => liveroom_core::UserId::parse(f)?.to_string(),
        _ => cx.identifier.to_string(),
    };
    cx.engine
        .pin_item(cx.app_id(), &group, &operator, Some(&req.item))
        .await?;
    Ok(json!({}))
}

/// POST /v4/liveroom_ext/unpin_item
pub async fn unpin_item(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: super::groups::GroupOnly = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    cx.engine
        .pin_item(cx.app_id(), &group, cx.identifier.as_str(), None)
        .await?;
    Ok(json!({}))
}

#[derive(Deserialize)]
struct PinnedItems {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "Session")]
    session: Option<u32>,
}

/// POST /v4/liveroom_ext/get_pinned_items
///
/// The items pinned in a session of the room (the current one by default), in order.
pub async fn get_pinned_items(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: PinnedItems = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let (session, items) = cx
        .engine
        .pinned_items(cx.app_id(), &group, req.session)
        .await?;
    let items: Vec<Value> = items
        .iter()
        .map(|i| {
            json!({
                "Item": serde_json::from_str::<Value>(&i.item).unwrap_or(Value::Null),
                "PinnedAt": i.pinned_at,
                "Operator_Account": i.operator,
            })
        })
        .collect();
    Ok(json!({"GroupId": group.as_str(), "Session": session, "Items": items}))
}

#[derive(Deserialize)]
struct SendGift {
    #[serde(rename = "GroupId")]
    group_id: String,
    #[serde(rename = "From_Account")]
    from: String,
    #[serde(rename = "GiftId")]
    gift_id: String,
    #[serde(rename = "GiftName", default)]
    name: String,
    #[serde(rename = "GiftType", default)]
    gift_type: u8,
    #[serde(rename = "Count", default = "one")]
    count: u32,
    #[serde(rename = "Value", default)]
    value: u64,
    #[serde(rename = "EffectUrl", default)]
    effect_url: String,
    #[serde(rename = "GiftKey", default)]
    key: Option<String>,
}

fn one() -> u32 {
    1
}

/// POST /v4/liveroom_ext/send_gift
///
/// Sends a gift (after the backend billed it): the sender's own connections see it at
/// once, the room gets it merged into the sender's combo.
pub async fn send_gift(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: SendGift = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let gift = liveroom_engine::Gift {
        from: liveroom_core::UserId::parse(&req.from)?,
        gift_id: req.gift_id,
        name: req.name,
        gift_type: req.gift_type,
        count: req.count,
        value: req.value,
        effect_url: req.effect_url,
        key: req.key,
    };
    let receipt = cx.engine.send_gift(cx.app_id(), &group, gift).await?;
    Ok(json!({
        "ComboId": receipt.combo_id,
        "ComboCount": receipt.combo_count,
        "Duplicate": receipt.duplicate,
    }))
}

/// POST /v4/liveroom_ext/start_draw
///
/// Starts a lucky draw among the room's users who send the keyword within the duration.
pub async fn start_draw(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: liveroom_core::protocol::DrawRequest = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let id = cx
        .engine
        .start_draw(
            cx.app_id(),
            &group,
            cx.identifier.as_str(),
            &req.keyword,
            req.duration,
            req.winners,
        )
        .await?;
    Ok(json!({ "DrawId": id }))
}

/// POST /v4/liveroom_ext/get_draw
///
/// The room's last finished lucky draw (`null` when there was none).
pub async fn get_draw(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: super::groups::GroupOnly = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let draw = cx.engine.last_draw(cx.app_id(), &group).await?;
    Ok(json!({ "Draw": draw }))
}

/// POST /v4/liveroom_ext/get_room_stats
///
/// A room's audience statistics for a broadcast session (the current one by default) and
/// its top users.
pub async fn get_room_stats(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: RoomStatsRequest = parse(body)?;
    let group = super::group_id(&req.group_id)?;
    let report = cx
        .engine
        .room_stats_report(cx.app_id(), &group, &req)
        .await?;
    serde_json::to_value(report).map_err(|_| Error::Internal)
}

#[derive(Deserialize)]
struct GetUserStats {
    #[serde(rename = "To_Account")]
    users: Vec<String>,
}

/// POST /v4/liveroom_ext/get_user_stats
///
/// Users' app-wide statistics and levels.
pub async fn get_user_stats(cx: &Cx, body: Value) -> Result<Value, Error> {
    let req: GetUserStats = parse(body)?;
    if req.users.is_empty() || req.users.len() > liveroom_engine::USERS_MAX {
        return Err(Error::InvalidParameter(format!(
            "To_Account must list 1 to {} accounts",
            liveroom_engine::USERS_MAX
        )));
    }
    let users = req
        .users
        .iter()
        .map(|u| liveroom_core::UserId::parse(u))
        .collect::<Result<Vec<_>, _>>()?;
    let stats = cx.engine.user_stats_report(cx.app_id(), &users).await?;
    Ok(json!({ "UserStats": stats }))
}
