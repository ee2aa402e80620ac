//! Who decides for each room: this node's lease in the nodes bucket, the rooms' keys in the
//! rooms bucket, settling a room's owner and taking rooms over (docs/cluster.md, "Choosing
//! the owner").

use super::*;

/// Opens the cluster's buckets, making them when they are missing.
pub(crate) async fn open_buckets(
    client: &async_nats::Client,
    names: &Names,
) -> Result<Buckets, String> {
    Ok(Buckets {
        nodes: open_bucket(
            client,
            &names.nodes_bucket(),
            LEASE_TTL,
            "Liveroom node leases",
        )
        .await?,
        rooms: open_bucket(
            client,
            &names.rooms_bucket(),
            ROOM_KEY_AGE,
            "Liveroom room owners",
        )
        .await?,
    })
}

/// Opens a KV bucket whose entries live `max_age` after their last write, making it when it
/// is missing. The bucket's stream is made with a plain JetStream API request (the
/// configuration every KV client gives a bucket), which every server with JetStream
/// understands the same way.
pub(crate) async fn open_bucket(
    client: &async_nats::Client,
    bucket: &str,
    max_age: Duration,
    description: &str,
) -> Result<kv::Store, String> {
    let js = async_nats::jetstream::new(client.clone());
    if let Ok(kv) = js.get_key_value(bucket).await {
        return Ok(kv);
    }
    let window = max_age.min(Duration::from_secs(120));
    let config = serde_json::json!({
        "name": format!("KV_{bucket}"),
        "description": description,
        "subjects": [format!("$KV.{bucket}.>")],
        "retention": "limits",
        "max_msgs_per_subject": 1,
        "max_age": max_age.as_nanos() as u64,
        "duplicate_window": window.as_nanos() as u64,
        "discard": "new",
        "storage": "file",
        "num_replicas": 1,
        "allow_rollup_hdrs": true,
        "deny_delete": true,
        "allow_direct": true,
        "max_consumers": -1,
        "max_msgs": -1,
        "max_bytes": -1,
        "max_msg_size": -1,
    });
    let answer = client
        .request(
            format!("$JS.API.STREAM.CREATE.KV_{bucket}"),
            config.to_string().into(),
        )
        .await
        .map_err(|e| {
            format!("cannot make the NATS KV bucket {bucket}: {e} (is JetStream enabled?)")
        })?;
    let answer: serde_json::Value = serde_json::from_slice(&answer.payload).unwrap_or_default();
    if let Some(err) = answer.get("error") {
        // Made by another node at the same moment: fine.
        if err["err_code"].as_u64() != Some(10058) {
            return Err(format!("cannot make the NATS KV bucket {bucket}: {err}"));
        }
    }
    js.get_key_value(bucket)
        .await
        .map_err(|e| format!("cannot open the NATS KV bucket {bucket}: {e}"))
}

/// A room key's value: the owner node and the epoch of its lease.
pub(crate) fn holder_value(node: u64, epoch: u64) -> Bytes {
    format!("{node}:{epoch}").into()
}

pub(crate) fn parse_holder(value: &[u8]) -> Option<(u64, u64)> {
    let (node, epoch) = std::str::from_utf8(value).ok()?.split_once(':')?;
    Some((node.parse().ok()?, epoch.parse().ok()?))
}

impl Inner {
    /// The epoch of this node's lease, while it is fresh.
    pub(crate) fn fresh_epoch(&self) -> Option<u64> {
        self.lease
            .lock()
            .as_ref()
            .filter(|l| l.written.elapsed() < LEASE_TTL)
            .map(|l| l.epoch)
    }

    pub(crate) fn owns(&self, room: &RoomKey) -> bool {
        let Some(epoch) = self.fresh_epoch() else {
            return false;
        };
        self.rooms
            .get(room)
            .is_some_and(|l| l.lease.as_ref().is_some_and(|s| s.epoch == epoch))
    }

    /// Whether `node` has been heard from lately.
    pub(crate) fn heard(&self, node: u64) -> bool {
        self.alive
            .get(&node)
            .is_some_and(|t| t.elapsed() < NODE_SILENT)
    }

    /// Another node last seen owning `room`, if it is still heard from (this node never
    /// calls itself: a room it owns no longer is settled again).
    pub(crate) fn known_owner(&self, room: &RoomKey) -> Option<u64> {
        self.owner_heard(&*self.rooms.get(room)?)
    }

    fn owner_heard(&self, link: &Link) -> Option<u64> {
        let (node, _) = link.owner?;
        (node != self.node && self.heard(node)).then_some(node)
    }

    /// The epoch of this node's lease, taking a new lease when it holds none that is fresh.
    pub(crate) async fn node_epoch(&self) -> Result<u64, Error> {
        if let Some(epoch) = self.fresh_epoch() {
            return Ok(epoch);
        }
        let _one = self.leasing.lock().await;
        if let Some(epoch) = self.fresh_epoch() {
            return Ok(epoch);
        }
        // Whatever was held under a lapsed lease is given up first.
        self.lose_rooms();
        let epoch = nonzero_random();
        let nodes = self.buckets().nodes;
        let key = self.node.to_string();
        let value: Bytes = epoch.to_string().into();
        let sent = Instant::now();
        let revision = match nodes.create(&key, value.clone()).await {
            Ok(revision) => revision,
            Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => {
                // The lapsed lease is still there: it is replaced (with the new epoch).
                let entry = nodes.entry(key.clone()).await.map_err(unavailable)?;
                let last = entry.map_or(0, |e| e.revision);
                nodes.update(&key, value, last).await.map_err(unavailable)?
            }
            Err(e) => {
                self.reopen_buckets().await;
                return Err(unavailable(e));
            }
        };
        *self.lease.lock() = Some(NodeLease {
            epoch,
            revision,
            written: sent,
        });
        tracing::info!(node = %self.name, "this node holds a lease");
        Ok(epoch)
    }

    /// Renews this node's lease. A lease that cannot be renewed before it lapses is given
    /// up with every room held under it.
    pub(crate) async fn renew_lease(&self) {
        let _one = self.leasing.lock().await;
        let held = self
            .lease
            .lock()
            .as_ref()
            .map(|l| (l.epoch, l.revision, l.written));
        // Without a lease there is nothing to renew: one is taken when a room needs it.
        let Some((epoch, revision, written)) = held else {
            return;
        };
        let nodes = self.buckets().nodes;
        let sent = Instant::now();
        match nodes
            .update(self.node.to_string(), epoch.to_string().into(), revision)
            .await
        {
            Ok(next) => {
                if let Some(l) = self.lease.lock().as_mut().filter(|l| l.epoch == epoch) {
                    l.revision = next;
                    l.written = sent;
                }
            }
            Err(e) => {
                let taken = e.kind() == kv::UpdateErrorKind::WrongLastRevision;
                if !taken {
                    self.reopen_buckets().await;
                }
                if taken || written.elapsed() >= LEASE_TTL {
                    tracing::warn!(node = %self.name, error = %e, "this node's lease lapsed; it gives up the rooms it owned");
                    *self.lease.lock() = None;
                    self.lose_rooms();
                } else {
                    tracing::warn!(node = %self.name, error = %e, "lease not renewed");
                }
            }
        }
    }

    /// Whether `node`'s lease with `epoch` is in the nodes bucket.
    pub(crate) async fn lease_alive(&self, node: u64, epoch: u64) -> Result<bool, Error> {
        let nodes = self.buckets().nodes;
        let value = nodes.get(node.to_string()).await.map_err(unavailable)?;
        Ok(value.is_some_and(|v| v.as_ref() == epoch.to_string().as_bytes()))
    }

    /// Reads the room's owner from the bucket and takes the room when nobody holds it, or
    /// when the lease of the node that held it is gone.
    pub(crate) async fn settle_owner(self: &Arc<Self>, room: &RoomKey) -> Result<Route, Error> {
        let settling = self.rooms.entry(room.clone()).or_default().settling.clone();
        let _one = settling.lock().await;
        if self.owns(room) {
            return Ok(Route::Here);
        }
        let rooms = self.buckets().rooms;
        let key = Names::owner_key(room);
        let entry = rooms.entry(key.clone()).await.map_err(unavailable)?;
        let holder = entry
            .as_ref()
            .filter(|e| e.operation == kv::Operation::Put)
            .and_then(|e| parse_holder(&e.value));
        if let Some((node, epoch)) = holder.filter(|(node, _)| *node != self.node) {
            if self.lease_alive(node, epoch).await? {
                let now = Instant::now();
                // Its lease was just read: the node is alive even if not heard from yet.
                self.alive.entry(node).or_insert(now);
                self.rooms.entry(room.clone()).or_default().owner = Some((node, now));
                return Ok(Route::Elsewhere);
            }
        }
        let epoch = self.node_epoch().await?;
        let value = holder_value(self.node, epoch);
        // A key that is deleted, stale (its lease is gone) or this node's own from before
        // is taken with the revision read: of several nodes trying, one succeeds.
        let taken = match &entry {
            Some(e) => rooms.update(&key, value, e.revision).await.map_err(|e| {
                (
                    e.kind() == kv::UpdateErrorKind::WrongLastRevision,
                    unavailable(e),
                )
            }),
            None => rooms.create(&key, value).await.map_err(|e| {
                (
                    e.kind() == kv::CreateErrorKind::AlreadyExists,
                    unavailable(e),
                )
            }),
        };
        match taken {
            Ok(revision) => self.become_owner(room, epoch, revision).await,
            // Another node was quicker.
            Err((true, _)) => Ok(Route::Elsewhere),
            Err((false, e)) => {
                self.reopen_buckets().await;
                Err(e)
            }
        }
    }

    pub(crate) async fn become_owner(
        self: &Arc<Self>,
        room: &RoomKey,
        epoch: u64,
        revision: u64,
    ) -> Result<Route, Error> {
        let calls = self
            .client
            .subscribe(self.names.owner(room))
            .await
            .map_err(unavailable)?;
        self.client.flush().await.map_err(unavailable)?;
        // Calls that arrive meanwhile are answered "not the owner" and come again.
        if let Some(engine) = self.engine() {
            engine.prepare_to_decide(room).await;
        }
        let lease = Lease {
            epoch,
            revision,
            written: Instant::now(),
            calls: tokio::spawn(owner_calls(Arc::downgrade(self), room.clone(), calls)),
        };
        {
            let mut link = self.rooms.entry(room.clone()).or_default();
            link.lease = Some(lease);
            link.owner = Some((self.node, Instant::now()));
        }
        tracing::debug!(app = room.app.0, group = %room.group, node = %self.name, "this node now decides for the room");
        // The others report their audiences at once, whatever this node heard before.
        self.send(self.names.presence(room), Bytes::from_static(b"?"));
        if let Some(engine) = self.engine() {
            engine.ownership_changed(room, true);
        }
        Ok(Route::Here)
    }

    pub(crate) fn drop_lease(&self, room: &RoomKey) {
        let lease = self.rooms.get_mut(room).and_then(|mut l| {
            if l.owner.is_some_and(|(node, _)| node == self.node) {
                l.owner = None;
            }
            l.lease.take()
        });
        if lease.is_some() {
            tracing::debug!(app = room.app.0, group = %room.group, "this node no longer decides for the room");
            if let Some(engine) = self.engine() {
                engine.ownership_changed(room, false);
            }
        }
    }

    /// Gives up every room held (the lease they were held under is gone).
    pub(crate) fn lose_rooms(&self) {
        let held: Vec<RoomKey> = self
            .rooms
            .iter()
            .filter(|l| l.lease.is_some())
            .map(|l| l.key().clone())
            .collect();
        for room in held {
            self.drop_lease(&room);
        }
    }

    /// Writes again the keys of rooms owned for a long time, so they never age out while
    /// held.
    pub(crate) async fn refresh_room_keys(&self) {
        let due: Vec<(RoomKey, u64, u64)> = self
            .rooms
            .iter()
            .filter_map(|l| {
                let s = l.lease.as_ref()?;
                (s.written.elapsed() >= ROOM_KEY_REFRESH)
                    .then(|| (l.key().clone(), s.epoch, s.revision))
            })
            .collect();
        let rooms = self.buckets().rooms;
        for (room, epoch, revision) in due {
            let key = Names::owner_key(&room);
            match rooms
                .update(key, holder_value(self.node, epoch), revision)
                .await
            {
                Ok(next) => {
                    if let Some(mut link) = self.rooms.get_mut(&room) {
                        if let Some(s) = link.lease.as_mut().filter(|s| s.revision == revision) {
                            s.revision = next;
                            s.written = Instant::now();
                        }
                    }
                }
                Err(e) if e.kind() == kv::UpdateErrorKind::WrongLastRevision => {
                    tracing::warn!(group = %room.group, "room key taken by another node");
                    self.drop_lease(&room);
                }
                Err(e) => {
                    tracing::warn!(group = %room.group, error = %e, "room key not written again");
                    return;
                }
            }
        }
    }

    /// Takes over the served rooms whose owner went quiet, and lets the audience reports
    /// of nodes that went away go stale.
    pub(crate) async fn look_after_rooms(self: &Arc<Self>) {
        self.refresh_room_keys().await;
        let orphaned: Vec<RoomKey> = self
            .rooms
            .iter()
            .filter(|l| l.lease.is_none() && l.events.is_some() && self.owner_heard(l).is_none())
            .map(|l| l.key().clone())
            .collect();
        let failed = std::sync::atomic::AtomicBool::new(false);
        futures_util::stream::iter(orphaned)
            .for_each_concurrent(TAKEOVERS_AT_ONCE, |room| {
                let failed = &failed;
                async move {
                    if failed.load(std::sync::atomic::Ordering::Relaxed) {
                        return;
                    }
                    if let Err(e) = self.settle_owner(&room).await {
                        tracing::debug!(group = %room.group, error = %e, "room owner not settled");
                        failed.store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            })
            .await;
        // Reports of nodes that went away go.
        let mut changed = Vec::new();
        for link in self.rooms.iter() {
            let mut others = link.others.lock();
            let before = others.len();
            others.retain(|node, _| self.heard(*node));
            if others.len() != before {
                changed.push(link.key().clone());
            }
        }
        if let Some(engine) = self.engine() {
            for room in changed {
                engine.audience_elsewhere_changed(&room);
            }
        }
    }
}
