//! The engine's side of the broker port ([`crate::broker`]): how this node's changes reach
//! the other nodes, and what it does with theirs. On a single node every function here
//! reduces to what the engine did before: the room is decided here and nothing travels.

use std::sync::Arc;

use liveroom_core::protocol::KickReason;
use liveroom_core::time::unix_secs;
use liveroom_core::{AppId, Error, GroupId, UserId};

use crate::broker::{
    AppEvent, BroadcastMessage, Broker, BusStatus, LocalBroker, Member, OwnerAnswer, OwnerCall,
    Presence, RoomEvent, RoomKey, Route, SessionAddr, WireFrame,
};
use crate::loaded::RoomRef;
use crate::outbound::Frame;
use crate::room::{FanOut, OnlineElsewhere};
use crate::session::SessionRef;
use crate::Engine;

static LOCAL: LocalBroker = LocalBroker;

/// Members a node reports to the others per room (the most `get_members` answers).
const REPORTED_MEMBERS: usize = 1000;

impl Engine {
    /// Joins the engine to a cluster (before it serves anyone).
    pub fn set_broker(&self, broker: Arc<dyn Broker>) {
        let _ = self.broker.set(broker);
    }

    pub(crate) fn broker(&self) -> &dyn Broker {
        match self.broker.get() {
            Some(b) => b.as_ref(),
            None => &LOCAL,
        }
    }

    /// The bus, when there is a cluster (for work that outlives the call that starts it).
    pub(crate) fn bus(&self) -> Option<Arc<dyn Broker>> {
        self.broker.get().filter(|b| b.clustered()).cloned()
    }

    /// What hands a frame of `room`, just given to its members here, on to the other nodes
    /// (nothing on a single node). For the room's own pushes and tips made under its
    /// hand-out lock.
    pub(crate) fn relay(&self, room: &RoomRef) -> impl Fn(&Frame) + Send + 'static {
        let bus = self.bus();
        let key = room.key();
        move |frame: &Frame| {
            if let Some(bus) = &bus {
                let event = RoomEvent {
                    frame: frame.clone(),
                    exclude: None,
                    history: None,
                };
                bus.publish(&key, &event);
            }
        }
    }

    /// The cluster bus, for `/healthz` and `/metrics`; `None` on a single node.
    pub fn bus_status(&self) -> Option<BusStatus> {
        self.broker().status()
    }

    /// Gives up the rooms this node decides for (shutdown).
    pub async fn leave_cluster(&self) {
        self.broker().leave().await;
    }

    /// A local connection as the cluster names it.
    pub(crate) fn addr_of(&self, session: &SessionRef) -> SessionAddr {
        SessionAddr {
            node: self.broker().node(),
            session: session.id,
        }
    }

    /// The local connection `addr` names, if it is on this node.
    pub(crate) fn local_session(&self, addr: Option<SessionAddr>) -> Option<u64> {
        addr.filter(|a| a.node == self.broker().node())
            .map(|a| a.session)
    }

    /// Hands an event to the room's members on this node and publishes it to the other
    /// nodes, in one order (the caller decides for the room).
    pub(crate) fn hand_out(&self, room: &RoomRef, event: RoomEvent) -> FanOut {
        let exclude = self.local_session(event.exclude);
        let broker = self.broker();
        if !broker.clustered() {
            return room.broadcast_recorded(&event.frame, exclude, event.history);
        }
        let key = room.key();
        room.broadcast_relayed(&event.frame, exclude, event.history.clone(), || {
            broker.publish(&key, &event)
        })
    }

    /// Tells a room's members everywhere a tip or push, in the room's order: here when this
    /// node decides for the room, through its owner otherwise. When the owner cannot be
    /// reached the members on this node are still told.
    pub(crate) async fn tell_room(&self, room: &RoomRef, frame: Frame) -> FanOut {
        let event = RoomEvent {
            frame,
            exclude: None,
            history: None,
        };
        let broker = self.broker();
        if !broker.clustered() {
            return self.hand_out(room, event);
        }
        let key = room.key();
        match broker.route(&key).await {
            Ok(Route::Here) => return self.hand_out(room, event),
            Ok(Route::Elsewhere) => {
                match broker
                    .call(&key, OwnerCall::Publish(WireFrame::of(&event.frame)))
                    .await
                {
                    Ok(Some(_)) => return FanOut::default(),
                    Ok(None) => return self.hand_out(room, event),
                    Err(e) => {
                        tracing::warn!(group = %room.id, error = %e, "a tip reaches only this node's members")
                    }
                }
            }
            Err(e) => {
                tracing::warn!(group = %room.id, error = %e, "a tip reaches only this node's members")
            }
        }
        room.broadcast(&event.frame, None)
    }

    /// A room's profile, mutes, bans or admins changed in the store: the other nodes read
    /// them again.
    pub(crate) fn room_changed(&self, room: &RoomRef) {
        self.announce(
            room.app,
            AppEvent::RoomChanged {
                group: room.id.clone(),
            },
        );
    }

    /// Tells every node of a change they must apply.
    pub(crate) fn announce(&self, app: AppId, event: AppEvent) {
        self.broker().publish_app(app, event);
    }

    /// A room's owner published an event: this node's members of the room get it.
    /// Returns how many were handed it.
    pub fn on_room_event(&self, key: &RoomKey, event: RoomEvent, _me: u64) -> usize {
        let Some(room) = self.loaded_room(key.app, &key.group) else {
            return 0;
        };
        let exclude = self.local_session(event.exclude);
        room.broadcast_recorded(&event.frame, exclude, event.history)
            .queued
    }

    /// Another node passes a call for a room this node decides for. `Ok(None)`: this node
    /// does not decide for it (any more).
    pub async fn on_owner_call(
        self: &Arc<Self>,
        key: &RoomKey,
        call: OwnerCall,
    ) -> Result<Option<OwnerAnswer>, Error> {
        match call {
            OwnerCall::Send(remote) => {
                let req = crate::messages::SendRequest::from_remote(&key.group, remote)?;
                let receipt = self.send_group_msg(key.app, req).await?;
                Ok(Some(OwnerAnswer::Sent {
                    msg_seq: receipt.msg_seq,
                    msg_time: receipt.msg_time,
                    dropped: !receipt.drop_reason.is_empty(),
                    level: receipt.level,
                }))
            }
            OwnerCall::Publish(frame) => {
                let room = self.room(key.app, &key.group).await?;
                self.hand_out(
                    &room,
                    RoomEvent {
                        frame: frame.into_frame(),
                        exclude: None,
                        history: None,
                    },
                );
                Ok(Some(OwnerAnswer::Published))
            }
            OwnerCall::Audience { members } => {
                let room = self.room(key.app, &key.group).await?;
                let (online, members) = self.audience(&room, members as usize);
                Ok(Some(OwnerAnswer::Audience { online, members }))
            }
            OwnerCall::Like { user, count } => {
                let room = self.room(key.app, &key.group).await?;
                self.add_likes(&room, user.as_ref(), count)?;
                Ok(Some(OwnerAnswer::Liked))
            }
            OwnerCall::Gift(gift) => {
                let receipt = self.send_gift(key.app, &key.group, gift).await?;
                Ok(Some(OwnerAnswer::Gift(receipt)))
            }
            OwnerCall::StartDraw {
                operator,
                keyword,
                secs,
                winners,
            } => {
                let id = self
                    .start_draw(key.app, &key.group, &operator, &keyword, secs, winners)
                    .await?;
                Ok(Some(OwnerAnswer::DrawStarted(id)))
            }
            OwnerCall::Recall {
                operator,
                msg_seqs,
                origin,
            } => {
                let outcomes = self
                    .recall(key.app, &key.group, "", &operator, &msg_seqs, origin)
                    .await?;
                let outcomes = outcomes
                    .into_iter()
                    .map(|(seq, r)| (seq, r.err()))
                    .collect();
                Ok(Some(OwnerAnswer::Recalled(outcomes)))
            }
        }
    }

    /// Cluster mode: the answer of the room's owner when another node owns it; `None` when
    /// this node decides (always on a single node) and runs the call itself.
    pub(crate) async fn at_owner(
        &self,
        app: AppId,
        group: &GroupId,
        call: impl FnOnce() -> OwnerCall,
    ) -> Result<Option<OwnerAnswer>, Error> {
        let broker = self.broker();
        if !broker.clustered() {
            return Ok(None);
        }
        let key = RoomKey::new(app, group);
        if broker.route(&key).await? == Route::Here {
            return Ok(None);
        }
        broker.call(&key, call()).await
    }

    /// Hands a tip or push to a room's members here and on the other nodes (the caller
    /// decides for the room).
    pub(crate) fn tell_here(&self, room: &RoomRef, frame: Frame) -> FanOut {
        self.hand_out(
            room,
            RoomEvent {
                frame,
                exclude: None,
                history: None,
            },
        )
    }

    /// The room's audience across the cluster as this node knows it: its own members plus
    /// what the other nodes reported.
    pub(crate) fn audience(&self, room: &RoomRef, limit: usize) -> (usize, Vec<Member>) {
        let others = self.broker().others(&room.key());
        let online = room.online_with(&online_elsewhere(&others));
        let mut members = local_members(room, limit);
        members.extend(others.into_iter().flat_map(|p| p.members));
        members.sort_by(|a, b| {
            a.user
                .cmp(&b.user)
                .then_with(|| b.join_time.cmp(&a.join_time))
        });
        members.dedup_by(|later, first| later.user == first.user);
        members.sort_by(|a, b| {
            b.join_time
                .cmp(&a.join_time)
                .then_with(|| a.user.cmp(&b.user))
        });
        members.truncate(limit);
        (online, members)
    }

    /// Asks the room's owner for the cluster's audience (REST reads on any node answer
    /// for the whole cluster).
    pub(crate) async fn cluster_audience(
        &self,
        room: &RoomRef,
        limit: usize,
    ) -> Result<(usize, Vec<Member>), Error> {
        let broker = self.broker();
        if broker.clustered() && broker.route(&room.key()).await? == Route::Elsewhere {
            let call = OwnerCall::Audience {
                members: limit as u32,
            };
            if let Some(OwnerAnswer::Audience { online, members }) =
                broker.call(&room.key(), call).await?
            {
                return Ok((online, members));
            }
        }
        Ok(self.audience(room, limit))
    }

    /// This node's members of `room` changed: the others learn its part.
    pub(crate) fn report_audience(&self, room: &RoomRef) {
        let broker = self.broker();
        if !broker.clustered() {
            return;
        }
        let members = local_members(room, REPORTED_MEMBERS);
        broker.presence(
            &room.key(),
            Presence {
                online: room.local_online(),
                users: room.local_users(),
                members,
            },
        );
    }

    /// Other nodes reported their part of a room's audience.
    pub fn audience_elsewhere_changed(&self, key: &RoomKey) {
        let Some(room) = self.loaded_room(key.app, &key.group) else {
            return;
        };
        let elsewhere = online_elsewhere(&self.broker().others(key));
        if room.set_online_elsewhere(elsewhere) && self.broker().decides(key) {
            self.online_changed(&room);
        }
    }

    /// Before this node decides for a room: the sends stored in the last de-duplication
    /// window (the store's short history of the room) are remembered, so a send repeated
    /// after the room moved here (a sender retrying when its answer was lost with the old
    /// owner) is answered as its first send was instead of being stored twice.
    pub async fn prepare_to_decide(&self, key: &RoomKey) {
        let Some(room) = self.loaded_room(key.app, &key.group) else {
            return;
        };
        let Ok(app) = self.apps.get(key.app) else {
            return;
        };
        let settings = app.settings();
        if !settings.history_enabled || settings.history_count == 0 {
            return;
        }
        let since = liveroom_core::time::unix_secs() - crate::dedup::DEDUP_WINDOW_SECS;
        let read = self
            .store
            .history(
                key.app,
                &key.group,
                since,
                None,
                settings.history_count,
                true,
            )
            .await;
        match read {
            Ok(mut records) => {
                records.reverse();
                room.sending.remember_stored(&records);
            }
            Err(e) => {
                tracing::warn!(group = %key.group, error = %e, "recent sends not read on takeover; repeats of them are not recognised");
            }
        }
    }

    /// This node starts or stops deciding for a room.
    pub fn ownership_changed(self: &Arc<Self>, key: &RoomKey, owned: bool) {
        let Some(room) = self.loaded_room(key.app, &key.group) else {
            return;
        };
        // Whatever this node numbered before, another node may have numbered since.
        room.sending.forget_seq_block();
        if !owned {
            return;
        }
        crate::messages::ready_seq_block(self.store.clone(), room.clone());
        // What the previous owner kept in the store (the like total above all) is the
        // room's now.
        let engine = self.clone();
        tokio::spawn(async move {
            if let Err(e) = engine.reload_room(&room).await {
                tracing::warn!(group = %room.id, error = %e, "the room was not read again on takeover");
            }
            room.live.reset_likes(&room.profile.read().custom);
            engine.online_push_due(&room);
        });
    }

    /// A change another node made that this node applies to what it holds.
    pub async fn on_app_event(self: &Arc<Self>, app: AppId, event: AppEvent, _me: u64) {
        match event {
            AppEvent::RoomChanged { group } => {
                self.state_cache.entries.remove(&(app, group.clone()));
                if let Some(room) = self.loaded_room(app, &group) {
                    if let Err(e) = self.reload_room(&room).await {
                        tracing::warn!(group = %group, error = %e, "a changed room was not reloaded");
                    }
                }
            }
            AppEvent::RemoveFromRoom {
                group,
                users,
                tip,
                operator,
            } => {
                if let Some(room) = self.loaded_room(app, &group) {
                    let notice = tip.into_frame();
                    for u in &users {
                        self.remove_user_here(&room, u, &notice, &operator);
                    }
                }
            }
            AppEvent::RoomDismissed { group, tip } => {
                if let Some(room) = self.forget_room(app, &group) {
                    let tip = tip.into_frame();
                    room.broadcast(&tip, None);
                    let sessions = room.close_for_good();
                    crate::metrics::room_members_changed(-(sessions.len() as f64));
                    for s in sessions {
                        s.remove_room(&group);
                    }
                    let key = room.key();
                    self.broker().interest(&key, false).await;
                }
            }
            AppEvent::LoggedIn { user, platform, at } => {
                let Ok(a) = self.apps.get(app) else { return };
                let policy = a.settings().login_policy;
                for other in self.user_sessions(app, &user) {
                    if self.addr_of(&other) != at
                        && crate::members::replaced_by_login(policy, &other, &platform)
                    {
                        other.kick(KickReason::MultiLogin, "logged in on another device");
                    }
                }
            }
            AppEvent::KickUser { user, reason, info } => {
                self.c2c_known.forget(app, &user);
                for s in self.user_sessions(app, &user) {
                    s.kick(reason, &info);
                }
            }
            AppEvent::BlocklistChanged { owner } => self.forget_blocklist(app, &owner),
            AppEvent::Membership {
                group,
                users,
                joined,
            } => self.membership_here(app, &group, &users, joined).await,
            AppEvent::UserStatus {
                user,
                node,
                presence,
            } => self.apply_status(app, &user, node, presence),
            AppEvent::Broadcast(b) => {
                self.broadcast_here(app, &b);
            }
            AppEvent::Recalled { group, msg_seqs } => {
                if let Some(room) = self.loaded_room(app, &group) {
                    crate::recall::forget_in_history(&room, &msg_seqs);
                }
            }
            AppEvent::AppChanged => {
                if let Err(e) = self.reload_app(app).await {
                    tracing::warn!(app = app.0, error = %e, "a changed app was not reloaded");
                }
            }
        }
    }

    /// The loaded room, if this node holds it now.
    pub(crate) fn loaded_room(&self, app: AppId, group: &GroupId) -> Option<RoomRef> {
        self.rooms.get(&(app, group.clone())).map(|r| r.clone())
    }

    /// Reads a room's profile, mutes, bans and admins from the store again.
    async fn reload_room(&self, room: &RoomRef) -> Result<(), Error> {
        let (app, id) = (room.app, room.id.clone());
        let now = unix_secs();
        let store_err = crate::store_err;
        let Some(record) = self.store.get_group(app, &id).await.map_err(store_err)? else {
            return Ok(());
        };
        let mutes = self
            .store
            .list_mutes(app, &id, now)
            .await
            .map_err(store_err)?;
        let bans = self
            .store
            .list_bans(app, &id, now)
            .await
            .map_err(store_err)?;
        let admins = self
            .store
            .list_group_admins(app, &id)
            .await
            .map_err(store_err)?;
        *room.mutes.lock() = mutes.into_iter().map(|r| (r.user, r.until)).collect();
        *room.bans.lock() = bans.into_iter().map(|r| (r.user, r.until)).collect();
        *room.admins.write() = admins.into_iter().collect();
        room.replace_profile(record);
        Ok(())
    }

    /// Reads an app (settings, key, admins) from the store again. One change of an app at a
    /// time: a local change in progress is finished first, so this reads what it wrote.
    async fn reload_app(&self, app: AppId) -> Result<(), Error> {
        let store_err = crate::store_err;
        let current = self.apps.get(app)?;
        let _one_at_a_time = current.settings_lock.lock().await;
        let Some(record) = self.store.get_app(app).await.map_err(store_err)? else {
            return Ok(());
        };
        let admins = self.store.list_admins(app).await.map_err(store_err)?;
        if record.secret_key != current.secret_key() {
            let fresh =
                crate::apps::App::from_record(&record, admins).map_err(Error::InvalidParameter)?;
            self.apps.insert(fresh);
        } else {
            let filter = if record.settings.filter != current.settings().filter {
                let lists = record.settings.filter.clone();
                let built =
                    tokio::task::spawn_blocking(move || crate::filter::WordFilter::build(&lists))
                        .await
                        .map_err(|_| Error::Internal)?
                        .map_err(Error::InvalidParameter)?;
                Some(built.map(Arc::new))
            } else {
                None
            };
            current.replace_settings(record.settings.clone(), filter);
            current.replace_admins(admins);
        }
        for room in self.loaded_rooms(app) {
            room.reconfigure(&record.settings);
        }
        Ok(())
    }

    /// Removes a user's connections on this node from a room, each told `notice`.
    pub(crate) fn remove_user_here(
        &self,
        room: &RoomRef,
        user: &liveroom_core::UserId,
        notice: &Frame,
        operator: &str,
    ) {
        let removed = room.remove_user(user);
        crate::metrics::room_members_changed(-(removed.len() as f64));
        let origin = removed.first().map(|s| s.origin());
        for s in &removed {
            s.remove_room(&room.id);
            s.push(notice);
        }
        if !removed.is_empty() {
            self.member_left(room, user, operator, crate::members::Exit::Banned, origin);
            self.online_changed(room);
            self.report_audience(room);
        }
    }

    /// A broadcast's frames for the rooms with members on this node.
    pub(crate) fn broadcast_here(&self, app: AppId, b: &BroadcastMessage) -> usize {
        let Ok(raw) = serde_json::value::RawValue::from_string(b.body.clone()) else {
            return 0;
        };
        let mut delivered = 0;
        for room in self
            .loaded_rooms(app)
            .into_iter()
            .filter(|r| r.local_online() > 0)
        {
            let frame = crate::messages::Outgoing {
                group: room.id.as_str(),
                from: b.from.as_str(),
                nick: &b.nick,
                avatar: &b.avatar,
                level: b.level,
                seq: b.seq,
                time: b.time,
                random: b.random,
                priority: liveroom_core::group::Priority::High,
                body: &raw,
                cloud_custom_data: &b.cloud_custom_data,
                topic: "",
                at_info: None,
                stored: None,
            }
            .frame(false);
            if let Ok(frame) = frame {
                delivered += room.broadcast(&frame, None).queued;
            }
        }
        delivered
    }
}

/// The room's latest logged-in joiners on this node, newest first.
/// What other nodes' reports add to a room's online count: the users of a node that listed
/// them all are told apart (a user on two nodes counts once); the rest is added up.
fn online_elsewhere(reports: &[Presence]) -> OnlineElsewhere {
    let mut sum = OnlineElsewhere::default();
    for p in reports {
        let listed: std::collections::HashSet<&UserId> =
            p.members.iter().map(|m| &m.user).collect();
        if listed.len() == p.users && p.online >= p.users {
            sum.uncounted += p.online - p.users;
            sum.users.extend(listed.into_iter().cloned());
        } else {
            sum.uncounted += p.online;
        }
    }
    sum
}

fn local_members(room: &RoomRef, limit: usize) -> Vec<Member> {
    room.recent_members(limit)
        .into_iter()
        .map(|(user, join_time, nick, avatar)| Member {
            user,
            join_time,
            nick,
            avatar,
        })
        .collect()
}
