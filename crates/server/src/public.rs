//! Reads that need no login, for pages outside any room (a list of live rooms):
//! `GET /v1/live/states?sdkappid=<id>&GroupId=<a>&GroupId=<b>...` answers the live state,
//! name, cover and online count of up to 100 public rooms (AVChatRooms guests may watch).
//! Answers are cheap (memory, or a two-second cache of the store) and may be cached by
//! browsers and proxies for a second.

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use liveroom_core::{AppId, Error, GroupId, Service};

use crate::rest::envelope;
use crate::rest::live::Rooms;
use crate::AppState;

/// `GET /v1/live/states`
pub async fn live_states(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let result = async {
        let pairs: Vec<(String, String)> = query
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let app = pairs
            .iter()
            .find(|(k, _)| k == "sdkappid")
            .ok_or(Error::MissingAppId)?
            .1
            .parse::<u64>()
            .map_err(|_| Error::InvalidParameter("sdkappid is not a number".into()))?;
        let groups = pairs
            .iter()
            .filter(|(k, _)| k == "GroupId")
            .map(|(_, v)| GroupId::parse(v))
            .collect::<Result<Vec<_>, _>>()?;
        let states = state.engine.public_room_states(AppId(app), &groups).await?;
        Ok::<_, Error>(Rooms::of(&groups, states))
    }
    .await;
    let mut response = envelope(result, Service::Group);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=1"),
    );
    response
}

/// The JavaScript SDK, built into the binary so a page can load it from the server it talks
/// to (`<script type="module">import LiveRoom from "/sdk/liveroom.js"`), from any origin. The
/// file is the committed bundle of `sdk/js/src` (`npm run build` there), so embedding it needs
/// no Node.
const SDK_JS: &str = include_str!("../../../sdk/js/liveroom.js");
/// Its TypeScript declarations.
const SDK_TYPES: &str = include_str!("../../../sdk/js/liveroom.d.ts");

fn sdk_file(body: &'static str, content_type: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=300"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body,
    )
}

/// `GET /sdk/liveroom.js`
pub async fn sdk_js() -> impl IntoResponse {
    sdk_file(SDK_JS, "text/javascript; charset=utf-8")
}

/// `GET /sdk/liveroom.d.ts`
pub async fn sdk_types() -> impl IntoResponse {
    sdk_file(SDK_TYPES, "application/typescript; charset=utf-8")
}
