//! Lucky draws on comments: the host starts one (keyword, duration, winners); every user who
//! sends a message containing the keyword during the window enters once; at the end winners
//! are drawn uniformly at random from a recorded seed, stored in the room's profile (the
//! reserved custom field `LuckyDraw`) and pushed to the room as a High tip.
//!
//! Auditable: the winners are the first `winners` entrants of the entrant list (sorted by
//! account) shuffled with ChaCha20 seeded from the recorded seed, and the result records a
//! hash of the list, so anyone holding the list and the seed can check and reproduce them.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use liveroom_core::live::LUCKY_DRAW_KEY;
use liveroom_core::message::MsgBody;
use liveroom_core::time::{unix_millis, unix_secs};
use liveroom_core::{AppId, Error, GroupId, UserId};

use crate::loaded::RoomRef;
use crate::session::SessionRef;
use crate::Engine;

/// Longest draw window.
pub const DRAW_SECS_MAX: u32 = 3600;
/// Most winners of one draw.
pub const DRAW_WINNERS_MAX: u32 = 100;
/// Most entrants one draw keeps.
pub const DRAW_ENTRANTS_MAX: usize = 1_000_000;

/// A draw just started, as both doors answer it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DrawStarted {
    pub draw_id: String,
}

/// A draw in progress in a room.
pub(crate) struct OpenDraw {
    id: String,
    keyword: String,
    winners: u32,
    /// The window entries are taken in, Unix milliseconds (the timer that ends the draw
    /// runs the same span).
    starts_at_ms: i64,
    ends_at_ms: i64,
    entrants: BTreeSet<UserId>,
}

/// A finished (or running) draw as stored and queried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawResult {
    #[serde(rename = "DrawId")]
    pub id: String,
    #[serde(rename = "Keyword")]
    pub keyword: String,
    #[serde(rename = "StartedBy")]
    pub started_by: String,
    #[serde(rename = "StartTime")]
    pub start_time: i64,
    #[serde(rename = "EndTime")]
    pub end_time: i64,
    #[serde(rename = "Entrants")]
    pub entrants: usize,
    /// Written as a decimal string (64-bit integers lose precision in JavaScript); a number
    /// is read too (results stored before).
    #[serde(rename = "Seed", with = "seed_text")]
    pub seed: u64,
    /// `entrants_hash` of the entrant list.
    #[serde(rename = "EntrantsHash")]
    pub entrants_hash: String,
    #[serde(rename = "Winners")]
    pub winners: Vec<String>,
}

mod seed_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(seed: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(seed)
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(String),
        Number(u64),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        match Either::deserialize(d)? {
            Either::Number(n) => Ok(n),
            Either::Text(t) => t.parse().map_err(serde::de::Error::custom),
        }
    }
}

/// SHA-256 (hex) of the sorted entrant accounts joined by `\n`: an auditor holding a list
/// can check it is the one the draw used.
pub fn entrants_hash(entrants: &[String]) -> String {
    let mut list = entrants.to_vec();
    list.sort();
    Sha256::digest(list.join("\n").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Draws `n` winners from `entrants` (sorted) with `seed`: a shuffle by ChaCha20 seeded with
/// `seed` (`rand_chacha::ChaCha20Rng::seed_from_u64`, stable across versions), first `n`.
pub fn pick_winners(entrants: &[String], n: usize, seed: u64) -> Vec<String> {
    let mut list = entrants.to_vec();
    list.sort();
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    list.shuffle(&mut rng);
    list.truncate(n);
    list
}

fn keyword_in(body: &MsgBody, keyword: &str) -> bool {
    body.0
        .iter()
        .filter_map(|el| el.as_text())
        .any(|t| t.contains(keyword))
}

impl Engine {
    /// Starts a draw in the room; refused while another one runs.
    pub async fn start_draw(
        self: &Arc<Self>,
        app: AppId,
        group: &GroupId,
        operator: &str,
        keyword: &str,
        secs: u32,
        winners: u32,
    ) -> Result<String, Error> {
        if keyword.trim().is_empty() || keyword.len() > 64 {
            return Err(Error::InvalidParameter(
                "Keyword must be 1 to 64 bytes".into(),
            ));
        }
        if !(1..=DRAW_SECS_MAX).contains(&secs) {
            return Err(Error::InvalidParameter(format!(
                "Duration must be 1 to {DRAW_SECS_MAX} seconds"
            )));
        }
        if !(1..=DRAW_WINNERS_MAX).contains(&winners) {
            return Err(Error::InvalidParameter(format!(
                "Winners must be 1 to {DRAW_WINNERS_MAX}"
            )));
        }
        let call = || crate::broker::OwnerCall::StartDraw {
            operator: operator.to_string(),
            keyword: keyword.to_string(),
            secs,
            winners,
        };
        match self.at_owner(app, group, call).await? {
            Some(crate::broker::OwnerAnswer::DrawStarted(id)) => return Ok(id),
            Some(_) => return Err(Error::Internal),
            None => {}
        }
        let room = self.room(app, group).await?;
        let now_ms = unix_millis();
        let now = now_ms / 1000;
        let id = format!("{}-{now}", group);
        {
            let mut draw = room.draw.lock();
            if draw.is_some() {
                return Err(Error::InvalidTransition(
                    "a lucky draw is already running in this room".into(),
                ));
            }
            *draw = Some(OpenDraw {
                id: id.clone(),
                keyword: keyword.to_string(),
                winners,
                starts_at_ms: now_ms,
                ends_at_ms: now_ms + i64::from(secs) * 1000,
                entrants: BTreeSet::new(),
            });
        }
        let started =
            json!({"DrawId": id, "Keyword": keyword, "Duration": secs, "Winners": winners});
        self.tell_here(
            &room,
            crate::tips::draw_notice(group, now, operator, "DrawStarted", started),
        );
        let engine = self.clone();
        let operator = operator.to_string();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(secs as u64)).await;
            if let Err(e) = engine.finish_draw(app, &room, &operator, now).await {
                tracing::error!(group = %room.id, error = %e, "finishing a lucky draw failed");
            }
        });
        Ok(id)
    }

    /// `start_draw` for a client: the room's owner, an admin or an App admin.
    pub async fn start_draw_as(
        self: &Arc<Self>,
        session: &SessionRef,
        group: &str,
        keyword: &str,
        secs: u32,
        winners: u32,
    ) -> Result<String, Error> {
        let (app, group, me) = self
            .room_operator(session, group, "start lucky draws")
            .await?;
        self.start_draw(app, &group, me.as_str(), keyword, secs, winners)
            .await
    }

    /// Enters `from` in the room's running draw when `body` contains its keyword.
    pub(crate) fn draw_entry(&self, room: &RoomRef, from: &UserId, body: &MsgBody) {
        let mut draw = room.draw.lock();
        if let Some(d) = draw.as_mut() {
            if (d.starts_at_ms..d.ends_at_ms).contains(&unix_millis())
                && d.entrants.len() < DRAW_ENTRANTS_MAX
                && keyword_in(body, &d.keyword)
            {
                d.entrants.insert(from.clone());
            }
        }
    }

    async fn finish_draw(
        &self,
        app: AppId,
        room: &RoomRef,
        operator: &str,
        started: i64,
    ) -> Result<(), Error> {
        let Some(open) = room.draw.lock().take() else {
            return Ok(());
        };
        if room.is_destroyed() {
            return Ok(());
        }
        let entrants: Vec<String> = open.entrants.iter().map(|u| u.to_string()).collect();
        let seed: u64 = rand::random();
        let result = DrawResult {
            id: open.id,
            keyword: open.keyword,
            started_by: operator.to_string(),
            start_time: started,
            end_time: unix_secs(),
            entrants: entrants.len(),
            seed,
            entrants_hash: entrants_hash(&entrants),
            winners: pick_winners(&entrants, open.winners as usize, seed),
        };
        let text = serde_json::to_string(&result).map_err(|_| Error::Internal)?;
        let compute = |_: &[(String, String)], _| Ok((Some(text), json!(result), ()));
        let record = async |_: &Option<String>, _: &[(String, String)], _| Ok(());
        self.write_reserved(app, &room.id, operator, LUCKY_DRAW_KEY, compute, record)
            .await?;
        let ended = serde_json::to_value(&result).map_err(|_| Error::Internal)?;
        self.tell_here(
            room,
            crate::tips::draw_notice(&room.id, unix_secs(), operator, "DrawEnded", ended),
        );
        Ok(())
    }

    /// The room's last finished draw, if any.
    pub async fn last_draw(
        &self,
        app: AppId,
        group: &GroupId,
    ) -> Result<Option<DrawResult>, Error> {
        let room = self.room(app, group).await?;
        Ok(room
            .profile()
            .custom
            .iter()
            .find(|(k, _)| k == LUCKY_DRAW_KEY)
            .and_then(|(_, v)| serde_json::from_str(v).ok()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_winners_whatever_the_order() {
        let a: Vec<String> = ["carol", "alice", "bob", "dave"].map(String::from).to_vec();
        let mut b = a.clone();
        b.reverse();
        assert_eq!(pick_winners(&a, 2, 42), pick_winners(&b, 2, 42));
        assert_eq!(
            pick_winners(&a, 10, 7).len(),
            4,
            "never more winners than entrants"
        );
        assert!(pick_winners(&[], 3, 1).is_empty());
    }

    #[test]
    fn every_entrant_wins_about_equally_often() {
        // 10 entrants, 1 winner, 20,000 draws: each should win 2,000 times; the standard
        // deviation is sqrt(20000 * 0.1 * 0.9) ≈ 42, so ±300 is more than 7 sigma.
        let entrants: Vec<String> = (0..10).map(|i| format!("u{i}")).collect();
        let mut wins = std::collections::HashMap::new();
        for seed in 0..20_000u64 {
            let w = pick_winners(&entrants, 1, seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            *wins.entry(w[0].clone()).or_insert(0u32) += 1;
        }
        assert_eq!(wins.len(), 10);
        for (u, n) in &wins {
            assert!((1700..=2300).contains(n), "{u} won {n} times: {wins:?}");
        }
        // Two winners are always distinct.
        for seed in 0..1000 {
            let w = pick_winners(&entrants, 2, seed);
            assert_ne!(w[0], w[1]);
        }
    }
}
