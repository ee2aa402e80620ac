//! The message element model (reference 4.1): a `MsgBody` is an array of
//! `{"MsgType": ..., "MsgContent": {...}}` elements. REST and WebSocket carry the same shape.
//!
//! Validation keeps the keys the reference defines for each type, checks their JSON types,
//! and drops anything else, so what is fanned out is exactly what the contract allows.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MsgType {
    Text,
    Face,
    Custom,
    Location,
    Image,
    Sound,
    File,
    VideoFile,
    Relay,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Num,
    Arr,
}

/// `(key, JSON kind, required)` for each element type.
type Schema = &'static [(&'static str, Kind, bool)];

impl MsgType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "TIMTextElem",
            Self::Face => "TIMFaceElem",
            Self::Custom => "TIMCustomElem",
            Self::Location => "TIMLocationElem",
            Self::Image => "TIMImageElem",
            Self::Sound => "TIMSoundElem",
            Self::File => "TIMFileElem",
            Self::VideoFile => "TIMVideoFileElem",
            Self::Relay => "TIMRelayElem",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "TIMTextElem" => Self::Text,
            "TIMFaceElem" => Self::Face,
            "TIMCustomElem" => Self::Custom,
            "TIMLocationElem" => Self::Location,
            "TIMImageElem" => Self::Image,
            "TIMSoundElem" => Self::Sound,
            "TIMFileElem" => Self::File,
            "TIMVideoFileElem" => Self::VideoFile,
            "TIMRelayElem" => Self::Relay,
            _ => return None,
        })
    }

    fn schema(self) -> Schema {
        use Kind::*;
        match self {
            Self::Text => &[("Text", Str, true)],
            Self::Face => &[("Index", Num, true), ("Data", Str, false)],
            Self::Custom => &[
                ("Data", Str, false),
                ("Desc", Str, false),
                ("Ext", Str, false),
                ("Sound", Str, false),
            ],
            Self::Location => &[
                ("Desc", Str, false),
                ("Latitude", Num, true),
                ("Longitude", Num, true),
            ],
            Self::Image => &[
                ("UUID", Str, true),
                ("ImageFormat", Num, false),
                ("ImageInfoArray", Arr, true),
            ],
            Self::Sound => &[
                ("Url", Str, true),
                ("UUID", Str, true),
                ("Size", Num, false),
                ("Second", Num, false),
                ("Download_Flag", Num, true),
            ],
            Self::File => &[
                ("Url", Str, true),
                ("UUID", Str, true),
                ("FileSize", Num, false),
                ("FileName", Str, false),
                ("Download_Flag", Num, true),
            ],
            Self::VideoFile => &[
                ("VideoUrl", Str, true),
                ("VideoUUID", Str, true),
                ("VideoSize", Num, false),
                ("VideoSecond", Num, false),
                ("VideoFormat", Str, false),
                ("VideoDownloadFlag", Num, true),
                ("ThumbUrl", Str, true),
                ("ThumbUUID", Str, true),
                ("ThumbSize", Num, false),
                ("ThumbWidth", Num, true),
                ("ThumbHeight", Num, true),
                ("ThumbFormat", Str, false),
                ("ThumbDownloadFlag", Num, true),
            ],
            Self::Relay => &[
                ("Title", Str, false),
                ("MsgNum", Num, false),
                ("CompatibleText", Str, false),
                ("AbstractList", Arr, false),
                ("MsgList", Arr, false),
                ("JsonMsgKey", Str, false),
            ],
        }
    }
}

/// One validated element.
#[derive(Debug, Clone, PartialEq)]
pub struct MsgElement {
    pub msg_type: MsgType,
    pub content: Map<String, Value>,
}

impl MsgElement {
    /// A text element.
    pub fn text(text: &str) -> Self {
        let mut content = Map::new();
        content.insert("Text".into(), Value::String(text.into()));
        Self {
            msg_type: MsgType::Text,
            content,
        }
    }

    /// A custom element carrying `data`.
    pub fn custom(data: &str) -> Self {
        let mut content = Map::new();
        content.insert("Data".into(), Value::String(data.into()));
        Self {
            msg_type: MsgType::Custom,
            content,
        }
    }

    /// The `Text` of a text element.
    pub fn as_text(&self) -> Option<&str> {
        match self.msg_type {
            MsgType::Text => self.content.get("Text").and_then(Value::as_str),
            _ => None,
        }
    }
}

impl Serialize for MsgElement {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("MsgType", self.msg_type.as_str())?;
        m.serialize_entry("MsgContent", &self.content)?;
        m.end()
    }
}

/// A validated, non-empty `MsgBody`.
#[derive(Debug, Clone, PartialEq)]
pub struct MsgBody(pub Vec<MsgElement>);

/// Most elements in one message; the reference sets none, this bounds the work per message.
pub const MAX_ELEMENTS: usize = 64;

impl MsgBody {
    /// Validates a JSON `MsgBody`.
    pub fn parse(value: &Value) -> Result<Self, Error> {
        let items = value
            .as_array()
            .ok_or_else(|| Error::InvalidMessage("MsgBody must be an array of elements".into()))?;
        if items.is_empty() {
            return Err(Error::InvalidMessage("MsgBody has no elements".into()));
        }
        if items.len() > MAX_ELEMENTS {
            return Err(Error::InvalidMessage(format!(
                "MsgBody has {} elements; the limit is {MAX_ELEMENTS}",
                items.len()
            )));
        }
        let mut out = Vec::with_capacity(items.len());
        let mut customs = 0;
        for (i, item) in items.iter().enumerate() {
            let el = parse_element(i, item)?;
            if el.msg_type == MsgType::Custom {
                customs += 1;
                if customs > 1 {
                    return Err(Error::InvalidMessage(
                        "MsgBody may contain at most one TIMCustomElem".into(),
                    ));
                }
            }
            out.push(el);
        }
        Ok(Self(out))
    }

    /// Serialized JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "[]".into())
    }

    /// Whether a custom element's `Data` is a JSON object with `"type": "gift"`: the shape of
    /// the server's gift messages, which clients must not be able to imitate.
    pub fn claims_gift(&self) -> bool {
        self.0.iter().any(|el| {
            el.msg_type == MsgType::Custom
                && el
                    .content
                    .get("Data")
                    .and_then(Value::as_str)
                    // Only objects can claim; escapes (`\u0067ift`) cannot hide from the parse.
                    .filter(|d| d.trim_start().starts_with('{'))
                    .and_then(|d| serde_json::from_str::<Value>(d).ok())
                    .is_some_and(|v| v.get("type").and_then(Value::as_str) == Some("gift"))
        })
    }
}

impl Serialize for MsgBody {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for el in &self.0 {
            seq.serialize_element(el)?;
        }
        seq.end()
    }
}

fn parse_element(i: usize, item: &Value) -> Result<MsgElement, Error> {
    let obj = item
        .as_object()
        .ok_or_else(|| Error::InvalidMessage(format!("MsgBody[{i}] must be an object")))?;
    let type_name = obj
        .get("MsgType")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::InvalidMessage(format!("MsgBody[{i}].MsgType must be a string")))?;
    let msg_type = MsgType::parse(type_name).ok_or_else(|| {
        Error::InvalidMessage(format!(
            "MsgBody[{i}].MsgType {type_name:?} is not a sendable element type"
        ))
    })?;
    let raw = obj
        .get("MsgContent")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            Error::InvalidMessage(format!("MsgBody[{i}].MsgContent must be an object"))
        })?;
    let mut content = Map::new();
    for &(key, kind, required) in msg_type.schema() {
        match raw.get(key) {
            None | Some(Value::Null) if required => {
                return Err(Error::InvalidMessage(format!(
                    "MsgBody[{i}] {type_name} needs MsgContent.{key}"
                )))
            }
            None | Some(Value::Null) => {}
            Some(v) => {
                let ok = match kind {
                    Kind::Str => v.is_string(),
                    Kind::Num => v.is_number(),
                    Kind::Arr => v.is_array(),
                };
                if !ok {
                    return Err(Error::InvalidMessage(format!(
                        "MsgBody[{i}] {type_name} MsgContent.{key} has the wrong type"
                    )));
                }
                content.insert(key.to_string(), v.clone());
            }
        }
    }
    Ok(MsgElement { msg_type, content })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gift_shaped_custom_data_is_recognised() {
        let body = |data: &str| MsgBody(vec![MsgElement::text("hi"), MsgElement::custom(data)]);
        assert!(body(r#"{"type":"gift","GiftId":"rose"}"#).claims_gift());
        assert!(body(r#" { "type" : "gift" } "#).claims_gift());
        assert!(body(r#"{"type":"\u0067ift"}"#).claims_gift(), "escaped");
        for other in [
            r#"{"type":"danmaku","text":"a gift for you"}"#,
            r#"{"gift":"rose"}"#,
            "gift",
            r#"["gift"]"#,
            "",
        ] {
            assert!(!body(other).claims_gift(), "{other}");
        }
        assert!(!MsgBody(vec![MsgElement::text(r#"{"type":"gift"}"#)]).claims_gift());
    }
    use serde_json::json;

    #[test]
    fn parses_and_serializes_the_reference_shape() {
        let v = json!([
            {"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi", "Junk": 1}},
            {"MsgType": "TIMFaceElem", "MsgContent": {"Index": 3, "Data": "smile"}},
            {"MsgType": "TIMCustomElem", "MsgContent": {"Data": "{\"gift\":7}", "Desc": "", "Ext": ""}}
        ]);
        let body = MsgBody::parse(&v).expect("valid");
        assert_eq!(body.0.len(), 3);
        let back: Value = serde_json::from_str(&body.to_json()).expect("json");
        assert_eq!(
            back[0],
            json!({"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}})
        );
        assert_eq!(back[2]["MsgContent"]["Data"], "{\"gift\":7}");
    }

    #[test]
    fn refuses_bad_bodies() {
        for bad in [
            json!({}),
            json!([]),
            json!(["x"]),
            json!([{"MsgType": "TIMTextElem"}]),
            json!([{"MsgType": "TIMTextElem", "MsgContent": {"Text": 5}}]),
            json!([{"MsgType": "TIMGroupTipElem", "MsgContent": {}}]),
            json!([{"MsgType": "TIMFaceElem", "MsgContent": {"Data": "x"}}]),
            json!([
                {"MsgType": "TIMCustomElem", "MsgContent": {"Data": "a"}},
                {"MsgType": "TIMCustomElem", "MsgContent": {"Data": "b"}}
            ]),
        ] {
            assert!(MsgBody::parse(&bad).is_err(), "{bad}");
        }
    }
}
