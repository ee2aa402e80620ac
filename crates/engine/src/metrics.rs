//! Metric names and the few calls that record them. Fan-out records once per message,
//! never per recipient.

pub const DROP_FREQUENCY: &str = "frequency";
/// Dropped silently by the word filter.
pub const DROP_FILTER: &str = "filter";
/// Dropped silently by the app's before-callback (`ErrorCode` 2).
pub const DROP_WEBHOOK: &str = "webhook";

/// A message the word filter acted on (`action`: mask, drop, reject).
pub fn filtered(action: &'static str) {
    metrics::counter!("liveroom_filter_hits_total", "action" => action).increment(1);
}

pub fn accepted() {
    metrics::counter!("liveroom_messages_accepted_total").increment(1);
}

pub fn dropped(reason: &'static str) {
    metrics::counter!("liveroom_messages_dropped_total", "reason" => reason).increment(1);
}

pub fn duplicate() {
    metrics::counter!("liveroom_messages_dropped_total", "reason" => "duplicate").increment(1);
}

pub fn delivered(n: u64) {
    metrics::counter!("liveroom_deliveries_total").increment(n);
}

pub fn queue_drops(n: u64) {
    metrics::counter!("liveroom_queue_drops_total").increment(n);
}

pub fn sessions(n: usize) {
    metrics::gauge!("liveroom_connections").set(n as f64);
}

pub fn rooms(n: usize) {
    metrics::gauge!("liveroom_rooms").set(n as f64);
}

pub fn room_members_changed(delta: f64) {
    metrics::gauge!("liveroom_room_members").increment(delta);
}

pub fn slow_consumer_closed() {
    metrics::counter!("liveroom_slow_consumer_closes_total").increment(1);
}

/// Statistics rows added to the store by one flush.
pub fn stats_written(rows: usize) {
    metrics::counter!("liveroom_stats_rows_written_total").increment(rows as u64);
}

/// A statistics flush the store refused (kept for the next one).
pub fn stats_write_failed() {
    metrics::counter!("liveroom_stats_write_failures_total").increment(1);
}

/// A gift call repeating an earlier call's `GiftKey`.
pub fn gift_duplicate() {
    metrics::counter!("liveroom_gift_duplicates_total").increment(1);
}

/// One group-commit transaction of the message path: how many messages, how long.
pub fn history_batch(messages: usize, took: std::time::Duration) {
    metrics::counter!("liveroom_history_batches_total").increment(1);
    metrics::counter!("liveroom_history_messages_written_total").increment(messages as u64);
    metrics::histogram!("liveroom_history_commit_seconds").record(took.as_secs_f64());
}

/// A history transaction the store refused (its messages were refused to their senders).
pub fn history_write_failed() {
    metrics::counter!("liveroom_history_write_failures_total").increment(1);
}

/// One group-commit transaction of stored messages (`kind` "c2c" or "group"): how many it
/// stored.
pub fn stored_batch(kind: &'static str, messages: usize) {
    let (batches, stored) = match kind {
        "c2c" => ("liveroom_c2c_batches_total", "liveroom_c2c_messages_total"),
        _ => (
            "liveroom_group_batches_total",
            "liveroom_group_stored_messages_total",
        ),
    };
    metrics::counter!(batches).increment(1);
    metrics::counter!(stored).increment(messages as u64);
}
