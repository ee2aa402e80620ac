//! Whose address a request carries. Behind a reverse proxy every TCP peer is the proxy; the
//! client's address travels in `X-Forwarded-For` or `Forwarded` (RFC 7239). Anyone can write
//! those headers, so they are read only when the peer is a trusted proxy (`trusted_proxies`,
//! loopback by default), and only as far back as the chain of trusted proxies reaches: the
//! client is the right-most address that is not itself a trusted proxy. Entries left of it
//! were written by the client and are ignored.
//!
//! When both headers are present, `X-Forwarded-For` is read (every common proxy writes it);
//! a proxy that writes only `Forwarded` must remove a client's `X-Forwarded-For`.
//!
//! [`ClientIp`] is the extractor handlers use; [`TrustedProxies::client_ip`] the rule.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::AppState;

/// The peers whose forwarding headers are believed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedProxies {
    nets: Vec<Net>,
}

/// One CIDR block, its host bits zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Net {
    V4(u32, u8),
    V6(u128, u8),
}

impl Net {
    fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| {
            format!("{text:?} is not an IP address or CIDR block (e.g. 10.0.0.0/8, fd00::/8)")
        })?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => match p.parse::<u8>() {
                Ok(p) if p <= max => p,
                _ => return Err(format!("{text:?}: the prefix length must be 0 to {max}")),
            },
        };
        let net = match addr {
            IpAddr::V4(a) => Self::V4(u32::from(a) & mask32(prefix), prefix),
            IpAddr::V6(a) => Self::V6(u128::from(a) & mask128(prefix), prefix),
        };
        let exact = match (net, addr) {
            (Self::V4(n, _), IpAddr::V4(a)) => n == u32::from(a),
            (Self::V6(n, _), IpAddr::V6(a)) => n == u128::from(a),
            _ => false,
        };
        if exact {
            Ok(net)
        } else {
            Err(format!(
                "{text:?} has address bits set beyond its /{prefix} prefix; the block is {net}"
            ))
        }
    }

    fn contains(self, ip: IpAddr) -> bool {
        match (self, ip) {
            (Self::V4(net, prefix), IpAddr::V4(a)) => u32::from(a) & mask32(prefix) == net,
            (Self::V6(net, prefix), IpAddr::V6(a)) => u128::from(a) & mask128(prefix) == net,
            _ => false,
        }
    }
}

impl std::fmt::Display for Net {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Self::V4(net, prefix) => write!(f, "{}/{prefix}", Ipv4Addr::from(net)),
            Self::V6(net, prefix) => write!(f, "{}/{prefix}", Ipv6Addr::from(net)),
        }
    }
}

fn mask32(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask128(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

impl TrustedProxies {
    /// Parses CIDR blocks (`10.0.0.0/8`, `::1/128`) or single addresses. The error text says
    /// which entry is wrong and why, for the configuration's error message.
    pub fn new(cidrs: &[String]) -> Result<Self, String> {
        let nets = cidrs
            .iter()
            .map(|c| Net::parse(c))
            .collect::<Result<_, _>>()?;
        Ok(Self { nets })
    }

    /// Whether `ip` is a trusted proxy. An IPv4 address seen as IPv6 (`::ffff:10.0.0.1`, from
    /// a dual-stack listener) counts as the IPv4 address.
    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.nets.iter().any(|n| n.contains(ip))
    }

    /// The client's address: the peer itself unless it is a trusted proxy; then the
    /// right-most address in X-Forwarded-For / Forwarded that is not itself a trusted proxy
    /// (falling back to the peer when the headers are missing or malformed).
    ///
    /// When every address in the chain is a trusted proxy, the left-most one is the client.
    pub fn client_ip(
        &self,
        peer: std::net::IpAddr,
        headers: &axum::http::HeaderMap,
    ) -> std::net::IpAddr {
        let peer = peer.to_canonical();
        if !self.contains(peer) {
            return peer;
        }
        let Some(chain) = forwarded_chain(headers) else {
            return peer;
        };
        let mut client = peer;
        for hop in chain.iter().rev() {
            // An address that cannot be read ends the chain: nothing left of it can be placed.
            let Some(ip) = hop.as_deref().and_then(parse_node) else {
                return peer;
            };
            client = ip;
            if !self.contains(ip) {
                break;
            }
        }
        client
    }
}

/// The addresses a request was forwarded for, left (farthest) to right (nearest), from
/// `X-Forwarded-For` or else `Forwarded`; `None` when neither is present or a header is not
/// text. An element of `Forwarded` without `for=` is `None` in the chain.
fn forwarded_chain(headers: &HeaderMap) -> Option<Vec<Option<String>>> {
    let xff = joined(headers, "x-forwarded-for")?;
    if !xff.trim().is_empty() {
        return Some(xff.split(',').map(|s| Some(s.trim().to_string())).collect());
    }
    let fwd = joined(headers, "forwarded")?;
    if fwd.trim().is_empty() {
        return None;
    }
    parse_forwarded(&fwd)
}

/// Every line of a header joined with commas (how repeated lines combine); `None` when a
/// line is not visible ASCII.
fn joined(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut out = String::new();
    for v in headers.get_all(name) {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(v.to_str().ok()?);
    }
    Some(out)
}

/// The `for=` value of each element of a `Forwarded` header (RFC 7239 section 4), quoted
/// strings unquoted. `None` when the header does not parse (an unterminated quote).
fn parse_forwarded(text: &str) -> Option<Vec<Option<String>>> {
    let mut elements = Vec::new();
    let mut current: Option<String> = None;
    let mut chars = text.chars().peekable();
    loop {
        // One `name=value` pair, up to `;`, `,` or the end.
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ';' || c == ',' {
                break;
            }
            name.push(c);
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            while chars.peek() == Some(&' ') {
                chars.next();
            }
            if chars.peek() == Some(&'"') {
                chars.next();
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => value.push(chars.next()?),
                        c => value.push(c),
                    }
                }
            }
            while let Some(&c) = chars.peek() {
                if c == ';' || c == ',' {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        if name.trim().eq_ignore_ascii_case("for") {
            current = Some(value.trim().to_string());
        }
        match chars.next() {
            Some(';') => {}
            Some(_) => elements.push(current.take()),
            None => {
                elements.push(current.take());
                return Some(elements);
            }
        }
    }
}

/// One node of a forwarding header: an address with or without a port (`192.0.2.7`,
/// `192.0.2.7:4711`, `2001:db8::1`, `[2001:db8::1]:4711`). `unknown`, obfuscated
/// identifiers (`_hidden`) and anything else give `None`.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim();
    let node = node
        .strip_prefix('"')
        .and_then(|n| n.strip_suffix('"'))
        .unwrap_or(node);
    if let Some(rest) = node.strip_prefix('[') {
        let (addr, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_port)) {
            return None;
        }
        return addr
            .parse::<Ipv6Addr>()
            .ok()
            .map(|a| IpAddr::V6(a).to_canonical());
    }
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    let (addr, port) = node.rsplit_once(':')?;
    if !is_port(port) {
        return None;
    }
    addr.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
}

/// A port as RFC 7239 allows it: digits, or an obfuscated `_identifier`.
fn is_port(port: &str) -> bool {
    !port.is_empty()
        && (port.bytes().all(|b| b.is_ascii_digit())
            || (port.starts_with('_')
                && port
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')))
}

/// The client's address, for handlers: the TCP peer, or what a trusted proxy forwarded.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = <ConnectInfo<SocketAddr> as FromRequestParts<AppState>>::Rejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(parts, state).await?;
        Ok(Self(state.proxies.client_ip(peer.ip(), &parts.headers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn proxies(cidrs: &[&str]) -> TrustedProxies {
        let cidrs: Vec<String> = cidrs.iter().map(|c| c.to_string()).collect();
        TrustedProxies::new(&cidrs).expect("valid blocks")
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, HeaderValue::from_str(value).expect("header value"));
        }
        h
    }

    /// The default: loopback only.
    fn loopback() -> TrustedProxies {
        proxies(&["127.0.0.0/8", "::1/128"])
    }

    #[test]
    fn blocks_parse_and_contain() {
        let p = proxies(&[
            "10.0.0.0/8",
            "192.0.2.7",
            "fd00::/8",
            "::1/128",
            "0.0.0.0/0",
        ]);
        assert!(p.contains(ip("10.255.1.2")));
        assert!(p.contains(ip("::1")));
        assert!(p.contains(ip("fdab::1")));
        assert!(!p.contains(ip("fe80::1")));
        let p = proxies(&["10.0.0.0/8", "192.0.2.7"]);
        assert!(p.contains(ip("192.0.2.7")));
        assert!(!p.contains(ip("192.0.2.8")));
        assert!(!p.contains(ip("11.0.0.1")));
        assert!(
            p.contains(ip("::ffff:10.1.2.3")),
            "IPv4-mapped IPv6 is the IPv4 address"
        );
        let all6 = proxies(&["::/0"]);
        assert!(all6.contains(ip("2001:db8::1")));
        assert!(!all6.contains(ip("192.0.2.1")));
        assert!(!proxies(&[]).contains(ip("127.0.0.1")), "empty: nobody");
    }

    #[test]
    fn bad_blocks_say_what_is_wrong() {
        for (bad, says) in [
            ("10.0.0.0/33", "0 to 32"),
            ("::/129", "0 to 128"),
            ("10.0.0.0/x", "prefix length"),
            ("10.0.0.1/8", "the block is 10.0.0.0/8"),
            ("fd00::1/8", "the block is fd00::/8"),
            ("example.com", "not an IP address"),
            ("", "not an IP address"),
        ] {
            let err = TrustedProxies::new(&[bad.to_string()]).expect_err(bad);
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_sends() {
        let p = loopback();
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.1"),
            ("forwarded", "for=198.51.100.2"),
        ]);
        assert_eq!(p.client_ip(ip("203.0.113.5"), &h), ip("203.0.113.5"));
        assert_eq!(proxies(&[]).client_ip(ip("127.0.0.1"), &h), ip("127.0.0.1"));
    }

    #[test]
    fn x_forwarded_for_ipv4_ipv6_and_ports() {
        let p = loopback();
        let peer = ip("127.0.0.1");
        for (value, client) in [
            ("198.51.100.7", "198.51.100.7"),
            (" 198.51.100.7 ", "198.51.100.7"),
            ("198.51.100.7:4711", "198.51.100.7"),
            ("2001:db8::17", "2001:db8::17"),
            ("[2001:db8::17]", "2001:db8::17"),
            ("[2001:db8::17]:4711", "2001:db8::17"),
            ("::ffff:198.51.100.7", "198.51.100.7"),
        ] {
            let h = headers(&[("x-forwarded-for", value)]);
            assert_eq!(p.client_ip(peer, &h), ip(client), "{value}");
        }
        assert_eq!(
            p.client_ip(ip("::1"), &headers(&[("x-forwarded-for", "198.51.100.7")])),
            ip("198.51.100.7"),
            "an IPv6 loopback peer is trusted too"
        );
    }

    #[test]
    fn chains_stop_at_the_first_untrusted_hop_from_the_right() {
        let p = proxies(&["127.0.0.0/8", "10.0.0.0/8"]);
        let peer = ip("127.0.0.1");
        for (value, client) in [
            // The client wrote the left-most entries itself: ignored.
            ("1.2.3.4, 198.51.100.7", "198.51.100.7"),
            ("spoofed, 198.51.100.7", "198.51.100.7"),
            ("1.2.3.4, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
            ("198.51.100.7, 10.0.0.2, 10.0.0.3", "198.51.100.7"),
            // All trusted: the farthest.
            ("10.0.0.9, 10.0.0.2", "10.0.0.9"),
        ] {
            let h = headers(&[("x-forwarded-for", value)]);
            assert_eq!(p.client_ip(peer, &h), ip(client), "{value}");
        }
        let two_lines = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "198.51.100.7, 10.0.0.2"),
        ]);
        assert_eq!(p.client_ip(peer, &two_lines), ip("198.51.100.7"));
    }

    #[test]
    fn malformed_headers_fall_back_to_the_peer() {
        let p = proxies(&["127.0.0.0/8", "10.0.0.0/8"]);
        let peer = ip("127.0.0.1");
        for value in [
            "",
            "   ",
            "unknown",
            "198.51.100.7, garbage",
            "198.51.100.7,",
            "198.51.100.7, 10.0.0.2:port",
            "[2001:db8::1",
            "[2001:db8::1]x",
            "2001:db8::1:99999x",
            "198.51.100.7:",
        ] {
            let h = headers(&[("x-forwarded-for", value)]);
            assert_eq!(p.client_ip(peer, &h), peer, "{value:?}");
        }
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"198.51.100.\xff").expect("opaque bytes"),
        );
        assert_eq!(p.client_ip(peer, &h), peer, "not text");
        assert_eq!(p.client_ip(peer, &HeaderMap::new()), peer, "missing");
    }

    #[test]
    fn forwarded_elements_and_quoted_values() {
        let p = proxies(&["127.0.0.0/8", "10.0.0.0/8"]);
        let peer = ip("127.0.0.1");
        for (value, client) in [
            ("for=198.51.100.7", "198.51.100.7"),
            ("For=198.51.100.7", "198.51.100.7"),
            ("for=\"198.51.100.7:4711\"", "198.51.100.7"),
            ("for=\"[2001:db8:cafe::17]:4711\"", "2001:db8:cafe::17"),
            ("for=\"[2001:db8:cafe::17]\"", "2001:db8:cafe::17"),
            ("for=\"198.51.100.7:_abc\"", "198.51.100.7"),
            ("proto=https;for=198.51.100.7;by=10.0.0.2", "198.51.100.7"),
            (
                "for=192.0.2.43, for=198.51.100.7;proto=https, for=10.0.0.2",
                "198.51.100.7",
            ),
            // Quoted separators do not split elements.
            (
                "for=1.2.3.4;host=\"a,b;c\", for=\"198.51.100.7\"",
                "198.51.100.7",
            ),
            ("for=\"\\\"1.2.3.4\", for=198.51.100.7", "198.51.100.7"),
        ] {
            let h = headers(&[("forwarded", value)]);
            assert_eq!(p.client_ip(peer, &h), ip(client), "{value}");
        }
        for value in [
            "for=unknown",
            "for=_hidden",
            "for=198.51.100.7, proto=https",
            "for=\"198.51.100.7",
            "for=[2001:db8::1]:80",
            "for=198.51.100.7, by=10.0.0.2",
        ] {
            let h = headers(&[("forwarded", value)]);
            // `for=[v6]:port` unquoted is not valid RFC 7239 but is read the same.
            let expected = if value == "for=[2001:db8::1]:80" {
                ip("2001:db8::1")
            } else {
                peer
            };
            assert_eq!(p.client_ip(peer, &h), expected, "{value:?}");
        }
    }

    #[test]
    fn x_forwarded_for_wins_over_forwarded() {
        let p = loopback();
        let h = headers(&[
            ("forwarded", "for=198.51.100.2"),
            ("x-forwarded-for", "198.51.100.1"),
        ]);
        assert_eq!(p.client_ip(ip("127.0.0.1"), &h), ip("198.51.100.1"));
        let empty_xff = headers(&[("x-forwarded-for", ""), ("forwarded", "for=198.51.100.2")]);
        assert_eq!(
            p.client_ip(ip("127.0.0.1"), &empty_xff),
            ip("198.51.100.2"),
            "an empty X-Forwarded-For is absent"
        );
    }
}
