//! Results on disk: the JSON of each run, an SVG chart (deliveries per second and latency
//! over time) and a side-by-side table.

use anyhow::Result;
use plotters::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

use crate::run::Outcome;

/// Writes `<out>/<target>-<scenario>.json` and `.svg`; returns the file stem.
pub fn write(out: &Path, o: &Outcome) -> Result<String> {
    std::fs::create_dir_all(out)?;
    let stem = format!("{}-{}", o.target, o.plan.scenario);
    std::fs::write(
        out.join(format!("{stem}.json")),
        serde_json::to_string_pretty(o)?,
    )?;
    chart(&out.join(format!("{stem}.svg")), o)?;
    Ok(stem)
}

fn chart(path: &Path, o: &Outcome) -> Result<()> {
    let root = SVGBackend::new(path, (960, 640)).into_drawing_area();
    root.fill(&WHITE)?;
    let (top, bottom) = root.split_vertically(320);
    let t_max = o.series.last().map(|p| p.t).unwrap_or(1.0).max(1.0);
    let d_max = o
        .series
        .iter()
        .map(|p| p.deliveries_per_sec)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let title = format!(
        "{} / {}: {} viewers, {} rooms, {:.0} msg/s offered",
        o.target, o.plan.scenario, o.connected, o.plan.rooms, o.plan.rate
    );
    let mut c = ChartBuilder::on(&top)
        .caption(title, ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..t_max, 0.0..d_max * 1.1)?;
    c.configure_mesh()
        .x_desc("seconds")
        .y_desc("deliveries/s")
        .draw()?;
    c.draw_series(LineSeries::new(
        o.series.iter().map(|p| (p.t, p.deliveries_per_sec as f64)),
        &BLUE,
    ))?
    .label("deliveries/s")
    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE));
    c.configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .draw()?;

    let l_max = o.series.iter().map(|p| p.p99_ms).fold(1.0, f64::max);
    let mut c = ChartBuilder::on(&bottom)
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..t_max, 0.0..l_max * 1.1)?;
    c.configure_mesh()
        .x_desc("seconds")
        .y_desc("latency ms")
        .draw()?;
    let with_data = || o.series.iter().filter(|p| p.deliveries_per_sec > 0);
    c.draw_series(LineSeries::new(
        with_data().map(|p| (p.t, p.p50_ms)),
        &GREEN,
    ))?
    .label("p50")
    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], GREEN));
    c.draw_series(LineSeries::new(with_data().map(|p| (p.t, p.p99_ms)), &RED))?
        .label("p99")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED));
    c.configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .draw()?;
    root.present()?;
    Ok(())
}

/// A human summary of one run.
pub fn summary(o: &Outcome) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} / {}: {} connected ({} errors{}), {:.0} connects/s, join p50 {:.1} ms p99 {:.1} ms",
        o.target,
        o.plan.scenario,
        o.connected,
        o.connect_errors,
        o.first_error
            .as_ref()
            .map(|e| format!(": {e}"))
            .unwrap_or_default(),
        o.connect_rate_per_sec,
        o.join_latency.p50_ms,
        o.join_latency.p99_ms
    );
    let _ = writeln!(
        s,
        "  deliveries {} ({:.0}/s), latency p50 {:.1} ms p99 {:.1} ms p99.9 {:.1} ms max {:.1} ms, send errors {}, disconnects {}",
        o.deliveries,
        o.deliveries_per_sec,
        o.latency.p50_ms,
        o.latency.p99_ms,
        o.latency.p999_ms,
        o.latency.max_ms,
        o.send_errors,
        o.disconnects
    );
    if let (Some(same), Some(other)) = (&o.latency_same_node, &o.latency_other_node) {
        let _ = writeln!(
            s,
            "  by node: same node p50 {:.1} ms p99 {:.1} ms ({} deliveries), other node p50 {:.1} ms p99 {:.1} ms ({} deliveries)",
            same.p50_ms, same.p99_ms, same.samples, other.p50_ms, other.p99_ms, other.samples
        );
    }
    for p in o.by_priority.iter().filter(|p| p.sent > 0) {
        let _ = writeln!(
            s,
            "  {:>6}: sent {}, expected {}, received {}, dropped {} ({:.1}%)",
            p.priority,
            p.sent,
            p.expected,
            p.received,
            p.dropped,
            100.0 * p.dropped as f64 / p.expected.max(1) as f64
        );
    }
    let _ = writeln!(
        s,
        "  server: RSS idle {:.1} MB, loaded {:.1} MB, peak {:.1} MB ({:.0} B per connection); CPU {:.2} s = {:.3} CPU-s per million deliveries; load tool CPU {:.2} s over {:.1} s",
        o.server_rss_idle_bytes as f64 / 1e6,
        o.server_rss_loaded_bytes as f64 / 1e6,
        o.server_rss_peak_bytes as f64 / 1e6,
        o.server_bytes_per_connection,
        o.server_cpu_secs,
        o.server_cpu_secs_per_million,
        o.load_tool_cpu_secs,
        o.measured_secs
    );
    if o.servers.len() > 1 {
        let each: Vec<String> = o
            .servers
            .iter()
            .map(|p| {
                format!(
                    "pid {} RSS loaded {:.1} MB, CPU {:.2} s",
                    p.pid,
                    p.rss_loaded_bytes as f64 / 1e6,
                    p.cpu_secs
                )
            })
            .collect();
        let _ = writeln!(s, "  per server: {}", each.join("; "));
    }
    if !o.extra.is_empty() {
        let each: Vec<String> = o
            .extra
            .iter()
            .map(|p| format!("pid {} CPU {:.2} s", p.pid, p.cpu_secs))
            .collect();
        let _ = writeln!(
            s,
            "  extra: {}; system (servers + extra) CPU {:.2} s = {:.3} CPU-s per million deliveries",
            each.join("; "),
            o.system_cpu_secs,
            o.system_cpu_secs_per_million
        );
    }
    if o.parts > 1 || o.addresses.len() > 1 {
        let _ = writeln!(
            s,
            "  {} tool process(es), addresses {}",
            o.parts,
            o.addresses.join(",")
        );
    }
    if o.churn_joins_per_sec > 0.0 {
        let _ = writeln!(s, "  churn: {:.0} joins/s", o.churn_joins_per_sec);
    }
    s
}

/// The side-by-side table (Markdown), each figure also as a ratio to the first row.
pub fn compare_table(rows: &[Outcome]) -> String {
    let mut s = String::from(
        "| server | viewers | deliveries/s | CPU-s per 1M deliveries | p50 ms | p99 ms | RSS per connection |\n|---|---|---|---|---|---|---|\n",
    );
    let Some(base) = rows.first() else {
        return s;
    };
    let ratio = |v: f64, b: f64| {
        if b > 0.0 {
            format!(" ({:.2}x)", v / b)
        } else {
            String::new()
        }
    };
    for o in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {:.0}{} | {:.3}{} | {:.1}{} | {:.1}{} | {:.0} B{} |",
            o.target,
            o.connected,
            o.deliveries_per_sec,
            ratio(o.deliveries_per_sec, base.deliveries_per_sec),
            o.server_cpu_secs_per_million,
            ratio(
                o.server_cpu_secs_per_million,
                base.server_cpu_secs_per_million
            ),
            o.latency.p50_ms,
            ratio(o.latency.p50_ms, base.latency.p50_ms),
            o.latency.p99_ms,
            ratio(o.latency.p99_ms, base.latency.p99_ms),
            o.server_bytes_per_connection,
            ratio(
                o.server_bytes_per_connection,
                base.server_bytes_per_connection
            ),
        );
    }
    s
}
