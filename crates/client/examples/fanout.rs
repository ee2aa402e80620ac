//! A quick fan-out probe (the full load tool is separate): N guest viewers in one room, one
//! logged-in sender posting M messages at a fixed rate; prints deliveries per second and
//! end-to-end latency percentiles (send timestamp carried in the text).
//!
//! cargo run --release -p liveroom-client --example fanout -- \
//!     ws://127.0.0.1:8080/ws SDKAPPID SECRET_KEY ROOM VIEWERS MESSAGES RATE_PER_SEC

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use liveroom_client::{message_text, Client, Event, Priority};
use liveroom_core::usersig;

fn micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, app, key, room, viewers, messages, rate] = args.as_slice() else {
        eprintln!("usage: fanout WS_URL SDKAPPID KEY ROOM VIEWERS MESSAGES RATE_PER_SEC");
        std::process::exit(2);
    };
    let app: u64 = app.parse()?;
    let (viewers, messages, rate): (usize, usize, f64) =
        (viewers.parse()?, messages.parse()?, rate.parse()?);

    let started = Instant::now();
    let mut handles = Vec::with_capacity(viewers);
    let gate = Arc::new(tokio::sync::Semaphore::new(64));
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(viewers.max(1));
    for _ in 0..viewers {
        let (url, room, gate, ready) = (url.clone(), room.clone(), gate.clone(), ready_tx.clone());
        handles.push(tokio::spawn(async move {
            let permit = gate.acquire_owned().await.ok()?;
            let mut c = Client::connect(&url).await.ok()?;
            c.guest(app).await.ok()?;
            c.join(&room).await.ok()?;
            drop(permit);
            let _ = ready.send(()).await;
            drop(ready);
            let mut latencies = Vec::with_capacity(messages);
            loop {
                match tokio::time::timeout(Duration::from_secs(5), c.next_event()).await {
                    Ok(Event::Message(m)) => {
                        if let Some(ts) = message_text(&m).and_then(|t| t.parse::<u64>().ok()) {
                            latencies.push(micros().saturating_sub(ts) as u32);
                        }
                        if latencies.len() == messages {
                            break;
                        }
                    }
                    Ok(Event::Closed) | Err(_) => break,
                    Ok(_) => {}
                }
            }
            Some(latencies)
        }));
    }
    drop(ready_tx);
    let mut joined = 0;
    while ready_rx.recv().await.is_some() {
        joined += 1;
    }
    let connect_secs = started.elapsed().as_secs_f64();
    println!(
        "{joined} of {viewers} viewers joined in {connect_secs:.2}s ({:.0}/s)",
        joined as f64 / connect_secs
    );

    let sender = Client::connect(url).await?;
    let sig = usersig::generate(
        app,
        key,
        "probe_sender",
        3600,
        (micros() / 1_000_000) as i64,
    );
    sender.login(app, "probe_sender", &sig).await?;
    sender.join(room).await?;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let send_start = Instant::now();
    let mut tick = tokio::time::interval(interval);
    for _ in 0..messages {
        tick.tick().await;
        sender.request_nowait(liveroom_client::Op::Send {
            group_id: room.clone(),
            msg_body: liveroom_client::text_body(&micros().to_string()),
            priority: Some(Priority::Normal.as_str().into()),
            cloud_custom_data: None,
            random: None,
            online_only: false,
            no_unread: false,
            no_last_msg: false,
            need_read_receipt: false,
            at_info: None,
            topic_id: None,
            extensible: false,
        })?;
    }
    let mut all: Vec<u32> = Vec::new();
    for h in handles {
        if let Ok(Some(l)) = h.await {
            all.extend(l);
        }
    }
    let elapsed = send_start.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    println!(
        "{} deliveries of {} expected in {elapsed:.2}s = {:.0} deliveries/s; latency ms p50 {:.2} p99 {:.2} p99.9 {:.2} max {:.2}",
        all.len(),
        joined * messages,
        all.len() as f64 / elapsed,
        pct(0.5),
        pct(0.99),
        pct(0.999),
        all.last().copied().unwrap_or(0) as f64 / 1000.0
    );
    Ok(())
}
