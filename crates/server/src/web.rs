//! The web pages built from `web/` (see `build.rs`), embedded in the binary: the viewer at `/`
//! and `/room/<id>`, the host page at `/host/<id>`, the admin console at `/admin` (only where
//! the console is on), their hashed assets under `/assets/`, files under `/static/` (the
//! demo gift catalog, images, effects) and the embeddable live chat room as one module at
//! `/sdk/liveroom-room.js` (loadable from any origin).

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::AppState;

#[derive(rust_embed::Embed)]
#[folder = "$OUT_DIR/web"]
struct Pages;

/// How a file may be cached.
#[derive(Clone, Copy)]
enum Cache {
    /// Hashed names: for good.
    Forever,
    /// Pages: revalidate each time.
    Revalidate,
    /// Stable names that change with the binary: five minutes, from any origin.
    Shared,
}

/// One embedded file, or 404.
fn file(path: &str, cache: Cache) -> Response {
    let Some(f) = Pages::get(path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let control = match cache {
        Cache::Forever => "public, max-age=31536000, immutable",
        Cache::Revalidate => "no-cache",
        Cache::Shared => "public, max-age=300",
    };
    let mut response = (
        [
            (header::CONTENT_TYPE, f.metadata.mimetype().to_string()),
            (header::CACHE_CONTROL, control.to_string()),
        ],
        f.data,
    )
        .into_response();
    if !matches!(cache, Cache::Revalidate) {
        // Assets and the component module are public: pages on other origins load them.
        response.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            header::HeaderValue::from_static("*"),
        );
    }
    response
}

/// A file under `static/` (the demo gift catalog, say), as built in.
pub fn static_file(path: &str) -> Option<Vec<u8>> {
    Pages::get(&format!("static/{path}")).map(|f| f.data.into_owned())
}

/// `GET /` and `GET /room/{id}`: the viewer page (it reads the room from the address).
pub async fn viewer() -> Response {
    file("index.html", Cache::Revalidate)
}

/// `GET /host/{id}`: the host page (it reads the room from the address).
pub async fn host() -> Response {
    file("host.html", Cache::Revalidate)
}

/// `GET /admin`: the admin console, where it is on.
pub async fn admin(State(state): State<AppState>) -> Response {
    if !state.site.console {
        return (
            StatusCode::NOT_FOUND,
            "The admin console is off at this address. It is on by default only on a loopback \
             address; set [console] enabled = true (with a password) to serve it elsewhere.",
        )
            .into_response();
    }
    file("admin.html", Cache::Revalidate)
}

/// `GET /assets/{*path}`
pub async fn asset(Path(path): Path<String>) -> Response {
    file(&format!("assets/{path}"), Cache::Forever)
}

/// `GET /static/{*path}`
pub async fn static_asset(Path(path): Path<String>) -> Response {
    file(&format!("static/{path}"), Cache::Shared)
}

/// `GET /sdk/liveroom-room.js`: the embeddable live chat room.
pub async fn component() -> Response {
    file("sdk/liveroom-room.js", Cache::Shared)
}
