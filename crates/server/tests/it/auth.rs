//! UserSig checks on both doors: each bad ticket is refused with its reference code.

use liveroom_core::time::unix_secs;
use liveroom_core::usersig;

use crate::harness::{sig, TestServer, APP, KEY};

fn bad_tickets() -> Vec<(&'static str, String, i64)> {
    let now = unix_secs();
    vec![
        (
            "expired",
            usersig::generate(APP, KEY, "alice", 60, now - 3600),
            70001,
        ),
        ("empty", String::new(), 70002),
        ("garbage", "this-is-not-a-ticket".into(), 70003),
        ("truncated", sig("alice")[..40].to_string(), 70003),
        (
            "forged (other key)",
            usersig::generate(APP, "another-key", "alice", 3600, now),
            70009,
        ),
        ("other identifier", sig("mallory"), 70013),
        (
            "other app",
            usersig::generate(APP + 1, KEY, "alice", 3600, now),
            70014,
        ),
    ]
}

#[tokio::test]
async fn websocket_login_refuses_bad_tickets_with_their_codes() {
    let s = TestServer::spawn().await;
    let c = s.client().await;
    for (what, ticket, code) in bad_tickets() {
        let err = c.login(APP, "alice", &ticket).await.expect_err(what);
        assert_eq!(err.code(), Some(code as i32), "{what}: {err}");
    }
    let err = c
        .login(999, "alice", &sig("alice"))
        .await
        .expect_err("unknown app");
    assert_eq!(err.code(), Some(70020));
    let err = c
        .login(APP, "bad id with spaces", &sig("alice"))
        .await
        .expect_err("bad user id");
    assert_eq!(err.code(), Some(10004));
    // After all that, a good ticket still works on the same connection.
    let ok = c
        .login(APP, "alice", &sig("alice"))
        .await
        .expect("valid login");
    assert_eq!(ok.data["UserID"], "alice");
}

#[tokio::test]
async fn rest_refuses_bad_tickets_and_non_admins() {
    let s = TestServer::spawn().await;
    for (what, ticket, code) in bad_tickets() {
        let q =
            format!("sdkappid={APP}&identifier=alice&usersig={ticket}&random=1&contenttype=json");
        let v = s
            .post(&s.url("group_open_http_svc/get_appid_group_list", &q), "{}")
            .await;
        assert_eq!(v["ActionStatus"], "FAIL", "{what}");
        assert_eq!(v["ErrorCode"], code, "{what}: {v}");
    }
    // A valid ticket of a user who is not an App admin.
    let q = format!(
        "sdkappid={APP}&identifier=alice&usersig={}&random=1&contenttype=json",
        sig("alice")
    );
    let v = s
        .post(&s.url("group_open_http_svc/get_appid_group_list", &q), "{}")
        .await;
    assert_eq!(v["ErrorCode"], 60010, "{v}");
    // No sdkappid at all, or an unknown one.
    let v = s
        .post(
            &s.url(
                "group_open_http_svc/get_appid_group_list",
                "identifier=administrator",
            ),
            "{}",
        )
        .await;
    assert_eq!(v["ErrorCode"], 60012);
    let q = format!(
        "sdkappid=12345&identifier=administrator&usersig={}",
        sig("administrator")
    );
    let v = s
        .post(&s.url("group_open_http_svc/get_appid_group_list", &q), "{}")
        .await;
    assert_eq!(v["ErrorCode"], 70020);
}
