//! Objects in stores (`s3://`, `gs://`, `az://`/`abfs://`, `https://`) as [`Storage`](crate::read::storage::Storage):
//! the same readers read them as local files. This module owns everything remote: URLs, one
//! client per store built from the cloud's standard environment, one small shared tokio runtime
//! with a bound on requests in flight, retries with backoff and jitter, listing, and ranged
//! reads with read-ahead that detect an object replaced mid-read. No credential, signature or
//! query string ever reaches a message: URLs that carry one are refused, and error texts from
//! the client are cleaned ([`clean`]).

mod client;
mod list;
mod object;
mod runtime;
mod settings;
mod url;

pub use list::{Listed, head, head_all, list};
pub use object::{Known, open};
pub use settings::Settings;
pub use url::{ObjectUrl, Scheme, UrlError, looks_like_url};

use runtime::Failed;

/// Why an object or a prefix cannot be found or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteError {
    /// A URL that cannot be used.
    #[error(transparent)]
    Url(#[from] UrlError),
    /// No object and no objects under the key.
    #[error("{url}: no such object or prefix")]
    NotFound {
        /// The URL.
        url: String,
    },
    /// The bucket (or container) does not exist at the endpoint.
    #[error("{url}: bucket \"{bucket}\" does not exist ({reason}); check the URL and {variables}")]
    NoBucket {
        /// The URL.
        url: String,
        /// The bucket.
        bucket: String,
        /// The store's answer.
        reason: String,
        /// The variables that choose the endpoint.
        variables: &'static str,
    },
    /// The store refused the credentials (or their absence).
    #[error("{url}: the store refused access to {place} ({reason}); check {variables}")]
    Denied {
        /// The URL.
        url: String,
        /// What refused: `bucket "NAME"`, or `host HOST` for an HTTP URL.
        place: String,
        /// The store's answer.
        reason: String,
        /// The credential variables to check.
        variables: String,
    },
    /// Anything else, after the retries.
    #[error("{url}: {reason}")]
    Failed {
        /// The URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
}

impl RemoteError {
    /// The URL concerned (as shown, without anything secret).
    pub fn url(&self) -> &str {
        match self {
            RemoteError::Url(e) => e.shown(),
            RemoteError::NotFound { url }
            | RemoteError::NoBucket { url, .. }
            | RemoteError::Denied { url, .. }
            | RemoteError::Failed { url, .. } => url,
        }
    }
}

/// The fingerprint of an object of `size` bytes with `etag`, as its storage states it: what a
/// checkpoint key covers besides the URL.
pub fn fingerprint(size: u64, etag: Option<&str>) -> String {
    format!("{size}\tetag {}", etag.unwrap_or("-"))
}

/// A failed request on `url` as a [`RemoteError`] that names the bucket and what to check.
fn explain(url: &ObjectUrl, failed: Failed) -> RemoteError {
    let text = clean(&failed.error.to_string());
    let reason = short_reason(&text, failed.attempts);
    let names = |codes: &[&str]| codes.iter().any(|c| text.contains(c));
    if names(&[
        "NoSuchBucket",
        "ContainerNotFound",
        "The specified bucket does not exist",
    ]) {
        return RemoteError::NoBucket {
            url: url.to_string(),
            bucket: url.bucket.clone(),
            reason,
            variables: client::endpoint_variables(url.scheme),
        };
    }
    let denied = matches!(
        failed.error,
        object_store::Error::PermissionDenied { .. } | object_store::Error::Unauthenticated { .. }
    ) || names(&[
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "AccessDenied",
        "AuthenticationFailed",
        "status code: 401",
        "status code: 403",
    ]);
    if denied {
        let (place, variables) = match url.scheme {
            Scheme::Http => (
                format!("host {}", url.bucket),
                "that the URL is public: https:// objects are read without credentials".into(),
            ),
            _ => (
                format!("bucket \"{}\"", url.bucket),
                (client::credential_variables(url.scheme).iter().take(3))
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        };
        return RemoteError::Denied {
            url: url.to_string(),
            place,
            reason,
            variables,
        };
    }
    match failed.error {
        object_store::Error::NotFound { .. } => RemoteError::NotFound {
            url: url.to_string(),
        },
        _ => RemoteError::Failed {
            url: url.to_string(),
            reason,
        },
    }
}

/// The store's error code (`<Code>…</Code>`) when its answer has one, the message otherwise
/// (cut short), and how many attempts were made.
fn short_reason(text: &str, attempts: u32) -> String {
    let code = text
        .split_once("<Code>")
        .and_then(|(_, rest)| rest.split_once("</Code>"))
        .map(|(code, _)| code.to_string());
    let mut reason = code.unwrap_or_else(|| text.chars().take(300).collect());
    if attempts > 1 {
        reason += &format!(", after {attempts} attempts");
    }
    reason
}

/// `message` with every URL's query string cut and the values of the credential variables set
/// in this process replaced by `***`: what may be shown of an error from a store's client.
pub fn clean(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for (i, word) in message.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match word
            .find("://")
            .and_then(|at| word[at..].find('?').map(|q| at + q))
        {
            Some(query) => out.push_str(&word[..query]),
            None => out.push_str(word),
        }
    }
    for scheme in [Scheme::S3, Scheme::Gcs, Scheme::Azure] {
        for name in client::credential_variables(scheme) {
            if let Ok(value) = std::env::var(name)
                && value.len() >= 4
            {
                out = out.replace(&value, "***");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaned_messages_keep_no_query_string() {
        let cleaned = clean("Error performing GET https://h/b/k?X-Amz-Signature=abc in 1s");
        assert_eq!(cleaned, "Error performing GET https://h/b/k in 1s");
    }

    #[test]
    fn refused_and_missing_buckets_name_what_to_check() {
        let url = ObjectUrl::parse("s3://corpus/web").unwrap().unwrap();
        let failed = |source: &str| Failed {
            error: object_store::Error::Generic {
                store: "S3",
                source: source.to_string().into(),
            },
            attempts: 1,
        };
        let missing = explain(&url, failed("<Error><Code>NoSuchBucket</Code></Error>"));
        assert!(
            missing
                .to_string()
                .contains("bucket \"corpus\" does not exist (NoSuchBucket)")
        );
        assert!(
            missing.to_string().contains("AWS_ENDPOINT_URL"),
            "{missing}"
        );
        let denied = explain(&url, failed("<Code>InvalidAccessKeyId</Code>"));
        assert!(
            denied.to_string().contains("AWS_SECRET_ACCESS_KEY"),
            "{denied}"
        );
    }
}
