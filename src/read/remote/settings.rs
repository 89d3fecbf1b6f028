//! The tunable figures of remote reading, read once from the environment: retries and their
//! backoff, request timeouts, requests in flight, block size and read-ahead. Tests shorten the
//! retries through the same variables (documented in `docs/remote.md`).

use std::sync::OnceLock;
use std::time::Duration;

/// How remote objects are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Attempts after the first for a request that failed transiently.
    pub retries: u32,
    /// The first backoff; each further one doubles, up to `max_backoff`, with full jitter.
    pub first_backoff: Duration,
    /// The longest backoff.
    pub max_backoff: Duration,
    /// How long one request may take before it counts as a (transient) timeout.
    pub timeout: Duration,
    /// How long connecting may take.
    pub connect_timeout: Duration,
    /// Requests in flight at once, over all objects.
    pub requests: usize,
    /// The size of one ranged read.
    pub block_bytes: u64,
    /// Blocks fetched ahead of the one being read.
    pub read_ahead: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            retries: 8,
            first_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            requests: 16,
            block_bytes: 32 << 20,
            read_ahead: 2,
        }
    }
}

impl Settings {
    /// The defaults, each replaced by its environment variable when that is set to a number:
    /// `TOKENCENSUS_REMOTE_RETRIES`, `TOKENCENSUS_REMOTE_BACKOFF_MS`,
    /// `TOKENCENSUS_REMOTE_MAX_BACKOFF_MS`, `TOKENCENSUS_REMOTE_TIMEOUT_SECS`,
    /// `TOKENCENSUS_REMOTE_REQUESTS`, `TOKENCENSUS_REMOTE_BLOCK_BYTES`,
    /// `TOKENCENSUS_REMOTE_READ_AHEAD`.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let number = |name: &str| get(name).and_then(|v| v.trim().parse::<u64>().ok());
        let mut s = Settings::default();
        if let Some(n) = number("TOKENCENSUS_REMOTE_RETRIES") {
            s.retries = n.min(100) as u32;
        }
        if let Some(ms) = number("TOKENCENSUS_REMOTE_BACKOFF_MS") {
            s.first_backoff = Duration::from_millis(ms);
        }
        if let Some(ms) = number("TOKENCENSUS_REMOTE_MAX_BACKOFF_MS") {
            s.max_backoff = Duration::from_millis(ms);
        }
        if let Some(secs) = number("TOKENCENSUS_REMOTE_TIMEOUT_SECS") {
            s.timeout = Duration::from_secs(secs.max(1));
            s.connect_timeout = s.connect_timeout.min(s.timeout);
        }
        if let Some(n) = number("TOKENCENSUS_REMOTE_REQUESTS") {
            s.requests = n.clamp(1, 1024) as usize;
        }
        if let Some(n) = number("TOKENCENSUS_REMOTE_BLOCK_BYTES") {
            s.block_bytes = n.clamp(64 << 10, 1 << 30);
        }
        if let Some(n) = number("TOKENCENSUS_REMOTE_READ_AHEAD") {
            s.read_ahead = n.min(64);
        }
        s.max_backoff = s.max_backoff.max(s.first_backoff);
        s
    }

    /// The settings of this process (read from the environment once).
    pub fn get() -> &'static Settings {
        static SETTINGS: OnceLock<Settings> = OnceLock::new();
        SETTINGS.get_or_init(Settings::from_env)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_replace_defaults_within_bounds() {
        let vars = [
            ("TOKENCENSUS_REMOTE_RETRIES", "2"),
            ("TOKENCENSUS_REMOTE_BACKOFF_MS", "10"),
            ("TOKENCENSUS_REMOTE_BLOCK_BYTES", "1"),
            ("TOKENCENSUS_REMOTE_REQUESTS", "x"),
        ];
        let s = Settings::from_lookup(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        });
        assert_eq!(s.retries, 2);
        assert_eq!(s.first_backoff, Duration::from_millis(10));
        assert_eq!(s.block_bytes, 64 << 10);
        assert_eq!(s.requests, Settings::default().requests);
    }
}
