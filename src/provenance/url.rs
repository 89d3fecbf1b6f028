//! A record's registered web domain from its URL: the host is taken from the URL (scheme,
//! user info, port, path, query and fragment dropped; lower-cased; a trailing dot removed),
//! then cut to the registrable domain under Mozilla's Public Suffix List (the `psl` crate
//! through this workspace's `registrable-domain`, ICANN and private sections):
//! `news.bbc.co.uk` gives `bbc.co.uk`.

/// The registered domain of `url`, written into `buf` (lower-cased ASCII or UTF-8) and
/// borrowed from it; `None` when the URL has no host name that lies under a public suffix
/// (IP addresses, `localhost`, bare suffixes, empty or malformed hosts).
pub fn registered_domain<'b>(url: &str, buf: &'b mut String) -> Option<&'b str> {
    let host = host_of(url)?;
    buf.clear();
    buf.extend(host.chars().flat_map(char::to_lowercase));
    let host = buf.strip_suffix('.').unwrap_or(buf);
    if host.is_empty() || host.starts_with('.') || host.contains("..") || is_ip(host) {
        return None;
    }
    // A suffix the list does not know (`*` rule) is not a registered domain.
    let len = registrable_domain::registrable_domain_len(host.as_bytes())?;
    let start = host.len() - len;
    Some(&buf[start..start + len])
}

/// The host part of a URL with a scheme (`https://host/...`) or a scheme-relative one
/// (`//host/...`) or a bare `host/path`.
fn host_of(url: &str) -> Option<&str> {
    let url = url.trim();
    let rest = match url.find("://") {
        Some(at) if is_scheme(&url[..at]) => &url[at + 3..],
        Some(_) => return None,
        None => match url.strip_prefix("//") {
            Some(rest) => rest,
            None if has_opaque_scheme(url) => return None,
            None => url,
        },
    };
    let authority = rest.split(['/', '?', '#', '\\']).next()?;
    let host_port = authority.rsplit('@').next()?;
    if host_port.starts_with('[') {
        return None; // an IPv6 literal
    }
    let host = host_port.split(':').next()?;
    (!host.is_empty() && !host.contains(char::is_whitespace)).then_some(host)
}

fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Whether `url` starts like `mailto:x` or `urn:x` (a scheme without `//`), as opposed to
/// `host:port/...`.
fn has_opaque_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, rest)| {
        is_scheme(scheme) && !rest.starts_with(|c: char| c.is_ascii_digit())
    })
}

fn is_ip(host: &str) -> bool {
    host.parse::<std::net::Ipv4Addr>().is_ok()
        || host.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(url: &str) -> Option<String> {
        registered_domain(url, &mut String::new()).map(str::to_string)
    }

    #[test]
    fn cuts_hosts_to_registered_domains() {
        let cases = [
            ("https://news.bbc.co.uk/sport/1", Some("bbc.co.uk")),
            ("http://WWW.Example.COM./a?b#c", Some("example.com")),
            (
                "https://user:pw@sub.example.org:8080/x",
                Some("example.org"),
            ),
            ("//cdn.example.net/lib.js", Some("example.net")),
            ("example.com/path", Some("example.com")),
            ("https://foo.github.io/page", Some("foo.github.io")),
            ("https://a.b.city.kawasaki.jp/", Some("city.kawasaki.jp")),
            ("https://example.com?q=1", Some("example.com")),
            ("https://bücher.de/", Some("bücher.de")),
            ("https://192.168.0.1/admin", None),
            ("https://[2001:db8::1]/", None),
            ("https://co.uk/", None),
            ("http://localhost:8000/", None),
            ("https://intranet.corp/", None),
            ("mailto:someone@example.com", None),
            ("", None),
            ("https://", None),
            ("https://a..b.com/", None),
            ("not a url at all", None),
        ];
        for (url, want) in cases {
            assert_eq!(domain(url).as_deref(), want, "{url}");
        }
    }
}
