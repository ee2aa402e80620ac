//! Liveroom's own extensions, under the service name `liveroom_ext` (same query
//! parameters, admin check and envelope as the compatible API).

use serde::Deserialize;
use serde_json::{json, Value};

use liveroom_core::app::AppSettings;
use liveroom_core::Error;

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
    let mut settings = (*cx.app.settings()).clone();
    // Keep the first of repeated names, in order.
    let mut fields: Vec<String> = Vec::with_capacity(req.fields.len());
    for f in req.fields {
        if !fields.contains(&f) {
            fields.push(f);
        }
    }
    settings.group_custom_fields = fields;
    cx.engine.set_app_settings(cx.app_id(), settings).await?;
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
    let mut current = serde_json::to_value(&*cx.app.settings()).map_err(|_| Error::Internal)?;
    merge(&mut current, Value::Object(req.settings));
    let settings: AppSettings = serde_json::from_value(current)
        .map_err(|e| Error::InvalidParameter(format!("Settings: {e}")))?;
    cx.engine.set_app_settings(cx.app_id(), settings).await?;
    Ok(json!({"Settings": *cx.app.settings()}))
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
