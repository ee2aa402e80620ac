//! The JavaScript SDK is served by the binary at stable URLs, loadable from any origin.

use crate::harness::TestServer;

#[tokio::test]
async fn the_sdk_and_its_types_are_served_from_any_origin() {
    let s = TestServer::spawn().await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sdk/js");
    for (path, file, kind) in [
        ("/sdk/liveroom.js", "liveroom.js", "text/javascript"),
        (
            "/sdk/liveroom.d.ts",
            "liveroom.d.ts",
            "application/typescript",
        ),
    ] {
        let resp = reqwest::get(format!("http://{}{path}", s.addr))
            .await
            .expect("get");
        assert_eq!(resp.status(), 200, "{path}");
        let header = |h: &str| {
            resp.headers()
                .get(h)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        assert!(header("content-type").starts_with(kind), "{path}");
        assert_eq!(header("access-control-allow-origin"), "*");
        let body = resp.text().await.expect("body");
        let on_disk = std::fs::read_to_string(root.join(file)).expect("the file");
        assert_eq!(body, on_disk, "{path} is the file as built into the binary");
    }
}
