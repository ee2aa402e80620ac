//! The live state of a room: Upcoming, Live, Paused, Ended, Replay, with a session number
//! that grows each time a new broadcast starts. It is kept in the room's profile as the
//! reserved custom field [`LIVE_STATE_KEY`] (a compact JSON value), so `get_group_info`
//! shows it and clients that follow custom-field tips see its changes.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The `AppDefinedData` key holding the live state; reserved: only the live-state calls
/// write it.
pub const LIVE_STATE_KEY: &str = "LiveState";

/// The `AppDefinedData` key holding the live-shopping item pinned now (JSON text); reserved.
pub const PINNED_ITEM_KEY: &str = "PinnedItem";

/// The `AppDefinedData` key holding the room's like total (decimal text); reserved.
pub const LIKES_KEY: &str = "Likes";

/// The `AppDefinedData` key holding the room's last lucky-draw result (JSON); reserved.
pub const LUCKY_DRAW_KEY: &str = "LuckyDraw";

/// Keys only the server writes.
pub fn is_reserved_key(key: &str) -> bool {
    [LIVE_STATE_KEY, PINNED_ITEM_KEY, LIKES_KEY, LUCKY_DRAW_KEY].contains(&key)
}

/// Most likes one `like` request may carry.
pub const LIKES_PER_REQUEST_MAX: u32 = 100;

/// Largest pinned item, bytes of JSON.
pub const ITEM_BYTES_MAX: usize = 4096;

/// Checks a live-shopping item and returns it as compact JSON: an object with a string
/// `ItemId` (1 to 64 bytes) and a string `Title`; `Price` a number or a string, `ImageUrl`
/// and `Link` strings, when present; other members are kept as they are.
pub fn check_item(item: &serde_json::Value) -> Result<String, Error> {
    use serde_json::Value;
    let obj = item
        .as_object()
        .ok_or_else(|| Error::InvalidParameter("Item must be a JSON object".into()))?;
    let id = obj.get("ItemId").and_then(Value::as_str).unwrap_or("");
    if id.is_empty() || id.len() > 64 {
        return Err(Error::InvalidParameter(
            "Item.ItemId must be a string of 1 to 64 bytes".into(),
        ));
    }
    if !obj.get("Title").is_some_and(Value::is_string) {
        return Err(Error::InvalidParameter(
            "Item.Title must be a string".into(),
        ));
    }
    if obj
        .get("Price")
        .is_some_and(|p| !(p.is_number() || p.is_string()))
    {
        return Err(Error::InvalidParameter(
            "Item.Price must be a number or a string".into(),
        ));
    }
    for key in ["ImageUrl", "Link"] {
        if obj.get(key).is_some_and(|v| !v.is_string()) {
            return Err(Error::InvalidParameter(format!(
                "Item.{key} must be a string"
            )));
        }
    }
    let text = serde_json::to_string(item).map_err(|_| Error::Internal)?;
    if text.len() > ITEM_BYTES_MAX {
        return Err(Error::InvalidParameter(format!(
            "Item is {} bytes; the limit is {ITEM_BYTES_MAX}",
            text.len()
        )));
    }
    Ok(text)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum LiveState {
    /// Announced, not started (the state of a new room).
    #[default]
    Upcoming,
    Live,
    Paused,
    Ended,
    /// Ended, and the recording is being shown.
    Replay,
}

impl LiveState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upcoming => "Upcoming",
            Self::Live => "Live",
            Self::Paused => "Paused",
            Self::Ended => "Ended",
            Self::Replay => "Replay",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Error> {
        Ok(match raw {
            "Upcoming" => Self::Upcoming,
            "Live" => Self::Live,
            "Paused" => Self::Paused,
            "Ended" => Self::Ended,
            "Replay" => Self::Replay,
            other => {
                return Err(Error::InvalidParameter(format!(
                    "State {other:?} is not Upcoming, Live, Paused, Ended or Replay"
                )))
            }
        })
    }
}

/// A room's live state with its session and when it was entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LiveInfo {
    #[serde(rename = "State")]
    pub state: LiveState,
    /// 1 for the first broadcast; grows by one for each new one.
    #[serde(rename = "Session")]
    pub session: u32,
    /// Unix seconds the state was entered (0 for a room never changed).
    #[serde(rename = "Since")]
    pub since: i64,
}

impl LiveInfo {
    /// The state stored in a room's custom fields, or the initial one.
    pub fn from_custom(custom: &[(String, String)]) -> Self {
        custom
            .iter()
            .find(|(k, _)| k == LIVE_STATE_KEY)
            .and_then(|(_, v)| serde_json::from_str(v).ok())
            .unwrap_or(Self {
                state: LiveState::Upcoming,
                session: 1,
                since: 0,
            })
    }

    /// The value stored under [`LIVE_STATE_KEY`].
    pub fn to_value(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The state after moving to `to` at `now`. Within a session: Upcoming -> Live | Ended,
    /// Live -> Paused | Ended, Paused -> Live | Ended, Ended -> Replay, Replay -> Ended.
    /// After a session ended (Ended or Replay), a new one starts with `new_session`, as
    /// Upcoming or straight as Live; a room that is not over cannot start a new session.
    pub fn transition(&self, to: LiveState, new_session: bool, now: i64) -> Result<Self, Error> {
        use LiveState::*;
        let over = matches!(self.state, Ended | Replay);
        if new_session {
            let never_started = self.state == Upcoming && self.since == 0;
            if !(over || never_started) {
                return Err(Error::InvalidTransition(format!(
                    "a new session starts only after the current one ended (the room is {})",
                    self.state.as_str()
                )));
            }
            if !matches!(to, Upcoming | Live) {
                return Err(Error::InvalidTransition(format!(
                    "a new session starts as Upcoming or Live, not {}",
                    to.as_str()
                )));
            }
            let session = if self.since == 0 {
                self.session
            } else {
                self.session.saturating_add(1)
            };
            return Ok(Self {
                state: to,
                session,
                since: now,
            });
        }
        let allowed = matches!(
            (self.state, to),
            (Upcoming, Live | Ended)
                | (Live, Paused | Ended)
                | (Paused, Live | Ended)
                | (Ended, Replay)
                | (Replay, Ended)
        );
        if !allowed {
            let hint = if over && matches!(to, Live | Upcoming) {
                " (start a new session with NewSession: true)"
            } else {
                ""
            };
            return Err(Error::InvalidTransition(format!(
                "the room cannot go from {} to {}{hint}",
                self.state.as_str(),
                to.as_str()
            )));
        }
        Ok(Self {
            state: to,
            session: self.session,
            since: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LiveState::*;

    fn at(state: LiveState, session: u32) -> LiveInfo {
        LiveInfo {
            state,
            session,
            since: 10,
        }
    }

    #[test]
    fn a_session_runs_its_course() {
        let start = LiveInfo::from_custom(&[]);
        assert_eq!((start.state, start.session), (Upcoming, 1));
        let live = start.transition(Live, false, 20).expect("go live");
        assert_eq!((live.state, live.session, live.since), (Live, 1, 20));
        let paused = live.transition(Paused, false, 30).expect("pause");
        let live = paused.transition(Live, false, 40).expect("resume");
        let ended = live.transition(Ended, false, 50).expect("end");
        let replay = ended.transition(Replay, false, 60).expect("replay");
        assert_eq!(replay.session, 1);
        let back = LiveInfo::from_custom(&[(LIVE_STATE_KEY.into(), replay.to_value())]);
        assert_eq!(back, replay);
    }

    #[test]
    fn illegal_moves_are_refused() {
        for (from, to) in [
            (Ended, Live),
            (Replay, Live),
            (Ended, Paused),
            (Upcoming, Paused),
            (Live, Replay),
            (Live, Upcoming),
            (Live, Live),
        ] {
            let e = at(from, 1).transition(to, false, 20);
            assert!(
                matches!(e, Err(Error::InvalidTransition(_))),
                "{from:?} -> {to:?}"
            );
        }
        assert!(at(Live, 1).transition(Live, true, 20).is_err(), "not over");
        assert!(at(Ended, 1).transition(Paused, true, 20).is_err());
    }

    #[test]
    fn items_are_checked() {
        use serde_json::json;
        let ok = json!({"ItemId": "sku-1", "Title": "Mug", "Price": 9.5, "ImageUrl": "https://i/1.png", "Link": "https://shop/1", "Stock": 3});
        let text = check_item(&ok).expect("valid");
        assert!(text.contains("\"Stock\":3"), "other members kept");
        for bad in [
            json!("sku"),
            json!({"Title": "no id"}),
            json!({"ItemId": "", "Title": "x"}),
            json!({"ItemId": "a", "Title": 5}),
            json!({"ItemId": "a", "Title": "x", "Price": [1]}),
            json!({"ItemId": "a", "Title": "x", "Link": 1}),
            json!({"ItemId": "a", "Title": "x".repeat(5000)}),
        ] {
            assert!(check_item(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_new_session_follows_an_ended_one() {
        let next = at(Ended, 3).transition(Live, true, 99).expect("new");
        assert_eq!((next.state, next.session, next.since), (Live, 4, 99));
        let next = at(Replay, 4).transition(Upcoming, true, 99).expect("new");
        assert_eq!((next.state, next.session), (Upcoming, 5));
        let first = LiveInfo::from_custom(&[])
            .transition(Live, true, 5)
            .expect("first");
        assert_eq!(first.session, 1, "a room never started keeps session 1");
    }
}
