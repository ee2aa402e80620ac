//! What the binary serves to browsers: the JavaScript SDK at stable URLs (loadable from any
//! origin) and the web pages with their assets.

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

#[tokio::test]
async fn the_viewer_page_and_its_assets_are_served_from_the_binary() {
    let s = TestServer::spawn().await;
    for path in ["/", "/room/demo"] {
        let resp = reqwest::get(format!("http://{}{path}", s.addr))
            .await
            .expect("get");
        assert_eq!(resp.status(), 200, "{path}");
        let kind = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        let html = resp.text().await.expect("html");
        // Every script and stylesheet the page names is served too.
        let assets: Vec<&str> = html
            .split('"')
            .filter(|p| p.starts_with("/assets/"))
            .collect();
        assert!(!assets.is_empty(), "{html}");
        for asset in assets {
            let resp = reqwest::get(format!("http://{}{asset}", s.addr))
                .await
                .expect("asset");
            assert_eq!(resp.status(), 200, "{asset}");
            let cache = resp
                .headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            assert!(cache.contains("immutable"), "{asset}: {cache}");
        }
    }
    let missing = reqwest::get(format!("http://{}/assets/nope.js", s.addr))
        .await
        .expect("get");
    assert_eq!(missing.status(), 404);
}
