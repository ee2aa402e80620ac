//! Recalling messages of stored groups: kept as placeholders in the history (body `[]`),
//! taken off every member's screen (`recalled` pushes), `Group.CallbackAfterRecallMsg`.

use serde_json::json;

use liveroom_core::callback;
use liveroom_core::group::{Priority, Role};
use liveroom_core::protocol::{Push, RecalledPush};
use liveroom_core::store::group_flags;
use liveroom_core::time::unix_secs;
use liveroom_core::{Error, UserId};

use super::Actor;
use crate::broker::RoomEvent;
use crate::hooks::Origin;
use crate::loaded::RoomRef;
use crate::recall::RecallOutcome;
use crate::{store_err, tips, Engine};

impl Engine {
    /// Recalls messages of a stored group as `actor`: an App admin, the owner or an admin
    /// any message, a member its own within the app's `chat.recall_secs`. One outcome per
    /// listed number, in order.
    pub(crate) async fn recall_stored(
        &self,
        room: &RoomRef,
        topic: &str,
        actor: &Actor,
        msg_seqs: &[u64],
        origin: Option<Origin>,
    ) -> Result<Vec<RecallOutcome>, Error> {
        let (app, group) = (room.app, room.id.clone());
        if !topic.is_empty() {
            self.topic_of(room, topic).await?;
        }
        let settings = self.apps.get(app)?.settings();
        let role = room.role_of(&actor.user, actor.app_admin);
        let mut allowed = Vec::new();
        let mut outcomes: Vec<RecallOutcome> = Vec::with_capacity(msg_seqs.len());
        for &seq in msg_seqs {
            if role < Role::Admin {
                let own = self
                    .store
                    .group_message(app, &group, topic, seq)
                    .await
                    .map_err(store_err)?;
                match own {
                    Some(m) if m.from != actor.user || m.has(group_flags::SYSTEM) => {
                        outcomes.push((
                            seq,
                            Err(Error::PermissionDenied(
                                "members recall their own messages only".into(),
                            )),
                        ));
                        continue;
                    }
                    Some(m) if unix_secs() - m.time > i64::from(settings.chat.recall_secs) => {
                        outcomes.push((
                            seq,
                            Err(Error::RecallWindowPassed {
                                limit_secs: u64::from(settings.chat.recall_secs),
                            }),
                        ));
                        continue;
                    }
                    Some(_) => {}
                    None => {
                        outcomes.push((seq, Err(Error::RecallNotFound(seq))));
                        continue;
                    }
                }
            }
            allowed.push(seq);
            outcomes.push((seq, Ok(())));
        }
        let recalled = if allowed.is_empty() {
            Vec::new()
        } else {
            self.store
                .recall_group(app, &group, topic, &allowed)
                .await
                .map_err(store_err)?
        };
        // Listed but not recalled now (unknown, recalled already, or listed twice).
        let mut taken = Vec::new();
        for (seq, outcome) in outcomes.iter_mut() {
            if outcome.is_ok() {
                if recalled.contains(seq) && !taken.contains(seq) {
                    taken.push(*seq);
                } else {
                    *outcome = Err(Error::RecallNotFound(*seq));
                }
            }
        }
        for &seq in &recalled {
            let push = Push::Recalled(RecalledPush {
                group_id: group.to_string(),
                msg_seq: seq,
                operator: actor.user.to_string(),
                topic_id: (!topic.is_empty()).then(|| topic.to_string()),
            });
            if let Some(frame) = tips::push_frame(&push, Priority::High) {
                self.hand_out(
                    room,
                    RoomEvent {
                        frame,
                        exclude: None,
                        history: None,
                    },
                );
            }
        }
        if !recalled.is_empty() {
            let group_type = room.profile.read().group_type.as_str();
            self.after_hook(app, &settings, callback::AFTER_RECALL_MSG, origin, || {
                let list: Vec<_> = recalled.iter().map(|s| json!({"MsgSeq": s})).collect();
                json!({
                    "Operator_Account": actor.user.as_str(),
                    "Type": group_type,
                    "GroupId": group.as_str(),
                    "MsgSeqList": list,
                    "TopicId": topic,
                })
            });
        }
        Ok(outcomes)
    }

    /// The actor a REST or client recall of a stored group runs as.
    pub(crate) fn recall_actor(&self, room: &RoomRef, user: &UserId, by_client: bool) -> Actor {
        let app_admin = self
            .apps
            .get(room.app)
            .map(|a| a.is_admin(user))
            .unwrap_or(false);
        Actor {
            user: user.clone(),
            app_admin: app_admin || !by_client,
            by_client,
            origin: Origin::rest(""),
        }
    }
}
