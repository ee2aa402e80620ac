//! What the binary serves to browsers: the JavaScript SDK at stable URLs (loadable from any
//! origin) and the web pages with their assets.

use crate::harness::TestServer;

/// GETs a file meant for any origin: 200, of `kind`, with `Access-Control-Allow-Origin: *`.
async fn get_public(s: &TestServer, path: &str, kind: &str) -> reqwest::Response {
    let resp = reqwest::get(format!("http://{}{path}", s.addr))
        .await
        .expect("get");
    assert_eq!(resp.status(), 200, "{path}");
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert!(header("content-type").starts_with(kind), "{path}");
    assert_eq!(header("access-control-allow-origin"), "*", "{path}");
    resp
}

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
        let resp = get_public(&s, path, kind).await;
        let body = resp.text().await.expect("body");
        let on_disk = std::fs::read_to_string(root.join(file)).expect("the file");
        assert_eq!(body, on_disk, "{path} is the file as built into the binary");
    }
}

#[tokio::test]
async fn the_pages_and_their_assets_are_served_from_the_binary() {
    let s = TestServer::spawn().await;
    for path in ["/", "/room/demo", "/host/demo", "/admin", "/chat"] {
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

#[tokio::test]
async fn the_component_and_the_demo_catalog_are_served_from_any_origin() {
    let s = TestServer::spawn().await;
    for (path, kind) in [
        ("/sdk/liveroom-room.js", "text/javascript"),
        ("/static/gifts.json", "application/json"),
    ] {
        get_public(&s, path, kind).await;
    }
    let text = reqwest::get(format!("http://{}/sdk/liveroom-room.js", s.addr))
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(
        text.contains("mountLiveRoom"),
        "the module exports the mount call"
    );
    let catalog: serde_json::Value = reqwest::get(format!("http://{}/static/gifts.json", s.addr))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let types: Vec<u64> = catalog
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|g| g["GiftType"].as_u64())
        .collect();
    for t in [0, 1, 2] {
        assert!(types.contains(&t), "the catalog has a gift of type {t}");
    }
}

#[tokio::test]
async fn the_console_page_allows_only_its_own_files() {
    let s = TestServer::spawn().await;
    let resp = reqwest::get(format!("http://{}/admin", s.addr))
        .await
        .expect("get");
    assert_eq!(resp.status(), 200);
    let csp = resp
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    for part in [
        "script-src 'self'",
        "frame-ancestors 'none'",
        "connect-src 'self'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
}
