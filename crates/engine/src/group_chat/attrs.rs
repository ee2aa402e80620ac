//! Group attributes (reference 3.5.6): a key-value map on a group of any type, designed for
//! a live room's "seats". Every member online gets the whole map when it changes
//! (`group_attrs`), and the backend hears `Group.CallbackAfterGroupAttrChanged`.

use serde_json::{json, Value};

use liveroom_core::callback;
use liveroom_core::{AppId, Error, GroupId};

use crate::outbound::{Frame, FrameClass};
use crate::{store_err, Engine};

/// Most keys a group holds; longest key and value; most bytes of all values together.
pub const ATTR_KEYS_MAX: usize = 16;
pub const ATTR_KEY_MAX: usize = 32;
pub const ATTR_VALUE_MAX: usize = 4000;
pub const ATTR_TOTAL_MAX: usize = 16 * 1024;

/// A write to a group's attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrWrite {
    /// `modify_group_attr`: these keys set, the others kept.
    Modify(Vec<(String, String)>),
    /// `set_group_attr`: the map becomes these.
    Set(Vec<(String, String)>),
    /// `clear_group_attr`: no keys.
    Clear,
    /// These keys deleted (each must exist: 10050).
    Delete(Vec<String>),
}

fn attr_error(code: i32, info: String) -> Error {
    Error::GroupAttr { code, info }
}

fn check(attrs: &[(String, String)]) -> Result<(), Error> {
    for (k, v) in attrs {
        if k.is_empty() || k.len() > ATTR_KEY_MAX {
            return Err(attr_error(
                10045,
                format!("attribute key {k:?} must be 1 to {ATTR_KEY_MAX} bytes"),
            ));
        }
        if v.len() > ATTR_VALUE_MAX {
            return Err(attr_error(
                10046,
                format!("the value of {k:?} is over {ATTR_VALUE_MAX} bytes"),
            ));
        }
    }
    if attrs.len() > ATTR_KEYS_MAX {
        return Err(attr_error(
            10047,
            format!(
                "{} keys; a group holds at most {ATTR_KEYS_MAX}",
                attrs.len()
            ),
        ));
    }
    let total: usize = attrs.iter().map(|(_, v)| v.len()).sum();
    if total > ATTR_TOTAL_MAX {
        return Err(attr_error(
            10048,
            format!("the values come to {total} bytes; at most {ATTR_TOTAL_MAX}"),
        ));
    }
    Ok(())
}

impl Engine {
    /// `get_group_attr`.
    pub async fn group_attrs(
        &self,
        app: AppId,
        group: &GroupId,
    ) -> Result<Vec<(String, String)>, Error> {
        self.room(app, group).await?;
        self.store.group_attrs(app, group).await.map_err(store_err)
    }

    /// Writes a group's attributes as `operator` (the REST caller).
    pub async fn write_group_attrs(
        &self,
        app: AppId,
        group: &GroupId,
        write: AttrWrite,
        operator: &str,
    ) -> Result<(), Error> {
        let room = self.room(app, group).await?;
        let _one = room.write_lock.lock().await;
        let mut attrs = self
            .store
            .group_attrs(app, group)
            .await
            .map_err(store_err)?;
        let (option, changed): (&str, Vec<(String, String)>) = match write {
            AttrWrite::Modify(items) => {
                for (k, v) in &items {
                    attrs.retain(|(key, _)| key != k);
                    attrs.push((k.clone(), v.clone()));
                }
                ("modify", items)
            }
            AttrWrite::Set(items) => {
                attrs = items.clone();
                ("set", items)
            }
            AttrWrite::Clear => {
                attrs.clear();
                ("clear", Vec::new())
            }
            AttrWrite::Delete(keys) => {
                let mut gone = Vec::new();
                for k in keys {
                    let Some(i) = attrs.iter().position(|(key, _)| *key == k) else {
                        return Err(attr_error(10050, format!("attribute {k:?} does not exist")));
                    };
                    gone.push(attrs.remove(i));
                }
                ("delete", gone)
            }
        };
        for (i, (k, _)) in attrs.iter().enumerate() {
            if attrs[..i].iter().any(|(other, _)| other == k) {
                return Err(Error::InvalidParameter(format!("key {k:?} is named twice")));
            }
        }
        check(&attrs)?;
        attrs.sort();
        self.store
            .replace_group_attrs(app, group, &attrs)
            .await
            .map_err(store_err)?;
        let list: Vec<Value> = attrs
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
        let push = json!({"op": "group_attrs", "GroupId": group.as_str(), "GroupAttr": list});
        self.tell_room(&room, Frame::new(FrameClass::Control, push.to_string()))
            .await;
        let group_type = room.profile.read().group_type.as_str();
        self.after_hook_now(app, callback::AFTER_GROUP_ATTR_CHANGED, None, || {
            let changed: Vec<Value> = changed
                .iter()
                .map(|(k, v)| json!({"key": k, "value": v}))
                .collect();
            json!({"GroupId": group.as_str(), "Type": group_type, "Operator_Account": operator,
                   "OptionType": option, "GroupAttr": changed})
        });
        Ok(())
    }
}
