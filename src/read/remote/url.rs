//! Object URLs: `s3://bucket/key`, `gs://bucket/key`, `az://container/key` (or
//! `abfs://container/key`), and `https://host/path` (or `http://`) for single objects. A URL is
//! kept and shown without credentials: one that carries a user, a password, a query string or a
//! fragment is refused, since whatever it carries would be printed in reports and errors.

use std::fmt;

/// The kind of store a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// Amazon S3 or an S3-compatible store (`s3://`).
    S3,
    /// Google Cloud Storage (`gs://`).
    Gcs,
    /// Azure Blob Storage (`az://`, `abfs://`).
    Azure,
    /// A single object over HTTP(S) (`https://`, `http://`).
    Http,
}

/// A parsed object URL: the store (scheme and bucket) and the key inside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectUrl {
    /// The kind of store.
    pub scheme: Scheme,
    /// How the scheme was spelled (`s3`, `gs`, `az`, `abfs`, `https`, `http`).
    pub spelled: String,
    /// The bucket or container (for HTTP: the host and port).
    pub bucket: String,
    /// The key inside the bucket, without a leading `/` (empty: the whole bucket).
    pub key: String,
}

/// Why a string that looks like a URL cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// A scheme this program does not read.
    #[error("{0}: unsupported scheme (use s3://, gs://, az://, abfs://, https:// or http://)")]
    Scheme(String),
    /// No bucket (or host) after the scheme.
    #[error("{0}: no bucket or host after the scheme")]
    NoBucket(String),
    /// Credentials, a query string or a fragment in the URL.
    #[error(
        "{0}: a URL with a user, a password, a query string or a fragment is not accepted \
         (it would appear in reports); give credentials through the environment"
    )]
    Secret(String),
}

/// Whether `text` is spelled as a URL (`scheme://...`) rather than a local path.
pub fn looks_like_url(text: &str) -> bool {
    match text.split_once("://") {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

impl UrlError {
    /// The URL concerned, as shown (without anything secret).
    pub fn shown(&self) -> &str {
        match self {
            UrlError::Scheme(url) | UrlError::NoBucket(url) | UrlError::Secret(url) => url,
        }
    }
}

impl ObjectUrl {
    /// Parses `text`; `None` when it is not spelled as a URL (a local path).
    pub fn parse(text: &str) -> Option<Result<ObjectUrl, UrlError>> {
        if !looks_like_url(text) {
            return None;
        }
        let (spelled, rest) = text.split_once("://")?;
        let spelled = spelled.to_ascii_lowercase();
        let scheme = match spelled.as_str() {
            "s3" | "s3a" => Scheme::S3,
            "gs" | "gcs" => Scheme::Gcs,
            "az" | "abfs" | "abfss" | "azure" => Scheme::Azure,
            "https" | "http" => Scheme::Http,
            _ => return Some(Err(UrlError::Scheme(shown(text)))),
        };
        if rest.contains(['?', '#']) {
            return Some(Err(UrlError::Secret(shown(text))));
        }
        let (authority, key) = rest.split_once('/').unwrap_or((rest, ""));
        if authority.contains('@') {
            return Some(Err(UrlError::Secret(shown(text))));
        }
        if authority.is_empty() {
            return Some(Err(UrlError::NoBucket(shown(text))));
        }
        Some(Ok(ObjectUrl {
            scheme,
            spelled,
            bucket: authority.to_string(),
            key: key.trim_end_matches('/').to_string(),
        }))
    }

    /// The same store with another key.
    pub fn with_key(&self, key: &str) -> ObjectUrl {
        ObjectUrl {
            key: key.to_string(),
            ..self.clone()
        }
    }

    /// The store this URL lives in (scheme and bucket), as a URL without a key.
    pub fn store(&self) -> String {
        format!("{}://{}", self.spelled, self.bucket)
    }
}

impl fmt::Display for ObjectUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}/{}", self.spelled, self.bucket, self.key)
    }
}

/// `text` with anything after a `?` or `#`, and any `user:password@`, cut out, for error messages.
fn shown(text: &str) -> String {
    let cut = text.find(['?', '#']).unwrap_or(text.len());
    let text = &text[..cut];
    match text.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            let hidden = if host.len() < authority.len() {
                "***@"
            } else {
                ""
            };
            format!("{scheme}://{hidden}{host}/{path}")
        }
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_into_store_and_key() {
        let url = ObjectUrl::parse("s3://corpus/web/part-0.jsonl.gz")
            .unwrap()
            .unwrap();
        assert_eq!(
            (url.scheme, url.bucket.as_str(), url.key.as_str()),
            (Scheme::S3, "corpus", "web/part-0.jsonl.gz")
        );
        assert_eq!(url.to_string(), "s3://corpus/web/part-0.jsonl.gz");
        let bucket = ObjectUrl::parse("gs://b/").unwrap().unwrap();
        assert_eq!((bucket.key.as_str(), bucket.store()), ("", "gs://b".into()));
        let azure = ObjectUrl::parse("abfs://c/x").unwrap().unwrap();
        assert_eq!(azure.scheme, Scheme::Azure);
        assert!(ObjectUrl::parse("data/web").is_none());
        assert!(ObjectUrl::parse("/abs/a:b").is_none());
    }

    #[test]
    fn urls_with_secrets_are_refused_without_showing_them() {
        for url in [
            "https://host/f.parquet?X-Amz-Signature=SECRET",
            "https://user:SECRET@host/f.jsonl",
            "s3://b/k#SECRET",
        ] {
            let err = ObjectUrl::parse(url).unwrap().unwrap_err();
            assert!(matches!(err, UrlError::Secret(_)), "{url}");
            assert!(!err.to_string().contains("SECRET"), "{err}");
        }
        assert!(matches!(
            ObjectUrl::parse("ftp://h/x").unwrap(),
            Err(UrlError::Scheme(_))
        ));
        assert!(matches!(
            ObjectUrl::parse("s3:///x").unwrap(),
            Err(UrlError::NoBucket(_))
        ));
    }
}
