//! Which address a request came from, and over which scheme, when a reverse proxy may
//! stand in between. Forwarding headers are anyone's to write: they are believed only
//! when the TCP peer is a proxy the operator listed (`DANVAN_TRUSTED_PROXIES`).

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The proxies whose forwarding headers are believed; none by default.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses `10.0.0.1, 10.1.0.0/16, ::1`. Returns the list and the entries that are
    /// neither an address nor a network, so that the caller can say which were ignored.
    pub fn parse(list: &str) -> (TrustedProxies, Vec<String>) {
        let mut nets = Vec::new();
        let mut bad = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            match entry.parse::<IpNet>() {
                Ok(net) => nets.push(net),
                Err(_) => match entry.parse::<IpAddr>() {
                    Ok(ip) => nets.push(IpNet::from(ip.to_canonical())),
                    Err(_) => bad.push(entry.to_owned()),
                },
            }
        }
        (TrustedProxies(nets), bad)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client's address. From an untrusted peer that is the peer itself, whatever
    /// `X-Forwarded-For` says. From a trusted proxy it is the right-most address of
    /// `X-Forwarded-For` that is not itself a trusted proxy: each proxy appends the
    /// address it saw, so everything left of that was written by the client.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.contains(client) {
            return client;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                // Garbage from the client side: the last proxy's view is all we know.
                return client;
            };
            client = ip;
            if !self.contains(ip) {
                return ip;
            }
        }
        client
    }

    /// Whether the request reached the proxy over HTTPS (`X-Forwarded-Proto`), believed
    /// only from a trusted proxy.
    pub fn forwarded_https(&self, peer: IpAddr, headers: &HeaderMap) -> bool {
        self.contains(peer)
            && headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
    }
}

fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xff(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", v.parse().unwrap());
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarding_headers_are_ignored_by_default() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_ip(ip("198.51.100.7"), &xff("1.2.3.4")),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let (p, bad) = TrustedProxies::parse(" 10.0.0.0/8, 192.0.2.1 ,nonsense");
        assert_eq!(bad, vec!["nonsense".to_owned()]);
        let peer = ip("192.0.2.1");
        assert_eq!(p.client_ip(peer, &xff("203.0.113.9")), ip("203.0.113.9"));
        // A client-written entry on the left is not believed.
        assert_eq!(
            p.client_ip(peer, &xff("6.6.6.6, 203.0.113.9, 10.1.2.3")),
            ip("203.0.113.9")
        );
        // No header, or garbage: the proxy itself.
        assert_eq!(p.client_ip(peer, &HeaderMap::new()), peer);
        assert_eq!(p.client_ip(peer, &xff("not-an-ip")), peer);
        // Only trusted hops: the left-most of them.
        assert_eq!(p.client_ip(peer, &xff("10.0.0.5")), ip("10.0.0.5"));
        // An untrusted peer is the client even with the header.
        assert_eq!(
            p.client_ip(ip("198.51.100.7"), &xff("203.0.113.9")),
            ip("198.51.100.7")
        );
        // IPv4 peers seen on an IPv6 socket.
        assert!(p.contains(ip("::ffff:192.0.2.1")));
    }

    #[test]
    fn the_scheme_is_believed_only_from_a_trusted_proxy() {
        let (p, _) = TrustedProxies::parse("192.0.2.1");
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-proto", "https".parse().unwrap());
        assert!(p.forwarded_https(ip("192.0.2.1"), &h));
        assert!(!p.forwarded_https(ip("198.51.100.7"), &h));
    }
}
