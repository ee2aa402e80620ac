//! Recalling group messages: an operator takes messages back from every member's screen
//! (a `recalled` push), from the room's in-memory short history and from the stored
//! history (kept there as a recalled placeholder), then `Group.CallbackAfterRecallMsg`
//! fires.
//!
//! A message can be recalled while the room remembers it: one of its last
//! [`RECALLABLE_MAX`] delivered messages since the room was loaded, or a message of the
//! stored short history. Each message is recalled once.

use serde::Deserialize;
use serde_json::json;
use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

use liveroom_core::callback;
use liveroom_core::group::Priority;
use liveroom_core::protocol::{Push, RecalledPush};
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use crate::hooks::Origin;
use crate::session::SessionRef;
use crate::{store_err, tips, Engine};

/// Most messages one recall call names (reference: `MsgSeqList` ≤ 10).
pub const RECALL_BATCH_MAX: usize = 10;
/// Delivered messages a loaded room remembers for recall, beyond its stored history.
pub const RECALLABLE_MAX: usize = 1000;

/// The room's latest delivered messages, by sequence number, with whether each was
/// recalled. Recorded by the send path once a message is delivered.
#[derive(Default)]
pub(crate) struct Recallable {
    seqs: VecDeque<(u64, bool)>,
}

/// What the room remembers of one sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Remembered {
    /// Delivered and not recalled: now marked recalled.
    Delivered,
    Recalled,
    Unknown,
}

impl Recallable {
    pub(crate) fn record(&mut self, seq: u64) {
        if self.seqs.len() >= RECALLABLE_MAX {
            self.seqs.pop_front();
        }
        self.seqs.push_back((seq, false));
    }

    /// Marks `seq` recalled if it was delivered and not recalled yet.
    fn take(&mut self, seq: u64) -> Remembered {
        // Newest last; a recall is nearly always of something recent.
        match self.seqs.iter_mut().rev().find(|(s, _)| *s == seq) {
            Some((_, true)) => Remembered::Recalled,
            Some((_, recalled)) => {
                *recalled = true;
                Remembered::Delivered
            }
            None => Remembered::Unknown,
        }
    }
}

/// The outcome of one message of a recall: `Ok` when recalled now.
pub type RecallOutcome = (u64, Result<(), Error>);

#[derive(Deserialize)]
struct SeqOf {
    #[serde(rename = "MsgSeq")]
    msg_seq: u64,
}

impl Engine {
    /// `group_msg_recall`: recalls up to [`RECALL_BATCH_MAX`] messages of `group` as
    /// `operator` (permission is the caller's to check). Returns one outcome per listed
    /// number, in order; a number listed twice is recalled once.
    pub async fn recall(
        &self,
        app: AppId,
        group: &GroupId,
        topic: &str,
        operator: &UserId,
        msg_seqs: &[u64],
        origin: Option<Origin>,
    ) -> Result<Vec<RecallOutcome>, Error> {
        if msg_seqs.is_empty() || msg_seqs.len() > RECALL_BATCH_MAX {
            return Err(Error::InvalidParameter(format!(
                "MsgSeqList has {} messages; it must be 1 to {RECALL_BATCH_MAX}",
                msg_seqs.len()
            )));
        }
        let room = self.room(app, group).await?;
        if room.is_durable() {
            let actor = self.recall_actor(&room, operator, false);
            return self
                .recall_stored(&room, topic, &actor, msg_seqs, origin)
                .await;
        }
        if !topic.is_empty() {
            return Err(Error::NotSupported(format!(
                "{group} is an AVChatRoom: it has no topics"
            )));
        }
        let call = || crate::broker::OwnerCall::Recall {
            operator: operator.clone(),
            msg_seqs: msg_seqs.to_vec(),
            origin: origin.clone(),
        };
        match self.at_owner(app, group, call).await? {
            Some(crate::broker::OwnerAnswer::Recalled(outcomes)) => {
                return Ok(outcomes
                    .into_iter()
                    .map(|(seq, e)| (seq, e.map_or(Ok(()), Err)))
                    .collect())
            }
            Some(_) => return Err(Error::Internal),
            None => {}
        }
        let room = self.room(app, group).await?;
        let settings = self.apps.get(app)?.settings();
        // The store first: if it fails, nothing has changed.
        let stored: BTreeSet<u64> = self
            .store
            .recall_history(app, group, msg_seqs)
            .await
            .map_err(store_err)?
            .into_iter()
            .collect();
        // What the room remembers decides; the store decides only for what it does not
        // remember, so two recalls of one message racing each other succeed once.
        let mut outcomes = Vec::with_capacity(msg_seqs.len());
        let mut recalled = Vec::new();
        {
            let mut log = room.recallable.lock();
            for &seq in msg_seqs {
                let now_recalled = match log.take(seq) {
                    Remembered::Delivered => true,
                    Remembered::Recalled => false,
                    Remembered::Unknown => stored.contains(&seq) && !recalled.contains(&seq),
                };
                if now_recalled {
                    recalled.push(seq);
                    outcomes.push((seq, Ok(())));
                } else {
                    outcomes.push((seq, Err(Error::RecallNotFound(seq))));
                }
            }
        }
        if recalled.is_empty() {
            return Ok(outcomes);
        }

        forget_in_history(&room, &recalled);
        self.announce(
            app,
            crate::broker::AppEvent::Recalled {
                group: group.clone(),
                msg_seqs: recalled.clone(),
            },
        );
        for &seq in &recalled {
            let push = Push::Recalled(RecalledPush {
                group_id: group.to_string(),
                msg_seq: seq,
                operator: operator.to_string(),
                topic_id: None,
            });
            // High: goes out at once, after whatever the fan-out window still holds (the
            // recalled message itself included), and outlasts lesser frames in a full queue.
            if let Some(frame) = tips::push_frame(&push, Priority::High) {
                self.tell_here(&room, frame);
            }
        }
        let group_type = room.profile.read().group_type.as_str();
        self.after_hook(app, &settings, callback::AFTER_RECALL_MSG, origin, || {
            let list: Vec<_> = recalled.iter().map(|s| json!({"MsgSeq": s})).collect();
            json!({
                "Operator_Account": operator.as_str(),
                "Type": group_type,
                "GroupId": group.as_str(),
                "MsgSeqList": list,
                "TopicId": "",
            })
        });
        Ok(outcomes)
    }

    /// The client `recall`: the room's owner, its admins and App admins recall one message.
    pub async fn recall_as(
        self: &Arc<Self>,
        session: &SessionRef,
        group: &str,
        topic: &str,
        msg_seq: u64,
    ) -> Result<(), Error> {
        if let Some(outcome) = self.recall_stored_as(session, group, topic, msg_seq).await {
            return outcome;
        }
        let (app, group, me) = self
            .room_operator(session, group, "recall messages")
            .await?;
        // As for moderation: a banned admin no longer acts on the room.
        let room = self.room(app, &group).await?;
        let app_admin = self.apps.get(app)?.is_admin(&me);
        if !app_admin && room.ban_remaining(&me, unix_secs()).is_some() {
            return Err(Error::PermissionDenied(
                "you are banned from this group".into(),
            ));
        }
        let outcomes = self
            .recall(app, &group, "", &me, &[msg_seq], Some(session.origin()))
            .await?;
        match outcomes.into_iter().next() {
            Some((_, result)) => result,
            None => Err(Error::Internal),
        }
    }
}

impl Engine {
    /// A client's recall in a stored group (any member may try; `recall_stored` decides);
    /// `None` for a live room.
    async fn recall_stored_as(
        &self,
        session: &SessionRef,
        group: &str,
        topic: &str,
        msg_seq: u64,
    ) -> Option<Result<(), Error>> {
        let run = async {
            let me = session.require_user()?;
            let group = GroupId::parse(group)?;
            let room = self.room(me.app, &group).await?;
            if !room.is_durable() {
                return Ok(None);
            }
            let actor = self.recall_actor(&room, &me.user, true);
            let outcomes = self
                .recall_stored(&room, topic, &actor, &[msg_seq], Some(session.origin()))
                .await?;
            Ok(Some(match outcomes.into_iter().next() {
                Some((_, result)) => result,
                None => Err(Error::Internal),
            }))
        };
        match run.await {
            Ok(None) => None,
            Ok(Some(r)) => Some(r),
            Err(e) => Some(Err(e)),
        }
    }
}

/// Takes recalled messages out of the room's short history on this node.
pub(crate) fn forget_in_history(room: &crate::loaded::RoomRef, recalled: &[u64]) {
    room.retain_history(|frame| {
        serde_json::from_slice::<SeqOf>(&frame.text)
            .map(|m| !recalled.contains(&m.msg_seq))
            .unwrap_or(true)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_message_is_taken_once_and_old_ones_are_forgotten() {
        let mut log = Recallable::default();
        for seq in 1..=(RECALLABLE_MAX as u64 + 2) {
            log.record(seq);
        }
        assert_eq!(log.take(5), Remembered::Delivered);
        assert_eq!(log.take(5), Remembered::Recalled);
        assert_eq!(log.take(2), Remembered::Unknown, "pushed out by newer ones");
        assert_eq!(log.take(3), Remembered::Delivered);
        assert_eq!(log.take(RECALLABLE_MAX as u64 + 9), Remembered::Unknown);
    }
}
