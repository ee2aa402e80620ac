//! A room's short history read back: to seed a loaded room, and for `group_msg_get_simple`.

use super::*;

impl Engine {
    /// A room's short history from the store, oldest first, as frames marked `History`
    /// (to seed the in-memory copy when the room is loaded).
    pub(crate) async fn load_history(
        &self,
        app: AppId,
        group: &GroupId,
        settings: &liveroom_core::app::AppSettings,
    ) -> Result<Vec<(i64, Frame)>, Error> {
        if !settings.history_enabled || settings.history_count == 0 {
            return Ok(Vec::new());
        }
        let since = unix_secs() - settings.history_max_age_secs as i64;
        let mut records = self
            .store
            .history(app, group, since, None, settings.history_count, false)
            .await
            .map_err(|e| {
                tracing::error!(group = %group, error = %e, "history read failed");
                Error::Internal
            })?;
        records.reverse();
        let mut frames = Vec::with_capacity(records.len());
        for r in records {
            let Ok(body) = RawValue::from_string(r.body) else {
                continue;
            };
            let outgoing = Outgoing {
                group: r.group.as_str(),
                from: r.from_account.as_str(),
                nick: &r.nick,
                avatar: &r.face_url,
                level: r.sender_level,
                seq: r.msg_seq,
                time: r.msg_time,
                random: r.random,
                priority: r.priority,
                body: &body,
                cloud_custom_data: &r.cloud_custom_data,
                topic: "",
                at_info: None,
                stored: None,
            };
            frames.push((r.msg_time, outgoing.frame(true)?));
        }
        Ok(frames)
    }

    /// `group_msg_get_simple`: history newest first, up to `limit`, at or below `max_seq`;
    /// recalled messages (as placeholders) only `with_recalled`.
    pub async fn group_history(
        &self,
        app: AppId,
        group: &GroupId,
        max_seq: Option<u64>,
        limit: u32,
        with_recalled: bool,
    ) -> Result<(GroupRecord, Vec<HistoryRecord>), Error> {
        let room = self.room(app, group).await?;
        let settings = self.apps.get(app)?.settings();
        let since = unix_secs() - settings.history_max_age_secs as i64;
        let records = self
            .store
            .history(app, group, since, max_seq, limit, with_recalled)
            .await
            .map_err(|_| Error::Internal)?;
        Ok((room.profile(), records))
    }
}
