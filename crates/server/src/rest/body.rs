//! Reading a request body into its typed request, strictly.
//!
//! serde's derived structs also accept a JSON array, filled by position, and `null` for any
//! `Option`. A REST body is read by name only, so through those two doors a wrong type
//! would be taken for a value: `{"Filter": []}` would read as an empty filter and replace
//! the app's word lists. [`parse`] reads through [`Strict`], which refuses both: a struct
//! must be a JSON object, and `null` is no value of any field (leave the key out instead).
//! Errors name the field's path (`Settings.webhook: invalid type: sequence, expected a JSON
//! object`).

use serde::de::{
    self, value::BorrowedStrDeserializer, DeserializeOwned, DeserializeSeed, IntoDeserializer,
    Unexpected, Visitor,
};
use serde::forward_to_deserialize_any;
use serde_json::{Map, Value};
use std::fmt;

use liveroom_core::Error;

/// Parses a body into a typed request; wrong types become coded errors naming the field.
pub fn parse<T: DeserializeOwned>(body: Value) -> Result<T, Error> {
    T::deserialize(Strict(&body)).map_err(|e| Error::InvalidParameter(format!("request body: {e}")))
}

/// A deserialization failure and where in the body it happened.
#[derive(Debug)]
pub struct FieldError {
    /// Keys and array positions from the failing value up to the body (innermost first).
    path: Vec<String>,
    message: String,
}

impl FieldError {
    /// The same failure inside `segment` (a key, or `[i]` for an array item).
    pub fn at(mut self, segment: impl fmt::Display) -> Self {
        self.path.push(segment.to_string());
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for segment in self.path.iter().rev() {
            if segment.starts_with('[') || first {
                f.write_str(segment)?;
            } else {
                write!(f, ".{segment}")?;
            }
            first = false;
        }
        if first {
            f.write_str(&self.message)
        } else {
            write!(f, ": {}", self.message)
        }
    }
}

impl std::error::Error for FieldError {}

impl de::Error for FieldError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self {
            path: Vec::new(),
            message: msg.to_string(),
        }
    }
}

/// A JSON value read by name only (see the module header).
#[derive(Clone, Copy)]
pub struct Strict<'a>(pub &'a Value);

fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Other("null"),
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (None, Some(i)) => Unexpected::Signed(i),
            _ => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

impl<'de> Strict<'de> {
    fn visit_object<V: Visitor<'de>>(
        map: &'de Map<String, Value>,
        visitor: V,
    ) -> Result<V::Value, FieldError> {
        let mut access = Fields {
            iter: map.iter(),
            value: None,
        };
        visitor.visit_map(&mut access)
    }
}

/// Typed reads that say "null" when they meet one (the generic message would speak of a
/// "unit value").
macro_rules! refuse_null {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FieldError> {
                if self.0.is_null() {
                    return Err(de::Error::invalid_type(Unexpected::Other("null"), &visitor));
                }
                self.deserialize_any(visitor)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Strict<'de> {
    type Error = FieldError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FieldError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => {
                let mut access = Items {
                    iter: items.iter().enumerate(),
                };
                let out = visitor.visit_seq(&mut access)?;
                match access.iter.len() {
                    0 => Ok(out),
                    left => Err(de::Error::invalid_length(
                        items.len(),
                        &format!("{} items", items.len() - left).as_str(),
                    )),
                }
            }
            Value::Object(map) => Self::visit_object(map, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FieldError> {
        match self.0 {
            Value::Null => Err(de::Error::invalid_type(
                Unexpected::Other("null"),
                &"a value (leave the key out rather than send null)",
            )),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FieldError> {
        match self.0 {
            Value::Object(map) => Self::visit_object(map, visitor),
            other => Err(de::Error::invalid_type(unexpected(other), &"a JSON object")),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FieldError> {
        match self.0 {
            Value::Object(map) => Self::visit_object(map, visitor),
            other => Err(de::Error::invalid_type(unexpected(other), &"a JSON object")),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FieldError> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            Value::Object(map) if map.len() == 1 => {
                let (variant, value) = map
                    .iter()
                    .next()
                    .ok_or_else(|| de::Error::invalid_length(0, &"an object with one key"))?;
                visitor.visit_enum(Variant { variant, value })
            }
            other => Err(de::Error::invalid_type(
                unexpected(other),
                &"a string (or an object with one key)",
            )),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, FieldError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FieldError> {
        visitor.visit_unit()
    }

    refuse_null! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_seq
    }

    forward_to_deserialize_any! {
        unit unit_struct tuple tuple_struct identifier
    }
}

/// The members of an object, each value read strictly and its errors marked with its key.
struct Fields<'de> {
    iter: serde_json::map::Iter<'de>,
    value: Option<(&'de str, &'de Value)>,
}

impl<'de> de::MapAccess<'de> for Fields<'de> {
    type Error = FieldError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, FieldError> {
        match self.iter.next() {
            Some((k, v)) => {
                self.value = Some((k, v));
                seed.deserialize(BorrowedStrDeserializer::new(k)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, FieldError> {
        let (key, value) = self
            .value
            .take()
            .ok_or_else(|| <FieldError as de::Error>::custom("a value was read before its key"))?;
        seed.deserialize(Strict(value)).map_err(|e| e.at(key))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// The items of an array, each read strictly and its errors marked with its position.
struct Items<'de> {
    iter: std::iter::Enumerate<std::slice::Iter<'de, Value>>,
}

impl<'de> de::SeqAccess<'de> for Items<'de> {
    type Error = FieldError;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, FieldError> {
        match self.iter.next() {
            Some((i, v)) => seed
                .deserialize(Strict(v))
                .map(Some)
                .map_err(|e| e.at(format_args!("[{i}]"))),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// An enum written as `{"Variant": value}`.
struct Variant<'de> {
    variant: &'de str,
    value: &'de Value,
}

impl<'de> de::EnumAccess<'de> for Variant<'de> {
    type Error = FieldError;
    type Variant = Strict<'de>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Strict<'de>), FieldError> {
        let tag = seed.deserialize(BorrowedStrDeserializer::new(self.variant))?;
        Ok((tag, Strict(self.value)))
    }
}

impl<'de> de::VariantAccess<'de> for Strict<'de> {
    type Error = FieldError;

    fn unit_variant(self) -> Result<(), FieldError> {
        match self.0 {
            Value::Null => Ok(()),
            other => Err(de::Error::invalid_type(
                unexpected(other),
                &"a unit variant",
            )),
        }
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<S::Value, FieldError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, FieldError> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FieldError> {
        de::Deserializer::deserialize_struct(self, "", fields, visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq, Default)]
    #[serde(default)]
    struct Inner {
        a: u32,
        b: String,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Mode {
        Fast,
        Slow,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Outer {
        #[serde(rename = "Inner", default)]
        inner: Inner,
        #[serde(rename = "List", default)]
        list: Vec<Inner>,
        #[serde(rename = "Opt")]
        opt: Option<u64>,
        #[serde(rename = "Mode")]
        mode: Option<Mode>,
        #[serde(rename = "Any", default)]
        any: Value,
    }

    fn read(v: Value) -> Result<Outer, String> {
        Outer::deserialize(Strict(&v)).map_err(|e| e.to_string())
    }

    #[test]
    fn well_typed_bodies_read_as_serde_json_reads_them() {
        let v = json!({"Inner": {"a": 7}, "List": [{"b": "x"}], "Opt": 5, "Mode": "slow",
                       "Any": [1, {"k": null}], "Extra": [1, 2]});
        assert_eq!(
            read(v.clone()),
            Ok(serde_json::from_value(v).expect("serde_json"))
        );
        assert_eq!(read(json!({})).map(|o| o.opt), Ok(None));
    }

    #[test]
    fn arrays_for_structs_and_nulls_are_refused_with_their_path() {
        for (body, path) in [
            (
                json!({"Inner": []}),
                "Inner: invalid type: sequence, expected a JSON object",
            ),
            (json!({"Inner": [3, "x"]}), "Inner: invalid type"),
            (
                json!({"List": [{"a": 1}, [2]]}),
                "List[1]: invalid type: sequence",
            ),
            (
                json!({"List": [{"a": -1}]}),
                "List[0].a: invalid value: integer `-1`",
            ),
            (
                json!({"Inner": {"a": 1.5}}),
                "Inner.a: invalid type: floating point",
            ),
            (json!({"Opt": null}), "Opt: invalid type: null"),
            (json!({"Inner": null}), "Inner: invalid type: null"),
            (json!({"Inner": {"b": null}}), "Inner.b: invalid type: null"),
            (json!({"Opt": 1e30}), "Opt: invalid type: floating point"),
            (json!({"Mode": "medium"}), "Mode: unknown variant `medium`"),
            (json!({"Mode": 1}), "Mode: invalid type: integer `1`"),
        ] {
            let e = read(body.clone()).expect_err(&body.to_string());
            assert!(e.starts_with(path), "{body}: {e}");
        }
    }
}
