//! The web pages built from `web/` (see `build.rs`), embedded in the binary: the viewer at `/`
//! and `/room/<id>`, the host page at `/host/<id>`, the one-to-one messenger at `/chat`, the groups and communities page at `/community`, the
//! admin console at `/admin` (only where the console is on), their hashed assets under
//! `/assets/`, files under `/static/` (the demo gift catalog, images, effects) and the
//! embeddable live chat room as one module at `/sdk/liveroom-room.js` (loadable from any
//! origin).

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

/// Whether a requested path names a file inside the pages: plain segments only (no `..`,
/// `.` or empty segment, no backslash, colon or NUL). Every build embeds the pages
/// (rust-embed's `debug-embed`), so lookups are exact; this keeps it so should files ever be
/// read from disk.
fn plain_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|seg| {
            !seg.is_empty() && seg != "." && seg != ".." && !seg.contains(['\\', ':', '\0'])
        })
}

/// One embedded file, or 404.
fn file(path: &str, cache: Cache) -> Response {
    let found = if plain_path(path) {
        Pages::get(path)
    } else {
        None
    };
    let Some(f) = found else {
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
    let path = format!("static/{path}");
    if !plain_path(&path) {
        return None;
    }
    Pages::get(&path).map(|f| f.data.into_owned())
}

/// `GET /` and `GET /room/{id}`: the viewer page (it reads the room from the address).
pub async fn viewer() -> Response {
    file("index.html", Cache::Revalidate)
}

/// `GET /host/{id}`: the host page (it reads the room from the address).
pub async fn host() -> Response {
    file("host.html", Cache::Revalidate)
}

/// `GET /chat`: the one-to-one messenger.
pub async fn chat() -> Response {
    file("chat.html", Cache::Revalidate)
}

/// `GET /community`: groups and communities with topics.
pub async fn community() -> Response {
    file("community.html", Cache::Revalidate)
}

/// `GET /admin`: the admin console, where it is on.
pub async fn admin(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if !crate::site::Site::admits(state.site.console, &headers) {
        return (
            StatusCode::NOT_FOUND,
            "The admin console is off at this address. It is on by default only on a loopback \
             address; set [console] enabled = true (with a password) to serve it elsewhere.",
        )
            .into_response();
    }
    let mut page = file("admin.html", Cache::Revalidate);
    // The console holds admin sessions: nothing but its own files may run or load in it,
    // and no other site may frame it.
    page.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(ADMIN_CSP),
    );
    page
}

/// The console's content security policy.
const ADMIN_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

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

#[cfg(test)]
mod tests {
    use super::plain_path;

    #[test]
    fn only_plain_paths_reach_the_pages() {
        for ok in [
            "static/gifts.json",
            "assets/index-abc.js",
            "sdk/liveroom-room.js",
        ] {
            assert!(plain_path(ok), "{ok}");
        }
        for bad in [
            "",
            "static/../admin.html",
            "assets/../../etc/passwd",
            "static/./gifts.json",
            "static//gifts.json",
            "/etc/passwd",
            "static/..\\..\\x",
            "static/c:/x",
            "static/a\0b",
            "static/",
        ] {
            assert!(!plain_path(bad), "{bad:?}");
        }
    }
}
