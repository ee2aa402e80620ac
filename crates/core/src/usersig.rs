//! UserSig v2 (reference section 2): the login ticket the business backend mints with the
//! app's secret key. Generation follows the official libraries; verification follows the
//! vendor's Go verifier and compares the HMAC in constant time.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use std::io::{Read, Write};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Library default validity: 180 days.
pub const DEFAULT_EXPIRE_SECS: u64 = 180 * 24 * 3600;

/// Largest decoded ticket accepted; real tickets are about 200 bytes.
const MAX_TICKET_BYTES: usize = 4096;

/// Why a ticket was refused, each with its reference code.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize,
)]
pub enum SigError {
    #[error("UserSig is empty")]
    Empty,
    #[error("UserSig could not be decoded")]
    Malformed,
    #[error("UserSig has expired; mint a new one")]
    Expired,
    #[error("UserSig signature does not match this app's key")]
    Forged,
    #[error("UserSig was issued for another UserID")]
    IdentifierMismatch,
    #[error("UserSig was issued for another SDKAppID")]
    AppMismatch,
}

impl SigError {
    pub fn code(self) -> i32 {
        match self {
            Self::Empty => 70002,
            Self::Malformed => 70003,
            Self::Expired => 70001,
            Self::Forged => 70009,
            Self::IdentifierMismatch => 70013,
            Self::AppMismatch => 70014,
        }
    }
}

/// What a verified ticket says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub identifier: String,
    pub sdkappid: u64,
    pub time: i64,
    pub expire: i64,
}

impl Ticket {
    /// Unix second after which the ticket is expired.
    pub fn expires_at(&self) -> i64 {
        self.time.saturating_add(self.expire)
    }
}

fn content_to_sign(identifier: &str, sdkappid: u64, time: i64, expire: i64) -> String {
    format!(
        "TLS.identifier:{identifier}\nTLS.sdkappid:{sdkappid}\nTLS.time:{time}\nTLS.expire:{expire}\n"
    )
}

fn hmac_raw(key: &str, content: &str) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match HmacSha256::new_from_slice(key.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(content.as_bytes());
    mac.finalize().into_bytes().into()
}

/// The base64 `TLS.sig` for these inputs.
pub fn signature(key: &str, identifier: &str, sdkappid: u64, time: i64, expire: i64) -> String {
    STANDARD.encode(hmac_raw(
        key,
        &content_to_sign(identifier, sdkappid, time, expire),
    ))
}

/// Mints a UserSig with the JSON layout of the official Python library.
pub fn generate(sdkappid: u64, key: &str, identifier: &str, expire: u64, now: i64) -> String {
    let expire = expire.min(i64::MAX as u64) as i64;
    let sig = signature(key, identifier, sdkappid, now, expire);
    // The Python layout: `ver, identifier, sdkappid, expire, time, sig` with ", " / ": "
    // separators and ASCII-only escaping, so tickets match the official output byte for byte.
    let text = format!(
        "{{\"TLS.ver\": \"2.0\", \"TLS.identifier\": {}, \"TLS.sdkappid\": {sdkappid}, \"TLS.expire\": {expire}, \"TLS.time\": {now}, \"TLS.sig\": \"{sig}\"}}",
        python_json_string(identifier)
    );
    let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(text.as_bytes());
    let compressed = enc.finish().unwrap_or_default();
    base64_url_tim(&STANDARD.encode(compressed))
}

/// A JSON string literal as Python's `json.dumps` writes it (`ensure_ascii=True`).
fn python_json_string(s: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
        }
    }
    out.push('"');
    out
}

fn base64_url_tim(b64: &str) -> String {
    b64.chars()
        .map(|c| match c {
            '+' => '*',
            '/' => '-',
            '=' => '_',
            c => c,
        })
        .collect()
}

fn base64_from_tim(sig: &str) -> String {
    let mut s: String = sig
        .chars()
        .map(|c| match c {
            '*' => '+',
            '-' => '/',
            '_' => '=',
            c => c,
        })
        .collect();
    // Node's decoder tolerates missing padding; so do we.
    let pad = (4 - s.len() % 4) % 4;
    s.extend(std::iter::repeat_n('=', pad));
    s
}

#[derive(Deserialize)]
struct RawTicket {
    #[serde(rename = "TLS.ver")]
    ver: Option<String>,
    #[serde(rename = "TLS.identifier")]
    identifier: String,
    #[serde(rename = "TLS.sdkappid")]
    sdkappid: u64,
    #[serde(rename = "TLS.time")]
    time: i64,
    #[serde(rename = "TLS.expire")]
    expire: i64,
    #[serde(rename = "TLS.userbuf")]
    userbuf: Option<String>,
    #[serde(rename = "TLS.sig")]
    sig: String,
}

/// Decodes a ticket without checking its signature (used to learn which app it names).
fn decode(usersig: &str) -> Result<RawTicket, SigError> {
    if usersig.is_empty() {
        return Err(SigError::Empty);
    }
    if usersig.len() > MAX_TICKET_BYTES * 2 {
        return Err(SigError::Malformed);
    }
    let compressed = STANDARD
        .decode(base64_from_tim(usersig.trim()))
        .map_err(|_| SigError::Malformed)?;
    let mut json = Vec::new();
    ZlibDecoder::new(compressed.as_slice())
        .take(MAX_TICKET_BYTES as u64 + 1)
        .read_to_end(&mut json)
        .map_err(|_| SigError::Malformed)?;
    if json.len() > MAX_TICKET_BYTES {
        return Err(SigError::Malformed);
    }
    let raw: RawTicket = serde_json::from_slice(&json).map_err(|_| SigError::Malformed)?;
    if raw.ver.as_deref().is_some_and(|v| v != "2.0") {
        return Err(SigError::Malformed);
    }
    Ok(raw)
}

/// Verifies `usersig` for `identifier` of app `sdkappid` at Unix time `now`.
pub fn verify(
    usersig: &str,
    sdkappid: u64,
    key: &str,
    identifier: &str,
    now: i64,
) -> Result<Ticket, SigError> {
    let raw = decode(usersig)?;
    if raw.sdkappid != sdkappid {
        return Err(SigError::AppMismatch);
    }
    if raw.identifier != identifier {
        return Err(SigError::IdentifierMismatch);
    }
    // IM tickets carry no userbuf; one that does was minted for another product.
    if raw.userbuf.is_some() {
        return Err(SigError::Forged);
    }
    let expected = hmac_raw(
        key,
        &content_to_sign(&raw.identifier, raw.sdkappid, raw.time, raw.expire),
    );
    let given = STANDARD
        .decode(raw.sig.as_bytes())
        .map_err(|_| SigError::Forged)?;
    if given.len() != expected.len() || !bool::from(given.ct_eq(&expected)) {
        return Err(SigError::Forged);
    }
    let ticket = Ticket {
        identifier: raw.identifier,
        sdkappid: raw.sdkappid,
        time: raw.time,
        expire: raw.expire,
    };
    if now > ticket.expires_at() {
        return Err(SigError::Expired);
    }
    Ok(ticket)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    const PY_SIG: &str = "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkKjIT87NK82CSxSnZiQUFmSlAKUMTAyiAyqVWFGQWpYJkTE1NjRDiJZm5YFFzNPXFmekgG3zKHM1T9D3LzdODi-OKs8vCqpxcAvydnV2SSv2cy03cPcpDnA2SMgu0nUxslWoBHdYzUg__";
    const NODE_SIG: &str = "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwhWZiflZpXlQqeKU7MSCgswUJStDEwMogMiUZOamKlkZmqOKplYUZBaBxE1NTY3gosWZ6UpWSj5ljuYp*p7l5unBxXnF2WVhVU4uAf7Ozi5JpX7O5SbuHuUhzgZJmQXaTia2SrUAohcx8g__";

    #[test]
    fn reference_vector_signature() {
        assert_eq!(
            signature(KEY, "xiaojun", 1_400_000_000, 1_700_000_000, 15_552_000),
            "LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4="
        );
        assert_eq!(
            signature(KEY, "administrator", 1_400_000_000, 1_700_000_000, 86_400),
            "yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60="
        );
    }

    #[test]
    fn reference_vector_generation_matches_python() {
        assert_eq!(
            generate(1_400_000_000, KEY, "xiaojun", 15_552_000, 1_700_000_000),
            PY_SIG
        );
    }

    #[test]
    fn accepts_both_official_layouts() {
        for sig in [PY_SIG, NODE_SIG] {
            let t = verify(sig, 1_400_000_000, KEY, "xiaojun", 1_700_000_001)
                .unwrap_or_else(|e| panic!("{sig}: {e}"));
            assert_eq!(t.expires_at(), 1_700_000_000 + 15_552_000);
        }
    }

    #[test]
    fn refuses_bad_tickets_with_their_codes() {
        let now = 1_700_000_001;
        assert_eq!(
            verify("", 1_400_000_000, KEY, "xiaojun", now),
            Err(SigError::Empty)
        );
        assert_eq!(
            verify("not-a-ticket", 1_400_000_000, KEY, "xiaojun", now),
            Err(SigError::Malformed)
        );
        assert_eq!(
            verify(&PY_SIG[..60], 1_400_000_000, KEY, "xiaojun", now),
            Err(SigError::Malformed)
        );
        assert_eq!(
            verify(PY_SIG, 1_400_000_001, KEY, "xiaojun", now),
            Err(SigError::AppMismatch)
        );
        assert_eq!(
            verify(PY_SIG, 1_400_000_000, KEY, "someone", now),
            Err(SigError::IdentifierMismatch)
        );
        assert_eq!(
            verify(PY_SIG, 1_400_000_000, "another-key", "xiaojun", now),
            Err(SigError::Forged)
        );
        // Strictly greater than time + expire is expired; equal is still valid.
        let edge = 1_700_000_000 + 15_552_000;
        assert!(verify(PY_SIG, 1_400_000_000, KEY, "xiaojun", edge).is_ok());
        assert_eq!(
            verify(PY_SIG, 1_400_000_000, KEY, "xiaojun", edge + 1),
            Err(SigError::Expired)
        );
    }

    #[test]
    fn python_string_escaping() {
        assert_eq!(python_json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(
            python_json_string("用é😀\u{7f}\t"),
            "\"\\u7528\\u00e9\\ud83d\\ude00\\u007f\\t\""
        );
    }

    #[test]
    fn roundtrip_and_tamper() {
        let sig = generate(42, "k", "alice", 60, 1000);
        assert!(verify(&sig, 42, "k", "alice", 1060).is_ok());
        // A ticket re-signed with a changed expiry but the old sig is forged.
        let forged_json = format!(
            "{{\"TLS.ver\":\"2.0\",\"TLS.identifier\":\"alice\",\"TLS.sdkappid\":42,\"TLS.time\":1000,\"TLS.expire\":999999,\"TLS.sig\":\"{}\"}}",
            signature("k", "alice", 42, 1000, 60)
        );
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
        enc.write_all(forged_json.as_bytes()).unwrap_or_default();
        let forged = base64_url_tim(&STANDARD.encode(enc.finish().unwrap_or_default()));
        assert_eq!(
            verify(&forged, 42, "k", "alice", 2000),
            Err(SigError::Forged)
        );
    }

    #[test]
    fn userbuf_tickets_are_not_login_tickets() {
        let json = "{\"TLS.ver\":\"2.0\",\"TLS.identifier\":\"xiaojun\",\"TLS.sdkappid\":1400000000,\"TLS.time\":1700000000,\"TLS.expire\":15552000,\"TLS.userbuf\":\"YWJj\",\"TLS.sig\":\"QjT201xPkXk/aM1e+y0vakZb0K2iPrFue++0s5y6bFM=\"}";
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
        enc.write_all(json.as_bytes()).unwrap_or_default();
        let sig = base64_url_tim(&STANDARD.encode(enc.finish().unwrap_or_default()));
        assert_eq!(
            verify(&sig, 1_400_000_000, KEY, "xiaojun", 1_700_000_001),
            Err(SigError::Forged)
        );
    }
}
