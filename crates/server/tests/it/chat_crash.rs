//! kill -9 under one-to-one and stored-group traffic, on SQLite and on PostgreSQL: every
//! message acknowledged before the kill is stored, with the number it was acknowledged
//! with, and reaches its receiver (a member who was away) when it catches up after the
//! restart.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use liveroom_client::Client;

use crate::cluster::TestDb;
use crate::harness::{sig, APP, KEY};

/// One `liveroom serve` process on a data directory (and a database, when given).
struct Server {
    addr: SocketAddr,
    child: Child,
}

impl Server {
    async fn start(dir: &std::path::Path, db: Option<&str>) -> Self {
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_liveroom"));
        cmd.args(["serve", "--http-addr", &addr.to_string(), "--data-dir"])
            .arg(dir)
            .env("LIVEROOM_SDKAPPID", APP.to_string())
            .env("LIVEROOM_SECRET_KEY", KEY)
            .env("LIVEROOM_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(db) = db {
            cmd.env("LIVEROOM_DATABASE_URL", db);
        }
        let server = Self {
            addr,
            child: cmd.spawn().expect("liveroom starts"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while reqwest::get(format!("http://{addr}/healthz"))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "the server did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    async fn user(&self, name: &str) -> Client {
        let c = Client::connect(&format!("ws://{}/ws", self.addr))
            .await
            .expect("connect");
        c.login(APP, name, &sig(name)).await.expect("login");
        c
    }

    async fn import(&self, user: &str) {
        self.rest("im_open_login_svc/account_import", json!({"UserID": user}))
            .await;
    }

    async fn rest(&self, path: &str, body: Value) {
        let url = format!(
            "http://{}/v4/{path}?sdkappid={APP}&identifier=administrator&usersig={}&random=1&contenttype=json",
            self.addr,
            sig("administrator"),
        );
        let answer: Value = reqwest::Client::new()
            .post(url)
            .body(body.to_string())
            .send()
            .await
            .expect("http")
            .json()
            .await
            .expect("json");
        assert_eq!(answer["ErrorCode"], 0, "{answer}");
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Where the messages go: to Bob one to one, or to a Public group Ann and Bob are in.
#[derive(Clone, Copy)]
enum To {
    Bob,
    Group,
}

const GROUP: &str = "crew";

async fn send(c: &Client, to: To, text: &str) -> Option<u64> {
    let reply = match to {
        To::Bob => c.send_c2c_text("bob", text).await.ok()?,
        To::Group => c
            .send(
                GROUP,
                liveroom_client::text_body(text),
                liveroom_core::group::Priority::Normal,
                None,
                None,
            )
            .await
            .ok()?,
    };
    let key = match to {
        To::Bob => "Seq",
        To::Group => "MsgSeq",
    };
    Some(reply.data[key].as_u64().expect("a number"))
}

/// A page of what Bob reads after `after`: `(number, text)` and whether it is the last.
async fn page(bob: &Client, to: To, after: u64) -> (Vec<(u64, String)>, bool) {
    let data = match to {
        To::Bob => bob.c2c_messages("ann", Some(after), 100).await,
        To::Group => {
            bob.request(liveroom_core::protocol::Op::GetGroupMessages(
                liveroom_core::protocol::groups::GetGroupMessages {
                    group_id: GROUP.into(),
                    topic_id: None,
                    after_seq: Some(after),
                    before_seq: None,
                    count: 100,
                    with_recalled: false,
                },
            ))
            .await
        }
    }
    .expect("page")
    .data;
    let key = match to {
        To::Bob => "Seq",
        To::Group => "MsgSeq",
    };
    let list = data["Messages"]
        .as_array()
        .expect("Messages")
        .iter()
        .map(|m| {
            let text = m["MsgBody"][0]["MsgContent"]["Text"]
                .as_str()
                .expect("text");
            (m[key].as_u64().expect("a number"), text.to_string())
        })
        .collect();
    (list, data["Complete"] == true)
}

async fn acknowledged_messages_survive_kill(db: Option<&str>, to: To) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = Server::start(dir.path(), db).await;
    for u in ["ann", "bob"] {
        server.import(u).await;
    }
    if let To::Group = to {
        server
            .rest(
                "group_open_http_svc/create_group",
                json!({"Type": "Public", "GroupId": GROUP, "Name": "crew", "Owner_Account": "ann",
                       "MemberList": [{"Member_Account": "bob"}]}),
            )
            .await;
    }
    // Four connections of Ann send at once; what each got acknowledged, by text.
    let acked: Arc<Mutex<BTreeMap<String, u64>>> = Arc::default();
    let enough = Arc::new(tokio::sync::Notify::new());
    let mut senders = Vec::new();
    for s in 0..4 {
        let c = server.user("ann").await;
        let (acked, enough) = (acked.clone(), enough.clone());
        senders.push(tokio::spawn(async move {
            for i in 0.. {
                let text = format!("s{s}-{i}");
                let Some(seq) = send(&c, to, &text).await else {
                    return;
                };
                let mut a = acked.lock().expect("acked");
                a.insert(text, seq);
                if a.len() == 300 {
                    enough.notify_one();
                }
            }
        }));
    }
    enough.notified().await;
    server.kill();
    for s in senders {
        let _ = s.await;
    }
    let acked = acked.lock().expect("acked").clone();
    assert!(acked.len() >= 300);

    let server = Server::start(dir.path(), db).await;
    let bob = server.user("bob").await;
    let mut stored: BTreeMap<String, u64> = BTreeMap::new();
    let mut after = 0;
    loop {
        let (list, complete) = page(&bob, to, after).await;
        for (seq, text) in list {
            assert_eq!(seq, after + 1, "numbers have no gaps and no repeats");
            after = seq;
            stored.insert(text, seq);
        }
        if complete {
            break;
        }
    }
    for (text, seq) in &acked {
        assert_eq!(stored.get(text), Some(seq), "acknowledged {text} as {seq}");
    }
    // Bob's unread count is every stored message: he sent none.
    let list = bob.conversations(10).await.expect("list");
    assert_eq!(list.data["TotalUnread"].as_u64(), Some(stored.len() as u64));
}

#[tokio::test]
async fn acknowledged_c2c_messages_survive_kill_on_sqlite() {
    acknowledged_messages_survive_kill(None, To::Bob).await;
}

#[tokio::test]
async fn acknowledged_c2c_messages_survive_kill_on_postgres() {
    let db = TestDb::create().await;
    acknowledged_messages_survive_kill(Some(&db.url), To::Bob).await;
    db.drop_now().await;
}

#[tokio::test]
async fn acknowledged_group_messages_survive_kill_on_sqlite() {
    acknowledged_messages_survive_kill(None, To::Group).await;
}

#[tokio::test]
async fn acknowledged_group_messages_survive_kill_on_postgres() {
    let db = TestDb::create().await;
    acknowledged_messages_survive_kill(Some(&db.url), To::Group).await;
    db.drop_now().await;
}
