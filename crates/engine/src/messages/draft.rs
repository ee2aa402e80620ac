//! A message on its way through the send path ([`Draft`]) and the steps that check and
//! change it before it reaches the room: authorize, validate, deduplicate, filter, the
//! before-send webhook's verdict, the history record.

use super::*;

/// Why a send ends before it reaches the room.
#[derive(Debug)]
pub(super) enum Stop {
    /// Refused: the sender gets the error, and the backend hears of it
    /// (`Group.CallbackSendMsgException`).
    Refused(Error),
    /// Refused by the backend's own before-send webhook: only the sender hears of it.
    Rejected(Error),
    /// Accepted but delivered to nobody: the sender is told it succeeded, with a number of
    /// its own (a gap in the room's sequence). The backend hears of `reported` first.
    Dropped {
        reason: &'static str,
        reported: Option<Error>,
    },
}

/// A message on its way through the send path: who sends what, as the steps change it.
pub(super) struct Draft {
    pub(super) app: AppId,
    pub(super) group: GroupId,
    pub(super) group_type: &'static str,
    pub(super) from: UserId,
    pub(super) nick: String,
    pub(super) avatar: String,
    /// The sending connection, which does not get its own message back.
    pub(super) session: Option<SessionAddr>,
    pub(super) origin: Origin,
    /// Sent by a client connection (not by the backend over REST).
    pub(super) by_client: bool,
    pub(super) is_app_admin: bool,
    pub(super) role: Role,
    pub(super) level: u32,
    pub(super) priority: Priority,
    pub(super) body: MsgBody,
    /// `body` serialized: once, and again only when a step replaces the body.
    pub(super) body_json: String,
    pub(super) cloud_custom_data: String,
    pub(super) random: u32,
    /// The caller chose `random`: a repeat of it is answered as the first send was.
    pub(super) random_given: bool,
    /// When it is sent, Unix seconds.
    pub(super) time: i64,
}

/// What a send asks beyond its message.
pub(super) struct Controls {
    pub(super) callbacks: CallbackControl,
    pub(super) turn: Option<crate::session::Turn>,
    pub(super) counted: bool,
}

/// What de-duplication makes of a send.
pub(super) enum Deduplicated {
    /// Not seen before: it goes ahead, and settles its registration (if any) with its outcome.
    Fresh(Option<dedup::Registration>),
    /// A repeat, answered as its first send was.
    Repeat(Result<SendReceipt, Error>),
}

impl Draft {
    /// Authorize: the sender may speak here now. A mute does not hold an App admin,
    /// mute-all does not hold the room's admins, and a client may not imitate a gift
    /// message (those come from `send_gift`, after billing).
    pub(super) fn authorize(&self, room: &Room) -> Result<(), Stop> {
        if !self.is_app_admin {
            if let Some(remaining_secs) = room.mute_remaining(&self.from, self.time) {
                return Err(Stop::Refused(Error::Muted { remaining_secs }));
            }
        }
        if self.role < Role::Admin && room.profile.read().mute_all {
            return Err(Stop::Refused(Error::MutedAll));
        }
        if self.by_client && self.body.claims_gift() {
            return Err(Stop::Refused(Error::PermissionDenied(
                "custom messages of type \"gift\" are sent by the server (liveroom_ext/send_gift)"
                    .into(),
            )));
        }
        Ok(())
    }

    /// Validate: the body and CloudCustomData fit in `limit` bytes together.
    pub(super) fn validate(&self, limit: usize) -> Result<(), Stop> {
        let size = self.body_json.len() + self.cloud_custom_data.len();
        if size > limit {
            return Err(Stop::Refused(Error::MessageTooLarge { size, limit }));
        }
        Ok(())
    }

    /// Filter: the app's word list passes the body, masks it, drops the message silently or
    /// refuses it.
    pub(super) fn filter(&mut self, filter: Option<&WordFilter>) -> Result<(), Stop> {
        let Some(filter) = filter else {
            return Ok(());
        };
        match filter.check(&self.body) {
            Outcome::Clean => Ok(()),
            Outcome::Masked(masked) => {
                metrics::filtered("mask");
                self.replace_body(masked);
                Ok(())
            }
            Outcome::Drop => {
                metrics::filtered("drop");
                Err(Stop::Dropped {
                    reason: metrics::DROP_FILTER,
                    reported: Some(Error::Filtered),
                })
            }
            Outcome::Reject => {
                metrics::filtered("reject");
                Err(Stop::Refused(Error::Filtered))
            }
        }
    }

    /// The before-send webhook's verdict taken: its replacement MsgBody (when valid) and
    /// CloudCustomData, checked for size again.
    pub(super) fn apply_verdict(&mut self, verdict: Verdict, limit: usize) -> Result<(), Stop> {
        match verdict {
            Verdict::Allow(fields) => {
                if let Some(replacement) = fields.get("MsgBody") {
                    match MsgBody::parse(replacement) {
                        Ok(body) => self.replace_body(body),
                        Err(e) => tracing::warn!(
                            group = %self.group,
                            error = %e,
                            "the backend's replacement MsgBody is not valid; the original is sent"
                        ),
                    }
                }
                if let Some(Value::String(ccd)) = fields.get("CloudCustomData") {
                    self.cloud_custom_data = ccd.clone();
                }
                self.validate(limit)
            }
            Verdict::Reject { code, info } => Err(Stop::Rejected(Error::Rejected { code, info })),
            Verdict::Drop => Err(Stop::Dropped {
                reason: metrics::DROP_WEBHOOK,
                reported: None,
            }),
        }
    }

    pub(super) fn replace_body(&mut self, body: MsgBody) {
        self.body_json = body.to_json();
        self.body = body;
    }

    /// Record: the message numbered `seq` as the members get it and, when the app keeps a
    /// short history, as newcomers will see it and as the store keeps it (the recorder
    /// writes it before delivery). The serialized body moves into them.
    pub(super) fn record(
        &mut self,
        seq: u64,
        settings: &AppSettings,
        relay: Option<Arc<dyn Broker>>,
    ) -> Result<impl FnOnce(oneshot::Sender<Delivery>) -> Pending, Error> {
        let body = std::mem::take(&mut self.body_json);
        let raw = RawValue::from_string(body).map_err(|_| Error::Internal)?;
        let outgoing = Outgoing {
            group: self.group.as_str(),
            from: self.from.as_str(),
            nick: &self.nick,
            avatar: &self.avatar,
            level: self.level,
            seq,
            time: self.time,
            random: self.random,
            priority: self.priority,
            body: &raw,
            cloud_custom_data: &self.cloud_custom_data,
            topic: "",
            at_info: None,
            stored: None,
        };
        let frame = outgoing.frame(false)?;
        let keeps_history = settings.history_enabled && settings.history_count > 0;
        let (history, record) = if keeps_history {
            let record = HistoryRecord {
                app: self.app,
                group: self.group.clone(),
                msg_seq: seq,
                msg_time: self.time,
                random: self.random,
                priority: self.priority,
                from_account: self.from.clone(),
                nick: self.nick.clone(),
                face_url: self.avatar.clone(),
                body: raw.get().to_string(),
                cloud_custom_data: self.cloud_custom_data.clone(),
                sender_level: self.level,
                recalled: false,
            };
            (
                Some((self.time, outgoing.frame(true)?)),
                Some((record, settings.history_count)),
            )
        } else {
            (None, None)
        };
        let exclude = self.session;
        Ok(move |done| Pending {
            frame,
            exclude,
            relay,
            history,
            record,
            done,
        })
    }

    /// The keys every message callback carries, plus `extra`.
    pub(super) fn callback_fields(&self, extra: Value) -> Value {
        let mut v = json!({
            "GroupId": self.group.as_str(),
            "Type": self.group_type,
            "From_Account": self.from.as_str(),
            "Operator_Account": self.from.as_str(),
            "Random": self.random,
            "OnlineOnlyFlag": 0,
            "MsgBody": &self.body,
            "CloudCustomData": &self.cloud_custom_data,
            "TopicId": "",
        });
        if let (Value::Object(m), Value::Object(x)) = (&mut v, extra) {
            m.extend(x);
        }
        v
    }
}

impl Sending {
    /// Deduplicate: a send whose caller chose its `Random` registers it; a repeat is
    /// answered as its first send was, once that is decided.
    pub(super) async fn deduplicate(&self, msg: &Draft) -> Deduplicated {
        if !msg.random_given {
            return Deduplicated::Fresh(None);
        }
        match dedup::register(&self.dedup, (msg.from.clone(), msg.random), msg.time) {
            Seen::New(registration) => Deduplicated::Fresh(Some(registration)),
            Seen::Repeat(earlier) => {
                metrics::duplicate();
                Deduplicated::Repeat(Ok(receipt_of(earlier)))
            }
            Seen::InFlight(original) => {
                metrics::duplicate();
                // The original failed or was cancelled when there is no outcome: this
                // repeat is refused too, and the next one is a new send.
                let answer = dedup::outcome(original).await;
                Deduplicated::Repeat(answer.map(receipt_of).ok_or(Error::Internal))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loaded::LoadedRoom;
    use liveroom_core::callback::{FilterAction, FilterSettings, WordList};
    use liveroom_core::message::MsgElement;
    use serde_json::Map;

    fn room() -> LoadedRoom {
        let stored = crate::room::StoredRoom::new(crate::room::test_record("r"));
        LoadedRoom::new(stored, &AppSettings::default())
    }

    fn text(t: &str) -> MsgBody {
        MsgBody(vec![MsgElement::text(t)])
    }

    fn draft(body: MsgBody) -> Draft {
        Draft {
            app: AppId(1),
            group: GroupId::from_trusted("r"),
            group_type: "AVChatRoom",
            from: UserId::from_trusted("alice"),
            nick: "Alice".into(),
            avatar: String::new(),
            session: Some(SessionAddr {
                node: 0,
                session: 7,
            }),
            origin: Origin::rest("127.0.0.1"),
            by_client: true,
            is_app_admin: false,
            role: Role::Member,
            level: 3,
            priority: Priority::Normal,
            body_json: body.to_json(),
            body,
            cloud_custom_data: String::new(),
            random: 42,
            random_given: true,
            time: 1_000,
        }
    }

    fn refused(step: Result<(), Stop>) -> Option<Error> {
        match step {
            Err(Stop::Refused(e)) => Some(e),
            _ => None,
        }
    }

    #[test]
    fn authorize_holds_mutes_mute_all_and_imitated_gifts() {
        let room = room();
        let mut msg = draft(text("hi"));
        assert!(msg.authorize(&room).is_ok());
        room.mutes.lock().insert(msg.from.clone(), msg.time + 60);
        assert!(matches!(
            refused(msg.authorize(&room)),
            Some(Error::Muted { remaining_secs: 60 })
        ));
        msg.is_app_admin = true;
        assert!(
            msg.authorize(&room).is_ok(),
            "a mute does not hold App admins"
        );
        msg.is_app_admin = false;
        room.mutes.lock().clear();
        room.profile.write().mute_all = true;
        assert!(matches!(
            refused(msg.authorize(&room)),
            Some(Error::MutedAll)
        ));
        msg.role = Role::Admin;
        assert!(
            msg.authorize(&room).is_ok(),
            "mute-all does not hold admins"
        );

        let mut gift = draft(MsgBody(vec![MsgElement::custom(r#"{"type":"gift"}"#)]));
        gift.role = Role::Admin;
        assert!(matches!(
            refused(gift.authorize(&room)),
            Some(Error::PermissionDenied(_))
        ));
        gift.by_client = false;
        assert!(gift.authorize(&room).is_ok(), "the server's gift messages");
    }

    #[test]
    fn validate_counts_the_body_and_cloud_custom_data() {
        let mut msg = draft(text("hi"));
        msg.cloud_custom_data = "data".into();
        let size = msg.body_json.len() + 4;
        assert!(msg.validate(size).is_ok());
        assert!(matches!(
            refused(msg.validate(size - 1)),
            Some(Error::MessageTooLarge { size: s, limit }) if s == size && limit == size - 1
        ));
    }

    fn word_filter(action: FilterAction) -> WordFilter {
        let settings = FilterSettings {
            custom_fields: Vec::new(),
            lists: vec![WordList {
                action,
                case_fold: true,
                words: vec!["darn".into()],
            }],
        };
        WordFilter::build(&settings)
            .expect("compiles")
            .expect("words")
    }

    #[test]
    fn filter_masks_drops_with_a_report_or_refuses() {
        let mut msg = draft(text("oh darn"));
        assert!(msg.filter(None).is_ok());
        assert!(msg.filter(Some(&word_filter(FilterAction::Mask))).is_ok());
        assert_eq!(msg.body, text("oh ****"));
        assert_eq!(msg.body_json, text("oh ****").to_json(), "serialized again");

        let mut msg = draft(text("oh darn"));
        assert!(matches!(
            msg.filter(Some(&word_filter(FilterAction::Drop))),
            Err(Stop::Dropped {
                reason: metrics::DROP_FILTER,
                reported: Some(Error::Filtered)
            })
        ));
        assert!(matches!(
            refused(msg.filter(Some(&word_filter(FilterAction::Reject)))),
            Some(Error::Filtered)
        ));
    }

    #[test]
    fn the_before_hook_verdict_replaces_then_the_size_is_checked_again() {
        let mut msg = draft(text("hi"));
        let hello: Value = serde_json::from_str(&text("hello").to_json()).expect("JSON");
        let mut fields = Map::new();
        fields.insert("MsgBody".into(), hello);
        fields.insert("CloudCustomData".into(), json!("ccd"));
        assert!(msg
            .apply_verdict(Verdict::Allow(fields.clone()), 1000)
            .is_ok());
        assert_eq!(msg.body, text("hello"));
        assert_eq!(msg.body_json, text("hello").to_json());
        assert_eq!(msg.cloud_custom_data, "ccd");
        assert!(matches!(
            refused(msg.apply_verdict(Verdict::Allow(fields), 10)),
            Some(Error::MessageTooLarge { .. })
        ));

        let mut invalid = Map::new();
        invalid.insert("MsgBody".into(), json!("not a body"));
        assert!(msg.apply_verdict(Verdict::Allow(invalid), 1000).is_ok());
        assert_eq!(msg.body, text("hello"), "an invalid replacement is ignored");

        let reject = Verdict::Reject {
            code: 10016,
            info: "no".into(),
        };
        assert!(matches!(
            msg.apply_verdict(reject, 1000),
            Err(Stop::Rejected(Error::Rejected { code: 10016, .. }))
        ));
        assert!(matches!(
            msg.apply_verdict(Verdict::Drop, 1000),
            Err(Stop::Dropped {
                reason: metrics::DROP_WEBHOOK,
                reported: None
            })
        ));
    }

    #[tokio::test]
    async fn deduplicate_answers_a_repeat_as_its_first_send() {
        let sending = Sending::new(0, &AppSettings::default());
        let mut msg = draft(text("hi"));
        msg.random_given = false;
        assert!(matches!(
            sending.deduplicate(&msg).await,
            Deduplicated::Fresh(None)
        ));
        msg.random_given = true;
        let Deduplicated::Fresh(first) = sending.deduplicate(&msg).await else {
            panic!("a first send")
        };
        settle(first, 5, msg.time, false);
        match sending.deduplicate(&msg).await {
            Deduplicated::Repeat(Ok(r)) => assert_eq!((r.msg_seq, r.drop_reason), (5, "")),
            _ => panic!("a repeat"),
        }
    }

    #[test]
    fn record_keeps_a_history_form_only_when_the_app_keeps_history() {
        let mut settings = AppSettings {
            history_enabled: false,
            ..AppSettings::default()
        };
        let (done, _rx) = oneshot::channel();
        let pending = draft(text("hi"))
            .record(9, &settings, None)
            .expect("frames")(done);
        assert!(pending.history.is_none() && pending.record.is_none());
        assert_eq!(
            pending.exclude.map(|a| a.session),
            Some(7),
            "not back to its sender"
        );
        let live: Value = serde_json::from_slice(&pending.frame.text).expect("JSON");
        assert_eq!(live["MsgSeq"], 9);

        settings.history_enabled = true;
        settings.history_count = 20;
        let (done, _rx) = oneshot::channel();
        let pending = draft(text("hi"))
            .record(9, &settings, None)
            .expect("frames")(done);
        let (record, keep) = pending.record.expect("stored before delivery");
        assert_eq!(
            (record.msg_seq, record.random, record.sender_level, keep),
            (9, 42, 3, 20)
        );
        assert_eq!(record.body, text("hi").to_json());
        assert!(pending.history.is_some());
    }
}
