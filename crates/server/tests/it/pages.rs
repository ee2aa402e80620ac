//! What the built-in pages ask the server: their app and switches (`/v1/web/config`), the
//! development helpers (`dev-login`, `dev-gift`) and the admin console's login.

use serde_json::{json, Value};

use std::time::Duration;

use liveroom_client::{Client, Event};
use liveroom_core::protocol::{CustomItem, GroupChange, Op};
use liveroom_core::time::unix_secs;
use liveroom_core::usersig;

use crate::harness::{sig, TestServer, APP, KEY};

struct Http {
    base: String,
    http: reqwest::Client,
}

impl Http {
    fn new(s: &TestServer) -> Self {
        Self {
            base: format!("http://{}", s.addr),
            http: reqwest::Client::new(),
        }
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> (u16, Value) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let resp = req.send().await.expect("get");
        let status = resp.status().as_u16();
        (status, resp.json().await.expect("json"))
    }

    /// POSTs JSON with extra headers; answers the status and the body.
    async fn post_as(&self, path: &str, body: Value, extra: &[(&str, &str)]) -> (u16, Value) {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.expect("post");
        let status = resp.status().as_u16();
        (status, resp.json().await.expect("json"))
    }

    /// GETs with extra headers; answers the status and the body as text.
    async fn get_as(&self, path: &str, extra: &[(&str, &str)]) -> (u16, String) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.expect("get");
        let status = resp.status().as_u16();
        (status, resp.text().await.expect("text"))
    }

    /// A console login (status, body, the cookie set).
    async fn login(&self, body: Value) -> (u16, Value, Option<String>) {
        self.post("/v1/console/login", body, None).await
    }

    /// POSTs JSON; answers the status, the body and the cookie set, if any.
    async fn post(
        &self,
        path: &str,
        body: Value,
        cookie: Option<&str>,
    ) -> (u16, Value, Option<String>) {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let resp = req.send().await.expect("post");
        let status = resp.status().as_u16();
        let set = resp
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.to_string());
        (status, resp.json().await.expect("json"), set)
    }
}

const PASSWORD: &str = "open sesame 42";

/// A server with the console password set and `[console] enabled` as given.
async fn console_server(enabled: Option<bool>) -> TestServer {
    TestServer::spawn_with(|c| {
        c.console.enabled = enabled;
        c.console.password = Some(PASSWORD.into());
    })
    .await
}

/// The `name=value` pair of a `Set-Cookie` answer.
fn cookie_pair(set: Option<String>) -> String {
    set.expect("a session cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_string()
}

/// A server running its generated development app (no app configured), as on a first
/// start.
async fn dev_server() -> TestServer {
    TestServer::spawn_with(|c| c.apps.clear()).await
}

#[tokio::test]
async fn a_fresh_server_hands_out_development_logins_and_gifts() {
    let s = dev_server().await;
    let h = Http::new(&s);
    let config = h.get("/v1/web/config", None).await.1;
    assert_eq!(config["ErrorCode"], 0, "{config}");
    assert_eq!(config["DevLogin"], true);
    assert_eq!(config["Console"], true, "loopback");
    assert_eq!(config["DemoRoom"], "demo");
    let app = config["SDKAppID"].as_u64().expect("the development app");

    let (status, login, _) = h
        .post(
            "/v1/web/dev-login",
            json!({"UserID": "alice", "NickName": "Alice"}),
            None,
        )
        .await;
    assert_eq!((status, &login["ErrorCode"]), (200, &json!(0)), "{login}");
    assert_eq!(login["SDKAppID"], app);
    let alice_sig = login["UserSig"].as_str().expect("sig").to_string();

    // The ticket logs in, with the nickname given, and the demo room is there (owned by
    // `host`, with the StreamUrl field declared).
    let mut alice = Client::connect(&format!("ws://{}/ws", s.addr))
        .await
        .expect("ws");
    let me = alice.login(app, "alice", &alice_sig).await.expect("login");
    assert_eq!(me.data["NickName"], "Alice");
    let room = alice.join("demo").await.expect("the demo room exists");
    assert_eq!(room.data["Owner_Account"], "host");
    assert_eq!(
        room.data["AppDefinedData"],
        json!([{"Key": "StreamUrl", "Value": "/static/demo/live.m3u8"}]),
        "the demo room plays the built-in stream"
    );
    let playlist = reqwest::get(format!("http://{}/static/demo/live.m3u8", s.addr))
        .await
        .expect("get");
    assert_eq!(playlist.status(), 200);
    let playlist = playlist.text().await.expect("text");
    assert!(playlist.starts_with("#EXTM3U"), "{playlist}");
    for segment in playlist.lines().filter(|l| l.ends_with(".m4s")).take(3) {
        let resp = reqwest::get(format!("http://{}/static/demo/{segment}", s.addr))
            .await
            .expect("get");
        assert_eq!(resp.status(), 200, "{segment}");
    }
    let host_sig = h
        .post("/v1/web/dev-login", json!({"UserID": "host"}), None)
        .await
        .1["UserSig"]
        .as_str()
        .expect("sig")
        .to_string();
    let host = Client::connect(&format!("ws://{}/ws", s.addr))
        .await
        .expect("ws");
    host.login(app, "host", &host_sig).await.expect("login");
    host.join("demo").await.expect("join");
    let change = GroupChange {
        group_id: "demo".into(),
        name: None,
        introduction: None,
        notification: Some("Sale at 8 pm".into()),
        face_url: None,
        custom: vec![CustomItem {
            key: "StreamUrl".into(),
            value: "https://cdn.example/demo.m3u8".into(),
        }],
    };
    host.request(Op::ModifyGroup(change.clone()))
        .await
        .expect("the owner sets the notice and the stream address");
    let refused = alice.request(Op::ModifyGroup(change)).await;
    assert_eq!(refused.err().and_then(|e| e.code()), Some(10007));
    let seen = Client::connect(&format!("ws://{}/ws", s.addr))
        .await
        .expect("ws");
    seen.guest(app).await.expect("guest");
    let joined = seen.join("demo").await.expect("join");
    assert_eq!(joined.data["Notification"], "Sale at 8 pm");
    assert_eq!(
        joined.data["AppDefinedData"],
        json!([{"Key": "StreamUrl", "Value": "https://cdn.example/demo.m3u8"}])
    );

    // App admins get no development tickets.
    let (_, refused, _) = h
        .post(
            "/v1/web/dev-login",
            json!({"UserID": "administrator"}),
            None,
        )
        .await;
    assert_eq!(refused["ErrorCode"], 10007, "{refused}");
    let (_, bad, _) = h
        .post("/v1/web/dev-login", json!({"UserID": ""}), None)
        .await;
    assert_ne!(bad["ErrorCode"], 0);
    let (_, not_json, _) = h.post("/v1/web/dev-login", json!("x"), None).await;
    assert_eq!(not_json["ErrorCode"], 10004, "{not_json}");

    // A gift from the catalog, keyed: the retry gives nothing twice.
    let gift = json!({"UserID": "alice", "UserSig": alice_sig, "GroupId": "demo",
        "GiftId": "rose", "Count": 2, "GiftKey": "order-1"});
    let (_, first, _) = h.post("/v1/web/dev-gift", gift.clone(), None).await;
    assert_eq!(first["ErrorCode"], 0, "{first}");
    assert_eq!(first["ComboCount"], 2);
    assert_eq!(first["Duplicate"], false);
    let (_, again, _) = h.post("/v1/web/dev-gift", gift.clone(), None).await;
    assert_eq!(again["Duplicate"], true);
    let mut pushed = None;
    while let Some(e) = alice.next_event_within(Duration::from_secs(5)).await {
        if let Event::Gift(g) = e {
            pushed = Some(g);
            break;
        }
    }
    let pushed = pushed.expect("the sender sees the gift");
    assert_eq!((pushed.gift_id.as_str(), pushed.count), ("rose", 2));

    for (change, code) in [
        (json!({"GiftId": "diamond-car"}), 10004),
        (json!({"Count": 0}), 10004),
        (json!({"Count": 100}), 10004),
        (json!({"UserSig": "forged"}), 70003),
        (json!({"UserID": "bob"}), 70013),
        (json!({"GroupId": "nowhere"}), 10010),
    ] {
        let mut body = gift.clone();
        for (k, v) in change.as_object().expect("object") {
            body[k] = v.clone();
        }
        body["GiftKey"] = json!(format!("k-{}", rand::random::<u32>()));
        let (_, answer, _) = h.post("/v1/web/dev-gift", body, None).await;
        assert_eq!(answer["ErrorCode"], code, "{change}: {answer}");
    }
}

#[tokio::test]
async fn configured_apps_get_no_development_helpers() {
    let s = TestServer::spawn().await;
    let h = Http::new(&s);
    let config = h.get("/v1/web/config", None).await.1;
    assert_eq!(config["SDKAppID"], APP);
    assert_eq!(config["DevLogin"], false);
    assert_eq!(config["DemoRoom"], Value::Null);
    let (status, answer, _) = h
        .post("/v1/web/dev-login", json!({"UserID": "alice"}), None)
        .await;
    assert_eq!(status, 404);
    assert_eq!(answer["ErrorCode"], 10007, "{answer}");
    let (status, _, _) = h
        .post(
            "/v1/web/dev-gift",
            json!({"UserID": "alice", "UserSig": sig("alice"), "GroupId": "g", "GiftId": "rose"}),
            None,
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_console_asks_for_an_admin_login() {
    let s = console_server(None).await;
    let h = Http::new(&s);
    let (_, status) = h.get("/v1/console/status", None).await;
    assert_eq!(
        (
            &status["Enabled"],
            &status["LoggedIn"],
            &status["PasswordLogin"]
        ),
        (&json!(true), &json!(false), &json!(true))
    );
    let (code, answer) = h.get("/v1/console/apps", None).await;
    assert_eq!((code, &answer["ErrorCode"]), (401, &json!(10007)));

    // A wrong password, a non-admin's ticket, a mixed request: refused, no cookie.
    for body in [
        json!({"Password": "open sesame"}),
        json!({"SDKAppID": APP, "Identifier": "alice", "UserSig": sig("alice")}),
        json!({"Password": "open sesame 42", "SDKAppID": APP}),
        json!({"Password": 42}),
    ] {
        let (_, answer, cookie) = h.post("/v1/console/login", body.clone(), None).await;
        assert_ne!(answer["ErrorCode"], 0, "{body}");
        assert!(cookie.is_none(), "{body}");
    }
    // A form post (not JSON) is refused before anything is read.
    let form = reqwest::Client::new()
        .post(format!("http://{}/v1/console/login", s.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("Password=open+sesame+42")
        .send()
        .await
        .expect("post");
    let form: Value = form.json().await.expect("json");
    assert_eq!(form["ErrorCode"], 10004, "{form}");

    // The password: every app, keys included; admin tickets that work on the REST API.
    let (_, ok, cookie) = h.login(json!({"Password": PASSWORD})).await;
    assert_eq!(ok["ErrorCode"], 0, "{ok}");
    let set = cookie.expect("a session cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let cookie = set.split(';').next().expect("pair").to_string();
    let (_, status) = h.get("/v1/console/status", Some(&cookie)).await;
    assert_eq!(status["LoggedIn"], true);
    let (_, apps) = h.get("/v1/console/apps", Some(&cookie)).await;
    assert_eq!(apps["Apps"][0]["SDKAppID"], APP, "{apps}");
    assert_eq!(apps["Apps"][0]["SecretKey"], KEY);
    let (_, minted, _) = h
        .post(
            "/v1/console/usersig",
            json!({"SDKAppID": APP}),
            Some(&cookie),
        )
        .await;
    assert_eq!(minted["Identifier"], "administrator", "{minted}");
    let q = format!(
        "sdkappid={APP}&identifier=administrator&usersig={}&random=1&contenttype=json",
        minted["UserSig"].as_str().expect("sig")
    );
    let listed = s
        .post(&s.url("group_open_http_svc/get_appid_group_list", &q), "{}")
        .await;
    assert_eq!(listed["ErrorCode"], 0, "{listed}");
    let (_, unknown, _) = h
        .post("/v1/console/usersig", json!({"SDKAppID": 7}), Some(&cookie))
        .await;
    assert_eq!(unknown["ErrorCode"], 70020, "{unknown}");

    // Logging out ends the session.
    let (_, _, cleared) = h.post("/v1/console/logout", json!({}), Some(&cookie)).await;
    assert!(cleared.expect("cookie cleared").contains("Max-Age=0"));
    let (code, _) = h.get("/v1/console/apps", Some(&cookie)).await;
    assert_eq!(code, 401);

    // An App admin's ticket: that app only.
    let admin_sig = usersig::generate(APP, KEY, "administrator", 600, unix_secs());
    let (_, ok, cookie) = h
        .post(
            "/v1/console/login",
            json!({"SDKAppID": APP, "Identifier": "administrator", "UserSig": admin_sig}),
            None,
        )
        .await;
    assert_eq!(ok["ErrorCode"], 0, "{ok}");
    let cookie = cookie_pair(cookie);
    let (_, apps) = h.get("/v1/console/apps", Some(&cookie)).await;
    assert_eq!(apps["Apps"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        apps["Apps"][0]["SecretKey"],
        Value::Null,
        "an expiring ticket does not buy the permanent key"
    );
    let (_, other, _) = h
        .post("/v1/console/usersig", json!({"SDKAppID": 7}), Some(&cookie))
        .await;
    assert_eq!(other["ErrorCode"], 10007, "{other}");
}

#[tokio::test]
async fn failed_console_logins_are_limited() {
    let s = console_server(None).await;
    let h = Http::new(&s);
    for _ in 0..10 {
        let (_, answer, _) = h
            .post("/v1/console/login", json!({"Password": "guess"}), None)
            .await;
        assert_eq!(answer["ErrorCode"], 10007, "{answer}");
    }
    // Even the right password waits for the minute to pass.
    let (_, limited, cookie) = h.login(json!({"Password": PASSWORD})).await;
    assert_ne!(limited["ErrorCode"], 0, "{limited}");
    assert!(cookie.is_none());
}

#[tokio::test]
async fn a_console_turned_off_is_not_served() {
    let s = console_server(Some(false)).await;
    let h = Http::new(&s);
    let page = reqwest::get(format!("http://{}/admin", s.addr))
        .await
        .expect("get");
    assert_eq!(page.status(), 404);
    // Its status door is as closed as the others: 404, in the envelope.
    let (code, status) = h.get("/v1/console/status", None).await;
    assert_eq!(
        (code, &status["ErrorCode"]),
        (404, &json!(10007)),
        "{status}"
    );
    let (code, answer, cookie) = h.login(json!({"Password": PASSWORD})).await;
    assert_eq!(code, 404, "{answer}");
    assert!(cookie.is_none());
    assert_eq!(h.get("/v1/web/config", None).await.1["Console"], false);
}

#[tokio::test]
async fn default_doors_open_only_to_direct_local_requests() {
    let s = TestServer::spawn_with(|c| {
        c.apps.clear();
        c.console.password = Some(PASSWORD.into());
    })
    .await;
    let h = Http::new(&s);
    let foreign: &[&[(&str, &str)]] = &[
        // A page of another site whose name was rebound to 127.0.0.1.
        &[("host", "attacker.example")],
        // A proxy in front of the loopback listener.
        &[("x-forwarded-for", "203.0.113.9")],
        &[("forwarded", "for=203.0.113.9;proto=https")],
    ];
    for extra in foreign {
        let (status, answer) = h
            .post_as("/v1/web/dev-login", json!({"UserID": "alice"}), extra)
            .await;
        assert_eq!(
            (status, &answer["ErrorCode"]),
            (404, &json!(10007)),
            "{extra:?}"
        );
        let (status, _) = h
            .post_as("/v1/console/login", json!({"Password": PASSWORD}), extra)
            .await;
        assert_eq!(status, 404, "{extra:?}");
        let (status, _) = h.get_as("/admin", extra).await;
        assert_eq!(status, 404, "{extra:?}");
        let (status, answer) = h.get_as("/v1/console/status", extra).await;
        assert_eq!(status, 404, "{extra:?}: {answer}");
        let (_, config) = h.get_as("/v1/web/config", extra).await;
        let config: Value = serde_json::from_str(&config).expect("json");
        assert_eq!(
            (&config["DevLogin"], &config["Console"]),
            (&json!(false), &json!(false)),
            "{extra:?}"
        );
    }
    // Straight from this machine they work; a form post (not JSON) does not.
    let (status, _) = h
        .post_as("/v1/web/dev-login", json!({"UserID": "alice"}), &[])
        .await;
    assert_eq!(status, 200);
    let form = reqwest::Client::new()
        .post(format!("http://{}/v1/web/dev-login", s.addr))
        .header("content-type", "text/plain")
        .body(r#"{"UserID":"host","NickName":"pwned"}"#)
        .send()
        .await
        .expect("post");
    let form: Value = form.json().await.expect("json");
    assert_eq!(form["ErrorCode"], 10004, "{form}");
}

#[tokio::test]
async fn a_console_turned_on_in_the_config_serves_any_host() {
    let s = console_server(Some(true)).await;
    let h = Http::new(&s);
    let (status, answer) = h
        .post_as(
            "/v1/console/login",
            json!({"Password": PASSWORD}),
            &[
                ("host", "console.example.com"),
                ("x-forwarded-proto", "https"),
            ],
        )
        .await;
    assert_eq!((status, &answer["ErrorCode"]), (200, &json!(0)), "{answer}");
    let resp = reqwest::Client::new()
        .post(format!("http://{}/v1/console/login", s.addr))
        .header("content-type", "application/json")
        .header("x-forwarded-proto", "https")
        .body(json!({"Password": PASSWORD}).to_string())
        .send()
        .await
        .expect("post");
    let cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn an_app_admin_login_ends_with_its_ticket() {
    let s = TestServer::spawn().await;
    let h = Http::new(&s);
    let short = usersig::generate(APP, KEY, "administrator", 2, unix_secs());
    let (_, ok, cookie) = h
        .login(json!({"SDKAppID": APP, "Identifier": "administrator", "UserSig": short}))
        .await;
    assert_eq!(ok["ErrorCode"], 0, "{ok}");
    let cookie = cookie_pair(cookie);
    let (code, _) = h.get("/v1/console/apps", Some(&cookie)).await;
    assert_eq!(code, 200);
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let (code, _) = h.get("/v1/console/apps", Some(&cookie)).await;
    assert_eq!(code, 401, "the session ended with the two-second ticket");
}

#[tokio::test]
async fn a_store_of_other_apps_gets_no_development_app() {
    // A store holding a configured app, started later without its configuration: that app
    // is not turned into a development app.
    let first = TestServer::spawn().await;
    let dir = first.dir.clone();
    first.shutdown().await;
    let s = TestServer::spawn_in(dir, |c| c.apps.clear()).await;
    let h = Http::new(&s);
    let config = h.get("/v1/web/config", None).await.1;
    assert_eq!(config["DevLogin"], false, "{config}");
    assert_eq!(config["DemoRoom"], Value::Null);
    let (status, _, _) = h
        .post("/v1/web/dev-login", json!({"UserID": "alice"}), None)
        .await;
    assert_eq!(status, 404);
    let listed = s
        .rest("group_open_http_svc/get_appid_group_list", json!({}))
        .await;
    assert_eq!(listed["TotalCount"], 0, "no demo room was made: {listed}");
}

#[tokio::test]
async fn pages_cannot_be_left_through_their_paths() {
    let s = TestServer::spawn().await;
    let h = Http::new(&s);
    for path in [
        "/static/..%2Fadmin.html",
        "/static/..%2F..%2F..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/assets/..%2F..%2F..%2F..%2F..%2F..%2F..%2FCargo.toml",
        "/assets/.%2Findex.html",
        "/static/%2Fetc%2Fpasswd",
    ] {
        let (status, _) = h.get_as(path, &[]).await;
        assert_eq!(status, 404, "{path}");
    }
    let resp = reqwest::get(format!("http://{}/v1/web/config", s.addr))
        .await
        .expect("get");
    assert_eq!(
        resp.headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("*"),
        "pages elsewhere can find the app"
    );
}

#[tokio::test]
async fn the_development_app_survives_a_restart() {
    let first = dev_server().await;
    let app = Http::new(&first).get("/v1/web/config", None).await.1["SDKAppID"].clone();
    let dir = first.dir.clone();
    first.shutdown().await;
    let again = TestServer::spawn_in(dir, |c| c.apps.clear()).await;
    let config = Http::new(&again).get("/v1/web/config", None).await.1;
    assert_eq!(config["SDKAppID"], app, "the same app, not a new one");
    assert_eq!(config["DevLogin"], true);
    assert_eq!(config["DemoRoom"], "demo");
}

/// The command after `label` in the start-up banner: its URL and its `-d` body.
fn banner_command(banner: &str, label: &str) -> (String, String) {
    let mut lines = banner.lines().skip_while(|l| !l.contains(label)).skip(1);
    let curl = lines.next().expect("the curl line");
    let body = lines.next().expect("the body line");
    let between = |l: &str| {
        let from = l.find('\'').expect("quoted") + 1;
        let to = l.rfind('\'').expect("quoted");
        l[from..to].to_string()
    };
    (between(curl), between(body))
}

#[tokio::test]
async fn the_banner_commands_work_as_pasted_and_create_a_room_its_host_runs() {
    let s = dev_server().await;
    let h = Http::new(&s);
    let app = h.get("/v1/web/config", None).await.1["SDKAppID"]
        .as_u64()
        .expect("the development app");
    let key = s
        .engine
        .app(liveroom_core::AppId(app))
        .expect("app")
        .secret_key()
        .to_string();
    let config = liveroom_server::Config {
        http_addr: s.addr,
        ..liveroom_server::Config::default()
    };
    let banner = liveroom_server::bootstrap::banner(&config, liveroom_core::AppId(app), &key, true);

    // The shell line the README's commands use defines SDKAPPID, KEY and Q.
    let export = banner
        .lines()
        .find(|l| l.trim_start().starts_with("export "))
        .expect("an export line");
    assert!(
        export.contains(&format!(
            "SDKAPPID={app} KEY={key} Q='sdkappid={app}&identifier=administrator&usersig="
        )),
        "{export}"
    );

    // The room the banner creates is owned by the development host.
    let (url, body) = banner_command(&banner, "Create a room");
    let created = s.post(&url, &body).await;
    assert_eq!(created["ErrorCode"], 0, "{created}");
    let (url, body) = banner_command(&banner, "Send a message");
    let sent = s.post(&url, &body).await;
    assert_eq!(sent["ErrorCode"], 0, "{sent}");
    assert!(
        banner.contains(&format!("http://{}/host/room-1", s.addr)),
        "{banner}"
    );

    // Its host logs in the way the host page does (the development login) and runs it.
    let (status, login, _) = h
        .post("/v1/web/dev-login", json!({"UserID": "host"}), None)
        .await;
    assert_eq!(status, 200, "{login}");
    let host = Client::connect(&format!("ws://{}/ws", s.addr))
        .await
        .expect("ws");
    host.login(app, "host", login["UserSig"].as_str().expect("sig"))
        .await
        .expect("login");
    let joined = host.join("room-1").await.expect("join");
    assert_eq!(joined.data["Owner_Account"], "host");
    host.request(Op::SetLiveState {
        group_id: "room-1".into(),
        state: "Live".into(),
        new_session: false,
    })
    .await
    .expect("the owner goes live");
}
