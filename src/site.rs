//! Sites are registrable domains ("eTLD+1") of the top-level page, found with the Public Suffix List
//! (`crate::psl`, the list as compact data), so `www.youtube.com` and `m.youtube.com` are both `youtube.com`
//! and `user.github.io` stays apart from `other.github.io`.

/// The host part of an absolute URL, lower-cased, without port, credentials or brackets.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r)?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        host_port.split(':').next()?
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// The registrable domain of a URL's host; the host itself for IP addresses, `localhost` and hosts
/// without a known suffix; the scheme (`file`, `about`) for URLs without a host.
pub fn site_of(url: &str) -> String {
    let Some(host) = host_of(url) else {
        return url.split(':').next().unwrap_or("").to_ascii_lowercase();
    };
    if host.parse::<std::net::IpAddr>().is_ok() || !host.contains('.') {
        return host;
    }
    match crate::psl::domain(&host) {
        Some(domain) if domain.known => domain.name.to_string(),
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains_share_their_registrable_domain() {
        assert_eq!(site_of("https://www.youtube.com/watch?v=x"), "youtube.com");
        assert_eq!(site_of("https://m.youtube.com/"), "youtube.com");
        assert_eq!(site_of("https://old.reddit.com/r/rust"), "reddit.com");
        assert_eq!(site_of("https://www.amazon.co.uk/dp/1"), "amazon.co.uk");
        assert_eq!(site_of("https://alice.github.io/x"), "alice.github.io");
        assert_eq!(site_of("https://WWW.Example.COM:8443/a"), "example.com");
    }

    #[test]
    fn odd_hosts_fall_back_to_themselves() {
        assert_eq!(site_of("http://127.0.0.1:8080/fixture.html"), "127.0.0.1");
        assert_eq!(site_of("http://localhost:3000/"), "localhost");
        assert_eq!(site_of("http://[::1]:80/"), "::1");
        assert_eq!(site_of("file:///home/x.html"), "file");
        assert_eq!(site_of("about:blank"), "about");
        assert_eq!(host_of("https://user:pw@news.ycombinator.com/item"), Some("news.ycombinator.com".into()));
    }
}
