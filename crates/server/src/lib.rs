//! Liveroom server: wires the engine to its two doors and runs them.
//!
//! Layout:
//! - [`config`]: the typed configuration (defaults < file < env < flags).
//! - [`gateway`]: the client WebSocket protocol at `/ws`.
//! - [`public`]: reads that need no login (`/v1/live/states` for room lists).
//! - [`web`]: the built-in pages (viewer, host, admin console) and the embeddable component.
//! - [`site`]: what the pages ask the server (`/v1/web/...`: their app, development logins).
//! - [`console`]: the admin console's login and sessions (`/v1/console/...`).
//! - [`proxy`]: the client's address behind trusted reverse proxies (`trusted_proxies`).
//! - `rest`: the compatible REST admin API at `/v4/<service>/<command>`, one file per
//!   resource (accounts, profile, groups, members, messages, moderation; and Liveroom's own
//!   apps, filter, live, gifts, draw, stats).
//! - [`listener`]: the TCP listener; over-long requests hyper refuses itself still get the
//!   REST envelope.
//! - [`webhooks`]: the HTTP side of webhooks (timeouts, in-flight bounds, retry queue).
//! - [`bootstrap`]: start-up: the store, the apps, the development app and its banner.
//! - `main.rs`: the `liveroom` binary (`serve`, `usersig`, `config print`).

pub mod bootstrap;
pub mod config;
pub mod console;
pub mod gateway;
pub mod listener;
pub mod proxy;
pub mod public;
pub mod rest;
pub mod site;
pub mod web;
pub mod webhooks;

use axum::routing::{any, get, post};
use axum::Router;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_util::task::TaskTracker;

use liveroom_engine::Engine;

pub use config::Config;

#[derive(Clone)]
pub struct AppState {
    pub engine: Arc<Engine>,
    pub config: Arc<Config>,
    pub metrics: PrometheusHandle,
    /// Live WebSocket connections, so shutdown can wait for them to drain.
    pub connections: TaskTracker,
    /// The built-in pages' switches (decided from the config and the bound address).
    pub site: Arc<site::Site>,
    /// Admin console logins.
    pub console: Arc<console::Sessions>,
    /// Whose forwarding headers name the client.
    pub proxies: Arc<proxy::TrustedProxies>,
}

/// The process-wide Prometheus recorder (installed once, shared by every server in the
/// process, e.g. in tests).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (a test harness); ours still renders.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// The HTTP router: REST, WebSocket, the public reads, the JavaScript SDK, metrics and a
/// health check.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/v4/{service}/{command}", any(rest::dispatch))
        .route("/v4", any(rest::unknown_path))
        .route("/v4/", any(rest::unknown_path))
        .route("/ws", get(gateway::ws))
        .route("/v1/live/states", get(public::live_states))
        .route("/sdk/liveroom.js", get(public::sdk_js))
        .route("/sdk/liveroom.d.ts", get(public::sdk_types))
        .route("/sdk/liveroom-room.js", get(web::component))
        .route("/", get(web::viewer))
        .route("/room/{id}", get(web::viewer))
        .route("/host/{id}", get(web::host))
        .route("/chat", get(web::chat))
        .route("/community", get(web::community))
        .route("/admin", get(web::admin))
        .route("/assets/{*path}", get(web::asset))
        .route("/static/{*path}", get(web::static_asset))
        .route("/v1/web/config", get(site::web_config))
        .route("/v1/web/dev-login", post(site::dev_login))
        .route("/v1/web/dev-gift", post(site::dev_gift))
        .route("/v1/console/status", get(console::status))
        .route("/v1/console/login", post(console::login))
        .route("/v1/console/logout", post(console::logout))
        .route("/v1/console/apps", get(console::apps))
        .route("/v1/console/usersig", post(console::user_sig))
        .route("/metrics", get(render_metrics))
        .route("/healthz", get(healthz))
        .fallback(not_found)
        .with_state(state)
}

/// Paths no route serves: the REST door's shape answers in its envelope, the rest as before
/// (an empty 404).
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/v4/") {
        rest::unknown_path(uri).await
    } else {
        axum::http::StatusCode::NOT_FOUND.into_response()
    }
}

/// Connections the process may hold: its open-file limit less `reserve` descriptors kept
/// for the store, webhooks, logs and what is already open.
fn connection_budget(reserve: usize) -> usize {
    match rlimit::getrlimit(rlimit::Resource::NOFILE) {
        Ok((soft, _)) => usize::try_from(soft)
            .unwrap_or(usize::MAX)
            .saturating_sub(reserve)
            .max(1),
        Err(_) => usize::MAX,
    }
}

/// A connection the listener closed at once (over a connection limit).
pub(crate) fn metrics_refused(limit: &'static str) {
    metrics::counter!("liveroom_connections_refused_total", "limit" => limit).increment(1);
}

/// `GET /metrics`
async fn render_metrics(axum::extract::State(state): axum::extract::State<AppState>) -> String {
    liveroom_engine::metrics::sessions(state.engine.session_count());
    if let Some(bus) = state.engine.bus_status() {
        metrics::gauge!("liveroom_cluster_connected").set(if bus.connected { 1.0 } else { 0.0 });
        metrics::gauge!("liveroom_cluster_owned_rooms").set(bus.owned_rooms as f64);
    }
    state.metrics.render()
}

/// `GET /healthz`: `ok` on a single node; in cluster mode the node and its bus, as JSON
/// (200 either way: a node whose bus is down still serves its own connections).
async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match state.engine.bus_status() {
        None => "ok".into_response(),
        Some(bus) => axum::Json(serde_json::json!({
            "status": "ok",
            "node": bus.node,
            "bus": if bus.connected { "connected" } else { "disconnected" },
            "owned_rooms": bus.owned_rooms,
        }))
        .into_response(),
    }
}

/// Serves on an already-bound listener until `shutdown` resolves, then closes every
/// connection cleanly (queued frames are written, then a `kicked` frame with reason
/// `shutdown` and a close frame) and waits up to the grace period for them.
pub async fn run(
    listener: TcpListener,
    engine: Arc<Engine>,
    config: Arc<Config>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let proxies = proxy::TrustedProxies::new(&config.trusted_proxies).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("trusted_proxies: {e}"),
        )
    })?;
    engine.spawn_housekeeping();
    let webhooks = Arc::new(webhooks::HttpSink::new());
    engine.set_webhook_sink(webhooks.clone());
    let connections = TaskTracker::new();
    let bound = listener.local_addr()?;
    let state = AppState {
        engine: engine.clone(),
        config: config.clone(),
        metrics: metrics_handle(),
        connections: connections.clone(),
        site: Arc::new(site::Site::new(&config, bound, &engine)),
        console: Arc::new(console::Sessions::default()),
        proxies: Arc::new(proxies),
    };
    let g = &config.gateway;
    let limits = listener::Limits::new(
        g.max_connections_per_ip,
        connection_budget(g.reserved_fds),
        Duration::from_secs(g.handshake_timeout_secs.max(1)),
        state.proxies.clone(),
    );
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let listener = listener::HttpListener {
        listener,
        limits: Arc::new(limits),
    };
    // `tap_io` only to have axum give handlers the peer address of our listener's type.
    let listener = axum::serve::ListenerExt::tap_io(listener, |_| ());
    let http = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let closer = {
        let engine = engine.clone();
        let mut stop_rx = stop_rx.clone();
        async move {
            let _ = stop_rx.wait_for(|s| *s).await;
            engine.close_all("the server is shutting down");
        }
    };
    let (served, ()) = tokio::join!(http, closer);
    connections.close();
    let grace = Duration::from_secs(config.shutdown_grace_secs);
    if tokio::time::timeout(grace, connections.wait())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the shutdown grace period");
    }
    // The rooms this node decided for go to the other nodes at once.
    engine.leave_cluster().await;
    // What the departures counted, and the time of anyone still connected, is written.
    engine.flush_stats(true).await;
    // Callbacks queued by the last departures get a short chance to go out.
    webhooks.drain(grace.min(Duration::from_secs(5))).await;
    served
}
