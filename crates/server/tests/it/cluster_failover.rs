//! Cluster failures with real processes: `liveroom serve` nodes on loopback ports, one
//! fresh PostgreSQL database and NATS prefix per test, killed with SIGKILL.

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use liveroom_client::{Client, Event};
use liveroom_core::group::Priority;

use crate::cluster::{drop_buckets, fresh_prefix, nats_url, spawn_nodes, TestDb};
use crate::harness::{sig, APP, KEY};

pub struct Node {
    pub addr: SocketAddr,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Node {
    pub async fn start(db: &str, nats: &str, prefix: &str, name: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        // A free port: bound, read and released (the node binds it right after).
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port");
        let log = std::fs::File::create(dir.path().join("node.log")).expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_liveroom"))
            .args(["serve", "--http-addr", &addr.to_string(), "--data-dir"])
            .arg(dir.path())
            .env("LIVEROOM_DATABASE_URL", db)
            .env("LIVEROOM_NATS_URL", nats)
            .env("LIVEROOM_CLUSTER_PREFIX", prefix)
            .env("LIVEROOM_NODE_NAME", name)
            .env("LIVEROOM_SDKAPPID", APP.to_string())
            .env("LIVEROOM_SECRET_KEY", KEY)
            .env("LIVEROOM_LOG", "warn,liveroom_cluster=info")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("liveroom starts");
        let node = Self {
            addr,
            child,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while node.health().await.is_none() {
            assert!(Instant::now() < deadline, "node {name} did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        node
    }

    pub async fn health(&self) -> Option<Value> {
        let r = reqwest::get(format!("http://{}/healthz", self.addr))
            .await
            .ok()?;
        r.json().await.ok()
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    pub async fn rest(&self, path: &str, body: Value) -> Value {
        let url = format!(
            "http://{}/v4/{path}?sdkappid={APP}&identifier=administrator&usersig={}&random={}&contenttype=json",
            self.addr,
            sig("administrator"),
            rand::random::<u32>()
        );
        reqwest::Client::new()
            .post(url)
            .body(body.to_string())
            .send()
            .await
            .expect("http")
            .json()
            .await
            .expect("json")
    }

    pub async fn member(&self, user: &str, room: &str) -> Client {
        let c = Client::connect(&self.ws_url()).await.expect("connect");
        c.login(APP, user, &sig(user)).await.expect("login");
        c.join(room).await.expect("join");
        c
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The node that decides for the test's one room (the only node owning a room).
async fn owner_of(nodes: &[Node]) -> usize {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut owners = Vec::new();
        for (i, n) in nodes.iter().enumerate() {
            if let Some(h) = n.health().await {
                if h["owned_rooms"].as_u64() == Some(1) {
                    owners.push(i);
                }
            }
        }
        if owners.len() == 1 {
            return owners[0];
        }
        assert!(Instant::now() < deadline, "no single owner: {owners:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_room_outlives_its_owner_killed_under_traffic() {
    let db = TestDb::create().await;
    let prefix = fresh_prefix();
    let mut nodes = Vec::new();
    for i in 0..3 {
        nodes.push(Node::start(&db.url, &nats_url(), &prefix, &format!("node-{i}")).await);
    }
    let created = nodes[0]
        .rest(
            "group_open_http_svc/create_group",
            json!({"Type": "AVChatRoom", "GroupId": "fo", "Name": "failover"}),
        )
        .await;
    assert_eq!(created["ErrorCode"], 0, "{created}");
    let set = nodes[2]
        .rest(
            "liveroom_ext/set_app_settings",
            json!({"Settings": {"history_count": 50}}),
        )
        .await;
    assert_eq!(set["ErrorCode"], 0, "{set}");
    let mut viewers = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        viewers.push((i, n.member(&format!("v{i}"), "fo").await));
    }
    // The first message settles the owner.
    let probe = nodes[1].member("probe", "fo").await;
    probe
        .send_text("fo", "first", Priority::Normal)
        .await
        .expect("first message");
    let owner = owner_of(&nodes).await;
    let survivors: Vec<usize> = (0..3).filter(|i| *i != owner).collect();

    // A sender on a surviving node sends one message after another, keeping what was
    // acknowledged.
    let sender = nodes[survivors[0]].member("sender", "fo").await;
    let acked = Arc::new(Mutex::new(Vec::<u64>::new()));
    let refused = Arc::new(Mutex::new(0usize));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let traffic = {
        let (acked, refused, stop) = (acked.clone(), refused.clone(), stop.clone());
        tokio::spawn(async move {
            let mut k = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                k += 1;
                match sender
                    .send_text("fo", &format!("m{k}"), Priority::Normal)
                    .await
                {
                    Ok(r) => acked
                        .lock()
                        .expect("lock")
                        .push(r.data["MsgSeq"].as_u64().expect("seq")),
                    Err(_) => *refused.lock().expect("lock") += 1,
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            sender
        })
    };
    // Some traffic before the kill.
    while acked.lock().expect("lock").len() < 10 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = acked.lock().expect("lock").len();
    let killed_at = Instant::now();
    nodes[owner].kill();
    // The room continues: new acknowledgements, from a new owner.
    loop {
        if acked.lock().expect("lock").len() > before + 10 {
            break;
        }
        assert!(
            killed_at.elapsed() < Duration::from_secs(20),
            "the room did not continue after its owner died"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let new_owner = owner_of(&nodes).await;
    assert_ne!(new_owner, owner);
    eprintln!(
        "failover: 10 more messages acknowledged {:?} after the kill",
        killed_at.elapsed()
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _sender = traffic.await.expect("traffic");
    let acked: Vec<u64> = acked.lock().expect("lock").clone();

    // Viewers on surviving nodes got every acknowledged message once, in order.
    for (i, v) in viewers.iter_mut().filter(|(i, _)| *i != owner) {
        let mut seen = Vec::new();
        let want: BTreeSet<u64> = acked.iter().copied().collect();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !want.iter().all(|s| seen.contains(s)) {
            match tokio::time::timeout_at(deadline, v.next_event()).await {
                Ok(Event::Message(m)) => seen.push(m.msg_seq),
                Ok(Event::Closed) => panic!("viewer on node {i} was closed"),
                Ok(_) => {}
                Err(_) => panic!("viewer on node {i} missed messages: {want:?} / {seen:?}"),
            }
        }
        let mut sorted = seen.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(seen, sorted, "node {i}: in order, once");
    }
    // The dead node's viewer comes back on another node and catches up from the history.
    let mut back = nodes[survivors[1]].member(&format!("v{owner}"), "fo").await;
    let mut history = Vec::new();
    while let Some(Event::Message(m)) = back.next_event_within(Duration::from_secs(2)).await {
        assert!(m.history, "history first");
        history.push(m.msg_seq);
    }
    let mut unique = history.clone();
    unique.dedup();
    assert_eq!(history, unique, "no duplicates");
    let last = *acked.last().expect("acked");
    assert!(
        history.contains(&last),
        "history has the newest: {history:?}"
    );

    // Nothing acknowledged is missing from the stored history (read a page at a time).
    let mut in_store = BTreeSet::new();
    let mut below: Option<u64> = None;
    loop {
        let mut req = json!({"GroupId": "fo", "ReqMsgNumber": 20});
        if let Some(b) = below {
            req["ReqMsgSeq"] = json!(b);
        }
        let page = nodes[survivors[0]]
            .rest("group_open_http_svc/group_msg_get_simple", req)
            .await;
        let list = page["RspMsgList"]
            .as_array()
            .unwrap_or_else(|| panic!("{page}"))
            .clone();
        let seqs: Vec<u64> = list.iter().filter_map(|m| m["MsgSeq"].as_u64()).collect();
        in_store.extend(seqs.iter().copied());
        match seqs.iter().min() {
            Some(&lowest) if lowest > 1 && page["IsFinished"] != 1 => below = Some(lowest - 1),
            _ => break,
        }
    }
    for s in &acked {
        assert!(in_store.contains(s), "acknowledged {s} is stored");
    }
    drop(nodes);
    db.drop_now().await;
    drop_buckets(&nats_url(), &prefix).await;
}

/// A NATS server of the test's own (JetStream on, state in a temporary directory), so it can
/// be killed and started again.
struct OwnNats {
    port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl OwnNats {
    fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut nats = Self {
            port,
            dir: tempfile::tempdir().expect("tempdir"),
            child: None,
        };
        nats.run();
        nats
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    fn run(&mut self) {
        let bin =
            std::env::var("LIVEROOM_TEST_NATS_SERVER").unwrap_or_else(|_| "nats-server".into());
        let child = Command::new(bin)
            .args([
                "-js",
                "-a",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-sd",
            ])
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server starts (Debian: apt-get install nats-server)");
        self.child = Some(child);
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    async fn wait_up(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "nats-server did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for OwnNats {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn bus_state(node: &crate::harness::TestServer) -> String {
    let url = format!("http://{}/healthz", node.addr);
    match reqwest::get(url).await {
        Ok(r) => r
            .json::<Value>()
            .await
            .ok()
            .and_then(|v| v["bus"].as_str().map(str::to_string))
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

#[tokio::test]
async fn nodes_heal_when_nats_comes_back() {
    let mut nats = OwnNats::start();
    nats.wait_up().await;
    let db = TestDb::create().await;
    let prefix = fresh_prefix();
    let nodes = spawn_nodes(2, &db.url, &nats.url(), &prefix).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    a.create_room("heal", None).await;
    let sender = a.member("sender", "heal").await;
    let mut viewer = b.member("viewer", "heal").await;
    sender
        .send_text("heal", "before", Priority::Normal)
        .await
        .expect("send");
    let m = viewer
        .next_message_within(Duration::from_secs(10))
        .await
        .expect("delivered across nodes");
    assert_eq!(liveroom_client::message_text(&m), Some("before"));

    nats.kill();
    for node in [a, b] {
        let deadline = Instant::now() + Duration::from_secs(10);
        while bus_state(node).await != "disconnected" {
            assert!(Instant::now() < deadline, "the bus is not reported down");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    // Meanwhile every connection stays, and what needs the bus is refused with a code or
    // done on this node alone.
    match sender.send_text("heal", "during", Priority::Normal).await {
        Ok(_) => {}
        Err(e) => assert_eq!(e.code(), Some(10002), "{e}"),
    }

    nats.run();
    nats.wait_up().await;
    for node in [a, b] {
        let deadline = Instant::now() + Duration::from_secs(20);
        while bus_state(node).await != "connected" {
            assert!(
                Instant::now() < deadline,
                "the node did not reconnect to NATS"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    // Messages flow between the nodes again, without a restart.
    let deadline = Instant::now() + Duration::from_secs(20);
    'healed: loop {
        assert!(
            Instant::now() < deadline,
            "messages do not cross nodes again"
        );
        if sender
            .send_text("heal", "after", Priority::Normal)
            .await
            .is_ok()
        {
            while let Some(m) = viewer.next_message_within(Duration::from_millis(500)).await {
                if liveroom_client::message_text(&m) == Some("after") {
                    break 'healed;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    drop((sender, viewer));
    for n in nodes {
        n.shutdown().await;
    }
    db.drop_now().await;
}

/// A PostgreSQL server of the test's own (the system's `initdb` and `pg_ctl`, run as the
/// `postgres` account when the tests run as root), so it can be stopped and started again.
struct OwnPg {
    dir: tempfile::TempDir,
    port: u16,
    bin: std::path::PathBuf,
}

impl OwnPg {
    /// `None` (the test is skipped, saying why) without PostgreSQL's server programs.
    fn start() -> Option<Self> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .find(|b| b.join("pg_ctl").exists())?;
        let dir = tempfile::tempdir().expect("tempdir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let pg = Self { dir, port, bin };
        if Self::root() {
            let ok = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(pg.dir.path())
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "chown of the test's PostgreSQL directory");
        }
        let data = pg.dir.path().join("data");
        let ok = pg
            .command("initdb")
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-D"])
            .arg(&data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "initdb");
        pg.ctl("start");
        Some(pg)
    }

    fn root() -> bool {
        Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if Self::root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    fn ctl(&self, action: &str) {
        let data = self.dir.path().join("data");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let mut c = self.command("pg_ctl");
        c.arg("-D")
            .arg(&data)
            .args(["-w", "-m", "immediate", "-o", &options]);
        c.arg("-l").arg(self.dir.path().join("log")).arg(action);
        let ok = c
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "pg_ctl {action}");
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for OwnPg {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(data)
            .args(["-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

#[tokio::test]
async fn nodes_heal_when_postgresql_comes_back() {
    let Some(pg) = OwnPg::start() else {
        eprintln!("SKIPPED: PostgreSQL's server programs (initdb, pg_ctl) are not installed");
        return;
    };
    let prefix = fresh_prefix();
    let nodes = spawn_nodes(2, &pg.url(), &nats_url(), &prefix).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    a.create_room("pgheal", None).await;
    let sender = a.member("sender", "pgheal").await;
    let mut viewer = b.member("viewer", "pgheal").await;
    sender
        .send_text("pgheal", "before", Priority::Normal)
        .await
        .expect("send");
    assert!(viewer
        .next_message_within(Duration::from_secs(10))
        .await
        .is_some());

    pg.ctl("stop");
    // Nothing is acknowledged that was not stored: a send is refused with a code, and the
    // connections stay.
    let refused = sender
        .send_text("pgheal", "during", Priority::Normal)
        .await
        .expect_err("not stored, not acknowledged");
    assert_eq!(refused.code(), Some(10002), "{refused}");

    pg.ctl("start");
    let deadline = Instant::now() + Duration::from_secs(30);
    'healed: loop {
        assert!(Instant::now() < deadline, "sends do not succeed again");
        if sender
            .send_text("pgheal", "after", Priority::Normal)
            .await
            .is_ok()
        {
            while let Some(m) = viewer.next_message_within(Duration::from_secs(2)).await {
                assert_ne!(liveroom_client::message_text(&m), Some("during"));
                if liveroom_client::message_text(&m) == Some("after") {
                    break 'healed;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    drop((sender, viewer));
    for n in nodes {
        n.shutdown().await;
    }
    drop_buckets(&nats_url(), &prefix).await;
}
