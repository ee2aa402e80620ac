//! Gifts: sent by the business backend after billing, shown to the sender at once, and
//! merged into combos for the room — gifts of one kind from one sender that follow each other
//! within `gift_combo_ms` go out together (at the latest every `gift_combo_batch` gifts) in
//! one High custom message carrying the running combo count.

use dashmap::DashMap;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use liveroom_core::group::Priority;
use liveroom_core::message::{MsgBody, MsgElement};
use liveroom_core::protocol::{GiftPush, Push};
use liveroom_core::stats::GIFT_VALUE_MAX;
use liveroom_core::time::{unix_millis, unix_secs};
use liveroom_core::{AppId, Error, GroupId, UserId};

use crate::loaded::RoomRef;
use crate::{metrics, store_err, CallbackControl, Engine, SendRequest, Sender};

/// A gift the backend asks to send.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Gift {
    pub from: UserId,
    pub gift_id: String,
    pub name: String,
    /// 0 plain, 1 banner, 2 banner with an effect (`effect_url` required).
    pub gift_type: u8,
    pub count: u32,
    pub value: u64,
    pub effect_url: String,
    /// The backend's id for this gift (its order id, say): a repeat of the same key from the
    /// same sender within [`GIFT_KEY_TTL_SECS`] is answered with the first receipt and sends
    /// nothing, so a retried call never gives twice.
    pub key: Option<String>,
}

/// How long a gift's key is remembered.
pub const GIFT_KEY_TTL_SECS: i64 = 600;
/// Most keys remembered at once (beyond it new keys are refused until old ones expire).
const GIFT_KEYS_MAX: usize = 1_000_000;

/// Remembered gift keys: `(app, sender, key)` -> the receipt and when it was given.
pub(crate) type GiftKeys = DashMap<(AppId, UserId, String), (GiftReceipt, i64)>;

/// Where a gift went.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GiftReceipt {
    pub combo_id: String,
    pub combo_count: u64,
    /// A repeat of an earlier call's `key`: nothing was sent this time.
    pub duplicate: bool,
}

/// One sender's combo of one gift in a room.
pub(crate) struct Combo {
    id: String,
    total: u64,
    /// Gifts not yet sent to the room.
    pending: u32,
    last_at: Instant,
    flush_scheduled: bool,
    /// The latest gift's details (name, type, effect).
    gift: Gift,
    /// The sender's nick and avatar, for the room message.
    nick: String,
    avatar: String,
}

pub(crate) type Combos = HashMap<(UserId, String), Combo>;

impl Combo {
    /// Gifts acknowledged but not yet in a room message.
    pub(crate) fn in_progress(&self) -> bool {
        self.pending > 0 || self.flush_scheduled
    }
}

/// Attempts to get a combo's gifts past a full room before they are given up.
const FLUSH_ATTEMPTS: u32 = 10;

impl Gift {
    fn check(&self) -> Result<(), Error> {
        if self.gift_id.is_empty() || self.gift_id.len() > 64 {
            return Err(Error::InvalidParameter(
                "GiftId must be 1 to 64 bytes".into(),
            ));
        }
        if self.name.len() > 64 {
            return Err(Error::InvalidParameter(
                "GiftName is longer than 64 bytes".into(),
            ));
        }
        if self.gift_type > 2 {
            return Err(Error::InvalidParameter(
                "GiftType must be 0 (plain), 1 (banner) or 2 (banner with effect)".into(),
            ));
        }
        if self.gift_type == 2 && self.effect_url.is_empty() {
            return Err(Error::InvalidParameter(
                "a GiftType 2 gift needs its EffectUrl".into(),
            ));
        }
        if self.effect_url.len() > 512 {
            return Err(Error::InvalidParameter(
                "EffectUrl is longer than 512 bytes".into(),
            ));
        }
        if !(1..=9999).contains(&self.count) {
            return Err(Error::InvalidParameter("Count must be 1 to 9999".into()));
        }
        if self.value > GIFT_VALUE_MAX {
            return Err(Error::InvalidParameter(format!(
                "Value must be 0 to {GIFT_VALUE_MAX}"
            )));
        }
        if let Some(k) = &self.key {
            if k.is_empty() || k.len() > 128 {
                return Err(Error::InvalidParameter(
                    "GiftKey must be 1 to 128 bytes".into(),
                ));
            }
        }
        Ok(())
    }

    fn push(&self, group: &GroupId, count: u32, combo: &Combo) -> GiftPush {
        GiftPush {
            group_id: group.to_string(),
            from_account: self.from.to_string(),
            gift_id: self.gift_id.clone(),
            gift_name: self.name.clone(),
            gift_type: self.gift_type,
            count,
            combo_count: combo.total,
            combo_id: combo.id.clone(),
            effect_url: self.effect_url.clone(),
            value: self.value,
        }
    }
}

impl Engine {
    /// Sends a gift into a room: the sender's connections in the room see it at once (a
    /// `gift` push, never held by frequency control); the room gets it merged with the
    /// sender's other gifts of the same kind.
    pub async fn send_gift(
        self: &Arc<Self>,
        app: AppId,
        group: &GroupId,
        gift: Gift,
    ) -> Result<GiftReceipt, Error> {
        gift.check()?;
        match self
            .at_owner(app, group, || crate::broker::OwnerCall::Gift(gift.clone()))
            .await?
        {
            Some(crate::broker::OwnerAnswer::Gift(receipt)) => return Ok(receipt),
            Some(_) => return Err(Error::Internal),
            None => {}
        }
        let known = self
            .store
            .get_users(app, std::slice::from_ref(&gift.from))
            .await
            .map_err(store_err)?;
        let Some(profile) = known.into_iter().next() else {
            return Err(Error::AccountNotFound(gift.from.to_string()));
        };
        let app_state = self.apps.get(app)?;
        let settings = app_state.settings();
        // The level first: nothing may wait between taking the room and counting into it
        // (an idle room could be unloaded in between, taking the count along).
        self.ensure_level(&app_state, &settings.stats, &gift.from)
            .await;
        let room = self.room(app, group).await?;
        // From here to the receipt nothing waits, and a key's entry stays locked, so a
        // repeat arriving at the same time cannot slip past.
        let now_secs = unix_secs();
        let mut key_entry = None;
        if let Some(k) = &gift.key {
            // Counted before the entry is taken: `len` locks every shard, the entry one.
            let full = self.gift_keys.len() >= GIFT_KEYS_MAX;
            let entry = self.gift_keys.entry((app, gift.from.clone(), k.clone()));
            match entry {
                dashmap::Entry::Occupied(e) if now_secs - e.get().1 < GIFT_KEY_TTL_SECS => {
                    metrics::gift_duplicate();
                    return Ok(GiftReceipt {
                        duplicate: true,
                        ..e.get().0.clone()
                    });
                }
                dashmap::Entry::Vacant(_) if full => {
                    return Err(Error::Frequency);
                }
                e => key_entry = Some(e),
            }
        }
        let value = gift.value.saturating_mul(u64::from(gift.count));
        self.count_gifts(
            &app_state,
            &room,
            &gift.from,
            u64::from(gift.count),
            value,
            &settings.stats,
        );
        let window = Duration::from_millis(settings.gift_combo_ms as u64);
        let now = Instant::now();
        let key = (gift.from.clone(), gift.gift_id.clone());
        let (echo, flush_now, schedule, receipt) = {
            let mut combos = room.combos.lock();
            let combo = combos.entry(key.clone()).or_insert_with(|| Combo {
                id: String::new(),
                total: 0,
                pending: 0,
                last_at: now,
                flush_scheduled: false,
                gift: gift.clone(),
                nick: String::new(),
                avatar: String::new(),
            });
            if combo.id.is_empty()
                || (combo.pending == 0 && now.duration_since(combo.last_at) > window)
            {
                combo.id = format!("{}-{}-{}", gift.from, gift.gift_id, unix_millis());
                combo.total = 0;
            }
            combo.total += gift.count as u64;
            combo.pending += gift.count;
            combo.last_at = now;
            combo.gift = gift.clone();
            combo.nick = profile.nick;
            combo.avatar = profile.face_url;
            let echo = gift.push(group, gift.count, combo);
            let receipt = GiftReceipt {
                combo_id: combo.id.clone(),
                combo_count: combo.total,
                duplicate: false,
            };
            let flush_now = combo.pending >= settings.gift_combo_batch || window.is_zero();
            let schedule = !flush_now && !combo.flush_scheduled;
            if schedule {
                combo.flush_scheduled = true;
            }
            (echo, flush_now, schedule, receipt)
        };
        match key_entry {
            Some(dashmap::Entry::Occupied(mut e)) => {
                e.insert((receipt.clone(), now_secs));
            }
            Some(dashmap::Entry::Vacant(e)) => {
                e.insert((receipt.clone(), now_secs));
            }
            None => {}
        }
        if let Some(frame) = crate::tips::push_frame(&Push::Gift(echo), Priority::High) {
            for s in self.user_sessions(app, &gift.from) {
                if s.in_room(group) {
                    s.push(&frame);
                }
            }
        }
        if flush_now {
            self.flush_combo(app, &room, &key, 0).await;
        } else if schedule {
            self.schedule_flush(app, room, key, window, 0);
        }
        Ok(receipt)
    }

    fn schedule_flush(
        self: &Arc<Self>,
        app: AppId,
        room: RoomRef,
        key: (UserId, String),
        after: Duration,
        attempt: u32,
    ) {
        let engine = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            engine.flush_combo(app, &room, &key, attempt).await;
        });
    }

    /// Sends a combo's waiting gifts to the room as one High custom message.
    /// A message dropped by frequency control puts its gifts back and tries again a little
    /// later (up to `FLUSH_ATTEMPTS` times), so paid gifts are not lost to a busy room.
    async fn flush_combo(
        self: &Arc<Self>,
        app: AppId,
        room: &RoomRef,
        key: &(UserId, String),
        attempt: u32,
    ) {
        let push = {
            let mut combos = room.combos.lock();
            let Some(combo) = combos.get_mut(key) else {
                return;
            };
            combo.flush_scheduled = false;
            if combo.pending == 0 {
                return;
            }
            let n = std::mem::take(&mut combo.pending);
            let push = (
                combo.gift.push(&room.id, n, combo),
                combo.nick.clone(),
                combo.avatar.clone(),
            );
            // Forget finished combos so the map does not grow with every sender ever seen.
            combos.retain(|_, c| {
                c.pending > 0 || c.flush_scheduled || c.last_at.elapsed() < Duration::from_secs(60)
            });
            push
        };
        let (push, nick, avatar) = push;
        let mut data = match serde_json::to_value(&push) {
            Ok(v) => v,
            Err(_) => return,
        };
        data["type"] = "gift".into();
        let mut el = MsgElement::custom(&data.to_string());
        el.content.insert(
            "Desc".into(),
            serde_json::Value::String(push.gift_name.clone()),
        );
        let req = SendRequest {
            group: room.id.clone(),
            sender: Sender::Admin {
                from: key.0.clone(),
                nick,
                avatar,
                is_app_admin: true,
                ip: String::new(),
            },
            body: MsgBody(vec![el]),
            priority: Priority::High,
            cloud_custom_data: String::new(),
            random: None,
            callbacks: CallbackControl::default(),
            turn: None,
            counted: false,
            stored: Default::default(),
        };
        let n = push.count;
        match Box::pin(self.send_group_msg(app, req)).await {
            Ok(receipt) if receipt.drop_reason.is_empty() => {}
            Ok(_) if attempt + 1 < FLUSH_ATTEMPTS => {
                let mut combos = room.combos.lock();
                if let Some(combo) = combos.get_mut(key) {
                    combo.pending += n;
                    if !combo.flush_scheduled {
                        combo.flush_scheduled = true;
                        drop(combos);
                        let wait = Duration::from_millis(200 * (attempt as u64 + 1));
                        self.schedule_flush(app, room.clone(), key.clone(), wait, attempt + 1);
                    }
                }
            }
            Ok(_) => tracing::error!(
                group = %room.id,
                gifts = n,
                "gift combo dropped by frequency control after every attempt"
            ),
            Err(e) => {
                tracing::warn!(group = %room.id, error = %e, "a gift combo could not be sent")
            }
        }
    }
}
