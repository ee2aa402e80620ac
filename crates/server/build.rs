//! Builds the web pages (`web/`, with Vite) into this crate's build directory, where the server
//! embeds them: the binary serves its pages with no Node and no network at run time.
//!
//! Needs Node.js and npm at build time; `npm ci` runs when `web/node_modules` is missing or
//! older than the lockfile. `LIVEROOM_SKIP_WEB=1` builds without the pages (the server then
//! answers them with a page saying so), for machines without Node.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use std::{env, fs};

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest.join("../..");
    let web = root.join("web");
    let out = PathBuf::from(env::var("OUT_DIR").expect("set by cargo")).join("web");

    println!("cargo:rerun-if-env-changed=LIVEROOM_SKIP_WEB");
    for path in [
        "src",
        "index.html",
        "host.html",
        "admin.html",
        "chat.html",
        "community.html",
        "public",
        "package.json",
        "package-lock.json",
        "vite.config.js",
    ] {
        println!("cargo:rerun-if-changed={}", web.join(path).display());
    }
    println!(
        "cargo:rerun-if-changed={}",
        root.join("sdk/js/liveroom.js").display()
    );

    if let Err(e) = fs::create_dir_all(&out) {
        panic!("cannot create {}: {e}", out.display());
    }
    if env::var_os("LIVEROOM_SKIP_WEB").is_some_and(|v| !v.is_empty() && v != "0") {
        let page = "<!doctype html><meta charset=utf-8><title>Liveroom</title>\
            <p>This server was built without its web pages (LIVEROOM_SKIP_WEB). \
            The WebSocket, REST and SDK endpoints work as usual.</p>";
        write(&out.join("index.html"), page);
        return;
    }
    // Cargo and an editor's checker may build at once: one install and build at a time.
    let _lock = InstallLock::take(&web);
    if needs_install(&web) {
        run(
            Command::new(npm()).args(["ci", "--no-audit", "--no-fund"]),
            &web,
            "npm ci",
        );
    }
    run(
        Command::new(npm())
            .args(["run", "build", "--silent"])
            .env("LIVEROOM_WEB_OUT", &out),
        &web,
        "npm run build",
    );
}

/// A lock file beside `node_modules`, held while one build installs and builds the pages.
struct InstallLock(PathBuf);

impl InstallLock {
    fn take(web: &Path) -> Self {
        let path = web.join(".build.lock");
        let started = Instant::now();
        loop {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(_) => return Self(path),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    // A lock this old was left by a build that died.
                    let stale = fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok())
                        .is_some_and(|age| age > Duration::from_secs(600));
                    if stale {
                        let _ = fs::remove_file(&path);
                        continue;
                    }
                    if started.elapsed() > Duration::from_secs(900) {
                        panic!(
                            "another build has held {} for 15 minutes; remove it if no build runs",
                            path.display()
                        );
                    }
                    std::thread::sleep(Duration::from_millis(500));
                }
                Err(e) => panic!("cannot create {}: {e}", path.display()),
            }
        }
    }
}

impl Drop for InstallLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

fn npm() -> &'static str {
    if cfg!(windows) {
        "npm.cmd"
    } else {
        "npm"
    }
}

/// `node_modules` is missing or older than the lockfile.
fn needs_install(web: &Path) -> bool {
    let modified = |p: PathBuf| fs::metadata(p).and_then(|m| m.modified()).ok();
    match (
        modified(web.join("node_modules/.package-lock.json")),
        modified(web.join("package-lock.json")),
    ) {
        (Some(installed), Some(lock)) => installed < lock,
        _ => true,
    }
}

fn run(cmd: &mut Command, dir: &Path, what: &str) {
    let status = cmd.current_dir(dir).status().unwrap_or_else(|e| {
        panic!(
            "{what} could not start ({e}): building the web pages needs Node.js and npm; \
             set LIVEROOM_SKIP_WEB=1 to build the server without them"
        )
    });
    if !status.success() {
        panic!(
            "{what} failed in {} ({status}); set LIVEROOM_SKIP_WEB=1 to build the server \
             without its web pages",
            dir.display()
        );
    }
}

fn write(path: &Path, text: &str) {
    if let Err(e) = fs::write(path, text) {
        panic!("cannot write {}: {e}", path.display());
    }
}
