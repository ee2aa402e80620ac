//! Micro-benchmarks of the message hot path: validating and serializing a message, queueing
//! one shared frame to 10,000 connections, frequency-gate decisions, UserSig verification.
//!
//! cargo bench -p liveroom-engine --bench hot_path

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use serde_json::json;
use serde_json::value::RawValue;
use std::hint::black_box;
use std::time::{Duration, Instant};

use liveroom_core::group::Priority;
use liveroom_core::message::MsgBody;
use liveroom_core::protocol::MessageFrame;
use liveroom_core::usersig;
use liveroom_engine::gate::{FrequencyGate, Offer};
use liveroom_engine::outbound::{Frame, FrameClass, OutboundQueue, QueueLimits};

fn message_validation_and_serialization(c: &mut Criterion) {
    let body = json!([
        {"MsgType": "TIMTextElem", "MsgContent": {"Text": "what a play!! 🔥🔥 gg"}},
        {"MsgType": "TIMCustomElem", "MsgContent": {"Data": "{\"level\":12,\"badge\":\"vip\"}", "Desc": "", "Ext": ""}}
    ]);
    c.bench_function("message: validate MsgBody + serialize frame", |b| {
        b.iter(|| {
            let parsed = MsgBody::parse(black_box(&body)).expect("valid");
            let raw = RawValue::from_string(parsed.to_json()).expect("json");
            let text = serde_json::to_string(&MessageFrame {
                op: "message",
                group_id: "@TGS#aLIVE12345",
                from_account: "viewer_123",
                nick: "Viewer 123",
                avatar: "https://img.example/v123.png",
                level: 12,
                msg_seq: 1234,
                msg_time: 1_700_000_000,
                msg_random: 42,
                priority: "Normal",
                msg_body: &raw,
                cloud_custom_data: "{\"level\":12}",
                history: false,
                topic_id: "",
                at_info: None,
                group_type: "",
                no_unread: false,
                no_last_msg: false,
                need_read_receipt: false,
            })
            .expect("serialize");
            black_box(Frame::new(FrameClass::Message(Priority::Normal), text))
        })
    });
}

/// What audience statistics add to each delivered message: the room's tally (room counters,
/// the sender's visit, the popularity decay) and the sender's level, next to the message's
/// own validation and serialization above.
fn stats_per_message(c: &mut Criterion) {
    use liveroom_core::stats::{Counts, StatsSettings};
    use liveroom_core::UserId;
    use liveroom_engine::stats::{Levels, RoomTally};
    let settings = StatsSettings::default();
    let mut tally = RoomTally::new(1);
    let levels = Levels::default();
    let users: Vec<UserId> = (0..1000)
        .map(|i| UserId::parse(&format!("viewer_{i}")).expect("id"))
        .collect();
    for (i, u) in users.iter().enumerate() {
        tally.user_arrived(u, 1_700_000_000_000, i + 1);
        levels.insert(u, Counts::default(), &settings);
    }
    let one = Counts {
        messages: 1,
        ..Default::default()
    };
    let mut i = 0usize;
    let mut now = 1_700_000_000_000i64;
    c.bench_function(
        "stats: count a message (1,000 viewers) + sender level",
        |b| {
            b.iter(|| {
                i = (i + 1) % users.len();
                now += 1;
                let u = &users[i];
                let level = levels.level(u);
                tally.message(u, now, &settings);
                levels.add(u, &one, &settings);
                black_box(level)
            })
        },
    );
}

/// The word filter on a typical comment, against lists of growing size, and the cost of a
/// message with no filter (the common case).
fn word_filter(c: &mut Criterion) {
    use liveroom_core::callback::{FilterAction, FilterSettings, WordList};
    use liveroom_engine::filter::WordFilter;
    let body = MsgBody::parse(&json!([
        {"MsgType": "TIMTextElem", "MsgContent": {"Text": "What a PLAY!! gg everyone, see you at the next stream 🔥"}},
        {"MsgType": "TIMCustomElem", "MsgContent": {"Data": "{\"type\":\"danmaku\",\"text\":\"so good\"}", "Desc": ""}}
    ]))
    .expect("valid");
    let mut group = c.benchmark_group("word filter");
    for n in [1_000usize, 10_000, 100_000] {
        let words: Vec<String> = (0..n).map(|i| format!("w{i:06}x")).collect();
        let settings = FilterSettings {
            lists: vec![
                WordList {
                    action: FilterAction::Mask,
                    case_fold: true,
                    words,
                },
                WordList {
                    action: FilterAction::Reject,
                    case_fold: false,
                    words: vec!["SCAM".into()],
                },
            ],
            ..FilterSettings::default()
        };
        let started = Instant::now();
        let filter = WordFilter::build(&settings)
            .expect("compiles")
            .expect("words");
        eprintln!("word filter: {n} words compiled in {:?}", started.elapsed());
        group.bench_function(format!("clean message, {n} words"), |b| {
            b.iter(|| black_box(filter.check(black_box(&body))))
        });
    }
    group.finish();
}

fn fan_out_to_10k_queues(c: &mut Criterion) {
    const N: usize = 10_000;
    let queues: Vec<OutboundQueue> = (0..N)
        .map(|_| OutboundQueue::new(QueueLimits::default()))
        .collect();
    let frame = Frame::new(FrameClass::Message(Priority::Normal), "x".repeat(300));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let mut group = c.benchmark_group("fan-out");
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function("one frame to 10k outbound queues", |b| {
        b.iter_batched(
            || (),
            |()| {
                for q in &queues {
                    black_box(q.push(&frame));
                }
                // Drain so the queues never fill; the drain is the writer's side.
                rt.block_on(async {
                    let mut out = Vec::with_capacity(4);
                    for q in &queues {
                        out.clear();
                        let _ = q.next_batch(&mut out).await;
                    }
                });
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn frequency_gate(c: &mut Criterion) {
    let mut group = c.benchmark_group("frequency gate");
    group.bench_function("offer under the rate", |b| {
        let mut g: FrequencyGate<u32> = FrequencyGate::new(40, Duration::from_millis(100));
        let mut now = Instant::now();
        b.iter(|| {
            // 40 per second exactly: every offer finds a slot.
            now += Duration::from_millis(26);
            black_box(matches!(
                g.offer(now, Priority::Normal, 1),
                Offer::Admitted(_)
            ))
        })
    });
    group.bench_function("burst of 200 over a 40/s room + polls", |b| {
        let priorities = [
            Priority::High,
            Priority::Normal,
            Priority::Low,
            Priority::Lowest,
        ];
        b.iter(|| {
            let mut g: FrequencyGate<u32> = FrequencyGate::new(40, Duration::from_millis(100));
            let t0 = Instant::now();
            for i in 0..200u32 {
                let _ = g.offer(t0, priorities[(i % 4) as usize], i);
            }
            black_box(g.poll(t0 + Duration::from_millis(150)).admitted.len())
        })
    });
    group.finish();
}

fn usersig_verification(c: &mut Criterion) {
    let key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    let sig = usersig::generate(1_400_000_000, key, "viewer_123", 86_400, 1_700_000_000);
    c.bench_function("usersig: verify", |b| {
        b.iter(|| {
            usersig::verify(
                black_box(&sig),
                1_400_000_000,
                key,
                "viewer_123",
                1_700_000_001,
            )
            .expect("valid")
        })
    });
}

criterion_group!(
    benches,
    message_validation_and_serialization,
    stats_per_message,
    word_filter,
    fan_out_to_10k_queues,
    frequency_gate,
    usersig_verification
);
criterion_main!(benches);
