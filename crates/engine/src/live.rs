//! Live-room interaction built on the group primitives: the room's live state (kept in the
//! reserved custom field `LiveState`, pushed as a High tip that frequency control never
//! holds back) and the cheap many-room state read for listing pages (`live/states.rs`).

use parking_lot::Mutex;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use liveroom_core::group::Role;
use liveroom_core::live::{
    check_item, LiveInfo, LiveState, LIKES_KEY, LIKES_PER_REQUEST_MAX, LIVE_STATE_KEY,
    PINNED_ITEM_KEY,
};
use liveroom_core::protocol::info_change;
use liveroom_core::store::PinnedItem;
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use crate::loaded::RoomRef;
use crate::outbound::Frame;
use crate::session::SessionRef;
use crate::{store_err, tips, Engine};

pub(crate) use states::StateCache;
pub use states::{RoomState, STATES_BATCH_MAX};

mod states;

/// A room's new live state as both doors answer a change of it.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LiveStateAnswer {
    pub live_state: LiveInfo,
}

/// A reserved custom field's change, as the tip every member gets: the reference's `Key` and
/// `Value` (the stored text, `""` when removed) plus the parsed value under the key's name.
fn reserved_change(key: &str, text: Option<&str>, parsed: Value) -> Value {
    let mut change = json!({
        "Type": info_change::CUSTOM,
        "Field": "AppDefinedData",
        "Key": key,
        "Value": text.unwrap_or(""),
    });
    change[key] = parsed;
    change
}

impl Engine {
    /// Writes (`Some`) or removes (`None`) a reserved custom field of a room's profile and
    /// pushes the change to every member as a High `GROUP_INFO_CHANGE` tip. `compute` gets
    /// the current custom fields and the time, under the room's write lock, and returns the
    /// field's new text and what the tip carries; `record` runs before the profile is saved.
    pub(crate) async fn write_reserved<T>(
        &self,
        app: AppId,
        group: &GroupId,
        operator: &str,
        key: &'static str,
        compute: impl FnOnce(&[(String, String)], i64) -> Result<(Option<String>, Value, T), Error>,
        record: impl AsyncFnOnce(&Option<String>, &[(String, String)], i64) -> Result<(), Error>,
    ) -> Result<T, Error> {
        let room = self.room(app, group).await?;
        let _guard = room.write_lock.lock().await;
        let mut next = room.profile();
        let now = unix_secs();
        let (text, parsed, out) = compute(&next.custom, now)?;
        record(&text, &next.custom, now).await?;
        next.custom.retain(|(k, _)| k != key);
        if let Some(t) = &text {
            next.custom.push((key.to_string(), t.clone()));
        }
        next.info_seq += 1;
        next.last_info_time = now;
        self.store.update_group(&next).await.map_err(store_err)?;
        *room.profile.write() = next;
        self.room_changed(&room);
        let change = reserved_change(key, text.as_deref(), parsed);
        let tip = tips::profile_changed(group, now, operator, vec![change]);
        self.tell_room(&room, tip).await;
        self.state_cache.entries.remove(&(app, group.clone()));
        Ok(out)
    }

    /// The account of a client allowed to run the room: its owner, an admin or an App admin.
    pub(crate) async fn room_operator(
        &self,
        session: &SessionRef,
        group: &str,
        what: &str,
    ) -> Result<(AppId, GroupId, UserId), Error> {
        let me = session.require_user()?;
        let group = GroupId::parse(group)?;
        let app = self.apps.get(me.app)?;
        let room = self.room(me.app, &group).await?;
        if room.role_of(&me.user, app.is_admin(&me.user)) < Role::Admin {
            return Err(Error::PermissionDenied(format!(
                "only the owner and admins of this room {what}"
            )));
        }
        Ok((me.app, group, me.user))
    }

    /// Moves a room to `to` (see `LiveInfo::transition`), stores it in the profile and
    /// pushes it to every member.
    pub async fn set_live_state(
        &self,
        app: AppId,
        group: &GroupId,
        operator: &str,
        to: LiveState,
        new_session: bool,
    ) -> Result<LiveInfo, Error> {
        let compute = |custom: &[(String, String)], now| {
            let info = LiveInfo::from_custom(custom).transition(to, new_session, now)?;
            Ok((Some(info.to_value()), json!(info), info))
        };
        let record = async |_: &Option<String>, _: &[(String, String)], _| Ok(());
        let info = self
            .write_reserved(app, group, operator, LIVE_STATE_KEY, compute, record)
            .await?;
        // Statistics are kept per broadcast session.
        let room = self.room(app, group).await?;
        {
            let online = room.online_count();
            room.stats.lock().start_session(
                info.session,
                online,
                liveroom_core::time::unix_millis(),
            );
        }
        // An item belongs to its broadcast: it comes down when the broadcast ends or a new
        // one starts.
        let pinned = room
            .profile()
            .custom
            .iter()
            .any(|(k, _)| k == PINNED_ITEM_KEY);
        if pinned && (to == LiveState::Ended || new_session) {
            self.pin_item(app, group, operator, None).await?;
        }
        Ok(info)
    }

    /// `set_live_state` for a client: the owner, an admin or an App admin of the room.
    pub async fn set_live_state_as(
        &self,
        session: &SessionRef,
        group: &str,
        to: LiveState,
        new_session: bool,
    ) -> Result<LiveInfo, Error> {
        let (app, group, me) = self
            .room_operator(session, group, "change its live state")
            .await?;
        self.set_live_state(app, &group, me.as_str(), to, new_session)
            .await
    }

    /// `modify_group` for a client: the owner, an admin or an App admin of the room changes
    /// its name, introduction, notice, cover or declared custom fields (not the mute-all
    /// flag or the join option, which have their own requests or belong to the backend).
    pub async fn modify_group_as(
        &self,
        session: &SessionRef,
        change: liveroom_core::protocol::GroupChange,
    ) -> Result<(), Error> {
        let (app, group, me) = self
            .room_operator(session, &change.group_id, "change its profile")
            .await?;
        let changes = crate::GroupChanges {
            name: change.name,
            introduction: change.introduction,
            notification: change.notification,
            face_url: change.face_url,
            custom: change
                .custom
                .into_iter()
                .map(|c| (c.key, c.value))
                .collect(),
            ..Default::default()
        };
        let origin = session.origin();
        self.modify_group(app, &group, me.as_str(), &origin, changes)
            .await
    }

    /// Checks that the session's user runs the room (owner, admin or App admin) and
    /// answers the room's app and id, for reads like its statistics.
    pub async fn room_operated_by(
        &self,
        session: &SessionRef,
        group: &str,
        what: &str,
    ) -> Result<(AppId, GroupId), Error> {
        let (app, group, _) = self.room_operator(session, group, what).await?;
        Ok((app, group))
    }

    /// Pins a live-shopping item in the room (`Some`), or takes the pinned one down
    /// (`None`). The item is kept in the reserved custom field `PinnedItem`, recorded in the
    /// session's item history, and pushed to every member.
    pub async fn pin_item(
        &self,
        app: AppId,
        group: &GroupId,
        operator: &str,
        item: Option<&Value>,
    ) -> Result<(), Error> {
        let text = item.map(check_item).transpose()?;
        let parsed = item.cloned().unwrap_or(Value::Null);
        let compute = |_: &[(String, String)], _| Ok((text, parsed, ()));
        let record = async |text: &Option<String>, custom: &[(String, String)], now| {
            let Some(t) = text else {
                return Ok(());
            };
            let record = PinnedItem {
                session: LiveInfo::from_custom(custom).session,
                pinned_at: now,
                operator: operator.to_string(),
                item: t.clone(),
            };
            self.store
                .add_pinned_item(app, group, &record)
                .await
                .map_err(store_err)
        };
        self.write_reserved(app, group, operator, PINNED_ITEM_KEY, compute, record)
            .await
    }

    /// `pin_item` for a client: the owner, an admin (e.g. a shopping assistant's account)
    /// or an App admin of the room.
    pub async fn pin_item_as(
        &self,
        session: &SessionRef,
        group: &str,
        item: Option<&Value>,
    ) -> Result<(), Error> {
        let (app, group, me) = self.room_operator(session, group, "pin items").await?;
        self.pin_item(app, &group, me.as_str(), item).await
    }

    /// The items pinned in a session of the room (the current one when `None`), in order.
    pub async fn pinned_items(
        &self,
        app: AppId,
        group: &GroupId,
        session: Option<u32>,
    ) -> Result<(u32, Vec<PinnedItem>), Error> {
        let room = self.room(app, group).await?;
        let session =
            session.unwrap_or_else(|| LiveInfo::from_custom(&room.profile().custom).session);
        let items = self
            .store
            .pinned_items(app, group, session)
            .await
            .map_err(store_err)?;
        Ok((session, items))
    }
}

/// A room's live counters: the pacing of its online-count pushes, its like total and the
/// like budgets of its users.
pub(crate) struct Counters {
    /// When the online count was last pushed to the members, and at what value.
    online_push: Mutex<OnlineCountPush>,
    /// The room's like total (saved in its profile every few seconds while it changes).
    likes: AtomicU64,
    likes_flush: Mutex<LikeFlush>,
    /// Like budgets of logged-in users here: tokens left and when last topped up.
    like_budgets: Mutex<HashMap<UserId, (f64, Option<Instant>)>>,
}

impl Counters {
    /// Counters starting from the like total the profile's `custom` fields hold.
    pub(crate) fn new(custom: &[(String, String)]) -> Self {
        let likes = stored_likes(custom);
        Self {
            online_push: Mutex::default(),
            likes: AtomicU64::new(likes),
            likes_flush: Mutex::new(LikeFlush::saved(likes)),
            like_budgets: Mutex::default(),
        }
    }

    /// Starts again from the like total the profile holds (cluster mode: this node takes
    /// the room over, and the total another node counted is in the store).
    pub(crate) fn reset_likes(&self, custom: &[(String, String)]) {
        let likes = stored_likes(custom);
        let mut flush = self.likes_flush.lock();
        if !flush.scheduled {
            self.likes.store(likes, Ordering::Relaxed);
            flush.saved = likes;
        }
    }

    /// A changed like total waits to be saved.
    pub(crate) fn likes_unsaved(&self) -> bool {
        self.likes_flush.lock().scheduled
    }
}

/// The room's side of online-count pushes: when the last went out and with what count,
/// for pacing them. Whether one is due at all is the room's to say
/// ([`crate::room::Room::online_unsettled`]): the count changed since the last push, or some
/// member was told another count since.
#[derive(Default)]
struct OnlineCountPush {
    last_count: usize,
    last_at: Option<Instant>,
    scheduled: bool,
}

/// A big change goes out at once, but not twice within this.
const ONLINE_PUSH_MIN_GAP: Duration = Duration::from_secs(1);

impl Engine {
    /// Called after the room's membership changed or a member was told the count: when
    /// some member's count may differ from the room's, pushes the count now if it moved by
    /// more than `online_push_percent` since the last push (and the last push is at least a
    /// second old); otherwise makes sure a push is scheduled for when `online_push_secs` have
    /// passed since the last one, which sends the count of that moment unless every member
    /// holds it by then.
    pub(crate) fn online_changed(&self, room: &RoomRef) {
        self.report_audience(room);
        self.online_push_due(room);
    }

    /// As [`Engine::online_changed`] for a change of the count elsewhere (cluster mode): only
    /// the node that decides for the room pushes the count, to every node's members.
    pub(crate) fn online_push_due(&self, room: &RoomRef) {
        if !self.broker().decides(&room.key()) {
            return;
        }
        let Ok(app) = self.apps.get(room.app) else {
            return;
        };
        let settings = app.settings();
        if settings.online_push_secs == 0 || room.is_destroyed() {
            return;
        }
        // Read after the change that called us: a change after this calls again.
        let Some(count) = room.online_unsettled() else {
            return;
        };
        let interval = Duration::from_secs(settings.online_push_secs as u64);
        let percent = settings.online_push_percent as usize;
        let now = Instant::now();
        let mut st = room.live.online_push.lock();
        let moved = count.abs_diff(st.last_count);
        let big = moved * 100 > percent * st.last_count.max(1);
        let since = st.last_at.map(|at| now.duration_since(at));
        if big && since.is_none_or(|d| d >= ONLINE_PUSH_MIN_GAP) {
            st.last_count = count;
            st.last_at = Some(now);
            drop(st);
            if let Some(pushed) = push_online(room, self.relay(room)) {
                room.live.online_push.lock().last_count = pushed;
            }
            return;
        }
        // A scheduled push has not looked at the room yet (it clears `scheduled` first), so
        // it sees this change.
        if st.scheduled {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        st.scheduled = true;
        let wait = match since {
            Some(d) if big => ONLINE_PUSH_MIN_GAP.saturating_sub(d),
            Some(d) => interval.saturating_sub(d),
            None => interval,
        };
        drop(st);
        let relay = self.relay(room);
        let room = room.clone();
        runtime.spawn(async move {
            tokio::time::sleep(wait).await;
            room.live.online_push.lock().scheduled = false;
            if room.is_destroyed() {
                return;
            }
            if let Some(pushed) = push_online(&room, relay) {
                let mut st = room.live.online_push.lock();
                st.last_count = pushed;
                st.last_at = Some(Instant::now());
            }
        });
    }
}

/// Pushes the room's online count to every member (through `relay`, on every node) unless
/// each already holds it; returns the count pushed.
fn push_online(room: &RoomRef, relay: impl FnOnce(&Frame)) -> Option<usize> {
    room.push_online_count(
        |count| {
            let push = liveroom_core::protocol::Push::Online(liveroom_core::protocol::OnlinePush {
                group_id: room.id.to_string(),
                member_num: count,
            });
            tips::push_frame(&push, liveroom_core::group::Priority::Low)
        },
        relay,
    )
}

/// The like total a room's profile holds.
fn stored_likes(custom: &[(String, String)]) -> u64 {
    custom
        .iter()
        .find(|(k, _)| k == LIKES_KEY)
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
}

/// The room's side of like aggregation: the total last saved and pushed.
struct LikeFlush {
    saved: u64,
    scheduled: bool,
}

impl LikeFlush {
    fn saved(total: u64) -> Self {
        Self {
            saved: total,
            scheduled: false,
        }
    }
}

/// Like totals are saved this often when pushes are off.
const LIKE_SAVE_SECS: u64 = 3;

impl Engine {
    /// Adds a connection's likes to its room: at most the connection's budget
    /// (`likes_per_sec`); the excess is counted in metrics, not added. The total is pushed
    /// to the members and saved in the profile at most every `like_push_secs`, and only
    /// when it changed. Returns how many were added.
    pub async fn like(&self, session: &SessionRef, group: &str, count: u32) -> Result<u32, Error> {
        let app = session
            .app()
            .ok_or_else(|| Error::PermissionDenied("log in or enter as a guest first".into()))?;
        let group = GroupId::parse(group)?;
        if !(1..=LIKES_PER_REQUEST_MAX).contains(&count) {
            return Err(Error::InvalidParameter(format!(
                "Count must be 1 to {LIKES_PER_REQUEST_MAX}"
            )));
        }
        if !session.in_room(&group) {
            return Err(Error::PermissionDenied(format!(
                "join {group} before liking it"
            )));
        }
        let app_state = self.apps.get(app)?;
        let settings = app_state.settings();
        let room = self.room(app, &group).await?;
        let user = session.user();
        // Per user in the room (all their connections share it); per connection for guests.
        let added = match user.clone() {
            Some(user) => {
                let mut budgets = room.live.like_budgets.lock();
                if budgets.len() > 100_000 {
                    budgets.retain(|_, (_, at)| {
                        at.is_some_and(|t| t.elapsed() < Duration::from_secs(10))
                    });
                }
                let budget = budgets.entry(user).or_insert((0.0, None));
                crate::session::take_tokens(budget, count, settings.likes_per_sec)
            }
            None => session.take_likes(count, settings.likes_per_sec),
        };
        metrics::counter!("liveroom_likes_total").increment(added as u64);
        if added < count {
            metrics::counter!("liveroom_likes_capped_total").increment((count - added) as u64);
        }
        if added == 0 {
            return Ok(0);
        }
        // The total is the room's: counted where the room is decided.
        let call = || crate::broker::OwnerCall::Like {
            user: user.clone(),
            count: added,
        };
        if self.at_owner(app, &group, call).await?.is_none() {
            self.add_likes(&room, user.as_ref(), added)?;
        }
        Ok(added)
    }

    /// Adds likes (already within their giver's budget) to the room's total and schedules
    /// the push and save of the new total.
    pub(crate) fn add_likes(
        &self,
        room: &RoomRef,
        user: Option<&UserId>,
        added: u32,
    ) -> Result<(), Error> {
        let app_state = self.apps.get(room.app)?;
        let settings = app_state.settings();
        room.live.likes.fetch_add(added as u64, Ordering::Relaxed);
        self.count_likes(&app_state, room, user, added as u64, &settings.stats);
        let mut flush = room.live.likes_flush.lock();
        if flush.scheduled {
            return Ok(());
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Ok(());
        };
        flush.scheduled = true;
        drop(flush);
        let push = settings.like_push_secs > 0;
        let wait = Duration::from_secs(if push {
            settings.like_push_secs as u64
        } else {
            LIKE_SAVE_SECS
        });
        let store = self.store.clone();
        let relay = self.relay(room);
        let room = room.clone();
        runtime.spawn(async move {
            tokio::time::sleep(wait).await;
            let total = {
                let mut flush = room.live.likes_flush.lock();
                flush.scheduled = false;
                let total = room.live.likes.load(Ordering::Relaxed);
                if total == flush.saved {
                    return;
                }
                flush.saved = total;
                total
            };
            if push {
                let likes =
                    liveroom_core::protocol::Push::Likes(liveroom_core::protocol::LikesPush {
                        group_id: room.id.to_string(),
                        total,
                    });
                if let Some(frame) = tips::push_frame(&likes, liveroom_core::group::Priority::Low) {
                    room.broadcast_relayed(&frame, None, None, || relay(&frame));
                }
            }
            // Saved without a tip and without moving InfoSeq: a count, not a profile edit.
            let _guard = room.write_lock.lock().await;
            if room.is_destroyed() {
                return;
            }
            let mut next = room.profile();
            next.custom.retain(|(k, _)| k != LIKES_KEY);
            next.custom.push((LIKES_KEY.to_string(), total.to_string()));
            if let Err(e) = store.update_group(&next).await {
                tracing::error!(group = %room.id, error = %e, "saving the like total failed");
                return;
            }
            *room.profile.write() = next;
        });
        Ok(())
    }
}
