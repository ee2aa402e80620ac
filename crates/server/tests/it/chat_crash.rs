//! kill -9 under one-to-one traffic, on SQLite and on PostgreSQL: every message
//! acknowledged before the kill is stored, with the number it was acknowledged with, and
//! reaches its receiver when it catches up after the restart.

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
        let url = format!(
            "http://{}/v4/im_open_login_svc/account_import?sdkappid={APP}&identifier=administrator&usersig={}&random=1&contenttype=json",
            self.addr,
            sig("administrator"),
        );
        let answer: Value = reqwest::Client::new()
            .post(url)
            .body(json!({"UserID": user}).to_string())
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

async fn acknowledged_messages_survive_kill(db: Option<&str>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut server = Server::start(dir.path(), db).await;
    for u in ["ann", "bob"] {
        server.import(u).await;
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
                let Ok(reply) = c.send_c2c_text("bob", &text).await else {
                    return;
                };
                let seq = reply.data["Seq"].as_u64().expect("Seq");
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
        let page = bob
            .c2c_messages("ann", Some(after), 100)
            .await
            .expect("page");
        for m in page.data["Messages"].as_array().expect("Messages") {
            let seq = m["Seq"].as_u64().expect("Seq");
            assert_eq!(seq, after + 1, "numbers have no gaps and no repeats");
            after = seq;
            let text = m["MsgBody"][0]["MsgContent"]["Text"]
                .as_str()
                .expect("text");
            stored.insert(text.to_string(), seq);
        }
        if page.data["Complete"] == true {
            break;
        }
    }
    for (text, seq) in &acked {
        assert_eq!(stored.get(text), Some(seq), "acknowledged {text} as {seq}");
    }
}

#[tokio::test]
async fn acknowledged_c2c_messages_survive_kill_on_sqlite() {
    acknowledged_messages_survive_kill(None).await;
}

#[tokio::test]
async fn acknowledged_c2c_messages_survive_kill_on_postgres() {
    let db = TestDb::create().await;
    acknowledged_messages_survive_kill(Some(&db.url)).await;
    db.drop_now().await;
}
