//! The named scenarios. Each is a starting point: every field can be overridden from the
//! command line.

use crate::run::Plan;

pub const NAMES: [&str; 5] = ["idle", "danmaku", "many-rooms", "broadcast", "churn"];

/// The plan of a named scenario, sized for one 2-core machine whose processes may each
/// hold 20,000 open files.
pub fn preset(name: &str) -> Option<Plan> {
    let base = Plan {
        scenario: name.to_string(),
        viewers: 19_000,
        rooms: 1,
        senders: 0,
        rate: 0.0,
        mix: [0, 100, 0, 0],
        payload_bytes: 100,
        ramp_rate: 4000.0,
        hold_secs: 20,
        churn: None,
        broadcast: false,
        per_source: 10_000,
    };
    Some(match name {
        // As many connections as the process limits allow, nothing sent.
        "idle" => Plan {
            hold_secs: 5,
            ..base
        },
        // One room, senders offering 1.5 times the room's frequency limit with a mix of
        // priorities, so frequency control is exercised.
        "danmaku" => Plan {
            senders: 8,
            rate: 60.0,
            mix: [5, 80, 15, 0],
            ..base
        },
        // Thousands of small rooms, two messages a second each.
        "many-rooms" => Plan {
            viewers: 16_000,
            rooms: 2000,
            senders: 100,
            rate: 4000.0,
            ..base
        },
        // send_broadcast_msg to every room, twice a second.
        "broadcast" => Plan {
            viewers: 16_000,
            rooms: 1000,
            rate: 2.0,
            broadcast: true,
            mix: [100, 0, 0, 0],
            ..base
        },
        // Viewers leave after 2-8 s and come straight back while messages flow.
        "churn" => Plan {
            viewers: 5000,
            rooms: 10,
            senders: 10,
            rate: 200.0,
            ramp_rate: 2000.0,
            churn: Some((2.0, 8.0)),
            ..base
        },
        _ => return None,
    })
}

/// App settings Liveroom gets for a run: senders of `many-rooms` sit in many rooms, and
/// the guest viewers, thousands from each loopback source address, are not capped per
/// address.
pub fn liveroom_settings(plan: &Plan) -> serde_json::Value {
    serde_json::json!({
        "single_room_per_connection": plan.rooms <= plan.senders.max(1),
        "guests_per_ip_per_room": 0,
    })
}
