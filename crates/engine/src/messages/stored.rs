//! The end of the send path in groups that keep their messages: instead of the frequency
//! gate and the short history, the group commit ([`crate::group_chat::writer`]) numbers and
//! stores the message, then hands it to the members; the sender is answered after that.

use liveroom_core::store::{group_flags, GroupAppend};

use super::*;

impl Engine {
    pub(super) async fn send_stored(
        &self,
        room: &RoomRef,
        settings: &Arc<AppSettings>,
        msg: Draft,
        controls: Controls,
        registration: Option<dedup::Registration>,
        options: StoredSend,
    ) -> Result<SendReceipt, Error> {
        // The connection's turn: its sends are stored in request order.
        if let Some(turn) = &controls.turn {
            turn.wait().await;
        }
        let receipt = |msg_seq| SendReceipt {
            msg_seq,
            msg_time: msg.time,
            drop_reason: "",
            level: msg.level,
        };
        let (from, nick, avatar, level, random, priority) = (
            msg.from.to_string(),
            msg.nick.clone(),
            msg.avatar.clone(),
            msg.level,
            msg.random,
            msg.priority,
        );
        let (mentions, at_all) = mentions_of(&options.at_info)?;
        let group_type = msg.group_type;
        let group = msg.group.to_string();
        let topic = options.topic.clone();
        let at_info = options.at_info.clone();
        let frame = move |body: &str, ccd: &str, seq: u64, time: i64, flags: i64| {
            let body: &RawValue = serde_json::from_str(body).ok()?;
            let at: Option<&RawValue> = if at_info.is_empty() {
                None
            } else {
                serde_json::from_str(&at_info).ok()
            };
            Outgoing {
                group: &group,
                from: &from,
                nick: &nick,
                avatar: &avatar,
                level,
                seq,
                time,
                random,
                priority,
                body,
                cloud_custom_data: ccd,
                topic: &topic,
                at_info: at,
                stored: Some((group_type, flags)),
            }
            .frame(false)
            .ok()
        };
        if options.online_only {
            // Pushed to who is online, never stored: number 0.
            let Some(f) = frame(&msg.body_json, &msg.cloud_custom_data, 0, msg.time, 0) else {
                return Err(Error::Internal);
            };
            self.hand_out(
                room,
                RoomEvent {
                    frame: f,
                    exclude: msg.session,
                    history: None,
                },
            );
            settle(registration, 0, msg.time, false);
            self.after_stored(settings, &msg, &controls, 0, true);
            return Ok(receipt(0));
        }
        let mut flags = 0;
        for (on, bit) in [
            (options.no_unread, group_flags::NO_UNREAD),
            (options.no_last_msg, group_flags::NO_LAST_MSG),
            (options.need_read_receipt, group_flags::READ_RECEIPT),
            (options.extensible, group_flags::EXTENSIBLE),
            (at_all, group_flags::AT_ALL),
        ] {
            if on {
                flags |= bit;
            }
        }
        let append = GroupAppend {
            app: msg.app,
            group: msg.group.clone(),
            topic: options.topic,
            from: msg.from.clone(),
            time: msg.time,
            random: msg.random,
            priority: msg.priority,
            flags,
            body: msg.body_json.clone(),
            cloud_custom_data: msg.cloud_custom_data.clone(),
            at_info: options.at_info,
            offline_push: options.offline_push,
            mentions,
            imported: false,
            sender_is_member: true,
        };
        let stored = self
            .stored_group_message(
                room,
                append,
                msg.session,
                Box::new(move |a, seq| frame(&a.body, &a.cloud_custom_data, seq, a.time, a.flags)),
            )
            .await?;
        metrics::accepted();
        if room.is_destroyed() {
            return Err(Error::GroupNotFound(msg.group.to_string()));
        }
        settle(registration, stored.seq, msg.time, false);
        self.after_stored(settings, &msg, &controls, stored.seq, false);
        Ok(receipt(stored.seq))
    }

    fn after_stored(
        &self,
        settings: &Arc<AppSettings>,
        msg: &Draft,
        controls: &Controls,
        msg_seq: u64,
        online_only: bool,
    ) {
        if controls.callbacks.skip_after {
            return;
        }
        self.after_hook(
            msg.app,
            settings,
            callback::AFTER_SEND_MSG,
            Some(msg.origin.clone()),
            || {
                msg.callback_fields(json!({
                    "MsgSeq": msg_seq,
                    "MsgTime": msg.time,
                    "OnlineOnlyFlag": u8::from(online_only),
                }))
            },
        );
    }
}

/// The members a message's `GroupAtInfo` names (each once, at most `MENTIONS_MAX`) and
/// whether it mentions everyone.
fn mentions_of(at_info: &str) -> Result<(Vec<UserId>, bool), Error> {
    if at_info.is_empty() {
        return Ok((Vec::new(), false));
    }
    let bad = |why: &str| Error::InvalidParameter(format!("GroupAtInfo: {why}"));
    let items: Vec<Value> =
        serde_json::from_str(at_info).map_err(|_| bad("must be an array of objects"))?;
    let mut users: Vec<UserId> = Vec::new();
    let mut all = false;
    for item in &items {
        let flag = item
            .get("GroupAtAllFlag")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        if flag == 1 {
            all = true;
            continue;
        }
        let account = item
            .get("GroupAt_Account")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("each entry needs GroupAt_Account or GroupAtAllFlag 1"))?;
        let user = UserId::parse(account)?;
        if !users.contains(&user) {
            users.push(user);
        }
    }
    if users.len() > liveroom_core::store::MENTIONS_MAX {
        return Err(bad(&format!(
            "names {} members; at most {}",
            users.len(),
            liveroom_core::store::MENTIONS_MAX
        )));
    }
    Ok((users, all))
}
