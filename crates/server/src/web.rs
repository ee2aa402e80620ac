//! The web pages built from `web/` (see `build.rs`), embedded in the binary: the viewer at `/`
//! and `/room/<id>`, and their hashed assets under `/assets/`.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::Embed)]
#[folder = "$OUT_DIR/web"]
struct Pages;

/// One embedded file, or 404. Hashed assets may be cached for good; pages are revalidated.
fn file(path: &str, immutable: bool) -> Response {
    match Pages::get(path) {
        Some(f) => {
            let cache = if immutable {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            (
                [
                    (header::CONTENT_TYPE, f.metadata.mimetype().to_string()),
                    (header::CACHE_CONTROL, cache.to_string()),
                ],
                f.data,
            )
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// `GET /` and `GET /room/{id}`: the viewer page (it reads the room from the address).
pub async fn viewer() -> Response {
    file("index.html", false)
}

/// `GET /assets/{*path}`
pub async fn asset(Path(path): Path<String>) -> Response {
    file(&format!("assets/{path}"), true)
}
