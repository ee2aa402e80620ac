//! Interoperability of our UserSig v2 code with the vendor's official generator libraries:
//! the PyPI package `tls-sig-api-v2` and the npm package `tls-sig-api-v2` (versions pinned in
//! `scripts/interop/requirements.txt` and `scripts/interop/package-lock.json`).
//!
//! Needs the environment that `scripts/interop/setup.sh` installs (a Python venv under
//! `target/interop/venv` and `scripts/interop/node_modules`, plus `node` on PATH). Without it
//! every test here fails and says so, unless `LIVEROOM_SKIP_INTEROP=1` is set.
//!
//! Neither official library can verify a ticket (both only generate), so "the official side
//! accepts our tickets" is shown by byte-identity with the Python library's output at a pinned
//! clock, and by identical decoded fields and `TLS.sig` against the Node library, whose JSON
//! layout differs from Python's.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use liveroom_core::usersig::{generate, signature, verify, SigError, Ticket};
use serde_json::Value;

const APP: u64 = 1_400_000_000;
const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const OTHER_APP: u64 = 20_012_345;
const OTHER_KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// Identifiers whose JSON encoding is the same in Python's `json.dumps` and in our writer.
const ASCII_IDS: &[&str] = &[
    "administrator",
    "xiaojun",
    "user_01-A",
    "12345678901234567890123456789012",
    "colon:in:id",
    "quote\"back\\slash/slash",
    "tab\tand\u{1f}control",
];
/// Python's `json.dumps` escapes non-ASCII (and DEL) as `\uXXXX`; we and Node write them raw.
const NON_ASCII_IDS: &[&str] = &["用户é", "emoji😀", "del\u{7f}"];
const EXPIRES: &[u64] = &[1, 60, 86_400, 15_552_000, 315_360_000, 4_294_967_296];

// ---------------------------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------------------------

struct Interop {
    python: PathBuf,
    scripts: PathBuf,
}

/// The interop environment, or `None` when `LIVEROOM_SKIP_INTEROP=1` and it is missing.
/// Panics with instructions when it is missing and not skipped.
fn interop() -> Option<Interop> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root.canonicalize().unwrap_or(root);
    let python = root.join("target/interop/venv/bin/python");
    let scripts = root.join("scripts/interop");
    let mut missing = Vec::new();
    if !python.is_file() {
        missing.push(format!("{} not found", python.display()));
    }
    let node_pkg = scripts.join("node_modules/tls-sig-api-v2/package.json");
    if !node_pkg.is_file() {
        missing.push(format!("{} not found", node_pkg.display()));
    }
    match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => missing.push(format!("`node --version` exited with {}", out.status)),
        Err(e) => missing.push(format!("cannot run `node`: {e}")),
    }
    if missing.is_empty() {
        return Some(Interop { python, scripts });
    }
    if std::env::var("LIVEROOM_SKIP_INTEROP").as_deref() == Ok("1") {
        eprintln!(
            "SKIPPED UserSig interop test (LIVEROOM_SKIP_INTEROP=1): {}",
            missing.join("; ")
        );
        return None;
    }
    panic!(
        "UserSig interop environment is missing: {}.\n\
         Run `scripts/interop/setup.sh` from the repository root to install the official \
         tls-sig-api-v2 libraries (or set LIVEROOM_SKIP_INTEROP=1 to skip these tests).",
        missing.join("; ")
    );
}

/// One ticket printed by `mint.py` / `mint.mjs`.
#[derive(Debug)]
struct Minted {
    identifier: String,
    expire: u64,
    usersig: String,
}

#[derive(Clone, Copy, Debug)]
enum Lib {
    Python,
    Node,
}

impl Interop {
    /// Runs the official library `lib` to mint one ticket per `(identifier, expire)`, with its
    /// clock pinned to `now` if given.
    fn mint(
        &self,
        lib: Lib,
        sdkappid: u64,
        key: &str,
        now: Option<i64>,
        specs: &[(&str, u64)],
    ) -> Vec<Minted> {
        let mut cmd = match lib {
            Lib::Python => {
                let mut c = Command::new(&self.python);
                c.arg(self.scripts.join("mint.py"));
                c
            }
            Lib::Node => {
                let mut c = Command::new("node");
                c.arg(self.scripts.join("mint.mjs"));
                c
            }
        };
        cmd.arg(sdkappid.to_string()).arg(key);
        if let Some(now) = now {
            cmd.arg("--now").arg(now.to_string());
        }
        for (id, expire) in specs {
            cmd.arg(format!("{id}:{expire}"));
        }
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run the {lib:?} minting script: {e}"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "{lib:?} minting script failed ({}); run scripts/interop/setup.sh?\nstdout:\n{stdout}\nstderr:\n{stderr}",
            out.status
        );
        let minted: Vec<Minted> = stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|line| {
                let v: Value = serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("{lib:?} printed a non-JSON line {line:?}: {e}"));
                let field = |name: &str| {
                    v.get(name)
                        .unwrap_or_else(|| panic!("{lib:?} line {line:?} has no {name}"))
                };
                Minted {
                    identifier: field("identifier")
                        .as_str()
                        .expect("identifier is a string")
                        .to_owned(),
                    expire: field("expire").as_u64().expect("expire is a u64"),
                    usersig: field("usersig")
                        .as_str()
                        .expect("usersig is a string")
                        .to_owned(),
                }
            })
            .collect();
        assert_eq!(
            minted.len(),
            specs.len(),
            "{lib:?} minted {} tickets for {} requests\nstdout:\n{stdout}\nstderr:\n{stderr}",
            minted.len(),
            specs.len()
        );
        for (m, (id, expire)) in minted.iter().zip(specs) {
            assert_eq!((m.identifier.as_str(), m.expire), (*id, *expire), "{lib:?}");
        }
        minted
    }
}

fn unix_now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    i64::try_from(secs).expect("time fits i64")
}

fn specs<'a>(ids: &[&'a str]) -> Vec<(&'a str, u64)> {
    // Every identifier with a different expiry, cycling through EXPIRES; plus every expiry
    // for `administrator`.
    let mut out: Vec<(&str, u64)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, EXPIRES[i % EXPIRES.len()]))
        .collect();
    out.extend(EXPIRES.iter().map(|e| ("administrator", *e)));
    out
}

// ---------------------------------------------------------------------------------------------
// Ticket surgery (our own codec, used only to look inside and to tamper)
// ---------------------------------------------------------------------------------------------

fn decode_json(usersig: &str) -> String {
    let mut b64: String = usersig
        .chars()
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            c => c,
        })
        .collect();
    let padding = (4 - b64.len() % 4) % 4;
    b64.extend(std::iter::repeat_n('=', padding));
    let compressed = STANDARD
        .decode(b64)
        .unwrap_or_else(|e| panic!("{usersig}: not base64: {e}"));
    let mut json = String::new();
    ZlibDecoder::new(compressed.as_slice())
        .read_to_string(&mut json)
        .unwrap_or_else(|e| panic!("{usersig}: not zlib/UTF-8: {e}"));
    json
}

fn encode_json(json: &str) -> String {
    let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
    enc.write_all(json.as_bytes()).expect("write to Vec");
    let compressed = enc.finish().expect("finish zlib into Vec");
    STANDARD
        .encode(compressed)
        .chars()
        .map(|c| match c {
            '+' => '*',
            '/' => '-',
            '=' => '_',
            c => c,
        })
        .collect()
}

fn decode_value(usersig: &str) -> Value {
    let json = decode_json(usersig);
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json:?} is not JSON: {e}"))
}

/// Changes the last digit of the number after `"TLS.<field>":` (so the JSON stays valid and
/// the value changes), keeping everything else byte for byte.
fn bump_number(json: &str, field: &str) -> String {
    let tag = format!("\"TLS.{field}\":");
    let at = json
        .find(&tag)
        .unwrap_or_else(|| panic!("{json:?} has no {tag}"))
        + tag.len();
    let digits_start = at + json[at..].len() - json[at..].trim_start().len();
    let digits_len = json[digits_start..]
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or_else(|| panic!("{json:?}: {tag} is not followed by a number"));
    assert!(
        digits_len > 0,
        "{json:?}: {tag} is not followed by a number"
    );
    let last = digits_start + digits_len - 1;
    let digit = json.as_bytes()[last] - b'0';
    let bumped = char::from(b'0' + (digit + 1) % 10);
    format!("{}{bumped}{}", &json[..last], &json[last + 1..])
}

fn check_ticket(t: &Ticket, identifier: &str, sdkappid: u64, expire: u64, time: (i64, i64)) {
    assert_eq!(t.identifier, identifier);
    assert_eq!(t.sdkappid, sdkappid);
    assert_eq!(u64::try_from(t.expire).ok(), Some(expire), "{t:?}");
    assert!(
        (time.0..=time.1).contains(&t.time),
        "ticket time {} outside [{}, {}]",
        t.time,
        time.0,
        time.1
    );
}

// ---------------------------------------------------------------------------------------------
// (a) Official tickets, minted now, verify with ours
// ---------------------------------------------------------------------------------------------

#[test]
fn official_tickets_minted_now_verify() {
    let Some(env) = interop() else { return };
    let all_ids: Vec<&str> = ASCII_IDS.iter().chain(NON_ASCII_IDS).copied().collect();
    let requests = specs(&all_ids);
    let mut checked = 0;
    for lib in [Lib::Python, Lib::Node] {
        for (app, key) in [(APP, KEY), (OTHER_APP, OTHER_KEY)] {
            let before = unix_now();
            let minted = env.mint(lib, app, key, None, &requests);
            let after = unix_now();
            for m in &minted {
                let ctx = format!("{lib:?} app {app} {:?} expire {}", m.identifier, m.expire);
                let now = unix_now();
                let t = verify(&m.usersig, app, key, &m.identifier, now).unwrap_or_else(|e| {
                    panic!("{ctx}: refused at now={now}: {e:?}\n{}", m.usersig)
                });
                check_ticket(&t, &m.identifier, app, m.expire, (before, after));
                // Valid through time + expire inclusive, expired one second later.
                let edge = t.expires_at();
                assert_eq!(
                    verify(&m.usersig, app, key, &m.identifier, edge).as_ref(),
                    Ok(&t),
                    "{ctx}: at expiry edge"
                );
                assert_eq!(
                    verify(&m.usersig, app, key, &m.identifier, edge + 1),
                    Err(SigError::Expired),
                    "{ctx}: one second after expiry"
                );
                checked += 1;
            }
        }
    }
    eprintln!("verified {checked} official tickets minted now");
}

// ---------------------------------------------------------------------------------------------
// (b) Our tickets against the official libraries (which cannot verify): identity at a pinned clock
// ---------------------------------------------------------------------------------------------

#[test]
fn our_tickets_are_byte_identical_to_python_at_pinned_time() {
    let Some(env) = interop() else { return };
    let requests = specs(ASCII_IDS);
    // A historical instant, the unit-test vector's instant, and the current second.
    for now in [1_577_836_800, 1_700_000_000, unix_now()] {
        for (app, key) in [(APP, KEY), (OTHER_APP, OTHER_KEY)] {
            let minted = env.mint(Lib::Python, app, key, Some(now), &requests);
            for m in &minted {
                let ours = generate(app, key, &m.identifier, m.expire, now);
                assert_eq!(
                    ours,
                    m.usersig,
                    "generate({app}, key, {:?}, {}, {now}) differs from Python tls-sig-api-v2\n ours:   {}\n python: {}",
                    m.identifier,
                    m.expire,
                    decode_json(&ours),
                    decode_json(&m.usersig)
                );
            }
        }
    }
}

#[test]
fn our_tickets_match_python_non_ascii_semantically() {
    // Python escapes non-ASCII as \uXXXX, we write UTF-8: the bytes differ but any JSON
    // reader sees the same ticket, and the HMAC (over the raw UTF-8 identifier) is the same.
    let Some(env) = interop() else { return };
    let now = 1_700_000_000;
    let requests = specs(NON_ASCII_IDS);
    for m in env.mint(Lib::Python, APP, KEY, Some(now), &requests) {
        let ours = generate(APP, KEY, &m.identifier, m.expire, now);
        if ours != m.usersig {
            eprintln!(
                "note: {:?}: our ticket JSON {} differs in bytes from Python's {}",
                m.identifier,
                decode_json(&ours),
                decode_json(&m.usersig)
            );
        }
        assert_eq!(
            decode_value(&ours),
            decode_value(&m.usersig),
            "{:?}",
            m.identifier
        );
        assert_eq!(
            verify(&ours, APP, KEY, &m.identifier, now),
            verify(&m.usersig, APP, KEY, &m.identifier, now)
        );
    }
}

#[test]
fn our_tickets_match_node_fields_and_signature_at_pinned_time() {
    let Some(env) = interop() else { return };
    let all_ids: Vec<&str> = ASCII_IDS.iter().chain(NON_ASCII_IDS).copied().collect();
    let requests = specs(&all_ids);
    for now in [1_700_000_000, unix_now()] {
        for (app, key) in [(APP, KEY), (OTHER_APP, OTHER_KEY)] {
            for m in env.mint(Lib::Node, app, key, Some(now), &requests) {
                let ctx = format!(
                    "node app {app} {:?} expire {} now {now}",
                    m.identifier, m.expire
                );
                let expire = i64::try_from(m.expire).expect("expire fits i64");
                let node = decode_value(&m.usersig);
                let ours_ticket = generate(app, key, &m.identifier, m.expire, now);
                let ours = decode_value(&ours_ticket);
                // Same object (key order and spacing aside), so the same signature too.
                assert_eq!(ours, node, "{ctx}");
                assert_eq!(
                    node["TLS.sig"].as_str(),
                    Some(signature(key, &m.identifier, app, now, expire).as_str()),
                    "{ctx}"
                );
                let t = verify(&m.usersig, app, key, &m.identifier, now)
                    .unwrap_or_else(|e| panic!("{ctx}: {e:?}"));
                check_ticket(&t, &m.identifier, app, m.expire, (now, now));
                assert_eq!(verify(&ours_ticket, app, key, &m.identifier, now), Ok(t));
            }
        }
    }
    // The unit-test vector: Node's layout, decoded, is what `accepts_both_official_layouts`
    // pins, so this also proves that vector came from the library.
    let vec = env.mint(
        Lib::Node,
        APP,
        KEY,
        Some(1_700_000_000),
        &[("xiaojun", 15_552_000)],
    );
    assert_eq!(
        decode_json(&vec[0].usersig),
        format!(
            "{{\"TLS.ver\":\"2.0\",\"TLS.identifier\":\"xiaojun\",\"TLS.sdkappid\":{APP},\"TLS.time\":1700000000,\"TLS.expire\":15552000,\"TLS.sig\":\"{}\"}}",
            signature(KEY, "xiaojun", APP, 1_700_000_000, 15_552_000)
        )
    );
}

// ---------------------------------------------------------------------------------------------
// (c) Tampered official tickets are refused with the right error
// ---------------------------------------------------------------------------------------------

#[test]
fn tampered_official_tickets_are_refused() {
    let Some(env) = interop() else { return };
    let requests = [
        ("administrator", 86_400),
        ("xiaojun", 15_552_000),
        ("user_01-A", 60),
        ("用户é", 3_600),
    ];
    for lib in [Lib::Python, Lib::Node] {
        for m in env.mint(lib, APP, KEY, None, &requests) {
            let ctx = format!("{lib:?} {:?} expire {}", m.identifier, m.expire);
            let id = m.identifier.as_str();
            let now = unix_now();
            let json = decode_json(&m.usersig);

            // Control: our re-encoding of the untouched JSON still verifies, so any refusal
            // below comes from the change, not from the re-encoding.
            assert!(
                verify(&encode_json(&json), APP, KEY, id, now).is_ok(),
                "{ctx}: re-encoded untouched ticket refused"
            );

            // One character of the expiry changed (signature left as issued): forged.
            let longer = bump_number(&json, "expire");
            assert_ne!(longer, json);
            assert_eq!(
                verify(&encode_json(&longer), APP, KEY, id, now),
                Err(SigError::Forged),
                "{ctx}: tampered expire {longer}"
            );
            // Same for the issue time.
            let moved = bump_number(&json, "time");
            assert_eq!(
                verify(&encode_json(&moved), APP, KEY, id, now),
                Err(SigError::Forged),
                "{ctx}: tampered time {moved}"
            );

            // Wrong key: forged.
            assert_eq!(
                verify(&m.usersig, APP, OTHER_KEY, id, now),
                Err(SigError::Forged),
                "{ctx}: wrong key"
            );
            // Key differing in one character only.
            let near_key = format!("{}f", &KEY[..KEY.len() - 1]);
            assert_eq!(
                verify(&m.usersig, APP, &near_key, id, now),
                Err(SigError::Forged),
                "{ctx}: near key"
            );

            // Wrong identifier (including case and a prefix): mismatch.
            for other in ["someone", "Administrator", "admin", ""] {
                if other == id {
                    continue;
                }
                assert_eq!(
                    verify(&m.usersig, APP, KEY, other, now),
                    Err(SigError::IdentifierMismatch),
                    "{ctx}: verified as {other:?}"
                );
            }
            // Wrong app: mismatch.
            assert_eq!(
                verify(&m.usersig, OTHER_APP, KEY, id, now),
                Err(SigError::AppMismatch),
                "{ctx}: wrong app"
            );
            // Truncated: malformed.
            assert_eq!(
                verify(&m.usersig[..m.usersig.len() / 2], APP, KEY, id, now),
                Err(SigError::Malformed),
                "{ctx}: truncated"
            );
        }
    }
}
