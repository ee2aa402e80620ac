//! The cheap many-room state read for listing pages: the live state, name, cover, online
//! count and popularity of many rooms at once, from memory for rooms loaded here and from a
//! short-lived cache of the store otherwise.

use dashmap::DashMap;
use std::time::{Duration, Instant};

use liveroom_core::group::{ApplyJoinOption, GroupType};
use liveroom_core::live::LiveInfo;
use liveroom_core::store::GroupRecord;
use liveroom_core::{AppId, Error, GroupId};

use crate::{store_err, Engine};

/// Most rooms in one state read.
pub const STATES_BATCH_MAX: usize = 100;
/// How long a room that is not loaded is answered from the cache.
const STATE_CACHE_TTL: Duration = Duration::from_secs(2);

/// What a listing page shows of a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomState {
    pub group: GroupId,
    pub name: String,
    pub face_url: String,
    pub live: LiveInfo,
    pub member_num: usize,
    /// Guests may watch without asking (an AVChatRoom with `FreeAccess`).
    pub public: bool,
    /// The room's popularity score (0 for a room not loaded: nobody is in it).
    pub popularity: u64,
}

/// Profiles of rooms not loaded on this node, read from the store at most every
/// [`STATE_CACHE_TTL`].
#[derive(Default)]
pub(crate) struct StateCache {
    pub(crate) entries: DashMap<(AppId, GroupId), (Instant, Option<GroupRecord>)>,
}

impl StateCache {
    fn get(&self, key: &(AppId, GroupId)) -> Option<Option<GroupRecord>> {
        let e = self.entries.get(key)?;
        (e.0.elapsed() < STATE_CACHE_TTL).then(|| e.1.clone())
    }

    fn put(&self, key: (AppId, GroupId), record: Option<GroupRecord>) {
        if self.entries.len() > 100_000 {
            self.entries
                .retain(|_, (at, _)| at.elapsed() < STATE_CACHE_TTL);
            if self.entries.len() > 100_000 {
                self.entries.clear();
            }
        }
        self.entries.insert(key, (Instant::now(), record));
    }
}

fn summary(record: &GroupRecord, member_num: usize) -> RoomState {
    RoomState {
        group: record.id.clone(),
        name: record.name.clone(),
        face_url: record.face_url.clone(),
        live: LiveInfo::from_custom(&record.custom),
        member_num,
        public: record.group_type == GroupType::AVChatRoom
            && record.apply_join_option == ApplyJoinOption::FreeAccess,
        popularity: 0,
    }
}

impl Engine {
    /// The state of many rooms at once, for listing pages: from memory for rooms loaded
    /// here, from a short-lived cache of the store otherwise. `Err` per room that does not
    /// exist.
    pub async fn room_states(
        &self,
        app: AppId,
        groups: &[GroupId],
    ) -> Result<Vec<Result<RoomState, Error>>, Error> {
        let stats = self.apps.get(app)?.settings().stats.clone();
        if groups.is_empty() || groups.len() > STATES_BATCH_MAX {
            return Err(Error::InvalidParameter(format!(
                "{} rooms asked; ask for 1 to {STATES_BATCH_MAX}",
                groups.len()
            )));
        }
        let mut out = Vec::with_capacity(groups.len());
        for g in groups {
            let key = (app, g.clone());
            if let Some(room) = self.rooms.get(&key).map(|r| r.clone()) {
                let mut state = summary(&room.profile(), room.online_count());
                let viewers = room.viewer_count();
                state.popularity = room.stats.lock().popularity(viewers, &stats);
                out.push(Ok(state));
                continue;
            }
            let record = match self.state_cache.get(&key) {
                Some(r) => r,
                None => {
                    let r = self.store.get_group(app, g).await.map_err(store_err)?;
                    self.state_cache.put(key, r.clone());
                    r
                }
            };
            out.push(
                record
                    .map(|r| summary(&r, 0))
                    .ok_or_else(|| Error::GroupNotFound(g.to_string())),
            );
        }
        Ok(out)
    }

    /// [`Engine::room_states`] for a reader without a login: a room guests may not watch
    /// is answered as one that does not exist, so the read does not reveal which private
    /// rooms exist.
    pub async fn public_room_states(
        &self,
        app: AppId,
        groups: &[GroupId],
    ) -> Result<Vec<Result<RoomState, Error>>, Error> {
        let states = self.room_states(app, groups).await?;
        Ok(groups
            .iter()
            .zip(states)
            .map(|(g, state)| match state {
                Ok(s) if !s.public => Err(Error::GroupNotPublic(g.to_string())),
                other => other,
            })
            .collect())
    }
}
