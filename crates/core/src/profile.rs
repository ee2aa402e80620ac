//! User profiles (reference §3.3): the standard tags with their value rules, and custom
//! tags (`Tag_Profile_Custom_<key>`) an app declares in its settings.
//!
//! A profile value is kept as JSON text (a string or an integer, as the tag says). Nick and
//! avatar live with the account (they travel with every message); the other tags are kept
//! apart.

use serde_json::Value;

use crate::error::Error;

pub const NICK: &str = "Tag_Profile_IM_Nick";
pub const IMAGE: &str = "Tag_Profile_IM_Image";
pub const GENDER: &str = "Tag_Profile_IM_Gender";
pub const BIRTHDAY: &str = "Tag_Profile_IM_BirthDay";
pub const LOCATION: &str = "Tag_Profile_IM_Location";
pub const SELF_SIGNATURE: &str = "Tag_Profile_IM_SelfSignature";
pub const ALLOW_TYPE: &str = "Tag_Profile_IM_AllowType";
pub const LANGUAGE: &str = "Tag_Profile_IM_Language";
pub const MSG_SETTINGS: &str = "Tag_Profile_IM_MsgSettings";
pub const ADMIN_FORBID_TYPE: &str = "Tag_Profile_IM_AdminForbidType";
pub const LEVEL: &str = "Tag_Profile_IM_Level";
pub const ROLE: &str = "Tag_Profile_IM_Role";
/// Prefix of an app's declared custom tags.
pub const CUSTOM_PREFIX: &str = "Tag_Profile_Custom_";

/// Longest profile value, bytes (reference: 40601 beyond 500).
pub const VALUE_MAX: usize = 500;
/// Longest custom key (after the prefix), bytes.
pub const CUSTOM_KEY_MAX: usize = 8;
/// Most custom tags an app declares.
pub const CUSTOM_TAGS_MAX: usize = 20;
/// Most accounts one read names.
pub const READ_MAX: usize = 100;

pub const GENDERS: &[&str] = &[
    "Gender_Type_Unknown",
    "Gender_Type_Female",
    "Gender_Type_Male",
];
pub const ALLOW_TYPES: &[&str] = &[
    "AllowType_Type_NeedConfirm",
    "AllowType_Type_AllowAny",
    "AllowType_Type_DenyAny",
];
pub const ADMIN_FORBID_TYPES: &[&str] = &["AdminForbid_Type_None", "AdminForbid_Type_SendOut"];

/// What a tag's value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    /// A non-negative integer.
    Number,
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// A declared custom tag: a string or an integer.
    Custom,
}

/// The standard tags, with their kinds and the value an unset tag reads as.
const STANDARD: &[(&str, Kind, &str)] = &[
    (NICK, Kind::Text, "\"\""),
    (IMAGE, Kind::Text, "\"\""),
    (GENDER, Kind::Choice(GENDERS), "\"Gender_Type_Unknown\""),
    (BIRTHDAY, Kind::Number, "0"),
    (LOCATION, Kind::Text, "\"\""),
    (SELF_SIGNATURE, Kind::Text, "\"\""),
    (
        ALLOW_TYPE,
        Kind::Choice(ALLOW_TYPES),
        "\"AllowType_Type_NeedConfirm\"",
    ),
    (LANGUAGE, Kind::Number, "0"),
    (MSG_SETTINGS, Kind::Number, "0"),
    (
        ADMIN_FORBID_TYPE,
        Kind::Choice(ADMIN_FORBID_TYPES),
        "\"AdminForbid_Type_None\"",
    ),
    (LEVEL, Kind::Number, "0"),
    (ROLE, Kind::Number, "0"),
];

/// Who may write a tag: `AdminForbidType`, `Level` and `Role` are the backend's to set, not
/// the user's own client.
pub fn client_may_set(tag: &str) -> bool {
    !matches!(tag, ADMIN_FORBID_TYPE | LEVEL | ROLE)
}

fn kind_of(tag: &str, custom: &[String]) -> Result<Kind, Error> {
    if let Some((_, kind, _)) = STANDARD.iter().find(|(t, _, _)| *t == tag) {
        return Ok(*kind);
    }
    match tag.strip_prefix(CUSTOM_PREFIX) {
        Some(key) if custom.iter().any(|c| c == key) => Ok(Kind::Custom),
        _ => Err(Error::ProfileTagUnknown(format!(
            "profile tag {tag:?} is neither a standard tag nor one of this app's declared {CUSTOM_PREFIX}* tags"
        ))),
    }
}

/// Checks a tag and its value; returns the value as it is stored (JSON text).
pub fn check(tag: &str, value: &Value, custom: &[String]) -> Result<String, Error> {
    let kind = kind_of(tag, custom)?;
    let wrong = |what: &str| Error::ProfileValueType(format!("{tag} must be {what}"));
    match (kind, value) {
        (Kind::Text | Kind::Custom, Value::String(s)) if s.len() > VALUE_MAX => {
            return Err(Error::ProfileValueTooLong(format!(
                "{tag} is {} bytes; the limit is {VALUE_MAX}",
                s.len()
            )))
        }
        (Kind::Text | Kind::Custom, Value::String(_)) => {}
        (Kind::Text, _) => return Err(wrong("a string")),
        (Kind::Number | Kind::Custom, Value::Number(n)) if n.as_u64().is_some() => {}
        (Kind::Number, _) => return Err(wrong("a non-negative integer")),
        (Kind::Custom, _) => return Err(wrong("a string or a non-negative integer")),
        (Kind::Choice(options), Value::String(s)) => {
            if !options.contains(&s.as_str()) {
                return Err(Error::ProfileValue(format!(
                    "{tag} {s:?} is not one of {}",
                    options.join(", ")
                )));
            }
        }
        (Kind::Choice(_), _) => return Err(wrong("a string")),
    }
    Ok(value.to_string())
}

/// What an unset tag reads as (`None` for an unknown tag).
pub fn default_value(tag: &str, custom: &[String]) -> Option<Value> {
    match kind_of(tag, custom).ok()? {
        Kind::Custom => Some(Value::String(String::new())),
        _ => STANDARD
            .iter()
            .find(|(t, _, _)| *t == tag)
            .and_then(|(_, _, d)| serde_json::from_str(d).ok()),
    }
}

/// Every standard tag, then the app's declared custom ones.
pub fn all_tags(custom: &[String]) -> Vec<String> {
    STANDARD
        .iter()
        .map(|(t, _, _)| t.to_string())
        .chain(custom.iter().map(|k| format!("{CUSTOM_PREFIX}{k}")))
        .collect()
}

/// Checks an app's declared custom keys.
pub fn check_custom_keys(keys: &[String]) -> Result<(), String> {
    if keys.len() > CUSTOM_TAGS_MAX {
        return Err(format!(
            "{} profile custom fields declared; the limit is {CUSTOM_TAGS_MAX}",
            keys.len()
        ));
    }
    for k in keys {
        if k.is_empty() || k.len() > CUSTOM_KEY_MAX || !k.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(format!(
                "profile custom field {k:?} must be 1 to {CUSTOM_KEY_MAX} letters"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_follow_their_tags() {
        let custom = vec!["Hobby".to_string()];
        assert_eq!(
            check(GENDER, &json!("Gender_Type_Male"), &custom).ok(),
            Some("\"Gender_Type_Male\"".into())
        );
        assert!(matches!(
            check(GENDER, &json!("male"), &custom),
            Err(Error::ProfileValue(_))
        ));
        assert!(matches!(
            check(BIRTHDAY, &json!("1990"), &custom),
            Err(Error::ProfileValueType(_))
        ));
        assert!(check(BIRTHDAY, &json!(19_900_101), &custom).is_ok());
        assert!(matches!(
            check(LEVEL, &json!(-1), &custom),
            Err(Error::ProfileValueType(_))
        ));
        assert!(check("Tag_Profile_Custom_Hobby", &json!("chess"), &custom).is_ok());
        assert!(check("Tag_Profile_Custom_Hobby", &json!(3), &custom).is_ok());
        assert!(matches!(
            check("Tag_Profile_Custom_Other", &json!("x"), &custom),
            Err(Error::ProfileTagUnknown(_))
        ));
        assert!(matches!(
            check(NICK, &json!("n".repeat(501)), &custom),
            Err(Error::ProfileValueTooLong(_))
        ));
        assert_eq!(
            default_value(ALLOW_TYPE, &custom),
            Some(json!("AllowType_Type_NeedConfirm"))
        );
        assert_eq!(
            default_value("Tag_Profile_Custom_Hobby", &custom),
            Some(json!(""))
        );
        assert!(check_custom_keys(&["Hobby".into()]).is_ok());
        assert!(check_custom_keys(&["Too_Long9".into()]).is_err());
    }
}
