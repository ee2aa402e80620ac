//! The node's background tasks: publishing in order, the subscriptions' readers (room
//! events, calls to an owner, audience reports, app events, node announcements), the lease
//! renewal, the rooms' caretaker and the audience reporter.

use super::*;

/// Writes publications in the order they were made.
pub(crate) async fn publisher(
    client: async_nats::Client,
    mut rx: mpsc::UnboundedReceiver<(String, Bytes)>,
) {
    while let Some((subject, payload)) = rx.recv().await {
        if let Err(e) = client.publish(subject, payload).await {
            tracing::warn!(error = %e, "cluster publish failed");
        }
    }
}

pub(crate) async fn room_events(
    inner: Weak<Inner>,
    room: RoomKey,
    mut sub: async_nats::Subscriber,
) {
    while let Some(msg) = sub.next().await {
        let Some(inner) = inner.upgrade() else { return };
        let Some(env) = wire::decode(msg.payload) else {
            tracing::warn!(group = %room.group, "undecodable room event");
            continue;
        };
        if env.origin == inner.node {
            continue;
        }
        let lag = micros_now().saturating_sub(env.sent_micros);
        metrics::histogram!("liveroom_cluster_lag_seconds").record(lag as f64 / 1e6);
        if let Some(engine) = inner.engine() {
            let delivered = engine.on_room_event(&room, env.event, inner.node);
            metrics::counter!("liveroom_cluster_remote_deliveries_total")
                .increment(delivered as u64);
        }
    }
}

/// Another node's status read: this node answers with what it holds of the users (an empty
/// answer too, so the asker knows every node answered).
pub(crate) async fn whois_answers(inner: Weak<Inner>, mut sub: async_nats::Subscriber) {
    while let Some(msg) = sub.next().await {
        let Some(inner) = inner.upgrade() else { return };
        let (Some(reply), Ok(query)) = (
            msg.reply,
            serde_json::from_slice::<crate::WhoisQuery>(&msg.payload),
        ) else {
            continue;
        };
        let found = match inner.engine() {
            Some(engine) => engine.local_presence(query.app, &query.users),
            None => Vec::new(),
        };
        let answer = crate::WhoisAnswer {
            node: inner.node,
            found,
        };
        if let Ok(json) = serde_json::to_vec(&answer) {
            let _ = inner.client.publish(reply, json.into()).await;
        }
    }
}

/// Pushes another node published to a user this node holds devices of.
pub(crate) async fn user_events(
    inner: Weak<Inner>,
    (app, user): (liveroom_core::AppId, liveroom_core::UserId),
    mut sub: async_nats::Subscriber,
) {
    while let Some(msg) = sub.next().await {
        let Some(inner) = inner.upgrade() else { return };
        let Some(env) = wire::decode(msg.payload) else {
            tracing::warn!(user = %user, "undecodable user push");
            continue;
        };
        if env.origin == inner.node {
            continue;
        }
        if let Some(engine) = inner.engine() {
            engine.on_user_event(app, &user, &env.event.frame, env.event.exclude);
        }
    }
}

pub(crate) async fn owner_calls(
    inner: Weak<Inner>,
    room: RoomKey,
    mut sub: async_nats::Subscriber,
) {
    while let Some(msg) = sub.next().await {
        let Some(inner) = inner.upgrade() else { return };
        let room = room.clone();
        tokio::spawn(async move {
            let reply = match serde_json::from_slice::<OwnerCall>(&msg.payload) {
                Err(_) => Reply::Failed(Error::Internal),
                Ok(_) if !inner.owns(&room) => Reply::NotOwner,
                Ok(call) => match inner.engine() {
                    None => Reply::NotOwner,
                    Some(engine) => match engine.on_owner_call(&room, call).await {
                        Ok(Some(answer)) => Reply::Answer(answer),
                        Ok(None) => Reply::NotOwner,
                        Err(e) => Reply::Failed(e),
                    },
                },
            };
            if let (Some(to), Ok(json)) = (msg.reply, serde_json::to_vec(&reply)) {
                if let Err(e) = inner.client.publish(to, json.into()).await {
                    tracing::warn!(error = %e, "cannot answer a call");
                }
            }
        });
    }
}

pub(crate) async fn audience_reports(
    inner: Weak<Inner>,
    room: RoomKey,
    others: Reports,
    mut sub: async_nats::Subscriber,
) {
    while let Some(msg) = sub.next().await {
        let Some(inner) = inner.upgrade() else { return };
        if msg.payload.as_ref() == b"?" {
            // A node started serving the room: report at once.
            if let Some(mut p) = inner.presence.get_mut(&room) {
                p.1 = true;
            }
            continue;
        }
        let Ok(report) = serde_json::from_slice::<PresenceReport>(&msg.payload) else {
            continue;
        };
        if report.node == inner.node {
            continue;
        }
        // A report is news of its node too.
        inner.alive.insert(report.node, Instant::now());
        others.lock().insert(report.node, report.presence);
        if let Some(engine) = inner.engine() {
            engine.audience_elsewhere_changed(&room);
        }
    }
}

pub(crate) async fn app_events(inner: Weak<Inner>, mut sub: async_nats::Subscriber) {
    while let Some(msg) = sub.next().await {
        let Some(inner) = inner.upgrade() else { return };
        let app = msg
            .subject
            .rsplit('.')
            .next()
            .and_then(|s| s.parse::<u64>().ok());
        let (Some(app), Ok(m)) = (app, serde_json::from_slice::<AppMessage>(&msg.payload)) else {
            tracing::warn!(subject = %msg.subject, "undecodable cluster event");
            continue;
        };
        if m.origin == inner.node {
            continue;
        }
        if let Some(engine) = inner.engine() {
            engine.on_app_event(AppId(app), m.event, inner.node).await;
        }
    }
}

pub(crate) async fn node_announcements(inner: Weak<Inner>, mut sub: async_nats::Subscriber) {
    while let Some(msg) = sub.next().await {
        let Some(inner) = inner.upgrade() else { return };
        let Ok(alive) = serde_json::from_slice::<Alive>(&msg.payload) else {
            continue;
        };
        if alive.up {
            inner.alive.insert(alive.node, Instant::now());
        } else {
            inner.alive.remove(&alive.node);
        }
    }
}

/// Announces the node and renews its lease every `TICK` (a task of its own, so nothing
/// else a node does delays the renewal).
pub(crate) async fn ticker(inner: Weak<Inner>) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(inner) = inner.upgrade() else { return };
        inner.announce(true);
        inner.renew_lease().await;
    }
}

/// Takes over rooms whose owner went away, keeps owned rooms' keys from aging out.
pub(crate) async fn caretaker(inner: Weak<Inner>) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(inner) = inner.upgrade() else { return };
        inner.look_after_rooms().await;
    }
}

/// Reports this node's changed audiences every `PRESENCE_EVERY`, all of them every
/// `PRESENCE_REFRESH` and as soon as the bus is back after a disconnection (what was sent
/// meanwhile was lost).
pub(crate) async fn presence_reporter(inner: Weak<Inner>) {
    let mut tick = tokio::time::interval(PRESENCE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_refresh = Instant::now();
    let mut was_connected = true;
    loop {
        tick.tick().await;
        let Some(inner) = inner.upgrade() else { return };
        let connected = matches!(
            inner.client.connection_state(),
            async_nats::connection::State::Connected
        );
        let back = connected && !was_connected;
        was_connected = connected;
        let refresh = back || last_refresh.elapsed() >= PRESENCE_REFRESH;
        if refresh {
            last_refresh = Instant::now();
        }
        if back {
            // And the others report again what this node missed.
            let served: Vec<RoomKey> = inner.rooms.iter().map(|l| l.key().clone()).collect();
            for room in served {
                inner.send(inner.names.presence(&room), Bytes::from_static(b"?"));
            }
        }
        let mut due = Vec::new();
        for mut entry in inner.presence.iter_mut() {
            let key = entry.key().clone();
            let (p, changed) = entry.value_mut();
            if *changed || (refresh && (p.online > 0 || !p.members.is_empty())) {
                *changed = false;
                due.push((key, p.clone()));
            }
        }
        for (room, presence) in due {
            let report = PresenceReport {
                node: inner.node,
                presence,
            };
            if let Ok(json) = serde_json::to_vec(&report) {
                inner.send(inner.names.presence(&room), json.into());
            }
        }
    }
}
