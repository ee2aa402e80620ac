//! `liveroom_ext` app settings: the declared group custom fields, the settings as a whole
//! and the webhook settings, each read and changed in part.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

use liveroom_core::app::AppSettings;
use liveroom_core::callback::WebhookSettings;
use liveroom_core::Error;

use super::{parse, Cx};

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomFields {
    fields: Vec<String>,
}

/// POST /v4/liveroom_ext/get_group_custom_fields
pub async fn get_group_custom_fields(cx: &Cx, _body: Value) -> Result<CustomFields, Error> {
    Ok(CustomFields {
        fields: cx.app.settings().group_custom_fields.clone(),
    })
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
pub async fn set_group_custom_fields(cx: &Cx, body: Value) -> Result<(), Error> {
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
    .await
}

/// The app's settings, whole.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Settings {
    settings: Arc<AppSettings>,
}

/// POST /v4/liveroom_ext/get_app_settings
pub async fn get_app_settings(cx: &Cx, _body: Value) -> Result<Settings, Error> {
    Ok(Settings {
        settings: cx.app.settings(),
    })
}

#[derive(Deserialize)]
struct SetSettings {
    #[serde(rename = "Settings")]
    settings: serde_json::Map<String, Value>,
}

/// POST /v4/liveroom_ext/set_app_settings
///
/// Changes some of the app's settings (a partial object); takes effect at once.
pub async fn set_app_settings(cx: &Cx, body: Value) -> Result<Settings, Error> {
    let req: SetSettings = parse(body)?;
    update_settings(cx, |s| {
        let mut current = serde_json::to_value(&*s).map_err(|_| Error::Internal)?;
        merge(&mut current, Value::Object(req.settings));
        *s = read_merged("Settings", &current)?;
        Ok(())
    })
    .await?;
    Ok(Settings {
        settings: cx.app.settings(),
    })
}

/// Applies `change` to the app's current settings and makes the result live (one change
/// of an app at a time, so concurrent edits do not undo each other).
pub(super) async fn update_settings(
    cx: &Cx,
    change: impl FnOnce(&mut AppSettings) -> Result<(), Error>,
) -> Result<(), Error> {
    cx.engine.update_app_settings(cx.app_id(), change).await
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Webhook {
    webhook: WebhookSettings,
}

impl Webhook {
    fn of(cx: &Cx) -> Self {
        Self {
            webhook: cx.app.settings().webhook.clone(),
        }
    }
}

/// POST /v4/liveroom_ext/get_webhook
pub async fn get_webhook(cx: &Cx, _body: Value) -> Result<Webhook, Error> {
    Ok(Webhook::of(cx))
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
pub async fn set_webhook(cx: &Cx, body: Value) -> Result<Webhook, Error> {
    let req: SetWebhook = parse(body)?;
    update_settings(cx, |s| {
        let mut current = serde_json::to_value(&s.webhook).map_err(|_| Error::Internal)?;
        merge(&mut current, Value::Object(req.webhook));
        s.webhook = read_merged("Webhook", &current)?;
        Ok(())
    })
    .await?;
    Ok(Webhook::of(cx))
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
