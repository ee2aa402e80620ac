//! `trusted_proxies`: forwarding headers name the client only when the TCP peer is a trusted
//! proxy. Seen in webhooks' `ClientIP` (REST and WebSocket callers) and in the console's
//! failed-login limit per client address.

use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use liveroom_client::{text_body, Client};
use liveroom_core::callback::{AFTER_SEND_MSG, STATE_CHANGE};

use crate::harness::{sig, TestServer, APP};
use crate::receiver::Receiver;

/// A server whose webhooks go to `r`, with a room `p1`.
async fn server_with_hooks(r: &Receiver, trusted: Option<&[&str]>) -> TestServer {
    let trusted: Option<Vec<String>> = trusted.map(|t| t.iter().map(|c| c.to_string()).collect());
    let s = TestServer::spawn_with(|c| {
        if let Some(t) = trusted {
            c.trusted_proxies = t;
        }
    })
    .await;
    s.create_room("p1", None).await;
    s.ok(
        "liveroom_ext/set_webhook",
        json!({"Webhook": {"url": r.url(), "commands": [AFTER_SEND_MSG, STATE_CHANGE]}}),
    )
    .await;
    s
}

/// `send_group_msg` over REST with extra request headers; answers the `ClientIP` of the
/// after-callback it causes.
async fn rest_client_ip(
    s: &TestServer,
    r: &Receiver,
    text: &str,
    extra: &[(&str, &str)],
) -> String {
    let url = s.url(
        "group_open_http_svc/send_group_msg",
        &format!(
            "sdkappid={APP}&identifier=administrator&usersig={}&random=1&contenttype=json",
            sig("administrator")
        ),
    );
    let mut req = reqwest::Client::new().post(url).body(
        json!({"GroupId": "p1", "Random": rand::random::<u32>(), "MsgBody": text_body(text)})
            .to_string(),
    );
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let answer: Value = req.send().await.expect("post").json().await.expect("json");
    assert_eq!(answer["ErrorCode"], 0, "{answer}");
    let hit = r
        .find(AFTER_SEND_MSG, |b| {
            b["MsgBody"][0]["MsgContent"]["Text"] == text
        })
        .await;
    hit.query["ClientIP"].clone()
}

/// A WebSocket login with extra handshake headers; answers the `ClientIP` of its
/// `State.StateChange` callback.
async fn ws_client_ip(s: &TestServer, r: &Receiver, user: &str, extra: &[(&str, &str)]) -> String {
    let mut req = s.ws_url().into_client_request().expect("request");
    for (k, v) in extra {
        req.headers_mut().insert(
            axum::http::HeaderName::from_bytes(k.as_bytes()).expect("name"),
            v.parse().expect("value"),
        );
    }
    let (ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("ws connects");
    let c = Client::from_stream(ws);
    c.login(APP, user, &sig(user)).await.expect("login");
    let hit = r
        .find(STATE_CHANGE, |b| {
            b["Info"]["Action"] == "Login" && b["Info"]["To_Account"] == user
        })
        .await;
    hit.query["ClientIP"].clone()
}

#[tokio::test]
async fn a_trusted_peer_forwards_the_client_address_to_webhooks() {
    let r = Receiver::start().await;
    // The default trusts loopback, where the test connects from.
    let s = server_with_hooks(&r, None).await;
    assert_eq!(rest_client_ip(&s, &r, "plain", &[]).await, "127.0.0.1");
    assert_eq!(
        rest_client_ip(
            &s,
            &r,
            "xff",
            &[("x-forwarded-for", "198.51.100.1, 203.0.113.9")]
        )
        .await,
        "203.0.113.9",
        "the right-most untrusted address; the left-most was written by the client"
    );
    assert_eq!(
        rest_client_ip(
            &s,
            &r,
            "forwarded",
            &[("forwarded", "for=\"[2001:db8::7]:4711\";proto=https")]
        )
        .await,
        "2001:db8::7"
    );
    assert_eq!(
        rest_client_ip(&s, &r, "garbage", &[("x-forwarded-for", "not an address")]).await,
        "127.0.0.1",
        "a malformed header is the peer"
    );
    assert_eq!(
        ws_client_ip(&s, &r, "viewer", &[("x-forwarded-for", "203.0.113.10")]).await,
        "203.0.113.10"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn an_untrusted_peer_cannot_name_another_address() {
    let r = Receiver::start().await;
    let s = server_with_hooks(&r, Some(&["192.0.2.0/24"])).await;
    assert_eq!(
        rest_client_ip(&s, &r, "xff", &[("x-forwarded-for", "203.0.113.9")]).await,
        "127.0.0.1"
    );
    assert_eq!(
        rest_client_ip(&s, &r, "forwarded", &[("forwarded", "for=203.0.113.9")]).await,
        "127.0.0.1"
    );
    assert_eq!(
        ws_client_ip(&s, &r, "viewer", &[("x-forwarded-for", "203.0.113.10")]).await,
        "127.0.0.1"
    );
    s.shutdown().await;
}

const PASSWORD: &str = "console password 1";

/// A failed console login from `forwarded_for`; answers the error code.
async fn failed_login(s: &TestServer, forwarded_for: &str) -> i64 {
    let answer: Value = reqwest::Client::new()
        .post(format!("http://{}/v1/console/login", s.addr))
        .header("content-type", "application/json")
        .header("x-forwarded-for", forwarded_for)
        .body(json!({"Password": "guess"}).to_string())
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    answer["ErrorCode"].as_i64().expect("a code")
}

async fn console_server(trusted: &[&str]) -> TestServer {
    let trusted: Vec<String> = trusted.iter().map(|c| c.to_string()).collect();
    TestServer::spawn_with(|c| {
        c.console.enabled = Some(true);
        c.console.password = Some(PASSWORD.into());
        c.trusted_proxies = trusted;
    })
    .await
}

#[tokio::test]
async fn console_login_limits_count_per_forwarded_client() {
    let s = console_server(&["127.0.0.0/8"]).await;
    for _ in 0..10 {
        assert_eq!(failed_login(&s, "203.0.113.1").await, 10007);
    }
    assert_eq!(failed_login(&s, "203.0.113.1").await, 60018, "locked out");
    assert_eq!(
        failed_login(&s, "203.0.113.2").await,
        10007,
        "another client behind the same proxy is not locked out"
    );
    s.shutdown().await;

    // Untrusted, the header means nothing: one peer, one count.
    let s = console_server(&[]).await;
    for _ in 0..10 {
        assert_eq!(failed_login(&s, "203.0.113.1").await, 10007);
    }
    assert_eq!(failed_login(&s, "203.0.113.2").await, 60018);
    s.shutdown().await;
}
